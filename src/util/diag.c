/*
 * diag.c - positioned error messages.  See diag.h.
 */
#include "diag.h"

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void diag_clear(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

int diag_vset(struct diag *d, struct diag_pos pos, const char *fmt, va_list ap)
{
	if (d->set)
		return ST_ERR;
	d->set = 1;
	copy_str(d->file, sizeof(d->file), pos.file);
	d->line = pos.line;
	d->col = pos.col;
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	return ST_ERR;
}

int diag_set(struct diag *d, struct diag_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset(d, pos, fmt, ap);
	va_end(ap);
	return ST_ERR;
}

void diag_format(const struct diag *d, struct buf *out)
{
	if (d->file[0]) {
		buf_addstr(out, d->file);
		if (d->line) {
			buf_addf(out, ":%lu", d->line);
			if (d->col)
				buf_addf(out, ":%lu", d->col);
		}
		buf_addstr(out, ": ");
	}
	buf_addstr(out, d->msg);
}

void diag_list_init(struct diag_list *l)
{
	memset(l, 0, sizeof(*l));
}

void diag_list_release(struct diag_list *l)
{
	xfree(l->items);
	diag_list_init(l);
}

void diag_list_push(struct diag_list *l, const struct diag *d)
{
	if (l->n >= LIMIT_DIAGNOSTICS ||
	    xgrow(&l->items, &l->cap, l->n + 1, sizeof(*l->items))) {
		l->dropped++;
		return;
	}
	l->items[l->n++] = *d;
}

void diag_list_add(struct diag_list *l, struct diag_pos pos, const char *fmt, ...)
{
	struct diag d;
	va_list ap;

	diag_clear(&d);
	va_start(ap, fmt);
	diag_vset(&d, pos, fmt, ap);
	va_end(ap);
	diag_list_push(l, &d);
}

static int diag_cmp(const struct diag *a, const struct diag *b)
{
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void diag_list_sort(struct diag_list *l)
{
	/* insertion sort: stable, and lists are short (LIMIT_DIAGNOSTICS) */
	for (size_t i = 1; i < l->n; i++) {
		struct diag tmp = l->items[i];
		size_t j = i;

		while (j > 0 && diag_cmp(&l->items[j - 1], &tmp) > 0) {
			l->items[j] = l->items[j - 1];
			j--;
		}
		l->items[j] = tmp;
	}
}

size_t diag_list_count(const struct diag_list *l)
{
	return l->n + l->dropped;
}
