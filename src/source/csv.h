/*
 * csv.h - a streaming RFC 4180 CSV tokenizer.
 *
 * The hot path of profiling multi-gigabyte exports, so it is built for
 * speed: input is read in large blocks, the block is scanned with SIMD (or
 * word-at-a-time) searches for the few bytes that matter, and fields are
 * returned as pointers into the block, NUL-terminated in place, with doubled
 * quotes unescaped in place.  Nothing is allocated per field or per record
 * once the buffer has grown to the longest record seen.
 *
 * It knows nothing of policies or headers: it turns bytes into records of
 * fields and flags what is wrong with them.  Problems never stop the read:
 * each record carries flags (CSV_F_*) and the position of its first problem;
 * counting and reporting them is the caller's business.
 *
 * The rules, where RFC 4180 leaves room:
 *   - a record ends at LF or CRLF; a CR alone is data;
 *   - a UTF-8 byte order mark at the very start is skipped;
 *   - a quoted field may hold delimiters, doubled quotes and line breaks;
 *     `line` and `end_line` count physical lines all the same;
 *   - an empty line (nothing, or a lone CR, before the LF) is skipped rather
 *     than returned as a record of one empty field: exports often end with
 *     one, and no caller wants it.  A line holding only a delimiter is a
 *     record of two empty fields;
 *   - the last line needs no line break;
 *   - skip_initial_space drops spaces at the start of every field, before
 *     an opening quote too (Python's skipinitialspace; Febrl writes ", ");
 *   - a quote inside an unquoted field is data (CSV_F_BARE_QUOTE); text after
 *     a closing quote is appended to the field (CSV_F_TEXT_AFTER_QUOTE);
 *   - an unterminated quote runs to the end of input, which ends the record
 *     (CSV_F_UNTERMINATED_QUOTE);
 *   - a field whose text in the input (quotes included) is longer than
 *     max_field bytes is returned empty (CSV_F_FIELD_TOO_LONG), and a record
 *     longer than max_record bytes has all its fields emptied
 *     (CSV_F_RECORD_TOO_LONG); the reader skips over such text without
 *     buffering it, so memory stays bounded whatever the input;
 *   - columns beyond max_columns are dropped (CSV_F_TOO_MANY_COLUMNS);
 *   - every kept field is checked to be UTF-8 (no overlongs, surrogates or
 *     code points above U+10FFFF; CSV_F_INVALID_UTF8) without NUL bytes
 *     (CSV_F_NUL_BYTE); the bytes are returned as they are.
 */
#ifndef STEWARD_CSV_H
#define STEWARD_CSV_H

#include "util/common.h"

/*
 * Reader options.  All-zero is RFC 4180 with the limits of util/limits.h,
 * so `struct csv_options opt = { .delim = ';' }` does what it says.
 */
struct csv_options {
	char delim;		/* field separator, ASCII; ',' when 0 */
	char quote;		/* quote character, ASCII; '"' when 0 */
	bool no_quoting;	/* quote characters are plain data */
	bool skip_initial_space; /* drop spaces at the start of each field */
	size_t max_field;	/* bytes; LIMIT_FIELD_BYTES when 0 */
	size_t max_record;	/* bytes; LIMIT_RECORD_BYTES when 0 */
	size_t max_columns;	/* LIMIT_COLUMNS when 0 */
	size_t buffer_size;	/* first buffer size and largest single read;
				 * CSV_BUFFER_SIZE when 0.  Tests set it tiny
				 * to put block boundaries everywhere. */
};

/* Bytes asked of each read(2): large enough that system calls cost
 * nothing, small enough to stay in the L2 cache while it is scanned. */
#define CSV_BUFFER_SIZE (1u << 20)

struct csv_field {
	char *data;		/* NUL-terminated; valid until the next call */
	size_t len;		/* bytes, not counting the NUL */
	bool quoted;		/* the field was written in quotes */
};

enum csv_flag {
	CSV_F_UNTERMINATED_QUOTE = 1,
	CSV_F_INVALID_UTF8 = 2,
	CSV_F_FIELD_TOO_LONG = 4,	/* the field was emptied */
	CSV_F_RECORD_TOO_LONG = 8,	/* every field was emptied */
	CSV_F_TOO_MANY_COLUMNS = 16,	/* columns past the limit dropped */
	CSV_F_BARE_QUOTE = 32,		/* a quote inside an unquoted field */
	CSV_F_TEXT_AFTER_QUOTE = 64,	/* "abc"x */
	CSV_F_NUL_BYTE = 128
};

struct csv_record {
	struct csv_field *fields;
	size_t n;		/* fields kept: at most max_columns */
	size_t columns;		/* fields in the input, dropped ones too */
	uint64_t line;		/* physical line where it starts, 1-based */
	uint64_t end_line;	/* physical line where it ends */
	uint64_t offset;	/* byte offset of its first byte in the input */
	unsigned flags;		/* CSV_F_* */
	size_t bad_col;		/* 0-based column of the first problem */
	uint64_t bad_line;	/* line of the first problem */
};

struct csv_reader;

/*
 * Read from fd, which stays the caller's: csv_reader_free() does not close
 * it.  opt may be NULL.  Returns ST_OK, ST_ERR (invalid options: a
 * non-ASCII, CR or LF delimiter or quote, or delimiter equal to quote) or
 * ST_ERR_NOMEM.
 */
int csv_reader_open_fd(struct csv_reader **out, int fd,
		       const struct csv_options *opt) MUST_CHECK;

/*
 * Read bytes [start, start + len) of fd with pread(2), as the middle of a
 * longer input: a byte order mark there is data, and lines and offsets
 * count from the range's start.  fd stays the caller's; several readers
 * may share it from different threads.  For reading the ranges that
 * csv_splitter (below) cuts a file into.
 */
int csv_reader_open_range(struct csv_reader **out, int fd, uint64_t start,
			  uint64_t len, const struct csv_options *opt)
	MUST_CHECK;

/*
 * Read len bytes at data, which must outlive the reader.  They are copied
 * in blocks of opt->buffer_size exactly as read(2) would deliver them, so
 * tests and fuzzers exercise the same code as files do.
 */
int csv_reader_open_mem(struct csv_reader **out, const char *data, size_t len,
			const struct csv_options *opt) MUST_CHECK;

/*
 * The next record: 1 and *rec set (valid until the next call), 0 at the end
 * of input, or negative on failure: ST_ERR for a read error (errno is that
 * of read(2)), ST_ERR_NOMEM when out of memory.  Failures are sticky.
 */
int csv_reader_next(struct csv_reader *r, struct csv_record **rec);

/* Why the last call failed, or "" if it did not. */
const char *csv_reader_error(const struct csv_reader *r);

/* Bytes of input consumed so far, for progress reports. */
uint64_t csv_reader_bytes(const struct csv_reader *r);

/*
 * Once csv_reader_next() has returned 0: true when the input ended between
 * records, false when its last record had no line break or a quote still
 * open.  A range whose last byte is a line break ends clean exactly when
 * reading the whole input would be at the start of a record there.
 */
bool csv_reader_ended_clean(const struct csv_reader *r);

/* Line breaks read so far: every LF, in quoted fields too. */
uint64_t csv_reader_lines(const struct csv_reader *r);

/* Bytes the reader's buffer holds now; tests check that it stays bounded. */
size_t csv_reader_buffer_size(const struct csv_reader *r);

void csv_reader_free(struct csv_reader *r);

/*
 * Cutting a file into ranges of whole records for parallel reading, much
 * faster than tokenizing it: the splitter follows only what decides where a
 * record ends (the tokenizer's rules above: a quote opens a quoted field only
 * at the start of a field, after any spaces that skip_initial_space drops;
 * in a quoted field a doubled quote is data; a record ends at an LF outside
 * quotes) and looks at little more than the quotes and, near the offsets
 * asked for, the line breaks.  It does not know the limits: a field emptied
 * for its length is still followed quote by quote, as the tokenizer does.
 * Callers check each range with csv_reader_ended_clean() all the same,
 * and read the whole file in one piece when one does not end clean.
 */
struct csv_splitter {
	char delim, quote;
	bool quoting, skip_space;
	int state;		/* where the next byte falls: field start, ... */
	uint64_t off;		/* input offset of the next byte */
};

/* Start at input offset `off`, which must be the start of a record. */
void csv_splitter_init(struct csv_splitter *s, const struct csv_options *opt,
		       uint64_t off);

/*
 * Read the next n bytes of input at p (input offsets s->off on).  Stops just
 * past the first LF that ends a record at input offset `want` or later and
 * sets *found, or reads all n bytes.  Returns the bytes read; s->off is then
 * the start of a record when *found.
 */
size_t csv_splitter_feed(struct csv_splitter *s, const char *p, size_t n,
			 uint64_t want, bool *found);

#endif
