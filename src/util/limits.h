/*
 * limits.h - every hard limit steward enforces, in one place.
 *
 * Like SQLite's sqliteLimit.h: each bound exists so that hostile or broken
 * input cannot make steward use unbounded memory or time.  Each limit says
 * why it has the value it has, and tests/unit and tests/cases hit each one
 * and check the message that names it.
 */
#ifndef STEWARD_LIMITS_H
#define STEWARD_LIMITS_H

/* Longest single field a reader keeps (bytes).  Real customer fields are a
 * few hundred bytes; 1 MiB leaves room for notes fields while a 1 GB field
 * is skipped (and reported) instead of buffered. */
#define LIMIT_FIELD_BYTES (1u << 20)

/* Longest record a reader keeps (bytes, all fields together). */
#define LIMIT_RECORD_BYTES (8u << 20)

/* Widest record (columns).  A CSV with more columns than this is almost
 * certainly not a customer export (or was read with the wrong delimiter). */
#define LIMIT_COLUMNS 4096

/* Declared fields per source, attributes per policy: bounded so that
 * per-record arrays stay small and profiling memory stays flat. */
#define LIMIT_FIELDS_PER_SOURCE 512
#define LIMIT_ATTRIBUTES 512

/* Deepest XML nesting accepted in a source or a policy.  libxml2 has its own
 * (256 without XML_PARSE_HUGE); ours is stricter for record paths. */
#define LIMIT_XML_DEPTH 128

/* Longest XML path (record path or field path), in steps. */
#define LIMIT_XML_PATH_STEPS 32

/* Largest policy file read (bytes).  Policies are hand-written text. */
#define LIMIT_POLICY_FILE_BYTES (4u << 20)

/* Policy files in one directory. */
#define LIMIT_POLICY_FILES 256

/* Diagnostics kept per run of `steward check`; the rest are counted. */
#define LIMIT_DIAGNOSTICS 200

/* Problems a reader keeps with their positions; the rest are counted. */
#define LIMIT_READER_PROBLEMS 100

/* Transforms in one mapping, arguments in one transform. */
#define LIMIT_TRANSFORMS 16
#define LIMIT_TRANSFORM_ARGS 32

/* Worker threads profiling one source (`scan --threads`): more gain
 * nothing on the machines steward runs on, and each holds its own partial
 * profile. */
#define LIMIT_THREADS 16

/* Times `scan --source` may be given: sources named on one command line. */
#define LIMIT_SCAN_SOURCES 64

/* Identity resolution.  A block of records sharing a blocking key is
 * compared pair by pair, so its cost is quadratic: blocks larger than this
 * (unless the policy's max-block says otherwise) are reported and not
 * compared.  A value of an email, phone or identifier attribute held by
 * more records than this is a placeholder (noemail@example.com,
 * 0000000000), set aside from matching.  Random pairs drawn to estimate
 * the model's u probabilities; records at most (ids are 32-bit). */
#define LIMIT_IDENTITY_BLOCK 1000
/* Comparisons in the model, and thresholds per comparison: a pair's
 * levels pack into one 64-bit pattern (at most 16 digits of base 9), and
 * more would say nothing more about who is who. */
#define LIMIT_IDENTITY_COMPARISONS 16
#define LIMIT_IDENTITY_THRESHOLDS 6
#define LIMIT_IDENTITY_U_PAIRS 1000000
#define LIMIT_IDENTITY_RECORDS 0xFFFFFFF0u

/* Largest buffer a struct buf grows to unless told otherwise (bytes). */
#define LIMIT_BUF_DEFAULT_MAX (64u << 20)

#endif
