/*
 * reader.c - the generic half of every reader: records, mappings,
 * transforms and problem counting.  See reader.h.
 */
#include "source/reader_int.h"

#include <stdarg.h>
#include <sys/stat.h>

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

static int reader_alloc(struct reader *r)
{
	const struct source *s = r->src;
	size_t nf = s->n_fields ? s->n_fields : 1;
	size_t nm = s->n_mappings ? s->n_mappings : 1;

	r->raw = xcalloc(nf, sizeof(*r->raw));
	r->raw_len = xcalloc(nf, sizeof(*r->raw_len));
	r->rec.value = xcalloc(nm, sizeof(*r->rec.value));
	r->rec.value_len = xcalloc(nm, sizeof(*r->rec.value_len));
	r->rec.why = xcalloc(nm, sizeof(*r->rec.why));
	if (!r->raw || !r->raw_len || !r->rec.value || !r->rec.value_len ||
	    !r->rec.why)
		return ST_ERR_NOMEM;
	r->rec.raw = r->raw;
	r->rec.raw_len = r->raw_len;
	return 0;
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
	arena_init(&r->scratch, 8192);
	buf_init(&r->v, LIMIT_FIELD_BYTES * 2);
	buf_init(&r->tmp, LIMIT_FIELD_BYTES * 2);
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

/* Join the mapping's fields with single spaces into r->v, as valid UTF-8. */
static bool gather(struct reader *r, const struct mapping *m)
{
	bool any = false;

	buf_reset(&r->v);
	for (size_t i = 0; i < m->n_fields; i++) {
		size_t f = m->fields[i];

		if (!r->raw[f] || !r->raw_len[f])
			continue;
		if (any)
			buf_addch(&r->v, ' ');
		utf8_sanitize(r->raw[f], r->raw_len[f], &r->v);
		any = true;
	}
	return any;
}

static void map_one(struct reader *r, size_t i, const struct transform_ctx *ctx)
{
	const struct mapping *m = &r->src->mappings[i];
	const char *why = NULL;

	r->rec.value[i] = NULL;
	r->rec.value_len[i] = 0;
	r->rec.why[i] = NULL;
	if (!gather(r, m))
		return;
	if (transform_apply(&m->chain, ctx, &r->v, &r->tmp, &why) != TXS_OK) {
		r->rec.why[i] = why;
		r->stats.transform_failures++;
	}
	if (!r->v.len)
		return;
	r->rec.value[i] = arena_strndup(&r->scratch, r->v.data, r->v.len);
	r->rec.value_len[i] = r->rec.value[i] ? r->v.len : 0;
}

static void map_record(struct reader *r)
{
	const struct source *s = r->src;
	struct transform_ctx ctx = { r->raw, r->raw_len, s->n_fields };
	size_t k = s->key_index;

	for (size_t i = 0; i < s->n_mappings; i++)
		map_one(r, i, &ctx);
	r->rec.key = (k != SIZE_MAX && r->raw[k]) ? r->raw[k] : "";
	if (!r->rec.key[0])
		reader_problem(r, RP_MISSING_KEY, r->line, 0,
			       "record %llu has no value in key field '%s'",
			       (unsigned long long)r->rec.number, s->key_field);
}

int reader_next(struct reader *r, const struct record **rec, struct diag *d)
{
	int rc;

	arena_reset(&r->scratch);
	r->n_row = 0;
	for (size_t i = 0; i < r->src->n_fields; i++) {
		r->raw[i] = NULL;
		r->raw_len[i] = 0;
	}
	rc = r->ops->next(r, d);
	if (rc != 1)
		return rc;
	r->stats.records++;
	r->rec.number = r->stats.records;
	r->rec.line = r->line;
	map_record(r);
	if (r->scratch.err)
		return ST_ERR_NOMEM;
	*rec = &r->rec;
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
	xfree(r->rec.value);
	xfree(r->rec.value_len);
	xfree(r->rec.why);
	buf_release(&r->v);
	buf_release(&r->tmp);
	arena_release(&r->scratch);
	xfree(r);
}
