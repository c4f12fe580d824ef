/*
 * crm.c - the CRM export (crm.csv), owned by sales-ops.
 *
 * The CRM is where staff type, so it is where most defects are born:
 * duplicate records made by a second salesperson (nicknames, typos,
 * dropped accents, "LAST, First" pasted into one box, the email in capitals
 * or with a +tag, the phone in another format), empty and malformed
 * fields, records nobody has touched in years, a payment status copied
 * from billing that has since moved on, a consent flag that contradicts
 * marketing's, and a phone number a support call has since replaced.
 * crm_make() builds one record from the person and their random streams;
 * crm_write() streams the export in shuffled order and writes each
 * record's truth as it goes.  In month 2 the export's phone column is
 * renamed - the planted schema drift.
 */
#include "sources.h"

#include "calendar.h"
#include "outfile.h"

static void crm_names(struct rng *r, const struct person *p, unsigned copy,
		      struct crm_rec *rec)
{
	const struct pname *n = &p->name;
	const char *nick;

	gw_copy(rec->first, sizeof(rec->first), n->given);
	gw_copy(rec->last, sizeof(rec->last), n->family);
	if (copy == 0)
		return;
	switch (rng_below(r, 6)) {
	case 0:
	case 1:		/* a familiar name: Robert -> Bob */
		nick = names_nickname(n->given, r);
		if (nick) {
			gw_copy(rec->first, sizeof(rec->first), nick);
			break;
		}
		names_typo(rec->last, r);
		break;
	case 2:		/* a slip of the keyboard */
		names_typo(rng_bp(r, 5000) ? rec->first : rec->last, r);
		break;
	case 3:		/* accents dropped: Müller -> Muller / Mueller */
		if (names_has_accent(n->given) || names_has_accent(n->family)) {
			int german = n->culture == C_DE && rng_bp(r, 5000);

			names_fold(rec->first, sizeof(rec->first), n->given, german);
			names_fold(rec->last, sizeof(rec->last), n->family, german);
			break;
		}
		names_typo(rec->first, r);
		break;
	case 4:		/* "LAST, First" pasted into the first-name box */
		snprintf(rec->first, sizeof(rec->first), "%s, %s", n->family, n->given);
		rec->last[0] = '\0';
		rec->pasted = 1;
		break;
	default:	/* same name, other fields differ */
		break;
	}
}

static unsigned draw_state(struct rng *r, unsigned missing_bp, unsigned invalid_bp)
{
	uint32_t u = rng_below(r, 10000);

	if (u < missing_bp)
		return V_MISSING;
	if (u < missing_bp + invalid_bp)
		return V_INVALID;
	return V_OK;
}

static void crm_email(struct rng *r, const struct person *p, unsigned copy,
		      struct crm_rec *rec)
{
	rec->email_st = draw_state(r, 200, 100);
	if (rec->email_st == V_MISSING)
		rec->email[0] = '\0';
	else if (rec->email_st == V_INVALID)
		email_invalid(r, p->email, rec->email, sizeof(rec->email));
	else if (copy > 0 && rng_bp(r, 3500))
		email_recase(r, p->email, rec->email, sizeof(rec->email));
	else if (copy > 0 && rng_bp(r, 3500))
		email_plus_tag(r, p->email, rec->email, sizeof(rec->email));
	else if (copy == 0 && rng_bp(r, 300))
		email_recase(r, p->email, rec->email, sizeof(rec->email));
	else
		gw_copy(rec->email, sizeof(rec->email), p->email);
}

/* Copy 0 and its duplicates must write the number differently. */
static enum phone_style primary_style(const struct world *w, const struct person *p)
{
	struct rng r;

	rng_init(&r, w->seed, S_CRM, p->idx, 1000);
	return phone_style_pick(&r, p->country, -1);
}

static void crm_phone(struct rng *r, const struct world *w, const struct person *p,
		      unsigned copy, struct crm_rec *rec)
{
	enum phone_style st = primary_style(w, p);

	if (copy > 0)
		st = phone_style_pick(r, p->country, (int)st);
	rec->phone_st = draw_state(r, 500, 100);
	rec->phone_old = 0;
	if (rec->phone_st == V_MISSING) {
		rec->phone[0] = '\0';
	} else if (rec->phone_st == V_INVALID) {
		phone_invalid(r, &p->phone, rec->phone, sizeof(rec->phone));
	} else {
		phone_format(&p->phone, st, rec->phone, sizeof(rec->phone));
		rec->phone_old = p->phone_changed;
	}
}

static void crm_postcode(struct rng *r, const struct person *p, unsigned copy,
			 struct crm_rec *rec)
{
	rec->postcode_st = draw_state(r, 300, 100);
	if (rec->postcode_st == V_MISSING)
		rec->postcode[0] = '\0';
	else if (rec->postcode_st == V_INVALID)
		contact_postcode_invalid(r, p->country, p->postcode, rec->postcode,
					 sizeof(rec->postcode));
	else if (copy > 0 && rng_bp(r, 3000))
		contact_postcode_variant(r, p->postcode, rec->postcode, sizeof(rec->postcode));
	else
		gw_copy(rec->postcode, sizeof(rec->postcode), p->postcode);
}

/* 15% untouched for over three years, 1% that cross the line next month. */
static void crm_dates(struct rng *r, const struct world *w, struct crm_rec *rec)
{
	long first = cal_days(2015, 1, 1), upd, created;
	uint32_t u = rng_below(r, 10000);

	if (u < 1500)
		upd = world_day(r, w, first + 30, w->stale_before[1] - 8);
	else if (u < 1600)
		upd = world_day(r, w, w->stale_before[1] + 8, w->stale_before[2] - 8);
	else
		upd = world_day(r, w, w->stale_before[2] + 8, w->asof[1]);
	created = rng_range(r, first, upd);
	rec->updated_day = upd;
	cal_date(rec->created, created);
	cal_date(rec->updated, upd);
}

/* Month 2: what sales-ops changed in November. */
static void crm_month2(const struct world *w, const struct person *p, unsigned copy,
		       struct crm_rec *rec)
{
	const struct phone *right = p->phone_changed ? &p->phone_new : &p->phone;
	int changed = p->crm_status[2] != p->crm_status[1] ||
		      p->crm_consent[2] != p->crm_consent[1];
	struct rng r;

	rng_init(&r, w->seed, S_CRM2, p->idx, copy);
	if (p->crm_newphone2 && rec->phone_st == V_OK) {
		phone_format(right, PS_INTL, rec->phone, sizeof(rec->phone));
		rec->phone_old = 0;
		changed = 1;
	}
	if (rec->phone_st != V_OK && rng_bp(&r, 1000)) {
		phone_format(right, PS_INTL, rec->phone, sizeof(rec->phone));
		rec->phone_st = V_OK;
		rec->phone_old = 0;
		changed = 1;
	}
	if (rec->email_st != V_OK && rng_bp(&r, 1000)) {
		gw_copy(rec->email, sizeof(rec->email), p->email);
		rec->email_st = V_OK;
		changed = 1;
	}
	if (rec->postcode_st != V_OK && rng_bp(&r, 1000)) {
		gw_copy(rec->postcode, sizeof(rec->postcode), p->postcode);
		rec->postcode_st = V_OK;
		changed = 1;
	}
	if (rng_bp(&r, 200))
		changed = 1;	/* touched: opened and saved */
	if (changed) {
		rec->updated_day = w->asof[1] + rng_range(&r, 1, 29);
		cal_date(rec->updated, rec->updated_day);
	}
}

void crm_make(const struct world *w, const struct person *p, unsigned copy,
	      int month, struct crm_rec *rec)
{
	struct rng r;

	memset(rec, 0, sizeof(*rec));
	rng_init(&r, w->seed, S_CRM, p->idx, copy);
	crm_names(&r, p, copy, rec);
	crm_email(&r, p, copy, rec);
	crm_phone(&r, w, p, copy, rec);
	crm_postcode(&r, p, copy, rec);
	rec->country = contact_iso(p->country);
	rec->status = status_word(p->crm_status[month]);
	rec->consent = p->crm_consent[month] ? "yes" : "no";
	if (p->joined == 2) {	/* a November customer */
		long upd = w->asof[1] + rng_range(&r, 1, 29);

		rec->updated_day = upd;
		cal_date(rec->created, upd - rng_range(&r, 0, upd - w->asof[1] - 1));
		cal_date(rec->updated, upd);
		return;
	}
	crm_dates(&r, w, rec);
	if (month == 2)
		crm_month2(w, p, copy, rec);
}

static const char *const header1[] = {
	"customer_id", "first_name", "last_name", "email", "phone_number",
	"postcode", "country", "payment_status", "email_consent", "created_at",
	"updated_at",
};
static const char *const header2[] = {
	"customer_id", "first_name", "last_name", "email", "phone",
	"postcode", "country", "payment_status", "email_consent", "created_at",
	"updated_at",
};

static void crm_truth(const struct world *w, struct truth *t, const struct person *p,
		      unsigned copy, int month, const struct crm_rec *rec, const char *key)
{
	static const char *const attr[] = { "email", "phone", "postcode" };
	static const char *const inv[] = { "invalid_email", "invalid_phone", "invalid_postcode" };
	const unsigned st[] = { rec->email_st, rec->phone_st, rec->postcode_st };
	const char *val[] = { rec->email, rec->phone, rec->postcode };
	char detail[DETAIL_CAP];

	truth_identity(t, "crm", key, p->idx);
	if (!t->defects)
		return;
	if (copy > 0)
		truth_duplicate(t, "crm", key, &w->crm, p, copy, key_crm);
	if (rec->pasted)
		truth_defect(t, "crm", key, "family_name", "missing",
			     "\"Last, First\" pasted into first_name");
	for (int i = 0; i < 3; i++) {
		if (st[i] == V_MISSING)
			truth_defect(t, "crm", key, attr[i], "missing", "");
		else if (st[i] == V_INVALID)
			truth_defect(t, "crm", key, attr[i], inv[i], val[i]);
	}
	if (rec->updated_day < w->stale_before[month]) {
		snprintf(detail, sizeof(detail), "updated_at=%s", rec->updated);
		truth_defect(t, "crm", key, "updated_at", "stale_value", detail);
	}
	if (p->status[month] != ST_NONE && p->crm_status[month] != p->status[month]) {
		snprintf(detail, sizeof(detail), "crm=%s billing=%s",
			 status_word(p->crm_status[month]), status_word(p->status[month]));
		truth_defect(t, "crm", key, "payment_status", "sor_conflict", detail);
	}
	if (p->mkt_n && p->crm_consent[month] != p->consent[month]) {
		if (p->crm_consent[month])
			truth_defect(t, "crm", key, "email_consent", "consent_violation",
				     "marketing=opted-out crm=yes");
		else
			truth_defect(t, "crm", key, "email_consent", "sor_conflict",
				     "crm=no marketing=opted-in");
	}
	if (rec->phone_old) {
		char olds[PHONE_CAP], news[PHONE_CAP], tk[KEY_CAP];

		phone_format(&p->phone, PS_E164, olds, sizeof(olds));
		phone_format(&p->phone_new, PS_E164, news, sizeof(news));
		key_ticket(tk, sizeof(tk), keyspace_pos(&w->tk, p->idx, p->tk_n - 1));
		snprintf(detail, sizeof(detail), "old=%s new=%s ticket=%s", olds, news, tk);
		truth_defect(t, "crm", key, "phone", "stale_phone", detail);
	}
}

int crm_write(const struct world *w, int month, const char *path, struct truth *t)
{
	const struct keyspace *ks = &w->crm;
	struct ofile o;
	struct person p;
	uint32_t last = UINT32_MAX;

	if (ofile_open(&o, path) != 0)
		return -1;
	csv_row(&o, month == 1 ? header1 : header2, GW_ARRAY_LEN(header1));
	for (uint32_t pos = 0; pos < ks->total[month]; pos++) {
		uint32_t ref = ks->order[pos], idx = REF_PERSON(ref);
		unsigned copy = REF_COPY(ref);
		struct crm_rec rec;
		char key[KEY_CAP];

		if (idx != last)
			world_person(w, idx, &p);
		last = idx;
		crm_make(w, &p, copy, month, &rec);
		key_crm(key, sizeof(key), pos);
		{
			const char *row[] = {
				key, rec.first, rec.last, rec.email, rec.phone,
				rec.postcode, rec.country, rec.status, rec.consent,
				rec.created, rec.updated,
			};

			csv_row(&o, row, GW_ARRAY_LEN(row));
		}
		crm_truth(w, t, &p, copy, month, &rec, key);
	}
	return ofile_commit(&o);
}
