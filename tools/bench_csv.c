/*
 * bench_csv.c - micro benchmark of the CSV tokenizer (not built by default).
 *
 * Reads one CSV file with csv_reader and reports records, fields, bytes and
 * throughput, to compare against `wc -l` on the same file (the floor for
 * anything that reads every byte) and other CSV scanners.  Build and run:
 *
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -Isrc \
 *      tools/bench_csv.c src/source/csv.c src/util/alloc.c \
 *      -o build/bench_csv
 *   build/bench_csv [-s] [-d DELIM] [-n RUNS] FILE
 *
 * -s skips initial spaces, -d sets the delimiter (t for tab), -n repeats the
 * read and reports every run and the median.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include "source/csv.h"

struct tally {
	uint64_t records, fields, bytes, flagged;
	double seconds;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_once(const char *path, const struct csv_options *opt,
		      struct tally *t)
{
	struct csv_reader *r;
	struct csv_record *rec;
	double start = now();
	int fd = open(path, O_RDONLY), rc;

	memset(t, 0, sizeof(*t));
	if (fd < 0) {
		fprintf(stderr, "bench_csv: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (csv_reader_open_fd(&r, fd, opt) != ST_OK) {
		fprintf(stderr, "bench_csv: cannot open reader\n");
		close(fd);
		return 1;
	}
	while ((rc = csv_reader_next(r, &rec)) == 1) {
		t->records++;
		t->fields += rec->n;
		t->flagged += rec->flags != 0;
	}
	if (rc < 0)
		fprintf(stderr, "bench_csv: %s: %s\n", path,
			csv_reader_error(r));
	t->bytes = csv_reader_bytes(r);
	t->seconds = now() - start;
	csv_reader_free(r);
	close(fd);
	return rc < 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_csv [-s] [-d DELIM] [-n RUNS] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct csv_options opt = { 0 };
	struct tally t;
	double secs[64];
	long runs = 1;
	int c;

	while ((c = getopt(argc, argv, "sd:n:")) != -1) {
		switch (c) {
		case 's':
			opt.skip_initial_space = true;
			break;
		case 'd':
			opt.delim = optarg[0] == 't' ? '\t' : optarg[0];
			break;
		case 'n':
			runs = strtol(optarg, NULL, 10);
			if (runs < 1 || runs > 64)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	for (long i = 0; i < runs; i++) {
		if (bench_once(argv[optind], &opt, &t))
			return 1;
		secs[i] = t.seconds;
		printf("run %ld: %" PRIu64 " records, %" PRIu64 " fields, %"
		       PRIu64 " bytes, %" PRIu64 " flagged, %.3f s, "
		       "%.0f MB/s\n",
		       i + 1, t.records, t.fields, t.bytes, t.flagged,
		       t.seconds, (double)t.bytes / t.seconds / 1e6);
	}
	qsort(secs, (size_t)runs, sizeof(secs[0]), cmp_double);
	printf("median: %.3f s, %.0f MB/s\n", secs[runs / 2],
	       (double)t.bytes / secs[runs / 2] / 1e6);
	return 0;
}
