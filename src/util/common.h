/*
 * common.h - the few things every steward source file needs.
 *
 * Standard headers, the checked allocator, and banned.h (which must come
 * after the system headers so that their own declarations are untouched).
 */
#ifndef STEWARD_COMMON_H
#define STEWARD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x) ((void)(x))

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#define MUST_CHECK __attribute__((warn_unused_result))
#else
#define PRINTF_LIKE(fmt, args)
#define MUST_CHECK
#endif

/* Return codes used across the library: 0 is success, negative is failure.
 * The details of a failure are in the caller's struct diag. */
enum {
	ST_OK = 0,
	ST_ERR = -1,	  /* input or usage error, described in the diag */
	ST_ERR_NOMEM = -2 /* allocation failed */
};

#include "banned.h"

#endif
