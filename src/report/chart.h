/*
 * chart.h - the charts of the reports, computed once as geometry in a
 * report's model (model.h) and drawn by both writers.
 */
#ifndef STEWARD_REPORT_CHART_H
#define STEWARD_REPORT_CHART_H

#include "report/model.h"

/* One series of a trend: a value per run (NAN: none that run). */
struct trend_series {
	const char *name;
	const double *v;
	unsigned colour;
};

/* A trend of scores (0 to 100) over n runs labelled `labels` (oldest
 * first), one line per series, into chart c (made by report_chart or
 * report_small_chart).  With fewer than two runs that have a value it
 * draws no line and says so in the chart. */
void chart_trend(struct report *r, struct chart *c, const char *const *labels,
		 size_t n, const struct trend_series *s, size_t n_series);

/* Horizontal bars of scores (0 to 100), one per label, coloured by the
 * colour of their value (score_colour). */
void chart_bars(struct report *r, struct chart *c, const char *const *labels,
		const double *v, size_t n);

/* The colour of a score: good from 90, fair from 70, poor below. */
unsigned score_colour(double v);

#endif
