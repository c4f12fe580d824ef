/*
 * test_validate.c - validity of normalised values per attribute type
 * (profile/validate).
 *
 * Table-driven: each table lists values with the exact reason the validator
 * must give, valid ones (VR_OK) beside the near misses that must fail, so a
 * rule that is too loose or too strict fails a row.  A failing row prints
 * the value, what came back and what was wanted, and the case goes on to
 * report every bad row before it fails.  Number overflow is checked against
 * the C library's correctly rounded strtod(), and the no-allocation promise
 * is checked with util/alloc's allocation counter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "profile/validate.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/phone.h"

/* --- helpers ----------------------------------------------------------- */

struct vcase {
	const char *value;
	enum validity_reason want;
	const char *country;	/* postcodes: the record's country, or NULL */
};

static int restore_allocator(void **state)
{
	UNUSED(state);
	alloc_fail_after(-1);
	return 0;
}

#define FAULT_TEST(f) cmocka_unit_test_teardown(f, restore_allocator)

static struct attribute attr_of(enum attribute_type type, const char *pattern)
{
	struct attribute a;

	memset(&a, 0, sizeof(a));
	a.id = "a";
	a.type = type;
	a.pattern = pattern;
	return a;
}

/* Print the row and count it when the validator's verdict differs. */
static int expect_one(const struct validator *v, const char *value, size_t len,
		      const char *country, enum validity_reason want,
		      struct buf *scratch)
{
	enum validity_reason got = validator_check(v, value, len, country,
						   scratch);

	if (got == want)
		return 0;
	print_error("'%s' (country %s): got %s, want %s\n", value,
		    country ? country : "none", validity_reason_name(got),
		    validity_reason_name(want));
	return 1;
}

static void expect_cases_for(const struct attribute *a,
			     const struct vcase *c, size_t n)
{
	struct buf scratch = BUF_INIT;
	struct validator *v = NULL;
	int bad = 0;

	assert_int_equal(validator_new(a, &v), ST_OK);
	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		bad += expect_one(v, c[i].value, strlen(c[i].value),
				  c[i].country, c[i].want, &scratch);
	validator_free(v);
	buf_release(&scratch);
	assert_int_equal(bad, 0);
}

static void expect_cases(enum attribute_type type, const char *pattern,
			 const struct vcase *c, size_t n)
{
	struct attribute a = attr_of(type, pattern);

	expect_cases_for(&a, c, n);
}

#define EXPECT(type, pattern, table) \
	expect_cases((type), (pattern), (table), ARRAY_SIZE(table))

/* A string of n copies of c, in buf (for length limits). */
static const char *repeat(struct buf *b, int c, size_t n)
{
	buf_reset(b);
	buf_addchars(b, c, n);
	return b->data;
}

/* --- email ------------------------------------------------------------- */

static void email_accepts_ordinary_and_international_addresses(void **state)
{
	static const struct vcase cases[] = {
		{ "a@b.co", VR_OK, NULL },
		{ "john.smith@example.com", VR_OK, NULL },
		{ "john+tag@example.co.uk", VR_OK, NULL },
		{ "o'brien@example.ie", VR_OK, NULL },
		{ "x_y-z@sub-domain.example.org", VR_OK, NULL },
		{ "!#$%&'*+/=?^_`{|}~-@example.com", VR_OK, NULL },
		{ "1234@example.com", VR_OK, NULL },
		{ "a@b.c0m", VR_OK, NULL },
		{ "user@xn--bcher-kva.example", VR_OK, NULL },
		{ "j\xc3\xb6hn@ex\xc3\xa4mple.de", VR_OK, NULL },
		/* 用户@例子.广告 */
		{ "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90."
		  "\xe5\xb9\xbf\xe5\x91\x8a", VR_OK, NULL },
		{ "a@1.example.com", VR_OK, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_EMAIL, NULL, cases);
}

static void email_rejects_white_space_anywhere(void **state)
{
	static const struct vcase cases[] = {
		{ "john smith@x.com", VR_EMAIL_SPACE, NULL },
		{ "john@x .com", VR_EMAIL_SPACE, NULL },
		{ " john@x.com", VR_EMAIL_SPACE, NULL },
		{ "john@x.com ", VR_EMAIL_SPACE, NULL },
		{ "john\t@x.com", VR_EMAIL_SPACE, NULL },
		{ "john\xc2\xa0@x.com", VR_EMAIL_SPACE, NULL },	/* NBSP */
		{ "john@x\xe3\x80\x80.com", VR_EMAIL_SPACE, NULL }, /* U+3000 */
		{ "\"john smith\"@x.com", VR_EMAIL_SPACE, NULL },
		{ "no at here", VR_EMAIL_SPACE, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_EMAIL, NULL, cases);
}

static void email_needs_exactly_one_at(void **state)
{
	static const struct vcase cases[] = {
		{ "john.x.com", VR_EMAIL_NO_AT, NULL },
		{ "john", VR_EMAIL_NO_AT, NULL },
		{ "a@b@c.com", VR_EMAIL_MANY_AT, NULL },
		{ "@@", VR_EMAIL_MANY_AT, NULL },
		{ "a@@b.com", VR_EMAIL_MANY_AT, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_EMAIL, NULL, cases);
}

static void email_rejects_bad_local_parts(void **state)
{
	static const struct vcase cases[] = {
		{ "@x.com", VR_EMAIL_LOCAL, NULL },
		{ "john..smith@x.com", VR_EMAIL_LOCAL, NULL },
		{ ".john@x.com", VR_EMAIL_LOCAL, NULL },
		{ "john.@x.com", VR_EMAIL_LOCAL, NULL },
		{ "\"john\"@x.com", VR_EMAIL_LOCAL, NULL },
		{ "jo(hn)@x.com", VR_EMAIL_LOCAL, NULL },
		{ "jo,hn@x.com", VR_EMAIL_LOCAL, NULL },
		{ "jo\\hn@x.com", VR_EMAIL_LOCAL, NULL },
		{ "a[b]@x.com", VR_EMAIL_LOCAL, NULL },
		{ "jo\xe2\x80\x94hn@x.com", VR_EMAIL_LOCAL, NULL }, /* em dash */
		{ "jo\xcc\x88hn@x.com", VR_EMAIL_LOCAL, NULL }, /* lone mark */
	};

	UNUSED(state);
	EXPECT(ATTR_EMAIL, NULL, cases);
}

static void email_rejects_bad_domains(void **state)
{
	static const struct vcase cases[] = {
		{ "john@", VR_EMAIL_DOMAIN, NULL },
		{ "john@x", VR_EMAIL_DOMAIN, NULL },
		{ "john@localhost", VR_EMAIL_DOMAIN, NULL },
		{ "john@-x.com", VR_EMAIL_DOMAIN, NULL },
		{ "john@x-.com", VR_EMAIL_DOMAIN, NULL },
		{ "john@x.-com", VR_EMAIL_DOMAIN, NULL },
		{ "john@x..com", VR_EMAIL_DOMAIN, NULL },
		{ "john@.x.com", VR_EMAIL_DOMAIN, NULL },
		{ "john@x.com.", VR_EMAIL_DOMAIN, NULL },
		{ "john@x.123", VR_EMAIL_DOMAIN, NULL },
		{ "john@192.0.2.1", VR_EMAIL_DOMAIN, NULL },
		{ "john@[192.0.2.1]", VR_EMAIL_DOMAIN, NULL },
		{ "john@x_y.com", VR_EMAIL_DOMAIN, NULL },
		{ "john@ex!ample.com", VR_EMAIL_DOMAIN, NULL },
		{ "john@ex\xe2\x80\x94mple.com", VR_EMAIL_DOMAIN, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_EMAIL, NULL, cases);
}

static void email_length_limits_are_64_63_and_253_bytes(void **state)
{
	struct attribute a = attr_of(ATTR_EMAIL, NULL);
	struct buf s = BUF_INIT, part = BUF_INIT, scratch = BUF_INIT;
	struct validator *v;
	int bad = 0;

	UNUSED(state);
	assert_int_equal(validator_new(&a, &v), ST_OK);
	/* local part: 64 bytes pass, 65 fail */
	buf_addstr(&s, repeat(&part, 'a', 64));
	buf_addstr(&s, "@x.com");
	bad += expect_one(v, s.data, s.len, NULL, VR_OK, &scratch);
	buf_reset(&s);
	buf_addf(&s, "%s@x.com", repeat(&part, 'a', 65));
	bad += expect_one(v, s.data, s.len, NULL, VR_EMAIL_LOCAL, &scratch);
	/* lengths count bytes: 32 two-byte letters are 64, 33 are 66 */
	buf_reset(&s);
	for (int i = 0; i < 32; i++)
		buf_addstr(&s, "\xc3\xb6");
	buf_addstr(&s, "@x.com");
	bad += expect_one(v, s.data, s.len, NULL, VR_OK, &scratch);
	buf_reset(&s);
	for (int i = 0; i < 33; i++)
		buf_addstr(&s, "\xc3\xb6");
	buf_addstr(&s, "@x.com");
	bad += expect_one(v, s.data, s.len, NULL, VR_EMAIL_LOCAL, &scratch);
	/* a label: 63 bytes pass, 64 fail */
	buf_reset(&s);
	buf_addf(&s, "a@%s.com", repeat(&part, 'b', 63));
	bad += expect_one(v, s.data, s.len, NULL, VR_OK, &scratch);
	buf_reset(&s);
	buf_addf(&s, "a@%s.com", repeat(&part, 'b', 64));
	bad += expect_one(v, s.data, s.len, NULL, VR_EMAIL_DOMAIN, &scratch);
	/* the domain: three 63-byte labels and a 61-byte one are 253 bytes;
	 * a 62-byte last label makes 254 */
	buf_reset(&s);
	buf_addstr(&s, "a@");
	for (int i = 0; i < 3; i++)
		buf_addf(&s, "%s.", repeat(&part, 'c', 63));
	buf_addstr(&s, repeat(&part, 'd', 61));
	assert_int_equal(s.len, 2 + 253);
	bad += expect_one(v, s.data, s.len, NULL, VR_OK, &scratch);
	buf_addch(&s, 'd');
	bad += expect_one(v, s.data, s.len, NULL, VR_EMAIL_DOMAIN, &scratch);
	validator_free(v);
	buf_release(&s);
	buf_release(&part);
	buf_release(&scratch);
	assert_int_equal(bad, 0);
}

/* --- phone ------------------------------------------------------------- */

static void phone_accepts_plausible_e164_numbers(void **state)
{
	static const struct vcase cases[] = {
		{ "+442079460123", VR_OK, NULL },
		{ "+447700900123", VR_OK, NULL },
		{ "+14155550123", VR_OK, NULL },
		{ "+353871234567", VR_OK, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_PHONE, NULL, cases);
}

static void phone_rejects_numbers_not_in_e164_form(void **state)
{
	static const struct vcase cases[] = {
		{ "02079460123", VR_PHONE_NOT_E164, NULL },
		{ "+44 20 7946 0123", VR_PHONE_NOT_E164, NULL },
		{ "+44-20-7946-0123", VR_PHONE_NOT_E164, NULL },
		{ "+", VR_PHONE_NOT_E164, NULL },
		{ "++442079460123", VR_PHONE_NOT_E164, NULL },
		{ "+4420794601234567", VR_PHONE_NOT_E164, NULL }, /* 16 digits */
		{ "442079460123", VR_PHONE_NOT_E164, NULL },
		{ "+44207946012x", VR_PHONE_NOT_E164, NULL },
		{ "n/a", VR_PHONE_NOT_E164, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_PHONE, NULL, cases);
}

static void phone_flags_numbers_implausible_for_their_country(void **state)
{
	static const struct vcase cases[] = {
		{ "+440000000000", VR_PHONE_IMPLAUSIBLE, NULL },
		{ "+44123", VR_PHONE_IMPLAUSIBLE, NULL },
		{ "+4420794601234", VR_PHONE_IMPLAUSIBLE, NULL },
		{ "+1055550123", VR_PHONE_IMPLAUSIBLE, NULL },	/* area code 0 */
		{ "+999123456789", VR_PHONE_IMPLAUSIBLE, NULL }, /* no such code */
		{ "+0442079460123", VR_PHONE_IMPLAUSIBLE, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_PHONE, NULL, cases);
}

/* What the e164 transform produces must be judged valid. */
static void phone_accepts_every_number_phone_to_e164_produces(void **state)
{
	static const struct {
		const char *country, *written;
	} numbers[] = {
		{ "GB", "020 7946 0123" }, { "GB", "07700 900123" },
		{ "US", "(415) 555-0123" }, { "IE", "087 123 4567" },
		{ "DE", "030 1234567" }, { "FR", "01 23 45 67 89" },
		{ NULL, "+683 1234" }, { NULL, "+500 12345" },
		{ NULL, "+44 (0)20 7946 0123 ext. 12" },
	};
	struct attribute a = attr_of(ATTR_PHONE, NULL);
	struct buf e164 = BUF_INIT, scratch = BUF_INIT;
	struct validator *v;
	int bad = 0;

	UNUSED(state);
	assert_int_equal(validator_new(&a, &v), ST_OK);
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
		const char *w = numbers[i].written;

		assert_int_equal(phone_to_e164(w, strlen(w), numbers[i].country,
					       &e164), PHONE_OK);
		bad += expect_one(v, e164.data, e164.len, NULL, VR_OK, &scratch);
	}
	validator_free(v);
	buf_release(&e164);
	buf_release(&scratch);
	assert_int_equal(bad, 0);
}

/* --- names, dates ------------------------------------------------------- */

static void person_name_needs_a_letter_and_no_digit(void **state)
{
	static const struct vcase cases[] = {
		{ "O'Brien", VR_OK, NULL },
		{ "Zo\xc3\xab", VR_OK, NULL },
		{ "Zoe\xcc\x88", VR_OK, NULL },		/* decomposed ë */
		{ "de la Cruz", VR_OK, NULL },
		{ "Smith-Jones", VR_OK, NULL },
		{ "\xc5\x81ukasz", VR_OK, NULL },
		{ "\xe6\x9d\x8e", VR_OK, NULL },		/* 李 */
		{ "J.", VR_OK, NULL },
		{ "Henry VIII", VR_OK, NULL },
		{ "R2D2", VR_NAME, NULL },
		{ "John 3rd", VR_NAME, NULL },
		{ "Ahmed\xd9\xa1", VR_NAME, NULL },	/* Arabic-Indic 1 */
		{ "---", VR_NAME, NULL },
		{ ".", VR_NAME, NULL },
		{ "'", VR_NAME, NULL },
		{ "\xe2\x80\x94", VR_NAME, NULL },	/* em dash */
		{ "123", VR_NAME, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_PERSON_NAME, NULL, cases);
}

static void date_accepts_only_real_days_written_yyyy_mm_dd(void **state)
{
	static const struct vcase cases[] = {
		{ "2024-02-29", VR_OK, NULL },
		{ "2026-01-05", VR_OK, NULL },
		{ "0001-01-01", VR_OK, NULL },
		{ "9999-12-31", VR_OK, NULL },
		{ "2026-02-29", VR_DATE, NULL },
		{ "2024-02-30", VR_DATE, NULL },
		{ "2024-13-01", VR_DATE, NULL },
		{ "2024-00-10", VR_DATE, NULL },
		{ "2024-1-5", VR_DATE, NULL },
		{ "24-01-05", VR_DATE, NULL },
		{ "0000-01-01", VR_DATE, NULL },
		{ "2024/01/05", VR_DATE, NULL },
		{ "05/01/2024", VR_DATE, NULL },
		{ "2024-01-05 ", VR_DATE, NULL },
		{ "2024-01-05T10:00:00Z", VR_DATE, NULL },
		{ "20240105", VR_DATE, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_DATE, NULL, cases);
}

static void datetime_needs_an_iso_8601_date_and_time(void **state)
{
	static const struct vcase cases[] = {
		{ "2024-01-05T10:00:00Z", VR_OK, NULL },
		{ "2024-01-05T10:00Z", VR_OK, NULL },
		{ "2024-01-05T10:00:00+01:00", VR_OK, NULL },
		{ "2024-01-05T10:00:00.123Z", VR_OK, NULL },
		{ "2024-01-05 10:00:00", VR_OK, NULL },
		{ "2024-01-05", VR_DATETIME, NULL },
		{ "2024-01-05T24:00:00Z", VR_DATETIME, NULL },
		{ "2024-01-05T10:60:00Z", VR_DATETIME, NULL },
		{ "2026-02-29T10:00:00Z", VR_DATETIME, NULL },
		{ "2024-01-05T10", VR_DATETIME, NULL },
		{ "10:00:00", VR_DATETIME, NULL },
		{ "1704448800", VR_DATETIME, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_DATETIME, NULL, cases);
}

/* --- enum, country, postcode, boolean ---------------------------------- */

static void enum_matches_the_values_exactly(void **state)
{
	static const char *values[] = { "current", "overdue", "suspended",
					"closed" };
	static const struct vcase cases[] = {
		{ "current", VR_OK, NULL },
		{ "overdue", VR_OK, NULL },
		{ "suspended", VR_OK, NULL },
		{ "closed", VR_OK, NULL },
		{ "Current", VR_ENUM, NULL },
		{ "CLOSED", VR_ENUM, NULL },
		{ " current", VR_ENUM, NULL },
		{ "curren", VR_ENUM, NULL },
		{ "currents", VR_ENUM, NULL },
		{ "open", VR_ENUM, NULL },
	};
	struct attribute a = attr_of(ATTR_ENUM, NULL);

	UNUSED(state);
	a.values = values;
	a.n_values = ARRAY_SIZE(values);
	expect_cases_for(&a, cases, ARRAY_SIZE(cases));
}

static void enum_with_many_values_finds_each_and_nothing_else(void **state)
{
	enum { N = 300 };
	char text[N][8];
	const char *values[N];
	struct attribute a = attr_of(ATTR_ENUM, NULL);
	struct buf scratch = BUF_INIT;
	struct validator *v;
	int bad = 0;

	UNUSED(state);
	/* written in descending order, so the validator must sort them */
	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "v%d", N - 1 - i);
		values[i] = text[i];
	}
	a.values = values;
	a.n_values = N;
	assert_int_equal(validator_new(&a, &v), ST_OK);
	for (int i = 0; i < N; i++)
		bad += expect_one(v, text[i], strlen(text[i]), NULL, VR_OK,
				  &scratch);
	bad += expect_one(v, "v300", 4, NULL, VR_ENUM, &scratch);
	bad += expect_one(v, "v", 1, NULL, VR_ENUM, &scratch);
	bad += expect_one(v, "V1", 2, NULL, VR_ENUM, &scratch);
	bad += expect_one(v, "v01", 3, NULL, VR_ENUM, &scratch);
	validator_free(v);
	buf_release(&scratch);
	assert_int_equal(bad, 0);
}

static void enum_without_values_accepts_nothing(void **state)
{
	static const struct vcase cases[] = {
		{ "anything", VR_ENUM, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_ENUM, NULL, cases);
}

static void country_accepts_assigned_alpha2_codes_only(void **state)
{
	static const struct vcase cases[] = {
		{ "GB", VR_OK, NULL },
		{ "US", VR_OK, NULL },
		{ "DE", VR_OK, NULL },
		{ "gb", VR_OK, NULL },
		{ "UK", VR_COUNTRY, NULL },
		{ "GBR", VR_COUNTRY, NULL },
		{ "G", VR_COUNTRY, NULL },
		{ "XX", VR_COUNTRY, NULL },
		{ "G1", VR_COUNTRY, NULL },
		{ "United Kingdom", VR_COUNTRY, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_COUNTRY, NULL, cases);
}

static void postcode_is_judged_against_the_record_country(void **state)
{
	static const struct vcase cases[] = {
		{ "SW1A 1AA", VR_OK, "GB" },
		{ "sw1a1aa", VR_OK, "GB" },
		{ "SW1A 1AA", VR_OK, "gb" },
		{ "M1 1AE", VR_OK, "GB" },
		{ "12345", VR_POSTCODE, "GB" },
		{ "QQ1 1AA", VR_POSTCODE, "GB" },
		{ "90210", VR_OK, "US" },
		{ "90210-1234", VR_OK, "US" },
		{ "9021", VR_POSTCODE, "US" },
		{ "SW1A 1AA", VR_POSTCODE, "US" },
		{ "75001", VR_OK, "FR" },
		{ "1234 AB", VR_OK, "NL" },
		{ "80331", VR_OK, "DE" },
		{ "8033", VR_POSTCODE, "DE" },
	};

	UNUSED(state);
	EXPECT(ATTR_POSTCODE, NULL, cases);
}

static void postcode_without_a_known_country_is_not_judged(void **state)
{
	static const struct vcase cases[] = {
		{ "SW1A 1AA", VR_POSTCODE_NO_COUNTRY, NULL },
		{ "SW1A 1AA", VR_POSTCODE_NO_COUNTRY, "" },
		{ "00100", VR_POSTCODE_NO_COUNTRY, "KE" },	/* no rule */
		{ "anything", VR_POSTCODE_NO_COUNTRY, "XX" },
	};

	UNUSED(state);
	EXPECT(ATTR_POSTCODE, NULL, cases);
	assert_false(validity_reason_is_invalid(VR_POSTCODE_NO_COUNTRY));
	assert_false(validity_reason_is_invalid(VR_OK));
	assert_true(validity_reason_is_invalid(VR_POSTCODE));
	assert_true(validity_reason_is_invalid(VR_TRANSFORM));
}

static void boolean_is_exactly_true_or_false(void **state)
{
	static const struct vcase cases[] = {
		{ "true", VR_OK, NULL },
		{ "false", VR_OK, NULL },
		{ "True", VR_BOOLEAN, NULL },
		{ "FALSE", VR_BOOLEAN, NULL },
		{ "yes", VR_BOOLEAN, NULL },
		{ "1", VR_BOOLEAN, NULL },
		{ "0", VR_BOOLEAN, NULL },
		{ "t", VR_BOOLEAN, NULL },
		{ " true", VR_BOOLEAN, NULL },
		{ "truee", VR_BOOLEAN, NULL },
		{ "fals", VR_BOOLEAN, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_BOOLEAN, NULL, cases);
}

/* --- number ------------------------------------------------------------ */

static void number_accepts_signed_decimals_with_exponents(void **state)
{
	static const struct vcase cases[] = {
		{ "0", VR_OK, NULL },
		{ "-1.5e3", VR_OK, NULL },
		{ "+2", VR_OK, NULL },
		{ "3.14", VR_OK, NULL },
		{ "5.", VR_OK, NULL },
		{ ".5", VR_OK, NULL },
		{ "-.5E-2", VR_OK, NULL },
		{ "1E10", VR_OK, NULL },
		{ "1e+10", VR_OK, NULL },
		{ "007", VR_OK, NULL },
		{ "1e308", VR_OK, NULL },
		{ "-1e308", VR_OK, NULL },
		{ "0.001e311", VR_OK, NULL },
		{ "1e-999", VR_OK, NULL },	/* underflows to 0: finite */
		{ "0e999999", VR_OK, NULL },
		{ "0.000e99999999999999999999", VR_OK, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_NUMBER, NULL, cases);
}

static void number_rejects_other_shapes_and_infinity(void **state)
{
	static const struct vcase cases[] = {
		{ "1e999", VR_NUMBER, NULL },
		{ "1e309", VR_NUMBER, NULL },
		{ "-1e309", VR_NUMBER, NULL },
		{ "1000e306", VR_NUMBER, NULL },
		{ "99999999999999999999e99999999999999999999", VR_NUMBER, NULL },
		{ "1,000", VR_NUMBER, NULL },
		{ "1,5", VR_NUMBER, NULL },
		{ "1 000", VR_NUMBER, NULL },
		{ "1.2.3", VR_NUMBER, NULL },
		{ "-", VR_NUMBER, NULL },
		{ "+", VR_NUMBER, NULL },
		{ ".", VR_NUMBER, NULL },
		{ "e5", VR_NUMBER, NULL },
		{ "1e", VR_NUMBER, NULL },
		{ "1e+", VR_NUMBER, NULL },
		{ "--1", VR_NUMBER, NULL },
		{ "0x1A", VR_NUMBER, NULL },
		{ "inf", VR_NUMBER, NULL },
		{ "nan", VR_NUMBER, NULL },
		{ " 1", VR_NUMBER, NULL },
		{ "1.5f", VR_NUMBER, NULL },
		{ "\xd9\xa1", VR_NUMBER, NULL },	/* Arabic-Indic 1 */
	};

	UNUSED(state);
	EXPECT(ATTR_NUMBER, NULL, cases);
}

/* Around DBL_MAX the verdict agrees with a correctly rounded strtod(). */
static void number_overflow_agrees_with_strtod_at_the_edge(void **state)
{
	static const char *const edge[] = {
		"1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "1.797693134862315807e308",
		"1.797693134862315808e308",
		/* 2^1024 - 2^970, the first value that rounds to infinity */
		"1.797693134862315807937289714053034150799341327100378269361737"
		"789804449682927647509466490179775872070963302864166928879109465"
		"555478519404026306574886715058206819089020007083836762738548458"
		"177115317644757302700698555713669596228429148198608349364752927"
		"190741684443655107043427115596995080930428801779041744977920e308",
		/* the same minus one in the last place */
		"1.797693134862315807937289714053034150799341327100378269361737"
		"789804449682927647509466490179775872070963302864166928879109465"
		"555478519404026306574886715058206819089020007083836762738548458"
		"177115317644757302700698555713669596228429148198608349364752927"
		"190741684443655107043427115596995080930428801779041744977919e308",
		"17976931348623157e292", "0.17976931348623159e309",
		"179769313486231570000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000000000000000000"
		"000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000",
		"-1.7976931348623159e308", "9.9e307", "1e308", "10e308",
	};
	struct attribute a = attr_of(ATTR_NUMBER, NULL);
	struct buf scratch = BUF_INIT;
	struct validator *v;
	int bad = 0, finite = 0;

	UNUSED(state);
	assert_int_equal(validator_new(&a, &v), ST_OK);
	for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
		double d = strtod(edge[i], NULL);
		enum validity_reason want = isinf(d) ? VR_NUMBER : VR_OK;

		finite += want == VR_OK;
		bad += expect_one(v, edge[i], strlen(edge[i]), NULL, want,
				  &scratch);
	}
	validator_free(v);
	buf_release(&scratch);
	assert_int_equal(bad, 0);
	/* both verdicts occur, so the edge is really between the rows */
	assert_in_range(finite, 1, ARRAY_SIZE(edge) - 1);
}

/* --- control characters, text, identifier ------------------------------ */

static void text_and_identifier_refuse_only_control_characters(void **state)
{
	static const struct vcase cases[] = {
		{ "anything at all, even $ and \"quotes\"", VR_OK, NULL },
		{ "a\tb", VR_OK, NULL },
		{ "\xc3\xa9t\xc3\xa9", VR_OK, NULL },
		{ "a\xc2\xa0" "b", VR_OK, NULL },		/* NBSP */
		{ "\xc2\xa9 2024", VR_OK, NULL },		/* © */
		{ "a\nb", VR_CONTROL, NULL },
		{ "a\rb", VR_CONTROL, NULL },
		{ "\x01", VR_CONTROL, NULL },
		{ "a\x1b[0m", VR_CONTROL, NULL },
		{ "a\x7f", VR_CONTROL, NULL },
		{ "a\xc2\x85" "b", VR_CONTROL, NULL },	/* NEL, C1 */
		{ "\xc2\x9f", VR_CONTROL, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_TEXT, NULL, cases);
	EXPECT(ATTR_IDENTIFIER, NULL, cases);
}

/* Control characters are found at every offset of a long value (the
 * check reads eight bytes at a time), and tab, NBSP and other non-ASCII
 * bytes at every offset are not mistaken for them. */
static void control_characters_are_found_at_every_offset(void **state)
{
	static const struct {
		const char *bytes;
		enum validity_reason want;
	} inserts[] = {
		{ "\x01", VR_CONTROL }, { "\x1f", VR_CONTROL }, { "\n", VR_CONTROL },
		{ "\x7f", VR_CONTROL }, { "\xc2\x85", VR_CONTROL },
		{ "\xc2\x9f", VR_CONTROL }, { "\t", VR_OK }, { "\xc2\xa0", VR_OK },
		{ "\xc3\xa9", VR_OK }, { " ", VR_OK }, { "~", VR_OK },
	};
	struct attribute a = attr_of(ATTR_TEXT, NULL);
	struct buf scratch = BUF_INIT;
	struct validator *v = NULL;
	int bad = 0;

	UNUSED(state);
	assert_int_equal(validator_new(&a, &v), ST_OK);
	for (size_t k = 0; k < ARRAY_SIZE(inserts); k++) {
		for (size_t at = 0; at <= 24; at++) {
			char value[64];
			size_t n = strlen(inserts[k].bytes);

			memset(value, 'x', 24);
			memcpy(value + at, inserts[k].bytes, n);
			memset(value + at + n, 'y', 24 - at);
			value[24 + n] = '\0';
			bad += expect_one(v, value, 24 + n, NULL, inserts[k].want,
					  &scratch);
		}
	}
	validator_free(v);
	buf_release(&scratch);
	assert_int_equal(bad, 0);
}

static void control_characters_come_before_every_type_rule(void **state)
{
	static const struct vcase email[] = {
		{ "john\n@x.com", VR_CONTROL, NULL },
		{ "john smith\r\n", VR_CONTROL, NULL },
	};
	static const struct vcase phone[] = {
		{ "+44207946\x01" "0123", VR_CONTROL, NULL },
	};
	static const struct vcase name[] = {
		{ "R2\x7f" "D2", VR_CONTROL, NULL },
	};
	static const struct vcase boolean[] = {
		{ "true\n", VR_CONTROL, NULL },
	};
	struct attribute a = attr_of(ATTR_POSTCODE, NULL);
	struct buf scratch = BUF_INIT;
	struct validator *v;
	static const char nul[] = "SW1A\0 1AA";

	UNUSED(state);
	EXPECT(ATTR_EMAIL, NULL, email);
	EXPECT(ATTR_PHONE, NULL, phone);
	EXPECT(ATTR_PERSON_NAME, NULL, name);
	EXPECT(ATTR_BOOLEAN, NULL, boolean);
	/* an embedded NUL is a control character, not the end of the value */
	assert_int_equal(validator_new(&a, &v), ST_OK);
	assert_int_equal(validator_check(v, nul, sizeof(nul) - 1, "GB",
					 &scratch), VR_CONTROL);
	validator_free(v);
	buf_release(&scratch);
}

/* --- patterns ---------------------------------------------------------- */

#define UUID_PATTERN \
	"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

static void pattern_must_match_the_device_id_uuid(void **state)
{
	static const struct vcase cases[] = {
		{ "123e4567-e89b-12d3-a456-426614174000", VR_OK, NULL },
		{ "00000000-0000-0000-0000-000000000000", VR_OK, NULL },
		{ "123E4567-E89B-12D3-A456-426614174000", VR_PATTERN, NULL },
		{ "123e4567-e89b-12d3-a456-42661417400", VR_PATTERN, NULL },
		{ "x123e4567-e89b-12d3-a456-426614174000", VR_PATTERN, NULL },
		{ "123e4567-e89b-12d3-a456-426614174000x", VR_PATTERN, NULL },
		{ "123e4567e89b12d3a456426614174000", VR_PATTERN, NULL },
		{ "123e4567-e89b-12d3-a456-4266141740\n0", VR_CONTROL, NULL },
	};

	UNUSED(state);
	EXPECT(ATTR_IDENTIFIER, UUID_PATTERN, cases);
}

static void pattern_is_checked_after_the_type_rule(void **state)
{
	static const struct vcase email[] = {
		{ "a@example.com", VR_OK, NULL },
		{ "a@other.com", VR_PATTERN, NULL },
		{ "a@@example.com", VR_EMAIL_MANY_AT, NULL },
		{ "a..b@example.com", VR_EMAIL_LOCAL, NULL },
	};
	/* unanchored: matches anywhere */
	static const struct vcase name[] = {
		{ "Mary Ann", VR_OK, NULL },
		{ "mary ann", VR_PATTERN, NULL },
		{ "mary Ann", VR_OK, NULL },
		{ "R2D2", VR_NAME, NULL },
	};
	/* not judged for postcode, but the pattern still applies */
	static const struct vcase postcode[] = {
		{ "SW1A 1AA", VR_POSTCODE_NO_COUNTRY, NULL },
		{ "sw1a 1aa", VR_PATTERN, NULL },
		{ "sw1a 1aa", VR_PATTERN, "GB" },
		{ "SW1A 1AA", VR_OK, "GB" },
		{ "ZZZZ", VR_POSTCODE, "GB" },
	};

	UNUSED(state);
	EXPECT(ATTR_EMAIL, "@example\\.com$", email);
	EXPECT(ATTR_PERSON_NAME, "[A-Z]", name);
	EXPECT(ATTR_POSTCODE, "^[A-Z0-9 ]+$", postcode);
}

static void validator_new_refuses_a_pattern_that_does_not_compile(void **state)
{
	struct attribute a = attr_of(ATTR_TEXT, "[a-");
	struct validator *v = (struct validator *)&a;

	UNUSED(state);
	assert_int_equal(validator_new(&a, &v), ST_ERR);
	assert_null(v);
}

/* --- resources --------------------------------------------------------- */

static void validator_new_fails_cleanly_when_memory_runs_out(void **state)
{
	static const char *values[] = { "b", "a", "c" };
	struct attribute a = attr_of(ATTR_ENUM, "^[a-z]$");
	struct validator *v;
	long n;
	int rc;

	UNUSED(state);
	a.values = values;
	a.n_values = ARRAY_SIZE(values);
	for (n = 0;; n++) {
		v = (struct validator *)&a;
		alloc_fail_after(n);
		rc = validator_new(&a, &v);
		alloc_fail_after(-1);
		if (rc == ST_OK)
			break;
		assert_int_equal(rc, ST_ERR_NOMEM);
		assert_null(v);
	}
	assert_true(n >= 2);	/* the validator and its value table */
	assert_int_equal(validator_check(v, "c", 1, NULL, NULL), VR_OK);
	assert_int_equal(validator_check(v, "d", 1, NULL, NULL), VR_ENUM);
	validator_free(v);
}

/*
 * How often validator_check_padded() and validator_check() disagree on
 * `rounds` pseudo-random values of a type, of 1 to max_len bytes, drawn
 * from alphabet (n bytes) but for one byte in 16 of any value when
 * `any_byte`; the buffer past each value holds more of the same, so that
 * the padded check is seen to ignore it.
 */
static int padded_disagreements(enum attribute_type type, const char *alphabet,
				size_t n, bool any_byte, size_t max_len,
				int rounds, uint64_t seed)
{
	struct attribute a = attr_of(type, NULL);
	struct validator *v = NULL;
	char buf[64 + VALIDATE_PAD];
	int differ = 0;

	assert_true(max_len < 64);
	assert_int_equal(validator_new(&a, &v), ST_OK);
	for (int round = 0; round < rounds; round++) {
		size_t len = 1 + (size_t)round % max_len;

		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			buf[i] = any_byte && (seed >> 60) == 0 ? (char)(seed >> 20) :
				 alphabet[(seed >> 33) % n];
		}
		buf[len] = '\0';
		if (strlen(buf) != len)
			continue;	/* a NUL inside: not a value */
		differ += validator_check(v, buf, len, NULL, NULL) !=
			  validator_check_padded(v, buf, len, NULL, NULL);
	}
	validator_free(v);
	return differ;
}

/* The padded check agrees with the general one on every value, whatever
 * follows it in the buffer: control characters at each position, tabs,
 * DEL, C1 controls (C2 80 - C2 9F) and their neighbours, and lengths
 * either side of 16 and 32. */
static void padded_check_agrees_with_the_general_one(void **state)
{
	static const char bytes[] = "abcdefghijklmnopqrstuvwxyzZ5 \t\n"
		"\x01\x1f\x7f\xc2\x80\x9f\xa0\xc3\xa9@";

	(void)state;
	assert_int_equal(padded_disagreements(ATTR_TEXT, bytes, sizeof(bytes) - 1,
					      true, 40, 50000, 11), 0);
}

/* The padded check of an email (plain addresses classified 32 bytes at
 * once) gives check_email()'s verdict on every value: random strings over
 * the characters that matter (dots, hyphens, @, digits, specials a local
 * part may or may not have), and addresses with one thing wrong. */
static void padded_email_check_agrees_with_the_general_one(void **state)
{
	static const char alphabet[] = "ab.@-9Z_+\"( \t!.-a9";
	static const char *const good[] = {
		"ann@x.com", "ann.lee@mail.example.co.uk", "a-b@c-d.e9",
		"o'brien+tag@x.io", "9@9.a9", "jane_doe@sub.domain.org",
		"x@y.z", "abcdefghijklmnopqrstuvwxyz@ab.cd",
		"abcdefghijklmnopqrstuvwxyz@abc.def",	/* past 32 bytes */
		"abcdefghijklmnopqrstuvwxy@ab.cde",	/* 32 bytes */
	};
	static const char *const bad[] = {
		".ann@x.com", "ann.@x.com", "a..b@x.com", "ann@.x.com",
		"ann@x..com", "ann@x.com.", "ann@-x.com", "ann@x-.com",
		"ann@x.-com", "ann@x.123", "ann@localhost", "@x.com", "ann@",
		"a@b@c.com", "a b@x.com", "a(b)@x.com", "ann@x_y.com",
		"ann\"@x.com", "abcdefghijklmnopqrstuvwxyz@abc.de-",
		"ab@c.d-", "abcdefghijklmnopqrstuvwxyz@ab.c(", "a]b@x.com",
		"a\\b@x.com", "a[b@x.com", "a:b@x.com", "a;b@x.com", "a,b@x.com",
		"a<b@x.com", "a>b@x.com", "a)b@x.com",
	};
	struct attribute a = attr_of(ATTR_EMAIL, NULL);
	struct validator *v = NULL;
	char buf[64 + VALIDATE_PAD];

	(void)state;
	assert_int_equal(validator_new(&a, &v), ST_OK);
	for (size_t i = 0; i < ARRAY_SIZE(good) + ARRAY_SIZE(bad); i++) {
		const char *e = i < ARRAY_SIZE(good) ? good[i] :
				bad[i - ARRAY_SIZE(good)];

		memset(buf, '@', sizeof(buf));
		memcpy(buf, e, strlen(e) + 1);
		assert_int_equal(validator_check_padded(v, buf, strlen(e), NULL, NULL),
				 validator_check(v, e, strlen(e), NULL, NULL));
		assert_true((validator_check(v, e, strlen(e), NULL, NULL) == VR_OK) ==
			    (i < ARRAY_SIZE(good)));
#if defined(__SSE2__)
		/* the short cut takes every good address that fits it */
		assert_true(validator_plain_email(buf, strlen(e)) ==
			    (i < ARRAY_SIZE(good) && strlen(e) <= 32));
#endif
	}
	validator_free(v);
	assert_int_equal(padded_disagreements(ATTR_EMAIL, alphabet,
					      sizeof(alphabet) - 1, true, 36,
					      200000, 5), 0);
}

static void validator_free_accepts_null(void **state)
{
	UNUSED(state);
	validator_free(NULL);
}

static void validator_check_allocates_nothing(void **state)
{
	static const char *values[] = { "current", "overdue", "closed" };
	static const struct {
		enum attribute_type type;
		const char *pattern;
		const char *value;
		const char *country;
	} rows[] = {
		{ ATTR_EMAIL, NULL, "j\xc3\xb6hn@ex\xc3\xa4mple.de", NULL },
		{ ATTR_EMAIL, NULL, "john..smith@x.com", NULL },
		{ ATTR_PHONE, NULL, "+442079460123", NULL },
		{ ATTR_PHONE, NULL, "+440000000000", NULL },
		{ ATTR_PERSON_NAME, NULL, "Zo\xc3\xab", NULL },
		{ ATTR_DATE, NULL, "2024-02-29", NULL },
		{ ATTR_DATETIME, NULL, "2024-01-05T10:00:00Z", NULL },
		{ ATTR_ENUM, NULL, "overdue", NULL },
		{ ATTR_COUNTRY, NULL, "GB", NULL },
		{ ATTR_POSTCODE, NULL, "sw1a1aa", "GB" },
		{ ATTR_POSTCODE, NULL, "not a postcode", "GB" },
		{ ATTR_BOOLEAN, NULL, "true", NULL },
		{ ATTR_NUMBER, NULL, "-1.5e3", NULL },
		{ ATTR_IDENTIFIER, UUID_PATTERN,
		  "123e4567-e89b-12d3-a456-426614174000", NULL },
		{ ATTR_TEXT, NULL, "bad\x01", NULL },
	};
	struct validator *v[ARRAY_SIZE(rows)];
	enum validity_reason first[ARRAY_SIZE(rows)];
	struct buf scratch = BUF_INIT;
	long before;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct attribute a = attr_of(rows[i].type, rows[i].pattern);

		a.values = values;
		a.n_values = rows[i].type == ATTR_ENUM ? ARRAY_SIZE(values) : 0;
		assert_int_equal(validator_new(&a, &v[i]), ST_OK);
		/* the first round lets scratch grow to the longest value */
		first[i] = validator_check(v[i], rows[i].value,
					   strlen(rows[i].value),
					   rows[i].country, &scratch);
	}
	before = alloc_count();
	for (int n = 0; n < 10000; n++) {
		size_t i = (size_t)n % ARRAY_SIZE(rows);

		assert_int_equal(validator_check(v[i], rows[i].value,
						 strlen(rows[i].value),
						 rows[i].country, &scratch),
				 first[i]);
	}
	assert_int_equal(alloc_count(), before);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		validator_free(v[i]);
	buf_release(&scratch);
}

/* --- reasons ----------------------------------------------------------- */

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '-';
}

static void every_reason_has_a_distinct_name_and_text(void **state)
{
	UNUSED(state);
	for (int r = 0; r < VR_COUNT; r++) {
		const char *name = validity_reason_name((enum validity_reason)r);
		const char *text = validity_reason_text((enum validity_reason)r);

		assert_non_null(name);
		assert_non_null(text);
		assert_true(strlen(name) > 0);
		assert_true(strlen(text) > 0);
		assert_string_not_equal(name, "?");
		for (const char *p = name; *p; p++)
			assert_true(is_key_char(*p));
		for (int s = 0; s < r; s++) {
			assert_string_not_equal(
				name, validity_reason_name((enum validity_reason)s));
			assert_string_not_equal(
				text, validity_reason_text((enum validity_reason)s));
		}
	}
	assert_string_equal(validity_reason_name(VR_EMAIL_NO_AT), "email.no-at");
	assert_string_equal(validity_reason_text(VR_EMAIL_NO_AT),
			    "no @ in the address");
	assert_string_equal(validity_reason_name(VR_COUNT), "?");
	assert_string_equal(validity_reason_text(VR_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(email_accepts_ordinary_and_international_addresses),
		cmocka_unit_test(email_rejects_white_space_anywhere),
		cmocka_unit_test(email_needs_exactly_one_at),
		cmocka_unit_test(email_rejects_bad_local_parts),
		cmocka_unit_test(email_rejects_bad_domains),
		cmocka_unit_test(email_length_limits_are_64_63_and_253_bytes),
		cmocka_unit_test(phone_accepts_plausible_e164_numbers),
		cmocka_unit_test(phone_rejects_numbers_not_in_e164_form),
		cmocka_unit_test(phone_flags_numbers_implausible_for_their_country),
		cmocka_unit_test(phone_accepts_every_number_phone_to_e164_produces),
		cmocka_unit_test(person_name_needs_a_letter_and_no_digit),
		cmocka_unit_test(date_accepts_only_real_days_written_yyyy_mm_dd),
		cmocka_unit_test(datetime_needs_an_iso_8601_date_and_time),
		cmocka_unit_test(enum_matches_the_values_exactly),
		cmocka_unit_test(enum_with_many_values_finds_each_and_nothing_else),
		cmocka_unit_test(enum_without_values_accepts_nothing),
		cmocka_unit_test(country_accepts_assigned_alpha2_codes_only),
		cmocka_unit_test(postcode_is_judged_against_the_record_country),
		cmocka_unit_test(postcode_without_a_known_country_is_not_judged),
		cmocka_unit_test(boolean_is_exactly_true_or_false),
		cmocka_unit_test(number_accepts_signed_decimals_with_exponents),
		cmocka_unit_test(number_rejects_other_shapes_and_infinity),
		cmocka_unit_test(number_overflow_agrees_with_strtod_at_the_edge),
		cmocka_unit_test(text_and_identifier_refuse_only_control_characters),
		cmocka_unit_test(control_characters_are_found_at_every_offset),
		cmocka_unit_test(control_characters_come_before_every_type_rule),
		cmocka_unit_test(pattern_must_match_the_device_id_uuid),
		cmocka_unit_test(pattern_is_checked_after_the_type_rule),
		cmocka_unit_test(validator_new_refuses_a_pattern_that_does_not_compile),
		FAULT_TEST(validator_new_fails_cleanly_when_memory_runs_out),
		cmocka_unit_test(padded_check_agrees_with_the_general_one),
		cmocka_unit_test(padded_email_check_agrees_with_the_general_one),
		cmocka_unit_test(validator_free_accepts_null),
		cmocka_unit_test(validator_check_allocates_nothing),
		cmocka_unit_test(every_reason_has_a_distinct_name_and_text),
	};

	return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
