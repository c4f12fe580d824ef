/*
 * store.h - the history database: every run steward has made, its inputs,
 * profiles, metrics and findings, in one SQLite file (reports/steward.db by
 * default).
 *
 * The rules the history keeps (docs/history.md):
 *   - A run is written in one transaction: a scan killed at any moment
 *     leaves the history exactly as it was.
 *   - One writer at a time: store_lock() takes an advisory lock on
 *     DB.lock for the whole scan; a second scan fails with a message naming
 *     the holder.
 *   - Finished runs are tamper-evident: each stores a SHA-256 over its own
 *     content and the previous run's hash; store_verify() walks the chain.
 *   - The schema is versioned (PRAGMA user_version) and migrated forward,
 *     never discarded; a database from a newer steward is refused.
 * The only file besides the SQLite reader that sees <sqlite3.h>.
 */
#ifndef STEWARD_STORE_H
#define STEWARD_STORE_H

#include "util/buf.h"
#include "util/diag.h"

#define STORE_SCHEMA_VERSION 8
/* The page size of a new history (docs/history.md). */
#define STORE_PAGE_SIZE 16384

struct store;

/* Once, before any other SQLite call in the process (main() does it). */
void store_library_init(void);

/* Open (creating it and its directory when missing) and migrate. */
int store_open(const char *path, struct store **out, struct diag *d);
void store_close(struct store *s);
const char *store_path(const struct store *s);

/* Take the writer lock for this process; ST_ERR with a message naming the
 * holder (pid, since when) when another scan holds it. */
int store_lock(struct store *s, struct diag *d);

struct run_info {
	int64_t id;		/* set by store_run_begin; read by queries */
	char started_at[32];	/* ISO 8601 UTC */
	char finished_at[32];
	char as_of[16];		/* YYYY-MM-DD */
	char policy_digest[65];
	char policy_dir[1024];
	char data_dir[1024];
	char tool_version[32];
	char status[16];	/* "ok", "partial" (a source failed) */
	int gate_failed;
	char content_hash[65], prev_hash[65], chain_hash[65];
};

struct input_row {
	const char *source, *path;
	int64_t size;
	const char *mtime;	/* ISO 8601 UTC, or NULL */
	const char *sha256;	/* of the bytes read, or NULL */
	int64_t rows;
	const char *status;	/* "ok", "failed" */
	const char *error;	/* the failure, or NULL */
};

/* One profiled field (raw), attribute (normalised) or extra column. */
struct profile_row {
	const char *source, *kind, *name;	/* kind: field, attribute, column */
	int64_t rows, present, empty;
	int64_t distinct;
	int distinct_exact;
	double distinct_error;
	const char *min, *max;			/* NULL when no value */
	int64_t len_min, len_max;
	double len_mean;
	int64_t invalid;
	const char *reasons;			/* JSON object reason -> count */
	const char *top_values;			/* JSON array of [value, count] */
	const char *shapes;			/* JSON array of [shape, count] */
	double numeric_share;			/* share of values that look numeric */
	int64_t age_median, age_p90, age_max;	/* days; -1 when unknown */
	int64_t stale;				/* values older than the decay */
	double freshness;			/* mean trust; -1 when no trust rule */
	const void *sketch;			/* overlap sketch (KMV) bytes */
	size_t sketch_len;
};

struct metric_row {
	const char *source, *target, *dimension, *metric;
	double value;
};

struct finding_row {
	int64_t seq;				/* set by the store */
	const char *source, *target, *dimension, *severity, *rule;
	int64_t count;
	const char *message;
	const char *samples;			/* JSON array of record keys */
};

/*
 * Writing a run: begin (BEGIN IMMEDIATE; inserts the run), add rows, then
 * commit (hashes the run's content, links it to the previous run's hash,
 * COMMIT) or abort (ROLLBACK).  Nothing is visible before the commit.
 */
int store_run_begin(struct store *s, struct run_info *run, struct diag *d);
int store_add_input(struct store *s, const struct input_row *row, struct diag *d);
int store_add_profile(struct store *s, const struct profile_row *row, struct diag *d);
int store_add_metric(struct store *s, const struct metric_row *row, struct diag *d);
int store_add_finding(struct store *s, const struct finding_row *row, struct diag *d);
int store_run_commit(struct store *s, struct run_info *run, struct diag *d);
void store_run_abort(struct store *s);

/* Queries.  A callback returning non-zero stops the walk and is returned. */
int store_runs(struct store *s, int (*fn)(void *, const struct run_info *),
	       void *arg, struct diag *d);
/* The latest finished run's id, 0 when there is none. */
int store_latest_run(struct store *s, int64_t *id, struct diag *d);
/* The latest run that read source (ok or not), 0 when none: a scan of
 * some sources (scan --source) compares each with its own last reading. */
int store_latest_run_of(struct store *s, const char *source, int64_t *id,
			struct diag *d);
int store_get_run(struct store *s, int64_t id, struct run_info *out, struct diag *d);
/* The finished run before `id` (0 = before any new run), 0 when none. */
int store_previous_run(struct store *s, int64_t id, int64_t *prev, struct diag *d);

int store_inputs(struct store *s, int64_t run, int (*fn)(void *, const struct input_row *),
		 void *arg, struct diag *d);
/* source and kind may be NULL (all). */
int store_profiles(struct store *s, int64_t run, const char *source, const char *kind,
		   int (*fn)(void *, const struct profile_row *), void *arg,
		   struct diag *d);
int store_metrics(struct store *s, int64_t run, int (*fn)(void *, const struct metric_row *),
		  void *arg, struct diag *d);
/* source and dimension may be NULL (all); ordered by severity, count. */
int store_findings(struct store *s, int64_t run, const char *source,
		   const char *dimension,
		   int (*fn)(void *, const struct finding_row *), void *arg,
		   struct diag *d);
/* Rows of `source` in its last `n` finished runs before `run`, oldest
 * first; *count set to how many were found. */
int store_volume_history(struct store *s, int64_t run, const char *source,
			 int64_t *rows, size_t n, size_t *count, struct diag *d);

struct verify_result {
	int64_t runs;		/* finished runs checked */
	int64_t bad_run;	/* the first run that does not match, 0 if none */
	char why[256];
};
/* Recompute every finished run's hashes in order. */
int store_verify(struct store *s, struct verify_result *out, struct diag *d);

/* ---- identity resolution (schema 2; docs/identity.md) ---------------------- */

/* A person: a stable id ("E0000042") and how many records and sources. */
struct entity_row {
	const char *entity;
	int64_t records, sources;
};

/* One record and its entity; seq orders a run's records. */
struct member_row {
	int64_t seq;
	const char *source, *record_key, *entity;
};

/* A pair the model or a rule joined (status "linked"), kept for review
 * ("review"), that the chain guard refused ("refused"), that would have
 * joined two groups holding different values of an exclusive comparison
 * ("conflict"), or that would have guessed between two such groups
 * ("ambiguous"); evidence is a JSON array of each comparison's level and
 * weight. */
struct link_row {
	int64_t seq;
	const char *source_a, *key_a, *source_b, *key_b, *status;
	double probability;
	const char *rule;		/* the rule's id, or NULL */
	const char *evidence;		/* JSON, or NULL for a rule */
	const char *conflict;		/* "conflict", "ambiguous": the
					 * attribute, else NULL */
};

/* The model's parameters: per comparison (attribute) and level. */
struct model_row {
	const char *attribute;
	int64_t level;
	const char *label;		/* "exact", ">= 0.92", "<= 2", "else" */
	double m, u;
};

/* Within a run (between store_run_begin and commit); each reuses one
 * statement for all its rows. */
int store_add_entities(struct store *s, const struct entity_row *rows, size_t n,
		       struct diag *d);
int store_add_members(struct store *s, const struct member_row *rows, size_t n,
		      struct diag *d);
int store_add_links(struct store *s, const struct link_row *rows, size_t n,
		    struct diag *d);
/* The same, row by row: row(arg, i, out) fills link i (its strings need
 * live only until the next call), or returns non-zero to stop (that value
 * is returned).  For millions of links whose evidence is made on the fly. */
int store_add_links_from(struct store *s, size_t n,
			 int (*row)(void *arg, size_t i, struct link_row *out),
			 void *arg, struct diag *d);
int store_add_model(struct store *s, const struct model_row *rows, size_t n,
		    struct diag *d);

/* Readers.  source and key may be NULL for all; entity NULL for all. */
int store_members(struct store *s, int64_t run, const char *entity,
		  int (*fn)(void *, const struct member_row *), void *arg,
		  struct diag *d);
/* Record (source, key)'s entity into out (empty when the run has none). */
int store_member_entity(struct store *s, int64_t run, const char *source,
			const char *key, char *out, size_t size, struct diag *d);
/* Links with (source, key) at either end, or all when source is NULL. */
int store_links(struct store *s, int64_t run, const char *source,
		const char *key, int (*fn)(void *, const struct link_row *),
		void *arg, struct diag *d);
int store_model(struct store *s, int64_t run,
		int (*fn)(void *, const struct model_row *), void *arg,
		struct diag *d);
/* The largest entity number any run has given ("E0000042" is 42), 0 when
 * none: new people get numbers above it, so an id is never reused. */
int store_max_entity(struct store *s, int64_t *out, struct diag *d);
/* The latest run with identity results, 0 when none. */
int store_latest_identity_run(struct store *s, int64_t *out, struct diag *d);
/* Does the run have identity results? */
int store_has_identities(struct store *s, int64_t run, bool *out, struct diag *d);

/* --- reconciliation (schema 3; docs/reconciliation.md) ------------------ */

/* A golden value the copies disagreed on: the winning copy, the strategy
 * that decided, and the best copy of another value. */
struct golden_row {
	const char *entity, *attribute, *value, *source, *record_key;
	const char *as_of;		/* the winner's date, or NULL */
	double trust;
	const char *decided_by;		/* a strategy, or "tie-break" */
	const char *runner_value, *runner_source, *runner_key; /* or NULL */
	double runner_trust;		/* < 0: no runner-up */
	int64_t copies, values;
};

/* A change to one record.  id is the history's (stable across runs and
 * unique); seq orders a run's proposals. */
struct proposal_row {
	int64_t id, run, seq;
	const char *entity, *kind, *status, *source, *record_key;
	const char *attribute, *owner;	/* owner: the attribute's */
	const char *field;		/* the source's column */
	const char *current;		/* NULL for fill */
	const char *proposed, *origin_source, *origin_key;
	const char *origin_date;	/* or NULL */
	double confidence;
	const char *rule, *reason;
	/* the latest review, when reading; NULL when none */
	const char *decision, *reviewer, *reviewed_at, *note;
	/* a possible match's proposal: the pair kept for review it rests
	 * on, "SOURCE:KEY SOURCE:KEY" (the record in the target's person
	 * first); NULL for a proposal within one person (schema 8) */
	const char *rests_on;
};

/* A copy that disagrees with its person's golden value; stale: and is
 * older than the system of record's value. */
struct conflict_row {
	int64_t seq;
	const char *entity, *source, *record_key, *attribute, *value, *golden;
	bool stale;
};

/* Row by row, as store_add_links_from(). */
int store_add_golden_from(struct store *s, size_t n,
			  int (*row)(void *arg, size_t i, struct golden_row *out),
			  void *arg, struct diag *d);
int store_add_conflicts_from(struct store *s, size_t n,
			     int (*row)(void *arg, size_t i,
					struct conflict_row *out),
			     void *arg, struct diag *d);
int store_add_proposals_from(struct store *s, size_t n,
			     int (*row)(void *arg, size_t i,
					struct proposal_row *out),
			     void *arg, struct diag *d);

/* Which proposals to read; NULL for any. */
struct proposal_filter {
	const char *source, *status, *owner;
	bool possible_first;	/* a possible match's proposals first */
};
int store_proposals(struct store *s, int64_t run,
		    const struct proposal_filter *f,
		    int (*fn)(void *, const struct proposal_row *), void *arg,
		    struct diag *d);
/* Record a review of proposal id (schema 4): decision "accept" or
 * "reject", by whom, an optional note, now.  Takes its own transaction;
 * the caller holds the writer lock.  ST_ERR with d when there is no such
 * proposal. */
int store_review(struct store *s, int64_t id, const char *decision,
		 const char *reviewer, const char *note, struct diag *d)
	MUST_CHECK;
/* Every reviewed proposal of any run with its latest decision, for a
 * scan to carry decisions forward: fn gets the row with decision set. */
int store_reviewed(struct store *s,
		   int (*fn)(void *, const struct proposal_row *), void *arg,
		   struct diag *d);
/* Every review decision, oldest first, with its proposal (decision set). */
int store_review_log(struct store *s,
		     int (*fn)(void *, const struct proposal_row *), void *arg,
		     struct diag *d) MUST_CHECK;
/* The first `limit` conflicts of a run in (source, attribute). */
int store_conflicts(struct store *s, int64_t run, const char *source,
		    const char *attribute, int64_t limit,
		    int (*fn)(void *, const struct conflict_row *), void *arg,
		    struct diag *d) MUST_CHECK;
/* --- changes applied to sources (schema 4) ------------------------------ */

struct applied_change {
	int64_t apply_id, seq, proposal_id;	/* proposal_id 0: an undo */
	const char *table, *key_column, *record_key, *column;
	const char *before, *after;		/* NULL: SQL NULL */
};

/* Begin recording an apply (a transaction of the history): its source,
 * who, and the apply it undoes (0 for none); its id into *id. */
int store_apply_begin(struct store *s, const char *source, const char *by,
		      int64_t undo_of, int64_t *id, struct diag *d) MUST_CHECK;
int store_apply_change(struct store *s, const struct applied_change *c,
		       struct diag *d) MUST_CHECK;
/* Commit the apply, or forget it. */
int store_apply_commit(struct store *s, struct diag *d) MUST_CHECK;

/* ---- scores (schema 5; docs/scoring.md) ---------------------------------- */

/* A parameter scores were computed with: kind "weight" (name: dimension,
 * value: the weight), "grade" (name: the grade, value: its minimum),
 * "source" or "attribute" (name: its id, value: its owner, "" for none).
 * Numbers are written so that they read back exactly (%.17g). */
struct score_param_row {
	const char *kind, *name, *value;
};

struct score_row {
	const char *scope;	/* cell, source, owner, overall */
	const char *subject;	/* source, owner or "" */
	const char *attribute;	/* "" unless a cell */
	const char *dimension;	/* a dimension, or "total" */
	double score;
	const char *grade;
	const char *inputs;
};

/* Into the run being written, in order. */
int store_add_score_params(struct store *s, const struct score_param_row *rows,
			   size_t n, struct diag *d) MUST_CHECK;
int store_add_scores(struct store *s, const struct score_row *rows, size_t n,
		     struct diag *d) MUST_CHECK;
/* A run's, in the order written. */
int store_score_params(struct store *s, int64_t run,
		       int (*fn)(void *, const struct score_param_row *),
		       void *arg, struct diag *d) MUST_CHECK;
int store_scores(struct store *s, int64_t run,
		 int (*fn)(void *, const struct score_row *), void *arg,
		 struct diag *d) MUST_CHECK;
/* ---- the scheduler's record (schema 6; docs/scheduling.md) -------------- */

/* One task the scheduler ran for one slot of a schedule. */
struct schedule_run_row {
	const char *schedule;
	int64_t due_at;			/* the slot, UTC seconds */
	const char *task;		/* scan, integrity, report */
	const char *started_at, *finished_at;	/* ISO 8601 UTC */
	const char *result;		/* "ok", "gate failed", "failed: ..." */
	int64_t run_id;			/* the run it wrote, 0 for none */
};

/* Record it, in a transaction of its own. */
int store_add_schedule_run(struct store *s, const struct schedule_run_row *r,
			   struct diag *d) MUST_CHECK;
/* Has task of schedule been recorded for the slot due_at? */
int store_slot_task_done(struct store *s, const char *schedule, int64_t due_at,
			 const char *task, bool *done, struct diag *d) MUST_CHECK;
/* The latest slot of schedule recorded; *found false when none. */
int store_last_due(struct store *s, const char *schedule, int64_t *due,
		   bool *found, struct diag *d) MUST_CHECK;

/* Was the run scored (it has score parameters)? */
int store_has_scores(struct store *s, int64_t run, bool *out, struct diag *d)
	MUST_CHECK;
void store_apply_abort(struct store *s);
/* The changes of apply id in the order made; its source into source
 * (size bytes) and whether it was undone already.  ST_ERR with d when
 * there is no such apply. */
int store_apply_changes(struct store *s, int64_t id, char *source, size_t size,
			bool *undone, int64_t *undo_of,
			int (*fn)(void *, const struct applied_change *),
			void *arg, struct diag *d) MUST_CHECK;
/* Has proposal id been applied (by an apply not undone since)? */
int store_proposal_applied(struct store *s, int64_t id, bool *out,
			   struct diag *d) MUST_CHECK;

#endif
