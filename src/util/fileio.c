/*
 * fileio.c - writing a whole file at once (see fileio.h).
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

int file_write_atomic(const char *path, const void *data, size_t len,
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
