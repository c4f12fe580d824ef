/*
 * reports.c - a run's reports from the history (see reports.h and
 * docs/reports.md).
 *
 * Everything a report says is read from the history: the runs, their
 * scores (for trends, up to REPORTS_TREND_RUNS runs back), the run's
 * findings, metrics, proposals, inputs and conflicts, the review log and
 * the chain check.  The policies add only names (owners, attribute labels)
 * and which attributes are personal, so that their values are masked.
 * Each report is built once as a model and written by both writers.
 */
#include "pipeline/reports.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "pipeline/scores.h"
#include "report/chart.h"
#include "report/html.h"
#include "report/score.h"
#include "util/files.h"
#include "util/utf8.h"

#define TOP_FINDINGS 12
#define PENDING_SHOWN 25
#define EXAMPLES 3

/* ---- what the history holds ------------------------------------------------ */

struct srow {
	const char *scope, *subject, *attribute;
	int dim;
	double v;
	const char *grade;
};

struct scoreset {
	struct srow *rows;
	size_t n, cap;
};

struct frow {
	const char *source, *target, *dimension, *severity, *rule, *message,
		   *samples;
	int64_t count;
	int sev;
};

struct findings {
	struct frow *rows;
	size_t n, cap;
};

struct mrow {
	const char *source, *target, *metric;
	double v;
};

struct ctx {
	const struct policy *p;
	struct store *st;
	struct diag *d;
	struct arena a;
	struct run_info run;
	struct run_info runs[REPORTS_TREND_RUNS];	/* oldest first; the
							 * last is `run` */
	size_t n_runs;
	struct scoreset scores[REPORTS_TREND_RUNS];
	struct findings now, before;	/* this run's; the previous run's */
	bool has_before;
	struct metrics {
		struct mrow *rows;
		size_t n, cap;
	} metrics[REPORTS_TREND_RUNS];		/* per run of the trend */
	const char *labels[REPORTS_TREND_RUNS];	/* the runs' as-of dates */
	int err;
};

static const char *keep(struct ctx *x, const char *s)
{
	char *c = arena_strdup(&x->a, s ? s : "");

	if (!c)
		x->err = ST_ERR_NOMEM;
	return c ? c : "";
}

static int dim_of(const char *name)
{
	for (int d = 0; d <= DIM_COUNT; d++)
		if (!strcmp(name, score_dimension_name(d)))
			return d;
	return -1;
}

static int sev_of(const char *name)
{
	static const char *const n[] = { "low", "medium", "high", "critical" };

	for (int i = 0; i < 4; i++)
		if (name && !strcmp(name, n[i]))
			return i;
	return 0;
}

static int add_score(void *arg, const struct score_row *r)
{
	struct ctx *x = ((void **)arg)[0];
	struct scoreset *s = ((void **)arg)[1];

	if (xgrow(&s->rows, &s->cap, s->n + 1, sizeof(*s->rows)))
		return ST_ERR_NOMEM;
	s->rows[s->n++] = (struct srow){ keep(x, r->scope), keep(x, r->subject),
		keep(x, r->attribute), dim_of(r->dimension), r->score,
		keep(x, r->grade) };
	return x->err;
}

/* The score of (scope, subject, attribute, dimension) in run k; NAN. */
static double score_in(const struct ctx *x, size_t k, const char *scope,
		       const char *subject, const char *attribute, int dim,
		       const char **grade)
{
	const struct scoreset *s = &x->scores[k];

	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].dim == dim && !strcmp(s->rows[i].scope, scope) &&
		    !strcmp(s->rows[i].subject, subject) &&
		    !strcmp(s->rows[i].attribute, attribute)) {
			if (grade)
				*grade = s->rows[i].grade;
			return s->rows[i].v;
		}
	if (grade)
		*grade = "";
	return NAN;
}

static int add_finding(void *arg, const struct finding_row *r)
{
	struct ctx *x = ((void **)arg)[0];
	struct findings *f = ((void **)arg)[1];

	if (xgrow(&f->rows, &f->cap, f->n + 1, sizeof(*f->rows)))
		return ST_ERR_NOMEM;
	f->rows[f->n++] = (struct frow){ keep(x, r->source), keep(x, r->target),
		keep(x, r->dimension), keep(x, r->severity), keep(x, r->rule),
		keep(x, r->message), keep(x, r->samples), r->count,
		sev_of(r->severity) };
	return x->err;
}

static int add_metric(void *arg, const struct metric_row *r)
{
	struct ctx *x = ((void **)arg)[0];
	struct metrics *m = ((void **)arg)[1];

	/* the sources' run-level metrics and those of the stages: what the
	 * reports show; the per-field ones stay in the history */
	if (r->target && *r->target && strcmp(r->source, "compliance"))
		return 0;
	if (xgrow(&m->rows, &m->cap, m->n + 1, sizeof(*m->rows)))
		return ST_ERR_NOMEM;
	m->rows[m->n++] = (struct mrow){ keep(x, r->source),
		keep(x, r->target ? r->target : ""), keep(x, r->metric), r->value };
	return x->err;
}

/* A metric of run k of the trend; NAN when it has none. */
static double metric_in(const struct ctx *x, size_t k, const char *source,
			const char *target, const char *metric)
{
	const struct metrics *m = &x->metrics[k];

	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->rows[i].metric, metric) &&
		    !strcmp(m->rows[i].source, source) &&
		    !strcmp(m->rows[i].target, target))
			return m->rows[i].v;
	return NAN;
}

static double metric_of(const struct ctx *x, const char *source,
			const char *target, const char *metric)
{
	return metric_in(x, x->n_runs - 1, source, target, metric);
}

struct run_list {
	struct run_info *runs;
	size_t n, cap;
};

static int add_run(void *arg, const struct run_info *r)
{
	struct run_list *l = arg;

	if (xgrow(&l->runs, &l->cap, l->n + 1, sizeof(*l->runs)))
		return ST_ERR_NOMEM;
	l->runs[l->n++] = *r;
	return 0;
}

static int load(struct ctx *x, int64_t run)
{
	struct run_list all = { NULL, 0, 0 };
	size_t last = SIZE_MAX, first;
	int rc;

	if ((rc = store_runs(x->st, add_run, &all, x->d)) != 0)
		goto out;
	for (size_t i = 0; i < all.n; i++)
		if (all.runs[i].id == run)
			last = i;
	if (last == SIZE_MAX) {
		rc = diag_set(x->d, (struct diag_pos){ NULL, 0, 0 }, "there is no "
			      "run %lld in the history", (long long)run);
		goto out;
	}
	/* the runs of the trend: this one and those before it */
	first = last + 1 > REPORTS_TREND_RUNS ? last + 1 - REPORTS_TREND_RUNS : 0;
	for (size_t i = first; i <= last; i++) {
		void *arg[2] = { x, &x->scores[x->n_runs] };
		void *marg[2] = { x, &x->metrics[x->n_runs] };

		x->runs[x->n_runs] = all.runs[i];
		x->labels[x->n_runs] = keep(x, all.runs[i].as_of);
		if ((rc = store_scores(x->st, all.runs[i].id, add_score, arg, x->d)) ||
		    (rc = store_metrics(x->st, all.runs[i].id, add_metric, marg, x->d)))
			goto out;
		x->n_runs++;
	}
	x->run = all.runs[last];
	{
		void *arg[2] = { x, &x->now };

		rc = store_findings(x->st, run, NULL, NULL, add_finding, arg, x->d);
	}
	if (!rc && last > 0) {
		void *arg[2] = { x, &x->before };

		x->has_before = true;
		rc = store_findings(x->st, all.runs[last - 1].id, NULL, NULL,
				    add_finding, arg, x->d);
	}
out:
	xfree(all.runs);
	if (rc == ST_ERR_NOMEM || (!rc && x->err))
		rc = diag_set(x->d, (struct diag_pos){ NULL, 0, 0 },
			      "out of memory while reading the history");
	return rc;
}

/* ---- words -------------------------------------------------------------- */

void reports_mask(const char *value, struct buf *out)
{
	static const char dots[] = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";
	const char *at = strchr(value, '@');
	size_t len = strlen(value), first, last, chars = 0;
	int32_t cp;

	if (!len)
		return;
	for (size_t i = 0; i < len; chars++)
		i += utf8_decode(value + i, len - i, &cp);
	first = utf8_decode(value, len, &cp);
	if (at && at > value) {
		/* an address keeps its first character and its domain */
		buf_add(out, value, first);
		buf_addstr(out, dots);
		buf_addstr(out, at);
		return;
	}
	/* a short value is all hidden; a longer one keeps its first and
	 * last character, so people can tell values apart */
	if (chars < 6) {
		buf_addstr(out, dots);
		return;
	}
	last = len - 1;
	while (last > 0 && ((unsigned char)value[last] & 0xC0) == 0x80)
		last--;
	buf_add(out, value, first);
	buf_addstr(out, dots);
	buf_addstr(out, value + last);
}

/* value as a report may show it: masked when the attribute is personal */
static const char *shown(struct ctx *x, const char *attribute, const char *value)
{
	const struct attribute *a = attribute ? policy_attribute(x->p, attribute) : NULL;
	struct buf b = BUF_INIT;
	const char *s;

	if (!value)
		return "";
	if (!a || !a->personal)
		return value;
	reports_mask(value, &b);
	s = keep(x, b.data ? b.data : "");
	buf_release(&b);
	return s;
}

static const char *fmt_score(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.1f", v);
	return buf;
}

static const char *fmt_delta(char *buf, size_t n, double now, double before)
{
	if (isnan(now) || isnan(before))
		snprintf(buf, n, "no earlier run to compare");
	else if (fabs(now - before) < 0.05)
		snprintf(buf, n, "unchanged since the previous run");
	else
		snprintf(buf, n, "%+.1f since the previous run", now - before);
	return buf;
}

/* Does owner o answer for source s (it owns it) ... */
static bool owns_source(const struct policy *p, const char *o, const char *s)
{
	const struct source *src = policy_source(p, s);

	return src && src->owner_id && !strcmp(src->owner_id, o);
}

/* ... or for the cell (s, a) (it owns s or a)? */
static bool owns_cell(const struct policy *p, const char *o, const char *s,
		      const char *a)
{
	const struct attribute *at = policy_attribute(p, a);

	return owns_source(p, o, s) || (at && at->owner_id && !strcmp(at->owner_id, o));
}

/* A finding concerns owner o: its source is o's, or it is about an
 * attribute o owns (compliance findings name their rule's attribute). */
static bool owner_finding(const struct ctx *x, const char *o, const struct frow *f)
{
	const struct compliance_rule *rule = NULL;

	if (owns_source(x->p, o, f->source))
		return true;
	if (*f->target && policy_attribute(x->p, f->target) &&
	    owns_cell(x->p, o, f->source, f->target))
		return true;
	for (size_t i = 0; i < x->p->n_compliance && !strcmp(f->source, "compliance"); i++)
		if (!strcmp(x->p->compliance[i].id, f->target))
			rule = &x->p->compliance[i];
	if (!rule)
		return false;
	if (rule->attribute)
		return rule->attribute->owner_id && !strcmp(rule->attribute->owner_id, o);
	/* a rule about sources (personal data where declared): its
	 * evidence names them, alone or as source:key */
	for (size_t s = 0; s < x->p->n_sources; s++) {
		const char *id = x->p->sources[s].id, *hit = f->samples;
		size_t n = strlen(id);

		if (!owns_source(x->p, o, id))
			continue;
		while ((hit = strstr(hit, id)) != NULL) {
			if ((hit == f->samples || hit[-1] == '"') &&
			    (hit[n] == '"' || hit[n] == ':'))
				return true;
			hit += n;
		}
	}
	return false;
}

static unsigned sev_tone(int sev)
{
	return sev >= 3 ? COLOUR_POOR : sev == 2 ? COLOUR_FAIR : 0;
}

/* The findings that concern `owner` (NULL: all) and pass `dim` (NULL:
 * any), worst first: by severity, then count. */
static size_t pick_findings(const struct ctx *x, const char *owner,
			    const char *dim, const struct frow **out, size_t max)
{
	size_t n = 0;

	for (int sev = 3; sev >= 0; sev--)
		for (size_t i = 0; i < x->now.n; i++) {
			const struct frow *f = &x->now.rows[i];
			size_t k;

			if (f->sev != sev || (dim && strcmp(f->dimension, dim)) ||
			    (owner && !owner_finding(x, owner, f)))
				continue;
			/* insertion by count within the severity */
			for (k = n; k > 0 && out[k - 1]->sev == sev &&
			     out[k - 1]->count < f->count; k--)
				if (k < max)
					out[k] = out[k - 1];
			if (k < max) {
				out[k] = f;
				n += n < max;
			}
		}
	return n;
}

/* The examples of a finding: for a conflict, values (masked when
 * personal) against the golden value; otherwise its record keys. */
struct examples {
	struct ctx *x;
	const char *attribute;
	struct buf b;
	size_t n;
};

static int add_example(void *arg, const struct conflict_row *c)
{
	struct examples *e = arg;

	if (e->n++)
		buf_addstr(&e->b, "; ");
	buf_addf(&e->b, "%s: %s (golden %s)", c->record_key,
		 shown(e->x, e->attribute, c->value), shown(e->x, e->attribute, c->golden));
	return 0;
}

static const char *examples_of(struct ctx *x, const struct frow *f)
{
	struct examples e = { x, f->target, BUF_INIT, 0 };
	const char *s;

	if (!strcmp(f->rule, "reconcile.conflict") && *f->target) {
		if (store_conflicts(x->st, x->run.id, f->source, f->target, EXAMPLES,
				    add_example, &e, x->d)) {
			buf_release(&e.b);
			x->err = ST_ERR;
			return "";
		}
	} else if (*f->samples == '[') {
		/* a JSON array of keys: shown without the quotes */
		for (const char *p = f->samples + 1; *p && *p != ']'; p++)
			if (*p == ',')
				buf_addstr(&e.b, ", ");
			else if (*p != '"')
				buf_addch(&e.b, *p);
	}
	s = keep(x, e.b.data ? e.b.data : "");
	buf_release(&e.b);
	return s;
}

static void findings_table(struct ctx *x, struct report *r, const char *caption,
			   const struct frow *const *f, size_t n)
{
	static const char *const cols[] = { "Severity|9", "Where|16", "Rule|17",
					    ">Count|7", "What|31", "Examples|20" };
	struct report_table *t = report_table(r, caption, 6, cols);

	for (size_t i = 0; i < n; i++) {
		char where[256];

		snprintf(where, sizeof(where), "%s%s%s", f[i]->source,
			 *f[i]->target ? " / " : "", f[i]->target);
		report_cell(r, t, f[i]->severity, sev_tone(f[i]->sev));
		report_cell(r, t, where, 0);
		report_cell(r, t, f[i]->rule, 0);
		report_cellf(r, t, 0, "%lld", (long long)f[i]->count);
		report_cell(r, t, f[i]->message, 0);
		report_cell(r, t, examples_of(x, f[i]), 0);
	}
}

/* ---- the owner's scorecard -------------------------------------------------- */

static const char *const dim_titles[DIM_COUNT] = {
	"Completeness", "Validity", "Timeliness", "Uniqueness", "Consistency",
	"Integrity", "Compliance"
};

/* A small trend chart per dimension that has a score. */
static void dimension_trends(struct ctx *x, struct report *r, const char *scope,
			     const char *subject)
{
	double v[REPORTS_TREND_RUNS];
	char title[96], alt[256], a[16], b[16];

	report_charts(r);
	for (int d = 0; d < DIM_COUNT; d++) {
		struct trend_series s = { dim_titles[d], v, COLOUR_ACCENT };
		struct chart *c;
		double now, before;

		for (size_t k = 0; k < x->n_runs; k++)
			v[k] = score_in(x, k, scope, subject, "", d, NULL);
		now = v[x->n_runs - 1];
		before = x->n_runs > 1 ? v[x->n_runs - 2] : NAN;
		if (isnan(now))
			continue;
		snprintf(title, sizeof(title), "%s %s", dim_titles[d],
			 fmt_score(a, sizeof(a), now));
		if (!isnan(before) && fabs(now - before) >= 0.05)
			snprintf(title + strlen(title), sizeof(title) - strlen(title),
				 " (%+.1f)", now - before);
		else if (!isnan(before))
			snprintf(title + strlen(title), sizeof(title) - strlen(title),
				 " (unchanged)");
		snprintf(alt, sizeof(alt), "%s of %s over %zu run%s: %s now%s%s",
			 dim_titles[d], subject, x->n_runs, x->n_runs == 1 ? "" : "s",
			 fmt_score(a, sizeof(a), now), isnan(before) ? "" : ", ",
			 isnan(before) ? "" : fmt_score(b, sizeof(b), before));
		if (!isnan(before))
			snprintf(alt + strlen(alt), sizeof(alt) - strlen(alt),
				 " in the run before");
		c = report_small_chart(r, title, 220, 96, alt);
		chart_trend(r, c, x->labels, x->n_runs, &s, 1);
	}
}

static void cells_table(struct ctx *x, struct report *r, const char *owner)
{
	static const char *const cols[] = { "Source|10", "Attribute|14",
		">Compl.", ">Valid.", ">Timely", ">Uniq.", ">Consist.",
		">Integr.", ">Compli.", ">Total", "Grade|7" };
	struct report_table *t = report_table(r, "Scores of the sources and "
					      "attributes this owner answers for, "
					      "0 to 100 (completeness, validity, "
					      "timeliness, uniqueness, consistency, "
					      "integrity, compliance; - means "
					      "nothing to measure)", 11, cols);
	size_t k = x->n_runs - 1;
	char buf[16];

	/* each source's row, then its cells */
	for (size_t s = 0; s < x->p->n_sources; s++) {
		const char *sid = x->p->sources[s].id;
		bool any = owns_source(x->p, owner, sid);

		for (size_t a = 0; !any && a < x->p->n_attributes; a++)
			any = owns_cell(x->p, owner, sid, x->p->attributes[a].id) &&
			      !isnan(score_in(x, k, "cell", sid,
					      x->p->attributes[a].id, SCORE_TOTAL, NULL));
		if (!any || isnan(score_in(x, k, "source", sid, "", SCORE_TOTAL, NULL)))
			continue;
		for (size_t a = 0; a <= x->p->n_attributes; a++) {
			const char *aid = a ? x->p->attributes[a - 1].id : "";
			const char *scope = a ? "cell" : "source", *grade;
			double total;

			if (a && !owns_cell(x->p, owner, sid, aid))
				continue;
			total = score_in(x, k, scope, sid, aid, SCORE_TOTAL, &grade);
			if (a && isnan(total))
				continue;
			report_cell(r, t, a ? "" : sid, 0);
			report_cell(r, t, a ? aid : "(the source)", 0);
			for (int d = 0; d < DIM_COUNT; d++) {
				double v = score_in(x, k, scope, sid, aid, d, NULL);

				report_cell(r, t, fmt_score(buf, sizeof(buf), v),
					    isnan(v) || v >= 90 ? 0 : score_colour(v));
			}
			report_cell(r, t, fmt_score(buf, sizeof(buf), total),
				    isnan(total) ? 0 : score_colour(total));
			report_cell(r, t, grade, 0);
		}
	}
}

struct pending {
	struct ctx *x;
	struct report *r;
	struct report_table *t;
	size_t n;
	size_t possible;	/* resting on a possible match */
};

/* The space before the second record of a possible match's pair
 * ("crm:C1 marketing:M2"): the first one followed by a source's id and a
 * colon, since a key may hold spaces and colons; NULL when none is. */
static const char *pair_split(const struct policy *p, const char *pair)
{
	for (const char *sp = pair ? strchr(pair, ' ') : NULL; sp;
	     sp = strchr(sp + 1, ' ')) {
		const char *colon = strchr(sp + 1, ':');
		char id[128];

		if (colon && (size_t)(colon - sp - 1) < sizeof(id)) {
			memcpy(id, sp + 1, (size_t)(colon - sp - 1));
			id[colon - sp - 1] = '\0';
			if (policy_source(p, id))
				return sp;
		}
	}
	return NULL;
}

static int add_pending(void *arg, const struct proposal_row *p)
{
	struct pending *pd = arg;
	const char *cur, *sp;
	char conf[16];

	pd->possible += p->rests_on != NULL;
	if (pd->n++ >= PENDING_SHOWN)
		return 0;
	cur = p->current ? shown(pd->x, p->attribute, p->current) : "(empty)";
	sp = pair_split(pd->x->p, p->rests_on);
	snprintf(conf, sizeof(conf), "%.2f", p->confidence);
	report_cellf(pd->r, pd->t, 0, "%lld", (long long)p->id);
	/* a possible match's: the identity is the first thing to check */
	report_cellf(pd->r, pd->t, p->rests_on ? COLOUR_FAIR : 0, "%s%s",
		     p->kind, p->rests_on ? "?" : "");
	report_cellf(pd->r, pd->t, 0, "%s %s", p->source, p->record_key);
	report_cell(pd->r, pd->t, p->attribute, 0);
	if (sp)
		report_cellf(pd->r, pd->t, 0, "%s → %s, if %.*s and %s are one "
			     "person", cur, shown(pd->x, p->attribute, p->proposed),
			     (int)(sp - p->rests_on), p->rests_on, sp + 1);
	else if (p->rests_on)	/* a source the policies no longer have */
		report_cellf(pd->r, pd->t, 0, "%s → %s, if the pair %s is one "
			     "person", cur, shown(pd->x, p->attribute, p->proposed),
			     p->rests_on);
	else
		report_cellf(pd->r, pd->t, 0, "%s → %s", cur,
			     shown(pd->x, p->attribute, p->proposed));
	report_cell(pd->r, pd->t, conf, 0);
	return 0;
}

/* The message with its numbers left out: what a finding says, not how
 * much (for telling apart the findings one rule reports in one place). */
static bool same_words(const char *a, const char *b)
{
	for (;;) {
		while (*a >= '0' && *a <= '9')
			a++;
		while (*b >= '0' && *b <= '9')
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++;
		b++;
	}
}

static bool same_place(const struct frow *a, const struct frow *b)
{
	return !strcmp(a->rule, b->rule) && !strcmp(a->source, b->source) &&
	       !strcmp(a->target, b->target);
}

/* Are two findings the same one, in two runs?  Same rule, same place,
 * and the same words. */
static bool same_finding(const struct frow *a, const struct frow *b)
{
	return same_place(a, b) && same_words(a->message, b->message);
}

/* What changed: each dimension's score against the run before, and the
 * findings (rule, source, target) that are new, gone or changed. */
static void changes(struct ctx *x, struct report *r, const char *owner)
{
	static const char *const cols[] = { "Dimension|30", ">Previous run|20",
					    ">This run|20", ">Change|30" };
	struct report_table *t;
	size_t k = x->n_runs - 1, fresh = 0, gone = 0, worse = 0, better = 0;
	bool *used, *matched;
	char a[16], b[16];

	if (!x->has_before || x->n_runs < 2) {
		report_para(r, "This is the first run in the history, so there is "
			    "nothing to compare it with yet.");
		return;
	}
	t = report_table(r, "Scores against the run before", 4, cols);
	for (int d = 0; d <= DIM_COUNT; d++) {
		double now = score_in(x, k, "owner", owner, "", d, NULL);
		double was = score_in(x, k - 1, "owner", owner, "", d, NULL);

		if (isnan(now) && isnan(was))
			continue;
		report_cell(r, t, d == SCORE_TOTAL ? "Total" : dim_titles[d], 0);
		report_cell(r, t, fmt_score(a, sizeof(a), was), 0);
		report_cell(r, t, fmt_score(b, sizeof(b), now), 0);
		if (isnan(now) || isnan(was))
			report_cell(r, t, "-", 0);
		else if (fabs(now - was) < 0.05)
			report_cell(r, t, "0.0", 0);
		else
			report_cellf(r, t, now < was ? COLOUR_POOR : COLOUR_GOOD,
				     "%+.1f", now - was);
	}
	/* a finding is its (rule, source, target); one rule may report
	 * several with the same key (one per other source, say), so each
	 * earlier finding answers for one current finding at most */
	used = xcalloc(x->before.n + 1, sizeof(*used));
	matched = xcalloc(x->now.n + 1, sizeof(*matched));
	if (!used || !matched) {
		xfree(used);
		xfree(matched);
		x->err = ST_ERR_NOMEM;
		return;
	}
	/* first the findings that say the same words, then those in the
	 * same place whose words changed ("1 record" to "2 records") */
	for (int loose = 0; loose <= 1; loose++)
		for (size_t i = 0; i < x->now.n; i++) {
			const struct frow *f = &x->now.rows[i];
			const struct frow *g = NULL;

			if (matched[i] || !owner_finding(x, owner, f))
				continue;
			for (size_t j = 0; j < x->before.n && !g; j++)
				if (!used[j] && (loose ? same_place(&x->before.rows[j], f) :
						 same_finding(&x->before.rows[j], f))) {
					g = &x->before.rows[j];
					used[j] = true;
				}
			if (!g && !loose)
				continue;
			matched[i] = true;
			if (!g)
				fresh++;
			else if (f->count > g->count)
				worse++;
			else if (f->count < g->count)
				better++;
		}
	xfree(matched);
	for (size_t j = 0; j < x->before.n; j++)
		gone += !used[j] && owner_finding(x, owner, &x->before.rows[j]);
	xfree(used);
	report_para(r, "Findings since the run of %s: %zu new, %zu resolved, %zu "
		    "grown, %zu shrunk.", x->runs[k - 1].as_of, fresh, gone, worse,
		    better);
}

static struct report *owner_report(struct ctx *x, const struct owner *o)
{
	const struct frow *top[TOP_FINDINGS];
	char sub[512], when[64], a[16], note[96];
	size_t k = x->n_runs - 1, n;
	const char *grade;
	double total = score_in(x, k, "owner", o->id, "", SCORE_TOTAL, &grade);
	double before = k ? score_in(x, k - 1, "owner", o->id, "", SCORE_TOTAL, NULL) : NAN;
	struct report *r;
	struct pending pd;
	struct proposal_filter pf = { NULL, "pending", o->id, true };
	size_t high = 0;

	snprintf(sub, sizeof(sub), "%s (%s) · run %lld, data as of %s",
		 o->name ? o->name : o->id, o->contact ? o->contact : "",
		 (long long)x->run.id, x->run.as_of);
	snprintf(when, sizeof(when), "%s", x->run.as_of);
	{
		char file[160], title[256];

		snprintf(file, sizeof(file), "scorecard-%s", o->id);
		snprintf(title, sizeof(title), "Data-quality scorecard: %s",
			 o->name ? o->name : o->id);
		r = report_new(file, title, sub, "steward", when);
	}
	if (!r)
		return NULL;
	for (size_t i = 0; i < x->now.n; i++)
		high += x->now.rows[i].sev >= 2 && owner_finding(x, o->id, &x->now.rows[i]);
	report_figures(r);
	report_figure(r, isnan(total) ? "-" : fmt_score(a, sizeof(a), total),
		      "overall score", fmt_delta(note, sizeof(note), total, before),
		      isnan(total) ? 0 : score_colour(total));
	report_figure(r, *grade ? grade : "-", "grade", "from the policy's bands", 0);
	snprintf(a, sizeof(a), "%zu", high);
	report_figure(r, a, "high or critical findings", "in this owner's sources "
		      "and attributes", high ? COLOUR_POOR : COLOUR_GOOD);

	report_heading(r, 1, "dimensions", "Dimensions");
	report_para(r, "Each dimension's score for %s over the last %zu run%s "
		    "(scores are 0 to 100; docs/scoring.md has the formulas).",
		    o->name ? o->name : o->id, x->n_runs, x->n_runs == 1 ? "" : "s");
	dimension_trends(x, r, "owner", o->id);

	report_heading(r, 1, "sources", "Sources and attributes");
	cells_table(x, r, o->id);

	report_heading(r, 1, "findings", "Top findings");
	n = pick_findings(x, o->id, NULL, top, TOP_FINDINGS);
	if (n)
		findings_table(x, r, "The worst findings in this owner's sources "
			       "and attributes; personal values masked", top, n);
	else
		report_para(r, "No findings.");

	report_heading(r, 1, "drift", "Integration-drift alerts");
	n = pick_findings(x, o->id, "integrity", top, TOP_FINDINGS);
	if (n)
		findings_table(x, r, "Schema, volume and feed-freshness findings",
			       top, n);
	else
		report_para(r, "No drift: the schemas, volumes and feeds are as "
			    "declared.");

	report_heading(r, 1, "compliance", "Compliance failures");
	n = pick_findings(x, o->id, "compliance", top, TOP_FINDINGS);
	if (n)
		findings_table(x, r, "Compliance rules about this owner's data that "
			       "failed", top, n);
	else
		report_para(r, "Every compliance rule about this owner's data passed.");

	report_heading(r, 1, "review", "Proposals awaiting your review");
	{
		static const char *const cols[] = { ">Id|7", "Kind|10", "Record|17",
						    "Attribute|15", "Change|41",
						    ">Confidence|10" };

		pd = (struct pending){ x, r, NULL, 0, 0 };
		pd.t = report_table(r, "Pending proposals about attributes this "
				    "owner owns (review them with steward review "
				    "accept|reject ID --by NAME)", 6, cols);
		if (store_proposals(x->st, x->run.id, &pf, add_pending, &pd, x->d))
			x->err = ST_ERR;
		if (!pd.n)
			report_para(r, "None: nothing waits for this owner.");
		else if (pd.n > PENDING_SHOWN)
			report_para(r, "%zu proposals are pending; the first %d are "
				    "shown. All of them: steward proposals --owner %s "
				    "--status pending.", pd.n, PENDING_SHOWN, o->id);
		else
			report_para(r, "%zu proposal%s pending.", pd.n,
				    pd.n == 1 ? " is" : "s are");
		if (pd.possible)
			report_para(r, "%zu of them (kind marked ?) rest%s on a "
				    "possible match: two records identity "
				    "resolution kept for review as perhaps one "
				    "person, listed first. Before accepting one, ask "
				    "whether they are: steward why on the pair its "
				    "change names.",
				    pd.possible, pd.possible == 1 ? "s" : "");
	}

	report_heading(r, 1, "changes", "What changed since the previous run");
	changes(x, r, o->id);
	return r;
}

/* ---- the executive summary ------------------------------------------------ */

static struct report *summary_report(struct ctx *x)
{
	size_t k = x->n_runs - 1;
	double phi[REPORTS_TREND_RUNS], scv[REPORTS_TREND_RUNS], dup[REPORTS_TREND_RUNS];
	double people = metric_of(x, "identity", "", "entities");
	double share = metric_of(x, "reconcile", "", "crm_agrees_share");
	double dups = 0, recs = 0;
	const char *grade, **names = NULL;
	double *totals = NULL;
	size_t *order = NULL;
	const struct frow *top[TOP_FINDINGS];
	char a[32], note[96], sub[256];
	struct report *r;
	size_t n;

	snprintf(sub, sizeof(sub), "Run %lld, data as of %s · %zu run%s of history",
		 (long long)x->run.id, x->run.as_of, x->n_runs,
		 x->n_runs == 1 ? "" : "s");
	r = report_new("executive-summary", "Customer-profile health: executive "
		       "summary", sub, "steward", x->run.as_of);
	if (!r)
		return NULL;
	for (size_t i = 0; i < x->n_runs; i++) {
		double sh = metric_in(x, i, "reconcile", "", "crm_agrees_share");

		dups = recs = 0;
		for (size_t s = 0; s < x->p->n_sources; s++) {
			double v = metric_in(x, i, x->p->sources[s].id, "",
					     "duplicate_records");
			double w = metric_in(x, i, x->p->sources[s].id, "",
					     "resolved_records");

			if (!isnan(v) && !isnan(w)) {
				dups += v;
				recs += w;
			}
		}
		phi[i] = score_in(x, i, "overall", "", "", SCORE_TOTAL, NULL);
		scv[i] = isnan(sh) ? NAN : 100 * sh;
		dup[i] = recs > 0 ? 100 * dups / recs : NAN;
	}
	report_figures(r);
	report_figure(r, isnan(phi[k]) ? "-" : fmt_score(a, sizeof(a), phi[k]),
		      "profile-health index", fmt_delta(note, sizeof(note), phi[k],
							k ? phi[k - 1] : NAN),
		      isnan(phi[k]) ? 0 : score_colour(phi[k]));
	score_in(x, k, "overall", "", "", SCORE_TOTAL, &grade);
	report_figure(r, *grade ? grade : "-", "grade", "", 0);
	snprintf(a, sizeof(a), isnan(people) ? "-" : "%.0f", people);
	report_figure(r, a, "people", "resolved across every source", 0);
	snprintf(a, sizeof(a), "%.0f", dups);
	snprintf(note, sizeof(note), "%.1f%% of the records that keep profiles",
		 recs > 0 ? 100 * dups / recs : 0);
	report_figure(r, a, "duplicate records", note, dups > 0 ? COLOUR_FAIR : 0);
	snprintf(a, sizeof(a), isnan(share) ? "-" : "%.1f%%", 100 * share);
	report_figure(r, a, "single-customer-view coverage", "people whose CRM "
		      "record agrees with every system of record",
		      isnan(share) ? 0 : score_colour(100 * share));

	report_heading(r, 1, "trend", "Profile health over time");
	{
		struct trend_series s = { "Profile-health index", phi, COLOUR_ACCENT };
		struct chart *c = report_chart(r, "The profile-health index (the "
					       "overall total score), run by run",
					       500, 150, "The profile-health index "
					       "over the runs of the history");

		chart_trend(r, c, x->labels, x->n_runs, &s, 1);
	}
	report_charts(r);
	{
		struct trend_series s = { "coverage", scv, COLOUR_GOOD };
		struct chart *c = report_small_chart(r, "Single-customer-view "
			"coverage (%): people whose CRM record agrees with every "
			"system of record", 240, 110, "Single-customer-view coverage "
			"over the runs of the history, in percent");

		chart_trend(r, c, x->labels, x->n_runs, &s, 1);
	}
	{
		double clean[REPORTS_TREND_RUNS];
		struct trend_series s = { "without duplicates", clean, COLOUR_ACCENT };
		struct chart *c;

		for (size_t i = 0; i < x->n_runs; i++)
			clean[i] = isnan(dup[i]) ? NAN : 100 - dup[i];
		c = report_small_chart(r, "Records that are no duplicate (%), in the "
				       "sources that keep profiles", 240, 110,
				       "The share of records that are not a "
				       "duplicate, over the runs of the history");
		chart_trend(r, c, x->labels, x->n_runs, &s, 1);
	}

	report_heading(r, 1, "owners", "Owners compared");
	n = x->p->n_owners;
	names = xcalloc(n + 1, sizeof(*names));
	totals = xcalloc(n + 1, sizeof(*totals));
	order = xcalloc(n + 1, sizeof(*order));
	if (!names || !totals || !order) {
		x->err = ST_ERR_NOMEM;
		goto out;
	}
	/* best first; owners without a score last, in the policy's order */
	for (size_t o = 0; o < n; o++) {
		double v = score_in(x, k, "owner", x->p->owners[o].id, "",
				    SCORE_TOTAL, NULL);
		size_t at = o;

		for (; at > 0 && (isnan(totals[at - 1]) ? !isnan(v) :
				  !isnan(v) && v > totals[at - 1]); at--) {
			totals[at] = totals[at - 1];
			order[at] = order[at - 1];
		}
		totals[at] = v;
		order[at] = o;
	}
	for (size_t i = 0; i < n; i++) {
		const struct owner *ow = &x->p->owners[order[i]];

		names[i] = ow->name ? ow->name : ow->id;
	}
	{
		char alt[256];
		struct chart *c;

		snprintf(alt, sizeof(alt), "The total score of each of the %zu "
			 "owners, best first", n);
		c = report_chart(r, "Each owner's total score", 500, 24.0 * (double)n + 8,
				 alt);
		chart_bars(r, c, names, totals, n);
	}
	{
		static const char *const cols[] = { "Owner|28", ">Total|10", "Grade|8",
						    ">Change|12", "Weakest dimension|42" };
		struct report_table *t = report_table(r, "Owners by total score, "
						      "best first", 5, cols);

		for (size_t i = 0; i < n; i++) {
			const char *id = x->p->owners[order[i]].id, *g;
			double v = score_in(x, k, "owner", id, "", SCORE_TOTAL, &g);
			double was = k ? score_in(x, k - 1, "owner", id, "", SCORE_TOTAL, NULL) : NAN;
			int worst = -1;
			double wv = 101;

			for (int d = 0; d < DIM_COUNT; d++) {
				double dv = score_in(x, k, "owner", id, "", d, NULL);

				if (!isnan(dv) && dv < wv) {
					wv = dv;
					worst = d;
				}
			}
			report_cell(r, t, names[i], 0);
			report_cell(r, t, fmt_score(a, sizeof(a), v),
				    isnan(v) ? 0 : score_colour(v));
			report_cell(r, t, g, 0);
			if (isnan(was) || isnan(v))
				report_cell(r, t, "-", 0);
			else if (fabs(v - was) < 0.05)
				report_cell(r, t, "0.0", 0);
			else
				report_cellf(r, t, 0, "%+.1f", v - was);
			if (worst < 0)
				report_cell(r, t, "-", 0);
			else
				report_cellf(r, t, wv < 70 ? COLOUR_POOR : 0, "%s (%.1f)",
					     dim_titles[worst], wv);
		}
	}

	report_heading(r, 1, "risks", "Top risks");
	n = pick_findings(x, NULL, NULL, top, 10);
	if (n)
		findings_table(x, r, "The ten worst findings of the run", top, n);
	else
		report_para(r, "No findings.");
out:
	xfree(names);
	xfree(totals);
	xfree(order);
	return r;
}

/* ---- the audit report ------------------------------------------------------ */

struct inputs_ctx {
	struct report *r;
	struct report_table *t;
};

static int add_input(void *arg, const struct input_row *in)
{
	struct inputs_ctx *c = arg;
	char sha[20];

	snprintf(sha, sizeof(sha), "%.16s", in->sha256 ? in->sha256 : "-");
	report_cell(c->r, c->t, in->source, 0);
	report_cell(c->r, c->t, in->path, 0);
	report_cellf(c->r, c->t, 0, "%lld", (long long)in->size);
	report_cell(c->r, c->t, in->mtime ? in->mtime : "-", 0);
	report_cell(c->r, c->t, sha, 0);
	report_cellf(c->r, c->t, 0, "%lld", (long long)in->rows);
	report_cell(c->r, c->t, in->status, strcmp(in->status, "ok") ? COLOUR_POOR : 0);
	return 0;
}

struct log_ctx {
	struct ctx *x;
	struct report *r;
	struct report_table *t;
	size_t n;
};

static int add_review(void *arg, const struct proposal_row *p)
{
	struct log_ctx *c = arg;

	c->n++;
	report_cell(c->r, c->t, p->reviewed_at ? p->reviewed_at : "", 0);
	report_cell(c->r, c->t, p->reviewer ? p->reviewer : "", 0);
	report_cell(c->r, c->t, p->decision ? p->decision : "",
		    p->decision && !strcmp(p->decision, "reject") ? COLOUR_FAIR : 0);
	report_cellf(c->r, c->t, 0, "%lld (run %lld)", (long long)p->id,
		     (long long)p->run);
	report_cellf(c->r, c->t, 0, "%s %s %s: %s%s%s%s", p->kind, p->source,
		     p->record_key, p->attribute,
		     p->rests_on ? " (a possible match: " : "",
		     p->rests_on ? p->rests_on : "", p->rests_on ? ")" : "");
	report_cell(c->r, c->t, p->note ? p->note : "", 0);
	return 0;
}

static struct report *audit_report(struct ctx *x)
{
	struct verify_result v;
	struct recompute_result rr;
	struct buf hb = BUF_INIT;
	struct report *r;
	char sub[256];

	snprintf(sub, sizeof(sub), "Run %lld, data as of %s · evidence for "
		 "auditors", (long long)x->run.id, x->run.as_of);
	r = report_new("audit", "Audit report", sub, "steward", x->run.as_of);
	if (!r)
		return NULL;

	report_heading(r, 1, "chain", "The history's hash chain");
	if (store_verify(x->st, &v, x->d)) {
		x->err = ST_ERR;
	} else if (v.bad_run) {
		report_para(r, "BROKEN at run %lld: %s. The history was changed after "
			    "it was recorded; what follows cannot be trusted.",
			    (long long)v.bad_run, v.why);
	} else {
		report_para(r, "Verified: the content hashes of all %lld runs match "
			    "their rows, and each run links to the one before it "
			    "(steward audit verify). This run's chain hash is %s.",
			    (long long)v.runs, x->run.chain_hash);
	}
	if (scores_recompute(x->st, x->run.id, &rr, x->d)) {
		x->err = ST_ERR;
	} else if (!rr.scored) {
		report_para(r, "This run was recorded before steward scored runs.");
	} else if (rr.first[0]) {
		report_para(r, "Scores: MISMATCH. %zu of %zu stored scores follow "
			    "from the stored inputs; the first that does not: %s.",
			    rr.matching, rr.stored, rr.first);
	} else {
		report_para(r, "Scores: all %zu stored scores were recomputed from "
			    "the run's metrics, findings and scoring parameters and "
			    "match (steward audit recompute).", rr.stored);
	}

	report_heading(r, 1, "provenance", "Run provenance");
	{
		static const char *const cols[] = { "What|30", "Value|70" };
		struct report_table *t = report_table(r, "The run", 2, cols);
		const struct run_info *u = &x->run;
		char b[96];

		report_cell(r, t, "Run", 0);
		snprintf(b, sizeof(b), "%lld", (long long)u->id);
		report_cell(r, t, b, 0);
		report_cell(r, t, "Started, finished (UTC)", 0);
		report_cellf(r, t, 0, "%s, %s", u->started_at, u->finished_at);
		report_cell(r, t, "Data as of", 0);
		report_cell(r, t, u->as_of, 0);
		report_cell(r, t, "Status", 0);
		report_cellf(r, t, 0, "%s%s", u->status,
			     u->gate_failed ? "; a compliance gate failed" : "");
		report_cell(r, t, "Policy digest (SHA-256)", 0);
		report_cell(r, t, u->policy_digest, 0);
		report_cell(r, t, "Policies, data", 0);
		report_cellf(r, t, 0, "%s, %s", u->policy_dir, u->data_dir);
		report_cell(r, t, "Tool version", 0);
		report_cellf(r, t, 0, "steward %s", u->tool_version);
		report_cell(r, t, "Content hash", 0);
		report_cell(r, t, u->content_hash, 0);
		report_cell(r, t, "Previous run's chain hash", 0);
		report_cell(r, t, u->prev_hash, 0);
	}
	{
		static const char *const cols[] = { "Source|10", "Path|30", ">Bytes|11",
			"Modified (UTC)|17", "SHA-256 (first 16)|15", ">Rows|8",
			"Status|9" };
		struct inputs_ctx c = { r, NULL };

		c.t = report_table(r, "Input fingerprints: what the run read", 7, cols);
		if (store_inputs(x->st, x->run.id, add_input, &c, x->d))
			x->err = ST_ERR;
	}

	report_heading(r, 1, "compliance", "Compliance rules");
	{
		static const char *const cols[] = { "Rule|20", "Gate|7", ">Checked|10",
			">Violations|11", "Result|9", "Evidence|43" };
		struct report_table *t = report_table(r, "Each rule of the policy, "
						      "with its evidence", 6, cols);

		for (size_t i = 0; i < x->p->n_compliance; i++) {
			const struct compliance_rule *c = &x->p->compliance[i];
			double checked = metric_of(x, "compliance", c->id, "checked");
			double bad = metric_of(x, "compliance", c->id, "violations");
			const char *evidence = "";

			for (size_t j = 0; j < x->now.n; j++)
				if (!strcmp(x->now.rows[j].source, "compliance") &&
				    !strcmp(x->now.rows[j].target, c->id))
					evidence = examples_of(x, &x->now.rows[j]);
			report_cell(r, t, c->id, 0);
			report_cell(r, t, c->gate ? "gate" : "", 0);
			if (isnan(checked)) {
				report_cell(r, t, "-", 0);
				report_cell(r, t, "-", 0);
			} else {
				report_cellf(r, t, 0, "%.0f", checked);
				report_cellf(r, t, bad > 0 ? COLOUR_POOR : 0, "%.0f", bad);
			}
			if (isnan(checked))
				report_cell(r, t, "not run", 0);
			else
				report_cell(r, t, bad > 0 ? "FAIL" : "pass",
					    bad > 0 ? COLOUR_POOR : COLOUR_GOOD);
			report_cell(r, t, evidence, 0);
		}
	}

	report_heading(r, 1, "reviews", "Review decision log");
	{
		static const char *const cols[] = { "At (UTC)|17", "Reviewer|13",
			"Decision|9", "Proposal|13", "What|28", "Note|20" };
		struct log_ctx c = { x, r, NULL, 0 };

		c.t = report_table(r, "Every decision on a proposal, oldest first; "
				   "decisions are never changed or deleted", 6, cols);
		if (store_review_log(x->st, add_review, &c, x->d))
			x->err = ST_ERR;
		if (!c.n)
			report_para(r, "No proposal has been reviewed yet.");
	}

	report_heading(r, 1, "handbook", "The policy handbook");
	report_para(r, "The policies as steward read them for this report (steward "
		    "explain); their digest is %s (the run used %s).",
		    x->p->digest, x->run.policy_digest);
	policy_explain(x->p, &hb);
	report_pre(r, hb.data ? hb.data : "");
	buf_release(&hb);
	return r;
}

/* ---- writing --------------------------------------------------------------- */

static int emit(struct ctx *x, const struct reports_options *o,
		struct reports_result *res, struct report *r,
		struct html_link *links, size_t *n_links, const char *note)
{
	char path[1200], href[256];
	int rc = 0;

	if (!r || r->err || x->err)
		return x->err ? x->err : ST_ERR_NOMEM;
	r->home = "index.html";
	if (o->html) {
		snprintf(path, sizeof(path), "%s/%s.html", res->dir, r->file);
		if ((rc = html_write(r, path, x->d)))
			return rc;
		res->written++;
	}
	if (o->pdf) {
		struct pdf_opts po = { o->paper, o->font_dir };
		struct pdf_stats ps = { 0, 0 };

		snprintf(path, sizeof(path), "%s/%s.pdf", res->dir, r->file);
		if ((rc = pdf_write(r, path, &po, &ps, x->d)))
			return rc;
		res->written++;
		res->pages += ps.pages;
		res->replaced += ps.replaced;
	}
	snprintf(href, sizeof(href), "%s.%s", r->file, o->html ? "html" : "pdf");
	links[*n_links] = (struct html_link){ keep(x, href), keep(x, r->title),
					      keep(x, note) };
	(*n_links)++;
	return 0;
}

int reports_write(const struct policy *p, struct store *st, int64_t run,
		  const struct reports_options *o, struct reports_result *res,
		  struct diag *d)
{
	struct ctx x;
	struct html_link *links = NULL;
	size_t n_links = 0;
	struct timespec t0, t1;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	x.p = p;
	x.st = st;
	x.d = d;
	arena_init(&x.a, 1u << 16);
	if (o->owner && !policy_owner(p, o->owner)) {
		rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "there is no owner "
			      "'%s' in the policies", o->owner);
		goto out;
	}
	if ((rc = load(&x, run)) != 0)
		goto out;
	if (o->out_dir)
		snprintf(res->dir, sizeof(res->dir), "%s", o->out_dir);
	else	/* reports/2026-10 for a run as of 2026-10-31 */
		snprintf(res->dir, sizeof(res->dir), "%s/%.7s",
			 o->base_dir ? o->base_dir : "reports", x.run.as_of);
	if (!*res->dir) {
		rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "the output "
			      "directory is empty; give one with --out");
		goto out;
	}
	if ((rc = files_mkdirs(res->dir, d)) != 0)
		goto out;
	links = xcalloc(p->n_owners + 3, sizeof(*links));
	if (!links) {
		rc = ST_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->n_owners && !rc; i++) {
		struct report *r;
		char note[96];
		double v = score_in(&x, x.n_runs - 1, "owner", p->owners[i].id, "",
				    SCORE_TOTAL, NULL);

		if (o->owner && strcmp(o->owner, p->owners[i].id))
			continue;
		r = owner_report(&x, &p->owners[i]);
		snprintf(note, sizeof(note), isnan(v) ? "no score" : "total %.1f", v);
		rc = emit(&x, o, res, r, links, &n_links, note);
		report_free(r);
	}
	if (!rc && !o->owner) {
		struct report *r = summary_report(&x);

		rc = emit(&x, o, res, r, links, &n_links, "for leaders: profile "
			  "health, owners compared, top risks");
		report_free(r);
	}
	if (!rc && !o->owner) {
		struct report *r = audit_report(&x);

		rc = emit(&x, o, res, r, links, &n_links, "for auditors: the chain, "
			  "provenance, compliance evidence, review log, handbook");
		report_free(r);
	}
	/* one owner's scorecard leaves the month's index as it is */
	if (!rc && o->html && !o->owner) {
		char path[1200], lead[256];

		snprintf(path, sizeof(path), "%s/index.html", res->dir);
		snprintf(lead, sizeof(lead), "Run %lld, data as of %s", (long long)x.run.id,
			 x.run.as_of);
		rc = html_write_index(path, "steward reports", lead, links, n_links, d);
		res->written += !rc;
	}
out:
	if (rc == ST_ERR_NOMEM || (rc && !d->set))
		rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "out of memory "
			      "while writing the reports");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	xfree(links);
	for (size_t i = 0; i < REPORTS_TREND_RUNS; i++)
		xfree(x.scores[i].rows);
	xfree(x.now.rows);
	xfree(x.before.rows);
	for (size_t i = 0; i < REPORTS_TREND_RUNS; i++)
		xfree(x.metrics[i].rows);
	arena_release(&x.a);
	return rc;
}
