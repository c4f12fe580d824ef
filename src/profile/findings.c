/*
 * findings.c - metrics and findings of one profiled source.  See
 * findings.h; docs/scan.md describes every rule and threshold.
 */
#include "profile/findings.h"

#include <math.h>
#include <stdarg.h>
#include <strings.h>

#include "util/duration.h"

const char *severity_name(enum severity s)
{
	static const char *n[] = { "low", "medium", "high", "critical" };

	return (size_t)s < ARRAY_SIZE(n) ? n[s] : "?";
}

struct emitter {
	const struct findings_sink *sink;
	const struct source_profile *sp;
	const char *src;
	int rc;
};

static void metric(struct emitter *e, const char *target, enum dimension dim,
		   const char *name, double value)
{
	if (!e->rc && e->sink->metric)
		e->rc = e->sink->metric(e->sink->arg, e->src, target, dim, name, value);
}

static void finding(struct emitter *e, const char *target, enum dimension dim,
		    enum severity sev, const char *rule, uint64_t count,
		    const struct samples *samples, const char *fmt, ...)
	PRINTF_LIKE(8, 9);

static void finding(struct emitter *e, const char *target, enum dimension dim,
		    enum severity sev, const char *rule, uint64_t count,
		    const struct samples *samples, const char *fmt, ...)
{
	struct finding f = { e->src, target, dim, sev, rule, count, "", samples,
			     NULL };
	va_list ap;

	if (e->rc || !e->sink->finding)
		return;
	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	e->rc = e->sink->finding(e->sink->arg, &f);
}

static enum severity by_share(double share)
{
	return share >= 0.20 ? SEV_HIGH : share >= 0.05 ? SEV_MEDIUM : SEV_LOW;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* ---- per attribute --------------------------------------------------------- */

static void completeness(struct emitter *e, const struct value_stats *v,
			 uint64_t rows)
{
	metric(e, v->name, DIM_COMPLETENESS, "present_share",
	       rows ? (double)v->present / (double)rows : 1);
	if (!v->empty)
		return;
	finding(e, v->name, DIM_COMPLETENESS, by_share((double)v->empty / (double)rows),
		"completeness.empty", v->empty, NULL,
		"%.1f%% of %s records have no %s (%llu of %llu)", pct(v->empty, rows),
		e->src, v->name, (unsigned long long)v->empty,
		(unsigned long long)rows);
}

static void validity(struct emitter *e, const struct value_stats *v)
{
	metric(e, v->name, DIM_VALIDITY, "valid_share",
	       v->present ? 1 - (double)v->invalid / (double)v->present : 1);
	metric(e, v->name, DIM_VALIDITY, "unjudged", (double)v->unjudged);
	for (int r = 1; r < VR_COUNT; r++) {
		const struct samples *s = &v->reasons[r];
		char rule[96];

		if (!s->count || r == VR_TRANSFORM ||
		    !validity_reason_is_invalid((enum validity_reason)r))
			continue;
		snprintf(rule, sizeof(rule), "validity.%s",
			 validity_reason_name((enum validity_reason)r));
		finding(e, v->name, DIM_VALIDITY,
			by_share((double)s->count / (double)v->present), rule, s->count,
			s, "%llu %s value%s in %s %s invalid: %s",
			(unsigned long long)s->count, v->name, s->count == 1 ? "" : "s",
			e->src, s->count == 1 ? "is" : "are",
			validity_reason_text((enum validity_reason)r));
	}
	for (size_t i = 0; i < v->n_tx; i++) {
		const struct samples *s = &v->tx[i].s;

		finding(e, v->name, DIM_VALIDITY,
			by_share((double)s->count / (double)v->present),
			"validity.not-normalised", s->count, s,
			"%llu %s value%s in %s could not be normalised: %s",
			(unsigned long long)s->count, v->name, s->count == 1 ? "" : "s",
			e->src, v->tx[i].why);
	}
}

static void timeliness(struct emitter *e, const struct value_stats *v)
{
	uint64_t aged = day_hist_count(&v->ages);

	if (!aged)
		return;
	metric(e, v->name, DIM_TIMELINESS, "age_median_days",
	       (double)day_hist_quantile(&v->ages, 0.5));
	metric(e, v->name, DIM_TIMELINESS, "age_p90_days",
	       (double)day_hist_quantile(&v->ages, 0.9));
	metric(e, v->name, DIM_TIMELINESS, "age_max_days",
	       (double)day_hist_max(&v->ages));
	if (v->has_trust && v->trust_n)
		metric(e, v->name, DIM_TIMELINESS, "freshness",
		       profile_freshness(v));
	if (!v->has_decay)
		return;
	metric(e, v->name, DIM_TIMELINESS, "fresh_share",
	       1 - (double)v->stale_keys.count / (double)aged);
	if (v->stale_keys.count)
		finding(e, v->name, DIM_TIMELINESS,
			by_share((double)v->stale_keys.count / (double)aged),
			"timeliness.stale", v->stale_keys.count, &v->stale_keys,
			"%llu %s value%s in %s (%.1f%%) are older than the decay horizon "
			"of %lld days (median age %lld days, 90th percentile %lld)",
			(unsigned long long)v->stale_keys.count, v->name,
			v->stale_keys.count == 1 ? "" : "s", e->src,
			pct(v->stale_keys.count, aged), (long long)v->decay_days,
			(long long)day_hist_quantile(&v->ages, 0.5),
			(long long)day_hist_quantile(&v->ages, 0.9));
}

/* ---- drift against the previous run ------------------------------------- */

static const struct prior_target *prior_target(const struct prior_source *pr,
					       const char *kind, const char *name)
{
	for (size_t i = 0; pr && i < pr->n_targets; i++)
		if (!strcmp(pr->targets[i].kind, kind) &&
		    !strcmp(pr->targets[i].name, name))
			return &pr->targets[i];
	return NULL;
}

static void top1(const struct topk *t, char *out, size_t size)
{
	const struct topk_entry *es;
	size_t n = topk_sorted(t, &es);

	snprintf(out, size, "%s", n ? es[0].value : "");
}

static bool in_top(const struct topk *t, const char *value, size_t k)
{
	const struct topk_entry *es;
	size_t n = topk_sorted(t, &es);

	for (size_t i = 0; i < n && i < k; i++)
		if (!strcmp(es[i].value, value))
			return true;
	return false;
}

static void drift(struct emitter *e, const struct value_stats *v,
		  const struct prior_target *pt, uint64_t rows)
{
	double null_now = rows ? (double)v->empty / (double)rows : 0;
	double null_then = pt->rows ? (double)pt->empty / (double)pt->rows : 0;
	uint64_t dist = distinct_estimate(&v->distinct);

	if (fabs(null_now - null_then) >= 0.10)
		finding(e, v->name, DIM_INTEGRITY, SEV_MEDIUM, "integrity.drift-nulls",
			v->empty, NULL, "%s in %s is empty in %.1f%% of records, "
			"%.1f%% in the previous run", v->name, e->src,
			100 * null_now, 100 * null_then);
	if (pt->distinct >= 100 &&
	    fabs((double)dist - (double)pt->distinct) > 0.5 * (double)pt->distinct)
		finding(e, v->name, DIM_INTEGRITY, SEV_MEDIUM,
			"integrity.drift-distinct", dist, NULL, "%s in %s has %llu "
			"distinct values, %lld in the previous run", v->name, e->src,
			(unsigned long long)dist, (long long)pt->distinct);
	/* only where values repeat: for near-unique values the top is noise */
	if (pt->top1[0] && v->present >= 20 && 2 * dist < v->present &&
	    !in_top(&v->top, pt->top1, 5)) {
		char now[SKETCH_VALUE_MAX + 1];

		top1(&v->top, now, sizeof(now));
		finding(e, v->name, DIM_INTEGRITY, SEV_LOW, "integrity.drift-top", 1,
			NULL, "the most frequent %s in %s was '%s' in the previous "
			"run and is not among the top 5 now (now '%s')", v->name,
			e->src, pt->top1, now);
	}
}

static void per_target(struct emitter *e, const struct value_stats *v,
		       const struct prior_source *pr)
{
	const struct source_profile *sp = e->sp;
	const struct prior_target *pt = prior_target(pr, target_kind_name(v->kind),
						     v->name);

	if (v->kind == TARGET_ATTRIBUTE) {
		completeness(e, v, sp->rows);
		validity(e, v);
		timeliness(e, v);
		metric(e, v->name, DIM_UNIQUENESS, "distinct",
		       (double)distinct_estimate(&v->distinct));
	}
	if (pt && v->present + v->empty > 0)
		drift(e, v, pt, sp->rows);
}

/* ---- integrity ------------------------------------------------------------ */

static bool has_column(const struct source_profile *sp, const char *name)
{
	for (size_t c = 0; c < sp->n_columns; c++)
		if (!strcasecmp(sp->columns[c], name))
			return true;
	return false;
}

/*
 * How alike two columns' value shapes are: the sum over the shapes in both
 * top lists of the smaller of their two shares of the values, relative to
 * the smaller of the shares the two lists cover (1 when the shape
 * distributions agree, 0 when no top shape is shared).  Relative, because a
 * column of many formats (phone numbers as people type them) spreads over
 * more shapes than its top list holds.
 */
static double shape_similarity(const struct value_stats *v,
			       const struct prior_target *pt)
{
	const struct topk_entry *es;
	size_t n = topk_sorted(&v->shapes, &es);
	uint64_t prior_total = 0, total = 0;
	double sum = 0, cover;

	for (size_t j = 0; j < pt->n_shapes; j++)
		prior_total += pt->shape_counts[j];
	for (size_t i = 0; i < n; i++)
		total += es[i].count;
	if (!v->present || pt->present <= 0 || !prior_total || !total)
		return 0;
	cover = (double)total / (double)v->present;
	if ((double)prior_total / (double)pt->present < cover)
		cover = (double)prior_total / (double)pt->present;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < pt->n_shapes; j++) {
			double a, b;

			if (strcmp(es[i].value, pt->shapes[j]))
				continue;
			a = (double)es[i].count / (double)v->present;
			b = (double)pt->shape_counts[j] / (double)pt->present;
			sum += a < b ? a : b;
		}
	}
	return sum / cover;
}

/* The undeclared column that best explains a missing one. */
static const struct value_stats *renamed_to(const struct source_profile *sp,
					    const struct prior_target *pt,
					    double *overlap, bool *same_shape)
{
	const struct value_stats *best = NULL;

	*overlap = 0;
	for (size_t x = 0; pt && pt->has_kmv && x < sp->n_extras; x++) {
		const struct value_stats *v = &sp->extras[x];
		double c = kmv_containment(&v->kmv, &pt->kmv);

		if (c > *overlap) {
			*overlap = c;
			best = v;
		}
	}
	/* "same value shapes" when four fifths of the values, or more, have
	 * shapes the two columns share in like proportions */
	if (best)
		*same_shape = shape_similarity(best, pt) >= 0.8;
	return *overlap >= 0.5 ? best : NULL;
}

static void columns(struct emitter *e, const struct prior_source *pr)
{
	const struct source_profile *sp = e->sp;
	const struct source *s = sp->src;

	if (s->kind == SOURCE_XML || !sp->n_columns ||
	    (s->kind == SOURCE_CSV && !s->csv.header))
		return;
	for (size_t f = 0; f < s->n_fields; f++) {
		const char *name = s->fields[f].name;
		const struct prior_target *pt = prior_target(pr, "field", name);
		const struct value_stats *to;
		double overlap;
		bool same_shape = false;

		if (has_column(sp, name))
			continue;
		to = renamed_to(sp, pt, &overlap, &same_shape);
		if (to)
			finding(e, name, DIM_INTEGRITY, SEV_HIGH, "integrity.column-renamed",
				sp->rows, NULL, "column '%s' is missing; new column '%s' "
				"looks like it: %s%.0f%% overlap", name, to->name,
				same_shape ? "same value shapes, " : "", 100 * overlap);
		else
			finding(e, name, DIM_INTEGRITY, SEV_HIGH, "integrity.column-missing",
				sp->rows, NULL, "column '%s' is missing from %s",
				name, e->src);
	}
	for (size_t x = 0; x < sp->n_extras; x++)
		finding(e, sp->extras[x].name, DIM_INTEGRITY, SEV_LOW,
			"integrity.column-extra", 1, NULL, "%s has a column '%s' that "
			"the policy does not declare", e->src, sp->extras[x].name);
}

static void type_drift(struct emitter *e, const struct prior_source *pr)
{
	const struct source_profile *sp = e->sp;

	for (size_t f = 0; f < sp->src->n_fields; f++) {
		const struct source_field *sf = &sp->src->fields[f];
		const struct value_stats *v = &sp->fields[f];
		const struct prior_target *pt = prior_target(pr, "field", v->name);
		double share = v->present ? (double)v->numeric / (double)v->present : 1;

		if (!v->present)
			continue;
		metric(e, v->name, DIM_INTEGRITY, "numeric_share", share);
		if ((sf->type == FIELD_INTEGER || sf->type == FIELD_DECIMAL) &&
		    share < 0.99)
			finding(e, v->name, DIM_INTEGRITY, SEV_HIGH, "integrity.type",
				v->present - v->numeric, NULL, "field '%s' of %s is "
				"declared %s but %.1f%% of its values are not numbers",
				v->name, e->src, field_type_name(sf->type),
				100 * (1 - share));
		else if (pt && pt->numeric_share >= 0.95 && share < 0.8)
			finding(e, v->name, DIM_INTEGRITY, SEV_HIGH,
				"integrity.type-drift", v->present - v->numeric, NULL,
				"field '%s' of %s turned textual: %.0f%% of its values "
				"are numbers, %.0f%% in the previous run", v->name, e->src,
				100 * share, 100 * pt->numeric_share);
	}
}

double findings_robust_z(const int64_t *history, size_t n, int64_t x)
{
	double v[PRIOR_VOLUME_RUNS], dev[PRIOR_VOLUME_RUNS], med, mad;

	if (n < FINDINGS_MAD_MIN_RUNS || n > PRIOR_VOLUME_RUNS)
		return NAN;
	for (size_t i = 0; i < n; i++)
		v[i] = (double)history[i];
	/* insertion sorts: n <= 12 */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
		}
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(v[i] - med);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && dev[j] < dev[j - 1]; j--) {
			double t = dev[j]; dev[j] = dev[j - 1]; dev[j - 1] = t;
		}
	mad = n % 2 ? dev[n / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
	if (mad == 0)
		return NAN;
	return 0.6745 * ((double)x - med) / mad;
}

static void volume(struct emitter *e, const struct prior_source *pr)
{
	const struct source_profile *sp = e->sp;
	const struct source *s = sp->src;
	double z;

	metric(e, NULL, DIM_INTEGRITY, "rows", (double)sp->rows);
	if (s->has_volume && (sp->rows < s->volume_min || sp->rows > s->volume_max))
		finding(e, NULL, DIM_INTEGRITY, SEV_HIGH, "integrity.volume-range",
			sp->rows, NULL, "%s has %llu records; the policy expects "
			"between %llu and %llu", e->src, (unsigned long long)sp->rows,
			(unsigned long long)s->volume_min,
			(unsigned long long)s->volume_max);
	if (!pr || !pr->exists || pr->rows <= 0)
		return;
	metric(e, NULL, DIM_INTEGRITY, "rows_change",
	       ((double)sp->rows - (double)pr->rows) / (double)pr->rows);
	z = findings_robust_z(pr->volume, pr->n_volume, (int64_t)sp->rows);
	if (!isnan(z) && fabs(z) > 3.5)
		finding(e, NULL, DIM_INTEGRITY, SEV_HIGH, "integrity.volume-anomaly",
			sp->rows, NULL, "%s has %llu records, far from its last %zu "
			"runs (robust z-score %.1f; previous run %lld)", e->src,
			(unsigned long long)sp->rows, pr->n_volume, z,
			(long long)pr->rows);
	else if (fabs((double)sp->rows - (double)pr->rows) > 0.2 * (double)pr->rows)
		finding(e, NULL, DIM_INTEGRITY, SEV_MEDIUM, "integrity.volume-change",
			sp->rows, NULL, "%s has %llu records, %+.0f%% since the previous "
			"run (%lld)", e->src, (unsigned long long)sp->rows,
			100 * ((double)sp->rows - (double)pr->rows) / (double)pr->rows,
			(long long)pr->rows);
}

static void freshness(struct emitter *e, int64_t as_of)
{
	const struct source_profile *sp = e->sp;
	const struct source *s = sp->src;
	int64_t lag, cadence;

	if (sp->updated_unparsed)
		finding(e, s->updated_field, DIM_INTEGRITY,
			by_share((double)sp->updated_unparsed / (double)sp->rows),
			"integrity.updated-unparsed", sp->updated_unparsed,
			&sp->bad_updated, "%llu records of %s have an updated-at '%s' "
			"that does not parse", (unsigned long long)sp->updated_unparsed,
			e->src, s->updated_field);
	if (!sp->has_updated)
		return;
	lag = as_of - sp->newest_days;
	metric(e, NULL, DIM_INTEGRITY, "feed_lag_days", (double)lag);
	if (!s->has_cadence)
		return;
	cadence = duration_approx_seconds(&s->cadence) / 86400;
	if (cadence < 1)
		cadence = 1;
	if (lag > cadence)
		finding(e, NULL, DIM_INTEGRITY, lag > 7 * cadence ? SEV_HIGH : SEV_MEDIUM,
			"integrity.feed-stale", (uint64_t)lag, NULL, "%s has not "
			"updated for %lld days; cadence %s", e->src, (long long)lag,
			s->cadence_text);
}

static void reading(struct emitter *e)
{
	const struct source_profile *sp = e->sp;
	const struct reader_stats *st = &sp->rstats;
	uint64_t dup;

	if (sp->failed) {
		struct buf why = BUF_INIT;

		diag_format(&sp->error, &why);
		finding(e, NULL, DIM_INTEGRITY, SEV_CRITICAL, "integrity.unreadable",
			sp->rows, NULL, "%s could not be read%s: %s", e->src,
			sp->rows ? " to the end" : "", why.data);
		buf_release(&why);
	}
	for (int k = 0; k < RP_COUNT; k++) {
		char rule[64], lines[128] = "";
		size_t n = 0;

		if (!st->problems[k])
			continue;
		for (size_t i = 0; i < st->n_kept && n < PROFILE_SAMPLES; i++)
			if (st->kept[i].kind == (enum reader_problem_kind)k)
				n += snprintf(lines + strlen(lines), sizeof(lines) -
					      strlen(lines), "%sline %llu", n ? ", " : "",
					      (unsigned long long)st->kept[i].line) > 0;
		snprintf(rule, sizeof(rule), "integrity.reader.%s",
			 reader_problem_name((enum reader_problem_kind)k));
		for (char *c = rule; *c; c++)
			if (*c == ' ')
				*c = '-';
		finding(e, NULL, DIM_INTEGRITY,
			by_share((double)st->problems[k] / (double)(sp->rows + 1)), rule,
			st->problems[k], NULL, "%llu record%s of %s: %s (%s)",
			(unsigned long long)st->problems[k],
			st->problems[k] == 1 ? "" : "s", e->src,
			reader_problem_name((enum reader_problem_kind)k), lines);
	}
	dup = sp->rows - sp->missing_keys.count - distinct_estimate(&sp->keys);
	if (distinct_is_exact(&sp->keys) && dup && dup < sp->rows)
		finding(e, sp->src->key_field, DIM_UNIQUENESS, SEV_HIGH,
			"uniqueness.duplicate-key", dup, NULL, "%llu record%s of %s "
			"repeat a key another record has", (unsigned long long)dup,
			dup == 1 ? "" : "s", e->src);
}

int findings_derive(const struct policy *p, const struct source_profile *sp,
		    const struct prior_source *prior, int64_t as_of_days,
		    const struct findings_sink *sink)
{
	struct emitter e = { sink, sp, sp->src->id, 0 };
	const struct source *s = sp->src;

	(void)p;
	reading(&e);
	if (!sp->failed || sp->rows) {
		columns(&e, prior);
		type_drift(&e, prior);
		volume(&e, prior);
		freshness(&e, as_of_days);
		for (size_t i = 0; i < s->n_mappings; i++)
			per_target(&e, &sp->attrs[i], prior);
		for (size_t f = 0; f < s->n_fields; f++) {
			const struct value_stats *v = &sp->fields[f];

			if (s->fields[f].required && v->empty)
				finding(&e, v->name, DIM_COMPLETENESS,
					by_share((double)v->empty / (double)sp->rows),
					"completeness.required", v->empty, NULL,
					"%llu records of %s have no value in the required "
					"field '%s'", (unsigned long long)v->empty, e.src,
					v->name);
		}
	}
	return e.rc;
}
