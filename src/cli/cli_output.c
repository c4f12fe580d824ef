/*
 * cli_output.c - aligned tables, CSV and JSON for the history commands.
 * See cli_output.h.
 *
 * Every cell is prepared for its format when it is added (cleaned for a
 * terminal, or made valid UTF-8 for CSV), so rendering only measures and
 * quotes.  The JSON readers at the end accept exactly RFC 8259; they are
 * here rather than in util/json.c because only the CLI reads these
 * columns back.
 */
#include "cli/cli_output.h"

#include <math.h>

#include "util/json.h"
#include "util/utf8.h"

#define OUT_JSON_MAX_DEPTH 64	/* nesting the validator follows */
#define OUT_RULE_MAX 40		/* widest underline of an uncut last column */

int out_format_parse(const char *s, enum out_format *f)
{
	static const char *const names[] = { "table", "csv", "json" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

void out_table_init(struct out_table *t, enum out_format f,
		    const struct out_col *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->format = f;
	t->cols = cols;
	t->ncols = ncols;
	arena_init(&t->text, 16384);
}

void out_table_release(struct out_table *t)
{
	arena_release(&t->text);
	xfree(t->cells);
	memset(t, 0, sizeof(*t));
}

size_t out_table_rows(const struct out_table *t)
{
	return t->ncols ? (t->n + t->ncols - 1) / t->ncols : 0;
}

/* For a terminal: line breaks and tabs become spaces, so that a record
 * stays on one line; other control characters (C0, DEL and C1, which a
 * terminal may obey) and invalid bytes become U+FFFD. */
static void clean_for_terminal(const char *s, size_t len, struct buf *out)
{
	size_t i = 0;

	while (i < len) {
		int32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (cp == '\n' || cp == '\r' || cp == '\t')
			buf_addch(out, ' ');
		else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
			 (cp == 0xFFFD && n == 1))
			buf_addstr(out, "\xEF\xBF\xBD");
		else
			buf_add(out, s + i, n);
		i += n;
	}
}

static void push(struct out_table *t, char *cell)
{
	if (xgrow(&t->cells, &t->cap, t->n + 1, sizeof(*t->cells))) {
		t->err = ST_ERR_NOMEM;
		return;
	}
	t->cells[t->n++] = cell;
}

void out_add(struct out_table *t, const char *s)
{
	struct buf clean = BUF_INIT;
	char *cell = NULL;

	if (s && t->format == OUT_TABLE)
		clean_for_terminal(s, strlen(s), &clean);
	else if (s && t->format == OUT_CSV)
		utf8_sanitize(s, strlen(s), &clean);
	if (s) {
		cell = t->format == OUT_JSON ? arena_strdup(&t->text, s) :
		       arena_strndup(&t->text, clean.data, clean.len);
		if (!cell || buf_error(&clean))
			t->err = ST_ERR_NOMEM;
	}
	buf_release(&clean);
	push(t, cell);
}

void out_addf(struct out_table *t, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (buf_error(&b))
		t->err = ST_ERR_NOMEM;
	out_add(t, b.data);
	buf_release(&b);
}

void out_add_int(struct out_table *t, int64_t v)
{
	out_addf(t, "%lld", (long long)v);
}

void out_add_real(struct out_table *t, double v, int decimals)
{
	if (isfinite(v))
		out_addf(t, "%.*f", decimals, v);
	else
		out_add(t, NULL);
}

void out_add_bool(struct out_table *t, bool v)
{
	out_add(t, v ? "yes" : "no");
}

static const char *cell_at(const struct out_table *t, size_t row, size_t col)
{
	size_t i = row * t->ncols + col;

	return i < t->n ? t->cells[i] : NULL;
}

/* ---- the aligned table -------------------------------------------------- */

static size_t shown_width(const struct out_col *c, const char *s)
{
	size_t w = utf8_width(s, strlen(s));

	return c->max_width && w > c->max_width ? c->max_width : w;
}

/* s cut to the column's maximum with "…", padded to width on the side the
 * column aligns to. */
static void put_cell(struct buf *out, const struct out_col *c, const char *s,
		     size_t width)
{
	size_t len = strlen(s), w = utf8_width(s, len), pad;
	bool cut = c->max_width > 1 && w > c->max_width;

	if (cut) {
		len = utf8_prefix_for_width(s, len, c->max_width - 1);
		w = utf8_width(s, len) + 1;
	}
	pad = width > w ? width - w : 0;
	if (c->type == OUT_NUM)
		buf_addchars(out, ' ', pad);
	buf_add(out, s, len);
	if (cut)
		buf_addstr(out, "\xE2\x80\xA6");
	if (c->type != OUT_NUM)
		buf_addchars(out, ' ', pad);
}

static void end_line(struct buf *out)
{
	while (out->len && out->data[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);
	buf_addch(out, '\n');
}

static const char *title_of(const struct out_col *c)
{
	return c->title ? c->title : c->key;
}

static void render_table(const struct out_table *t, struct buf *out,
			 size_t *w)
{
	size_t rows = out_table_rows(t);

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = shown_width(&t->cols[c], title_of(&t->cols[c]));
		for (size_t r = 0; r < rows; r++) {
			const char *s = cell_at(t, r, c);
			size_t cw = shown_width(&t->cols[c], s ? s : "-");

			w[c] = cw > w[c] ? cw : w[c];
		}
	}
	for (size_t c = 0; c < t->ncols; c++) {
		put_cell(out, &t->cols[c], title_of(&t->cols[c]), w[c]);
		buf_addstr(out, "  ");
	}
	end_line(out);
	for (size_t c = 0; c < t->ncols; c++) {
		/* a long uncut last column (messages) is underlined only as
		 * wide as its title, not as the longest message */
		bool open_end = c + 1 == t->ncols && !t->cols[c].max_width &&
				w[c] > OUT_RULE_MAX;

		buf_addchars(out, '-', open_end ? shown_width(&t->cols[c],
			     title_of(&t->cols[c])) : w[c]);
		buf_addstr(out, "  ");
	}
	end_line(out);
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = cell_at(t, r, c);

			put_cell(out, &t->cols[c], s ? s : "-", w[c]);
			buf_addstr(out, "  ");
		}
		end_line(out);
	}
}

/* ---- CSV ---------------------------------------------------------------- */

/* RFC 4180 quoting.  A text cell a spreadsheet would run as a formula
 * (starting with = + - @, or a tab or carriage return that some strip
 * first) gets a leading apostrophe, as OWASP advises; numbers we wrote
 * ourselves are left alone. */
void out_csv_cell(struct buf *out, const char *s, bool number)
{
	bool formula, quote;

	if (!s)
		return;
	formula = !number && s[0] && strchr("=+-@\t\r", s[0]);
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_addch(out, '"');
	if (formula)
		buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(out, '"');
		buf_addch(out, *s);
	}
	if (quote)
		buf_addch(out, '"');
}

void out_csv_header(struct buf *out, const struct out_col *cols, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		if (c)
			buf_addch(out, ',');
		out_csv_cell(out, cols[c].key, false);
	}
	buf_addch(out, '\n');
}

static void render_csv(const struct out_table *t, struct buf *out)
{
	size_t rows = out_table_rows(t);

	out_csv_header(out, t->cols, t->ncols);
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				buf_addch(out, ',');
			out_csv_cell(out, cell_at(t, r, c), t->cols[c].type == OUT_NUM);
		}
		buf_addch(out, '\n');
	}
}

/* ---- JSON --------------------------------------------------------------- */

static const char *js_value(const char *p, int depth);
static bool js_number_only(const char *s);

void out_json_value(struct buf *out, const struct out_col *c, const char *s)
{
	if (!s)
		buf_addstr(out, "null");
	else if (c->type == OUT_BOOL)
		buf_addstr(out, !strcmp(s, "yes") ? "true" : "false");
	else if (c->type == OUT_NUM && js_number_only(s))
		buf_addstr(out, s);
	else if (c->type == OUT_JSONTEXT && out_json_valid(s))
		buf_addstr(out, s);
	else
		json_cstring(out, s);
}

static void render_json(const struct out_table *t, struct buf *out)
{
	size_t rows = out_table_rows(t);

	buf_addch(out, '[');
	for (size_t r = 0; r < rows; r++) {
		buf_addstr(out, r ? ",\n  {" : "\n  {");
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				buf_addstr(out, ", ");
			json_cstring(out, t->cols[c].key);
			buf_addstr(out, ": ");
			out_json_value(out, &t->cols[c], cell_at(t, r, c));
		}
		buf_addch(out, '}');
	}
	buf_addstr(out, rows ? "\n]\n" : "]\n");
}

int out_table_render(const struct out_table *t, struct buf *out)
{
	size_t *w;

	if (t->err)
		return ST_ERR_NOMEM;
	switch (t->format) {
	case OUT_TABLE:
		w = xcalloc(t->ncols ? t->ncols : 1, sizeof(*w));
		if (!w)
			return ST_ERR_NOMEM;
		render_table(t, out, w);
		xfree(w);
		break;
	case OUT_CSV:
		render_csv(t, out);
		break;
	case OUT_JSON:
		render_json(t, out);
		break;
	}
	return buf_error(out);
}

/* ---- reading JSON (RFC 8259) -------------------------------------------- */

static const char *js_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static int js_hex4(const char *p, int32_t *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int h = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (h < 0)
			return -1;	/* also stops at the terminating NUL */
		*cp = *cp * 16 + h;
	}
	return 0;
}

/* p at the 'u' of \uXXXX: a surrogate pair is joined, a lone surrogate
 * becomes U+FFFD. */
static const char *js_escape_u(const char *p, struct buf *out)
{
	int32_t cp, lo;

	if (js_hex4(p + 1, &cp))
		return NULL;
	p += 5;
	if (cp >= 0xD800 && cp <= 0xDBFF && p[0] == '\\' && p[1] == 'u' &&
	    !js_hex4(p + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p += 6;
	} else if (cp >= 0xD800 && cp <= 0xDFFF) {
		cp = 0xFFFD;
	}
	if (out)
		utf8_encode(cp, out);
	return p;
}

/* A string at p (its quote), unescaped into out when out is not NULL;
 * returns the position after it, or NULL. */
static const char *js_string(const char *p, struct buf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";

	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p;
		const char *e;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;	/* a raw control character, or the end */
		if (c != '\\') {
			if (out)
				buf_addch(out, (char)c);
			p++;
			continue;
		}
		if (p[1] == 'u') {
			if (!(p = js_escape_u(p + 1, out)))
				return NULL;
			continue;
		}
		if (!p[1] || !(e = strchr(from, p[1])))
			return NULL;
		if (out)
			buf_addch(out, to[e - from]);
		p += 2;
	}
}

static const char *js_digits(const char *p)
{
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

static const char *js_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (!(p = js_digits(p)))
		return NULL;
	if (*p == '.' && !(p = js_digits(p + 1)))
		return NULL;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		p = js_digits(p);
	}
	return p;
}

static bool js_number_only(const char *s)
{
	const char *end = js_number(s);

	return end && !*end;
}

/* An array or object at p (its bracket), ending with `close`. */
static const char *js_list(const char *p, int depth, char close)
{
	p = js_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			p = js_string(js_ws(p), NULL);
			if (!p || *(p = js_ws(p)) != ':')
				return NULL;
			p++;
		}
		if (!(p = js_value(p, depth + 1)))
			return NULL;
		p = js_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *js_value(const char *p, int depth)
{
	if (depth > OUT_JSON_MAX_DEPTH)
		return NULL;
	p = js_ws(p);
	switch (*p) {
	case '{': return js_list(p, depth, '}');
	case '[': return js_list(p, depth, ']');
	case '"': return js_string(p, NULL);
	case 't': return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f': return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n': return strncmp(p, "null", 4) ? NULL : p + 4;
	default: return js_number(p);
	}
}

bool out_json_valid(const char *s)
{
	const char *end;

	if (!s || !utf8_valid(s, strlen(s)))
		return false;
	end = js_value(s, 0);
	return end && !*js_ws(end);
}

/* One call per element of an array of strings (open '['), or per member
 * of an object whose values are numbers (open '{'). */
static int js_walk(const char *s, char open, void (*fn)(void *, const char *,
	size_t, double), void *arg)
{
	struct buf text = BUF_INIT;
	const char *p = js_ws(s ? s : "");
	char close = open == '{' ? '}' : ']';
	int n = 0;

	if (*p++ != open)
		return -1;
	p = js_ws(p);
	while (*p != close) {
		const char *end;

		buf_reset(&text);
		if (!(p = js_string(p, &text)) || buf_error(&text))
			goto bad;
		p = js_ws(p);
		if (open == '{') {
			if (*p != ':' || !(end = js_number(p = js_ws(p + 1))))
				goto bad;
			fn(arg, text.data, text.len, strtod(p, NULL));
			p = end;
		} else {
			fn(arg, text.data, text.len, 0);
		}
		n++;
		p = js_ws(p);
		if (*p == close)
			break;
		if (*p != ',' || *(p = js_ws(p + 1)) == close)
			goto bad;	/* no comma, or a trailing one */
	}
	buf_release(&text);
	return *js_ws(p + 1) ? -1 : n;
bad:
	buf_release(&text);
	return -1;
}

int out_json_counts(const char *s, void (*fn)(void *, const char *, size_t,
					      double), void *arg)
{
	return js_walk(s, '{', fn, arg);
}

struct strings_fn {
	void (*fn)(void *, const char *, size_t);
	void *arg;
};

static void one_string(void *arg, const char *s, size_t len, double unused)
{
	struct strings_fn *sf = arg;

	UNUSED(unused);
	sf->fn(sf->arg, s, len);
}

int out_json_strings(const char *s, void (*fn)(void *, const char *, size_t),
		     void *arg)
{
	struct strings_fn sf = { fn, arg };

	return js_walk(s, '[', one_string, &sf);
}
