/*
 * model.h - the Fellegi-Sunter model of identity resolution.
 *
 * Each comparison of the policy sorts a pair of records into a level
 * (exact, one per threshold, else) or says nothing (a value missing).  For
 * each level, m is the probability of that level when the records are the
 * same person and u when they are not; a pair's match probability is
 *
 *     lambda * prod m  /  (lambda * prod m + (1 - lambda) * prod u)
 *
 * over the comparisons that said something, where lambda is the prior:
 * the probability that two records drawn at random are one person.  u is
 * estimated from random pairs of records (nearly all of them different
 * people; in a source small enough to count every pair, from EM's
 * non-matches among them, model_fit_u_em()), so the prior must be of
 * random pairs too: the blocking keys
 * that made a pair a candidate are evidence the comparisons weigh, not
 * something the prior may count again.  m comes from pairs a deterministic
 * rule joins where there are enough (model_know_m()), else, with the share
 * of matches among the candidates, by expectation-maximisation over the
 * candidate pairs, grouped by their pattern of levels so that an
 * iteration costs one pass over the distinct patterns, not the pairs.  The
 * prior is then the expected matches among the candidates over all pairs
 * (model_set_prior()), unless the policy gives it.  A comparison with m
 * and u in the policy keeps them.
 */
#ifndef STEWARD_MODEL_H
#define STEWARD_MODEL_H

#include "policy/policy.h"

#define MODEL_MAX_LEVELS (LIMIT_IDENTITY_THRESHOLDS + 2) /* exact, 6, else */
#define MODEL_EM_ITERATIONS 200
#define MODEL_EM_TOLERANCE 1e-7	/* largest change of a parameter */
/* Probabilities are kept within [MODEL_EPS, 1 - MODEL_EPS]: a level never
 * seen among random pairs is rare, not impossible. */
#define MODEL_EPS 1e-6

struct model_cmp {
	const struct comparison *c;
	size_t n_levels;
	double m[MODEL_MAX_LEVELS], u[MODEL_MAX_LEVELS];
	/* u among the candidates that are not matches: estimated by EM
	 * beside m (the blocking keys make candidates agree more than random
	 * pairs), used by EM only; scoring uses u, of random pairs */
	double u_cand[MODEL_MAX_LEVELS];
	bool fixed;		/* m and u from the policy */
	bool m_given;		/* m alone from the policy: EM leaves it */
	bool m_known;		/* m from labelled pairs: EM leaves it */
	uint64_t m_pairs;	/* how many labelled pairs gave it */
};

struct model {
	size_t n;
	struct model_cmp *cmp;
	double lambda;		/* share of matches among the candidates (EM) */
	double prior;		/* of two random records (scoring) */
	bool fixed_prior;	/* prior from the policy */
	unsigned iterations;	/* of EM */
	bool converged;
};

/* Levels of each comparison of id (n = id->n_comparisons).  ST_ERR_NOMEM. */
int model_init(struct model *m, const struct identity *id) MUST_CHECK;
void model_release(struct model *m);

/* A pattern packs one level (or missing) per comparison into an integer:
 * digit i in base n_levels_i + 1, missing as n_levels_i. */
uint64_t model_pattern(const struct model *m, const int *levels);
void model_unpack(const struct model *m, uint64_t pattern, int *levels);

/* Counts of patterns. */
struct pattern_count {
	uint64_t pattern, count;
};
struct patterns {
	struct pattern_count *slots;	/* open addressing; count 0: empty */
	size_t cap, n;
	bool has_zero;			/* pattern 0 lives in zero_count */
	uint64_t zero_count;
};
void patterns_init(struct patterns *p);
void patterns_release(struct patterns *p);
int patterns_add(struct patterns *p, uint64_t pattern, uint64_t count)
	MUST_CHECK;
/* Visit every pattern with its count, in no particular order. */
size_t patterns_list(const struct patterns *p, struct pattern_count *out);

/* u of every comparison not fixed, from the patterns of random pairs
 * (each level's share of the pairs where the comparison said something,
 * kept at least MODEL_EPS). */
void model_fit_u(struct model *m, const struct patterns *random);
/* m of every comparison not fixed or known, and lambda (always), by EM
 * over the candidates' patterns.  ST_ERR (more than 64 comparisons),
 * ST_ERR_NOMEM. */
int model_fit_m(struct model *m, const struct patterns *cand) MUST_CHECK;

/* u of every comparison not fixed as EM's u among the pairs that are not
 * matches, by EM over every pair (a source small enough to enumerate
 * them); m and lambda are left as they were.  ST_ERR, ST_ERR_NOMEM. */
int model_fit_u_em(struct model *m, const struct patterns *all) MUST_CHECK;

/* Set m of comparison i from the levels of pairs known to match (the
 * pairs a deterministic rule joins, on the attributes the rule does not
 * look at): each level's share, with half a pair added to every level so
 * that no level is impossible.  Fewer than MODEL_MIN_KNOWN pairs leave m
 * to EM. */
#define MODEL_MIN_KNOWN 30
void model_know_m(struct model *m, size_t i, const uint64_t *counts);

/* The prior from EM's share of matches among `candidates` pairs out of
 * `pairs` in all, unless the policy fixed it. */
void model_set_prior(struct model *m, double candidates, double pairs);

/* Weight in bits of level l of comparison i: log2(m / u); u_override > 0
 * replaces u (the term frequency of a value agreed on exactly). */
double model_weight(const struct model *m, size_t i, int l, double u_override);
/* A level's label: "exact", ">= 0.92", "<= 2", "<= 30 days", "initials",
 * "else". */
void model_level_label(const struct model_cmp *mc, size_t l, char *out,
		       size_t size);

/* Match probability from the sum of weights in bits, by the prior. */
double model_probability(const struct model *m, double bits);

#endif
