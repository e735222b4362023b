// SPDX-License-Identifier: GPL-2.0
/* The "latency" view: a table of stage pairs and totals, text or JSON. */
#include <inttypes.h>
#include <stdio.h>
#include "render/latency_out.h"

const char *latency_fmt_ns(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		double div;
		const char *unit;
	} units[] = { { 1e9, "s" }, { 1e6, "ms" }, { 1e3, "µs" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double v = (double)ns / units[i].div;

		if (v < 1)
			continue;
		snprintf(buf, len, v < 10 ? "%.2f%s" : v < 100 ? "%.1f%s" : "%.0f%s", v, units[i].unit);
		return buf;
	}
	snprintf(buf, len, "%" PRIu64 "ns", ns);
	return buf;
}

/* columns label takes on a terminal: "→" is 3 bytes of UTF-8 but 1 column */
static int columns(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void stats_line(FILE *out, const char *label, const struct latency_stats *s)
{
	char a[16], b[16], c[16], d[16], e[16];
	int pad = 20 - columns(label);

	fprintf(out, "  %s%*s  n=%-8" PRIu64, label, pad > 0 ? pad : 0, "", s->count);
	if (s->count)
		fprintf(out, "  min %-7s p50 %-7s p90 %-7s p99 %-7s max %s",
			latency_fmt_ns(s->min_ns, a, sizeof(a)), latency_fmt_ns(s->p50_ns, b, sizeof(b)),
			latency_fmt_ns(s->p90_ns, c, sizeof(c)), latency_fmt_ns(s->p99_ns, d, sizeof(d)),
			latency_fmt_ns(s->max_ns, e, sizeof(e)));
	fputc('\n', out);
}

void latency_print_text(FILE *out, const struct latency_result *r)
{
	fprintf(out, "latency between stages: %" PRIu64 " packets, %" PRIu64 " ended\n",
		r->packets, r->ended);
	if (!r->n_pairs)
		fprintf(out, "  no packet went from one stage to another\n");
	for (size_t i = 0; i < r->n_pairs; i++) {
		char label[48];

		snprintf(label, sizeof(label), "%s → %s", r->pairs[i].from, r->pairs[i].to);
		stats_line(out, label, &r->pairs[i].gap);
	}
	fprintf(out, "total, first event → end (packets whose first event was seen):\n");
	stats_line(out, "any end", &r->total);
	stats_line(out, "dropped", &r->total_dropped);
	stats_line(out, "consumed", &r->total_consumed);
	fprintf(out, "percentiles are bucket upper bounds, at most %.1f%% above the exact value\n",
		r->rel_error * 100);
	if (r->partial)
		fprintf(out, "%" PRIu64 " packets began before the trace: their gaps count, "
			"their totals do not\n", r->partial);
	if (r->evicted)
		fprintf(out, "warning: %" PRIu64 " packets evicted: more than %zu alive at once\n",
			r->evicted, r->live_max);
	if (r->unended)
		fprintf(out, "%" PRIu64 " packets not ended when the trace did (or id reused)\n",
			r->unended);
	if (r->reordered)
		fprintf(out, "%" PRIu64 " events older than their packet's previous one: "
			"gap taken as 0\n", r->reordered);
}

static void stats_json(struct json_writer *w, const char *key, const struct latency_stats *s)
{
	json_key(w, key);
	json_obj_begin(w);
	json_kv_u64(w, "count", s->count);
	json_kv_u64(w, "min_ns", s->min_ns);
	json_kv_u64(w, "p50_ns", s->p50_ns);
	json_kv_u64(w, "p90_ns", s->p90_ns);
	json_kv_u64(w, "p99_ns", s->p99_ns);
	json_kv_u64(w, "max_ns", s->max_ns);
	json_obj_end(w);
}

void latency_print_json(struct json_writer *w, const struct latency_result *r)
{
	json_obj_begin(w);
	json_key(w, "pairs");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_pairs; i++) {
		json_obj_begin(w);
		json_kv_str(w, "from", r->pairs[i].from);
		json_kv_str(w, "to", r->pairs[i].to);
		stats_json(w, "gap", &r->pairs[i].gap);
		json_obj_end(w);
	}
	json_arr_end(w);
	stats_json(w, "total", &r->total);
	stats_json(w, "total_dropped", &r->total_dropped);
	stats_json(w, "total_consumed", &r->total_consumed);
	json_kv_u64(w, "packets", r->packets);
	json_kv_u64(w, "ended", r->ended);
	json_kv_u64(w, "partial", r->partial);
	json_kv_u64(w, "evicted", r->evicted);
	json_kv_u64(w, "unended", r->unended);
	json_kv_u64(w, "reordered", r->reordered);
	json_kv_u64(w, "events_used", r->events_used);
	json_kv_u64(w, "events_skipped", r->events_skipped);
	json_kv_u64(w, "live_max", r->live_max);
	json_kv_double(w, "percentile_max_relative_error", r->rel_error);
	json_obj_end(w);
}
