/*
 * cron.c - parse cron expressions, find their next run, describe them.
 *
 * Parsing turns each of the five fields into a bitset through one table
 * that says the field's name (for messages), its range and its month or
 * weekday names.  Macros (@daily ...) are expanded to their five-field
 * text and parsed like anything else.
 *
 * cron_next walks the civil calendar from the minute after `after`: a
 * month that cannot match is skipped whole, then a day, then the next
 * matching hour and minute are found with one bit scan each, so even an
 * expression that never fires costs a few thousand steps (CRON_SEARCH_YEARS
 * of months), not millions of minutes.
 */
#include <stdarg.h>

#include "cron.h"
#include "datetime.h"

static const char *const month_abbr[] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
	"JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
};

static const char *const wday_abbr[] = {
	"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"
};

struct cron_field {
	const char *name;
	int lo, hi;			/* numbers accepted */
	int span;			/* largest step: distinct values */
	const char *const *names;	/* names[i] is the value base + i */
	int n_names, base;
};

enum { F_MINUTE, F_HOUR, F_MDAY, F_MONTH, F_WDAY, N_FIELDS };

static const struct cron_field fields[N_FIELDS] = {
	{ "minute", 0, 59, 60, NULL, 0, 0 },
	{ "hour", 0, 23, 24, NULL, 0, 0 },
	{ "day of month", 1, 31, 31, NULL, 0, 0 },
	{ "month", 1, 12, 12, month_abbr, 12, 1 },
	{ "day of week", 0, 7, 7, wday_abbr, 7, 0 },
};

static const struct {
	const char *name, *expansion;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" }, { "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

#define ALL_MINUTES ((UINT64_C(1) << 60) - 1)
#define ALL_HOURS ((UINT32_C(1) << 24) - 1)
#define ALL_MDAYS UINT32_C(0xfffffffe)
#define ALL_MONTHS UINT16_C(0x1ffe)
#define ALL_WDAYS UINT8_C(0x7f)

/* Longest piece of the expression quoted back in a message. */
#define QUOTE_MAX 32

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int to_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* --- parsing ----------------------------------------------------------- */

struct cron_parse {
	const char *s;
	struct buf *why;
	size_t err_pos;
	const struct cron_field *field;	/* the field being parsed, or NULL */
};

static int cron_fail(struct cron_parse *p, size_t pos, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static int cron_fail(struct cron_parse *p, size_t pos, const char *fmt, ...)
{
	va_list ap;

	p->err_pos = pos;
	if (!p->why)
		return -1;
	if (p->field)
		buf_addf(p->why, "%s: ", p->field->name);
	va_start(ap, fmt);
	buf_vaddf(p->why, fmt, ap);
	va_end(ap);
	return -1;
}

/* "unexpected 'c'", with bytes that would not print shown in hex. */
static int cron_fail_char(struct cron_parse *p, size_t pos, char c)
{
	unsigned char uc = (unsigned char)c;

	if (uc > ' ' && uc < 0x7f)
		return cron_fail(p, pos, "unexpected '%c'", c);
	return cron_fail(p, pos, "unexpected byte 0x%02x", uc);
}

static int quote_len(size_t len)
{
	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static int name_value(const struct cron_field *f, const char *tok, size_t len)
{
	for (int i = 0; len == 3 && i < f->n_names; i++) {
		const char *n = f->names[i];

		if (to_upper(tok[0]) == n[0] && to_upper(tok[1]) == n[1] &&
		    to_upper(tok[2]) == n[2])
			return f->base + i;
	}
	return -1;
}

/* A number or a name at *pos, checked against the field's range. */
static int parse_value(struct cron_parse *p, size_t *pos, int *val,
		       const char *after)
{
	const struct cron_field *f = p->field;
	const char *tok = p->s + *pos;
	size_t len = 0;
	int64_t v = 0;
	bool digits = true;

	while (is_alnum(tok[len])) {
		digits = digits && is_digit(tok[len]);
		if (digits && v <= 1000000)
			v = v * 10 + (tok[len] - '0');
		len++;
	}
	if (len == 0 && (tok[0] == '\0' || tok[0] == ',' || is_blank(tok[0])))
		return cron_fail(p, *pos, "expected a number %s", after);
	if (len == 0)
		return cron_fail_char(p, *pos, tok[0]);
	if (!digits && !f->names)
		return cron_fail(p, *pos, "'%.*s' is not a number",
				 quote_len(len), tok);
	if (!digits && (v = name_value(f, tok, len)) < 0)
		return cron_fail(p, *pos, "unknown name '%.*s'",
				 quote_len(len), tok);
	if (v < f->lo || v > f->hi)
		return cron_fail(p, *pos, "'%.*s' is out of range %d-%d",
				 quote_len(len), tok, f->lo, f->hi);
	*val = (int)v;
	*pos += len;
	return 0;
}

static int parse_step(struct cron_parse *p, size_t *pos, int *step)
{
	const char *tok = p->s + *pos;
	size_t len = 0;
	int64_t v = 0;

	while (is_digit(tok[len])) {
		if (v <= 1000000)
			v = v * 10 + (tok[len] - '0');
		len++;
	}
	if (len == 0)
		return cron_fail(p, *pos, "expected a number after '/'");
	if (v == 0)
		return cron_fail(p, *pos, "step 0 is not allowed");
	if (v > p->field->span)
		return cron_fail(p, *pos, "step '%.*s' is out of range 1-%d",
				 quote_len(len), tok, p->field->span);
	*step = (int)v;
	*pos += len;
	return 0;
}

/* The range part of an item: '*', N or N-M. */
static int parse_range(struct cron_parse *p, size_t *pos, int *lo, int *hi,
		       bool *open)
{
	size_t start = *pos;

	*open = false;
	if (p->s[*pos] == '*') {
		*lo = p->field->lo;
		*hi = p->field->hi;
		(*pos)++;
		return 0;
	}
	if (parse_value(p, pos, lo, "in the list"))
		return -1;
	*hi = *lo;
	*open = p->s[*pos] != '-';
	if (p->s[*pos] != '-')
		return 0;
	(*pos)++;
	if (parse_value(p, pos, hi, "after '-'"))
		return -1;
	if (*hi < *lo)
		return cron_fail(p, start, "range %.*s is backwards",
				 quote_len(*pos - start), p->s + start);
	return 0;
}

/* One comma-separated item: a range with an optional step. */
static int parse_item(struct cron_parse *p, size_t *pos, uint64_t *bits)
{
	int lo, hi, step = 1;
	bool open;

	if (parse_range(p, pos, &lo, &hi, &open))
		return -1;
	if (p->s[*pos] == '/') {
		(*pos)++;
		if (parse_step(p, pos, &step))
			return -1;
		if (open)
			hi = p->field->hi;	/* N/S means N-max/S */
	}
	if (p->s[*pos] != ',' && p->s[*pos] != '\0' && !is_blank(p->s[*pos]))
		return cron_fail_char(p, *pos, p->s[*pos]);
	for (int v = lo; v <= hi; v += step)
		*bits |= UINT64_C(1) << v;
	return 0;
}

/* A whole field starting at *pos; stops at the blank or NUL after it. */
static int parse_field(struct cron_parse *p, size_t *pos, uint64_t *bits)
{
	*bits = 0;
	for (;;) {
		if (parse_item(p, pos, bits))
			return -1;
		if (p->s[*pos] != ',')
			return 0;
		(*pos)++;
	}
}

static void cron_store(struct cron *c, const uint64_t *bits,
		       const bool *star)
{
	uint64_t w = bits[F_WDAY];

	if (w & (UINT64_C(1) << 7))
		w |= 1;		/* 7 is Sunday too */
	c->minutes = bits[F_MINUTE];
	c->hours = (uint32_t)bits[F_HOUR];
	c->mdays = (uint32_t)bits[F_MDAY];
	c->months = (uint16_t)bits[F_MONTH];
	c->wdays = (uint8_t)(w & ALL_WDAYS);
	c->mday_star = star[F_MDAY];
	c->wday_star = star[F_WDAY];
}

static size_t skip_blanks(const char *s, size_t pos)
{
	while (is_blank(s[pos]))
		pos++;
	return pos;
}

static int count_fields(const char *s, size_t pos, size_t *sixth)
{
	int n = 0;

	while (s[pos = skip_blanks(s, pos)]) {
		if (++n == 6)
			*sixth = pos;
		while (s[pos] && !is_blank(s[pos]))
			pos++;
	}
	return n;
}

static int parse_fields(struct cron_parse *p, size_t pos, struct cron *out)
{
	uint64_t bits[N_FIELDS];
	bool star[N_FIELDS];
	size_t sixth = 0;
	int n = count_fields(p->s, pos, &sixth);

	if (n != N_FIELDS)
		return cron_fail(p, n > N_FIELDS ? sixth : strlen(p->s),
				 "expected 5 fields, found %d", n);
	for (int i = 0; i < N_FIELDS; i++) {
		pos = skip_blanks(p->s, pos);
		p->field = &fields[i];
		star[i] = p->s[pos] == '*';
		if (parse_field(p, &pos, &bits[i]))
			return -1;
	}
	cron_store(out, bits, star);
	return 0;
}

static bool equal_nocase(const char *a, size_t alen, const char *b)
{
	if (strlen(b) != alen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (to_upper(a[i]) != to_upper(b[i]))
			return false;
	return true;
}

static int parse_macro(struct cron_parse *p, size_t pos, struct cron *out)
{
	size_t len = 0, rest;

	while (p->s[pos + len] && !is_blank(p->s[pos + len]))
		len++;
	rest = skip_blanks(p->s, pos + len);
	for (size_t i = 0; i < ARRAY_SIZE(macros); i++) {
		struct cron_parse mp = { macros[i].expansion, NULL, 0, NULL };

		if (!equal_nocase(p->s + pos, len, macros[i].name))
			continue;
		if (p->s[rest])
			return cron_fail(p, rest, "unexpected text after '%s'",
					 macros[i].name);
		return parse_fields(&mp, 0, out);
	}
	return cron_fail(p, pos, "unknown macro '%.*s'", quote_len(len),
			 p->s + pos);
}

int cron_parse(const char *expr, struct cron *out, size_t *err_pos,
	       struct buf *why)
{
	struct cron_parse p = { expr, why, 0, NULL };
	size_t pos = skip_blanks(expr, 0);
	struct cron c;
	int rc;

	memset(&c, 0, sizeof(c));
	if (!expr[pos])
		rc = cron_fail(&p, pos, "the cron expression is empty");
	else if (expr[pos] == '@')
		rc = parse_macro(&p, pos, &c);
	else
		rc = parse_fields(&p, pos, &c);
	if (rc) {
		if (err_pos)
			*err_pos = p.err_pos;
		return -1;
	}
	*out = c;
	return 0;
}

/* --- matching and searching -------------------------------------------- */

static bool day_matches(const struct cron *c, int mday, int wday)
{
	bool dom = c->mdays & (UINT32_C(1) << mday);
	bool dow = c->wdays & (1u << wday);

	if (c->mday_star || c->wday_star)
		return dom && dow;
	return dom || dow;
}

bool cron_matches(const struct cron *c, int64_t t)
{
	int64_t mins = floor_div(t, 60);
	int64_t days = floor_div(mins, 1440);
	int64_t mod = mins - days * 1440;
	int64_t y;
	int m, d;

	if (t > CRON_TIME_LIMIT || t < -CRON_TIME_LIMIT)
		return false;
	days_to_civil(days, &y, &m, &d);
	return (c->minutes & (UINT64_C(1) << (mod % 60))) &&
	       (c->hours & (UINT32_C(1) << (mod / 60))) &&
	       (c->months & (1u << m)) &&
	       day_matches(c, d, day_of_week(days));
}

/* The lowest set bit of set at or above from, or -1. */
static int next_bit(uint64_t set, int from)
{
	if (from >= 64)
		return -1;
	set >>= from;
	return set ? from + __builtin_ctzll(set) : -1;
}

/* Where cron_next is in the calendar. */
struct cron_cursor {
	int64_t y;
	int m, d, h, min;
};

static void cursor_next_day(struct cron_cursor *k)
{
	k->d++;
	k->h = 0;
	k->min = 0;
}

static void cursor_next_month(struct cron_cursor *k)
{
	if (++k->m > 12) {
		k->m = 1;
		k->y++;
	}
	k->d = 1;
	k->h = 0;
	k->min = 0;
}

/*
 * Move k to a day that matches (or past the month's end).  When only the
 * day of month can admit a day (AND semantics), jump straight to the next
 * day in the set instead of testing each.
 */
static void cursor_find_day(const struct cron *c, struct cron_cursor *k,
			    int dim)
{
	if (c->mday_star || c->wday_star) {
		int d = next_bit(c->mdays & ALL_MDAYS, k->d);

		if (d != k->d) {
			k->d = d < 0 ? dim + 1 : d;
			k->h = 0;
			k->min = 0;
		}
	}
	while (k->d <= dim &&
	       !day_matches(c, k->d, day_of_week(civil_to_days(k->y, k->m, k->d))))
		cursor_next_day(k);
}

/* In a matching day, the first matching hour and minute at or after k;
 * false when the day has none left. */
static bool cursor_find_time(const struct cron *c, struct cron_cursor *k)
{
	for (;;) {
		int h = next_bit(c->hours & ALL_HOURS, k->h), min;

		if (h < 0)
			return false;
		if (h != k->h) {
			k->h = h;
			k->min = 0;
		}
		min = next_bit(c->minutes & ALL_MINUTES, k->min);
		if (min >= 0) {
			k->min = min;
			return true;
		}
		k->h++;
		k->min = 0;
	}
}

static void cursor_start(struct cron_cursor *k, int64_t after)
{
	int64_t mins = floor_div(after, 60) + 1;
	int64_t days = floor_div(mins, 1440);
	int mod = (int)(mins - days * 1440);

	days_to_civil(days, &k->y, &k->m, &k->d);
	k->h = mod / 60;
	k->min = mod % 60;
}

int cron_next(const struct cron *c, int64_t after, int64_t *next)
{
	struct cron_cursor k;
	int64_t stop;

	if (after > CRON_TIME_LIMIT || after < -CRON_TIME_LIMIT)
		return -1;
	cursor_start(&k, after);
	stop = k.y + CRON_SEARCH_YEARS;
	while (k.y <= stop) {
		int dim = days_in_month(k.y, k.m);

		if (!(c->months & (1u << k.m))) {
			cursor_next_month(&k);
			continue;
		}
		cursor_find_day(c, &k, dim);
		if (k.d > dim) {
			cursor_next_month(&k);
			continue;
		}
		if (!cursor_find_time(c, &k)) {
			cursor_next_day(&k);
			continue;
		}
		*next = (civil_to_days(k.y, k.m, k.d) * 1440 + k.h * 60 +
			 k.min) * 60;
		return 0;
	}
	return -1;
}

/* --- describing -------------------------------------------------------- */

static const char *const month_full[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static const char *const wday_full[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday"
};

static int bit_count(uint64_t set)
{
	return __builtin_popcountll(set);
}

static int only_bit(uint64_t set)
{
	return bit_count(set) == 1 ? __builtin_ctzll(set) : -1;
}

/* Step s > 1 when set is exactly 0, s, 2s ... below n and s divides n. */
static int step_of(uint64_t set, int n)
{
	int s = next_bit(set, 1);
	uint64_t want = 0;

	if (!(set & 1) || s <= 1 || n % s)
		return 0;
	for (int v = 0; v < n; v += s)
		want |= UINT64_C(1) << v;
	return want == set ? s : 0;
}

/* "A", "A and B", "A, B and C" for the set bits, each printed by fn. */
static void add_list(struct buf *out, uint64_t set,
		     void (*fn)(struct buf *, int, int), int arg)
{
	int total = bit_count(set), n = 0;

	for (int v = next_bit(set, 0); v >= 0; v = next_bit(set, v + 1)) {
		if (n)
			buf_addstr(out, n == total - 1 ? " and " : ", ");
		fn(out, v, arg);
		n++;
	}
}

static void add_clock(struct buf *out, int hour, int minute)
{
	buf_addf(out, "%02d:%02d", hour, minute);
}

static void add_number(struct buf *out, int v, int unused)
{
	UNUSED(unused);
	buf_addf(out, "%d", v);
}

static void add_month(struct buf *out, int v, int unused)
{
	UNUSED(unused);
	buf_addstr(out, month_full[v - 1]);
}

static void add_wday(struct buf *out, int v, int unused)
{
	UNUSED(unused);
	buf_addstr(out, wday_full[v]);
}

/* Hours first-last when set is that contiguous run of three or more. */
static bool hour_run(uint32_t set, int *first, int *last)
{
	uint64_t run;

	if (bit_count(set) < 3)
		return false;
	*first = next_bit(set, 0);
	*last = 63 - __builtin_clzll(set);
	run = ((UINT64_C(1) << (*last - *first + 1)) - 1) << *first;
	return run == set;
}

/* A single minute m in the given hours: "every hour at minute 0",
 * "at 06:00 and 18:00"...; the form as for describe_time. */
static int describe_hours(uint32_t hours, int m, struct buf *out)
{
	int hs = step_of(hours, 24), first, last;

	if (hours == ALL_HOURS) {
		buf_addf(out, "every hour at minute %d", m);
	} else if (hs) {
		buf_addf(out, "every %d hours at minute %d", hs, m);
	} else if (hour_run(hours, &first, &last)) {
		buf_addf(out, "every hour from %02d:%02d to %02d:%02d",
			 first, m, last, m);
	} else if (hours && bit_count(hours) <= 6) {
		buf_addstr(out, "at ");
		add_list(out, hours, add_clock, m);
		return 2;
	} else {
		return 0;
	}
	return 1;
}

/*
 * The time of day.  Returns 0 when not a common shape, 1 for "every ..."
 * phrases (which need no "every day"), 2 for "at HH:MM" phrases.
 */
static int describe_time(const struct cron *c, struct buf *out)
{
	int m = only_bit(c->minutes), h = only_bit(c->hours);
	int ms = step_of(c->minutes, 60);
	bool all_h = c->hours == ALL_HOURS;

	if (c->minutes == ALL_MINUTES && all_h)
		buf_addstr(out, "every minute");
	else if (ms && all_h)
		buf_addf(out, "every %d minutes", ms);
	else if (c->minutes == ALL_MINUTES && h >= 0)
		buf_addf(out, "every minute from %02d:00 to %02d:59", h, h);
	else if (ms && h >= 0)
		buf_addf(out, "every %d minutes from %02d:00 to %02d:59", ms,
			 h, h);
	else if (m >= 0)
		return describe_hours(c->hours, m, out);
	else
		return 0;
	return 1;
}

static void describe_mdays(const struct cron *c, struct buf *out)
{
	int d = only_bit(c->mdays);

	if (d >= 0 && only_bit(c->months) >= 0) {
		buf_addf(out, " on %d %s", d, month_full[only_bit(c->months) - 1]);
		return;
	}
	buf_addstr(out, d >= 0 ? " on day " : " on days ");
	add_list(out, c->mdays, add_number, 0);
	if (c->months == ALL_MONTHS) {
		buf_addstr(out, " of every month");
		return;
	}
	buf_addstr(out, " of ");
	add_list(out, c->months, add_month, 0);
}

static void describe_wdays(const struct cron *c, struct buf *out)
{
	if (c->wdays == 0x3e) {
		buf_addstr(out, " on weekdays");
	} else if (c->wdays == 0x41) {
		buf_addstr(out, " on Saturday and Sunday");
	} else {
		buf_addstr(out, " on ");
		add_list(out, c->wdays, add_wday, 0);
	}
	if (c->months != ALL_MONTHS) {
		buf_addstr(out, " in ");
		add_list(out, c->months, add_month, 0);
	}
}

/* The days; false when not a common shape. */
static bool describe_days(const struct cron *c, int form, struct buf *out)
{
	bool mday_r = c->mdays != ALL_MDAYS, wday_r = c->wdays != ALL_WDAYS;
	bool few_months = bit_count(c->months) <= 4 && c->months;

	if (!c->mday_star && !c->wday_star && (!mday_r || !wday_r))
		mday_r = wday_r = false;	/* either matches every day */
	if ((mday_r && wday_r) || (!few_months && c->months != ALL_MONTHS))
		return false;
	if (mday_r && bit_count(c->mdays) <= 6 && c->mdays) {
		describe_mdays(c, out);
	} else if (wday_r && c->wdays) {
		describe_wdays(c, out);
	} else if (mday_r || wday_r) {
		return false;
	} else if (c->months != ALL_MONTHS) {
		buf_addstr(out, form == 2 ? " every day in " : " in ");
		add_list(out, c->months, add_month, 0);
	} else if (form == 2) {
		buf_addstr(out, " every day");
	}
	return true;
}

void cron_describe(const struct cron *c, const char *expr, struct buf *out)
{
	size_t start = out->len;
	int form = describe_time(c, out);

	if (form && describe_days(c, form, out))
		return;
	buf_truncate(out, start);
	if (expr)
		buf_addf(out, "on the schedule '%s'", expr);
	else
		buf_addstr(out, "on a custom schedule");
}
