/*
 * buf.c - growable, bounded, NUL-terminated byte buffer.  See buf.h.
 */
#include "buf.h"

#include <ctype.h>

const char buf_empty[1] = "";

void buf_init(struct buf *b, size_t max)
{
	b->data = (char *)buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : LIMIT_BUF_DEFAULT_MAX;
	b->err = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		xfree(b->data);
	buf_init(b, b->max);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (!b->cap) {
		p = xstrdup("");
	} else {
		p = b->data;
	}
	buf_init(b, b->max);
	return p;
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, ncap;
	char *n;

	if (b->err)
		return b->err;
	if (!size_add(b->len, extra, &need) || need > b->max) {
		b->err = ST_ERR;
		return b->err;
	}
	if (need < b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap <= need) {
		if (!size_mul(ncap, 2, &ncap)) {
			b->err = ST_ERR;
			return b->err;
		}
	}
	/* ncap - 1, not b->max + 1: max may be SIZE_MAX (ncap >= 64 here) */
	if (ncap - 1 > b->max)
		ncap = b->max + 1;
	n = b->cap ? xrealloc(b->data, ncap) : xmalloc(ncap);
	if (!n) {
		b->err = ST_ERR_NOMEM;
		return b->err;
	}
	if (!b->cap)
		n[0] = '\0';
	b->data = n;
	b->cap = ncap;
	return 0;
}

void buf_add_slow(struct buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len))
		return;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch_slow(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add_slow(b, &ch, 1);
}

char *buf_addspace_slow(struct buf *b, size_t n)
{
	char *p;

	if (buf_reserve(b, n))
		return NULL;
	p = b->data + b->len;
	b->len += n;
	b->data[b->len] = '\0';
	return p;
}

void buf_addchars(struct buf *b, int c, size_t n)
{
	if (buf_reserve(b, n))
		return;
	memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->err)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->err = ST_ERR;
		return;
	}
	if (buf_reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_trim(struct buf *b)
{
	size_t start = 0, end = b->len;

	while (start < end && isspace((unsigned char)b->data[start]))
		start++;
	while (end > start && isspace((unsigned char)b->data[end - 1]))
		end--;
	if (start == 0 && end == b->len)
		return;
	memmove(b->data, b->data + start, end - start);
	b->len = end - start;
	b->data[b->len] = '\0';
}
