/*
 * cli_reconcile.c - `steward proposals`: what reconciliation proposes to
 * change, as a table, a CSV changeset a CRM can bulk-import, JSON, or SQL
 * UPDATE statements for SQLite sources.  docs/reconciliation.md describes
 * it.
 */
#include "cli/cli.h"

#include <getopt.h>

#include "cli/cli_output.h"
#include "store/store.h"

static const char proposals_usage[] =
	"usage: steward proposals [--run RUN] [--db FILE] [--owner O] [--source S]\n"
	"                         [--status auto-approved|pending]\n"
	"                         [--format table|csv|json|sql] [--policies DIR]\n\n"
	"The changes reconciliation proposes in a run (default: the latest): for\n"
	"each record whose value should change, the kind (update, fill, flag),\n"
	"the record, the attribute and the source's column, its current and the\n"
	"proposed value, where that comes from, the confidence, the rule that\n"
	"decided and the reason in plain English.  --owner keeps the proposals\n"
	"of the attributes an owner is accountable for.  CSV is a changeset a\n"
	"CRM can bulk-import (cells a spreadsheet would run as formulas are\n"
	"defused); SQL is one UPDATE statement per proposal to a SQLite source\n"
	"(it reads the policies for the table and key column), every identifier\n"
	"and value quoted.\n";

static const struct out_col proposal_cols[] = {
	{ "id", NULL, OUT_NUM, 0 },
	{ "kind", NULL, OUT_TEXT, 0 },
	{ "status", NULL, OUT_TEXT, 0 },
	{ "source", NULL, OUT_TEXT, 0 },
	{ "record_key", "record", OUT_TEXT, 0 },
	{ "attribute", NULL, OUT_TEXT, 0 },
	{ "field", NULL, OUT_TEXT, 0 },
	{ "current", NULL, OUT_TEXT, 32 },
	{ "proposed", "new value", OUT_TEXT, 32 },
	{ "confidence", NULL, OUT_NUM, 0 },
	{ "rule", NULL, OUT_TEXT, 0 },
	{ "owner", NULL, OUT_TEXT, 0 },
	{ "entity", NULL, OUT_TEXT, 0 },
	{ "origin_source", "from", OUT_TEXT, 0 },
	{ "origin_key", "from record", OUT_TEXT, 0 },
	{ "origin_date", "as of", OUT_TEXT, 0 },
	{ "reason", NULL, OUT_TEXT, 60 },
};

static int add_proposal(void *arg, const struct proposal_row *r)
{
	struct out_table *t = arg;

	out_add_int(t, r->id);
	out_add(t, r->kind);
	out_add(t, r->status);
	out_add(t, r->source);
	out_add(t, r->record_key);
	out_add(t, r->attribute);
	out_add(t, r->field);
	out_add(t, r->current);
	out_add(t, r->proposed);
	out_add_real(t, r->confidence, 3);
	out_add(t, r->rule);
	out_add(t, r->owner);
	out_add(t, r->entity);
	out_add(t, r->origin_source);
	out_add(t, r->origin_key);
	out_add(t, r->origin_date);
	out_add(t, r->reason);
	return t->err;
}

/* ---- SQL ------------------------------------------------------------------ */

/* An SQL identifier or string literal: q doubled inside q. */
static void sql_quote(struct buf *out, const char *s, char q)
{
	buf_addch(out, q);
	for (; *s; s++) {
		if (*s == q)
			buf_addch(out, q);
		buf_addch(out, *s);
	}
	buf_addch(out, q);
}

/* The rest of a comment line: no line break may end it early. */
static void sql_comment(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_addch(out, *s == '\n' || *s == '\r' ? ' ' : *s);
	buf_addch(out, '\n');
}

struct sql_out {
	const struct policy *p;
	struct buf out;
	uint64_t statements, skipped;
};

static int add_sql(void *arg, const struct proposal_row *r)
{
	struct sql_out *so = arg;
	const struct source *s = policy_source(so->p, r->source);
	struct buf *b = &so->out;

	buf_addf(b, "-- proposal %lld (%s, %s, confidence %.3f): ",
		 (long long)r->id, r->kind, r->status, r->confidence);
	sql_comment(b, r->reason);
	if (!s || s->kind != SOURCE_SQLITE || !s->table || !s->key_field ||
	    source_field_index(s, r->field) == SIZE_MAX) {
		so->skipped++;
		buf_addf(b, "-- not applied here: %s", !s ? "the policies have no "
			 "such source" : s->kind != SOURCE_SQLITE ? "not a SQLite "
			 "source; use --format csv" : !s->table ? "the source reads "
			 "a query, not a table" : "the value is not one whole "
			 "column (made of several fields, or part of one)");
		buf_addch(b, '\n');
		return buf_error(b);
	}
	buf_addstr(b, "UPDATE ");
	sql_quote(b, s->table, '"');
	buf_addstr(b, " SET ");
	sql_quote(b, r->field, '"');
	buf_addstr(b, " = ");
	sql_quote(b, r->proposed, '\'');
	buf_addstr(b, " WHERE ");
	sql_quote(b, s->key_field, '"');
	buf_addstr(b, " = ");
	sql_quote(b, r->record_key, '\'');
	buf_addstr(b, ";\n");
	so->statements++;
	return buf_error(b);
}

static int print_sql(struct store *st, const struct run_info *run,
		     const struct proposal_filter *f, const char *policies)
{
	struct cli_policy_opts po = { policies, NULL };
	struct sql_out so = { NULL, BUF_INIT, 0, 0 };
	struct diag d;
	size_t errors = 0;
	int rc;

	if (!(so.p = cli_load_policy(&po, &errors)))
		return EXIT_USAGE;
	diag_clear(&d);
	buf_addf(&so.out, "-- steward proposals of run %lld, as of %s\nBEGIN;\n",
		 (long long)run->id, run->as_of);
	rc = store_proposals(st, run->id, f, add_sql, &so, &d);
	buf_addf(&so.out, "COMMIT;\n-- %llu statement%s, %llu proposal%s not "
		 "for a SQLite table\n", (unsigned long long)so.statements,
		 so.statements == 1 ? "" : "s", (unsigned long long)so.skipped,
		 so.skipped == 1 ? "" : "s");
	if (rc)
		rc = cli_fail("proposals", &d);
	else if (buf_error(&so.out))
		rc = cli_fail("proposals", NULL);
	else
		rc = cli_write(so.out.data, so.out.len);
	buf_release(&so.out);
	policy_free((struct policy *)so.p);
	return rc;
}

int cmd_proposals(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "run", required_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'F' },
		{ "owner", required_argument, NULL, 'O' },
		{ "source", required_argument, NULL, 'S' },
		{ "status", required_argument, NULL, 'T' },
		{ "policies", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = DEFAULT_DB, *run_text = NULL, *format = "table";
	const char *policies = "policies";
	struct proposal_filter f = { NULL, NULL, NULL, NULL };
	enum out_format of = OUT_TABLE;
	struct store *st = NULL;
	struct run_info run;
	struct out_table t;
	struct buf out = BUF_INIT;
	struct diag d;
	bool sql;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'R': run_text = optarg; break;
		case 'F': format = optarg; break;
		case 'O': f.owner = optarg; break;
		case 'S': f.source = optarg; break;
		case 'T': f.status = optarg; break;
		case 'p': policies = optarg; break;
		case 'h':
			fputs(proposals_usage, stdout);
			return EXIT_OK;
		default:
			fputs(proposals_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cli_error("proposals: unexpected argument '%s'", argv[optind]);
		fputs(proposals_usage, stderr);
		return EXIT_USAGE;
	}
	sql = !strcmp(format, "sql");
	if (!sql && out_format_parse(format, &of) < 0) {
		cli_error("proposals: unknown format '%s'; use table, csv, json or "
			  "sql", format);
		return EXIT_USAGE;
	}
	if (f.status && strcmp(f.status, "auto-approved") &&
	    strcmp(f.status, "pending")) {
		cli_error("proposals: unknown status '%s'; use auto-approved or "
			  "pending", f.status);
		return EXIT_USAGE;
	}
	if ((rc = cli_open_history("proposals", db, &st)) ||
	    (rc = cli_pick_run(st, db, run_text, "proposals", &run))) {
		store_close(st);
		return rc;
	}
	if (sql) {
		rc = print_sql(st, &run, &f, policies);
		store_close(st);
		return rc;
	}
	diag_clear(&d);
	out_table_init(&t, of, proposal_cols, ARRAY_SIZE(proposal_cols));
	if (store_proposals(st, run.id, &f, add_proposal, &t, &d))
		rc = t.err ? cli_fail("proposals", NULL) : cli_fail("proposals", &d);
	else if (out_table_render(&t, &out))
		rc = cli_fail("proposals", NULL);
	else
		rc = cli_write(out.data, out.len);
	buf_release(&out);
	out_table_release(&t);
	store_close(st);
	return rc;
}
