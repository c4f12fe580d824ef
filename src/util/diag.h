/*
 * diag.h - diagnostics: where something is wrong, and what.
 *
 * A diagnostic names a position (file, line, column; or a byte offset, an
 * XML path or a record key) and carries one message.  It prints as
 *     file:line:col: message
 * (git's and compilers' style).  A struct diag holds the first error of an
 * operation (curl's rule: the first error wins); a struct diag_list collects
 * many, for commands such as `steward check` that report all errors.
 */
#ifndef STEWARD_DIAG_H
#define STEWARD_DIAG_H

#include <stdarg.h>

#include "buf.h"

struct diag_pos {
	const char *file;	/* not owned; may be NULL */
	unsigned long line;	/* 1-based; 0 when unknown */
	unsigned long col;	/* 1-based; 0 when unknown */
};

struct diag {
	int set;
	char file[512];
	unsigned long line, col;
	char msg[1024];
};

void diag_clear(struct diag *d);
/* Record an error unless one is already recorded.  Returns ST_ERR. */
int diag_set(struct diag *d, struct diag_pos pos, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
int diag_vset(struct diag *d, struct diag_pos pos, const char *fmt, va_list ap);
/* "file:line:col: msg" into out. */
void diag_format(const struct diag *d, struct buf *out);

struct diag_list {
	struct diag *items;
	size_t n, cap;
	size_t dropped; /* errors beyond LIMIT_DIAGNOSTICS, counted only */
};

void diag_list_init(struct diag_list *l);
void diag_list_release(struct diag_list *l);
void diag_list_add(struct diag_list *l, struct diag_pos pos, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
void diag_list_push(struct diag_list *l, const struct diag *d);
/* Sort by file, line, column (stable) so output reads top to bottom. */
void diag_list_sort(struct diag_list *l);
size_t diag_list_count(const struct diag_list *l);

#endif
