/*
 * duration.c - parse, add, print and describe ISO 8601 durations.
 *
 * The parser is driven by one table of designators in their required
 * order; each number must be followed by a designator later in the table
 * than the previous one, and 'T' separates the date designators from the
 * time ones (the two 'M's are told apart by which side of 'T' they are on).
 * The same table drives formatting and the English description, so the
 * three cannot disagree about order.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "datetime.h"
#include "duration.h"

struct designator {
	char c;
	bool time;		/* after 'T' */
	size_t offset;		/* of the component in struct duration */
	int64_t max;
	const char *singular, *plural;
};

#define FIELD(name) offsetof(struct duration, name)

static const struct designator designators[] = {
	{ 'Y', false, FIELD(years), DURATION_COMPONENT_MAX, "year", "years" },
	{ 'M', false, FIELD(months), DURATION_COMPONENT_MAX, "month", "months" },
	{ 'W', false, FIELD(weeks), DURATION_COMPONENT_MAX, "week", "weeks" },
	{ 'D', false, FIELD(days), DURATION_COMPONENT_MAX, "day", "days" },
	{ 'H', true, FIELD(hours), DURATION_COMPONENT_MAX, "hour", "hours" },
	{ 'M', true, FIELD(minutes), DURATION_COMPONENT_MAX, "minute", "minutes" },
	{ 'S', true, FIELD(seconds), DURATION_SECONDS_MAX, "second", "seconds" },
};

#define N_DESIGNATORS ((int)ARRAY_SIZE(designators))

static int64_t *component(struct duration *d, int i)
{
	return (int64_t *)((char *)d + designators[i].offset);
}

static int64_t component_get(const struct duration *d, int i)
{
	return *(const int64_t *)((const char *)d + designators[i].offset);
}

/* --- parsing ----------------------------------------------------------- */

struct dur_parse {
	const char *s;
	size_t pos;
	struct buf *why;
	size_t err_pos;
	bool in_time;
	int next;		/* first designator index still allowed */
};

static int dur_fail(struct dur_parse *p, size_t pos, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static int dur_fail(struct dur_parse *p, size_t pos, const char *fmt, ...)
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

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Index of designator c on the current side of 'T', or -1. */
static int designator_find(char c, bool time)
{
	for (int i = 0; i < N_DESIGNATORS; i++)
		if (designators[i].c == c && designators[i].time == time)
			return i;
	return -1;
}

static int dur_number(struct dur_parse *p, int64_t *val, char after)
{
	size_t start = p->pos;
	int64_t v = 0;

	if (p->s[p->pos] == '-')
		return dur_fail(p, p->pos, "negative durations are not supported");
	if (!is_digit(p->s[p->pos]))
		return dur_fail(p, p->pos, "expected a number after '%c'", after);
	while (is_digit(p->s[p->pos])) {
		if (v <= DURATION_SECONDS_MAX)
			v = v * 10 + (p->s[p->pos] - '0');
		p->pos++;
	}
	if (p->s[p->pos] == '.' || p->s[p->pos] == ',')
		return dur_fail(p, p->pos, "fractions are not supported");
	if (p->s[p->pos] == '\0')
		return dur_fail(p, p->pos, "expected a designator after '%.*s'",
				(int)(p->pos - start), p->s + start);
	*val = v;
	return 0;
}

/* The designator at p->pos, checked against the order and the 'T' side. */
static int dur_designator(struct dur_parse *p, int *idx)
{
	char c = p->s[p->pos];
	int i = designator_find(c, p->in_time);

	if (i < 0 && designator_find(c, !p->in_time) >= 0)
		return dur_fail(p, p->pos, p->in_time ?
				"designator '%c' cannot come after 'T'" :
				"designator '%c' needs 'T' before it", c);
	if (i < 0 && (unsigned char)c > ' ' && (unsigned char)c < 0x7f)
		return dur_fail(p, p->pos, "unknown designator '%c'", c);
	if (i < 0)
		return dur_fail(p, p->pos, "unexpected byte 0x%02x",
				(unsigned char)c);
	if (i < p->next && i == p->next - 1)
		return dur_fail(p, p->pos, "designator '%c' appears twice", c);
	if (i < p->next)
		return dur_fail(p, p->pos, "designator '%c' out of order", c);
	*idx = i;
	return 0;
}

static int dur_component(struct dur_parse *p, struct duration *out,
			 char after)
{
	size_t start = p->pos;
	int64_t v = 0;
	int i = 0;

	if (dur_number(p, &v, after) || dur_designator(p, &i))
		return -1;
	if (v > designators[i].max)
		return dur_fail(p, start, "too many %s (at most %" PRId64 ")",
				designators[i].plural, designators[i].max);
	*component(out, i) = v;
	p->next = i + 1;
	p->pos++;
	return 0;
}

static int dur_parse_body(struct dur_parse *p, struct duration *out)
{
	char after = 'P';

	if (p->s[0] == '-')
		return dur_fail(p, 0, "negative durations are not supported");
	if (p->s[0] == '\0')
		return dur_fail(p, 0, "the duration is empty");
	if (p->s[0] != 'P')
		return dur_fail(p, 0, "a duration starts with 'P'");
	p->pos = 1;
	for (;;) {
		if (p->s[p->pos] == 'T' && p->in_time)
			return dur_fail(p, p->pos, "'T' appears twice");
		if (p->s[p->pos] == 'T') {
			p->in_time = true;
			p->next = designator_find('H', true);
			after = 'T';
			p->pos++;
		}
		if (dur_component(p, out, after))
			return -1;
		if (p->s[p->pos] == '\0')
			return 0;
		after = p->s[p->pos - 1];
	}
}

int duration_parse(const char *s, struct duration *out, size_t *err_pos,
		   struct buf *why)
{
	struct dur_parse p = { s, 0, why, 0, false, 0 };
	struct duration d;

	memset(&d, 0, sizeof(d));
	if (dur_parse_body(&p, &d)) {
		if (err_pos)
			*err_pos = p.err_pos;
		return -1;
	}
	*out = d;
	return 0;
}

/* --- arithmetic -------------------------------------------------------- */

bool duration_is_zero(const struct duration *d)
{
	for (int i = 0; i < N_DESIGNATORS; i++)
		if (component_get(d, i))
			return false;
	return true;
}

int64_t duration_approx_seconds(const struct duration *d)
{
	/* 365.2425 days = 31556952 s; a twelfth of it = 2629746 s. */
	return d->years * 31556952 + d->months * 2629746 +
	       d->weeks * 604800 + d->days * 86400 + d->hours * 3600 +
	       d->minutes * 60 + d->seconds;
}

int64_t duration_add(int64_t utc_secs, const struct duration *d)
{
	int64_t t = utc_secs, days, sod, y, months;
	int m, day, dim;

	if (t > DURATION_ADD_LIMIT)
		t = DURATION_ADD_LIMIT;
	if (t < -DURATION_ADD_LIMIT)
		t = -DURATION_ADD_LIMIT;
	days = floor_div(t, DATETIME_DAY_SECS);
	sod = t - days * DATETIME_DAY_SECS;
	days_to_civil(days, &y, &m, &day);
	months = y * 12 + (m - 1) + d->years * 12 + d->months;
	y = floor_div(months, 12);
	m = (int)(months - y * 12) + 1;
	dim = days_in_month(y, m);
	if (day > dim)
		day = dim;
	days = civil_to_days(y, m, day) + d->weeks * 7 + d->days;
	return days * DATETIME_DAY_SECS + sod + d->hours * 3600 +
	       d->minutes * 60 + d->seconds;
}

/* --- printing ---------------------------------------------------------- */

void duration_format(const struct duration *d, struct buf *out)
{
	bool in_time = false;

	buf_addch(out, 'P');
	if (duration_is_zero(d)) {
		buf_addstr(out, "0D");
		return;
	}
	for (int i = 0; i < N_DESIGNATORS; i++) {
		int64_t v = component_get(d, i);

		if (!v)
			continue;
		if (designators[i].time && !in_time) {
			buf_addch(out, 'T');
			in_time = true;
		}
		buf_addf(out, "%" PRId64 "%c", v, designators[i].c);
	}
}

void duration_describe(const struct duration *d, struct buf *out)
{
	int n = 0, total = 0;

	for (int i = 0; i < N_DESIGNATORS; i++)
		total += component_get(d, i) != 0;
	if (!total) {
		buf_addstr(out, "0 days");
		return;
	}
	for (int i = 0; i < N_DESIGNATORS; i++) {
		int64_t v = component_get(d, i);

		if (!v)
			continue;
		if (n)
			buf_addstr(out, n == total - 1 ? " and " : ", ");
		buf_addf(out, "%" PRId64 " %s", v, v == 1 ?
			 designators[i].singular : designators[i].plural);
		n++;
	}
}
