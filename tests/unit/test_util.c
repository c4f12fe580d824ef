/*
 * test_util.c - the foundation modules in src/util that everything else
 * stands on: buf, arena, alloc, diag, utf8, sha256, textdist and files.
 *
 * Each case checks one documented behaviour with exact values.  The
 * fault-injection cases use alloc_fail_after() to fail the Nth allocation
 * and check that the module reports ST_ERR_NOMEM and stays usable; leaks on
 * those paths are caught by the ASan/LSan build (`make check`), since the
 * library allocates with plain malloc rather than cmocka's test_malloc.
 * Every case that turns fault injection on restores it in a teardown, so a
 * failed assertion cannot leave later cases failing their allocations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <stdalign.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/copy.h"
#include "util/diag.h"
#include "util/files.h"
#include "util/number.h"
#include "util/sha256.h"
#include "util/textdist.h"
#include "util/utf8.h"

/* --- helpers ----------------------------------------------------------- */

static int restore_allocator(void **state)
{
	UNUSED(state);
	alloc_fail_after(-1);
	return 0;
}

#define FAULT_TEST(f) cmocka_unit_test_teardown(f, restore_allocator)

/* The buf holds exactly want[0..len) followed by a NUL. */
static void assert_buf_is(const struct buf *b, const char *want, size_t len)
{
	assert_non_null(b->data);
	assert_int_equal(b->len, len);
	if (len)
		assert_memory_equal(b->data, want, len);
	assert_int_equal(b->data[b->len], '\0');
}

#define assert_buf_str(b, s) assert_buf_is((b), (s), strlen(s))

typedef void (*text_map)(const char *s, size_t len, struct buf *out);

static void expect_mapped(text_map f, const char *in, const char *want)
{
	struct buf out = BUF_INIT;

	f(in, strlen(in), &out);
	assert_int_equal(buf_error(&out), 0);
	assert_string_equal(out.data, want);
	assert_int_equal(out.len, strlen(want));
	buf_release(&out);
}

/* --- buf --------------------------------------------------------------- */

static void buf_starts_empty_and_never_null(void **state)
{
	struct buf a = BUF_INIT, b;

	UNUSED(state);
	assert_buf_str(&a, "");
	assert_int_equal(a.cap, 0);
	assert_int_equal(a.max, LIMIT_BUF_DEFAULT_MAX);
	assert_int_equal(buf_error(&a), 0);
	buf_init(&b, 100);
	assert_buf_str(&b, "");
	assert_int_equal(b.max, 100);
	/* a maximum of 0 means the default */
	buf_init(&b, 0);
	assert_int_equal(b.max, LIMIT_BUF_DEFAULT_MAX);
}

static void buf_appends_stay_nul_terminated(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	buf_addstr(&b, "abc");
	assert_buf_str(&b, "abc");
	buf_addch(&b, '-');
	assert_buf_str(&b, "abc-");
	buf_addchars(&b, 'z', 3);
	assert_buf_str(&b, "abc-zzz");
	buf_add(&b, "x\0y", 3);
	assert_buf_is(&b, "abc-zzzx\0y", 10);
	buf_add(&b, "", 0);
	buf_addchars(&b, 'q', 0);
	assert_buf_is(&b, "abc-zzzx\0y", 10);
	assert_int_equal(buf_error(&b), 0);
	buf_release(&b);
}

static void buf_grows_across_many_appends(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	for (int i = 0; i < 10000; i++)
		buf_addch(&b, 'a' + i % 26);
	assert_int_equal(buf_error(&b), 0);
	assert_int_equal(b.len, 10000);
	assert_true(b.cap > b.len);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_int_equal(b.data[10000], '\0');
	buf_release(&b);
}

static void buf_stops_at_its_maximum_and_stays_failed(void **state)
{
	struct buf b;

	UNUSED(state);
	buf_init(&b, 10);
	buf_addstr(&b, "0123456789");
	assert_int_equal(buf_error(&b), 0);
	assert_buf_str(&b, "0123456789");
	assert_true(b.cap <= 11);

	buf_addch(&b, 'x');
	assert_int_equal(buf_error(&b), ST_ERR);
	assert_buf_str(&b, "0123456789");

	/* sticky: nothing is appended, not even what would fit */
	buf_truncate(&b, 4);
	buf_addstr(&b, "ab");
	buf_addf(&b, "%d", 7);
	buf_addchars(&b, 'c', 1);
	assert_int_equal(buf_reserve(&b, 1), ST_ERR);
	assert_int_equal(buf_error(&b), ST_ERR);
	assert_buf_str(&b, "0123");

	/* buf_reset is the way back */
	buf_reset(&b);
	assert_int_equal(buf_error(&b), 0);
	assert_buf_str(&b, "");
	buf_addstr(&b, "ok");
	assert_buf_str(&b, "ok");
	assert_int_equal(b.max, 10);
	buf_release(&b);
}

static void buf_refuses_an_append_that_crosses_the_maximum_whole(void **state)
{
	struct buf b;

	UNUSED(state);
	buf_init(&b, 10);
	buf_addstr(&b, "12345678");
	buf_addstr(&b, "abc");
	assert_int_equal(buf_error(&b), ST_ERR);
	assert_buf_str(&b, "12345678");
	buf_release(&b);

	buf_init(&b, 5);
	buf_addf(&b, "%d", 123456);
	assert_int_equal(buf_error(&b), ST_ERR);
	assert_buf_str(&b, "");
	buf_release(&b);

	buf_init(&b, 5);
	buf_addchars(&b, '-', 6);
	assert_int_equal(buf_error(&b), ST_ERR);
	assert_buf_str(&b, "");
	buf_release(&b);
}

/* The inline appends take their fast path only when the byte and the NUL
 * after it fit: at every maximum, the byte or string that would cross it
 * is refused whole and the error is set, exactly as out of line. */
static void buf_inline_appends_stop_exactly_at_every_maximum(void **state)
{
	UNUSED(state);
	for (size_t max = 1; max <= 200; max++) {
		struct buf b;
		size_t n = 0;

		buf_init(&b, max);
		for (size_t i = 0; i < max; i++)
			buf_addch(&b, 'a' + (int)(i % 26));
		assert_int_equal(buf_error(&b), 0);
		assert_int_equal(b.len, max);
		assert_true(b.cap <= max + 1);
		buf_addch(&b, 'z');
		assert_int_equal(buf_error(&b), ST_ERR);
		assert_int_equal(b.len, max);
		assert_int_equal(b.data[max - 1], 'a' + (int)((max - 1) % 26));
		assert_int_equal(b.data[max], '\0');

		buf_reset(&b);
		while (n + 3 <= max) {
			buf_add(&b, "xyz", 3);
			n += 3;
		}
		assert_int_equal(buf_error(&b), 0);
		assert_buf_is(&b, b.data, n);
		buf_add(&b, "xyz", 3);
		assert_int_equal(buf_error(&b), n + 3 > max ? ST_ERR : 0);
		assert_int_equal(b.len, n + 3 > max ? n : n + 3);
		buf_release(&b);
	}
}

static void buf_addspace_hands_out_room_to_fill(void **state)
{
	struct buf b;
	char *p;

	UNUSED(state);
	buf_init(&b, 8);
	p = buf_addspace(&b, 0);
	assert_non_null(p);
	assert_buf_str(&b, "");
	p = buf_addspace(&b, 3);
	assert_non_null(p);
	memcpy(p, "abc", 3);
	assert_buf_str(&b, "abc");
	p = buf_addspace(&b, 5);
	assert_non_null(p);
	memcpy(p, "defgh", 5);
	assert_buf_str(&b, "abcdefgh");
	/* past the maximum: nothing is appended and the error sticks */
	assert_null(buf_addspace(&b, 1));
	assert_int_equal(buf_error(&b), ST_ERR);
	assert_buf_str(&b, "abcdefgh");
	buf_truncate(&b, 2);
	assert_null(buf_addspace(&b, 1));
	assert_buf_str(&b, "ab");
	buf_release(&b);
}

static void buf_addspace_reports_nomem(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	alloc_fail_after(0);
	assert_null(buf_addspace(&b, 4));
	alloc_fail_after(-1);
	assert_int_equal(buf_error(&b), ST_ERR_NOMEM);
	assert_buf_str(&b, "");
	buf_release(&b);
}

static void buf_with_the_largest_maximum_still_grows(void **state)
{
	struct buf b;

	UNUSED(state);
	buf_init(&b, SIZE_MAX);
	buf_addstr(&b, "abc");
	buf_addchars(&b, 'd', 200);
	assert_int_equal(buf_error(&b), 0);
	assert_int_equal(b.len, 203);
	assert_true(b.cap > b.len);
	assert_memory_equal(b.data, "abcddd", 6);
	assert_int_equal(b.data[202], 'd');
	assert_int_equal(b.data[203], '\0');
	buf_release(&b);
}

static void buf_addf_formats_and_appends(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	buf_addf(&b, "%s=%d", "n", 42);
	buf_addf(&b, " %05.1f", 3.14159);
	buf_addf(&b, " %s", "");
	buf_addf(&b, "[%c]", 'x');
	assert_buf_str(&b, "n=42 003.1 [x]");
	/* longer than the first allocation, so vaddf must grow first */
	buf_reset(&b);
	buf_addf(&b, "%0300d|", 7);
	assert_int_equal(buf_error(&b), 0);
	assert_int_equal(b.len, 301);
	assert_int_equal(b.data[0], '0');
	assert_int_equal(b.data[298], '0');
	assert_int_equal(b.data[299], '7');
	assert_int_equal(b.data[300], '|');
	assert_int_equal(b.data[301], '\0');
	buf_release(&b);
}

static void buf_trim_removes_ascii_whitespace_at_both_ends(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	buf_trim(&b);			/* unused buf: nothing to do */
	assert_buf_str(&b, "");
	buf_addstr(&b, " \t\n a  b \r\n\v\f");
	buf_trim(&b);
	assert_buf_str(&b, "a  b");
	buf_trim(&b);
	assert_buf_str(&b, "a  b");

	buf_reset(&b);
	buf_addstr(&b, "   \t  ");
	buf_trim(&b);
	assert_buf_str(&b, "");

	/* U+00A0 NO-BREAK SPACE is not ASCII whitespace */
	buf_reset(&b);
	buf_addstr(&b, "\xC2\xA0x\xC2\xA0 ");
	buf_trim(&b);
	assert_buf_str(&b, "\xC2\xA0x\xC2\xA0");
	buf_release(&b);
}

static void buf_truncate_shortens_and_never_lengthens(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	buf_truncate(&b, 5);		/* unused buf */
	assert_buf_str(&b, "");
	buf_addstr(&b, "abcdef");
	buf_truncate(&b, 10);
	assert_buf_str(&b, "abcdef");
	buf_truncate(&b, 2);
	assert_buf_str(&b, "ab");
	buf_truncate(&b, 0);
	assert_buf_str(&b, "");
	buf_release(&b);
}

static void buf_detach_hands_over_the_data_and_resets(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	UNUSED(state);
	buf_init(&b, 1000);
	buf_addstr(&b, "hello");
	p = buf_detach(&b, &len);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	xfree(p);
	assert_buf_str(&b, "");
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 1000);

	/* an unused buf still detaches a string the caller can free */
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	xfree(p);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "");
	xfree(p);
	buf_release(&b);
}

static void buf_release_on_an_unused_buf_is_harmless(void **state)
{
	struct buf a = BUF_INIT, b;

	UNUSED(state);
	buf_release(&a);
	buf_release(&a);
	assert_buf_str(&a, "");
	assert_int_equal(a.cap, 0);

	buf_init(&b, 10);
	buf_addstr(&b, "x");
	buf_release(&b);
	buf_release(&b);
	assert_buf_str(&b, "");
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 10);
	assert_int_equal(buf_error(&b), 0);
	buf_addstr(&b, "again");
	assert_buf_str(&b, "again");
	buf_release(&b);
}

static void buf_reports_nomem_and_keeps_a_valid_string(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	alloc_fail_after(0);
	buf_addstr(&b, "abc");
	assert_int_equal(buf_error(&b), ST_ERR_NOMEM);
	assert_buf_str(&b, "");
	alloc_fail_after(-1);
	buf_addstr(&b, "abc");		/* sticky even once memory is back */
	assert_int_equal(buf_error(&b), ST_ERR_NOMEM);
	assert_buf_str(&b, "");
	buf_release(&b);

	/* fail each growth in turn: what is there is a valid prefix */
	for (long n = 0; n < 12; n++) {
		alloc_fail_after(n);
		for (int i = 0; i < 5000; i++)
			buf_addch(&b, 'a' + i % 26);
		alloc_fail_after(-1);
		if (buf_error(&b) == 0) {
			assert_int_equal(b.len, 5000);
		} else {
			assert_int_equal(buf_error(&b), ST_ERR_NOMEM);
			assert_true(b.len < 5000);
		}
		for (size_t i = 0; i < b.len; i++)
			assert_int_equal(b.data[i], 'a' + i % 26);
		assert_int_equal(b.data[b.len], '\0');
		buf_release(&b);
	}
}

/* --- arena ------------------------------------------------------------- */

static void arena_allocations_are_aligned_and_disjoint(void **state)
{
	struct arena a;
	char *prev = NULL;
	size_t prev_size = 0;

	UNUSED(state);
	arena_init(&a, 512);
	for (size_t size = 0; size <= 100; size++) {
		char *p = arena_alloc(&a, size);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		if (size)
			memset(p, 0xAB, size);
		/* within one chunk, each allocation starts after the last */
		if (prev && p > prev)
			assert_true(p >= prev + prev_size);
		prev = p;
		prev_size = size;
	}
	assert_int_equal(a.err, 0);
	arena_release(&a);
}

static void arena_memory_is_zeroed_even_when_reused(void **state)
{
	struct arena a;
	unsigned char *p[20];

	UNUSED(state);
	arena_init(&a, 1024);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = arena_alloc(&a, 40 + i);
			assert_non_null(p[i]);
			for (size_t k = 0; k < 40 + i; k++)
				assert_int_equal(p[i][k], 0);
			memset(p[i], 0xFF, 40 + i);
		}
		arena_reset(&a);
	}
	arena_release(&a);
}

static uint64_t test_random(uint64_t *x);

/* Two pages, the second unreadable: a read past the first faults. */
static char *page_before_a_hole(size_t *page)
{
	int fd = open("/dev/zero", O_RDWR);
	char *p;

	*page = (size_t)sysconf(_SC_PAGESIZE);
	assert_true(fd >= 0);
	p = mmap(NULL, 2 * *page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + *page, *page, PROT_NONE), 0);
	return p;
}

/* Every length up to past COPY_SHORT, from every offset in the last 40
 * bytes of a page followed by an unreadable one: the bytes arrive exactly,
 * and the fixed-width read never leaves the page (it would fault). */
static void copy_short_copies_exactly_without_leaving_the_page(void **state)
{
	size_t page;
	char *p = page_before_a_hole(&page);
	char dst[COPY_SHORT + 48];

	UNUSED(state);
	for (size_t i = 0; i < page; i++)
		p[i] = (char)('a' + i % 26);
	for (size_t off = page - 40; off < page; off++) {
		for (size_t n = 0; n <= COPY_SHORT + 8 && off + n <= page; n++) {
			memset(dst, '#', sizeof(dst));
			copy_short(dst, p + off, n);
			assert_memory_equal(dst, p + off, n);
			/* nothing written past the room promised */
			for (size_t k = n > COPY_SHORT ? n : COPY_SHORT; k < sizeof(dst); k++)
				assert_int_equal(dst[k], '#');
		}
	}
	munmap(p, 2 * page);
}

/* Short strings copied 32 bytes at a time write past their own end, into
 * room no allocation holds yet: everything handed out before stays as it
 * was, at chunk ends too. */
static void arena_strndup_leaves_every_earlier_allocation_alone(void **state)
{
	struct arena a;
	char *keep[300];
	size_t lens[300];
	char src[64];
	uint64_t rng = 11;

	UNUSED(state);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)('A' + i % 26);
	arena_init(&a, 200);
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		lens[i] = (size_t)(test_random(&rng) % 45);
		if (i % 3 == 0) {
			keep[i] = arena_alloc(&a, lens[i] + 1);
			assert_non_null(keep[i]);
			memset(keep[i], 'z', lens[i]);
		} else {
			keep[i] = arena_strndup(&a, src + i % 16, lens[i]);
			assert_non_null(keep[i]);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		for (size_t k = 0; k < lens[i]; k++)
			assert_int_equal(keep[i][k], i % 3 == 0 ? 'z' : src[i % 16 + k]);
		assert_int_equal(keep[i][lens[i]], '\0');
	}
	arena_release(&a);
}

/* The 32-byte ASCII test says what a byte loop says, whatever lies past
 * the value, and a value it passes is one utf8_sanitize() copies as it is
 * (the mapper takes such values whole). */
static void ascii_padded_agrees_with_a_byte_loop(void **state)
{
	uint64_t rng = 5;

	UNUSED(state);
	for (size_t round = 0; round < 20000; round++) {
		char s[32];
		size_t len = (size_t)(test_random(&rng) % 33);
		bool ascii = true;
		struct buf b = BUF_INIT;

		for (size_t i = 0; i < sizeof(s); i++) {
			uint64_t r = test_random(&rng);

			s[i] = (char)(r % 8 == 0 ? 0x80 | (r >> 8) : (r >> 8) % 128);
			if (i < len && (unsigned char)s[i] >= 0x80)
				ascii = false;
		}
		assert_int_equal(utf8_ascii_padded(s, len), ascii);
		if (ascii) {
			assert_int_equal(utf8_sanitize(s, len, &b), 0);
			assert_int_equal(b.len, len);
			assert_memory_equal(b.data, s, len);
		}
		buf_release(&b);
	}
}

/* The eight-bytes-at-a-time digit runs give number_syntax()'s verdicts,
 * with digits past the value's end (which must not count). */
static void padded_number_syntax_agrees_with_the_plain_one(void **state)
{
	static const char alphabet[] = "0123456789+-.eE x9";
	uint64_t rng = 3;

	UNUSED(state);
	for (size_t round = 0; round < 200000; round++) {
		char s[80];
		size_t len = (size_t)(test_random(&rng) % 70);
		bool e1, e2;

		for (size_t i = 0; i < sizeof(s); i++)
			s[i] = i < len ? alphabet[test_random(&rng) % (sizeof(alphabet) - 1)] :
			       (char)('0' + i % 10);
		if (test_random(&rng) % 2)	/* mostly digits: long runs */
			for (size_t i = 0; i < len; i++)
				if (test_random(&rng) % 8)
					s[i] = (char)('0' + i % 10);
		assert_int_equal(number_syntax(s, len, &e1),
				 number_syntax_padded(s, len, &e2));
		assert_int_equal(e1, e2);
	}
}

static void arena_allocations_bigger_than_a_chunk_succeed(void **state)
{
	struct arena a;
	char *small, *big, *after;

	UNUSED(state);
	arena_init(&a, 256);
	small = arena_strdup(&a, "before");
	big = arena_alloc(&a, 100000);
	assert_non_null(big);
	assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
	for (size_t i = 0; i < 100000; i++)
		assert_int_equal(big[i], 0);
	memset(big, 'B', 100000);
	after = arena_strdup(&a, "after");
	assert_string_equal(small, "before");
	assert_string_equal(after, "after");
	assert_int_equal(big[0], 'B');
	assert_int_equal(big[99999], 'B');
	assert_int_equal(a.err, 0);
	arena_release(&a);
}

/* Allocations made by one scratch-arena "record". */
static void fill_scratch(struct arena *a, int record)
{
	for (int i = 0; i < 40; i++) {
		char *s = arena_printf(a, "record %d field %d", record, i);

		assert_non_null(s);
	}
	assert_non_null(arena_array(a, 16, sizeof(double)));
}

static void arena_reset_keeps_one_chunk_and_memory_stays_flat(void **state)
{
	struct arena a;
	long before;

	UNUSED(state);
	arena_init(&a, 4096);
	fill_scratch(&a, 0);
	arena_reset(&a);
	assert_non_null(a.head);
	before = alloc_count();
	for (int r = 1; r <= 10000; r++) {
		fill_scratch(&a, r);
		arena_reset(&a);
	}
	/* the kept chunk served every record: no allocation at all */
	assert_int_equal(alloc_count() - before, 0);
	assert_int_equal(a.err, 0);
	arena_release(&a);
	assert_null(a.head);
}

/* An arena that grows to millions of strings takes chunks as large as
 * what it holds, up to ARENA_CHUNK_MAX: a few large blocks (which the
 * allocator backs with huge pages), not thousands of small ones, and no
 * more memory held than the last chunk's unused part. */
static void arena_grows_in_doubling_chunks_up_to_the_cap(void **state)
{
	struct arena a;
	size_t used = 0, chunks = 0, last = 0;
	long before;

	UNUSED(state);
	arena_init(&a, 1024);
	before = alloc_count();
	while (used < (size_t)40 << 20) {
		assert_non_null(arena_alloc(&a, 64));	/* a multiple of the alignment */
		used += 64;
		if (a.total != last) {
			/* a new chunk: never past the cap, never smaller than
			 * what came before it until the cap */
			size_t size = a.total - last;

			assert_true(size <= ARENA_CHUNK_MAX);
			assert_true(size >= (last < ARENA_CHUNK_MAX ? last : ARENA_CHUNK_MAX));
			chunks++;
			last = a.total;
		}
	}
	/* 1 KiB doubling to 8 MiB is 14 chunks, then 8 MiB at a time */
	assert_true(chunks <= 20);
	assert_int_equal(alloc_count() - before, (long)chunks);
	assert_true(a.total >= used);
	assert_true(a.total - used <= ARENA_CHUNK_MAX + 64 * chunks);
	arena_release(&a);
	assert_int_equal(a.total, 0);

	/* a chunk size above the cap is kept, not cut down to it: the third
	 * chunk, with twice the chunk size held, is the chunk size again */
	arena_init(&a, ARENA_CHUNK_MAX / 2 * 3);
	for (int i = 0; i < 25; i++)
		assert_non_null(arena_alloc(&a, ARENA_CHUNK_MAX / 8));
	assert_int_equal(a.total, 3 * (ARENA_CHUNK_MAX / 2 * 3));
	arena_release(&a);
}

static void arena_reset_keeps_the_largest_chunk(void **state)
{
	struct arena a;
	long before;

	UNUSED(state);
	arena_init(&a, 256);
	/* the big chunk first, so that newer small chunks sit before it */
	assert_non_null(arena_alloc(&a, 50000));
	for (int i = 0; i < 20; i++)
		assert_non_null(arena_alloc(&a, 100));
	arena_reset(&a);
	/* the 50000-byte chunk was kept, so a record that needs it no longer
	 * allocates, and neither do 10000 more such records */
	before = alloc_count();
	for (int r = 0; r < 10000; r++) {
		char *p = arena_alloc(&a, 50000);

		assert_non_null(p);
		assert_int_equal(p[49999], 0);
		p[49999] = 1;
		arena_reset(&a);
	}
	assert_int_equal(alloc_count() - before, 0);
	arena_release(&a);
}

static void arena_printf_formats_into_the_arena(void **state)
{
	struct arena a;
	char *s, *big;

	UNUSED(state);
	arena_init(&a, 256);
	s = arena_printf(&a, "%s-%04d-%x", "run", 7, 255);
	assert_string_equal(s, "run-0007-ff");
	s = arena_printf(&a, "%s", "");
	assert_string_equal(s, "");
	big = arena_printf(&a, "%01000d", 5);	/* bigger than a chunk */
	assert_non_null(big);
	assert_int_equal(strlen(big), 1000);
	assert_int_equal(big[998], '0');
	assert_int_equal(big[999], '5');
	assert_int_equal(a.err, 0);
	arena_release(&a);
}

static void arena_strdup_and_strndup_copy_and_terminate(void **state)
{
	struct arena a;

	UNUSED(state);
	arena_init(&a, 0);		/* 0 means the default chunk size */
	assert_int_equal(a.chunk_size, 16384);
	assert_string_equal(arena_strdup(&a, "hello"), "hello");
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	assert_string_equal(arena_strndup(&a, "abc", 0), "");
	assert_null(arena_strdup(&a, NULL));
	assert_int_equal(a.err, 0);
	arena_release(&a);
}

static void arena_refuses_overflowing_sizes(void **state)
{
	struct arena a;

	UNUSED(state);
	arena_init(&a, 256);
	assert_null(arena_array(&a, SIZE_MAX / 2, 3));
	assert_int_equal(a.err, ST_ERR_NOMEM);
	arena_reset(&a);
	assert_int_equal(a.err, 0);
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_int_equal(a.err, ST_ERR_NOMEM);
	arena_reset(&a);
	/* rounding up fits, adding the chunk header does not */
	assert_null(arena_alloc(&a, SIZE_MAX - sizeof(max_align_t) - 8));
	assert_int_equal(a.err, ST_ERR_NOMEM);
	arena_release(&a);
	assert_int_equal(a.err, 0);
}

static void arena_reports_nomem_and_the_error_is_sticky(void **state)
{
	struct arena a;

	UNUSED(state);
	arena_init(&a, 256);
	alloc_fail_after(0);
	assert_null(arena_alloc(&a, 8));
	assert_int_equal(a.err, ST_ERR_NOMEM);
	assert_null(arena_printf(&a, "%d", 1));
	assert_null(arena_strdup(&a, "x"));
	alloc_fail_after(-1);
	/* allocation works again, but the arena remembers the failure */
	assert_string_equal(arena_strdup(&a, "x"), "x");
	assert_int_equal(a.err, ST_ERR_NOMEM);
	arena_reset(&a);
	assert_int_equal(a.err, 0);
	arena_release(&a);

	/* fail the Nth chunk: earlier strings are intact, later ones NULL */
	for (long n = 0; n < 8; n++) {
		char *s[60];
		int failed = 0;

		arena_init(&a, 256);
		alloc_fail_after(n);
		for (int i = 0; i < 60; i++) {
			s[i] = arena_printf(&a, "string number %d", i);
			if (!s[i])
				failed = 1;
			else
				assert_false(failed);
		}
		alloc_fail_after(-1);
		assert_int_equal(a.err, failed ? ST_ERR_NOMEM : 0);
		for (int i = 0; i < 60 && s[i]; i++) {
			char want[32];

			snprintf(want, sizeof(want), "string number %d", i);
			assert_string_equal(s[i], want);
		}
		arena_release(&a);
	}
}

/* --- alloc ------------------------------------------------------------- */

static void xgrow_doubles_capacity_from_eight(void **state)
{
	int *arr = NULL;
	size_t cap = 0;
	long before;

	UNUSED(state);
	assert_int_equal(xgrow(&arr, &cap, 1, sizeof(*arr)), 0);
	assert_non_null(arr);
	assert_int_equal(cap, 8);
	for (int i = 0; i < 8; i++)
		arr[i] = i * 3;
	before = alloc_count();
	assert_int_equal(xgrow(&arr, &cap, 8, sizeof(*arr)), 0);
	assert_int_equal(alloc_count() - before, 0);
	assert_int_equal(cap, 8);
	assert_int_equal(xgrow(&arr, &cap, 9, sizeof(*arr)), 0);
	assert_int_equal(cap, 16);
	assert_int_equal(xgrow(&arr, &cap, 100, sizeof(*arr)), 0);
	assert_int_equal(cap, 128);
	arr[127] = -1;
	for (int i = 0; i < 8; i++)
		assert_int_equal(arr[i], i * 3);
	xfree(arr);
}

static void xgrow_refuses_overflow_and_leaves_the_array_unchanged(void **state)
{
	int *arr = NULL, *old;
	size_t cap = 0;

	UNUSED(state);
	assert_int_equal(xgrow(&arr, &cap, 8, sizeof(*arr)), 0);
	old = arr;
	arr[7] = 77;
	/* doubling the capacity wraps */
	assert_int_equal(xgrow(&arr, &cap, SIZE_MAX, sizeof(*arr)), -1);
	assert_ptr_equal(arr, old);
	assert_int_equal(cap, 8);
	/* capacity times element size wraps */
	assert_int_equal(xgrow(&arr, &cap, 9, SIZE_MAX / 8), -1);
	assert_ptr_equal(arr, old);
	assert_int_equal(cap, 8);
	assert_int_equal(arr[7], 77);
	xfree(arr);
}

static void xgrow_failure_leaves_the_array_unchanged(void **state)
{
	int *arr = NULL, *old;
	size_t cap = 0;

	UNUSED(state);
	alloc_fail_after(0);
	assert_int_equal(xgrow(&arr, &cap, 1, sizeof(*arr)), -1);
	assert_null(arr);
	assert_int_equal(cap, 0);
	alloc_fail_after(-1);
	assert_int_equal(xgrow(&arr, &cap, 1, sizeof(*arr)), 0);
	old = arr;
	arr[0] = 5;
	alloc_fail_after(0);
	assert_int_equal(xgrow(&arr, &cap, 9, sizeof(*arr)), -1);
	alloc_fail_after(-1);
	assert_ptr_equal(arr, old);
	assert_int_equal(cap, 8);
	assert_int_equal(arr[0], 5);
	xfree(arr);
}

static void size_add_and_size_mul_detect_wrapping(void **state)
{
	size_t out = 123;

	UNUSED(state);
	assert_true(size_add(SIZE_MAX - 1, 1, &out));
	assert_int_equal(out, SIZE_MAX);
	assert_false(size_add(SIZE_MAX, 1, &out));
	assert_false(size_add(SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, &out));
	assert_true(size_mul(SIZE_MAX, 1, &out));
	assert_int_equal(out, SIZE_MAX);
	assert_true(size_mul(0, SIZE_MAX, &out));
	assert_int_equal(out, 0);
	assert_true(size_mul(SIZE_MAX / 2, 2, &out));
	assert_int_equal(out, SIZE_MAX - 1);
	assert_false(size_mul(SIZE_MAX / 2 + 1, 2, &out));
	assert_false(size_mul((size_t)1 << (sizeof(size_t) * 4),
			      (size_t)1 << (sizeof(size_t) * 4), &out));
}

static void xcalloc_refuses_overflowing_sizes_and_zeroes(void **state)
{
	unsigned char *p;

	UNUSED(state);
	assert_null(xcalloc(SIZE_MAX, 2));
	assert_null(xcalloc(SIZE_MAX / 2 + 1, 2));
	assert_null(xcalloc(2, SIZE_MAX / 2 + 1));
	p = xcalloc(16, 4);
	assert_non_null(p);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	xfree(p);
	p = xcalloc(0, 0);		/* zero bytes still gives a pointer */
	assert_non_null(p);
	xfree(p);
}

static void xreallocarray_refuses_overflow_and_keeps_the_old_block(void **state)
{
	char *p = xmalloc(16), *q;

	UNUSED(state);
	assert_non_null(p);
	memcpy(p, "keep me", 8);
	assert_null(xreallocarray(p, SIZE_MAX / 4 + 1, 8));
	assert_string_equal(p, "keep me");
	q = xreallocarray(p, 4, 8);
	assert_non_null(q);
	assert_string_equal(q, "keep me");
	q[31] = 'x';
	xfree(q);
}

static void xmalloc_of_zero_and_xstrndup_behave(void **state)
{
	char *p = xmalloc(0);

	UNUSED(state);
	assert_non_null(p);
	xfree(p);
	p = xstrndup("abcdef", 3);
	assert_string_equal(p, "abc");
	xfree(p);
	p = xstrdup("");
	assert_string_equal(p, "");
	xfree(p);
	xfree(NULL);
}

static void alloc_fail_after_fails_the_nth_and_every_later_one(void **state)
{
	void *p[3];

	UNUSED(state);
	alloc_fail_after(2);
	assert_int_equal(alloc_count(), 0);
	p[0] = xmalloc(8);
	p[1] = xstrdup("two");
	assert_non_null(p[0]);
	assert_non_null(p[1]);
	assert_null(xmalloc(8));
	assert_null(xcalloc(1, 8));
	assert_null(xrealloc(NULL, 8));
	assert_null(xreallocarray(NULL, 2, 8));
	assert_null(xstrdup("x"));
	assert_int_equal(alloc_count(), 7);
	alloc_fail_after(-1);
	assert_int_equal(alloc_count(), 0);
	p[2] = xmalloc(8);
	assert_non_null(p[2]);
	assert_int_equal(alloc_count(), 1);

	alloc_fail_after(0);
	assert_null(xmalloc(1));
	alloc_fail_after(-1);
	for (int i = 0; i < 3; i++)
		xfree(p[i]);
}

#define ALLOC_THREADS 4
#define ALLOCS_PER_THREAD 20000

static void *allocate_many(void *arg)
{
	UNUSED(arg);
	for (int i = 0; i < ALLOCS_PER_THREAD; i++)
		xfree(xmalloc(16));
	return NULL;
}

/* Worker threads allocate at the same time: the counter loses nothing
 * (and the sanitizer builds see no data race on it). */
static void alloc_count_is_exact_across_threads(void **state)
{
	pthread_t t[ALLOC_THREADS];

	UNUSED(state);
	alloc_fail_after(-1);
	for (int i = 0; i < ALLOC_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, allocate_many,
						NULL), 0);
	for (int i = 0; i < ALLOC_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(alloc_count(), ALLOC_THREADS * ALLOCS_PER_THREAD);
}

/* --- diag -------------------------------------------------------------- */

static void format_diag(const struct diag *d, const char *want)
{
	struct buf out = BUF_INIT;

	diag_format(d, &out);
	assert_string_equal(out.data, want);
	buf_release(&out);
}

static void diag_first_error_wins(void **state)
{
	struct diag d;
	struct diag_pos first = { "a.xml", 3, 7 }, second = { "b.xml", 9, 1 };

	UNUSED(state);
	diag_clear(&d);
	assert_int_equal(d.set, 0);
	assert_int_equal(diag_set(&d, first, "bad %s '%d'", "value", 42), ST_ERR);
	assert_int_equal(diag_set(&d, second, "later problem"), ST_ERR);
	assert_int_equal(d.set, 1);
	assert_string_equal(d.file, "a.xml");
	assert_int_equal(d.line, 3);
	assert_int_equal(d.col, 7);
	assert_string_equal(d.msg, "bad value '42'");
	diag_clear(&d);
	diag_set(&d, second, "later problem");
	assert_string_equal(d.file, "b.xml");
	assert_string_equal(d.msg, "later problem");
}

static void diag_format_prints_file_line_and_column(void **state)
{
	struct diag d;
	struct diag_pos pos = { "policies/10-base.xml", 12, 5 };

	UNUSED(state);
	diag_clear(&d);
	diag_set(&d, pos, "unknown attribute '%s'", "colour");
	format_diag(&d, "policies/10-base.xml:12:5: unknown attribute 'colour'");
}

static void diag_format_without_column_prints_file_and_line(void **state)
{
	struct diag d;
	struct diag_pos pos = { "a.csv", 40, 0 };

	UNUSED(state);
	diag_clear(&d);
	diag_set(&d, pos, "too many columns");
	format_diag(&d, "a.csv:40: too many columns");
}

static void diag_format_without_line_prints_file_only(void **state)
{
	struct diag d;
	struct diag_pos pos = { "a.csv", 0, 9 };	/* a column alone means nothing */

	UNUSED(state);
	diag_clear(&d);
	diag_set(&d, pos, "cannot open: %s", "No such file or directory");
	format_diag(&d, "a.csv: cannot open: No such file or directory");
}

static void diag_format_without_file_prints_the_message_only(void **state)
{
	struct diag d;
	struct diag_pos none = { NULL, 0, 0 }, empty = { "", 4, 2 };
	struct buf out = BUF_INIT;

	UNUSED(state);
	diag_clear(&d);
	diag_set(&d, none, "out of memory");
	format_diag(&d, "out of memory");
	diag_clear(&d);
	diag_set(&d, empty, "bad cron field");
	format_diag(&d, "bad cron field");
	/* diag_format appends */
	buf_addstr(&out, "error: ");
	diag_format(&d, &out);
	assert_string_equal(out.data, "error: bad cron field");
	buf_release(&out);
}

static void diag_truncates_long_file_names_and_messages(void **state)
{
	struct diag d;
	char file[700];
	struct diag_pos pos = { file, 1, 1 };

	UNUSED(state);
	memset(file, 'f', sizeof(file) - 1);
	file[sizeof(file) - 1] = '\0';
	diag_clear(&d);
	diag_set(&d, pos, "%02000d", 1);
	assert_int_equal(strlen(d.file), sizeof(d.file) - 1);
	assert_int_equal(strlen(d.msg), sizeof(d.msg) - 1);
	assert_int_equal(d.msg[0], '0');
}

static void diag_list_keeps_the_limit_and_counts_the_rest(void **state)
{
	struct diag_list l;
	struct diag_pos pos = { "p.xml", 0, 0 };

	UNUSED(state);
	diag_list_init(&l);
	assert_int_equal(diag_list_count(&l), 0);
	for (int i = 0; i < LIMIT_DIAGNOSTICS + 50; i++) {
		pos.line = (unsigned long)i + 1;
		diag_list_add(&l, pos, "error %d", i);
	}
	assert_int_equal(l.n, LIMIT_DIAGNOSTICS);
	assert_int_equal(l.dropped, 50);
	assert_int_equal(diag_list_count(&l), LIMIT_DIAGNOSTICS + 50);
	assert_string_equal(l.items[0].msg, "error 0");
	assert_string_equal(l.items[LIMIT_DIAGNOSTICS - 1].msg, "error 199");
	assert_int_equal(l.items[LIMIT_DIAGNOSTICS - 1].line, LIMIT_DIAGNOSTICS);
	assert_int_equal(l.items[5].set, 1);
	diag_list_release(&l);
	assert_int_equal(diag_list_count(&l), 0);
	assert_null(l.items);
}

static void diag_list_sort_orders_by_file_line_col_and_is_stable(void **state)
{
	static const struct {
		const char *file;
		unsigned long line, col;
	} in[] = {
		{ "b.xml", 2, 1 }, { "a.xml", 10, 0 }, { "a.xml", 2, 5 },
		{ "b.xml", 2, 1 }, { "a.xml", 2, 0 },  { NULL, 7, 0 },
		{ "a.xml", 10, 0 }, { "a.xml", 2, 5 }, { "b.xml", 1, 9 },
		{ "a.xml", 9, 99 },
	};
	/* expected order, by insertion index */
	static const char *const want[] = {
		"#5", "#4", "#2", "#7", "#9", "#1", "#6", "#8", "#0", "#3",
	};
	struct diag_list l;

	UNUSED(state);
	diag_list_init(&l);
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		struct diag_pos pos = { in[i].file, in[i].line, in[i].col };

		diag_list_add(&l, pos, "#%zu", i);
	}
	diag_list_sort(&l);
	assert_int_equal(l.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(l.items[i].msg, want[i]);
	diag_list_release(&l);

	diag_list_init(&l);		/* empty and single lists sort fine */
	diag_list_sort(&l);
	diag_list_add(&l, (struct diag_pos){ "x", 1, 1 }, "only");
	diag_list_sort(&l);
	assert_string_equal(l.items[0].msg, "only");
	diag_list_release(&l);
}

static void diag_list_push_copies_the_diagnostic(void **state)
{
	struct diag_list l;
	struct diag d;

	UNUSED(state);
	diag_list_init(&l);
	diag_clear(&d);
	diag_set(&d, (struct diag_pos){ "f", 1, 2 }, "first");
	diag_list_push(&l, &d);
	diag_clear(&d);
	diag_set(&d, (struct diag_pos){ "g", 3, 4 }, "second");
	diag_list_push(&l, &d);
	assert_int_equal(diag_list_count(&l), 2);
	assert_string_equal(l.items[0].file, "f");
	assert_string_equal(l.items[0].msg, "first");
	assert_string_equal(l.items[1].msg, "second");
	diag_list_release(&l);
}

static void diag_list_counts_what_it_cannot_store(void **state)
{
	struct diag_list l;

	UNUSED(state);
	diag_list_init(&l);
	alloc_fail_after(0);
	diag_list_add(&l, (struct diag_pos){ "f", 1, 1 }, "lost");
	alloc_fail_after(-1);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.dropped, 1);
	assert_int_equal(diag_list_count(&l), 1);
	diag_list_add(&l, (struct diag_pos){ "f", 2, 1 }, "kept");
	assert_int_equal(l.n, 1);
	assert_int_equal(diag_list_count(&l), 2);
	assert_string_equal(l.items[0].msg, "kept");
	diag_list_release(&l);
}

/* --- utf8: validation ---------------------------------------------------- */

/* "ab" + seq + "cd" is valid only up to the sequence. */
static void expect_invalid_at_2(const char *seq, size_t len)
{
	char s[16];

	assert_true(len + 4 <= sizeof(s));
	memcpy(s, "ab", 2);
	memcpy(s + 2, seq, len);
	memcpy(s + 2 + len, "cd", 2);
	assert_int_equal(utf8_valid_prefix(s, len + 4), 2);
	assert_false(utf8_valid(s, len + 4));
	/* and the sequence alone is invalid from its first byte */
	assert_int_equal(utf8_valid_prefix(seq, len), 0);
}

#define INVALID(lit) expect_invalid_at_2(lit, sizeof(lit) - 1)
#define VALID(lit) assert_int_equal(utf8_valid_prefix(lit, sizeof(lit) - 1), sizeof(lit) - 1)

static void utf8_valid_prefix_accepts_every_encoding_length(void **state)
{
	UNUSED(state);
	assert_int_equal(utf8_valid_prefix("", 0), 0);
	VALID("plain ASCII, longer than eight bytes");
	VALID("a\0b");			/* NUL is a character */
	VALID("\xC2\x80");		/* U+0080, smallest 2-byte */
	VALID("\xC3\xA9");		/* é */
	VALID("\xDF\xBF");		/* U+07FF */
	VALID("\xE0\xA0\x80");		/* U+0800, smallest 3-byte */
	VALID("\xE2\x82\xAC");		/* € */
	VALID("\xED\x9F\xBF");		/* U+D7FF, just below surrogates */
	VALID("\xEE\x80\x80");		/* U+E000, just above */
	VALID("\xEF\xBF\xBD");		/* U+FFFD itself is valid */
	VALID("\xEF\xBF\xBF");		/* U+FFFF */
	VALID("\xF0\x90\x80\x80");	/* U+10000, smallest 4-byte */
	VALID("\xF0\x9F\x98\x80");	/* U+1F600 */
	VALID("\xF4\x8F\xBF\xBF");	/* U+10FFFF, the last code point */
	VALID("Zo\xC3\xAB \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 ok!");
}

static void utf8_valid_prefix_rejects_overlong_forms(void **state)
{
	UNUSED(state);
	INVALID("\xC0\x80");		/* NUL in two bytes */
	INVALID("\xC0\xAF");		/* '/' in two bytes */
	INVALID("\xC1\xBF");
	INVALID("\xE0\x80\x80");
	INVALID("\xE0\x80\xAF");
	INVALID("\xE0\x9F\xBF");	/* U+07FF in three bytes */
	INVALID("\xF0\x80\x80\x80");
	INVALID("\xF0\x8F\xBF\xBF");	/* U+FFFF in four bytes */
}

static void utf8_valid_prefix_rejects_surrogates(void **state)
{
	UNUSED(state);
	INVALID("\xED\xA0\x80");	/* U+D800 */
	INVALID("\xED\xAD\xBF");	/* U+DB7F */
	INVALID("\xED\xB0\x80");	/* U+DC00 */
	INVALID("\xED\xBF\xBF");	/* U+DFFF */
	INVALID("\xED\xA0\xBD\xED\xB8\x80"); /* CESU-8 pair for U+1F600 */
}

static void utf8_valid_prefix_rejects_code_points_above_10ffff(void **state)
{
	UNUSED(state);
	INVALID("\xF4\x90\x80\x80");	/* U+110000 */
	INVALID("\xF4\xBF\xBF\xBF");
	INVALID("\xF5\x80\x80\x80");
	INVALID("\xF7\xBF\xBF\xBF");	/* U+1FFFFF */
	INVALID("\xF8\x88\x80\x80\x80");
	INVALID("\xFC\x84\x80\x80\x80\x80");
	INVALID("\xFE");
	INVALID("\xFF");
}

static void utf8_valid_prefix_rejects_truncated_sequences(void **state)
{
	UNUSED(state);
	INVALID("\xC3");
	INVALID("\xE2\x82");
	INVALID("\xF0\x9F\x98");
	INVALID("\x80");		/* lone continuation byte */
	INVALID("\xBF\x80");
	INVALID("\xC3\xC3\xA9");	/* lead byte followed by a lead byte */
	/* truncated by the end of the input */
	assert_int_equal(utf8_valid_prefix("ab\xE2\x82", 4), 2);
	assert_int_equal(utf8_valid_prefix("ab\xF0\x9F\x98", 5), 2);
	assert_int_equal(utf8_valid_prefix("ab\xC3\xA9", 3), 2);
	assert_int_equal(utf8_valid_prefix("\xE2\x82\xAC", 2), 0);
}

static void utf8_valid_prefix_finds_a_bad_byte_at_any_position(void **state)
{
	/* every length below a word, then around word boundaries */
	static const size_t lens[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17,
				       33, 64, 70 };
	static const unsigned char bad[] = { 0x80, 0xBF, 0xC0, 0xF5, 0xFF };
	char s[80];

	UNUSED(state);
	for (size_t l = 0; l < ARRAY_SIZE(lens); l++) {
		size_t len = lens[l];

		for (size_t k = 0; k < len; k++) {
			for (size_t b = 0; b < ARRAY_SIZE(bad); b++) {
				memset(s, 'x', len);
				s[k] = (char)bad[b];
				assert_int_equal(utf8_valid_prefix(s, len), k);
			}
			/* a valid 2-byte character there is fine */
			if (k + 1 < len) {
				memset(s, 'x', len);
				memcpy(s + k, "\xC3\xA9", 2);
				assert_int_equal(utf8_valid_prefix(s, len), len);
				/* a bad byte after it is found too */
				if (k + 2 < len) {
					s[len - 1] = (char)0x80;
					assert_int_equal(utf8_valid_prefix(s, len),
							 len - 1);
				}
			}
		}
	}
}

static void utf8_decode_and_encode_round_trip(void **state)
{
	static const struct {
		const char *s;
		int32_t cp;
	} cases[] = {
		{ "A", 0x41 }, { "\xC3\xA9", 0xE9 }, { "\xE2\x82\xAC", 0x20AC },
		{ "\xF0\x9F\x98\x80", 0x1F600 }, { "\xF4\x8F\xBF\xBF", 0x10FFFF },
	};
	struct buf b = BUF_INIT;
	int32_t cp = 0;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].s);

		assert_int_equal(utf8_decode(cases[i].s, len, &cp), len);
		assert_int_equal(cp, cases[i].cp);
		buf_reset(&b);
		utf8_encode(cases[i].cp, &b);
		assert_buf_str(&b, cases[i].s);
	}
	assert_int_equal(utf8_decode("\xFF" "A", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xE2\x82\xAC", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	buf_release(&b);
}

static void utf8_sanitize_replaces_invalid_bytes_and_counts_them(void **state)
{
	struct buf b = BUF_INIT;

	UNUSED(state);
	assert_int_equal(utf8_sanitize("Zo\xC3\xAB", 4, &b), 0);
	assert_buf_str(&b, "Zo\xC3\xAB");

	buf_reset(&b);
	assert_int_equal(utf8_sanitize("a\xFF" "b", 3, &b), 1);
	assert_buf_str(&b, "a\xEF\xBF\xBD" "b");

	/* appends to what is there */
	assert_int_equal(utf8_sanitize("\x80\x80", 2, &b), 2);
	assert_buf_str(&b, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");

	/* overlong, surrogate and out-of-range forms: no byte of them
	 * starts a valid sequence, so each is replaced */
	buf_reset(&b);
	assert_int_equal(utf8_sanitize("<\xC0\xAF>", 4, &b), 2);
	assert_buf_str(&b, "<\xEF\xBF\xBD\xEF\xBF\xBD>");
	buf_reset(&b);
	assert_int_equal(utf8_sanitize("\xED\xA0\x80", 3, &b), 3);
	assert_int_equal(b.len, 9);
	buf_reset(&b);
	assert_int_equal(utf8_sanitize("\xF4\x90\x80\x80" "x", 5, &b), 4);
	assert_int_equal(b.len, 13);
	assert_true(utf8_valid(b.data, b.len));

	buf_reset(&b);
	assert_int_equal(utf8_sanitize("", 0, &b), 0);
	assert_buf_str(&b, "");
	buf_release(&b);
}

/* --- utf8: case, folding, width ------------------------------------------ */

static void utf8_lower_and_upper_map_every_letter(void **state)
{
	UNUSED(state);
	expect_mapped(utf8_lower, "\xC3\x89LODIE M\xC3\x9CLLER", "\xC3\xA9lodie m\xC3\xBCller");
	expect_mapped(utf8_upper, "\xC5\x82ukasz s\xC3\xB8ren", "\xC5\x81UKASZ S\xC3\x98REN");
	expect_mapped(utf8_lower, "ABC-123 xyz", "abc-123 xyz");
	expect_mapped(utf8_upper, "\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC");
	/* invalid bytes pass through unchanged */
	expect_mapped(utf8_lower, "A\xFF" "B", "a\xFF" "b");
	expect_mapped(utf8_upper, "a\xC3" "b", "A\xC3" "B");
}

static void utf8_title_capitalises_each_word(void **state)
{
	UNUSED(state);
	expect_mapped(utf8_title, "o'brien", "O'Brien");
	expect_mapped(utf8_title, "SMITH-JONES", "Smith-Jones");
	expect_mapped(utf8_title, "\xC3\x89LODIE", "\xC3\x89lodie");
	expect_mapped(utf8_title, "\xC3\xA9lodie", "\xC3\x89lodie");
	expect_mapped(utf8_title, "mary ann st.john", "Mary Ann St.John");
	expect_mapped(utf8_title, "o\xE2\x80\x99" "brien", "O\xE2\x80\x99" "Brien");
	expect_mapped(utf8_title, "  two  spaces", "  Two  Spaces");
	expect_mapped(utf8_title, "mcdonald", "Mcdonald");
	/* title case is not upper case: U+01C6 dž becomes U+01C5 Dž */
	expect_mapped(utf8_title, "\xC7\x86" "emal", "\xC7\x85" "emal");
	expect_mapped(utf8_title, "", "");
}

static void utf8_fold_strips_accents_to_ascii(void **state)
{
	UNUSED(state);
	expect_mapped(utf8_fold, "M\xC3\xBCller", "Muller");
	expect_mapped(utf8_fold, "\xC5\x81ukasz", "Lukasz");
	expect_mapped(utf8_fold, "S\xC3\xB8ren", "Soren");
	expect_mapped(utf8_fold, "stra\xC3\x9F" "e", "strasse");
	/* the capital sharp s too, or folding then lower-casing then folding
	 * again would change a value (found by fuzz_identity) */
	expect_mapped(utf8_fold, "STRA\xE1\xBA\x9E" "E", "STRASSE");
	expect_mapped(utf8_fold, "Zo\xC3\xAB", "Zoe");
	expect_mapped(utf8_fold, "Zoe\xCC\x88", "Zoe");	/* decomposed input */
	expect_mapped(utf8_fold, "\xC3\x89lodie", "Elodie");
	expect_mapped(utf8_fold, "\xC3\x86r\xC3\xB8sk\xC3\xB8" "bing", "AEroskobing");
	expect_mapped(utf8_fold, "\xC4\x90or\xC4\x91" "e", "Dorde");
	expect_mapped(utf8_fold, "\xC5\x92uvre", "OEuvre");
	expect_mapped(utf8_fold, "\xC3\x9Eor", "Thor");
	expect_mapped(utf8_fold, "\xEF\xAC\x81le", "file");	/* ﬁ ligature */
	expect_mapped(utf8_fold, "O\xE2\x80\x99" "Brien", "O'Brien");
	/* letters outside Latin are kept; invalid bytes pass through */
	expect_mapped(utf8_fold, "\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC");
	expect_mapped(utf8_fold, "a\xFF" "b", "a\xFF" "b");
}

/* The hand-made folds apply to what a decomposition yields too: U+01FC
 * (Ǽ) is Æ with an acute and folds to "AE" as Æ does, not to "Æ", which a
 * second fold would change. */
static void utf8_fold_folds_what_decomposition_yields(void **state)
{
	UNUSED(state);
	expect_mapped(utf8_fold, "\xC7\xBC", "AE");		/* Ǽ */
	expect_mapped(utf8_fold, "\xC7\xBD" "lfric", "aelfric");	/* ǽ */
	expect_mapped(utf8_fold, "\xC7\xA2", "AE");		/* Ǣ */
	expect_mapped(utf8_fold, "\xC7\xBE" "rsted", "Orsted");	/* Ǿ */
	expect_mapped(utf8_fold, "a\xEF\xB9\x98" "b", "a-b");	/* ﹘ */
}

/* Folding a folded string changes nothing, for every code point, alone
 * and between ASCII letters. */
static void utf8_fold_twice_equals_fold_once(void **state)
{
	struct buf in = BUF_INIT, once = BUF_INIT, twice = BUF_INIT;
	int failures = 0;

	UNUSED(state);
	for (int32_t cp = 1; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		buf_reset(&in);
		buf_reset(&once);
		buf_reset(&twice);
		buf_addch(&in, 'x');
		utf8_encode(cp, &in);
		buf_addch(&in, 'y');
		utf8_fold(in.data, in.len, &once);
		utf8_fold(once.data, once.len, &twice);
		if (once.len != twice.len ||
		    memcmp(once.data, twice.data, once.len) != 0) {
			if (failures++ < 10)
				print_error("U+%04X folds to '%s', then '%s'\n",
					    (unsigned)cp, once.data, twice.data);
		}
	}
	assert_int_equal(buf_error(&once), 0);
	buf_release(&in);
	buf_release(&once);
	buf_release(&twice);
	assert_int_equal(failures, 0);
}

/* Word starts for the title-case reference below (as utf8.h says). */
static bool ref_starts_word(char prev)
{
	return prev == 0 || prev == ' ' || prev == '-' || prev == '\'' ||
	       prev == '.';
}

/*
 * ASCII runs are mapped a word (eight bytes) at a time, then a shorter
 * tail: every run length, with one non-ASCII letter (É, U+00C9) at every
 * position or none, gives what mapping letter by letter gives.
 */
static void utf8_mappings_agree_for_every_run_length(void **state)
{
	static const char letters[] = "Ab c'De-fG.hI jKl-Mn'oP qR";
	struct buf got = BUF_INIT;

	UNUSED(state);
	for (size_t len = 0; len <= 24; len++) {
		for (size_t at = 0; at <= len + 1; at++) {
			char in[32], lo[32], up[32], ti[32], fo[32];
			size_t n = 0, m = 0;
			char prev = 0;

			for (size_t i = 0; i <= len; i++) {
				if (i == at) {	/* É, two bytes */
					memcpy(in + n, "\xC3\x89", 2);
					memcpy(lo + n, "\xC3\xA9", 2);
					memcpy(up + n, "\xC3\x89", 2);
					memcpy(ti + n, ref_starts_word(prev) ?
					       "\xC3\x89" : "\xC3\xA9", 2);
					fo[m++] = 'E';
					n += 2;
					prev = 'E';
				}
				if (i == len)
					break;
				char c = letters[i % (sizeof(letters) - 1)];
				bool is_up = c >= 'A' && c <= 'Z';
				bool is_lo = c >= 'a' && c <= 'z';
				char l = is_up ? (char)(c + 32) : c;
				char u = is_lo ? (char)(c - 32) : c;

				in[n] = c;
				lo[n] = l;
				up[n] = u;
				ti[n] = ref_starts_word(prev) ? u : l;
				fo[m++] = c;
				prev = c;
				n++;
			}
			buf_reset(&got);
			utf8_lower(in, n, &got);
			assert_buf_is(&got, lo, n);
			buf_reset(&got);
			utf8_upper(in, n, &got);
			assert_buf_is(&got, up, n);
			buf_reset(&got);
			utf8_title(in, n, &got);
			assert_buf_is(&got, ti, n);
			buf_reset(&got);
			utf8_fold(in, n, &got);
			assert_buf_is(&got, fo, m);
			buf_reset(&got);
			assert_int_equal(utf8_sanitize(in, n, &got), 0);
			assert_buf_is(&got, in, n);
		}
	}
	buf_release(&got);
}

static void utf8_width_counts_wide_and_zero_width_characters(void **state)
{
	UNUSED(state);
	assert_int_equal(utf8_width("", 0), 0);
	assert_int_equal(utf8_width("abc", 3), 3);
	assert_int_equal(utf8_width("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 9), 6);
	assert_int_equal(utf8_width("\xED\x95\x9C", 3), 2);	/* 한 */
	assert_int_equal(utf8_width("\xEF\xBC\xA1", 3), 2);	/* fullwidth A */
	assert_int_equal(utf8_width("e\xCC\x81", 3), 1);	/* e + acute */
	assert_int_equal(utf8_width("Zoe\xCC\x88", 5), 3);
	assert_int_equal(utf8_width("\xC3\xA9", 2), 1);
	assert_int_equal(utf8_width("a\xFF" "b", 3), 3);	/* bad byte: 1 */
	assert_int_equal(utf8_width("a\xE6\x97\xA5" "b", 5), 4);
}

static void utf8_prefix_for_width_stops_before_a_wide_character(void **state)
{
	static const size_t want[] = { 0, 0, 3, 3, 6, 6, 9, 9 };
	const char *cjk = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E";

	UNUSED(state);
	for (size_t cols = 0; cols < ARRAY_SIZE(want); cols++)
		assert_int_equal(utf8_prefix_for_width(cjk, 9, cols), want[cols]);
	assert_int_equal(utf8_prefix_for_width("a\xE6\x97\xA5" "b", 5, 2), 1);
	assert_int_equal(utf8_prefix_for_width("a\xE6\x97\xA5" "b", 5, 3), 4);
	/* a combining mark stays with its base */
	assert_int_equal(utf8_prefix_for_width("e\xCC\x81x", 4, 1), 3);
	assert_int_equal(utf8_prefix_for_width("abc", 3, 10), 3);
}

static void utf8_prefix_for_width_never_splits_a_code_point(void **state)
{
	const char *s = "Zo\xC3\xAB \xE6\x97\xA5\xE6\x9C\xAC e\xCC\x81 "
			"\xF0\x9F\x98\x80 \xC5\x81\xC3\xB8 end";
	size_t len = strlen(s), total = utf8_width(s, len);

	UNUSED(state);
	for (size_t cols = 0; cols <= total + 1; cols++) {
		size_t n = utf8_prefix_for_width(s, len, cols);
		int32_t cp;

		assert_true(utf8_valid(s, n));
		assert_true(utf8_width(s, n) <= cols);
		if (n < len) {
			/* the next character would not have fitted */
			size_t next = utf8_decode(s + n, len - n, &cp);

			assert_true(utf8_width(s, n + next) > cols);
		}
	}
	assert_int_equal(utf8_prefix_for_width(s, len, total), len);
}

/* --- sha256 ------------------------------------------------------------ */

/* Whatever sha256_init picks on this CPU (SHA-NI where present), and the
 * portable code; every vector below is checked on both. */
static void (*const sha256_starts[])(struct sha256 *s) = {
	sha256_init, sha256_init_portable
};

static void expect_sha256(const void *data, size_t len, const char *want)
{
	for (size_t i = 0; i < ARRAY_SIZE(sha256_starts); i++) {
		struct sha256 s;
		char hex[65];

		sha256_starts[i](&s);
		sha256_update(&s, data, len);
		sha256_final_hex(&s, hex);
		assert_string_equal(hex, want);
	}
}

/* xorshift64 from a fixed seed: a failing case is the same on every run. */
static uint64_t test_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Feeds p[0..len) in chunks of random size, empty ones included: half of
 * them at most two blocks, to stop at every offset within a block, half
 * up to the whole rest, to pass long runs of blocks in one update. */
static void sha256_in_chunks(void (*start)(struct sha256 *s),
			     const unsigned char *p, size_t len, uint64_t *rng,
			     unsigned char out[32])
{
	struct sha256 s;

	start(&s);
	while (len) {
		uint64_t r = test_random(rng);
		size_t most = r & 1 ? 130 : len;
		size_t n = (size_t)((r >> 1) % (most + 1));

		if (n > len)
			n = len;
		sha256_update(&s, p, n);
		p += n;
		len -= n;
	}
	sha256_final(&s, out);
}

static void sha256_matches_the_fips_180_4_vectors(void **state)
{
	static const char m448[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char m896[] =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	UNUSED(state);
	assert_int_equal(strlen(m448) * 8, 448);
	assert_int_equal(strlen(m896) * 8, 896);
	expect_sha256("", 0,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_sha256("abc", 3,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect_sha256(m448, strlen(m448),
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	expect_sha256(m896, strlen(m896),
		"cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void sha256_of_one_million_a(void **state)
{
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char *a = xmalloc(1000000), hex[65];
	struct sha256 s;

	UNUSED(state);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	expect_sha256(a, 1000000, want);
	/* the same in 1000 updates of 1000 bytes, on both paths */
	for (size_t k = 0; k < ARRAY_SIZE(sha256_starts); k++) {
		sha256_starts[k](&s);
		for (int i = 0; i < 1000; i++)
			sha256_update(&s, a + 1000 * i, 1000);
		sha256_final_hex(&s, hex);
		assert_string_equal(hex, want);
	}
	xfree(a);
}

static void sha256_incremental_updates_match_one_update(void **state)
{
	/* SHA-256 of bytes (37 * i + 11) mod 256, i = 0..130 (Python hashlib) */
	static const char want[] =
		"59af9661a687e63d741474741e090bc7af5eeca69f4312482a7b4b1a3d3607d9";
	unsigned char msg[131], one[32], split[32];
	struct sha256 s;
	char hex[65];

	UNUSED(state);
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(37 * i + 11);
	sha256_init(&s);
	sha256_update(&s, msg, sizeof(msg));
	sha256_final(&s, one);
	expect_sha256(msg, sizeof(msg), want);

	for (size_t k = 0; k <= sizeof(msg); k++) {
		sha256_init(&s);
		sha256_update(&s, msg, k);
		sha256_update(&s, msg + k, sizeof(msg) - k);
		sha256_final(&s, split);
		assert_memory_equal(split, one, 32);
		/* three pieces, the middle one empty or short */
		for (size_t m = k; m <= sizeof(msg) && m <= k + 3; m++) {
			sha256_init(&s);
			sha256_update(&s, msg, k);
			sha256_update(&s, msg + k, m - k);
			sha256_update(&s, msg + m, sizeof(msg) - m);
			sha256_final_hex(&s, hex);
			assert_string_equal(hex, want);
		}
	}
	/* one byte at a time */
	sha256_init(&s);
	for (size_t i = 0; i < sizeof(msg); i++)
		sha256_update(&s, msg + i, 1);
	sha256_final_hex(&s, hex);
	assert_string_equal(hex, want);
}

static void sha256_pads_correctly_around_the_block_boundary(void **state)
{
	/* lengths 55, 56, 63, 64 and 65 straddle the padding boundary */
	static const struct {
		size_t len;
		const char *hex;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	};
	char a[65];

	UNUSED(state);
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_sha256(a, cases[i].len, cases[i].hex);
}

static void sha256_accelerated_and_portable_paths_agree(void **state)
{
	enum { MAX_LEN = 5000, ROUNDS = 400 };
	unsigned char *msg = xmalloc(MAX_LEN);
	unsigned char one[32], fast[32], slow[32];
	uint64_t rng = 0x9e3779b97f4a7c15u;
	struct sha256 a, b;

	UNUSED(state);
	assert_non_null(msg);
	/* sha256_init really does pick another block function on SHA-NI */
	sha256_init(&a);
	sha256_init_portable(&b);
	assert_int_equal(a.blocks != b.blocks, sha256_accelerated());
	if (!sha256_accelerated())
		print_message("sha256: no SHA-NI here, portable path only\n");

	for (size_t r = 0; r < ROUNDS; r++) {
		/* every length up to two blocks, then random ones */
		size_t len = r <= 128 ? r :
			(size_t)(test_random(&rng) % (MAX_LEN + 1));

		for (size_t i = 0; i < len; i++)
			msg[i] = (unsigned char)(test_random(&rng) >> 56);
		sha256_init_portable(&b);
		sha256_update(&b, msg, len);
		sha256_final(&b, one);
		sha256_in_chunks(sha256_init, msg, len, &rng, fast);
		sha256_in_chunks(sha256_init_portable, msg, len, &rng, slow);
		assert_memory_equal(fast, one, 32);
		assert_memory_equal(slow, one, 32);
	}
	xfree(msg);
}

/* --- textdist ---------------------------------------------------------- */

static size_t lev(const char *a, const char *b, size_t max)
{
	return textdist_levenshtein(a, strlen(a), b, strlen(b), max);
}

static void levenshtein_counts_edits(void **state)
{
	UNUSED(state);
	assert_int_equal(lev("kitten", "sitting", 10), 3);
	assert_int_equal(lev("sitting", "kitten", 10), 3);
	assert_int_equal(lev("flaw", "lawn", 10), 2);
	assert_int_equal(lev("", "abc", 10), 3);
	assert_int_equal(lev("abc", "", 10), 3);
	assert_int_equal(lev("", "", 10), 0);
	assert_int_equal(lev("same", "same", 10), 0);
	assert_int_equal(lev("abc", "acb", 10), 2);	/* no transpositions */
	assert_int_equal(lev("lowr", "lower", 10), 1);
	assert_int_equal(lev("Lower", "lower", 10), 1);	/* case counts */
	assert_int_equal(lev("abcdefgh", "12345678", 10), 8);
}

static void levenshtein_stops_at_the_cap(void **state)
{
	UNUSED(state);
	assert_int_equal(lev("kitten", "sitting", 3), 3);
	assert_int_equal(lev("kitten", "sitting", 2), 3);
	assert_int_equal(lev("kitten", "sitting", 0), 1);
	assert_int_equal(lev("abc", "abc", 0), 0);
	assert_int_equal(lev("abc", "abd", 0), 1);
	/* lengths alone prove the distance exceeds the cap */
	assert_int_equal(lev("a", "abcdef", 2), 3);
	assert_int_equal(lev("abcdefgh", "12345678", 4), 5);
}

static void suggest_finds_the_closest_candidate(void **state)
{
	static const char *const names[] = {
		"upper", "lower", "title", "fold", "trim", "normalise_phone",
	};
	static const char *const tie[] = { "cat", "car" };
	static const char *const holes[] = { NULL, "lower", NULL };

	UNUSED(state);
	assert_string_equal(textdist_suggest("lowr", names, ARRAY_SIZE(names)), "lower");
	assert_string_equal(textdist_suggest("tittle", names, ARRAY_SIZE(names)), "title");
	assert_string_equal(textdist_suggest("flod", names, ARRAY_SIZE(names)), "fold");
	assert_string_equal(textdist_suggest("upper", names, ARRAY_SIZE(names)), "upper");
	/* 15 letters allow 5 edits: 4 here */
	assert_string_equal(textdist_suggest("normalize_fone", names, ARRAY_SIZE(names)),
			    "normalise_phone");
	assert_string_equal(textdist_suggest("caz", tie, 2), "cat");	/* first wins */
	assert_string_equal(textdist_suggest("lover", holes, 3), "lower");
}

static void suggest_returns_null_when_nothing_is_close(void **state)
{
	static const char *const names[] = { "upper", "lower", "title", "fold" };
	static const char *const six[] = { "abcxyz" };

	UNUSED(state);
	assert_null(textdist_suggest("xyzzy", names, ARRAY_SIZE(names)));
	assert_null(textdist_suggest("capitalise", names, ARRAY_SIZE(names)));
	assert_null(textdist_suggest("lower", names, 0));
	/* six letters allow 2 edits; this is 3 away */
	assert_null(textdist_suggest("abcdef", six, 1));
}

/* --- files ------------------------------------------------------------- */

struct tmpdir {
	char path[64];
};

static int make_tmpdir(void **state)
{
	struct tmpdir *t = malloc(sizeof(*t));

	if (!t)
		return -1;
	snprintf(t->path, sizeof(t->path), "/tmp/steward-test-util-XXXXXX");
	if (!mkdtemp(t->path)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	UNUSED(st);
	UNUSED(flag);
	UNUSED(ftw);
	return remove(path);
}

static int remove_tmpdir(void **state)
{
	struct tmpdir *t = *state;
	int rc;

	alloc_fail_after(-1);
	if (!t)
		return 0;
	rc = nftw(t->path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return rc;
}

#define FILES_TEST(f) cmocka_unit_test_setup_teardown(f, make_tmpdir, remove_tmpdir)

static void path_in(const struct tmpdir *t, const char *name, struct buf *out)
{
	buf_reset(out);
	files_join(t->path, name, out);
	assert_int_equal(buf_error(out), 0);
}

static void write_file(const struct tmpdir *t, const char *name,
		       const void *data, size_t len)
{
	struct buf path = BUF_INIT;
	FILE *f;

	path_in(t, name, &path);
	f = fopen(path.data, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	buf_release(&path);
}

static void make_dir(const struct tmpdir *t, const char *name)
{
	struct buf path = BUF_INIT;

	path_in(t, name, &path);
	assert_int_equal(mkdir(path.data, 0700), 0);
	buf_release(&path);
}

static void files_read_reads_the_whole_file(void **state)
{
	const struct tmpdir *t = *state;
	enum { SIZE = 200000 };		/* several read() calls */
	char *data = xmalloc(SIZE);
	struct buf path = BUF_INIT, out = BUF_INIT;
	struct diag d;

	assert_non_null(data);
	for (size_t i = 0; i < SIZE; i++)
		data[i] = (char)('A' + i % 53);
	write_file(t, "big.txt", data, SIZE);
	path_in(t, "big.txt", &path);
	diag_clear(&d);
	assert_int_equal(files_read(path.data, SIZE, &out, &d), 0);
	assert_int_equal(d.set, 0);
	assert_buf_is(&out, data, SIZE);

	/* an empty file reads as "" */
	write_file(t, "empty.txt", "", 0);
	path_in(t, "empty.txt", &path);
	buf_release(&out);
	assert_int_equal(files_read(path.data, 0, &out, &d), 0);
	assert_buf_str(&out, "");
	buf_release(&out);
	buf_release(&path);
	xfree(data);
}

static void files_read_accepts_a_file_exactly_at_the_limit(void **state)
{
	const struct tmpdir *t = *state;
	char data[100];
	struct buf path = BUF_INIT, out = BUF_INIT;
	struct diag d;

	memset(data, 'x', sizeof(data));
	write_file(t, "100.txt", data, sizeof(data));
	path_in(t, "100.txt", &path);
	diag_clear(&d);
	assert_int_equal(files_read(path.data, 100, &out, &d), 0);
	assert_int_equal(out.len, 100);
	buf_release(&out);
	buf_release(&path);
}

static void files_read_refuses_a_file_over_the_limit_and_names_it(void **state)
{
	const struct tmpdir *t = *state;
	char data[101], want[256];
	struct buf path = BUF_INIT, out = BUF_INIT, msg = BUF_INIT;
	struct diag d;

	memset(data, 'x', sizeof(data));
	write_file(t, "101.txt", data, sizeof(data));
	path_in(t, "101.txt", &path);
	diag_clear(&d);
	assert_int_equal(files_read(path.data, 100, &out, &d), ST_ERR);
	assert_int_equal(d.set, 1);
	assert_string_equal(d.file, path.data);
	assert_string_equal(d.msg, "file is 101 bytes; the limit is 100");
	diag_format(&d, &msg);
	snprintf(want, sizeof(want), "%s: file is 101 bytes; the limit is 100",
		 path.data);
	assert_string_equal(msg.data, want);
	assert_int_equal(out.len, 0);
	buf_release(&msg);
	buf_release(&out);
	buf_release(&path);
}

static void files_read_reports_a_missing_file_by_path(void **state)
{
	const struct tmpdir *t = *state;
	struct buf path = BUF_INIT, out = BUF_INIT, msg = BUF_INIT;
	struct diag d;
	char want[256];

	path_in(t, "no-such-file.xml", &path);
	diag_clear(&d);
	assert_int_equal(files_read(path.data, 100, &out, &d), ST_ERR);
	assert_string_equal(d.file, path.data);
	assert_int_equal(d.line, 0);
	assert_string_equal(d.msg, "cannot open: No such file or directory");
	diag_format(&d, &msg);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory",
		 path.data);
	assert_string_equal(msg.data, want);
	assert_buf_str(&out, "");
	buf_release(&msg);
	buf_release(&out);
	buf_release(&path);
}

static void files_read_refuses_a_directory(void **state)
{
	const struct tmpdir *t = *state;
	struct buf out = BUF_INIT;
	struct diag d;

	diag_clear(&d);
	assert_int_equal(files_read(t->path, 100, &out, &d), ST_ERR);
	assert_string_equal(d.file, t->path);
	assert_string_equal(d.msg, "not a regular file");
	buf_release(&out);
}

static void populate_listing(const struct tmpdir *t)
{
	write_file(t, "b.xml", "b", 1);
	write_file(t, "a.xml", "a", 1);
	write_file(t, "10-c.xml", "c", 1);
	write_file(t, "B.xml", "B", 1);
	write_file(t, ".hidden.xml", "h", 1);
	write_file(t, "notes.txt", "n", 1);
	write_file(t, "a.xml.bak", "k", 1);
	write_file(t, "xml", "x", 1);
	make_dir(t, "dir.xml");
	write_file(t, "dir.xml/inner.xml", "i", 1);
}

static void files_list_sorts_names_and_skips_dirs_and_dotfiles(void **state)
{
	static const char *const want[] = { "10-c.xml", "B.xml", "a.xml", "b.xml" };
	static const char *const all[] = {
		"10-c.xml", "B.xml", "a.xml", "a.xml.bak", "b.xml", "notes.txt", "xml",
	};
	const struct tmpdir *t = *state;
	char **names = NULL;
	size_t n = 99;
	struct diag d;

	populate_listing(t);
	diag_clear(&d);
	assert_int_equal(files_list(t->path, ".xml", &names, &n, &d), 0);
	assert_int_equal(d.set, 0);
	assert_int_equal(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	files_list_free(names, n);

	/* an empty suffix matches every regular, visible file */
	assert_int_equal(files_list(t->path, "", &names, &n, &d), 0);
	assert_int_equal(n, ARRAY_SIZE(all));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], all[i]);
	files_list_free(names, n);
}

static void files_list_of_an_empty_directory_is_empty(void **state)
{
	const struct tmpdir *t = *state;
	char **names = (char **)&names;
	size_t n = 99;
	struct diag d;

	diag_clear(&d);
	assert_int_equal(files_list(t->path, ".xml", &names, &n, &d), 0);
	assert_int_equal(n, 0);
	assert_null(names);
	files_list_free(names, n);
}

static void files_list_reports_a_missing_directory(void **state)
{
	const struct tmpdir *t = *state;
	struct buf path = BUF_INIT;
	char **names = NULL;
	size_t n = 99;
	struct diag d;

	path_in(t, "missing", &path);
	diag_clear(&d);
	assert_int_equal(files_list(path.data, ".xml", &names, &n, &d), ST_ERR);
	assert_string_equal(d.file, path.data);
	assert_string_equal(d.msg, "cannot open directory: No such file or directory");
	assert_null(names);
	assert_int_equal(n, 0);
	buf_release(&path);
}

static void files_list_fails_whole_when_memory_runs_out(void **state)
{
	static const char *const want[] = { "10-c.xml", "B.xml", "a.xml", "b.xml" };
	const struct tmpdir *t = *state;
	int failures = 0;

	populate_listing(t);
	for (long k = 0; k < 40; k++) {
		char **names = NULL;
		size_t n = 99;
		struct diag d;
		int rc;

		diag_clear(&d);
		alloc_fail_after(k);
		rc = files_list(t->path, ".xml", &names, &n, &d);
		alloc_fail_after(-1);
		if (rc == 0) {
			/* never a silently shortened list */
			assert_int_equal(n, ARRAY_SIZE(want));
			for (size_t i = 0; i < n; i++)
				assert_string_equal(names[i], want[i]);
			files_list_free(names, n);
		} else {
			assert_int_equal(rc, ST_ERR_NOMEM);
			assert_null(names);
			assert_int_equal(n, 0);
			failures++;
		}
	}
	assert_true(failures > 0);
}

static void files_join_adds_one_slash_and_keeps_absolute_names(void **state)
{
	static const struct {
		const char *dir, *name, *want;
	} cases[] = {
		{ "policies", "10-base.xml", "policies/10-base.xml" },
		{ "policies/", "10-base.xml", "policies/10-base.xml" },
		{ "/", "etc", "/etc" },
		{ "policies", "/abs/x.xml", "/abs/x.xml" },
		{ "", "x.xml", "x.xml" },
		{ NULL, "x.xml", "x.xml" },
		{ "a/b", "c/d", "a/b/c/d" },
	};
	struct buf out = BUF_INIT;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&out);
		files_join(cases[i].dir, cases[i].name, &out);
		assert_string_equal(out.data, cases[i].want);
	}
	/* appends to what is there */
	buf_reset(&out);
	buf_addstr(&out, "path=");
	files_join("d", "n", &out);
	assert_string_equal(out.data, "path=d/n");
	buf_release(&out);
}

static void files_is_dir_tells_directories_from_files(void **state)
{
	const struct tmpdir *t = *state;
	struct buf path = BUF_INIT;

	assert_true(files_is_dir(t->path));
	write_file(t, "f.txt", "f", 1);
	path_in(t, "f.txt", &path);
	assert_false(files_is_dir(path.data));
	path_in(t, "missing", &path);
	assert_false(files_is_dir(path.data));
	buf_release(&path);
}

/* ---- large blocks ---------------------------------------------------- */

/* The VmFlags of the mapping that holds p, from /proc/self/smaps, or "". */
static void vm_flags_of(const void *p, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool inside = false;

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		/* a mapping's first line: "lo-hi perms ..." in hex */
		if (line[strspn(line, "0123456789abcdef")] == '-' &&
		    sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (inside && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, size, "%s", line + 8);
			break;
		}
	}
	fclose(f);
}

/* A block of 4 MiB or more is advised to use huge pages (where the kernel
 * has them: the flag "hg"); a small one is not. */
static void large_blocks_are_advised_to_use_huge_pages(void **state)
{
	char flags[512];
	char *big, *small;

	UNUSED(state);
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", R_OK))
		skip();
	big = xmalloc((size_t)8 << 20);
	small = xmalloc(4096);
	assert_non_null(big);
	assert_non_null(small);
	vm_flags_of(big + ((size_t)4 << 20), flags, sizeof(flags));
	assert_non_null(strstr(flags, " hg"));
	vm_flags_of(small, flags, sizeof(flags));
	assert_null(strstr(flags, " hg"));
	xfree(big);
	xfree(small);
}

/* Growing past 4 MiB moves the array into a new (advised) block: every
 * element survives each move, and a failed move leaves it as it was. */
static void xgrow_keeps_the_elements_of_a_large_array(void **state)
{
	uint32_t *a = NULL;
	size_t cap = 0, n = (size_t)3 << 20;	/* 12 MiB of uint32_t */

	UNUSED(state);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(xgrow(&a, &cap, i + 1, sizeof(*a)), 0);
		a[i] = (uint32_t)(i * 2654435761u);
	}
	for (size_t i = 0; i < n; i++)
		assert_int_equal(a[i], (uint32_t)(i * 2654435761u));
	alloc_fail_after(0);
	assert_int_equal(xgrow(&a, &cap, cap + 1, sizeof(*a)), -1);
	alloc_fail_after(-1);
	assert_int_equal(cap, (size_t)4 << 20);
	assert_int_equal(a[n - 1], (uint32_t)((n - 1) * 2654435761u));
	xfree(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(large_blocks_are_advised_to_use_huge_pages),
		FAULT_TEST(xgrow_keeps_the_elements_of_a_large_array),
		/* buf */
		cmocka_unit_test(buf_starts_empty_and_never_null),
		cmocka_unit_test(buf_appends_stay_nul_terminated),
		cmocka_unit_test(buf_grows_across_many_appends),
		cmocka_unit_test(buf_stops_at_its_maximum_and_stays_failed),
		cmocka_unit_test(buf_refuses_an_append_that_crosses_the_maximum_whole),
		cmocka_unit_test(buf_inline_appends_stop_exactly_at_every_maximum),
		cmocka_unit_test(buf_addspace_hands_out_room_to_fill),
		FAULT_TEST(buf_addspace_reports_nomem),
		cmocka_unit_test(buf_with_the_largest_maximum_still_grows),
		cmocka_unit_test(buf_addf_formats_and_appends),
		cmocka_unit_test(buf_trim_removes_ascii_whitespace_at_both_ends),
		cmocka_unit_test(buf_truncate_shortens_and_never_lengthens),
		cmocka_unit_test(buf_detach_hands_over_the_data_and_resets),
		cmocka_unit_test(buf_release_on_an_unused_buf_is_harmless),
		FAULT_TEST(buf_reports_nomem_and_keeps_a_valid_string),
		/* arena */
		cmocka_unit_test(arena_allocations_are_aligned_and_disjoint),
		cmocka_unit_test(arena_memory_is_zeroed_even_when_reused),
		cmocka_unit_test(copy_short_copies_exactly_without_leaving_the_page),
		cmocka_unit_test(arena_strndup_leaves_every_earlier_allocation_alone),
		cmocka_unit_test(ascii_padded_agrees_with_a_byte_loop),
		cmocka_unit_test(padded_number_syntax_agrees_with_the_plain_one),
		cmocka_unit_test(arena_allocations_bigger_than_a_chunk_succeed),
		cmocka_unit_test(arena_reset_keeps_one_chunk_and_memory_stays_flat),
		cmocka_unit_test(arena_reset_keeps_the_largest_chunk),
		cmocka_unit_test(arena_grows_in_doubling_chunks_up_to_the_cap),
		cmocka_unit_test(arena_printf_formats_into_the_arena),
		cmocka_unit_test(arena_strdup_and_strndup_copy_and_terminate),
		cmocka_unit_test(arena_refuses_overflowing_sizes),
		FAULT_TEST(arena_reports_nomem_and_the_error_is_sticky),
		/* alloc */
		cmocka_unit_test(xgrow_doubles_capacity_from_eight),
		cmocka_unit_test(xgrow_refuses_overflow_and_leaves_the_array_unchanged),
		FAULT_TEST(xgrow_failure_leaves_the_array_unchanged),
		cmocka_unit_test(size_add_and_size_mul_detect_wrapping),
		cmocka_unit_test(xcalloc_refuses_overflowing_sizes_and_zeroes),
		cmocka_unit_test(xreallocarray_refuses_overflow_and_keeps_the_old_block),
		cmocka_unit_test(xmalloc_of_zero_and_xstrndup_behave),
		FAULT_TEST(alloc_fail_after_fails_the_nth_and_every_later_one),
		cmocka_unit_test(alloc_count_is_exact_across_threads),
		/* diag */
		cmocka_unit_test(diag_first_error_wins),
		cmocka_unit_test(diag_format_prints_file_line_and_column),
		cmocka_unit_test(diag_format_without_column_prints_file_and_line),
		cmocka_unit_test(diag_format_without_line_prints_file_only),
		cmocka_unit_test(diag_format_without_file_prints_the_message_only),
		cmocka_unit_test(diag_truncates_long_file_names_and_messages),
		cmocka_unit_test(diag_list_keeps_the_limit_and_counts_the_rest),
		cmocka_unit_test(diag_list_sort_orders_by_file_line_col_and_is_stable),
		cmocka_unit_test(diag_list_push_copies_the_diagnostic),
		FAULT_TEST(diag_list_counts_what_it_cannot_store),
		/* utf8 */
		cmocka_unit_test(utf8_valid_prefix_accepts_every_encoding_length),
		cmocka_unit_test(utf8_valid_prefix_rejects_overlong_forms),
		cmocka_unit_test(utf8_valid_prefix_rejects_surrogates),
		cmocka_unit_test(utf8_valid_prefix_rejects_code_points_above_10ffff),
		cmocka_unit_test(utf8_valid_prefix_rejects_truncated_sequences),
		cmocka_unit_test(utf8_valid_prefix_finds_a_bad_byte_at_any_position),
		cmocka_unit_test(utf8_decode_and_encode_round_trip),
		cmocka_unit_test(utf8_sanitize_replaces_invalid_bytes_and_counts_them),
		cmocka_unit_test(utf8_lower_and_upper_map_every_letter),
		cmocka_unit_test(utf8_title_capitalises_each_word),
		cmocka_unit_test(utf8_fold_strips_accents_to_ascii),
		cmocka_unit_test(utf8_fold_folds_what_decomposition_yields),
		cmocka_unit_test(utf8_fold_twice_equals_fold_once),
		cmocka_unit_test(utf8_mappings_agree_for_every_run_length),
		cmocka_unit_test(utf8_width_counts_wide_and_zero_width_characters),
		cmocka_unit_test(utf8_prefix_for_width_stops_before_a_wide_character),
		cmocka_unit_test(utf8_prefix_for_width_never_splits_a_code_point),
		/* sha256 */
		cmocka_unit_test(sha256_matches_the_fips_180_4_vectors),
		cmocka_unit_test(sha256_of_one_million_a),
		cmocka_unit_test(sha256_incremental_updates_match_one_update),
		cmocka_unit_test(sha256_pads_correctly_around_the_block_boundary),
		cmocka_unit_test(sha256_accelerated_and_portable_paths_agree),
		/* textdist */
		cmocka_unit_test(levenshtein_counts_edits),
		cmocka_unit_test(levenshtein_stops_at_the_cap),
		cmocka_unit_test(suggest_finds_the_closest_candidate),
		cmocka_unit_test(suggest_returns_null_when_nothing_is_close),
		/* files */
		FILES_TEST(files_read_reads_the_whole_file),
		FILES_TEST(files_read_accepts_a_file_exactly_at_the_limit),
		FILES_TEST(files_read_refuses_a_file_over_the_limit_and_names_it),
		FILES_TEST(files_read_reports_a_missing_file_by_path),
		FILES_TEST(files_read_refuses_a_directory),
		FILES_TEST(files_list_sorts_names_and_skips_dirs_and_dotfiles),
		FILES_TEST(files_list_of_an_empty_directory_is_empty),
		FILES_TEST(files_list_reports_a_missing_directory),
		FILES_TEST(files_list_fails_whole_when_memory_runs_out),
		cmocka_unit_test(files_join_adds_one_slash_and_keeps_absolute_names),
		FILES_TEST(files_is_dir_tells_directories_from_files),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
