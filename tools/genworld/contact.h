/*
 * contact.h - countries, postcodes, phone numbers, emails and device ids.
 * See contact.c.
 */
#ifndef GW_CONTACT_H
#define GW_CONTACT_H

#include "names.h"

#define EMAIL_CAP 128
#define PHONE_CAP 40
#define POSTCODE_CAP 16
#define DEVICE_CAP 37

/* ISO 3166 alpha-2 code of a country (enum country). */
const char *contact_iso(unsigned country);
/* GB 60%, US 15%, IE 8%, DE 7%, FR 6%, ES 4%. */
unsigned contact_pick_country(struct rng *r);
/* A town or city of the country, which ties postcode and area code. */
unsigned contact_pick_region(struct rng *r, unsigned country);
/* A valid postcode in canonical form ("SW1A 1AA", "D02 X285", "10115"). */
void contact_postcode(struct rng *r, unsigned country, unsigned region,
		      char *out, size_t cap);
/* The same postcode as someone might type it: "sw1a1aa", "D02X285". */
void contact_postcode_variant(struct rng *r, const char *pc, char *out, size_t cap);
/* A value no validator should accept: "SW1A1AAA", "12", "ABCDE" ... */
void contact_postcode_invalid(struct rng *r, unsigned country, const char *pc,
			      char *out, size_t cap);

/* A phone number: country plus national significant number (digits). */
struct phone {
	unsigned country;
	char nsn[16];
};

enum phone_style {
	PS_E164,	/* +442079460123 */
	PS_INTL,	/* +44 20 7946 0123 */
	PS_NATIONAL,	/* 020 7946 0123, (415) 555-0123, 612 345 678 */
	PS_COMPACT,	/* 02079460123, 4155550123 */
	PS_PAREN,	/* (020) 7946-0123 */
	PS_DOTS,	/* 415.555.0123, 06.12.34.56.78 */
	PS_DASH,	/* 415-555-0123 */
	PS_00,		/* 0044 20 7946 0123 */
	PS_SLASH,	/* 0151/23456789 */
	PS_PLUS1PAREN,	/* +1 (415) 555-0123 */
	PS_COUNT
};

/* A valid number: a mobile or a landline of the region. */
void contact_phone(struct rng *r, unsigned country, unsigned region, struct phone *ph);
void phone_format(const struct phone *ph, enum phone_style st, char *out, size_t cap);
/* A style people in the phone's country use, never equal to avoid. */
enum phone_style phone_style_pick(struct rng *r, unsigned country, int avoid);
/* A value no validator should accept: "12345", "n/a", "+44 20 7946" ... */
void phone_invalid(struct rng *r, const struct phone *ph, char *out, size_t cap);

/* A lower-case email address; attempt > 0 asks for a less common form. */
void contact_email(struct rng *r, const struct pname *n, unsigned country,
		   unsigned attempt, char *out, size_t cap);
/* "John.Smith@Gmail.com" or "JOHN.SMITH@GMAIL.COM". */
void email_recase(struct rng *r, const char *email, char *out, size_t cap);
/* "john.smith+promo@gmail.com". */
void email_plus_tag(struct rng *r, const char *email, char *out, size_t cap);
/* "john.smith@", "@gmail.com", "john..smith@gmail.com" ... */
void email_invalid(struct rng *r, const char *email, char *out, size_t cap);

/* A random (version 4) UUID in lower-case hex, as mobile SDKs report. */
void contact_device(struct rng *r, char *out);

#endif
