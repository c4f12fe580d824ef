/*
 * check.h - the fuzz targets' invariant check: a broken one says where
 * (the file names the target) and aborts, which libFuzzer records as a
 * crash and the corpus replay as a failure.
 */
#ifndef STEWARD_FUZZ_CHECK_H
#define STEWARD_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
				#cond); \
			abort(); \
		} \
	} while (0)

#endif
