/*
 * rng.h - deterministic random streams.  See rng.c.
 */
#ifndef GW_RNG_H
#define GW_RNG_H

#include "gw.h"

struct rng {
	uint64_t s[4];
};

/*
 * Stream tags: one per kind of decision, so that drawing more numbers
 * for one decision never shifts the numbers another decision sees.
 */
enum rng_stream {
	S_CORE = 1, S_EMAIL, S_PHONE, S_PHONE_NEW, S_PLAN, S_MONTH2,
	S_CRM, S_CRM2, S_BILL, S_BILL2, S_MKT, S_MKT2, S_TICKET, S_TKTIME,
	S_SHUFFLE, S_DEVICE2
};

void rng_init(struct rng *r, uint64_t seed, uint32_t stream, uint64_t a, uint64_t b);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Uniform in [lo, hi], lo <= hi. */
long rng_range(struct rng *r, long lo, long hi);
/* True with probability bp / 10000 (bp in basis points). */
int rng_bp(struct rng *r, unsigned bp);
/* Index i in [0, n) with probability w[i] / sum(w). */
unsigned rng_weighted(struct rng *r, const unsigned *w, unsigned n);
/* One of the n strings, uniformly. */
const char *rng_pick(struct rng *r, const char *const *v, size_t n);

#endif
