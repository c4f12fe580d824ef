/*
 * transform.c - parsing and applying normalising transforms.  See
 * transform.h.
 *
 * The grammar of a chain:
 *     chain := step (space step)*
 *     step  := name [ '(' [arg (',' arg)*] ')' ]
 *     arg   := [key '='] value
 *     value := bare characters up to ',' or ')'  |  'quoted' ('' for ')
 * Parsing is strict (unknown names, wrong arguments and bad date formats are
 * policy errors) because a typo in a transform silently changes every value
 * of a column.
 */
#include "policy/transform.h"

#include <ctype.h>

#include "util/country.h"
#include "util/datetime.h"
#include "util/phone.h"
#include "util/postcode.h"
#include "util/textdist.h"
#include "util/utf8.h"

static const struct {
	const char *name;
	const char *usage;
} tx_table[TX_KIND_COUNT] = {
	[TX_TRIM] = { "trim", "trim: remove leading and trailing white space" },
	[TX_COLLAPSE_SPACE] = { "collapse-space",
		"collapse-space: trim and turn every run of white space into one space" },
	[TX_LOWER] = { "lower", "lower: lower-case (Unicode)" },
	[TX_UPPER] = { "upper", "upper: upper-case (Unicode)" },
	[TX_TITLE] = { "title", "title: Title Case each word (o'brien -> O'Brien)" },
	[TX_FOLD] = { "fold", "fold: strip accents (Müller -> Muller, Łukasz -> Lukasz)" },
	[TX_DIGITS] = { "digits", "digits: keep only the digits 0-9" },
	[TX_ALNUM] = { "alnum", "alnum: keep only letters and digits" },
	[TX_NULL_IF] = { "null-if",
		"null-if(V,...): empty the value when it equals one of V (ignoring case)" },
	[TX_REPLACE] = { "replace", "replace(FROM,TO): replace every FROM with TO" },
	[TX_MAP] = { "map",
		"map(A=B,...): replace a whole value A (ignoring case) with B" },
	[TX_BOOL] = { "bool",
		"bool: yes/no, y/n, 1/0, on/off, opted-in/opted-out ... -> true/false" },
	[TX_EMAIL] = { "email",
		"email: the address of \"Name <address>\", trimmed and lower-cased" },
	[TX_E164] = { "e164",
		"e164[(country=XX | country-field=FIELD)]: phone number to E.164 (+4420...)" },
	[TX_POSTCODE] = { "postcode",
		"postcode(country=XX | country-field=FIELD): canonical postcode for the country" },
	[TX_COUNTRY] = { "country",
		"country: country name, alpha-3 or alias to ISO 3166 alpha-2 (United Kingdom -> GB)" },
	[TX_DATE] = { "date",
		"date[(format=F|F...)]: parse a date (default ISO 8601) -> YYYY-MM-DD" },
	[TX_DATETIME] = { "datetime",
		"datetime[(format=F|F...)]: parse a time stamp -> YYYY-MM-DDTHH:MM:SSZ" },
	[TX_LAST_FIRST] = { "last-first",
		"last-first: reorder \"LAST, First\" to \"First LAST\"" },
	[TX_NAME_PART] = { "name-part",
		"name-part(given|family): one part of \"First Last\" or \"LAST, First\"" },
	[TX_ORG_NAME] = { "org-name",
		"org-name: an organisation's name without notes in parentheses or its legal form (Inc, Ltd, GmbH ...)" },
	[TX_GENERATION] = { "generation",
		"generation: a person name's generational suffix (Jr, Senior, II, 3rd ...) as jr, sr, i, ii, iii or iv; empty without one" },
	[TX_ADDRESS] = { "address",
		"address: lower case, punctuation out, street types, directions and unit words the short way (Lane -> ln, North -> n, Suite -> ste)" },
};

const char *transform_name(enum transform_kind k)
{
	return k < TX_KIND_COUNT ? tx_table[k].name : "?";
}

const char *transform_usage(enum transform_kind k)
{
	return k < TX_KIND_COUNT ? tx_table[k].usage : "?";
}

/* ---- parsing ----------------------------------------------------------- */

struct tx_parser {
	const char *spec;
	size_t pos;
	struct arena *a;
	struct transform_error *err;
};

static int tx_fail(struct tx_parser *p, size_t offset, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static int tx_fail(struct tx_parser *p, size_t offset, const char *fmt, ...)
{
	va_list ap;

	p->err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return ST_ERR;
}

static void skip_space(struct tx_parser *p)
{
	while (isspace((unsigned char)p->spec[p->pos]))
		p->pos++;
}

static bool name_char(int c)
{
	return isalnum(c) || c == '-' || c == '_';
}

static int lookup_kind(struct tx_parser *p, size_t start, size_t len,
		       enum transform_kind *out)
{
	const char *names[TX_KIND_COUNT];
	const char *best;
	char word[64];

	for (int k = 0; k < TX_KIND_COUNT; k++) {
		if (strlen(tx_table[k].name) == len &&
		    !memcmp(tx_table[k].name, p->spec + start, len)) {
			*out = (enum transform_kind)k;
			return 0;
		}
		names[k] = tx_table[k].name;
	}
	snprintf(word, sizeof(word), "%.*s", (int)(len < 60 ? len : 60),
		 p->spec + start);
	best = textdist_suggest(word, names, TX_KIND_COUNT);
	if (best)
		return tx_fail(p, start, "unknown transform '%s'; did you mean '%s'?",
			       word, best);
	return tx_fail(p, start, "unknown transform '%s' (known: trim, "
		       "collapse-space, lower, upper, title, fold, digits, alnum, "
		       "null-if, replace, map, bool, email, e164, postcode, country, "
		       "date, datetime, last-first, name-part, org-name, address, generation)",
		       word);
}

/* Read one argument value: bare up to ',' or ')', or single-quoted. */
static int parse_value(struct tx_parser *p, const char **out)
{
	struct buf v = BUF_INIT;
	const char *s = p->spec;
	size_t start = p->pos;

	skip_space(p);
	if (s[p->pos] == '\'') {
		p->pos++;
		for (;;) {
			if (!s[p->pos]) {
				buf_release(&v);
				return tx_fail(p, start, "unterminated quoted argument");
			}
			if (s[p->pos] == '\'') {
				if (s[p->pos + 1] != '\'')
					break;
				p->pos++;
			}
			buf_addch(&v, s[p->pos++]);
		}
		p->pos++;
		skip_space(p);
	} else {
		while (s[p->pos] && s[p->pos] != ',' && s[p->pos] != ')' &&
		       s[p->pos] != '=')
			buf_addch(&v, s[p->pos++]);
		buf_trim(&v);
	}
	*out = arena_strndup(p->a, v.data, v.len);
	buf_release(&v);
	return *out ? 0 : ST_ERR_NOMEM;
}

static int parse_args(struct tx_parser *p, struct transform *t)
{
	struct transform_arg args[LIMIT_TRANSFORM_ARGS];
	size_t n = 0;
	int rc;

	p->pos++; /* '(' */
	skip_space(p);
	if (p->spec[p->pos] == ')') {
		p->pos++;
		return 0;
	}
	for (;;) {
		const char *first;
		size_t at = p->pos;

		if (n == LIMIT_TRANSFORM_ARGS)
			return tx_fail(p, at, "more than %d arguments",
				       LIMIT_TRANSFORM_ARGS);
		if ((rc = parse_value(p, &first)))
			return rc;
		args[n].key = NULL;
		args[n].value = first;
		if (p->spec[p->pos] == '=') {
			p->pos++;
			args[n].key = first;
			if ((rc = parse_value(p, &args[n].value)))
				return rc;
		}
		n++;
		if (p->spec[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->spec[p->pos] == ')') {
			p->pos++;
			break;
		}
		return tx_fail(p, p->pos, "expected ',' or ')' in the arguments of '%s'",
			       transform_name(t->kind));
	}
	t->args = arena_array(p->a, n, sizeof(*args));
	if (!t->args)
		return ST_ERR_NOMEM;
	memcpy(t->args, args, n * sizeof(*args));
	t->n_args = n;
	return 0;
}

static const char *arg_get(const struct transform *t, const char *key)
{
	for (size_t i = 0; i < t->n_args; i++)
		if (t->args[i].key && !strcmp(t->args[i].key, key))
			return t->args[i].value;
	return NULL;
}

static int check_country_args(struct tx_parser *p, struct transform *t,
			      bool required)
{
	for (size_t i = 0; i < t->n_args; i++) {
		const char *k = t->args[i].key;

		if (!k || (strcmp(k, "country") && strcmp(k, "country-field")))
			return tx_fail(p, t->offset, "%s takes country=XX or "
				       "country-field=FIELD", transform_name(t->kind));
	}
	t->country = arg_get(t, "country");
	t->field_ref = arg_get(t, "country-field");
	if (t->country && t->field_ref)
		return tx_fail(p, t->offset, "%s takes country=XX or country-field=FIELD, "
			       "not both", transform_name(t->kind));
	if (t->country && !country_by_code(t->country))
		return tx_fail(p, t->offset, "%s: '%s' is not an ISO 3166 alpha-2 "
			       "country code", transform_name(t->kind), t->country);
	if (required && !t->country && !t->field_ref)
		return tx_fail(p, t->offset, "%s needs country=XX or country-field=FIELD",
			       transform_name(t->kind));
	return 0;
}

static int check_formats(struct tx_parser *p, struct transform *t)
{
	struct buf why = BUF_INIT;
	const char *f;
	size_t err_pos = 0;
	int rc = 0;

	for (size_t i = 0; i < t->n_args; i++)
		if (!t->args[i].key || strcmp(t->args[i].key, "format"))
			return tx_fail(p, t->offset, "%s takes format=F (several "
				       "separated by '|')", transform_name(t->kind));
	f = arg_get(t, "format");
	t->formats = f ? f : "iso8601";
	if (datetime_formats_check(t->formats, &err_pos, &why))
		rc = tx_fail(p, t->offset, "%s: bad format '%s': %s",
			     transform_name(t->kind), t->formats, why.data);
	buf_release(&why);
	return rc;
}

static int check_args(struct tx_parser *p, struct transform *t)
{
	switch (t->kind) {
	case TX_NULL_IF:
	case TX_MAP:
		if (!t->n_args)
			return tx_fail(p, t->offset, "%s needs at least one argument",
				       transform_name(t->kind));
		for (size_t i = 0; i < t->n_args; i++) {
			bool keyed = t->args[i].key != NULL;

			if (keyed != (t->kind == TX_MAP))
				return tx_fail(p, t->offset, "%s", transform_usage(t->kind));
		}
		return 0;
	case TX_REPLACE:
		if (t->n_args != 2 || t->args[0].key || t->args[1].key ||
		    !t->args[0].value[0])
			return tx_fail(p, t->offset, "%s", transform_usage(t->kind));
		return 0;
	case TX_E164:
		return check_country_args(p, t, false);
	case TX_POSTCODE:
		return check_country_args(p, t, true);
	case TX_DATE:
	case TX_DATETIME:
		return check_formats(p, t);
	case TX_NAME_PART:
		if (t->n_args != 1 || t->args[0].key ||
		    (strcmp(t->args[0].value, "given") &&
		     strcmp(t->args[0].value, "family")))
			return tx_fail(p, t->offset, "name-part takes given or family");
		t->name_part = strcmp(t->args[0].value, "given") ? 1 : 0;
		return 0;
	default:
		if (t->n_args)
			return tx_fail(p, t->offset, "%s takes no arguments",
				       transform_name(t->kind));
		return 0;
	}
}

int transform_parse(const char *spec, struct arena *a,
		    struct transform_chain *chain, struct transform_error *err)
{
	struct transform items[LIMIT_TRANSFORMS];
	struct tx_parser p = { spec, 0, a, err };
	size_t n = 0;
	int rc;

	chain->items = NULL;
	chain->n = 0;
	for (;;) {
		struct transform *t;
		size_t start;

		skip_space(&p);
		if (!spec[p.pos])
			break;
		start = p.pos;
		if (!name_char((unsigned char)spec[p.pos]))
			return tx_fail(&p, start, "unexpected '%c' where a transform "
				       "name should be", spec[p.pos]);
		while (name_char((unsigned char)spec[p.pos]))
			p.pos++;
		if (n == LIMIT_TRANSFORMS)
			return tx_fail(&p, start, "more than %d transforms in one chain",
				       LIMIT_TRANSFORMS);
		t = &items[n];
		memset(t, 0, sizeof(*t));
		t->offset = start;
		t->field_index = SIZE_MAX;
		if ((rc = lookup_kind(&p, start, p.pos - start, &t->kind)))
			return rc;
		if (spec[p.pos] == '(' && (rc = parse_args(&p, t)))
			return rc;
		if (spec[p.pos] && !isspace((unsigned char)spec[p.pos]))
			return tx_fail(&p, p.pos, "expected a space between transforms");
		if ((rc = check_args(&p, t)))
			return rc;
		n++;
	}
	if (n) {
		chain->items = arena_array(a, n, sizeof(*items));
		if (!chain->items)
			return ST_ERR_NOMEM;
		memcpy(chain->items, items, n * sizeof(*items));
	}
	chain->n = n;
	return 0;
}

/* ---- applying ---------------------------------------------------------- */

static void swap_bufs(struct buf *a, struct buf *b)
{
	struct buf t = *a;

	*a = *b;
	*b = t;
}

/* Words are appended whole; the space before one is only written when
 * something precedes it, so leading white space goes. */
static void tx_collapse(struct buf *v, struct buf *out)
{
	const char *s = v->data;
	bool space = false;
	size_t i = 0;

	while (i < v->len) {
		size_t start = i;

		if (isspace((unsigned char)s[i])) {
			space = out->len > 0;
			i++;
			continue;
		}
		while (i < v->len && !isspace((unsigned char)s[i]))
			i++;
		if (space)
			buf_addch(out, ' ');
		space = false;
		buf_add(out, s + start, i - start);
	}
}

static void tx_keep(struct buf *v, struct buf *out, bool letters)
{
	size_t i = 0;

	while (i < v->len) {
		int32_t cp;
		size_t n = utf8_decode(v->data + i, v->len - i, &cp);

		bool keep = (cp >= '0' && cp <= '9') ||
			    (letters && (cp < 128 ? isalpha((int)cp) != 0
						  : utf8_is_letter(cp)));

		if (keep)
			buf_add(out, v->data + i, n);
		i += n;
	}
}

static bool ieq_len(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static bool ieq(const char *a, size_t alen, const char *b)
{
	return ieq_len(a, alen, b, strlen(b));
}

static void tx_replace(const struct transform *t, struct buf *v, struct buf *out)
{
	const char *from = t->args[0].value, *to = t->args[1].value;
	size_t flen = strlen(from);

	for (size_t i = 0; i < v->len;) {
		if (i + flen <= v->len && !memcmp(v->data + i, from, flen)) {
			buf_addstr(out, to);
			i += flen;
		} else {
			buf_addch(out, v->data[i++]);
		}
	}
}

/* With their lengths, so that most words are ruled out by one compare. */
#define BOOL_WORD(w, v) { w, sizeof(w) - 1, v }

static const struct {
	const char *word;
	size_t len;
	bool value;
} bool_words[] = {
	BOOL_WORD("true", true), BOOL_WORD("false", false),
	BOOL_WORD("yes", true), BOOL_WORD("no", false),
	BOOL_WORD("y", true), BOOL_WORD("n", false),
	BOOL_WORD("t", true), BOOL_WORD("f", false),
	BOOL_WORD("1", true), BOOL_WORD("0", false),
	BOOL_WORD("on", true), BOOL_WORD("off", false),
	BOOL_WORD("opted-in", true), BOOL_WORD("opted-out", false),
	BOOL_WORD("opt-in", true), BOOL_WORD("opt-out", false),
	BOOL_WORD("subscribed", true), BOOL_WORD("unsubscribed", false),
	BOOL_WORD("granted", true), BOOL_WORD("withdrawn", false),
	BOOL_WORD("consented", true),
};

static enum transform_status tx_bool(struct buf *v, struct buf *out,
				     const char **why)
{
	for (size_t i = 0; i < ARRAY_SIZE(bool_words); i++) {
		if (ieq_len(v->data, v->len, bool_words[i].word,
			    bool_words[i].len)) {
			if (bool_words[i].value)
				buf_add(out, "true", 4);
			else
				buf_add(out, "false", 5);
			return TXS_OK;
		}
	}
	*why = "bool: not a yes/no value";
	return TXS_FAILED;
}

/* The country for e164/postcode: fixed, or from another field. */
static const char *tx_country(const struct transform *t,
			      const struct transform_ctx *ctx)
{
	const struct country *c;

	if (t->country)
		return t->country;
	if (!t->field_ref || !ctx || t->field_index >= ctx->n ||
	    !ctx->values[t->field_index])
		return NULL;
	c = country_lookup(ctx->values[t->field_index], ctx->lens[t->field_index]);
	return c ? c->alpha2 : NULL;
}

static enum transform_status tx_e164(const struct transform *t,
				     const struct transform_ctx *ctx,
				     struct buf *v, struct buf *out,
				     const char **why)
{
	enum phone_status st = phone_to_e164(v->data, v->len, tx_country(t, ctx),
					     out);

	if (st == PHONE_OK)
		return TXS_OK;
	*why = phone_status_reason(st);
	return TXS_FAILED;
}

static enum transform_status tx_postcode(const struct transform *t,
					 const struct transform_ctx *ctx,
					 struct buf *v, struct buf *out,
					 const char **why)
{
	const char *cc = tx_country(t, ctx);
	enum postcode_status st;

	if (!cc) {
		*why = "postcode: the record has no known country";
		return TXS_FAILED;
	}
	st = postcode_normalise(v->data, v->len, cc, out);
	if (st == POSTCODE_OK || st == POSTCODE_UNKNOWN_COUNTRY)
		return TXS_OK;
	*why = "postcode: not a valid postcode for the country";
	return TXS_FAILED;
}

static enum transform_status tx_date(const struct transform *t, struct buf *v,
				     struct buf *out, const char **why)
{
	struct datetime dt;

	if (date_parse_any(v->data, v->len, t->formats, &dt)) {
		*why = t->kind == TX_DATE ? "date: does not match the date format"
					  : "datetime: does not match the format";
		return TXS_FAILED;
	}
	if (t->kind == TX_DATE)
		dt.has_time = 0;
	else
		dt.has_time = 1;
	datetime_format_iso(&dt, out);
	return TXS_OK;
}

/* Lower-case words that belong to the family name that follows them
 * (van der Berg, de la Cruz, Mac Giolla Phádraig, bin Laden). */
#define PARTICLE(w) { w, sizeof(w) - 1 }

static const struct {
	const char *word;
	size_t len;
} name_particles[] = {
	PARTICLE("al"), PARTICLE("ap"), PARTICLE("bin"), PARTICLE("binti"),
	PARTICLE("da"), PARTICLE("das"), PARTICLE("de"), PARTICLE("del"),
	PARTICLE("della"), PARTICLE("der"), PARTICLE("di"), PARTICLE("do"),
	PARTICLE("dos"), PARTICLE("du"), PARTICLE("el"), PARTICLE("giolla"),
	PARTICLE("ibn"), PARTICLE("la"), PARTICLE("le"), PARTICLE("mac"),
	PARTICLE("mc"), PARTICLE("ni"), PARTICLE("ní"), PARTICLE("nic"),
	PARTICLE("o"), PARTICLE("ó"), PARTICLE("san"), PARTICLE("st"),
	PARTICLE("st."), PARTICLE("ter"), PARTICLE("ten"), PARTICLE("van"),
	PARTICLE("von"), PARTICLE("y"),
};

static bool is_particle(const char *w, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(name_particles); i++)
		if (ieq_len(w, len, name_particles[i].word,
			    name_particles[i].len))
			return true;
	return false;
}

/* Start of the family name in "Given Middle van der Family": the last
 * word, extended left over particles, never taking the first word. */
static size_t family_start(const char *s, size_t len)
{
	size_t start = len;

	while (start > 0 && s[start - 1] != ' ')
		start--;
	while (start > 1) {
		size_t w = start - 1;

		while (w > 0 && s[w - 1] == ' ')
			w--;
		size_t end = w;

		while (w > 0 && s[w - 1] != ' ')
			w--;
		if (w == 0 || !is_particle(s + w, end - w))
			break;
		start = w;
	}
	return start;
}

static void trim_part(const char **p, size_t *len)
{
	while (*len && isspace((unsigned char)**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*p)[*len - 1]))
		(*len)--;
}

/* "LAST, First Middle" -> ("First Middle", "LAST"); else the family name
 * is the last word with any particles before it.  Parts may be empty. */
static void split_name(const char *s, size_t len, const char **given,
		       size_t *glen, const char **family, size_t *flen)
{
	const char *comma = memchr(s, ',', len);

	trim_part(&s, &len);
	if (comma) {
		*family = s;
		*flen = (size_t)(comma - s);
		*given = comma + 1;
		*glen = len - *flen - 1;
	} else {
		size_t i = family_start(s, len);

		*given = s;
		*glen = i;
		*family = s + i;
		*flen = len - i;
	}
	trim_part(given, glen);
	trim_part(family, flen);
}

static void tx_name(const struct transform *t, struct buf *v, struct buf *out)
{
	const char *g, *f;
	size_t gl, fl;

	split_name(v->data, v->len, &g, &gl, &f, &fl);
	if (t->kind == TX_LAST_FIRST) {
		if (!memchr(v->data, ',', v->len)) {
			buf_add(out, v->data, v->len);
			return;
		}
		buf_add(out, g, gl);
		if (gl && fl)
			buf_addch(out, ' ');
		buf_add(out, f, fl);
	} else if (t->name_part == 0) {
		buf_add(out, g, gl);
	} else {
		buf_add(out, f, fl);
	}
}

/* The address of "Display Name <local@domain>": the text inside the last
 * pair of angle brackets, when it holds an @; else the value as it is. */
static void angle_addr(const char **s, size_t *n)
{
	const char *close = *n ? memchr(*s, '>', *n) : NULL, *open = NULL;

	for (const char *c = *s; close && c < close; c++)
		if (*c == '<')
			open = c;
	if (!open || !memchr(open, '@', (size_t)(close - open)))
		return;
	*s = open + 1;
	*n = (size_t)(close - open - 1);
}

/* Legal forms that end an organisation's name, in lower case without
 * dots ("Co. Ltd." is co ltd): the same company is "Acme", "Acme Inc"
 * and "ACME Incorporated" in different systems. */
static const char *const legal_forms[] = {
	"ab", "ag", "as", "bv", "bhd", "co", "company", "corp", "corporation",
	"gmbh", "inc", "incorporated", "kg", "kk", "limited", "llc", "llp",
	"lp", "ltd", "nv", "oy", "plc", "pte", "pty", "pvt", "sa", "sarl",
	"sas", "spa", "srl", NULL
};

static bool legal_form(const char *w, size_t len)
{
	char low[16];
	size_t k = 0;

	for (size_t i = 0; i < len; i++) {
		if (w[i] == '.')
			continue;
		if (k + 1 >= sizeof(low) || (unsigned char)w[i] >= 0x80)
			return false;
		low[k++] = (char)tolower((unsigned char)w[i]);
	}
	low[k] = '\0';
	for (size_t i = 0; k && legal_forms[i]; i++)
		if (!strcmp(low, legal_forms[i]))
			return true;
	return false;
}

/* Generational suffixes, in lower case without dots, and how they are
 * written out: Robert Smith Jr and Robert Smith Sr are two people. */
static const char *const generations[][2] = {
	{ "jr", "jr" }, { "junior", "jr" }, { "jnr", "jr" },
	{ "sr", "sr" }, { "senior", "sr" }, { "snr", "sr" },
	{ "i", "i" }, { "1st", "i" }, { "ii", "ii" }, { "2nd", "ii" },
	{ "iii", "iii" }, { "3rd", "iii" }, { "iv", "iv" }, { "4th", "iv" },
};

const char *transform_generation_of(const char *w, size_t len)
{
	char low[8];

	if (!len || len >= sizeof(low))
		return NULL;
	for (size_t j = 0; j < len; j++)
		low[j] = (char)tolower((unsigned char)w[j]);
	low[len] = '\0';
	for (size_t g = 0; g < ARRAY_SIZE(generations); g++)
		if (!strcmp(low, generations[g][0]))
			return generations[g][1];
	return NULL;
}

/* The generation of a person's name: its last word after the first that
 * is a generational suffix ("Morris II Klein", "Klein, Morris II",
 * "David Dobbins Jr."); nothing when none is. */
static void tx_generation(const struct buf *v, struct buf *out)
{
	const char *found = NULL, *g;
	size_t i = 0, words = 0;

	while (i < v->len) {
		size_t start;

		while (i < v->len && (isspace((unsigned char)v->data[i]) ||
				      v->data[i] == ',' || v->data[i] == '.'))
			i++;
		start = i;
		while (i < v->len && !isspace((unsigned char)v->data[i]) &&
		       v->data[i] != ',' && v->data[i] != '.')
			i++;
		if (i == start)
			break;
		if (words++ > 0 &&
		    (g = transform_generation_of(v->data + start, i - start)))
			found = g;
	}
	if (found)
		buf_addstr(out, found);
}

/* Separators between the words of an organisation's name. */
static bool org_sep(char c)
{
	return isspace((unsigned char)c) || c == ',' || c == ';' || c == '&';
}

/* Notes in parentheses dropped, then legal forms at the end (the first
 * word always stays: "Co Op" is a name), words joined by one space. */
static void tx_org_name(const struct buf *v, struct buf *out)
{
	const char *w[64];
	size_t wl[64], nw = 0, depth = 0, i = 0;

	while (i < v->len) {
		size_t j = i;

		if (v->data[i] == '(' || v->data[i] == ')') {
			depth = v->data[i] == '(' ? depth + 1 : depth ? depth - 1 : 0;
			i++;
			continue;
		}
		if (depth || org_sep(v->data[i])) {
			i++;
			continue;
		}
		while (j < v->len && !org_sep(v->data[j]) && v->data[j] != '(' &&
		       v->data[j] != ')')
			j++;
		if (nw < ARRAY_SIZE(w)) {
			w[nw] = v->data + i;
			wl[nw++] = j - i;
		} else {	/* a very long name: the rest as one last word */
			wl[nw - 1] = (size_t)(v->data + j - w[nw - 1]);
		}
		i = j;
	}
	while (nw > 1 && legal_form(w[nw - 1], wl[nw - 1]))
		nw--;
	for (size_t k = 0; k < nw; k++) {
		if (k)
			buf_addch(out, ' ');
		buf_add(out, w[k], wl[k]);
	}
}

/* The short forms of words in addresses: street types, directions and
 * unit designators, as the US Postal Service abbreviates them
 * (Publication 28), which suit British and most English addresses too.
 * Every short form is its own short form, so the transform is
 * idempotent. */
static const struct {
	const char *word, *as;
} address_words[] = {
	{ "alley", "aly" }, { "apartment", "apt" }, { "av", "ave" },
	{ "avenue", "ave" }, { "boulevard", "blvd" }, { "building", "bldg" },
	{ "center", "ctr" }, { "centre", "ctr" }, { "circle", "cir" },
	{ "court", "ct" }, { "crescent", "cres" }, { "department", "dept" },
	{ "drive", "dr" }, { "east", "e" }, { "expressway", "expy" },
	{ "floor", "fl" }, { "freeway", "fwy" }, { "gardens", "gdns" },
	{ "heights", "hts" }, { "highway", "hwy" }, { "lane", "ln" },
	{ "mount", "mt" }, { "north", "n" }, { "northeast", "ne" },
	{ "northwest", "nw" }, { "parkway", "pkwy" }, { "place", "pl" },
	{ "plaza", "plz" }, { "road", "rd" }, { "room", "rm" },
	{ "route", "rte" }, { "south", "s" }, { "southeast", "se" },
	{ "southwest", "sw" }, { "square", "sq" }, { "str", "st" },
	{ "street", "st" }, { "suite", "ste" }, { "terrace", "ter" },
	{ "trail", "trl" }, { "west", "w" },
};

/* Separators between the words of an address; an apostrophe, a hyphen
 * and a slash stay inside words (St John's, 12-14, 1/2). */
static bool address_sep(char c)
{
	return isspace((unsigned char)c) || c == ',' || c == '.' || c == '#' ||
	       c == ';' || c == ':' || c == '(' || c == ')' || c == '"';
}

/* The short way of the word out->data[at..]: replaced in place. */
static void address_word(struct buf *out, size_t at)
{
	const char *w = out->data + at;
	size_t n = out->len - at;

	for (size_t i = 0; i < ARRAY_SIZE(address_words); i++)
		if (strlen(address_words[i].word) == n &&
		    !memcmp(address_words[i].word, w, n)) {
			buf_truncate(out, at);
			buf_addstr(out, address_words[i].as);
			return;
		}
}

/* A word that only says a number follows ("No 321" and "#321" are 321):
 * no, nr or number in any case. */
static bool number_word(const char *w, size_t n)
{
	return (n == 2 && ieq(w, n, "no")) || (n == 2 && ieq(w, n, "nr")) ||
	       (n == 6 && ieq(w, n, "number"));
}

/* The end of the word at i of v, and in *next where the next one starts. */
static size_t address_word_end(const struct buf *v, size_t i, size_t *next)
{
	size_t j = i;

	while (j < v->len && !address_sep(v->data[j]))
		j++;
	for (*next = j; *next < v->len && address_sep(v->data[*next]); (*next)++)
		;
	return j;
}

/* Do the number words from i on lead to a number ("No No 321")? */
static bool before_number(const struct buf *v, size_t i)
{
	size_t j, next;

	while (i < v->len) {
		j = address_word_end(v, i, &next);
		if (!number_word(v->data + i, j - i))
			return isdigit((unsigned char)v->data[i]);
		i = next;
	}
	return false;
}

/* Lower case, words split at punctuation and joined by one space, each
 * known word the short way, and "no", "nr" or "number" before a number
 * dropped. */
static void tx_address(const struct buf *v, struct buf *out)
{
	size_t i = 0, j, next, at;

	while (i < v->len && address_sep(v->data[i]))
		i++;
	for (; i < v->len; i = next) {
		j = address_word_end(v, i, &next);
		if (number_word(v->data + i, j - i) && before_number(v, next))
			continue;
		if (out->len)
			buf_addch(out, ' ');
		at = out->len;
		utf8_lower(v->data + i, j - i, out);
		address_word(out, at);
	}
}

static enum transform_status tx_one(const struct transform *t,
				    const struct transform_ctx *ctx,
				    struct buf *v, struct buf *out,
				    const char **why)
{
	const struct country *c;
	const char *s = v->data;
	size_t n = v->len;

	switch (t->kind) {
	case TX_TRIM:
		/* what buf_trim() would leave, without copying the rest */
		trim_part(&s, &n);
		buf_add(out, s, n);
		break;
	case TX_COLLAPSE_SPACE: tx_collapse(v, out); break;
	case TX_LOWER: utf8_lower(v->data, v->len, out); break;
	case TX_UPPER: utf8_upper(v->data, v->len, out); break;
	case TX_TITLE: utf8_title(v->data, v->len, out); break;
	case TX_FOLD: utf8_fold(v->data, v->len, out); break;
	case TX_DIGITS: tx_keep(v, out, false); break;
	case TX_ALNUM: tx_keep(v, out, true); break;
	case TX_NULL_IF:
		for (size_t i = 0; i < t->n_args; i++)
			if (ieq(v->data, v->len, t->args[i].value))
				return TXS_OK;
		buf_add(out, v->data, v->len);
		break;
	case TX_REPLACE: tx_replace(t, v, out); break;
	case TX_MAP:
		for (size_t i = 0; i < t->n_args; i++) {
			if (ieq(v->data, v->len, t->args[i].key)) {
				buf_addstr(out, t->args[i].value);
				return TXS_OK;
			}
		}
		buf_add(out, v->data, v->len);
		break;
	case TX_BOOL: return tx_bool(v, out, why);
	case TX_EMAIL:
		/* "Ann Lee <ann@x.com>": the address in the brackets (RFC
		 * 5322's name-addr); then trim and lower-case, the same
		 * result as the other way round (case mapping never makes
		 * or removes ASCII space), without moving the lowered bytes;
		 * v stays untouched if the step fails, as transform_apply
		 * promises */
		angle_addr(&s, &n);
		trim_part(&s, &n);
		utf8_lower(s, n, out);
		break;
	case TX_ORG_NAME: tx_org_name(v, out); break;
	case TX_ADDRESS: tx_address(v, out); break;
	case TX_GENERATION: tx_generation(v, out); break;
	case TX_E164: return tx_e164(t, ctx, v, out, why);
	case TX_POSTCODE: return tx_postcode(t, ctx, v, out, why);
	case TX_COUNTRY:
		c = country_lookup(v->data, v->len);
		if (!c) {
			*why = "country: not a country name or ISO 3166 code";
			return TXS_FAILED;
		}
		buf_add(out, c->alpha2, 2);
		break;
	case TX_DATE:
	case TX_DATETIME: return tx_date(t, v, out, why);
	case TX_LAST_FIRST:
	case TX_NAME_PART: tx_name(t, v, out); break;
	case TX_KIND_COUNT: break;
	}
	return TXS_OK;
}

enum transform_status transform_apply(const struct transform_chain *chain,
				      const struct transform_ctx *ctx,
				      struct buf *v, struct buf *scratch,
				      const char **why)
{
	for (size_t i = 0; i < chain->n; i++) {
		const struct transform *t = &chain->items[i];

		/* an empty value stays empty: nothing to normalise, and
		 * "missing" must not turn into "invalid" */
		if (v->len == 0)
			return TXS_OK;
		buf_reset(scratch);
		if (tx_one(t, ctx, v, scratch, why) != TXS_OK)
			return TXS_FAILED;
		if (buf_error(scratch)) {
			*why = "value too long";
			return TXS_FAILED;
		}
		swap_bufs(v, scratch);
	}
	return TXS_OK;
}
