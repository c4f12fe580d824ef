/*
 * findings.h - from a source's profile to metrics and findings.
 *
 * Every measurement becomes a metric (a number per source and target, per
 * dimension) and every problem a finding: the dimension, a severity, the
 * rule that found it, a count, a plain-English message and a few sample
 * record keys.  Integration drift compares the profile with the previous
 * run's (struct prior_source, loaded from the history by the caller):
 * renamed and missing columns, type drift, volume, feed freshness and
 * distribution drift.  docs/scan.md lists every rule.
 */
#ifndef STEWARD_FINDINGS_H
#define STEWARD_FINDINGS_H

#include "profile/profile.h"

/* One target of the previous run, as the history kept it. */
struct prior_target {
	char kind[16];
	char name[256];
	int64_t rows, present, empty, distinct;
	double numeric_share;
	char top1[SKETCH_VALUE_MAX + 1];	/* most frequent value */
	/* the most frequent shapes and their counts, as recorded */
	char shapes[PROFILE_SHAPES_K][SKETCH_VALUE_MAX + 1];
	uint64_t shape_counts[PROFILE_SHAPES_K];
	size_t n_shapes;
	struct kmv kmv;
	bool has_kmv;
};

#define PRIOR_VOLUME_RUNS 12

struct prior_source {
	bool exists;			/* the source was read in a previous run */
	int64_t run;			/* that run */
	int64_t rows;
	struct prior_target *targets;
	size_t n_targets;
	int64_t volume[PRIOR_VOLUME_RUNS];	/* rows, oldest first */
	size_t n_volume;
};

enum severity { SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
const char *severity_name(enum severity s);

struct finding {
	const char *source;
	const char *target;		/* attribute, field or column; may be NULL */
	enum dimension dim;
	enum severity sev;
	const char *rule;
	uint64_t count;
	char message[512];
	const struct samples *samples;	/* may be NULL */
	const char *sample_text;	/* or free text samples (line numbers) */
};

struct findings_sink {
	int (*metric)(void *arg, const char *source, const char *target,
		      enum dimension dim, const char *metric, double value);
	int (*finding)(void *arg, const struct finding *f);
	void *arg;
};

/* Emit every metric and finding of one source; stops at the first
 * non-zero return of the sink, and returns it. */
int findings_derive(const struct policy *p, const struct source_profile *sp,
		    const struct prior_source *prior, int64_t as_of_days,
		    const struct findings_sink *sink);

/* Volume anomaly test used by findings_derive (exposed for tests):
 * robust z-score of x against history by median and MAD; NAN when fewer
 * than FINDINGS_MAD_MIN_RUNS values or MAD is 0. */
#define FINDINGS_MAD_MIN_RUNS 5
double findings_robust_z(const int64_t *history, size_t n, int64_t x);

#endif
