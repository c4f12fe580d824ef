/*
 * fuzz_policy.c - libFuzzer target for the policy loader.
 *
 * The input is one policy file.  It is written as p.xml into a private
 * directory (made once per process under /tmp and reused), and that
 * directory is loaded as a policy: libxml2 parsing with DOCTYPEs refused,
 * schema validation, the model build and the meaning check.  A policy that
 * loads is also explained, so the handbook writer sees every shape of model
 * the loader can produce.  Invariants, each an abort() when broken:
 *   - the load succeeds exactly when it reports no error, and a failed load
 *     hands back no policy; running out of memory is not expected at the
 *     sizes libFuzzer feeds;
 *   - every error names a file and has a message, and an error in p.xml
 *     points at a line the file has;
 *   - the handbook of a loaded policy is valid UTF-8 and within its buffer;
 *   - nothing leaks (LeakSanitizer checks that, not this file).
 */
#include <unistd.h>

#include "policy/policy.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/utf8.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fuzzer's own state, made once: the directory and the file in it. */
static char fuzz_dir[64];
static char fuzz_file[96];

static void remove_dir(void)
{
	unlink(fuzz_file);
	rmdir(fuzz_dir);
}

static void setup_once(void)
{
	if (fuzz_dir[0])
		return;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/fuzz_policy.XXXXXX");
	CHECK(mkdtemp(fuzz_dir) != NULL);
	snprintf(fuzz_file, sizeof(fuzz_file), "%s/p.xml", fuzz_dir);
	policy_library_init();
	atexit(remove_dir);
}

static void write_input(const uint8_t *data, size_t size)
{
	FILE *f = fopen(fuzz_file, "wb");

	CHECK(f != NULL);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);
}

static unsigned long count_lines(const uint8_t *data, size_t size)
{
	unsigned long lines = 1;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	return lines;
}

static void check_errors(const struct diag_list *errors, unsigned long lines)
{
	for (size_t i = 0; i < errors->n; i++) {
		const struct diag *d = &errors->items[i];

		CHECK(d->set);
		CHECK(d->file[0] != '\0');
		CHECK(d->msg[0] != '\0');
		if (!strcmp(d->file, fuzz_file))
			CHECK(d->line <= lines);
	}
}

static void check_explain(const struct policy *p)
{
	struct buf out = BUF_INIT;

	policy_explain(p, &out);
	CHECK(!buf_error(&out));
	CHECK(out.len > 0 && out.data[out.len] == '\0');
	CHECK(utf8_valid(out.data, out.len));
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list errors;
	struct policy *p = NULL;
	int rc;

	if (size > LIMIT_POLICY_FILE_BYTES)
		return 0;
	setup_once();
	write_input(data, size);
	diag_list_init(&errors);
	rc = policy_load(fuzz_dir, NULL, &p, &errors);
	CHECK(rc == ST_OK || rc == ST_ERR);
	CHECK((rc == ST_OK) == (diag_list_count(&errors) == 0));
	CHECK((rc == ST_OK) == (p != NULL));
	check_errors(&errors, count_lines(data, size));
	if (p) {
		CHECK(p->n_files == 1 && !strcmp(p->files[0], fuzz_file));
		check_explain(p);
	}
	policy_free(p);
	diag_list_release(&errors);
	return 0;
}
