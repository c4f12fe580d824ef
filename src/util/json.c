/*
 * json.c - JSON string escaping and a reader for steward's own pair
 * arrays.  See json.h.
 */
#include "json.h"

#include <stdlib.h>

#include "utf8.h"

void json_string(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	buf_addch(out, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		int32_t cp;
		size_t n;

		if (c >= 0x80) {
			n = utf8_decode(s + i, len - i, &cp);
			if (cp == 0xFFFD && n == 1)
				buf_addstr(out, "\xEF\xBF\xBD");
			else
				buf_add(out, s + i, n);
			i += n;
			continue;
		}
		if (c == '"' || c == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, (char)c);
		} else if (c == '\n') {
			buf_addstr(out, "\\n");
		} else if (c == '\t') {
			buf_addstr(out, "\\t");
		} else if (c == '\r') {
			buf_addstr(out, "\\r");
		} else if (c < 0x20 || c == 0x7F) {
			buf_addstr(out, "\\u00");
			buf_addch(out, hex[c >> 4]);
			buf_addch(out, hex[c & 15]);
		} else {
			buf_addch(out, (char)c);
		}
		i++;
	}
	buf_addch(out, '"');
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read a JSON string at p (at its quote) into out; NULL on error. */
static const char *read_string(const char *p, struct buf *out)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if (*p != '\\') {
			buf_addch(out, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case 'n': buf_addch(out, '\n'); break;
		case 't': buf_addch(out, '\t'); break;
		case 'r': buf_addch(out, '\r'); break;
		case 'b': buf_addch(out, '\b'); break;
		case 'f': buf_addch(out, '\f'); break;
		case 'u': {
			int32_t cp = 0;

			for (int k = 1; k <= 4; k++) {
				int h = hexval(p[k]);

				if (h < 0)
					return NULL;
				cp = cp * 16 + h;
			}
			utf8_encode(cp, out);
			p += 4;
			break;
		}
		case '"': case '\\': case '/': buf_addch(out, *p); break;
		default: return NULL;
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

int json_pairs(const char *json, void (*fn)(void *, const char *, size_t, double),
	       void *arg)
{
	struct buf s = BUF_INIT;
	const char *p = skip_ws(json ? json : "");
	int n = 0;

	if (*p++ != '[')
		return -1;
	p = skip_ws(p);
	while (*p == '[') {
		char *end;
		double v;

		buf_reset(&s);
		p = read_string(skip_ws(p + 1), &s);
		if (!p || *(p = skip_ws(p)) != ',')
			goto bad;
		v = strtod(skip_ws(p + 1), &end);
		p = skip_ws(end);
		if (*p++ != ']')
			goto bad;
		fn(arg, s.data, s.len, v);
		n++;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	if (*p != ']')
		goto bad;
	buf_release(&s);
	return n;
bad:
	buf_release(&s);
	return -1;
}
