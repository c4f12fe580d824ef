/*
 * files.c - reading and listing files.  See files.h.
 */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int files_read(const char *path, size_t max, struct buf *out, struct diag *d)
{
	struct diag_pos pos = { path, 0, 0 };
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return diag_set(d, pos, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_set(d, pos, "not a regular file");
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return diag_set(d, pos, "file is %lld bytes; the limit is %zu",
				(long long)st.st_size, max);
	}
	for (;;) {
		size_t want = 65536, room = out->max - out->len;
		ssize_t n;

		/* never ask for more than the buffer may hold; one byte past
		 * max + 1 tells a file that grew from one that fits */
		if (want > max + 1)
			want = max + 1;
		if (want > room)
			want = room;
		if (want == 0 || buf_reserve(out, want)) {
			int nomem = buf_error(out) == ST_ERR_NOMEM;

			close(fd);
			return diag_set(d, pos, nomem ? "out of memory reading the file"
					: "file is larger than the limit of %zu bytes",
					max);
		}
		n = read(fd, out->data + out->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return diag_set(d, pos, "read error: %s", strerror(e));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > max) {
			close(fd);
			return diag_set(d, pos, "file grew past the limit of %zu bytes", max);
		}
	}
	close(fd);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void files_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		xfree(names[i]);
	xfree(names);
}

/* 1 for a regular file, 0 for anything else, ST_ERR_NOMEM when the path
 * cannot be built: a file must not drop out of the list for lack of memory. */
static int is_regular(const char *dir, const char *name)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int rc;

	files_join(dir, name, &path);
	if (buf_error(&path))
		rc = ST_ERR_NOMEM;
	else
		rc = stat(path.data, &st) == 0 && S_ISREG(st.st_mode);
	buf_release(&path);
	return rc;
}

int files_list(const char *dir, const char *suffix, char ***names, size_t *n,
	       struct diag *d)
{
	struct diag_pos pos = { dir, 0, 0 };
	size_t slen = strlen(suffix), cap = 0;
	struct dirent *e;
	DIR *dh = opendir(dir);

	*names = NULL;
	*n = 0;
	if (!dh)
		return diag_set(d, pos, "cannot open directory: %s", strerror(errno));
	while ((e = readdir(dh))) {
		size_t len = strlen(e->d_name);
		char *copy = NULL;
		int reg;

		if (e->d_name[0] == '.' || len < slen ||
		    strcmp(e->d_name + len - slen, suffix))
			continue;
		reg = is_regular(dir, e->d_name);
		if (reg == 0)
			continue;
		if (reg > 0)
			copy = xstrdup(e->d_name);
		if (!copy || xgrow(names, &cap, *n + 1, sizeof(**names))) {
			xfree(copy);
			closedir(dh);
			files_list_free(*names, *n);
			*names = NULL;
			*n = 0;
			return ST_ERR_NOMEM;
		}
		(*names)[(*n)++] = copy;
	}
	closedir(dh);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

void files_join(const char *dir, const char *name, struct buf *out)
{
	size_t dlen;

	if (name[0] == '/' || !dir || !dir[0]) {
		buf_addstr(out, name);
		return;
	}
	dlen = strlen(dir);
	buf_addstr(out, dir);
	if (dir[dlen - 1] != '/')
		buf_addch(out, '/');
	buf_addstr(out, name);
}

bool files_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int files_write_atomic(const char *path, const void *data, size_t len,
		       struct diag *d)
{
	struct buf tmp = BUF_INIT;
	const char *p = data;
	int fd, err = 0;

	buf_addf(&tmp, "%s.tmp", path);
	if (buf_error(&tmp)) {
		buf_release(&tmp);
		return diag_set(d, (struct diag_pos){ path, 0, 0 }, "out of memory");
	}
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		buf_release(&tmp);
		return diag_set(d, (struct diag_pos){ path, 0, 0 }, "cannot write: %s",
				strerror(err));
	}
	while (len && !err) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(tmp.data, path))
		err = errno;
	if (err)
		unlink(tmp.data);
	buf_release(&tmp);
	if (err)
		return diag_set(d, (struct diag_pos){ path, 0, 0 }, "cannot write: %s",
				strerror(err));
	return 0;
}

int files_mkdirs(const char *dir, struct diag *d)
{
	char path[4096];

	if (!*dir)
		return diag_set(d, (struct diag_pos){ NULL, 0, 0 }, "an empty "
				"directory name");
	if (strlen(dir) >= sizeof(path))
		return diag_set(d, (struct diag_pos){ dir, 0, 0 }, "the directory's "
				"name is too long");
	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0755) && errno != EEXIST)
				return diag_set(d, (struct diag_pos){ dir, 0, 0 },
						"cannot make the directory: %s",
						strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int files_make_parent(const char *path, struct diag *d)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (!slash || slash == path)
		return 0;
	if ((size_t)(slash - path) >= sizeof(dir))
		return diag_set(d, (struct diag_pos){ path, 0, 0 }, "the directory's "
				"name is too long");
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return files_mkdirs(dir, d);
}
