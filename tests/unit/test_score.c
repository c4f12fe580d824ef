/*
 * test_score.c - the scoring arithmetic of docs/scoring.md on inputs made
 * by hand: each dimension of a cell, a source's own dimensions, the means
 * of the roll-ups, weights over only the dimensions that have a score,
 * grade bands, and inputs that must be ignored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "profile/findings.h"
#include "report/score.h"

/* The score of (scope, subject, attribute, dimension), or NAN. */
static double find(const struct scorer *sc, enum score_scope scope,
		   const char *subject, const char *attribute, int dim,
		   const char **grade)
{
	const struct score *s;
	size_t n = scorer_scores(sc, &s);

	for (size_t i = 0; i < n; i++)
		if (s[i].scope == scope && !strcmp(s[i].subject, subject) &&
		    !strcmp(s[i].attribute, attribute) && s[i].dimension == dim) {
			if (grade)
				*grade = s[i].grade;
			return s[i].value;
		}
	return NAN;
}

/* Two sources, a (owner o1) and b (o2); two attributes, x (o1) and y
 * (o2); completeness and consistency weigh half each. */
static struct scorer *fixture(void)
{
	struct scorer *sc = scorer_new();

	assert_non_null(sc);
	scorer_weight(sc, DIM_COMPLETENESS, 0.5);
	scorer_weight(sc, DIM_CONSISTENCY, 0.5);
	assert_int_equal(scorer_grade(sc, "F", 0), 0);
	assert_int_equal(scorer_grade(sc, "A", 90), 0);
	assert_int_equal(scorer_grade(sc, "B", 80), 0);
	assert_int_equal(scorer_source(sc, "a", "o1"), 0);
	assert_int_equal(scorer_source(sc, "b", "o2"), 0);
	assert_int_equal(scorer_source(sc, "c", "o2"), 0);
	assert_int_equal(scorer_attribute(sc, "x", "o1"), 0);
	assert_int_equal(scorer_attribute(sc, "y", "o2"), 0);
	assert_int_equal(scorer_metric(sc, "a", "", "rows", 10), 0);
	assert_int_equal(scorer_metric(sc, "a", "x", "present_share", 0.8), 0);
	assert_int_equal(scorer_metric(sc, "a", "x", "reconcile_copies", 10), 0);
	assert_int_equal(scorer_metric(sc, "a", "x", "reconcile_conflicts", 1), 0);
	assert_int_equal(scorer_metric(sc, "a", "y", "present_share", 1.0), 0);
	assert_int_equal(scorer_metric(sc, "b", "", "rows", 100), 0);
	assert_int_equal(scorer_metric(sc, "b", "y", "present_share", 0.6), 0);
	assert_int_equal(scorer_metric(sc, "b", "", "resolved_records", 100), 0);
	assert_int_equal(scorer_metric(sc, "b", "", "duplicate_records", 10), 0);
	scorer_finding(sc, "b", DIM_INTEGRITY, SEV_HIGH);
	/* c could not be read: a critical finding, no metrics; still in */
	scorer_finding(sc, "c", DIM_INTEGRITY, SEV_CRITICAL);
	/* ignored: another dimension, an unknown source, attribute, metric,
	 * and a value that is no number */
	scorer_finding(sc, "b", DIM_VALIDITY, SEV_CRITICAL);
	scorer_finding(sc, "zz", DIM_INTEGRITY, SEV_CRITICAL);
	assert_int_equal(scorer_metric(sc, "zz", "x", "present_share", 0), 0);
	assert_int_equal(scorer_metric(sc, "a", "zz", "present_share", 0), 0);
	assert_int_equal(scorer_metric(sc, "a", "x", "no_such_metric", 0), 0);
	assert_int_equal(scorer_metric(sc, "b", "x", "valid_share", NAN), 0);
	assert_int_equal(scorer_run(sc), 0);
	return sc;
}

static void cells(void **state)
{
	struct scorer *sc = fixture();
	const char *g = NULL;

	(void)state;
	assert_float_equal(find(sc, SCOPE_CELL, "a", "x", DIM_COMPLETENESS, NULL), 80, 1e-9);
	assert_float_equal(find(sc, SCOPE_CELL, "a", "x", DIM_CONSISTENCY, NULL), 90, 1e-9);
	assert_float_equal(find(sc, SCOPE_CELL, "a", "x", SCORE_TOTAL, &g), 85, 1e-9);
	assert_string_equal(g, "B");
	/* one weighed dimension only: the total is that dimension */
	assert_float_equal(find(sc, SCOPE_CELL, "a", "y", SCORE_TOTAL, &g), 100, 1e-9);
	assert_string_equal(g, "A");
	assert_float_equal(find(sc, SCOPE_CELL, "b", "y", SCORE_TOTAL, &g), 60, 1e-9);
	assert_string_equal(g, "F");
	/* nothing measured, no score (not a perfect one) */
	assert_true(isnan(find(sc, SCOPE_CELL, "a", "y", DIM_CONSISTENCY, NULL)));
	assert_true(isnan(find(sc, SCOPE_CELL, "b", "x", DIM_VALIDITY, NULL)));
	assert_true(isnan(find(sc, SCOPE_CELL, "b", "x", SCORE_TOTAL, NULL)));
	scorer_free(sc);
}

static void sources(void **state)
{
	struct scorer *sc = fixture();

	(void)state;
	assert_float_equal(find(sc, SCOPE_SOURCE, "a", "", DIM_COMPLETENESS, NULL), 90, 1e-9);
	assert_float_equal(find(sc, SCOPE_SOURCE, "a", "", DIM_CONSISTENCY, NULL), 90, 1e-9);
	assert_float_equal(find(sc, SCOPE_SOURCE, "a", "", SCORE_TOTAL, NULL), 90, 1e-9);
	/* a scanned source with no integrity findings; uniqueness unknown */
	assert_float_equal(find(sc, SCOPE_SOURCE, "a", "", DIM_INTEGRITY, NULL), 100, 1e-9);
	assert_true(isnan(find(sc, SCOPE_SOURCE, "a", "", DIM_UNIQUENESS, NULL)));
	/* 10 duplicates of 100 records; one high integrity finding */
	assert_float_equal(find(sc, SCOPE_SOURCE, "b", "", DIM_UNIQUENESS, NULL), 90, 1e-9);
	assert_float_equal(find(sc, SCOPE_SOURCE, "b", "", DIM_INTEGRITY, NULL),
			   100 - score_integrity_penalty[SEV_HIGH], 1e-9);
	/* weight 0: measured, but not in the total */
	assert_float_equal(find(sc, SCOPE_SOURCE, "b", "", SCORE_TOTAL, NULL), 60, 1e-9);
	/* an unreadable source is scored on its finding */
	assert_float_equal(find(sc, SCOPE_SOURCE, "c", "", DIM_INTEGRITY, NULL),
			   100 - score_integrity_penalty[SEV_CRITICAL], 1e-9);
	scorer_free(sc);
}

static void owners_and_overall(void **state)
{
	struct scorer *sc = fixture();
	const char *g = NULL;

	(void)state;
	/* o1: its source a's cells (x and y) */
	assert_float_equal(find(sc, SCOPE_OWNER, "o1", "", DIM_COMPLETENESS, NULL), 90, 1e-9);
	assert_float_equal(find(sc, SCOPE_OWNER, "o1", "", SCORE_TOTAL, NULL), 90, 1e-9);
	/* o2: its attribute y in a, and its source b */
	assert_float_equal(find(sc, SCOPE_OWNER, "o2", "", DIM_COMPLETENESS, NULL), 80, 1e-9);
	assert_true(isnan(find(sc, SCOPE_OWNER, "o2", "", DIM_CONSISTENCY, NULL)));
	assert_float_equal(find(sc, SCOPE_OWNER, "o2", "", SCORE_TOTAL, &g), 80, 1e-9);
	assert_string_equal(g, "B");
	assert_float_equal(find(sc, SCOPE_OWNER, "o2", "", DIM_UNIQUENESS, NULL), 90, 1e-9);
	/* o2's sources b (90) and c (75) */
	assert_float_equal(find(sc, SCOPE_OWNER, "o2", "", DIM_INTEGRITY, NULL), 82.5, 1e-9);
	/* overall: every cell, every source */
	assert_float_equal(find(sc, SCOPE_OVERALL, "", "", DIM_COMPLETENESS, NULL), 80, 1e-9);
	assert_float_equal(find(sc, SCOPE_OVERALL, "", "", DIM_CONSISTENCY, NULL), 90, 1e-9);
	assert_float_equal(find(sc, SCOPE_OVERALL, "", "", SCORE_TOTAL, NULL), 85, 1e-9);
	/* a (100), b (90), c (75) */
	assert_float_equal(find(sc, SCOPE_OVERALL, "", "", DIM_INTEGRITY, NULL),
			   (100 + 90 + 75) / 3.0, 1e-9);
	scorer_free(sc);
}

static void clamped_and_graded_at_the_edges(void **state)
{
	struct scorer *sc = scorer_new();
	const char *g = NULL;

	(void)state;
	scorer_weight(sc, DIM_INTEGRITY, 1);
	assert_int_equal(scorer_grade(sc, "pass", 50), 0);
	assert_int_equal(scorer_source(sc, "a", NULL), 0);
	assert_int_equal(scorer_metric(sc, "a", "", "rows", 1), 0);
	for (int i = 0; i < 5; i++)
		scorer_finding(sc, "a", DIM_INTEGRITY, SEV_CRITICAL);
	assert_int_equal(scorer_run(sc), 0);
	/* 125 points of penalties: 0, not below; under every band: no
	 * grade */
	assert_float_equal(find(sc, SCOPE_SOURCE, "a", "", DIM_INTEGRITY, &g), 0, 1e-9);
	assert_string_equal(g, "");
	/* no owners: no owner scores */
	assert_true(isnan(find(sc, SCOPE_OWNER, "", "", SCORE_TOTAL, NULL)));
	assert_string_equal(score_dimension_name(SCORE_TOTAL), "total");
	assert_string_equal(score_scope_name(SCOPE_CELL), "cell");
	scorer_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cells),
		cmocka_unit_test(sources),
		cmocka_unit_test(owners_and_overall),
		cmocka_unit_test(clamped_and_graded_at_the_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
