/*
 * alloc.h - the one allocator steward calls.
 *
 * Thin wrappers over malloc that check every size computation for overflow
 * (git's st_add/st_mult) and return NULL on failure instead of aborting, so
 * that callers report ST_ERR_NOMEM.  Tests can make the Nth allocation fail
 * (curl's torture mode) to prove that error paths leak nothing.
 */
#ifndef STEWARD_ALLOC_H
#define STEWARD_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void xfree(void *ptr);

/* Overflow-checked arithmetic: return false when the result would wrap. */
static inline bool size_add(size_t a, size_t b, size_t *out)
{
	return !__builtin_add_overflow(a, b, out);
}

static inline bool size_mul(size_t a, size_t b, size_t *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/*
 * Grow *arr (of *cap elements of elem size) to hold at least need elements.
 * Returns 0, or -1 when the allocation fails or the size overflows; on
 * failure *arr and *cap are unchanged.
 */
int xgrow(void *arr, size_t *cap, size_t need, size_t elem);

/*
 * Fault injection for tests: after alloc_fail_after(n), the (n+1)th
 * allocation from now fails, and so does every one after it until
 * alloc_fail_after(-1).  A process-wide counter, so only for single-threaded
 * tests; it is the one piece of mutable global state in the library.
 */
void alloc_fail_after(long n);
long alloc_count(void);

#endif
