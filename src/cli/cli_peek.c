/*
 * cli_peek.c - `steward peek SOURCE`: a source's records as the policies
 * map them, in an aligned table, for checking a mapping before a scan.
 *
 * By default the table shows the record key and every mapped attribute
 * after its transforms; --raw shows the declared fields as read.  Values a
 * transform could not normalise are listed under the table with the
 * reason.  Data problems (ragged rows, invalid UTF-8 ...) go to stderr with
 * their line numbers.  --count reads the whole source and prints only the
 * totals.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <strings.h>

#include "source/reader.h"
#include "util/arena.h"
#include "util/textdist.h"
#include "util/utf8.h"

#define PEEK_CELL_COLS 28	/* widest cell before it is cut with "…" */
#define PEEK_MAX_ROWS 100000
#define PEEK_FAILURES_SHOWN 20
#define PEEK_PROBLEMS_SHOWN 20

struct peek {
	const struct source *src;
	bool raw;
	size_t ncols;
	const char **header;
	struct arena cells;	/* rows of ncols strings */
	const char ***rows;
	size_t nrows, cap;
	struct buf failures;
	size_t n_failures;
};

static void peek_header(struct peek *pk)
{
	const struct source *s = pk->src;

	pk->ncols = 1 + (pk->raw ? s->n_fields : s->n_mappings);
	pk->header = arena_array(&pk->cells, pk->ncols, sizeof(*pk->header));
	if (!pk->header)
		return;
	pk->header[0] = pk->raw ? "line" : s->key_field;
	for (size_t i = 1; i < pk->ncols; i++)
		pk->header[i] = pk->raw ? s->fields[i - 1].name
					: s->mappings[i - 1].attribute_id;
}

static void note_failures(struct peek *pk, const struct record *rec)
{
	for (size_t i = 0; i < pk->src->n_mappings; i++) {
		if (!rec->why[i])
			continue;
		if (pk->n_failures++ >= PEEK_FAILURES_SHOWN)
			continue;
		buf_addf(&pk->failures, "  line %llu, %s: '%s': %s\n",
			 (unsigned long long)rec->line,
			 pk->src->mappings[i].attribute_id,
			 rec->value[i] ? rec->value[i] : "", rec->why[i]);
	}
}

static int keep_row(struct peek *pk, const struct record *rec)
{
	const char **row = arena_array(&pk->cells, pk->ncols, sizeof(*row));

	if (!row || xgrow(&pk->rows, &pk->cap, pk->nrows + 1, sizeof(*pk->rows)))
		return ST_ERR_NOMEM;
	if (pk->raw)
		row[0] = arena_printf(&pk->cells, "%llu",
				      (unsigned long long)rec->line);
	else
		row[0] = arena_strdup(&pk->cells, rec->key);
	for (size_t i = 1; i < pk->ncols; i++) {
		const char *v = pk->raw ? rec->raw[i - 1] : rec->value[i - 1];
		size_t len = pk->raw ? rec->raw_len[i - 1] : rec->value_len[i - 1];
		struct buf clean = BUF_INIT;

		/* show invalid bytes as U+FFFD rather than send them to the
		 * terminal */
		utf8_sanitize(v ? v : "", v ? len : 0, &clean);
		row[i] = arena_strndup(&pk->cells, clean.data, clean.len);
		buf_release(&clean);
	}
	pk->rows[pk->nrows++] = row;
	return pk->cells.err ? ST_ERR_NOMEM : 0;
}

/* Append s cut to cols columns, padded to width. */
static void add_cell(struct buf *out, const char *s, size_t width)
{
	size_t len = strlen(s), w = utf8_width(s, len);

	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
			/* keep the table one line per record */
			struct buf flat = BUF_INIT;

			for (size_t j = 0; j < len; j++)
				buf_addch(&flat, (s[j] == '\n' || s[j] == '\r' ||
						  s[j] == '\t') ? ' ' : s[j]);
			add_cell(out, flat.data, width);
			buf_release(&flat);
			return;
		}
	if (w > PEEK_CELL_COLS) {
		size_t cut = utf8_prefix_for_width(s, len, PEEK_CELL_COLS - 1);

		buf_add(out, s, cut);
		buf_addstr(out, "\xE2\x80\xA6");
		w = utf8_width(s, cut) + 1;
	} else {
		buf_add(out, s, len);
	}
	if (width > w)
		buf_addchars(out, ' ', width - w);
}

static size_t cell_width(const char *s)
{
	size_t w = utf8_width(s, strlen(s));

	return w > PEEK_CELL_COLS ? PEEK_CELL_COLS : w;
}

static void print_table(struct peek *pk, struct buf *out)
{
	size_t *w = xcalloc(pk->ncols, sizeof(*w));

	if (!w)
		return;
	for (size_t c = 0; c < pk->ncols; c++) {
		w[c] = cell_width(pk->header[c]);
		for (size_t r = 0; r < pk->nrows; r++)
			if (cell_width(pk->rows[r][c]) > w[c])
				w[c] = cell_width(pk->rows[r][c]);
	}
	for (size_t c = 0; c < pk->ncols; c++) {
		add_cell(out, pk->header[c], c + 1 < pk->ncols ? w[c] + 2 : 0);
	}
	buf_addch(out, '\n');
	for (size_t c = 0; c < pk->ncols; c++) {
		buf_addchars(out, '-', w[c]);
		if (c + 1 < pk->ncols)
			buf_addstr(out, "  ");
	}
	buf_addch(out, '\n');
	for (size_t r = 0; r < pk->nrows; r++) {
		for (size_t c = 0; c < pk->ncols; c++)
			add_cell(out, pk->rows[r][c], c + 1 < pk->ncols ? w[c] + 2 : 0);
		/* no trailing spaces */
		while (out->len && out->data[out->len - 1] == ' ')
			buf_truncate(out, out->len - 1);
		buf_addch(out, '\n');
	}
	xfree(w);
}

/* Column names as the CSV reader matches them: ignoring case and
 * surrounding spaces. */
static bool loose_equal(const char *col, const char *name)
{
	size_t len = strlen(col), nlen = strlen(name);

	while (len && *col == ' ') {
		col++;
		len--;
	}
	while (len && col[len - 1] == ' ')
		len--;
	return len == nlen && !strncasecmp(col, name, len);
}

/* Declared fields the data does not have: the first sign of a renamed or
 * dropped column.  (For XML, the paths seen in the first records.) */
static void print_missing_fields(const struct source *s, const struct reader *r)
{
	const char *const *cols;
	size_t n = reader_columns(r, &cols);

	if (!n || (s->kind == SOURCE_CSV && !s->csv.header))
		return;
	for (size_t f = 0; f < s->n_fields; f++) {
		const struct source_field *sf = &s->fields[f];
		const char *want = s->kind == SOURCE_XML && sf->path ? sf->path : sf->name;
		bool found = !strcmp(want, ".");

		for (size_t c = 0; c < n && !found; c++)
			found = !strcmp(cols[c], want) ||
				(s->kind == SOURCE_CSV && loose_equal(cols[c], want));
		if (!found)
			fprintf(stderr, "%s: declared field '%s' is not in the data%s\n",
				s->resolved_path, want, s->kind == SOURCE_XML ?
				" (in the records read)" : "");
	}
}

static void print_problems(const struct source *s, const struct reader_stats *st)
{
	size_t shown = 0;

	for (size_t i = 0; i < st->n_kept && shown < PEEK_PROBLEMS_SHOWN; i++, shown++) {
		const struct reader_problem *p = &st->kept[i];

		if (p->col)
			fprintf(stderr, "%s:%llu:%llu: %s: %s\n", s->resolved_path,
				(unsigned long long)p->line, (unsigned long long)p->col,
				reader_problem_name(p->kind), p->detail);
		else
			fprintf(stderr, "%s:%llu: %s: %s\n", s->resolved_path,
				(unsigned long long)p->line,
				reader_problem_name(p->kind), p->detail);
	}
}

static void print_summary(const struct source *s, const struct reader_stats *st,
			  bool complete)
{
	uint64_t total = 0;

	for (int k = 0; k < RP_COUNT; k++)
		total += st->problems[k];
	fprintf(stderr, "%s: %llu record%s read%s; %llu problem%s", s->id,
		(unsigned long long)st->records, st->records == 1 ? "" : "s",
		complete ? "" : " (stopped at the limit)",
		(unsigned long long)total, total == 1 ? "" : "s");
	for (int k = 0, first = 1; k < RP_COUNT; k++) {
		if (!st->problems[k])
			continue;
		fprintf(stderr, "%s%s %llu", first ? " (" : ", ",
			reader_problem_name((enum reader_problem_kind)k),
			(unsigned long long)st->problems[k]);
		first = 0;
	}
	fprintf(stderr, "%s; %llu value%s not normalised\n", total ? ")" : "",
		(unsigned long long)st->transform_failures,
		st->transform_failures == 1 ? "" : "s");
}

struct peek_opts {
	struct cli_policy_opts po;
	const char *source;
	unsigned long limit;
	bool raw, count;
};

static int peek_run(struct peek_opts *o, const struct source *s)
{
	struct peek pk = { .src = s, .raw = o->raw };
	struct reader *r = NULL;
	const struct record *rec;
	struct buf out = BUF_INIT;
	struct diag d;
	int rc;

	diag_clear(&d);
	arena_init(&pk.cells, 65536);
	buf_init(&pk.failures, 0);
	peek_header(&pk);
	rc = reader_open(s, &r, &d);
	while (!rc && (o->count || pk.nrows < o->limit) &&
	       (rc = reader_next(r, &rec, &d)) == 1) {
		rc = 0;
		note_failures(&pk, rec);
		if (!o->count)
			rc = keep_row(&pk, rec);
	}
	if (rc > 0)
		rc = 0;
	if (!o->count && r) {
		print_table(&pk, &out);
		if (pk.n_failures) {
			buf_addf(&out, "\nnot normalised (%zu):\n", pk.n_failures);
			buf_add(&out, pk.failures.data, pk.failures.len);
		}
		if (cli_write(out.data, out.len))
			rc = ST_ERR;
	}
	if (r) {
		print_missing_fields(s, r);
		print_problems(s, reader_stats(r));
	}
	if (d.set)
		cli_print_diag(&d);
	else if (rc == ST_ERR_NOMEM)
		cli_error("peek: out of memory");
	if (r)
		print_summary(s, reader_stats(r), o->count || pk.nrows < o->limit ||
			      rc != 0);
	reader_free(r);
	xfree(pk.rows);
	arena_release(&pk.cells);
	buf_release(&pk.failures);
	buf_release(&out);
	return rc ? EXIT_USAGE : EXIT_OK;
}

static void unknown_source(const struct policy *p, const char *name,
			   const char *dir)
{
	const char *ids[64] = { NULL };
	size_t n = p->n_sources < 64 ? p->n_sources : 64;
	const char *best;
	struct buf list = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		ids[i] = p->sources[i].id;
		buf_addf(&list, "%s%s", i ? ", " : "", ids[i]);
	}
	best = textdist_suggest(name, ids, n);
	cli_error("peek: no source '%s' in %s (sources: %s)%s%s%s", name, dir,
		  n ? list.data : "none", best ? "; did you mean '" : "",
		  best ? best : "", best ? "'?" : "");
	buf_release(&list);
}

static void peek_usage(FILE *f)
{
	fprintf(f, "usage: steward peek SOURCE [--policies DIR] [--data DIR] "
		   "[--limit N] [--raw] [--count]\n\n"
		   "Show the first N records (default 20) of SOURCE as the "
		   "policies map them:\nthe key and each attribute after its "
		   "transforms, or with --raw the declared\nfields as read. "
		   "--count reads the whole source and prints only the totals.\n");
}

static int parse_limit(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || *out == 0 ||
	    *out > PEEK_MAX_ROWS) {
		cli_error("peek: --limit takes a number from 1 to %d, not '%s'",
			  PEEK_MAX_ROWS, s);
		return -1;
	}
	return 0;
}

int cmd_peek(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policies", required_argument, NULL, 'p' },
		{ "data", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "count", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct peek_opts o = { { "policies", NULL }, NULL, 20, false, false };
	const struct source *s;
	struct policy *p;
	int c, rc;

	while ((c = getopt_long(argc, argv, "p:d:n:rch", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o.po.dir = optarg; break;
		case 'd': o.po.data = optarg; break;
		case 'n': if (parse_limit(optarg, &o.limit)) return EXIT_USAGE; break;
		case 'r': o.raw = true; break;
		case 'c': o.count = true; break;
		case 'h': peek_usage(stdout); return EXIT_OK;
		default: peek_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		peek_usage(stderr);
		return EXIT_USAGE;
	}
	o.source = argv[optind];
	p = cli_load_policy(&o.po, NULL);
	if (!p)
		return EXIT_USAGE;
	s = policy_source(p, o.source);
	if (!s) {
		unknown_source(p, o.source, o.po.dir);
		policy_free(p);
		return EXIT_USAGE;
	}
	rc = peek_run(&o, s);
	policy_free(p);
	return rc;
}
