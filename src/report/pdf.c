/*
 * pdf.c - a report (model.h) as a PDF, through libharu (see pdf.h).
 *
 * The only file that includes <hpdf.h>.  The writer walks the report's
 * blocks once, top to bottom, with a cursor on the current page, and
 * starts a new page whenever the next piece would cross the bottom
 * margin; footers ("Page N of M") are drawn at the end, once M is known.
 * Layout works from the top of the page down, as the model's charts do;
 * only the calls into libharu turn y upside down.
 *
 * Text.  libharu draws UTF-8 through its "UTF-8" encoder into the
 * embedded DejaVu fonts, but what the font has no glyph for comes out as
 * the font's blank .notdef box, unnoticed, and what the encoder cannot
 * carry (code points beyond U+FFFF) as a space.  So every string is made
 * drawable here first (text_add): invalid UTF-8, control characters and
 * code points the font lacks become a visible '?', counted in
 * pdf_stats.replaced.  Whether a glyph exists is asked of the font's own
 * cmap through libharu's TrueType font definition
 * (HPDF_TTFontDef_GetGlyphid), and the advance widths come from the same
 * font definition, cached per code point.  They are the widths
 * HPDF_Page_TextWidth returns and the PDF's /W array holds, so wrapping,
 * right alignment and centred chart labels measure what is drawn, at the
 * cost of an array read per character.
 *
 * libharu's UTF-8 CMap declares code space only up to lead byte 0xEC, so
 * code points from U+D000 up (Hangul syllables, private use, presentation
 * forms, U+FFFD itself) may be misread by a strict viewer; the writer
 * treats them as undrawable too, and that is why the replacement is '?'
 * rather than U+FFFD.
 *
 * Errors.  libharu calls an error handler and returns error codes; the
 * handler here only records the first error (no longjmp), and the writer
 * checks it after each block and before saving.  Allocation failures are
 * sticky in the same way.  The PDF goes to PATH.tmp and is renamed over
 * PATH only when complete.
 */
#include "report/pdf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>

#include "util/buf.h"
#include "util/files.h"
#include "util/utf8.h"

#define FONT_DIR "/usr/share/fonts/truetype/dejavu"
#define FONT_PACKAGE "fonts-dejavu-core"

/* Page geometry, in points (1/72 inch). */
#define MARGIN_SIDE 56.0
#define MARGIN_TOP 54.0
#define MARGIN_BOTTOM 64.0	/* the footer sits inside it */
#define FOOTER_BASE 34.0	/* footer baseline, above the page's edge */

/* Type: size and line height of each kind of text. */
#define TITLE_SIZE 21.0
#define TITLE_LEAD 26.0
#define SUBTITLE_SIZE 12.0
#define SUBTITLE_LEAD 16.0
#define META_SIZE 8.5
#define META_LEAD 12.0
#define H1_SIZE 14.5
#define H1_LEAD 19.0
#define H2_SIZE 11.0
#define H2_LEAD 15.0
#define BODY_SIZE 9.5
#define BODY_LEAD 14.0
#define CELL_SIZE 8.5
#define CELL_LEAD 11.5
#define HEAD_SIZE 8.0
#define CELL_PAD_X 5.0
#define CELL_PAD_Y 4.0
#define CAPTION_SIZE 8.0
#define CAPTION_LEAD 11.0
#define FIG_VALUE_SIZE 17.0
#define FIG_VALUE_LEAD 21.0
#define FIG_LABEL_SIZE 8.5
#define FIG_LABEL_LEAD 11.0
#define FIG_NOTE_SIZE 7.5
#define FIG_NOTE_LEAD 10.0
#define FIG_PAD 9.0
#define FIG_BAR 3.0		/* the tone's bar on a figure's left */
#define FIG_GAP 10.0
#define FIG_MIN_WIDTH 105.0
#define CHART_TITLE_SIZE 8.5
#define CHART_TITLE_LEAD 12.0
#define CHART_GAP 18.0		/* between small charts */
#define HIDDEN_SIZE 2.0		/* a chart's invisible text alternative */
#define MONO_SIZE 8.0
#define MONO_LEAD 10.5
#define PRE_PAD 7.0
#define FOOT_SIZE 7.5

/* Colours besides the model's. */
#define COLOUR_SOFT 0xf3f5f7u	/* behind figures and preformatted text */
#define COLOUR_FAINT 0xe4e7ebu	/* between table rows */

/* What a character the font cannot draw becomes (see the top). */
#define REPLACEMENT '?'

enum face { FACE_SANS, FACE_BOLD, FACE_MONO, N_FACES };

static const char *const face_file[N_FACES] = {
	"DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"
};

/* Code points below this are drawable when the font has them. */
#define DRAWABLE_END 0xD000u
#define ADV_UNKNOWN 0xFFFFu
#define ADV_MISSING 0xFFFEu

struct font {
	HPDF_Font h;		/* NULL until first used */
	HPDF_FontDef def;
	uint16_t *adv;		/* [DRAWABLE_END]: 1/1000 em, or ADV_* */
};

struct span {			/* one line of a struct text */
	size_t off, len;
	double width;		/* points */
};

/* A string made drawable in one face and size, and broken into lines. */
struct text {
	struct buf s;		/* UTF-8 of code points below DRAWABLE_END */
	struct span *line;
	size_t n, cap;
	enum face face;
	double size;
};

enum { TEXT_FLOW, TEXT_PRE };	/* white space collapsed, or kept */

struct writer {
	const struct report *r;
	const char *path;
	const char *font_dir;
	struct diag *d;
	HPDF_Doc doc;
	HPDF_Encoder enc;
	HPDF_Outline outline1;	/* the last level-1 heading's bookmark */
	struct font font[N_FACES];
	double pw, ph;		/* the page */
	double left, width;	/* the text column */
	double top, limit;	/* the highest and lowest y content takes */
	HPDF_Page page;
	HPDF_Page *pages;
	size_t n_pages, cap_pages;
	double y;		/* from the page's top: where the next piece goes */
	bool fresh;		/* nothing drawn on this page yet */
	double after;		/* room the last block wants below it */
	bool glued;		/* the last block was a heading */
	unsigned long replaced;
	int rc;			/* sticky: ST_ERR (diag set) or ST_ERR_NOMEM */
	HPDF_STATUS herr, hdetail;	/* the first libharu error */
	struct text *pool;	/* scratch texts for cells, figures, charts */
	size_t n_pool;
	struct buf line;	/* one line, NUL-terminated, for libharu */
};

static bool failed(const struct writer *w)
{
	return w->rc || w->herr;
}

static void on_error(HPDF_STATUS e, HPDF_STATUS detail, void *user)
{
	struct writer *w = user;

	if (!w->herr) {
		w->herr = e ? e : HPDF_INVALID_OBJECT;
		w->hdetail = detail;
	}
}

/* ---- fonts ---------------------------------------------------------------- */

static struct font *face_get(struct writer *w, enum face f)
{
	struct font *fc = &w->font[f];
	struct buf path = BUF_INIT;
	const char *name;

	if (fc->h)
		return fc;
	if (failed(w))
		return NULL;
	files_join(w->font_dir, face_file[f], &path);
	fc->adv = xmalloc(DRAWABLE_END * sizeof(*fc->adv));
	if (buf_error(&path) || !fc->adv) {
		w->rc = ST_ERR_NOMEM;
		goto out;
	}
	memset(fc->adv, 0xFF, DRAWABLE_END * sizeof(*fc->adv));
	name = HPDF_LoadTTFontFromFile(w->doc, path.data, HPDF_TRUE);
	if (name && !w->herr) {
		fc->def = HPDF_GetFontDef(w->doc, name);
		fc->h = HPDF_GetFont(w->doc, name, "UTF-8");
	}
	if (!fc->h || !fc->def || w->herr) {
		fc->h = NULL;
		w->rc = w->herr == HPDF_FAILD_TO_ALLOC_MEM ? ST_ERR_NOMEM :
			diag_set(w->d, (struct diag_pos){ path.data, 0, 0 },
				 "libharu cannot load this font (error 0x%04lX, "
				 "detail %lu); reinstall the Debian package "
				 FONT_PACKAGE, (unsigned long)w->herr,
				 (unsigned long)w->hdetail);
	}
out:
	buf_release(&path);
	return fc->h ? fc : NULL;
}

/* The advance of cp in 1/1000 em, or ADV_MISSING; cp < DRAWABLE_END. */
static unsigned face_adv(struct font *fc, uint32_t cp)
{
	uint16_t v = fc->adv[cp];

	if (v == ADV_UNKNOWN) {
		HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(fc->def,
							    (HPDF_UINT16)cp);
		HPDF_INT16 a = gid ? HPDF_TTFontDef_GetGidWidth(fc->def, gid) : 0;

		v = !gid ? ADV_MISSING : a < 0 ? 0 : (uint16_t)a;
		fc->adv[cp] = v;
	}
	return v;
}

static bool drawable(struct font *fc, int32_t cp)
{
	if (cp < 0x20 || cp >= (int32_t)DRAWABLE_END || cp == 0x7F ||
	    (cp >= 0x80 && cp < 0xA0))
		return false;
	return face_adv(fc, (uint32_t)cp) != ADV_MISSING;
}

/* Whether every font file is there, before anything is drawn: a missing
 * font is a setup problem, and its message must say how to fix it. */
static int fonts_check(struct writer *w)
{
	struct buf path = BUF_INIT;
	int rc = 0;

	for (int f = 0; f < N_FACES && !rc; f++) {
		FILE *fp;

		buf_reset(&path);
		files_join(w->font_dir, face_file[f], &path);
		if (buf_error(&path)) {
			rc = ST_ERR_NOMEM;
			break;
		}
		if ((fp = fopen(path.data, "rb"))) {
			fclose(fp);
			continue;
		}
		rc = diag_set(w->d, (struct diag_pos){ path.data, 0, 0 },
			      "cannot read the font %s: %s; PDF reports need "
			      "the DejaVu fonts of the Debian package "
			      FONT_PACKAGE, face_file[f], strerror(errno));
	}
	buf_release(&path);
	return rc;
}

/* ---- text ----------------------------------------------------------------- */

/* The next code point of drawable text, which is valid UTF-8 of at most
 * three bytes a character. */
static uint32_t next_cp(const char *s, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s + *i;

	if (u[0] < 0x80) {
		*i += 1;
		return u[0];
	}
	if (u[0] < 0xE0) {
		*i += 2;
		return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
	}
	*i += 3;
	return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
	       (u[2] & 0x3F);
}

static void text_init(struct text *t)
{
	memset(t, 0, sizeof(*t));
	buf_init(&t->s, LIMIT_BUF_DEFAULT_MAX);
}

static void text_release(struct text *t)
{
	buf_release(&t->s);
	xfree(t->line);
}

/*
 * Append s to t's text, made drawable.  TEXT_FLOW collapses runs of white
 * space into one space and drops them at either end, as HTML shows text;
 * TEXT_PRE keeps spaces and expands tabs to 8 columns (s is one line).
 */
static void text_add(struct writer *w, struct text *t, const char *s,
		     size_t len, int mode)
{
	struct font *fc = face_get(w, t->face);
	size_t i = 0, col = 0, start = t->s.len;
	bool gap = false;

	while (fc && i < len) {
		int32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		bool bad = cp == 0xFFFD && n == 1;

		i += n;
		if (mode == TEXT_PRE && cp == '\t') {
			buf_addchars(&t->s, ' ', 8 - col % 8);
			col += 8 - col % 8;
			continue;
		}
		if (mode == TEXT_PRE && (cp == '\r' || cp == '\n'))
			continue;
		if (mode == TEXT_FLOW &&
		    (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r')) {
			gap = t->s.len > start;
			continue;
		}
		if (gap)
			buf_addch(&t->s, ' ');
		gap = false;
		col++;
		if (!bad && drawable(fc, cp)) {
			buf_add(&t->s, s + i - n, n);
		} else {
			buf_addch(&t->s, REPLACEMENT);
			w->replaced++;
		}
	}
	if (buf_error(&t->s))
		w->rc = ST_ERR_NOMEM;
}

/* Make s (NULL: "") t's text in face f at size points, not yet broken. */
static void text_set(struct writer *w, struct text *t, enum face f,
		     double size, const char *s)
{
	buf_reset(&t->s);
	t->n = 0;
	t->face = f;
	t->size = size;
	text_add(w, t, s ? s : "", s ? strlen(s) : 0, TEXT_FLOW);
}

static void line_add(struct writer *w, struct text *t, size_t off, size_t len,
		     double width)
{
	if (xgrow(&t->line, &t->cap, t->n + 1, sizeof(*t->line))) {
		w->rc = ST_ERR_NOMEM;
		return;
	}
	t->line[t->n++] = (struct span){ off, len, width };
}

static double text_width(struct writer *w, const struct text *t,
			 size_t off, size_t len)
{
	struct font *fc = &w->font[t->face];
	double sum = 0;

	if (!fc->h)
		return 0;
	for (size_t i = off; i < off + len;)
		sum += face_adv(fc, next_cp(t->s.data, &i));
	return sum * t->size / 1000;
}

/*
 * Break t's text from byte off on into lines at most width points wide:
 * at spaces (which are dropped), after a hyphen or slash inside a word,
 * and, for a word longer than the line, between characters.  An empty
 * text gives one empty line when keep_empty (a blank line of
 * preformatted text), no line otherwise.
 */
static void text_wrap_from(struct writer *w, struct text *t, size_t off,
			   double width, bool keep_empty)
{
	struct font *fc = &w->font[t->face];
	const char *s = t->s.data;
	size_t len = t->s.len, start = off;
	double k = t->size / 1000;

	if (!fc->h)
		return;
	if (start == len && keep_empty)
		line_add(w, t, start, 0, 0);
	while (start < len) {
		size_t i = start, cut = start, resume = start;
		double x = 0, cut_x = 0;
		uint32_t prev = ' ';
		bool full = false;

		while (i < len) {
			size_t at = i;
			uint32_t cp = next_cp(s, &i);
			double cw = face_adv(fc, cp) * k;

			if (cp == ' ') {
				cut = at;
				cut_x = x;
				resume = i;
			} else if (x + cw > width && at > start) {
				i = at;
				full = true;
				break;
			}
			x += cw;
			if ((cp == '-' || cp == '/') && prev != ' ' && at > start) {
				cut = i;
				cut_x = x;
				resume = i;
			}
			prev = cp;
		}
		if (!full) {
			line_add(w, t, start, len - start, x);
			break;
		}
		if (cut > start) {
			line_add(w, t, start, cut - start, cut_x);
			start = resume;
		} else {
			line_add(w, t, start, i - start, x);
			start = i;
		}
		while (start < len && s[start] == ' ')
			start++;
	}
}

static void text_wrap(struct writer *w, struct text *t, double width)
{
	t->n = 0;
	text_wrap_from(w, t, 0, width, false);
}

/* n scratch texts, kept for the whole run. */
static struct text *pool_get(struct writer *w, size_t n)
{
	if (n > w->n_pool) {
		struct text *p = xreallocarray(w->pool, n, sizeof(*p));

		if (!p) {
			w->rc = ST_ERR_NOMEM;
			return NULL;
		}
		for (size_t i = w->n_pool; i < n; i++)
			text_init(&p[i]);
		w->pool = p;
		w->n_pool = n;
	}
	return w->pool;
}

/* ---- drawing -------------------------------------------------------------- */

static void set_fill(HPDF_Page p, unsigned rgb)
{
	HPDF_Page_SetRGBFill(p, (HPDF_REAL)((rgb >> 16) & 0xFF) / 255,
			     (HPDF_REAL)((rgb >> 8) & 0xFF) / 255,
			     (HPDF_REAL)(rgb & 0xFF) / 255);
}

static void set_stroke(HPDF_Page p, unsigned rgb)
{
	HPDF_Page_SetRGBStroke(p, (HPDF_REAL)((rgb >> 16) & 0xFF) / 255,
			       (HPDF_REAL)((rgb >> 8) & 0xFF) / 255,
			       (HPDF_REAL)(rgb & 0xFF) / 255);
}

/* Draw len bytes of drawable text s with its baseline at y (from the top). */
static void draw_run(struct writer *w, enum face f, double size,
		     unsigned colour, double x, double y, const char *s,
		     size_t len)
{
	HPDF_Page p = w->page;

	if (!p || !len || !w->font[f].h)
		return;
	buf_reset(&w->line);
	buf_add(&w->line, s, len);
	if (buf_error(&w->line)) {
		w->rc = ST_ERR_NOMEM;
		return;
	}
	HPDF_Page_BeginText(p);
	HPDF_Page_SetFontAndSize(p, w->font[f].h, (HPDF_REAL)size);
	set_fill(p, colour);
	HPDF_Page_TextOut(p, (HPDF_REAL)x, (HPDF_REAL)(w->ph - y), w->line.data);
	HPDF_Page_EndText(p);
	w->fresh = false;
}

/* Line k of t, its baseline at y; right-aligned to x + width when right. */
static void text_draw(struct writer *w, const struct text *t, size_t k,
		      double x, double y, unsigned colour)
{
	const struct span *l = &t->line[k];

	draw_run(w, t->face, t->size, colour, x, y, t->s.data + l->off, l->len);
}

/* The baseline of a line of text in a line box lead points high. */
static double baseline(double top, double size, double lead)
{
	return top + (lead - size) / 2 + size * 0.78;
}

/* Draw all of t's lines from top down, lead apart; returns the height. */
static double text_block(struct writer *w, const struct text *t, double x,
			 double top, double lead, unsigned colour)
{
	for (size_t k = 0; k < t->n; k++)
		text_draw(w, t, k, x, baseline(top + lead * (double)k, t->size, lead),
			  colour);
	return lead * (double)t->n;
}

static void rule(struct writer *w, double x0, double x1, double y,
		 double width, unsigned colour)
{
	if (!w->page)
		return;
	set_stroke(w->page, colour);
	HPDF_Page_SetLineWidth(w->page, (HPDF_REAL)width);
	HPDF_Page_MoveTo(w->page, (HPDF_REAL)x0, (HPDF_REAL)(w->ph - y));
	HPDF_Page_LineTo(w->page, (HPDF_REAL)x1, (HPDF_REAL)(w->ph - y));
	HPDF_Page_Stroke(w->page);
	w->fresh = false;
}

static void box(struct writer *w, double x, double y, double bw, double bh,
		unsigned colour)
{
	if (!w->page || bw <= 0 || bh <= 0)
		return;
	set_fill(w->page, colour);
	HPDF_Page_Rectangle(w->page, (HPDF_REAL)x, (HPDF_REAL)(w->ph - y - bh),
			    (HPDF_REAL)bw, (HPDF_REAL)bh);
	HPDF_Page_Fill(w->page);
	w->fresh = false;
}

/* ---- pages ---------------------------------------------------------------- */

static void page_new(struct writer *w)
{
	HPDF_Page p;

	if (failed(w))
		return;
	if (xgrow(&w->pages, &w->cap_pages, w->n_pages + 1, sizeof(*w->pages))) {
		w->rc = ST_ERR_NOMEM;
		return;
	}
	if (!(p = HPDF_AddPage(w->doc)))
		return;
	HPDF_Page_SetWidth(p, (HPDF_REAL)w->pw);
	HPDF_Page_SetHeight(p, (HPDF_REAL)w->ph);
	w->pages[w->n_pages++] = p;
	w->page = p;
	w->y = w->top;
	w->fresh = true;
}

/* Room for h points below the cursor, on a new page if they do not fit
 * here; a fresh page takes whatever comes (a taller piece is cut). */
static void room(struct writer *w, double h)
{
	if (!w->fresh && w->y + h > w->limit)
		page_new(w);
}

/* Space before a block: the larger of what the last block wants below it
 * and what this one wants above, none at the top of a page, and only the
 * heading's own below a heading, which belongs to what follows it. */
static void space(struct writer *w, double before)
{
	double gap = w->glued ? w->after : fmax(w->after, before);

	if (!w->fresh)
		w->y += gap;
	w->after = 0;
	w->glued = false;
}

/* ---- blocks --------------------------------------------------------------- */

static double block_lead(struct writer *w, size_t i, int depth);

static void title_block(struct writer *w)
{
	const struct report *r = w->r;
	struct text *t = pool_get(w, 1);
	struct buf meta = BUF_INIT;

	if (!t)
		return;
	text_set(w, t, FACE_BOLD, TITLE_SIZE, r->title);
	text_wrap(w, t, w->width);
	w->y += text_block(w, t, w->left, w->y, TITLE_LEAD, COLOUR_INK);
	if (r->subtitle && *r->subtitle) {
		text_set(w, t, FACE_SANS, SUBTITLE_SIZE, r->subtitle);
		text_wrap(w, t, w->width);
		w->y += 2 + text_block(w, t, w->left, w->y + 2, SUBTITLE_LEAD,
				       COLOUR_MUTED);
	}
	if (r->date && *r->date)
		buf_addstr(&meta, r->date);
	if (r->author && *r->author) {
		if (meta.len)
			buf_addstr(&meta, "  \xC2\xB7  ");	/* U+00B7 */
		buf_addstr(&meta, r->author);
	}
	if (buf_error(&meta))
		w->rc = ST_ERR_NOMEM;
	if (meta.len) {
		text_set(w, t, FACE_SANS, META_SIZE, meta.data);
		text_wrap(w, t, w->width);
		w->y += 6 + text_block(w, t, w->left, w->y + 6, META_LEAD,
				       COLOUR_MUTED);
	}
	buf_release(&meta);
	w->y += 10;
	rule(w, w->left, w->left + w->width, w->y, 0.8, COLOUR_RULE);
	w->after = 16;
}

/* A bookmark for a heading, at the cursor; t is the heading's text. */
static void bookmark(struct writer *w, int level, const struct text *t)
{
	HPDF_Outline parent = level > 1 ? w->outline1 : NULL;
	HPDF_Outline o;
	HPDF_Destination dst;
	size_t n = t->s.len;

	if (!w->page || !n)
		return;
	/* a bookmark is a short name; cut a long one at a character */
	if (n > 240) {
		n = 240;
		while (n && ((unsigned char)t->s.data[n] & 0xC0) == 0x80)
			n--;
	}
	buf_reset(&w->line);
	buf_add(&w->line, t->s.data, n);
	if (buf_error(&w->line)) {
		w->rc = ST_ERR_NOMEM;
		return;
	}
	if (!(o = HPDF_CreateOutline(w->doc, parent, w->line.data, w->enc)) ||
	    !(dst = HPDF_Page_CreateDestination(w->page)))
		return;
	HPDF_Destination_SetFitH(dst, (HPDF_REAL)(w->ph - w->y + 6));
	HPDF_Outline_SetDestination(o, dst);
	if (level <= 1) {
		HPDF_Outline_SetOpened(o, HPDF_TRUE);
		w->outline1 = o;
	}
}

static void heading_layout(struct writer *w, const struct report_block *b,
			   struct text *t, double *lead, double *after)
{
	bool one = b->level <= 1;

	text_set(w, t, FACE_BOLD, one ? H1_SIZE : H2_SIZE, b->text);
	text_wrap(w, t, w->width);
	*lead = one ? H1_LEAD : H2_LEAD;
	*after = one ? 8 : 4;	/* below the rule, for level 1 */
}

static void heading(struct writer *w, size_t i)
{
	const struct report_block *b = &w->r->blocks[i];
	struct text *t = pool_get(w, 1);
	double lead, after, h;

	if (!t)
		return;
	space(w, b->level <= 1 ? 22 : 14);
	heading_layout(w, b, t, &lead, &after);
	h = lead * (double)t->n;
	/* never alone at the foot of a page: room for what follows too */
	room(w, fmin(h + 2 + after + block_lead(w, i + 1, 0),
		     w->limit - w->top));
	/* block_lead used (and may have moved) the pool: lay out again */
	if (!(t = pool_get(w, 1)))
		return;
	heading_layout(w, b, t, &lead, &after);
	bookmark(w, b->level, t);
	w->y += text_block(w, t, w->left, w->y, lead, COLOUR_INK);
	if (b->level <= 1) {	/* a section starts under a rule, as in HTML */
		w->y += 2;
		rule(w, w->left, w->left + w->width, w->y, 0.5, COLOUR_RULE);
	}
	w->after = after;
	w->glued = true;
}

static void paragraph(struct writer *w, const char *s)
{
	struct text *t = pool_get(w, 1);

	if (!t)
		return;
	text_set(w, t, FACE_SANS, BODY_SIZE, s);
	text_wrap(w, t, w->width);
	if (!t->n)
		return;
	space(w, 8);
	/* no single line left at the foot of a page */
	room(w, BODY_LEAD * (t->n > 1 ? 2 : 1));
	for (size_t k = 0; k < t->n && !failed(w); k++) {
		if (k + 2 == t->n)	/* nor alone at the top of the next */
			room(w, 2 * BODY_LEAD);
		else
			room(w, BODY_LEAD);
		text_draw(w, t, k, w->left, baseline(w->y, BODY_SIZE, BODY_LEAD),
			  COLOUR_INK);
		w->y += BODY_LEAD;
	}
	w->after = 8;
}

/* -- key figures -- */

/* How many figures of n go side by side, and how wide each box is. */
static size_t figures_per_row(const struct writer *w, size_t n, double *bw)
{
	size_t most = (size_t)((w->width + FIG_GAP) / (FIG_MIN_WIDTH + FIG_GAP));
	size_t rows, per;

	most = most ? most : 1;
	rows = (n + most - 1) / most;
	per = rows ? (n + rows - 1) / rows : 1;
	*bw = (w->width - FIG_GAP * (double)(per - 1)) / (double)per;
	return per;
}

/* Lay out figures f[0..n) as boxes bw wide in t[3n]; the row's height. */
static double figures_layout(struct writer *w, const struct report_figure *f,
			     size_t n, double bw, struct text *t)
{
	double inner = bw - 2 * FIG_PAD - FIG_BAR, h = 0;

	for (size_t j = 0; j < n; j++) {
		struct text *v = &t[3 * j], *l = v + 1, *note = v + 2;
		double bh;

		text_set(w, v, FACE_BOLD, FIG_VALUE_SIZE, f[j].value);
		text_set(w, l, FACE_SANS, FIG_LABEL_SIZE, f[j].label);
		text_set(w, note, FACE_SANS, FIG_NOTE_SIZE, f[j].note);
		text_wrap(w, v, inner);
		text_wrap(w, l, inner);
		text_wrap(w, note, inner);
		bh = 2 * FIG_PAD + FIG_VALUE_LEAD * (double)v->n +
		     FIG_LABEL_LEAD * (double)l->n +
		     (note->n ? 3 + FIG_NOTE_LEAD * (double)note->n : 0);
		h = fmax(h, bh);
	}
	return h;
}

static void figures_draw(struct writer *w, const struct report_figure *f,
			 size_t n, double bw, double h, const struct text *t)
{
	for (size_t j = 0; j < n; j++) {
		const struct text *v = &t[3 * j], *l = v + 1, *note = v + 2;
		double x = w->left + (bw + FIG_GAP) * (double)j;
		double tx = x + FIG_BAR + FIG_PAD, ty = w->y + FIG_PAD;

		box(w, x, w->y, bw, h, COLOUR_SOFT);
		box(w, x, w->y, FIG_BAR, h, f[j].tone ? f[j].tone : COLOUR_RULE);
		ty += text_block(w, v, tx, ty, FIG_VALUE_LEAD,
				 f[j].tone ? f[j].tone : COLOUR_INK);
		ty += text_block(w, l, tx, ty, FIG_LABEL_LEAD, COLOUR_INK);
		text_block(w, note, tx, ty + 3, FIG_NOTE_LEAD, COLOUR_MUTED);
	}
}

/* The first row's height, for keeping a heading with it. */
static double figures_lead(struct writer *w, const struct report_block *b)
{
	double bw;
	size_t per = figures_per_row(w, b->n_figures, &bw);
	struct text *t = pool_get(w, 3 * per);

	if (!b->n_figures || !t)
		return 0;
	return figures_layout(w, b->figures, per, bw, t);
}

static void figures(struct writer *w, const struct report_block *b)
{
	double bw;
	size_t per, n = b->n_figures;
	struct text *t;

	if (!n)
		return;
	per = figures_per_row(w, n, &bw);
	if (!(t = pool_get(w, 3 * per)))
		return;
	space(w, 10);
	for (size_t at = 0; at < n && !failed(w); at += per) {
		size_t k = n - at < per ? n - at : per;
		double h = figures_layout(w, b->figures + at, k, bw, t);

		if (at)
			w->y += FIG_GAP;
		room(w, h);
		figures_draw(w, b->figures + at, k, bw, h, t);
		w->y += h;
	}
	w->after = 12;
}

/* -- tables -- */

struct table_geom {
	const struct report_table *t;
	double *x;		/* ncols + 1: each column's left edge, the end */
	double *want, *need;	/* ncols: widths in points */
	struct text *caption, *head, *cell;	/* 1, ncols, ncols */
	double head_h;
};

/* A cell with a tone of its own stands out in bold too, as in HTML. */
static enum face cell_face(const struct report_table *t, size_t i)
{
	return t->tone && t->tone[i] ? FACE_BOLD : FACE_SANS;
}

/* The widest word of t, in points: where it can break no further. */
static double widest_word(struct writer *w, const struct text *t)
{
	struct font *fc = &w->font[t->face];
	double k = t->size / 1000, word = 0, most = 0;

	if (!fc->h)
		return 0;
	for (size_t i = 0; i < t->s.len;) {
		uint32_t cp = next_cp(t->s.data, &i);

		if (cp == ' ') {
			word = 0;
			continue;
		}
		word += face_adv(fc, cp) * k;
		most = fmax(most, word);
		if (cp == '-' || cp == '/')
			word = 0;
	}
	return most;
}

/*
 * How wide each column is: its share of the line, except that a column
 * too narrow for the longest word of its header (or of its cells, up to
 * half as wide again as its share) takes the room from columns that have
 * some to spare, as a browser's table does, rather than break
 * "Completeness" after its eleventh letter.  No column grows past a third
 * of the line.
 */
static void table_widths(struct writer *w, struct table_geom *g)
{
	const struct report_table *t = g->t;
	unsigned long replaced = w->replaced;
	double sum = 0, lack = 0, spare = 0, x = w->left;

	for (size_t c = 0; c < t->ncols; c++)
		sum += isfinite(t->width[c]) && t->width[c] > 0 ? t->width[c] : 0;
	for (size_t c = 0; c < t->ncols; c++) {
		double most = 0;

		g->want[c] = w->width * (isfinite(t->width[c]) && t->width[c] > 0 &&
					 sum > 0 ? t->width[c] / sum :
					 1.0 / (double)t->ncols);
		for (size_t r = 0; r < t->nrows && !failed(w); r++) {
			text_set(w, &g->cell[0], cell_face(t, r * t->ncols + c),
				 CELL_SIZE, t->cells[r * t->ncols + c]);
			most = fmax(most, widest_word(w, &g->cell[0]));
		}
		/* a long identifier in a cell may break, within reason */
		most = fmin(most, 1.5 * (g->want[c] - 2 * CELL_PAD_X));
		most = fmax(most, widest_word(w, &g->head[c]));
		g->need[c] = fmin(most + 2 * CELL_PAD_X + 0.5, w->width / 3);
		if (g->need[c] > g->want[c])
			lack += g->need[c] - g->want[c];
		else
			spare += g->want[c] - g->need[c];
	}
	w->replaced = replaced;
	for (size_t c = 0; c < t->ncols; c++) {
		double k = lack > 0 && spare > 0 ? fmin(1, spare / lack) : 0;

		g->x[c] = x;
		if (g->need[c] > g->want[c])
			x += g->want[c] + (g->need[c] - g->want[c]) * k;
		else
			x += g->want[c] - (spare > 0 ? (g->want[c] - g->need[c]) *
					   lack * k / spare : 0);
	}
	g->x[t->ncols] = w->left + w->width;
}

static bool table_setup(struct writer *w, struct table_geom *g,
			const struct report_table *t)
{
	size_t nc = t->ncols;
	struct text *p;

	memset(g, 0, sizeof(*g));
	if (!nc || !(p = pool_get(w, 1 + 2 * nc)))
		return false;
	if (!(g->x = xcalloc(3 * nc + 1, sizeof(*g->x)))) {
		w->rc = ST_ERR_NOMEM;
		return false;
	}
	g->want = g->x + nc + 1;
	g->need = g->want + nc;
	g->t = t;
	g->caption = p;
	g->head = p + 1;
	g->cell = p + 1 + nc;
	text_set(w, g->caption, FACE_SANS, CAPTION_SIZE, t->caption);
	text_wrap(w, g->caption, w->width);
	for (size_t c = 0; c < nc; c++)
		text_set(w, &g->head[c], FACE_BOLD, HEAD_SIZE, t->head[c]);
	table_widths(w, g);
	g->head_h = 0;
	for (size_t c = 0; c < nc; c++) {
		text_wrap(w, &g->head[c], g->x[c + 1] - g->x[c] - 2 * CELL_PAD_X);
		g->head_h = fmax(g->head_h, CELL_LEAD * (double)g->head[c].n);
	}
	g->head_h += 2 * CELL_PAD_Y;
	return !failed(w);
}

/* Lay out row r in g->cell; returns its height in lines (at least 1). */
static size_t row_layout(struct writer *w, struct table_geom *g, size_t r)
{
	const struct report_table *t = g->t;
	size_t lines = 1;

	for (size_t c = 0; c < t->ncols; c++) {
		double cw = g->x[c + 1] - g->x[c] - 2 * CELL_PAD_X;

		text_set(w, &g->cell[c], cell_face(t, r * t->ncols + c),
			 CELL_SIZE, t->cells[r * t->ncols + c]);
		text_wrap(w, &g->cell[c], cw);
		lines = g->cell[c].n > lines ? g->cell[c].n : lines;
	}
	return lines;
}

/* Lines [from, from + count) of cells, at the cursor. */
static void cells_draw(struct writer *w, const struct table_geom *g,
		       const struct text *cells, size_t from, size_t count,
		       const unsigned *tone)
{
	for (size_t c = 0; c < g->t->ncols; c++) {
		const struct text *t = &cells[c];
		bool right = g->t->align[c] == ALIGN_RIGHT;
		unsigned colour = tone && tone[c] ? tone[c] : COLOUR_INK;

		for (size_t k = from; k < from + count && k < t->n; k++) {
			double x = right ? g->x[c + 1] - CELL_PAD_X - t->line[k].width
					 : g->x[c] + CELL_PAD_X;
			double top = w->y + CELL_PAD_Y + CELL_LEAD * (double)(k - from);

			text_draw(w, t, k, x, baseline(top, t->size, CELL_LEAD), colour);
		}
	}
}

static void table_head(struct writer *w, const struct table_geom *g)
{
	cells_draw(w, g, g->head, 0, SIZE_MAX / 2, NULL);
	w->y += g->head_h;
	rule(w, w->left, w->left + w->width, w->y, 0.8, COLOUR_MUTED);
}

/* How many lines of cells fit between the cursor and the foot. */
static size_t lines_fitting(const struct writer *w)
{
	double room_left = w->limit - w->y - 2 * CELL_PAD_Y;

	return room_left >= CELL_LEAD ? (size_t)(room_left / CELL_LEAD) : 0;
}

/* How many lines of cells fit on a page under the header. */
static size_t lines_per_page(const struct writer *w, const struct table_geom *g)
{
	double page_room = w->limit - w->top - g->head_h - 2 * CELL_PAD_Y;

	return page_room >= CELL_LEAD ? (size_t)(page_room / CELL_LEAD) : 1;
}

/*
 * Row r, laid out in g->cell, lines high.  A row that fits on a page is
 * never split: when it does not fit here, it goes to the next page under
 * the header again.  A row taller than a whole page is split where it
 * must be, its lines continuing under the header on the next page.
 */
static void row_draw(struct writer *w, const struct table_geom *g, size_t r,
		     size_t lines)
{
	const unsigned *tone = g->t->tone ? g->t->tone + r * g->t->ncols : NULL;
	size_t most = lines_per_page(w, g), from = 0;

	while (from < lines && !failed(w)) {
		size_t fit = lines_fitting(w), count;
		bool under_head = w->y <= w->top + g->head_h + 1e-6;

		if (under_head && !fit)
			fit = 1;	/* a page too small for anything */
		if (!fit || (fit < lines - from && lines - from <= most)) {
			page_new(w);
			table_head(w, g);
			continue;
		}
		count = fit < lines - from ? fit : lines - from;
		cells_draw(w, g, g->cell, from, count, tone);
		w->y += CELL_LEAD * (double)count + 2 * CELL_PAD_Y;
		from += count;
		rule(w, w->left, w->left + w->width, w->y, 0.5, COLOUR_FAINT);
		if (from < lines) {
			page_new(w);
			table_head(w, g);
		}
	}
}

/* Caption, header and the first row (the start of it, when it is taller
 * than a page): what must start on the same page. */
static double table_start_h(struct writer *w, struct table_geom *g)
{
	double h = g->head_h;

	if (g->caption->n)
		h += CAPTION_LEAD * (double)g->caption->n + 4;
	if (g->t->nrows) {
		size_t lines = row_layout(w, g, 0);

		if (lines > lines_per_page(w, g))
			lines = 3;
		h += CELL_LEAD * (double)lines + 2 * CELL_PAD_Y;
	}
	return h;
}

static double table_lead(struct writer *w, const struct report_block *b)
{
	struct table_geom g = { .x = NULL };
	double h = 0;

	if (b->table && table_setup(w, &g, b->table))
		h = table_start_h(w, &g);
	xfree(g.x);
	return h;
}

static void table(struct writer *w, const struct report_table *t)
{
	struct table_geom g = { .x = NULL };

	if (!t || !table_setup(w, &g, t)) {
		xfree(g.x);
		return;
	}
	space(w, 12);
	room(w, table_start_h(w, &g));
	if (g.caption->n) {
		w->y += text_block(w, g.caption, w->left, w->y, CAPTION_LEAD,
				   COLOUR_MUTED) + 4;
	}
	table_head(w, &g);
	for (size_t r = 0; r < t->nrows && !failed(w); r++)
		row_draw(w, &g, r, row_layout(w, &g, r));
	if (t->nrows)
		rule(w, w->left, w->left + w->width, w->y, 0.8, COLOUR_RULE);
	w->after = 14;
	xfree(g.x);
}

/* -- charts -- */

static bool finite4(double a, double b, double c, double d)
{
	return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d);
}

/* The scale that fits chart c in width points and a page's height. */
static double chart_scale(const struct writer *w, const struct chart *c,
			  double width, double reserve)
{
	double s, tall = w->limit - w->top - reserve;

	if (!finite4(c->width, c->height, 0, 0) || c->width <= 0 || c->height <= 0)
		return 0;
	s = fmin(1, width / c->width);
	if (c->height * s > tall)
		s = tall > 0 ? tall / c->height : 0;
	return s;
}

static void chart_rects(struct writer *w, const struct chart *c, double x0,
			double y0, double s)
{
	for (size_t i = 0; i < c->n_rects; i++) {
		const struct chart_rect *k = &c->rects[i];
		double x = k->w < 0 ? k->x + k->w : k->x;
		double y = k->h < 0 ? k->y + k->h : k->y;

		if (!finite4(k->x, k->y, k->w, k->h))
			continue;
		box(w, x0 + s * x, y0 + s * y, s * fabs(k->w), s * fabs(k->h),
		    k->fill);
	}
}

static void chart_line_draw(struct writer *w, const struct chart_line *l,
			    double x0, double y0, double s)
{
	HPDF_Page p = w->page;
	/* dots and dashes as the HTML writer's SVG draws them */
	double lw = fmin(s * l->width, 100), r = s * 2.2;
	bool moved = false;

	if (isfinite(lw) && lw > 0 && l->n > 1) {
		set_stroke(p, l->colour);
		HPDF_Page_SetLineWidth(p, (HPDF_REAL)lw);
		if (l->dashed) {
			/* 3 on, 2 off; whole points only in libharu 2.3 */
			HPDF_UINT16 dash[2] = {
				(HPDF_UINT16)fmax(1, fmin(100, round(3 * s))),
				(HPDF_UINT16)fmax(1, fmin(100, round(2 * s)))
			};

			HPDF_Page_SetDash(p, dash, 2, 0);
		}
		for (size_t i = 0; i < l->n; i++) {
			HPDF_REAL x = (HPDF_REAL)(x0 + s * l->x[i]);
			HPDF_REAL y = (HPDF_REAL)(w->ph - (y0 + s * l->y[i]));

			if (!isfinite(l->x[i]) || !isfinite(l->y[i]))
				continue;
			if (moved)
				HPDF_Page_LineTo(p, x, y);
			else
				HPDF_Page_MoveTo(p, x, y);
			moved = true;
		}
		if (moved)
			HPDF_Page_Stroke(p);
		if (l->dashed)
			HPDF_Page_SetDash(p, NULL, 0, 0);
	}
	if (!l->dots || !isfinite(r))
		return;
	set_fill(p, l->colour);
	for (size_t i = 0; i < l->n; i++) {
		if (!isfinite(l->x[i]) || !isfinite(l->y[i]))
			continue;
		HPDF_Page_Circle(p, (HPDF_REAL)(x0 + s * l->x[i]),
				 (HPDF_REAL)(w->ph - (y0 + s * l->y[i])),
				 (HPDF_REAL)r);
		HPDF_Page_Fill(p);
	}
}

static void chart_texts(struct writer *w, const struct chart *c, double x0,
			double y0, double s, struct text *t)
{
	for (size_t i = 0; i < c->n_texts; i++) {
		const struct chart_text *k = &c->texts[i];
		double size = s * k->size, x, tw;

		if (!finite4(k->x, k->y, size, 0) || size < 0.5 || size > 600)
			continue;
		text_set(w, t, FACE_SANS, size, k->text);
		tw = text_width(w, t, 0, t->s.len);
		x = x0 + s * k->x;
		if (k->anchor == ANCHOR_MIDDLE)
			x -= tw / 2;
		else if (k->anchor == ANCHOR_END)
			x -= tw;
		draw_run(w, FACE_SANS, size, k->colour, x, y0 + s * k->y,
			 t->s.data, t->s.len);
	}
}

/* Chart c at (x0, y0), s points a unit, clipped to its box as SVG is:
 * rectangles under lines under text. */
static void chart_draw(struct writer *w, const struct chart *c, double x0,
		       double y0, double s, struct text *t)
{
	HPDF_Page p = w->page;

	if (!p || s <= 0)
		return;
	HPDF_Page_GSave(p);
	HPDF_Page_Rectangle(p, (HPDF_REAL)x0, (HPDF_REAL)(w->ph - y0 - s * c->height),
			    (HPDF_REAL)(s * c->width), (HPDF_REAL)(s * c->height));
	HPDF_Page_Clip(p);
	HPDF_Page_EndPath(p);
	HPDF_Page_SetLineCap(p, HPDF_ROUND_END);
	HPDF_Page_SetLineJoin(p, HPDF_ROUND_JOIN);
	chart_rects(w, c, x0, y0, s);
	for (size_t i = 0; i < c->n_lines; i++)
		chart_line_draw(w, &c->lines[i], x0, y0, s);
	chart_texts(w, c, x0, y0, s, t);
	HPDF_Page_GRestore(p);
	w->fresh = false;
}

/*
 * One chart with its title under it, as the HTML writer captions it, in
 * t[0]; t[1] holds its text alternative and t[2] the chart's own labels.
 * HTML gives the alternative as the image's alt, read aloud but not seen;
 * an untagged PDF has no such place, so it is written over the chart as
 * invisible text, which text extraction and screen readers find: small,
 * in the strip along the chart's top edge, so that extraction does not
 * interleave it with the chart's own labels.
 */
struct chart_item {
	const struct chart *c;
	double s, width, height;	/* the scale; the item's box */
};

static void chart_item_layout(struct writer *w, struct chart_item *it,
			      const struct chart *c, const char *title,
			      double width, struct text *t)
{
	double reserve;

	text_set(w, &t[0], FACE_SANS, CHART_TITLE_SIZE, title);
	text_set(w, &t[1], FACE_SANS, HIDDEN_SIZE, c ? c->alt : NULL);
	it->c = c;
	it->s = 0;
	/* the title needs some width even under a very narrow chart */
	text_wrap(w, &t[0], width);
	reserve = t[0].n ? 4 + CHART_TITLE_LEAD * (double)t[0].n : 0;
	if (c)
		it->s = chart_scale(w, c, width, reserve);
	it->width = it->s > 0 ? fmax(c->width * it->s, fmin(width, 160)) : width;
	text_wrap(w, &t[0], it->width);
	text_wrap(w, &t[1], it->width);
	it->height = (it->s > 0 ? c->height * it->s : 0) +
		     (t[0].n ? 4 + CHART_TITLE_LEAD * (double)t[0].n : 0);
}

/* t's lines as invisible text from (x, y) down. */
static void text_hidden(struct writer *w, const struct text *t, double x,
			double y)
{
	if (!w->page || !t->n)
		return;
	HPDF_Page_GSave(w->page);	/* the rendering mode outlives ET */
	HPDF_Page_SetTextRenderingMode(w->page, HPDF_INVISIBLE);
	text_block(w, t, x, y, HIDDEN_SIZE * 1.2, COLOUR_INK);
	HPDF_Page_GRestore(w->page);
}

static void chart_item_draw(struct writer *w, const struct chart_item *it,
			    double x, double y, struct text *t)
{
	text_hidden(w, &t[1], x, y);
	if (it->s > 0) {
		chart_draw(w, it->c, x, y, it->s, &t[2]);
		y += it->c->height * it->s;
	}
	if (t[0].n)
		text_block(w, &t[0], x, y + 4, CHART_TITLE_LEAD, COLOUR_MUTED);
}

static double chart_lead(struct writer *w, const struct report_block *b)
{
	struct text *t = pool_get(w, 3);
	struct chart_item it;

	if (!t || !b->n_charts)
		return 0;
	chart_item_layout(w, &it, b->charts[0], b->text, w->width, t);
	return it.height;
}

static void chart_block(struct writer *w, const struct report_block *b)
{
	struct text *t = pool_get(w, 3);
	struct chart_item it;

	if (!t || !b->n_charts)
		return;
	space(w, 14);
	chart_item_layout(w, &it, b->charts[0], b->text, w->width, t);
	room(w, it.height);
	chart_item_draw(w, &it, w->left, w->y, t);
	w->y += it.height;
	w->after = 14;
}

/*
 * A row of small charts: side by side at their own size (or smaller, if
 * one is wider than the column), wrapping to a new row when the next does
 * not fit beside the others, each row kept on one page.
 */
static size_t charts_row(struct writer *w, const struct report_block *b,
			 size_t at, struct chart_item *it, struct text *t,
			 double *h)
{
	double x = 0;
	size_t k = 0;

	*h = 0;
	while (at + k < b->n_charts) {
		struct chart_item *one = &it[k];

		chart_item_layout(w, one, b->charts[at + k], b->chart_titles[at + k],
				  w->width, &t[3 * k]);
		if (k && x + CHART_GAP + one->width > w->width + 1e-6)
			break;
		x += (k ? CHART_GAP : 0) + one->width;
		*h = fmax(*h, one->height);
		k++;
	}
	return k;
}

static double charts_lead(struct writer *w, const struct report_block *b)
{
	size_t n = b->n_charts ? b->n_charts : 1;
	struct chart_item *it = xcalloc(n, sizeof(*it));
	struct text *t = pool_get(w, 3 * n);
	double h = 0;

	if (!it)
		w->rc = ST_ERR_NOMEM;
	if (it && t)
		charts_row(w, b, 0, it, t, &h);
	xfree(it);
	return h;
}

static void charts(struct writer *w, const struct report_block *b)
{
	struct chart_item *it;
	struct text *t;
	size_t at = 0;

	if (!b->n_charts)
		return;
	it = xcalloc(b->n_charts, sizeof(*it));
	t = pool_get(w, 3 * b->n_charts);
	if (!it || !t) {
		w->rc = ST_ERR_NOMEM;
		xfree(it);
		return;
	}
	space(w, 14);
	while (at < b->n_charts && !failed(w)) {
		double h, x = w->left;
		size_t k = charts_row(w, b, at, it, t, &h);

		if (at)
			w->y += 12;
		room(w, h);
		for (size_t j = 0; j < k; j++) {
			chart_item_draw(w, &it[j], x, w->y, &t[3 * j]);
			x += it[j].width + CHART_GAP;
		}
		w->y += h;
		at += k;
	}
	xfree(it);
	w->after = 14;
}

/* -- preformatted text -- */

/* Every line of s, tabs expanded, long lines wrapped, in t. */
static void pre_layout(struct writer *w, struct text *t, const char *s)
{
	double width = w->width - 2 * PRE_PAD;
	size_t len = s ? strlen(s) : 0;

	buf_reset(&t->s);
	t->n = 0;
	t->face = FACE_MONO;
	t->size = MONO_SIZE;
	/* a final newline ends the last line; it does not start another */
	if (len && s[len - 1] == '\n')
		len--;
	for (size_t i = 0; i <= len && !failed(w);) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len, off = t->s.len;

		text_add(w, t, s + i, end - i, TEXT_PRE);
		text_wrap_from(w, t, off, width, true);
		i = end + 1;
	}
}

static void pre(struct writer *w, const char *s)
{
	struct text *t = pool_get(w, 1);
	size_t k = 0;

	if (!t || !s || !*s)
		return;
	pre_layout(w, t, s);
	space(w, 10);
	room(w, 2 * PRE_PAD + MONO_LEAD * (double)(t->n < 3 ? t->n : 3));
	while (k < t->n && !failed(w)) {
		double avail = w->limit - w->y - 2 * PRE_PAD;
		size_t fit = avail >= MONO_LEAD ? (size_t)(avail / MONO_LEAD) : 0;
		size_t count = fit < t->n - k ? fit : t->n - k;
		double y = w->y + PRE_PAD;

		if (!count && w->fresh)
			count = 1;	/* a page too small for anything */
		if (!count) {
			page_new(w);
			continue;
		}
		box(w, w->left, w->y, w->width, 2 * PRE_PAD + MONO_LEAD * (double)count,
		    COLOUR_SOFT);
		for (size_t j = k; j < k + count; j++, y += MONO_LEAD)
			text_draw(w, t, j, w->left + PRE_PAD,
				  baseline(y, MONO_SIZE, MONO_LEAD), COLOUR_INK);
		w->y = y + PRE_PAD;
		k += count;
		if (k < t->n)
			page_new(w);
	}
	w->after = 10;
}

/* ---- the document ---------------------------------------------------------- */

/*
 * How much of block i must share a page with a heading above it: its
 * first lines, its first row, or all of a chart.  Measuring lays text out
 * in the scratch texts; what it replaces is not counted twice.
 */
static double block_lead(struct writer *w, size_t i, int depth)
{
	const struct report_block *b;
	unsigned long replaced = w->replaced;
	struct text *t = pool_get(w, 1);
	double h = 0, lead, after;

	if (i >= w->r->n_blocks || depth > 2 || !t)
		return 0;
	b = &w->r->blocks[i];
	switch (b->kind) {
	case BLOCK_HEADING:
		heading_layout(w, b, t, &lead, &after);
		h = lead * (double)t->n + 2 + after +
		    block_lead(w, i + 1, depth + 1);
		break;
	case BLOCK_PARAGRAPH:
		text_set(w, t, FACE_SANS, BODY_SIZE, b->text);
		text_wrap(w, t, w->width);
		h = BODY_LEAD * (double)(t->n < 2 ? t->n : 2);
		break;
	case BLOCK_FIGURES:
		h = figures_lead(w, b);
		break;
	case BLOCK_TABLE:
		h = table_lead(w, b);
		break;
	case BLOCK_CHART:
		h = chart_lead(w, b);
		break;
	case BLOCK_CHARTS:
		h = charts_lead(w, b);
		break;
	case BLOCK_PRE:
		h = 2 * PRE_PAD + 3 * MONO_LEAD;
		break;
	}
	w->replaced = replaced;
	return h;
}

static void blocks(struct writer *w)
{
	for (size_t i = 0; i < w->r->n_blocks && !failed(w); i++) {
		const struct report_block *b = &w->r->blocks[i];

		switch (b->kind) {
		case BLOCK_HEADING:
			heading(w, i);
			break;
		case BLOCK_PARAGRAPH:
			paragraph(w, b->text);
			break;
		case BLOCK_FIGURES:
			figures(w, b);
			break;
		case BLOCK_TABLE:
			table(w, b->table);
			break;
		case BLOCK_CHART:
			chart_block(w, b);
			break;
		case BLOCK_CHARTS:
			charts(w, b);
			break;
		case BLOCK_PRE:
			pre(w, b->text);
			break;
		}
	}
}

/* "Page N of M" and the title, drawn once every page exists. */
static void footers(struct writer *w)
{
	unsigned long replaced = w->replaced;
	struct text *t = pool_get(w, 2);
	char num[64];
	double y = w->ph - FOOTER_BASE;

	if (!t)
		return;
	text_set(w, &t[0], FACE_SANS, FOOT_SIZE, w->r->title);
	text_set(w, &t[1], FACE_SANS, FOOT_SIZE, "\xE2\x80\xA6");	/* … */
	w->replaced = replaced;	/* counted where the title block drew it */
	text_wrap(w, &t[0], w->width * 0.65 -
		  text_width(w, &t[1], 0, t[1].s.len));
	if (t[0].n > 1) {	/* one line, cut with an ellipsis */
		buf_truncate(&t[0].s, t[0].line[0].off + t[0].line[0].len);
		buf_add(&t[0].s, t[1].s.data, t[1].s.len);
		t[0].line[0].len = t[0].s.len - t[0].line[0].off;
		t[0].n = 1;
	}
	for (size_t i = 0; i < w->n_pages && !failed(w); i++) {
		double nw;

		w->page = w->pages[i];
		snprintf(num, sizeof(num), "Page %zu of %zu", i + 1, w->n_pages);
		text_set(w, &t[1], FACE_SANS, FOOT_SIZE, num);
		nw = text_width(w, &t[1], 0, t[1].s.len);
		rule(w, w->left, w->left + w->width, y - 11, 0.5, COLOUR_RULE);
		if (t[0].n)
			text_draw(w, &t[0], 0, w->left, y, COLOUR_MUTED);
		draw_run(w, FACE_SANS, FOOT_SIZE, COLOUR_MUTED,
			 w->left + w->width - nw, y, t[1].s.data, t[1].s.len);
	}
}

/* Document information is UTF-16 in the PDF, through the UTF-8 encoder,
 * which reads only valid sequences of the Basic Multilingual Plane. */
static void info_text(struct writer *w, HPDF_InfoType type, const char *s)
{
	struct buf b = BUF_INIT;
	size_t len = s ? strlen(s) : 0;

	for (size_t i = 0; i < len && b.len < 1000;) {
		int32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (cp < 0x20 || cp > 0xFFFF || (cp == 0xFFFD && n == 1))
			utf8_encode(cp < 0x20 && cp >= 0 ? ' ' : 0xFFFD, &b);
		else
			buf_add(&b, s + i, n);
		i += n;
	}
	if (buf_error(&b))
		w->rc = ST_ERR_NOMEM;
	else if (b.len)
		HPDF_SetInfoAttr(w->doc, type, b.data);
	buf_release(&b);
}

static void info(struct writer *w)
{
	time_t now = time(NULL);
	struct tm tm;

	info_text(w, HPDF_INFO_TITLE, w->r->title);
	info_text(w, HPDF_INFO_SUBJECT, w->r->subtitle);
	info_text(w, HPDF_INFO_AUTHOR, w->r->author);
	info_text(w, HPDF_INFO_CREATOR, "steward");
	if (gmtime_r(&now, &tm)) {
		HPDF_Date date = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				   tm.tm_hour, tm.tm_min, tm.tm_sec, 'Z', 0, 0 };

		HPDF_SetInfoDateAttr(w->doc, HPDF_INFO_CREATION_DATE, date);
	}
}

static int doc_open(struct writer *w, const struct pdf_opts *o)
{
	bool letter = o && o->paper == PAPER_LETTER;

	w->pw = letter ? 612 : 595.276;
	w->ph = letter ? 792 : 841.89;
	w->left = MARGIN_SIDE;
	w->width = w->pw - 2 * MARGIN_SIDE;
	w->top = MARGIN_TOP;
	w->limit = w->ph - MARGIN_BOTTOM;
	if (!(w->doc = HPDF_New(on_error, w)))
		return ST_ERR_NOMEM;
	HPDF_SetCompressionMode(w->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(w->doc);
	HPDF_SetCurrentEncoder(w->doc, "UTF-8");
	w->enc = HPDF_GetEncoder(w->doc, "UTF-8");
	info(w);
	return 0;
}

/* What a libharu error number means, for the few a user can act on. */
static const char *herr_what(HPDF_STATUS e)
{
	switch (e) {
	case HPDF_FILE_OPEN_ERROR:
		return "cannot create the file";
	case HPDF_FILE_IO_ERROR:
		return "cannot write the file";
	case HPDF_TTF_INVALID_CMAP:
	case HPDF_TTF_INVALID_FOMAT:
	case HPDF_TTF_MISSING_TABLE:
	case HPDF_TTF_CANNOT_EMBEDDING_FONT:
		return "a font is not usable";
	default:
		return "cannot make the PDF";
	}
}

/* The sticky state as a return code and a diagnostic naming the path. */
static int result(struct writer *w)
{
	if (w->rc == ST_ERR_NOMEM || w->herr == HPDF_FAILD_TO_ALLOC_MEM) {
		diag_set(w->d, (struct diag_pos){ w->path, 0, 0 },
			 "out of memory while writing the PDF");
		return ST_ERR_NOMEM;
	}
	if (w->rc)
		return w->rc;
	if (w->herr)
		return diag_set(w->d, (struct diag_pos){ w->path, 0, 0 },
				"%s (libharu error 0x%04lX, detail %lu%s%s)",
				herr_what(w->herr), (unsigned long)w->herr,
				(unsigned long)w->hdetail,
				w->herr == HPDF_FILE_OPEN_ERROR ? ": " : "",
				w->herr == HPDF_FILE_OPEN_ERROR ?
				strerror((int)w->hdetail) : "");
	return 0;
}

/* Save to PATH.tmp, then rename it over PATH: a reader of PATH sees the
 * old report or the new one, never half of one. */
static int save(struct writer *w)
{
	struct buf tmp = BUF_INIT;
	int rc = 0;

	buf_addf(&tmp, "%s.tmp", w->path);
	if (buf_error(&tmp)) {
		w->rc = ST_ERR_NOMEM;
		return result(w);
	}
	if (HPDF_SaveToFile(w->doc, tmp.data) != HPDF_OK || w->herr) {
		remove(tmp.data);
		rc = result(w);
		if (!rc)	/* an error code without a call of the handler */
			rc = diag_set(w->d, (struct diag_pos){ w->path, 0, 0 },
				      "cannot write the PDF to '%s'", tmp.data);
	} else if (rename(tmp.data, w->path)) {
		int e = errno;

		remove(tmp.data);
		rc = diag_set(w->d, (struct diag_pos){ w->path, 0, 0 },
			      "cannot put the PDF in place: %s", strerror(e));
	}
	buf_release(&tmp);
	return rc;
}

static void writer_release(struct writer *w)
{
	if (w->doc)
		HPDF_Free(w->doc);
	for (int f = 0; f < N_FACES; f++)
		xfree(w->font[f].adv);
	for (size_t i = 0; i < w->n_pool; i++)
		text_release(&w->pool[i]);
	xfree(w->pool);
	xfree(w->pages);
	buf_release(&w->line);
}

int pdf_write(const struct report *r, const char *path,
	      const struct pdf_opts *o, struct pdf_stats *st, struct diag *d)
{
	struct writer w;
	int rc;

	if (st)
		memset(st, 0, sizeof(*st));
	if (!r || !path || !*path)
		return diag_set(d, (struct diag_pos){ path, 0, 0 },
				"no report or no file name for the PDF");
	if (r->err) {	/* the model is incomplete: better no report */
		diag_set(d, (struct diag_pos){ path, 0, 0 },
			 "out of memory while building the report");
		return ST_ERR_NOMEM;
	}
	memset(&w, 0, sizeof(w));
	w.r = r;
	w.path = path;
	w.d = d;
	w.font_dir = o && o->font_dir ? o->font_dir : FONT_DIR;
	buf_init(&w.line, LIMIT_BUF_DEFAULT_MAX);
	if (!(rc = fonts_check(&w)) && !(rc = doc_open(&w, o))) {
		page_new(&w);
		title_block(&w);
		blocks(&w);
		footers(&w);
		rc = result(&w);
	}
	if (!rc)
		rc = save(&w);
	if (!rc && st) {
		st->pages = (unsigned)w.n_pages;
		st->replaced = w.replaced;
	}
	writer_release(&w);
	return rc;
}
