/*
 * zone.h - wall-clock time in a named IANA time zone ("Europe/London"),
 * for schedules (docs/scheduling.md).
 *
 * Conversions go through the C library's tz database (the zone files in
 * /usr/share/zoneinfo, package tzdata), selecting the zone with TZ for the
 * length of one call; they are for the scheduler's thread only, never
 * while another thread reads local time (steward's workers do not).
 *
 * A naive time is seconds since 1970-01-01T00:00 on the zone's wall clock
 * (what util/cron.h works in).
 */
#ifndef STEWARD_SCHED_ZONE_H
#define STEWARD_SCHED_ZONE_H

#include <stdint.h>

/* zone NULL or "": UTC. */
int64_t zone_to_naive(const char *zone, int64_t utc, int *offset_secs);

/*
 * The instant the wall clock of zone shows naive.  A wall time that the
 * clocks skip (spring forward) gives the instant as far after the change
 * as naive is after the skipped hour's start (02:30 in a skipped
 * 02:00-03:00 is 03:30), so no run is lost; a wall time that happens
 * twice (fall back) gives its first occurrence.
 */
int64_t zone_to_utc(const char *zone, int64_t naive);

#endif
