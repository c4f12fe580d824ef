/*
 * gw.h - what every steward-genworld source file includes first.
 *
 * steward-genworld is a standalone tool: it may not use steward's own
 * headers, so the few shared bits it needs live here - fixed-width types,
 * the error printer, a checked allocator, and the same banned-call list
 * steward's util/banned.h enforces, so the generator is held to the same
 * rules as the product it feeds.
 */
#ifndef GW_H
#define GW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The six countries the company sells in; the order is fixed forever. */
enum country { CO_GB, CO_US, CO_IE, CO_DE, CO_FR, CO_ES, CO_COUNT };

/* Prints "steward-genworld: <message>" and a newline on stderr. */
void gw_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* malloc/calloc that print and exit(1) on failure or size overflow. */
void *gw_calloc(size_t n, size_t size);
void *gw_realloc(void *p, size_t n, size_t size);

/*
 * Appends s to dst (capacity cap, always NUL-terminated, silently
 * truncated): the only string-copying primitive the generator uses.
 */
void gw_append(char *dst, size_t cap, const char *s);
void gw_copy(char *dst, size_t cap, const char *s);

#define BANNED(func) sorry_##func##_is_a_banned_function
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atof
#define atof(x) BANNED(atof)
#undef gets
#define gets(x) BANNED(gets)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)
#undef asctime
#define asctime(x) BANNED(asctime)
#undef ctime
#define ctime(x) BANNED(ctime)

#endif
