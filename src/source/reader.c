/*
 * reader.c - the generic half of every reader: records, mappings,
 * transforms and problem counting.  See reader.h.
 */
#include "source/reader_int.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>

#include "util/utf8.h"

static const char *problem_names[RP_COUNT] = {
	[RP_RAGGED] = "ragged row",
	[RP_INVALID_UTF8] = "invalid UTF-8",
	[RP_UNTERMINATED_QUOTE] = "unterminated quote",
	[RP_BARE_QUOTE] = "quote inside an unquoted field",
	[RP_TEXT_AFTER_QUOTE] = "text after a closing quote",
	[RP_NUL_BYTE] = "NUL byte",
	[RP_FIELD_TOO_LONG] = "field too long",
	[RP_RECORD_TOO_LONG] = "record too long",
	[RP_TOO_MANY_COLUMNS] = "too many columns",
	[RP_MISSING_KEY] = "missing key",
	[RP_REPEATED_ELEMENT] = "repeated element",
	[RP_BLOB] = "binary value",
};

const char *reader_problem_name(enum reader_problem_kind k)
{
	return k < RP_COUNT ? problem_names[k] : "?";
}

void reader_problem(struct reader *r, enum reader_problem_kind kind,
		    uint64_t line, uint64_t col, const char *fmt, ...)
{
	struct reader_problem *p;
	va_list ap;

	r->stats.problems[kind]++;
	if (r->stats.n_kept == LIMIT_READER_PROBLEMS)
		return;
	p = &r->stats.kept[r->stats.n_kept++];
	p->kind = kind;
	p->line = line;
	p->col = col;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
}

int reader_add_column(struct reader *r, const char *name, size_t len)
{
	char *copy;

	if (r->n_columns >= LIMIT_COLUMNS)
		return 0;
	copy = xstrndup(name, len);
	if (!copy || xgrow(&r->columns, &r->cap_columns, r->n_columns + 1,
			   sizeof(*r->columns))) {
		xfree(copy);
		return ST_ERR_NOMEM;
	}
	r->columns[r->n_columns++] = copy;
	return 0;
}

bool reader_has_column(const struct reader *r, const char *name)
{
	for (size_t i = 0; i < r->n_columns; i++)
		if (!strcmp(r->columns[i], name))
			return true;
	return false;
}

int mapper_init(struct mapper *m, const struct source *s)
{
	size_t nm = s->n_mappings ? s->n_mappings : 1;

	memset(m, 0, sizeof(*m));
	m->src = s;
	arena_init(&m->scratch, 8192);
	buf_init(&m->v, LIMIT_FIELD_BYTES * 2);
	buf_init(&m->tmp, LIMIT_FIELD_BYTES * 2);
	m->value = xcalloc(nm, sizeof(*m->value));
	m->value_len = xcalloc(nm, sizeof(*m->value_len));
	m->why = xcalloc(nm, sizeof(*m->why));
	if (!m->value || !m->value_len || !m->why) {
		mapper_release(m);
		return ST_ERR_NOMEM;
	}
	return 0;
}

void mapper_release(struct mapper *m)
{
	xfree(m->value);
	xfree(m->value_len);
	xfree(m->why);
	buf_release(&m->v);
	buf_release(&m->tmp);
	arena_release(&m->scratch);
	memset(m, 0, sizeof(*m));
}

/* Append the len bytes at s, of which MAPPER_PAD are readable, to b: a
 * fixed-width copy, then the length cut back. */
static void add_padded(struct buf *b, const char *s, size_t len)
{
	char *p = buf_addspace(b, MAPPER_PAD);

	if (p) {
		memcpy(p, s, MAPPER_PAD);
		buf_truncate(b, b->len - MAPPER_PAD + len);
	}
}

/* Join the mapping's fields with single spaces into m->v, as valid UTF-8. */
static bool gather(struct mapper *m, const struct mapping *map,
		   const struct record *rec)
{
	bool any = false;

	buf_reset(&m->v);
	for (size_t i = 0; i < map->n_fields; i++) {
		size_t f = map->fields[i];

		if (!rec->raw[f] || !rec->raw_len[f])
			continue;
		if (any)
			buf_addch(&m->v, ' ');
		if (m->padded && rec->raw_len[f] <= MAPPER_PAD &&
		    utf8_ascii_padded(rec->raw[f], rec->raw_len[f]))
			add_padded(&m->v, rec->raw[f], rec->raw_len[f]);
		else
			utf8_sanitize(rec->raw[f], rec->raw_len[f], &m->v);
		any = true;
	}
	return any;
}

static void map_one(struct mapper *m, size_t i, const struct record *rec,
		    const struct transform_ctx *ctx)
{
	const struct mapping *map = &m->src->mappings[i];
	const char *why = NULL;

	m->value[i] = NULL;
	m->value_len[i] = 0;
	m->why[i] = NULL;
	if (!gather(m, map, rec))
		return;
	if (transform_apply(&map->chain, ctx, &m->v, &m->tmp, &why) != TXS_OK) {
		m->why[i] = why;
		m->transform_failures++;
	}
	if (!m->v.len)
		return;
	m->value[i] = arena_strndup(&m->scratch, m->v.data, m->v.len);
	m->value_len[i] = m->value[i] ? m->v.len : 0;
}

void mapper_reset(struct mapper *m)
{
	arena_reset(&m->scratch);
}

int mapper_map(struct mapper *m, struct record *rec)
{
	mapper_reset(m);
	return mapper_map_keep(m, rec);
}

int mapper_map_keep(struct mapper *m, struct record *rec)
{
	const struct source *s = m->src;
	struct transform_ctx ctx = { rec->raw, rec->raw_len, s->n_fields };

	for (size_t i = 0; i < s->n_mappings; i++)
		map_one(m, i, rec, &ctx);
	rec->value = m->value;
	rec->value_len = m->value_len;
	rec->why = m->why;
	return m->scratch.err ? ST_ERR_NOMEM : 0;
}

static int reader_alloc(struct reader *r)
{
	const struct source *s = r->src;
	size_t nf = s->n_fields ? s->n_fields : 1;

	r->raw = xcalloc(nf, sizeof(*r->raw));
	r->raw_len = xcalloc(nf, sizeof(*r->raw_len));
	if (!r->raw || !r->raw_len)
		return ST_ERR_NOMEM;
	r->rec.raw = r->raw;
	r->rec.raw_len = r->raw_len;
	return mapper_init(&r->mapper, s);
}

int reader_open(const struct source *s, struct reader **out, struct diag *d)
{
	struct reader *r = xcalloc(1, sizeof(*r));
	struct stat st;
	int rc;

	*out = NULL;
	if (!r)
		return ST_ERR_NOMEM;
	r->src = s;
	rc = reader_alloc(r);
	if (!rc && stat(s->resolved_path, &st) == 0)
		r->bytes_total = (uint64_t)st.st_size;
	if (!rc) {
		switch (s->kind) {
		case SOURCE_CSV: rc = reader_csv_open(r, d); break;
		case SOURCE_SQLITE: rc = reader_sqlite_open(r, d); break;
		case SOURCE_XML: rc = reader_xml_open(r, d); break;
		}
	}
	if (rc) {
		reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

bool reader_hash_bytes(struct reader *r, struct reader_hash *h)
{
	if (r->src->kind != SOURCE_XML)
		return false;
	h->done = false;
	h->cpu_seconds = 0;
	sha256_init(&h->sha);
	r->hash = h;
	reader_xml_hash_start(r);
	return true;
}

void reader_hash_add(struct reader_hash *h, const void *p, size_t n)
{
	struct timespec t0, t1;

	if (!h || !n)
		return;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	sha256_update(&h->sha, p, n);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	h->cpu_seconds += (double)(t1.tv_sec - t0.tv_sec) +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

bool reader_ranges(const struct reader *r, uint64_t *start, uint64_t *end)
{
	return r->src->kind == SOURCE_CSV && reader_csv_ranges(r, start, end);
}

int reader_cut(const struct reader *r, uint64_t start, uint64_t end,
	       uint64_t every, void (*cut)(void *arg, uint64_t off), void *arg,
	       struct reader_hash *hash, struct diag *d)
{
	return reader_csv_cut(r, start, end, every, cut, arg, hash, d);
}

int reader_open_range(const struct reader *parent, uint64_t start,
		      uint64_t end, uint64_t number_base, struct reader **out)
{
	struct reader *r = xcalloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return ST_ERR_NOMEM;
	r->src = parent->src;
	r->number_base = number_base;
	r->bytes_total = end - start;
	rc = reader_alloc(r);
	if (!rc)
		rc = reader_csv_open_range(parent, r, start, end);
	if (rc) {
		reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

bool reader_range_clean(const struct reader *r)
{
	return reader_csv_range_clean(r);
}

uint64_t reader_lines(const struct reader *r)
{
	return r->src->kind == SOURCE_CSV ? reader_csv_lines(r) : 0;
}

int reader_next_raw(struct reader *r, const struct record **rec,
		    struct diag *d)
{
	const struct source *s = r->src;
	size_t k = s->key_index;
	int rc;

	r->n_row = 0;
	for (size_t i = 0; i < s->n_fields; i++) {
		r->raw[i] = NULL;
		r->raw_len[i] = 0;
	}
	r->rec.value = NULL;
	r->rec.value_len = NULL;
	r->rec.why = NULL;
	rc = r->ops->next(r, d);
	if (rc != 1)
		return rc;
	r->stats.records++;
	r->rec.number = r->number_base + r->stats.records;
	r->rec.line = r->line;
	r->rec.key = (k != SIZE_MAX && r->raw[k]) ? r->raw[k] : "";
	if (!r->rec.key[0])
		reader_problem(r, RP_MISSING_KEY, r->line, 0,
			       "no value in key field '%s'", s->key_field);
	*rec = &r->rec;
	return 1;
}

int reader_next(struct reader *r, const struct record **rec, struct diag *d)
{
	int rc = reader_next_raw(r, rec, d);

	if (rc != 1)
		return rc;
	if (mapper_map(&r->mapper, &r->rec))
		return ST_ERR_NOMEM;
	r->stats.transform_failures = r->mapper.transform_failures;
	return 1;
}

int reader_row_reserve(struct reader *r, size_t n)
{
	size_t cap = r->cap_row;

	if (n <= r->cap_row)
		return 0;
	if (xgrow(&r->row, &cap, n, sizeof(*r->row)))
		return ST_ERR_NOMEM;
	cap = r->cap_row;
	if (xgrow(&r->row_len, &cap, n, sizeof(*r->row_len)))
		return ST_ERR_NOMEM;
	r->cap_row = cap;
	return 0;
}

size_t reader_row(const struct reader *r, const char *const **vals,
		  const size_t **lens)
{
	*vals = (const char *const *)r->row;
	*lens = r->row_len;
	return r->n_row;
}

const struct reader_stats *reader_stats(const struct reader *r)
{
	return &r->stats;
}

size_t reader_columns(const struct reader *r, const char *const **names)
{
	*names = (const char *const *)r->columns;
	return r->n_columns;
}

uint64_t reader_bytes_done(const struct reader *r)
{
	return r->ops && r->ops->bytes_done ? r->ops->bytes_done(r) : 0;
}

uint64_t reader_bytes_total(const struct reader *r)
{
	return r->bytes_total;
}

void reader_free(struct reader *r)
{
	if (!r)
		return;
	if (r->ops && r->ops->close)
		r->ops->close(r);
	for (size_t i = 0; i < r->n_columns; i++)
		xfree(r->columns[i]);
	xfree(r->columns);
	xfree(r->raw);
	xfree(r->raw_len);
	xfree(r->row);
	xfree(r->row_len);
	mapper_release(&r->mapper);
	xfree(r);
}
