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
	/* Walk the wall clock's matches in order and take the earliest
	 * instant after `after` they map to.  Near a change of offset the
	 * two orders differ: a match the clocks skipped fires after the
	 * change (02:30 in a skipped hour fires at 03:30, so at 03:10 it is
	 * still to come, and with a 30-minute change it may come after a
	 * later match), and a match the clocks repeat maps to its first
	 * occurrence, which may lie before `after`.  So the walk starts
	 * ZONE_JUMP early and goes on until ZONE_JUMP past `after` on the
	 * wall clock.  Away from any change (the offset the same from
	 * ZONE_JUMP before to ZONE_JUMP after), the orders agree and the
	 * first match after `after` is the answer. */
	int off_then, off_now, off_later;
	int64_t local = zone_to_naive(s->timezone, after - ZONE_JUMP, &off_then);
	int64_t here = zone_to_naive(s->timezone, after, &off_now), best = -1;
	bool steady;

	zone_to_naive(s->timezone, after + ZONE_JUMP, &off_later);
	steady = off_then == off_now && off_now == off_later;
	if (steady)
		local = here;
	for (int tries = 0; tries < 4 * ZONE_JUMP / 60 + 8; tries++) {
		int64_t cand, t;

		if (cron_next(&s->cron, local, &cand))
			break;
		t = zone_to_utc(s->timezone, cand);
		if (t > after && (best < 0 || t < best))
			best = t;
		if (best >= 0 && (steady || cand > here + ZONE_JUMP))
			break;
		local = cand;
	}
	if (best < 0)
		return -1;
	*next = best;
	return 0;
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
	struct datetime dt = { 0 };
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
