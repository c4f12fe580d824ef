/*
 * score.h - a run's scores, 0 to 100 per dimension, for each (source,
 * attribute) and rolled up per source, per owner and overall
 * (docs/scoring.md).
 *
 * A scorer is given everything a run's scores rest on and nothing else:
 * the parameters (dimension weights, grade bands, who owns each source
 * and attribute) and the run's metrics and findings as the history holds
 * them.  So the scan that records a run and `steward audit recompute`,
 * which reads it back, feed the same inputs through the same code, and
 * any difference means the history was changed or steward's arithmetic
 * did.
 *
 * A dimension with nothing to measure (no copies to compare, no rule that
 * applies) has no score rather than a perfect one, and a roll-up averages
 * only the scores that exist; the weighted total divides by the weights
 * of the dimensions that have a score.
 */
#ifndef STEWARD_SCORE_H
#define STEWARD_SCORE_H

#include "policy/policy.h"

/* The dimension of a score that weighs all dimensions together. */
#define SCORE_TOTAL DIM_COUNT

enum score_scope { SCOPE_CELL, SCOPE_SOURCE, SCOPE_OWNER, SCOPE_OVERALL };

struct score {
	enum score_scope scope;
	const char *subject;	/* source (cell, source), owner, or "" */
	const char *attribute;	/* cell: the attribute; else "" */
	int dimension;		/* enum dimension, or SCORE_TOTAL */
	double value;		/* 0 .. 100 */
	const char *grade;	/* the band it falls in */
	char inputs[112];	/* what it was computed from, for people */
};

struct scorer;

struct scorer *scorer_new(void);
void scorer_free(struct scorer *sc);

/* The parameters.  Weights default to 0 (the dimension then counts in no
 * total); grades are given in any order.  Owners may be NULL or "". */
void scorer_weight(struct scorer *sc, enum dimension d, double weight);
int scorer_grade(struct scorer *sc, const char *name, double min) MUST_CHECK;
int scorer_source(struct scorer *sc, const char *id, const char *owner) MUST_CHECK;
int scorer_attribute(struct scorer *sc, const char *id, const char *owner)
	MUST_CHECK;

/* The run's inputs: every metric (those not used are ignored) and every
 * finding's source, dimension and severity (a finding puts its source in
 * the run; only integrity findings take points off).  Sources and attributes must be declared
 * first; metrics of others are ignored. */
int scorer_metric(struct scorer *sc, const char *source, const char *target,
		  const char *metric, double value) MUST_CHECK;
void scorer_finding(struct scorer *sc, const char *source, enum dimension d,
		    int severity);

/* Compute; the scores stay valid until scorer_free.  ST_ERR_NOMEM. */
int scorer_run(struct scorer *sc) MUST_CHECK;
size_t scorer_scores(const struct scorer *sc, const struct score **out);

const char *score_scope_name(enum score_scope s);
/* "completeness" ... "compliance", or "total" for SCORE_TOTAL */
const char *score_dimension_name(int d);

/* The penalty an integrity finding of each severity (enum severity)
 * takes off its source's integrity score. */
extern const double score_integrity_penalty[4];

#endif
