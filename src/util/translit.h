/*
 * translit.h - names in other scripts written in Latin letters, for
 * identity matching.
 *
 * A person's name reaches one system in Cyrillic, Greek, Han or Khmer
 * letters and another in Latin ones.  To compare the two, identity
 * normalisation writes the first in plain Latin letters with ICU's
 * transliterators: any script to Latin, modifier primes dropped, then
 * Latin to ASCII ("Александр Павлович" is "Aleksandr Pavlovic", "王力"
 * is "wang li").  ICU is the one library here that knows every script's
 * romanisation; docs/dependencies.md says why it is used.
 *
 * Thread-safe: one transliterator is opened on first use and shared under
 * a mutex (names outside the Latin script are few, so the lock is
 * rarely taken).
 */
#ifndef STEWARD_TRANSLIT_H
#define STEWARD_TRANSLIT_H

#include "util/buf.h"

/*
 * Append to out the n bytes of valid UTF-8 at s written in Latin letters
 * (ASCII where the script has a romanisation; characters with none stay
 * as they are), and return true.  Returns false, out untouched, when s is
 * not valid UTF-8, is longer than TRANSLIT_MAX bytes, or ICU cannot open
 * its transliterator or runs out of room.
 */
#define TRANSLIT_MAX 1024
bool translit_latin(const char *s, size_t n, struct buf *out);

#endif
