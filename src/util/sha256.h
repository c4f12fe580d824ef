/*
 * sha256.h - SHA-256 (FIPS 180-4), for policy digests and input fingerprints.
 *
 * Hand-written rather than a dependency: it is small, fixed, and tested
 * against the FIPS test vectors.
 */
#ifndef STEWARD_SHA256_H
#define STEWARD_SHA256_H

#include "common.h"

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[32]);
/* Lower-case hex of the final digest into hex (65 bytes with NUL). */
void sha256_final_hex(struct sha256 *s, char hex[65]);

#endif
