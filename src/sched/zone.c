/*
 * zone.c - wall-clock time in a named time zone (see zone.h).
 */
#include "sched/zone.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/datetime.h"

/* Select zone for localtime_r and mktime; returns the old TZ (owned). */
static char *zone_enter(const char *zone)
{
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;
	char spec[256];

	/* ":Area/City" reads the zone file by name; "" is UTC */
	snprintf(spec, sizeof(spec), ":%s", zone && *zone ? zone : "UTC");
	setenv("TZ", spec, 1);
	tzset();
	return saved;
}

static void zone_leave(char *saved)
{
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	xfree(saved);
}

static int64_t naive_of(const struct tm *tm)
{
	return civil_to_days(tm->tm_year + 1900LL, tm->tm_mon + 1, tm->tm_mday) *
	       86400 + tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec;
}

int64_t zone_to_naive(const char *zone, int64_t utc, int *offset_secs)
{
	char *saved = zone_enter(zone);
	time_t t = (time_t)utc;
	struct tm tm;
	int64_t naive = utc;

	if (localtime_r(&t, &tm))
		naive = naive_of(&tm);
	zone_leave(saved);
	if (offset_secs)
		*offset_secs = (int)(naive - utc);
	return naive;
}

/* mktime of naive with a DST guess; *exact when it reads back as naive. */
static int64_t try_mktime(int64_t naive, int isdst, bool *exact)
{
	int64_t days = floor_div(naive, 86400), rest = floor_mod(naive, 86400), y;
	int m, d;
	struct tm tm, back;
	time_t t;

	days_to_civil(days, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = (int)(rest / 3600);
	tm.tm_min = (int)(rest / 60 % 60);
	tm.tm_sec = (int)(rest % 60);
	tm.tm_isdst = isdst;
	t = mktime(&tm);
	*exact = localtime_r(&t, &back) && naive_of(&back) == naive;
	return (int64_t)t;
}

int64_t zone_to_utc(const char *zone, int64_t naive)
{
	char *saved = zone_enter(zone);
	bool exact_dst, exact_std;
	/* summer time first: of two readings of a repeated hour, the one
	 * with the larger offset is the earlier instant */
	int64_t dst = try_mktime(naive, 1, &exact_dst);
	int64_t std = try_mktime(naive, 0, &exact_std);
	int64_t t;

	if (exact_dst && exact_std)
		t = dst < std ? dst : std;
	else if (exact_dst)
		t = dst;
	else if (exact_std)
		t = std;
	else	/* skipped: the standard-time reading, after the change */
		t = dst > std ? dst : std;
	zone_leave(saved);
	return t;
}
