/*
 * test_sketch.c - the bounded-memory summaries of src/profile/sketch.c.
 *
 * Each case checks one documented behaviour against a value worked out
 * independently: the hash against the reference xxHash library's output,
 * exact counts against the inputs, estimates against their stated error,
 * quantiles against sorting, merges against one summary fed everything,
 * and blobs by round trips, truncation, corruption and random bytes.
 * Inputs come from a seeded generator, so every run sees the same data.
 * Cases that inject allocation failures restore the allocator in a
 * teardown; leaks on those paths are caught by the ASan build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "profile/sketch.h"
#include "util/alloc.h"

/* --- helpers ----------------------------------------------------------- */

static int restore_allocator(void **state)
{
	UNUSED(state);
	alloc_fail_after(-1);
	return 0;
}

#define FAULT_TEST(f) cmocka_unit_test_teardown(f, restore_allocator)

/* splitmix64: a small, seeded, well-mixed generator. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The hash of the value "v<i>", as the profiler would compute it. */
static uint64_t value_hash(uint64_t i)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "v%llu", (unsigned long long)i);

	return sketch_hash(s, (size_t)n);
}

/* Byte order with a prefix before its extensions, as profile.c orders text. */
static int text_order(const unsigned char *a, size_t alen,
		      const unsigned char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? (c > 0) - (c < 0) : (alen > blen) - (alen < blen);
}

/* Keys order texts as the texts order, whatever follows them in memory,
 * and tell apart any two texts that differ in their first 8 bytes. */
static void prefix_keys_order_as_texts(void **state)
{
	static const unsigned char alphabet[] = { 0x00, 0x01, 'a', 'b', 0x7F,
						  0x80, 0xFE, 0xFF };
	uint64_t seed = 11;

	UNUSED(state);
	assert_true(sketch_prefix_key("ab\xFF\xFF\xFF\xFF\xFF\xFF", 2) ==
		    0x6162000000000000ULL);
	assert_true(sketch_prefix_key("abcdefghij", 10) == 0x6162636465666768ULL);
	assert_true(sketch_prefix_key("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 0) == 0);
	for (int i = 0; i < 200000; i++) {
		unsigned char a[16], b[16];
		size_t alen = rng_next(&seed) % 12, blen = rng_next(&seed) % 12;
		uint64_t ka, kb;
		int order, korder;

		for (size_t j = 0; j < 16; j++) {
			a[j] = alphabet[rng_next(&seed) % sizeof(alphabet)];
			b[j] = j < blen && j < alen && rng_next(&seed) % 2 ? a[j] :
			       alphabet[rng_next(&seed) % sizeof(alphabet)];
		}
		ka = sketch_prefix_key((const char *)a, alen);
		kb = sketch_prefix_key((const char *)b, blen);
		order = text_order(a, alen, b, blen);
		korder = (ka > kb) - (ka < kb);
		if (korder)
			assert_int_equal(korder, order);
		else {
			unsigned char pa[8] = { 0 }, pb[8] = { 0 };

			memcpy(pa, a, alen < 8 ? alen : 8);
			memcpy(pb, b, blen < 8 ? blen : 8);
			assert_memory_equal(pa, pb, 8);
		}
	}
}

static void distinct_add_range(struct distinct *d, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		assert_int_equal(distinct_add_hash(d, value_hash(i)), ST_OK);
}

static void kmv_add_range(struct kmv *m, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		kmv_add_hash(m, value_hash(i));
}

static void assert_near(double got, double want, double tolerance)
{
	if (fabs(got - want) > tolerance)
		fail_msg("got %.6f, want %.6f +- %.6f", got, want, tolerance);
}

static void assert_same_bytes(const struct buf *a, const struct buf *b)
{
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len);
}

/* One representative blob of each kind, for the malformed-blob cases. */
enum blob_kind { B_EXACT, B_HLL, B_TOPK, B_KMV, B_DAYS, B_LENS, B_KINDS };

/* Deserialise into the summary of that kind, release it, return the code. */
static int decode_kind(enum blob_kind kind, const void *data, size_t len)
{
	struct distinct d;
	struct topk t;
	struct kmv m;
	struct day_hist h;
	struct len_hist l;
	int rc = ST_ERR;

	switch (kind) {
	case B_EXACT:
	case B_HLL:
		rc = distinct_deserialise(&d, data, len);
		distinct_release(&d);
		break;
	case B_TOPK:
		rc = topk_deserialise(&t, data, len);
		topk_release(&t);
		break;
	case B_KMV:
		rc = kmv_deserialise(&m, data, len);
		break;
	case B_DAYS:
		rc = day_hist_deserialise(&h, data, len);
		day_hist_release(&h);
		break;
	case B_LENS:
		rc = len_hist_deserialise(&l, data, len);
		break;
	default:
		fail();
	}
	return rc;
}

/* Decode, and when that succeeds, encode again into out. */
static int reencode_kind(enum blob_kind kind, const void *data, size_t len,
			 struct buf *out)
{
	struct distinct d;
	struct topk t;
	struct kmv m;
	struct day_hist h;
	struct len_hist l;
	int rc = ST_ERR;

	switch (kind) {
	case B_EXACT:
	case B_HLL:
		rc = distinct_deserialise(&d, data, len);
		if (!rc)
			rc = distinct_serialise(&d, out);
		distinct_release(&d);
		break;
	case B_TOPK:
		rc = topk_deserialise(&t, data, len);
		if (!rc)
			rc = topk_serialise(&t, out);
		topk_release(&t);
		break;
	case B_KMV:
		rc = kmv_deserialise(&m, data, len);
		if (!rc)
			rc = kmv_serialise(&m, out);
		break;
	case B_DAYS:
		rc = day_hist_deserialise(&h, data, len);
		if (!rc)
			rc = day_hist_serialise(&h, out);
		day_hist_release(&h);
		break;
	case B_LENS:
		rc = len_hist_deserialise(&l, data, len);
		if (!rc)
			rc = len_hist_serialise(&l, out);
		break;
	default:
		fail();
	}
	return rc;
}

static void make_distinct_blob(struct buf *out, uint64_t n)
{
	struct distinct d;

	distinct_init(&d);
	distinct_add_range(&d, 0, n);
	assert_int_equal(distinct_serialise(&d, out), ST_OK);
	distinct_release(&d);
}

static void make_topk_blob(struct buf *out)
{
	struct topk t;
	char v[80];

	assert_int_equal(topk_init(&t, 8), ST_OK);
	for (int i = 0; i < 200; i++) {
		int n = snprintf(v, sizeof(v), "value %d", i % 13 * (i % 5));

		topk_add(&t, v, (size_t)n);
	}
	memset(v, 'x', sizeof(v));
	for (int i = 0; i < 30; i++)
		topk_add(&t, v, sizeof(v));
	assert_int_equal(topk_serialise(&t, out), ST_OK);
	topk_release(&t);
}

static void make_kmv_blob(struct buf *out)
{
	struct kmv m;

	kmv_init(&m);
	kmv_add_range(&m, 0, 1000);
	assert_int_equal(kmv_serialise(&m, out), ST_OK);
}

static void make_days_blob(struct buf *out)
{
	struct day_hist h;
	int64_t ages[] = { 0, 0, 3, 255, 256, 1000, 36524, 36525, 90000, -4 };

	day_hist_init(&h);
	for (size_t i = 0; i < ARRAY_SIZE(ages); i++)
		assert_int_equal(day_hist_add(&h, ages[i]), ST_OK);
	assert_int_equal(day_hist_serialise(&h, out), ST_OK);
	day_hist_release(&h);
}

static void make_lens_blob(struct buf *out)
{
	struct len_hist l;
	size_t lens[] = { 0, 1, 1, 7, 255, 256, 300, 4000 };

	len_hist_init(&l);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		len_hist_add(&l, lens[i]);
	assert_int_equal(len_hist_serialise(&l, out), ST_OK);
}

static void make_blob(enum blob_kind kind, struct buf *out)
{
	switch (kind) {
	case B_EXACT:
		make_distinct_blob(out, 300);
		break;
	case B_HLL:
		make_distinct_blob(out, 5000);
		break;
	case B_TOPK:
		make_topk_blob(out);
		break;
	case B_KMV:
		make_kmv_blob(out);
		break;
	case B_DAYS:
		make_days_blob(out);
		break;
	case B_LENS:
		make_lens_blob(out);
		break;
	default:
		fail();
	}
}

static const char kind_letter[B_KINDS] = { 'd', 'd', 't', 'k', 'h', 'l' };

/* Append the checksum that makes the bytes from start a well-framed blob. */
static void add_checksum(struct buf *b, size_t start)
{
	uint32_t c = (uint32_t)sketch_hash(b->data + start, b->len - start);

	for (int i = 0; i < 4; i++)
		buf_addch(b, (int)(c >> (8 * i) & 0xFF));
}

/* --- sketch_hash ------------------------------------------------------- */

static void hash_matches_the_reference_xxh64_vectors(void **state)
{
	static const struct {
		const char *s;
		uint64_t h;
	} strings[] = {
		{ "", 0xef46db3751d8e999ULL },
		{ "a", 0xd24ec4f1a98c6e5bULL },
		{ "abc", 0x44bc2cf5ad770999ULL },
		{ "message digest", 0x066ed728fceeb3beULL },
		{ "abcdefghijklmnopqrstuvwxyz0123456789",
		  0x64f23ecf1609b766ULL },
		{ "The quick brown fox jumps over the lazy dog",
		  0x0b242d361fda71bcULL },
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++)
		assert_int_equal(sketch_hash(strings[i].s,
					     strlen(strings[i].s)),
				 strings[i].h);
}

/* Every path through the tail (8-, 4- and 1-byte steps) and the stripes:
 * bytes i * 7 + 3, hashed by libxxhash 0.8.1. */
static void hash_matches_the_reference_at_every_tail_length(void **state)
{
	static const struct {
		size_t len;
		uint64_t h;
	} want[] = {
		{ 4, 0x9bb64b7d66ee9fdaULL }, { 7, 0x9a7b149959ce60d8ULL },
		{ 8, 0xdab99d95c6f90092ULL }, { 12, 0xd52e407833af5133ULL },
		{ 31, 0xa2aa5f33cc4a6119ULL }, { 32, 0x23c3c17ef790fd97ULL },
		{ 33, 0x50a7cfc7ba588784ULL }, { 63, 0x5e3e54b431c7493cULL },
		{ 64, 0x0eb64b3ef6eeb01fULL }, { 65, 0xa383b724b2bd12f1ULL },
		{ 100, 0xa61f8d4c170fe531ULL }, { 256, 0x00cfc5207dd8e201ULL },
	};
	unsigned char b[256];

	UNUSED(state);
	for (int i = 0; i < 256; i++)
		b[i] = (unsigned char)(i * 7 + 3);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(sketch_hash(b, want[i].len), want[i].h);
}

static void hash_does_not_depend_on_alignment(void **state)
{
	unsigned char b[128 + 8];
	uint64_t seed = 1;

	UNUSED(state);
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)rng_next(&seed);
	for (size_t off = 1; off < 8; off++) {
		unsigned char moved[128 + 8];

		memcpy(moved + off, b, 128);
		assert_int_equal(sketch_hash(moved + off, 128),
				 sketch_hash(b, 128));
	}
}

/* --- shapes ------------------------------------------------------------ */

static void expect_shape(const char *in, const char *want)
{
	struct buf out = BUF_INIT;

	sketch_shape(in, strlen(in), &out);
	assert_int_equal(buf_error(&out), 0);
	assert_string_equal(out.data, want);
	assert_int_equal(out.len, strlen(want));
	buf_release(&out);
}

/* sketch_bytes_equal() agrees with memcmp at every length up to 40, with
 * one byte changed at each position (or none), at every alignment. */
static void bytes_equal_agrees_with_memcmp(void **state)
{
	unsigned char a[64], b[64];

	(void)state;
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (unsigned char)(i * 37 + 11);
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= 40; n++)
			for (size_t at = 0; at <= n; at++) {
				memcpy(b, a, sizeof(b));
				if (at < n)
					b[off + at] ^= 0x20;
				assert_int_equal(sketch_bytes_equal(a + off, b + off, n),
						 memcmp(a + off, b + off, n) == 0);
				assert_int_equal(sketch_bytes_equal(a + off, b, n),
						 memcmp(a + off, b, n) == 0);
			}
}

static void shape_maps_letters_and_digits_and_keeps_punctuation(void **state)
{
	UNUSED(state);
	expect_shape("John Smith", "Aaaa Aaaaa");
	expect_shape("(415) 555-0123", "(999) 999-9999");
	expect_shape("SW1A 1AA", "AA9A 9AA");
	expect_shape("jane.doe+tag@example.com", "aaaa.aaa+aaa@aaaaaaa.aaa");
	expect_shape("aaaa", "aaaa");	/* runs are not collapsed */
	expect_shape("", "");
}

static void shape_classifies_non_ascii_by_unicode_category(void **state)
{
	UNUSED(state);
	expect_shape("\xC3\x89mile", "Aaaaa");		/* Émile */
	expect_shape("stra\xC3\x9F" "e", "aaaaaa");	/* straße */
	expect_shape("\xC3\x96" "\xC3\xB6", "Aa");	/* Öö */
	expect_shape("\xE4\xB8\xAD" "1", "a9");		/* 中1 */
	expect_shape("\xD9\xA3" "4", "99");		/* Arabic-Indic 3 */
	expect_shape("a\xE2\x80\x93" "b", "a\xE2\x80\x93" "a"); /* en dash */
	expect_shape("5\xE2\x82\xAC", "9\xE2\x82\xAC");	/* 5€ */
	expect_shape("a\xFF" "b", "a\xEF\xBF\xBD" "a");	/* invalid byte */
}

static void shape_stops_at_32_characters_with_an_ellipsis(void **state)
{
	char in[80];
	struct buf out = BUF_INIT;

	UNUSED(state);
	memset(in, 'x', 32);
	in[32] = '\0';
	expect_shape(in, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	in[32] = 'y';
	in[33] = '\0';
	expect_shape(in, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xE2\x80\xA6");
	for (int i = 0; i < 33; i++)
		memcpy(in + 2 * i, "\xC3\x89", 2);	/* 33 x É */
	buf_addstr(&out, "shape: ");	/* appends to what is there */
	sketch_shape(in, 66, &out);
	assert_string_equal(out.data,
		"shape: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xE2\x80\xA6");
	buf_release(&out);
}

/* The padded short cut gives sketch_shape() and sketch_shape_hash() of every
 * ASCII value up to 32 bytes, whatever lies in the padding, and declines
 * anything else: a byte outside ASCII at any position, or a longer value. */
static void padded_shape_agrees_with_the_general_one(void **state)
{
	char in[SKETCH_SHAPE_MAX + SKETCH_PAD + 8], room[SKETCH_PAD];
	struct buf want = BUF_INIT;
	uint64_t seed = 7, hash;

	UNUSED(state);
	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % (SKETCH_SHAPE_MAX + 1));

		for (size_t i = 0; i < sizeof(in); i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			/* the value gets any ASCII byte, the padding any byte */
			in[i] = (char)(i < len ? (seed >> 33) % 128 : seed >> 40);
		}
		buf_reset(&want);
		sketch_shape(in, len, &want);
		assert_true(sketch_shape_padded(in, len, room, &hash));
		assert_memory_equal(room, want.data, len);
		assert_int_equal(want.len, len);
		assert_true(hash == sketch_shape_hash(want.data, want.len));
	}
	memset(in, 'a', sizeof(in));
	assert_false(sketch_shape_padded(in, SKETCH_SHAPE_MAX + 1, room, &hash));
	for (size_t at = 0; at < SKETCH_SHAPE_MAX; at++) {
		in[at] = (char)0xC3;
		assert_false(sketch_shape_padded(in, SKETCH_SHAPE_MAX, room, &hash));
		/* past the value it does not count */
		assert_true(sketch_shape_padded(in, at, room, &hash));
		in[at] = 'a';
	}
	/* shapes differing only in length or one byte hash apart */
	assert_true(sketch_shape_hash("aa", 2) != sketch_shape_hash("aa\0", 3));
	assert_true(sketch_shape_hash("Aa", 2) != sketch_shape_hash("aA", 2));
	buf_release(&want);
}

/* --- distinct ---------------------------------------------------------- */

static void distinct_counts_exactly_up_to_4096(void **state)
{
	struct distinct d;

	UNUSED(state);
	distinct_init(&d);
	assert_int_equal(distinct_estimate(&d), 0);
	for (uint64_t i = 0; i < DISTINCT_EXACT_MAX; i++) {
		assert_int_equal(distinct_add_hash(&d, value_hash(i)), ST_OK);
		assert_int_equal(distinct_add_hash(&d, value_hash(i / 2)),
				 ST_OK);
		assert_int_equal(distinct_estimate(&d), i + 1);
	}
	assert_true(distinct_is_exact(&d));
	assert_true(distinct_relative_error(&d) == 0.0);
	distinct_release(&d);
}

static void distinct_switches_to_hyperloglog_at_4097(void **state)
{
	struct distinct d;

	UNUSED(state);
	distinct_init(&d);
	distinct_add_range(&d, 0, DISTINCT_EXACT_MAX + 1);
	assert_false(distinct_is_exact(&d));
	assert_null(d.set);
	assert_non_null(d.regs);
	assert_near(distinct_relative_error(&d), 1.04 / 128.0, 1e-12);
	assert_near((double)distinct_estimate(&d), 4097, 3 * 0.0081 * 4097);
	distinct_release(&d);
}

static void distinct_counts_the_zero_hash_like_any_other(void **state)
{
	struct distinct d;

	UNUSED(state);
	distinct_init(&d);
	assert_int_equal(distinct_add_hash(&d, 0), ST_OK);
	assert_int_equal(distinct_add_hash(&d, 0), ST_OK);
	assert_int_equal(distinct_add_hash(&d, 1), ST_OK);
	assert_int_equal(distinct_estimate(&d), 2);
	distinct_release(&d);
}

static void expect_hll_within_3_errors(uint64_t n)
{
	struct distinct d;
	double err;

	distinct_init(&d);
	distinct_add_range(&d, 0, n);
	err = distinct_relative_error(&d);
	assert_near((double)distinct_estimate(&d), (double)n, 3 * err * n);
	distinct_release(&d);
}

static void distinct_hll_is_within_3_standard_errors(void **state)
{
	UNUSED(state);
	expect_hll_within_3_errors(20000);	/* the small range */
	expect_hll_within_3_errors(40000);	/* classic HLL: +3.4% here */
	expect_hll_within_3_errors(45000);
	expect_hll_within_3_errors(100000);
	expect_hll_within_3_errors(1000000);
}

/* A hash whose bits below the register index are all zero has the
 * largest rank, 64 - 14 + 1, which the blob's 6 bits must hold. */
static void distinct_hll_rank_is_bounded_for_zero_low_bits(void **state)
{
	struct distinct d, e;
	struct buf b = BUF_INIT;

	UNUSED(state);
	distinct_init(&d);
	distinct_add_range(&d, 0, DISTINCT_EXACT_MAX + 1);
	assert_int_equal(distinct_add_hash(&d, 0), ST_OK);
	assert_int_equal(distinct_add_hash(&d, (uint64_t)5 << 50), ST_OK);
	assert_int_equal(d.regs[0], 51);
	assert_int_equal(d.regs[5], 51);
	assert_int_equal(distinct_serialise(&d, &b), ST_OK);
	assert_int_equal(distinct_deserialise(&e, b.data, b.len), ST_OK);
	assert_memory_equal(d.regs, e.regs, DISTINCT_HLL_M);
	buf_release(&b);
	distinct_release(&d);
	distinct_release(&e);
}

static void distinct_merge_of_exact_sketches_is_the_exact_union(void **state)
{
	struct distinct a, b, all;
	struct buf ba = BUF_INIT, ball = BUF_INIT;

	UNUSED(state);
	distinct_init(&a);
	distinct_init(&b);
	distinct_init(&all);
	distinct_add_range(&a, 0, 3000);
	distinct_add_range(&b, 2000, 4000);
	assert_int_equal(distinct_add_hash(&b, 0), ST_OK);
	distinct_add_range(&all, 0, 4000);
	assert_int_equal(distinct_add_hash(&all, 0), ST_OK);
	assert_int_equal(distinct_merge(&a, &b), ST_OK);
	assert_true(distinct_is_exact(&a));
	assert_int_equal(distinct_estimate(&a), 4001);
	assert_int_equal(distinct_serialise(&a, &ba), ST_OK);
	assert_int_equal(distinct_serialise(&all, &ball), ST_OK);
	assert_same_bytes(&ba, &ball);
	buf_release(&ba);
	buf_release(&ball);
	distinct_release(&a);
	distinct_release(&b);
	distinct_release(&all);
}

/* merge(a = [a0, a1), b = [b0, b1)) has the registers of [0, n). */
static void expect_merge_registers(uint64_t a0, uint64_t a1, uint64_t b0,
				   uint64_t b1, uint64_t n)
{
	struct distinct a, b, all;

	distinct_init(&a);
	distinct_init(&b);
	distinct_init(&all);
	distinct_add_range(&a, a0, a1);
	distinct_add_range(&b, b0, b1);
	distinct_add_range(&all, 0, n);
	assert_int_equal(distinct_merge(&a, &b), ST_OK);
	assert_false(distinct_is_exact(&a));
	assert_memory_equal(a.regs, all.regs, DISTINCT_HLL_M);
	assert_int_equal(distinct_estimate(&a), distinct_estimate(&all));
	distinct_release(&a);
	distinct_release(&b);
	distinct_release(&all);
}

static void distinct_merge_past_the_limit_has_identical_registers(void **state)
{
	UNUSED(state);
	/* exact + exact, hll + hll, exact + hll, hll + exact */
	expect_merge_registers(0, 3000, 2500, 6000, 6000);
	expect_merge_registers(0, 60000, 40000, 100000, 100000);
	expect_merge_registers(0, 100, 100, 10000, 10000);
	expect_merge_registers(0, 10000, 9900, 10000, 10000);
}

static void expect_distinct_round_trip(uint64_t n)
{
	struct distinct a, b;
	struct buf ba = BUF_INIT, bb = BUF_INIT;

	distinct_init(&a);
	distinct_add_range(&a, 0, n);
	assert_int_equal(distinct_serialise(&a, &ba), ST_OK);
	assert_int_equal(distinct_deserialise(&b, ba.data, ba.len), ST_OK);
	assert_int_equal(distinct_is_exact(&b), distinct_is_exact(&a));
	assert_int_equal(distinct_estimate(&b), distinct_estimate(&a));
	if (!distinct_is_exact(&a))
		assert_memory_equal(a.regs, b.regs, DISTINCT_HLL_M);
	assert_int_equal(distinct_serialise(&b, &bb), ST_OK);
	assert_same_bytes(&ba, &bb);
	buf_release(&ba);
	buf_release(&bb);
	distinct_release(&a);
	distinct_release(&b);
}

static void distinct_round_trips_through_a_blob(void **state)
{
	UNUSED(state);
	expect_distinct_round_trip(0);
	expect_distinct_round_trip(1);
	expect_distinct_round_trip(DISTINCT_EXACT_MAX);
	expect_distinct_round_trip(100000);
}

static void distinct_blobs_are_compact_and_canonical(void **state)
{
	struct distinct a, b;
	struct buf ba = BUF_INIT, bb = BUF_INIT;

	UNUSED(state);
	distinct_init(&a);
	distinct_init(&b);
	distinct_add_range(&a, 0, 1000);
	for (uint64_t i = 1000; i-- > 0;)
		assert_int_equal(distinct_add_hash(&b, value_hash(i)), ST_OK);
	assert_int_equal(distinct_serialise(&a, &ba), ST_OK);
	assert_int_equal(distinct_serialise(&b, &bb), ST_OK);
	assert_same_bytes(&ba, &bb);	/* insertion order does not show */
	assert_int_equal(ba.len, 3 + 1 + 2 + 8 * 1000 + 4);
	buf_reset(&ba);
	distinct_add_range(&a, 1000, 100000);
	assert_int_equal(distinct_serialise(&a, &ba), ST_OK);
	assert_int_equal(ba.len, 3 + 2 + DISTINCT_HLL_M * 6 / 8 + 4);
	buf_release(&ba);
	buf_release(&bb);
	distinct_release(&a);
	distinct_release(&b);
}

/* --- topk -------------------------------------------------------------- */

#define ZIPF_ITEMS 1000
#define ZIPF_SCALE 100000

static uint64_t zipf_count(size_t item)
{
	return ZIPF_SCALE / (item + 1);
}

/* Every item's occurrences, shuffled; *n is the stream length. */
static uint16_t *zipf_stream(size_t *n)
{
	uint64_t seed = 42;
	uint16_t *s;
	size_t len = 0;

	for (size_t i = 0; i < ZIPF_ITEMS; i++)
		len += zipf_count(i);
	s = test_malloc(len * sizeof(*s));
	len = 0;
	for (size_t i = 0; i < ZIPF_ITEMS; i++)
		for (uint64_t c = 0; c < zipf_count(i); c++)
			s[len++] = (uint16_t)i;
	for (size_t i = len - 1; i > 0; i--) {
		size_t j = (size_t)(rng_next(&seed) % (i + 1));
		uint16_t tmp = s[i];

		s[i] = s[j];
		s[j] = tmp;
	}
	*n = len;
	return s;
}

static void topk_add_item(struct topk *t, size_t item)
{
	char v[32];
	int n = snprintf(v, sizeof(v), "item-%zu", item);

	topk_add(t, v, (size_t)n);
}

/* The counters' bounds hold against the true counts (true[] of the part
 * of the Zipf stream that was counted), and the top 5 are items 0..4. */
static void expect_zipf_summary(const struct topk *t, const uint64_t *truth)
{
	const struct topk_entry *es;
	size_t n = topk_sorted(t, &es);

	assert_int_equal(n, t->k);
	for (size_t i = 0; i < n; i++) {
		size_t item;

		assert_int_equal(sscanf(es[i].value, "item-%zu", &item), 1);
		assert_true(es[i].count - es[i].error <= truth[item]);
		assert_true(truth[item] <= es[i].count);
		if (i < 5)
			assert_int_equal(item, i);
	}
}

static void topk_finds_the_true_top_5_of_a_zipf_stream(void **state)
{
	uint64_t truth[ZIPF_ITEMS] = { 0 };
	struct topk t;
	size_t n;
	uint16_t *s = zipf_stream(&n);

	UNUSED(state);
	assert_int_equal(topk_init(&t, 32), ST_OK);
	for (size_t i = 0; i < n; i++) {
		topk_add_item(&t, s[i]);
		truth[s[i]]++;
	}
	assert_int_equal(t.total, n);
	expect_zipf_summary(&t, truth);
	topk_release(&t);
	test_free(s);
}

static void topk_merge_of_halves_keeps_the_top_5_and_the_bounds(void **state)
{
	uint64_t truth[ZIPF_ITEMS] = { 0 };
	struct topk a, b, c;
	struct buf ab = BUF_INIT, ba = BUF_INIT;
	size_t n;
	uint16_t *s = zipf_stream(&n);

	UNUSED(state);
	assert_int_equal(topk_init(&a, 32), ST_OK);
	assert_int_equal(topk_init(&b, 32), ST_OK);
	assert_int_equal(topk_init(&c, 32), ST_OK);
	for (size_t i = 0; i < n; i++) {
		topk_add_item(i < n / 2 ? &a : &b, s[i]);
		truth[s[i]]++;
	}
	assert_int_equal(topk_merge(&c, &b), ST_OK);	/* c = copy of b */
	assert_int_equal(topk_merge(&c, &a), ST_OK);	/* b + a */
	assert_int_equal(topk_merge(&a, &b), ST_OK);	/* a + b */
	assert_int_equal(a.total, n);
	expect_zipf_summary(&a, truth);
	assert_int_equal(topk_serialise(&a, &ab), ST_OK);
	assert_int_equal(topk_serialise(&c, &ba), ST_OK);
	assert_same_bytes(&ab, &ba);	/* the merge is commutative */
	buf_release(&ab);
	buf_release(&ba);
	topk_release(&a);
	topk_release(&b);
	topk_release(&c);
	test_free(s);
}

/* What profiling a file in ranges does: a summary per range, cleared and
 * used again, merged in order.  A cleared summary is a fresh one, and the
 * merge of 40 keeps the top 5 and the bounds. */
static void topk_merge_of_many_cleared_summaries_keeps_the_top_5(void **state)
{
	uint64_t truth[ZIPF_ITEMS] = { 0 };
	struct topk part, fresh, all;
	size_t n, chunks = 40;
	uint16_t *s = zipf_stream(&n);

	UNUSED(state);
	assert_int_equal(topk_init(&part, 32), ST_OK);
	assert_int_equal(topk_init(&all, 32), ST_OK);
	for (size_t c = 0; c < chunks; c++) {
		struct buf x = BUF_INIT, y = BUF_INIT;

		assert_int_equal(topk_init(&fresh, 32), ST_OK);
		for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
			topk_add_item(&part, s[i]);
			topk_add_item(&fresh, s[i]);
			truth[s[i]]++;
		}
		assert_int_equal(topk_serialise(&part, &x), ST_OK);
		assert_int_equal(topk_serialise(&fresh, &y), ST_OK);
		assert_same_bytes(&x, &y);
		assert_memory_equal(part.alpha, fresh.alpha,
				    (part.alpha_mask + 1) * sizeof(*part.alpha));
		assert_int_equal(topk_merge(&all, &part), ST_OK);
		topk_clear(&part);
		assert_int_equal(part.n, 0);
		assert_int_equal(part.total, 0);
		topk_release(&fresh);
		buf_release(&x);
		buf_release(&y);
	}
	assert_int_equal(all.total, n);
	expect_zipf_summary(&all, truth);
	topk_release(&part);
	topk_release(&all);
	test_free(s);
}

static void topk_merge_of_small_summaries_counts_exactly(void **state)
{
	static const char *va[] = { "a", "b", "b", "c", "c", "c" };
	static const char *vb[] = { "c", "d", "d", "b", "e" };
	struct topk a, b, all;
	struct buf x = BUF_INIT, y = BUF_INIT;

	UNUSED(state);
	assert_int_equal(topk_init(&a, 8), ST_OK);
	assert_int_equal(topk_init(&b, 8), ST_OK);
	assert_int_equal(topk_init(&all, 8), ST_OK);
	for (size_t i = 0; i < ARRAY_SIZE(va); i++) {
		topk_add(&a, va[i], 1);
		topk_add(&all, va[i], 1);
	}
	for (size_t i = 0; i < ARRAY_SIZE(vb); i++) {
		topk_add(&b, vb[i], 1);
		topk_add(&all, vb[i], 1);
	}
	assert_int_equal(topk_merge(&a, &b), ST_OK);
	assert_int_equal(topk_serialise(&a, &x), ST_OK);
	assert_int_equal(topk_serialise(&all, &y), ST_OK);
	assert_same_bytes(&x, &y);
	buf_release(&x);
	buf_release(&y);
	topk_release(&a);
	topk_release(&b);
	topk_release(&all);
}

/* Summaries of other sizes merge too, either way round, and keep the
 * bounds; the merged summary keeps its own k. */
static void topk_merge_of_a_different_k_keeps_the_bounds(void **state)
{
	uint64_t truth[ZIPF_ITEMS] = { 0 };
	struct topk big, small, acc;
	size_t n;
	uint16_t *s = zipf_stream(&n);

	UNUSED(state);
	assert_int_equal(topk_init(&big, 128), ST_OK);
	assert_int_equal(topk_init(&small, 8), ST_OK);
	assert_int_equal(topk_init(&acc, 32), ST_OK);
	for (size_t i = 0; i < n; i++) {
		topk_add_item(i % 3 ? &big : &small, s[i]);
		truth[s[i]]++;
	}
	assert_int_equal(topk_merge(&acc, &big), ST_OK);
	assert_int_equal(topk_merge(&acc, &small), ST_OK);
	assert_int_equal(acc.k, 32);
	assert_int_equal(acc.total, n);
	expect_zipf_summary(&acc, truth);
	assert_int_equal(topk_merge(&small, &big), ST_OK);
	assert_int_equal(small.k, 8);
	assert_int_equal(small.total, n);
	topk_release(&big);
	topk_release(&small);
	topk_release(&acc);
	test_free(s);
}

static void topk_sorts_by_count_then_value_bytes(void **state)
{
	static const char *in[] = { "b", "a", "c", "ab", "z", "z", "a" };
	static const char *want[] = { "a", "z", "ab", "b", "c" };
	const struct topk_entry *es;
	struct topk t;

	UNUSED(state);
	assert_int_equal(topk_init(&t, 8), ST_OK);
	for (size_t i = 0; i < ARRAY_SIZE(in); i++)
		topk_add(&t, in[i], strlen(in[i]));
	assert_int_equal(topk_sorted(&t, &es), ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_string_equal(es[i].value, want[i]);
		assert_int_equal(es[i].count, i < 2 ? 2 : 1);
		assert_int_equal(es[i].error, 0);
	}
	topk_release(&t);
}

static void topk_evicts_the_smallest_counter_into_the_error(void **state)
{
	const struct topk_entry *es;
	struct topk t;

	UNUSED(state);
	assert_int_equal(topk_init(&t, 2), ST_OK);
	topk_add(&t, "a", 1);
	topk_add(&t, "a", 1);
	topk_add(&t, "b", 1);
	topk_add(&t, "c", 1);	/* not held: its bucket counts it */
	assert_int_equal(topk_sorted(&t, &es), 2);
	assert_string_equal(es[1].value, "b");
	topk_add(&t, "c", 1);	/* its bucket reached b's 1: takes b's counter */
	assert_int_equal(topk_sorted(&t, &es), 2);
	assert_string_equal(es[0].value, "a");
	assert_int_equal(es[0].count, 2);
	assert_string_equal(es[1].value, "c");
	assert_int_equal(es[1].count, 2);
	assert_int_equal(es[1].error, 1);
	assert_int_equal(t.total, 5);
	topk_add(&t, "b", 1);	/* b's bucket holds its old count 1 */
	topk_add(&t, "b", 1);	/* 2 = the smallest count: b is back */
	assert_int_equal(topk_sorted(&t, &es), 2);
	assert_string_equal(es[0].value, "b");
	assert_int_equal(es[0].count, 3);	/* true count 3: exact, by luck */
	assert_int_equal(es[0].error, 2);
	topk_release(&t);
}

static void topk_truncates_long_values_at_a_character_boundary(void **state)
{
	char v[80];
	const struct topk_entry *es;
	struct topk t;

	UNUSED(state);
	assert_int_equal(topk_init(&t, 8), ST_OK);
	memset(v, 'x', sizeof(v));
	topk_add(&t, v, 64);	/* exactly 64 bytes: kept whole */
	topk_add(&t, v, 70);	/* longer: its first 64 bytes, flagged */
	v[75] = 'y';
	topk_add(&t, v, 80);	/* same first 64 bytes: same counter */
	memcpy(v + 63, "\xC3\x89", 2);	/* É straddling byte 64 */
	topk_add(&t, v, 67);
	assert_int_equal(topk_sorted(&t, &es), 3);
	assert_int_equal(es[0].count, 2);
	assert_true(es[0].truncated);
	assert_int_equal(es[0].len, 64);
	assert_true(es[1].truncated);	/* 63 x's: É not split */
	assert_int_equal(es[1].len, 63);
	assert_int_equal(strlen(es[1].value), 63);
	assert_false(es[2].truncated);	/* exactly 64 x's */
	assert_int_equal(es[2].len, 64);
	topk_release(&t);
}

static void topk_init_refuses_k_outside_1_to_1024(void **state)
{
	struct topk t;

	UNUSED(state);
	assert_int_equal(topk_init(&t, 0), ST_ERR);
	topk_release(&t);
	assert_int_equal(topk_init(&t, TOPK_MAX_K + 1), ST_ERR);
	topk_release(&t);
	assert_int_equal(topk_init(&t, TOPK_MAX_K), ST_OK);
	topk_release(&t);
}

static void topk_round_trips_through_a_blob(void **state)
{
	struct topk t;
	struct buf a = BUF_INIT, b = BUF_INIT;
	const struct topk_entry *es;

	UNUSED(state);
	make_topk_blob(&a);
	assert_int_equal(topk_deserialise(&t, a.data, a.len), ST_OK);
	assert_int_equal(t.k, 8);
	assert_int_equal(t.total, 230);
	assert_int_equal(topk_sorted(&t, &es), 8);
	assert_string_equal(es[0].value, "value 0");
	assert_int_equal(es[0].error, 0);
	assert_true(es[1].truncated);	/* the 80 x's came last, 30 times */
	assert_true(es[1].count - es[1].error <= 30 && es[1].count >= 30);
	assert_true(es[1].error > 0);	/* the first few only filled its bucket */
	assert_int_equal(topk_serialise(&t, &b), ST_OK);
	assert_same_bytes(&a, &b);
	topk_add(&t, "more", 4);	/* the index works after loading */
	topk_add(&t, "more", 4);
	assert_int_equal(t.total, 232);
	buf_release(&a);
	buf_release(&b);
	topk_release(&t);
}

/* --- kmv --------------------------------------------------------------- */

static void kmv_is_exact_for_small_sets(void **state)
{
	struct kmv a, b;

	UNUSED(state);
	kmv_init(&a);
	kmv_init(&b);
	assert_near(kmv_containment(&a, &b), 0.0, 0);
	kmv_add_range(&a, 0, 200);
	kmv_add_range(&a, 0, 200);	/* repeats count once */
	kmv_add_range(&b, 6, 206);
	assert_true(kmv_is_exact(&a));
	assert_int_equal(kmv_estimate(&a), 200);
	assert_near(kmv_containment(&a, &b), 194.0 / 200.0, 1e-12);
	assert_near(kmv_jaccard(&a, &b), 194.0 / 206.0, 1e-12);
	assert_near(kmv_containment(&a, &a), 1.0, 1e-12);
}

static void kmv_estimates_97_percent_containment_within_5_points(void **state)
{
	struct kmv a, b;

	UNUSED(state);
	kmv_init(&a);
	kmv_init(&b);
	kmv_add_range(&a, 0, 100000);
	kmv_add_range(&b, 3000, 103000);
	assert_false(kmv_is_exact(&a));
	assert_near(kmv_containment(&a, &b), 0.97, 0.05);
	assert_near(kmv_containment(&b, &a), 0.97, 0.05);
	assert_near(kmv_jaccard(&a, &b), 97000.0 / 103000.0, 0.05);
	assert_near((double)kmv_estimate(&a), 100000, 0.2 * 100000);
}

static void kmv_containment_of_disjoint_sets_is_zero(void **state)
{
	struct kmv a, b, tiny;

	UNUSED(state);
	kmv_init(&a);
	kmv_init(&b);
	kmv_init(&tiny);
	kmv_add_range(&a, 0, 50000);
	kmv_add_range(&b, 50000, 100000);
	assert_near(kmv_containment(&a, &b), 0.0, 0);
	assert_near(kmv_jaccard(&a, &b), 0.0, 0);
	/* a tiny set next to a large one: the sample below the threshold is
	 * empty, and the sketches say they cannot tell */
	kmv_add_hash(&tiny, UINT64_MAX);
	assert_near(kmv_containment(&tiny, &a), -1.0, 0);
}

static void kmv_merge_equals_one_sketch(void **state)
{
	struct kmv a, b, all;

	UNUSED(state);
	kmv_init(&a);
	kmv_init(&b);
	kmv_init(&all);
	kmv_add_range(&a, 0, 30000);
	kmv_add_range(&b, 20000, 60000);
	kmv_add_range(&all, 0, 60000);
	kmv_merge(&a, &b);
	assert_int_equal(a.n, all.n);
	assert_memory_equal(a.h, all.h, sizeof(a.h));
	kmv_init(&a);
	kmv_add_range(&a, 0, 10);
	kmv_merge(&a, &a);	/* with itself: unchanged */
	assert_int_equal(a.n, 10);
}

static void kmv_round_trips_through_a_blob(void **state)
{
	struct kmv a, b;
	struct buf x = BUF_INIT, y = BUF_INIT;

	UNUSED(state);
	kmv_init(&a);
	kmv_add_range(&a, 0, 100000);
	kmv_add_hash(&a, 0);
	assert_int_equal(kmv_serialise(&a, &x), ST_OK);
	assert_int_equal(kmv_deserialise(&b, x.data, x.len), ST_OK);
	assert_int_equal(b.n, a.n);
	assert_memory_equal(b.h, a.h, sizeof(a.h));
	assert_int_equal(kmv_serialise(&b, &y), ST_OK);
	assert_same_bytes(&x, &y);
	buf_release(&x);
	buf_release(&y);
}

/* --- day_hist ---------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* rank = ceil(num / den * n), worked out in integers. */
static int64_t sorted_quantile(const int64_t *s, size_t n, size_t num,
			       size_t den)
{
	size_t rank = (num * n + den - 1) / den;

	return s[(rank ? rank : 1) - 1];
}

static void day_hist_quantiles_match_sorting(void **state)
{
	enum { N = 10001 };
	static const size_t q[][2] = {
		{ 0, 1 }, { 1, 4 }, { 1, 2 }, { 9, 10 }, { 99, 100 }, { 1, 1 },
	};
	int64_t *ages = test_malloc(N * sizeof(*ages));
	struct day_hist h;
	uint64_t seed = 7;

	UNUSED(state);
	day_hist_init(&h);
	for (size_t i = 0; i < N; i++) {
		ages[i] = (int64_t)(rng_next(&seed) % 4000) +
			  (i % 3 ? 0 : 20000);
		assert_int_equal(day_hist_add(&h, ages[i]), ST_OK);
	}
	qsort(ages, N, sizeof(*ages), cmp_i64);
	assert_int_equal(day_hist_count(&h), N);
	for (size_t i = 0; i < ARRAY_SIZE(q); i++) {
		double qi = (double)q[i][0] / (double)q[i][1];

		assert_int_equal(day_hist_quantile(&h, qi),
				 sorted_quantile(ages, N, q[i][0], q[i][1]));
	}
	assert_int_equal(day_hist_max(&h), ages[N - 1]);
	day_hist_release(&h);
	test_free(ages);
}

static void day_hist_quantile_rank_is_ceil_q_n(void **state)
{
	struct day_hist h;

	UNUSED(state);
	day_hist_init(&h);
	assert_int_equal(day_hist_quantile(&h, 0.5), -1);
	assert_int_equal(day_hist_max(&h), -1);
	for (int64_t d = 1; d <= 10; d++)
		assert_int_equal(day_hist_add(&h, d), ST_OK);
	assert_int_equal(day_hist_quantile(&h, 0.5), 5);
	assert_int_equal(day_hist_quantile(&h, 0.7), 7);
	assert_int_equal(day_hist_quantile(&h, 0.71), 8);
	assert_int_equal(day_hist_quantile(&h, 0.0), 1);
	assert_int_equal(day_hist_quantile(&h, -3.0), 1);
	assert_int_equal(day_hist_quantile(&h, 2.0), 10);
	assert_int_equal(day_hist_quantile(&h, NAN), 1);
	for (int64_t d = 11; d <= 100; d++)
		assert_int_equal(day_hist_add(&h, d), ST_OK);
	/* 0.07 * 100 is 7.000000000000001 in double: still rank 7 */
	assert_int_equal(day_hist_quantile(&h, 0.07), 7);
	assert_int_equal(day_hist_quantile(&h, 0.57), 57);
	day_hist_release(&h);
}

static void day_hist_counts_future_and_overflow_apart(void **state)
{
	struct day_hist h;
	int64_t ages[] = { -5, -1, 40000, 50000, 10 };

	UNUSED(state);
	day_hist_init(&h);
	for (size_t i = 0; i < ARRAY_SIZE(ages); i++)
		assert_int_equal(day_hist_add(&h, ages[i]), ST_OK);
	assert_int_equal(day_hist_count(&h), 3);
	assert_int_equal(h.future, 2);
	assert_int_equal(h.overflow, 2);
	assert_int_equal(day_hist_max(&h), 50000);
	assert_int_equal(day_hist_quantile(&h, 0.1), 10);
	assert_int_equal(day_hist_quantile(&h, 0.5), SKETCH_MAX_DAYS);
	assert_int_equal(day_hist_quantile(&h, 1.0), SKETCH_MAX_DAYS);
	assert_int_equal(day_hist_count_older_than(&h, -1), 3);
	assert_int_equal(day_hist_count_older_than(&h, 9), 3);
	assert_int_equal(day_hist_count_older_than(&h, 10), 2);
	assert_int_equal(day_hist_count_older_than(&h, SKETCH_MAX_DAYS - 1), 2);
	assert_int_equal(day_hist_count_older_than(&h, 45000), 2); /* bound */
	assert_int_equal(day_hist_count_older_than(&h, 50000), 0);
	day_hist_release(&h);
}

static void day_hist_merge_equals_one_hist(void **state)
{
	struct day_hist a, b, all;
	struct buf x = BUF_INIT, y = BUF_INIT;
	uint64_t seed = 3;

	UNUSED(state);
	day_hist_init(&a);
	day_hist_init(&b);
	day_hist_init(&all);
	for (int i = 0; i < 5000; i++) {
		int64_t d = (int64_t)(rng_next(&seed) % 40000) - 100;

		assert_int_equal(day_hist_add(i % 2 ? &a : &b, d), ST_OK);
		assert_int_equal(day_hist_add(&all, d), ST_OK);
	}
	assert_int_equal(day_hist_merge(&a, &b), ST_OK);
	assert_int_equal(day_hist_serialise(&a, &x), ST_OK);
	assert_int_equal(day_hist_serialise(&all, &y), ST_OK);
	assert_same_bytes(&x, &y);
	assert_int_equal(day_hist_quantile(&a, 0.5),
			 day_hist_quantile(&all, 0.5));
	buf_release(&x);
	buf_release(&y);
	day_hist_release(&a);
	day_hist_release(&b);
	day_hist_release(&all);
}

/* Subtracting a part leaves exactly the ages of the rest, and finds the
 * largest again; a part that is not one is refused and changes nothing. */
static void day_hist_subtract_leaves_the_rest(void **state)
{
	struct day_hist all, part, rest, bad;
	struct buf a = BUF_INIT, b = BUF_INIT;

	UNUSED(state);
	day_hist_init(&all);
	day_hist_init(&part);
	day_hist_init(&rest);
	day_hist_init(&bad);
	for (int64_t d = 0; d < 3000; d += 7) {
		bool in_part = d % 3 == 0 || d > 2900;

		assert_int_equal(day_hist_add(&all, d), ST_OK);
		assert_int_equal(day_hist_add(in_part ? &part : &rest, d), ST_OK);
	}
	assert_int_equal(day_hist_add(&all, SKETCH_MAX_DAYS + 5), ST_OK);
	assert_int_equal(day_hist_add(&rest, SKETCH_MAX_DAYS + 5), ST_OK);
	assert_int_equal(day_hist_add(&bad, 1), ST_OK);	/* never added */
	assert_int_equal(day_hist_subtract(&all, &bad), ST_ERR);
	assert_int_equal(day_hist_subtract(&all, &part), ST_OK);
	assert_int_equal(day_hist_serialise(&all, &a), ST_OK);
	assert_int_equal(day_hist_serialise(&rest, &b), ST_OK);
	assert_same_bytes(&a, &b);
	assert_int_equal(day_hist_max(&all), SKETCH_MAX_DAYS + 5);
	/* without the overflow, the largest age is found among the days */
	buf_reset(&a);
	buf_reset(&b);
	day_hist_release(&all);
	day_hist_release(&rest);
	day_hist_init(&all);
	day_hist_init(&rest);
	assert_int_equal(day_hist_add(&all, 10), ST_OK);
	assert_int_equal(day_hist_add(&all, 20), ST_OK);
	assert_int_equal(day_hist_add(&rest, 20), ST_OK);
	assert_int_equal(day_hist_subtract(&all, &rest), ST_OK);
	assert_int_equal(day_hist_max(&all), 10);
	assert_int_equal(day_hist_count(&all), 1);
	buf_release(&a);
	buf_release(&b);
	day_hist_release(&all);
	day_hist_release(&part);
	day_hist_release(&rest);
	day_hist_release(&bad);
}

static void day_hist_round_trips_through_a_sparse_blob(void **state)
{
	struct day_hist h;
	struct buf x = BUF_INIT, y = BUF_INIT;

	UNUSED(state);
	make_days_blob(&x);
	/* 8 days counted: well under 10 bytes each */
	assert_true(x.len < 3 + 4 + 8 * 5 + 10);
	assert_int_equal(day_hist_deserialise(&h, x.data, x.len), ST_OK);
	assert_int_equal(day_hist_count(&h), 9);
	assert_int_equal(h.future, 1);
	assert_int_equal(day_hist_max(&h), 90000);
	assert_int_equal(day_hist_quantile(&h, 0.5), 256);
	assert_int_equal(day_hist_serialise(&h, &y), ST_OK);
	assert_same_bytes(&x, &y);
	buf_release(&x);
	buf_release(&y);
	day_hist_release(&h);
}

/* --- len_hist ---------------------------------------------------------- */

static void len_hist_counts_mean_max_and_overflow(void **state)
{
	struct len_hist h;

	UNUSED(state);
	len_hist_init(&h);
	assert_near(len_hist_mean(&h), 0.0, 0);
	len_hist_add(&h, 0);
	len_hist_add(&h, 4);
	len_hist_add(&h, 255);
	len_hist_add(&h, 256);
	len_hist_add(&h, 1000);
	assert_int_equal(len_hist_count(&h), 5);
	assert_int_equal(h.counts[4], 1);
	assert_int_equal(h.overflow, 2);
	assert_int_equal(len_hist_max(&h), 1000);
	assert_near(len_hist_mean(&h), (0 + 4 + 255 + 256 + 1000) / 5.0, 1e-9);
}

static void len_hist_merges_and_round_trips(void **state)
{
	struct len_hist a, b, all, c;
	struct buf x = BUF_INIT, y = BUF_INIT;

	UNUSED(state);
	len_hist_init(&a);
	len_hist_init(&b);
	len_hist_init(&all);
	for (size_t i = 0; i < 600; i += 7) {
		len_hist_add(i % 2 ? &a : &b, i);
		len_hist_add(&all, i);
	}
	len_hist_merge(&a, &b);
	assert_memory_equal(&a, &all, sizeof(a));
	assert_int_equal(len_hist_serialise(&a, &x), ST_OK);
	assert_int_equal(len_hist_deserialise(&c, x.data, x.len), ST_OK);
	assert_memory_equal(&c, &all, sizeof(c));
	assert_int_equal(len_hist_serialise(&c, &y), ST_OK);
	assert_same_bytes(&x, &y);
	buf_release(&x);
	buf_release(&y);
}

/* --- malformed blobs --------------------------------------------------- */

static void every_truncation_of_a_valid_blob_is_refused(void **state)
{
	UNUSED(state);
	for (int k = 0; k < B_KINDS; k++) {
		struct buf b = BUF_INIT;

		make_blob((enum blob_kind)k, &b);
		assert_int_equal(decode_kind((enum blob_kind)k, b.data, b.len),
				 ST_OK);
		for (size_t len = 0; len < b.len; len++) {
			/* exactly len bytes, so that ASan sees overreads */
			char *cut = test_malloc(len + 1);

			memcpy(cut, b.data, len);
			assert_int_equal(decode_kind((enum blob_kind)k, cut,
						     len), ST_ERR);
			test_free(cut);
		}
		buf_release(&b);
	}
}

static void every_one_byte_corruption_is_refused(void **state)
{
	UNUSED(state);
	for (int k = 0; k < B_KINDS; k++) {
		struct buf b = BUF_INIT;

		make_blob((enum blob_kind)k, &b);
		for (size_t i = 0; i < b.len; i += k == B_HLL ? 97 : 1) {
			b.data[i] ^= 0x10;
			assert_int_equal(decode_kind((enum blob_kind)k, b.data,
						     b.len), ST_ERR);
			b.data[i] ^= 0x10;
		}
		buf_release(&b);
	}
}

static void random_blobs_are_refused(void **state)
{
	uint64_t seed = 99;

	UNUSED(state);
	for (int i = 0; i < 1000; i++) {
		size_t len = (size_t)(rng_next(&seed) % 300);
		unsigned char *b = test_malloc(len + 1);
		enum blob_kind k = (enum blob_kind)(i % B_KINDS);

		for (size_t j = 0; j < len; j++)
			b[j] = (unsigned char)rng_next(&seed);
		if (len >= 3 && i % 2) {	/* a valid header */
			b[0] = 's';
			b[1] = (unsigned char)kind_letter[k];
			b[2] = SKETCH_BLOB_VERSION;
		}
		assert_int_equal(decode_kind(k, b, len), ST_ERR);
		assert_int_equal(decode_kind(k, NULL, 0), ST_ERR);
		test_free(b);
	}
}

/* A payload byte: usually small (so that counts and lengths are plausible
 * and decoding gets deep), sometimes anything. */
static int plausible_byte(uint64_t *seed)
{
	uint64_t r = rng_next(seed);

	return (int)(r % 4 ? (r >> 8) % 4 : (r >> 8) & 0xFF);
}

/* Random payloads in a well-framed blob (header and checksum right) test
 * the structural checks: each is refused, or decodes to a summary whose
 * blob is the same bytes (decoding accepts only canonical encodings). */
static void random_payloads_are_refused_or_canonical(void **state)
{
	uint64_t seed = 5;

	UNUSED(state);
	for (int i = 0; i < 60000; i++) {
		enum blob_kind k = (enum blob_kind)(i % B_KINDS);
		size_t len = (size_t)(rng_next(&seed) % 40);
		struct buf b = BUF_INIT, again = BUF_INIT;

		buf_addch(&b, 's');
		buf_addch(&b, kind_letter[k]);
		buf_addch(&b, SKETCH_BLOB_VERSION);
		for (size_t j = 0; j < len; j++)
			buf_addch(&b, plausible_byte(&seed));
		add_checksum(&b, 0);
		if (reencode_kind(k, b.data, b.len, &again) == ST_OK)
			assert_same_bytes(&b, &again);
		buf_release(&b);
		buf_release(&again);
	}
}

static void structurally_bad_blobs_are_refused(void **state)
{
	static const struct {
		enum blob_kind kind;
		const char *payload;
		size_t len;
	} bad[] = {
		{ B_EXACT, "\x02", 1 },			/* unknown mode */
		{ B_EXACT, "\x00\x80\x00", 3 },		/* varint not minimal */
		{ B_EXACT, "\x00\x81\x20", 3 },		/* 4097 > 4096 hashes */
		{ B_EXACT, "\x00\x02" "AAAAAAAA" "AAAAAAAA", 18 }, /* repeat */
		{ B_EXACT, "\x00\x00\x00", 3 },		/* trailing byte */
		{ B_HLL, "\x01\x0d", 2 },		/* p = 13 */
		{ B_TOPK, "\x00\x00\x00", 3 },		/* k = 0 */
		{ B_TOPK, "\x02\x03\x00", 3 },		/* n > k */
		{ B_TOPK, "\x02\x01\x01\x41" "x\x01\x00", 7 }, /* length 65 */
		{ B_TOPK, "\x02\x01\x02\x01" "x\x02\x01", 7 }, /* error, n<k */
		{ B_TOPK, "\x02\x01\x02\x01" "x\x01\x00", 7 }, /* sum!=total */
		{ B_TOPK, "\x02\x02\x03\x01" "x\x02\x00\x01x\x01\x00", 11 },
							/* repeated key */
		{ B_TOPK, "\x02\x02\x02\x01" "b\x01\x00\x01" "a\x01\x00", 11 },
							/* out of order */
		{ B_KMV, "\x02\x05\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
		  12 },
							/* past 2^64 */
		{ B_DAYS, "\x01\xad\x9d\x02\x01\x00\x00", 7 }, /* day 36525 */
		{ B_DAYS, "\x01\x05\x00\x00\x00", 5 },	/* count 0 */
		{ B_DAYS, "\x00\x01\x00\x05", 4 },	/* overflow, max 5 */
		{ B_LENS, "\x00\x01\x05\xc8\x02", 5 },	/* 1 of 328: sum 5 */
		{ B_LENS, "\x00\x02\xe8\x07\xc8\x02", 6 }, /* 1000 > 2 * 328 */
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf b = BUF_INIT;

		buf_addch(&b, 's');
		buf_addch(&b, kind_letter[bad[i].kind]);
		buf_addch(&b, SKETCH_BLOB_VERSION);
		buf_add(&b, bad[i].payload, bad[i].len);
		add_checksum(&b, 0);
		if (decode_kind(bad[i].kind, b.data, b.len) != ST_ERR)
			fail_msg("bad blob %zu was accepted", i);
		buf_release(&b);
	}
}

static void blobs_of_another_kind_or_version_are_refused(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	make_kmv_blob(&b);
	assert_int_equal(decode_kind(B_DAYS, b.data, b.len), ST_ERR);
	b.data[2] = SKETCH_BLOB_VERSION + 1;
	b.len -= 4;
	add_checksum(&b, 0);
	assert_int_equal(decode_kind(B_KMV, b.data, b.len), ST_ERR);
	buf_release(&b);
}

/* --- memory ------------------------------------------------------------ */

struct field_sketches {
	struct distinct distinct;
	struct topk top, shapes;
	struct kmv kmv;
	struct day_hist ages;
	struct len_hist lengths;
	struct buf shape;
};

/* What the profiler does with one value. */
static void field_add(struct field_sketches *f, uint64_t i)
{
	char v[32];
	int n = snprintf(v, sizeof(v), "v%llu",
			 (unsigned long long)(i % 50000));
	uint64_t h = sketch_hash(v, (size_t)n);

	assert_int_equal(distinct_add_hash(&f->distinct, h), ST_OK);
	topk_add_hashed(&f->top, v, (size_t)n, h);
	kmv_add_hash(&f->kmv, h);
	assert_int_equal(day_hist_add(&f->ages, (int64_t)(i % 3650)), ST_OK);
	len_hist_add(&f->lengths, (size_t)n);
	buf_reset(&f->shape);
	sketch_shape(v, (size_t)n, &f->shape);
	topk_add(&f->shapes, f->shape.data, f->shape.len);
}

static void adding_a_million_values_allocates_nothing_after_warm_up(
	void **state)
{
	struct field_sketches f;
	long before;

	UNUSED(state);
	distinct_init(&f.distinct);
	assert_int_equal(topk_init(&f.top, 32), ST_OK);
	assert_int_equal(topk_init(&f.shapes, 32), ST_OK);
	kmv_init(&f.kmv);
	day_hist_init(&f.ages);
	len_hist_init(&f.lengths);
	buf_init(&f.shape, 0);
	for (uint64_t i = 0; i < 10000; i++)
		field_add(&f, i);
	alloc_fail_after(-1);	/* resets the count */
	before = alloc_count();
	for (uint64_t i = 10000; i < 1010000; i++)
		field_add(&f, i);
	assert_int_equal(alloc_count(), before);
	assert_near((double)distinct_estimate(&f.distinct), 50000,
		    0.03 * 50000);
	distinct_release(&f.distinct);
	topk_release(&f.top);
	topk_release(&f.shapes);
	day_hist_release(&f.ages);
	buf_release(&f.shape);
}

static void a_failed_switch_to_hyperloglog_keeps_the_exact_set(void **state)
{
	struct distinct d;

	UNUSED(state);
	distinct_init(&d);
	distinct_add_range(&d, 0, DISTINCT_EXACT_MAX);
	alloc_fail_after(0);
	assert_int_equal(distinct_add_hash(&d, value_hash(99999)),
			 ST_ERR_NOMEM);
	assert_true(distinct_is_exact(&d));
	assert_int_equal(distinct_estimate(&d), DISTINCT_EXACT_MAX);
	alloc_fail_after(-1);
	assert_int_equal(distinct_add_hash(&d, value_hash(99999)), ST_OK);
	assert_false(distinct_is_exact(&d));
	distinct_release(&d);
}

static void failed_allocations_are_reported_and_leave_summaries_empty(
	void **state)
{
	struct topk t;
	struct day_hist h;
	struct buf blob = BUF_INIT;

	UNUSED(state);
	for (long n = 0; n < 4; n++) {
		alloc_fail_after(n);
		assert_int_equal(topk_init(&t, 16), ST_ERR_NOMEM);
		topk_release(&t);
	}
	alloc_fail_after(-1);
	day_hist_init(&h);
	alloc_fail_after(0);
	assert_int_equal(day_hist_add(&h, 12), ST_ERR_NOMEM);
	assert_int_equal(day_hist_count(&h), 0);
	assert_int_equal(day_hist_max(&h), -1);
	alloc_fail_after(-1);
	make_days_blob(&blob);
	alloc_fail_after(1);	/* the second block */
	assert_int_equal(day_hist_deserialise(&h, blob.data, blob.len),
			 ST_ERR_NOMEM);
	assert_int_equal(day_hist_count(&h), 0);
	alloc_fail_after(-1);
	buf_release(&blob);
}

static void a_failed_deserialise_leaks_nothing_at_any_allocation(void **state)
{
	UNUSED(state);
	for (int k = 0; k < B_KINDS; k++) {
		struct buf b = BUF_INIT;
		int rc = ST_ERR_NOMEM;

		make_blob((enum blob_kind)k, &b);
		for (long n = 0; rc == ST_ERR_NOMEM; n++) {
			alloc_fail_after(n);
			rc = decode_kind((enum blob_kind)k, b.data, b.len);
			assert_true(rc == ST_OK || rc == ST_ERR_NOMEM);
		}
		alloc_fail_after(-1);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_matches_the_reference_xxh64_vectors),
		cmocka_unit_test(hash_matches_the_reference_at_every_tail_length),
		cmocka_unit_test(hash_does_not_depend_on_alignment),
		cmocka_unit_test(bytes_equal_agrees_with_memcmp),

		cmocka_unit_test(shape_maps_letters_and_digits_and_keeps_punctuation),
		cmocka_unit_test(shape_classifies_non_ascii_by_unicode_category),
		cmocka_unit_test(shape_stops_at_32_characters_with_an_ellipsis),
		cmocka_unit_test(padded_shape_agrees_with_the_general_one),

		cmocka_unit_test(distinct_counts_exactly_up_to_4096),
		cmocka_unit_test(distinct_switches_to_hyperloglog_at_4097),
		cmocka_unit_test(distinct_counts_the_zero_hash_like_any_other),
		cmocka_unit_test(distinct_hll_is_within_3_standard_errors),
		cmocka_unit_test(distinct_hll_rank_is_bounded_for_zero_low_bits),
		cmocka_unit_test(distinct_merge_of_exact_sketches_is_the_exact_union),
		cmocka_unit_test(distinct_merge_past_the_limit_has_identical_registers),
		cmocka_unit_test(distinct_round_trips_through_a_blob),
		cmocka_unit_test(distinct_blobs_are_compact_and_canonical),

		cmocka_unit_test(topk_finds_the_true_top_5_of_a_zipf_stream),
		cmocka_unit_test(topk_merge_of_halves_keeps_the_top_5_and_the_bounds),
		cmocka_unit_test(topk_merge_of_many_cleared_summaries_keeps_the_top_5),
		cmocka_unit_test(topk_merge_of_small_summaries_counts_exactly),
		cmocka_unit_test(topk_merge_of_a_different_k_keeps_the_bounds),
		cmocka_unit_test(topk_sorts_by_count_then_value_bytes),
		cmocka_unit_test(topk_evicts_the_smallest_counter_into_the_error),
		cmocka_unit_test(topk_truncates_long_values_at_a_character_boundary),
		cmocka_unit_test(topk_init_refuses_k_outside_1_to_1024),
		cmocka_unit_test(topk_round_trips_through_a_blob),

		cmocka_unit_test(kmv_is_exact_for_small_sets),
		cmocka_unit_test(kmv_estimates_97_percent_containment_within_5_points),
		cmocka_unit_test(kmv_containment_of_disjoint_sets_is_zero),
		cmocka_unit_test(kmv_merge_equals_one_sketch),
		cmocka_unit_test(kmv_round_trips_through_a_blob),

		cmocka_unit_test(day_hist_quantiles_match_sorting),
		cmocka_unit_test(day_hist_subtract_leaves_the_rest),
		cmocka_unit_test(day_hist_quantile_rank_is_ceil_q_n),
		cmocka_unit_test(day_hist_counts_future_and_overflow_apart),
		cmocka_unit_test(day_hist_merge_equals_one_hist),
		cmocka_unit_test(day_hist_round_trips_through_a_sparse_blob),

		cmocka_unit_test(len_hist_counts_mean_max_and_overflow),
		cmocka_unit_test(len_hist_merges_and_round_trips),

		cmocka_unit_test(every_truncation_of_a_valid_blob_is_refused),
		cmocka_unit_test(prefix_keys_order_as_texts),
		cmocka_unit_test(every_one_byte_corruption_is_refused),
		cmocka_unit_test(random_blobs_are_refused),
		cmocka_unit_test(random_payloads_are_refused_or_canonical),
		cmocka_unit_test(structurally_bad_blobs_are_refused),
		cmocka_unit_test(blobs_of_another_kind_or_version_are_refused),

		FAULT_TEST(adding_a_million_values_allocates_nothing_after_warm_up),
		FAULT_TEST(a_failed_switch_to_hyperloglog_keeps_the_exact_set),
		FAULT_TEST(failed_allocations_are_reported_and_leave_summaries_empty),
		FAULT_TEST(a_failed_deserialise_leaks_nothing_at_any_allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
