/*
 * sketch.h - bounded-memory summaries of one field's values.
 *
 * `steward scan` streams millions of rows and keeps, per field, a few
 * summaries whose size depends on the field, never on the number of rows:
 * how many distinct values (struct distinct), the most frequent values
 * (struct topk), a sample of value hashes for comparing two columns
 * (struct kmv), how old dates are (struct day_hist) and how long values are
 * (struct len_hist).  Value shapes ("Aaaa 9999") are computed here too so
 * that they can be counted with a topk.
 *
 * Every summary is mergeable, so two threads can profile halves of a file
 * and merge, and serialisable to a compact byte blob that the history
 * database stores and a later run reads back to compare months.  A blob is
 *     's', kind, version, payload, checksum
 * where kind is one byte ('d' distinct, 't' topk, 'k' kmv, 'h' day_hist,
 * 'l' len_hist), version is SKETCH_BLOB_VERSION, integers in the payload are
 * LEB128 varints or little-endian words, and the checksum is the low 32 bits
 * of sketch_hash() of everything before it, little-endian.  Decoding checks
 * every field and accepts only the one canonical encoding of a summary, so a
 * blob that decodes re-encodes to the same bytes, and equal summaries have
 * equal blobs.  Each deserialise function initialises its summary, returns
 * ST_ERR for a malformed blob (never reads outside it) and ST_ERR_NOMEM when
 * memory runs out; on failure the summary is left empty, so releasing it is
 * always safe.
 *
 * Hashes are stored, so sketch_hash() must give the same value on every
 * machine and in every version of steward: it is XXH64 with seed 0.
 *
 * Nothing here is thread-safe by itself: one thread owns one summary, and
 * merging reads the source without changing it.  Once a summary has reached
 * its largest size (distinct after 4097 values, day_hist after it has seen
 * each 256-day block that occurs), adding values allocates nothing.
 */
#ifndef STEWARD_SKETCH_H
#define STEWARD_SKETCH_H

#include "util/buf.h"

/* Blob format version; bump it when any encoding changes. */
#define SKETCH_BLOB_VERSION 1

/*
 * XXH64 (Yann Collet's xxHash, 64-bit, seed 0) of len bytes at data: fast,
 * well mixed in every bit (which HyperLogLog and KMV need), with published
 * test vectors.  Words are read little-endian (swapped on a big-endian
 * machine) and through memcpy, so the result does not depend on the
 * machine's byte order or the data's alignment.
 */
uint64_t sketch_hash(const void *data, size_t len);

/* Are n bytes at a and b the same?  Inline, a word at a time: the values
 * compared here are short, and a call to memcmp costs more than them. */
static inline bool sketch_bytes_equal(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	uint64_t x, y;

	for (; n >= 8; n -= 8, p += 8, q += 8) {
		memcpy(&x, p, 8);
		memcpy(&y, q, 8);
		if (x != y)
			return false;
	}
	while (n--)
		if (*p++ != *q++)
			return false;
	return true;
}

/*
 * The first 8 bytes of s (len of them, zero after) as a number that orders
 * as the bytes do (unsigned, a prefix before its extensions): when the keys
 * of two texts differ, so do the texts, in the same order.  Equal keys tell
 * nothing.  s has 8 readable bytes.
 */
static inline uint64_t sketch_prefix_key(const char *s, size_t len)
{
	uint64_t k;

	if (len == 0)
		return 0;
	memcpy(&k, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	k = __builtin_bswap64(k);
#else
	{
		const unsigned char *b = (const unsigned char *)s;

		k = 0;
		for (size_t i = 0; i < 8; i++)
			k = k << 8 | b[i];
	}
#endif
	return len < 8 ? k & ~(~(uint64_t)0 >> (8 * len)) : k;
}

/* --- shapes ------------------------------------------------------------ */

/* Characters of shape kept; longer values end in U+2026 '…'. */
#define SKETCH_SHAPE_MAX 32

/*
 * Append the shape of s to out: ASCII upper-case letters become 'A',
 * lower-case 'a', digits '9', every other ASCII byte is kept ("(415)
 * 555-0123" -> "(999) 999-9999").  Runs are not collapsed.  Outside ASCII,
 * Unicode categories decide (through util/utf8): a letter becomes 'A' when
 * it has a different lower-case form and 'a' otherwise (É -> A, ß -> a,
 * 中 -> a), a decimal digit becomes '9' (Arabic-Indic too), and anything else
 * (punctuation, symbols, spaces, combining marks) is kept as it is.  An
 * invalid byte becomes U+FFFD.  At most SKETCH_SHAPE_MAX characters are
 * written; if the value has more, '…' follows them.  Allocates only when
 * out must grow.
 */
void sketch_shape(const char *s, size_t len, struct buf *out);

/*
 * The hash the shape summaries count a shape by: a multiply-mix of the
 * shape zero-padded to SKETCH_SHAPE_MAX bytes when it is no longer, so that
 * sketch_shape_padded() can compute it without a loop; sketch_hash() of
 * longer shapes.  Shape hashes are never stored.
 */
uint64_t sketch_shape_hash(const char *shape, size_t len);

/*
 * Bytes readable from the start of every value handed to
 * sketch_shape_padded(): in the profiler's batches and mapped values, at
 * least this many bytes are readable from the start of each value
 * (batch.c, util/arena.c).
 */
#define SKETCH_PAD SKETCH_SHAPE_MAX

/*
 * The shape and its sketch_shape_hash() of a value of at most
 * SKETCH_SHAPE_MAX ASCII bytes, for which sketch_shape() would write one
 * byte per byte: the bytes are classified SKETCH_PAD at a time, with no
 * loop and no branch on the value's length (about four times faster on
 * names and addresses, whose varying lengths defeat branch prediction).
 * s must have SKETCH_PAD readable bytes; those past len are ignored.
 * Writes SKETCH_PAD bytes to out, the shape in the first len.  Returns
 * false, writing nothing, for any other value: use sketch_shape().
 */
bool sketch_shape_padded(const char *s, size_t len, char *out, uint64_t *hash);

/* --- distinct values --------------------------------------------------- */

/* Up to this many distinct hashes are kept exactly. */
#define DISTINCT_EXACT_MAX 4096
/* HyperLogLog precision: 2^14 one-byte registers (16 KiB). */
#define DISTINCT_HLL_P 14
#define DISTINCT_HLL_M (1u << DISTINCT_HLL_P)

/*
 * A distinct count of 64-bit value hashes: exact (an open-addressing set of
 * the hashes) up to DISTINCT_EXACT_MAX, then HyperLogLog with 2^14 registers
 * (standard error 1.04 / sqrt(2^14) = 0.81%) fed by the same hashes.  The
 * set holds at most 8192 slots (64 KiB) and is freed when the registers
 * take over.
 */
struct distinct {
	uint64_t *set;		/* exact: open addressing; 0 = empty slot */
	size_t cap;		/* slots in set: 0 or a power of two */
	size_t n;		/* non-zero hashes in set */
	bool has_zero;		/* hash 0 seen (it cannot live in set) */
	uint8_t *regs;		/* HyperLogLog registers; NULL while exact */
};

/* Empty and exact; allocates nothing. */
void distinct_init(struct distinct *d);
void distinct_release(struct distinct *d);

/* Count a value by its sketch_hash().  ST_ERR_NOMEM leaves d unchanged. */
int distinct_add_hash(struct distinct *d, uint64_t hash) MUST_CHECK;

/* Add src's values to dst.  The result is the sketch of the union: the
 * same set, or (once past the exact limit) the same registers, as adding
 * every value to one sketch.  ST_ERR_NOMEM leaves dst counting a subset. */
int distinct_merge(struct distinct *dst, const struct distinct *src) MUST_CHECK;

/* The count: exact, or HyperLogLog's estimate by Ertl's improved
 * estimator (2017), which behaves like linear counting for small counts
 * and, unlike the classic raw estimate with a switch to linear counting at
 * 2.5 * 2^14, has no 3% bias bump between 2.5 and 5 times 2^14. */
uint64_t distinct_estimate(const struct distinct *d);
bool distinct_is_exact(const struct distinct *d);
/* Standard error relative to the count: 0 while exact, else 0.0081. */
double distinct_relative_error(const struct distinct *d);

/* Payload: mode 0, varint count, the hashes ascending as 8-byte words; or
 * mode 1, p, the registers packed 6 bits each (12 KiB). */
int distinct_serialise(const struct distinct *d, struct buf *out) MUST_CHECK;
int distinct_deserialise(struct distinct *d, const void *data, size_t len)
	MUST_CHECK;

/* --- most frequent values ---------------------------------------------- */

/* Bytes of a value kept in a topk (a longer value is counted by its first
 * bytes, cut at a character boundary, and flagged as truncated). */
#define SKETCH_VALUE_MAX 64
/* Most counters a topk may have: bounds memory and blob validation. */
#define TOPK_MAX_K 1024

/*
 * One counter.  Space-Saving guarantees, for the value it holds,
 *     count - error <= true count <= count.
 * The value's key is its kept bytes plus the truncated flag: a value of
 * exactly 64 bytes and its longer extensions are counted apart, and all
 * values sharing their first 64 bytes are counted together.
 */
struct topk_entry {
	uint64_t count;		/* upper bound of the true count */
	uint64_t error;		/* overestimate bound; 0 = exact */
	uint64_t hash;		/* of the key (internal) */
	uint16_t pos;		/* place in the order (internal) */
	uint8_t len;		/* bytes in value */
	bool truncated;		/* value is the start of a longer one */
	char value[SKETCH_VALUE_MAX + 1]; /* NUL-terminated copy */
};

/*
 * Space-Saving (Metwally, Agrawal and El Abbadi, 2005) with k counters,
 * filtered (Homem and Carvalho, "Finding top-k elements in data streams",
 * 2010).  Counts are exact until a k+1-th distinct value arrives.  After
 * that, a value not held adds one to its bucket in a small array of
 * counters (alpha, indexed by its hash), and only when that bucket has
 * caught up with the smallest count does the value take over the smallest
 * counter, with the bucket's count as its error, while the evicted value's
 * count goes to its own bucket.  Each bucket bounds the true count of every
 * value not held that hashes to it and never exceeds the smallest count,
 * so the guarantees are Space-Saving's (plain Space-Saving is the case of
 * every bucket at the smallest count), the estimates are tighter, and on a
 * column of mostly unique values nearly every add is a hash probe and an
 * increment instead of an eviction.  A small hash index finds a value's
 * counter in O(1), and the counters are kept in ascending order of count
 * (Metwally's Stream-Summary, in an array): the smallest is first, and
 * raising a count by one swaps the counter past the others of the same
 * count.
 */
struct topk {
	struct topk_entry *entries;	/* k slots, n used, never moved */
	struct topk_entry *sorted;	/* k slots: topk_sorted()'s answer */
	uint16_t *order;	/* entry ids, ascending by count */
	uint64_t *ocount;	/* their counts, in that order */
	uint32_t *index;	/* by hash, linear probing: id + 1 in the low
				 * 16 bits (0 empty), the hash's top 16 bits
				 * above, so a probe rarely touches an entry */
	uint64_t *alpha;	/* the filter's buckets */
	size_t k, n, mask;	/* mask: index slots - 1 */
	size_t alpha_mask;	/* buckets - 1 */
	size_t last;		/* the counter of the last value, a hint */
	uint64_t total;		/* values added, in all counters or not */
};

/* k counters, 1 <= k <= TOPK_MAX_K (else ST_ERR).  Allocates all the
 * memory the topk will use.  On failure t is released. */
int topk_init(struct topk *t, size_t k) MUST_CHECK;
void topk_release(struct topk *t);
/* Empty t, keeping its memory. */
void topk_clear(struct topk *t);

/* Count one value. */
void topk_add(struct topk *t, const char *value, size_t len);
/* The same, when the caller already has the value's hash: saves hashing
 * it again (values longer than SKETCH_VALUE_MAX are still hashed, by their
 * kept bytes).  Every value a summary counts must be hashed the same way:
 * sketch_hash() for values (what topk_add() and a summary read back from
 * a blob use), or sketch_shape_hash() for a summary of shapes, which is
 * never stored as a blob nor merged with one. */
void topk_add_hashed(struct topk *t, const char *value, size_t len,
		     uint64_t hash);

/*
 * Merge src into dst (Agarwal et al., "Mergeable summaries", for
 * Space-Saving): each value's counts and errors are added; a value missing
 * from a full summary gets that summary's smallest count added to both its
 * count and its error (its true count there is at most that); the k largest
 * counts are kept (ties by value bytes).  The bounds above still hold for
 * the combined stream.  The two k may differ: dst keeps its own (a larger
 * src summary gives tighter counts).  ST_ERR_NOMEM when out of memory;
 * dst is unchanged on failure.
 */
int topk_merge(struct topk *dst, const struct topk *src) MUST_CHECK;

/*
 * Set *out to the t->n counters sorted by count descending, then value
 * bytes ascending, untruncated first, and return t->n.  The array belongs
 * to t (its `sorted` scratch, so nothing is allocated) and stays valid
 * until t changes or is released.  Because it rewrites that scratch, two
 * threads must not call this (or topk_serialise) on one topk at once.
 */
size_t topk_sorted(const struct topk *t, const struct topk_entry **out);

/* Payload: varints k, n, total, then each counter in sorted order: a byte
 * of length (bit 7: truncated), the bytes, varints count and error. */
int topk_serialise(const struct topk *t, struct buf *out) MUST_CHECK;
int topk_deserialise(struct topk *t, const void *data, size_t len)
	MUST_CHECK;

/* --- overlap of two value sets ----------------------------------------- */

/* Hashes a KMV keeps. */
#define KMV_K 256

/*
 * The KMV (k minimum values, bottom-k) sketch: the KMV_K smallest distinct
 * value hashes.  Since hashes are uniform, the hashes below any threshold
 * are a uniform sample of the set, so two sketches compare two columns
 * ("'phone' holds 97% of 'phone_number's values").  While fewer than KMV_K
 * distinct values have been seen it holds them all and everything is exact.
 * Holds no heap memory: there is no release.
 */
struct kmv {
	size_t n;		/* hashes kept */
	uint64_t h[KMV_K];	/* the n smallest distinct hashes, ascending */
};

void kmv_init(struct kmv *m);
void kmv_add_hash(struct kmv *m, uint64_t hash);
/* dst becomes exactly the sketch of the union. */
void kmv_merge(struct kmv *dst, const struct kmv *src);
/* True when every distinct value is kept (n < KMV_K). */
bool kmv_is_exact(const struct kmv *m);
/* Distinct count: n while exact, else (k - 1) / (largest kept / 2^64),
 * standard error about 1 / sqrt(k - 2) = 6.3%. */
uint64_t kmv_estimate(const struct kmv *m);

/*
 * |A ∩ B| / |A|, in [0, 1].  Let t be the smaller of the two largest kept
 * hashes (a sketch that is exact counts as having kept everything): below
 * t both sketches are complete, so the fraction of A's kept hashes up to t
 * that B also holds estimates the containment from a uniform sample of A
 * (about k values when the sets are of similar size: standard error about
 * sqrt(c (1 - c) / k), 1.1 points at c = 97%).  Exact when both sketches
 * are exact.  0 when A is empty; -1 ("cannot tell") when no kept hash of A
 * is at most t, which happens when A is tiny next to a huge B.
 */
double kmv_containment(const struct kmv *a, const struct kmv *b);
/* |A ∩ B| / |A ∪ B| by the same threshold, 0 when both are empty; exact
 * when both sketches are exact. */
double kmv_jaccard(const struct kmv *a, const struct kmv *b);

/* Payload: varint n, then the hashes as varint gaps (the first hash, then
 * each minus the previous minus one). */
int kmv_serialise(const struct kmv *m, struct buf *out) MUST_CHECK;
int kmv_deserialise(struct kmv *m, const void *data, size_t len) MUST_CHECK;

/* --- ages in days ------------------------------------------------------ */

/* Ages counted day by day: 0 .. 100 years (of 365.25 days) - 1. */
#define SKETCH_MAX_DAYS 36525
/* Days per block; a block (2 KiB) is allocated when a day in it is seen,
 * so ten years of dates cost 30 KiB and the worst case is 286 KiB. */
#define DAY_HIST_BLOCK 256
#define DAY_HIST_BLOCKS \
	((SKETCH_MAX_DAYS + DAY_HIST_BLOCK - 1) / DAY_HIST_BLOCK)

/*
 * Exact counts of ages in whole days (reference day minus the value's
 * date), so quantiles are exact.  Ages of SKETCH_MAX_DAYS or more are only
 * counted (with the largest kept); negative ages (dates after the reference
 * day) are counted apart and take part in nothing else.
 */
struct day_hist {
	uint64_t *blocks[DAY_HIST_BLOCKS]; /* NULL until a day in it is seen */
	uint64_t overflow;	/* ages >= SKETCH_MAX_DAYS */
	uint64_t future;	/* negative ages */
	int64_t max;		/* largest non-negative age; -1 when none */
};

/* Empty; allocates nothing. */
void day_hist_init(struct day_hist *h);
void day_hist_release(struct day_hist *h);
/* Count one age.  ST_ERR_NOMEM (a new block) leaves h unchanged. */
int day_hist_add(struct day_hist *h, int64_t days) MUST_CHECK;
/* ST_ERR_NOMEM leaves dst holding part of src. */
int day_hist_merge(struct day_hist *dst, const struct day_hist *src)
	MUST_CHECK;
/* Take away the ages of part, which h must hold: every count of part at
 * most h's, and part without overflow or negative ages (else ST_ERR and h
 * unchanged).  The largest age is found again. */
int day_hist_subtract(struct day_hist *h, const struct day_hist *part)
	MUST_CHECK;
/* Non-negative ages counted (the quantiles' population). */
uint64_t day_hist_count(const struct day_hist *h);
/*
 * The q-quantile (q clamped to [0, 1]) of the non-negative ages: the
 * smallest d such that at least ceil(q * n) ages are <= d (at least one),
 * so the median of 1..10 is 5 and q = 1 gives the largest.  When that rank
 * falls among the overflow ages, SKETCH_MAX_DAYS ("100 years or more").
 * -1 when there are no ages.  q * n is computed in double precision and
 * a relative 1e-12 above an integer counts as that integer.
 */
int64_t day_hist_quantile(const struct day_hist *h, double q);
/* Largest non-negative age, -1 when none. */
int64_t day_hist_max(const struct day_hist *h);
/* Non-negative ages greater than days (all of them when days < 0).  For
 * days >= SKETCH_MAX_DAYS the overflow ages are counted when the largest
 * age is greater than days: an upper bound. */
uint64_t day_hist_count_older_than(const struct day_hist *h, int64_t days);

/* Payload: varint number of days counted, then for each day ascending the
 * gap from the previous (the first day, then day - previous - 1) and the
 * count, then overflow, future, and max when overflow is not 0. */
int day_hist_serialise(const struct day_hist *h, struct buf *out) MUST_CHECK;
int day_hist_deserialise(struct day_hist *h, const void *data, size_t len)
	MUST_CHECK;

/* --- lengths in bytes -------------------------------------------------- */

/* Lengths counted one by one: 0 .. 255 bytes. */
#define LEN_HIST_MAX 256

/* Counts of value lengths in bytes; longer ones are counted and summed.
 * Holds no heap memory: there is no release. */
struct len_hist {
	uint64_t counts[LEN_HIST_MAX];
	uint64_t overflow;	/* lengths >= LEN_HIST_MAX */
	uint64_t overflow_bytes; /* their total length, for the mean */
	uint64_t max;		/* longest length; 0 when none */
};

void len_hist_init(struct len_hist *h);
void len_hist_add(struct len_hist *h, size_t len);
void len_hist_merge(struct len_hist *dst, const struct len_hist *src);
uint64_t len_hist_count(const struct len_hist *h);
/* Mean length in bytes, 0 when empty. */
double len_hist_mean(const struct len_hist *h);
uint64_t len_hist_max(const struct len_hist *h);

/* Payload: as day_hist's for lengths 0..255, then overflow, and when it is
 * not 0 overflow_bytes and max. */
int len_hist_serialise(const struct len_hist *h, struct buf *out) MUST_CHECK;
int len_hist_deserialise(struct len_hist *h, const void *data, size_t len)
	MUST_CHECK;

#endif
