/*
 * validate.c - the validity rules of each attribute type (see validate.h).
 *
 * Called once per normalised value during a scan, so the common case, a
 * valid ASCII value, is a single pass over its bytes with no allocation and
 * no call into utf8proc; Unicode is decoded only at non-ASCII bytes.  The
 * rules themselves live in util/ where they are shared (phones, countries,
 * postcodes, dates); this file adds email, person names, numbers, enum
 * membership and the attribute's pattern, and decides the order in which
 * problems are reported.
 */
#include <regex.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "profile/validate.h"
#include "util/country.h"
#include "util/number.h"
#include "util/datetime.h"
#include "util/phone.h"
#include "util/postcode.h"
#include "util/utf8.h"
#include "util/vec.h"

/* RFC 5321 section 4.5.3.1: local part 64 octets, domain 255 octets of
 * which a name in DNS can use 253, label 63. */
#define EMAIL_LOCAL_MAX 64
#define EMAIL_DOMAIN_MAX 253
#define EMAIL_LABEL_MAX 63

/* E.164 caps a number, country code included, at 15 digits. */
#define E164_DIGITS_MAX 15

struct enum_value {
	const char *s;
	size_t len;
};

struct validator {
	enum attribute_type type;
	struct enum_value *values;	/* enum: sorted by length, then bytes */
	size_t n_values;
	bool has_pattern;
	regex_t pattern;
};

static const struct {
	const char *name, *text;
} reasons[VR_COUNT] = {
	[VR_OK] = { "ok", "valid" },
	[VR_EMAIL_NO_AT] = { "email.no-at", "no @ in the address" },
	[VR_EMAIL_MANY_AT] = { "email.many-at", "more than one @ in the address" },
	[VR_EMAIL_SPACE] = { "email.space", "white space in the address" },
	[VR_EMAIL_LOCAL] = { "email.local",
		"the part before the @ is empty, too long, has misplaced dots, "
		"quotes or characters a mailbox name cannot have" },
	[VR_EMAIL_DOMAIN] = { "email.domain",
		"the part after the @ is not a domain name (one label, an "
		"empty or too long label, a hyphen at an end, a numeric "
		"top-level domain or characters a domain cannot have)" },
	[VR_PHONE_NOT_E164] = { "phone.not-e164",
		"not an international number in E.164 form (+ and up to 15 digits)" },
	[VR_PHONE_IMPLAUSIBLE] = { "phone.implausible",
		"not a possible number for its country (length, prefix or "
		"calling code)" },
	[VR_DATE] = { "date.invalid", "not a calendar date written YYYY-MM-DD" },
	[VR_DATETIME] = { "datetime.invalid",
		"not an ISO 8601 date and time (YYYY-MM-DDTHH:MM:SS)" },
	[VR_ENUM] = { "enum.not-listed", "not one of the allowed values" },
	[VR_COUNTRY] = { "country.invalid",
		"not an ISO 3166 alpha-2 country code" },
	[VR_POSTCODE] = { "postcode.invalid",
		"not a valid postcode for the record's country" },
	[VR_POSTCODE_NO_COUNTRY] = { "postcode.no-country",
		"not judged: the record has no country, or one steward has no "
		"postcode rule for" },
	[VR_BOOLEAN] = { "boolean.invalid", "not true or false" },
	[VR_NUMBER] = { "number.invalid", "not a finite decimal number" },
	[VR_PATTERN] = { "pattern.mismatch",
		"does not match the attribute's pattern" },
	[VR_NAME] = { "name.invalid", "a name with a digit, or with no letter" },
	[VR_CONTROL] = { "text.control", "contains control characters" },
	[VR_TRANSFORM] = { "transform.failed",
		"a transform could not normalise it" },
};

const char *validity_reason_name(enum validity_reason r)
{
	return (unsigned)r < VR_COUNT ? reasons[r].name : "?";
}

const char *validity_reason_text(enum validity_reason r)
{
	return (unsigned)r < VR_COUNT ? reasons[r].text : "?";
}

bool validity_reason_is_invalid(enum validity_reason r)
{
	return r != VR_OK && r != VR_POSTCODE_NO_COUNTRY;
}

/* --- characters ----------------------------------------------------------- */

static bool is_ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* C0 controls but tab, DEL, and C1 controls (UTF-8 C2 80 - C2 9F). */
#define BYTES_1 0x0101010101010101ULL
#define BYTES_80 0x8080808080808080ULL

/* Could the 8 bytes of w hold a control character: a byte below 0x20
 * (tab too, which the byte loop then lets pass), DEL, or 0xC2 (the lead
 * byte of the C1 controls)?  Bytes of 0x80 and above are never "below". */
static bool word_suspect(uint64_t w)
{
	uint64_t del = w ^ (0x7F * BYTES_1), c2 = w ^ (0xC2 * BYTES_1);

	return (((w - 0x20 * BYTES_1) & ~w) | ((del - BYTES_1) & ~del) |
		((c2 - BYTES_1) & ~c2)) & BYTES_80;
}

static bool has_control(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	/* nearly every value is clean: eight bytes at a time, and the word
	 * that looks suspect (or the tail) byte by byte */
	for (uint64_t w; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		if (word_suspect(w))
			break;
	}
	for (; i < len; i++) {
		unsigned char c = p[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
		if (c == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

/*
 * has_control() of a value of at most 32 bytes with 32 readable, without
 * a loop (util/vec.h); 0xC2 (a C1 control is C2 80 - C2 9F) sends the
 * value to has_control().
 */
static bool has_control_padded(const char *s, size_t len)
{
	vec16 v[2], in[2], bad = VEC16(0), c2 = VEC16(0);

	if (len > 32)
		return has_control(s, len);
	vec16_load32(s, len, v, in);
	for (size_t k = 0; k < 2; k++) {
		bad |= (vec16)((((v[k] >= VEC16(0)) & (v[k] < VEC16(0x20)) &
				 (v[k] != VEC16('\t'))) | (v[k] == VEC16(0x7f))) &
			       in[k]);
		c2 |= (vec16)(v[k] == VEC16((signed char)0xC2));
	}
	if (vec16_any(c2))
		return has_control(s, len);
	return vec16_any(bad);
}

/* Decode the code point at s[*i] and advance *i past it. */
static int32_t next_cp(const char *s, size_t len, size_t *i)
{
	int32_t cp;

	*i += utf8_decode(s + *i, len - *i, &cp);
	return cp;
}

static bool is_wide_alnum(int32_t cp)
{
	return utf8_is_letter(cp) || utf8_is_digit(cp);
}

/* --- email ---------------------------------------------------------------- */

/* RFC 5322 atext: what a dot-atom may hold besides dots. */
static bool is_atext(unsigned char c)
{
	if (is_ascii_alpha(c) || is_ascii_digit(c))
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '/': case '=': case '?': case '^':
	case '_': case '`': case '{': case '|': case '}': case '~':
	case '-':
		return true;
	default:
		return false;
	}
}

static bool has_unicode_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		if ((unsigned char)s[i] < 0x80)
			i++;
		else if (utf8_is_space(next_cp(s, len, &i)))
			return true;
	}
	return false;
}

static bool email_local_ok(const char *s, size_t len)
{
	if (len == 0 || len > EMAIL_LOCAL_MAX || s[0] == '.' ||
	    s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			if (!is_wide_alnum(next_cp(s, len, &i)))
				return false;
			continue;
		}
		if (c == '.' ? s[i - 1] == '.' : !is_atext(c))
			return false;
		i++;
	}
	return true;
}

/* One DNS label: 1-63 bytes of letters, digits and inner hyphens. */
static bool email_label_ok(const char *s, size_t len)
{
	if (len == 0 || len > EMAIL_LABEL_MAX || s[0] == '-' ||
	    s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			if (!is_wide_alnum(next_cp(s, len, &i)))
				return false;
			continue;
		}
		if (!is_ascii_alpha(c) && !is_ascii_digit(c) && c != '-')
			return false;
		i++;
	}
	return true;
}

static bool all_ascii_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_ascii_digit((unsigned char)s[i]))
			return false;
	return true;
}

static bool email_domain_ok(const char *s, size_t len)
{
	size_t start = 0, labels = 0;

	if (len == 0 || len > EMAIL_DOMAIN_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (!email_label_ok(s + start, i - start))
			return false;
		labels++;
		if (i == len)
			break;
		start = i + 1;
	}
	return labels >= 2 && !all_ascii_digits(s + start, len - start);
}

static enum validity_reason check_email(const char *s, size_t len)
{
	const char *at = NULL;
	size_t n_at = 0;
	bool wide = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t')
			return VR_EMAIL_SPACE;
		if (c == '@') {
			n_at++;
			at = s + i;
		}
		wide |= c >= 0x80;
	}
	if (wide && has_unicode_space(s, len))
		return VR_EMAIL_SPACE;
	if (n_at == 0)
		return VR_EMAIL_NO_AT;
	if (n_at > 1)
		return VR_EMAIL_MANY_AT;
	if (!email_local_ok(s, (size_t)(at - s)))
		return VR_EMAIL_LOCAL;
	if (!email_domain_ok(at + 1, len - (size_t)(at - s) - 1))
		return VR_EMAIL_DOMAIN;
	return VR_OK;
}

#if defined(__SSE2__)
/* The lanes of 32 bytes at s that equal c, as bits. */
static uint32_t lanes_eq(__m128i lo, __m128i hi, char c)
{
	__m128i x = _mm_set1_epi8(c);

	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(lo, x)) |
	       (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(hi, x)) << 16;
}

/* The lanes that lie in [a, b] (both ASCII), as bits. */
static uint32_t lanes_in(__m128i lo, __m128i hi, char a, char b)
{
	__m128i x = _mm_set1_epi8((char)(a - 1)), y = _mm_set1_epi8((char)(b + 1));

	return (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(lo, x),
							 _mm_cmpgt_epi8(y, lo))) |
	       (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(hi, x),
							 _mm_cmpgt_epi8(y, hi))) << 16;
}

/*
 * Is a value of 1-32 bytes, with 32 readable, an ordinary valid address:
 * printable ASCII, one @, a local part of atext and single dots not at its
 * ends, a domain of two or more labels of letters, digits and inner
 * hyphens, the last not all digits?  Each byte is classified at once,
 * and the rules become bit arithmetic on the lanes, with no loop: true
 * only where check_email() says VR_OK (the tests hold it to that); false
 * sends the value to check_email(), which words the reason.
 */
static bool plain_email_padded(const char *s, size_t len)
{
	static const char banned[] = "\"(),:;<>[\\]";
	__m128i lo = _mm_loadu_si128((const __m128i *)s);
	__m128i hi = _mm_loadu_si128((const __m128i *)(s + 16));
	uint32_t all = len == 32 ? UINT32_MAX : ((uint32_t)1 << len) - 1;
	uint32_t at, dot, sep, hyphen, word, digit, bad = 0, dom, tld;
	unsigned p, last;

	/* printable ASCII (0x21-0x7e; bytes from 0x80 compare negative) */
	if ((lanes_in(lo, hi, 0x21, 0x7e) & all) != all)
		return false;
	for (size_t i = 0; i < sizeof(banned) - 1; i++)
		bad |= lanes_eq(lo, hi, banned[i]);
	at = lanes_eq(lo, hi, '@') & all;
	/* exactly one @ (without __builtin_popcount(), a call into libgcc
	 * on a CPU without POPCNT, which is what the build targets) */
	if ((bad & all) || !at || (at & (at - 1)))
		return false;
	dot = lanes_eq(lo, hi, '.') & all;
	hyphen = lanes_eq(lo, hi, '-') & all;
	digit = lanes_in(lo, hi, '0', '9');
	word = digit | lanes_in(lo, hi, 'a', 'z') | lanes_in(lo, hi, 'A', 'Z');
	p = (unsigned)__builtin_ctz(at);
	/* no part, label or local part empty or ending in a dot */
	sep = dot | at;
	if ((sep & 1) || (sep >> (len - 1)) || (sep & (sep >> 1)))
		return false;
	dom = all & ~(((uint32_t)2 << p) - 1);
	if ((dom & ~(word | hyphen | dot)) || !(dot & dom))
		return false;
	/* no hyphen first or last in a label */
	if (hyphen & dom & ((sep << 1) | (sep >> 1) | ((uint32_t)1 << (len - 1))))
		return false;
	last = 31u - (unsigned)__builtin_clz(dot & dom);
	tld = all & ~(((uint32_t)2 << last) - 1);
	return (tld & ~digit) != 0;
}
#endif

bool validator_plain_email(const char *s, size_t len)
{
#if defined(__SSE2__)
	return len <= 32 && plain_email_padded(s, len);
#else
	(void)s;
	(void)len;
	return false;
#endif
}

/* --- phone, name, dates, country, postcode, boolean ----------------------- */


static enum validity_reason check_phone(const char *s, size_t len)
{
	if (len < 2 || len - 1 > E164_DIGITS_MAX || s[0] != '+' ||
	    !all_ascii_digits(s + 1, len - 1))
		return VR_PHONE_NOT_E164;
	/* s[len] is the NUL phone_check_e164 stops at (validate.h) */
	return phone_check_e164(s) == PHONE_OK ? VR_OK : VR_PHONE_IMPLAUSIBLE;
}

static enum validity_reason check_name(const char *s, size_t len)
{
	bool letter = false;

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		int32_t cp;

		if (c < 0x80) {
			if (is_ascii_digit(c))
				return VR_NAME;
			letter |= is_ascii_alpha(c);
			i++;
			continue;
		}
		cp = next_cp(s, len, &i);
		if (utf8_is_digit(cp))
			return VR_NAME;
		letter |= utf8_is_letter(cp);
	}
	return letter ? VR_OK : VR_NAME;
}

static bool iso_parses(const char *s, size_t len, int want_time)
{
	struct datetime dt;

	return datetime_parse(s, len, "iso8601", &dt, NULL) == 0 &&
	       dt.has_time == want_time;
}

static enum validity_reason check_date(const char *s, size_t len)
{
	/* YYYY-MM-DD is 10 bytes: a cheap reject before the calendar check */
	return len == 10 && iso_parses(s, len, 0) ? VR_OK : VR_DATE;
}

static enum validity_reason check_datetime(const char *s, size_t len)
{
	return iso_parses(s, len, 1) ? VR_OK : VR_DATETIME;
}

static enum validity_reason check_postcode(const char *s, size_t len,
					   const char *country,
					   struct buf *scratch)
{
	if (!country || !*country)
		return VR_POSTCODE_NO_COUNTRY;
	switch (postcode_normalise(s, len, country, scratch)) {
	case POSTCODE_OK:
		return VR_OK;
	case POSTCODE_INVALID:
		return VR_POSTCODE;
	case POSTCODE_UNKNOWN_COUNTRY:
		break;
	}
	return VR_POSTCODE_NO_COUNTRY;
}

static bool bytes_equal(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len == n && !memcmp(s, lit, n);
}

static enum validity_reason check_boolean(const char *s, size_t len)
{
	return bytes_equal(s, len, "true") || bytes_equal(s, len, "false")
	       ? VR_OK : VR_BOOLEAN;
}

/* --- number --------------------------------------------------------------- */

/*
 * The smallest decimal that rounds to infinity as a double: 2^1024 - 2^970,
 * halfway between DBL_MAX and 2^1024 (a tie rounds to even, which is up).
 * Its significant digits, read as 0.d1d2... x 10^309.
 */
static const char overflow_digits[] =
	"1797693134862315807937289714053034150799341327100378269361737789804"
	"4496829276475094664901797758720709633028641669288791094655554785194"
	"0402630657488671505820681908902000708383676273854845817711531764475"
	"7302700698555713669596228429148198608349364752927190741684443655107"
	"04342711559699508093042880177904174497792";
#define OVERFLOW_EXP10 309

/* Parsed shape of a decimal number: where its digits are. */
struct number_parts {
	const char *ip, *fp;	/* integer and fraction digits */
	size_t n_ip, n_fp;
	int64_t exp;		/* the exponent, clamped to +-10^12 */
};

static size_t digit_run(const char *s, size_t len, size_t *i)
{
	size_t n = number_digits(s, *i, len);

	*i += n;
	return n;
}

static bool parse_exponent(const char *s, size_t len, size_t *i, int64_t *exp)
{
	bool neg = false;
	size_t start;

	if (*i < len && (s[*i] == '+' || s[*i] == '-'))
		neg = s[(*i)++] == '-';
	start = *i;
	for (; *i < len && is_ascii_digit((unsigned char)s[*i]); (*i)++) {
		if (*exp < 1000000000000)	/* beyond any length * 10 */
			*exp = *exp * 10 + (s[*i] - '0');
	}
	if (neg)
		*exp = -*exp;
	return *i > start;
}

static bool number_parse(const char *s, size_t len, struct number_parts *n)
{
	size_t i = 0;

	memset(n, 0, sizeof(*n));
	if (s[0] == '+' || s[0] == '-')
		i++;
	n->ip = s + i;
	n->n_ip = digit_run(s, len, &i);
	if (i < len && s[i] == '.') {
		i++;
		n->fp = s + i;
		n->n_fp = digit_run(s, len, &i);
	}
	if (n->n_ip + n->n_fp == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (!parse_exponent(s, len, &i, &n->exp))
			return false;
	}
	return i == len;
}

/* The k-th significant digit of the mantissa (integer then fraction). */
static char mantissa_digit(const struct number_parts *n, size_t k)
{
	return k < n->n_ip ? n->ip[k] : n->fp[k - n->n_ip];
}

/* Is 0.(digits from first) x 10^309 at least 2^1024 - 2^970? */
static bool at_least_overflow(const struct number_parts *n, size_t first)
{
	size_t total = n->n_ip + n->n_fp, k = 0;

	for (; first < total && overflow_digits[k]; first++, k++) {
		char d = mantissa_digit(n, first);

		if (d != overflow_digits[k])
			return d > overflow_digits[k];
	}
	if (overflow_digits[k])		/* ran out of digits: smaller */
		return false;
	return true;			/* equal, or the same then more */
}

/* Would the number read as a double be infinite? */
static bool number_overflows(const struct number_parts *n)
{
	size_t total = n->n_ip + n->n_fp, first = 0;
	int64_t e10;

	while (first < total && mantissa_digit(n, first) == '0')
		first++;
	if (first == total)
		return false;		/* zero, whatever the exponent */
	/* value = 0.d(first)d(first+1)... x 10^e10 */
	e10 = (int64_t)n->n_ip - (int64_t)first + n->exp;
	if (e10 != OVERFLOW_EXP10)
		return e10 > OVERFLOW_EXP10;
	return at_least_overflow(n, first);
}

static enum validity_reason check_number(const char *s, size_t len)
{
	struct number_parts n;

	return number_parse(s, len, &n) && !number_overflows(&n)
	       ? VR_OK : VR_NUMBER;
}

/* --- enum ----------------------------------------------------------------- */

static int enum_value_cmp(const struct enum_value *a,
			  const struct enum_value *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->s, b->s, a->len);
}

static int enum_value_qsort_cmp(const void *a, const void *b)
{
	return enum_value_cmp(a, b);
}

static bool enum_contains(const struct validator *v, const char *s, size_t len)
{
	struct enum_value key = { s, len };
	size_t lo = 0, hi = v->n_values;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = enum_value_cmp(&key, &v->values[mid]);

		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static int enum_compile(struct validator *v, const struct attribute *a)
{
	if (a->n_values == 0)
		return ST_OK;
	v->values = xreallocarray(NULL, a->n_values, sizeof(*v->values));
	if (!v->values)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < a->n_values; i++) {
		v->values[i].s = a->values[i];
		v->values[i].len = strlen(a->values[i]);
	}
	v->n_values = a->n_values;
	qsort(v->values, v->n_values, sizeof(*v->values), enum_value_qsort_cmp);
	return ST_OK;
}

/* --- the validator -------------------------------------------------------- */

static int pattern_compile(struct validator *v, const char *pattern)
{
	int rc = regcomp(&v->pattern, pattern, REG_EXTENDED | REG_NOSUB);

	if (rc == REG_ESPACE)
		return ST_ERR_NOMEM;
	if (rc != 0)
		return ST_ERR;
	v->has_pattern = true;
	return ST_OK;
}

int validator_new(const struct attribute *a, struct validator **out)
{
	struct validator *v = xcalloc(1, sizeof(*v));
	int rc = ST_OK;

	*out = NULL;
	if (!v)
		return ST_ERR_NOMEM;
	v->type = a->type;
	if (a->type == ATTR_ENUM)
		rc = enum_compile(v, a);
	if (rc == ST_OK && a->pattern)
		rc = pattern_compile(v, a->pattern);
	if (rc != ST_OK) {
		validator_free(v);
		return rc;
	}
	*out = v;
	return ST_OK;
}

void validator_free(struct validator *v)
{
	if (!v)
		return;
	if (v->has_pattern)
		regfree(&v->pattern);
	xfree(v->values);
	xfree(v);
}

static enum validity_reason check_type(const struct validator *v,
				       const char *s, size_t len,
				       const char *country, struct buf *scratch)
{
	switch (v->type) {
	case ATTR_EMAIL: return check_email(s, len);
	case ATTR_PHONE: return check_phone(s, len);
	case ATTR_PERSON_NAME: return check_name(s, len);
	case ATTR_DATE: return check_date(s, len);
	case ATTR_DATETIME: return check_datetime(s, len);
	case ATTR_ENUM: return enum_contains(v, s, len) ? VR_OK : VR_ENUM;
	case ATTR_COUNTRY:
		return country_valid_alpha2(s, len) ? VR_OK : VR_COUNTRY;
	case ATTR_POSTCODE: return check_postcode(s, len, country, scratch);
	case ATTR_BOOLEAN: return check_boolean(s, len);
	case ATTR_NUMBER: return check_number(s, len);
	case ATTR_TEXT:
	case ATTR_IDENTIFIER:
		break;
	}
	return VR_OK;
}

/* The type's rule for a value whose transform has applied it already
 * (validator_check_vouched()): only a postcode's country is left to ask. */
static enum validity_reason vouched_type(const struct validator *v,
					 const char *country)
{
	return v->type == ATTR_POSTCODE &&
	       (!country || !*country || !postcode_country_known(country)) ?
	       VR_POSTCODE_NO_COUNTRY : VR_OK;
}

/* vouched implies padded. */
static enum validity_reason check(const struct validator *v, const char *value,
				  size_t len, const char *country,
				  struct buf *scratch, bool padded, bool vouched)
{
	enum validity_reason r = VR_OK;

	/* most addresses are plain: printable ASCII, so free of controls */
	if (!(padded && v->type == ATTR_EMAIL && validator_plain_email(value, len))) {
		if (padded ? has_control_padded(value, len) :
			     has_control(value, len))
			return VR_CONTROL;
		r = vouched ? vouched_type(v, country) :
			      check_type(v, value, len, country, scratch);
		if (r != VR_OK && r != VR_POSTCODE_NO_COUNTRY)
			return r;
	}
	/* NUL-terminated and free of NULs (has_control), so regexec sees
	 * exactly the value; any failure to match, even out of memory inside
	 * the regex engine, is a mismatch since there is no third verdict */
	if (v->has_pattern && regexec(&v->pattern, value, 0, NULL, 0) != 0)
		return VR_PATTERN;
	return r;
}

enum validity_reason validator_check(const struct validator *v,
				     const char *value, size_t len,
				     const char *country, struct buf *scratch)
{
	return check(v, value, len, country, scratch, false, false);
}

enum validity_reason validator_check_padded(const struct validator *v,
					    const char *value, size_t len,
					    const char *country,
					    struct buf *scratch)
{
	return check(v, value, len, country, scratch, true, false);
}

enum validity_reason validator_check_vouched(const struct validator *v,
					     const char *value, size_t len,
					     const char *country)
{
	return check(v, value, len, country, NULL, true, true);
}

bool validator_vouched_by(const struct validator *v,
			  const struct transform_chain *chain)
{
	enum transform_kind last;

	if (!chain->n)
		return false;
	last = chain->items[chain->n - 1].kind;
	return (v->type == ATTR_PHONE && last == TX_E164) ||
	       (v->type == ATTR_POSTCODE && last == TX_POSTCODE);
}
