/*
 * policy.h - the policy model every stage of steward reads.
 *
 * A policy directory holds XML files (policies/NAME.xml), read in name order,
 * each validated against policies/schema/steward.xsd, merged, then checked
 * for meaning (policy_check.c).  The result is this immutable model: owners,
 * sources with their field mappings, the attributes of the customer profile,
 * identity rules, trust, survivorship, reconciliation thresholds,
 * compliance rules, scorecard weights and schedules.  Everything lives in
 * the policy's arena and is freed by policy_free().
 *
 * Every element remembers where it was declared (struct policy_loc), so
 * that later stages can point a user at the line to fix.
 */
#ifndef STEWARD_POLICY_H
#define STEWARD_POLICY_H

#include "util/arena.h"
#include "util/cron.h"
#include "util/diag.h"
#include "util/duration.h"
#include "policy/transform.h"

struct policy_loc {
	const char *file;
	unsigned long line, col;
	size_t offset;		/* byte offset of the element's '<' */
};

struct owner {
	struct policy_loc loc;
	const char *id, *name, *contact;
};

enum source_kind { SOURCE_CSV, SOURCE_SQLITE, SOURCE_XML };
enum source_role { ROLE_SYSTEM, ROLE_CRM };

/* The type a source declares for one of its fields (what the column holds). */
enum field_type {
	FIELD_TEXT, FIELD_INTEGER, FIELD_DECIMAL, FIELD_DATE, FIELD_DATETIME,
	FIELD_BOOLEAN
};

struct source_field {
	struct policy_loc loc;
	const char *name;	/* the column / field name */
	enum field_type type;
	const char *format;	/* date formats for date/datetime, '|'-separated */
	const char *path;	/* XML: path relative to the record; NULL otherwise */
	unsigned column;	/* CSV without header: 1-based column; 0 = by name */
	bool required;		/* an empty value is a completeness finding */
};

/* One mapping: attribute <- transforms(field values joined by a space). */
struct mapping {
	struct policy_loc loc;
	const char *attribute_id;
	struct attribute *attribute;	/* resolved by policy_check */
	const char **from;		/* field names, as written */
	size_t *fields;			/* indexes into source->fields */
	size_t n_fields;
	struct transform_chain chain;
	const char *transform_text;	/* as written, for messages and explain */
};

struct csv_location {
	char delimiter;
	char quote;		/* 0: no quoting */
	bool skip_initial_space;
	bool header;
	bool given;		/* any of these was written in the policy */
};

struct source {
	struct policy_loc loc;
	/* where the child elements were declared, for precise messages */
	struct policy_loc location_loc, key_loc, updated_loc, cadence_loc,
			  volume_loc;
	const char *id;
	const char *description;
	enum source_kind kind;
	enum source_role role;
	const char *owner_id;
	struct owner *owner;
	const char *path;	/* as written */
	const char *resolved_path; /* against the data directory */
	struct csv_location csv;
	const char *table;	/* SQLite */
	const char *query;	/* SQLite */
	const char *record_path; /* XML, e.g. /support-export/tickets/ticket */
	const char *key_field;	/* name of the key field */
	size_t key_index;	/* index into fields */
	const char *updated_field;
	size_t updated_index;	/* SIZE_MAX when no updated-at field */
	const char *updated_format;
	bool has_cadence;
	struct duration cadence;
	const char *cadence_text;
	bool has_volume;
	uint64_t volume_min, volume_max;
	bool personal_data;	/* declared to hold personal data */
	struct source_field *fields;
	size_t n_fields;
	struct mapping *mappings;
	size_t n_mappings;
};

enum attribute_type {
	ATTR_EMAIL, ATTR_PHONE, ATTR_PERSON_NAME, ATTR_TEXT, ATTR_DATE,
	ATTR_DATETIME, ATTR_ENUM, ATTR_COUNTRY, ATTR_POSTCODE, ATTR_BOOLEAN,
	ATTR_NUMBER, ATTR_IDENTIFIER
};

struct attribute {
	struct policy_loc loc;
	const char *id;
	const char *label;
	enum attribute_type type;
	const char **values;	/* enum values */
	size_t n_values;
	const char *pattern;	/* POSIX extended regular expression */
	const char *sor_id;	/* system of record (source id) */
	struct policy_loc sor_loc;
	struct source *sor;
	const char *owner_id;
	struct owner *owner;
	bool has_decay;
	struct duration decay;
	const char *decay_text;
	bool personal;
};

/* Identity: deterministic rules and the probabilistic model. */
struct identity_rule {
	struct policy_loc loc;
	const char *id;
	const char *says;	/* plain English; NULL = generated */
	const char **equal;	/* attribute ids that must all be equal */
	size_t n_equal;
};

enum compare_method {
	CMP_EXACT, CMP_JARO_WINKLER, CMP_LEVENSHTEIN, CMP_DAMERAU,
	CMP_INITIALS, CMP_DATE_DAYS, CMP_NUMERIC, CMP_WORD_JARO_WINKLER,
	CMP_TRAILING_DIGITS
};

struct comparison {
	struct policy_loc loc;
	const char *attribute_id;
	struct attribute *attribute;
	enum compare_method method;
	const char *levels_text; /* as written, NULL when absent */
	double *levels;		/* thresholds, from strictest */
	size_t n_levels;
	bool tf_adjust;		/* term-frequency adjustment on exact match */
	/* m and u per level: exact, each threshold, else.  NULL = estimate. */
	double *m, *u;
	size_t n_mu;
	const char *says;
	/* an attribute whose value, in the other record, agreeing with this
	 * one counts as the closest level below exact (given and family
	 * names written the wrong way round); NULL = none */
	const char *swap_with;
	/* a person has one value: two records whose values fall in the else
	 * level are never one person, by a rule, a link or through others */
	bool exclusive;
	/* person names, or other text: a word of the name with fewer words
	 * that has no counterpart in the other (the same word, a slip of the
	 * pen or the same sound; in a person's name also its initial or a
	 * nickname) makes them different names (the last level): "mark" and
	 * "marsha" are two people's names */
	bool every_word;
	/* person names: two names of one family (the last words agree) whose
	 * first words have no counterpart in the other's names before the
	 * last are two people, never one, as an exclusive comparison's
	 * difference: "mark kusha" and "marsha kusha" */
	bool relatives_apart;
};

struct block_term {
	const char *func;	/* NULL, soundex, prefix, suffix, year, initial */
	const char *attribute_id;
	unsigned arg;		/* prefix/suffix length */
};

struct block_key {
	struct policy_loc loc;
	const char *text;
	struct block_term *terms;
	size_t n_terms;
	/* only for the records the rules and the other keys left unmatched:
	 * no rule joined them and no pair of theirs reached review */
	bool unmatched;
	size_t max_block;	/* largest group compared; 0 = the identity's */
};

/* How a mail domain delivers: which parts of the local part it ignores,
 * so that identity matching ignores them too. */
struct mailbox_rule {
	struct policy_loc loc;
	const char *domain_text, *ignores_text;	/* as written */
	const char **domains;	/* lower case; resolved by the check */
	size_t n_domains;
	bool any_domain;	/* "*" */
	bool dots;		/* j.smith is jsmith */
	bool plus_tags;		/* jsmith+news is jsmith */
	bool roles;		/* info@, sales@ ... reach a team: set aside */
};

struct identity {
	bool declared;
	struct policy_loc loc;
	double link, review;
	bool has_prior;
	double prior;
	size_t max_block;	/* largest block compared; 0 = default */
	/* comparisons that must speak for one person (weigh above 0) for
	 * the model to link a pair; fewer: for review (default 1) */
	size_t min_evidence;
	struct identity_rule *rules;
	size_t n_rules;
	struct comparison *comparisons;
	size_t n_comparisons;
	struct block_key *blocks;
	size_t n_blocks;
	struct mailbox_rule *mailboxes;
	size_t n_mailboxes;
};

enum trust_curve { CURVE_LINEAR, CURVE_EXPONENTIAL, CURVE_FAST_THEN_SLOW,
		   CURVE_SLOW_THEN_FAST };

struct evidence {
	struct policy_loc loc;
	const char *field;
	size_t field_index;
	const char *equals;
	double raise_to;
	const char *dated_by;	/* field holding the evidence date, or NULL */
	size_t dated_index;
};

struct trust_rule {
	struct policy_loc loc;
	const char *source_id;
	struct source *source;
	const char *attribute_id;	/* NULL = every attribute of the source */
	struct attribute *attribute;
	double max, min;
	struct duration decay;
	const char *decay_text;
	enum trust_curve curve;
	struct evidence *evidence;
	size_t n_evidence;
};

enum survivor_strategy { SURV_SYSTEM_OF_RECORD, SURV_HIGHEST_TRUST,
			 SURV_MOST_RECENT, SURV_MOST_FREQUENT };

struct survivorship {
	struct policy_loc loc;
	const char *attribute_id;
	struct attribute *attribute;
	const char *order_text;
	enum survivor_strategy order[4];
	size_t n_order;
};

struct reconcile_cfg {
	bool declared;
	struct policy_loc loc;
	double auto_approve, review;
};

enum compliance_kind {
	COMPLY_CONSENT, COMPLY_SINGLE_SOR, COMPLY_SOURCES_OWNED,
	COMPLY_PERSONAL_DATA, COMPLY_COPY_LAG
};

struct compliance_rule {
	struct policy_loc loc;
	const char *id;
	const char *says;
	bool gate;
	enum compliance_kind kind;
	struct policy_loc rule_loc;	/* the <consent>, <copy-lag>, ... child */
	const char *attribute_id;	/* consent, copy-lag */
	struct attribute *attribute;
	const char *opted_out;		/* consent: the opted-out value */
	struct duration max_lag;	/* copy-lag */
	const char *max_lag_text;
};

enum dimension {
	DIM_COMPLETENESS, DIM_VALIDITY, DIM_TIMELINESS, DIM_UNIQUENESS,
	DIM_CONSISTENCY, DIM_INTEGRITY, DIM_COMPLIANCE, DIM_COUNT
};

struct grade {
	struct policy_loc loc;
	const char *name;
	double min;
};

struct scorecard {
	bool declared;
	struct policy_loc loc;
	double weights[DIM_COUNT];
	bool weight_set[DIM_COUNT];
	struct policy_loc weight_loc[DIM_COUNT];
	struct grade *grades;	/* sorted by min, descending */
	size_t n_grades;
};

enum sched_task { TASK_SCAN = 1, TASK_INTEGRITY = 2, TASK_REPORT = 4 };

struct schedule {
	struct policy_loc loc;
	const char *id;
	const char *cron_text;
	struct cron cron;
	const char *timezone;
	const char *task_text;
	unsigned tasks;		/* enum sched_task bits */
};

/* A <system-of-record attribute=... source=...> declaration; merged into
 * the attribute by the check, which reports a second system of record. */
struct sor_ref {
	struct policy_loc loc;
	const char *attribute_id, *source_id;
};

struct policy {
	struct arena arena;
	struct policy_loc data_loc;	/* where <data> was declared */
	bool has_data;
	const char *data_text;		/* <data dir=...> as written */
	struct sor_ref *sor_refs;
	size_t n_sor_refs;
	const char *dir;	/* the policy directory */
	const char *data_dir;	/* where relative source paths start */
	const char **files;	/* the files read, in order */
	size_t n_files;
	char digest[65];	/* SHA-256 over the files' names and bytes */

	struct owner *owners;
	size_t n_owners;
	struct source *sources;
	size_t n_sources;
	struct attribute *attributes;
	size_t n_attributes;
	struct identity identity;
	struct trust_rule *trust;
	size_t n_trust;
	struct survivorship *survivorship;
	size_t n_survivorship;
	struct reconcile_cfg reconcile;
	struct compliance_rule *compliance;
	size_t n_compliance;
	struct scorecard scorecard;
	struct schedule *schedules;
	size_t n_schedules;
};

struct policy_options {
	const char *data_dir;	/* overrides <data dir=...>; NULL = keep */
};

/*
 * Load, validate and check a policy directory.  Returns 0 and a policy, or
 * ST_ERR with every problem found in errors (file:line:col each) and
 * *out NULL.  ST_ERR_NOMEM when memory runs out.
 */
int policy_load(const char *dir, const struct policy_options *opt,
		struct policy **out, struct diag_list *errors);
void policy_free(struct policy *p);

/* Lookups by id; NULL when absent. */
struct owner *policy_owner(const struct policy *p, const char *id);
struct source *policy_source(const struct policy *p, const char *id);
struct attribute *policy_attribute(const struct policy *p, const char *id);
size_t source_field_index(const struct source *s, const char *name);
const struct survivorship *policy_survivorship(const struct policy *p,
					       const struct attribute *a);

/* The source that has role crm, or NULL. */
struct source *policy_crm(const struct policy *p);

/* Whether any blocking key is one for the unmatched (`unmatched="true"`). */
bool identity_has_unmatched_keys(const struct identity *id);

/* Whether the model's pair of probability p, speak of whose comparisons
 * speak for one person (weigh above 0), reaches the link threshold with
 * fewer of them than min-evidence: kept for review, not linked. */
bool identity_link_is_thin(const struct identity *id, double p, size_t speak);

/* Names for enums, as written in policies. */
const char *source_kind_name(enum source_kind k);
const char *field_type_name(enum field_type t);
const char *attribute_type_name(enum attribute_type t);
const char *compare_method_name(enum compare_method m);
const char *trust_curve_name(enum trust_curve c);
const char *survivor_strategy_name(enum survivor_strategy s);
const char *dimension_name(enum dimension d);
const char *compliance_kind_name(enum compliance_kind k);

/* Set up and tear down the XML library once per process (before any
 * policy_load or XML reader, after the last). */
void policy_library_init(void);
void policy_library_cleanup(void);

/* Write the governance handbook (Markdown) to out. */
void policy_explain(const struct policy *p, struct buf *out);

#endif
