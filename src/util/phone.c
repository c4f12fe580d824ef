/*
 * phone.c - phone number normalisation to E.164, and plausibility checks.
 *
 * Three steps.  The scan keeps the digits of what a person wrote, skipping
 * layout ("(020) 7946-0123"), a trunk "(0)" after the country code, and an
 * extension; anything else that is not a digit makes the number bad.  The
 * digits are then read as international (after "+", the 00 prefix or the
 * default country's own international prefix) or national (the default
 * country's trunk prefix removed).  Last, the national significant number
 * (NSN) is checked against the country's rule: its length range and the
 * leading digits a real number can have.
 *
 * The rules are deliberately coarse, a few patterns per country taken from
 * the national numbering plans: enough to catch typing errors, lost digits
 * and placeholders ("0000000000") without pretending to know which numbers
 * are in service.  Countries without a rule get only E.164's bounds.
 */
#include "phone.h"

#include <ctype.h>
#include <pthread.h>

#include "country.h"

/* E.164 caps a number, country code included, at 15 digits. */
#define E164_MAX_DIGITS 15

/* Digits kept while scanning: 15, plus the longest international prefix
 * ("0011") and a trunk prefix written after the country code, with room to
 * spare.  Anything longer is too long whatever it turns out to be. */
#define PHONE_SCAN_DIGITS 24

/* The shortest national significant numbers in use (Niue, Tokelau) have
 * four digits; fewer cannot be a phone number in any country. */
#define PHONE_MIN_NSN 4

/*
 * NSNs that start with prefix have min to max digits.  A prefix is a
 * string of digits and classes such as "[35-9]".  In a rule's list the
 * first pattern whose prefix matches decides, so specific prefixes come
 * before general ones; an NSN that matches none is implausible.
 */
struct phone_pattern {
	const char *prefix;
	unsigned char min, max;
};

struct phone_rule {
	char alpha2[3];
	unsigned cc;		/* country calling code */
	const char *trunk;	/* national (trunk) prefix, "" when none */
	const char *idd;	/* international prefix besides 00, as a
				 * prefix pattern; "" when 00 is all */
	const struct phone_pattern *patterns;	/* NULL: E.164 bounds only */
	bool (*extra)(const char *nsn, size_t len); /* or NULL */
};

static const struct phone_pattern gb_patterns[] = {
	{ "1", 9, 10 },		/* geographic; some areas have 9 digits */
	{ "2", 10, 10 },	/* geographic, London, Cardiff, Belfast... */
	{ "3", 10, 10 },	/* non-geographic at geographic rates */
	{ "5", 10, 10 },	/* corporate and VoIP */
	{ "7", 10, 10 },	/* mobile, personal, pagers */
	{ "80", 9, 10 },	/* freephone 0800 exists in both lengths */
	{ "8", 10, 10 },	/* special services 084, 087 */
	{ "9", 10, 10 },	/* premium rate */
	{ NULL, 0, 0 }
};

static const struct phone_pattern ie_patterns[] = {
	{ "8[35-9]", 9, 9 },	/* mobile */
	{ "1", 8, 10 },		/* Dublin (8) and 1800/1850/1890 (10) */
	{ "[2-9]", 7, 9 },
	{ NULL, 0, 0 }
};

/* Area code and exchange both start 2-9; area codes N9X are reserved. */
static const struct phone_pattern nanp_patterns[] = {
	{ "[2-9][0-8][0-9][2-9]", 10, 10 },
	{ NULL, 0, 0 }
};

static const struct phone_pattern de_patterns[] = {
	{ "1[5-7]", 10, 11 },	/* mobile */
	{ "1", 7, 13 },		/* service numbers 0180, 0137... */
	{ "[2-9]", 5, 13 },	/* geographic: area codes of 2-5 digits */
	{ NULL, 0, 0 }
};

static const struct phone_pattern fr_patterns[] = {
	{ "[1-9]", 9, 9 },	/* 1-5 geographic, 6-7 mobile, 8-9 other */
	{ NULL, 0, 0 }
};

static const struct phone_pattern es_patterns[] = {
	{ "[5-9]", 9, 9 },	/* 6-7 mobile, 8-9 geographic */
	{ NULL, 0, 0 }
};

/* Italy dials its leading 0 even from abroad: no trunk prefix to drop. */
static const struct phone_pattern it_patterns[] = {
	{ "0", 6, 11 },		/* geographic */
	{ "3", 9, 10 },		/* mobile */
	{ "5", 9, 10 },		/* VoIP */
	{ "8", 6, 10 },		/* freephone and shared cost */
	{ "1[46]", 9, 10 },	/* premium and UAN */
	{ NULL, 0, 0 }
};

static const struct phone_pattern nl_patterns[] = {
	{ "800", 7, 10 },	/* freephone */
	{ "90[069]", 7, 10 },	/* premium rate */
	{ "[1-9]", 9, 9 },	/* 6 is mobile */
	{ NULL, 0, 0 }
};

static const struct phone_pattern be_patterns[] = {
	{ "4[5-9]", 9, 9 },	/* mobile */
	{ "[1-9]", 8, 8 },
	{ NULL, 0, 0 }
};

static const struct phone_pattern nine_from_2_patterns[] = {
	{ "[2-9]", 9, 9 },	/* PT, CH, CZ: closed nine-digit plans */
	{ NULL, 0, 0 }
};

static const struct phone_pattern at_patterns[] = {
	{ "6[5-9]", 10, 13 },	/* mobile */
	{ "[1-9]", 4, 13 },	/* open plan: Vienna 1 + up to 12 digits */
	{ NULL, 0, 0 }
};

static const struct phone_pattern eight_from_2_patterns[] = {
	{ "[2-9]", 8, 8 },	/* DK, NO: closed eight-digit plans */
	{ NULL, 0, 0 }
};

static const struct phone_pattern se_patterns[] = {
	{ "7[02369]", 9, 9 },	/* mobile */
	{ "[1-9]", 7, 9 },
	{ NULL, 0, 0 }
};

static const struct phone_pattern fi_patterns[] = {
	{ "4", 6, 10 },		/* mobile */
	{ "50", 6, 10 },	/* mobile */
	{ "[1-9]", 5, 12 },
	{ NULL, 0, 0 }
};

static const struct phone_pattern pl_patterns[] = {
	{ "[1-9]", 9, 9 },
	{ NULL, 0, 0 }
};

static const struct phone_pattern au_patterns[] = {
	{ "1[38]00", 10, 10 },	/* 1300 local rate, 1800 freephone */
	{ "13", 6, 6 },		/* 13 xx xx */
	{ "[2-578]", 9, 9 },	/* 4 is mobile */
	{ NULL, 0, 0 }
};

static const struct phone_pattern nz_patterns[] = {
	{ "2", 8, 10 },		/* mobile */
	{ "50", 9, 9 },		/* 0508 */
	{ "8", 8, 10 },		/* 0800 */
	{ "[3-79]", 8, 8 },	/* geographic */
	{ NULL, 0, 0 }
};

static const struct phone_pattern in_patterns[] = {
	{ "1", 10, 13 },	/* 1800 freephone */
	{ "[2-9]", 10, 10 },	/* 6-9 mobile */
	{ NULL, 0, 0 }
};

static const struct phone_pattern cn_patterns[] = {
	{ "1[3-9]", 11, 11 },	/* mobile */
	{ "10", 9, 11 },	/* Beijing */
	{ "[2-9]", 9, 11 },
	{ NULL, 0, 0 }
};

static const struct phone_pattern jp_patterns[] = {
	{ "[5789]0", 10, 10 },	/* IP phone 050, mobile 070/080/090, 0800 */
	{ "120", 9, 9 },	/* freedial 0120 */
	{ "[1-9]", 9, 9 },	/* geographic */
	{ NULL, 0, 0 }
};

static const struct phone_pattern sg_patterns[] = {
	{ "1[89]00", 10, 11 },	/* freephone and premium */
	{ "800", 10, 10 },	/* international freephone */
	{ "[3689]", 8, 8 },	/* 6 fixed, 8-9 mobile, 3 VoIP */
	{ NULL, 0, 0 }
};

static const struct phone_pattern hk_patterns[] = {
	{ "800", 9, 9 },	/* freephone */
	{ "[235-9]", 8, 8 },	/* 2-3 fixed, 5-6 and 9 mobile */
	{ NULL, 0, 0 }
};

static const struct phone_pattern za_patterns[] = {
	{ "[1-8]", 9, 9 },	/* 6-8 mobile */
	{ NULL, 0, 0 }
};

/* Two-digit area codes use no 0; mobile numbers are area + 9 + 8 digits. */
static const struct phone_pattern br_patterns[] = {
	{ "[3589]00", 10, 11 },	/* 0300, 0500, 0800, 0900 */
	{ "[1-9][1-9]9", 11, 11 },	/* mobile */
	{ "[1-9][1-9][2-5]", 10, 10 },	/* fixed */
	{ NULL, 0, 0 }
};

static const struct phone_pattern mx_patterns[] = {
	{ "1[2-9]", 11, 11 },	/* mobile written with the old "1" */
	{ "[2-9]", 10, 10 },
	{ NULL, 0, 0 }
};

/* Russia and Kazakhstan share +7 and one ten-digit plan. */
static const struct phone_pattern ru_patterns[] = {
	{ "[3-9]", 10, 10 },
	{ NULL, 0, 0 }
};

/* Area codes and exchanges of the form N11 (211-911) are service codes. */
static bool nanp_extra(const char *nsn, size_t len)
{
	if (len < 6)
		return false;
	return !(nsn[1] == '1' && nsn[2] == '1') &&
	       !(nsn[4] == '1' && nsn[5] == '1');
}

/*
 * One rule per calling code: countries that share a numbering plan (the
 * NANP's +1, Guernsey in +44, the Vatican in +39) use the rule of the code
 * through phone_rule_for().  Mexico abolished its "01" trunk prefix in
 * 2019, but people still write it and no number starts with 0, so it is
 * still removed; Russia's trunk is 8 and its international prefix 810.
 */
static const struct phone_rule phone_rules[] = {
	{ "US", 1, "1", "011", nanp_patterns, nanp_extra },
	{ "RU", 7, "8", "810", ru_patterns, NULL },
	{ "ZA", 27, "0", "", za_patterns, NULL },
	{ "NL", 31, "0", "", nl_patterns, NULL },
	{ "BE", 32, "0", "", be_patterns, NULL },
	{ "FR", 33, "0", "", fr_patterns, NULL },
	{ "ES", 34, "", "", es_patterns, NULL },
	{ "IT", 39, "", "", it_patterns, NULL },
	{ "CH", 41, "0", "", nine_from_2_patterns, NULL },
	{ "AT", 43, "0", "", at_patterns, NULL },
	{ "GB", 44, "0", "", gb_patterns, NULL },
	{ "DK", 45, "", "", eight_from_2_patterns, NULL },
	{ "SE", 46, "0", "", se_patterns, NULL },
	{ "NO", 47, "", "", eight_from_2_patterns, NULL },
	{ "PL", 48, "", "", pl_patterns, NULL },
	{ "DE", 49, "0", "", de_patterns, NULL },
	{ "MX", 52, "01", "", mx_patterns, NULL },
	{ "BR", 55, "0", "", br_patterns, NULL },
	{ "AU", 61, "0", "0011", au_patterns, NULL },
	{ "NZ", 64, "0", "", nz_patterns, NULL },
	{ "SG", 65, "", "00[128]", sg_patterns, NULL },
	{ "JP", 81, "0", "010", jp_patterns, NULL },
	{ "CN", 86, "0", "", cn_patterns, NULL },
	{ "IN", 91, "0", "", in_patterns, NULL },
	{ "PT", 351, "", "", nine_from_2_patterns, NULL },
	{ "IE", 353, "0", "", ie_patterns, NULL },
	{ "FI", 358, "0", "", fi_patterns, NULL },
	{ "CZ", 420, "", "", nine_from_2_patterns, NULL },
	{ "HK", 852, "", "001", hk_patterns, NULL },
};

/* Calling codes shared by countries without a rule: the main country,
 * which phone_country_of() names. */
static const struct {
	unsigned cc;
	char alpha2[3];
} shared_owners[] = {
	{ 212, "MA" }, { 262, "RE" }, { 500, "FK" },
	{ 590, "GP" }, { 599, "CW" }, { 672, "NF" },
};

/* A number taken apart: calling code and national significant number. */
struct phone_number {
	unsigned cc;
	char nsn[PHONE_SCAN_DIGITS + 1];
	size_t len;
};

/* What the scan of a written number found. */
struct phone_scan {
	char digits[PHONE_SCAN_DIGITS + 1];
	size_t n;	/* digits seen; only the first PHONE_SCAN_DIGITS kept */
	bool plus;
	bool bad;
};

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Which rule and which country a calling code or an alpha-2 code leads to
 * is asked several times for every number, so it is looked up in tables
 * indexed by the code, derived once per process from the readable tables
 * above (pthread_once publishes them to every thread; they never change
 * after).  Calling codes have at most three digits.
 */
#define CC_LIMIT 1000

struct phone_index {
	const char *owner[CC_LIMIT];		/* NULL: unassigned */
	unsigned char rule_of_cc[CC_LIMIT];	/* phone_rules index + 1 */
	unsigned char rule_of_alpha2[26 * 26];	/* phone_rules index + 1 */
};

static struct phone_index phone_index_tables;
static pthread_once_t phone_index_once = PTHREAD_ONCE_INIT;

static void phone_index_build(void);

static const struct phone_index *phone_index(void)
{
	pthread_once(&phone_index_once, phone_index_build);
	return &phone_index_tables;
}

/* Slot of an upper-case alpha-2 code in rule_of_alpha2, or -1. */
static int alpha2_slot(const char *alpha2)
{
	if (alpha2[0] < 'A' || alpha2[0] > 'Z' || alpha2[1] < 'A' ||
	    alpha2[1] > 'Z' || alpha2[2])
		return -1;
	return (alpha2[0] - 'A') * 26 + (alpha2[1] - 'A');
}

/* alpha2 is a country table code: upper case. */
static const struct phone_rule *rule_by_alpha2(const char *alpha2)
{
	int slot = alpha2_slot(alpha2);
	unsigned char i;

	if (slot < 0)
		return NULL;
	i = phone_index()->rule_of_alpha2[slot];
	return i ? &phone_rules[i - 1] : NULL;
}

static const struct phone_rule *rule_by_cc(unsigned cc)
{
	unsigned char i = cc < CC_LIMIT ? phone_index()->rule_of_cc[cc] : 0;

	return i ? &phone_rules[i - 1] : NULL;
}

/* The country that owns calling code cc, or NULL when it is unassigned. */
static const char *cc_owner(unsigned cc)
{
	return cc < CC_LIMIT ? phone_index()->owner[cc] : NULL;
}

/* The owner of cc by the definition: the code's rule, then the shared
 * codes' main countries, then the first country in the table. */
static const char *cc_owner_scan(unsigned cc)
{
	if (cc == 0)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(phone_rules); i++) {
		if (phone_rules[i].cc == cc)
			return phone_rules[i].alpha2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(shared_owners); i++) {
		if (shared_owners[i].cc == cc)
			return shared_owners[i].alpha2;
	}
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		const struct country *c = country_at(i);

		if (c->calling_code == cc)
			return c->alpha2;
	}
	return NULL;
}

static void phone_index_build(void)
{
	struct phone_index *x = &phone_index_tables;

	for (unsigned cc = 0; cc < CC_LIMIT; cc++)
		x->owner[cc] = cc_owner_scan(cc);
	/* in reverse, so that the first rule for a code wins */
	for (size_t i = ARRAY_SIZE(phone_rules); i-- > 0;) {
		const struct phone_rule *r = &phone_rules[i];
		int slot = alpha2_slot(r->alpha2);

		if (r->cc < CC_LIMIT)
			x->rule_of_cc[r->cc] = (unsigned char)(i + 1);
		if (slot >= 0)
			x->rule_of_alpha2[slot] = (unsigned char)(i + 1);
	}
}

static size_t cc_digits(unsigned cc)
{
	return cc >= 100 ? 3 : cc >= 10 ? 2 : 1;
}

/* Write calling code cc (below 1000) in decimal at out, without a NUL;
 * returns the number of digits.  No printf: this runs for every number. */
static size_t cc_format(unsigned cc, char *out)
{
	size_t n = cc_digits(cc);

	for (size_t i = n; i-- > 0; cc /= 10)
		out[i] = (char)('0' + cc % 10);
	return n;
}

/*
 * The calling code that d (n digits) starts with: its length, with the
 * code in *cc, or 0.  Calling codes are prefix-free (ITU-T E.164), so the
 * first assigned prefix is the only one.
 */
static size_t calling_code_at(const char *d, size_t n, unsigned *cc)
{
	unsigned v = 0;

	if (n == 0 || d[0] == '0')
		return 0;
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		v = v * 10 + (unsigned)(d[k - 1] - '0');
		if (cc_owner(v)) {
			*cc = v;
			return k;
		}
	}
	return 0;
}

/*
 * The rule for numbers with calling code cc.  Codes without a rule of
 * their own get E.164's bounds and, for national numbers, the trunk
 * prefix 0 that most of the world uses, built in *generic.
 */
static const struct phone_rule *rule_for_cc(unsigned cc,
					    struct phone_rule *generic)
{
	const struct phone_rule *r = rule_by_cc(cc);
	const char *owner;

	if (r)
		return r;
	owner = cc_owner(cc);
	memset(generic, 0, sizeof(*generic));
	if (owner)
		memcpy(generic->alpha2, owner, 3);
	generic->cc = cc;
	generic->trunk = "0";
	generic->idd = "";
	return generic;
}

/* The rule for national numbers in country alpha2, or NULL when it names
 * no country with a calling code. */
static const struct phone_rule *rule_for_country(const char *alpha2,
						 struct phone_rule *generic)
{
	const struct country *c = alpha2 ? country_by_code(alpha2) : NULL;
	const struct phone_rule *r;

	if (!c || c->calling_code == 0)
		return NULL;
	r = rule_by_alpha2(c->alpha2);
	return r ? r : rule_for_cc(c->calling_code, generic);
}

/* Match the first element of *pat (a digit or a class such as "[2-57]")
 * against c, and step past it. */
static bool pattern_step(const char **pat, char c)
{
	const char *p = *pat;
	bool hit = false;

	if (*p != '[') {
		*pat = p + 1;
		return *p == c;
	}
	for (p++; *p && *p != ']'; p++) {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hit = hit || (c >= p[0] && c <= p[2]);
			p += 2;
		} else {
			hit = hit || *p == c;
		}
	}
	*pat = *p ? p + 1 : p;
	return hit;
}

/* If d (n digits) starts with pattern pat, the number of digits matched;
 * else 0.  An empty pattern matches nothing. */
static size_t pattern_prefix(const char *pat, const char *d, size_t n)
{
	size_t i = 0;

	while (*pat) {
		if (i >= n || !pattern_step(&pat, d[i]))
			return 0;
		i++;
	}
	return i;
}

/* Can an NSN in this rule's plan start with digit c? */
static bool rule_allows_first(const struct phone_rule *r, char c)
{
	if (!r->patterns)
		return true;
	for (const struct phone_pattern *p = r->patterns; p->prefix; p++) {
		const char *pat = p->prefix;

		if (pattern_step(&pat, c))
			return true;
	}
	return false;
}

static void rule_bounds(const struct phone_rule *r, size_t *lo, size_t *hi)
{
	size_t most = E164_MAX_DIGITS - cc_digits(r->cc);

	*lo = PHONE_MIN_NSN;
	*hi = most;
	if (!r->patterns)
		return;
	*lo = SIZE_MAX;
	*hi = 0;
	for (const struct phone_pattern *p = r->patterns; p->prefix; p++) {
		if (p->min < *lo)
			*lo = p->min;
		if (p->max > *hi)
			*hi = p->max;
	}
	if (*hi > most)
		*hi = most;
}

static bool all_one_digit(const char *d, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (d[i] != d[0])
			return false;
	}
	return true;
}

/* Check NSN d (n digits) against rule r; on success fill num. */
static enum phone_status check_nsn(const struct phone_rule *r, const char *d,
				   size_t n, struct phone_number *num)
{
	const struct phone_pattern *p = NULL;
	size_t lo, hi;

	rule_bounds(r, &lo, &hi);
	if (n < lo)
		return PHONE_TOO_SHORT;
	if (n > hi)
		return PHONE_TOO_LONG;
	if (all_one_digit(d, n))
		return PHONE_IMPLAUSIBLE;
	if (r->patterns) {
		for (p = r->patterns; p->prefix; p++) {
			if (pattern_prefix(p->prefix, d, n))
				break;
		}
		if (!p->prefix)
			return PHONE_IMPLAUSIBLE;
		if (n < p->min)
			return PHONE_TOO_SHORT;
		if (n > p->max)
			return PHONE_TOO_LONG;
		if (r->extra && !r->extra(d, n))
			return PHONE_IMPLAUSIBLE;
	}
	num->cc = r->cc;
	memcpy(num->nsn, d, n);
	num->nsn[n] = '\0';
	num->len = n;
	return PHONE_OK;
}

/*
 * Digits d (n of them) after "+" or an international prefix.  When loose,
 * a trunk prefix written after the country code ("+44 020...", the "(0)"
 * without its brackets) is dropped in countries whose numbers cannot start
 * with it; phone_check_e164() is strict and calls that implausible.
 */
static enum phone_status parse_international(const char *d, size_t n,
					     bool loose,
					     struct phone_number *num)
{
	const struct phone_rule *r;
	struct phone_rule generic;
	size_t k, t;
	unsigned cc = 0;

	if (n == 0)
		return PHONE_TOO_SHORT;
	k = calling_code_at(d, n, &cc);
	if (k == 0) {
		/* "+35" could be the start of a code; "+0" cannot. */
		return d[0] != '0' && n < 3 ? PHONE_TOO_SHORT :
					      PHONE_UNKNOWN_COUNTRY_CODE;
	}
	r = rule_for_cc(cc, &generic);
	d += k;
	n -= k;
	t = strlen(r->trunk);
	if (loose && t && r->patterns && n > t &&
	    !memcmp(d, r->trunk, t) && !rule_allows_first(r, r->trunk[0])) {
		d += t;
		n -= t;
	}
	return check_nsn(r, d, n, num);
}

/* Digits d (n of them) of a national number in rule r's country. */
static enum phone_status parse_national(const struct phone_rule *r,
					const char *d, size_t n,
					struct phone_number *num)
{
	size_t t = strlen(r->trunk);
	enum phone_status st;
	char cc[3];
	size_t ccn;

	if (t && n >= t && !memcmp(d, r->trunk, t)) {
		st = check_nsn(r, d + t, n - t, num);
		/* Where the trunk digit can also open a number ("8 800..."
		 * and "800..." in Russia), try the digits as written too. */
		if (st != PHONE_OK && r->patterns &&
		    rule_allows_first(r, r->trunk[0]) &&
		    check_nsn(r, d, n, num) == PHONE_OK)
			return PHONE_OK;
	} else {
		/* Written without the trunk prefix, as forms with a separate
		 * country field often are: read as the NSN itself. */
		st = check_nsn(r, d, n, num);
	}
	if (st == PHONE_OK)
		return st;

	/* "44 20 7946 0123": the country code without its "+". */
	ccn = cc_format(r->cc, cc);
	if (n > ccn && !memcmp(d, cc, ccn) &&
	    parse_international(d, n, true, num) == PHONE_OK)
		return PHONE_OK;
	return st;
}

/* Length of an extension marker at s (n bytes), or 0. */
static size_t ext_marker(const char *s, size_t n)
{
	static const char *const markers[] = {
		"extension", "extn", "ext", "x", "#"
	};

	for (size_t i = 0; i < ARRAY_SIZE(markers); i++) {
		size_t m = strlen(markers[i]), j;

		if (m > n)
			continue;
		for (j = 0; j < m; j++) {
			if (tolower((unsigned char)s[j]) != markers[i][j])
				break;
		}
		if (j == m)
			return m;
	}
	return 0;
}

static bool is_layout(unsigned char c)
{
	return c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' ||
	       c == ')' || (c >= '\t' && c <= '\r');
}

/* An extension after its marker: ". 123", ": 45", " 6".  Digits are
 * required, so that "x" alone or "ext. abc" stays a bad number. */
static bool ext_valid(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (s[i] == '.' || s[i] == ':'))
		i++;
	for (; i < n; i++) {
		if (is_digit(s[i]))
			digits++;
		else if (!is_layout((unsigned char)s[i]))
			return false;
	}
	return digits > 0;
}

static void phone_scan(struct phone_scan *sc, const char *in, size_t len)
{
	size_t i = 0;

	memset(sc, 0, sizeof(*sc));
	while (i < len) {
		unsigned char c = (unsigned char)in[i];
		size_t m;

		if (is_digit(c)) {
			if (sc->n < PHONE_SCAN_DIGITS)
				sc->digits[sc->n] = (char)c;
			sc->n++;
			i++;
		} else if (c == '+' && sc->n == 0 && !sc->plus) {
			sc->plus = true;
			i++;
		} else if (c == '(' && sc->n > 0 && len - i >= 3 &&
			   in[i + 1] == '0' && in[i + 2] == ')') {
			i += 3;		/* "+44 (0)20": the trunk, not dialled */
		} else if (is_layout(c)) {
			i++;
		} else if (c == 0xC2 && i + 1 < len &&
			   (unsigned char)in[i + 1] == 0xA0) {
			i += 2;		/* no-break space, pasted from the web */
		} else if (sc->n > 0 && (m = ext_marker(in + i, len - i))) {
			if (!ext_valid(in + i + m, len - i - m))
				sc->bad = true;
			break;
		} else {
			sc->bad = true;
			i++;
		}
	}
	if (sc->n <= PHONE_SCAN_DIGITS)
		sc->digits[sc->n] = '\0';
}

static enum phone_status phone_parse(const char *in, size_t len,
				     const char *default_country,
				     struct phone_number *num)
{
	const struct phone_rule *r;
	struct phone_rule generic;
	struct phone_scan sc;
	const char *d;
	size_t n, k = 0;

	if (len == 0)
		return PHONE_EMPTY;
	phone_scan(&sc, in, len);
	if (sc.n == 0)
		return PHONE_NO_DIGITS;
	if (sc.bad)
		return PHONE_BAD_CHARS;
	if (sc.n > PHONE_SCAN_DIGITS)
		return PHONE_TOO_LONG;
	d = sc.digits;
	n = sc.n;
	/* Placeholders such as 0000000000 would otherwise read as an
	 * international prefix followed by an unknown country code. */
	if (n >= PHONE_MIN_NSN && all_one_digit(d, n))
		return PHONE_IMPLAUSIBLE;
	if (sc.plus)
		return parse_international(d, n, true, num);

	r = rule_for_country(default_country, &generic);
	if (r && r->idd[0])
		k = pattern_prefix(r->idd, d, n);
	if (!k && n >= 2 && d[0] == '0' && d[1] == '0')
		k = 2;
	if (k)
		return parse_international(d + k, n - k, true, num);
	if (!r)
		return n < PHONE_MIN_NSN ? PHONE_TOO_SHORT : PHONE_NO_COUNTRY;
	return parse_national(r, d, n, num);
}

enum phone_status phone_to_e164(const char *in, size_t len,
				const char *default_country, struct buf *out)
{
	struct phone_number num;
	enum phone_status st;
	char e164[1 + 3 + PHONE_SCAN_DIGITS];
	size_t k;

	buf_reset(out);
	if (!in) {
		in = "";
		len = 0;
	}
	while (len > 0 && isspace((unsigned char)in[0])) {
		in++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)in[len - 1]))
		len--;

	st = phone_parse(in, len, default_country, &num);
	if (st == PHONE_OK) {
		e164[0] = '+';
		k = 1 + cc_format(num.cc, e164 + 1);
		memcpy(e164 + k, num.nsn, num.len);
		buf_add(out, e164, k + num.len);
	} else if (len) {
		buf_add(out, in, len);
	}
	return st;
}

enum phone_status phone_check_e164(const char *e164)
{
	struct phone_number num;
	size_t n = 0;

	if (!e164 || !e164[0])
		return PHONE_EMPTY;
	if (e164[0] != '+') {
		while (is_digit(e164[n]))
			n++;
		return e164[n] ? PHONE_BAD_CHARS : PHONE_NO_COUNTRY;
	}
	while (is_digit(e164[1 + n]))
		n++;
	if (e164[1 + n])
		return PHONE_BAD_CHARS;
	if (n == 0)
		return PHONE_NO_DIGITS;
	if (n > E164_MAX_DIGITS)
		return PHONE_TOO_LONG;
	return parse_international(e164 + 1, n, false, &num);
}

const char *phone_country_of(const char *e164)
{
	unsigned cc = 0;
	size_t n = 0;

	if (!e164 || e164[0] != '+')
		return NULL;
	while (is_digit(e164[1 + n]))
		n++;
	if (e164[1 + n] || !calling_code_at(e164 + 1, n, &cc))
		return NULL;
	return cc_owner(cc);
}

const char *phone_status_reason(enum phone_status s)
{
	switch (s) {
	case PHONE_OK:
		return "plausible phone number";
	case PHONE_EMPTY:
		return "empty";
	case PHONE_NO_DIGITS:
		return "no digits";
	case PHONE_TOO_SHORT:
		return "too few digits for the country";
	case PHONE_TOO_LONG:
		return "too many digits for the country";
	case PHONE_UNKNOWN_COUNTRY_CODE:
		return "unknown country calling code";
	case PHONE_NO_COUNTRY:
		return "national number with no default country";
	case PHONE_IMPLAUSIBLE:
		return "impossible prefix or repeated digit";
	case PHONE_BAD_CHARS:
		return "letters or symbols not used in phone numbers";
	}
	return "unknown phone status";
}
