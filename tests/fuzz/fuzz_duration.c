/*
 * fuzz_duration.c - libFuzzer target for ISO 8601 durations.
 *
 * Invariants: a failure has a reason and a position inside the text; a
 * success formats to a canonical text that parses back to the same
 * duration and formats identically again; its description is not empty;
 * its length in seconds is not negative; and adding it never moves a time
 * backwards.
 */
#include "util/duration.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool duration_equal(const struct duration *a, const struct duration *b)
{
	return a->years == b->years && a->months == b->months &&
	       a->weeks == b->weeks && a->days == b->days &&
	       a->hours == b->hours && a->minutes == b->minutes &&
	       a->seconds == b->seconds;
}

static void check_ok(const struct duration *d)
{
	static const int64_t starts[] = {
		0, -1, 951782400 /* 2000-02-29 */, 1706659200 /* 2024-01-31 */,
		-62135596800, 253402300799,
	};
	struct buf text = BUF_INIT, again = BUF_INIT, words = BUF_INIT;
	struct duration back;

	duration_format(d, &text);
	if (duration_parse(text.data, &back, NULL, NULL) || !duration_equal(d, &back))
		abort();
	duration_format(&back, &again);
	if (strcmp(text.data, again.data))
		abort();
	duration_describe(d, &words);
	if (!words.len || buf_error(&words))
		abort();
	if (duration_approx_seconds(d) < 0)
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(starts); i++)
		if (duration_add(starts[i], d) < starts[i])
			abort();
	buf_release(&text);
	buf_release(&again);
	buf_release(&words);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf why = BUF_INIT;
	struct duration d;
	size_t pos = SIZE_MAX;
	char *s;

	if (size > 4096)
		return 0;
	s = xstrndup((const char *)data, size);
	if (!s)
		return 0;
	if (duration_parse(s, &d, &pos, &why) == 0) {
		if (why.len)
			abort();
		check_ok(&d);
	} else if (pos > strlen(s) || why.len == 0) {
		abort();
	}
	buf_release(&why);
	xfree(s);
	return 0;
}
