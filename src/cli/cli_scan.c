/*
 * cli_scan.c - `steward scan`: profile every source and record a run.
 *
 * Progress goes to a terminal only (per source: rows, bytes, rate, time
 * left), on one line rewritten in place; nothing when stderr is not a
 * terminal, so logs and pipes stay clean.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <time.h>
#include <unistd.h>

#include "pipeline/scan.h"
#include "util/datetime.h"

struct progress_opts {
	bool tty;		/* draw progress on stderr */
	bool timings;		/* one line of timings per source */
	double last;		/* when progress was last drawn */
};

/* "312 kB", "4.2 MB", "611 MB", "1.3 GB". */
static void human_bytes(double b, char *out, size_t size)
{
	static const char *unit[] = { "B", "kB", "MB", "GB", "TB" };
	size_t u = 0;

	while (b >= 1000 && u + 1 < ARRAY_SIZE(unit)) {
		b /= 1000;
		u++;
	}
	snprintf(out, size, b < 10 && u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

static void show_progress(void *arg, const struct scan_progress *p)
{
	struct progress_opts *po = arg;
	double rate = p->seconds > 0 ? (double)p->bytes_done / p->seconds : 0;
	char done[32], total[32], speed[32];

	if (p->done) {
		if (po->tty)
			fprintf(stderr, "\r\033[K[%zu/%zu] %s: %llu records in "
				"%.1f s\n", p->index + 1, p->count, p->source,
				(unsigned long long)p->rows, p->seconds);
		if (po->timings)
			fprintf(stderr, "timings: %s: %llu records, %.3f s, "
				"%.3f s of CPU; SHA-256 %.3f s of CPU (%.1f%% of "
				"the source's time, %.1f%% of its CPU)\n", p->source,
				(unsigned long long)p->rows, p->seconds,
				p->cpu_seconds, p->hash_seconds, p->seconds > 0 ?
				100.0 * p->hash_seconds / p->seconds : 0.0,
				p->cpu_seconds > 0 ?
				100.0 * p->hash_seconds / p->cpu_seconds : 0.0);
		if (po->timings && p->ranges)
			fprintf(stderr, "timings: %s: read in %zu ranges, a "
				"reader each\n", p->source, p->ranges);
		po->last = 0;
		return;
	}
	/* ten times a second is enough for the eye */
	if (!po->tty || (po->last > 0 && p->seconds - po->last < 0.1))
		return;
	po->last = p->seconds;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s: %llu records", p->index + 1,
		p->count, p->source, (unsigned long long)p->rows);
	if (!p->bytes_done) {
		/* SQLite: no byte count, a record rate */
		if (p->seconds > 0)
			fprintf(stderr, ", %.0f records/s",
				(double)p->rows / p->seconds);
		return;
	}
	human_bytes((double)p->bytes_done, done, sizeof(done));
	human_bytes((double)p->bytes_total, total, sizeof(total));
	human_bytes(rate, speed, sizeof(speed));
	fprintf(stderr, ", %s of %s, %s/s", done, total, speed);
	if (rate > 0 && p->bytes_total > p->bytes_done)
		fprintf(stderr, ", %.0f s left",
			(double)(p->bytes_total - p->bytes_done) / rate);
}

static int parse_as_of(const char *s, int64_t *days)
{
	struct datetime dt;

	if (datetime_parse(s, strlen(s), "%Y-%m-%d", &dt, NULL)) {
		cli_error("scan: --as-of takes a date as YYYY-MM-DD, not '%s'", s);
		return -1;
	}
	*days = floor_div(dt.secs, DATETIME_DAY_SECS);
	return 0;
}

static int parse_threads(const char *s, unsigned *out)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end == s || *end || n < 1 || n > LIMIT_THREADS) {
		cli_error("scan: --threads takes a number from 1 to %d, not '%s'",
			  LIMIT_THREADS, s);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* Every --source names a source of the policy. */
static int check_sources(const struct policy *p, const char *const *only, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct buf known = BUF_INIT;
		bool found = false;

		for (size_t k = 0; k < p->n_sources; k++) {
			found |= !strcmp(p->sources[k].id, only[i]);
			buf_addf(&known, "%s%s", k ? ", " : "", p->sources[k].id);
		}
		if (!found)
			cli_error("scan: --source '%s' is not a source of the policy "
				  "(sources: %s)", only[i], known.data);
		buf_release(&known);
		if (!found)
			return -1;
	}
	return 0;
}

static void scan_usage(FILE *f)
{
	fprintf(f, "usage: steward scan [--policies DIR] [--data DIR] [--db FILE] "
		   "[--as-of YYYY-MM-DD]\n"
		   "                    [--source ID]... [--threads N] [--timings]"
		   " [--no-identity]\n                    [--no-reconcile]\n\n"
		   "Read every source once, profile it against the policies, compare "
		   "it with the\nprevious run, and record the run (profiles, metrics, "
		   "findings, input\nfingerprints) in the history database (default "
		   DEFAULT_DB ").\nAges are measured to --as-of (default: today, "
		   "UTC).  Exit status 0, 1 when a\ncompliance gate failed, 2 when a "
		   "source could not be read or nothing could\nbe recorded.  Each "
		   "source is profiled by --threads workers (default: one\nper "
		   "processor) while this thread reads it.  --source scans only the "
		   "named\nsources (repeat it for several); each is compared with its "
		   "own last scan.\n--timings prints, per source, its time, its CPU "
		   "time and that of its\nSHA-256 fingerprint to stderr.\n"
		   "A scan of every source also resolves identities (who is the "
		   "same person\nacross the sources) when the policies have identity "
		   "rules or comparisons,\nand reconciles the copies each person's "
		   "records hold; --no-identity leaves\nboth out, --no-reconcile "
		   "the reconciliation.  Every run is scored.\n");
}

static void summary(const struct scan_result *r, const char *db)
{
	printf("run %lld recorded in %s: %zu source%s, %llu records, %llu "
	       "finding%s (%llu high or critical)%s\n", (long long)r->run_id, db,
	       r->sources, r->sources == 1 ? "" : "s", (unsigned long long)r->rows,
	       (unsigned long long)r->findings, r->findings == 1 ? "" : "s",
	       (unsigned long long)r->high,
	       r->failed ? "; some sources could not be read" : "");
	if (r->identified) {
		char apart[96] = "";

		if (r->id_conflicts || r->id_ambiguous)
			snprintf(apart, sizeof(apart), ", %llu kept apart by "
				 "exclusive values, %llu ambiguous",
				 (unsigned long long)r->id_conflicts,
				 (unsigned long long)r->id_ambiguous);
		printf("identities: %llu records are %llu people (%llu links, %llu "
		       "pair%s for review%s) in %.1f s\n",
		       (unsigned long long)r->id_records,
		       (unsigned long long)r->id_entities,
		       (unsigned long long)r->id_links,
		       (unsigned long long)r->id_reviews,
		       r->id_reviews == 1 ? "" : "s", apart, r->id_seconds);
	}
	if (r->reconciled)
		printf("reconciliation: %llu conflict%s; %llu proposal%s (%llu "
		       "auto-approved, %llu pending review; %llu below review) "
		       "in %.1f s: steward proposals --db %s\n",
		       (unsigned long long)r->rec_conflicts,
		       r->rec_conflicts == 1 ? "" : "s",
		       (unsigned long long)(r->rec_auto + r->rec_pending),
		       r->rec_auto + r->rec_pending == 1 ? "" : "s",
		       (unsigned long long)r->rec_auto,
		       (unsigned long long)r->rec_pending,
		       (unsigned long long)r->rec_below, r->rec_seconds, db);
	if (r->gate_failed)
		printf("compliance: gate '%s' failed with %llu violation%s: steward "
		       "findings --db %s --dimension compliance\n", r->gate,
		       (unsigned long long)r->gate_violations,
		       r->gate_violations == 1 ? "" : "s", db);
	printf("see: steward show %lld --db %s\n", (long long)r->run_id, db);
}

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policies", required_argument, NULL, 'p' },
		{ "data", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "threads", required_argument, NULL, 't' },
		{ "source", required_argument, NULL, 's' },
		{ "timings", no_argument, NULL, 'T' },
		{ "no-identity", no_argument, NULL, 'I' },
		{ "no-reconcile", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_policy_opts po = { "policies", NULL };
	struct scan_options so = { DEFAULT_DB, 0, STEWARD_VERSION, 0, NULL, 0,
				   NULL, NULL, false, false };
	const char *only[LIMIT_SCAN_SOURCES];
	struct progress_opts pro = { false, false, 0 };
	struct scan_result res;
	struct policy *p;
	struct diag d;
	int c, rc;

	so.as_of_days = floor_div((int64_t)time(NULL), DATETIME_DAY_SECS);
	while ((c = getopt_long(argc, argv, "p:d:b:a:t:s:Th", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': po.dir = optarg; break;
		case 'd': po.data = optarg; break;
		case 'b': so.db_path = optarg; break;
		case 'a': if (parse_as_of(optarg, &so.as_of_days)) return EXIT_USAGE; break;
		case 't': if (parse_threads(optarg, &so.threads)) return EXIT_USAGE; break;
		case 'T': pro.timings = true; break;
		case 'I': so.no_identity = true; break;
		case 'R': so.no_reconcile = true; break;
		case 's':
			if (so.n_only == LIMIT_SCAN_SOURCES) {
				cli_error("scan: --source at most %d times", LIMIT_SCAN_SOURCES);
				return EXIT_USAGE;
			}
			only[so.n_only++] = optarg;
			break;
		case 'h': scan_usage(stdout); return EXIT_OK;
		default: scan_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("scan: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	p = cli_load_policy(&po, NULL);
	if (!p)
		return EXIT_USAGE;
	so.only = only;
	if (check_sources(p, only, so.n_only)) {
		policy_free(p);
		return EXIT_USAGE;
	}
	pro.tty = isatty(STDERR_FILENO);
	if (pro.tty || pro.timings) {
		so.progress = show_progress;
		so.progress_arg = &pro;
	}
	diag_clear(&d);
	rc = scan_run(p, &so, &res, &d);
	policy_free(p);
	if (rc) {
		if (d.set)
			cli_print_diag(&d);
		else
			cli_error("scan: out of memory");
		cli_error("scan: nothing was recorded");
		return EXIT_USAGE;
	}
	summary(&res, so.db_path);
	if (res.failed)
		return EXIT_USAGE;
	return res.gate_failed ? EXIT_FINDINGS : EXIT_OK;
}
