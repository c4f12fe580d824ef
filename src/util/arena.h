/*
 * arena.h - bump allocation for things that live as long as a run.
 *
 * The policy model, interned strings and per-record scratch space come from
 * arenas: many small allocations, freed all at once.  arena_reset() keeps the
 * largest chunk so that a per-record scratch arena stops allocating once it has
 * seen the largest record, which keeps streaming memory flat.
 */
#ifndef STEWARD_ARENA_H
#define STEWARD_ARENA_H

#include "common.h"

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t chunk_size;
	size_t total;	/* bytes in the chunks held */
	int err; /* sticky: ST_ERR_NOMEM once any allocation failed */
};

/*
 * A new chunk is as large as all the chunks held before it, up to
 * ARENA_CHUNK_MAX, and never smaller than chunk_size: an arena that grows
 * to millions of strings (the keys of every record, the distinct values)
 * is held in a few large blocks, which xmalloc() advises the kernel to
 * back with huge pages (alloc.c), instead of thousands of small ones
 * scattered over the heap.  Reading those strings in another order than
 * they were written (by person, not by record) then misses the TLB far
 * less (docs/reconciliation.md, "Speed").
 */
#define ARENA_CHUNK_MAX ((size_t)8 << 20)

void arena_init(struct arena *a, size_t chunk_size);
void arena_release(struct arena *a);
/* Free everything but keep the largest chunk for reuse. */
void arena_reset(struct arena *a);

/*
 * Every allocation has at least ARENA_TAIL readable bytes from its start,
 * whatever its size (the chunk has that much to spare at its end), so
 * that code reading short strings a fixed width at a time, such as
 * sketch_shape_padded(), may read past a short one's end.
 */
#define ARENA_TAIL 32

/* NULL (and a->err set) when out of memory.  Memory is zeroed. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_array(struct arena *a, size_t nmemb, size_t size);
char *arena_strdup(struct arena *a, const char *s);
/* n bytes of s and a NUL; the bytes of the allocation past the NUL are
 * not cleared (a short string is copied 32 bytes at a time). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
