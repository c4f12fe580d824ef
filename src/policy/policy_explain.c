/*
 * policy_explain.c - the governance handbook, in plain English.
 *
 * `steward explain` prints this Markdown, and the audit report (later)
 * embeds it: who owns what, which source is the system of record for each
 * attribute, every identity rule as a sentence, how trust decays, how the
 * golden value is chosen, the compliance rules, the scorecard and the
 * schedules.  Everything here is generated from the loaded policy, so the
 * handbook can never drift from what steward actually enforces.
 */
#include "policy/policy.h"

#include "util/duration.h"

/* Markdown table cells: escape the pipe and keep to one line. */
static void cell(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			buf_addstr(out, "\\|");
		else if (*s == '\n' || *s == '\r')
			buf_addch(out, ' ');
		else
			buf_addch(out, *s);
	}
}

static void describe(const struct duration *d, struct buf *out)
{
	duration_describe(d, out);
}

/* "a, b and c" */
static void and_list(struct buf *out, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addstr(out, i + 1 == n ? " and " : ", ");
		buf_addstr(out, items[i]);
	}
}

static const char *attr_label(const struct attribute *a)
{
	return a->label ? a->label : a->id;
}

static void explain_owners(const struct policy *p, struct buf *out)
{
	buf_addstr(out, "## Owners\n\n| Owner | Name | Contact | Sources | "
			"Attributes |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < p->n_owners; i++) {
		const struct owner *o = &p->owners[i];
		size_t ns = 0, na = 0;

		buf_addstr(out, "| ");
		cell(out, o->id);
		buf_addstr(out, " | ");
		cell(out, o->name);
		buf_addstr(out, " | ");
		cell(out, o->contact);
		buf_addstr(out, " | ");
		for (size_t j = 0; j < p->n_sources; j++)
			if (p->sources[j].owner == o) {
				buf_addstr(out, ns++ ? ", " : "");
				cell(out, p->sources[j].id);
			}
		buf_addstr(out, ns ? " | " : "none | ");
		for (size_t j = 0; j < p->n_attributes; j++)
			if (p->attributes[j].owner == o) {
				buf_addstr(out, na++ ? ", " : "");
				cell(out, p->attributes[j].id);
			}
		buf_addstr(out, na ? " |\n" : "none |\n");
	}
	buf_addch(out, '\n');
}

static void explain_location(const struct source *s, struct buf *out)
{
	buf_addf(out, "- Data: `%s`", s->path);
	if (s->kind == SOURCE_SQLITE && s->table)
		buf_addf(out, ", table `%s`", s->table);
	if (s->kind == SOURCE_SQLITE && s->query)
		buf_addf(out, ", query `%s`", s->query);
	if (s->kind == SOURCE_XML)
		buf_addf(out, ", one record per `%s` element", s->record_path);
	buf_addstr(out, ".\n");
	buf_addf(out, "- Each record is identified by `%s`", s->key_field);
	if (s->updated_field)
		buf_addf(out, "; it was last updated at `%s`", s->updated_field);
	buf_addstr(out, ".\n");
	if (s->has_cadence) {
		buf_addstr(out, "- Expected to refresh at least every ");
		describe(&s->cadence, out);
		buf_addstr(out, ".\n");
	}
	if (s->has_volume) {
		if (s->volume_max == UINT64_MAX)
			buf_addf(out, "- Expected to hold at least %llu records.\n",
				 (unsigned long long)s->volume_min);
		else
			buf_addf(out, "- Expected to hold between %llu and %llu "
				 "records.\n", (unsigned long long)s->volume_min,
				 (unsigned long long)s->volume_max);
	}
}

static void explain_mappings(const struct source *s, struct buf *out)
{
	if (!s->n_mappings)
		return;
	buf_addstr(out, "\n| Attribute | From field(s) | Normalised by |\n"
			"|---|---|---|\n");
	for (size_t i = 0; i < s->n_mappings; i++) {
		const struct mapping *m = &s->mappings[i];

		buf_addstr(out, "| ");
		cell(out, m->attribute_id);
		buf_addstr(out, " | ");
		for (size_t j = 0; j < m->n_fields; j++) {
			buf_addstr(out, j ? " + " : "");
			cell(out, m->from[j]);
		}
		buf_addstr(out, " | ");
		if (m->transform_text && m->transform_text[0]) {
			buf_addch(out, '`');
			cell(out, m->transform_text);
			buf_addch(out, '`');
		} else {
			buf_addstr(out, "as is");
		}
		buf_addstr(out, " |\n");
	}
}

static void explain_sources(const struct policy *p, struct buf *out)
{
	buf_addstr(out, "## Sources\n\n");
	for (size_t i = 0; i < p->n_sources; i++) {
		const struct source *s = &p->sources[i];

		buf_addf(out, "### %s (%s%s)\n\n", s->id, source_kind_name(s->kind),
			 s->role == ROLE_CRM ? ", the CRM" : "");
		if (s->description)
			buf_addf(out, "%s\n\n", s->description);
		buf_addf(out, "- Owned by %s (`%s`).\n",
			 s->owner ? s->owner->name : s->owner_id, s->owner_id);
		explain_location(s, out);
		if (!s->personal_data)
			buf_addstr(out, "- Declared to hold no personal data.\n");
		explain_mappings(s, out);
		buf_addch(out, '\n');
	}
}

static void explain_attributes(const struct policy *p, struct buf *out)
{
	buf_addstr(out, "## The customer profile\n\nEach attribute has exactly one "
			"system of record: the source whose value is the truth "
			"unless survivorship says otherwise.\n\n"
			"| Attribute | Type | System of record | Owner | Stale after | "
			"Personal data | Copies in |\n|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < p->n_attributes; i++) {
		const struct attribute *a = &p->attributes[i];
		size_t copies = 0;

		buf_addstr(out, "| ");
		cell(out, attr_label(a));
		if (a->label)
			buf_addf(out, " (`%s`)", a->id);
		buf_addf(out, " | %s", attribute_type_name(a->type));
		if (a->type == ATTR_ENUM) {
			buf_addstr(out, ": ");
			for (size_t j = 0; j < a->n_values; j++) {
				buf_addstr(out, j ? ", " : "");
				cell(out, a->values[j]);
			}
		}
		buf_addstr(out, " | ");
		cell(out, a->sor_id);
		buf_addstr(out, " | ");
		cell(out, a->owner_id);
		buf_addstr(out, " | ");
		if (a->has_decay)
			describe(&a->decay, out);
		else
			buf_addstr(out, "never");
		buf_addf(out, " | %s | ", a->personal ? "yes" : "no");
		for (size_t j = 0; j < p->n_sources; j++) {
			const struct source *s = &p->sources[j];

			for (size_t k = 0; k < s->n_mappings; k++) {
				if (s->mappings[k].attribute != a || s == a->sor)
					continue;
				buf_addstr(out, copies++ ? ", " : "");
				cell(out, s->id);
				break;
			}
		}
		buf_addstr(out, copies ? " |\n" : "none |\n");
	}
	buf_addch(out, '\n');
}

static void rule_sentence(const struct identity_rule *r, struct buf *out)
{
	if (r->says) {
		buf_addstr(out, r->says);
		return;
	}
	buf_addstr(out, "Two records are the same person when their ");
	and_list(out, r->equal, r->n_equal);
	buf_addstr(out, r->n_equal > 1 ? " are all equal" : " is equal");
	buf_addstr(out, " after normalisation.");
}

static const char *method_phrase(enum compare_method m)
{
	switch (m) {
	case CMP_EXACT: return "exact agreement";
	case CMP_JARO_WINKLER: return "Jaro-Winkler similarity";
	case CMP_LEVENSHTEIN: return "Levenshtein edit distance";
	case CMP_DAMERAU: return "Damerau-Levenshtein edit distance";
	case CMP_INITIALS: return "exact agreement, else agreeing initials";
	case CMP_DATE_DAYS: return "distance between the dates in days";
	case CMP_NUMERIC: return "numeric difference";
	case CMP_WORD_JARO_WINKLER:
		return "Jaro-Winkler similarity word by word, in any order";
	case CMP_TRAILING_DIGITS: return "the number of trailing digits they share";
	}
	return "?";
}

static void comparison_sentence(const struct comparison *c, struct buf *out)
{
	if (c->says) {
		buf_addstr(out, c->says);
		return;
	}
	buf_addf(out, "`%s` is compared by %s", c->attribute_id,
		 method_phrase(c->method));
	if (c->n_levels) {
		buf_addstr(out, ", in levels: exact");
		for (size_t i = 0; i < c->n_levels; i++)
			buf_addf(out, c->method == CMP_JARO_WINKLER ||
				 c->method == CMP_WORD_JARO_WINKLER ||
				 c->method == CMP_TRAILING_DIGITS ? ", at least %g" :
				 ", within %g", c->levels[i]);
		buf_addstr(out, ", else different");
	}
	if (c->swap_with)
		buf_addf(out, "; a value equal to the other record's `%s` counts "
			 "as the closest level below exact", c->swap_with);
	buf_addstr(out, c->m && c->u ? "; its weights are fixed in the policy" :
			c->m ? "; how often one person's records agree is fixed "
			       "in the policy, how often different people's do is "
			       "estimated from the data" :
			"; its weights are estimated from the data");
	if (c->tf_adjust)
		buf_addstr(out, ", and agreement on a common value counts for less "
				"than agreement on a rare one");
	if (c->every_word)
		buf_addf(out, ". Every word of the shorter name needs its "
			      "counterpart in the other (the same word, %sone "
			      "letter changed, two in words of eight letters or "
			      "more, or the same sound); without one they are "
			      "different names, and with every word the same or "
			      "near it, as many words, or every word of the "
			      "shorter the same as one of the other's, the "
			      "first level below exact",
			 c->attribute && c->attribute->type == ATTR_PERSON_NAME ?
			 "its initial, a nickname, " : "");
	if (c->relatives_apart)
		buf_addstr(out, ". Two names of one family (the last words agree) "
				"whose first words have no counterpart among the "
				"other's given names are two people, never one, "
				"whatever a rule, a link or the other records say");
	if (c->exclusive)
		buf_addstr(out, ". A person has one: two records whose values are "
				"different (the last level) are never one person, "
				"whatever a rule, a link or the other records say");
	buf_addstr(out, ". A missing value is no evidence either way.");
}

static void block_phrase(const struct block_key *k, struct buf *out)
{
	for (size_t i = 0; i < k->n_terms; i++) {
		const struct block_term *t = &k->terms[i];

		buf_addstr(out, i ? " and " : "");
		if (!t->func)
			buf_addf(out, "the same `%s`", t->attribute_id);
		else if (!strcmp(t->func, "prefix") || !strcmp(t->func, "suffix"))
			buf_addf(out, "the same %s %u characters of `%s`",
				 !strcmp(t->func, "prefix") ? "first" : "last", t->arg,
				 t->attribute_id);
		else if (!strcmp(t->func, "last-word"))
			buf_addf(out, "the same last word of `%s`", t->attribute_id);
		else
			buf_addf(out, "the same %s of `%s`", t->func, t->attribute_id);
	}
	if (k->unmatched)
		buf_addstr(out, ", only for a record the rules and the other keys "
				"left without a match or a pair to review");
	if (k->max_block)
		buf_addf(out, " (groups of at most %zu records)", k->max_block);
}

static void explain_identity(const struct policy *p, struct buf *out)
{
	const struct identity *id = &p->identity;

	buf_addstr(out, "## Identity: who is the same person\n\n");
	if (!id->declared) {
		buf_addstr(out, "No identity rules are declared.\n\n");
		return;
	}
	if (id->n_rules) {
		buf_addstr(out, "Deterministic rules, each enough on its own:\n\n");
		for (size_t i = 0; i < id->n_rules; i++) {
			buf_addf(out, "- **%s**: ", id->rules[i].id);
			rule_sentence(&id->rules[i], out);
			buf_addch(out, '\n');
		}
		buf_addch(out, '\n');
	}
	if (id->n_comparisons) {
		buf_addstr(out, "Records that no rule joins are weighed attribute by "
				"attribute (Fellegi-Sunter):\n\n");
		for (size_t i = 0; i < id->n_comparisons; i++) {
			buf_addstr(out, "- ");
			comparison_sentence(&id->comparisons[i], out);
			buf_addch(out, '\n');
		}
		buf_addstr(out, "\nOnly records that share at least one of these "
				"keys are compared:\n\n");
		for (size_t i = 0; i < id->n_blocks; i++) {
			buf_addstr(out, "- ");
			block_phrase(&id->blocks[i], out);
			buf_addch(out, '\n');
		}
		buf_addch(out, '\n');
	}
	for (size_t i = 0; i < id->n_mailboxes; i++) {
		const struct mailbox_rule *m = &id->mailboxes[i];

		buf_addstr(out, "Email addresses ");
		if (m->any_domain)
			buf_addstr(out, "at every domain");
		else
			buf_addf(out, "at %s", m->domain_text);
		if (m->dots || m->plus_tags)
			buf_addf(out, " are matched ignoring %s in the part before "
				 "the @", m->dots && m->plus_tags ?
				 "dots and +tags" : m->dots ? "dots" : "+tags");
		if (m->roles)
			buf_addf(out, "%s role addresses (info@, sales@, support@ "
				 "...) reach a team, not one person, and are set "
				 "aside from matching",
				 m->dots || m->plus_tags ? ";" : ":");
		buf_addstr(out, ".\n\n");
	}
	buf_addf(out, "Two records are linked as one person when the match "
		 "probability is at least %g; pairs from %g up are kept for a "
		 "person to review.", id->link, id->review);
	if (id->min_evidence > 1)
		buf_addf(out, " A link by the model needs %zu comparisons that "
			 "speak for one person; a pair with fewer (a name alone, "
			 "however close) is kept for review however high its "
			 "probability.", id->min_evidence);
	buf_addstr(out, "\n\n");
}

static void explain_trust(const struct policy *p, struct buf *out)
{
	buf_addstr(out, "## Trust and decay\n\n");
	if (!p->n_trust)
		buf_addstr(out, "No trust rules are declared; every value is "
				"trusted equally.\n");
	for (size_t i = 0; i < p->n_trust; i++) {
		const struct trust_rule *t = &p->trust[i];

		buf_addf(out, "- %s from `%s` is trusted %g when it is updated and "
			 "decays to %g over ", t->attribute_id ? t->attribute_id :
			 "Every value", t->source_id, t->max, t->min);
		describe(&t->decay, out);
		buf_addf(out, " (%s curve).", trust_curve_name(t->curve));
		for (size_t j = 0; j < t->n_evidence; j++) {
			const struct evidence *e = &t->evidence[j];

			buf_addf(out, " When `%s` is '%s', trust rises to %g", e->field,
				 e->equals, e->raise_to);
			if (e->dated_by)
				buf_addf(out, " and decays from the date in `%s`",
					 e->dated_by);
			buf_addch(out, '.');
		}
		buf_addch(out, '\n');
	}
	buf_addch(out, '\n');
}

static void explain_survivorship(const struct policy *p, struct buf *out)
{
	buf_addstr(out, "## Survivorship: choosing the golden value\n\n");
	for (size_t i = 0; i < p->n_attributes; i++) {
		const struct attribute *a = &p->attributes[i];
		const struct survivorship *s = policy_survivorship(p, a);

		buf_addf(out, "- %s: ", attr_label(a));
		if (!s) {
			buf_addf(out, "the value from the system of record (%s); "
				 "the default.\n", a->sor_id);
			continue;
		}
		for (size_t j = 0; j < s->n_order; j++)
			buf_addf(out, "%s%s", j ? ", then " : "",
				 survivor_strategy_name(s->order[j]));
		buf_addstr(out, ".\n");
	}
	buf_addch(out, '\n');
	if (p->reconcile.declared)
		buf_addf(out, "A proposed change with confidence %g or more is "
			 "approved automatically; from %g up it waits for the "
			 "attribute owner's review; below that it is only counted.\n\n",
			 p->reconcile.auto_approve, p->reconcile.review);
}

static void compliance_sentence(const struct compliance_rule *r, struct buf *out)
{
	if (r->says) {
		buf_addstr(out, r->says);
		return;
	}
	switch (r->kind) {
	case COMPLY_CONSENT:
		buf_addf(out, "Nobody whose `%s` is '%s' in its system of record may "
			 "have any other value in another source.", r->attribute_id,
			 r->opted_out);
		break;
	case COMPLY_SINGLE_SOR:
		buf_addstr(out, "Every attribute has exactly one system of record.");
		break;
	case COMPLY_SOURCES_OWNED:
		buf_addstr(out, "Every source has an owner.");
		break;
	case COMPLY_PERSONAL_DATA:
		buf_addstr(out, "Personal data appears only in sources declared to "
				"hold it.");
		break;
	case COMPLY_COPY_LAG:
		buf_addf(out, "Copies of `%s` are never older than its system of "
			 "record's value by more than ", r->attribute_id);
		describe(&r->max_lag, out);
		buf_addch(out, '.');
		break;
	}
}

static void explain_compliance(const struct policy *p, struct buf *out)
{
	buf_addstr(out, "## Compliance\n\n");
	if (!p->n_compliance)
		buf_addstr(out, "No compliance rules are declared.\n");
	for (size_t i = 0; i < p->n_compliance; i++) {
		const struct compliance_rule *r = &p->compliance[i];

		buf_addf(out, "- **%s**%s: ", r->id,
			 r->gate ? " (gate: a failure fails the scan)" : "");
		compliance_sentence(r, out);
		buf_addch(out, '\n');
	}
	buf_addch(out, '\n');
}

static void explain_scorecard(const struct policy *p, struct buf *out)
{
	const struct scorecard *sc = &p->scorecard;

	buf_addstr(out, "## Scorecard\n\n");
	if (!sc->declared) {
		buf_addstr(out, "No scorecard weights are declared.\n\n");
		return;
	}
	buf_addstr(out, "| Dimension | Weight |\n|---|---|\n");
	for (int d = 0; d < DIM_COUNT; d++)
		buf_addf(out, "| %s | %g |\n", dimension_name((enum dimension)d),
			 sc->weights[d]);
	buf_addstr(out, "\nGrades: ");
	for (size_t i = 0; i < sc->n_grades; i++)
		buf_addf(out, "%s%s from %g", i ? ", " : "", sc->grades[i].name,
			 sc->grades[i].min);
	buf_addstr(out, ".\n\n");
}

static void explain_schedules(const struct policy *p, struct buf *out)
{
	buf_addstr(out, "## Schedules\n\n");
	if (!p->n_schedules)
		buf_addstr(out, "No schedules are declared; steward runs when it "
				"is asked to.\n");
	for (size_t i = 0; i < p->n_schedules; i++) {
		const struct schedule *s = &p->schedules[i];
		const char *tasks[3];
		size_t n = 0;

		if (s->tasks & TASK_SCAN)
			tasks[n++] = "a full scan";
		if (s->tasks & TASK_INTEGRITY)
			tasks[n++] = "an integrity check";
		if (s->tasks & TASK_REPORT)
			tasks[n++] = "the reports";
		buf_addf(out, "- **%s**: ", s->id);
		and_list(out, tasks, n);
		buf_addstr(out, ", ");
		cron_describe(&s->cron, s->cron_text, out);
		buf_addf(out, " (%s).\n", s->timezone);
	}
	buf_addch(out, '\n');
}

void policy_explain(const struct policy *p, struct buf *out)
{
	buf_addf(out, "# Data governance handbook\n\nGenerated by steward from "
		 "the %zu policy file%s in `%s` (policy digest `%.12s`).\n\n",
		 p->n_files, p->n_files == 1 ? "" : "s", p->dir, p->digest);
	explain_owners(p, out);
	explain_attributes(p, out);
	explain_sources(p, out);
	explain_identity(p, out);
	explain_trust(p, out);
	explain_survivorship(p, out);
	explain_compliance(p, out);
	explain_scorecard(p, out);
	explain_schedules(p, out);
}
