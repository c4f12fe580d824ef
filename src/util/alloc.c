/*
 * alloc.c - checked allocation with optional fault injection.
 *
 * See alloc.h.  The fault-injection counter is a deliberate exception to
 * "no mutable global state": it exists only to let tests fail allocations,
 * and costs one atomic add and one load per allocation.  Both variables
 * are atomics because worker threads allocate concurrently: relaxed order
 * is enough, since they synchronise nothing else, and a single-threaded
 * test sees exactly the plain counter it always did.
 */
#include "common.h"

#include <stdatomic.h>

static atomic_long fail_after = -1;
static atomic_long allocations;

void alloc_fail_after(long n)
{
	atomic_store_explicit(&fail_after, n, memory_order_relaxed);
	atomic_store_explicit(&allocations, 0, memory_order_relaxed);
}

long alloc_count(void)
{
	return atomic_load_explicit(&allocations, memory_order_relaxed);
}

static bool should_fail(void)
{
	long n = atomic_fetch_add_explicit(&allocations, 1,
					   memory_order_relaxed) + 1;
	long limit = atomic_load_explicit(&fail_after, memory_order_relaxed);

	return limit >= 0 && n > limit;
}

void *xmalloc(size_t size)
{
	if (should_fail())
		return NULL;
	return malloc(size ? size : 1);
}

void *xcalloc(size_t nmemb, size_t size)
{
	size_t total;

	if (!size_mul(nmemb, size, &total) || should_fail())
		return NULL;
	return calloc(1, total ? total : 1);
}

void *xrealloc(void *ptr, size_t size)
{
	if (should_fail())
		return NULL;
	return realloc(ptr, size ? size : 1);
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t total;

	if (!size_mul(nmemb, size, &total))
		return NULL;
	return xrealloc(ptr, total);
}

char *xstrndup(const char *s, size_t n)
{
	size_t total;
	char *p;

	if (!size_add(n, 1, &total))
		return NULL;
	p = xmalloc(total);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void xfree(void *ptr)
{
	free(ptr);
}

int xgrow(void *arr, size_t *cap, size_t need, size_t elem)
{
	void **p = arr;
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (!size_mul(ncap, 2, &ncap))
			return -1;
	}
	n = xreallocarray(*p, ncap, elem);
	if (!n)
		return -1;
	*p = n;
	*cap = ncap;
	return 0;
}
