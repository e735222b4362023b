// SPDX-License-Identifier: GPL-2.0
/* The views of a report: a table of renderers by name (render/views.h). */
#include <stdio.h>
#include <string.h>
#include "common/json.h"
#include "render/conns_out.h"
#include "render/counters_out.h"
#include "render/latency_out.h"
#include "render/layers_out.h"
#include "render/packets_out.h"
#include "render/report.h"
#include "render/segments_out.h"
#include "render/softirq_out.h"
#include "render/skbmem_out.h"
#include "render/syscalls_out.h"
#include "render/funcs_out.h"
#include "render/views.h"

static void summary_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	render_report_text(res, out);
}

static void summary_json(struct json_writer *w, const struct report_result *res,
			 const struct view_opts *o)
{
	render_report_json_members(w, res);
}

static void profile_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	render_profile_text(&res->profile, &o->profile, out);
}

static void profile_json(struct json_writer *w, const struct report_result *res,
			 const struct view_opts *o)
{
	json_key(w, "profile");
	render_profile_json(w, &res->profile, &o->profile);
}

static void callgraph_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	render_callgraph_text(&res->profile, &o->profile, out);
}

static void callgraph_json(struct json_writer *w, const struct report_result *res,
			   const struct view_opts *o)
{
	json_key(w, "callgraph");
	render_callgraph_json(w, &res->profile, &o->profile);
}

static void folded_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	render_callgraph_folded(&res->profile, out);
}

static void layers_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	if (res->layers)
		layers_out_text(res->layers, out, o->profile.top);
}

static void layers_json(struct json_writer *w, const struct report_result *res,
			const struct view_opts *o)
{
	json_key(w, "layers");
	if (res->layers)
		layers_out_json(res->layers, w);
	else
		json_null(w);
}

static void latency_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	latency_print_text(out, &res->latency);
}

static void latency_json(struct json_writer *w, const struct report_result *res,
			 const struct view_opts *o)
{
	json_key(w, "latency");
	latency_print_json(w, &res->latency);
}

static void counters_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	counters_print_text(out, &res->counters);
}

static void counters_json(struct json_writer *w, const struct report_result *res,
			  const struct view_opts *o)
{
	json_key(w, "counters");
	counters_print_json(w, &res->counters);
}

static void segments_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	segments_print_text(out, &res->segments, res->top);
}

static void segments_json(struct json_writer *w, const struct report_result *res,
			  const struct view_opts *o)
{
	json_key(w, "segments");
	segments_print_json(w, &res->segments);
}

static void syscalls_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	syscalls_print_text(out, &res->syscalls, res->top);
}

static void syscalls_json(struct json_writer *w, const struct report_result *res,
			  const struct view_opts *o)
{
	json_key(w, "syscalls");
	syscalls_print_json(w, &res->syscalls);
}

static void conns_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	conns_print_text(out, &res->conns, res->top);
}

static void conns_json(struct json_writer *w, const struct report_result *res,
		       const struct view_opts *o)
{
	json_key(w, "conns");
	conns_print_json(w, &res->conns);
}

static void packets_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	packets_print_text(out, &res->journeys);
}

static void packets_json(struct json_writer *w, const struct report_result *res,
			 const struct view_opts *o)
{
	json_key(w, "packets");
	packets_print_json(w, &res->journeys);
}

static void interrupts_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	softirq_print_text(out, &res->softirq, res->top);
}

static void interrupts_json(struct json_writer *w, const struct report_result *res,
			    const struct view_opts *o)
{
	json_key(w, "interrupts");
	softirq_print_json(w, &res->softirq);
}

static void skbmem_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	skbmem_print_text(out, &res->skbmem, res->top);
}

static void skbmem_json(struct json_writer *w, const struct report_result *res,
			const struct view_opts *o)
{
	json_key(w, "skb_memory");
	skbmem_print_json(w, &res->skbmem);
}

static void funcs_text(const struct report_result *res, const struct view_opts *o, FILE *out)
{
	funcs_print_text(out, &res->funcs, res->top);
}

static void funcs_json(struct json_writer *w, const struct report_result *res,
		       const struct view_opts *o)
{
	json_key(w, "funcs");
	funcs_print_json(w, &res->funcs);
}

const struct view_desc view_table[] = {
	{ "summary", RR_PART_DEFAULT, "the default report: counts, drops, TCP, journeys, call paths",
	  summary_text, summary_json },
	{ "profile", RR_PART_PROFILE, "kernel functions by CPU samples (self, total), events per CPU",
	  profile_text, profile_json },
	{ "callgraph", RR_PART_PROFILE, "every stack merged into one call tree, as function_graph",
	  callgraph_text, callgraph_json },
	{ "folded", RR_PART_PROFILE, "the call graph as folded stacks, for flame-graph tools",
	  folded_text, NULL },
	{ "layers", RR_PART_LAYERS, "the stack's layers and the functions at their boundaries",
	  layers_text, layers_json },
	{ "latency", RR_PART_LATENCY, "per-stage gaps of each packet: p50, p90, p99, max",
	  latency_text, latency_json },
	{ "counters", RR_PART_COUNTERS, "the namespaces' kernel counters before and after",
	  counters_text, counters_json },
	{ "segments", RR_PART_SEGMENTS, "TCP segments per namespace by flags, fate of received SYNs",
	  segments_text, segments_json },
	{ "syscalls", RR_PART_SYSCALLS, "socket syscalls per process: calls, errors, time in the call",
	  syscalls_text, syscalls_json },
	{ "conns", RR_PART_CONNS, "TCP connections: segments in order with seq/ack, states, srtt",
	  conns_text, conns_json },
	{ "packets", RR_PART_JOURNEYS, "single packets (the first ones and the dropped ones), each event",
	  packets_text, packets_json, true },
	{ "interrupts", RR_PART_SOFTIRQ, "softirq runs: raise, entry, exit, where, packets, polls; hardirqs",
	  interrupts_text, interrupts_json },
	{ "skb-memory", RR_PART_SKBMEM, "packet memory: allocations by cache and call site, GFP, lifetimes",
	  skbmem_text, skbmem_json },
	{ "funcs", RR_PART_FUNCS, "kernel functions (--funcs): calls, packets, time from entry to return",
	  funcs_text, funcs_json },
	{ NULL },
};

const struct view_desc *view_find(const char *name)
{
	for (const struct view_desc *v = view_table; name && v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

void view_names(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (const struct view_desc *v = view_table; v->name && at < len; v++)
		at += snprintf(buf + at, len - at, "%s%s", at ? ", " : "", v->name);
}
