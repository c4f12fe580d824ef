/*
 * model.c - fitting and applying the Fellegi-Sunter model (see model.h).
 */
#include "identity/model.h"

#include <math.h>

static size_t levels_of(const struct comparison *c)
{
	switch (c->method) {
	case CMP_EXACT: return 2;
	case CMP_INITIALS: return 3;
	default: return c->n_levels + 2;
	}
}

static double clamp(double p)
{
	return p < MODEL_EPS ? MODEL_EPS : p > 1 - MODEL_EPS ? 1 - MODEL_EPS : p;
}

/* Starting m: most same-person pairs agree exactly, fewer at each looser
 * level, few not at all. */
static void default_m(struct model_cmp *mc)
{
	double sum = 0;

	for (size_t l = 0; l < mc->n_levels; l++) {
		mc->m[l] = l + 1 == mc->n_levels ? 0.05 :
			   l == 0 ? 0.9 : 0.9 / (double)(4u << l);
		sum += mc->m[l];
	}
	for (size_t l = 0; l < mc->n_levels; l++)
		mc->m[l] /= sum;
}

int model_init(struct model *m, const struct identity *id)
{
	memset(m, 0, sizeof(*m));
	m->cmp = xcalloc(id->n_comparisons ? id->n_comparisons : 1, sizeof(*m->cmp));
	if (!m->cmp)
		return ST_ERR_NOMEM;
	m->n = id->n_comparisons;
	for (size_t i = 0; i < m->n; i++) {
		struct model_cmp *mc = &m->cmp[i];
		const struct comparison *c = &id->comparisons[i];

		mc->c = c;
		mc->n_levels = levels_of(c);
		if (mc->n_levels > MODEL_MAX_LEVELS)
			mc->n_levels = MODEL_MAX_LEVELS;
		if (c->m && c->u && c->n_mu == mc->n_levels) {
			mc->fixed = true;
			for (size_t l = 0; l < mc->n_levels; l++) {
				mc->m[l] = clamp(c->m[l]);
				mc->u[l] = clamp(c->u[l]);
			}
			continue;
		}
		default_m(mc);
		for (size_t l = 0; l < mc->n_levels; l++)
			mc->u[l] = 1.0 / (double)mc->n_levels;
		/* m alone in the policy: fixed, and u estimated */
		if (c->m && !c->u && c->n_mu == mc->n_levels) {
			for (size_t l = 0; l < mc->n_levels; l++)
				mc->m[l] = clamp(c->m[l]);
			mc->m_given = true;
		}
	}
	m->lambda = 0.1;
	m->prior = id->has_prior ? id->prior : 0.1;
	m->fixed_prior = id->has_prior;
	return 0;
}

void model_release(struct model *m)
{
	xfree(m->cmp);
	memset(m, 0, sizeof(*m));
}

uint64_t model_pattern(const struct model *m, const int *levels)
{
	uint64_t p = 0;

	for (size_t i = m->n; i-- > 0;) {
		uint64_t base = m->cmp[i].n_levels + 1;

		p = p * base + (uint64_t)(levels[i] < 0 ? (int)m->cmp[i].n_levels : levels[i]);
	}
	return p;
}

void model_unpack(const struct model *m, uint64_t pattern, int *levels)
{
	for (size_t i = 0; i < m->n; i++) {
		uint64_t base = m->cmp[i].n_levels + 1, d = pattern % base;

		levels[i] = d == m->cmp[i].n_levels ? -1 : (int)d;
		pattern /= base;
	}
}

/* --- pattern counts ------------------------------------------------------- */

void patterns_init(struct patterns *p)
{
	memset(p, 0, sizeof(*p));
}

void patterns_release(struct patterns *p)
{
	xfree(p->slots);
	patterns_init(p);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static int patterns_grow(struct patterns *p)
{
	size_t cap = p->cap ? p->cap * 2 : 256;
	struct pattern_count *s = xcalloc(cap, sizeof(*s));

	if (!s)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < p->cap; i++) {
		size_t j;

		if (!p->slots[i].count)
			continue;
		for (j = mix(p->slots[i].pattern) & (cap - 1); s[j].count;
		     j = (j + 1) & (cap - 1))
			;
		s[j] = p->slots[i];
	}
	xfree(p->slots);
	p->slots = s;
	p->cap = cap;
	return 0;
}

int patterns_add(struct patterns *p, uint64_t pattern, uint64_t count)
{
	size_t j;

	if (!count)
		return 0;
	if (pattern == 0) {
		p->has_zero = true;
		p->zero_count += count;
		return 0;
	}
	if ((p->n + 1) * 2 > p->cap && patterns_grow(p))
		return ST_ERR_NOMEM;
	for (j = mix(pattern) & (p->cap - 1); p->slots[j].count;
	     j = (j + 1) & (p->cap - 1)) {
		if (p->slots[j].pattern == pattern) {
			p->slots[j].count += count;
			return 0;
		}
	}
	p->slots[j].pattern = pattern;
	p->slots[j].count = count;
	p->n++;
	return 0;
}

size_t patterns_list(const struct patterns *p, struct pattern_count *out)
{
	size_t n = 0;

	if (p->has_zero)
		out[n++] = (struct pattern_count){ 0, p->zero_count };
	for (size_t i = 0; i < p->cap; i++)
		if (p->slots[i].count)
			out[n++] = p->slots[i];
	return n;
}

/* --- fitting -------------------------------------------------------------- */

void model_fit_u(struct model *m, const struct patterns *random)
{
	size_t np = random->n + random->has_zero;
	struct pattern_count *list = xcalloc(np ? np : 1, sizeof(*list));
	int levels[64];

	if (!list || m->n > 64) {
		xfree(list);
		return;		/* u stays as it was: uniform */
	}
	np = patterns_list(random, list);
	for (size_t i = 0; i < m->n; i++) {
		struct model_cmp *mc = &m->cmp[i];
		double count[MODEL_MAX_LEVELS] = { 0 }, total = 0;

		if (mc->fixed)
			continue;
		for (size_t k = 0; k < np; k++) {
			model_unpack(m, list[k].pattern, levels);
			if (levels[i] < 0)
				continue;
			count[levels[i]] += (double)list[k].count;
			total += (double)list[k].count;
		}
		if (total <= 0)
			continue;
		for (size_t l = 0; l < mc->n_levels; l++)
			mc->u[l] = clamp(count[l] / total);
	}
	xfree(list);
}

/* The probability that a candidate pattern is a match, by the current
 * parameters and the share of matches among the candidates. */
static double posterior(const struct model *m, const int *levels)
{
	double bits = log2(m->lambda / (1 - m->lambda));

	for (size_t i = 0; i < m->n; i++)
		if (levels[i] >= 0)
			bits += log2(m->cmp[i].m[levels[i]] / m->cmp[i].u_cand[levels[i]]);
	return bits > 60 ? 1.0 : bits < -60 ? 0.0 : 1.0 / (1.0 + exp2(-bits));
}

/* One EM step; returns the largest change of a parameter. */
static double em_step(struct model *m, const struct pattern_count *list,
		      size_t np, const int *lv)
{
	double num[64][MODEL_MAX_LEVELS], den[64], matches = 0, total = 0, delta = 0;
	double unum[64][MODEL_MAX_LEVELS], uden[64];

	memset(num, 0, sizeof(num));
	memset(den, 0, sizeof(den));
	memset(unum, 0, sizeof(unum));
	memset(uden, 0, sizeof(uden));
	for (size_t k = 0; k < np; k++) {
		const int *levels = lv + k * m->n;
		double c = (double)list[k].count, pm = posterior(m, levels);
		double p = pm * c, q = (1 - pm) * c;

		matches += p;
		total += c;
		for (size_t i = 0; i < m->n; i++) {
			if (levels[i] < 0)
				continue;
			num[i][levels[i]] += p;
			den[i] += p;
			unum[i][levels[i]] += q;
			uden[i] += q;
		}
	}
	for (size_t i = 0; i < m->n; i++) {
		struct model_cmp *mc = &m->cmp[i];

		for (size_t l = 0; uden[i] > 0 && l < mc->n_levels; l++) {
			double v = clamp(unum[i][l] / uden[i]);

			delta = fmax(delta, fabs(v - mc->u_cand[l]));
			mc->u_cand[l] = v;
		}
		if (mc->fixed || mc->m_given || mc->m_known || den[i] <= 0)
			continue;
		for (size_t l = 0; l < mc->n_levels; l++) {
			double v = clamp(num[i][l] / den[i]);

			delta = fmax(delta, fabs(v - mc->m[l]));
			mc->m[l] = v;
		}
	}
	if (total > 0) {
		double v = clamp(matches / total);

		delta = fmax(delta, fabs(v - m->lambda));
		m->lambda = v;
	}
	return delta;
}

int model_fit_m(struct model *m, const struct patterns *cand)
{
	size_t np = cand->n + cand->has_zero;
	struct pattern_count *list;
	int *lv;

	if (m->n > 64)
		return ST_ERR;
	list = xcalloc(np ? np : 1, sizeof(*list));
	lv = xcalloc((np ? np : 1) * (m->n ? m->n : 1), sizeof(*lv));
	if (!list || !lv) {
		xfree(list);
		xfree(lv);
		return ST_ERR_NOMEM;
	}
	np = patterns_list(cand, list);
	for (size_t k = 0; k < np; k++)
		model_unpack(m, list[k].pattern, lv + k * m->n);
	/* the non-matches among the candidates start out like random pairs */
	for (size_t i = 0; i < m->n; i++)
		memcpy(m->cmp[i].u_cand, m->cmp[i].u, sizeof(m->cmp[i].u));
	m->iterations = 0;
	m->converged = false;
	while (np && m->iterations < MODEL_EM_ITERATIONS) {
		m->iterations++;
		if (em_step(m, list, np, lv) < MODEL_EM_TOLERANCE) {
			m->converged = true;
			break;
		}
	}
	xfree(list);
	xfree(lv);
	return 0;
}

/* Pairs of all on which comparison i says something. */
static double said(const struct model *m, const struct pattern_count *list,
		   size_t np, size_t i)
{
	int levels[64];
	double n = 0;

	for (size_t k = 0; k < np; k++) {
		model_unpack(m, list[k].pattern, levels);
		if (levels[i] >= 0)
			n += (double)list[k].count;
	}
	return n;
}

int model_fit_u_em(struct model *m, const struct patterns *all)
{
	struct model_cmp save[64];
	double lambda = m->lambda;
	size_t np = all->n + all->has_zero;
	struct pattern_count *list;
	int rc;

	if (m->n > 64)
		return ST_ERR;
	if (!(list = xcalloc(np ? np : 1, sizeof(*list))))
		return ST_ERR_NOMEM;
	np = patterns_list(all, list);
	memcpy(save, m->cmp, m->n * sizeof(*save));
	if ((rc = model_fit_m(m, all)) != 0) {
		xfree(list);
		return rc;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct model_cmp *mc = &m->cmp[i];
		/* the non-matches that said something, with half a pair
		 * added to every level (as model_know_m does): a level EM
		 * gave wholly to the matches is rare, not impossible */
		double n = said(m, list, np, i) * (1 - m->lambda);

		memcpy(mc->m, save[i].m, sizeof(mc->m));
		if (mc->fixed || n <= 0)
			continue;
		for (size_t l = 0; l < mc->n_levels; l++)
			mc->u[l] = clamp((mc->u_cand[l] * n + 0.5) /
					 (n + 0.5 * (double)mc->n_levels));
	}
	m->lambda = lambda;
	m->iterations = 0;
	m->converged = false;
	xfree(list);
	return 0;
}

void model_know_m(struct model *m, size_t i, const uint64_t *counts)
{
	struct model_cmp *mc = &m->cmp[i];
	double total = 0;

	if (mc->fixed || mc->m_given)
		return;
	for (size_t l = 0; l < mc->n_levels; l++)
		total += (double)counts[l];
	if (total < MODEL_MIN_KNOWN)
		return;
	for (size_t l = 0; l < mc->n_levels; l++)
		mc->m[l] = clamp(((double)counts[l] + 0.5) /
				 (total + 0.5 * (double)mc->n_levels));
	mc->m_known = true;
	mc->m_pairs = (uint64_t)total;
}

double model_weight(const struct model *m, size_t i, int l, double u_override)
{
	const struct model_cmp *mc = &m->cmp[i];
	double u = u_override > 0 ? clamp(u_override) : mc->u[l];

	return log2(mc->m[l] / u);
}

void model_set_prior(struct model *m, double candidates, double pairs)
{
	if (m->fixed_prior || pairs <= 0)
		return;
	m->prior = m->lambda * candidates / pairs;
	if (m->prior < 1e-12)
		m->prior = 1e-12;
	if (m->prior > 1 - MODEL_EPS)
		m->prior = 1 - MODEL_EPS;
}

double model_probability(const struct model *m, double bits)
{
	double prior = log2(m->prior / (1 - m->prior)), b = prior + bits;

	if (b > 60)
		return 1.0;
	if (b < -60)
		return 0.0;
	return 1.0 / (1.0 + exp2(-b));
}

/* A level's label: "exact", ">= 0.92", "<= 2", "initials", "else". */
void model_level_label(const struct model_cmp *mc, size_t l, char *out,
		       size_t size)
{
	const struct comparison *c = mc->c;

	if (l == 0)
		snprintf(out, size, "exact");
	else if (l + 1 == mc->n_levels)
		snprintf(out, size, "else");
	else if (c->method == CMP_INITIALS)
		snprintf(out, size, "initials");
	else if (c->method == CMP_JARO_WINKLER ||
		 c->method == CMP_WORD_JARO_WINKLER)
		snprintf(out, size, ">= %g", c->levels[l - 1]);
	else if (c->method == CMP_TRAILING_DIGITS)
		snprintf(out, size, ">= %g digits", c->levels[l - 1]);
	else
		snprintf(out, size, "<= %g%s", c->levels[l - 1],
			 c->method == CMP_DATE_DAYS ? " days" : "");
}

