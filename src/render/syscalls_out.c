// SPDX-License-Identifier: GPL-2.0
/* The "syscalls" view: per namespace tables, text or JSON, from the result only. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include "render/latency_out.h"
#include "render/syscalls_out.h"

/* a view of a trace without syscall events tells how to get some */
#define HOW_TO_RECORD "record with --events default,syscalls (the socket calls of the " \
		      "captured namespaces or --pid)"

static void ns_title(FILE *out, const struct sys_netns *n)
{
	if (n->label[0])
		fprintf(out, "namespace %s (%s, inode %u)", n->label, n->name, n->inode);
	else
		fprintf(out, "namespace inode %u", n->inode);
	fprintf(out, ": %" PRIu64 " calls, %" PRIu64 " failed\n", n->calls, n->errors);
}

static void row_line(FILE *out, const struct sys_row *r)
{
	char total[16], max[16], avg[16], err[48] = "";

	if (r->errors)
		snprintf(err, sizeof(err), "%s %" PRIu64, r->top_error, r->top_error_count);
	fprintf(out, "  %-16s %-14s %8" PRIu64 " %8" PRIu64 "  %-20s %9s %9s %9s\n", r->comm,
		r->name, r->calls, r->errors, err,
		latency_fmt_ns(r->calls ? r->total_ns / r->calls : 0, avg, sizeof(avg)),
		latency_fmt_ns(r->max_ns, max, sizeof(max)),
		latency_fmt_ns(r->total_ns, total, sizeof(total)));
}

void syscalls_print_text(FILE *out, const struct syscalls_result *r, unsigned int top)
{
	if (top == UINT_MAX)
		top = 0;
	if (!r->events) {
		fprintf(out, "syscalls: the trace holds no syscall events; " HOW_TO_RECORD "\n");
		return;
	}
	fprintf(out, "socket-related syscalls: %" PRIu64 " enters, %" PRIu64 " exits\n",
		r->enters, r->exits);
	for (size_t i = 0, at = 0; i < r->n_ns; i++) {
		size_t shown = 0, more = 0;

		fputc('\n', out);
		ns_title(out, &r->ns[i]);
		fprintf(out, "  %-16s %-14s %8s %8s  %-20s %9s %9s %9s\n", "comm", "syscall", "calls",
			"failed", "most common error", "avg", "max", "total");
		for (; at < r->n_rows && r->rows[at].netns == r->ns[i].inode; at++) {
			if (top && shown >= top) {
				more++;
				continue;
			}
			row_line(out, &r->rows[at]);
			shown++;
		}
		if (more)
			fprintf(out, "  %zu more rows (--top 0 shows all)\n", more);
	}
	fprintf(out, "\nsyscalls seen (the capture keeps only socket-related numbers; read, write,\n"
		"close and the waits may also have been on other files):");
	for (size_t i = 0; i < r->n_names; i++)
		fprintf(out, "%s %s %" PRIu64, i ? "," : "", r->names[i].name, r->names[i].calls);
	fputc('\n', out);
	if (r->open_at_end)
		fprintf(out, "%" PRIu64 " calls still in progress when the trace ended "
			"(blocked in a wait): not counted\n", r->open_at_end);
	if (r->unmatched_exits || r->unmatched_enters)
		fprintf(out, "warning: %" PRIu64 " exits without their enter, %" PRIu64
			" enters without their exit (lost events, or begun before the trace)\n",
			r->unmatched_exits, r->unmatched_enters);
	if (r->reordered)
		fprintf(out, "%" PRIu64 " exits stamped before their enter (another CPU's clock): "
			"time taken as 0\n", r->reordered);
	if (r->tids_evicted)
		fprintf(out, "warning: %" PRIu64 " pending calls evicted: more than %zu threads "
			"in a call at once\n", r->tids_evicted, r->tids_max);
	if (r->rows_overflow)
		fprintf(out, "warning: %" PRIu64 " calls beyond the row table: not counted\n",
			r->rows_overflow);
}

void syscalls_print_json(struct json_writer *w, const struct syscalls_result *r)
{
	json_obj_begin(w);
	json_kv_u64(w, "events", r->events);
	json_key(w, "hint");
	if (r->events)
		json_null(w);
	else
		json_str(w, HOW_TO_RECORD);
	json_kv_u64(w, "enters", r->enters);
	json_kv_u64(w, "exits", r->exits);
	json_key(w, "namespaces");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_ns; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "inode", r->ns[i].inode);
		json_kv_str(w, "name", r->ns[i].name);
		json_kv_str(w, "label", r->ns[i].label);
		json_kv_u64(w, "calls", r->ns[i].calls);
		json_kv_u64(w, "errors", r->ns[i].errors);
		json_kv_u64(w, "total_ns", r->ns[i].total_ns);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "rows");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct sys_row *s = &r->rows[i];

		json_obj_begin(w);
		json_kv_u64(w, "netns", s->netns);
		json_kv_str(w, "label", s->label);
		json_kv_str(w, "comm", s->comm);
		json_kv_str(w, "syscall", s->name);
		json_kv_u64(w, "nr", s->nr);
		json_kv_u64(w, "calls", s->calls);
		json_kv_u64(w, "errors", s->errors);
		json_key(w, "top_error");
		if (s->errors)
			json_str(w, s->top_error);
		else
			json_null(w);
		json_kv_u64(w, "top_error_count", s->top_error_count);
		json_kv_u64(w, "total_ns", s->total_ns);
		json_kv_u64(w, "max_ns", s->max_ns);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "syscalls_seen");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_names; i++) {
		json_obj_begin(w);
		json_kv_str(w, "syscall", r->names[i].name);
		json_kv_u64(w, "calls", r->names[i].calls);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "unmatched_exits", r->unmatched_exits);
	json_kv_u64(w, "unmatched_enters", r->unmatched_enters);
	json_kv_u64(w, "open_at_end", r->open_at_end);
	json_kv_u64(w, "reordered", r->reordered);
	json_kv_u64(w, "tids_evicted", r->tids_evicted);
	json_kv_u64(w, "tids_max", r->tids_max);
	json_kv_u64(w, "rows_overflow", r->rows_overflow);
	json_obj_end(w);
}
