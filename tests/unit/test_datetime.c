/*
 * test_datetime.c - calendar arithmetic, date formats, parsing, printing.
 *
 * Most parse cases are written as (value, format, expected ISO output) so
 * that a failure reads as dates rather than as seconds; the expected epoch
 * values were computed independently (Python's datetime).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/datetime.h"

/* Parse value with format and compare the UTC ISO form with want. */
static void expect_parse(const char *value, const char *format,
			 const char *want)
{
	struct datetime dt;
	struct buf why = BUF_INIT, out = BUF_INIT;
	size_t pos = 0;

	if (datetime_parse_explain(value, strlen(value), format, &dt, &pos, &why))
		fail_msg("'%s' with '%s' failed at %zu: %s", value, format, pos,
			 why.data);
	datetime_format_iso(&dt, &out);
	if (strcmp(out.data, want))
		fail_msg("'%s' with '%s' gave %s, expected %s", value, format,
			 out.data, want);
	buf_release(&why);
	buf_release(&out);
}

/* Parsing must fail at byte err_pos with exactly the reason why. */
static void expect_fail(const char *value, const char *format,
			size_t err_pos, const char *reason)
{
	struct datetime dt = { 12345, 7, 7, 7 };
	struct buf why = BUF_INIT;
	size_t pos = 999;

	if (!datetime_parse_explain(value, strlen(value), format, &dt, &pos, &why))
		fail_msg("'%s' with '%s' parsed", value, format);
	if (pos != err_pos || strcmp(why.data, reason))
		fail_msg("'%s' with '%s': \"%s\" at %zu, expected \"%s\" at %zu",
			 value, format, why.data, pos, reason, err_pos);
	assert_int_equal(dt.secs, 12345);	/* untouched on failure */
	buf_release(&why);
}

static struct datetime parse_ok(const char *value, const char *format)
{
	struct datetime dt;

	if (datetime_parse(value, strlen(value), format, &dt, NULL))
		fail_msg("'%s' with '%s' failed", value, format);
	return dt;
}

/* --- calendar ---------------------------------------------------------- */

static void civil_to_days_counts_from_1970(void **state)
{
	(void)state;
	assert_int_equal(civil_to_days(1970, 1, 1), 0);
	assert_int_equal(civil_to_days(1969, 12, 31), -1);
	assert_int_equal(civil_to_days(2000, 3, 1), 11017);
	assert_int_equal(civil_to_days(2024, 2, 29), 19782);
	assert_int_equal(civil_to_days(1, 1, 1), -719162);
	assert_int_equal(civil_to_days(9999, 12, 31), 2932896);
}

static void days_to_civil_inverts_civil_to_days(void **state)
{
	(void)state;
	for (int64_t days = -800000; days <= 3000000; days++) {
		int64_t y;
		int m, d;

		days_to_civil(days, &y, &m, &d);
		if (!civil_valid(y, m, d) || civil_to_days(y, m, d) != days)
			fail_msg("day %" PRId64 " -> %" PRId64 "-%d-%d", days, y, m, d);
	}
}

static void days_to_civil_is_consecutive(void **state)
{
	int64_t py, y;
	int pm, pd, m, d;

	(void)state;
	days_to_civil(-800000, &py, &pm, &pd);
	for (int64_t days = -799999; days <= 3000000; days++) {
		days_to_civil(days, &y, &m, &d);
		if (d == pd + 1 && m == pm && y == py)
			;
		else if (d == 1 && pd == days_in_month(py, pm) &&
			 ((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1)))
			;
		else
			fail_msg("day %" PRId64 " does not follow the one before", days);
		py = y;
		pm = m;
		pd = d;
	}
}

static void leap_years_follow_gregorian_rules(void **state)
{
	(void)state;
	assert_true(is_leap_year(2024));
	assert_true(is_leap_year(2000));
	assert_true(is_leap_year(1600));
	assert_true(is_leap_year(0));
	assert_true(is_leap_year(-4));
	assert_false(is_leap_year(1900));
	assert_false(is_leap_year(2100));
	assert_false(is_leap_year(2023));
	assert_false(is_leap_year(-1));
}

static void days_in_month_knows_each_month(void **state)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	(void)state;
	for (int m = 1; m <= 12; m++)
		assert_int_equal(days_in_month(2023, m), days[m - 1]);
	assert_int_equal(days_in_month(2024, 2), 29);
	assert_int_equal(days_in_month(1900, 2), 28);
	assert_int_equal(days_in_month(2000, 2), 29);
	assert_int_equal(days_in_month(2024, 0), 0);
	assert_int_equal(days_in_month(2024, 13), 0);
}

static void civil_valid_rejects_impossible_dates(void **state)
{
	(void)state;
	assert_true(civil_valid(2024, 2, 29));
	assert_true(civil_valid(2000, 2, 29));
	assert_false(civil_valid(2026, 2, 29));
	assert_false(civil_valid(1900, 2, 29));
	assert_false(civil_valid(2025, 4, 31));
	assert_true(civil_valid(2025, 12, 31));
	assert_false(civil_valid(2025, 1, 0));
	assert_false(civil_valid(2025, 13, 1));
	assert_false(civil_valid(2025, 0, 1));
}

static void day_of_week_starts_on_sunday(void **state)
{
	(void)state;
	assert_int_equal(day_of_week(0), 4);	/* 1970-01-01 was a Thursday */
	assert_int_equal(day_of_week(-1), 3);
	assert_int_equal(day_of_week(-7), 4);
	assert_int_equal(day_of_week(civil_to_days(2024, 2, 29)), 4);
	assert_int_equal(day_of_week(civil_to_days(2025, 3, 16)), 0);
	assert_int_equal(day_of_week(civil_to_days(2025, 3, 15)), 6);
	assert_int_equal(day_of_week(civil_to_days(1, 1, 1)), 1);
}

static void floor_division_rounds_down(void **state)
{
	(void)state;
	assert_int_equal(floor_div(7, 2), 3);
	assert_int_equal(floor_div(-7, 2), -4);
	assert_int_equal(floor_div(-8, 2), -4);
	assert_int_equal(floor_mod(-1, 86400), 86399);
	assert_int_equal(floor_mod(86400, 86400), 0);
	assert_int_equal(floor_mod(7, -2), -1);
}

/* --- leap days and calendar validity in parsing ------------------------ */

static void accepts_february_29_in_leap_years(void **state)
{
	(void)state;
	expect_parse("2024-02-29", "iso8601", "2024-02-29");
	expect_parse("2000-02-29", "%Y-%m-%d", "2000-02-29");
	expect_parse("29/02/2024", "%d/%m/%Y", "2024-02-29");
}

static void rejects_february_29_in_non_leap_year(void **state)
{
	(void)state;
	expect_fail("2026-02-29", "iso8601", 8, "day 29 is not in February 2026");
	expect_fail("1900-02-29", "%Y-%m-%d", 8, "day 29 is not in February 1900");
	expect_fail("29/02/2100", "%d/%m/%Y", 0, "day 29 is not in February 2100");
}

static void rejects_days_past_the_month_end(void **state)
{
	(void)state;
	expect_parse("2025-01-31", "%F", "2025-01-31");
	expect_parse("2025-04-30", "%F", "2025-04-30");
	expect_fail("2025-04-31", "%F", 8, "day 31 is not in April 2025");
	expect_fail("2025-06-31", "iso8601", 8, "day 31 is not in June 2025");
	expect_fail("2025-01-32", "%F", 8, "day 32 is out of range 1-31");
	expect_fail("2025-01-00", "%F", 8, "day 00 is out of range 1-31");
}

static void rejects_month_13_and_month_0(void **state)
{
	(void)state;
	expect_fail("2024-13-01", "%Y-%m-%d", 5, "month 13 is out of range 1-12");
	expect_fail("2024-00-01", "iso8601", 5, "month 00 is out of range 1-12");
}

static void rejects_hour_24_minute_60_second_60(void **state)
{
	(void)state;
	expect_fail("2024-01-05T24:00", "iso8601", 11, "hour 24 is out of range 0-23");
	expect_fail("2024-01-05T23:60", "iso8601", 14, "minute 60 is out of range 0-59");
	expect_fail("2024-01-05T23:59:60", "iso8601", 17, "second 60 is out of range 0-59");
	expect_fail("2024-01-05 24:00:00", "%F %T", 11, "hour 24 is out of range 0-23");
	expect_parse("2024-01-05 23:59:59", "%F %T", "2024-01-05T23:59:59Z");
}

static void rejects_years_outside_1_to_9999(void **state)
{
	(void)state;
	expect_parse("0001-01-01", "iso8601", "0001-01-01");
	expect_parse("9999-12-31T23:59:59", "iso8601", "9999-12-31T23:59:59Z");
	expect_fail("0000-01-01", "iso8601", 0, "year 0000 is out of range 0001-9999");
	expect_fail("10000-01-01", "iso8601", 4, "expected '-'");
	expect_fail("253402300800", "%s", 0, "Unix time out of range");
	expect_fail("-62135596801", "%s", 0, "Unix time out of range");
	expect_fail("1234567890123", "%s", 0, "Unix time out of range");
}

/* --- each conversion --------------------------------------------------- */

static void year_needs_exactly_four_digits(void **state)
{
	(void)state;
	expect_parse("2024", "%Y", "2024-01-01");
	expect_fail("24", "%Y", 0, "expected 4 digits for the year");
	expect_fail("02024", "%Y", 4, "unexpected text after the date");
}

static void two_digit_years_pivot_at_69(void **state)
{
	(void)state;
	expect_parse("69", "%y", "1969-01-01");
	expect_parse("99", "%y", "1999-01-01");
	expect_parse("00", "%y", "2000-01-01");
	expect_parse("68", "%y", "2068-01-01");
	expect_fail("5", "%y", 0, "expected 2 digits for the year");
}

static void month_and_day_take_one_or_two_digits(void **state)
{
	(void)state;
	expect_parse("5/1/2024", "%d/%m/%Y", "2024-01-05");
	expect_parse("05/01/2024", "%d/%m/%Y", "2024-01-05");
	expect_parse("20240105", "%Y%m%d", "2024-01-05");
	expect_fail("/1/2024", "%d/%m/%Y", 0, "expected a number for the day");
	expect_fail("5//2024", "%d/%m/%Y", 2, "expected a number for the month");
	expect_fail("123/1/2024", "%d/%m/%Y", 2, "expected '/'");
}

static void e_allows_leading_spaces(void **state)
{
	(void)state;
	expect_parse("Jan  5 2024", "%b %e %Y", "2024-01-05");
	expect_parse(" 5.1.2024", "%e.%m.%Y", "2024-01-05");
	expect_parse("15.1.2024", "%e.%m.%Y", "2024-01-15");
}

static void day_of_year_counts_from_january_1(void **state)
{
	(void)state;
	expect_parse("2024-001", "%Y-%j", "2024-01-01");
	expect_parse("2024-60", "%Y-%j", "2024-02-29");
	expect_parse("2025-60", "%Y-%j", "2025-03-01");
	expect_parse("2024 366", "%Y %j", "2024-12-31");
	expect_fail("2025 366", "%Y %j", 5, "day of year 366 is not in 2025");
	expect_fail("2025 367", "%Y %j", 5, "day of year 367 is out of range 1-366");
	expect_fail("2025 000", "%Y %j", 5, "day of year 000 is out of range 1-366");
	expect_parse("2024-02-29 60", "%F %j", "2024-02-29");
	expect_fail("2024-03-01 60", "%F %j", 11,
		    "day of year 60 disagrees with the month and day");
}

static void month_abbreviations_any_case(void **state)
{
	(void)state;
	expect_parse("05 Jan 2024", "%d %b %Y", "2024-01-05");
	expect_parse("05 jan 2024", "%d %b %Y", "2024-01-05");
	expect_parse("05 DEC 2024", "%d %h %Y", "2024-12-05");
	expect_parse("05 sEp 2024", "%d %b %Y", "2024-09-05");
	/* "Jan" matches and the format's space matches no space */
	expect_fail("05 Janu 2024", "%d %b %Y", 6, "expected 4 digits for the year");
	expect_fail("05 Jnn 2024", "%d %b %Y", 3, "expected a month abbreviation");
}

static void full_month_names_and_abbreviations(void **state)
{
	(void)state;
	expect_parse("September 5, 2024", "%B %d, %Y", "2024-09-05");
	expect_parse("september 5, 2024", "%B %d, %Y", "2024-09-05");
	expect_parse("Sep 5, 2024", "%B %d, %Y", "2024-09-05");
	expect_parse("May 5, 2024", "%B %d, %Y", "2024-05-05");
	expect_parse("March 5, 2024", "%B %d, %Y", "2024-03-05");
	expect_fail("Mrach 5, 2024", "%B %d, %Y", 0, "expected a month name");
}

static void weekday_names_are_read_and_ignored(void **state)
{
	(void)state;
	expect_parse("Tue, 05 Mar 2024", "%a, %d %b %Y", "2024-03-05");
	/* the weekday is not checked against the date */
	expect_parse("Mon, 05 Mar 2024", "%a, %d %b %Y", "2024-03-05");
	expect_parse("Tuesday 05 Mar 2024", "%A %d %b %Y", "2024-03-05");
	expect_parse("TUE 05 Mar 2024", "%A %d %b %Y", "2024-03-05");
	expect_fail("Tux, 05 Mar 2024", "%a, %d %b %Y", 0,
		    "expected a weekday abbreviation");
	expect_fail("Tusday 05 Mar 2024", "%A %d %b %Y", 0,
		    "expected a weekday name");
	expect_fail("Tuesdai 05 Mar 2024", "%A %d %b %Y", 3,
		    "expected a number for the day");
}

static void hours_minutes_seconds(void **state)
{
	(void)state;
	expect_parse("2024-01-05 7:5:3", "%F %H:%M:%S", "2024-01-05T07:05:03Z");
	expect_parse("2024-01-05 10:30", "%F %H:%M", "2024-01-05T10:30:00Z");
	expect_parse("2024-01-05 10", "%F %H", "2024-01-05T10:00:00Z");
	expect_fail("2024-01-05 10:", "%F %H:%M", 14, "expected a number for the minute");
	expect_fail("2024-01-05 10", "%F %H:%M", 13, "expected ':' but the value ends");
}

static void fraction_digits_are_ignored(void **state)
{
	(void)state;
	expect_parse("2024-01-05 10:30:15.5", "%F %T.%f", "2024-01-05T10:30:15Z");
	expect_parse("2024-01-05 10:30:15.123456789", "%F %T.%f", "2024-01-05T10:30:15Z");
	expect_fail("2024-01-05 10:30:15.1234567890", "%F %T.%f", 29,
		    "unexpected text after the date");
	expect_fail("2024-01-05 10:30:15.", "%F %T.%f", 20,
		    "expected a number for the fraction");
}

static void twelve_hour_clock_with_am_pm(void **state)
{
	(void)state;
	expect_parse("2024-01-01 12:30 AM", "%F %I:%M %p", "2024-01-01T00:30:00Z");
	expect_parse("2024-01-01 12:30 PM", "%F %I:%M %p", "2024-01-01T12:30:00Z");
	expect_parse("2024-01-01 1:05 am", "%F %I:%M %p", "2024-01-01T01:05:00Z");
	expect_parse("2024-01-01 11:59 pm", "%F %I:%M %p", "2024-01-01T23:59:00Z");
	expect_parse("2024-01-01 3PM", "%F %I%p", "2024-01-01T15:00:00Z");
	expect_fail("2024-01-01 13:00 PM", "%F %I:%M %p", 11, "hour 13 is out of range 1-12");
	expect_fail("2024-01-01 0:00 PM", "%F %I:%M %p", 11, "hour 0 is out of range 1-12");
	expect_fail("2024-01-01 1:00 XM", "%F %I:%M %p", 16, "expected AM or PM");
}

static void numeric_offsets_are_applied(void **state)
{
	struct datetime dt;

	(void)state;
	expect_parse("2024-01-05T10:30:15+02:00", "%FT%T%z", "2024-01-05T08:30:15Z");
	expect_parse("2024-01-05T10:30:15+0200", "%FT%T%z", "2024-01-05T08:30:15Z");
	expect_parse("2024-01-05T10:30:15+02", "%FT%T%z", "2024-01-05T08:30:15Z");
	expect_parse("2024-01-05T10:00:00-05:30", "%FT%T%z", "2024-01-05T15:30:00Z");
	expect_parse("2024-01-05T10:00:00Z", "%FT%T%z", "2024-01-05T10:00:00Z");
	expect_parse("2024-01-05T10:00:00z", "%FT%T%z", "2024-01-05T10:00:00Z");
	expect_parse("2024-01-01T00:30+01:00", "%FT%H:%M%z", "2023-12-31T23:30:00Z");
	expect_parse("9999-12-31T23:00-02:00", "%FT%H:%M%z", "10000-01-01T01:00:00Z");
	dt = parse_ok("2024-01-05T10:00:00-05:30", "%FT%T%z");
	assert_int_equal(dt.has_offset, 1);
	assert_int_equal(dt.offset_minutes, -330);
	assert_int_equal(dt.secs, 1704468600);
	expect_fail("2024-01-05T10:00:00+24:00", "%FT%T%z", 20,
		    "offset hour 24 is out of range 0-23");
	expect_fail("2024-01-05T10:00:00+01:60", "%FT%T%z", 23,
		    "offset minute 60 is out of range 0-59");
	expect_fail("2024-01-05T10:00:00+1", "%FT%T%z", 20,
		    "expected 2 digits for the offset hour");
	expect_fail("2024-01-05T10:00:00+01:", "%FT%T%z", 23,
		    "expected 2 digits for the offset minute");
	expect_fail("2024-01-05T10:00:00 CET", "%FT%T %z", 20,
		    "expected an offset (Z, +hh:mm or +hhmm)");
}

static void zone_names_mean_utc(void **state)
{
	struct datetime dt;

	(void)state;
	expect_parse("2024-03-05 13:04:05 GMT", "%F %T %Z", "2024-03-05T13:04:05Z");
	expect_parse("2024-03-05 13:04:05 utc", "%F %T %Z", "2024-03-05T13:04:05Z");
	expect_parse("2024-03-05 13:04:05 Z", "%F %T %Z", "2024-03-05T13:04:05Z");
	dt = parse_ok("2024-03-05 13:04:05 UTC", "%F %T %Z");
	assert_int_equal(dt.has_offset, 1);
	assert_int_equal(dt.offset_minutes, 0);
	expect_fail("2024-03-05 13:04:05 CET", "%F %T %Z", 20, "expected UTC, GMT or Z");
}

static void epoch_seconds_may_be_negative(void **state)
{
	struct datetime dt;

	(void)state;
	expect_parse("0", "%s", "1970-01-01T00:00:00Z");
	expect_parse("1700000000", "%s", "2023-11-14T22:13:20Z");
	expect_parse("-1", "%s", "1969-12-31T23:59:59Z");
	expect_parse("1700000000.250", "%s.%f", "2023-11-14T22:13:20Z");
	expect_parse("-62135596800", "%s", "0001-01-01T00:00:00Z");
	expect_parse("253402300799", "%s", "9999-12-31T23:59:59Z");
	dt = parse_ok("1700000000", "%s");
	assert_int_equal(dt.secs, 1700000000);
	assert_int_equal(dt.has_time, 1);
	assert_int_equal(dt.has_offset, 1);
	expect_fail("-", "%s", 1, "expected a number for the Unix time");
	expect_fail("+5", "%s", 0, "expected a number for the Unix time");
}

static void t_and_f_are_shorthands(void **state)
{
	(void)state;
	expect_parse("2024-01-05", "%F", "2024-01-05");
	expect_parse("2024-1-5", "%F", "2024-01-05");
	expect_parse("2024-01-05 10:30:15", "%F %T", "2024-01-05T10:30:15Z");
	expect_fail("2024-01-05 10:30", "%F %T", 16, "expected ':' but the value ends");
}

static void percent_percent_is_a_literal(void **state)
{
	(void)state;
	expect_parse("100% 2024", "100%% %Y", "2024-01-01");
	expect_fail("100 2024", "100%% %Y", 3, "expected '%'");
}

static void format_whitespace_matches_any_run_of_whitespace(void **state)
{
	(void)state;
	expect_parse("2024 01 05", "%Y %m %d", "2024-01-05");
	expect_parse("202401 05", "%Y%m %d", "2024-01-05");
	expect_parse("2024\t \n01  05", "%Y %m %d", "2024-01-05");
	expect_parse("20240105", "%Y %m %d", "2024-01-05");
	expect_fail("2024 01 05 ", "%Y %m %d", 10, "unexpected text after the date");
	expect_parse("2024 01 05 ", "%Y %m %d ", "2024-01-05");
}

static void literals_must_match_exactly(void **state)
{
	(void)state;
	expect_fail("2024/01/05", "%Y-%m-%d", 4, "expected '-'");
	expect_fail("2024-01-05", "%Y-%m-%dT", 10, "expected 'T' but the value ends");
	expect_fail("", "%Y", 0, "expected 4 digits for the year");
}

static void missing_fields_default_to_the_start(void **state)
{
	struct datetime dt;

	(void)state;
	expect_parse("2024", "%Y", "2024-01-01");
	expect_parse("2024-03", "%Y-%m", "2024-03-01");
	dt = parse_ok("2024-03-05", "%F");
	assert_int_equal(dt.has_time, 0);
	assert_int_equal(dt.has_offset, 0);
	assert_int_equal(dt.secs, civil_to_days(2024, 3, 5) * 86400);
	dt = parse_ok("2024-03-05 10", "%F %H");
	assert_int_equal(dt.has_time, 1);
}

/* --- iso8601 ----------------------------------------------------------- */

static void iso8601_accepts_its_forms(void **state)
{
	(void)state;
	expect_parse("2024-01-05", "iso8601", "2024-01-05");
	expect_parse("2024-01-05T10:30", "iso8601", "2024-01-05T10:30:00Z");
	expect_parse("2024-01-05T10:30:15", "iso8601", "2024-01-05T10:30:15Z");
	expect_parse("2024-01-05t10:30:15", "iso8601", "2024-01-05T10:30:15Z");
	expect_parse("2024-01-05 10:30:15", "iso8601", "2024-01-05T10:30:15Z");
	expect_parse("2024-01-05T10:30:15.123", "iso8601", "2024-01-05T10:30:15Z");
	expect_parse("2024-01-05T10:30:15,5", "iso8601", "2024-01-05T10:30:15Z");
	expect_parse("2024-01-05T10:30:15Z", "iso8601", "2024-01-05T10:30:15Z");
	expect_parse("2024-01-05T10:30Z", "iso8601", "2024-01-05T10:30:00Z");
	expect_parse("2024-01-05T10:30:15.123+02:00", "iso8601", "2024-01-05T08:30:15Z");
	expect_parse("2024-01-05T10:30:15-0130", "iso8601", "2024-01-05T12:00:15Z");
	expect_parse("2024-01-05T10:30+05", "iso8601", "2024-01-05T05:30:00Z");
}

static void iso8601_rejects_other_shapes(void **state)
{
	(void)state;
	expect_fail("2024-1-05", "iso8601", 5, "expected 2 digits for the month");
	expect_fail("2024-01-5", "iso8601", 8, "expected 2 digits for the day");
	expect_fail("20240105", "iso8601", 4, "expected '-'");
	expect_fail("2024-01-05Z", "iso8601", 10, "unexpected text after the date");
	expect_fail("2024-01-05+01:00", "iso8601", 10, "unexpected text after the date");
	expect_fail("2024-01-05T", "iso8601", 11, "expected 2 digits for the hour");
	expect_fail("2024-01-05T10", "iso8601", 13, "expected ':' but the value ends");
	expect_fail("2024-01-05T10:30:15.", "iso8601", 20, "expected a number for the fraction");
	expect_fail("2024-01-05T10:30.5", "iso8601", 16, "unexpected text after the date");
	expect_fail("2024-01-05T10:30:15 ", "iso8601", 19, "unexpected text after the date");
	expect_fail(" 2024-01-05", "iso8601", 0, "expected 4 digits for the year");
	expect_fail("2024-01-05x", "iso8601", 10, "unexpected text after the date");
}

static void iso8601_offset_can_cross_the_year(void **state)
{
	(void)state;
	expect_parse("2024-01-01T00:30+01:00", "iso8601", "2023-12-31T23:30:00Z");
	expect_parse("2023-12-31T23:30-01:00", "iso8601", "2024-01-01T00:30:00Z");
	expect_parse("0001-01-01T00:00+01:00", "iso8601", "0000-12-31T23:00:00Z");
}

static void parse_reads_only_len_bytes(void **state)
{
	struct datetime dt;
	const char text[] = "2024-01-05T10:00 and more";
	const char nul[] = "2024-01-05\0junk";

	(void)state;
	assert_int_equal(datetime_parse(text, 10, "iso8601", &dt, NULL), 0);
	assert_int_equal(dt.has_time, 0);
	assert_int_equal(datetime_parse(text, 16, "iso8601", &dt, NULL), 0);
	assert_int_equal(dt.has_time, 1);
	assert_int_equal(datetime_parse(nul, sizeof(nul) - 1, "iso8601", &dt, NULL), -1);
	assert_int_equal(datetime_parse(nul, 10, "%F", &dt, NULL), 0);
}

static void parse_fails_on_a_bad_format(void **state)
{
	struct datetime dt;
	struct buf why = BUF_INIT;
	size_t pos = 99;

	(void)state;
	assert_int_equal(datetime_parse_explain("2024", 4, "%Y %Q", &dt, &pos, &why), -1);
	assert_int_equal(pos, 0);
	assert_string_equal(why.data, "unknown conversion '%Q'");
	buf_release(&why);
	assert_int_equal(datetime_parse("10:00", 5, "%H:%M", &dt, NULL), -1);
}

/* "YYYY-MM-DD" under "%Y-%m-%d", "%F" and ISO 8601 takes a short cut past
 * the general parser: it must agree with the general parser (here reached
 * through "%Y-%m-%e", which reads two-digit days the same way) on every
 * value, valid or not. */
static void plain_dates_agree_with_the_general_parser(void **state)
{
	static const char *years[] = { "0000", "0001", "1900", "1999", "2000",
				       "2024", "2026", "9999", "20x6", "-202" };
	static const char *fmts[] = { "%Y-%m-%d", "%F", "iso8601" };
	char s[16];
	struct datetime a, b;

	(void)state;
	for (size_t y = 0; y < sizeof(years) / sizeof(*years); y++)
		for (int m = -1; m <= 13; m++)
			for (int d = -1; d <= 32; d++)
				for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
					int ra, rb;

					snprintf(s, sizeof(s), "%s-%02d-%02d", years[y],
						 m < 0 ? 0 : m, d < 0 ? 0 : d);
					if (m < 0)
						s[5] = 'a';
					if (d < 0)
						s[9] = ' ';
					ra = datetime_parse(s, strlen(s), fmts[f], &a, NULL);
					rb = datetime_parse(s, strlen(s), "%Y-%m-%e", &b, NULL);
					assert_int_equal(ra, rb);
					if (ra)
						continue;
					assert_int_equal(a.secs, b.secs);
					assert_int_equal(a.has_time, b.has_time);
					assert_int_equal(a.has_offset, b.has_offset);
					assert_int_equal(a.offset_minutes, b.offset_minutes);
				}
}

/* --- format checking --------------------------------------------------- */

static void expect_format_error(const char *format, size_t err_pos,
				const char *reason)
{
	struct buf why = BUF_INIT;
	size_t pos = 999;

	if (!datetime_format_check(format, &pos, &why))
		fail_msg("format '%s' accepted", format);
	if (pos != err_pos || strcmp(why.data, reason))
		fail_msg("format '%s': \"%s\" at %zu, expected \"%s\" at %zu",
			 format, why.data, pos, reason, err_pos);
	buf_release(&why);
}

static void accepts_usable_formats(void **state)
{
	static const char *const ok[] = {
		"%Y-%m-%d", "%d/%m/%y", "%b %e %Y", "%B %d, %Y", "%F", "%F %T",
		"%s", "%s.%f", "iso8601", "%Y-%j", "%a, %d %b %Y %T %Z",
		"%FT%T%z", "%F %I:%M %p", "100%% %Y", "%Y",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct buf why = BUF_INIT;

		if (datetime_format_check(ok[i], NULL, &why))
			fail_msg("format '%s' rejected: %s", ok[i], why.data);
		buf_release(&why);
	}
}

static void format_check_names_the_bad_conversion(void **state)
{
	(void)state;
	expect_format_error("%Y-%m-%Q", 6, "unknown conversion '%Q'");
	expect_format_error("%Y %E", 3, "unknown conversion '%E'");
	expect_format_error("%Y %", 3, "format ends with a lone '%'");
	expect_format_error("%Y% ", 2, "unknown conversion '%\\x20'");
	expect_format_error("%Y%\x01", 2, "unknown conversion '%\\x01'");
	expect_format_error("%m/%d", 0, "format has no year (%Y, %y, %s or %F)");
	expect_format_error("%H:%M", 0, "format has no year (%Y, %y, %s or %F)");
	expect_format_error("%%Y", 0, "format has no year (%Y, %y, %s or %F)");
	expect_format_error("", 0, "format has no year (%Y, %y, %s or %F)");
	expect_format_error("ISO8601", 0, "format has no year (%Y, %y, %s or %F)");
	expect_format_error("%s %H", 3, "%s cannot be combined with other date or time conversions");
	expect_format_error("%Y %s", 0, "%s cannot be combined with other date or time conversions");
	expect_format_error("%F %I:%M", 3, "%I needs %p (AM or PM)");
	expect_format_error("%F %H %p", 6, "%p needs %I (a 12-hour clock)");
	expect_format_error("%F%z", 2, "an offset (%z or %Z) needs a time of day");
	expect_format_error("%F %Z", 3, "an offset (%z or %Z) needs a time of day");
}

static void format_lists_are_checked_piece_by_piece(void **state)
{
	struct buf why = BUF_INIT;
	size_t pos = 999;

	(void)state;
	assert_int_equal(datetime_formats_check("%d/%m/%Y|%b %d %Y|iso8601", &pos, &why), 0);
	assert_int_equal(datetime_formats_check("%d/%m/%Y|%b %Q %Y", &pos, &why), -1);
	assert_int_equal(pos, 12);
	assert_string_equal(why.data, "unknown conversion '%Q'");
	buf_reset(&why);
	assert_int_equal(datetime_formats_check("%F||%s", &pos, &why), -1);
	assert_int_equal(pos, 3);
	assert_string_equal(why.data, "empty format in the list");
	buf_reset(&why);
	assert_int_equal(datetime_formats_check("%F|%m/%d", &pos, &why), -1);
	assert_int_equal(pos, 3);
	assert_string_equal(why.data, "format has no year (%Y, %y, %s or %F)");
	assert_int_equal(datetime_formats_check("%F|", NULL, NULL), -1);
	buf_release(&why);
}

/* --- several formats ---------------------------------------------------- */

static void expect_parse_any(const char *value, const char *formats, const char *want)
{
	struct datetime dt;
	struct buf out = BUF_INIT;

	if (date_parse_any(value, strlen(value), formats, &dt))
		fail_msg("'%s' matched none of '%s'", value, formats);
	datetime_format_iso(&dt, &out);
	assert_string_equal(out.data, want);
	buf_release(&out);
}

static void first_matching_format_wins(void **state)
{
	struct datetime dt;

	(void)state;
	expect_parse_any("03/04/2024", "%m/%d/%Y|%d/%m/%Y", "2024-03-04");
	expect_parse_any("03/04/2024", "%d/%m/%Y|%m/%d/%Y", "2024-04-03");
	/* day 13 cannot be a month, so the second format is used */
	expect_parse_any("12/13/2024", "%d/%m/%Y|%m/%d/%Y", "2024-12-13");
	expect_parse_any("Jan 5 2024", "%d/%m/%Y|%b %d %Y|iso8601", "2024-01-05");
	expect_parse_any("2024-01-05T10:00Z", "%d/%m/%Y|%b %d %Y|iso8601", "2024-01-05T10:00:00Z");
	expect_parse_any("2024-01-05", "iso8601", "2024-01-05");
	expect_parse_any("2024-01-05", "||%F|", "2024-01-05");
	assert_int_equal(date_parse_any("5 Jan", 5, "%d/%m/%Y|iso8601", &dt), -1);
	assert_int_equal(date_parse_any("2024", 4, "", &dt), -1);
	assert_int_equal(date_parse_any("2024", 4, "%Q|%Y", &dt), 0);
}

/* --- printing ----------------------------------------------------------- */

static void formats_dates_and_times_in_iso(void **state)
{
	struct datetime dt = { 0, 0, 0, 0 };
	struct buf out = BUF_INIT;

	(void)state;
	datetime_format_iso(&dt, &out);
	assert_string_equal(out.data, "1970-01-01");
	buf_reset(&out);
	dt.has_time = 1;
	dt.secs = -1;
	datetime_format_iso(&dt, &out);
	assert_string_equal(out.data, "1969-12-31T23:59:59Z");
	buf_reset(&out);
	dt.secs = 1704450615;
	datetime_format_iso(&dt, &out);
	assert_string_equal(out.data, "2024-01-05T10:30:15Z");
	buf_reset(&out);
	dt.secs = -62135596800;
	datetime_format_iso(&dt, &out);
	assert_string_equal(out.data, "0001-01-01T00:00:00Z");
	buf_reset(&out);
	days_format(19782, &out);
	assert_string_equal(out.data, "2024-02-29");
	buf_reset(&out);
	buf_addstr(&out, "on ");
	days_format(-719162, &out);
	assert_string_equal(out.data, "on 0001-01-01");
	buf_release(&out);
}

/* Days written by hand (years 0 to 9999) read as printf writes them,
 * every day of 1850 to 2150 and every 97th day around: before year 0,
 * through the four-digit years and past year 9999. */
static void days_format_writes_what_printf_writes(void **state)
{
	struct buf out = BUF_INIT;
	char want[64];

	(void)state;
	for (int64_t days = -800000; days < 3100000;
	     days += days > -43830 && days < 65745 ? 1 : 97) {
		int64_t y;
		int m, d;

		days_to_civil(days, &y, &m, &d);
		snprintf(want, sizeof(want), "%04" PRId64 "-%02d-%02d", y, m, d);
		buf_reset(&out);
		days_format(days, &out);
		assert_string_equal(out.data, want);
	}
	buf_release(&out);
}

static void iso_output_parses_back_to_the_same_instant(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	for (int64_t secs = -62135596800; secs < 253402300799; secs += 987654321) {
		struct datetime dt = { secs, 1, 0, 0 }, back;

		buf_reset(&out);
		datetime_format_iso(&dt, &out);
		assert_int_equal(datetime_parse(out.data, out.len, "iso8601", &back, NULL), 0);
		assert_int_equal(back.secs, secs);
	}
	buf_release(&out);
}

/* --- memory ------------------------------------------------------------ */

static void parsing_allocates_nothing(void **state)
{
	struct datetime dt;

	(void)state;
	alloc_fail_after(-1);	/* resets the counter */
	assert_int_equal(date_parse_any("Jan 5 2024", 10, "%d/%m/%Y|%b %d %Y", &dt), 0);
	assert_int_equal(datetime_parse("2024-01-05T10:00Z", 17, "iso8601", &dt, NULL), 0);
	assert_int_equal(datetime_parse("2024-02-30", 10, "%F", &dt, NULL), -1);
	assert_int_equal(alloc_count(), 0);
}

static void failure_is_reported_when_the_reason_cannot_be_stored(void **state)
{
	struct datetime dt;
	struct buf why = BUF_INIT;
	size_t pos = 0;

	(void)state;
	alloc_fail_after(0);
	assert_int_equal(datetime_parse_explain("2024-02-30", 10, "%F", &dt, &pos, &why), -1);
	assert_int_equal(datetime_format_check("%Q", &pos, &why), -1);
	alloc_fail_after(-1);
	assert_int_equal(pos, 0);
	assert_int_equal(buf_error(&why), ST_ERR_NOMEM);
	buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(civil_to_days_counts_from_1970),
		cmocka_unit_test(days_to_civil_inverts_civil_to_days),
		cmocka_unit_test(days_to_civil_is_consecutive),
		cmocka_unit_test(leap_years_follow_gregorian_rules),
		cmocka_unit_test(days_in_month_knows_each_month),
		cmocka_unit_test(civil_valid_rejects_impossible_dates),
		cmocka_unit_test(day_of_week_starts_on_sunday),
		cmocka_unit_test(floor_division_rounds_down),
		cmocka_unit_test(accepts_february_29_in_leap_years),
		cmocka_unit_test(rejects_february_29_in_non_leap_year),
		cmocka_unit_test(rejects_days_past_the_month_end),
		cmocka_unit_test(rejects_month_13_and_month_0),
		cmocka_unit_test(rejects_hour_24_minute_60_second_60),
		cmocka_unit_test(rejects_years_outside_1_to_9999),
		cmocka_unit_test(year_needs_exactly_four_digits),
		cmocka_unit_test(two_digit_years_pivot_at_69),
		cmocka_unit_test(month_and_day_take_one_or_two_digits),
		cmocka_unit_test(e_allows_leading_spaces),
		cmocka_unit_test(day_of_year_counts_from_january_1),
		cmocka_unit_test(month_abbreviations_any_case),
		cmocka_unit_test(full_month_names_and_abbreviations),
		cmocka_unit_test(weekday_names_are_read_and_ignored),
		cmocka_unit_test(hours_minutes_seconds),
		cmocka_unit_test(fraction_digits_are_ignored),
		cmocka_unit_test(twelve_hour_clock_with_am_pm),
		cmocka_unit_test(numeric_offsets_are_applied),
		cmocka_unit_test(zone_names_mean_utc),
		cmocka_unit_test(epoch_seconds_may_be_negative),
		cmocka_unit_test(t_and_f_are_shorthands),
		cmocka_unit_test(percent_percent_is_a_literal),
		cmocka_unit_test(format_whitespace_matches_any_run_of_whitespace),
		cmocka_unit_test(literals_must_match_exactly),
		cmocka_unit_test(missing_fields_default_to_the_start),
		cmocka_unit_test(iso8601_accepts_its_forms),
		cmocka_unit_test(iso8601_rejects_other_shapes),
		cmocka_unit_test(plain_dates_agree_with_the_general_parser),
		cmocka_unit_test(iso8601_offset_can_cross_the_year),
		cmocka_unit_test(parse_reads_only_len_bytes),
		cmocka_unit_test(parse_fails_on_a_bad_format),
		cmocka_unit_test(days_format_writes_what_printf_writes),
		cmocka_unit_test(accepts_usable_formats),
		cmocka_unit_test(format_check_names_the_bad_conversion),
		cmocka_unit_test(format_lists_are_checked_piece_by_piece),
		cmocka_unit_test(first_matching_format_wins),
		cmocka_unit_test(formats_dates_and_times_in_iso),
		cmocka_unit_test(iso_output_parses_back_to_the_same_instant),
		cmocka_unit_test(parsing_allocates_nothing),
		cmocka_unit_test(failure_is_reported_when_the_reason_cannot_be_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
