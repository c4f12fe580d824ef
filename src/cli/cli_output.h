/*
 * cli_output.h - the tables the history commands print, in three formats.
 *
 * A command describes its columns once (struct out_col), adds cells row by
 * row, and renders the lot as an aligned table for a terminal, as CSV for a
 * spreadsheet or as JSON for a program (docs/history.md, "Output formats").
 * Cells are copied when added, so callers can hand over strings that live
 * only as long as a store callback.  The table format makes every cell safe
 * for a terminal (control characters and invalid UTF-8 become U+FFFD, line
 * breaks spaces); CSV quotes as RFC 4180 says and defuses cells a
 * spreadsheet would read as a formula; JSON writes numbers as numbers and
 * embeds the history's JSON columns as JSON.
 *
 * Also here: readers for the two JSON shapes the history stores besides
 * util/json.h's pair arrays (an object of counts, an array of strings).
 */
#ifndef STEWARD_CLI_OUTPUT_H
#define STEWARD_CLI_OUTPUT_H

#include "util/arena.h"
#include "util/buf.h"

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

enum out_type {
	OUT_TEXT,	/* a string */
	OUT_NUM,	/* a number: right-aligned; a JSON number */
	OUT_BOOL,	/* "yes" or "no"; JSON true or false */
	OUT_JSONTEXT	/* JSON text, embedded as is in JSON output */
};

struct out_col {
	const char *key;	/* the CSV header and the JSON member name */
	const char *title;	/* the table header; NULL: the key */
	enum out_type type;
	size_t max_width;	/* table: wider cells are cut with "…"; 0: never */
};

struct out_table {
	enum out_format format;
	const struct out_col *cols;
	size_t ncols;
	struct arena text;	/* the cells' strings */
	char **cells;		/* row-major; NULL is "no value" */
	size_t n, cap;
	int err;		/* sticky ST_ERR_NOMEM */
};

/* "table", "csv" or "json"; -1 for anything else. */
int out_format_parse(const char *s, enum out_format *f);

void out_table_init(struct out_table *t, enum out_format f,
		    const struct out_col *cols, size_t ncols);
void out_table_release(struct out_table *t);

/* Add the next cell; rows fill left to right.  NULL is "no value": "-" in
 * a table, empty in CSV, null in JSON. */
void out_add(struct out_table *t, const char *s);
void out_addf(struct out_table *t, const char *fmt, ...) PRINTF_LIKE(2, 3);
void out_add_int(struct out_table *t, int64_t v);
/* With `decimals` digits after the point; NaN and infinities are no value. */
void out_add_real(struct out_table *t, double v, int decimals);
void out_add_bool(struct out_table *t, bool v);

size_t out_table_rows(const struct out_table *t);

/* Append the table in its format; ST_ERR_NOMEM when memory ran out,
 * ST_ERR when `out` reached its maximum. */
int out_table_render(const struct out_table *t, struct buf *out);

/* For commands that stream their rows instead of collecting a table: the
 * CSV header line of cols, and one cell as a JSON value typed by its
 * column (NULL is null; numbers, booleans and JSON text as themselves
 * when they are what their type says, else a string). */
void out_csv_header(struct buf *out, const struct out_col *cols, size_t n);
void out_json_value(struct buf *out, const struct out_col *c, const char *s);

/* One CSV cell as the tables write it: quoted when it must be, and a
 * text cell that a spreadsheet would run as a formula (= + - @ first)
 * defused with a leading apostrophe.  NULL writes nothing. */
void out_csv_cell(struct buf *out, const char *s, bool number);

/* Whether s is one complete, valid JSON value (RFC 8259). */
bool out_json_valid(const char *s);
/* Call fn for each member of an object whose values are numbers
 * ({"reason": 12, ...}); returns how many, or -1 when s is not such an
 * object. */
int out_json_counts(const char *s, void (*fn)(void *, const char *, size_t,
					      double), void *arg);
/* Call fn for each string of an array of strings; returns how many, or -1
 * when s is not such an array. */
int out_json_strings(const char *s, void (*fn)(void *, const char *, size_t),
		     void *arg);

#endif
