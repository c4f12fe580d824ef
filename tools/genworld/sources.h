/*
 * sources.h - the four source systems' records, their writers, and the
 * truth written beside them.  One .c file per source (crm.c, billing.c,
 * support.c, marketing.c) and truth.c for the truth files.
 */
#ifndef GW_SOURCES_H
#define GW_SOURCES_H

#include "outfile.h"
#include "world.h"

#define KEY_CAP 16
#define DETAIL_CAP 512

/* Sink for truth/identities.csv and truth/defects.csv (either may be NULL). */
struct truth {
	struct ofile *ids;
	struct ofile *defects;
	struct {
		const char *source, *defect;
		unsigned long n;
	} count[64];
	unsigned ncount;
	int64_t support_newest;	/* newest ticket update seen */
};

void truth_identity(struct truth *t, const char *source, const char *key, uint32_t idx);
void truth_defect(struct truth *t, const char *source, const char *key,
		  const char *attribute, const char *defect, const char *detail);
/* A "duplicate" row: the entity and the person's other record keys. */
void truth_duplicate(struct truth *t, const char *source, const char *key,
		     const struct keyspace *ks, const struct person *p, unsigned copy,
		     void (*keyfn)(char *, size_t, uint32_t));
void truth_print_counts(const struct truth *t, FILE *f, int month);
int truth_write_people(const struct world *w, int month, const char *path);
int truth_write_drift(const struct truth *t, const char *path);

enum vstate { V_OK, V_MISSING, V_INVALID };

struct crm_rec {
	char first[2 * NAME_CAP + 8];
	char last[NAME_CAP];
	char email[EMAIL_CAP];
	char phone[PHONE_CAP];
	char postcode[POSTCODE_CAP];
	const char *country, *status, *consent;
	char created[11], updated[11];
	long updated_day;
	unsigned email_st, phone_st, postcode_st;
	int phone_old;		/* holds the old number of a changed phone */
	int pasted;		/* "Last, First" pasted into first_name */
};

struct bill_rec {
	char name[5 * NAME_CAP];
	char email[EMAIL_CAP];	/* "" = NULL */
	char phone[PHONE_CAP];	/* "" = NULL */
	char postcode[POSTCODE_CAP];
	const char *country, *status, *notes;	/* notes may be NULL */
	long long balance_pence;
	double credit_limit;
	char last_invoice[11], updated[20];
	int phone_old;
};

void crm_make(const struct world *w, const struct person *p, unsigned copy,
	      int month, struct crm_rec *rec);
void bill_make(const struct world *w, const struct person *p, unsigned copy,
	       int month, struct bill_rec *rec);

int crm_write(const struct world *w, int month, const char *path, struct truth *t);
int billing_write(const struct world *w, int month, const char *path, struct truth *t);
/* xml_path NULL: only the truth rows. */
int support_write(const struct world *w, int month, const char *xml_path, struct truth *t);
int marketing_write(const struct world *w, int month, const char *path, struct truth *t);

#endif
