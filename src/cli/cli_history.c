/*
 * cli_history.c - the commands that read the history: `runs`, `show`,
 * `profile`, `findings` and `audit verify` (docs/history.md).
 *
 * Each reads an existing history and never creates one: a missing file is
 * an error telling the user to scan first.  RUN is a run number from
 * `steward runs`; without one, the latest run.  Output goes through
 * cli_output.c, as an aligned table, CSV or JSON.  Exit 0, or 2 for a
 * usage or input error (no history, no such run, source or dimension);
 * `audit verify` exits 1 when the chain is broken, a finding over a gate.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "cli/cli_output.h"
#include "store/store.h"
#include "util/json.h"
#include "util/textdist.h"

#define SHOW_WORST 10		/* findings on the `show` screen */
#define SHOW_DRIFT 20		/* drift alerts on the `show` screen */
#define HASH_SHOWN 12		/* hex digits of a digest or hash in a table */
#define TOP_VALUES_SHOWN 3
#define TOP_SHAPES_SHOWN 2
#define SAMPLES_SHOWN 3

/* ---- options ------------------------------------------------------------ */

enum {
	OPT_DB = 1 << 0, OPT_FORMAT = 1 << 1, OPT_RUN = 1 << 2,
	OPT_SOURCE = 1 << 3, OPT_DIMENSION = 1 << 4
};

struct hist_cmd {
	const char *name;
	unsigned opts;		/* the OPT_ bits it takes */
	int min_args, max_args;	/* operands */
	const char *usage;
};

struct hist_opts {
	const char *db;
	enum out_format format;
	const char *run;	/* --run or the RUN operand; NULL: the latest */
	const char *source, *dimension;
	char **args;		/* the operands */
	int nargs;
};

static const struct hist_cmd runs_cmd = {
	"runs", OPT_DB | OPT_FORMAT, 0, 0,
	"usage: steward runs [--db FILE] [--format table|csv|json]\n\n"
	"List the runs in the history (default " DEFAULT_DB "), oldest first:\n"
	"when each started and finished, its as-of date, its status, how many\n"
	"sources, rows and findings it has, whether a gate failed, and the\n"
	"digest of the policies it used.\n"
};

static const struct hist_cmd show_cmd = {
	"show", OPT_DB, 0, 1,
	"usage: steward show [RUN] [--db FILE]\n\n"
	"One screen about a run (default: the latest): the run, its sources,\n"
	"its worst findings, and its drift alerts (the integrity findings:\n"
	"renamed or missing columns, stalled feeds, volume and type drift).\n"
};

static const struct hist_cmd profile_cmd = {
	"profile", OPT_DB | OPT_FORMAT | OPT_RUN, 1, 1,
	"usage: steward profile SOURCE [--run RUN] [--db FILE] "
	"[--format table|csv|json]\n\n"
	"The profile of SOURCE in a run (default: the latest), one row per\n"
	"attribute, declared field and undeclared column: rows, present share,\n"
	"distinct values, invalid values and the commonest reason, minimum and\n"
	"maximum, lengths, ages, stale values, freshness, and the most frequent\n"
	"values and shapes.\n"
};

static const struct hist_cmd findings_cmd = {
	"findings", OPT_DB | OPT_FORMAT | OPT_RUN | OPT_SOURCE | OPT_DIMENSION,
	0, 0,
	"usage: steward findings [--run RUN] [--source S] [--dimension D] "
	"[--db FILE]\n                        [--format table|csv|json]\n\n"
	"Every finding of a run (default: the latest), worst first. D is one "
	"of\ncompleteness, validity, timeliness, uniqueness, consistency, "
	"integrity,\ncompliance.\n"
};

static const struct hist_cmd audit_cmd = {
	"audit", OPT_DB, 0, 0,
	"usage: steward audit verify [--db FILE]\n"
	"       steward audit recompute [RUN] [--db FILE]\n\n"
	"verify: recompute the hash of every run in the history and check that\n"
	"each run links to the one before it. Exit 0 when the chain holds, 1\n"
	"when it is broken (naming the first run that does not match), 2 when\n"
	"the history cannot be read.\n"
	"recompute: recompute every run's scores (or RUN's) from the history\n"
	"and check that they match the stored ones (steward audit recompute\n"
	"--help).\n"
};

/* getopt_long's table for one command: only the options it takes. */
static void hist_longopts(const struct hist_cmd *cmd, struct option *out)
{
	static const struct { struct option o; unsigned bit; } all[] = {
		{ { "db", required_argument, NULL, 'D' }, OPT_DB },
		{ { "format", required_argument, NULL, 'F' }, OPT_FORMAT },
		{ { "run", required_argument, NULL, 'R' }, OPT_RUN },
		{ { "source", required_argument, NULL, 'S' }, OPT_SOURCE },
		{ { "dimension", required_argument, NULL, 'M' }, OPT_DIMENSION },
		{ { "help", no_argument, NULL, 'h' }, ~0u },
	};
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		if (all[i].bit & cmd->opts)
			out[n++] = all[i].o;
	out[n] = (struct option){ NULL, 0, NULL, 0 };
}

/* Returns 0 to go on, else -1 with *status the exit status (after --help
 * or a usage error). */
static int hist_parse(const struct hist_cmd *cmd, int argc, char **argv,
		      struct hist_opts *o, int *status)
{
	struct option longopts[8];
	int c;

	memset(o, 0, sizeof(*o));
	o->db = DEFAULT_DB;
	hist_longopts(cmd, longopts);
	*status = EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': o->db = optarg; break;
		case 'R': o->run = optarg; break;
		case 'S': o->source = optarg; break;
		case 'M': o->dimension = optarg; break;
		case 'F':
			if (!out_format_parse(optarg, &o->format))
				break;
			cli_error("%s: --format takes table, csv or json, not "
				  "'%s'", cmd->name, optarg);
			return -1;
		case 'h':
			fputs(cmd->usage, stdout);
			*status = EXIT_OK;
			return -1;
		default:
			fputs(cmd->usage, stderr);
			return -1;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs < cmd->min_args || o->nargs > cmd->max_args) {
		fputs(cmd->usage, stderr);
		return -1;
	}
	return 0;
}

/* ---- opening the history and finding the run ---------------------------- */

/* Opens an existing history; a read-only command must not create one. */
int cli_open_history(const char *cmd, const char *db, struct store **s)
{
	struct stat st;
	struct diag d;

	*s = NULL;
	if (stat(db, &st)) {
		if (errno == ENOENT)
			cli_error("no history at %s: run 'steward scan' first", db);
		else
			cli_error("%s: cannot read the history %s: %s", cmd, db,
				  strerror(errno));
		return EXIT_USAGE;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_error("%s: %s is a directory, not a history database; give "
			  "the file with --db", cmd, db);
		return EXIT_USAGE;
	}
	/* opening would write a schema into it */
	if (!st.st_size) {
		cli_error("%s: %s is empty, not a history: run 'steward scan' "
			  "first", cmd, db);
		return EXIT_USAGE;
	}
	diag_clear(&d);
	if (store_open(db, s, &d)) {
		if (d.set)
			cli_print_diag(&d);
		else
			cli_error("%s: out of memory", cmd);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int parse_run(const char *cmd, const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || s[0] < '0' || s[0] > '9' || v <= 0) {
		cli_error("%s: RUN is a run number from 'steward runs', not '%s'",
			  cmd, s);
		return -1;
	}
	*id = v;
	return 0;
}

int cli_pick_run(struct store *s, const char *db, const char *run_text,
		 const char *cmd, struct run_info *run)
{
	int64_t id = 0;
	struct diag d;

	diag_clear(&d);
	if (run_text && parse_run(cmd, run_text, &id))
		return EXIT_USAGE;
	if (!run_text && store_latest_run(s, &id, &d))
		goto fail;
	if (!id) {
		cli_error("the history %s has no runs yet: run 'steward scan' "
			  "first", db);
		return EXIT_USAGE;
	}
	if (store_get_run(s, id, run, &d))
		goto fail;
	return EXIT_OK;
fail:
	cli_print_diag(&d);
	return EXIT_USAGE;
}

/* The run the options name, or the latest. */
static int hist_run(struct store *s, const struct hist_opts *o,
		    const char *cmd, struct run_info *run)
{
	return cli_pick_run(s, o->db, o->run, cmd, run);
}


static int hist_print(const char *cmd, const struct out_table *t)
{
	struct buf out = BUF_INIT;
	int rc = out_table_render(t, &out);

	if (rc == ST_ERR)
		cli_error("%s: the output is over %u MiB; narrow it down (see "
			  "'steward %s --help')", cmd, LIMIT_BUF_DEFAULT_MAX >> 20,
			  cmd);
	else if (rc)
		cli_error("%s: out of memory", cmd);
	else
		rc = cli_write(out.data, out.len);
	buf_release(&out);
	return rc ? EXIT_USAGE : EXIT_OK;
}

/* A line of text on stdout; EXIT_USAGE when stdout fails. */
static int hist_say(const char *fmt, ...) PRINTF_LIKE(1, 2);
static int hist_say(const char *fmt, ...)
{
	struct buf out = BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	buf_vaddf(&out, fmt, ap);
	va_end(ap);
	buf_addch(&out, '\n');
	rc = cli_write(out.data, out.len);
	buf_release(&out);
	return rc;
}

/* ---- a run's line ------------------------------------------------------- */

struct run_totals {
	int64_t sources, rows, findings;
};

static int count_input(void *arg, const struct input_row *r)
{
	struct run_totals *t = arg;

	t->sources++;
	t->rows += r->rows;
	return 0;
}

static int count_finding(void *arg, const struct finding_row *r)
{
	struct run_totals *t = arg;

	UNUSED(r);
	t->findings++;
	return 0;
}

static int run_totals(struct store *s, int64_t run, struct run_totals *t,
		      struct diag *d)
{
	memset(t, 0, sizeof(*t));
	if (store_inputs(s, run, count_input, t, d) ||
	    store_findings(s, run, NULL, NULL, count_finding, t, d))
		return ST_ERR;
	return 0;
}

static const struct out_col run_cols[] = {
	{ "id", "run", OUT_NUM, 0 },
	{ "started", NULL, OUT_TEXT, 0 },
	{ "finished", NULL, OUT_TEXT, 0 },
	{ "as_of", "as-of", OUT_TEXT, 0 },
	{ "status", NULL, OUT_TEXT, 0 },
	{ "sources", NULL, OUT_NUM, 0 },
	{ "rows", NULL, OUT_NUM, 0 },
	{ "findings", NULL, OUT_NUM, 0 },
	{ "gate_failed", "gate failed", OUT_BOOL, 0 },
	{ "policy_digest", "policy", OUT_TEXT, 0 },
};

static void add_run(struct out_table *t, const struct run_info *r,
		    const struct run_totals *n)
{
	out_add_int(t, r->id);
	out_add(t, r->started_at);
	out_add(t, r->finished_at[0] ? r->finished_at : NULL);
	out_add(t, r->as_of);
	out_add(t, r->status);
	out_add_int(t, n->sources);
	out_add_int(t, n->rows);
	out_add_int(t, n->findings);
	out_add_bool(t, r->gate_failed);
	if (t->format == OUT_TABLE)
		out_addf(t, "%.*s", HASH_SHOWN, r->policy_digest);
	else
		out_add(t, r->policy_digest);
}

struct runs_walk {
	struct store *s;
	struct out_table *t;
	struct diag *d;
};

static int runs_row(void *arg, const struct run_info *r)
{
	struct runs_walk *w = arg;
	struct run_totals n;

	if (run_totals(w->s, r->id, &n, w->d))
		return ST_ERR;
	add_run(w->t, r, &n);
	return w->t->err;
}

int cmd_runs(int argc, char **argv)
{
	struct hist_opts o;
	struct store *s;
	struct out_table t;
	struct diag d;
	struct runs_walk w = { NULL, &t, &d };
	int rc;

	if (hist_parse(&runs_cmd, argc, argv, &o, &rc) ||
	    (rc = cli_open_history("runs", o.db, &s)))
		return rc;
	diag_clear(&d);
	w.s = s;
	out_table_init(&t, o.format, run_cols, ARRAY_SIZE(run_cols));
	if (store_runs(s, runs_row, &w, &d))
		rc = cli_fail("runs", &d);
	else if (!out_table_rows(&t) && o.format == OUT_TABLE)
		rc = hist_say("no runs in %s yet: run 'steward scan' first",
			      o.db);
	else
		rc = hist_print("runs", &t);
	out_table_release(&t);
	store_close(s);
	return rc;
}

/* ---- show --------------------------------------------------------------- */

static const struct out_col source_cols[] = {
	{ "source", NULL, OUT_TEXT, 24 },
	{ "rows", NULL, OUT_NUM, 0 },
	{ "status", NULL, OUT_TEXT, 0 },
	{ "sha256", NULL, OUT_TEXT, 0 },
	{ "error", NULL, OUT_TEXT, 0 },
};

static int source_row(void *arg, const struct input_row *r)
{
	struct out_table *t = arg;

	out_add(t, r->source);
	out_add_int(t, r->rows);
	out_add(t, r->status);
	if (r->sha256)
		out_addf(t, "%.*s", HASH_SHOWN, r->sha256);
	else
		out_add(t, NULL);
	out_add(t, r->error ? r->error : "");
	return t->err;
}

static const struct out_col brief_finding_cols[] = {
	{ "severity", NULL, OUT_TEXT, 0 },
	{ "source", NULL, OUT_TEXT, 20 },
	{ "target", NULL, OUT_TEXT, 24 },
	{ "rule", NULL, OUT_TEXT, 40 },
	{ "count", NULL, OUT_NUM, 0 },
	{ "message", NULL, OUT_TEXT, 0 },
};

/* The first `max` findings of a walk go in the table; all are counted. */
struct finding_pick {
	struct out_table t;
	size_t seen, max;
};

static int pick_finding(void *arg, const struct finding_row *r)
{
	struct finding_pick *p = arg;

	if (p->seen++ >= p->max)
		return 0;
	out_add(&p->t, r->severity);
	out_add(&p->t, r->source);
	out_add(&p->t, r->target);
	out_add(&p->t, r->rule);
	out_add_int(&p->t, r->count);
	out_add(&p->t, r->message);
	return p->t.err;
}

/* "name (N)", or "name (10 of N; all: steward findings ...)". */
static void section_title(struct buf *b, const char *name,
			  const struct finding_pick *p, struct store *s,
			  int64_t run, const char *dimension)
{
	buf_reset(b);
	if (p->seen <= p->max) {
		buf_addf(b, "%s (%zu)", name, p->seen);
		return;
	}
	buf_addf(b, "%s (%zu of %zu; all: steward findings --run %lld", name,
		 p->max, p->seen, (long long)run);
	if (dimension)
		buf_addf(b, " --dimension %s", dimension);
	if (strcmp(store_path(s), DEFAULT_DB))
		buf_addf(b, " --db %s", store_path(s));
	buf_addch(b, ')');
}

/* A titled section: the table, or `none` when it is empty. */
static void add_section(struct buf *out, const struct buf *title,
			const struct finding_pick *p, const char *none)
{
	buf_addch(out, '\n');
	if (!out_table_rows(&p->t)) {
		buf_addf(out, "%s\n", none);
		return;
	}
	buf_addf(out, "%s\n", title->data);
	/* a failure shows in p->t.err or out's error; the caller checks */
	out_table_render(&p->t, out);
}

static int show_findings(struct store *s, const struct run_info *run,
			 struct buf *out, struct diag *d)
{
	struct finding_pick worst = { .max = SHOW_WORST };
	struct finding_pick drift = { .max = SHOW_DRIFT };
	struct buf title = BUF_INIT;
	int rc;

	out_table_init(&worst.t, OUT_TABLE, brief_finding_cols,
		       ARRAY_SIZE(brief_finding_cols));
	out_table_init(&drift.t, OUT_TABLE, brief_finding_cols,
		       ARRAY_SIZE(brief_finding_cols));
	rc = store_findings(s, run->id, NULL, NULL, pick_finding, &worst, d);
	if (!rc)
		rc = store_findings(s, run->id, NULL, "integrity", pick_finding,
				    &drift, d);
	if (!rc) {
		section_title(&title, "worst findings", &worst, s, run->id, NULL);
		add_section(out, &title, &worst, "no findings");
		section_title(&title, "drift alerts", &drift, s, run->id,
			      "integrity");
		add_section(out, &title, &drift, "no drift alerts");
	}
	if (!rc && (worst.t.err || drift.t.err || buf_error(&title)))
		rc = ST_ERR_NOMEM;
	buf_release(&title);
	out_table_release(&worst.t);
	out_table_release(&drift.t);
	return rc;
}

static int show_run(struct store *s, const struct run_info *run,
		    struct buf *out, struct diag *d)
{
	struct out_table line, sources;
	struct run_totals n;
	int rc;

	out_table_init(&line, OUT_TABLE, run_cols, ARRAY_SIZE(run_cols));
	out_table_init(&sources, OUT_TABLE, source_cols,
		       ARRAY_SIZE(source_cols));
	rc = run_totals(s, run->id, &n, d);
	if (!rc) {
		add_run(&line, run, &n);
		rc = store_inputs(s, run->id, source_row, &sources, d);
	}
	if (!rc && (out_table_render(&line, out) || sources.err))
		rc = ST_ERR_NOMEM;
	if (!rc) {
		buf_addstr(out, "\nsources\n");
		if (out_table_render(&sources, out))
			rc = ST_ERR_NOMEM;
	}
	if (!rc)
		rc = show_findings(s, run, out, d);
	out_table_release(&line);
	out_table_release(&sources);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	struct hist_opts o;
	struct run_info run;
	struct store *s;
	struct buf out = BUF_INIT;
	struct diag d;
	int rc;

	if (hist_parse(&show_cmd, argc, argv, &o, &rc))
		return rc;
	if (o.nargs)
		o.run = o.args[0];
	if ((rc = cli_open_history("show", o.db, &s)))
		return rc;
	diag_clear(&d);
	rc = hist_run(s, &o, "show", &run);
	if (!rc && (show_run(s, &run, &out, &d) || buf_error(&out)))
		rc = cli_fail("show", &d);
	if (!rc)
		rc = cli_write(out.data, out.len);
	buf_release(&out);
	store_close(s);
	return rc;
}

/* ---- checking a source name --------------------------------------------- */

struct source_names {
	const char *want;
	bool found;
	struct arena text;
	const char **v;
	size_t n, cap;
};

static int note_source(void *arg, const struct input_row *r)
{
	struct source_names *sn = arg;
	const char *copy = arena_strdup(&sn->text, r->source);

	sn->found |= !strcmp(r->source, sn->want);
	if (!copy || xgrow(&sn->v, &sn->cap, sn->n + 1, sizeof(*sn->v)))
		return ST_ERR_NOMEM;
	sn->v[sn->n++] = copy;
	return 0;
}

/* Findings are filed under a source of the run, or under a stage of the
 * scan that has its own metrics (identity resolution's under
 * "identity"): the findings command takes every name the run's metrics
 * use. */
static int note_metric_source(void *arg, const struct metric_row *r)
{
	struct source_names *sn = arg;
	struct input_row in = { r->source, NULL, 0, NULL, NULL, 0, NULL, NULL };

	for (size_t i = 0; i < sn->n; i++)
		if (!strcmp(sn->v[i], r->source))
			return 0;
	return note_source(sn, &in);
}

static void unknown_source(const char *cmd, const struct source_names *sn,
			   int64_t run)
{
	const char *best = textdist_suggest(sn->want, sn->v, sn->n);
	struct buf list = BUF_INIT;

	for (size_t i = 0; i < sn->n; i++)
		buf_addf(&list, "%s%s", i ? ", " : "", sn->v[i]);
	cli_error("%s: run %lld has no source '%s' (sources: %s)%s%s%s", cmd,
		  (long long)run, sn->want, sn->n ? list.data : "none",
		  best ? "; did you mean '" : "", best ? best : "",
		  best ? "'?" : "");
	buf_release(&list);
}

/* EXIT_OK when the run read `source` (or, for findings, filed findings
 * under it); else says which sources it has. */
int cli_check_source(struct store *s, const char *cmd, int64_t run,
		     const char *source)
{
	struct source_names sn = { .want = source };
	struct diag d;
	int rc;

	diag_clear(&d);
	arena_init(&sn.text, 4096);
	rc = store_inputs(s, run, note_source, &sn, &d);
	if (!rc && !strcmp(cmd, "findings"))
		rc = store_metrics(s, run, note_metric_source, &sn, &d);
	if (rc)
		rc = cli_fail(cmd, &d);
	else if (!sn.found) {
		unknown_source(cmd, &sn, run);
		rc = EXIT_USAGE;
	}
	arena_release(&sn.text);
	xfree(sn.v);
	return rc;
}

/* ---- profile ------------------------------------------------------------ */

static const struct out_col profile_table_cols[] = {
	{ "kind", NULL, OUT_TEXT, 0 },
	{ "name", NULL, OUT_TEXT, 24 },
	{ "rows", NULL, OUT_NUM, 0 },
	{ "present", NULL, OUT_NUM, 0 },
	{ "distinct", NULL, OUT_NUM, 0 },
	{ "invalid", NULL, OUT_TEXT, 32 },
	{ "min", NULL, OUT_TEXT, 16 },
	{ "max", NULL, OUT_TEXT, 16 },
	{ "len min/mean/max", NULL, OUT_TEXT, 0 },
	{ "age med/p90/max", NULL, OUT_TEXT, 0 },
	{ "stale", NULL, OUT_NUM, 0 },
	{ "fresh", NULL, OUT_NUM, 0 },
	{ "top values", NULL, OUT_TEXT, 40 },
	{ "top shapes", NULL, OUT_TEXT, 32 },
};

static const struct out_col profile_cols[] = {
	{ "kind", NULL, OUT_TEXT, 0 },
	{ "name", NULL, OUT_TEXT, 0 },
	{ "rows", NULL, OUT_NUM, 0 },
	{ "present", NULL, OUT_NUM, 0 },
	{ "empty", NULL, OUT_NUM, 0 },
	{ "present_pct", NULL, OUT_NUM, 0 },
	{ "distinct", NULL, OUT_NUM, 0 },
	{ "distinct_exact", NULL, OUT_BOOL, 0 },
	{ "distinct_error", NULL, OUT_NUM, 0 },
	{ "invalid", NULL, OUT_NUM, 0 },
	{ "top_reason", NULL, OUT_TEXT, 0 },
	{ "reasons", NULL, OUT_JSONTEXT, 0 },
	{ "min", NULL, OUT_TEXT, 0 },
	{ "max", NULL, OUT_TEXT, 0 },
	{ "len_min", NULL, OUT_NUM, 0 },
	{ "len_mean", NULL, OUT_NUM, 0 },
	{ "len_max", NULL, OUT_NUM, 0 },
	{ "numeric_share", NULL, OUT_NUM, 0 },
	{ "age_median_days", NULL, OUT_NUM, 0 },
	{ "age_p90_days", NULL, OUT_NUM, 0 },
	{ "age_max_days", NULL, OUT_NUM, 0 },
	{ "stale", NULL, OUT_NUM, 0 },
	{ "freshness", NULL, OUT_NUM, 0 },
	{ "top_values", NULL, OUT_JSONTEXT, 0 },
	{ "top_shapes", NULL, OUT_JSONTEXT, 0 },
};

/* Text unescaped from the history's JSON: a NUL (from \u0000) shows as
 * U+FFFD, so that the cell is not cut short there. */
static void add_unescaped(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i])
			buf_addch(b, s[i]);
		else
			buf_addstr(b, "\xEF\xBF\xBD");
	}
}

struct top_reason {
	struct buf name;
	double count;
};

static void keep_top_reason(void *arg, const char *key, size_t len, double n)
{
	struct top_reason *tr = arg;

	if (n <= tr->count)
		return;		/* on a tie the first listed stays */
	buf_reset(&tr->name);
	add_unescaped(&tr->name, key, len);
	tr->count = n;
}

/* The reason most invalid values have, "" when none. */
static void top_reason(const char *reasons, struct buf *out)
{
	struct top_reason tr = { BUF_INIT, 0 };

	if (out_json_counts(reasons, keep_top_reason, &tr) > 0)
		buf_add(out, tr.name.data, tr.name.len);
	buf_release(&tr.name);
}

struct joined {
	struct buf *out;
	size_t n, max;
};

static void join_pair(void *arg, const char *s, size_t len, double count)
{
	struct joined *j = arg;

	if (j->n++ >= j->max)
		return;
	/* "; " between: values often hold commas ("Jackson, Michael") */
	buf_addstr(j->out, j->n > 1 ? "; " : "");
	add_unescaped(j->out, s, len);
	buf_addf(j->out, " (%.0f)", count);
}

/* The first `max` pairs as "value (count), ..."; the JSON text itself
 * when it is not a pair array. */
static void add_pairs(struct out_table *t, const char *json, size_t max)
{
	struct buf b = BUF_INIT;
	struct joined j = { &b, 0, max };

	if (json_pairs(json, join_pair, &j) < 0) {
		buf_reset(&b);
		buf_addstr(&b, json ? json : "");
	}
	out_add(t, b.data);
	buf_release(&b);
}

static void add_days(struct buf *b, int64_t days)
{
	if (days < 0)
		buf_addch(b, '-');
	else
		buf_addf(b, "%lld", (long long)days);
}

static void profile_table_row(struct out_table *t, const struct profile_row *r)
{
	struct buf b = BUF_INIT;

	out_add(t, r->kind);
	out_add(t, r->name);
	out_add_int(t, r->rows);
	if (r->rows > 0)
		out_addf(t, "%.1f%%", 100.0 * (double)r->present /
			 (double)r->rows);
	else
		out_add(t, NULL);
	if (r->distinct_exact)
		out_add_int(t, r->distinct);
	else
		out_addf(t, "~%lld ±%.1f%%", (long long)r->distinct,
			 100 * r->distinct_error);
	buf_addf(&b, "%lld", (long long)r->invalid);
	if (r->invalid > 0) {
		size_t before;

		buf_addstr(&b, " (");
		before = b.len;
		top_reason(r->reasons, &b);
		if (b.len == before)
			buf_truncate(&b, before - 2);
		else
			buf_addch(&b, ')');
	}
	out_add(t, b.data);
	out_add(t, r->min);
	out_add(t, r->max);
	if (r->present > 0)
		out_addf(t, "%lld/%.1f/%lld", (long long)r->len_min, r->len_mean,
			 (long long)r->len_max);
	else
		out_add(t, NULL);
	buf_reset(&b);
	add_days(&b, r->age_median);
	buf_addch(&b, '/');
	add_days(&b, r->age_p90);
	buf_addch(&b, '/');
	add_days(&b, r->age_max);
	out_add(t, r->age_max < 0 ? NULL : b.data);
	out_add_int(t, r->stale);
	out_add_real(t, r->freshness < 0 ? NAN : r->freshness, 2);
	add_pairs(t, r->top_values, TOP_VALUES_SHOWN);
	add_pairs(t, r->shapes, TOP_SHAPES_SHOWN);
	if (buf_error(&b))
		t->err = ST_ERR_NOMEM;
	buf_release(&b);
}

/* An age in days, or no value when unknown (-1). */
static void add_age(struct out_table *t, int64_t days)
{
	if (days < 0)
		out_add(t, NULL);
	else
		out_add_int(t, days);
}

static void profile_full_row(struct out_table *t, const struct profile_row *r)
{
	struct buf reason = BUF_INIT;

	out_add(t, r->kind);
	out_add(t, r->name);
	out_add_int(t, r->rows);
	out_add_int(t, r->present);
	out_add_int(t, r->empty);
	out_add_real(t, r->rows > 0 ? 100.0 * (double)r->present /
		     (double)r->rows : NAN, 2);
	out_add_int(t, r->distinct);
	out_add_bool(t, r->distinct_exact);
	out_add_real(t, r->distinct_error, 6);
	out_add_int(t, r->invalid);
	top_reason(r->reasons, &reason);
	out_add(t, reason.len ? reason.data : NULL);
	out_add(t, r->reasons);
	out_add(t, r->min);
	out_add(t, r->max);
	out_add_int(t, r->len_min);
	out_add_real(t, r->len_mean, 2);
	out_add_int(t, r->len_max);
	out_add_real(t, r->numeric_share, 4);
	add_age(t, r->age_median);
	add_age(t, r->age_p90);
	add_age(t, r->age_max);
	out_add_int(t, r->stale);
	out_add_real(t, r->freshness < 0 ? NAN : r->freshness, 4);
	out_add(t, r->top_values);
	out_add(t, r->shapes);
	if (buf_error(&reason))
		t->err = ST_ERR_NOMEM;
	buf_release(&reason);
}

static int profile_row(void *arg, const struct profile_row *r)
{
	struct out_table *t = arg;

	if (t->format == OUT_TABLE)
		profile_table_row(t, r);
	else
		profile_full_row(t, r);
	return t->err;
}

static int profile_print(struct store *s, const struct hist_opts *o,
			 const struct run_info *run, const char *source)
{
	struct out_table t;
	struct diag d;
	int rc;

	diag_clear(&d);
	if (o->format == OUT_TABLE)
		out_table_init(&t, o->format, profile_table_cols,
			       ARRAY_SIZE(profile_table_cols));
	else
		out_table_init(&t, o->format, profile_cols,
			       ARRAY_SIZE(profile_cols));
	rc = store_profiles(s, run->id, source, NULL, profile_row, &t, &d);
	if (rc)
		rc = cli_fail("profile", &d);
	else if (!out_table_rows(&t) && o->format == OUT_TABLE)
		rc = hist_say("run %lld has no profile of %s: nothing of it "
			      "could be read (see 'steward show %lld')",
			      (long long)run->id, source, (long long)run->id);
	else
		rc = hist_print("profile", &t);
	out_table_release(&t);
	return rc;
}

int cmd_profile(int argc, char **argv)
{
	struct hist_opts o;
	struct run_info run;
	struct store *s;
	int rc;

	if (hist_parse(&profile_cmd, argc, argv, &o, &rc) ||
	    (rc = cli_open_history("profile", o.db, &s)))
		return rc;
	rc = hist_run(s, &o, "profile", &run);
	if (!rc)
		rc = cli_check_source(s, "profile", run.id, o.args[0]);
	if (!rc)
		rc = profile_print(s, &o, &run, o.args[0]);
	store_close(s);
	return rc;
}

/* ---- findings ----------------------------------------------------------- */

static const struct out_col finding_table_cols[] = {
	{ "seq", NULL, OUT_NUM, 0 },
	{ "severity", NULL, OUT_TEXT, 0 },
	{ "source", NULL, OUT_TEXT, 20 },
	{ "target", NULL, OUT_TEXT, 24 },
	{ "dimension", NULL, OUT_TEXT, 0 },
	{ "rule", NULL, OUT_TEXT, 40 },
	{ "count", NULL, OUT_NUM, 0 },
	{ "samples", NULL, OUT_TEXT, 28 },
	{ "message", NULL, OUT_TEXT, 0 },
};

static const struct out_col finding_cols[] = {
	{ "seq", NULL, OUT_NUM, 0 },
	{ "severity", NULL, OUT_TEXT, 0 },
	{ "source", NULL, OUT_TEXT, 0 },
	{ "target", NULL, OUT_TEXT, 0 },
	{ "dimension", NULL, OUT_TEXT, 0 },
	{ "rule", NULL, OUT_TEXT, 0 },
	{ "count", NULL, OUT_NUM, 0 },
	{ "message", NULL, OUT_TEXT, 0 },
	{ "samples", NULL, OUT_JSONTEXT, 0 },
};

static void join_string(void *arg, const char *s, size_t len)
{
	struct joined *j = arg;

	if (j->n++ >= j->max)
		return;
	buf_addstr(j->out, j->n > 1 ? ", " : "");
	add_unescaped(j->out, s, len);
}

/* The first sample keys, "k1, k2, k3 …" when there are more. */
static void add_samples(struct out_table *t, const char *json)
{
	struct buf b = BUF_INIT;
	struct joined j = { &b, 0, SAMPLES_SHOWN };
	int n = out_json_strings(json, join_string, &j);

	if (n < 0) {
		buf_reset(&b);
		buf_addstr(&b, json ? json : "");
	} else if ((size_t)n > j.max) {
		buf_addstr(&b, " \xE2\x80\xA6");
	}
	out_add(t, b.data);
	buf_release(&b);
}

static int finding_row(void *arg, const struct finding_row *r)
{
	struct out_table *t = arg;
	bool table = t->format == OUT_TABLE;

	out_add_int(t, r->seq);
	out_add(t, r->severity);
	out_add(t, r->source);
	out_add(t, r->target);
	out_add(t, r->dimension);
	out_add(t, r->rule);
	out_add_int(t, r->count);
	if (table)
		add_samples(t, r->samples);
	out_add(t, r->message);
	if (!table)
		out_add(t, r->samples);
	return t->err;
}

static int check_dimension(const char *dim)
{
	const char *names[DIM_COUNT];
	const char *best;
	struct buf list = BUF_INIT;

	for (int i = 0; i < DIM_COUNT; i++) {
		names[i] = dimension_name((enum dimension)i);
		if (!strcmp(dim, names[i]))
			return 0;
	}
	for (int i = 0; i < DIM_COUNT; i++)
		buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
	best = textdist_suggest(dim, names, DIM_COUNT);
	cli_error("findings: no dimension '%s'; the dimensions are %s%s%s%s",
		  dim, list.data, best ? "; did you mean '" : "",
		  best ? best : "", best ? "'?" : "");
	buf_release(&list);
	return -1;
}

static int no_findings(const struct hist_opts *o, int64_t run)
{
	return hist_say("no findings in run %lld%s%s%s%s", (long long)run,
			o->source ? " for source " : "",
			o->source ? o->source : "",
			o->dimension ? " in dimension " : "",
			o->dimension ? o->dimension : "");
}

static int findings_print(struct store *s, const struct hist_opts *o,
			  int64_t run)
{
	struct out_table t;
	struct diag d;
	int rc;

	diag_clear(&d);
	if (o->format == OUT_TABLE)
		out_table_init(&t, o->format, finding_table_cols,
			       ARRAY_SIZE(finding_table_cols));
	else
		out_table_init(&t, o->format, finding_cols,
			       ARRAY_SIZE(finding_cols));
	rc = store_findings(s, run, o->source, o->dimension, finding_row, &t,
			    &d);
	if (rc)
		rc = cli_fail("findings", &d);
	else if (!out_table_rows(&t) && o->format == OUT_TABLE)
		rc = no_findings(o, run);
	else
		rc = hist_print("findings", &t);
	out_table_release(&t);
	return rc;
}

int cmd_findings(int argc, char **argv)
{
	struct hist_opts o;
	struct run_info run;
	struct store *s;
	int rc;

	if (hist_parse(&findings_cmd, argc, argv, &o, &rc))
		return rc;
	if (o.dimension && check_dimension(o.dimension))
		return EXIT_USAGE;
	if ((rc = cli_open_history("findings", o.db, &s)))
		return rc;
	rc = hist_run(s, &o, "findings", &run);
	if (!rc && o.source)
		rc = cli_check_source(s, "findings", run.id, o.source);
	if (!rc)
		rc = findings_print(s, &o, run.id);
	store_close(s);
	return rc;
}

/* ---- audit verify ------------------------------------------------------- */

static int audit_verify(const struct hist_opts *o)
{
	struct verify_result v;
	struct run_info last;
	struct store *s;
	struct diag d;
	int64_t id = 0;
	int rc;

	if ((rc = cli_open_history("audit verify", o->db, &s)))
		return rc;
	diag_clear(&d);
	if (store_verify(s, &v, &d) ||
	    (!v.bad_run && (store_latest_run(s, &id, &d) ||
			    (id && store_get_run(s, id, &last, &d))))) {
		rc = cli_fail("audit verify", &d);
	} else if (v.bad_run) {
		rc = hist_say("history chain broken at run %lld: %s",
			      (long long)v.bad_run, v.why);
		rc = rc ? rc : EXIT_FINDINGS;
	} else if (!id) {
		rc = hist_say("history chain verified: 0 runs (the history is "
			      "empty)");
	} else {
		rc = hist_say("history chain verified: %lld run%s, last chain "
			      "hash %.*s", (long long)v.runs,
			      v.runs == 1 ? "" : "s", HASH_SHOWN,
			      last.chain_hash);
	}
	store_close(s);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	struct hist_opts o;
	int rc;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(audit_cmd.usage, stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && !strcmp(argv[1], "recompute"))
		return cli_audit_recompute(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "verify")) {
		if (argc >= 2)
			cli_error("audit: '%s' is not an audit command; the ones "
				  "there are: verify, recompute", argv[1]);
		fputs(audit_cmd.usage, stderr);
		return EXIT_USAGE;
	}
	if (hist_parse(&audit_cmd, argc - 1, argv + 1, &o, &rc))
		return rc;
	return audit_verify(&o);
}
