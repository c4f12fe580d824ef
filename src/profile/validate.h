/*
 * validate.h - is a normalised value valid for its attribute's type?
 *
 * During `steward scan` every normalised attribute value is judged against
 * the type its <attribute> declares, and, when invalid, given one reason
 * from the fixed list below, so that a scorecard can say "37 postcodes
 * invalid: 20 not a valid postcode for their country, 17 not judged: no
 * country".  This runs on every value of multi-gigabyte files, so a
 * validator is compiled once per attribute (enum values sorted for binary
 * search, the pattern compiled once) and judging a value allocates nothing:
 * the one type that needs working space (postcode) uses the caller's
 * scratch buffer.
 *
 * Values arrive after the mapping's transforms, so they are already in
 * their normal form (lower-case emails, E.164 phones, YYYY-MM-DD dates);
 * the rules below judge that form and do not normalise again.  A value a
 * transform could not normalise is the caller's to count, as VR_TRANSFORM
 * with the transform's own reason: validator_check() never returns it.
 *
 * Every value is judged in this order, and the first failure is the reason:
 *
 * 1. Control characters, for every type: bytes below 0x20 other than tab,
 *    DEL (0x7F) and the C1 controls U+0080-U+009F (mis-decoded Windows-1252
 *    text) give VR_CONTROL.  NUL is a control character too, so a value
 *    never ends early for the rules that read it as a C string.
 *
 * 2. The type's rule:
 *
 *    email      A pragmatic subset of RFC 5321/5322 (with RFC 6531's UTF-8):
 *               - any white space, including Unicode spaces such as U+00A0,
 *                 anywhere: VR_EMAIL_SPACE (checked first, so a quoted
 *                 "john smith"@x.com is a space problem);
 *               - no @: VR_EMAIL_NO_AT; two or more: VR_EMAIL_MANY_AT;
 *               - the local part (before the @) is 1-64 bytes of ASCII
 *                 letters, digits and !#$%&'*+/=?^_`{|}~.- or non-ASCII
 *                 letters and digits, with no leading, trailing or double
 *                 dot; else VR_EMAIL_LOCAL.  Quoted local parts
 *                 ("john"@x.com) are legal but almost always a data-entry
 *                 mistake in customer data: they are VR_EMAIL_LOCAL;
 *               - the domain is at most 253 bytes, of at least two labels
 *                 separated by dots; each label is 1-63 bytes of ASCII
 *                 letters, digits and hyphens or non-ASCII letters and
 *                 digits (internationalised domains, written as Unicode),
 *                 not starting or ending with a hyphen; the last label (the
 *                 top-level domain) is not all digits; else
 *                 VR_EMAIL_DOMAIN.  So address literals (x@[192.0.2.1]),
 *                 dotted IP addresses, underscores, a trailing dot and a
 *                 bare host (john@localhost) are all VR_EMAIL_DOMAIN.
 *               Lengths count UTF-8 bytes.  Letters are Unicode categories
 *               L*, digits Nd; combining marks are not letters, so an
 *               address in decomposed form (NFD) is refused.
 *    phone      E.164 form: "+" then 1-15 ASCII digits, else
 *               VR_PHONE_NOT_E164.  Then phone_check_e164(): a number too
 *               short or too long for its country, with an impossible
 *               prefix, all one digit, or with no assigned calling code is
 *               VR_PHONE_IMPLAUSIBLE.  (There is no fixed lower bound of 8
 *               digits in the form check: some countries have shorter
 *               numbers, +683 1234 in Niue, and phone_check_e164() knows
 *               each country's lengths.)
 *    person-name  At least one letter and no digit (any script);
 *               else VR_NAME.  "O'Brien", "Zoë", "de la Cruz" pass; "R2D2",
 *               "---" and "." fail.
 *    date       Exactly YYYY-MM-DD, a real day of the Gregorian calendar in
 *               years 0001-9999 (datetime_parse() with "iso8601"): else
 *               VR_DATE.  A date with a time is VR_DATE.
 *    datetime   ISO 8601 date and time as datetime_parse() reads "iso8601":
 *               YYYY-MM-DD, then T (or t or a space), HH:MM or HH:MM:SS,
 *               an optional fraction, an optional Z or offset; else
 *               VR_DATETIME.  A date without a time is VR_DATETIME.
 *    enum       Byte-for-byte equal to one of the attribute's values, else
 *               VR_ENUM.  No case folding or trimming: the mapping's
 *               transforms normalise values, and the policy lists them in
 *               that normal form.
 *    country    An assigned ISO 3166-1 alpha-2 code, in any case
 *               (country_valid_alpha2()); else VR_COUNTRY.  "UK" is not one.
 *    postcode   postcode_normalise() with the record's country: valid (in
 *               any case and separator that function accepts) is VR_OK, not
 *               valid for that country is VR_POSTCODE.  With no country, or
 *               a country steward has no postcode rule for, the value cannot
 *               be judged: VR_POSTCODE_NO_COUNTRY, which counts as "not
 *               judged", not as invalid (validity_reason_is_invalid()).
 *    boolean    Exactly "true" or "false" (the bool transform's output);
 *               else VR_BOOLEAN.
 *    number     [+-] digits [. digits] [(e|E) [+-] digits], where either
 *               the digits before or after the point may be missing but not
 *               both ("5.", ".5"); and finite as a double (1e308 passes,
 *               1e309 and 1e999 would be infinite).  Thousands separators,
 *               a decimal comma, hex, inf and nan are VR_NUMBER.
 *    identifier, text  No rule beyond step 1.
 *
 * 3. The attribute's pattern, if it has one: a POSIX extended regular
 *    expression that must match somewhere in the value (anchor it with
 *    ^...$ to match the whole), else VR_PATTERN.  It is matched in the
 *    process's locale; steward never sets one, so in the C locale "." and
 *    bracket expressions match single bytes, not UTF-8 characters.
 */
#ifndef STEWARD_VALIDATE_H
#define STEWARD_VALIDATE_H

#include "policy/policy.h"
#include "util/buf.h"

enum validity_reason {
	VR_OK = 0,
	VR_EMAIL_NO_AT,
	VR_EMAIL_MANY_AT,
	VR_EMAIL_SPACE,
	VR_EMAIL_LOCAL,		/* empty, longer than 64, bad dots or chars,
				 * quoted */
	VR_EMAIL_DOMAIN,	/* one label, empty or long label, bad chars,
				 * hyphen at an end, numeric TLD, too long */
	VR_PHONE_NOT_E164,	/* not "+" and 1-15 digits */
	VR_PHONE_IMPLAUSIBLE,	/* E.164 but wrong for its country */
	VR_DATE,
	VR_DATETIME,
	VR_ENUM,		/* not one of the values */
	VR_COUNTRY,		/* not an ISO 3166 alpha-2 code */
	VR_POSTCODE,		/* not valid for its country */
	VR_POSTCODE_NO_COUNTRY,	/* cannot judge: no country, or no rule */
	VR_BOOLEAN,
	VR_NUMBER,
	VR_PATTERN,		/* does not match the attribute's pattern */
	VR_NAME,		/* a person name with a digit or no letter */
	VR_CONTROL,		/* control characters, in any type */
	VR_TRANSFORM,		/* a transform could not normalise it (set by
				 * the caller; the transform gives the why) */
	VR_COUNT
};

/* A stable short key such as "email.no-at", stored in the history: never
 * change one once released.  "?" for a value out of range. */
const char *validity_reason_name(enum validity_reason r);

/* Plain English for reports, such as "no @ in the address". */
const char *validity_reason_text(enum validity_reason r);

/* Does r count against validity?  False for VR_OK and for
 * VR_POSTCODE_NO_COUNTRY, which means "not judged". */
bool validity_reason_is_invalid(enum validity_reason r);

struct validator;

/*
 * Compile the rules of attribute a.  The validator keeps pointers to a's
 * enum values, so a (the policy) must outlive it.  Returns ST_OK and *out;
 * ST_ERR_NOMEM; or ST_ERR when a's pattern does not compile (the policy
 * check refuses such patterns first).  On failure *out is NULL.
 */
int validator_new(const struct attribute *a, struct validator **out);

/* Free v; NULL does nothing. */
void validator_free(struct validator *v);

/*
 * Judge one normalised value: len bytes at value, valid UTF-8, non-empty,
 * and NUL-terminated (value[len] == '\0'), as struct buf and the readers'
 * record values are.  country is the record's ISO alpha-2 country, or NULL
 * when unknown; only postcodes use it.  scratch is working space, used (reset
 * and overwritten) by postcodes only and may be NULL for other types; once
 * it has grown to the longest value, judging allocates nothing, and its
 * allocation failures do not change the verdict.  A postcode that cannot be
 * judged for want of a country is still matched against the pattern.  A
 * validator is read-only here, so threads may share one, each with its own
 * scratch.
 */
enum validity_reason validator_check(const struct validator *v,
				     const char *value, size_t len,
				     const char *country, struct buf *scratch);
/* The same, for a value with VALIDATE_PAD readable bytes from its start
 * (the profiler's batches and mapped values, util/arena.h's allocations):
 * short values are checked for control characters without a loop. */
#define VALIDATE_PAD 32
enum validity_reason validator_check_padded(const struct validator *v,
					    const char *value, size_t len,
					    const char *country,
					    struct buf *scratch);

/*
 * The same (VALIDATE_PAD readable bytes too), for a value whose type rule
 * a transform has already applied (validator_vouched_by()): the transform
 * failed on what the rule refuses, so only control characters and the
 * pattern are checked, and a postcode is still VR_POSTCODE_NO_COUNTRY
 * without a country steward has a rule for.  For a postcode, the caller
 * must know that the transform used the country passed here; the verdict
 * is then the one validator_check_padded() would give, without
 * normalising every postcode and phone twice.
 */
enum validity_reason validator_check_vouched(const struct validator *v,
					     const char *value, size_t len,
					     const char *country);
/* Does a value that chain made without failing pass v's type rule?  True
 * when the chain ends in e164 and v is a phone (e164 fails on what
 * phone_check_e164() refuses, and writes + and digits), or ends in
 * postcode and v is a postcode (postcode fails on what
 * postcode_normalise() refuses for the record's country, and its output
 * normalises to itself: tests/fuzz/fuzz_transform.c checks both). */
bool validator_vouched_by(const struct validator *v,
			  const struct transform_chain *chain);

/* Does an address of len bytes, with VALIDATE_PAD readable, take the
 * padded check's short cut (a plain address of at most 32 bytes, on a
 * machine with SSE2)?  For tests and benchmarks. */
bool validator_plain_email(const char *value, size_t len);

#endif
