/*
 * store_reconcile.c - reconciliation in the history (schema 3): the golden
 * values copies disagreed on, and the proposals.  See store.h and
 * docs/reconciliation.md.
 */
#include "store/store_int.h"

#include <time.h>

struct golden_source {
	int (*row)(void *arg, size_t i, struct golden_row *out);
	void *arg;
};

static int bind_golden(sqlite3_stmt *st, void *ctx, size_t i)
{
	struct golden_source *gs = ctx;
	struct golden_row r;
	int rc = gs->row(gs->arg, i, &r);

	if (rc)
		return rc;
	store_bind_text_static(st, 2, r.entity);
	store_bind_text_static(st, 3, r.attribute);
	store_bind_text_static(st, 4, r.value);
	store_bind_text_static(st, 5, r.source);
	store_bind_text_static(st, 6, r.record_key);
	store_bind_text_static(st, 7, r.as_of);
	sqlite3_bind_double(st, 8, r.trust);
	store_bind_text_static(st, 9, r.decided_by);
	store_bind_text_static(st, 10, r.runner_value);
	store_bind_text_static(st, 11, r.runner_source);
	store_bind_text_static(st, 12, r.runner_key);
	if (r.runner_trust < 0)
		sqlite3_bind_null(st, 13);
	else
		sqlite3_bind_double(st, 13, r.runner_trust);
	sqlite3_bind_int64(st, 14, r.copies);
	sqlite3_bind_int64(st, 15, r.values);
	return 0;
}

int store_add_golden_from(struct store *s, size_t n,
			  int (*row)(void *arg, size_t i, struct golden_row *out),
			  void *arg, struct diag *d)
{
	struct golden_source gs = { row, arg };

	return store_insert_rows(s, "INSERT INTO golden_values(run_id, "
				 GOLDEN_COLUMNS ") VALUES(?1,?2,?3,?4,?5,?6,?7,"
				 "?8,?9,?10,?11,?12,?13,?14,?15)", n, bind_golden,
				 &gs, d);
}

struct proposal_source {
	int (*row)(void *arg, size_t i, struct proposal_row *out);
	void *arg;
};

static int bind_proposal(sqlite3_stmt *st, void *ctx, size_t i)
{
	struct proposal_source *ps = ctx;
	struct proposal_row r;
	int rc = ps->row(ps->arg, i, &r);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 2, r.seq);
	store_bind_text_static(st, 3, r.entity);
	store_bind_text_static(st, 4, r.kind);
	store_bind_text_static(st, 5, r.status);
	store_bind_text_static(st, 6, r.source);
	store_bind_text_static(st, 7, r.record_key);
	store_bind_text_static(st, 8, r.attribute);
	store_bind_text_static(st, 9, r.owner);
	store_bind_text_static(st, 10, r.field);
	store_bind_text_static(st, 11, r.current);
	store_bind_text_static(st, 12, r.proposed);
	store_bind_text_static(st, 13, r.origin_source);
	store_bind_text_static(st, 14, r.origin_key);
	store_bind_text_static(st, 15, r.origin_date);
	sqlite3_bind_double(st, 16, r.confidence);
	store_bind_text_static(st, 17, r.rule);
	store_bind_text_static(st, 18, r.reason);
	store_bind_text_static(st, 19, r.rests_on);
	return 0;
}

int store_add_proposals_from(struct store *s, size_t n,
			     int (*row)(void *arg, size_t i,
					struct proposal_row *out),
			     void *arg, struct diag *d)
{
	struct proposal_source ps = { row, arg };

	return store_insert_rows(s, "INSERT INTO proposals(run_id, "
				 PROPOSAL_COLUMNS ", rests_on) VALUES(?1,?2,?3,?4,"
				 "?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
				 "?18,?19)", n, bind_proposal, &ps, d);
}

struct conflict_source {
	int (*row)(void *arg, size_t i, struct conflict_row *out);
	void *arg;
};

static int bind_conflict(sqlite3_stmt *st, void *ctx, size_t i)
{
	struct conflict_source *cs = ctx;
	struct conflict_row r;
	int rc = cs->row(cs->arg, i, &r);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 2, r.seq);
	store_bind_text_static(st, 3, r.entity);
	store_bind_text_static(st, 4, r.source);
	store_bind_text_static(st, 5, r.record_key);
	store_bind_text_static(st, 6, r.attribute);
	store_bind_text_static(st, 7, r.value);
	store_bind_text_static(st, 8, r.golden);
	sqlite3_bind_int(st, 9, r.stale);
	return 0;
}

int store_add_conflicts_from(struct store *s, size_t n,
			     int (*row)(void *arg, size_t i,
					struct conflict_row *out),
			     void *arg, struct diag *d)
{
	struct conflict_source cs = { row, arg };

	return store_insert_rows(s, "INSERT INTO conflicts(run_id, "
				 CONFLICT_COLUMNS ") VALUES(?1,?2,?3,?4,?5,?6,"
				 "?7,?8,?9)", n, bind_conflict, &cs, d);
}

/* ---- reading ------------------------------------------------------------- */

struct visit_proposals {
	int (*fn)(void *, const struct proposal_row *);
	void *arg;
};

static int visit_proposal(sqlite3_stmt *st, void *ctx)
{
	struct visit_proposals *v = ctx;
	struct proposal_row r = {
		sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		sqlite3_column_int64(st, 2), store_text(st, 3), store_text(st, 4),
		store_text(st, 5), store_text(st, 6), store_text(st, 7),
		store_text(st, 8), store_text(st, 9), store_text(st, 10),
		store_text(st, 11), store_text(st, 12), store_text(st, 13),
		store_text(st, 14), store_text(st, 15),
		sqlite3_column_double(st, 16), store_text(st, 17),
		store_text(st, 18), store_text(st, 19), store_text(st, 20),
		store_text(st, 21), store_text(st, 22), store_text(st, 23)
	};

	return v->fn(v->arg, &r);
}

/* The proposals' columns and their latest review's. */
#define PROPOSAL_SELECT "SELECT p.id, p.run_id, p.seq, p.entity, p.kind, " \
	"p.status, p.source, p.record_key, p.attribute, p.owner, p.field, " \
	"p.current, p.proposed, p.origin_source, p.origin_key, " \
	"p.origin_date, p.confidence, p.rule, p.reason, r.decision, " \
	"r.reviewer, r.at, r.note, p.rests_on FROM proposals p LEFT JOIN " \
	"reviews r ON " \
	"r.id = (SELECT max(id) FROM reviews WHERE proposal_id = p.id) "
/* ... of one run, by source, status (a review's decision first) and
 * owner, each ?2 to ?4 NULL for any */
#define PROPOSAL_WHERE PROPOSAL_SELECT "WHERE p.run_id = ?1 AND (?2 IS NULL " \
	"OR p.source = ?2) AND (?3 IS NULL OR coalesce(CASE r.decision WHEN " \
	"'accept' THEN 'accepted' WHEN 'reject' THEN 'rejected' END, " \
	"p.status) = ?3) AND (?4 IS NULL OR p.owner = ?4) "

int store_review(struct store *s, int64_t id, const char *decision,
		 const char *reviewer, const char *note, struct diag *d)
{
	sqlite3_stmt *st;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (store_exec(s, "BEGIN IMMEDIATE", d))
		return ST_ERR;
	if (store_prepare(s, "INSERT INTO reviews(proposal_id, decision, "
			  "reviewer, at, note) SELECT id, ?2, ?3, ?4, ?5 FROM "
			  "proposals WHERE id = ?1", &st, d)) {
		store_exec(s, "ROLLBACK", NULL);
		return ST_ERR;
	}
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, decision);
	store_bind_text(st, 3, reviewer);
	store_bind_text(st, 4, now);
	store_bind_text(st, 5, note);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_db_fail(s, d, "cannot record the review");
		store_exec(s, "ROLLBACK", NULL);
		return ST_ERR;
	}
	if (sqlite3_changes(s->db) != 1) {
		store_exec(s, "ROLLBACK", NULL);
		return diag_set(d, (struct diag_pos){ s->path, 0, 0 }, "there is no "
				"proposal %lld; see steward proposals", (long long)id);
	}
	return store_exec(s, "COMMIT", d);
}

int store_reviewed(struct store *s,
		   int (*fn)(void *, const struct proposal_row *), void *arg,
		   struct diag *d)
{
	struct visit_proposals v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, PROPOSAL_SELECT "WHERE r.id IS NOT NULL ORDER BY p.id",
			  &st, d))
		return ST_ERR;
	return store_each_row(s, st, visit_proposal, &v, d);
}

int store_proposals(struct store *s, int64_t run,
		    const struct proposal_filter *f,
		    int (*fn)(void *, const struct proposal_row *), void *arg,
		    struct diag *d)
{
	/* two statements, so that the usual order stays the index's */
	static const char *const sql[] = {
		PROPOSAL_WHERE "ORDER BY p.seq",
		PROPOSAL_WHERE "ORDER BY p.rests_on IS NULL, p.seq",
	};
	struct visit_proposals v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, sql[f && f->possible_first], &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, f ? f->source : NULL);
	store_bind_text(st, 3, f ? f->status : NULL);
	store_bind_text(st, 4, f ? f->owner : NULL);
	return store_each_row(s, st, visit_proposal, &v, d);
}

/* ---- applies -------------------------------------------------------------- */

int store_apply_begin(struct store *s, const char *source, const char *by,
		      int64_t undo_of, int64_t *id, struct diag *d)
{
	sqlite3_stmt *st;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (store_exec(s, "BEGIN IMMEDIATE", d))
		return ST_ERR;
	if (store_prepare(s, "INSERT INTO applies(source, at, by, undo_of) "
			  "VALUES(?1, ?2, ?3, ?4)", &st, d)) {
		store_exec(s, "ROLLBACK", NULL);
		return ST_ERR;
	}
	store_bind_text(st, 1, source);
	store_bind_text(st, 2, now);
	store_bind_text(st, 3, by);
	if (undo_of)
		sqlite3_bind_int64(st, 4, undo_of);
	else
		sqlite3_bind_null(st, 4);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_db_fail(s, d, "cannot record the apply");
		store_exec(s, "ROLLBACK", NULL);
		return ST_ERR;
	}
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_apply_change(struct store *s, const struct applied_change *c,
		       struct diag *d)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "INSERT INTO applied_changes(apply_id, seq, "
			  "proposal_id, tbl, key_column, record_key, col, before, "
			  "after) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, c->apply_id);
	sqlite3_bind_int64(st, 2, c->seq);
	if (c->proposal_id)
		sqlite3_bind_int64(st, 3, c->proposal_id);
	else
		sqlite3_bind_null(st, 3);
	store_bind_text(st, 4, c->table);
	store_bind_text(st, 5, c->key_column);
	store_bind_text(st, 6, c->record_key);
	store_bind_text(st, 7, c->column);
	store_bind_text(st, 8, c->before);
	store_bind_text(st, 9, c->after);
	return store_step_done(s, st, d);
}

int store_apply_commit(struct store *s, struct diag *d)
{
	return store_exec(s, "COMMIT", d);
}

void store_apply_abort(struct store *s)
{
	store_exec(s, "ROLLBACK", NULL);
}

struct visit_changes {
	int (*fn)(void *, const struct applied_change *);
	void *arg;
};

static int visit_change(sqlite3_stmt *st, void *ctx)
{
	struct visit_changes *v = ctx;
	struct applied_change c = {
		sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		sqlite3_column_int64(st, 2), store_text(st, 3), store_text(st, 4),
		store_text(st, 5), store_text(st, 6), store_text(st, 7),
		store_text(st, 8)
	};

	return v->fn(v->arg, &c);
}

int store_apply_changes(struct store *s, int64_t id, char *source, size_t size,
			bool *undone, int64_t *undo_of,
			int (*fn)(void *, const struct applied_change *),
			void *arg, struct diag *d)
{
	struct visit_changes v = { fn, arg };
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT source, coalesce(undo_of, 0), EXISTS(SELECT "
			  "1 FROM applies u WHERE u.undo_of = a.id) FROM applies a "
			  "WHERE id = ?1", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(source, size, "%s", store_text(st, 0) ? store_text(st, 0) : "");
		*undo_of = sqlite3_column_int64(st, 1);
		*undone = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ?
		       diag_set(d, (struct diag_pos){ s->path, 0, 0 }, "there is no "
				"apply %lld in this history", (long long)id) :
		       store_db_fail(s, d, "cannot read the apply");
	if (store_prepare(s, "SELECT apply_id, seq, coalesce(proposal_id, 0), tbl, "
			  "key_column, record_key, col, before, after FROM "
			  "applied_changes WHERE apply_id = ?1 ORDER BY seq", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, id);
	return store_each_row(s, st, visit_change, &v, d);
}

int store_proposal_applied(struct store *s, int64_t id, bool *out,
			   struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT EXISTS(SELECT 1 FROM applied_changes c JOIN "
			  "applies a ON a.id = c.apply_id WHERE c.proposal_id = ?1 "
			  "AND NOT EXISTS(SELECT 1 FROM applies u WHERE u.undo_of "
			  "= a.id))", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_db_fail(s, d, "cannot read applies");
}

/* ---- reading for reports ---------------------------------------------------- */

int store_review_log(struct store *s,
		     int (*fn)(void *, const struct proposal_row *), void *arg,
		     struct diag *d)
{
	struct visit_proposals v = { fn, arg };
	sqlite3_stmt *st;

	/* the columns of PROPOSAL_SELECT, one row per decision */
	if (store_prepare(s, "SELECT p.id, p.run_id, p.seq, p.entity, p.kind, "
			  "p.status, p.source, p.record_key, p.attribute, p.owner, "
			  "p.field, p.current, p.proposed, p.origin_source, "
			  "p.origin_key, p.origin_date, p.confidence, p.rule, "
			  "p.reason, r.decision, r.reviewer, r.at, r.note, "
			  "p.rests_on FROM reviews r JOIN proposals p ON "
			  "p.id = r.proposal_id "
			  "ORDER BY r.id", &st, d))
		return ST_ERR;
	return store_each_row(s, st, visit_proposal, &v, d);
}

struct visit_conflicts {
	int (*fn)(void *, const struct conflict_row *);
	void *arg;
};

static int visit_conflict(sqlite3_stmt *st, void *ctx)
{
	struct visit_conflicts *v = ctx;
	struct conflict_row r = { sqlite3_column_int64(st, 0), store_text(st, 1),
				  store_text(st, 2), store_text(st, 3),
				  store_text(st, 4), store_text(st, 5),
				  store_text(st, 6), sqlite3_column_int(st, 7) != 0 };

	return v->fn(v->arg, &r);
}

int store_conflicts(struct store *s, int64_t run, const char *source,
		    const char *attribute, int64_t limit,
		    int (*fn)(void *, const struct conflict_row *), void *arg,
		    struct diag *d)
{
	struct visit_conflicts v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, "SELECT " CONFLICT_COLUMNS " FROM conflicts WHERE "
			  "run_id = ?1 AND source = ?2 AND attribute = ?3 ORDER BY "
			  "seq LIMIT ?4", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, source);
	store_bind_text(st, 3, attribute);
	sqlite3_bind_int64(st, 4, limit);
	return store_each_row(s, st, visit_conflict, &v, d);
}
