/*
 * cli.h - shared by the subcommands of the steward command line.
 *
 * The CLI is a thin client of libsteward (curl's src/ over lib/): it parses
 * options, calls the library, prints, and picks the exit status.  It is
 * the only part of steward that writes to the terminal or exits.
 */
#ifndef STEWARD_CLI_H
#define STEWARD_CLI_H

#include "policy/policy.h"

/* Exit statuses (docs/cli.md). */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,	/* a gate failed */
	EXIT_USAGE = 2		/* usage or input error */
};

#define STEWARD_VERSION "0.1.0"

struct cli_policy_opts {
	const char *dir;	/* --policies, default "policies" */
	const char *data;	/* --data */
};

/* Load policies, printing every error to stderr; NULL on failure. */
struct policy *cli_load_policy(const struct cli_policy_opts *o, size_t *n_errors);

/* Print a diagnostic (file:line:col: msg) to stderr with the program name. */
void cli_print_diag(const struct diag *d);
void cli_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A failed call: print its diagnostic, or "CMD: out of memory" when it
 * set none (or d is NULL).  Returns EXIT_USAGE. */
int cli_fail(const char *cmd, const struct diag *d);

/* Print text to stdout; returns EXIT_USAGE if stdout fails. */
int cli_write(const char *data, size_t len);

int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_peek(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_findings(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_identities(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_entity(int argc, char **argv);
int cmd_why(int argc, char **argv);
int cmd_links(int argc, char **argv);
int cmd_proposals(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_scores(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_run_due(int argc, char **argv);
int cmd_daemon(int argc, char **argv);
/* `steward audit recompute`: argv[0] is "recompute". */
int cli_audit_recompute(int argc, char **argv);

struct store;
struct run_info;
/* Open an existing history (never create one), printing why not;
 * EXIT_OK or EXIT_USAGE. */
int cli_open_history(const char *cmd, const char *db, struct store **s);
/* The run numbered run_text, or the latest when it is NULL; EXIT_OK or
 * EXIT_USAGE after printing why. */
/* EXIT_OK when run read `source` (for "findings": or filed findings
 * under it); else says which sources it has and returns EXIT_USAGE. */
int cli_check_source(struct store *s, const char *cmd, int64_t run,
		     const char *source);
int cli_pick_run(struct store *s, const char *db, const char *run_text,
		 const char *cmd, struct run_info *run);

/* The history database when --db is not given. */
#define DEFAULT_DB "reports/steward.db"

#endif
