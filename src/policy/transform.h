/*
 * transform.h - the normalising transforms of a field mapping.
 *
 * A mapping's transform attribute is a chain such as
 *     trim lower null-if('n/a','-')
 *     e164(country-field=country_code)
 *     date(format='%d/%m/%Y|%b %d %Y')
 * parsed once by the policy loader into a struct transform_chain and applied
 * to every value a reader yields.  Parsing reports the byte offset of a bad
 * transform so the loader can point at the exact column in the policy file.
 * Applying never fails hard: a value a transform cannot handle (a phone
 * number with letters, a date that does not parse) is left as it was and
 * flagged, so profiling can count it as invalid with the reason.
 */
#ifndef STEWARD_TRANSFORM_H
#define STEWARD_TRANSFORM_H

#include "util/arena.h"
#include "util/buf.h"

enum transform_kind {
	TX_TRIM, TX_COLLAPSE_SPACE, TX_LOWER, TX_UPPER, TX_TITLE, TX_FOLD,
	TX_DIGITS, TX_ALNUM, TX_NULL_IF, TX_REPLACE, TX_MAP, TX_BOOL,
	TX_EMAIL, TX_E164, TX_POSTCODE, TX_COUNTRY, TX_DATE, TX_DATETIME,
	TX_LAST_FIRST, TX_NAME_PART, TX_ORG_NAME, TX_ADDRESS, TX_GENERATION,
	TX_KIND_COUNT
};

struct transform_arg {
	const char *key;	/* NULL for a positional argument */
	const char *value;
};

struct transform {
	enum transform_kind kind;
	size_t offset;		/* byte offset of the name in the spec */
	struct transform_arg *args;
	size_t n_args;
	/* resolved parameters */
	const char *country;	/* e164, postcode: fixed country (alpha-2) */
	const char *field_ref;	/* e164, postcode: country-field name */
	size_t field_index;	/* resolved by the policy check */
	const char *formats;	/* date, datetime: '|'-separated formats */
	int name_part;		/* 0 given, 1 family */
};

struct transform_chain {
	struct transform *items;
	size_t n;
};

struct transform_error {
	size_t offset;		/* byte offset in the spec */
	char msg[256];
};

/* Parse spec into chain (allocated in a).  Returns 0 or ST_ERR with err. */
int transform_parse(const char *spec, struct arena *a,
		    struct transform_chain *chain, struct transform_error *err);

const char *transform_name(enum transform_kind k);
/* One line of help per transform, for docs and "known: …" messages. */
const char *transform_usage(enum transform_kind k);

/*
 * The generation a word of a person's name stands for, lower case and
 * without dots ("junior" and "jr" are "jr", "2nd" and "ii" are "ii"), or
 * NULL when it is no generational suffix.  The generation transform
 * writes it out; identity matching drops it from names.
 */
const char *transform_generation_of(const char *w, size_t len);

/* The other fields of the record being transformed (raw values), so that
 * e164(country-field=...) can see the record's country. */
struct transform_ctx {
	const char *const *values;
	const size_t *lens;
	size_t n;
};

enum transform_status { TXS_OK = 0, TXS_FAILED = 1 };

/*
 * Apply chain to the value in v (in place, using scratch).  On TXS_FAILED
 * the chain stops: the value is what it was before the failing transform
 * and *why names the transform and the reason (a static string).  An empty
 * value stays empty.
 */
enum transform_status transform_apply(const struct transform_chain *chain,
				      const struct transform_ctx *ctx,
				      struct buf *v, struct buf *scratch,
				      const char **why);

#endif
