/*
 * cli_report.c - `steward report`: a run's scorecards, executive summary
 * and audit report as HTML and PDF, with index.html (docs/reports.md).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>

#include "pipeline/reports.h"
#include "store/store.h"

static const char report_usage[] =
	"usage: steward report [--run RUN] [--out DIR] [--format html,pdf]\n"
	"                      [--owner O] [--paper a4|letter] [--db FILE]\n"
	"                      [--policies DIR]\n\n"
	"Write a run's reports (default: the latest run) into DIR (default\n"
	"reports/YYYY-MM of the run's as-of date): one scorecard per owner, an\n"
	"executive summary and an audit report, each as HTML and PDF (--format\n"
	"takes html, pdf or both), and index.html linking them.  --owner writes\n"
	"only that owner's scorecard.  The policies give the owners' names and\n"
	"which values are personal (masked).\n";

/* "html", "pdf", "html,pdf" (either order); false for anything else. */
static bool parse_formats(const char *s, bool *html, bool *pdf)
{
	char word[16];

	*html = *pdf = false;
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n == 0 || n >= sizeof(word))
			return false;
		memcpy(word, s, n);
		word[n] = '\0';
		if (!strcmp(word, "html"))
			*html = true;
		else if (!strcmp(word, "pdf"))
			*pdf = true;
		else
			return false;
		s += n + (s[n] == ',');
	}
	return *html || *pdf;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "run", required_argument, NULL, 'R' },
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "owner", required_argument, NULL, 'O' },
		{ "paper", required_argument, NULL, 'P' },
		{ "policies", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct reports_options ro = { NULL, "reports", true, true, NULL, PAPER_A4,
				      NULL };
	struct cli_policy_opts po = { "policies", NULL };
	const char *db = DEFAULT_DB, *run_text = NULL;
	struct reports_result res;
	struct run_info run;
	struct policy *p;
	struct store *s;
	struct diag d;
	size_t errors = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': db = optarg; break;
		case 'R': run_text = optarg; break;
		case 'o': ro.out_dir = optarg; break;
		case 'O': ro.owner = optarg; break;
		case 'p': po.dir = optarg; break;
		case 'F':
			if (parse_formats(optarg, &ro.html, &ro.pdf))
				break;
			cli_error("report: --format takes html, pdf or html,pdf, not "
				  "'%s'", optarg);
			return EXIT_USAGE;
		case 'P':
			if (!strcmp(optarg, "a4"))
				ro.paper = PAPER_A4;
			else if (!strcmp(optarg, "letter"))
				ro.paper = PAPER_LETTER;
			else {
				cli_error("report: --paper takes a4 or letter, not "
					  "'%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(report_usage, stdout);
			return EXIT_OK;
		default:
			fputs(report_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(report_usage, stderr);
		return EXIT_USAGE;
	}
	if (!(p = cli_load_policy(&po, &errors)))
		return EXIT_USAGE;
	if ((rc = cli_open_history("report", db, &s))) {
		policy_free(p);
		return rc;
	}
	if ((rc = cli_pick_run(s, db, run_text, "report", &run)) == 0) {
		diag_clear(&d);
		if (reports_write(p, s, run.id, &ro, &res, &d))
			rc = cli_fail("report", &d);
		else
			printf("wrote %zu file%s to %s (%u PDF page%s) in %.2f s%s%s%s\n",
			       res.written, res.written == 1 ? "" : "s", res.dir,
			       res.pages, res.pages == 1 ? "" : "s", res.seconds,
			       ro.html && !ro.owner ? "; start at " : "",
			       ro.html && !ro.owner ? res.dir : "",
			       ro.html && !ro.owner ? "/index.html" : "");
		if (!rc && res.replaced)
			cli_error("report: %lu character%s the PDF fonts lack %s "
				  "drawn as a replacement mark", res.replaced,
				  res.replaced == 1 ? "" : "s",
				  res.replaced == 1 ? "was" : "were");
	}
	store_close(s);
	policy_free(p);
	return rc;
}
