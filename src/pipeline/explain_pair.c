/*
 * explain_pair.c - reading records back for `entity` and `why` (see
 * explain_pair.h).
 */
#include "pipeline/explain_pair.h"

#include <math.h>

#include "identity/model.h"
#include "pipeline/identify.h"

static size_t source_index(const struct policy *p, const char *id)
{
	for (size_t s = 0; s < p->n_sources; s++)
		if (!strcmp(p->sources[s].id, id))
			return s;
	return SIZE_MAX;
}

int lookup_records(const struct policy *p, const char *const *sources,
		   const char *const *keys, size_t n,
		   int (*fn)(void *arg, size_t which, const struct source *s,
			     const struct record *rec),
		   void *arg, size_t *unread, struct diag *why)
{
	*unread = 0;
	diag_clear(why);
	for (size_t s = 0; s < p->n_sources; s++) {
		const struct source *src = &p->sources[s];
		const struct record *rec;
		struct reader *rd;
		struct diag d;
		bool wanted = false;
		int rc;

		for (size_t k = 0; k < n && !wanted; k++)
			wanted = !strcmp(sources[k], src->id);
		if (!wanted)
			continue;
		diag_clear(&d);
		if (reader_open(src, &rd, &d)) {
			if (!(*unread)++)
				*why = d;
			continue;
		}
		while ((rc = reader_next(rd, &rec, &d)) == 1) {
			int stop = 0;

			for (size_t k = 0; k < n && !stop; k++)
				if (!strcmp(sources[k], src->id) && !strcmp(keys[k], rec->key))
					stop = fn(arg, k, src, rec);
			if (stop) {
				reader_free(rd);
				return stop;
			}
		}
		reader_free(rd);
		if (rc == ST_ERR_NOMEM)
			return rc;
	}
	return 0;
}

/* ---- the model of a run --------------------------------------------------- */

struct model_load {
	struct resolver *r;
	size_t levels;		/* rows that fit today's comparisons */
	bool changed;		/* a row that does not */
};

/* A level of the run's model, if today's policy has the same comparison
 * and level (by its label: thresholds that moved make another level). */
static int load_level(void *arg, const struct model_row *row)
{
	struct model_load *ml = arg;
	const struct model *m = resolver_model(ml->r);
	char label[32];

	for (size_t c = 0; c < m->n; c++) {
		if (strcmp(m->cmp[c].c->attribute_id, row->attribute))
			continue;
		if (row->level < 0 || (size_t)row->level >= m->cmp[c].n_levels)
			break;
		model_level_label(&m->cmp[c], (size_t)row->level, label, sizeof(label));
		if (strcmp(label, row->label))
			break;
		ml->levels += resolver_set_level(ml->r, row->attribute,
						 (size_t)row->level, row->m, row->u);
		return 0;
	}
	ml->changed = true;
	return 0;
}

static size_t model_levels(const struct model *m)
{
	size_t n = 0;

	for (size_t c = 0; c < m->n; c++)
		n += m->cmp[c].n_levels;
	return n;
}

struct prior_load {
	double prior;
	bool found;
};

static int load_prior(void *arg, const struct metric_row *m)
{
	struct prior_load *pl = arg;

	if (!strcmp(m->source, "identity") && !strcmp(m->metric, "prior")) {
		pl->prior = m->value;
		pl->found = true;
	}
	return 0;
}

static void explain_scores(struct pair_explanation *e, size_t a, size_t b)
{
	const struct model *m = resolver_model(e->r);
	int levels[64];
	double w[64];

	e->probability = resolver_score(e->r, a, b, levels, w);
	e->bits = log2(m->prior / (1 - m->prior));
	e->n = m->n;
	for (size_t c = 0; c < m->n; c++) {
		struct pair_cmp *pc = &e->cmp[c];
		const struct model_cmp *mc = &m->cmp[c];

		pc->attribute = mc->c->attribute_id;
		pc->value[0] = resolver_value(e->r, a, c);
		pc->value[1] = resolver_value(e->r, b, c);
		pc->weight = w[c];
		e->bits += w[c];
		if (levels[c] < 0) {
			snprintf(pc->level, sizeof(pc->level), "missing");
			continue;
		}
		model_level_label(mc, (size_t)levels[c], pc->level, sizeof(pc->level));
		pc->m = mc->m[levels[c]];
		pc->u = mc->u[levels[c]];
		pc->tf = levels[c] == 0 && mc->c->tf_adjust;
		if (pc->tf)
			pc->u = resolver_frequency(e->r, a, c);
	}
}

int explain_pair(const struct policy *p, struct store *st, int64_t run,
		 const char *sa, const char *ka, const char *sb, const char *kb,
		 struct pair_explanation *out, struct diag *d)
{
	size_t s1 = source_index(p, sa), s2 = source_index(p, sb), a, b;
	struct model_load ml = { NULL, 0, false };
	struct prior_load pl = { 0, false };
	int rc;

	memset(out, 0, sizeof(*out));
	out->rule = -1;
	if (s1 == SIZE_MAX || s2 == SIZE_MAX) {
		struct buf known = BUF_INIT;

		for (size_t i = 0; i < p->n_sources; i++)
			buf_addf(&known, "%s%s", i ? ", " : "", p->sources[i].id);
		rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "no source '%s' "
			      "in the policies (sources: %s)",
			      s1 == SIZE_MAX ? sa : sb,
			      known.len ? known.data : "none");
		buf_release(&known);
		return rc;
	}
	if ((rc = resolver_new(p, &out->r)) != 0 ||
	    (rc = identify_nicknames(p, out->r, d)) != 0)
		return rc;
	if (resolver_model(out->r)->n > 64)
		return diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "more than 64 "
				"comparisons");
	ml.r = out->r;
	if ((rc = store_model(st, run, load_level, &ml, d)) != 0 ||
	    (rc = store_metrics(st, run, load_prior, &pl, d)) != 0)
		return rc;
	if (ml.changed || ml.levels != model_levels(resolver_model(out->r)))
		return diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "the policies' "
				"comparisons have changed since run %lld; explain a "
				"pair of a run made with these policies", (long long)run);
	if (resolver_model(out->r)->n && !pl.found)
		return diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "run %lld has no "
				"identity model (it resolved no identities)",
				(long long)run);
	if (pl.found)
		resolver_set_prior(out->r, pl.prior);
	out->prior = resolver_model(out->r)->prior;
	/* the two records' sources must be readable, or "no record today"
	 * would be said of a file that is not there */
	for (size_t k = 0; k < 2; k++) {
		struct reader *rd;

		if (reader_open(&p->sources[k ? s2 : s1], &rd, d))
			return ST_ERR;
		reader_free(rd);
	}
	if ((rc = identify_feed(p, NULL, out->r, NULL, NULL)) != 0 ||
	    (rc = resolver_prepare(out->r, 0)) != 0)
		return rc;
	a = resolver_find(out->r, s1, ka);
	b = resolver_find(out->r, s2, kb);
	out->found[0] = a != SIZE_MAX;
	out->found[1] = b != SIZE_MAX;
	if (a == SIZE_MAX || b == SIZE_MAX)
		return 0;
	out->rule = resolver_rule_between(out->r, a, b);
	explain_scores(out, a, b);
	return 0;
}

void explain_pair_release(struct pair_explanation *e)
{
	resolver_free(e->r);
	memset(e, 0, sizeof(*e));
}
