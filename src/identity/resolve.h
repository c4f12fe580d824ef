/*
 * resolve.h - which records, across every source, are one person.
 *
 * The resolver is fed the mapped records of each source, one at a time,
 * and keeps of each only a compact match record: its source, its key, and
 * for every attribute that identity uses (in a rule, a comparison or a
 * blocking key) the id of its value in a per-attribute table of distinct
 * values.  Values are normalised for matching first (identity_normalise():
 * Unicode folded and stripped of marks, names without titles and
 * suffixes), so the table of an attribute is also its term frequencies.
 *
 * resolver_run() then
 *   1. sets aside placeholder values (one value held by more records than
 *      the largest block, such as noemail@example.com): they are reported
 *      and take part in no rule, block or comparison;
 *   2. joins the records that a deterministic rule says are one person;
 *   3. forms candidate pairs from the blocking keys (the union of the
 *      blocks; each pair compared once; oversized blocks reported, never
 *      dropped silently);
 *   4. fits the Fellegi-Sunter model (identity/model.h): u from random
 *      pairs (every pair when there are at most LIMIT_IDENTITY_U_PAIRS),
 *      m from the pairs rules join or by EM over the candidates, unless
 *      the policy fixes them;
 *   5. scores every candidate pair, links those at or above the link
 *      threshold and keeps those from the review threshold for review;
 *   6. pairs the records that no rule joined and no candidate pair put at
 *      review with those sharing a key for the unmatched
 *      (`<block unmatched="true">`), in groups up to that key's cap, and
 *      scores those pairs the same way;
 *   7. clusters the links into entities, refusing merges that most of the
 *      model's own comparisons say join different people (the chain
 *      guard, in resolve.c).
 * Memory is a few words per record and per attribute value, plus the
 * candidate pairs (16 bytes each); never the raw rows.
 */
#ifndef STEWARD_RESOLVE_H
#define STEWARD_RESOLVE_H

#include "identity/model.h"
#include "source/reader.h"

/* A record's value for matching: folded, marks stripped, white space
 * collapsed; for person names also without titles, suffixes and
 * punctuation, and "LAST, First" turned round for full names; for emails
 * with dots in a row before the @ counted as one.  Empty when nothing is
 * left. */
void identity_normalise(enum attribute_type type, const char *s, size_t len,
			struct buf *out);

struct resolver;

struct resolver_opts {
	uint64_t seed;		/* for the random pairs that estimate u */
	size_t max_block;	/* 0: the policy's, else LIMIT_IDENTITY_BLOCK */
};

int resolver_new(const struct policy *p, struct resolver **out) MUST_CHECK;
void resolver_free(struct resolver *r);

/* Read a nickname table: CSV with the header name,nickname and one pair
 * per line (robert,bob).  A nickname may stand for several names (sam:
 * samantha, samuel); two names agree when their first words stand for one
 * name.  A missing file is no table (0); a malformed one is ST_ERR with d
 * at its line. */
#define RESOLVER_NICKNAMES "reference/nicknames.csv"
int resolver_load_nicknames(struct resolver *r, const char *path,
			    struct diag *d) MUST_CHECK;

/* Add one record of source s (an index into p->sources) with its mapped
 * values.  A value whose transform failed counts as missing. */
int resolver_add(struct resolver *r, size_t s, const struct record *rec)
	MUST_CHECK;

int resolver_run(struct resolver *r, const struct resolver_opts *o) MUST_CHECK;

/* --- explaining one pair, with a model from the history ----------------- */

/* Instead of resolver_run(): set aside placeholders (at max_block, or the
 * policy's or default largest block when 0) so that pairs can be scored
 * with a model set by resolver_set_level() and resolver_set_prior(). */
int resolver_prepare(struct resolver *r, size_t max_block) MUST_CHECK;
/* m and u of a comparison's level (by attribute id); false when the
 * policy has no such comparison or level. */
bool resolver_set_level(struct resolver *r, const char *attribute, size_t level,
			double m, double u);
void resolver_set_prior(struct resolver *r, double prior);
/* The first record of source s with this key, or SIZE_MAX. */
size_t resolver_find(const struct resolver *r, size_t s, const char *key);
/* The first rule that joins records a and b, or -1. */
int resolver_rule_between(const struct resolver *r, size_t a, size_t b);
/* Record i's normalised value for comparison c, or NULL when it has none
 * (or only a placeholder). */
const char *resolver_value(const struct resolver *r, size_t i, size_t c);
/* The share of records with a value that hold record i's value of
 * comparison c (its term frequency), 0 when it has none. */
double resolver_frequency(const struct resolver *r, size_t i, size_t c);

/* --- results ------------------------------------------------------------- */

size_t resolver_records(const struct resolver *r);
/* Record i: its source index and key. */
size_t resolver_source(const struct resolver *r, size_t i);
const char *resolver_key(const struct resolver *r, size_t i);
/* The entity of record i: 0 .. resolver_entities() - 1, numbered in the
 * order of each entity's first record. */
size_t resolver_entity(const struct resolver *r, size_t i);
size_t resolver_entities(const struct resolver *r);

/* Why two records are (or are not) linked. */
struct link {
	uint32_t a, b;		/* record indexes, a < b */
	double probability;	/* of the model; 1 for a rule */
	int rule;		/* the rule that joined them, or -1 */
	/* bit-fields and a byte, so that a link stays 24 bytes: a large
	 * world holds millions */
	bool linked : 1;	/* at or above the link threshold (or a rule) */
	bool joined : 1;	/* it joined two entities into one (the links
				 * that make up each entity: one fewer than
				 * its records) */
	bool settled : 1;	/* for review, but other links made the two
				 * records one person */
	bool ambiguous : 1;	/* see conflict */
	bool thin : 1;		/* at or above the link threshold, but fewer
				 * comparisons speak for it than the policy's
				 * min-evidence: for review */
	/* not linked: the two entities it would join hold values of this
	 * exclusive comparison that are different (the last level), or
	 * (ambiguous) one side has no value of it and links as strongly to
	 * another entity with a value different from the other side's; -1
	 * (comparisons are at most LIMIT_IDENTITY_COMPARISONS) */
	int8_t conflict;
};
size_t resolver_links(const struct resolver *r, const struct link **out);

struct resolver_stats {
	uint64_t records, candidates, compared, rule_pairs;
	uint64_t links, reviews, entities, refused_merges;
	uint64_t conflicts;	/* rule pairs, links and pairs for review an
				 * exclusive value refused */
	uint64_t ambiguous;	/* links not taken: a guess between people */
	uint64_t oversized_blocks, oversized_records;
	/* records no rule joined and no candidate pair put at review, and
	 * the pairs the keys for the unmatched made for them */
	uint64_t unmatched, unmatched_pairs;
	uint64_t placeholders;	/* distinct values set aside */
	uint64_t no_evidence;	/* records with no identity value at all */
};
const struct resolver_stats *resolver_stats(const struct resolver *r);

/* Placeholder k (0 .. stats->placeholders - 1): the attribute, the value
 * and how many records hold it; true when it is a role address (set
 * aside by its <mailbox> rule, however few records hold it). */
bool resolver_placeholder(const struct resolver *r, size_t k,
			  const char **attribute, const char **value,
			  uint64_t *count);
/* Blocking key b's oversized groups and the records in them. */
void resolver_oversized(const struct resolver *r, size_t b, uint64_t *groups,
			uint64_t *records);
/* The largest block compared. */
size_t resolver_max_block(const struct resolver *r);
/* The largest group of blocking key b compared: its own max-block, or the
 * above. */
size_t resolver_block_max(const struct resolver *r, size_t b);
const struct model *resolver_model(const struct resolver *r);

/* Score one pair of records with the fitted model: levels per comparison
 * (-1 missing) into levels (resolver_model()->n entries), weights in
 * bits into w (the same), and the probability.  For `steward why`. */
double resolver_score(const struct resolver *r, size_t a, size_t b,
		      int *levels, double *w);

#endif
