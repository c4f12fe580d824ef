/*
 * fuzz_xml_reader.c - libFuzzer target for the XML source reader.
 *
 * The input is an XML export.  It is written to a file in a private
 * directory (made once per process under /tmp) and read through the
 * generic reader (reader.c) as an XML source whose records are /root/rec,
 * declared here by hand the way policy_check.c would resolve it: fields by
 * attribute (@id), child (name), grandchild (contact/phone), grandchild's
 * attribute (contact/phone/@verified), the record's own text (.), a field
 * named by its name alone (note) and a deep path; mappings that join
 * fields and run transform chains, one of them looking up the record's
 * country through another field.  Invariants, each an abort() when broken:
 *   - reader_next returns 1, 0 or ST_ERR, and ST_ERR (like a failed open)
 *     comes with a diagnostic that names the file and says what is wrong;
 *   - every record has a key (the key field's raw value, or "" without
 *     one), numbers counting from 1, and lines that never go back;
 *   - every raw value is NUL-terminated at its length and no longer than
 *     the input could make it after conversion to UTF-8 (three bytes per
 *     input byte), which no entity expansion could keep to; every mapped
 *     value is valid UTF-8 with value_len == strlen(value);
 *   - the bytes read so far never exceed the file's size;
 *   - the statistics count exactly the records returned, keep at most
 *     LIMIT_READER_PROBLEMS problems, and the columns seen are valid UTF-8;
 *   - nothing leaks (LeakSanitizer checks that, not this file).
 */
#include <unistd.h>

#include "policy/policy.h"
#include "source/reader.h"
#include "util/utf8.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { F_ID, F_NAME, F_PHONE, F_VERIFIED, F_TEXT, F_COUNTRY, F_NOTE, F_DEEP,
       F_COUNT };

static struct source_field fuzz_fields[F_COUNT] = {
	[F_ID] = { .name = "id", .path = "@id" },
	[F_NAME] = { .name = "name", .path = "name" },
	[F_PHONE] = { .name = "phone", .path = "contact/phone" },
	[F_VERIFIED] = { .name = "verified", .path = "contact/phone/@verified" },
	[F_TEXT] = { .name = "text", .path = "." },
	[F_COUNTRY] = { .name = "country", .path = "contact/country" },
	[F_NOTE] = { .name = "note" },
	[F_DEEP] = { .name = "deep", .path = "a/b/c/d/@e" },
};

static const struct {
	size_t fields[3];
	size_t n_fields;
	const char *transform;
} fuzz_maps[] = {
	{ { F_NAME }, 1, "trim lower" },
	{ { F_PHONE }, 1, "e164(country=GB)" },
	{ { F_PHONE }, 1, "e164(country-field=country)" },
	{ { F_NAME, F_TEXT, F_NOTE }, 3, "collapse-space title fold" },
	{ { F_VERIFIED }, 1, "bool" },
	{ { F_DEEP, F_COUNTRY }, 2, "country" },
	{ { F_ID }, 1, "" },
};

#define N_MAPS ARRAY_SIZE(fuzz_maps)

/* The fuzzer's own state, made once: the source and the file it reads. */
static struct arena fuzz_arena;
static struct mapping fuzz_mappings[N_MAPS];
static size_t fuzz_map_fields[N_MAPS][3];
static struct source fuzz_src;
static char fuzz_dir[64];
static char fuzz_file[96];

static void remove_dir(void)
{
	unlink(fuzz_file);
	rmdir(fuzz_dir);
	arena_release(&fuzz_arena);
}

static void setup_mapping(size_t i)
{
	struct mapping *m = &fuzz_mappings[i];
	struct transform_error te;

	memcpy(fuzz_map_fields[i], fuzz_maps[i].fields,
	       sizeof(fuzz_map_fields[i]));
	m->attribute_id = "attr";
	m->fields = fuzz_map_fields[i];
	m->n_fields = fuzz_maps[i].n_fields;
	m->transform_text = fuzz_maps[i].transform;
	CHECK(transform_parse(m->transform_text, &fuzz_arena, &m->chain,
			      &te) == 0);
	/* what policy_check does for country-field=... */
	for (size_t k = 0; k < m->chain.n; k++)
		if (m->chain.items[k].field_ref)
			m->chain.items[k].field_index =
				source_field_index(&fuzz_src,
						   m->chain.items[k].field_ref);
}

static void setup_once(void)
{
	if (fuzz_dir[0])
		return;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/fuzz_xml_reader.XXXXXX");
	CHECK(mkdtemp(fuzz_dir) != NULL);
	snprintf(fuzz_file, sizeof(fuzz_file), "%s/in.xml", fuzz_dir);
	policy_library_init();
	arena_init(&fuzz_arena, 4096);

	fuzz_src.id = "fuzz";
	fuzz_src.kind = SOURCE_XML;
	fuzz_src.path = "in.xml";
	fuzz_src.resolved_path = fuzz_file;
	fuzz_src.record_path = "/root/rec";
	fuzz_src.key_field = "id";
	fuzz_src.key_index = F_ID;
	fuzz_src.updated_index = SIZE_MAX;
	fuzz_src.fields = fuzz_fields;
	fuzz_src.n_fields = F_COUNT;
	fuzz_src.mappings = fuzz_mappings;
	fuzz_src.n_mappings = N_MAPS;
	for (size_t i = 0; i < N_MAPS; i++)
		setup_mapping(i);
	CHECK(fuzz_mappings[2].chain.items[0].field_index == F_COUNTRY);
	atexit(remove_dir);
}

static void write_input(const uint8_t *data, size_t size)
{
	FILE *f = fopen(fuzz_file, "wb");

	CHECK(f != NULL);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);
}

static void check_diag(const struct diag *d)
{
	CHECK(d->set);
	CHECK(d->file[0] != '\0');
	CHECK(d->msg[0] != '\0');
}

static void check_record(const struct record *rec, uint64_t number,
			 uint64_t *line, size_t size)
{
	const char *key = rec->raw[F_ID];

	CHECK(rec->number == number);
	CHECK(rec->line >= *line);
	*line = rec->line;
	CHECK(rec->key != NULL);
	CHECK(key ? rec->key == key : rec->key[0] == '\0');
	for (size_t i = 0; i < F_COUNT; i++) {
		if (!rec->raw[i])
			continue;
		CHECK(rec->raw[i][rec->raw_len[i]] == '\0');
		CHECK(strlen(rec->raw[i]) == rec->raw_len[i]);
		CHECK(rec->raw_len[i] <= 3 * size);
	}
	for (size_t i = 0; i < N_MAPS; i++) {
		const char *v = rec->value[i];

		if (!v) {
			CHECK(rec->value_len[i] == 0);
			continue;
		}
		CHECK(rec->value_len[i] > 0);
		CHECK(strlen(v) == rec->value_len[i]);
		CHECK(utf8_valid(v, rec->value_len[i]));
	}
}

static void check_stats(const struct reader *r, uint64_t records)
{
	const struct reader_stats *st = reader_stats(r);
	const char *const *names;
	size_t n = reader_columns(r, &names);
	uint64_t problems = 0;

	CHECK(st->records == records);
	CHECK(st->n_kept <= LIMIT_READER_PROBLEMS);
	for (size_t i = 0; i < RP_COUNT; i++)
		problems += st->problems[i];
	CHECK(problems >= st->n_kept);
	for (size_t i = 0; i < st->n_kept; i++)
		CHECK(st->kept[i].kind < RP_COUNT && st->kept[i].detail[0]);
	CHECK(n <= LIMIT_COLUMNS);
	for (size_t i = 0; i < n; i++)
		CHECK(names[i] && names[i][0] &&
		      utf8_valid(names[i], strlen(names[i])));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct record *rec;
	struct reader *r;
	struct diag d;
	uint64_t records = 0, line = 0;
	int rc;

	setup_once();
	write_input(data, size);
	diag_clear(&d);
	rc = reader_open(&fuzz_src, &r, &d);
	if (rc) {
		CHECK(rc == ST_ERR && r == NULL);
		check_diag(&d);
		return 0;
	}
	CHECK(reader_bytes_total(r) == size);
	while ((rc = reader_next(r, &rec, &d)) == 1) {
		check_record(rec, ++records, &line, size);
		CHECK(reader_bytes_done(r) <= size);
	}
	CHECK(rc == 0 || rc == ST_ERR);
	if (rc)
		check_diag(&d);
	else
		CHECK(!d.set);
	check_stats(r, records);
	reader_free(r);
	return 0;
}
