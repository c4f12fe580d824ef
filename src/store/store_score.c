/*
 * store_score.c - scores in the history (schema 5): each run's scores and
 * the parameters they were computed with, so that `steward audit
 * recompute` needs nothing but the history (docs/scoring.md); and the
 * scheduler's record of what it ran (schema 6, docs/scheduling.md).
 */
#include "store/store_int.h"

static int bind_param(sqlite3_stmt *st, void *ctx, size_t i)
{
	const struct score_param_row *r = (const struct score_param_row *)ctx + i;

	sqlite3_bind_int64(st, 2, (int64_t)i + 1);
	store_bind_text_static(st, 3, r->kind);
	store_bind_text_static(st, 4, r->name);
	store_bind_text_static(st, 5, r->value);
	return 0;
}

int store_add_score_params(struct store *s, const struct score_param_row *rows,
			   size_t n, struct diag *d)
{
	return store_insert_rows(s, "INSERT INTO score_params(run_id, "
				 "seq, " SCORE_PARAM_COLUMNS ") VALUES(?1,?2,?3,?4,?5)", n,
				 bind_param, (void *)rows, d);
}

static int bind_score(sqlite3_stmt *st, void *ctx, size_t i)
{
	const struct score_row *r = (const struct score_row *)ctx + i;

	sqlite3_bind_int64(st, 2, (int64_t)i + 1);
	store_bind_text_static(st, 3, r->scope);
	store_bind_text_static(st, 4, r->subject);
	store_bind_text_static(st, 5, r->attribute);
	store_bind_text_static(st, 6, r->dimension);
	sqlite3_bind_double(st, 7, r->score);
	store_bind_text_static(st, 8, r->grade);
	store_bind_text_static(st, 9, r->inputs);
	return 0;
}

int store_add_scores(struct store *s, const struct score_row *rows, size_t n,
		     struct diag *d)
{
	return store_insert_rows(s, "INSERT INTO scores(run_id, seq, " SCORE_COLUMNS
				 ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", n,
				 bind_score, (void *)rows, d);
}

struct visit_params {
	int (*fn)(void *, const struct score_param_row *);
	void *arg;
};

static int visit_param(sqlite3_stmt *st, void *ctx)
{
	struct visit_params *v = ctx;
	struct score_param_row r = { store_text(st, 0), store_text(st, 1),
				     store_text(st, 2) };

	return v->fn(v->arg, &r);
}

int store_score_params(struct store *s, int64_t run,
		       int (*fn)(void *, const struct score_param_row *),
		       void *arg, struct diag *d)
{
	struct visit_params v = { fn, arg };
	sqlite3_stmt *st;

	/* weights, grades, then the owners of sources and attributes, each
	 * in the order they were recorded */
	if (store_prepare(s, "SELECT " SCORE_PARAM_COLUMNS " FROM score_params "
			  "WHERE run_id = ?1 ORDER BY seq", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	return store_each_row(s, st, visit_param, &v, d);
}

struct visit_scores {
	int (*fn)(void *, const struct score_row *);
	void *arg;
};

static int visit_score(sqlite3_stmt *st, void *ctx)
{
	struct visit_scores *v = ctx;
	struct score_row r = { store_text(st, 0), store_text(st, 1),
			       store_text(st, 2), store_text(st, 3),
			       sqlite3_column_double(st, 4), store_text(st, 5),
			       store_text(st, 6) };

	return v->fn(v->arg, &r);
}

int store_scores(struct store *s, int64_t run,
		 int (*fn)(void *, const struct score_row *), void *arg,
		 struct diag *d)
{
	struct visit_scores v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, "SELECT " SCORE_COLUMNS " FROM scores WHERE run_id = ?1 "
			  "ORDER BY seq", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	return store_each_row(s, st, visit_score, &v, d);
}

int store_has_scores(struct store *s, int64_t run, bool *out, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	/* the parameters are written with every scored run, even one with
	 * no scores (no sources), so scores deleted afterwards still show */
	if (store_prepare(s, "SELECT 1 FROM score_params WHERE run_id = ?1 LIMIT 1",
			  &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       store_db_fail(s, d, "cannot read the scores");
}

/* ---- the scheduler's record (schema 6) -------------------------------------- */

int store_add_schedule_run(struct store *s, const struct schedule_run_row *r,
			   struct diag *d)
{
	sqlite3_stmt *st;

	if (store_exec(s, "BEGIN IMMEDIATE", d))
		return ST_ERR;
	if (store_prepare(s, "INSERT INTO schedule_runs(schedule, due_at, task, "
			  "started_at, finished_at, result, run_id) VALUES(?1, ?2, "
			  "?3, ?4, ?5, ?6, ?7)", &st, d)) {
		store_exec(s, "ROLLBACK", NULL);
		return ST_ERR;
	}
	store_bind_text(st, 1, r->schedule);
	sqlite3_bind_int64(st, 2, r->due_at);
	store_bind_text(st, 3, r->task);
	store_bind_text(st, 4, r->started_at);
	store_bind_text(st, 5, r->finished_at);
	store_bind_text(st, 6, r->result);
	if (r->run_id)
		sqlite3_bind_int64(st, 7, r->run_id);
	else
		sqlite3_bind_null(st, 7);
	if (store_step_done(s, st, d)) {
		store_exec(s, "ROLLBACK", NULL);
		return ST_ERR;
	}
	return store_exec(s, "COMMIT", d);
}

int store_last_due(struct store *s, const char *schedule, int64_t *due,
		   bool *found, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	*found = false;
	if (store_prepare(s, "SELECT max(due_at) FROM schedule_runs WHERE "
			  "schedule = ?1", &st, d))
		return ST_ERR;
	store_bind_text(st, 1, schedule);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*due = sqlite3_column_int64(st, 0);
		*found = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       store_db_fail(s, d, "cannot read the scheduler's record");
}

int store_slot_task_done(struct store *s, const char *schedule, int64_t due_at,
			 const char *task, bool *done, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT 1 FROM schedule_runs WHERE schedule = ?1 AND "
			  "due_at = ?2 AND task = ?3 LIMIT 1", &st, d))
		return ST_ERR;
	store_bind_text(st, 1, schedule);
	sqlite3_bind_int64(st, 2, due_at);
	store_bind_text(st, 3, task);
	rc = sqlite3_step(st);
	*done = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       store_db_fail(s, d, "cannot read the scheduler's record");
}
