/*
 * fileio.h - writing a whole file so that readers never see half of it.
 */
#ifndef STEWARD_FILEIO_H
#define STEWARD_FILEIO_H

#include <stddef.h>

#include "diag.h"

/* Write data to PATH.tmp and rename it over path, so that a reader sees
 * the old file or the new one, never half of one (it is not forced to
 * disk: what it holds can be written again); on failure nothing is left
 * behind and d names the path and the reason. */
int file_write_atomic(const char *path, const void *data, size_t len,
		      struct diag *d) MUST_CHECK;

#endif
