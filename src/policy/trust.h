/*
 * trust.h - how much a value is trusted, given its age and evidence.
 *
 * A trust rule (policy.h) says a source's value starts at `max` when it is
 * updated and decays to `min` over the decay period along a curve; evidence
 * (a phone confirmed on a call) raises the start to `raise_to`, decaying
 * from the evidence date.  With x = age / decay, clamped to [0, 1]:
 *
 *   linear          start - (start - min) * x
 *   exponential     min + (start - min) * (e^(-5x) - e^-5) / (1 - e^-5)
 *   fast-then-slow  min + (start - min) * (1 - x)^2
 *   slow-then-fast  min + (start - min) * (1 - x^2)
 *
 * Every curve starts at `start` and ends at `min` exactly; exponential and
 * fast-then-slow lose most trust early, slow-then-fast late.
 * docs/policy-reference.md draws them.
 */
#ifndef STEWARD_TRUST_H
#define STEWARD_TRUST_H

#include "policy/policy.h"

/* Trust of a value age_days old starting from start (max, or an
 * evidence's raise_to).  Negative ages (future dates) count as 0. */
double trust_curve_at(enum trust_curve curve, double start, double min,
		      double decay_days, double age_days);

/* The trust rule for (source, attribute): the attribute's own rule, else
 * the source's rule for every attribute, else NULL. */
const struct trust_rule *trust_rule_for(const struct policy *p,
					const struct source *s,
					const struct attribute *a);

#endif
