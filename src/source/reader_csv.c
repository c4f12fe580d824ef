/*
 * reader_csv.c - CSV sources: the tokenizer (csv.c) plus a header.
 *
 * The header row names the columns; each declared field is found by name
 * (exactly, or else ignoring case and surrounding spaces), or by position
 * when the source says header="false".  A declared field the file does not
 * have is simply absent from every record: profiling reports it as schema
 * drift.  Every problem the tokenizer flags becomes a counted, positioned
 * reader problem; a ragged row keeps the columns it has.
 */
#include "source/reader_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/csv.h"

struct csv_impl {
	int fd;
	bool own_fd;		/* a range reader shares its parent's */
	struct csv_options opt;
	struct csv_reader *csv;
	size_t *field_col;	/* per declared field: column or SIZE_MAX */
	size_t header_cols;	/* 0 without a header */
};

static bool name_matches(const char *a, size_t alen, const char *b, bool loose)
{
	size_t blen = strlen(b);

	if (!loose)
		return alen == blen && !memcmp(a, b, alen);
	while (alen && isspace((unsigned char)*a)) {
		a++;
		alen--;
	}
	while (alen && isspace((unsigned char)a[alen - 1]))
		alen--;
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static void map_by_header(struct reader *r, struct csv_impl *im,
			  const struct csv_record *h)
{
	const struct source *s = r->src;

	for (size_t f = 0; f < s->n_fields; f++) {
		im->field_col[f] = SIZE_MAX;
		for (int loose = 0; loose < 2 && im->field_col[f] == SIZE_MAX; loose++)
			for (size_t c = 0; c < h->n; c++)
				if (name_matches(h->fields[c].data, h->fields[c].len,
						 s->fields[f].name, loose)) {
					im->field_col[f] = c;
					break;
				}
	}
}

static void flag_problems(struct reader *r, const struct csv_record *rec)
{
	static const struct {
		unsigned flag;
		enum reader_problem_kind kind;
		const char *what;
	} map[] = {
		{ CSV_F_UNTERMINATED_QUOTE, RP_UNTERMINATED_QUOTE,
		  "a quoted field is never closed; the record runs to the end "
		  "of the file" },
		{ CSV_F_INVALID_UTF8, RP_INVALID_UTF8, "bytes that are not UTF-8" },
		{ CSV_F_FIELD_TOO_LONG, RP_FIELD_TOO_LONG,
		  "a field longer than the limit, read as empty" },
		{ CSV_F_RECORD_TOO_LONG, RP_RECORD_TOO_LONG,
		  "a record longer than the limit, read as empty" },
		{ CSV_F_TOO_MANY_COLUMNS, RP_TOO_MANY_COLUMNS,
		  "more columns than the limit; the rest are dropped" },
		{ CSV_F_BARE_QUOTE, RP_BARE_QUOTE, "a quote inside an unquoted field" },
		{ CSV_F_TEXT_AFTER_QUOTE, RP_TEXT_AFTER_QUOTE,
		  "text after a closing quote" },
		{ CSV_F_NUL_BYTE, RP_NUL_BYTE, "a NUL byte" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (!(rec->flags & map[i].flag))
			continue;
		reader_problem(r, map[i].kind, rec->bad_line, rec->bad_col + 1,
			       "%s", map[i].what);
	}
}

static int csv_fail(struct reader *r, struct diag *d, struct csv_impl *im)
{
	return diag_set(d, (struct diag_pos){ r->src->resolved_path, 0, 0 },
			"source '%s': read error: %s", r->src->id,
			csv_reader_error(im->csv));
}

static int csv_next(struct reader *r, struct diag *d)
{
	struct csv_impl *im = r->impl;
	const struct source *s = r->src;
	struct csv_record *rec;
	int rc = csv_reader_next(im->csv, &rec);

	if (rc == 0)
		return 0;
	if (rc < 0)
		return rc == ST_ERR_NOMEM ? rc : csv_fail(r, d, im);
	r->line = rec->line;
	if (rec->flags)
		flag_problems(r, rec);
	if (im->header_cols && rec->columns != im->header_cols)
		reader_problem(r, RP_RAGGED, rec->line, 0, "%zu field%s where the "
			       "header has %zu", rec->columns,
			       rec->columns == 1 ? "" : "s", im->header_cols);
	for (size_t f = 0; f < s->n_fields; f++) {
		size_t c = im->field_col[f];

		if (c >= rec->n)
			continue;
		r->raw[f] = rec->fields[c].data;
		r->raw_len[f] = rec->fields[c].len;
	}
	if (reader_row_reserve(r, rec->n))
		return ST_ERR_NOMEM;
	for (size_t c = 0; c < rec->n; c++) {
		r->row[c] = rec->fields[c].data;
		r->row_len[c] = rec->fields[c].len;
	}
	r->n_row = rec->n;
	return 1;
}

static void csv_close(struct reader *r)
{
	struct csv_impl *im = r->impl;

	if (!im)
		return;
	csv_reader_free(im->csv);
	if (im->fd >= 0 && im->own_fd)
		close(im->fd);
	xfree(im->field_col);
	xfree(im);
	r->impl = NULL;
}

static uint64_t csv_bytes(const struct reader *r)
{
	const struct csv_impl *im = r->impl;

	return csv_reader_bytes(im->csv);
}

static const struct reader_ops csv_ops = { csv_next, csv_close, csv_bytes };

static int read_header(struct reader *r, struct csv_impl *im, struct diag *d)
{
	struct diag_pos pos = { r->src->resolved_path, 1, 0 };
	struct csv_record *h;
	int rc = csv_reader_next(im->csv, &h);

	if (rc < 0)
		return rc == ST_ERR_NOMEM ? rc : csv_fail(r, d, im);
	if (rc == 0)
		return diag_set(d, pos, "source '%s': the file is empty; expected a "
				"header row naming the columns", r->src->id);
	pos.line = h->line;
	if (h->flags & (CSV_F_INVALID_UTF8 | CSV_F_UNTERMINATED_QUOTE))
		return diag_set(d, pos, "source '%s': the header row is not readable "
				"(%s); is this a CSV file with delimiter '%c'?",
				r->src->id, h->flags & CSV_F_INVALID_UTF8 ?
				"invalid UTF-8" : "unterminated quote",
				r->src->csv.delimiter);
	for (size_t c = 0; c < h->n; c++)
		if (reader_add_column(r, h->fields[c].data, h->fields[c].len))
			return ST_ERR_NOMEM;
	im->header_cols = h->columns;
	map_by_header(r, im, h);
	return 0;
}

int reader_csv_open(struct reader *r, struct diag *d)
{
	const struct source *s = r->src;
	struct csv_options opt = { 0 };
	struct csv_impl *im = xcalloc(1, sizeof(*im));
	struct diag_pos pos = { s->resolved_path, 0, 0 };

	if (!im)
		return ST_ERR_NOMEM;
	im->fd = -1;
	r->impl = im;
	r->ops = &csv_ops;
	im->field_col = xcalloc(s->n_fields ? s->n_fields : 1,
				sizeof(*im->field_col));
	if (!im->field_col)
		return ST_ERR_NOMEM;
	im->fd = open(s->resolved_path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0)
		return diag_set(d, pos, "source '%s': cannot open: %s", s->id,
				strerror(errno));
	im->own_fd = true;
	opt.delim = s->csv.delimiter;
	opt.quote = s->csv.quote ? s->csv.quote : '"';
	opt.no_quoting = s->csv.quote == 0;
	opt.skip_initial_space = s->csv.skip_initial_space;
	im->opt = opt;
	if (csv_reader_open_fd(&im->csv, im->fd, &opt))
		return diag_set(d, pos, "source '%s': cannot read it as CSV with "
				"delimiter '%c'", s->id, s->csv.delimiter);
	if (s->csv.header)
		return read_header(r, im, d);
	for (size_t f = 0; f < s->n_fields; f++)
		im->field_col[f] = s->fields[f].column ? s->fields[f].column - 1
						       : SIZE_MAX;
	return 0;
}

/* ---- reading in ranges -------------------------------------------------- */

bool reader_csv_ranges(const struct reader *r, uint64_t *start, uint64_t *end)
{
	const struct csv_impl *im = r->impl;
	struct stat st;
	char bom[3];

	if (r->src->kind != SOURCE_CSV || !im || !im->csv ||
	    fstat(im->fd, &st) || !S_ISREG(st.st_mode))
		return false;
	*end = (uint64_t)st.st_size;
	if (r->src->csv.header)
		*start = csv_reader_bytes(im->csv);	/* just past the header */
	else
		*start = pread(im->fd, bom, 3, 0) == 3 &&
			 !memcmp(bom, "\xEF\xBB\xBF", 3) ? 3 : 0;
	return *start < *end;
}

/* The next block at off into block; hashed when asked. */
static ssize_t cut_read(int fd, char *block, size_t size, uint64_t off,
			struct reader_hash *hash)
{
	ssize_t n;

	do
		n = pread(fd, block, size, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		reader_hash_add(hash, block, (size_t)n);
	return n;
}

int reader_csv_cut(const struct reader *r, uint64_t start, uint64_t end,
		   uint64_t every, void (*cut)(void *arg, uint64_t off),
		   void *arg, struct reader_hash *hash, struct diag *d)
{
	const struct csv_impl *im = r->impl;
	struct csv_splitter sp;
	uint64_t want = start + every;
	size_t size = CSV_BUFFER_SIZE;
	char *block = xmalloc(size);
	ssize_t n = 0;

	if (!block)
		return ST_ERR_NOMEM;
	if (hash) {
		hash->done = false;
		hash->cpu_seconds = 0;
		sha256_init(&hash->sha);
	}
	/* the header, for the hash */
	for (uint64_t off = 0; hash && off < start; off += (uint64_t)n) {
		n = cut_read(im->fd, block, start - off < size ?
			     (size_t)(start - off) : size, off, hash);
		if (n == 0) {	/* the file shrank */
			errno = ENODATA;
			n = -1;
		}
		if (n < 0)
			break;
	}
	csv_splitter_init(&sp, &im->opt, start);
	while (n >= 0 && sp.off < end) {
		n = cut_read(im->fd, block, end - sp.off < size ?
			     (size_t)(end - sp.off) : size, sp.off, hash);
		if (n <= 0)
			break;
		for (size_t i = 0; i < (size_t)n;) {
			bool found;

			i += csv_splitter_feed(&sp, block + i, (size_t)n - i,
					       want, &found);
			if (!found)
				continue;
			cut(arg, sp.off);
			want = sp.off + every;
		}
	}
	xfree(block);
	if (n < 0)
		return diag_set(d, (struct diag_pos){ r->src->resolved_path,
						      0, 0 },
				"source '%s': read error: %s", r->src->id,
				strerror(errno));
	if (sp.off < end)	/* the file shrank: read it the usual way */
		return diag_set(d, (struct diag_pos){ r->src->resolved_path,
						      0, 0 },
				"source '%s': the file shrank while it was read",
				r->src->id);
	if (hash)
		hash->done = true;
	cut(arg, end);
	return 0;
}

int reader_csv_open_range(const struct reader *parent, struct reader *r,
			  uint64_t start, uint64_t end)
{
	const struct csv_impl *pim = parent->impl;
	const struct source *s = r->src;
	struct csv_impl *im = xcalloc(1, sizeof(*im));

	if (!im)
		return ST_ERR_NOMEM;
	r->impl = im;
	r->ops = &csv_ops;
	im->fd = pim->fd;
	im->opt = pim->opt;
	im->header_cols = pim->header_cols;
	im->field_col = xcalloc(s->n_fields ? s->n_fields : 1,
				sizeof(*im->field_col));
	if (!im->field_col)
		return ST_ERR_NOMEM;
	memcpy(im->field_col, pim->field_col,
	       s->n_fields * sizeof(*im->field_col));
	return csv_reader_open_range(&im->csv, im->fd, start, end - start,
				     &im->opt) ? ST_ERR_NOMEM : 0;
}

bool reader_csv_range_clean(const struct reader *r)
{
	const struct csv_impl *im = r->impl;

	return csv_reader_ended_clean(im->csv);
}

uint64_t reader_csv_lines(const struct reader *r)
{
	const struct csv_impl *im = r->impl;

	return im && im->csv ? csv_reader_lines(im->csv) : 0;
}
