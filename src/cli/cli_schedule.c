/*
 * cli_schedule.c - `steward schedule` (when each schedule of the policies
 * fires next), `steward run-due` (run what is due, for cron and systemd
 * timers) and `steward daemon` (run the schedules in the foreground); see
 * docs/scheduling.md.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "pipeline/due.h"
#include "sched/schedule.h"
#include "store/store.h"
#include "util/cron.h"
#include "util/files.h"

#define SCHEDULE_MAX_COUNT 1000

static const char schedule_usage[] =
	"usage: steward schedule [--from TIME] [--count N] [--format text|csv]\n"
	"                        [--policies DIR]\n\n"
	"The next N (default 5, at most 1000) times each schedule of the\n"
	"policies fires after TIME (an ISO 8601 date-time with its offset, such\n"
	"as 2026-11-30T06:00:00Z; default: now, or $STEWARD_NOW when set), on\n"
	"the wall clock of the schedule's time zone, as ISO 8601 with the\n"
	"offset.\n";

int cmd_schedule(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'F' },
		{ "policies", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_policy_opts po = { "policies", NULL };
	const char *from = NULL;
	long count = 5;
	bool csv = false;
	struct buf out = BUF_INIT, why = BUF_INIT;
	struct policy *p;
	size_t errors = 0;
	int64_t start;
	char *end;
	int c, rc = EXIT_OK;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'p': po.dir = optarg; break;
		case 'n':
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || count < 1 ||
			    count > SCHEDULE_MAX_COUNT) {
				cli_error("schedule: --count takes a whole number from 1 "
					  "to %d, not '%s'", SCHEDULE_MAX_COUNT, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'F':
			if (!strcmp(optarg, "csv") || !strcmp(optarg, "text")) {
				csv = !strcmp(optarg, "csv");
				break;
			}
			cli_error("schedule: --format takes text or csv, not '%s'", optarg);
			return EXIT_USAGE;
		case 'h':
			fputs(schedule_usage, stdout);
			return EXIT_OK;
		default:
			fputs(schedule_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(schedule_usage, stderr);
		return EXIT_USAGE;
	}
	if (from ? sched_parse_time(from, &start, &why) : sched_now(&start, &why)) {
		cli_error("schedule: %s%s", from ? "--from: " : "", why.data);
		buf_release(&why);
		return EXIT_USAGE;
	}
	if (!(p = cli_load_policy(&po, &errors)))
		return EXIT_USAGE;
	if (csv)
		buf_addstr(&out, "schedule,tasks,timezone,time\n");
	else if (!p->n_schedules)
		buf_addstr(&out, "the policies declare no schedules\n");
	for (size_t i = 0; i < p->n_schedules; i++) {
		const struct schedule *s = &p->schedules[i];
		const char *zone = s->timezone && *s->timezone ? s->timezone : "UTC";
		int64_t t = start;

		if (!csv) {
			buf_addf(&out, "%s%s: %s, %s, ", i ? "\n" : "", s->id,
				 s->task_text, zone);
			cron_describe(&s->cron, s->cron_text, &out);
			buf_addf(&out, " (%s)\n", s->cron_text);
		}
		for (long k = 0; k < count; k++) {
			if (sched_next(s, t, &t)) {
				if (!csv)
					buf_addstr(&out, "  never again\n");
				break;
			}
			if (csv)
				buf_addf(&out, "%s,%s,%s,", s->id, s->task_text, zone);
			else
				buf_addstr(&out, "  ");
			sched_format(zone, t, &out);
			buf_addch(&out, '\n');
		}
	}
	if (buf_error(&out))
		rc = cli_fail("schedule", NULL);
	else
		rc = cli_write(out.data, out.len);
	buf_release(&out);
	buf_release(&why);
	policy_free(p);
	return rc;
}

/* ---- run-due and daemon --------------------------------------------------- */

static const char run_due_usage[] =
	"usage: steward run-due [--now TIME] [--policies DIR] [--data DIR]\n"
	"                       [--db FILE] [--threads N]\n\n"
	"Run what the policies' schedules have due since the history last ran\n"
	"them (each schedule's latest slot, once, however many were missed),\n"
	"then exit: for cron or a systemd timer.  One line per task.  Exit 0,\n"
	"1 when a compliance gate failed, 2 when a task failed or another\n"
	"steward daemon runs this history's schedules.\n";

static const char daemon_usage[] =
	"usage: steward daemon [--policies DIR] [--data DIR] [--db FILE]\n"
	"                      [--threads N] [--until TIME]\n\n"
	"Run the policies' schedules in the foreground: sleep until the next\n"
	"is due, run it, log one line per task to stderr.  Missed slots are\n"
	"caught up once.  SIGTERM or SIGINT stops it between tasks; SIGHUP\n"
	"reloads the policies (keeping the old ones when the new ones are\n"
	"invalid).  With $STEWARD_NOW set, time starts there and jumps from one\n"
	"due time to the next instead of sleeping (for tests); --until stops\n"
	"once the clock passes TIME.\n";

struct sched_opts {
	struct cli_policy_opts po;
	const char *db;
	const char *now, *until;
	unsigned threads;
};

/* Parse the options run-due and daemon share; -1 with *status to exit. */
static int sched_parse(int argc, char **argv, const char *usage, bool daemon,
		       struct sched_opts *o, int *status)
{
	static const struct option longopts[] = {
		{ "policies", required_argument, NULL, 'p' },
		{ "data", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'D' },
		{ "threads", required_argument, NULL, 't' },
		{ "now", required_argument, NULL, 'n' },
		{ "until", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->po.dir = "policies";
	o->db = DEFAULT_DB;
	*status = EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->po.dir = optarg; break;
		case 'd': o->po.data = optarg; break;
		case 'D': o->db = optarg; break;
		case 'n':
			if (daemon)
				goto bad;
			o->now = optarg;
			break;
		case 'u':
			if (!daemon)
				goto bad;
			o->until = optarg;
			break;
		case 't':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 1 || v > 16) {
				cli_error("--threads takes a whole number from 1 to 16, "
					  "not '%s'", optarg);
				return -1;
			}
			o->threads = (unsigned)v;
			break;
		case 'h':
			fputs(usage, stdout);
			*status = EXIT_OK;
			return -1;
		default:
			goto bad;
		}
	}
	if (optind == argc)
		return 0;
bad:
	fputs(usage, stderr);
	return -1;
}

/* The lock that keeps two schedulers off one history: DB.sched.lock,
 * held by flock() for the scheduler's life (apart from the writer lock
 * each scan takes, which a process's own scans would release).  Its text
 * says who holds it: "daemon pid N" or "run-due pid N".  EXIT_OK;
 * EXIT_FINDINGS (quietly done) when run-due meets another run-due still
 * at work; EXIT_USAGE otherwise. */
static int sched_lock(const char *db, const char *who, int *fd)
{
	char path[1100], held[128] = "", note[96];
	struct diag d;
	ssize_t n;

	diag_clear(&d);
	/* a new installation: the history's folder may not exist yet */
	if (files_make_parent(db, &d)) {
		cli_print_diag(&d);
		return EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s.sched.lock", db);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*fd < 0) {
		cli_error("cannot open %s: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		n = pread(*fd, held, sizeof(held) - 1, 0);
		held[n > 0 ? n : 0] = '\0';
		held[strcspn(held, "\n")] = '\0';
		close(*fd);
		*fd = -1;
		/* cron started run-due again while the last one still scans */
		if (!strcmp(who, "run-due") && !strncmp(held, "run-due", 7)) {
			printf("another steward run-due (%s) is still running this "
			       "history's schedules; nothing to do\n", held + 8);
			return EXIT_FINDINGS;
		}
		cli_error("another steward scheduler (%s) runs the schedules of %s; "
			  "stop it first, or use another --db", held[0] ? held :
			  "holder unknown", db);
		return EXIT_USAGE;
	}
	snprintf(note, sizeof(note), "%s pid %ld\n", who, (long)getpid());
	if (ftruncate(*fd, 0) == 0 && pwrite(*fd, note, strlen(note), 0) < 0)
		return EXIT_OK;	/* the note is a courtesy */
	return EXIT_OK;
}

struct logger {
	FILE *f;
	bool gate, failed;
};

static void log_task(void *arg, const struct due_task *t)
{
	struct logger *l = arg;
	struct buf slot = BUF_INIT;

	sched_format(t->s->timezone, t->slot, &slot);
	fprintf(l->f, "%s schedule=%s task=%s slot=%s start=%s end=%s seconds=%.1f "
		"run=%lld result=%s\n", t->finished_at, t->s->id,
		due_task_name(t->task), slot.data, t->started_at, t->finished_at,
		t->seconds, (long long)t->run_id, t->result);
	fflush(l->f);
	l->gate |= !strcmp(t->result, "gate failed");
	l->failed |= !strncmp(t->result, "failed", 6) ||
		     !strncmp(t->result, "partial", 7);
	buf_release(&slot);
}

/* Run every schedule due at `now`, in the policies' order. */
static int run_due_at(const struct policy *p, const struct sched_opts *o,
		      int64_t now, struct logger *l, size_t *ran,
		      bool (*stop)(void *), void *stop_arg)
{
	struct due_options dopt = { o->db, NULL, STEWARD_VERSION, o->threads,
				    stop, stop_arg };
	char dir[1024];
	const char *slash = strrchr(o->db, '/');
	struct store *st = NULL;
	struct diag d;
	int rc;

	/* reports go beside the history: reports/steward.db writes
	 * reports/YYYY-MM/ */
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->db) : 1,
		 slash ? o->db : ".");
	dopt.reports_dir = slash == o->db ? "/" : dir;
	diag_clear(&d);
	rc = store_open(o->db, &st, &d);
	for (size_t i = 0; !rc && i < p->n_schedules; i++) {
		int64_t slot;

		if (stop && stop(stop_arg))
			break;
		if ((rc = due_slot(&p->schedules[i], st, now, &slot, &d)) || !slot)
			continue;
		store_close(st);
		st = NULL;
		rc = due_run(p, &p->schedules[i], slot, &dopt, log_task, l, &d);
		(*ran)++;
		if (!rc)
			rc = store_open(o->db, &st, &d);
	}
	store_close(st);
	if (rc)
		return cli_fail("schedule", &d);
	return EXIT_OK;
}

int cmd_run_due(int argc, char **argv)
{
	struct sched_opts o;
	struct logger l = { stdout, false, false };
	struct buf why = BUF_INIT;
	struct policy *p;
	size_t errors = 0, ran = 0;
	int64_t now;
	int rc, lock = -1;

	if (sched_parse(argc, argv, run_due_usage, false, &o, &rc))
		return rc;
	if (o.now ? sched_parse_time(o.now, &now, &why) : sched_now(&now, &why)) {
		cli_error("run-due: %s%s", o.now ? "--now: " : "", why.data);
		buf_release(&why);
		return EXIT_USAGE;
	}
	buf_release(&why);
	if (!(p = cli_load_policy(&o.po, &errors)))
		return EXIT_USAGE;
	rc = sched_lock(o.db, "run-due", &lock);
	if (rc == EXIT_FINDINGS) {
		rc = EXIT_OK;
	} else if (rc == EXIT_OK) {
		rc = run_due_at(p, &o, now, &l, &ran, NULL, NULL);
		if (!rc && !ran)
			printf("nothing is due\n");
		close(lock);
	}
	policy_free(p);
	if (!rc && l.failed)
		rc = EXIT_USAGE;
	else if (!rc && l.gate)
		rc = EXIT_FINDINGS;
	return rc;
}

/* The daemon's signals, taken at safe points (between tasks). */
struct signals {
	sigset_t set;		/* SIGTERM, SIGINT, SIGHUP: blocked */
	int stop;		/* the stopping signal taken, or 0 */
	bool reload;		/* a SIGHUP taken, not yet acted on */
};

/* Take whatever signals are pending, without waiting. */
static void signals_take(struct signals *g)
{
	struct timespec zero = { 0, 0 };
	siginfo_t info;
	int sig;

	while ((sig = sigtimedwait(&g->set, &info, &zero)) > 0) {
		if (sig == SIGHUP)
			g->reload = true;
		else if (!g->stop)
			g->stop = sig;
	}
}

static bool should_stop(void *arg)
{
	struct signals *g = arg;

	signals_take(g);
	return g->stop != 0;
}

static void reload(struct signals *g, struct sched_opts *o, struct policy **p)
{
	size_t errors = 0;
	struct policy *q;

	g->reload = false;
	if ((q = cli_load_policy(&o->po, &errors)) != NULL) {
		policy_free(*p);
		*p = q;
		fprintf(stderr, "steward daemon: SIGHUP: policies reloaded, %zu "
			"schedule%s\n", q->n_schedules, q->n_schedules == 1 ? "" : "s");
	} else {
		fprintf(stderr, "steward daemon: SIGHUP: the policies in %s are "
			"invalid (above); keeping the ones loaded before\n", o->po.dir);
	}
}

/* The longest the daemon sleeps at once: it looks at the clock again at
 * least this often, so a suspended machine or a clock that was set does
 * not make it late by more than this. */
#define DAEMON_NAP 60

int cmd_daemon(int argc, char **argv)
{
	struct sched_opts o;
	struct logger l = { stderr, false, false };
	struct signals g;
	struct buf why = BUF_INIT;
	struct policy *p;
	size_t errors = 0;
	int64_t clock_now = 0, until = 0;
	bool fake = getenv("STEWARD_NOW") && *getenv("STEWARD_NOW");
	int rc, lock = -1;

	if (sched_parse(argc, argv, daemon_usage, true, &o, &rc))
		return rc;
	if ((fake && sched_now(&clock_now, &why)) ||
	    (o.until && sched_parse_time(o.until, &until, &why))) {
		cli_error("daemon: %s", why.data);
		buf_release(&why);
		return EXIT_USAGE;
	}
	buf_release(&why);
	/* the signals wait for the loop, which takes them at safe points;
	 * blocked before any thread starts, so every thread has them blocked */
	memset(&g, 0, sizeof(g));
	sigemptyset(&g.set);
	sigaddset(&g.set, SIGTERM);
	sigaddset(&g.set, SIGINT);
	sigaddset(&g.set, SIGHUP);
	sigprocmask(SIG_BLOCK, &g.set, NULL);
	if (!(p = cli_load_policy(&o.po, &errors)))
		return EXIT_USAGE;
	if ((rc = sched_lock(o.db, "daemon", &lock)) != EXIT_OK) {
		policy_free(p);
		return EXIT_USAGE;
	}
	fprintf(stderr, "steward daemon: pid %ld, history %s, %zu schedule%s%s\n",
		(long)getpid(), o.db, p->n_schedules, p->n_schedules == 1 ? "" : "s",
		fake ? ", simulated time from STEWARD_NOW" : "");
	for (;;) {
		size_t ran = 0;
		int64_t now = fake ? clock_now : (int64_t)time(NULL), next, wake;

		if (o.until && now > until)
			break;
		rc = run_due_at(p, &o, now, &l, &ran, should_stop, &g);
		if (rc != EXIT_OK || g.stop)
			break;
		if (g.reload)
			reload(&g, &o, &p);
		next = due_next(p, now);
		if (fake) {
			if (next < 0 || (o.until && next > until))
				break;
			clock_now = next;
			continue;
		}
		/* sleep until the next due time, --until, or a nap, whichever
		 * comes first; a signal ends the sleep */
		wake = (int64_t)time(NULL) + DAEMON_NAP;
		if (next >= 0 && next < wake)
			wake = next;
		if (o.until && until + 1 < wake)
			wake = until + 1;
		{
			int64_t secs = wake - (int64_t)time(NULL);
			struct timespec nap = { secs > 0 ? (time_t)secs : 0, 0 };
			siginfo_t info;
			int sig = sigtimedwait(&g.set, &info, &nap);

			if (sig == SIGHUP)
				g.reload = true;
			else if (sig > 0)
				g.stop = sig;
			signals_take(&g);
		}
		if (g.stop)
			break;
		if (g.reload)
			reload(&g, &o, &p);
	}
	if (g.stop)
		fprintf(stderr, "steward daemon: %s: stopping; the history is "
			"consistent\n", g.stop == SIGTERM ? "SIGTERM" : "SIGINT");
	close(lock);
	policy_free(p);
	return rc;
}
