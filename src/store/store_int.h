/*
 * store_int.h - what the files of the store share: the handle and the
 * statement helpers of store.c, for store_identity.c.
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

/* A diagnostic naming the database and SQLite's message; returns ST_ERR. */
int store_db_fail(struct store *s, struct diag *d, const char *what);
int store_exec(struct store *s, const char *sql, struct diag *d);
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
		  struct diag *d);
/* NULL binds NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Step a statement that returns nothing, and finalize it. */
int store_step_done(struct store *s, sqlite3_stmt *st, struct diag *d);
/* Content hashing: a run's rows, every value tagged with its type. */
void store_hash_u64(struct sha256 *h, uint64_t v);
void store_hash_row(struct sha256 *h, sqlite3_stmt *st);

#endif
