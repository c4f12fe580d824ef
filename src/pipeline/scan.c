/*
 * scan.c - profile every source and record one run.  See scan.h.
 */
#include "pipeline/scan.h"

#include "pipeline/settle.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pipeline/identify.h"
#include "pipeline/scores.h"
#include "pipeline/settle.h"
#include "profile/findings.h"
#include "store/store.h"
#include "util/datetime.h"
#include "util/json.h"
#include "util/sha256.h"

/* ---- fingerprints ---------------------------------------------------------- */

struct fingerprint {
	const char *path;
	bool ok;
	int64_t size;
	struct timespec mtime;
	char sha256[65];
	double cpu_seconds;	/* the thread's CPU time */
	pthread_t thread;
	bool started;
};

static void *fingerprint_main(void *arg)
{
	struct fingerprint *fp = arg;
	static const size_t block = 1 << 20;
	unsigned char *buf = xmalloc(block);
	struct sha256 h;
	int fd = open(fp->path, O_RDONLY | O_CLOEXEC);
	struct timespec t0, t1;
	ssize_t n;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	if (fd < 0 || !buf) {
		xfree(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	sha256_init(&h);
	while ((n = read(fd, buf, block)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sha256_update(&h, buf, (size_t)n);
	if (n == 0) {
		sha256_final_hex(&h, fp->sha256);
		fp->ok = true;
	}
	close(fd);
	xfree(buf);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	fp->cpu_seconds = (double)(t1.tv_sec - t0.tv_sec) +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return NULL;
}

static void stat_file(const char *path, int64_t *size, struct timespec *mtime)
{
	struct stat st;

	*size = -1;
	memset(mtime, 0, sizeof(*mtime));
	if (stat(path, &st) == 0) {
		*size = (int64_t)st.st_size;
		*mtime = st.st_mtim;
	}
}

/* Note the file's size and time, and hash it on a thread of its own when
 * `now` (else profiling hashes it: fingerprint_take()). */
static void fingerprint_start(struct fingerprint *fp, const char *path,
			      bool now)
{
	memset(fp, 0, sizeof(*fp));
	fp->path = path;
	stat_file(path, &fp->size, &fp->mtime);
	if (fp->size >= 0 && now)
		fp->started = pthread_create(&fp->thread, NULL, fingerprint_main,
					     fp) == 0;
}

/* After profiling with profile_opts.hash: take its hash, or hash the file
 * now (it was not read in ranges). */
static void fingerprint_take(struct fingerprint *fp,
			     const struct source_profile *sp)
{
	if (sp->hashed) {
		memcpy(fp->sha256, sp->sha256, sizeof(fp->sha256));
		fp->cpu_seconds = sp->hash_cpu;
		fp->ok = true;
	} else if (fp->size >= 0) {
		fp->started = pthread_create(&fp->thread, NULL, fingerprint_main,
					     fp) == 0;
	}
}

/* Joins the thread; false when the file changed while it was read. */
static bool fingerprint_finish(struct fingerprint *fp)
{
	int64_t size;
	struct timespec mtime;

	if (fp->started)
		pthread_join(fp->thread, NULL);
	stat_file(fp->path, &size, &mtime);
	return size == fp->size && mtime.tv_sec == fp->mtime.tv_sec &&
	       mtime.tv_nsec == fp->mtime.tv_nsec;
}

static void iso_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the previous run ----------------------------------------------------- */

struct prior_load {
	struct prior_source *pr;
	size_t cap;
	int nomem;
};

static void take_first(void *arg, const char *s, size_t len, double v)
{
	char *out = arg;

	(void)v;
	if (!out[0])
		snprintf(out, SKETCH_VALUE_MAX + 1, "%.*s", (int)len, s);
}

static void take_shape(void *arg, const char *s, size_t len, double v)
{
	struct prior_target *t = arg;

	if (t->n_shapes == PROFILE_SHAPES_K)
		return;
	snprintf(t->shapes[t->n_shapes], SKETCH_VALUE_MAX + 1, "%.*s", (int)len, s);
	t->shape_counts[t->n_shapes++] = v > 0 ? (uint64_t)v : 0;
}

static int prior_row(void *arg, const struct profile_row *r)
{
	struct prior_load *pl = arg;
	struct prior_target *t;

	if (xgrow(&pl->pr->targets, &pl->cap, pl->pr->n_targets + 1,
		  sizeof(*pl->pr->targets))) {
		pl->nomem = 1;
		return 1;
	}
	t = &pl->pr->targets[pl->pr->n_targets++];
	memset(t, 0, sizeof(*t));
	snprintf(t->kind, sizeof(t->kind), "%s", r->kind);
	snprintf(t->name, sizeof(t->name), "%s", r->name);
	t->rows = r->rows;
	t->present = r->present;
	t->empty = r->empty;
	t->distinct = r->distinct;
	t->numeric_share = r->numeric_share;
	json_pairs(r->top_values, take_first, t->top1);
	json_pairs(r->shapes, take_shape, t);
	t->has_kmv = r->sketch && !kmv_deserialise(&t->kmv, r->sketch, r->sketch_len);
	return 0;
}

static int load_prior(struct store *st, const char *source,
		      struct prior_source *pr, struct diag *d)
{
	struct prior_load pl = { pr, 0, 0 };
	int64_t prev;

	memset(pr, 0, sizeof(*pr));
	if (store_volume_history(st, 0, source, pr->volume, PRIOR_VOLUME_RUNS,
				 &pr->n_volume, d) || store_latest_run_of(st, source, &prev, d))
		return ST_ERR;
	pr->exists = pr->n_volume > 0;
	pr->rows = pr->exists ? pr->volume[pr->n_volume - 1] : 0;
	pr->run = prev;
	if (!prev)
		return 0;
	if (store_profiles(st, prev, source, NULL, prior_row, &pl, d) < 0)
		return ST_ERR;
	return pl.nomem ? ST_ERR_NOMEM : 0;
}

/* ---- writing ---------------------------------------------------------------- */

struct writer {
	struct store *st;
	struct scan_result *res;
	struct diag *d;
	struct buf json;
};

static void samples_json(struct buf *out, const struct samples *s)
{
	buf_addch(out, '[');
	for (size_t i = 0; s && i < s->n; i++) {
		if (i)
			buf_addch(out, ',');
		json_cstring(out, s->keys[i]);
	}
	buf_addch(out, ']');
}

static int write_metric(void *arg, const char *source, const char *target,
			enum dimension dim, const char *metric, double value)
{
	struct writer *w = arg;
	struct metric_row m = { source, target ? target : "", dimension_name(dim),
				metric, value };

	return store_add_metric(w->st, &m, w->d);
}

static int write_finding(void *arg, const struct finding *f)
{
	struct writer *w = arg;
	struct finding_row r = { 0, f->source, f->target, dimension_name(f->dim),
				 severity_name(f->sev), f->rule, (int64_t)f->count,
				 f->message, NULL };
	int rc;

	buf_reset(&w->json);
	samples_json(&w->json, f->samples);
	r.samples = w->json.data;
	rc = store_add_finding(w->st, &r, w->d);
	w->res->findings++;
	w->res->high += f->sev >= SEV_HIGH;
	return rc;
}

static void pairs_json(struct buf *out, const struct topk *t)
{
	const struct topk_entry *es;
	size_t n = topk_sorted(t, &es);

	buf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		buf_addstr(out, i ? ",[" : "[");
		json_string(out, es[i].value, es[i].len);
		buf_addf(out, ",%llu]", (unsigned long long)es[i].count);
	}
	buf_addch(out, ']');
}

static void reasons_json(struct buf *out, const struct value_stats *v)
{
	bool first = true;

	buf_addch(out, '{');
	for (int r = 1; r < VR_COUNT; r++) {
		if (!v->reasons[r].count || r == VR_TRANSFORM)
			continue;
		buf_addstr(out, first ? "" : ",");
		json_cstring(out, validity_reason_name((enum validity_reason)r));
		buf_addf(out, ":%llu", (unsigned long long)v->reasons[r].count);
		first = false;
	}
	for (size_t i = 0; i < v->n_tx; i++) {
		buf_addstr(out, first ? "" : ",");
		json_cstring(out, v->tx[i].why);
		buf_addf(out, ":%llu", (unsigned long long)v->tx[i].s.count);
		first = false;
	}
	buf_addch(out, '}');
}

static int write_stats(struct writer *w, const char *source,
		       const struct value_stats *v, uint64_t rows)
{
	struct buf top = BUF_INIT, shapes = BUF_INIT, reasons = BUF_INIT,
		   sketch = BUF_INIT;
	uint64_t aged = day_hist_count(&v->ages);
	uint64_t n = len_hist_count(&v->lengths);
	struct profile_row r = {
		source, target_kind_name(v->kind), v->name, (int64_t)rows,
		(int64_t)v->present, (int64_t)v->empty,
		(int64_t)distinct_estimate(&v->distinct),
		distinct_is_exact(&v->distinct),
		distinct_relative_error(&v->distinct),
		v->has_minmax ? v->min : NULL, v->has_minmax ? v->max : NULL,
		0, (int64_t)len_hist_max(&v->lengths), len_hist_mean(&v->lengths),
		(int64_t)v->invalid, NULL, NULL, NULL,
		v->present ? (double)v->numeric / (double)v->present : 0,
		aged ? day_hist_quantile(&v->ages, 0.5) : -1,
		aged ? day_hist_quantile(&v->ages, 0.9) : -1,
		aged ? day_hist_max(&v->ages) : -1,
		(int64_t)v->stale_keys.count,
		v->trust_n ? profile_freshness(v) : -1, NULL, 0
	};
	int rc;

	for (size_t l = 0; n && l < LEN_HIST_MAX; l++)
		if (v->lengths.counts[l]) {
			r.len_min = (int64_t)l;
			break;
		}
	pairs_json(&top, &v->top);
	pairs_json(&shapes, &v->shapes);
	reasons_json(&reasons, v);
	rc = kmv_serialise(&v->kmv, &sketch);
	r.top_values = top.data;
	r.shapes = shapes.data;
	r.reasons = reasons.data;
	r.sketch = sketch.data;
	r.sketch_len = sketch.len;
	if (!rc && (buf_error(&top) || buf_error(&shapes) || buf_error(&reasons)))
		rc = ST_ERR_NOMEM;
	if (!rc)
		rc = store_add_profile(w->st, &r, w->d);
	buf_release(&top);
	buf_release(&shapes);
	buf_release(&reasons);
	buf_release(&sketch);
	return rc;
}

struct scanned {
	struct source_profile sp;
	struct prior_source prior;
	struct fingerprint fp;
	bool changed;
};

static int write_source(struct writer *w, const struct policy *p,
			struct scanned *sc, int64_t as_of)
{
	const struct source_profile *sp = &sc->sp;
	const struct source *s = sp->src;
	struct findings_sink sink = { write_metric, write_finding, w };
	char mtime[32] = "";
	struct buf err = BUF_INIT;
	struct input_row in;
	int rc;

	if (sp->failed)
		diag_format(&sp->error, &err);
	if (sc->fp.size >= 0)
		iso_time(sc->fp.mtime.tv_sec, mtime, sizeof(mtime));
	in = (struct input_row){ s->id, s->resolved_path, sc->fp.size,
				 mtime[0] ? mtime : NULL,
				 sc->fp.ok ? sc->fp.sha256 : NULL, (int64_t)sp->rows,
				 sp->failed ? "failed" : "ok",
				 sp->failed ? err.data : NULL };
	rc = store_add_input(w->st, &in, w->d);
	buf_release(&err);
	for (size_t i = 0; !rc && i < s->n_mappings; i++)
		rc = write_stats(w, s->id, &sp->attrs[i], sp->rows);
	for (size_t f = 0; !rc && f < s->n_fields; f++)
		rc = write_stats(w, s->id, &sp->fields[f], sp->rows);
	for (size_t x = 0; !rc && x < sp->n_extras; x++)
		rc = write_stats(w, s->id, &sp->extras[x], sp->rows);
	if (!rc && sc->changed) {
		struct finding f = { s->id, NULL, DIM_INTEGRITY, SEV_HIGH,
				     "integrity.file-changed", 1, "", NULL, NULL };

		snprintf(f.message, sizeof(f.message), "%s changed while it was "
			 "read; its profile may mix two versions of the file", s->id);
		rc = write_finding(w, &f);
	}
	if (!rc)
		rc = findings_derive(p, sp, &sc->prior, as_of, &sink);
	return rc;
}

/* ---- the scan --------------------------------------------------------------- */

static bool selected(const struct scan_options *o, const struct source *s)
{
	for (size_t i = 0; i < o->n_only; i++)
		if (!strcmp(o->only[i], s->id))
			return true;
	return o->n_only == 0;
}

struct progress_ctx {
	const struct scan_options *o;
	size_t index, count;
	struct timespec start;
};

/* CPU time of the whole process, every thread, user and system. */
static double process_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_progress(void *arg, const struct source *s, uint64_t rows,
			uint64_t done, uint64_t total)
{
	struct progress_ctx *pc = arg;
	struct scan_progress p = { s->id, pc->index, pc->count, rows, done, total,
				   since(&pc->start), false, 0, 0, 0 };

	pc->o->progress(pc->o->progress_arg, &p);
}

static int profile_all(const struct policy *p, const struct scan_options *o,
		       struct store *st, struct scanned *sc, struct diag *d)
{
	struct progress_ctx pc = { o, 0, 0, { 0, 0 } };
	struct profile_opts po = { o->as_of_days, o->threads,
				   o->progress ? on_progress : NULL, &pc, false };
	double cpu0;
	int rc = 0;

	for (size_t i = 0; i < p->n_sources; i++)
		pc.count += selected(o, &p->sources[i]);
	for (size_t i = 0; i < p->n_sources && !rc; i++) {
		const struct source *s = &p->sources[i];

		if (!selected(o, s))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &pc.start);
		cpu0 = process_cpu();
		rc = load_prior(st, s->id, &sc[i].prior, d);
		if (rc)
			break;
		/* a CSV file read in ranges is hashed as it is cut, an XML
		 * file as it is read: that saves reading it once more on
		 * another thread */
		po.hash = (s->kind == SOURCE_CSV && profile_threads(&po) > 1) ||
			  s->kind == SOURCE_XML;
		fingerprint_start(&sc[i].fp, s->resolved_path, !po.hash);
		rc = profile_source(p, s, &po, &sc[i].sp);
		if (po.hash)
			fingerprint_take(&sc[i].fp, &sc[i].sp);
		sc[i].changed = !fingerprint_finish(&sc[i].fp) && !sc[i].sp.failed;
		if (o->progress) {
			struct scan_progress pr = { s->id, pc.index, pc.count,
						    sc[i].sp.rows, 0, 0,
						    since(&pc.start), true,
						    sc[i].fp.cpu_seconds,
						    process_cpu() - cpu0,
						    sc[i].sp.ranges };

			o->progress(o->progress_arg, &pr);
		}
		pc.index++;
	}
	return rc;
}

static int record(const struct policy *p, const struct scan_options *o,
		  struct store *st, struct scanned *sc,
		  struct identified *id, const bool *read,
		  struct scan_result *res, struct diag *d)
{
	struct writer w = { st, res, d, BUF_INIT };
	struct run_info run;
	struct buf day = BUF_INIT;
	int rc;

	memset(&run, 0, sizeof(run));
	iso_time(time(NULL), run.started_at, sizeof(run.started_at));
	days_format(o->as_of_days, &day);
	snprintf(run.as_of, sizeof(run.as_of), "%s", day.data);
	buf_release(&day);
	snprintf(run.policy_digest, sizeof(run.policy_digest), "%s", p->digest);
	snprintf(run.policy_dir, sizeof(run.policy_dir), "%s", p->dir);
	snprintf(run.data_dir, sizeof(run.data_dir), "%s", p->data_dir);
	snprintf(run.tool_version, sizeof(run.tool_version), "%s", o->tool_version);
	rc = store_run_begin(st, &run, d);
	for (size_t i = 0; !rc && i < p->n_sources; i++) {
		if (!selected(o, &p->sources[i]))
			continue;
		rc = write_source(&w, p, &sc[i], o->as_of_days);
		res->rows += sc[i].sp.rows;
		res->failed += sc[i].sp.failed;
		res->sources++;
	}
	if (!rc && id->r) {
		struct findings_sink sink = { write_metric, write_finding, &w };

		/* the reconciler ran meanwhile */
		rc = identify_write(id, p, read, st, &sink, d);
		if (!rc)
			rc = identify_reconciled(id);
		if (!rc && id->rec) {
			const struct reconcile_stats *cs = reconciler_stats(id->rec);
			const char *gate = "";

			res->reconciled = true;
			res->rec_conflicts = cs->conflicts;
			res->rec_auto = cs->auto_approved;
			res->rec_pending = cs->pending;
			res->rec_below = cs->below;
			res->rec_seconds = id->rec_seconds;
			res->gate_failed |= settle_gate_failed(id, &gate,
							       &res->gate_violations);
			if (res->gate_failed)
				snprintf(res->gate, sizeof(res->gate), "%s", gate);
			rc = settle_write(id, p, st, &sink, d);
		}
	}
	buf_release(&w.json);
	/* last: the scores rest on every metric and finding above */
	if (!rc)
		rc = scores_record(p, st, run.id, d);
	if (rc) {
		store_run_abort(st);
		return rc;
	}
	iso_time(time(NULL), run.finished_at, sizeof(run.finished_at));
	snprintf(run.status, sizeof(run.status), "%s", res->failed ? "partial" : "ok");
	run.gate_failed = res->gate_failed;
	rc = store_run_commit(st, &run, d);
	res->run_id = run.id;
	return rc;
}

int scan_run(const struct policy *p, const struct scan_options *o,
	     struct scan_result *res, struct diag *d)
{
	struct scanned *sc = xcalloc(p->n_sources ? p->n_sources : 1, sizeof(*sc));
	bool *read = xcalloc(p->n_sources ? p->n_sources : 1, sizeof(*read));
	struct identified id;
	struct store *st = NULL;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&id, 0, sizeof(id));
	if (!sc || !read) {
		xfree(sc);
		xfree(read);
		return ST_ERR_NOMEM;
	}
	rc = store_open(o->db_path, &st, d);
	if (!rc)
		rc = store_lock(st, d);
	if (!rc)
		rc = profile_all(p, o, st, sc, d);
	for (size_t i = 0; i < p->n_sources; i++)
		read[i] = selected(o, &p->sources[i]) && !sc[i].sp.failed;
	if (!rc && identify_wanted(p) && !o->n_only && !o->no_identity) {
		rc = identify_run(p, read, o->as_of_days, !o->no_reconcile, st,
				  &id, d);
		if (!rc) {
			const struct resolver_stats *rs = resolver_stats(id.r);

			res->identified = true;
			res->id_records = rs->records;
			res->id_entities = rs->entities;
			res->id_links = rs->links;
			res->id_reviews = rs->reviews;
			res->id_conflicts = rs->conflicts;
			res->id_ambiguous = rs->ambiguous;
			res->id_seconds = id.seconds;
		}
	}
	if (!rc)
		rc = record(p, o, st, sc, &id, read, res, d);
	identify_release(&id);
	xfree(read);
	for (size_t i = 0; i < p->n_sources; i++) {
		profile_release(&sc[i].sp);
		xfree(sc[i].prior.targets);
	}
	xfree(sc);
	store_close(st);
	return rc;
}
