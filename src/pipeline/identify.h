/*
 * identify.h - the identity stage of a scan: read every source again for
 * its match records, resolve, give each person the entity id it had in
 * the last run that resolved identities, and hand the store its rows.
 *
 * Entity ids are "E" and a number.  A person keeps its id from run to run
 * by overlap: each entity of this run takes the previous id that most of
 * its records had (ties to the smaller id), the entities with the largest
 * overlaps choosing first, and an id goes to one entity only; the others
 * get numbers above every number the history has given, so an id is never
 * reused for someone else.
 */
#ifndef STEWARD_IDENTIFY_H
#define STEWARD_IDENTIFY_H

#include "identity/resolve.h"
#include "reconcile/reconcile.h"
#include "profile/findings.h"
#include "store/store.h"

struct identified {
	struct resolver *r;
	char (*ids)[16];		/* per entity: "E0000042" */
	int64_t *num;			/* per entity: 42 */
	size_t *entity_records;		/* per entity */
	size_t *entity_sources;
	size_t *by, *start;		/* records entity by entity:
					 * by[start[e] .. start[e + 1]) */
	int64_t carried;		/* entities that kept an earlier id */
	double seconds;
	struct reconciler *rec;		/* golden values and proposals */
	struct settling *settling;	/* rec being run; see below */
	double rec_seconds;
};

/* Load the policy directory's nickname table (resolve.h), if it has one. */
int identify_nicknames(const struct policy *p, struct resolver *r,
		       struct diag *d) MUST_CHECK;

struct handoff;

/* Add the records of every source whose read[] is true (every source
 * when read is NULL) to r, and to rc unless it is NULL.  A source that
 * cannot be opened now is left out.  rc is fed on a thread of its own:
 * with `pending` NULL the call waits for it; otherwise *pending is set and
 * identify_feed_wait(*pending) must be called before rc is used (or
 * freed).  ST_ERR_NOMEM. */
int identify_feed(const struct policy *p, const bool *read, struct resolver *r,
		  struct reconciler *rc, struct handoff **pending) MUST_CHECK;
/* Wait until every record fed reached the reconciler; NULL is a no-op.
 * ST_ERR_NOMEM. */
int identify_feed_wait(struct handoff *pending) MUST_CHECK;

/* Does the policy ask for identity resolution at all? */
bool identify_wanted(const struct policy *p);

/* Resolve the sources whose read[] is true, then reconcile them as of
 * that day (reconcile.h) unless `reconcile` is false.  ST_ERR_NOMEM, or ST_ERR with d (the history
 * could not be read).  Reconciliation runs on a thread of its own while
 * the caller writes the identities: identify_reconciled() waits for it,
 * and must be called before out->rec is read. */
int identify_run(const struct policy *p, const bool *read, int64_t as_of_days,
		 bool reconcile, struct store *st, struct identified *out,
		 struct diag *d) MUST_CHECK;
/* Write the entities, members, links, model, metrics and findings into
 * the run being written. */
int identify_write(const struct identified *id, const struct policy *p,
		   const bool *read, struct store *st,
		   const struct findings_sink *sink, struct diag *d) MUST_CHECK;
/* Wait for reconciliation to finish (at once when it has, or never ran):
 * its error, ST_ERR_NOMEM.  identify_release() waits too. */
int identify_reconciled(struct identified *id) MUST_CHECK;
void identify_release(struct identified *id);

#endif
