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
 * Function-level events (fentry/kprobe backends, when they land) feed the
 * same tables through stackprof_feed_function().
 */
#ifndef NS_ANALYSIS_STACKPROF_H
#define NS_ANALYSIS_STACKPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result_profile.h"
#include "trace/model.h"


struct stackprof_cfg {
	/* frames of stack id, innermost first, into ips (at most max): how many, 0 unknown */
	size_t (*stack)(void *arg, int32_t id, uint64_t *ips, size_t max);
	/* the function containing ip, NULL when unknown */
	const char *(*symbol)(void *arg, uint64_t ip);
	/* innermost frames that are the tracing machinery, cut from event stacks */
	size_t (*tracing_frames)(void *arg, const uint64_t *ips, size_t n);
	void *arg;
	double sample_hz;	/* sampling frequency, 0 when the trace says nothing */
};


struct stackprof;

struct stackprof *stackprof_new(const struct stackprof_cfg *cfg);
void stackprof_feed(struct stackprof *sp, const struct ns_event *ev);
/* a function-level event (fentry/kprobe/ftrace backends): one hit of name */
void stackprof_feed_function(struct stackprof *sp, const char *name);
/* 0 or -ENOMEM; the result owns its memory until stackprof_result_free() */
int stackprof_finish(struct stackprof *sp, struct stackprof_result *out);
void stackprof_free(struct stackprof *sp);


#endif
