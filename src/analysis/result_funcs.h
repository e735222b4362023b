/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The funcs view's result: the kernel functions a trace recorded with
 * --funcs / --method bpf-func saw (func_entry / func_exit events), per
 * function: calls, returns, the packets that passed, and with fexit or
 * ftrace's function_graph the time from entry to return, per CPU as
 * ftrace's function profile (trace_stat) has it, and the calls nested
 * into a call graph (render/funcs_out.c).
 */
#ifndef NS_ANALYSIS_RESULT_FUNCS_H
#define NS_ANALYSIS_RESULT_FUNCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct func_row {
	char name[64];		/* from the trace's symbols; "0x..." without them */
	uint64_t calls;		/* func_entry events */
	uint64_t returns;	/* func_exit events */
	uint64_t packets;	/* entries that carried a packet id */
	uint64_t timed;		/* returns matched to their entry (same thread, nesting) */
	uint64_t total_ns, max_ns; /* entry -> return of the timed ones */
	double sumsq_ns2;	/* sum of the squared times: the variance (trace_stat's s^2) */
};

/* one function on one CPU: ftrace's trace_stat/functionN line */
struct func_cpu_row {
	uint32_t row;		/* index in funcs_result.rows */
	uint16_t cpu;
	uint64_t hits;		/* entries on this CPU */
	uint64_t timed;		/* returns matched to their entry */
	uint64_t total_ns;
	double sumsq_ns2;
};

/* one node of the call graph of the function events, in preorder */
struct func_graph_node {
	uint32_t row;		/* the function: index in funcs_result.rows */
	unsigned int depth;	/* 0: a root (no traced caller open) */
	uint64_t calls, timed, total_ns;
};

struct funcs_result {
	char method[64];	/* metadata "capture.funcs" ("fentry, 6 functions"); "" when off */
	uint64_t entries, exits;
	uint64_t unmatched_exits; /* a return with no entry of its thread open (lost, or before the capture) */
	struct func_row *rows;	/* by calls (descending), then name */
	size_t n_rows;
	uint64_t rows_overflow;	/* events of functions beyond the cap: not counted */
	/* from ftrace's instance (metadata "capture.ftrace"): no skb, no arguments */
	bool ftrace;
	bool calls_only;	/* the function tracer: entries only, no time */
	struct func_cpu_row *cpu_rows;	/* by CPU, then as rows */
	size_t n_cpu_rows;
	struct func_graph_node *graph;	/* nested calls, children by calls */
	size_t n_graph;
	uint64_t abandoned;	/* entries whose return was not recorded */
	uint64_t graph_cut;	/* entries on paths past the graph's caps */
	uint64_t overrun;	/* function_graph: calls the kernel did not trace, its return
				 * stack full (the largest overrun count a return carried) */
};

#endif
