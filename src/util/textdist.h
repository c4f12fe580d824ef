/*
 * textdist.h - edit distance, for "did you mean ...?" suggestions.
 */
#ifndef STEWARD_TEXTDIST_H
#define STEWARD_TEXTDIST_H

#include "common.h"

/* Levenshtein distance between two byte strings, capped at max (returns
 * max + 1 when the distance is larger, without finishing the work).  For
 * suggestions only: strings longer than 64 bytes count as distance 0 when
 * equal and max + 1 otherwise. */
size_t textdist_levenshtein(const char *a, size_t alen, const char *b,
			    size_t blen, size_t max);

/* The candidate closest to word (distance <= 2, or <= a third of the
 * word's length), or NULL. */
const char *textdist_suggest(const char *word, const char *const *cands,
			     size_t n);

#endif
