/*
 * test_csv.c - the CSV tokenizer (src/source/csv.c).
 *
 * Most cases parse a literal and compare a textual dump of the records with
 * what RFC 4180 (plus the rules in csv.h) says they are.  The dump shows
 * each field as [text], with bytes outside printable ASCII as \xHH, so a
 * whole parse reads as one string.  The block-boundary cases parse the same
 * input with every buffer size from 1 to 64 bytes and require identical
 * dumps, which is what catches state carried wrongly across a refill.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "source/csv.h"
#include "util/buf.h"

#define FEBRL3 "/work/shared/datasets/febrl/dataset3.csv"
#define SENZING "/work/shared/datasets/senzing_truthset/customers.csv"

/* --- helpers ----------------------------------------------------------- */

static void dump_field(struct buf *b, const struct csv_field *f, bool full)
{
	/* Every field is NUL-terminated in place. */
	assert_int_equal(f->data[f->len], '\0');
	if (full && f->quoted)
		buf_addch(b, 'q');
	buf_addch(b, '[');
	for (size_t i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char)f->data[i];

		if (c < 0x20 || c >= 0x7f || c == '\\' || c == '[' || c == ']')
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, c);
	}
	buf_addch(b, ']');
}

/*
 * One line per record.  Short form: the fields.  Full form: lines, offset,
 * kept/seen columns, flags with the position of the first problem, then
 * the fields with q marking quoted ones.
 */
static void dump_record(struct buf *b, const struct csv_record *rec, bool full)
{
	if (full) {
		buf_addf(b, "%" PRIu64 "-%" PRIu64 " @%" PRIu64 " %zu/%zu",
			 rec->line, rec->end_line, rec->offset, rec->n,
			 rec->columns);
		if (rec->flags)
			buf_addf(b, " f%u c%zu l%" PRIu64, rec->flags,
				 rec->bad_col, rec->bad_line);
		else
			assert_true(rec->bad_col == 0 && rec->bad_line == 0);
		buf_addch(b, ':');
	}
	for (size_t i = 0; i < rec->n; i++)
		dump_field(b, &rec->fields[i], full);
	buf_addch(b, '\n');
}

/* Dump every record of an open reader; the reader is freed. */
static char *dump_reader(struct csv_reader *r, bool full)
{
	struct buf b;
	struct csv_record *rec;
	int rc;

	buf_init(&b, 0);
	while ((rc = csv_reader_next(r, &rec)) == 1)
		dump_record(&b, rec, full);
	assert_int_equal(rc, 0);
	assert_null(rec);
	/* The end is sticky. */
	assert_int_equal(csv_reader_next(r, &rec), 0);
	csv_reader_free(r);
	assert_int_equal(buf_error(&b), 0);
	return buf_detach(&b, NULL);
}

static char *dump_mem(const struct csv_options *opt, const char *in,
		      size_t len, bool full)
{
	struct csv_reader *r;

	assert_int_equal(csv_reader_open_mem(&r, in, len, opt), ST_OK);
	return dump_reader(r, full);
}

static void expect_dump(const struct csv_options *opt, const char *in,
			size_t len, bool full, const char *want)
{
	char *got = dump_mem(opt, in, len, full);

	assert_string_equal(got, want);
	xfree(got);
}

/* Literal inputs may hold NUL bytes, hence sizeof rather than strlen. */
#define EXPECT_FIELDS(opt, in, want) \
	expect_dump((opt), (in), sizeof(in) - 1, false, (want))
#define EXPECT_FULL(opt, in, want) \
	expect_dump((opt), (in), sizeof(in) - 1, true, (want))

/* Parse with every buffer size from 1 to 64: all must give the same. */
static void expect_same_any_block(const struct csv_options *base,
				  const char *in, size_t len)
{
	struct csv_options opt = base ? *base : (struct csv_options){ 0 };
	char *want;

	opt.buffer_size = 0;
	want = dump_mem(&opt, in, len, true);
	for (size_t size = 1; size <= 64; size++) {
		char *got;

		opt.buffer_size = size;
		got = dump_mem(&opt, in, len, true);
		if (strcmp(got, want) != 0)
			fail_msg("buffer size %zu:\n%s\nwanted:\n%s", size, got,
				 want);
		xfree(got);
	}
	xfree(want);
}

/* A temporary file holding b, opened for reading; it is already unlinked. */
static int temp_fd(const struct buf *b)
{
	char path[] = "/tmp/test_csv_XXXXXX";
	int fd = mkstemp(path);
	size_t off = 0;

	assert_true(fd >= 0);
	unlink(path);
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		assert_true(n > 0);
		off += (size_t)n;
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* --- the RFC 4180 basics ----------------------------------------------- */

static void test_plain_fields_split_on_commas(void **state)
{
	UNUSED(state);
	EXPECT_FIELDS(NULL, "a,b,c\n1,22,333\n", "[a][b][c]\n[1][22][333]\n");
	EXPECT_FIELDS(NULL, ",\n", "[][]\n");
	EXPECT_FIELDS(NULL, "a,,b,\n", "[a][][b][]\n");
}

static void test_quoted_field_holds_delimiter(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "\"a,b\",c\n", "1-1 @0 2/2:q[a,b][c]\n");
	EXPECT_FULL(NULL, "\"\",x\n", "1-1 @0 2/2:q[][x]\n");
}

static void test_doubled_quotes_unescape_in_place(void **state)
{
	UNUSED(state);
	EXPECT_FIELDS(NULL, "\"he said \"\"hi\"\"\",x\n", "[he said \"hi\"][x]\n");
	EXPECT_FIELDS(NULL, "\"\"\"\"\n", "[\"]\n");
	EXPECT_FIELDS(NULL, "\"\"\"\"\"\"\"\",\"a\"\"\"\n", "[\"\"\"][a\"]\n");
	EXPECT_FIELDS(NULL, "\"\"\"a\"\"b\"\"c\"\"\"\n", "[\"a\"b\"c\"]\n");
}

static void test_newline_in_quotes_keeps_line_numbers(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "a,\"x\ny\nz\",b\nc,d\n\"1\r\n2\"\ne\n",
		    "1-3 @0 3/3:[a]q[x\\x0ay\\x0az][b]\n"
		    "4-4 @12 2/2:[c][d]\n"
		    "5-6 @16 1/1:q[1\\x0d\\x0a2]\n"
		    "7-7 @23 1/1:[e]\n");
}

static void test_crlf_ends_lines_and_lone_cr_is_data(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "a,b\r\nc,d\r\n", "1-1 @0 2/2:[a][b]\n2-2 @5 2/2:[c][d]\n");
	EXPECT_FULL(NULL, "\"q\"\r\nx\r\n", "1-1 @0 1/1:q[q]\n2-2 @5 1/1:[x]\n");
	EXPECT_FIELDS(NULL, "a\rb,c\r\n", "[a\\x0db][c]\n");
	EXPECT_FIELDS(NULL, "a\r,b\n", "[a\\x0d][b]\n");
	EXPECT_FIELDS(NULL, "a\r\r\n", "[a\\x0d]\n");
	/* A CR at the very end is not a line break either. */
	EXPECT_FIELDS(NULL, "a,b\r", "[a][b\\x0d]\n");
}

static void test_byte_order_mark_is_skipped(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "\xEF\xBB\xBF" "a,b\nc\n",
		    "1-1 @3 2/2:[a][b]\n2-2 @7 1/1:[c]\n");
	EXPECT_FIELDS(NULL, "\xEF\xBB\xBF", "");
	EXPECT_FIELDS(NULL, "\xEF\xBB\xBF\"x\"", "[x]\n");
	/* Anywhere else it is just a (valid) character. */
	EXPECT_FULL(NULL, "a\n\xEF\xBB\xBF" "b\n",
		    "1-1 @0 1/1:[a]\n2-2 @2 1/1:[\\xef\\xbb\\xbfb]\n");
	/* Half a mark is data, and not UTF-8. */
	EXPECT_FULL(NULL, "\xEF\xBB", "1-1 @0 1/1 f2 c0 l1:[\\xef\\xbb]\n");
}

static void test_skip_initial_space_reads_febrl_style(void **state)
{
	struct csv_options opt = { .skip_initial_space = true };

	UNUSED(state);
	EXPECT_FIELDS(&opt, "rec-1-org, mitchell, green\n",
		      "[rec-1-org][mitchell][green]\n");
	EXPECT_FIELDS(NULL, "rec-1-org, mitchell, green\n",
		      "[rec-1-org][ mitchell][ green]\n");
	/* Spaces go before an opening quote too, and only at the start. */
	EXPECT_FULL(&opt, "a,   \"b, c\" ,  d e \n",
		    "1-1 @0 3/3 f64 c1 l1:[a]q[b, c ][d e ]\n");
	EXPECT_FIELDS(&opt, "  x, , \n", "[x][][]\n");
	/* A line of spaces is a record, not a blank line. */
	EXPECT_FULL(&opt, "a\n   \nb", "1-1 @0 1/1:[a]\n2-2 @2 1/1:[]\n3-3 @6 1/1:[b]\n");
	EXPECT_FULL(&opt, "a\n   ", "1-1 @0 1/1:[a]\n2-2 @2 1/1:[]\n");
}

static void test_custom_delimiters(void **state)
{
	struct csv_options tab = { .delim = '\t' };
	struct csv_options semi = { .delim = ';' };
	struct csv_options quote = { .quote = '\'' };
	struct csv_options none = { .no_quoting = true };

	UNUSED(state);
	EXPECT_FIELDS(&tab, "a\tb;c,d\n\"x\ty\"\t\n", "[a][b;c,d]\n[x\\x09y][]\n");
	EXPECT_FIELDS(&semi, "a\tb;c,d\n", "[a\\x09b][c,d]\n");
	EXPECT_FIELDS(&quote, "'a,''b',\"c\n", "[a,'b][\"c]\n");
	EXPECT_FULL(&none, "\"a,b\",\"\"\n", "1-1 @0 3/3:[\"a][b\"][\"\"]\n");
}

static void test_last_line_needs_no_newline(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "a,b\nc,d", "1-1 @0 2/2:[a][b]\n2-2 @4 2/2:[c][d]\n");
	EXPECT_FIELDS(NULL, "a,", "[a][]\n");
	EXPECT_FIELDS(NULL, "\"x\"", "[x]\n");
	EXPECT_FIELDS(NULL, "\"x\"\"\"", "[x\"]\n");
	EXPECT_FIELDS(NULL, "", "");
}

static void test_blank_lines_are_skipped(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "\n\na\n\r\n\nb\n\n",
		    "3-3 @2 1/1:[a]\n6-6 @7 1/1:[b]\n");
	/* A lone delimiter or an empty quoted field is a record. */
	EXPECT_FULL(NULL, "\n,\n\"\"\n", "2-2 @1 2/2:[][]\n3-3 @3 1/1:q[]\n");
	EXPECT_FIELDS(NULL, "\r\n\r\n", "");
}

/* --- problems are flagged, never fatal ---------------------------------- */

static void test_unterminated_quote_runs_to_end_of_input(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "x\na,\"bc\nd,e\n",
		    "1-1 @0 1/1:[x]\n2-4 @2 2/2 f1 c1 l2:[a]q[bc\\x0ad,e\\x0a]\n");
	EXPECT_FULL(NULL, "\"", "1-1 @0 1/1 f1 c0 l1:q[]\n");
	EXPECT_FULL(NULL, "\"ab\"\"", "1-1 @0 1/1 f1 c0 l1:q[ab\"]\n");
}

static void test_bare_quote_is_data(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "ab\"c,d\"\n", "1-1 @0 2/2 f32 c0 l1:[ab\"c][d\"]\n");
	EXPECT_FULL(NULL, "a,b \"c\"\n", "1-1 @0 2/2 f32 c1 l1:[a][b \"c\"]\n");
}

static void test_text_after_quote_is_kept_and_flagged(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "\"abc\"x,d\n", "1-1 @0 2/2 f64 c0 l1:q[abcx][d]\n");
	EXPECT_FULL(NULL, "a,\"b\nc\" \r\n", "1-2 @0 2/2 f64 c1 l2:[a]q[b\\x0ac ]\n");
	EXPECT_FULL(NULL, "\"a\"\"b\"c\"d\n", "1-1 @0 1/1 f64 c0 l1:q[a\"bc\"d]\n");
	EXPECT_FULL(NULL, "\"a\"\r", "1-1 @0 1/1 f64 c0 l1:q[a\\x0d]\n");
}

static void test_invalid_utf8_is_flagged_with_position(void **state)
{
	UNUSED(state);
	/* Valid: 2, 3 and 4 byte forms, the largest code point. */
	EXPECT_FULL(NULL, "\xC3\xA9,\xE2\x82\xAC,\xF0\x9D\x84\x9E,\xF4\x8F\xBF\xBF\n",
		    "1-1 @0 4/4:[\\xc3\\xa9][\\xe2\\x82\\xac]"
		    "[\\xf0\\x9d\\x84\\x9e][\\xf4\\x8f\\xbf\\xbf]\n");
	/* Overlong forms of '/'. */
	EXPECT_FULL(NULL, "ok,\xC0\xAF\n", "1-1 @0 2/2 f2 c1 l1:[ok][\\xc0\\xaf]\n");
	EXPECT_FULL(NULL, "ok,ok,\xE0\x80\xAF\n",
		    "1-1 @0 3/3 f2 c2 l1:[ok][ok][\\xe0\\x80\\xaf]\n");
	EXPECT_FULL(NULL, "\xF0\x80\x80\xAF\n", "1-1 @0 1/1 f2 c0 l1:[\\xf0\\x80\\x80\\xaf]\n");
	/* A surrogate, and a code point above U+10FFFF. */
	EXPECT_FULL(NULL, "a,\xED\xA0\x80\n", "1-1 @0 2/2 f2 c1 l1:[a][\\xed\\xa0\\x80]\n");
	EXPECT_FULL(NULL, "\xF4\x90\x80\x80\n", "1-1 @0 1/1 f2 c0 l1:[\\xf4\\x90\\x80\\x80]\n");
	/* A lone continuation byte, Latin-1 text. */
	EXPECT_FULL(NULL, "caf\xE9\n", "1-1 @0 1/1 f2 c0 l1:[caf\\xe9]\n");
	/* A sequence cut by the end of input or by a delimiter. */
	EXPECT_FULL(NULL, "a,\xE2\x82", "1-1 @0 2/2 f2 c1 l1:[a][\\xe2\\x82]\n");
	EXPECT_FULL(NULL, "\xE2\x82,\xAC\n", "1-1 @0 2/2 f2 c0 l1:[\\xe2\\x82][\\xac]\n");
	/* The line is the one the bad byte is on. */
	EXPECT_FULL(NULL, "x,\"a\nb\n\xFF\"\n", "1-3 @0 2/2 f2 c1 l3:[x]q[a\\x0ab\\x0a\\xff]\n");
	/* Only the first problem has its position kept. */
	EXPECT_FULL(NULL, "\xFF,\xFF\n", "1-1 @0 2/2 f2 c0 l1:[\\xff][\\xff]\n");
}

static void test_nul_byte_is_flagged(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "a,b\0c\n", "1-1 @0 2/2 f128 c1 l1:[a][b\\x00c]\n");
	EXPECT_FULL(NULL, "\"\0\xFF\"\n", "1-1 @0 1/1 f130 c0 l1:q[\\x00\\xff]\n");
	EXPECT_FULL(NULL, "\0", "1-1 @0 1/1 f128 c0 l1:[\\x00]\n");
}

static void test_too_many_columns_are_dropped(void **state)
{
	struct csv_options opt = { .max_columns = 3 };

	UNUSED(state);
	EXPECT_FULL(&opt, "a,b,c,d,\"e\n\"\nf,g,h\n",
		    "1-2 @0 3/5 f16 c3 l1:[a][b][c]\n3-3 @13 3/3:[f][g][h]\n");
	EXPECT_FULL(&opt, "a,b,c,\n", "1-1 @0 3/4 f16 c3 l1:[a][b][c]\n");
}

static void test_field_too_long_is_emptied(void **state)
{
	struct csv_options opt = { .max_field = 4 };

	UNUSED(state);
	/* The limit is on the input text, quotes included. */
	EXPECT_FULL(&opt, "abcd,abcde,\"ab\",\"abc\"\nx\n",
		    "1-1 @0 4/4 f4 c1 l1:[abcd][]q[ab]q[]\n2-2 @22 1/1:[x]\n");
	/* A CR before LF does not count. */
	EXPECT_FULL(&opt, "abcd\r\n", "1-1 @0 1/1:[abcd]\n");
	/* Problems inside an emptied field are still seen. */
	EXPECT_FULL(&opt, "a\"bcdef\n", "1-1 @0 1/1 f36 c0 l1:[]\n");
	EXPECT_FULL(&opt, "\"a\nbcdef", "1-2 @0 1/1 f5 c0 l1:q[]\n");
}

static void test_record_too_long_is_emptied(void **state)
{
	struct csv_options opt = { .max_record = 10 };

	UNUSED(state);
	EXPECT_FULL(&opt, "abc,def\n0123,5678,x,y\nshort\n",
		    "1-1 @0 2/2:[abc][def]\n"
		    "2-2 @8 4/4 f8 c2 l2:[][][][]\n"
		    "3-3 @22 1/1:[short]\n");
	EXPECT_FULL(&opt, "0123456789\r\n", "1-1 @0 1/1:[0123456789]\n");
	EXPECT_FULL(&opt, "0123456789a", "1-1 @0 1/1 f8 c0 l1:[]\n");
}

/* --- block boundaries --------------------------------------------------- */

/* Everything at once, so that some boundary falls inside each construct. */
static const char tricky[] =
	"\xEF\xBB\xBFid,name,note\r\n"
	"1,\"Smith, John\",\"said \"\"hi\"\"\"\r\n"
	"\n"
	"2,\"multi\nline\r\nfield\",x\"y\n"
	"3,  spaced , \"q\" tail,\"\"\n"
	"\r\n"
	"4,caf\xC3\xA9,\xE2\x82\xAC\xF0\x9D\x84\x9E,bad\xC0\xAF,\xE2\x82\n"
	"5,a\0b,\"\"\"\"\"\",\"ab\"\"\r\n"
	"6,0123456789abcdefghij,\"0123456789\"\"abcdefghij\",k\n"
	"7,a,b,c,d,e,f,g,h\n"
	"\"8\"\r,\"x\"\r\r\n"
	"\"10\",\"a,b\",\"c\"\r\n\"11\",\"\",\"d\"\"\"\n"
	"9,\"unterminated,\n\"\"at end\r\n";

static void test_records_are_the_same_for_any_block_size(void **state)
{
	struct csv_options opt = { 0 };

	UNUSED(state);
	expect_same_any_block(&opt, tricky, sizeof(tricky) - 1);
	opt.skip_initial_space = true;
	expect_same_any_block(&opt, tricky, sizeof(tricky) - 1);
	opt.max_field = 12;
	opt.max_columns = 5;
	expect_same_any_block(&opt, tricky, sizeof(tricky) - 1);
	opt.max_record = 30;
	expect_same_any_block(&opt, tricky, sizeof(tricky) - 1);
	opt.delim = ';';
	opt.no_quoting = true;
	expect_same_any_block(&opt, tricky, sizeof(tricky) - 1);
}

/* The dump that the boundary test compares, checked once by hand. */
static void test_tricky_input_parses_as_specified(void **state)
{
	UNUSED(state);
	EXPECT_FULL(NULL, "\xEF\xBB\xBFid,name,note\r\n"
		    "1,\"Smith, John\",\"said \"\"hi\"\"\"\r\n"
		    "\n"
		    "2,\"multi\nline\r\nfield\",x\"y\n"
		    "3,  spaced , \"q\" tail,\"\"\n",
		    "1-1 @3 3/3:[id][name][note]\n"
		    "2-2 @17 3/3:[1]q[Smith, John]q[said \"hi\"]\n"
		    "4-6 @49 3/3 f32 c2 l6:[2]q[multi\\x0aline\\x0d\\x0afield][x\"y]\n"
		    "7-7 @75 4/4 f32 c2 l7:[3][  spaced ][ \"q\" tail]q[]\n");
}

/* --- files and memory bounds ------------------------------------------- */

static void test_long_field_in_file_keeps_memory_bounded(void **state)
{
	struct buf in;
	struct csv_reader *r;
	struct csv_record *rec;
	int fd;

	UNUSED(state);
	buf_init(&in, 0);
	buf_addstr(&in, "id,\"");
	/* 3 MiB of doubled quotes and line breaks inside one quoted field. */
	for (size_t i = 0; i < (3u << 20) / 8; i++)
		buf_addstr(&in, "ab\"\"cd\r\n");
	buf_addstr(&in, "\",tail\nnext,");
	buf_addchars(&in, 'x', 3u << 20);
	buf_addstr(&in, ",end\nlast,row\n");
	assert_int_equal(buf_error(&in), 0);
	fd = temp_fd(&in);

	assert_int_equal(csv_reader_open_fd(&r, fd, NULL), ST_OK);
	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_int_equal(rec->flags, CSV_F_FIELD_TOO_LONG);
	assert_int_equal(rec->bad_col, 1);
	assert_int_equal(rec->n, 3);
	assert_int_equal(rec->fields[1].len, 0);
	assert_string_equal(rec->fields[2].data, "tail");
	assert_int_equal(rec->line, 1);
	assert_int_equal(rec->end_line, (3u << 20) / 8 + 1);
	assert_true(csv_reader_buffer_size(r) <= (4u << 20));

	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_int_equal(rec->flags, CSV_F_FIELD_TOO_LONG);
	assert_string_equal(rec->fields[0].data, "next");
	assert_int_equal(rec->fields[1].len, 0);
	assert_string_equal(rec->fields[2].data, "end");
	assert_true(csv_reader_buffer_size(r) <= (4u << 20));

	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_int_equal(rec->flags, 0);
	assert_int_equal(rec->line, (3u << 20) / 8 + 3);
	assert_string_equal(rec->fields[1].data, "row");
	assert_int_equal(rec->offset, in.len - 9);
	assert_int_equal(csv_reader_next(r, &rec), 0);
	assert_int_equal(csv_reader_bytes(r), in.len);
	csv_reader_free(r);
	close(fd);
	buf_release(&in);
}

static void test_long_record_in_file_keeps_memory_bounded(void **state)
{
	struct buf in;
	struct csv_reader *r;
	struct csv_record *rec;
	int fd;

	UNUSED(state);
	buf_init(&in, 0);
	/* 12 fields of 900 KiB: each under the field limit, together over
	 * the record limit. */
	for (int i = 0; i < 12; i++) {
		buf_addchars(&in, 'a' + i, 900u << 10);
		buf_addch(&in, i < 11 ? ',' : '\n');
	}
	buf_addstr(&in, "ok\n");
	assert_int_equal(buf_error(&in), 0);
	fd = temp_fd(&in);

	assert_int_equal(csv_reader_open_fd(&r, fd, NULL), ST_OK);
	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_int_equal(rec->flags, CSV_F_RECORD_TOO_LONG);
	assert_int_equal(rec->bad_col, 9);	/* 10 fields pass 8 MiB */
	assert_int_equal(rec->n, 12);
	for (size_t i = 0; i < rec->n; i++)
		assert_int_equal(rec->fields[i].len, 0);
	/* Never more than the longest record kept plus one read. */
	assert_true(csv_reader_buffer_size(r) <=
		    LIMIT_RECORD_BYTES + CSV_BUFFER_SIZE + 2);
	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_string_equal(rec->fields[0].data, "ok");
	assert_int_equal(rec->line, 2);
	assert_int_equal(csv_reader_next(r, &rec), 0);
	csv_reader_free(r);
	close(fd);
	buf_release(&in);
}

static void test_read_error_is_reported_and_sticky(void **state)
{
	struct csv_reader *r;
	struct csv_record *rec;
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY);

	UNUSED(state);
	assert_true(fd >= 0);
	assert_int_equal(csv_reader_open_fd(&r, fd, NULL), ST_OK);
	assert_string_equal(csv_reader_error(r), "");
	errno = 0;
	assert_int_equal(csv_reader_next(r, &rec), ST_ERR);
	assert_int_equal(errno, EISDIR);
	assert_non_null(strstr(csv_reader_error(r), "read"));
	errno = 0;
	assert_int_equal(csv_reader_next(r, &rec), ST_ERR);
	assert_int_equal(errno, EISDIR);
	csv_reader_free(r);
	close(fd);
}

static void test_invalid_options_are_refused(void **state)
{
	struct csv_options nl = { .delim = '\n' };
	struct csv_options same = { .delim = '"' };
	struct csv_options high = { .delim = (char)0xA7 };
	struct csv_options cr = { .quote = '\r' };
	struct csv_options unquoted = { .delim = '"', .no_quoting = true };
	struct csv_reader *r;

	UNUSED(state);
	assert_int_equal(csv_reader_open_mem(&r, "", 0, &nl), ST_ERR);
	assert_null(r);
	assert_int_equal(csv_reader_open_mem(&r, "", 0, &same), ST_ERR);
	assert_int_equal(csv_reader_open_mem(&r, "", 0, &high), ST_ERR);
	assert_int_equal(csv_reader_open_fd(&r, 0, &cr), ST_ERR);
	EXPECT_FIELDS(&unquoted, "a\"b\n", "[a][b]\n");
	csv_reader_free(NULL);
}

static void test_allocation_failures_leak_nothing(void **state)
{
	struct csv_options opt = { .buffer_size = 4 };
	const char in[] = "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t\n\"1\",2\n";

	UNUSED(state);
	for (long n = 0; n < 40; n++) {
		struct csv_reader *r = NULL;
		struct csv_record *rec;
		int rc;

		alloc_fail_after(n);
		rc = csv_reader_open_mem(&r, in, sizeof(in) - 1, &opt);
		if (rc == ST_OK) {
			while ((rc = csv_reader_next(r, &rec)) == 1)
				;
			if (rc < 0) {
				assert_int_equal(rc, ST_ERR_NOMEM);
				assert_int_equal(errno, ENOMEM);
				/* Failures are sticky. */
				assert_int_equal(csv_reader_next(r, &rec),
						 ST_ERR_NOMEM);
			}
		} else {
			assert_int_equal(rc, ST_ERR_NOMEM);
		}
		alloc_fail_after(-1);
		csv_reader_free(r);
	}
}

static void test_bytes_consumed_track_progress(void **state)
{
	struct csv_options opt = { .buffer_size = 3 };
	struct csv_reader *r;
	struct csv_record *rec;

	UNUSED(state);
	assert_int_equal(csv_reader_open_mem(&r, "ab,c\n\"d\"\n", 9, &opt),
			 ST_OK);
	assert_int_equal(csv_reader_bytes(r), 0);
	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_int_equal(csv_reader_bytes(r), 5);
	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_int_equal(csv_reader_bytes(r), 9);
	assert_int_equal(csv_reader_next(r, &rec), 0);
	csv_reader_free(r);
}

/* --- real files -------------------------------------------------------- */

/* Open path, or skip the test if the data set is not on this machine. */
static int open_dataset(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		print_message("skipped: %s: %s\n", path, strerror(errno));
		skip();
	}
	return fd;
}

static void test_febrl_dataset3_reads_cleanly(void **state)
{
	struct csv_options opt = { .skip_initial_space = true };
	struct csv_reader *r;
	struct csv_record *rec;
	int fd = open_dataset(FEBRL3), rc;
	size_t records = 0;

	UNUSED(state);
	assert_int_equal(csv_reader_open_fd(&r, fd, &opt), ST_OK);
	while ((rc = csv_reader_next(r, &rec)) == 1) {
		assert_int_equal(rec->n, 11);
		assert_int_equal(rec->flags, 0);
		assert_int_equal(rec->line, records + 1);
		if (records == 0) {
			assert_string_equal(rec->fields[0].data, "rec_id");
			assert_string_equal(rec->fields[10].data, "soc_sec_id");
		} else if (records == 1) {
			assert_string_equal(rec->fields[0].data, "rec-1496-org");
			assert_string_equal(rec->fields[1].data, "mitchell");
			assert_string_equal(rec->fields[2].data, "green");
		} else if (records == 4) {
			assert_string_equal(rec->fields[2].data, "");
		}
		for (size_t i = 0; i < rec->n; i++)
			assert_true(rec->fields[i].len == 0 ||
				    rec->fields[i].data[0] != ' ');
		records++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(records, 5001);	/* header + 5000 */
	csv_reader_free(r);
	close(fd);
}

static void test_senzing_customers_read_cleanly(void **state)
{
	struct csv_reader *r;
	struct csv_record *rec;
	int fd = open_dataset(SENZING), rc;
	size_t records = 0, quoted = 0;

	UNUSED(state);
	assert_int_equal(csv_reader_open_fd(&r, fd, NULL), ST_OK);
	while ((rc = csv_reader_next(r, &rec)) == 1) {
		assert_int_equal(rec->n, 33);
		assert_int_equal(rec->flags, 0);
		if (records == 1) {
			assert_string_equal(rec->fields[1].data, "1001");
			assert_true(rec->fields[20].quoted);
			assert_string_equal(rec->fields[20].data,
					    "123 Main Street, Las Vegas NV 89132");
		}
		for (size_t i = 0; i < rec->n; i++)
			quoted += rec->fields[i].quoted;
		records++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(records, 121);		/* header + 120 */
	assert_true(quoted > 0);
	csv_reader_free(r);
	close(fd);
}

/* --- cutting into ranges (csv_split.c, csv_reader_open_range) --------------- */

/* The cuts csv_splitter makes in text from `start` every `every` bytes,
 * fed `piece` bytes at a time; the end of the text last. */
static size_t split_text(const struct csv_options *opt, const char *text,
			 size_t len, size_t start, size_t every, size_t piece,
			 uint64_t *cuts, size_t max)
{
	struct csv_splitter sp;
	uint64_t want = start + every;
	size_t n = 0, at = start;

	csv_splitter_init(&sp, opt, start);
	while (at < len) {
		size_t take = len - at < piece ? len - at : piece;
		size_t used = 0;

		while (used < take) {
			bool found;

			used += csv_splitter_feed(&sp, text + at + used,
						  take - used, want, &found);
			assert_int_equal(sp.off, at + used);
			if (!found)
				continue;
			assert_true(sp.off > want);
			assert_int_equal(text[sp.off - 1], '\n');
			assert_true(n < max);
			cuts[n++] = sp.off;
			want = sp.off + every;
		}
		at += take;
	}
	if (!n || cuts[n - 1] < len) {
		assert_true(n < max);
		cuts[n++] = len;
	}
	return n;
}

/* Read the ranges between the cuts apart (a temporary file, as the
 * profiler does) and dump their records as one pass would number them.
 * Every range but the last must end clean. */
static char *dump_ranges(const struct csv_options *opt, int fd, size_t start,
			 const uint64_t *cuts, size_t n)
{
	struct buf b;
	uint64_t lines = 0, from = start;

	buf_init(&b, 0);
	for (size_t k = 0; k < n; k++) {
		struct csv_reader *r;
		struct csv_record *rec;
		int rc;

		assert_int_equal(csv_reader_open_range(&r, fd, from,
						       cuts[k] - from, opt), ST_OK);
		while ((rc = csv_reader_next(r, &rec)) == 1) {
			rec->line += lines;
			rec->end_line += lines;
			rec->offset += from;
			if (rec->flags)
				rec->bad_line += lines;
			dump_record(&b, rec, true);
		}
		assert_int_equal(rc, 0);
		if (k + 1 < n)
			assert_true(csv_reader_ended_clean(r));
		lines += csv_reader_lines(r);
		csv_reader_free(r);
		from = cuts[k];
	}
	assert_int_equal(buf_error(&b), 0);
	return buf_detach(&b, NULL);
}

/* Cut text every 1 to 40 bytes, fed whole and a byte at a time: the ranges
 * read apart give the records of one pass, lines and offsets included. */
static void expect_ranges_match(const struct csv_options *opt, const char *text,
				size_t len)
{
	struct buf in = BUF_INIT;
	uint64_t cuts[4096], again[4096];
	size_t start = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	char *want = dump_mem(opt, text, len, true);
	int fd;

	buf_add(&in, text, len);
	fd = temp_fd(&in);
	for (size_t every = 1; every <= 40; every++) {
		size_t n = split_text(opt, text, len, start, every, len, cuts,
				      ARRAY_SIZE(cuts));
		char *got = dump_ranges(opt, fd, start, cuts, n);

		if (strcmp(got, want) != 0)
			fail_msg("every %zu:\n%s\nwanted:\n%s", every, got, want);
		xfree(got);
		assert_int_equal(split_text(opt, text, len, start, every, 1,
					    again, ARRAY_SIZE(again)), n);
		assert_memory_equal(cuts, again, n * sizeof(*cuts));
	}
	xfree(want);
	close(fd);
	buf_release(&in);
}

#define EXPECT_RANGES(opt, in) expect_ranges_match((opt), (in), sizeof(in) - 1)

static void test_ranges_follow_the_quotes(void **state)
{
	struct csv_options space = { .skip_initial_space = true };
	struct csv_options semi = { .delim = ';', .quote = '\'' };
	struct csv_options none = { .no_quoting = true };

	UNUSED(state);
	EXPECT_RANGES(NULL, "a,b\n1,2\n3,4\n");
	/* line breaks, delimiters and doubled quotes inside quotes */
	EXPECT_RANGES(NULL, "id,v\n1,\"x\ny\nz\"\n2,\"a,\"\"\nb\"\"\"\n3,\"\n\"\n");
	/* a bare quote is data and opens nothing; text after a closing quote */
	EXPECT_RANGES(NULL, "1,ab\"c\n2,\"q\"x\"\n3,\"\n\"\n4,d\"\n\"\n");
	/* CRLF, blank lines, a final record without a line break */
	EXPECT_RANGES(NULL, "1,a\r\n\r\n\n2,\"b\r\nc\"\r\n3,d");
	/* a byte order mark, and the same bytes later as data */
	EXPECT_RANGES(NULL, "\xEF\xBB\xBFh\n\xEF\xBB\xBF\"x\ny\"\nz\n");
	/* spaces before an opening quote count only with skip_initial_space */
	EXPECT_RANGES(&space, "1, \"a\nb\",  \"c,\nd\"\n2,x \"y\nz\n");
	EXPECT_RANGES(NULL, "1, \"a\nb\"\n2, \"c\n");
	EXPECT_RANGES(&semi, "1;'a\n;b''\n';c'd\n'\n2;'\n'\n");
	EXPECT_RANGES(&none, "1,\"a\n2,b\"\n3,c\n");
	/* a quote that never closes: the rest is one range */
	EXPECT_RANGES(NULL, "1,a\n2,\"b\n3,c\n4,d\n");
}

/* A range cut where the tokenizer is inside a quoted field does not end
 * clean, nor does one without its last line break; one cut at a record
 * boundary does, and counts its line breaks. */
static void test_range_cut_inside_quotes_is_not_clean(void **state)
{
	static const char text[] = "1,\"x\ny\"\n2,z\n";
	struct buf in = BUF_INIT;
	struct csv_reader *r;
	struct csv_record *rec;
	int fd;

	UNUSED(state);
	buf_add(&in, text, sizeof(text) - 1);
	fd = temp_fd(&in);
	for (size_t end = 1; end <= sizeof(text) - 1; end++) {
		bool clean = end == 8 || end == 12;

		assert_int_equal(csv_reader_open_range(&r, fd, 0, end, NULL), ST_OK);
		while (csv_reader_next(r, &rec) == 1)
			;
		assert_int_equal(csv_reader_ended_clean(r), clean);
		csv_reader_free(r);
	}
	assert_int_equal(csv_reader_open_range(&r, fd, 8, 4, NULL), ST_OK);
	assert_int_equal(csv_reader_next(r, &rec), 1);
	assert_string_equal(rec->fields[1].data, "z");
	assert_int_equal(rec->line, 1);
	assert_int_equal(rec->offset, 0);
	assert_int_equal(csv_reader_next(r, &rec), 0);
	assert_int_equal(csv_reader_lines(r), 1);
	csv_reader_free(r);
	close(fd);
	buf_release(&in);
}

/* A real file cut every 4 KiB: the same records. */
static void test_febrl_dataset3_reads_the_same_in_ranges(void **state)
{
	struct csv_options opt = { .skip_initial_space = true };
	int fd = open_dataset(FEBRL3);
	struct buf text = BUF_INIT;
	uint64_t cuts[1024];
	char block[65536], *want, *got;
	ssize_t got_n;
	size_t n;

	UNUSED(state);
	while ((got_n = read(fd, block, sizeof(block))) > 0)
		buf_add(&text, block, (size_t)got_n);
	assert_int_equal(got_n, 0);
	want = dump_mem(&opt, text.data, text.len, true);
	n = split_text(&opt, text.data, text.len, 0, 4096, 65536, cuts,
		       ARRAY_SIZE(cuts));
	assert_true(n > 100);
	got = dump_ranges(&opt, fd, 0, cuts, n);
	assert_string_equal(got, want);
	xfree(got);
	xfree(want);
	buf_release(&text);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_fields_split_on_commas),
		cmocka_unit_test(test_quoted_field_holds_delimiter),
		cmocka_unit_test(test_doubled_quotes_unescape_in_place),
		cmocka_unit_test(test_newline_in_quotes_keeps_line_numbers),
		cmocka_unit_test(test_crlf_ends_lines_and_lone_cr_is_data),
		cmocka_unit_test(test_byte_order_mark_is_skipped),
		cmocka_unit_test(test_skip_initial_space_reads_febrl_style),
		cmocka_unit_test(test_custom_delimiters),
		cmocka_unit_test(test_last_line_needs_no_newline),
		cmocka_unit_test(test_blank_lines_are_skipped),
		cmocka_unit_test(test_unterminated_quote_runs_to_end_of_input),
		cmocka_unit_test(test_bare_quote_is_data),
		cmocka_unit_test(test_text_after_quote_is_kept_and_flagged),
		cmocka_unit_test(test_invalid_utf8_is_flagged_with_position),
		cmocka_unit_test(test_nul_byte_is_flagged),
		cmocka_unit_test(test_too_many_columns_are_dropped),
		cmocka_unit_test(test_field_too_long_is_emptied),
		cmocka_unit_test(test_record_too_long_is_emptied),
		cmocka_unit_test(test_records_are_the_same_for_any_block_size),
		cmocka_unit_test(test_tricky_input_parses_as_specified),
		cmocka_unit_test(test_long_field_in_file_keeps_memory_bounded),
		cmocka_unit_test(test_long_record_in_file_keeps_memory_bounded),
		cmocka_unit_test(test_read_error_is_reported_and_sticky),
		cmocka_unit_test(test_invalid_options_are_refused),
		cmocka_unit_test(test_allocation_failures_leak_nothing),
		cmocka_unit_test(test_bytes_consumed_track_progress),
		cmocka_unit_test(test_febrl_dataset3_reads_cleanly),
		cmocka_unit_test(test_senzing_customers_read_cleanly),
		cmocka_unit_test(test_ranges_follow_the_quotes),
		cmocka_unit_test(test_range_cut_inside_quotes_is_not_clean),
		cmocka_unit_test(test_febrl_dataset3_reads_the_same_in_ranges),
	};

	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
