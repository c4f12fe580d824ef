/*
 * phone.h - phone numbers as people write them, to E.164 and back.
 *
 * Customer records hold "020 7946 0123", "+44 (0)20 7946 0123 ext. 12",
 * "(415) 555-0123" or "n/a".  phone_to_e164() turns the first kinds into
 * one comparable form, "+<calling code><national significant number>", and
 * says why it could not for the rest.  Plausibility comes from a small
 * per-country table (number lengths, trunk prefix, leading digits) for the
 * countries steward's customers mostly live in; other countries get only
 * E.164's general bounds.  A number that passes is plausible, not known to
 * be in service.
 */
#ifndef STEWARD_PHONE_H
#define STEWARD_PHONE_H

#include <stddef.h>

#include "buf.h"

enum phone_status {
	PHONE_OK,
	PHONE_EMPTY,		/* nothing but white space */
	PHONE_NO_DIGITS,	/* "n/a", "none", "-" */
	PHONE_TOO_SHORT,
	PHONE_TOO_LONG,
	PHONE_UNKNOWN_COUNTRY_CODE,	/* "+" followed by no assigned code */
	PHONE_NO_COUNTRY,	/* national number and no default country */
	PHONE_IMPLAUSIBLE,	/* right length, impossible prefix, or all
				 * one digit like 0000000000 */
	PHONE_BAD_CHARS		/* letters other than an extension marker,
				 * or symbols not used in phone numbers */
};

/*
 * Normalise a phone number as written by a person (len bytes at in) to
 * E.164 in out, which is reset first.  default_country is the ISO alpha-2
 * code (any case) used for national numbers; it may be NULL.
 *
 * Accepted: spaces, dots, hyphens, slashes and parentheses; a leading "+";
 * the international prefix 00 (and the default country's own: 011 in the
 * NANP, 0011 in Australia, 010 in Japan...); a trunk "(0)" after the
 * country code, which is dropped; an extension after "ext", "ext.",
 * "extn", "extension", "x" or "#", which is dropped.  A national number
 * loses its trunk prefix and gains the country code.
 *
 * On PHONE_OK out holds "+" and digits; otherwise it holds the input
 * without surrounding white space.  Allocation failure is left in out's
 * sticky error (buf_error()), not in the status.
 */
enum phone_status phone_to_e164(const char *in, size_t len,
				const char *default_country, struct buf *out);

/* A short fixed phrase for s, such as "too few digits for the country". */
const char *phone_status_reason(enum phone_status s);

/*
 * Plausibility of an already normalised number: "+" then digits only.
 * Anything else is PHONE_BAD_CHARS (or PHONE_NO_COUNTRY for digits without
 * the "+").  Agrees with phone_to_e164(): each number that returns PHONE_OK
 * produces a string for which this returns PHONE_OK.
 */
enum phone_status phone_check_e164(const char *e164);

/*
 * The alpha-2 code of the country that owns the number's calling code, or
 * NULL when there is none.  Codes that several countries share resolve to
 * the main one: +1 is "US", +44 "GB", +7 "RU", +47 "NO", +61 "AU".
 */
const char *phone_country_of(const char *e164);

#endif
