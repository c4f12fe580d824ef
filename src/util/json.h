/*
 * json.h - writing JSON strings, and reading back the few small arrays
 * steward stores as JSON in its history ([["value", count], ...]).
 */
#ifndef STEWARD_JSON_H
#define STEWARD_JSON_H

#include "buf.h"

/* Append s as a JSON string (with quotes), escaping as RFC 8259 requires;
 * invalid UTF-8 bytes become U+FFFD. */
void json_string(struct buf *out, const char *s, size_t len);
static inline void json_cstring(struct buf *out, const char *s)
{
	json_string(out, s ? s : "", s ? strlen(s) : 0);
}

/*
 * Parse an array of pairs [["text", 123], ...] as written by steward.
 * Calls fn for each pair with the unescaped text; stops and returns -1 on
 * malformed input.  Returns the number of pairs.
 */
int json_pairs(const char *json, void (*fn)(void *, const char *, size_t,
					    double), void *arg);

#endif
