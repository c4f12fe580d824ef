/*
 * duration.h - ISO 8601 durations such as P90D, P1Y6M or PT12H.
 *
 * Policies state decay, refresh cadence and allowed lag as durations.  The
 * components are kept as written (P1Y is a calendar year, not 365 days), so
 * that adding one to a date follows the calendar and the governance
 * handbook can say "1 year" rather than "365.2425 days".  Only whole,
 * non-negative numbers are accepted: a policy that needs "1.5 days" can say
 * PT36H.
 */
#ifndef STEWARD_DURATION_H
#define STEWARD_DURATION_H

#include "buf.h"

/* Largest value of a component (seconds may be larger: PT86400S is
 * common).  Bounded so that every sum below fits in int64_t. */
#define DURATION_COMPONENT_MAX 1000000
#define DURATION_SECONDS_MAX 1000000000

struct duration {
	int64_t years, months, weeks, days, hours, minutes, seconds;
};

/*
 * Parse P[nY][nM][nW][nD][T[nH][nM][nS]], designators in that order, at
 * least one component, upper case, no spaces.  Returns 0, or -1 with
 * *err_pos the byte offset of the problem and a short reason in why ("expected
 * a number after 'P'", "designator 'M' out of order", ...); err_pos and why
 * may be NULL.
 */
int duration_parse(const char *s, struct duration *out, size_t *err_pos,
		   struct buf *why);

bool duration_is_zero(const struct duration *d);

/* Length in seconds with a year of 365.2425 days and a month of 30.436875
 * (a twelfth of that year), for comparing and scoring. */
int64_t duration_approx_seconds(const struct duration *d);

/*
 * utc_secs plus d, following the calendar: years and months first, with
 * the day clamped to the end of the month (Jan 31 + P1M = Feb 28 or 29),
 * then weeks and days, then hours, minutes and seconds.  utc_secs is
 * clamped to +-DURATION_ADD_LIMIT so that the arithmetic cannot overflow.
 */
#define DURATION_ADD_LIMIT 1000000000000000LL	/* ~31.7 million years */
int64_t duration_add(int64_t utc_secs, const struct duration *d);

/* Canonical ISO form: P1Y2M, PT1H, P2WT30M; P0D when zero. */
void duration_format(const struct duration *d, struct buf *out);

/* Plain English for the handbook: "90 days", "1 year", "2 years and 6
 * months", "1 day, 2 hours and 30 minutes"; "0 days" when zero. */
void duration_describe(const struct duration *d, struct buf *out);

#endif
