/*
 * identify.c - the identity stage of a scan (see identify.h).
 */
#include "pipeline/identify.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

#include "profile/batch.h"
#include "util/json.h"

int identify_nicknames(const struct policy *p, struct resolver *r,
		       struct diag *d)
{
	struct buf path = BUF_INIT;
	int rc;

	buf_addf(&path, "%s/%s", p->dir, RESOLVER_NICKNAMES);
	rc = buf_error(&path) ? ST_ERR_NOMEM :
	     resolver_load_nicknames(r, path.data, d);
	buf_release(&path);
	return rc;
}

bool identify_wanted(const struct policy *p)
{
	return p->identity.declared &&
	       (p->identity.n_rules || p->identity.n_comparisons);
}

/* ---- reading ------------------------------------------------------------- */

/*
 * The reconciler is fed on a thread of its own, so that interning every
 * mapped value (a hash table probe per value, mostly cache misses) runs
 * beside identity resolution instead of after it.  The reading thread
 * copies what reconciler_add reads of each record into a batch, in the
 * layout below; one worker takes the batches in order and adds their
 * records, so the reconciler sees them exactly as if fed directly.
 *
 * A batch record's slots: the source's fields (only those the reconciler
 * reads; the others absent), then its mapped values, then per mapping ""
 * when the value's transform failed; unused slots of narrower sources are
 * absent.  The record's `line` holds its source's index.
 */
struct handoff {
	const struct policy *p;
	struct reconciler *rc;
	struct batch_queue q;
	bool q_ready;			/* q initialised */
	struct batch *cur;
	pthread_t thread;
	int err;			/* the worker's; read after joining */
	size_t slots;
	bool *reads;			/* per source, per field: copied */
	size_t *reads_at;		/* per source: its first in reads */
	const char **vals;		/* slots scratch for the reading thread */
	size_t *lens;
	/* the worker's view of one record */
	struct record rec;
	const char **raw, **value, **why;
	size_t *raw_len, *value_len;
};

static void *handoff_main(void *arg)
{
	struct handoff *h = arg;
	struct batch *b;

	while ((b = batch_queue_take(&h->q, 0)) != NULL) {
		for (size_t i = 0; i < b->n && !h->err; i++) {
			size_t s = (size_t)b->line[i];
			const struct source *src = &h->p->sources[s];
			size_t nf = src->n_fields, nm = src->n_mappings;

			for (size_t f = 0; f < nf; f++)
				h->raw[f] = batch_value(b, i, f, &h->raw_len[f]);
			for (size_t m = 0; m < nm; m++) {
				size_t len;

				h->value[m] = batch_value(b, i, nf + m, &h->value_len[m]);
				h->why[m] = batch_value(b, i, nf + nm + m, &len);
			}
			h->rec.number = b->number[i];
			h->err = reconciler_add(h->rc, s, &h->rec);
		}
		batch_queue_done(&h->q, b);
	}
	return NULL;
}

static void handoff_free(struct handoff *h)
{
	if (!h)
		return;
	if (h->q_ready)
		batch_queue_release(&h->q);
	xfree(h->reads);
	xfree(h->reads_at);
	xfree(h->vals);
	xfree(h->lens);
	xfree(h->raw);
	xfree(h->raw_len);
	xfree(h->value);
	xfree(h->value_len);
	xfree(h->why);
	xfree(h);
}

static int handoff_start(const struct policy *p, struct reconciler *rc,
			 struct handoff **out)
{
	struct handoff *h = xcalloc(1, sizeof(*h));
	size_t nfields = 0, maxf = 1, maxm = 1;

	*out = NULL;
	if (!h)
		return ST_ERR_NOMEM;
	h->p = p;
	h->rc = rc;
	h->reads_at = xcalloc(p->n_sources + 1, sizeof(*h->reads_at));
	for (size_t s = 0; h->reads_at && s < p->n_sources; s++) {
		const struct source *src = &p->sources[s];

		h->reads_at[s] = nfields;
		nfields += src->n_fields;
		maxf = src->n_fields > maxf ? src->n_fields : maxf;
		maxm = src->n_mappings > maxm ? src->n_mappings : maxm;
		if (src->n_fields + 2 * src->n_mappings > h->slots)
			h->slots = src->n_fields + 2 * src->n_mappings;
	}
	h->reads = xcalloc(nfields + 1, sizeof(*h->reads));
	h->vals = xcalloc(h->slots + 1, sizeof(*h->vals));
	h->lens = xcalloc(h->slots + 1, sizeof(*h->lens));
	h->raw = xcalloc(maxf, sizeof(*h->raw));
	h->raw_len = xcalloc(maxf, sizeof(*h->raw_len));
	h->value = xcalloc(maxm, sizeof(*h->value));
	h->value_len = xcalloc(maxm, sizeof(*h->value_len));
	h->why = xcalloc(maxm, sizeof(*h->why));
	if (!h->reads_at || !h->reads || !h->vals || !h->lens || !h->raw ||
	    !h->raw_len || !h->value || !h->value_len || !h->why ||
	    batch_queue_init(&h->q, 1, h->slots ? h->slots : 1)) {
		handoff_free(h);	/* a failed init released q itself */
		return ST_ERR_NOMEM;
	}
	h->q_ready = true;
	for (size_t s = 0; s < p->n_sources; s++)
		for (size_t f = 0; f < p->sources[s].n_fields; f++)
			h->reads[h->reads_at[s] + f] = reconciler_reads_field(rc, s, f);
	h->rec = (struct record){ 0, 0, "", h->raw, h->raw_len, h->value,
				  h->value_len, h->why };
	if (pthread_create(&h->thread, NULL, handoff_main, h)) {
		handoff_free(h);
		return ST_ERR_NOMEM;
	}
	*out = h;
	return 0;
}

static int handoff_add(struct handoff *h, size_t s, const struct record *rec)
{
	const struct source *src = &h->p->sources[s];
	size_t nf = src->n_fields, nm = src->n_mappings;

	if (!h->cur && !(h->cur = batch_queue_free(&h->q)))
		return ST_ERR_NOMEM;
	for (size_t f = 0; f < nf; f++) {
		bool want = h->reads[h->reads_at[s] + f];

		h->vals[f] = want ? rec->raw[f] : NULL;
		h->lens[f] = want ? rec->raw_len[f] : 0;
	}
	for (size_t m = 0; m < nm; m++) {
		h->vals[nf + m] = rec->value ? rec->value[m] : NULL;
		h->lens[nf + m] = rec->value ? rec->value_len[m] : 0;
		h->vals[nf + nm + m] = rec->why && rec->why[m] ? "" : NULL;
		h->lens[nf + nm + m] = 0;
	}
	for (size_t k = nf + 2 * nm; k < h->slots; k++) {
		h->vals[k] = NULL;
		h->lens[k] = 0;
	}
	if (batch_add(h->cur, rec->number, s, h->vals, h->lens))
		return ST_ERR_NOMEM;
	if (batch_full(h->cur)) {
		batch_queue_submit(&h->q, h->cur);
		h->cur = NULL;
	}
	return 0;
}

/* Hand over what is left (or nothing, when `abort`), wait for the worker
 * and free h; the worker's error. */
static int handoff_finish(struct handoff *h, bool abort)
{
	int rc;

	if (!h)
		return 0;
	if (abort) {
		batch_queue_abort(&h->q);
	} else {
		if (h->cur && h->cur->n)
			batch_queue_submit(&h->q, h->cur);
		batch_queue_close(&h->q);
	}
	pthread_join(h->thread, NULL);
	rc = h->err;
	handoff_free(h);
	return rc;
}

int identify_feed(const struct policy *p, const bool *read, struct resolver *r,
		  struct reconciler *rc, struct handoff **pending)
{
	struct handoff *h = NULL;
	int err = 0;

	if (rc && (err = handoff_start(p, rc, &h)) != 0)
		return err;
	for (size_t s = 0; s < p->n_sources && err != ST_ERR_NOMEM; s++) {
		struct reader *rd;
		const struct record *rec;
		struct diag d;

		if (read && !read[s])
			continue;
		diag_clear(&d);
		/* it was read moments ago; if it cannot be now, its records
		 * are left out and the profile already says what failed */
		if (reader_open(&p->sources[s], &rd, &d))
			continue;
		while ((err = reader_next(rd, &rec, &d)) == 1)
			if ((err = resolver_add(r, s, rec)) != 0 ||
			    (h && (err = handoff_add(h, s, rec)) != 0))
				break;
		reader_free(rd);
	}
	if (err == ST_ERR_NOMEM) {
		handoff_finish(h, true);
		return err;
	}
	if (h && h->cur && h->cur->n) {
		batch_queue_submit(&h->q, h->cur);
		h->cur = NULL;
	}
	if (pending)
		*pending = h;
	else
		err = handoff_finish(h, false);
	return err == ST_ERR_NOMEM ? err : 0;
}

int identify_feed_wait(struct handoff *pending)
{
	return handoff_finish(pending, false);
}

/* ---- stable ids ---------------------------------------------------------- */

struct record_index {
	const struct policy *p;
	const struct resolver *r;
	uint32_t *slots;	/* record + 1; 0 empty */
	size_t mask;
	int64_t *prev;		/* per record: its previous entity number, or 0 */
};

static uint64_t record_hash(size_t source, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull ^ source;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 0x100000001b3ull;
	return h ^ h >> 29;
}

static int index_build(struct record_index *ix)
{
	size_t n = resolver_records(ix->r), cap = 16;

	while (cap < n * 2)
		cap *= 2;
	ix->slots = xcalloc(cap, sizeof(*ix->slots));
	ix->prev = xcalloc(n ? n : 1, sizeof(*ix->prev));
	if (!ix->slots || !ix->prev)
		return ST_ERR_NOMEM;
	ix->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		size_t j = record_hash(resolver_source(ix->r, i),
				       resolver_key(ix->r, i)) & ix->mask;

		while (ix->slots[j])
			j = (j + 1) & ix->mask;
		ix->slots[j] = (uint32_t)i + 1;
	}
	return 0;
}

static size_t source_index(const struct policy *p, const char *id)
{
	for (size_t s = 0; s < p->n_sources; s++)
		if (!strcmp(p->sources[s].id, id))
			return s;
	return SIZE_MAX;
}

/* The largest entity number an id ("E" and at least seven digits) can
 * hold in its 16 bytes. */
#define ENTITY_NUM_MAX 99999999999999LL

/* A previous member: note its entity number on the first record with its
 * key that has none yet (a key that repeats in a source: its records take
 * the earlier ones' numbers one each, in order). */
static int note_previous(void *arg, const struct member_row *m)
{
	struct record_index *ix = arg;
	size_t s = source_index(ix->p, m->source);
	int64_t num = m->entity && m->entity[0] == 'E' ? strtoll(m->entity + 1, NULL, 10) : 0;

	if (s == SIZE_MAX || num <= 0 || num > ENTITY_NUM_MAX)
		return 0;
	for (size_t j = record_hash(s, m->record_key) & ix->mask; ix->slots[j];
	     j = (j + 1) & ix->mask) {
		size_t i = ix->slots[j] - 1;

		if (resolver_source(ix->r, i) == s &&
		    !strcmp(resolver_key(ix->r, i), m->record_key) && !ix->prev[i]) {
			ix->prev[i] = num;
			break;
		}
	}
	return 0;
}

struct claim {
	size_t entity, overlap;
	int64_t num;
};

/* By number, then the largest overlap (then the first entity) first: the
 * first claim on each number wins it. */
static int claim_cmp(const void *x, const void *y)
{
	const struct claim *a = x, *b = y;

	if (a->num != b->num)
		return a->num < b->num ? -1 : 1;
	if (a->overlap != b->overlap)
		return a->overlap > b->overlap ? -1 : 1;
	return (a->entity > b->entity) - (a->entity < b->entity);
}

static int i64_cmp(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

/* Each entity's most common previous number (ties to the smaller), as
 * claims in claim_cmp's order.  by[] lists the records entity by entity
 * (start[e] .. start[e + 1]). */
static size_t make_claims(const struct record_index *ix, const size_t *by,
			  const size_t *start, size_t ne, struct claim *claims,
			  int64_t *scratch)
{
	size_t nc = 0;

	for (size_t e = 0; e < ne; e++) {
		size_t n = 0, best = 0;
		int64_t best_num = 0;

		for (size_t k = start[e]; k < start[e + 1]; k++)
			if (ix->prev[by[k]])
				scratch[n++] = ix->prev[by[k]];
		qsort(scratch, n, sizeof(*scratch), i64_cmp);
		for (size_t k = 0; k < n;) {
			size_t run = 1;

			while (k + run < n && scratch[k + run] == scratch[k])
				run++;
			if (run > best) {
				best = run;
				best_num = scratch[k];
			}
			k += run;
		}
		if (best)
			claims[nc++] = (struct claim){ e, best, best_num };
	}
	qsort(claims, nc, sizeof(*claims), claim_cmp);
	return nc;
}

/* The records entity by entity: by[start[e] .. start[e + 1]). */
static int group_records(const struct resolver *r, size_t **by, size_t **start)
{
	size_t n = resolver_records(r), ne = resolver_entities(r);
	size_t *fill;

	*by = xcalloc(n ? n : 1, sizeof(**by));
	*start = xcalloc(ne + 1, sizeof(**start));
	fill = xcalloc(ne + 1, sizeof(*fill));
	if (!*by || !*start || !fill) {
		xfree(fill);
		return ST_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		(*start)[resolver_entity(r, i) + 1]++;
	for (size_t e = 0; e < ne; e++)
		(*start)[e + 1] += (*start)[e];
	for (size_t i = 0; i < n; i++) {
		size_t e = resolver_entity(r, i);

		(*by)[(*start)[e] + fill[e]++] = i;
	}
	xfree(fill);
	return 0;
}

static int assign_ids(const struct policy *p, struct identified *id,
		      struct store *st, struct diag *d)
{
	const struct resolver *r = id->r;
	size_t n = resolver_records(r), ne = resolver_entities(r), nc;
	struct record_index ix = { p, r, NULL, 0, NULL };
	struct claim *claims = NULL;
	int64_t prev_run = 0, next, stored_max, *nums = NULL, *scratch = NULL;
	int rc = ST_ERR_NOMEM;

	if (store_latest_identity_run(st, &prev_run, d) ||
	    store_max_entity(st, &next, d))
		return ST_ERR;
	stored_max = next;
	if (index_build(&ix))
		goto out;
	if (prev_run && (rc = store_members(st, prev_run, NULL, note_previous,
					    &ix, d)) != 0)
		goto out;
	rc = ST_ERR_NOMEM;
	claims = xcalloc(ne ? ne : 1, sizeof(*claims));
	scratch = xcalloc(n ? n : 1, sizeof(*scratch));
	nums = id->num;
	if (!claims || !scratch)
		goto out;
	nc = make_claims(&ix, id->by, id->start, ne, claims, scratch);
	for (size_t k = 0; k < nc; k++) {
		if (k && claims[k].num == claims[k - 1].num)
			continue;	/* a larger overlap has it */
		nums[claims[k].entity] = claims[k].num;
		id->carried++;
	}
	for (size_t e = 0; e < ne; e++) {
		/* only a history whose ids were edited can fail here */
		if (!nums[e])
			nums[e] = next < ENTITY_NUM_MAX ? ++next : ENTITY_NUM_MAX + 1;
		if (nums[e] < 1 || nums[e] > ENTITY_NUM_MAX) {
			rc = diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "entity "
				      "number %lld does not fit an entity id (E and "
				      "at most 14 digits): the history's entities "
				      "reach E%lld; restore the history from a "
				      "backup, or start a new one with --db",
				      (long long)nums[e], (long long)stored_max);
			goto out;
		}
		snprintf(id->ids[e], sizeof(id->ids[e]), "E%07lld", (long long)nums[e]);
	}
	rc = 0;
out:
	xfree(ix.slots);
	xfree(ix.prev);
	xfree(claims);
	xfree(scratch);
	return rc;
}

/* Records and distinct sources per entity. */
static int count_entities(const struct policy *p, struct identified *id)
{
	const struct resolver *r = id->r;
	size_t *mark = xcalloc(p->n_sources ? p->n_sources : 1, sizeof(*mark));

	if (!mark)
		return ST_ERR_NOMEM;
	for (size_t e = 0; e < resolver_entities(r); e++) {
		size_t sources = 0;

		id->entity_records[e] = id->start[e + 1] - id->start[e];
		for (size_t k = id->start[e]; k < id->start[e + 1]; k++) {
			size_t s = resolver_source(r, id->by[k]);

			/* mark[s] holds the entity + 1 that last saw s */
			if (mark[s] != e + 1) {
				mark[s] = e + 1;
				sources++;
			}
		}
		id->entity_sources[e] = sources;
	}
	xfree(mark);
	return 0;
}

/* Each record's match probability: the strongest link that joined it to
 * its entity (1 for a rule, or for a record alone). */
static double *member_probabilities(const struct resolver *r)
{
	size_t n = resolver_records(r);
	double *p = xcalloc(n ? n : 1, sizeof(*p));
	const struct link *l;
	size_t nl = resolver_links(r, &l);

	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p[i] = -1;
	for (size_t k = 0; k < nl; k++) {
		if (!l[k].joined)
			continue;
		p[l[k].a] = fmax(p[l[k].a], l[k].probability);
		p[l[k].b] = fmax(p[l[k].b], l[k].probability);
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0)
			p[i] = 1;
	return p;
}

/* The pairs kept for review that nothing settled: possible matches, for
 * reconciliation's proposals that rest on them (reconcile.h). */
static struct possible_pair *possible_pairs(const struct resolver *r,
					    double link, size_t *count)
{
	const struct link *l;
	size_t nl = resolver_links(r, &l), n = 0, cap = 1;
	struct possible_pair *out = xcalloc(cap, sizeof(*out));

	for (size_t k = 0; k < nl && out; k++) {
		if (l[k].linked || l[k].settled || l[k].ambiguous ||
		    l[k].conflict >= 0 ||
		    (l[k].probability >= link && !l[k].thin))
			continue;
		if (xgrow(&out, &cap, n + 1, sizeof(*out))) {
			xfree(out);
			return NULL;
		}
		out[n++] = (struct possible_pair){ l[k].a, l[k].b, l[k].probability };
	}
	*count = n;
	return out;
}

/* Reconciliation on its own thread: it reads only the reconciler and the
 * arrays made for it, so the identities can be written meanwhile. */
struct settling {
	pthread_t thread;
	struct reconciler *rec;
	uint32_t *entity;
	double *pm;
	struct possible_pair *pairs;
	size_t n_pairs;
	size_t n_entities;
	int rc;
	double seconds;
};

static void *settling_main(void *arg)
{
	struct settling *g = arg;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	g->rc = reconciler_run(g->rec, g->entity, g->pm, g->n_entities,
			       g->pairs, g->n_pairs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	g->seconds = (double)(t1.tv_sec - t0.tv_sec) +
		     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return NULL;
}

static void settling_free(struct settling *g)
{
	if (!g)
		return;
	xfree(g->entity);
	xfree(g->pm);
	xfree(g->pairs);
	xfree(g);
}

static int reconcile_start(struct identified *out, double link)
{
	size_t n = resolver_records(out->r);
	struct settling *g = xcalloc(1, sizeof(*g));

	if (!g)
		return ST_ERR_NOMEM;
	g->rec = out->rec;
	g->n_entities = resolver_entities(out->r);
	g->entity = xcalloc(n ? n : 1, sizeof(*g->entity));
	g->pm = member_probabilities(out->r);
	g->pairs = possible_pairs(out->r, link, &g->n_pairs);
	if (!g->entity || !g->pm || !g->pairs ||
	    reconciler_records(out->rec) != n) {
		settling_free(g);
		return ST_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		g->entity[i] = (uint32_t)resolver_entity(out->r, i);
	if (pthread_create(&g->thread, NULL, settling_main, g)) {
		settling_free(g);
		return ST_ERR_NOMEM;
	}
	out->settling = g;
	return 0;
}

int identify_reconciled(struct identified *id)
{
	struct settling *g = id->settling;
	int rc;

	if (!g)
		return 0;
	pthread_join(g->thread, NULL);
	rc = g->rc;
	id->rec_seconds = g->seconds;
	settling_free(g);
	id->settling = NULL;
	return rc;
}

int identify_run(const struct policy *p, const bool *read, int64_t as_of_days,
		 bool reconcile, struct store *st, struct identified *out,
		 struct diag *d)
{
	struct resolver_opts o = { 0x5EED, 0 };
	struct handoff *fed = NULL;
	struct timespec t0, t1;
	size_t ne;
	int rc, werr;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = resolver_new(p, &out->r)) != 0 ||
	    (rc = identify_nicknames(p, out->r, d)) != 0)
		return rc;
	if (reconcile && (rc = reconciler_new(p, as_of_days, &out->rec)) != 0)
		return rc;
	/* the reconciler takes its records while identities are resolved */
	if ((rc = identify_feed(p, read, out->r, out->rec, &fed)) != 0)
		return rc;
	rc = resolver_run(out->r, &o);
	/* the reconciler's thread is waited for even when resolving failed;
	 * both fail only for memory (resolver_run's ST_ERR included) */
	werr = identify_feed_wait(fed);
	if (rc || werr)
		return ST_ERR_NOMEM;
	ne = resolver_entities(out->r);
	out->ids = xcalloc(ne ? ne : 1, sizeof(*out->ids));
	out->num = xcalloc(ne ? ne : 1, sizeof(*out->num));
	out->entity_records = xcalloc(ne ? ne : 1, sizeof(size_t));
	out->entity_sources = xcalloc(ne ? ne : 1, sizeof(size_t));
	if (!out->ids || !out->num || !out->entity_records || !out->entity_sources)
		return ST_ERR_NOMEM;
	if (group_records(out->r, &out->by, &out->start))
		return ST_ERR_NOMEM;
	if ((rc = assign_ids(p, out, st, d)) != 0)
		return rc;
	if (count_entities(p, out))
		return ST_ERR_NOMEM;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (out->rec && (rc = reconcile_start(out, p->identity.link)) != 0)
		return rc;
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return 0;
}

void identify_release(struct identified *id)
{
	int rc = identify_reconciled(id);	/* freed all the same */

	(void)rc;
	resolver_free(id->r);
	reconciler_free(id->rec);
	xfree(id->ids);
	xfree(id->num);
	xfree(id->entity_records);
	xfree(id->entity_sources);
	xfree(id->by);
	xfree(id->start);
	memset(id, 0, sizeof(*id));
}

/* ---- writing ------------------------------------------------------------- */

static int write_model(const struct identified *id, struct store *st,
		       struct diag *d)
{
	const struct model *m = resolver_model(id->r);
	struct model_row *rows = xcalloc(m->n * MODEL_MAX_LEVELS + 1, sizeof(*rows));
	char (*labels)[32] = xcalloc(m->n * MODEL_MAX_LEVELS + 1, sizeof(*labels));
	size_t n = 0;
	int rc = ST_ERR_NOMEM;

	if (rows && labels) {
		for (size_t i = 0; i < m->n; i++) {
			const struct model_cmp *mc = &m->cmp[i];

			for (size_t l = 0; l < mc->n_levels; l++, n++) {
				model_level_label(mc, l, labels[n], sizeof(labels[n]));
				rows[n] = (struct model_row){ mc->c->attribute_id,
					(int64_t)l, labels[n], mc->m[l], mc->u[l] };
			}
		}
		rc = store_add_model(st, rows, n, d);
	}
	xfree(rows);
	xfree(labels);
	return rc;
}

struct numbered {
	int64_t num;
	size_t entity;
};

static int by_num(const void *x, const void *y)
{
	const struct numbered *a = x, *b = y;

	return (a->num > b->num) - (a->num < b->num);
}

/* Entities in the order of their ids, each with its records in record
 * order: the order of the history's key, so that writing appends. */
static int write_members(const struct identified *id, const struct policy *p,
			 struct store *st, struct diag *d)
{
	const struct resolver *r = id->r;
	size_t n = resolver_records(r), ne = resolver_entities(r), k = 0;
	struct member_row *m = xcalloc(n ? n : 1, sizeof(*m));
	struct entity_row *e = xcalloc(ne ? ne : 1, sizeof(*e));
	struct numbered *order = xcalloc(ne ? ne : 1, sizeof(*order));
	int rc = ST_ERR_NOMEM;

	if (m && e && order) {
		for (size_t x = 0; x < ne; x++)
			order[x] = (struct numbered){ id->num[x], x };
		qsort(order, ne, sizeof(*order), by_num);
		for (size_t x = 0; x < ne; x++) {
			size_t en = order[x].entity;

			e[x] = (struct entity_row){ id->ids[en],
				(int64_t)id->entity_records[en],
				(int64_t)id->entity_sources[en] };
			for (size_t j = id->start[en]; j < id->start[en + 1]; j++) {
				size_t i = id->by[j];

				m[k++] = (struct member_row){ (int64_t)i,
					p->sources[resolver_source(r, i)].id,
					resolver_key(r, i), id->ids[en] };
			}
		}
		rc = store_add_entities(st, e, ne, d);
		if (!rc)
			rc = store_add_members(st, m, n, d);
	}
	xfree(m);
	xfree(e);
	xfree(order);
	return rc;
}

/* The comparisons that said something, as JSON:
 * [["given_name","exact",8.3353],["email","else",-4.9864]]; the others
 * (a value missing) weigh nothing. */
static void evidence_json(const struct resolver *r, const struct link *l,
			  struct buf *out)
{
	const struct model *m = resolver_model(r);
	int levels[64];
	double w[64];
	char label[32];
	bool first = true;

	buf_reset(out);
	if (m->n > 64)
		return;
	(void)resolver_score(r, l->a, l->b, levels, w);
	buf_addch(out, '[');
	for (size_t i = 0; i < m->n; i++) {
		if (levels[i] < 0)
			continue;
		model_level_label(&m->cmp[i], (size_t)levels[i], label, sizeof(label));
		buf_addstr(out, first ? "[" : ",[");
		json_cstring(out, m->cmp[i].c->attribute_id);
		buf_addch(out, ',');
		json_cstring(out, label);
		buf_addf(out, ",%.4f]", w[i]);
		first = false;
	}
	buf_addch(out, ']');
}

struct link_writer {
	const struct identified *id;
	const struct policy *p;
	const struct link *links;
	size_t *kept;		/* the links written: see write_links() */
	struct buf ev;
};

/* Link i as a row, its evidence made in the writer's one buffer. */
static int link_row_of(void *arg, size_t i, struct link_row *out)
{
	struct link_writer *w = arg;
	const struct resolver *r = w->id->r;
	const struct link *l = &w->links[w->kept[i]];
	bool model = l->rule < 0;

	if (model) {
		evidence_json(r, l, &w->ev);
		if (buf_error(&w->ev))
			return ST_ERR_NOMEM;
	}
	*out = (struct link_row){ (int64_t)i,
		w->p->sources[resolver_source(r, l->a)].id, resolver_key(r, l->a),
		w->p->sources[resolver_source(r, l->b)].id, resolver_key(r, l->b),
		l->linked ? "linked" : l->ambiguous ? "ambiguous" :
		l->conflict >= 0 ? "conflict" :
		l->probability >= w->p->identity.link && !l->thin ? "refused" :
		"review",
		l->probability,
		model ? NULL : w->p->identity.rules[l->rule].id,
		model ? w->ev.data : NULL,
		l->conflict >= 0 ?
		w->p->identity.comparisons[l->conflict].attribute_id : NULL };
	return 0;
}

/*
 * The links that made each entity (one fewer than its records: a rule's or
 * the model's, strongest first), every pair kept for review (but those
 * other links made one person), every link the chain guard refused, and
 * every rule's pair, link and pair for review an exclusive value refused
 * (status "conflict", with the attribute), and every link not taken
 * because it would guess between two people ("ambiguous").  A link
 * between two records that other links had already joined adds nothing to
 * why they are one person and is counted (metric `links`) but not
 * written: on millions of people that is half the links and half the
 * history.
 */
static int write_links(const struct identified *id, const struct policy *p,
		       struct store *st, struct diag *d)
{
	struct link_writer w = { id, p, NULL, NULL, BUF_INIT };
	size_t n = resolver_links(id->r, &w.links), k = 0;
	int rc;

	if (!(w.kept = xcalloc(n ? n : 1, sizeof(*w.kept))))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if ((!w.links[i].linked && !w.links[i].settled) || w.links[i].joined)
			w.kept[k++] = i;
	rc = store_add_links_from(st, k, link_row_of, &w, d);
	xfree(w.kept);
	buf_release(&w.ev);
	return rc;
}

static int metric(const struct findings_sink *sink, const char *name, double v)
{
	return sink->metric(sink->arg, "identity", "", DIM_UNIQUENESS, name, v);
}

static bool has_exclusive(const struct policy *p)
{
	for (size_t i = 0; i < p->identity.n_comparisons; i++)
		if (p->identity.comparisons[i].exclusive ||
		    p->identity.comparisons[i].relatives_apart)
			return true;
	return false;
}

static int write_metrics(const struct identified *id, const struct policy *p,
			 const struct findings_sink *sink)
{
	const struct resolver_stats *s = resolver_stats(id->r);
	const struct model *m = resolver_model(id->r);

	return metric(sink, "records", (double)s->records) ||
	       metric(sink, "entities", (double)s->entities) ||
	       metric(sink, "rule_pairs", (double)s->rule_pairs) ||
	       metric(sink, "candidate_pairs", (double)s->candidates) ||
	       metric(sink, "links", (double)s->links) ||
	       metric(sink, "reviews", (double)s->reviews) ||
	       metric(sink, "refused_merges", (double)s->refused_merges) ||
	       (has_exclusive(p) &&
		(metric(sink, "exclusive_conflicts", (double)s->conflicts) ||
		 metric(sink, "ambiguous_links", (double)s->ambiguous))) ||
	       metric(sink, "oversized_blocks", (double)s->oversized_blocks) ||
	       (identity_has_unmatched_keys(&p->identity) &&
		(metric(sink, "unmatched_records", (double)s->unmatched) ||
		 metric(sink, "unmatched_pairs", (double)s->unmatched_pairs))) ||
	       metric(sink, "placeholders", (double)s->placeholders) ||
	       metric(sink, "no_evidence", (double)s->no_evidence) ||
	       metric(sink, "match_share", m->lambda) ||
	       metric(sink, "prior", m->prior) ||
	       metric(sink, "em_iterations", (double)m->iterations) ||
	       metric(sink, "ids_carried", (double)id->carried);
}

static void sample_add(struct samples *s, const char *key, uint64_t number)
{
	s->count++;
	if (s->n < PROFILE_SAMPLES) {
		snprintf(s->keys[s->n], PROFILE_KEY_MAX, "%s", key);
		s->numbers[s->n++] = number;
	}
}

/* Does source s keep one record per person (the CRM, or the system of
 * record of an attribute)?  The others record events (tickets, sign-ups),
 * where a second record of one person is no duplicate. */
static bool keeps_profiles(const struct policy *p, size_t s)
{
	if (p->sources[s].role == ROLE_CRM)
		return true;
	for (size_t a = 0; a < p->n_attributes; a++)
		if (p->attributes[a].sor == &p->sources[s])
			return true;
	return false;
}

/* Records of source s that share their entity with an earlier record of
 * s: duplicates within the source. */
static int duplicates_finding(const struct identified *id, const struct policy *p,
			      size_t s, const struct findings_sink *sink)
{
	const struct resolver *r = id->r;
	struct finding f = { p->sources[s].id, NULL, DIM_UNIQUENESS, SEV_MEDIUM,
			     "identity.duplicates", 0, "", NULL, NULL };
	struct samples dup;
	uint64_t people = 0, records = 0;

	memset(&dup, 0, sizeof(dup));
	for (size_t e = 0; e < resolver_entities(r); e++) {
		size_t seen = 0;

		for (size_t k = id->start[e]; k < id->start[e + 1]; k++) {
			size_t i = id->by[k];

			if (resolver_source(r, i) != s)
				continue;
			if (seen++)
				sample_add(&dup, resolver_key(r, i), i);
		}
		people += seen > 1;
		records += seen;
	}
	/* the inputs of the source's uniqueness score (docs/scoring.md) */
	if (sink->metric(sink->arg, p->sources[s].id, "", DIM_UNIQUENESS,
			 "resolved_records", (double)records) ||
	    sink->metric(sink->arg, p->sources[s].id, "", DIM_UNIQUENESS,
			 "duplicate_records", (double)dup.count))
		return ST_ERR;
	if (!dup.count)
		return 0;
	f.count = dup.count;
	f.samples = &dup;
	snprintf(f.message, sizeof(f.message), "%llu record%s of '%s' duplicate%s "
		 "another record of the same person in '%s' (%llu %s with more "
		 "than one record); merge them",
		 (unsigned long long)dup.count, dup.count == 1 ? "" : "s",
		 p->sources[s].id, dup.count == 1 ? "s" : "", p->sources[s].id,
		 (unsigned long long)people, people == 1 ? "person" : "people");
	return sink->finding(sink->arg, &f);
}

/* People with records in source s but none in the CRM, and CRM records
 * that match nothing elsewhere. */
static int coverage_findings(const struct identified *id, const struct policy *p,
			     size_t crm, const bool *read,
			     const struct findings_sink *sink)
{
	const struct resolver *r = id->r;

	for (size_t s = 0; s < p->n_sources; s++) {
		struct finding f = { p->sources[crm].id, NULL, DIM_COMPLETENESS,
				     SEV_HIGH, "identity.missing-from-crm", 0, "",
				     NULL, NULL };
		struct samples miss;
		bool alone = s == crm;

		if (!read[s])
			continue;
		memset(&miss, 0, sizeof(miss));
		for (size_t e = 0; e < resolver_entities(r); e++) {
			bool in_s = false, in_crm = false, elsewhere = false;
			size_t first = SIZE_MAX;

			for (size_t k = id->start[e]; k < id->start[e + 1]; k++) {
				size_t src = resolver_source(r, id->by[k]);

				if (src == s && first == SIZE_MAX)
					first = id->by[k];
				in_s |= src == s;
				in_crm |= src == crm;
				elsewhere |= src != crm;
			}
			if (alone ? in_crm && !elsewhere : in_s && !in_crm)
				sample_add(&miss, resolver_key(r, first), first);
		}
		if (!miss.count)
			continue;
		f.count = miss.count;
		f.samples = &miss;
		if (alone) {
			f.dim = DIM_INTEGRITY;
			f.sev = SEV_LOW;
			f.rule = "identity.crm-unmatched";
			snprintf(f.message, sizeof(f.message), "%llu %s in '%s' match%s "
				 "no record in any other source", (unsigned long long)miss.count,
				 miss.count == 1 ? "person" : "people", p->sources[s].id,
				 miss.count == 1 ? "es" : "");
		} else
			snprintf(f.message, sizeof(f.message), "%llu %s in '%s' %s no "
				 "record in the CRM ('%s'); samples are '%s' keys",
				 (unsigned long long)miss.count,
				 miss.count == 1 ? "person" : "people", p->sources[s].id,
				 miss.count == 1 ? "has" : "have", p->sources[crm].id,
				 p->sources[s].id);
		if (sink->finding(sink->arg, &f))
			return ST_ERR;
	}
	return 0;
}

static int process_findings(const struct identified *id, const struct policy *p,
			    const struct findings_sink *sink)
{
	const struct resolver *r = id->r;
	const struct resolver_stats *st = resolver_stats(r);

	for (size_t k = 0; k < st->placeholders; k++) {
		struct finding f = { "identity", NULL, DIM_VALIDITY, SEV_MEDIUM,
				     "identity.placeholder", 0, "", NULL, NULL };
		const char *attr, *value;
		uint64_t count;
		bool role = resolver_placeholder(r, k, &attr, &value, &count);

		f.target = attr;
		f.count = count;
		if (role) {
			f.sev = SEV_LOW;
			f.rule = "identity.role-address";
			snprintf(f.message, sizeof(f.message), "%s '%.80s', held by "
				 "%llu record%s, is a role address: it reaches a team, "
				 "not one person, so it is set aside from matching "
				 "(the policy's <mailbox ignores=\"roles\">); record "
				 "the person's own address where there is one", attr,
				 value, (unsigned long long)count, count == 1 ? "" : "s");
		} else
			snprintf(f.message, sizeof(f.message), "%s '%.80s' is held "
				 "by %llu records, more than one person can have (at "
				 "most %zu): a placeholder, set aside from matching; "
				 "replace it with the real value or leave it empty",
				 attr, value, (unsigned long long)count,
				 resolver_max_block(r));
		if (sink->finding(sink->arg, &f))
			return ST_ERR;
	}
	for (size_t b = 0; b < p->identity.n_blocks; b++) {
		struct finding f = { "identity", NULL, DIM_UNIQUENESS, SEV_LOW,
				     "identity.oversized-block", 0, "", NULL, NULL };
		const struct block_key *k = &p->identity.blocks[b];
		uint64_t groups, records;

		resolver_oversized(r, b, &groups, &records);
		if (!groups)
			continue;
		f.count = records;
		if (k->unmatched)
			snprintf(f.message, sizeof(f.message), "blocking key '%s' "
				 "for the unmatched: %llu group%s of more than %zu "
				 "records (%llu records) held a record the other "
				 "keys left unmatched and were not compared; those "
				 "records stay unmatched; add a term to the key to "
				 "split them", k->text, (unsigned long long)groups,
				 groups == 1 ? "" : "s", resolver_block_max(r, b),
				 (unsigned long long)records);
		else
			snprintf(f.message, sizeof(f.message), "blocking key '%s': "
				 "%llu group%s of more than %zu records (%llu "
				 "records) were not compared pair by pair; their "
				 "duplicates are found only through the other keys; "
				 "add a term to the key to split them", k->text,
				 (unsigned long long)groups, groups == 1 ? "" : "s",
				 resolver_block_max(r, b), (unsigned long long)records);
		if (sink->finding(sink->arg, &f))
			return ST_ERR;
	}
	return 0;
}

int identify_write(const struct identified *id, const struct policy *p,
		   const bool *read, struct store *st,
		   const struct findings_sink *sink, struct diag *d)
{
	const struct source *crm = policy_crm(p);
	int rc;

	if ((rc = write_members(id, p, st, d)) || (rc = write_links(id, p, st, d)) ||
	    (rc = write_model(id, st, d)))
		return rc;
	if (write_metrics(id, p, sink) || process_findings(id, p, sink))
		return ST_ERR;
	for (size_t s = 0; s < p->n_sources; s++)
		if (read[s] && keeps_profiles(p, s) &&
		    duplicates_finding(id, p, s, sink))
			return ST_ERR;
	if (crm && read[crm - p->sources] &&
	    coverage_findings(id, p, (size_t)(crm - p->sources), read, sink))
		return ST_ERR;
	return 0;
}
