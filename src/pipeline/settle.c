/*
 * settle.c - the reconciliation stage's rows: golden values, proposals
 * with their plain-English reasons, consistency findings and metrics (see
 * settle.h and docs/reconciliation.md).
 */
#include "pipeline/settle.h"

#include "util/datetime.h"

struct settle_ctx {
	const struct identified *id;
	const struct policy *p;
	struct buf a, b, c, reason;	/* scratch: dates, reason */
	struct buf rests;		/* a possible match's pair */
	/* decisions carried from earlier runs (fingerprints, sorted) */
	char **rejected, **accepted;
	size_t n_rejected, n_accepted, cap_rejected, cap_accepted;
	/* the record keys those decisions were about (sorted): a proposal
	 * for any other record needs no fingerprint */
	char **reviewed;
	size_t n_reviewed, cap_reviewed;
	size_t *write;			/* proposals to write, by index */
	bool *carried;			/* per proposal: an accepted one */
	size_t n_write;
	uint64_t skipped;		/* rejected before, data unchanged */
	int err;
};

static const char *source_id(const struct settle_ctx *x, uint32_t record)
{
	return x->p->sources[reconciler_source(x->id->rec, record)].id;
}

static const char *key_of(const struct settle_ctx *x, uint32_t record)
{
	return resolver_key(x->id->r, record);
}

static const char *day_text(struct buf *b, int64_t days)
{
	buf_reset(b);
	if (days == INT64_MIN)
		return NULL;
	days_format(days, b);
	return buf_error(b) ? NULL : b->data;
}

static const char *label_of(const struct attribute *a)
{
	return a->label ? a->label : a->id;
}

static int golden_row_of(void *arg, size_t i, struct golden_row *out)
{
	struct settle_ctx *x = arg;
	const struct golden *g;
	const struct golden *all;

	reconciler_golden(x->id->rec, &all);
	g = &all[i];
	*out = (struct golden_row){
		x->id->ids[g->entity], x->p->attributes[g->attribute].id, g->value,
		source_id(x, g->winner), key_of(x, g->winner),
		day_text(&x->a, g->days), g->trust, decided_by_name(g->decided_by),
		g->runner_value,
		g->runner != UINT32_MAX ? source_id(x, g->runner) : NULL,
		g->runner != UINT32_MAX ? key_of(x, g->runner) : NULL,
		g->runner_trust, g->copies, g->values
	};
	return 0;
}

/* Is the attribute the whole of one field, so that writing the value
 * there changes it and nothing else? */
static bool whole_field(const struct mapping *map)
{
	if (map->n_fields != 1)
		return false;
	for (size_t i = 0; i < map->chain.n; i++)
		if (map->chain.items[i].kind == TX_NAME_PART)
			return false;
	return true;
}

/* The column of the target's source that holds the attribute, or else
 * the attribute's id: a value made of several fields, or of part of one,
 * is not a column to overwrite (docs/reconciliation.md). */
static const char *field_of(const struct source *s, size_t attribute,
			    const struct policy *p)
{
	for (size_t m = 0; m < s->n_mappings; m++) {
		const struct mapping *map = &s->mappings[m];

		if ((size_t)(map->attribute - p->attributes) != attribute)
			continue;
		return whole_field(map) ? s->fields[map->fields[0]].name :
					  map->attribute_id;
	}
	return p->attributes[attribute].id;
}

/*
 * Strings appended one after another: a reason is written for every
 * proposal, millions of them in a large run, and most of it is words
 * and values, which need no formatting (vfprintf took a tenth of writing
 * the reconciliation's rows at 2 million people).  NULL is written as
 * printf writes it.
 */
static void add_all(struct buf *b, const char *const *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addstr(b, s[i] ? s[i] : "(null)");
}

#define ADD(b, ...) \
	add_all((b), (const char *const[]){ __VA_ARGS__ }, \
		sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* A merge's reason: which record survives and why. */
static void merge_reason(struct settle_ctx *x, const struct proposal *pr)
{
	const char *src = source_id(x, pr->record);
	const char *when = day_text(&x->b, pr->origin_days);
	const char *rk = key_of(x, pr->record), *ok = key_of(x, pr->origin);
	struct buf *r = &x->reason;

	ADD(r, src, " ", rk, " and ", ok, " are one person (match probability ");
	buf_addf(r, "%.3f", pr->confidence);
	ADD(r, "); keep ", ok, ", ");
	if (when)
		ADD(r, "updated ", when, ", ");
	buf_addf(r, "with %u of %u values (", pr->origin_filled, pr->mapped);
	buf_addf(r, "%s has %u), ", rk, pr->filled);
	ADD(r, "and merge ", rk, " into it.");
}

/* The plain-English reason of a proposal into x->reason. */
static void reason_of(struct settle_ctx *x, const struct proposal *pr)
{
	const struct attribute *a;
	const char *ts = source_id(x, pr->record), *tk = key_of(x, pr->record);
	const char *os = source_id(x, pr->origin), *ok = key_of(x, pr->origin);
	const char *when = day_text(&x->b, pr->origin_days), *label;
	struct buf *r = &x->reason;

	buf_reset(r);
	if (pr->kind == PROPOSE_MERGE) {
		merge_reason(x, pr);
		return;
	}
	a = &x->p->attributes[pr->attribute];
	label = label_of(a);
	if (pr->pair_self != UINT32_MAX) {
		/* a possible match: the identity is the first thing to check */
		const char *s1 = source_id(x, pr->pair_self);
		const char *k1 = key_of(x, pr->pair_self);
		const char *s2 = source_id(x, pr->pair_other);
		const char *k2 = key_of(x, pr->pair_other);

		ADD(r, "If ", s1, " ", k1, " and ", s2, " ", k2,
		    " are one person (match probability ");
		buf_addf(r, "%.3f", pr->pair_probability);
		ADD(r, ", kept for review; see `steward why ", s1, ":", k1, " ",
		    s2, ":", k2, "`): ");
	}
	switch (pr->decided_by) {
	case SURV_SYSTEM_OF_RECORD:
		ADD(r, os, " is the system of record for ", label, "; ");
		break;
	case SURV_HIGHEST_TRUST:
		ADD(r, os, " ", ok, " holds the most trusted ", label, " (trust ");
		buf_addf(r, "%.2f", pr->trust);
		if (pr->runner) {
			buf_addf(r, " against %.2f", pr->runner_trust);
			ADD(r, " for '", pr->runner, "' in ",
			    source_id(x, pr->runner_record), " ",
			    key_of(x, pr->runner_record));
		}
		buf_addstr(r, ")");
		if (pr->over_sor)
			ADD(r, ", which outranks the system of record, ",
			    a->sor->id, ", because the survivorship of ", label,
			    " puts trust first");
		buf_addstr(r, "; ");
		break;
	case SURV_MOST_RECENT:
		ADD(r, os, " ", ok, " holds the most recent ", label, "; ");
		break;
	case SURV_MOST_FREQUENT:
		ADD(r, "'", pr->proposed, "' is the ", label, " most copies hold; ");
		break;
	default:
		if (pr->values <= 1) {
			ADD(r, "'", pr->proposed, "' (", os, " ", ok,
			    ") is the only usable ", label, "; ");
		} else if (pr->runner) {
			ADD(r, "nothing but the tie-break sets '", pr->proposed,
			    "' (", os, " ", ok, ") apart from '", pr->runner,
			    "' (", source_id(x, pr->runner_record), " ",
			    key_of(x, pr->runner_record),
			    "): a person must decide; ");
		} else {
			/* the other values are in older records of the
			 * winner's own source, which its newer one supersedes */
			ADD(r, "nothing but the tie-break sets '", pr->proposed,
			    "' (", os, " ", ok, ") apart from what older records "
			    "of ", os, " say: a person must decide; ");
		}
		break;
	}
	if (pr->kind == PROPOSE_FILL)
		ADD(r, ts, " ", tk, " has no ", label, ", ");
	else if (pr->current_invalid)
		ADD(r, ts, " ", tk, " says '", pr->current,
		    "', which is not a valid ", label, ", ");
	else
		ADD(r, ts, " ", tk, " says '", pr->current, "', ");
	ADD(r, os, " ", ok, " says '", pr->proposed, "'");
	if (when)
		ADD(r, " as of ", when);
	buf_addch(r, '.');
}

/* A merge is about the whole record, not one attribute. */
#define MERGE_ATTRIBUTE "(record)"

static const char *attribute_of(const struct settle_ctx *x,
				const struct proposal *p)
{
	return p->attribute == SIZE_MAX ? MERGE_ATTRIBUTE :
	       x->p->attributes[p->attribute].id;
}

/* What a decision rests on: the record, the attribute and both values
 * (a rejection also the origin and its date: new data is a new
 * proposal); fields joined by US (0x1f), into out. */
static void fingerprint(struct buf *out, bool full, const char *source,
			const char *key, const char *attribute, const char *current,
			const char *proposed, const char *os, const char *ok,
			const char *od)
{
	const char *f[] = { source, key, attribute, proposed, current, os, ok, od };

	buf_reset(out);
	for (size_t i = 0; i < (full ? ARRAY_SIZE(f) : 4); i++) {
		buf_addstr(out, f[i] ? f[i] : "");
		buf_addch(out, 0x1f);
	}
}

static int note_decision(void *arg, const struct proposal_row *r)
{
	struct settle_ctx *x = arg;
	bool reject = !strcmp(r->decision, "reject");
	char ***set = reject ? &x->rejected : &x->accepted;
	size_t *n = reject ? &x->n_rejected : &x->n_accepted;
	size_t *cap = reject ? &x->cap_rejected : &x->cap_accepted;
	char *copy;

	fingerprint(&x->c, reject, r->source, r->record_key, r->attribute,
		    r->current, r->proposed, r->origin_source, r->origin_key,
		    r->origin_date);
	if (buf_error(&x->c) || xgrow(set, cap, *n + 1, sizeof(**set)) ||
	    !(copy = xstrdup(x->c.data)))
		return x->err = ST_ERR_NOMEM;
	(*set)[(*n)++] = copy;
	if (xgrow(&x->reviewed, &x->cap_reviewed, x->n_reviewed + 1,
		  sizeof(*x->reviewed)) ||
	    !(copy = xstrdup(r->record_key)))
		return x->err = ST_ERR_NOMEM;
	x->reviewed[x->n_reviewed++] = copy;
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_set(char **set, size_t n, const char *s)
{
	return n && bsearch(&s, set, n, sizeof(*set), str_cmp);
}

/* Which proposals to write: not those rejected before on the same data;
 * those accepted before and still needed are carried as accepted. */
static int choose_writes(struct settle_ctx *x, struct store *st,
			 struct diag *d)
{
	const struct proposal *pr;
	size_t np = reconciler_proposals(x->id->rec, &pr);

	if (store_reviewed(st, note_decision, x, d))
		return x->err ? x->err : ST_ERR;
	if (x->n_rejected)
		qsort(x->rejected, x->n_rejected, sizeof(*x->rejected), str_cmp);
	if (x->n_accepted)
		qsort(x->accepted, x->n_accepted, sizeof(*x->accepted), str_cmp);
	if (x->n_reviewed)
		qsort(x->reviewed, x->n_reviewed, sizeof(*x->reviewed), str_cmp);
	x->write = xcalloc(np ? np : 1, sizeof(*x->write));
	x->carried = xcalloc(np ? np : 1, sizeof(*x->carried));
	if (!x->write || !x->carried)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < np; i++) {
		const struct proposal *p = &pr[i];
		const char *key = key_of(x, p->record), *src, *attr;

		if (!in_set(x->reviewed, x->n_reviewed, key)) {
			x->write[x->n_write++] = i;	/* nobody decided on it */
			continue;
		}
		src = source_id(x, p->record);
		attr = attribute_of(x, p);
		fingerprint(&x->c, true, src, key, attr, p->current, p->proposed,
			    source_id(x, p->origin), key_of(x, p->origin),
			    day_text(&x->a, p->origin_days));
		if (buf_error(&x->c))
			return ST_ERR_NOMEM;
		if (in_set(x->rejected, x->n_rejected, x->c.data)) {
			x->skipped++;
			continue;
		}
		fingerprint(&x->c, false, src, key, attr, p->current, p->proposed,
			    NULL, NULL, NULL);
		x->carried[i] = in_set(x->accepted, x->n_accepted, x->c.data);
		x->write[x->n_write++] = i;
	}
	return 0;
}

static int proposal_row_of(void *arg, size_t j, struct proposal_row *out)
{
	struct settle_ctx *x = arg;
	const struct proposal *all, *pr;
	const struct source *ts;
	size_t i = x->write[j];

	reconciler_proposals(x->id->rec, &all);
	pr = &all[i];
	ts = &x->p->sources[reconciler_source(x->id->rec, pr->record)];
	reason_of(x, pr);
	if (buf_error(&x->reason))
		return ST_ERR_NOMEM;
	if (pr->kind == PROPOSE_MERGE) {
		*out = (struct proposal_row){
			0, 0, (int64_t)j + 1, x->id->ids[pr->entity], "merge",
			x->carried[i] ? "accepted" : proposal_status_name(pr->status),
			ts->id, key_of(x, pr->record), MERGE_ATTRIBUTE, ts->owner_id,
			ts->key_field, key_of(x, pr->record), key_of(x, pr->origin),
			ts->id, key_of(x, pr->origin), day_text(&x->a, pr->origin_days),
			pr->confidence, "merge", x->reason.data, NULL, NULL, NULL, NULL,
			NULL
		};
		return 0;
	}
	*out = (struct proposal_row){
		0, 0, (int64_t)j + 1, x->id->ids[pr->entity],
		proposal_kind_name(pr->kind), x->carried[i] ? "accepted" :
		proposal_status_name(pr->status),
		ts->id, key_of(x, pr->record), x->p->attributes[pr->attribute].id,
		x->p->attributes[pr->attribute].owner_id, field_of(ts, pr->attribute, x->p), pr->current, pr->proposed,
		source_id(x, pr->origin), key_of(x, pr->origin),
		day_text(&x->a, pr->origin_days), pr->confidence,
		decided_by_name(pr->decided_by), x->reason.data, NULL, NULL, NULL,
		NULL, NULL
	};
	if (pr->pair_self != UINT32_MAX) {
		buf_reset(&x->rests);
		ADD(&x->rests, source_id(x, pr->pair_self), ":",
		    key_of(x, pr->pair_self), " ", source_id(x, pr->pair_other),
		    ":", key_of(x, pr->pair_other));
		if (buf_error(&x->rests))
			return ST_ERR_NOMEM;
		out->rests_on = x->rests.data;
	}
	return 0;
}

static int conflict_row_of(void *arg, size_t i, struct conflict_row *out)
{
	struct settle_ctx *x = arg;
	const struct conflict *all, *c;

	reconciler_conflicts(x->id->rec, &all);
	c = &all[i];
	*out = (struct conflict_row){
		(int64_t)i + 1, x->id->ids[c->entity], source_id(x, c->record),
		key_of(x, c->record), x->p->attributes[c->attribute].id, c->value,
		c->golden, c->stale
	};
	return 0;
}

static int metric(const struct findings_sink *sink, const char *name, double v)
{
	return sink->metric(sink->arg, "reconcile", "", DIM_CONSISTENCY, name, v);
}

static int write_metrics(const struct reconcile_stats *s,
			 const struct findings_sink *sink)
{
	return metric(sink, "copies", (double)s->copies) ||
	       metric(sink, "golden_values", (double)s->golden) ||
	       metric(sink, "contested", (double)s->contested) ||
	       metric(sink, "conflicts", (double)s->conflicts) ||
	       metric(sink, "stale_copies", (double)s->stale) ||
	       metric(sink, "auto_approved", (double)s->auto_approved) ||
	       metric(sink, "pending", (double)s->pending) ||
	       metric(sink, "below_review", (double)s->below) ||
	       metric(sink, "updates", (double)s->updates) ||
	       metric(sink, "fills", (double)s->fills) ||
	       metric(sink, "flags", (double)s->flags) ||
	       metric(sink, "merges", (double)s->merges) ||
	       metric(sink, "possible_match", (double)s->possible);
}

/* The single customer view: of the people with a CRM record, those whose
 * CRM copies of the attributes another source is the system of record of
 * agree with the golden value (the system of record's, where the
 * attribute's survivorship puts it first); a CRM value that fails its
 * transform is not a disagreement (it gets an update proposal). */
static int write_coverage(const struct settle_ctx *x,
			  const struct findings_sink *sink)
{
	const struct policy *p = x->p;
	const struct resolver *r = x->id->r;
	const struct conflict *c;
	size_t nc = reconciler_conflicts(x->id->rec, &c);
	size_t ne = resolver_entities(r), crm = SIZE_MAX;
	unsigned char *state;	/* per entity: 1 has a CRM record, 2 and disagrees */
	uint64_t people = 0, agree = 0;
	int rc;

	for (size_t s = 0; s < p->n_sources; s++)
		if (p->sources[s].role == ROLE_CRM)
			crm = s;
	if (crm == SIZE_MAX)
		return 0;
	if (!(state = xcalloc(ne ? ne : 1, 1)))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < resolver_records(r); i++)
		if (resolver_source(r, i) == crm)
			state[resolver_entity(r, i)] = 1;
	for (size_t k = 0; k < nc; k++) {
		const struct attribute *a = &p->attributes[c[k].attribute];

		if (reconciler_source(x->id->rec, c[k].record) == crm && a->sor &&
		    a->sor != &p->sources[crm] && state[c[k].entity])
			state[c[k].entity] = 2;
	}
	for (size_t e = 0; e < ne; e++) {
		people += state[e] != 0;
		agree += state[e] == 1;
	}
	xfree(state);
	/* no CRM records read: coverage unknown, not perfect */
	rc = metric(sink, "crm_people", (double)people) ||
	     metric(sink, "crm_agrees", (double)agree) ||
	     (people && metric(sink, "crm_agrees_share",
			       (double)agree / (double)people));
	return rc ? ST_ERR : 0;
}

static void samples_of(const struct settle_ctx *x, const uint32_t *rec,
		       uint64_t n, struct samples *out)
{
	memset(out, 0, sizeof(*out));
	out->count = n;
	for (uint64_t i = 0; i < n && i < RECONCILE_SAMPLES &&
	     out->n < PROFILE_SAMPLES; i++) {
		snprintf(out->keys[out->n], PROFILE_KEY_MAX, "%s", key_of(x, rec[i]));
		out->numbers[out->n++] = rec[i];
	}
}

/* Per (source, attribute): the copies that disagree with the golden
 * value, and those older than the system of record's. */
static int write_findings(const struct settle_ctx *x,
			  const struct findings_sink *sink)
{
	const struct copy_counts *k;
	size_t n = reconciler_counts(x->id->rec, &k);

	for (size_t i = 0; i < n; i++) {
		const struct attribute *a = &x->p->attributes[k[i].attribute];
		const char *src = x->p->sources[k[i].source].id;
		struct finding f = { src, a->id, DIM_CONSISTENCY, SEV_MEDIUM,
				     "reconcile.conflict", k[i].conflicts, "",
				     NULL, NULL };
		struct samples s;
		int rc;

		if (sink->metric(sink->arg, src, a->id, DIM_CONSISTENCY,
				 "reconcile_conflicts", (double)k[i].conflicts) ||
		    sink->metric(sink->arg, src, a->id, DIM_CONSISTENCY,
				 "reconcile_copies", (double)k[i].copies))
			return ST_ERR;
		if (k[i].comply_checked &&
		    (sink->metric(sink->arg, src, a->id, DIM_COMPLIANCE,
				  "compliance_checked", (double)k[i].comply_checked) ||
		     sink->metric(sink->arg, src, a->id, DIM_COMPLIANCE,
				  "compliance_violations",
				  (double)k[i].comply_violations)))
			return ST_ERR;
		if (k[i].conflicts) {
			samples_of(x, k[i].conflict_rec, k[i].conflicts, &s);
			f.samples = &s;
			snprintf(f.message, sizeof(f.message), "%llu of %llu %s in "
				 "'%s' disagree with the person's golden value; see "
				 "`steward proposals --source %s`",
				 (unsigned long long)k[i].conflicts,
				 (unsigned long long)k[i].copies, label_of(a), src, src);
			if ((rc = sink->finding(sink->arg, &f)) != 0)
				return rc;
		}
		if (k[i].stale) {
			f.rule = "reconcile.stale-copy";
			f.count = k[i].stale;
			samples_of(x, k[i].stale_rec, k[i].stale, &s);
			f.samples = &s;
			snprintf(f.message, sizeof(f.message), "%llu %s in '%s' "
				 "disagree with and are older than the system of "
				 "record's ('%s'): stale copies to refresh from it",
				 (unsigned long long)k[i].stale, label_of(a), src,
				 a->sor ? a->sor->id : "");
			if ((rc = sink->finding(sink->arg, &f)) != 0)
				return rc;
		}
	}
	return 0;
}

/* Each compliance rule: its counts as metrics, and a finding when it
 * failed (critical for a gate). */
static int write_compliance(const struct settle_ctx *x,
			    const struct findings_sink *sink)
{
	const struct compliance_result *r;
	size_t n = reconciler_compliance(x->id->rec, &r);

	for (size_t k = 0; k < n; k++) {
		const struct compliance_rule *rule = r[k].rule;
		struct finding f = { "compliance", rule->id, DIM_COMPLIANCE,
				     rule->gate ? SEV_CRITICAL : SEV_HIGH, NULL,
				     r[k].violations, "", NULL, NULL };
		struct samples s;
		char rid[160];
		int rc;

		if (sink->metric(sink->arg, "compliance", rule->id, DIM_COMPLIANCE,
				 "checked", (double)r[k].checked) ||
		    sink->metric(sink->arg, "compliance", rule->id, DIM_COMPLIANCE,
				 "violations", (double)r[k].violations) ||
		    sink->metric(sink->arg, "compliance", rule->id, DIM_COMPLIANCE,
				 "passed", r[k].violations ? 0 : 1))
			return ST_ERR;
		if (!r[k].violations)
			continue;
		snprintf(rid, sizeof(rid), "compliance.%s", rule->id);
		f.rule = rid;
		memset(&s, 0, sizeof(s));
		s.count = r[k].violations;
		for (size_t i = 0; i < r[k].n_samples && s.n < PROFILE_SAMPLES; i++) {
			const char *name = r[k].sample_name[i];

			snprintf(s.keys[s.n], PROFILE_KEY_MAX, "%s%s%s",
				 name ? name : source_id(x, r[k].sample[i]),
				 name ? "" : ":", name ? "" : key_of(x, r[k].sample[i]));
			s.numbers[s.n++] = i;
		}
		f.samples = &s;
		snprintf(f.message, sizeof(f.message), "%s rule '%s' failed: %llu "
			 "violation%s of %llu checked%s%s",
			 rule->gate ? "gate" : "compliance", rule->id,
			 (unsigned long long)r[k].violations,
			 r[k].violations == 1 ? "" : "s",
			 (unsigned long long)r[k].checked, rule->says ? ": " : "",
			 rule->says ? rule->says : "");
		if ((rc = sink->finding(sink->arg, &f)) != 0)
			return rc;
	}
	return 0;
}

bool settle_gate_failed(const struct identified *id, const char **rule,
			uint64_t *violations)
{
	const struct compliance_result *r;
	size_t n = id->rec ? reconciler_compliance(id->rec, &r) : 0;

	for (size_t k = 0; k < n; k++)
		if (r[k].rule->gate && r[k].violations) {
			*rule = r[k].rule->id;
			*violations = r[k].violations;
			return true;
		}
	return false;
}

int settle_write(const struct identified *id, const struct policy *p,
		 struct store *st, const struct findings_sink *sink,
		 struct diag *d)
{
	struct settle_ctx x = { .id = id, .p = p, .a = BUF_INIT, .b = BUF_INIT,
				.c = BUF_INIT, .reason = BUF_INIT,
				.rests = BUF_INIT };
	const struct golden *g;
	const struct conflict *c;
	size_t ng = reconciler_golden(id->rec, &g);
	size_t nc = reconciler_conflicts(id->rec, &c);
	int rc;

	rc = choose_writes(&x, st, d);
	if (!rc)
		rc = store_add_golden_from(st, ng, golden_row_of, &x, d);
	if (!rc)
		rc = store_add_conflicts_from(st, nc, conflict_row_of, &x, d);
	if (!rc)
		rc = store_add_proposals_from(st, x.n_write, proposal_row_of, &x, d);
	if (!rc && metric(sink, "rejected_before", (double)x.skipped))
		rc = ST_ERR;
	if (!rc && (write_metrics(reconciler_stats(id->rec), sink) ||
		    write_findings(&x, sink) || write_compliance(&x, sink)))
		rc = ST_ERR;
	if (!rc)
		rc = write_coverage(&x, sink);
	buf_release(&x.a);
	buf_release(&x.b);
	buf_release(&x.c);
	buf_release(&x.reason);
	buf_release(&x.rests);
	for (size_t i = 0; i < x.n_rejected; i++)
		xfree(x.rejected[i]);
	for (size_t i = 0; i < x.n_accepted; i++)
		xfree(x.accepted[i]);
	for (size_t i = 0; i < x.n_reviewed; i++)
		xfree(x.reviewed[i]);
	xfree(x.rejected);
	xfree(x.accepted);
	xfree(x.reviewed);
	xfree(x.write);
	xfree(x.carried);
	return rc;
}
