// SPDX-License-Identifier: GPL-2.0
/*
 * The "funcs" view: kernel functions by calls, the function profile per
 * CPU (ftrace's trace_stat) and the nested calls (function_graph), text or
 * JSON, from the result only.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include "render/funcs_out.h"
#include "render/latency_out.h"

/*
 * The sample variance of n times, in ns^2: trace_stat's "s^2" column,
 * (n * sum(t^2) - sum(t)^2) / (n * (n - 1)); 0 below two samples.
 */
double funcs_variance_ns2(uint64_t n, uint64_t total_ns, double sumsq_ns2)
{
	double v;

	if (n < 2)
		return 0;
	v = ((double)n * sumsq_ns2 - (double)total_ns * (double)total_ns) / ((double)n * (n - 1));
	return v > 0 ? v : 0; /* rounding of equal times */
}

static const char *name_of(const struct funcs_result *r, uint32_t row)
{
	return row < r->n_rows ? r->rows[row].name : "?";
}

/* trace_stat/functionN: per CPU, its functions by hits */
static void print_profile(FILE *out, const struct funcs_result *r, unsigned int top)
{
	size_t shown = 0;
	int cpu = -1;

	fprintf(out, "\nfunction profile per CPU (as ftrace's trace_stat/functionN)%s\n",
		r->calls_only ? ": hits only, the function tracer records no returns" : "");
	for (size_t i = 0; i < r->n_cpu_rows; i++) {
		const struct func_cpu_row *c = &r->cpu_rows[i];
		char time[16] = "-", avg[16] = "-", s2[32] = "-";

		if (c->cpu != cpu) {
			cpu = c->cpu;
			shown = 0;
			fprintf(out, "  cpu %d\n  %-40s %9s %10s %10s %14s\n", cpu, "Function", "Hit",
				"Time", "Avg", "s^2");
		}
		if (top && shown++ >= top)
			continue;
		if (c->timed) {
			latency_fmt_ns(c->total_ns, time, sizeof(time));
			latency_fmt_ns(c->total_ns / c->timed, avg, sizeof(avg));
			snprintf(s2, sizeof(s2), "%.3f us^2",
				 funcs_variance_ns2(c->timed, c->total_ns, c->sumsq_ns2) / 1e6);
		}
		fprintf(out, "  %-40s %9" PRIu64 " %10s %10s %14s\n", name_of(r, c->row), c->hits, time,
			avg, s2);
	}
}

/* function_graph's nesting, summed: each path of callers once */
static void print_graph(FILE *out, const struct funcs_result *r, unsigned int top)
{
	fprintf(out, "\nnested calls (traced callers only; calls, average and total time)\n");
	for (size_t i = 0; i < r->n_graph; i++) {
		const struct func_graph_node *g = &r->graph[i];
		char avg[16] = "-", total[16] = "-";
		int indent = 2 + 2 * (int)g->depth;

		if (top && i >= top) {
			fprintf(out, "  ... %zu more\n", r->n_graph - i);
			break;
		}
		if (g->timed) {
			latency_fmt_ns(g->total_ns / g->timed, avg, sizeof(avg));
			latency_fmt_ns(g->total_ns, total, sizeof(total));
		}
		fprintf(out, "%*s%-*s %9" PRIu64 " %9s %9s\n", indent, "", indent < 44 ? 44 - indent : 1,
			name_of(r, g->row), g->calls, avg, total);
	}
	if (r->abandoned || r->graph_cut)
		fprintf(out, "  (%" PRIu64 " calls without their return: before or after the capture, "
			"or lost; %" PRIu64 " past the graph's caps)\n", r->abandoned, r->graph_cut);
}

void funcs_print_text(FILE *out, const struct funcs_result *r, unsigned int top)
{
	size_t shown = 0;

	if (top == UINT_MAX)
		top = 0;
	if (!r->entries && !r->exits) {
		fprintf(out, "funcs: the trace holds no kernel function events; record with --funcs "
			"GLOB or --method bpf-func where the kernel allows fentry, kprobe.multi or "
			"kprobes (netscope doctor)\n");
		return;
	}
	fprintf(out, "kernel functions (%s): %" PRIu64 " calls, %" PRIu64 " returns",
		r->method[0] ? r->method : "?", r->entries, r->exits);
	if (r->unmatched_exits)
		fprintf(out, ", %" PRIu64 " returns without their call", r->unmatched_exits);
	fprintf(out, "\n  %-40s %9s %9s %9s %9s %9s\n", "function", "calls", "packets", "avg", "max",
		"total");
	for (size_t i = 0; i < r->n_rows; i++, shown++) {
		const struct func_row *f = &r->rows[i];
		char avg[16] = "-", max[16] = "-", total[16] = "-";

		if (top && shown >= top) {
			fprintf(out, "  ... %zu more\n", r->n_rows - i);
			break;
		}
		if (f->timed) {
			latency_fmt_ns(f->total_ns / f->timed, avg, sizeof(avg));
			latency_fmt_ns(f->max_ns, max, sizeof(max));
			latency_fmt_ns(f->total_ns, total, sizeof(total));
		}
		fprintf(out, "  %-40s %9" PRIu64 " %9" PRIu64 " %9s %9s %9s\n", f->name, f->calls,
			f->packets, avg, max, total);
	}
	if (r->rows_overflow)
		fprintf(out, "  (%" PRIu64 " events of functions beyond the row cap not counted)\n",
			r->rows_overflow);
	if (r->ftrace)
		fprintf(out, "  (ftrace passes no arguments: no packets; its instance sees every "
			"namespace of the machine)\n");
	if (r->overrun)
		fprintf(out, "  (function_graph's return stack overflowed: %" PRIu64 " calls not "
			"traced)\n", r->overrun);
	if (r->n_cpu_rows)
		print_profile(out, r, top);
	if (r->n_graph)
		print_graph(out, r, top);
}

void funcs_print_json(struct json_writer *w, const struct funcs_result *r)
{
	json_obj_begin(w);
	json_kv_str(w, "method", r->method);
	json_kv_u64(w, "calls", r->entries);
	json_kv_u64(w, "returns", r->exits);
	json_kv_u64(w, "unmatched_returns", r->unmatched_exits);
	json_kv_u64(w, "rows_overflow", r->rows_overflow);
	json_kv_bool(w, "ftrace", r->ftrace);
	json_kv_bool(w, "calls_only", r->calls_only);
	json_kv_u64(w, "abandoned_calls", r->abandoned);
	json_kv_u64(w, "graph_cut", r->graph_cut);
	json_kv_u64(w, "overrun", r->overrun);
	json_key(w, "functions");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct func_row *f = &r->rows[i];

		json_obj_begin(w);
		json_kv_str(w, "function", f->name);
		json_kv_u64(w, "calls", f->calls);
		json_kv_u64(w, "returns", f->returns);
		json_kv_u64(w, "packets", f->packets);
		json_kv_u64(w, "timed", f->timed);
		json_kv_u64(w, "total_ns", f->total_ns);
		json_kv_u64(w, "max_ns", f->max_ns);
		json_kv_double(w, "s2_ns2", funcs_variance_ns2(f->timed, f->total_ns, f->sumsq_ns2));
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "per_cpu");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_cpu_rows; i++) {
		const struct func_cpu_row *c = &r->cpu_rows[i];

		json_obj_begin(w);
		json_kv_u64(w, "cpu", c->cpu);
		json_kv_str(w, "function", name_of(r, c->row));
		json_kv_u64(w, "hits", c->hits);
		json_kv_u64(w, "timed", c->timed);
		json_kv_u64(w, "total_ns", c->total_ns);
		json_kv_u64(w, "avg_ns", c->timed ? c->total_ns / c->timed : 0);
		json_kv_double(w, "s2_ns2", funcs_variance_ns2(c->timed, c->total_ns, c->sumsq_ns2));
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "graph");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_graph; i++) {
		const struct func_graph_node *g = &r->graph[i];

		json_obj_begin(w);
		json_kv_str(w, "function", name_of(r, g->row));
		json_kv_u64(w, "depth", g->depth);
		json_kv_u64(w, "calls", g->calls);
		json_kv_u64(w, "timed", g->timed);
		json_kv_u64(w, "total_ns", g->total_ns);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
