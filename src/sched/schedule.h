/*
 * schedule.h - when the policy's schedules fire (docs/scheduling.md).
 */
#ifndef STEWARD_SCHED_SCHEDULE_H
#define STEWARD_SCHED_SCHEDULE_H

#include "policy/policy.h"
#include "util/buf.h"

/*
 * The first instant strictly after `after` (UTC seconds) at which schedule
 * s fires, its cron expression read on the wall clock of its time zone
 * (UTC when it names none).  Across daylight-saving changes: a time the
 * clocks skip fires once, after the change (zone.h); a time that happens
 * twice fires once, the first time.  Returns 0, or -1 when the expression
 * never matches ("0 0 30 2 *").
 */
int sched_next(const struct schedule *s, int64_t after, int64_t *next);

/* "2026-03-29T02:30:00+01:00": t on the wall clock of zone. */
void sched_format(const char *zone, int64_t t, struct buf *out);

/* The time steward takes as now: $STEWARD_NOW when set (an ISO 8601
 * date-time with its offset, for tests), else the clock.  Returns 0, or -1
 * with why when STEWARD_NOW cannot be read. */
int sched_now(int64_t *now, struct buf *why);

/* Parse an ISO 8601 date-time with an offset ("2026-11-30T06:00:00Z");
 * a date alone is its midnight UTC.  0 or -1 with why. */
int sched_parse_time(const char *s, int64_t *t, struct buf *why);

#endif
