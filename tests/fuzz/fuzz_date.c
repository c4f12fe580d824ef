/*
 * fuzz_date.c - libFuzzer target for the date parser.
 *
 * The input is "FORMAT|VALUE", split at the last '|' (so FORMAT may itself
 * be a '|'-separated list for date_parse_any).  Invariants checked:
 *   - a value that parses came from a format that passes the format check;
 *   - a failure has a reason and a position inside the value;
 *   - a date-only result is a UTC midnight, and every result lies within a
 *     day of 0001-01-01 .. 9999-12-31;
 *   - printing a result in ISO form and parsing it back with "iso8601"
 *     gives the same instant (unless an offset carried it past the years
 *     iso8601 accepts);
 *   - date_parse_any agrees with the first format of its list that parses.
 */
#include "util/datetime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIN_SECS (-62135596800LL - 86400)
#define MAX_SECS (253402300799LL + 86400)

static void check_result(const struct datetime *dt)
{
	struct buf iso = BUF_INIT;
	struct datetime back;
	int64_t y;
	int m, d;

	if (dt->secs < MIN_SECS || dt->secs > MAX_SECS)
		abort();
	if (!dt->has_time && (floor_mod(dt->secs, 86400) || dt->offset_minutes))
		abort();
	datetime_format_iso(dt, &iso);
	if (buf_error(&iso))
		abort();
	days_to_civil(floor_div(dt->secs, 86400), &y, &m, &d);
	if (datetime_parse(iso.data, iso.len, "iso8601", &back, NULL)) {
		if (y >= 1 && y <= 9999)
			abort();
	} else if (back.secs != dt->secs || back.has_time != dt->has_time) {
		abort();
	}
	buf_release(&iso);
}

static void check_one(const char *value, size_t len, const char *format)
{
	struct datetime dt;
	struct buf why = BUF_INIT;
	size_t pos = SIZE_MAX;
	int rc = datetime_parse_explain(value, len, format, &dt, &pos, &why);

	if (rc == 0) {
		if (why.len || datetime_format_check(format, NULL, NULL))
			abort();
		check_result(&dt);
	} else if (rc != -1 || pos > len || why.len == 0) {
		abort();
	}
	buf_release(&why);
}

/* date_parse_any must agree with trying each format in turn. */
static void check_any(const char *value, size_t len, const char *formats)
{
	struct datetime any, one;
	int rc = date_parse_any(value, len, formats, &any);
	const char *p = formats;
	char *f;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t flen = bar ? (size_t)(bar - p) : strlen(p);

		f = xstrndup(p, flen);
		if (!f)
			return;
		if (flen && !datetime_parse(value, len, f, &one, NULL)) {
			if (rc || one.secs != any.secs || one.has_time != any.has_time)
				abort();
			xfree(f);
			return;
		}
		xfree(f);
		if (!bar)
			break;
		p = bar + 1;
	}
	if (rc == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *bar = NULL;
	char *format, *value;
	size_t flen, vlen;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '|')
			bar = data + i;
	if (!bar || size > 4096)
		return 0;
	flen = (size_t)(bar - data);
	vlen = size - flen - 1;
	format = xstrndup((const char *)data, flen);
	value = xmalloc(vlen);	/* exactly vlen bytes: no NUL to lean on */
	if (!format || !value) {
		xfree(format);
		xfree(value);
		return 0;
	}
	if (vlen)
		memcpy(value, bar + 1, vlen);
	check_one(value, vlen, format);
	check_one(value, vlen, "iso8601");
	check_any(value, vlen, format);
	xfree(format);
	xfree(value);
	return 0;
}
