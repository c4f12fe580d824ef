/*
 * support.c - the help desk's ticket export (support.xml), owned by support.
 *
 * Every ticket repeats the caller's details as the agent took them, so a
 * person with three tickets is three records (duplicates within support,
 * naturally), sometimes under a nickname or without accents.  A number
 * read back on a phone call is marked verified, with the date: that is
 * the evidence that lets a recently confirmed number outrank an old one
 * typed into the CRM.  The planted case: about 5% of customers gave a new
 * number on a call in the last 60 days, while the CRM and billing still
 * hold the old one.  Tickets are numbered in the order they were opened.
 * In month 2 the feed has stalled: next-month/support.xml is byte-identical
 * to month 1's, because nothing written to the XML depends on the month
 * (keep it so); only the truth rows (which records still hold an old
 * number) are the month's own.
 */
#include "sources.h"

#include "calendar.h"
#include "outfile.h"

struct ticket {
	int64_t opened, updated;
	char name[2 * NAME_CAP + 2];
	char email[EMAIL_CAP];		/* "" = not recorded */
	char phone[PHONE_CAP];		/* "" = not recorded */
	int verified;
	char verified_on[11];
	const char *subject, *status, *channel, *country;
	int new_number;			/* the confirmed new number */
};

static const char *const subjects[] = {
	"Cannot log in", "Invoice query", "Refund request", "Update my details",
	"Delivery delayed", "Cancel subscription", "Password reset",
	"Payment failed", "Change of address", "App crashes on start",
	"Question about my bill & VAT", "Wrong item <urgent>",
	"Direct debit not taken", "Upgrade my plan", "Complaint about \"service\"",
	"Unsubscribe me from emails", "Card declined", "Broken link in email",
};

static void ticket_name(struct rng *r, const struct person *p, struct ticket *tk)
{
	const struct pname *n = &p->name;
	const char *given = n->given;
	char folded[2 * NAME_CAP + 2];

	if (rng_bp(r, 600)) {
		const char *nick = names_nickname(n->given, r);

		if (nick)
			given = nick;
	}
	snprintf(tk->name, sizeof(tk->name), "%s %s", given, n->family);
	if (rng_bp(r, 600) && names_has_accent(tk->name)) {
		names_fold(folded, sizeof(folded), tk->name, 0);
		gw_copy(tk->name, sizeof(tk->name), folded);
	}
}

static void ticket_times(struct rng *r, const struct world *w, int64_t opened,
			 struct ticket *tk)
{
	static const unsigned dur_w[] = { 40, 40, 20 };
	int64_t cutoff = (int64_t)w->asof[1] * CAL_DAY + 6 * 3600 - 60;
	int64_t dur;

	switch (rng_weighted(r, dur_w, 3)) {
	case 0:
		dur = 60 * rng_range(r, 10, 240);
		break;
	case 1:
		dur = 60 * rng_range(r, 240, 72 * 60);
		break;
	default:
		dur = 3600 * rng_range(r, 72, 20 * 24);
		break;
	}
	tk->opened = opened;
	tk->updated = opened + dur < cutoff ? opened + dur : cutoff;
	if (opened >= (int64_t)(w->asof[1] - 14) * CAL_DAY && rng_bp(r, 5000))
		tk->status = rng_bp(r, 5000) ? "open" : "pending";
	else
		tk->status = rng_bp(r, 7500) ? "closed" : "resolved";
}

static void ticket_make(const struct world *w, const struct person *p, unsigned k,
			const int64_t *times, struct ticket *tk)
{
	static const char *const channels[] = { "email", "phone", "chat", "web" };
	static const unsigned channel_w[] = { 35, 30, 25, 10 };
	struct rng r;
	unsigned ch;
	int want_email, want_phone;

	memset(tk, 0, sizeof(*tk));
	rng_init(&r, w->seed, S_TICKET, p->idx, k);
	tk->new_number = p->phone_changed && k == p->tk_n - 1;
	ch = tk->new_number ? 1 : rng_weighted(&r, channel_w, 4);
	tk->channel = channels[ch];
	tk->country = contact_iso(p->country);
	ticket_name(&r, p, tk);
	ticket_times(&r, w, times[k], tk);
	tk->subject = rng_pick(&r, subjects, GW_ARRAY_LEN(subjects));
	if (tk->new_number)
		tk->subject = rng_bp(&r, 5000) ? "Update my phone number" : "Change of contact details";

	want_email = ch == 0 || ch == 3 || (ch == 2 && rng_bp(&r, 9000)) ||
		     (ch == 1 && rng_bp(&r, 7500)) || tk->new_number;
	if (want_email) {
		if (rng_bp(&r, 1000))
			email_recase(&r, p->email, tk->email, sizeof(tk->email));
		else
			gw_copy(tk->email, sizeof(tk->email), p->email);
	}
	want_phone = ch == 1 || rng_bp(&r, 4000);
	if (want_phone) {
		phone_format(tk->new_number ? &p->phone_new : &p->phone, PS_INTL,
			     tk->phone, sizeof(tk->phone));
		tk->verified = ch == 1;
		cal_date(tk->verified_on, (long)(tk->opened / CAL_DAY));
	}
}

static void put_elem(struct ofile *f, const char *indent, const char *tag, const char *text)
{
	of_str(f, indent);
	of_char(f, '<');
	of_str(f, tag);
	of_char(f, '>');
	xml_text(f, text);
	of_str(f, "</");
	of_str(f, tag);
	of_str(f, ">\n");
}

static void ticket_xml(struct ofile *f, const char *key, const struct ticket *tk)
{
	char opened[24], updated[24];

	cal_stamp(opened, tk->opened, 1);
	cal_stamp(updated, tk->updated, 1);
	of_str(f, "    <ticket id=\"");
	of_str(f, key);
	of_str(f, "\" opened=\"");
	of_str(f, opened);
	of_str(f, "\" updated=\"");
	of_str(f, updated);
	of_str(f, "\">\n");
	of_str(f, "      <customer>\n");
	put_elem(f, "        ", "name", tk->name);
	if (tk->email[0])
		put_elem(f, "        ", "email", tk->email);
	if (tk->phone[0]) {
		if (tk->verified) {
			of_str(f, "        <phone verified=\"true\" verified-on=\"");
			of_str(f, tk->verified_on);
			of_str(f, "\">");
		} else {
			of_str(f, "        <phone verified=\"false\">");
		}
		xml_text(f, tk->phone);
		of_str(f, "</phone>\n");
	}
	put_elem(f, "        ", "country", tk->country);
	of_str(f, "      </customer>\n");
	put_elem(f, "      ", "subject", tk->subject);
	put_elem(f, "      ", "status", tk->status);
	put_elem(f, "      ", "channel", tk->channel);
	of_str(f, "    </ticket>\n");
}

/* The CRM and billing records still holding the old number this month. */
static void old_number_holders(const struct world *w, const struct person *p,
			       int month, char *out, size_t cap)
{
	char key[KEY_CAP];

	out[0] = '\0';
	for (unsigned c = 0; c < p->crm_n; c++) {
		struct crm_rec rec;

		crm_make(w, p, c, month, &rec);
		if (!rec.phone_old)
			continue;
		key_crm(key, sizeof(key), keyspace_pos(&w->crm, p->idx, c));
		gw_append(out, cap, out[0] ? " " : "");
		gw_append(out, cap, key);
	}
	for (unsigned c = 0; c < p->bill_n; c++) {
		struct bill_rec rec;

		bill_make(w, p, c, month, &rec);
		if (!rec.phone_old)
			continue;
		key_bill(key, sizeof(key), keyspace_pos(&w->bill, p->idx, c));
		gw_append(out, cap, out[0] ? " " : "");
		gw_append(out, cap, key);
	}
}

static void ticket_truth(const struct world *w, struct truth *t, const struct person *p,
			 unsigned k, int month, const struct ticket *tk, const char *key)
{
	char holders[DETAIL_CAP / 2], detail[DETAIL_CAP], olds[PHONE_CAP], news[PHONE_CAP];

	truth_identity(t, "support", key, p->idx);
	if (!t->defects)
		return;
	if (k > 0)
		truth_duplicate(t, "support", key, &w->tk, p, k, key_ticket);
	if (!tk->new_number)
		return;
	old_number_holders(w, p, month, holders, sizeof(holders));
	if (!holders[0])
		return;		/* every copy already has the new number */
	phone_format(&p->phone, PS_E164, olds, sizeof(olds));
	phone_format(&p->phone_new, PS_E164, news, sizeof(news));
	snprintf(detail, sizeof(detail), "old=%s new=%s verified_on=%s holders=%s",
		 olds, news, tk->verified_on, holders);
	truth_defect(t, "support", key, "phone", "phone_changed_confirmed", detail);
}

int support_write(const struct world *w, int month, const char *xml_path, struct truth *t)
{
	const struct keyspace *ks = &w->tk;
	struct ofile o;
	struct person p;
	uint32_t last = UINT32_MAX;
	int64_t times[MAX_TICKETS];
	struct ofile *f = NULL;

	if (xml_path) {
		if (ofile_open(&o, xml_path) != 0)
			return -1;
		f = &o;
		of_str(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<support-export generated=\"2026-10-31T06:00:00Z\" system=\"HelpDesk 7\">\n"
		      "  <tickets>\n");
	}
	t->support_newest = 0;
	for (uint32_t pos = 0; pos < ks->total[1]; pos++) {
		uint32_t ref = ks->order[pos], idx = REF_PERSON(ref);
		unsigned k = REF_COPY(ref);
		struct ticket tk;
		char key[KEY_CAP];

		if (idx != last) {
			world_person(w, idx, &p);
			person_ticket_times(w, &p, times);
		}
		last = idx;
		ticket_make(w, &p, k, times, &tk);
		key_ticket(key, sizeof(key), pos);
		if (f)
			ticket_xml(f, key, &tk);
		if (tk.updated > t->support_newest)
			t->support_newest = tk.updated;
		ticket_truth(w, t, &p, k, month, &tk, key);
	}
	if (!f)
		return 0;
	of_str(f, "  </tickets>\n</support-export>\n");
	return ofile_commit(&o);
}
