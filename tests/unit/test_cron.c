/*
 * test_cron.c - cron expressions: parsing, errors, next run, descriptions.
 *
 * The next-run cases are tables of (expression, start, expected runs); the
 * expected times were checked against an independent minute-by-minute
 * implementation of Vixie cron.  A brute-force cross-check below also
 * compares cron_next with cron_matches minute by minute.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/cron.h"
#include "util/datetime.h"

/* Naive civil seconds for "YYYY-MM-DDTHH:MM[:SS]". */
static int64_t at(const char *s)
{
	struct datetime dt;

	assert_int_equal(datetime_parse(s, strlen(s), "iso8601", &dt, NULL), 0);
	return dt.secs;
}

static struct cron parse_ok(const char *expr)
{
	struct cron c;
	struct buf why = BUF_INIT;

	if (cron_parse(expr, &c, NULL, &why))
		fail_msg("'%s' did not parse: %s", expr, why.data);
	buf_release(&why);
	return c;
}

static void assert_cron_equal(const struct cron *a, const struct cron *b)
{
	assert_int_equal(a->minutes, b->minutes);
	assert_int_equal(a->hours, b->hours);
	assert_int_equal(a->mdays, b->mdays);
	assert_int_equal(a->months, b->months);
	assert_int_equal(a->wdays, b->wdays);
	assert_int_equal(a->mday_star, b->mday_star);
	assert_int_equal(a->wday_star, b->wday_star);
}

/* --- next run tables --------------------------------------------------- */

struct next_case {
	const char *expr;
	const char *after;
	const char *runs[4];	/* NULL-terminated; "never" for -1 */
};

static void run_next_cases(const struct next_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct cron c = parse_ok(cases[i].expr);
		int64_t t = at(cases[i].after), next;

		for (size_t k = 0; k < 4 && cases[i].runs[k]; k++) {
			const char *want = cases[i].runs[k];
			int rc = cron_next(&c, t, &next);

			if (!strcmp(want, "never")) {
				if (rc != -1)
					fail_msg("'%s' after %s: fired, expected never",
						 cases[i].expr, cases[i].after);
				break;
			}
			if (rc != 0 || next != at(want))
				fail_msg("'%s' after %s: run %zu is %" PRId64
					 " (rc %d), expected %s", cases[i].expr,
					 cases[i].after, k + 1, next, rc, want);
			assert_true(cron_matches(&c, next));
			t = next;
		}
	}
}

static void next_is_strictly_after_start(void **state)
{
	static const struct next_case cases[] = {
		{ "0 * * * *", "2025-03-15T10:00", { "2025-03-15T11:00", "2025-03-15T12:00" } },
		{ "* * * * *", "2025-03-15T10:00:30", { "2025-03-15T10:01", "2025-03-15T10:02" } },
		{ "* * * * *", "2025-03-15T10:00:59", { "2025-03-15T10:01" } },
		{ "@hourly", "2025-03-15T10:59:59", { "2025-03-15T11:00", "2025-03-15T12:00" } },
		{ "@weekly", "2025-03-16T00:00", { "2025-03-23T00:00", "2025-03-30T00:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void next_crosses_day_month_and_year_ends(void **state)
{
	static const struct next_case cases[] = {
		{ "*/15 * * * *", "2025-12-31T23:50", { "2026-01-01T00:00", "2026-01-01T00:15" } },
		{ "59 23 31 12 *", "2025-12-31T23:59", { "2026-12-31T23:59", "2027-12-31T23:59" } },
		{ "0 6 1 * *", "2025-03-15T10:07", { "2025-04-01T06:00", "2025-05-01T06:00", "2025-06-01T06:00" } },
		{ "15 14 1 * *", "2025-01-31T14:15", { "2025-02-01T14:15", "2025-03-01T14:15" } },
		{ "@monthly", "2025-12-15T00:00", { "2026-01-01T00:00", "2026-02-01T00:00" } },
		{ "@yearly", "2025-06-01T00:00", { "2026-01-01T00:00", "2027-01-01T00:00" } },
		{ "0 0 1 1 *", "2025-01-01T00:00", { "2026-01-01T00:00" } },
		{ "0 22 * * 1-5", "2025-03-14T22:00", { "2025-03-17T22:00", "2025-03-18T22:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void day_31_skips_short_months(void **state)
{
	static const struct next_case cases[] = {
		{ "0 0 31 * *", "2025-01-31T00:00", { "2025-03-31T00:00", "2025-05-31T00:00", "2025-07-31T00:00" } },
		{ "0 0 28-29 2 *", "2024-02-27T00:00", { "2024-02-28T00:00", "2024-02-29T00:00", "2025-02-28T00:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void february_29_fires_only_in_leap_years(void **state)
{
	static const struct next_case cases[] = {
		{ "0 0 29 2 *", "2025-01-01T00:00", { "2028-02-29T00:00", "2032-02-29T00:00", "2036-02-29T00:00" } },
		/* 2100 is not a leap year: an eight-year gap. */
		{ "0 0 29 2 *", "2096-03-01T00:00", { "2104-02-29T00:00", "2108-02-29T00:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void impossible_dates_never_fire(void **state)
{
	static const struct next_case cases[] = {
		{ "0 0 30 2 *", "2025-01-01T00:00", { "never" } },
		{ "0 0 31 4,6,9,11 *", "2025-01-01T00:00", { "never" } },
		{ "0 0 31 2 *", "2024-01-01T00:00", { "never" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void restricted_dom_and_dow_match_either(void **state)
{
	static const struct next_case cases[] = {
		/* the 13th, or any Friday */
		{ "0 0 13 * 5", "2025-04-05T00:00", { "2025-04-11T00:00", "2025-04-13T00:00", "2025-04-18T00:00" } },
		{ "0 0 1-7 * 1", "2025-03-05T00:00", { "2025-03-06T00:00", "2025-03-07T00:00", "2025-03-10T00:00" } },
		/* Feb 29, or any Monday in February */
		{ "0 0 29 2 1", "2025-01-01T00:00", { "2025-02-03T00:00", "2025-02-10T00:00", "2025-02-17T00:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void star_step_field_counts_as_unrestricted(void **state)
{
	static const struct next_case cases[] = {
		/* Vixie: "*\/2" begins with '*', so odd days AND Mondays */
		{ "0 0 */2 * 1", "2025-03-01T00:00", { "2025-03-03T00:00", "2025-03-17T00:00", "2025-03-31T00:00" } },
		/* the 1st, when it is a Sunday, Tuesday, Thursday or Saturday */
		{ "0 0 1 * */2", "2025-03-15T00:00", { "2025-04-01T00:00", "2025-05-01T00:00", "2025-06-01T00:00" } },
		/* Mondays in January and July only */
		{ "0 12 * jan,jul mon", "2025-02-01T00:00", { "2025-07-07T12:00", "2025-07-14T12:00", "2025-07-21T12:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void steps_ranges_and_lists(void **state)
{
	static const struct next_case cases[] = {
		{ "5-50/15 * * * *", "2025-03-15T10:36", { "2025-03-15T10:50", "2025-03-15T11:05", "2025-03-15T11:20" } },
		{ "10/20 * * * *", "2025-03-15T10:36", { "2025-03-15T10:50", "2025-03-15T11:10", "2025-03-15T11:30" } },
		{ "0 9-17/4 * * *", "2025-03-15T10:00", { "2025-03-15T13:00", "2025-03-15T17:00", "2025-03-16T09:00" } },
		{ "0 0 * * 1-5/2", "2025-03-15T00:00", { "2025-03-17T00:00", "2025-03-19T00:00", "2025-03-21T00:00" } },
		{ "0 0 1 */3 *", "2025-02-10T00:00", { "2025-04-01T00:00", "2025-07-01T00:00", "2025-10-01T00:00" } },
		{ "0,30 8 * * SAT,SUN", "2025-03-15T08:10", { "2025-03-15T08:30", "2025-03-16T08:00", "2025-03-16T08:30" } },
		{ "30 2 * * 1,5", "2025-03-15T00:00", { "2025-03-17T02:30", "2025-03-21T02:30", "2025-03-24T02:30" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void names_and_seven_mean_sunday(void **state)
{
	static const struct next_case cases[] = {
		{ "0 0 * * 7", "2025-03-15T00:00", { "2025-03-16T00:00", "2025-03-23T00:00" } },
		{ "0 0 * * sun", "2025-03-15T00:00", { "2025-03-16T00:00", "2025-03-23T00:00" } },
		{ "0 0 * * 5-7", "2025-03-13T00:00", { "2025-03-14T00:00", "2025-03-15T00:00", "2025-03-16T00:00", "2025-03-21T00:00" } },
		{ "0 0 1 JAN-MAR/2 *", "2025-02-01T00:00", { "2025-03-01T00:00", "2026-01-01T00:00", "2026-03-01T00:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void next_works_before_1970(void **state)
{
	static const struct next_case cases[] = {
		{ "* * * * *", "1969-12-31T23:59:30", { "1970-01-01T00:00", "1970-01-01T00:01" } },
		{ "0 0 29 2 *", "1899-01-01T00:00", { "1904-02-29T00:00" } },
	};

	(void)state;
	run_next_cases(cases, ARRAY_SIZE(cases));
}

static void next_rejects_times_beyond_the_limit(void **state)
{
	struct cron c = parse_ok("* * * * *");
	int64_t next = 42;

	(void)state;
	assert_int_equal(cron_next(&c, CRON_TIME_LIMIT + 1, &next), -1);
	assert_int_equal(cron_next(&c, INT64_MIN, &next), -1);
	assert_int_equal(cron_next(&c, INT64_MAX, &next), -1);
	assert_int_equal(next, 42);
	assert_int_equal(cron_next(&c, CRON_TIME_LIMIT - 60, &next), 0);
}

static void empty_bitsets_never_fire(void **state)
{
	struct cron c;
	int64_t next;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(cron_next(&c, 0, &next), -1);
}

/* Compare cron_next with a minute-by-minute scan using cron_matches. */
static void next_agrees_with_brute_force(void **state)
{
	static const char *const exprs[] = {
		"*/7 */5 * * *", "0 0 13 * 5", "0 0 */2 * 1", "17 3,15 1-10 * MON-WED",
		"*/10 * 31 * *", "0 0 * 2 *", "5 4 */3 */2 0,6", "0 12 29 2 *",
		"@daily", "30 23 * * 1-5", "0 0 1,15 * 1",
	};
	int64_t start = at("2024-01-27T21:13"), end = start + 40 * 86400;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(exprs); i++) {
		struct cron c = parse_ok(exprs[i]);
		int64_t t = start, want = start + 60, got;

		for (;;) {
			while (want < end && !cron_matches(&c, want))
				want += 60;
			assert_int_equal(cron_next(&c, t, &got), 0);
			if (want >= end) {
				assert_true(got >= end);
				break;
			}
			if (got != want)
				fail_msg("'%s' after %" PRId64 ": %" PRId64 " != %" PRId64,
					 exprs[i], t, got, want);
			t = got;
			want = got + 60;
		}
	}
}

static void matches_checks_every_field(void **state)
{
	struct cron c = parse_ok("30 2 * * 1");

	(void)state;
	assert_true(cron_matches(&c, at("2025-03-17T02:30")));
	assert_true(cron_matches(&c, at("2025-03-17T02:30:59")));
	assert_false(cron_matches(&c, at("2025-03-17T02:31")));
	assert_false(cron_matches(&c, at("2025-03-17T03:30")));
	assert_false(cron_matches(&c, at("2025-03-18T02:30")));
}

/* --- parsing ----------------------------------------------------------- */

static void parses_fields_into_bitsets(void **state)
{
	struct cron c = parse_ok("0,30 9-17/4 1,15 jan-mar 1-5");

	(void)state;
	assert_int_equal(c.minutes, (UINT64_C(1) << 0) | (UINT64_C(1) << 30));
	assert_int_equal(c.hours, (1u << 9) | (1u << 13) | (1u << 17));
	assert_int_equal(c.mdays, (1u << 1) | (1u << 15));
	assert_int_equal(c.months, (1u << 1) | (1u << 2) | (1u << 3));
	assert_int_equal(c.wdays, 0x3e);
	assert_false(c.mday_star);
	assert_false(c.wday_star);
}

static void star_fields_set_star_flags(void **state)
{
	struct cron c = parse_ok("* * * * *");

	(void)state;
	assert_int_equal(c.minutes, (UINT64_C(1) << 60) - 1);
	assert_int_equal(c.hours, (1u << 24) - 1);
	assert_int_equal(c.mdays, 0xfffffffeu);
	assert_int_equal(c.months, 0x1ffe);
	assert_int_equal(c.wdays, 0x7f);
	assert_true(c.mday_star);
	assert_true(c.wday_star);
	c = parse_ok("0 0 */2 * 1");
	assert_true(c.mday_star);
	assert_false(c.wday_star);
}

static void seven_folds_into_sunday(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("0 0 * * 7").wdays, 1);
	assert_int_equal(parse_ok("0 0 * * 0-7").wdays, 0x7f);
	assert_int_equal(parse_ok("0 0 * * SAT-7").wdays, 0x41);
	assert_int_equal(parse_ok("0 0 * * 1/2").wdays, 0x2b);	/* 1,3,5,7 */
}

static void macros_expand_to_their_fields(void **state)
{
	static const struct {
		const char *macro, *fields;
	} cases[] = {
		{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" },
		{ "@monthly", "0 0 1 * *" }, { "@weekly", "0 0 * * 0" },
		{ "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
		{ "@hourly", "0 * * * *" }, { "  @Daily  ", "0 0 * * *" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cron a = parse_ok(cases[i].macro);
		struct cron b = parse_ok(cases[i].fields);

		assert_cron_equal(&a, &b);
	}
}

static void accepts_blanks_around_and_between_fields(void **state)
{
	struct cron a = parse_ok(" \t0  6\t1 *  *\t ");
	struct cron b = parse_ok("0 6 1 * *");

	(void)state;
	assert_cron_equal(&a, &b);
}

static void names_are_case_insensitive(void **state)
{
	struct cron a = parse_ok("0 0 * Jan,fEb,MAR mOn-fri");
	struct cron b = parse_ok("0 0 * 1-3 1-5");

	(void)state;
	assert_cron_equal(&a, &b);
}

struct bad_case {
	const char *expr;
	size_t err_pos;
	const char *why;
};

static void invalid_expressions_say_why(void **state)
{
	static const struct bad_case cases[] = {
		{ "", 0, "the cron expression is empty" },
		{ "  \t ", 4, "the cron expression is empty" },
		{ "0 0 1 1", 7, "expected 5 fields, found 4" },
		{ "0 0 1 1 * 2025", 10, "expected 5 fields, found 6" },
		{ "60 * * * *", 0, "minute: '60' is out of range 0-59" },
		{ "0 24 * * *", 2, "hour: '24' is out of range 0-23" },
		{ "0 0 32 * *", 4, "day of month: '32' is out of range 1-31" },
		{ "0 0 0 * *", 4, "day of month: '0' is out of range 1-31" },
		{ "0 0 * 13 *", 6, "month: '13' is out of range 1-12" },
		{ "0 0 * 0 *", 6, "month: '0' is out of range 1-12" },
		{ "0 0 * * 8", 8, "day of week: '8' is out of range 0-7" },
		{ "99999999999999 * * * *", 0, "minute: '99999999999999' is out of range 0-59" },
		{ "0 0 * JANX *", 6, "month: unknown name 'JANX'" },
		{ "0 0 * JANUARY *", 6, "month: unknown name 'JANUARY'" },
		{ "0 0 * * MONDAY", 8, "day of week: unknown name 'MONDAY'" },
		{ "0 0 MON * *", 4, "day of month: 'MON' is not a number" },
		{ "abc * * * *", 0, "minute: 'abc' is not a number" },
		{ "0 0 L * *", 4, "day of month: 'L' is not a number" },
		{ "*/0 * * * *", 2, "minute: step 0 is not allowed" },
		{ "1-5/0 * * * *", 4, "minute: step 0 is not allowed" },
		{ "*/61 * * * *", 2, "minute: step '61' is out of range 1-60" },
		{ "0 */25 * * *", 4, "hour: step '25' is out of range 1-24" },
		{ "0 5-2 * * *", 2, "hour: range 5-2 is backwards" },
		{ "0 0 * * FRI-MON", 8, "day of week: range FRI-MON is backwards" },
		{ "1,,2 * * * *", 2, "minute: expected a number in the list" },
		{ "1, * * * *", 2, "minute: expected a number in the list" },
		{ "1- * * * *", 2, "minute: expected a number after '-'" },
		{ "*/ * * * *", 2, "minute: expected a number after '/'" },
		{ "*/x * * * *", 2, "minute: expected a number after '/'" },
		{ "5#2 * * * *", 1, "minute: unexpected '#'" },
		{ "0 0 * * 1#2", 9, "day of week: unexpected '#'" },
		{ "? * * * *", 0, "minute: unexpected '?'" },
		{ "*-5 * * * *", 1, "minute: unexpected '-'" },
		{ "1-2-3 * * * *", 3, "minute: unexpected '-'" },
		{ "0 0 * * 1/2/3", 11, "day of week: unexpected '/'" },
		{ "\x01 * * * *", 0, "minute: unexpected byte 0x01" },
		{ "@fortnightly", 0, "unknown macro '@fortnightly'" },
		{ "@reboot", 0, "unknown macro '@reboot'" },
		{ "@", 0, "unknown macro '@'" },
		{ "@daily 0", 7, "unexpected text after '@daily'" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf why = BUF_INIT;
		struct cron c;
		size_t pos = 999;

		memset(&c, 0x5a, sizeof(c));
		if (cron_parse(cases[i].expr, &c, &pos, &why) != -1)
			fail_msg("'%s' parsed", cases[i].expr);
		if (strcmp(why.data, cases[i].why) || pos != cases[i].err_pos)
			fail_msg("'%s': got \"%s\" at %zu, expected \"%s\" at %zu",
				 cases[i].expr, why.data, pos, cases[i].why,
				 cases[i].err_pos);
		assert_int_equal(c.minutes, 0x5a5a5a5a5a5a5a5aULL);	/* untouched */
		buf_release(&why);
	}
}

static void errors_need_no_buffer_or_position(void **state)
{
	struct cron c;

	(void)state;
	assert_int_equal(cron_parse("61 * * * *", &c, NULL, NULL), -1);
	assert_int_equal(cron_parse("1 * * * *", &c, NULL, NULL), 0);
}

static void long_tokens_are_quoted_shortened(void **state)
{
	struct buf why = BUF_INIT;
	struct cron c;

	(void)state;
	assert_int_equal(cron_parse("0 0 * ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOP *",
				    &c, NULL, &why), -1);
	assert_string_equal(why.data,
			    "month: unknown name 'ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF'");
	buf_release(&why);
}

/* --- describing -------------------------------------------------------- */

static void describes_common_shapes_in_english(void **state)
{
	static const struct {
		const char *expr, *text;
	} cases[] = {
		{ "* * * * *", "every minute" },
		{ "*/15 * * * *", "every 15 minutes" },
		{ "0 * * * *", "every hour at minute 0" },
		{ "@hourly", "every hour at minute 0" },
		{ "0 */2 * * *", "every 2 hours at minute 0" },
		{ "0 6 1 * *", "at 06:00 on day 1 of every month" },
		{ "30 2 * * 1,5", "at 02:30 on Monday and Friday" },
		{ "0 6 * * *", "at 06:00 every day" },
		{ "@daily", "at 00:00 every day" },
		{ "@weekly", "at 00:00 on Sunday" },
		{ "@yearly", "at 00:00 on 1 January" },
		{ "0 6,18 * * *", "at 06:00 and 18:00 every day" },
		{ "0 0 1,15 * *", "at 00:00 on days 1 and 15 of every month" },
		{ "0 0 1 1,4,7,10 *", "at 00:00 on day 1 of January, April, July and October" },
		{ "0 9-17 * * MON-FRI", "every hour from 09:00 to 17:00 on weekdays" },
		{ "0 0 * * 0,6", "at 00:00 on Saturday and Sunday" },
		{ "0 0 * * 1,3,5", "at 00:00 on Monday, Wednesday and Friday" },
		{ "0 0 * 1 *", "at 00:00 every day in January" },
		{ "* 3 * * *", "every minute from 03:00 to 03:59" },
		{ "*/5 9 * * *", "every 5 minutes from 09:00 to 09:59" },
		{ "*/15 * * * 1", "every 15 minutes on Monday" },
		{ "0 0 1-31 * 1", "at 00:00 every day" },	/* either matches */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct cron c = parse_ok(cases[i].expr);
		struct buf out = BUF_INIT;

		cron_describe(&c, cases[i].expr, &out);
		if (strcmp(out.data, cases[i].text))
			fail_msg("'%s': \"%s\", expected \"%s\"", cases[i].expr,
				 out.data, cases[i].text);
		buf_release(&out);
	}
}

static void describes_complex_shapes_by_quoting(void **state)
{
	static const char *const exprs[] = {
		"*/7 * * * *", "0 0 13 * 5", "5,10 * * * *", "0 1,2,3,5,8,13,21 * * *",
		"0 0 1-10 * *", "0 0 * 1,2,3,4,5 *",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(exprs); i++) {
		struct cron c = parse_ok(exprs[i]);
		struct buf out = BUF_INIT, want = BUF_INIT;

		buf_addf(&want, "on the schedule '%s'", exprs[i]);
		cron_describe(&c, exprs[i], &out);
		assert_string_equal(out.data, want.data);
		buf_release(&out);
		buf_release(&want);
	}
}

static void describe_appends_and_handles_null_expr(void **state)
{
	struct cron c = parse_ok("0 0 13 * 5");
	struct buf out = BUF_INIT;

	(void)state;
	buf_addstr(&out, "Runs ");
	cron_describe(&c, NULL, &out);
	assert_string_equal(out.data, "Runs on a custom schedule");
	buf_reset(&out);
	c = parse_ok("0 6 * * *");
	buf_addstr(&out, "Runs ");
	cron_describe(&c, "0 6 * * *", &out);
	assert_string_equal(out.data, "Runs at 06:00 every day");
	buf_release(&out);
}

/* --- memory ------------------------------------------------------------ */

static void parsing_and_searching_allocate_nothing(void **state)
{
	struct cron c;
	int64_t next;

	(void)state;
	alloc_fail_after(-1);	/* resets the counter */
	assert_int_equal(cron_parse("0 6 1 * *", &c, NULL, NULL), 0);
	assert_int_equal(cron_next(&c, 0, &next), 0);
	assert_int_equal(cron_parse("@weekly", &c, NULL, NULL), 0);
	assert_int_equal(cron_parse("0 0 32 * *", &c, NULL, NULL), -1);
	assert_int_equal(alloc_count(), 0);
}

static void failure_is_reported_when_the_reason_cannot_be_stored(void **state)
{
	struct cron c;
	struct buf why = BUF_INIT;
	size_t pos = 0;

	(void)state;
	alloc_fail_after(0);
	assert_int_equal(cron_parse("0 0 32 * *", &c, &pos, &why), -1);
	alloc_fail_after(-1);
	assert_int_equal(pos, 4);
	assert_int_equal(buf_error(&why), ST_ERR_NOMEM);
	buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(next_is_strictly_after_start),
		cmocka_unit_test(next_crosses_day_month_and_year_ends),
		cmocka_unit_test(day_31_skips_short_months),
		cmocka_unit_test(february_29_fires_only_in_leap_years),
		cmocka_unit_test(impossible_dates_never_fire),
		cmocka_unit_test(restricted_dom_and_dow_match_either),
		cmocka_unit_test(star_step_field_counts_as_unrestricted),
		cmocka_unit_test(steps_ranges_and_lists),
		cmocka_unit_test(names_and_seven_mean_sunday),
		cmocka_unit_test(next_works_before_1970),
		cmocka_unit_test(next_rejects_times_beyond_the_limit),
		cmocka_unit_test(empty_bitsets_never_fire),
		cmocka_unit_test(next_agrees_with_brute_force),
		cmocka_unit_test(matches_checks_every_field),
		cmocka_unit_test(parses_fields_into_bitsets),
		cmocka_unit_test(star_fields_set_star_flags),
		cmocka_unit_test(seven_folds_into_sunday),
		cmocka_unit_test(macros_expand_to_their_fields),
		cmocka_unit_test(accepts_blanks_around_and_between_fields),
		cmocka_unit_test(names_are_case_insensitive),
		cmocka_unit_test(invalid_expressions_say_why),
		cmocka_unit_test(errors_need_no_buffer_or_position),
		cmocka_unit_test(long_tokens_are_quoted_shortened),
		cmocka_unit_test(describes_common_shapes_in_english),
		cmocka_unit_test(describes_complex_shapes_by_quoting),
		cmocka_unit_test(describe_appends_and_handles_null_expr),
		cmocka_unit_test(parsing_and_searching_allocate_nothing),
		cmocka_unit_test(failure_is_reported_when_the_reason_cannot_be_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
