/*
 * policy_check.c - the meaning of a policy, once its files are read.
 *
 * The schema has already checked structure; here every reference between
 * declarations is resolved (owner ids, sources, attributes, fields), ids
 * are checked for uniqueness across all files, and every value the schema
 * cannot judge is parsed: durations, cron expressions, time zones,
 * transforms, date formats, regular expressions, thresholds, weights and
 * grade bands.  Every problem becomes one positioned message that says what
 * to do; the check goes on after a problem so that `steward check` lists
 * all of them at once.
 */
#include "policy/policy_int.h"

#include <math.h>
#include <regex.h>
#include <sys/stat.h>

#include "util/datetime.h"
#include "util/files.h"
#include "util/textdist.h"

#define MAX_KNOWN 8

/* "(known: a, b, c, …)" or "(none are declared)", plus "did you mean"
 * when one is close; false when it made a suggestion. */
static bool known_list(const char *word, const char *const *ids, size_t n,
		       struct buf *out)
{
	const char *best = textdist_suggest(word, ids, n);

	if (!n) {
		buf_addstr(out, " (none are declared)");
		return true;
	}
	buf_addstr(out, " (known: ");
	for (size_t i = 0; i < n && i < MAX_KNOWN; i++)
		buf_addf(out, "%s%s", i ? ", " : "", ids[i]);
	if (n > MAX_KNOWN)
		buf_addstr(out, ", \xE2\x80\xA6");
	buf_addch(out, ')');
	if (best)
		buf_addf(out, "; did you mean '%s'?", best);
	return best == NULL;
}

struct ids {
	const char *items[LIMIT_ATTRIBUTES];
	size_t n;
};

static void owner_ids(const struct policy *p, struct ids *ids)
{
	ids->n = 0;
	for (size_t i = 0; i < p->n_owners && ids->n < LIMIT_ATTRIBUTES; i++)
		ids->items[ids->n++] = p->owners[i].id;
}

static void source_ids(const struct policy *p, struct ids *ids)
{
	ids->n = 0;
	for (size_t i = 0; i < p->n_sources && ids->n < LIMIT_ATTRIBUTES; i++)
		ids->items[ids->n++] = p->sources[i].id;
}

static void attribute_ids(const struct policy *p, struct ids *ids)
{
	ids->n = 0;
	for (size_t i = 0; i < p->n_attributes && ids->n < LIMIT_ATTRIBUTES; i++)
		ids->items[ids->n++] = p->attributes[i].id;
}

static void field_names(const struct source *s, struct ids *ids)
{
	ids->n = 0;
	for (size_t i = 0; i < s->n_fields && ids->n < LIMIT_ATTRIBUTES; i++)
		ids->items[ids->n++] = s->fields[i].name;
}

/* Report an unknown reference: "<what> 'word' ... (known: ...)". */
static void unknown(struct policy_loader *L, struct policy_loc loc,
		    const char *prefix, const char *word, const struct ids *ids,
		    const char *advice)
{
	struct buf msg = BUF_INIT;

	buf_addf(&msg, "%s '%s'", prefix, word);
	if (known_list(word, ids->items, ids->n, &msg) && advice)
		buf_addf(&msg, "; %s", advice);
	policy_error(L, loc, "%s", msg.data);
	buf_release(&msg);
}

/* ---- uniqueness ------------------------------------------------------- */

#define CHECK_UNIQUE(L, arr, n, what)                                        \
	do {                                                                 \
		for (size_t i_ = 1; i_ < (n); i_++)                          \
			for (size_t j_ = 0; j_ < i_; j_++)                   \
				if (!strcmp((arr)[i_].id, (arr)[j_].id)) {   \
					dup_error((L), (arr)[i_].loc, (what),  \
						  (arr)[i_].id, (arr)[j_].loc); \
					break;                               \
				}                                            \
	} while (0)

static void dup_error(struct policy_loader *L, struct policy_loc loc,
		      const char *what, const char *id, struct policy_loc first)
{
	policy_error(L, loc, "%s '%s' is declared twice (first at %s:%lu:%lu); "
		     "ids must be unique across all policy files",
		     what, id, first.file, first.line, first.col);
}

/* ---- durations -------------------------------------------------------- */

static bool check_duration(struct policy_loader *L, struct policy_loc elem,
			   const char *attr_name, const char *what,
			   const char *text, struct duration *out)
{
	struct buf why = BUF_INIT;
	size_t at = 0;

	if (!duration_parse(text, out, &at, &why)) {
		if (!duration_is_zero(out)) {
			buf_release(&why);
			return true;
		}
		buf_addstr(&why, "it is zero");
	}
	policy_error(L, policy_attr_loc(L, elem, attr_name, at),
		     "%s '%s' is not a usable ISO 8601 duration: %s "
		     "(write for example P1D, PT6H, P3M or P2Y)", what, text,
		     why.data);
	buf_release(&why);
	return false;
}

/* ---- sources ---------------------------------------------------------- */

static void check_field_ref(struct policy_loader *L, struct source *s,
			    struct policy_loc loc, const char *name,
			    const char *role, size_t *index)
{
	struct ids ids;

	*index = source_field_index(s, name);
	if (*index != SIZE_MAX)
		return;
	field_names(s, &ids);
	{
		char prefix[160];

		snprintf(prefix, sizeof(prefix), "source '%s' uses %s field", s->id,
			 role);
		unknown(L, loc, prefix, name, &ids,
			"declare it with <field name=\"...\"/>");
	}
}

/* /root/child/record: elements only, no empty step, no trailing slash */
static bool record_path_ok(const char *p)
{
	size_t steps = 0;

	if (p[0] != '/')
		return false;
	while (*p == '/') {
		size_t len = strcspn(p + 1, "/");

		if (!len || memchr(p + 1, '@', len) || ++steps > LIMIT_XML_PATH_STEPS)
			return false;
		p += 1 + len;
	}
	return steps > 0 && !*p;
}

static void check_location(struct policy_loader *L, struct source *s)
{
	struct policy_loc loc = s->location_loc;

	switch (s->kind) {
	case SOURCE_SQLITE:
		if (!s->table == !s->query)
			policy_error(L, loc, "sqlite source '%s' needs exactly one of "
				     "table=\"...\" or query=\"SELECT ...\" in its "
				     "<location>", s->id);
		break;
	case SOURCE_XML:
		if (!s->record_path || s->record_path[0] != '/')
			policy_error(L, loc, "xml source '%s' needs record=\"/path/to/"
				     "record\" (an absolute element path) in its "
				     "<location>", s->id);
		break;
	case SOURCE_CSV:
		if (s->table || s->query || s->record_path)
			policy_error(L, loc, "csv source '%s': table, query and record "
				     "belong to sqlite and xml sources", s->id);
		break;
	}
	if (s->kind != SOURCE_CSV && s->csv.given)
		policy_error(L, loc, "source '%s': delimiter, quote, header and "
			     "skip-initial-space apply to csv sources only", s->id);
	if (s->kind == SOURCE_XML && s->record_path && !record_path_ok(s->record_path))
		policy_error(L, policy_attr_loc(L, loc, "record", 0),
			     "xml source '%s': record path '%s' must name elements "
			     "only, as /root/child/record", s->id, s->record_path);
}

/* A field path relative to the record: steps separated by '/', the last
 * of which may be @attribute; or "." for the record's own text. */
static bool xml_path_ok(const char *path)
{
	size_t steps = 0;

	if (!strcmp(path, "."))
		return true;
	while (*path) {
		size_t len = strcspn(path, "/");

		if (!len || (path[0] == '@' && (len == 1 || path[len])) ||
		    ++steps > LIMIT_XML_PATH_STEPS)
			return false;
		path += len;
		if (*path == '/' && !*++path)
			return false;
	}
	return steps > 0;
}

static void check_fields(struct policy_loader *L, struct source *s)
{
	if (s->n_fields > LIMIT_FIELDS_PER_SOURCE)
		policy_error(L, s->loc, "source '%s' declares %zu fields; the limit "
			     "is %d", s->id, s->n_fields, LIMIT_FIELDS_PER_SOURCE);
	for (size_t i = 0; i < s->n_fields; i++) {
		struct source_field *f = &s->fields[i];
		struct buf why = BUF_INIT;
		size_t at = 0;

		for (size_t j = 0; j < i; j++)
			if (!strcmp(f->name, s->fields[j].name))
				policy_error(L, f->loc, "source '%s' declares field '%s' "
					     "twice (first at line %lu)", s->id, f->name,
					     s->fields[j].loc.line);
		if (f->format && f->type != FIELD_DATE && f->type != FIELD_DATETIME)
			policy_error(L, policy_attr_name_loc(L, f->loc, "format"),
				     "field '%s': format applies to date and datetime "
				     "fields only; add type=\"date\"", f->name);
		if (f->format && datetime_formats_check(f->format, &at, &why))
			policy_error(L, policy_attr_loc(L, f->loc, "format", at),
				     "field '%s': bad date format '%s': %s", f->name,
				     f->format, why.data);
		buf_release(&why);
		if (f->path && s->kind == SOURCE_XML && !xml_path_ok(f->path))
			policy_error(L, policy_attr_loc(L, f->loc, "path", 0),
				     "field '%s': malformed path '%s'; write child, "
				     "child/grandchild, @attribute, child/@attribute or .",
				     f->name, f->path);
		if (f->path && s->kind != SOURCE_XML)
			policy_error(L, policy_attr_name_loc(L, f->loc, "path"),
				     "field '%s': path applies to xml sources only", f->name);
		if (s->kind == SOURCE_CSV && !s->csv.header && !f->column)
			policy_error(L, f->loc, "field '%s': the csv source '%s' has no "
				     "header row, so every field needs column=\"N\"",
				     f->name, s->id);
		if (f->column && (s->kind != SOURCE_CSV || s->csv.header))
			policy_error(L, policy_attr_name_loc(L, f->loc, "column"),
				     "field '%s': column applies only to csv sources "
				     "with header=\"false\"", f->name);
	}
}

static void check_transform_refs(struct policy_loader *L, struct source *s,
				 struct mapping *m)
{
	for (size_t i = 0; i < m->chain.n; i++) {
		struct transform *t = &m->chain.items[i];
		struct ids ids;

		if (!t->field_ref)
			continue;
		t->field_index = source_field_index(s, t->field_ref);
		if (t->field_index != SIZE_MAX)
			continue;
		field_names(s, &ids);
		unknown(L, policy_attr_loc(L, m->loc, "transform", t->offset),
			"transform country-field names field", t->field_ref, &ids,
			"declare it as a <field> of this source");
	}
}

static void check_mapping(struct policy_loader *L, struct source *s,
			  struct mapping *m)
{
	struct policy *p = L->p;
	struct transform_error te;
	struct ids ids;
	int rc;

	m->attribute = policy_attribute(p, m->attribute_id);
	if (!m->attribute) {
		char prefix[256];

		attribute_ids(p, &ids);
		snprintf(prefix, sizeof(prefix), "source '%s' maps field '%s' to "
			 "unknown attribute", s->id, m->n_fields ? m->from[0] : "?");
		unknown(L, policy_attr_loc(L, m->loc, "attribute", 0), prefix,
			m->attribute_id, &ids, NULL);
	}
	m->fields = arena_array(&p->arena, m->n_fields ? m->n_fields : 1,
				sizeof(*m->fields));
	if (!m->fields) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < m->n_fields; i++)
		check_field_ref(L, s, policy_attr_loc(L, m->loc, "from", 0),
				m->from[i], "mapped", &m->fields[i]);
	memset(&te, 0, sizeof(te));
	rc = transform_parse(m->transform_text ? m->transform_text : "",
			     &p->arena, &m->chain, &te);
	if (rc == ST_ERR_NOMEM)
		L->nomem = 1;
	else if (rc)
		policy_error(L, policy_attr_loc(L, m->loc, "transform", te.offset),
			     "source '%s' attribute '%s': %s", s->id,
			     m->attribute_id, te.msg);
	else
		check_transform_refs(L, s, m);
}

static void resolve_path(struct policy_loader *L, struct source *s)
{
	struct buf path = BUF_INIT;

	files_join(L->p->data_dir, s->path, &path);
	s->resolved_path = arena_strndup(&L->p->arena, path.data, path.len);
	if (!s->resolved_path)
		L->nomem = 1;
	buf_release(&path);
}

static void check_source(struct policy_loader *L, struct source *s)
{
	struct policy *p = L->p;
	struct ids ids;
	char prefix[160];

	s->owner = policy_owner(p, s->owner_id);
	if (!s->owner) {
		owner_ids(p, &ids);
		snprintf(prefix, sizeof(prefix), "source '%s' names owner", s->id);
		unknown(L, policy_attr_loc(L, s->loc, "owner", 0), prefix,
			s->owner_id, &ids, "declare it with <owner id=\"...\"/>");
	}
	check_location(L, s);
	check_fields(L, s);
	resolve_path(L, s);
	if (s->key_field)
		check_field_ref(L, s, policy_attr_loc(L, s->key_loc, "field", 0),
				s->key_field, "key", &s->key_index);
	if (s->updated_field)
		check_field_ref(L, s, policy_attr_loc(L, s->updated_loc, "field", 0),
				s->updated_field, "updated-at", &s->updated_index);
	if (s->updated_format) {
		struct buf why = BUF_INIT;
		size_t at = 0;

		if (datetime_formats_check(s->updated_format, &at, &why))
			policy_error(L, policy_attr_loc(L, s->updated_loc, "format", at),
				     "source '%s': bad updated-at format '%s': %s", s->id,
				     s->updated_format, why.data);
		buf_release(&why);
	}
	if (s->has_cadence)
		check_duration(L, s->cadence_loc, "every", "cadence",
			       s->cadence_text, &s->cadence);
	if (s->has_volume && s->volume_min > s->volume_max)
		policy_error(L, s->volume_loc, "source '%s': volume min %llu is above max "
			     "%llu", s->id, (unsigned long long)s->volume_min,
			     (unsigned long long)s->volume_max);
	for (size_t i = 0; i < s->n_mappings; i++) {
		check_mapping(L, s, &s->mappings[i]);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->mappings[i].attribute_id,
				    s->mappings[j].attribute_id))
			{
				policy_error(L, s->mappings[i].loc, "source '%s' maps "
					     "attribute '%s' twice (first at line %lu); "
					     "map it from several fields with <map "
					     "from=\"a b\"/> instead", s->id,
					     s->mappings[i].attribute_id,
					     s->mappings[j].loc.line);
				break;
			}
	}
}

/* ---- attributes and systems of record --------------------------------- */

static bool source_maps(const struct source *s, const struct attribute *a)
{
	for (size_t i = 0; i < s->n_mappings; i++)
		if (s->mappings[i].attribute == a)
			return true;
	return false;
}

static void set_sor(struct policy_loader *L, struct attribute *a,
		    const char *source_id, struct policy_loc loc)
{
	if (a->sor_id && strcmp(a->sor_id, source_id)) {
		policy_error(L, loc, "attribute '%s' has two systems of record: '%s' "
			     "(%s:%lu:%lu) and '%s'; keep exactly one", a->id,
			     a->sor_id, a->sor_loc.file, a->sor_loc.line,
			     a->sor_loc.col, source_id);
		return;
	}
	a->sor_id = source_id;
	a->sor_loc = loc;
}

static void merge_sor_refs(struct policy_loader *L)
{
	struct policy *p = L->p;
	struct ids ids;

	for (size_t i = 0; i < p->n_sor_refs; i++) {
		struct sor_ref *r = &p->sor_refs[i];
		struct attribute *a = policy_attribute(p, r->attribute_id);

		if (!a) {
			attribute_ids(p, &ids);
			unknown(L, policy_attr_loc(L, r->loc, "attribute", 0),
				"system-of-record names attribute", r->attribute_id,
				&ids, NULL);
			continue;
		}
		set_sor(L, a, r->source_id, policy_attr_loc(L, r->loc, "source", 0));
	}
}

static void check_pattern(struct policy_loader *L, struct attribute *a)
{
	regex_t re;
	int rc = regcomp(&re, a->pattern, REG_EXTENDED | REG_NOSUB);

	if (rc) {
		char msg[256];

		regerror(rc, &re, msg, sizeof(msg));
		policy_error(L, policy_attr_loc(L, a->loc, "pattern", 0),
			     "attribute '%s': pattern is not a valid POSIX extended "
			     "regular expression: %s", a->id, msg);
		return;
	}
	regfree(&re);
}

static void check_attribute(struct policy_loader *L, struct attribute *a)
{
	struct policy *p = L->p;
	struct ids ids;
	char prefix[160];

	a->owner = policy_owner(p, a->owner_id);
	if (!a->owner) {
		owner_ids(p, &ids);
		snprintf(prefix, sizeof(prefix), "attribute '%s' names owner", a->id);
		unknown(L, policy_attr_loc(L, a->loc, "owner", 0), prefix,
			a->owner_id, &ids, "declare it with <owner id=\"...\"/>");
	}
	if (a->type == ATTR_ENUM && !a->n_values)
		policy_error(L, a->loc, "attribute '%s' is an enum but has no values; "
			     "add values=\"a b c\"", a->id);
	if (a->type != ATTR_ENUM && a->n_values)
		policy_error(L, policy_attr_name_loc(L, a->loc, "values"),
			     "attribute '%s': values apply to enum attributes only",
			     a->id);
	if (a->pattern)
		check_pattern(L, a);
	if (a->decay_text)
		a->has_decay = check_duration(L, a->loc, "decay", "decay",
					      a->decay_text, &a->decay);
	if (!a->sor_id) {
		policy_error(L, a->loc, "attribute '%s' has no system of record; add "
			     "system-of-record=\"SOURCE\" or a <system-of-record "
			     "attribute=\"%s\" source=\"...\"/>", a->id, a->id);
		return;
	}
	a->sor = policy_source(p, a->sor_id);
	if (!a->sor) {
		source_ids(p, &ids);
		snprintf(prefix, sizeof(prefix), "attribute '%s' names as system of "
			 "record the source", a->id);
		unknown(L, a->sor_loc, prefix, a->sor_id, &ids, NULL);
		return;
	}
	if (!source_maps(a->sor, a))
		policy_error(L, a->sor_loc, "attribute '%s' names '%s' as its system "
			     "of record, but source '%s' does not map that attribute; "
			     "map one of its fields to '%s' or choose another source",
			     a->id, a->sor_id, a->sor_id, a->id);
}

/* ---- identity --------------------------------------------------------- */

static struct attribute *need_attribute(struct policy_loader *L,
					struct policy_loc loc, const char *what,
					const char *id)
{
	struct attribute *a = policy_attribute(L->p, id);
	struct ids ids;

	if (!a) {
		attribute_ids(L->p, &ids);
		unknown(L, loc, what, id, &ids, NULL);
	}
	return a;
}

static bool in_unit(double v)
{
	return v >= 0 && v <= 1 && !isnan(v);
}

static size_t comparison_levels(const struct comparison *c)
{
	switch (c->method) {
	case CMP_EXACT:
		return 2;
	case CMP_INITIALS:
		return 3;
	default:
		return c->n_levels + 2;
	}
}

static void check_levels(struct policy_loader *L, struct comparison *c)
{
	const char *name = compare_method_name(c->method);
	bool similarity = c->method == CMP_JARO_WINKLER ||
			  c->method == CMP_WORD_JARO_WINKLER;
	bool digits = c->method == CMP_TRAILING_DIGITS;
	bool needs = c->method != CMP_EXACT && c->method != CMP_INITIALS;

	if (needs && !c->n_levels) {
		if (c->levels_text)
			return;	/* a bad number, already reported */
		policy_error(L, c->loc, "compare on '%s' with %s needs levels=\"...\" "
			     "(e.g. %s)", c->attribute_id, name,
			     similarity ? "0.95 0.88" : digits ? "10 7" : "1 2");
		return;
	}
	if (!needs && c->n_levels)
		policy_error(L, policy_attr_name_loc(L, c->loc, "levels"),
			     "compare on '%s': %s takes no levels", c->attribute_id,
			     name);
	if (c->n_levels > LIMIT_IDENTITY_THRESHOLDS) {
		policy_error(L, policy_attr_loc(L, c->loc, "levels", 0),
			     "compare on '%s' has %zu thresholds; at most %d "
			     "make sense (merge the closest)", c->attribute_id,
			     c->n_levels, LIMIT_IDENTITY_THRESHOLDS);
		return;
	}
	for (size_t i = 0; i < c->n_levels; i++) {
		double v = c->levels[i];
		bool bad = similarity ? !(v > 0 && v < 1) :
			   digits ? !(v >= 1 && v <= 64 && v == floor(v)) : !(v >= 0);
		bool order = i && (similarity || digits ? v >= c->levels[i - 1]
							: v <= c->levels[i - 1]);

		if (digits && (bad || order)) {
			policy_error(L, policy_attr_loc(L, c->loc, "levels", 0),
				     "compare on '%s': levels must be counts of "
				     "digits from 1 to 64, from strictest (most) "
				     "down", c->attribute_id);
			return;
		}
		if (bad || order) {
			policy_error(L, policy_attr_loc(L, c->loc, "levels", 0),
				     "compare on '%s': levels must be %s", c->attribute_id,
				     similarity ? "similarities between 0 and 1, from "
						  "strictest (highest) down"
						: "distances of 0 or more, from strictest "
						  "(smallest) up");
			return;
		}
	}
}

/* swap-with: another declared attribute, on a comparison of strings. */
static void check_swap(struct policy_loader *L, struct comparison *c)
{
	struct policy_loc at;

	if (!c->swap_with)
		return;
	at = policy_attr_loc(L, c->loc, "swap-with", 0);
	if (!need_attribute(L, at, "compare swaps with attribute", c->swap_with))
		return;
	if (!strcmp(c->swap_with, c->attribute_id))
		policy_error(L, at, "compare on '%s' swaps with itself; name the "
			     "attribute its values are confused with (swap-with="
			     "\"family_name\")", c->attribute_id);
	else if (c->method != CMP_EXACT && c->method != CMP_JARO_WINKLER &&
		 c->method != CMP_WORD_JARO_WINKLER &&
		 c->method != CMP_LEVENSHTEIN && c->method != CMP_DAMERAU)
		policy_error(L, at, "compare on '%s': swap-with applies to exact, "
			     "jaro-winkler, word-jaro-winkler, levenshtein and "
			     "damerau-levenshtein comparisons", c->attribute_id);
	else if (c->exclusive)
		policy_error(L, at, "compare on '%s': an exclusive comparison "
			     "cannot swap with another attribute (a value of one "
			     "is no value of the other); drop swap-with or "
			     "exclusive", c->attribute_id);
}

/* every-word reads person names, or other text, word by word under a
 * Jaro-Winkler comparison; relatives-apart, person names. */
static void check_name_words(struct policy_loader *L, struct comparison *c)
{
	bool relatives = c->relatives_apart;
	const char *what = relatives ? "relatives-apart" : "every-word";
	enum attribute_type t;

	if ((!c->every_word && !relatives) || !c->attribute)
		return;
	t = c->attribute->type;
	if ((t != ATTR_PERSON_NAME && (relatives || t != ATTR_TEXT)) ||
	    (c->method != CMP_JARO_WINKLER && c->method != CMP_WORD_JARO_WINKLER))
		policy_error(L, policy_attr_loc(L, c->loc, what, 0),
			     "compare on '%s': %s applies to a person-name%s "
			     "attribute compared by jaro-winkler or "
			     "word-jaro-winkler (this one is %s, %s)",
			     c->attribute_id, what, relatives ? "" : " or text",
			     attribute_type_name(t),
			     compare_method_name(c->method));
}

static void check_mu(struct policy_loader *L, struct comparison *c)
{
	size_t want = comparison_levels(c);
	double sm = 0, su = 0;

	if (!c->m)
		return;
	if (c->n_mu != want) {
		policy_error(L, policy_attr_loc(L, c->loc, "m", 0), "compare on '%s' "
			     "has %zu levels (exact, %zu threshold%s, else) but %s "
			     "give%s %zu values", c->attribute_id, want, want - 2,
			     want == 3 ? "" : "s", c->u ? "m and u" : "m",
			     c->u ? "" : "s", c->n_mu);
		return;
	}
	for (size_t i = 0; i < c->n_mu; i++) {
		if (!(c->m[i] > 0 && c->m[i] < 1) ||
		    (c->u && !(c->u[i] > 0 && c->u[i] < 1))) {
			policy_error(L, policy_attr_loc(L, c->loc, "m", 0),
				     "compare on '%s': every m%s must be strictly "
				     "between 0 and 1", c->attribute_id,
				     c->u ? " and u" : "");
			return;
		}
		sm += c->m[i];
		su += c->u ? c->u[i] : 0;
	}
	if (c->u && (fabs(sm - 1) > 0.01 || fabs(su - 1) > 0.01))
		policy_error(L, policy_attr_loc(L, c->loc, "m", 0), "compare on '%s': "
			     "m values add up to %.3g and u values to %.3g; each must "
			     "add up to 1 over the levels", c->attribute_id, sm, su);
	else if (!c->u && fabs(sm - 1) > 0.01)
		policy_error(L, policy_attr_loc(L, c->loc, "m", 0), "compare on '%s': "
			     "m values add up to %.3g; they must add up to 1 over "
			     "the levels", c->attribute_id, sm);
}

/* Parse one blocking term: attr, func(attr) or prefix|suffix(attr,N). */
static bool parse_block_term(struct policy_loader *L, struct block_key *k,
			     const char *word, size_t at, struct block_term *t)
{
	static const char *funcs[] = { "soundex", "prefix", "suffix", "year",
				       "initial", "digits", "last-word" };
	struct policy_loc loc = policy_attr_loc(L, k->loc, "on", at);
	const char *open = strchr(word, '('), *close, *comma;
	bool sized;
	char *end;

	if (!open) {
		t->attribute_id = arena_strdup(&L->p->arena, word);
		return true;
	}
	close = strchr(open, ')');
	comma = strchr(open, ',');
	if (!close || close[1] || (comma && comma > close)) {
		policy_error(L, loc, "block key term '%s' is malformed; write "
			     "attribute, func(attribute) or prefix(attribute,N)", word);
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(funcs); i++)
		if (strlen(funcs[i]) == (size_t)(open - word) &&
		    !memcmp(word, funcs[i], (size_t)(open - word)))
			t->func = funcs[i];
	if (!t->func) {
		policy_error(L, loc, "unknown block function '%.*s' (known: soundex, "
			     "prefix, suffix, year, initial, digits, last-word)",
			     (int)(open - word), word);
		return false;
	}
	sized = !strcmp(t->func, "prefix") || !strcmp(t->func, "suffix");
	if (sized) {
		unsigned long n = comma && comma[1] >= '0' && comma[1] <= '9'
				  ? strtoul(comma + 1, &end, 10) : 0;

		if (!n || end != close || n > 64) {
			policy_error(L, loc, "%s needs a length from 1 to 64: "
				     "%s(attribute,N)", t->func, t->func);
			return false;
		}
		t->arg = (unsigned)n;
	} else if (comma) {
		policy_error(L, loc, "%s takes only an attribute: %s(attribute)",
			     t->func, t->func);
		return false;
	}
	t->attribute_id = arena_strndup(&L->p->arena, open + 1,
					(size_t)((comma ? comma : close) - open - 1));
	return true;
}

/* domain: "*" or mail domains separated by spaces; ignores: "dots",
 * "plus-tags", "roles" or several. */
static void check_mailbox(struct policy_loader *L, struct mailbox_rule *m)
{
	const char *s = m->domain_text, *w;
	size_t words = 0;

	for (const char *q = s; *q; q++)
		words += *q != ' ' && (q == s || q[-1] == ' ');
	m->domains = arena_array(&L->p->arena, words ? words : 1, sizeof(*m->domains));
	if (!m->domains) {
		L->nomem = 1;
		return;
	}
	for (; *s; s += strcspn(s, " ")) {
		size_t len, at;
		char *d;

		while (*s == ' ')
			s++;
		if (!(len = strcspn(s, " ")))
			break;
		at = (size_t)(s - m->domain_text);
		if (len == 1 && *s == '*') {
			m->any_domain = true;
			continue;
		}
		if (memchr(s, '@', len) || !memchr(s, '.', len) || s[0] == '.' ||
		    s[len - 1] == '.') {
			policy_error(L, policy_attr_loc(L, m->loc, "domain", at),
				     "mailbox domain '%.*s' is not a mail domain "
				     "(gmail.com), nor * for every domain", (int)len, s);
			return;
		}
		if (!(d = arena_strndup(&L->p->arena, s, len))) {
			L->nomem = 1;
			return;
		}
		for (char *c = d; *c; c++)
			*c = (char)((*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : *c);
		m->domains[m->n_domains++] = d;
	}
	for (w = m->ignores_text; *w; w += strcspn(w, " ")) {
		size_t len;

		while (*w == ' ')
			w++;
		if (!(len = strcspn(w, " ")))
			break;
		if (len == 4 && !memcmp(w, "dots", 4))
			m->dots = true;
		else if (len == 9 && !memcmp(w, "plus-tags", 9))
			m->plus_tags = true;
		else if (len == 5 && !memcmp(w, "roles", 5))
			m->roles = true;
		else {
			policy_error(L, policy_attr_loc(L, m->loc, "ignores",
							(size_t)(w - m->ignores_text)),
				     "a mailbox ignores 'dots', 'plus-tags', 'roles' "
				     "or several, not '%.*s'", (int)len, w);
			return;
		}
	}
}

static void check_block(struct policy_loader *L, struct block_key *k)
{
	const char *s = k->text;
	size_t words = 0;

	for (const char *q = s; *q; q++)
		words += *q != ' ' && (q == s || q[-1] == ' ');
	k->terms = arena_array(&L->p->arena, words ? words : 1, sizeof(*k->terms));
	if (!k->terms) {
		L->nomem = 1;
		return;
	}
	while (*s) {
		struct block_term *t = &k->terms[k->n_terms];
		size_t len, at;
		char word[128];

		while (*s == ' ')
			s++;
		len = strcspn(s, " ");
		if (!len)
			break;
		at = (size_t)(s - k->text);
		if (len >= sizeof(word)) {
			policy_error(L, policy_attr_loc(L, k->loc, "on", at),
				     "block key term is longer than %zu characters",
				     sizeof(word) - 1);
			return;
		}
		memcpy(word, s, len);
		word[len] = '\0';
		s += len;
		if (!parse_block_term(L, k, word, at, t))
			return;
		if (!t->attribute_id) {
			L->nomem = 1;
			return;
		}
		if (!need_attribute(L, policy_attr_loc(L, k->loc, "on", at),
				    "block key names attribute", t->attribute_id))
			return;
		k->n_terms++;
	}
}

static void check_identity(struct policy_loader *L)
{
	struct identity *id = &L->p->identity;

	if (!id->declared)
		return;
	if (!(id->link > 0 && id->link <= 1) || !(id->review > 0 && id->review <= 1) ||
	    id->review > id->link)
		policy_error(L, id->loc, "identity thresholds must satisfy 0 < review "
			     "<= link <= 1 (review %g, link %g)", id->review, id->link);
	if (id->has_prior && !(id->prior > 0 && id->prior < 1))
		policy_error(L, policy_attr_loc(L, id->loc, "prior", 0),
			     "identity prior %g must be strictly between 0 and 1",
			     id->prior);
	CHECK_UNIQUE(L, id->rules, id->n_rules, "identity rule");
	for (size_t i = 0; i < id->n_rules; i++) {
		struct identity_rule *r = &id->rules[i];

		for (size_t j = 0; j < r->n_equal; j++)
			need_attribute(L, r->loc, "identity rule compares attribute",
				       r->equal[j]);
	}
	for (size_t i = 0; i < id->n_comparisons; i++) {
		struct comparison *c = &id->comparisons[i];

		c->attribute = need_attribute(L, policy_attr_loc(L, c->loc,
								 "attribute", 0),
					      "compare names attribute",
					      c->attribute_id);
		check_levels(L, c);
		check_mu(L, c);
		check_swap(L, c);
		check_name_words(L, c);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(id->comparisons[j].attribute_id, c->attribute_id))
				policy_error(L, c->loc, "a second comparison on '%s' "
					     "(first at line %lu); one attribute is "
					     "compared once, with several levels",
					     c->attribute_id, id->comparisons[j].loc.line);
	}
	if (id->n_comparisons > LIMIT_IDENTITY_COMPARISONS)
		policy_error(L, id->comparisons[LIMIT_IDENTITY_COMPARISONS].loc,
			     "%zu comparisons; the model takes at most %d (compare "
			     "fewer attributes, the ones that tell people apart)",
			     id->n_comparisons, LIMIT_IDENTITY_COMPARISONS);
	if (id->min_evidence < 1 ||
	    (id->n_comparisons && id->min_evidence > id->n_comparisons))
		policy_error(L, policy_attr_loc(L, id->loc, "min-evidence", 0),
			     "min-evidence=\"%zu\": a link needs from 1 to %zu "
			     "comparison%s speaking for it (the policy compares "
			     "%zu attribute%s)", id->min_evidence,
			     id->n_comparisons ? id->n_comparisons : 1,
			     id->n_comparisons > 1 ? "s" : "",
			     id->n_comparisons, id->n_comparisons == 1 ? "" : "s");
	if (id->n_comparisons && !id->n_blocks)
		policy_error(L, id->loc, "the probabilistic model has comparisons but "
			     "no blocking keys; add <block on=\"...\"/> so that not "
			     "every pair of records is compared");
	for (size_t i = 0; i < id->n_blocks; i++)
		check_block(L, &id->blocks[i]);
	for (size_t i = 0; i < id->n_mailboxes; i++)
		check_mailbox(L, &id->mailboxes[i]);
}

/* ---- trust, survivorship, reconcile, compliance ------------------------ */

static void check_trust(struct policy_loader *L, struct trust_rule *t)
{
	struct policy *p = L->p;
	struct ids ids;

	t->source = policy_source(p, t->source_id);
	if (!t->source) {
		source_ids(p, &ids);
		unknown(L, policy_attr_loc(L, t->loc, "source", 0),
			"trust names source", t->source_id, &ids, NULL);
	}
	if (t->attribute_id)
		t->attribute = need_attribute(L, policy_attr_loc(L, t->loc,
								 "attribute", 0),
					      "trust names attribute",
					      t->attribute_id);
	if (t->source && t->attribute && !source_maps(t->source, t->attribute))
		policy_error(L, policy_attr_loc(L, t->loc, "attribute", 0),
			     "trust rule: source '%s' does not map attribute '%s', so "
			     "there is nothing to trust", t->source_id, t->attribute_id);
	if (!in_unit(t->min) || !in_unit(t->max) || t->min > t->max)
		policy_error(L, t->loc, "trust for '%s' needs 0 <= min <= max <= 1 "
			     "(min %g, max %g)", t->source_id, t->min, t->max);
	check_duration(L, t->loc, "decay", "trust decay", t->decay_text, &t->decay);
	for (size_t i = 0; i < t->n_evidence; i++) {
		struct evidence *e = &t->evidence[i];

		if (!in_unit(e->raise_to) || e->raise_to < t->min)
			policy_error(L, policy_attr_loc(L, e->loc, "raise-to", 0),
				     "evidence raise-to %g must be between the trust "
				     "minimum %g and 1", e->raise_to, t->min);
		if (!t->source)
			continue;
		check_field_ref(L, t->source, policy_attr_loc(L, e->loc, "field", 0),
				e->field, "evidence", &e->field_index);
		if (e->dated_by)
			check_field_ref(L, t->source,
					policy_attr_loc(L, e->loc, "dated-by", 0),
					e->dated_by, "evidence date", &e->dated_index);
	}
	for (size_t j = 0; j < (size_t)(t - p->trust); j++) {
		const struct trust_rule *o = &p->trust[j];

		if (!strcmp(o->source_id, t->source_id) &&
		    ((!o->attribute_id && !t->attribute_id) ||
		     (o->attribute_id && t->attribute_id &&
		      !strcmp(o->attribute_id, t->attribute_id))))
			policy_error(L, t->loc, "a second trust rule for source '%s'%s%s "
				     "(first at %s:%lu:%lu)", t->source_id,
				     t->attribute_id ? " and attribute " : "",
				     t->attribute_id ? t->attribute_id : "",
				     o->loc.file, o->loc.line, o->loc.col);
	}
}

static void check_survivorship(struct policy_loader *L, struct survivorship *s)
{
	static const char *names[] = { "system-of-record", "highest-trust",
				       "most-recent", "most-frequent" };
	const char *w = s->order_text;

	s->attribute = need_attribute(L, policy_attr_loc(L, s->loc, "attribute", 0),
				      "survivorship names attribute",
				      s->attribute_id);
	while (w && *w) {
		size_t len, at = (size_t)(w - s->order_text);
		bool found = false;

		while (*w == ' ')
			w++;
		len = strcspn(w, " ");
		if (!len)
			break;
		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			if (strlen(names[i]) != len || memcmp(names[i], w, len))
				continue;
			found = true;
			for (size_t j = 0; j < s->n_order; j++)
				if (s->order[j] == (enum survivor_strategy)i)
					found = false;
			if (!found || s->n_order == 4)
				break;
			s->order[s->n_order++] = (enum survivor_strategy)i;
		}
		if (!found) {
			policy_error(L, policy_attr_loc(L, s->loc, "order", at),
				     "survivorship for '%s': '%.*s' is unknown or "
				     "repeated (known: system-of-record, highest-trust, "
				     "most-recent, most-frequent)", s->attribute_id,
				     (int)len, w);
			return;
		}
		w += len;
	}
	if (!s->n_order)
		policy_error(L, policy_attr_loc(L, s->loc, "order", 0),
			     "survivorship for '%s' lists no strategy", s->attribute_id);
	for (size_t j = 0; j < (size_t)(s - L->p->survivorship); j++) {
		const struct policy_loc *f = &L->p->survivorship[j].loc;

		if (!strcmp(L->p->survivorship[j].attribute_id, s->attribute_id))
			policy_error(L, s->loc, "a second survivorship rule for "
				     "attribute '%s' (first at %s:%lu:%lu)",
				     s->attribute_id, f->file, f->line, f->col);
	}
}

static void check_compliance(struct policy_loader *L, struct compliance_rule *r)
{
	if (r->kind == COMPLY_CONSENT || r->kind == COMPLY_COPY_LAG)
		r->attribute = need_attribute(L, policy_attr_loc(L, r->rule_loc,
								 "attribute", 0),
					      "compliance rule names attribute",
					      r->attribute_id);
	if (r->kind == COMPLY_CONSENT && r->attribute &&
	    r->attribute->type != ATTR_BOOLEAN && r->attribute->type != ATTR_ENUM)
		policy_error(L, r->rule_loc, "consent rule '%s': attribute '%s' is "
			     "of type %s; a consent attribute must be boolean or enum",
			     r->id, r->attribute_id,
			     attribute_type_name(r->attribute->type));
	if (r->kind == COMPLY_CONSENT && r->attribute &&
	    r->attribute->type == ATTR_BOOLEAN && strcmp(r->opted_out, "true") &&
	    strcmp(r->opted_out, "false"))
		policy_error(L, policy_attr_loc(L, r->rule_loc, "opted-out", 0),
			     "consent rule '%s': '%s' is boolean, so opted-out must "
			     "be \"true\" or \"false\" (the bool transform turns "
			     "yes/no, opted-in/opted-out ... into those)", r->id,
			     r->attribute_id);
	if (r->kind == COMPLY_CONSENT && r->attribute &&
	    r->attribute->type == ATTR_ENUM) {
		bool found = false;

		for (size_t i = 0; i < r->attribute->n_values; i++)
			found |= !strcmp(r->attribute->values[i], r->opted_out);
		if (!found)
			policy_error(L, policy_attr_loc(L, r->rule_loc, "opted-out", 0),
				     "consent rule '%s': opted-out value '%s' is not "
				     "one of the values of '%s'", r->id, r->opted_out,
				     r->attribute_id);
	}
	if (r->kind == COMPLY_COPY_LAG)
		check_duration(L, r->rule_loc, "max", "copy lag", r->max_lag_text,
			       &r->max_lag);
}

/* ---- scorecard and schedules ------------------------------------------ */

static void check_scorecard(struct policy_loader *L)
{
	struct scorecard *sc = &L->p->scorecard;
	double sum = 0;
	bool zero = false;

	if (!sc->declared)
		return;
	for (int d = 0; d < DIM_COUNT; d++) {
		if (sc->weight_set[d] && !(sc->weights[d] >= 0))
			policy_error(L, sc->weight_loc[d], "weight of '%s' is negative",
				     dimension_name((enum dimension)d));
		sum += sc->weights[d];
	}
	if (fabs(sum - 1) > 0.001) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "scorecard weights add up to %g, not 1 (", sum);
		for (int d = 0, first = 1; d < DIM_COUNT; d++) {
			if (!sc->weight_set[d])
				continue;
			buf_addf(&msg, "%s%s %g", first ? "" : " + ",
				 dimension_name((enum dimension)d), sc->weights[d]);
			first = 0;
		}
		buf_addstr(&msg, "); change them so that they sum to 1");
		policy_error(L, sc->loc, "%s", msg.data);
		buf_release(&msg);
	}
	for (size_t i = 0; i < sc->n_grades; i++) {
		struct grade *g = &sc->grades[i];

		if (!(g->min >= 0 && g->min <= 100))
			policy_error(L, g->loc, "grade '%s': min %g must be between 0 "
				     "and 100", g->name, g->min);
		zero |= g->min == 0;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(g->name, sc->grades[j].name) ||
			    g->min == sc->grades[j].min)
				policy_error(L, g->loc, "grade '%s' repeats the name or "
					     "minimum of grade '%s'", g->name,
					     sc->grades[j].name);
	}
	if (!zero)
		policy_error(L, sc->loc, "no grade band starts at 0, so low scores "
			     "would have no grade; add <grade name=\"...\" min=\"0\"/>");
	/* keep grades from best to worst */
	for (size_t i = 1; i < sc->n_grades; i++)
		for (size_t j = i; j > 0 && sc->grades[j].min > sc->grades[j - 1].min; j--) {
			struct grade t = sc->grades[j];

			sc->grades[j] = sc->grades[j - 1];
			sc->grades[j - 1] = t;
		}
}

static bool timezone_known(const char *tz)
{
	struct buf path = BUF_INIT;
	struct stat st;
	bool ok;

	if (!strcmp(tz, "UTC") || !strcmp(tz, "Etc/UTC"))
		return true;
	if (tz[0] == '/' || strstr(tz, ".."))
		return false;
	buf_addf(&path, "/usr/share/zoneinfo/%s", tz);
	ok = stat(path.data, &st) == 0 && S_ISREG(st.st_mode);
	if (ok) {
		/* zone.tab, tzdata.zi ... live there too: a zone starts "TZif" */
		char magic[4] = { 0 };
		FILE *f = fopen(path.data, "rb");

		ok = f && fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
		if (f)
			fclose(f);
	}
	buf_release(&path);
	return ok;
}

static void check_schedule(struct policy_loader *L, struct schedule *s)
{
	struct buf why = BUF_INIT;
	size_t at = 0;
	const char *w = s->task_text;

	if (cron_parse(s->cron_text, &s->cron, &at, &why)) {
		policy_error(L, policy_attr_loc(L, s->loc, "cron", at),
			     "schedule '%s' has a malformed cron expression '%s': %s",
			     s->id, s->cron_text, why.data);
	} else {
		int64_t next;

		/* 2000-01-01: any expression that can fire does within 401
		 * years of any start */
		if (cron_next(&s->cron, 946684800, &next))
			policy_error(L, policy_attr_loc(L, s->loc, "cron", 0),
				     "schedule '%s': the cron expression '%s' never "
				     "fires (no such day)", s->id, s->cron_text);
	}
	buf_release(&why);
	if (!timezone_known(s->timezone))
		policy_error(L, policy_attr_loc(L, s->loc, "timezone", 0),
			     "schedule '%s': unknown time zone '%s'; use an IANA "
			     "name such as Europe/London or UTC", s->id, s->timezone);
	if (!w[strspn(w, " ")])
		policy_error(L, policy_attr_loc(L, s->loc, "task", 0), "schedule "
			     "'%s' has no task; write scan, integrity or report",
			     s->id);
	while (*w) {
		size_t len;

		while (*w == ' ')
			w++;
		len = strcspn(w, " ");
		if (!len)
			break;
		if (len == 4 && !memcmp(w, "scan", 4))
			s->tasks |= TASK_SCAN;
		else if (len == 9 && !memcmp(w, "integrity", 9))
			s->tasks |= TASK_INTEGRITY;
		else if (len == 6 && !memcmp(w, "report", 6))
			s->tasks |= TASK_REPORT;
		else
			policy_error(L, policy_attr_loc(L, s->loc, "task",
							(size_t)(w - s->task_text)),
				     "schedule '%s': unknown task '%.*s' (known: scan, "
				     "integrity, report)", s->id, (int)len, w);
		w += len;
	}
}

/* ---- the whole policy -------------------------------------------------- */

static void check_crm(struct policy_loader *L)
{
	const struct source *first = NULL;

	for (size_t i = 0; i < L->p->n_sources; i++) {
		const struct source *s = &L->p->sources[i];

		if (s->role != ROLE_CRM)
			continue;
		if (first)
			policy_error(L, policy_attr_loc(L, s->loc, "role", 0),
				     "source '%s' is a second CRM (the first is '%s'); "
				     "at most one source may have role=\"crm\"",
				     s->id, first->id);
		else
			first = s;
	}
}

static void check_unique_ids(struct policy_loader *L)
{
	struct policy *p = L->p;

	CHECK_UNIQUE(L, p->owners, p->n_owners, "owner");
	CHECK_UNIQUE(L, p->sources, p->n_sources, "source");
	CHECK_UNIQUE(L, p->attributes, p->n_attributes, "attribute");
	CHECK_UNIQUE(L, p->compliance, p->n_compliance, "compliance rule");
	CHECK_UNIQUE(L, p->schedules, p->n_schedules, "schedule");
	if (p->n_attributes > LIMIT_ATTRIBUTES)
		policy_error(L, p->attributes[LIMIT_ATTRIBUTES].loc, "more than %d "
			     "attributes", LIMIT_ATTRIBUTES);
}

void policy_check(struct policy_loader *L)
{
	struct policy *p = L->p;

	check_unique_ids(L);
	check_crm(L);
	for (size_t i = 0; i < p->n_sources; i++)
		check_source(L, &p->sources[i]);
	merge_sor_refs(L);
	for (size_t i = 0; i < p->n_attributes; i++)
		check_attribute(L, &p->attributes[i]);
	check_identity(L);
	for (size_t i = 0; i < p->n_trust; i++)
		check_trust(L, &p->trust[i]);
	for (size_t i = 0; i < p->n_survivorship; i++)
		check_survivorship(L, &p->survivorship[i]);
	if (p->reconcile.declared &&
	    (!in_unit(p->reconcile.review) || !in_unit(p->reconcile.auto_approve) ||
	     p->reconcile.review > p->reconcile.auto_approve))
		policy_error(L, p->reconcile.loc, "reconcile thresholds must satisfy "
			     "0 <= review <= auto-approve <= 1 (review %g, "
			     "auto-approve %g)", p->reconcile.review,
			     p->reconcile.auto_approve);
	for (size_t i = 0; i < p->n_compliance; i++)
		check_compliance(L, &p->compliance[i]);
	check_scorecard(L);
	for (size_t i = 0; i < p->n_schedules; i++)
		check_schedule(L, &p->schedules[i]);
}
