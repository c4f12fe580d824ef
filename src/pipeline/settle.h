/*
 * settle.h - the reconciliation stage of a scan: after identity resolution
 * (identify.h, which feeds the reconciler and runs it), write the golden
 * values the copies disagreed on, the proposals with their reasons, and
 * the consistency findings and metrics into the run being written.
 */
#ifndef STEWARD_SETTLE_H
#define STEWARD_SETTLE_H

#include "pipeline/identify.h"

/* Did a compliance rule marked as a gate fail? */
/* Whether a compliance rule marked as a gate failed; the first such
 * rule's id and violations in *rule and *violations. */
bool settle_gate_failed(const struct identified *id, const char **rule,
			uint64_t *violations);

int settle_write(const struct identified *id, const struct policy *p,
		 struct store *st, const struct findings_sink *sink,
		 struct diag *d) MUST_CHECK;

#endif
