/*
 * writer_sqlite.c - changing a SQLite source (see writer_sqlite.h).
 */
#include "source/writer_sqlite.h"

#include <sqlite3.h>

#include "util/alloc.h"

struct sqlite_target {
	sqlite3 *db;
	char *path, *table, *key;
	bool in_tx;
};

static int fail(struct sqlite_target *t, struct diag *d, const char *what)
{
	return diag_set(d, (struct diag_pos){ t->path, 0, 0 }, "%s: %s", what,
			t->db ? sqlite3_errmsg(t->db) : "out of memory");
}

/* An identifier quoted for SQL: "a""b". */
static void quote_id(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(out, '"');
		buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

int sqlite_target_open(const char *path, const char *table,
		       const char *key_column, struct sqlite_target **out,
		       struct diag *d)
{
	struct sqlite_target *t = xcalloc(1, sizeof(*t));

	*out = NULL;
	if (!t || !(t->path = xstrdup(path)) || !(t->table = xstrdup(table)) ||
	    !(t->key = xstrdup(key_column))) {
		sqlite_target_close(t);
		return ST_ERR_NOMEM;
	}
	if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fail(t, d, "cannot open the database to change it");
		sqlite_target_close(t);
		return ST_ERR;
	}
	sqlite3_busy_timeout(t->db, 5000);
	*out = t;
	return 0;
}

void sqlite_target_close(struct sqlite_target *t)
{
	if (!t)
		return;
	if (t->in_tx)
		sqlite_target_rollback(t);
	sqlite3_close(t->db);
	xfree(t->path);
	xfree(t->table);
	xfree(t->key);
	xfree(t);
}

static int exec(struct sqlite_target *t, const char *sql, struct diag *d)
{
	if (sqlite3_exec(t->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(t, d, sql);
	return 0;
}

int sqlite_target_begin(struct sqlite_target *t, struct diag *d)
{
	if (exec(t, "BEGIN IMMEDIATE", d))
		return ST_ERR;
	t->in_tx = true;
	return 0;
}

int sqlite_target_commit(struct sqlite_target *t, struct diag *d)
{
	if (exec(t, "COMMIT", d))
		return ST_ERR;
	t->in_tx = false;
	return 0;
}

void sqlite_target_rollback(struct sqlite_target *t)
{
	sqlite3_exec(t->db, "ROLLBACK", NULL, NULL, NULL);
	t->in_tx = false;
}

static int prepare(struct sqlite_target *t, bool set, const char *column,
		   sqlite3_stmt **st, struct diag *d)
{
	struct buf sql = BUF_INIT;
	int rc;

	buf_addstr(&sql, set ? "UPDATE " : "SELECT ");
	if (set) {
		quote_id(&sql, t->table);
		buf_addstr(&sql, " SET ");
		quote_id(&sql, column);
		buf_addstr(&sql, " = ?2");
	} else {
		quote_id(&sql, column);
		buf_addstr(&sql, " FROM ");
		quote_id(&sql, t->table);
	}
	buf_addstr(&sql, " WHERE ");
	quote_id(&sql, t->key);
	buf_addstr(&sql, " = ?1");
	if (buf_error(&sql)) {
		buf_release(&sql);
		return ST_ERR_NOMEM;
	}
	rc = sqlite3_prepare_v2(t->db, sql.data, -1, st, NULL) == SQLITE_OK ? 0 :
	     fail(t, d, "cannot prepare the change");
	buf_release(&sql);
	return rc;
}

int sqlite_target_get(struct sqlite_target *t, const char *key,
		      const char *column, struct buf *out, bool *is_null,
		      bool *found, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	buf_reset(out);
	*is_null = false;
	*found = false;
	if ((rc = prepare(t, false, column, &st, d)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		*found = true;
		*is_null = sqlite3_column_type(st, 0) == SQLITE_NULL;
		if (v)
			buf_add(out, v, (size_t)sqlite3_column_bytes(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(t, d, "cannot read the value to change");
	return buf_error(out) ? ST_ERR_NOMEM : 0;
}

int sqlite_target_set(struct sqlite_target *t, const char *key,
		      const char *column, const char *value, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prepare(t, true, column, &st, d)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	if (value)
		sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(t, d, "cannot change the value");
}
