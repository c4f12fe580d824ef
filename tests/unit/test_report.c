/*
 * test_report.c - the report model, its charts and the HTML writer:
 * hostile text escaped everywhere it is printed, real table headers,
 * charts as self-contained images with their text alternative, a trend of
 * one run that says so, table rows filled cell by cell, and the masking of
 * personal values.  The PDF writer has test_pdf.c; the reports built from
 * a history are tested end to end (tests/cases/report/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pipeline/reports.h"
#include "report/chart.h"
#include "report/html.h"
#include "report/model.h"

#define HOSTILE "<script>alert(1)</script>"
#define POLISH "Łukasz \"Ł\" O'Brien & Co"

static char *render(struct report *r)
{
	struct buf out = BUF_INIT;
	char *s;

	assert_int_equal(html_render(r, &out), 0);
	s = xstrdup(out.data);
	buf_release(&out);
	return s;
}

static void escaped_everywhere(void **state)
{
	struct report *r = report_new("x", HOSTILE, POLISH, HOSTILE, "2026-11-30");
	static const char *const cols[] = { ">Score|20", HOSTILE };
	struct report_table *t;
	char *html;

	(void)state;
	assert_non_null(r);
	report_heading(r, 1, "a\"b", HOSTILE);
	report_para(r, "%s and %s", HOSTILE, POLISH);
	report_figures(r);
	report_figure(r, HOSTILE, POLISH, HOSTILE, 0);
	t = report_table(r, HOSTILE, 2, cols);
	report_cell(r, t, "1", 0);
	report_cell(r, t, POLISH, 0);
	report_pre(r, HOSTILE "\n" POLISH);
	/* a control character and an invalid byte */
	report_para(r, "bell\a and \xff end");
	html = render(r);
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "Łukasz &quot;Ł&quot; O&#39;Brien &amp; Co"));
	assert_non_null(strstr(html, "id=\"a&quot;b\""));
	assert_non_null(strstr(html, "bell\xEF\xBF\xBD and \xEF\xBF\xBD end"));
	/* the table: a caption, column headers with their scope and
	 * alignment, cells in their rows */
	assert_non_null(strstr(html, "<caption>&lt;script&gt;"));
	assert_non_null(strstr(html, "<th scope=\"col\" class=\"num\">Score</th>"));
	assert_non_null(strstr(html, "<td class=\"num\">1</td><td>Łukasz"));
	/* the line break of preformatted text is kept */
	assert_non_null(strstr(html, "&lt;/script&gt;\nŁukasz"));
	/* nothing fetched, nothing run */
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, "https://"));
	xfree(html);
	report_free(r);
}

static void rows_fill_cell_by_cell(void **state)
{
	struct report *r = report_new("x", "t", "", "", "d");
	static const char *const cols[] = { "A|30", "B", "C" };
	struct report_table *t;

	(void)state;
	t = report_table(r, "", 3, cols);
	assert_float_equal(t->width[0], 0.30, 1e-9);
	assert_float_equal(t->width[1], 0.35, 1e-9);
	for (int i = 0; i < 100; i++)
		report_cellf(r, t, i % 2 ? COLOUR_POOR : 0, "%d", i);
	/* 100 cells are 33 full rows and one started: the rest empty */
	assert_int_equal(t->nrows, 34);
	assert_string_equal(t->cells[99], "99");
	assert_int_equal(t->tone[99], COLOUR_POOR);
	assert_null(t->cells[100]);
	assert_null(t->cells[101]);
	assert_int_equal(r->err, 0);
	report_free(r);
}

static void charts_are_images_with_alt_text(void **state)
{
	struct report *r = report_new("x", "t", "", "", "d");
	const char *labels[] = { "2026-10-31", "2026-11-30" };
	double v[] = { 80, 90 };
	struct trend_series s = { "total", v, COLOUR_ACCENT };
	struct chart *c;
	char *html;

	(void)state;
	c = report_chart(r, "Total " HOSTILE, 400, 120, "The total, " HOSTILE);
	chart_trend(r, c, labels, 2, &s, 1);
	/* the line has both points, inside the box, the later one higher */
	assert_int_equal(c->n_lines, 4);	/* three rules and the trend */
	assert_int_equal(c->lines[3].n, 2);
	assert_true(c->lines[3].y[1] < c->lines[3].y[0]);
	for (size_t k = 0; k < 2; k++) {
		assert_true(c->lines[3].x[k] >= 0 && c->lines[3].x[k] <= 400);
		assert_true(c->lines[3].y[k] >= 0 && c->lines[3].y[k] <= 120);
	}
	html = render(r);
	assert_non_null(strstr(html, "<img src=\"data:image/svg+xml;base64,"));
	assert_non_null(strstr(html, "alt=\"The total, &lt;script&gt;"));
	assert_non_null(strstr(html, "<div class=\"caption\">Total &lt;script&gt;"));
	xfree(html);
	report_free(r);
}

static void one_run_is_no_trend(void **state)
{
	struct report *r = report_new("x", "t", "", "", "d");
	const char *labels[] = { "2026-10-31" };
	double v[] = { 91 };
	struct trend_series s = { "total", v, COLOUR_ACCENT };
	struct chart *c;
	bool said = false;

	(void)state;
	c = report_chart(r, "", 300, 100, "alt");
	chart_trend(r, c, labels, 1, &s, 1);
	for (size_t i = 0; i < c->n_texts; i++)
		said |= !strcmp(c->texts[i].text, "one run so far: no trend yet");
	assert_true(said);
	/* a dot, not a line */
	assert_int_equal(c->lines[c->n_lines - 1].n, 1);
	assert_true(c->lines[c->n_lines - 1].dots);
	report_free(r);
}

static void bars_and_colours(void **state)
{
	struct report *r = report_new("x", "t", "", "", "d");
	const char *labels[] = { "a", "b", "c" };
	double v[] = { 95, 75, NAN };
	struct chart *c;

	(void)state;
	c = report_chart(r, "", 400, 80, "alt");
	chart_bars(r, c, labels, v, 3);
	/* a track per bar, and a bar where there is a value */
	assert_int_equal(c->n_rects, 5);
	assert_int_equal(c->rects[1].fill, COLOUR_GOOD);
	assert_int_equal(c->rects[3].fill, COLOUR_FAIR);
	assert_true(c->rects[1].w > c->rects[3].w);
	assert_int_equal(score_colour(50), COLOUR_POOR);
	report_free(r);
}

static void masking(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "jane.doe@gmail.com", "j•••@gmail.com" },
		{ "Łukasz@x.pl", "Ł•••@x.pl" },
		{ "+447700900123", "+•••3" },
		{ "Bob", "•••" },
		{ "O'Brien", "O•••n" },
		/* counted in characters, not bytes: two CJK ones are hidden */
		{ "王芳", "•••" },
		{ "Ørsted", "Ø•••d" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;

		reports_mask(cases[i].in, &b);
		assert_string_equal(b.data, cases[i].out);
		buf_release(&b);
	}
}

static void index_links(void **state)
{
	char dir[] = "/tmp/steward-report-XXXXXX", path[64];
	struct html_link links[] = { { "a.html", HOSTILE, POLISH } };
	struct diag d;
	FILE *f;
	char text[4096];
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/index.html", dir);
	diag_clear(&d);
	assert_int_equal(html_write_index(path, "reports", "run 1", links, 1, &d), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "<a href=\"a.html\">&lt;script&gt;"));
	assert_non_null(strstr(text, "Łukasz &quot;Ł&quot;"));
	remove(path);
	/* a directory that does not exist: an error naming the file */
	snprintf(path, sizeof(path), "%s/no/index.html", dir);
	assert_int_not_equal(html_write_index(path, "r", "", links, 1, &d), 0);
	assert_non_null(strstr(d.file, "no/index.html"));
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaped_everywhere),
		cmocka_unit_test(rows_fill_cell_by_cell),
		cmocka_unit_test(charts_are_images_with_alt_text),
		cmocka_unit_test(one_run_is_no_trend),
		cmocka_unit_test(bars_and_colours),
		cmocka_unit_test(masking),
		cmocka_unit_test(index_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
