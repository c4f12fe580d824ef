/*
 * cli_explain.c - `steward explain`: the governance handbook as Markdown.
 */
#include "cli/cli.h"

#include <getopt.h>

static void explain_usage(FILE *f)
{
	fprintf(f, "usage: steward explain [--policies DIR]\n\n"
		   "Print the governance handbook generated from the policies: "
		   "owners, the\nsystem-of-record map, identity rules as "
		   "sentences, trust and decay,\nsurvivorship, compliance rules, "
		   "scorecard and schedules (Markdown).\n");
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policies", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_policy_opts po = { "policies", NULL };
	struct buf out = BUF_INIT;
	struct policy *p;
	int c, rc;

	while ((c = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': po.dir = optarg; break;
		case 'h': explain_usage(stdout); return EXIT_OK;
		default: explain_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("explain: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	p = cli_load_policy(&po, NULL);
	if (!p) {
		cli_error("explain: the policies in %s are not valid; run 'steward "
			  "check --policies %s'", po.dir, po.dir);
		return EXIT_USAGE;
	}
	policy_explain(p, &out);
	rc = buf_error(&out) ? EXIT_USAGE : cli_write(out.data, out.len);
	buf_release(&out);
	policy_free(p);
	return rc;
}
