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

/*
 * [+-] digits [. digits] [(e|E) [+-] digits], with at least one digit
 * before the exponent, and at most NUMBER_TEXT_MAX bytes.  *has_exp (may
 * be NULL) says whether it has an exponent, which is when strtod() may
 * overflow.
 */
static inline bool number_syntax(const char *s, size_t len, bool *has_exp)
{
	size_t i = 0, digits = 0;

	if (has_exp)
		*has_exp = false;
	if (!len || len > NUMBER_TEXT_MAX)
		return false;
	if (s[0] == '+' || s[0] == '-')
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;

		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (!e)
			return false;
		if (has_exp)
			*has_exp = true;
	}
	return i == len;
}

#endif
