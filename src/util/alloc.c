/*
 * alloc.c - checked allocation with optional fault injection.
 *
 * See alloc.h.  The fault-injection counter is a deliberate exception to
 * "no mutable global state": it exists only to let tests fail allocations,
 * and costs one compare per allocation.
 */
#include "common.h"

static long fail_after = -1;
static long allocations;

void alloc_fail_after(long n)
{
	fail_after = n;
	allocations = 0;
}

long alloc_count(void)
{
	return allocations;
}

static bool should_fail(void)
{
	allocations++;
	return fail_after >= 0 && allocations > fail_after;
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
