/*
 * cli_check.c - `steward check`: validate the policies, summarise them.
 */
#include "cli/cli.h"

#include <getopt.h>

static void list_ids(struct buf *out, const char *label, size_t n,
		     const char *(*id_of)(const struct policy *, size_t),
		     const struct policy *p)
{
	buf_addf(out, "  %-13s %3zu", label, n);
	for (size_t i = 0; i < n; i++) {
		if (i == 8) {
			buf_addf(out, ", \xE2\x80\xA6");
			break;
		}
		buf_addf(out, "%s%s", i ? ", " : "  ", id_of(p, i));
	}
	buf_addch(out, '\n');
}

static const char *owner_at(const struct policy *p, size_t i)
{
	return p->owners[i].id;
}

static const char *attribute_at(const struct policy *p, size_t i)
{
	return p->attributes[i].id;
}

static const char *schedule_at(const struct policy *p, size_t i)
{
	return p->schedules[i].id;
}

static void summarise_sources(const struct policy *p, struct buf *out)
{
	buf_addf(out, "  %-13s %3zu", "sources", p->n_sources);
	for (size_t i = 0; i < p->n_sources; i++) {
		const struct source *s = &p->sources[i];

		buf_addf(out, "%s%s (%s%s, %zu fields)", i ? ", " : "  ", s->id,
			 source_kind_name(s->kind), s->role == ROLE_CRM ? ", CRM" : "",
			 s->n_fields);
	}
	buf_addch(out, '\n');
}

static void summarise(const struct policy *p, struct buf *out)
{
	const struct identity *id = &p->identity;
	size_t gates = 0;

	for (size_t i = 0; i < p->n_compliance; i++)
		gates += p->compliance[i].gate;
	buf_addf(out, "%s: valid (%zu file%s, policy digest %.12s)\n", p->dir,
		 p->n_files, p->n_files == 1 ? "" : "s", p->digest);
	list_ids(out, "owners", p->n_owners, owner_at, p);
	summarise_sources(p, out);
	list_ids(out, "attributes", p->n_attributes, attribute_at, p);
	if (id->declared) {
		buf_addf(out, "  %-13s %3zu rules, %zu comparisons, %zu blocking keys; "
			 "link at %g", "identity", id->n_rules, id->n_comparisons,
			 id->n_blocks, id->link);
		if (id->min_evidence > 1)
			buf_addf(out, " on %zu comparisons or more",
				 id->min_evidence);
		buf_addf(out, ", review from %g\n", id->review);
	} else
		buf_addf(out, "  %-13s none declared\n", "identity");
	buf_addf(out, "  %-13s %3zu rules\n", "trust", p->n_trust);
	buf_addf(out, "  %-13s %3zu attributes with an explicit order\n",
		 "survivorship", p->n_survivorship);
	if (p->reconcile.declared)
		buf_addf(out, "  %-13s     auto-approve at %g, review from %g\n",
			 "reconcile", p->reconcile.auto_approve, p->reconcile.review);
	buf_addf(out, "  %-13s %3zu rules (%zu gate%s)\n", "compliance",
		 p->n_compliance, gates, gates == 1 ? "" : "s");
	if (p->scorecard.declared)
		buf_addf(out, "  %-13s     %zu grades\n", "scorecard",
			 p->scorecard.n_grades);
	list_ids(out, "schedules", p->n_schedules, schedule_at, p);
	buf_addf(out, "  %-13s     %s\n", "data", p->data_dir);
}

static void check_usage(FILE *f)
{
	fprintf(f, "usage: steward check [--policies DIR] [--data DIR]\n\n"
		   "Validate every policy file in DIR (default: policies) against "
		   "the schema and\nfor meaning; print a summary, or every error "
		   "as file:line:col: message.\nExit status 0 when valid, 2 when "
		   "not.\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policies", required_argument, NULL, 'p' },
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_policy_opts po = { "policies", NULL };
	struct buf out = BUF_INIT;
	struct policy *p;
	size_t errors = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "p:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': po.dir = optarg; break;
		case 'd': po.data = optarg; break;
		case 'h': check_usage(stdout); return EXIT_OK;
		default: check_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("check: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	p = cli_load_policy(&po, &errors);
	if (!p) {
		cli_error("check: %zu error%s in %s", errors, errors == 1 ? "" : "s",
			  po.dir);
		return EXIT_USAGE;
	}
	summarise(p, &out);
	rc = cli_write(out.data, out.len);
	buf_release(&out);
	policy_free(p);
	return rc;
}
