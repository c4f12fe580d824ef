/*
 * scores.c - a run's scores in the history (see scores.h).
 */
#include "pipeline/scores.h"

#include <math.h>
#include <stdio.h>

#include "profile/findings.h"
#include "report/score.h"
#include "util/arena.h"

/* Without a <scorecard>: every dimension weighs the same, and the usual
 * school grades (docs/scoring.md). */
static const struct { const char *name; double min; } default_grades[] = {
	{ "A", 90 }, { "B", 80 }, { "C", 70 }, { "D", 60 }, { "F", 0 },
};

static int severity_of(const char *name)
{
	for (int s = SEV_LOW; s <= SEV_CRITICAL; s++)
		if (name && !strcmp(name, severity_name((enum severity)s)))
			return s;
	return -1;
}

static int dimension_of(const char *name)
{
	for (int d = 0; d <= DIM_COUNT; d++)
		if (name && !strcmp(name, score_dimension_name(d)))
			return d;
	return -1;
}

/* ---- the run's inputs --------------------------------------------------- */

static int feed_metric(void *arg, const struct metric_row *r)
{
	return scorer_metric(arg, r->source, r->target ? r->target : "", r->metric,
			     r->value);
}

static int feed_finding(void *arg, const struct finding_row *r)
{
	int d = dimension_of(r->dimension);

	if (d >= 0 && d < DIM_COUNT)
		scorer_finding(arg, r->source, (enum dimension)d,
			       severity_of(r->severity));
	return 0;
}

static int feed_run(struct scorer *sc, struct store *st, int64_t run,
		    struct diag *d)
{
	int rc = store_metrics(st, run, feed_metric, sc, d);

	if (!rc)
		rc = store_findings(st, run, NULL, NULL, feed_finding, sc, d);
	if (!rc && scorer_run(sc))
		rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 },
			      "out of memory while scoring");
	return rc;
}

/* ---- recording ------------------------------------------------------------- */

struct params {
	struct arena text;
	struct score_param_row *rows;
	size_t n, cap;
};

static int param(struct params *ps, const char *kind, const char *name,
		 const char *fmt, ...) PRINTF_LIKE(4, 5);

static int param(struct params *ps, const char *kind, const char *name,
		 const char *fmt, ...)
{
	char buf[256];		/* ids are at most 64 bytes; numbers 24 */
	va_list ap;
	const char *v;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!(v = arena_strdup(&ps->text, buf)) ||
	    xgrow(&ps->rows, &ps->cap, ps->n + 1, sizeof(*ps->rows)))
		return ST_ERR_NOMEM;
	ps->rows[ps->n++] = (struct score_param_row){ kind, name, v };
	return 0;
}

/* The parameters of policy p, as rows (the form they are stored in). */
static int params_of(const struct policy *p, struct params *ps)
{
	const struct scorecard *card = &p->scorecard;
	int rc = 0;

	for (int d = 0; d < DIM_COUNT && !rc; d++)
		rc = param(ps, "weight", dimension_name((enum dimension)d), "%.17g",
			   card->declared ? card->weights[d] : 1.0 / DIM_COUNT);
	if (card->declared)
		for (size_t g = 0; g < card->n_grades && !rc; g++)
			rc = param(ps, "grade", card->grades[g].name, "%.17g",
				   card->grades[g].min);
	else
		for (size_t g = 0; g < ARRAY_SIZE(default_grades) && !rc; g++)
			rc = param(ps, "grade", default_grades[g].name, "%.17g",
				   default_grades[g].min);
	for (size_t s = 0; s < p->n_sources && !rc; s++)
		rc = param(ps, "source", p->sources[s].id, "%s",
			   p->sources[s].owner ? p->sources[s].owner->id : "");
	for (size_t a = 0; a < p->n_attributes && !rc; a++)
		rc = param(ps, "attribute", p->attributes[a].id, "%s",
			   p->attributes[a].owner ? p->attributes[a].owner->id : "");
	return rc;
}

/* Give the scorer one parameter row. */
static int apply_param(void *arg, const struct score_param_row *r)
{
	struct scorer *sc = arg;
	char *end;
	double v;

	if (!strcmp(r->kind, "source"))
		return scorer_source(sc, r->name, r->value);
	if (!strcmp(r->kind, "attribute"))
		return scorer_attribute(sc, r->name, r->value);
	v = strtod(r->value, &end);
	if (end == r->value || *end)
		return ST_ERR;
	if (!strcmp(r->kind, "weight")) {
		int d = dimension_of(r->name);

		if (d < 0 || d >= DIM_COUNT)
			return ST_ERR;
		scorer_weight(sc, (enum dimension)d, v);
		return 0;
	}
	if (!strcmp(r->kind, "grade"))
		return scorer_grade(sc, r->name, v);
	return ST_ERR;
}

int scores_record(const struct policy *p, struct store *st, int64_t run,
		  struct diag *d)
{
	struct params ps = { .rows = NULL };
	struct scorer *sc = scorer_new();
	struct score_row *rows = NULL;
	const struct score *s;
	size_t n = 0;
	int rc = ST_ERR_NOMEM;

	arena_init(&ps.text, 1u << 12);
	if (!sc || params_of(p, &ps))
		goto out;
	for (size_t i = 0; i < ps.n; i++)
		if (apply_param(sc, &ps.rows[i]))
			goto out;
	if ((rc = feed_run(sc, st, run, d)) != 0)
		goto out;
	n = scorer_scores(sc, &s);
	rc = ST_ERR_NOMEM;
	if (!(rows = xcalloc(n + 1, sizeof(*rows))))
		goto out;
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct score_row){ score_scope_name(s[i].scope),
			s[i].subject, s[i].attribute,
			score_dimension_name(s[i].dimension), s[i].value,
			s[i].grade, s[i].inputs };
	rc = store_add_score_params(st, ps.rows, ps.n, d);
	if (!rc)
		rc = store_add_scores(st, rows, n, d);
out:
	if (rc == ST_ERR_NOMEM)
		rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 },
			      "out of memory while scoring");
	xfree(rows);
	xfree(ps.rows);
	arena_release(&ps.text);
	scorer_free(sc);
	return rc;
}

/* ---- recomputing -------------------------------------------------------- */

/* The stored parameters, given to the scorer; one steward would not have
 * written is a difference, not an error. */
struct stored_params {
	struct scorer *sc;
	struct recompute_result *out;
	size_t at;
};

static int apply_stored(void *arg, const struct score_param_row *r)
{
	struct stored_params *sp = arg;
	int rc = apply_param(sp->sc, r);

	sp->at++;
	if (rc == ST_ERR && !sp->out->first[0])
		snprintf(sp->out->first, sizeof(sp->out->first), "scoring parameter "
			 "%zu (%s '%s' = '%s') is not one steward writes", sp->at,
			 r->kind, r->name, r->value);
	return rc == ST_ERR_NOMEM ? rc : 0;
}

struct compare {
	const struct score *s;
	size_t n, at;
	struct recompute_result *out;
};

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static void differ(struct compare *c, const struct score_row *r,
		   const char *fmt, ...) PRINTF_LIKE(3, 4);

static void differ(struct compare *c, const struct score_row *r,
		   const char *fmt, ...)
{
	char what[200];
	va_list ap;

	if (c->out->first[0])
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->out->first, sizeof(c->out->first), "score %zu (%s %s%s%s, %s): %s",
		 c->at + 1, r->scope, r->subject, r->attribute && *r->attribute ? "/" : "",
		 r->attribute ? r->attribute : "", r->dimension, what);
}

static int compare_row(void *arg, const struct score_row *r)
{
	struct compare *c = arg;
	const struct score *s;

	c->out->stored++;
	if (c->at >= c->n) {
		differ(c, r, "stored, but the recomputation has no such score");
		c->at++;
		return 0;
	}
	s = &c->s[c->at];
	if (!same_text(r->scope, score_scope_name(s->scope)) ||
	    !same_text(r->subject, s->subject) ||
	    !same_text(r->attribute, s->attribute) ||
	    !same_text(r->dimension, score_dimension_name(s->dimension)))
		differ(c, r, "recomputed as %s %s%s%s, %s instead",
		       score_scope_name(s->scope), s->subject,
		       *s->attribute ? "/" : "", s->attribute,
		       score_dimension_name(s->dimension));
	else if (fabs(r->score - s->value) > 1e-9)
		differ(c, r, "stored %.6f, recomputed %.6f", r->score, s->value);
	else if (!same_text(r->grade, s->grade))
		differ(c, r, "stored grade %s, recomputed %s",
		       r->grade ? r->grade : "(none)", s->grade);
	else
		c->out->matching++;
	c->at++;
	return 0;
}

int scores_recompute(struct store *st, int64_t run, struct recompute_result *out,
		     struct diag *d)
{
	struct scorer *sc = scorer_new();
	struct compare c = { NULL, 0, 0, out };
	struct stored_params sp = { sc, out, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!sc)
		return diag_set(d, (struct diag_pos){ NULL, 0, 0 },
				"out of memory while scoring");
	rc = store_has_scores(st, run, &out->scored, d);
	if (!rc && out->scored) {
		rc = store_score_params(st, run, apply_stored, &sp, d);
		if (rc)		/* a database error stays the first */
			rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 },
				      "out of memory while scoring");
		if (!rc)
			rc = feed_run(sc, st, run, d);
		if (!rc) {
			c.n = out->computed = scorer_scores(sc, &c.s);
			rc = store_scores(st, run, compare_row, &c, d);
		}
		if (!rc && c.at < c.n && !out->first[0])
			snprintf(out->first, sizeof(out->first), "score %zu (%s %s%s%s, "
				 "%s) is recomputed but not stored", c.at + 1,
				 score_scope_name(c.s[c.at].scope), c.s[c.at].subject,
				 *c.s[c.at].attribute ? "/" : "", c.s[c.at].attribute,
				 score_dimension_name(c.s[c.at].dimension));
	}
	scorer_free(sc);
	return rc;
}
