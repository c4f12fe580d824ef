/*
 * csv.c - the streaming CSV tokenizer.  See csv.h for the rules it follows.
 *
 * How it is fast.  Input arrives in 1 MiB reads.  Unquoted fields (nearly
 * all of them) are found 64 bytes at a time: SSE2 compares, or 8-byte word
 * tricks where SSE2 is missing, turn a block into a bit mask of its
 * delimiters, quotes and LFs, and each field then costs a count of
 * trailing zeros and a few stores.  A quoted field with no quote or line
 * break inside is read from the same masks; the others are searched for
 * the next quote or LF, 32 bytes a step.  UTF-8 checking stays off that
 * path: each read is scanned once, 64 bytes a step, for the first byte
 * >= 0x80 or NUL ("weird"), and only a field that contains one is checked,
 * so ASCII text costs one fast extra pass.  (Marking weird bytes in the
 * field masks instead measured slower: it adds work to every field.)
 * Fields are pointers into the buffer, NUL-terminated where the delimiter
 * was; doubled quotes are unescaped by sliding the rest of the field left,
 * which never needs more room.
 *
 * How it resumes.  The parser is a small state machine (start of field,
 * unquoted, quoted, just past a quote, text after a closing quote) whose
 * position is saved in the reader whenever the buffered input runs out;
 * refilling never rescans.  A record is kept contiguous: at each refill the
 * unfinished record moves to the front of the buffer, and the buffer
 * doubles only when one record fills it.
 *
 * How it stays bounded.  Limits are checked on input bytes (offsets into
 * the input), which do not depend on what is buffered.  When a field or
 * record is sure to be emptied for its length, its buffered bytes are
 * thrown away at each refill (reader_discard), so a 1 GB field costs a
 * block of memory, not a gigabyte.  Because every decision depends only on
 * input offsets, any block size gives the same records; the unit tests and
 * the fuzzer check exactly that.
 */
#include <errno.h>
#include <unistd.h>

#if defined(__SSE2__) && !defined(CSV_PORTABLE)
#define CSV_SSE2 1
#include <emmintrin.h>
#else
#define CSV_SSE2 0
#endif

#include "source/csv.h"

/* Bytes after the buffer that vector loads may read and that hold the NUL
 * after a final field. */
#define PAD 64

enum parse_state {
	PS_START,	/* before a field: skip spaces, maybe open a quote */
	PS_UNQUOTED,	/* in an unquoted field */
	PS_QUOTED,	/* in a quoted field */
	PS_QUOTE_SEEN,	/* past a quote in a quoted field, next byte unread */
	PS_TAIL		/* text after a closing quote */
};

/* What a parse step ended with. */
enum step {
	STEP_MORE,	/* the buffered input is used up (pos == len) */
	STEP_SWITCH,	/* the state changed; go on */
	STEP_RECORD,	/* a record ended at a line break */
	STEP_BLANK,	/* an empty line was skipped */
	STEP_NOMEM
};

/* The three bytes a search stops at (repeat one to search for fewer). */
struct scan_set {
#if CSV_SSE2
	__m128i a, b, c;
#else
	uint64_t a, b, c;
#endif
};

struct csv_reader {
	/* Input: a file descriptor, or memory handed out in blocks. */
	int fd;
	const char *mem;
	size_t mem_len, mem_off;
	bool ranged;		/* fd is read with pread(2) from at, left bytes */
	uint64_t at, left;
	bool started;		/* the byte order mark was looked for */
	bool eof;		/* the input has no more bytes */
	bool done;		/* ... and its last record was returned */
	bool cut;		/* ... and it ended inside a record */
	int err;		/* sticky failure, ST_ERR or ST_ERR_NOMEM */
	int err_errno;
	char errmsg[160];

	/* Options, resolved. */
	char delim, quote;
	bool quoting, skip_space;
	size_t max_field, max_record, max_columns, chunk;
	struct scan_set plain, quoted, tail;

	/*
	 * buf holds cap bytes of which len are input, then PAD spare bytes.
	 * origin + x is the input offset of buffer byte x, for every x at or
	 * after the last discard point (reader_discard moves origin on).
	 */
	char *buf;
	size_t cap, len, pos;
	uint64_t origin;
	uint64_t line;		/* physical line at pos */
	/* Offset of the first byte >= 0x80 or NUL at or after the end of the
	 * last field, or len if there is none in the buffer. */
	size_t weird;

	/* The record being read; its fields point into buf or at empty. */
	struct csv_record rec;
	size_t fcap;
	size_t fast_max;	/* min(fcap, max_columns): see field_fast */
	size_t extra;		/* columns dropped past max_columns */
	size_t rec_start;	/* buffer offset of the record's first byte */
	bool rdrop;		/* the record is too long: keep none of it */

	/* parse_plain's search: the block at mbase, and the bits of it not
	 * yet consumed (valid until the buffer changes or a quote opens). */
	size_t mbase;
	uint64_t mbits;
	bool mvalid;

	/*
	 * The field being read.  Its text so far is buf[fs..w); the input
	 * from seg to pos is still to be appended to it (slid left over the
	 * quotes that unescaping removed).
	 */
	enum parse_state state;
	size_t fs, seg, w;
	uint64_t fs_abs;	/* input offset where the field starts */
	uint64_t fline;		/* line where the field starts */
	uint64_t tail_abs;	/* input offset just past the closing quote */
	uint64_t qline;		/* line of the closing quote */

	char empty[1];		/* what emptied fields point at */
};

/* --- searching ------------------------------------------------------- */

#if CSV_SSE2

static void scan_set_init(struct scan_set *s, char a, char b, char c)
{
	s->a = _mm_set1_epi8(a);
	s->b = _mm_set1_epi8(b);
	s->c = _mm_set1_epi8(c);
}

static inline unsigned scan_mask(const struct scan_set *s, const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, s->a),
				 _mm_cmpeq_epi8(v, s->b));

	m = _mm_or_si128(m, _mm_cmpeq_epi8(v, s->c));
	return (unsigned)_mm_movemask_epi8(m);
}

/*
 * Offset of the first byte at or after pos that is in the set, or len.
 * May read up to 31 bytes past len, into the padding.
 */
static inline size_t scan_find(const struct scan_set *s, const char *buf,
			       size_t pos, size_t len)
{
	while (pos < len) {
		unsigned bits = scan_mask(s, buf + pos);

		bits |= scan_mask(s, buf + pos + 16) << 16;
		if (bits) {
			pos += (size_t)__builtin_ctz(bits);
			return pos < len ? pos : len;
		}
		pos += 32;
	}
	return len;
}

/* Bit i set if p[i] is in the set, for the 64 bytes at p. */
static inline uint64_t scan_mask64(const struct scan_set *s, const char *p)
{
	return (uint64_t)scan_mask(s, p) |
	       (uint64_t)scan_mask(s, p + 16) << 16 |
	       (uint64_t)scan_mask(s, p + 32) << 32 |
	       (uint64_t)scan_mask(s, p + 48) << 48;
}

/*
 * Offset of the first byte >= 0x80 or NUL in buf[pos..len), or len.  Runs
 * over ASCII text 64 bytes at a time; padding NULs past len only stop the
 * fast loop early.
 */
static size_t scan_weird(const char *buf, size_t pos, size_t len)
{
	const __m128i zero = _mm_setzero_si128();

	while (pos < len) {
		const __m128i *p = (const __m128i *)(buf + pos);
		__m128i v0 = _mm_loadu_si128(p), v1 = _mm_loadu_si128(p + 1);
		__m128i v2 = _mm_loadu_si128(p + 2);
		__m128i v3 = _mm_loadu_si128(p + 3);
		__m128i any = _mm_or_si128(_mm_or_si128(v0, v1),
					   _mm_or_si128(v2, v3));
		__m128i low = _mm_min_epu8(_mm_min_epu8(v0, v1),
					   _mm_min_epu8(v2, v3));

		if (_mm_movemask_epi8(any) |
		    _mm_movemask_epi8(_mm_cmpeq_epi8(low, zero)))
			break;
		pos += 64;
	}
	while (pos < len) {
		__m128i v = _mm_loadu_si128((const __m128i *)(buf + pos));
		unsigned bits = (unsigned)_mm_movemask_epi8(v) |
			(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero));

		if (bits) {
			pos += (size_t)__builtin_ctz(bits);
			return pos < len ? pos : len;
		}
		pos += 16;
	}
	return len;
}

#else /* word at a time */

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* 0x80 in each byte of v that is zero and nowhere else: no borrow runs
 * between bytes, so it holds in either byte order. */
static inline uint64_t word_zeros(uint64_t v)
{
	return ~(((v & ~HIGHS) + ~HIGHS) | v | ~HIGHS);
}

/* Index of the first flagged byte of a nonzero mask, in memory order. */
static inline size_t word_first(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(m) / 8;
#else
	return (size_t)__builtin_ctzll(m) / 8;
#endif
}

static void scan_set_init(struct scan_set *s, char a, char b, char c)
{
	s->a = ONES * (unsigned char)a;
	s->b = ONES * (unsigned char)b;
	s->c = ONES * (unsigned char)c;
}

static inline size_t scan_find(const struct scan_set *s, const char *buf,
			       size_t pos, size_t len)
{
	while (pos < len) {
		uint64_t v, m;

		memcpy(&v, buf + pos, 8);
		m = word_zeros(v ^ s->a) | word_zeros(v ^ s->b) |
		    word_zeros(v ^ s->c);
		if (m) {
			pos += word_first(m);
			return pos < len ? pos : len;
		}
		pos += 8;
	}
	return len;
}

static inline uint64_t scan_mask64(const struct scan_set *s, const char *p)
{
	uint64_t mask = 0;

	for (int i = 0; i < 8; i++) {
		uint64_t v, m;

		memcpy(&v, p + 8 * i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		v = __builtin_bswap64(v);
#endif
		m = word_zeros(v ^ s->a) | word_zeros(v ^ s->b) |
		    word_zeros(v ^ s->c);
		/* Gather the eight flag bits into one byte (no carries: the
		 * partial products never overlap). */
		mask |= ((m >> 7) * 0x0102040810204080ull >> 56) << (8 * i);
	}
	return mask;
}

static size_t scan_weird(const char *buf, size_t pos, size_t len)
{
	while (pos < len) {
		uint64_t v, m;

		memcpy(&v, buf + pos, 8);
		m = (v & HIGHS) | word_zeros(v);
		if (m) {
			pos += word_first(m);
			return pos < len ? pos : len;
		}
		pos += 8;
	}
	return len;
}

#endif

/* --- checking text --------------------------------------------------- */

/*
 * Length of the UTF-8 sequence at s, or 0 if it is not a valid one: no
 * overlong forms, no surrogates, nothing above U+10FFFF (Unicode 15,
 * table 3-7).
 */
static size_t utf8_length(const unsigned char *s, size_t avail)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (c == 0xED)
			hi = 0x9F;	/* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;	/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	}
	return n;
}

/* True if the 8 bytes at s are ASCII without NUL. */
static inline bool text_plain8(const unsigned char *s)
{
	uint64_t v;

	memcpy(&v, s, 8);
	return !((v & 0x8080808080808080ull) |
		 ((v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull));
}

/*
 * CSV_F_INVALID_UTF8 and CSV_F_NUL_BYTE for s[0..n); *first is the offset
 * of the first problem.
 */
static unsigned text_check(const unsigned char *s, size_t n, size_t *first)
{
	unsigned flags = 0, bad;
	size_t i = 0, k;

	*first = n;
	while (i < n) {
		if (i + 8 <= n && text_plain8(s + i)) {
			i += 8;
			continue;
		}
		if (s[i] >= 0x01 && s[i] < 0x80) {
			i++;
			continue;
		}
		k = s[i] ? utf8_length(s + i, n - i) : 0;
		if (k) {
			i += k;
			continue;
		}
		bad = s[i] ? CSV_F_INVALID_UTF8 : CSV_F_NUL_BYTE;
		if (!flags)
			*first = i;
		flags |= bad;
		if (flags == (CSV_F_INVALID_UTF8 | CSV_F_NUL_BYTE))
			break;
		i++;
	}
	return flags;
}

/* --- records and fields ---------------------------------------------- */

/* The first problem of a record is the one whose position is reported. */
static void record_flag(struct csv_reader *r, unsigned flags, size_t col,
			uint64_t line)
{
	if (!r->rec.flags) {
		r->rec.bad_col = col;
		r->rec.bad_line = line;
	}
	r->rec.flags |= flags;
}

/* The column being read: rec.columns is only set when the record ends,
 * which keeps one counter out of the hot loop. */
static inline size_t record_col(const struct csv_reader *r)
{
	return r->rec.n + r->extra;
}

static void record_empty(struct csv_reader *r)
{
	for (size_t i = 0; i < r->rec.n; i++) {
		r->rec.fields[i].data = r->empty;
		r->rec.fields[i].len = 0;
	}
}

static void record_begin(struct csv_reader *r)
{
	struct csv_record *rec = &r->rec;

	rec->n = 0;
	rec->columns = 0;
	r->extra = 0;
	rec->line = r->line;
	rec->end_line = r->line;
	rec->offset = r->origin + r->pos;
	rec->flags = 0;
	rec->bad_col = 0;
	rec->bad_line = 0;
	r->rec_start = r->pos;
	r->rdrop = false;
	r->state = PS_START;
}

/* The line break at the current line ends the record. */
static void record_end_line(struct csv_reader *r)
{
	r->rec.end_line = r->line;
	r->line++;
}

static void field_begin(struct csv_reader *r, size_t at)
{
	r->fs_abs = r->origin + at;
	r->fline = r->line;
}

/* Count LFs in s[0..n), for the line of a problem inside a field. */
static uint64_t count_lines(const char *s, size_t n)
{
	uint64_t lines = 0;
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines;
}

static void field_check(struct csv_reader *r, const char *data, size_t n,
			size_t col)
{
	size_t first;
	unsigned flags = text_check((const unsigned char *)data, n, &first);

	if (flags)
		record_flag(r, flags, col, r->fline + count_lines(data, first));
}

static int field_store(struct csv_reader *r, char *data, size_t n,
		       bool quoted)
{
	struct csv_field *f;

	if (r->rec.n == r->fcap) {
		if (xgrow(&r->rec.fields, &r->fcap, r->rec.n + 1, sizeof(*f)))
			return ST_ERR_NOMEM;
		r->fast_max = r->fcap < r->max_columns ? r->fcap
						       : r->max_columns;
	}
	f = &r->rec.fields[r->rec.n++];
	f->data = data;
	f->len = n;
	f->quoted = quoted;
	return ST_OK;
}

/*
 * End the field whose text is data[0..n) and whose input ends at buffer
 * offset fe (exclusive, without a CR stripped before LF): apply the limits,
 * store it, check its text.  The limits are judged on input offsets so that
 * they do not depend on what happened to be buffered.
 */
static int field_end(struct csv_reader *r, char *data, size_t n, bool quoted,
		     size_t fe)
{
	struct csv_record *rec = &r->rec;
	size_t col = record_col(r);
	uint64_t fe_abs = r->origin + fe;
	bool keep = true;

	if (fe_abs - rec->offset > r->max_record) {
		if (!(rec->flags & CSV_F_RECORD_TOO_LONG)) {
			record_flag(r, CSV_F_RECORD_TOO_LONG, col, r->fline);
			record_empty(r);
		}
		r->rdrop = true;
		keep = false;
	}
	if (col >= r->max_columns) {
		record_flag(r, CSV_F_TOO_MANY_COLUMNS, col, r->fline);
		r->extra++;
		keep = false;
	} else {
		if (keep && fe_abs - r->fs_abs > r->max_field) {
			record_flag(r, CSV_F_FIELD_TOO_LONG, col, r->fline);
			keep = false;
		}
		if (keep)
			data[n] = '\0';
		if (field_store(r, keep ? data : r->empty, keep ? n : 0,
				quoted) < 0)
			return ST_ERR_NOMEM;
	}
	if (r->weird < fe) {
		if (keep)
			field_check(r, data, n, col);
		r->weird = scan_weird(r->buf, fe < r->len ? fe + 1 : r->len,
				      r->len);
	}
	return ST_OK;
}

/* Append the input from seg to `to` to the field's text. */
static void field_move(struct csv_reader *r, size_t to)
{
	size_t n = to - r->seg;

	if (r->w != r->seg)
		memmove(r->buf + r->w, r->buf + r->seg, n);
	r->w += n;
	r->seg = to;
}

/* --- the state machine ----------------------------------------------- */

static void quoted_begin(struct csv_reader *r, size_t at)
{
	field_begin(r, at);
	r->fs = r->seg = r->w = r->pos = at + 1;
	r->state = PS_QUOTED;
}

/* An empty line: nothing but maybe a CR before the LF at t. */
static bool line_is_blank(const struct csv_reader *r, size_t fs, size_t end,
			  size_t t)
{
	return record_col(r) == 0 && end == fs &&
	       r->fs_abs == r->rec.offset && r->origin + t - r->fs_abs <= 1;
}

/*
 * The first field end (buffer offset) that field_fast must not handle: one
 * past the next non-ASCII byte, or past the end allowed by max_record.
 */
static size_t field_fast_stop(const struct csv_reader *r)
{
	uint64_t most = r->rec.offset + r->max_record + 1;
	size_t stop = r->weird + 1;

	if (most <= r->origin)
		return 0;
	return most - r->origin < stop ? (size_t)(most - r->origin) : stop;
}

/*
 * Store a field ending at fe, with raw input bytes, if nothing about it
 * needs a second look (limits, non-ASCII text, a full array); false sends
 * it to field_end.
 */
static inline bool field_fast(struct csv_reader *r, char *data, size_t n,
			      bool quoted, size_t fe, uint64_t raw,
			      size_t stop)
{
	struct csv_record *rec = &r->rec;
	struct csv_field *f;

	if (fe >= stop || rec->n >= r->fast_max || raw > r->max_field)
		return false;
	f = &rec->fields[rec->n++];
	data[n] = '\0';
	f->data = data;
	f->len = n;
	f->quoted = quoted;
	return true;
}

/* Bits of the set in the 64 bytes at base, none at or past len. */
static inline uint64_t block_mask(const struct scan_set *s, const char *buf,
				  size_t base, size_t len)
{
	uint64_t bits = scan_mask64(s, buf + base);

	return len - base < 64 ? bits & ((1ull << (len - base)) - 1) : bits;
}

/*
 * Where parse_plain's search resumes: the 64-byte block it stopped in, with
 * the bits before pos cleared, or a fresh block at pos.
 */
static void block_resume(const struct csv_reader *r, size_t pos,
			 size_t *base, uint64_t *bits)
{
	if (r->mvalid && pos >= r->mbase && pos - r->mbase < 64) {
		*base = r->mbase;
		*bits = r->mbits & (~0ull << (pos - r->mbase));
	} else {
		*base = pos;
		*bits = 0;
		if (pos < r->len)
			*bits = block_mask(&r->plain, r->buf, pos, r->len);
	}
}

/* parse_plain ran out of input, inside a field or before one. */
static int plain_more(struct csv_reader *r, bool in_field, size_t fs,
		      uint64_t fstart)
{
	r->pos = r->len;
	r->mvalid = false;
	r->state = in_field ? PS_UNQUOTED : PS_START;
	if (in_field) {
		r->fs = fs;
		r->fs_abs = fstart;
		r->fline = r->line;
	}
	return STEP_MORE;
}

/*
 * End the field that started at fs (input offset fstart) at end, the
 * delimiter or LF (or the CR before it).  qend is the offset of the closing
 * quote of a field that quoted_fast read, else 0.
 */
static inline int plain_end(struct csv_reader *r, size_t fs, uint64_t fstart,
			    size_t qend, size_t end, size_t *stop)
{
	char *data = r->buf + fs;
	size_t fe = qend ? qend + 1 : end, n = (qend ? qend : end) - fs;

	if (field_fast(r, data, n, qend != 0, fe, r->origin + fe - fstart,
		       *stop))
		return ST_OK;
	r->fs_abs = fstart;
	r->fline = r->line;
	if (field_end(r, data, n, qend != 0, fe) < 0)
		return ST_ERR_NOMEM;
	*stop = field_fast_stop(r);
	return ST_OK;
}

/* The LF at t ends the field that started at fs. */
static int plain_line_end(struct csv_reader *r, size_t fs, uint64_t fstart,
			  size_t qend, size_t t, size_t *stop)
{
	char *buf = r->buf;
	size_t end = !qend && t > fs && buf[t - 1] == '\r' ? t - 1 : t;

	r->pos = t + 1;
	r->state = PS_START;
	r->fs_abs = fstart;
	if (!qend && line_is_blank(r, fs, end, t)) {
		record_end_line(r);
		return STEP_BLANK;
	}
	if (plain_end(r, fs, fstart, qend, end, stop) < 0)
		return STEP_NOMEM;
	record_end_line(r);
	return STEP_RECORD;
}

/*
 * The common quoted field, found with the block masks: no quote or LF
 * inside, and a delimiter, LF or CRLF right after the closing quote.  The
 * opening quote is at q0, the first bit of the search.  Returns the offset
 * of the closing quote with *base and *hits moved past it, or 0 (nothing
 * changed) to leave the field to parse_quoted.
 */
static inline size_t quoted_fast(const struct csv_reader *r,
				 const struct scan_set *set, size_t q0,
				 size_t *base, uint64_t *hits)
{
	const char *buf = r->buf;
	size_t b = *base, len = r->len, t;
	uint64_t h = *hits;
	bool open = true;

	for (;;) {
		while (!h) {
			b += 64;
			if (b >= len)
				return 0;
			h = block_mask(set, buf, b, len);
		}
		t = b + (size_t)__builtin_ctzll(h);
		h &= h - 1;
		if (open) {
			if (t != q0)	/* cannot happen: q0 is the next hit */
				return 0;
			open = false;
			continue;
		}
		if (buf[t] == r->quote)
			break;
		if (buf[t] == '\n')
			return 0;
	}
	if (t + 2 >= len)
		return 0;
	if (buf[t + 1] != r->delim && buf[t + 1] != '\n' &&
	    (buf[t + 1] != '\r' || buf[t + 2] != '\n'))
		return 0;
	*base = b;
	*hits = h;
	return t;
}

/*
 * Start of field, unquoted fields and simple quoted ones: the hot loop.
 * Delimiters, quotes and LFs of a 64-byte block are found at once as a bit
 * mask, and each field then costs a count-trailing-zeros, a compare and a
 * few stores.  The mask survives from one record to the next.  Options are
 * copied to locals because every store through buf (a char pointer) could
 * otherwise change them as far as the compiler knows.
 */
static int parse_plain(struct csv_reader *r)
{
	char *const buf = r->buf;
	const size_t len = r->len;
	const char delim = r->delim, quote = r->quote;
	const bool quoting = r->quoting, skip_space = r->skip_space;
	const struct scan_set set = r->plain;
	bool in_field = r->state == PS_UNQUOTED;
	size_t pos = r->pos, fs = r->fs, qend = 0, base, t;
	size_t stop = field_fast_stop(r);
	uint64_t fstart = r->fs_abs, bits;

	block_resume(r, pos, &base, &bits);
	for (;;) {
		if (!in_field) {
			while (skip_space && pos < len && buf[pos] == ' ')
				pos++;
			if (pos == len)
				return plain_more(r, false, fs, fstart);
			qend = 0;
			if (quoting && buf[pos] == quote &&
			    !(qend = quoted_fast(r, &set, pos, &base, &bits))) {
				r->mvalid = false;
				quoted_begin(r, pos);
				return STEP_SWITCH;
			}
			fs = qend ? pos + 1 : pos;
			fstart = r->origin + pos;
			in_field = true;
		}
		while (!bits) {
			base += 64;
			if (base >= len)
				return plain_more(r, true, fs, fstart);
			bits = block_mask(&set, buf, base, len);
		}
		t = base + (size_t)__builtin_ctzll(bits);
		bits &= bits - 1;
		pos = t + 1;
		if (buf[t] == delim) {
			if (plain_end(r, fs, fstart, qend, t, &stop) < 0)
				return STEP_NOMEM;
			in_field = false;
		} else if (buf[t] != '\n') {
			record_flag(r, CSV_F_BARE_QUOTE, record_col(r),
				    r->line);
		} else {
			r->mbase = base;
			r->mbits = bits;
			r->mvalid = true;
			return plain_line_end(r, fs, fstart, qend, t, &stop);
		}
	}
}

/* The quote at q closes the field; the byte after it is buffered. */
static int quote_close(struct csv_reader *r, size_t q)
{
	char c = r->buf[q + 1];

	field_move(r, q);
	if (c != r->delim && c != '\n') {
		r->seg = r->pos = q + 1;
		r->tail_abs = r->origin + q + 1;
		r->qline = r->line;
		r->state = PS_TAIL;
		return STEP_SWITCH;
	}
	r->pos = q + 2;
	r->state = PS_START;
	if (c == '\n')
		record_end_line(r);
	if (field_end(r, r->buf + r->fs, r->w - r->fs, true, q + 1) < 0)
		return STEP_NOMEM;
	return c == '\n' ? STEP_RECORD : STEP_SWITCH;
}

static int parse_quoted(struct csv_reader *r)
{
	char *buf = r->buf;
	const size_t len = r->len;
	const char quote = r->quote;
	const struct scan_set set = r->quoted;
	size_t pos = r->pos, q;

	if (r->state == PS_QUOTE_SEEN) {
		/* The quote at pos - 1 was the last byte of a block. */
		if (pos == len)
			return STEP_MORE;
		r->state = PS_QUOTED;
		if (buf[pos] != quote)
			return quote_close(r, pos - 1);
		field_move(r, pos);
		r->seg = ++pos;
	}
	for (;;) {
		q = scan_find(&set, buf, pos, len);
		if (q == len) {
			r->pos = len;
			return STEP_MORE;
		}
		if (buf[q] == '\n') {
			r->line++;
			pos = q + 1;
			continue;
		}
		if (q + 1 == len) {
			r->pos = len;
			r->state = PS_QUOTE_SEEN;
			return STEP_MORE;
		}
		if (buf[q + 1] != quote)
			return quote_close(r, q);
		field_move(r, q + 1);	/* keep one quote of the pair */
		r->seg = pos = q + 2;
	}
}

/* End a field that had text after its closing quote, at buffer offset end. */
static int tail_end(struct csv_reader *r, size_t end)
{
	if (r->origin + end > r->tail_abs)
		record_flag(r, CSV_F_TEXT_AFTER_QUOTE, record_col(r), r->qline);
	field_move(r, end);
	return field_end(r, r->buf + r->fs, r->w - r->fs, true, end);
}

static int parse_tail(struct csv_reader *r)
{
	char *buf = r->buf;
	size_t t = scan_find(&r->tail, buf, r->pos, r->len), end = t;

	if (t == r->len) {
		r->pos = t;
		return STEP_MORE;
	}
	r->pos = t + 1;
	r->state = PS_START;
	if (buf[t] == '\n') {
		if (t > r->seg && buf[t - 1] == '\r')
			end--;
		record_end_line(r);
	}
	if (tail_end(r, end) < 0)
		return STEP_NOMEM;
	return buf[t] == '\n' ? STEP_RECORD : STEP_SWITCH;
}

static int parse(struct csv_reader *r)
{
	int step;

	do {
		switch (r->state) {
		case PS_START:
		case PS_UNQUOTED:
			step = parse_plain(r);
			break;
		case PS_QUOTED:
		case PS_QUOTE_SEEN:
			step = parse_quoted(r);
			break;
		default:
			step = parse_tail(r);
			break;
		}
	} while (step == STEP_SWITCH);
	return step;
}

/*
 * The input ended (pos == len): end the record in progress, if any.
 * Returns 1 for a record, 0 for none, ST_ERR_NOMEM.
 */
static int parse_finish(struct csv_reader *r)
{
	size_t len = r->len;
	int rc;

	switch (r->state) {
	case PS_START:
		if (record_col(r) == 0 && r->pos == r->rec_start)
			return 0;
		field_begin(r, len);
		rc = field_end(r, r->buf + len, 0, false, len);
		break;
	case PS_UNQUOTED:
		rc = field_end(r, r->buf + r->fs, len - r->fs, false, len);
		break;
	case PS_QUOTED:
		record_flag(r, CSV_F_UNTERMINATED_QUOTE, record_col(r),
			    r->fline);
		field_move(r, len);
		rc = field_end(r, r->buf + r->fs, r->w - r->fs, true, len);
		break;
	case PS_QUOTE_SEEN:
		field_move(r, len - 1);
		rc = field_end(r, r->buf + r->fs, r->w - r->fs, true, len);
		break;
	default:
		rc = tail_end(r, len);
		break;
	}
	r->rec.end_line = r->line;
	return rc < 0 ? rc : 1;
}

/* --- the buffer ------------------------------------------------------ */

static int reader_fail(struct csv_reader *r, int rc, int errnum,
		       const char *what)
{
	r->err = rc;
	r->err_errno = errnum;
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: %s", what,
		 strerror(errnum));
	errno = errnum;
	return rc;
}

/*
 * Throw away the buffered input of a record or field that is sure to be
 * returned empty for its length (the limits add one byte for a CR that may
 * yet be stripped).  The last byte stays, moved down, because the parser
 * may look back at it: a quote whose partner is not read yet, a CR before
 * an LF.
 */
static void reader_discard(struct csv_reader *r)
{
	uint64_t end = r->origin + r->len;
	size_t from;

	if (!r->rdrop && end - r->rec.offset > (uint64_t)r->max_record + 1) {
		r->rdrop = true;
		record_empty(r);
	}
	if (r->rdrop)
		from = r->rec_start;
	else if (r->state != PS_START &&
		 (record_col(r) >= r->max_columns ||
		  end - r->fs_abs > (uint64_t)r->max_field + 1))
		from = r->fs;
	else
		return;
	if (r->len - from < 2)
		return;
	r->buf[from] = r->buf[r->len - 1];
	r->origin += r->len - 1 - from;
	r->len = r->pos = from + 1;
	r->fs = r->seg = r->w = from;
	if (r->weird > from)
		r->weird = from;
}

static size_t sub_floor(size_t x, size_t y)
{
	return x > y ? x - y : 0;
}

/* Move the unfinished record to the front of the buffer. */
static void reader_compact(struct csv_reader *r)
{
	size_t shift = r->rec_start;

	if (!shift)
		return;
	memmove(r->buf, r->buf + shift, r->len - shift);
	for (size_t i = 0; i < r->rec.n; i++) {
		if (r->rec.fields[i].data != r->empty)
			r->rec.fields[i].data -= shift;
	}
	r->len -= shift;
	r->pos -= shift;
	r->fs = sub_floor(r->fs, shift);
	r->seg = sub_floor(r->seg, shift);
	r->w = sub_floor(r->w, shift);
	r->weird = sub_floor(r->weird, shift);
	r->rec_start = 0;
	r->origin += shift;
}

/*
 * Double the buffer: one record fills it.  A record longer than max_record
 * + 1 bytes is discarded as it is read, so the buffer never needs more than
 * that plus one read.
 */
static int reader_grow(struct csv_reader *r)
{
	size_t cap, size, most = r->max_record + 2 + r->chunk;
	char *nbuf;

	if (!size_mul(r->cap, 2, &cap) || !size_add(cap, PAD, &size))
		return ST_ERR_NOMEM;
	if (cap > most && r->cap < most) {
		cap = most;
		size = cap + PAD;
	}
	nbuf = xmalloc(size);
	if (!nbuf)
		return ST_ERR_NOMEM;
	memcpy(nbuf, r->buf, r->len);
	for (size_t i = 0; i < r->rec.n; i++) {
		struct csv_field *f = &r->rec.fields[i];

		if (f->data != r->empty)
			f->data = nbuf + (f->data - r->buf);
	}
	xfree(r->buf);
	r->buf = nbuf;
	r->cap = cap;
	return ST_OK;
}

/* Append one block of input (0 bytes at the end of input). */
static int reader_read(struct csv_reader *r)
{
	size_t room, old = r->len, got;

	if (r->len == r->cap && reader_grow(r) < 0)
		return reader_fail(r, ST_ERR_NOMEM, ENOMEM, "csv");
	room = r->cap - r->len;
	if (room > r->chunk)
		room = r->chunk;
	if (r->fd < 0) {
		got = r->mem_len - r->mem_off;
		if (got > room)
			got = room;
		if (got)
			memcpy(r->buf + r->len, r->mem + r->mem_off, got);
		r->mem_off += got;
	} else if (r->ranged) {
		ssize_t n = 0;

		if (room > r->left)
			room = (size_t)r->left;
		if (room) {
			do
				n = pread(r->fd, r->buf + r->len, room,
					  (off_t)r->at);
			while (n < 0 && errno == EINTR);
		}
		if (n < 0)
			return reader_fail(r, ST_ERR, errno, "csv: read");
		got = (size_t)n;
		r->at += got;
		r->left -= got;
	} else {
		ssize_t n;

		do
			n = read(r->fd, r->buf + r->len, room);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return reader_fail(r, ST_ERR, errno, "csv: read");
		got = (size_t)n;
	}
	if (!got)
		r->eof = true;
	r->len += got;
	memset(r->buf + r->len, 0, PAD);
	if (r->weird >= old)
		r->weird = scan_weird(r->buf, old, r->len);
	return ST_OK;
}

static int reader_refill(struct csv_reader *r)
{
	reader_discard(r);
	reader_compact(r);
	return reader_read(r);
}

/* Read the first bytes and step over a UTF-8 byte order mark. */
static int reader_start(struct csv_reader *r)
{
	r->started = true;
	if (r->ranged)
		return ST_OK;	/* the middle of a file: a mark there is data */
	while (r->len < 3 && !r->eof) {
		if (reader_read(r) < 0)
			return r->err;
	}
	if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
		r->pos = 3;
		if (r->weird < 3)
			r->weird = scan_weird(r->buf, 3, r->len);
	}
	return ST_OK;
}

/* --- the interface ---------------------------------------------------- */

static bool option_char_ok(char c)
{
	return (unsigned char)c < 0x80 && c != '\n' && c != '\r';
}

static size_t limit_or(size_t v, size_t dflt)
{
	if (!v)
		return dflt;
	/* Room for the +1 and the sums done on limits. */
	return v > SIZE_MAX / 4 ? SIZE_MAX / 4 : v;
}

/* size is the length of the input when known, so that a small input in
 * memory does not cost a full-size buffer. */
static int reader_new(struct csv_reader **out, const struct csv_options *opt,
		      size_t size)
{
	struct csv_options o = { 0 };
	struct csv_reader *r;

	*out = NULL;
	if (opt)
		o = *opt;
	if (!o.delim)
		o.delim = ',';
	if (!o.quote)
		o.quote = '"';
	if (!option_char_ok(o.delim) || !option_char_ok(o.quote) ||
	    (!o.no_quoting && o.delim == o.quote))
		return ST_ERR;
	r = xcalloc(1, sizeof(*r));
	if (!r)
		return ST_ERR_NOMEM;
	r->fd = -1;
	r->delim = o.delim;
	r->quote = o.quote;
	r->quoting = !o.no_quoting;
	r->skip_space = o.skip_initial_space;
	r->max_field = limit_or(o.max_field, LIMIT_FIELD_BYTES);
	r->max_record = limit_or(o.max_record, LIMIT_RECORD_BYTES);
	r->max_columns = limit_or(o.max_columns, LIMIT_COLUMNS);
	r->chunk = limit_or(o.buffer_size, CSV_BUFFER_SIZE);
	scan_set_init(&r->plain, r->delim, '\n', r->quoting ? r->quote : '\n');
	scan_set_init(&r->quoted, r->quote, '\n', '\n');
	scan_set_init(&r->tail, r->delim, '\n', '\n');
	r->cap = size < r->chunk ? size + 1 : r->chunk;
	r->buf = xmalloc(r->cap + PAD);
	if (!r->buf) {
		xfree(r);
		return ST_ERR_NOMEM;
	}
	memset(r->buf, 0, PAD);
	r->line = 1;
	*out = r;
	return ST_OK;
}

int csv_reader_open_fd(struct csv_reader **out, int fd,
		       const struct csv_options *opt)
{
	int rc = reader_new(out, opt, SIZE_MAX);

	if (rc == ST_OK)
		(*out)->fd = fd;
	return rc;
}

int csv_reader_open_range(struct csv_reader **out, int fd, uint64_t start,
			  uint64_t len, const struct csv_options *opt)
{
	int rc = reader_new(out, opt, len < SIZE_MAX ? (size_t)len : SIZE_MAX);

	if (rc == ST_OK) {
		(*out)->fd = fd;
		(*out)->ranged = true;
		(*out)->at = start;
		(*out)->left = len;
	}
	return rc;
}

int csv_reader_open_mem(struct csv_reader **out, const char *data, size_t len,
			const struct csv_options *opt)
{
	int rc = reader_new(out, opt, data ? len : 0);

	if (rc == ST_OK) {
		(*out)->mem = data;
		(*out)->mem_len = data ? len : 0;
	}
	return rc;
}

int csv_reader_next(struct csv_reader *r, struct csv_record **rec)
{
	int step;

	*rec = NULL;
	if (r->err) {
		errno = r->err_errno;
		return r->err;
	}
	if (!r->started && reader_start(r) < 0)
		return r->err;
	if (r->done)
		return 0;
	record_begin(r);
	for (;;) {
		step = parse(r);
		if (step == STEP_RECORD)
			break;
		if (step == STEP_BLANK) {
			record_begin(r);
			continue;
		}
		if (step == STEP_NOMEM)
			return reader_fail(r, ST_ERR_NOMEM, ENOMEM, "csv");
		if (r->eof) {
			r->done = true;
			step = parse_finish(r);
			if (step < 0)
				return reader_fail(r, ST_ERR_NOMEM, ENOMEM,
						   "csv");
			if (!step)
				return 0;
			r->cut = true;
			break;
		}
		if (reader_refill(r) < 0)
			return r->err;
	}
	r->rec.columns = record_col(r);
	*rec = &r->rec;
	return 1;
}

const char *csv_reader_error(const struct csv_reader *r)
{
	return r->err ? r->errmsg : "";
}

uint64_t csv_reader_bytes(const struct csv_reader *r)
{
	return r->origin + r->pos;
}

bool csv_reader_ended_clean(const struct csv_reader *r)
{
	return r->done && !r->cut && !r->err;
}

uint64_t csv_reader_lines(const struct csv_reader *r)
{
	return r->line - 1;
}

size_t csv_reader_buffer_size(const struct csv_reader *r)
{
	return r->cap;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	xfree(r->rec.fields);
	xfree(r->buf);
	xfree(r);
}
