/*
 * trust.c - trust decay curves.  See trust.h.
 */
#include "policy/trust.h"

#include <math.h>

double trust_curve_at(enum trust_curve curve, double start, double min,
		      double decay_days, double age_days)
{
	double x = decay_days > 0 ? age_days / decay_days : 1;
	double span = start - min, f;

	if (x < 0 || isnan(x))
		x = 0;
	if (x > 1)
		x = 1;
	switch (curve) {
	case CURVE_EXPONENTIAL:
		f = (exp(-5 * x) - exp(-5)) / (1 - exp(-5));
		break;
	case CURVE_FAST_THEN_SLOW:
		f = (1 - x) * (1 - x);
		break;
	case CURVE_SLOW_THEN_FAST:
		f = 1 - x * x;
		break;
	case CURVE_LINEAR:
	default:
		f = 1 - x;
		break;
	}
	return min + span * f;
}

const struct trust_rule *trust_rule_for(const struct policy *p,
					const struct source *s,
					const struct attribute *a)
{
	const struct trust_rule *general = NULL;

	for (size_t i = 0; i < p->n_trust; i++) {
		const struct trust_rule *t = &p->trust[i];

		if (t->source != s)
			continue;
		if (t->attribute == a)
			return t;
		if (!t->attribute)
			general = t;
	}
	return general;
}
