/*
 * score.c - a run's scores from its metrics and findings (see score.h and
 * docs/scoring.md).
 */
#include "report/score.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "util/arena.h"

const double score_integrity_penalty[4] = { 1, 5, 10, 25 };

/* What a (source, attribute) was measured at; a bit of `set` per field. */
enum {
	HAS_PRESENT = 1, HAS_VALID = 2, HAS_FRESH = 4, HAS_COPIES = 8,
	HAS_CONFLICTS = 16, HAS_CHECKED = 32, HAS_VIOLATIONS = 64
};

struct cell {
	unsigned set;
	double present, valid, fresh;
	double copies, conflicts, checked, violations;
};

struct src {
	const char *id, *owner;
	bool scanned;		/* in the run: it has a run-level metric or a
				 * finding */
	bool resolved_set, duplicates_set;
	double resolved, duplicates;
	uint64_t integrity[4];	/* findings by severity */
};

struct attr {
	const char *id, *owner;
};

struct band {
	const char *name;
	double min;
};

struct scorer {
	struct arena strings;
	double weight[DIM_COUNT];
	struct band *bands;
	size_t n_bands, cap_bands;
	struct src *srcs;
	size_t n_srcs, cap_srcs;
	struct attr *attrs;
	size_t n_attrs, cap_attrs;
	struct cell *cells;	/* n_srcs x n_attrs, made at the first metric */
	const char **owners;	/* distinct, in order of first mention */
	size_t n_owners, cap_owners;
	struct score *scores;
	size_t n_scores, cap_scores;
};

struct scorer *scorer_new(void)
{
	struct scorer *sc = xcalloc(1, sizeof(*sc));

	if (sc)
		arena_init(&sc->strings, 1u << 12);
	return sc;
}

void scorer_free(struct scorer *sc)
{
	if (!sc)
		return;
	arena_release(&sc->strings);
	xfree(sc->bands);
	xfree(sc->srcs);
	xfree(sc->attrs);
	xfree(sc->cells);
	xfree(sc->owners);
	xfree(sc->scores);
	xfree(sc);
}

void scorer_weight(struct scorer *sc, enum dimension d, double weight)
{
	if ((unsigned)d < DIM_COUNT && weight >= 0)
		sc->weight[d] = weight;
}

static const char *keep(struct scorer *sc, const char *s)
{
	return arena_strdup(&sc->strings, s ? s : "");
}

int scorer_grade(struct scorer *sc, const char *name, double min)
{
	size_t i;
	const char *k = keep(sc, name);

	if (!k || xgrow(&sc->bands, &sc->cap_bands, sc->n_bands + 1,
			sizeof(*sc->bands)))
		return ST_ERR_NOMEM;
	/* kept sorted by min, highest first */
	for (i = sc->n_bands; i > 0 && sc->bands[i - 1].min < min; i--)
		sc->bands[i] = sc->bands[i - 1];
	sc->bands[i] = (struct band){ k, min };
	sc->n_bands++;
	return 0;
}

static int note_owner(struct scorer *sc, const char *owner)
{
	if (!*owner)
		return 0;
	for (size_t i = 0; i < sc->n_owners; i++)
		if (!strcmp(sc->owners[i], owner))
			return 0;
	if (xgrow(&sc->owners, &sc->cap_owners, sc->n_owners + 1,
		  sizeof(*sc->owners)))
		return ST_ERR_NOMEM;
	sc->owners[sc->n_owners++] = owner;
	return 0;
}

int scorer_source(struct scorer *sc, const char *id, const char *owner)
{
	struct src *s;

	if (sc->cells || xgrow(&sc->srcs, &sc->cap_srcs, sc->n_srcs + 1,
			       sizeof(*sc->srcs)))
		return ST_ERR_NOMEM;
	s = &sc->srcs[sc->n_srcs];
	memset(s, 0, sizeof(*s));
	if (!(s->id = keep(sc, id)) || !(s->owner = keep(sc, owner)))
		return ST_ERR_NOMEM;
	sc->n_srcs++;
	return note_owner(sc, s->owner);
}

int scorer_attribute(struct scorer *sc, const char *id, const char *owner)
{
	struct attr *a;

	if (sc->cells || xgrow(&sc->attrs, &sc->cap_attrs, sc->n_attrs + 1,
			       sizeof(*sc->attrs)))
		return ST_ERR_NOMEM;
	a = &sc->attrs[sc->n_attrs];
	if (!(a->id = keep(sc, id)) || !(a->owner = keep(sc, owner)))
		return ST_ERR_NOMEM;
	sc->n_attrs++;
	return note_owner(sc, a->owner);
}

static struct src *src_of(struct scorer *sc, const char *id, size_t *at)
{
	for (size_t i = 0; i < sc->n_srcs; i++)
		if (!strcmp(sc->srcs[i].id, id)) {
			if (at)
				*at = i;
			return &sc->srcs[i];
		}
	return NULL;
}

static bool attr_of(const struct scorer *sc, const char *id, size_t *at)
{
	for (size_t i = 0; i < sc->n_attrs; i++)
		if (!strcmp(sc->attrs[i].id, id)) {
			*at = i;
			return true;
		}
	return false;
}

int scorer_metric(struct scorer *sc, const char *source, const char *target,
		  const char *metric, double value)
{
	static const struct { const char *name; unsigned bit; size_t off; } cm[] = {
		{ "present_share", HAS_PRESENT, offsetof(struct cell, present) },
		{ "valid_share", HAS_VALID, offsetof(struct cell, valid) },
		{ "fresh_share", HAS_FRESH, offsetof(struct cell, fresh) },
		{ "reconcile_copies", HAS_COPIES, offsetof(struct cell, copies) },
		{ "reconcile_conflicts", HAS_CONFLICTS, offsetof(struct cell, conflicts) },
		{ "compliance_checked", HAS_CHECKED, offsetof(struct cell, checked) },
		{ "compliance_violations", HAS_VIOLATIONS,
		  offsetof(struct cell, violations) },
	};
	size_t si, ai;
	struct src *s = src_of(sc, source, &si);

	if (!s || !isfinite(value))
		return 0;
	if (!sc->cells) {
		sc->cells = xcalloc(sc->n_srcs * sc->n_attrs + 1, sizeof(*sc->cells));
		if (!sc->cells)
			return ST_ERR_NOMEM;
	}
	if (!*target) {
		s->scanned = true;
		if (!strcmp(metric, "resolved_records")) {
			s->resolved = value;
			s->resolved_set = true;
		} else if (!strcmp(metric, "duplicate_records")) {
			s->duplicates = value;
			s->duplicates_set = true;
		}
		return 0;
	}
	if (!attr_of(sc, target, &ai))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(cm); i++) {
		struct cell *c = &sc->cells[si * sc->n_attrs + ai];

		if (strcmp(metric, cm[i].name))
			continue;
		*(double *)((char *)c + cm[i].off) = value;
		c->set |= cm[i].bit;
	}
	return 0;
}

void scorer_finding(struct scorer *sc, const char *source, enum dimension d,
		    int severity)
{
	struct src *s = src_of(sc, source, NULL);

	if (!s)
		return;
	/* a source that could not be read has a finding but no metrics */
	s->scanned = true;
	if (d == DIM_INTEGRITY && severity >= 0 && severity < 4)
		s->integrity[severity]++;
}

/* ---- computing ------------------------------------------------------------ */

static const char *grade_of(const struct scorer *sc, double v)
{
	for (size_t i = 0; i < sc->n_bands; i++)
		if (v >= sc->bands[i].min)
			return sc->bands[i].name;
	return "";	/* below every band: no grade */
}

static double clamp100(double v)
{
	return v < 0 ? 0 : v > 100 ? 100 : v;
}

static int put(struct scorer *sc, enum score_scope scope, const char *subject,
	       const char *attribute, int dim, double v, const char *fmt, ...) PRINTF_LIKE(7, 8);

static int put(struct scorer *sc, enum score_scope scope, const char *subject,
	       const char *attribute, int dim, double v, const char *fmt, ...)
{
	struct score *s;
	va_list ap;

	if (xgrow(&sc->scores, &sc->cap_scores, sc->n_scores + 1,
		  sizeof(*sc->scores)))
		return ST_ERR_NOMEM;
	s = &sc->scores[sc->n_scores++];
	s->scope = scope;
	s->subject = subject;
	s->attribute = attribute;
	s->dimension = dim;
	s->value = clamp100(v);
	s->grade = grade_of(sc, s->value);
	va_start(ap, fmt);
	vsnprintf(s->inputs, sizeof(s->inputs), fmt, ap);
	va_end(ap);
	return 0;
}

/* A cell's score in dimension d; false when it has none. */
static bool cell_score(const struct cell *c, enum dimension d, double *v)
{
	switch (d) {
	case DIM_COMPLETENESS:
		*v = 100 * c->present;
		return c->set & HAS_PRESENT;
	case DIM_VALIDITY:
		*v = 100 * c->valid;
		return c->set & HAS_VALID;
	case DIM_TIMELINESS:
		*v = 100 * c->fresh;
		return c->set & HAS_FRESH;
	case DIM_CONSISTENCY:
		if (!(c->set & HAS_COPIES) || c->copies <= 0)
			return false;
		*v = 100 * (1 - c->conflicts / c->copies);
		return true;
	case DIM_COMPLIANCE:
		if (!(c->set & HAS_CHECKED) || c->checked <= 0)
			return false;
		*v = 100 * (1 - c->violations / c->checked);
		return true;
	default:
		return false;
	}
}

static bool cell_dimension(enum dimension d)
{
	return d != DIM_UNIQUENESS && d != DIM_INTEGRITY;
}

/* A source's score in a source-level dimension. */
static bool source_score(const struct src *s, enum dimension d, double *v)
{
	if (d == DIM_UNIQUENESS) {
		if (!s->resolved_set || !s->duplicates_set || s->resolved <= 0)
			return false;
		*v = 100 * (1 - s->duplicates / s->resolved);
		return true;
	}
	if (d == DIM_INTEGRITY) {
		double pen = 0;

		if (!s->scanned)
			return false;
		for (int k = 0; k < 4; k++)
			pen += score_integrity_penalty[k] * (double)s->integrity[k];
		*v = 100 - pen;
		return true;
	}
	return false;
}

static int cell_inputs(struct scorer *sc, const struct src *s,
		       const struct attr *a, const struct cell *c,
		       enum dimension d, double v)
{
	switch (d) {
	case DIM_COMPLETENESS:
		return put(sc, SCOPE_CELL, s->id, a->id, d, v,
			   "present share %.6f", c->present);
	case DIM_VALIDITY:
		return put(sc, SCOPE_CELL, s->id, a->id, d, v,
			   "valid share %.6f", c->valid);
	case DIM_TIMELINESS:
		return put(sc, SCOPE_CELL, s->id, a->id, d, v,
			   "share within the decay horizon %.6f", c->fresh);
	case DIM_CONSISTENCY:
		return put(sc, SCOPE_CELL, s->id, a->id, d, v,
			   "%.0f of %.0f copies disagree", c->conflicts, c->copies);
	default:
		return put(sc, SCOPE_CELL, s->id, a->id, d, v,
			   "%.0f of %.0f copies break a rule", c->violations,
			   c->checked);
	}
}

/* The weighted total of per-dimension scores (has[d] false: none). */
static int put_total(struct scorer *sc, enum score_scope scope,
		     const char *subject, const char *attribute,
		     const double *v, const bool *has)
{
	double sum = 0, w = 0;
	int n = 0;

	for (int d = 0; d < DIM_COUNT; d++)
		if (has[d] && sc->weight[d] > 0) {
			sum += sc->weight[d] * v[d];
			w += sc->weight[d];
			n++;
		}
	if (w <= 0)
		return 0;
	return put(sc, scope, subject, attribute, SCORE_TOTAL, sum / w,
		   "weighted over %d dimension%s", n, n == 1 ? "" : "s");
}

/* Means over the cells and sources that `in` selects, per dimension. */
struct mean {
	double sum[DIM_COUNT];
	int n[DIM_COUNT];
};

static void mean_add(struct mean *m, enum dimension d, double v)
{
	m->sum[d] += v;
	m->n[d]++;
}

/* The per-dimension means of m and their weighted total.  A source's own
 * dimensions (uniqueness, integrity) are written by the caller when
 * `written_own`, with what they rest on, and only counted here. */
static int put_means(struct scorer *sc, enum score_scope scope,
		     const char *subject, const struct mean *m, bool written_own)
{
	double v[DIM_COUNT];
	bool has[DIM_COUNT];

	for (int d = 0; d < DIM_COUNT; d++) {
		bool cellish = cell_dimension((enum dimension)d);

		has[d] = m->n[d] > 0;
		v[d] = has[d] ? m->sum[d] / m->n[d] : 0;
		if (!has[d] || (written_own && !cellish))
			continue;
		if (put(sc, scope, subject, "", d, v[d], "mean of %d %s%s", m->n[d],
			cellish ? "attribute cell" : "source",
			m->n[d] == 1 ? "" : "s"))
			return ST_ERR_NOMEM;
	}
	return put_total(sc, scope, subject, "", v, has);
}

/* owner NULL: every cell and source (the overall scores). */
static void gather(const struct scorer *sc, const char *owner, size_t only_src,
		   struct mean *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t si = 0; si < sc->n_srcs; si++) {
		const struct src *s = &sc->srcs[si];
		bool src_mine = !owner || !strcmp(s->owner, owner);
		double v;

		if (only_src != SIZE_MAX && si != only_src)
			continue;
		for (int d = 0; d < DIM_COUNT; d++)
			if (!cell_dimension((enum dimension)d) && src_mine &&
			    source_score(s, (enum dimension)d, &v))
				mean_add(m, (enum dimension)d, clamp100(v));
		for (size_t ai = 0; sc->cells && ai < sc->n_attrs; ai++) {
			const struct cell *c = &sc->cells[si * sc->n_attrs + ai];

			if (!src_mine && strcmp(sc->attrs[ai].owner, owner))
				continue;
			for (int d = 0; d < DIM_COUNT; d++)
				if (cell_dimension((enum dimension)d) &&
				    cell_score(c, (enum dimension)d, &v))
					mean_add(m, (enum dimension)d, clamp100(v));
		}
	}
}

int scorer_run(struct scorer *sc)
{
	struct mean m;

	sc->n_scores = 0;
	for (size_t si = 0; si < sc->n_srcs; si++) {
		const struct src *s = &sc->srcs[si];

		for (size_t ai = 0; sc->cells && ai < sc->n_attrs; ai++) {
			const struct cell *c = &sc->cells[si * sc->n_attrs + ai];
			double v[DIM_COUNT] = { 0 };	/* read only where has[] */
			bool has[DIM_COUNT];

			if (!c->set)
				continue;
			for (int d = 0; d < DIM_COUNT; d++) {
				has[d] = cell_score(c, (enum dimension)d, &v[d]);
				if (has[d] && cell_inputs(sc, s, &sc->attrs[ai], c,
							  (enum dimension)d, v[d]))
					return ST_ERR_NOMEM;
			}
			if (put_total(sc, SCOPE_CELL, s->id, sc->attrs[ai].id, v, has))
				return ST_ERR_NOMEM;
		}
	}
	for (size_t si = 0; si < sc->n_srcs; si++) {
		const struct src *s = &sc->srcs[si];
		double v;

		if (!s->scanned)
			continue;
		gather(sc, NULL, si, &m);
		if (m.n[DIM_UNIQUENESS] && source_score(s, DIM_UNIQUENESS, &v) &&
		    put(sc, SCOPE_SOURCE, s->id, "", DIM_UNIQUENESS, v,
			"%.0f duplicates of %.0f records", s->duplicates,
			s->resolved))
			return ST_ERR_NOMEM;
		if (m.n[DIM_INTEGRITY] && source_score(s, DIM_INTEGRITY, &v) &&
		    put(sc, SCOPE_SOURCE, s->id, "", DIM_INTEGRITY, v,
			"integrity findings: %llu critical, %llu high, %llu "
			"medium, %llu low", (unsigned long long)s->integrity[3],
			(unsigned long long)s->integrity[2],
			(unsigned long long)s->integrity[1],
			(unsigned long long)s->integrity[0]))
			return ST_ERR_NOMEM;
		if (put_means(sc, SCOPE_SOURCE, s->id, &m, true))
			return ST_ERR_NOMEM;
	}
	for (size_t o = 0; o < sc->n_owners; o++) {
		gather(sc, sc->owners[o], SIZE_MAX, &m);
		if (put_means(sc, SCOPE_OWNER, sc->owners[o], &m, false))
			return ST_ERR_NOMEM;
	}
	gather(sc, NULL, SIZE_MAX, &m);
	return put_means(sc, SCOPE_OVERALL, "", &m, false);
}

size_t scorer_scores(const struct scorer *sc, const struct score **out)
{
	*out = sc->scores;
	return sc->n_scores;
}

const char *score_scope_name(enum score_scope s)
{
	static const char *const names[] = { "cell", "source", "owner", "overall" };

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

const char *score_dimension_name(int d)
{
	return d == SCORE_TOTAL ? "total" : dimension_name((enum dimension)d);
}
