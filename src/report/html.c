/*
 * html.c - the HTML writer (see html.h).
 */
#include "report/html.h"

#include <stdio.h>

#include "util/files.h"
#include "util/utf8.h"

#define VERSION_NOTE "steward"

/* The whole style sheet: system fonts, a column that fits a phone, tables
 * that scroll sideways rather than squeeze, and a print style without
 * backgrounds that keeps headers with their tables. */
static const char style[] =
	":root{--ink:#1f2933;--muted:#616e7c;--rule:#cbd2d9;--soft:#f5f7fa;"
	"--good:#2f855a;--fair:#b7791f;--poor:#c53030;--accent:#2b6cb0}"
	"*{box-sizing:border-box}"
	"body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 "
	"system-ui,-apple-system,'Segoe UI','DejaVu Sans',sans-serif}"
	".page{max-width:60rem;margin:0 auto;padding:1.25rem}"
	".title{border-bottom:2px solid var(--ink);margin-bottom:1rem}"
	"h1{font-size:1.6rem;margin:.2rem 0}"
	"h2{font-size:1.25rem;margin:2rem 0 .5rem;padding-bottom:.2rem;"
	"border-bottom:1px solid var(--rule)}"
	"h3{font-size:1.05rem;margin:1.4rem 0 .4rem}"
	"p{margin:.4rem 0 .8rem}"
	".sub{font-size:1.05rem;margin:.1rem 0}.meta{color:var(--muted);"
	"font-size:.85rem;margin:.2rem 0 .6rem}"
	".figures{display:flex;flex-wrap:wrap;gap:.75rem;margin:.75rem 0 1rem}"
	".figure{flex:1 1 9rem;border:1px solid var(--rule);border-radius:6px;"
	"padding:.6rem .8rem;background:var(--soft)}"
	".figure .value{font-size:1.7rem;font-weight:700;line-height:1.2}"
	".figure .label{font-size:.85rem}.figure .note{font-size:.8rem;"
	"color:var(--muted)}"
	".table-wrap{overflow-x:auto;margin:.5rem 0 1.2rem}"
	"table{border-collapse:collapse;width:100%;min-width:34rem;"
	"table-layout:fixed;font-size:.88rem}"
	"caption{text-align:left;color:var(--muted);font-size:.82rem;"
	"padding:.2rem 0}"
	"th,td{padding:.3rem .5rem;border-bottom:1px solid var(--rule);"
	"text-align:left;vertical-align:top;overflow-wrap:anywhere}"
	"th{border-bottom:2px solid var(--ink);font-weight:600}"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;"
	"overflow-wrap:normal;white-space:nowrap}th{overflow-wrap:normal}"
	"tbody tr:nth-child(even){background:var(--soft)}"
	".chart{margin:.75rem 0 1.2rem}.caption{font-size:.85rem;"
	"color:var(--muted)}"
	".chart img{display:block;width:100%;height:auto;max-width:100%}"
	".charts{display:grid;grid-template-columns:repeat(auto-fill,"
	"minmax(15rem,1fr));gap:.5rem 1rem}.charts .chart{margin:.25rem 0}"
	"pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);"
	"padding:.75rem;border:1px solid var(--rule);font-size:.8rem}"
	".foot{margin-top:2rem;color:var(--muted);font-size:.8rem;"
	"border-top:1px solid var(--rule);padding-top:.5rem}"
	"a{color:var(--accent)}"
	"ul.reports{padding-left:1.2rem}ul.reports li{margin:.4rem 0}"
	"@media print{body{font-size:10.5pt}.page{max-width:none;padding:0}"
	"table{font-size:7.5pt;min-width:0}"
	".figure,tbody tr:nth-child(even),pre{background:none}"
	"thead{display:table-header-group}tr,.chart,.figure{break-inside:avoid}"
	"h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}"
	".foot{display:none}@page{margin:16mm}}";

void html_escape(struct buf *out, const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0;

	while (i < len) {
		int32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		switch (cp) {
		case '&': buf_addstr(out, "&amp;"); break;
		case '<': buf_addstr(out, "&lt;"); break;
		case '>': buf_addstr(out, "&gt;"); break;
		case '"': buf_addstr(out, "&quot;"); break;
		case '\'': buf_addstr(out, "&#39;"); break;
		case '\t': case '\n':
			buf_addch(out, ' ');
			break;
		default:
			if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
				buf_addstr(out, "\xEF\xBF\xBD");
			else if (cp == 0xFFFD)
				buf_addstr(out, "\xEF\xBF\xBD");
			else
				buf_add(out, s + i, n);
		}
		i += n;
	}
}

/* Like html_escape, but keeps line breaks (for <pre>). */
static void escape_lines(struct buf *out, const char *s)
{
	const char *p = s;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct buf line = BUF_INIT;

		buf_add(&line, p, n);
		html_escape(out, line.data);
		buf_release(&line);
		if (!nl)
			break;
		buf_addch(out, '\n');
		p = nl + 1;
	}
}

static void colour(struct buf *out, unsigned c)
{
	buf_addf(out, "#%06x", c & 0xffffffu);
}

static void head(struct buf *out, const char *title)
{
	buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		   "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		   "content=\"width=device-width, initial-scale=1\">\n"
		   "<meta name=\"generator\" content=\"steward\">\n<title>");
	html_escape(out, title);
	buf_addstr(out, "</title>\n<style>");
	buf_addstr(out, style);
	buf_addstr(out, "</style>\n</head>\n<body>\n<div class=\"page\" "
		   "role=\"main\">\n");
}

static void num(struct buf *out, double v)
{
	char s[32], *e;

	snprintf(s, sizeof(s), "%.2f", v);
	/* no trailing zeros: shorter files, the same picture */
	e = s + strlen(s);
	while (e[-1] == '0')
		*--e = '\0';
	if (e[-1] == '.')
		*--e = '\0';
	buf_addstr(out, strcmp(s, "-0") ? s : "0");
}

/* ` name="v"`, a number attribute. */
static void attr(struct buf *out, const char *name, double v)
{
	buf_addf(out, " %s=\"", name);
	num(out, v);
	buf_addch(out, '"');
}

/* ` name="#rrggbb"`. */
static void attr_colour(struct buf *out, const char *name, unsigned c)
{
	buf_addf(out, " %s=\"", name);
	colour(out, c);
	buf_addch(out, '"');
}

/* The chart as an SVG document. */
static void svg(struct buf *out, const struct chart *c)
{
	static const char *const anchor[] = { "start", "middle", "end" };

	buf_addstr(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
	num(out, c->width);
	buf_addch(out, ' ');
	num(out, c->height);
	buf_addch(out, '"');
	attr(out, "width", c->width);
	attr(out, "height", c->height);
	buf_addstr(out, "><title>");
	html_escape(out, c->alt);
	buf_addstr(out, "</title>");
	for (size_t i = 0; i < c->n_rects; i++) {
		const struct chart_rect *r = &c->rects[i];

		buf_addstr(out, "<rect");
		attr(out, "x", r->x);
		attr(out, "y", r->y);
		attr(out, "width", r->w);
		attr(out, "height", r->h);
		attr_colour(out, "fill", r->fill);
		buf_addstr(out, "/>");
	}
	for (size_t i = 0; i < c->n_lines; i++) {
		const struct chart_line *l = &c->lines[i];

		if (l->n > 1 && l->width > 0) {
			buf_addstr(out, "<polyline fill=\"none\"");
			attr_colour(out, "stroke", l->colour);
			attr(out, "stroke-width", l->width);
			buf_addstr(out, l->dashed ? " stroke-dasharray=\"3 2\" points=\"" :
					" points=\"");
			for (size_t k = 0; k < l->n; k++) {
				if (k)
					buf_addch(out, ' ');
				num(out, l->x[k]);
				buf_addch(out, ',');
				num(out, l->y[k]);
			}
			buf_addstr(out, "\"/>");
		}
		for (size_t k = 0; l->dots && k < l->n; k++) {
			buf_addstr(out, "<circle");
			attr(out, "cx", l->x[k]);
			attr(out, "cy", l->y[k]);
			attr(out, "r", 2.2);
			attr_colour(out, "fill", l->colour);
			buf_addstr(out, "/>");
		}
	}
	for (size_t i = 0; i < c->n_texts; i++) {
		const struct chart_text *t = &c->texts[i];

		buf_addstr(out, "<text");
		attr(out, "x", t->x);
		attr(out, "y", t->y);
		attr(out, "font-size", t->size);
		buf_addf(out, " text-anchor=\"%s\"", anchor[t->anchor]);
		attr_colour(out, "fill", t->colour);
		buf_addstr(out, " font-family=\"DejaVu Sans,Verdana,sans-serif\">");
		html_escape(out, t->text);
		buf_addstr(out, "</text>");
	}
	buf_addstr(out, "</svg>");
}

static void base64(struct buf *out, const unsigned char *p, size_t n)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 |
			     (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		buf_addch(out, abc[v >> 18 & 63]);
		buf_addch(out, abc[v >> 12 & 63]);
		buf_addch(out, i + 1 < n ? abc[v >> 6 & 63] : '=');
		buf_addch(out, i + 2 < n ? abc[v & 63] : '=');
	}
}

/* A chart: its SVG inline in the page as a data: image (the HTML parser
 * of libxml2, which checks the reports, knows no <svg>), with its text
 * alternative as the image's alt. */
static void chart(struct buf *out, const struct chart *c, const char *title)
{
	struct buf doc = BUF_INIT;

	svg(&doc, c);
	buf_addstr(out, "<div class=\"chart\"><img src=\"data:image/svg+xml;base64,");
	base64(out, (const unsigned char *)doc.data, doc.len);
	buf_addstr(out, "\" alt=\"");
	html_escape(out, c->alt);
	buf_addstr(out, "\">");
	if (title && *title) {
		buf_addstr(out, "<div class=\"caption\">");
		html_escape(out, title);
		buf_addstr(out, "</div>");
	}
	buf_addstr(out, "</div>\n");
	if (buf_error(&doc))
		out->err = doc.err;
	buf_release(&doc);
}

static void table(struct buf *out, const struct report_table *t)
{
	buf_addstr(out, "<div class=\"table-wrap\"><table>");
	if (t->caption && *t->caption) {
		buf_addstr(out, "<caption>");
		html_escape(out, t->caption);
		buf_addstr(out, "</caption>");
	}
	buf_addstr(out, "<colgroup>");
	for (size_t c = 0; c < t->ncols; c++)
		buf_addf(out, "<col style=\"width:%.1f%%\">", 100 * t->width[c]);
	buf_addstr(out, "</colgroup><thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		buf_addstr(out, t->align[c] == ALIGN_RIGHT ?
			   "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">");
		html_escape(out, t->head[c]);
		buf_addstr(out, "</th>");
	}
	buf_addstr(out, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		buf_addstr(out, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			size_t i = r * t->ncols + c;

			buf_addstr(out, t->align[c] == ALIGN_RIGHT ? "<td class=\"num\"" :
				   "<td");
			if (t->tone[i]) {
				buf_addstr(out, " style=\"color:");
				colour(out, t->tone[i]);
				buf_addstr(out, ";font-weight:600\"");
			}
			buf_addch(out, '>');
			html_escape(out, t->cells[i] ? t->cells[i] : "");
			buf_addstr(out, "</td>");
		}
		buf_addstr(out, "</tr>\n");
	}
	buf_addstr(out, "</tbody></table></div>\n");
}

static void block(struct buf *out, const struct report_block *b)
{
	switch (b->kind) {
	case BLOCK_HEADING:
		buf_addstr(out, b->level <= 1 ? "<h2" : "<h3");
		if (*b->id) {
			buf_addstr(out, " id=\"");
			html_escape(out, b->id);
			buf_addch(out, '"');
		}
		buf_addch(out, '>');
		html_escape(out, b->text);
		buf_addstr(out, b->level <= 1 ? "</h2>\n" : "</h3>\n");
		break;
	case BLOCK_PARAGRAPH:
		buf_addstr(out, "<p>");
		html_escape(out, b->text);
		buf_addstr(out, "</p>\n");
		break;
	case BLOCK_PRE:
		buf_addstr(out, "<pre>");
		escape_lines(out, b->text);
		buf_addstr(out, "</pre>\n");
		break;
	case BLOCK_FIGURES:
		buf_addstr(out, "<div class=\"figures\">");
		for (size_t i = 0; i < b->n_figures; i++) {
			const struct report_figure *f = &b->figures[i];

			buf_addstr(out, "<div class=\"figure\"><div class=\"value\"");
			if (f->tone) {
				buf_addstr(out, " style=\"color:");
				colour(out, f->tone);
				buf_addch(out, '"');
			}
			buf_addch(out, '>');
			html_escape(out, f->value);
			buf_addstr(out, "</div><div class=\"label\">");
			html_escape(out, f->label);
			buf_addstr(out, "</div>");
			if (*f->note) {
				buf_addstr(out, "<div class=\"note\">");
				html_escape(out, f->note);
				buf_addstr(out, "</div>");
			}
			buf_addstr(out, "</div>");
		}
		buf_addstr(out, "</div>\n");
		break;
	case BLOCK_TABLE:
		if (b->table)
			table(out, b->table);
		break;
	case BLOCK_CHART:
	case BLOCK_CHARTS:
		if (b->kind == BLOCK_CHARTS)
			buf_addstr(out, "<div class=\"charts\">");
		for (size_t i = 0; i < b->n_charts; i++)
			chart(out, b->charts[i], b->chart_titles[i]);
		if (b->kind == BLOCK_CHARTS)
			buf_addstr(out, "</div>\n");
		break;
	}
}

int html_render(const struct report *r, struct buf *out)
{
	if (r->err)
		return ST_ERR_NOMEM;
	head(out, r->title);
	buf_addstr(out, "<div class=\"title\"><h1>");
	html_escape(out, r->title);
	buf_addstr(out, "</h1>");
	if (r->subtitle && *r->subtitle) {
		buf_addstr(out, "<p class=\"sub\">");
		html_escape(out, r->subtitle);
		buf_addstr(out, "</p>");
	}
	buf_addstr(out, "<p class=\"meta\">");
	html_escape(out, r->date);
	if (r->author && *r->author) {
		buf_addstr(out, " · ");
		html_escape(out, r->author);
	}
	buf_addstr(out, "</p></div>\n");
	for (size_t i = 0; i < r->n_blocks; i++)
		block(out, &r->blocks[i]);
	buf_addstr(out, "<div class=\"foot\">");
	if (r->home && *r->home) {
		buf_addstr(out, "<a href=\"");
		html_escape(out, r->home);
		buf_addstr(out, "\">All reports</a> · ");
	}
	buf_addstr(out, "Written by " VERSION_NOTE " from its history.</div>\n"
		   "</div>\n</body>\n</html>\n");
	return buf_error(out) ? ST_ERR_NOMEM : 0;
}

int html_write(const struct report *r, const char *path, struct diag *d)
{
	struct buf out = BUF_INIT;
	int rc = html_render(r, &out);

	if (rc)
		rc = diag_set(d, (struct diag_pos){ path, 0, 0 }, "out of memory");
	else
		rc = files_write_atomic(path, out.data, out.len, d);
	buf_release(&out);
	return rc;
}

int html_write_index(const char *path, const char *title, const char *lead,
		     const struct html_link *links, size_t n, struct diag *d)
{
	struct buf out = BUF_INIT;
	int rc;

	head(&out, title);
	buf_addstr(&out, "<div class=\"title\"><h1>");
	html_escape(&out, title);
	buf_addstr(&out, "</h1><p class=\"meta\">");
	html_escape(&out, lead);
	buf_addstr(&out, "</p></div>\n<ul class=\"reports\">\n");
	for (size_t i = 0; i < n; i++) {
		buf_addstr(&out, "<li><a href=\"");
		html_escape(&out, links[i].href);
		buf_addstr(&out, "\">");
		html_escape(&out, links[i].title);
		buf_addstr(&out, "</a>");
		if (links[i].note && *links[i].note) {
			buf_addstr(&out, " — ");
			html_escape(&out, links[i].note);
		}
		buf_addstr(&out, "</li>\n");
	}
	buf_addstr(&out, "</ul>\n<div class=\"foot\">Written by " VERSION_NOTE
		   " from its history.</div>\n</div>\n</body>\n</html>\n");
	if (buf_error(&out))
		rc = diag_set(d, (struct diag_pos){ path, 0, 0 }, "out of memory");
	else
		rc = files_write_atomic(path, out.data, out.len, d);
	buf_release(&out);
	return rc;
}
