/*
 * buf.h - the growable byte buffer used everywhere.
 *
 * Modelled on git's strbuf, curl's dynbuf and SQLite's StrAccum: the data
 * pointer is never NULL and always NUL-terminated, the buffer never grows
 * past its maximum, and any failure (allocation or maximum) is sticky: later
 * appends do nothing and the caller checks buf_error() once at the end.
 */
#ifndef STEWARD_BUF_H
#define STEWARD_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "common.h"

struct buf {
	char *data;	/* never NULL; NUL-terminated */
	size_t len;	/* bytes used, not counting the NUL */
	size_t cap;	/* bytes allocated; 0 while data points at "" */
	size_t max;	/* longest len allowed */
	int err;	/* 0, ST_ERR (max reached) or ST_ERR_NOMEM */
};

#define BUF_INIT { (char *)buf_empty, 0, 0, LIMIT_BUF_DEFAULT_MAX, 0 }
extern const char buf_empty[1];

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
/* Detach the data (caller frees it with xfree); the buf is reset. */
char *buf_detach(struct buf *b, size_t *len);

/* len = 0, keeps memory, clears err */
static inline void buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->cap)
		b->data[0] = '\0';
}

void buf_truncate(struct buf *b, size_t len);
int buf_reserve(struct buf *b, size_t extra);

/* The out-of-line halves of buf_add(), buf_addch() and buf_addspace()
 * (below): grow, or fail. */
void buf_add_slow(struct buf *b, const void *data, size_t len);
void buf_addch_slow(struct buf *b, int c);

/*
 * Appends are inline for the common case, where the buffer has no error
 * and already has room (cap > len + n, leaving space for the NUL): one
 * compare and a copy.  Otherwise buf_add_slow() grows it, or records the
 * error.  cap - len never wraps: len < cap whenever cap > 0, and both are
 * 0 while data points at buf_empty.  cap never exceeds max + 1, so room
 * within cap is always within the maximum.
 */
static inline void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!b->err && len < b->cap - b->len) {
		if (len)
			memcpy(b->data + b->len, data, len);
		b->len += len;
		b->data[b->len] = '\0';
		return;
	}
	buf_add_slow(b, data, len);
}

static inline void buf_addch(struct buf *b, int c)
{
	if (!b->err && b->cap - b->len > 1) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = '\0';
		return;
	}
	buf_addch_slow(b, c);
}

void buf_addstr(struct buf *b, const char *s);
/*
 * Append n bytes of room and return where it starts, for the caller to
 * fill all n bytes (the NUL after them is written already); NULL, with
 * nothing appended and the sticky error set, when the buffer cannot grow.
 * Lets a loop that knows its output length reserve once instead of per
 * byte.
 */
char *buf_addspace_slow(struct buf *b, size_t n);
static inline char *buf_addspace(struct buf *b, size_t n)
{
	char *p;

	/* n < cap - len keeps len + n within max, as in buf_add() */
	if (!b->err && n < b->cap - b->len) {
		p = b->data + b->len;
		b->len += n;
		b->data[b->len] = '\0';
		return p;
	}
	return buf_addspace_slow(b, n);
}
void buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Append c n times. */
void buf_addchars(struct buf *b, int c, size_t n);

static inline int buf_error(const struct buf *b)
{
	return b->err;
}

/* Remove leading and trailing ASCII whitespace. */
void buf_trim(struct buf *b);

#endif
