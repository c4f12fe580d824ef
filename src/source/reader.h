/*
 * reader.h - one streaming interface over every kind of source.
 *
 * A reader is open / next record / close (like curl's client writers or
 * zstd's streaming API).  Each kind (CSV, SQLite, XML) fills in the raw
 * values of the source's declared fields; the generic layer (reader.c)
 * then applies the policy's mappings and transforms, so that every record
 * carries both its raw field values and its normalised attribute values.
 *
 * Memory is bounded by the record, not the file: a record and its values
 * live in a scratch arena that is reset before the next record, so a
 * caller that wants to keep something copies it.
 *
 * Problems in the data (a ragged row, invalid UTF-8, an unterminated
 * quote) never stop a read: they are counted per kind, the first
 * LIMIT_READER_PROBLEMS are kept with their line and column, and the
 * record is still returned where that makes sense.  Only what makes
 * further reading impossible (a missing file, a file that is not a SQLite
 * database, XML that stops being well-formed) ends the read with an error.
 */
#ifndef STEWARD_READER_H
#define STEWARD_READER_H

#include "policy/policy.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/sha256.h"

struct record {
	uint64_t number;	/* 1-based */
	uint64_t line;		/* where the record starts (SQLite: row) */
	const char *key;	/* raw key value ("" when empty) */
	/* per declared field (source->fields): NULL when absent or NULL */
	const char **raw;
	size_t *raw_len;
	/* per mapping (source->mappings): NULL when empty */
	const char **value;
	size_t *value_len;
	/* per mapping: NULL, or why a transform could not normalise it (the
	 * value is then the input of that transform, e.g. the bad phone) */
	const char **why;
};

enum reader_problem_kind {
	RP_RAGGED,		/* CSV row with more or fewer fields than the header */
	RP_INVALID_UTF8,
	RP_UNTERMINATED_QUOTE,
	RP_BARE_QUOTE,		/* a quote inside an unquoted CSV field */
	RP_TEXT_AFTER_QUOTE,
	RP_NUL_BYTE,
	RP_FIELD_TOO_LONG,	/* longer than LIMIT_FIELD_BYTES: emptied */
	RP_RECORD_TOO_LONG,	/* longer than LIMIT_RECORD_BYTES: emptied */
	RP_TOO_MANY_COLUMNS,	/* more than LIMIT_COLUMNS: the rest dropped */
	RP_MISSING_KEY,		/* the key field is empty */
	RP_REPEATED_ELEMENT,	/* XML: a field's element appears twice */
	RP_BLOB,		/* SQLite: a BLOB value, shown as hex */
	RP_COUNT
};

struct reader_problem {
	enum reader_problem_kind kind;
	uint64_t line;
	uint64_t col;		/* 0 when unknown */
	char detail[200];
};

struct reader_stats {
	uint64_t records;
	uint64_t problems[RP_COUNT];
	uint64_t transform_failures;	/* values a transform could not handle */
	struct reader_problem kept[LIMIT_READER_PROBLEMS];
	size_t n_kept;
};

struct reader;

/* Open the source's data.  Errors (missing file, unreadable, not a
 * database, no header) go to d, naming the file. */
int reader_open(const struct source *s, struct reader **out, struct diag *d);

/* 1 and *rec on a record, 0 at the end, ST_ERR (with d) when reading cannot
 * go on.  *rec stays valid until the next call. */
int reader_next(struct reader *r, const struct record **rec, struct diag *d);

/* The same without mapping: *rec has its number, line, key and raw values
 * (and reader_row() its columns), but value, value_len and why are NULL.
 * For callers that map records elsewhere, e.g. on other threads with a
 * mapper each. */
int reader_next_raw(struct reader *r, const struct record **rec,
		    struct diag *d);

const struct reader_stats *reader_stats(const struct reader *r);

/* The columns the data actually has (CSV header, SQLite result columns,
 * XML element and attribute paths seen in the first records). */
size_t reader_columns(const struct reader *r, const char *const **names);

/* Every column of the current record, declared or not, in the order of
 * reader_columns() (CSV and SQLite; 0 for XML).  Values may be NULL.
 * Profiling uses it to measure columns the policy does not declare, such
 * as a renamed one. */
size_t reader_row(const struct reader *r, const char *const **vals,
		  const size_t **lens);

/* Bytes read so far and in all (0 when unknown), for progress. */
uint64_t reader_bytes_done(const struct reader *r);
uint64_t reader_bytes_total(const struct reader *r);

void reader_free(struct reader *r);

/*
 * Reading a CSV file in ranges, one reader per range, on several threads
 * (profiling's workers).  reader_ranges() says whether r, just opened, is a
 * CSV file that can be read so (a regular file with records after its
 * header): *start is the offset of its first record, *end the file's size.
 * reader_cut() reads the file from start to end (bytes appended since are
 * left for the next scan) and calls cut() with the offset just past each
 * record's end found at least `every` bytes after the one before, then
 * with end (an offset may repeat there).
 * It follows quotes without tokenizing (csv_splitter in csv.h).  With a
 * `hash`, it also puts every byte of the file, from the first, through
 * SHA-256: hash->done says whether it read to the end.
 *
 * reader_open_range() reads bytes [start, end) of r's file with r's
 * columns; its records are numbered from number_base + 1 and its lines
 * count from the range's start.  Once it has returned 0,
 * reader_range_clean() says whether it ended between records (so a range
 * that ends at a cut is sure to hold whole records); a caller that finds a
 * range not clean reads the file in one piece.  reader_lines() is the
 * number of line breaks a CSV reader has read (0 for other kinds): the
 * main reader's after its header, a range reader's at its end.
 */
struct reader_hash {
	struct sha256 sha;
	bool done;		/* every byte to the end of the file */
	double cpu_seconds;	/* spent hashing */
};

/*
 * Put every byte the reader reads, from the file's first, through SHA-256
 * as it reads it, so that nobody reads the file a second time for its
 * fingerprint: for XML files, which are read straight through (false for
 * other kinds).  Call it right after reader_open(); hash->done says
 * whether the reader read to the end of the file.  h must outlive r.
 */
bool reader_hash_bytes(struct reader *r, struct reader_hash *h);

bool reader_ranges(const struct reader *r, uint64_t *start, uint64_t *end);
int reader_cut(const struct reader *r, uint64_t start, uint64_t end,
	       uint64_t every, void (*cut)(void *arg, uint64_t off), void *arg,
	       struct reader_hash *hash, struct diag *d) MUST_CHECK;
int reader_open_range(const struct reader *r, uint64_t start, uint64_t end,
		      uint64_t number_base, struct reader **out) MUST_CHECK;
bool reader_range_clean(const struct reader *r);
uint64_t reader_lines(const struct reader *r);

const char *reader_problem_name(enum reader_problem_kind k);

/*
 * Mapping: from a record's raw field values to its attribute values, by
 * the policy's mappings and transforms.  reader_next() maps with a mapper
 * of its own; a thread that maps records read elsewhere keeps one mapper.
 * A mapper is not shared between threads; transforms are thread-safe.
 */
struct mapper {
	const struct source *src;
	struct arena scratch;	/* the mapped values; reset every record */
	struct buf v, tmp;	/* transform work buffers, reused */
	const char **value;
	size_t *value_len;
	const char **why;
	uint64_t transform_failures;
	/* the records' raw values have MAPPER_PAD readable bytes from their
	 * start (batches): short ASCII values are then taken whole */
	bool padded;
};

#define MAPPER_PAD 32

int mapper_init(struct mapper *m, const struct source *s) MUST_CHECK;
void mapper_release(struct mapper *m);
/* Set rec->value, value_len and why from rec->raw and raw_len; they stay
 * valid until the next call.  ST_ERR_NOMEM. */
int mapper_map(struct mapper *m, struct record *rec) MUST_CHECK;
/* The same, but the values stay valid until mapper_reset() (the arrays
 * rec->value etc. still change with the next call): for a caller that maps
 * a batch of records and then reads their values. */
int mapper_map_keep(struct mapper *m, struct record *rec) MUST_CHECK;
void mapper_reset(struct mapper *m);

#endif
