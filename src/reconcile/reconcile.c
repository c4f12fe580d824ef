/*
 * reconcile.c - golden values, conflicts and proposals (see reconcile.h).
 */
#include "reconcile/reconcile.h"

#include <math.h>
#include <strings.h>

#include "policy/trust.h"
#include "profile/sketch.h"
#include "profile/validate.h"
#include "util/arena.h"
#include "util/datetime.h"

/* In a value id: its transform failed (FAILED_BIT), or it is not a valid
 * value of its attribute's type (INVALID_BIT: vent.invalid).  Either copy
 * is unusable: it takes no part in choosing the golden value and is no
 * conflict (the validity findings count it), and the golden value is
 * proposed for it.  The compliance rules still read an invalid value, as
 * they read every value a transform could read. */
#define FAILED_BIT 0x80000000u
#define INVALID_BIT 0x40000000u
#define UNUSABLE (FAILED_BIT | INVALID_BIT)
#define NO_DAYS INT32_MIN

/* The distinct values of one attribute: id i + 1 is v[i]. */
struct vent {
	const char *str;
	size_t len;
	uint64_t hash;
	bool invalid;		/* its validator rejects it (vtab_id()) */
};

struct vtab {
	struct vent *v;
	size_t n, cap;
	/* the id in the low half, the hash's high half above it, so that
	 * most probes settle without touching v; 0 empty */
	uint64_t *slots;
	size_t mask;
	struct validator *validator;	/* the attribute's, or NULL */
};

/* Per (source, mapping): what a copy's trust comes from. */
struct slot_ctx {
	size_t attribute;
	const struct trust_rule *trust;
	double decay_days;
};

/* Records of one source added one after another. */
struct segment {
	uint32_t first;		/* record */
	uint32_t source;
	uint64_t vstart;	/* index of its first record's first value */
};

/* A record's raised trust for one value. */
struct raised {
	uint64_t value;		/* index into vals */
	double start;
	int32_t days;		/* the evidence's date, or NO_DAYS */
};

/* One copy of an attribute within an entity. */
struct copy {
	size_t attribute;
	uint32_t record, value;	/* value id, its UNUSABLE bits, or 0 (missing) */
	uint32_t source;
	int32_t days;
	double trust;
};

struct reconciler {
	const struct policy *p;
	int64_t as_of;
	double auto_approve, review;
	struct arena strings;
	struct buf scratch;		/* the validators' */
	struct vtab *tabs;		/* per attribute */
	struct slot_ctx **ctx;		/* per source, per mapping */
	/* records */
	uint32_t n;
	size_t cap;
	int32_t *days;
	struct segment *segs;
	size_t n_segs, cap_segs;
	uint32_t *vals;
	size_t n_vals, cap_vals;
	struct raised *raised;
	size_t n_raised, cap_raised;
	/* results */
	struct proposal *props;
	size_t n_props, cap_props;
	struct golden *golden;
	size_t n_golden, cap_golden;
	struct conflict *conflicts;
	size_t n_conflicts, cap_conflicts;
	struct compliance_result *comply;	/* per compliance rule */
	/* scratch for gather() */
	struct copy *tmp;
	size_t cap_tmp;
	size_t *attr_start;		/* per attribute + 1 */
	bool *fillable;			/* per source: fills are proposed to it */
	struct copy_counts *counts;	/* per (source, mapping), in order */
	size_t n_counts;
	size_t *count_base;		/* per source: its first count */
	struct reconcile_stats stats;
};

/* ---- values --------------------------------------------------------------- */

#define SLOT_OF(h, id) (((h) & 0xFFFFFFFF00000000u) | (uint64_t)(id))
#define SLOT_TAG(x) ((x) & 0xFFFFFFFF00000000u)

static int vtab_grow(struct vtab *t)
{
	size_t cap = t->mask ? (t->mask + 1) * 2 : 64;
	uint64_t *s = xcalloc(cap, sizeof(*s));

	if (!s)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = (size_t)t->v[i].hash & (cap - 1);

		while (s[j])
			j = (j + 1) & (cap - 1);
		s[j] = SLOT_OF(t->v[i].hash, i + 1);
	}
	xfree(t->slots);
	t->slots = s;
	t->mask = cap - 1;
	return 0;
}

/* Make room for one more value, so that its slot can be fetched early. */
static int vtab_reserve(struct vtab *t)
{
	return (t->n + 1) * 2 > t->mask + 1 ? vtab_grow(t) : 0;
}

/* The id of a value of hash h, added when new; 0 when memory ran out.
 * The table has room (vtab_reserve). */
static uint32_t vtab_id(struct vtab *t, struct arena *a, struct buf *scratch,
			const char *s, size_t len, uint64_t h)
{
	size_t j;
	char *copy;

	for (j = (size_t)h & t->mask; t->slots[j]; j = (j + 1) & t->mask) {
		size_t i = (uint32_t)t->slots[j] - 1;

		if (SLOT_TAG(t->slots[j]) == SLOT_TAG(h) && t->v[i].hash == h &&
		    t->v[i].len == len && !memcmp(t->v[i].str, s, len))
			return (uint32_t)(i + 1);
	}
	if (t->n >= INVALID_BIT - 1 ||
	    xgrow(&t->v, &t->cap, t->n + 1, sizeof(*t->v)))
		return 0;
	if (!(copy = arena_strndup(a, s, len)))
		return 0;
	/* judged once per distinct value (an arena copy: padded), without
	 * the record's country: a postcode is never found invalid here */
	t->v[t->n] = (struct vent){ copy, len, h, t->validator &&
		validity_reason_is_invalid(validator_check_padded(t->validator,
						copy, len, NULL, scratch)) };
	t->slots[j] = SLOT_OF(h, ++t->n);
	return (uint32_t)t->n;
}

static const char *vtab_str(const struct vtab *t, uint32_t id)
{
	id &= ~UNUSABLE;
	return id ? t->v[id - 1].str : NULL;
}

/* ---- set-up --------------------------------------------------------------- */

int reconciler_new(const struct policy *p, int64_t as_of_days,
		   struct reconciler **out)
{
	struct reconciler *rc = xcalloc(1, sizeof(*rc));
	size_t nc = 0;

	*out = NULL;
	if (!rc)
		return ST_ERR_NOMEM;
	rc->p = p;
	rc->as_of = as_of_days;
	rc->auto_approve = p->reconcile.declared ? p->reconcile.auto_approve : 0.9;
	rc->review = p->reconcile.declared ? p->reconcile.review : 0.6;
	arena_init(&rc->strings, 1u << 16);
	buf_init(&rc->scratch, LIMIT_FIELD_BYTES * 2);
	rc->tabs = xcalloc(p->n_attributes ? p->n_attributes : 1, sizeof(*rc->tabs));
	rc->ctx = xcalloc(p->n_sources ? p->n_sources : 1, sizeof(*rc->ctx));
	rc->count_base = xcalloc(p->n_sources + 1, sizeof(*rc->count_base));
	rc->attr_start = xcalloc(p->n_attributes + 1, sizeof(*rc->attr_start));
	rc->comply = xcalloc(p->n_compliance ? p->n_compliance : 1,
			     sizeof(*rc->comply));
	rc->fillable = xcalloc(p->n_sources ? p->n_sources : 1,
			       sizeof(*rc->fillable));
	if (!rc->tabs || !rc->ctx || !rc->count_base || !rc->attr_start ||
	    !rc->comply || !rc->fillable)
		goto nomem;
	for (size_t a = 0; a < p->n_attributes; a++) {
		int vrc = validator_new(&p->attributes[a], &rc->tabs[a].validator);

		if (vrc == ST_ERR_NOMEM)
			goto nomem;
		if (vrc)	/* a pattern the policy check let through */
			rc->tabs[a].validator = NULL;
	}
	for (size_t s = 0; s < p->n_sources; s++) {
		const struct source *src = &p->sources[s];

		rc->count_base[s] = nc;
		nc += src->n_mappings;
		rc->ctx[s] = xcalloc(src->n_mappings ? src->n_mappings : 1,
				     sizeof(**rc->ctx));
		if (!rc->ctx[s])
			goto nomem;
		for (size_t m = 0; m < src->n_mappings; m++) {
			struct slot_ctx *c = &rc->ctx[s][m];
			const struct attribute *a = src->mappings[m].attribute;

			c->attribute = (size_t)(a - p->attributes);
			c->trust = trust_rule_for(p, src, a);
			if (c->trust)
				c->decay_days = (double)duration_approx_seconds(
							&c->trust->decay) / 86400.0;
		}
	}
	rc->count_base[p->n_sources] = nc;
	/* the CRM and the systems of record keep profiles; the other
	 * sources (ticket feeds, mailing lists) record events, whose
	 * missing values are not gaps to fill */
	for (size_t s = 0; s < p->n_sources; s++)
		rc->fillable[s] = p->sources[s].role == ROLE_CRM;
	for (size_t a = 0; a < p->n_attributes; a++)
		if (p->attributes[a].sor)
			rc->fillable[p->attributes[a].sor - p->sources] = true;
	for (size_t i = 0; i < p->n_compliance; i++)
		rc->comply[i].rule = &p->compliance[i];
	rc->n_counts = nc;
	rc->counts = xcalloc(nc ? nc : 1, sizeof(*rc->counts));
	if (!rc->counts)
		goto nomem;
	for (size_t s = 0; s < p->n_sources; s++)
		for (size_t m = 0; m < p->sources[s].n_mappings; m++) {
			struct copy_counts *k = &rc->counts[rc->count_base[s] + m];

			k->source = s;
			k->attribute = rc->ctx[s][m].attribute;
		}
	*out = rc;
	return 0;
nomem:
	reconciler_free(rc);
	return ST_ERR_NOMEM;
}

void reconciler_free(struct reconciler *rc)
{
	if (!rc)
		return;
	for (size_t a = 0; rc->tabs && a < rc->p->n_attributes; a++) {
		xfree(rc->tabs[a].v);
		xfree(rc->tabs[a].slots);
		validator_free(rc->tabs[a].validator);
	}
	for (size_t s = 0; rc->ctx && s < rc->p->n_sources; s++)
		xfree(rc->ctx[s]);
	xfree(rc->tabs);
	xfree(rc->ctx);
	xfree(rc->count_base);
	xfree(rc->counts);
	xfree(rc->days);
	xfree(rc->segs);
	xfree(rc->vals);
	xfree(rc->raised);
	xfree(rc->props);
	xfree(rc->golden);
	xfree(rc->conflicts);
	xfree(rc->tmp);
	xfree(rc->attr_start);
	xfree(rc->comply);
	xfree(rc->fillable);
	arena_release(&rc->strings);
	buf_release(&rc->scratch);
	xfree(rc);
}

/* ---- records -------------------------------------------------------------- */

/* Days since 1970 of a date-like raw value, or NO_DAYS. */
static int32_t parse_days(const char *s, size_t len, const char *formats)
{
	struct datetime dt;
	int64_t d;

	if (!s || !len || date_parse_any(s, len, formats ? formats : "iso8601", &dt))
		return NO_DAYS;
	d = floor_div(dt.secs, DATETIME_DAY_SECS);
	return d > INT32_MIN && d <= INT32_MAX ? (int32_t)d : NO_DAYS;
}

static int32_t updated_days(const struct source *s, const struct record *rec)
{
	size_t u = s->updated_index;

	if (u == SIZE_MAX)
		return NO_DAYS;
	return parse_days(rec->raw[u], rec->raw_len[u],
			  s->updated_format ? s->updated_format : s->fields[u].format);
}

/* Record evidence that raises the trust of value v (index into vals). */
static int note_evidence(struct reconciler *rc, const struct source *s,
			 const struct trust_rule *t, const struct record *rec,
			 uint64_t v)
{
	for (size_t i = 0; t && i < t->n_evidence; i++) {
		const struct evidence *e = &t->evidence[i];
		const char *x = e->field_index != SIZE_MAX ? rec->raw[e->field_index] : NULL;
		struct raised *r;

		if (!x || strcmp(x, e->equals))
			continue;
		if (xgrow(&rc->raised, &rc->cap_raised, rc->n_raised + 1,
			  sizeof(*rc->raised)))
			return ST_ERR_NOMEM;
		r = &rc->raised[rc->n_raised++];
		r->value = v;
		r->start = e->raise_to;
		r->days = e->dated_index == SIZE_MAX ? NO_DAYS :
			  parse_days(rec->raw[e->dated_index],
				     rec->raw_len[e->dated_index],
				     s->fields[e->dated_index].format);
		return 0;
	}
	return 0;
}

int reconciler_add(struct reconciler *rc, size_t s, const struct record *rec)
{
	const struct source *src = &rc->p->sources[s];
	size_t nm = src->n_mappings;
	uint64_t v0 = rc->n_vals;
	uint64_t h[32];

	if (rc->n == UINT32_MAX - 1)
		return ST_ERR_NOMEM;	/* record indexes are 32-bit */
	if (!rc->n_segs || rc->segs[rc->n_segs - 1].source != s) {
		if (xgrow(&rc->segs, &rc->cap_segs, rc->n_segs + 1, sizeof(*rc->segs)))
			return ST_ERR_NOMEM;
		rc->segs[rc->n_segs++] = (struct segment){ rc->n, (uint32_t)s, v0 };
	}
	if (xgrow(&rc->days, &rc->cap, (size_t)rc->n + 1, sizeof(*rc->days)) ||
	    xgrow(&rc->vals, &rc->cap_vals, rc->n_vals + nm, sizeof(*rc->vals)))
		return ST_ERR_NOMEM;
	rc->days[rc->n] = updated_days(src, rec);
	/* hash every value and fetch its first slot before probing any, so
	 * that the cache misses of one record's values overlap */
	for (size_t m = 0; m < nm && m < ARRAY_SIZE(h); m++) {
		struct vtab *t = &rc->tabs[rc->ctx[s][m].attribute];

		if (!rec->value || !rec->value[m] || !rec->value_len[m])
			continue;
		if (vtab_reserve(t))
			return ST_ERR_NOMEM;
		h[m] = sketch_hash(rec->value[m], rec->value_len[m]);
		__builtin_prefetch(&t->slots[(size_t)h[m] & t->mask]);
	}
	for (size_t m = 0; m < nm; m++) {
		struct vtab *t = &rc->tabs[rc->ctx[s][m].attribute];
		uint32_t id = 0;

		if (rec->value && rec->value[m] && rec->value_len[m]) {
			if (vtab_reserve(t))
				return ST_ERR_NOMEM;
			id = vtab_id(t, &rc->strings, &rc->scratch, rec->value[m],
				     rec->value_len[m],
				     m < ARRAY_SIZE(h) ? h[m] :
				     sketch_hash(rec->value[m], rec->value_len[m]));
			if (!id)
				return ST_ERR_NOMEM;
			if (rec->why && rec->why[m])
				id |= FAILED_BIT;
			else if (t->v[id - 1].invalid)
				id |= INVALID_BIT;
			else if (note_evidence(rc, src, rc->ctx[s][m].trust, rec,
					       v0 + m))
				return ST_ERR_NOMEM;
		}
		rc->vals[v0 + m] = id;
	}
	rc->n_vals += nm;
	rc->n++;
	return 0;
}

bool reconciler_reads_field(const struct reconciler *rc, size_t s, size_t f)
{
	const struct source *src = &rc->p->sources[s];

	if (f == src->updated_index)
		return true;
	for (size_t m = 0; m < src->n_mappings; m++) {
		const struct trust_rule *t = rc->ctx[s][m].trust;

		for (size_t i = 0; t && i < t->n_evidence; i++)
			if (t->evidence[i].field_index == f ||
			    t->evidence[i].dated_index == f)
				return true;
	}
	return false;
}

size_t reconciler_records(const struct reconciler *rc)
{
	return rc->n;
}

static const struct segment *segment_of(const struct reconciler *rc, uint32_t i)
{
	size_t lo = 0, hi = rc->n_segs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (rc->segs[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return &rc->segs[lo];
}

size_t reconciler_source(const struct reconciler *rc, size_t record)
{
	return segment_of(rc, (uint32_t)record)->source;
}

/* ---- trust -------------------------------------------------------------- */

static const struct raised *raised_for(const struct reconciler *rc, uint64_t v)
{
	size_t lo = 0, hi = rc->n_raised;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rc->raised[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rc->n_raised && rc->raised[lo].value == v ? &rc->raised[lo] : NULL;
}

/* The trust of value v of record i (source s, mapping m); its date, the
 * evidence's when that is later, into *days. */
static double copy_trust(const struct reconciler *rc, uint32_t i, size_t s,
			 size_t m, uint64_t v, int32_t *days)
{
	const struct slot_ctx *c = &rc->ctx[s][m];
	const struct raised *r;
	double start;
	int32_t when = rc->days[i];

	*days = when;
	if (!c->trust)
		return RECONCILE_NO_TRUST;
	start = c->trust->max;
	if (rc->n_raised && (r = raised_for(rc, v)) != NULL) {
		start = r->start;
		if (r->days != NO_DAYS && (when == NO_DAYS || r->days > when))
			when = r->days;
		*days = when;
	}
	/* a value of unknown age has decayed as far as it can */
	if (when == NO_DAYS)
		return c->trust->min;
	return trust_curve_at(c->trust->curve, start, c->trust->min,
			      c->decay_days, (double)(rc->as_of - when));
}

static double clamp_trust(double t)
{
	return t < 0.01 ? 0.01 : t > 0.99 ? 0.99 : t;
}

double reconcile_confidence(double p, double trust, double runner_trust)
{
	double tw = clamp_trust(trust), tr, a, b;

	if (runner_trust < 0)
		return p * tw;
	tr = clamp_trust(runner_trust);
	a = tw * (1 - tr);
	b = tr * (1 - tw);
	return p * a / (a + b);
}

/* ---- choosing ------------------------------------------------------------- */

static bool present(const struct copy *c)
{
	return c->value && !(c->value & UNUSABLE);
}

/* Does the copy hold a value its transforms could read, valid or not?
 * What the compliance rules judge. */
static bool held(const struct copy *c)
{
	return c->value && !(c->value & FAILED_BIT);
}

/* Is a before b at the end (recency, then source, then record)? */
static bool tie_before(const struct copy *a, const struct copy *b)
{
	if (a->days != b->days)
		return a->days > b->days;
	if (a->source != b->source)
		return a->source < b->source;
	return a->record < b->record;
}

/* How many of the present copies cp[0..n) hold value v. */
static size_t frequency(const struct copy *cp, size_t n, uint32_t v)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += present(&cp[i]) && cp[i].value == v;
	return k;
}

/* Keep in keep[] (flags over cp[0..n)) the copies strategy st ranks first.
 * False when it could not rank them: system-of-record without a usable
 * copy from the system of record. */
static bool apply_strategy(const struct reconciler *rc, enum survivor_strategy st,
			   const struct attribute *a, const struct copy *cp,
			   size_t n, bool *keep)
{
	double best = -INFINITY;
	bool any_sor = false;

	for (size_t i = 0; i < n; i++) {
		double score;

		if (!keep[i])
			continue;
		switch (st) {
		case SURV_SYSTEM_OF_RECORD:
			any_sor |= a->sor && &rc->p->sources[cp[i].source] == a->sor;
			continue;
		case SURV_HIGHEST_TRUST:
			score = cp[i].trust;
			break;
		case SURV_MOST_RECENT:
			score = cp[i].days;
			break;
		case SURV_MOST_FREQUENT:
		default:
			score = (double)frequency(cp, n, cp[i].value);
			break;
		}
		best = fmax(best, score);
	}
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		switch (st) {
		case SURV_SYSTEM_OF_RECORD:
			keep[i] = !any_sor || &rc->p->sources[cp[i].source] == a->sor;
			break;
		case SURV_HIGHEST_TRUST:
			keep[i] = cp[i].trust == best;
			break;
		case SURV_MOST_RECENT:
			keep[i] = cp[i].days == best;
			break;
		case SURV_MOST_FREQUENT:
		default:
			keep[i] = (double)frequency(cp, n, cp[i].value) == best;
			break;
		}
	}
	return st != SURV_SYSTEM_OF_RECORD || any_sor;
}

static bool others_left(const struct copy *cp, size_t n, const bool *keep,
			uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] && cp[i].value != v)
			return true;
	return false;
}

static const enum survivor_strategy default_order[] = {
	SURV_SYSTEM_OF_RECORD, SURV_HIGHEST_TRUST, SURV_MOST_RECENT,
	SURV_MOST_FREQUENT
};

struct choice {
	size_t winner, runner;		/* indexes into cp; runner SIZE_MAX */
	int decided_by;
	size_t values;
};

/* Choose among the present copies cp[0..n) (keep is scratch). */
static struct choice choose(const struct reconciler *rc,
			    const struct attribute *a, const struct copy *cp,
			    size_t n, bool *keep)
{
	const struct survivorship *sv = policy_survivorship(rc->p, a);
	const enum survivor_strategy *order = sv ? sv->order : default_order;
	size_t n_order = sv ? sv->n_order : ARRAY_SIZE(default_order);
	struct choice ch = { SIZE_MAX, SIZE_MAX, DECIDED_TIE_BREAK, 0 };
	bool settled = false;

	for (size_t i = 0; i < n; i++) {
		keep[i] = present(&cp[i]);
		if (keep[i] && frequency(cp, i, cp[i].value) == 0)
			ch.values++;
	}
	/* the strategies narrow the field; the first after which one value
	 * is left decided it, unless it ranked nothing (a system of record
	 * without a usable copy does not decide for another source) */
	for (size_t k = 0; k < n_order; k++) {
		size_t first = SIZE_MAX;
		bool ranked = apply_strategy(rc, order[k], a, cp, n, keep);

		for (size_t i = 0; i < n && first == SIZE_MAX; i++)
			if (keep[i])
				first = i;
		if (!settled && ranked && first != SIZE_MAX &&
		    !others_left(cp, n, keep, cp[first].value)) {
			ch.decided_by = (int)order[k];
			settled = true;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i] && (ch.winner == SIZE_MAX || tie_before(&cp[i], &cp[ch.winner])))
			ch.winner = i;
	/* the best copy of another value, by trust, then as the tie-break;
	 * not an older record of the winner's own source, which that
	 * source's newer record supersedes */
	for (size_t i = 0; ch.winner != SIZE_MAX && i < n; i++) {
		const struct copy *c = &cp[i], *w = &cp[ch.winner], *r;

		if (!present(c) || c->value == w->value ||
		    (c->source == w->source && c->days < w->days))
			continue;
		r = ch.runner == SIZE_MAX ? NULL : &cp[ch.runner];
		if (!r || c->trust > r->trust ||
		    (c->trust == r->trust && tie_before(c, r)))
			ch.runner = i;
	}
	return ch;
}

/* ---- results -------------------------------------------------------------- */

static void sample(uint32_t *out, uint64_t n_before, uint32_t record)
{
	if (n_before < RECONCILE_SAMPLES)
		out[n_before] = record;
}

/* A possible match a proposal rests on: the pair, and its record on the
 * target's side. */
struct resting {
	const struct possible_pair *pair;
	uint32_t self, other;
};

static int propose(struct reconciler *rc, enum proposal_kind kind,
		   const struct copy *target, const struct copy *win,
		   const struct copy *run, const struct choice *ch,
		   const struct copy *sor, const double *p_member, uint32_t entity,
		   const struct resting *on)
{
	const struct vtab *t = &rc->tabs[win->attribute];
	double p = fmin(p_member[target->record], p_member[win->record]);
	double conf;
	struct proposal *pr;

	if (on)
		p = fmin(p, on->pair->probability);
	conf = reconcile_confidence(p, win->trust, run ? run->trust : -1);
	if (kind != PROPOSE_FLAG && conf < rc->review) {
		rc->stats.below++;
		return 0;
	}
	if (xgrow(&rc->props, &rc->cap_props, rc->n_props + 1, sizeof(*rc->props)))
		return ST_ERR_NOMEM;
	pr = &rc->props[rc->n_props++];
	pr->kind = kind;
	pr->status = kind != PROPOSE_FLAG && !on && conf >= rc->auto_approve ?
		     PROPOSAL_AUTO_APPROVED : PROPOSAL_PENDING;
	pr->pair_self = on ? on->self : UINT32_MAX;
	pr->pair_other = on ? on->other : UINT32_MAX;
	pr->pair_probability = on ? on->pair->probability : 0;
	rc->stats.possible += on != NULL;
	pr->record = target->record;
	pr->origin = win->record;
	pr->entity = entity;
	pr->attribute = win->attribute;
	pr->current = vtab_str(t, target->value);
	pr->proposed = vtab_str(t, win->value);
	pr->origin_days = win->days == NO_DAYS ? INT64_MIN : win->days;
	pr->confidence = conf;
	pr->trust = win->trust;
	pr->runner_trust = run ? run->trust : -1;
	pr->runner = run ? vtab_str(t, run->value) : NULL;
	pr->runner_record = run ? run->record : UINT32_MAX;
	pr->decided_by = ch->decided_by;
	pr->over_sor = sor && sor->value != win->value;
	pr->current_invalid = target->value & UNUSABLE;
	pr->values = (unsigned)ch->values;
	if (pr->status == PROPOSAL_AUTO_APPROVED)
		rc->stats.auto_approved++;
	else
		rc->stats.pending++;
	rc->stats.updates += kind == PROPOSE_UPDATE;
	rc->stats.fills += kind == PROPOSE_FILL;
	rc->stats.flags += kind == PROPOSE_FLAG;
	return 0;
}

/* The system of record's best copy (by the tie-break order) among the
 * usable ones, or among those it holds at all, or NULL. */
static const struct copy *sor_copy(const struct reconciler *rc,
				   const struct attribute *a,
				   const struct copy *cp, size_t n, bool usable)
{
	const struct copy *best = NULL;

	for (size_t i = 0; a->sor && i < n; i++)
		if ((usable ? present(&cp[i]) : held(&cp[i])) &&
		    &rc->p->sources[cp[i].source] == a->sor &&
		    (!best || tie_before(&cp[i], best)))
			best = &cp[i];
	return best;
}

static int note_conflict(struct reconciler *rc, const struct copy *c,
			 const struct copy *win, uint32_t entity, bool stale)
{
	const struct vtab *t = &rc->tabs[c->attribute];
	struct conflict *x;

	if (xgrow(&rc->conflicts, &rc->cap_conflicts, rc->n_conflicts + 1,
		  sizeof(*rc->conflicts)))
		return ST_ERR_NOMEM;
	x = &rc->conflicts[rc->n_conflicts++];
	x->record = c->record;
	x->entity = entity;
	x->attribute = c->attribute;
	x->value = vtab_str(t, c->value);
	x->golden = vtab_str(t, win->value);
	x->stale = stale;
	rc->stats.conflicts++;
	rc->stats.stale += stale;
	return 0;
}

/* The counts of a copy's (source, attribute): the source maps it. */
static struct copy_counts *counts_for(struct reconciler *rc, const struct copy *c)
{
	size_t j = rc->count_base[c->source];

	while (j + 1 < rc->count_base[c->source + 1] &&
	       rc->counts[j].attribute != c->attribute)
		j++;
	return &rc->counts[j];
}

static void violation(struct compliance_result *r, uint32_t record)
{
	if (r->n_samples < RECONCILE_SAMPLES)
		r->sample[r->n_samples++] = record;
	r->violations++;
}

/* The rules about one attribute's copies within one person: consent (an
 * opt-out in the system of record is an opt-out everywhere) and copy lag
 * (a copy that disagrees with the system of record's value and is older
 * than it by more than the lag). */
static void comply_copies(struct reconciler *rc, const struct copy *cp,
			  size_t n, const struct copy *sor)
{
	const struct vtab *t = &rc->tabs[cp[0].attribute];

	for (size_t k = 0; k < rc->p->n_compliance; k++) {
		struct compliance_result *r = &rc->comply[k];
		const struct compliance_rule *rule = r->rule;
		double lag;

		if (!rule->attribute ||
		    (size_t)(rule->attribute - rc->p->attributes) != cp[0].attribute ||
		    !sor)
			continue;
		if (rule->kind == COMPLY_CONSENT) {
			bool out = false;

			for (size_t i = 0; i < n && !out; i++)
				out = held(&cp[i]) && cp[i].source == sor->source &&
				      !strcasecmp(vtab_str(t, cp[i].value),
						  rule->opted_out);
			if (!out)
				continue;
			r->checked++;
			for (size_t i = 0; i < n; i++) {
				struct copy_counts *cc;

				if (!held(&cp[i]) || cp[i].source == sor->source)
					continue;
				cc = counts_for(rc, &cp[i]);
				cc->comply_checked++;
				if (strcasecmp(vtab_str(t, cp[i].value), rule->opted_out)) {
					cc->comply_violations++;
					violation(r, cp[i].record);
				}
			}
		} else if (rule->kind == COMPLY_COPY_LAG) {
			lag = (double)duration_approx_seconds(&rule->max_lag) / 86400.0;
			for (size_t i = 0; i < n; i++) {
				const struct copy *c = &cp[i];

				struct copy_counts *cc;

				if (!held(c) || c->source == sor->source)
					continue;
				r->checked++;
				cc = counts_for(rc, c);
				cc->comply_checked++;
				if (c->value != sor->value && c->days != NO_DAYS &&
				    sor->days != NO_DAYS &&
				    (double)(sor->days - c->days) > lag) {
					cc->comply_violations++;
					violation(r, c->record);
				}
			}
		}
	}
}

/* The rules about the policy itself and where personal data lives. */
static void comply_policy(struct reconciler *rc)
{
	const struct policy *p = rc->p;

	for (size_t k = 0; k < p->n_compliance; k++) {
		struct compliance_result *r = &rc->comply[k];

		switch (r->rule->kind) {
		case COMPLY_SINGLE_SOR:
			r->checked = p->n_attributes;
			for (size_t a = 0; a < p->n_attributes; a++)
				if (!p->attributes[a].sor && r->n_samples < RECONCILE_SAMPLES) {
					r->sample_name[r->n_samples++] = p->attributes[a].id;
					r->violations++;
				}
			break;
		case COMPLY_SOURCES_OWNED:
			r->checked = p->n_sources;
			for (size_t s = 0; s < p->n_sources; s++)
				if (!p->sources[s].owner && r->n_samples < RECONCILE_SAMPLES) {
					r->sample_name[r->n_samples++] = p->sources[s].id;
					r->violations++;
				}
			break;
		case COMPLY_PERSONAL_DATA:
			/* every personal value held by a source declared to
			 * hold none */
			for (size_t j = 0; j < rc->n_counts; j++) {
				struct copy_counts *c = &rc->counts[j];

				if (!p->attributes[c->attribute].personal)
					continue;
				r->checked += c->copies;
				c->comply_checked += c->copies;
				if (p->sources[c->source].personal_data || !c->copies)
					continue;
				r->violations += c->copies;
				c->comply_violations += c->copies;
				if (r->n_samples < RECONCILE_SAMPLES)
					r->sample_name[r->n_samples++] =
						p->sources[c->source].id;
			}
			break;
		default:
			break;
		}
	}
}

/* Reconcile one attribute of one entity: its copies cp[0..n). */
static int settle(struct reconciler *rc, uint32_t entity, const struct copy *cp,
		  size_t n, bool *keep, const double *p_member)
{
	const struct attribute *a = &rc->p->attributes[cp[0].attribute];
	const struct vtab *t = &rc->tabs[cp[0].attribute];
	struct choice ch = choose(rc, a, cp, n, keep);
	const struct copy *win, *run, *sor;

	for (size_t i = 0; i < n; i++) {
		struct copy_counts *k = counts_for(rc, &cp[i]);

		if (cp[i].value) {
			rc->stats.copies++;
			k->copies++;
		}
	}
	comply_copies(rc, cp, n, sor_copy(rc, a, cp, n, false));
	if (ch.winner == SIZE_MAX)
		return 0;	/* no copy holds a usable value */
	win = &cp[ch.winner];
	run = ch.runner == SIZE_MAX ? NULL : &cp[ch.runner];
	sor = sor_copy(rc, a, cp, n, true);
	rc->stats.golden++;
	if (ch.values > 1) {
		struct golden *g;

		rc->stats.contested++;
		if (xgrow(&rc->golden, &rc->cap_golden, rc->n_golden + 1,
			  sizeof(*rc->golden)))
			return ST_ERR_NOMEM;
		g = &rc->golden[rc->n_golden++];
		g->entity = entity;
		g->attribute = win->attribute;
		g->winner = win->record;
		g->value = vtab_str(t, win->value);
		g->days = win->days == NO_DAYS ? INT64_MIN : win->days;
		g->trust = win->trust;
		g->decided_by = ch.decided_by;
		g->runner = run ? run->record : UINT32_MAX;
		g->runner_value = run ? vtab_str(t, run->value) : NULL;
		g->runner_trust = run ? run->trust : -1;
		g->copies = (uint32_t)n;
		g->values = (uint32_t)ch.values;
	}
	for (size_t i = 0; i < n; i++) {
		const struct copy *c = &cp[i];
		enum proposal_kind kind = PROPOSE_UPDATE;
		int rc2;

		if (c->value == win->value && c->record == win->record)
			continue;
		if (!c->value) {
			if (!rc->fillable[c->source])
				continue;
			kind = PROPOSE_FILL;
		} else if (c->value == win->value) {
			continue;
		} else if (c->value & UNUSABLE) {
			/* invalid, not a disagreement: the validity findings
			 * count it; the golden value is proposed for it */
		} else {
			struct copy_counts *k = counts_for(rc, c);
			bool stale = sor && c->source != sor->source &&
				     c->days != NO_DAYS && sor->days != NO_DAYS &&
				     c->days < sor->days;

			if (note_conflict(rc, c, win, entity, stale))
				return ST_ERR_NOMEM;
			sample(k->conflict_rec, k->conflicts, c->record);
			k->conflicts++;
			if (stale) {
				sample(k->stale_rec, k->stale, c->record);
				k->stale++;
			}
			if (ch.decided_by == DECIDED_TIE_BREAK)
				kind = PROPOSE_FLAG;
		}
		rc2 = propose(rc, kind, c, win, run, &ch, sor, p_member, entity,
			      NULL);
		if (rc2)
			return rc2;
	}
	return 0;
}

/* Gather entity e's copies (records rec[0..n), in record order) into
 * *cp, grouped by attribute: into *tmp first, then a counting sort by
 * attribute (stable, so each group stays in record order). */
static int gather(struct reconciler *rc, const uint32_t *rec, size_t n,
		  struct copy **cp, size_t *cap, size_t *count)
{
	size_t k = 0, na = rc->p->n_attributes;
	size_t *at = rc->attr_start;

	for (size_t j = 0; j < n; j++) {
		const struct segment *sg = segment_of(rc, rec[j]);
		const struct source *src = &rc->p->sources[sg->source];
		uint64_t base = sg->vstart + (uint64_t)(rec[j] - sg->first) * src->n_mappings;

		if (xgrow(&rc->tmp, &rc->cap_tmp, k + src->n_mappings,
			  sizeof(*rc->tmp)))
			return ST_ERR_NOMEM;
		for (size_t m = 0; m < src->n_mappings; m++) {
			struct copy *c = &rc->tmp[k++];

			c->attribute = rc->ctx[sg->source][m].attribute;
			c->record = rec[j];
			c->value = rc->vals[base + m];
			c->source = sg->source;
			c->trust = c->value ? copy_trust(rc, rec[j], sg->source, m,
							 base + m, &c->days) : 0;
			if (!c->value)
				c->days = rc->days[rec[j]];
		}
	}
	if (xgrow(cp, cap, k ? k : 1, sizeof(**cp)))
		return ST_ERR_NOMEM;
	memset(at, 0, (na + 1) * sizeof(*at));
	for (size_t i = 0; i < k; i++)
		at[rc->tmp[i].attribute + 1]++;
	for (size_t a = 0; a < na; a++)
		at[a + 1] += at[a];
	for (size_t i = 0; i < k; i++)
		(*cp)[at[rc->tmp[i].attribute]++] = rc->tmp[i];
	*count = k;
	return 0;
}

/* Values record i holds of its source's mappings. */
static unsigned filled(const struct reconciler *rc, uint32_t i, size_t *mapped)
{
	const struct segment *sg = segment_of(rc, i);
	size_t nm = rc->p->sources[sg->source].n_mappings;
	uint64_t base = sg->vstart + (uint64_t)(i - sg->first) * nm;
	unsigned k = 0;

	for (size_t m = 0; m < nm; m++) {
		uint32_t v = rc->vals[base + m];

		k += v && !(v & FAILED_BIT);
	}
	*mapped = nm;
	return k;
}

/* Records of one source that are one person, rec[0..n) (in record order,
 * so a source's records are together): merge each into the survivor. */
static int merge_duplicates(struct reconciler *rc, uint32_t entity,
			    const uint32_t *rec, size_t n, const double *p_member)
{
	for (size_t i = 0; i < n;) {
		size_t j = i, s = reconciler_source(rc, rec[i]), best = i, mapped;

		while (j < n && reconciler_source(rc, rec[j]) == s)
			j++;
		/* a feed of events (tickets) has many records of one person */
		if (!rc->fillable[s]) {
			i = j;
			continue;
		}
		unsigned best_filled = filled(rc, rec[i], &mapped);

		for (size_t k = i + 1; k < j; k++) {
			uint32_t a = rec[k], b = rec[best];
			unsigned fa = filled(rc, a, &mapped);

			if (rc->days[a] > rc->days[b] ||
			    (rc->days[a] == rc->days[b] && fa > best_filled)) {
				best = k;
				best_filled = fa;
			}
		}
		for (size_t k = i; k < j && j - i > 1; k++) {
			uint32_t t = rec[k], w = rec[best];
			double conf = fmin(p_member[t], p_member[w]);
			struct proposal *pr;

			if (k == best)
				continue;
			if (conf < rc->review) {
				rc->stats.below++;
				continue;
			}
			if (xgrow(&rc->props, &rc->cap_props, rc->n_props + 1,
				  sizeof(*rc->props)))
				return ST_ERR_NOMEM;
			pr = &rc->props[rc->n_props++];
			memset(pr, 0, sizeof(*pr));
			pr->kind = PROPOSE_MERGE;
			pr->status = conf >= rc->auto_approve ? PROPOSAL_AUTO_APPROVED :
				     PROPOSAL_PENDING;
			pr->record = t;
			pr->origin = w;
			pr->entity = entity;
			pr->attribute = SIZE_MAX;
			pr->origin_days = rc->days[w] == NO_DAYS ? INT64_MIN : rc->days[w];
			pr->confidence = conf;
			pr->runner_trust = -1;
			pr->runner_record = UINT32_MAX;
			pr->decided_by = SURV_MOST_RECENT;
			pr->pair_self = pr->pair_other = UINT32_MAX;
			pr->filled = filled(rc, t, &mapped);
			pr->origin_filled = filled(rc, w, &mapped);
			pr->mapped = (unsigned)mapped;
			if (pr->status == PROPOSAL_AUTO_APPROVED)
				rc->stats.auto_approved++;
			else
				rc->stats.pending++;
			rc->stats.merges++;
		}
		i = j;
	}
	return 0;
}

/* ---- possible matches ----------------------------------------------------- */

/* Whether a proposal of the first n (in entity order) is for record i's
 * attribute a, in entity e. */
static bool proposed(const struct reconciler *rc, size_t n, uint32_t e,
		     uint32_t i, size_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rc->props[mid].entity < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && rc->props[lo].entity == e; lo++)
		if (rc->props[lo].record == i && rc->props[lo].attribute == a)
			return true;
	return false;
}

/* One attribute of two entities taken as one person, copies cp[0..n):
 * propose to the records of each side what the other side's copy wins. */
static int settle_possible(struct reconciler *rc, const struct copy *cp,
			   size_t n, bool *keep, const uint32_t *entity,
			   const double *p_member, const struct possible_pair *pp,
			   size_t n_main)
{
	const struct attribute *a = &rc->p->attributes[cp[0].attribute];
	struct choice ch = choose(rc, a, cp, n, keep);
	const struct copy *win, *run, *sor;

	/* nothing usable, or nothing but the tie-break: no flag is raised
	 * on an identity nobody has confirmed */
	if (ch.winner == SIZE_MAX || ch.decided_by == DECIDED_TIE_BREAK)
		return 0;
	win = &cp[ch.winner];
	run = ch.runner == SIZE_MAX ? NULL : &cp[ch.runner];
	sor = sor_copy(rc, a, cp, n, true);
	for (size_t i = 0; i < n; i++) {
		const struct copy *c = &cp[i];
		uint32_t e = entity[c->record];
		bool a_side = e == entity[pp->a];
		struct resting on = { pp, a_side ? pp->a : pp->b,
				      a_side ? pp->b : pp->a };
		enum proposal_kind kind = PROPOSE_UPDATE;
		int rc2;

		if (e == entity[win->record] || c->value == win->value)
			continue;
		if (!c->value) {
			if (!rc->fillable[c->source])
				continue;
			kind = PROPOSE_FILL;
		}
		if (proposed(rc, n_main, e, c->record, c->attribute))
			continue;	/* its own person's evidence decides */
		rc2 = propose(rc, kind, c, win, run, &ch, sor, p_member, e, &on);
		if (rc2)
			return rc2;
	}
	return 0;
}

struct pair_at {
	uint32_t ea, eb;	/* ea < eb */
	double p;
	size_t k;		/* index into the pairs */
};

static int pair_at_cmp(const void *x, const void *y)
{
	const struct pair_at *a = x, *b = y;

	if (a->ea != b->ea)
		return a->ea < b->ea ? -1 : 1;
	if (a->eb != b->eb)
		return a->eb < b->eb ? -1 : 1;
	if (a->p != b->p)
		return a->p > b->p ? -1 : 1;	/* the strongest first */
	return a->k < b->k ? -1 : a->k > b->k;
}

static int proposal_cmp(const void *x, const void *y)
{
	const struct proposal *a = x, *b = y;

	if (a->entity != b->entity)
		return a->entity < b->entity ? -1 : 1;
	if (a->attribute != b->attribute)
		return a->attribute < b->attribute ? -1 : 1;
	if (a->record != b->record)
		return a->record < b->record ? -1 : 1;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	return a->origin < b->origin ? -1 : a->origin > b->origin;
}

/* Undo a proposal's counts: a possible match's, for a record and
 * attribute another possible match proposes more surely. */
static void uncount(struct reconciler *rc, const struct proposal *pr)
{
	if (pr->status == PROPOSAL_AUTO_APPROVED)
		rc->stats.auto_approved--;
	else
		rc->stats.pending--;
	rc->stats.updates -= pr->kind == PROPOSE_UPDATE;
	rc->stats.fills -= pr->kind == PROPOSE_FILL;
	rc->stats.possible--;
}

/* Put the possible matches' proposals, props[n_main..], in order among
 * the others (entity, attribute, record; those are in order already, and
 * none shares a record and attribute with a possible match's), keeping
 * the most confident of each record and attribute: the few are sorted,
 * then merged in from the end. */
static int order_proposals(struct reconciler *rc, size_t n_main)
{
	struct proposal *tail = rc->props + n_main, *few;
	size_t m = 0, i, j, k;

	qsort(tail, rc->n_props - n_main, sizeof(*tail), proposal_cmp);
	for (i = 0; i < rc->n_props - n_main; i++) {
		const struct proposal *last = m ? &tail[m - 1] : NULL;

		if (last && last->entity == tail[i].entity &&
		    last->attribute == tail[i].attribute &&
		    last->record == tail[i].record) {
			uncount(rc, &tail[i]);
			continue;
		}
		tail[m++] = tail[i];
	}
	if (!(few = xmalloc(m ? m * sizeof(*few) : 1)))
		return ST_ERR_NOMEM;
	memcpy(few, tail, m * sizeof(*few));
	for (i = n_main, j = m, k = n_main + m; j > 0;) {
		if (i > 0 && proposal_cmp(&rc->props[i - 1], &few[j - 1]) > 0)
			rc->props[--k] = rc->props[--i];
		else
			rc->props[--k] = few[--j];
	}
	rc->n_props = n_main + m;
	xfree(few);
	return 0;
}

static int possible_matches(struct reconciler *rc, const uint32_t *entity,
			    const double *p_member, const uint32_t *by,
			    const size_t *start, const struct possible_pair *pairs,
			    size_t n_pairs, struct copy **cp, size_t *cap,
			    bool **keep, size_t *keep_cap)
{
	struct pair_at *at = xcalloc(n_pairs ? n_pairs : 1, sizeof(*at));
	uint32_t *rec = NULL;
	size_t m = 0, n_main = rc->n_props, rec_cap = 0;
	int rc2 = 0;

	if (!at)
		return ST_ERR_NOMEM;
	for (size_t k = 0; k < n_pairs; k++) {
		uint32_t ea = entity[pairs[k].a], eb = entity[pairs[k].b];

		if (ea != eb)
			at[m++] = (struct pair_at){ ea < eb ? ea : eb,
						    ea < eb ? eb : ea,
						    pairs[k].probability, k };
	}
	qsort(at, m, sizeof(*at), pair_at_cmp);
	for (size_t k = 0; k < m && !rc2; k++) {
		const struct pair_at *x = &at[k];
		const uint32_t *ra = by + start[x->ea], *rb = by + start[x->eb];
		size_t na = start[x->ea + 1] - start[x->ea];
		size_t nb = start[x->eb + 1] - start[x->eb], n = 0, i = 0, j = 0;

		if (k && at[k - 1].ea == x->ea && at[k - 1].eb == x->eb)
			continue;	/* a weaker pair of the same two */
		if (xgrow(&rec, &rec_cap, na + nb, sizeof(*rec))) {
			rc2 = ST_ERR_NOMEM;
			break;
		}
		/* both in record order, and so the union */
		while (i < na || j < nb)
			rec[n++] = j == nb || (i < na && ra[i] < rb[j]) ? ra[i++] : rb[j++];
		if ((rc2 = gather(rc, rec, n, cp, cap, &n)))
			break;
		if (xgrow(keep, keep_cap, n ? n : 1, sizeof(**keep))) {
			rc2 = ST_ERR_NOMEM;
			break;
		}
		for (size_t s = 0; s < n && !rc2;) {
			size_t e = s;

			while (e < n && (*cp)[e].attribute == (*cp)[s].attribute)
				e++;
			rc2 = settle_possible(rc, *cp + s, e - s, *keep, entity,
					      p_member, &pairs[x->k], n_main);
			s = e;
		}
	}
	if (!rc2 && rc->n_props > n_main)
		rc2 = order_proposals(rc, n_main);
	xfree(at);
	xfree(rec);
	return rc2;
}

int reconciler_run(struct reconciler *rc, const uint32_t *entity,
		   const double *p_member, size_t n_entities,
		   const struct possible_pair *pairs, size_t n_pairs)
{
	size_t *start = xcalloc(n_entities + 1, sizeof(*start));
	uint32_t *by = xcalloc(rc->n ? rc->n : 1, sizeof(*by));
	struct copy *cp = NULL;
	bool *keep = NULL;
	size_t cap = 0, keep_cap = 0;
	int rc2 = 0;

	if (!start || !by) {
		rc2 = ST_ERR_NOMEM;
		goto out;
	}
	rc->stats.records = rc->n;
	/* records entity by entity, each in record order */
	for (uint32_t i = 0; i < rc->n; i++)
		start[entity[i] + 1]++;
	for (size_t e = 0; e < n_entities; e++)
		start[e + 1] += start[e];
	for (uint32_t i = 0; i < rc->n; i++)
		by[start[entity[i]]++] = i;
	for (size_t e = n_entities; e > 0; e--)
		start[e] = start[e - 1];
	start[0] = 0;
	for (size_t e = 0; e < n_entities && !rc2; e++) {
		size_t n, from = start[e];

		if ((rc2 = gather(rc, by + from, start[e + 1] - from, &cp, &cap, &n)))
			break;
		if (xgrow(&keep, &keep_cap, n ? n : 1, sizeof(*keep))) {
			rc2 = ST_ERR_NOMEM;
			break;
		}
		for (size_t i = 0; i < n && !rc2;) {
			size_t j = i;

			while (j < n && cp[j].attribute == cp[i].attribute)
				j++;
			rc2 = settle(rc, (uint32_t)e, cp + i, j - i, keep, p_member);
			i = j;
		}
		if (!rc2 && start[e + 1] - from > 1)
			rc2 = merge_duplicates(rc, (uint32_t)e, by + from,
					       start[e + 1] - from, p_member);
	}
	if (!rc2 && n_pairs)
		rc2 = possible_matches(rc, entity, p_member, by, start, pairs,
				       n_pairs, &cp, &cap, &keep, &keep_cap);
	if (!rc2)
		comply_policy(rc);
out:
	xfree(start);
	xfree(by);
	xfree(cp);
	xfree(keep);
	return rc2 || rc->strings.err ? (rc2 ? rc2 : ST_ERR_NOMEM) : 0;
}

/* ---- accessors ---------------------------------------------------------- */

const struct reconcile_stats *reconciler_stats(const struct reconciler *rc)
{
	return &rc->stats;
}

size_t reconciler_proposals(const struct reconciler *rc,
			    const struct proposal **out)
{
	*out = rc->props;
	return rc->n_props;
}

size_t reconciler_golden(const struct reconciler *rc, const struct golden **out)
{
	*out = rc->golden;
	return rc->n_golden;
}

size_t reconciler_conflicts(const struct reconciler *rc,
			    const struct conflict **out)
{
	*out = rc->conflicts;
	return rc->n_conflicts;
}

size_t reconciler_compliance(const struct reconciler *rc,
			     const struct compliance_result **out)
{
	*out = rc->comply;
	return rc->p->n_compliance;
}

size_t reconciler_counts(const struct reconciler *rc,
			 const struct copy_counts **out)
{
	*out = rc->counts;
	return rc->n_counts;
}

const char *proposal_kind_name(enum proposal_kind k)
{
	switch (k) {
	case PROPOSE_UPDATE: return "update";
	case PROPOSE_FILL: return "fill";
	case PROPOSE_FLAG: return "flag";
	case PROPOSE_MERGE: return "merge";
	}
	return "?";
}

const char *proposal_status_name(enum proposal_status s)
{
	return s == PROPOSAL_AUTO_APPROVED ? "auto-approved" : "pending";
}

const char *decided_by_name(int decided_by)
{
	return decided_by == DECIDED_TIE_BREAK ? "tie-break" :
	       survivor_strategy_name((enum survivor_strategy)decided_by);
}
