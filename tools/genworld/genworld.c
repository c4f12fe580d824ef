/*
 * genworld.c - steward-genworld: command line and the order of the work.
 *
 * steward-genworld writes a small company's customer data - a "world" -
 * for steward to audit: the CRM export, the billing database, the support
 * feed and the marketing list for two consecutive months, with known
 * defects planted in them and the truth about every record written
 * beside the data (see README.md in this directory).  The same seed and
 * size always give the same bytes, so the text files can be committed as
 * samples and the billing databases rebuilt on demand (--only billing).
 *
 * This file parses the arguments, builds the world (world.c), and calls
 * each source's writer for month 1 (DIR/) and, in parallel, month 2
 * (DIR/next-month/).
 */
#include "sources.h"

#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"

struct opts {
	const char *out;
	uint32_t people;
	uint64_t seed;
	int only_billing;
	int verbose;
};

static const char usage[] =
	"usage: steward-genworld --out DIR [--people N] [--seed S] [--only billing] [--verbose]\n"
	"\n"
	"Writes a synthetic customer world for steward into DIR (month 1, as of\n"
	"2026-10-31) and DIR/next-month (month 2, as of 2026-11-30): crm.csv,\n"
	"marketing.csv, support.xml, billing.sqlite and truth/.\n"
	"\n"
	"  --out DIR        output directory (created if missing)\n"
	"  --people N       people in month 1, 1..5000000 (default 3000)\n"
	"  --seed S         unsigned 64-bit seed (default 20261031)\n"
	"  --only billing   write only the two billing.sqlite files\n"
	"  --verbose        print record and defect counts on stderr\n";

static int bad_usage(const char *what, const char *arg)
{
	if (arg)
		gw_error("%s '%s'", what, arg);
	else
		gw_error("%s", what);
	fputs(usage, stderr);
	return 2;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "--name value" or "--name=value": the value, or NULL when not this option. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t len = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, len) != 0)
		return NULL;
	if (a[len] == '=')
		return a + len + 1;
	if (a[len] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	o->out = NULL;
	o->people = 3000;
	o->seed = 20261031;
	o->only_billing = 0;
	o->verbose = 0;
	for (int i = 1; i < argc; i++) {
		const char *v;
		int missing = 0;
		uint64_t n;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		} else if (strcmp(argv[i], "--verbose") == 0) {
			o->verbose = 1;
		} else if ((v = opt_value(argc, argv, &i, "--out", &missing))) {
			if (!*v)
				return bad_usage("--out needs a directory", NULL);
			o->out = v;
		} else if ((v = opt_value(argc, argv, &i, "--people", &missing))) {
			if (parse_u64(v, MAX_PEOPLE, &n) != 0 || n == 0)
				return bad_usage("--people must be a whole number from 1 to 5000000, not", v);
			o->people = (uint32_t)n;
		} else if ((v = opt_value(argc, argv, &i, "--seed", &missing))) {
			if (parse_u64(v, UINT64_MAX, &n) != 0)
				return bad_usage("--seed must be an unsigned decimal integer, not", v);
			o->seed = n;
		} else if ((v = opt_value(argc, argv, &i, "--only", &missing))) {
			if (strcmp(v, "billing") != 0)
				return bad_usage("--only accepts only 'billing', not", v);
			o->only_billing = 1;
		} else if (missing) {
			return bad_usage("option needs a value:", argv[i]);
		} else {
			return bad_usage("unknown argument", argv[i]);
		}
	}
	if (!o->out)
		return bad_usage("--out DIR is required", NULL);
	return 0;
}

/* Seconds on the monotonic clock, for --verbose timings only. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int join(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= cap) {
		gw_error("%s/%s: path too long", dir, name);
		return -1;
	}
	return 0;
}

static int month_dir(const struct opts *o, int month, char *dir, size_t cap)
{
	if (month == 1) {
		if (strlen(o->out) >= cap) {
			gw_error("%s: path too long", o->out);
			return -1;
		}
		gw_copy(dir, cap, o->out);
	} else if (join(dir, cap, o->out, "next-month") != 0) {
		return -1;
	}
	return dir_ensure(dir);
}

/* The four sources of one month and their truth files. */
static int write_sources(const struct world *w, int month, const char *dir,
			 struct truth *t)
{
	char path[PATH_CAP];

	if (join(path, sizeof(path), dir, "crm.csv") != 0 ||
	    crm_write(w, month, path, t) != 0)
		return -1;
	if (join(path, sizeof(path), dir, "billing.sqlite") != 0 ||
	    billing_write(w, month, path, t) != 0)
		return -1;
	/* Written afresh in month 2 too: the export does not depend on the
	 * month, so the stalled feed's file comes out byte-identical. */
	if (join(path, sizeof(path), dir, "support.xml") != 0 ||
	    support_write(w, month, path, t) != 0)
		return -1;
	if (join(path, sizeof(path), dir, "marketing.csv") != 0 ||
	    marketing_write(w, month, path, t) != 0)
		return -1;
	return 0;
}

static int write_month(const struct world *w, const struct opts *o, int month)
{
	char dir[PATH_CAP], tdir[PATH_CAP], path[PATH_CAP];
	struct ofile ids = { .fd = -1 }, defects = { .fd = -1 };
	struct truth t;
	double t0 = now();
	int rc = -1;

	memset(&t, 0, sizeof(t));
	if (month_dir(o, month, dir, sizeof(dir)) != 0)
		return -1;
	if (o->only_billing)
		return join(path, sizeof(path), dir, "billing.sqlite") != 0 ? -1 :
		       billing_write(w, month, path, NULL);
	if (join(tdir, sizeof(tdir), dir, "truth") != 0 || dir_ensure(tdir) != 0 ||
	    join(path, sizeof(path), tdir, "identities.csv") != 0 ||
	    ofile_open(&ids, path) != 0 ||
	    join(path, sizeof(path), tdir, "defects.csv") != 0 ||
	    ofile_open(&defects, path) != 0)
		goto out;
	t.ids = &ids;
	t.defects = &defects;
	of_str(&ids, "source,record_key,entity\n");
	of_str(&defects, "source,record_key,attribute,defect,detail\n");
	if (write_sources(w, month, dir, &t) != 0 ||
	    join(path, sizeof(path), tdir, "people.csv") != 0 ||
	    truth_write_people(w, month, path) != 0)
		goto out;
	if (month == 2 && (join(path, sizeof(path), tdir, "drift.csv") != 0 ||
			   truth_write_drift(&t, path) != 0))
		goto out;
	if (ofile_commit(&ids) != 0 || ofile_commit(&defects) != 0)
		goto out;
	if (o->verbose) {
		truth_print_counts(&t, stderr, month);
		fprintf(stderr, "month %d written in %.1f s\n", month, now() - t0);
	}
	rc = 0;
out:
	ofile_discard(&ids);
	ofile_discard(&defects);
	return rc;
}

/*
 * The two months share nothing but the (read-only) world, so month 2 is
 * written by a forked child while the parent writes month 1: half the
 * wall time at --people 2000000, and no extra memory (copy-on-write).
 */
static int write_months(const struct world *w, const struct opts *o)
{
	int status, rc;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return write_month(w, o, 1) != 0 || write_month(w, o, 2) != 0;
	if (pid == 0)
		_exit(write_month(w, o, 2) != 0);
	rc = write_month(w, o, 1) != 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			gw_error("waiting for the month-2 writer: %s", strerror(errno));
			return 1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = 1;
	return rc;
}

/* mkdir -p for --out: the month directories below it are made later. */
static int out_dir_ensure(const char *out)
{
	char path[PATH_CAP];

	if (strlen(out) >= sizeof(path)) {
		gw_error("%s: path too long", out);
		return -1;
	}
	gw_copy(path, sizeof(path), out);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (dir_ensure(path) != 0)
			return -1;
		*p = '/';
	}
	return dir_ensure(path);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct world w;
	double t0;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc == 1 ? 0 : rc;
	if (out_dir_ensure(o.out) != 0)
		return 2;
	t0 = now();
	world_build(&w, o.seed, o.people);
	if (o.verbose)
		fprintf(stderr, "world built in %.1f s\n"
			"people: %lu (month 2: %lu); records month 1/2: "
			"crm %lu/%lu billing %lu/%lu marketing %lu/%lu support %lu\n",
			now() - t0, (unsigned long)w.n[1], (unsigned long)w.n[2],
			(unsigned long)w.crm.total[1], (unsigned long)w.crm.total[2],
			(unsigned long)w.bill.total[1], (unsigned long)w.bill.total[2],
			(unsigned long)w.mkt.total[1], (unsigned long)w.mkt.total[2],
			(unsigned long)w.tk.total[1]);
	rc = write_months(&w, &o);
	world_release(&w);
	return rc;
}
