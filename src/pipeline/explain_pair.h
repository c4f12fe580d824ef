/*
 * explain_pair.h - the records behind `steward entity` and `steward why`.
 *
 * The history keeps who is who (entities and their member keys), the
 * links with their evidence and the model of each run, but not the
 * customer data itself.  These read the sources again: lookup_records()
 * finds given records and hands over their mapped values; explain_pair()
 * builds the match records of every source (for term frequencies and
 * placeholders, as the scan did), sets the run's model from the history,
 * and scores one pair comparison by comparison.  When the data has changed
 * since the run, the explanation is of today's data with that run's model.
 */
#ifndef STEWARD_EXPLAIN_PAIR_H
#define STEWARD_EXPLAIN_PAIR_H

#include "identity/resolve.h"
#include "store/store.h"

/* Read every source named in sources[] and call fn for each record whose
 * (source, key) is one of the n wanted, with which = its index there (a
 * key that repeats in a source gives several calls).  fn returning
 * non-zero stops.  Sources that cannot be read are skipped; *unread
 * counts them, and *why says why the first could not. */
int lookup_records(const struct policy *p, const char *const *sources,
		   const char *const *keys, size_t n,
		   int (*fn)(void *arg, size_t which, const struct source *s,
			     const struct record *rec),
		   void *arg, size_t *unread, struct diag *why) MUST_CHECK;

struct pair_cmp {
	const char *attribute;
	const char *value[2];	/* normalised; NULL when missing */
	char level[32];		/* "exact", ">= 0.92", ..., "missing" */
	double weight;		/* bits */
	double m, u;		/* of the level; u is the value's frequency
				 * when tf is set */
	bool tf;		/* term-frequency adjusted */
};

struct pair_explanation {
	bool found[2];
	int rule;		/* a rule that joins them, or -1 */
	size_t n;
	struct pair_cmp cmp[64];
	double prior;		/* of two random records */
	double bits;		/* prior and weights */
	double probability;
	struct resolver *r;	/* owns the values */
};

/* Explain records (sa, ka) and (sb, kb) by run's model.  ST_ERR with d
 * (an unknown source, the run has no model), or ST_ERR_NOMEM; a record
 * not found is reported in found[]. */
int explain_pair(const struct policy *p, struct store *st, int64_t run,
		 const char *sa, const char *ka, const char *sb, const char *kb,
		 struct pair_explanation *out, struct diag *d) MUST_CHECK;
void explain_pair_release(struct pair_explanation *e);

#endif
