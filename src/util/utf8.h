/*
 * utf8.h - UTF-8 validation, case mapping, accent folding and display width.
 *
 * The one place that calls utf8proc (docs/dependencies.md says why it is
 * worth a dependency).  Everything takes (pointer, length) and writes into a
 * struct buf, so callers never handle utf8proc's own allocations.
 */
#ifndef STEWARD_UTF8_H
#define STEWARD_UTF8_H

#include "buf.h"

/* Length of the longest valid UTF-8 prefix of s (== len when all valid).
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
size_t utf8_valid_prefix(const char *s, size_t len);
static inline bool utf8_valid(const char *s, size_t len)
{
	return utf8_valid_prefix(s, len) == len;
}

/* Append s to out with every invalid sequence replaced by U+FFFD; returns
 * the number of replacements. */
size_t utf8_sanitize(const char *s, size_t len, struct buf *out);
/* Whether the len bytes at s are all ASCII (so utf8_sanitize() would copy
 * them as they are), for len at most 32 and 32 bytes readable at s: one
 * fixed-width test instead of a loop that ends in a mispredicted branch. */
bool utf8_ascii_padded(const char *s, size_t len);

/* Decode one code point at s (len > 0); returns its length in bytes and
 * sets *cp, or returns 1 with *cp = 0xFFFD for an invalid byte. */
size_t utf8_decode(const char *s, size_t len, int32_t *cp);
void utf8_encode(int32_t cp, struct buf *out);

/* Case mappings; invalid bytes are copied through unchanged. */
void utf8_lower(const char *s, size_t len, struct buf *out);
void utf8_upper(const char *s, size_t len, struct buf *out);
/* Title case: first letter of each word upper, the rest lower; a word
 * starts after a space, hyphen, apostrophe or period (O'Brien, Smith-Jones). */
void utf8_title(const char *s, size_t len, struct buf *out);

/* Strip accents: NFKD, drop combining marks, and map the Latin letters
 * that have no decomposition (Ł, Ø, ß, Æ, Œ, Đ, Þ, ı) to ASCII, also where
 * a decomposition yields them (Ǽ is Æ with an accent: "AE").  On valid
 * UTF-8, folding twice gives what folding once gives. */
void utf8_fold(const char *s, size_t len, struct buf *out);

/* Terminal columns the string takes (East Asian wide = 2, marks = 0). */
size_t utf8_width(const char *s, size_t len);
/* Byte length of the longest prefix that fits in cols columns. */
size_t utf8_prefix_for_width(const char *s, size_t len, size_t cols);

bool utf8_is_letter(int32_t cp);
bool utf8_is_digit(int32_t cp);
bool utf8_is_space(int32_t cp);

#endif
