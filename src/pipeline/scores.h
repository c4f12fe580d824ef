/*
 * scores.h - a run's scores in the history: computed when the scan records
 * the run, and recomputed from the history alone by `steward audit
 * recompute` (docs/scoring.md).
 */
#ifndef STEWARD_SCORES_H
#define STEWARD_SCORES_H

#include "policy/policy.h"
#include "store/store.h"

/* Score the run being written (its metrics and findings are in), and add
 * the scores and the parameters they used to it.  ST_ERR with d. */
int scores_record(const struct policy *p, struct store *st, int64_t run,
		  struct diag *d) MUST_CHECK;

struct recompute_result {
	bool scored;		/* the run has scores (older runs do not) */
	size_t stored, computed, matching;
	/* the first difference, in words; "" when they all match */
	char first[320];
};

/* Recompute run's scores from its metrics, findings and parameters, and
 * compare them with the stored ones.  ST_ERR with d. */
int scores_recompute(struct store *st, int64_t run, struct recompute_result *out,
		     struct diag *d) MUST_CHECK;

#endif
