/*
 * sketch.c - bounded-memory, mergeable, serialisable value summaries.
 *
 * See sketch.h for what each summary is for.  The file is in sections: the
 * hash (XXH64), the blob framing shared by every summary (header, varints,
 * checksum), then one section per summary.  Decoders are written to accept
 * only canonical blobs: varints must be minimal, lists strictly ordered,
 * derived fields consistent and the payload used up exactly, so a blob that
 * decodes re-encodes to the same bytes.
 */
#include "sketch.h"

#include <math.h>

#include "util/utf8.h"
#include "util/vec.h"

/* --- hash: XXH64, seed 0 ------------------------------------------------ */

#define XXH_P1 0x9E3779B185EBCA87ULL
#define XXH_P2 0xC2B2AE3D27D4EB4FULL
#define XXH_P3 0x165667B19E3779F9ULL
#define XXH_P4 0x85EBCA77C2B2AE63ULL
#define XXH_P5 0x27D4EB2F165667C5ULL

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Little-endian loads as one load each.  Written as bytes shifted into
 * place, GCC did not merge them where the bytes had just been stored from
 * vector registers (the padded shape): it stored each vector to the stack
 * again and read it back a byte at a time, 7% of a CSV scan's
 * instructions (docs/performance.md). */
static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static uint32_t load_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static uint64_t xxh_round(uint64_t acc, uint64_t input)
{
	acc += input * XXH_P2;
	return rotl64(acc, 31) * XXH_P1;
}

static uint64_t xxh_merge_round(uint64_t acc, uint64_t val)
{
	acc ^= xxh_round(0, val);
	return acc * XXH_P1 + XXH_P4;
}

/* The 32-byte stripes of an input of 32 bytes or more; *pp advances. */
static uint64_t xxh_stripes(const uint8_t **pp, size_t len)
{
	const uint8_t *p = *pp, *limit = p + len - 32;
	uint64_t v1 = XXH_P1 + XXH_P2, v2 = XXH_P2, v3 = 0, v4 = 0 - XXH_P1;
	uint64_t h;

	do {
		v1 = xxh_round(v1, load_le64(p));
		v2 = xxh_round(v2, load_le64(p + 8));
		v3 = xxh_round(v3, load_le64(p + 16));
		v4 = xxh_round(v4, load_le64(p + 24));
		p += 32;
	} while (p <= limit);
	*pp = p;
	h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
	h = xxh_merge_round(h, v1);
	h = xxh_merge_round(h, v2);
	h = xxh_merge_round(h, v3);
	return xxh_merge_round(h, v4);
}

/* The last len (< 32) bytes, then the final avalanche. */
static uint64_t xxh_finish(uint64_t h, const uint8_t *p, size_t len)
{
	for (; len >= 8; len -= 8, p += 8) {
		h ^= xxh_round(0, load_le64(p));
		h = rotl64(h, 27) * XXH_P1 + XXH_P4;
	}
	if (len >= 4) {
		h ^= (uint64_t)load_le32(p) * XXH_P1;
		h = rotl64(h, 23) * XXH_P2 + XXH_P3;
		p += 4;
		len -= 4;
	}
	for (; len > 0; len--, p++) {
		h ^= *p * XXH_P5;
		h = rotl64(h, 11) * XXH_P1;
	}
	h ^= h >> 33;
	h *= XXH_P2;
	h ^= h >> 29;
	h *= XXH_P3;
	return h ^ (h >> 32);
}

uint64_t sketch_hash(const void *data, size_t len)
{
	const uint8_t *p = data, *end = p + len;
	uint64_t h;

	if (len >= 32)
		h = xxh_stripes(&p, len);
	else
		h = XXH_P5;
	h += (uint64_t)len;
	return xxh_finish(h, p, (size_t)(end - p));
}

/* --- blob framing ------------------------------------------------------- */

#define BLOB_HEADER 3	/* 's', kind, version */
#define BLOB_CHECKSUM 4

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static void put_varint(struct buf *out, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	while (v >= 0x80) {
		tmp[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (uint8_t)v;
	buf_add(out, tmp, n);
}

static void put_le(struct buf *out, uint64_t v, size_t bytes)
{
	uint8_t tmp[8];

	for (size_t i = 0; i < bytes; i++)
		tmp[i] = (uint8_t)(v >> (8 * i));
	buf_add(out, tmp, bytes);
}

/* Start a blob of the given kind; returns where it starts in out. */
static size_t blob_begin(struct buf *out, char kind)
{
	size_t start = out->len;

	buf_addch(out, 's');
	buf_addch(out, kind);
	buf_addch(out, SKETCH_BLOB_VERSION);
	return start;
}

/* Append the checksum of the blob that starts at start. */
static int blob_end(struct buf *out, size_t start)
{
	if (buf_error(out))
		return buf_error(out);
	put_le(out, sketch_hash(out->data + start, out->len - start), 4);
	return buf_error(out);
}

/* Reads a payload; any read past the end sets bad and returns zeros. */
struct blob_reader {
	const uint8_t *p, *end;
	bool bad;
};

/* Check the frame of a blob of the given kind and point r at its payload. */
static bool blob_open(struct blob_reader *r, const void *data, size_t len,
		      char kind)
{
	const uint8_t *b = data;
	size_t body;

	if (!data || len < BLOB_HEADER + BLOB_CHECKSUM)
		return false;
	body = len - BLOB_CHECKSUM;
	if (b[0] != 's' || b[1] != (uint8_t)kind || b[2] != SKETCH_BLOB_VERSION)
		return false;
	if (load_le32(b + body) != (uint32_t)sketch_hash(b, body))
		return false;
	r->p = b + BLOB_HEADER;
	r->end = b + body;
	r->bad = false;
	return true;
}

/* True when the payload was read without error and to its very end. */
static bool blob_done(const struct blob_reader *r)
{
	return !r->bad && r->p == r->end;
}

static uint8_t rd_u8(struct blob_reader *r)
{
	if (r->bad || r->p == r->end) {
		r->bad = true;
		return 0;
	}
	return *r->p++;
}

static const uint8_t *rd_bytes(struct blob_reader *r, size_t n)
{
	const uint8_t *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

static uint64_t rd_le64(struct blob_reader *r)
{
	const uint8_t *p = rd_bytes(r, 8);

	return p ? load_le64(p) : 0;
}

/* A minimal LEB128 varint of at most 64 bits. */
static uint64_t rd_varint(struct blob_reader *r)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t c = rd_u8(r);

		if (r->bad)
			return 0;
		if (shift == 63 && c > 1)
			break;
		v |= (uint64_t)(c & 0x7F) << shift;
		if (!(c & 0x80)) {
			if (c == 0 && shift > 0)
				break;	/* not minimal */
			return v;
		}
	}
	r->bad = true;
	return 0;
}

/* A varint that must be at most max. */
static uint64_t rd_varint_max(struct blob_reader *r, uint64_t max)
{
	uint64_t v = rd_varint(r);

	if (v > max) {
		r->bad = true;
		return 0;
	}
	return v;
}

/* --- shapes -------------------------------------------------------------- */

#define SHAPE_OF(c) ((c) >= 'A' && (c) <= 'Z' ? 'A' : \
		     (c) >= 'a' && (c) <= 'z' ? 'a' : \
		     (c) >= '0' && (c) <= '9' ? '9' : (c))
#define SHAPE4(c) SHAPE_OF(c), SHAPE_OF((c) + 1), SHAPE_OF((c) + 2), \
		  SHAPE_OF((c) + 3)
#define SHAPE16(c) SHAPE4(c), SHAPE4((c) + 4), SHAPE4((c) + 8), SHAPE4((c) + 12)

/* The shape of each ASCII byte: a table, not branches, since letters,
 * digits and punctuation alternate unpredictably inside most values (5%
 * of a CSV scan's time). */
static const char shape_map[128] = {
	SHAPE16(0), SHAPE16(16), SHAPE16(32), SHAPE16(48),
	SHAPE16(64), SHAPE16(80), SHAPE16(96), SHAPE16(112),
};

static char shape_ascii(unsigned char c)
{
	return shape_map[c & 0x7f];
}

/* A letter is upper-case when its lower-case mapping differs from it.  out
 * serves as scratch: the mapping is appended, compared and cut off again. */
static bool is_upper_letter(const char *s, size_t n, struct buf *out)
{
	size_t mark = out->len;
	bool upper;

	utf8_lower(s, n, out);
	upper = out->len - mark != n || memcmp(out->data + mark, s, n) != 0;
	buf_truncate(out, mark);
	return upper;
}

/* Append the shape of the non-ASCII character at s; returns its bytes. */
static size_t shape_other(const char *s, size_t len, struct buf *out)
{
	int32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	if (cp == 0xFFFD && n == 1)
		buf_add(out, "\xEF\xBF\xBD", 3);
	else if (utf8_is_digit(cp))
		buf_addch(out, '9');
	else if (utf8_is_letter(cp))
		buf_addch(out, is_upper_letter(s, n, out) ? 'A' : 'a');
	else
		buf_add(out, s, n);
	return n;
}

void sketch_shape(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, chars = 0;

	/* ASCII, nearly every value: written straight into the buffer */
	if (!buf_reserve(out, SKETCH_SHAPE_MAX)) {
		char *o = out->data + out->len;

		while (i < len && chars < SKETCH_SHAPE_MAX &&
		       (unsigned char)s[i] < 0x80)
			o[chars++] = shape_ascii((unsigned char)s[i++]);
		out->len += chars;
		out->data[out->len] = '\0';
	}
	for (; i < len && chars < SKETCH_SHAPE_MAX; chars++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			buf_addch(out, shape_ascii(c));
			i++;
		} else {
			i += shape_other(s + i, len - i, out);
		}
	}
	if (i < len)
		buf_add(out, "\xE2\x80\xA6", 3);
}

typedef unsigned char uvec16 __attribute__((vector_size(16)));

/* Lanes of v (bytes 0-127) from lo to lo + n - 1: v - lo shifted by 128,
 * with unsigned wrap-around, is below n - 128 exactly for those (one add
 * and one signed compare instead of two compares). */
static inline __attribute__((always_inline)) vec16 v16_in(vec16 v, int lo,
							  int n)
{
	vec16 t = (vec16)((uvec16)v + (uvec16)VEC16((signed char)(128 - lo)));

	return (vec16)(t < VEC16((signed char)(n - 128)));
}

/* The vector form of shape_map[] for ASCII bytes (0-127): a letter is
 * 'A' with its case bit, a digit '9', anything else itself. */
static inline __attribute__((always_inline)) vec16 v16_shape(vec16 v)
{
	vec16 letter = v16_in(v | VEC16(0x20), 'a', 26);
	vec16 digit = v16_in(v, '0', 10);

	return (v & ~(letter | digit)) |
	       (letter & (VEC16('A') | (v & VEC16(0x20)))) |
	       (digit & VEC16('9'));
}

/* The 128-bit product of a and b, its halves xor-ed (both halves of a
 * 64-bit multiply where the compiler has no 128-bit type). */
static inline __attribute__((always_inline)) uint64_t mul_fold(uint64_t a,
							       uint64_t b)
{
#if defined(__SIZEOF_INT128__)
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32;
	uint64_t bl = b & 0xFFFFFFFFu, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
	uint64_t lo = (ll & 0xFFFFFFFFu) | mid << 32;
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	return lo ^ hi;
#endif
}

/* The hash of a shape of len <= SKETCH_SHAPE_MAX bytes, zero-padded to
 * SKETCH_SHAPE_MAX at pad; words read little-endian, so that a shape has
 * one hash on every machine (and the summaries keep the same shapes). */
static inline __attribute__((always_inline)) uint64_t
shape_pad_hash(const uint8_t *pad, size_t len)
{
	uint64_t h;

	h = mul_fold(load_le64(pad) ^ XXH_P1, load_le64(pad + 8) ^ XXH_P2 ^ len) ^
	    mul_fold(load_le64(pad + 16) ^ XXH_P3, load_le64(pad + 24) ^ XXH_P4);
	h ^= h >> 33;
	h *= XXH_P2;
	return h ^ (h >> 29);
}

_Static_assert(SKETCH_SHAPE_MAX == 32, "the padded shape reads two vectors");

uint64_t sketch_shape_hash(const char *shape, size_t len)
{
	uint8_t pad[SKETCH_SHAPE_MAX] = { 0 };

	if (len > SKETCH_SHAPE_MAX)
		return sketch_hash(shape, len);
	if (len)
		memcpy(pad, shape, len);
	return shape_pad_hash(pad, len);
}

bool sketch_shape_padded(const char *s, size_t len, char *out, uint64_t *hash)
{
	uint8_t pad[SKETCH_SHAPE_MAX];
	vec16 v[2], in[2];

	if (len > SKETCH_SHAPE_MAX)
		return false;
	/* the bytes past len are zeroes from here on */
	vec16_load32(s, len, v, in);
	if (vec16_any(v[0] | v[1]))	/* a byte outside ASCII */
		return false;
	v[0] = v16_shape(v[0]);
	v[1] = v16_shape(v[1]);
	memcpy(pad, v, sizeof(pad));
	memcpy(out, pad, SKETCH_SHAPE_MAX);
	*hash = shape_pad_hash(pad, len);
	return true;
}

/* --- distinct: exact set ------------------------------------------------- */

#define DISTINCT_MIN_CAP 16
#define HLL_MAX_RANK (64 - DISTINCT_HLL_P + 1)
#define HLL_PACKED (DISTINCT_HLL_M * 6 / 8)

void distinct_init(struct distinct *d)
{
	d->set = NULL;
	d->cap = 0;
	d->n = 0;
	d->has_zero = false;
	d->regs = NULL;
}

void distinct_release(struct distinct *d)
{
	xfree(d->set);
	xfree(d->regs);
	distinct_init(d);
}

static size_t exact_count(const struct distinct *d)
{
	return d->n + (d->has_zero ? 1 : 0);
}

/* The slot holding hash (non-zero), or the empty slot where it belongs. */
static size_t set_slot(const uint64_t *set, size_t cap, uint64_t hash)
{
	size_t i = (size_t)hash & (cap - 1);

	while (set[i] && set[i] != hash)
		i = (i + 1) & (cap - 1);
	return i;
}

static bool set_contains(const struct distinct *d, uint64_t hash)
{
	if (hash == 0)
		return d->has_zero;
	return d->cap && d->set[set_slot(d->set, d->cap, hash)] == hash;
}

/* Double the set (or create it), keeping the load at most one half. */
static int set_grow(struct distinct *d)
{
	size_t cap = d->cap ? d->cap * 2 : DISTINCT_MIN_CAP;
	uint64_t *set = xcalloc(cap, sizeof(*set));

	if (!set)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < d->cap; i++)
		if (d->set[i])
			set[set_slot(set, cap, d->set[i])] = d->set[i];
	xfree(d->set);
	d->set = set;
	d->cap = cap;
	return ST_OK;
}

/* Insert a hash known to be absent, with room for one more. */
static int set_insert(struct distinct *d, uint64_t hash)
{
	if (hash == 0) {
		d->has_zero = true;
		return ST_OK;
	}
	if ((d->n + 1) * 2 > d->cap && set_grow(d))
		return ST_ERR_NOMEM;
	d->set[set_slot(d->set, d->cap, hash)] = hash;
	d->n++;
	return ST_OK;
}

/* --- distinct: HyperLogLog ----------------------------------------------- */

/* The top p bits pick the register; the rank is the position of the first
 * 1 bit in the rest (a guard bit bounds it at 64 - p + 1). */
static void hll_add(uint8_t *regs, uint64_t hash)
{
	size_t idx = (size_t)(hash >> (64 - DISTINCT_HLL_P));
	uint64_t w = (hash << DISTINCT_HLL_P) |
		     ((uint64_t)1 << (DISTINCT_HLL_P - 1));
	uint8_t rank = (uint8_t)(__builtin_clzll(w) + 1);

	if (rank > regs[idx])
		regs[idx] = rank;
}

/* Move from the exact set to registers fed with the same hashes. */
static int distinct_to_hll(struct distinct *d)
{
	uint8_t *regs = xcalloc(DISTINCT_HLL_M, 1);

	if (!regs)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < d->cap; i++)
		if (d->set[i])
			hll_add(regs, d->set[i]);
	if (d->has_zero)
		hll_add(regs, 0);
	xfree(d->set);
	distinct_init(d);
	d->regs = regs;
	return ST_OK;
}

int distinct_add_hash(struct distinct *d, uint64_t hash)
{
	if (d->regs) {
		hll_add(d->regs, hash);
		return ST_OK;
	}
	if (set_contains(d, hash))
		return ST_OK;
	if (exact_count(d) < DISTINCT_EXACT_MAX)
		return set_insert(d, hash);
	if (distinct_to_hll(d))
		return ST_ERR_NOMEM;
	hll_add(d->regs, hash);
	return ST_OK;
}

int distinct_merge(struct distinct *dst, const struct distinct *src)
{
	if (!src->regs) {
		for (size_t i = 0; i < src->cap; i++)
			if (src->set[i] && distinct_add_hash(dst, src->set[i]))
				return ST_ERR_NOMEM;
		return src->has_zero ? distinct_add_hash(dst, 0) : ST_OK;
	}
	if (!dst->regs && distinct_to_hll(dst))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < DISTINCT_HLL_M; i++)
		if (src->regs[i] > dst->regs[i])
			dst->regs[i] = src->regs[i];
	return ST_OK;
}

/* Ertl's sigma(x) = x + sum_k x^(2^k) 2^(k-1), the small-range term. */
static double hll_sigma(double x)
{
	double y = 1, z = x, prev;

	if (x == 1.0)
		return INFINITY;
	do {
		x *= x;
		prev = z;
		z += x * y;
		y += y;
	} while (z != prev);
	return z;
}

/* Ertl's tau(x), the large-range term (registers at their largest). */
static double hll_tau(double x)
{
	double y = 1, z = 1 - x, prev;

	if (x == 0.0 || x == 1.0)
		return 0.0;
	do {
		x = sqrt(x);
		prev = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != prev);
	return z / 3;
}

/*
 * Ertl's improved estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017; Redis uses it too).  It needs no empirical
 * bias tables and no switch between estimators: the sigma term does what
 * linear counting does for small counts, and unlike the classic raw
 * estimate it has no bias bump between 2.5 m and 5 m (the classic one is
 * 3% high at 40 000 values with m = 2^14).  Standard error stays
 * 1.04 / sqrt(m).
 */
static double hll_estimate(const uint8_t *regs)
{
	double m = DISTINCT_HLL_M, z;
	uint32_t hist[HLL_MAX_RANK + 1] = { 0 };

	for (size_t i = 0; i < DISTINCT_HLL_M; i++)
		hist[regs[i]]++;
	z = m * hll_tau((m - hist[HLL_MAX_RANK]) / m);
	for (size_t k = HLL_MAX_RANK - 1; k >= 1; k--)
		z = 0.5 * (z + hist[k]);
	z += m * hll_sigma(hist[0] / m);
	return m * m / (2 * log(2)) / z;
}

uint64_t distinct_estimate(const struct distinct *d)
{
	if (!d->regs)
		return exact_count(d);
	return (uint64_t)llround(hll_estimate(d->regs));
}

bool distinct_is_exact(const struct distinct *d)
{
	return d->regs == NULL;
}

double distinct_relative_error(const struct distinct *d)
{
	return d->regs ? 1.04 / sqrt((double)DISTINCT_HLL_M) : 0.0;
}

/* --- distinct: blobs ----------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int exact_serialise(const struct distinct *d, struct buf *out)
{
	size_t n = 0, count = exact_count(d);
	uint64_t *all = xmalloc(count * sizeof(*all));

	if (!all)
		return ST_ERR_NOMEM;
	if (d->has_zero)
		all[n++] = 0;
	for (size_t i = 0; i < d->cap; i++)
		if (d->set[i])
			all[n++] = d->set[i];
	qsort(all, n, sizeof(*all), cmp_u64);
	buf_addch(out, 0);
	put_varint(out, n);
	for (size_t i = 0; i < n; i++)
		put_le(out, all[i], 8);
	xfree(all);
	return ST_OK;
}

/* Registers r0 r1 r2 r3 (6 bits each) go into three bytes, low bits first. */
static void hll_serialise(const uint8_t *regs, struct buf *out)
{
	buf_addch(out, 1);
	buf_addch(out, DISTINCT_HLL_P);
	for (size_t i = 0; i < DISTINCT_HLL_M; i += 4) {
		uint32_t w = (uint32_t)regs[i] | (uint32_t)regs[i + 1] << 6 |
			     (uint32_t)regs[i + 2] << 12 |
			     (uint32_t)regs[i + 3] << 18;

		put_le(out, w, 3);
	}
}

int distinct_serialise(const struct distinct *d, struct buf *out)
{
	size_t start = blob_begin(out, 'd');

	if (d->regs)
		hll_serialise(d->regs, out);
	else if (exact_serialise(d, out))
		return ST_ERR_NOMEM;
	return blob_end(out, start);
}

static int exact_deserialise(struct distinct *d, struct blob_reader *r)
{
	uint64_t n = rd_varint_max(r, DISTINCT_EXACT_MAX), prev = 0;

	for (uint64_t i = 0; i < n && !r->bad; i++) {
		uint64_t h = rd_le64(r);

		if (i > 0 && h <= prev)
			return ST_ERR;
		if (set_insert(d, h))
			return ST_ERR_NOMEM;
		prev = h;
	}
	return blob_done(r) ? ST_OK : ST_ERR;
}

static int hll_deserialise(struct distinct *d, struct blob_reader *r)
{
	const uint8_t *p;

	if (rd_u8(r) != DISTINCT_HLL_P)
		return ST_ERR;
	p = rd_bytes(r, HLL_PACKED);
	if (!p || !blob_done(r))
		return ST_ERR;
	d->regs = xmalloc(DISTINCT_HLL_M);
	if (!d->regs)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < DISTINCT_HLL_M; i++) {
		const uint8_t *q = p + i / 4 * 3;
		uint32_t w = (uint32_t)q[0] | (uint32_t)q[1] << 8 |
			     (uint32_t)q[2] << 16;
		uint8_t v = (uint8_t)(w >> (6 * (i % 4)) & 0x3F);

		if (v > HLL_MAX_RANK)
			return ST_ERR;
		d->regs[i] = v;
	}
	return ST_OK;
}

int distinct_deserialise(struct distinct *d, const void *data, size_t len)
{
	struct blob_reader r;
	int rc = ST_ERR;

	distinct_init(d);
	if (!blob_open(&r, data, len, 'd'))
		return ST_ERR;
	switch (rd_u8(&r)) {
	case 0:
		rc = exact_deserialise(d, &r);
		break;
	case 1:
		rc = hll_deserialise(d, &r);
		break;
	default:
		break;
	}
	if (rc)
		distinct_release(d);
	return rc;
}

/* --- topk: keys and the index -------------------------------------------- */

/* Mixed into the hash of a truncated key so that it differs from the hash
 * of the same bytes untruncated. */
#define TOPK_TRUNCATED_SALT 0x9E3779B97F4A7C15ULL

/* Bytes of value kept as its key: all of it, or its first SKETCH_VALUE_MAX
 * bytes cut back (by at most 3) so as not to split a UTF-8 character. */
static size_t key_len(const char *value, size_t len)
{
	size_t cut = SKETCH_VALUE_MAX;

	if (len <= SKETCH_VALUE_MAX)
		return len;
	while (cut > SKETCH_VALUE_MAX - 3 &&
	       ((unsigned char)value[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}

static uint64_t key_hash(const char *key, size_t len, bool truncated)
{
	return sketch_hash(key, len) ^ (truncated ? TOPK_TRUNCATED_SALT : 0);
}

static bool entry_is(const struct topk_entry *e, uint64_t hash,
		     const char *key, size_t len, bool truncated)
{
	return e->hash == hash && e->len == len && e->truncated == truncated &&
	       (len == 0 || sketch_bytes_equal(e->value, key, len));
}

static void entry_fill(struct topk_entry *e, const char *key, size_t len,
		       bool truncated, uint64_t hash)
{
	if (len)	/* key may be NULL when len is 0 */
		memcpy(e->value, key, len);
	e->value[len] = '\0';
	e->len = (uint8_t)len;
	e->truncated = truncated;
	e->hash = hash;
}

#define INDEX_ID(x) ((size_t)((x) & 0xFFFFu))
#define INDEX_TAG(hash) ((uint32_t)((hash) >> 48) << 16)

/* The id of the entry holding the key, or SIZE_MAX. */
static size_t index_find(const struct topk *t, uint64_t hash,
			 const char *key, size_t len, bool truncated)
{
	uint32_t tag = INDEX_TAG(hash), x;

	for (size_t s = (size_t)hash & t->mask; (x = t->index[s]) != 0;
	     s = (s + 1) & t->mask) {
		size_t id = INDEX_ID(x) - 1u;

		if ((x & 0xFFFF0000u) == tag &&
		    entry_is(&t->entries[id], hash, key, len, truncated))
			return id;
	}
	return SIZE_MAX;
}

static void index_put(struct topk *t, size_t id)
{
	uint64_t hash = t->entries[id].hash;
	size_t s = (size_t)hash & t->mask;

	while (t->index[s])
		s = (s + 1) & t->mask;
	t->index[s] = INDEX_TAG(hash) | (uint32_t)(id + 1);
}

/* Remove id by shifting later members of its probe run back into the
 * hole (no tombstones), so that probes stay short however many values
 * pass through the counters.  A member at j may fill the hole at i when
 * its home slot is not cyclically inside (i, j]. */
static void index_remove(struct topk *t, size_t id)
{
	size_t i = (size_t)t->entries[id].hash & t->mask, j;

	while (INDEX_ID(t->index[i]) != id + 1)
		i = (i + 1) & t->mask;
	for (j = (i + 1) & t->mask; t->index[j]; j = (j + 1) & t->mask) {
		size_t there = INDEX_ID(t->index[j]) - 1u;
		size_t home = (size_t)t->entries[there].hash & t->mask;

		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->index[i] = t->index[j];
			i = j;
		}
	}
	t->index[i] = 0;
}

/* --- topk: counters in ascending order ---------------------------------- */

static void order_set(struct topk *t, size_t pos, size_t id)
{
	t->order[pos] = (uint16_t)id;
	t->ocount[pos] = t->entries[id].count;
	t->entries[id].pos = (uint16_t)pos;
}

/* The last position at or after i whose count is c, the count at i: the
 * counts are ascending, and a column of values seen once or twice leaves
 * long runs of equal counts, so search rather than walk them. */
static size_t run_end(const struct topk *t, size_t i, uint64_t c)
{
	size_t lo = i, hi = t->n;	/* ocount[lo] == c, ocount[hi] > c */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ocount[mid] == c)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Raise a count by one: the counter swaps places with the last counter of
 * its count, so the order stays ascending. */
static void bump(struct topk *t, size_t id)
{
	struct topk_entry *e = &t->entries[id];
	size_t i = e->pos, j = i;
	uint64_t c = e->count;

	if (i + 1 < t->n && t->ocount[i + 1] == c)
		j = run_end(t, i + 1, c);
	if (j != i)
		order_set(t, i, t->order[j]);
	e->count = add_sat(c, 1);
	order_set(t, j, id);
}

/* Order the n loaded counters (after a merge or a load). */
static void order_build(struct topk *t)
{
	for (size_t i = 0; i < t->n; i++) {
		size_t j = i;

		while (j > 0 && t->entries[t->order[j - 1]].count > t->entries[i].count) {
			order_set(t, j, t->order[j - 1]);
			j--;
		}
		order_set(t, j, i);
	}
}

/* --- topk: counting ------------------------------------------------------ */

int topk_init(struct topk *t, size_t k)
{
	size_t slots = 4;

	memset(t, 0, sizeof(*t));
	if (k < 1 || k > TOPK_MAX_K)
		return ST_ERR;
	size_t buckets = 64;

	while (slots < 2 * k)
		slots *= 2;
	/* eight buckets per counter: few values not held reach the smallest
	 * count, so few evictions (the paper's experiments use a few times
	 * k); one line of eight words per counter is cheap */
	while (buckets < 8 * k)
		buckets *= 2;
	t->entries = xcalloc(k, sizeof(*t->entries));
	t->sorted = xcalloc(k, sizeof(*t->sorted));
	t->order = xcalloc(k, sizeof(*t->order));
	t->ocount = xcalloc(k, sizeof(*t->ocount));
	t->index = xcalloc(slots, sizeof(*t->index));
	t->alpha = xcalloc(buckets, sizeof(*t->alpha));
	if (!t->entries || !t->sorted || !t->order || !t->ocount || !t->index ||
	    !t->alpha) {
		topk_release(t);
		return ST_ERR_NOMEM;
	}
	t->k = k;
	t->mask = slots - 1;
	t->alpha_mask = buckets - 1;
	return ST_OK;
}

void topk_release(struct topk *t)
{
	xfree(t->entries);
	xfree(t->sorted);
	xfree(t->order);
	xfree(t->ocount);
	xfree(t->index);
	xfree(t->alpha);
	memset(t, 0, sizeof(*t));
}

void topk_clear(struct topk *t)
{
	memset(t->index, 0, (t->mask + 1) * sizeof(*t->index));
	memset(t->alpha, 0, (t->alpha_mask + 1) * sizeof(*t->alpha));
	t->n = 0;
	t->last = 0;
	t->total = 0;
}

/* The filter bucket of a hash: other bits than the index uses. */
static uint64_t *bucket(const struct topk *t, uint64_t hash)
{
	return &t->alpha[(size_t)(hash >> 40) & t->alpha_mask];
}

/* A key not yet counted: a free counter, or, once its bucket has caught up
 * with the smallest count, the smallest counter taken over (see sketch.h). */
static void topk_add_new(struct topk *t, const char *key, size_t len,
			 bool truncated, uint64_t hash)
{
	struct topk_entry *e;
	uint64_t *a, *ea;
	size_t id;

	if (t->n < t->k) {
		/* a new count of 1 goes first: every other count is at least 1 */
		id = t->n++;
		for (size_t pos = id; pos > 0; pos--)
			order_set(t, pos, t->order[pos - 1]);
		e = &t->entries[id];
		e->count = 1;
		e->error = 0;
		entry_fill(e, key, len, truncated, hash);
		index_put(t, id);
		order_set(t, 0, id);
		return;
	}
	id = t->order[0];
	e = &t->entries[id];
	a = bucket(t, hash);
	if (*a < e->count) {
		(*a)++;
		return;
	}
	/* the evicted value's count bounds it from now on */
	ea = bucket(t, e->hash);
	if (*ea < e->count)
		*ea = e->count;
	index_remove(t, id);
	e->error = *a;
	e->count = *a;	/* the smallest count (the filter never passes it) */
	t->ocount[0] = *a;
	entry_fill(e, key, len, truncated, hash);
	index_put(t, id);
	bump(t, id);
}

void topk_add_hashed(struct topk *t, const char *value, size_t len,
		     uint64_t hash)
{
	size_t klen = key_len(value, len), id;
	bool truncated = klen < len;

	if (truncated)
		hash = key_hash(value, klen, true);
	t->total++;
	/* runs of one value are common (sorted exports, few distinct values) */
	id = t->last;
	if (id >= t->n || !entry_is(&t->entries[id], hash, value, klen, truncated))
		id = index_find(t, hash, value, klen, truncated);
	if (id == SIZE_MAX) {
		topk_add_new(t, value, klen, truncated, hash);
		return;
	}
	t->last = id;
	bump(t, id);
}

void topk_add(struct topk *t, const char *value, size_t len)
{
	uint64_t hash = len > SKETCH_VALUE_MAX ? 0 : sketch_hash(value, len);

	topk_add_hashed(t, value, len, hash);
}

/* --- topk: order, merge -------------------------------------------------- */

static int entry_cmp(const struct topk_entry *a, const struct topk_entry *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	c = memcmp(a->value, b->value, n);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return (int)a->truncated - (int)b->truncated;
}

static int entry_qcmp(const void *a, const void *b)
{
	return entry_cmp(a, b);
}

size_t topk_sorted(const struct topk *t, const struct topk_entry **out)
{
	if (t->n)
		memcpy(t->sorted, t->entries, t->n * sizeof(*t->sorted));
	qsort(t->sorted, t->n, sizeof(*t->sorted), entry_qcmp);
	*out = t->sorted;
	return t->n;
}

/* The smallest count of a full summary: a bound on the true count of any
 * value it does not hold.  0 while not full (it holds every value). */
static uint64_t topk_floor(const struct topk *t)
{
	return t->n == t->k ? t->entries[t->order[0]].count : 0;
}

/* *c = e plus its counter in the other summary (match), or plus that
 * summary's floor when it does not hold the value. */
static void merge_candidate(struct topk_entry *c, const struct topk_entry *e,
			    const struct topk_entry *match, uint64_t floor)
{
	*c = *e;
	c->count = add_sat(c->count, match ? match->count : floor);
	c->error = add_sat(c->error, match ? match->error : floor);
}

static const struct topk_entry *topk_lookup(const struct topk *t,
					    const struct topk_entry *e)
{
	size_t id = index_find(t, e->hash, e->value, e->len, e->truncated);

	return id == SIZE_MAX ? NULL : &t->entries[id];
}

/* Make t hold exactly the n counters at cand. */
static void topk_load(struct topk *t, const struct topk_entry *cand, size_t n)
{
	memset(t->index, 0, (t->mask + 1) * sizeof(*t->index));
	for (size_t i = 0; i < n; i++) {
		t->entries[i] = cand[i];
		index_put(t, i);
	}
	t->n = n;
	order_build(t);
}

/* Add src's filter to dst's.  A value's bucket in either is its hash's
 * bits under the mask, so a dst bucket takes the largest of the src
 * buckets its values can fall in (or the one, when src has fewer). */
static void alpha_merge(struct topk *dst, const struct topk *src)
{
	for (size_t j = 0; j <= dst->alpha_mask; j++) {
		uint64_t a = src->alpha[j & src->alpha_mask];

		for (size_t i = j + dst->alpha_mask + 1; i <= src->alpha_mask;
		     i += dst->alpha_mask + 1)
			if (src->alpha[i] > a)
				a = src->alpha[i];
		dst->alpha[j] = add_sat(dst->alpha[j], a);
	}
}

int topk_merge(struct topk *dst, const struct topk *src)
{
	uint64_t dfloor = topk_floor(dst), sfloor = topk_floor(src);
	struct topk_entry *cand;
	size_t nc = 0;

	cand = xmalloc((dst->n + src->n + 1) * sizeof(*cand));
	if (!cand)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < dst->n; i++)
		merge_candidate(&cand[nc++], &dst->entries[i],
				topk_lookup(src, &dst->entries[i]), sfloor);
	for (size_t i = 0; i < src->n; i++)
		if (!topk_lookup(dst, &src->entries[i]))
			merge_candidate(&cand[nc++], &src->entries[i], NULL,
					dfloor);
	qsort(cand, nc, sizeof(*cand), entry_qcmp);
	/* a value held by neither is bounded by its two buckets; one cut
	 * from the merged counters by its candidate count.  Both bounds are
	 * at most the merged smallest count, which every candidate reaches
	 * (dfloor + sfloor at least), so the filter's invariant holds. */
	alpha_merge(dst, src);
	for (size_t i = dst->k; i < nc; i++) {
		uint64_t *a = bucket(dst, cand[i].hash);

		if (*a < cand[i].count)
			*a = cand[i].count;
	}
	topk_load(dst, cand, nc < dst->k ? nc : dst->k);
	dst->total = add_sat(dst->total, src->total);
	xfree(cand);
	return ST_OK;
}

/* --- topk: blobs --------------------------------------------------------- */

#define TOPK_TRUNCATED_BIT 0x80

int topk_serialise(const struct topk *t, struct buf *out)
{
	const struct topk_entry *sorted;
	size_t start = blob_begin(out, 't');

	topk_sorted(t, &sorted);
	put_varint(out, t->k);
	put_varint(out, t->n);
	put_varint(out, t->total);
	for (size_t i = 0; i < t->n; i++) {
		const struct topk_entry *e = &sorted[i];

		int lenflag = e->len | (e->truncated ? TOPK_TRUNCATED_BIT : 0);

		buf_addch(out, lenflag);
		buf_add(out, e->value, e->len);
		put_varint(out, e->count);
		put_varint(out, e->error);
	}
	return blob_end(out, start);
}

/* One counter: a key of at most SKETCH_VALUE_MAX bytes (a truncated one
 * was cut at most 3 bytes short), 1 <= count <= total, error < count. */
static bool read_entry(struct blob_reader *r, struct topk_entry *e,
		       uint64_t total)
{
	uint8_t lenflag = rd_u8(r);
	size_t len = lenflag & ~TOPK_TRUNCATED_BIT;
	bool truncated = lenflag & TOPK_TRUNCATED_BIT;
	const uint8_t *key;

	if (len > SKETCH_VALUE_MAX || (truncated && len < SKETCH_VALUE_MAX - 3))
		return false;
	key = rd_bytes(r, len);
	e->count = rd_varint_max(r, total);
	e->error = rd_varint(r);
	if (r->bad || e->count == 0 || e->error >= e->count)
		return false;
	entry_fill(e, (const char *)key, len, truncated,
		   key_hash((const char *)key, len, truncated));
	return true;
}

/* The n counters, strictly in sorted order, keys unique; a summary that is
 * not full counted every value exactly. */
static int read_entries(struct topk *t, struct blob_reader *r, size_t n,
			uint64_t total)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		struct topk_entry *e = &t->entries[i];

		if (!read_entry(r, e, total))
			return ST_ERR;
		if (i > 0 && entry_cmp(&t->entries[i - 1], e) >= 0)
			return ST_ERR;
		if (topk_lookup(t, e) || (n < t->k && e->error))
			return ST_ERR;
		sum = add_sat(sum, e->count);
		index_put(t, i);
		t->n = i + 1;
	}
	if ((n < t->k && sum != total) || !blob_done(r))
		return ST_ERR;
	order_build(t);
	/* the values not held: at most the smallest count, as far as a
	 * blob can tell */
	for (size_t i = 0; n == t->k && i <= t->alpha_mask; i++)
		t->alpha[i] = t->entries[t->order[0]].count;
	t->total = total;
	return ST_OK;
}

int topk_deserialise(struct topk *t, const void *data, size_t len)
{
	struct blob_reader r;
	uint64_t k, n, total;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!blob_open(&r, data, len, 't'))
		return ST_ERR;
	k = rd_varint_max(&r, TOPK_MAX_K);
	n = rd_varint_max(&r, k);
	total = rd_varint(&r);
	if (r.bad || k == 0)
		return ST_ERR;
	rc = topk_init(t, (size_t)k);
	if (rc)
		return rc;
	rc = read_entries(t, &r, (size_t)n, total);
	if (rc)
		topk_release(t);
	return rc;
}

/* --- kmv ----------------------------------------------------------------- */

void kmv_init(struct kmv *m)
{
	memset(m, 0, sizeof(*m));
}

/* The first position whose hash is not below hash (n when none).  The
 * search halves a span whose length depends only on n, choosing the half
 * by a conditional move: which half a random hash falls in is a branch no
 * predictor can guess. */
static size_t kmv_lower_bound(const struct kmv *m, uint64_t hash)
{
	size_t base = 0, len = m->n;

	if (!len)
		return 0;
	while (len > 1) {
		size_t half = len / 2;

		base = m->h[base + half - 1] < hash ? base + half : base;
		len -= half;
	}
	return base + (m->h[base] < hash);
}

void kmv_add_hash(struct kmv *m, uint64_t hash)
{
	size_t i;

	if (m->n == KMV_K && hash >= m->h[KMV_K - 1])
		return;
	i = kmv_lower_bound(m, hash);
	if (i < m->n && m->h[i] == hash)
		return;
	if (m->n < KMV_K)
		m->n++;
	memmove(&m->h[i + 1], &m->h[i], (m->n - 1 - i) * sizeof(m->h[0]));
	m->h[i] = hash;
}

void kmv_merge(struct kmv *dst, const struct kmv *src)
{
	uint64_t out[KMV_K];
	size_t i = 0, j = 0, n = 0;

	while (n < KMV_K && (i < dst->n || j < src->n)) {
		if (j == src->n || (i < dst->n && dst->h[i] <= src->h[j])) {
			if (j < src->n && src->h[j] == dst->h[i])
				j++;
			out[n++] = dst->h[i++];
		} else {
			out[n++] = src->h[j++];
		}
	}
	memcpy(dst->h, out, n * sizeof(out[0]));
	dst->n = n;
}

bool kmv_is_exact(const struct kmv *m)
{
	return m->n < KMV_K;
}

uint64_t kmv_estimate(const struct kmv *m)
{
	if (kmv_is_exact(m))
		return m->n;
	return (uint64_t)llround((KMV_K - 1) /
				 ldexp((double)m->h[KMV_K - 1] + 1.0, -64));
}

/* Below this hash the sketch holds every hash of its set. */
static uint64_t kmv_limit(const struct kmv *m)
{
	return kmv_is_exact(m) ? UINT64_MAX : m->h[KMV_K - 1];
}

static uint64_t kmv_common_limit(const struct kmv *a, const struct kmv *b)
{
	uint64_t la = kmv_limit(a), lb = kmv_limit(b);

	return la < lb ? la : lb;
}

double kmv_containment(const struct kmv *a, const struct kmv *b)
{
	uint64_t limit = kmv_common_limit(a, b);
	size_t sample = 0, both = 0, j = 0;

	for (size_t i = 0; i < a->n && a->h[i] <= limit; i++) {
		sample++;
		while (j < b->n && b->h[j] < a->h[i])
			j++;
		both += j < b->n && b->h[j] == a->h[i];
	}
	if (sample == 0)
		return a->n ? -1.0 : 0.0;
	return (double)both / (double)sample;
}

double kmv_jaccard(const struct kmv *a, const struct kmv *b)
{
	uint64_t limit = kmv_common_limit(a, b);
	size_t i = 0, j = 0, all = 0, both = 0;

	for (;; all++) {
		bool in_a = i < a->n && a->h[i] <= limit;
		bool in_b = j < b->n && b->h[j] <= limit;

		if (!in_a && !in_b)
			break;
		if (in_a && in_b && a->h[i] == b->h[j]) {
			both++;
			i++;
			j++;
		} else if (in_a && (!in_b || a->h[i] < b->h[j])) {
			i++;
		} else {
			j++;
		}
	}
	return all ? (double)both / (double)all : 0.0;
}

int kmv_serialise(const struct kmv *m, struct buf *out)
{
	size_t start = blob_begin(out, 'k');

	put_varint(out, m->n);
	for (size_t i = 0; i < m->n; i++)
		put_varint(out, i ? m->h[i] - m->h[i - 1] - 1 : m->h[0]);
	return blob_end(out, start);
}

int kmv_deserialise(struct kmv *m, const void *data, size_t len)
{
	struct blob_reader r;
	size_t n;

	kmv_init(m);
	if (!blob_open(&r, data, len, 'k'))
		return ST_ERR;
	n = (size_t)rd_varint_max(&r, KMV_K);
	for (size_t i = 0; i < n && !r.bad; i++) {
		uint64_t gap = rd_varint(&r);

		if (i == 0)
			m->h[0] = gap;
		else if (__builtin_add_overflow(m->h[i - 1], 1, &m->h[i]) ||
			 __builtin_add_overflow(m->h[i], gap, &m->h[i]))
			r.bad = true;
	}
	if (!blob_done(&r)) {
		kmv_init(m);
		return ST_ERR;
	}
	m->n = n;
	return ST_OK;
}

/* --- sparse counts, shared by the two histograms ------------------------- */

/* Counts of 0..size-1 as: varint number of non-zero ones, then for each
 * ascending the gap from the previous (index - previous - 1; the first:
 * its index) and the count. */
static void put_sparse(struct buf *out, const void *obj, size_t size,
		       uint64_t (*get)(const void *obj, size_t i))
{
	size_t nz = 0, prev = 0;
	bool first = true;

	for (size_t i = 0; i < size; i++)
		nz += get(obj, i) != 0;
	put_varint(out, nz);
	for (size_t i = 0; i < size; i++) {
		uint64_t c = get(obj, i);

		if (!c)
			continue;
		put_varint(out, first ? i : i - prev - 1);
		put_varint(out, c);
		prev = i;
		first = false;
	}
}

/* What rd_sparse found: the sum of the counts and the highest index with
 * a count (-1 when none). */
struct sparse_info {
	uint64_t total;
	int64_t last;
};

/* Read put_sparse's encoding, calling set for each count; set may fail
 * with ST_ERR_NOMEM. */
static int rd_sparse(struct blob_reader *r, void *obj, size_t size,
		     int (*set)(void *obj, size_t i, uint64_t count),
		     struct sparse_info *info)
{
	uint64_t nz = rd_varint_max(r, size);
	size_t next = 0;

	info->total = 0;
	info->last = -1;
	for (uint64_t k = 0; k < nz && !r->bad; k++) {
		uint64_t gap = rd_varint_max(r, size), c = rd_varint(r);
		size_t i = next + (size_t)gap;

		if (r->bad || i >= size || c == 0 ||
		    __builtin_add_overflow(info->total, c, &info->total))
			return ST_ERR;
		if (set(obj, i, c))
			return ST_ERR_NOMEM;
		info->last = (int64_t)i;
		next = i + 1;
	}
	return r->bad ? ST_ERR : ST_OK;
}

/* --- day_hist ------------------------------------------------------------ */

void day_hist_init(struct day_hist *h)
{
	for (size_t b = 0; b < DAY_HIST_BLOCKS; b++)
		h->blocks[b] = NULL;
	h->overflow = 0;
	h->future = 0;
	h->max = -1;
}

void day_hist_release(struct day_hist *h)
{
	for (size_t b = 0; b < DAY_HIST_BLOCKS; b++)
		xfree(h->blocks[b]);
	day_hist_init(h);
}

static uint64_t day_count(const struct day_hist *h, size_t day)
{
	const uint64_t *blk = h->blocks[day / DAY_HIST_BLOCK];

	return blk ? blk[day % DAY_HIST_BLOCK] : 0;
}

static uint64_t day_count_get(const void *h, size_t day)
{
	return day_count(h, day);
}

/* Add count to day (< SKETCH_MAX_DAYS), allocating its block if needed. */
static int day_add_count(struct day_hist *h, size_t day, uint64_t count)
{
	uint64_t **blk = &h->blocks[day / DAY_HIST_BLOCK];

	if (!*blk) {
		*blk = xcalloc(DAY_HIST_BLOCK, sizeof(**blk));
		if (!*blk)
			return ST_ERR_NOMEM;
	}
	(*blk)[day % DAY_HIST_BLOCK] = add_sat((*blk)[day % DAY_HIST_BLOCK],
					       count);
	return ST_OK;
}

static int day_add_count_set(void *h, size_t day, uint64_t count)
{
	return day_add_count(h, day, count);
}

int day_hist_add(struct day_hist *h, int64_t days)
{
	if (days < 0) {
		h->future++;
		return ST_OK;
	}
	if (days >= SKETCH_MAX_DAYS)
		h->overflow++;
	else if (day_add_count(h, (size_t)days, 1))
		return ST_ERR_NOMEM;
	if (days > h->max)
		h->max = days;
	return ST_OK;
}

int day_hist_merge(struct day_hist *dst, const struct day_hist *src)
{
	for (size_t d = 0; d < SKETCH_MAX_DAYS; d++) {
		uint64_t c = day_count(src, d);

		if (c && day_add_count(dst, d, c))
			return ST_ERR_NOMEM;
	}
	dst->overflow = add_sat(dst->overflow, src->overflow);
	dst->future = add_sat(dst->future, src->future);
	if (src->max > dst->max)
		dst->max = src->max;
	return ST_OK;
}

int day_hist_subtract(struct day_hist *h, const struct day_hist *part)
{
	if (part->overflow || part->future || part->max > h->max)
		return ST_ERR;
	for (size_t d = 0; d <= (size_t)(part->max < 0 ? 0 : part->max); d++) {
		uint64_t c = day_count(part, d);

		if (c && day_count(h, d) < c)
			return ST_ERR;
	}
	for (size_t d = 0; part->max >= 0 && d <= (size_t)part->max; d++) {
		uint64_t c = day_count(part, d);

		if (c)
			h->blocks[d / DAY_HIST_BLOCK][d % DAY_HIST_BLOCK] -= c;
	}
	if (h->overflow)
		return ST_OK;	/* the largest age is among them, unchanged */
	h->max = -1;
	for (size_t d = SKETCH_MAX_DAYS; d-- > 0;) {
		if (day_count(h, d)) {
			h->max = (int64_t)d;
			break;
		}
	}
	return ST_OK;
}

static uint64_t block_sum(const uint64_t *blk)
{
	uint64_t sum = 0;

	for (size_t i = 0; blk && i < DAY_HIST_BLOCK; i++)
		sum = add_sat(sum, blk[i]);
	return sum;
}

uint64_t day_hist_count(const struct day_hist *h)
{
	uint64_t n = h->overflow;

	for (size_t b = 0; b < DAY_HIST_BLOCKS; b++)
		n = add_sat(n, block_sum(h->blocks[b]));
	return n;
}

/* ceil(q * n) within [1, n], forgiving rounding just above an integer. */
static uint64_t quantile_rank(double q, uint64_t n)
{
	double x;
	uint64_t rank;

	if (!(q > 0.0))
		q = 0.0;	/* NaN too */
	if (q > 1.0)
		q = 1.0;
	x = q * (double)n;
	rank = (uint64_t)ceil(x - x * 1e-12);
	if (rank < 1)
		rank = 1;
	return rank > n ? n : rank;
}

int64_t day_hist_quantile(const struct day_hist *h, double q)
{
	uint64_t n = day_hist_count(h), rank, seen = 0;

	if (n == 0)
		return -1;
	rank = quantile_rank(q, n);
	for (size_t b = 0; b < DAY_HIST_BLOCKS; b++) {
		uint64_t in_block = block_sum(h->blocks[b]);

		if (seen + in_block < rank) {
			seen += in_block;
			continue;
		}
		for (size_t d = b * DAY_HIST_BLOCK;; d++) {
			seen += day_count(h, d);
			if (seen >= rank)
				return (int64_t)d;
		}
	}
	return SKETCH_MAX_DAYS;
}

int64_t day_hist_max(const struct day_hist *h)
{
	return h->max;
}

uint64_t day_hist_count_older_than(const struct day_hist *h, int64_t days)
{
	uint64_t n = h->overflow;

	if (days < 0)
		return day_hist_count(h);
	if (days >= SKETCH_MAX_DAYS)
		return h->max > days ? h->overflow : 0;
	for (size_t d = (size_t)days + 1; d < SKETCH_MAX_DAYS; d++)
		n = add_sat(n, day_count(h, d));
	return n;
}

int day_hist_serialise(const struct day_hist *h, struct buf *out)
{
	size_t start = blob_begin(out, 'h');

	put_sparse(out, h, SKETCH_MAX_DAYS, day_count_get);
	put_varint(out, h->overflow);
	put_varint(out, h->future);
	if (h->overflow)
		put_varint(out, (uint64_t)h->max);
	return blob_end(out, start);
}

/* After the counts: overflow, future and max, consistent with them. */
static int day_hist_read_tail(struct day_hist *h, struct blob_reader *r,
			      const struct sparse_info *info)
{
	uint64_t total;

	h->overflow = rd_varint(r);
	h->future = rd_varint(r);
	h->max = info->last;
	if (h->overflow)
		h->max = (int64_t)rd_varint_max(r, INT64_MAX);
	if (!blob_done(r) || (h->overflow && h->max < SKETCH_MAX_DAYS) ||
	    __builtin_add_overflow(info->total, h->overflow, &total))
		return ST_ERR;
	return ST_OK;
}

int day_hist_deserialise(struct day_hist *h, const void *data, size_t len)
{
	struct blob_reader r;
	struct sparse_info info;
	int rc;

	day_hist_init(h);
	if (!blob_open(&r, data, len, 'h'))
		return ST_ERR;
	rc = rd_sparse(&r, h, SKETCH_MAX_DAYS, day_add_count_set, &info);
	if (!rc)
		rc = day_hist_read_tail(h, &r, &info);
	if (rc)
		day_hist_release(h);
	return rc;
}

/* --- len_hist ------------------------------------------------------------ */

void len_hist_init(struct len_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void len_hist_add(struct len_hist *h, size_t len)
{
	if (len < LEN_HIST_MAX) {
		h->counts[len]++;
	} else {
		h->overflow++;
		h->overflow_bytes = add_sat(h->overflow_bytes, len);
	}
	if (len > h->max)
		h->max = len;
}

void len_hist_merge(struct len_hist *dst, const struct len_hist *src)
{
	for (size_t i = 0; i < LEN_HIST_MAX; i++)
		dst->counts[i] = add_sat(dst->counts[i], src->counts[i]);
	dst->overflow = add_sat(dst->overflow, src->overflow);
	dst->overflow_bytes = add_sat(dst->overflow_bytes, src->overflow_bytes);
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t len_hist_count(const struct len_hist *h)
{
	uint64_t n = h->overflow;

	for (size_t i = 0; i < LEN_HIST_MAX; i++)
		n = add_sat(n, h->counts[i]);
	return n;
}

double len_hist_mean(const struct len_hist *h)
{
	uint64_t n = len_hist_count(h);
	double sum = (double)h->overflow_bytes;

	for (size_t i = 0; i < LEN_HIST_MAX; i++)
		sum += (double)i * (double)h->counts[i];
	return n ? sum / (double)n : 0.0;
}

uint64_t len_hist_max(const struct len_hist *h)
{
	return h->max;
}

static uint64_t len_count_get(const void *h, size_t i)
{
	return ((const struct len_hist *)h)->counts[i];
}

static int len_count_set(void *h, size_t i, uint64_t count)
{
	((struct len_hist *)h)->counts[i] = count;
	return ST_OK;
}

int len_hist_serialise(const struct len_hist *h, struct buf *out)
{
	size_t start = blob_begin(out, 'l');

	put_sparse(out, h, LEN_HIST_MAX, len_count_get);
	put_varint(out, h->overflow);
	if (h->overflow) {
		put_varint(out, h->overflow_bytes);
		put_varint(out, h->max);
	}
	return blob_end(out, start);
}

/* Lengths past the counts: o of them summing to bytes, the longest max,
 * so max + 256 (o - 1) <= bytes <= max * o. */
static bool overflow_consistent(uint64_t o, uint64_t bytes, uint64_t max)
{
	uint64_t low, high;

	if (max < LEN_HIST_MAX)
		return false;
	if (__builtin_mul_overflow(o - 1, (uint64_t)LEN_HIST_MAX, &low) ||
	    __builtin_add_overflow(low, max, &low) || bytes < low)
		return false;
	return __builtin_mul_overflow(max, o, &high) || bytes <= high;
}

int len_hist_deserialise(struct len_hist *h, const void *data, size_t len)
{
	struct blob_reader r;
	struct sparse_info info;
	uint64_t total;

	len_hist_init(h);
	if (!blob_open(&r, data, len, 'l') ||
	    rd_sparse(&r, h, LEN_HIST_MAX, len_count_set, &info))
		goto bad;
	h->overflow = rd_varint(&r);
	h->max = info.last < 0 ? 0 : (uint64_t)info.last;
	if (h->overflow) {
		h->overflow_bytes = rd_varint(&r);
		h->max = rd_varint(&r);
		if (!overflow_consistent(h->overflow, h->overflow_bytes,
					 h->max))
			goto bad;
	}
	if (!blob_done(&r) ||
	    __builtin_add_overflow(info.total, h->overflow, &total))
		goto bad;
	return ST_OK;
bad:
	len_hist_init(h);
	return ST_ERR;
}
