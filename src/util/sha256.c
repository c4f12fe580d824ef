/*
 * sha256.c - SHA-256 as specified in FIPS 180-4.
 *
 * sha256_update hands whole runs of 64-byte blocks to a block function
 * chosen once per context by sha256_init: the SHA-NI one on x86 CPUs that
 * have the SHA extensions (scan fingerprints every input file, so this is
 * on the path of every byte read), the portable C one everywhere else.
 * The SHA-NI code is compiled with a target attribute rather than -msha so
 * that the build, and every other function, still runs on any x86-64.
 */
#include "sha256.h"

#include <stdalign.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>
#endif

/* Aligned so that the SHA-NI path can add four constants from memory. */
static alignas(16) const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static inline uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t hv[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = hv[0]; b = hv[1]; c = hv[2]; d = hv[3];
	e = hv[4]; f = hv[5]; g = hv[6]; h = hv[7];
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + S1 + ch + K[i] + w[i];
		uint32_t S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = S0 + maj;

		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	hv[0] += a; hv[1] += b; hv[2] += c; hv[3] += d;
	hv[4] += e; hv[5] += f; hv[6] += g; hv[7] += h;
}

static void sha256_blocks_portable(uint32_t h[8], const unsigned char *p,
				   size_t n)
{
	for (; n; n--, p += 64)
		sha256_block(h, p);
}

#ifdef SHA256_X86
/*
 * SHA-NI keeps the eight state words as two vectors, ABEF and CDGH, and
 * sha256rnds2 does two rounds, taking W[i] + K[i] for both from the low
 * half of its third operand.  After two rounds the old ABEF is the new
 * CDGH, so the pair below writes into alternate variables and leaves the
 * names right again after four rounds.
 */
#define SHANI_ROUNDS4(k, w) do {					\
	__m128i wk_ = _mm_add_epi32((w),				\
		_mm_load_si128((const __m128i *)&K[4 * (k)]));		\
	*cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk_);		\
	*abef = _mm_sha256rnds2_epu32(*abef, *cdgh,			\
				      _mm_shuffle_epi32(wk_, 0x0e));	\
} while (0)

/* w0 = W[i..i+3] becomes W[i+16..i+19]: msg1 adds sigma0 of W[i+1..i+4],
 * the alignr supplies W[i+9..i+12], msg2 adds sigma1 of the words two back. */
#define SHANI_SCHEDULE(w0, w1, w2, w3)					\
	((w0) = _mm_sha256msg2_epu32(_mm_add_epi32(			\
		_mm_sha256msg1_epu32((w0), (w1)),			\
		_mm_alignr_epi8((w3), (w2), 4)), (w3)))

__attribute__((target("sha,sse4.1")))
static inline void sha256_block_shani(__m128i *abef, __m128i *cdgh,
				      const unsigned char *p)
{
	/* the message is big-endian; the lanes are little-endian words */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
					     0x0405060700010203LL);
	const __m128i *m = (const __m128i *)p;
	__m128i abef0 = *abef, cdgh0 = *cdgh;
	__m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128(m), bswap);
	__m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128(m + 1), bswap);
	__m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128(m + 2), bswap);
	__m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128(m + 3), bswap);

	SHANI_ROUNDS4(0, w0);
	SHANI_ROUNDS4(1, w1);
	SHANI_ROUNDS4(2, w2);
	SHANI_ROUNDS4(3, w3);
	for (int k = 4; k < 16; k += 4) {
		SHANI_SCHEDULE(w0, w1, w2, w3);
		SHANI_ROUNDS4(k, w0);
		SHANI_SCHEDULE(w1, w2, w3, w0);
		SHANI_ROUNDS4(k + 1, w1);
		SHANI_SCHEDULE(w2, w3, w0, w1);
		SHANI_ROUNDS4(k + 2, w2);
		SHANI_SCHEDULE(w3, w0, w1, w2);
		SHANI_ROUNDS4(k + 3, w3);
	}
	*abef = _mm_add_epi32(*abef, abef0);
	*cdgh = _mm_add_epi32(*cdgh, cdgh0);
}

#undef SHANI_ROUNDS4
#undef SHANI_SCHEDULE

/* The state is shuffled into ABEF/CDGH once per run of blocks, not once
 * per block, which is why sha256_update passes whole runs. */
__attribute__((target("sha,sse4.1")))
static void sha256_blocks_shani(uint32_t h[8], const unsigned char *p,
				size_t n)
{
	__m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
	__m128i feba, dchg;

	for (; n; n--, p += 64)
		sha256_block_shani(&abef, &cdgh, p);
	feba = _mm_shuffle_epi32(abef, 0x1b);
	dchg = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

/*
 * GCC's __builtin_cpu_supports reads what libgcc detected before main, so
 * asking on every sha256_init costs a load and keeps no state here.  Older
 * clang (14 here; `make fuzz` builds with it) rejects the "sha" feature
 * name, so there CPUID leaf 7 (EBX bit 29) is read directly; CPUID can trap
 * to the hypervisor in a VM, so the answer is kept in an atomic.  Racing
 * first callers store the same value.
 */
static bool cpu_has_sha_ni(void)
{
#if defined(__clang__)
	static atomic_int known;	/* 0 not asked yet, 1 no, 2 yes */
	int v = atomic_load_explicit(&known, memory_order_relaxed);

	if (!v) {
		unsigned int a, b, c, d;

		v = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA) ?
			2 : 1;
		atomic_store_explicit(&known, v, memory_order_relaxed);
	}
	return v == 2 && __builtin_cpu_supports("sse4.1");
#else
	return __builtin_cpu_supports("sha") &&
	       __builtin_cpu_supports("sse4.1");
#endif
}
#endif /* SHA256_X86 */

bool sha256_accelerated(void)
{
#ifdef SHA256_X86
	return cpu_has_sha_ni();
#else
	return false;
#endif
}

static void sha256_start(struct sha256 *s, bool portable)
{
	static const uint32_t init[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(s->h, init, sizeof(init));
	s->bytes = 0;
	s->used = 0;
	s->blocks = sha256_blocks_portable;
#ifdef SHA256_X86
	if (!portable && cpu_has_sha_ni())
		s->blocks = sha256_blocks_shani;
#else
	UNUSED(portable);
#endif
}

void sha256_init(struct sha256 *s)
{
	sha256_start(s, false);
}

void sha256_init_portable(struct sha256 *s)
{
	sha256_start(s, true);
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t n;

	/* (NULL, 0) is a valid empty update; NULL + 0 and memcpy from NULL
	 * are not valid C, and UBSan says so. */
	if (!len)
		return;
	s->bytes += len;
	if (s->used) {
		size_t take = 64 - s->used < len ? 64 - s->used : len;

		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		len -= take;
		if (s->used < 64)
			return;
		s->blocks(s->h, s->block, 1);
		s->used = 0;
	}
	n = len / 64;
	if (n)
		s->blocks(s->h, p, n);
	p += 64 * n;
	len -= 64 * n;
	memcpy(s->block, p, len);
	s->used = len;
}

void sha256_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->bytes * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = s->used < 56 ? 56 - s->used : 120 - s->used;

	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

void sha256_final_hex(struct sha256 *s, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[32];

	sha256_final(s, d);
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}
