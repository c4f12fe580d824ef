/*
 * cli_common.c - policy loading and error printing shared by subcommands.
 */
#include "cli/cli.h"

#include <stdarg.h>

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("steward: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_print_diag(const struct diag *d)
{
	struct buf b = BUF_INIT;

	diag_format(d, &b);
	fprintf(stderr, "%s\n", b.data);
	buf_release(&b);
}

struct policy *cli_load_policy(const struct cli_policy_opts *o, size_t *n_errors)
{
	struct policy_options opt = { o->data };
	struct diag_list errors;
	struct policy *p = NULL;
	int rc;

	diag_list_init(&errors);
	rc = policy_load(o->dir, &opt, &p, &errors);
	for (size_t i = 0; i < errors.n; i++)
		cli_print_diag(&errors.items[i]);
	if (errors.dropped)
		cli_error("... and %zu more errors", errors.dropped);
	if (rc == ST_ERR_NOMEM)
		cli_error("out of memory while loading the policies");
	if (n_errors)
		*n_errors = diag_list_count(&errors) + (rc == ST_ERR_NOMEM);
	diag_list_release(&errors);
	return rc ? NULL : p;
}

int cli_write(const char *data, size_t len)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout)) {
		cli_error("cannot write the output");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_fail(const char *cmd, const struct diag *d)
{
	if (d && d->set && !d->file[0])
		cli_error("%s: %s", cmd, d->msg);	/* no file to lead with */
	else if (d && d->set)
		cli_print_diag(d);
	else
		cli_error("%s: out of memory", cmd);
	return EXIT_USAGE;
}
