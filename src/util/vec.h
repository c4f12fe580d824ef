/*
 * vec.h - short values sixteen bytes at a time.
 *
 * For code that reads a value of at most 32 bytes a fixed width at a time
 * instead of looping over its bytes (value shapes, control characters):
 * the lengths of names and codes vary from value to value, and a loop over
 * each one's bytes ends in a mispredicted branch.  GCC's and Clang's vector
 * extensions: SSE2 on x86-64, NEON on ARM, plain code elsewhere.  Bytes are
 * signed, since the bytes classified are ASCII and signed byte compares are
 * the native ones: a byte from 0x80 up is negative.
 */
#ifndef STEWARD_VEC_H
#define STEWARD_VEC_H

#include "util/common.h"

typedef signed char vec16 __attribute__((vector_size(16)));

/* Sixteen copies of c. */
#define VEC16(c) ((vec16){ c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c })

/* Does any lane of v have its high bit set? */
static inline bool vec16_any(vec16 v)
{
	uint64_t w[2];

	memcpy(w, &v, sizeof(w));
	return ((w[0] | w[1]) & 0x8080808080808080ULL) != 0;
}

/*
 * The 32 bytes at s (which must all be readable) as v[0] and v[1], the
 * lanes at len or past it zeroed; in[k] has all bits set in the lanes of
 * v[k] that hold the value.  len is at most 32.
 */
static inline void vec16_load32(const char *s, size_t len, vec16 v[2],
				vec16 in[2])
{
	static const signed char lane[32] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
	};
	vec16 n = VEC16((signed char)len);

	for (size_t k = 0; k < 2; k++) {
		memcpy(&v[k], s + 16 * k, 16);
		memcpy(&in[k], lane + 16 * k, 16);
		in[k] = (vec16)(in[k] < n);
		v[k] &= in[k];
	}
}

#endif
