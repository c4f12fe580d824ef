/*
 * batch.h - records handed from the reading thread to profiling workers.
 *
 * Profiling a source on several cores splits the work where it is cheap to
 * split: one thread reads (tokenises CSV, steps SQLite, parses XML) and
 * copies each record's raw values into a batch; worker threads map,
 * normalise and profile whole batches.  Batch number i goes to worker
 * i mod W, so which records a worker sees depends only on the number of
 * workers, never on timing, and a profile is the same from run to run.
 *
 * A batch holds up to BATCH_ROWS records or about BATCH_BYTES of values
 * (one record may take it past that), so the memory in flight is bounded
 * by the pool's size, never by the file.  A batch whose buffer grew past
 * BATCH_KEEP_BYTES for a huge record gives that memory back when it is
 * cleared.
 */
#ifndef STEWARD_BATCH_H
#define STEWARD_BATCH_H

#include <pthread.h>

#include "util/buf.h"

#define BATCH_ROWS 1024
#define BATCH_BYTES (1u << 20)
#define BATCH_KEEP_BYTES (4u << 20)
/* Readable bytes from the start of every value in a batch, at least
 * (SKETCH_PAD): the buffer keeps that much room past its last value. */
#define BATCH_PAD 32

/* n records of `slots` values each; a value is a NUL-terminated copy (so
 * callers may use it as a C string) or absent. */
struct batch {
	uint64_t seq;		/* set by batch_queue_submit() */
	size_t n, slots;
	uint64_t *number, *line;	/* per record */
	size_t *off, *len;	/* per value; off == SIZE_MAX: absent */
	struct buf bytes;
};

int batch_init(struct batch *b, size_t slots) MUST_CHECK;
void batch_release(struct batch *b);
void batch_clear(struct batch *b);
bool batch_full(const struct batch *b);
/* Append a record of b->slots values (vals[i] NULL: absent).  ST_ERR_NOMEM
 * leaves b as it was. */
int batch_add(struct batch *b, uint64_t number, uint64_t line,
	      const char *const *vals, const size_t *lens) MUST_CHECK;
/* Value `slot` of record `row`: NULL when absent. */
const char *batch_value(const struct batch *b, size_t row, size_t slot,
			size_t *len);

/*
 * One producer, W consumers, a fixed pool of batches.  The producer takes
 * a free batch, fills it and submits it; consumer w takes the batches
 * numbered w, w + W, ... in order and gives each back when done.  close()
 * ends the stream after the batches already submitted; abort() ends it at
 * once (free and take return NULL).
 */
struct batch_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *pool;
	size_t n_pool, workers;
	struct batch **free;
	size_t n_free;
	struct batch **ring;	/* per worker: n_pool slots */
	size_t *head, *count;	/* per worker */
	uint64_t next_seq;
	bool closed, aborted;
};

int batch_queue_init(struct batch_queue *q, size_t workers, size_t slots)
	MUST_CHECK;
void batch_queue_release(struct batch_queue *q);
struct batch *batch_queue_free(struct batch_queue *q);
void batch_queue_submit(struct batch_queue *q, struct batch *b);
struct batch *batch_queue_take(struct batch_queue *q, size_t worker);
void batch_queue_done(struct batch_queue *q, struct batch *b);
void batch_queue_close(struct batch_queue *q);
void batch_queue_abort(struct batch_queue *q);

#endif
