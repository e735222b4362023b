// SPDX-License-Identifier: GPL-2.0
/*
 * The diff of two reports (analysis/diff.h): the mechanics every section
 * shares.  A section is built by adding each side's rows by name (a hash
 * map finds the row the other side made), then every row is judged (new,
 * gone, changed, same) and the rows sorted.  What goes into each section
 * is in diff_sections.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/diff.h"
#include "analysis/diff_build.h"

const char *diff_status_name(enum diff_status s)
{
	switch (s) {
	case DIFF_SAME: return "same";
	case DIFF_CHANGED: return "changed";
	case DIFF_NEW: return "new";
	case DIFF_GONE: return "gone";
	}
	return "?";
}

/* the row named (what, detail), made (zero on both sides) when new; NULL: out of memory */
static struct diff_row *row_get(struct diff_build *sb, const char *what, const char *detail)
{
	struct diff_section *s = sb->s;
	size_t len = strlen(what) + (detail ? strlen(detail) : 0) + 2;
	char stack_key[256], *key = len <= sizeof(stack_key) ? stack_key : malloc(len);
	struct diff_row *r = NULL;
	uint32_t at;

	if (sb->err || !key)
		goto oom;
	/* \x1f cannot occur in names, so (what, detail) pairs cannot collide */
	snprintf(key, len, "%s\x1f%s", what, detail ? detail : "");
	if (ns_strmap_get(&sb->idx, key, &at)) {
		r = &s->rows[at];
		goto out;
	}
	if (s->n_rows == sb->cap) {
		size_t cap = sb->cap ? 2 * sb->cap : 16;
		struct diff_row *rows = realloc(s->rows, cap * sizeof(*rows));

		if (!rows)
			goto oom;
		s->rows = rows;
		sb->cap = cap;
	}
	r = &s->rows[s->n_rows];
	memset(r, 0, sizeof(*r));
	r->rate_a = r->rate_b = NAN;
	r->share_a = r->share_b = NAN;
	r->what = strdup(what);
	r->detail = detail ? strdup(detail) : NULL;
	if (!r->what || (detail && !r->detail) || !ns_strmap_put(&sb->idx, key, s->n_rows)) {
		free(r->what);
		free(r->detail);
		r = NULL;
		goto oom;
	}
	s->n_rows++;
	goto out;
oom:
	sb->err = -ENOMEM;
out:
	if (key != stack_key)
		free(key);
	return r;
}

static double nan0(double v)
{
	return isnan(v) ? 0 : v;
}

void diff_add(struct diff_build *sb, int side, const char *what, const char *detail, double value,
	      double share)
{
	struct diff_row *r = row_get(sb, what, detail);

	if (!r)
		return;
	/* the same name twice on one side (a journey seen whole and cut) adds up */
	if (side == DIFF_A) {
		r->a += value;
		r->in_a = true;
		if (!isnan(share))
			r->share_a = nan0(r->share_a) + share;
	} else {
		r->b += value;
		r->in_b = true;
		if (!isnan(share))
			r->share_b = nan0(r->share_b) + share;
	}
}

void diff_add_rate(struct diff_build *sb, int side, const char *what, double value, double share,
		   double rate)
{
	struct diff_row *r;

	diff_add(sb, side, what, NULL, value, share);
	r = sb->err ? NULL : row_get(sb, what, NULL);
	if (r && side == DIFF_A)
		r->rate_a = rate;
	else if (r)
		r->rate_b = rate;
}

void diff_add_text(struct diff_build *sb, int side, const char *what, const char *value)
{
	struct diff_row *r = row_get(sb, what, NULL);
	char **slot;

	if (!r)
		return;
	slot = side == DIFF_A ? &r->a_text : &r->b_text;
	if (side == DIFF_A)
		r->in_a = value != NULL;
	else
		r->in_b = value != NULL;
	if (!value || *slot)
		return; /* first value wins: a key repeated in the metadata */
	*slot = strdup(value);
	if (!*slot)
		sb->err = -ENOMEM;
}

/* Whether side's value counts as there: 0 events is no event, but a 0 ns gap is a gap. */
static bool present(const struct diff_build *sb, bool in, double v)
{
	return in && (sb->judge == DIFF_JUDGE_LATENCY || v != 0);
}

static void judge_row(const struct diff_build *sb, const struct diff_opts *o, struct diff_row *r)
{
	bool pa, pb;
	double thr = o->threshold;

	r->change = r->b - r->a;
	r->rel = r->a ? r->change / fabs(r->a) : r->b ? INFINITY : 0;
	if (sb->judge == DIFF_JUDGE_TEXT) {
		r->change = r->rel = 0;
		if (!r->a_text && !r->b_text)
			r->status = DIFF_SAME;
		else if (!r->a_text)
			r->status = DIFF_NEW;
		else if (!r->b_text)
			r->status = DIFF_GONE;
		else
			r->status = strcmp(r->a_text, r->b_text) ? DIFF_CHANGED : DIFF_SAME;
		return;
	}
	pa = present(sb, r->in_a, r->a);
	pb = present(sb, r->in_b, r->b);
	if (!pa && !pb) {
		r->status = DIFF_SAME;
		return;
	}
	if (!pa || !pb) {
		/* appearing or vanishing is news at any size: that is what a diff is asked for */
		r->status = pa ? DIFF_GONE : DIFF_NEW;
		return;
	}
	if (sb->judge == DIFF_JUDGE_SHARE && nan0(r->share_a) > 0)
		/* a share section is judged by share: twice the packets, same mix, is the same */
		r->rel = (nan0(r->share_b) - r->share_a) / r->share_a;
	if (sb->judge == DIFF_JUDGE_LATENCY) {
		/* percentiles are bucket bounds: a change within their precision is no change */
		thr = thr > sb->lat_err ? thr : sb->lat_err;
		r->status = fabs(r->rel) < thr || !r->change ? DIFF_SAME : DIFF_CHANGED;
		return;
	}
	r->status = fabs(r->rel) < thr || fabs(r->change) < o->min_abs || !r->change ?
		DIFF_SAME : DIFF_CHANGED;
}

struct sort_item {
	int rank;
	double size;
	struct diff_row row;
};

static int cmp_item(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int c;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	c = strcmp(a->row.what, b->row.what);
	if (c)
		return c;
	/* latency rows share their pair's name: p50, p90, p99 in that order */
	return strcmp(a->row.detail ? a->row.detail : "", b->row.detail ? b->row.detail : "");
}

static double size_of(const struct diff_build *sb, const struct diff_row *r)
{
	switch (sb->judge) {
	case DIFF_JUDGE_SHARE:
		return fabs(nan0(r->share_b) - nan0(r->share_a));
	case DIFF_JUDGE_LATENCY:
		return fabs(r->rel);
	default:
		return fabs(r->change);
	}
}

static int rank_of(const struct diff_build *sb, const struct diff_row *r)
{
	if (r->status == DIFF_SAME)
		return 2;
	/* counters: the ones that moved in one trace and not in the other first */
	if (sb->judge == DIFF_JUDGE_COUNTER && r->status == DIFF_CHANGED)
		return 1;
	return 0;
}

int diff_build_end(struct diff_build *sb, const struct diff_opts *o, struct diff_result *res)
{
	struct diff_section *s = sb->s;
	struct sort_item *items;

	ns_strmap_free(&sb->idx);
	if (sb->err)
		return sb->err;
	for (size_t i = 0; i < s->n_rows; i++) {
		judge_row(sb, o, &s->rows[i]);
		s->n_same += s->rows[i].status == DIFF_SAME;
	}
	res->n_changed += s->n_rows - s->n_same;
	/* the capture section keeps its order: kernel first, as the issue asks */
	if (sb->judge == DIFF_JUDGE_TEXT || s->n_rows < 2)
		return 0;
	items = calloc(s->n_rows, sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_rows; i++) {
		items[i].row = s->rows[i];
		items[i].rank = rank_of(sb, &s->rows[i]);
		items[i].size = size_of(sb, &s->rows[i]);
	}
	qsort(items, s->n_rows, sizeof(*items), cmp_item);
	for (size_t i = 0; i < s->n_rows; i++)
		s->rows[i] = items[i].row;
	free(items);
	return 0;
}

void diff_result_free(struct diff_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < DIFF_SEC__N; i++) {
		for (size_t k = 0; k < r->sec[i].n_rows; k++) {
			struct diff_row *row = &r->sec[i].rows[k];

			free(row->what);
			free(row->detail);
			free(row->a_text);
			free(row->b_text);
		}
		free(r->sec[i].rows);
	}
	free(r->kernel_a);
	free(r->kernel_b);
	free(r->path_a);
	free(r->path_b);
	free(r);
}

static char *dup_or_null(const char *s, int *err)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*err = -ENOMEM;
	return d;
}

int diff_results(const struct report_result *a, const struct report_result *b,
		 const struct diff_opts *o, struct diff_result **out)
{
	static const struct diff_opts defaults = {
		.threshold = DIFF_DEFAULT_THRESHOLD, .min_abs = DIFF_DEFAULT_MIN_ABS,
	};
	struct diff_result *res = calloc(1, sizeof(*res));
	int err = 0;

	*out = NULL;
	if (!res)
		return -ENOMEM;
	o = o ? o : &defaults;
	res->threshold = o->threshold;
	res->min_abs = o->min_abs;
	res->path_a = dup_or_null(o->path_a, &err);
	res->path_b = dup_or_null(o->path_b, &err);
	res->kernel_a = dup_or_null(a->capture.kernel, &err);
	res->kernel_b = dup_or_null(b->capture.kernel, &err);
	/* only two named kernels can be told apart; a trace that does not say is a capture row */
	res->kernel_differs = a->capture.kernel && b->capture.kernel &&
			      strcmp(a->capture.kernel, b->capture.kernel);
	for (size_t i = 0; i < DIFF_SEC__N && !err; i++)
		err = diff_section_fill(res, i, a, b, o);
	if (err) {
		diff_result_free(res);
		return err;
	}
	*out = res;
	return 0;
}
