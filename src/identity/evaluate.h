/*
 * evaluate.h - measuring resolved identities against a labelled truth.
 *
 * `steward eval` compares the entities of a run with a truth file whose
 * columns are source,record_key,entity (a header row first, in any order of
 * those three columns), as record-linkage work measures it: over the
 * records that are both in the truth and in the run, a pair of records is
 * a true link when the truth puts them in one entity, and a found link
 * when the run does.  Pairwise precision is true found links over found
 * links, recall true found links over true links, F1 their harmonic mean.
 * The counts come from the contingency table of (truth entity, run entity)
 * cells, never from enumerating pairs, so millions of records cost a sort.
 */
#ifndef STEWARD_EVALUATE_H
#define STEWARD_EVALUATE_H

#include "util/diag.h"

struct eval_result {
	uint64_t truth_records;		/* rows of the truth file */
	uint64_t run_records;		/* records in the run */
	uint64_t matched;		/* in both */
	uint64_t truth_entities;	/* among the matched records */
	uint64_t run_entities;		/* among the matched records */
	uint64_t exact_entities;	/* run entities that are exactly a truth entity */
	uint64_t true_pairs, found_pairs, true_found;
	double precision, recall, f1;	/* 1 when there is nothing to find */
};

struct evaluator;

int evaluator_new(struct evaluator **out) MUST_CHECK;
void evaluator_free(struct evaluator *e);

/* Read the truth file.  ST_ERR with d (file, line, column and what is
 * wrong: a missing column, a record given twice, an unreadable file), or
 * ST_ERR_NOMEM. */
int evaluator_read_truth(struct evaluator *e, const char *path, struct diag *d)
	MUST_CHECK;
int evaluator_add_truth(struct evaluator *e, const char *source,
			const char *key, const char *entity) MUST_CHECK;
/* A record of the run and its entity. */
int evaluator_add_run(struct evaluator *e, const char *source, const char *key,
		      const char *entity) MUST_CHECK;
int evaluator_finish(struct evaluator *e, struct eval_result *out) MUST_CHECK;

#endif
