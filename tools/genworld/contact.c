/*
 * contact.c - where people live and how they are reached.
 *
 * Postcodes, phone numbers and email addresses are what identity matching
 * and validation lean on, so they have to be right in the boring way:
 * real GB outward codes with correctly-shaped inward codes, Eircode routing
 * keys, five-digit codes inside real city ranges, and phone numbers inside
 * ranges libphonenumber considers valid (GB 07xxx mobile prefixes that are
 * allocated, US area codes with a legal exchange, IE 08x, DE 015x/017x,
 * FR 06/07, ES 6xx), each tied to the same region as the postcode.  The
 * formatting helpers then write one number the dozen ways people and
 * systems write it, and the *_invalid helpers make values no validator
 * should accept, for the planted defects.
 */
#include "contact.h"

struct landline {
	const char *prefix;	/* leading digits of the NSN (area code) */
	int digits;		/* subscriber digits after the prefix */
	const char *first;	/* digits the subscriber part may start with */
};

struct region {
	unsigned weight;
	const char *const *keys;	/* GB outward codes, IE routing keys */
	unsigned nkeys;
	unsigned lo, hi;		/* numeric postcode range otherwise */
	struct landline land;
	const char *const *areas;	/* US area codes */
	unsigned nareas;
};

#define K(...) (const char *const[]){ __VA_ARGS__ }, \
	(unsigned)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static const struct region gb_regions[] = {
	{ 30, K("SW1A", "SW3", "SW11", "SE1", "SE15", "SE22", "N1", "N7", "N16",
		"NW1", "NW3", "NW6", "E1", "E8", "E14", "E17", "EC1A", "EC2R",
		"EC4M", "WC1E", "WC2H", "W1A", "W1D", "W2", "W11", "CR0", "CR2",
		"BR1", "HA1", "TW9"), 0, 0, { "20", 8, "378" }, NULL, 0 },
	{ 8, K("M1", "M4", "M14", "M20", "M21", "M60", "SK4"), 0, 0,
	  { "161", 7, "2345678" }, NULL, 0 },
	{ 8, K("B1", "B5", "B15", "B29", "B33", "B91"), 0, 0,
	  { "121", 7, "234567" }, NULL, 0 },
	{ 5, K("EH1", "EH3", "EH8", "EH10", "EH12"), 0, 0,
	  { "131", 7, "2345" }, NULL, 0 },
	{ 5, K("G1", "G2", "G3", "G12", "G41"), 0, 0,
	  { "141", 7, "2345" }, NULL, 0 },
	{ 5, K("LS1", "LS2", "LS6", "LS11", "LS17"), 0, 0,
	  { "113", 7, "2345" }, NULL, 0 },
	{ 5, K("BS1", "BS6", "BS8", "BS16"), 0, 0, { "117", 7, "2349" }, NULL, 0 },
	{ 4, K("L1", "L3", "L8", "L17"), 0, 0, { "151", 7, "2345" }, NULL, 0 },
	{ 4, K("CF10", "CF11", "CF14", "CF24"), 0, 0,
	  { "292", 7, "0123456789" }, NULL, 0 },
	{ 4, K("BT1", "BT7", "BT9", "BT15"), 0, 0,
	  { "289", 7, "0123456789" }, NULL, 0 },
	{ 4, K("NE1", "NE2", "NE6"), 0, 0, { "191", 7, "2345" }, NULL, 0 },
	{ 3, K("S1", "S10", "S11"), 0, 0, { "114", 7, "2345" }, NULL, 0 },
	{ 3, K("NG1", "NG5", "NG7"), 0, 0, { "115", 7, "2789" }, NULL, 0 },
	{ 3, K("OX1", "OX2", "OX4"), 0, 0, { "1865", 6, "2345789" }, NULL, 0 },
	{ 3, K("CB1", "CB2", "CB4"), 0, 0, { "1223", 6, "2345" }, NULL, 0 },
	{ 2, K("NR1", "NR2", "NR3"), 0, 0, { "1603", 6, "2345678" }, NULL, 0 },
};

static const struct region us_regions[] = {
	{ 25, NULL, 0, 10001, 10282, { NULL, 0, NULL }, K("212", "646", "917", "718", "347") },
	{ 15, NULL, 0, 90001, 90068, { NULL, 0, NULL }, K("213", "310", "323", "424") },
	{ 10, NULL, 0, 94102, 94134, { NULL, 0, NULL }, K("415", "628") },
	{ 12, NULL, 0, 60601, 60661, { NULL, 0, NULL }, K("312", "773", "872") },
	{ 8, NULL, 0, 2108, 2137, { NULL, 0, NULL }, K("617", "857") },
	{ 8, NULL, 0, 98101, 98126, { NULL, 0, NULL }, K("206") },
	{ 7, NULL, 0, 78701, 78759, { NULL, 0, NULL }, K("512", "737") },
	{ 6, NULL, 0, 33125, 33199, { NULL, 0, NULL }, K("305", "786") },
	{ 5, NULL, 0, 80202, 80239, { NULL, 0, NULL }, K("303", "720") },
	{ 4, NULL, 0, 30303, 30350, { NULL, 0, NULL }, K("404", "678", "470") },
};

static const struct region ie_regions[] = {
	{ 55, K("D01", "D02", "D04", "D06", "D6W", "D08", "D12", "D15", "D18",
		"D24", "A94", "K78"), 0, 0, { "1", 7, "2345689" }, NULL, 0 },
	{ 18, K("T12", "T23", "T45", "P43"), 0, 0, { "21", 7, "234" }, NULL, 0 },
	{ 10, K("H91", "H65"), 0, 0, { "91", 6, "5" }, NULL, 0 },
	{ 9, K("V94", "V35"), 0, 0, { "61", 6, "2345" }, NULL, 0 },
	{ 8, K("X91", "X35"), 0, 0, { "51", 6, "38" }, NULL, 0 },
};

static const struct region de_regions[] = {
	{ 30, NULL, 0, 10115, 14199, { "30", 8, "2345678" }, NULL, 0 },
	{ 20, NULL, 0, 20095, 22769, { "40", 8, "2345678" }, NULL, 0 },
	{ 20, NULL, 0, 80331, 81929, { "89", 8, "12345" }, NULL, 0 },
	{ 15, NULL, 0, 50667, 51149, { "221", 7, "2345789" }, NULL, 0 },
	{ 15, NULL, 0, 60306, 60599, { "69", 8, "2345789" }, NULL, 0 },
};

static const struct region fr_regions[] = {
	{ 40, NULL, 0, 75001, 75020, { "1", 8, "2345789" }, NULL, 0 },
	{ 15, NULL, 0, 69001, 69009, { "4", 8, "2378" }, NULL, 0 },
	{ 15, NULL, 0, 13001, 13016, { "4", 8, "9" }, NULL, 0 },
	{ 10, NULL, 0, 31000, 31500, { "5", 8, "6" }, NULL, 0 },
	{ 10, NULL, 0, 33000, 33800, { "5", 8, "5" }, NULL, 0 },
	{ 10, NULL, 0, 59000, 59800, { "3", 8, "2" }, NULL, 0 },
};

static const struct region es_regions[] = {
	{ 40, NULL, 0, 28001, 28055, { "91", 7, "12345678" }, NULL, 0 },
	{ 30, NULL, 0, 8001, 8042, { "93", 7, "12345678" }, NULL, 0 },
	{ 15, NULL, 0, 46001, 46026, { "96", 7, "12345678" }, NULL, 0 },
	{ 15, NULL, 0, 41001, 41020, { "95", 7, "45" }, NULL, 0 },
};

static const struct {
	const char *iso, *cc;
	int trunk;			/* national trunk prefix '0' is written */
	unsigned weight;		/* percent of customers */
	unsigned mobile_bp;		/* share of mobiles among phones */
	const struct region *regions;
	unsigned nregions;
} countries[CO_COUNT] = {
	[CO_GB] = { "GB", "44", 1, 60, 7000, gb_regions, GW_ARRAY_LEN(gb_regions) },
	[CO_US] = { "US", "1", 0, 15, 0, us_regions, GW_ARRAY_LEN(us_regions) },
	[CO_IE] = { "IE", "353", 1, 8, 8500, ie_regions, GW_ARRAY_LEN(ie_regions) },
	[CO_DE] = { "DE", "49", 1, 7, 8000, de_regions, GW_ARRAY_LEN(de_regions) },
	[CO_FR] = { "FR", "33", 1, 6, 7500, fr_regions, GW_ARRAY_LEN(fr_regions) },
	[CO_ES] = { "ES", "34", 0, 4, 7500, es_regions, GW_ARRAY_LEN(es_regions) },
};

const char *contact_iso(unsigned country)
{
	return countries[country].iso;
}

unsigned contact_pick_country(struct rng *r)
{
	unsigned w[CO_COUNT];

	for (unsigned i = 0; i < CO_COUNT; i++)
		w[i] = countries[i].weight;
	return rng_weighted(r, w, CO_COUNT);
}

unsigned contact_pick_region(struct rng *r, unsigned country)
{
	unsigned w[32], n = countries[country].nregions;

	for (unsigned i = 0; i < n; i++)
		w[i] = countries[country].regions[i].weight;
	return rng_weighted(r, w, n);
}

/* Letters a GB inward code may end in (never C I K M O V). */
static const char gb_inward[] = "ABDEFGHJLNPQRSTUWXYZ";
/* Characters of an Eircode's unique identifier. */
static const char eircode[] = "0123456789ACDEFHKNPRTVWXY";

static char pick_char(struct rng *r, const char *set)
{
	return set[rng_below(r, (uint32_t)strlen(set))];
}

void contact_postcode(struct rng *r, unsigned country, unsigned region,
		      char *out, size_t cap)
{
	const struct region *rg = &countries[country].regions[region];

	if (country == CO_GB) {
		const char *outward = rg->keys[rng_below(r, rg->nkeys)];
		char in[4] = { (char)('0' + rng_below(r, 10)), pick_char(r, gb_inward),
			       pick_char(r, gb_inward), '\0' };

		snprintf(out, cap, "%s %s", outward, in);
	} else if (country == CO_IE) {
		const char *key = rg->keys[rng_below(r, rg->nkeys)];
		char id[5];

		for (int i = 0; i < 4; i++)
			id[i] = pick_char(r, eircode);
		id[4] = '\0';
		snprintf(out, cap, "%s %s", key, id);
	} else {
		snprintf(out, cap, "%05ld", rng_range(r, rg->lo, rg->hi));
	}
}

void contact_postcode_variant(struct rng *r, const char *pc, char *out, size_t cap)
{
	int lower = rng_bp(r, 5000);
	size_t o = 0;

	for (const char *p = pc; *p && o + 1 < cap; p++) {
		char c = *p;

		if (c == ' ' && !lower)
			continue;
		if (lower && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[o++] = c;
	}
	out[o] = '\0';
}

void contact_postcode_invalid(struct rng *r, unsigned country, const char *pc,
			      char *out, size_t cap)
{
	unsigned k = rng_below(r, 3);

	if (k == 0) {
		gw_copy(out, cap, "12");
		return;
	}
	if (country == CO_GB || country == CO_IE) {
		char compact[POSTCODE_CAP];
		size_t o = 0;
		const char *sp = strchr(pc, ' ');

		for (const char *p = pc; *p && o + 1 < sizeof(compact); p++)
			if (*p != ' ')
				compact[o++] = *p;
		compact[o] = '\0';
		if (k == 1)	/* one character too many: "SW1A1AAA" */
			snprintf(out, cap, "%s%c", compact, country == CO_GB ? 'A' : '7');
		else		/* only the outward code / routing key */
			snprintf(out, cap, "%.*s", sp ? (int)(sp - pc) : 3, pc);
		return;
	}
	if (k == 1) {
		gw_copy(out, cap, "ABCDE");
		return;
	}
	snprintf(out, cap, "%.4s", pc);	/* four digits: one short */
}

/* GB mobile prefixes whose every continuation is an allocated range. */
static const char *const gb_mobile[] = {
	"740", "741", "742", "743", "744", "746", "747", "748", "749", "751",
	"753", "754", "755", "756", "757", "758", "759", "771", "772", "773",
	"774", "775", "776", "777", "780", "781", "784", "785", "786", "787",
	"788", "789", "790", "792", "794", "795", "796", "797", "798", "799",
};
static const char *const ie_mobile[] = { "83", "85", "86", "87", "89" };
static const char *const de_mobile[] = {
	"151", "152", "157", "160", "170", "171", "172", "173", "174", "175",
	"176", "177", "178", "179",
};
static const char *const fr_mobile[] = {
	"60", "61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78",
};

static void put_digits(struct rng *r, char *p, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (char)('0' + rng_below(r, 10));
	p[n] = '\0';
}

static void us_number(struct rng *r, const struct region *rg, char *nsn)
{
	const char *area = rg->areas[rng_below(r, rg->nareas)];
	int x, y;

	/* Exchange NXX: no N11 service codes, no 555 directory range. */
	do {
		x = (int)rng_range(r, 2, 9);
		y = (int)rng_below(r, 100);
	} while (y == 11 || (x == 5 && y == 55));
	snprintf(nsn, 16, "%s%d%02d", area, x, y);
	put_digits(r, nsn + 6, 4);
}

void contact_phone(struct rng *r, unsigned country, unsigned region, struct phone *ph)
{
	const struct region *rg = &countries[country].regions[region];
	size_t len;

	ph->country = country;
	if (country == CO_US) {
		us_number(r, rg, ph->nsn);
		return;
	}
	if (rng_bp(r, countries[country].mobile_bp)) {
		switch (country) {
		case CO_GB:
			gw_copy(ph->nsn, sizeof(ph->nsn), rng_pick(r, gb_mobile, GW_ARRAY_LEN(gb_mobile)));
			put_digits(r, ph->nsn + 3, 7);
			return;
		case CO_IE:
			gw_copy(ph->nsn, sizeof(ph->nsn), rng_pick(r, ie_mobile, GW_ARRAY_LEN(ie_mobile)));
			put_digits(r, ph->nsn + 2, 7);
			return;
		case CO_DE:
			gw_copy(ph->nsn, sizeof(ph->nsn), rng_pick(r, de_mobile, GW_ARRAY_LEN(de_mobile)));
			put_digits(r, ph->nsn + 3, 8);
			return;
		case CO_FR:
			gw_copy(ph->nsn, sizeof(ph->nsn), rng_pick(r, fr_mobile, GW_ARRAY_LEN(fr_mobile)));
			put_digits(r, ph->nsn + 2, 7);
			return;
		default:
			ph->nsn[0] = '6';
			put_digits(r, ph->nsn + 1, 8);
			return;
		}
	}
	gw_copy(ph->nsn, sizeof(ph->nsn), rg->land.prefix);
	len = strlen(ph->nsn);
	put_digits(r, ph->nsn + len, rg->land.digits);
	ph->nsn[len] = pick_char(r, rg->land.first);
}

/* How the NSN splits into the groups a person would space it into. */
static int phone_groups(const struct phone *ph, int g[5])
{
	const char *s = ph->nsn;
	int len = (int)strlen(s);

	switch (ph->country) {
	case CO_GB:
		if (s[0] == '7' || (s[0] == '1' && s[1] != '1' && s[2] != '1')) {
			g[0] = 4, g[1] = len - 4;
			return 2;
		}
		if (s[0] == '2') {
			g[0] = 2, g[1] = 4, g[2] = len - 6;
			return 3;
		}
		g[0] = 3, g[1] = 3, g[2] = len - 6;
		return 3;
	case CO_IE:
		g[0] = s[0] == '1' ? 1 : 2;
		g[1] = 3;
		g[2] = len - g[0] - 3;
		return 3;
	case CO_DE:
		g[0] = (s[0] == '1' || s[0] == '2') ? 3 : 2;
		g[1] = len - g[0];
		return 2;
	case CO_FR:
		g[0] = 1, g[1] = g[2] = g[3] = g[4] = 2;
		return 5;
	default:	/* US, ES: 3-3-4 and 3-3-3 */
		g[0] = 3, g[1] = 3, g[2] = len - 6;
		return 3;
	}
}

struct sbuf {
	char *p;
	size_t cap, len;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n && b->len + 1 < b->cap; i++)
		b->p[b->len++] = s[i];
	b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* Writes the groups of the NSN, separated by sep (last separator lastsep). */
static void sb_groups(struct sbuf *b, const struct phone *ph, int from,
		      const char *sep, const char *lastsep)
{
	int g[5], n = phone_groups(ph, g), off = 0;

	for (int i = 0; i < n; i++) {
		if (i >= from) {
			if (i > from)
				sb_str(b, i == n - 1 ? lastsep : sep);
			sb_put(b, ph->nsn + off, (size_t)g[i]);
		}
		off += g[i];
	}
}

void phone_format(const struct phone *ph, enum phone_style st, char *out, size_t cap)
{
	struct sbuf b = { out, cap, 0 };
	const char *cc = countries[ph->country].cc;
	const char *trunk = countries[ph->country].trunk ? "0" : "";
	int us = ph->country == CO_US;

	out[0] = '\0';
	switch (st) {
	case PS_E164:
		sb_str(&b, "+");
		sb_str(&b, cc);
		sb_str(&b, ph->nsn);
		break;
	case PS_INTL:
	case PS_00:
		sb_str(&b, st == PS_INTL ? "+" : "00");
		sb_str(&b, cc);
		sb_str(&b, " ");
		sb_groups(&b, ph, 0, " ", " ");
		break;
	case PS_NATIONAL:
		if (us) {
			sb_str(&b, "(");
			sb_groups(&b, ph, 0, ") ", "-");
			break;
		}
		sb_str(&b, trunk);
		sb_groups(&b, ph, 0, " ", " ");
		break;
	case PS_COMPACT:
		sb_str(&b, trunk);
		sb_str(&b, ph->nsn);
		break;
	case PS_PAREN:
	case PS_PLUS1PAREN: {
		int g[5];

		phone_groups(ph, g);
		if (st == PS_PLUS1PAREN) {
			sb_str(&b, "+");
			sb_str(&b, cc);
			sb_str(&b, " ");
		}
		sb_str(&b, "(");
		sb_str(&b, trunk);
		sb_put(&b, ph->nsn, (size_t)g[0]);
		sb_str(&b, ") ");
		sb_groups(&b, ph, 1, " ", "-");
		break;
	}
	case PS_DOTS:
	case PS_DASH:
		sb_str(&b, trunk);
		sb_groups(&b, ph, 0, st == PS_DOTS ? "." : "-", st == PS_DOTS ? "." : "-");
		break;
	case PS_SLASH: {
		int g[5];

		phone_groups(ph, g);
		sb_str(&b, trunk);
		sb_put(&b, ph->nsn, (size_t)g[0]);
		sb_str(&b, "/");
		sb_str(&b, ph->nsn + g[0]);
		break;
	}
	default:
		break;
	}
}

/* The ways people in each country write numbers, most common first. */
static const unsigned style_weights[CO_COUNT][PS_COUNT] = {
	/*          E164 INTL NAT CMP PAR DOT DSH  00 SLA +1( */
	[CO_GB] = { 20, 30, 30, 8, 6, 0, 0, 6, 0, 0 },
	[CO_US] = { 12, 6, 45, 6, 0, 10, 16, 0, 0, 5 },
	[CO_IE] = { 20, 35, 35, 5, 0, 0, 0, 5, 0, 0 },
	[CO_DE] = { 20, 30, 25, 5, 0, 0, 0, 5, 15, 0 },
	[CO_FR] = { 20, 30, 30, 5, 0, 10, 0, 5, 0, 0 },
	[CO_ES] = { 20, 35, 35, 5, 0, 0, 0, 5, 0, 0 },
};

enum phone_style phone_style_pick(struct rng *r, unsigned country, int avoid)
{
	unsigned w[PS_COUNT];

	memcpy(w, style_weights[country], sizeof(w));
	if (avoid >= 0 && avoid < PS_COUNT)
		w[avoid] = 0;
	return (enum phone_style)rng_weighted(r, w, PS_COUNT);
}

void phone_invalid(struct rng *r, const struct phone *ph, char *out, size_t cap)
{
	static const char *const junk[] = { "12345", "n/a", "0000000000", "TBC", "000" };

	if (rng_bp(r, 5000)) {
		gw_copy(out, cap, rng_pick(r, junk, GW_ARRAY_LEN(junk)));
		return;
	}
	/* The number with its last group cut off: "+44 20 7946". */
	{
		char full[PHONE_CAP];
		char *sp;

		phone_format(ph, PS_INTL, full, sizeof(full));
		sp = strrchr(full, ' ');
		if (sp)
			*sp = '\0';
		gw_copy(out, cap, full);
	}
}

static const char *const gb_domains[] = {
	"gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com",
	"btinternet.com", "icloud.com", "sky.com", "live.co.uk",
};
static const unsigned gb_dw[] = { 35, 16, 8, 11, 6, 7, 4, 3 };
static const char *const us_domains[] = {
	"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com",
	"aol.com", "comcast.net",
};
static const unsigned us_dw[] = { 45, 15, 10, 6, 12, 3, 3 };
static const char *const ie_domains[] = {
	"gmail.com", "hotmail.com", "eircom.net", "yahoo.ie", "outlook.ie",
	"icloud.com",
};
static const unsigned ie_dw[] = { 42, 18, 8, 6, 10, 6 };
static const char *const de_domains[] = {
	"gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.de", "posteo.de",
};
static const unsigned de_dw[] = { 25, 22, 22, 11, 6, 3 };
static const char *const fr_domains[] = {
	"gmail.com", "orange.fr", "free.fr", "hotmail.fr", "laposte.net",
	"yahoo.fr", "sfr.fr",
};
static const unsigned fr_dw[] = { 35, 16, 10, 11, 8, 7, 4 };
static const char *const es_domains[] = {
	"gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net",
};
static const unsigned es_dw[] = { 45, 22, 10, 11, 5 };
static const char *const company_domains[] = {
	"harbourline.co.uk", "kestrel-analytics.com", "fenwick-partners.co.uk",
	"bluepeak.io", "meridian-health.org", "oakridge-gmbh.de",
	"lumiere-conseil.fr", "solmar.es", "celtic-data.ie", "granite-labs.com",
	"northgate.ac.uk", "thameswater-partners.co.uk",
};

static const char *pick_domain(struct rng *r, unsigned country)
{
	static const struct {
		const char *const *d;
		const unsigned *w;
		unsigned n;
	} tab[CO_COUNT] = {
		{ gb_domains, gb_dw, GW_ARRAY_LEN(gb_dw) },
		{ us_domains, us_dw, GW_ARRAY_LEN(us_dw) },
		{ ie_domains, ie_dw, GW_ARRAY_LEN(ie_dw) },
		{ de_domains, de_dw, GW_ARRAY_LEN(de_dw) },
		{ fr_domains, fr_dw, GW_ARRAY_LEN(fr_dw) },
		{ es_domains, es_dw, GW_ARRAY_LEN(es_dw) },
	};

	if (rng_bp(r, 1200))
		return rng_pick(r, company_domains, GW_ARRAY_LEN(company_domains));
	return tab[country].d[rng_weighted(r, tab[country].w, tab[country].n)];
}

void contact_email(struct rng *r, const struct pname *n, unsigned country,
		   unsigned attempt, char *out, size_t cap)
{
	static const unsigned pattern_w[] = { 45, 7, 12, 8, 5, 10, 6, 7 };
	char g[NAME_CAP], f[NAME_CAP], local[2 * NAME_CAP + 16], num[16] = "";
	int german = n->culture == C_DE && rng_bp(r, 5000);
	const char *domain = pick_domain(r, country);
	unsigned pat = rng_weighted(r, pattern_w, GW_ARRAY_LEN(pattern_w));

	names_local(g, sizeof(g), n->given, german);
	names_local(f, sizeof(f), n->family, german);
	if (pat == 5 || pat == 6)
		snprintf(num, sizeof(num), "%ld", rng_range(r, 1, 99));
	if (attempt > 0) {
		long hi = attempt < 4 ? 99 : attempt < 8 ? 999 : 9999;

		snprintf(num, sizeof(num), "%ld", rng_range(r, 10, hi));
	}
	switch (pat) {
	case 1:
		snprintf(local, sizeof(local), "%s_%s%s", g, f, num);
		break;
	case 2:
		snprintf(local, sizeof(local), "%c%s%s", g[0], f, num);
		break;
	case 3:
		snprintf(local, sizeof(local), "%s%s%s", g, f, num);
		break;
	case 4:
		snprintf(local, sizeof(local), "%s.%s%s", f, g, num);
		break;
	case 6:
		snprintf(local, sizeof(local), "%s%s", g, num);
		break;
	case 7:
		snprintf(local, sizeof(local), "%c.%s%s", g[0], f, num);
		break;
	default:
		snprintf(local, sizeof(local), "%s.%s%s", g, f, num);
		break;
	}
	snprintf(out, cap, "%s@%s", local, domain);
}

void email_recase(struct rng *r, const char *email, char *out, size_t cap)
{
	int all = rng_bp(r, 3000), start = 1;
	size_t o = 0;

	for (const char *p = email; *p && o + 1 < cap; p++) {
		char c = *p;
		int alpha = c >= 'a' && c <= 'z';

		if (alpha && (all || start))
			c = (char)(c - 'a' + 'A');
		start = !alpha && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9');
		out[o++] = c;
	}
	out[o] = '\0';
}

void email_plus_tag(struct rng *r, const char *email, char *out, size_t cap)
{
	static const char *const tags[] = {
		"promo", "news", "shop", "2024", "offers", "deals", "signup",
	};
	const char *at = strchr(email, '@');

	if (!at) {
		gw_copy(out, cap, email);
		return;
	}
	snprintf(out, cap, "%.*s+%s%s", (int)(at - email), email,
		 rng_pick(r, tags, GW_ARRAY_LEN(tags)), at);
}

void email_invalid(struct rng *r, const char *email, char *out, size_t cap)
{
	const char *at = strchr(email, '@');
	int llen = at ? (int)(at - email) : (int)strlen(email);
	const char *domain = at ? at + 1 : "gmail.com";
	const char *dot = memchr(email, '.', (size_t)llen);
	const char *ddot = strchr(domain, '.');

	switch (rng_below(r, 5)) {
	case 0:	/* no domain: "john.smith@" */
		snprintf(out, cap, "%.*s@", llen, email);
		break;
	case 1:	/* a space where the dot was: "john smith@gmail.com" */
		if (dot)
			snprintf(out, cap, "%.*s %.*s@%s", (int)(dot - email), email,
				 (int)(llen - (dot - email) - 1), dot + 1, domain);
		else
			snprintf(out, cap, "%.1s %.*s@%s", email, llen - 1, email + 1, domain);
		break;
	case 2:	/* no local part: "@gmail.com" */
		snprintf(out, cap, "@%s", domain);
		break;
	case 3:	/* no top-level domain: "john.smith@gmail" */
		snprintf(out, cap, "%.*s@%.*s", llen, email,
			 ddot ? (int)(ddot - domain) : (int)strlen(domain), domain);
		break;
	default: /* doubled dot: "john..smith@gmail.com" */
		if (dot)
			snprintf(out, cap, "%.*s.%s", (int)(dot - email + 1), email, dot + 1);
		else
			snprintf(out, cap, "%.1s..%s", email, email + 1);
		break;
	}
}

void contact_device(struct rng *r, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t a = rng_next(r), b = rng_next(r);
	int o = 0;

	for (int i = 0; i < 32; i++) {
		unsigned nib;

		if (i < 16)
			nib = (unsigned)(a >> (60 - 4 * i)) & 15;
		else
			nib = (unsigned)(b >> (60 - 4 * (i - 16))) & 15;
		if (i == 12)
			nib = 4;			/* version 4 */
		if (i == 16)
			nib = 8 | (nib & 3);		/* RFC 4122 variant */
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[nib];
	}
	out[o] = '\0';
}
