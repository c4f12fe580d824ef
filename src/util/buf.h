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

void buf_reset(struct buf *b);		/* len = 0, keeps memory, clears err */
void buf_truncate(struct buf *b, size_t len);
int buf_reserve(struct buf *b, size_t extra);

void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
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
