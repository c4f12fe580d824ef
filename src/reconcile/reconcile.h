/*
 * reconcile.h - golden values, conflicts and proposals: what each person's
 * profile should say, where the copies disagree, and what to change.
 *
 * The reconciler is fed the mapped records of every source in the order
 * the identity resolver was (record i here is record i there), keeps of
 * each only its source, its updated-at day and, per mapped attribute, the
 * id of its value in a per-attribute table of distinct values (the value
 * after the policy's transforms: one phone written two ways is one phone)
 * plus any trust evidence, and then, told each record's entity:
 *
 *   1. gives every copy its trust: the policy's trust rule for its source
 *      and attribute, decayed along the rule's curve from the record's
 *      updated-at (or from the evidence's date, starting at its raise-to)
 *      to the as-of day; a copy without a rule has RECONCILE_NO_TRUST;
 *   2. chooses each entity's golden value of each attribute by the
 *      attribute's survivorship strategies in their declared order (by
 *      default: system of record, highest trust, most recent, most
 *      frequent), each keeping the copies it ranks first and passing them
 *      to the next; what is left is ordered by recency, then by source and
 *      record (deterministic); the strategy that first set the winner's
 *      value apart from the best other value "decided" it;
 *   3. finds every copy that disagrees with the golden value (a conflict)
 *      and every copy of a system-of-record attribute that disagrees and
 *      is older than the system of record's value (a stale copy);
 *   4. proposes a change for every record whose value should change:
 *      `merge` (two records of a source that keeps profiles, as for
 *      fills, are one person: the most
 *      recently updated, then the most complete, then the first survives;
 *      confidence the smaller match probability of the two),
 *      `update` (it disagrees), `fill` (it has none, its source maps the
 *      attribute and is the CRM or a system of record: the sources that
 *      keep profiles, not feeds of events), or `flag` (two values nothing but the tie-break set
 *      apart: a person must decide), with a confidence
 *
 *          confidence = p * P,   P = tw (1 - tr) / (tw (1 - tr) + tr (1 - tw))
 *
 *      where tw is the winning copy's trust and tr the trust of the best
 *      copy holding another value (P = tw when there is none; trusts
 *      clamped to [0.01, 0.99]): the probability that the winner is right
 *      and the runner-up wrong, given that they disagree, were each right
 *      with its trust and independently so; and p the smaller of the two
 *      records' match probabilities (the strongest link that joined each
 *      to its entity; 1 for a record alone or joined by a rule), so that
 *      a proposal is never surer than the identity it rests on.
 *      Confidence at or above the policy's auto-approve threshold is
 *      auto-approved, at or above review pending review, and below it is
 *      counted, not proposed.
 *
 * Memory is a few words per record and per mapped value, the distinct
 * values once each, and the proposals.
 */
#ifndef STEWARD_RECONCILE_H
#define STEWARD_RECONCILE_H

#include "policy/policy.h"
#include "source/reader.h"

/* The trust of a copy whose source has no trust rule for the attribute:
 * it says nothing either way. */
#define RECONCILE_NO_TRUST 0.5

enum proposal_kind { PROPOSE_UPDATE, PROPOSE_FILL, PROPOSE_FLAG, PROPOSE_MERGE };
enum proposal_status { PROPOSAL_AUTO_APPROVED, PROPOSAL_PENDING };

/* How a golden value was chosen: a strategy, or the tie-break. */
#define DECIDED_TIE_BREAK (-1)

struct proposal {
	enum proposal_kind kind;
	enum proposal_status status;
	uint32_t record;	/* the record to change */
	uint32_t origin;	/* the winning copy's record */
	uint32_t entity;
	size_t attribute;	/* index into policy->attributes; SIZE_MAX
				 * for a merge */
	const char *current;	/* NULL for fill */
	const char *proposed;
	int64_t origin_days;	/* the winning copy's date, or INT64_MIN */
	double confidence;
	double trust, runner_trust;	/* runner_trust < 0: no runner-up */
	const char *runner;	/* the runner-up's value, or NULL */
	uint32_t runner_record;
	int decided_by;		/* enum survivor_strategy or DECIDED_TIE_BREAK */
	bool over_sor;		/* the system of record holds another value */
	bool current_invalid;	/* current is not a usable value */
	unsigned values;	/* distinct usable values of the person's copies */
	/* merge: how many mapped values each record holds, of how many */
	unsigned filled, origin_filled, mapped;
	/* a possible match's: the pair kept for review it rests on, its
	 * record in the target's entity and the other; UINT32_MAX for a
	 * proposal within one entity */
	uint32_t pair_self, pair_other;
	double pair_probability;
};

/* Two records identity resolution kept for review: perhaps one person. */
struct possible_pair {
	uint32_t a, b;		/* records */
	double probability;
};

/* A copy that disagrees with its golden value. */
struct conflict {
	uint32_t record, entity;
	size_t attribute;
	const char *value, *golden;
	bool stale;		/* older than the system of record's value */
};

/* A golden value that copies disagreed on (the agreed ones are counted). */
struct golden {
	uint32_t entity;
	size_t attribute;
	uint32_t winner;	/* record */
	const char *value;
	int64_t days;		/* the winner's date, or INT64_MIN */
	double trust;
	int decided_by;
	uint32_t runner;	/* record of the best other value */
	const char *runner_value;
	double runner_trust;
	uint32_t copies, values;	/* copies and distinct values */
};

/* Per (source, attribute): copies, conflicts and stale copies, with the
 * first few records of each. */
#define RECONCILE_SAMPLES 5
struct copy_counts {
	size_t source, attribute;
	uint64_t copies, conflicts, stale;
	/* copies the compliance rules about copies judged, and found in
	 * breach (consent, copy lag, personal data) */
	uint64_t comply_checked, comply_violations;
	uint32_t conflict_rec[RECONCILE_SAMPLES], stale_rec[RECONCILE_SAMPLES];
};

/* A compliance rule's result: what it checked, what broke it, and the
 * first few records that did (docs/reconciliation.md, "Compliance"). */
struct compliance_result {
	const struct compliance_rule *rule;
	uint64_t checked, violations;
	uint32_t sample[RECONCILE_SAMPLES];	/* records */
	const char *sample_name[RECONCILE_SAMPLES]; /* or names (sources,
						     * attributes) */
	size_t n_samples;
};

struct reconcile_stats {
	uint64_t records, copies;
	uint64_t golden, contested;	/* golden values; of them disagreed on */
	uint64_t conflicts, stale;
	uint64_t auto_approved, pending, below;	/* proposals by confidence */
	uint64_t updates, fills, flags, merges;	/* proposed, by kind */
	uint64_t possible;	/* proposed (of the above) for a possible match */
};

struct reconciler;

int reconciler_new(const struct policy *p, int64_t as_of_days,
		   struct reconciler **out) MUST_CHECK;
void reconciler_free(struct reconciler *rc);

/* Add the next record, of source s (an index into p->sources), with its
 * mapped values.  A value whose transform failed is kept (it is what the
 * source holds) but never wins.  ST_ERR_NOMEM. */
int reconciler_add(struct reconciler *rc, size_t s, const struct record *rec)
	MUST_CHECK;

/* Whether reconciler_add reads field f (an index into the source's fields)
 * of source s's records, besides their mapped values: their updated-at
 * and the fields of trust evidence.  A caller that hands records over in
 * a copy need copy no others. */
bool reconciler_reads_field(const struct reconciler *rc, size_t s, size_t f);

/* Reconcile, given every record's entity (0 .. n_entities - 1) and match
 * probability (see above), and the pairs kept for review between two
 * entities (possible matches): for each two entities such pairs join, at
 * their strongest pair, the two are reconciled as if one person, and a
 * record is proposed a value that comes from the other entity, for an
 * attribute its own entity proposes nothing for: an update or a fill,
 * never a flag, conflict or golden value.  Its p is at most the pair's
 * probability, and it is pending review whatever its confidence: it
 * rests on an identity nobody has confirmed.  Of two such proposals for
 * one record and attribute, the more confident is kept.  ST_ERR_NOMEM. */
int reconciler_run(struct reconciler *rc, const uint32_t *entity,
		   const double *p_member, size_t n_entities,
		   const struct possible_pair *pairs, size_t n_pairs) MUST_CHECK;

size_t reconciler_records(const struct reconciler *rc);
size_t reconciler_source(const struct reconciler *rc, size_t record);
const struct reconcile_stats *reconciler_stats(const struct reconciler *rc);
/* Proposals in entity, attribute, record order. */
size_t reconciler_proposals(const struct reconciler *rc,
			    const struct proposal **out);
size_t reconciler_golden(const struct reconciler *rc, const struct golden **out);
/* Every compliance rule of the policy, in its order. */
size_t reconciler_compliance(const struct reconciler *rc,
			     const struct compliance_result **out);
/* Conflicts in entity, attribute, record order. */
size_t reconciler_conflicts(const struct reconciler *rc,
			    const struct conflict **out);
size_t reconciler_counts(const struct reconciler *rc,
			 const struct copy_counts **out);

const char *proposal_kind_name(enum proposal_kind k);
const char *proposal_status_name(enum proposal_status s);
/* "system-of-record", ..., or "tie-break". */
const char *decided_by_name(int decided_by);

/* The confidence formula above, for tests and `steward why`. */
double reconcile_confidence(double p, double trust, double runner_trust);

#endif
