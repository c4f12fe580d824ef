/*
 * util.c - the few general helpers of steward-genworld: the error printer,
 * a checked allocator, and bounded string copying (the generator never
 * uses strcpy/strcat; see gw.h).
 */
#include "gw.h"

#include <stdarg.h>

void gw_error(const char *fmt, ...)
{
	va_list ap;

	fputs("steward-genworld: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *gw_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		gw_error("out of memory (%zu x %zu bytes)", n, size);
		exit(1);
	}
	return p;
}

void *gw_realloc(void *p, size_t n, size_t size)
{
	size_t bytes;
	void *q;

	if (__builtin_mul_overflow(n, size, &bytes)) {
		gw_error("allocation size overflows (%zu x %zu)", n, size);
		exit(1);
	}
	q = realloc(p, bytes ? bytes : 1);
	if (!q) {
		gw_error("out of memory (%zu bytes)", bytes);
		exit(1);
	}
	return q;
}

void gw_append(char *dst, size_t cap, const char *s)
{
	size_t len = strnlen(dst, cap);

	while (*s && len + 1 < cap)
		dst[len++] = *s++;
	if (len < cap)
		dst[len] = '\0';
}

void gw_copy(char *dst, size_t cap, const char *s)
{
	if (cap == 0)
		return;
	dst[0] = '\0';
	gw_append(dst, cap, s);
}
