/*
 * sha256.h - SHA-256 (FIPS 180-4), for policy digests and input fingerprints.
 *
 * Hand-written rather than a dependency: it is small, fixed, and tested
 * against the FIPS test vectors.  On x86 CPUs with the SHA extensions
 * (SHA-NI) the compression function runs on them, chosen at run time by
 * sha256_init; everywhere else the portable C code does the work.  Both
 * give the same digest, so which one ran is never visible in the output.
 */
#ifndef STEWARD_SHA256_H
#define STEWARD_SHA256_H

#include "common.h"

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t used;
	/* Compresses n whole blocks into h; picked by sha256_init and kept
	 * per context, so no global switch is shared between threads. */
	void (*blocks)(uint32_t h[8], const unsigned char *p, size_t n);
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[32]);
/* Lower-case hex of the final digest into hex (65 bytes with NUL). */
void sha256_final_hex(struct sha256 *s, char hex[65]);

/*
 * For tests and benchmarks only: sha256_init_portable is sha256_init
 * with the portable block function even where SHA-NI is present, so the
 * two paths can be checked against each other; sha256_accelerated says
 * whether sha256_init picks the SHA-NI path on this CPU.
 */
void sha256_init_portable(struct sha256 *s);
bool sha256_accelerated(void);

#endif
