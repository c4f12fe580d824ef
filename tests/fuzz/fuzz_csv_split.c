/*
 * fuzz_csv_split.c - libFuzzer target for cutting a CSV file into ranges
 * of whole records (csv_splitter) and reading each range on its own
 * (csv_reader_open_range), as profiling a large file does.
 *
 * The first two bytes choose the options as in fuzz_csv.c; the third the
 * spacing of the cuts (its low six bits) and how the text is fed to the
 * splitter and the ranges are read (its top two); the rest is the CSV.
 * The text is cut as reader_csv_cut() cuts a file, each range is read from
 * a file by a reader of its own, and the records are held against one
 * reader's over the whole text.  Invariants, each an abort() when broken:
 *   - each cut is past the first LF, at or after the offset asked for,
 *     that the whole parse has between records (not in a quoted field):
 *     the splitter never cuts a record in two and never passes over a
 *     place where it could cut;
 *   - the whole reader counts every LF of the text, and each range's
 *     reader those of its range;
 *   - every range but the last ends clean, an unterminated quote or not
 *     (it can only be in the last record);
 *   - the ranges' records, with lines and offsets made absolute, are the
 *     whole parse's field for field and flag for flag, and the last range
 *     ends as the whole does.
 */
#include <inttypes.h>
#include <unistd.h>

#include "source/csv.h"
#include "util/buf.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The options of fuzz_csv.c, from the same two bytes. */
static void options_from(struct csv_options *opt, uint8_t a, uint8_t b)
{
	memset(opt, 0, sizeof(*opt));
	opt->delim = ",;\t|"[a & 3];
	opt->skip_initial_space = a & 4;
	opt->no_quoting = (a & 0x18) == 0x18;
	opt->quote = (a & 0x18) == 0x10 ? '\'' : 0;
	if (a & 0x20) {
		opt->max_field = 1 + (b & 15);
		opt->max_record = 1 + (b >> 4) * 3;
	}
	if (a & 0x40)
		opt->max_columns = 1 + (b & 7);
}

static uint64_t count_lf(const char *s, size_t n)
{
	uint64_t lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

/*
 * Append a record to dump with its lines moved on by `lines` and its
 * offset by `off`: a range's reader counts both from the range's start.
 */
static void record_dump(struct buf *dump, const struct csv_record *rec,
			uint64_t lines, uint64_t off)
{
	buf_addf(dump, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %zu %zu %u %zu",
		 rec->line + lines, rec->end_line + lines, rec->offset + off,
		 rec->n, rec->columns, rec->flags, rec->bad_col);
	/* bad_line is 0 when there is no problem, and 0 moved on is not 0 */
	if (rec->flags)
		buf_addf(dump, " %" PRIu64, rec->bad_line + lines);
	buf_addch(dump, ':');
	for (size_t i = 0; i < rec->n; i++) {
		const struct csv_field *f = &rec->fields[i];

		buf_add(dump, &f->len, sizeof(f->len));
		buf_addch(dump, f->quoted);
		buf_add(dump, f->data, f->len);
	}
}

/*
 * Read the whole text into dump, as a file that is not cut is read, and
 * mark in `inside` every LF within a record (in a quoted field): the
 * others are the places a record may start after.
 */
static void read_whole(const char *in, size_t len,
			   const struct csv_options *opt, struct buf *dump,
			   bool *inside, bool *clean)
{
	struct csv_reader *r;
	struct csv_record *rec;
	int rc;

	CHECK(csv_reader_open_mem(&r, in, len, opt) == ST_OK);
	while ((rc = csv_reader_next(r, &rec)) == 1) {
		const char *p = in + rec->offset;

		/* A record runs onto one more line per LF before its end. */
		for (uint64_t k = rec->line; k < rec->end_line; k++) {
			p = memchr(p, '\n', (size_t)(in + len - p));
			CHECK(p != NULL);
			inside[p++ - in] = true;
		}
		record_dump(dump, rec, 0, 0);
	}
	CHECK(rc == 0);
	CHECK(csv_reader_bytes(r) == len);
	CHECK(csv_reader_lines(r) == count_lf(in, len));
	*clean = csv_reader_ended_clean(r);
	csv_reader_free(r);
}

/* Just past the first LF at or after `from` that is between records, or
 * 0 when there is none: where the splitter must cut. */
static uint64_t boundary(const char *in, size_t len, const bool *inside,
			 uint64_t from)
{
	for (uint64_t i = from; i < len; i++) {
		if (in[i] == '\n' && !inside[i])
			return i + 1;
	}
	return 0;
}

/*
 * Cut in[start..len) as reader_csv_cut() does, into cut[]: start, the
 * cuts, len.  The text arrives in pieces of the sizes in piece[], taken in
 * turn from the turn'th on, so that the ends of the pieces fall before,
 * on and after quotes, line breaks and cuts.  A piece goes on being fed
 * after a cut in it, as a block read from the file would.  Returns the
 * number of offsets in cut[].
 */
static size_t split(const char *in, size_t len, size_t start,
		    const struct csv_options *opt, uint64_t every,
		    const size_t *piece, unsigned turn, const bool *inside,
		    uint64_t *cut)
{
	struct csv_splitter sp;
	uint64_t want = start + every;
	size_t n = 0, at = start;

	csv_splitter_init(&sp, opt, start);
	cut[n++] = start;
	for (unsigned k = turn; at < len; k++) {
		size_t end = len - at > piece[k % 4] ? at + piece[k % 4] : len;

		while (at < end) {
			bool found;
			size_t got = csv_splitter_feed(&sp, in + at, end - at,
						       want, &found);

			CHECK(got > 0 && got <= end - at);
			at += got;
			CHECK(sp.off == at);
			if (!found) {
				CHECK(at == end);
				continue;
			}
			CHECK(at > cut[n - 1] && at - 1 >= want &&
			      in[at - 1] == '\n');
			CHECK(at == boundary(in, len, inside, want));
			cut[n++] = at;
			want = at + every;
		}
	}
	CHECK(boundary(in, len, inside, want) == 0);
	/* reader_csv_cut() ends with the end of the file even when it is a
	 * cut already: an empty last range must read as nothing, cleanly. */
	cut[n++] = len;
	return n;
}

/*
 * Read range [cut[i], cut[i + 1]) of the file fd with a reader of its own
 * for each i, into dump.  Returns how many ranges but the last ended
 * clean, and in *last_clean whether the last did.
 */
static size_t read_ranges(int fd, const char *in, const uint64_t *cut,
			  size_t n, const struct csv_options *opt,
			  struct buf *dump, bool *last_clean)
{
	uint64_t lines = 0, lf = 0;
	size_t clean = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		uint64_t len = cut[i + 1] - cut[i];
		struct csv_reader *r;
		struct csv_record *rec;
		int rc;

		CHECK(csv_reader_open_range(&r, fd, cut[i], len, opt) ==
		      ST_OK);
		while ((rc = csv_reader_next(r, &rec)) == 1)
			record_dump(dump, rec, lines, cut[i]);
		CHECK(rc == 0);
		CHECK(csv_reader_bytes(r) == len);
		/* The next range's lines count on from the LFs before it. */
		lines += csv_reader_lines(r);
		lf += count_lf(in + cut[i], (size_t)len);
		CHECK(lines == lf);
		if (i + 2 < n)
			clean += csv_reader_ended_clean(r);
		else
			*last_clean = csv_reader_ended_clean(r);
		csv_reader_free(r);
	}
	return clean;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_options opt, ropt;
	struct buf whole, ranges;
	size_t len, start, n, clean, piece[4] = { 1, 7, 0, SIZE_MAX };
	bool *inside, whole_clean, last_clean = true;
	const char *in;
	uint64_t *cut;
	FILE *f;

	if (size < 3)
		return 0;
	options_from(&opt, data[0], data[1]);
	piece[2] = 2 + (size_t)data[1] % 61;
	in = (const char *)data + 3;
	len = size - 3;
	/* The whole reader skips a byte order mark at the very start only:
	 * records start after it, and a range reader would take it as data. */
	start = len >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3) ? 3 : 0;

	f = tmpfile();
	CHECK(f != NULL);
	CHECK(len == 0 || pwrite(fileno(f), in, len, 0) == (ssize_t)len);
	inside = xcalloc(len + 1, sizeof(*inside));
	cut = xcalloc(len + 2, sizeof(*cut));
	CHECK(inside && cut);
	buf_init(&whole, 0);
	buf_init(&ranges, 0);

	read_whole(in, len, &opt, &whole, inside, &whole_clean);
	n = split(in, len, start, &opt, 1 + data[2] % 64, piece, data[2] >> 6,
		  inside, cut);
	/* The ranges are read in blocks of a size that goes with the pieces'
	 * turn: the pread path has block ends of its own to get right. */
	ropt = opt;
	ropt.buffer_size = data[2] >> 6 < 3 ? piece[data[2] >> 6] : 0;
	clean = read_ranges(fileno(f), in, cut, n, &ropt, &ranges, &last_clean);
	/*
	 * Every range but the last ends clean, even after an unterminated
	 * quote: split() checked that each cut is where the whole parse
	 * starts a record, the tokenizer's state at a record's start does
	 * not depend on what came before, and a quote left open can only be
	 * in the last record, so in the last range.
	 */
	CHECK(clean == n - 2);
	CHECK(!buf_error(&whole) && !buf_error(&ranges));
	CHECK(ranges.len == whole.len);
	CHECK(memcmp(ranges.data, whole.data, whole.len) == 0);
	CHECK(last_clean == whole_clean);

	buf_release(&whole);
	buf_release(&ranges);
	xfree(inside);
	xfree(cut);
	fclose(f);
	return 0;
}
