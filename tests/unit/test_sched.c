/*
 * test_sched.c - when schedules fire: a table of cron expressions, time
 * zones and instants against their expected next fire times, across
 * daylight-saving changes in both directions (London and New York, and
 * Lord Howe's half hour), leap
 * days and month ends, and the time steward takes as now.  The cron
 * grammar itself is tested in test_cron.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "sched/schedule.h"
#include "sched/zone.h"
#include "util/cron.h"

static int64_t at(const char *iso)
{
	struct buf why = BUF_INIT;
	int64_t t = 0;

	if (sched_parse_time(iso, &t, &why))
		fail_msg("%s: %s", iso, why.data);
	buf_release(&why);
	return t;
}

static void next_fire_times(void **state)
{
	static const struct {
		const char *cron, *zone, *after, *next;
	} cases[] = {
		/* London springs forward at 01:00 GMT on 29 March 2026: the
		 * skipped 01:30 fires at 02:30 BST, also from inside the gap */
		{ "30 1 * * *", "Europe/London", "2026-03-28T12:00:00Z", "2026-03-29T02:30:00+01:00" },
		{ "30 1 * * *", "Europe/London", "2026-03-29T02:29:00+01:00", "2026-03-29T02:30:00+01:00" },
		{ "30 1 * * *", "Europe/London", "2026-03-29T02:30:00+01:00", "2026-03-30T01:30:00+01:00" },
		/* and falls back at 02:00 BST on 25 October: 01:30 happens
		 * twice and fires once, the first time */
		{ "30 1 * * *", "Europe/London", "2026-10-24T23:00:00Z", "2026-10-25T01:30:00+01:00" },
		{ "30 1 * * *", "Europe/London", "2026-10-25T01:30:00+01:00", "2026-10-26T01:30:00+00:00" },
		{ "30 1 * * *", "Europe/London", "2026-10-25T01:10:00+00:00", "2026-10-26T01:30:00+00:00" },
		/* every 20 minutes through the repeated hour: each wall minute
		 * once */
		{ "*/20 1 * * *", "Europe/London", "2026-10-25T01:40:00+01:00", "2026-10-26T01:00:00+00:00" },
		/* New York: 2 a.m. skipped on 8 March, 1 a.m. repeated on
		 * 1 November */
		{ "30 2 * * *", "America/New_York", "2026-03-08T01:00:00-05:00", "2026-03-08T03:30:00-04:00" },
		{ "30 1 * * *", "America/New_York", "2026-11-01T01:31:00-04:00", "2026-11-02T01:30:00-05:00" },
		/* Lord Howe moves its clocks by half an hour (02:00 to 02:30
		 * on 4 October 2026): the real 02:40 comes before the skipped
		 * 02:20, which fires at 02:50; neither is lost */
		{ "20,40 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00Z", "2026-10-04T02:40:00+11:00" },
		{ "20,40 2 * * *", "Australia/Lord_Howe", "2026-10-04T02:40:00+11:00", "2026-10-04T02:50:00+11:00" },
		{ "20,40 2 * * *", "Australia/Lord_Howe", "2026-10-04T02:50:00+11:00", "2026-10-05T02:20:00+11:00" },
		/* leap days, month ends, the end of a year */
		{ "0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00+00:00" },
		{ "0 12 31 * *", "UTC", "2026-04-01T00:00:00Z", "2026-05-31T12:00:00+00:00" },
		{ "@yearly", "Asia/Tokyo", "2026-12-31T15:00:00Z", "2028-01-01T00:00:00+09:00" },
		{ "59 23 31 12 *", "UTC", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00+00:00" },
		/* a half-hour zone, weekday names */
		{ "0 9 * * MON", "Asia/Kolkata", "2026-11-30T03:30:00Z", "2026-12-07T09:00:00+05:30" },
		/* no zone: UTC */
		{ "@daily", "", "2026-11-30T06:00:00Z", "2026-12-01T00:00:00+00:00" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct schedule s;
		struct buf out = BUF_INIT;
		int64_t next = 0;

		memset(&s, 0, sizeof(s));
		assert_int_equal(cron_parse(cases[i].cron, &s.cron, NULL, NULL), 0);
		s.timezone = cases[i].zone;
		assert_int_equal(sched_next(&s, at(cases[i].after), &next), 0);
		sched_format(cases[i].zone, next, &out);
		if (strcmp(out.data, cases[i].next))
			fail_msg("case %zu (%s in %s after %s): %s, expected %s", i,
				 cases[i].cron, cases[i].zone, cases[i].after,
				 out.data, cases[i].next);
		assert_int_equal(next, at(cases[i].next));
		buf_release(&out);
	}
}

static void never(void **state)
{
	struct schedule s;
	int64_t next;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(cron_parse("0 0 30 2 *", &s.cron, NULL, NULL), 0);
	assert_int_equal(sched_next(&s, at("2026-01-01T00:00:00Z"), &next), -1);
}

static void zones_round_trip(void **state)
{
	int off = 0;
	/* 12:00 UTC in summer London is 13:00 on the wall */
	int64_t t = at("2026-07-01T12:00:00Z");
	int64_t naive = zone_to_naive("Europe/London", t, &off);

	(void)state;
	assert_int_equal(off, 3600);
	assert_int_equal(zone_to_utc("Europe/London", naive), t);
	/* TZ is left as it was */
	setenv("TZ", "America/Chicago", 1);
	(void)zone_to_naive("Asia/Tokyo", t, NULL);
	assert_string_equal(getenv("TZ"), "America/Chicago");
	unsetenv("TZ");
	(void)zone_to_utc("Asia/Tokyo", naive);
	assert_null(getenv("TZ"));
}

static void now_and_its_errors(void **state)
{
	struct buf why = BUF_INIT;
	int64_t t;

	(void)state;
	setenv("STEWARD_NOW", "2026-02-28T23:59:00-01:00", 1);
	assert_int_equal(sched_now(&t, &why), 0);
	assert_int_equal(t, at("2026-03-01T00:59:00Z"));
	setenv("STEWARD_NOW", "2026-02-30T00:00:00Z", 1);
	assert_int_equal(sched_now(&t, &why), -1);
	assert_non_null(strstr(why.data, "STEWARD_NOW"));
	buf_reset(&why);
	/* a time without its offset is ambiguous */
	assert_int_equal(sched_parse_time("2026-11-30T06:00", &t, &why), -1);
	assert_non_null(strstr(why.data, "no offset"));
	/* a date alone is its midnight, UTC */
	assert_int_equal(sched_parse_time("2026-11-30", &t, &why), 0);
	assert_int_equal(t, at("2026-11-30T00:00:00Z"));
	unsetenv("STEWARD_NOW");
	assert_int_equal(sched_now(&t, &why), 0);
	assert_true(t > at("2026-01-01T00:00:00Z"));
	buf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(next_fire_times),
		cmocka_unit_test(never),
		cmocka_unit_test(zones_round_trip),
		cmocka_unit_test(now_and_its_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
