/*
 * postcode.c - postcode formats by country.
 *
 * A postcode is reduced to its compact form (letters and digits, upper
 * case), matched against the country's shapes ("9999AA" for the
 * Netherlands), put through the country's finer check if it has one, and
 * written back with the separator where the country puts it.  The input may
 * put a space or hyphen only where the canonical form has its separator (or
 * where a country tolerates one), so "SW1A 1AA" and "sw1a1aa" are the same
 * postcode but "SW 1A1AA" is not a postcode at all.
 */
#include "postcode.h"

#include <ctype.h>
#include <pthread.h>

#include "country.h"

/* Longest compact postcode any rule accepts (Brazil's 8 digits), with
 * room to spare; longer input is invalid without further thought. */
#define POSTCODE_MAX 12

/* split: the canonical separator goes before this compact index; negative
 * counts from the end; 0 means none.  A separator at tolerated is accepted
 * but not kept ("110 001" for an Indian PIN). */
struct postcode_rule {
	char alpha2[3];
	const char *shapes;	/* '9' digit, 'A' letter, '?' either; '|' or */
	signed char split;
	char sep;
	unsigned char tolerated;
	const char *car;	/* old vehicle-code prefix ("D" in "D-80331") */
	bool (*check)(const char *c, size_t n);
};

static bool in_set(char c, const char *set)
{
	return c && strchr(set, c) != NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* isalnum() in the C locale steward runs in, without a call per byte. */
static bool is_alnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z');
}

static int two_digits(const char *c)
{
	return (c[0] - '0') * 10 + (c[1] - '0');
}

/* UK postcode areas, the letters before the first digit (Royal Mail's
 * list, with the Crown dependencies GY, JE and IM that share the format). */
static const char *const gb_areas[] = {
	"AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT",
	"CA", "CB", "CF", "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD",
	"DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX",
	"FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS",
	"HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L",
	"LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N",
	"NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL",
	"PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM",
	"SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN",
	"TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR",
	"WS", "WV", "YO", "ZE",
};

/*
 * Which rule a country uses, and whether letters are a UK postcode area,
 * are asked for every postcode, so they are looked up in tables indexed by
 * the letters, derived once per process from the readable tables in this
 * file (pthread_once publishes them to every thread; they never change
 * after).  Slots are 0-25 for a one-letter area or code prefix and
 * 26 + 26 * first + second for two letters.
 */
#define LETTER_SLOTS (26 + 26 * 26)

/* A rule's shapes as masks over the compact code's positions: a code of
 * len characters fits when it has a digit at every bit of digits and an
 * upper-case letter at every bit of letters ('?' is either, which compact()
 * already ensures).  Tested all at once, without a branch per character. */
#define POSTCODE_SHAPES 4

struct postcode_shapes {
	size_t n;
	struct {
		size_t len;
		unsigned digits, letters;
	} s[POSTCODE_SHAPES];
};

struct postcode_index {
	bool gb_area[LETTER_SLOTS];
	unsigned char rule_of[26 * 26];	/* postcode_rules index + 1 */
};

static struct postcode_index postcode_index_tables;
static pthread_once_t postcode_index_once = PTHREAD_ONCE_INIT;

static void postcode_index_build(void);

static const struct postcode_index *postcode_index(void)
{
	pthread_once(&postcode_index_once, postcode_index_build);
	return &postcode_index_tables;
}

/* The slot of one or two upper-case letters, or -1. */
static int letters_slot(const char *c, size_t n)
{
	if (n < 1 || n > 2 || !is_upper(c[0]) || (n == 2 && !is_upper(c[1])))
		return -1;
	return n == 1 ? c[0] - 'A' : 26 + (c[0] - 'A') * 26 + (c[1] - 'A');
}

static bool gb_area_known(const char *c, size_t n)
{
	int slot = letters_slot(c, n);

	return slot >= 0 && postcode_index()->gb_area[slot];
}

/*
 * UK: outward code A9, A99, AA9, AA99, A9A or AA9A, inward code 9AA.  The
 * letter rules are Royal Mail's: the inward letters never use CIKMOV, a
 * trailing outward letter is limited by its position, and the area must
 * exist.  GIR 0AA (Girobank) is the one historical exception.
 */
static bool gb_check(const char *c, size_t n)
{
	size_t m, area = 0;

	if (n == 6 && !memcmp(c, "GIR0AA", 6))
		return true;
	if (n < 5 || n > 7)
		return false;
	m = n - 3;	/* the outward code's length */
	if (!is_digit(c[m]) || !is_upper(c[m + 1]) || !is_upper(c[m + 2]) ||
	    in_set(c[m + 1], "CIKMOV") || in_set(c[m + 2], "CIKMOV"))
		return false;
	while (area < m && is_upper(c[area]))
		area++;
	if (area < 1 || area > 2 || !gb_area_known(c, area))
		return false;
	/* The district: 9, 99 or 9A after the area. */
	if (m - area == 1)
		return is_digit(c[area]);
	if (m - area != 2 || !is_digit(c[area]))
		return false;
	if (is_digit(c[area + 1]))
		return true;
	return in_set(c[area + 1], area == 1 ? "ABCDEFGHJKPSTUW" :
					       "ABEHMNPRVWXY");
}

/* Canada: the first letter names a province (no D F I O Q U W Z) and no
 * letter is D F I O Q U, which read like digits or each other. */
static bool ca_check(const char *c, size_t n)
{
	(void)n;
	return in_set(c[0], "ABCEGHJKLMNPRSTVXY") && !in_set(c[2], "DFIOQU") &&
	       !in_set(c[4], "DFIOQU");
}

/* Ireland: Eircode routing key (letter and two digits, or D6W) and a
 * unique identifier, using only letters that cannot be misread. */
static bool ie_check(const char *c, size_t n)
{
	static const char eircode_letters[] = "ACDEFHKNPRTVWXY";

	if (!in_set(c[0], eircode_letters))
		return false;
	if (!(is_digit(c[1]) && is_digit(c[2])) && memcmp(c, "D6W", 3) != 0)
		return false;
	for (size_t i = 3; i < n; i++) {
		if (!is_digit(c[i]) && !in_set(c[i], eircode_letters))
			return false;
	}
	return true;
}

/* US ZIP codes run from 00501; no area starts 000. */
static bool us_check(const char *c, size_t n)
{
	(void)n;
	return memcmp(c, "000", 3) != 0;
}

/* Germany: regions 01 to 99. */
static bool de_check(const char *c, size_t n)
{
	(void)n;
	return two_digits(c) >= 1;
}

/* France: the first two digits are the département, 01-95, or 97 and 98
 * overseas (and Monaco's 980). */
static bool fr_check(const char *c, size_t n)
{
	int d = two_digits(c);

	(void)n;
	return (d >= 1 && d <= 95) || d == 97 || d == 98;
}

/* Spain: the first two digits are the province, 01-52. */
static bool es_check(const char *c, size_t n)
{
	int d = two_digits(c);

	(void)n;
	return d >= 1 && d <= 52;
}

/* Singapore: the first two digits are the postal sector, 01-82. */
static bool sg_check(const char *c, size_t n)
{
	int d = two_digits(c);

	(void)n;
	return d >= 1 && d <= 82;
}

/* Netherlands: 1000-9999, and SA, SD and SS are never used as letters. */
static bool nl_check(const char *c, size_t n)
{
	(void)n;
	return c[0] != '0' && memcmp(c + 4, "SA", 2) != 0 &&
	       memcmp(c + 4, "SD", 2) != 0 && memcmp(c + 4, "SS", 2) != 0;
}

/* Countries whose codes start at 1000, 10000...: no leading zero. */
static bool no_leading_zero(const char *c, size_t n)
{
	(void)n;
	return c[0] != '0';
}

/* In alpha-2 order. */
static const struct postcode_rule postcode_rules[] = {
	{ "AT", "9999", 0, 0, 0, "A", no_leading_zero },
	{ "AU", "9999", 0, 0, 0, NULL, NULL },
	{ "BE", "9999", 0, 0, 0, "B", no_leading_zero },
	{ "BR", "99999999", 5, '-', 0, NULL, NULL },
	{ "CA", "A9A9A9", 3, ' ', 0, NULL, ca_check },
	{ "CH", "9999", 0, 0, 0, "CH", no_leading_zero },
	{ "DE", "99999", 0, 0, 0, "D", de_check },
	{ "DK", "9999", 0, 0, 0, "DK", NULL },
	{ "ES", "99999", 0, 0, 0, "E", es_check },
	{ "FI", "99999", 0, 0, 0, "FIN", NULL },
	{ "FR", "99999", 0, 0, 0, "F", fr_check },
	{ "GB", "?????|??????|???????", -3, ' ', 0, NULL, gb_check },
	{ "IE", "A9?????", 3, ' ', 0, NULL, ie_check },
	{ "IN", "999999", 0, 0, 3, NULL, no_leading_zero },
	{ "IT", "99999", 0, 0, 0, "I", NULL },
	{ "JP", "9999999", 3, '-', 0, NULL, NULL },
	{ "NL", "9999AA", 4, ' ', 0, "NL", nl_check },
	{ "NO", "9999", 0, 0, 0, "N", NULL },
	{ "NZ", "9999", 0, 0, 0, NULL, NULL },
	{ "PL", "99999", 2, '-', 0, "PL", NULL },
	{ "PT", "9999999", 4, '-', 0, "P", no_leading_zero },
	{ "SE", "99999", 3, ' ', 0, "S", no_leading_zero },
	{ "SG", "999999", 0, 0, 0, NULL, sg_check },
	{ "US", "99999|999999999", 5, '-', 0, NULL, us_check },
	{ "ZA", "9999", 0, 0, 0, NULL, NULL },
};

/* Territories that use another country's postcodes. */
static const struct {
	char alpha2[3];
	char rule[3];
} postcode_shared[] = {
	{ "AS", "US" }, { "AX", "FI" }, { "GG", "GB" }, { "GU", "US" },
	{ "IM", "GB" }, { "JE", "GB" }, { "LI", "CH" }, { "MC", "FR" },
	{ "MP", "US" }, { "PR", "US" }, { "SM", "IT" }, { "VA", "IT" },
	{ "VI", "US" },
};

/* The rule for a country of the table, by its (upper-case) code. */
static const struct postcode_rule *rule_scan(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(postcode_shared); i++) {
		if (!strcmp(postcode_shared[i].alpha2, code)) {
			code = postcode_shared[i].rule;
			break;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(postcode_rules); i++) {
		if (!strcmp(postcode_rules[i].alpha2, code))
			return &postcode_rules[i];
	}
	return NULL;
}

/* Per rule, built with the index. */
static struct postcode_shapes postcode_shape_tables[ARRAY_SIZE(postcode_rules)];

/* Compile a rule's '|'-separated shapes ('9' digit, 'A' letter, '?'
 * either) into masks. */
static void shapes_compile(const char *shapes, struct postcode_shapes *out)
{
	const char *p = shapes;

	out->n = 0;
	while (*p) {
		size_t len = 0;
		unsigned digits = 0, letters = 0;

		/* a rule of the table above with more shapes than room, or
		 * a shape longer than a compact code, is a bug in that table */
		if (out->n == POSTCODE_SHAPES)
			abort();
		for (; *p && *p != '|'; p++, len++) {
			if (len == POSTCODE_MAX)
				abort();
			digits |= (unsigned)(*p == '9') << len;
			letters |= (unsigned)(*p == 'A') << len;
		}
		out->s[out->n].len = len;
		out->s[out->n].digits = digits;
		out->s[out->n].letters = letters;
		out->n++;
		if (*p == '|')
			p++;
	}
}

static void postcode_index_build(void)
{
	struct postcode_index *x = &postcode_index_tables;

	for (size_t i = 0; i < ARRAY_SIZE(postcode_rules); i++)
		shapes_compile(postcode_rules[i].shapes, &postcode_shape_tables[i]);

	for (size_t i = 0; i < ARRAY_SIZE(gb_areas); i++) {
		int slot = letters_slot(gb_areas[i], strlen(gb_areas[i]));

		if (slot >= 0)
			x->gb_area[slot] = true;
	}
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		const char *code = country_at(i)->alpha2;
		const struct postcode_rule *r = rule_scan(code);
		int slot = letters_slot(code, 2);

		if (r && slot >= 26)
			x->rule_of[slot - 26] =
				(unsigned char)(r - postcode_rules + 1);
	}
}

static const struct postcode_rule *rule_for(const char *alpha2)
{
	const struct country *c = alpha2 ? country_by_code(alpha2) : NULL;
	int slot = c ? letters_slot(c->alpha2, 2) : -1;
	unsigned char i;

	if (slot < 26)
		return NULL;
	i = postcode_index()->rule_of[slot - 26];
	return i ? &postcode_rules[i - 1] : NULL;
}

bool postcode_country_known(const char *alpha2)
{
	return rule_for(alpha2) != NULL;
}

/* Does compact code c (n bytes, upper-case letters and digits) fit one of
 * rule r's shapes? */
static bool shape_matches(const struct postcode_rule *r, const char *c,
			  size_t n)
{
	/* r came from rule_for(), whose postcode_index() built the tables */
	const struct postcode_shapes *sh =
		&postcode_shape_tables[r - postcode_rules];
	unsigned digits = 0, letters = 0;
	bool fits = false;

	for (size_t i = 0; i < n; i++) {
		digits |= (unsigned)is_digit(c[i]) << i;
		letters |= (unsigned)is_upper(c[i]) << i;
	}
	for (size_t k = 0; k < sh->n; k++)
		fits |= (sh->s[k].len == n) &
			((digits & sh->s[k].digits) == sh->s[k].digits) &
			((letters & sh->s[k].letters) == sh->s[k].letters);
	return fits;
}

/* Length of a "D-" or "DE-" country prefix at in, or 0. */
static size_t country_prefix(const struct postcode_rule *r, const char *in,
			     size_t len)
{
	const char *names[2] = { r->car, r->alpha2 };

	if (!r->car)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(names[i]), j;

		if (len <= k + 1 || in[k] != '-')
			continue;
		for (j = 0; j < k; j++) {
			if (toupper((unsigned char)in[j]) != names[i][j])
				break;
		}
		if (j == k)
			return k + 1;
	}
	return 0;
}

/*
 * Reduce in to its compact form in c (upper case, no separators); *sep is
 * the compact index of the one group of spaces or hyphens, or 0 when none.
 * Returns the compact length, or 0 when in cannot be a postcode.
 */
static size_t compact(const char *in, size_t len, char c[POSTCODE_MAX],
		      size_t *sep)
{
	size_t n = 0;
	bool in_sep = false;

	*sep = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == ' ' || ch == '-') {
			if (!in_sep && (*sep || n == 0))
				return 0;	/* a second group, or leading */
			*sep = n;
			in_sep = true;
			continue;
		}
		if (!is_alnum_ascii(ch) || n == POSTCODE_MAX)
			return 0;
		c[n++] = (char)(ch >= 'a' ? ch - ('a' - 'A') : ch);
		in_sep = false;
	}
	return n;
}

static bool postcode_valid(const struct postcode_rule *r, const char *in,
			   size_t len, char c[POSTCODE_MAX], size_t *n,
			   size_t *split)
{
	size_t sep, k = country_prefix(r, in, len);

	*n = compact(in + k, len - k, c, &sep);
	if (*n == 0 || !shape_matches(r, c, *n))
		return false;
	if (r->split < 0)
		*split = (size_t)-r->split < *n ? *n - (size_t)-r->split : 0;
	else
		*split = (size_t)r->split < *n ? (size_t)r->split : 0;
	if (sep && sep != *split && sep != r->tolerated)
		return false;
	return !r->check || r->check(c, *n);
}

enum postcode_status postcode_normalise(const char *in, size_t len,
					const char *country_alpha2,
					struct buf *out)
{
	const struct postcode_rule *r = rule_for(country_alpha2);
	char c[POSTCODE_MAX];
	size_t n, split;

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

	if (!r || !postcode_valid(r, in, len, c, &n, &split)) {
		if (len)
			buf_add(out, in, len);
		return r ? POSTCODE_INVALID : POSTCODE_UNKNOWN_COUNTRY;
	}
	buf_add(out, c, split ? split : n);
	if (split) {
		buf_addch(out, r->sep);
		buf_add(out, c + split, n - split);
	}
	return POSTCODE_OK;
}
