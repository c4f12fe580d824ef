/*
 * profile.h - measuring one source in one pass.
 *
 * profile_source() streams every record of a source through its reader and
 * keeps, per attribute (normalised values), per declared field (raw
 * values) and per column the policy does not declare, bounded summaries:
 * present/empty counts, distinct values (exact, then HyperLogLog), typed
 * minimum and maximum, lengths, the most frequent values and value shapes,
 * an overlap sketch, validity with a count and sample keys per reason, and
 * the age of every value with its decay and trust.  Memory is bounded by
 * the number of fields, never by the number of rows.
 *
 * findings.c turns a profile (and the previous run's, from the history)
 * into metrics and findings.
 */
#ifndef STEWARD_PROFILE_H
#define STEWARD_PROFILE_H

#include "profile/sketch.h"
#include "profile/validate.h"
#include "source/reader.h"

enum target_kind { TARGET_ATTRIBUTE, TARGET_FIELD, TARGET_COLUMN };
const char *target_kind_name(enum target_kind k);

#define PROFILE_TOP_K 20	/* most frequent values kept per target */
#define PROFILE_SHAPES_K 10	/* most frequent shapes kept per target */
#define PROFILE_SAMPLES 5	/* sample record keys kept per problem */
#define PROFILE_KEY_MAX 64	/* bytes of a sample key kept */
#define PROFILE_EXTRA_COLUMNS 64 /* undeclared columns profiled at most */

/* How many records had a problem, and the keys of the first few (by
 * record number, so that merging the partial profiles of several workers
 * keeps the same keys as one pass would). */
struct samples {
	uint64_t count;
	char keys[PROFILE_SAMPLES][PROFILE_KEY_MAX];
	uint64_t numbers[PROFILE_SAMPLES];
	size_t n;
};

/* Values a transform could not normalise, by the transform's reason. */
#define PROFILE_TX_REASONS 8
struct tx_reason {
	const char *why;	/* static string from the transform */
	uint64_t first;		/* record number where it was first seen */
	struct samples s;
};

struct value_stats {
	const char *name;
	enum target_kind kind;
	bool numeric_order;	/* min/max compare as numbers */
	uint64_t present, empty;
	struct distinct distinct;
	struct topk top, shapes;
	struct kmv kmv;
	struct len_hist lengths;
	char min[SKETCH_VALUE_MAX + 1], max[SKETCH_VALUE_MAX + 1];
	size_t min_len, max_len;
	uint64_t min_key, max_key;	/* sketch_prefix_key() of min and max */
	double min_num, max_num;
	bool has_minmax;
	uint64_t numeric;	/* values that read as numbers */
	/* validity (attributes) */
	uint64_t invalid, unjudged;
	struct samples reasons[VR_COUNT];
	struct tx_reason tx[PROFILE_TX_REASONS];
	size_t n_tx;
	/* timeliness (attributes of sources with an updated-at field) */
	struct day_hist ages;
	/* while profiling: the record ages (sp->record_ages) this attribute
	 * does not have (no value, or a newer evidence date) */
	struct day_hist ages_not;
	bool has_decay;
	int64_t decay_days;
	struct samples stale_keys;
	bool has_trust;
	/* the sum of the values' trust in units of 2^-32, an integer so that
	 * it adds up the same in any order (profile_freshness()) */
	uint64_t trust_fx;
	uint64_t trust_n;
};

#define PROFILE_TRUST_ONE ((double)(1ull << 32))

/* The mean trust of a target's values (trust_n > 0). */
static inline double profile_freshness(const struct value_stats *v)
{
	return (double)v->trust_fx / PROFILE_TRUST_ONE / (double)v->trust_n;
}

struct source_profile {
	const struct source *src;
	bool failed;
	struct diag error;		/* why it failed */
	uint64_t rows;
	struct reader_stats rstats;
	size_t ranges;			/* CSV read in this many ranges at once,
					 * a reader each; 0: by one reader */
	/* with profile_opts.hash, for a CSV file read in ranges or an XML
	 * file read to its end: the SHA-256 of all its bytes, taken as they
	 * were read */
	bool hashed;
	char sha256[65];
	double hash_cpu;		/* seconds of CPU spent hashing */
	char **columns;			/* the columns the data has */
	size_t n_columns;
	struct value_stats *attrs;	/* per mapping */
	struct value_stats *fields;	/* per declared field */
	/* per declared field, while profiling: the values it and the first
	 * attribute mapped from it alone have in common (the same bytes),
	 * counted once and added to both when the source ends */
	struct value_stats *shared;
	struct value_stats *extras;	/* undeclared columns */
	size_t n_extras;
	size_t *extra_col;		/* their column index */
	/* while profiling: the ages of records with an updated-at of 0 to
	 * SKETCH_MAX_DAYS - 1 days, counted once per record rather than once
	 * per attribute, and given to every attribute (less its ages_not)
	 * when the source ends */
	struct day_hist record_ages;
	/* key uniqueness */
	struct distinct keys;
	struct samples missing_keys;
	/* feed freshness, from the updated-at field */
	bool has_updated;
	int64_t newest_days, oldest_days;	/* days since 1970 */
	uint64_t updated_unparsed;
	struct samples bad_updated;
};


struct profile_opts {
	int64_t as_of_days;	/* days since 1970-01-01 */
	/* worker threads: 0 = one per online processor (at most
	 * LIMIT_THREADS), 1 = profile on the calling thread */
	unsigned threads;
	/* progress, called every few thousand records; may be NULL */
	void (*progress)(void *arg, const struct source *s, uint64_t rows,
			 uint64_t bytes_done, uint64_t bytes_total);
	void *progress_arg;
	/* fingerprint a CSV file that is read in ranges while it is cut, and
	 * an XML file as it is read, rather than have the caller read it
	 * again (source_profile.hashed) */
	bool hash;
};

/* The number of threads profile_source() uses with o. */
unsigned profile_threads(const struct profile_opts *o);

/*
 * Profile one source.  With more than one thread, a CSV file of more than
 * one range (about 4 MiB) is cut into ranges of whole records, which the
 * workers read, map, normalise and profile themselves; any other source is
 * read by the calling thread, which copies raw records into batches
 * (profile/batch.h) for the workers.  Either way the workers' partial
 * profiles are merged at the end (and the top values and shapes of ranges
 * in range order, so a CSV read in ranges gives the same profile from any
 * number of workers).  Every count, distinct count, overlap sketch, histogram,
 * minimum, maximum and sample key is then exactly what one pass gives;
 * the top values and shapes are the merge of the workers' Space-Saving
 * summaries, exact while a target has at most PROFILE_TOP_K (or
 * PROFILE_SHAPES_K) distinct values and within the same error bounds
 * otherwise; sums of trust agree to rounding.  Returns 0 (sp filled; sp->failed and sp->error set
 * when the source could not be read to the end, with what was read kept),
 * or ST_ERR_NOMEM.
 */
int profile_source(const struct policy *p, const struct source *s,
		   const struct profile_opts *o, struct source_profile *sp);
void profile_release(struct source_profile *sp);

#endif
