/*
 * pdf.h - a report (model.h) written as a PDF, with libharu.
 *
 * The PDF shows what the HTML writer shows, laid out for paper: A4 or
 * Letter, a title block, headings, wrapped paragraphs, key figures as
 * boxes, tables whose rows continue on the next page under a repeated
 * header, charts drawn as vector paths, preformatted text in a monospaced
 * font, and "Page N of M" with the report's title in every footer.
 * Headings also become the PDF's bookmarks.
 *
 * Text is drawn in the DejaVu fonts (the Debian package fonts-dejavu-core),
 * embedded, so any UTF-8 name in their large repertoire prints as written.
 * A character they lack (CJK, emoji) or a byte that is not UTF-8 prints
 * as a visible '?' and is counted, never dropped.
 *
 * The file is written to PATH.tmp and renamed to PATH once complete, so a
 * failure never leaves a half-written PDF behind.
 */
#ifndef STEWARD_REPORT_PDF_H
#define STEWARD_REPORT_PDF_H

#include "report/model.h"
#include "util/diag.h"

enum paper { PAPER_A4, PAPER_LETTER };

struct pdf_opts {
	enum paper paper;
	const char *font_dir;	/* NULL: /usr/share/fonts/truetype/dejavu */
};

struct pdf_stats {
	unsigned pages;
	unsigned long replaced;	/* characters the fonts lack, drawn as a
				 * visible replacement */
};

/*
 * Write r to path.  o may be NULL (A4, the system's DejaVu), and so may
 * st.  Returns 0; ST_ERR with d naming the file (a font that is missing
 * or unusable, the PDF that could not be written, the libharu error
 * number); or ST_ERR_NOMEM.
 */
int pdf_write(const struct report *r, const char *path,
	      const struct pdf_opts *o, struct pdf_stats *st, struct diag *d)
	MUST_CHECK;

#endif
