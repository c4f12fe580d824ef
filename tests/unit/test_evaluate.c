/*
 * test_evaluate.c - measuring resolved identities against a labelled
 * truth: pairwise precision, recall and F1 over the records in both, the
 * entity counts beside them, and reading the truth file.
 *
 * The counts are checked on a small example worked by hand, on the edge
 * cases (perfect, everything merged, nothing to find, records on one side
 * only), and on two thousand pseudo-random records against a plain count
 * over every pair.  Truth files are written into a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "identity/evaluate.h"

static void expect_near(double got, double want, const char *what)
{
	if (!(fabs(got - want) <= 1e-12))
		fail_msg("%s: got %.15g, expected %.15g", what, got, want);
}

struct row {
	const char *source, *key, *entity;
};

static void add_truth(struct evaluator *e, const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(evaluator_add_truth(e, rows[i].source, rows[i].key,
						     rows[i].entity), 0);
}

static void add_run(struct evaluator *e, const struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(evaluator_add_run(e, rows[i].source, rows[i].key,
						   rows[i].entity), 0);
}

static struct evaluator *new_evaluator(void)
{
	struct evaluator *e;

	assert_int_equal(evaluator_new(&e), 0);
	assert_non_null(e);
	return e;
}

static struct eval_result finish(struct evaluator *e)
{
	struct eval_result r;

	assert_int_equal(evaluator_finish(e, &r), 0);
	return r;
}

/*
 * Truth {a1,a2,a3} {b1,b2} {c1}.  The a records are crm 1, 2, 3; the b
 * records billing 1, 2; c1 is billing 3: every key is in both sources, so
 * the counts below only come out if (source, key) is the record.
 */
static const struct row truth_abc[] = {
	{ "crm", "1", "A" }, { "crm", "2", "A" }, { "crm", "3", "A" },
	{ "billing", "1", "B" }, { "billing", "2", "B" },
	{ "billing", "3", "C" },
};

/* --- counting ------------------------------------------------------------- */

static void hand_worked_example_scores_one_half(void **state)
{
	/* the run: {a1,a2} {a3,b1,b2} {c1}; its names mean nothing to the
	 * truth's */
	static const struct row run[] = {
		{ "crm", "1", "B" }, { "crm", "2", "B" },
		{ "crm", "3", "A" }, { "billing", "1", "A" }, { "billing", "2", "A" },
		{ "billing", "3", "C" },
	};
	struct evaluator *e = new_evaluator();
	struct eval_result r;

	(void)state;
	/* the run first: the order of the two sides does not matter */
	add_run(e, run, ARRAY_SIZE(run));
	add_truth(e, truth_abc, ARRAY_SIZE(truth_abc));
	r = finish(e);
	/* true links a1-a2 a1-a3 a2-a3 b1-b2; found a1-a2 a3-b1 a3-b2 b1-b2 */
	assert_int_equal(r.true_pairs, 4);
	assert_int_equal(r.found_pairs, 4);
	assert_int_equal(r.true_found, 2);
	expect_near(r.precision, 0.5, "precision");
	expect_near(r.recall, 0.5, "recall");
	expect_near(r.f1, 0.5, "f1");
	assert_int_equal(r.truth_entities, 3);
	assert_int_equal(r.run_entities, 3);
	assert_int_equal(r.exact_entities, 1);	/* {c1} */
	assert_int_equal(r.truth_records, 6);
	assert_int_equal(r.run_records, 6);
	assert_int_equal(r.matched, 6);
	evaluator_free(e);
}

static void perfect_resolution_scores_one(void **state)
{
	static const struct row run[] = {
		{ "crm", "3", "x" }, { "crm", "1", "x" }, { "crm", "2", "x" },
		{ "billing", "2", "y" }, { "billing", "1", "y" },
		{ "billing", "3", "z" },
	};
	struct evaluator *e = new_evaluator();
	struct eval_result r;

	(void)state;
	add_truth(e, truth_abc, ARRAY_SIZE(truth_abc));
	add_run(e, run, ARRAY_SIZE(run));
	r = finish(e);
	assert_int_equal(r.true_pairs, 4);
	assert_int_equal(r.found_pairs, 4);
	assert_int_equal(r.true_found, 4);
	expect_near(r.precision, 1, "precision");
	expect_near(r.recall, 1, "recall");
	expect_near(r.f1, 1, "f1");
	assert_int_equal(r.exact_entities, 3);
	evaluator_free(e);
}

static void one_run_entity_finds_every_link_at_low_precision(void **state)
{
	struct evaluator *e = new_evaluator();
	struct eval_result r;

	(void)state;
	add_truth(e, truth_abc, ARRAY_SIZE(truth_abc));
	for (size_t i = 0; i < ARRAY_SIZE(truth_abc); i++)
		assert_int_equal(evaluator_add_run(e, truth_abc[i].source,
						   truth_abc[i].key, "all"), 0);
	r = finish(e);
	assert_int_equal(r.found_pairs, 15);
	assert_int_equal(r.true_found, 4);
	expect_near(r.precision, 4.0 / 15, "precision");
	expect_near(r.recall, 1, "recall");
	expect_near(r.f1, 8.0 / 19, "f1");
	assert_int_equal(r.run_entities, 1);
	assert_int_equal(r.truth_entities, 3);
	assert_int_equal(r.exact_entities, 0);
	evaluator_free(e);
}

static void records_on_one_side_only_are_not_matched(void **state)
{
	static const struct row run[] = {
		{ "crm", "1", "r" }, { "crm", "2", "r" },
		{ "billing", "1", "s" }, { "billing", "2", "s" },
		/* only in the run, in an entity with matched records */
		{ "web", "1", "r" }, { "web", "2", "s" },
	};
	struct evaluator *e = new_evaluator();
	struct eval_result r;

	(void)state;
	/* crm 3 and billing 3 are only in the truth */
	add_truth(e, truth_abc, ARRAY_SIZE(truth_abc));
	add_run(e, run, ARRAY_SIZE(run));
	r = finish(e);
	assert_int_equal(r.truth_records, 6);
	assert_int_equal(r.run_records, 6);
	assert_int_equal(r.matched, 4);
	/* among the four matched: {crm1, crm2} {billing1, billing2} both
	 * sides, and the truth entity C has no matched record */
	assert_int_equal(r.true_pairs, 2);
	assert_int_equal(r.found_pairs, 2);
	assert_int_equal(r.true_found, 2);
	assert_int_equal(r.truth_entities, 2);
	assert_int_equal(r.run_entities, 2);
	/* exact among the matched records: A's matched part is crm 1, 2 */
	assert_int_equal(r.exact_entities, 2);
	expect_near(r.precision, 1, "precision");
	expect_near(r.recall, 1, "recall");
	evaluator_free(e);
}

static void a_run_record_given_twice_keeps_its_first_entity(void **state)
{
	static const struct row truth[] = {
		{ "crm", "1", "A" }, { "crm", "2", "A" },
	};
	struct evaluator *e = new_evaluator();
	struct eval_result r;

	(void)state;
	add_truth(e, truth, ARRAY_SIZE(truth));
	assert_int_equal(evaluator_add_run(e, "crm", "1", "x"), 0);
	assert_int_equal(evaluator_add_run(e, "crm", "2", "x"), 0);
	assert_int_equal(evaluator_add_run(e, "crm", "2", "y"), 0);
	r = finish(e);
	assert_int_equal(r.run_records, 3);	/* rows, as given */
	assert_int_equal(r.matched, 2);
	assert_int_equal(r.true_found, 1);
	assert_int_equal(r.run_entities, 1);
	evaluator_free(e);
}

static void nothing_to_find_is_perfect(void **state)
{
	struct evaluator *e = new_evaluator();
	struct eval_result r;
	char key[16], t[16], u[16];

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "%d", i);
		snprintf(t, sizeof(t), "t%d", i);
		snprintf(u, sizeof(u), "u%d", 49 - i);
		assert_int_equal(evaluator_add_truth(e, "crm", key, t), 0);
		assert_int_equal(evaluator_add_run(e, "crm", key, u), 0);
	}
	r = finish(e);
	assert_int_equal(r.true_pairs, 0);
	assert_int_equal(r.found_pairs, 0);
	assert_int_equal(r.true_found, 0);
	expect_near(r.precision, 1, "precision");
	expect_near(r.recall, 1, "recall");
	expect_near(r.f1, 1, "f1");
	assert_int_equal(r.exact_entities, 50);
	assert_int_equal(r.truth_entities, 50);
	assert_int_equal(r.run_entities, 50);
	evaluator_free(e);

	/* nothing at all */
	e = new_evaluator();
	r = finish(e);
	assert_int_equal(r.matched, 0);
	expect_near(r.precision, 1, "precision, empty");
	expect_near(r.recall, 1, "recall, empty");
	evaluator_free(e);
	evaluator_free(NULL);
}

static void truth_given_twice_is_an_error(void **state)
{
	struct evaluator *e = new_evaluator();
	struct eval_result r;

	(void)state;
	assert_int_equal(evaluator_add_truth(e, "crm", "1", "A"), 0);
	assert_int_equal(evaluator_add_truth(e, "crm", "1", "A"), ST_ERR);
	assert_int_equal(evaluator_add_truth(e, "crm", "1", "B"), ST_ERR);
	/* another source, another record */
	assert_int_equal(evaluator_add_truth(e, "billing", "1", "A"), 0);
	assert_int_equal(evaluator_add_run(e, "crm", "1", "x"), 0);
	assert_int_equal(evaluator_add_run(e, "billing", "1", "x"), 0);
	r = finish(e);
	assert_int_equal(r.truth_records, 2);
	assert_int_equal(r.truth_entities, 1);
	assert_int_equal(r.true_found, 1);
	evaluator_free(e);
}

/* --- the truth file ------------------------------------------------------- */

struct dir {
	char path[64];
	char files[8][96];
	size_t n;
};

static void dir_make(struct dir *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/steward-evaluate-XXXXXX");
	assert_non_null(mkdtemp(d->path));
}

/* Write text to a new file of the directory; its path. */
static const char *dir_file(struct dir *d, const char *name, const char *text)
{
	char *path, buf[sizeof(d->files[0])];
	FILE *f;

	assert_true(d->n < ARRAY_SIZE(d->files));
	path = d->files[d->n++];
	/* through buf: gcc cannot tell that d->path and d->files differ */
	assert_true((size_t)snprintf(buf, sizeof(buf), "%s/%s", d->path, name)
		    < sizeof(buf));
	memcpy(path, buf, sizeof(buf));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return path;
}

static void dir_remove(struct dir *d)
{
	for (size_t i = 0; i < d->n; i++)
		assert_int_equal(unlink(d->files[i]), 0);
	assert_int_equal(rmdir(d->path), 0);
}

/* Read text as a truth file: the return code, the diagnostic in *d. */
static int read_truth_text(const char *text, struct diag *d)
{
	struct dir dir;
	struct evaluator *e = new_evaluator();
	const char *path;
	int rc;

	dir_make(&dir);
	path = dir_file(&dir, "truth.csv", text);
	diag_clear(d);
	rc = evaluator_read_truth(e, path, d);
	if (rc == ST_ERR) {
		assert_true(d->set);
		assert_string_equal(d->file, path);
	}
	evaluator_free(e);
	dir_remove(&dir);
	return rc;
}

static void expect_message(const struct diag *d, unsigned long line,
			   const char *part)
{
	if (!d->set)
		fail_msg("no diagnostic, expected one with '%s'", part);
	if (d->line != line || !strstr(d->msg, part))
		fail_msg("line %lu: %s; expected line %lu and '%s'", d->line,
			 d->msg, line, part);
}

static void truth_file_columns_come_in_any_order(void **state)
{
	struct dir dir;
	struct evaluator *e = new_evaluator();
	struct eval_result r;
	struct diag d;
	const char *path;

	(void)state;
	dir_make(&dir);
	path = dir_file(&dir, "truth.csv",
			"entity,source,record_key\r\n"
			"A,crm,1\r\n"
			"A,crm,\"2,x\"\n"
			"\n"
			"B,billing,1\n"
			"B,billing,\"say \"\"hi\"\"\"\n"
			"C,billing,2");	/* no final line break */
	diag_clear(&d);
	assert_int_equal(evaluator_read_truth(e, path, &d), 0);
	assert_false(d.set);
	assert_int_equal(evaluator_add_run(e, "crm", "1", "r"), 0);
	assert_int_equal(evaluator_add_run(e, "crm", "2,x", "r"), 0);
	assert_int_equal(evaluator_add_run(e, "billing", "1", "s"), 0);
	assert_int_equal(evaluator_add_run(e, "billing", "say \"hi\"", "s"), 0);
	assert_int_equal(evaluator_add_run(e, "billing", "2", "t"), 0);
	/* the key is "2,x", not "2" */
	assert_int_equal(evaluator_add_run(e, "crm", "2", "r"), 0);
	r = finish(e);
	assert_int_equal(r.truth_records, 5);
	assert_int_equal(r.matched, 5);
	assert_int_equal(r.true_pairs, 2);
	assert_int_equal(r.true_found, 2);
	assert_int_equal(r.exact_entities, 3);
	/* the records of the file count as given twice afterwards */
	assert_int_equal(evaluator_add_truth(e, "crm", "2,x", "A"), ST_ERR);
	evaluator_free(e);
	dir_remove(&dir);
}

static void truth_file_without_a_column_names_it(void **state)
{
	struct diag d;

	(void)state;
	assert_int_equal(read_truth_text("source,key,entity\ncrm,1,A\n", &d),
			 ST_ERR);
	expect_message(&d, 1, "'record_key'");
	assert_int_equal(read_truth_text("record_key,source\n1,crm\n", &d),
			 ST_ERR);
	expect_message(&d, 1, "'entity'");
	/* names are matched exactly */
	assert_int_equal(read_truth_text("Source,record_key,entity\ncrm,1,A\n", &d),
			 ST_ERR);
	expect_message(&d, 1, "'source'");
}

static void truth_file_line_without_a_value_is_named(void **state)
{
	struct diag d;

	(void)state;
	assert_int_equal(read_truth_text("source,record_key,entity\n"
					 "crm,1,A\ncrm,,A\ncrm,3,A\n", &d), ST_ERR);
	expect_message(&d, 3, "no record_key");
	/* quoted, still empty */
	assert_int_equal(read_truth_text("source,record_key,entity\n"
					 "crm,1,A\n\"\",2,A\n", &d), ST_ERR);
	expect_message(&d, 3, "no source");
	/* a short line */
	assert_int_equal(read_truth_text("source,record_key,entity\n"
					 "crm,1,A\ncrm,2,A\ncrm,3,A\ncrm,4\n", &d),
			 ST_ERR);
	expect_message(&d, 5, "no entity");
	/* physical lines: a quoted line break counts */
	assert_int_equal(read_truth_text("source,record_key,entity\n"
					 "crm,\"1\n2\",A\ncrm,,A\n", &d), ST_ERR);
	expect_message(&d, 4, "no record_key");
}

static void truth_file_record_given_twice_is_named(void **state)
{
	struct diag d;

	(void)state;
	assert_int_equal(read_truth_text("source,record_key,entity\n"
					 "crm,1,A\ncrm,2,A\nbilling,1,A\n"
					 "crm,1,B\n", &d), ST_ERR);
	expect_message(&d, 5, "given twice");
	assert_non_null(strstr(d.msg, "crm:1"));
}

static void truth_file_empty_or_missing_is_an_error(void **state)
{
	struct evaluator *e = new_evaluator();
	struct dir dir;
	struct diag d;
	char path[128];

	(void)state;
	assert_int_equal(read_truth_text("", &d), ST_ERR);
	expect_message(&d, 1, "empty");
	/* a header and nothing else is a truth of no records */
	assert_int_equal(read_truth_text("source,record_key,entity\n", &d), 0);
	assert_false(d.set);

	dir_make(&dir);
	snprintf(path, sizeof(path), "%s/none.csv", dir.path);
	diag_clear(&d);
	assert_int_equal(evaluator_read_truth(e, path, &d), ST_ERR);
	assert_true(d.set);
	assert_string_equal(d.file, path);
	assert_non_null(strstr(d.msg, "cannot open"));
	assert_non_null(strstr(d.msg, "No such file"));
	dir_remove(&dir);
	evaluator_free(e);
}

/* --- against a plain count ------------------------------------------------ */

enum { RECORDS = 2000 };

static uint32_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

struct sim {
	int truth[RECORDS], run[RECORDS];	/* -1: not on that side */
};

static void simulate(struct sim *s, uint64_t seed)
{
	for (size_t i = 0; i < RECORDS; i++) {
		uint32_t x = lcg(&seed) % 100, range = 1 + lcg(&seed) % 300;

		/* up to 300 truth entities, the low numbers the largest */
		s->truth[i] = (int)(lcg(&seed) % range);
		/* the run mostly follows the truth, splits some entities
		 * in two and merges some records into others */
		if (x < 60)
			s->run[i] = s->truth[i];
		else if (x < 75)
			s->run[i] = 1000 + s->truth[i];
		else
			s->run[i] = (int)(lcg(&seed) % 400);
		x = lcg(&seed) % 100;
		if (x < 4)
			s->truth[i] = -1;
		else if (x < 8)
			s->run[i] = -1;
	}
}

/* true_pairs, found_pairs, true_found and the entity counts by looking at
 * every pair of matched records */
static struct eval_result brute_force(const struct sim *s)
{
	struct eval_result r;
	static bool seen_t[RECORDS], seen_r[RECORDS];

	memset(&r, 0, sizeof(r));
	memset(seen_t, 0, sizeof(seen_t));
	memset(seen_r, 0, sizeof(seen_r));
	for (size_t i = 0; i < RECORDS; i++) {
		bool first_t = true, first_r = true, exact = true;

		if (s->truth[i] < 0 || s->run[i] < 0)
			continue;
		r.matched++;
		for (size_t j = 0; j < RECORDS; j++) {
			bool st, sr;

			if (s->truth[j] < 0 || s->run[j] < 0 || j == i)
				continue;
			st = s->truth[j] == s->truth[i];
			sr = s->run[j] == s->run[i];
			if (j > i) {
				r.true_pairs += st;
				r.found_pairs += sr;
				r.true_found += st && sr;
			} else {
				first_t &= !st;
				first_r &= !sr;
			}
			exact &= st == sr;
		}
		r.truth_entities += first_t;
		r.run_entities += first_r;
		/* counted once, at the run entity's first record */
		r.exact_entities += first_r && exact;
	}
	return r;
}

static void counts_agree_with_every_pair_on_random_records(void **state)
{
	static struct sim s;

	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct evaluator *e = new_evaluator();
		struct eval_result got, want;
		uint64_t truth_rows = 0, run_rows = 0;
		char src[16], key[16], name[16];

		simulate(&s, seed);
		for (size_t i = 0; i < RECORDS; i++) {
			/* keys repeat across the three sources */
			snprintf(src, sizeof(src), "s%zu", i % 3);
			snprintf(key, sizeof(key), "k%zu", i / 3);
			if (s.truth[i] >= 0) {
				snprintf(name, sizeof(name), "T%d", s.truth[i]);
				assert_int_equal(evaluator_add_truth(e, src, key, name), 0);
				truth_rows++;
			}
			if (s.run[i] >= 0) {
				snprintf(name, sizeof(name), "R%d", s.run[i]);
				assert_int_equal(evaluator_add_run(e, src, key, name), 0);
				run_rows++;
			}
		}
		got = finish(e);
		want = brute_force(&s);
		assert_int_equal(got.matched, want.matched);
		assert_int_equal(got.truth_records, truth_rows);
		assert_int_equal(got.run_records, run_rows);
		assert_int_equal(got.true_pairs, want.true_pairs);
		assert_int_equal(got.found_pairs, want.found_pairs);
		assert_int_equal(got.true_found, want.true_found);
		assert_int_equal(got.truth_entities, want.truth_entities);
		assert_int_equal(got.run_entities, want.run_entities);
		assert_int_equal(got.exact_entities, want.exact_entities);
		/* the example is not trivial */
		assert_true(want.true_found > 0);
		assert_true(want.true_found < want.true_pairs);
		assert_true(want.true_found < want.found_pairs);
		expect_near(got.precision, (double)want.true_found /
			    (double)want.found_pairs, "precision");
		expect_near(got.recall, (double)want.true_found /
			    (double)want.true_pairs, "recall");
		evaluator_free(e);
	}
}

/* --- running out of memory ------------------------------------------------ */

static int fill(struct evaluator *e)
{
	char key[16], name[16];
	int rc;

	for (int i = 0; i < 1500; i++) {
		snprintf(key, sizeof(key), "%d", i);
		snprintf(name, sizeof(name), "e%d", i / 4);
		if ((rc = evaluator_add_truth(e, "crm", key, name)) != 0)
			return rc;
		snprintf(name, sizeof(name), "r%d", i / 3);
		if ((rc = evaluator_add_run(e, "crm", key, name)) != 0)
			return rc;
	}
	return 0;
}

static void running_out_of_memory_fails_cleanly(void **state)
{
	long n;

	(void)state;
	for (n = 0; n < 10000; n++) {
		struct evaluator *e = NULL;
		struct eval_result r;
		int rc;

		alloc_fail_after(n);
		rc = evaluator_new(&e);
		if (!rc)
			rc = fill(e);
		if (!rc)
			rc = evaluator_finish(e, &r);
		alloc_fail_after(-1);
		evaluator_free(e);
		if (!rc) {
			assert_int_equal(r.matched, 1500);
			break;
		}
		assert_int_equal(rc, ST_ERR_NOMEM);
	}
	assert_true(n > 3);
	assert_true(n < 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_worked_example_scores_one_half),
		cmocka_unit_test(perfect_resolution_scores_one),
		cmocka_unit_test(one_run_entity_finds_every_link_at_low_precision),
		cmocka_unit_test(records_on_one_side_only_are_not_matched),
		cmocka_unit_test(a_run_record_given_twice_keeps_its_first_entity),
		cmocka_unit_test(nothing_to_find_is_perfect),
		cmocka_unit_test(truth_given_twice_is_an_error),
		cmocka_unit_test(truth_file_columns_come_in_any_order),
		cmocka_unit_test(truth_file_without_a_column_names_it),
		cmocka_unit_test(truth_file_line_without_a_value_is_named),
		cmocka_unit_test(truth_file_record_given_twice_is_named),
		cmocka_unit_test(truth_file_empty_or_missing_is_an_error),
		cmocka_unit_test(counts_agree_with_every_pair_on_random_records),
		cmocka_unit_test(running_out_of_memory_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
