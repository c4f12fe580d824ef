/*
 * test_reconcile.c - golden values, conflicts and proposals on records
 * built by hand: each trust curve, each survivorship strategy, evidence
 * that lets a confirmed phone outrank the system of record, a source's
 * newer record superseding its older one, fills, flags on ties, invalid
 * values, and the confidence formula.  The accuracy on the sample world
 * is measured end to end (bench/reconcile/run.sh, docs/reconciliation.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "policy/trust.h"
#include "reconcile/reconcile.h"
#include "util/datetime.h"

/* ---- trust curves ----------------------------------------------------- */

static void curves_start_at_start_and_end_at_min(void **state)
{
	static const enum trust_curve curves[] = {
		CURVE_LINEAR, CURVE_EXPONENTIAL, CURVE_FAST_THEN_SLOW,
		CURVE_SLOW_THEN_FAST
	};

	(void)state;
	for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		assert_float_equal(trust_curve_at(curves[i], 0.9, 0.3, 100, 0), 0.9, 1e-12);
		assert_float_equal(trust_curve_at(curves[i], 0.9, 0.3, 100, 100), 0.3, 1e-12);
		/* past the horizon, and in the future, clamped */
		assert_float_equal(trust_curve_at(curves[i], 0.9, 0.3, 100, 500), 0.3, 1e-12);
		assert_float_equal(trust_curve_at(curves[i], 0.9, 0.3, 100, -5), 0.9, 1e-12);
	}
}

static void curves_have_their_shapes(void **state)
{
	(void)state;
	/* half way: linear half, exponential most gone, fast-then-slow a
	 * quarter left, slow-then-fast three quarters left */
	assert_float_equal(trust_curve_at(CURVE_LINEAR, 1, 0, 100, 50), 0.5, 1e-12);
	assert_float_equal(trust_curve_at(CURVE_EXPONENTIAL, 1, 0, 100, 50),
			   (exp(-2.5) - exp(-5)) / (1 - exp(-5)), 1e-12);
	assert_float_equal(trust_curve_at(CURVE_FAST_THEN_SLOW, 1, 0, 100, 50), 0.25, 1e-12);
	assert_float_equal(trust_curve_at(CURVE_SLOW_THEN_FAST, 1, 0, 100, 50), 0.75, 1e-12);
}

/* ---- the confidence formula ----------------------------------------------- */

static void confidence_formula(void **state)
{
	(void)state;
	/* no runner-up: the winner's trust times the match probability */
	assert_float_equal(reconcile_confidence(1, 0.8, -1), 0.8, 1e-12);
	assert_float_equal(reconcile_confidence(0.5, 0.8, -1), 0.4, 1e-12);
	/* equal trusts: a coin toss */
	assert_float_equal(reconcile_confidence(1, 0.7, 0.7), 0.5, 1e-12);
	/* 0.97 against 0.79: 0.97 * 0.21 / (0.97 * 0.21 + 0.79 * 0.03) */
	assert_float_equal(reconcile_confidence(1, 0.97, 0.79),
			   0.97 * 0.21 / (0.97 * 0.21 + 0.79 * 0.03), 1e-12);
	/* trusts clamped: never certain */
	assert_true(reconcile_confidence(1, 1.0, 0.0) < 1);
	assert_true(reconcile_confidence(1, 0.9, 0.6) > reconcile_confidence(1, 0.9, 0.8));
}

/* ---- fixture ------------------------------------------------------------ */

/* Source a (the CRM) owns phone; b (billing) owns status; both copy name
 * and phone; b's phones can be confirmed on a call.  c has no trust
 * rules at all. */
#define POLICY \
	"<?xml version=\"1.0\"?>\n<steward>\n" \
	"<owner id=\"o\" name=\"O\" contact=\"c\"/>\n" \
	"<attribute id=\"name\" type=\"text\" system-of-record=\"a\" owner=\"o\"/>\n" \
	"<attribute id=\"phone\" type=\"text\" system-of-record=\"a\" owner=\"o\"/>\n" \
	"<attribute id=\"status\" type=\"enum\" values=\"open current overdue closed\" system-of-record=\"b\" owner=\"o\"/>\n" \
	"<attribute id=\"tag\" type=\"text\" system-of-record=\"c\" owner=\"o\"/>\n" \
	"<source id=\"a\" kind=\"csv\" owner=\"o\"><location path=\"a.csv\"/>" \
	"<key field=\"id\"/><updated field=\"at\" format=\"%Y-%m-%d\"/>" \
	"<field name=\"id\"/><field name=\"at\"/>" \
	"<field name=\"name\" attribute=\"name\"/>" \
	"<field name=\"phone\" attribute=\"phone\"/>" \
	"<field name=\"status\" attribute=\"status\"/></source>\n" \
	"<source id=\"b\" kind=\"csv\" owner=\"o\"><location path=\"b.csv\"/>" \
	"<key field=\"id\"/><updated field=\"at\" format=\"%Y-%m-%d\"/>" \
	"<field name=\"id\"/><field name=\"at\"/>" \
	"<field name=\"name\" attribute=\"name\"/>" \
	"<field name=\"phone\" attribute=\"phone\"/>" \
	"<field name=\"status\" attribute=\"status\"/>" \
	"<field name=\"ok\"/><field name=\"ok_on\" type=\"date\" format=\"%Y-%m-%d\"/></source>\n" \
	"<source id=\"c\" kind=\"csv\" owner=\"o\"><location path=\"c.csv\"/>" \
	"<key field=\"id\"/><updated field=\"at\" format=\"%Y-%m-%d\"/>" \
	"<field name=\"id\"/><field name=\"at\"/>" \
	"<field name=\"tag\" attribute=\"tag\"/></source>\n" \
	"<source id=\"d\" kind=\"csv\" owner=\"o\"><location path=\"d.csv\"/>" \
	"<key field=\"id\"/><updated field=\"at\" format=\"%Y-%m-%d\"/>" \
	"<field name=\"id\"/><field name=\"at\"/>" \
	"<field name=\"tag\" attribute=\"tag\"/></source>\n" \
	"<trust source=\"a\" max=\"0.80\" min=\"0.30\" decay=\"P730D\" curve=\"linear\"/>\n" \
	"<trust source=\"b\" max=\"0.85\" min=\"0.40\" decay=\"P730D\" curve=\"linear\">" \
	"<evidence field=\"ok\" equals=\"true\" raise-to=\"0.98\" dated-by=\"ok_on\"/>" \
	"</trust>\n" \
	"<survivorship attribute=\"phone\" order=\"highest-trust system-of-record most-recent\"/>\n" \
	"<survivorship attribute=\"status\" order=\"system-of-record\"/>\n" \
	"<survivorship attribute=\"name\" order=\"most-frequent\"/>\n" \
	"<survivorship attribute=\"tag\" order=\"most-recent\"/>\n" \
	"<reconcile auto-approve=\"0.90\" review=\"0.40\"/>\n" \
	"<compliance id=\"opt-out\" gate=\"true\"><consent attribute=\"status\" opted-out=\"closed\"/></compliance>\n" \
	"<compliance id=\"lag\"><copy-lag attribute=\"status\" max=\"P7D\"/></compliance>\n" \
	"<compliance id=\"owned\"><sources-owned/></compliance>\n" \
	"</steward>\n"

struct fixture {
	char dir[64];
	struct policy *p;
	struct reconciler *rc;
	uint32_t entity[32];
	double pm[32];
	size_t n;
};

static void fx_open(struct fixture *fx)
{
	struct diag_list errors;
	char path[128];
	FILE *f;

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/steward-reconcile-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(path, sizeof(path), "%s/p.xml", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(POLICY, f);
	fclose(f);
	diag_list_init(&errors);
	if (policy_load(fx->dir, NULL, &fx->p, &errors))
		fail_msg("policy: %lu:%lu: %s", errors.items[0].line,
			 errors.items[0].col, errors.items[0].msg);
	diag_list_release(&errors);
	/* as of 2026-10-31 */
	assert_int_equal(reconciler_new(fx->p, 20757, &fx->rc), 0);
}

static void fx_close(struct fixture *fx)
{
	char cmd[128];

	reconciler_free(fx->rc);
	policy_free(fx->p);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
}

/* A record of source s (0 a, 1 b, 2 c, 3 d) for entity e: fields in the
 * source's order (NULL absent); values are the mapped fields' raw text,
 * or "!" + text for one whose transform failed. */
static void add(struct fixture *fx, size_t s, uint32_t e, double pm,
		const char *const *raw)
{
	const struct source *src = &fx->p->sources[s];
	const char *vals[8], *why[8];
	size_t raw_len[8], len[8];
	struct record rec = { fx->n + 1, 1, raw[0], (const char **)raw, raw_len,
			      vals, len, why };

	for (size_t f = 0; f < src->n_fields; f++)
		raw_len[f] = raw[f] ? strlen(raw[f]) : 0;
	for (size_t m = 0; m < src->n_mappings; m++) {
		const char *v = raw[src->mappings[m].fields[0]];

		why[m] = NULL;
		if (v && v[0] == '!') {
			why[m] = "bad";
			v++;
		}
		vals[m] = v;
		len[m] = v ? strlen(v) : 0;
	}
	assert_int_equal(reconciler_add(fx->rc, s, &rec), 0);
	fx->entity[fx->n] = e;
	fx->pm[fx->n++] = pm;
}

static void run(struct fixture *fx, size_t entities)
{
	assert_int_equal(reconciler_run(fx->rc, fx->entity, fx->pm, entities, NULL, 0), 0);
}

static void run_with(struct fixture *fx, size_t entities,
		     const struct possible_pair *pairs, size_t n_pairs)
{
	assert_int_equal(reconciler_run(fx->rc, fx->entity, fx->pm, entities,
					pairs, n_pairs), 0);
}

/* The proposal for record r's attribute, or NULL. */
static const struct proposal *proposal_for(const struct fixture *fx, uint32_t r,
					   const char *attribute)
{
	const struct proposal *p;
	size_t n = reconciler_proposals(fx->rc, &p);

	for (size_t i = 0; i < n; i++)
		if (p[i].record == r && p[i].kind != PROPOSE_MERGE &&
		    !strcmp(fx->p->attributes[p[i].attribute].id, attribute))
			return &p[i];
	return NULL;
}

static const struct proposal *proposal_for_kind(const struct fixture *fx,
						uint32_t r, enum proposal_kind k)
{
	const struct proposal *p;
	size_t n = reconciler_proposals(fx->rc, &p);

	for (size_t i = 0; i < n; i++)
		if (p[i].record == r && p[i].kind == k)
			return &p[i];
	return NULL;
}

static const struct golden *golden_for(const struct fixture *fx, uint32_t e,
				       const char *attribute)
{
	const struct golden *g;
	size_t n = reconciler_golden(fx->rc, &g);

	for (size_t i = 0; i < n; i++)
		if (g[i].entity == e &&
		    !strcmp(fx->p->attributes[g[i].attribute].id, attribute))
			return &g[i];
	return NULL;
}

/* ---- strategies ----------------------------------------------------------- */

static void system_of_record_wins_and_the_copy_is_told(void **state)
{
	struct fixture fx;
	const struct proposal *p;
	const struct golden *g;

	(void)state;
	fx_open(&fx);
	/* the CRM's copy is newer and as trusted, but billing owns status */
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-30", "Ann", "111", "current" });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-06-07", "Ann", "111", "overdue", NULL, NULL });
	run(&fx, 1);
	g = golden_for(&fx, 0, "status");
	assert_non_null(g);
	assert_string_equal(g->value, "overdue");
	assert_int_equal(g->decided_by, SURV_SYSTEM_OF_RECORD);
	assert_string_equal(g->runner_value, "current");
	p = proposal_for(&fx, 0, "status");
	assert_non_null(p);
	assert_int_equal(p->kind, PROPOSE_UPDATE);
	assert_string_equal(p->current, "current");
	assert_string_equal(p->proposed, "overdue");
	assert_int_equal(p->origin, 1);
	assert_false(p->over_sor);
	/* billing's copy is not told to change */
	assert_null(proposal_for(&fx, 1, "status"));
	assert_int_equal(reconciler_stats(fx.rc)->conflicts, 1);
	/* the CRM's copy is newer than billing's: a conflict, not stale */
	assert_int_equal(reconciler_stats(fx.rc)->stale, 0);
	fx_close(&fx);
}

static void older_copy_of_the_system_of_record_is_stale(void **state)
{
	struct fixture fx;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-01-01", "Ann", "111", "current" });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-06-07", "Ann", "111", "overdue", NULL, NULL });
	run(&fx, 1);
	assert_int_equal(reconciler_stats(fx.rc)->stale, 1);
	fx_close(&fx);
}

static void confirmed_phone_outranks_the_system_of_record(void **state)
{
	struct fixture fx;
	const struct proposal *p;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-01", "Ann", "111", NULL });
	add(&fx, 1, 0, 0.97, (const char *[]){ "B1", "2026-01-01", "Ann", "222", NULL, "true", "2026-10-20" });
	run(&fx, 1);
	p = proposal_for(&fx, 0, "phone");
	assert_non_null(p);
	assert_string_equal(p->proposed, "222");
	assert_int_equal(p->decided_by, SURV_HIGHEST_TRUST);
	assert_true(p->over_sor);
	/* trust from the call on 2026-10-20, raised to 0.98 */
	assert_true(p->trust > 0.97);
	assert_int_equal(p->origin_days, 20746);
	/* the smaller of the two records' match probabilities */
	assert_float_equal(p->confidence, reconcile_confidence(0.97, p->trust, p->runner_trust), 1e-12);
	fx_close(&fx);
}

static void unconfirmed_phone_does_not(void **state)
{
	struct fixture fx;

	(void)state;
	fx_open(&fx);
	/* no call: billing's 0.85 from January decays below the CRM's 0.80
	 * from October */
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-01", "Ann", "111", NULL });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-01-01", "Ann", "222", NULL, NULL, NULL });
	run(&fx, 1);
	assert_null(proposal_for(&fx, 0, "phone"));
	assert_non_null(proposal_for(&fx, 1, "phone"));
	assert_string_equal(proposal_for(&fx, 1, "phone")->proposed, "111");
	fx_close(&fx);
}

static void a_sources_newer_record_supersedes_its_older(void **state)
{
	struct fixture fx;
	const struct golden *g;

	(void)state;
	fx_open(&fx);
	/* two calls confirmed two numbers; the later one holds */
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-09-01", "Ann", "111", NULL });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-08-01", "Ann", "111", NULL, "true", "2026-08-01" });
	add(&fx, 1, 0, 1, (const char *[]){ "B2", "2026-10-20", "Ann", "222", NULL, "true", "2026-10-20" });
	run(&fx, 1);
	g = golden_for(&fx, 0, "phone");
	assert_string_equal(g->value, "222");
	/* the runner-up is the CRM's copy, not billing's own older record */
	assert_int_equal(g->runner, 0);
	/* and so the confidence is high enough to propose */
	assert_non_null(proposal_for(&fx, 0, "phone"));
	assert_true(proposal_for(&fx, 0, "phone")->confidence > 0.8);
	fx_close(&fx);
}

static void most_frequent_and_fill(void **state)
{
	struct fixture fx;
	const struct proposal *p;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-01", "Ann", NULL, NULL });
	add(&fx, 0, 0, 1, (const char *[]){ "C2", "2026-10-02", "Anne", NULL, NULL });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-10-03", "Ann", NULL, "current", NULL, NULL });
	run(&fx, 1);
	assert_string_equal(golden_for(&fx, 0, "name")->value, "Ann");
	assert_int_equal(golden_for(&fx, 0, "name")->decided_by, SURV_MOST_FREQUENT);
	/* C2's Anne is told to be Ann; B1 already is */
	assert_string_equal(proposal_for(&fx, 1, "name")->proposed, "Ann");
	assert_null(proposal_for(&fx, 2, "name"));
	/* C1 and C2 have no status; billing's fills them */
	p = proposal_for(&fx, 0, "status");
	assert_non_null(p);
	assert_int_equal(p->kind, PROPOSE_FILL);
	assert_null(p->current);
	assert_string_equal(p->proposed, "current");
	fx_close(&fx);
}

static void tie_is_a_flag(void **state)
{
	struct fixture fx;
	const struct proposal *p;

	(void)state;
	fx_open(&fx);
	/* no trust rules, the same day: only the tie-break separates them */
	add(&fx, 2, 0, 1, (const char *[]){ "X1", "2026-10-01", "red" });
	add(&fx, 3, 0, 1, (const char *[]){ "Y1", "2026-10-01", "blue" });
	run(&fx, 1);
	assert_int_equal(golden_for(&fx, 0, "tag")->decided_by, DECIDED_TIE_BREAK);
	/* the tie-break: the earlier source */
	assert_string_equal(golden_for(&fx, 0, "tag")->value, "red");
	p = proposal_for(&fx, 1, "tag");
	assert_non_null(p);
	assert_int_equal(p->kind, PROPOSE_FLAG);
	assert_int_equal(p->status, PROPOSAL_PENDING);
	assert_int_equal(reconciler_stats(fx.rc)->flags, 1);
	fx_close(&fx);
}

static void most_recent(void **state)
{
	struct fixture fx;

	(void)state;
	fx_open(&fx);
	add(&fx, 2, 0, 1, (const char *[]){ "X1", "2026-09-01", "red" });
	add(&fx, 3, 0, 1, (const char *[]){ "Y1", "2026-10-01", "blue" });
	run(&fx, 1);
	assert_string_equal(golden_for(&fx, 0, "tag")->value, "blue");
	assert_int_equal(golden_for(&fx, 0, "tag")->decided_by, SURV_MOST_RECENT);
	/* no trust rule: 0.5 each, a coin toss, below review (0.40 here is
	 * below 0.5, so it is proposed, and pending) */
	assert_non_null(proposal_for(&fx, 0, "tag"));
	assert_int_equal(proposal_for(&fx, 0, "tag")->status, PROPOSAL_PENDING);
	fx_close(&fx);
}

static void invalid_value_is_replaced_not_a_conflict(void **state)
{
	struct fixture fx;
	const struct proposal *p;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-30", "Ann", "!12345", NULL });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-10-01", "Ann", "222", NULL, NULL, NULL });
	run(&fx, 1);
	assert_int_equal(reconciler_stats(fx.rc)->conflicts, 0);
	p = proposal_for(&fx, 0, "phone");
	assert_non_null(p);
	assert_string_equal(p->current, "12345");
	assert_string_equal(p->proposed, "222");
	fx_close(&fx);
}

/* A value its attribute's type rejects (a status not in the list) is no
 * candidate, even from the system of record: the other source's value is
 * golden, proposed to the system of record's record, and not a conflict.
 * The system of record without a usable copy decides nothing. */
static void value_the_validator_rejects_does_not_survive(void **state)
{
	struct fixture fx;
	const struct proposal *p;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-01", "Ann", "111", "current" });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-10-30", "Ann", "111", "bogus", NULL, NULL });
	run(&fx, 1);
	assert_int_equal(reconciler_stats(fx.rc)->conflicts, 0);
	p = proposal_for(&fx, 1, "status");
	assert_non_null(p);
	assert_int_equal(p->kind, PROPOSE_UPDATE);
	assert_string_equal(p->current, "bogus");
	assert_string_equal(p->proposed, "current");
	assert_true(p->current_invalid);
	assert_false(p->over_sor);
	/* status survives by system of record alone, which had nothing */
	assert_int_equal(p->decided_by, DECIDED_TIE_BREAK);
	assert_null(p->runner);
	assert_null(proposal_for(&fx, 0, "status"));
	/* one usable value: agreed, so counted, not stored */
	assert_null(golden_for(&fx, 0, "status"));
	fx_close(&fx);
}

static void separate_people_are_separate(void **state)
{
	struct fixture fx;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-30", "Ann", "111", "current" });
	add(&fx, 1, 1, 1, (const char *[]){ "B1", "2026-10-01", "Bo", "222", "overdue", NULL, NULL });
	run(&fx, 2);
	assert_int_equal(reconciler_stats(fx.rc)->conflicts, 0);
	assert_int_equal(reconciler_stats(fx.rc)->contested, 0);
	/* A's status filled into nothing: the CRM record has one */
	assert_null(proposal_for(&fx, 0, "status"));
	fx_close(&fx);
}

static void low_match_probability_is_not_proposed(void **state)
{
	struct fixture fx;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 0.3, (const char *[]){ "C1", "2026-10-30", "Ann", "111", "current" });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-06-07", "Ann", "111", "overdue", NULL, NULL });
	run(&fx, 1);
	assert_null(proposal_for(&fx, 0, "status"));
	assert_int_equal(reconciler_stats(fx.rc)->below, 1);
	assert_int_equal(reconciler_stats(fx.rc)->conflicts, 1);
	fx_close(&fx);
}

static void duplicates_in_a_profile_source_merge(void **state)
{
	struct fixture fx;
	const struct proposal *p;

	(void)state;
	fx_open(&fx);
	/* two CRM records of Ann: the newer survives */
	add(&fx, 0, 0, 0.97, (const char *[]){ "C1", "2026-09-01", "Ann", "111", NULL });
	add(&fx, 0, 0, 1, (const char *[]){ "C2", "2026-10-01", "Ann", NULL, NULL });
	/* two records of Bo in d, a source that keeps no profile: none */
	add(&fx, 3, 1, 1, (const char *[]){ "Y1", "2026-10-01", "blue" });
	add(&fx, 3, 1, 1, (const char *[]){ "Y2", "2026-10-02", "blue" });
	run(&fx, 2);
	p = proposal_for_kind(&fx, 0, PROPOSE_MERGE);
	assert_non_null(p);
	assert_int_equal(p->origin, 1);
	assert_float_equal(p->confidence, 0.97, 1e-12);
	assert_int_equal(p->filled, 2);
	assert_int_equal(p->origin_filled, 1);
	assert_int_equal(p->mapped, 3);
	assert_null(proposal_for_kind(&fx, 1, PROPOSE_MERGE));
	assert_null(proposal_for_kind(&fx, 2, PROPOSE_MERGE));
	assert_null(proposal_for_kind(&fx, 3, PROPOSE_MERGE));
	assert_int_equal(reconciler_stats(fx.rc)->merges, 1);
	fx_close(&fx);
}

/* ---- compliance ------------------------------------------------------- */

static const struct compliance_result *result_of(const struct fixture *fx,
						 const char *id)
{
	const struct compliance_result *r;
	size_t n = reconciler_compliance(fx->rc, &r);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].rule->id, id))
			return &r[i];
	fail_msg("no rule %s", id);
	return NULL;
}

/* A caller that copies records for the reconciler copies the updated-at
 * and the evidence fields (b's ok and ok_on), and nothing else raw. */
static void reads_only_dates_and_evidence(void **state)
{
	static const bool a[] = { false, true, false, false, false };
	static const bool b[] = { false, true, false, false, false, true, true };
	struct fixture fx;

	(void)state;
	fx_open(&fx);
	assert_int_equal(fx.p->sources[0].n_fields, 5);
	assert_int_equal(fx.p->sources[1].n_fields, 7);
	for (size_t f = 0; f < 5; f++)
		assert_int_equal(reconciler_reads_field(fx.rc, 0, f), a[f]);
	for (size_t f = 0; f < 7; f++)
		assert_int_equal(reconciler_reads_field(fx.rc, 1, f), b[f]);
	fx_close(&fx);
}

static void consent_and_copy_lag(void **state)
{
	struct fixture fx;
	const struct compliance_result *r;

	(void)state;
	fx_open(&fx);
	/* Ann closed in billing (the system of record), open in the CRM
	 * (a violation), and the CRM's copy two weeks older (a lag) */
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-01", "Ann", NULL, "open" });
	add(&fx, 0, 0, 1, (const char *[]){ "C2", "2026-10-10", "Ann", NULL, "closed" });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-10-15", "Ann", NULL, "closed", NULL, NULL });
	/* Bo open everywhere: nothing to check for consent */
	add(&fx, 0, 1, 1, (const char *[]){ "C3", "2026-10-01", "Bo", NULL, "open" });
	add(&fx, 1, 1, 1, (const char *[]){ "B2", "2026-10-02", "Bo", NULL, "open", NULL, NULL });
	run(&fx, 2);
	r = result_of(&fx, "opt-out");
	assert_int_equal(r->checked, 1);
	assert_int_equal(r->violations, 1);
	assert_int_equal(r->sample[0], 0);
	r = result_of(&fx, "lag");
	/* copies outside billing: C1, C2, C3; C1 disagrees and is 14 days
	 * older; C2 agrees; C3 agrees */
	assert_int_equal(r->checked, 3);
	assert_int_equal(r->violations, 1);
	assert_int_equal(r->sample[0], 0);
	r = result_of(&fx, "owned");
	assert_int_equal(r->checked, 4);
	assert_int_equal(r->violations, 0);
	fx_close(&fx);
}

/* ---- possible matches ----------------------------------------------------- */

/* p rests on the pair kept for review (self, other) at probability prob. */
static void assert_rests_on(const struct proposal *p, uint32_t self,
			    uint32_t other, double prob)
{
	assert_non_null(p);
	assert_int_equal(p->pair_self, self);
	assert_int_equal(p->pair_other, other);
	assert_float_equal(p->pair_probability, prob, 1e-12);
}

/* A CRM record alone (entity 0) and a billing record with a phone confirmed
 * on a call (entity 1), kept for review as a pair: the CRM record is
 * proposed the confirmed phone and billing's status, pending review even
 * where the confidence reaches auto-approve, with the pair in the
 * proposal; nothing else changes (no conflict, no golden value).  Without
 * the pair nothing is proposed. */
static void possible_match_proposes_pending_across_the_pair(void **state)
{
	const struct possible_pair pair = { 0, 1, 0.99 };
	struct fixture fx;
	const struct proposal *p, *all;
	const struct conflict *c;
	const struct golden *g;

	(void)state;
	for (int with = 0; with < 2; with++) {
		fx_open(&fx);
		add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-01-01", "Ann", "111", NULL });
		add(&fx, 1, 1, 1, (const char *[]){ "B1", "2026-10-20", "Ann", "222", "current", "true", "2026-10-20" });
		run_with(&fx, 2, with ? &pair : NULL, with);
		p = proposal_for(&fx, 0, "phone");
		if (!with) {
			assert_null(p);
			assert_int_equal(reconciler_proposals(fx.rc, &all), 0);
			fx_close(&fx);
			continue;
		}
		assert_non_null(p);
		assert_int_equal(p->kind, PROPOSE_UPDATE);
		assert_string_equal(p->current, "111");
		assert_string_equal(p->proposed, "222");
		assert_int_equal(p->origin, 1);
		assert_int_equal(p->entity, 0);
		assert_int_equal(p->decided_by, SURV_HIGHEST_TRUST);
		assert_true(p->confidence >= 0.90);	/* auto-approve, but */
		assert_int_equal(p->status, PROPOSAL_PENDING);
		assert_true(p->confidence <= 0.99);
		assert_rests_on(p, 0, 1, 0.99);
		p = proposal_for(&fx, 0, "status");
		assert_rests_on(p, 0, 1, 0.99);
		assert_int_equal(p->kind, PROPOSE_FILL);
		assert_string_equal(p->proposed, "current");
		assert_int_equal(p->status, PROPOSAL_PENDING);
		/* billing is not told the CRM's older phone */
		assert_null(proposal_for(&fx, 1, "phone"));
		assert_int_equal(reconciler_stats(fx.rc)->possible, 2);
		assert_int_equal(reconciler_stats(fx.rc)->auto_approved, 0);
		assert_int_equal(reconciler_conflicts(fx.rc, &c), 0);
		assert_int_equal(reconciler_golden(fx.rc, &g), 0);
		fx_close(&fx);
	}
}

/* A record whose own person proposes a value for an attribute gets no
 * possible match's proposal for it; of two possible matches proposing
 * for one record and attribute the more confident is kept, in order
 * among the others; a pair within one entity proposes nothing. */
static void possible_match_yields_to_the_own_person_and_the_surer_pair(void **state)
{
	const struct possible_pair pairs[] = {
		{ 0, 2, 0.85 }, { 0, 3, 0.95 }, { 0, 2, 0.80 }, { 0, 1, 0.90 }
	};
	struct fixture fx;
	const struct proposal *p, *all;
	size_t n, possible;

	(void)state;
	fx_open(&fx);
	/* entity 0: a CRM record and a billing record that disagree on
	 * status and phone */
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-01-01", "Ann", "111", "open" });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-10-01", "Ann", "444", "overdue", NULL, NULL });
	/* entities 1 and 2: billing records with confirmed phones and no
	 * status */
	add(&fx, 1, 1, 1, (const char *[]){ "B2", "2026-10-20", "Ann", "222", NULL, "true", "2026-10-20" });
	add(&fx, 1, 2, 1, (const char *[]){ "B3", "2026-10-21", "Ann", "333", NULL, "true", "2026-10-21" });
	run_with(&fx, 3, pairs, ARRAY_SIZE(pairs));
	/* its own billing record decides C1's status */
	p = proposal_for(&fx, 0, "status");
	assert_non_null(p);
	assert_string_equal(p->proposed, "overdue");
	assert_int_equal(p->pair_self, UINT32_MAX);
	/* and its phone: billing's 444 is more trusted than its own 111
	 * (the confirmed phones of the possible matches would win) */
	p = proposal_for(&fx, 0, "phone");
	assert_non_null(p);
	assert_string_equal(p->proposed, "444");
	assert_int_equal(p->pair_self, UINT32_MAX);
	/* two possible matches propose B1's phone: entity 1's at its
	 * strongest pair (0.85, not 0.80) and entity 2's at 0.95; the
	 * surer is kept */
	p = proposal_for(&fx, 1, "phone");
	assert_rests_on(p, 0, 3, 0.95);
	assert_string_equal(p->proposed, "333");
	/* B2 is proposed entity 0's status at the two's strongest pair */
	p = proposal_for(&fx, 2, "status");
	assert_rests_on(p, 2, 0, 0.85);
	assert_int_equal(p->kind, PROPOSE_FILL);
	assert_string_equal(p->proposed, "overdue");
	n = reconciler_proposals(fx.rc, &all);
	possible = 0;
	for (size_t i = 0; i < n; i++) {
		possible += all[i].pair_self != UINT32_MAX;
		/* one proposal per record and attribute */
		for (size_t j = i + 1; j < n; j++)
			assert_false(all[i].record == all[j].record &&
				     all[i].attribute == all[j].attribute);
	}
	assert_int_equal(reconciler_stats(fx.rc)->possible, possible);
	assert_true(possible >= 1);
	for (size_t i = 0; i + 1 < n; i++) {
		assert_true(all[i].entity <= all[i + 1].entity);
		if (all[i].entity == all[i + 1].entity && all[i].attribute != SIZE_MAX)
			assert_true(all[i].attribute < all[i + 1].attribute ||
				    (all[i].attribute == all[i + 1].attribute &&
				     all[i].record < all[i + 1].record));
	}
	fx_close(&fx);
}

/* The compliance rules read values the validator rejects: an opt-out the
 * enum does not list in that case ("Closed") is still an opt-out, and a
 * copy no status can be ("Open") still breaks it; so is an invalid copy
 * late.  (Neither value is a candidate for the golden one.) */
static void compliance_reads_invalid_values(void **state)
{
	struct fixture fx;
	const struct compliance_result *r;

	(void)state;
	fx_open(&fx);
	add(&fx, 0, 0, 1, (const char *[]){ "C1", "2026-10-01", "Ann", NULL, "Open" });
	add(&fx, 1, 0, 1, (const char *[]){ "B1", "2026-10-15", "Ann", NULL, "Closed", NULL, NULL });
	run(&fx, 1);
	r = result_of(&fx, "opt-out");
	assert_int_equal(r->checked, 1);
	assert_int_equal(r->violations, 1);
	r = result_of(&fx, "lag");
	assert_int_equal(r->checked, 1);
	assert_int_equal(r->violations, 1);
	assert_int_equal(reconciler_stats(fx.rc)->conflicts, 0);
	fx_close(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(curves_start_at_start_and_end_at_min),
		cmocka_unit_test(curves_have_their_shapes),
		cmocka_unit_test(confidence_formula),
		cmocka_unit_test(system_of_record_wins_and_the_copy_is_told),
		cmocka_unit_test(older_copy_of_the_system_of_record_is_stale),
		cmocka_unit_test(confirmed_phone_outranks_the_system_of_record),
		cmocka_unit_test(unconfirmed_phone_does_not),
		cmocka_unit_test(a_sources_newer_record_supersedes_its_older),
		cmocka_unit_test(most_frequent_and_fill),
		cmocka_unit_test(tie_is_a_flag),
		cmocka_unit_test(most_recent),
		cmocka_unit_test(invalid_value_is_replaced_not_a_conflict),
		cmocka_unit_test(value_the_validator_rejects_does_not_survive),
		cmocka_unit_test(separate_people_are_separate),
		cmocka_unit_test(low_match_probability_is_not_proposed),
		cmocka_unit_test(consent_and_copy_lag),
		cmocka_unit_test(compliance_reads_invalid_values),
		cmocka_unit_test(reads_only_dates_and_evidence),
		cmocka_unit_test(duplicates_in_a_profile_source_merge),
		cmocka_unit_test(possible_match_proposes_pending_across_the_pair),
		cmocka_unit_test(possible_match_yields_to_the_own_person_and_the_surer_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
