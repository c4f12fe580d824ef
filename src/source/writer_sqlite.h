/*
 * writer_sqlite.h - changing a SQLite source: the one place steward writes
 * to customer data, for `steward apply` (docs/reconciliation.md).
 *
 * A target is one table of one database, its rows found by a key column.
 * Every change happens inside one transaction (begin ... commit, or
 * rollback), values and identifiers bound or quoted, never pasted into
 * SQL.  Values are read and written as text.
 */
#ifndef STEWARD_WRITER_SQLITE_H
#define STEWARD_WRITER_SQLITE_H

#include "util/buf.h"
#include "util/diag.h"

struct sqlite_target;

/* Open path read-write (never create it).  ST_ERR with d. */
int sqlite_target_open(const char *path, const char *table,
		       const char *key_column, struct sqlite_target **out,
		       struct diag *d) MUST_CHECK;
void sqlite_target_close(struct sqlite_target *t);

int sqlite_target_begin(struct sqlite_target *t, struct diag *d) MUST_CHECK;
int sqlite_target_commit(struct sqlite_target *t, struct diag *d) MUST_CHECK;
void sqlite_target_rollback(struct sqlite_target *t);

/* The column's value of the row whose key is key into out (NUL-terminated;
 * *is_null for NULL).  0 and *found false when there is no such row.  ST_ERR
 * with d (an unknown column, a database error). */
int sqlite_target_get(struct sqlite_target *t, const char *key,
		      const char *column, struct buf *out, bool *is_null,
		      bool *found, struct diag *d) MUST_CHECK;
/* Set it (value NULL: SQL NULL).  ST_ERR with d. */
int sqlite_target_set(struct sqlite_target *t, const char *key,
		      const char *column, const char *value, struct diag *d)
	MUST_CHECK;

#endif
