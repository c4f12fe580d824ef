/*
 * truth.c - what the world really is, written beside the data.
 *
 * steward's job is to find the defects planted in the sources and to
 * resolve records to people; the truth files let tests and benchmarks
 * score it.  identities.csv maps every record of every source to its
 * person; defects.csv lists every planted defect of every record (written
 * by the source writers through truth_defect() as they stream, so the
 * truth is derived from the very values written, not from a separate
 * plan that could drift from them); people.csv is each person's golden
 * profile; drift.csv (month 2) names the planted integration drift.
 */
#include "sources.h"

#include "calendar.h"
#include "outfile.h"

void truth_identity(struct truth *t, const char *source, const char *key, uint32_t idx)
{
	char entity[KEY_CAP];

	if (!t || !t->ids)
		return;
	key_person(entity, sizeof(entity), idx);
	of_str(t->ids, source);
	of_char(t->ids, ',');
	of_str(t->ids, key);
	of_char(t->ids, ',');
	of_str(t->ids, entity);
	of_char(t->ids, '\n');
}

static void count_defect(struct truth *t, const char *source, const char *defect)
{
	for (unsigned i = 0; i < t->ncount; i++)
		if (t->count[i].source == source && strcmp(t->count[i].defect, defect) == 0) {
			t->count[i].n++;
			return;
		}
	if (t->ncount < GW_ARRAY_LEN(t->count)) {
		t->count[t->ncount].source = source;
		t->count[t->ncount].defect = defect;
		t->count[t->ncount].n = 1;
		t->ncount++;
	}
}

void truth_defect(struct truth *t, const char *source, const char *key,
		  const char *attribute, const char *defect, const char *detail)
{
	const char *row[] = { source, key, attribute, defect, detail };

	if (!t || !t->defects)
		return;
	csv_row(t->defects, row, GW_ARRAY_LEN(row));
	count_defect(t, source, defect);
}

void truth_duplicate(struct truth *t, const char *source, const char *key,
		     const struct keyspace *ks, const struct person *p, unsigned copy,
		     void (*keyfn)(char *, size_t, uint32_t))
{
	char detail[DETAIL_CAP], other[KEY_CAP];
	unsigned n = ks->base[p->idx + 1] - ks->base[p->idx];

	key_person(other, sizeof(other), p->idx);
	snprintf(detail, sizeof(detail), "entity=%s others=", other);
	for (unsigned c = 0, first = 1; c < n; c++) {
		if (c == copy)
			continue;
		keyfn(other, sizeof(other), keyspace_pos(ks, p->idx, c));
		gw_append(detail, sizeof(detail), first ? "" : " ");
		gw_append(detail, sizeof(detail), other);
		first = 0;
	}
	truth_defect(t, source, key, "", "duplicate", detail);
}

void truth_print_counts(const struct truth *t, FILE *f, int month)
{
	for (unsigned i = 0; i < t->ncount; i++)
		fprintf(f, "month %d: %-9s %-24s %lu\n", month, t->count[i].source,
			t->count[i].defect, t->count[i].n);
}

int truth_write_people(const struct world *w, int month, const char *path)
{
	static const char *const header[] = {
		"entity", "given_name", "family_name", "email", "phone", "postcode",
		"country", "date_of_birth", "device_id", "payment_status",
		"email_consent",
	};
	struct ofile o;
	struct person p;

	if (ofile_open(&o, path) != 0)
		return -1;
	csv_row(&o, header, GW_ARRAY_LEN(header));
	for (uint32_t idx = 0; idx < w->n[month]; idx++) {
		char entity[KEY_CAP], phone[PHONE_CAP];

		world_person(w, idx, &p);
		key_person(entity, sizeof(entity), idx);
		phone_format(p.phone_changed ? &p.phone_new : &p.phone, PS_E164,
			     phone, sizeof(phone));
		{
			const char *row[] = {
				entity, p.name.given, p.name.family, p.email, phone,
				p.postcode, contact_iso(p.country), p.dob, p.device,
				status_word(p.status[month]),
				p.consent[month] ? "true" : "false",
			};

			csv_row(&o, row, GW_ARRAY_LEN(row));
		}
	}
	return ofile_commit(&o);
}

int truth_write_drift(const struct truth *t, const char *path)
{
	struct ofile o;
	char newest[24];

	if (ofile_open(&o, path) != 0)
		return -1;
	if (t->support_newest > 0)
		cal_date(newest, (long)(t->support_newest / CAL_DAY));
	else
		gw_copy(newest, sizeof(newest), "none (no tickets)");
	of_str(&o, "source,kind,detail\n");
	of_str(&o, "crm,column_renamed,phone_number -> phone\n");
	of_str(&o, "support,feed_stalled,newest update ");
	of_str(&o, newest);
	of_char(&o, '\n');
	return ofile_commit(&o);
}
