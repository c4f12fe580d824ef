/*
 * cli_identity.c - the identity commands: `identities` (who is who, one
 * line per record), `eval` (against a labelled truth), `entity` (one
 * person's records side by side) and `why` (why two records are or are
 * not one person).  docs/identity.md describes them.
 *
 * `identities` streams: the benchmark world has millions of records, so
 * rows go to stdout in 64 KiB writes as the history returns them, never
 * into a table in memory.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <math.h>
#include <sys/stat.h>

#include "cli/cli_output.h"
#include "identity/evaluate.h"
#include "pipeline/explain_pair.h"
#include "store/store.h"
#include "util/json.h"
#include "util/utf8.h"

struct id_opts {
	const char *db, *run, *format, *truth, *status, *source;
	struct cli_policy_opts po;
	char **args;
	int nargs;
};

/* Options common to the identity commands; `allowed` lists the letters
 * the command takes. */
static int id_parse(const char *cmd, const char *usage, const char *allowed,
		    int argc, char **argv, struct id_opts *o, int *status)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "run", required_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'F' },
		{ "truth", required_argument, NULL, 'T' },
		{ "policies", required_argument, NULL, 'p' },
		{ "data", required_argument, NULL, 'd' },
		{ "status", required_argument, NULL, 'S' },
		{ "source", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->db = DEFAULT_DB;
	o->po.dir = "policies";
	*status = EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c != 'h' && c != '?' && !strchr(allowed, c)) {
			cli_error("%s: this command takes no --%s", cmd,
				  longopts[strchr("DRFTpdSO", c) - "DRFTpdSO"].name);
			fputs(usage, stderr);
			return -1;
		}
		switch (c) {
		case 'D': o->db = optarg; break;
		case 'R': o->run = optarg; break;
		case 'F': o->format = optarg; break;
		case 'T': o->truth = optarg; break;
		case 'p': o->po.dir = optarg; break;
		case 'd': o->po.data = optarg; break;
		case 'S':
		case 'O':
			if (c == 'S' ? o->status != NULL : o->source != NULL) {
				cli_error("%s: give --%s once%s", cmd,
					  c == 'S' ? "status" : "source",
					  c == 'S' ? ", as a comma-separated list" : "");
				return -1;
			}
			*(c == 'S' ? &o->status : &o->source) = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			*status = EXIT_OK;
			return -1;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return 0;
}

/* The latest run before run->id that has identities, into *run; false
 * when there is none. */
static bool earlier_identities(struct store *s, const struct id_opts *o,
			       const char *cmd, struct run_info *run)
{
	char id[32];
	struct diag d;
	bool has = false;

	diag_clear(&d);
	for (int64_t r = run->id - 1; r > 0 && !has; r--) {
		if (store_has_identities(s, r, &has, &d))
			return false;
		snprintf(id, sizeof(id), "%lld", (long long)r);
		if (has && cli_pick_run(s, o->db, id, cmd, run))
			return false;
	}
	return has;
}

/* Open the history and pick the run; it must have identities.  Without
 * --run, the latest run that has them (a scan of some sources has none). */
static int id_open(const char *cmd, const struct id_opts *o, struct store **s,
		   struct run_info *run)
{
	struct diag d;
	int64_t latest;
	bool has;
	int rc;

	if ((rc = cli_open_history(cmd, o->db, s)) ||
	    (rc = cli_pick_run(*s, o->db, o->run, cmd, run)))
		return rc;
	diag_clear(&d);
	if (store_has_identities(*s, run->id, &has, &d)) {
		cli_print_diag(&d);
		return EXIT_USAGE;
	}
	latest = run->id;
	if (!has && !o->run && earlier_identities(*s, o, cmd, run)) {
		fprintf(stderr, "steward: %s: run %lld has no identities; using run "
			"%lld, the latest that has\n", cmd, (long long)latest,
			(long long)run->id);
		return EXIT_OK;
	}
	if (!has) {
		cli_error("%s: run %lld has no identities: it was a scan of some "
			  "sources only, with --no-identity, or the policies have "
			  "no identity rules or comparisons", cmd, (long long)run->id);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Without --data, `why` and `entity` read the folder the run read, when
 * it is still there: a later month's run is explained with its own data,
 * not the policies' default. */
static void run_data(struct id_opts *o, const struct run_info *run)
{
	struct stat st;

	if (!o->po.data && run->data_dir[0] && !stat(run->data_dir, &st) &&
	    S_ISDIR(st.st_mode))
		o->po.data = run->data_dir;
}

/* ---- identities ---------------------------------------------------------- */

static const char identities_usage[] =
	"usage: steward identities [--run RUN] [--db FILE] [--format csv|json]\n\n"
	"Who is who in a run (default: the latest): one line per record with\n"
	"its source, its key and the id of the person it belongs to. CSV (the\n"
	"default) has the header source,record_key,entity_id; JSON is an array\n"
	"of objects with those members.\n";

struct stream {
	struct buf out;
	bool json, first;
	int err;
};

static void stream_flush(struct stream *st, bool all)
{
	if (st->err || (!all && st->out.len < (64u << 10)))
		return;
	if (buf_error(&st->out) || cli_write(st->out.data, st->out.len))
		st->err = EXIT_USAGE;
	buf_reset(&st->out);
}

static int stream_member(void *arg, const struct member_row *m)
{
	struct stream *st = arg;

	if (st->json) {
		buf_addstr(&st->out, st->first ? "[\n" : ",\n");
		buf_addstr(&st->out, "{\"source\":");
		json_cstring(&st->out, m->source);
		buf_addstr(&st->out, ",\"record_key\":");
		json_cstring(&st->out, m->record_key);
		buf_addstr(&st->out, ",\"entity_id\":");
		json_cstring(&st->out, m->entity);
		buf_addch(&st->out, '}');
	} else {
		out_csv_cell(&st->out, m->source, false);
		buf_addch(&st->out, ',');
		out_csv_cell(&st->out, m->record_key, false);
		buf_addch(&st->out, ',');
		out_csv_cell(&st->out, m->entity, false);
		buf_addch(&st->out, '\n');
	}
	st->first = false;
	stream_flush(st, false);
	return st->err;
}

int cmd_identities(int argc, char **argv)
{
	struct id_opts o;
	struct store *s = NULL;
	struct run_info run;
	struct stream st = { BUF_INIT, false, true, 0 };
	struct diag d;
	int rc;

	if (id_parse("identities", identities_usage, "DRF", argc, argv, &o, &rc))
		return rc;
	if (o.nargs) {
		cli_error("identities: unexpected argument '%s'", o.args[0]);
		fputs(identities_usage, stderr);
		return EXIT_USAGE;
	}
	if (o.format && strcmp(o.format, "csv") && strcmp(o.format, "json")) {
		cli_error("identities: --format takes csv or json, not '%s'", o.format);
		return EXIT_USAGE;
	}
	st.json = o.format && !strcmp(o.format, "json");
	if ((rc = id_open("identities", &o, &s, &run)))
		goto out;
	if (!st.json)
		buf_addstr(&st.out, "source,record_key,entity_id\n");
	diag_clear(&d);
	rc = store_members(s, run.id, NULL, stream_member, &st, &d);
	if (rc && !st.err) {
		cli_print_diag(&d);
		rc = EXIT_USAGE;
		goto out;
	}
	if (st.json)
		buf_addstr(&st.out, st.first ? "[]\n" : "\n]\n");
	stream_flush(&st, true);
	rc = st.err;
out:
	buf_release(&st.out);
	store_close(s);
	return rc;
}

/* ---- links --------------------------------------------------------------- */

static const char links_usage[] =
	"usage: steward links [--run RUN] [--status S[,S...]] [--source S]\n"
	"                     [--db FILE] [--format table|csv|json]\n\n"
	"The pairs of records a run kept (default: the latest run), each with its\n"
	"status: linked (a rule or the model joined them), review (a pair for a\n"
	"reviewer), refused (the chain guard kept two groups apart), conflict (an\n"
	"exclusive value did) or ambiguous (joining would have guessed between\n"
	"two people); its probability, and the rule or the exclusive attribute.\n"
	"--status review is the review queue; --source keeps the pairs with a\n"
	"record in that source.  'steward why' explains one pair.\n";

static const char *const link_statuses[] = {
	"linked", "review", "refused", "conflict", "ambiguous",
};

#define LINKS_TABLE_MAX 1000	/* rows a terminal table shows */

static const struct out_col link_cols[] = {
	{ "source_a", "source a", OUT_TEXT, 0 },
	{ "key_a", "key a", OUT_TEXT, 24 },
	{ "source_b", "source b", OUT_TEXT, 0 },
	{ "key_b", "key b", OUT_TEXT, 24 },
	{ "status", NULL, OUT_TEXT, 0 },
	{ "probability", NULL, OUT_NUM, 0 },
	{ "rule", NULL, OUT_TEXT, 0 },
	{ "conflict", NULL, OUT_TEXT, 0 },
	{ "evidence", NULL, OUT_JSONTEXT, 48 },
};

struct link_list {
	bool want[ARRAY_SIZE(link_statuses)];
	const char *source, *status;	/* as given, or NULL */
	int64_t run;
	struct out_table t;	/* the table format */
	struct stream st;	/* csv and json, streamed */
	uint64_t shown, matched;
};

static bool link_wanted(const struct link_list *ll, const struct link_row *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(link_statuses); i++)
		if (!strcmp(l->status, link_statuses[i]))
			return ll->want[i] && (!ll->source ||
			       !strcmp(l->source_a, ll->source) ||
			       !strcmp(l->source_b, ll->source));
	return false;
}

/* Link l's cells in the order of link_cols; the probability written in
 * prob (the table shows it from l itself, rounded). */
static void link_cells(const struct link_row *l, char prob[32],
		       const char *cells[ARRAY_SIZE(link_cols)])
{
	snprintf(prob, 32, "%.6f", l->probability);
	cells[0] = l->source_a;
	cells[1] = l->key_a;
	cells[2] = l->source_b;
	cells[3] = l->key_b;
	cells[4] = l->status;
	cells[5] = prob;
	cells[6] = l->rule;
	cells[7] = l->conflict;
	cells[8] = l->evidence;
}

/* One link as a CSV row or a JSON object, typed by link_cols. */
static void stream_link(struct stream *st, const struct link_row *l)
{
	const char *cells[ARRAY_SIZE(link_cols)];
	char prob[32];

	link_cells(l, prob, cells);
	if (st->json)
		buf_addstr(&st->out, st->first ? "[\n{" : ",\n{");
	for (size_t c = 0; c < ARRAY_SIZE(link_cols); c++) {
		enum out_type type = link_cols[c].type;
		const char *v = cells[c];

		if (!st->json) {
			out_csv_cell(&st->out, v, type == OUT_NUM);
			buf_addch(&st->out, c + 1 < ARRAY_SIZE(link_cols) ? ',' : '\n');
			continue;
		}
		buf_addf(&st->out, "%s\"%s\":", c ? "," : "", link_cols[c].key);
		out_json_value(&st->out, &link_cols[c], v);
	}
	if (st->json)
		buf_addch(&st->out, '}');
	st->first = false;
	stream_flush(st, false);
}

static int list_link(void *arg, const struct link_row *l)
{
	struct link_list *ll = arg;
	const char *cells[ARRAY_SIZE(link_cols)];
	char prob[32];

	if (!link_wanted(ll, l))
		return 0;
	ll->matched++;
	if (ll->t.format != OUT_TABLE) {
		stream_link(&ll->st, l);
		return ll->st.err;
	}
	if (ll->shown == LINKS_TABLE_MAX)
		return 0;
	ll->shown++;
	link_cells(l, prob, cells);
	for (size_t c = 0; c < ARRAY_SIZE(link_cols); c++) {
		if (link_cols[c].type == OUT_NUM)
			out_add_real(&ll->t, l->probability, 4);
		else
			out_add(&ll->t, cells[c]);
	}
	return ll->t.err;
}

/* --status: a comma-separated list of the statuses; all when absent. */
static int parse_statuses(const char *arg, bool *want)
{
	const char *p = arg;

	for (size_t i = 0; i < ARRAY_SIZE(link_statuses); i++)
		want[i] = !arg;
	while (p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < ARRAY_SIZE(link_statuses); i++)
			if (strlen(link_statuses[i]) == n &&
			    !strncmp(p, link_statuses[i], n))
				break;
		if (i == ARRAY_SIZE(link_statuses)) {
			cli_error("links: --status takes linked, review, refused, "
				  "conflict or ambiguous (comma-separated), not "
				  "'%.*s'", (int)n, p);
			return -1;
		}
		want[i] = true;
		p = p[n] == ',' ? p + n + 1 : NULL;
	}
	return 0;
}

static int finish_links(struct link_list *ll)
{
	struct buf out = BUF_INIT;
	int rc;

	if (ll->t.format != OUT_TABLE) {
		if (ll->st.json)
			buf_addstr(&ll->st.out, ll->st.first ? "[]\n" : "\n]\n");
		stream_flush(&ll->st, true);
		return ll->st.err;
	}
	if (!ll->matched) {
		printf("no pairs%s%s%s%s in run %lld\n",
		       ll->status ? " with status " : "",
		       ll->status ? ll->status : "",
		       ll->source ? " with a record in " : "",
		       ll->source ? ll->source : "", (long long)ll->run);
		return EXIT_OK;
	}
	rc = out_table_render(&ll->t, &out);
	if (!rc)
		rc = cli_write(out.data, out.len);
	buf_release(&out);
	if (!rc && ll->matched > ll->shown)
		fprintf(stderr, "steward: links: showing the first %llu of %llu; "
			"--format csv or json lists them all\n",
			(unsigned long long)ll->shown,
			(unsigned long long)ll->matched);
	return rc ? EXIT_USAGE : EXIT_OK;
}

int cmd_links(int argc, char **argv)
{
	struct id_opts o;
	struct store *s = NULL;
	struct run_info run;
	struct link_list ll = { .st = { BUF_INIT, false, true, 0 } };
	enum out_format f = OUT_TABLE;
	struct diag d;
	int rc;

	if (id_parse("links", links_usage, "DRFSO", argc, argv, &o, &rc))
		return rc;
	if (o.nargs) {
		cli_error("links: unexpected argument '%s'", o.args[0]);
		fputs(links_usage, stderr);
		return EXIT_USAGE;
	}
	if (o.format && out_format_parse(o.format, &f)) {
		cli_error("links: --format takes table, csv or json, not '%s'", o.format);
		return EXIT_USAGE;
	}
	if (parse_statuses(o.status, ll.want))
		return EXIT_USAGE;
	ll.source = o.source;
	ll.status = o.status;
	ll.st.json = f == OUT_JSON;
	out_table_init(&ll.t, f, link_cols, ARRAY_SIZE(link_cols));
	if ((rc = id_open("links", &o, &s, &run)) ||
	    (o.source && (rc = cli_check_source(s, "links", run.id, o.source))))
		goto out;
	ll.run = run.id;
	if (f == OUT_CSV)
		out_csv_header(&ll.st.out, link_cols, ARRAY_SIZE(link_cols));
	diag_clear(&d);
	if (store_links(s, run.id, NULL, NULL, list_link, &ll, &d)) {
		rc = ll.st.err ? ll.st.err : cli_fail("links", &d);
		goto out;
	}
	rc = finish_links(&ll);
out:
	out_table_release(&ll.t);
	buf_release(&ll.st.out);
	store_close(s);
	return rc;
}

/* ---- eval ---------------------------------------------------------------- */

static const char eval_usage[] =
	"usage: steward eval --truth FILE [--run RUN] [--db FILE] "
	"[--format table|csv|json]\n\n"
	"Measure a run's identities (default: the latest) against a labelled\n"
	"truth: a CSV file with the columns source,record_key,entity. Over the\n"
	"records in both, a pair of records is a true link when the truth puts\n"
	"them in one entity and a found link when the run does; prints pairwise\n"
	"precision, recall and F1, and how many entities each side has.\n";

static int add_member(void *arg, const struct member_row *m)
{
	return evaluator_add_run(arg, m->source, m->record_key, m->entity) ?
	       ST_ERR_NOMEM : 0;
}

static const struct out_col eval_cols[] = {
	{ "run", NULL, OUT_NUM, 0 },
	{ "precision", NULL, OUT_NUM, 0 },
	{ "recall", NULL, OUT_NUM, 0 },
	{ "f1", NULL, OUT_NUM, 0 },
	{ "true_pairs", "true pairs", OUT_NUM, 0 },
	{ "found_pairs", "found pairs", OUT_NUM, 0 },
	{ "true_found", "true found", OUT_NUM, 0 },
	{ "truth_records", "truth records", OUT_NUM, 0 },
	{ "run_records", "run records", OUT_NUM, 0 },
	{ "matched_records", "in both", OUT_NUM, 0 },
	{ "truth_entities", "truth entities", OUT_NUM, 0 },
	{ "run_entities", "run entities", OUT_NUM, 0 },
	{ "exact_entities", "exactly right", OUT_NUM, 0 },
};

static int print_eval(const struct run_info *run, const struct eval_result *r,
		      enum out_format f)
{
	struct out_table t;
	struct buf out = BUF_INIT;
	int rc;

	out_table_init(&t, f, eval_cols, ARRAY_SIZE(eval_cols));
	out_add_int(&t, run->id);
	out_add_real(&t, r->precision, 4);
	out_add_real(&t, r->recall, 4);
	out_add_real(&t, r->f1, 4);
	out_add_int(&t, (int64_t)r->true_pairs);
	out_add_int(&t, (int64_t)r->found_pairs);
	out_add_int(&t, (int64_t)r->true_found);
	out_add_int(&t, (int64_t)r->truth_records);
	out_add_int(&t, (int64_t)r->run_records);
	out_add_int(&t, (int64_t)r->matched);
	out_add_int(&t, (int64_t)r->truth_entities);
	out_add_int(&t, (int64_t)r->run_entities);
	out_add_int(&t, (int64_t)r->exact_entities);
	rc = out_table_render(&t, &out);
	if (!rc)
		rc = cli_write(out.data, out.len);
	out_table_release(&t);
	buf_release(&out);
	return rc ? EXIT_USAGE : EXIT_OK;
}

int cmd_eval(int argc, char **argv)
{
	struct id_opts o;
	struct store *s = NULL;
	struct evaluator *ev = NULL;
	struct eval_result res;
	struct run_info run;
	enum out_format f = OUT_TABLE;
	struct diag d;
	int rc;

	if (id_parse("eval", eval_usage, "DRFT", argc, argv, &o, &rc))
		return rc;
	if (o.nargs || !o.truth) {
		if (!o.truth)
			cli_error("eval: --truth FILE is required");
		fputs(eval_usage, stderr);
		return EXIT_USAGE;
	}
	if (o.format && out_format_parse(o.format, &f)) {
		cli_error("eval: --format takes table, csv or json, not '%s'", o.format);
		return EXIT_USAGE;
	}
	if ((rc = id_open("eval", &o, &s, &run)))
		goto out;
	diag_clear(&d);
	rc = EXIT_USAGE;
	if (evaluator_new(&ev)) {
		cli_error("eval: out of memory");
		goto out;
	}
	if (evaluator_read_truth(ev, o.truth, &d) ||
	    store_members(s, run.id, NULL, add_member, ev, &d) ||
	    evaluator_finish(ev, &res)) {
		rc = cli_fail("eval", &d);
		goto out;
	}
	if (!res.truth_records) {
		cli_error("eval: %s has no records, only a header", o.truth);
		goto out;
	}
	if (!res.matched) {
		cli_error("eval: no record of %s is in run %lld; check that the "
			  "truth names the sources and keys as the policies do",
			  o.truth, (long long)run.id);
		goto out;
	}
	rc = print_eval(&run, &res, f);
out:
	evaluator_free(ev);
	store_close(s);
	return rc;
}

/* ---- why ----------------------------------------------------------------- */

static const char why_usage[] =
	"usage: steward why SOURCE:KEY SOURCE:KEY [--run RUN] [--db FILE]\n"
	"                   [--policies DIR] [--data DIR]\n\n"
	"Why two records are, or are not, the same person in a run (default:\n"
	"the latest): the rule that joins them, or each comparison's level and\n"
	"weight from the prior to the match probability, and what the run did\n"
	"with the pair. The sources are read again for the records' values, so\n"
	"the answer is about today's data with that run's model.\n";

/* Widest value shown in a column of `why`, in terminal columns (longer
 * ones are cut at a character). */
#define WHY_VALUE_MAX 40
/* Width of the lines of why's closing paragraph. */
#define WHY_WIDTH 78

/* s in a column `cols` wide: cut at a character to fit, then padded. */
static void add_cell(struct buf *b, const char *s, size_t cols)
{
	size_t len = strlen(s), keep = utf8_prefix_for_width(s, len, cols);
	size_t w = utf8_width(s, keep);

	buf_add(b, s, keep);
	for (; w < cols; w++)
		buf_addch(b, ' ');
}

static size_t width_of(const char *s)
{
	return s ? utf8_width(s, strlen(s)) : 6;	/* "(none)" */
}

/* "crm:C0000001" into source and key (the key may hold colons). */
static int split_record(const char *arg, char *source, size_t size,
			const char **key)
{
	const char *colon = strchr(arg, ':');

	if (!colon || colon == arg || !colon[1] || (size_t)(colon - arg) >= size) {
		cli_error("why: '%s' is not SOURCE:KEY (e.g. crm:C0000001)", arg);
		return -1;
	}
	memcpy(source, arg, (size_t)(colon - arg));
	source[colon - arg] = '\0';
	*key = colon + 1;
	return 0;
}

struct pair_link {
	const char *sb, *kb;
	char status[16];
	char conflict[128];	/* status "conflict": the attribute */
	double probability;
	bool found;
};

static int find_link(void *arg, const struct link_row *l)
{
	struct pair_link *pl = arg;

	if ((!strcmp(l->source_a, pl->sb) && !strcmp(l->key_a, pl->kb)) ||
	    (!strcmp(l->source_b, pl->sb) && !strcmp(l->key_b, pl->kb))) {
		/* a link made them one person, or an exclusive value kept
		 * them apart: that is what the run did with the pair */
		if (pl->found && (!strcmp(pl->status, "linked") ||
				  !strcmp(pl->status, "conflict") ||
				  !strcmp(pl->status, "ambiguous")))
			return 0;
		snprintf(pl->status, sizeof(pl->status), "%s", l->status);
		snprintf(pl->conflict, sizeof(pl->conflict), "%s",
			 l->conflict ? l->conflict : "");
		pl->probability = l->probability;
		pl->found = true;
	}
	return 0;
}

/* Text of one paragraph, its words in lines of at most width columns
 * (a longer word alone on its line), ending in a newline. */
static void add_wrapped(struct buf *b, const struct buf *text, size_t width)
{
	size_t col = 0, at = 0, n = text->len;
	const char *s = text->data ? text->data : "";

	while (at < n) {
		size_t end = at;

		while (end < n && s[end] != ' ')
			end++;
		if (col && col + 1 + (end - at) > width) {
			buf_addch(b, '\n');
			col = 0;
		} else if (col) {
			buf_addch(b, ' ');
			col++;
		}
		buf_add(b, s + at, end - at);
		col += end - at;
		at = end < n ? end + 1 : end;
	}
	buf_addch(b, '\n');
}

static void print_why(struct buf *b, const struct pair_explanation *e,
		      const struct policy *p, const char *ra, const char *rb,
		      bool kept_apart)
{
	struct buf say = BUF_INIT;
	size_t speak = 0;
	bool thin;
	double prior_bits = log2(e->prior / (1 - e->prior));
	size_t wa, wb, wn = 14;	/* the attribute column: wider for long ids */

	if (e->rule >= 0) {
		const struct identity_rule *ru = &p->identity.rules[e->rule];

		buf_addf(b, kept_apart ? "Rule '%s' would join them, but the "
			 "run kept them apart: " : "Rule '%s' joins them: ",
			 ru->id);
		if (ru->says)
			buf_addf(b, "%s\n", ru->says);
		else {
			buf_addstr(b, "their");
			for (size_t i = 0; i < ru->n_equal; i++)
				buf_addf(b, "%s %s", i ? (i + 1 == ru->n_equal ? " and" : ",") : "",
					 ru->equal[i]);
			buf_addstr(b, " are equal after normalisation.\n");
		}
	} else
		buf_addstr(b, "No deterministic rule joins them.\n");
	if (!e->n)
		return;
	buf_addstr(b, "\nThe model weighs each comparison (bits: positive is evidence "
		   "for one person):\n\n");
	wa = width_of(ra);
	wb = width_of(rb);
	for (size_t c = 0; c < e->n; c++) {
		size_t la = width_of(e->cmp[c].value[0]), lb = width_of(e->cmp[c].value[1]);

		wa = la > wa ? la : wa;
		wb = lb > wb ? lb : wb;
	}
	wa = wa > WHY_VALUE_MAX ? WHY_VALUE_MAX : wa;
	wb = wb > WHY_VALUE_MAX ? WHY_VALUE_MAX : wb;
	for (size_t c = 0; c < e->n; c++)
		if (width_of(e->cmp[c].attribute) > wn)
			wn = width_of(e->cmp[c].attribute);
	buf_addf(b, "  %-*s ", (int)wn, "attribute");
	add_cell(b, ra, wa);
	buf_addstr(b, "  ");
	add_cell(b, rb, wb);
	buf_addf(b, "  %-12s %8s\n", "level", "bits");
	buf_addf(b, "  %-*s %-*s  %-*s  %-12s %+8.2f  1 pair of records in %.0f is "
		 "one person\n", (int)wn, "prior", (int)wa, "", (int)wb, "", "",
		 prior_bits, 1 / e->prior);
	for (size_t c = 0; c < e->n; c++) {
		const struct pair_cmp *pc = &e->cmp[c];

		buf_addf(b, "  %-*s ", (int)wn, pc->attribute);
		add_cell(b, pc->value[0] ? pc->value[0] : "(none)", wa);
		buf_addstr(b, "  ");
		add_cell(b, pc->value[1] ? pc->value[1] : "(none)", wb);
		buf_addf(b, "  %-12s %+8.2f", pc->level, pc->weight);
		if (strcmp(pc->level, "missing")) {
			buf_addf(b, "  m %.3g", pc->m);
			buf_addf(b, pc->tf ? ", u %.3g (this value's share)" : ", u %.3g",
				 pc->u);
		} else
			buf_addstr(b, "  no evidence either way");
		buf_addch(b, '\n');
	}
	buf_addf(b, "  %-*s %-*s  %-*s  %-12s %+8.2f  probability %.4f\n",
		 (int)wn, "total", (int)wa, "", (int)wb, "", "", e->bits,
		 e->probability);
	for (size_t c = 0; c < e->n; c++)
		speak += e->cmp[c].weight > 0;
	thin = identity_link_is_thin(&p->identity, e->probability, speak);
	buf_addf(&say, "Pairs are linked from %.2f and kept for review from %.2f",
		 p->identity.link, p->identity.review);
	if (p->identity.min_evidence > 1)
		buf_addf(&say, "; a link needs %zu comparisons that speak for one "
			 "person", p->identity.min_evidence);
	buf_addf(&say, ": by the model this pair is %s",
		 thin ? "for review" :
		 e->probability >= p->identity.link ? "a link" :
		 e->probability >= p->identity.review ? "for review" :
		 "not the same person");
	if (thin)
		buf_addf(&say, ", as only %zu comparison%s speak%s for it", speak,
			 speak == 1 ? "" : "s", speak == 1 ? "s" : "");
	buf_addf(&say, "%s.", kept_apart && e->probability >= p->identity.review ?
		 ", but the run kept the two apart (above)" : "");
	buf_addch(b, '\n');
	add_wrapped(b, &say, WHY_WIDTH);
	buf_release(&say);
}

int cmd_why(int argc, char **argv)
{
	char sa[256], sb[256], ea[32], eb[32];
	const char *ka, *kb;
	struct pair_explanation e;
	struct pair_link pl;
	struct id_opts o;
	struct store *s = NULL;
	struct policy *p = NULL;
	struct run_info run;
	struct buf out = BUF_INIT;
	struct diag d;
	int rc;

	memset(&e, 0, sizeof(e));
	if (id_parse("why", why_usage, "DRpd", argc, argv, &o, &rc))
		return rc;
	if (o.nargs != 2) {
		cli_error("why: give two records as SOURCE:KEY SOURCE:KEY, not %d",
			  o.nargs);
		fputs(why_usage, stderr);
		return EXIT_USAGE;
	}
	if (split_record(o.args[0], sa, sizeof(sa), &ka) ||
	    split_record(o.args[1], sb, sizeof(sb), &kb))
		return EXIT_USAGE;
	if (!strcmp(o.args[0], o.args[1])) {
		cli_error("why: give two different records, not %s twice", o.args[0]);
		return EXIT_USAGE;
	}
	if ((rc = id_open("why", &o, &s, &run)))
		goto out;
	rc = EXIT_USAGE;
	run_data(&o, &run);
	if (!(p = cli_load_policy(&o.po, NULL)))
		goto out;
	diag_clear(&d);
	if (explain_pair(p, s, run.id, sa, ka, sb, kb, &e, &d)) {
		rc = cli_fail("why", &d);
		goto out;
	}
	for (int i = 0; i < 2; i++)
		if (!e.found[i]) {
			cli_error("why: no record with key '%s' in source '%s' today",
				  i ? kb : ka, i ? sb : sa);
			goto out;
		}
	pl = (struct pair_link){ sb, kb, "", "", 0, false };
	if (store_member_entity(s, run.id, sa, ka, ea, sizeof(ea), &d) ||
	    store_member_entity(s, run.id, sb, kb, eb, sizeof(eb), &d) ||
	    store_links(s, run.id, sa, ka, find_link, &pl, &d)) {
		cli_print_diag(&d);
		goto out;
	}
	buf_addf(&out, "%s and %s in run %lld: ", o.args[0], o.args[1], (long long)run.id);
	if (ea[0] && !strcmp(ea, eb))
		buf_addf(&out, "the same person (%s)", ea);
	else if (ea[0] && eb[0])
		buf_addf(&out, "different people (%s and %s)", ea, eb);
	else
		buf_addstr(&out, "not both in that run");
	if (pl.found && !strcmp(pl.status, "ambiguous"))
		buf_addf(&out, "; the pair (probability %.4f) was not linked there: "
			 "one of the two people, who has no '%s', links as strongly "
			 "to someone else whose '%s' differs from the other's, and "
			 "the run does not guess between them ('steward links "
			 "--status ambiguous' lists those links)", pl.probability,
			 pl.conflict, pl.conflict);
	else if (pl.found && !strcmp(pl.status, "conflict"))
		buf_addf(&out, "; the pair (probability %.4f) was not linked there: "
			 "the records of %s and of %s hold clearly different values "
			 "of '%s', of which a person has one ('steward entity' shows "
			 "each side)", pl.probability, ea, eb, pl.conflict);
	else if (pl.found)
		buf_addf(&out, "; the pair was %s there (probability %.4f)",
			 !strcmp(pl.status, "linked") ? "linked" :
			 !strcmp(pl.status, "review") ? "kept for review" :
			 "refused by the chain guard", pl.probability);
	else if (ea[0] && !strcmp(ea, eb))
		buf_addstr(&out, "; other links joined them (this pair is not one "
			   "of the links that made the person)");
	else
		buf_addstr(&out, "; the pair was not a link there");
	buf_addstr(&out, ".\n\n");
	print_why(&out, &e, p, o.args[0], o.args[1],
		  ea[0] && eb[0] && strcmp(ea, eb));
	rc = cli_write(out.data, out.len);
out:
	explain_pair_release(&e);
	buf_release(&out);
	policy_free(p);
	store_close(s);
	return rc;
}

/* ---- entity -------------------------------------------------------------- */

static const char entity_usage[] =
	"usage: steward entity ENTITY_ID [--run RUN] [--db FILE] [--policies DIR]\n"
	"                      [--data DIR] [--format table|csv|json]\n\n"
	"Every record of one person (an entity id from 'steward identities') side\n"
	"by side, with the values its source maps to each attribute. The sources\n"
	"are read again for the values, so they are today's.\n";

struct members {
	const char **source, **key;
	size_t n, cap_source, cap_key;
	struct arena text;
};

static int collect_member(void *arg, const struct member_row *m)
{
	struct members *ms = arg;

	if (xgrow(&ms->source, &ms->cap_source, ms->n + 1, sizeof(*ms->source)) ||
	    xgrow(&ms->key, &ms->cap_key, ms->n + 1, sizeof(*ms->key)))
		return ST_ERR_NOMEM;
	ms->source[ms->n] = arena_strdup(&ms->text, m->source);
	ms->key[ms->n] = arena_strdup(&ms->text, m->record_key);
	if (!ms->source[ms->n] || !ms->key[ms->n])
		return ST_ERR_NOMEM;
	ms->n++;
	return 0;
}

/* The attributes any member's source maps, in policy order. */
struct side_by_side {
	const struct policy *p;
	size_t n;			/* members */
	const char **attrs;		/* policy attribute ids */
	size_t n_attrs;
	char **cells;			/* n_attrs x n: values, NULL when none */
	bool *seen;			/* per member: found today */
	struct arena text;
};

static int note_record(void *arg, size_t which, const struct source *s,
		       const struct record *rec)
{
	struct side_by_side *sb = arg;

	if (sb->seen[which])
		return 0;	/* a key twice in a source: the first */
	sb->seen[which] = true;
	for (size_t i = 0; i < s->n_mappings; i++) {
		const char *v = rec->value[i];
		size_t a = 0;

		if (!v)
			continue;
		while (a < sb->n_attrs && strcmp(sb->attrs[a], s->mappings[i].attribute_id))
			a++;
		if (a == sb->n_attrs || sb->cells[a * sb->n + which])
			continue;
		if (!(sb->cells[a * sb->n + which] = arena_strdup(&sb->text, v)))
			return ST_ERR_NOMEM;
	}
	return 0;
}

static int print_entity(const struct side_by_side *sb, const struct members *ms,
			enum out_format f)
{
	struct out_col *cols = xcalloc(sb->n + 1, sizeof(*cols));
	char (*names)[160] = xcalloc(sb->n + 1, sizeof(*names));
	struct out_table t;
	struct buf out = BUF_INIT;
	int rc = ST_ERR_NOMEM;

	if (!cols || !names)
		goto done;
	cols[0] = (struct out_col){ "attribute", NULL, OUT_TEXT, 0 };
	for (size_t k = 0; k < sb->n; k++) {
		snprintf(names[k], sizeof(names[k]), "%s:%s%s", ms->source[k], ms->key[k],
			 sb->seen[k] ? "" : " (gone)");
		cols[k + 1] = (struct out_col){ names[k], NULL, OUT_TEXT, 32 };
	}
	out_table_init(&t, f, cols, sb->n + 1);
	for (size_t a = 0; a < sb->n_attrs; a++) {
		out_add(&t, sb->attrs[a]);
		for (size_t k = 0; k < sb->n; k++)
			out_add(&t, sb->cells[a * sb->n + k]);
	}
	rc = out_table_render(&t, &out);
	if (!rc)
		rc = cli_write(out.data, out.len);
	out_table_release(&t);
done:
	buf_release(&out);
	xfree(cols);
	xfree(names);
	return rc ? EXIT_USAGE : EXIT_OK;
}

static int side_by_side_init(struct side_by_side *sb, const struct policy *p,
			     size_t n)
{
	memset(sb, 0, sizeof(*sb));
	sb->p = p;
	sb->n = n;
	arena_init(&sb->text, 4096);
	sb->attrs = xcalloc(p->n_attributes + 1, sizeof(*sb->attrs));
	sb->cells = xcalloc((p->n_attributes + 1) * (n ? n : 1), sizeof(*sb->cells));
	sb->seen = xcalloc(n ? n : 1, sizeof(*sb->seen));
	if (!sb->attrs || !sb->cells || !sb->seen)
		return ST_ERR_NOMEM;
	for (size_t a = 0; a < p->n_attributes; a++)
		sb->attrs[sb->n_attrs++] = p->attributes[a].id;
	return 0;
}

static void side_by_side_release(struct side_by_side *sb)
{
	xfree(sb->attrs);
	xfree(sb->cells);
	xfree(sb->seen);
	arena_release(&sb->text);
}

int cmd_entity(int argc, char **argv)
{
	struct members ms;
	struct side_by_side sb;
	struct id_opts o;
	struct store *s = NULL;
	struct policy *p = NULL;
	struct run_info run;
	enum out_format f = OUT_TABLE;
	struct diag d;
	size_t unread;
	int rc;

	memset(&ms, 0, sizeof(ms));
	memset(&sb, 0, sizeof(sb));
	arena_init(&ms.text, 4096);
	if (id_parse("entity", entity_usage, "DRFpd", argc, argv, &o, &rc))
		goto out;
	rc = EXIT_USAGE;
	if (o.nargs != 1) {
		fputs(entity_usage, stderr);
		goto out;
	}
	if (o.format && out_format_parse(o.format, &f)) {
		cli_error("entity: --format takes table, csv or json, not '%s'", o.format);
		goto out;
	}
	if ((rc = id_open("entity", &o, &s, &run)))
		goto out;
	rc = EXIT_USAGE;
	diag_clear(&d);
	if (store_members(s, run.id, o.args[0], collect_member, &ms, &d)) {
		rc = cli_fail("entity", &d);
		goto out;
	}
	if (!ms.n) {
		cli_error("entity: run %lld has no person '%s'; ids look like E0000042 "
			  "(see 'steward identities')", (long long)run.id, o.args[0]);
		goto out;
	}
	run_data(&o, &run);
	if (!(p = cli_load_policy(&o.po, NULL)))
		goto out;
	if (side_by_side_init(&sb, p, ms.n) ||
	    lookup_records(p, ms.source, ms.key, ms.n, note_record, &sb, &unread,
			   &d)) {
		cli_error("entity: out of memory");
		goto out;
	}
	if (unread) {
		cli_print_diag(&d);
		cli_error("entity: %zu source%s of %s's records could not be read; "
			  "pass --data DIR with the files run %lld read", unread,
			  unread == 1 ? "" : "s", o.args[0], (long long)run.id);
		goto out;
	}
	rc = print_entity(&sb, &ms, f);
out:
	side_by_side_release(&sb);
	xfree(ms.source);
	xfree(ms.key);
	arena_release(&ms.text);
	policy_free(p);
	store_close(s);
	return rc;
}
