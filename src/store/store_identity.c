/*
 * store_identity.c - identity resolution in the history (schema 2): the
 * entities of a run, their member records, the links with their evidence
 * and the model's parameters.  See store.h and docs/identity.md.
 *
 * A run of the benchmark world has millions of member rows, so each writer
 * prepares its statement once and resets it per row, and the tables have
 * no index beside their keys: members are kept by (run, entity, seq), in
 * the order the scan writes them, so writing appends and `steward entity`
 * finds a person by the key; the rare look-ups by record (`steward why`)
 * read the run's rows.
 */
#include "store/store_int.h"

int store_insert_rows(struct store *s, const char *sql, size_t n,
		       int (*bind)(sqlite3_stmt *, void *, size_t), void *ctx,
		       struct diag *d)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (store_prepare(s, sql, &st, d))
		return ST_ERR;
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_bind_int64(st, 1, s->run_id);
		if ((rc = bind(st, ctx, i)) != 0)
			break;
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_db_fail(s, d, "cannot write");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int bind_entity(sqlite3_stmt *st, void *rows, size_t i)
{
	const struct entity_row *r = (const struct entity_row *)rows + i;

	store_bind_text_static(st, 2, r->entity);
	sqlite3_bind_int64(st, 3, r->records);
	sqlite3_bind_int64(st, 4, r->sources);
	return 0;
}

int store_add_entities(struct store *s, const struct entity_row *rows, size_t n,
		       struct diag *d)
{
	return store_insert_rows(s, "INSERT INTO entities(run_id, " ENTITY_COLUMNS
			   ") VALUES(?1,?2,?3,?4)", n, bind_entity, (void *)rows, d);
}

static int bind_member(sqlite3_stmt *st, void *rows, size_t i)
{
	const struct member_row *r = (const struct member_row *)rows + i;

	store_bind_text_static(st, 2, r->entity);
	sqlite3_bind_int64(st, 3, r->seq);
	store_bind_text_static(st, 4, r->source);
	store_bind_text_static(st, 5, r->record_key);
	return 0;
}

int store_add_members(struct store *s, const struct member_row *rows, size_t n,
		      struct diag *d)
{
	return store_insert_rows(s, "INSERT INTO entity_members(run_id, " MEMBER_COLUMNS
			   ") VALUES(?1,?2,?3,?4,?5)", n, bind_member, (void *)rows, d);
}

static void bind_link_row(sqlite3_stmt *st, const struct link_row *r)
{
	sqlite3_bind_int64(st, 2, r->seq);
	store_bind_text_static(st, 3, r->source_a);
	store_bind_text_static(st, 4, r->key_a);
	store_bind_text_static(st, 5, r->source_b);
	store_bind_text_static(st, 6, r->key_b);
	store_bind_text_static(st, 7, r->status);
	sqlite3_bind_double(st, 8, r->probability);
	store_bind_text_static(st, 9, r->rule);
	store_bind_text_static(st, 10, r->evidence);
	store_bind_text_static(st, 11, r->conflict);
}

static int bind_link(sqlite3_stmt *st, void *rows, size_t i)
{
	bind_link_row(st, (const struct link_row *)rows + i);
	return 0;
}

#define INSERT_LINK "INSERT INTO identity_links(run_id, " LINK_COLUMNS \
	", conflict) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"

int store_add_links(struct store *s, const struct link_row *rows, size_t n,
		    struct diag *d)
{
	return store_insert_rows(s, INSERT_LINK, n, bind_link, (void *)rows, d);
}

struct link_source {
	int (*row)(void *arg, size_t i, struct link_row *out);
	void *arg;
};

static int bind_link_from(sqlite3_stmt *st, void *ctx, size_t i)
{
	struct link_source *ls = ctx;
	struct link_row r;
	int rc = ls->row(ls->arg, i, &r);

	if (!rc)
		bind_link_row(st, &r);
	return rc;
}

int store_add_links_from(struct store *s, size_t n,
			 int (*row)(void *arg, size_t i, struct link_row *out),
			 void *arg, struct diag *d)
{
	struct link_source ls = { row, arg };

	return store_insert_rows(s, INSERT_LINK, n, bind_link_from, &ls, d);
}

static int bind_model(sqlite3_stmt *st, void *rows, size_t i)
{
	const struct model_row *r = (const struct model_row *)rows + i;

	store_bind_text_static(st, 2, r->attribute);
	sqlite3_bind_int64(st, 3, r->level);
	store_bind_text_static(st, 4, r->label);
	sqlite3_bind_double(st, 5, r->m);
	sqlite3_bind_double(st, 6, r->u);
	return 0;
}

int store_add_model(struct store *s, const struct model_row *rows, size_t n,
		    struct diag *d)
{
	return store_insert_rows(s, "INSERT INTO identity_model(run_id, " MODEL_COLUMNS
			   ") VALUES(?1,?2,?3,?4,?5,?6)", n, bind_model, (void *)rows, d);
}

/* ---- reading ------------------------------------------------------------- */

const char *store_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : NULL;
}

int store_each_row(struct store *s, sqlite3_stmt *st,
		    int (*visit)(sqlite3_stmt *, void *), void *ctx,
		    struct diag *d)
{
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = visit(st, ctx);
	sqlite3_finalize(st);
	if (stop)
		return stop;
	if (rc != SQLITE_DONE)
		return store_db_fail(s, d, "cannot read the run");
	return 0;
}

struct visit_members {
	int (*fn)(void *, const struct member_row *);
	void *arg;
};

static int visit_member(sqlite3_stmt *st, void *ctx)
{
	struct visit_members *v = ctx;
	struct member_row r = { sqlite3_column_int64(st, 1), store_text(st, 2),
				store_text(st, 3), store_text(st, 0) };

	return v->fn(v->arg, &r);
}

int store_members(struct store *s, int64_t run, const char *entity,
		  int (*fn)(void *, const struct member_row *), void *arg,
		  struct diag *d)
{
	struct visit_members v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, entity ?
			  "SELECT " MEMBER_COLUMNS " FROM entity_members WHERE "
			  "run_id = ?1 AND entity = ?2 ORDER BY seq" :
			  "SELECT " MEMBER_COLUMNS " FROM entity_members WHERE "
			  "run_id = ?1 ORDER BY entity, seq", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	if (entity)
		store_bind_text(st, 2, entity);
	return store_each_row(s, st, visit_member, &v, d);
}

int store_member_entity(struct store *s, int64_t run, const char *source,
			const char *key, char *out, size_t size, struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	out[0] = '\0';
	if (store_prepare(s, "SELECT entity FROM entity_members WHERE run_id = ?1 "
			  "AND source = ?2 AND record_key = ?3 ORDER BY seq LIMIT 1",
			  &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	store_bind_text(st, 2, source);
	store_bind_text(st, 3, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && store_text(st, 0))
		snprintf(out, size, "%s", store_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, d, "cannot read the run");
	return 0;
}

struct visit_links {
	int (*fn)(void *, const struct link_row *);
	void *arg;
};

static int visit_link(sqlite3_stmt *st, void *ctx)
{
	struct visit_links *v = ctx;
	struct link_row r = { sqlite3_column_int64(st, 0), store_text(st, 1), store_text(st, 2),
			      store_text(st, 3), store_text(st, 4), store_text(st, 5),
			      sqlite3_column_double(st, 6), store_text(st, 7),
			      store_text(st, 8), store_text(st, 9) };

	return v->fn(v->arg, &r);
}

int store_links(struct store *s, int64_t run, const char *source,
		const char *key, int (*fn)(void *, const struct link_row *),
		void *arg, struct diag *d)
{
	struct visit_links v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, source ?
			  "SELECT " LINK_COLUMNS ", conflict FROM identity_links WHERE "
			  "run_id = ?1 AND ((source_a = ?2 AND key_a = ?3) OR "
			  "(source_b = ?2 AND key_b = ?3)) ORDER BY seq" :
			  "SELECT " LINK_COLUMNS ", conflict FROM identity_links WHERE "
			  "run_id = ?1 ORDER BY seq", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	if (source) {
		store_bind_text(st, 2, source);
		store_bind_text(st, 3, key);
	}
	return store_each_row(s, st, visit_link, &v, d);
}

struct visit_model {
	int (*fn)(void *, const struct model_row *);
	void *arg;
};

static int visit_model_row(sqlite3_stmt *st, void *ctx)
{
	struct visit_model *v = ctx;
	struct model_row r = { store_text(st, 0), sqlite3_column_int64(st, 1), store_text(st, 2),
			       sqlite3_column_double(st, 3),
			       sqlite3_column_double(st, 4) };

	return v->fn(v->arg, &r);
}

int store_model(struct store *s, int64_t run,
		int (*fn)(void *, const struct model_row *), void *arg,
		struct diag *d)
{
	struct visit_model v = { fn, arg };
	sqlite3_stmt *st;

	if (store_prepare(s, "SELECT " MODEL_COLUMNS " FROM identity_model WHERE "
			  "run_id = ?1 ORDER BY rowid", &st, d))
		return ST_ERR;
	sqlite3_bind_int64(st, 1, run);
	return store_each_row(s, st, visit_model_row, &v, d);
}

static int one_int(struct store *s, const char *sql, int64_t run, int64_t *out,
		   struct diag *d)
{
	sqlite3_stmt *st;
	int rc;

	*out = 0;
	if (store_prepare(s, sql, &st, d))
		return ST_ERR;
	if (run)
		sqlite3_bind_int64(st, 1, run);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_fail(s, d, "cannot read the run");
	return 0;
}

int store_max_entity(struct store *s, int64_t *out, struct diag *d)
{
	return one_int(s, "SELECT coalesce(max(CAST(substr(entity, 2) AS INTEGER)), 0) "
		       "FROM entities", 0, out, d);
}

int store_latest_identity_run(struct store *s, int64_t *out, struct diag *d)
{
	return one_int(s, "SELECT coalesce(max(run_id), 0) FROM entities", 0, out, d);
}

int store_has_identities(struct store *s, int64_t run, bool *out, struct diag *d)
{
	int64_t n;
	/* a run that resolved no records (empty sources) has the metrics */
	int rc = one_int(s, "SELECT EXISTS(SELECT 1 FROM entities WHERE run_id = ?1) "
			 "OR EXISTS(SELECT 1 FROM metrics WHERE run_id = ?1 AND "
			 "source = 'identity')", run, &n, d);

	*out = n != 0;
	return rc;
}
