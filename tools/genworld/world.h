/*
 * world.h - the people of the world and where their records sit in each
 * source.  See world.c.
 */
#ifndef GW_WORLD_H
#define GW_WORLD_H

#include "contact.h"

/* Month 1 is as of 2026-10-31, month 2 as of 2026-11-30. */
#define MONTHS 2
#define MAX_TICKETS 4	/* copies fit the 2 bits of a REF */
#define MAX_PEOPLE 5000000u

enum status { ST_NONE, ST_CURRENT, ST_OVERDUE, ST_SUSPENDED, ST_CLOSED };

/* Lower-case status word ("" for ST_NONE) and billing's capitalised one. */
const char *status_word(unsigned st);
const char *status_billing(unsigned st);

/*
 * One person, regenerated on demand from the seed and the index: the
 * truth about them, plus the plan of which records they have and which
 * defects are planted in them.  Arrays indexed by month use [1] and [2].
 */
struct person {
	uint32_t idx;
	unsigned joined;		/* month the person first appears */
	unsigned country, region;
	struct pname name;
	char dob[11];
	char email[EMAIL_CAP];
	struct phone phone;		/* the number the CRM and billing hold */
	struct phone phone_new;		/* the new number, when phone_changed */
	char postcode[POSTCODE_CAP];
	char device[DEVICE_CAP];	/* "" when the person has no device */
	unsigned consent[MONTHS + 1];	/* 1 = opted in (the truth) */
	unsigned status[MONTHS + 1];	/* billing payment status (the truth) */
	unsigned crm_status[MONTHS + 1];	/* what the CRM copy says */
	unsigned crm_consent[MONTHS + 1];
	unsigned crm_n, bill_n, mkt_n, tk_n;	/* records per source */
	int phone_changed;		/* new number confirmed on a support call */
	int crm_newphone2;		/* CRM took the new number in month 2 */
	int status_moved2;		/* billing status changed in month 2 */
	int consent_flipped2;		/* consent changed in month 2 ... */
	int64_t consent_flip_at;	/* ... at this time */
	int cycle_day;			/* billing day of month */
};

/*
 * Where a source's records sit.  A person's records have consecutive
 * "original" indices base[p] .. base[p+1]-1 (record copy 0 first).
 * order[] lists the records in output order, each as a reference
 * (person << 2 | copy); pos[] maps original index to output position.
 * Records of month 1 occupy positions 0 .. total[1]-1 in both months;
 * people new in month 2 add positions total[1] .. total[2]-1.
 */
struct keyspace {
	uint32_t *base;
	uint32_t *order;
	uint32_t *pos;
	uint32_t total[MONTHS + 1];
	uint32_t npeople;
};

#define REF(person, copy) ((uint32_t)(person) << 2 | (uint32_t)(copy))
#define REF_PERSON(ref) ((ref) >> 2)
#define REF_COPY(ref) ((unsigned)((ref) & 3))

struct pmeta {
	uint8_t email_try, phone_try, new_try;
};

struct world {
	uint64_t seed;
	uint32_t n[MONTHS + 1];		/* people in month 1, month 2 */
	long asof[MONTHS + 1];		/* as-of day of each month */
	long stale_before[MONTHS + 1];	/* updated before this: stale */
	struct pmeta *meta;
	struct keyspace crm, bill, mkt, tk;
};

void world_build(struct world *w, uint64_t seed, uint32_t people);
void world_release(struct world *w);
void world_person(const struct world *w, uint32_t idx, struct person *p);
/* Output position of a person's copy-th record. */
uint32_t keyspace_pos(const struct keyspace *ks, uint32_t idx, unsigned copy);

/* Opening times of the person's tickets, oldest first. */
void person_ticket_times(const struct world *w, const struct person *p,
			 int64_t t[MAX_TICKETS]);

/* Record keys: C0000001, B-100001, M-0000001, T-500001, P0000001. */
void key_crm(char *out, size_t cap, uint32_t pos);
void key_bill(char *out, size_t cap, uint32_t pos);
void key_mkt(char *out, size_t cap, uint32_t pos);
void key_ticket(char *out, size_t cap, uint32_t pos);
void key_person(char *out, size_t cap, uint32_t idx);

/* Random day in [lo, hi] avoiding a week either side of both staleness
 * boundaries, so "older than three years" never depends on how a policy
 * counts days. */
long world_day(struct rng *r, const struct world *w, long lo, long hi);
/* Seconds of a random time of day between from_h:00 and to_h:00 on day. */
int64_t world_time(struct rng *r, long day, int from_h, int to_h);

#endif
