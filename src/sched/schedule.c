/*
 * schedule.c - when the policy's schedules fire (see schedule.h).
 */
#include "sched/schedule.h"

#include <stdlib.h>
#include <time.h>

#include "sched/zone.h"
#include "util/cron.h"
#include "util/datetime.h"

/* How far back the wall clock can jump: a few hours covers every
 * daylight-saving rule there has been (2 hours at most). */
#define ZONE_JUMP (4 * 3600)

int sched_next(const struct schedule *s, int64_t after, int64_t *next)
{
	/* Walk the wall clock's matches from a little before `after`, in
	 * order, and take the first that falls after it.  Starting early
	 * catches a match the clocks skipped, which fires after the change
	 * (02:30 in a skipped hour fires at 03:30, so at 03:10 it is still
	 * to come); a match the clocks repeat maps to its first occurrence,
	 * which may lie before `after`, and is passed over.  A match every
	 * minute takes ZONE_JUMP / 60 steps at most, and only within
	 * ZONE_JUMP of a change. */
	int off_then, off_now;
	int64_t local = zone_to_naive(s->timezone, after - ZONE_JUMP, &off_then);

	/* without a change of offset in that while (nearly always), the
	 * walk may start at `after` itself */
	zone_to_naive(s->timezone, after, &off_now);
	if (off_now == off_then)
		local = after + off_now;
	for (int tries = 0; tries < 2 * ZONE_JUMP / 60 + 8; tries++) {
		int64_t cand, t;

		if (cron_next(&s->cron, local, &cand))
			return -1;
		t = zone_to_utc(s->timezone, cand);
		if (t > after) {
			*next = t;
			return 0;
		}
		local = cand;
	}
	return -1;
}

void sched_format(const char *zone, int64_t t, struct buf *out)
{
	int off;
	int64_t naive = zone_to_naive(zone, t, &off), y;
	int64_t rest = floor_mod(naive, 86400);
	int m, d, a = off < 0 ? -off : off;

	days_to_civil(floor_div(naive, 86400), &y, &m, &d);
	buf_addf(out, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (long long)y, m,
		 d, (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60),
		 off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

int sched_parse_time(const char *s, int64_t *t, struct buf *why)
{
	struct datetime dt;
	size_t at = 0;

	if (datetime_parse_explain(s, strlen(s), "iso8601", &dt, &at, why))
		return -1;
	if (dt.has_time && !dt.has_offset) {
		buf_addf(why, "'%s' has no offset: add Z for UTC or +hh:mm", s);
		return -1;
	}
	*t = dt.secs;
	return 0;
}

int sched_now(int64_t *now, struct buf *why)
{
	const char *env = getenv("STEWARD_NOW");

	if (env && *env) {
		if (sched_parse_time(env, now, why)) {
			buf_addstr(why, " (in STEWARD_NOW)");
			return -1;
		}
		return 0;
	}
	*now = (int64_t)time(NULL);
	return 0;
}
