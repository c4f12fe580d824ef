/*
 * fuzz_cron.c - libFuzzer target for cron expressions.
 *
 * Invariants: a failure has a reason and a position inside the text; a
 * success has a non-empty bitset in every field and a description; and
 * from a few start times cron_next returns strictly increasing,
 * minute-aligned times that match, with no matching minute skipped in the
 * first two days after the start (checked minute by minute).
 */
#include "util/cron.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No minute in (after, limit) matches. */
static void check_none_between(const struct cron *c, int64_t after,
			       int64_t limit)
{
	int64_t t = after - (after % 60 + 60) % 60 + 60;

	for (; t < limit; t += 60)
		if (cron_matches(c, t))
			abort();
}

static void check_runs(const struct cron *c, int64_t start)
{
	int64_t t = start, next;

	for (int i = 0; i < 5; i++) {
		if (cron_next(c, t, &next)) {
			if (i == 0)	/* never fires: nothing in 2 days either */
				check_none_between(c, start, start + 2 * 86400);
			return;
		}
		if (next <= t || next % 60 || !cron_matches(c, next))
			abort();
		if (i == 0)
			check_none_between(c, start,
					   next < start + 2 * 86400 ?
					   next : start + 2 * 86400);
		t = next;
	}
}

static void check_ok(const struct cron *c, const char *expr)
{
	static const int64_t starts[] = {
		0, -1, 1735689599 /* 2024-12-31T23:59:59 */,
		951782400 /* 2000-02-29 */, 4102444800 /* 2100-01-01 */,
	};
	struct buf text = BUF_INIT;

	if (!c->minutes || !c->hours || !c->mdays || !c->months || !c->wdays)
		abort();
	cron_describe(c, expr, &text);
	if (!text.len)
		abort();
	buf_release(&text);
	for (size_t i = 0; i < ARRAY_SIZE(starts); i++)
		check_runs(c, starts[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf why = BUF_INIT;
	struct cron c;
	size_t pos = SIZE_MAX;
	char *s;

	if (size > 1024)
		return 0;
	s = xstrndup((const char *)data, size);
	if (!s)
		return 0;
	if (cron_parse(s, &c, &pos, &why) == 0) {
		if (why.len)
			abort();
		check_ok(&c, s);
	} else if (pos > strlen(s) || why.len == 0) {
		abort();
	}
	buf_release(&why);
	xfree(s);
	return 0;
}
