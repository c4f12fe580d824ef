/*
 * textdist.c - bounded Levenshtein distance and suggestions.
 */
#include "textdist.h"

size_t textdist_levenshtein(const char *a, size_t alen, const char *b,
			    size_t blen, size_t max)
{
	size_t row[65], best;

	if (alen > blen ? alen - blen > max : blen - alen > max)
		return max + 1;
	if (blen > 64 || alen > 64)
		return (alen == blen && !memcmp(a, b, alen)) ? 0 : max + 1;
	for (size_t j = 0; j <= blen; j++)
		row[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t diag = row[0];

		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= blen; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = diag + cost;

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[blen] > max ? max + 1 : row[blen];
}

const char *textdist_suggest(const char *word, const char *const *cands,
			     size_t n)
{
	size_t wlen = strlen(word), limit = wlen / 3, best_d;
	const char *best = NULL;

	if (limit < 2)
		limit = 2;
	best_d = limit + 1;
	for (size_t i = 0; i < n; i++) {
		size_t d;

		if (!cands[i])
			continue;
		d = textdist_levenshtein(word, wlen, cands[i], strlen(cands[i]),
					 limit);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best;
}
