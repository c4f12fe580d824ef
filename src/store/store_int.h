/*
 * store_int.h - what the files of the store share: the handle and the
 * statement helpers of store.c, for store_identity.c, store_reconcile.c and
 * store_score.c.
 */
#ifndef STEWARD_STORE_INT_H
#define STEWARD_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"
#include "util/sha256.h"

struct store {
	sqlite3 *db;
	char *path;
	int lock_fd;
	bool in_run;
	int64_t run_id;		/* the run being written */
};

/* The identity tables' columns after run_id (schema 2). */
#define ENTITY_COLUMNS "entity, records, sources"
#define MEMBER_COLUMNS "entity, seq, source, record_key"
#define LINK_COLUMNS "seq, source_a, key_a, source_b, key_b, status, " \
	"probability, rule, evidence"
#define MODEL_COLUMNS "attribute, level, label, m, u"
/* The reconciliation tables' (schema 3). */
#define GOLDEN_COLUMNS "entity, attribute, value, source, record_key, " \
	"as_of, trust, decided_by, runner_value, runner_source, runner_key, " \
	"runner_trust, copies, n_values"
#define PROPOSAL_COLUMNS "seq, entity, kind, status, source, record_key, " \
	"attribute, owner, field, current, proposed, origin_source, " \
	"origin_key, " \
	"origin_date, confidence, rule, reason"
#define CONFLICT_COLUMNS "seq, entity, source, record_key, attribute, " \
	"value, golden, stale"

/* The score tables' (schema 5), after run_id and seq. */
#define SCORE_PARAM_COLUMNS "kind, name, value"
#define SCORE_COLUMNS "scope, subject, attribute, dimension, score, grade, inputs"

/* A diagnostic naming the database and SQLite's message; returns ST_ERR. */
int store_db_fail(struct store *s, struct diag *d, const char *what);
int store_exec(struct store *s, const char *sql, struct diag *d);
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
		  struct diag *d);
/* NULL binds NULL.  SQLite copies the text. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* The same without the copy (SQLITE_STATIC): v must stay as it is until
 * the statement has been stepped.  For store_insert_rows()'s bind
 * callbacks, whose rows are stepped before the next is made: a scan
 * writes millions of such values, and copying each cost a malloc, a copy
 * and a free (docs/history.md). */
void store_bind_text_static(sqlite3_stmt *st, int i, const char *v);
/* Step a statement that returns nothing, and finalize it. */
int store_step_done(struct store *s, sqlite3_stmt *st, struct diag *d);
/* Run one prepared insert per row: bind(st, ctx, i) binds row i (the run
 * id is ?1), or returns non-zero to stop with that value.  Row i is
 * stepped before bind is called for row i + 1, so text bound without a
 * copy (store_bind_text_static()) need only last until then. */
int store_insert_rows(struct store *s, const char *sql, size_t n,
		      int (*bind)(sqlite3_stmt *, void *, size_t), void *ctx,
		      struct diag *d);
/* Step st, calling visit(st, ctx) for each row until it returns non-zero
 * (returned), then finalize it. */
int store_each_row(struct store *s, sqlite3_stmt *st,
		   int (*visit)(sqlite3_stmt *, void *), void *ctx,
		   struct diag *d);
/* Column i as text, NULL for NULL. */
const char *store_text(sqlite3_stmt *st, int i);
/* Content hashing: a run's rows, every value tagged with its type. */
void store_hash_u64(struct sha256 *h, uint64_t v);
void store_hash_row(struct sha256 *h, sqlite3_stmt *st);

#endif
