/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The profile and the call graph of a trace, from its kernel stacks: the
 * CPU samples (one stack each, taken at a fixed frequency whatever the CPU
 * was doing) and the stacks the network events carried (sampled by the
 * capture's stack policy).  What ftrace's function profiler and
 * function_graph showed in the reference experiments, rebuilt where the
 * kernel allows no function tracing:
 *
 *   profile    per kernel function, the samples in which it is the
 *              innermost frame (self) and in which it is on the stack at
 *              all (total), as time = samples / frequency; per tracepoint,
 *              events by CPU
 *   callgraph  every stack merged into one tree from the outermost frame
 *              (syscall entry, softirq, irq, kthread), counts per node
 *
 * Function-level events (the fentry/kprobe and ftrace backends) feed the
 * same tables: their calls through stackprof_feed_function(), their
 * nesting through stackprof_feed_calls().
 */
#ifndef NS_ANALYSIS_STACKPROF_H
#define NS_ANALYSIS_STACKPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result_profile.h"
#include "trace/model.h"


/*
 * Which CPU samples speak for the workload: a sample is the machine's, not
 * a namespace's, so the idle task and the tasks of other namespaces (the
 * reader of the trace, a compiler next door) are counted apart.  Samples
 * in softirq or hardirq context are kept: a softirq serves every
 * namespace, and the workload's packets are among what it serves.
 */
#define SAMPLE_NETNS_MAX 8

struct sample_filter {
	uint32_t netns[SAMPLE_NETNS_MAX];	/* the workload's namespaces; none: keep every task */
	unsigned int n;
};

/* the lab's namespaces from a trace's metadata ("lab.netns"); none when it has none */
void sample_filter_from_meta(struct sample_filter *f, const struct ns_meta *meta);
enum sample_kind { SAMPLE_KEEP, SAMPLE_IDLE, SAMPLE_OTHER_TASK };
enum sample_kind sample_filter_kind(const struct sample_filter *f, const struct ns_event *ev);

struct stackprof_cfg {
	/* frames of stack id, innermost first, into ips (at most max): how many, 0 unknown */
	size_t (*stack)(void *arg, int32_t id, uint64_t *ips, size_t max);
	/* the function containing ip, NULL when unknown */
	const char *(*symbol)(void *arg, uint64_t ip);
	/* innermost frames that are the tracing machinery, cut from event stacks */
	size_t (*tracing_frames)(void *arg, const uint64_t *ips, size_t n);
	void *arg;
	double sample_hz;	/* sampling frequency, 0 when the trace says nothing */
	struct sample_filter samples;	/* which samples count (zeroed: all but idle) */
};


struct stackprof;

struct stackprof *stackprof_new(const struct stackprof_cfg *cfg);
void stackprof_feed(struct stackprof *sp, const struct ns_event *ev);
/* a function-level event (fentry/kprobe/ftrace backends): one hit of name */
void stackprof_feed_function(struct stackprof *sp, const char *name);
/*
 * calls of the function path[n - 1] made with its callers path[0..n-2]
 * open (outermost first): the nesting of function_graph and fentry/fexit
 * (analysis/fgraph.c), merged into the call graph beside the stacks
 */
void stackprof_feed_calls(struct stackprof *sp, const char *const *path, size_t n, uint64_t calls);
/* 0 or -ENOMEM; the result owns its memory until stackprof_result_free() */
int stackprof_finish(struct stackprof *sp, struct stackprof_result *out);
void stackprof_free(struct stackprof *sp);


#endif
