/*
 * resolve.c - match records, rules, blocking and scoring (see resolve.h).
 *
 * Records are rows of value ids: vals[i * na + a] is 0 when record i has no
 * value for identity attribute a, else one more than the value's id in
 * that attribute's table.  Comparing two records is then comparing small
 * integers first (equal ids: exact agreement) and strings only when they
 * differ; blocking keys are hashes of ids and of derived codes (Soundex,
 * prefixes); term frequencies are the tables' counts.
 */
#include "identity/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "identity/compare.h"
#include "policy/transform.h"
#include "profile/sketch.h"
#include "source/csv.h"
#include "util/translit.h"
#include "util/utf8.h"

/* --- distinct values of one attribute ------------------------------------- */

struct strtab {
	struct arena strings;
	const char **str;
	uint32_t *len, *count;
	bool *placeholder;
	size_t n, cap;
	uint32_t *index;	/* open addressing: id + 1; 0 empty */
	uint64_t *index_hash;
	size_t icap;
	uint64_t present;	/* records with a value */
};

static void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	arena_init(&t->strings, 1u << 16);
}

static void strtab_release(struct strtab *t)
{
	arena_release(&t->strings);
	xfree(t->str);
	xfree(t->len);
	xfree(t->count);
	xfree(t->placeholder);
	xfree(t->index);
	xfree(t->index_hash);
	memset(t, 0, sizeof(*t));
}

static int strtab_rehash(struct strtab *t)
{
	size_t cap = t->icap ? t->icap * 2 : 1024;
	uint32_t *idx = xcalloc(cap, sizeof(*idx));
	uint64_t *hs = xcalloc(cap, sizeof(*hs));

	if (!idx || !hs) {
		xfree(idx);
		xfree(hs);
		return ST_ERR_NOMEM;
	}
	for (size_t i = 0; i < t->icap; i++) {
		size_t j;

		if (!t->index[i])
			continue;
		for (j = t->index_hash[i] & (cap - 1); idx[j]; j = (j + 1) & (cap - 1))
			;
		idx[j] = t->index[i];
		hs[j] = t->index_hash[i];
	}
	xfree(t->index);
	xfree(t->index_hash);
	t->index = idx;
	t->index_hash = hs;
	t->icap = cap;
	return 0;
}

static int strtab_grow(struct strtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, c1 = t->cap, c2 = t->cap;

	/* xgrow leaves an array as it was when it fails: nothing leaks */
	if (xgrow(&t->str, &c1, cap, sizeof(*t->str)) ||
	    xgrow(&t->len, &c2, cap, sizeof(*t->len)) ||
	    xgrow(&t->count, &t->cap, cap, sizeof(*t->count)))
		return ST_ERR_NOMEM;
	return 0;
}

/* The id of s (added when new), or ST_ERR_NOMEM as a negative. */
static int64_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
	uint64_t h = sketch_hash(s, len);
	size_t j;
	char *copy;

	if ((t->n + 1) * 2 > t->icap && strtab_rehash(t))
		return -1;
	for (j = h & (t->icap - 1); t->index[j]; j = (j + 1) & (t->icap - 1)) {
		uint32_t id = t->index[j] - 1;

		if (t->index_hash[j] == h && t->len[id] == len &&
		    !memcmp(t->str[id], s, len)) {
			t->count[id]++;
			return id;
		}
	}
	if (t->n == t->cap && strtab_grow(t))
		return -1;
	if (!(copy = arena_strndup(&t->strings, s, len)))
		return -1;
	t->str[t->n] = copy;
	t->len[t->n] = (uint32_t)len;
	t->count[t->n] = 1;
	t->index[j] = (uint32_t)t->n + 1;
	t->index_hash[j] = h;
	return (int64_t)t->n++;
}

/* --- the resolver --------------------------------------------------------- */

struct block_plan {
	const struct block_key *key;
	size_t *attr;		/* per term: resolver attribute */
	uint64_t oversized, oversized_records;
};

struct placeholder {
	size_t attr;
	uint32_t value;
	bool role;		/* a role address, however few hold it */
};

/* Nicknames: each name or nickname with the canonical names it stands
 * for ("sam": samantha, samuel), as ids into names. */
#define NICK_GROUPS 4
struct nick {
	uint32_t groups[NICK_GROUPS];
	uint8_t n;
};

struct resolver {
	const struct policy *p;
	const struct identity *id;
	size_t na;			/* identity attributes */
	const struct attribute **attrs;
	struct strtab *tabs;		/* per attribute */
	size_t *map;			/* per (source, attribute): mapping or SIZE_MAX */
	size_t *cmp_attr;		/* per comparison */
	size_t *swap_attr;		/* per comparison: swap-with, or SIZE_MAX */
	size_t **rule_attr;		/* per rule, per equal */
	struct block_plan *blocks;
	/* records */
	size_t n, cap;
	uint16_t *src;
	const char **key;
	uint32_t *vals;
	struct arena keys;
	struct buf norm;
	/* results */
	struct model model;
	size_t *parent;			/* union-find, then entity numbers */
	size_t *entity;
	size_t n_entities;
	struct link *links;
	size_t n_links, links_cap;
	struct resolver_stats stats;
	size_t max_block;
	struct placeholder *placeholders;
	size_t placeholders_cap;
	uint64_t *rule_levels;		/* per comparison and level */
	struct strtab nicknames;	/* names and nicknames */
	struct nick *nick;		/* per entry of nicknames */
	size_t nick_cap;
	/* exclusive comparisons, and per entity (its root) and exclusive
	 * comparison a list of records, one per distinct value the entity
	 * holds: heads and tails by root, next by record; record + 1, 0 ends */
	size_t *excl, n_excl;
	uint32_t *xhead, *xtail, *xnext;
};

static size_t attr_index(struct resolver *r, const char *id)
{
	size_t a;

	for (a = 0; a < r->na; a++)
		if (!strcmp(r->attrs[a]->id, id))
			return a;
	r->attrs[a] = policy_attribute(r->p, id);
	r->na++;
	return a;
}

static int plan(struct resolver *r)
{
	const struct identity *id = r->id;
	size_t most = 2 * id->n_comparisons + 1, ns = r->p->n_sources;

	for (size_t i = 0; i < id->n_rules; i++)
		most += id->rules[i].n_equal;
	for (size_t i = 0; i < id->n_blocks; i++)
		most += id->blocks[i].n_terms;
	r->attrs = xcalloc(most, sizeof(*r->attrs));
	r->cmp_attr = xcalloc(id->n_comparisons + 1, sizeof(*r->cmp_attr));
	r->swap_attr = xcalloc(id->n_comparisons + 1, sizeof(*r->swap_attr));
	r->rule_attr = xcalloc(id->n_rules + 1, sizeof(*r->rule_attr));
	r->blocks = xcalloc(id->n_blocks + 1, sizeof(*r->blocks));
	if (!r->attrs || !r->cmp_attr || !r->swap_attr || !r->rule_attr ||
	    !r->blocks)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < id->n_comparisons; i++)
		r->cmp_attr[i] = attr_index(r, id->comparisons[i].attribute_id);
	if (!(r->excl = xcalloc(id->n_comparisons + 1, sizeof(*r->excl))))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < id->n_comparisons; i++)
		if (id->comparisons[i].exclusive ||
		    id->comparisons[i].relatives_apart)
			r->excl[r->n_excl++] = i;
	for (size_t i = 0; i < id->n_comparisons; i++)
		r->swap_attr[i] = id->comparisons[i].swap_with ?
				  attr_index(r, id->comparisons[i].swap_with) : SIZE_MAX;
	for (size_t i = 0; i < id->n_rules; i++) {
		const struct identity_rule *rule = &id->rules[i];

		if (!(r->rule_attr[i] = xcalloc(rule->n_equal + 1, sizeof(size_t))))
			return ST_ERR_NOMEM;
		for (size_t e = 0; e < rule->n_equal; e++)
			r->rule_attr[i][e] = attr_index(r, rule->equal[e]);
	}
	for (size_t i = 0; i < id->n_blocks; i++) {
		const struct block_key *b = &id->blocks[i];

		r->blocks[i].key = b;
		if (!(r->blocks[i].attr = xcalloc(b->n_terms + 1, sizeof(size_t))))
			return ST_ERR_NOMEM;
		for (size_t t = 0; t < b->n_terms; t++)
			r->blocks[i].attr[t] = attr_index(r, b->terms[t].attribute_id);
	}
	r->tabs = xcalloc(r->na + 1, sizeof(*r->tabs));
	r->map = xcalloc((ns ? ns : 1) * (r->na + 1), sizeof(*r->map));
	if (!r->tabs || !r->map)
		return ST_ERR_NOMEM;
	for (size_t a = 0; a < r->na; a++)
		strtab_init(&r->tabs[a]);
	for (size_t s = 0; s < ns; s++) {
		const struct source *src = &r->p->sources[s];

		for (size_t a = 0; a < r->na; a++) {
			size_t *m = &r->map[s * r->na + a];

			*m = SIZE_MAX;
			for (size_t i = 0; i < src->n_mappings && *m == SIZE_MAX; i++)
				if (!strcmp(src->mappings[i].attribute_id, r->attrs[a]->id))
					*m = i;
		}
	}
	return 0;
}

int resolver_new(const struct policy *p, struct resolver **out)
{
	struct resolver *r = xcalloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return ST_ERR_NOMEM;
	r->p = p;
	r->id = &p->identity;
	arena_init(&r->keys, 1u << 16);
	buf_init(&r->norm, LIMIT_FIELD_BYTES * 4);
	strtab_init(&r->nicknames);
	if (plan(r) || model_init(&r->model, r->id)) {
		resolver_free(r);
		return ST_ERR_NOMEM;
	}
	*out = r;
	return 0;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	for (size_t a = 0; r->tabs && a < r->na; a++)
		strtab_release(&r->tabs[a]);
	for (size_t i = 0; r->rule_attr && i < r->id->n_rules; i++)
		xfree(r->rule_attr[i]);
	for (size_t i = 0; r->blocks && i < r->id->n_blocks; i++)
		xfree(r->blocks[i].attr);
	xfree(r->tabs);
	xfree(r->attrs);
	xfree(r->map);
	xfree(r->cmp_attr);
	xfree(r->swap_attr);
	xfree(r->rule_attr);
	xfree(r->blocks);
	xfree(r->src);
	xfree(r->key);
	xfree(r->vals);
	xfree(r->parent);
	xfree(r->entity);
	xfree(r->links);
	xfree(r->placeholders);
	xfree(r->rule_levels);
	xfree(r->excl);
	xfree(r->xhead);
	xfree(r->xtail);
	xfree(r->xnext);
	strtab_release(&r->nicknames);
	xfree(r->nick);
	arena_release(&r->keys);
	buf_release(&r->norm);
	model_release(&r->model);
	xfree(r);
}

/* --- nicknames ------------------------------------------------------------ */

static int nick_entry(struct resolver *r, const char *s, size_t len,
		      struct nick **out)
{
	int64_t id = strtab_intern(&r->nicknames, s, len);

	if (id < 0)
		return ST_ERR_NOMEM;
	if ((size_t)id >= r->nick_cap) {
		size_t old = r->nick_cap;

		if (xgrow(&r->nick, &r->nick_cap, (size_t)id + 1, sizeof(*r->nick)))
			return ST_ERR_NOMEM;
		memset(r->nick + old, 0, (r->nick_cap - old) * sizeof(*r->nick));
	}
	*out = &r->nick[id];
	return 0;
}

static void nick_add_group(struct nick *n, uint32_t g)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->groups[i] == g)
			return;
	if (n->n < NICK_GROUPS)
		n->groups[n->n++] = g;
}

static int add_nickname(struct resolver *r, const char *name, const char *nick)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct nick *e;
	uint32_t g;
	int rc = ST_ERR_NOMEM;

	identity_normalise(ATTR_PERSON_NAME, name, strlen(name), &a);
	identity_normalise(ATTR_PERSON_NAME, nick, strlen(nick), &b);
	if (buf_error(&a) || buf_error(&b))
		goto out;
	rc = 0;
	if (!a.len || !b.len)
		goto out;
	if ((rc = nick_entry(r, a.data, a.len, &e)) != 0)
		goto out;
	g = (uint32_t)(e - r->nick);
	nick_add_group(e, g);
	if ((rc = nick_entry(r, b.data, b.len, &e)) != 0)
		goto out;
	nick_add_group(e, g);
out:
	buf_release(&a);
	buf_release(&b);
	return rc;
}

int resolver_load_nicknames(struct resolver *r, const char *path, struct diag *d)
{
	struct csv_reader *csv;
	struct csv_record *rec;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return errno == ENOENT ? 0 :
		       diag_set(d, (struct diag_pos){ path, 0, 0 }, "cannot read the "
				"nickname table: %s", strerror(errno));
	if ((rc = csv_reader_open_fd(&csv, fd, NULL)) != 0) {
		close(fd);
		return rc;
	}
	rc = csv_reader_next(csv, &rec);
	if (rc == 1 && (rec->n < 2 || strcmp(rec->fields[0].data, "name") ||
			strcmp(rec->fields[1].data, "nickname")))
		rc = diag_set(d, (struct diag_pos){ path, 1, 1 }, "the nickname table's "
			      "first line must be 'name,nickname'");
	else if (rc == 1)
		while ((rc = csv_reader_next(csv, &rec)) == 1) {
			if (rec->n == 1 && !rec->fields[0].len)
				continue;
			if (rec->n != 2 || !rec->fields[0].len || !rec->fields[1].len) {
				rc = diag_set(d, (struct diag_pos){ path, rec->line, 1 },
					      "expected a name and one nickname "
					      "('robert,bob'), %zu field%s found", rec->n,
					      rec->n == 1 ? "" : "s");
				break;
			}
			if ((rc = add_nickname(r, rec->fields[0].data,
					       rec->fields[1].data)) != 0)
				break;
		}
	if (rc < 0 && rc != ST_ERR_NOMEM && !d->set)
		rc = diag_set(d, (struct diag_pos){ path, 0, 0 }, "cannot read the "
			      "nickname table: %s", csv_reader_error(csv));
	csv_reader_free(csv);
	close(fd);
	return rc > 0 ? 0 : rc;
}

/* --- normalisation -------------------------------------------------------- */

static const char *const name_titles[] = {
	"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady",
	"lord", "rev", "fr", "herr", "frau", "mme", "mlle", "m", NULL
};
/* Suffixes dropped besides generations (transform_generation_of(), but
 * for a lone "i", which may be an initial). */
static const char *const name_suffixes[] = { "phd", "md", "esq", NULL };

static bool word_in(const char *w, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !memcmp(list[i], w, n))
			return true;
	return false;
}

static bool name_suffix(const char *w, size_t n)
{
	const char *g = transform_generation_of(w, n);

	return word_in(w, n, name_suffixes) || (g && strcmp(g, "i"));
}

/* Words of a folded, lower-case name: punctuation to spaces, titles
 * first and suffixes last dropped, "last, first" turned round. */
static void name_words(const char *s, size_t len, struct buf *out)
{
	const char *comma = memchr(s, ',', len);
	char tmp[512];
	size_t n = 0, start = 0, words = 0;

	if (comma) {	/* "smith, john" -> "john smith" */
		size_t after = len - (size_t)(comma - s) - 1;

		if (after + 1 + (size_t)(comma - s) < sizeof(tmp)) {
			memcpy(tmp, comma + 1, after);
			tmp[after] = ' ';
			memcpy(tmp + after + 1, s, (size_t)(comma - s));
			n = after + 1 + (size_t)(comma - s);
			s = tmp;
			len = n;
		}
	}
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : ' ';
		bool sep = c == ' ' || c == '\t' || c == '.' || c == ',' ||
			   c == '"' || c == '(' || c == ')' || c == '\'';
		size_t wl;

		if (!sep)
			continue;
		wl = i - start;
		if (wl && !(words == 0 && word_in(s + start, wl, name_titles) &&
			    i < len) &&
		    !(words > 0 && name_suffix(s + start, wl))) {
			if (out->len)
				buf_addch(out, ' ');
			buf_add(out, s + start, wl);
			words++;
		}
		start = i + 1;
	}
}

static bool ascii_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* The policy's <mailbox> rule for an address's domain, or NULL: a rule
 * naming the domain wins over "*". */
static const struct mailbox_rule *mailbox_for(const struct identity *id,
					      const char *domain)
{
	const struct mailbox_rule *any = NULL;

	for (size_t i = 0; i < id->n_mailboxes; i++) {
		const struct mailbox_rule *m = &id->mailboxes[i];

		for (size_t d = 0; d < m->n_domains; d++)
			if (!strcmp(m->domains[d], domain))
				return m;
		if (m->any_domain && !any)
			any = m;
	}
	return any;
}

/*
 * The part of the address in out before the @ as the mailbox it reaches.
 * Dots in a row count as one: an unquoted mailbox name cannot have them
 * (RFC 5322's dot-atom), so "ann..lee@x.com" is a slip for the one
 * address one deletion away, "ann.lee@x.com" (its validity verdict is
 * unchanged: profiling judges the value, not this).  By the domain's
 * <mailbox> rule m, when not NULL, every dot or the "+tag" goes too.
 */
static void email_local(struct buf *out, const struct mailbox_rule *m)
{
	char *s = out->data, *at = memchr(s, '@', out->len);
	bool quoted = s[0] == '"';
	size_t local, keep = 0;

	if (!at)
		return;
	local = (size_t)(at - s);
	for (size_t i = 0; i < local; i++) {
		if (m && m->plus_tags && s[i] == '+' && i > 0)
			break;
		if (s[i] == '.' && ((m && m->dots) ||
				    (!quoted && keep && s[keep - 1] == '.')))
			continue;
		s[keep++] = s[i];
	}
	if (!keep || keep == local)	/* "+x@host", or nothing to drop */
		return;
	memmove(s + keep, at, out->len - local);
	buf_truncate(out, keep + (out->len - local));
}

/* An address as the mailbox it reaches, as the policy's <mailbox> rules
 * say its domain delivers: without the dots, or the "+tag", of the part
 * before the @. */
static void email_mailbox(const struct identity *id, struct buf *out)
{
	const char *at = memchr(out->data, '@', out->len);
	const struct mailbox_rule *m = at ? mailbox_for(id, at + 1) : NULL;

	if (m)
		email_local(out, m);
}

void identity_normalise(enum attribute_type type, const char *s, size_t len,
			struct buf *out)
{
	struct buf folded = BUF_INIT, lower = BUF_INIT;
	size_t start;

	buf_reset(out);
	utf8_fold(s, len, &folded);
	if (type == ATTR_PERSON_NAME && !ascii_only(folded.data, folded.len)) {
		/* a name in another script, in Latin letters: from the
		 * value as written, whose vowel signs folding drops; then
		 * once more from the folded result, whose compatibility
		 * forms folding may have turned into letters of a script
		 * (the ligature U+FB13 into Armenian), so that a normalised
		 * name normalises to itself */
		struct buf latin = BUF_INIT;

		for (int pass = 0; pass < 2 && !ascii_only(folded.data, folded.len);
		     pass++) {
			buf_reset(&latin);
			if (!translit_latin(pass ? folded.data : s,
					    pass ? folded.len : len, &latin))
				break;
			buf_reset(&folded);
			utf8_fold(latin.data, latin.len, &folded);
		}
		buf_release(&latin);
	}
	utf8_lower(folded.data, folded.len, &lower);
	if (type == ATTR_PERSON_NAME)
		name_words(lower.data, lower.len, out);
	else {
		/* white space collapsed; postcodes and phones without it */
		bool squeeze = type == ATTR_POSTCODE || type == ATTR_PHONE;

		start = out->len;
		for (size_t i = 0; i < lower.len; i++) {
			char c = lower.data[i];
			bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';

			if (space) {
				if (!squeeze && out->len > start &&
				    out->data[out->len - 1] != ' ')
					buf_addch(out, ' ');
				continue;
			}
			buf_addch(out, c);
		}
		if (out->len > start && out->data[out->len - 1] == ' ')
			buf_truncate(out, out->len - 1);
		if (type == ATTR_EMAIL)
			email_local(out, NULL);
	}
	buf_release(&folded);
	buf_release(&lower);
}

int resolver_add(struct resolver *r, size_t s, const struct record *rec)
{
	size_t na = r->na;
	uint32_t *row;
	bool any = false;

	if (r->n >= LIMIT_IDENTITY_RECORDS)
		return ST_ERR;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096, c1 = r->cap, c2 = r->cap * (na ? na : 1);
		size_t want = cap * (na ? na : 1);

		/* xgrow leaves an array as it was when it fails: nothing leaks */
		if (xgrow(&r->src, &c1, cap, sizeof(*r->src)) ||
		    xgrow(&r->vals, &c2, want, sizeof(*r->vals)) ||
		    xgrow(&r->key, &r->cap, cap, sizeof(*r->key)))
			return ST_ERR_NOMEM;
	}
	row = &r->vals[r->n * na];
	for (size_t a = 0; a < na; a++) {
		size_t m = r->map[s * na + a];
		int64_t v;

		row[a] = 0;
		if (m == SIZE_MAX || !rec->value[m] || rec->why[m])
			continue;
		identity_normalise(r->attrs[a]->type, rec->value[m],
				   rec->value_len[m], &r->norm);
		if (r->attrs[a]->type == ATTR_EMAIL && r->id->n_mailboxes)
			email_mailbox(r->id, &r->norm);
		if (buf_error(&r->norm))
			return ST_ERR_NOMEM;
		if (!r->norm.len)
			continue;
		if ((v = strtab_intern(&r->tabs[a], r->norm.data, r->norm.len)) < 0)
			return ST_ERR_NOMEM;
		r->tabs[a].present++;
		row[a] = (uint32_t)v + 1;
		any = true;
	}
	r->stats.no_evidence += !any;
	r->src[r->n] = (uint16_t)s;
	if (!(r->key[r->n] = arena_strdup(&r->keys, rec->key ? rec->key : "")))
		return ST_ERR_NOMEM;
	r->n++;
	return 0;
}

/* --- comparing two records ------------------------------------------------ */

/* The id + 1 of record i's value of attribute a, 0 when missing or a
 * placeholder. */
static uint32_t value_of(const struct resolver *r, size_t i, size_t a)
{
	uint32_t v = r->vals[i * r->na + a];

	return v && r->tabs[a].placeholder && r->tabs[a].placeholder[v - 1] ? 0 : v;
}

/* The nickname entry of a name's first word, or NULL. */
static const struct nick *nick_of(const struct resolver *r, const char *s,
				  size_t len)
{
	const struct strtab *t = &r->nicknames;
	const char *sp = memchr(s, ' ', len);
	uint64_t h;

	if (!t->n)
		return NULL;
	if (sp)
		len = (size_t)(sp - s);
	h = sketch_hash(s, len);
	for (size_t j = h & (t->icap - 1); t->index[j]; j = (j + 1) & (t->icap - 1)) {
		uint32_t id = t->index[j] - 1;

		if (t->index_hash[j] == h && t->len[id] == len &&
		    !memcmp(t->str[id], s, len))
			return &r->nick[id];
	}
	return NULL;
}

/* Do two names' first words stand for one name (bob, robert)? */
static bool nicknames_agree(const struct resolver *r, const char *a, size_t al,
			    const char *b, size_t bl)
{
	const struct nick *x = nick_of(r, a, al), *y = nick_of(r, b, bl);

	for (size_t i = 0; x && y && i < x->n; i++)
		for (size_t k = 0; k < y->n; k++)
			if (x->groups[i] == y->groups[k])
				return true;
	return false;
}

/* Is every word of the shorter name a word of the longer ("rodriguez" in
 * "dominguez rodriguez")?  Names of two or more words on one side only. */
static bool words_contained(const char *a, size_t al, const char *b, size_t bl)
{
	const char *shorter = al <= bl ? a : b, *longer = al <= bl ? b : a;
	size_t sl = al <= bl ? al : bl, ll = al <= bl ? bl : al, i = 0;

	if (!memchr(longer, ' ', ll))
		return false;
	while (i < sl) {
		size_t w = i, found = 0;

		while (w < sl && shorter[w] != ' ')
			w++;
		for (size_t k = 0; k + (w - i) <= ll && !found; k++)
			found = (k == 0 || longer[k - 1] == ' ') &&
				(k + (w - i) == ll || longer[k + (w - i)] == ' ') &&
				!memcmp(longer + k, shorter + i, w - i);
		if (!found)
			return false;
		i = w + 1;
	}
	return true;
}

/* Is the value x of one record the other's value of the swap attribute,
 * and the other way round as far as both have one: given and family
 * names written the wrong way round ("shah freya", "freya shah")?  The
 * second direction must agree at least at the loosest threshold when
 * both values are there. */
static bool swapped(const struct resolver *r, size_t c, size_t i, size_t j)
{
	const struct comparison *cmp = r->model.cmp[c].c;
	size_t a = r->cmp_attr[c], b = r->swap_attr[c];
	uint32_t ai = value_of(r, i, a), aj = value_of(r, j, a);
	uint32_t bi = value_of(r, i, b), bj = value_of(r, j, b);
	const struct strtab *ta = &r->tabs[a], *tb = &r->tabs[b];
	double loose = cmp->n_levels ? cmp->levels[cmp->n_levels - 1] : 0;

	for (int side = 0; side < 2; side++) {
		uint32_t x = side ? aj : ai, y = side ? bi : bj;	/* x ~ y? */
		uint32_t p = side ? ai : aj, q = side ? bj : bi;	/* then p ~ q */
		const char *s1, *s2;
		size_t l1, l2;

		if (!y || ta->len[x - 1] != tb->len[y - 1] ||
		    memcmp(ta->str[x - 1], tb->str[y - 1], ta->len[x - 1]))
			continue;
		if (!q)
			return true;
		s1 = ta->str[p - 1];
		l1 = ta->len[p - 1];
		s2 = tb->str[q - 1];
		l2 = tb->len[q - 1];
		if (l1 == l2 && !memcmp(s1, s2, l1))
			return true;
		switch (cmp->method) {
		case CMP_JARO_WINKLER:
			if (compare_jaro_winkler(s1, l1, s2, l2) >= loose)
				return true;
			break;
		case CMP_WORD_JARO_WINKLER:
			if (compare_word_jaro_winkler(s1, l1, s2, l2) >= loose)
				return true;
			break;
		case CMP_LEVENSHTEIN:
		case CMP_DAMERAU:
			if (compare_damerau(s1, l1, s2, l2, (size_t)loose) <= (size_t)loose)
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

/* Next word of a normalised name from *at: its start and length, or
 * false at the end. */
static bool next_word(const char *s, size_t len, size_t *at, const char **w,
		      size_t *wl)
{
	while (*at < len && s[*at] == ' ')
		(*at)++;
	if (*at >= len)
		return false;
	*w = s + *at;
	while (*at < len && s[*at] != ' ')
		(*at)++;
	*wl = (size_t)(s + *at - *w);
	return true;
}

/* Name a written with each word that is a nickname of, or has a
 * nickname in, a word of name b as the name they both stand for ("bob
 * smith" against "robert smith" is "robert smith"), into out (size
 * bytes); false, out unusable, when it does not fit. */
static bool nicknames_spelt_out(const struct resolver *r, const char *a,
				size_t al, const char *b, size_t bl, char *out,
				size_t size)
{
	size_t at = 0, n = 0, wl;
	const char *w;

	while (next_word(a, al, &at, &w, &wl)) {
		const struct nick *x = nick_of(r, w, wl);
		const char *put = w;
		size_t pl = wl, bt = 0, vl;
		const char *v;

		while (x && put == w && next_word(b, bl, &bt, &v, &vl)) {
			const struct nick *y = nick_of(r, v, vl);

			for (size_t g = 0; y && put == w && g < x->n; g++)
				for (size_t k = 0; k < y->n; k++)
					if (x->groups[g] == y->groups[k]) {
						put = r->nicknames.str[x->groups[g]];
						pl = r->nicknames.len[x->groups[g]];
						break;
					}
		}
		if (n + pl + 1 >= size)
			return false;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, put, pl);
		n += pl;
	}
	out[n] = '\0';
	return true;
}

/* Word by word Jaro-Winkler; for person names, nicknames spelt out. */
static double word_similarity(const struct resolver *r, size_t a,
			      const char *s1, size_t l1, const char *s2,
			      size_t l2)
{
	char x[256], y[256];

	if (r->attrs[a]->type == ATTR_PERSON_NAME && r->nicknames.n &&
	    nicknames_spelt_out(r, s1, l1, s2, l2, x, sizeof(x)) &&
	    nicknames_spelt_out(r, s2, l2, s1, l1, y, sizeof(y)))
		return compare_word_jaro_winkler(x, strlen(x), y, strlen(y));
	return compare_word_jaro_winkler(s1, l1, s2, l2);
}

/* Code points in a UTF-8 word. */
static size_t word_chars(const char *w, size_t wl)
{
	size_t n = 0;

	for (size_t i = 0; i < wl; i++)
		n += ((unsigned char)w[i] & 0xC0) != 0x80;
	return n;
}

/* How word w of one name has its counterpart among name b's words, from
 * the weakest.  Nicknames and initials are a person's name's; the words
 * of other text (an organisation's name) have only the others. */
enum counterpart {
	CP_NONE,
	CP_INITIAL,	/* its initial, either way: j, john */
	CP_NEAR,	/* a slip of the pen, another spelling of one sound */
	CP_SAME		/* the same word, or a nickname of one name */
};

/* A slip of the pen is one letter changed, two when both words have
 * eight letters or more ("kristen" and "kristin", not "patrick" and
 * "patricia"); another spelling of one sound has the same Metaphone code
 * ("keeley" and "kaylee", "mohamed" and "muhammed", "lee" and "leigh",
 * not "mark" and "marsha"). */
static enum counterpart word_counterpart(const struct resolver *r,
					 const char *w, size_t wl,
					 const char *b, size_t bl, bool person)
{
	char mw[16], mv[16];
	bool sound = compare_metaphone(w, wl, mw, sizeof(mw)) && mw[0];
	enum counterpart best = CP_NONE;
	size_t at = 0, vl;
	const char *v;

	while (best < CP_SAME && next_word(b, bl, &at, &v, &vl)) {
		size_t k = word_chars(w, wl) >= 8 && word_chars(v, vl) >= 8 ? 2 : 1;

		if ((vl == wl && !memcmp(v, w, wl)) ||
		    (person && nicknames_agree(r, w, wl, v, vl)))
			best = CP_SAME;
		else if ((wl > 1 && vl > 1 &&
			  compare_damerau(w, wl, v, vl, k) <= k) ||
			 (sound && compare_metaphone(v, vl, mv, sizeof(mv)) &&
			  !strcmp(mw, mv)))
			best = CP_NEAR;
		else if (person && (wl == 1 || vl == 1) && v[0] == w[0] &&
			 best < CP_INITIAL)
			best = CP_INITIAL;
	}
	return best;
}

static size_t word_count(const char *s, size_t len)
{
	size_t at = 0, n = 0, wl;
	const char *w;

	while (next_word(s, len, &at, &w, &wl))
		n++;
	return n;
}

/* What the words of two names say, every word of the name with fewer
 * words (of both, when they have as many) against the other's. */
enum name_words {
	NW_NONE,	/* not read (no every-word) */
	NW_DIFFERENT,	/* a word has no counterpart: different names */
	NW_WEAK,	/* an initial, or a part of the other with a near word */
	NW_PART,	/* a part of the other, its words the same */
	NW_SAME		/* as many words, each the same name or near it */
};

static enum name_words every_word_agrees(const struct resolver *r,
					 const char *a, size_t al,
					 const char *b, size_t bl, bool person)
{
	size_t na = word_count(a, al), nb = word_count(b, bl);
	enum counterpart all = CP_SAME;

	for (int side = 0; side < 2; side++) {
		const char *s = side ? b : a, *o = side ? a : b;
		size_t sl = side ? bl : al, ol = side ? al : bl, at = 0, wl;
		const char *w;

		if ((side == 0 && na > nb) || (side == 1 && nb > na))
			continue;
		while (next_word(s, sl, &at, &w, &wl)) {
			enum counterpart cp = word_counterpart(r, w, wl, o, ol,
								   person);

			if (cp == CP_NONE)
				return NW_DIFFERENT;
			if (cp < all)
				all = cp;
		}
	}
	if (all == CP_INITIAL)
		return NW_WEAK;
	if (na == nb)
		return NW_SAME;
	return all == CP_SAME ? NW_PART : NW_WEAK;
}

/* The last word of a normalised name (its family name), and the length
 * of what comes before it; false for a name of fewer than two words. */
static bool split_last(const char *s, size_t len, const char **last,
		       size_t *ll, size_t *before)
{
	const char *sp = NULL;

	for (size_t i = len; i > 0 && !sp; i--)
		if (s[i - 1] == ' ')
			sp = s + i - 1;
	if (!sp)
		return false;
	*last = sp + 1;
	*ll = len - (size_t)(sp + 1 - s);
	*before = (size_t)(sp - s);
	return *ll > 0;
}

/* Are names a and b two people of one family: the same family name (the
 * last words are counterparts) and the first word of neither a
 * counterpart of a given or middle name of the other ("john mark kusha"
 * and "mark kusha" may be one man; "mark kusha" and "marsha kusha" are
 * two people)?  An initial tells too little ("b smith" may be Bob). */
static bool relatives(const struct resolver *r, const char *a, size_t al,
		      const char *b, size_t bl)
{
	const char *la, *lb, *fa, *fb;
	size_t lal, lbl, ba, bb, fal, fbl, at = 0;

	if (!split_last(a, al, &la, &lal, &ba) || !split_last(b, bl, &lb, &lbl, &bb) ||
	    !word_counterpart(r, la, lal, lb, lbl, true) ||
	    !next_word(a, ba, &at, &fa, &fal))
		return false;
	at = 0;
	if (!next_word(b, bb, &at, &fb, &fbl))
		return false;
	return word_chars(fa, fal) > 1 && word_chars(fb, fbl) > 1 &&
	       !word_counterpart(r, fa, fal, b, bb, true) &&
	       !word_counterpart(r, fb, fbl, a, ba, true);
}

static int level_of(const struct resolver *r, size_t c, size_t i, size_t j)
{
	const struct comparison *cmp = r->model.cmp[c].c;
	size_t a = r->cmp_attr[c], nl = r->model.cmp[c].n_levels;
	uint32_t x = value_of(r, i, a), y = value_of(r, j, a);
	const struct strtab *t = &r->tabs[a];
	enum name_words words = NW_NONE;
	const char *s1, *s2;
	size_t l1, l2;

	if (!x || !y)
		return -1;
	if (x == y)
		return 0;
	s1 = t->str[x - 1];
	l1 = t->len[x - 1];
	s2 = t->str[y - 1];
	l2 = t->len[y - 1];
	if (r->swap_attr[c] != SIZE_MAX && nl > 2 && swapped(r, c, i, j))
		return 1;
	if (cmp->every_word &&
	    (words = every_word_agrees(r, s1, l1, s2, l2,
				       r->attrs[a]->type == ATTR_PERSON_NAME)) ==
	    NW_DIFFERENT)
		return (int)nl - 1;
	switch (cmp->method) {
	case CMP_EXACT:
		return 1;
	case CMP_INITIALS:
		return compare_initials(s1, l1, s2, l2) ? 1 : 2;
	case CMP_JARO_WINKLER:
	case CMP_WORD_JARO_WINKLER: {
		double sim = cmp->method == CMP_JARO_WINKLER ?
			     compare_jaro_winkler(s1, l1, s2, l2) :
			     word_similarity(r, a, s1, l1, s2, l2);

		/* a person's name: a nickname, or one name of a longer one,
		 * counts as the closest level below exact */
		if (cmp->method == CMP_JARO_WINKLER &&
		    r->attrs[a]->type == ATTR_PERSON_NAME && nl > 2 &&
		    (words_contained(s1, l1, s2, l2) ||
		     nicknames_agree(r, s1, l1, s2, l2)))
			return 1;

		/* every word the same name as its counterpart, or, with
		 * fewer words, each the same name as one of the other's (the
		 * same word or a nickname: "worldwide exports", "universal
		 * exports worldwide"; "bob smith", "robert james smith"): the
		 * first level below exact, however far Jaro-Winkler puts a
		 * short word's slip ("zara thompson", "sarah tompson") or the
		 * words left over; an initial, or a part of the longer name
		 * with a near word ("andreason", "andrew anderson"), the
		 * loosest */
		if (nl > 2 && (words == NW_SAME || words == NW_PART))
			return 1;
		if (nl > 2 && words == NW_WEAK)
			return (int)nl - 2;
		for (size_t l = 0; l < cmp->n_levels && l + 2 < nl; l++)
			if (sim >= cmp->levels[l])
				return (int)l + 1;
		/* every word has its counterpart: not different names */
		return (int)nl - (words != NW_NONE && nl > 2 ? 2 : 1);
	}
	case CMP_LEVENSHTEIN:
	case CMP_DAMERAU: {
		size_t most = cmp->n_levels ? (size_t)cmp->levels[cmp->n_levels - 1] : 0;
		size_t d = cmp->method == CMP_LEVENSHTEIN ?
			   compare_levenshtein(s1, l1, s2, l2, most) :
			   compare_damerau(s1, l1, s2, l2, most);

		for (size_t l = 0; l < cmp->n_levels && l + 2 < nl; l++)
			if ((double)d <= cmp->levels[l])
				return (int)l + 1;
		return (int)nl - 1;
	}
	case CMP_TRAILING_DIGITS: {
		double shared = (double)compare_trailing_digits(s1, l1, s2, l2);

		for (size_t l = 0; l < cmp->n_levels && l + 2 < nl; l++)
			if (shared >= cmp->levels[l])
				return (int)l + 1;
		return (int)nl - 1;
	}
	case CMP_DATE_DAYS:
	case CMP_NUMERIC: {
		double d;

		if (cmp->method == CMP_DATE_DAYS) {
			int64_t days = compare_date_days(s1, l1, s2, l2);

			if (days < 0)
				return (int)nl - 1;
			/* day and month read the wrong way round: as close
			 * as the strictest threshold */
			if (nl > 2 && compare_date_transposed(s1, l1, s2, l2))
				return 1;
			d = (double)days;
		} else if (!compare_numeric(s1, l1, s2, l2, &d))
			return (int)nl - 1;
		for (size_t l = 0; l < cmp->n_levels && l + 2 < nl; l++)
			if (d <= cmp->levels[l])
				return (int)l + 1;
		return (int)nl - 1;
	}
	}
	return (int)nl - 1;
}

/* Weight in bits of comparison c at level l for records i and j: exact
 * agreement on a term-frequency-adjusted comparison weighs by how common
 * the value is. */
static double weight_of(const struct resolver *r, size_t c, int l, size_t i)
{
	double u = 0;

	if (l == 0 && r->model.cmp[c].c->tf_adjust) {
		size_t a = r->cmp_attr[c];
		uint32_t v = value_of(r, i, a);

		if (v && r->tabs[a].present)
			u = (double)r->tabs[a].count[v - 1] / (double)r->tabs[a].present;
	}
	return model_weight(&r->model, c, l, u);
}

double resolver_score(const struct resolver *r, size_t a, size_t b,
		      int *levels, double *w)
{
	double bits = 0;

	for (size_t c = 0; c < r->model.n; c++) {
		levels[c] = level_of(r, c, a, b);
		w[c] = levels[c] < 0 ? 0 : weight_of(r, c, levels[c], a);
		bits += w[c];
	}
	return model_probability(&r->model, bits);
}

/* The probability of a candidate by the levels its pattern already holds
 * (blocking compared the pair once; scoring does not compare it again),
 * and how many of its comparisons speak for one person (weigh above 0). */
static double pattern_probability(const struct resolver *r, uint64_t pattern,
				  size_t a, unsigned *speak)
{
	int levels[64];
	double bits = 0;

	*speak = 0;
	model_unpack(&r->model, pattern, levels);
	for (size_t c = 0; c < r->model.n; c++) {
		double w = levels[c] >= 0 ? weight_of(r, c, levels[c], a) : 0;

		bits += w;
		*speak += w > 0;
	}
	return model_probability(&r->model, bits);
}

static double score(const struct resolver *r, size_t a, size_t b)
{
	int levels[64];
	double w[64];

	return resolver_score(r, a, b, levels, w);
}

/* --- placeholders --------------------------------------------------------- */

/* Mailbox names that reach a role, not a person: RFC 2142's, and those
 * organisations commonly publish beside them. */
static const char *const role_names[] = {
	"abuse", "accounts", "admin", "administrator", "billing", "careers",
	"contact", "contactus", "customerservice", "enquiries", "finance",
	"ftp", "hello", "help", "helpdesk", "hostmaster", "hr", "info",
	"inquiries", "jobs", "mail", "marketing", "news", "no-reply", "noc",
	"noreply", "office", "orders", "postmaster", "press", "reception",
	"sales", "security", "service", "support", "team", "usenet", "uucp",
	"webmaster", "www", NULL
};

/* Is normalised address s a role address its domain's <mailbox> rule
 * says to set aside (ignores="roles")? */
static bool role_address(const struct identity *id, const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	const struct mailbox_rule *m;

	if (!at || !id->n_mailboxes || !(m = mailbox_for(id, at + 1)) ||
	    !m->roles)
		return false;
	return word_in(s, (size_t)(at - s), role_names);
}

static int mark_placeholders(struct resolver *r)
{
	for (size_t a = 0; a < r->na; a++) {
		struct strtab *t = &r->tabs[a];
		enum attribute_type ty = r->attrs[a]->type;

		if (ty != ATTR_EMAIL && ty != ATTR_PHONE && ty != ATTR_IDENTIFIER)
			continue;
		if (!(t->placeholder = xcalloc(t->n ? t->n : 1, sizeof(bool))))
			return ST_ERR_NOMEM;
		for (size_t v = 0; v < t->n; v++) {
			size_t k = r->stats.placeholders;
			bool role = ty == ATTR_EMAIL &&
				    role_address(r->id, t->str[v], t->len[v]);

			if (t->count[v] <= r->max_block && !role)
				continue;
			if (k == r->placeholders_cap &&
			    xgrow(&r->placeholders, &r->placeholders_cap, k + 1,
				  sizeof(*r->placeholders)))
				return ST_ERR_NOMEM;
			t->placeholder[v] = true;
			r->placeholders[k] = (struct placeholder){ a, (uint32_t)v, role };
			r->stats.placeholders++;
		}
	}
	return 0;
}

/* --- union-find and links ------------------------------------------------- */

static size_t find(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static int add_link(struct resolver *r, size_t a, size_t b, double p, int rule,
		    bool linked)
{
	if (r->n_links == r->links_cap &&
	    xgrow(&r->links, &r->links_cap, r->n_links + 1, sizeof(*r->links)))
		return ST_ERR_NOMEM;
	r->links[r->n_links++] = (struct link){ (uint32_t)(a < b ? a : b),
		(uint32_t)(a < b ? b : a), p, rule, linked, rule >= 0, false,
		false, false, -1 };
	return 0;
}

/* A pair the model scored at review or above, of which speak comparisons
 * speak for one person: a link from the link threshold, unless fewer
 * comparisons than the policy's min-evidence speak for it (thin: a name
 * alone, however close); else a pair for review. */
static int add_model_link(struct resolver *r, size_t a, size_t b, double p,
			  unsigned speak)
{
	bool thin = identity_link_is_thin(r->id, p, speak);

	if (add_link(r, a, b, p, -1, p >= r->id->link && !thin))
		return ST_ERR_NOMEM;
	r->links[r->n_links - 1].thin = thin;
	return 0;
}

/* --- exclusive values ----------------------------------------------------- */

_Static_assert(LIMIT_IDENTITY_COMPARISONS <= 127,
	       "a link keeps its conflicting comparison in an int8_t");

/* Every record starts as an entity of its own, holding its own values. */
static int excl_init(struct resolver *r)
{
	size_t ne = r->n_excl, cells;

	if (!ne)
		return 0;
	if (!size_mul(r->n ? r->n : 1, ne, &cells))
		return ST_ERR_NOMEM;
	r->xhead = xcalloc(cells, sizeof(*r->xhead));
	r->xtail = xcalloc(cells, sizeof(*r->xtail));
	r->xnext = xcalloc(cells, sizeof(*r->xnext));
	if (!r->xhead || !r->xtail || !r->xnext)
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < ne; k++)
			if (value_of(r, i, r->cmp_attr[r->excl[k]]))
				r->xhead[i * ne + k] = r->xtail[i * ne + k] =
					(uint32_t)i + 1;
	return 0;
}

/* Do records i and j hold clearly different values of comparison c: its
 * last level, and both values readable by it (a date that does not parse
 * is not a different date), or, for relatives-apart, names of two people
 * of one family? */
static bool excl_differ(const struct resolver *r, size_t c, size_t i, size_t j)
{
	const struct comparison *cmp = r->model.cmp[c].c;
	const struct strtab *t = &r->tabs[r->cmp_attr[c]];
	uint32_t x, y;
	double d;

	x = value_of(r, i, r->cmp_attr[c]);
	y = value_of(r, j, r->cmp_attr[c]);
	if (cmp->relatives_apart && x && y && x != y &&
	    relatives(r, t->str[x - 1], t->len[x - 1], t->str[y - 1], t->len[y - 1]))
		return true;
	if (!cmp->exclusive ||
	    level_of(r, c, i, j) != (int)r->model.cmp[c].n_levels - 1)
		return false;
	if (cmp->method == CMP_DATE_DAYS)
		return compare_date_days(t->str[x - 1], t->len[x - 1],
					 t->str[y - 1], t->len[y - 1]) >= 0;
	if (cmp->method == CMP_NUMERIC)
		return compare_numeric(t->str[x - 1], t->len[x - 1],
				       t->str[y - 1], t->len[y - 1], &d);
	return true;
}

/* The exclusive comparison (an index into r->excl) on which the entities
 * rooted at ra and rb hold clearly different values, or -1.  An entity's
 * values of one attribute are few (one person's), so every pair of them
 * is compared. */
static int excl_conflict(const struct resolver *r, size_t ra, size_t rb)
{
	size_t ne = r->n_excl;

	for (size_t k = 0; k < ne; k++) {
		size_t c = r->excl[k];

		for (uint32_t x = r->xhead[ra * ne + k]; x;
		     x = r->xnext[(x - 1) * ne + k])
			for (uint32_t y = r->xhead[rb * ne + k]; y;
			     y = r->xnext[(y - 1) * ne + k])
				if (excl_differ(r, c, x - 1, y - 1))
					return (int)k;
	}
	return -1;
}

/* Join the entity rooted at rb into ra's; rb's values that ra does not
 * hold join ra's lists. */
static void join(struct resolver *r, size_t ra, size_t rb)
{
	size_t ne = r->n_excl;

	r->parent[rb] = ra;
	for (size_t k = 0; k < ne; k++) {
		size_t a = r->cmp_attr[r->excl[k]];
		uint32_t y = r->xhead[rb * ne + k];

		while (y) {
			uint32_t next = r->xnext[(y - 1) * ne + k], x;
			uint32_t v = value_of(r, y - 1, a);

			for (x = r->xhead[ra * ne + k]; x;
			     x = r->xnext[(x - 1) * ne + k])
				if (value_of(r, x - 1, a) == v)
					break;
			if (!x) {
				r->xnext[(y - 1) * ne + k] = 0;
				if (r->xtail[ra * ne + k])
					r->xnext[(r->xtail[ra * ne + k] - 1) * ne + k] = y;
				else
					r->xhead[ra * ne + k] = y;
				r->xtail[ra * ne + k] = y;
			}
			y = next;
		}
		r->xhead[rb * ne + k] = r->xtail[rb * ne + k] = 0;
	}
}

/* --- grouping by a 64-bit key --------------------------------------------- */

struct keyed {
	uint64_t key;
	uint32_t rec;
};

static int keyed_cmp(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->rec > b->rec) - (a->rec < b->rec);
}

static uint64_t hash_more(uint64_t h, const void *data, size_t len)
{
	return sketch_hash(data, len) ^ (h * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
}

/* --- rules ---------------------------------------------------------------- */

static bool rule_equal(const struct resolver *r, size_t rule, size_t i, size_t j)
{
	const struct identity_rule *ru = &r->id->rules[rule];

	for (size_t e = 0; e < ru->n_equal; e++) {
		size_t a = r->rule_attr[rule][e];

		if (value_of(r, i, a) != value_of(r, j, a))
			return false;
	}
	return true;
}

static bool rule_uses(const struct resolver *r, size_t rule, size_t a)
{
	for (size_t e = 0; e < r->id->rules[rule].n_equal; e++)
		if (r->rule_attr[rule][e] == a)
			return true;
	return false;
}

/* A pair a rule joins is a known match: count its level on each
 * comparison the rule does not decide (rule_levels[c * MODEL_MAX_LEVELS
 * + l]), for model_know_m(). */
static void count_rule_pair(struct resolver *r, size_t rule, size_t x, size_t y)
{
	for (size_t c = 0; c < r->model.n; c++) {
		int l;

		if (rule_uses(r, rule, r->cmp_attr[c]))
			continue;
		if ((l = level_of(r, c, x, y)) >= 0)
			r->rule_levels[c * MODEL_MAX_LEVELS + (size_t)l]++;
	}
}

/*
 * Member k of a group of records rule ru says are one person (tmp[g] to
 * tmp[k - 1] came before it): it joins the first entity among theirs that
 * holds no value of an exclusive comparison it differs from.  When every
 * one does, the pair with the group's first record is kept, not linked.
 */
static int rule_member(struct resolver *r, size_t ru, const struct keyed *tmp,
		       size_t g, size_t k)
{
	size_t y = tmp[k].rec, ry = find(r->parent, y), last = SIZE_MAX;
	int c = -1;
	struct link *l;

	for (size_t j = g; j < k; j++) {
		size_t x = tmp[j].rec, rx = find(r->parent, x);

		if (rx == ry) {
			count_rule_pair(r, ru, tmp[g].rec, y);
			return 0;
		}
		/* the caller has compared y with the group's first record */
		if (rx == last || (j > g && !rule_equal(r, ru, x, y)))
			continue;
		last = rx;
		if ((c = excl_conflict(r, rx, ry)) < 0) {
			count_rule_pair(r, ru, tmp[g].rec, y);
			join(r, rx, ry);
			return add_link(r, x, y, 1.0, (int)ru, true);
		}
	}
	if (c < 0)
		return 0;	/* no earlier record agrees: hash collisions */
	if (add_link(r, tmp[g].rec, y, 1.0, (int)ru, false))
		return ST_ERR_NOMEM;
	l = &r->links[r->n_links - 1];
	l->joined = false;
	l->conflict = (int8_t)r->excl[c];
	r->stats.conflicts++;
	return 0;
}

static int apply_rules(struct resolver *r, struct keyed *tmp)
{
	for (size_t ru = 0; ru < r->id->n_rules; ru++) {
		const struct identity_rule *rule = &r->id->rules[ru];
		size_t n = 0;

		for (size_t i = 0; i < r->n; i++) {
			uint64_t h = 0;
			bool all = true;

			for (size_t e = 0; e < rule->n_equal && all; e++) {
				uint32_t v = value_of(r, i, r->rule_attr[ru][e]);

				all = v != 0;
				h = hash_more(h, &v, sizeof(v));
			}
			if (all)
				tmp[n++] = (struct keyed){ h, (uint32_t)i };
		}
		qsort(tmp, n, sizeof(*tmp), keyed_cmp);
		for (size_t g = 0; g < n;) {
			size_t end = g + 1;

			while (end < n && tmp[end].key == tmp[g].key)
				end++;
			for (size_t k = g + 1; k < end; k++) {
				if (!rule_equal(r, ru, tmp[g].rec, tmp[k].rec))
					continue;	/* a hash collision */
				r->stats.rule_pairs++;
				if (rule_member(r, ru, tmp, g, k))
					return ST_ERR_NOMEM;
			}
			g = end;
		}
	}
	return 0;
}

/* --- blocking ------------------------------------------------------------- */

/* Append term t of record i's block key to h; false when it is empty. */
static bool block_term(const struct resolver *r, const struct block_term *t,
		       size_t a, size_t i, uint64_t *h)
{
	uint32_t v = value_of(r, i, a);
	const char *s;
	size_t len, n = 0;
	char code[8];

	if (!v)
		return false;
	s = r->tabs[a].str[v - 1];
	len = r->tabs[a].len[v - 1];
	if (!t->func) {
		*h = hash_more(*h, &v, sizeof(v));
		return true;
	}
	if (!strcmp(t->func, "soundex")) {
		if (!compare_soundex(s, len, code))
			return false;
		*h = hash_more(*h, code, 4);
		return true;
	}
	if (!strcmp(t->func, "prefix") || !strcmp(t->func, "initial")) {
		unsigned want = !strcmp(t->func, "initial") ? 1 : t->arg;
		size_t chars = 0;

		while (n < len && chars < want) {
			int32_t cp;

			n += utf8_decode(s + n, len - n, &cp);
			chars++;
		}
		*h = hash_more(*h, s, n);
		return n > 0;
	}
	if (!strcmp(t->func, "suffix")) {
		size_t chars = 0;

		n = len;
		while (n > 0 && chars < t->arg) {
			n--;
			while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
				n--;
			chars++;
		}
		*h = hash_more(*h, s + n, len - n);
		return true;
	}
	if (!strcmp(t->func, "year")) {
		if (len < 4)
			return false;
		*h = hash_more(*h, s, 4);
		return true;
	}
	if (!strcmp(t->func, "last-word")) {	/* a whole name's family name */
		n = len;
		while (n > 0 && s[n - 1] != ' ')
			n--;
		*h = hash_more(*h, s + n, len - n);
		return n < len;
	}
	if (!strcmp(t->func, "digits")) {
		char d[64];

		for (size_t k = 0; k < len && n < sizeof(d); k++)
			if (s[k] >= '0' && s[k] <= '9')
				d[n++] = s[k];
		*h = hash_more(*h, d, n);
		return n > 0;
	}
	return false;
}

/* Record i's key for block b, 0 when it has none. */
static uint64_t block_hash(const struct resolver *r, size_t b, size_t i)
{
	const struct block_key *k = r->blocks[b].key;
	uint64_t h = 0x5851F42D4C957F2Dull * (b + 1);

	for (size_t t = 0; t < k->n_terms; t++)
		if (!block_term(r, &k->terms[t], r->blocks[b].attr[t], i, &h))
			return 0;
	return h ? h : 1;
}

struct cand {
	uint32_t a, b;
	uint64_t pattern;
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static uint64_t pair_pattern(const struct resolver *r, size_t i, size_t j)
{
	int levels[64];

	for (size_t c = 0; c < r->model.n; c++)
		levels[c] = level_of(r, c, i, j);
	return model_pattern(&r->model, levels);
}

/* The largest group of block b compared pair by pair. */
static size_t block_cap(const struct resolver *r, size_t b)
{
	size_t k = r->blocks[b].key->max_block;

	return k ? k : r->max_block;
}

/*
 * Candidate pairs: for each block in turn, every pair of a group that
 * shares the key, unless an earlier block already paired them (the two
 * share an earlier key whose group was compared).  hashes[b * n + i] is
 * record i's key for block b, set to 0 for the records of an oversized
 * group, so that the later blocks compare them.
 */
static int block_pairs(struct resolver *r, struct keyed *tmp, uint64_t *hashes,
		       struct cands *out)
{
	size_t nb = r->id->n_blocks, n = r->n;

	for (size_t b = 0; b < nb; b++) {
		size_t m = 0, cap = block_cap(r, b);

		if (r->blocks[b].key->unmatched)
			continue;	/* unmatched_pairs() */
		for (size_t i = 0; i < n; i++) {
			hashes[b * n + i] = block_hash(r, b, i);
			if (hashes[b * n + i])
				tmp[m++] = (struct keyed){ hashes[b * n + i], (uint32_t)i };
		}
		qsort(tmp, m, sizeof(*tmp), keyed_cmp);
		for (size_t g = 0; g < m;) {
			size_t end = g + 1;

			while (end < m && tmp[end].key == tmp[g].key)
				end++;
			if (end - g > cap) {
				r->stats.oversized_blocks++;
				r->stats.oversized_records += end - g;
				r->blocks[b].oversized++;
				r->blocks[b].oversized_records += end - g;
				for (size_t k = g; k < end; k++)
					hashes[b * n + tmp[k].rec] = 0;
				g = end;
				continue;
			}
			for (size_t x = g; x < end; x++) {
				for (size_t y = x + 1; y < end; y++) {
					size_t i = tmp[x].rec, j = tmp[y].rec;
					bool seen = false;

					for (size_t e = 0; e < b && !seen; e++)
						seen = hashes[e * n + i] &&
						       hashes[e * n + i] == hashes[e * n + j];
					if (seen)
						continue;
					if (out->n == out->cap &&
					    xgrow(&out->v, &out->cap, out->n + 1, sizeof(*out->v)))
						return ST_ERR_NOMEM;
					out->v[out->n++] = (struct cand){ (uint32_t)i, (uint32_t)j,
									  pair_pattern(r, i, j) };
				}
			}
			g = end;
		}
	}
	return 0;
}

/*
 * The keys for the unmatched (`<block unmatched="true">`): a record that no
 * rule joined and no candidate pair put at review (no link of any kind)
 * is paired with every record that shares such a key with it, in groups
 * of at most the key's cap; larger groups holding an unmatched record are
 * counted as oversized, as the other keys' are.  The pairs are scored
 * like candidates, after them: the model is fitted, and its prior set, on
 * the others.  A pair the other keys compared below review is compared
 * again, to the same result.  Only pairs with an unmatched record are
 * made, and only the groups of unmatched records' keys are sorted, so the
 * cost is a pass over the records per key plus the unmatched records
 * times their small groups, never a group's square.
 */

/* A key of an unmatched record, and how many records hold it: an open-
 * addressed table, key 0 empty (block_hash() never gives 0). */
struct key_count {
	uint64_t key;
	size_t count;
};

static struct key_count *key_slot(struct key_count *t, size_t mask, uint64_t h)
{
	size_t j = (size_t)(h ^ (h >> 29)) & mask;

	while (t[j].key && t[j].key != h)
		j = (j + 1) & mask;
	return &t[j];
}

static int unmatched_block(struct resolver *r, size_t b, const bool *alone,
			   size_t n_alone)
{
	size_t n = r->n, cap = block_cap(r, b), size = 2, m = 0;
	struct key_count *t;
	struct keyed *tmp = NULL;
	int rc = ST_ERR_NOMEM;

	while (size < 2 * n_alone)
		size *= 2;
	if (!(t = xcalloc(size, sizeof(*t))))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		uint64_t h = alone[i] ? block_hash(r, b, i) : 0;

		if (h)
			key_slot(t, size - 1, h)->key = h;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t h = block_hash(r, b, i);
		struct key_count *k = h ? key_slot(t, size - 1, h) : NULL;

		if (k && k->key)
			k->count++;
	}
	for (size_t j = 0; j < size; j++) {
		if (t[j].count > cap) {
			r->stats.oversized_blocks++;
			r->stats.oversized_records += t[j].count;
			r->blocks[b].oversized++;
			r->blocks[b].oversized_records += t[j].count;
		} else if (t[j].count > 1) {
			m += t[j].count;
		}
	}
	if (!(tmp = xcalloc(m ? m : 1, sizeof(*tmp))))
		goto out;
	m = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t h = block_hash(r, b, i);
		struct key_count *k = h ? key_slot(t, size - 1, h) : NULL;

		if (k && k->key && k->count > 1 && k->count <= cap)
			tmp[m++] = (struct keyed){ h, (uint32_t)i };
	}
	qsort(tmp, m, sizeof(*tmp), keyed_cmp);
	for (size_t g = 0, end; g < m; g = end) {
		for (end = g; end < m && tmp[end].key == tmp[g].key; end++)
			;
		for (size_t x = g; x < end; x++) {
			for (size_t y = x + 1; y < end; y++) {
				size_t i = tmp[x].rec, j = tmp[y].rec;
				double p;
				unsigned speak;

				if (!alone[i] && !alone[j])
					continue;
				p = pattern_probability(r, pair_pattern(r, i, j),
							i, &speak);
				r->stats.compared++;
				r->stats.unmatched_pairs++;
				if (p >= r->id->review &&
				    add_model_link(r, i, j, p, speak))
					goto out;
			}
		}
	}
	rc = 0;
out:
	xfree(t);
	xfree(tmp);
	return rc;
}

/* Pair the unmatched records by the keys for them; first is the first of
 * the model's links (those before are the rules'). */
static int unmatched_links(struct resolver *r, size_t first)
{
	size_t n = r->n, nb = r->id->n_blocks, n_alone = 0;
	bool *alone;
	int rc = 0;

	if (!identity_has_unmatched_keys(r->id) || !n)
		return 0;
	if (!(alone = xcalloc(n, sizeof(*alone))))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		alone[i] = true;
	for (size_t i = 0; i < n; i++) {
		size_t root = find(r->parent, i);

		if (root != i)
			alone[i] = alone[root] = false;	/* a rule joined them */
	}
	for (size_t k = first; k < r->n_links; k++)
		alone[r->links[k].a] = alone[r->links[k].b] = false;
	for (size_t i = 0; i < n; i++)
		n_alone += alone[i];
	r->stats.unmatched = n_alone;
	for (size_t b = 0; b < nb && !rc && n_alone; b++)
		if (r->blocks[b].key->unmatched)
			rc = unmatched_block(r, b, alone, n_alone);
	xfree(alone);
	return rc;
}

/* --- fitting and linking --------------------------------------------------- */

static uint64_t next_random(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static int fit(struct resolver *r, const struct cands *c, uint64_t seed)
{
	struct patterns random, cand;
	uint64_t s = seed ? seed : 0x2545F4914F6CDD1Dull;
	uint64_t pairs = r->n > 1 ? (uint64_t)r->n * (r->n - 1) / 2 : 0;
	int rc = 0;

	patterns_init(&random);
	patterns_init(&cand);
	/* every pair when there are few enough, else a random sample */
	if (pairs <= LIMIT_IDENTITY_U_PAIRS) {
		for (size_t i = 0; i < r->n && !rc; i++)
			for (size_t j = i + 1; j < r->n && !rc; j++)
				rc = patterns_add(&random, pair_pattern(r, i, j), 1);
	}
	for (uint64_t k = 0; pairs > LIMIT_IDENTITY_U_PAIRS &&
	     k < LIMIT_IDENTITY_U_PAIRS && !rc; k++) {
		size_t i = (size_t)(next_random(&s) % r->n), j;

		do
			j = (size_t)(next_random(&s) % r->n);
		while (j == i);
		rc = patterns_add(&random, pair_pattern(r, i, j), 1);
	}
	if (!rc)
		model_fit_u(&r->model, &random);
	/* every pair counted: the pairs of one person are no longer too few
	 * to matter, so u is taken among the ones EM finds are not matches */
	if (!rc && pairs <= LIMIT_IDENTITY_U_PAIRS)
		rc = model_fit_u_em(&r->model, &random);
	for (size_t i = 0; i < r->model.n; i++)
		model_know_m(&r->model, i, &r->rule_levels[i * MODEL_MAX_LEVELS]);
	for (size_t k = 0; k < c->n && !rc; k++)
		rc = patterns_add(&cand, c->v[k].pattern, 1);
	if (!rc)
		rc = model_fit_m(&r->model, &cand);
	if (!rc)
		model_set_prior(&r->model, (double)c->n,
				(double)r->n * (double)(r->n - (r->n > 0)) / 2);
	patterns_release(&random);
	patterns_release(&cand);
	return rc;
}

static int link_cmp(const void *x, const void *y)
{
	const struct link *a = x, *b = y;

	if (a->probability != b->probability)
		return a->probability > b->probability ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

/*
 * The chain guard.  Joining the entities of a and b is refused when most
 * of the pairs across them that the model scores fall below the review
 * threshold: one strong link between two otherwise different groups of
 * records (a shared phone of two relatives) does not make them one person.
 * At most the first 64 members of each side are compared.
 */
static bool guard_allows(struct resolver *r, const size_t *next, size_t ra,
			 size_t rb)
{
	size_t low = 0, total = 0, x = ra;

	for (size_t i = 0; i < 64; i++, x = next[x]) {
		size_t y = rb;

		for (size_t j = 0; j < 64; j++, y = next[y]) {
			total++;
			low += score(r, x, y) < r->id->review;
			if (next[y] == rb)
				break;
		}
		if (next[x] == ra)
			break;
	}
	return low * 2 <= total;
}

/* Each record's links at or above the threshold, the records at their
 * other ends: adj[off[i]] to adj[off[i + 1] - 1] for record i. */
struct link_ends {
	size_t *off;
	uint32_t *adj;
};

static int link_ends_init(struct link_ends *e, const struct resolver *r,
			  size_t first)
{
	e->off = xcalloc(r->n + 2, sizeof(*e->off));
	e->adj = xcalloc(2 * (r->n_links - first) + 1, sizeof(*e->adj));
	if (!e->off || !e->adj)
		return ST_ERR_NOMEM;
	for (size_t k = first; k < r->n_links; k++)
		if (r->links[k].linked) {
			e->off[r->links[k].a + 2]++;
			e->off[r->links[k].b + 2]++;
		}
	for (size_t i = 2; i < r->n + 2; i++)
		e->off[i] += e->off[i - 1];
	for (size_t k = first; k < r->n_links; k++)
		if (r->links[k].linked) {
			e->adj[e->off[r->links[k].a + 1]++] = r->links[k].b;
			e->adj[e->off[r->links[k].b + 1]++] = r->links[k].a;
		}
	return 0;
}

/*
 * Is joining x's entity to y's a guess?  It is when x's entity holds no
 * value of an exclusive comparison, and x links (at or above the
 * threshold) both into y's entity and into another that holds a value
 * clearly different from one of y's: x could be either person.  Returns
 * the comparison (an index into r->excl), or -1.
 */
static int guess(const struct resolver *r, const struct link_ends *e,
		 size_t x, size_t y)
{
	size_t rx = find(r->parent, x), ry = find(r->parent, y);

	for (size_t j = e->off[x]; j < e->off[x + 1]; j++) {
		size_t z = e->adj[j], rz = find(r->parent, z);
		int k;

		if (rz == ry || rz == rx)
			continue;
		if ((k = excl_conflict(r, ry, rz)) >= 0 &&
		    !r->xhead[rx * r->n_excl + (size_t)k])
			return k;
	}
	return -1;
}

static int cluster(struct resolver *r, const struct cands *c)
{
	size_t *next = xcalloc(r->n ? r->n : 1, sizeof(*next));
	size_t first_model = r->n_links;
	struct link_ends ends = { NULL, NULL };

	if (!next)
		return ST_ERR_NOMEM;
	/* members of each entity in a circular list, for the guard */
	for (size_t i = 0; i < r->n; i++)
		next[i] = i;
	for (size_t i = 0; i < r->n; i++) {
		size_t root = find(r->parent, i);

		if (root != i) {
			size_t t = next[root];

			next[root] = next[i];
			next[i] = t;
		}
	}
	for (size_t k = 0; k < c->n; k++) {
		unsigned speak;
		double p = pattern_probability(r, c->v[k].pattern, c->v[k].a,
					       &speak);

		r->stats.compared++;
		if (p < r->id->review)
			continue;
		if (add_model_link(r, c->v[k].a, c->v[k].b, p, speak)) {
			xfree(next);
			return ST_ERR_NOMEM;
		}
	}
	if (unmatched_links(r, first_model)) {
		xfree(next);
		return ST_ERR_NOMEM;
	}
	if (r->n_links > first_model)
		qsort(r->links + first_model, r->n_links - first_model,
		      sizeof(*r->links), link_cmp);
	if (r->n_excl && link_ends_init(&ends, r, first_model)) {
		xfree(next);
		xfree(ends.off);
		xfree(ends.adj);
		return ST_ERR_NOMEM;
	}
	for (size_t k = first_model; k < r->n_links; k++) {
		struct link *l = &r->links[k];
		size_t ra, rb, t;
		int k2;

		if (!l->linked)
			continue;	/* reviews: counted below */
		r->stats.links++;
		ra = find(r->parent, l->a);
		rb = find(r->parent, l->b);
		if (ra == rb)
			continue;
		/* a rule's pair still apart: an exclusive value refused it
		 * there, and the rule's conflict says so */
		if (r->n_excl && resolver_rule_between(r, l->a, l->b) >= 0)
			continue;
		if (r->n_excl && ((k2 = guess(r, &ends, l->a, l->b)) >= 0 ||
				  (k2 = guess(r, &ends, l->b, l->a)) >= 0)) {
			l->linked = false;
			l->ambiguous = true;
			l->conflict = (int8_t)r->excl[k2];
			r->stats.ambiguous++;
			continue;
		}
		if (!guard_allows(r, next, ra, rb)) {
			l->linked = false;
			r->stats.refused_merges++;
			continue;
		}
		if ((k2 = excl_conflict(r, ra, rb)) >= 0) {
			l->linked = false;
			l->conflict = (int8_t)r->excl[k2];
			r->stats.conflicts++;
			continue;
		}
		join(r, ra, rb);
		l->joined = true;
		t = next[ra];
		next[ra] = next[rb];
		next[rb] = t;
	}
	/* a pair for review whose records other links made one person is
	 * settled: nobody needs to look at it */
	for (size_t k = first_model; k < r->n_links; k++) {
		struct link *l = &r->links[k];

		size_t ra, rb;
		int x;

		if (l->linked || (l->probability >= r->id->link && !l->thin))
			continue;
		ra = find(r->parent, l->a);
		rb = find(r->parent, l->b);
		l->settled = ra == rb;
		/* nobody is asked about a join an exclusive value refuses */
		if (!l->settled && r->n_excl && (x = excl_conflict(r, ra, rb)) >= 0) {
			l->conflict = (int8_t)r->excl[x];
			r->stats.conflicts++;
			continue;
		}
		r->stats.reviews += !l->settled;
	}
	xfree(next);
	xfree(ends.off);
	xfree(ends.adj);
	return 0;
}

static int number_entities(struct resolver *r)
{
	size_t *num = xcalloc(r->n ? r->n : 1, sizeof(*num));

	if (!num)
		return ST_ERR_NOMEM;
	r->entity = num;
	for (size_t i = 0; i < r->n; i++)
		num[i] = SIZE_MAX;
	r->n_entities = 0;
	for (size_t i = 0; i < r->n; i++) {
		size_t root = find(r->parent, i);

		if (num[root] == SIZE_MAX)
			num[root] = r->n_entities++;
		num[i] = num[root];
	}
	r->stats.entities = r->n_entities;
	return 0;
}

int resolver_run(struct resolver *r, const struct resolver_opts *o)
{
	struct keyed *tmp = NULL;
	uint64_t *hashes = NULL;
	struct cands c = { 0 };
	size_t hn;
	int rc = ST_ERR_NOMEM;

	r->max_block = o->max_block ? o->max_block :
		       r->id->max_block ? r->id->max_block : LIMIT_IDENTITY_BLOCK;
	r->stats.records = r->n;
	if (!size_mul(r->n, r->id->n_blocks, &hn))
		return ST_ERR_NOMEM;
	r->parent = xcalloc(r->n ? r->n : 1, sizeof(*r->parent));
	r->rule_levels = xcalloc(r->model.n * MODEL_MAX_LEVELS + 1,
				 sizeof(*r->rule_levels));
	tmp = xcalloc(r->n ? r->n : 1, sizeof(*tmp));
	hashes = xcalloc(hn ? hn : 1, sizeof(*hashes));
	if (!r->parent || !r->rule_levels || !tmp || !hashes)
		goto out;
	for (size_t i = 0; i < r->n; i++)
		r->parent[i] = i;
	if (mark_placeholders(r) || excl_init(r) || apply_rules(r, tmp) ||
	    block_pairs(r, tmp, hashes, &c))
		goto out;
	r->stats.candidates = c.n;
	xfree(hashes);
	hashes = NULL;
	xfree(tmp);
	tmp = NULL;
	if (fit(r, &c, o->seed) || cluster(r, &c) || number_entities(r))
		goto out;
	rc = 0;
out:
	xfree(c.v);
	xfree(tmp);
	xfree(hashes);
	return rc;
}

/* --- explaining one pair -------------------------------------------------- */

int resolver_prepare(struct resolver *r, size_t max_block)
{
	r->max_block = max_block ? max_block :
		       r->id->max_block ? r->id->max_block : LIMIT_IDENTITY_BLOCK;
	return mark_placeholders(r);
}

bool resolver_set_level(struct resolver *r, const char *attribute, size_t level,
			double m, double u)
{
	for (size_t c = 0; c < r->model.n; c++) {
		struct model_cmp *mc = &r->model.cmp[c];

		if (strcmp(mc->c->attribute_id, attribute) || level >= mc->n_levels)
			continue;
		mc->m[level] = m;
		mc->u[level] = u;
		return true;
	}
	return false;
}

void resolver_set_prior(struct resolver *r, double prior)
{
	r->model.prior = prior;
}

size_t resolver_find(const struct resolver *r, size_t s, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->src[i] == s && !strcmp(r->key[i], key))
			return i;
	return SIZE_MAX;
}

int resolver_rule_between(const struct resolver *r, size_t a, size_t b)
{
	for (size_t ru = 0; ru < r->id->n_rules; ru++) {
		bool all = true;

		for (size_t e = 0; e < r->id->rules[ru].n_equal && all; e++)
			all = value_of(r, a, r->rule_attr[ru][e]) != 0;
		if (all && rule_equal(r, ru, a, b))
			return (int)ru;
	}
	return -1;
}

const char *resolver_value(const struct resolver *r, size_t i, size_t c)
{
	size_t a = r->cmp_attr[c];
	uint32_t v = value_of(r, i, a);

	return v ? r->tabs[a].str[v - 1] : NULL;
}

double resolver_frequency(const struct resolver *r, size_t i, size_t c)
{
	size_t a = r->cmp_attr[c];
	uint32_t v = value_of(r, i, a);

	return v && r->tabs[a].present ?
	       (double)r->tabs[a].count[v - 1] / (double)r->tabs[a].present : 0;
}

/* --- results -------------------------------------------------------------- */

size_t resolver_records(const struct resolver *r) { return r->n; }
size_t resolver_source(const struct resolver *r, size_t i) { return r->src[i]; }
const char *resolver_key(const struct resolver *r, size_t i) { return r->key[i]; }
size_t resolver_entity(const struct resolver *r, size_t i) { return r->entity[i]; }
size_t resolver_entities(const struct resolver *r) { return r->n_entities; }
const struct resolver_stats *resolver_stats(const struct resolver *r) { return &r->stats; }
const struct model *resolver_model(const struct resolver *r) { return &r->model; }

bool resolver_placeholder(const struct resolver *r, size_t k,
			  const char **attribute, const char **value,
			  uint64_t *count)
{
	const struct placeholder *ph = &r->placeholders[k];
	const struct strtab *t = &r->tabs[ph->attr];

	*attribute = r->attrs[ph->attr]->id;
	*value = t->str[ph->value];
	*count = t->count[ph->value];
	return ph->role;
}

void resolver_oversized(const struct resolver *r, size_t b, uint64_t *groups,
			uint64_t *records)
{
	*groups = r->blocks[b].oversized;
	*records = r->blocks[b].oversized_records;
}

size_t resolver_max_block(const struct resolver *r)
{
	return r->max_block;
}

size_t resolver_block_max(const struct resolver *r, size_t b)
{
	return block_cap(r, b);
}

size_t resolver_links(const struct resolver *r, const struct link **out)
{
	*out = r->links;
	return r->n_links;
}
