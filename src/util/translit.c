/*
 * translit.c - names in other scripts written in Latin letters.  See
 * translit.h.
 */
#include "util/translit.h"

#include <pthread.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

/* Any script to Latin (ISO 9 for Cyrillic: "Pavlovič"), the primes it
 * writes for soft and hard signs dropped (ʹ ʺ, as passports drop them),
 * then Latin to ASCII ("Pavlovic", one letter from "Pavlovich").
 * Russian-Latin/BGN first was tried: its "Alyaksandr" for Belarusian
 * "Аляксандр" is further from "Alexander" than ISO 9's "Alaksandr". */
static const char translit_id[] =
	"Any-Latin; [\\u02B9\\u02BA] Remove; Latin-ASCII";

static pthread_once_t translit_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t translit_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *translit;

static void translit_open(void)
{
	UChar id[sizeof(translit_id)];
	UErrorCode e = U_ZERO_ERROR;

	u_uastrcpy(id, translit_id);
	translit = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
	if (U_FAILURE(e))
		translit = NULL;
}

bool translit_latin(const char *s, size_t n, struct buf *out)
{
	/* a name grows when romanised ("王" is "wang"): room for six
	 * times its UTF-16 length, and a margin */
	enum { CAP = 6 * TRANSLIT_MAX + 64 };
	UChar text[CAP];
	char utf8[4 * CAP];
	int32_t len = 0, limit, written = 0;
	UErrorCode e = U_ZERO_ERROR;
	bool ok;

	if (n > TRANSLIT_MAX)
		return false;
	pthread_once(&translit_once, translit_open);
	if (!translit)
		return false;
	u_strFromUTF8(text, CAP, &len, s, (int32_t)n, &e);
	if (U_FAILURE(e))
		return false;
	limit = len;
	pthread_mutex_lock(&translit_lock);
	utrans_transUChars(translit, text, &len, CAP, 0, &limit, &e);
	pthread_mutex_unlock(&translit_lock);
	if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING)
		return false;
	u_strToUTF8(utf8, (int32_t)sizeof(utf8), &written, text, len, &e);
	ok = U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING;
	if (ok)
		buf_add(out, utf8, (size_t)written);
	return ok;
}
