/*
 * calendar.c - date arithmetic for the world's timestamps.
 *
 * The world's clock is fixed (as of 2026-10-31 and 2026-11-30), never the
 * machine's, and every date is a day number or a second count since the
 * Unix epoch in UTC.  Conversions use Howard Hinnant's civil-from-days
 * algorithms, so no time zone, locale or libc time function can change a
 * byte of output.
 */
#include "calendar.h"

long cal_days(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void cal_civil(long days, int *y, int *m, int *d)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

long cal_years_before(long days, int n)
{
	int y, m, d;

	cal_civil(days, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	return cal_days(y - n, m, d);
}

static char *put_num(char *p, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

void cal_date(char *out, long days)
{
	int y, m, d;
	char *p = out;

	cal_civil(days, &y, &m, &d);
	p = put_num(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_num(p, (unsigned)m, 2);
	*p++ = '-';
	p = put_num(p, (unsigned)d, 2);
	*p = '\0';
}

void cal_stamp(char *out, int64_t secs, int iso)
{
	long days = (long)(secs / CAL_DAY);
	unsigned sod = (unsigned)(secs % CAL_DAY);
	char *p;

	if (secs < 0 && sod) {
		days--;
		sod = (unsigned)(secs - (int64_t)days * CAL_DAY);
	}
	cal_date(out, days);
	p = out + 10;
	*p++ = iso ? 'T' : ' ';
	p = put_num(p, sod / 3600, 2);
	*p++ = ':';
	p = put_num(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = put_num(p, sod % 60, 2);
	if (iso)
		*p++ = 'Z';
	*p = '\0';
}
