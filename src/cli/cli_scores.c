/*
 * cli_scores.c - `steward scores` (a run's scores) and `steward audit
 * recompute` (recompute them from the history and compare); see
 * docs/scoring.md.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>

#include "cli/cli_output.h"
#include "pipeline/scores.h"
#include "report/score.h"
#include "store/store.h"

static const char scores_usage[] =
	"usage: steward scores [--run RUN] [--scope cell|source|owner|overall]\n"
	"                      [--owner O] [--source S] [--long] [--db FILE]\n"
	"                      [--format table|csv|json]\n\n"
	"A run's scores (default: the latest), 0 to 100 per dimension and their\n"
	"weighted total with its grade: one row per source, owner and overall by\n"
	"default, per (source, attribute) with --scope cell.  --owner and\n"
	"--source keep the rows of one owner or source.  --long prints one row\n"
	"per score with what it was computed from.  docs/scoring.md has the\n"
	"formulas.\n";

static const char recompute_usage[] =
	"usage: steward audit recompute [RUN] [--db FILE]\n\n"
	"Recompute the scores of every run (or of RUN) from what the history\n"
	"holds, its metrics, findings and the scoring parameters it recorded,\n"
	"and compare them with the stored scores. Exit 0 when every score\n"
	"matches, 1 when one does not (naming the first), 2 when the history\n"
	"cannot be read.\n";

struct scores_opts {
	const char *db, *run, *scope, *owner, *source;
	bool wide;
	enum out_format format;
};

/* ---- steward scores ---------------------------------------------------- */

static const struct out_col wide_cols[] = {
	{ "scope", NULL, OUT_TEXT, 0 },
	{ "subject", NULL, OUT_TEXT, 24 },
	{ "attribute", NULL, OUT_TEXT, 24 },
	{ "completeness", "complete", OUT_NUM, 0 },
	{ "validity", "valid", OUT_NUM, 0 },
	{ "timeliness", "timely", OUT_NUM, 0 },
	{ "uniqueness", "unique", OUT_NUM, 0 },
	{ "consistency", "consistent", OUT_NUM, 0 },
	{ "integrity", NULL, OUT_NUM, 0 },
	{ "compliance", NULL, OUT_NUM, 0 },
	{ "total", NULL, OUT_NUM, 0 },
	{ "grade", NULL, OUT_TEXT, 0 },
};

static const struct out_col long_cols[] = {
	{ "scope", NULL, OUT_TEXT, 0 },
	{ "subject", NULL, OUT_TEXT, 24 },
	{ "attribute", NULL, OUT_TEXT, 24 },
	{ "dimension", NULL, OUT_TEXT, 0 },
	{ "score", NULL, OUT_NUM, 0 },
	{ "grade", NULL, OUT_TEXT, 0 },
	{ "inputs", NULL, OUT_TEXT, 0 },
};

/* One wide row being gathered: the scores of one subject. */
struct wide {
	const struct scores_opts *o;
	struct out_table *t;
	char scope[16], subject[128], attribute[128];
	double v[DIM_COUNT + 1];
	bool has[DIM_COUNT + 1];
	char grade[32];
	bool open;
	size_t rows;
	/* the source -> owner and attribute -> owner of the run */
	char (*src)[2][128];
	size_t n_src, cap_src;
	char (*attr)[2][128];
	size_t n_attr, cap_attr;
};

static const char *owner_in(char (*tab)[2][128], size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(tab[i][0], id))
			return tab[i][1];
	return "";
}

static int note_param(void *arg, const struct score_param_row *r)
{
	struct wide *w = arg;
	char (**tab)[2][128];
	size_t *n, *cap;

	if (!strcmp(r->kind, "source")) {
		tab = &w->src;
		n = &w->n_src;
		cap = &w->cap_src;
	} else if (!strcmp(r->kind, "attribute")) {
		tab = &w->attr;
		n = &w->n_attr;
		cap = &w->cap_attr;
	} else {
		return 0;
	}
	if (xgrow(tab, cap, *n + 1, sizeof(**tab)))
		return ST_ERR_NOMEM;
	snprintf((*tab)[*n][0], 128, "%s", r->name);
	snprintf((*tab)[*n][1], 128, "%s", r->value);
	(*n)++;
	return 0;
}

/* Does the row pass --scope, --owner and --source? */
static bool wanted(const struct wide *w, const struct score_row *r)
{
	const struct scores_opts *o = w->o;

	if (o->scope ? strcmp(r->scope, o->scope) :
	    !strcmp(r->scope, "cell") && !o->source && !o->owner)
		return false;
	if (o->source && (strcmp(r->scope, "cell") && strcmp(r->scope, "source")))
		return false;
	if (o->source && strcmp(r->subject, o->source))
		return false;
	if (o->owner) {
		if (!strcmp(r->scope, "owner"))
			return !strcmp(r->subject, o->owner);
		if (!strcmp(r->scope, "overall"))
			return false;
		if (!strcmp(r->scope, "source"))
			return !strcmp(owner_in(w->src, w->n_src, r->subject), o->owner);
		return !strcmp(owner_in(w->src, w->n_src, r->subject), o->owner) ||
		       !strcmp(owner_in(w->attr, w->n_attr, r->attribute), o->owner);
	}
	return true;
}

static void wide_flush(struct wide *w)
{
	if (!w->open)
		return;
	out_add(w->t, w->scope);
	out_add(w->t, *w->subject ? w->subject : NULL);
	out_add(w->t, *w->attribute ? w->attribute : NULL);
	for (int d = 0; d <= DIM_COUNT; d++)
		if (w->has[d])
			out_add_real(w->t, w->v[d], 1);
		else
			out_add(w->t, NULL);
	out_add(w->t, *w->grade ? w->grade : NULL);
	w->open = false;
	w->rows++;
}

static int wide_row(void *arg, const struct score_row *r)
{
	struct wide *w = arg;
	int d;

	if (!wanted(w, r))
		return 0;
	if (w->o->wide == false) {
		out_add(w->t, r->scope);
		out_add(w->t, *r->subject ? r->subject : NULL);
		out_add(w->t, *r->attribute ? r->attribute : NULL);
		out_add(w->t, r->dimension);
		out_add_real(w->t, r->score, 1);
		out_add(w->t, r->grade);
		out_add(w->t, r->inputs);
		w->rows++;
		return 0;
	}
	if (w->open && (strcmp(w->scope, r->scope) || strcmp(w->subject, r->subject) ||
			strcmp(w->attribute, r->attribute)))
		wide_flush(w);
	if (!w->open) {
		snprintf(w->scope, sizeof(w->scope), "%s", r->scope);
		snprintf(w->subject, sizeof(w->subject), "%s", r->subject);
		snprintf(w->attribute, sizeof(w->attribute), "%s", r->attribute);
		memset(w->has, 0, sizeof(w->has));
		w->grade[0] = '\0';
		w->open = true;
	}
	for (d = 0; d <= DIM_COUNT; d++)
		if (!strcmp(r->dimension, score_dimension_name(d))) {
			w->v[d] = r->score;
			w->has[d] = true;
			if (d == SCORE_TOTAL)
				snprintf(w->grade, sizeof(w->grade), "%s",
					 r->grade ? r->grade : "");
		}
	return 0;
}

static int scores_print(const struct scores_opts *o)
{
	struct out_table t;
	struct run_info run;
	struct store *s;
	struct diag d;
	struct wide w;
	struct buf out = BUF_INIT;
	bool scored = false;
	int rc;

	if ((rc = cli_open_history("scores", o->db, &s)))
		return rc;
	if ((rc = cli_pick_run(s, o->db, o->run, "scores", &run))) {
		store_close(s);
		return rc;
	}
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.t = &t;
	out_table_init(&t, o->format, o->wide ? wide_cols : long_cols,
		       o->wide ? ARRAY_SIZE(wide_cols) : ARRAY_SIZE(long_cols));
	diag_clear(&d);
	if (store_has_scores(s, run.id, &scored, &d) ||
	    (scored && (store_score_params(s, run.id, note_param, &w, &d) ||
			store_scores(s, run.id, wide_row, &w, &d)))) {
		rc = cli_fail("scores", &d);
	} else if (!scored) {
		cli_error("scores: run %lld was recorded before steward scored runs; "
			  "scan again to score the data", (long long)run.id);
		rc = EXIT_USAGE;
	} else {
		wide_flush(&w);
		if (!w.rows && (o->owner || o->source))
			cli_error("scores: run %lld has no scores for %s '%s'",
				  (long long)run.id, o->owner ? "owner" : "source",
				  o->owner ? o->owner : o->source);
		if (!w.rows && (o->owner || o->source))
			rc = EXIT_USAGE;
		else if ((rc = out_table_render(&t, &out)) != 0)
			rc = cli_fail("scores", NULL);
		else
			rc = cli_write(out.data, out.len);
	}
	buf_release(&out);
	out_table_release(&t);
	xfree(w.src);
	xfree(w.attr);
	store_close(s);
	return rc;
}

int cmd_scores(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "run", required_argument, NULL, 'R' },
		{ "scope", required_argument, NULL, 'S' },
		{ "owner", required_argument, NULL, 'O' },
		{ "source", required_argument, NULL, 's' },
		{ "long", no_argument, NULL, 'L' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct scores_opts o = { DEFAULT_DB, NULL, NULL, NULL, NULL, true, OUT_TABLE };
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': o.db = optarg; break;
		case 'R': o.run = optarg; break;
		case 'O': o.owner = optarg; break;
		case 's': o.source = optarg; break;
		case 'L': o.wide = false; break;
		case 'S':
			if (strcmp(optarg, "cell") && strcmp(optarg, "source") &&
			    strcmp(optarg, "owner") && strcmp(optarg, "overall")) {
				cli_error("scores: --scope takes cell, source, owner "
					  "or overall, not '%s'", optarg);
				return EXIT_USAGE;
			}
			o.scope = optarg;
			break;
		case 'F':
			if (!out_format_parse(optarg, &o.format))
				break;
			cli_error("scores: --format takes table, csv or json, not "
				  "'%s'", optarg);
			return EXIT_USAGE;
		case 'h':
			fputs(scores_usage, stdout);
			return EXIT_OK;
		default:
			fputs(scores_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(scores_usage, stderr);
		return EXIT_USAGE;
	}
	return scores_print(&o);
}

/* ---- steward audit recompute ------------------------------------------------ */

static int say(const char *fmt, ...) PRINTF_LIKE(1, 2);

static int say(const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return EXIT_USAGE;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n] = '\n';
	return cli_write(line, (size_t)n + 1);
}

struct run_list {
	int64_t *ids;
	size_t n, cap;
};

static int add_run(void *arg, const struct run_info *r)
{
	struct run_list *l = arg;

	if (xgrow(&l->ids, &l->cap, l->n + 1, sizeof(*l->ids)))
		return ST_ERR_NOMEM;
	l->ids[l->n++] = r->id;
	return 0;
}

int cli_audit_recompute(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run_list runs = { NULL, 0, 0 };
	const char *db = DEFAULT_DB;
	size_t bad = 0, scored = 0, total = 0;
	struct store *s;
	struct diag d;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'h':
			fputs(recompute_usage, stdout);
			return EXIT_OK;
		default:
			fputs(recompute_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fputs(recompute_usage, stderr);
		return EXIT_USAGE;
	}
	if ((rc = cli_open_history("audit recompute", db, &s)))
		return rc;
	diag_clear(&d);
	if (optind < argc) {
		struct run_info run;

		if ((rc = cli_pick_run(s, db, argv[optind], "audit recompute", &run)) ||
		    add_run(&runs, &run)) {
			store_close(s);
			xfree(runs.ids);
			return rc ? rc : cli_fail("audit recompute", NULL);
		}
	} else if (store_runs(s, add_run, &runs, &d)) {
		store_close(s);
		xfree(runs.ids);
		return cli_fail("audit recompute", &d);
	}
	for (size_t i = 0; i < runs.n && !rc; i++) {
		struct recompute_result r;

		if (scores_recompute(s, runs.ids[i], &r, &d)) {
			rc = cli_fail("audit recompute", &d);
			break;
		}
		if (!r.scored) {
			rc = say("run %lld: recorded before steward scored runs; "
				 "nothing to recompute", (long long)runs.ids[i]);
			continue;
		}
		scored++;
		total += r.stored;
		if (r.first[0]) {
			bad++;
			rc = say("run %lld: MISMATCH: %zu of %zu stored scores match "
				 "the recomputation; first: %s", (long long)runs.ids[i],
				 r.matching, r.stored, r.first);
		} else {
			rc = say("run %lld: %zu scores recomputed, all match",
				 (long long)runs.ids[i], r.stored);
		}
	}
	if (!rc && !runs.n)
		rc = say("no runs in the history: nothing to recompute");
	else if (!rc)
		rc = say("%zu run%s recomputed (%zu scores): %s", scored,
			 scored == 1 ? "" : "s", total,
			 bad ? "scores do not match the history" : "every score matches");
	store_close(s);
	xfree(runs.ids);
	return rc ? rc : bad ? EXIT_FINDINGS : EXIT_OK;
}
