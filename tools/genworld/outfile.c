/*
 * outfile.c - how the generator puts bytes on disk.
 *
 * Every output file is written under a temporary name in its final
 * directory and renamed into place only once it is complete and synced, so
 * a reader (or a `make demo` racing a regeneration) sees either the old
 * file or the new one, never half of one; a failed run leaves no partial
 * file behind.  Writing goes through stdio with a large buffer and errors
 * are checked once, at commit, from the stream's sticky error flag.  The
 * CSV and XML helpers are the only places output is escaped.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define OFILE_BUFSIZE (1 << 20)

int tmpname_reserve(char *tmp, size_t cap, const char *path)
{
	int fd, n = snprintf(tmp, cap, "%s.tmpXXXXXX", path);

	if (n < 0 || (size_t)n >= cap) {
		gw_error("%s: path too long", path);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		gw_error("%s: cannot create a temporary file: %s", path, strerror(errno));
		tmp[0] = '\0';
		return -1;
	}
	/* mkstemp makes 0600; the outputs are ordinary shareable files. */
	if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
		gw_error("%s: %s", tmp, strerror(errno));
		unlink(tmp);
		tmp[0] = '\0';
		return -1;
	}
	return 0;
}

int tmpname_install(const char *tmp, const char *path)
{
	if (rename(tmp, path) != 0) {
		gw_error("%s: cannot rename into place: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int ofile_open(struct ofile *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	gw_copy(o->path, sizeof(o->path), path);
	if (tmpname_reserve(o->tmp, sizeof(o->tmp), path) != 0)
		return -1;
	o->f = fopen(o->tmp, "wb");
	if (!o->f) {
		gw_error("%s: %s", o->tmp, strerror(errno));
		ofile_discard(o);
		return -1;
	}
	o->buf = gw_calloc(1, OFILE_BUFSIZE);
	setvbuf(o->f, o->buf, _IOFBF, OFILE_BUFSIZE);
	return 0;
}

int ofile_commit(struct ofile *o)
{
	/*
	 * No fsync: the rename already gives readers all or nothing, and a
	 * file lost to a power cut is regenerated from the seed.  Syncing
	 * gigabytes at --people 2000000 would double the run time.
	 */
	int bad = fflush(o->f) != 0 || ferror(o->f);
	int err = errno;

	if (fclose(o->f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	o->f = NULL;
	free(o->buf);
	o->buf = NULL;
	if (bad) {
		gw_error("%s: write failed: %s", o->path, strerror(err));
		ofile_discard(o);
		return -1;
	}
	if (tmpname_install(o->tmp, o->path) != 0) {
		o->tmp[0] = '\0';
		return -1;
	}
	o->tmp[0] = '\0';
	return 0;
}

void ofile_discard(struct ofile *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	free(o->buf);
	o->buf = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = '\0';
}

int dir_ensure(const char *path)
{
	struct stat st;

	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	gw_error("%s: cannot create directory: %s", path,
		 errno == EEXIST ? "a file is in the way" : strerror(errno));
	return -1;
}

void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

void csv_row(FILE *f, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', f);
		csv_field(f, fields[i] ? fields[i] : "");
	}
	putc('\n', f);
}

void xml_text(FILE *f, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep;

		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		default:
			continue;
		}
		fwrite(run, 1, (size_t)(s - run), f);
		fputs(rep, f);
		run = s + 1;
	}
	fputs(run, f);
}
