/*
 * policy.c - loading a policy directory, and looking things up in it.
 *
 * policy_load() lists the .xml files of DIR in name order, hands the files to the XML
 * reader (policy_xml.c) and then to the meaning check (policy_check.c), and
 * computes the policy digest: a SHA-256 over every file's name and bytes,
 * which each run records so an auditor can tell which policy produced it.
 */
#include "policy/policy_int.h"

#include "util/files.h"
#include "util/sha256.h"

static void compute_digest(struct policy_loader *L)
{
	struct sha256 h;

	sha256_init(&h);
	for (size_t i = 0; i < L->n_texts; i++) {
		const char *name = strrchr(L->texts[i].path, '/');

		name = name ? name + 1 : L->texts[i].path;
		sha256_update(&h, name, strlen(name) + 1);
		sha256_update(&h, L->texts[i].data, L->texts[i].len);
	}
	sha256_final_hex(&h, L->p->digest);
}

static int list_files(struct policy_loader *L, const char *dir)
{
	struct policy *p = L->p;
	struct buf path = BUF_INIT;
	struct diag d;
	char **names;
	size_t n;
	int rc;

	diag_clear(&d);
	rc = files_list(dir, ".xml", &names, &n, &d);
	if (rc) {
		if (rc == ST_ERR)
			diag_list_push(L->errors, &d);
		return rc;
	}
	if (n == 0 || n > LIMIT_POLICY_FILES) {
		diag_list_add(L->errors, (struct diag_pos){ dir, 0, 0 },
			      n ? "more than %d policy files" :
				  "no policy files (*.xml) in this directory; "
				  "see docs/policy-reference.md",
			      LIMIT_POLICY_FILES);
		files_list_free(names, n);
		return ST_ERR;
	}
	L->texts = xcalloc(n, sizeof(*L->texts));
	p->files = arena_array(&p->arena, n, sizeof(*p->files));
	rc = (L->texts && p->files) ? 0 : ST_ERR_NOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		buf_reset(&path);
		files_join(dir, names[i], &path);
		L->texts[i].path = arena_strndup(&p->arena, path.data, path.len);
		p->files[i] = L->texts[i].path;
		if (!L->texts[i].path)
			rc = ST_ERR_NOMEM;
	}
	L->n_texts = p->n_files = rc ? 0 : n;
	buf_release(&path);
	files_list_free(names, n);
	return rc;
}

static int set_data_dir(struct policy_loader *L, const struct policy_options *opt)
{
	struct policy *p = L->p;
	struct buf path = BUF_INIT;

	if (opt && opt->data_dir)
		buf_addstr(&path, opt->data_dir);
	else if (p->data_text)
		files_join(p->dir, p->data_text, &path);
	else
		buf_addstr(&path, p->dir);
	p->data_dir = arena_strndup(&p->arena, path.data, path.len);
	buf_release(&path);
	return p->data_dir ? 0 : ST_ERR_NOMEM;
}

int policy_load(const char *dir, const struct policy_options *opt,
		struct policy **out, struct diag_list *errors)
{
	struct policy_loader L = { 0 };
	struct policy *p = xcalloc(1, sizeof(*p));
	size_t before = diag_list_count(errors);
	int rc;

	*out = NULL;
	if (!p)
		return ST_ERR_NOMEM;
	arena_init(&p->arena, 16384);
	L.p = p;
	L.errors = errors;
	p->dir = arena_strdup(&p->arena, dir);
	rc = p->dir ? list_files(&L, dir) : ST_ERR_NOMEM;
	if (!rc)
		rc = policy_xml_load(&L);
	if (!rc)
		rc = set_data_dir(&L, opt);
	if (!rc) {
		policy_check(&L);
		rc = L.nomem ? ST_ERR_NOMEM : 0;
	}
	if (!rc)
		compute_digest(&L);
	for (size_t i = 0; i < L.n_texts; i++)
		policy_text_release(&L.texts[i]);
	xfree(L.texts);
	if (!rc && (diag_list_count(errors) > before || p->arena.err))
		rc = p->arena.err ? ST_ERR_NOMEM : ST_ERR;
	if (rc) {
		policy_free(p);
		diag_list_sort(errors);
		return rc;
	}
	*out = p;
	return 0;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	arena_release(&p->arena);
	xfree(p);
}

/* ---- lookups ----------------------------------------------------------- */

struct owner *policy_owner(const struct policy *p, const char *id)
{
	for (size_t i = 0; id && i < p->n_owners; i++)
		if (!strcmp(p->owners[i].id, id))
			return &p->owners[i];
	return NULL;
}

struct source *policy_source(const struct policy *p, const char *id)
{
	for (size_t i = 0; id && i < p->n_sources; i++)
		if (!strcmp(p->sources[i].id, id))
			return &p->sources[i];
	return NULL;
}

struct attribute *policy_attribute(const struct policy *p, const char *id)
{
	for (size_t i = 0; id && i < p->n_attributes; i++)
		if (!strcmp(p->attributes[i].id, id))
			return &p->attributes[i];
	return NULL;
}

size_t source_field_index(const struct source *s, const char *name)
{
	for (size_t i = 0; name && i < s->n_fields; i++)
		if (!strcmp(s->fields[i].name, name))
			return i;
	return SIZE_MAX;
}

const struct survivorship *policy_survivorship(const struct policy *p,
					       const struct attribute *a)
{
	for (size_t i = 0; i < p->n_survivorship; i++)
		if (p->survivorship[i].attribute == a)
			return &p->survivorship[i];
	return NULL;
}

struct source *policy_crm(const struct policy *p)
{
	for (size_t i = 0; i < p->n_sources; i++)
		if (p->sources[i].role == ROLE_CRM)
			return &p->sources[i];
	return NULL;
}

bool identity_has_unmatched_keys(const struct identity *id)
{
	for (size_t b = 0; b < id->n_blocks; b++)
		if (id->blocks[b].unmatched)
			return true;
	return false;
}

bool identity_link_is_thin(const struct identity *id, double p, size_t speak)
{
	return p >= id->link && speak < id->min_evidence;
}

/* ---- names ------------------------------------------------------------- */

#define NAME_OF(table, v) \
	((size_t)(v) < ARRAY_SIZE(table) ? (table)[(v)] : "?")

const char *source_kind_name(enum source_kind k)
{
	static const char *n[] = { "csv", "sqlite", "xml" };

	return NAME_OF(n, k);
}

const char *field_type_name(enum field_type t)
{
	static const char *n[] = { "text", "integer", "decimal", "date",
				   "datetime", "boolean" };

	return NAME_OF(n, t);
}

const char *attribute_type_name(enum attribute_type t)
{
	static const char *n[] = {
		"email", "phone", "person-name", "text", "date", "datetime",
		"enum", "country", "postcode", "boolean", "number", "identifier"
	};

	return NAME_OF(n, t);
}

const char *compare_method_name(enum compare_method m)
{
	static const char *n[] = {
		"exact", "jaro-winkler", "levenshtein", "damerau-levenshtein",
		"initials", "date-days", "numeric", "word-jaro-winkler",
		"trailing-digits"
	};

	return NAME_OF(n, m);
}

const char *trust_curve_name(enum trust_curve c)
{
	static const char *n[] = { "linear", "exponential", "fast-then-slow",
				   "slow-then-fast" };

	return NAME_OF(n, c);
}

const char *survivor_strategy_name(enum survivor_strategy s)
{
	static const char *n[] = { "system-of-record", "highest-trust",
				   "most-recent", "most-frequent" };

	return NAME_OF(n, s);
}

const char *dimension_name(enum dimension d)
{
	static const char *n[] = { "completeness", "validity", "timeliness",
				   "uniqueness", "consistency", "integrity",
				   "compliance" };

	return NAME_OF(n, d);
}

const char *compliance_kind_name(enum compliance_kind k)
{
	static const char *n[] = { "consent", "single-system-of-record",
				   "sources-owned", "personal-data-declared",
				   "copy-lag" };

	return NAME_OF(n, k);
}
