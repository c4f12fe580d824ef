/*
 * policy_xml.c - read policy files with libxml2 and build the model.
 *
 * The only file of the policy module that sees libxml2.  Each file is
 * parsed from memory with network access and DTD loading off, refused
 * outright if it has a DOCTYPE (so neither external entities nor entity
 * expansion can reach the parser's entity code), validated against the
 * schema compiled into the binary (policies/schema/steward.xsd), and turned
 * into model structs whose strings live in the policy's arena.  Meaning
 * (references, durations, cron, weights) is checked later, in
 * policy_check.c, once every file has been read.
 */
#include "policy/policy_int.h"

#include <errno.h>
#include <math.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "util/files.h"

extern const char policy_schema_xsd[];
extern const size_t policy_schema_xsd_len;

struct build {
	struct policy_loader *L;
	struct policy *p;
	const struct policy_text *t;
};

void policy_library_init(void)
{
	LIBXML_TEST_VERSION
	xmlInitParser();
}

void policy_library_cleanup(void)
{
	xmlCleanupParser();
}

/* ---- errors from libxml2 ------------------------------------------------ */

struct xml_errs {
	struct policy_loader *L;
	const struct policy_text *t;
	int count;
};

static void trim_newline(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static struct policy_loc node_loc(const struct policy_text *t, const xmlNode *n)
{
	uintptr_t idx = n ? (uintptr_t)n->_private : 0;

	if (idx && idx <= t->n_tags)
		return policy_text_loc(t, t->tags[idx - 1]);
	return (struct policy_loc){ t->path, n ? (unsigned long)n->line : 0, 0, 0 };
}

/* Point schema errors about an attribute at the attribute. */
static struct policy_loc schema_error_loc(struct xml_errs *e, const xmlError *err)
{
	struct policy_loc loc = node_loc(e->t, err->node);
	const char *a = err->message ? strstr(err->message, "attribute '") : NULL;
	char name[64];
	size_t n;

	if (!a || !err->node || !((xmlNode *)err->node)->_private)
		return loc;
	a += strlen("attribute '");
	n = strcspn(a, "'");
	if (n == 0 || n >= sizeof(name))
		return loc;
	memcpy(name, a, n);
	name[n] = '\0';
	return policy_attr_name_loc(e->L, loc, name);
}

static void on_schema_error(void *ctx, xmlErrorPtr err)
{
	struct xml_errs *e = ctx;
	char msg[1024];

	if (err->level == XML_ERR_WARNING)
		return;
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "invalid");
	trim_newline(msg);
	e->count++;
	policy_error(e->L, schema_error_loc(e, err),
		     "%s (see docs/policy-reference.md)", msg);
}

static void on_parse_error(void *ctx, xmlErrorPtr err)
{
	xmlParserCtxtPtr pc = ctx;
	struct xml_errs *e = pc->_private;
	struct policy_loc loc = { e->t->path, (unsigned long)err->line,
				  (unsigned long)(err->int2 > 0 ? err->int2 : 0), 0 };
	char msg[1024];

	if (err->level == XML_ERR_WARNING || e->count)
		return;	/* the first well-formedness error is the useful one */
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "malformed");
	trim_newline(msg);
	e->count++;
	policy_error(e->L, loc, "not well-formed XML: %s", msg);
}

/* Record each element's start-tag index in _private (1-based). */
static void number_elements(xmlNode *n, uintptr_t *next)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		n->_private = (void *)(++*next);
		number_elements(n->children, next);
	}
}

/* ---- attribute access --------------------------------------------------- */

static const char *attr(struct build *b, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = arena_strdup(&b->p->arena, (const char *)v);
	xmlFree(v);
	if (!s) {
		/* out of memory: the load fails, but the builders that run
		 * until then must not see NULL for a required attribute */
		b->L->nomem = 1;
		return "";
	}
	return s;
}

static bool attr_bool(struct build *b, xmlNode *n, const char *name, bool dflt)
{
	const char *v = attr(b, n, name);

	if (!v)
		return dflt;
	return !strcmp(v, "true") || !strcmp(v, "1");
}

static double attr_num(struct build *b, xmlNode *n, const char *name,
		       double dflt)
{
	const char *v = attr(b, n, name);
	char *end;
	double d;

	if (!v)
		return dflt;
	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(d)) {
		policy_error(b->L, policy_attr_loc(b->L, node_loc(b->t, n), name, 0),
			     "'%s' is not a number", v);
		return dflt;
	}
	return d;
}

static uint64_t attr_u64(struct build *b, xmlNode *n, const char *name,
			 uint64_t dflt)
{
	const char *v = attr(b, n, name);
	char *end;
	unsigned long long u;

	if (!v)
		return dflt;
	errno = 0;
	u = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-') {
		policy_error(b->L, policy_attr_loc(b->L, node_loc(b->t, n), name, 0),
			     "'%s' is not a whole number in range", v);
		return dflt;
	}
	return u;
}

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Grow an arena array by one element (capacity doubles at powers of two;
 * the old copy stays in the arena, which is fine for policy-sized data). */
static void *push(struct build *b, void *arr, size_t *n, size_t elem)
{
	size_t cap = 4;
	char *na;

	while (cap < *n)
		cap *= 2;
	if (*n < cap && arr) {
		na = arr;
	} else {
		na = arena_array(&b->p->arena, cap * 2, elem);
		if (!na) {
			b->L->nomem = 1;
			return NULL;
		}
		if (*n)
			memcpy(na, arr, *n * elem);
	}
	memset(na + *n * elem, 0, elem);
	(*n)++;
	return na;
}

#define PUSH(b, arr, n) \
	((arr) = push((b), (arr), &(n), sizeof(*(arr))), \
	 (arr) ? &(arr)[(n) - 1] : NULL)

/* Split a space-separated list into an arena array of strings. */
static const char **split_words(struct build *b, const char *s, size_t *n)
{
	const char **out = NULL;

	*n = 0;
	while (s && *s) {
		const char **slot;
		size_t len;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		len = strcspn(s, " \t\r\n");
		if (!len)
			break;
		slot = PUSH(b, out, *n);
		if (!slot)
			return NULL;
		*slot = arena_strndup(&b->p->arena, s, len);
		if (!*slot) {
			b->L->nomem = 1;
			*slot = "";
		}
		s += len;
	}
	return out;
}

/* ---- builders ----------------------------------------------------------- */

static void build_owner(struct build *b, xmlNode *n)
{
	struct owner *o = PUSH(b, b->p->owners, b->p->n_owners);

	if (!o)
		return;
	o->loc = node_loc(b->t, n);
	o->id = attr(b, n, "id");
	o->name = attr(b, n, "name");
	o->contact = attr(b, n, "contact");
}

static char parse_char_attr(const char *v, char dflt)
{
	if (!v)
		return dflt;
	if (!strcmp(v, "tab"))
		return '\t';
	if (!strcmp(v, "none"))
		return 0;
	return v[0];
}

static void build_location(struct build *b, struct source *s, xmlNode *n)
{
	s->path = attr(b, n, "path");
	s->table = attr(b, n, "table");
	s->query = attr(b, n, "query");
	s->record_path = attr(b, n, "record");
	const char *delim = attr(b, n, "delimiter"), *quote = attr(b, n, "quote");

	s->csv.delimiter = parse_char_attr(delim, ',');
	s->csv.quote = parse_char_attr(quote, '"');
	s->csv.skip_initial_space = attr_bool(b, n, "skip-initial-space", false);
	s->csv.header = attr_bool(b, n, "header", true);
	s->csv.given = delim || quote ||
		       xmlHasProp(n, (const xmlChar *)"skip-initial-space") ||
		       xmlHasProp(n, (const xmlChar *)"header");
	/* one ASCII byte, "tab", or (for the quote only) "none" */
	if ((delim && (!strcmp(delim, "none") ||
		       (strcmp(delim, "tab") && (unsigned char)delim[0] > 127))) ||
	    (quote && strcmp(quote, "tab") && strcmp(quote, "none") &&
	     (unsigned char)quote[0] > 127) ||
	    (s->csv.delimiter && s->csv.delimiter == s->csv.quote))
		policy_error(b->L, node_loc(b->t, n), "source '%s': the delimiter "
			     "must be one ASCII character or \"tab\", the quote one "
			     "ASCII character, \"tab\" or \"none\", and they must "
			     "differ", s->id);
}

static enum field_type parse_field_type(const char *v)
{
	static const char *names[] = { "text", "integer", "decimal", "date",
				       "datetime", "boolean" };

	for (size_t i = 0; v && i < ARRAY_SIZE(names); i++)
		if (!strcmp(v, names[i]))
			return (enum field_type)i;
	return FIELD_TEXT;
}

/* from is one field name (whole_name, from <field attribute=...>, where
 * names may contain spaces) or a space-separated list (from <map>). */
static void add_mapping(struct build *b, struct source *s, xmlNode *n,
			const char *attribute, const char *from, bool whole_name)
{
	struct mapping *m = PUSH(b, s->mappings, s->n_mappings);

	if (!m)
		return;
	m->loc = node_loc(b->t, n);
	m->attribute_id = attribute;
	if (whole_name) {
		m->from = arena_array(&b->p->arena, 1, sizeof(*m->from));
		if (!m->from) {
			b->L->nomem = 1;
			return;
		}
		m->from[0] = from;
		m->n_fields = 1;
	} else {
		m->from = split_words(b, from, &m->n_fields);
	}
	m->transform_text = attr(b, n, "transform");
}

static void build_field(struct build *b, struct source *s, xmlNode *n)
{
	struct source_field *f = PUSH(b, s->fields, s->n_fields);
	const char *attribute;
	uint64_t col;

	if (!f)
		return;
	f->loc = node_loc(b->t, n);
	f->name = attr(b, n, "name");
	f->type = parse_field_type(attr(b, n, "type"));
	f->format = attr(b, n, "format");
	f->path = attr(b, n, "path");
	col = attr_u64(b, n, "column", 0);
	if (col > LIMIT_COLUMNS) {
		policy_error(b->L, policy_attr_loc(b->L, f->loc, "column", 0),
			     "field '%s': column %llu is beyond the limit of %d "
			     "columns", f->name, (unsigned long long)col, LIMIT_COLUMNS);
		col = LIMIT_COLUMNS + 1;	/* reported; keep it set */
	}
	f->column = (unsigned)col;
	f->required = attr_bool(b, n, "required", false);
	attribute = attr(b, n, "attribute");
	if (attribute)
		add_mapping(b, s, n, attribute, f->name, true);
	else if (xmlHasProp(n, (const xmlChar *)"transform"))
		policy_error(b->L, policy_attr_name_loc(b->L, f->loc, "transform"),
			     "field '%s' has a transform but no attribute to map "
			     "it to; add attribute=\"...\" or remove the transform",
			     f->name);
}

static void build_source(struct build *b, xmlNode *n)
{
	struct source *s = PUSH(b, b->p->sources, b->p->n_sources);
	const char *v;

	if (!s)
		return;
	s->loc = node_loc(b->t, n);
	s->id = attr(b, n, "id");
	v = attr(b, n, "kind");
	s->kind = !strcmp(v, "sqlite") ? SOURCE_SQLITE :
		  !strcmp(v, "xml") ? SOURCE_XML : SOURCE_CSV;
	v = attr(b, n, "role");
	s->role = v && !strcmp(v, "crm") ? ROLE_CRM : ROLE_SYSTEM;
	s->owner_id = attr(b, n, "owner");
	s->personal_data = attr_bool(b, n, "personal-data", true);
	s->updated_index = SIZE_MAX;
	s->key_index = SIZE_MAX;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "description")) {
			xmlChar *text = xmlNodeGetContent(c);

			s->description = arena_strdup(&b->p->arena,
						      text ? (const char *)text : "");
			xmlFree(text);
		} else if (is(c, "location")) {
			s->location_loc = node_loc(b->t, c);
			build_location(b, s, c);
		} else if (is(c, "key")) {
			s->key_loc = node_loc(b->t, c);
			s->key_field = attr(b, c, "field");
		} else if (is(c, "updated")) {
			s->updated_loc = node_loc(b->t, c);
			s->updated_field = attr(b, c, "field");
			s->updated_format = attr(b, c, "format");
		} else if (is(c, "cadence")) {
			s->cadence_loc = node_loc(b->t, c);
			s->has_cadence = true;
			s->cadence_text = attr(b, c, "every");
		} else if (is(c, "volume")) {
			s->volume_loc = node_loc(b->t, c);
			s->has_volume = true;
			s->volume_min = attr_u64(b, c, "min", 0);
			s->volume_max = attr_u64(b, c, "max", UINT64_MAX);
		} else if (is(c, "field")) {
			build_field(b, s, c);
		} else if (is(c, "map")) {
			add_mapping(b, s, c, attr(b, c, "attribute"),
				    attr(b, c, "from"), false);
		}
	}
}

static enum attribute_type parse_attr_type(const char *v)
{
	static const char *names[] = {
		"email", "phone", "person-name", "text", "date", "datetime",
		"enum", "country", "postcode", "boolean", "number", "identifier"
	};

	for (size_t i = 0; v && i < ARRAY_SIZE(names); i++)
		if (!strcmp(v, names[i]))
			return (enum attribute_type)i;
	return ATTR_TEXT;
}

static void build_attribute(struct build *b, xmlNode *n)
{
	struct attribute *a = PUSH(b, b->p->attributes, b->p->n_attributes);

	if (!a)
		return;
	a->loc = node_loc(b->t, n);
	a->id = attr(b, n, "id");
	a->label = attr(b, n, "label");
	a->type = parse_attr_type(attr(b, n, "type"));
	a->values = split_words(b, attr(b, n, "values"), &a->n_values);
	a->pattern = attr(b, n, "pattern");
	a->sor_id = attr(b, n, "system-of-record");
	if (a->sor_id)
		a->sor_loc = policy_attr_loc(b->L, a->loc, "system-of-record", 0);
	a->owner_id = attr(b, n, "owner");
	a->decay_text = attr(b, n, "decay");
	a->personal = attr_bool(b, n, "personal", false);
}

static void build_rule(struct build *b, struct identity *id, xmlNode *n)
{
	struct identity_rule *r = PUSH(b, id->rules, id->n_rules);

	if (!r)
		return;
	r->loc = node_loc(b->t, n);
	r->id = attr(b, n, "id");
	r->says = attr(b, n, "says");
	for (xmlNode *c = n->children; c; c = c->next) {
		const char **slot;

		if (!is(c, "equal"))
			continue;
		slot = PUSH(b, r->equal, r->n_equal);
		if (slot)
			*slot = attr(b, c, "attribute");
	}
}

static const char *const compare_names[] = {
	"exact", "jaro-winkler", "levenshtein", "damerau-levenshtein",
	"initials", "date-days", "numeric", "word-jaro-winkler",
	"trailing-digits"
};

/* Parse a list of numbers into an arena array; NULL list = none. */
static double *parse_numbers(struct build *b, xmlNode *n, const char *name,
			     size_t *count)
{
	size_t nw;
	const char **w = split_words(b, attr(b, n, name), &nw);
	double *out;

	*count = 0;
	if (!nw)
		return NULL;
	out = arena_array(&b->p->arena, nw, sizeof(*out));
	if (!out) {
		b->L->nomem = 1;
		return NULL;
	}
	for (size_t i = 0; i < nw; i++) {
		char *end;

		errno = 0;
		out[i] = strtod(w[i], &end);
		if (errno || end == w[i] || *end || !isfinite(out[i])) {
			policy_error(b->L, policy_attr_loc(b->L, node_loc(b->t, n),
							   name, 0),
				     "%s: '%s' is not a number", name, w[i]);
			return NULL;
		}
	}
	*count = nw;
	return out;
}

static void build_compare(struct build *b, struct identity *id, xmlNode *n)
{
	struct comparison *c = PUSH(b, id->comparisons, id->n_comparisons);
	const char *method;
	size_t nm, nu;

	if (!c)
		return;
	c->loc = node_loc(b->t, n);
	c->attribute_id = attr(b, n, "attribute");
	method = attr(b, n, "method");
	for (size_t i = 0; method && i < ARRAY_SIZE(compare_names); i++)
		if (!strcmp(method, compare_names[i]))
			c->method = (enum compare_method)i;
	c->levels_text = attr(b, n, "levels");
	c->levels = parse_numbers(b, n, "levels", &c->n_levels);
	c->tf_adjust = attr_bool(b, n, "tf-adjust", false);
	c->m = parse_numbers(b, n, "m", &nm);
	c->u = parse_numbers(b, n, "u", &nu);
	c->n_mu = nm;
	if ((attr(b, n, "m") && !c->m) || (attr(b, n, "u") && !c->u)) {
		/* a bad number, already reported */
		c->m = c->u = NULL;
		c->n_mu = 0;
	} else if ((c->u && !c->m) || (c->m && c->u && nm != nu)) {
		/* m alone is fixed with u estimated; u alone is not */
		policy_error(b->L, c->loc, "compare on '%s': u needs m beside it, "
			     "with one value per level (m has %zu, u has %zu); give m "
			     "alone to have u estimated", c->attribute_id, nm, nu);
		c->m = c->u = NULL;
		c->n_mu = 0;
	}
	c->says = attr(b, n, "says");
	c->swap_with = attr(b, n, "swap-with");
	c->exclusive = attr_bool(b, n, "exclusive", false);
	c->every_word = attr_bool(b, n, "every-word", false);
	c->relatives_apart = attr_bool(b, n, "relatives-apart", false);
}

static void build_block(struct build *b, struct identity *id, xmlNode *n)
{
	struct block_key *k = PUSH(b, id->blocks, id->n_blocks);

	if (!k)
		return;
	k->loc = node_loc(b->t, n);
	k->text = attr(b, n, "on");
	k->unmatched = attr_bool(b, n, "unmatched", false);
	k->max_block = (size_t)attr_u64(b, n, "max-block", 0);
}

static void build_mailbox(struct build *b, struct identity *id, xmlNode *n)
{
	struct mailbox_rule *m = PUSH(b, id->mailboxes, id->n_mailboxes);

	if (!m)
		return;
	m->loc = node_loc(b->t, n);
	m->domain_text = attr(b, n, "domain");
	m->ignores_text = attr(b, n, "ignores");
}

static void build_identity(struct build *b, xmlNode *n)
{
	struct identity *id = &b->p->identity;
	struct policy_loc loc = node_loc(b->t, n);

	if (id->declared) {
		policy_error(b->L, loc, "a second <identity> element; the first is "
			     "at %s:%lu:%lu (merge them into one)",
			     id->loc.file, id->loc.line, id->loc.col);
		return;
	}
	id->declared = true;
	id->loc = loc;
	id->link = attr_num(b, n, "link", 0.95);
	id->review = attr_num(b, n, "review", 0.80);
	id->has_prior = xmlHasProp(n, (const xmlChar *)"prior") != NULL;
	id->prior = attr_num(b, n, "prior", 0);
	id->max_block = (size_t)attr_u64(b, n, "max-block", 0);
	id->min_evidence = (size_t)attr_u64(b, n, "min-evidence", 1);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "rule"))
			build_rule(b, id, c);
		else if (is(c, "compare"))
			build_compare(b, id, c);
		else if (is(c, "block"))
			build_block(b, id, c);
		else if (is(c, "mailbox"))
			build_mailbox(b, id, c);
	}
}

static void build_trust(struct build *b, xmlNode *n)
{
	struct trust_rule *t = PUSH(b, b->p->trust, b->p->n_trust);
	const char *curve;

	if (!t)
		return;
	t->loc = node_loc(b->t, n);
	t->source_id = attr(b, n, "source");
	t->attribute_id = attr(b, n, "attribute");
	t->max = attr_num(b, n, "max", 1);
	t->min = attr_num(b, n, "min", 0);
	t->decay_text = attr(b, n, "decay");
	curve = attr(b, n, "curve");
	t->curve = !curve || !strcmp(curve, "linear") ? CURVE_LINEAR :
		   !strcmp(curve, "exponential") ? CURVE_EXPONENTIAL :
		   !strcmp(curve, "fast-then-slow") ? CURVE_FAST_THEN_SLOW :
		   CURVE_SLOW_THEN_FAST;
	for (xmlNode *c = n->children; c; c = c->next) {
		struct evidence *e;

		if (!is(c, "evidence"))
			continue;
		e = PUSH(b, t->evidence, t->n_evidence);
		if (!e)
			return;
		e->loc = node_loc(b->t, c);
		e->field = attr(b, c, "field");
		e->equals = attr(b, c, "equals");
		e->raise_to = attr_num(b, c, "raise-to", 1);
		e->dated_by = attr(b, c, "dated-by");
		e->field_index = e->dated_index = SIZE_MAX;
	}
}

static void build_survivorship(struct build *b, xmlNode *n)
{
	struct survivorship *s = PUSH(b, b->p->survivorship,
				      b->p->n_survivorship);

	if (!s)
		return;
	s->loc = node_loc(b->t, n);
	s->attribute_id = attr(b, n, "attribute");
	/* the order words are checked in policy_check; keep the text */
	s->n_order = 0;
	s->order_text = attr(b, n, "order");
}

static void build_reconcile(struct build *b, xmlNode *n)
{
	struct reconcile_cfg *r = &b->p->reconcile;
	struct policy_loc loc = node_loc(b->t, n);

	if (r->declared) {
		policy_error(b->L, loc, "a second <reconcile> element; the first is "
			     "at %s:%lu:%lu", r->loc.file, r->loc.line, r->loc.col);
		return;
	}
	r->declared = true;
	r->loc = loc;
	r->auto_approve = attr_num(b, n, "auto-approve", 0.9);
	r->review = attr_num(b, n, "review", 0.6);
}

static void build_compliance(struct build *b, xmlNode *n)
{
	struct compliance_rule *r = PUSH(b, b->p->compliance, b->p->n_compliance);

	if (!r)
		return;
	r->loc = node_loc(b->t, n);
	r->id = attr(b, n, "id");
	r->says = attr(b, n, "says");
	r->gate = attr_bool(b, n, "gate", false);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		r->rule_loc = node_loc(b->t, c);
		if (is(c, "consent")) {
			r->kind = COMPLY_CONSENT;
			r->attribute_id = attr(b, c, "attribute");
			r->opted_out = attr(b, c, "opted-out");
			if (!r->opted_out)
				r->opted_out = "false";
		} else if (is(c, "single-system-of-record")) {
			r->kind = COMPLY_SINGLE_SOR;
		} else if (is(c, "sources-owned")) {
			r->kind = COMPLY_SOURCES_OWNED;
		} else if (is(c, "personal-data-declared")) {
			r->kind = COMPLY_PERSONAL_DATA;
		} else if (is(c, "copy-lag")) {
			r->kind = COMPLY_COPY_LAG;
			r->attribute_id = attr(b, c, "attribute");
			r->max_lag_text = attr(b, c, "max");
		}
	}
}

static void build_scorecard(struct build *b, xmlNode *n)
{
	struct scorecard *sc = &b->p->scorecard;
	struct policy_loc loc = node_loc(b->t, n);

	if (sc->declared) {
		policy_error(b->L, loc, "a second <scorecard> element; the first is "
			     "at %s:%lu:%lu", sc->loc.file, sc->loc.line, sc->loc.col);
		return;
	}
	sc->declared = true;
	sc->loc = loc;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "weight")) {
			const char *dim = attr(b, c, "dimension");
			struct policy_loc wl = node_loc(b->t, c);

			for (int d = 0; d < DIM_COUNT; d++) {
				if (strcmp(dim, dimension_name((enum dimension)d)))
					continue;
				if (sc->weight_set[d])
					policy_error(b->L, wl, "a second weight for "
						     "dimension '%s'", dim);
				sc->weight_set[d] = true;
				sc->weights[d] = attr_num(b, c, "value", 0);
				sc->weight_loc[d] = wl;
			}
		} else if (is(c, "grade")) {
			struct grade *g = PUSH(b, sc->grades, sc->n_grades);

			if (!g)
				return;
			g->loc = node_loc(b->t, c);
			g->name = attr(b, c, "name");
			g->min = attr_num(b, c, "min", 0);
		}
	}
}

static void build_schedule(struct build *b, xmlNode *n)
{
	struct schedule *s = PUSH(b, b->p->schedules, b->p->n_schedules);

	if (!s)
		return;
	s->loc = node_loc(b->t, n);
	s->id = attr(b, n, "id");
	s->cron_text = attr(b, n, "cron");
	s->timezone = attr(b, n, "timezone");
	if (!s->timezone)
		s->timezone = "UTC";
	s->task_text = attr(b, n, "task");
}

static void build_sor(struct build *b, xmlNode *n)
{
	struct sor_ref *r = PUSH(b, b->p->sor_refs, b->p->n_sor_refs);

	if (!r)
		return;
	r->loc = node_loc(b->t, n);
	r->attribute_id = attr(b, n, "attribute");
	r->source_id = attr(b, n, "source");
}

static void build_data(struct build *b, xmlNode *n)
{
	struct policy_loc loc = node_loc(b->t, n);

	if (b->p->has_data) {
		policy_error(b->L, loc, "a second <data> element; the first is at "
			     "%s:%lu:%lu", b->p->data_loc.file, b->p->data_loc.line,
			     b->p->data_loc.col);
		return;
	}
	b->p->has_data = true;
	b->p->data_loc = loc;
	b->p->data_text = attr(b, n, "dir");
}

static void build_all(struct build *b, xmlNode *root)
{
	static const struct {
		const char *name;
		void (*fn)(struct build *, xmlNode *);
	} builders[] = {
		{ "data", build_data }, { "owner", build_owner },
		{ "source", build_source }, { "attribute", build_attribute },
		{ "system-of-record", build_sor }, { "identity", build_identity },
		{ "trust", build_trust }, { "survivorship", build_survivorship },
		{ "reconcile", build_reconcile }, { "compliance", build_compliance },
		{ "scorecard", build_scorecard }, { "schedule", build_schedule },
	};

	for (xmlNode *c = root->children; c; c = c->next) {
		for (size_t i = 0; i < ARRAY_SIZE(builders); i++) {
			if (is(c, builders[i].name)) {
				builders[i].fn(b, c);
				break;
			}
		}
	}
}

/* ---- per file ----------------------------------------------------------- */

static xmlDocPtr parse_file(struct policy_loader *L, const struct policy_text *t)
{
	struct xml_errs e = { L, t, 0 };
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	xmlDocPtr doc;

	if (!pc) {
		L->nomem = 1;
		return NULL;
	}
	pc->_private = &e;
	pc->sax->serror = on_parse_error;
	doc = xmlCtxtReadMemory(pc, t->data, (int)t->len, t->path, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (doc && (!pc->wellFormed || e.count)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc && !e.count)
		policy_error(L, (struct policy_loc){ t->path, 1, 1, 0 },
			     "not well-formed XML");
	xmlFreeParserCtxt(pc);
	return doc;
}

static int validate(struct policy_loader *L, const struct policy_text *t,
		    xmlDocPtr doc, xmlSchemaPtr schema)
{
	struct xml_errs e = { L, t, 0 };
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
	uintptr_t next = 0;
	int rc;

	if (!vc) {
		L->nomem = 1;
		return ST_ERR_NOMEM;
	}
	number_elements(xmlDocGetRootElement(doc), &next);
	xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &e);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (rc != 0 && !e.count)
		policy_error(L, (struct policy_loc){ t->path, 1, 1, 0 },
			     "does not match the policy schema");
	return rc == 0 ? 0 : ST_ERR;
}

static xmlSchemaPtr load_schema(void)
{
	xmlSchemaParserCtxtPtr sp;
	xmlSchemaPtr schema;

	sp = xmlSchemaNewMemParserCtxt(policy_schema_xsd,
				       (int)policy_schema_xsd_len);
	if (!sp)
		return NULL;
	schema = xmlSchemaParse(sp);
	xmlSchemaFreeParserCtxt(sp);
	return schema;
}

static int read_text(struct policy_loader *L, struct policy_text *t)
{
	struct buf content = BUF_INIT;
	struct diag d;
	size_t len;

	diag_clear(&d);
	if (files_read(t->path, LIMIT_POLICY_FILE_BYTES, &content, &d)) {
		diag_list_push(L->errors, &d);
		buf_release(&content);
		return ST_ERR;
	}
	t->data = arena_strndup(&L->p->arena, content.data, content.len);
	len = content.len;
	buf_release(&content);
	if (!t->data) {
		L->nomem = 1;
		return ST_ERR_NOMEM;
	}
	t->len = len;
	if (policy_text_index(t)) {
		L->nomem = 1;
		return ST_ERR_NOMEM;
	}
	return 0;
}

int policy_xml_load(struct policy_loader *L)
{
	xmlSchemaPtr schema = load_schema();
	xmlDocPtr *docs;
	size_t bad = 0;

	if (!schema)
		return ST_ERR_NOMEM;
	docs = xcalloc(L->n_texts ? L->n_texts : 1, sizeof(*docs));
	if (!docs) {
		xmlSchemaFree(schema);
		return ST_ERR_NOMEM;
	}
	for (size_t i = 0; i < L->n_texts && !L->nomem; i++) {
		struct policy_text *t = &L->texts[i];

		if (read_text(L, t)) {
			bad++;
			continue;
		}
		if (t->doctype != SIZE_MAX) {
			policy_error(L, policy_text_loc(t, t->doctype),
				     "policy files may not contain a DOCTYPE: "
				     "steward refuses DTDs, external entities and "
				     "entity expansion; remove the declaration");
			bad++;
			continue;
		}
		docs[i] = parse_file(L, t);
		if (!docs[i] || validate(L, t, docs[i], schema))
			bad++;
	}
	/* Build only from a fully valid set: a half-read policy would turn
	 * one typo into a cascade of dangling-reference errors. */
	for (size_t i = 0; i < L->n_texts && !bad && !L->nomem; i++) {
		struct build b = { L, L->p, &L->texts[i] };

		build_all(&b, xmlDocGetRootElement(docs[i]));
	}
	for (size_t i = 0; i < L->n_texts; i++)
		xmlFreeDoc(docs[i]);
	xfree(docs);
	xmlSchemaFree(schema);
	if (L->nomem)
		return ST_ERR_NOMEM;
	return bad ? ST_ERR : 0;
}
