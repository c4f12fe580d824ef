/*
 * cron.h - five-field cron expressions, as in crontab(5).
 *
 * Policies schedule scans and reports with cron expressions ("0 6 1 * *").
 * A parsed expression is a set of bitsets, one per field, so matching a
 * time is a few bit tests and finding the next run skips whole months,
 * days and hours.  Times here are naive civil seconds (seconds since
 * 1970-01-01T00:00 on the wall clock of whatever zone the schedule names);
 * converting to and from a real time zone is the scheduler's job.
 *
 * Day matching follows Vixie cron: when both day of month and day of week
 * are restricted, a day matches if EITHER does.  As in Vixie cron, a field
 * counts as unrestricted when its text begins with '*', so "*" and "*\/2"
 * both do ("0 0 *\/2 * 1" runs on odd days that are Mondays).
 */
#ifndef STEWARD_CRON_H
#define STEWARD_CRON_H

#include "buf.h"

struct cron {
	uint64_t minutes;	/* bit n: minute n, 0-59 */
	uint32_t hours;		/* bit n: hour n, 0-23 */
	uint32_t mdays;		/* bit n: day n of the month, 1-31 */
	uint16_t months;	/* bit n: month n, 1-12 */
	uint8_t wdays;		/* bit n: weekday n, 0 = Sunday - 6 */
	bool mday_star, wday_star;	/* the field began with '*' */
};

/* How far cron_next looks.  The Gregorian calendar repeats every 400 years
 * (146097 days, a whole number of weeks), so an expression that matches no
 * time in 401 years matches none ever. */
#define CRON_SEARCH_YEARS 401

/* cron_next answers for `after` within +-CRON_TIME_LIMIT only. */
#define CRON_TIME_LIMIT 100000000000000LL	/* ~3 million years */

/*
 * Parse "m h dom mon dow" (fields separated by spaces or tabs), each a comma
 * list of *, N, N-M, *\/S, N-M/S or N/S (= N up to the field's maximum, step
 * S); month names JAN-DEC, weekday names SUN-SAT (any case); weekday 7 is
 * Sunday; or one of @yearly @annually @monthly @weekly @daily @midnight
 * @hourly.  Returns 0, or -1 with *err_pos the byte offset of the problem in
 * expr and a reason naming the field in why ("day of month: '32' is out of
 * range 1-31"); err_pos and why may be NULL.
 */
int cron_parse(const char *expr, struct cron *out, size_t *err_pos,
	       struct buf *why);

/* Does the minute starting at naive civil second t match? */
bool cron_matches(const struct cron *c, int64_t t);

/*
 * The first minute-aligned time strictly after `after` that matches.
 * Returns 0 with *next set, or -1 when the expression never matches (such
 * as "0 0 30 2 *") or `after` is beyond CRON_TIME_LIMIT.
 */
int cron_next(const struct cron *c, int64_t after, int64_t *next);

/*
 * An English sentence for common shapes: "every 15 minutes", "every hour
 * at minute 0", "at 06:00 on day 1 of every month", "at 02:30 on Monday and
 * Friday"; otherwise "on the schedule '<expr>'" (expr may be NULL, then
 * "on a custom schedule").
 */
void cron_describe(const struct cron *c, const char *expr, struct buf *out);

#endif
