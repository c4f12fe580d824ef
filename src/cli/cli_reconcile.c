/*
 * cli_reconcile.c - the reconciliation commands: `proposals` (what to
 * change, as a table, a CSV changeset a CRM can bulk-import, JSON, or SQL
 * UPDATE statements for SQLite sources), `review` (owners' decisions on
 * them, for the record) and `apply` (approved proposals into a SQLite
 * source, and back out).  docs/reconciliation.md describes them.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "cli/cli_output.h"
#include "source/writer_sqlite.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/arena.h"

static const char proposals_usage[] =
	"usage: steward proposals [--run RUN] [--db FILE] [--owner O] [--source S]\n"
	"                         [--status auto-approved|pending|accepted|rejected]\n"
	"                         [--format table|csv|json|sql] [--policies DIR]\n\n"
	"The changes reconciliation proposes in a run (default: the latest): for\n"
	"each record whose value should change, the kind (update, fill, flag, merge),\n"
	"the record, the attribute and the source's column, its current and the\n"
	"proposed value, where that comes from, the confidence, the rule that\n"
	"decided and the reason in plain English.  --owner keeps the proposals\n"
	"of the attributes an owner is accountable for.  CSV is a changeset a\n"
	"CRM can bulk-import (cells a spreadsheet would run as formulas are\n"
	"defused); SQL is one UPDATE statement per proposal to a SQLite source\n"
	"(it reads the policies for the table and key column), every identifier\n"
	"and value quoted.  A reviewed proposal shows its latest decision, and\n"
	"--status accepted or rejected finds them.\n";

static const char review_usage[] =
	"usage: steward review accept|reject ID... --by NAME [--note TEXT] [--db FILE]\n\n"
	"Record a reviewer's decision on proposals (their ids from steward\n"
	"proposals), with the time: kept in the history for good (never changed\n"
	"or deleted).  A rejected proposal is not proposed again while the data\n"
	"it rested on is unchanged; an accepted one is proposed again, marked\n"
	"accepted, until its record agrees.\n";

int cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "by", required_argument, NULL, 'B' },
		{ "note", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = DEFAULT_DB, *by = NULL, *note = NULL, *decision;
	struct store *st = NULL;
	struct diag d;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'B': by = optarg; break;
		case 'N': note = optarg; break;
		case 'h':
			fputs(review_usage, stdout);
			return EXIT_OK;
		default:
			fputs(review_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 2 || (strcmp(argv[optind], "accept") &&
				  strcmp(argv[optind], "reject"))) {
		cli_error("review: give accept or reject and at least one proposal id");
		fputs(review_usage, stderr);
		return EXIT_USAGE;
	}
	if (!by || !*by) {
		cli_error("review: say who decides with --by NAME");
		return EXIT_USAGE;
	}
	decision = argv[optind];
	for (int i = optind + 1; i < argc; i++) {
		char *end;

		errno = 0;
		if (strtoll(argv[i], &end, 10) <= 0 || *end || errno) {
			cli_error("review: '%s' is not a proposal id (a positive "
				  "number from steward proposals)", argv[i]);
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_open_history("review", db, &st)))
		return rc;
	diag_clear(&d);
	if (store_lock(st, &d)) {
		store_close(st);
		return cli_fail("review", &d);
	}
	for (int i = optind + 1; i < argc && rc == EXIT_OK; i++) {
		long long id = strtoll(argv[i], NULL, 10);

		if (store_review(st, id, decision, by, note, &d))
			rc = cli_fail("review", &d);
		else
			printf("proposal %lld: %s by %s\n", id,
			       decision[0] == 'a' ? "accepted" : "rejected", by);
	}
	store_close(st);
	return rc;
}

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
	{ "decision", NULL, OUT_TEXT, 0 },
	{ "reviewer", NULL, OUT_TEXT, 0 },
	{ "reviewed_at", "reviewed", OUT_TEXT, 0 },
	{ "note", NULL, OUT_TEXT, 40 },
	{ "rests_on", "rests on", OUT_TEXT, 0 },
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
	out_add(t, r->decision);
	out_add(t, r->reviewer);
	out_add(t, r->reviewed_at);
	out_add(t, r->note);
	out_add(t, r->rests_on);
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
	    !strcmp(r->kind, "merge") ||
	    source_field_index(s, r->field) == SIZE_MAX) {
		so->skipped++;
		buf_addf(b, "-- not applied here: %s", !s ? "the policies have no "
			 "such source" : !strcmp(r->kind, "merge") ? "a merge of two "
			 "records, for the source's own merge" : s->kind != SOURCE_SQLITE ? "not a SQLite "
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
	struct proposal_filter f = { NULL, NULL, NULL, false };
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
	    strcmp(f.status, "pending") && strcmp(f.status, "accepted") &&
	    strcmp(f.status, "rejected")) {
		cli_error("proposals: unknown status '%s'; use auto-approved, "
			  "pending, accepted or rejected", f.status);
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

/* ---- apply ---------------------------------------------------------------- */

static const char apply_usage[] =
	"usage: steward apply --source S [--commit] [--by NAME] [--run RUN]\n"
	"                     [--db FILE] [--policies DIR] [--data DIR]\n"
	"       steward apply --undo APPLY_ID [--by NAME] [--db FILE]\n"
	"                     [--policies DIR] [--data DIR]\n\n"
	"Apply a run's approved proposals (auto-approved, or accepted by a\n"
	"reviewer; update and fill, not merge) to a SQLite source, in one\n"
	"transaction, and\n"
	"record every value before and after in the history.  Without --commit\n"
	"(a dry run, the default) it only lists what it would change.  --undo\n"
	"puts back the values an apply changed, where nobody has changed them\n"
	"since.  For other sources, use `steward proposals --format csv`.\n";

struct apply_item {
	int64_t proposal;
	char *key, *column, *value;
};

struct apply_list {
	struct apply_item *items;
	size_t n, cap;
	const struct source *s;
	uint64_t not_column;
	int err;
};

static int collect_approved(void *arg, const struct proposal_row *r)
{
	struct apply_list *l = arg;
	struct apply_item *it;

	/* a flag needs a person; a merge changes which records exist, not
	 * a value (the CRM's own merge does it) */
	if (!strcmp(r->kind, "flag") || !strcmp(r->kind, "merge"))
		return 0;
	if (source_field_index(l->s, r->field) == SIZE_MAX) {
		l->not_column++;
		return 0;
	}
	if (xgrow(&l->items, &l->cap, l->n + 1, sizeof(*l->items)))
		return l->err = ST_ERR_NOMEM;
	it = &l->items[l->n++];
	it->proposal = r->id;
	it->key = xstrdup(r->record_key);
	it->column = xstrdup(r->field);
	it->value = xstrdup(r->proposed);
	if (!it->key || !it->column || !it->value)
		return l->err = ST_ERR_NOMEM;
	return 0;
}

static void apply_list_release(struct apply_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		xfree(l->items[i].key);
		xfree(l->items[i].column);
		xfree(l->items[i].value);
	}
	xfree(l->items);
}

/* The SQLite source that proposals or an undo change: its table and key. */
static const struct source *apply_source(const struct policy *p, const char *id)
{
	const struct source *s = policy_source(p, id);

	if (!s) {
		cli_error("apply: the policies have no source '%s'", id);
		return NULL;
	}
	if (s->kind != SOURCE_SQLITE || !s->table || !s->key_field) {
		cli_error("apply: '%s' is not a SQLite source read from a table; "
			  "export its changes with steward proposals --format csv "
			  "--source %s", id, id);
		return NULL;
	}
	return s;
}

struct change_out {
	struct out_table *t;
	const char *table;
};

static void show_change(struct out_table *t, int64_t proposal, const char *key,
			const char *column, const char *before, bool is_null,
			const char *after, const char *what)
{
	out_add_int(t, proposal);
	out_add(t, key);
	out_add(t, column);
	out_add(t, is_null ? NULL : before);
	out_add(t, after);
	out_add(t, what);
}

static const struct out_col change_cols[] = {
	{ "proposal", NULL, OUT_NUM, 0 },
	{ "record_key", "record", OUT_TEXT, 0 },
	{ "column", NULL, OUT_TEXT, 0 },
	{ "before", NULL, OUT_TEXT, 40 },
	{ "after", NULL, OUT_TEXT, 40 },
	{ "result", NULL, OUT_TEXT, 0 },
};

static int apply_proposals(struct store *st, const struct policy *p,
			   const char *source, const char *run_text,
			   const char *db, bool commit, const char *by)
{
	struct apply_list l = { NULL, 0, 0, NULL, 0, 0 };
	struct proposal_filter f = { source, NULL, NULL, false };
	struct sqlite_target *tg = NULL;
	struct out_table t;
	struct buf before = BUF_INIT, out = BUF_INIT;
	struct run_info run;
	struct diag d;
	int64_t apply_id = 0;
	uint64_t changed = 0, skipped = 0;
	bool in_history = false;
	int rc;

	if (!(l.s = apply_source(p, source)))
		return EXIT_USAGE;
	if ((rc = cli_pick_run(st, db, run_text, "apply", &run)))
		return rc;
	diag_clear(&d);
	f.status = "auto-approved";
	rc = store_proposals(st, run.id, &f, collect_approved, &l, &d);
	f.status = "accepted";
	if (!rc)
		rc = store_proposals(st, run.id, &f, collect_approved, &l, &d);
	out_table_init(&t, OUT_TABLE, change_cols, ARRAY_SIZE(change_cols));
	if (!rc && (rc = sqlite_target_open(l.s->resolved_path, l.s->table,
					   l.s->key_field, &tg, &d)) == 0)
		rc = sqlite_target_begin(tg, &d);
	if (!rc && commit && (rc = store_apply_begin(st, source, by, 0, &apply_id,
						    &d)) == 0)
		in_history = true;
	for (size_t i = 0; i < l.n && !rc; i++) {
		struct apply_item *it = &l.items[i];
		bool is_null, found, applied;
		struct applied_change c;

		if ((rc = store_proposal_applied(st, it->proposal, &applied, &d)) ||
		    (rc = sqlite_target_get(tg, it->key, it->column, &before,
					    &is_null, &found, &d)))
			break;
		if (applied || !found || (!is_null && !strcmp(before.data, it->value))) {
			show_change(&t, it->proposal, it->key, it->column, before.data,
				    is_null || !found, it->value, applied ?
				    "applied already" : !found ? "no such record" :
				    "agrees already");
			skipped++;
			continue;
		}
		show_change(&t, it->proposal, it->key, it->column, before.data,
			    is_null, it->value, commit ? "changed" : "would change");
		changed++;
		if (!commit)
			continue;
		c = (struct applied_change){ apply_id, (int64_t)changed, it->proposal,
					     l.s->table, l.s->key_field, it->key,
					     it->column, is_null ? NULL : before.data,
					     it->value };
		if ((rc = sqlite_target_set(tg, it->key, it->column, it->value, &d)) ||
		    (rc = store_apply_change(st, &c, &d)))
			break;
	}
	/* the source first: if it cannot commit, the history forgets the
	 * apply; the history's commit failing after it is reported.  An
	 * apply that changed nothing is not recorded. */
	if (!rc && commit && changed &&
	    (rc = sqlite_target_commit(tg, &d)) == 0) {
		rc = store_apply_commit(st, &d);
		in_history = false;
	}
	if (in_history)
		store_apply_abort(st);
	sqlite_target_close(tg);	/* rolls back what was not committed */
	if (rc) {
		out_table_release(&t);
		buf_release(&before);
		apply_list_release(&l);
		return l.err ? cli_fail("apply", NULL) : cli_fail("apply", &d);
	}
	if (out_table_render(&t, &out) == 0)
		rc = cli_write(out.data, out.len);
	if (commit && !changed)
		printf("nothing to change in %s (table %s): %llu skipped\n", source,
		       l.s->table, (unsigned long long)skipped);
	else if (commit)
		printf("apply %lld: %llu change%s to %s (table %s), %llu skipped; "
		       "undo with: steward apply --undo %lld\n", (long long)apply_id,
		       (unsigned long long)changed, changed == 1 ? "" : "s", source,
		       l.s->table, (unsigned long long)skipped, (long long)apply_id);
	else
		printf("dry run: %llu change%s to %s (table %s) from run %lld, %llu "
		       "skipped, %llu not a whole column; apply them with --commit\n",
		       (unsigned long long)changed, changed == 1 ? "" : "s", source,
		       l.s->table, (long long)run.id, (unsigned long long)skipped,
		       (unsigned long long)l.not_column);
	out_table_release(&t);
	buf_release(&out);
	buf_release(&before);
	apply_list_release(&l);
	return rc;
}

struct undo_list {
	struct applied_change *c;
	size_t n, cap;
	struct arena text;
};

static int collect_change(void *arg, const struct applied_change *c)
{
	struct undo_list *u = arg;
	struct applied_change *x;

	if (xgrow(&u->c, &u->cap, u->n + 1, sizeof(*u->c)))
		return ST_ERR_NOMEM;
	x = &u->c[u->n++];
	*x = *c;
	x->table = arena_strdup(&u->text, c->table);
	x->key_column = arena_strdup(&u->text, c->key_column);
	x->record_key = arena_strdup(&u->text, c->record_key);
	x->column = arena_strdup(&u->text, c->column);
	x->before = c->before ? arena_strdup(&u->text, c->before) : NULL;
	x->after = c->after ? arena_strdup(&u->text, c->after) : NULL;
	return u->text.err;
}

static int undo_apply(struct store *st, const struct policy *p, int64_t id,
		      const char *by)
{
	struct undo_list u = { NULL, 0, 0, { NULL, 0, 0, 0 } };
	const struct source *s = NULL;
	struct sqlite_target *tg = NULL;
	struct buf now = BUF_INIT, out = BUF_INIT;
	struct out_table t;
	struct diag d;
	char source[128];
	bool undone = false, in_history = false, told = false;
	int64_t undo_of = 0, undo_id = 0;
	uint64_t restored = 0, kept = 0;
	int rc;

	arena_init(&u.text, 4096);
	diag_clear(&d);
	out_table_init(&t, OUT_TABLE, change_cols, ARRAY_SIZE(change_cols));
	rc = store_apply_changes(st, id, source, sizeof(source), &undone, &undo_of,
				 collect_change, &u, &d);
	if (!rc && (undone || undo_of)) {
		cli_error("apply: apply %lld %s", (long long)id, undone ?
			  "was undone already" : "is itself an undo");
		told = true;
	}
	if (!rc && !told && !(s = apply_source(p, source)))
		told = true;
	if (told)
		rc = ST_ERR;
	if (!rc && (rc = sqlite_target_open(s->resolved_path, s->table,
					   s->key_field, &tg, &d)) == 0)
		rc = sqlite_target_begin(tg, &d);
	if (!rc && (rc = store_apply_begin(st, source, by, id, &undo_id, &d)) == 0)
		in_history = true;
	/* newest first, so a value changed twice ends as it began */
	for (size_t k = u.n; k > 0 && !rc; k--) {
		const struct applied_change *c = &u.c[k - 1];
		bool is_null, found, same;
		struct applied_change back;

		if ((rc = sqlite_target_get(tg, c->record_key, c->column, &now,
					    &is_null, &found, &d)))
			break;
		same = found && (c->after ? !is_null && !strcmp(now.data, c->after) :
				 is_null);
		if (!same) {
			show_change(&t, c->proposal_id, c->record_key, c->column,
				    now.data, is_null || !found, c->before,
				    "kept: changed since");
			kept++;
			continue;
		}
		show_change(&t, c->proposal_id, c->record_key, c->column, now.data,
			    is_null, c->before, "restored");
		back = (struct applied_change){ undo_id, (int64_t)++restored, 0,
						c->table, c->key_column, c->record_key,
						c->column, c->after, c->before };
		if ((rc = sqlite_target_set(tg, c->record_key, c->column, c->before,
					    &d)) ||
		    (rc = store_apply_change(st, &back, &d)))
			break;
	}
	if (!rc && (rc = sqlite_target_commit(tg, &d)) == 0) {
		rc = store_apply_commit(st, &d);
		in_history = false;
	}
	if (in_history)
		store_apply_abort(st);
	sqlite_target_close(tg);
	if (told) {
		rc = EXIT_USAGE;
	} else if (rc == 0 && out_table_render(&t, &out) == 0) {
		rc = cli_write(out.data, out.len);
		printf("apply %lld undid apply %lld: %llu value%s restored, %llu "
		       "changed since and kept\n", (long long)undo_id, (long long)id,
		       (unsigned long long)restored, restored == 1 ? "" : "s",
		       (unsigned long long)kept);
	} else {
		rc = cli_fail("apply", &d);
	}
	out_table_release(&t);
	buf_release(&now);
	buf_release(&out);
	xfree(u.c);
	arena_release(&u.text);
	return rc;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "run", required_argument, NULL, 'R' },
		{ "source", required_argument, NULL, 'S' },
		{ "undo", required_argument, NULL, 'U' },
		{ "by", required_argument, NULL, 'B' },
		{ "commit", no_argument, NULL, 'C' },
		{ "dry-run", no_argument, NULL, 'N' },
		{ "policies", required_argument, NULL, 'p' },
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = DEFAULT_DB, *run_text = NULL, *source = NULL;
	const char *undo = NULL, *by = NULL;
	struct cli_policy_opts po = { "policies", NULL };
	struct policy *p;
	struct store *st = NULL;
	struct diag d;
	size_t errors = 0;
	bool commit = false, dry = false;
	long long undo_id = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'R': run_text = optarg; break;
		case 'S': source = optarg; break;
		case 'U': undo = optarg; break;
		case 'B': by = optarg; break;
		case 'C': commit = true; break;
		case 'N': dry = true; break;
		case 'p': po.dir = optarg; break;
		case 'd': po.data = optarg; break;
		case 'h':
			fputs(apply_usage, stdout);
			return EXIT_OK;
		default:
			fputs(apply_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || !source == !undo || (commit && dry) ||
	    (undo && (commit || dry || run_text))) {
		cli_error("apply: give --source S (with --commit to apply, else a "
			  "dry run) or --undo APPLY_ID");
		fputs(apply_usage, stderr);
		return EXIT_USAGE;
	}
	if (undo) {
		char *end;

		errno = 0;
		undo_id = strtoll(undo, &end, 10);
		if (undo_id <= 0 || *end || errno) {
			cli_error("apply: '%s' is not an apply id", undo);
			return EXIT_USAGE;
		}
	}
	if (!(p = cli_load_policy(&po, &errors)))
		return EXIT_USAGE;
	if ((rc = cli_open_history("apply", db, &st))) {
		policy_free(p);
		return rc;
	}
	diag_clear(&d);
	if ((commit || undo) && store_lock(st, &d))
		rc = cli_fail("apply", &d);
	else if (undo)
		rc = undo_apply(st, p, undo_id, by);
	else
		rc = apply_proposals(st, p, source, run_text, db, commit, by);
	store_close(st);
	policy_free(p);
	return rc;
}
