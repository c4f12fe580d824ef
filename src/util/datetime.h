/*
 * datetime.h - calendar arithmetic and date parsing, without libc time zones.
 *
 * Everything here is pure arithmetic on the proleptic Gregorian calendar
 * (Howard Hinnant's days-from-civil algorithms), so results never depend on
 * the TZ environment variable or the C library.  Sources declare how their
 * dates are written with strptime-like formats ("%d/%m/%Y", "%b %e %Y", or
 * the name "iso8601"), possibly several separated by '|'; the profiler
 * parses every value with them, so parsing allocates nothing.  Time zones
 * proper (Europe/London) are the scheduler's business, not this file's.
 */
#ifndef STEWARD_DATETIME_H
#define STEWARD_DATETIME_H

#include "buf.h"

/* Seconds in a day; days are counted from 1970-01-01 (day 0). */
#define DATETIME_DAY_SECS 86400

/* Years a parsed date may have (the UTC instant may fall just outside when
 * an offset moves it across 0001-01-01 or 9999-12-31). */
#define DATETIME_YEAR_MIN 1
#define DATETIME_YEAR_MAX 9999

struct datetime {
	int64_t secs;		/* UTC seconds since 1970-01-01T00:00:00Z */
	int has_time;		/* 0: a date only, secs is its midnight */
	int has_offset;		/* the input named its offset (or was epoch) */
	int offset_minutes;	/* that offset, east of UTC; 0 if none */
};

/* Calendar arithmetic.  Valid for |y| below 2^40 and matching day counts;
 * m is 1-12 and d is 1-31 (d may exceed the month: it then rolls over). */
int64_t civil_to_days(int64_t y, int m, int d);
void days_to_civil(int64_t days, int64_t *y, int *m, int *d);
bool is_leap_year(int64_t y);
bool civil_valid(int64_t y, int m, int d);
int days_in_month(int64_t y, int m);	/* 0 when m is not 1-12 */
int day_of_week(int64_t days);		/* 0 = Sunday ... 6 = Saturday */

/* Floor division and modulo (the remainder has the divisor's sign). */
int64_t floor_div(int64_t a, int64_t b);
int64_t floor_mod(int64_t a, int64_t b);

/*
 * Parse s[0..len) as a whole with one format.  Conversions:
 *   %Y four-digit year        %y two digits: 69-99 -> 19xx, 00-68 -> 20xx
 *   %m month, 1-2 digits      %d %e day of month, 1-2 digits (%e: leading
 *   %j day of year, 1-3 digits   spaces allowed)
 *   %b %h month abbreviation  %B month name or abbreviation
 *   %a %A weekday name (checked for spelling only; %A also takes the
 *         abbreviation)       English names, any case
 *   %H hour 0-23  %I hour 1-12 (needs %p)  %p AM or PM (needs %I)
 *   %M minute  %S second (0-59; no leap seconds)  %f 1-9 fraction digits,
 *         ignored             %T = %H:%M:%S   %F = %Y-%m-%d
 *   %z Z, +hh:mm, +hhmm or +hh  %Z UTC, GMT or Z
 *   %s Unix seconds, optionally negative (only with %f and literals)
 *   %% a percent sign
 * White space in the format matches any run of white space, including none;
 * any other character matches itself.  The format "iso8601" accepts
 * YYYY-MM-DD with an optional time ('T', 't' or a space, then HH:MM or
 * HH:MM:SS, an optional .fraction) and, after a time, an optional Z,
 * +hh:mm, +hhmm or +hh.
 *
 * Returns 0 with *out filled in, or -1 with *err_pos (if not NULL) the byte
 * offset in s where parsing failed.  The format is checked first: a bad
 * format fails with *err_pos 0.  Invalid dates (2026-02-29, month 13,
 * 24:00) and years outside 0001-9999 are rejected.
 */
int datetime_parse(const char *s, size_t len, const char *format,
		   struct datetime *out, size_t *err_pos);
/* The same, and when why is not NULL a short reason goes into it, such as
 * "day 29 is not in February 2026" or "expected a two-digit month". */
int datetime_parse_explain(const char *s, size_t len, const char *format,
			   struct datetime *out, size_t *err_pos,
			   struct buf *why);

/*
 * Check that a format is usable: known conversions only, a year (%Y, %y,
 * %F or %s) present, %I and %p together, %s not mixed with other fields, %z
 * and %Z only with a time.  Returns 0, or -1 with *err_pos the offset of the
 * offending conversion in format and a message in why (either may be NULL):
 * "unknown conversion '%Q'", "format has no year (%Y, %y, %s or %F)", ...
 */
int datetime_format_check(const char *format, size_t *err_pos,
			  struct buf *why);
/* The same over a '|'-separated list; *err_pos counts from the list start. */
int datetime_formats_check(const char *formats, size_t *err_pos,
			   struct buf *why);

/*
 * Try each format of a '|'-separated list ("%d/%m/%Y|%b %d %Y|iso8601");
 * the first that parses all of s[0..len) wins.  Returns 0 or -1.
 */
int date_parse_any(const char *s, size_t len, const char *formats,
		   struct datetime *out);

/* "YYYY-MM-DD" when !dt->has_time, else "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void datetime_format_iso(const struct datetime *dt, struct buf *out);
/* "YYYY-MM-DD" for a day number. */
void days_format(int64_t days, struct buf *out);

#endif
