/*
 * fuzz_padded.c - libFuzzer target for the short cuts that read a value a
 * fixed width at a time: sketch_shape_padded(), validator_check_padded()
 * and validator_plain_email() (profile/sketch.c, profile/validate.c).
 *
 * The input is the value; a copy of it is followed by SKETCH_PAD bytes of
 * padding taken from the input again (reversed), so that what lies past
 * the value is as arbitrary as the value.  Invariants, each an abort()
 * when broken:
 *   - the padded shape, when given, is sketch_shape()'s, and its hash is
 *     sketch_shape_hash()'s; it is declined only for a value longer than
 *     SKETCH_SHAPE_MAX or with a byte outside ASCII;
 *   - for a value without NUL bytes (as values are), the padded check of
 *     an email and of a text gives the general check's verdict, and an
 *     address the short cut calls plain is valid.
 */
#include "profile/sketch.h"
#include "profile/validate.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

_Static_assert(SKETCH_PAD >= VALIDATE_PAD, "one padding serves both");

static void check_shape(const char *s, size_t len)
{
	struct buf want = BUF_INIT;
	char room[SKETCH_PAD];
	uint64_t hash;
	bool ascii = true;

	for (size_t i = 0; i < len; i++)
		ascii &= (unsigned char)s[i] < 0x80;
	sketch_shape(s, len, &want);
	CHECK(!buf_error(&want));
	if (sketch_shape_padded(s, len, room, &hash)) {
		CHECK(want.len == len && !memcmp(room, want.data, len));
		CHECK(hash == sketch_shape_hash(want.data, want.len));
	} else {
		CHECK(len > SKETCH_SHAPE_MAX || !ascii);
	}
	buf_release(&want);
}

static void check_validity(const char *s, size_t len)
{
	static const enum attribute_type types[] = { ATTR_EMAIL, ATTR_TEXT };

	for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
		struct attribute a = { 0 };
		struct validator *v = NULL;

		a.id = "fuzz";
		a.type = types[t];
		CHECK(validator_new(&a, &v) == ST_OK);
		CHECK(validator_check(v, s, len, NULL, NULL) ==
		      validator_check_padded(v, s, len, NULL, NULL));
		if (types[t] == ATTR_EMAIL && validator_plain_email(s, len))
			CHECK(validator_check(v, s, len, NULL, NULL) == VR_OK);
		validator_free(v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + SKETCH_PAD + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	for (size_t i = 0; i < SKETCH_PAD + 1; i++)
		s[size + i] = size ? (char)data[size - 1 - i % size] : (char)i;
	check_shape(s, size);
	s[size] = '\0';		/* values are NUL-terminated */
	if (size && !memchr(s, '\0', size))
		check_validity(s, size);
	free(s);
	return 0;
}
