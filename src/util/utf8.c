/*
 * utf8.c - UTF-8 helpers over utf8proc.  See utf8.h.
 *
 * Validation is hand-written (it is on the hot path of every reader and is
 * stricter than we need utf8proc to be); case mapping, decomposition and
 * character widths come from utf8proc's Unicode tables.
 *
 * Nearly all of what customer records hold is ASCII, so every pass over a
 * string first measures the run of ASCII bytes ahead (eight bytes at a
 * time), handles the whole run with plain byte arithmetic and one append,
 * and calls utf8proc only for the code points outside it.  For ASCII the
 * Unicode mappings are exactly A-Z <-> a-z, so the results are the same.
 */
#include "utf8.h"

#include <utf8proc.h>

#include "vec.h"

#define HIGH_BITS 0x8080808080808080ULL

/* Index of the first byte with its high bit set in the eight bytes that
 * were loaded into w (w & HIGH_BITS is not 0), in memory order. */
static size_t first_high_byte(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (size_t)__builtin_ctzll(w & HIGH_BITS) / 8;
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(w & HIGH_BITS) / 8;
#else
	unsigned char b[8];
	size_t k = 0;

	memcpy(b, &w, 8);
	while (!(b[k] & 0x80))
		k++;
	return k;
#endif
}

/*
 * Length of the run of ASCII bytes that s (len bytes) starts with.  Whole
 * words of eight bytes are tested at once; the last, partial word is tested
 * as the final eight bytes of s, overlapping bytes already known to be
 * ASCII, so that short values do not fall into a loop over single bytes.
 */
static inline size_t ascii_prefix(const char *s, size_t len)
{
	size_t i = 0, k;
	uint64_t w;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		if (w & HIGH_BITS)
			return i + first_high_byte(w);
	}
	if (i == len)
		return len;
	if (len >= 8) {
		memcpy(&w, s + len - 8, 8);
		return (w & HIGH_BITS) ? len - 8 + first_high_byte(w) : len;
	}
	if (len >= 4) {		/* the first four bytes and the last four */
		memcpy(&w, s, 4);
		memcpy((char *)&w + 4, s + len - 4, 4);
		if (!(w & HIGH_BITS))
			return len;
		k = first_high_byte(w);
		return k < 4 ? k : len - 8 + k;
	}
	while (i < len && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static char ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - ('a' - 'A')) : c;
}

size_t utf8_decode(const char *s, size_t len, int32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[0];
	size_t need;
	int32_t v, min;

	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4; v = c & 0x07; min = 0x10000;
	} else {
		goto bad;
	}
	if (len < need)
		goto bad;
	for (size_t i = 1; i < need; i++) {
		if ((u[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (u[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*cp = v;
	return need;
bad:
	*cp = 0xFFFD;
	return 1;
}

size_t utf8_valid_prefix(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int32_t cp;
		size_t n;

		i += ascii_prefix(s + i, len - i);
		if (i >= len)
			break;
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xFFFD && n == 1)
			return i;
		i += n;
	}
	return len;
}

void utf8_encode(int32_t cp, struct buf *out)
{
	unsigned char tmp[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);

	buf_add(out, tmp, n > 0 ? (size_t)n : 0);
}

bool utf8_ascii_padded(const char *s, size_t len)
{
	vec16 v[2], in[2];

	vec16_load32(s, len, v, in);
	return !vec16_any(v[0] | v[1]);
}

size_t utf8_sanitize(const char *s, size_t len, struct buf *out)
{
	size_t bad = 0, i = 0;

	while (i < len) {
		size_t ok = utf8_valid_prefix(s + i, len - i);

		buf_add(out, s + i, ok);
		i += ok;
		if (i < len) {
			buf_add(out, "\xEF\xBF\xBD", 3);
			bad++;
			i++;
		}
	}
	return bad;
}

/* Lower- or upper-case s into out: ASCII runs by hand, the rest through
 * utf8proc; invalid bytes are copied. */
static void utf8_map(const char *s, size_t len, struct buf *out, bool upper)
{
	size_t i = 0;

	while (i < len) {
		size_t run = ascii_prefix(s + i, len - i);
		int32_t cp;
		size_t n;

		if (run) {
			char *p = buf_addspace(out, run);

			for (size_t k = 0; p && k < run; k++)
				p[k] = upper ? ascii_upper(s[i + k])
					     : ascii_lower(s[i + k]);
			i += run;
			if (i >= len)
				break;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xFFFD && n == 1)
			buf_add(out, s + i, 1);
		else
			utf8_encode(upper ? utf8proc_toupper(cp)
					  : utf8proc_tolower(cp), out);
		i += n;
	}
}

void utf8_lower(const char *s, size_t len, struct buf *out)
{
	utf8_map(s, len, out, false);
}

void utf8_upper(const char *s, size_t len, struct buf *out)
{
	utf8_map(s, len, out, true);
}

static bool starts_word(int32_t prev)
{
	return prev == 0 || prev == ' ' || prev == '-' || prev == '\'' ||
	       prev == '.' || prev == '\t' || prev == 0x2019;
}

/* Title-case the ASCII run s (n bytes) into p, given the code point
 * before it; returns the last code point of the run. */
static int32_t title_ascii(const char *s, size_t n, char *p, int32_t prev)
{
	for (size_t k = 0; k < n; k++) {
		if (p)
			p[k] = starts_word(prev) ? ascii_upper(s[k])
						 : ascii_lower(s[k]);
		prev = (unsigned char)s[k];
	}
	return prev;
}

void utf8_title(const char *s, size_t len, struct buf *out)
{
	int32_t prev = 0;
	size_t i = 0;

	while (i < len) {
		size_t run = ascii_prefix(s + i, len - i);
		int32_t cp;
		size_t n;

		if (run) {
			prev = title_ascii(s + i, run, buf_addspace(out, run),
					   prev);
			i += run;
			if (i >= len)
				break;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xFFFD && n == 1) {
			buf_add(out, s + i, 1);
		} else {
			/* "Mc" and "Mac" prefixes are left as typed: guessing
			 * them wrong (Macey, Mackie) is worse than not guessing */
			utf8_encode(starts_word(prev) ? utf8proc_totitle(cp)
						      : utf8proc_tolower(cp), out);
		}
		prev = cp;
		i += n;
	}
}

/* Latin letters without a canonical decomposition, folded by hand. */
static const struct {
	int32_t cp;
	const char *ascii;
} fold_extra[] = {
	{ 0x00C6, "AE" }, { 0x00E6, "ae" }, { 0x00D0, "D" }, { 0x00F0, "d" },
	{ 0x00D8, "O" }, { 0x00F8, "o" }, { 0x00DE, "Th" }, { 0x00FE, "th" },
	{ 0x00DF, "ss" }, { 0x1E9E, "SS" }, { 0x0110, "D" }, { 0x0111, "d" }, { 0x0131, "i" },
	{ 0x0141, "L" }, { 0x0142, "l" }, { 0x0152, "OE" }, { 0x0153, "oe" },
	{ 0x0126, "H" }, { 0x0127, "h" }, { 0x2018, "'" }, { 0x2019, "'" },
	{ 0x201C, "\"" }, { 0x201D, "\"" }, { 0x2013, "-" }, { 0x2014, "-" },
};

/* Append the hand-made folding of cp, if it has one. */
static bool fold_by_hand(int32_t cp, struct buf *out)
{
	if (cp < 0x80)
		return false;	/* most of what decompositions yield */
	for (size_t k = 0; k < ARRAY_SIZE(fold_extra); k++) {
		if (fold_extra[k].cp == cp) {
			buf_addstr(out, fold_extra[k].ascii);
			return true;
		}
	}
	return false;
}

/*
 * The decomposition goes through the hand-made table too: U+01FC (Ǽ)
 * decomposes to U+00C6 (Æ) and an accent, and must fold to "AE" as Æ
 * does, or folding a folded string would change it again.
 */
static void fold_codepoint(int32_t cp, struct buf *out)
{
	utf8proc_int32_t dec[16];
	utf8proc_ssize_t n;
	int last = 0;

	if (fold_by_hand(cp, out))
		return;
	n = utf8proc_decompose_char(cp, dec, 16,
				    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
				    UTF8PROC_STRIPMARK, &last);
	if (n < 0 || n > 16) {
		utf8_encode(cp, out);
		return;
	}
	for (utf8proc_ssize_t k = 0; k < n; k++) {
		if (!fold_by_hand(dec[k], out))
			utf8_encode(dec[k], out);
	}
}

void utf8_fold(const char *s, size_t len, struct buf *out)
{
	size_t i = 0;

	while (i < len) {
		size_t run = ascii_prefix(s + i, len - i);
		int32_t cp;
		size_t n;

		if (run) {
			buf_add(out, s + i, run);
			i += run;
			if (i >= len)
				break;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xFFFD && n == 1)
			buf_add(out, s + i, 1);
		else
			fold_codepoint(cp, out);
		i += n;
	}
}

static size_t cp_width(int32_t cp)
{
	int w = utf8proc_charwidth(cp);

	return w < 0 ? 0 : (size_t)w;
}

size_t utf8_width(const char *s, size_t len)
{
	size_t i = 0, w = 0;

	while (i < len) {
		int32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		w += (cp == 0xFFFD && n == 1) ? 1 : cp_width(cp);
		i += n;
	}
	return w;
}

size_t utf8_prefix_for_width(const char *s, size_t len, size_t cols)
{
	size_t i = 0, w = 0;

	while (i < len) {
		int32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		size_t cw = (cp == 0xFFFD && n == 1) ? 1 : cp_width(cp);

		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	return i;
}

bool utf8_is_letter(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool utf8_is_digit(int32_t cp)
{
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

bool utf8_is_space(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
	       cp == '\f' || c == UTF8PROC_CATEGORY_ZS;
}
