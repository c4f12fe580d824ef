/*
 * reader_xml.c - read records out of an XML export with libxml2's
 * streaming reader (xmlTextReader), never a DOM of the whole file.
 *
 * The source names a record element by its absolute path
 * (/support-export/tickets/ticket) and each field by a path relative to the
 * record: child elements (customer/name), attributes (@id,
 * customer/phone/@verified) or the record's own text (.).  The reader keeps
 * only the stack of element names and the current record's field values,
 * so memory is bounded by the record.  Element names are compared as
 * pointers into libxml2's dictionary (interned once at open).
 *
 * Hostile input is refused: network access is off, a DOCTYPE ends the read
 * (no DTD, so no external entities and no entity expansion), and nesting
 * deeper than LIMIT_XML_DEPTH is an error.
 */
#include "source/reader_int.h"

#include <errno.h>
#include <libxml/xmlreader.h>
#include <unistd.h>

struct xml_field {
	const xmlChar *steps[LIMIT_XML_PATH_STEPS];
	size_t n;
	const xmlChar *attr;	/* attribute's local name, or NULL for text */
};

struct xml_impl {
	xmlTextReaderPtr xr;
	const xmlChar *rec[LIMIT_XML_PATH_STEPS];
	size_t rec_n;
	struct xml_field *fields;
	struct buf *values;	/* per declared field */
	bool *seen;
	int *active;		/* depth whose text a field collects, or -1 */
	const xmlChar *stack[LIMIT_XML_DEPTH];
	int rec_depth;		/* -1 outside a record */
	bool failed;
	struct diag err;	/* the parser's first error */
	struct buf path;	/* scratch for column discovery */
};

/* Records whose element and attribute paths feed reader_columns(). */
#define XML_DISCOVERY_RECORDS 1000

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct reader *r = ctx;
	struct xml_impl *im = r->impl;
	struct diag_pos pos = { r->src->resolved_path, (unsigned long)e->line,
				(unsigned long)(e->int2 > 0 ? e->int2 : 0) };
	char msg[512];
	size_t n;

	if (e->level < XML_ERR_ERROR || im->failed)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "malformed XML");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	im->failed = true;
	diag_set(&im->err, pos, "source '%s': XML is not well-formed: %s",
		 r->src->id, msg);
}

/* Split "a/b/@c" into interned steps; false when malformed. */
static bool parse_path(xmlTextReaderPtr xr, const char *path,
		       const xmlChar **steps, size_t *n, const xmlChar **attr)
{
	char word[256];

	*n = 0;
	*attr = NULL;
	if (!strcmp(path, "."))
		return true;
	while (*path) {
		size_t len = strcspn(path, "/");

		if (!len || len >= sizeof(word) || *attr)
			return false;
		memcpy(word, path, len);
		word[len] = '\0';
		if (word[0] == '@') {
			if (!word[1])
				return false;
			*attr = xmlTextReaderConstString(xr, (const xmlChar *)word + 1);
		} else {
			if (*n == LIMIT_XML_PATH_STEPS)
				return false;
			steps[(*n)++] = xmlTextReaderConstString(xr, (const xmlChar *)word);
		}
		path += len;
		if (*path == '/')
			path++;
	}
	return true;
}

static bool in_discovery(const struct reader *r)
{
	return r->stats.records < XML_DISCOVERY_RECORDS;
}

/* Remember "a/b" or "a/b/@c" (relative to the record) as a column. */
static int discover(struct reader *r, int depth, const xmlChar *attr)
{
	struct xml_impl *im = r->impl;

	buf_reset(&im->path);
	for (int d = im->rec_depth + 1; d <= depth; d++) {
		if (im->path.len)
			buf_addch(&im->path, '/');
		buf_addstr(&im->path, (const char *)im->stack[d]);
	}
	if (attr) {
		if (im->path.len)
			buf_addch(&im->path, '/');
		buf_addch(&im->path, '@');
		buf_addstr(&im->path, (const char *)attr);
	}
	if (!im->path.len || buf_error(&im->path) ||
	    reader_has_column(r, im->path.data))
		return 0;
	return reader_add_column(r, im->path.data, im->path.len);
}

static int discover_attrs(struct reader *r, int depth)
{
	struct xml_impl *im = r->impl;
	int rc = 0;

	while (!rc && xmlTextReaderMoveToNextAttribute(im->xr) == 1)
		rc = discover(r, depth, xmlTextReaderConstLocalName(im->xr));
	xmlTextReaderMoveToElement(im->xr);
	return rc;
}

static bool path_matches(const struct xml_impl *im, const struct xml_field *f,
			 int depth)
{
	if ((int)f->n != depth - im->rec_depth)
		return false;
	for (size_t i = 0; i < f->n; i++)
		if (f->steps[i] != im->stack[im->rec_depth + 1 + (int)i])
			return false;
	return true;
}

static void take_attr(struct reader *r, size_t f)
{
	struct xml_impl *im = r->impl;
	const xmlChar *v;

	if (xmlTextReaderMoveToAttribute(im->xr, im->fields[f].attr) != 1)
		return;
	v = xmlTextReaderConstValue(im->xr);
	if (v) {
		buf_addstr(&im->values[f], (const char *)v);
		im->seen[f] = true;
	}
	xmlTextReaderMoveToElement(im->xr);
}

/* An element starts inside the current record (depth >= rec_depth). */
static int element_in_record(struct reader *r, int depth)
{
	struct xml_impl *im = r->impl;
	const struct source *s = r->src;

	for (size_t f = 0; f < s->n_fields; f++) {
		if (!path_matches(im, &im->fields[f], depth))
			continue;
		if (im->seen[f]) {
			reader_problem(r, RP_REPEATED_ELEMENT, r->line, 0,
				       "record at line %llu has field '%s' more than "
				       "once; the first is kept",
				       (unsigned long long)r->line, s->fields[f].name);
			continue;
		}
		if (im->fields[f].attr) {
			take_attr(r, f);
		} else {
			im->seen[f] = true;
			im->active[f] = depth;
		}
	}
	if (!in_discovery(r))
		return 0;
	if (depth > im->rec_depth && discover(r, depth, NULL))
		return ST_ERR_NOMEM;
	return discover_attrs(r, depth);
}

static bool is_record_start(const struct xml_impl *im, int depth)
{
	if (depth != (int)im->rec_n - 1)
		return false;
	for (size_t i = 0; i < im->rec_n; i++)
		if (im->stack[i] != im->rec[i])
			return false;
	return true;
}

static void begin_record(struct reader *r, int depth)
{
	struct xml_impl *im = r->impl;

	im->rec_depth = depth;
	/* the parser reads ahead: take the node's own line */
	r->line = (uint64_t)xmlGetLineNo(xmlTextReaderCurrentNode(im->xr));
	for (size_t f = 0; f < r->src->n_fields; f++) {
		buf_reset(&im->values[f]);
		im->seen[f] = false;
		im->active[f] = -1;
	}
}

static void end_record(struct reader *r)
{
	struct xml_impl *im = r->impl;

	for (size_t f = 0; f < r->src->n_fields; f++) {
		if (!im->seen[f])
			continue;
		if (buf_error(&im->values[f])) {
			reader_problem(r, RP_FIELD_TOO_LONG, r->line, 0,
				       "record at line %llu: field '%s' is longer than "
				       "%u bytes, so it is read as empty",
				       (unsigned long long)r->line,
				       r->src->fields[f].name, LIMIT_FIELD_BYTES);
			buf_reset(&im->values[f]);
		}
		r->raw[f] = im->values[f].data;
		r->raw_len[f] = im->values[f].len;
	}
	im->rec_depth = -1;
}

static void add_text(struct reader *r, int depth)
{
	struct xml_impl *im = r->impl;
	const xmlChar *v = NULL;

	for (size_t f = 0; f < r->src->n_fields; f++) {
		if (im->active[f] != depth - 1)
			continue;
		if (!v)
			v = xmlTextReaderConstValue(im->xr);
		if (v)
			buf_addstr(&im->values[f], (const char *)v);
	}
}

static void end_element(struct reader *r, int depth)
{
	struct xml_impl *im = r->impl;

	for (size_t f = 0; f < r->src->n_fields; f++)
		if (im->active[f] == depth)
			im->active[f] = -1;
}

static int xml_refuse(struct reader *r, struct diag *d, const char *what)
{
	struct xml_impl *im = r->impl;
	struct diag_pos pos = {
		r->src->resolved_path,
		(unsigned long)xmlTextReaderGetParserLineNumber(im->xr),
		(unsigned long)xmlTextReaderGetParserColumnNumber(im->xr)
	};

	return diag_set(d, pos, "source '%s': %s; steward refuses DTDs and "
			"entities in XML sources (they can read local files or "
			"expand without bound); export the data without them",
			r->src->id, what);
}

/* Handle one node; 1 when a record just ended. */
static int xml_node(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;
	int type = xmlTextReaderNodeType(im->xr);
	int depth = xmlTextReaderDepth(im->xr);
	bool empty;

	switch (type) {
	case XML_READER_TYPE_ELEMENT:
		if (depth >= LIMIT_XML_DEPTH)
			return diag_set(d, (struct diag_pos){ r->src->resolved_path,
				(unsigned long)xmlTextReaderGetParserLineNumber(im->xr), 0 },
				"source '%s': elements nested deeper than %d",
				r->src->id, LIMIT_XML_DEPTH);
		im->stack[depth] = xmlTextReaderConstLocalName(im->xr);
		empty = xmlTextReaderIsEmptyElement(im->xr) == 1;
		if (im->rec_depth < 0) {
			if (!is_record_start(im, depth))
				return 0;
			begin_record(r, depth);
		}
		if (element_in_record(r, depth))
			return ST_ERR_NOMEM;
		if (empty) {
			end_element(r, depth);
			if (depth == im->rec_depth) {
				end_record(r);
				return 1;
			}
		}
		return 0;
	case XML_READER_TYPE_END_ELEMENT:
		if (im->rec_depth < 0)
			return 0;
		end_element(r, depth);
		if (depth != im->rec_depth)
			return 0;
		end_record(r);
		return 1;
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		if (im->rec_depth >= 0)
			add_text(r, depth);
		return 0;
	case XML_READER_TYPE_DOCUMENT_TYPE:
	case XML_READER_TYPE_ENTITY:
		return xml_refuse(r, d, "the file has a DOCTYPE");
	case XML_READER_TYPE_ENTITY_REFERENCE:
		return xml_refuse(r, d, "the file uses an entity reference");
	default:
		return 0;
	}
}

static int xml_next(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;
	int rc;

	for (;;) {
		rc = xmlTextReaderRead(im->xr);
		if (rc != 1)
			break;
		rc = xml_node(r, d);
		if (rc)
			return rc;
	}
	if (im->failed || rc < 0) {
		if (!im->failed)
			diag_set(&im->err, (struct diag_pos){ r->src->resolved_path, 0, 0 },
				 "source '%s': XML is not well-formed", r->src->id);
		*d = im->err;
		return ST_ERR;
	}
	return 0;
}

static void xml_close(struct reader *r)
{
	struct xml_impl *im = r->impl;

	if (!im)
		return;
	if (im->xr)
		xmlFreeTextReader(im->xr);
	for (size_t f = 0; im->values && f < r->src->n_fields; f++)
		buf_release(&im->values[f]);
	xfree(im->values);
	xfree(im->fields);
	xfree(im->seen);
	xfree(im->active);
	buf_release(&im->path);
	xfree(im);
	r->impl = NULL;
}

static uint64_t xml_bytes(const struct reader *r)
{
	const struct xml_impl *im = r->impl;
	long n = xmlTextReaderByteConsumed(im->xr);

	return n > 0 ? (uint64_t)n : 0;
}

static const struct reader_ops xml_ops = { xml_next, xml_close, xml_bytes };

static int setup_paths(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;
	const struct source *s = r->src;
	const xmlChar *attr;

	if (!s->record_path || s->record_path[0] != '/' ||
	    !parse_path(im->xr, s->record_path + 1, im->rec, &im->rec_n, &attr) ||
	    attr || !im->rec_n)
		return diag_set(d, (struct diag_pos){ s->loc.file, s->loc.line,
						      s->loc.col },
				"source '%s': record path '%s' must be /element/... "
				"with no attribute", s->id,
				s->record_path ? s->record_path : "");
	for (size_t f = 0; f < s->n_fields; f++) {
		const struct source_field *sf = &s->fields[f];
		const char *path = sf->path ? sf->path : sf->name;
		struct xml_field *xf = &im->fields[f];

		if (!parse_path(im->xr, path, xf->steps, &xf->n, &xf->attr))
			return diag_set(d, (struct diag_pos){ sf->loc.file,
				sf->loc.line, sf->loc.col }, "source '%s': field '%s' "
				"has a malformed path '%s' (write child/grandchild, "
				"@attribute, child/@attribute or .)", s->id, sf->name, path);
	}
	return 0;
}

/*
 * A DOCTYPE can only come before the root element, so look for one there
 * before libxml2 sees the file: the parser would otherwise report the
 * entity it refuses rather than the DTD, or lose it in its read-ahead.
 */
static int refuse_doctype(struct reader *r, struct diag *d)
{
	char head[65536];
	size_t n, line = 1;
	FILE *f = fopen(r->src->resolved_path, "rb");

	if (!f)
		return 0;
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (head[i] == '\n')
			line++;
		if (head[i] != '<')
			continue;
		if (!strncmp(head + i, "<!DOCTYPE", 9))
			return diag_set(d, (struct diag_pos){ r->src->resolved_path,
					(unsigned long)line, 0 },
					"source '%s': the file has a DOCTYPE; steward "
					"refuses DTDs and entities in XML sources (they can "
					"read local files or expand without bound); export "
					"the data without them", r->src->id);
		if (head[i + 1] != '?' && head[i + 1] != '!')
			break;	/* the root element: no DOCTYPE can follow */
	}
	return 0;
}

int reader_xml_open(struct reader *r, struct diag *d)
{
	const struct source *s = r->src;
	size_t nf = s->n_fields ? s->n_fields : 1;
	struct xml_impl *im = xcalloc(1, sizeof(*im));

	if (!im)
		return ST_ERR_NOMEM;
	r->impl = im;
	r->ops = &xml_ops;
	im->rec_depth = -1;
	buf_init(&im->path, 4096);
	im->fields = xcalloc(nf, sizeof(*im->fields));
	im->values = xcalloc(nf, sizeof(*im->values));
	im->seen = xcalloc(nf, sizeof(*im->seen));
	im->active = xcalloc(nf, sizeof(*im->active));
	if (!im->fields || !im->values || !im->seen || !im->active)
		return ST_ERR_NOMEM;
	for (size_t f = 0; f < nf; f++)
		buf_init(&im->values[f], LIMIT_FIELD_BYTES);
	if (access(s->resolved_path, R_OK) != 0)
		return diag_set(d, (struct diag_pos){ s->resolved_path, 0, 0 },
				"source '%s': cannot open: %s", s->id, strerror(errno));
	if (refuse_doctype(r, d))
		return ST_ERR;
	im->xr = xmlReaderForFile(s->resolved_path, NULL,
				  XML_PARSE_NONET | XML_PARSE_COMPACT);
	if (!im->xr)
		return diag_set(d, (struct diag_pos){ s->resolved_path, 0, 0 },
				"source '%s': cannot open the XML file", s->id);
	xmlTextReaderSetStructuredErrorHandler(im->xr, on_xml_error, r);
	return setup_paths(r, d);
}
