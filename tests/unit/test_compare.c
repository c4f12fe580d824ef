/*
 * test_compare.c - the comparison functions of identity resolution.
 *
 * Known values come from the literature: Jaro-Winkler from Winkler (1990)
 * and the usual worked examples (MARTHA/MARHTA, DWAYNE/DUANE,
 * DIXON/DICKSONX, JELLYFISH/SMELLYFISH), edit distances from the textbook
 * pairs, Soundex codes from the US National Archives' description.  The
 * capped edit distances are also checked against plain full-matrix
 * implementations on a few hundred pseudo-random strings.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "identity/compare.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static void expect_near(double got, double want, double tol,
			const char *what)
{
	if (fabs(got - want) > tol)
		fail_msg("%s: got %.6f, expected %.6f", what, got, want);
}

static double jw(const char *a, const char *b)
{
	return compare_jaro_winkler(a, strlen(a), b, strlen(b));
}

static size_t lev(const char *a, const char *b, size_t max)
{
	return compare_levenshtein(a, strlen(a), b, strlen(b), max);
}

static size_t osa(const char *a, const char *b, size_t max)
{
	return compare_damerau(a, strlen(a), b, strlen(b), max);
}

static bool initials(const char *a, const char *b)
{
	bool ab = compare_initials(a, strlen(a), b, strlen(b));

	if (ab != compare_initials(b, strlen(b), a, strlen(a)))
		fail_msg("initials of '%s' and '%s' are not symmetric", a, b);
	return ab;
}

static int64_t days(const char *a, const char *b)
{
	return compare_date_days(a, strlen(a), b, strlen(b));
}

static void expect_soundex(const char *s, const char *want)
{
	char out[5];

	if (!compare_soundex(s, strlen(s), out))
		fail_msg("soundex of '%s' failed, expected %s", s, want);
	if (strcmp(out, want))
		fail_msg("soundex of '%s' is %s, expected %s", s, out, want);
}

static void expect_metaphone(const char *s, const char *want)
{
	char out[16];

	if (!compare_metaphone(s, strlen(s), out, sizeof(out)))
		fail_msg("metaphone of '%s' failed, expected %s", s, want);
	if (strcmp(out, want))
		fail_msg("metaphone of '%s' is %s, expected %s", s, out, want);
}

/* --- Metaphone ------------------------------------------------------------ */

static void metaphone_hears_one_name_in_spellings(void **state)
{
	(void)state;
	/* one sound, other letters */
	expect_metaphone("keeley", "KL");
	expect_metaphone("Kaylee", "KL");
	expect_metaphone("mohamed", "MHMT");
	expect_metaphone("muhammed", "MHMT");
	expect_metaphone("zara", "SR");
	expect_metaphone("sarah", "SR");
	expect_metaphone("sahra", "SR");
	expect_metaphone("lee", "L");
	expect_metaphone("leigh", "L");
	expect_metaphone("catherine", "K0RN");
	expect_metaphone("kathryn", "K0RN");
	/* other names that share letters */
	expect_metaphone("mark", "MRK");
	expect_metaphone("marsha", "MRX");
	expect_metaphone("darla", "TRL");
	expect_metaphone("darlene", "TRLN");
	expect_metaphone("patrick", "PTRK");
	expect_metaphone("patricia", "PTRX");
	/* the first letters' rules, and the rest */
	expect_metaphone("knight", "NT");
	expect_metaphone("wright", "RT");
	expect_metaphone("xavier", "SFR");
	expect_metaphone("whitney", "WTN");
	expect_metaphone("aeron", "ERN");
	expect_metaphone("thumb", "0M");
	expect_metaphone("schmidt", "SKMTT");
	expect_metaphone("edge", "EJ");
	expect_metaphone("science", "SNS");
	expect_metaphone("alex", "ALKS");
	expect_metaphone("phil", "FL");
	expect_metaphone("anna", "AN");
	expect_metaphone("stephen", "STFN");
	expect_metaphone("steven", "STFN");
}

static void metaphone_reads_ascii_letters_only(void **state)
{
	char out[4] = "xyz";

	(void)state;
	assert_false(compare_metaphone("", 0, out, sizeof(out)));
	assert_false(compare_metaphone("o'brien", 7, out, sizeof(out)));
	assert_false(compare_metaphone("jos\xc3\xa9", 5, out, sizeof(out)));
	assert_string_equal(out, "xyz");	/* untouched on failure */
	/* cut to fit, NUL-terminated */
	assert_true(compare_metaphone("christopher", 11, out, sizeof(out)));
	assert_string_equal(out, "XRS");
	/* never reads past len */
	assert_true(compare_metaphone("markus", 4, out, sizeof(out)));
	assert_string_equal(out, "MRK");
}

/* --- Jaro-Winkler --------------------------------------------------------- */

static void jaro_winkler_matches_published_values(void **state)
{
	double martha = jw("martha", "marhta");

	(void)state;
	expect_near(martha, 0.961, 0.0005, "martha/marhta");
	/* Undo Winkler's boost (prefix "mar", 3 code points): Jaro 0.944. */
	expect_near((martha - 0.3) / 0.7, 0.944, 0.0005, "martha/marhta jaro");
	expect_near(jw("dwayne", "duane"), 0.840, 0.0005, "dwayne/duane");
	expect_near(jw("dixon", "dicksonx"), 0.813, 0.0005, "dixon/dicksonx");
	/* No common prefix, so this is Jaro itself. */
	expect_near(jw("jellyfish", "smellyfish"), 0.896, 0.0005,
		    "jellyfish/smellyfish");
	/* Upper case is compared as given. */
	expect_near(jw("MARTHA", "MARHTA"), 0.961, 0.0005, "MARTHA/MARHTA");
}

static void jaro_winkler_identical_is_one_and_disjoint_is_zero(void **state)
{
	(void)state;
	assert_true(jw("smith", "smith") == 1.0);
	assert_true(jw("a", "a") == 1.0);
	assert_true(jw("abc", "xyz") == 0.0);
	/* Window max(2, 2) / 2 - 1 = 0: a swapped pair never matches. */
	assert_true(jw("ab", "ba") == 0.0);
}

static void jaro_winkler_empty_values(void **state)
{
	(void)state;
	assert_true(jw("", "") == 1.0);
	assert_true(jw("", "a") == 0.0);
	assert_true(jw("a", "") == 0.0);
	assert_true(compare_jaro_winkler(NULL, 0, NULL, 0) == 1.0);
}

static void jaro_winkler_boost_needs_jaro_of_point_seven(void **state)
{
	(void)state;
	/* "abcxyz"/"abcpqr": 3 matches of 6, Jaro 0.667 < 0.7, no boost
	 * despite the common prefix of 3. */
	expect_near(jw("abcxyz", "abcpqr"), 2.0 / 3.0, 1e-12, "no boost");
	/* The prefix counts at most 4: "abcdefgh"/"abcdeiii" has 5 matches
	 * of 8, Jaro (5/8 + 5/8 + 1) / 3 = 0.75, and a prefix of 5. */
	expect_near(jw("abcdefgh", "abcdeiii"), 0.75 + 0.4 * 0.25, 1e-12,
		    "prefix capped at 4");
}

static void jaro_winkler_counts_code_points(void **state)
{
	(void)state;
	/* 4 code points each, 3 matching: Jaro (3/4 + 3/4 + 1) / 3, prefix 3.
	 * Counted in bytes "josé" would be 5 long and give another value. */
	expect_near(jw("josé", "jose"), 5.0 / 6.0 + 0.3 / 6.0, 1e-12,
		    "josé/jose");
	assert_true(jw("josé", "josé") == 1.0);
	expect_near(jw("ελένη", "ελενη"), jw("abcde", "abxde"), 1e-12,
		    "greek like latin");
}

static void jaro_winkler_is_symmetric_and_in_range(void **state)
{
	static const char *const words[] = {
		"martha", "marhta", "dwayne", "duane", "dixon", "dicksonx",
		"jellyfish", "smellyfish", "", "a", "ab", "ba", "abcab",
		"bacba", "aaaaab", "baaaaa", "josé", "jose", "crate", "trace",
		"abcdefghij", "jihgfedcba", "aab", "aba", "bbaa", "abab",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(words); j++) {
			double ab = jw(words[i], words[j]);
			double ba = jw(words[j], words[i]);

			if (ab != ba)
				fail_msg("'%s'/'%s' %.17g but reversed %.17g",
					 words[i], words[j], ab, ba);
			if (!(ab >= 0.0 && ab <= 1.0))
				fail_msg("'%s'/'%s' out of range: %.17g",
					 words[i], words[j], ab);
		}
	}
}

/* --- edit distances ------------------------------------------------------- */

static void levenshtein_matches_textbook_values(void **state)
{
	(void)state;
	assert_int_equal(lev("kitten", "sitting", 100), 3);
	assert_int_equal(lev("sitting", "kitten", 100), 3);
	assert_int_equal(lev("flaw", "lawn", 100), 2);
	assert_int_equal(lev("saturday", "sunday", 100), 3);
	assert_int_equal(lev("same", "same", 0), 0);
	assert_int_equal(lev("ca", "ac", 100), 2);
}

static void levenshtein_returns_max_plus_one_past_the_cap(void **state)
{
	(void)state;
	assert_int_equal(lev("kitten", "sitting", 3), 3);
	assert_int_equal(lev("kitten", "sitting", 2), 3);
	assert_int_equal(lev("kitten", "sitting", 1), 2);
	assert_int_equal(lev("kitten", "sitting", 0), 1);
	/* Decided by the lengths alone. */
	assert_int_equal(lev("a", "abcdef", 2), 3);
	/* A max that cannot be reached gives the exact distance, and
	 * max + 1 never wraps. */
	assert_int_equal(lev("kitten", "sitting", SIZE_MAX), 3);
}

static void levenshtein_of_empty_values(void **state)
{
	(void)state;
	assert_int_equal(lev("", "", 0), 0);
	assert_int_equal(lev("", "abc", 10), 3);
	assert_int_equal(lev("abc", "", 10), 3);
	assert_int_equal(lev("", "abc", 2), 3);
	assert_int_equal(compare_levenshtein(NULL, 0, NULL, 0, 0), 0);
}

static void levenshtein_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(lev("café", "cafe", 10), 1);
	assert_int_equal(lev("café", "cafe", 0), 1);
	assert_int_equal(lev("ελένη", "ελενη", 10), 1);
	assert_int_equal(lev("日本語", "日本", 10), 1);
	assert_int_equal(osa("café", "caéf", 10), 1);
}

static void damerau_counts_an_adjacent_swap_once(void **state)
{
	(void)state;
	assert_int_equal(osa("ca", "ac", 10), 1);
	assert_int_equal(lev("ca", "ac", 10), 2);
	assert_int_equal(osa("abcdef", "abcdfe", 10), 1);
	assert_int_equal(osa("martha", "marhta", 10), 1);
	assert_int_equal(osa("kitten", "sitting", 10), 3);
	assert_int_equal(osa("", "ab", 10), 2);
}

static void damerau_is_optimal_string_alignment(void **state)
{
	(void)state;
	/* Unrestricted Damerau-Levenshtein gives 2 (ca -> ac -> abc); OSA
	 * may not edit the swapped pair again. */
	assert_int_equal(osa("ca", "abc", 10), 3);
	assert_int_equal(osa("CA", "ABC", 10), 3);
}

static void damerau_is_capped_like_levenshtein(void **state)
{
	(void)state;
	assert_int_equal(osa("abcdef", "badcfe", 10), 3);
	assert_int_equal(osa("abcdef", "badcfe", 3), 3);
	assert_int_equal(osa("abcdef", "badcfe", 2), 3);
	assert_int_equal(osa("abcdef", "badcfe", 1), 2);
	assert_int_equal(osa("abcdef", "badcfe", 0), 1);
	assert_int_equal(osa("abcdef", "badcfe", SIZE_MAX), 3);
}

static void malformed_bytes_count_as_one_code_point(void **state)
{
	/* Exactly sized, no NUL: ASan catches a read past the end. */
	static const char cut[4] = { 'c', 'a', 'f', '\xc3' };
	static const char bad[3] = { 'a', '\xff', 'b' };

	(void)state;
	assert_int_equal(compare_levenshtein(cut, 4, "caf", 3, 10), 1);
	assert_int_equal(compare_levenshtein(bad, 3, "a?b", 3, 10), 1);
	assert_int_equal(compare_damerau(cut, 4, bad, 3, 10), 3);
	/* 3 matches of 4 and 3: Jaro 11/12, prefix 3. */
	expect_near(compare_jaro_winkler(cut, 4, "caf", 3),
		    11.0 / 12 + 0.3 / 12, 1e-12, "cut multibyte");
	assert_false(compare_initials(bad + 1, 1, "x", 1));
}

/* --- initials ------------------------------------------------------------- */

static void initials_agree_as_sequences(void **state)
{
	(void)state;
	assert_true(initials("john", "jane"));
	assert_true(initials("john robert", "jim roger"));
	assert_true(initials("mary-jane", "mike.jones"));
	assert_false(initials("john", "robert"));
	assert_false(initials("john robert", "robert john"));
	assert_false(initials("john robert", "john"));
}

static void initials_only_match_the_first_letters(void **state)
{
	(void)state;
	assert_true(initials("j", "john"));
	assert_true(initials("j.", "john"));
	assert_true(initials("j r", "john robert"));
	assert_true(initials("j.r.", "john robert"));
	assert_true(initials("j. r.", "john robert"));
	assert_true(initials("j", "john robert"));
	assert_true(initials("m j", "mary-jane"));
	assert_false(initials("r", "john"));
	assert_false(initials("j r", "john"));
	assert_false(initials("r j", "john robert"));
	/* "jo" is a word, not initials. */
	assert_false(initials("jo", "john robert"));
}

static void initials_need_letters_on_both_sides(void **state)
{
	(void)state;
	assert_false(initials("", "john"));
	assert_false(initials("", ""));
	assert_false(initials("123", "1"));
	assert_false(initials("...", "j"));
	assert_false(initials("- .", "- ."));
}

static void initials_are_code_points(void **state)
{
	(void)state;
	assert_true(initials("ε", "ελένη"));
	assert_true(initials("ε. μ.", "ελένη μαρία"));
	assert_false(initials("ε", "ηλένη"));
	/* Non-breaking space separates words too. */
	assert_true(initials("j\xc2\xa0r", "john robert"));
}

/* --- dates ---------------------------------------------------------------- */

static void date_days_counts_calendar_days(void **state)
{
	(void)state;
	assert_int_equal(days("2024-02-29", "2024-03-01"), 1);
	assert_int_equal(days("2024-03-01", "2024-02-29"), 1);
	assert_int_equal(days("2024-01-01", "2024-01-01"), 0);
	assert_int_equal(days("1999-12-31", "2000-01-01"), 1);
	assert_int_equal(days("2023-01-01", "2024-01-01"), 365);
	assert_int_equal(days("2024-01-01", "2025-01-01"), 366);
	assert_int_equal(days("2000-02-28", "2000-03-01"), 2);
	assert_int_equal(days("1900-02-28", "1900-03-01"), 1);
	assert_int_equal(days("0001-01-01", "9999-12-31"), 3652058);
}

static void date_days_reads_both_forms(void **state)
{
	(void)state;
	assert_int_equal(days("20240229", "2024-03-01"), 1);
	assert_int_equal(days("20240229", "20240301"), 1);
	/* Only len bytes are read. */
	assert_int_equal(compare_date_days("2024-01-10xyz", 10, "20240101!", 8),
			 9);
}

static void date_days_refuses_what_is_not_a_date(void **state)
{
	static const char *const bad[] = {
		"2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10",
		"2024-01-00", "2024-01-32", "2024-04-31", "0000-01-01",
		"2024-1-01", "2024/01/01", "2024-01-01 ", " 2024-01-01",
		"", "abcd-ef-gh", "2024010", "202401011", "2024-01-01T00:00",
		"+2024-01-1", "20240230",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (days(bad[i], "2024-01-01") != -1)
			fail_msg("'%s' was read as a date", bad[i]);
		if (days("2024-01-01", bad[i]) != -1)
			fail_msg("'%s' was read as a date (second)", bad[i]);
	}
}

/* --- numbers -------------------------------------------------------------- */

static void numeric_gives_the_absolute_difference(void **state)
{
	double d = 0;

	(void)state;
	assert_true(compare_numeric(S("3.5"), S("1"), &d));
	expect_near(d, 2.5, 0, "3.5 - 1");
	assert_true(compare_numeric(S("-2"), S("3"), &d));
	expect_near(d, 5, 0, "-2 - 3");
	assert_true(compare_numeric(S("1e3"), S("999"), &d));
	expect_near(d, 1, 0, "1e3 - 999");
	assert_true(compare_numeric(S(".5"), S("+5."), &d));
	expect_near(d, 4.5, 0, ".5 - 5.");
	assert_true(compare_numeric(S("1E-2"), S("0"), &d));
	expect_near(d, 0.01, 1e-15, "1E-2");
	/* Only len bytes are read: "12" and "3". */
	assert_true(compare_numeric("12345", 2, "3x", 1, &d));
	expect_near(d, 9, 0, "bounded");
}

static void numeric_refuses_what_is_not_a_finite_number(void **state)
{
	static const char *const bad[] = {
		"", "abc", "0x10", "inf", "-inf", "nan", " 1", "1 ", "1e",
		"1e+", "+", "-", ".", "1,5", "1.2.3", "1e400", "--1", "1_000",
	};
	double d = 42;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (compare_numeric(bad[i], strlen(bad[i]), S("1"), &d) ||
		    compare_numeric(S("1"), bad[i], strlen(bad[i]), &d))
			fail_msg("'%s' was read as a number", bad[i]);
	}
	/* The difference itself may overflow. */
	assert_false(compare_numeric(S("1.7e308"), S("-1.7e308"), &d));
	expect_near(d, 42, 0, "out left alone");
}

static void numeric_reads_at_most_63_bytes(void **state)
{
	char num[65];
	double d = 0;

	(void)state;
	num[0] = '1';
	memset(num + 1, '0', sizeof(num) - 2);
	num[64] = '\0';
	assert_true(compare_numeric(num, 63, S("0"), &d));
	expect_near(d, 1e62, 1e47, "63 bytes");
	assert_false(compare_numeric(num, 64, S("0"), &d));
}

/* --- Soundex -------------------------------------------------------------- */

static void soundex_matches_published_codes(void **state)
{
	(void)state;
	expect_soundex("Robert", "R163");
	expect_soundex("Rupert", "R163");
	expect_soundex("Rubin", "R150");
	expect_soundex("Ashcraft", "A261");
	expect_soundex("Ashcroft", "A261");
	expect_soundex("Tymczak", "T522");
	expect_soundex("Pfister", "P236");
	expect_soundex("Honeyman", "H555");
	expect_soundex("Jackson", "J250");
	expect_soundex("Washington", "W252");
}

static void soundex_is_upper_case_and_padded(void **state)
{
	(void)state;
	expect_soundex("robert", "R163");
	expect_soundex("lee", "L000");
	expect_soundex("a", "A000");
	expect_soundex("gutierrez", "G362");
}

static void soundex_reads_the_first_word_with_letters(void **state)
{
	(void)state;
	expect_soundex("robert smith", "R163");
	expect_soundex("123 robert", "R163");
	expect_soundex("smith-jones", "S530");
	expect_soundex("é robert", "R163");
	/* Other characters inside a word are skipped as if absent. */
	expect_soundex("o'brien", "O165");
	expect_soundex("ashçraft", "A261");
}

static void soundex_fails_without_an_ascii_letter(void **state)
{
	char out[5] = "keep";

	(void)state;
	assert_false(compare_soundex(S(""), out));
	assert_false(compare_soundex(S("123 456"), out));
	assert_false(compare_soundex(S("ελένη"), out));
	assert_false(compare_soundex(NULL, 0, out));
	assert_string_equal(out, "keep");
}

/* --- long values ---------------------------------------------------------- */

/* n copies of unit into buf (which must hold them and a NUL). */
static char *repeat(char *buf, const char *unit, size_t n)
{
	size_t u = strlen(unit);

	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * u, unit, u);
	buf[n * u] = '\0';
	return buf;
}

static void long_values_are_compared_on_their_first_64_code_points(void **state)
{
	static char a[1024], b[1024], c[1024];

	(void)state;
	repeat(a, "é", 200);
	/* b differs from a only after code point 64: equal under the cap. */
	repeat(b, "é", 64);
	memcpy(b + strlen(b), "xyz", 4);
	assert_int_equal(lev(a, b, SIZE_MAX), 0);
	assert_int_equal(osa(a, b, 0), 0);
	assert_true(jw(a, b) == 1.0);

	/* One difference inside the cap counts. */
	b[0] = 'e';
	repeat(b + 1, "é", 199);
	assert_int_equal(lev(a, b, 5), 1);
	assert_int_equal(osa(a, b, 5), 1);

	/* Nothing in common: at most 64 edits. */
	repeat(c, "e", 200);
	assert_int_equal(lev(a, c, SIZE_MAX), COMPARE_MAX_CHARS);
	assert_int_equal(osa(a, c, SIZE_MAX), COMPARE_MAX_CHARS);
	assert_int_equal(lev(a, c, 10), 11);
	assert_int_equal(osa(a, c, 63), 64);
	assert_true(jw(a, c) == 0.0);
	assert_int_equal(lev(a, "", SIZE_MAX), COMPARE_MAX_CHARS);
}

static void long_values_do_not_break_the_other_comparisons(void **state)
{
	static char a[1024], b[1024];
	char out[5];
	double d;

	(void)state;
	/* 32 initials each within the cap; b's "x" comes after it. */
	repeat(a, "j ", 200);
	repeat(b, "j.", 64);
	memcpy(b + strlen(b), "xavier", 7);
	assert_true(initials(a, b));
	repeat(a, "a", 200);
	assert_true(compare_soundex(a, strlen(a), out));
	assert_string_equal(out, "A000");
	/* A letter past the cap is not seen. */
	repeat(a, "1", 200);
	a[150] = 'r';
	assert_false(compare_soundex(a, strlen(a), out));
	assert_int_equal(compare_date_days(a, strlen(a), S("2024-01-01")), -1);
	assert_false(compare_numeric(a, strlen(a), S("1"), &d));
}

/* --- brute-force cross-check ---------------------------------------------- */

#define XMAX 9	/* longest random value, in symbols */

/* Symbols of the random values: one of them is two bytes long. */
static const char *const alphabet[] = { "a", "b", "c", "é" };

static uint32_t lcg_next(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 16;
}

static size_t random_value(uint32_t *seed, int *sym, char *text)
{
	size_t n = lcg_next(seed) % (XMAX + 1);

	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		sym[i] = (int)(lcg_next(seed) % ARRAY_SIZE(alphabet));
		memcpy(text + strlen(text), alphabet[sym[i]],
		       strlen(alphabet[sym[i]]) + 1);
	}
	return n;
}

static size_t min3(size_t x, size_t y, size_t z)
{
	size_t m = x < y ? x : y;

	return m < z ? m : z;
}

/* The full matrix, as in the textbook; with swaps, the OSA recurrence. */
static size_t reference_distance(const int *a, size_t n, const int *b,
				 size_t m, bool swaps)
{
	size_t d[XMAX + 1][XMAX + 1];

	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
			if (swaps && i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[n][m];
}

static void check_capped(const char *x, const char *y, size_t want,
			 bool swaps)
{
	for (size_t max = 0; max <= want + 2; max++) {
		size_t got = swaps ? osa(x, y, max) : lev(x, y, max);
		size_t expect = want <= max ? want : max + 1;

		if (got != expect)
			fail_msg("%s('%s', '%s', max %zu) = %zu, expected %zu",
				 swaps ? "damerau" : "levenshtein", x, y, max,
				 got, expect);
	}
}

static void edit_distances_agree_with_the_full_matrix(void **state)
{
	uint32_t seed = 20240229;

	(void)state;
	for (int round = 0; round < 400; round++) {
		int a[XMAX], b[XMAX];
		char x[XMAX * 2 + 1], y[XMAX * 2 + 1];
		size_t n = random_value(&seed, a, x);
		size_t m = random_value(&seed, b, y);
		size_t l = reference_distance(a, n, b, m, false);
		size_t o = reference_distance(a, n, b, m, true);

		if (lev(x, y, 1000) != l || osa(x, y, 1000) != o)
			fail_msg("'%s'/'%s': levenshtein %zu (want %zu), "
				 "damerau %zu (want %zu)", x, y,
				 lev(x, y, 1000), l, osa(x, y, 1000), o);
		check_capped(x, y, l, false);
		check_capped(x, y, o, true);
		if (jw(x, y) != jw(y, x) || !(jw(x, y) >= 0 && jw(x, y) <= 1))
			fail_msg("jaro-winkler '%s'/'%s' %.17g, reversed %.17g",
				 x, y, jw(x, y), jw(y, x));
	}
}

/* --- words, trailing digits, transposed dates ----------------------------- */

static double wjw(const char *a, const char *b)
{
	return compare_word_jaro_winkler(a, strlen(a), b, strlen(b));
}

static void word_jaro_winkler_ignores_word_order(void **state)
{
	(void)state;
	expect_near(wjw("shaw daniella", "daniella shaw"), 1.0, 1e-12, "swapped");
	expect_near(wjw("kristen salinger", "salenger, kristin"),
		    (jw("kristen", "kristin") + jw("salinger", "salenger")) / 2,
		    1e-12, "typos in any order");
	expect_near(wjw("a-b", "b.a"), 1.0, 1e-12, "hyphens and dots break words");
}

static void word_jaro_winkler_weighs_a_missing_word_both_ways(void **state)
{
	double one = wjw("susan meyer", "susan meyer thomas");

	(void)state;
	/* each of the two words is found (1), and the third word's best
	 * match counts against the longer side only */
	expect_near(one, (1.0 + (2.0 + fmax(jw("thomas", "susan"),
					    jw("thomas", "meyer"))) / 3) / 2,
		    1e-12, "one word more");
	assert_true(one < 1.0);
	assert_true(wjw("ann", "ann lee") < wjw("ann lee", "ann lee"));
}

static void word_jaro_winkler_empty_values(void **state)
{
	(void)state;
	expect_near(wjw("", ""), 1.0, 0, "both empty");
	expect_near(wjw(" , ", ""), 1.0, 0, "no words on either side");
	expect_near(wjw("ann", " "), 0.0, 0, "one side without words");
}

static void word_jaro_winkler_is_symmetric_and_in_range(void **state)
{
	static const char *const v[] = {
		"123 main st, las vegas", "main street 123", "hajah maimunah",
		"hajah mamunah jln pisang", "x", "universal exports usa",
		"univrsl export", "ВАСИЛЬЕВ александр", "",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++) {
			double x = wjw(v[i], v[j]), y = wjw(v[j], v[i]);

			assert_true(x == y);
			assert_true(x >= 0.0 && x <= 1.0);
		}
}

static void trailing_digits_count_from_the_end(void **state)
{
	(void)state;
	assert_int_equal(compare_trailing_digits(S("+1 (702) 221-2412"),
						 S("221 2412")), 7);
	assert_int_equal(compare_trailing_digits(S("+39 0352 6553537"),
						 S("03526553537")), 11);
	assert_int_equal(compare_trailing_digits(S("702-919-1300"),
						 S("702-919-1301")), 0);
	assert_int_equal(compare_trailing_digits(S("12"), S("x12y")), 2);
	assert_int_equal(compare_trailing_digits(S("n/a"), S("12")), 0);
	assert_int_equal(compare_trailing_digits(S(""), S("")), 0);
	/* only len bytes are read */
	assert_int_equal(compare_trailing_digits("1234", 3, "99923", 5), 2);
}

static void date_transposed_needs_day_and_month_swapped(void **state)
{
	(void)state;
	assert_true(compare_date_transposed(S("2006-08-02"), S("2006-02-08")));
	assert_true(compare_date_transposed(S("1978-12-11"), S("1978-11-12")));
	assert_false(compare_date_transposed(S("2006-08-02"), S("2006-08-02")));
	assert_false(compare_date_transposed(S("2006-08-02"), S("2007-02-08")));
	assert_false(compare_date_transposed(S("2006-08-02"), S("2006-02-09")));
	/* only real dates, written with hyphens */
	assert_false(compare_date_transposed(S("2006-08-31"), S("2006-31-08")));
	assert_false(compare_date_transposed(S("20060802"), S("20060208")));
}

static void comparisons_allocate_nothing(void **state)
{
	char out[5];
	double d;

	(void)state;
	alloc_fail_after(-1);	/* resets the counter */
	(void)jw("martha", "marhta");
	(void)lev("kitten", "sitting", 2);
	(void)osa("kitten", "sitting", 2);
	(void)initials("j r", "john robert");
	(void)days("2024-02-29", "2024-03-01");
	(void)compare_numeric(S("1"), S("2"), &d);
	(void)compare_soundex(S("robert"), out);
	(void)wjw("salinger kristen", "kristin salenger");
	(void)compare_trailing_digits(S("702-221-2412"), S("2212412"));
	(void)compare_date_transposed(S("2006-08-02"), S("2006-02-08"));
	assert_int_equal(alloc_count(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jaro_winkler_matches_published_values),
		cmocka_unit_test(jaro_winkler_identical_is_one_and_disjoint_is_zero),
		cmocka_unit_test(jaro_winkler_empty_values),
		cmocka_unit_test(jaro_winkler_boost_needs_jaro_of_point_seven),
		cmocka_unit_test(jaro_winkler_counts_code_points),
		cmocka_unit_test(jaro_winkler_is_symmetric_and_in_range),
		cmocka_unit_test(levenshtein_matches_textbook_values),
		cmocka_unit_test(levenshtein_returns_max_plus_one_past_the_cap),
		cmocka_unit_test(levenshtein_of_empty_values),
		cmocka_unit_test(levenshtein_counts_code_points),
		cmocka_unit_test(damerau_counts_an_adjacent_swap_once),
		cmocka_unit_test(damerau_is_optimal_string_alignment),
		cmocka_unit_test(damerau_is_capped_like_levenshtein),
		cmocka_unit_test(malformed_bytes_count_as_one_code_point),
		cmocka_unit_test(initials_agree_as_sequences),
		cmocka_unit_test(initials_only_match_the_first_letters),
		cmocka_unit_test(initials_need_letters_on_both_sides),
		cmocka_unit_test(initials_are_code_points),
		cmocka_unit_test(date_days_counts_calendar_days),
		cmocka_unit_test(date_days_reads_both_forms),
		cmocka_unit_test(date_days_refuses_what_is_not_a_date),
		cmocka_unit_test(numeric_gives_the_absolute_difference),
		cmocka_unit_test(numeric_refuses_what_is_not_a_finite_number),
		cmocka_unit_test(numeric_reads_at_most_63_bytes),
		cmocka_unit_test(soundex_matches_published_codes),
		cmocka_unit_test(soundex_is_upper_case_and_padded),
		cmocka_unit_test(soundex_reads_the_first_word_with_letters),
		cmocka_unit_test(soundex_fails_without_an_ascii_letter),
		cmocka_unit_test(metaphone_hears_one_name_in_spellings),
		cmocka_unit_test(metaphone_reads_ascii_letters_only),
		cmocka_unit_test(long_values_are_compared_on_their_first_64_code_points),
		cmocka_unit_test(long_values_do_not_break_the_other_comparisons),
		cmocka_unit_test(edit_distances_agree_with_the_full_matrix),
		cmocka_unit_test(word_jaro_winkler_ignores_word_order),
		cmocka_unit_test(word_jaro_winkler_weighs_a_missing_word_both_ways),
		cmocka_unit_test(word_jaro_winkler_empty_values),
		cmocka_unit_test(word_jaro_winkler_is_symmetric_and_in_range),
		cmocka_unit_test(trailing_digits_count_from_the_end),
		cmocka_unit_test(date_transposed_needs_day_and_month_swapped),
		cmocka_unit_test(comparisons_allocate_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
