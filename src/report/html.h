/*
 * html.h - a report as one self-contained HTML file: inline CSS and SVG,
 * no scripts, nothing fetched; readable on a phone, printable, with real
 * table headers and text alternatives for charts; every string escaped.
 * See docs/reports.md.
 */
#ifndef STEWARD_REPORT_HTML_H
#define STEWARD_REPORT_HTML_H

#include "report/model.h"
#include "util/buf.h"
#include "util/diag.h"

/* The report as HTML, appended to out.  ST_ERR_NOMEM. */
int html_render(const struct report *r, struct buf *out) MUST_CHECK;
/* ... and written to path (atomically).  ST_ERR with d. */
int html_write(const struct report *r, const char *path, struct diag *d)
	MUST_CHECK;

/* One entry of index.html. */
struct html_link {
	const char *href, *title, *note;
};

/* index.html: a title, a line under it, and the links. */
int html_write_index(const char *path, const char *title, const char *lead,
		     const struct html_link *links, size_t n, struct diag *d)
	MUST_CHECK;

/* Append s escaped for HTML text and attribute values; invalid UTF-8
 * and control characters become U+FFFD. */
void html_escape(struct buf *out, const char *s);

#endif
