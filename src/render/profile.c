// SPDX-License-Identifier: GPL-2.0
/* The profile and call graph as text, JSON and folded stacks (render/profile.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "common/json.h"
#include "render/profile.h"
#include "trace/model.h"

#define DEFAULT_TOP 20

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static unsigned int top_of(const struct profile_view *v)
{
	return v && v->top ? v->top : DEFAULT_TOP;
}

static uint64_t min_of(const struct profile_view *v)
{
	return v && v->min_count ? v->min_count : 1;
}

static bool node_shown(const struct sp_node *n, const struct profile_view *v)
{
	if (v && v->depth && n->depth >= v->depth)
		return false;
	return n->samples + n->events + n->calls >= min_of(v);
}

/* samples counted, with a kernel stack: the base of the self% and total% columns */
static uint64_t stacked(const struct stackprof_result *r)
{
	return r->samples - r->samples_idle - r->samples_other - r->samples_no_stack;
}

void render_profile_text(const struct stackprof_result *r, const struct profile_view *v, FILE *out)
{
	const char *globs = v ? v->funcs : NULL;
	unsigned int shown = 0, top = top_of(v);
	uint64_t base = stacked(r), rest = 0, matched = 0;

	if (!r->samples) {
		fprintf(out, "profile: no CPU samples in this trace (record with --sample-freq HZ)\n");
	} else {
		fprintf(out, "profile: %" PRIu64 " CPU samples", r->samples);
		if (r->sample_hz > 0)
			fprintf(out, " at %.0f Hz (%.3f s of CPU)", r->sample_hz,
				(double)r->samples / r->sample_hz);
		uint64_t counted = r->samples - r->samples_idle - r->samples_other;

		fprintf(out, "; of the %" PRIu64 " counted: task %.1f%%, softirq %.1f%%, hardirq %.1f%%",
			counted, pct(r->samples_by_ctx[NS_CTX_TASK], counted),
			pct(r->samples_by_ctx[NS_CTX_SOFTIRQ], counted),
			pct(r->samples_by_ctx[NS_CTX_HARDIRQ], counted));
		fprintf(out, "; %" PRIu64 " without a kernel stack (user mode)\n", r->samples_no_stack);
		if (r->samples_idle || r->samples_other)
			fprintf(out, "  not counted below: %" PRIu64 " idle, %" PRIu64
				" in tasks of other namespaces than the lab's\n", r->samples_idle,
				r->samples_other);
	}
	fprintf(out, "  kernel functions%s%s%s, by CPU samples on the stack (total) then innermost (self)\n",
		globs ? " matching '" : "", globs ? globs : "", globs ? "'" : "");
	for (size_t i = 0; i < r->n_funcs; i++)
		if (r->funcs[i].hits) {
			fprintf(out, "  (N calls): every entry of a traced kernel function, counted exactly "
				"(func_entry events)\n");
			break;
		}
	fprintf(out, "     total  total%%      self   self%%  %10s  ev-stacks  function\n",
		r->sample_hz > 0 ? "time" : "");
	for (size_t i = 0; i < r->n_funcs; i++) {
		const struct sp_func *f = &r->funcs[i];

		if (!stackprof_name_matches(globs, f->name))
			continue;
		if (!f->total && !f->event_stacks && !f->hits)
			continue;
		matched++;
		if (shown >= top) {
			rest += f->total;
			continue;
		}
		shown++;
		fprintf(out, "  %8" PRIu64 "  %5.1f%%  %8" PRIu64 "  %5.1f%%  ", f->total,
			pct(f->total, base), f->self, pct(f->self, base));
		if (r->sample_hz > 0)
			fprintf(out, "%9.3fms", 1000.0 * (double)f->total / r->sample_hz);
		else
			fprintf(out, "%10s", "");
		fprintf(out, "  %9" PRIu64 "  %s", f->event_stacks, f->name);
		if (f->hits)
			fprintf(out, "  (%" PRIu64 " calls)", f->hits);
		fputc('\n', out);
	}
	if (matched > shown)
		fprintf(out, "  ... %" PRIu64 " more functions (%" PRIu64 " samples on their stacks)\n",
			matched - shown, rest);
	if (!matched)
		fprintf(out, "  (none)\n");
	if (r->funcs_cut)
		fprintf(out, "  %" PRIu64 " frames not counted: more than %d distinct functions\n",
			r->funcs_cut, STACKPROF_FUNCS_MAX);
	if (!r->n_tracepoints)
		return;
	fprintf(out, "  events per tracepoint and CPU\n     count      rate/s");
	for (unsigned int c = 0; c < r->n_cpus; c++)
		fprintf(out, "  %8s%u", "cpu", c);
	fprintf(out, "  event\n");
	for (size_t i = 0; i < r->n_tracepoints; i++) {
		const struct sp_tracepoint *t = &r->tracepoints[i];

		fprintf(out, "  %8" PRIu64 "  %10.1f", t->count,
			r->span_ns ? (double)t->count * 1e9 / (double)r->span_ns : 0.0);
		for (unsigned int c = 0; c < r->n_cpus; c++)
			fprintf(out, "  %9" PRIu64, t->per_cpu[c]);
		fprintf(out, "  %s\n", ns_event_name(t->type));
	}
}

void render_profile_json(struct json_writer *w, const struct stackprof_result *r,
			 const struct profile_view *v)
{
	const char *globs = v ? v->funcs : NULL;
	static const char *const ctx[] = { "unknown", "task", "softirq", "hardirq", "nmi" };

	json_obj_begin(w);
	json_kv_u64(w, "samples", r->samples);
	if (r->sample_hz > 0)
		json_kv_double(w, "sample_hz", r->sample_hz);
	else
		json_key(w, "sample_hz"), json_null(w);
	json_kv_u64(w, "samples_without_kernel_stack", r->samples_no_stack);
	json_kv_u64(w, "samples_idle", r->samples_idle);
	json_kv_u64(w, "samples_other_namespaces", r->samples_other);
	json_key(w, "samples_by_context");
	json_obj_begin(w);
	for (int c = 0; c < 5; c++)
		json_kv_u64(w, ctx[c], r->samples_by_ctx[c]);
	json_obj_end(w);
	json_kv_u64(w, "event_stacks", r->event_stacks);
	if (globs)
		json_kv_str(w, "filter", globs);
	else
		json_key(w, "filter"), json_null(w);
	json_kv_u64(w, "functions_cut", r->funcs_cut);
	json_key(w, "functions");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_funcs; i++) {
		const struct sp_func *f = &r->funcs[i];

		if (!stackprof_name_matches(globs, f->name) || (!f->total && !f->event_stacks && !f->hits))
			continue;
		json_obj_begin(w);
		json_kv_str(w, "function", f->name);
		json_kv_u64(w, "total", f->total);
		json_kv_u64(w, "self", f->self);
		if (r->sample_hz > 0) {
			json_kv_double(w, "total_s", (double)f->total / r->sample_hz);
			json_kv_double(w, "self_s", (double)f->self / r->sample_hz);
		}
		json_kv_u64(w, "event_stacks", f->event_stacks);
		json_kv_u64(w, "calls", f->hits);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "tracepoints");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_tracepoints; i++) {
		const struct sp_tracepoint *t = &r->tracepoints[i];

		json_obj_begin(w);
		json_kv_str(w, "event", ns_event_name(t->type));
		json_kv_u64(w, "count", t->count);
		if (r->span_ns)
			json_kv_double(w, "rate", (double)t->count * 1e9 / (double)r->span_ns);
		else
			json_key(w, "rate"), json_null(w);
		json_key(w, "per_cpu");
		json_arr_begin(w);
		for (unsigned int c = 0; c < r->n_cpus; c++)
			json_u64(w, t->per_cpu[c]);
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

void render_callgraph_text(const struct stackprof_result *r, const struct profile_view *v,
			   FILE *out)
{
	uint64_t hidden = 0;
	unsigned int hide_below = UINT32_MAX;

	fprintf(out, "call graph: %" PRIu64 " CPU samples and %" PRIu64
		" event stacks merged from the outermost frame", stacked(r), r->event_stacks);
	if (r->function_calls)
		fprintf(out, ", %" PRIu64 " nested function calls from their outermost traced "
			"caller", r->function_calls);
	if (v && v->depth)
		fprintf(out, ", %u levels", v->depth);
	fprintf(out, ", nodes of weight >= %" PRIu64 "\n", min_of(v));
	if (!r->n_nodes) {
		fprintf(out, "  (no stacks)\n");
		return;
	}
	fprintf(out, "   samples   events%s  function\n", r->function_calls ? "     calls" : "");
	for (size_t i = 0; i < r->n_nodes; i++) {
		const struct sp_node *n = &r->nodes[i];

		/* a hidden node hides its subtree: preorder, deeper nodes follow it */
		if (n->depth > hide_below) {
			continue;
		}
		hide_below = UINT32_MAX;
		if (!node_shown(n, v)) {
			hide_below = n->depth;
			hidden++;
			continue;
		}
		fprintf(out, "  %8" PRIu64 " %8" PRIu64, n->samples, n->events);
		if (r->function_calls)
			fprintf(out, " %9" PRIu64, n->calls);
		fprintf(out, "  %*s%s\n", (int)(2 * n->depth), "", n->function);
	}
	if (hidden)
		fprintf(out, "  %" PRIu64 " subtrees below the depth or weight shown are left out\n",
			hidden);
	if (r->nodes_cut)
		fprintf(out, "  %" PRIu64 " stacks cut: more than %d nodes\n", r->nodes_cut,
			STACKPROF_NODES_MAX);
}

void render_callgraph_json(struct json_writer *w, const struct stackprof_result *r,
			   const struct profile_view *v)
{
	unsigned int hide_below = UINT32_MAX;

	json_obj_begin(w);
	json_kv_u64(w, "samples", stacked(r));
	json_kv_u64(w, "event_stacks", r->event_stacks);
	json_kv_u64(w, "stacks_cut", r->nodes_cut);
	json_kv_u64(w, "function_calls", r->function_calls);
	json_key(w, "nodes");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_nodes; i++) {
		const struct sp_node *n = &r->nodes[i];

		if (n->depth > hide_below)
			continue;
		hide_below = UINT32_MAX;
		if (!node_shown(n, v)) {
			hide_below = n->depth;
			continue;
		}
		json_obj_begin(w);
		json_kv_str(w, "function", n->function);
		json_kv_u64(w, "depth", n->depth);
		json_kv_u64(w, "samples", n->samples);
		json_kv_u64(w, "events", n->events);
		json_kv_u64(w, "calls", n->calls);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

bool render_callgraph_by_samples(const struct stackprof_result *r)
{
	return stacked(r) > 0;
}

void render_callgraph_stacks(const struct stackprof_result *r, callgraph_stack_fn fn, void *arg)
{
	bool by_samples = render_callgraph_by_samples(r);
	const char *path[NS_STACK_DEPTH + 1];

	for (size_t i = 0; i < r->n_nodes; i++) {
		const struct sp_node *n = &r->nodes[i];
		uint64_t w = by_samples ? n->samples : n->events, below = 0;

		if (n->depth > NS_STACK_DEPTH)
			continue;
		path[n->depth] = n->function;
		/* self weight: what the node has beyond its children (the next
		 * nodes of depth + 1 until the depth falls back) */
		for (size_t k = i + 1; k < r->n_nodes && r->nodes[k].depth > n->depth; k++)
			if (r->nodes[k].depth == n->depth + 1)
				below += by_samples ? r->nodes[k].samples : r->nodes[k].events;
		if (w <= below)
			continue;
		fn(arg, path, n->depth + 1, w - below);
	}
}

static void print_folded(void *arg, const char *const *path, unsigned int n, uint64_t weight)
{
	FILE *out = arg;

	for (unsigned int d = 0; d < n; d++)
		fprintf(out, "%s%s", d ? ";" : "", path[d]);
	fprintf(out, " %" PRIu64 "\n", weight);
}

void render_callgraph_folded(const struct stackprof_result *r, FILE *out)
{
	render_callgraph_stacks(r, print_folded, out);
}
