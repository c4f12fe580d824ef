/*
 * marketing.c - the marketing platform's contact export (marketing.csv),
 * owned by marketing and the system of record for email consent.
 *
 * Marketing knows people by email and device: some signed up twice (a
 * +tag address, another phone), which is a duplicate within marketing.
 * Consent is recorded with the time it was given or withdrawn; in month 2
 * a few people change their mind, with a November timestamp, and the CRM
 * only sometimes follows - which is how a consent violation is born.
 * About 10% of contacts have not been touched in over three years.
 */
#include "sources.h"

#include "calendar.h"
#include "outfile.h"

struct mkt_rec {
	char email[EMAIL_CAP];
	char full_name[2 * NAME_CAP + 2];
	char device[DEVICE_CAP];
	const char *consent, *source;
	char consent_at[24], updated[11];
	long updated_day;
};

static void mkt_identity(struct rng *r, const struct world *w, const struct person *p,
			 unsigned copy, struct mkt_rec *rec)
{
	const char *given = p->name.given;

	if (copy == 0 ? rng_bp(r, 500) : rng_bp(r, 2500))
		email_recase(r, p->email, rec->email, sizeof(rec->email));
	else if (copy == 0 ? rng_bp(r, 300) : rng_bp(r, 8000))
		email_plus_tag(r, p->email, rec->email, sizeof(rec->email));
	else
		gw_copy(rec->email, sizeof(rec->email), p->email);
	if (copy > 0 && rng_bp(r, 3000)) {
		const char *nick = names_nickname(given, r);

		if (nick)
			given = nick;
	}
	snprintf(rec->full_name, sizeof(rec->full_name), "%s %s", given, p->name.family);
	gw_copy(rec->device, sizeof(rec->device), p->device);
	if (copy > 0) {
		uint32_t u = rng_below(r, 10);

		if (u < 5) {		/* signed up again on another device */
			struct rng d;

			rng_init(&d, w->seed, S_DEVICE2, p->idx, copy);
			contact_device(&d, rec->device);
		} else if (u < 7) {
			rec->device[0] = '\0';
		}
	}
}

static void mkt_dates(struct rng *r, const struct world *w, const struct person *p,
		      int month, struct mkt_rec *rec)
{
	long first = cal_days(2016, 1, 1), upd, cday;
	uint32_t u = rng_below(r, 10000);
	int64_t cat;

	if (p->joined == 2) {
		upd = w->asof[1] + rng_range(r, 1, 29);
		cday = upd;
	} else {
		if (u < 1000)
			upd = world_day(r, w, first + 60, w->stale_before[1] - 8);
		else if (u < 1100)
			upd = world_day(r, w, w->stale_before[1] + 8, w->stale_before[2] - 8);
		else
			upd = world_day(r, w, w->stale_before[2] + 8, w->asof[1]);
		cday = rng_range(r, upd - 900 > first ? upd - 900 : first, upd);
	}
	cat = world_time(r, cday, 7, 23);
	if (month == 2 && p->consent_flipped2) {
		cat = p->consent_flip_at;
		upd = (long)(cat / CAL_DAY);
	}
	cal_stamp(rec->consent_at, cat, 1);
	rec->updated_day = upd;
	cal_date(rec->updated, upd);
}

static void mkt_make(const struct world *w, const struct person *p, unsigned copy,
		     int month, struct mkt_rec *rec)
{
	static const char *const sources[] = { "web", "event", "partner", "import" };
	static const unsigned source_w[] = { 55, 10, 15, 20 };
	struct rng r;

	memset(rec, 0, sizeof(*rec));
	rng_init(&r, w->seed, S_MKT, p->idx, copy);
	mkt_identity(&r, w, p, copy, rec);
	rec->consent = p->consent[month] ? "opted-in" : "opted-out";
	rec->source = sources[rng_weighted(&r, source_w, 4)];
	mkt_dates(&r, w, p, month, rec);
}

static const char *const header[] = {
	"contact_id", "email", "full_name", "device_id", "email_consent",
	"consent_updated_at", "signup_source", "updated_at",
};

int marketing_write(const struct world *w, int month, const char *path, struct truth *t)
{
	const struct keyspace *ks = &w->mkt;
	struct ofile o;
	struct person p;
	uint32_t last = UINT32_MAX;
	char detail[DETAIL_CAP];

	if (ofile_open(&o, path) != 0)
		return -1;
	csv_row(&o, header, GW_ARRAY_LEN(header));
	for (uint32_t pos = 0; pos < ks->total[month]; pos++) {
		uint32_t ref = ks->order[pos], idx = REF_PERSON(ref);
		unsigned copy = REF_COPY(ref);
		struct mkt_rec rec;
		char key[KEY_CAP];

		if (idx != last)
			world_person(w, idx, &p);
		last = idx;
		mkt_make(w, &p, copy, month, &rec);
		key_mkt(key, sizeof(key), pos);
		{
			const char *row[] = {
				key, rec.email, rec.full_name, rec.device, rec.consent,
				rec.consent_at, rec.source, rec.updated,
			};

			csv_row(&o, row, GW_ARRAY_LEN(row));
		}
		truth_identity(t, "marketing", key, idx);
		if (!t->defects)
			continue;
		if (copy > 0)
			truth_duplicate(t, "marketing", key, ks, &p, copy, key_mkt);
		if (rec.updated_day < w->stale_before[month]) {
			snprintf(detail, sizeof(detail), "updated_at=%s", rec.updated);
			truth_defect(t, "marketing", key, "updated_at", "stale_value", detail);
		}
	}
	return ofile_commit(&o);
}
