/*
 * copy.h - short copies without a branch on their length.
 *
 * Profiling copies every value of every record two or three times (into a
 * batch, into a transform's buffer, into the mapped values), and most are
 * a few bytes to a few dozen.  memcpy() picks its code by the length, and
 * since the lengths of names, emails and phones vary from value to value,
 * that choice is a mispredicted branch on most copies: on the CRM, about
 * one in seven of all mispredictions (cachegrind --branch-sim=yes).
 * copy_short() moves a value of at most COPY_SHORT bytes as one fixed
 * 32-byte copy instead, reading and writing past its end:
 *
 *  - the destination must have COPY_SHORT writable bytes from dst (bytes
 *    past n are overwritten with whatever follows the source);
 *  - the source is read for COPY_SHORT bytes, which is safe without any
 *    promise from the caller when they lie in one page (memory is mapped
 *    page by page); when they do not, or n is longer, memcpy() does it.
 *
 * Reading past the end of an object is what the sanitizers exist to
 * catch, so sanitized builds always use memcpy().
 */
#ifndef STEWARD_COPY_H
#define STEWARD_COPY_H

#include "util/common.h"

#define COPY_SHORT 32
#define COPY_PAGE 4096	/* the smallest page size of any Linux target */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define COPY_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define COPY_SANITIZED 1
#endif
#endif

static inline void copy_short(void *dst, const void *src, size_t n)
{
#if defined(COPY_SANITIZED)
	memcpy(dst, src, n);
#else
	if (n <= COPY_SHORT &&
	    ((uintptr_t)src & (COPY_PAGE - 1)) <= COPY_PAGE - COPY_SHORT) {
		memcpy(dst, src, COPY_SHORT);
		return;
	}
	memcpy(dst, src, n);
#endif
}

#endif
