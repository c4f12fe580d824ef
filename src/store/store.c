/*
 * store.c - the history database in SQLite.  See store.h and
 * docs/history.md.
 *
 * WAL mode with synchronous=FULL: a committed run survives a crash of the
 * process or the machine, and an uncommitted one leaves no trace.  Each
 * run's content hash is computed from the rows as SQLite returns them
 * (ordered by primary key, every value tagged with its type), so verifying
 * is the same computation repeated later.
 */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/files.h"
#include "util/sha256.h"

static const char *const migrations[] = {
	/* schema 1 */
	"CREATE TABLE runs("
	" id INTEGER PRIMARY KEY,"
	" started_at TEXT NOT NULL, finished_at TEXT, as_of TEXT NOT NULL,"
	" policy_digest TEXT NOT NULL, policy_dir TEXT, data_dir TEXT,"
	" tool_version TEXT NOT NULL, status TEXT NOT NULL,"
	" gate_failed INTEGER NOT NULL DEFAULT 0,"
	" content_hash TEXT, prev_hash TEXT, chain_hash TEXT);"
	"CREATE TABLE inputs("
	" run_id INTEGER NOT NULL REFERENCES runs(id), source TEXT NOT NULL,"
	" path TEXT, size INTEGER, mtime TEXT, sha256 TEXT, rows INTEGER,"
	" status TEXT NOT NULL, error TEXT, PRIMARY KEY(run_id, source));"
	"CREATE TABLE profiles("
	" run_id INTEGER NOT NULL REFERENCES runs(id), source TEXT NOT NULL,"
	" kind TEXT NOT NULL, name TEXT NOT NULL,"
	" rows INTEGER, present INTEGER, empty INTEGER,"
	" distinct_count INTEGER, distinct_exact INTEGER, distinct_error REAL,"
	" min TEXT, max TEXT, len_min INTEGER, len_max INTEGER, len_mean REAL,"
	" invalid INTEGER, reasons TEXT, top_values TEXT, shapes TEXT,"
	" numeric_share REAL, age_median INTEGER, age_p90 INTEGER,"
	" age_max INTEGER, stale INTEGER, freshness REAL, sketch BLOB,"
	" PRIMARY KEY(run_id, source, kind, name));"
	"CREATE TABLE metrics("
	" run_id INTEGER NOT NULL REFERENCES runs(id), source TEXT NOT NULL,"
	" target TEXT NOT NULL, dimension TEXT NOT NULL, metric TEXT NOT NULL,"
	" value REAL, PRIMARY KEY(run_id, source, target, metric));"
	"CREATE TABLE findings("
	" run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,"
	" source TEXT NOT NULL, target TEXT, dimension TEXT NOT NULL,"
	" severity TEXT NOT NULL, rule TEXT NOT NULL, count INTEGER,"
	" message TEXT NOT NULL, samples TEXT, PRIMARY KEY(run_id, seq));"
	"CREATE INDEX findings_by_source ON findings(run_id, source);",
	/* schema 2: identity resolution */
	"CREATE TABLE entities("
	" run_id INTEGER NOT NULL REFERENCES runs(id), entity TEXT NOT NULL,"
	" records INTEGER NOT NULL, sources INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, entity));"
	"CREATE TABLE entity_members("
	" run_id INTEGER NOT NULL REFERENCES runs(id), entity TEXT NOT NULL,"
	" seq INTEGER NOT NULL, source TEXT NOT NULL, record_key TEXT NOT NULL,"
	" PRIMARY KEY(run_id, entity, seq)) WITHOUT ROWID;"
	"CREATE TABLE identity_links("
	" run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,"
	" source_a TEXT NOT NULL, key_a TEXT NOT NULL,"
	" source_b TEXT NOT NULL, key_b TEXT NOT NULL, status TEXT NOT NULL,"
	" probability REAL NOT NULL, rule TEXT, evidence TEXT,"
	" PRIMARY KEY(run_id, seq));"
	"CREATE TABLE identity_model("
	" run_id INTEGER NOT NULL REFERENCES runs(id), attribute TEXT NOT NULL,"
	" level INTEGER NOT NULL, label TEXT NOT NULL, m REAL, u REAL,"
	" PRIMARY KEY(run_id, attribute, level));",
	/* schema 3: reconciliation */
	"CREATE TABLE golden_values("
	" run_id INTEGER NOT NULL REFERENCES runs(id), entity TEXT NOT NULL,"
	" attribute TEXT NOT NULL, value TEXT NOT NULL, source TEXT NOT NULL,"
	" record_key TEXT NOT NULL, as_of TEXT, trust REAL NOT NULL,"
	" decided_by TEXT NOT NULL, runner_value TEXT, runner_source TEXT,"
	" runner_key TEXT, runner_trust REAL, copies INTEGER NOT NULL,"
	" n_values INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, entity, attribute)) WITHOUT ROWID;"
	"CREATE TABLE proposals("
	" id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
	" seq INTEGER NOT NULL, entity TEXT NOT NULL, kind TEXT NOT NULL,"
	" status TEXT NOT NULL, source TEXT NOT NULL, record_key TEXT NOT NULL,"
	" attribute TEXT NOT NULL, owner TEXT, field TEXT NOT NULL,"
	" current TEXT,"
	" proposed TEXT NOT NULL, origin_source TEXT NOT NULL,"
	" origin_key TEXT NOT NULL, origin_date TEXT, confidence REAL NOT NULL,"
	" rule TEXT NOT NULL, reason TEXT NOT NULL, UNIQUE(run_id, seq));"
	"CREATE TABLE conflicts("
	" run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,"
	" entity TEXT NOT NULL, source TEXT NOT NULL, record_key TEXT NOT NULL,"
	" attribute TEXT NOT NULL, value TEXT NOT NULL, golden TEXT NOT NULL,"
	" stale INTEGER NOT NULL, PRIMARY KEY(run_id, seq)) WITHOUT ROWID;",
	/* schema 4: reviews of proposals, never changed or deleted */
	"CREATE TABLE reviews("
	" id INTEGER PRIMARY KEY,"
	" proposal_id INTEGER NOT NULL REFERENCES proposals(id),"
	" decision TEXT NOT NULL CHECK(decision IN ('accept', 'reject')),"
	" reviewer TEXT NOT NULL, at TEXT NOT NULL, note TEXT);"
	"CREATE INDEX reviews_by_proposal ON reviews(proposal_id);"
	"CREATE TRIGGER reviews_never_change BEFORE UPDATE ON reviews"
	" BEGIN SELECT RAISE(ABORT, 'reviews are never changed'); END;"
	"CREATE TRIGGER reviews_never_go BEFORE DELETE ON reviews"
	" BEGIN SELECT RAISE(ABORT, 'reviews are never deleted'); END;"
	/* and the changes `steward apply` made to sources, to undo them */
	"CREATE TABLE applies("
	" id INTEGER PRIMARY KEY, source TEXT NOT NULL, at TEXT NOT NULL,"
	" by TEXT, undo_of INTEGER REFERENCES applies(id));"
	"CREATE TABLE applied_changes("
	" apply_id INTEGER NOT NULL REFERENCES applies(id), seq INTEGER NOT NULL,"
	" proposal_id INTEGER REFERENCES proposals(id), tbl TEXT NOT NULL,"
	" key_column TEXT NOT NULL, record_key TEXT NOT NULL,"
	" col TEXT NOT NULL, before TEXT, after TEXT,"
	" PRIMARY KEY(apply_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX applied_by_proposal ON applied_changes(proposal_id);"
	"CREATE TRIGGER applies_never_change BEFORE UPDATE ON applies"
	" BEGIN SELECT RAISE(ABORT, 'applies are never changed'); END;"
	"CREATE TRIGGER applies_never_go BEFORE DELETE ON applies"
	" BEGIN SELECT RAISE(ABORT, 'applies are never deleted'); END;"
	"CREATE TRIGGER changes_never_change BEFORE UPDATE ON applied_changes"
	" BEGIN SELECT RAISE(ABORT, 'applied changes are never changed'); END;"
	"CREATE TRIGGER changes_never_go BEFORE DELETE ON applied_changes"
	" BEGIN SELECT RAISE(ABORT, 'applied changes are never deleted'); END;",
	/* 4 -> 5: scores, and the parameters they were computed with */
	"CREATE TABLE score_params("
	" run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,"
	" kind TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,"
	" PRIMARY KEY(run_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE scores("
	" run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL,"
	" scope TEXT NOT NULL, subject TEXT NOT NULL, attribute TEXT NOT NULL,"
	" dimension TEXT NOT NULL, score REAL NOT NULL, grade TEXT,"
	" inputs TEXT NOT NULL, PRIMARY KEY(run_id, seq)) WITHOUT ROWID;",
	/* 5 -> 6: what the scheduler ran, so that it runs each slot once;
	 * written between runs, like reviews, so not in a run's hash */
	"CREATE TABLE schedule_runs("
	" id INTEGER PRIMARY KEY, schedule TEXT NOT NULL, due_at INTEGER NOT NULL,"
	" task TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,"
	" result TEXT NOT NULL, run_id INTEGER);"
	"CREATE INDEX schedule_runs_by_schedule ON schedule_runs(schedule, due_at);",
	/* 6 -> 7: the exclusive attribute that kept a link's two groups
	 * apart (status 'conflict') */
	"ALTER TABLE identity_links ADD COLUMN conflict TEXT;",
	/* 7 -> 8: the pair kept for review a possible match's proposal
	 * rests on ("crm:C1 marketing:M2") */
	"ALTER TABLE proposals ADD COLUMN rests_on TEXT;",
};

int store_db_fail(struct store *s, struct diag *d, const char *what)
{
	return diag_set(d, (struct diag_pos){ s->path, 0, 0 }, "history database: "
			"%s: %s", what, sqlite3_errmsg(s->db));
}

int store_exec(struct store *s, const char *sql, struct diag *d)
{
	char *err = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK) {
		diag_set(d, (struct diag_pos){ s->path, 0, 0 }, "history database: "
			 "%s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return ST_ERR;
	}
	return 0;
}

static int user_version(struct store *s, int *v, struct diag *d)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_ROW)
		return store_db_fail(s, d, "cannot read the schema version (is it a "
			       "steward history database?)");
	return 0;
}

/* Bring the schema up to STORE_SCHEMA_VERSION, one transaction per step. */
static int migrate(struct store *s, struct diag *d)
{
	int v = 0;

	if (user_version(s, &v, d))
		return ST_ERR;
	if (v > STORE_SCHEMA_VERSION)
		return diag_set(d, (struct diag_pos){ s->path, 0, 0 }, "history "
				"database has schema %d, written by a newer steward "
				"(this one knows up to %d); use that steward or a "
				"newer one", v, STORE_SCHEMA_VERSION);
	for (; v < STORE_SCHEMA_VERSION; v++) {
		char bump[64];

		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d;", v + 1);
		if (store_exec(s, "BEGIN IMMEDIATE", d))
			return ST_ERR;
		if (store_exec(s, migrations[v], d) || store_exec(s, bump, d)) {
			store_exec(s, "ROLLBACK", NULL);
			return ST_ERR;
		}
		if (store_exec(s, "COMMIT", d))
			return ST_ERR;
	}
	return 0;
}

/* A macro's value as a string literal. */
#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)

void store_library_init(void)
{
	/* SQLite's count of the memory it holds, which nothing here reads,
	 * takes a process-wide mutex around every allocation and free */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(const char *path, struct store **out, struct diag *d)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s || !(s->path = xstrdup(path))) {
		xfree(s);
		return ST_ERR_NOMEM;
	}
	s->lock_fd = -1;
	if (files_make_parent(path, d)) {
		store_close(s);
		return ST_ERR;
	}
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_db_fail(s, d, "cannot open");
		store_close(s);
		return ST_ERR;
	}
	sqlite3_busy_timeout(s->db, 10000);
	/* pages of 16 KiB for a new history (an existing one keeps its own):
	 * a run writes hundreds of megabytes of rows in one transaction, a
	 * page at a time into the log and again into the file; bigger pages
	 * took 5-7% off a whole scan of 0.25 million people */
	if (store_exec(s, "PRAGMA page_size = " TEXT_OF(STORE_PAGE_SIZE), d)) {
		store_close(s);
		return ST_ERR;
	}
	/* the version first: a file that is not a history, or one from a
	 * newer steward, is refused before anything is written to it */
	if (migrate(s, d) || store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA "
				  "synchronous=FULL; PRAGMA foreign_keys=ON;", d)) {
		store_close(s);
		return ST_ERR;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->in_run)
		store_run_abort(s);
	sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);	/* releases the lock */
	xfree(s->path);
	xfree(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

/* ---- the writer lock ---------------------------------------------------- */

int store_lock(struct store *s, struct diag *d)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct buf lock = BUF_INIT, who = BUF_INIT;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc = 0;

	buf_addf(&lock, "%s.lock", s->path);
	s->lock_fd = open(lock.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lock_fd < 0) {
		rc = diag_set(d, (struct diag_pos){ lock.data, 0, 0 }, "cannot open "
			      "the lock file: %s", strerror(errno));
	} else if (fcntl(s->lock_fd, F_SETLK, &fl) < 0) {
		char held[128] = "";
		ssize_t n = pread(s->lock_fd, held, sizeof(held) - 1, 0);

		held[n > 0 ? n : 0] = '\0';
		held[strcspn(held, "\n")] = '\0';
		rc = diag_set(d, (struct diag_pos){ s->path, 0, 0 }, "another steward "
			      "is writing to this history (%s); wait for it to "
			      "finish, or use another --db",
			      held[0] ? held : "holder unknown");
		close(s->lock_fd);
		s->lock_fd = -1;
	} else {
		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		buf_addf(&who, "pid %ld since %s\n", (long)getpid(), now);
		if (ftruncate(s->lock_fd, 0) == 0 &&
		    pwrite(s->lock_fd, who.data, who.len, 0) < 0)
			rc = 0;	/* the note is a courtesy; the lock is what counts */
	}
	buf_release(&lock);
	buf_release(&who);
	return rc;
}

/* ---- statements ---------------------------------------------------------- */

/* Each table's columns after run_id, in schema 1's order: inserts and the
 * content hash name them rather than rely on the table's shape. */
#define INPUT_COLUMNS "source, path, size, mtime, sha256, rows, status, error"
#define PROFILE_COLUMNS "source, kind, name, rows, present, empty, " \
	"distinct_count, distinct_exact, distinct_error, min, max, len_min, " \
	"len_max, len_mean, invalid, reasons, top_values, shapes, " \
	"numeric_share, age_median, age_p90, age_max, stale, freshness, sketch"
#define METRIC_COLUMNS "source, target, dimension, metric, value"
#define FINDING_COLUMNS "seq, source, target, dimension, severity, rule, " \
	"count, message, samples"

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st,
		   struct diag *d)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_db_fail(s, d, "cannot prepare a statement");
	return 0;
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void store_bind_text_static(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int store_step_done(struct store *s, sqlite3_stmt *st, struct diag *d)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_db_fail(s, d, "cannot write");
	return 0;
}

/* ---- writing a run ------------------------------------------------------- */

int store_run_begin(struct store *s, struct run_info *run, struct diag *d)
{
	sqlite3_stmt *st;

	if (store_exec(s, "BEGIN IMMEDIATE", d))
		return ST_ERR;
	s->in_run = true;
	if (store_prepare(s, "INSERT INTO runs(started_at, as_of, policy_digest, "
		    "policy_dir, data_dir, tool_version, status) "
		    "VALUES(?,?,?,?,?,?,'running')", &st, d))
		goto fail;
	store_bind_text(st, 1, run->started_at);
	store_bind_text(st, 2, run->as_of);
	store_bind_text(st, 3, run->policy_digest);
	store_bind_text(st, 4, run->policy_dir);
	store_bind_text(st, 5, run->data_dir);
	store_bind_text(st, 6, run->tool_version);
	if (store_step_done(s, st, d))
		goto fail;
	run->id = s->run_id = sqlite3_last_insert_rowid(s->db);
	return 0;
fail:
	store_run_abort(s);
	return ST_ERR;
}

void store_run_abort(struct store *s)
{
	if (s->in_run)
		store_exec(s, "ROLLBACK", NULL);
	s->in_run = false;
}

int store_add_input(struct store *s, const struct input_row *r, struct diag *d)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "INSERT INTO inputs(run_id, " INPUT_COLUMNS ") "
		    "VALUES(?9,?1,?2,?3,?4,?5,?6,?7,?8)", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 9, s->run_id);
	store_bind_text(st, 1, r->source);
	store_bind_text(st, 2, r->path);
	sqlite3_bind_int64(st, 3, r->size);
	store_bind_text(st, 4, r->mtime);
	store_bind_text(st, 5, r->sha256);
	sqlite3_bind_int64(st, 6, r->rows);
	store_bind_text(st, 7, r->status);
	store_bind_text(st, 8, r->error);
	return store_step_done(s, st, d);
}

int store_add_profile(struct store *s, const struct profile_row *r, struct diag *d)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "INSERT INTO profiles(run_id, " PROFILE_COLUMNS ") "
		    "VALUES(?26,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
		    "?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25)", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 26, s->run_id);
	store_bind_text(st, 1, r->source);
	store_bind_text(st, 2, r->kind);
	store_bind_text(st, 3, r->name);
	sqlite3_bind_int64(st, 4, r->rows);
	sqlite3_bind_int64(st, 5, r->present);
	sqlite3_bind_int64(st, 6, r->empty);
	sqlite3_bind_int64(st, 7, r->distinct);
	sqlite3_bind_int(st, 8, r->distinct_exact);
	sqlite3_bind_double(st, 9, r->distinct_error);
	store_bind_text(st, 10, r->min);
	store_bind_text(st, 11, r->max);
	sqlite3_bind_int64(st, 12, r->len_min);
	sqlite3_bind_int64(st, 13, r->len_max);
	sqlite3_bind_double(st, 14, r->len_mean);
	sqlite3_bind_int64(st, 15, r->invalid);
	store_bind_text(st, 16, r->reasons);
	store_bind_text(st, 17, r->top_values);
	store_bind_text(st, 18, r->shapes);
	sqlite3_bind_double(st, 19, r->numeric_share);
	sqlite3_bind_int64(st, 20, r->age_median);
	sqlite3_bind_int64(st, 21, r->age_p90);
	sqlite3_bind_int64(st, 22, r->age_max);
	sqlite3_bind_int64(st, 23, r->stale);
	sqlite3_bind_double(st, 24, r->freshness);
	if (r->sketch)
		sqlite3_bind_blob(st, 25, r->sketch, (int)r->sketch_len,
				  SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 25);
	return store_step_done(s, st, d);
}

int store_add_metric(struct store *s, const struct metric_row *r, struct diag *d)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "INSERT OR REPLACE INTO metrics(run_id, " METRIC_COLUMNS
		    ") VALUES(?6,?1,?2,?3,?4,?5)", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 6, s->run_id);
	store_bind_text(st, 1, r->source);
	store_bind_text(st, 2, r->target);
	store_bind_text(st, 3, r->dimension);
	store_bind_text(st, 4, r->metric);
	sqlite3_bind_double(st, 5, r->value);
	return store_step_done(s, st, d);
}

int store_add_finding(struct store *s, const struct finding_row *r, struct diag *d)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "INSERT INTO findings(run_id, " FINDING_COLUMNS ") "
		    "VALUES(?9,(SELECT count(*) + 1 FROM findings WHERE run_id = ?9),"
		    "?1,?2,?3,?4,?5,?6,?7,?8)", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 9, s->run_id);
	store_bind_text(st, 1, r->source);
	store_bind_text(st, 2, r->target);
	store_bind_text(st, 3, r->dimension);
	store_bind_text(st, 4, r->severity);
	store_bind_text(st, 5, r->rule);
	sqlite3_bind_int64(st, 6, r->count);
	store_bind_text(st, 7, r->message);
	store_bind_text(st, 8, r->samples);
	return store_step_done(s, st, d);
}

/* ---- hashing ------------------------------------------------------------- */

void store_hash_u64(struct sha256 *h, uint64_t v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	sha256_update(h, b, 8);
}

/* Every value with its type and length, so no two rows hash alike. */
void store_hash_row(struct sha256 *h, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);

	for (int i = 0; i < n; i++) {
		int type = sqlite3_column_type(st, i);
		unsigned char tag = (unsigned char)type;
		double dv;
		uint64_t bits;

		sha256_update(h, &tag, 1);
		switch (type) {
		case SQLITE_INTEGER:
			store_hash_u64(h, (uint64_t)sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			dv = sqlite3_column_double(st, i);
			memcpy(&bits, &dv, 8);
			store_hash_u64(h, bits);
			break;
		case SQLITE_TEXT:
		case SQLITE_BLOB: {
			const void *p = type == SQLITE_TEXT ?
				(const void *)sqlite3_column_text(st, i) :
				sqlite3_column_blob(st, i);
			int len = sqlite3_column_bytes(st, i);

			store_hash_u64(h, (uint64_t)len);
			if (len)
				sha256_update(h, p, (size_t)len);
			break;
		}
		default:
			break;
		}
	}
}

/* The columns are named, not "*": a migration that adds a column must not
 * change the hash of the runs recorded before it (docs/history.md). */
static const char *const content_queries[] = {
	"SELECT id, started_at, finished_at, as_of, policy_digest, policy_dir, "
	"data_dir, tool_version, status, gate_failed FROM runs WHERE id = ?1",
	"SELECT run_id, " INPUT_COLUMNS " FROM inputs WHERE run_id = ?1 "
	"ORDER BY source",
	"SELECT run_id, " PROFILE_COLUMNS " FROM profiles WHERE run_id = ?1 "
	"ORDER BY source, kind, name",
	"SELECT run_id, " METRIC_COLUMNS " FROM metrics WHERE run_id = ?1 "
	"ORDER BY source, target, metric",
	"SELECT run_id, " FINDING_COLUMNS " FROM findings WHERE run_id = ?1 "
	"ORDER BY seq",
	/* schema 2: hashed only when the run has rows in them, so that the
	 * runs recorded before (which have none) keep their hashes */
	"SELECT run_id, " ENTITY_COLUMNS " FROM entities WHERE run_id = ?1 "
	"ORDER BY entity",
	"SELECT run_id, " MEMBER_COLUMNS " FROM entity_members WHERE run_id = ?1 "
	"ORDER BY entity, seq",
	"SELECT run_id, " LINK_COLUMNS " FROM identity_links WHERE run_id = ?1 "
	"ORDER BY seq",
	"SELECT run_id, " MODEL_COLUMNS " FROM identity_model WHERE run_id = ?1 "
	"ORDER BY attribute, level",
	/* schema 3 (the proposals' ids are the history's, not the run's) */
	"SELECT run_id, " GOLDEN_COLUMNS " FROM golden_values WHERE run_id = ?1 "
	"ORDER BY entity, attribute",
	"SELECT run_id, " PROPOSAL_COLUMNS " FROM proposals WHERE run_id = ?1 "
	"ORDER BY seq",
	"SELECT run_id, " CONFLICT_COLUMNS " FROM conflicts WHERE run_id = ?1 "
	"ORDER BY seq",
	/* schema 5 */
	"SELECT run_id, seq, " SCORE_PARAM_COLUMNS " FROM score_params "
	"WHERE run_id = ?1 ORDER BY seq",
	"SELECT run_id, seq, " SCORE_COLUMNS " FROM scores WHERE run_id = ?1 "
	"ORDER BY seq",
	/* schema 7: only the links that have one */
	"SELECT run_id, seq, conflict FROM identity_links WHERE run_id = ?1 "
	"AND conflict IS NOT NULL ORDER BY seq",
	/* schema 8: only the proposals that rest on a possible match */
	"SELECT run_id, seq, rests_on FROM proposals WHERE run_id = ?1 "
	"AND rests_on IS NOT NULL ORDER BY seq",
};
/* The first of content_queries whose tables a run may leave empty. */
#define CONTENT_OPTIONAL 5

static int content_hash(struct store *s, int64_t run, char hex[65],
			struct diag *d)
{
	struct sha256 h;

	sha256_init(&h);
	for (size_t q = 0; q < ARRAY_SIZE(content_queries); q++) {
		sqlite3_stmt *st;
		int rc;

		if (store_prepare(s, content_queries[q], &st, d))
			return ST_ERR;
		sqlite3_bind_int64(st, 1, run);
		rc = sqlite3_step(st);
		if (q < CONTENT_OPTIONAL || rc == SQLITE_ROW)
			store_hash_u64(&h, q);
		for (; rc == SQLITE_ROW; rc = sqlite3_step(st))
			store_hash_row(&h, st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_db_fail(s, d, "cannot read a run to hash it");
	}
	sha256_final_hex(&h, hex);
	return 0;
}

static void chain_of(const char *prev, const char *content, char out[65])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, prev, 64);
	sha256_update(&h, content, 64);
	sha256_final_hex(&h, out);
}

static const char zero_hash[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* The chain hash of the last finished run before `run`, or zeros. */
static int prev_chain(struct store *s, int64_t run, char out[65], struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	memcpy(out, zero_hash, 65);
	if (store_prepare(s, "SELECT chain_hash FROM runs WHERE id < ?1 AND chain_hash "
		    "IS NOT NULL ORDER BY id DESC LIMIT 1", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 64)
		memcpy(out, sqlite3_column_text(st, 0), 64);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       store_db_fail(s, d, "cannot read the previous run");
}

int store_run_commit(struct store *s, struct run_info *run, struct diag *d)
{
	sqlite3_stmt *st;

	if (store_prepare(s, "UPDATE runs SET finished_at = ?, status = ?, gate_failed = ? "
		    "WHERE id = ?", &st, d))
		goto fail;
	store_bind_text(st, 1, run->finished_at);
	store_bind_text(st, 2, run->status);
	sqlite3_bind_int(st, 3, run->gate_failed);
	sqlite3_bind_int64(st, 4, run->id);
	if (store_step_done(s, st, d) || prev_chain(s, run->id, run->prev_hash, d) ||
	    content_hash(s, run->id, run->content_hash, d))
		goto fail;
	chain_of(run->prev_hash, run->content_hash, run->chain_hash);
	if (store_prepare(s, "UPDATE runs SET content_hash = ?, prev_hash = ?, "
		    "chain_hash = ? WHERE id = ?", &st, d))
		goto fail;
	store_bind_text(st, 1, run->content_hash);
	store_bind_text(st, 2, run->prev_hash);
	store_bind_text(st, 3, run->chain_hash);
	sqlite3_bind_int64(st, 4, run->id);
	if (store_step_done(s, st, d) || store_exec(s, "COMMIT", d))
		goto fail;
	s->in_run = false;
	return 0;
fail:
	store_run_abort(s);
	return ST_ERR;
}

/* ---- queries ------------------------------------------------------------- */

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", v ? (const char *)v : "");
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void read_run(sqlite3_stmt *st, struct run_info *r)
{
	r->id = sqlite3_column_int64(st, 0);
	copy_col(r->started_at, sizeof(r->started_at), st, 1);
	copy_col(r->finished_at, sizeof(r->finished_at), st, 2);
	copy_col(r->as_of, sizeof(r->as_of), st, 3);
	copy_col(r->policy_digest, sizeof(r->policy_digest), st, 4);
	copy_col(r->policy_dir, sizeof(r->policy_dir), st, 5);
	copy_col(r->data_dir, sizeof(r->data_dir), st, 6);
	copy_col(r->tool_version, sizeof(r->tool_version), st, 7);
	copy_col(r->status, sizeof(r->status), st, 8);
	r->gate_failed = sqlite3_column_int(st, 9);
	copy_col(r->content_hash, sizeof(r->content_hash), st, 10);
	copy_col(r->prev_hash, sizeof(r->prev_hash), st, 11);
	copy_col(r->chain_hash, sizeof(r->chain_hash), st, 12);
}

#define RUN_COLUMNS "id, started_at, finished_at, as_of, policy_digest, " \
	"policy_dir, data_dir, tool_version, status, gate_failed, content_hash, " \
	"prev_hash, chain_hash"

int store_runs(struct store *s, int (*fn)(void *, const struct run_info *),
	       void *arg, struct diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (store_prepare(s, "SELECT " RUN_COLUMNS " FROM runs ORDER BY id", &st, d))
		return ST_ERR;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct run_info r;

		read_run(st, &r);
		stop = fn(arg, &r);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_db_fail(s, d, "cannot read the runs");
}

/* The one integer a query returns (0 when none or NULL), with ?1 bound to
 * text when text is not NULL, else to bind. */
static int single_int(struct store *s, const char *sql, const char *text,
		      int64_t bind, int64_t *out, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if (store_prepare(s, sql, &st, d))
		return ST_ERR;
	if (text)
		store_bind_text(st, 1, text);
	else
		sqlite3_bind_int64(st, 1, bind);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       store_db_fail(s, d, "cannot read");
}

int store_latest_run(struct store *s, int64_t *id, struct diag *d)
{
	return single_int(s, "SELECT max(id) FROM runs WHERE ?1 = ?1", NULL, 0,
			  id, d);
}

int store_latest_run_of(struct store *s, const char *source, int64_t *id,
			struct diag *d)
{
	return single_int(s, "SELECT max(run_id) FROM inputs WHERE source = ?1",
			  source, 0, id, d);
}

int store_previous_run(struct store *s, int64_t id, int64_t *prev, struct diag *d)
{
	if (id <= 0)
		return store_latest_run(s, prev, d);
	return single_int(s, "SELECT max(id) FROM runs WHERE id < ?1", NULL, id,
			  prev, d);
}

int store_get_run(struct store *s, int64_t id, struct run_info *out, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?1", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_run(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return diag_set(d, (struct diag_pos){ s->path, 0, 0 }, "there is no "
				"run %lld in this history; see 'steward runs'",
				(long long)id);
	return store_db_fail(s, d, "cannot read the run");
}

int store_inputs(struct store *s, int64_t run,
		 int (*fn)(void *, const struct input_row *), void *arg,
		 struct diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (store_prepare(s, "SELECT source, path, size, mtime, sha256, rows, status, "
		    "error FROM inputs WHERE run_id = ?1 ORDER BY source", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct input_row r = {
			col_text(st, 0), col_text(st, 1), sqlite3_column_int64(st, 2),
			col_text(st, 3), col_text(st, 4), sqlite3_column_int64(st, 5),
			col_text(st, 6), col_text(st, 7)
		};

		stop = fn(arg, &r);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_db_fail(s, d, "cannot read the inputs");
}

static void read_profile(sqlite3_stmt *st, struct profile_row *r)
{
	r->source = col_text(st, 0);
	r->kind = col_text(st, 1);
	r->name = col_text(st, 2);
	r->rows = sqlite3_column_int64(st, 3);
	r->present = sqlite3_column_int64(st, 4);
	r->empty = sqlite3_column_int64(st, 5);
	r->distinct = sqlite3_column_int64(st, 6);
	r->distinct_exact = sqlite3_column_int(st, 7);
	r->distinct_error = sqlite3_column_double(st, 8);
	r->min = col_text(st, 9);
	r->max = col_text(st, 10);
	r->len_min = sqlite3_column_int64(st, 11);
	r->len_max = sqlite3_column_int64(st, 12);
	r->len_mean = sqlite3_column_double(st, 13);
	r->invalid = sqlite3_column_int64(st, 14);
	r->reasons = col_text(st, 15);
	r->top_values = col_text(st, 16);
	r->shapes = col_text(st, 17);
	r->numeric_share = sqlite3_column_double(st, 18);
	r->age_median = sqlite3_column_int64(st, 19);
	r->age_p90 = sqlite3_column_int64(st, 20);
	r->age_max = sqlite3_column_int64(st, 21);
	r->stale = sqlite3_column_int64(st, 22);
	r->freshness = sqlite3_column_double(st, 23);
	r->sketch = sqlite3_column_blob(st, 24);
	r->sketch_len = (size_t)sqlite3_column_bytes(st, 24);
}

int store_profiles(struct store *s, int64_t run, const char *source,
		   const char *kind, int (*fn)(void *, const struct profile_row *),
		   void *arg, struct diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (store_prepare(s, "SELECT source, kind, name, rows, present, empty, "
		    "distinct_count, distinct_exact, distinct_error, min, max, "
		    "len_min, len_max, len_mean, invalid, reasons, top_values, "
		    "shapes, numeric_share, age_median, age_p90, age_max, stale, "
		    "freshness, sketch FROM profiles WHERE run_id = ?1 "
		    "AND (?2 IS NULL OR source = ?2) AND (?3 IS NULL OR kind = ?3) "
		    "ORDER BY source, CASE kind WHEN 'attribute' THEN 0 "
		    "WHEN 'field' THEN 1 ELSE 2 END, rowid", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, source);
	store_bind_text(st, 3, kind);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct profile_row r;

		read_profile(st, &r);
		stop = fn(arg, &r);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_db_fail(s, d, "cannot read the profiles");
}

int store_metrics(struct store *s, int64_t run,
		  int (*fn)(void *, const struct metric_row *), void *arg,
		  struct diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (store_prepare(s, "SELECT source, target, dimension, metric, value FROM "
		    "metrics WHERE run_id = ?1 ORDER BY source, target, metric",
		    &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct metric_row r = { col_text(st, 0), col_text(st, 1),
					col_text(st, 2), col_text(st, 3),
					sqlite3_column_double(st, 4) };

		stop = fn(arg, &r);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_db_fail(s, d, "cannot read the metrics");
}

int store_findings(struct store *s, int64_t run, const char *source,
		   const char *dimension,
		   int (*fn)(void *, const struct finding_row *), void *arg,
		   struct diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (store_prepare(s, "SELECT seq, source, target, dimension, severity, rule, "
		    "count, message, samples FROM findings WHERE run_id = ?1 "
		    "AND (?2 IS NULL OR source = ?2) AND (?3 IS NULL OR "
		    "dimension = ?3) ORDER BY CASE severity WHEN 'critical' THEN 0 "
		    "WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, "
		    "count DESC, seq", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, source);
	store_bind_text(st, 3, dimension);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct finding_row r = {
			sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2),
			col_text(st, 3), col_text(st, 4), col_text(st, 5),
			sqlite3_column_int64(st, 6), col_text(st, 7), col_text(st, 8)
		};

		stop = fn(arg, &r);
	}
	sqlite3_finalize(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_db_fail(s, d, "cannot read the findings");
}

int store_volume_history(struct store *s, int64_t run, const char *source,
			 int64_t *rows, size_t n, size_t *count, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	if (store_prepare(s, "SELECT rows FROM (SELECT run_id, rows FROM inputs WHERE "
		    "source = ?2 AND status = 'ok' AND (?1 <= 0 OR run_id < ?1) "
		    "ORDER BY run_id DESC LIMIT ?3) ORDER BY run_id", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, source);
	sqlite3_bind_int64(st, 3, (int64_t)n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *count < n)
		rows[(*count)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_db_fail(s, d, "cannot read the history");
}

/* ---- verification -------------------------------------------------------- */

static int verify_one(struct store *s, const struct run_info *r,
		      const char *expect_prev, struct verify_result *out,
		      struct diag *d)
{
	char content[65], chain[65];

	if (content_hash(s, r->id, content, d))
		return ST_ERR;
	if (strcmp(content, r->content_hash)) {
		snprintf(out->why, sizeof(out->why), "its content does not "
			 "match the hash recorded when it finished: it was "
			 "changed afterwards");
		return 1;
	}
	if (strcmp(r->prev_hash, expect_prev)) {
		snprintf(out->why, sizeof(out->why), "it does not follow the "
			 "run before it: a run was removed, reordered or "
			 "rewritten");
		return 1;
	}
	chain_of(r->prev_hash, content, chain);
	if (strcmp(chain, r->chain_hash)) {
		snprintf(out->why, sizeof(out->why), "its chain hash is wrong");
		return 1;
	}
	return 0;
}

int store_verify(struct store *s, struct verify_result *out, struct diag *d)
{
	sqlite3_stmt *st;
	char prev[65];
	int rc, bad = 0;

	memset(out, 0, sizeof(*out));
	memcpy(prev, zero_hash, 65);
	if (store_prepare(s, "SELECT " RUN_COLUMNS " FROM runs ORDER BY id", &st, d))
		return ST_ERR;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct run_info r;

		read_run(st, &r);
		out->runs++;
		bad = verify_one(s, &r, prev, out, d);
		if (bad == 1)
			out->bad_run = r.id;
		memcpy(prev, r.chain_hash, 65);
	}
	sqlite3_finalize(st);
	if (bad < 0)
		return ST_ERR;
	return bad || rc == SQLITE_DONE ? 0 : store_db_fail(s, d, "cannot read the runs");
}
