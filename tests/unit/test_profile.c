/*
 * test_profile.c - profiling a source on several threads gives the same
 * profile as one pass.
 *
 * Each source of the shipped policies is profiled over samples/ (and
 * samples/next-month/, with its renamed column and undeclared extras) on
 * one thread and on 2, 3 and 4 workers.  A few thousand records make
 * several batches, so every worker gets some and the merge is exercised.
 * Then the CSV sources again, cut into ranges of a few kilobytes that each
 * worker reads itself (STEWARD_RANGE_BYTES): the same profile, and the same
 * reader problems at the same lines; and, as each range's top values are
 * merged in range order, the very same top values from 2, 3 and 4 workers.
 * Everything that profile.h promises to be exact must be equal: counts,
 * distinct counts (blobs compared byte for byte), overlap sketches,
 * histograms, minimum and maximum, sample keys and their order, reasons,
 * and the top values of every target with few enough distinct values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "profile/profile.h"
#include "util/sha256.h"

static struct policy *load(const char *data)
{
	struct policy_options opt = { data };
	struct diag_list errors;
	struct policy *p = NULL;

	diag_list_init(&errors);
	if (policy_load("policies", &opt, &p, &errors))
		fail_msg("policies: %s:%lu: %s", errors.items[0].file,
			 errors.items[0].line, errors.items[0].msg);
	diag_list_release(&errors);
	return p;
}

static void same_samples(const struct samples *a, const struct samples *b)
{
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->keys[i], b->keys[i]);
		assert_int_equal(a->numbers[i], b->numbers[i]);
	}
}

static void same_blob(int (*ser)(const void *, struct buf *), const void *a,
		      const void *b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;

	assert_int_equal(ser(a, &x), 0);
	assert_int_equal(ser(b, &y), 0);
	assert_int_equal(x.len, y.len);
	assert_memory_equal(x.data, y.data, x.len);
	buf_release(&x);
	buf_release(&y);
}

static int ser_distinct(const void *v, struct buf *out)
{
	return distinct_serialise(v, out);
}

static int ser_kmv(const void *v, struct buf *out)
{
	return kmv_serialise(v, out);
}

static int ser_days(const void *v, struct buf *out)
{
	return day_hist_serialise(v, out);
}

static int ser_lens(const void *v, struct buf *out)
{
	return len_hist_serialise(v, out);
}

static void same_top(const struct topk *a, const struct topk *b, uint64_t distinct)
{
	const struct topk_entry *ea, *eb;
	size_t na, nb;

	assert_int_equal(a->total, b->total);
	if (distinct > a->k)
		return;		/* Space-Saving: merged bounds, not equality */
	na = topk_sorted(a, &ea);
	nb = topk_sorted(b, &eb);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(ea[i].value, eb[i].value);
		assert_int_equal(ea[i].count, eb[i].count);
		assert_int_equal(ea[i].error, 0);
		assert_int_equal(eb[i].error, 0);
	}
}

static int ser_topk(const void *v, struct buf *out)
{
	return topk_serialise(v, out);
}

/* The summaries themselves, whatever the number of distinct values. */
static void same_top_exactly(const struct topk *a, const struct topk *b)
{
	same_blob(ser_topk, a, b);
}

/* Every target's summaries: the same from any number of workers reading
 * ranges, since each range's are merged in range order. */
static void same_tops(const struct source_profile *a,
		      const struct source_profile *b)
{
	const struct source *s = a->src;

	for (size_t i = 0; i < s->n_mappings; i++) {
		same_top_exactly(&a->attrs[i].top, &b->attrs[i].top);
		same_top_exactly(&a->attrs[i].shapes, &b->attrs[i].shapes);
	}
	for (size_t f = 0; f < s->n_fields; f++) {
		same_top_exactly(&a->fields[f].top, &b->fields[f].top);
		same_top_exactly(&a->fields[f].shapes, &b->fields[f].shapes);
	}
	for (size_t e = 0; e < a->n_extras; e++) {
		same_top_exactly(&a->extras[e].top, &b->extras[e].top);
		same_top_exactly(&a->extras[e].shapes, &b->extras[e].shapes);
	}
}

static void same_stats(const struct value_stats *a, const struct value_stats *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->empty, b->empty);
	same_blob(ser_distinct, &a->distinct, &b->distinct);
	same_blob(ser_kmv, &a->kmv, &b->kmv);
	same_blob(ser_days, &a->ages, &b->ages);
	same_blob(ser_lens, &a->lengths, &b->lengths);
	same_top(&a->top, &b->top, distinct_estimate(&a->distinct));
	same_top(&a->shapes, &b->shapes, a->shapes.n < a->shapes.k ? 0 : UINT64_MAX);
	assert_int_equal(a->has_minmax, b->has_minmax);
	assert_string_equal(a->min, b->min);
	assert_string_equal(a->max, b->max);
	assert_int_equal(a->numeric, b->numeric);
	assert_int_equal(a->invalid, b->invalid);
	assert_int_equal(a->unjudged, b->unjudged);
	for (int r = 0; r < VR_COUNT; r++)
		same_samples(&a->reasons[r], &b->reasons[r]);
	assert_int_equal(a->n_tx, b->n_tx);
	for (size_t i = 0; i < a->n_tx; i++) {
		assert_ptr_equal(a->tx[i].why, b->tx[i].why);
		same_samples(&a->tx[i].s, &b->tx[i].s);
	}
	same_samples(&a->stale_keys, &b->stale_keys);
	assert_int_equal(a->trust_n, b->trust_n);
	assert_int_equal(a->trust_fx, b->trust_fx);
}

static void same_reader_stats(const struct reader_stats *a,
			      const struct reader_stats *b)
{
	assert_int_equal(a->records, b->records);
	for (size_t i = 0; i < RP_COUNT; i++)
		assert_int_equal(a->problems[i], b->problems[i]);
	assert_int_equal(a->n_kept, b->n_kept);
	for (size_t i = 0; i < a->n_kept; i++) {
		assert_int_equal(a->kept[i].kind, b->kept[i].kind);
		assert_int_equal(a->kept[i].line, b->kept[i].line);
		assert_int_equal(a->kept[i].col, b->kept[i].col);
		assert_string_equal(a->kept[i].detail, b->kept[i].detail);
	}
}

static void same_profile(const struct source_profile *a,
			 const struct source_profile *b)
{
	const struct source *s = a->src;

	assert_int_equal(a->failed, b->failed);
	assert_int_equal(a->rows, b->rows);
	assert_true(a->rows > 1024);	/* two batches at least */
	same_reader_stats(&a->rstats, &b->rstats);
	assert_int_equal(a->rstats.transform_failures, b->rstats.transform_failures);
	assert_int_equal(a->n_columns, b->n_columns);
	assert_int_equal(a->n_extras, b->n_extras);
	same_blob(ser_distinct, &a->keys, &b->keys);
	same_samples(&a->missing_keys, &b->missing_keys);
	assert_int_equal(a->has_updated, b->has_updated);
	assert_int_equal(a->newest_days, b->newest_days);
	assert_int_equal(a->oldest_days, b->oldest_days);
	assert_int_equal(a->updated_unparsed, b->updated_unparsed);
	same_samples(&a->bad_updated, &b->bad_updated);
	for (size_t i = 0; i < s->n_mappings; i++)
		same_stats(&a->attrs[i], &b->attrs[i]);
	for (size_t f = 0; f < s->n_fields; f++)
		same_stats(&a->fields[f], &b->fields[f]);
	for (size_t e = 0; e < a->n_extras; e++)
		same_stats(&a->extras[e], &b->extras[e]);
}

/* The SHA-256 of a file, read here in one go. */
static void file_sha256(const char *path, char hex[65])
{
	struct sha256 h;
	char block[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	sha256_init(&h);
	while ((n = fread(block, 1, sizeof(block), f)) > 0)
		sha256_update(&h, block, n);
	fclose(f);
	sha256_final_hex(&h, hex);
}

/* ranges: cut CSV files every that many bytes (NULL: the default, which
 * leaves the samples whole) and require that they were, and that they were
 * fingerprinted while being cut (and XML files while read). */
static void check_dir(const char *data, const char *ranges)
{
	struct policy *p = load(data);

	if (ranges)
		assert_int_equal(setenv("STEWARD_RANGE_BYTES", ranges, 1), 0);
	for (size_t i = 0; i < p->n_sources; i++) {
		struct profile_opts o = { 20400, 1, NULL, NULL, false };
		struct source_profile one, two;
		bool csv = p->sources[i].kind == SOURCE_CSV;

		if (ranges && !csv)
			continue;
		memset(&two, 0, sizeof(two));
		assert_int_equal(profile_source(p, &p->sources[i], &o, &one), 0);
		assert_int_equal(one.ranges, 0);
		for (unsigned t = 2; t <= 4; t++) {
			struct source_profile many;

			o.threads = t;
			o.hash = true;
			assert_int_equal(profile_source(p, &p->sources[i], &o, &many), 0);
			if (ranges)
				assert_true(many.ranges > 20);
			else
				assert_int_equal(many.ranges, 0);
			/* hashed while cut, or (XML) while read */
			assert_int_equal(many.hashed, ranges != NULL ||
				p->sources[i].kind == SOURCE_XML);
			if (many.hashed) {
				char want[65];

				file_sha256(p->sources[i].resolved_path, want);
				assert_string_equal(many.sha256, want);
			}
			same_profile(&one, &many);
			if (ranges && t > 2)
				same_tops(&two, &many);
			if (ranges && t == 2)
				two = many;
			else
				profile_release(&many);
		}
		if (ranges)
			profile_release(&two);
		profile_release(&one);
	}
	unsetenv("STEWARD_RANGE_BYTES");
	policy_free(p);
}

static void threads_match_one_pass(void **state)
{
	(void)state;
	check_dir("samples", NULL);
}

static void threads_match_one_pass_next_month(void **state)
{
	(void)state;
	check_dir("samples/next-month", NULL);
}

static void ranges_match_one_pass(void **state)
{
	(void)state;
	check_dir("samples", "7001");
	check_dir("samples/next-month", "4093");
}

/*
 * Phones and postcodes a transform has normalised are not checked again
 * (validator_check_vouched()): the verdicts must be the ones the full
 * check gives.  Source a maps them through e164, postcode and country
 * alone, so its validator takes the transforms' word; source b reads the
 * same file with a trim after each (a no-op on these values) and so
 * judges every value in full.  The records cover what the transforms
 * refuse, a country written as a name, in lower case, unknown, empty, with
 * a byte that is not UTF-8, a country without a postcode rule, and a
 * pattern the attribute declares.  Sources c and d do the same with a
 * fixed country for the transforms: a British postcode in an American
 * record passes the transform, but is not an American postcode.  Source e
 * has no transform that checks phones or postcodes, so all is judged.
 */
static const char vouch_csv[] =
	"id,country,phone,postcode\n"
	"1,GB,07700 900123,SW1A 1AA\n"
	"2,gb,+44 20 7946 0958,sw1a1aa\n"
	"3,United Kingdom,020 7946 0958,EC1A 1BB\n"
	"4,GB,+44 12,SW1A1AA\n"
	"5,GB,07700 900124,ZZ1 1ZZ\n"
	"6,XX,07700 900125,SW1A 1AA\n"
	"7,,07700 900126,SW1A 1AA\n"
	"8,G\xff" "B,07700 900127,SW1A 1AA\n"
	"9,US,(201) 555-0123,12345-6789\n"
	"10,US,+1 201 555 0124,1234\n"
	"11,DE,030 1234567,10115\n"
	"12,NL,020 123 4567,1234 ab\n"
	"13,CA,+1 613 555 0199,k1a 0b1\n"
	"14,AD,+376 712 345,AD500\n"
	"15,AD,+376 712 346,anything\n"
	"16,IE,+353 86 123 4567,D02 X285\n"
	"17,FR,+33 1 23 45 67 89,75001\n"
	"18,GB,+447700900128,N1 9GU\n"
	"19,GB,00447700900129,W1A 0AX\n"
	"20,US,+1 201 555 0125,\n"
	"21,US,+1 201 555 0126,SW1A 1AA\n";

static const char vouch_policy[] =
	"<?xml version=\"1.0\"?>\n<steward>\n"
	"<owner id=\"o\" name=\"O\" contact=\"c\"/>\n"
	"<attribute id=\"country\" type=\"country\" system-of-record=\"a\" owner=\"o\"/>\n"
	"<attribute id=\"phone\" type=\"phone\" system-of-record=\"a\" owner=\"o\""
	" pattern=\"[+]4.*\"/>\n"
	"<attribute id=\"postcode\" type=\"postcode\" system-of-record=\"a\" owner=\"o\"/>\n"
	"<source id=\"a\" kind=\"csv\" owner=\"o\"><location path=\"v.csv\"/>"
	"<key field=\"id\"/><field name=\"id\"/>"
	"<field name=\"country\" attribute=\"country\" transform=\"country\"/>"
	"<field name=\"phone\" attribute=\"phone\" transform=\"e164(country-field=country)\"/>"
	"<field name=\"postcode\" attribute=\"postcode\" transform=\"postcode(country-field=country)\"/>"
	"</source>\n"
	"<source id=\"b\" kind=\"csv\" owner=\"o\"><location path=\"v.csv\"/>"
	"<key field=\"id\"/><field name=\"id\"/>"
	"<field name=\"country\" attribute=\"country\" transform=\"trim country\"/>"
	"<field name=\"phone\" attribute=\"phone\" transform=\"e164(country-field=country) trim\"/>"
	"<field name=\"postcode\" attribute=\"postcode\" transform=\"postcode(country-field=country) trim\"/>"
	"</source>\n"
	"<source id=\"c\" kind=\"csv\" owner=\"o\"><location path=\"v.csv\"/>"
	"<key field=\"id\"/><field name=\"id\"/>"
	"<field name=\"country\" attribute=\"country\" transform=\"country\"/>"
	"<field name=\"phone\" attribute=\"phone\" transform=\"e164(country=GB)\"/>"
	"<field name=\"postcode\" attribute=\"postcode\" transform=\"postcode(country=GB)\"/>"
	"</source>\n"
	"<source id=\"d\" kind=\"csv\" owner=\"o\"><location path=\"v.csv\"/>"
	"<key field=\"id\"/><field name=\"id\"/>"
	"<field name=\"country\" attribute=\"country\" transform=\"country\"/>"
	"<field name=\"phone\" attribute=\"phone\" transform=\"e164(country=GB) trim\"/>"
	"<field name=\"postcode\" attribute=\"postcode\" transform=\"postcode(country=GB) trim\"/>"
	"</source>\n"
	"<source id=\"e\" kind=\"csv\" owner=\"o\"><location path=\"v.csv\"/>"
	"<key field=\"id\"/><field name=\"id\"/>"
	"<field name=\"country\" attribute=\"country\" transform=\"country\"/>"
	"<field name=\"phone\" attribute=\"phone\" transform=\"trim\"/>"
	"<field name=\"postcode\" attribute=\"postcode\" transform=\"trim\"/>"
	"</source>\n</steward>\n";

static void write_file(const char *dir, const char *name, const char *data)
{
	char path[256];
	FILE *f;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) <
		    (int)sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
}

/* A directory dir (a mkdtemp template) holding policy as p.xml and csv as
 * v.csv, and the policy loaded from it. */
static struct policy *load_files(char *dir, const char *policy,
				 const char *csv)
{
	struct diag_list errors;
	struct policy *p = NULL;

	assert_non_null(mkdtemp(dir));
	write_file(dir, "p.xml", policy);
	write_file(dir, "v.csv", csv);
	diag_list_init(&errors);
	if (policy_load(dir, NULL, &p, &errors))
		fail_msg("policy: %s:%lu: %s", errors.items[0].file,
			 errors.items[0].line, errors.items[0].msg);
	diag_list_release(&errors);
	return p;
}

static void remove_dir(const char *dir)
{
	char cmd[64];

	assert_true(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) < (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

static void vouched_values_get_the_full_verdict(void **state)
{
	char dir[] = "/tmp/steward-vouch-XXXXXX";
	struct profile_opts o = { 20400, 1, NULL, NULL, false };
	struct source_profile a, b, c, d, e;
	struct policy *p;

	(void)state;
	p = load_files(dir, vouch_policy, vouch_csv);
	assert_int_equal(profile_source(p, &p->sources[0], &o, &a), 0);
	assert_int_equal(profile_source(p, &p->sources[1], &o, &b), 0);
	assert_int_equal(profile_source(p, &p->sources[2], &o, &c), 0);
	assert_int_equal(profile_source(p, &p->sources[3], &o, &d), 0);
	for (size_t i = 0; i < p->sources[0].n_mappings; i++) {
		same_stats(&a.attrs[i], &b.attrs[i]);
		same_stats(&c.attrs[i], &d.attrs[i]);
	}
	assert_true(c.attrs[2].reasons[VR_POSTCODE].count > 0);
	assert_int_equal(profile_source(p, &p->sources[4], &o, &e), 0);
	assert_true(e.attrs[1].reasons[VR_PHONE_NOT_E164].count > 0);
	assert_true(e.attrs[2].reasons[VR_POSTCODE].count > 0);
	/* not vacuous: each kind of verdict occurs */
	assert_int_equal(a.attrs[1].reasons[VR_TRANSFORM].count, 4);
	assert_true(a.attrs[1].reasons[VR_PATTERN].count > 0);
	assert_true(a.attrs[2].reasons[VR_TRANSFORM].count > 0);
	assert_true(a.attrs[2].reasons[VR_POSTCODE_NO_COUNTRY].count > 0);
	assert_true(a.attrs[2].present - a.attrs[2].invalid - a.attrs[2].unjudged > 0);
	profile_release(&a);
	profile_release(&b);
	profile_release(&c);
	profile_release(&d);
	profile_release(&e);
	policy_free(p);
	remove_dir(dir);
}

/*
 * Minimum and maximum of text, where a value equal to one of them in its
 * first 8 bytes and length is taken for it: only when it is at most 8
 * bytes long.  2015-01-01 has the key and length of 2015-01-05 and is the
 * new minimum; GB and US, seen again, are the minimum and the maximum.
 */
static void text_minimum_and_maximum(void **state)
{
	static const char csv[] =
		"id,v\n1,GB\n2,GB\n3,US\n4,US\n5,GB\n6,2015-01-05\n"
		"7,2015-01-05\n8,2015-01-01\n9,ZZ-2015-01-09\n10,ZZ-2015-01-10\n"
		"11,ZZ-2015-01-08\n";
	static const char policy[] =
		"<?xml version=\"1.0\"?>\n<steward>\n"
		"<owner id=\"o\" name=\"O\" contact=\"c\"/>\n"
		"<attribute id=\"v\" type=\"text\" system-of-record=\"s\" owner=\"o\"/>\n"
		"<source id=\"s\" kind=\"csv\" owner=\"o\"><location path=\"v.csv\"/>"
		"<key field=\"id\"/><field name=\"id\"/>"
		"<field name=\"v\" attribute=\"v\" transform=\"lower\"/>"
		"</source>\n</steward>\n";
	char dir[] = "/tmp/steward-minmax-XXXXXX";
	struct profile_opts o = { 20400, 1, NULL, NULL, false };
	struct source_profile sp;
	struct policy *p;

	(void)state;
	p = load_files(dir, policy, csv);
	assert_int_equal(profile_source(p, &p->sources[0], &o, &sp), 0);
	assert_string_equal(sp.fields[1].min, "2015-01-01");
	assert_string_equal(sp.fields[1].max, "ZZ-2015-01-10");
	assert_string_equal(sp.attrs[0].min, "2015-01-01");
	assert_string_equal(sp.attrs[0].max, "zz-2015-01-10");
	profile_release(&sp);
	policy_free(p);
	remove_dir(dir);
}

/* A missing file fails the same way with threads as without. */
static void failure_is_the_same(void **state)
{
	struct policy *p = load("/nonexistent-steward-data");

	(void)state;
	for (unsigned t = 1; t <= 2; t++) {
		struct profile_opts o = { 20400, t, NULL, NULL, false };
		struct source_profile sp;

		assert_int_equal(profile_source(p, &p->sources[0], &o, &sp), 0);
		assert_true(sp.failed);
		assert_int_equal(sp.rows, 0);
		profile_release(&sp);
	}
	policy_free(p);
}

/* Memory running out anywhere, on any thread, ends the profile cleanly:
 * ST_ERR_NOMEM (or success, when the failure hit nothing that matters),
 * never a crash, a hang or a leak (the sanitizer build checks leaks). */
static void out_of_memory_on_any_thread_ends_cleanly(void **state)
{
	struct policy *p = load("samples");
	long total;

	(void)state;
	/* one thread, three workers fed batches, three reading ranges */
	assert_int_equal(p->sources[0].kind, SOURCE_CSV);
	for (int round = 0; round < 3; round++) {
		struct profile_opts o = { 20400, round ? 3 : 1, NULL, NULL, false };
		struct source_profile sp;

		if (round == 2)
			assert_int_equal(setenv("STEWARD_RANGE_BYTES", "20000",
						1), 0);
		alloc_fail_after(-1);
		assert_int_equal(profile_source(p, &p->sources[0], &o, &sp), 0);
		assert_int_equal(sp.ranges > 0, round == 2);
		total = alloc_count();
		profile_release(&sp);
		for (long n = 0; n < total; n += total / 40 + 1) {
			int rc;

			alloc_fail_after(n);
			rc = profile_source(p, &p->sources[0], &o, &sp);
			alloc_fail_after(-1);
			assert_true(rc == 0 || rc == ST_ERR_NOMEM);
			profile_release(&sp);
		}
	}
	unsetenv("STEWARD_RANGE_BYTES");
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_match_one_pass),
		cmocka_unit_test(threads_match_one_pass_next_month),
		cmocka_unit_test(ranges_match_one_pass),
		cmocka_unit_test(failure_is_the_same),
		cmocka_unit_test(vouched_values_get_the_full_verdict),
		cmocka_unit_test(text_minimum_and_maximum),
		cmocka_unit_test(out_of_memory_on_any_thread_ends_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
