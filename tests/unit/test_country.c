/*
 * test_country.c - ISO 3166-1 lookup (util/country) and postcodes
 * (util/postcode), which keys its rules off the same alpha-2 codes.
 *
 * The country table is checked for shape (249 codes, sorted, unique,
 * prefix-free calling codes) and every name, alpha-3 code and alias is
 * looked up to prove that folding finds it.  Postcodes are table-driven,
 * with valid and invalid examples for every country that has a rule, and
 * every canonical form is normalised again to show it is a fixed point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>

#include "util/country.h"
#include "util/postcode.h"

static bool is_upper_code(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	}
	return s[n] == '\0';
}

static void test_table_holds_every_assigned_code_in_order(void **state)
{
	(void)state;
	assert_non_null(country_at(COUNTRY_COUNT - 1));
	assert_null(country_at(COUNTRY_COUNT));
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		const struct country *c = country_at(i);

		assert_true(is_upper_code(c->alpha2, 2));
		assert_true(is_upper_code(c->alpha3, 3));
		assert_true(strlen(c->name) > 3);
		assert_true(c->calling_code < 1000);
		if (i > 0)
			assert_true(strcmp(country_at(i - 1)->alpha2,
					   c->alpha2) < 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(country_at(j)->alpha3,
						c->alpha3);
	}
}

/* Phone parsing reads the first assigned code: that is only right if no
 * calling code is a prefix of another (ITU-T E.164 guarantees it). */
static void test_calling_codes_are_prefix_free(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		unsigned a = country_at(i)->calling_code;

		if (!a)
			continue;
		for (size_t j = 0; j < COUNTRY_COUNT; j++) {
			unsigned b = country_at(j)->calling_code;

			while (b > a)
				b /= 10;
			if (b == a)
				assert_int_equal(country_at(j)->calling_code, a);
		}
	}
}

static void test_well_known_entries_are_right(void **state)
{
	const struct country *c;

	(void)state;
	c = country_by_code("GB");
	assert_non_null(c);
	assert_string_equal(c->alpha3, "GBR");
	assert_int_equal(c->calling_code, 44);
	assert_string_equal(c->name,
			    "United Kingdom of Great Britain and Northern Ireland");
	c = country_by_code("US");
	assert_string_equal(c->alpha3, "USA");
	assert_int_equal(c->calling_code, 1);
	assert_int_equal(country_by_code("IE")->calling_code, 353);
	assert_string_equal(country_by_code("DE")->alpha3, "DEU");
	assert_string_equal(country_by_code("CI")->name, "Côte d'Ivoire");
	assert_int_equal(country_by_code("BV")->calling_code, 0);
	assert_string_equal(country_by_code("ZW")->alpha3, "ZWE");
	assert_string_equal(country_by_code("AD")->alpha3, "AND");
}

static void test_by_code_ignores_case_and_wants_two_letters(void **state)
{
	(void)state;
	assert_string_equal(country_by_code("gb")->alpha2, "GB");
	assert_string_equal(country_by_code("Gb")->alpha2, "GB");
	assert_string_equal(country_by_code("nZ")->alpha2, "NZ");
	assert_null(country_by_code(NULL));
	assert_null(country_by_code(""));
	assert_null(country_by_code("G"));
	assert_null(country_by_code("GBR"));
	assert_null(country_by_code("UK"));	/* reserved, not assigned */
	assert_null(country_by_code("XK"));	/* user-assigned */
	assert_null(country_by_code("EU"));
	assert_null(country_by_code("G1"));
}

/* The scan that country_by_code() must agree with: ASCII letters in any
 * case against the table's upper-case codes. */
static const struct country *scan_by_code(unsigned char a, unsigned char b)
{
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		const struct country *c = country_at(i);

		if (toupper(a) == c->alpha2[0] && toupper(b) == c->alpha2[1] &&
		    (a < 0x80 && b < 0x80))
			return c;
	}
	return NULL;
}

/* Codes are looked up in a table indexed by their letters: every pair of
 * bytes finds what a scan of the table finds, and nothing else. */
static void test_by_code_agrees_with_a_scan_for_every_byte_pair(void **state)
{
	(void)state;
	for (unsigned a = 1; a < 256; a++) {
		for (unsigned b = 1; b < 256; b++) {
			char s[3] = { (char)a, (char)b, '\0' };
			const struct country *want = scan_by_code(
				(unsigned char)a, (unsigned char)b);

			assert_ptr_equal(country_by_code(s), want);
			assert_int_equal(country_valid_alpha2(s, 2),
					 want != NULL);
		}
	}
}

/* Three letters in any case find the country with that alpha-3 code. */
static void test_lookup_finds_every_alpha3_in_any_case(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		const struct country *c = country_at(i);
		char lower[4], mixed[4];

		for (size_t k = 0; k < 4; k++) {
			lower[k] = (char)tolower((unsigned char)c->alpha3[k]);
			mixed[k] = k == 1 ? lower[k] : c->alpha3[k];
		}
		assert_ptr_equal(country_lookup(lower, 3), c);
		assert_ptr_equal(country_lookup(mixed, 3), c);
	}
	assert_null(country_lookup("GB@", 3));
	assert_null(country_lookup("G[B", 3));
}

static void test_valid_alpha2_checks_length_and_assignment(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		bool want;
	} cases[] = {
		{ "GB", 2, true }, { "gb", 2, true }, { "ZW", 2, true },
		{ "AD", 2, true }, { "GBR", 2, true }, { "GB", 1, false },
		{ "GBR", 3, false }, { "UK", 2, false }, { "AA", 2, false },
		{ "ZZ", 2, false }, { "1A", 2, false }, { "", 0, false },
		{ "G\xc3", 2, false }, { " GB", 3, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(country_valid_alpha2(cases[i].s, cases[i].len),
				 cases[i].want);
	assert_false(country_valid_alpha2(NULL, 2));
	for (size_t i = 0; i < COUNTRY_COUNT; i++)
		assert_true(country_valid_alpha2(country_at(i)->alpha2, 2));
}

static void test_lookup_finds_every_code_and_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		const struct country *c = country_at(i);

		assert_ptr_equal(country_lookup(c->alpha2, 2), c);
		assert_ptr_equal(country_lookup(c->alpha3, 3), c);
		if (country_lookup(c->name, strlen(c->name)) != c) {
			print_error("name '%s' not found\n", c->name);
			fail();
		}
	}
}

struct lookup_case {
	const char *text;
	const char *alpha2;	/* NULL: no country */
};

static void run_lookups(const struct lookup_case *cases, size_t n)
{
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		const struct country *c =
			country_lookup(cases[i].text, strlen(cases[i].text));
		const char *got = c ? c->alpha2 : NULL;

		if ((got == NULL) != (cases[i].alpha2 == NULL) ||
		    (got && strcmp(got, cases[i].alpha2) != 0)) {
			print_error("'%s': got %s, want %s\n", cases[i].text,
				    got ? got : "none",
				    cases[i].alpha2 ? cases[i].alpha2 : "none");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_lookup_knows_common_aliases(void **state)
{
	static const struct lookup_case cases[] = {
		{ "UK", "GB" }, { "United Kingdom", "GB" },
		{ "Great Britain", "GB" }, { "Britain", "GB" },
		{ "England", "GB" }, { "Scotland", "GB" }, { "Wales", "GB" },
		{ "Northern Ireland", "GB" }, { "USA", "US" },
		{ "United States", "US" }, { "United States of America", "US" },
		{ "America", "US" }, { "Deutschland", "DE" },
		{ "Éire", "IE" }, { "Eire", "IE" },
		{ "Republic of Ireland", "IE" }, { "Holland", "NL" },
		{ "The Netherlands", "NL" }, { "Netherlands", "NL" },
		{ "Nederland", "NL" }, { "España", "ES" }, { "Espana", "ES" },
		{ "Italia", "IT" }, { "België", "BE" }, { "Belgique", "BE" },
		{ "Schweiz", "CH" }, { "Suisse", "CH" }, { "Österreich", "AT" },
		{ "Oesterreich", "AT" }, { "Danmark", "DK" }, { "Sverige", "SE" },
		{ "Norge", "NO" }, { "Suomi", "FI" }, { "Polska", "PL" },
		{ "Czech Republic", "CZ" }, { "Česko", "CZ" },
		{ "Brasil", "BR" }, { "México", "MX" }, { "Russia", "RU" },
		{ "South Korea", "KR" }, { "North Korea", "KP" },
		{ "Ivory Coast", "CI" }, { "Turkey", "TR" }, { "Vietnam", "VN" },
		{ "UAE", "AE" }, { "DRC", "CD" }, { "Macedonia", "MK" },
		{ "Swaziland", "SZ" }, { "Burma", "MM" }, { "Taiwan", "TW" },
		{ "Vatican City", "VA" }, { "Falkland Islands", "FK" },
		{ "Magyarország", "HU" }, { "Cape Verde", "CV" },
	};

	(void)state;
	run_lookups(cases, ARRAY_SIZE(cases));
}

static void test_lookup_folds_case_spaces_dots_and_accents(void **state)
{
	static const struct lookup_case cases[] = {
		{ "gb", "GB" }, { "  GB  ", "GB" }, { "gbr", "GB" },
		{ "U.K.", "GB" }, { " u.k. ", "GB" }, { "U.S.A.", "US" },
		{ "U.S.", "US" }, { "united  KINGDOM", "GB" },
		{ "\tgermany\n", "DE" }, { "GERMANY", "DE" },
		{ "Cote d'Ivoire", "CI" }, { "Côte d’Ivoire", "CI" },
		{ "COTE DIVOIRE", "CI" }, { "Åland Islands", "AX" },
		{ "Aland Islands", "AX" }, { "ÅLAND ISLANDS", "AX" },
		{ "Reunion", "RE" }, { "Curacao", "CW" }, { "Türkiye", "TR" },
		{ "Turkiye", "TR" }, { "Saint Barthelemy", "BL" },
		{ "St Lucia", "LC" }, { "St. Lucia", "LC" },
		{ "St Kitts & Nevis", "KN" }, { "Bosnia & Herzegovina", "BA" },
		{ "Trinidad & Tobago", "TT" }, { "Guinea Bissau", "GW" },
		{ "guinea-bissau", "GW" }, { "Timor Leste", "TL" },
		{ "Korea, Republic of", "KR" }, { "Korea Republic of", "KR" },
		{ "Virgin Islands (U.S.)", "VI" }, { "virgin islands us", "VI" },
		{ "Virgin Islands, British", "VG" }, { "the Gambia", "GM" },
		{ "The Bahamas", "BS" }, { "Sao Tome & Principe", "ST" },
		{ "São Tomé and Príncipe", "ST" },
		{ "Bolivia (Plurinational State of)", "BO" },
		{ "\"UK\"", "GB" }, { "U.K", "GB" }, { "St Helena", "SH" },
	};

	(void)state;
	run_lookups(cases, ARRAY_SIZE(cases));
}

static void test_lookup_rejects_what_is_not_a_country(void **state)
{
	static const struct lookup_case cases[] = {
		{ "", NULL }, { "   ", NULL }, { ".", NULL }, { "U", NULL },
		{ "XX", NULL }, { "XK", NULL }, { "EU", NULL }, { "GBRR", NULL },
		{ "ABC", NULL }, { "Narnia", NULL }, { "the", NULL },
		{ "Saint", NULL }, { "Ελλάδα", NULL }, { "12", NULL },
		{ "United", NULL }, { "Kingdom", NULL }, { "Korea", NULL },
		{ "Englandd", NULL }, { "n/a", NULL }, { "G B", NULL },
		{ "\xc3", NULL }, { "\xe2\x80", NULL },
		{ "Republic of the Republic of the Republic of the Republic "
		  "of the Republic of the Republic of the Congo", NULL },
	};

	(void)state;
	run_lookups(cases, ARRAY_SIZE(cases));
	assert_null(country_lookup(NULL, 0));
}

static void test_lookup_reads_only_len_bytes(void **state)
{
	(void)state;
	assert_string_equal(country_lookup("GBR", 2)->alpha2, "GB");
	assert_string_equal(country_lookup("Francezzz", 6)->alpha2, "FR");
	assert_null(country_lookup("GB", 0));
}

/* --- postcodes ---------------------------------------------------------- */

struct postcode_case {
	const char *country;
	const char *in;
	enum postcode_status want;
	const char *out;	/* canonical when OK, else trimmed input */
};

static void run_postcodes(const struct postcode_case *cases, size_t n)
{
	struct buf out = BUF_INIT, again = BUF_INIT;
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		const struct postcode_case *c = &cases[i];
		enum postcode_status st;

		st = postcode_normalise(c->in, strlen(c->in), c->country, &out);
		if (st != c->want || strcmp(out.data, c->out) != 0) {
			print_error("%s '%s': got %d '%s', want %d '%s'\n",
				    c->country ? c->country : "(none)", c->in,
				    (int)st, out.data, (int)c->want, c->out);
			failures++;
			continue;
		}
		assert_int_equal(buf_error(&out), 0);
		if (st != POSTCODE_OK)
			continue;
		/* The canonical form is its own canonical form. */
		st = postcode_normalise(out.data, out.len, c->country, &again);
		assert_int_equal(st, POSTCODE_OK);
		assert_string_equal(again.data, out.data);
	}
	buf_release(&out);
	buf_release(&again);
	assert_int_equal(failures, 0);
}

static void test_postcode_gb_full_format(void **state)
{
	static const struct postcode_case cases[] = {
		{ "GB", "SW1A 1AA", POSTCODE_OK, "SW1A 1AA" },
		{ "GB", "sw1a1aa", POSTCODE_OK, "SW1A 1AA" },
		{ "GB", "  sw1a 1aa ", POSTCODE_OK, "SW1A 1AA" },
		{ "GB", "SW1A-1AA", POSTCODE_OK, "SW1A 1AA" },
		{ "GB", "SW1A   1AA", POSTCODE_OK, "SW1A 1AA" },
		{ "GB", "M1 1AE", POSTCODE_OK, "M1 1AE" },
		{ "GB", "m11ae", POSTCODE_OK, "M1 1AE" },
		{ "GB", "B33 8TH", POSTCODE_OK, "B33 8TH" },
		{ "GB", "CR2 6XH", POSTCODE_OK, "CR2 6XH" },
		{ "GB", "DN55 1PT", POSTCODE_OK, "DN55 1PT" },
		{ "GB", "W1A 0AX", POSTCODE_OK, "W1A 0AX" },
		{ "GB", "EC2R 8AH", POSTCODE_OK, "EC2R 8AH" },
		{ "GB", "EC1A 1BB", POSTCODE_OK, "EC1A 1BB" },
		{ "GB", "E1W 1AA", POSTCODE_OK, "E1W 1AA" },
		{ "GB", "BT1 1AA", POSTCODE_OK, "BT1 1AA" },
		{ "GB", "ZE1 0AA", POSTCODE_OK, "ZE1 0AA" },
		{ "GB", "GIR 0AA", POSTCODE_OK, "GIR 0AA" },
		{ "GB", "gir0aa", POSTCODE_OK, "GIR 0AA" },
		{ "GG", "GY1 1AA", POSTCODE_OK, "GY1 1AA" },
		{ "JE", "JE2 3AB", POSTCODE_OK, "JE2 3AB" },
		{ "IM", "IM1 1AA", POSTCODE_OK, "IM1 1AA" },
		{ "GB", "", POSTCODE_INVALID, "" },
		{ "GB", "   ", POSTCODE_INVALID, "" },
		{ "GB", "SW1A", POSTCODE_INVALID, "SW1A" },
		{ "GB", "1AA", POSTCODE_INVALID, "1AA" },
		{ "GB", "SW1 A1AA", POSTCODE_INVALID, "SW1 A1AA" },
		{ "GB", "SW1A 1AA X", POSTCODE_INVALID, "SW1A 1AA X" },
		{ "GB", "SW1A 1CA", POSTCODE_INVALID, "SW1A 1CA" },
		{ "GB", "SW1A 1AI", POSTCODE_INVALID, "SW1A 1AI" },
		{ "GB", "SW1A AAA", POSTCODE_INVALID, "SW1A AAA" },
		{ "GB", "QA1 1AA", POSTCODE_INVALID, "QA1 1AA" },
		{ "GB", "XX1 1AA", POSTCODE_INVALID, "XX1 1AA" },
		{ "GB", "E1I 1AA", POSTCODE_INVALID, "E1I 1AA" },
		{ "GB", "EC2I 8AH", POSTCODE_INVALID, "EC2I 8AH" },
		{ "GB", "ABC1 1AA", POSTCODE_INVALID, "ABC1 1AA" },
		{ "GB", "SW123 1AA", POSTCODE_INVALID, "SW123 1AA" },
		{ "GB", "SW1A_1AA", POSTCODE_INVALID, "SW1A_1AA" },
		{ "GB", "-SW1A 1AA", POSTCODE_INVALID, "-SW1A 1AA" },
		{ "GB", "12345", POSTCODE_INVALID, "12345" },
		{ "GB", "n/a", POSTCODE_INVALID, "n/a" },
	};

	(void)state;
	run_postcodes(cases, ARRAY_SIZE(cases));
}

static void test_postcode_north_america(void **state)
{
	static const struct postcode_case cases[] = {
		{ "US", "12345", POSTCODE_OK, "12345" },
		{ "US", "00501", POSTCODE_OK, "00501" },
		{ "US", "12345-6789", POSTCODE_OK, "12345-6789" },
		{ "US", "12345 6789", POSTCODE_OK, "12345-6789" },
		{ "US", "123456789", POSTCODE_OK, "12345-6789" },
		{ "us", "90210", POSTCODE_OK, "90210" },
		{ "PR", "00901", POSTCODE_OK, "00901" },
		{ "US", "1234", POSTCODE_INVALID, "1234" },
		{ "US", "123456", POSTCODE_INVALID, "123456" },
		{ "US", "00000", POSTCODE_INVALID, "00000" },
		{ "US", "12345-", POSTCODE_INVALID, "12345-" },
		{ "US", "12345-678", POSTCODE_INVALID, "12345-678" },
		{ "US", "123-45", POSTCODE_INVALID, "123-45" },
		{ "US", "ABCDE", POSTCODE_INVALID, "ABCDE" },
		{ "CA", "K1A 0B1", POSTCODE_OK, "K1A 0B1" },
		{ "CA", "k1a0b1", POSTCODE_OK, "K1A 0B1" },
		{ "CA", "M5V 3L9", POSTCODE_OK, "M5V 3L9" },
		{ "CA", "H0H 0H0", POSTCODE_OK, "H0H 0H0" },
		{ "CA", "D1A 0B1", POSTCODE_INVALID, "D1A 0B1" },
		{ "CA", "K1O 0B1", POSTCODE_INVALID, "K1O 0B1" },
		{ "CA", "K1A 0U1", POSTCODE_INVALID, "K1A 0U1" },
		{ "CA", "K1A0B", POSTCODE_INVALID, "K1A0B" },
		{ "CA", "12345", POSTCODE_INVALID, "12345" },
		{ "CA", "K1 A0B1", POSTCODE_INVALID, "K1 A0B1" },
	};

	(void)state;
	run_postcodes(cases, ARRAY_SIZE(cases));
}

static void test_postcode_ireland_eircode(void **state)
{
	static const struct postcode_case cases[] = {
		{ "IE", "D02 X285", POSTCODE_OK, "D02 X285" },
		{ "IE", "d02x285", POSTCODE_OK, "D02 X285" },
		{ "IE", "A65 F4E2", POSTCODE_OK, "A65 F4E2" },
		{ "IE", "T12 XY34", POSTCODE_OK, "T12 XY34" },
		{ "IE", "T12 AB34", POSTCODE_INVALID, "T12 AB34" },
		{ "IE", "D6W 1234", POSTCODE_OK, "D6W 1234" },
		{ "IE", "B02 X285", POSTCODE_INVALID, "B02 X285" },
		{ "IE", "D02 X28", POSTCODE_INVALID, "D02 X28" },
		{ "IE", "D02 X2B5", POSTCODE_INVALID, "D02 X2B5" },
		{ "IE", "D0 2X285", POSTCODE_INVALID, "D0 2X285" },
		{ "IE", "DA2 X285", POSTCODE_INVALID, "DA2 X285" },
		{ "IE", "Dublin 2", POSTCODE_INVALID, "Dublin 2" },
	};

	(void)state;
	run_postcodes(cases, ARRAY_SIZE(cases));
}

static void test_postcode_five_digit_countries(void **state)
{
	static const struct postcode_case cases[] = {
		{ "DE", "10115", POSTCODE_OK, "10115" },
		{ "DE", "01067", POSTCODE_OK, "01067" },
		{ "DE", "D-80331", POSTCODE_OK, "80331" },
		{ "DE", "de-80331", POSTCODE_OK, "80331" },
		{ "DE", "00123", POSTCODE_INVALID, "00123" },
		{ "DE", "1011", POSTCODE_INVALID, "1011" },
		{ "DE", "D 80331", POSTCODE_INVALID, "D 80331" },
		{ "DE", "GB-80331", POSTCODE_INVALID, "GB-80331" },
		{ "DE", "801 31", POSTCODE_INVALID, "801 31" },
		{ "FR", "75001", POSTCODE_OK, "75001" },
		{ "FR", "20000", POSTCODE_OK, "20000" },
		{ "FR", "97400", POSTCODE_OK, "97400" },
		{ "FR", "F-75001", POSTCODE_OK, "75001" },
		{ "MC", "98000", POSTCODE_OK, "98000" },
		{ "FR", "00100", POSTCODE_INVALID, "00100" },
		{ "FR", "96000", POSTCODE_INVALID, "96000" },
		{ "FR", "99000", POSTCODE_INVALID, "99000" },
		{ "FR", "7500", POSTCODE_INVALID, "7500" },
		{ "ES", "28013", POSTCODE_OK, "28013" },
		{ "ES", "52001", POSTCODE_OK, "52001" },
		{ "ES", "E-08001", POSTCODE_OK, "08001" },
		{ "ES", "53001", POSTCODE_INVALID, "53001" },
		{ "ES", "00001", POSTCODE_INVALID, "00001" },
		{ "IT", "00184", POSTCODE_OK, "00184" },
		{ "IT", "I-20121", POSTCODE_OK, "20121" },
		{ "VA", "00120", POSTCODE_OK, "00120" },
		{ "SM", "47890", POSTCODE_OK, "47890" },
		{ "IT", "0018", POSTCODE_INVALID, "0018" },
		{ "FI", "00100", POSTCODE_OK, "00100" },
		{ "FI", "FIN-00100", POSTCODE_OK, "00100" },
		{ "AX", "22100", POSTCODE_OK, "22100" },
		{ "FI", "001000", POSTCODE_INVALID, "001000" },
	};

	(void)state;
	run_postcodes(cases, ARRAY_SIZE(cases));
}

static void test_postcode_four_digit_countries(void **state)
{
	static const struct postcode_case cases[] = {
		{ "NL", "1234 AB", POSTCODE_OK, "1234 AB" },
		{ "NL", "1234ab", POSTCODE_OK, "1234 AB" },
		{ "NL", "1234-AB", POSTCODE_OK, "1234 AB" },
		{ "NL", "NL-1012 JS", POSTCODE_OK, "1012 JS" },
		{ "NL", "0123 AB", POSTCODE_INVALID, "0123 AB" },
		{ "NL", "1234 SS", POSTCODE_INVALID, "1234 SS" },
		{ "NL", "1234 SA", POSTCODE_INVALID, "1234 SA" },
		{ "NL", "1234", POSTCODE_INVALID, "1234" },
		{ "NL", "12 34AB", POSTCODE_INVALID, "12 34AB" },
		{ "BE", "1000", POSTCODE_OK, "1000" },
		{ "BE", "B-9000", POSTCODE_OK, "9000" },
		{ "BE", "0999", POSTCODE_INVALID, "0999" },
		{ "DK", "2100", POSTCODE_OK, "2100" },
		{ "DK", "DK-8000", POSTCODE_OK, "8000" },
		{ "NO", "0150", POSTCODE_OK, "0150" },
		{ "NO", "N-5003", POSTCODE_OK, "5003" },
		{ "CH", "8001", POSTCODE_OK, "8001" },
		{ "CH", "CH-3000", POSTCODE_OK, "3000" },
		{ "LI", "9490", POSTCODE_OK, "9490" },
		{ "CH", "0800", POSTCODE_INVALID, "0800" },
		{ "AT", "1010", POSTCODE_OK, "1010" },
		{ "AT", "A-5020", POSTCODE_OK, "5020" },
		{ "AT", "0101", POSTCODE_INVALID, "0101" },
		{ "AU", "2000", POSTCODE_OK, "2000" },
		{ "AU", "0800", POSTCODE_OK, "0800" },
		{ "AU", "200", POSTCODE_INVALID, "200" },
		{ "NZ", "6011", POSTCODE_OK, "6011" },
		{ "NZ", "60111", POSTCODE_INVALID, "60111" },
		{ "ZA", "0001", POSTCODE_OK, "0001" },
		{ "ZA", "8001", POSTCODE_OK, "8001" },
		{ "ZA", "80 01", POSTCODE_INVALID, "80 01" },
	};

	(void)state;
	run_postcodes(cases, ARRAY_SIZE(cases));
}

static void test_postcode_separated_formats(void **state)
{
	static const struct postcode_case cases[] = {
		{ "SE", "123 45", POSTCODE_OK, "123 45" },
		{ "SE", "12345", POSTCODE_OK, "123 45" },
		{ "SE", "S-114 55", POSTCODE_OK, "114 55" },
		{ "SE", "012 34", POSTCODE_INVALID, "012 34" },
		{ "SE", "1234 5", POSTCODE_INVALID, "1234 5" },
		{ "PL", "12-345", POSTCODE_OK, "12-345" },
		{ "PL", "00-950", POSTCODE_OK, "00-950" },
		{ "PL", "12345", POSTCODE_OK, "12-345" },
		{ "PL", "12 345", POSTCODE_OK, "12-345" },
		{ "PL", "123-45", POSTCODE_INVALID, "123-45" },
		{ "PT", "1234-567", POSTCODE_OK, "1234-567" },
		{ "PT", "1000-001", POSTCODE_OK, "1000-001" },
		{ "PT", "P-4000-322", POSTCODE_OK, "4000-322" },
		{ "PT", "1234", POSTCODE_INVALID, "1234" },
		{ "PT", "0234-567", POSTCODE_INVALID, "0234-567" },
		{ "JP", "123-4567", POSTCODE_OK, "123-4567" },
		{ "JP", "1000001", POSTCODE_OK, "100-0001" },
		{ "JP", "1234-567", POSTCODE_INVALID, "1234-567" },
		{ "BR", "01310-100", POSTCODE_OK, "01310-100" },
		{ "BR", "01310100", POSTCODE_OK, "01310-100" },
		{ "BR", "01310-10", POSTCODE_INVALID, "01310-10" },
		{ "IN", "110001", POSTCODE_OK, "110001" },
		{ "IN", "110 001", POSTCODE_OK, "110001" },
		{ "IN", "011001", POSTCODE_INVALID, "011001" },
		{ "IN", "11000", POSTCODE_INVALID, "11000" },
		{ "SG", "018956", POSTCODE_OK, "018956" },
		{ "SG", "828761", POSTCODE_OK, "828761" },
		{ "SG", "008956", POSTCODE_INVALID, "008956" },
		{ "SG", "918956", POSTCODE_INVALID, "918956" },
		{ "SG", "01895", POSTCODE_INVALID, "01895" },
	};

	(void)state;
	run_postcodes(cases, ARRAY_SIZE(cases));
}

static void test_postcode_unknown_country_cannot_be_judged(void **state)
{
	static const struct postcode_case cases[] = {
		{ "GR", "105 57", POSTCODE_UNKNOWN_COUNTRY, "105 57" },
		{ "XX", "12345", POSTCODE_UNKNOWN_COUNTRY, "12345" },
		{ "", "12345", POSTCODE_UNKNOWN_COUNTRY, "12345" },
		{ "GBR", "SW1A 1AA", POSTCODE_UNKNOWN_COUNTRY, "SW1A 1AA" },
		{ NULL, " SW1A 1AA ", POSTCODE_UNKNOWN_COUNTRY, "SW1A 1AA" },
		{ "UK", "SW1A 1AA", POSTCODE_UNKNOWN_COUNTRY, "SW1A 1AA" },
	};

	(void)state;
	run_postcodes(cases, ARRAY_SIZE(cases));
}

static void test_postcode_country_known_follows_rules(void **state)
{
	static const char *const known[] = {
		"GB", "gb", "US", "CA", "IE", "DE", "FR", "ES", "IT", "FI",
		"NL", "BE", "DK", "NO", "CH", "AT", "AU", "NZ", "ZA", "SE",
		"PL", "PT", "JP", "IN", "SG", "BR", "GG", "JE", "IM", "PR",
		"MC", "LI", "SM", "VA", "AX",
	};
	static const char *const unknown[] = {
		"GR", "XX", "UK", "", "GBR", "AQ",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		assert_true(postcode_country_known(known[i]));
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		assert_false(postcode_country_known(unknown[i]));
	assert_false(postcode_country_known(NULL));
}

static void test_postcode_reads_only_len_bytes(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(postcode_normalise("SW1A 1AA, London", 8, "GB", &out),
			 POSTCODE_OK);
	assert_string_equal(out.data, "SW1A 1AA");
	assert_int_equal(postcode_normalise(NULL, 0, "GB", &out),
			 POSTCODE_INVALID);
	assert_string_equal(out.data, "");
	buf_release(&out);
}

static void test_postcode_allocation_failure_is_sticky(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	alloc_fail_after(0);
	assert_int_equal(postcode_normalise("sw1a1aa", 7, "GB", &out),
			 POSTCODE_OK);
	alloc_fail_after(-1);
	assert_int_equal(buf_error(&out), ST_ERR_NOMEM);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_holds_every_assigned_code_in_order),
		cmocka_unit_test(test_calling_codes_are_prefix_free),
		cmocka_unit_test(test_well_known_entries_are_right),
		cmocka_unit_test(test_by_code_ignores_case_and_wants_two_letters),
		cmocka_unit_test(test_by_code_agrees_with_a_scan_for_every_byte_pair),
		cmocka_unit_test(test_valid_alpha2_checks_length_and_assignment),
		cmocka_unit_test(test_lookup_finds_every_alpha3_in_any_case),
		cmocka_unit_test(test_lookup_finds_every_code_and_name),
		cmocka_unit_test(test_lookup_knows_common_aliases),
		cmocka_unit_test(test_lookup_folds_case_spaces_dots_and_accents),
		cmocka_unit_test(test_lookup_rejects_what_is_not_a_country),
		cmocka_unit_test(test_lookup_reads_only_len_bytes),
		cmocka_unit_test(test_postcode_gb_full_format),
		cmocka_unit_test(test_postcode_north_america),
		cmocka_unit_test(test_postcode_ireland_eircode),
		cmocka_unit_test(test_postcode_five_digit_countries),
		cmocka_unit_test(test_postcode_four_digit_countries),
		cmocka_unit_test(test_postcode_separated_formats),
		cmocka_unit_test(test_postcode_unknown_country_cannot_be_judged),
		cmocka_unit_test(test_postcode_country_known_follows_rules),
		cmocka_unit_test(test_postcode_reads_only_len_bytes),
		cmocka_unit_test(test_postcode_allocation_failure_is_sticky),
	};

	return cmocka_run_group_tests_name("country", tests, NULL, NULL);
}
