// SPDX-License-Identifier: GPL-2.0
/* The diff of two reports, text and JSON (render/diff_out.h), from the diff result only. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "common/json.h"
#include "render/diff_out.h"
#include "render/latency_out.h"

#define S(x) ((x) ? (x) : "-")

static bool shares(const struct diff_section *s)
{
	for (size_t i = 0; i < s->n_rows; i++)
		if (!isnan(s->rows[i].share_a) || !isnan(s->rows[i].share_b))
			return true;
	return false;
}

static bool rates(const struct diff_section *s)
{
	for (size_t i = 0; i < s->n_rows; i++)
		if (!isnan(s->rows[i].rate_a) || !isnan(s->rows[i].rate_b))
			return true;
	return false;
}

/* the section's values are times in ns (latency, softirq times) */
static bool in_ns(const struct diff_section *s)
{
	return !strcmp(s->unit, "ns");
}

/* a value of a side: a count (a mean with two decimals), or a time in ns; "-": no such row */
static const char *value_str(const struct diff_section *s, bool in, double v, char *buf, size_t len)
{
	if (!in)
		snprintf(buf, len, "-");
	else if (in_ns(s))
		latency_fmt_ns(v < 0 ? 0 : (uint64_t)v, buf, len);
	else
		snprintf(buf, len, v == floor(v) ? "%.0f" : "%.2f", v);
	return buf;
}

static const char *share_str(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100 * v);
	return buf;
}

static const char *rel_str(const struct diff_row *r, char *buf, size_t len)
{
	if (r->status == DIFF_NEW || r->status == DIFF_GONE || isinf(r->rel))
		snprintf(buf, len, "%s", diff_status_name(r->status));
	else
		snprintf(buf, len, "%+.1f%%", 100 * r->rel);
	return buf;
}

static void print_capture(FILE *out, const struct diff_result *d, const struct diff_section *s,
			  const struct diff_text_opts *o)
{
	int w = 6;

	if (!s->in_a || !s->in_b) {
		fprintf(out, "%s: not in %s\n", s->name, !s->in_a ? "A" : "B");
		return;
	}
	if (s->n_rows == s->n_same)
		fprintf(out, "%s: the same (kernel %s, host %s, method %s)\n", s->name,
			S(d->kernel_a), S(s->n_rows > 1 ? s->rows[1].a_text : NULL),
			S(s->n_rows > 3 ? s->rows[3].a_text : NULL));
	else
		fprintf(out, "%s: %zu differ%s\n", s->name, s->n_rows - s->n_same,
			s->n_rows - s->n_same == 1 ? "s" : "");
	for (size_t i = 0; i < s->n_rows; i++)
		if (o->all || s->rows[i].status != DIFF_SAME)
			w = (int)strlen(s->rows[i].what) > w ? (int)strlen(s->rows[i].what) : w;
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct diff_row *r = &s->rows[i];

		if (!o->all && r->status == DIFF_SAME)
			continue;
		fprintf(out, "  %-*s  %s → %s  (%s)\n", w, r->what, S(r->a_text), S(r->b_text),
			diff_status_name(r->status));
	}
}

/* s right-aligned in width terminal columns: "µ" and "→" are 2 and 3 bytes but 1 column */
static void col(FILE *out, const char *s, int width)
{
	int n = 0;

	for (const char *p = s; *p; p++)
		n += ((unsigned char)*p & 0xc0) != 0x80;
	fprintf(out, "%*s%s", n < width ? width - n : 0, "", s);
}

static void print_section(FILE *out, const struct diff_section *s, const struct diff_text_opts *o)
{
	bool sh = shares(s), rt = rates(s);
	size_t shown = 0, hidden = 0;
	char a[32], b[32], c[32], rel[32], sa[16], sb[16];

	if (!s->in_a || !s->in_b) {
		fprintf(out, "\n%s: not in %s\n", s->name,
			!s->in_a && !s->in_b ? "either trace" : !s->in_a ? "A" : "B");
		return;
	}
	fprintf(out, "\n%s: ", s->name);
	if (!s->n_rows) {
		fprintf(out, "none in either\n");
		return;
	}
	if (s->n_rows == s->n_same)
		fprintf(out, "the same (%zu row%s)\n", s->n_rows, s->n_rows == 1 ? "" : "s");
	else
		fprintf(out, "%zu changed, %zu the same%s\n", s->n_rows - s->n_same, s->n_same,
			s->n_same && !o->all ? " (--all shows them)" : "");
	if (s->n_rows == s->n_same && !o->all)
		return;
	fprintf(out, "  %10s %10s %10s %9s", "A", "B", "B - A", s->by_share ? "of share" : "change");
	if (sh)
		fprintf(out, " %8s %8s", "A share", "B share");
	fprintf(out, "  %s\n", s->row_label);
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct diff_row *r = &s->rows[i];

		if (!o->all && r->status == DIFF_SAME)
			continue;
		if (o->top && shown == o->top) {
			hidden++;
			continue;
		}
		shown++;
		if (in_ns(s))
			snprintf(c, sizeof(c), "%s%s", r->change < 0 ? "-" : "+",
				 latency_fmt_ns((uint64_t)fabs(r->change), a, sizeof(a)));
		else
			snprintf(c, sizeof(c), r->change == floor(r->change) ? "%+.0f" : "%+.2f",
				 r->change);
		fputs("  ", out);
		col(out, value_str(s, r->in_a, r->a, a, sizeof(a)), 10);
		col(out, value_str(s, r->in_b, r->b, b, sizeof(b)), 11);
		col(out, c, 11);
		col(out, rel_str(r, rel, sizeof(rel)), 10);
		if (sh)
			fprintf(out, " %8s %8s", share_str(r->share_a, sa, sizeof(sa)),
				share_str(r->share_b, sb, sizeof(sb)));
		fprintf(out, "  %s%s%s", r->what, r->detail ? " " : "", r->detail ? r->detail : "");
		if (rt && !isnan(r->rate_a) && !isnan(r->rate_b))
			fprintf(out, "  (%.1f/s → %.1f/s)", r->rate_a, r->rate_b);
		fprintf(out, "%s\n", r->status == DIFF_SAME ? "  (same)" : "");
	}
	if (hidden)
		fprintf(out, "  ... %zu more rows (--top 0 shows them)\n", hidden);
}

void diff_print_text(FILE *out, const struct diff_result *d, const struct diff_text_opts *o)
{
	fprintf(out, "diff: A = %s, B = %s\n", S(d->path_a), S(d->path_b));
	fprintf(out, "a change is one of %.4g%% or more", 100 * d->threshold);
	if (d->min_abs > 0)
		fprintf(out, " and of %.0f or more (counts)", d->min_abs);
	fprintf(out, "; %zu rows changed\n", d->n_changed);
	if (d->kernel_differs)
		fprintf(out, "!! the kernels differ (A: %s, B: %s): event names, drop reasons, locations"
			" and call paths can differ for that reason alone\n", d->kernel_a, d->kernel_b);
	fputc('\n', out);
	print_capture(out, d, &d->sec[DIFF_SEC_CAPTURE], o);
	for (size_t i = DIFF_SEC_CAPTURE + 1; i < DIFF_SEC__N; i++) {
		/* no kmem events in either trace: the first packet-memory section says so once */
		if (i > DIFF_SEC_SKBMEM && i <= DIFF_SEC_SKBMEM_LIFE && !d->sec[i].in_a && !d->sec[i].in_b)
			continue;
		print_section(out, &d->sec[i], o);
	}
	if (!d->n_changed)
		fprintf(out, "\nno change: every row is the same within the threshold\n");
}

/* counts as integers (%.6g would round 1234567); ns, deltas and shares as numbers */
static void json_number(struct json_writer *w, double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0)
		json_i64(w, (int64_t)v);
	else
		json_double(w, v); /* NAN and INFINITY: null */
}

static void json_num(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	json_number(w, v);
}

static void row_json(struct json_writer *w, const struct diff_section *s, const struct diff_row *r)
{
	json_obj_begin(w);
	json_kv_str(w, "what", r->what);
	json_kv_str(w, "detail", r->detail);
	json_kv_str(w, "status", diff_status_name(r->status));
	if (s->id == DIFF_SEC_CAPTURE) {
		json_kv_str(w, "a", r->a_text);
		json_kv_str(w, "b", r->b_text);
		json_obj_end(w);
		return;
	}
	json_key(w, "a");
	r->in_a ? json_number(w, r->a) : json_null(w);
	json_key(w, "b");
	r->in_b ? json_number(w, r->b) : json_null(w);
	json_num(w, "change", r->change);
	json_num(w, "relative_change", r->rel);
	json_num(w, "share_a", r->share_a);
	json_num(w, "share_b", r->share_b);
	json_num(w, "rate_a_per_s", r->rate_a);
	json_num(w, "rate_b_per_s", r->rate_b);
	json_obj_end(w);
}

void diff_print_json(FILE *out, const struct diff_result *d)
{
	struct json_writer *w = json_new(out);

	if (!w)
		return;
	json_obj_begin(w);
	json_kv_u64(w, "schema_version", DIFF_JSON_SCHEMA);
	json_key(w, "a");
	json_obj_begin(w);
	json_kv_str(w, "file", d->path_a);
	json_kv_str(w, "kernel", d->kernel_a);
	json_obj_end(w);
	json_key(w, "b");
	json_obj_begin(w);
	json_kv_str(w, "file", d->path_b);
	json_kv_str(w, "kernel", d->kernel_b);
	json_obj_end(w);
	json_kv_bool(w, "kernel_differs", d->kernel_differs);
	json_kv_double(w, "threshold", d->threshold);
	json_num(w, "min_abs_change", d->min_abs);
	json_kv_u64(w, "changed_rows", d->n_changed);
	json_key(w, "sections");
	json_obj_begin(w);
	for (size_t i = 0; i < DIFF_SEC__N; i++) {
		const struct diff_section *s = &d->sec[i];

		json_key(w, s->key);
		json_obj_begin(w);
		json_kv_str(w, "name", s->name);
		json_kv_str(w, "unit", s->unit);
		json_kv_bool(w, "in_a", s->in_a);
		json_kv_bool(w, "in_b", s->in_b);
		json_kv_u64(w, "changed_rows", s->n_rows - s->n_same);
		json_kv_u64(w, "same_rows", s->n_same);
		json_key(w, "rows");
		json_arr_begin(w);
		for (size_t k = 0; k < s->n_rows; k++)
			row_json(w, s, &s->rows[k]);
		json_arr_end(w);
		json_obj_end(w);
	}
	json_obj_end(w);
	json_obj_end(w);
	fputc('\n', out);
	json_free(w);
}
