/*
 * billing.c - the billing system's accounts table (billing.sqlite), owned
 * by billing-ops and the system of record for payment status.
 *
 * Billing writes names its own way ("GREEN, Mitchell", surname in
 * capitals), phones as people type them nationally, and capitalises the
 * status ("Overdue"), so every comparison with the CRM needs normalising.
 * A few customers have a second account (a duplicate within billing), a
 * few rows lack a phone or email, and the rows of customers whose phone
 * changed still hold the old number.  Month 2 is the same table a month
 * later: November invoices raised, some statuses moved, new accounts.
 * The file is built under a temporary name with one transaction and a
 * fixed page size, so the same seed gives the same bytes.
 */
#include "sources.h"

#include <sqlite3.h>

#include "calendar.h"
#include "outfile.h"

static const char *const notes_by_status[][3] = {
	{ NULL, NULL, NULL },
	{ "Paper invoices requested", "Direct debit mandate set up", "VAT receipt sent" },
	{ "Reminder letter sent", "Payment plan agreed", "Customer disputes charge" },
	{ "Direct debit failed twice", "Passed to collections", "Service suspended - non-payment" },
	{ "Account closed at customer request", "Moved abroad", "Closed - final bill paid" },
};

static void bill_name(struct rng *r, const struct person *p, unsigned copy,
		      struct bill_rec *rec)
{
	const struct pname *n = &p->name;
	char family[NAME_CAP * 2], given[NAME_CAP];
	const char *nick = NULL;
	int fold = 0, middle = n->middle[0] && rng_bp(r, 2500);

	gw_copy(given, sizeof(given), n->given);
	if (copy > 0) {
		switch (rng_below(r, 3)) {
		case 0:
			nick = names_nickname(n->given, r);
			if (nick)
				gw_copy(given, sizeof(given), nick);
			break;
		case 1:
			fold = 1;
			break;
		default:
			middle = n->middle[0] != '\0';
			break;
		}
	}
	if (fold) {
		char tmp[NAME_CAP * 2];

		names_fold(tmp, sizeof(tmp), n->family, 0);
		names_upper(family, sizeof(family), tmp);
		names_fold(given, sizeof(given), n->given, 0);
	} else {
		names_upper(family, sizeof(family), n->family);
	}
	snprintf(rec->name, sizeof(rec->name), "%s, %s%s%s", family, given,
		 middle ? " " : "", middle ? n->middle : "");
}

static void bill_contact(struct rng *r, const struct person *p, unsigned copy,
			 struct bill_rec *rec)
{
	static const unsigned style_w[] = { 85, 8, 7 };
	static const enum phone_style styles[CO_COUNT][3] = {
		[CO_GB] = { PS_NATIONAL, PS_COMPACT, PS_PAREN },
		[CO_US] = { PS_NATIONAL, PS_COMPACT, PS_DASH },
		[CO_IE] = { PS_NATIONAL, PS_COMPACT, PS_INTL },
		[CO_DE] = { PS_NATIONAL, PS_COMPACT, PS_SLASH },
		[CO_FR] = { PS_NATIONAL, PS_COMPACT, PS_DOTS },
		[CO_ES] = { PS_NATIONAL, PS_COMPACT, PS_INTL },
	};

	if (rng_bp(r, 100))
		rec->email[0] = '\0';
	else if (copy > 0 && rng_bp(r, 3000))
		email_recase(r, p->email, rec->email, sizeof(rec->email));
	else
		gw_copy(rec->email, sizeof(rec->email), p->email);
	if (rng_bp(r, 300)) {
		rec->phone[0] = '\0';
	} else {
		phone_format(&p->phone, styles[p->country][rng_weighted(r, style_w, 3)],
			     rec->phone, sizeof(rec->phone));
		rec->phone_old = p->phone_changed;
	}
	if ((p->country == CO_GB || p->country == CO_IE) && rng_bp(r, 1000))
		contact_postcode_variant(r, p->postcode, rec->postcode, sizeof(rec->postcode));
	else
		gw_copy(rec->postcode, sizeof(rec->postcode), p->postcode);
	rec->country = contact_iso(p->country);
}

static long long balance_for(struct rng *r, unsigned st)
{
	switch (st) {
	case ST_CURRENT:
		return rng_bp(r, 5000) ? 0 : rng_range(r, 100, 9999);
	case ST_OVERDUE:
		return rng_range(r, 1500, 250000);
	case ST_SUSPENDED:
		return rng_range(r, 5000, 500000);
	default:
		return 0;
	}
}

/* Invoice dates, balance and last update as of the month. */
static void bill_month(struct rng *r, const struct world *w, const struct person *p,
		       unsigned copy, int month, struct bill_rec *rec)
{
	unsigned st = p->status[month];
	int day = copy ? (int)rng_range(r, 1, 28) : p->cycle_day;
	/* A closed account's final invoice, and its last change soon after:
	 * never over three years old, so billing has no stale rows. */
	long closed_inv = rng_range(r, cal_days(2024, 1, 1), cal_days(2026, 8, 31));
	long closed_upd = closed_inv + rng_range(r, 1, 45);
	int64_t stamp_off = rng_range(r, 6 * 3600L, 23 * 3600L);
	struct rng rm;
	long inv_day;
	int64_t upd;

	rng_init(&rm, w->seed, S_BILL2, p->idx, copy * 4u + (unsigned)month);
	if (st == ST_CLOSED && !(month == 2 && p->status_moved2) &&
	    !(p->joined == 2 && month == 2)) {
		inv_day = closed_inv;
		upd = (int64_t)closed_upd * CAL_DAY + stamp_off;
	} else {
		/* Invoiced this month on the cycle day; the row changed then. */
		inv_day = w->asof[month] - (month == 1 ? 31 : 30) + day;
		upd = (int64_t)inv_day * CAL_DAY + rng_range(&rm, 6 * 3600L, 23 * 3600L);
	}
	rec->balance_pence = balance_for(&rm, st);
	cal_date(rec->last_invoice, inv_day);
	cal_stamp(rec->updated, upd, 0);
	rec->status = status_billing(st);
	rec->notes = NULL;
	if (rng_bp(r, 1000))	/* stable from month to month */
		rec->notes = notes_by_status[st][rng_below(r, 3)];
}

void bill_make(const struct world *w, const struct person *p, unsigned copy,
	       int month, struct bill_rec *rec)
{
	static const double limits[] = { 250.0, 500.0, 1000.0, 1500.0, 2500.0, 5000.0 };
	struct rng r;

	memset(rec, 0, sizeof(*rec));
	rng_init(&r, w->seed, S_BILL, p->idx, copy);
	bill_name(&r, p, copy, rec);
	bill_contact(&r, p, copy, rec);
	rec->credit_limit = limits[rng_below(&r, GW_ARRAY_LEN(limits))];
	bill_month(&r, w, p, copy, month, rec);
	if (p->status[month] == ST_CLOSED)
		rec->credit_limit = 0.0;
}

static const char schema[] =
	"CREATE TABLE accounts (\n"
	"  account_no TEXT PRIMARY KEY,\n"
	"  customer_name TEXT,\n"
	"  email TEXT,\n"
	"  billing_phone TEXT,\n"
	"  country_code TEXT,\n"
	"  postcode TEXT,\n"
	"  payment_status TEXT,\n"
	"  balance_pence INTEGER,\n"
	"  credit_limit REAL,\n"
	"  last_invoice_date TEXT,\n"
	"  updated_at TEXT,\n"
	"  notes TEXT\n"
	");";

static int db_fail(sqlite3 *db, const char *path)
{
	gw_error("%s: sqlite: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
	return -1;
}

static void bind_text(sqlite3_stmt *st, int col, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, col);
}

static void bill_truth(const struct world *w, struct truth *t, const struct person *p,
		       unsigned copy, const struct bill_rec *rec, const char *key)
{
	char detail[DETAIL_CAP];

	truth_identity(t, "billing", key, p->idx);
	if (!t->defects)
		return;
	if (copy > 0)
		truth_duplicate(t, "billing", key, &w->bill, p, copy, key_bill);
	if (!rec->email[0])
		truth_defect(t, "billing", key, "email", "missing", "");
	if (!rec->phone[0])
		truth_defect(t, "billing", key, "phone", "missing", "");
	if (rec->phone_old) {
		char olds[PHONE_CAP], news[PHONE_CAP], tk[KEY_CAP];

		phone_format(&p->phone, PS_E164, olds, sizeof(olds));
		phone_format(&p->phone_new, PS_E164, news, sizeof(news));
		key_ticket(tk, sizeof(tk), keyspace_pos(&w->tk, p->idx, p->tk_n - 1));
		snprintf(detail, sizeof(detail), "old=%s new=%s ticket=%s", olds, news, tk);
		truth_defect(t, "billing", key, "phone", "stale_phone", detail);
	}
}

static int bill_rows(const struct world *w, int month, sqlite3_stmt *ins, struct truth *t)
{
	const struct keyspace *ks = &w->bill;
	struct person p;
	uint32_t last = UINT32_MAX;

	for (uint32_t pos = 0; pos < ks->total[month]; pos++) {
		uint32_t ref = ks->order[pos], idx = REF_PERSON(ref);
		unsigned copy = REF_COPY(ref);
		struct bill_rec rec;
		char key[KEY_CAP];

		if (idx != last)
			world_person(w, idx, &p);
		last = idx;
		bill_make(w, &p, copy, month, &rec);
		key_bill(key, sizeof(key), pos);
		bind_text(ins, 1, key);
		bind_text(ins, 2, rec.name);
		bind_text(ins, 3, rec.email);
		bind_text(ins, 4, rec.phone);
		bind_text(ins, 5, rec.country);
		bind_text(ins, 6, rec.postcode);
		bind_text(ins, 7, rec.status);
		sqlite3_bind_int64(ins, 8, rec.balance_pence);
		sqlite3_bind_double(ins, 9, rec.credit_limit);
		bind_text(ins, 10, rec.last_invoice);
		bind_text(ins, 11, rec.updated);
		bind_text(ins, 12, rec.notes);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return -1;
		sqlite3_reset(ins);
		if (t)
			bill_truth(w, t, &p, copy, &rec, key);
	}
	return 0;
}

int billing_write(const struct world *w, int month, const char *path, struct truth *t)
{
	char tmp[PATH_CAP];
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	int rc = -1;

	if (tmpname_reserve(tmp, sizeof(tmp), path) != 0)
		return -1;
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto out;
	/* No journal: the file is private until renamed, and fixed settings
	 * keep its bytes the same from run to run. */
	if (sqlite3_exec(db, "PRAGMA page_size=4096; PRAGMA journal_mode=OFF;"
			 "PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
			 "BEGIN;", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO accounts VALUES "
			       "(?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK ||
	    bill_rows(w, month, ins, t) != 0 ||
	    sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		db_fail(db, path);
	sqlite3_finalize(ins);
	if (sqlite3_close(db) != SQLITE_OK && rc == 0)
		rc = db_fail(db, path);
	if (rc != 0) {
		remove(tmp);
		return -1;
	}
	return tmpname_install(tmp, path);
}
