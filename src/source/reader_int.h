/*
 * reader_int.h - what the kinds of reader share with reader.c.
 *
 * A kind fills r->raw[i] / r->raw_len[i] for the source's declared fields
 * (NULL for a field the record does not have) and r->line, and reports
 * data problems with reader_problem().  Raw values may point into the
 * kind's own buffers: they only need to live until the next call.
 */
#ifndef STEWARD_READER_INT_H
#define STEWARD_READER_INT_H

#include "source/reader.h"

struct reader_ops {
	/* 1 when r->raw holds a record, 0 at the end, ST_ERR with d */
	int (*next)(struct reader *r, struct diag *d);
	void (*close)(struct reader *r);
	uint64_t (*bytes_done)(const struct reader *r);
};

struct reader {
	const struct source *src;
	const struct reader_ops *ops;
	void *impl;
	struct mapper mapper;	/* for reader_next() */
	struct record rec;
	const char **raw;
	size_t *raw_len;
	uint64_t line;
	/* every column of the record (reader_row); filled by the kind */
	const char **row;
	size_t *row_len;
	size_t n_row, cap_row;
	struct reader_stats stats;
	struct reader_hash *hash;	/* reader_hash_bytes() */
	uint64_t number_base;	/* a range reader's records are numbered on */
	char **columns;
	size_t n_columns, cap_columns;
	uint64_t bytes_total;
};

void reader_problem(struct reader *r, enum reader_problem_kind kind,
		    uint64_t line, uint64_t col, const char *fmt, ...)
	PRINTF_LIKE(5, 6);

/* Make room for n columns in r->row / r->row_len. */
int reader_row_reserve(struct reader *r, size_t n);

/* Remember a column name the data has; ST_ERR_NOMEM on failure. */
int reader_add_column(struct reader *r, const char *name, size_t len);
bool reader_has_column(const struct reader *r, const char *name);

/* The kinds: each sets r->ops and r->impl or fails with d. */
int reader_csv_open(struct reader *r, struct diag *d);
int reader_sqlite_open(struct reader *r, struct diag *d);
int reader_xml_open(struct reader *r, struct diag *d);

/* CSV in ranges: see reader_ranges() and the rest in reader.h. */
bool reader_csv_ranges(const struct reader *r, uint64_t *start, uint64_t *end);
int reader_csv_cut(const struct reader *r, uint64_t start, uint64_t end,
		   uint64_t every, void (*cut)(void *arg, uint64_t off),
		   void *arg, struct reader_hash *hash, struct diag *d);
int reader_csv_open_range(const struct reader *parent, struct reader *r,
			  uint64_t start, uint64_t end);

/* XML: put the bytes read so far through r->hash (just set). */
void reader_xml_hash_start(struct reader *r);
/* Hash n bytes read into h (NULL: nothing), counting the CPU time. */
void reader_hash_add(struct reader_hash *h, const void *p, size_t n);
bool reader_csv_range_clean(const struct reader *r);
uint64_t reader_csv_lines(const struct reader *r);

#endif
