/*
 * datetime.c - proleptic Gregorian arithmetic and a strptime-like parser.
 *
 * The calendar functions are Howard Hinnant's days_from_civil and
 * civil_from_days ("chrono-Compatible Low-Level Date Algorithms"), which
 * work in 400-year eras so that they are exact for negative years too.
 *
 * The parser walks the format and the value together, filling a struct
 * dt_parse field by field; only at the end are the fields checked against
 * each other (day 29 against February of that year) and turned into UTC
 * seconds.  It never allocates, because the profiler calls it once per
 * value.  A format is checked (datetime_format_check) before it is used,
 * so the matcher can trust every conversion it meets.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "datetime.h"

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static const char *const weekday_names[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

/* --- calendar ---------------------------------------------------------- */

int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;	/* not a - floor_div(a, b) * b: that can overflow */

	if (r != 0 && ((r < 0) != (b < 0)))
		r += b;
	return r;
}

int64_t civil_to_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void days_to_civil(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = month;
	*y = yoe + era * 400 + (month <= 2);
}

bool is_leap_year(int64_t y)
{
	return floor_mod(y, 4) == 0 && (floor_mod(y, 100) != 0 ||
					floor_mod(y, 400) == 0);
}

int days_in_month(int64_t y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && is_leap_year(y))
		return 29;
	return days[m - 1];
}

bool civil_valid(int64_t y, int m, int d)
{
	return d >= 1 && d <= days_in_month(y, m);
}

int day_of_week(int64_t days)
{
	/* 1970-01-01 was a Thursday. */
	return (int)floor_mod(days + 4, 7);
}

/* --- formatting -------------------------------------------------------- */

void days_format(int64_t days, struct buf *out)
{
	int64_t y;
	int m, d;

	days_to_civil(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		/* written by hand: a large run formats millions of dates,
		 * and printf's parsing of the format cost more than the rest */
		char t[10] = {
			(char)('0' + y / 1000), (char)('0' + y / 100 % 10),
			(char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
			(char)('0' + m / 10), (char)('0' + m % 10), '-',
			(char)('0' + d / 10), (char)('0' + d % 10)
		};

		buf_add(out, t, sizeof(t));
		return;
	}
	buf_addf(out, "%04" PRId64 "-%02d-%02d", y, m, d);
}

void datetime_format_iso(const struct datetime *dt, struct buf *out)
{
	int64_t days = floor_div(dt->secs, DATETIME_DAY_SECS);
	int64_t sod = floor_mod(dt->secs, DATETIME_DAY_SECS);

	days_format(days, out);
	if (!dt->has_time)
		return;
	buf_addf(out, "T%02d:%02d:%02dZ", (int)(sod / 3600),
		 (int)(sod / 60 % 60), (int)(sod % 60));
}

/* --- small character helpers (ASCII only, whatever the locale) --------- */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* --- format checking --------------------------------------------------- */

enum {
	CONV_YEAR = 1 << 0,	/* gives the year */
	CONV_TIME = 1 << 1,	/* gives a time of day */
	CONV_OFFSET = 1 << 2,	/* gives an offset */
	CONV_EPOCH = 1 << 3,	/* %s */
	CONV_FIELD = 1 << 4,	/* a calendar or clock field (not with %s) */
	CONV_HOUR12 = 1 << 5,	/* %I */
	CONV_AMPM = 1 << 6	/* %p */
};

struct conv_info {
	char c;
	unsigned flags;
};

static const struct conv_info conversions[] = {
	{ 'Y', CONV_YEAR | CONV_FIELD }, { 'y', CONV_YEAR | CONV_FIELD },
	{ 'F', CONV_YEAR | CONV_FIELD }, { 'm', CONV_FIELD },
	{ 'd', CONV_FIELD }, { 'e', CONV_FIELD }, { 'j', CONV_FIELD },
	{ 'b', CONV_FIELD }, { 'h', CONV_FIELD }, { 'B', CONV_FIELD },
	{ 'a', CONV_FIELD }, { 'A', CONV_FIELD },
	{ 'H', CONV_TIME | CONV_FIELD }, { 'M', CONV_TIME | CONV_FIELD },
	{ 'S', CONV_TIME | CONV_FIELD }, { 'T', CONV_TIME | CONV_FIELD },
	{ 'I', CONV_TIME | CONV_FIELD | CONV_HOUR12 },
	{ 'p', CONV_FIELD | CONV_AMPM },
	{ 'z', CONV_OFFSET | CONV_FIELD }, { 'Z', CONV_OFFSET | CONV_FIELD },
	{ 's', CONV_YEAR | CONV_TIME | CONV_EPOCH }, { 'f', 0 }, { '%', 0 },
};

static const struct conv_info *conv_find(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(conversions); i++)
		if (conversions[i].c == c)
			return &conversions[i];
	return NULL;
}

static bool format_is_iso(const char *f, size_t flen)
{
	return flen == 7 && !memcmp(f, "iso8601", 7);
}

struct format_scan {
	unsigned flags;
	size_t first[8];	/* offset of the first conversion per flag bit */
};

static void scan_note(struct format_scan *sc, unsigned flags, size_t pos)
{
	for (unsigned bit = 0; bit < 8; bit++)
		if ((flags & (1u << bit)) && !(sc->flags & (1u << bit)))
			sc->first[bit] = pos;
	sc->flags |= flags;
}

static int check_fail(size_t *err_pos, size_t pos, struct buf *why,
		      const char *msg)
{
	if (err_pos)
		*err_pos = pos;
	if (why)
		buf_addstr(why, msg);
	return -1;
}

static int unknown_conversion(size_t *err_pos, size_t pos, struct buf *why,
			      char c)
{
	unsigned char uc = (unsigned char)c;

	if (err_pos)
		*err_pos = pos;
	if (why && uc > ' ' && uc < 0x7f)
		buf_addf(why, "unknown conversion '%%%c'", c);
	else if (why)
		buf_addf(why, "unknown conversion '%%\\x%02x'", uc);
	return -1;
}

/* First pass: every conversion known; records which kinds appear. */
static int format_scan(const char *f, size_t flen, struct format_scan *sc,
		       size_t *err_pos, struct buf *why)
{
	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < flen; i++) {
		const struct conv_info *ci;

		if (f[i] != '%')
			continue;
		if (i + 1 == flen)
			return check_fail(err_pos, i, why,
					  "format ends with a lone '%'");
		ci = conv_find(f[i + 1]);
		if (!ci)
			return unknown_conversion(err_pos, i, why, f[i + 1]);
		scan_note(sc, ci->flags, i);
		i++;
	}
	return 0;
}

static size_t first_of(const struct format_scan *sc, unsigned flag)
{
	unsigned bit = 0;

	while (!(flag & (1u << bit)))
		bit++;
	return sc->first[bit];
}

static int format_check_len(const char *f, size_t flen, size_t *err_pos,
			    struct buf *why)
{
	struct format_scan sc;
	unsigned fl;

	if (format_is_iso(f, flen))
		return 0;
	if (format_scan(f, flen, &sc, err_pos, why))
		return -1;
	fl = sc.flags;
	if (!(fl & CONV_YEAR))
		return check_fail(err_pos, 0, why,
				  "format has no year (%Y, %y, %s or %F)");
	if ((fl & CONV_EPOCH) && (fl & CONV_FIELD))
		return check_fail(err_pos, first_of(&sc, CONV_FIELD), why,
				  "%s cannot be combined with other date or time conversions");
	if ((fl & CONV_HOUR12) && !(fl & CONV_AMPM))
		return check_fail(err_pos, first_of(&sc, CONV_HOUR12), why,
				  "%I needs %p (AM or PM)");
	if ((fl & CONV_AMPM) && !(fl & CONV_HOUR12))
		return check_fail(err_pos, first_of(&sc, CONV_AMPM), why,
				  "%p needs %I (a 12-hour clock)");
	if ((fl & CONV_OFFSET) && !(fl & CONV_TIME))
		return check_fail(err_pos, first_of(&sc, CONV_OFFSET), why,
				  "an offset (%z or %Z) needs a time of day");
	return 0;
}

int datetime_format_check(const char *format, size_t *err_pos,
			  struct buf *why)
{
	return format_check_len(format, strlen(format), err_pos, why);
}

int datetime_formats_check(const char *formats, size_t *err_pos,
			   struct buf *why)
{
	const char *p = formats;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t flen = bar ? (size_t)(bar - p) : strlen(p);
		size_t pos;

		if (flen == 0)
			return check_fail(err_pos, (size_t)(p - formats), why,
					  "empty format in the list");
		if (format_check_len(p, flen, &pos, why)) {
			if (err_pos)
				*err_pos = (size_t)(p - formats) + pos;
			return -1;
		}
		if (!bar)
			return 0;
		p = bar + 1;
	}
}

/* --- parsing ----------------------------------------------------------- */

struct dt_parse {
	const char *s;
	size_t len, pos;
	struct buf *why;	/* may be NULL */
	size_t err_pos;

	int64_t year;		/* -1 until seen */
	int month, mday, yday;	/* 0 until seen */
	int hour, hour12, minute, second;	/* -1 until seen */
	int pm;			/* -1 until seen, else 0 (AM) or 1 (PM) */
	bool has_epoch, has_time, has_offset;
	int64_t epoch;
	int offset;		/* minutes east of UTC */
	size_t mday_pos, yday_pos;	/* where to point at a bad date */
};

static void parse_init(struct dt_parse *p, const char *s, size_t len,
		       struct buf *why)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->len = len;
	p->why = why;
	p->year = -1;
	p->hour = p->hour12 = p->minute = p->second = -1;
	p->pm = -1;
}

static int parse_fail(struct dt_parse *p, size_t pos, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static int parse_fail(struct dt_parse *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	p->err_pos = pos;
	if (p->why) {
		va_start(ap, fmt);
		buf_vaddf(p->why, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int peek(const struct dt_parse *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Read between min and max digits (greedy) into *val; name is the field. */
static int read_num(struct dt_parse *p, int min, int max, int64_t *val,
		    const char *name)
{
	size_t start = p->pos;
	int64_t v = 0;
	int n = 0;

	while (n < max && is_digit(peek(p))) {
		v = v * 10 + (peek(p) - '0');
		p->pos++;
		n++;
	}
	if (n < min && min == max)
		return parse_fail(p, start, "expected %d digits for the %s",
				  min, name);
	if (n < min)
		return parse_fail(p, start, "expected a number for the %s", name);
	*val = v;
	return 0;
}

/* Read a number and check that it lies within lo-hi. */
static int read_int(struct dt_parse *p, int min, int max, int lo, int hi,
		    int *val, const char *name)
{
	size_t start = p->pos;
	int64_t v = 0;

	if (read_num(p, min, max, &v, name))
		return -1;
	if (v < lo || v > hi)
		return parse_fail(p, start, "%s %0*" PRId64 " is out of range %d-%d",
				  name, (int)(p->pos - start), v, lo, hi);
	*val = (int)v;
	return 0;
}

static bool match_word(const struct dt_parse *p, const char *word, size_t n)
{
	if (p->len - p->pos < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (to_lower((unsigned char)p->s[p->pos + i]) != to_lower(word[i]))
			return false;
	return true;
}

/* Match one of names[] in full (when full) or by its first three letters
 * (when abbr), any case; longest first.  Returns the index or -1. */
static int read_name(struct dt_parse *p, const char *const *names, int n,
		     bool full, bool abbr)
{
	for (int i = 0; full && i < n; i++) {
		size_t wlen = strlen(names[i]);

		if (match_word(p, names[i], wlen)) {
			p->pos += wlen;
			return i;
		}
	}
	for (int i = 0; abbr && i < n; i++) {
		if (match_word(p, names[i], 3)) {
			p->pos += 3;
			return i;
		}
	}
	return -1;
}

static int conv_year4(struct dt_parse *p)
{
	size_t start = p->pos;
	int64_t v = 0;

	if (read_num(p, 4, 4, &v, "year"))
		return -1;
	if (v < DATETIME_YEAR_MIN)
		return parse_fail(p, start, "year 0000 is out of range 0001-9999");
	p->year = v;
	return 0;
}

static int conv_year2(struct dt_parse *p)
{
	int64_t v = 0;

	if (read_num(p, 2, 2, &v, "year"))
		return -1;
	p->year = v >= 69 ? 1900 + v : 2000 + v;
	return 0;
}

static int conv_month_name(struct dt_parse *p, bool full)
{
	size_t start = p->pos;
	int i = read_name(p, month_names, 12, full, true);

	if (i < 0)
		return parse_fail(p, start, full ? "expected a month name" :
				  "expected a month abbreviation");
	p->month = i + 1;
	return 0;
}

static int conv_weekday(struct dt_parse *p, bool full)
{
	if (read_name(p, weekday_names, 7, full, true) < 0)
		return parse_fail(p, p->pos, full ? "expected a weekday name" :
				  "expected a weekday abbreviation");
	return 0;
}

static int conv_mday(struct dt_parse *p, bool spaces)
{
	while (spaces && peek(p) == ' ')
		p->pos++;
	p->mday_pos = p->pos;
	return read_int(p, 1, 2, 1, 31, &p->mday, "day");
}

static int conv_ampm(struct dt_parse *p)
{
	if (match_word(p, "AM", 2)) {
		p->pm = 0;
	} else if (match_word(p, "PM", 2)) {
		p->pm = 1;
	} else {
		return parse_fail(p, p->pos, "expected AM or PM");
	}
	p->pos += 2;
	return 0;
}

static int conv_fraction(struct dt_parse *p)
{
	int64_t ignored;

	return read_num(p, 1, 9, &ignored, "fraction");
}

/* Z, +hh, +hhmm or +hh:mm. */
static int conv_offset(struct dt_parse *p)
{
	size_t start = p->pos;
	int sign, hh, mm = 0;

	if (peek(p) == 'Z' || peek(p) == 'z') {
		p->pos++;
		p->has_offset = true;
		p->offset = 0;
		return 0;
	}
	if (peek(p) != '+' && peek(p) != '-')
		return parse_fail(p, start, "expected an offset (Z, +hh:mm or +hhmm)");
	sign = peek(p) == '-' ? -1 : 1;
	p->pos++;
	if (read_int(p, 2, 2, 0, 23, &hh, "offset hour"))
		return -1;
	if (peek(p) == ':') {
		p->pos++;
		if (read_int(p, 2, 2, 0, 59, &mm, "offset minute"))
			return -1;
	} else if (is_digit(peek(p))) {
		if (read_int(p, 2, 2, 0, 59, &mm, "offset minute"))
			return -1;
	}
	p->has_offset = true;
	p->offset = sign * (hh * 60 + mm);
	return 0;
}

static int conv_zone_name(struct dt_parse *p)
{
	if (match_word(p, "UTC", 3) || match_word(p, "GMT", 3)) {
		p->pos += 3;
	} else if (match_word(p, "Z", 1)) {
		p->pos += 1;
	} else {
		return parse_fail(p, p->pos, "expected UTC, GMT or Z");
	}
	p->has_offset = true;
	p->offset = 0;
	return 0;
}

/* Seconds between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define EPOCH_MIN_SECS (-62135596800LL)
#define EPOCH_MAX_SECS 253402300799LL

static int conv_epoch(struct dt_parse *p)
{
	size_t start = p->pos;
	bool neg = false;
	int64_t v = 0;

	if (peek(p) == '-') {
		neg = true;
		p->pos++;
	}
	if (read_num(p, 1, 12, &v, "Unix time"))
		return -1;
	if (is_digit(peek(p)))
		return parse_fail(p, start, "Unix time out of range");
	v = neg ? -v : v;
	if (v < EPOCH_MIN_SECS || v > EPOCH_MAX_SECS)
		return parse_fail(p, start, "Unix time out of range");
	p->epoch = v;
	p->has_epoch = true;
	p->has_time = true;
	p->has_offset = true;
	p->offset = 0;
	return 0;
}

static int match_format(struct dt_parse *p, const char *f, size_t flen);

static int conv_date_part(struct dt_parse *p, char c)
{
	switch (c) {
	case 'Y':
		return conv_year4(p);
	case 'y':
		return conv_year2(p);
	case 'm':
		return read_int(p, 1, 2, 1, 12, &p->month, "month");
	case 'd':
		return conv_mday(p, false);
	case 'e':
		return conv_mday(p, true);
	case 'j':
		p->yday_pos = p->pos;
		return read_int(p, 1, 3, 1, 366, &p->yday, "day of year");
	case 'b':
	case 'h':
		return conv_month_name(p, false);
	case 'B':
		return conv_month_name(p, true);
	case 'a':
		return conv_weekday(p, false);
	case 'A':
		return conv_weekday(p, true);
	case 'F':
		return match_format(p, "%Y-%m-%d", 8);
	default:
		return 1;	/* not a date conversion */
	}
}

static int conv_time_part(struct dt_parse *p, char c)
{
	p->has_time = true;
	switch (c) {
	case 'H':
		return read_int(p, 1, 2, 0, 23, &p->hour, "hour");
	case 'I':
		return read_int(p, 1, 2, 1, 12, &p->hour12, "hour");
	case 'M':
		return read_int(p, 1, 2, 0, 59, &p->minute, "minute");
	case 'S':
		return read_int(p, 1, 2, 0, 59, &p->second, "second");
	case 'T':
		return match_format(p, "%H:%M:%S", 8);
	default:
		return parse_fail(p, p->pos, "unknown conversion");
	}
}

static int conv_apply(struct dt_parse *p, char c)
{
	int rc;

	switch (c) {
	case 'p':
		return conv_ampm(p);
	case 'f':
		return conv_fraction(p);
	case 'z':
		return conv_offset(p);
	case 'Z':
		return conv_zone_name(p);
	case 's':
		return conv_epoch(p);
	case '%':
		if (peek(p) != '%')
			return parse_fail(p, p->pos, "expected '%%'");
		p->pos++;
		return 0;
	default:
		rc = conv_date_part(p, c);
		return rc <= 0 ? rc : conv_time_part(p, c);
	}
}

static int match_literal(struct dt_parse *p, char c)
{
	int got = peek(p);

	if (got == (unsigned char)c) {
		p->pos++;
		return 0;
	}
	if (got < 0)
		return parse_fail(p, p->pos, "expected '%c' but the value ends", c);
	return parse_fail(p, p->pos, "expected '%c'", c);
}

static int match_format(struct dt_parse *p, const char *f, size_t flen)
{
	for (size_t i = 0; i < flen; i++) {
		if (f[i] == '%' && i + 1 < flen) {
			if (conv_apply(p, f[++i]))
				return -1;
		} else if (is_space((unsigned char)f[i])) {
			while (is_space(peek(p)))
				p->pos++;
		} else if (match_literal(p, f[i])) {
			return -1;
		}
	}
	return 0;
}

/* YYYY-MM-DD[(T|t| )HH:MM[:SS[.f]][Z|+hh[[:]mm]]] */
static int match_iso(struct dt_parse *p)
{
	int c;

	if (conv_year4(p) || match_literal(p, '-'))
		return -1;
	if (read_int(p, 2, 2, 1, 12, &p->month, "month") ||
	    match_literal(p, '-'))
		return -1;
	p->mday_pos = p->pos;
	if (read_int(p, 2, 2, 1, 31, &p->mday, "day"))
		return -1;
	c = peek(p);
	if (c != 'T' && c != 't' && c != ' ')
		return 0;
	p->pos++;
	p->has_time = true;
	if (read_int(p, 2, 2, 0, 23, &p->hour, "hour") ||
	    match_literal(p, ':') ||
	    read_int(p, 2, 2, 0, 59, &p->minute, "minute"))
		return -1;
	if (peek(p) == ':') {
		p->pos++;
		if (read_int(p, 2, 2, 0, 59, &p->second, "second"))
			return -1;
		if (peek(p) == '.' || peek(p) == ',') {
			p->pos++;
			if (conv_fraction(p))
				return -1;
		}
	}
	c = peek(p);
	if (c == 'Z' || c == 'z' || c == '+' || c == '-')
		return conv_offset(p);
	return 0;
}

/* Settle month and day from %j, checking them against %m and %d. */
static int finish_yday(struct dt_parse *p)
{
	int64_t y;
	int m, d;
	int max = is_leap_year(p->year) ? 366 : 365;

	if (p->yday > max)
		return parse_fail(p, p->yday_pos, "day of year %d is not in %" PRId64,
				  p->yday, p->year);
	days_to_civil(civil_to_days(p->year, 1, 1) + p->yday - 1, &y, &m, &d);
	if ((p->month && p->month != m) || (p->mday && p->mday != d))
		return parse_fail(p, p->yday_pos,
				  "day of year %d disagrees with the month and day",
				  p->yday);
	p->month = m;
	p->mday = d;
	return 0;
}

static int finish_epoch(struct dt_parse *p, struct datetime *out)
{
	out->secs = p->epoch;
	out->has_time = 1;
	out->has_offset = 1;
	out->offset_minutes = 0;
	return 0;
}

static int finish(struct dt_parse *p, struct datetime *out)
{
	int64_t days, secs;
	int hour;

	if (p->pos != p->len)
		return parse_fail(p, p->pos, "unexpected text after the date");
	if (p->has_epoch)
		return finish_epoch(p, out);
	if (p->yday && finish_yday(p))
		return -1;
	if (!p->month)
		p->month = 1;
	if (!p->mday)
		p->mday = 1;
	if (!civil_valid(p->year, p->month, p->mday))
		return parse_fail(p, p->mday_pos, "day %d is not in %s %" PRId64,
				  p->mday, month_names[p->month - 1], p->year);
	hour = p->hour < 0 ? 0 : p->hour;
	if (p->hour12 >= 0)
		hour = p->hour12 % 12 + (p->pm == 1 ? 12 : 0);
	days = civil_to_days(p->year, p->month, p->mday);
	secs = days * DATETIME_DAY_SECS + hour * 3600 +
	       (p->minute < 0 ? 0 : p->minute) * 60 +
	       (p->second < 0 ? 0 : p->second);
	out->secs = secs - (int64_t)p->offset * 60;
	out->has_time = p->has_time;
	out->has_offset = p->has_offset;
	out->offset_minutes = p->offset;
	return 0;
}

/* Two ASCII digits at s as a number, or -1. */
static int two_digits(const char *s)
{
	if (!is_digit((unsigned char)s[0]) || !is_digit((unsigned char)s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * A valid "YYYY-MM-DD" under a format that reads it as year, month and
 * day ("%Y-%m-%d", "%F" or ISO 8601): most dates in most files.  Sets
 * *out as the general parser would, without checking the format again
 * and stepping through it; false sends anything else, valid or not, to
 * the general parser, which also words the errors.
 */
static bool plain_date(const char *s, size_t len, const char *f, size_t flen,
		       struct datetime *out)
{
	int hi, lo, month, mday;
	int64_t year;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!format_is_iso(f, flen) && !(flen == 8 && !memcmp(f, "%Y-%m-%d", 8)) &&
	    !(flen == 2 && !memcmp(f, "%F", 2)))
		return false;
	hi = two_digits(s);
	lo = two_digits(s + 2);
	month = two_digits(s + 5);
	mday = two_digits(s + 8);
	if (hi < 0 || lo < 0 || month < 1 || month > 12 || mday < 1)
		return false;
	year = hi * 100 + lo;
	if (year < DATETIME_YEAR_MIN || !civil_valid(year, month, mday))
		return false;
	memset(out, 0, sizeof(*out));
	out->secs = civil_to_days(year, month, mday) * DATETIME_DAY_SECS;
	return true;
}

static int parse_len(const char *s, size_t len, const char *f, size_t flen,
		     struct datetime *out, size_t *err_pos, struct buf *why)
{
	struct dt_parse p;
	int rc;

	if (plain_date(s, len, f, flen, out))
		return 0;
	if (format_check_len(f, flen, NULL, why)) {
		if (err_pos)
			*err_pos = 0;
		return -1;
	}
	parse_init(&p, s, len, why);
	if (format_is_iso(f, flen))
		rc = match_iso(&p);
	else
		rc = match_format(&p, f, flen);
	if (!rc)
		rc = finish(&p, out);
	if (rc && err_pos)
		*err_pos = p.err_pos;
	return rc;
}

int datetime_parse_explain(const char *s, size_t len, const char *format,
			   struct datetime *out, size_t *err_pos,
			   struct buf *why)
{
	return parse_len(s, len, format, strlen(format), out, err_pos, why);
}

int datetime_parse(const char *s, size_t len, const char *format,
		   struct datetime *out, size_t *err_pos)
{
	return parse_len(s, len, format, strlen(format), out, err_pos, NULL);
}

int date_parse_any(const char *s, size_t len, const char *formats,
		   struct datetime *out)
{
	const char *p = formats;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t flen = bar ? (size_t)(bar - p) : strlen(p);

		if (flen && !parse_len(s, len, p, flen, out, NULL, NULL))
			return 0;
		if (!bar)
			return -1;
		p = bar + 1;
	}
}
