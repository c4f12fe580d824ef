/*
 * test_model.c - the Fellegi-Sunter model of identity resolution: levels
 * per comparison, patterns of levels and their counts, u from random
 * pairs, m and the share of matches by EM, m from labelled pairs, and the
 * weights, prior, probability and labels that scoring and reports use.
 *
 * The comparisons are built by hand (a policy is not needed): zeroed
 * structs with a method, thresholds and, for the policy-fixed case, m and
 * u.  EM is checked on exact expected counts from known parameters, so a
 * correct fit lands on them up to rounding, not up to sampling noise.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "identity/model.h"

static void expect_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.9g, expected %.9g (within %g)", what, got,
			 want, tol);
}

/* Five comparisons, one of each kind of level list. */
struct fixture {
	double jw_levels[2], lev_levels[2], day_levels[1];
	struct comparison c[5];
	struct identity id;
	struct model m;
};

enum { C_EXACT, C_JW, C_INITIALS, C_LEV, C_DAYS };

static void fx_init(struct fixture *fx, size_t n)
{
	memset(fx, 0, sizeof(*fx));
	fx->jw_levels[0] = 0.9;
	fx->jw_levels[1] = 0.8;
	fx->lev_levels[0] = 1;
	fx->lev_levels[1] = 2;
	fx->day_levels[0] = 30;
	fx->c[C_EXACT] = (struct comparison){ .attribute_id = "email",
					      .method = CMP_EXACT };
	fx->c[C_JW] = (struct comparison){ .attribute_id = "name",
					   .method = CMP_JARO_WINKLER,
					   .levels = fx->jw_levels, .n_levels = 2 };
	fx->c[C_INITIALS] = (struct comparison){ .attribute_id = "given",
						 .method = CMP_INITIALS };
	fx->c[C_LEV] = (struct comparison){ .attribute_id = "postcode",
					    .method = CMP_LEVENSHTEIN,
					    .levels = fx->lev_levels, .n_levels = 2 };
	fx->c[C_DAYS] = (struct comparison){ .attribute_id = "born",
					     .method = CMP_DATE_DAYS,
					     .levels = fx->day_levels, .n_levels = 1 };
	fx->id.comparisons = fx->c;
	fx->id.n_comparisons = n;
}

static void fx_model(struct fixture *fx)
{
	assert_int_equal(model_init(&fx->m, &fx->id), 0);
}

static void add(struct patterns *p, const struct model *m, const int *levels,
		uint64_t count)
{
	assert_int_equal(patterns_add(p, model_pattern(m, levels), count), 0);
}

/* --- levels --------------------------------------------------------------- */

static void init_gives_the_levels_of_each_method(void **state)
{
	struct fixture fx;
	static const size_t want[5] = { 2, 4, 3, 4, 3 };

	(void)state;
	fx_init(&fx, 5);
	fx_model(&fx);
	assert_int_equal(fx.m.n, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct model_cmp *mc = &fx.m.cmp[i];
		double sum = 0;

		assert_ptr_equal(mc->c, &fx.c[i]);
		assert_int_equal(mc->n_levels, want[i]);
		assert_false(mc->fixed);
		assert_false(mc->m_known);
		for (size_t l = 0; l < mc->n_levels; l++) {
			sum += mc->m[l];
			/* u starts uniform */
			expect_near(mc->u[l], 1.0 / (double)mc->n_levels, 1e-15, "u");
		}
		expect_near(sum, 1, 1e-12, "sum of m");
		/* exact agreement is the likeliest level of a match */
		for (size_t l = 1; l < mc->n_levels; l++)
			assert_true(mc->m[0] > mc->m[l]);
	}
	/* no prior in the policy: estimated */
	assert_false(fx.m.fixed_prior);
	model_release(&fx.m);
	assert_null(fx.m.cmp);
}

static void init_keeps_policy_m_and_u_clamped(void **state)
{
	struct fixture fx;
	double m[4] = { 0.7, 0.2, 0.1, 0.0 }, u[4] = { 0.0, 0.01, 0.09, 1.0 };
	double m3[3] = { 0.8, 0.1, 0.1 }, u3[3] = { 0.1, 0.1, 0.8 };

	(void)state;
	fx_init(&fx, 3);
	fx.c[C_JW].m = m;
	fx.c[C_JW].u = u;
	fx.c[C_JW].n_mu = 4;
	/* three values for a comparison of three levels, but only m given:
	 * estimated */
	fx.c[C_INITIALS].m = m3;
	fx.c[C_INITIALS].n_mu = 3;
	/* m and u of the wrong length: estimated */
	fx.c[C_EXACT].m = m3;
	fx.c[C_EXACT].u = u3;
	fx.c[C_EXACT].n_mu = 3;
	fx.id.has_prior = true;
	fx.id.prior = 0.001;
	fx_model(&fx);

	assert_true(fx.m.cmp[C_JW].fixed);
	assert_true(fx.m.cmp[C_JW].m[0] == 0.7);
	assert_true(fx.m.cmp[C_JW].m[1] == 0.2);
	assert_true(fx.m.cmp[C_JW].m[2] == 0.1);
	assert_true(fx.m.cmp[C_JW].m[3] == MODEL_EPS);
	assert_true(fx.m.cmp[C_JW].u[0] == MODEL_EPS);
	assert_true(fx.m.cmp[C_JW].u[1] == 0.01);
	assert_true(fx.m.cmp[C_JW].u[3] == 1 - MODEL_EPS);
	assert_false(fx.m.cmp[C_INITIALS].fixed);
	assert_false(fx.m.cmp[C_EXACT].fixed);
	assert_true(fx.m.cmp[C_EXACT].u[0] == 0.5);

	assert_true(fx.m.fixed_prior);
	assert_true(fx.m.prior == 0.001);
	model_release(&fx.m);
}

static void init_of_no_comparisons_and_out_of_memory(void **state)
{
	struct fixture fx;

	(void)state;
	fx_init(&fx, 0);
	fx_model(&fx);
	assert_int_equal(fx.m.n, 0);
	assert_int_equal(model_pattern(&fx.m, NULL), 0);
	model_release(&fx.m);

	fx_init(&fx, 2);
	alloc_fail_after(0);
	assert_int_equal(model_init(&fx.m, &fx.id), ST_ERR_NOMEM);
	alloc_fail_after(-1);
	model_release(&fx.m);	/* after a failure, too */
}

/* --- patterns ------------------------------------------------------------- */

static void pattern_round_trips_every_combination_with_missing(void **state)
{
	struct fixture fx;
	int levels[5], back[5];
	size_t total = 1;
	bool *seen;

	(void)state;
	fx_init(&fx, 5);
	fx_model(&fx);
	for (size_t i = 0; i < 5; i++)
		total *= fx.m.cmp[i].n_levels + 1;	/* 3*5*4*5*4 = 1200 */
	assert_int_equal(total, 1200);
	seen = test_calloc(total, sizeof(*seen));
	assert_non_null(seen);
	for (size_t k = 0; k < total; k++) {
		size_t rest = k;
		uint64_t p;

		/* levels -1 .. n_levels - 1 of each comparison */
		for (size_t i = 0; i < 5; i++) {
			size_t base = fx.m.cmp[i].n_levels + 1;

			levels[i] = (int)(rest % base) - 1;
			rest /= base;
		}
		p = model_pattern(&fx.m, levels);
		if (p >= total)
			fail_msg("pattern %llu of combination %zu is out of range",
				 (unsigned long long)p, k);
		if (seen[p])
			fail_msg("pattern %llu given twice", (unsigned long long)p);
		seen[p] = true;
		memset(back, 0x55, sizeof(back));
		model_unpack(&fx.m, p, back);
		for (size_t i = 0; i < 5; i++)
			if (back[i] != levels[i])
				fail_msg("combination %zu: comparison %zu is %d "
					 "after the round trip, was %d", k, i,
					 back[i], levels[i]);
	}
	/* every level 0 packs to pattern 0 */
	memset(levels, 0, sizeof(levels));
	assert_int_equal(model_pattern(&fx.m, levels), 0);
	test_free(seen);
	model_release(&fx.m);
}

static void patterns_accumulate_counts_of_the_same_pattern(void **state)
{
	struct patterns p;
	struct pattern_count out[3];
	size_t n;

	(void)state;
	patterns_init(&p);
	assert_int_equal(patterns_add(&p, 0, 3), 0);
	assert_int_equal(patterns_add(&p, 7, 2), 0);
	assert_int_equal(patterns_add(&p, 0, 4), 0);
	assert_int_equal(patterns_add(&p, 7, 5), 0);
	assert_int_equal(patterns_add(&p, 9, 0), 0);	/* nothing */
	assert_int_equal(patterns_add(&p, 11, 1), 0);
	assert_true(p.has_zero);
	assert_int_equal(p.zero_count, 7);
	assert_int_equal(p.n, 2);	/* 7 and 11; 0 lives apart */
	n = patterns_list(&p, out);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		switch (out[i].pattern) {
		case 0: assert_int_equal(out[i].count, 7); break;
		case 7: assert_int_equal(out[i].count, 7); break;
		case 11: assert_int_equal(out[i].count, 1); break;
		default: fail_msg("unexpected pattern %llu",
				  (unsigned long long)out[i].pattern);
		}
	}
	patterns_release(&p);
	assert_int_equal(p.n, 0);
	assert_false(p.has_zero);
	patterns_release(&p);	/* twice is harmless */
}

static void patterns_grow_and_list_each_pattern_once(void **state)
{
	enum { DISTINCT = 5000 };
	struct patterns p;
	struct pattern_count *out;
	unsigned *hits;
	size_t n;

	(void)state;
	patterns_init(&p);
	/* pattern k * 977 (k = 1 .. DISTINCT) three times, with counts k,
	 * 1 and 2, interleaved so that growth happens between additions of
	 * the same pattern */
	for (int pass = 0; pass < 3; pass++)
		for (uint64_t k = 1; k <= DISTINCT; k++)
			assert_int_equal(patterns_add(&p, k * 977,
						      pass == 0 ? k : (uint64_t)pass), 0);
	assert_int_equal(p.n, DISTINCT);
	assert_false(p.has_zero);
	assert_true(p.cap >= 2 * DISTINCT);
	out = test_calloc(DISTINCT, sizeof(*out));
	hits = test_calloc(DISTINCT + 1, sizeof(*hits));
	assert_non_null(out);
	assert_non_null(hits);
	n = patterns_list(&p, out);
	assert_int_equal(n, DISTINCT);
	for (size_t i = 0; i < n; i++) {
		uint64_t k = out[i].pattern / 977;

		assert_int_equal(out[i].pattern % 977, 0);
		assert_true(k >= 1 && k <= DISTINCT);
		hits[k]++;
		assert_int_equal(out[i].count, k + 3);
	}
	for (size_t k = 1; k <= DISTINCT; k++)
		assert_int_equal(hits[k], 1);
	test_free(out);
	test_free(hits);
	patterns_release(&p);
}

static void patterns_add_reports_out_of_memory(void **state)
{
	struct patterns p;

	(void)state;
	patterns_init(&p);
	alloc_fail_after(0);
	assert_int_equal(patterns_add(&p, 5, 1), ST_ERR_NOMEM);
	/* pattern 0 needs no table */
	assert_int_equal(patterns_add(&p, 0, 1), 0);
	alloc_fail_after(-1);
	assert_int_equal(p.n, 0);
	assert_int_equal(patterns_add(&p, 5, 1), 0);
	assert_int_equal(p.n, 1);
	patterns_release(&p);
}

/* --- u from random pairs -------------------------------------------------- */

static void fit_u_is_each_levels_share_where_not_missing(void **state)
{
	struct fixture fx;
	struct patterns p;
	double m[2] = { 0.95, 0.05 }, u[2] = { 0.0, 1.0 };
	/* exact, Jaro-Winkler (4 levels), exact fixed by the policy */
	static const struct {
		int l[3];
		uint64_t count;
	} rows[] = {
		{ { 0, 0, 0 }, 5 },	/* pattern 0 */
		{ { 1, 1, 1 }, 15 },
		{ { 1, 3, 1 }, 900 },
		{ { 0, -1, 1 }, 5 },
		{ { 1, -1, 0 }, 75 },
		{ { -1, 3, 1 }, 80 },
	};

	(void)state;
	fx_init(&fx, 3);
	fx.c[2] = fx.c[C_EXACT];
	fx.c[2].attribute_id = "phone";
	fx.c[2].m = m;
	fx.c[2].u = u;
	fx.c[2].n_mu = 2;
	fx_model(&fx);
	assert_true(fx.m.cmp[2].fixed);
	patterns_init(&p);
	for (size_t k = 0; k < ARRAY_SIZE(rows); k++)
		add(&p, &fx.m, rows[k].l, rows[k].count);
	model_fit_u(&fx.m, &p);

	/* exact: 10 agree of 1000 said something (80 missing) */
	expect_near(fx.m.cmp[0].u[0], 10.0 / 1000, 1e-15, "exact u[0]");
	expect_near(fx.m.cmp[0].u[1], 990.0 / 1000, 1e-15, "exact u[1]");
	/* Jaro-Winkler: 1000 of 1080 said something; none at level 2 */
	expect_near(fx.m.cmp[1].u[0], 5.0 / 1000, 1e-15, "jw u[0]");
	expect_near(fx.m.cmp[1].u[1], 15.0 / 1000, 1e-15, "jw u[1]");
	assert_true(fx.m.cmp[1].u[2] == MODEL_EPS);
	expect_near(fx.m.cmp[1].u[3], 980.0 / 1000, 1e-15, "jw u[3]");
	/* fixed: the policy's, clamped, whatever the pairs say */
	assert_true(fx.m.cmp[2].u[0] == MODEL_EPS);
	assert_true(fx.m.cmp[2].u[1] == 1 - MODEL_EPS);
	assert_true(fx.m.cmp[2].m[0] == 0.95);
	patterns_release(&p);
	model_release(&fx.m);
}

static void fit_u_leaves_u_when_a_comparison_never_said_anything(void **state)
{
	struct fixture fx;
	struct patterns p;
	int l[2] = { 0, -1 };

	(void)state;
	fx_init(&fx, 2);
	fx_model(&fx);
	patterns_init(&p);
	add(&p, &fx.m, l, 10);
	l[0] = 1;
	add(&p, &fx.m, l, 30);
	model_fit_u(&fx.m, &p);
	expect_near(fx.m.cmp[0].u[0], 0.25, 1e-15, "exact u[0]");
	for (size_t k = 0; k < 4; k++)
		assert_true(fx.m.cmp[1].u[k] == 0.25);	/* still uniform */
	patterns_release(&p);

	/* no pairs at all: nothing changes */
	patterns_init(&p);
	model_fit_u(&fx.m, &p);
	expect_near(fx.m.cmp[0].u[0], 0.25, 1e-15, "exact u[0], no pairs");
	patterns_release(&p);
	model_release(&fx.m);
}

/* --- m by EM -------------------------------------------------------------- */

/* Three conditionally independent comparisons (exact, Jaro-Winkler with
 * four levels, days with three, missing for a tenth of the pairs whatever
 * they are); lambda is the share of matches among the candidates. */
static const double true_lambda = 0.3;
static const double true_m[3][4] = {
	{ 0.9, 0.1 },
	{ 0.6, 0.2, 0.1, 0.1 },
	{ 0.7, 0.2, 0.1 },
};
static const double true_u[3][4] = {
	{ 0.05, 0.95 },
	{ 0.02, 0.05, 0.13, 0.80 },
	{ 0.10, 0.20, 0.70 },
};
static const double days_missing = 0.1;

static void em_fixture(struct fixture *fx)
{
	fx_init(fx, 3);
	fx->c[2] = fx->c[C_DAYS];
	fx_model(fx);
}

/* Expected counts of every pattern among `total` candidates. */
static void expected_candidates(const struct model *m, struct patterns *p,
				double total)
{
	int l[3];

	for (l[0] = 0; l[0] < 2; l[0]++)
		for (l[1] = 0; l[1] < 4; l[1]++)
			for (l[2] = -1; l[2] < 3; l[2]++) {
				double pm = true_m[0][l[0]] * true_m[1][l[1]];
				double pu = true_u[0][l[0]] * true_u[1][l[1]];
				double share = l[2] < 0 ? days_missing : 1 - days_missing;

				if (l[2] >= 0) {
					pm *= true_m[2][l[2]];
					pu *= true_u[2][l[2]];
				}
				share *= true_lambda * pm + (1 - true_lambda) * pu;
				add(p, m, l, (uint64_t)llround(total * share));
			}
}

static void set_true_u(struct model *m)
{
	for (size_t i = 0; i < 3; i++)
		for (size_t l = 0; l < m->cmp[i].n_levels; l++)
			m->cmp[i].u[l] = true_u[i][l];
}

static void fit_m_recovers_known_parameters(void **state)
{
	struct fixture fx;
	struct patterns p;
	double u_before[3][MODEL_MAX_LEVELS];

	(void)state;
	em_fixture(&fx);
	patterns_init(&p);
	expected_candidates(&fx.m, &p, 100000);
	set_true_u(&fx.m);
	for (size_t i = 0; i < 3; i++)
		memcpy(u_before[i], fx.m.cmp[i].u, sizeof(u_before[i]));
	assert_int_equal(model_fit_m(&fx.m, &p), 0);

	assert_true(fx.m.converged);
	assert_true(fx.m.iterations >= 1);
	assert_true(fx.m.iterations <= MODEL_EM_ITERATIONS);
	expect_near(fx.m.lambda, true_lambda, 0.02, "lambda");
	for (size_t i = 0; i < 3; i++) {
		double sum = 0;

		for (size_t l = 0; l < fx.m.cmp[i].n_levels; l++) {
			char what[64];

			snprintf(what, sizeof(what), "m[%zu][%zu]", i, l);
			expect_near(fx.m.cmp[i].m[l], true_m[i][l], 0.02, what);
			snprintf(what, sizeof(what), "u_cand[%zu][%zu]", i, l);
			expect_near(fx.m.cmp[i].u_cand[l], true_u[i][l], 0.02, what);
			sum += fx.m.cmp[i].m[l];
			/* u, of random pairs, is not EM's to change */
			assert_true(fx.m.cmp[i].u[l] == u_before[i][l]);
		}
		expect_near(sum, 1, 1e-6, "sum of m");
	}
	patterns_release(&p);
	model_release(&fx.m);
}

/* Every pair of a small source, matches and all: u by EM is u among the
 * non-matches (what fit_u gives is pulled up by the matches), with half
 * a pair per level; m and lambda stay as they were for the candidates. */
static void fit_u_em_takes_u_among_the_non_matches(void **state)
{
	struct fixture fx;
	struct patterns p;
	double m_before[3][MODEL_MAX_LEVELS], lambda;

	(void)state;
	em_fixture(&fx);
	patterns_init(&p);
	expected_candidates(&fx.m, &p, 100000);
	model_fit_u(&fx.m, &p);
	/* the raw share of exact agreement: 0.3 * 0.9 + 0.7 * 0.05 */
	expect_near(fx.m.cmp[0].u[0], 0.305, 0.001, "u of every pair");
	for (size_t i = 0; i < 3; i++)
		memcpy(m_before[i], fx.m.cmp[i].m, sizeof(m_before[i]));
	lambda = fx.m.lambda;
	assert_int_equal(model_fit_u_em(&fx.m, &p), 0);
	for (size_t i = 0; i < 3; i++) {
		double sum = 0;

		for (size_t l = 0; l < fx.m.cmp[i].n_levels; l++) {
			char what[64];

			snprintf(what, sizeof(what), "u[%zu][%zu]", i, l);
			expect_near(fx.m.cmp[i].u[l], true_u[i][l], 0.02, what);
			assert_true(fx.m.cmp[i].m[l] == m_before[i][l]);
			sum += fx.m.cmp[i].u[l];
		}
		expect_near(sum, 1, 1e-6, "sum of u");
	}
	assert_true(fx.m.lambda == lambda);
	patterns_release(&p);
	model_release(&fx.m);
}

static void fit_u_em_keeps_a_level_of_matches_only_possible(void **state)
{
	struct fixture fx;
	struct patterns p;
	int l[3] = { 0, 0, 0 };

	(void)state;
	em_fixture(&fx);
	patterns_init(&p);
	/* exact agreement on the first comparison only among matches */
	add(&p, &fx.m, l, 50);
	l[0] = 1;
	l[1] = 3;
	l[2] = 2;
	add(&p, &fx.m, l, 950);
	model_fit_u(&fx.m, &p);
	assert_int_equal(model_fit_u_em(&fx.m, &p), 0);
	assert_true(fx.m.cmp[0].u[0] > 1e-4);
	assert_true(fx.m.cmp[0].u[0] < 0.01);
	patterns_release(&p);
	model_release(&fx.m);
}

static void fit_m_starting_from_u_fitted_on_non_matches(void **state)
{
	struct fixture fx;
	struct patterns cand, random;
	int l[3];

	(void)state;
	em_fixture(&fx);
	patterns_init(&cand);
	patterns_init(&random);
	expected_candidates(&fx.m, &cand, 100000);
	/* expected counts of 100000 non-matches, none missing */
	for (l[0] = 0; l[0] < 2; l[0]++)
		for (l[1] = 0; l[1] < 4; l[1]++)
			for (l[2] = 0; l[2] < 3; l[2]++)
				add(&random, &fx.m, l, (uint64_t)llround(100000 *
				    true_u[0][l[0]] * true_u[1][l[1]] * true_u[2][l[2]]));
	model_fit_u(&fx.m, &random);
	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < fx.m.cmp[i].n_levels; k++)
			expect_near(fx.m.cmp[i].u[k], true_u[i][k], 1e-4, "fitted u");
	assert_int_equal(model_fit_m(&fx.m, &cand), 0);
	assert_true(fx.m.converged);
	assert_true(fx.m.iterations <= MODEL_EM_ITERATIONS);
	expect_near(fx.m.lambda, true_lambda, 0.02, "lambda");
	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < fx.m.cmp[i].n_levels; k++)
			expect_near(fx.m.cmp[i].m[k], true_m[i][k], 0.02, "m");
	patterns_release(&cand);
	patterns_release(&random);
	model_release(&fx.m);
}

static void fit_m_keeps_fixed_comparisons_and_handles_no_candidates(void **state)
{
	struct fixture fx;
	struct patterns p;
	double m[2] = { 0.6, 0.4 }, u[2] = { 0.3, 0.7 }, start;

	(void)state;
	fx_init(&fx, 3);
	fx.c[2] = fx.c[C_DAYS];
	fx.c[0].m = m;
	fx.c[0].u = u;
	fx.c[0].n_mu = 2;
	fx_model(&fx);
	assert_true(fx.m.cmp[0].fixed);
	start = fx.m.cmp[1].m[0];

	/* nothing to fit on: no iteration, nothing changes */
	patterns_init(&p);
	assert_int_equal(model_fit_m(&fx.m, &p), 0);
	assert_int_equal(fx.m.iterations, 0);
	assert_false(fx.m.converged);
	assert_true(fx.m.lambda == 0.1);

	expected_candidates(&fx.m, &p, 100000);
	set_true_u(&fx.m);
	fx.m.cmp[0].u[0] = 0.3;	/* the policy's */
	fx.m.cmp[0].u[1] = 0.7;
	assert_int_equal(model_fit_m(&fx.m, &p), 0);
	assert_true(fx.m.cmp[0].m[0] == 0.6);
	assert_true(fx.m.cmp[0].m[1] == 0.4);
	assert_true(fx.m.cmp[0].u[0] == 0.3);
	assert_true(fx.m.cmp[0].u[1] == 0.7);
	assert_true(fx.m.iterations >= 1);
	/* the others were fitted */
	assert_true(fabs(fx.m.cmp[1].m[0] - start) > 1e-3);
	patterns_release(&p);

	alloc_fail_after(0);
	patterns_init(&p);
	assert_int_equal(model_fit_m(&fx.m, &p), ST_ERR_NOMEM);
	alloc_fail_after(-1);
	model_release(&fx.m);
}

/* --- m from labelled pairs ------------------------------------------------ */

static void know_m_sets_m_from_enough_pairs_and_em_keeps_it(void **state)
{
	struct fixture fx;
	struct patterns p;
	const uint64_t counts[4] = { 20, 5, 3, 2 };	/* 30 pairs */
	double want[4];

	(void)state;
	assert_true(20 + 5 + 3 + 2 >= MODEL_MIN_KNOWN);
	em_fixture(&fx);
	model_know_m(&fx.m, 1, counts);
	assert_true(fx.m.cmp[1].m_known);
	assert_int_equal(fx.m.cmp[1].m_pairs, 30);
	for (size_t l = 0; l < 4; l++) {
		want[l] = ((double)counts[l] + 0.5) / (30 + 0.5 * 4);
		expect_near(fx.m.cmp[1].m[l], want[l], 1e-15, "known m");
	}
	assert_false(fx.m.cmp[0].m_known);

	patterns_init(&p);
	expected_candidates(&fx.m, &p, 100000);
	set_true_u(&fx.m);
	assert_int_equal(model_fit_m(&fx.m, &p), 0);
	for (size_t l = 0; l < 4; l++)
		assert_true(fx.m.cmp[1].m[l] == want[l]);
	/* the others were fitted beside it */
	expect_near(fx.m.cmp[0].m[0], true_m[0][0], 0.05, "exact m beside known");
	patterns_release(&p);
	model_release(&fx.m);
}

static void know_m_needs_enough_pairs_and_leaves_fixed_alone(void **state)
{
	struct fixture fx;
	const uint64_t few[4] = { 20, 5, 3, 1 };	/* 29 pairs */
	const uint64_t many[2] = { 900, 100 };
	double before[MODEL_MAX_LEVELS], m[2] = { 0.6, 0.4 }, u[2] = { 0.3, 0.7 };

	(void)state;
	fx_init(&fx, 2);
	fx.c[0].m = m;
	fx.c[0].u = u;
	fx.c[0].n_mu = 2;
	fx_model(&fx);
	memcpy(before, fx.m.cmp[1].m, sizeof(before));
	model_know_m(&fx.m, 1, few);
	assert_false(fx.m.cmp[1].m_known);
	assert_int_equal(fx.m.cmp[1].m_pairs, 0);
	assert_memory_equal(before, fx.m.cmp[1].m, sizeof(before));

	model_know_m(&fx.m, 0, many);
	assert_false(fx.m.cmp[0].m_known);
	assert_true(fx.m.cmp[0].m[0] == 0.6);
	model_release(&fx.m);
}

/* m alone in the policy: fixed through EM and labelled pairs, while u is
 * estimated from random pairs like any other comparison's. */
static void m_alone_is_fixed_and_u_estimated(void **state)
{
	struct fixture fx;
	struct patterns p;
	double m[2] = { 0.8, 0.2 };
	const uint64_t many[2] = { 900, 100 };
	int agree[2] = { 0, 0 }, differ[2] = { 1, 1 };

	(void)state;
	fx_init(&fx, 2);
	fx.c[0].m = m;
	fx.c[0].n_mu = 2;
	fx_model(&fx);
	assert_false(fx.m.cmp[0].fixed);
	assert_true(fx.m.cmp[0].m_given);
	assert_true(fx.m.cmp[0].m[0] == 0.8 && fx.m.cmp[0].m[1] == 0.2);
	assert_false(fx.m.cmp[1].m_given);

	/* u from random pairs: 1 in 100 agree */
	patterns_init(&p);
	add(&p, &fx.m, agree, 10);
	add(&p, &fx.m, differ, 990);
	model_fit_u(&fx.m, &p);
	expect_near(fx.m.cmp[0].u[0], 0.01, 1e-15, "u estimated");
	expect_near(fx.m.cmp[0].u[1], 0.99, 1e-15, "u estimated");

	/* neither labelled pairs nor EM move m */
	model_know_m(&fx.m, 0, many);
	assert_false(fx.m.cmp[0].m_known);
	assert_int_equal(model_fit_m(&fx.m, &p), 0);
	assert_true(fx.m.iterations >= 1);
	assert_true(fx.m.cmp[0].m[0] == 0.8 && fx.m.cmp[0].m[1] == 0.2);
	/* the other comparison was fitted */
	assert_true(fx.m.cmp[1].m[0] != 0.9 / (0.9 + 0.05));
	expect_near(model_weight(&fx.m, 0, 0, 0), log2(0.8 / 0.01), 1e-12, "weight");
	patterns_release(&p);
	model_release(&fx.m);
}

/* --- weights, prior, probability, labels ---------------------------------- */

static void weight_is_log2_m_over_u_with_override(void **state)
{
	struct fixture fx;

	(void)state;
	fx_init(&fx, 2);
	fx_model(&fx);
	fx.m.cmp[0].m[0] = 0.9;
	fx.m.cmp[0].u[0] = 0.01;
	fx.m.cmp[0].m[1] = 0.1;
	fx.m.cmp[0].u[1] = 0.99;
	expect_near(model_weight(&fx.m, 0, 0, 0), log2(90), 1e-12, "agree");
	expect_near(model_weight(&fx.m, 0, 1, 0), log2(0.1 / 0.99), 1e-12,
		    "disagree");
	assert_true(model_weight(&fx.m, 0, 1, 0) < 0);
	/* a rare value agreed on weighs more */
	expect_near(model_weight(&fx.m, 0, 0, 0.001), log2(900), 1e-12,
		    "override");
	expect_near(model_weight(&fx.m, 0, 0, -1), log2(90), 1e-12,
		    "negative override is none");
	/* an override of almost nothing is kept finite */
	assert_true(isfinite(model_weight(&fx.m, 0, 0, 1e-300)));
	expect_near(model_weight(&fx.m, 0, 0, 1e-300), log2(0.9 / MODEL_EPS),
		    1e-9, "tiny override");
	model_release(&fx.m);
}

static void set_prior_scales_lambda_to_all_pairs_unless_fixed(void **state)
{
	struct fixture fx;

	(void)state;
	fx_init(&fx, 1);
	fx_model(&fx);
	fx.m.lambda = 0.3;
	model_set_prior(&fx.m, 1000, 1e6);
	expect_near(fx.m.prior, 0.3 * 1000 / 1e6, 1e-18, "prior");
	/* no pairs: left alone */
	model_set_prior(&fx.m, 1000, 0);
	expect_near(fx.m.prior, 3e-4, 1e-18, "prior, no pairs");
	/* kept above 1e-12 and below 1 */
	model_set_prior(&fx.m, 1, 1e15);
	assert_true(fx.m.prior == 1e-12);
	model_set_prior(&fx.m, 1e9, 1e6);
	assert_true(fx.m.prior == 1 - MODEL_EPS);
	model_release(&fx.m);

	fx.id.has_prior = true;
	fx.id.prior = 0.02;
	fx_model(&fx);
	fx.m.lambda = 0.3;
	model_set_prior(&fx.m, 1000, 1e6);
	assert_true(fx.m.prior == 0.02);
	model_release(&fx.m);
}

static void probability_is_half_where_bits_cancel_the_prior(void **state)
{
	struct fixture fx;
	static const double priors[] = { 0.5, 0.01, 3e-4, 1e-12, 1 - MODEL_EPS };

	(void)state;
	fx_init(&fx, 1);
	fx_model(&fx);
	for (size_t k = 0; k < ARRAY_SIZE(priors); k++) {
		double even, last = -1;

		fx.m.prior = priors[k];
		even = -log2(priors[k] / (1 - priors[k]));
		expect_near(model_probability(&fx.m, even), 0.5, 1e-12, "even");
		for (double b = even - 30; b <= even + 30; b += 0.5) {
			double pr = model_probability(&fx.m, b);

			assert_false(isnan(pr));
			assert_true(pr > last);
			assert_true(pr >= 0 && pr <= 1);
			last = pr;
		}
		assert_true(model_probability(&fx.m, 1000) == 1.0);
		assert_true(model_probability(&fx.m, -1000) == 0.0);
		assert_true(model_probability(&fx.m, INFINITY) == 1.0);
		assert_true(model_probability(&fx.m, -INFINITY) == 0.0);
	}
	/* with the prior 0.5, one bit is odds of 2 to 1 */
	fx.m.prior = 0.5;
	expect_near(model_probability(&fx.m, 1), 2.0 / 3, 1e-12, "one bit");
	expect_near(model_probability(&fx.m, -1), 1.0 / 3, 1e-12, "minus one bit");
	model_release(&fx.m);
}

static void level_labels_name_each_level(void **state)
{
	struct fixture fx;
	char out[32];
	static const struct {
		size_t cmp, level;
		const char *want;
	} cases[] = {
		{ C_EXACT, 0, "exact" }, { C_EXACT, 1, "else" },
		{ C_JW, 0, "exact" }, { C_JW, 1, ">= 0.9" }, { C_JW, 2, ">= 0.8" },
		{ C_JW, 3, "else" },
		{ C_INITIALS, 0, "exact" }, { C_INITIALS, 1, "initials" },
		{ C_INITIALS, 2, "else" },
		{ C_LEV, 1, "<= 1" }, { C_LEV, 2, "<= 2" }, { C_LEV, 3, "else" },
		{ C_DAYS, 1, "<= 30 days" }, { C_DAYS, 2, "else" },
	};

	(void)state;
	fx_init(&fx, 5);
	fx_model(&fx);
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		memset(out, 'x', sizeof(out));
		model_level_label(&fx.m.cmp[cases[k].cmp], cases[k].level, out,
				  sizeof(out));
		if (strcmp(out, cases[k].want))
			fail_msg("comparison %zu level %zu: '%s', expected '%s'",
				 cases[k].cmp, cases[k].level, out, cases[k].want);
	}
	/* a short buffer is cut, still terminated */
	model_level_label(&fx.m.cmp[C_DAYS], 1, out, 5);
	assert_string_equal(out, "<= 3");
	model_release(&fx.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_gives_the_levels_of_each_method),
		cmocka_unit_test(init_keeps_policy_m_and_u_clamped),
		cmocka_unit_test(init_of_no_comparisons_and_out_of_memory),
		cmocka_unit_test(pattern_round_trips_every_combination_with_missing),
		cmocka_unit_test(patterns_accumulate_counts_of_the_same_pattern),
		cmocka_unit_test(patterns_grow_and_list_each_pattern_once),
		cmocka_unit_test(patterns_add_reports_out_of_memory),
		cmocka_unit_test(fit_u_is_each_levels_share_where_not_missing),
		cmocka_unit_test(fit_u_leaves_u_when_a_comparison_never_said_anything),
		cmocka_unit_test(fit_m_recovers_known_parameters),
		cmocka_unit_test(fit_u_em_takes_u_among_the_non_matches),
		cmocka_unit_test(fit_u_em_keeps_a_level_of_matches_only_possible),
		cmocka_unit_test(fit_m_starting_from_u_fitted_on_non_matches),
		cmocka_unit_test(fit_m_keeps_fixed_comparisons_and_handles_no_candidates),
		cmocka_unit_test(know_m_sets_m_from_enough_pairs_and_em_keeps_it),
		cmocka_unit_test(know_m_needs_enough_pairs_and_leaves_fixed_alone),
		cmocka_unit_test(m_alone_is_fixed_and_u_estimated),
		cmocka_unit_test(weight_is_log2_m_over_u_with_override),
		cmocka_unit_test(set_prior_scales_lambda_to_all_pairs_unless_fixed),
		cmocka_unit_test(probability_is_half_where_bits_cancel_the_prior),
		cmocka_unit_test(level_labels_name_each_level),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
