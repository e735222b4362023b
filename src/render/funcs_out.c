// SPDX-License-Identifier: GPL-2.0
/* The "funcs" view: kernel functions by calls, text or JSON, from the result only. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include "render/funcs_out.h"
#include "render/latency_out.h"

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
}

void funcs_print_json(struct json_writer *w, const struct funcs_result *r)
{
	json_obj_begin(w);
	json_kv_str(w, "method", r->method);
	json_kv_u64(w, "calls", r->entries);
	json_kv_u64(w, "returns", r->exits);
	json_kv_u64(w, "unmatched_returns", r->unmatched_exits);
	json_kv_u64(w, "rows_overflow", r->rows_overflow);
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
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
