/*
 * compare.h - how alike two attribute values are, for identity resolution.
 *
 * The Fellegi-Sunter model behind identity resolution compares a candidate
 * pair of records attribute by attribute and turns each comparison into an
 * agreement level (agree, nearly agree, disagree) whose m and u
 * probabilities weigh the evidence.  These are the comparisons: string
 * similarity and edit distances for names and addresses, initials for
 * given names, day and numeric differences, and Soundex for blocking.
 *
 * Values arrive already normalised by the caller (valid UTF-8, lower case,
 * accents stripped) as (pointer, length), not necessarily NUL-terminated.
 * Everything counts Unicode code points, not bytes, except Soundex, which
 * reads ASCII letters only.  A malformed byte, should one slip through,
 * counts as one U+FFFD and never makes a function read past len.
 *
 * These run for every candidate pair, so none of them allocates or touches
 * shared state: work happens in fixed arrays on the stack, and any thread
 * may call any of them.  To keep that work bounded, every string
 * comparison reads at most the first COMPARE_MAX_CHARS code points of each
 * value and ignores the rest: two values that differ only after that point
 * compare as equal.  Dates have a fixed length, and numbers longer than 63
 * bytes are refused.
 */
#ifndef STEWARD_COMPARE_H
#define STEWARD_COMPARE_H

#include "util/common.h"

/* Code points of each value that a comparison reads; the rest is ignored.
 * Names and address lines are far shorter, and the edit distances cost
 * O(COMPARE_MAX_CHARS^2) in the worst case. */
#define COMPARE_MAX_CHARS 64

/*
 * Jaro-Winkler similarity in [0, 1].  Jaro counts the matching code points
 * (equal and at most max(|a|, |b|) / 2 - 1 positions apart, each matched once)
 * m, and the transpositions t (half the matched code points that appear in
 * a different order), giving (m/|a| + m/|b| + (m - t)/m) / 3, or 0 when
 * m is 0.  When Jaro >= 0.7, Winkler adds l * 0.1 * (1 - Jaro), l being
 * the common prefix, at most 4 code points.  Two empty values give 1, one
 * empty value gives 0.  Symmetric: (a, b) and (b, a) give the same bits.
 */
double compare_jaro_winkler(const char *a, size_t alen, const char *b,
			    size_t blen);

/*
 * Levenshtein distance in code points (insertions, deletions and
 * substitutions cost 1 each), capped: returns max + 1 as soon as the
 * distance is known to exceed max, doing work proportional to max times
 * the length rather than the product of the lengths.  With max >=
 * COMPARE_MAX_CHARS the exact distance is returned.
 */
size_t compare_levenshtein(const char *a, size_t alen, const char *b,
			   size_t blen, size_t max);

/*
 * Damerau-Levenshtein distance in code points, the optimal string
 * alignment variant: as Levenshtein, plus swapping two adjacent code
 * points costs 1, but no substring is edited twice (so "ca" to "abc" is 3,
 * not 2).  Capped like compare_levenshtein().
 */
size_t compare_damerau(const char *a, size_t alen, const char *b,
		       size_t blen, size_t max);

/*
 * Initials agreement for person names.  Each value is split into words on
 * white space, hyphens and dots; a word's initial is its first letter
 * (words without letters are ignored).  True when the two sequences of
 * initials are equal ("john robert" and "jim roger"), or when one value
 * is initials only (every word a single letter: "j", "j.", "j r", "j.r.")
 * and those are the first initials of the other ("j" and "john", "j r"
 * and "john robert smith").  False when either value has no letter.
 */
bool compare_initials(const char *a, size_t alen, const char *b,
		      size_t blen);

/*
 * Absolute distance in days between two dates, each written YYYY-MM-DD or
 * YYYYMMDD (ASCII digits, year 0001-9999, nothing around them).  Returns
 * -1 when either is not a real calendar date ("2023-02-29", "2024-13-01").
 */
int64_t compare_date_days(const char *a, size_t alen, const char *b,
			  size_t blen);

/*
 * Absolute difference |a - b| of two decimal numbers (an optional sign,
 * digits with an optional fraction, an optional exponent; nothing around
 * them, no hexadecimal, "inf" or "nan"), read with strtod() from a bounded
 * copy.  Returns true and sets *out, or returns false and leaves *out alone
 * when either value is not such a number, is longer than 63 bytes, is out
 * of range of a double, or when the difference overflows.  strtod() reads
 * the C locale's decimal point: nothing in the library calls setlocale().
 */
bool compare_numeric(const char *a, size_t alen, const char *b, size_t blen,
		     double *out);

/*
 * Word by word Jaro-Winkler in [0, 1], for values whose words may come in
 * any order ("salinger kristen" and "kristin salenger") or where one has a
 * word more ("susan meyer" and "susan meyer thomas"): each word of one
 * value is scored against its best match among the other's words, the
 * scores are averaged, and the result is the mean of both directions (the
 * Monge-Elkan similarity, made symmetric).  Words are split on white
 * space, hyphens, dots, commas, semicolons, slashes, parentheses, '#' and
 * '"'.  Two values without words give 1, one without words 0.
 */
double compare_word_jaro_winkler(const char *a, size_t alen, const char *b,
				 size_t blen);

/*
 * How many trailing digits two values share, reading only the ASCII
 * digits from the end ("+1 (702) 221-2412" and "221 2412" share 7): a
 * phone written with and without its country or area code keeps its last
 * digits.
 */
size_t compare_trailing_digits(const char *a, size_t alen, const char *b,
			       size_t blen);

/*
 * True when two different dates written YYYY-MM-DD have the same year and
 * day and month swapped ("2006-08-02" and "2006-02-08"): one date written
 * day first and read month first.
 */
bool compare_date_transposed(const char *a, size_t alen, const char *b,
			     size_t blen);

/*
 * American Soundex of the first word (split as for compare_initials) that
 * has an ASCII letter, into out as the letter upper-case and three digits,
 * padded with '0', NUL-terminated ("robert" and "rupert" give "R163").
 * Other characters are skipped as if absent.  Letters coded alike are
 * written once when adjacent or separated only by H or W ("ashcraft" is
 * A261), and twice when a vowel (A E I O U Y) separates them ("tymczak"
 * is T522); the first letter's code counts ("pfister" is P236).  Returns
 * false, leaving out alone, when the value has no ASCII letter.
 */
bool compare_soundex(const char *s, size_t len, char out[5]);

/*
 * Metaphone code (Lawrence Philips, 1990) of one word of ASCII letters,
 * into out (size bytes, NUL-terminated, cut to fit): how an English
 * speaker would say it, in consonant sounds: "keeley" and "kaylee" are
 * both KL, "mohamed" and "muhammed" MHMT, "mark" MRK but "marsha" MRX.
 * Vowels count only as the first letter; TH is written '0'.  Reads the
 * first COMPARE_MAX_CHARS letters.  Returns false, out unchanged, when the
 * word is empty or holds anything but ASCII letters.
 */
bool compare_metaphone(const char *s, size_t len, char *out, size_t size);

#endif
