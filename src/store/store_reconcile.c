/*
 * store_reconcile.c - reconciliation in the history (schema 3): the golden
 * values copies disagreed on, and the proposals.  See store.h and
 * docs/reconciliation.md.
 */
#include "store/store_int.h"

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
	store_bind_text(st, 2, r.entity);
	store_bind_text(st, 3, r.attribute);
	store_bind_text(st, 4, r.value);
	store_bind_text(st, 5, r.source);
	store_bind_text(st, 6, r.record_key);
	store_bind_text(st, 7, r.as_of);
	sqlite3_bind_double(st, 8, r.trust);
	store_bind_text(st, 9, r.decided_by);
	store_bind_text(st, 10, r.runner_value);
	store_bind_text(st, 11, r.runner_source);
	store_bind_text(st, 12, r.runner_key);
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
	store_bind_text(st, 3, r.entity);
	store_bind_text(st, 4, r.kind);
	store_bind_text(st, 5, r.status);
	store_bind_text(st, 6, r.source);
	store_bind_text(st, 7, r.record_key);
	store_bind_text(st, 8, r.attribute);
	store_bind_text(st, 9, r.owner);
	store_bind_text(st, 10, r.field);
	store_bind_text(st, 11, r.current);
	store_bind_text(st, 12, r.proposed);
	store_bind_text(st, 13, r.origin_source);
	store_bind_text(st, 14, r.origin_key);
	store_bind_text(st, 15, r.origin_date);
	sqlite3_bind_double(st, 16, r.confidence);
	store_bind_text(st, 17, r.rule);
	store_bind_text(st, 18, r.reason);
	return 0;
}

int store_add_proposals_from(struct store *s, size_t n,
			     int (*row)(void *arg, size_t i,
					struct proposal_row *out),
			     void *arg, struct diag *d)
{
	struct proposal_source ps = { row, arg };

	return store_insert_rows(s, "INSERT INTO proposals(run_id, "
				 PROPOSAL_COLUMNS ") VALUES(?1,?2,?3,?4,?5,?6,"
				 "?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)", n,
				 bind_proposal, &ps, d);
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
	store_bind_text(st, 3, r.entity);
	store_bind_text(st, 4, r.source);
	store_bind_text(st, 5, r.record_key);
	store_bind_text(st, 6, r.attribute);
	store_bind_text(st, 7, r.value);
	store_bind_text(st, 8, r.golden);
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
		store_text(st, 18)
	};

	return v->fn(v->arg, &r);
}

int store_proposals(struct store *s, int64_t run,
		    const struct proposal_filter *f,
		    int (*fn)(void *, const struct proposal_row *), void *arg,
		    struct diag *d)
{
	struct visit_proposals v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, "SELECT id, run_id, " PROPOSAL_COLUMNS " FROM "
			  "proposals WHERE run_id = ?1 AND (?2 IS NULL OR "
			  "source = ?2) AND (?3 IS NULL OR status = ?3) AND "
			  "(?4 IS NULL OR entity = ?4) AND (?5 IS NULL OR "
			  "owner = ?5) ORDER BY seq", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, f ? f->source : NULL);
	store_bind_text(st, 3, f ? f->status : NULL);
	store_bind_text(st, 4, f ? f->entity : NULL);
	store_bind_text(st, 5, f ? f->owner : NULL);
	return store_each_row(s, st, visit_proposal, &v, d);
}

struct visit_golden {
	int (*fn)(void *, const struct golden_row *);
	void *arg;
};

static int visit_golden(sqlite3_stmt *st, void *ctx)
{
	struct visit_golden *v = ctx;
	struct golden_row r = {
		store_text(st, 0), store_text(st, 1), store_text(st, 2),
		store_text(st, 3), store_text(st, 4), store_text(st, 5),
		sqlite3_column_double(st, 6), store_text(st, 7),
		store_text(st, 8), store_text(st, 9), store_text(st, 10),
		sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 :
		sqlite3_column_double(st, 11),
		sqlite3_column_int64(st, 12), sqlite3_column_int64(st, 13)
	};

	return v->fn(v->arg, &r);
}

int store_golden(struct store *s, int64_t run, const char *entity,
		 int (*fn)(void *, const struct golden_row *), void *arg,
		 struct diag *d)
{
	struct visit_golden v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, "SELECT " GOLDEN_COLUMNS " FROM golden_values "
			  "WHERE run_id = ?1 AND (?2 IS NULL OR entity = ?2) "
			  "ORDER BY entity, attribute", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, entity);
	return store_each_row(s, st, visit_golden, &v, d);
}
