/*
 * batch.c - batches of raw records and the queue that hands them to
 * profiling workers.  See batch.h.
 */
#include "profile/batch.h"

#include "util/copy.h"

_Static_assert(BATCH_PAD >= COPY_SHORT, "a value's short copy stays in the batch");

/* ---- a batch ----------------------------------------------------------------- */

int batch_init(struct batch *b, size_t slots)
{
	size_t values = BATCH_ROWS * (slots ? slots : 1);

	memset(b, 0, sizeof(*b));
	b->slots = slots;
	/* the readers bound a record; the batch adds no limit of its own */
	buf_init(&b->bytes, SIZE_MAX / 4);
	b->number = xcalloc(BATCH_ROWS, sizeof(*b->number));
	b->line = xcalloc(BATCH_ROWS, sizeof(*b->line));
	b->off = xcalloc(values, sizeof(*b->off));
	b->len = xcalloc(values, sizeof(*b->len));
	if (!b->number || !b->line || !b->off || !b->len) {
		batch_release(b);
		return ST_ERR_NOMEM;
	}
	return 0;
}

void batch_release(struct batch *b)
{
	xfree(b->number);
	xfree(b->line);
	xfree(b->off);
	xfree(b->len);
	buf_release(&b->bytes);
	memset(b, 0, sizeof(*b));
}

void batch_clear(struct batch *b)
{
	b->n = 0;
	if (b->bytes.cap > BATCH_KEEP_BYTES)
		buf_release(&b->bytes);
	buf_reset(&b->bytes);
}

bool batch_full(const struct batch *b)
{
	return b->n == BATCH_ROWS || b->bytes.len >= BATCH_BYTES;
}

int batch_add(struct batch *b, uint64_t number, uint64_t line,
	      const char *const *vals, const size_t *lens)
{
	size_t base = b->n * b->slots, need = 0;
	char *to;

	if (b->n == BATCH_ROWS)
		return ST_ERR;
	for (size_t i = 0; i < b->slots; i++)
		if (vals[i])
			need += lens[i] + 1;
	/* and BATCH_PAD bytes past the last value, which profiling may read
	 * (facts_compute()) */
	if (buf_reserve(&b->bytes, need + BATCH_PAD))
		return ST_ERR_NOMEM;
	/* room made once, the values copied straight in: the reading
	 * thread does this for every value of every record */
	to = b->bytes.data + b->bytes.len;
	for (size_t i = 0; i < b->slots; i++) {
		if (!vals[i]) {
			b->off[base + i] = SIZE_MAX;
			b->len[base + i] = 0;
			continue;
		}
		b->off[base + i] = (size_t)(to - b->bytes.data);
		b->len[base + i] = lens[i];
		/* room: this value, the next ones and BATCH_PAD past them */
		copy_short(to, vals[i], lens[i]);
		to[lens[i]] = '\0';
		to += lens[i] + 1;
	}
	b->bytes.len += need;
	b->bytes.data[b->bytes.len] = '\0';	/* as buf_add() leaves it */
	b->number[b->n] = number;
	b->line[b->n] = line;
	b->n++;
	return 0;
}

const char *batch_value(const struct batch *b, size_t row, size_t slot,
			size_t *len)
{
	size_t i = row * b->slots + slot;

	*len = b->len[i];
	return b->off[i] == SIZE_MAX ? NULL : b->bytes.data + b->off[i];
}

/* ---- the queue ----------------------------------------------------------------- */

int batch_queue_init(struct batch_queue *q, size_t workers, size_t slots)
{
	/* two batches per worker (one worked on, one waiting) and one being
	 * filled keep every thread busy without holding more in memory */
	size_t n = 2 * workers + 1;

	memset(q, 0, sizeof(*q));
	if (pthread_mutex_init(&q->mu, NULL))
		return ST_ERR_NOMEM;
	if (pthread_cond_init(&q->cv, NULL)) {
		pthread_mutex_destroy(&q->mu);
		return ST_ERR_NOMEM;
	}
	q->workers = workers;
	q->pool = xcalloc(n, sizeof(*q->pool));
	q->free = xcalloc(n, sizeof(*q->free));
	q->ring = xcalloc(n * workers, sizeof(*q->ring));
	q->head = xcalloc(workers, sizeof(*q->head));
	q->count = xcalloc(workers, sizeof(*q->count));
	if (!q->pool || !q->free || !q->ring || !q->head || !q->count) {
		batch_queue_release(q);
		return ST_ERR_NOMEM;
	}
	for (; q->n_pool < n; q->n_pool++) {
		if (batch_init(&q->pool[q->n_pool], slots)) {
			batch_queue_release(q);
			return ST_ERR_NOMEM;
		}
		q->free[q->n_free++] = &q->pool[q->n_pool];
	}
	return 0;
}

void batch_queue_release(struct batch_queue *q)
{
	for (size_t i = 0; q->pool && i < q->n_pool; i++)
		batch_release(&q->pool[i]);
	xfree(q->pool);
	xfree(q->free);
	xfree(q->ring);
	xfree(q->head);
	xfree(q->count);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	memset(q, 0, sizeof(*q));
}

struct batch *batch_queue_free(struct batch_queue *q)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&q->mu);
	while (!q->aborted && !q->n_free)
		pthread_cond_wait(&q->cv, &q->mu);
	if (!q->aborted)
		b = q->free[--q->n_free];
	pthread_mutex_unlock(&q->mu);
	if (b)
		batch_clear(b);
	return b;
}

void batch_queue_submit(struct batch_queue *q, struct batch *b)
{
	size_t w;

	pthread_mutex_lock(&q->mu);
	b->seq = q->next_seq++;
	w = (size_t)(b->seq % q->workers);
	/* the ring holds the whole pool, so it never overflows */
	q->ring[w * q->n_pool + (q->head[w] + q->count[w]) % q->n_pool] = b;
	q->count[w]++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

struct batch *batch_queue_take(struct batch_queue *q, size_t w)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&q->mu);
	while (!q->aborted && !q->count[w] && !q->closed)
		pthread_cond_wait(&q->cv, &q->mu);
	if (!q->aborted && q->count[w]) {
		b = q->ring[w * q->n_pool + q->head[w]];
		q->head[w] = (q->head[w] + 1) % q->n_pool;
		q->count[w]--;
	}
	pthread_mutex_unlock(&q->mu);
	return b;
}

void batch_queue_done(struct batch_queue *q, struct batch *b)
{
	pthread_mutex_lock(&q->mu);
	q->free[q->n_free++] = b;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void batch_queue_close(struct batch_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void batch_queue_abort(struct batch_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->aborted = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}
