/*
 * reader_xml.c - read records out of an XML export with libxml2's SAX2 push
 * parser, never a tree: not of the file, not even of one record.
 *
 * The source names a record element by its absolute path
 * (/support-export/tickets/ticket) and each field by a path relative to the
 * record: child elements (customer/name), attributes (@id,
 * customer/phone/@verified) or the record's own text (.).  The file is fed
 * to the parser in chunks of XML_CHUNK bytes; the callbacks keep the stack
 * of element names and the record in progress, and copy each record they
 * complete into a small queue that xml_next() pops one record per call,
 * feeding the next chunk only when the queue is empty.  So memory is
 * bounded by a chunk and a record, never the file.  Element and attribute
 * names are compared as pointers into the parser's dictionary, where the
 * paths are interned once at open.
 *
 * What reading a record does to the reader as a whole (problems counted,
 * columns discovered) is kept as events with the queued record and replayed
 * when the record is delivered, so that callers see exactly what a reader
 * without a queue would show after the same records, e.g. peek --limit.
 * When the XML stops being well-formed, every record completed before the
 * error is delivered first; then the error, naming file:line:col.
 *
 * Hostile input is refused: a DOCTYPE is looked for in the file's head
 * before parsing, and again by the parser (a DTD, an entity declaration or
 * an entity reference stops it), so no DTD is loaded and no entity is ever
 * expanded; network access is off, and nesting deeper than LIMIT_XML_DEPTH
 * is an error.  libxml2's messages are never printed: the parser's errors
 * come through the context's structured handler, and those libxml2 raises
 * without a context (e.g. encoding conversion) through the thread's own
 * handlers, which are set around each call into the parser and restored
 * after, so readers on other threads and the policy loader are untouched.
 */
#include "source/reader_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <unistd.h>

/* Only then are xmlSetStructuredErrorFunc() and xmlSetGenericErrorFunc()
 * the calling thread's own (see handlers_enter). */
#ifndef LIBXML_THREAD_ENABLED
#error "the XML reader needs libxml2 built with thread support"
#endif

/* Bytes fed to the parser at a time: large enough that the per-call cost
 * disappears, small enough that the queue a chunk fills stays small. */
#define XML_CHUNK 65536

/* Records whose element and attribute paths feed reader_columns(). */
#define XML_DISCOVERY_RECORDS 1000

/* What an attribute field names, with the rules of xmlTextReader's
 * MoveToAttribute, which the reader used before. */
enum xml_attr_kind {
	XA_NONE,	/* no attribute: the element's text */
	XA_PLAIN,	/* @name: an attribute without a prefix */
	XA_PREFIXED,	/* @p:name: an attribute in p's declared namespace */
	XA_NS_DEFAULT,	/* @xmlns: the default namespace's URI */
	XA_NS_PREFIX	/* @xmlns:p: the URI declared for prefix p */
};

struct xml_field {
	const xmlChar *steps[LIMIT_XML_PATH_STEPS];
	size_t n;
	enum xml_attr_kind kind;
	const xmlChar *attr;	/* local name; XA_NS_PREFIX: the prefix */
	const xmlChar *prefix;	/* XA_PREFIXED */
};

/* Something reading a record did to the reader, replayed on delivery. */
enum xml_event_kind { EV_COLUMN, EV_REPEATED, EV_TOO_LONG };

struct xml_event {
	enum xml_event_kind kind;
	size_t index;		/* the field; EV_COLUMN: an entry of cols */
};

/* A field a queued record has: its bytes in im->text. */
struct xml_value {
	size_t field, off, len;
};

/* A record the parser completed, waiting to be delivered: only the fields
 * it has take room, so a chunk of tiny records cannot fill the queue with
 * empty values. */
struct xml_done {
	uint64_t line;
	size_t value, n_value;	/* its values in vals */
	size_t ev, n_ev;	/* its events in evs */
};

/* An element's namespace declarations and attributes, as SAX2 gives them:
 * pairs (prefix, URI) and quintuples (local, prefix, URI, value, end). */
struct xml_start {
	const xmlChar **ns;
	int n_ns;
	const xmlChar **attrs;
	int n_attrs;
};

struct xml_impl {
	xmlParserCtxtPtr ctxt;
	int fd;
	char *chunk;		/* XML_CHUNK + 1 bytes */
	size_t pending, pending_off;	/* read at open, not fed yet */
	uint64_t fed;		/* bytes given to the parser */
	bool done;		/* nothing more to feed */
	bool stopped;		/* we stopped the parser (err or nomem) */
	bool nomem;
	bool tail_replayed;
	bool err_unplaced;	/* err came without a position */
	struct diag err;	/* the first error, the parser's or ours */

	/* the paths, interned in the parser's dictionary */
	const xmlChar *rec[LIMIT_XML_PATH_STEPS];
	size_t rec_n;
	struct xml_field *fields;
	/* field indices by path length: length n from by_len[len_start[n]] */
	size_t *by_len;
	size_t len_start[LIMIT_XML_PATH_STEPS + 2];

	/* where the parser is */
	const xmlChar *stack[LIMIT_XML_DEPTH];
	bool collect[LIMIT_XML_DEPTH];	/* a field takes text at depth */
	int depth;		/* elements open */
	int rec_depth;		/* the record element's; -1 outside */
	uint64_t rec_line;
	uint64_t completed;	/* records the parser completed */

	/* the record in progress, per declared field */
	struct buf *values;
	bool *seen;
	int *active;		/* depth whose text it takes, or -1 */
	size_t rec_ev;		/* its first event in evs */

	/* completed records, in order; emptied before each chunk */
	struct xml_done *queue;
	size_t q_head, q_n, q_cap;
	struct xml_value *vals;
	size_t n_vals, cap_vals;
	struct xml_event *evs;
	size_t n_evs, cap_evs;
	struct buf text;

	/* column discovery: every path seen, in order (deliveries replay) */
	char **cols;
	size_t n_cols, cap_cols;
	struct buf path;
};

/* ---- errors -------------------------------------------------------------- */

static int parser_line(const struct xml_impl *im)
{
	return im->ctxt && im->ctxt->input ? im->ctxt->input->line : 0;
}

static void stop(struct reader *r)
{
	struct xml_impl *im = r->impl;

	im->stopped = true;
	xmlStopParser(im->ctxt);
}

static void out_of_memory(struct reader *r)
{
	struct xml_impl *im = r->impl;

	im->nomem = true;
	stop(r);
}

static void not_well_formed(struct reader *r, unsigned long line,
			    unsigned long col, const char *what)
{
	struct xml_impl *im = r->impl;
	char msg[512];
	size_t n;

	snprintf(msg, sizeof(msg), "%s",
		 what && *what ? what : "malformed XML");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (!im->err.set && !line)
		im->err_unplaced = true;
	diag_set(&im->err, (struct diag_pos){ r->src->resolved_path, line, col },
		 "source '%s': XML is not well-formed: %s", r->src->id, msg);
}

/* The parser's errors (ctx is the context's user data) and, while we are
 * in the parser, those raised without a context (ctx is ours too). */
static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct reader *r = ctx;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	not_well_formed(r, e->line > 0 ? (unsigned long)e->line : 0,
			e->int2 > 0 ? (unsigned long)e->int2 : 0, e->message);
}

/* What libxml2 prints without going through the structured handler
 * (e.g. "xmlParseChunk: encoder error"): an error, kept like the rest. */
static void on_generic_error(void *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	not_well_formed(ctx, 0, 0, msg);
}

static void refuse(struct reader *r, const char *what)
{
	struct xml_impl *im = r->impl;

	diag_set(&im->err, (struct diag_pos){ r->src->resolved_path,
					      (unsigned long)parser_line(im), 0 },
		 "source '%s': %s; steward refuses DTDs and entities in XML "
		 "sources (they can read local files or expand without bound); "
		 "export the data without them", r->src->id, what);
	stop(r);
}

/* The thread's libxml2 handlers, swapped for ours around a parser call. */
struct xml_handlers {
	xmlGenericErrorFunc generic;
	void *generic_ctx;
	xmlStructuredErrorFunc structured;
	void *structured_ctx;
};

static void handlers_enter(struct reader *r, struct xml_handlers *saved)
{
	saved->generic = xmlGenericError;
	saved->generic_ctx = xmlGenericErrorContext;
	saved->structured = xmlStructuredError;
	saved->structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(r, on_generic_error);
	xmlSetStructuredErrorFunc(r, on_xml_error);
}

static void handlers_leave(const struct xml_handlers *saved)
{
	xmlSetGenericErrorFunc(saved->generic_ctx, saved->generic);
	xmlSetStructuredErrorFunc(saved->structured_ctx, saved->structured);
}

/* ---- events and columns -------------------------------------------------- */

static void add_event(struct reader *r, enum xml_event_kind kind, size_t index)
{
	struct xml_impl *im = r->impl;

	if (xgrow(&im->evs, &im->cap_evs, im->n_evs + 1, sizeof(*im->evs))) {
		out_of_memory(r);
		return;
	}
	im->evs[im->n_evs++] = (struct xml_event){ kind, index };
}

static bool in_discovery(const struct xml_impl *im)
{
	return im->completed < XML_DISCOVERY_RECORDS;
}

/* Note im->path as a column unless seen; reader_columns() gets it when
 * the record is delivered.  As reader_add_column(), at most LIMIT_COLUMNS. */
static void note_column(struct reader *r)
{
	struct xml_impl *im = r->impl;
	char *copy;

	if (!im->path.len || buf_error(&im->path) ||
	    im->n_cols >= LIMIT_COLUMNS)
		return;
	for (size_t i = 0; i < im->n_cols; i++)
		if (!strcmp(im->cols[i], im->path.data))
			return;
	copy = xstrndup(im->path.data, im->path.len);
	if (!copy || xgrow(&im->cols, &im->cap_cols, im->n_cols + 1,
			   sizeof(*im->cols))) {
		xfree(copy);
		out_of_memory(r);
		return;
	}
	im->cols[im->n_cols] = copy;
	add_event(r, EV_COLUMN, im->n_cols++);
}

/* "a/b" for the element at depth, relative to the record, into im->path. */
static void element_path(struct xml_impl *im, int depth)
{
	buf_reset(&im->path);
	for (int d = im->rec_depth + 1; d <= depth; d++) {
		if (im->path.len)
			buf_addch(&im->path, '/');
		buf_addstr(&im->path, (const char *)im->stack[d]);
	}
}

/* Note "path/@name" (prefix:name when the prefix is undeclared, as the
 * tree builder names such an attribute). */
static void note_attribute(struct reader *r, int depth, const xmlChar *prefix,
			   const xmlChar *name)
{
	struct xml_impl *im = r->impl;

	element_path(im, depth);
	if (im->path.len)
		buf_addch(&im->path, '/');
	buf_addch(&im->path, '@');
	if (prefix) {
		buf_addstr(&im->path, (const char *)prefix);
		buf_addch(&im->path, ':');
	}
	buf_addstr(&im->path, (const char *)name);
	note_column(r);
}

/* The element's path and its attributes' (namespace declarations first,
 * named by their prefix or "xmlns"), in the old reader's order. */
static void discover(struct reader *r, int depth, const struct xml_start *el)
{
	struct xml_impl *im = r->impl;

	if (depth > im->rec_depth) {
		element_path(im, depth);
		note_column(r);
	}
	for (int i = 0; i < el->n_ns; i++) {
		const xmlChar *prefix = el->ns[2 * i];

		note_attribute(r, depth, NULL,
			       prefix ? prefix : (const xmlChar *)"xmlns");
	}
	for (int i = 0; i < el->n_attrs; i++) {
		const xmlChar **a = el->attrs + 5 * i;

		note_attribute(r, depth, a[1] && !a[2] ? a[1] : NULL, a[0]);
	}
}

/* ---- the record in progress ---------------------------------------------- */

/* Append an attribute value.  Without entity substitution, libxml2 hands
 * over a '&' in an attribute as "&#38;" (for the tree builder to decode):
 * decode it, as the tree did. */
static void add_attr_value(struct buf *b, const xmlChar *v, const xmlChar *end)
{
	const char *p = (const char *)v, *e = (const char *)end, *amp;

	while ((amp = memchr(p, '&', (size_t)(e - p)))) {
		buf_add(b, p, (size_t)(amp - p) + 1);
		p = amp + 1;
		if (e - p >= 4 && !memcmp(p, "#38;", 4))
			p += 4;
	}
	buf_add(b, p, (size_t)(e - p));
}

/* Find the field's attribute on the element; false when it has none. */
static bool take_attr(struct xml_impl *im, size_t f, const struct xml_start *el)
{
	const struct xml_field *xf = &im->fields[f];

	if (xf->kind == XA_NS_DEFAULT || xf->kind == XA_NS_PREFIX) {
		const xmlChar *want = xf->kind == XA_NS_PREFIX ? xf->attr : NULL;

		for (int i = 0; i < el->n_ns; i++) {
			const xmlChar *uri = el->ns[2 * i + 1];

			if (el->ns[2 * i] != want)
				continue;
			buf_addstr(&im->values[f], uri ? (const char *)uri : "");
			return true;
		}
		return false;
	}
	for (int i = 0; i < el->n_attrs; i++) {
		const xmlChar **a = el->attrs + 5 * i;

		if (a[0] != xf->attr ||
		    (xf->kind == XA_PLAIN ? a[1] != NULL :
		     a[1] != xf->prefix || !a[2]))
			continue;
		add_attr_value(&im->values[f], a[3], a[4]);
		return true;
	}
	return false;
}

/* The field's steps are the names below the record (the caller knows the
 * depths agree); the last step tells most paths apart, so it goes first. */
static bool path_matches(const struct xml_impl *im, const struct xml_field *f)
{
	const xmlChar *const *names = im->stack + im->rec_depth + 1;

	for (size_t i = f->n; i-- > 0;)
		if (f->steps[i] != names[i])
			return false;
	return true;
}

/* An element starts inside the current record (depth >= rec_depth). */
static void element_in_record(struct reader *r, int depth,
			      const struct xml_start *el)
{
	struct xml_impl *im = r->impl;
	size_t rel = (size_t)(depth - im->rec_depth);
	size_t from = 0, to = 0;

	if (rel <= LIMIT_XML_PATH_STEPS) {
		from = im->len_start[rel];
		to = im->len_start[rel + 1];
	}
	for (size_t i = from; i < to; i++) {
		size_t f = im->by_len[i];

		if (!path_matches(im, &im->fields[f]))
			continue;
		if (im->seen[f]) {
			add_event(r, EV_REPEATED, f);
			continue;
		}
		if (im->fields[f].kind != XA_NONE) {
			im->seen[f] = take_attr(im, f, el);
		} else {
			im->seen[f] = true;
			im->active[f] = depth;
			im->collect[depth] = true;
		}
	}
	if (in_discovery(im))
		discover(r, depth, el);
}

static bool is_record_start(const struct xml_impl *im, int depth)
{
	if (depth != (int)im->rec_n - 1)
		return false;
	for (int i = depth; i >= 0; i--)
		if (im->stack[i] != im->rec[i])
			return false;
	return true;
}

static void begin_record(struct reader *r, int depth)
{
	struct xml_impl *im = r->impl;

	im->rec_depth = depth;
	/* where the start tag ends, as the tree builder counted it */
	im->rec_line = (uint64_t)parser_line(im);
	im->rec_ev = im->n_evs;
	for (size_t f = 0; f < r->src->n_fields; f++) {
		buf_reset(&im->values[f]);
		im->seen[f] = false;
		im->active[f] = -1;
	}
}

/* Copy the record into the queue. */
static void end_record(struct reader *r)
{
	struct xml_impl *im = r->impl;
	size_t nf = r->src->n_fields;
	struct xml_done *q;

	im->rec_depth = -1;
	im->completed++;
	if (xgrow(&im->queue, &im->q_cap, im->q_n + 1, sizeof(*im->queue)) ||
	    xgrow(&im->vals, &im->cap_vals, im->n_vals + nf, sizeof(*im->vals))) {
		out_of_memory(r);
		return;
	}
	q = &im->queue[im->q_n];
	q->line = im->rec_line;
	q->value = im->n_vals;
	for (size_t f = 0; f < nf; f++) {
		struct buf *b = &im->values[f];

		if (!im->seen[f])
			continue;
		if (buf_error(b)) {
			add_event(r, EV_TOO_LONG, f);
			buf_reset(b);
		}
		im->vals[im->n_vals++] = (struct xml_value){ f, im->text.len, b->len };
		buf_add(&im->text, b->data, b->len + 1);	/* and the NUL */
	}
	if (buf_error(&im->text)) {
		out_of_memory(r);
		return;
	}
	q->n_value = im->n_vals - q->value;
	q->ev = im->rec_ev;
	q->n_ev = im->n_evs - im->rec_ev;
	im->q_n++;
}

/* ---- SAX callbacks ------------------------------------------------------- */

/* The name the tree builder gave an element: its local name, or
 * prefix:name when the prefix is undeclared. */
static const xmlChar *element_name(struct xml_impl *im, const xmlChar *local,
				   const xmlChar *prefix, const xmlChar *uri)
{
	const xmlChar *q;

	if (!prefix || uri)
		return local;
	q = xmlDictQLookup(im->ctxt->dict, prefix, local);
	return q ? q : local;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
		     const xmlChar *uri, int n_ns, const xmlChar **ns,
		     int n_attrs, int n_defaulted, const xmlChar **attrs)
{
	struct reader *r = ctx;
	struct xml_impl *im = r->impl;
	int depth = im->depth;
	struct xml_start el = { ns, n_ns, attrs, n_attrs };

	(void)n_defaulted;
	if (im->stopped)
		return;
	if (depth >= LIMIT_XML_DEPTH) {
		diag_set(&im->err, (struct diag_pos){ r->src->resolved_path,
			 (unsigned long)parser_line(im), 0 },
			 "source '%s': elements nested deeper than %d",
			 r->src->id, LIMIT_XML_DEPTH);
		stop(r);
		return;
	}
	im->depth++;
	im->stack[depth] = element_name(im, local, prefix, uri);
	if (im->rec_depth < 0) {
		if (!is_record_start(im, depth))
			return;
		begin_record(r, depth);
	}
	element_in_record(r, depth, &el);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
		   const xmlChar *uri)
{
	struct reader *r = ctx;
	struct xml_impl *im = r->impl;
	int depth = --im->depth;

	(void)local;
	(void)prefix;
	(void)uri;
	if (im->rec_depth < 0)
		return;
	if (im->collect[depth]) {
		im->collect[depth] = false;
		for (size_t f = 0; f < r->src->n_fields; f++)
			if (im->active[f] == depth)
				im->active[f] = -1;
	}
	if (depth == im->rec_depth)
		end_record(r);
}

/* Text and CDATA, whitespace included: a field takes the text whose parent
 * is the field's element. */
static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct reader *r = ctx;
	struct xml_impl *im = r->impl;
	int depth = im->depth - 1;

	if (depth < 0 || !im->collect[depth])
		return;
	for (size_t f = 0; f < r->src->n_fields; f++)
		if (im->active[f] == depth)
			buf_add(&im->values[f], ch, (size_t)len);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
		       const xmlChar *sys_id)
{
	(void)name;
	(void)ext_id;
	(void)sys_id;
	refuse(ctx, "the file has a DOCTYPE");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
			   const xmlChar *pub_id, const xmlChar *sys_id,
			   xmlChar *content)
{
	(void)name;
	(void)type;
	(void)pub_id;
	(void)sys_id;
	(void)content;
	refuse(ctx, "the file has a DOCTYPE");
}

static void on_unparsed_entity_decl(void *ctx, const xmlChar *name,
				    const xmlChar *pub_id,
				    const xmlChar *sys_id,
				    const xmlChar *notation)
{
	(void)name;
	(void)pub_id;
	(void)sys_id;
	(void)notation;
	refuse(ctx, "the file has a DOCTYPE");
}

static void on_reference(void *ctx, const xmlChar *name)
{
	(void)name;
	refuse(ctx, "the file uses an entity reference");
}

/* No entity is ever defined: &name; (other than the five predefined ones,
 * which the parser handles itself) is then an undefined entity. */
static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

static xmlParserInputPtr on_resolve_entity(void *ctx, const xmlChar *pub_id,
					   const xmlChar *sys_id)
{
	(void)pub_id;
	(void)sys_id;
	refuse(ctx, "the file uses an external entity");
	return NULL;
}

static void sax_init(xmlSAXHandler *h)
{
	memset(h, 0, sizeof(*h));
	h->initialized = XML_SAX2_MAGIC;
	h->startElementNs = on_start;
	h->endElementNs = on_end;
	/* the same function for both, so the parser never asks which blanks
	 * are ignorable: all whitespace is text, as in the tree */
	h->characters = on_text;
	h->ignorableWhitespace = on_text;
	h->cdataBlock = on_text;
	h->internalSubset = on_doctype;
	h->externalSubset = on_doctype;
	h->entityDecl = on_entity_decl;
	h->unparsedEntityDecl = on_unparsed_entity_decl;
	h->reference = on_reference;
	h->getEntity = on_get_entity;
	h->getParameterEntity = on_get_entity;
	h->resolveEntity = on_resolve_entity;
	h->serror = on_xml_error;
}

/* ---- feeding the parser and delivering records --------------------------- */

/* Read up to XML_CHUNK bytes into im->chunk (fewer only at the end). */
static int read_chunk(struct reader *r, size_t *n)
{
	struct xml_impl *im = r->impl;

	*n = 0;
	while (*n < XML_CHUNK) {
		ssize_t got = read(im->fd, im->chunk + *n, XML_CHUNK - *n);

		if (got == 0) {
			if (r->hash)
				r->hash->done = true;
			break;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return diag_set(&im->err, (struct diag_pos){
				r->src->resolved_path, 0, 0 },
				"source '%s': cannot read: %s", r->src->id,
				strerror(errno));
		reader_hash_add(r->hash, im->chunk + *n, (size_t)got);
		*n += (size_t)got;
	}
	im->chunk[*n] = '\0';
	return 0;
}

void reader_xml_hash_start(struct reader *r)
{
	struct xml_impl *im = r->impl;

	/* the first chunk, read at open: still whole in the buffer */
	reader_hash_add(r->hash, im->chunk, im->pending_off + im->pending);
	if (im->pending_off + im->pending < XML_CHUNK)
		r->hash->done = true;	/* it was the whole file */
}

static bool parser_stopped(const struct xml_impl *im)
{
	return im->stopped || im->ctxt->disableSAX ||
	       im->ctxt->instate == XML_PARSER_EOF;
}

/* Empty the queue (all of it delivered), keeping the events of a record
 * in progress. */
static void queue_reset(struct xml_impl *im)
{
	size_t keep = im->rec_depth >= 0 ? im->n_evs - im->rec_ev : 0;

	if (keep)
		memmove(im->evs, im->evs + im->rec_ev, keep * sizeof(*im->evs));
	im->rec_ev = 0;
	im->n_evs = keep;
	im->q_head = im->q_n = 0;
	im->n_vals = 0;
	buf_reset(&im->text);
}

/* Feed the next chunk; the callbacks queue the records it completes. */
static void feed(struct reader *r)
{
	struct xml_impl *im = r->impl;
	struct xml_handlers saved;
	size_t n = im->pending, off = im->pending_off;
	bool last;

	queue_reset(im);
	if (!n && !off && read_chunk(r, &n)) {
		im->done = true;
		return;
	}
	last = off + n < XML_CHUNK;
	im->pending = im->pending_off = 0;
	im->fed += n;
	handlers_enter(r, &saved);
	xmlParseChunk(im->ctxt, im->chunk + off, (int)n, last);
	handlers_leave(&saved);
	if (last || parser_stopped(im))
		im->done = true;
}

static int replay(struct reader *r, size_t ev, size_t n_ev, uint64_t line)
{
	struct xml_impl *im = r->impl;
	const struct source *s = r->src;

	for (size_t i = ev; i < ev + n_ev; i++) {
		const struct xml_event *e = &im->evs[i];

		switch (e->kind) {
		case EV_COLUMN:
			/* cols holds each path once, so no reader_has_column() */
			if (reader_add_column(r, im->cols[e->index],
					      strlen(im->cols[e->index])))
				return ST_ERR_NOMEM;
			break;
		case EV_REPEATED:
			reader_problem(r, RP_REPEATED_ELEMENT, line, 0,
				       "record at line %llu has field '%s' more "
				       "than once; the first is kept",
				       (unsigned long long)line,
				       s->fields[e->index].name);
			break;
		case EV_TOO_LONG:
			reader_problem(r, RP_FIELD_TOO_LONG, line, 0,
				       "record at line %llu: field '%s' is longer "
				       "than %u bytes, so it is read as empty",
				       (unsigned long long)line,
				       s->fields[e->index].name, LIMIT_FIELD_BYTES);
			break;
		}
	}
	return 0;
}

static int deliver(struct reader *r)
{
	struct xml_impl *im = r->impl;
	const struct xml_done *q = &im->queue[im->q_head++];

	if (replay(r, q->ev, q->n_ev, q->line))
		return ST_ERR_NOMEM;
	r->line = q->line;
	for (size_t i = q->value; i < q->value + q->n_value; i++) {
		const struct xml_value *v = &im->vals[i];

		r->raw[v->field] = im->text.data + v->off;
		r->raw_len[v->field] = v->len;
	}
	return 1;
}

/* Every record delivered and nothing left to feed: the end, or the error
 * (after what the broken record did, as a reader without a queue would). */
static int finish(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;

	if (im->nomem)
		return ST_ERR_NOMEM;
	if (!im->err.set && !im->ctxt->wellFormed)
		diag_set(&im->err, (struct diag_pos){ r->src->resolved_path, 0, 0 },
			 "source '%s': XML is not well-formed", r->src->id);
	if (!im->err.set)
		return 0;
	if (im->err_unplaced && im->ctxt->input && im->ctxt->input->line > 0) {
		/* raised without a position (bytes the declared encoding cannot
		 * convert): the parser stopped where they begin */
		im->err.line = (unsigned long)im->ctxt->input->line;
		im->err.col = (unsigned long)(im->ctxt->input->col > 0 ?
					      im->ctxt->input->col : 0);
		im->err_unplaced = false;
	}
	if (!im->tail_replayed && im->rec_depth >= 0) {
		im->tail_replayed = true;
		if (replay(r, im->rec_ev, im->n_evs - im->rec_ev, im->rec_line))
			return ST_ERR_NOMEM;
	}
	*d = im->err;
	return ST_ERR;
}

static int xml_next(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;

	while (im->q_head == im->q_n) {
		if (im->done)
			return finish(r, d);
		feed(r);
	}
	return deliver(r);
}

static void xml_close(struct reader *r)
{
	struct xml_impl *im = r->impl;

	if (!im)
		return;
	if (im->ctxt)
		xmlFreeParserCtxt(im->ctxt);
	if (im->fd >= 0)
		close(im->fd);
	for (size_t f = 0; im->values && f < r->src->n_fields; f++)
		buf_release(&im->values[f]);
	for (size_t i = 0; i < im->n_cols; i++)
		xfree(im->cols[i]);
	xfree(im->cols);
	xfree(im->values);
	xfree(im->fields);
	xfree(im->by_len);
	xfree(im->seen);
	xfree(im->active);
	xfree(im->queue);
	xfree(im->vals);
	xfree(im->evs);
	xfree(im->chunk);
	buf_release(&im->text);
	buf_release(&im->path);
	xfree(im);
	r->impl = NULL;
}

static uint64_t xml_bytes(const struct reader *r)
{
	const struct xml_impl *im = r->impl;

	return im->fed;
}

static const struct reader_ops xml_ops = { xml_next, xml_close, xml_bytes };

/* ---- opening ------------------------------------------------------------- */

static const xmlChar *intern(const struct xml_impl *im, const char *s,
			     size_t len)
{
	return xmlDictLookup(im->ctxt->dict, (const xmlChar *)s, (int)len);
}

/* "@name", "@p:name", "@xmlns" or "@xmlns:p" (word without the '@'). */
static void parse_attr(const struct xml_impl *im, const char *word,
		       struct xml_field *xf)
{
	int plen = 0;
	const xmlChar *local = xmlSplitQName3((const xmlChar *)word, &plen);

	if (!local) {
		xf->kind = strcmp(word, "xmlns") ? XA_PLAIN : XA_NS_DEFAULT;
		xf->attr = intern(im, word, strlen(word));
	} else if (plen == 5 && !strncmp(word, "xmlns", 5)) {
		xf->kind = XA_NS_PREFIX;
		xf->attr = intern(im, (const char *)local,
				  strlen((const char *)local));
	} else {
		xf->kind = XA_PREFIXED;
		xf->prefix = intern(im, word, (size_t)plen);
		xf->attr = intern(im, (const char *)local,
				  strlen((const char *)local));
	}
}

/* Split "a/b/@c" into interned steps; false when malformed. */
static bool parse_path(const struct xml_impl *im, const char *path,
		       const xmlChar **steps, size_t *n, struct xml_field *xf)
{
	char word[256];

	*n = 0;
	xf->kind = XA_NONE;
	if (!strcmp(path, "."))
		return true;
	while (*path) {
		size_t len = strcspn(path, "/");

		if (!len || len >= sizeof(word) || xf->kind != XA_NONE)
			return false;
		memcpy(word, path, len);
		word[len] = '\0';
		if (word[0] == '@') {
			if (!word[1])
				return false;
			parse_attr(im, word + 1, xf);
		} else {
			if (*n == LIMIT_XML_PATH_STEPS)
				return false;
			steps[(*n)++] = intern(im, word, len);
		}
		path += len;
		if (*path == '/')
			path++;
	}
	return true;
}

/* Order the fields by path length, so that an element is matched only
 * against the fields as deep as it is (in declaration order). */
static void order_fields(struct xml_impl *im, size_t nf)
{
	size_t k = 0;

	for (size_t len = 0; len <= LIMIT_XML_PATH_STEPS; len++) {
		im->len_start[len] = k;
		for (size_t f = 0; f < nf; f++)
			if (im->fields[f].n == len)
				im->by_len[k++] = f;
	}
	im->len_start[LIMIT_XML_PATH_STEPS + 1] = k;
}

static int setup_paths(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;
	const struct source *s = r->src;
	struct xml_field rec;

	if (!s->record_path || s->record_path[0] != '/' ||
	    !parse_path(im, s->record_path + 1, im->rec, &im->rec_n, &rec) ||
	    rec.kind != XA_NONE || !im->rec_n)
		return diag_set(d, (struct diag_pos){ s->loc.file, s->loc.line,
						      s->loc.col },
				"source '%s': record path '%s' must be /element/... "
				"with no attribute", s->id,
				s->record_path ? s->record_path : "");
	for (size_t f = 0; f < s->n_fields; f++) {
		const struct source_field *sf = &s->fields[f];
		const char *path = sf->path ? sf->path : sf->name;
		struct xml_field *xf = &im->fields[f];

		if (!parse_path(im, path, xf->steps, &xf->n, xf))
			return diag_set(d, (struct diag_pos){ sf->loc.file,
				sf->loc.line, sf->loc.col }, "source '%s': field '%s' "
				"has a malformed path '%s' (write child/grandchild, "
				"@attribute, child/@attribute or .)", s->id, sf->name, path);
	}
	order_fields(im, s->n_fields);
	return 0;
}

/*
 * A DOCTYPE can only come before the root element, so look for one in the
 * first chunk before libxml2 sees the file, to refuse it at open with its
 * line.  The parser refuses one found later (after a long prolog) too.
 */
static int refuse_doctype(struct reader *r, struct diag *d, const char *head,
			  size_t n)
{
	size_t line = 1;

	for (size_t i = 0; i < n; i++) {
		if (head[i] == '\n')
			line++;
		if (head[i] != '<')
			continue;
		if (n - i >= 9 && !memcmp(head + i, "<!DOCTYPE", 9))
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

/* Open the file, read the first chunk, refuse a DOCTYPE in it. */
static int open_file(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;
	const struct source *s = r->src;

	im->fd = open(s->resolved_path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0)
		return diag_set(d, (struct diag_pos){ s->resolved_path, 0, 0 },
				"source '%s': cannot open: %s", s->id, strerror(errno));
	if (read_chunk(r, &im->pending)) {
		*d = im->err;
		return ST_ERR;
	}
	return refuse_doctype(r, d, im->chunk, im->pending);
}

/* The push parser, given the first 4 bytes to detect the encoding. */
static int new_parser(struct reader *r, struct diag *d)
{
	struct xml_impl *im = r->impl;
	const struct source *s = r->src;
	struct xml_handlers saved;
	xmlSAXHandler sax;
	int first = im->pending >= 4 ? 4 : 0;

	sax_init(&sax);
	handlers_enter(r, &saved);
	im->ctxt = xmlCreatePushParserCtxt(&sax, r, first ? im->chunk : NULL,
					   first, s->resolved_path);
	/* no XML_PARSE_NOENT, no DTD loading: entities are never expanded */
	if (im->ctxt)
		xmlCtxtUseOptions(im->ctxt, XML_PARSE_NONET);
	handlers_leave(&saved);
	if (!im->ctxt)
		return diag_set(d, (struct diag_pos){ s->resolved_path, 0, 0 },
				"source '%s': cannot open the XML file", s->id);
	im->fed = (uint64_t)first;
	im->pending_off = (size_t)first;
	im->pending -= (size_t)first;
	return 0;
}

static int alloc_impl(struct reader *r)
{
	size_t nf = r->src->n_fields ? r->src->n_fields : 1;
	struct xml_impl *im = xcalloc(1, sizeof(*im));

	if (!im)
		return ST_ERR_NOMEM;
	r->impl = im;
	r->ops = &xml_ops;
	im->fd = -1;
	im->rec_depth = -1;
	buf_init(&im->path, 4096);
	buf_init(&im->text, SIZE_MAX);
	im->fields = xcalloc(nf, sizeof(*im->fields));
	im->by_len = xcalloc(nf, sizeof(*im->by_len));
	im->values = xcalloc(nf, sizeof(*im->values));
	im->seen = xcalloc(nf, sizeof(*im->seen));
	im->active = xcalloc(nf, sizeof(*im->active));
	im->chunk = xmalloc(XML_CHUNK + 1);
	if (!im->fields || !im->by_len || !im->values || !im->seen ||
	    !im->active || !im->chunk)
		return ST_ERR_NOMEM;
	for (size_t f = 0; f < nf; f++)
		buf_init(&im->values[f], LIMIT_FIELD_BYTES);
	return 0;
}

int reader_xml_open(struct reader *r, struct diag *d)
{
	int rc = alloc_impl(r);

	if (rc)
		return rc;
	if (open_file(r, d) || new_parser(r, d))
		return ST_ERR;
	return setup_paths(r, d);
}
