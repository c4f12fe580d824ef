/*
 * due.h - running the policy's schedules: which have fallen due, and
 * running their tasks (scan, integrity, report) once per due slot, with a
 * record in the history (docs/scheduling.md).  `steward run-due` runs
 * what is due once; `steward daemon` loops over it.
 */
#ifndef STEWARD_DUE_H
#define STEWARD_DUE_H

#include "policy/policy.h"
#include "report/pdf.h"
#include "store/store.h"

struct due_options {
	const char *db_path;
	const char *reports_dir;	/* where `report` writes: "reports" */
	const char *tool_version;
	unsigned threads;
	/* asked before each task: stop here (a signal came)?  NULL: never */
	bool (*stop)(void *arg);
	void *stop_arg;
};

/* One task of a schedule that has fallen due, when it was run. */
struct due_task {
	const struct schedule *s;
	int64_t slot;			/* the latest fire time not after now */
	unsigned task;			/* one enum sched_task bit */
	int64_t run_id;			/* the run it wrote, or 0 */
	char result[256];		/* "ok", "gate failed", "failed: ...",
					 * "busy: ..." (not recorded) */
	bool busy;			/* another steward was writing: the
					 * task runs again later */
	char started_at[32], finished_at[32];
	double seconds;
};

const char *due_task_name(unsigned task);

/*
 * The slot of schedule s due at `now`, given the history's record: the
 * latest fire time not after now, when the schedule has not run all its
 * tasks for it (nor any later slot).  A schedule the history has never run is due at its
 * latest slot, so that a new installation runs each schedule once rather
 * than waiting a month; after downtime the missed slots are run once,
 * not once each.  *slot is 0 when nothing is due.  ST_ERR with d.
 */
int due_slot(const struct schedule *s, struct store *st, int64_t now,
	     int64_t *slot, struct diag *d) MUST_CHECK;

/* The earliest time after `now` at which some schedule fires; -1 none. */
int64_t due_next(const struct policy *p, int64_t now);

/*
 * Run each task of schedule s for `slot` that the history has not recorded
 * for it, in the order scan, integrity, report, and record each;
 * done(arg, task) is called after each (for logging).  A failed task is
 * recorded as failed (so that it is not retried every minute) and the
 * next tasks still run; a task that found another steward writing to the
 * history is not recorded, and the slot's remaining tasks wait for the
 * next call.  The report is of this slot's scan when it ran, else of the
 * history's latest run.  o->stop is asked before each task.  Returns 0,
 * or ST_ERR with d when the history cannot be written.
 */
int due_run(const struct policy *p, const struct schedule *s, int64_t slot,
	    const struct due_options *o,
	    void (*done)(void *arg, const struct due_task *t), void *arg,
	    struct diag *d) MUST_CHECK;

#endif
