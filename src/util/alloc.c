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
#define _DEFAULT_SOURCE	/* madvise() */
#include "common.h"

#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

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

/*
 * A block of HUGE_MIN or more (the identity stage's and the reconciler's
 * arrays and tables) is advised to be backed by 2 MiB pages where the
 * kernel offers them on request (transparent huge pages in "madvise"
 * mode, as here): each 4 KiB page first touched is a page fault, and a
 * scan of 2 million people took 1.1 million of them, about 8 s of system
 * time (docs/reconciliation.md).  The advice covers the block's whole pages,
 * so that a block malloc mapped on its own stays one mapping, which
 * realloc can still move without copying.  Advice only: where the kernel
 * declines, nothing changes.
 */
#define HUGE_MIN ((size_t)4 << 20)

static void *advise_huge(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	if (p && size >= HUGE_MIN) {
		uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
		uintptr_t start = (uintptr_t)p & ~(page - 1);
		uintptr_t end = ((uintptr_t)p + size + page - 1) & ~(page - 1);

		(void)madvise((void *)start, end - start, MADV_HUGEPAGE);
	}
#endif
	return p;
}

void *xmalloc(size_t size)
{
	if (should_fail())
		return NULL;
	return advise_huge(malloc(size ? size : 1), size);
}

void *xcalloc(size_t nmemb, size_t size)
{
	size_t total;

	if (!size_mul(nmemb, size, &total) || should_fail())
		return NULL;
	return advise_huge(calloc(1, total ? total : 1), total);
}

void *xrealloc(void *ptr, size_t size)
{
	if (should_fail())
		return NULL;
	return advise_huge(realloc(ptr, size ? size : 1), size);
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
	size_t ncap = *cap ? *cap : 8, bytes;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (!size_mul(ncap, 2, &ncap))
			return -1;
	}
	if (!size_mul(ncap, elem, &bytes))
		return -1;
	if (*cap && bytes >= HUGE_MIN) {
		/* into a block advised before the copy touches it (realloc
		 * would copy into small pages first) */
		n = xmalloc(bytes);
		if (n) {
			memcpy(n, *p, *cap * elem);
			xfree(*p);
		}
	} else {
		n = xrealloc(*p, bytes);
	}
	if (!n)
		return -1;
	*p = n;
	*cap = ncap;
	return 0;
}
