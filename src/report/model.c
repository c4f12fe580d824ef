/*
 * model.c - building a report (see model.h).
 */
#include "report/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct report *report_new(const char *file, const char *title,
			  const char *subtitle, const char *author,
			  const char *date)
{
	struct report *r = xcalloc(1, sizeof(*r));

	if (!r)
		return NULL;
	arena_init(&r->a, 1u << 14);
	r->file = report_strdup(r, file);
	r->title = report_strdup(r, title);
	r->subtitle = report_strdup(r, subtitle);
	r->author = report_strdup(r, author);
	r->date = report_strdup(r, date);
	r->home = "";
	if (r->err) {
		report_free(r);
		return NULL;
	}
	return r;
}

static void free_chart(struct chart *c)
{
	if (!c)
		return;
	xfree(c->lines);
	xfree(c->rects);
	xfree(c->texts);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_blocks; i++) {
		struct report_block *b = &r->blocks[i];

		for (size_t k = 0; k < b->n_charts; k++)
			free_chart(b->charts[k]);
		xfree(b->charts);
		xfree(b->chart_titles);
		xfree(b->figures);
		if (b->table) {
			xfree(b->table->cells);
			xfree(b->table->tone);
		}
	}
	xfree(r->blocks);
	arena_release(&r->a);
	xfree(r);
}

const char *report_strdup(struct report *r, const char *s)
{
	char *c;

	if (!s)
		return NULL;
	if (!(c = arena_strdup(&r->a, s)))
		r->err = ST_ERR_NOMEM;
	return c ? c : "";
}

static struct report_block *add_block(struct report *r, enum block_kind kind)
{
	struct report_block *b;

	if (r->err || xgrow(&r->blocks, &r->cap_blocks, r->n_blocks + 1,
			    sizeof(*r->blocks))) {
		r->err = ST_ERR_NOMEM;
		return NULL;
	}
	b = &r->blocks[r->n_blocks++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->text = "";
	b->id = "";
	return b;
}

void report_heading(struct report *r, int level, const char *id,
		    const char *text)
{
	struct report_block *b = add_block(r, BLOCK_HEADING);

	if (!b)
		return;
	b->level = level;
	b->id = report_strdup(r, id ? id : "");
	b->text = report_strdup(r, text);
}

void report_para(struct report *r, const char *fmt, ...)
{
	struct report_block *b = add_block(r, BLOCK_PARAGRAPH);
	char *s = NULL;
	va_list ap;
	int n;

	if (!b)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = arena_alloc(&r->a, (size_t)n + 1))) {
		r->err = ST_ERR_NOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->text = s;
}

void report_pre(struct report *r, const char *text)
{
	struct report_block *b = add_block(r, BLOCK_PRE);

	if (b)
		b->text = report_strdup(r, text);
}

void report_figures(struct report *r)
{
	add_block(r, BLOCK_FIGURES);
}

void report_figure(struct report *r, const char *value, const char *label,
		   const char *note, unsigned tone)
{
	struct report_block *b = r->n_blocks ? &r->blocks[r->n_blocks - 1] : NULL;
	size_t cap;

	if (r->err || !b || b->kind != BLOCK_FIGURES)
		return;
	cap = b->n_figures;
	if (xgrow(&b->figures, &cap, b->n_figures + 1, sizeof(*b->figures))) {
		r->err = ST_ERR_NOMEM;
		return;
	}
	b->figures[b->n_figures++] = (struct report_figure){
		report_strdup(r, value), report_strdup(r, label),
		report_strdup(r, note ? note : ""), tone };
}

struct report_table *report_table(struct report *r, const char *caption,
				  size_t ncols, const char *const *cols)
{
	struct report_block *b = add_block(r, BLOCK_TABLE);
	struct report_table *t;
	double total = 0;
	size_t unsized = 0;

	if (!b)
		return NULL;
	t = arena_alloc(&r->a, sizeof(*t));
	if (!t || !ncols) {
		r->err = ST_ERR_NOMEM;
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->caption = report_strdup(r, caption ? caption : "");
	t->head = arena_array(&r->a, ncols, sizeof(*t->head));
	t->align = arena_array(&r->a, ncols, sizeof(*t->align));
	t->width = arena_array(&r->a, ncols, sizeof(*t->width));
	if (!t->head || !t->align || !t->width) {
		r->err = ST_ERR_NOMEM;
		return NULL;
	}
	for (size_t c = 0; c < ncols; c++) {
		const char *s = cols[c], *bar = strrchr(s, '|');
		char title[128];
		size_t len;

		t->align[c] = *s == '>' ? ALIGN_RIGHT : ALIGN_LEFT;
		s += *s == '>';
		len = bar ? (size_t)(bar - s) : strlen(s);
		snprintf(title, sizeof(title), "%.*s", (int)len, s);
		t->head[c] = report_strdup(r, title);
		t->width[c] = bar ? strtod(bar + 1, NULL) / 100 : 0;
		total += t->width[c];
		unsized += !bar;
	}
	/* the columns without a share split what is left */
	for (size_t c = 0; c < ncols; c++)
		if (t->width[c] <= 0)
			t->width[c] = unsized && total < 1 ? (1 - total) / unsized
							   : 1.0 / ncols;
	b->table = t;
	return t;
}

void report_cell(struct report *r, struct report_table *t, const char *text,
		 unsigned tone)
{
	size_t col, at;

	if (r->err || !t)
		return;
	col = t->filled % t->ncols;
	if (col == 0) {		/* a new row, empty until filled */
		if (t->nrows == t->cap_rows) {
			size_t rows = t->cap_rows ? t->cap_rows * 2 : 16;
			const char **c = xreallocarray(t->cells, rows * t->ncols,
						       sizeof(*c));
			unsigned *k;

			if (!c) {
				r->err = ST_ERR_NOMEM;
				return;
			}
			t->cells = c;
			if (!(k = xreallocarray(t->tone, rows * t->ncols, sizeof(*k)))) {
				r->err = ST_ERR_NOMEM;
				return;
			}
			t->tone = k;
			t->cap_rows = rows;
		}
		for (size_t i = 0; i < t->ncols; i++) {
			t->cells[t->nrows * t->ncols + i] = NULL;
			t->tone[t->nrows * t->ncols + i] = 0;
		}
		t->nrows++;
	}
	at = (t->nrows - 1) * t->ncols + col;
	t->cells[at] = text ? report_strdup(r, text) : NULL;
	t->tone[at] = tone;
	t->filled++;
}

void report_cellf(struct report *r, struct report_table *t, unsigned tone,
		  const char *fmt, ...)
{
	char small[256], *s = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->err = ST_ERR_NOMEM;
		return;
	}
	/* longer than the buffer: format again into the arena */
	if ((size_t)n >= sizeof(small)) {
		if (!(s = arena_alloc(&r->a, (size_t)n + 1))) {
			r->err = ST_ERR_NOMEM;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	report_cell(r, t, s, tone);
}

/* ---- charts --------------------------------------------------------------- */

static struct chart *new_chart(struct report *r, double width, double height,
			       const char *alt)
{
	struct chart *c = arena_alloc(&r->a, sizeof(*c));

	if (!c) {
		r->err = ST_ERR_NOMEM;
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->width = width;
	c->height = height;
	c->alt = report_strdup(r, alt);
	return c;
}

static struct chart *attach(struct report *r, struct report_block *b,
			    const char *title, double width, double height,
			    const char *alt)
{
	struct chart *c = new_chart(r, width, height, alt);
	size_t cap = b->n_charts, cap2 = b->n_charts;

	if (!c || xgrow(&b->charts, &cap, b->n_charts + 1, sizeof(*b->charts)) ||
	    xgrow(&b->chart_titles, &cap2, b->n_charts + 1,
		  sizeof(*b->chart_titles))) {
		r->err = ST_ERR_NOMEM;
		return NULL;
	}
	b->charts[b->n_charts] = c;
	b->chart_titles[b->n_charts++] = report_strdup(r, title ? title : "");
	return c;
}

struct chart *report_chart(struct report *r, const char *title, double width,
			   double height, const char *alt)
{
	struct report_block *b = add_block(r, BLOCK_CHART);

	if (!b)
		return NULL;
	b->text = report_strdup(r, title ? title : "");
	return attach(r, b, title, width, height, alt);
}

void report_charts(struct report *r)
{
	add_block(r, BLOCK_CHARTS);
}

struct chart *report_small_chart(struct report *r, const char *title,
				 double width, double height, const char *alt)
{
	struct report_block *b = r->n_blocks ? &r->blocks[r->n_blocks - 1] : NULL;

	if (r->err || !b || b->kind != BLOCK_CHARTS)
		return NULL;
	return attach(r, b, title, width, height, alt);
}

void chart_line(struct report *r, struct chart *c, const double *x,
		const double *y, size_t n, unsigned colour, double width,
		bool dashed, bool dots)
{
	double *cx, *cy;

	if (r->err || !c || !n)
		return;
	cx = arena_array(&r->a, n, sizeof(*cx));
	cy = arena_array(&r->a, n, sizeof(*cy));
	if (!cx || !cy || xgrow(&c->lines, &c->cap_lines, c->n_lines + 1,
				sizeof(*c->lines))) {
		r->err = ST_ERR_NOMEM;
		return;
	}
	memcpy(cx, x, n * sizeof(*cx));
	memcpy(cy, y, n * sizeof(*cy));
	c->lines[c->n_lines++] = (struct chart_line){ cx, cy, n, colour, width,
						      dashed, dots };
}

void chart_rect(struct report *r, struct chart *c, double x, double y,
		double w, double h, unsigned fill)
{
	if (r->err || !c)
		return;
	if (xgrow(&c->rects, &c->cap_rects, c->n_rects + 1, sizeof(*c->rects))) {
		r->err = ST_ERR_NOMEM;
		return;
	}
	c->rects[c->n_rects++] = (struct chart_rect){ x, y, w, h, fill };
}

void chart_text(struct report *r, struct chart *c, double x, double y,
		double size, enum text_anchor anchor, unsigned colour,
		const char *text)
{
	if (r->err || !c)
		return;
	if (xgrow(&c->texts, &c->cap_texts, c->n_texts + 1, sizeof(*c->texts))) {
		r->err = ST_ERR_NOMEM;
		return;
	}
	c->texts[c->n_texts++] = (struct chart_text){ x, y, size, anchor, colour,
						      report_strdup(r, text) };
}
