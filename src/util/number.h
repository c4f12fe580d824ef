/*
 * number.h - does a value read as a decimal number?
 *
 * Profiling counts the values of a column that look numeric, and identity
 * compares numbers; both check the grammar by hand before strtod() sees a
 * value, so that hexadecimal ("0x1A"), "inf", "nan" and surrounding white
 * space, which strtod() would take, are not numbers here.
 */
#ifndef STEWARD_NUMBER_H
#define STEWARD_NUMBER_H

#include "util/common.h"

/* Longest text read as a number (bytes): longer is not a number. */
#define NUMBER_TEXT_MAX 63

/* The number of ASCII digits from s[i] on, before len. */
static inline size_t number_digits(const char *s, size_t i, size_t len)
{
	size_t start = i;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i - start;
}

/*
 * The same count when at least 8 bytes past every byte before len are
 * readable: eight bytes at a time, the first that is not a digit found
 * from a mask, rather than a loop whose end, at a different place in every
 * value, is a mispredicted branch.  Each byte minus '0' is a digit when it
 * is below 10: adding 0x76 sets its high bit otherwise.  A carry out of a
 * byte (one of 0x8A or more, flagged by its own high bit) only spoils the
 * bytes after it.
 */
static inline size_t number_digits_padded(const char *s, size_t i, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t start = i;

	while (i < len) {
		uint64_t w, x, bad;

		memcpy(&w, s + i, 8);
		x = w ^ 0x3030303030303030ULL;
		bad = ((x + 0x7676767676767676ULL) | x) & 0x8080808080808080ULL;
		if (bad) {
			i += (size_t)__builtin_ctzll(bad) / 8;
			break;
		}
		i += 8;
	}
	return (i < len ? i : len) - start;
#else
	return number_digits(s, i, len);
#endif
}

/*
 * [+-] digits [. digits] [(e|E) [+-] digits], with at least one digit
 * before the exponent, and at most NUMBER_TEXT_MAX bytes.  *has_exp (may
 * be NULL) says whether it has an exponent, which is when strtod() may
 * overflow.  padded: the digit runs are counted by number_digits_padded().
 */
static inline size_t number_digits_at(const char *s, size_t i, size_t len,
				      bool padded)
{
	return padded ? number_digits_padded(s, i, len) : number_digits(s, i, len);
}

static inline bool number_syntax_with(const char *s, size_t len,
				      bool *has_exp, bool padded)
{
	size_t i = 0, digits = 0, n;

	if (has_exp)
		*has_exp = false;
	if (!len || len > NUMBER_TEXT_MAX)
		return false;
	if (s[0] == '+' || s[0] == '-')
		i++;
	n = number_digits_at(s, i, len, padded);
	i += n;
	digits += n;
	if (i < len && s[i] == '.') {
		i++;
		n = number_digits_at(s, i, len, padded);
		i += n;
		digits += n;
	}
	if (!digits)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		n = number_digits_at(s, i, len, padded);
		i += n;
		if (!n)
			return false;
		if (has_exp)
			*has_exp = true;
	}
	return i == len;
}

static inline bool number_syntax(const char *s, size_t len, bool *has_exp)
{
	return number_syntax_with(s, len, has_exp, false);
}

/* number_syntax() of a value with at least 8 readable bytes past its end
 * (a value in a batch or an arena: SKETCH_PAD). */
static inline bool number_syntax_padded(const char *s, size_t len,
					bool *has_exp)
{
	return number_syntax_with(s, len, has_exp, true);
}

#endif
