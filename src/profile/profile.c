/*
 * profile.c - one pass over a source, bounded summaries per target.  See
 * profile.h.
 *
 * Per record: the updated-at field is parsed once (the age of every value
 * in the record, unless an evidence date is newer), the record's country is
 * taken from the attribute of type country (to judge postcodes), then
 * every attribute, declared field and undeclared column is added to its
 * summaries.
 */
#include "profile/profile.h"

#include <ctype.h>
#include <math.h>
#include <strings.h>

#include "policy/trust.h"
#include "util/datetime.h"

const char *target_kind_name(enum target_kind k)
{
	static const char *n[] = { "attribute", "field", "column" };

	return (size_t)k < ARRAY_SIZE(n) ? n[k] : "?";
}

static void samples_add(struct samples *s, const char *key)
{
	s->count++;
	if (s->n < PROFILE_SAMPLES && key && key[0])
		snprintf(s->keys[s->n++], PROFILE_KEY_MAX, "%s", key);
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
}

/* A number as a person or a database writes it: sign, digits, fraction,
 * exponent; no thousands separators. */
static bool looks_numeric(const char *s, size_t len, double *out)
{
	char tmp[64], *end;

	if (!len || len >= sizeof(tmp))
		return false;
	if (!isdigit((unsigned char)s[0]) && s[0] != '-' && s[0] != '+' && s[0] != '.')
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*out = strtod(tmp, &end);
	return *end == '\0' && isfinite(*out);
}

static void vs_minmax(struct value_stats *v, const char *s, size_t len)
{
	size_t cut = len > SKETCH_VALUE_MAX ? SKETCH_VALUE_MAX : len;
	double num = 0;
	bool isnum = v->numeric_order && looks_numeric(s, len, &num);

	if (v->numeric_order && !isnum)
		return;
	if (!v->has_minmax ||
	    (isnum ? num < v->min_num : memcmp(s, v->min, cut) < 0 ||
	     (!memcmp(s, v->min, cut) && cut < strlen(v->min)))) {
		memcpy(v->min, s, cut);
		v->min[cut] = '\0';
		v->min_num = num;
	}
	if (!v->has_minmax ||
	    (isnum ? num > v->max_num : memcmp(s, v->max, cut) > 0 ||
	     (!memcmp(s, v->max, cut) && cut > strlen(v->max)))) {
		memcpy(v->max, s, cut);
		v->max[cut] = '\0';
		v->max_num = num;
	}
	v->has_minmax = true;
}

static int vs_add(struct value_stats *v, const char *s, size_t len,
		  struct buf *shape)
{
	uint64_t h;
	double num;

	if (!s || !len) {
		v->empty++;
		return 0;
	}
	v->present++;
	h = sketch_hash(s, len);
	if (distinct_add_hash(&v->distinct, h))
		return ST_ERR_NOMEM;
	kmv_add_hash(&v->kmv, h);
	topk_add_hashed(&v->top, s, len, h);
	len_hist_add(&v->lengths, len);
	buf_reset(shape);
	sketch_shape(s, len, shape);
	topk_add(&v->shapes, shape->data, shape->len);
	if (looks_numeric(s, len, &num))
		v->numeric++;
	vs_minmax(v, s, len);
	return 0;
}

/* ---- per attribute: validity, age, trust --------------------------------- */

struct attr_ctx {
	const struct mapping *m;
	struct validator *validator;
	const struct trust_rule *trust;
	double decay_days;	/* of the trust rule */
};

struct profiler {
	const struct policy *p;
	const struct source *s;
	const struct profile_opts *o;
	struct source_profile *sp;
	struct attr_ctx *ctx;		/* per mapping */
	size_t country_map;		/* mapping of type country, or SIZE_MAX */
	struct buf shape, tmp;
};

static void note_transform(struct value_stats *v, const char *why,
			   const char *key)
{
	for (size_t i = 0; i < v->n_tx; i++) {
		if (v->tx[i].why == why) {
			samples_add(&v->tx[i].s, key);
			return;
		}
	}
	if (v->n_tx < PROFILE_TX_REASONS) {
		v->tx[v->n_tx].why = why;
		samples_add(&v->tx[v->n_tx++].s, key);
	}
}

static void judge(struct profiler *pf, size_t i, const struct record *rec,
		  const char *country)
{
	struct value_stats *v = &pf->sp->attrs[i];
	enum validity_reason r;

	if (rec->why[i]) {
		v->invalid++;
		samples_add(&v->reasons[VR_TRANSFORM], rec->key);
		note_transform(v, rec->why[i], rec->key);
		return;
	}
	r = validator_check(pf->ctx[i].validator, rec->value[i],
			    rec->value_len[i], country, &pf->tmp);
	if (r == VR_OK)
		return;
	samples_add(&v->reasons[r], rec->key);
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
	if (day_hist_add(&v->ages, age))
		return ST_ERR_NOMEM;
	if (v->has_decay && age > v->decay_days)
		samples_add(&v->stale_keys, rec->key);
	if (c->trust) {
		start = e ? e->raise_to : c->trust->max;
		v->trust_sum += trust_curve_at(c->trust->curve, start, c->trust->min,
					       c->decay_days, (double)age);
		v->trust_n++;
	}
	return 0;
}

static int add_attributes(struct profiler *pf, const struct record *rec,
			  int64_t updated)
{
	const char *country = pf->country_map != SIZE_MAX && !rec->why[pf->country_map]
			      ? rec->value[pf->country_map] : NULL;

	for (size_t i = 0; i < pf->s->n_mappings; i++) {
		struct value_stats *v = &pf->sp->attrs[i];

		if (vs_add(v, rec->value[i], rec->value_len[i], &pf->shape))
			return ST_ERR_NOMEM;
		if (!rec->value[i])
			continue;
		judge(pf, i, rec, country);
		if (age_value(pf, i, rec, updated))
			return ST_ERR_NOMEM;
	}
	return 0;
}

static int add_fields(struct profiler *pf, const struct reader *r,
		      const struct record *rec)
{
	struct source_profile *sp = pf->sp;
	const char *const *vals;
	const size_t *lens;
	size_t n = reader_row(r, &vals, &lens);

	for (size_t f = 0; f < pf->s->n_fields; f++)
		if (vs_add(&sp->fields[f], rec->raw[f], rec->raw_len[f], &pf->shape))
			return ST_ERR_NOMEM;
	for (size_t e = 0; e < sp->n_extras; e++) {
		size_t c = sp->extra_col[e];

		if (vs_add(&sp->extras[e], c < n ? vals[c] : NULL, c < n ? lens[c] : 0,
			   &pf->shape))
			return ST_ERR_NOMEM;
	}
	return 0;
}

static int add_record(struct profiler *pf, const struct reader *r,
		      const struct record *rec)
{
	struct source_profile *sp = pf->sp;
	const struct source *s = pf->s;
	int64_t updated = INT64_MIN;

	sp->rows++;
	if (rec->key[0]) {
		if (distinct_add_hash(&sp->keys, sketch_hash(rec->key, strlen(rec->key))))
			return ST_ERR_NOMEM;
	} else {
		samples_add(&sp->missing_keys, rec->key);
	}
	if (s->updated_index != SIZE_MAX && rec->raw[s->updated_index]) {
		updated = parse_days(rec->raw[s->updated_index],
				     rec->raw_len[s->updated_index],
				     s->updated_format ? s->updated_format :
				     s->fields[s->updated_index].format);
		if (updated == INT64_MIN) {
			sp->updated_unparsed++;
			samples_add(&sp->bad_updated, rec->key);
		} else {
			if (!sp->has_updated || updated > sp->newest_days)
				sp->newest_days = updated;
			if (!sp->has_updated || updated < sp->oldest_days)
				sp->oldest_days = updated;
			sp->has_updated = true;
		}
	}
	if (add_attributes(pf, rec, updated))
		return ST_ERR_NOMEM;
	return add_fields(pf, r, rec);
}

/* ---- set-up -------------------------------------------------------------- */

static bool numeric_field(enum field_type t)
{
	return t == FIELD_INTEGER || t == FIELD_DECIMAL;
}

static int setup_attrs(struct profiler *pf)
{
	const struct source *s = pf->s;
	struct source_profile *sp = pf->sp;

	pf->country_map = SIZE_MAX;
	for (size_t i = 0; i < s->n_mappings; i++) {
		const struct mapping *m = &s->mappings[i];
		const struct attribute *a = m->attribute;
		struct attr_ctx *c = &pf->ctx[i];
		struct value_stats *v = &sp->attrs[i];

		c->m = m;
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
		}
	}
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

static int profile_init(struct profiler *pf, struct source_profile *sp)
{
	const struct source *s = pf->s;

	memset(sp, 0, sizeof(*sp));
	sp->src = s;
	distinct_init(&sp->keys);
	sp->attrs = xcalloc(s->n_mappings ? s->n_mappings : 1, sizeof(*sp->attrs));
	sp->fields = xcalloc(s->n_fields ? s->n_fields : 1, sizeof(*sp->fields));
	pf->ctx = xcalloc(s->n_mappings ? s->n_mappings : 1, sizeof(*pf->ctx));
	if (!sp->attrs || !sp->fields || !pf->ctx)
		return ST_ERR_NOMEM;
	for (size_t f = 0; f < s->n_fields; f++)
		if (vs_init(&sp->fields[f], s->fields[f].name, TARGET_FIELD,
			    numeric_field(s->fields[f].type)))
			return ST_ERR_NOMEM;
	return setup_attrs(pf);
}

static int read_all(struct profiler *pf, struct reader *r)
{
	const struct record *rec;
	int rc;

	while ((rc = reader_next(r, &rec, &pf->sp->error)) == 1) {
		if (add_record(pf, r, rec))
			return ST_ERR_NOMEM;
		if (pf->o->progress && !(pf->sp->rows & 8191))
			pf->o->progress(pf->o->progress_arg, pf->s, pf->sp->rows,
					reader_bytes_done(r), reader_bytes_total(r));
	}
	if (rc == ST_ERR_NOMEM)
		return rc;
	if (rc < 0)
		pf->sp->failed = true;
	return 0;
}

int profile_source(const struct policy *p, const struct source *s,
		   const struct profile_opts *o, struct source_profile *sp)
{
	struct profiler pf = { p, s, o, sp, NULL, SIZE_MAX, BUF_INIT, BUF_INIT };
	struct reader *r = NULL;
	int rc = profile_init(&pf, sp);

	diag_clear(&sp->error);
	if (!rc && reader_open(s, &r, &sp->error)) {
		sp->failed = true;
	} else if (!rc) {
		rc = setup_columns(&pf, r);
		if (!rc)
			rc = read_all(&pf, r);
		sp->rstats = *reader_stats(r);
		if (o->progress)
			o->progress(o->progress_arg, s, sp->rows, reader_bytes_done(r),
				    reader_bytes_total(r));
	}
	reader_free(r);
	for (size_t i = 0; pf.ctx && i < s->n_mappings; i++)
		validator_free(pf.ctx[i].validator);
	xfree(pf.ctx);
	buf_release(&pf.shape);
	buf_release(&pf.tmp);
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
	for (size_t e = 0; e < sp->n_extras; e++)
		vs_release(&sp->extras[e]);
	for (size_t c = 0; c < sp->n_columns; c++)
		xfree(sp->columns[c]);
	xfree(sp->columns);
	xfree(sp->attrs);
	xfree(sp->fields);
	xfree(sp->extras);
	xfree(sp->extra_col);
	distinct_release(&sp->keys);
	memset(sp, 0, sizeof(*sp));
}
