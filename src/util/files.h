/*
 * files.h - small file-system helpers: read a whole (bounded) file, list a
 * directory's files by suffix in name order, join paths.
 */
#ifndef STEWARD_FILES_H
#define STEWARD_FILES_H

#include "buf.h"
#include "diag.h"

/* Read all of path into out, refusing files larger than max bytes.
 * Errors (missing, unreadable, too large) go to d naming the path. */
int files_read(const char *path, size_t max, struct buf *out, struct diag *d);

/* Names (not paths) of the regular files in dir ending in suffix, sorted
 * bytewise; *names is an xmalloc'd array of xmalloc'd strings
 * (files_list_free).  Errors go to d. */
int files_list(const char *dir, const char *suffix, char ***names, size_t *n,
	       struct diag *d);
void files_list_free(char **names, size_t n);

/* dir + "/" + name, or name itself when it is absolute. */
void files_join(const char *dir, const char *name, struct buf *out);

bool files_is_dir(const char *path);

/* Make dir and its missing parents (mkdir -p); d names what failed. */
int files_mkdirs(const char *dir, struct diag *d) MUST_CHECK;
/* The same for the directory a file goes in ("a/b/c.db": a/b); nothing
 * for a file in the current or root directory. */
int files_make_parent(const char *path, struct diag *d) MUST_CHECK;

/* Write data to PATH.tmp and rename it over path, so that a reader sees
 * the old file or the new one, never half of one (it is not forced to
 * disk: what it holds can be written again); on failure nothing is left
 * behind and d names the path and the reason. */
int files_write_atomic(const char *path, const void *data, size_t len,
		       struct diag *d) MUST_CHECK;

#endif
