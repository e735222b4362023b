/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The profile and call graph views' result: functions by CPU samples
 * (self, total), events per tracepoint and CPU, and the merged call graph
 * in preorder (render/profile.c).  The analysis is analysis/stackprof.h.
 */
#ifndef NS_ANALYSIS_RESULT_PROFILE_H
#define NS_ANALYSIS_RESULT_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STACKPROF_NODES_MAX 65536	/* call graph nodes; past it branches are cut and counted */
#define STACKPROF_FUNCS_MAX 65536	/* distinct functions in the profile */
#define STACKPROF_CPUS_MAX 256		/* per-CPU columns of the tracepoint table */

/* one function of the profile */
struct sp_func {
	char *name;
	uint64_t self, total;	/* CPU samples */
	uint64_t event_stacks;	/* event stacks it is on */
	uint64_t hits;		/* function-level events (0 without such a backend) */
};

/* one node of the call graph, in preorder */
struct sp_node {
	char *function;
	unsigned int depth;
	uint64_t samples;	/* CPU samples through this node */
	uint64_t events;	/* event stacks through this node */
	uint64_t calls;		/* nested function calls ending here (function events) */
};

struct sp_tracepoint {
	unsigned int type;
	uint64_t count;
	uint64_t *per_cpu;	/* n_cpus entries */
};

struct stackprof_result {
	double sample_hz;
	uint64_t samples;		/* CPU samples read */
	uint64_t samples_by_ctx[5];	/* enum ns_ctx */
	uint64_t samples_no_stack;	/* user-mode samples, or stacks lost */
	uint64_t samples_idle;		/* the idle task: not in the tables below */
	uint64_t samples_other;		/* tasks of other namespaces: not in the tables below */
	uint64_t event_stacks;
	uint64_t function_calls;	/* calls merged into the graph from function events */
	uint64_t nodes_cut, funcs_cut;
	struct sp_func *funcs;	/* by total, then self, then name */
	size_t n_funcs;
	struct sp_node *nodes;
	size_t n_nodes;
	struct sp_tracepoint *tracepoints; /* by count */
	size_t n_tracepoints;
	unsigned int n_cpus;
	uint64_t span_ns;	/* first to last event: the rates' time base */
};

void stackprof_result_free(struct stackprof_result *r);

/*
 * Does name match one of the space-separated globs ("net* tcp*")?  NULL or
 * empty globs match everything.
 */
bool stackprof_name_matches(const char *globs, const char *name);

#endif
