/*
 * outfile.c - how the generator puts bytes on disk.
 *
 * Every output file is written under a temporary name in its final
 * directory and renamed into place only once it is complete and synced, so
 * a reader (or a `make demo` racing a regeneration) sees either the old
 * file or the new one, never half of one; a failed run leaves no partial
 * file behind.  Errors
 * are checked once, at commit, from a sticky error.  Writing goes through
 * a plain 1 MiB buffer and write(2) rather than stdio: at two million
 * people the per-call locking of fputs was a fifth of the run time.  The
 * CSV and XML helpers are the only places output is escaped.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
	o->fd = -1;
	gw_copy(o->path, sizeof(o->path), path);
	if (tmpname_reserve(o->tmp, sizeof(o->tmp), path) != 0)
		return -1;
	o->fd = open(o->tmp, O_WRONLY | O_TRUNC);
	if (o->fd < 0) {
		gw_error("%s: %s", o->tmp, strerror(errno));
		ofile_discard(o);
		return -1;
	}
	o->buf = gw_calloc(1, OFILE_BUFSIZE);
	return 0;
}

void of_flush(struct ofile *o)
{
	size_t done = 0;

	while (done < o->len && !o->err) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->err = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	o->len = 0;
}

void of_put(struct ofile *o, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = OFILE_BUFSIZE - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == OFILE_BUFSIZE)
			of_flush(o);
	}
}

int ofile_commit(struct ofile *o)
{
	/*
	 * No fsync: the rename already gives readers all or nothing, and a
	 * file lost to a power cut is regenerated from the seed.  Syncing
	 * gigabytes at --people 2000000 would double the run time.
	 */
	of_flush(o);
	if (close(o->fd) != 0 && !o->err)
		o->err = errno;
	o->fd = -1;
	free(o->buf);
	o->buf = NULL;
	if (o->err) {
		gw_error("%s: write failed: %s", o->path, strerror(o->err));
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
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
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

void csv_field(struct ofile *o, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
			break;
	if (!*p) {
		of_put(o, s, (size_t)(p - s));
		return;
	}
	of_char(o, '"');
	for (; *s; s++) {
		if (*s == '"')
			of_char(o, '"');
		of_char(o, *s);
	}
	of_char(o, '"');
}

void csv_row(struct ofile *o, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			of_char(o, ',');
		csv_field(o, fields[i] ? fields[i] : "");
	}
	of_char(o, '\n');
}

void xml_text(struct ofile *o, const char *s)
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
		of_put(o, run, (size_t)(s - run));
		of_str(o, rep);
		run = s + 1;
	}
	of_str(o, run);
}
