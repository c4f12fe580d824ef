/*
 * test_duration.c - ISO 8601 durations: parsing, errors, arithmetic and
 * the English the governance handbook prints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/datetime.h"
#include "util/duration.h"

static struct duration parse_ok(const char *s)
{
	struct duration d;
	struct buf why = BUF_INIT;

	if (duration_parse(s, &d, NULL, &why))
		fail_msg("'%s' did not parse: %s", s, why.data);
	buf_release(&why);
	return d;
}

static void assert_duration(const struct duration *d, int64_t y, int64_t mo,
			    int64_t w, int64_t days, int64_t h, int64_t mi,
			    int64_t s)
{
	assert_int_equal(d->years, y);
	assert_int_equal(d->months, mo);
	assert_int_equal(d->weeks, w);
	assert_int_equal(d->days, days);
	assert_int_equal(d->hours, h);
	assert_int_equal(d->minutes, mi);
	assert_int_equal(d->seconds, s);
}

/* UTC seconds for "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]". */
static int64_t at(const char *s)
{
	struct datetime dt;

	assert_int_equal(datetime_parse(s, strlen(s), "iso8601", &dt, NULL), 0);
	return dt.secs;
}

/* --- parsing ----------------------------------------------------------- */

static void parses_each_component(void **state)
{
	struct duration d;

	(void)state;
	d = parse_ok("P3Y");
	assert_duration(&d, 3, 0, 0, 0, 0, 0, 0);
	d = parse_ok("P2M");
	assert_duration(&d, 0, 2, 0, 0, 0, 0, 0);
	d = parse_ok("P4W");
	assert_duration(&d, 0, 0, 4, 0, 0, 0, 0);
	d = parse_ok("P90D");
	assert_duration(&d, 0, 0, 0, 90, 0, 0, 0);
	d = parse_ok("PT12H");
	assert_duration(&d, 0, 0, 0, 0, 12, 0, 0);
	d = parse_ok("PT30M");
	assert_duration(&d, 0, 0, 0, 0, 0, 30, 0);
	d = parse_ok("PT45S");
	assert_duration(&d, 0, 0, 0, 0, 0, 0, 45);
}

static void parses_all_components_in_order(void **state)
{
	struct duration d = parse_ok("P1Y2M3W4DT5H6M7S");

	(void)state;
	assert_duration(&d, 1, 2, 3, 4, 5, 6, 7);
	d = parse_ok("P1MT1M");
	assert_duration(&d, 0, 1, 0, 0, 0, 1, 0);
	d = parse_ok("P1Y1D");
	assert_duration(&d, 1, 0, 0, 1, 0, 0, 0);
	d = parse_ok("P1DT1S");
	assert_duration(&d, 0, 0, 0, 1, 0, 0, 1);
}

static void accepts_zero_and_leading_zeros(void **state)
{
	struct duration d = parse_ok("P0D");

	(void)state;
	assert_true(duration_is_zero(&d));
	d = parse_ok("PT0S");
	assert_true(duration_is_zero(&d));
	d = parse_ok("P007D");
	assert_duration(&d, 0, 0, 0, 7, 0, 0, 0);
	assert_false(duration_is_zero(&d));
}

static void accepts_components_up_to_their_limits(void **state)
{
	struct duration d = parse_ok("P1000000Y1000000M1000000W1000000DT1000000H1000000M1000000000S");

	(void)state;
	assert_duration(&d, 1000000, 1000000, 1000000, 1000000, 1000000,
			1000000, 1000000000);
}

struct bad_case {
	const char *text;
	size_t err_pos;
	const char *why;
};

static void invalid_durations_say_why(void **state)
{
	static const struct bad_case cases[] = {
		{ "", 0, "the duration is empty" },
		{ "P", 1, "expected a number after 'P'" },
		{ "PT", 2, "expected a number after 'T'" },
		{ "P1DT", 4, "expected a number after 'T'" },
		{ "P1", 2, "expected a designator after '1'" },
		{ "PT12", 4, "expected a designator after '12'" },
		{ "P1D2", 4, "expected a designator after '2'" },
		{ "P1D2M", 4, "designator 'M' out of order" },
		{ "P1W1Y", 4, "designator 'Y' out of order" },
		{ "PT1S1H", 5, "designator 'H' out of order" },
		{ "P1Y1Y", 4, "designator 'Y' appears twice" },
		{ "PT1M1M", 5, "designator 'M' appears twice" },
		{ "P1H", 2, "designator 'H' needs 'T' before it" },
		{ "P1S", 2, "designator 'S' needs 'T' before it" },
		{ "PT1D", 3, "designator 'D' cannot come after 'T'" },
		{ "PT1W", 3, "designator 'W' cannot come after 'T'" },
		{ "PT1Y", 3, "designator 'Y' cannot come after 'T'" },
		{ "PT1HT1M", 4, "'T' appears twice" },
		{ "P1X", 2, "unknown designator 'X'" },
		{ "P1d", 2, "unknown designator 'd'" },
		{ "P1\x01", 2, "unexpected byte 0x01" },
		{ "P1.5D", 2, "fractions are not supported" },
		{ "PT0,5H", 3, "fractions are not supported" },
		{ "-P1D", 0, "negative durations are not supported" },
		{ "P-1D", 1, "negative durations are not supported" },
		{ "p1d", 0, "a duration starts with 'P'" },
		{ " P1D", 0, "a duration starts with 'P'" },
		{ "1D", 0, "a duration starts with 'P'" },
		{ "P1D ", 3, "expected a number after 'D'" },
		{ "PD", 1, "expected a number after 'P'" },
		{ "P1000001Y", 1, "too many years (at most 1000000)" },
		{ "P1000001M", 1, "too many months (at most 1000000)" },
		{ "P1000001W", 1, "too many weeks (at most 1000000)" },
		{ "P1000001D", 1, "too many days (at most 1000000)" },
		{ "PT1000001H", 2, "too many hours (at most 1000000)" },
		{ "PT1000001M", 2, "too many minutes (at most 1000000)" },
		{ "PT1000000001S", 2, "too many seconds (at most 1000000000)" },
		{ "P99999999999999999999999999D", 1, "too many days (at most 1000000)" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf why = BUF_INIT;
		struct duration d;
		size_t pos = 999;

		memset(&d, 0x5a, sizeof(d));
		if (duration_parse(cases[i].text, &d, &pos, &why) != -1)
			fail_msg("'%s' parsed", cases[i].text);
		if (strcmp(why.data, cases[i].why) || pos != cases[i].err_pos)
			fail_msg("'%s': got \"%s\" at %zu, expected \"%s\" at %zu",
				 cases[i].text, why.data, pos, cases[i].why,
				 cases[i].err_pos);
		assert_int_equal(d.years, 0x5a5a5a5a5a5a5a5aLL);	/* untouched */
		buf_release(&why);
	}
}

static void errors_need_no_buffer_or_position(void **state)
{
	struct duration d;

	(void)state;
	assert_int_equal(duration_parse("P1.5D", &d, NULL, NULL), -1);
	assert_int_equal(duration_parse("P1D", &d, NULL, NULL), 0);
}

/* --- printing ----------------------------------------------------------- */

static void formats_in_canonical_form(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "P1Y2M", "P1Y2M" }, { "PT1H", "PT1H" }, { "P0D", "P0D" },
		{ "PT0S", "P0D" }, { "P0Y", "P0D" }, { "P007D", "P7D" },
		{ "P0Y1D", "P1D" }, { "P1DT0H", "P1D" }, { "P2WT30M", "P2WT30M" },
		{ "P1Y2M3W4DT5H6M7S", "P1Y2M3W4DT5H6M7S" },
		{ "PT36H", "PT36H" }, { "PT1000000000S", "PT1000000000S" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct duration d = parse_ok(cases[i].in), again;
		struct buf out = BUF_INIT;

		duration_format(&d, &out);
		if (strcmp(out.data, cases[i].out))
			fail_msg("'%s' formats as '%s', expected '%s'",
				 cases[i].in, out.data, cases[i].out);
		again = parse_ok(out.data);
		assert_memory_equal(&again, &d, sizeof(d));
		buf_release(&out);
	}
}

static void describes_in_plain_english(void **state)
{
	static const struct {
		const char *in, *text;
	} cases[] = {
		{ "P90D", "90 days" }, { "P1Y", "1 year" }, { "P1D", "1 day" },
		{ "P2Y6M", "2 years and 6 months" }, { "PT12H", "12 hours" },
		{ "P0D", "0 days" }, { "P1M", "1 month" }, { "P2W", "2 weeks" },
		{ "PT1M", "1 minute" }, { "PT1S", "1 second" },
		{ "P1DT2H30M", "1 day, 2 hours and 30 minutes" },
		{ "P1Y2M3W4DT5H6M7S",
		  "1 year, 2 months, 3 weeks, 4 days, 5 hours, 6 minutes and 7 seconds" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct duration d = parse_ok(cases[i].in);
		struct buf out = BUF_INIT;

		duration_describe(&d, &out);
		if (strcmp(out.data, cases[i].text))
			fail_msg("'%s' reads \"%s\", expected \"%s\"", cases[i].in,
				 out.data, cases[i].text);
		buf_release(&out);
	}
}

static void printing_appends_to_the_buffer(void **state)
{
	struct duration d = parse_ok("P1W");
	struct buf out = BUF_INIT;

	(void)state;
	buf_addstr(&out, "every ");
	duration_describe(&d, &out);
	buf_addstr(&out, " (");
	duration_format(&d, &out);
	buf_addch(&out, ')');
	assert_string_equal(out.data, "every 1 week (P1W)");
	buf_release(&out);
}

/* --- arithmetic --------------------------------------------------------- */

static void approx_seconds_uses_average_year_and_month(void **state)
{
	struct duration d;

	(void)state;
	d = parse_ok("P1Y");
	assert_int_equal(duration_approx_seconds(&d), 31556952);	/* 365.2425 d */
	d = parse_ok("P1M");
	assert_int_equal(duration_approx_seconds(&d), 2629746);	/* 30.436875 d */
	d = parse_ok("P12M");
	assert_int_equal(duration_approx_seconds(&d), 31556952);
	d = parse_ok("P1W");
	assert_int_equal(duration_approx_seconds(&d), 604800);
	d = parse_ok("P90D");
	assert_int_equal(duration_approx_seconds(&d), 90 * 86400);
	d = parse_ok("P1DT1H1M1S");
	assert_int_equal(duration_approx_seconds(&d), 86400 + 3600 + 61);
	d = parse_ok("P0D");
	assert_int_equal(duration_approx_seconds(&d), 0);
}

static void approx_seconds_of_the_largest_duration_fits(void **state)
{
	struct duration d = parse_ok("P1000000Y1000000M1000000W1000000DT1000000H1000000M1000000000S");

	(void)state;
	assert_int_equal(duration_approx_seconds(&d),
			 INT64_C(1000000) * (31556952 + 2629746 + 604800 + 86400 +
					     3600 + 60) + 1000000000);
}

struct add_case {
	const char *start, *duration, *want;
};

static void run_add_cases(const struct add_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct duration d = parse_ok(cases[i].duration);
		int64_t got = duration_add(at(cases[i].start), &d);

		if (got != at(cases[i].want)) {
			struct datetime dt = { got, 1, 0, 0 };
			struct buf out = BUF_INIT;

			datetime_format_iso(&dt, &out);
			fail_msg("%s + %s = %s, expected %s", cases[i].start,
				 cases[i].duration, out.data, cases[i].want);
		}
	}
}

static void adding_months_clamps_to_the_month_end(void **state)
{
	static const struct add_case cases[] = {
		{ "2024-01-31", "P1M", "2024-02-29" },
		{ "2025-01-31", "P1M", "2025-02-28" },
		{ "2025-03-31", "P1M", "2025-04-30" },
		{ "2025-01-30", "P1M", "2025-02-28" },
		{ "2025-01-31", "P2M", "2025-03-31" },
		{ "2025-08-31", "P1M", "2025-09-30" },
		{ "2025-01-15", "P1M", "2025-02-15" },
		{ "2025-12-15", "P1M", "2026-01-15" },
		{ "2025-11-30", "P3M", "2026-02-28" },
		{ "2025-01-31", "P13M", "2026-02-28" },
		{ "2024-01-31T10:30:00", "P1M", "2024-02-29T10:30:00" },
	};

	(void)state;
	run_add_cases(cases, ARRAY_SIZE(cases));
}

static void adding_years_clamps_february_29(void **state)
{
	static const struct add_case cases[] = {
		{ "2024-02-29", "P1Y", "2025-02-28" },
		{ "2024-02-29", "P4Y", "2028-02-29" },
		{ "2096-02-29", "P4Y", "2100-02-28" },
		{ "2024-02-28", "P1Y", "2025-02-28" },
		{ "2025-06-15", "P1Y6M", "2026-12-15" },
	};

	(void)state;
	run_add_cases(cases, ARRAY_SIZE(cases));
}

static void adding_days_and_times_is_exact(void **state)
{
	static const struct add_case cases[] = {
		{ "2024-02-28", "P1D", "2024-02-29" },
		{ "2025-02-28", "P1D", "2025-03-01" },
		{ "2025-12-31", "P1D", "2026-01-01" },
		{ "2025-01-01", "P90D", "2025-04-01" },
		{ "2025-01-01", "P2W", "2025-01-15" },
		{ "2025-01-01T23:30", "PT1H", "2025-01-02T00:30" },
		{ "2025-01-01T00:00", "PT90M", "2025-01-01T01:30" },
		{ "2025-01-01T00:00", "PT86400S", "2025-01-02T00:00" },
		{ "1969-12-31T23:59:59", "PT1S", "1970-01-01T00:00:00" },
		{ "2025-01-01", "P0D", "2025-01-01" },
	};

	(void)state;
	run_add_cases(cases, ARRAY_SIZE(cases));
}

static void adds_months_before_days(void **state)
{
	static const struct add_case cases[] = {
		/* Jan 31 + 1 month = Feb 29, then + 1 day = Mar 1 */
		{ "2024-01-31", "P1M1D", "2024-03-01" },
		{ "2025-01-31", "P1MT24H", "2025-03-01" },
	};

	(void)state;
	run_add_cases(cases, ARRAY_SIZE(cases));
}

static void adding_to_extreme_times_does_not_overflow(void **state)
{
	struct duration d = parse_ok("P1000000Y1000000M1000000W1000000DT1000000H1000000M1000000000S");

	(void)state;
	assert_true(duration_add(INT64_MAX, &d) > DURATION_ADD_LIMIT);
	assert_true(duration_add(INT64_MIN, &d) > -DURATION_ADD_LIMIT);
	assert_int_equal(duration_add(INT64_MAX, &(struct duration){ 0 }),
			 DURATION_ADD_LIMIT);
}

/* --- memory ------------------------------------------------------------ */

static void parsing_allocates_nothing(void **state)
{
	struct duration d;

	(void)state;
	alloc_fail_after(-1);	/* resets the counter */
	assert_int_equal(duration_parse("P1Y2M3W4DT5H6M7S", &d, NULL, NULL), 0);
	assert_int_equal(duration_parse("P1D2M", &d, NULL, NULL), -1);
	assert_int_equal(alloc_count(), 0);
}

static void failure_is_reported_when_the_reason_cannot_be_stored(void **state)
{
	struct duration d;
	struct buf why = BUF_INIT;
	size_t pos = 0;

	(void)state;
	alloc_fail_after(0);
	assert_int_equal(duration_parse("P1D2M", &d, &pos, &why), -1);
	alloc_fail_after(-1);
	assert_int_equal(pos, 4);
	assert_int_equal(buf_error(&why), ST_ERR_NOMEM);
	buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_each_component),
		cmocka_unit_test(parses_all_components_in_order),
		cmocka_unit_test(accepts_zero_and_leading_zeros),
		cmocka_unit_test(accepts_components_up_to_their_limits),
		cmocka_unit_test(invalid_durations_say_why),
		cmocka_unit_test(errors_need_no_buffer_or_position),
		cmocka_unit_test(formats_in_canonical_form),
		cmocka_unit_test(describes_in_plain_english),
		cmocka_unit_test(printing_appends_to_the_buffer),
		cmocka_unit_test(approx_seconds_uses_average_year_and_month),
		cmocka_unit_test(approx_seconds_of_the_largest_duration_fits),
		cmocka_unit_test(adding_months_clamps_to_the_month_end),
		cmocka_unit_test(adding_years_clamps_february_29),
		cmocka_unit_test(adding_days_and_times_is_exact),
		cmocka_unit_test(adds_months_before_days),
		cmocka_unit_test(adding_to_extreme_times_does_not_overflow),
		cmocka_unit_test(parsing_allocates_nothing),
		cmocka_unit_test(failure_is_reported_when_the_reason_cannot_be_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
