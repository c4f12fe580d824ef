/*
 * fuzz_phone.c - libFuzzer target for phone, postcode and country parsing.
 *
 * The first two bytes choose a default country (including none, an
 * unknown code and a country without a phone rule); the rest is the text
 * as a person might have typed it.  Besides surviving any input under
 * ASan/UBSan, the parsers must keep their promises:
 *   - a phone number normalised to PHONE_OK is "+" and digits, normalises
 *     to itself under any default country, passes phone_check_e164(), and
 *     has an owning country;
 *   - a canonical postcode normalises to itself;
 *   - a country found by lookup is found again by its codes and its name.
 * A broken promise abort()s, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/country.h"
#include "util/phone.h"
#include "util/postcode.h"

/* Declared here because no header declares it: libFuzzer (or replay.c)
 * calls it, and -Wmissing-prototypes wants to see a declaration. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small on purpose: the fuzzer should spend its time on the text. */
static const char *const fuzz_countries[] = {
	NULL, "GB", "US", "CA", "IE", "DE", "FR", "IT", "ES", "NL",
	"AU", "JP", "SG", "HK", "BR", "MX", "RU", "IN", "CN", "GR",
	"XX", "gb", "SE", "PL", "PT", "JE",
};

static void check_phone(const char *in, size_t len, const char *country)
{
	struct buf out, again;
	enum phone_status st;

	/* Small maxima: a failed number is echoed back and may not fit,
	 * which must show as the buffer's error and nothing worse. */
	buf_init(&out, 64);
	buf_init(&again, 64);
	st = phone_to_e164(in, len, country, &out);
	if (st == PHONE_OK && buf_error(&out))
		abort();
	if ((unsigned)st > PHONE_BAD_CHARS || !phone_status_reason(st))
		abort();
	if (st == PHONE_OK) {
		if (out.len < 2 || out.data[0] != '+')
			abort();
		for (size_t i = 1; i < out.len; i++) {
			if (out.data[i] < '0' || out.data[i] > '9')
				abort();
		}
		if (phone_check_e164(out.data) != PHONE_OK)
			abort();
		if (!phone_country_of(out.data))
			abort();
		for (size_t i = 0; i < 3; i++) {
			const char *dc = i == 0 ? country : i == 1 ? NULL : "US";

			if (phone_to_e164(out.data, out.len, dc, &again) !=
				    PHONE_OK ||
			    strcmp(again.data, out.data) != 0)
				abort();
		}
	}
	buf_release(&out);
	buf_release(&again);
}

static void check_postcode(const char *in, size_t len, const char *country)
{
	struct buf out, again;

	buf_init(&out, 64);
	buf_init(&again, 64);
	if (postcode_normalise(in, len, country, &out) == POSTCODE_OK) {
		if (buf_error(&out))
			abort();
		if (postcode_normalise(out.data, out.len, country, &again) !=
			    POSTCODE_OK ||
		    strcmp(again.data, out.data) != 0)
			abort();
	}
	buf_release(&out);
	buf_release(&again);
}

static void check_country(const char *in, size_t len)
{
	const struct country *c = country_lookup(in, len);

	if (!c)
		return;
	if (country_by_code(c->alpha2) != c ||
	    country_lookup(c->alpha3, 3) != c ||
	    country_lookup(c->name, strlen(c->name)) != c ||
	    !country_valid_alpha2(c->alpha2, 2))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *country;
	const char *in;
	size_t len;

	if (size < 2)
		return 0;
	country = fuzz_countries[(data[0] | (unsigned)data[1] << 8) %
				 ARRAY_SIZE(fuzz_countries)];
	in = (const char *)data + 2;
	len = size - 2;

	check_phone(in, len, country);
	check_postcode(in, len, country);
	check_country(in, len);
	return 0;
}
