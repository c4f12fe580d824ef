/*
 * policy_pos.c - line and column positions inside policy files.
 *
 * libxml2 gives an element's line but no column, and nothing for
 * attributes.  So the loader scans each file's text once for its start tags
 * (skipping comments, CDATA, processing instructions and end tags; policy
 * files have no DTD, so the n-th start tag in the text is the n-th element
 * of the tree) and finds attributes inside a tag on demand.
 */
#include "policy/policy_int.h"

#include <ctype.h>
#include <stdarg.h>

static const char *skip_past(const char *p, const char *end, const char *marker)
{
	size_t mlen = strlen(marker);

	for (; p + mlen <= end; p++)
		if (!memcmp(p, marker, mlen))
			return p + mlen;
	return end;
}

/* End of a start tag (just past '>'), honouring quoted attribute values. */
static const char *tag_end(const char *p, const char *end)
{
	char q = 0;

	for (; p < end; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '>') {
			return p + 1;
		}
	}
	return end;
}

static int push(size_t **arr, size_t *n, size_t *cap, size_t v)
{
	if (xgrow(arr, cap, *n + 1, sizeof(**arr)))
		return ST_ERR_NOMEM;
	(*arr)[(*n)++] = v;
	return 0;
}

int policy_text_index(struct policy_text *t)
{
	const char *p = t->data, *end = t->data + t->len;
	size_t lcap = 0, tcap = 0;

	t->doctype = SIZE_MAX;
	if (push(&t->lines, &t->n_lines, &lcap, 0))
		return ST_ERR_NOMEM;
	for (size_t i = 0; i < t->len; i++)
		if (t->data[i] == '\n' && push(&t->lines, &t->n_lines, &lcap, i + 1))
			return ST_ERR_NOMEM;
	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		if (!strncmp(p, "<!--", 4))
			p = skip_past(p + 4, end, "-->");
		else if (!strncmp(p, "<![CDATA[", 9))
			p = skip_past(p + 9, end, "]]>");
		else if (p[1] == '?')
			p = skip_past(p + 2, end, "?>");
		else if (p[1] == '!') {
			if (t->doctype == SIZE_MAX)
				t->doctype = (size_t)(p - t->data);
			p = tag_end(p + 2, end);
		} else if (p[1] == '/')
			p = tag_end(p + 2, end);
		else {
			if (push(&t->tags, &t->n_tags, &tcap, (size_t)(p - t->data)))
				return ST_ERR_NOMEM;
			p = tag_end(p + 1, end);
		}
	}
	return 0;
}

void policy_text_release(struct policy_text *t)
{
	xfree(t->lines);
	xfree(t->tags);
	t->lines = t->tags = NULL;
	t->n_lines = t->n_tags = 0;
}

struct policy_loc policy_text_loc(const struct policy_text *t, size_t offset)
{
	struct policy_loc loc = { t->path, 0, 0, offset };
	size_t lo = 0, hi = t->n_lines;

	/* the last line start <= offset */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->lines[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	loc.line = lo + 1;
	loc.col = 1;
	/* columns count characters, not bytes: skip UTF-8 continuations */
	for (size_t i = t->lines[lo]; i < offset && i < t->len; i++)
		if (((unsigned char)t->data[i] & 0xC0) != 0x80)
			loc.col++;
	return loc;
}

static const struct policy_text *text_of(const struct policy_loader *L,
					 const char *file)
{
	for (size_t i = 0; i < L->n_texts; i++)
		if (L->texts[i].path == file)
			return &L->texts[i];
	return NULL;
}

/* Find attribute name in the tag at offset; sets name and value offsets. */
static bool find_attr(const struct policy_text *t, size_t offset,
		      const char *name, size_t *name_at, size_t *value_at)
{
	const char *p = t->data + offset + 1, *end = t->data + t->len;
	size_t nlen = strlen(name);

	while (p < end && !isspace((unsigned char)*p) && *p != '>' && *p != '/')
		p++;
	for (;;) {
		const char *n0, *n1;

		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || *p == '>' || *p == '/')
			return false;
		n0 = p;
		while (p < end && *p != '=' && !isspace((unsigned char)*p) && *p != '>')
			p++;
		n1 = p;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || *p != '=')
			return false;
		p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return false;
		if ((size_t)(n1 - n0) == nlen && !memcmp(n0, name, nlen)) {
			*name_at = (size_t)(n0 - t->data);
			*value_at = (size_t)(p + 1 - t->data);
			return true;
		}
		p = memchr(p + 1, *p, (size_t)(end - p - 1));
		if (!p)
			return false;
		p++;
	}
}

struct policy_loc policy_attr_loc(const struct policy_loader *L,
				  struct policy_loc elem, const char *name,
				  size_t at)
{
	const struct policy_text *t = text_of(L, elem.file);
	size_t name_at, value_at;

	if (!t || !find_attr(t, elem.offset, name, &name_at, &value_at))
		return elem;
	/* `at` counts bytes of the value as parsed; entity references such
	 * as &amp; make that differ from the text, so stay inside the value */
	for (size_t i = 0; i < at && value_at < t->len; i++) {
		char c = t->data[value_at];

		if (c == '"' || c == '\'')
			break;
		value_at++;
	}
	return policy_text_loc(t, value_at);
}

struct policy_loc policy_attr_name_loc(const struct policy_loader *L,
				       struct policy_loc elem, const char *name)
{
	const struct policy_text *t = text_of(L, elem.file);
	size_t name_at, value_at;

	if (!t || !find_attr(t, elem.offset, name, &name_at, &value_at))
		return elem;
	return policy_text_loc(t, name_at);
}

void policy_error(struct policy_loader *L, struct policy_loc loc,
		  const char *fmt, ...)
{
	struct diag d;
	struct diag_pos pos = { loc.file, loc.line, loc.col };
	va_list ap;

	diag_clear(&d);
	va_start(ap, fmt);
	diag_vset(&d, pos, fmt, ap);
	va_end(ap);
	diag_list_push(L->errors, &d);
}
