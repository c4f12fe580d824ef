/*
 * scan.h - `steward scan`: profile every source, derive metrics and
 * findings against the previous run, and record it all as one run in the
 * history.
 *
 * The order matters for the history's promises: every source is read and
 * profiled first (in memory bounded by the number of fields), then the run
 * is written in a single transaction, so a scan that dies at any point
 * leaves the history as it was.  While a source is profiled, a second
 * thread fingerprints its file (size, modification time, SHA-256 of the
 * bytes), and a file that changes during the read is reported.
 */
#ifndef STEWARD_SCAN_H
#define STEWARD_SCAN_H

#include "policy/policy.h"

struct scan_progress {
	const char *source;
	size_t index, count;		/* this source of how many */
	uint64_t rows, bytes_done, bytes_total;
	double seconds;			/* since this source started */
	bool done;			/* the source is finished */
	double hash_seconds;		/* when done: CPU time of its SHA-256 */
	double cpu_seconds;		/* when done: CPU time of all threads */
	size_t ranges;			/* when done: CSV ranges read at once */
};

struct scan_options {
	const char *db_path;
	int64_t as_of_days;		/* days since 1970-01-01 */
	const char *tool_version;
	unsigned threads;		/* per source; 0 = one per processor */
	/* the sources to scan (their ids), all when n_only is 0 */
	const char *const *only;
	size_t n_only;
	void (*progress)(void *arg, const struct scan_progress *p);
	void *progress_arg;
	/* leave identity resolution out (it runs only on a scan of every
	 * source, when the policy has identity rules or comparisons) */
	bool no_identity;
	/* resolve identities but leave reconciliation (and with it the
	 * compliance rules) out */
	bool no_reconcile;
};

struct scan_result {
	int64_t run_id;
	size_t sources, failed;		/* sources read; those that failed */
	uint64_t rows;
	uint64_t findings, high;	/* findings; of them high or critical */
	bool gate_failed;
	char gate[128];			/* the first gate that failed */
	uint64_t gate_violations;	/* its violations */
	/* identity resolution, when it ran */
	bool identified;
	bool reconciled;
	uint64_t id_records, id_entities, id_links, id_reviews;
	uint64_t id_conflicts;	/* rule pairs, links and pairs for review
				 * an exclusive value refused */
	uint64_t id_ambiguous;	/* links not taken: a guess between people */
	double id_seconds;
	/* reconciliation, which runs with it */
	uint64_t rec_conflicts, rec_auto, rec_pending, rec_below;
	double rec_seconds;
};

/* Returns 0 (the run is recorded; failed sources are in it), or ST_ERR
 * with d when nothing could be recorded (the lock is held, the database
 * cannot be written), or ST_ERR_NOMEM. */
int scan_run(const struct policy *p, const struct scan_options *o,
	     struct scan_result *r, struct diag *d);

#endif
