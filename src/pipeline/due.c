/*
 * due.c - running the policy's schedules (see due.h).
 */
#include "pipeline/due.h"

#include <stdio.h>
#include <time.h>

#include "pipeline/reports.h"
#include "pipeline/scan.h"
#include "sched/schedule.h"
#include "util/datetime.h"

const char *due_task_name(unsigned task)
{
	return task == TASK_SCAN ? "scan" : task == TASK_INTEGRITY ? "integrity" :
	       task == TASK_REPORT ? "report" : "?";
}

/* The latest fire time of s in (after, now], or 0: the fire times from
 * the latest of `after` and a day, a year or 400 years (the calendar's
 * period) before now, whichever first holds one. */
static int64_t latest_slot(const struct schedule *s, int64_t after, int64_t now)
{
	static const int64_t back[] = { 86400, 366 * 86400LL, 146097 * 86400LL };

	for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
		int64_t t = after > now - back[i] ? after : now - back[i], last = 0;

		while (!sched_next(s, t, &t) && t <= now)
			last = t;
		if (last || after >= now - back[i])
			return last;
	}
	return 0;
}

static const unsigned task_order[] = { TASK_SCAN, TASK_INTEGRITY, TASK_REPORT };

int due_slot(const struct schedule *s, struct store *st, int64_t now,
	     int64_t *slot, struct diag *d)
{
	int64_t last = 0;
	bool found;

	*slot = 0;
	if (store_last_due(st, s->id, &last, &found, d))
		return ST_ERR;
	/* never run: its latest slot ever; else the latest since the last
	 * recorded one, that one included, in case it was left half done */
	*slot = latest_slot(s, found ? last - 1 : INT64_MIN / 2, now);
	if (found && *slot == last) {
		bool all = true;

		for (size_t i = 0; i < sizeof(task_order) / sizeof(task_order[0]); i++) {
			bool done;

			if (!(s->tasks & task_order[i]))
				continue;
			if (store_slot_task_done(st, s->id, last,
						 due_task_name(task_order[i]), &done, d))
				return ST_ERR;
			all &= done;
		}
		if (all)
			*slot = 0;
	}
	return 0;
}

int64_t due_next(const struct policy *p, int64_t now)
{
	int64_t best = -1;

	for (size_t i = 0; i < p->n_schedules; i++) {
		int64_t t;

		if (!sched_next(&p->schedules[i], now, &t) && (best < 0 || t < best))
			best = t;
	}
	return best;
}

static void iso_now(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void run_one(const struct policy *p, unsigned task, int64_t slot,
		    int64_t slot_run, const struct due_options *o,
		    struct due_task *t)
{
	struct diag d;
	int rc;

	diag_clear(&d);
	if (task == TASK_REPORT) {
		struct reports_options ro = { NULL, o->reports_dir, true, true, NULL,
					      PAPER_A4, NULL };
		struct reports_result res;
		struct store *st = NULL;
		int64_t run = 0;

		/* the reports of this slot's scan, or of the latest run */
		rc = store_open(o->db_path, &st, &d);
		run = slot_run;
		if (!rc && !run)
			rc = store_latest_run(st, &run, &d);
		if (!rc && !run)
			rc = diag_set(&d, (struct diag_pos){ o->db_path, 0, 0 },
				      "the history has no runs to report on yet");
		if (!rc)
			rc = reports_write(p, st, run, &ro, &res, &d);
		store_close(st);
		t->run_id = run;
		if (!rc)
			snprintf(t->result, sizeof(t->result), "ok: %zu files in "
				 "%.200s", res.written, res.dir);
	} else {
		struct scan_options so;
		struct scan_result res;

		memset(&so, 0, sizeof(so));
		so.db_path = o->db_path;
		so.tool_version = o->tool_version;
		so.threads = o->threads;
		/* the slot's day, on the UTC calendar, is the as-of date */
		so.as_of_days = floor_div(slot, DATETIME_DAY_SECS);
		so.no_identity = task == TASK_INTEGRITY;
		rc = scan_run(p, &so, &res, &d);
		t->run_id = res.run_id;
		if (!rc)
			snprintf(t->result, sizeof(t->result), "%s",
				 res.gate_failed ? "gate failed" :
				 res.failed ? "partial: a source could not be read" : "ok");
	}
	if (rc) {
		struct buf msg = BUF_INIT;

		if (d.set)
			diag_format(&d, &msg);
		/* the history's writer lock (store_lock's message): a scan
		 * someone started by hand; this task waits for the next try */
		t->busy = d.set && strstr(d.msg, "another steward is writing");
		snprintf(t->result, sizeof(t->result), "%s: %s",
			 t->busy ? "busy" : "failed", d.set ? msg.data : "out of memory");
		buf_release(&msg);
	}
}

int due_run(const struct policy *p, const struct schedule *s, int64_t slot,
	    const struct due_options *o,
	    void (*done)(void *arg, const struct due_task *t), void *arg,
	    struct diag *d)
{
	int64_t slot_run = 0;	/* this slot's scan's run, for its report */

	for (size_t i = 0; i < sizeof(task_order) / sizeof(task_order[0]); i++) {
		struct due_task t;
		struct timespec t0;
		struct store *st = NULL;
		bool recorded = false;
		int rc;

		if (!(s->tasks & task_order[i]))
			continue;
		if (o->stop && o->stop(o->stop_arg))
			return 0;	/* the rest of the slot runs next time */
		rc = store_open(o->db_path, &st, d);
		if (!rc)
			rc = store_slot_task_done(st, s->id, slot,
						  due_task_name(task_order[i]),
						  &recorded, d);
		store_close(st);
		if (rc)
			return rc;
		if (recorded)
			continue;
		memset(&t, 0, sizeof(t));
		t.s = s;
		t.slot = slot;
		t.task = task_order[i];
		iso_now(t.started_at, sizeof(t.started_at));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		run_one(p, task_order[i], slot, slot_run, o, &t);
		t.seconds = since(&t0);
		iso_now(t.finished_at, sizeof(t.finished_at));
		if (task_order[i] == TASK_SCAN && t.run_id &&
		    strncmp(t.result, "failed", 6))
			slot_run = t.run_id;
		if (t.busy) {
			if (done)
				done(arg, &t);
			return 0;
		}
		/* recorded, failed or not: a slot runs once */
		st = NULL;
		rc = store_open(o->db_path, &st, d);
		if (!rc) {
			struct schedule_run_row row = { s->id, slot,
				due_task_name(task_order[i]), t.started_at,
				t.finished_at, t.result, t.run_id };

			rc = store_add_schedule_run(st, &row, d);
		}
		store_close(st);
		if (done)
			done(arg, &t);
		if (rc)
			return rc;
	}
	return 0;
}
