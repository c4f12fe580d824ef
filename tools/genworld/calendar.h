/*
 * calendar.h - civil dates as day numbers, formatted without libc time.
 * See calendar.c.
 */
#ifndef GW_CALENDAR_H
#define GW_CALENDAR_H

#include "gw.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
long cal_days(int y, int m, int d);
void cal_civil(long days, int *y, int *m, int *d);
/* The same calendar date n years earlier (29 February becomes 28th). */
long cal_years_before(long days, int n);
/* "YYYY-MM-DD" into out[11]. */
void cal_date(char *out, long days);
/* "YYYY-MM-DDTHH:MM:SSZ" (iso != 0) or "YYYY-MM-DD HH:MM:SS" into out[21]. */
void cal_stamp(char *out, int64_t secs, int iso);

#define CAL_DAY 86400

#endif
