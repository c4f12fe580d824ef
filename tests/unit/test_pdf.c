/*
 * test_pdf.c - the PDF writer on reports built by hand: a file that is a
 * whole PDF and nothing half-written, pages as many as the content needs,
 * a table that continues under its header, names that print as written,
 * characters the fonts lack replaced and counted, a heading never left
 * alone at the foot of a page, and the failures a user can meet (fonts
 * missing, a path that cannot be written, memory running out).
 *
 * When poppler-utils and qpdf are installed (they are in the development
 * image), the text is read back with pdftotext and the file checked with
 * `qpdf --check`; without them those checks are skipped, not failed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "report/chart.h"
#include "report/pdf.h"
#include "util/files.h"

#define NAME "\xc5\x81ukasz \"\xc5\x81\" O'Brien & Co"	/* Łukasz "Ł" O'Brien & Co */
#define SCRIPT "<script>alert(1)</script>"

struct tmpdir {
	char path[64];
};

static void tmp_init(struct tmpdir *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/steward-pdf-XXXXXX");
	assert_non_null(mkdtemp(t->path));
}

static void tmp_remove(struct tmpdir *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	assert_int_equal(system(cmd), 0);
}

static void tmp_file(const struct tmpdir *t, const char *name, char *out,
		     size_t size)
{
	snprintf(out, size, "%s/%s", t->path, name);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static bool have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* What cmd writes to stdout, in out. */
static void run(const char *cmd, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	pclose(p);
	assert_int_equal(buf_error(out), 0);
}

/* The text of pages first..last (0: to the end), as pdftotext reads it;
 * false when pdftotext is not installed. */
static bool pdf_text(const char *path, int first, int last, struct buf *out)
{
	char cmd[512];

	if (!have("pdftotext"))
		return false;
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 -f %d %s%.0d '%s' - 2>/dev/null",
		 first, last ? "-l " : "", last, path);
	run(cmd, out);
	return true;
}

/* The file is a whole PDF: its header, its end-of-file marker, and a
 * clean bill from qpdf when qpdf is there. */
static void assert_whole_pdf(const char *path)
{
	struct buf text = BUF_INIT;
	struct diag d;
	char cmd[512];

	diag_clear(&d);
	assert_int_equal(files_read(path, 64u << 20, &text, &d), 0);
	assert_true(text.len > 1000);
	assert_memory_equal(text.data, "%PDF-", 5);
	while (text.len && (text.data[text.len - 1] == '\n' ||
			    text.data[text.len - 1] == '\r'))
		text.len--;
	assert_true(text.len > 5);
	assert_memory_equal(text.data + text.len - 5, "%%EOF", 5);
	buf_release(&text);
	if (have("qpdf")) {
		snprintf(cmd, sizeof(cmd), "qpdf --check '%s' >/dev/null 2>&1", path);
		assert_int_equal(system(cmd), 0);
	}
}

static void assert_contains(const struct buf *text, const char *needle)
{
	if (!strstr(text->data, needle))
		fail_msg("expected \"%s\" in the PDF's text:\n%.2000s", needle,
			 text->data);
}

/* A report of one page: title, a heading, names, a small table. */
static struct report *small_report(void)
{
	struct report *r = report_new("small", "Scorecard for " NAME,
				      "Billing Operations", "steward",
				      "2025-03-01");
	const char *cols[] = { "Source|40", ">Score|20", "Owner" };
	struct report_table *t;

	assert_non_null(r);
	report_heading(r, 1, "names", "Names");
	report_para(r, "Owner: %s; a field held %s.", NAME, SCRIPT);
	t = report_table(r, "Two sources", 3, cols);
	report_cell(r, t, "crm", 0);
	report_cell(r, t, "91.5", COLOUR_GOOD);
	report_cell(r, t, NAME, 0);
	report_cell(r, t, "billing", 0);
	report_cell(r, t, "64.0", COLOUR_POOR);
	report_cell(r, t, NULL, 0);
	assert_int_equal(r->err, 0);
	return r;
}

static void one_page_report_is_a_whole_pdf(void **state)
{
	struct report *r = small_report();
	struct pdf_stats st;
	struct buf text = BUF_INIT;
	struct tmpdir t;
	struct diag d;
	char path[128], tmp[160];

	(void)state;
	tmp_init(&t);
	tmp_file(&t, "small.pdf", path, sizeof(path));
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, NULL, &st, &d), 0);
	assert_int_equal(d.set, 0);
	assert_int_equal(st.pages, 1);
	assert_int_equal(st.replaced, 0);
	assert_whole_pdf(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_false(exists(tmp));
	if (pdf_text(path, 1, 0, &text)) {
		assert_contains(&text, NAME);
		assert_contains(&text, SCRIPT);
		assert_contains(&text, "Scorecard for " NAME);
		assert_contains(&text, "Page 1 of 1");
	}
	if (have("pdfinfo")) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "pdfinfo '%s' 2>/dev/null", path);
		run(cmd, &text);
		assert_contains(&text, "Creator:         steward");
		assert_contains(&text, "Title:           Scorecard for " NAME);
		assert_contains(&text, "595.276 x 841.89 pts (A4)");
	}
	buf_release(&text);
	report_free(r);
	tmp_remove(&t);
}

/* A report whose table runs over several pages. */
static struct report *long_report(size_t rows)
{
	struct report *r = report_new("long", "Every cell", "", "steward",
				      "2025-03-01");
	const char *cols[] = { "Source id|30", "Attribute name|30",
			       ">Completeness|20", ">Validity|20" };
	struct report_table *t;

	assert_non_null(r);
	t = report_table(r, "All cells", 4, cols);
	for (size_t i = 0; i < rows; i++) {
		report_cellf(r, t, 0, "source-%03zu", i);
		report_cell(r, t, i % 9 ? "email" : "an attribute whose name is long "
			    "enough to wrap in its column", 0);
		report_cellf(r, t, i % 5 ? 0 : COLOUR_POOR, "%.1f", 100 - (double)i / 4);
		report_cellf(r, t, 0, "%.1f", 50 + (double)(i % 50));
	}
	assert_int_equal(r->err, 0);
	return r;
}

static void long_table_continues_under_its_header(void **state)
{
	struct report *r = long_report(200);
	struct pdf_stats st;
	struct buf text = BUF_INIT;
	struct tmpdir t;
	struct diag d;
	char path[128], footer[64];

	(void)state;
	tmp_init(&t);
	tmp_file(&t, "long.pdf", path, sizeof(path));
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, NULL, &st, &d), 0);
	assert_true(st.pages > 1);
	assert_whole_pdf(path);
	if (pdf_text(path, 2, 2, &text)) {
		/* page 2 starts with the header again, then more rows */
		assert_contains(&text, "Source id");
		assert_contains(&text, "Attribute name");
		assert_contains(&text, "Completeness");
		snprintf(footer, sizeof(footer), "Page 2 of %u", st.pages);
		assert_contains(&text, footer);
		assert_null(strstr(text.data, "source-000"));
	}
	if (pdf_text(path, st.pages, st.pages, &text))
		assert_contains(&text, "source-199");
	buf_release(&text);
	report_free(r);
	tmp_remove(&t);
}

static void characters_the_fonts_lack_are_replaced_and_counted(void **state)
{
	struct report *r = report_new("glyphs", "Glyphs", "", "", "");
	struct pdf_stats st;
	struct buf text = BUF_INIT;
	struct tmpdir t;
	struct diag d;
	char path[128];

	(void)state;
	tmp_init(&t);
	tmp_file(&t, "glyphs.pdf", path, sizeof(path));
	/* U+4E2D (CJK), U+1F600 (an emoji), a byte that is not UTF-8 */
	report_para(r, "a\xe4\xb8\xad" "b \xf0\x9f\x98\x80 c\xff" "d");
	report_pre(r, "mono \xe4\xb8\xad\tend");
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, NULL, &st, &d), 0);
	assert_int_equal(st.replaced, 4);
	assert_whole_pdf(path);
	if (pdf_text(path, 1, 0, &text)) {
		assert_contains(&text, "a?b ? c?d");
		assert_contains(&text, "mono ?");
	}
	buf_release(&text);
	report_free(r);
	tmp_remove(&t);
}

static void missing_fonts_are_named_with_their_package(void **state)
{
	struct report *r = small_report();
	struct pdf_opts o = { PAPER_A4, NULL };
	struct pdf_stats st = { 7, 7 };
	struct tmpdir t;
	struct diag d;
	char path[128], fonts[128];

	(void)state;
	tmp_init(&t);
	tmp_file(&t, "out.pdf", path, sizeof(path));
	tmp_file(&t, "no-fonts-here", fonts, sizeof(fonts));
	o.font_dir = fonts;
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, &o, &st, &d), ST_ERR);
	assert_true(d.set);
	assert_non_null(strstr(d.file, "no-fonts-here/DejaVuSans.ttf"));
	assert_non_null(strstr(d.msg, "DejaVuSans.ttf"));
	assert_non_null(strstr(d.msg, "fonts-dejavu-core"));
	assert_int_equal(st.pages, 0);
	assert_false(exists(path));
	report_free(r);
	tmp_remove(&t);
}

static void unwritable_paths_fail_and_leave_nothing(void **state)
{
	struct report *r = small_report();
	struct tmpdir t;
	struct diag d;
	char path[160], tmp[192];
	FILE *f;

	(void)state;
	tmp_init(&t);
	/* the directory is a regular file: PATH.tmp cannot be created */
	tmp_file(&t, "plain", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	tmp_file(&t, "plain/out.pdf", path, sizeof(path));
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, NULL, NULL, &d), ST_ERR);
	assert_string_equal(d.file, path);
	assert_non_null(strstr(d.msg, "libharu error 0x1017"));
	assert_false(exists(path));
	/* PATH is a directory: PATH.tmp is written, the rename fails, and
	 * PATH.tmp goes */
	tmp_file(&t, "dir.pdf", path, sizeof(path));
	assert_int_equal(mkdir(path, 0700), 0);
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, NULL, NULL, &d), ST_ERR);
	assert_string_equal(d.file, path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_false(exists(tmp));
	/* no file name at all */
	diag_clear(&d);
	assert_int_equal(pdf_write(r, "", NULL, NULL, &d), ST_ERR);
	assert_true(d.set);
	report_free(r);
	tmp_remove(&t);
}

/* Every kind of block, on Letter paper, with input a writer must survive:
 * coordinates that are not numbers, empty things, invalid UTF-8. */
static void every_block_on_letter_paper(void **state)
{
	struct report *r = report_new("all", "All \xff blocks", "Sub\xc3", "me", "today");
	const char *labels[] = { "Jan", "Feb", "Mar", "Apr" };
	const char *bars[] = { "CRM", "Billing \xe4\xb8\xad" };
	const char *cols[] = { ">N|10", "Text" };
	double v[] = { 80, NAN, 90, 95 }, bv[] = { 91, 42 };
	double xs[] = { 0, 50, NAN, 100 }, ys[] = { 0, 10, 20, INFINITY };
	struct trend_series s = { "total", v, COLOUR_ACCENT };
	struct pdf_opts o = { PAPER_LETTER, NULL };
	struct pdf_stats st;
	struct buf text = BUF_INIT;
	struct tmpdir t;
	struct diag d;
	struct chart *c;
	char path[128];

	(void)state;
	tmp_init(&t);
	tmp_file(&t, "all.pdf", path, sizeof(path));
	report_figures(r);
	for (int i = 0; i < 7; i++)
		report_figure(r, "99.9", "A figure with a long label that wraps",
			      i % 2 ? NULL : "a note", i % 3 ? COLOUR_GOOD : 0);
	report_figures(r);	/* none */
	report_heading(r, 1, "", "A heading long enough to wrap onto a second "
		       "line of the page, which it should do without trouble");
	report_heading(r, 2, "", "");
	report_para(r, "%s", "");
	c = report_chart(r, "Trend", 900, 300, "Scaled down to the column");
	chart_trend(r, c, labels, 4, &s, 1);
	chart_line(r, c, xs, ys, 4, COLOUR_POOR, 2, true, true);
	chart_rect(r, c, 10, 10, -5, NAN, COLOUR_FAIR);
	chart_text(r, c, 10, 10, 1e9, ANCHOR_END, 0, "too big");
	chart_text(r, c, 450, 150, 12, ANCHOR_MIDDLE, 0, "centred \xf0\x9f\x98\x80");
	report_chart(r, "No size", 0, 0, "");
	report_chart(r, "Taller than a page", 100, 5000, "squeezed");
	report_charts(r);
	for (int i = 0; i < 5; i++) {
		c = report_small_chart(r, "Small", 200, 80, "bars");
		chart_bars(r, c, bars, bv, 2);
	}
	report_charts(r);	/* none */
	report_table(r, "", 2, cols);	/* no rows */
	report_pre(r, "a\tb\r\nc\n\n\xff\n");
	report_pre(r, "");
	assert_int_equal(r->err, 0);
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, &o, &st, &d), 0);
	assert_true(st.pages >= 2);
	/* \xff twice (title, pre), a lone \xc3, U+4E2D in five charts, an
	 * emoji; the footers' copies of the title are not counted again */
	assert_int_equal(st.replaced, 9);
	assert_whole_pdf(path);
	if (have("pdfinfo")) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "pdfinfo '%s' 2>/dev/null", path);
		run(cmd, &text);
		assert_contains(&text, "612 x 792 pts (letter)");
	}
	if (pdf_text(path, 1, 0, &text)) {
		assert_contains(&text, "Scaled down to the column");
		assert_contains(&text, "centred ?");
	}
	buf_release(&text);
	report_free(r);
	tmp_remove(&t);
}

/* The page on which needle appears (form feeds part pdftotext's pages);
 * 0 when it is on none. */
static int page_of(const struct buf *text, const char *needle)
{
	const char *at = strstr(text->data, needle);
	int page = 1;

	if (!at)
		return 0;
	for (const char *p = text->data; p < at; p++)
		page += *p == '\f';
	return page;
}

/* Whatever fills the page above it, a heading shares its page with the
 * first row of the table under it. */
static void headings_stay_with_what_follows(void **state)
{
	const char *cols[] = { "Key", "Value" };
	struct buf text = BUF_INIT;
	struct tmpdir t;
	char path[128];

	(void)state;
	if (!have("pdftotext"))
		skip();
	tmp_init(&t);
	tmp_file(&t, "keep.pdf", path, sizeof(path));
	for (int n = 20; n < 48; n++) {
		struct report *r = report_new("keep", "Keep", "", "", "");
		struct report_table *tb;
		struct diag d;

		for (int i = 0; i < n; i++)
			report_para(r, "Paragraph %d.", i);
		report_heading(r, 1, "", "Findings by source");
		tb = report_table(r, "", 2, cols);
		for (int i = 0; i < 3; i++) {
			report_cellf(r, tb, 0, "row-%03d", i);
			report_cell(r, tb, "value", 0);
		}
		diag_clear(&d);
		assert_int_equal(pdf_write(r, path, NULL, NULL, &d), 0);
		assert_true(pdf_text(path, 1, 0, &text));
		if (page_of(&text, "Findings by source") != page_of(&text, "row-000"))
			fail_msg("with %d paragraphs the heading is on page %d, "
				 "its table on page %d", n,
				 page_of(&text, "Findings by source"),
				 page_of(&text, "row-000"));
		report_free(r);
	}
	buf_release(&text);
	tmp_remove(&t);
}

/* A cell taller than a page is split across pages, not lost. */
static void a_cell_taller_than_a_page_is_split(void **state)
{
	const char *cols[] = { "Key|20", "Long" };
	struct report *r = report_new("tall", "Tall", "", "", "");
	struct report_table *tb = report_table(r, "", 2, cols);
	struct buf cell = BUF_INIT, text = BUF_INIT;
	struct pdf_stats st;
	struct tmpdir t;
	struct diag d;
	char path[128];

	(void)state;
	for (int i = 0; i < 1500; i++)
		buf_addf(&cell, "word%04d ", i);
	report_cell(r, tb, "only", 0);
	report_cell(r, tb, cell.data, 0);
	tmp_init(&t);
	tmp_file(&t, "tall.pdf", path, sizeof(path));
	diag_clear(&d);
	assert_int_equal(pdf_write(r, path, NULL, &st, &d), 0);
	assert_true(st.pages >= 2);
	assert_whole_pdf(path);
	if (pdf_text(path, 1, 0, &text)) {
		assert_contains(&text, "word0000");
		assert_contains(&text, "word1499");
		assert_int_equal(page_of(&text, "word0000"), 1);
		assert_true(page_of(&text, "word1499") > 2);
		/* the header is repeated above the rest of the cell */
		assert_true(page_of(&text, "Long") == 1);
	}
	buf_release(&cell);
	buf_release(&text);
	report_free(r);
	tmp_remove(&t);
}

/* Memory running out at each of the writer's allocations in turn: an
 * error every time until there is enough, and never a file. */
static void running_out_of_memory_fails_cleanly(void **state)
{
	struct report *r = small_report();
	struct tmpdir t;
	char path[128], tmp[160];
	long n;
	int rc = ST_ERR_NOMEM;

	(void)state;
	tmp_init(&t);
	tmp_file(&t, "nomem.pdf", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	for (n = 0; n < 1000 && rc; n++) {
		struct diag d;

		diag_clear(&d);
		alloc_fail_after(n);
		rc = pdf_write(r, path, NULL, NULL, &d);
		alloc_fail_after(-1);
		if (rc) {
			assert_int_equal(rc, ST_ERR_NOMEM);
			assert_false(exists(path));
		}
		assert_false(exists(tmp));
	}
	assert_int_equal(rc, 0);
	assert_true(n > 3);
	assert_whole_pdf(path);
	report_free(r);
	tmp_remove(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_page_report_is_a_whole_pdf),
		cmocka_unit_test(long_table_continues_under_its_header),
		cmocka_unit_test(characters_the_fonts_lack_are_replaced_and_counted),
		cmocka_unit_test(missing_fonts_are_named_with_their_package),
		cmocka_unit_test(unwritable_paths_fail_and_leave_nothing),
		cmocka_unit_test(every_block_on_letter_paper),
		cmocka_unit_test(headings_stay_with_what_follows),
		cmocka_unit_test(a_cell_taller_than_a_page_is_split),
		cmocka_unit_test(running_out_of_memory_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
