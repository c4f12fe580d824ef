/*
 * postcode.h - postal codes: valid for their country, and in canonical form.
 *
 * Each country writes postcodes its own way ("SW1A 1AA", "12345-6789",
 * "1234 AB", "D02 X285").  postcode_normalise() checks a postcode against
 * its country's format (and the cheap range checks that catch made-up
 * codes, such as French départements or UK postcode areas) and writes the
 * canonical form, so that "sw1a1aa" and "SW1A 1AA" compare equal.  It says
 * nothing about whether the code exists; for countries without a rule it
 * cannot judge at all, and says so.
 */
#ifndef STEWARD_POSTCODE_H
#define STEWARD_POSTCODE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum postcode_status {
	POSTCODE_OK,
	POSTCODE_INVALID,
	POSTCODE_UNKNOWN_COUNTRY	/* no rule for it: cannot judge */
};

/*
 * Check the postcode in (len bytes) for country_alpha2 (any case; NULL is
 * an unknown country) and write into out, which is reset first, the
 * canonical form when POSTCODE_OK: upper case, with the country's one
 * separator ("SW1A 1AA", "12345-6789", "1234 AB", "12-345").  Input may
 * vary in case and in the separator (space or hyphen) where the format has
 * one, and numeric European codes may carry the old country prefix
 * ("D-80331", "F-75001").  Otherwise out holds the input without
 * surrounding white space.  Allocation failure is left in buf_error(out).
 */
enum postcode_status postcode_normalise(const char *in, size_t len,
					const char *country_alpha2,
					struct buf *out);

/* Is there a postcode rule for this alpha-2 code (any case)? */
bool postcode_country_known(const char *alpha2);

#endif
