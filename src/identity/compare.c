/*
 * compare.c - the comparison functions of identity resolution.
 *
 * Every string comparison first decodes each value into at most
 * COMPARE_MAX_CHARS code points in a stack array (struct cps), so that the
 * algorithms index code points directly and their work is bounded whatever
 * the input.  The two edit distances share one banded dynamic programme:
 * a cell farther than max from the diagonal cannot hold a distance <= max,
 * so only the band is computed, and the work stops once a whole row
 * exceeds max.  Nothing here allocates or keeps state between calls.
 */
#include <math.h>

#include "identity/compare.h"
#include "util/datetime.h"
#include "util/number.h"
#include "util/utf8.h"

/* A value as code points, cut at COMPARE_MAX_CHARS. */
struct cps {
	int32_t cp[COMPARE_MAX_CHARS];
	size_t n;
};

static void cps_decode(const char *s, size_t len, struct cps *out)
{
	size_t i = 0;

	out->n = 0;
	while (i < len && out->n < COMPARE_MAX_CHARS) {
		int32_t cp;

		/* At least 1 and at most len - i: a bad byte is one U+FFFD. */
		i += utf8_decode(s + i, len - i, &cp);
		out->cp[out->n++] = cp;
	}
}

/* Shorter first, then code point order: a total order, used to put the
 * two sides of a comparison in one canonical order. */
static int cps_cmp(const struct cps *a, const struct cps *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (size_t i = 0; i < a->n; i++)
		if (a->cp[i] != b->cp[i])
			return a->cp[i] < b->cp[i] ? -1 : 1;
	return 0;
}

/* Word separators for initials and Soundex. */
static bool is_word_sep(int32_t cp)
{
	return cp == ' ' || cp == '-' || cp == '.' || utf8_is_space(cp);
}

/* --- Jaro-Winkler --------------------------------------------------------- */

/* Jaro similarity of two non-empty values. */
static double jaro(const struct cps *a, const struct cps *b)
{
	bool amatch[COMPARE_MAX_CHARS] = { false };
	bool bmatch[COMPARE_MAX_CHARS] = { false };
	size_t longer = a->n > b->n ? a->n : b->n;
	size_t window = longer >= 2 ? longer / 2 - 1 : 0;
	size_t m = 0, half = 0, k = 0;

	for (size_t i = 0; i < a->n; i++) {
		size_t lo = i > window ? i - window : 0;
		size_t hi = i + window + 1 < b->n ? i + window + 1 : b->n;

		for (size_t j = lo; j < hi; j++) {
			if (!bmatch[j] && a->cp[i] == b->cp[j]) {
				amatch[i] = bmatch[j] = true;
				m++;
				break;
			}
		}
	}
	if (!m)
		return 0.0;
	/* Walk the matched code points of both in order; m of each. */
	for (size_t i = 0; i < a->n; i++) {
		if (!amatch[i])
			continue;
		while (!bmatch[k])
			k++;
		if (a->cp[i] != b->cp[k++])
			half++;
	}
	return ((double)m / (double)a->n + (double)m / (double)b->n +
		((double)m - (double)half / 2.0) / (double)m) / 3.0;
}

double compare_jaro_winkler(const char *a, size_t alen, const char *b,
			    size_t blen)
{
	struct cps x, y;
	const struct cps *p = &x, *q = &y;
	double j;
	size_t l = 0;

	cps_decode(a, alen, &x);
	cps_decode(b, blen, &y);
	if (!x.n || !y.n)
		return !x.n && !y.n ? 1.0 : 0.0;
	/* Greedy matching may pair different positions depending on which
	 * side leads; a canonical order makes (a, b) and (b, a) agree. */
	if (cps_cmp(&x, &y) > 0) {
		p = &y;
		q = &x;
	}
	j = jaro(p, q);
	if (j < 0.7)
		return j;
	while (l < 4 && l < p->n && l < q->n && p->cp[l] == q->cp[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}

/* --- edit distances ------------------------------------------------------- */

/*
 * Levenshtein distance (with adjacent transpositions when osa), or cap + 1
 * when it exceeds cap; ||a| - |b|| <= cap <= COMPARE_MAX_CHARS.  Row i of
 * the matrix lives in rows[i % 3].  Only cells with |i - j| <= cap are
 * computed; the cell just left and just right of each row's band is set to
 * cap + 1, so that no value left in a reused row is ever read: the next
 * row's band reaches at most one cell past this one's on either side.
 */
static size_t edit_distance(const struct cps *a, const struct cps *b,
			    size_t cap, bool osa)
{
	size_t rows[3][COMPARE_MAX_CHARS + 1];
	size_t inf = cap + 1, n = a->n, m = b->n;

	for (size_t j = 0; j <= m; j++)
		rows[0][j] = j <= cap ? j : inf;
	for (size_t i = 1; i <= n; i++) {
		size_t *cur = rows[i % 3], *prev = rows[(i + 2) % 3];
		size_t *prev2 = rows[(i + 1) % 3];
		size_t lo = i > cap ? i - cap : 1;
		size_t hi = i + cap < m ? i + cap : m;
		size_t best;

		cur[0] = i <= cap ? i : inf;
		if (lo > 1)
			cur[lo - 1] = inf;
		best = cur[0];
		for (size_t j = lo; j <= hi; j++) {
			size_t d = prev[j - 1] + (a->cp[i - 1] != b->cp[j - 1]);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (osa && i > 1 && j > 1 && a->cp[i - 1] == b->cp[j - 2] &&
			    a->cp[i - 2] == b->cp[j - 1] && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d < inf ? d : inf;
			if (cur[j] < best)
				best = cur[j];
		}
		if (hi < m)
			cur[hi + 1] = inf;
		/* Once a whole row exceeds cap, so does every later one: a
		 * cell is never below the cells it comes from, and a
		 * transposition into row i + 1 from row i - 1 costs no less
		 * than the cell of row i on the diagonal it jumps along. */
		if (best > cap)
			return inf;
	}
	return rows[n % 3][m];
}

static size_t capped_distance(const char *a, size_t alen, const char *b,
			      size_t blen, size_t max, bool osa)
{
	struct cps x, y;
	/* The distance never exceeds COMPARE_MAX_CHARS, so a larger max is
	 * the same as no cap, and max + 1 is never returned (nor wraps). */
	size_t cap = max < COMPARE_MAX_CHARS ? max : COMPARE_MAX_CHARS, d;

	cps_decode(a, alen, &x);
	cps_decode(b, blen, &y);
	if ((x.n > y.n ? x.n - y.n : y.n - x.n) > cap)
		return max + 1;
	d = edit_distance(&x, &y, cap, osa);
	return d > cap ? max + 1 : d;
}

size_t compare_levenshtein(const char *a, size_t alen, const char *b,
			   size_t blen, size_t max)
{
	return capped_distance(a, alen, b, blen, max, false);
}

size_t compare_damerau(const char *a, size_t alen, const char *b,
		       size_t blen, size_t max)
{
	return capped_distance(a, alen, b, blen, max, true);
}

/* --- initials ------------------------------------------------------------- */

struct initials {
	int32_t first[COMPARE_MAX_CHARS];	/* each word's first letter */
	size_t n;
	bool only;	/* no word has more than one letter */
};

static void initials_of(const char *s, size_t len, struct initials *out)
{
	struct cps v;
	size_t letters = 0;	/* in the current word */

	cps_decode(s, len, &v);
	out->n = 0;
	out->only = true;
	for (size_t i = 0; i <= v.n; i++) {
		if (i == v.n || is_word_sep(v.cp[i])) {
			if (letters > 1)
				out->only = false;
			letters = 0;
		} else if (utf8_is_letter(v.cp[i]) && !letters++) {
			out->first[out->n++] = v.cp[i];
		}
	}
}

bool compare_initials(const char *a, size_t alen, const char *b,
		      size_t blen)
{
	struct initials x, y;
	const struct initials *shorter = &x, *longer = &y;

	initials_of(a, alen, &x);
	initials_of(b, blen, &y);
	if (!x.n || !y.n)
		return false;
	if (x.n > y.n) {
		shorter = &y;
		longer = &x;
	}
	/* Equal sequences, or initials only that begin the other's. */
	if (shorter->n < longer->n && !shorter->only)
		return false;
	return !memcmp(shorter->first, longer->first,
		       shorter->n * sizeof(shorter->first[0]));
}

/* --- dates and numbers ---------------------------------------------------- */

/* YYYY-MM-DD or YYYYMMDD as a day number, if a real date in 0001-9999. */
static bool date_days(const char *s, size_t len, int64_t *days)
{
	int v[8], k = 0;
	int64_t y;
	int m, d;

	if (len == 10 ? s[4] != '-' || s[7] != '-' : len != 8)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (len == 10 && (i == 4 || i == 7))
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		v[k++] = s[i] - '0';
	}
	y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	m = v[4] * 10 + v[5];
	d = v[6] * 10 + v[7];
	if (y < DATETIME_YEAR_MIN || !civil_valid(y, m, d))
		return false;
	*days = civil_to_days(y, m, d);
	return true;
}

int64_t compare_date_days(const char *a, size_t alen, const char *b,
			  size_t blen)
{
	int64_t x, y;

	if (!date_days(a, alen, &x) || !date_days(b, blen, &y))
		return -1;
	return x > y ? x - y : y - x;
}

static bool numeric_value(const char *s, size_t len, double *out)
{
	char tmp[64];

	if (len >= sizeof(tmp) || !number_syntax(s, len, NULL))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*out = strtod(tmp, NULL);
	return isfinite(*out);
}

bool compare_numeric(const char *a, size_t alen, const char *b, size_t blen,
		     double *out)
{
	double x, y, d;

	if (!numeric_value(a, alen, &x) || !numeric_value(b, blen, &y))
		return false;
	d = fabs(x - y);
	if (!isfinite(d))
		return false;
	*out = d;
	return true;
}

/* --- words, trailing digits, transposed dates ----------------------------- */

/* Word breaks for word-by-word comparison: those of initials, and the
 * punctuation of addresses and lists ("12 main st, springfield"). */
static bool is_word_break(int32_t cp)
{
	return is_word_sep(cp) || cp == ',' || cp == ';' || cp == '/' ||
	       cp == '(' || cp == ')' || cp == '#' || cp == '"';
}

/* The words of a value: offsets into a cps. */
struct words {
	size_t start[COMPARE_MAX_CHARS], len[COMPARE_MAX_CHARS];
	size_t n;
};

static void words_of(const struct cps *s, struct words *out)
{
	size_t i = 0;

	out->n = 0;
	while (i < s->n) {
		size_t j;

		while (i < s->n && is_word_break(s->cp[i]))
			i++;
		for (j = i; j < s->n && !is_word_break(s->cp[j]); j++)
			;
		if (j > i) {
			out->start[out->n] = i;
			out->len[out->n++] = j - i;
		}
		i = j;
	}
}

/* Jaro-Winkler of word x of a and word y of b. */
static double word_jw(const struct cps *a, const struct words *wa, size_t x,
		      const struct cps *b, const struct words *wb, size_t y)
{
	struct cps p, q;
	const struct cps *lo = &p, *hi = &q;
	double j;
	size_t l = 0;

	p.n = wa->len[x];
	memcpy(p.cp, a->cp + wa->start[x], p.n * sizeof(p.cp[0]));
	q.n = wb->len[y];
	memcpy(q.cp, b->cp + wb->start[y], q.n * sizeof(q.cp[0]));
	if (cps_cmp(&p, &q) > 0) {
		lo = &q;
		hi = &p;
	}
	j = jaro(lo, hi);
	if (j < 0.7)
		return j;
	while (l < 4 && l < lo->n && l < hi->n && lo->cp[l] == hi->cp[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}

/* Mean over the words of a of each one's best Jaro-Winkler among b's. */
static double best_words(const struct cps *a, const struct words *wa,
			 const struct cps *b, const struct words *wb)
{
	double sum = 0;

	for (size_t x = 0; x < wa->n; x++) {
		double best = 0;

		for (size_t y = 0; y < wb->n && best < 1.0; y++) {
			double s = word_jw(a, wa, x, b, wb, y);

			if (s > best)
				best = s;
		}
		sum += best;
	}
	return sum / (double)wa->n;
}

double compare_word_jaro_winkler(const char *a, size_t alen, const char *b,
				 size_t blen)
{
	struct cps x, y;
	struct words wx, wy;

	cps_decode(a, alen, &x);
	cps_decode(b, blen, &y);
	words_of(&x, &wx);
	words_of(&y, &wy);
	if (!wx.n || !wy.n)
		return !wx.n && !wy.n ? 1.0 : 0.0;
	/* both ways, so that "ann" is not as close to "ann lee" as "ann" is
	 * to itself; the mean of two sums is symmetric by construction */
	return (best_words(&x, &wx, &y, &wy) + best_words(&y, &wy, &x, &wx)) / 2.0;
}

size_t compare_trailing_digits(const char *a, size_t alen, const char *b,
			       size_t blen)
{
	size_t i = alen, j = blen, n = 0;

	for (;;) {
		while (i > 0 && (a[i - 1] < '0' || a[i - 1] > '9'))
			i--;
		while (j > 0 && (b[j - 1] < '0' || b[j - 1] > '9'))
			j--;
		if (!i || !j || a[i - 1] != b[j - 1])
			return n;
		n++;
		i--;
		j--;
	}
}

bool compare_date_transposed(const char *a, size_t alen, const char *b,
			     size_t blen)
{
	int64_t x, y;

	/* both real dates of one year, day and month swapped, not equal */
	if (alen != 10 || blen != 10 || !date_days(a, alen, &x) ||
	    !date_days(b, blen, &y) || x == y || memcmp(a, b, 4))
		return false;
	return a[5] == b[8] && a[6] == b[9] && a[8] == b[5] && a[9] == b[6];
}

/* --- Soundex -------------------------------------------------------------- */

/* Soundex digit of each letter A-Z: '0' for a vowel (which separates equal
 * codes), '-' for H and W (which do not). */
static const char soundex_codes[] = "0123012-02245501262301-202";

bool compare_soundex(const char *s, size_t len, char out[5])
{
	struct cps v;
	char code[5] = "0000", last = 0;
	size_t k = 0;

	cps_decode(s, len, &v);
	for (size_t i = 0; i < v.n && k < 4; i++) {
		int32_t c = v.cp[i];
		char digit;

		if (is_word_sep(c)) {
			if (k)
				break;	/* the end of the first word with letters */
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c < 'A' || c > 'Z')
			continue;
		digit = soundex_codes[c - 'A'];
		if (!k) {
			code[k++] = (char)c;
		} else if (digit == '-') {
			continue;
		} else if (digit != '0' && digit != last) {
			code[k++] = digit;
		}
		last = digit;
	}
	if (!k)
		return false;
	memcpy(out, code, sizeof(code));
	return true;
}

/* --- Metaphone ------------------------------------------------------------ */

static bool mp_vowel(char c)
{
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

bool compare_metaphone(const char *s, size_t len, char *out, size_t size)
{
	char w[COMPARE_MAX_CHARS + 3];
	size_t n = 0, k = 0, i = 0, first;

	if (!size)
		return false;
	for (size_t j = 0; j < len && n < COMPARE_MAX_CHARS; j++) {
		char c = s[j];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - ('a' - 'A'));
		if (c < 'A' || c > 'Z')
			return false;
		w[n++] = c;
	}
	if (!n)
		return false;
	memset(w + n, 0, 3);	/* reading past the end sees NUL */
#define MP_PUT(ch) do { if (k + 1 < size) out[k++] = (ch); } while (0)
	/* first letters: AE GN KN PN WR drop the first, X is S, WH is W;
	 * a vowel counts only as the first letter kept */
	if ((w[0] == 'A' && w[1] == 'E') || (w[1] == 'N' && (w[0] == 'G' ||
	    w[0] == 'K' || w[0] == 'P')) || (w[0] == 'W' && w[1] == 'R'))
		i = 1;
	else if (w[0] == 'X') {
		MP_PUT('S');
		i = 1;
	} else if (w[0] == 'W' && w[1] == 'H') {
		MP_PUT('W');
		i = 2;
	}
	first = i == 1 && w[0] != 'X';	/* a dropped first letter */
	for (; i < n; i++) {
		char c = w[i], prev = i ? w[i - 1] : 0, next = w[i + 1];
		char after = next ? w[i + 2] : 0;

		if (c == prev && c != 'C')
			continue;
		switch (c) {
		case 'A': case 'E': case 'I': case 'O': case 'U':
			if (i == first)
				MP_PUT(c);
			break;
		case 'B':
			if (!(prev == 'M' && i + 1 == n))
				MP_PUT('B');
			break;
		case 'C':
			if (next == 'H' && prev == 'S')
				MP_PUT('K');
			else if ((next == 'I' && after == 'A') || next == 'H')
				MP_PUT('X');
			else if (next == 'I' || next == 'E' || next == 'Y') {
				if (prev != 'S')
					MP_PUT('S');
			} else
				MP_PUT('K');
			break;
		case 'D':	/* DGE, DGI, DGY: one J for both */
			if (next == 'G' && (after == 'E' || after == 'Y' ||
					    after == 'I')) {
				MP_PUT('J');
				i++;
			} else
				MP_PUT('T');
			break;
		case 'G':
			if (next == 'H' && !mp_vowel(after))
				break;
			if (next == 'N' && (i + 2 == n || (after == 'E' &&
			    w[i + 3] == 'D' && i + 4 == n)))
				break;
			MP_PUT((next == 'I' || next == 'E' || next == 'Y') &&
			       prev != 'G' ? 'J' : 'K');
			break;
		case 'H':
			if ((mp_vowel(prev) && !mp_vowel(next)) || prev == 'C' ||
			    prev == 'G' || prev == 'P' || prev == 'S' || prev == 'T')
				break;
			MP_PUT('H');
			break;
		case 'K':
			if (prev != 'C')
				MP_PUT('K');
			break;
		case 'P':
			MP_PUT(next == 'H' ? 'F' : 'P');
			break;
		case 'Q':
			MP_PUT('K');
			break;
		case 'S':
			MP_PUT(next == 'H' || (next == 'I' && (after == 'O' ||
					       after == 'A')) ? 'X' : 'S');
			break;
		case 'T':
			if (next == 'I' && (after == 'A' || after == 'O'))
				MP_PUT('X');
			else if (next == 'H')
				MP_PUT('0');
			else if (!(next == 'C' && after == 'H'))
				MP_PUT('T');
			break;
		case 'V':
			MP_PUT('F');
			break;
		case 'W':
		case 'Y':
			if (mp_vowel(next))
				MP_PUT(c);
			break;
		case 'X':
			MP_PUT('K');
			MP_PUT('S');
			break;
		case 'Z':
			MP_PUT('S');
			break;
		default:	/* F J L M N R */
			MP_PUT(c);
			break;
		}
	}
#undef MP_PUT
	out[k] = '\0';
	return true;
}
