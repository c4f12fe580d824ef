/*
 * country.h - ISO 3166-1 countries, and recognising them as people write them.
 *
 * Customer records name countries in every way imaginable: "GB", "gbr",
 * "U.K.", "United Kingdom", "England", "Deutschland", "Éire".  This module
 * holds the 249 officially assigned ISO 3166-1 alpha-2 codes with their
 * alpha-3 codes, English short names and ITU-T calling codes, and maps such
 * text to one country.  Phone and postcode rules (phone.c, postcode.c) key
 * off the alpha-2 code found here.  The table is const: nothing to set up
 * or free.
 */
#ifndef STEWARD_COUNTRY_H
#define STEWARD_COUNTRY_H

#include <stdbool.h>
#include <stddef.h>

/* ISO 3166-1 assigns exactly this many alpha-2 codes (2024). */
#define COUNTRY_COUNT 249

struct country {
	char alpha2[3];		/* "GB": upper case, NUL-terminated */
	char alpha3[4];		/* "GBR" */
	const char *name;	/* ISO English short name, UTF-8 */
	unsigned calling_code;	/* E.164 country code (44); 0 when none */
};

/* The country with this alpha-2 code (any case), or NULL. */
const struct country *country_by_code(const char *alpha2);

/*
 * The country that text names, or NULL.  Accepts alpha-2 and alpha-3 codes,
 * the ISO short name and common aliases ("UK", "England", "Holland",
 * "Deutschland", "Éire"), in any case, ignoring surrounding spaces, dots
 * ("U.K."), a leading "The", accents (as ASCII folding of Latin letters),
 * apostrophes and punctuation between words; "St" reads as "Saint" and "&"
 * as "and".  Reserved codes such as "UK" resolve only through aliases.
 */
const struct country *country_lookup(const char *text, size_t len);

/* Is s (len bytes, exactly 2) an assigned alpha-2 code, in any case? */
bool country_valid_alpha2(const char *s, size_t len);

/* The table in alpha-2 order, for iteration: i < COUNTRY_COUNT. */
const struct country *country_at(size_t i);

#endif
