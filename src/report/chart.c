/*
 * chart.c - trend lines and bars as geometry (see chart.h).
 *
 * Every chart lays out the same way: a plot area inset from the box for
 * the axis labels, a light rule at 0, 50 and 100 (scores), and the marks
 * inside.  Coordinates are points, y downwards.
 */
#include "report/chart.h"

#include <math.h>
#include <stdio.h>

#define FONT_SMALL 7.0
#define LEFT 26.0	/* room for "100" */
#define RIGHT 8.0
#define TOP 8.0
#define BOTTOM 16.0	/* room for the run labels */

unsigned score_colour(double v)
{
	return v >= 90 ? COLOUR_GOOD : v >= 70 ? COLOUR_FAIR : COLOUR_POOR;
}

/* The y scale: where the scores shown lie, widened to a round range so
 * that a change of a few points is visible without hiding where 100 is. */
static void scale(const struct trend_series *s, size_t n_series, size_t n,
		  double *lo, double *hi)
{
	double mn = 100, mx = 0;

	for (size_t k = 0; k < n_series; k++)
		for (size_t i = 0; i < n; i++)
			if (!isnan(s[k].v[i])) {
				mn = fmin(mn, s[k].v[i]);
				mx = fmax(mx, s[k].v[i]);
			}
	*hi = 100;
	*lo = mn >= 50 ? floor(mn / 10) * 10 - 10 : 0;
	if (*lo < 0 || mx < mn)
		*lo = 0;
}

void chart_trend(struct report *r, struct chart *c, const char *const *labels,
		 size_t n, const struct trend_series *s, size_t n_series)
{
	double w, h, lo, hi, *x, *y;
	size_t shown = 0;
	char tick[16];

	if (!c || r->err)
		return;
	w = c->width - LEFT - RIGHT;
	h = c->height - TOP - BOTTOM;
	scale(s, n_series, n, &lo, &hi);
	/* the value axis: three rules, labelled */
	for (int k = 0; k <= 2; k++) {
		double v = lo + (hi - lo) * k / 2, yy = TOP + h * (1 - (v - lo) / (hi - lo));
		double xs[2] = { LEFT, LEFT + w }, ys[2] = { yy, yy };

		chart_line(r, c, xs, ys, 2, COLOUR_RULE, 0.5, false, false);
		snprintf(tick, sizeof(tick), "%.0f", v);
		chart_text(r, c, LEFT - 4, yy + FONT_SMALL / 3, FONT_SMALL, ANCHOR_END,
			   COLOUR_MUTED, tick);
	}
	for (size_t k = 0; k < n_series; k++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			m += !isnan(s[k].v[i]);
		shown = m > shown ? m : shown;
	}
	/* the run labels: first, last, and as many between as fit, about
	 * 48 points apart (a date in 7-point type is 40 wide) */
	for (size_t i = 0; i < n; i++) {
		double xx = n > 1 ? LEFT + w * (double)i / (double)(n - 1) : LEFT + w / 2;
		size_t slots = w / 48 >= 2 ? (size_t)(w / 48) : 2;
		size_t every = n > slots ? (n - 1 + slots - 2) / (slots - 1) : 1;

		if (i != n - 1 && (i % every || n - 1 - i < every))
			continue;
		chart_text(r, c, xx, TOP + h + FONT_SMALL + 4, FONT_SMALL,
			   n == 1 ? ANCHOR_MIDDLE : i == 0 ? ANCHOR_START :
			   i == n - 1 ? ANCHOR_END : ANCHOR_MIDDLE, COLOUR_MUTED,
			   labels[i]);
	}
	if (shown < 2) {
		chart_text(r, c, LEFT + w / 2, TOP + h / 2, FONT_SMALL + 1,
			   ANCHOR_MIDDLE, COLOUR_MUTED,
			   shown ? "one run so far: no trend yet" : "no scores yet");
	}
	x = xcalloc(n ? n : 1, sizeof(*x));
	y = xcalloc(n ? n : 1, sizeof(*y));
	if (!x || !y) {
		r->err = ST_ERR_NOMEM;
		goto out;
	}
	for (size_t k = 0; k < n_series; k++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++) {
			if (isnan(s[k].v[i]))
				continue;
			x[m] = n > 1 ? LEFT + w * (double)i / (double)(n - 1) : LEFT + w / 2;
			y[m] = TOP + h * (1 - (fmax(s[k].v[i], lo) - lo) / (hi - lo));
			m++;
		}
		/* one point is a dot, not a trend */
		if (m)
			chart_line(r, c, x, y, m, s[k].colour, m > 1 ? 1.6 : 0,
				   false, true);
	}
out:
	xfree(x);
	xfree(y);
}

void chart_bars(struct report *r, struct chart *c, const char *const *labels,
		const double *v, size_t n)
{
	double label_w, w, row;
	char num[16];

	if (!c || r->err)
		return;
	label_w = c->width * 0.32;
	w = c->width - label_w - 34;
	row = n ? (c->height - 4) / (double)n : 0;
	for (size_t i = 0; i < n; i++) {
		double top = 2 + row * i, bh = row * 0.62;
		double len = isnan(v[i]) ? 0 : w * fmax(0, fmin(100, v[i])) / 100;

		chart_text(r, c, label_w - 6, top + row / 2 + 3, FONT_SMALL + 1,
			   ANCHOR_END, COLOUR_INK, labels[i]);
		chart_rect(r, c, label_w, top + (row - bh) / 2, w, bh, 0xedf2f7u);
		if (len > 0)
			chart_rect(r, c, label_w, top + (row - bh) / 2, len, bh,
				   score_colour(v[i]));
		if (isnan(v[i]))
			snprintf(num, sizeof(num), "-");
		else
			snprintf(num, sizeof(num), "%.1f", v[i]);
		chart_text(r, c, label_w + w + 4, top + row / 2 + 3, FONT_SMALL + 1,
			   ANCHOR_START, COLOUR_INK, num);
	}
}
