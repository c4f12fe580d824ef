/*
 * test_store.c - the history database: runs written in one transaction,
 * read back through every query; aborted and killed runs leaving nothing;
 * the hash chain catching edits, deletions and relinking; the writer lock;
 * refusing newer schemas and files that are not databases; the volume
 * history and the previous run.
 *
 * Each test works in its own temporary directory.  The tests look at the
 * file with sqlite3 directly, as an auditor (or an attacker) would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct diag d;
};

static int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/steward-store-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	/* a directory that does not exist yet: store_open makes it */
	snprintf(fx->path, sizeof(fx->path), "%s/reports/h.db", fx->dir);
	diag_clear(&fx->d);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	store_close(fx->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static void fx_open(struct fx *fx)
{
	if (store_open(fx->path, &fx->s, &fx->d))
		fail_msg("store_open: %s: %s", fx->d.file, fx->d.msg);
}

static void fx_close(struct fx *fx)
{
	store_close(fx->s);
	fx->s = NULL;
}

/* ---- looking at the file directly --------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
			 SQLITE_OK);
	return db;
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* The first column of the first row, as text, into out. */
static void raw_text(const char *path, const char *sql, char *out, size_t size)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static long raw_count(const char *path, const char *table)
{
	char sql[128], n[32];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	raw_text(path, sql, n, sizeof(n));
	return strtol(n, NULL, 10);
}

static const char *const tables[] = { "runs", "inputs", "profiles", "metrics",
				      "findings" };

/* ---- writing runs ------------------------------------------------------- */

static void run_init(struct run_info *run, const char *as_of)
{
	memset(run, 0, sizeof(*run));
	snprintf(run->started_at, sizeof(run->started_at), "%sT01:00:00Z", as_of);
	snprintf(run->as_of, sizeof(run->as_of), "%s", as_of);
	snprintf(run->policy_digest, sizeof(run->policy_digest), "%064d", 7);
	snprintf(run->policy_dir, sizeof(run->policy_dir), "policies");
	snprintf(run->data_dir, sizeof(run->data_dir), "samples");
	snprintf(run->tool_version, sizeof(run->tool_version), "0.1.0");
}

static const unsigned char sketch[] = { 1, 2, 0, 3, 0xFF };

/* Two inputs, two profiles, two metrics and three findings. */
static int add_rows(struct store *s, int64_t crm_rows, bool crm_failed,
		    struct diag *d)
{
	struct input_row in[] = {
		{ "crm", "samples/crm.csv", 1234, "2026-10-30T10:00:00Z",
		  "ab12", crm_rows, crm_failed ? "failed" : "ok",
		  crm_failed ? "samples/crm.csv:3: broken" : NULL },
		{ "support", "samples/support.xml", 99, NULL, NULL, 7, "ok", NULL },
	};
	struct profile_row pr[] = {
		{ "crm", "field", "mail", 10, 9, 1, 8, 1, 0, "a@x", "z@x", 3, 9,
		  5.5, 0, "{}", "[[\"a@x\",2]]", "[[\"a@a\",9]]", 0, -1, -1, -1,
		  0, -1, NULL, 0 },
		{ "crm", "attribute", "email", 10, 9, 1, 8, 1, 0, NULL, NULL, 3,
		  9, 5.5, 2, "{\"email.no-at\":2}", "[]", "[]", 0.25, 30, 90, 400,
		  3, 0.75, sketch, sizeof(sketch) },
	};
	struct metric_row mr[] = {
		{ "crm", "email", "validity", "valid_share", 0.8 },
		{ "crm", "", "integrity", "rows", 10 },
	};
	struct finding_row fr[] = {
		{ 0, "crm", "email", "validity", "high", "validity.email.no-at", 12,
		  "12 emails have no @", "[\"C1\",\"C2\"]" },
		{ 0, "crm", NULL, "integrity", "critical", "integrity.unreadable",
		  1, "crm could not be read", "[]" },
		{ 0, "support", "phone", "completeness", "high",
		  "completeness.empty", 40, "40 records have no phone", NULL },
	};
	int rc = 0;

	for (size_t i = 0; !rc && i < ARRAY_SIZE(in); i++)
		rc = store_add_input(s, &in[i], d);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(pr); i++)
		rc = store_add_profile(s, &pr[i], d);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(mr); i++)
		rc = store_add_metric(s, &mr[i], d);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(fr); i++)
		rc = store_add_finding(s, &fr[i], d);
	return rc;
}

static int64_t write_run(struct fx *fx, const char *as_of, int64_t crm_rows,
			 bool crm_failed)
{
	struct run_info run;

	run_init(&run, as_of);
	if (store_run_begin(fx->s, &run, &fx->d) ||
	    add_rows(fx->s, crm_rows, crm_failed, &fx->d))
		fail_msg("writing a run: %s", fx->d.msg);
	snprintf(run.finished_at, sizeof(run.finished_at), "%sT01:05:00Z", as_of);
	snprintf(run.status, sizeof(run.status), "%s", crm_failed ? "partial" : "ok");
	run.gate_failed = crm_failed;
	if (store_run_commit(fx->s, &run, &fx->d))
		fail_msg("store_run_commit: %s", fx->d.msg);
	return run.id;
}

/* ---- collecting query results ------------------------------------------- */

static int keep_run(void *arg, const struct run_info *r)
{
	struct run_info *out = arg;

	out[r->id - 1] = *r;
	return 0;
}

struct seen {
	char text[8][160];
	size_t n;
};

static int see_input(void *arg, const struct input_row *r)
{
	struct seen *s = arg;

	snprintf(s->text[s->n++], sizeof(s->text[0]), "%s|%s|%lld|%s|%s|%lld|%s|%s",
		 r->source, r->path, (long long)r->size, r->mtime ? r->mtime : "NULL",
		 r->sha256 ? r->sha256 : "NULL", (long long)r->rows, r->status,
		 r->error ? r->error : "NULL");
	return 0;
}

static int see_profile(void *arg, const struct profile_row *r)
{
	struct seen *s = arg;

	snprintf(s->text[s->n++], sizeof(s->text[0]),
		 "%s|%s|%s|%lld/%lld/%lld|%lld|%d|%s|%s|%lld-%.1f-%lld|%lld|%s|%s|"
		 "%s|%.2f|%lld/%lld/%lld|%lld|%.2f|%zu",
		 r->source, r->kind, r->name, (long long)r->rows,
		 (long long)r->present, (long long)r->empty, (long long)r->distinct,
		 r->distinct_exact, r->min ? r->min : "NULL", r->max ? r->max : "NULL",
		 (long long)r->len_min, r->len_mean, (long long)r->len_max,
		 (long long)r->invalid, r->reasons, r->top_values, r->shapes,
		 r->numeric_share, (long long)r->age_median, (long long)r->age_p90,
		 (long long)r->age_max, (long long)r->stale, r->freshness,
		 r->sketch_len);
	if (r->sketch_len == sizeof(sketch))
		assert_memory_equal(r->sketch, sketch, sizeof(sketch));
	return 0;
}

static int see_metric(void *arg, const struct metric_row *r)
{
	struct seen *s = arg;

	snprintf(s->text[s->n++], sizeof(s->text[0]), "%s|%s|%s|%s|%.2f",
		 r->source, r->target, r->dimension, r->metric, r->value);
	return 0;
}

static int see_finding(void *arg, const struct finding_row *r)
{
	struct seen *s = arg;

	snprintf(s->text[s->n++], sizeof(s->text[0]), "%lld|%s|%s|%s|%s|%s|%lld|%s|%s",
		 (long long)r->seq, r->source, r->target ? r->target : "NULL",
		 r->dimension, r->severity, r->rule, (long long)r->count,
		 r->message, r->samples ? r->samples : "NULL");
	return 0;
}

/* ---- a committed run ---------------------------------------------------- */

static void check_run_row(const struct run_info *r)
{
	assert_int_equal(r->id, 1);
	assert_string_equal(r->started_at, "2026-10-31T01:00:00Z");
	assert_string_equal(r->finished_at, "2026-10-31T01:05:00Z");
	assert_string_equal(r->as_of, "2026-10-31");
	assert_string_equal(r->status, "ok");
	assert_int_equal(r->gate_failed, 0);
	assert_string_equal(r->tool_version, "0.1.0");
	assert_int_equal(strlen(r->content_hash), 64);
	assert_int_equal(strlen(r->chain_hash), 64);
	assert_string_equal(r->prev_hash, "00000000000000000000000000000000"
			    "00000000000000000000000000000000");
}

static void committed_run_is_readable_through_every_query(void **state)
{
	struct fx *fx = *state;
	struct run_info runs[2], one;
	struct seen in = { 0 }, pr = { 0 }, me = { 0 }, fi = { 0 }, x = { 0 };
	int64_t id;

	fx_open(fx);
	assert_int_equal(write_run(fx, "2026-10-31", 10, false), 1);
	fx_close(fx);
	fx_open(fx);	/* read back from the file, not from a cache */
	assert_int_equal(store_runs(fx->s, keep_run, runs, &fx->d), 0);
	check_run_row(&runs[0]);
	assert_int_equal(store_latest_run(fx->s, &id, &fx->d), 0);
	assert_int_equal(id, 1);
	assert_int_equal(store_get_run(fx->s, 1, &one, &fx->d), 0);
	check_run_row(&one);

	assert_int_equal(store_inputs(fx->s, 1, see_input, &in, &fx->d), 0);
	assert_int_equal(in.n, 2);
	assert_string_equal(in.text[0], "crm|samples/crm.csv|1234|2026-10-30T10:00:00Z"
			    "|ab12|10|ok|NULL");
	assert_string_equal(in.text[1], "support|samples/support.xml|99|NULL|NULL|7|"
			    "ok|NULL");

	/* attributes before fields */
	assert_int_equal(store_profiles(fx->s, 1, NULL, NULL, see_profile, &pr,
					&fx->d), 0);
	assert_int_equal(pr.n, 2);
	assert_string_equal(pr.text[0], "crm|attribute|email|10/9/1|8|1|NULL|NULL|"
			    "3-5.5-9|2|{\"email.no-at\":2}|[]|[]|0.25|30/90/400|3|"
			    "0.75|5");
	assert_string_equal(pr.text[1], "crm|field|mail|10/9/1|8|1|a@x|z@x|3-5.5-9|0|"
			    "{}|[[\"a@x\",2]]|[[\"a@a\",9]]|0.00|-1/-1/-1|0|-1.00|0");
	assert_int_equal(store_profiles(fx->s, 1, "crm", "field", see_profile, &x,
					&fx->d), 0);
	assert_int_equal(x.n, 1);
	x.n = 0;
	assert_int_equal(store_profiles(fx->s, 1, "support", NULL, see_profile, &x,
					&fx->d), 0);
	assert_int_equal(x.n, 0);

	assert_int_equal(store_metrics(fx->s, 1, see_metric, &me, &fx->d), 0);
	assert_int_equal(me.n, 2);
	assert_string_equal(me.text[0], "crm||integrity|rows|10.00");
	assert_string_equal(me.text[1], "crm|email|validity|valid_share|0.80");

	/* worst first: critical, then high by count; seq in insertion order */
	assert_int_equal(store_findings(fx->s, 1, NULL, NULL, see_finding, &fi,
					&fx->d), 0);
	assert_int_equal(fi.n, 3);
	assert_string_equal(fi.text[0], "2|crm|NULL|integrity|critical|"
			    "integrity.unreadable|1|crm could not be read|[]");
	assert_string_equal(fi.text[1], "3|support|phone|completeness|high|"
			    "completeness.empty|40|40 records have no phone|NULL");
	assert_string_equal(fi.text[2], "1|crm|email|validity|high|"
			    "validity.email.no-at|12|12 emails have no @|[\"C1\",\"C2\"]");
	x.n = 0;
	assert_int_equal(store_findings(fx->s, 1, "crm", "validity", see_finding,
					&x, &fx->d), 0);
	assert_int_equal(x.n, 1);
}

static void missing_run_is_named(void **state)
{
	struct fx *fx = *state;
	struct run_info r;

	fx_open(fx);
	assert_int_equal(store_get_run(fx->s, 5, &r, &fx->d), ST_ERR);
	assert_non_null(strstr(fx->d.msg, "there is no run 5"));
}

static int stop_after_one(void *arg, const struct run_info *r)
{
	int *n = arg;

	UNUSED(r);
	(*n)++;
	return 7;
}

static void callback_return_stops_the_walk(void **state)
{
	struct fx *fx = *state;
	int n = 0;

	fx_open(fx);
	write_run(fx, "2026-10-31", 10, false);
	write_run(fx, "2026-11-01", 10, false);
	assert_int_equal(store_runs(fx->s, stop_after_one, &n, &fx->d), 7);
	assert_int_equal(n, 1);
	assert_false(fx->d.set);
}

/* ---- nothing but committed runs ----------------------------------------- */

static void assert_empty_history(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		if (raw_count(path, tables[i]))
			fail_msg("%s has rows after the run was abandoned", tables[i]);
}

static void aborted_run_leaves_no_rows(void **state)
{
	struct fx *fx = *state;
	struct run_info run;

	fx_open(fx);
	run_init(&run, "2026-10-31");
	assert_int_equal(store_run_begin(fx->s, &run, &fx->d), 0);
	assert_int_equal(add_rows(fx->s, 10, false, &fx->d), 0);
	store_run_abort(fx->s);
	assert_empty_history(fx->path);
	/* and the next run is written as if nothing happened */
	assert_int_equal(write_run(fx, "2026-10-31", 10, false), 1);
	assert_int_equal(raw_count(fx->path, "findings"), 3);
}

static void closing_in_a_run_abandons_it(void **state)
{
	struct fx *fx = *state;
	struct run_info run;

	fx_open(fx);
	run_init(&run, "2026-10-31");
	assert_int_equal(store_run_begin(fx->s, &run, &fx->d), 0);
	assert_int_equal(add_rows(fx->s, 10, false, &fx->d), 0);
	fx_close(fx);
	assert_empty_history(fx->path);
}

/* The child writes enough (about 8 MB) that SQLite spills pages of the
 * uncommitted run into the WAL before it dies. */
static void child_dies_in_a_run(const char *path, bool kill_self)
{
	struct store *s = NULL;
	struct run_info run;
	struct diag d;
	char big[8192];

	diag_clear(&d);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	run_init(&run, "2026-11-30");
	if (store_open(path, &s, &d) || store_lock(s, &d) ||
	    store_run_begin(s, &run, &d) || add_rows(s, 99, false, &d))
		_exit(3);
	for (int i = 0; i < 1000; i++) {
		char name[32];
		struct profile_row r = { "crm", "column", name, 1, 1, 0, 1, 1, 0,
					 big, big, 0, 0, 0, 0, "{}", "[]", "[]",
					 0, -1, -1, -1, 0, -1, NULL, 0 };

		snprintf(name, sizeof(name), "c%d", i);
		if (store_add_profile(s, &r, &d))
			_exit(4);
	}
	if (kill_self)
		raise(SIGKILL);
	_exit(0);	/* no commit, no close: as if the process vanished */
}

static void killed_writer_leaves_history_unchanged(void **state)
{
	struct fx *fx = *state;
	char ok[32];

	fx_open(fx);
	write_run(fx, "2026-10-31", 10, false);
	fx_close(fx);	/* no connection open across fork() */
	for (int kill_self = 0; kill_self < 2; kill_self++) {
		int status;
		char wal[160];
		struct stat st;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0)
			child_dies_in_a_run(fx->path, kill_self);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		/* the dead writer's pages are in the WAL, uncommitted */
		snprintf(wal, sizeof(wal), "%s-wal", fx->path);
		assert_int_equal(stat(wal, &st), 0);
		assert_true(st.st_size > 4 * 1024 * 1024);
		if (kill_self)
			assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		else
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(raw_count(fx->path, "runs"), 1);
		assert_int_equal(raw_count(fx->path, "inputs"), 2);
		assert_int_equal(raw_count(fx->path, "profiles"), 2);
		assert_int_equal(raw_count(fx->path, "metrics"), 2);
		assert_int_equal(raw_count(fx->path, "findings"), 3);
		raw_text(fx->path, "PRAGMA integrity_check", ok, sizeof(ok));
		assert_string_equal(ok, "ok");
	}
	/* the dead writers' lock went with them; the chain still holds */
	fx_open(fx);
	assert_int_equal(store_lock(fx->s, &fx->d), 0);
	assert_int_equal(write_run(fx, "2026-11-30", 10, false), 2);
	{
		struct verify_result v;

		assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
		assert_int_equal(v.runs, 2);
		assert_int_equal(v.bad_run, 0);
	}
}

/* ---- the hash chain ----------------------------------------------------- */

static void three_runs(struct fx *fx)
{
	fx_open(fx);
	write_run(fx, "2026-10-29", 10, false);
	write_run(fx, "2026-10-30", 11, false);
	write_run(fx, "2026-10-31", 12, true);
	fx_close(fx);
}

/* Verify after `sql` was run on the file; returns the first bad run. */
static int64_t verify_after(struct fx *fx, const char *sql, char *why,
			    size_t size)
{
	struct verify_result v;

	if (sql)
		raw_exec(fx->path, sql);
	fx_open(fx);
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	fx_close(fx);
	snprintf(why, size, "%s", v.why);
	return v.bad_run;
}

/* The history made an older one by the SQL downgrade (its tables and
 * columns dropped, its user_version set), then opened: it is migrated to
 * this version. */
static void migrate_from(struct fx *fx, const char *downgrade)
{
	char ver[16];

	raw_exec(fx->path, downgrade);
	fx_open(fx);
	fx_close(fx);
	raw_text(fx->path, "PRAGMA user_version", ver, sizeof(ver));
	assert_int_equal(strtol(ver, NULL, 10), STORE_SCHEMA_VERSION);
}

/* A run with identities: two people, three records, a link, a model. */
static int64_t write_identity_run(struct fx *fx, const char *as_of)
{
	static const struct entity_row e[] = { { "E0000001", 2, 2 }, { "E0000002", 1, 1 } };
	static const struct member_row m[] = { { 0, "crm", "C1", "E0000001" },
					       { 2, "billing", "B1", "E0000001" },
					       { 1, "crm", "C2", "E0000002" } };
	static const struct link_row l[] = { { 0, "crm", "C1", "billing", "B1",
		"linked", 0.99, NULL, "[{\"attribute\":\"email\",\"level\":\"exact\",\"weight\":9.5}]",
		NULL } };
	static const struct model_row mo[] = { { "email", 0, "exact", 0.9, 0.001 },
					       { "email", 1, "else", 0.1, 0.999 } };
	struct run_info run;
	int64_t max;
	bool has;
	char ent[32];

	run_init(&run, as_of);
	if (store_run_begin(fx->s, &run, &fx->d) || add_rows(fx->s, 3, false, &fx->d) ||
	    store_add_entities(fx->s, e, 2, &fx->d) ||
	    store_add_members(fx->s, m, 3, &fx->d) ||
	    store_add_links(fx->s, l, 1, &fx->d) ||
	    store_add_model(fx->s, mo, 2, &fx->d))
		fail_msg("writing a run: %s", fx->d.msg);
	snprintf(run.finished_at, sizeof(run.finished_at), "%sT01:05:00Z", as_of);
	snprintf(run.status, sizeof(run.status), "ok");
	if (store_run_commit(fx->s, &run, &fx->d))
		fail_msg("store_run_commit: %s", fx->d.msg);
	assert_int_equal(store_has_identities(fx->s, run.id, &has, &fx->d), 0);
	assert_true(has);
	assert_int_equal(store_max_entity(fx->s, &max, &fx->d), 0);
	assert_int_equal(max, 2);
	assert_int_equal(store_member_entity(fx->s, run.id, "billing", "B1", ent,
					     sizeof(ent), &fx->d), 0);
	assert_string_equal(ent, "E0000001");
	assert_int_equal(store_member_entity(fx->s, run.id, "billing", "B9", ent,
					     sizeof(ent), &fx->d), 0);
	assert_string_equal(ent, "");
	return run.id;
}

/* A new history has pages of STORE_PAGE_SIZE; one made with SQLite's
 * default pages (every history before) keeps them and works as before. */
static void new_history_has_large_pages_old_keeps_its_own(void **state)
{
	struct fx *fx = *state;
	struct verify_result v;
	char size[16];

	fx_open(fx);
	write_run(fx, "2026-09-30", 10, false);
	fx_close(fx);
	raw_text(fx->path, "PRAGMA page_size", size, sizeof(size));
	assert_int_equal(strtol(size, NULL, 10), STORE_PAGE_SIZE);

	snprintf(fx->path, sizeof(fx->path), "%s/old.db", fx->dir);
	{
		sqlite3 *db = NULL;

		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA page_size = 4096; "
					      "PRAGMA journal_mode = WAL; "
					      "CREATE TABLE t(x); DROP TABLE t;",
					      NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	fx_open(fx);
	write_run(fx, "2026-09-30", 10, false);
	write_run(fx, "2026-10-31", 12, false);
	fx_close(fx);
	raw_text(fx->path, "PRAGMA page_size", size, sizeof(size));
	assert_int_equal(strtol(size, NULL, 10), 4096);
	assert_int_equal(raw_count(fx->path, "runs"), 2);
	fx_open(fx);
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.runs, 2);
	assert_int_equal(v.bad_run, 0);
}

/* A history written before identity resolution (schema 1) is migrated,
 * its runs still verify, and the runs after it keep their identities in
 * the chain. */
static void schema_1_history_is_migrated_and_still_verifies(void **state)
{
	struct fx *fx = *state;
	struct verify_result v;
	int64_t latest;
	char why[256];

	fx_open(fx);
	write_run(fx, "2026-09-30", 10, false);
	fx_close(fx);
	/* as steward 0.1 of issue 3 left it: no identity tables, version 1 */
	migrate_from(fx, "DROP TABLE entities; DROP TABLE entity_members; "
		     "DROP TABLE identity_links; DROP TABLE identity_model; "
		     "DROP TABLE applied_changes; DROP TABLE applies; "
		     "DROP TABLE reviews; DROP TABLE golden_values; "
		     "DROP TABLE proposals; DROP TABLE conflicts; "
		     "DROP TABLE score_params; DROP TABLE scores; "
		     "DROP TABLE schedule_runs; "
		     "PRAGMA user_version = 1");
	assert_int_equal(raw_count(fx->path, "runs"), 1);
	assert_int_equal(raw_count(fx->path, "entity_members"), 0);
	fx_open(fx);
	assert_int_equal(store_latest_identity_run(fx->s, &latest, &fx->d), 0);
	assert_int_equal(latest, 0);
	assert_int_equal(write_identity_run(fx, "2026-10-31"), 2);
	assert_int_equal(store_latest_identity_run(fx->s, &latest, &fx->d), 0);
	assert_int_equal(latest, 2);
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.runs, 2);
	assert_int_equal(v.bad_run, 0);
	fx_close(fx);
	/* the identity rows are in the run's hash */
	assert_int_equal(verify_after(fx, "UPDATE identity_links SET probability = 0.5",
				      why, sizeof(why)), 2);
}

/* A history written before reconciliation (schema 2) or before reviews
 * (schema 3) is migrated and its runs, identities included, still
 * verify. */
static void schema_2_history_is_migrated_and_still_verifies(void **state)
{
	struct fx *fx = *state;
	struct verify_result v;

	fx_open(fx);
	write_run(fx, "2026-09-30", 10, false);
	fx_close(fx);
	fx_open(fx);
	assert_int_equal(write_identity_run(fx, "2026-10-31"), 2);
	fx_close(fx);
	migrate_from(fx, "DROP TABLE applied_changes; DROP TABLE applies; "
		     "DROP TABLE reviews; DROP TABLE golden_values; "
		     "DROP TABLE proposals; DROP TABLE conflicts; "
		     "DROP TABLE score_params; DROP TABLE scores; "
		     "DROP TABLE schedule_runs; "
		     "ALTER TABLE identity_links DROP COLUMN conflict; "
		     "PRAGMA user_version = 2");
	assert_int_equal(raw_count(fx->path, "reviews"), 0);
	assert_int_equal(raw_count(fx->path, "proposals"), 0);
	fx_open(fx);
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.runs, 2);
	assert_int_equal(v.bad_run, 0);
	fx_close(fx);
}

/* A run with scores and their parameters (schema 5). */
static int64_t write_scored_run(struct fx *fx, const char *as_of)
{
	static const struct score_param_row p[] = {
		{ "weight", "completeness", "1" }, { "grade", "A", "90" },
		{ "source", "crm", "sales" },
	};
	static const struct score_row sc[] = {
		{ "cell", "crm", "email", "completeness", 96.5, "A", "present share 0.965" },
		{ "overall", "", "", "total", 96.5, "A", "weighted over 1 dimension" },
	};
	struct run_info run;

	run_init(&run, as_of);
	if (store_run_begin(fx->s, &run, &fx->d) || add_rows(fx->s, 3, false, &fx->d) ||
	    store_add_score_params(fx->s, p, 3, &fx->d) ||
	    store_add_scores(fx->s, sc, 2, &fx->d))
		fail_msg("writing a run: %s", fx->d.msg);
	snprintf(run.finished_at, sizeof(run.finished_at), "%sT01:05:00Z", as_of);
	snprintf(run.status, sizeof(run.status), "ok");
	if (store_run_commit(fx->s, &run, &fx->d))
		fail_msg("store_run_commit: %s", fx->d.msg);
	return run.id;
}

static int count_param(void *arg, const struct score_param_row *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int last_score(void *arg, const struct score_row *r)
{
	snprintf(arg, 64, "%s %s %s %.1f %s", r->scope, r->subject, r->dimension,
		 r->score, r->grade);
	return 0;
}

/* A schema-4 history (before scores) is migrated, its runs verify and
 * have no scores; a scored run reads back in order and its scores and
 * parameters are in its hash. */
static void schema_4_history_is_migrated_and_scores_are_hashed(void **state)
{
	struct fx *fx = *state;
	struct verify_result v;
	char last[64], why[256];
	bool has = true;
	int params = 0;

	fx_open(fx);
	write_run(fx, "2026-09-30", 10, false);
	fx_close(fx);
	migrate_from(fx, "DROP TABLE score_params; DROP TABLE scores; "
		     "DROP TABLE schedule_runs; "
		     "ALTER TABLE identity_links DROP COLUMN conflict; "
		     "ALTER TABLE proposals DROP COLUMN rests_on; "
		     "PRAGMA user_version = 4");
	fx_open(fx);
	assert_int_equal(store_has_scores(fx->s, 1, &has, &fx->d), 0);
	assert_false(has);
	assert_int_equal(write_scored_run(fx, "2026-10-31"), 2);
	assert_int_equal(store_has_scores(fx->s, 2, &has, &fx->d), 0);
	assert_true(has);
	assert_int_equal(store_score_params(fx->s, 2, count_param, &params, &fx->d), 0);
	assert_int_equal(params, 3);
	assert_int_equal(store_scores(fx->s, 2, last_score, last, &fx->d), 0);
	assert_string_equal(last, "overall  total 96.5 A");
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.runs, 2);
	assert_int_equal(v.bad_run, 0);
	fx_close(fx);
	assert_int_equal(verify_after(fx, "UPDATE scores SET score = 50 WHERE seq = 1",
				      why, sizeof(why)), 2);
	raw_exec(fx->path, "UPDATE scores SET score = 96.5 WHERE seq = 1");
	assert_int_equal(verify_after(fx, NULL, why, sizeof(why)), 0);
	assert_int_equal(verify_after(fx, "UPDATE score_params SET value = '0.5' "
				      "WHERE kind = 'weight'", why, sizeof(why)), 2);
}

/* A schema-5 history gains the scheduler's record; its latest slot per
 * schedule reads back, and recording it leaves the runs' hashes alone. */
static void schema_5_history_gains_the_schedulers_record(void **state)
{
	struct fx *fx = *state;
	struct schedule_run_row a = { "monthly", 1796083200, "scan",
		"2026-12-01T06:00:01Z", "2026-12-01T06:02:00Z", "ok", 1 };
	struct schedule_run_row b = { "monthly", 1798761600, "report",
		"2027-01-01T06:00:01Z", "2027-01-01T06:00:03Z", "failed: x", 0 };
	struct verify_result v;
	int64_t due = 0;
	bool found = true;

	fx_open(fx);
	write_run(fx, "2026-09-30", 10, false);
	fx_close(fx);
	migrate_from(fx, "DROP TABLE schedule_runs; "
		     "ALTER TABLE identity_links DROP COLUMN conflict; "
		     "ALTER TABLE proposals DROP COLUMN rests_on; "
		     "PRAGMA user_version = 5");
	fx_open(fx);
	assert_int_equal(store_last_due(fx->s, "monthly", &due, &found, &fx->d), 0);
	assert_false(found);
	assert_int_equal(store_add_schedule_run(fx->s, &b, &fx->d), 0);
	assert_int_equal(store_add_schedule_run(fx->s, &a, &fx->d), 0);
	assert_int_equal(store_last_due(fx->s, "monthly", &due, &found, &fx->d), 0);
	assert_true(found);
	assert_int_equal(due, 1798761600);
	assert_int_equal(store_last_due(fx->s, "hourly", &due, &found, &fx->d), 0);
	assert_false(found);
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.bad_run, 0);
	fx_close(fx);
	assert_int_equal(raw_count(fx->path, "schedule_runs"), 2);
}

static int conflict_of(void *arg, const struct link_row *r)
{
	snprintf(arg, 64, "%s %s", r->status, r->conflict ? r->conflict : "-");
	return 0;
}

/* A schema-6 history (before exclusive conflicts) gains the links'
 * conflict column; its runs keep their hashes, and a run's conflicts
 * read back and are in its hash. */
static void schema_6_history_gains_link_conflicts(void **state)
{
	struct fx *fx = *state;
	static const struct link_row l[] = { { 0, "crm", "C1", "billing", "B1",
		"conflict", 0.99, NULL, "[]", "date_of_birth" } };
	struct verify_result v;
	struct run_info run;
	char got[64], why[256];

	fx_open(fx);
	assert_int_equal(write_identity_run(fx, "2026-09-30"), 1);
	fx_close(fx);
	migrate_from(fx, "ALTER TABLE identity_links DROP COLUMN conflict; "
		     "ALTER TABLE proposals DROP COLUMN rests_on; "
		     "PRAGMA user_version = 6");
	fx_open(fx);
	assert_int_equal(store_links(fx->s, 1, NULL, NULL, conflict_of, got, &fx->d), 0);
	assert_string_equal(got, "linked -");
	run_init(&run, "2026-10-31");
	if (store_run_begin(fx->s, &run, &fx->d) || add_rows(fx->s, 3, false, &fx->d) ||
	    store_add_links(fx->s, l, 1, &fx->d))
		fail_msg("writing a run: %s", fx->d.msg);
	snprintf(run.finished_at, sizeof(run.finished_at), "2026-10-31T01:05:00Z");
	snprintf(run.status, sizeof(run.status), "ok");
	if (store_run_commit(fx->s, &run, &fx->d))
		fail_msg("store_run_commit: %s", fx->d.msg);
	assert_int_equal(store_links(fx->s, 2, "billing", "B1", conflict_of, got,
				     &fx->d), 0);
	assert_string_equal(got, "conflict date_of_birth");
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.runs, 2);
	assert_int_equal(v.bad_run, 0);
	fx_close(fx);
	assert_int_equal(verify_after(fx, "UPDATE identity_links SET conflict = 'ssn' "
				      "WHERE run_id = 2", why, sizeof(why)), 2);
	assert_int_equal(verify_after(fx, "UPDATE identity_links SET conflict = NULL "
				      "WHERE run_id = 2", why, sizeof(why)), 2);
	assert_int_equal(verify_after(fx, "UPDATE identity_links SET conflict = "
				      "'date_of_birth' WHERE run_id = 2", why, sizeof(why)), 0);
}

static int proposal_of(void *arg, size_t i, struct proposal_row *out)
{
	(void)arg;
	*out = (struct proposal_row){ 0, 0, (int64_t)i + 1, "E0000001", "update",
		"pending", "crm", i ? "C2" : "C1", "phone", "support", "phone",
		"+441", "+442", "support", "T1", "2026-10-01", 0.8,
		"highest-trust", "why", NULL, NULL, NULL, NULL,
		i ? "crm:C2 marketing:M1" : NULL };
	return 0;
}

static int keys_in_order(void *arg, const struct proposal_row *r)
{
	char *got = arg;
	size_t n = strlen(got);

	snprintf(got + n, 64 - n, "%s%s=%s", n ? " " : "", r->record_key,
		 r->rests_on ? r->rests_on : "-");
	return 0;
}

/* A schema-7 history (before proposals kept the possible match they rest
 * on) gains the column; its runs keep their hashes, and a run's pairs
 * read back, first when asked, and are in its hash. */
static void schema_7_history_gains_what_a_proposal_rests_on(void **state)
{
	struct fx *fx = *state;
	struct proposal_filter first = { NULL, "pending", NULL, true };
	struct verify_result v;
	struct run_info run;
	char got[64] = "", why[256];

	fx_open(fx);
	write_run(fx, "2026-09-30", 10, false);
	fx_close(fx);
	migrate_from(fx, "ALTER TABLE proposals DROP COLUMN rests_on; "
		     "PRAGMA user_version = 7");
	fx_open(fx);
	run_init(&run, "2026-10-31");
	if (store_run_begin(fx->s, &run, &fx->d) || add_rows(fx->s, 3, false, &fx->d) ||
	    store_add_proposals_from(fx->s, 2, proposal_of, NULL, &fx->d))
		fail_msg("writing a run: %s", fx->d.msg);
	snprintf(run.finished_at, sizeof(run.finished_at), "2026-10-31T01:05:00Z");
	snprintf(run.status, sizeof(run.status), "ok");
	if (store_run_commit(fx->s, &run, &fx->d))
		fail_msg("store_run_commit: %s", fx->d.msg);
	assert_int_equal(store_proposals(fx->s, 2, NULL, keys_in_order, got, &fx->d), 0);
	assert_string_equal(got, "C1=- C2=crm:C2 marketing:M1");
	got[0] = '\0';
	assert_int_equal(store_proposals(fx->s, 2, &first, keys_in_order, got, &fx->d), 0);
	assert_string_equal(got, "C2=crm:C2 marketing:M1 C1=-");
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.runs, 2);
	assert_int_equal(v.bad_run, 0);
	fx_close(fx);
	assert_int_equal(verify_after(fx, "UPDATE proposals SET rests_on = "
				      "'crm:C2 marketing:M9' WHERE seq = 2", why,
				      sizeof(why)), 2);
	assert_int_equal(verify_after(fx, "UPDATE proposals SET rests_on = NULL",
				      why, sizeof(why)), 2);
	assert_int_equal(verify_after(fx, "UPDATE proposals SET rests_on = "
				      "'crm:C2 marketing:M1' WHERE seq = 2", why,
				      sizeof(why)), 0);
	assert_int_equal(verify_after(fx, "UPDATE proposals SET rests_on = "
				      "'crm:C1 marketing:M1' WHERE seq = 1", why,
				      sizeof(why)), 2);
}

static void hash_chain_verifies(void **state)
{
	struct fx *fx = *state;
	struct verify_result v;

	three_runs(fx);
	fx_open(fx);
	assert_int_equal(store_verify(fx->s, &v, &fx->d), 0);
	assert_int_equal(v.runs, 3);
	assert_int_equal(v.bad_run, 0);
	assert_string_equal(v.why, "");
}

/* store_library_init() (main() of this test, as of steward) turns off
 * SQLite's count of its memory, whose mutex every allocation took. */
static void sqlite_keeps_no_count_of_its_memory(void **state)
{
	struct fx *fx = *state;

	three_runs(fx);
	fx_open(fx);
	assert_int_equal(sqlite3_memory_used(), 0);
	assert_int_equal(sqlite3_memory_highwater(0), 0);
}

static void hash_chain_catches_an_edited_finding(void **state)
{
	struct fx *fx = *state;
	char why[256];

	three_runs(fx);
	assert_int_equal(verify_after(fx, "UPDATE findings SET message = "
				      "'nothing to see' WHERE run_id = 2 AND seq = 1",
				      why, sizeof(why)), 2);
	assert_non_null(strstr(why, "changed afterwards"));
}

static void hash_chain_catches_an_edited_blob(void **state)
{
	struct fx *fx = *state;
	char why[256];

	three_runs(fx);
	assert_int_equal(verify_after(fx, "UPDATE profiles SET sketch = x'0102' "
				      "WHERE run_id = 3 AND sketch IS NOT NULL",
				      why, sizeof(why)), 3);
}

static void hash_chain_catches_a_deleted_run(void **state)
{
	struct fx *fx = *state;
	char why[256];

	three_runs(fx);
	assert_int_equal(verify_after(fx, "DELETE FROM inputs WHERE run_id = 2;"
				      "DELETE FROM profiles WHERE run_id = 2;"
				      "DELETE FROM metrics WHERE run_id = 2;"
				      "DELETE FROM findings WHERE run_id = 2;"
				      "DELETE FROM runs WHERE id = 2;",
				      why, sizeof(why)), 3);
	assert_non_null(strstr(why, "does not follow the run before it"));
}

static void hash_chain_catches_a_relinked_run(void **state)
{
	struct fx *fx = *state;
	char why[256];

	three_runs(fx);
	assert_int_equal(verify_after(fx, "UPDATE runs SET prev_hash = "
				      "'1111111111111111111111111111111111111111"
				      "111111111111111111111111' WHERE id = 2",
				      why, sizeof(why)), 2);
	assert_non_null(strstr(why, "does not follow the run before it"));
}

static void hash_chain_catches_a_rewritten_chain_hash(void **state)
{
	struct fx *fx = *state;
	char why[256];

	three_runs(fx);
	/* run 1's chain hash changed: run 1 is wrong, not run 2 */
	assert_int_equal(verify_after(fx, "UPDATE runs SET chain_hash = "
				      "prev_hash WHERE id = 1", why, sizeof(why)), 1);
}

/* ---- the writer lock ---------------------------------------------------- */

static void second_writer_is_refused_naming_the_holder(void **state)
{
	struct fx *fx = *state;
	int go[2], msg[2], status;
	char text[1200] = "", want[64];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(msg), 0);
	pid = fork();	/* before any connection is open */
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *s = NULL;
		struct diag d;
		char c;
		int rc;

		diag_clear(&d);
		close(go[1]);
		close(msg[0]);
		if (read(go[0], &c, 1) != 1 || store_open(fx->path, &s, &d))
			_exit(3);
		rc = store_lock(s, &d);
		if (write(msg[1], d.msg, strlen(d.msg)) < 0)
			_exit(4);
		store_close(s);
		_exit(rc ? 0 : 5);
	}
	close(go[0]);
	close(msg[1]);
	fx_open(fx);
	assert_int_equal(store_lock(fx->s, &fx->d), 0);
	assert_int_equal(write(go[1], "x", 1), 1);
	n = read(msg[0], text, sizeof(text) - 1);
	assert_true(n > 0);
	text[n] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(want, sizeof(want), "(pid %ld since ", (long)getpid());
	assert_non_null(strstr(text, "another steward is writing to this history"));
	assert_non_null(strstr(text, want));
	close(go[1]);
	close(msg[0]);
	/* released on close: the next writer gets it */
	fx_close(fx);
	fx_open(fx);
	assert_int_equal(store_lock(fx->s, &fx->d), 0);
}

/* ---- what store_open refuses -------------------------------------------- */

static void newer_schema_is_refused(void **state)
{
	struct fx *fx = *state;
	char mode[16];

	fx_open(fx);
	fx_close(fx);
	raw_exec(fx->path, "PRAGMA journal_mode=DELETE; PRAGMA user_version = 99");
	assert_int_equal(store_open(fx->path, &fx->s, &fx->d), ST_ERR);
	assert_null(fx->s);
	assert_non_null(strstr(fx->d.msg, "schema 99, written by a newer steward"));
	assert_string_equal(fx->d.file, fx->path);
	/* refused before anything was written to it */
	raw_text(fx->path, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "delete");
}

static void text_file_is_refused(void **state)
{
	struct fx *fx = *state;
	static const char text[] = "id,name\n1,Ann\n";
	char back[64] = "";
	FILE *f;

	fx_open(fx);	/* makes the directory */
	fx_close(fx);
	assert_int_equal(unlink(fx->path), 0);
	f = fopen(fx->path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(store_open(fx->path, &fx->s, &fx->d), ST_ERR);
	assert_null(fx->s);
	assert_non_null(strstr(fx->d.msg, "is it a steward history database?"));
	assert_non_null(strstr(fx->d.msg, "file is not a database"));
	f = fopen(fx->path, "r");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, sizeof(back), f), strlen(text));
	fclose(f);
	assert_string_equal(back, text);
}

static void new_history_is_created_with_its_directory(void **state)
{
	struct fx *fx = *state;
	char v[16];

	fx_open(fx);
	assert_string_equal(store_path(fx->s), fx->path);
	fx_close(fx);
	raw_text(fx->path, "PRAGMA user_version", v, sizeof(v));
	assert_int_equal(strtol(v, NULL, 10), STORE_SCHEMA_VERSION);
	raw_text(fx->path, "PRAGMA journal_mode", v, sizeof(v));
	assert_string_equal(v, "wal");
	/* opening again migrates nothing and loses nothing */
	fx_open(fx);
	write_run(fx, "2026-10-31", 1, false);
	fx_close(fx);
	fx_open(fx);
	assert_int_equal(raw_count(fx->path, "runs"), 1);
}

static void open_out_of_memory_fails_cleanly(void **state)
{
	struct fx *fx = *state;
	int rc = ST_ERR_NOMEM;

	for (long n = 0; rc == ST_ERR_NOMEM && n < 10; n++) {
		alloc_fail_after(n);
		rc = store_open(fx->path, &fx->s, &fx->d);
		alloc_fail_after(-1);
		if (rc)
			assert_null(fx->s);
	}
	assert_int_equal(rc, 0);
}

/* ---- history for drift -------------------------------------------------- */

static void volume_history_is_oldest_first_within_the_limit(void **state)
{
	struct fx *fx = *state;
	int64_t rows[10];
	size_t n;

	fx_open(fx);
	write_run(fx, "2026-10-27", 10, false);
	write_run(fx, "2026-10-28", 20, false);
	write_run(fx, "2026-10-29", 0, true);	/* failed: not a volume */
	write_run(fx, "2026-10-30", 40, false);
	write_run(fx, "2026-10-31", 50, false);
	assert_int_equal(store_volume_history(fx->s, 0, "crm", rows, 3, &n,
					      &fx->d), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0], 20);
	assert_int_equal(rows[1], 40);
	assert_int_equal(rows[2], 50);
	/* before run 5, as many as there are */
	assert_int_equal(store_volume_history(fx->s, 5, "crm", rows, 10, &n,
					      &fx->d), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0], 10);
	assert_int_equal(rows[1], 20);
	assert_int_equal(rows[2], 40);
	assert_int_equal(store_volume_history(fx->s, 0, "support", rows, 10, &n,
					      &fx->d), 0);
	assert_int_equal(n, 5);
	assert_int_equal(store_volume_history(fx->s, 0, "nowhere", rows, 10, &n,
					      &fx->d), 0);
	assert_int_equal(n, 0);
}

static void previous_run_is_the_one_before(void **state)
{
	struct fx *fx = *state;
	int64_t prev;

	fx_open(fx);
	assert_int_equal(store_previous_run(fx->s, 0, &prev, &fx->d), 0);
	assert_int_equal(prev, 0);	/* empty history */
	write_run(fx, "2026-10-29", 10, false);
	write_run(fx, "2026-10-30", 10, false);
	write_run(fx, "2026-10-31", 10, false);
	assert_int_equal(store_previous_run(fx->s, 0, &prev, &fx->d), 0);
	assert_int_equal(prev, 3);	/* before a new run: the latest */
	assert_int_equal(store_previous_run(fx->s, 3, &prev, &fx->d), 0);
	assert_int_equal(prev, 2);
	assert_int_equal(store_previous_run(fx->s, 1, &prev, &fx->d), 0);
	assert_int_equal(prev, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(committed_run_is_readable_through_every_query),
		T(missing_run_is_named),
		T(callback_return_stops_the_walk),
		T(aborted_run_leaves_no_rows),
		T(closing_in_a_run_abandons_it),
		T(killed_writer_leaves_history_unchanged),
		T(new_history_has_large_pages_old_keeps_its_own),
		T(schema_1_history_is_migrated_and_still_verifies),
		T(schema_2_history_is_migrated_and_still_verifies),
		T(schema_4_history_is_migrated_and_scores_are_hashed),
		T(schema_5_history_gains_the_schedulers_record),
		T(schema_6_history_gains_link_conflicts),
		T(schema_7_history_gains_what_a_proposal_rests_on),
		T(hash_chain_verifies),
		T(sqlite_keeps_no_count_of_its_memory),
		T(hash_chain_catches_an_edited_finding),
		T(hash_chain_catches_an_edited_blob),
		T(hash_chain_catches_a_deleted_run),
		T(hash_chain_catches_a_relinked_run),
		T(hash_chain_catches_a_rewritten_chain_hash),
		T(second_writer_is_refused_naming_the_holder),
		T(newer_schema_is_refused),
		T(text_file_is_refused),
		T(new_history_is_created_with_its_directory),
		T(open_out_of_memory_fails_cleanly),
		T(volume_history_is_oldest_first_within_the_limit),
		T(previous_run_is_the_one_before),
	};

	store_library_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
