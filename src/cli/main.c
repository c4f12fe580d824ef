/*
 * main.c - the steward command: global options and subcommand dispatch.
 *
 * git-style: `steward COMMAND [OPTIONS]`, `steward help COMMAND` or
 * `steward COMMAND --help` for each command's options.
 */
#include "cli/cli.h"
#include "store/store.h"


struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "check", cmd_check, "validate the policies and summarise them" },
	{ "explain", cmd_explain, "print the governance handbook (Markdown)" },
	{ "peek", cmd_peek, "show a source's records as mapped by the policies" },
	{ "scan", cmd_scan, "profile every source and record a run in the history" },
	{ "runs", cmd_runs, "list the runs in the history" },
	{ "show", cmd_show, "one screen about a run: sources, worst findings, drift" },
	{ "profile", cmd_profile, "a source's profile in a run" },
	{ "findings", cmd_findings, "a run's findings" },
	{ "report", cmd_report, "write a run's scorecards, executive summary and audit report" },
	{ "schedule", cmd_schedule, "when each schedule of the policies fires next" },
	{ "run-due", cmd_run_due, "run what the schedules have due, then exit (cron, systemd)" },
	{ "daemon", cmd_daemon, "run the schedules in the foreground" },
	{ "scores", cmd_scores, "a run's scores per source, owner and overall" },
	{ "audit", cmd_audit, "audit verify | recompute: check the hash chain, or the scores" },
	{ "identities", cmd_identities, "who is who: each record's person (entity id)" },
	{ "eval", cmd_eval, "measure a run's identities against a labelled truth" },
	{ "entity", cmd_entity, "one person's records side by side" },
	{ "why", cmd_why, "why two records are, or are not, the same person" },
	{ "links", cmd_links, "a run's pairs: links, the review queue, refusals" },
	{ "proposals", cmd_proposals, "what reconciliation proposes to change, and why" },
	{ "review", cmd_review, "accept or reject proposals, for the record" },
	{ "apply", cmd_apply, "apply approved proposals to a SQLite source (and undo)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: steward [--version] [--help] COMMAND [OPTIONS]\n\n"
		   "steward audits customer data against declared governance "
		   "policies.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'steward COMMAND --help' for a command's options; "
		   "see also man steward (docs/steward.1).\n");
}

int main(int argc, char **argv)
{
	const char *name;
	int rc = EXIT_USAGE;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("steward %s\n", STEWARD_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_OK;
		}
		name = argv[2];
		argv[1] = argv[2];
		argv[2] = "--help";
		argc = 3;
	}
	policy_library_init();
	store_library_init();
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(name, commands[i].name)) {
			rc = commands[i].fn(argc - 1, argv + 1);
			policy_library_cleanup();
			return rc;
		}
	}
	cli_error("'%s' is not a steward command; see 'steward --help'", name);
	return EXIT_USAGE;
}
