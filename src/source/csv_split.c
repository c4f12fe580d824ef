/*
 * csv_split.c - finding record boundaries for parallel reading.  See the
 * end of csv.h.
 *
 * Outside quotes only three bytes matter: the quote, which opens a quoted
 * field when it starts a field, and the delimiter and the LF, which start
 * one.  So the splitter jumps from quote to quote with memchr() and decides
 * whether each one starts a field by looking back at the byte before it
 * (past spaces, with skip_initial_space).  Line breaks are searched for
 * only from the offset asked for.  A file with few quotes costs little more
 * than one memchr() over its bytes.
 */
#include "source/csv.h"

enum split_state {
	SPLIT_FIELD,		/* at the start of a field (maybe after spaces) */
	SPLIT_TEXT,		/* in an unquoted field, or past a closing quote */
	SPLIT_QUOTED,		/* in a quoted field */
	SPLIT_QUOTE_SEEN	/* past a quote in a quoted field */
};

void csv_splitter_init(struct csv_splitter *s, const struct csv_options *opt,
		       uint64_t off)
{
	memset(s, 0, sizeof(*s));
	s->delim = opt && opt->delim ? opt->delim : ',';
	s->quote = opt && opt->quote ? opt->quote : '"';
	s->quoting = !(opt && opt->no_quoting);
	s->skip_space = opt && opt->skip_initial_space;
	s->state = SPLIT_FIELD;
	s->off = off;
}

/* The state after the unquoted bytes p[i..e), entered in state `st`. */
static int state_after(const struct csv_splitter *s, const char *p, size_t i,
		       size_t e, int st)
{
	size_t j = e;

	if (s->skip_space)
		while (j > i && p[j - 1] == ' ')
			j--;
	if (j == i)	/* nothing, or spaces skipped where they leave it */
		return st;
	return p[j - 1] == s->delim || p[j - 1] == '\n' ? SPLIT_FIELD
							 : SPLIT_TEXT;
}

/* A record-ending LF in the unquoted bytes p[i..e), at input offset want
 * or later: its index, or e. */
static size_t line_end(const char *p, size_t i, size_t e, uint64_t base,
		       uint64_t want)
{
	const char *lf;

	if (base + e <= want)
		return e;
	if (base + i < want)
		i = (size_t)(want - base);
	lf = memchr(p + i, '\n', e - i);
	return lf ? (size_t)(lf - p) : e;
}

size_t csv_splitter_feed(struct csv_splitter *s, const char *p, size_t n,
			 uint64_t want, bool *found)
{
	uint64_t base = s->off;
	size_t i = 0;

	*found = false;
	while (i < n) {
		const char *q;
		size_t e, lf;

		switch (s->state) {
		case SPLIT_QUOTED:
			q = memchr(p + i, s->quote, n - i);
			if (!q) {
				i = n;
				break;
			}
			i = (size_t)(q - p) + 1;
			s->state = SPLIT_QUOTE_SEEN;
			break;
		case SPLIT_QUOTE_SEEN:
			if (p[i] == s->quote) {
				s->state = SPLIT_QUOTED;	/* a doubled quote */
			} else if (p[i] == s->delim) {
				s->state = SPLIT_FIELD;
			} else if (p[i] == '\n') {
				s->state = SPLIT_FIELD;
				if (base + i >= want) {
					*found = true;
					s->off = base + i + 1;
					return i + 1;
				}
			} else {
				s->state = SPLIT_TEXT;
			}
			i++;
			break;
		default:
			q = s->quoting ? memchr(p + i, s->quote, n - i) : NULL;
			e = q ? (size_t)(q - p) : n;
			lf = line_end(p, i, e, base, want);
			if (lf < e) {
				*found = true;
				s->state = SPLIT_FIELD;
				s->off = base + lf + 1;
				return lf + 1;
			}
			s->state = state_after(s, p, i, e, s->state);
			if (q) {
				s->state = s->state == SPLIT_FIELD ? SPLIT_QUOTED
								   : SPLIT_TEXT;
				e++;
			}
			i = e;
			break;
		}
	}
	s->off = base + n;
	return n;
}
