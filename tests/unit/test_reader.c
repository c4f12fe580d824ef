/*
 * test_reader.c - the source readers (CSV, SQLite, XML) through the
 * generic reader: field mapping, transforms, problems, errors.
 *
 * Each test writes a small policy and data file into a temporary
 * directory, loads the policy and reads the source.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "source/reader.h"

struct fixture {
	char dir[64];
	struct policy *p;
	struct reader *r;
	struct diag d;
};

static void fx_write(struct fixture *fx, const char *name, const char *text,
		     size_t len)
{
	char path[256];
	FILE *f;

	assert_true(snprintf(path, sizeof(path), "%s/%s", fx->dir, name) <
		    (int)sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void fx_policy(struct fixture *fx, const char *source_xml)
{
	struct diag_list errors;
	struct buf text = BUF_INIT;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/steward-reader-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	buf_addstr(&text, "<?xml version=\"1.0\"?>\n<steward>\n"
		   "<owner id=\"o\" name=\"O\" contact=\"c\"/>\n"
		   "<attribute id=\"name\" type=\"person-name\" system-of-record=\"s\" owner=\"o\"/>\n"
		   "<attribute id=\"phone\" type=\"phone\" system-of-record=\"s\" owner=\"o\"/>\n");
	buf_addstr(&text, source_xml);
	buf_addstr(&text, "</steward>\n");
	fx_write(fx, "p.xml", text.data, text.len);
	buf_release(&text);
	diag_list_init(&errors);
	if (policy_load(fx->dir, NULL, &fx->p, &errors))
		fail_msg("policy: %s:%lu:%lu: %s", errors.items[0].file,
			 errors.items[0].line, errors.items[0].col, errors.items[0].msg);
	diag_list_release(&errors);
	diag_clear(&fx->d);
}

static int fx_open(struct fixture *fx)
{
	return reader_open(&fx->p->sources[0], &fx->r, &fx->d);
}

static void fx_done(struct fixture *fx)
{
	char cmd[128];

	reader_free(fx->r);
	policy_free(fx->p);
	assert_true(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir) <
		    (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

#define CSV_SOURCE(opts) \
	"<source id=\"s\" kind=\"csv\" owner=\"o\"><location path=\"d.csv\" " opts "/>" \
	"<key field=\"id\"/><field name=\"id\"/>" \
	"<field name=\"Full Name\" attribute=\"name\" transform=\"collapse-space title\"/>" \
	"<field name=\"tel\" attribute=\"phone\" transform=\"e164(country-field=cc)\"/>" \
	"<field name=\"cc\"/><field name=\"absent\"/></source>\n"

static void csv_maps_fields_by_header_and_transforms(void **state)
{
	const char data[] = "\xEF\xBB\xBFid,full name,TEL,cc,extra\n"
			    "1,  mary   o'neill ,020 7946 0123,GB,x\n"
			    "2,\"SMITH, \"\"Jo\"\"\",(415) 555-0123,US,y\n";
	struct fixture fx;
	const struct record *rec;
	const char *const *cols;

	(void)state;
	fx_policy(&fx, CSV_SOURCE(""));
	fx_write(&fx, "d.csv", data, sizeof(data) - 1);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_columns(fx.r, &cols), 5);
	assert_string_equal(cols[4], "extra");
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "1");
	assert_int_equal(rec->line, 2);
	assert_string_equal(rec->value[0], "Mary O'Neill");
	assert_string_equal(rec->value[1], "+442079460123");
	assert_null(rec->raw[4]); /* declared but not in the file */
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->raw[1], "SMITH, \"Jo\"");
	assert_string_equal(rec->value[1], "+14155550123");
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 0);
	assert_int_equal(reader_stats(fx.r)->records, 2);
	assert_int_equal(reader_bytes_done(fx.r), sizeof(data) - 1);
	fx_done(&fx);
}

static void csv_problems_are_counted_with_lines_and_reading_goes_on(void **state)
{
	const char data[] = "id,full name,tel,cc\n"
			    "1,Ann,12345,GB\n"			/* bad phone */
			    "2,Bob\n"				/* ragged */
			    ",Cy,,GB\n"				/* no key */
			    "4,D\xC3\x28n,,GB\n"		/* invalid UTF-8 */
			    "5,\"Eve,,GB\n";			/* unterminated */
	const struct reader_stats *st;
	const struct record *rec;
	struct fixture fx;
	int n = 0;

	(void)state;
	fx_policy(&fx, CSV_SOURCE(""));
	fx_write(&fx, "d.csv", data, sizeof(data) - 1);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->value[1], "12345");
	assert_non_null(rec->why[1]);
	while (reader_next(fx.r, &rec, &fx.d) == 1) {
		n++;
		if (!strcmp(rec->key, "4"))
			assert_string_equal(rec->value[0], "D\xEF\xBF\xBD(n");
	}
	assert_int_equal(n, 4);
	st = reader_stats(fx.r);
	assert_int_equal(st->records, 5);
	assert_int_equal(st->transform_failures, 1);
	assert_int_equal(st->problems[RP_RAGGED], 2);
	assert_int_equal(st->problems[RP_MISSING_KEY], 1);
	assert_int_equal(st->problems[RP_INVALID_UTF8], 1);
	assert_int_equal(st->problems[RP_UNTERMINATED_QUOTE], 1);
	assert_int_equal(st->kept[0].kind, RP_RAGGED);
	assert_int_equal(st->kept[0].line, 3);
	assert_string_equal(st->kept[0].detail, "2 fields where the header has 4");
	fx_done(&fx);
}

static void csv_without_header_reads_by_column(void **state)
{
	const char data[] = "rec-1, jo smith, 020 7946 0123, GB\n";
	struct fixture fx;
	const struct record *rec;

	(void)state;
	fx_policy(&fx, "<source id=\"s\" kind=\"csv\" owner=\"o\"><location path=\"d.csv\" "
		  "header=\"false\" skip-initial-space=\"true\"/><key field=\"id\"/>"
		  "<field name=\"id\" column=\"1\"/>"
		  "<field name=\"n\" column=\"2\" attribute=\"name\"/>"
		  "<field name=\"t\" column=\"3\" attribute=\"phone\" "
		  "transform=\"e164(country-field=c)\"/><field name=\"c\" column=\"4\"/>"
		  "</source>\n");
	fx_write(&fx, "d.csv", data, sizeof(data) - 1);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "rec-1");
	assert_string_equal(rec->value[0], "jo smith");
	assert_string_equal(rec->value[1], "+442079460123");
	fx_done(&fx);
}

static void csv_errors_name_the_file(void **state)
{
	struct fixture fx;

	(void)state;
	fx_policy(&fx, CSV_SOURCE(""));
	assert_int_equal(fx_open(&fx), ST_ERR);
	assert_non_null(strstr(fx.d.file, "/d.csv"));
	assert_string_equal(fx.d.msg, "source 's': cannot open: No such file or directory");
	fx_write(&fx, "d.csv", "", 0);
	diag_clear(&fx.d);
	assert_int_equal(fx_open(&fx), ST_ERR);
	assert_string_equal(fx.d.msg, "source 's': the file is empty; expected a "
			    "header row naming the columns");
	fx_done(&fx);
}

static void make_db(struct fixture *fx, const char *sql)
{
	char path[256];
	sqlite3 *db;
	char *err = NULL;

	snprintf(path, sizeof(path), "%s/d.sqlite", fx->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("sql: %s", err);
	sqlite3_close(db);
}

#define SQLITE_SOURCE(loc) \
	"<source id=\"s\" kind=\"sqlite\" owner=\"o\"><location path=\"d.sqlite\" " loc "/>" \
	"<key field=\"id\"/><field name=\"id\"/>" \
	"<field name=\"name\" attribute=\"name\" transform=\"name-part(given)\"/>" \
	"<field name=\"tel\" attribute=\"phone\" transform=\"e164(country=GB)\"/>" \
	"<field name=\"amount\"/><field name=\"data\"/></source>\n"

static void sqlite_turns_typed_values_into_text(void **state)
{
	struct fixture fx;
	const struct record *rec;

	(void)state;
	fx_policy(&fx, SQLITE_SOURCE("table=\"acc ounts\""));
	make_db(&fx, "CREATE TABLE \"acc ounts\"(id INTEGER, name TEXT, tel TEXT, "
		"amount REAL, data BLOB);"
		"INSERT INTO \"acc ounts\" VALUES(7, 'GREEN, Mitchell', '020 7946 0123', "
		"0.1, NULL);"
		"INSERT INTO \"acc ounts\" VALUES(8, NULL, NULL, 1e300, x'00ff');");
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "7");
	assert_string_equal(rec->value[0], "Mitchell");
	assert_string_equal(rec->value[1], "+442079460123");
	assert_string_equal(rec->raw[3], "0.1");
	assert_null(rec->raw[4]);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_null(rec->raw[1]);
	assert_null(rec->value[0]);
	assert_string_equal(rec->raw[3], "1e+300");
	assert_string_equal(rec->raw[4], "x'00ff'");
	assert_int_equal(reader_stats(fx.r)->problems[RP_BLOB], 1);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 0);
	fx_done(&fx);
}

static void sqlite_query_must_be_one_select(void **state)
{
	struct fixture fx;
	const struct record *rec;

	(void)state;
	fx_policy(&fx, SQLITE_SOURCE("query=\"SELECT id, name FROM t WHERE id &gt; 1;\""));
	make_db(&fx, "CREATE TABLE t(id, name); INSERT INTO t VALUES(1,'a'),(2,'b');");
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "2");
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 0);
	fx_done(&fx);

	fx_policy(&fx, SQLITE_SOURCE("query=\"SELECT 1; DELETE FROM t\""));
	make_db(&fx, "CREATE TABLE t(id);");
	assert_int_equal(fx_open(&fx), ST_ERR);
	assert_non_null(strstr(fx.d.msg, "the query must be a single statement"));
	fx_done(&fx);

	fx_policy(&fx, SQLITE_SOURCE("query=\"DELETE FROM t\""));
	make_db(&fx, "CREATE TABLE t(id);");
	assert_int_equal(fx_open(&fx), ST_ERR);
	if (!strstr(fx.d.msg, "the query must only read"))
		fail_msg("got: %s", fx.d.msg);
	fx_done(&fx);
}

static void sqlite_refuses_a_file_that_is_not_a_database(void **state)
{
	struct fixture fx;

	(void)state;
	fx_policy(&fx, SQLITE_SOURCE("table=\"t\""));
	fx_write(&fx, "d.sqlite", "id,name\n1,x\n", 12);
	assert_int_equal(fx_open(&fx), ST_ERR);
	assert_non_null(strstr(fx.d.msg, "file is not a database"));
	assert_non_null(strstr(fx.d.file, "d.sqlite"));
	fx_done(&fx);
}

#define XML_SOURCE \
	"<source id=\"s\" kind=\"xml\" owner=\"o\"><location path=\"d.xml\" record=\"/export/items/item\"/>" \
	"<key field=\"id\"/><field name=\"id\" path=\"@id\"/>" \
	"<field name=\"name\" path=\"who/name\" attribute=\"name\" transform=\"name-part(family)\"/>" \
	"<field name=\"tel\" path=\"who/phone\" attribute=\"phone\" transform=\"e164(country-field=cc)\"/>" \
	"<field name=\"verified\" path=\"who/phone/@verified\"/>" \
	"<field name=\"cc\" path=\"who/country\"/>" \
	"<field name=\"note\" path=\".\"/></source>\n"

static void xml_reads_elements_attributes_and_text(void **state)
{
	const char data[] =
		"<?xml version=\"1.0\"?>\n<export>\n <items>\n"
		"  <item id=\"T-1\">hello<who><name>Ann &amp; Lee</name>"
		"<phone verified=\"true\">020 7946 0123</phone><country>GB</country></who></item>\n"
		"  <other><item id=\"not-a-record\"/></other>\n"
		"  <item id=\"T-2\"><who><name><![CDATA[Zoë <Z>]]></name>"
		"<phone>1</phone><phone>2</phone></who></item>\n"
		"  <item id=\"T-3\"/>\n"
		" </items>\n</export>\n";
	struct fixture fx;
	const struct record *rec;
	const char *const *cols;
	size_t ncols;

	(void)state;
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data, sizeof(data) - 1);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "T-1");
	assert_int_equal(rec->line, 4);
	assert_string_equal(rec->raw[1], "Ann & Lee");
	assert_string_equal(rec->value[0], "Lee");
	assert_string_equal(rec->raw[3], "true");
	assert_string_equal(rec->value[1], "+442079460123");
	assert_string_equal(rec->raw[5], "hello");
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "T-2");
	assert_string_equal(rec->raw[1], "Zoë <Z>");
	assert_string_equal(rec->raw[2], "1");
	assert_null(rec->raw[3]);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "T-3");
	assert_null(rec->raw[1]);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 0);
	assert_int_equal(reader_stats(fx.r)->problems[RP_REPEATED_ELEMENT], 1);
	ncols = reader_columns(fx.r, &cols);
	assert_int_equal(ncols, 6);
	assert_string_equal(cols[0], "@id");
	assert_string_equal(cols[3], "who/phone");
	assert_string_equal(cols[4], "who/phone/@verified");
	fx_done(&fx);
}

static void xml_refuses_doctype_and_entities(void **state)
{
	const char data[] = "<?xml version=\"1.0\"?>\n"
			    "<!DOCTYPE export [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
			    "<export><items><item id=\"&x;\"/></items></export>\n";
	struct fixture fx;

	(void)state;
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data, sizeof(data) - 1);
	assert_int_equal(fx_open(&fx), ST_ERR);
	assert_non_null(strstr(fx.d.msg, "the file has a DOCTYPE; steward refuses DTDs"));
	assert_int_equal(fx.d.line, 2);
	fx_done(&fx);
}

static void xml_broken_half_way_keeps_records_and_names_the_line(void **state)
{
	struct fixture fx;
	const struct record *rec;
	struct buf data = BUF_INIT;
	int n = 0, rc;

	(void)state;
	/* 2000 good records, then a tag mismatch on line 2002 */
	buf_addstr(&data, "<export><items>\n");
	for (int i = 0; i < 2000; i++)
		buf_addf(&data, "<item id=\"%d\"><who><name>N %d</name></who></item>\n",
			 i, i);
	buf_addstr(&data, "<item id=\"x\"><who></item>\n</items></export>\n");
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data.data, data.len);
	buf_release(&data);
	assert_int_equal(fx_open(&fx), 0);
	while ((rc = reader_next(fx.r, &rec, &fx.d)) == 1)
		n++;
	assert_int_equal(rc, ST_ERR);
	/* every record completed before the break, none lost to read-ahead */
	assert_int_equal(n, 2000);
	assert_int_equal(reader_stats(fx.r)->records, 2000);
	assert_int_equal(fx.d.line, 2002);
	assert_non_null(strstr(fx.d.msg, "XML is not well-formed"));
	fx_done(&fx);
}

/* Write d.xml: head, then n records made by fmt (given the record's
 * number twice), then tail. */
static void fx_write_records(struct fixture *fx, const char *head, int n,
			     const char *fmt, const char *tail)
{
	struct buf data = BUF_INIT;

	buf_addstr(&data, head);
	for (int i = 0; i < n; i++)
		buf_addf(&data, fmt, i, i);
	buf_addstr(&data, tail);
	assert_int_equal(buf_error(&data), 0);
	fx_write(fx, "d.xml", data.data, data.len);
	buf_release(&data);
}

/* Attribute values come back as the tree had them: '&' decoded, and only
 * the attribute without a prefix matches @id; elements by local name. */
static void xml_attributes_decode_ampersands_and_match_local_names(void **state)
{
	const char data[] =
		"<e:export xmlns:e=\"urn:e\" xmlns:w=\"urn:w\"><items>\n"
		"<e:item e:id=\"not this\" id=\"A&amp;B &#38; &lt;C&gt; &amp;#38;\">"
		"<w:who><name>N</name><phone w:verified=\"no\" verified=\"yes\">1</phone>"
		"</w:who></e:item>\n</items></e:export>\n";
	struct fixture fx;
	const struct record *rec;

	(void)state;
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data, sizeof(data) - 1);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->key, "A&B & <C> &#38;");
	assert_int_equal(rec->line, 2);
	assert_string_equal(rec->raw[1], "N");
	assert_string_equal(rec->raw[3], "yes");
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 0);
	fx_done(&fx);
}

/* The parser completes records a chunk ahead of the caller, but the
 * columns and problems are those of the records delivered so far, as
 * peek --limit shows them. */
static void xml_columns_and_problems_follow_the_records_delivered(void **state)
{
	const char data[] =
		"<export><items>\n"
		"<item id=\"1\"><who><name>a</name></who></item>\n"
		"<item id=\"2\"><who><name>b</name><name>c</name><phone>1</phone></who></item>\n"
		"</items></export>\n";
	struct fixture fx;
	const struct record *rec;
	const char *const *cols;

	(void)state;
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data, sizeof(data) - 1);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_int_equal(reader_columns(fx.r, &cols), 3);
	assert_string_equal(cols[2], "who/name");
	assert_int_equal(reader_stats(fx.r)->problems[RP_REPEATED_ELEMENT], 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_string_equal(rec->raw[1], "b");
	assert_int_equal(reader_columns(fx.r, &cols), 4);
	assert_string_equal(cols[3], "who/phone");
	assert_int_equal(reader_stats(fx.r)->problems[RP_REPEATED_ELEMENT], 1);
	assert_int_equal(reader_stats(fx.r)->kept[0].line, 3);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 0);
	fx_done(&fx);
}

/* LIMIT_FIELD_BYTES: a longer value is read as empty and counted; one of
 * exactly the limit is kept whole. */
static void xml_field_longer_than_the_limit_is_read_as_empty(void **state)
{
	struct fixture fx;
	const struct record *rec;
	struct buf data = BUF_INIT;
	const struct reader_stats *st;

	(void)state;
	buf_init(&data, 0xFFFFFFFF);
	buf_addstr(&data, "<export><items>\n<item id=\"1\"><who><name>");
	buf_addchars(&data, 'x', LIMIT_FIELD_BYTES + 1);
	buf_addstr(&data, "</name><phone>1</phone></who></item>\n<item id=\"2\"><who><name>");
	buf_addchars(&data, 'y', LIMIT_FIELD_BYTES);
	buf_addstr(&data, "</name></who></item>\n</items></export>\n");
	assert_int_equal(buf_error(&data), 0);
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data.data, data.len);
	buf_release(&data);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_non_null(rec->raw[1]);
	assert_int_equal(rec->raw_len[1], 0);
	assert_string_equal(rec->raw[2], "1");
	st = reader_stats(fx.r);
	assert_int_equal(st->problems[RP_FIELD_TOO_LONG], 1);
	assert_int_equal(st->kept[0].line, 2);
	assert_non_null(strstr(st->kept[0].detail, "field 'name' is longer than"));
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 1);
	assert_int_equal(rec->raw_len[1], LIMIT_FIELD_BYTES);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), 0);
	assert_int_equal(reader_stats(fx.r)->problems[RP_FIELD_TOO_LONG], 1);
	fx_done(&fx);
}

/* LIMIT_XML_DEPTH: nesting deeper ends the read with the line, after the
 * records before it. */
static void xml_nesting_deeper_than_the_limit_ends_the_read(void **state)
{
	struct fixture fx;
	const struct record *rec;
	struct buf data = BUF_INIT;
	int n = 0, rc;

	(void)state;
	buf_addstr(&data, "<export><items>\n<item id=\"1\"/>\n<item id=\"2\"/>\n<item>");
	for (int i = 0; i < LIMIT_XML_DEPTH; i++)
		buf_addstr(&data, "<x>");
	for (int i = 0; i < LIMIT_XML_DEPTH; i++)
		buf_addstr(&data, "</x>");
	buf_addstr(&data, "</item>\n</items></export>\n");
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data.data, data.len);
	buf_release(&data);
	assert_int_equal(fx_open(&fx), 0);
	while ((rc = reader_next(fx.r, &rec, &fx.d)) == 1)
		n++;
	assert_int_equal(rc, ST_ERR);
	assert_int_equal(n, 2);
	assert_int_equal(fx.d.line, 4);
	assert_string_equal(fx.d.msg, "source 's': elements nested deeper than 128");
	fx_done(&fx);
}

/* A DOCTYPE after a prolog longer than the head that open() looks at is
 * refused by the parser, before any entity is declared or used. */
static void xml_doctype_after_a_long_prolog_is_refused_by_the_parser(void **state)
{
	struct fixture fx;
	const struct record *rec;
	struct buf data = BUF_INIT;

	(void)state;
	buf_addstr(&data, "<?xml version=\"1.0\"?>\n<!--");
	buf_addchars(&data, 'c', 100000);
	buf_addstr(&data, "-->\n<!DOCTYPE export [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		   "<export><items><item id=\"&x;\"/></items></export>\n");
	fx_policy(&fx, XML_SOURCE);
	fx_write(&fx, "d.xml", data.data, data.len);
	buf_release(&data);
	assert_int_equal(fx_open(&fx), 0);
	assert_int_equal(reader_next(fx.r, &rec, &fx.d), ST_ERR);
	assert_non_null(strstr(fx.d.msg, "the file has a DOCTYPE; steward refuses DTDs"));
	assert_int_equal(fx.d.line, 3);
	assert_int_equal(reader_stats(fx.r)->records, 0);
	fx_done(&fx);
}

/* Line numbers count on past 65535 (the tree builder stopped there). */
static void xml_record_lines_go_past_65535(void **state)
{
	struct fixture fx;
	const struct record *rec;
	uint64_t last = 0;
	int n = 0, rc;

	(void)state;
	fx_policy(&fx, XML_SOURCE);
	fx_write_records(&fx, "<export><items>\n", 70000,
			 "<item id=\"%d\"><who><name>%d</name></who></item>\n",
			 "</items></export>\n");
	assert_int_equal(fx_open(&fx), 0);
	while ((rc = reader_next(fx.r, &rec, &fx.d)) == 1) {
		n++;
		assert_int_equal(rec->line, (uint64_t)n + 1);
		last = rec->line;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 70000);
	assert_int_equal(last, 70001);
	fx_done(&fx);
}

/* Read the whole source; the number of records, or ST_ERR. */
static int read_all(struct fixture *fx)
{
	const struct record *rec;
	int n = 0, rc;

	if (fx_open(fx))
		return ST_ERR;
	while ((rc = reader_next(fx->r, &rec, &fx->d)) == 1)
		n++;
	return rc ? rc : n;
}

struct xml_thread {
	struct fixture fx;
	int rc;
};

static void *read_on_thread(void *arg)
{
	struct xml_thread *t = arg;

	t->rc = read_all(&t->fx);
	return NULL;
}

/*
 * Bytes the declared encoding cannot convert end the read with libxml2's
 * message and where the parser stopped, after the records before them;
 * libxml2 prints nothing to stderr, even with readers on several threads
 * at once (its error handlers are the thread's own).
 */
static void xml_encoding_errors_are_the_error_not_stderr(void **state)
{
	struct xml_thread t[3];
	pthread_t tid[3];
	char path[] = "/tmp/steward-stderr-XXXXXX";
	int saved, fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	for (int i = 0; i < 3; i++) {
		fx_policy(&t[i].fx, XML_SOURCE);
		fx_write_records(&t[i].fx, i == 2 ? "<?xml version=\"1.0\"?>\n<export><items>\n" :
				 "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<export><items>\n",
				 3000, "<item id=\"%d\"><who><name>\x93N\x94 %d</name></who></item>\n",
				 i == 2 ? "</items></export>\n" :
				 "<item id=\"bad\"><who><name>\x81</name></who></item>\n</items></export>\n");
	}
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, read_on_thread, &t[i]), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	assert_int_equal(lseek(fd, 0, SEEK_END), 0);	/* nothing on stderr */
	close(fd);
	unlink(path);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(t[i].rc, ST_ERR);
		assert_int_equal(reader_stats(t[i].fx.r)->records, 3000);
		assert_string_equal(t[i].fx.d.msg, "source 's': XML is not well-formed: "
				    "input conversion failed due to input error, "
				    "bytes 0x81 0x3C 0x2F 0x6E");
		assert_int_equal(t[i].fx.d.line, 3003);
		assert_int_equal(t[i].fx.d.col, 27);	/* at \x81 */
		fx_done(&t[i].fx);
	}
	/* not UTF-8 either: an error with its position, on no other thread */
	assert_int_equal(t[2].rc, ST_ERR);
	assert_int_equal(t[2].fx.d.line, 3);
	assert_non_null(strstr(t[2].fx.d.msg, "Input is not proper UTF-8"));
	assert_int_equal(reader_stats(t[2].fx.r)->records, 0);
	fx_done(&t[2].fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_maps_fields_by_header_and_transforms),
		cmocka_unit_test(csv_problems_are_counted_with_lines_and_reading_goes_on),
		cmocka_unit_test(csv_without_header_reads_by_column),
		cmocka_unit_test(csv_errors_name_the_file),
		cmocka_unit_test(sqlite_turns_typed_values_into_text),
		cmocka_unit_test(sqlite_query_must_be_one_select),
		cmocka_unit_test(sqlite_refuses_a_file_that_is_not_a_database),
		cmocka_unit_test(xml_reads_elements_attributes_and_text),
		cmocka_unit_test(xml_refuses_doctype_and_entities),
		cmocka_unit_test(xml_broken_half_way_keeps_records_and_names_the_line),
		cmocka_unit_test(xml_attributes_decode_ampersands_and_match_local_names),
		cmocka_unit_test(xml_columns_and_problems_follow_the_records_delivered),
		cmocka_unit_test(xml_field_longer_than_the_limit_is_read_as_empty),
		cmocka_unit_test(xml_nesting_deeper_than_the_limit_ends_the_read),
		cmocka_unit_test(xml_doctype_after_a_long_prolog_is_refused_by_the_parser),
		cmocka_unit_test(xml_record_lines_go_past_65535),
		cmocka_unit_test(xml_encoding_errors_are_the_error_not_stderr),
	};

	policy_library_init();
	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
