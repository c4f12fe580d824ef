/*
 * fuzz_transform.c - libFuzzer target for transform chains: the parser of
 * a mapping's transform attribute and the transforms themselves.
 *
 * The input is SPEC '\n' VALUE.  SPEC is parsed as a chain; when it parses,
 * the chain is applied to VALUE with no other fields in the record (so a
 * country-field=... lookup finds nothing), once with the reader's buffer
 * sizes and once with buffers barely larger than the value, so that the
 * "value too long" path runs too.  Invariants, each an abort() when broken:
 *   - a spec that does not parse has a message and an offset inside it;
 *   - applying returns TXS_OK, or TXS_FAILED with a reason; an empty value
 *     stays empty; the result is NUL-terminated, and valid UTF-8 whenever
 *     the value and the spec were (a spec comes from a policy file, which
 *     libxml2 has already made UTF-8; a replace() or map() argument that
 *     is not would show in the result);
 *   - applying the chain equals applying its transforms one at a time, and
 *     when one fails the value is what it was before that transform;
 *   - each idempotent transform (trim, collapse-space, lower, upper, fold,
 *     digits, alnum, email, e164, country, postcode, bool, address, and date and
 *     datetime when their first format is iso8601) gives back its own
 *     result when applied to it again, and so does a whole chain of the
 *     ones that keep a value's kind of text (trim, collapse-space, lower,
 *     upper, fold, email, address; digits, e164 and the like reinterpret
 *     an earlier step's output) once it has succeeded, fold coming first
 *     if at all: fold
 *     writes compatibility characters the plain way, so the transforms
 *     before it have not seen what it makes ("lower fold" turns U+2119,
 *     which has no lower case, into "P": corpus/transform/lower-then-fold,
 *     found by the fuzzer; the policy reference says to fold first).
 *     Only for valid UTF-8: readers
 *     sanitise values before transforming them, and on invalid bytes
 *     (which are copied through) fold can drop a mark between two stray
 *     bytes and so make a new character that a second fold changes;
 *   - a value a chain ending in e164 or postcode made without failing gets
 *     from validator_check_vouched() (which takes the transform's word for
 *     its type, as the profiler does) the verdict validator_check() gives
 *     it with the country the transform used.
 */
#include "policy/transform.h"
#include "profile/validate.h"
#include "util/utf8.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct transform_ctx no_fields = { NULL, NULL, 0 };

/* How a chain is applied: the buffers' maximum, and whether the spec was
 * valid UTF-8 (so the result must be whenever the value is). */
struct run {
	size_t max;
	bool utf8_spec;
};

static bool starts_iso(const char *formats)
{
	size_t n = strlen("iso8601");

	return !strncmp(formats, "iso8601", n) &&
	       (formats[n] == '\0' || formats[n] == '|');
}

static bool idempotent(const struct transform *t)
{
	switch (t->kind) {
	case TX_TRIM: case TX_COLLAPSE_SPACE: case TX_LOWER: case TX_UPPER:
	case TX_FOLD: case TX_DIGITS: case TX_ALNUM: case TX_EMAIL:
	case TX_E164: case TX_COUNTRY: case TX_POSTCODE: case TX_BOOL:
	case TX_ADDRESS:
		return true;
	case TX_DATE: case TX_DATETIME:
		return starts_iso(t->formats);
	default:
		return false;
	}
}

/* Transforms that keep a value's kind of text, so that a chain of them
 * sees its own output as it saw its input.  The others reinterpret what
 * an earlier step made: "digits e164(country=GB)" turns +4640... into
 * 4640..., a British number (corpus/transform/digits-then-e164). */
static bool text_only(const struct transform *t)
{
	switch (t->kind) {
	case TX_TRIM: case TX_COLLAPSE_SPACE: case TX_LOWER: case TX_UPPER:
	case TX_FOLD: case TX_EMAIL: case TX_ADDRESS:
		return true;
	default:
		return false;
	}
}

static bool chain_idempotent(const struct transform_chain *c)
{
	if (c->n == 1)
		return idempotent(&c->items[0]);
	for (size_t i = 0; i < c->n; i++)
		if (!text_only(&c->items[i]) ||
		    (i > 0 && c->items[i].kind == TX_FOLD))
			return false;
	return true;
}

static bool same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

static void buf_set(struct buf *b, const char *s, size_t len)
{
	buf_reset(b);
	buf_add(b, s, len);
	CHECK(!buf_error(b));
}

/* Apply c to (s, len) into *v, a buffer the caller releases. */
static enum transform_status apply(const struct transform_chain *c,
				   const char *s, size_t len,
				   const struct run *run, struct buf *v)
{
	struct buf scratch;
	const char *why = NULL;
	enum transform_status st;

	buf_init(v, run->max);
	buf_init(&scratch, run->max);
	buf_set(v, s, len);
	st = transform_apply(c, &no_fields, v, &scratch, &why);
	buf_release(&scratch);
	CHECK(st == TXS_OK || (st == TXS_FAILED && why && why[0]));
	CHECK(v->data[v->len] == '\0');
	CHECK(len != 0 || v->len == 0);
	if (run->utf8_spec && utf8_valid(s, len))
		CHECK(utf8_valid(v->data, v->len));
	return st;
}

/* Apply transform t alone to v; check it against its own result. */
static enum transform_status step(const struct transform *t, struct buf *v,
				  const struct run *run)
{
	struct transform_chain one = { (struct transform *)t, 1 };
	struct buf out, again;
	enum transform_status st;

	st = apply(&one, v->data, v->len, run, &out);
	if (st == TXS_FAILED)
		CHECK(same(&out, v));
	if (st == TXS_OK && idempotent(t) && run->utf8_spec &&
	    utf8_valid(v->data, v->len)) {
		apply(&one, out.data, out.len, run, &again);
		CHECK(same(&again, &out));
		buf_release(&again);
	}
	buf_set(v, out.data, out.len);
	buf_release(&out);
	return st;
}

/* What the transforms vouch for, the full check agrees with. */
static void check_vouched(const struct transform_chain *c, const struct buf *v)
{
	static const enum attribute_type types[] = { ATTR_PHONE, ATTR_POSTCODE };
	static char padded[LIMIT_FIELD_BYTES * 2 + VALIDATE_PAD];
	const char *country = c->items[c->n - 1].country;

	if (v->len == 0 || v->len + VALIDATE_PAD > sizeof(padded))
		return;
	memcpy(padded, v->data, v->len);
	memset(padded + v->len, 0, VALIDATE_PAD);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct attribute a = { .type = types[i] };
		struct buf scratch = BUF_INIT;
		struct validator *val;

		CHECK(validator_new(&a, &val) == ST_OK);
		if (validator_vouched_by(val, c))
			CHECK(validator_check_vouched(val, padded, v->len, country) ==
			      validator_check(val, padded, v->len, country, &scratch));
		buf_release(&scratch);
		validator_free(val);
	}
}

static void check_apply(const struct transform_chain *c, const char *value,
			size_t len, const struct run *run)
{
	struct buf whole, by_step, again;
	enum transform_status st, st_steps = TXS_OK;

	st = apply(c, value, len, run, &whole);
	if (st == TXS_OK && c->n)
		check_vouched(c, &whole);
	buf_init(&by_step, run->max);
	buf_set(&by_step, value, len);
	for (size_t i = 0; i < c->n && by_step.len && st_steps == TXS_OK; i++)
		st_steps = step(&c->items[i], &by_step, run);
	CHECK(st == st_steps);
	CHECK(same(&whole, &by_step));
	if (st == TXS_OK && chain_idempotent(c) && run->utf8_spec &&
	    utf8_valid(value, len)) {
		apply(c, whole.data, whole.len, run, &again);
		CHECK(same(&again, &whole));
		buf_release(&again);
	}
	buf_release(&by_step);
	buf_release(&whole);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct transform_chain chain;
	struct transform_error err;
	struct arena a;
	const char *value;
	size_t len;
	char *spec;

	if (!nl)
		return 0;
	spec = xstrndup((const char *)data, (size_t)(nl - data));
	CHECK(spec != NULL);
	value = (const char *)nl + 1;
	len = size - (size_t)(nl - data) - 1;
	arena_init(&a, 1024);
	memset(&err, 0, sizeof(err));
	if (transform_parse(spec, &a, &chain, &err) == 0) {
		bool utf8_spec = utf8_valid(spec, strlen(spec));
		struct run full = { LIMIT_FIELD_BYTES * 2, utf8_spec };
		struct run tight = { len + 1, utf8_spec };

		CHECK(chain.n <= LIMIT_TRANSFORMS);
		check_apply(&chain, value, len, &full);
		check_apply(&chain, value, len, &tight);
	} else {
		CHECK(err.msg[0] != '\0');
		CHECK(err.offset <= strlen(spec));
	}
	CHECK(!a.err);
	arena_release(&a);
	xfree(spec);
	return 0;
}
