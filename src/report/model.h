/*
 * model.h - a report as a list of blocks, built once and written twice:
 * to HTML (html.c) and to PDF (pdf.c).  See docs/reports.md.
 *
 * A report has a title, an author, a date and blocks in reading order:
 * headings, paragraphs, key figures, tables and charts.  All text is
 * UTF-8 and is copied into the report's arena when added, so a builder
 * may pass strings that die right after the call.  The writers escape or
 * encode everything they print; nothing in a model is markup.
 *
 * Charts are geometry, computed once (chart.c): a box of `width` x
 * `height` points with lines, rectangles and text placed in it, y
 * growing downwards as on a screen.  HTML draws them as inline SVG, PDF
 * with path operators (flipping y); both use the same coordinates, so the
 * two pictures are the same.  Every chart carries a text alternative.
 */
#ifndef STEWARD_REPORT_MODEL_H
#define STEWARD_REPORT_MODEL_H

#include "util/arena.h"

/* Colours as 0xRRGGBB. */
#define COLOUR_INK 0x1f2933u
#define COLOUR_MUTED 0x616e7cu
#define COLOUR_RULE 0xcbd2d9u
#define COLOUR_GOOD 0x2f855au
#define COLOUR_FAIR 0xb7791fu
#define COLOUR_POOR 0xc53030u
#define COLOUR_ACCENT 0x2b6cb0u

enum text_anchor { ANCHOR_START, ANCHOR_MIDDLE, ANCHOR_END };

struct chart_line {		/* an open polyline */
	const double *x, *y;
	size_t n;
	unsigned colour;
	double width;
	bool dashed;
	bool dots;		/* a dot at each point */
};

struct chart_rect {
	double x, y, w, h;
	unsigned fill;
};

struct chart_text {
	double x, y;		/* the baseline's anchor point */
	double size;		/* points */
	enum text_anchor anchor;
	unsigned colour;
	const char *text;
};

struct chart {
	double width, height;	/* points */
	const char *alt;	/* what it shows, in words */
	struct chart_line *lines;
	size_t n_lines, cap_lines;
	struct chart_rect *rects;
	size_t n_rects, cap_rects;
	struct chart_text *texts;
	size_t n_texts, cap_texts;
};

enum cell_align { ALIGN_LEFT, ALIGN_RIGHT };

struct report_table {
	size_t ncols, nrows;
	const char **head;	/* ncols */
	enum cell_align *align;	/* ncols */
	double *width;		/* ncols: shares of the line, summing to 1 */
	const char **cells;	/* nrows x ncols, row-major; NULL: empty */
	unsigned *tone;		/* nrows x ncols: 0, or a colour for the cell */
	size_t cap_rows, filled;
	const char *caption;	/* says what the table holds */
};

/* A key figure: a big number, what it is, and a note under it (the
 * change since the previous run, say). */
struct report_figure {
	const char *value, *label, *note;
	unsigned tone;		/* the value's colour; 0: ink */
};

enum block_kind {
	BLOCK_HEADING,		/* level 1 (a section) or 2 */
	BLOCK_PARAGRAPH,
	BLOCK_FIGURES,		/* a row of key figures */
	BLOCK_TABLE,
	BLOCK_CHART,
	BLOCK_CHARTS,		/* a row of small charts, each with a title */
	BLOCK_PRE		/* preformatted text, monospaced, lines kept */
};

struct report_block {
	enum block_kind kind;
	int level;
	const char *text;	/* heading, paragraph; the chart's title */
	const char *id;		/* an anchor for headings ("" none) */
	struct report_figure *figures;
	size_t n_figures;
	struct report_table *table;
	struct chart **charts;
	const char **chart_titles;
	size_t n_charts;
};

struct report {
	struct arena a;
	const char *title, *subtitle, *author, *date;
	const char *file;	/* its file name without extension */
	struct report_block *blocks;
	size_t n_blocks, cap_blocks;
	int err;		/* sticky ST_ERR_NOMEM */
	/* links to the other reports, for HTML (index.html) */
	const char *home;	/* "" when none */
};

struct report *report_new(const char *file, const char *title,
			  const char *subtitle, const char *author,
			  const char *date);
void report_free(struct report *r);

void report_heading(struct report *r, int level, const char *id,
		    const char *text);
void report_para(struct report *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
void report_pre(struct report *r, const char *text);
/* A row of figures: call report_figure for each after this. */
void report_figures(struct report *r);
void report_figure(struct report *r, const char *value, const char *label,
		   const char *note, unsigned tone);

/* A table: columns given as "Title" with a leading '>' for right
 * alignment and a trailing "|N" for its width share in percent
 * (">Score|10").  Then rows, cell by cell. */
struct report_table *report_table(struct report *r, const char *caption,
				  size_t ncols, const char *const *cols);
void report_cell(struct report *r, struct report_table *t, const char *text,
		 unsigned tone);
void report_cellf(struct report *r, struct report_table *t, unsigned tone,
		  const char *fmt, ...) PRINTF_LIKE(4, 5);

/* A chart block (one chart, full width) or a row of small ones. */
struct chart *report_chart(struct report *r, const char *title, double width,
			   double height, const char *alt);
void report_charts(struct report *r);
struct chart *report_small_chart(struct report *r, const char *title,
				 double width, double height, const char *alt);

/* Chart primitives; the arrays are copied. */
void chart_line(struct report *r, struct chart *c, const double *x,
		const double *y, size_t n, unsigned colour, double width,
		bool dashed, bool dots);
void chart_rect(struct report *r, struct chart *c, double x, double y,
		double w, double h, unsigned fill);
void chart_text(struct report *r, struct chart *c, double x, double y,
		double size, enum text_anchor anchor, unsigned colour,
		const char *text);

const char *report_strdup(struct report *r, const char *s);

#endif
