/*
 * reader_sqlite.c - read a SQLite table or SELECT as a stream of records.
 *
 * The database is opened read-only (never created, never written); a table
 * is read with SELECT * and a query must be one read-only statement.
 * Typed values become text the same way every time: integers in decimal,
 * reals in the shortest form that reads back to the same double, text as
 * stored, NULL as an absent value, and BLOBs as x'hex' (counted as a
 * problem, since customer attributes should not be binary).
 */
#include "source/reader_int.h"

#include <errno.h>
#include <sqlite3.h>
#include <unistd.h>

#include "util/utf8.h"

struct sqlite_impl {
	sqlite3 *db;
	sqlite3_stmt *stmt;
	size_t *field_col;	/* per declared field: result column or SIZE_MAX */
	uint64_t row;
	struct buf text;	/* converted values of the current row */
	size_t *offsets;	/* per result column: offset into text */
	int ncol;
};

static int sqlite_fail(struct reader *r, struct diag *d, const char *what)
{
	struct sqlite_impl *im = r->impl;
	struct diag_pos pos = { r->src->resolved_path, 0, 0 };

	return diag_set(d, pos, "source '%s': %s: %s", r->src->id, what,
			im && im->db ? sqlite3_errmsg(im->db) : "cannot open");
}

/* Shortest %.Ng that reads back as the same double. */
static void add_real(struct buf *out, double v)
{
	char tmp[40];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	buf_addstr(out, tmp);
}

static void add_value(struct reader *r, struct sqlite_impl *im, int col)
{
	const char *name = sqlite3_column_name(im->stmt, col);
	sqlite3_stmt *st = im->stmt;
	const unsigned char *blob;
	int n;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		buf_addf(&im->text, "%lld", (long long)sqlite3_column_int64(st, col));
		break;
	case SQLITE_FLOAT:
		add_real(&im->text, sqlite3_column_double(st, col));
		break;
	case SQLITE_TEXT:
		n = sqlite3_column_bytes(st, col);
		if ((size_t)n > LIMIT_FIELD_BYTES) {
			reader_problem(r, RP_FIELD_TOO_LONG, im->row, (uint64_t)col + 1,
				       "row %llu, column '%s' holds %d bytes; the limit "
				       "is %u, so it is read as empty",
				       (unsigned long long)im->row,
				       name, n, LIMIT_FIELD_BYTES);
			break;
		}
		buf_add(&im->text, sqlite3_column_text(st, col), (size_t)n);
		if (!utf8_valid((const char *)sqlite3_column_text(st, col), (size_t)n))
			reader_problem(r, RP_INVALID_UTF8, im->row, (uint64_t)col + 1,
				       "row %llu, column '%s' is not valid UTF-8",
				       (unsigned long long)im->row, name);
		break;
	case SQLITE_BLOB:
		blob = sqlite3_column_blob(st, col);
		n = sqlite3_column_bytes(st, col);
		buf_addstr(&im->text, "x'");
		for (int i = 0; i < n; i++)
			buf_addf(&im->text, "%02x", blob[i]);
		buf_addch(&im->text, '\'');
		reader_problem(r, RP_BLOB, im->row, (uint64_t)col + 1,
			       "row %llu, column '%s' holds %d bytes of binary data",
			       (unsigned long long)im->row, name, n);
		break;
	default:
		break;
	}
}

static int sqlite_next(struct reader *r, struct diag *d)
{
	struct sqlite_impl *im = r->impl;
	const struct source *s = r->src;
	int rc = sqlite3_step(im->stmt);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sqlite_fail(r, d, "reading failed");
	im->row++;
	r->line = im->row;
	buf_reset(&im->text);
	for (int c = 0; c < im->ncol; c++) {
		im->offsets[c] = SIZE_MAX;
		if (sqlite3_column_type(im->stmt, c) == SQLITE_NULL)
			continue;
		im->offsets[c] = im->text.len;
		add_value(r, im, c);
		buf_addch(&im->text, '\0');
	}
	if (buf_error(&im->text) == ST_ERR_NOMEM)
		return ST_ERR_NOMEM;
	if (buf_error(&im->text)) {
		reader_problem(r, RP_RECORD_TOO_LONG, im->row, 0, "row %llu is "
			       "longer than %u bytes, so it is read as empty",
			       (unsigned long long)im->row, LIMIT_RECORD_BYTES);
		buf_reset(&im->text);
		return 1;
	}
	/* pointers only after the buffer stopped moving */
	if (reader_row_reserve(r, (size_t)im->ncol))
		return ST_ERR_NOMEM;
	for (int c = 0; c < im->ncol; c++) {
		r->row[c] = im->offsets[c] == SIZE_MAX ? NULL :
			    im->text.data + im->offsets[c];
		r->row_len[c] = r->row[c] ? strlen(r->row[c]) : 0;
	}
	r->n_row = (size_t)im->ncol;
	for (size_t f = 0; f < s->n_fields; f++) {
		if (im->field_col[f] == SIZE_MAX)
			continue;
		r->raw[f] = r->row[im->field_col[f]];
		r->raw_len[f] = r->row_len[im->field_col[f]];
	}
	return 1;
}

static void sqlite_close(struct reader *r)
{
	struct sqlite_impl *im = r->impl;

	if (!im)
		return;
	sqlite3_finalize(im->stmt);
	sqlite3_close(im->db);
	xfree(im->field_col);
	xfree(im->offsets);
	buf_release(&im->text);
	xfree(im);
	r->impl = NULL;
}

static int prepare(struct reader *r, struct sqlite_impl *im, struct diag *d)
{
	const struct source *s = r->src;
	struct diag_pos pos = { s->resolved_path, 0, 0 };
	struct buf sql = BUF_INIT;
	const char *tail = NULL;
	int rc;

	if (s->table) {
		buf_addstr(&sql, "SELECT * FROM \"");
		for (const char *p = s->table; *p; p++) {
			if (*p == '"')
				buf_addch(&sql, '"');
			buf_addch(&sql, *p);
		}
		buf_addch(&sql, '"');
	} else {
		buf_addstr(&sql, s->query);
	}
	rc = sqlite3_prepare_v2(im->db, sql.data, (int)sql.len + 1, &im->stmt, &tail);
	if (rc != SQLITE_OK) {
		buf_release(&sql);
		return sqlite_fail(r, d, s->table ? "cannot read the table" :
				   "the query does not prepare");
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' ||
			*tail == '\r' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		rc = diag_set(d, pos, "source '%s': the query must be a single "
			      "statement; found more after it: '%.40s'", s->id, tail);
		buf_release(&sql);
		return rc;
	}
	buf_release(&sql);
	if (!sqlite3_stmt_readonly(im->stmt))
		return diag_set(d, pos, "source '%s': the query must only read "
				"(a SELECT); steward never writes to a source", s->id);
	return 0;
}

static int map_columns(struct reader *r, struct sqlite_impl *im)
{
	const struct source *s = r->src;
	int ncol = sqlite3_column_count(im->stmt);

	im->ncol = ncol;
	im->offsets = xcalloc(ncol ? (size_t)ncol : 1, sizeof(*im->offsets));
	if (!im->offsets)
		return ST_ERR_NOMEM;
	for (int c = 0; c < ncol; c++) {
		const char *name = sqlite3_column_name(im->stmt, c);

		if (!name)
			return ST_ERR_NOMEM;
		if (reader_add_column(r, name, strlen(name)))
			return ST_ERR_NOMEM;
	}
	for (size_t f = 0; f < s->n_fields; f++) {
		im->field_col[f] = SIZE_MAX;
		for (int c = 0; c < ncol; c++)
			if (!strcmp(sqlite3_column_name(im->stmt, c), s->fields[f].name))
				im->field_col[f] = (size_t)c;
	}
	return 0;
}

static const struct reader_ops sqlite_ops = {
	sqlite_next, sqlite_close, NULL
};

int reader_sqlite_open(struct reader *r, struct diag *d)
{
	const struct source *s = r->src;
	struct diag_pos pos = { s->resolved_path, 0, 0 };
	struct sqlite_impl *im = xcalloc(1, sizeof(*im));
	size_t nf = s->n_fields ? s->n_fields : 1;
	int rc;

	if (!im)
		return ST_ERR_NOMEM;
	r->impl = im;
	r->ops = &sqlite_ops;
	buf_init(&im->text, LIMIT_RECORD_BYTES);
	im->field_col = xcalloc(nf, sizeof(*im->field_col));
	if (!im->field_col)
		return ST_ERR_NOMEM;
	if (access(s->resolved_path, R_OK) != 0)
		return diag_set(d, pos, "source '%s': cannot open the database: %s",
				s->id, strerror(errno));
	/* one thread reads a source: no mutex around every step and column
	 * (15% of reading the benchmark's billing table) */
	rc = sqlite3_open_v2(s->resolved_path, &im->db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return sqlite_fail(r, d, "cannot open the database");
	sqlite3_busy_timeout(im->db, 5000);
	if (prepare(r, im, d))
		return ST_ERR;
	return map_columns(r, im);
}
