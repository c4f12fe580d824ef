/*
 * rng.c - the generator's only source of randomness.
 *
 * Every random decision in the world is drawn from a xoshiro256** stream
 * whose state is derived (by splitmix64) from the run seed plus a small
 * tuple naming what is being decided: a stream tag, a person and a record.
 * The same decision therefore always sees the same numbers, whatever order
 * the writers run in, which is what makes the output byte-for-byte
 * reproducible and lets each writer regenerate a person from its index
 * instead of keeping millions of them in memory.  Only integer arithmetic
 * is used, so the numbers do not depend on the compiler or the FPU.
 */
#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	uint64_t x = h ^ (v * 0xd6e8feb86659fd93ULL);

	return splitmix64(&x);
}

void rng_init(struct rng *r, uint64_t seed, uint32_t stream, uint64_t a, uint64_t b)
{
	uint64_t x = mix(mix(mix(seed, stream), a), b);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Lemire's nearly-divisionless method: exact, so no modulo bias. */
uint32_t rng_below(struct rng *r, uint32_t n)
{
	uint64_t m = (rng_next(r) >> 32) * (uint64_t)n;
	uint32_t low = (uint32_t)m;

	if (low < n) {
		uint32_t t = (uint32_t)(-n) % n;

		while (low < t) {
			m = (rng_next(r) >> 32) * (uint64_t)n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

long rng_range(struct rng *r, long lo, long hi)
{
	return lo + (long)rng_below(r, (uint32_t)(hi - lo + 1));
}

int rng_bp(struct rng *r, unsigned bp)
{
	return rng_below(r, 10000) < bp;
}

unsigned rng_weighted(struct rng *r, const unsigned *w, unsigned n)
{
	unsigned total = 0, x;

	for (unsigned i = 0; i < n; i++)
		total += w[i];
	x = rng_below(r, total);
	for (unsigned i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

const char *rng_pick(struct rng *r, const char *const *v, size_t n)
{
	return v[rng_below(r, (uint32_t)n)];
}
