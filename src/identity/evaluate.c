/*
 * evaluate.c - pairwise precision and recall against a truth (see
 * evaluate.h).
 *
 * Records are keyed by (source, key) in one hash table; entity names are
 * numbered in two string tables (truth, run).  finish() sorts the matched
 * records' (truth, run) number pairs and counts each cell: a cell of n
 * records holds n(n-1)/2 true found links.
 */
#include "identity/evaluate.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "source/csv.h"
#include "util/arena.h"

#define NONE UINT32_MAX

struct names {
	const char **s;
	size_t n, cap;
	uint32_t *index;	/* id + 1 */
	size_t icap;
};

struct rec {
	const char *source, *key;
	uint64_t hash;
	uint32_t truth, run;
};

struct evaluator {
	struct arena text;
	struct names truth, run;
	struct rec *recs;
	size_t n, cap;
	uint32_t *index;	/* rec + 1 */
	size_t icap;
	uint64_t truth_rows, run_rows;
};

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

int evaluator_new(struct evaluator **out)
{
	struct evaluator *e = xcalloc(1, sizeof(*e));

	*out = e;
	if (!e)
		return ST_ERR_NOMEM;
	arena_init(&e->text, 1u << 16);
	return 0;
}

void evaluator_free(struct evaluator *e)
{
	if (!e)
		return;
	arena_release(&e->text);
	xfree(e->truth.s);
	xfree(e->truth.index);
	xfree(e->run.s);
	xfree(e->run.index);
	xfree(e->recs);
	xfree(e->index);
	xfree(e);
}

/* Rebuild an index of `n` ids (id + 1 in slots) at twice the size. */
static int reindex(uint32_t **index, size_t *icap, size_t n,
		   uint64_t (*hash_of)(const void *, size_t), const void *ctx)
{
	size_t cap = *icap ? *icap * 2 : 1024;
	uint32_t *ix = xcalloc(cap, sizeof(*ix));

	if (!ix)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t j = hash_of(ctx, i) & (cap - 1);

		while (ix[j])
			j = (j + 1) & (cap - 1);
		ix[j] = (uint32_t)i + 1;
	}
	xfree(*index);
	*index = ix;
	*icap = cap;
	return 0;
}

static uint64_t name_hash(const void *ctx, size_t i)
{
	return hash_str(0xcbf29ce484222325ull, ((const struct names *)ctx)->s[i]);
}

static int64_t name_id(struct evaluator *e, struct names *t, const char *s)
{
	uint64_t h = hash_str(0xcbf29ce484222325ull, s);
	size_t j;

	if ((t->n + 1) * 2 > t->icap && reindex(&t->index, &t->icap, t->n, name_hash, t))
		return -1;
	for (j = h & (t->icap - 1); t->index[j]; j = (j + 1) & (t->icap - 1))
		if (!strcmp(t->s[t->index[j] - 1], s))
			return t->index[j] - 1;
	if (t->n == t->cap && xgrow(&t->s, &t->cap, t->n + 1, sizeof(*t->s)))
		return -1;
	if (!(t->s[t->n] = arena_strdup(&e->text, s)))
		return -1;
	t->index[j] = (uint32_t)t->n + 1;
	return (int64_t)t->n++;
}

static uint64_t rec_hash(const void *ctx, size_t i)
{
	return ((const struct evaluator *)ctx)->recs[i].hash;
}

/* The record (source, key), added when new; NULL when out of memory. */
static struct rec *record(struct evaluator *e, const char *source,
			  const char *key)
{
	uint64_t h = hash_str(hash_str(0xcbf29ce484222325ull, source), key);
	size_t j;
	struct rec *r;

	if ((e->n + 1) * 2 > e->icap && reindex(&e->index, &e->icap, e->n, rec_hash, e))
		return NULL;
	for (j = h & (e->icap - 1); e->index[j]; j = (j + 1) & (e->icap - 1)) {
		r = &e->recs[e->index[j] - 1];
		if (r->hash == h && !strcmp(r->source, source) && !strcmp(r->key, key))
			return r;
	}
	if (e->n == e->cap && xgrow(&e->recs, &e->cap, e->n + 1, sizeof(*e->recs)))
		return NULL;
	r = &e->recs[e->n];
	r->source = arena_strdup(&e->text, source);
	r->key = arena_strdup(&e->text, key);
	if (!r->source || !r->key)
		return NULL;
	r->hash = h;
	r->truth = r->run = NONE;
	e->index[j] = (uint32_t)e->n++ + 1;
	return r;
}

int evaluator_add_truth(struct evaluator *e, const char *source,
			const char *key, const char *entity)
{
	struct rec *r = record(e, source, key);
	int64_t id;

	if (!r || (id = name_id(e, &e->truth, entity)) < 0)
		return ST_ERR_NOMEM;
	if (r->truth != NONE)
		return ST_ERR;		/* given twice */
	r->truth = (uint32_t)id;
	e->truth_rows++;
	return 0;
}

int evaluator_add_run(struct evaluator *e, const char *source, const char *key,
		      const char *entity)
{
	struct rec *r = record(e, source, key);
	int64_t id;

	if (!r || (id = name_id(e, &e->run, entity)) < 0)
		return ST_ERR_NOMEM;
	e->run_rows++;
	if (r->run == NONE)	/* a key twice in a source: its first record */
		r->run = (uint32_t)id;
	return 0;
}

/* ---- the truth file ------------------------------------------------------ */

static int column_of(const struct csv_record *rec, const char *name)
{
	for (size_t i = 0; i < rec->n; i++)
		if (!strcmp(rec->fields[i].data, name))
			return (int)i;
	return -1;
}

static int read_rows(struct evaluator *e, struct csv_reader *csv,
		     const char *path, struct diag *d)
{
	struct csv_record *rec;
	int col[3] = { -1, -1, -1 }, rc;
	static const char *const names[3] = { "source", "record_key", "entity" };

	if ((rc = csv_reader_next(csv, &rec)) != 1) {
		if (rc == ST_ERR_NOMEM)
			return rc;
		if (rc < 0)
			return diag_set(d, (struct diag_pos){ path, 0, 0 }, "cannot "
					"read the truth file: %s", csv_reader_error(csv));
		return diag_set(d, (struct diag_pos){ path, 1, 0 }, "the truth file "
				"is empty; its first line names the columns "
				"source,record_key,entity");
	}
	for (int c = 0; c < 3; c++)
		if ((col[c] = column_of(rec, names[c])) < 0)
			return diag_set(d, (struct diag_pos){ path, 1, 0 }, "the "
					"truth file has no column '%s'; its first line "
					"must name source,record_key,entity", names[c]);
	while ((rc = csv_reader_next(csv, &rec)) == 1) {
		const char *v[3];

		if (rec->n == 1 && !rec->fields[0].len)
			continue;	/* a blank line */
		for (int c = 0; c < 3; c++) {
			if ((size_t)col[c] >= rec->n || !rec->fields[col[c]].len)
				return diag_set(d, (struct diag_pos){ path, rec->line, 0 },
						"no %s on this line; each line of the "
						"truth file gives source,record_key,entity",
						names[c]);
			v[c] = rec->fields[col[c]].data;
		}
		rc = evaluator_add_truth(e, v[0], v[1], v[2]);
		if (rc == ST_ERR)
			return diag_set(d, (struct diag_pos){ path, rec->line, 0 },
					"record %s:%s is given twice; a record "
					"belongs to one entity", v[0], v[1]);
		if (rc)
			return rc;
	}
	if (rc < 0 && rc != ST_ERR_NOMEM)
		return diag_set(d, (struct diag_pos){ path, 0, 0 }, "cannot read "
				"the truth file: %s", csv_reader_error(csv));
	return rc;
}

int evaluator_read_truth(struct evaluator *e, const char *path, struct diag *d)
{
	struct csv_reader *csv;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return diag_set(d, (struct diag_pos){ path, 0, 0 }, "cannot open the "
				"truth file: %s", strerror(errno));
	if ((rc = csv_reader_open_fd(&csv, fd, NULL)) != 0) {
		close(fd);
		return rc;
	}
	rc = read_rows(e, csv, path, d);
	csv_reader_free(csv);
	close(fd);
	return rc;
}

/* ---- counting ------------------------------------------------------------ */

static uint64_t pairs(uint64_t n)
{
	return n * (n - (n > 0)) / 2;
}

static int cell_cmp(const void *x, const void *y)
{
	const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

/* Sizes of each id among the matched records (ids packed in cells). */
static int sizes(const uint64_t *cells, size_t n, int shift, size_t ids,
		 uint64_t **out)
{
	*out = xcalloc(ids ? ids : 1, sizeof(**out));
	if (!*out)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		(*out)[(cells[i] >> shift) & 0xFFFFFFFFu]++;
	return 0;
}

int evaluator_finish(struct evaluator *e, struct eval_result *out)
{
	uint64_t *cells = xcalloc(e->n ? e->n : 1, sizeof(*cells));
	uint64_t *tsize = NULL, *rsize = NULL;
	size_t m = 0;

	memset(out, 0, sizeof(*out));
	if (!cells)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < e->n; i++)
		if (e->recs[i].truth != NONE && e->recs[i].run != NONE)
			cells[m++] = (uint64_t)e->recs[i].truth << 32 | e->recs[i].run;
	if (sizes(cells, m, 32, e->truth.n, &tsize) ||
	    sizes(cells, m, 0, e->run.n, &rsize)) {
		xfree(cells);
		xfree(tsize);
		return ST_ERR_NOMEM;
	}
	qsort(cells, m, sizeof(*cells), cell_cmp);
	for (size_t i = 0; i < m;) {
		size_t run = 1;
		uint32_t t = (uint32_t)(cells[i] >> 32), r = (uint32_t)cells[i];

		while (i + run < m && cells[i + run] == cells[i])
			run++;
		out->true_found += pairs(run);
		out->exact_entities += run == tsize[t] && run == rsize[r];
		i += run;
	}
	for (size_t t = 0; t < e->truth.n; t++) {
		out->true_pairs += pairs(tsize[t]);
		out->truth_entities += tsize[t] > 0;
	}
	for (size_t r = 0; r < e->run.n; r++) {
		out->found_pairs += pairs(rsize[r]);
		out->run_entities += rsize[r] > 0;
	}
	out->truth_records = e->truth_rows;
	out->run_records = e->run_rows;
	out->matched = m;
	out->precision = out->found_pairs ?
			 (double)out->true_found / (double)out->found_pairs : 1;
	out->recall = out->true_pairs ?
		      (double)out->true_found / (double)out->true_pairs : 1;
	out->f1 = out->precision + out->recall > 0 ?
		  2 * out->precision * out->recall / (out->precision + out->recall) : 0;
	xfree(cells);
	xfree(tsize);
	xfree(rsize);
	return 0;
}
