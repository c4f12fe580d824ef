/*
 * fuzz_csv.c - libFuzzer target for the CSV tokenizer.
 *
 * The first two bytes choose the options (delimiter, quote, skipping of
 * initial spaces, small limits); the rest is the CSV.  Invariants, each an
 * abort() when broken:
 *   - the records are the same, field for field and flag for flag, whether
 *     the input arrives in blocks of 1, 7, a size chosen by the input, or
 *     the default size: block boundaries must never show;
 *   - every field is NUL-terminated and within the limits; a record flagged
 *     too long has only empty fields; lines and offsets only go forward;
 *     the reader's buffer stays bounded; all input is consumed;
 *   - CSV_F_INVALID_UTF8 and CSV_F_NUL_BYTE agree with an independent check
 *     of the fields returned;
 *   - a record without flags, written back as quoted CSV and read again,
 *     gives the same fields.
 */
#include <inttypes.h>

#include "source/csv.h"
#include "util/buf.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void options_from(struct csv_options *opt, uint8_t a, uint8_t b)
{
	static const char delims[] = { ',', ';', '\t', '|' };

	memset(opt, 0, sizeof(*opt));
	opt->delim = delims[a & 3];
	opt->skip_initial_space = a & 4;
	opt->no_quoting = (a & 0x18) == 0x18;
	if ((a & 0x18) == 0x10)
		opt->quote = '\'';
	if (a & 0x20) {
		opt->max_field = 1 + (b & 15);
		opt->max_record = 1 + (b >> 4) * 3;
	}
	if (a & 0x40)
		opt->max_columns = 1 + (b & 7);
}

/*
 * A second, deliberately different UTF-8 check (decode, then test the code
 * point) to hold the tokenizer's table-driven one to account.
 */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len, cp, min;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* The text flags must match the text returned (unless a record too long
 * emptied fields that were checked before). */
static void check_text_flags(const struct csv_record *rec)
{
	bool bad = false, nul = false;

	for (size_t i = 0; i < rec->n; i++) {
		const struct csv_field *f = &rec->fields[i];

		bad |= !utf8_valid((const unsigned char *)f->data, f->len);
		nul |= memchr(f->data, '\0', f->len) != NULL;
	}
	CHECK(!bad || (rec->flags & CSV_F_INVALID_UTF8));
	CHECK(!nul || (rec->flags & CSV_F_NUL_BYTE));
	if (!(rec->flags & CSV_F_RECORD_TOO_LONG)) {
		CHECK(bad || !(rec->flags & CSV_F_INVALID_UTF8));
		CHECK(nul || !(rec->flags & CSV_F_NUL_BYTE));
	}
}

/* Check one record's own invariants and append it to dump. */
static void record_dump(struct buf *dump, const struct csv_record *rec,
			const struct csv_options *opt)
{
	size_t max_field = opt->max_field ? opt->max_field : LIMIT_FIELD_BYTES;
	size_t max_cols = opt->max_columns ? opt->max_columns : LIMIT_COLUMNS;

	CHECK(rec->line <= rec->end_line);
	CHECK(rec->n <= max_cols && rec->n <= rec->columns);
	CHECK(rec->n == rec->columns || (rec->flags & CSV_F_TOO_MANY_COLUMNS));
	CHECK(!rec->flags || rec->bad_col < rec->columns);
	CHECK(!rec->flags ||
	      (rec->bad_line >= rec->line && rec->bad_line <= rec->end_line));
	check_text_flags(rec);
	buf_addf(dump, "%zu %zu %" PRIu64 " %" PRIu64 " %" PRIu64 " %u %zu %"
		 PRIu64 ":", rec->n, rec->columns, rec->line, rec->end_line,
		 rec->offset, rec->flags, rec->bad_col, rec->bad_line);
	for (size_t i = 0; i < rec->n; i++) {
		const struct csv_field *f = &rec->fields[i];

		CHECK(f->data[f->len] == '\0');
		CHECK(f->len <= max_field);
		CHECK(f->len == 0 || !(rec->flags & CSV_F_RECORD_TOO_LONG));
		buf_add(dump, &f->len, sizeof(f->len));
		buf_addch(dump, f->quoted);
		buf_add(dump, f->data, f->len);
	}
}

/* Write a record back as CSV with every field quoted. */
static void record_write(struct buf *out, const struct csv_record *rec,
			 char delim, char quote)
{
	for (size_t i = 0; i < rec->n; i++) {
		const struct csv_field *f = &rec->fields[i];

		if (i)
			buf_addch(out, delim);
		buf_addch(out, quote);
		for (size_t k = 0; k < f->len; k++) {
			if (f->data[k] == quote)
				buf_addch(out, quote);
			buf_addch(out, f->data[k]);
		}
		buf_addch(out, quote);
	}
	buf_addch(out, '\n');
}

/* Read back what record_write wrote: one record, same fields, no flags. */
static void check_round_trip(const struct buf *out,
			     const struct csv_record *want,
			     const struct csv_options *opt)
{
	struct csv_options o = *opt;
	struct csv_reader *r;
	struct csv_record *rec;

	o.max_field = o.max_record = o.max_columns = 0;
	CHECK(csv_reader_open_mem(&r, out->data, out->len, &o) == ST_OK);
	CHECK(csv_reader_next(r, &rec) == 1);
	CHECK(rec->flags == 0 && rec->n == want->n);
	for (size_t i = 0; i < rec->n; i++) {
		CHECK(rec->fields[i].len == want->fields[i].len);
		CHECK(memcmp(rec->fields[i].data, want->fields[i].data,
			     rec->fields[i].len) == 0);
	}
	CHECK(csv_reader_next(r, &rec) == 0);
	csv_reader_free(r);
}

/* Parse everything with one block size into dump. */
static void parse_all(const char *in, size_t len, struct csv_options *opt,
		      size_t block, struct buf *dump, bool round_trip)
{
	size_t max_record = opt->max_record ? opt->max_record
					    : LIMIT_RECORD_BYTES;
	struct csv_reader *r;
	struct csv_record *rec;
	uint64_t offset = 0, line = 0;
	struct buf out;
	int rc;

	opt->buffer_size = block;
	CHECK(csv_reader_open_mem(&r, in, len, opt) == ST_OK);
	buf_init(&out, 0);
	while ((rc = csv_reader_next(r, &rec)) == 1) {
		CHECK(rec->offset >= offset && rec->line > line);
		offset = rec->offset + 1;
		line = rec->end_line;
		record_dump(dump, rec, opt);
		if (round_trip && !rec->flags && !opt->no_quoting) {
			buf_reset(&out);
			record_write(&out, rec, opt->delim,
				     opt->quote ? opt->quote : '"');
			check_round_trip(&out, rec, opt);
		}
		CHECK(csv_reader_buffer_size(r) <=
		      (block ? block : CSV_BUFFER_SIZE) + max_record + 2);
	}
	CHECK(rc == 0);
	CHECK(csv_reader_bytes(r) == len);
	csv_reader_free(r);
	buf_release(&out);
	CHECK(!buf_error(dump));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t blocks[] = { 1, 7, 0 };
	struct csv_options opt;
	struct buf want, got;
	const char *in;
	size_t len;

	if (size < 2)
		return 0;
	options_from(&opt, data[0], data[1]);
	in = (const char *)data + 2;
	len = size - 2;
	buf_init(&want, 0);
	buf_init(&got, 0);
	parse_all(in, len, &opt, 0, &want, true);
	for (size_t i = 0; i <= ARRAY_SIZE(blocks); i++) {
		/* The last pass uses a block size chosen by the input. */
		size_t block = 2 + (size_t)data[1] % 61;

		if (i < ARRAY_SIZE(blocks))
			block = blocks[i];
		buf_reset(&got);
		parse_all(in, len, &opt, block, &got, false);
		CHECK(got.len == want.len);
		CHECK(memcmp(got.data, want.data, got.len) == 0);
	}
	buf_release(&want);
	buf_release(&got);
	return 0;
}
