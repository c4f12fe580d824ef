/*
 * test_policy.c - the policy loader, its checks, transforms and the
 * handbook.
 *
 * Policies are written into a fresh temporary directory per test; the
 * shipped sample policies (policies/) are loaded from the repository root,
 * where tests/run-unit.sh runs every unit test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <unistd.h>

#include "policy/policy.h"
#include "util/files.h"

struct tmpdir {
	char path[64];
	int n;
};

static void tmp_init(struct tmpdir *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/steward-test-XXXXXX");
	assert_non_null(mkdtemp(t->path));
	t->n = 0;
}

static void tmp_write(struct tmpdir *t, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->path, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void tmp_remove(struct tmpdir *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	assert_int_equal(system(cmd), 0);
}

#define HEAD "<?xml version=\"1.0\"?>\n<steward>\n"
#define TAIL "</steward>\n"

/* A small valid policy; tests append declarations before TAIL. */
static const char *base_policy =
	"  <owner id=\"sales\" name=\"Sales\" contact=\"s@example.com\"/>\n"
	"  <attribute id=\"email\" type=\"email\" system-of-record=\"crm\" owner=\"sales\"/>\n"
	"  <attribute id=\"phone\" type=\"phone\" system-of-record=\"crm\" owner=\"sales\" decay=\"P2Y\"/>\n"
	"  <source id=\"crm\" kind=\"csv\" owner=\"sales\" role=\"crm\">\n"
	"    <location path=\"crm.csv\"/>\n"
	"    <key field=\"id\"/>\n"
	"    <field name=\"id\"/>\n"
	"    <field name=\"email\" attribute=\"email\" transform=\"email\"/>\n"
	"    <field name=\"phone\" attribute=\"phone\" transform=\"e164(country-field=cc)\"/>\n"
	"    <field name=\"cc\"/>\n"
	"  </source>\n";

/* Load a one-file policy made of base_policy plus extra; returns the
 * number of errors and leaves the first message in first. */
static size_t load_with(const char *extra, struct policy **out, char *first,
			size_t first_size, unsigned long *line, unsigned long *col)
{
	struct tmpdir t;
	struct diag_list errors;
	struct buf text = BUF_INIT;
	size_t n;

	tmp_init(&t);
	buf_addstr(&text, HEAD);
	buf_addstr(&text, base_policy);
	buf_addstr(&text, extra);
	buf_addstr(&text, TAIL);
	tmp_write(&t, "p.xml", text.data);
	buf_release(&text);
	diag_list_init(&errors);
	policy_load(t.path, NULL, out, &errors);
	n = diag_list_count(&errors);
	if (first)
		snprintf(first, first_size, "%s", n ? errors.items[0].msg : "");
	if (line)
		*line = n ? errors.items[0].line : 0;
	if (col)
		*col = n ? errors.items[0].col : 0;
	diag_list_release(&errors);
	tmp_remove(&t);
	return n;
}

static void expect_error(const char *extra, const char *needle)
{
	struct policy *p = NULL;
	char msg[1024];
	size_t n = load_with(extra, &p, msg, sizeof(msg), NULL, NULL);

	if (n == 0 || !strstr(msg, needle))
		fail_msg("expected an error containing \"%s\", got %zu errors, "
			 "first \"%s\"", needle, n, msg);
	assert_null(p);
}

/* m alone is fixed by the policy and u left to the data. */
static void m_alone_loads_without_u(void **state)
{
	struct policy *p = NULL;
	char msg[1024];
	const struct comparison *c;

	(void)state;
	assert_int_equal(load_with("  <identity link=\"0.9\" review=\"0.5\"><compare "
				   "attribute=\"email\" method=\"exact\" m=\"0.8 0.2\"/>"
				   "<block on=\"email\"/></identity>\n",
				   &p, msg, sizeof(msg), NULL, NULL), 0);
	assert_non_null(p);
	c = &p->identity.comparisons[0];
	assert_int_equal(c->n_mu, 2);
	assert_non_null(c->m);
	assert_null(c->u);
	assert_true(c->m[0] == 0.8 && c->m[1] == 0.2);
	policy_free(p);
}

static void loads_the_shipped_sample_policies(void **state)
{
	struct diag_list errors;
	struct policy *p = NULL;
	const struct attribute *phone;
	const struct source *crm, *support;

	(void)state;
	diag_list_init(&errors);
	assert_int_equal(policy_load("policies", NULL, &p, &errors), 0);
	assert_int_equal(errors.n, 0);
	assert_int_equal(p->n_owners, 4);
	assert_int_equal(p->n_sources, 4);
	assert_int_equal(p->n_attributes, 9);
	assert_int_equal(p->identity.n_rules, 3);
	assert_int_equal(p->identity.n_comparisons, 6);
	assert_int_equal(p->identity.n_blocks, 4);
	assert_false(p->identity.blocks[0].unmatched);
	assert_int_equal(p->identity.blocks[0].max_block, 0);
	/* the full name, for the records the other keys leave unmatched */
	assert_true(p->identity.blocks[3].unmatched);
	assert_int_equal(p->identity.blocks[3].max_block, 10);
	assert_int_equal(p->identity.n_mailboxes, 1);
	assert_true(p->identity.mailboxes[0].any_domain);
	assert_true(p->identity.mailboxes[0].plus_tags);
	assert_false(p->identity.mailboxes[0].dots);
	assert_int_equal(p->n_compliance, 5);
	assert_int_equal(p->n_schedules, 2);
	crm = policy_crm(p);
	assert_non_null(crm);
	assert_string_equal(crm->id, "crm");
	phone = policy_attribute(p, "phone");
	assert_ptr_equal(phone->sor, crm);
	assert_int_equal(phone->type, ATTR_PHONE);
	assert_true(phone->personal);
	support = policy_source(p, "support");
	assert_int_equal(support->kind, SOURCE_XML);
	assert_string_equal(support->record_path, "/support-export/tickets/ticket");
	assert_string_equal(support->resolved_path, "policies/../samples/support.xml");
	assert_int_equal(strlen(p->digest), 64);
	/* the trust rule's evidence resolved to the support field */
	for (size_t i = 0; i < p->n_trust; i++) {
		if (strcmp(p->trust[i].source_id, "support"))
			continue;
		assert_int_equal(p->trust[i].n_evidence, 1);
		assert_string_equal(
			support->fields[p->trust[i].evidence[0].field_index].name,
			"phone_verified");
	}
	assert_int_equal(policy_survivorship(p, phone)->order[0], SURV_HIGHEST_TRUST);
	policy_free(p);
	diag_list_release(&errors);
}

static void merges_files_in_name_order(void **state)
{
	struct tmpdir t;
	struct diag_list errors;
	struct policy *p = NULL;

	(void)state;
	tmp_init(&t);
	tmp_write(&t, "20-b.xml", HEAD "  <owner id=\"second\" name=\"B\" contact=\"b\"/>\n" TAIL);
	tmp_write(&t, "10-a.xml", HEAD "  <owner id=\"first\" name=\"A\" contact=\"a\"/>\n" TAIL);
	tmp_write(&t, "notes.txt", "not a policy");
	diag_list_init(&errors);
	assert_int_equal(policy_load(t.path, NULL, &p, &errors), 0);
	assert_int_equal(p->n_files, 2);
	assert_string_equal(p->owners[0].id, "first");
	assert_string_equal(p->owners[1].id, "second");
	assert_int_equal(p->owners[1].loc.line, 3);
	assert_int_equal(p->owners[1].loc.col, 3);
	policy_free(p);
	diag_list_release(&errors);
	tmp_remove(&t);
}

static void data_directory_comes_from_policy_or_option(void **state)
{
	struct tmpdir t;
	struct diag_list errors;
	struct policy *p = NULL;
	struct policy_options opt = { "/srv/exports" };
	char want[128];

	(void)state;
	tmp_init(&t);
	tmp_write(&t, "p.xml", HEAD "  <data dir=\"../data\"/>\n" TAIL);
	diag_list_init(&errors);
	assert_int_equal(policy_load(t.path, NULL, &p, &errors), 0);
	snprintf(want, sizeof(want), "%s/../data", t.path);
	assert_string_equal(p->data_dir, want);
	policy_free(p);
	assert_int_equal(policy_load(t.path, &opt, &p, &errors), 0);
	assert_string_equal(p->data_dir, "/srv/exports");
	policy_free(p);
	diag_list_release(&errors);
	tmp_remove(&t);
}

static void digest_changes_with_any_byte(void **state)
{
	struct tmpdir t;
	struct diag_list errors;
	struct policy *p = NULL;
	char d1[65], d2[65], d3[65];

	(void)state;
	tmp_init(&t);
	diag_list_init(&errors);
	tmp_write(&t, "p.xml", HEAD "  <owner id=\"a\" name=\"A\" contact=\"a\"/>\n" TAIL);
	assert_int_equal(policy_load(t.path, NULL, &p, &errors), 0);
	memcpy(d1, p->digest, 65);
	policy_free(p);
	assert_int_equal(policy_load(t.path, NULL, &p, &errors), 0);
	memcpy(d2, p->digest, 65);
	policy_free(p);
	tmp_write(&t, "p.xml", HEAD "  <owner id=\"a\" name=\"B\" contact=\"a\"/>\n" TAIL);
	assert_int_equal(policy_load(t.path, NULL, &p, &errors), 0);
	memcpy(d3, p->digest, 65);
	policy_free(p);
	assert_string_equal(d1, d2);
	assert_string_not_equal(d1, d3);
	diag_list_release(&errors);
	tmp_remove(&t);
}

static void unknown_attribute_names_file_line_column_and_known_ids(void **state)
{
	struct policy *p = NULL;
	char msg[1024];
	unsigned long line, col;
	size_t n;

	(void)state;
	n = load_with("  <source id=\"billing\" kind=\"csv\" owner=\"sales\">\n"
		      "    <location path=\"b.csv\"/>\n"
		      "    <key field=\"amt\"/>\n"
		      "    <field name=\"amt\" attribute=\"amount\"/>\n"
		      "  </source>\n", &p, msg, sizeof(msg), &line, &col);
	assert_int_equal(n, 1);
	assert_string_equal(msg, "source 'billing' maps field 'amt' to unknown "
			    "attribute 'amount' (known: email, phone)");
	assert_int_equal(line, 17);
	assert_int_equal(col, 34);
}

static void reports_every_error_not_only_the_first(void **state)
{
	struct policy *p = NULL;
	size_t n;

	(void)state;
	n = load_with("  <attribute id=\"x\" type=\"text\" owner=\"nobody\"/>\n"
		      "  <schedule id=\"s\" cron=\"61 * * * *\" task=\"scan\"/>\n"
		      "  <owner id=\"sales\" name=\"again\" contact=\"c\"/>\n",
		      &p, NULL, 0, NULL, NULL);
	/* dangling owner, no system of record, bad cron, duplicate owner */
	assert_int_equal(n, 4);
	assert_null(p);
}

static void semantic_checks_have_clear_messages(void **state)
{
	(void)state;
	expect_error("  <attribute id=\"email\" type=\"text\" system-of-record=\"crm\" owner=\"sales\"/>\n",
		     "attribute 'email' is declared twice");
	expect_error("  <system-of-record attribute=\"phone\" source=\"billing\"/>\n",
		     "attribute 'phone' has two systems of record: 'crm'");
	expect_error("  <attribute id=\"x\" type=\"text\" system-of-record=\"crm\" owner=\"sales\"/>\n",
		     "attribute 'x' names 'crm' as its system of record, but source "
		     "'crm' does not map that attribute");
	expect_error("  <attribute id=\"x\" type=\"enum\" system-of-record=\"crm\" owner=\"sales\"/>\n",
		     "attribute 'x' is an enum but has no values");
	expect_error("  <schedule id=\"s\" cron=\"0 6 * * MOX\" task=\"scan\"/>\n",
		     "schedule 's' has a malformed cron expression '0 6 * * MOX'");
	expect_error("  <schedule id=\"s\" cron=\"@daily\" task=\"scan backup\"/>\n",
		     "schedule 's': unknown task 'backup'");
	expect_error("  <trust source=\"crm\" max=\"0.9\" min=\"0.1\" decay=\"P1M2D3\"/>\n",
		     "trust decay 'P1M2D3' is not a usable ISO 8601 duration");
	expect_error("  <scorecard><weight dimension=\"validity\" value=\"0.7\"/>"
		     "<grade name=\"ok\" min=\"0\"/></scorecard>\n",
		     "scorecard weights add up to 0.7, not 1");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"jaro-winkler\" levels=\"0.8 0.9\"/><block on=\"email\"/></identity>\n",
		     "compare on 'email': levels must be similarities between 0 and 1");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\"/><block on=\"prefix(email)\"/></identity>\n",
		     "prefix needs a length");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\"/><block on=\"email\" max-block=\"0\"/></identity>\n",
		     "attribute 'max-block': '0' is not a valid value");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"jaro-winkler\" levels=\"0.9\" every-word=\"true\"/>"
		     "<block on=\"email\"/></identity>\n",
		     "compare on 'email': every-word applies to a person-name or text "
		     "attribute compared by jaro-winkler or word-jaro-winkler (this one "
		     "is email, jaro-winkler)");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"jaro-winkler\" levels=\"0.9\" relatives-apart=\"true\"/>"
		     "<block on=\"email\"/></identity>\n",
		     "compare on 'email': relatives-apart applies to a person-name "
		     "attribute compared by jaro-winkler or word-jaro-winkler (this one "
		     "is email, jaro-winkler)");
	expect_error("  <identity link=\"0.9\" review=\"0.5\" min-evidence=\"3\">"
		     "<compare attribute=\"email\" method=\"exact\"/>"
		     "<compare attribute=\"phone\" method=\"exact\"/>"
		     "<block on=\"email\"/></identity>\n",
		     "min-evidence=\"3\": a link needs from 1 to 2 comparisons "
		     "speaking for it (the policy compares 2 attributes)");
	expect_error("  <identity link=\"0.9\" review=\"0.5\" min-evidence=\"0\">"
		     "<compare attribute=\"email\" method=\"exact\"/>"
		     "<block on=\"email\"/></identity>\n",
		     "attribute 'min-evidence': '0' is not a valid value");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\"/><block on=\"email\"/>"
		     "<mailbox domain=\"*\" ignores=\"roles teams\"/></identity>\n",
		     "a mailbox ignores 'dots', 'plus-tags', 'roles' or several, not 'teams'");
	expect_error("  <survivorship attribute=\"phone\" order=\"most-recent most-recent\"/>\n",
		     "'most-recent' is unknown or repeated");
	expect_error("  <source id=\"s2\" kind=\"sqlite\" owner=\"sales\"><location path=\"x.db\"/>"
		     "<key field=\"k\"/><field name=\"k\"/></source>\n",
		     "sqlite source 's2' needs exactly one of table");
	expect_error("  <source id=\"s3\" kind=\"xml\" owner=\"sales\"><location path=\"x.xml\" "
		     "record=\"/a/b\"/><key field=\"k\"/><field name=\"k\" path=\"a//b\"/></source>\n",
		     "field 'k': malformed path 'a//b'");
	expect_error("  <source id=\"s4\" kind=\"csv\" owner=\"sales\"><location path=\"x.csv\" "
		     "header=\"false\"/><key field=\"k\"/><field name=\"k\"/></source>\n",
		     "so every field needs column=\"N\"");
	/* u needs m beside it; m alone (u estimated) is checked alone */
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\" u=\"0.9 0.1\"/><block on=\"email\"/></identity>\n",
		     "compare on 'email': u needs m beside it");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\" m=\"0.9 0.1\" u=\"0.5 0.3 0.2\"/><block on=\"email\"/></identity>\n",
		     "u needs m beside it, with one value per level (m has 2, u has 3)");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\" m=\"0.5 0.3 0.2\"/><block on=\"email\"/></identity>\n",
		     "compare on 'email' has 2 levels (exact, 0 thresholds, else) but m gives 3 values");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\" m=\"0.9 0.2\"/><block on=\"email\"/></identity>\n",
		     "compare on 'email': m values add up to 1.1; they must add up to 1");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\" m=\"1 0\"/><block on=\"email\"/></identity>\n",
		     "compare on 'email': every m must be strictly between 0 and 1");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\" swap-with=\"phone\" exclusive=\"true\"/>"
		     "<block on=\"email\"/></identity>\n",
		     "compare on 'email': an exclusive comparison cannot swap with another attribute");
	expect_error("  <source id=\"s5\" kind=\"csv\" owner=\"sales\"><location path=\"x.csv\" "
		     "delimiter=\"none\"/><key field=\"k\"/><field name=\"k\"/></source>\n",
		     "the delimiter must be one ASCII character");
	expect_error("  <source id=\"s6\" kind=\"xml\" owner=\"sales\"><location path=\"x.xml\" "
		     "record=\"/a/@b\" header=\"false\"/><key field=\"k\"/><field name=\"k\"/></source>\n",
		     "delimiter, quote, header and skip-initial-space apply to csv");
	expect_error("  <source id=\"s7\" kind=\"xml\" owner=\"sales\"><location path=\"x.xml\" "
		     "record=\"/a/@b\"/><key field=\"k\"/><field name=\"k\"/></source>\n",
		     "record path '/a/@b' must name elements only");
	expect_error("  <attribute id=\"c\" type=\"boolean\" system-of-record=\"s9\" owner=\"sales\"/>\n"
		     "  <source id=\"s9\" kind=\"csv\" owner=\"sales\"><location path=\"x.csv\"/>"
		     "<key field=\"k\"/><field name=\"k\" attribute=\"c\" transform=\"bool\"/></source>\n"
		     "  <compliance id=\"k\"><consent attribute=\"c\" opted-out=\"no\"/></compliance>\n",
		     "so opted-out must be \"true\" or \"false\"");
	expect_error("  <schedule id=\"s\" cron=\"@daily\" timezone=\"zone.tab\" task=\"scan\"/>\n",
		     "unknown time zone 'zone.tab'");
	expect_error("  <schedule id=\"s\" cron=\"@daily\" task=\"  \"/>\n",
		     "schedule 's' has no task");
	expect_error("  <schedule id=\"s\" cron=\"0 0 30 2 *\" task=\"scan\"/>\n",
		     "the cron expression '0 0 30 2 *' never fires");
	expect_error("  <survivorship attribute=\"phone\" order=\"  \"/>\n",
		     "survivorship for 'phone' lists no strategy");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\"/><block on=\"soundex(email,3)\"/></identity>\n",
		     "soundex takes only an attribute");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\"/><block on=\"prefix(email,3x)\"/></identity>\n",
		     "prefix needs a length from 1 to 64");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"exact\"/><compare attribute=\"email\" method=\"exact\"/>"
		     "<block on=\"email\"/></identity>\n",
		     "a second comparison on 'email'");
	expect_error("  <identity link=\"0.9\" review=\"0.5\"><compare attribute=\"email\" "
		     "method=\"levenshtein\" levels=\"1 inf\"/><block on=\"email\"/></identity>\n",
		     "levels: 'inf' is not a number");
	expect_error("  <attribute id=\"name\" type=\"text\" system-of-record=\"s10\" owner=\"sales\"/>\n"
		     "  <source id=\"s10\" kind=\"csv\" owner=\"sales\"><location path=\"x.csv\"/>"
		     "<key field=\"k\"/><field name=\"k\" attribute=\"name\"/></source>\n"
		     "  <trust source=\"crm\" attribute=\"name\" max=\"0.9\" min=\"0.1\" decay=\"P1Y\"/>\n",
		     "source 'crm' does not map attribute 'name'");
	expect_error("  <source id=\"s8\" kind=\"csv\" owner=\"sales\"><location path=\"x.csv\"/>"
		     "<key field=\"k\"/><field name=\"k\" attribute=\"email\"/>"
		     "<field name=\"j\" attribute=\"email\"/></source>\n",
		     "source 's8' maps attribute 'email' twice");
}

static void refuses_doctype_before_parsing(void **state)
{
	struct tmpdir t;
	struct diag_list errors;
	struct policy *p = NULL;

	(void)state;
	tmp_init(&t);
	tmp_write(&t, "p.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE steward [\n"
		  "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		  "<steward><owner id=\"a\" name=\"&x;\" contact=\"c\"/></steward>\n");
	diag_list_init(&errors);
	assert_int_equal(policy_load(t.path, NULL, &p, &errors), ST_ERR);
	assert_int_equal(errors.n, 1);
	assert_int_equal(errors.items[0].line, 2);
	assert_non_null(strstr(errors.items[0].msg, "may not contain a DOCTYPE"));
	diag_list_release(&errors);
	tmp_remove(&t);
}

static void schema_errors_point_at_the_attribute(void **state)
{
	struct policy *p = NULL;
	char msg[1024];
	unsigned long line, col;

	(void)state;
	assert_int_equal(load_with("  <owner id=\"x\" name=\"X\" contact=\"c\" colour=\"red\"/>\n",
				   &p, msg, sizeof(msg), &line, &col), 1);
	assert_int_equal(line, 14);
	assert_int_equal(col, 38);
	assert_non_null(strstr(msg, "colour"));
}

static void survives_every_allocation_failure(void **state)
{
	struct diag_list errors;
	struct policy *p = NULL;
	long n = 0;
	int rc;

	(void)state;
	/* fail the 1st, 2nd, ... allocation until loading succeeds: every
	 * error path must return cleanly (ASan checks for leaks) */
	do {
		diag_list_init(&errors);
		alloc_fail_after(n);
		rc = policy_load("policies", NULL, &p, &errors);
		alloc_fail_after(-1);
		if (rc) {
			assert_null(p);
			assert_true(rc == ST_ERR_NOMEM || rc == ST_ERR);
		}
		diag_list_release(&errors);
		n += n < 200 ? 1 : 37;
	} while (rc && n < 100000);
	assert_int_equal(rc, 0);
	policy_free(p);
}

static void explain_writes_the_handbook(void **state)
{
	struct diag_list errors;
	struct policy *p = NULL;
	struct buf out = BUF_INIT;

	(void)state;
	diag_list_init(&errors);
	assert_int_equal(policy_load("policies", NULL, &p, &errors), 0);
	policy_explain(p, &out);
	assert_int_equal(buf_error(&out), 0);
	assert_non_null(strstr(out.data, "# Data governance handbook"));
	assert_non_null(strstr(out.data, "| Payment status (`payment_status`) | "
				 "enum: current, overdue, suspended, closed | billing |"));
	assert_non_null(strstr(out.data, "- **same-device**: Two records that carry "
				 "the same device id are the same person."));
	assert_non_null(strstr(out.data, "`given_name` is compared by Jaro-Winkler "
				 "similarity, in levels: exact, at least 0.92, at least "
				 "0.8, else different"));
	assert_non_null(strstr(out.data, "the same soundex of `family_name` and "
				 "the same `postcode`"));
	assert_non_null(strstr(out.data, "- the same `given_name` and the same "
				 "`family_name`, only for a record the rules and "
				 "the other keys left without a match or a pair to "
				 "review (groups of at most 10 records)\n"));
	assert_non_null(strstr(out.data, "When `phone_verified` is 'true', trust "
				 "rises to 0.98"));
	assert_non_null(strstr(out.data, "- Phone number: highest-trust, then "
				 "system-of-record, then most-recent."));
	assert_non_null(strstr(out.data, "(gate: a failure fails the scan)"));
	buf_release(&out);
	policy_free(p);
	diag_list_release(&errors);
}

static void explain_says_how_names_words_are_read(void **state)
{
	struct diag_list errors;
	struct policy *p = NULL;
	struct buf out = BUF_INIT;

	(void)state;
	diag_list_init(&errors);
	assert_int_equal(policy_load("bench/identity/senzing", NULL, &p, &errors), 0);
	assert_true(p->identity.comparisons[0].every_word);
	assert_true(p->identity.comparisons[0].relatives_apart);
	assert_true(p->identity.mailboxes[0].roles);
	policy_explain(p, &out);
	assert_int_equal(buf_error(&out), 0);
	assert_non_null(strstr(out.data, "Every word of the shorter name needs its "
				 "counterpart in the other"));
	assert_non_null(strstr(out.data, "Two names of one family (the last words "
				 "agree) whose first words have no counterpart"));
	assert_non_null(strstr(out.data, "the same last word of `name`"));
	assert_non_null(strstr(out.data, "Email addresses at every domain: role "
				 "addresses (info@, sales@, support@ ...) reach a "
				 "team, not one person"));
	buf_release(&out);
	policy_free(p);
	diag_list_release(&errors);
}

static void explain_generates_sentences_for_rules_without_one(void **state)
{
	struct policy *p = NULL;
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(load_with("  <identity link=\"0.9\" review=\"0.8\">"
				   "<rule id=\"r\"><equal attribute=\"email\"/>"
				   "<equal attribute=\"phone\"/></rule></identity>\n",
				   &p, NULL, 0, NULL, NULL), 0);
	policy_explain(p, &out);
	assert_non_null(strstr(out.data, "- **r**: Two records are the same person "
				 "when their email and phone are all equal after "
				 "normalisation."));
	buf_release(&out);
	policy_free(p);
}

/* ---- transforms ---------------------------------------------------------- */

static const char *apply(const char *spec, const char *value, const char **why)
{
	static char result[512];
	struct arena a;
	struct transform_chain chain;
	struct transform_error err;
	struct buf v = BUF_INIT, scratch = BUF_INIT;

	arena_init(&a, 0);
	memset(&err, 0, sizeof(err));
	if (transform_parse(spec, &a, &chain, &err))
		fail_msg("'%s' does not parse: %s", spec, err.msg);
	buf_addstr(&v, value);
	*why = NULL;
	transform_apply(&chain, NULL, &v, &scratch, why);
	snprintf(result, sizeof(result), "%s", v.data);
	buf_release(&v);
	buf_release(&scratch);
	arena_release(&a);
	return result;
}

static void check_apply(const char *spec, const char *value, const char *want)
{
	const char *why;
	const char *got = apply(spec, value, &why);

	if (strcmp(got, want) || why)
		fail_msg("%s('%s') gave '%s' (%s), expected '%s'", spec, value, got,
			 why ? why : "ok", want);
}

static void transforms_normalise_values(void **state)
{
	(void)state;
	check_apply("trim", "  a b  ", "a b");
	check_apply("collapse-space", " a \t  b\n", "a b");
	check_apply("lower", "ÉLODIE", "élodie");
	check_apply("upper", "straße", "STRAẞE");
	check_apply("title", "o'brien SMITH-JONES", "O'Brien Smith-Jones");
	check_apply("fold", "Łukasz Müller", "Lukasz Muller");
	check_apply("digits", "+44 (0)20 7946-0123", "4402079460123");
	check_apply("alnum", "Zoë-Ann 3!", "ZoëAnn3");
	check_apply("trim null-if('n/a', none, -)", " N/A ", "");
	check_apply("null-if(none)", "nonexistent", "nonexistent");
	check_apply("replace(' ', '')", "SW1A 1AA", "SW1A1AA");
	check_apply("replace('it''s', x)", "it's", "x");
	check_apply("map(Y=yes, N=no)", "y", "yes");
	check_apply("map(Y=yes)", "maybe", "maybe");
	check_apply("bool", "Opted-Out", "false");
	check_apply("email", "  John.Smith@Example.COM ", "john.smith@example.com");
	check_apply("e164(country=GB)", "020 7946 0123", "+442079460123");
	check_apply("e164(country=US)", "(415) 555-0123", "+14155550123");
	check_apply("e164", "+44 7700 900123", "+447700900123");
	check_apply("postcode(country=GB)", "sw1a1aa", "SW1A 1AA");
	check_apply("country", "United Kingdom", "GB");
	check_apply("date(format='%d/%m/%Y|%b %d %Y')", "Mar 1 1970", "1970-03-01");
	check_apply("date", "2026-10-31", "2026-10-31");
	check_apply("datetime(format='%Y-%m-%d %H:%M:%S')", "2026-10-31 06:00:00",
		    "2026-10-31T06:00:00Z");
	check_apply("last-first", "GREEN, Mitchell", "Mitchell GREEN");
	check_apply("last-first", "Mitchell Green", "Mitchell Green");
	check_apply("name-part(given)", "O'BRIEN, Seán", "Seán");
	check_apply("name-part(family)", "Ludwig van Beethoven", "van Beethoven");
	check_apply("name-part(given)", "Ludwig van Beethoven", "Ludwig");
	check_apply("name-part(family)", "Cher", "Cher");
	check_apply("name-part(given)", "Cher", "");
	check_apply("trim lower", "", "");
}

static void email_takes_the_address_of_a_display_name(void **state)
{
	(void)state;
	check_apply("email", "Maria Sentosa<MSentosa@fmail.com>",
		    "msentosa@fmail.com");
	check_apply("email", "\"Jay Jones\" < jjones@fmail.com >",
		    "jjones@fmail.com");
	/* brackets without an address, or never closed: as it is */
	check_apply("email", "<none>", "<none>");
	check_apply("email", "Ann <ann@x.com", "ann <ann@x.com");
	check_apply("email", "a>b@x.com", "a>b@x.com");
}

static void org_name_drops_notes_and_legal_forms(void **state)
{
	(void)state;
	check_apply("org-name", "Univrsl Export Inc", "Univrsl Export");
	check_apply("org-name", "Hajah Mamunah (Jln Pisang)", "Hajah Mamunah");
	check_apply("org-name", "Acme Co., Ltd.", "Acme");
	check_apply("org-name", "Universal Exports, USA", "Universal Exports USA");
	check_apply("org-name", "Müllenkranz GmbH ", "Müllenkranz");
	check_apply("generation", "David Dobbins Jr.", "jr");
	check_apply("generation", "Dobbins Senior David", "sr");
	check_apply("generation", "Morris I Klein", "i");
	check_apply("generation", "Klein, Morris II", "ii");
	check_apply("generation", "John Smith 3rd", "iii");
	check_apply("generation", "Robert E Smith", "");
	check_apply("generation", "Jr", "");	/* the first word is a name */
	check_apply("generation", "Ivy Iverson", "");
	check_apply("address", "1515 Adela Lane", "1515 adela ln");
	check_apply("address", "  1515 ADELA LN. ", "1515 adela ln");
	check_apply("address", "3212 W. 32nd Street, Palm Harbor", "3212 w 32nd st palm harbor");
	check_apply("address", "#321, Street 128", "321 st 128");
	check_apply("address", "No 321, Street 128", "321 st 128");
	check_apply("address", "No Name Street", "no name st");	/* no number after it */
	check_apply("address", "No No 321", "321");	/* found by the fuzzer */
	check_apply("address", "NUMBER 12 High St", "12 high st");
	check_apply("address", "Suite 900, 1450 North City Road", "ste 900 1450 n city rd");
	check_apply("address", "St John's Road, Flat 2/3", "st john's rd flat 2/3");
	check_apply("address", "Hardenbergstraße 87", "hardenbergstraße 87");
	check_apply("address", "1515 adela ln", "1515 adela ln");	/* idempotent */
	/* the first word stays, and a legal form inside the name too */
	check_apply("org-name", "Co", "Co");
	check_apply("org-name", "Inc Ltd", "Inc");
	check_apply("org-name", "Limited Editions Ltd", "Limited Editions");
	/* nested and unbalanced parentheses */
	check_apply("org-name", "A (b (c) d) e)", "A e");
	check_apply("org-name", "(only a note)", "");
}

/* The edges of the fast paths: white space only, white space around
 * non-ASCII and invalid bytes, every spelling of a yes/no word, particles
 * written in UTF-8, and a fold that must go through the hand-made table. */
static void transforms_handle_the_edges_of_their_fast_paths(void **state)
{
	static const char *const yes[] = {
		"TRUE", "Yes", "y", "T", "1", "On", "OPTED-IN", "opt-in",
		"Subscribed", "granted", "CONSENTED",
	};
	static const char *const no[] = {
		"false", "NO", "N", "f", "0", "OFF", "opted-out", "Opt-Out",
		"UNSUBSCRIBED", "Withdrawn",
	};
	const char *why;

	(void)state;
	check_apply("trim", " \t\r\n ", "");
	check_apply("trim", "\xC2\xA0" "a\xC2\xA0", "\xC2\xA0" "a\xC2\xA0");
	check_apply("collapse-space", "  \t ", "");
	check_apply("collapse-space", "Mary  Ann\t\tO'Brien ", "Mary Ann O'Brien");
	check_apply("collapse-space", "\xC3\x89lodie   M\xC3\xBCller",
		    "\xC3\x89lodie M\xC3\xBCller");
	check_apply("email", " \xC3\x89LODIE@EXAMPLE.FR\t",
		    "\xC3\xA9lodie@example.fr");
	check_apply("email", "AB\xC3 ", "ab\xC3");
	check_apply("lower", "ABCDEFGHIJKLMNOPQRSTUVWXYZ \xC3\x89 0123456789",
		    "abcdefghijklmnopqrstuvwxyz \xC3\xA9 0123456789");
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		check_apply("bool", yes[i], "true");
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		check_apply("bool", no[i], "false");
	assert_string_equal(apply("bool", "tru", &why), "tru");
	assert_non_null(why);
	assert_string_equal(apply("bool", "yess", &why), "yess");
	assert_non_null(why);
	check_apply("name-part(family)", "Siobh\xC3\xA1n N\xC3\xAD Bhriain",
		    "N\xC3\xAD Bhriain");
	check_apply("name-part(family)", "Anna de la Cruz", "de la Cruz");
	check_apply("name-part(given)", "Anna DE LA Cruz", "Anna");
	check_apply("country", "gbr", "GB");
	check_apply("country", "the Netherlands", "NL");
	check_apply("e164(country=IE)", "087 123 4567", "+353871234567");
	check_apply("fold", "\xC7\xBC" "lfric", "AElfric");
}

static void failed_transforms_keep_the_value_and_say_why(void **state)
{
	const char *why;

	(void)state;
	assert_string_equal(apply("trim e164(country=GB) lower", " 12345 ", &why), "12345");
	assert_non_null(why);
	assert_string_equal(apply("date(format=%Y-%m-%d)", "2026-02-30", &why),
			    "2026-02-30");
	assert_string_equal(why, "date: does not match the date format");
	assert_string_equal(apply("bool", "perhaps", &why), "perhaps");
	assert_string_equal(why, "bool: not a yes/no value");
	assert_string_equal(apply("country", "Atlantis", &why), "Atlantis");
	assert_non_null(why);
}

static void expect_parse_error(const char *spec, size_t offset, const char *msg)
{
	struct arena a;
	struct transform_chain chain;
	struct transform_error err;

	arena_init(&a, 0);
	memset(&err, 0, sizeof(err));
	if (transform_parse(spec, &a, &chain, &err) == 0)
		fail_msg("'%s' parsed but should not", spec);
	arena_release(&a);
	if (err.offset != offset || strcmp(err.msg, msg))
		fail_msg("'%s': got offset %zu '%s', expected %zu '%s'", spec,
			 err.offset, err.msg, offset, msg);
}

static void bad_transform_specs_are_located(void **state)
{
	(void)state;
	expect_parse_error("trim lowr", 5, "unknown transform 'lowr'; did you mean 'lower'?");
	expect_parse_error("trim zzzzzzzz", 5, "unknown transform 'zzzzzzzz' (known: "
			   "trim, collapse-space, lower, upper, title, fold, digits, "
			   "alnum, null-if, replace, map, bool, email, e164, postcode, "
			   "country, date, datetime, last-first, name-part, org-name, address, generation)");
	expect_parse_error("e164(country=XX)", 0,
			   "e164: 'XX' is not an ISO 3166 alpha-2 country code");
	expect_parse_error("postcode", 0, "postcode needs country=XX or country-field=FIELD");
	expect_parse_error("trim(1)", 0, "trim takes no arguments");
	expect_parse_error("name-part(middle)", 0, "name-part takes given or family");
	expect_parse_error("date(format='%Y-%Q')", 0,
			   "date: bad format '%Y-%Q': unknown conversion '%Q'");
	expect_parse_error("replace('a)", 8, "unterminated quoted argument");
	expect_parse_error("trim lower(", 11, "expected ',' or ')' in the arguments of 'lower'");
	expect_parse_error("trim,lower", 4, "expected a space between transforms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_the_shipped_sample_policies),
		cmocka_unit_test(m_alone_loads_without_u),
		cmocka_unit_test(merges_files_in_name_order),
		cmocka_unit_test(data_directory_comes_from_policy_or_option),
		cmocka_unit_test(digest_changes_with_any_byte),
		cmocka_unit_test(unknown_attribute_names_file_line_column_and_known_ids),
		cmocka_unit_test(reports_every_error_not_only_the_first),
		cmocka_unit_test(semantic_checks_have_clear_messages),
		cmocka_unit_test(refuses_doctype_before_parsing),
		cmocka_unit_test(schema_errors_point_at_the_attribute),
		cmocka_unit_test(survives_every_allocation_failure),
		cmocka_unit_test(explain_writes_the_handbook),
		cmocka_unit_test(explain_says_how_names_words_are_read),
		cmocka_unit_test(explain_generates_sentences_for_rules_without_one),
		cmocka_unit_test(transforms_normalise_values),
		cmocka_unit_test(email_takes_the_address_of_a_display_name),
		cmocka_unit_test(org_name_drops_notes_and_legal_forms),
		cmocka_unit_test(transforms_handle_the_edges_of_their_fast_paths),
		cmocka_unit_test(failed_transforms_keep_the_value_and_say_why),
		cmocka_unit_test(bad_transform_specs_are_located),
	};

	policy_library_init();
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
