/*
 * arena.c - chunked bump allocator.  See arena.h.
 */
#include "arena.h"

#include <stdarg.h>

#include "copy.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

void arena_init(struct arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 16384;
	a->total = 0;
	a->err = 0;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		xfree(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
	a->err = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c, *keep = NULL, *next;

	for (c = a->head; c; c = next) {
		next = c->next;
		if (!keep || c->size > keep->size) {
			if (keep)
				xfree(keep);
			keep = c;
		} else {
			xfree(c);
		}
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
	a->total = keep ? keep->size : 0;
	a->err = 0;
}

static struct arena_chunk *arena_new_chunk(struct arena *a, size_t need)
{
	size_t size = a->chunk_size, total;
	size_t grown = a->total < ARENA_CHUNK_MAX ? a->total : ARENA_CHUNK_MAX;
	struct arena_chunk *c;

	if (grown > size)
		size = grown;
	if (need > size)
		size = need;
	/* ARENA_TAIL bytes past the last allocation's start are readable */
	if (!size_add(sizeof(*c), size, &total) ||
	    !size_add(total, ARENA_TAIL, &total))
		return NULL;
	c = xmalloc(total);
	if (!c)
		return NULL;
	c->size = size;
	c->used = 0;
	c->next = a->head;
	a->head = c;
	a->total += size;
	return c;
}

_Static_assert(ARENA_TAIL >= COPY_SHORT, "a short copy stays in its chunk");

/* size bytes, not cleared. */
static void *arena_bump(struct arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct arena_chunk *c = a->head;
	size_t rounded;
	void *p;

	if (!size_add(size, align - 1, &rounded)) {
		a->err = ST_ERR_NOMEM;
		return NULL;
	}
	rounded &= ~(align - 1);
	if (rounded == 0)
		rounded = align;
	if (!c || c->size - c->used < rounded) {
		c = arena_new_chunk(a, rounded);
		if (!c) {
			a->err = ST_ERR_NOMEM;
			return NULL;
		}
	}
	p = (char *)c->data + c->used;
	c->used += rounded;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_bump(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *arena_array(struct arena *a, size_t nmemb, size_t size)
{
	size_t total;

	if (!size_mul(nmemb, size, &total)) {
		a->err = ST_ERR_NOMEM;
		return NULL;
	}
	return arena_alloc(a, total);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	size_t total;
	char *p;

	if (!size_add(n, 1, &total)) {
		a->err = ST_ERR_NOMEM;
		return NULL;
	}
	/* every allocation has ARENA_TAIL bytes of room from its start */
	p = arena_bump(a, total);
	if (p) {
		copy_short(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
