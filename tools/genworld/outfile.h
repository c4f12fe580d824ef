/*
 * outfile.h - atomic, buffered output files; CSV fields and XML text.
 * See outfile.c.
 */
#ifndef GW_OUTFILE_H
#define GW_OUTFILE_H

#include "gw.h"

#define PATH_CAP 4096
#define OFILE_BUFSIZE (1u << 20)

struct ofile {
	int fd;			/* -1 when not open */
	int err;		/* sticky errno of the first failed write */
	char *buf;
	size_t len;
	char path[PATH_CAP];	/* the name it will have */
	char tmp[PATH_CAP];	/* the name it has until committed */
};

/* Creates a temporary file beside path; 0 or -1 (message printed). */
int ofile_open(struct ofile *o, const char *path);
/* Flushes and renames over path; -1 (message printed) on any error. */
int ofile_commit(struct ofile *o);
/* Removes the temporary file; safe after a commit or on a zeroed o. */
void ofile_discard(struct ofile *o);

void of_flush(struct ofile *o);
void of_put(struct ofile *o, const char *s, size_t n);

static inline void of_str(struct ofile *o, const char *s)
{
	of_put(o, s, strlen(s));
}

static inline void of_char(struct ofile *o, char c)
{
	if (o->len == OFILE_BUFSIZE)
		of_flush(o);
	o->buf[o->len++] = c;
}

/*
 * For files another library writes (SQLite): reserve an empty temporary
 * file beside path (its name into tmp), then rename it into place.
 */
int tmpname_reserve(char *tmp, size_t cap, const char *path);
int tmpname_install(const char *tmp, const char *path);

/* mkdir that accepts an existing directory. */
int dir_ensure(const char *path);

/* Writes s as one CSV field, quoted per RFC 4180 only when it must be. */
void csv_field(struct ofile *o, const char *s);
/* A whole record: n fields, comma-separated, LF-terminated. */
void csv_row(struct ofile *o, const char *const *fields, size_t n);
/* Writes s with &, <, > and " escaped for XML text and attributes. */
void xml_text(struct ofile *o, const char *s);

#endif
