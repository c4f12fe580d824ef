/*
 * profile.c - one pass over a source, bounded summaries per target.  See
 * profile.h.
 *
 * Records arrive in batches (from this thread's reader, or from the reading
 * thread through a batch queue to workers).  Per record: the updated-at
 * field is parsed once (the age of every value in the record, unless an
 * evidence date is newer), the record is mapped, and the record's country
 * is taken from the attribute of type country (to judge postcodes).  Then
 * each declared field's values, the attributes mapped from it, and the
 * undeclared columns are added to their summaries a column at a time.
 * Workers' partial profiles are merged at the end, and two things counted
 * once for several targets are handed out: the values a field and its
 * attribute share, and the records' ages.
 */
#include "profile/profile.h"

#include <math.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "policy/trust.h"
#include "profile/batch.h"
#include "util/arena.h"
#include "util/datetime.h"
#include "util/number.h"

const char *target_kind_name(enum target_kind k)
{
	static const char *n[] = { "attribute", "field", "column" };

	return (size_t)k < ARRAY_SIZE(n) ? n[k] : "?";
}

/* Count a record in s when hit, keeping its key among the first: a
 * branch that is taken only for the first few of millions of records,
 * however often hit is true. */
static void samples_note(struct samples *s, bool hit, const char *key,
			 uint64_t number)
{
	bool keep = hit & (s->n < PROFILE_SAMPLES);

	s->count += hit;
	if (keep && key && key[0]) {
		size_t len = strlen(key);

		/* cut like snprintf would: the stored sample is a C string */
		if (len >= PROFILE_KEY_MAX)
			len = PROFILE_KEY_MAX - 1;
		memcpy(s->keys[s->n], key, len);
		s->keys[s->n][len] = '\0';
		s->numbers[s->n++] = number;
	}
}

static void samples_add(struct samples *s, const char *key, uint64_t number)
{
	samples_note(s, true, key, number);
}

/* dst gets src's count and keeps the first keys of both by record number. */
static void samples_merge(struct samples *dst, const struct samples *src)
{
	struct samples out;
	size_t i = 0, j = 0;

	out.count = dst->count + src->count;
	out.n = 0;
	while (out.n < PROFILE_SAMPLES && (i < dst->n || j < src->n)) {
		bool mine = j == src->n ||
			    (i < dst->n && dst->numbers[i] <= src->numbers[j]);
		const struct samples *from = mine ? dst : src;
		size_t k = mine ? i++ : j++;

		memcpy(out.keys[out.n], from->keys[k], PROFILE_KEY_MAX);
		out.numbers[out.n++] = from->numbers[k];
	}
	*dst = out;
}

static int vs_init(struct value_stats *v, const char *name, enum target_kind kind,
		   bool numeric_order)
{
	memset(v, 0, sizeof(*v));
	v->name = name;
	v->kind = kind;
	v->numeric_order = numeric_order;
	distinct_init(&v->distinct);
	kmv_init(&v->kmv);
	len_hist_init(&v->lengths);
	day_hist_init(&v->ages);
	day_hist_init(&v->ages_not);
	if (topk_init(&v->top, PROFILE_TOP_K) ||
	    topk_init(&v->shapes, PROFILE_SHAPES_K))
		return ST_ERR_NOMEM;
	return 0;
}

static void vs_release(struct value_stats *v)
{
	distinct_release(&v->distinct);
	topk_release(&v->top);
	topk_release(&v->shapes);
	day_hist_release(&v->ages);
	day_hist_release(&v->ages_not);
}

static double to_double(const char *s, size_t len)
{
	char tmp[64];

	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return strtod(tmp, NULL);
}

/* What vs_add() needs to know of a value, computed once when a field and
 * an attribute hold the same bytes. */
struct facts {
	uint64_t hash;
	bool numeric;		/* number_syntax() and finite */
	bool has_num;
	double num;		/* when has_num */
	uint64_t shape_hash;
	size_t shape_off, shape_len;	/* in the profiler's shape buffer */
};

_Static_assert(BATCH_PAD >= SKETCH_PAD && BATCH_PAD >= MAPPER_PAD &&
	       ARENA_TAIL >= SKETCH_PAD &&
	       ARENA_TAIL >= VALIDATE_PAD,
	       "batches and mapped values have the room facts_compute() and "
	       "validator_check_padded() read");

/* prev: the facts of the value before in the same column, or NULL: a
 * column's values often share their shape, whose hash is then reused.
 * s has SKETCH_PAD readable bytes: it is in a batch or a mapped value. */
static void facts_compute(struct facts *f, const char *s, size_t len,
			  bool want_num, struct buf *shapes,
			  const struct facts *prev)
{
	bool has_exp;
	const char *shape;
	char *room;

	f->hash = sketch_hash(s, len);
	f->numeric = number_syntax_padded(s, len, &has_exp);
	f->has_num = false;
	if (f->numeric && (has_exp || want_num)) {
		f->num = to_double(s, len);
		f->has_num = true;
		f->numeric = isfinite(f->num);
	}
	f->shape_off = shapes->len;
	/* room for a whole padded shape, of which len bytes are kept */
	room = len <= SKETCH_SHAPE_MAX ? buf_addspace(shapes, SKETCH_PAD) : NULL;
	if (room && sketch_shape_padded(s, len, room, &f->shape_hash)) {
		buf_truncate(shapes, f->shape_off + len);
		f->shape_len = len;
		return;
	}
	if (room)
		buf_truncate(shapes, f->shape_off);
	sketch_shape(s, len, shapes);
	f->shape_len = shapes->len - f->shape_off;
	shape = shapes->data + f->shape_off;
	if (prev && prev->shape_len == f->shape_len &&
	    sketch_bytes_equal(shapes->data + prev->shape_off, shape, f->shape_len))
		f->shape_hash = prev->shape_hash;
	else
		f->shape_hash = sketch_shape_hash(shape, f->shape_len);
}

/* Byte order, a prefix before its extensions. */
static int text_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

/* Offer a value (its first SKETCH_VALUE_MAX bytes for text) as minimum
 * and maximum; numeric targets order numbers and ignore other values. */
static void vs_minmax(struct value_stats *v, const char *s, size_t len,
		      double num)
{
	size_t cut = len > SKETCH_VALUE_MAX ? SKETCH_VALUE_MAX : len;
	bool isnum = v->numeric_order;

	/* most text lies strictly between the first 8 bytes of the two, and
	 * much of the rest of a column of few values is one of the two: a
	 * value of at most 8 bytes whose key and length are the minimum's is
	 * the minimum (and so not above the maximum), and likewise */
	if (v->has_minmax && !isnum) {
		uint64_t k = sketch_prefix_key(s, cut);

		if (k > v->min_key && k < v->max_key)
			return;
		if (cut <= 8 && ((k == v->min_key && cut == v->min_len) ||
				 (k == v->max_key && cut == v->max_len)))
			return;
	}
	if (!v->has_minmax ||
	    (isnum ? num < v->min_num : text_cmp(s, cut, v->min, v->min_len) < 0)) {
		memcpy(v->min, s, cut);
		v->min[cut] = '\0';
		v->min_len = cut;
		v->min_key = sketch_prefix_key(v->min, cut);
		v->min_num = num;
	}
	if (!v->has_minmax ||
	    (isnum ? num > v->max_num : text_cmp(s, cut, v->max, v->max_len) > 0)) {
		memcpy(v->max, s, cut);
		v->max[cut] = '\0';
		v->max_len = cut;
		v->max_key = sketch_prefix_key(v->max, cut);
		v->max_num = num;
	}
	v->has_minmax = true;
}

static int vs_add(struct value_stats *v, const char *s, size_t len,
		  const struct facts *f, const struct buf *shapes)
{
	if (!s || !len) {
		v->empty++;
		return 0;
	}
	v->present++;
	if (distinct_add_hash(&v->distinct, f->hash))
		return ST_ERR_NOMEM;
	kmv_add_hash(&v->kmv, f->hash);
	topk_add_hashed(&v->top, s, len, f->hash);
	len_hist_add(&v->lengths, len);
	topk_add_hashed(&v->shapes, shapes->data + f->shape_off, f->shape_len,
			f->shape_hash);
	v->numeric += f->numeric;
	if (!v->numeric_order)
		vs_minmax(v, s, len, 0);
	else if (f->numeric)
		vs_minmax(v, s, len, f->has_num ? f->num : to_double(s, len));
	return 0;
}

static int vs_merge(struct value_stats *dst, const struct value_stats *src)
{
	dst->present += src->present;
	dst->empty += src->empty;
	if (distinct_merge(&dst->distinct, &src->distinct) ||
	    topk_merge(&dst->top, &src->top) ||
	    topk_merge(&dst->shapes, &src->shapes) ||
	    day_hist_merge(&dst->ages, &src->ages) ||
	    day_hist_merge(&dst->ages_not, &src->ages_not))
		return ST_ERR_NOMEM;
	kmv_merge(&dst->kmv, &src->kmv);
	len_hist_merge(&dst->lengths, &src->lengths);
	if (src->has_minmax) {
		vs_minmax(dst, src->min, src->min_len, src->min_num);
		vs_minmax(dst, src->max, src->max_len, src->max_num);
	}
	dst->numeric += src->numeric;
	dst->invalid += src->invalid;
	dst->unjudged += src->unjudged;
	for (int r = 0; r < VR_COUNT; r++)
		samples_merge(&dst->reasons[r], &src->reasons[r]);
	for (size_t i = 0; i < src->n_tx; i++) {
		const struct tx_reason *t = &src->tx[i];
		size_t j = 0;

		while (j < dst->n_tx && dst->tx[j].why != t->why)
			j++;
		if (j == dst->n_tx) {
			if (dst->n_tx == PROFILE_TX_REASONS)
				continue;
			dst->tx[dst->n_tx++] = *t;
			continue;
		}
		samples_merge(&dst->tx[j].s, &t->s);
		if (t->first < dst->tx[j].first)
			dst->tx[j].first = t->first;
	}
	/* reasons in the order they first occurred, as one pass has them */
	for (size_t i = 1; i < dst->n_tx; i++)
		for (size_t j = i; j > 0 && dst->tx[j].first < dst->tx[j - 1].first; j--) {
			struct tx_reason t = dst->tx[j];

			dst->tx[j] = dst->tx[j - 1];
			dst->tx[j - 1] = t;
		}
	samples_merge(&dst->stale_keys, &src->stale_keys);
	dst->trust_fx += src->trust_fx;
	dst->trust_n += src->trust_n;
	return 0;
}

/* ---- per attribute: validity, age, trust --------------------------------- */

/*
 * A batch is profiled column by column rather than record by record: first
 * every record is mapped and its per-record facts (key, updated-at,
 * country) noted, then each field's values are added to its summaries, the
 * attributes that come from that field right after it, and the undeclared
 * columns last.  Each target's summaries (an exact set of up to 64 KiB, a
 * histogram of ages, the counters) then stay in the core's cache for a
 * thousand values instead of being evicted by the other twenty targets of
 * every record, which is most of the cost of profiling.  Sample keys are
 * still kept in record order within each target.
 */
struct columns {
	size_t n;			/* records */
	uint64_t *number;
	const char **key;
	int64_t *updated;		/* days, or INT64_MIN */
	const char **country;		/* the record's normalised country */
	const char **raw;		/* n x fields */
	size_t *raw_len;
	const char **extra;		/* n x undeclared columns */
	size_t *extra_len;
	const char **val;		/* n x mappings */
	size_t *val_len;
	const char **why;
	struct facts *facts;		/* n: the current field's values */
	bool *same;			/* n: the sharing attribute's value is the field's */
};

static int columns_init(struct columns *c, const struct source *s, size_t ne)
{
	size_t nf = s->n_fields ? s->n_fields : 1;
	size_t nm = s->n_mappings ? s->n_mappings : 1;

	memset(c, 0, sizeof(*c));
	c->number = xcalloc(BATCH_ROWS, sizeof(*c->number));
	c->key = xcalloc(BATCH_ROWS, sizeof(*c->key));
	c->updated = xcalloc(BATCH_ROWS, sizeof(*c->updated));
	c->country = xcalloc(BATCH_ROWS, sizeof(*c->country));
	c->raw = xcalloc(BATCH_ROWS * nf, sizeof(*c->raw));
	c->raw_len = xcalloc(BATCH_ROWS * nf, sizeof(*c->raw_len));
	c->extra = xcalloc(BATCH_ROWS * (ne ? ne : 1), sizeof(*c->extra));
	c->extra_len = xcalloc(BATCH_ROWS * (ne ? ne : 1), sizeof(*c->extra_len));
	c->val = xcalloc(BATCH_ROWS * nm, sizeof(*c->val));
	c->val_len = xcalloc(BATCH_ROWS * nm, sizeof(*c->val_len));
	c->why = xcalloc(BATCH_ROWS * nm, sizeof(*c->why));
	c->facts = xcalloc(BATCH_ROWS, sizeof(*c->facts));
	c->same = xcalloc(BATCH_ROWS, sizeof(*c->same));
	if (!c->same || !c->number || !c->key || !c->updated || !c->country || !c->raw ||
	    !c->raw_len || !c->extra || !c->extra_len || !c->val ||
	    !c->val_len || !c->why || !c->facts)
		return ST_ERR_NOMEM;
	return 0;
}

static void columns_release(struct columns *c)
{
	xfree(c->number);
	xfree(c->key);
	xfree(c->updated);
	xfree(c->country);
	xfree(c->raw);
	xfree(c->raw_len);
	xfree(c->extra);
	xfree(c->extra_len);
	xfree(c->val);
	xfree(c->val_len);
	xfree(c->why);
	xfree(c->facts);
	xfree(c->same);
	memset(c, 0, sizeof(*c));
}

/* Days of trust looked up rather than computed (trust_table()). */
#define PROFILE_TRUST_TABLE 4096

struct attr_ctx {
	const struct mapping *m;
	struct validator *validator;
	const struct trust_rule *trust;
	double decay_days;	/* of the trust rule */
	/* trust without evidence at age 0 .. n_trust_at - 1, in units of
	 * 2^-32 (what a value adds to trust_fx), and at n_trust_at the trust
	 * of every older age when the table reaches the decay horizon
	 * (past_flat), where the curve stays at its minimum */
	uint64_t *trust_fx_at;
	size_t n_trust_at;
	bool past_flat;
	size_t same_field;	/* the mapping's one field, or SIZE_MAX */
	bool shares;		/* counts its field's values in sp->shared */
	/* the mapping's last transform has applied the type's rule to every
	 * value it did not fail on (validator_check_vouched()) */
	bool vouched;
};

/* One thread's profiling state: with several workers each has its own,
 * with a partial profile that profile_source() merges at the end. */
struct profiler {
	const struct policy *p;
	const struct source *s;
	const struct profile_opts *o;
	struct source_profile *sp;
	struct attr_ctx *ctx;		/* per mapping */
	size_t *sharer;			/* per field: the mapping that shares, or SIZE_MAX */
	size_t country_map;		/* mapping of type country, or SIZE_MAX */
	struct buf shapes, tmp;		/* shapes of a column's values; scratch */
	struct columns cols;		/* the batch being profiled */
	bool has_cols;
	struct mapper mapper;
	bool has_mapper;
};

static void note_transform(struct value_stats *v, const char *why,
			   const struct record *rec)
{
	for (size_t i = 0; i < v->n_tx; i++) {
		if (v->tx[i].why == why) {
			samples_add(&v->tx[i].s, rec->key, rec->number);
			return;
		}
	}
	if (v->n_tx < PROFILE_TX_REASONS) {
		v->tx[v->n_tx].why = why;
		v->tx[v->n_tx].first = rec->number;
		samples_add(&v->tx[v->n_tx++].s, rec->key, rec->number);
	}
}

static void judge(struct profiler *pf, size_t i, const struct record *rec,
		  const char *country)
{
	struct value_stats *v = &pf->sp->attrs[i];
	enum validity_reason r;

	if (rec->why[i]) {
		v->invalid++;
		samples_add(&v->reasons[VR_TRANSFORM], rec->key, rec->number);
		note_transform(v, rec->why[i], rec);
		return;
	}
	/* mapped values live in the mapper's arena: padded */
	if (pf->ctx[i].vouched)
		r = validator_check_vouched(pf->ctx[i].validator, rec->value[i],
					    rec->value_len[i], country);
	else
		r = validator_check_padded(pf->ctx[i].validator, rec->value[i],
					   rec->value_len[i], country, &pf->tmp);
	if (r == VR_OK)
		return;
	samples_add(&v->reasons[r], rec->key, rec->number);
	if (validity_reason_is_invalid(r))
		v->invalid++;
	else
		v->unjudged++;
}

/* Days since 1970 of a date-like raw value, or INT64_MIN. */
static int64_t parse_days(const char *s, size_t len, const char *formats)
{
	struct datetime dt;

	if (!s || !len || date_parse_any(s, len, formats ? formats : "iso8601", &dt))
		return INT64_MIN;
	return floor_div(dt.secs, DATETIME_DAY_SECS);
}

/* The evidence that applies to this record, raising trust, or NULL. */
static const struct evidence *evidence_for(const struct trust_rule *t,
					   const struct record *rec)
{
	for (size_t i = 0; t && i < t->n_evidence; i++) {
		const struct evidence *e = &t->evidence[i];
		const char *v = e->field_index != SIZE_MAX ? rec->raw[e->field_index] : NULL;

		if (v && !strcmp(v, e->equals))
			return e;
	}
	return NULL;
}

/* Is the record's age counted in sp->record_ages? */
static bool shared_age(const struct profiler *pf, int64_t updated)
{
	/* updated is a parsed date (years 1-9999) or INT64_MIN */
	return updated != INT64_MIN && pf->o->as_of_days - updated >= 0 &&
	       pf->o->as_of_days - updated < SKETCH_MAX_DAYS;
}

/* A trust in [0, 1] in units of 2^-32, what a value adds to trust_fx:
 * an integer, so that sums are the same in any order, and 2^32 units
 * each leave room for 2^31 values. */
static uint64_t trust_fx(double t)
{
	return (uint64_t)(t * PROFILE_TRUST_ONE + 0.5);
}

static int age_value(struct profiler *pf, size_t i, const struct record *rec,
		     int64_t updated)
{
	struct value_stats *v = &pf->sp->attrs[i];
	const struct attr_ctx *c = &pf->ctx[i];
	const struct evidence *e = evidence_for(c->trust, rec);
	int64_t when = updated, age;
	double start;

	if (e && e->dated_index != SIZE_MAX) {
		int64_t ev = parse_days(rec->raw[e->dated_index],
					rec->raw_len[e->dated_index],
					pf->s->fields[e->dated_index].format);

		if (ev != INT64_MIN && (when == INT64_MIN || ev > when))
			when = ev;
	}
	if (when == INT64_MIN)
		return 0;
	age = pf->o->as_of_days - when;
	/* the record's own age is counted once for all its attributes */
	if (when != updated || !shared_age(pf, updated)) {
		if (shared_age(pf, updated) &&
		    day_hist_add(&v->ages_not, pf->o->as_of_days - updated))
			return ST_ERR_NOMEM;
		if (day_hist_add(&v->ages, age))
			return ST_ERR_NOMEM;
	}
	if (v->has_decay)
		samples_note(&v->stale_keys, age > v->decay_days, rec->key,
			     rec->number);
	if (c->trust) {
		/* a future date has the trust of today; the table's last entry
		 * is every age past it, when past_flat */
		uint64_t at = age < 0 ? 0 : (uint64_t)age;

		at = at < c->n_trust_at ? at : c->n_trust_at;
		start = e ? e->raise_to : c->trust->max;
		v->trust_fx += !e && (c->past_flat || at < c->n_trust_at) ?
			       c->trust_fx_at[at] :
			       trust_fx(trust_curve_at(c->trust->curve, start,
						       c->trust->min,
						       c->decay_days,
						       (double)age));
		v->trust_n++;
	}
	return 0;
}

/* Record `row` of the batch as a struct record, for judge() and ages. */
static struct record row_record(const struct profiler *pf,
				const struct columns *c, size_t row)
{
	size_t nf = pf->s->n_fields, nm = pf->s->n_mappings;

	return (struct record){ c->number[row], 0, c->key[row],
				(const char **)&c->raw[row * nf],
				&c->raw_len[row * nf],
				(const char **)&c->val[row * nm],
				&c->val_len[row * nm],
				(const char **)&c->why[row * nm] };
}

/* The record-level part: key, updated-at, mapping. */
static int add_record(struct profiler *pf, struct columns *c, size_t row)
{
	struct source_profile *sp = pf->sp;
	const struct source *s = pf->s;
	size_t nf = s->n_fields, nm = s->n_mappings, cm = pf->country_map;
	struct record rec = { c->number[row], 0, c->key[row], &c->raw[row * nf],
			      &c->raw_len[row * nf], NULL, NULL, NULL };
	int64_t updated = INT64_MIN;

	sp->rows++;
	/* keys are counted with the key field's values (add_field) */
	if (!rec.key[0])
		samples_add(&sp->missing_keys, rec.key, rec.number);
	if (s->updated_index != SIZE_MAX && rec.raw[s->updated_index]) {
		updated = parse_days(rec.raw[s->updated_index],
				     rec.raw_len[s->updated_index],
				     s->updated_format ? s->updated_format :
				     s->fields[s->updated_index].format);
		if (updated == INT64_MIN) {
			sp->updated_unparsed++;
			samples_add(&sp->bad_updated, rec.key, rec.number);
		} else {
			if (!sp->has_updated || updated > sp->newest_days)
				sp->newest_days = updated;
			if (!sp->has_updated || updated < sp->oldest_days)
				sp->oldest_days = updated;
			sp->has_updated = true;
		}
	}
	c->updated[row] = updated;
	if (shared_age(pf, updated) &&
	    day_hist_add(&sp->record_ages, pf->o->as_of_days - updated))
		return ST_ERR_NOMEM;
	/* the values live in the mapper's arena until the next batch */
	if (mapper_map_keep(&pf->mapper, &rec))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < nm; i++) {
		size_t at = row * nm + i;

		c->why[at] = rec.why[i];
		c->val_len[at] = rec.value_len[i];
		c->val[at] = rec.value[i];
	}
	c->country[row] = cm != SIZE_MAX && !c->why[row * nm + cm] ?
			  c->val[row * nm + cm] : NULL;
	return 0;
}

/* One declared field's column; its facts stay in c->facts.  Values that
 * the sharing attribute has too (the same bytes) go to sp->shared once. */
static int add_field(struct profiler *pf, struct columns *c, size_t f)
{
	struct value_stats *v = &pf->sp->fields[f], *both = &pf->sp->shared[f];
	size_t nf = pf->s->n_fields, nm = pf->s->n_mappings, a = pf->sharer[f];
	const struct facts *prev = NULL;

	buf_reset(&pf->shapes);
	for (size_t row = 0; row < c->n; row++) {
		const char *val = c->raw[row * nf + f];
		size_t len = c->raw_len[row * nf + f];
		const char *av = a != SIZE_MAX ? c->val[row * nm + a] : NULL;

		c->same[row] = false;
		if (!val || !len) {
			v->empty++;
			continue;
		}
		facts_compute(&c->facts[row], val, len, v->numeric_order,
			      &pf->shapes, prev);
		prev = &c->facts[row];
		c->same[row] = av && c->val_len[row * nm + a] == len &&
			       sketch_bytes_equal(av, val, len);
		/* the record key, by the hash its field's value already has */
		if (f == pf->s->key_index &&
		    distinct_add_hash(&pf->sp->keys, c->facts[row].hash))
			return ST_ERR_NOMEM;
		if (vs_add(c->same[row] ? both : v, val, len, &c->facts[row],
			   &pf->shapes))
			return ST_ERR_NOMEM;
	}
	return buf_error(&pf->shapes) ? ST_ERR_NOMEM : 0;
}

/* One attribute's column.  field is its one field, whose facts are in
 * c->facts, or SIZE_MAX. */
static int add_attribute(struct profiler *pf, struct columns *c, size_t i,
			 size_t field)
{
	struct value_stats *v = &pf->sp->attrs[i];
	size_t nf = pf->s->n_fields, nm = pf->s->n_mappings;
	struct facts last;
	bool has_last = false;

	for (size_t row = 0; row < c->n; row++) {
		const char *val = c->val[row * nm + i];
		size_t len = c->val_len[row * nm + i];
		const char *raw = field != SIZE_MAX ? c->raw[row * nf + field] : NULL;
		struct record rec;
		struct facts own;
		const struct facts *facts = &own;

		if (!val) {
			v->empty++;
			if (shared_age(pf, c->updated[row]) &&
			    day_hist_add(&v->ages_not, pf->o->as_of_days - c->updated[row]))
				return ST_ERR_NOMEM;
			continue;
		}
		/* most values come through their transforms unchanged: reuse
		 * what the field computed for the same bytes, or, for the
		 * sharing attribute, what it counted in sp->shared */
		if (pf->ctx[i].shares && c->same[row])
			facts = NULL;
		else if (raw && c->raw_len[row * nf + field] == len &&
			 sketch_bytes_equal(raw, val, len))
			facts = &c->facts[row];
		else {
			facts_compute(&own, val, len, v->numeric_order, &pf->shapes,
				      has_last ? &last : NULL);
			last = own;
			has_last = true;
		}
		if (facts && vs_add(v, val, len, facts, &pf->shapes))
			return ST_ERR_NOMEM;
		rec = row_record(pf, c, row);
		judge(pf, i, &rec, c->country[row]);
		if (age_value(pf, i, &rec, c->updated[row]))
			return ST_ERR_NOMEM;
	}
	return buf_error(&pf->shapes) ? ST_ERR_NOMEM : 0;
}

static int add_extra(struct profiler *pf, struct columns *c, size_t e)
{
	struct value_stats *v = &pf->sp->extras[e];
	size_t ne = pf->sp->n_extras;
	struct facts f;

	buf_reset(&pf->shapes);
	for (size_t row = 0; row < c->n; row++) {
		const char *val = c->extra[row * ne + e];
		size_t len = c->extra_len[row * ne + e];

		if (!val || !len) {
			v->empty++;
			continue;
		}
		facts_compute(&f, val, len, false, &pf->shapes, NULL);
		if (vs_add(v, val, len, &f, &pf->shapes))
			return ST_ERR_NOMEM;
		buf_reset(&pf->shapes);
	}
	return 0;
}

/* Profile the records of a batch. */
static int add_batch(struct profiler *pf, const struct batch *b)
{
	const struct source *s = pf->s;
	struct columns *c = &pf->cols;
	size_t nf = s->n_fields, ne = pf->sp->n_extras;

	if (!pf->has_cols) {
		pf->has_cols = true;
		if (columns_init(c, s, ne))
			return ST_ERR_NOMEM;
	}
	mapper_reset(&pf->mapper);
	c->n = b->n;
	for (size_t row = 0; row < b->n; row++) {
		const char **raw = &c->raw[row * nf];

		c->number[row] = b->number[row];
		for (size_t f = 0; f < nf; f++)
			raw[f] = batch_value(b, row, f, &c->raw_len[row * nf + f]);
		for (size_t e = 0; e < ne; e++)
			c->extra[row * ne + e] = batch_value(b, row, nf + e,
						&c->extra_len[row * ne + e]);
		c->key[row] = s->key_index != SIZE_MAX && raw[s->key_index] ?
			      raw[s->key_index] : "";
		if (add_record(pf, c, row))
			return ST_ERR_NOMEM;
	}
	for (size_t f = 0; f < nf; f++) {
		if (add_field(pf, c, f))
			return ST_ERR_NOMEM;
		for (size_t i = 0; i < s->n_mappings; i++)
			if (pf->ctx[i].same_field == f && add_attribute(pf, c, i, f))
				return ST_ERR_NOMEM;
	}
	buf_reset(&pf->shapes);
	for (size_t i = 0; i < s->n_mappings; i++)
		if (pf->ctx[i].same_field == SIZE_MAX &&
		    add_attribute(pf, c, i, SIZE_MAX))
			return ST_ERR_NOMEM;
	for (size_t e = 0; e < ne; e++)
		if (add_extra(pf, c, e))
			return ST_ERR_NOMEM;
	return 0;
}

/* ---- set-up -------------------------------------------------------------- */

static bool numeric_field(enum field_type t)
{
	return t == FIELD_INTEGER || t == FIELD_DECIMAL;
}

/* The trust of a value without evidence at each age up to the decay
 * horizon (where it reaches the minimum) or PROFILE_TRUST_TABLE days:
 * the same numbers trust_curve_at() gives, looked up, since a column of
 * millions of values has at most a few thousand ages. */
static int trust_table(struct attr_ctx *c)
{
	double days = c->decay_days + 1;
	size_t n = days > PROFILE_TRUST_TABLE ? PROFILE_TRUST_TABLE :
		   days < 1 ? 1 : (size_t)days;

	c->trust_fx_at = xmalloc((n + 1) * sizeof(*c->trust_fx_at));
	if (!c->trust_fx_at)
		return ST_ERR_NOMEM;
	/* age n and every older one are past the horizon when n > it:
	 * trust_curve_at() clamps them all to its end */
	for (size_t age = 0; age <= n; age++)
		c->trust_fx_at[age] = trust_fx(trust_curve_at(c->trust->curve,
					c->trust->max, c->trust->min,
					c->decay_days, (double)age));
	c->n_trust_at = n;
	c->past_flat = (double)n > c->decay_days;
	return 0;
}

/* Does the country a country-field transform reads always come out as the
 * record's country that judge() is given?  Yes when the country mapping
 * is that one field through the country transform alone: both look the
 * same value up in the same table.  (gather() may sanitise the field's
 * bytes first, but a value with invalid UTF-8 is no country either way.) */
static bool same_country(const struct profiler *pf, const struct transform *t)
{
	const struct mapping *cm;

	if (t->country || !t->field_ref || pf->country_map == SIZE_MAX)
		return false;
	cm = &pf->s->mappings[pf->country_map];
	return cm->n_fields == 1 && cm->fields[0] == t->field_index &&
	       cm->chain.n == 1 && cm->chain.items[0].kind == TX_COUNTRY;
}

/* May judge() take mapping i's transforms' word for its values' type? */
static bool vouched(const struct profiler *pf, size_t i)
{
	const struct attr_ctx *c = &pf->ctx[i];
	const struct transform_chain *chain = &c->m->chain;

	if (!validator_vouched_by(c->validator, chain))
		return false;
	/* a phone's rule needs no country; a postcode's is the one the
	 * transform used only if that is the record's */
	return c->m->attribute->type != ATTR_POSTCODE ||
	       same_country(pf, &chain->items[chain->n - 1]);
}

static int setup_attrs(struct profiler *pf)
{
	const struct source *s = pf->s;
	struct source_profile *sp = pf->sp;

	pf->country_map = SIZE_MAX;
	for (size_t f = 0; f < s->n_fields; f++)
		pf->sharer[f] = SIZE_MAX;
	for (size_t i = 0; i < s->n_mappings; i++) {
		const struct mapping *m = &s->mappings[i];
		const struct attribute *a = m->attribute;
		struct attr_ctx *c = &pf->ctx[i];
		struct value_stats *v = &sp->attrs[i];
		size_t f;

		c->m = m;
		c->same_field = m->n_fields == 1 ? m->fields[0] : SIZE_MAX;
		f = c->same_field;
		/* values in common are ordered alike only when both order
		 * numbers, or neither does */
		if (f != SIZE_MAX && pf->sharer[f] == SIZE_MAX &&
		    (a->type == ATTR_NUMBER) == numeric_field(s->fields[f].type)) {
			pf->sharer[f] = i;
			c->shares = true;
		}
		if (vs_init(v, m->attribute_id, TARGET_ATTRIBUTE,
			    a->type == ATTR_NUMBER) ||
		    validator_new(a, &c->validator))
			return ST_ERR_NOMEM;
		if (a->type == ATTR_COUNTRY && pf->country_map == SIZE_MAX)
			pf->country_map = i;
		if (a->has_decay) {
			v->has_decay = true;
			v->decay_days = duration_approx_seconds(&a->decay) / 86400;
		}
		c->trust = trust_rule_for(pf->p, s, a);
		if (c->trust) {
			v->has_trust = true;
			c->decay_days = (double)duration_approx_seconds(&c->trust->decay) /
					86400.0;
			if (trust_table(c))
				return ST_ERR_NOMEM;
		}
	}
	for (size_t i = 0; i < s->n_mappings; i++)
		pf->ctx[i].vouched = vouched(pf, i);
	return 0;
}

static bool is_declared(const struct source *s, const char *col)
{
	for (size_t f = 0; f < s->n_fields; f++)
		if (!strcasecmp(s->fields[f].name, col))
			return true;
	return false;
}

/* After the reader opened: note the columns and pick the undeclared ones. */
static int setup_columns(struct profiler *pf, const struct reader *r)
{
	struct source_profile *sp = pf->sp;
	const char *const *cols;
	size_t n = reader_columns(r, &cols);

	sp->columns = xcalloc(n ? n : 1, sizeof(*sp->columns));
	sp->extras = xcalloc(PROFILE_EXTRA_COLUMNS, sizeof(*sp->extras));
	sp->extra_col = xcalloc(PROFILE_EXTRA_COLUMNS, sizeof(*sp->extra_col));
	if (!sp->columns || !sp->extras || !sp->extra_col)
		return ST_ERR_NOMEM;
	for (size_t c = 0; c < n; c++) {
		if (!(sp->columns[c] = xstrdup(cols[c])))
			return ST_ERR_NOMEM;
		sp->n_columns++;
		if (pf->s->kind == SOURCE_XML || is_declared(pf->s, cols[c]) ||
		    sp->n_extras == PROFILE_EXTRA_COLUMNS)
			continue;
		sp->extra_col[sp->n_extras] = c;
		if (vs_init(&sp->extras[sp->n_extras++], sp->columns[c],
			    TARGET_COLUMN, false))
			return ST_ERR_NOMEM;
	}
	return 0;
}

/* A worker's partial profile: the same targets as the main one's. */
static int setup_like(struct profiler *pf, const struct source_profile *main)
{
	struct source_profile *sp = pf->sp;

	sp->extras = xcalloc(PROFILE_EXTRA_COLUMNS, sizeof(*sp->extras));
	if (!sp->extras)
		return ST_ERR_NOMEM;
	for (; sp->n_extras < main->n_extras; sp->n_extras++)
		if (vs_init(&sp->extras[sp->n_extras], main->extras[sp->n_extras].name,
			    TARGET_COLUMN, false))
			return ST_ERR_NOMEM;
	return 0;
}

static int profiler_init(struct profiler *pf, const struct policy *p,
			 const struct source *s, const struct profile_opts *o,
			 struct source_profile *sp)
{
	memset(pf, 0, sizeof(*pf));
	pf->p = p;
	pf->s = s;
	pf->o = o;
	pf->sp = sp;
	pf->country_map = SIZE_MAX;
	buf_init(&pf->shapes, LIMIT_BUF_DEFAULT_MAX);
	buf_init(&pf->tmp, LIMIT_BUF_DEFAULT_MAX);
	memset(sp, 0, sizeof(*sp));
	sp->src = s;
	distinct_init(&sp->keys);
	day_hist_init(&sp->record_ages);
	sp->attrs = xcalloc(s->n_mappings ? s->n_mappings : 1, sizeof(*sp->attrs));
	sp->fields = xcalloc(s->n_fields ? s->n_fields : 1, sizeof(*sp->fields));
	sp->shared = xcalloc(s->n_fields ? s->n_fields : 1, sizeof(*sp->shared));
	pf->ctx = xcalloc(s->n_mappings ? s->n_mappings : 1, sizeof(*pf->ctx));
	pf->sharer = xcalloc(s->n_fields ? s->n_fields : 1, sizeof(*pf->sharer));
	if (!sp->attrs || !sp->fields || !sp->shared || !pf->ctx || !pf->sharer)
		return ST_ERR_NOMEM;
	for (size_t f = 0; f < s->n_fields; f++)
		if (vs_init(&sp->fields[f], s->fields[f].name, TARGET_FIELD,
			    numeric_field(s->fields[f].type)) ||
		    vs_init(&sp->shared[f], s->fields[f].name, TARGET_FIELD,
			    numeric_field(s->fields[f].type)))
			return ST_ERR_NOMEM;
	if (setup_attrs(pf))
		return ST_ERR_NOMEM;
	if (mapper_init(&pf->mapper, s))
		return ST_ERR_NOMEM;
	pf->has_mapper = true;
	pf->mapper.padded = true;	/* it maps values in batches */
	return 0;
}

static void profiler_release(struct profiler *pf)
{
	for (size_t i = 0; pf->ctx && i < pf->s->n_mappings; i++) {
		validator_free(pf->ctx[i].validator);
		xfree(pf->ctx[i].trust_fx_at);
	}
	xfree(pf->ctx);
	xfree(pf->sharer);
	if (pf->has_cols)
		columns_release(&pf->cols);
	if (pf->has_mapper)
		mapper_release(&pf->mapper);
	buf_release(&pf->shapes);
	buf_release(&pf->tmp);
}

/* Merge a worker's partial profile into the main one. */
static int profile_merge(struct source_profile *dst,
			 const struct source_profile *src)
{
	const struct source *s = dst->src;

	dst->rows += src->rows;
	if (distinct_merge(&dst->keys, &src->keys) ||
	    day_hist_merge(&dst->record_ages, &src->record_ages))
		return ST_ERR_NOMEM;
	samples_merge(&dst->missing_keys, &src->missing_keys);
	if (src->has_updated) {
		if (!dst->has_updated || src->newest_days > dst->newest_days)
			dst->newest_days = src->newest_days;
		if (!dst->has_updated || src->oldest_days < dst->oldest_days)
			dst->oldest_days = src->oldest_days;
		dst->has_updated = true;
	}
	dst->updated_unparsed += src->updated_unparsed;
	samples_merge(&dst->bad_updated, &src->bad_updated);
	for (size_t i = 0; i < s->n_mappings; i++)
		if (vs_merge(&dst->attrs[i], &src->attrs[i]))
			return ST_ERR_NOMEM;
	for (size_t f = 0; f < s->n_fields; f++)
		if (vs_merge(&dst->fields[f], &src->fields[f]) ||
		    vs_merge(&dst->shared[f], &src->shared[f]))
			return ST_ERR_NOMEM;
	for (size_t e = 0; e < dst->n_extras; e++)
		if (vs_merge(&dst->extras[e], &src->extras[e]))
			return ST_ERR_NOMEM;
	return 0;
}

/* ---- reading: on this thread -------------------------------------------- */

/* The undeclared columns of the reader's current row. */
static void row_extras(const struct source_profile *sp, const struct reader *r,
		       const char **vals, size_t *lens)
{
	const char *const *row;
	const size_t *row_len;
	size_t n = reader_row(r, &row, &row_len);

	for (size_t e = 0; e < sp->n_extras; e++) {
		size_t c = sp->extra_col[e];

		vals[e] = c < n ? row[c] : NULL;
		lens[e] = c < n ? row_len[c] : 0;
	}
}

static void report(struct profiler *pf, const struct reader *r, uint64_t rows)
{
	if (pf->o->progress)
		pf->o->progress(pf->o->progress_arg, pf->s, rows,
				reader_bytes_done(r), reader_bytes_total(r));
}

/* Copy the reader's current record into b; pf's profile has the
 * undeclared columns (a worker's partial profile does not). */
static int batch_record(const struct profiler *pf, struct reader *r,
			const struct record *rec, struct batch *b)
{
	size_t nf = pf->s->n_fields;
	const char *vals[LIMIT_FIELDS_PER_SOURCE + PROFILE_EXTRA_COLUMNS];
	size_t lens[LIMIT_FIELDS_PER_SOURCE + PROFILE_EXTRA_COLUMNS];

	memcpy(vals, rec->raw, nf * sizeof(*vals));
	memcpy(lens, rec->raw_len, nf * sizeof(*lens));
	row_extras(pf->sp, r, vals + nf, lens + nf);
	return batch_add(b, rec->number, rec->line, vals, lens);
}

/* One thread reads and profiles, a batch at a time. */
static int read_serial(struct profiler *pf, struct reader *r)
{
	struct batch b;
	const struct record *rec;
	int rc;

	if (batch_init(&b, pf->s->n_fields + pf->sp->n_extras))
		return ST_ERR_NOMEM;
	while ((rc = reader_next_raw(r, &rec, &pf->sp->error)) == 1) {
		if (batch_record(pf, r, rec, &b)) {
			rc = ST_ERR_NOMEM;
			break;
		}
		if (!batch_full(&b))
			continue;
		if (add_batch(pf, &b)) {
			rc = ST_ERR_NOMEM;
			break;
		}
		batch_clear(&b);
		report(pf, r, pf->sp->rows);
	}
	if (rc != ST_ERR_NOMEM && b.n && add_batch(pf, &b))
		rc = ST_ERR_NOMEM;
	batch_release(&b);
	if (rc == ST_ERR_NOMEM)
		return rc;
	if (rc < 0)
		pf->sp->failed = true;
	return 0;
}

/* ---- reading: on worker threads ------------------------------------------ */

struct worker {
	struct profiler pf;
	struct source_profile sp;
	struct batch_queue *q;
	size_t index;
	pthread_t thread;
	bool started, ready;
	int rc;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct batch *b;

	while ((b = batch_queue_take(w->q, w->index))) {
		if (!w->rc)
			w->rc = add_batch(&w->pf, b);
		batch_queue_done(w->q, b);
		if (w->rc)
			batch_queue_abort(w->q);
	}
	return NULL;
}

unsigned profile_threads(const struct profile_opts *o)
{
	long n = o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > LIMIT_THREADS ? LIMIT_THREADS : (unsigned)n;
}

/* Read on this thread, copy raw records into batches for the workers. */
static int produce(struct profiler *pf, struct reader *r, struct batch_queue *q)
{
	struct batch *b = NULL;
	const struct record *rec;
	uint64_t rows = 0;
	int rc;

	while ((rc = reader_next_raw(r, &rec, &pf->sp->error)) == 1) {
		if (!b && !(b = batch_queue_free(q)))
			return 0;	/* a worker failed: it says why */
		if (batch_record(pf, r, rec, b)) {
			batch_queue_done(q, b);
			return ST_ERR_NOMEM;
		}
		rows++;
		if (batch_full(b)) {
			batch_queue_submit(q, b);
			b = NULL;
			report(pf, r, rows);
		}
	}
	if (b && b->n)
		batch_queue_submit(q, b);
	else if (b)
		batch_queue_done(q, b);
	if (rc == ST_ERR_NOMEM)
		return rc;
	if (rc < 0)
		pf->sp->failed = true;
	return 0;
}

/* A worker's profiler and partial profile, set up like pf's. */
static int worker_setup(const struct profiler *pf, struct profiler *wpf,
			struct source_profile *wsp)
{
	int rc = profiler_init(wpf, pf->p, pf->s, pf->o, wsp);

	return rc ? rc : setup_like(wpf, pf->sp);
}

/* Fold a worker's partial profile into pf's. */
static int worker_merge(struct profiler *pf, struct profiler *wpf)
{
	/* counted where the reading thread's mapper counts them */
	pf->mapper.transform_failures += wpf->mapper.transform_failures;
	return profile_merge(pf->sp, wpf->sp);
}

static int read_parallel(struct profiler *pf, struct reader *r, size_t n)
{
	struct worker *ws = xcalloc(n, sizeof(*ws));
	struct batch_queue q;
	int rc = 0;

	if (!ws)
		return ST_ERR_NOMEM;
	if (batch_queue_init(&q, n, pf->s->n_fields + pf->sp->n_extras)) {
		xfree(ws);
		return ST_ERR_NOMEM;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct worker *w = &ws[i];

		w->q = &q;
		w->index = i;
		w->ready = true;
		rc = worker_setup(pf, &w->pf, &w->sp);
		if (!rc)
			w->started = pthread_create(&w->thread, NULL, worker_main, w) == 0;
		if (!rc && !w->started)
			rc = ST_ERR_NOMEM;
	}
	if (!rc)
		rc = produce(pf, r, &q);
	if (rc)
		batch_queue_abort(&q);
	else
		batch_queue_close(&q);
	for (size_t i = 0; i < n; i++)
		if (ws[i].started)
			pthread_join(ws[i].thread, NULL);
	for (size_t i = 0; i < n && !rc; i++)
		rc = ws[i].rc;
	for (size_t i = 0; i < n && !rc; i++)
		rc = worker_merge(pf, &ws[i].pf);
	for (size_t i = 0; i < n; i++) {
		if (!ws[i].ready)
			continue;
		profile_release(&ws[i].sp);
		profiler_release(&ws[i].pf);
	}
	batch_queue_release(&q);
	xfree(ws);
	return rc;
}

/* ---- reading: a CSV file in ranges, a reader per range ------------------ */

/*
 * With a reading thread, every record is copied into a batch on one core
 * and profiled on another, and four busy threads (reader, two workers,
 * fingerprint) share two cores.  A CSV file can do without: this thread
 * cuts the file into ranges of whole records (reader_cut(), which only
 * follows quotes) and fingerprints it as it goes, and each worker takes
 * the next range whenever it is free and reads, maps and profiles it.
 * Which worker reads which range changes nothing in the profile (see
 * struct tops below).  Records are numbered (range << RANGE_SHIFT) +
 * record in range, which keeps their order for the sample keys, and
 * renumbered as one pass numbers them, like the lines in problems, once
 * every range's records and lines are counted.  A range that does not end
 * between records (a cut that fell in a quoted field, which the
 * tokenizer's and the splitter's rules agree never happens short of a file
 * that changes while it is read) makes the whole file be read again the
 * usual way, so the result is always the tokenizer's.
 */
#define RANGE_BYTES (4u << 20)
#define RANGE_SHIFT 40

struct ranges {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct reader *main;	/* past the header; shared read-only */
	/* the main profiler: its undeclared columns are read by every
	 * worker, its top values merged into under mu */
	struct profiler *pf;
	uint64_t *cut;		/* range k is [cut[k], cut[k + 1]) */
	size_t n_cut, max_cut;
	bool final;		/* every cut is known */
	bool failed;		/* reading cannot go on: stop */
	size_t running;		/* workers still reading */
	size_t next;		/* the next range a worker takes */
	/* per range, written by the worker that reads it */
	uint64_t *lines, *records;
	bool *clean;
	_Atomic uint64_t rows, bytes;	/* for progress */
	/* the ranges' top values and shapes, merged into pf's in range
	 * order (under mu): tops[k] waits for the ranges before it */
	struct tops **tops, *spare;
	size_t merged;		/* ranges merged so far */
};

struct range_worker {
	struct profiler pf;
	struct source_profile sp;
	struct ranges *g;
	struct reader_stats stats;	/* its ranges', lines in range */
	size_t kept_range[LIMIT_READER_PROBLEMS];
	struct batch b;
	pthread_t thread;
	bool started, ready, has_batch;
	int rc;
};

/*
 * The top values and shapes (Space-Saving summaries) are the one part of a
 * profile whose merge depends on how the records were split up: everything
 * else (counts, exact sets and HyperLogLog registers, KMV sketches,
 * histograms, minimum and maximum, sample keys by record number, trust in
 * integer units) comes out the same however the records are grouped (but
 * for a target with more than PROFILE_TX_REASONS kinds of transform
 * failure, whose later kinds a merge may count differently).  So
 * workers take ranges in whatever order they are free, and each range's
 * summaries are handed over when it ends and merged in range order: the
 * profile depends on the file (and the range size) alone.  A range's
 * summaries have RANGE_TOP_FACTOR times the counters of the profile's, so
 * that the values near the top are counted almost exactly in each range
 * and the merged counts stay close to one pass's.
 */
#define RANGE_TOP_FACTOR 2

struct tops {
	struct topk *t;		/* top and shapes of every target */
	size_t n;
	struct tops *next;	/* on the spare list */
};

/* Every target of sp, in a fixed order. */
static size_t target_count(const struct source_profile *sp)
{
	return sp->src->n_mappings + 2 * sp->src->n_fields + sp->n_extras;
}

static struct value_stats *target_at(struct source_profile *sp, size_t i)
{
	size_t nm = sp->src->n_mappings, nf = sp->src->n_fields;

	if (i < nm)
		return &sp->attrs[i];
	i -= nm;
	if (i < nf)
		return &sp->fields[i];
	i -= nf;
	return i < nf ? &sp->shared[i] : &sp->extras[i - nf];
}

static void tops_free(struct tops *t)
{
	for (size_t i = 0; t && i < t->n; i++)
		topk_release(&t->t[i]);
	if (t)
		xfree(t->t);
	xfree(t);
}

/* Empty summaries for a range, for each of sp's targets. */
static struct tops *tops_new(struct source_profile *sp)
{
	struct tops *t = xcalloc(1, sizeof(*t));
	size_t n = target_count(sp);

	if (!t || !(t->t = xcalloc(2 * n + 1, sizeof(*t->t)))) {
		xfree(t);
		return NULL;
	}
	for (; t->n < 2 * n; t->n++) {
		size_t k = t->n % 2 ? PROFILE_SHAPES_K : PROFILE_TOP_K;

		if (topk_init(&t->t[t->n], RANGE_TOP_FACTOR * k)) {
			tops_free(t);
			return NULL;
		}
	}
	return t;
}

/* Trade sp's summaries for t's. */
static void tops_swap(struct source_profile *sp, struct tops *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct value_stats *v = target_at(sp, i / 2);
		struct topk *mine = i % 2 ? &v->shapes : &v->top, x = *mine;

		*mine = t->t[i];
		t->t[i] = x;
	}
}

/* Hand range k's summaries over: merge them, and any that waited for
 * them, into the main profile's, in range order.  w starts the next range
 * with empty ones.  Called with g->mu held. */
static int tops_hand_over(struct range_worker *w, size_t k)
{
	struct ranges *g = w->g;
	struct tops *t = g->spare;

	if (t)
		g->spare = t->next;
	else if (!(t = tops_new(&w->sp)))
		return ST_ERR_NOMEM;
	tops_swap(&w->sp, t);
	g->tops[k] = t;
	while (g->merged + 1 < g->n_cut && (t = g->tops[g->merged])) {
		struct source_profile *sp = g->pf->sp;

		for (size_t i = 0; i < t->n; i++) {
			struct value_stats *v = target_at(sp, i / 2);

			if (topk_merge(i % 2 ? &v->shapes : &v->top, &t->t[i]))
				return ST_ERR_NOMEM;
			topk_clear(&t->t[i]);
		}
		g->tops[g->merged++] = NULL;
		t->next = g->spare;
		g->spare = t;
	}
	return 0;
}

/* Fold range k's reader statistics into the worker's. */
static void range_stats(struct range_worker *w, size_t k,
			const struct reader_stats *rs)
{
	struct reader_stats *st = &w->stats;

	st->records += rs->records;
	for (size_t i = 0; i < RP_COUNT; i++)
		st->problems[i] += rs->problems[i];
	for (size_t i = 0; i < rs->n_kept && st->n_kept < LIMIT_READER_PROBLEMS;
	     i++) {
		w->kept_range[st->n_kept] = k;
		st->kept[st->n_kept++] = rs->kept[i];
	}
}

/* Read and profile range k; sets clean[k]. */
static int range_read(struct range_worker *w, size_t k, uint64_t start,
		      uint64_t end)
{
	struct ranges *g = w->g;
	struct reader *rr;
	const struct record *rec;
	uint64_t done = 0, now;
	int rc = reader_open_range(g->main, start, end,
				   (uint64_t)k << RANGE_SHIFT, &rr);

	if (rc)
		return rc;
	while ((rc = reader_next_raw(rr, &rec, &w->sp.error)) == 1) {
		if (batch_record(g->pf, rr, rec, &w->b)) {
			rc = ST_ERR_NOMEM;
			break;
		}
		if (!batch_full(&w->b))
			continue;
		if (add_batch(&w->pf, &w->b)) {
			rc = ST_ERR_NOMEM;
			break;
		}
		g->rows += w->b.n;
		batch_clear(&w->b);
		now = reader_bytes_done(rr);
		g->bytes += now - done;
		done = now;
	}
	if (!rc && w->b.n && add_batch(&w->pf, &w->b))
		rc = ST_ERR_NOMEM;
	g->rows += w->b.n;
	batch_clear(&w->b);	/* after an error too: the next range is new */
	g->bytes += end - start - done;
	/* a read error ends the range unclean: read in one piece, the file
	 * reports it where it happens */
	g->clean[k] = !rc && reader_range_clean(rr);
	g->lines[k] = reader_lines(rr);
	g->records[k] = reader_stats(rr)->records;
	range_stats(w, k, reader_stats(rr));
	reader_free(rr);
	return rc == ST_ERR_NOMEM ? rc : 0;
}

static void *range_main(void *arg)
{
	struct range_worker *w = arg;
	struct ranges *g = w->g;
	struct tops *t = tops_new(&w->sp);

	/* the first range too gets a range's summaries */
	if (t)
		tops_swap(&w->sp, t);
	else
		w->rc = ST_ERR_NOMEM;
	tops_free(t);

	while (!w->rc) {
		uint64_t start, end;
		size_t k;

		pthread_mutex_lock(&g->mu);
		/* the next range, once its end is known */
		while (!g->failed && !g->final && g->n_cut <= g->next + 1)
			pthread_cond_wait(&g->cv, &g->mu);
		k = g->next;
		if (g->failed || g->n_cut <= k + 1) {
			pthread_mutex_unlock(&g->mu);
			break;
		}
		g->next++;
		start = g->cut[k];
		end = g->cut[k + 1];
		pthread_mutex_unlock(&g->mu);
		w->rc = range_read(w, k, start, end);
		pthread_mutex_lock(&g->mu);
		if (!w->rc)
			w->rc = tops_hand_over(w, k);
		pthread_mutex_unlock(&g->mu);
	}
	pthread_mutex_lock(&g->mu);
	if (w->rc)
		g->failed = true;
	g->running--;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static void range_cut(void *arg, uint64_t off)
{
	struct ranges *g = arg;

	pthread_mutex_lock(&g->mu);
	/* the end of the file may repeat the last cut; there is room for
	 * every cut, as each is at least a range's bytes past the last */
	if (off > g->cut[g->n_cut - 1] && g->n_cut < g->max_cut) {
		g->cut[g->n_cut++] = off;
		pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
}

/* Wait for the workers, reporting progress. */
static void ranges_wait(struct profiler *pf, struct ranges *g, uint64_t total)
{
	pthread_mutex_lock(&g->mu);
	while (g->running) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 250000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&g->cv, &g->mu, &t);
		if (pf->o->progress && g->running) {
			pthread_mutex_unlock(&g->mu);
			pf->o->progress(pf->o->progress_arg, pf->s, g->rows,
					g->bytes, total);
			pthread_mutex_lock(&g->mu);
		}
	}
	pthread_mutex_unlock(&g->mu);
}

/* Turn per-range counts a[k] into the sum of those before range k, plus
 * `first` (what comes before the first range). */
static void ranges_before(const struct ranges *g, uint64_t *a, uint64_t first)
{
	uint64_t sum = first;

	for (size_t k = 0; k + 1 < g->n_cut; k++) {
		uint64_t n = a[k];

		a[k] = sum;
		sum += n;
	}
}

/* Put the workers' reader statistics together, in file order, with
 * absolute lines. */
static void ranges_stats(struct ranges *g, struct range_worker *ws, size_t n,
			 struct reader_stats *out)
{
	size_t at[LIMIT_THREADS] = { 0 };
	uint64_t *base = g->lines;

	ranges_before(g, base, reader_lines(g->main));
	memset(out, 0, sizeof(*out));
	for (size_t w = 0; w < n; w++) {
		out->records += ws[w].stats.records;
		for (size_t i = 0; i < RP_COUNT; i++)
			out->problems[i] += ws[w].stats.problems[i];
	}
	/* each worker's kept problems are in range order, and each range is
	 * one worker's: take the earliest range's first */
	while (out->n_kept < LIMIT_READER_PROBLEMS) {
		size_t best = n, k = 0;

		for (size_t w = 0; w < n; w++) {
			if (at[w] == ws[w].stats.n_kept)
				continue;
			if (best == n || ws[w].kept_range[at[w]] < k) {
				best = w;
				k = ws[w].kept_range[at[w]];
			}
		}
		if (best == n)
			break;
		out->kept[out->n_kept] = ws[best].stats.kept[at[best]++];
		out->kept[out->n_kept++].line += base[k];
	}
}

/* A record number (range << RANGE_SHIFT) + n as one pass numbers it. */
static uint64_t renumber_one(const uint64_t *before, uint64_t number)
{
	return before[number >> RANGE_SHIFT] +
	       (number & (((uint64_t)1 << RANGE_SHIFT) - 1));
}

static void renumber_samples(const uint64_t *before, struct samples *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->numbers[i] = renumber_one(before, s->numbers[i]);
}

static void renumber_stats(const uint64_t *before, struct value_stats *v)
{
	for (int r = 0; r < VR_COUNT; r++)
		renumber_samples(before, &v->reasons[r]);
	for (size_t i = 0; i < v->n_tx; i++) {
		renumber_samples(before, &v->tx[i].s);
		v->tx[i].first = renumber_one(before, v->tx[i].first);
	}
	renumber_samples(before, &v->stale_keys);
}

/* Give the merged profile's record numbers the values one pass gives
 * them (they only order sample keys, so this is for the reader of a
 * profile, and the tests that compare one with one pass). */
static void renumber(struct profiler *pf, struct ranges *g)
{
	struct source_profile *sp = pf->sp;
	uint64_t *before = g->records;

	ranges_before(g, before, 0);
	renumber_samples(before, &sp->missing_keys);
	renumber_samples(before, &sp->bad_updated);
	for (size_t i = 0; i < pf->s->n_mappings; i++)
		renumber_stats(before, &sp->attrs[i]);
	for (size_t f = 0; f < pf->s->n_fields; f++) {
		renumber_stats(before, &sp->fields[f]);
		renumber_stats(before, &sp->shared[f]);
	}
	for (size_t e = 0; e < sp->n_extras; e++)
		renumber_stats(before, &sp->extras[e]);
}

/*
 * Read r's file in ranges on n workers.  *done is false when the file
 * cannot be read so, or a range did not end clean: pf is then as it was and
 * r still just past the header.
 */
static int read_ranges(struct profiler *pf, struct reader *r, size_t n,
		       uint64_t start, uint64_t end, uint64_t every,
		       bool *done)
{
	struct ranges g = { .main = r, .pf = pf };
	struct range_worker *ws = xcalloc(n, sizeof(*ws));
	struct reader_hash hash;
	struct diag d;
	int rc = 0, cut_rc;
	bool clean = true;

	*done = false;
	diag_clear(&d);
	g.max_cut = (size_t)((end - start) / every) + 2;
	g.cut = xcalloc(g.max_cut, sizeof(*g.cut));
	g.lines = xcalloc(g.max_cut, sizeof(*g.lines));
	g.records = xcalloc(g.max_cut, sizeof(*g.records));
	g.clean = xcalloc(g.max_cut, sizeof(*g.clean));
	g.tops = xcalloc(g.max_cut, sizeof(*g.tops));
	if (!ws || !g.cut || !g.lines || !g.records || !g.clean || !g.tops ||
	    pthread_mutex_init(&g.mu, NULL)) {
		xfree(ws);
		xfree(g.cut);
		xfree(g.lines);
		xfree(g.records);
		xfree(g.clean);
		xfree(g.tops);
		return ST_ERR_NOMEM;
	}
	pthread_cond_init(&g.cv, NULL);
	g.cut[g.n_cut++] = start;
	for (size_t i = 0; i < n && !rc; i++) {
		struct range_worker *w = &ws[i];

		w->g = &g;
		w->ready = true;
		rc = worker_setup(pf, &w->pf, &w->sp);
		if (!rc)
			rc = batch_init(&w->b, pf->s->n_fields + pf->sp->n_extras);
		w->has_batch = !rc;
		if (!rc) {
			/* counted before it can run, let alone end */
			pthread_mutex_lock(&g.mu);
			w->started = pthread_create(&w->thread, NULL, range_main,
						    w) == 0;
			g.running += w->started;
			pthread_mutex_unlock(&g.mu);
		}
		if (!rc && !w->started)
			rc = ST_ERR_NOMEM;
	}
	cut_rc = rc ? rc : reader_cut(r, start, end, every, range_cut, &g,
				      pf->o->hash ? &hash : NULL, &d);
	if (!cut_rc && pf->o->hash && hash.done) {
		pf->sp->hashed = true;
		sha256_final_hex(&hash.sha, pf->sp->sha256);
		pf->sp->hash_cpu = hash.cpu_seconds;
	}
	pthread_mutex_lock(&g.mu);
	g.final = true;
	if (cut_rc)
		g.failed = true;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	ranges_wait(pf, &g, reader_bytes_total(r));
	for (size_t i = 0; i < n; i++)
		if (ws[i].started)
			pthread_join(ws[i].thread, NULL);
	for (size_t i = 0; i < n && !rc; i++)
		rc = ws[i].rc;
	if (!rc && cut_rc == ST_ERR_NOMEM)
		rc = cut_rc;
	/* the last range ends at the end of the file, clean or not */
	for (size_t k = 0; k + 2 < g.n_cut; k++)
		clean &= g.clean[k];
	if (!rc && !cut_rc && clean) {
		/* every range's summaries are merged by now */
		for (size_t i = 0; i < n && !rc; i++)
			rc = worker_merge(pf, &ws[i].pf);
		ranges_stats(&g, ws, n, &pf->sp->rstats);
		renumber(pf, &g);
		pf->sp->ranges = g.n_cut - 1;
		*done = !rc;
	} else {
		/* pf is read again the other way: take back what was merged */
		for (size_t i = 0; i < 2 * target_count(pf->sp); i++) {
			struct value_stats *v = target_at(pf->sp, i / 2);

			topk_clear(i % 2 ? &v->shapes : &v->top);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (ws[i].has_batch)
			batch_release(&ws[i].b);
		if (!ws[i].ready)
			continue;
		profile_release(&ws[i].sp);
		profiler_release(&ws[i].pf);
	}
	pthread_cond_destroy(&g.cv);
	pthread_mutex_destroy(&g.mu);
	for (size_t k = 0; k < g.max_cut; k++)
		tops_free(g.tops[k]);	/* left by a failure */
	while (g.spare) {
		struct tops *t = g.spare;

		g.spare = t->next;
		tops_free(t);
	}
	xfree(g.cut);
	xfree(g.lines);
	xfree(g.records);
	xfree(g.clean);
	xfree(g.tops);
	xfree(ws);
	return rc;
}

/* Bytes per range: RANGE_BYTES, or STEWARD_RANGE_BYTES (at least 1) for
 * tests that cut small files into many ranges, and for the training of the
 * profile-guided build (tools/pgo-train.sh). */
static uint64_t range_bytes(void)
{
	const char *e = getenv("STEWARD_RANGE_BYTES");
	char *end;
	unsigned long long v;

	if (!e || !*e)
		return RANGE_BYTES;
	errno = 0;
	v = strtoull(e, &end, 10);
	return errno || *end || !v ? RANGE_BYTES : (uint64_t)v;
}

/* Read on n threads: in ranges where the file allows, else with a reading
 * thread handing batches to workers.  *ranged: the first. */
static int read_threads(struct profiler *pf, struct reader *r, size_t n,
			bool *ranged)
{
	uint64_t start, end, every = range_bytes();
	int rc;

	*ranged = false;
	if (reader_ranges(r, &start, &end) && end - start > every) {
		rc = read_ranges(pf, r, n, start, end, every, ranged);
		if (rc || *ranged)
			return rc;
	}
	return read_parallel(pf, r, n);
}

/* Add the values a field and its sharing attribute have in common to
 * both. */
static int add_shared(struct profiler *pf)
{
	struct source_profile *sp = pf->sp;

	/* every attribute has the records' ages but those it does not */
	for (size_t i = 0; i < pf->s->n_mappings; i++) {
		struct value_stats *v = &sp->attrs[i];

		if (day_hist_merge(&v->ages, &sp->record_ages))
			return ST_ERR_NOMEM;
		if (day_hist_subtract(&v->ages, &v->ages_not))
			return ST_ERR;	/* cannot happen: ages_not is a part */
	}

	for (size_t f = 0; f < pf->s->n_fields; f++) {
		if (pf->sharer[f] == SIZE_MAX)
			continue;
		if (vs_merge(&sp->fields[f], &sp->shared[f]) ||
		    vs_merge(&sp->attrs[pf->sharer[f]], &sp->shared[f]))
			return ST_ERR_NOMEM;
	}
	return 0;
}

int profile_source(const struct policy *p, const struct source *s,
		   const struct profile_opts *o, struct source_profile *sp)
{
	struct profiler pf;
	struct reader *r = NULL;
	struct reader_hash hash;
	unsigned threads = profile_threads(o);
	int rc = profiler_init(&pf, p, s, o, sp);

	diag_clear(&sp->error);
	if (!rc && reader_open(s, &r, &sp->error)) {
		sp->failed = true;
	} else if (!rc) {
		/* an XML file is hashed by the thread that reads it anyway */
		bool hashing = o->hash && reader_hash_bytes(r, &hash);
		bool ranged = false;

		rc = setup_columns(&pf, r);
		if (!rc && threads > 1)
			rc = read_threads(&pf, r, threads, &ranged);
		else if (!rc)
			rc = read_serial(&pf, r);
		if (!rc)
			rc = add_shared(&pf);
		if (!rc) {
			if (!ranged)	/* else read_ranges() put them together */
				sp->rstats = *reader_stats(r);
			sp->rstats.transform_failures = pf.mapper.transform_failures;
		}
		if (hashing && hash.done) {
			sp->hashed = true;
			sha256_final_hex(&hash.sha, sp->sha256);
			sp->hash_cpu = hash.cpu_seconds;
		}
		if (ranged && o->progress)	/* r did not read the records */
			o->progress(o->progress_arg, s, sp->rows,
				    reader_bytes_total(r), reader_bytes_total(r));
		else
			report(&pf, r, sp->rows);
	}
	reader_free(r);
	profiler_release(&pf);
	return rc;
}

void profile_release(struct source_profile *sp)
{
	const struct source *s = sp->src;

	if (!s)
		return;
	for (size_t i = 0; sp->attrs && i < s->n_mappings; i++)
		vs_release(&sp->attrs[i]);
	for (size_t f = 0; sp->fields && f < s->n_fields; f++)
		vs_release(&sp->fields[f]);
	for (size_t f = 0; sp->shared && f < s->n_fields; f++)
		vs_release(&sp->shared[f]);
	for (size_t e = 0; e < sp->n_extras; e++)
		vs_release(&sp->extras[e]);
	for (size_t c = 0; c < sp->n_columns; c++)
		xfree(sp->columns[c]);
	xfree(sp->columns);
	xfree(sp->attrs);
	xfree(sp->fields);
	xfree(sp->shared);
	xfree(sp->extras);
	xfree(sp->extra_col);
	distinct_release(&sp->keys);
	day_hist_release(&sp->record_ages);
	memset(sp, 0, sizeof(*sp));
}
