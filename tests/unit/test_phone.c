/*
 * test_phone.c - phone number normalisation and plausibility (util/phone).
 *
 * Table-driven: each table is numbers as people write them, the default
 * country they were written in, and the expected status and E.164 form.
 * Every status appears, every country with a rule has national and
 * international examples, and every normalised number is fed back in to
 * check that normalising is idempotent and agrees with phone_check_e164().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>

#include "util/country.h"
#include "util/phone.h"
#include "util/postcode.h"

struct phone_case {
	const char *country;	/* default country, or NULL */
	const char *in;
	enum phone_status want;
	const char *e164;	/* expected output when PHONE_OK */
};

/*
 * Worker threads normalise values at the same time, and the lookup tables
 * behind phones, countries and postcodes are built on first use: several
 * threads racing to that first use all get the same answers as one thread
 * alone.  This case runs first, so that the tables are not built yet.
 */
#define RACE_THREADS 4

static const struct {
	const char *phone, *country, *postcode;
} race_inputs[] = {
	{ "020 7946 0123", "United Kingdom", "sw1a 1aa" },
	{ "+1 (415) 555-0123", "usa", "94103" },
	{ "0172 11742260", "DE", "81547" },
	{ "+353 89 163 4695", "Éire", "D02 X285" },
	{ "06 12 34 56 78", "fra", "75001" },
	{ "n/a", "Narnia", "?" },
};

struct race_result {
	char out[ARRAY_SIZE(race_inputs)][3][32];
};

static void *normalise_all(void *arg)
{
	struct race_result *r = arg;
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(race_inputs); i++) {
		const struct country *c = country_lookup(race_inputs[i].country,
			strlen(race_inputs[i].country));
		const char *cc = c ? c->alpha2 : NULL;

		snprintf(r->out[i][0], sizeof(r->out[i][0]), "%s",
			 cc ? cc : "-");
		phone_to_e164(race_inputs[i].phone, strlen(race_inputs[i].phone),
			      cc, &b);
		snprintf(r->out[i][1], sizeof(r->out[i][1]), "%s", b.data);
		postcode_normalise(race_inputs[i].postcode,
				   strlen(race_inputs[i].postcode), cc, &b);
		snprintf(r->out[i][2], sizeof(r->out[i][2]), "%s", b.data);
	}
	buf_release(&b);
	return NULL;
}

static void test_first_lookups_from_many_threads_agree(void **state)
{
	pthread_t t[RACE_THREADS];
	struct race_result r[RACE_THREADS + 1];

	(void)state;
	memset(r, 0, sizeof(r));	/* compared whole below */
	for (int i = 0; i < RACE_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, normalise_all,
						&r[i]), 0);
	for (int i = 0; i < RACE_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	normalise_all(&r[RACE_THREADS]);
	assert_string_equal(r[RACE_THREADS].out[0][1], "+442079460123");
	assert_string_equal(r[RACE_THREADS].out[3][2], "D02 X285");
	for (int i = 0; i < RACE_THREADS; i++)
		assert_memory_equal(&r[i], &r[RACE_THREADS], sizeof(r[i]));
}

/* National numbers, written as they are at home, in every ruled country. */
static const struct phone_case national_cases[] = {
	{ "GB", "020 7946 0123", PHONE_OK, "+442079460123" },
	{ "GB", "(020) 7946-0123", PHONE_OK, "+442079460123" },
	{ "GB", "0207 946 0123", PHONE_OK, "+442079460123" },
	{ "GB", "0161 496 0123", PHONE_OK, "+441614960123" },
	{ "GB", "0131 496 0123", PHONE_OK, "+441314960123" },
	{ "GB", "028 9018 0123", PHONE_OK, "+442890180123" },
	{ "GB", "01632 960123", PHONE_OK, "+441632960123" },
	{ "GB", "016977 4567", PHONE_OK, "+44169774567" },
	{ "GB", "07700 900123", PHONE_OK, "+447700900123" },
	{ "GB", "0345 123 4567", PHONE_OK, "+443451234567" },
	{ "GB", "05601 234567", PHONE_OK, "+445601234567" },
	{ "GB", "0800 123456", PHONE_OK, "+44800123456" },
	{ "GB", "0800 123 4567", PHONE_OK, "+448001234567" },
	{ "GB", "0845 123 4567", PHONE_OK, "+448451234567" },
	{ "GB", "0909 879 0123", PHONE_OK, "+449098790123" },
	{ "GB", "7700 900123", PHONE_OK, "+447700900123" },
	{ "gb", "020 7946 0123", PHONE_OK, "+442079460123" },
	{ "GG", "01481 712345", PHONE_OK, "+441481712345" },
	{ "JE", "07797 123456", PHONE_OK, "+447797123456" },
	{ "IE", "087 123 4567", PHONE_OK, "+353871234567" },
	{ "IE", "083 123 4567", PHONE_OK, "+353831234567" },
	{ "IE", "01 234 5678", PHONE_OK, "+35312345678" },
	{ "IE", "021 123 4567", PHONE_OK, "+353211234567" },
	{ "IE", "091 123456", PHONE_OK, "+35391123456" },
	{ "IE", "1800 123 456", PHONE_OK, "+3531800123456" },
	{ "US", "(415) 555-0123", PHONE_OK, "+14155550123" },
	{ "US", "415.555.0123", PHONE_OK, "+14155550123" },
	{ "US", "1-415-555-0123", PHONE_OK, "+14155550123" },
	{ "US", "1 (212) 555-0199", PHONE_OK, "+12125550199" },
	{ "US", "800-555-0199", PHONE_OK, "+18005550199" },
	{ "US", "4155550123", PHONE_OK, "+14155550123" },
	{ "CA", "(613) 555-0123", PHONE_OK, "+16135550123" },
	{ "CA", "1 416 555 0123", PHONE_OK, "+14165550123" },
	{ "JM", "(876) 555-0123", PHONE_OK, "+18765550123" },
	{ "PR", "787-555-0123", PHONE_OK, "+17875550123" },
	{ "BS", "242 555 0123", PHONE_OK, "+12425550123" },
	{ "DE", "0151 12345678", PHONE_OK, "+4915112345678" },
	{ "DE", "0170 1234567", PHONE_OK, "+491701234567" },
	{ "DE", "030 12345678", PHONE_OK, "+493012345678" },
	{ "DE", "089 1234567", PHONE_OK, "+49891234567" },
	{ "DE", "0800 1234567", PHONE_OK, "+498001234567" },
	{ "DE", "03831 12345", PHONE_OK, "+49383112345" },
	{ "FR", "06 12 34 56 78", PHONE_OK, "+33612345678" },
	{ "FR", "01 23 45 67 89", PHONE_OK, "+33123456789" },
	{ "FR", "09.87.65.43.21", PHONE_OK, "+33987654321" },
	{ "FR", "0800 123 456", PHONE_OK, "+33800123456" },
	{ "ES", "612 345 678", PHONE_OK, "+34612345678" },
	{ "ES", "91 123 45 67", PHONE_OK, "+34911234567" },
	{ "ES", "932 123 456", PHONE_OK, "+34932123456" },
	{ "IT", "06 1234 5678", PHONE_OK, "+390612345678" },
	{ "IT", "02 1234 5678", PHONE_OK, "+390212345678" },
	{ "IT", "333 123 4567", PHONE_OK, "+393331234567" },
	{ "IT", "800 123 456", PHONE_OK, "+39800123456" },
	{ "VA", "06 6988 1234", PHONE_OK, "+390669881234" },
	{ "NL", "06 12345678", PHONE_OK, "+31612345678" },
	{ "NL", "020 123 4567", PHONE_OK, "+31201234567" },
	{ "NL", "0800 1234", PHONE_OK, "+318001234" },
	{ "BE", "0470 12 34 56", PHONE_OK, "+32470123456" },
	{ "BE", "02 123 45 67", PHONE_OK, "+3221234567" },
	{ "BE", "09 123 45 67", PHONE_OK, "+3291234567" },
	{ "PT", "912 345 678", PHONE_OK, "+351912345678" },
	{ "PT", "21 123 4567", PHONE_OK, "+351211234567" },
	{ "CH", "044 668 18 00", PHONE_OK, "+41446681800" },
	{ "CH", "079 123 45 67", PHONE_OK, "+41791234567" },
	{ "AT", "0664 1234567", PHONE_OK, "+436641234567" },
	{ "AT", "01 234 5678", PHONE_OK, "+4312345678" },
	{ "DK", "32 12 34 56", PHONE_OK, "+4532123456" },
	{ "DK", "20 12 34 56", PHONE_OK, "+4520123456" },
	{ "SE", "070-123 45 67", PHONE_OK, "+46701234567" },
	{ "SE", "08-123 456 78", PHONE_OK, "+46812345678" },
	{ "NO", "412 34 567", PHONE_OK, "+4741234567" },
	{ "NO", "22 12 34 56", PHONE_OK, "+4722123456" },
	{ "FI", "040 123 4567", PHONE_OK, "+358401234567" },
	{ "FI", "050 123 4567", PHONE_OK, "+358501234567" },
	{ "FI", "09 1234 5678", PHONE_OK, "+358912345678" },
	{ "PL", "512 345 678", PHONE_OK, "+48512345678" },
	{ "PL", "22 123 45 67", PHONE_OK, "+48221234567" },
	{ "CZ", "601 123 456", PHONE_OK, "+420601123456" },
	{ "CZ", "212 345 678", PHONE_OK, "+420212345678" },
	{ "AU", "0412 345 678", PHONE_OK, "+61412345678" },
	{ "AU", "(02) 9876 5432", PHONE_OK, "+61298765432" },
	{ "AU", "1800 123 456", PHONE_OK, "+611800123456" },
	{ "AU", "13 12 34", PHONE_OK, "+61131234" },
	{ "NZ", "021 123 4567", PHONE_OK, "+64211234567" },
	{ "NZ", "09 123 4567", PHONE_OK, "+6491234567" },
	{ "NZ", "0800 123 456", PHONE_OK, "+64800123456" },
	{ "IN", "098765 43210", PHONE_OK, "+919876543210" },
	{ "IN", "98765 43210", PHONE_OK, "+919876543210" },
	{ "IN", "011 2345 6789", PHONE_OK, "+911123456789" },
	{ "CN", "138 0013 8000", PHONE_OK, "+8613800138000" },
	{ "CN", "010 1234 5678", PHONE_OK, "+861012345678" },
	{ "CN", "021 1234 5678", PHONE_OK, "+862112345678" },
	{ "JP", "090-1234-5678", PHONE_OK, "+819012345678" },
	{ "JP", "03-1234-5678", PHONE_OK, "+81312345678" },
	{ "JP", "0120-123-456", PHONE_OK, "+81120123456" },
	{ "SG", "9123 4567", PHONE_OK, "+6591234567" },
	{ "SG", "6123 4567", PHONE_OK, "+6561234567" },
	{ "SG", "1800 123 4567", PHONE_OK, "+6518001234567" },
	{ "HK", "9123 4567", PHONE_OK, "+85291234567" },
	{ "HK", "2123 4567", PHONE_OK, "+85221234567" },
	{ "HK", "800 123 456", PHONE_OK, "+852800123456" },
	{ "ZA", "082 123 4567", PHONE_OK, "+27821234567" },
	{ "ZA", "011 123 4567", PHONE_OK, "+27111234567" },
	{ "BR", "(11) 91234-5678", PHONE_OK, "+5511912345678" },
	{ "BR", "(21) 2345-6789", PHONE_OK, "+552123456789" },
	{ "BR", "0 11 91234 5678", PHONE_OK, "+5511912345678" },
	{ "BR", "0800 123 4567", PHONE_OK, "+558001234567" },
	{ "MX", "55 1234 5678", PHONE_OK, "+525512345678" },
	{ "MX", "01 55 1234 5678", PHONE_OK, "+525512345678" },
	{ "MX", "33 1234 5678", PHONE_OK, "+523312345678" },
	{ "RU", "8 (495) 123-45-67", PHONE_OK, "+74951234567" },
	{ "RU", "8 800 123 45 67", PHONE_OK, "+78001234567" },
	{ "RU", "800 123 45 67", PHONE_OK, "+78001234567" },
	{ "KZ", "8 727 123 4567", PHONE_OK, "+77271234567" },
	/* Countries without a rule: trunk 0 dropped, E.164 bounds only. */
	{ "GR", "210 123 4567", PHONE_OK, "+302101234567" },
	{ "TR", "0532 123 45 67", PHONE_OK, "+905321234567" },
};

/* International forms: "+", 00, the country's own prefix, "(0)". */
static const struct phone_case international_cases[] = {
	{ NULL, "+44 20 7946 0123", PHONE_OK, "+442079460123" },
	{ NULL, "+44 (0)20 7946 0123", PHONE_OK, "+442079460123" },
	{ NULL, "+44(0)7700 900123", PHONE_OK, "+447700900123" },
	{ NULL, "+44 7700 900123", PHONE_OK, "+447700900123" },
	{ NULL, "+44 020 7946 0123", PHONE_OK, "+442079460123" },
	{ NULL, "(+44) 20 7946 0123", PHONE_OK, "+442079460123" },
	{ NULL, "+44.20.7946.0123", PHONE_OK, "+442079460123" },
	{ NULL, "+44-20-7946-0123", PHONE_OK, "+442079460123" },
	{ NULL, "+44/20/7946/0123", PHONE_OK, "+442079460123" },
	{ NULL, "0044 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "GB", "0044 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "GB", "44 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "DE", "0044 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "FR", "+33 (0)1 23 45 67 89", PHONE_OK, "+33123456789" },
	{ "FR", "0033 6 12 34 56 78", PHONE_OK, "+33612345678" },
	{ "US", "011 44 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "CA", "011 33 6 12 34 56 78", PHONE_OK, "+33612345678" },
	{ "US", "+1 415 555 0123", PHONE_OK, "+14155550123" },
	{ "US", "+1 1 415 555 0123", PHONE_OK, "+14155550123" },
	{ "AU", "0011 44 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "AU", "+61 (0)4 1234 5678", PHONE_OK, "+61412345678" },
	{ "JP", "010 44 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "SG", "001 44 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "SG", "008 44 20 7946 0123", PHONE_OK, "+442079460123" },
	{ "HK", "001 1 415 555 0123", PHONE_OK, "+14155550123" },
	{ "RU", "810 49 30 12345678", PHONE_OK, "+493012345678" },
	{ "IT", "+39 06 1234 5678", PHONE_OK, "+390612345678" },
	{ "GB", "+49 (0)30 1234 5678", PHONE_OK, "+493012345678" },
	{ NULL, "+353 87 123 4567", PHONE_OK, "+353871234567" },
	{ NULL, "+1 (876) 555-0123", PHONE_OK, "+18765550123" },
	{ NULL, "+52 1 55 1234 5678", PHONE_OK, "+5215512345678" },
	{ NULL, "+7 916 123 45 67", PHONE_OK, "+79161234567" },
	{ NULL, "+30 210 123 4567", PHONE_OK, "+302101234567" },
	{ NULL, "+683 4002", PHONE_OK, "+6834002" },
	{ NULL, "+290 22001", PHONE_OK, "+29022001" },
};

/* Layout people add, and extensions, which are dropped. */
static const struct phone_case layout_cases[] = {
	{ "GB", "  020 7946 0123  ", PHONE_OK, "+442079460123" },
	{ "GB", "020\t7946\t0123", PHONE_OK, "+442079460123" },
	{ "GB", "020\xc2\xa0" "7946\xc2\xa0" "0123", PHONE_OK,
	  "+442079460123" },
	{ "GB", "(020)7946-0123", PHONE_OK, "+442079460123" },
	{ "GB", "020-7946-0123", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123 ext 45", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123 ext. 45", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123 EXT:45", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123 extn 45", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123 extension 45", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123x45", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123 X 45", PHONE_OK, "+442079460123" },
	{ "GB", "020 7946 0123 #45", PHONE_OK, "+442079460123" },
	{ "US", "(415) 555-0123 x12", PHONE_OK, "+14155550123" },
	{ "US", "+1 415 555 0123 ext. 9", PHONE_OK, "+14155550123" },
};

static const struct phone_case failure_cases[] = {
	/* Nothing there. */
	{ "GB", "", PHONE_EMPTY, NULL },
	{ "GB", "   ", PHONE_EMPTY, NULL },
	{ NULL, "\t\r\n", PHONE_EMPTY, NULL },
	/* Placeholders: no digits at all. */
	{ "GB", "n/a", PHONE_NO_DIGITS, NULL },
	{ "GB", "N/A", PHONE_NO_DIGITS, NULL },
	{ "GB", "none", PHONE_NO_DIGITS, NULL },
	{ "GB", "unknown", PHONE_NO_DIGITS, NULL },
	{ "GB", "-", PHONE_NO_DIGITS, NULL },
	{ "GB", "()", PHONE_NO_DIGITS, NULL },
	{ "GB", "+", PHONE_NO_DIGITS, NULL },
	{ NULL, "...", PHONE_NO_DIGITS, NULL },
	/* Letters, or symbols phone numbers do not use. */
	{ "US", "1-800-FLOWERS", PHONE_BAD_CHARS, NULL },
	{ "GB", "tel: 020 7946 0123", PHONE_BAD_CHARS, NULL },
	{ "GB", "020 7946 0123 ext", PHONE_BAD_CHARS, NULL },
	{ "GB", "020 7946 0123 x", PHONE_BAD_CHARS, NULL },
	{ "GB", "020 7946 0123 ext abc", PHONE_BAD_CHARS, NULL },
	{ "GB", "020 7946 0123 x 12 a", PHONE_BAD_CHARS, NULL },
	{ "GB", "020 7946 0123 or 0124", PHONE_BAD_CHARS, NULL },
	{ "GB", "0207946O123", PHONE_BAD_CHARS, NULL },
	{ "GB", "020*7946*0123", PHONE_BAD_CHARS, NULL },
	{ "GB", "+44 20 + 7946 0123", PHONE_BAD_CHARS, NULL },
	{ "GB", "ext 45", PHONE_BAD_CHARS, NULL },
	{ "GB", "020 7946 0123, 020 7946 0124", PHONE_BAD_CHARS, NULL },
	/* Too few digits. */
	{ "GB", "12345", PHONE_TOO_SHORT, NULL },
	{ "GB", "020 7946", PHONE_TOO_SHORT, NULL },
	{ "GB", "020 7946 012", PHONE_TOO_SHORT, NULL },
	{ "US", "555-0123", PHONE_TOO_SHORT, NULL },
	{ "FR", "06 12 34 56", PHONE_TOO_SHORT, NULL },
	{ "DE", "030 1", PHONE_TOO_SHORT, NULL },
	{ "IE", "087 123 456", PHONE_TOO_SHORT, NULL },
	{ "AU", "1300 123", PHONE_TOO_SHORT, NULL },
	{ NULL, "123", PHONE_TOO_SHORT, NULL },
	{ NULL, "+44 20", PHONE_TOO_SHORT, NULL },
	{ NULL, "+44", PHONE_TOO_SHORT, NULL },
	{ NULL, "+35", PHONE_TOO_SHORT, NULL },
	{ NULL, "0044", PHONE_TOO_SHORT, NULL },
	{ NULL, "00", PHONE_TOO_SHORT, NULL },
	{ NULL, "+1 415 555 012", PHONE_TOO_SHORT, NULL },
	{ NULL, "+683 400", PHONE_TOO_SHORT, NULL },
	/* Too many digits. */
	{ "GB", "020 7946 01234", PHONE_TOO_LONG, NULL },
	{ "US", "(415) 555-01234", PHONE_TOO_LONG, NULL },
	{ "FR", "06 12 34 56 789", PHONE_TOO_LONG, NULL },
	{ "ES", "612 345 6789", PHONE_TOO_LONG, NULL },
	{ NULL, "+44 20 7946 0123 4567", PHONE_TOO_LONG, NULL },
	{ NULL, "+49 30 1234 5678 90123", PHONE_TOO_LONG, NULL },
	{ NULL, "+30 210 123 4567 8901", PHONE_TOO_LONG, NULL },
	{ "GB", "1234567890 1234567890 1234567890", PHONE_TOO_LONG, NULL },
	/* Calling codes no country has. */
	{ NULL, "+999 123 4567", PHONE_UNKNOWN_COUNTRY_CODE, NULL },
	{ NULL, "+0 20 7946 0123", PHONE_UNKNOWN_COUNTRY_CODE, NULL },
	{ NULL, "+28 1234 5678", PHONE_UNKNOWN_COUNTRY_CODE, NULL },
	{ "GB", "00 999 1234 5678", PHONE_UNKNOWN_COUNTRY_CODE, NULL },
	/* International freephone (+800) is a service, not a country. */
	{ NULL, "+800 1234 5678", PHONE_UNKNOWN_COUNTRY_CODE, NULL },
	/* National numbers and nothing to say where. */
	{ NULL, "020 7946 0123", PHONE_NO_COUNTRY, NULL },
	{ NULL, "12345", PHONE_NO_COUNTRY, NULL },
	{ "", "020 7946 0123", PHONE_NO_COUNTRY, NULL },
	{ "XX", "020 7946 0123", PHONE_NO_COUNTRY, NULL },
	{ "GBR", "020 7946 0123", PHONE_NO_COUNTRY, NULL },
	{ "BV", "020 7946 0123", PHONE_NO_COUNTRY, NULL },
	{ NULL, "011 44 20 7946 0123", PHONE_NO_COUNTRY, NULL },
	/* Right length, impossible prefix. */
	{ "GB", "0412 345 6789", PHONE_IMPLAUSIBLE, NULL },
	{ "GB", "0612 345 6789", PHONE_IMPLAUSIBLE, NULL },
	{ NULL, "+44 4123 456789", PHONE_IMPLAUSIBLE, NULL },
	{ "US", "(911) 555-0123", PHONE_IMPLAUSIBLE, NULL },
	{ "US", "(415) 911-0123", PHONE_IMPLAUSIBLE, NULL },
	{ "US", "(095) 555-0123", PHONE_IMPLAUSIBLE, NULL },
	{ "US", "(415) 155-0123", PHONE_IMPLAUSIBLE, NULL },
	{ "US", "(490) 555-0123", PHONE_IMPLAUSIBLE, NULL },
	{ "ES", "412 345 678", PHONE_IMPLAUSIBLE, NULL },
	{ "CN", "110 1234 5678", PHONE_IMPLAUSIBLE, NULL },
	{ "BR", "(10) 91234-5678", PHONE_IMPLAUSIBLE, NULL },
	{ "DK", "02 12 34 56", PHONE_IMPLAUSIBLE, NULL },
	{ "ZA", "091 123 4567", PHONE_IMPLAUSIBLE, NULL },
	/* All one digit: placeholders typed to get past a form. */
	{ "GB", "0000000000", PHONE_IMPLAUSIBLE, NULL },
	{ NULL, "0000000000", PHONE_IMPLAUSIBLE, NULL },
	{ "GB", "00000 000000", PHONE_IMPLAUSIBLE, NULL },
	{ "US", "1111111111", PHONE_IMPLAUSIBLE, NULL },
	{ "US", "(222) 222-2222", PHONE_IMPLAUSIBLE, NULL },
	{ "FR", "06 66 66 66 66", PHONE_IMPLAUSIBLE, NULL },
	{ "DE", "9999999", PHONE_IMPLAUSIBLE, NULL },
	{ NULL, "+44 1111 111111", PHONE_IMPLAUSIBLE, NULL },
	{ NULL, "+30 2222 2222", PHONE_IMPLAUSIBLE, NULL },
};

/* Run a table; report every mismatch before failing, so that one run
 * shows all the numbers a rule change broke. */
static void run_cases(const struct phone_case *cases, size_t n)
{
	struct buf out = BUF_INIT;
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		const struct phone_case *c = &cases[i];
		enum phone_status st;

		st = phone_to_e164(c->in, strlen(c->in), c->country, &out);
		if (st != c->want ||
		    (st == PHONE_OK && strcmp(out.data, c->e164) != 0)) {
			print_error("%s '%s': got %d '%s' (%s), want %d '%s'\n",
				    c->country ? c->country : "(none)", c->in,
				    (int)st, out.data, phone_status_reason(st),
				    (int)c->want, c->e164 ? c->e164 : "");
			failures++;
		}
		assert_int_equal(buf_error(&out), 0);
	}
	buf_release(&out);
	assert_int_equal(failures, 0);
}

static void test_national_numbers_become_e164(void **state)
{
	(void)state;
	run_cases(national_cases, ARRAY_SIZE(national_cases));
}

static void test_international_forms_are_accepted(void **state)
{
	(void)state;
	run_cases(international_cases, ARRAY_SIZE(international_cases));
}

static void test_layout_and_extensions_are_ignored(void **state)
{
	(void)state;
	run_cases(layout_cases, ARRAY_SIZE(layout_cases));
}

static void test_every_failure_has_its_status(void **state)
{
	(void)state;
	run_cases(failure_cases, ARRAY_SIZE(failure_cases));
}

/* Normalising a normalised number changes nothing, whatever the default
 * country, and phone_check_e164() agrees that it is plausible. */
static void check_fixed_point(const struct phone_case *cases, size_t n)
{
	static const char *const defaults[] = { NULL, "GB", "US", "JP", "AU" };
	struct buf out = BUF_INIT, again = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (cases[i].want != PHONE_OK)
			continue;
		assert_int_equal(phone_to_e164(cases[i].in, strlen(cases[i].in),
					       cases[i].country, &out),
				 PHONE_OK);
		assert_int_equal(phone_check_e164(out.data), PHONE_OK);
		assert_non_null(phone_country_of(out.data));
		for (size_t d = 0; d < ARRAY_SIZE(defaults); d++) {
			assert_int_equal(phone_to_e164(out.data, out.len,
						       defaults[d], &again),
					 PHONE_OK);
			assert_string_equal(again.data, out.data);
		}
	}
	buf_release(&out);
	buf_release(&again);
}

static void test_normalising_twice_changes_nothing(void **state)
{
	(void)state;
	check_fixed_point(national_cases, ARRAY_SIZE(national_cases));
	check_fixed_point(international_cases,
			  ARRAY_SIZE(international_cases));
	check_fixed_point(layout_cases, ARRAY_SIZE(layout_cases));
	check_fixed_point(failure_cases, ARRAY_SIZE(failure_cases));
}

static void test_failed_input_is_kept_trimmed(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(phone_to_e164("  n/a \n", 7, "GB", &out),
			 PHONE_NO_DIGITS);
	assert_string_equal(out.data, "n/a");
	assert_int_equal(phone_to_e164("   ", 3, "GB", &out), PHONE_EMPTY);
	assert_string_equal(out.data, "");
	assert_int_equal(phone_to_e164(NULL, 0, "GB", &out), PHONE_EMPTY);
	assert_string_equal(out.data, "");
	buf_release(&out);
}

static void test_input_is_bounded_by_len(void **state)
{
	struct buf out = BUF_INIT;
	const char *s = "020 7946 0123 and then some rubbish";

	(void)state;
	assert_int_equal(phone_to_e164(s, 13, "GB", &out), PHONE_OK);
	assert_string_equal(out.data, "+442079460123");
	buf_release(&out);
}

static void test_out_is_reset_not_appended(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	buf_addstr(&out, "previous contents");
	assert_int_equal(phone_to_e164("020 7946 0123", 13, "GB", &out),
			 PHONE_OK);
	assert_string_equal(out.data, "+442079460123");
	buf_release(&out);
}

struct e164_case {
	const char *in;
	enum phone_status want;
};

static void test_check_e164_judges_normalised_numbers(void **state)
{
	static const struct e164_case cases[] = {
		{ "+442079460123", PHONE_OK },
		{ "+14155550123", PHONE_OK },
		{ "+390612345678", PHONE_OK },
		{ "+6834002", PHONE_OK },
		{ NULL, PHONE_EMPTY },
		{ "", PHONE_EMPTY },
		{ "+", PHONE_NO_DIGITS },
		{ "442079460123", PHONE_NO_COUNTRY },
		{ "+44 20 7946 0123", PHONE_BAD_CHARS },
		{ "+442079460123 ", PHONE_BAD_CHARS },
		{ "020 7946 0123", PHONE_BAD_CHARS },
		{ "+44207946012", PHONE_TOO_SHORT },
		{ "+4420794601234", PHONE_TOO_LONG },
		{ "+1234567890123456", PHONE_TOO_LONG },
		{ "+9991234567", PHONE_UNKNOWN_COUNTRY_CODE },
		/* Not normalised: the trunk 0 is still there. */
		{ "+4402079460123", PHONE_TOO_LONG },
		{ "+44020794601", PHONE_IMPLAUSIBLE },
		{ "+19115550123", PHONE_IMPLAUSIBLE },
		{ "+440000000000", PHONE_IMPLAUSIBLE },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (phone_check_e164(cases[i].in) != cases[i].want) {
			print_error("'%s': got %d want %d\n",
				    cases[i].in ? cases[i].in : "(null)",
				    (int)phone_check_e164(cases[i].in),
				    (int)cases[i].want);
			fail();
		}
	}
}

static void test_country_of_names_the_calling_code_owner(void **state)
{
	static const struct {
		const char *e164, *alpha2;
	} cases[] = {
		{ "+442079460123", "GB" },
		{ "+14155550123", "US" },
		{ "+18765550123", "US" },	/* Jamaica: +1 is "US" */
		{ "+16135550123", "US" },
		{ "+79161234567", "RU" },
		{ "+77271234567", "RU" },
		{ "+353871234567", "IE" },
		{ "+390612345678", "IT" },
		{ "+4741234567", "NO" },
		{ "+61412345678", "AU" },
		{ "+212612345678", "MA" },
		{ "+262262123456", "RE" },
		{ "+5999123456", "CW" },
		{ "+29022001", "SH" },
		{ "+302101234567", "GR" },
		{ "+1", "US" },
		{ "+9991234567", NULL },
		{ "+0123", NULL },
		{ "+", NULL },
		{ "442079460123", NULL },
		{ "+44 20 7946 0123", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *got = phone_country_of(cases[i].e164);

		if (!cases[i].alpha2)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].alpha2);
	}
}

/* The first assigned calling code that the digits of cc start with, by a
 * scan of the country table (codes are prefix-free), or 0. */
static unsigned scan_calling_code(unsigned cc)
{
	char d[4];
	int n = snprintf(d, sizeof(d), "%u", cc);

	for (int k = 1; k <= n; k++) {
		unsigned v = 0;

		for (int i = 0; i < k; i++)
			v = v * 10 + (unsigned)(d[i] - '0');
		for (size_t i = 0; i < COUNTRY_COUNT; i++) {
			if (country_at(i)->calling_code == v)
				return v;
		}
	}
	return 0;
}

/* Calling codes are looked up in a table of all 999: each one names a
 * country that has the code, and unassigned ones name none. */
static void test_every_calling_code_finds_its_owner(void **state)
{
	(void)state;
	for (unsigned cc = 1; cc < 1000; cc++) {
		unsigned want = scan_calling_code(cc);
		char e164[8];
		const char *got;

		snprintf(e164, sizeof(e164), "+%u", cc);
		got = phone_country_of(e164);
		if (!want) {
			assert_null(got);
			continue;
		}
		assert_non_null(got);
		assert_int_equal(country_by_code(got)->calling_code, want);
	}
}

static void test_status_reasons_are_distinct_phrases(void **state)
{
	const char *seen[PHONE_BAD_CHARS + 1];

	(void)state;
	for (int s = PHONE_OK; s <= PHONE_BAD_CHARS; s++) {
		seen[s] = phone_status_reason((enum phone_status)s);
		assert_non_null(seen[s]);
		assert_true(strlen(seen[s]) > 3);
		for (int t = PHONE_OK; t < s; t++)
			assert_string_not_equal(seen[s], seen[t]);
	}
	assert_string_equal(phone_status_reason(PHONE_TOO_SHORT),
			    "too few digits for the country");
	assert_string_equal(phone_status_reason((enum phone_status)99),
			    "unknown phone status");
}

/* A failed allocation shows in the buffer's sticky error; nothing leaks. */
static void test_allocation_failure_is_sticky_in_out(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	alloc_fail_after(0);
	assert_int_equal(phone_to_e164("020 7946 0123", 13, "GB", &out),
			 PHONE_OK);
	alloc_fail_after(-1);
	assert_int_equal(buf_error(&out), ST_ERR_NOMEM);
	buf_release(&out);
	assert_int_equal(phone_to_e164("020 7946 0123", 13, "GB", &out),
			 PHONE_OK);
	assert_int_equal(buf_error(&out), 0);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first: it races to build the lookup tables */
		cmocka_unit_test(test_first_lookups_from_many_threads_agree),
		cmocka_unit_test(test_national_numbers_become_e164),
		cmocka_unit_test(test_international_forms_are_accepted),
		cmocka_unit_test(test_layout_and_extensions_are_ignored),
		cmocka_unit_test(test_every_failure_has_its_status),
		cmocka_unit_test(test_normalising_twice_changes_nothing),
		cmocka_unit_test(test_failed_input_is_kept_trimmed),
		cmocka_unit_test(test_input_is_bounded_by_len),
		cmocka_unit_test(test_out_is_reset_not_appended),
		cmocka_unit_test(test_check_e164_judges_normalised_numbers),
		cmocka_unit_test(test_country_of_names_the_calling_code_owner),
		cmocka_unit_test(test_every_calling_code_finds_its_owner),
		cmocka_unit_test(test_status_reasons_are_distinct_phrases),
		cmocka_unit_test(test_allocation_failure_is_sticky_in_out),
	};

	return cmocka_run_group_tests_name("phone", tests, NULL, NULL);
}
