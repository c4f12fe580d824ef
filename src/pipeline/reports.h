/*
 * reports.h - the scorecards, the executive summary and the audit report
 * of a run, built from the history into report models (report/model.h)
 * and written as HTML and PDF, with index.html linking them all
 * (docs/reports.md).
 */
#ifndef STEWARD_REPORTS_H
#define STEWARD_REPORTS_H

#include "policy/policy.h"
#include "report/pdf.h"
#include "store/store.h"

#define REPORTS_TREND_RUNS 12	/* runs a trend looks back over */

struct reports_options {
	const char *out_dir;	/* NULL: reports/<YYYY-MM of the run> */
	const char *base_dir;	/* where that default goes: "reports" */
	bool html, pdf;
	const char *owner;	/* only this owner's scorecard; NULL: all */
	enum paper paper;
	const char *font_dir;	/* NULL: the Debian one */
};

struct reports_result {
	char dir[1024];
	size_t written;		/* files */
	unsigned pages;		/* of all PDFs */
	unsigned long replaced;	/* characters the PDF fonts lack */
	double seconds;
};

/* Write the reports of run `run` (the policies give the owners' names
 * and which values are personal).  ST_ERR with d. */
int reports_write(const struct policy *p, struct store *st, int64_t run,
		  const struct reports_options *o, struct reports_result *res,
		  struct diag *d) MUST_CHECK;

/* A personal value as reports show it: "j•••@gmail.com", "0•••9". */
void reports_mask(const char *value, struct buf *out);

#endif
