/*
 * fuzz_identity.c - libFuzzer target for identity resolution's input
 * parsing and normalisation.
 *
 * The first byte, plus one, modulo 3 chooses a mode ('A', 'B' and 'C' pick
 * modes A, B and C; every other byte picks one too); the rest is the
 * payload.  Values are the payload's lines, each copied into a buffer of
 * exactly its length, so that reading past a value's end is an ASan error
 * and not a read of the next line.  Invariants, each an abort() when broken:
 *
 * A, normalisation: each value under every attribute type
 *   - normalised from valid UTF-8 is valid UTF-8, and normalising the
 *     output again gives the output (the capital sharp s, U+1E9E, once
 *     broke this: corpus/identity/a-sharp-s).  Only from valid UTF-8: invalid bytes are
 *     copied through, so dropping a space between two of them can make a
 *     character ("\xC3 \xA9" as a phone is "\xC3\xA9", then "e");
 *   - has no ASCII capital; has no leading, trailing or doubled space; a
 *     person name has none of the separators that split its words
 *     (tab . , " ( ) '); other types have no tab, CR or LF;
 *   - phones and postcodes are the text form without its spaces.
 * B, comparisons: each value with the next line (a lone value with
 * itself), and each value with itself, where Jaro-Winkler is 1 and the
 * edit distances capped at 0 are 0
 *   - Jaro-Winkler lies in [0, 1], is symmetric to the bit, and is 1
 *     exactly for equal values (valid UTF-8, at most COMPARE_MAX_CHARS
 *     code points; equal bytes give 1 at any length);
 *   - Levenshtein and Damerau are symmetric; capped at max they are the
 *     exact distance or max + 1, whichever is smaller; the exact distance
 *     lies between the difference of the lengths and the longer length,
 *     and is 0 exactly for equal values (as above); Damerau <= Levenshtein;
 *   - Soundex, when it answers, is [A-Z][0-6]{3} led by a letter of the
 *     value; it answers when an ASCII letter is in the first
 *     COMPARE_MAX_CHARS bytes, never without one, and leaves out alone
 *     when it does not;
 *   - Metaphone answers exactly for ASCII letters, in upper case and
 *     '0', within its buffer, and cut short is the longer code's start;
 *   - initials, date distances and numeric differences are symmetric; a
 *     date distance is -1 or in 0 .. 9999 years, a date is 0 days from
 *     itself and from its YYYYMMDD form; a numeric difference is finite,
 *     >= 0, and 0 for a number with itself.
 * C, files: the payload is written to a temporary file, then read
 *   - as a truth file by a new evaluator (after a few fixed run records):
 *     it succeeds or fails with ST_ERR and a diagnostic naming the file,
 *     a line the file has and a message; after success evaluator_finish
 *     succeeds with precision, recall and F1 in [0, 1] and counts that
 *     agree (found <= pairs, matched <= records, entities <= matched);
 *   - as a nickname table by a new resolver over a small fixed policy
 *     (written once into a private directory, loaded, and the directory
 *     removed): the same success-or-diagnostic rule.
 * Running out of memory is not expected at the sizes libFuzzer feeds, and
 * nothing may leak (LeakSanitizer checks that, not this file).
 */
#include <math.h>
#include <unistd.h>

#include "identity/compare.h"
#include "identity/evaluate.h"
#include "identity/resolve.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/utf8.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Days from 0001-01-01 to 9999-12-31: the farthest two dates can be. */
#define MAX_DATE_DAYS 3652058

/* A copy of a value in a buffer of exactly its length (no NUL after it). */
static char *value_dup(const uint8_t *s, size_t len)
{
	char *v = xmalloc(len ? len : 1);

	CHECK(v != NULL);
	if (len)
		memcpy(v, s, len);
	return v;
}

/* Code points of valid UTF-8: the bytes that are not continuations. */
static size_t code_points(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

/* --- A: normalisation ----------------------------------------------------- */

/* The shape of a normalised value, whatever the input. */
static void check_shape(enum attribute_type t, const struct buf *out)
{
	const char *s = out->data;
	size_t n = out->len;

	CHECK(!buf_error(out) && s[n] == '\0');
	CHECK(!n || (s[0] != ' ' && s[n - 1] != ' '));
	for (size_t i = 0; i < n; i++) {
		CHECK(s[i] < 'A' || s[i] > 'Z');
		CHECK(!(s[i] == ' ' && i && s[i - 1] == ' '));
		CHECK(s[i] != '\t' && s[i] != '\n');
		if (t == ATTR_PERSON_NAME)
			CHECK(!strchr(".,\"()'", s[i]) || !s[i]);
		else
			CHECK(s[i] != '\r');
		if (t == ATTR_PHONE || t == ATTR_POSTCODE)
			CHECK(s[i] != ' ');
	}
}

static void check_normalise(const char *v, size_t len, enum attribute_type t,
			    struct buf *out, struct buf *again)
{
	bool valid = utf8_valid(v, len);

	identity_normalise(t, v, len, out);
	check_shape(t, out);
	if (!valid)
		return;
	CHECK(utf8_valid(out->data, out->len));
	identity_normalise(t, out->data, out->len, again);
	CHECK(!buf_error(again));
	CHECK(same_bytes(out->data, out->len, again->data, again->len));
}

/* Phones and postcodes are the text form without its spaces. */
static void check_squeezed(const char *v, size_t len, struct buf *out,
			   struct buf *text)
{
	size_t k = 0;

	identity_normalise(ATTR_TEXT, v, len, text);
	identity_normalise(ATTR_PHONE, v, len, out);
	for (size_t i = 0; i < text->len; i++) {
		if (text->data[i] == ' ')
			continue;
		CHECK(k < out->len && out->data[k] == text->data[i]);
		k++;
	}
	CHECK(k == out->len);
	identity_normalise(ATTR_POSTCODE, v, len, text);
	CHECK(same_bytes(out->data, out->len, text->data, text->len));
}

static void normalise_value(const char *v, size_t len)
{
	struct buf out = BUF_INIT, again = BUF_INIT;

	for (int t = ATTR_EMAIL; t <= ATTR_IDENTIFIER; t++)
		check_normalise(v, len, (enum attribute_type)t, &out, &again);
	check_squeezed(v, len, &out, &again);
	buf_release(&out);
	buf_release(&again);
}

/* --- B: comparisons ------------------------------------------------------- */

static void check_jaro_winkler(const char *a, size_t al, const char *b,
			       size_t bl, bool comparable)
{
	double x = compare_jaro_winkler(a, al, b, bl);
	double y = compare_jaro_winkler(b, bl, a, al);

	CHECK(x >= 0.0 && x <= 1.0);
	CHECK(!memcmp(&x, &y, sizeof(x)));
	if (same_bytes(a, al, b, bl))
		CHECK(x == 1.0);
	if (comparable)
		CHECK((x == 1.0) == same_bytes(a, al, b, bl));
}

/* One edit distance: its exact value, checked against every cap. */
static size_t check_distance(size_t (*f)(const char *, size_t, const char *,
					size_t, size_t),
			     const char *a, size_t al, const char *b, size_t bl,
			     size_t pick, bool comparable)
{
	const size_t caps[] = { 0, 1, 2, pick };
	size_t exact = f(a, al, b, bl, SIZE_MAX);

	CHECK(exact <= COMPARE_MAX_CHARS);
	CHECK(exact == f(b, bl, a, al, COMPARE_MAX_CHARS));
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		size_t d = f(a, al, b, bl, caps[i]);

		CHECK(d == (exact <= caps[i] ? exact : caps[i] + 1));
		CHECK(d == f(b, bl, a, al, caps[i]));
	}
	if (same_bytes(a, al, b, bl))
		CHECK(exact == 0);
	if (comparable) {
		size_t na = code_points(a, al), nb = code_points(b, bl);

		CHECK((exact == 0) == same_bytes(a, al, b, bl));
		CHECK(exact >= (na > nb ? na - nb : nb - na));
		CHECK(exact <= (na > nb ? na : nb));
	}
	return exact;
}

static void check_edit_distances(const char *a, size_t al, const char *b,
				 size_t bl, size_t pick, bool comparable)
{
	size_t lev = check_distance(compare_levenshtein, a, al, b, bl, pick,
				    comparable);
	size_t dam = check_distance(compare_damerau, a, al, b, bl, pick,
				    comparable);

	CHECK(dam <= lev);
}

static void check_soundex(const char *s, size_t len)
{
	char out[5] = "????";
	bool letter = false, early = false;
	bool ok = compare_soundex(s, len, out);

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			letter = true;
			early |= i < COMPARE_MAX_CHARS;
		}
	}
	CHECK(!ok || letter);
	CHECK(ok || !early);
	if (!ok) {
		CHECK(!memcmp(out, "????", 5));
		return;
	}
	CHECK(out[0] >= 'A' && out[0] <= 'Z' && out[4] == '\0');
	for (int i = 1; i < 4; i++)
		CHECK(out[i] >= '0' && out[i] <= '6');
	CHECK(memchr(s, out[0], len) || memchr(s, out[0] | 0x20, len));
}

/* Metaphone answers for a word of ASCII letters (in its first
 * COMPARE_MAX_CHARS bytes), never for anything else; its code is upper
 * case letters and '0', NUL-terminated within the buffer, at most two
 * letters for each of the word's; cut short, it is the longer code's
 * start. */
static void check_metaphone(const char *s, size_t len)
{
	char out[12], small[4] = "???";
	size_t letters = 0, n = len < COMPARE_MAX_CHARS ? len : COMPARE_MAX_CHARS;
	bool ok = compare_metaphone(s, len, out, sizeof(out));

	for (size_t i = 0; i < n; i++)
		letters += ((unsigned char)s[i] | 0x20) >= 'a' &&
			   ((unsigned char)s[i] | 0x20) <= 'z';
	CHECK(ok == (n > 0 && letters == n));
	if (!ok) {
		CHECK(!compare_metaphone(s, len, small, sizeof(small)));
		CHECK(!memcmp(small, "???", 4));
		return;
	}
	CHECK(memchr(out, '\0', sizeof(out)) && strlen(out) <= 2 * n);
	for (const char *c = out; *c; c++)
		CHECK((*c >= 'A' && *c <= 'Z') || *c == '0');
	CHECK(compare_metaphone(s, len, small, sizeof(small)));
	CHECK(!strncmp(small, out, strlen(small)));
}

/* A date is 0 days from itself and from its YYYYMMDD form. */
static void check_date_self(const char *a, size_t al)
{
	int64_t self = compare_date_days(a, al, a, al);
	char compact[8];

	CHECK(self == -1 || self == 0);
	if (al != 10 || a[4] != '-' || a[7] != '-')
		return;
	memcpy(compact, a, 4);
	memcpy(compact + 4, a + 5, 2);
	memcpy(compact + 6, a + 8, 2);
	CHECK(compare_date_days(a, al, compact, 8) == self);
	CHECK(compare_date_days(compact, 8, compact, 8) == self);
}

static void check_dates(const char *a, size_t al, const char *b, size_t bl)
{
	int64_t d = compare_date_days(a, al, b, bl);

	CHECK(d == compare_date_days(b, bl, a, al));
	CHECK(d == -1 || (d >= 0 && d <= MAX_DATE_DAYS));
	if (d >= 0) {
		CHECK(compare_date_days(a, al, a, al) == 0);
		CHECK(compare_date_days(b, bl, b, bl) == 0);
	}
}

static void check_numbers(const char *a, size_t al, const char *b, size_t bl)
{
	double x = -1.0, y = -1.0, self = -1.0;
	bool ok = compare_numeric(a, al, b, bl, &x);

	CHECK(ok == compare_numeric(b, bl, a, al, &y));
	if (!ok) {
		CHECK(x == -1.0 && y == -1.0);
		return;
	}
	CHECK(!memcmp(&x, &y, sizeof(x)));
	CHECK(isfinite(x) && x >= 0.0);
	CHECK(compare_numeric(a, al, a, al, &self) && self == 0.0);
}

/* Word by word Jaro-Winkler, trailing digits and transposed dates:
 * symmetric (to the bit), in range, and a value agrees with itself. */
static void check_words_digits(const char *a, size_t al, const char *b,
			       size_t bl)
{
	double x = compare_word_jaro_winkler(a, al, b, bl);
	double y = compare_word_jaro_winkler(b, bl, a, al);
	size_t t = compare_trailing_digits(a, al, b, bl);

	CHECK(x >= 0.0 && x <= 1.0);
	CHECK(!memcmp(&x, &y, sizeof(x)));
	CHECK(t == compare_trailing_digits(b, bl, a, al));
	CHECK(t <= al && t <= bl);
	CHECK(compare_date_transposed(a, al, b, bl) ==
	      compare_date_transposed(b, bl, a, al));
	CHECK(!compare_date_transposed(a, al, a, al));
}

static void compare_pair(const char *a, size_t al, const char *b, size_t bl,
			 size_t pick)
{
	bool comparable = utf8_valid(a, al) && utf8_valid(b, bl) &&
			  code_points(a, al) <= COMPARE_MAX_CHARS &&
			  code_points(b, bl) <= COMPARE_MAX_CHARS;

	check_jaro_winkler(a, al, b, bl, comparable);
	check_edit_distances(a, al, b, bl, pick, comparable);
	CHECK(compare_initials(a, al, b, bl) == compare_initials(b, bl, a, al));
	check_dates(a, al, b, bl);
	check_numbers(a, al, b, bl);
	check_words_digits(a, al, b, bl);
}

/* A value with itself: the cheap checks (a cap of 0 keeps the edit
 * distances to one diagonal). */
static void compare_one(const char *a, size_t al)
{
	double x = -1.0;

	CHECK(compare_jaro_winkler(a, al, a, al) == 1.0);
	CHECK(compare_levenshtein(a, al, a, al, 0) == 0);
	CHECK(compare_damerau(a, al, a, al, 0) == 0);
	CHECK(!compare_numeric(a, al, a, al, &x) || x == 0.0);
	check_soundex(a, al);
	check_metaphone(a, al);
	check_date_self(a, al);
}

/* --- C: files ------------------------------------------------------------- */

/* A tiny policy with a person-name comparison, for resolver_new(). */
static const char policy_xml[] =
	"<?xml version=\"1.0\"?>\n<steward>\n"
	"<owner id=\"o\" name=\"O\" contact=\"c\"/>\n"
	"<attribute id=\"given\" type=\"person-name\" system-of-record=\"s\""
	" owner=\"o\"/>\n"
	"<source id=\"s\" kind=\"csv\" owner=\"o\"><location path=\"s.csv\"/>"
	"<key field=\"id\"/><field name=\"id\"/>"
	"<field name=\"given\" attribute=\"given\"/></source>\n"
	"<identity link=\"0.95\" review=\"0.5\" prior=\"0.001\">"
	"<compare attribute=\"given\" method=\"jaro-winkler\" levels=\"0.92 0.8\""
	" m=\"0.7 0.1 0.1 0.1\" u=\"0.01 0.01 0.03 0.95\"/>"
	"<block on=\"given\"/></identity>\n"
	"</steward>\n";

/* The fuzzer's own state, made once: the loaded policy. */
static struct policy *fuzz_policy;

static void free_policy(void)
{
	policy_free(fuzz_policy);
	policy_library_cleanup();
}

static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);
}

/* Write the policy into a private directory, load it, remove it. */
static void setup_once(void)
{
	struct buf dir = BUF_INIT, file = BUF_INIT;
	struct diag_list errors;
	int rc;

	if (fuzz_policy)
		return;
	policy_library_init();
	buf_addf(&dir, "%s/fuzz_identity.XXXXXX", tmp_dir());
	CHECK(!buf_error(&dir) && mkdtemp(dir.data) != NULL);
	buf_addf(&file, "%s/p.xml", dir.data);
	CHECK(!buf_error(&file));
	write_file(file.data, policy_xml, sizeof(policy_xml) - 1);
	diag_list_init(&errors);
	rc = policy_load(dir.data, NULL, &fuzz_policy, &errors);
	CHECK(unlink(file.data) == 0 && rmdir(dir.data) == 0);
	if (rc) {
		fprintf(stderr, "fuzz_identity: the fixed policy: %lu: %s\n",
			errors.n ? errors.items[0].line : 0,
			errors.n ? errors.items[0].msg : "?");
		abort();
	}
	diag_list_release(&errors);
	buf_release(&dir);
	buf_release(&file);
	atexit(free_policy);
}

static unsigned long count_lines(const uint8_t *data, size_t size)
{
	unsigned long lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	return lines;
}

/* ST_OK with no diagnostic, or ST_ERR with one inside the file. */
static void check_outcome(int rc, const struct diag *d, const char *path,
			  unsigned long lines)
{
	CHECK(rc == ST_OK || rc == ST_ERR);
	CHECK((rc == ST_ERR) == (d->set != 0));
	if (rc == ST_OK)
		return;
	CHECK(d->msg[0] != '\0');
	CHECK(!strcmp(d->file, path));
	CHECK(d->line <= lines);
}

static void check_result(const struct eval_result *r)
{
	CHECK(r->precision >= 0.0 && r->precision <= 1.0);
	CHECK(r->recall >= 0.0 && r->recall <= 1.0);
	CHECK(r->f1 >= 0.0 && r->f1 <= 1.0);
	CHECK(r->true_found <= r->found_pairs && r->true_found <= r->true_pairs);
	CHECK(r->matched <= r->truth_records && r->matched <= r->run_records);
	CHECK(r->truth_entities <= r->matched && r->run_entities <= r->matched);
	CHECK(r->exact_entities <= r->truth_entities &&
	      r->exact_entities <= r->run_entities);
}

/* The run a truth file is measured against; seeds use these keys. */
static const char *const run_records[][3] = {
	{ "crm", "1", "e1" }, { "crm", "2", "e1" }, { "crm", "3", "e2" },
	{ "shop", "a", "e2" }, { "shop", "b", "e3" }, { "shop", "c", "e1" },
};

static void read_truth(const char *path, unsigned long lines)
{
	struct evaluator *e;
	struct eval_result res;
	struct diag d;
	int rc;

	CHECK(evaluator_new(&e) == ST_OK);
	for (size_t i = 0; i < ARRAY_SIZE(run_records); i++)
		CHECK(evaluator_add_run(e, run_records[i][0], run_records[i][1],
					run_records[i][2]) == ST_OK);
	diag_clear(&d);
	rc = evaluator_read_truth(e, path, &d);
	check_outcome(rc, &d, path, lines);
	if (rc == ST_OK) {
		CHECK(evaluator_finish(e, &res) == ST_OK);
		CHECK(res.run_records == ARRAY_SIZE(run_records));
		check_result(&res);
	}
	evaluator_free(e);
}

static void read_nicknames(const char *path, unsigned long lines)
{
	struct resolver *r;
	struct diag d;
	int rc;

	setup_once();
	CHECK(resolver_new(fuzz_policy, &r) == ST_OK);
	diag_clear(&d);
	rc = resolver_load_nicknames(r, path, &d);
	check_outcome(rc, &d, path, lines);
	resolver_free(r);
}

static void read_files(const uint8_t *data, size_t size)
{
	struct buf path = BUF_INIT;
	unsigned long lines = count_lines(data, size);
	int fd;

	buf_addf(&path, "%s/fuzz_identity.XXXXXX", tmp_dir());
	CHECK(!buf_error(&path));
	fd = mkstemp(path.data);
	CHECK(fd >= 0);
	CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
	CHECK(close(fd) == 0);
	read_truth(path.data, lines);
	read_nicknames(path.data, lines);
	CHECK(unlink(path.data) == 0);
	buf_release(&path);
}

/* --- the modes ------------------------------------------------------------- */

/* Each line of the payload, in turn, as a value of exactly its length. */
struct lines {
	const uint8_t *p, *end;
	bool done;
};

static char *next_line(struct lines *l, size_t *len)
{
	const uint8_t *nl;

	if (l->done)
		return NULL;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!nl) {
		nl = l->end;
		l->done = true;
	}
	*len = (size_t)(nl - l->p);
	l->p = nl + !l->done;
	return value_dup(nl - *len, *len);
}

static void normalise_all(const uint8_t *data, size_t size)
{
	struct lines l = { data, data + size, false };
	size_t len;
	char *v;

	while ((v = next_line(&l, &len)) != NULL) {
		normalise_value(v, len);
		xfree(v);
	}
}

/* Each value with itself and with the next; the second byte of the pair's
 * first value, if any, picks one more cap for the edit distances.  A
 * single value is also compared with itself in full. */
static void compare_all(const uint8_t *data, size_t size)
{
	struct lines l = { data, data + size, false };
	char *prev = NULL, *v;
	size_t plen = 0, len;

	while ((v = next_line(&l, &len)) != NULL) {
		compare_one(v, len);
		if (prev)
			compare_pair(prev, plen, v, len,
				     plen > 1 ? (unsigned char)prev[1] : plen);
		else if (l.done)
			compare_pair(v, len, v, len, len);
		xfree(prev);
		prev = v;
		plen = len;
	}
	xfree(prev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch ((data[0] + 1) % 3) {
	case 0:
		normalise_all(data + 1, size - 1);
		break;
	case 1:
		compare_all(data + 1, size - 1);
		break;
	default:
		read_files(data + 1, size - 1);
		break;
	}
	return 0;
}
