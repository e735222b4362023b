/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The analyses behind `netscope report`: counts and rates, lost events,
 * drops, TCP resets and states, packet journeys.  They see only decoded
 * events (struct ns_event) and the context that names them, so the same
 * code runs at the end of a live capture (`netscope trace`) and on a trace
 * file.  Each analysis implements struct analysis_ops (analysis/analysis.h)
 * and has a row in the table of analysis/registry.c.  The renderers
 * (src/render/report.h) see only the finished result (analysis/result.h):
 * text and JSON print the same numbers.  Format: docs/report.md.
 */
#ifndef NS_REPORT_H
#define NS_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include "analysis/result.h"
#include "trace/ksyms.h"
#include "trace/model.h"
#include "trace/names.h"

#define REPORT_DEFAULT_TOP 10

/*
 * What every analysis is given.  Borrowed by the report until
 * report_free(); any pointer may be NULL.
 */
struct report_ctx {
	const struct ns_meta *meta;
	const struct ns_names *names;
	const struct ksyms *ksyms;
	unsigned int top; /* rows per table; 0: REPORT_DEFAULT_TOP */
	/*
	 * Frames of stack id, innermost first, into ips (at most max): how
	 * many, 0 when unknown.  Asked once per stack id, when first seen.
	 * NULL: the call-path analysis sees no stacks.
	 */
	size_t (*stack)(void *arg, int32_t id, uint64_t *ips, size_t max);
	void *stack_arg;
	/* the parts (RR_PART_*) wanted: only their analyses run; 0: RR_PART_DEFAULT */
	unsigned int parts;
	/* layers: a rules file replacing the built-in data/layers.rules, or NULL */
	const char *layer_rules;
	/* layers: the source index's layer of a function's file (NULL: no index) */
	const char *(*index_layer)(void *arg, const char *function);
	void *index_layer_arg;
	/*
	 * journeys: also keep single packets with all their events (the first
	 * ones closed and the dropped ones, bounded: rr_journeys.sample), for
	 * the timelines of the HTML report and the view 'packets'.
	 */
	bool packet_sample;
};

/*
 * Explain mode: what a source index knows of kernel functions.  The report
 * stays independent of the index; the command that has one passes this.
 */
struct report_explainer {
	void *arg;
	const char *source;	/* where the answers come from, for the header line */
	const char *note;	/* a version difference to show, or NULL */
	/* malloc'ed "file:line" and kernel-doc summary (either may stay NULL); false: unknown */
	bool (*function)(void *arg, const char *name, char **where, char **summary);
	/* the functions that call trace_<event> (malloc'ed names, at most max): how many */
	size_t (*firing)(void *arg, const char *event, char **names, size_t max);
};

struct report;

/**
 * report_new() - start a report
 * Returns NULL with errno set when out of memory.
 */
struct report *report_new(const struct report_ctx *ctx);

/**
 * report_feed() - account one event
 * Events must come in time order per CPU and roughly in global time order
 * (as the BPF ring buffer delivers them): journeys reorder steps of one
 * packet by timestamp and wait a short window before closing a packet.
 */
void report_feed(struct report *r, const struct ns_event *ev);

/**
 * report_finish() - close every analysis and build the result
 * @stats: capture counters, NULL when the trace has none
 * @truncated: the event stream ended early (cut trace file)
 * Returns 0 or -ENOMEM.  Call once, before printing.
 */
int report_finish(struct report *r, const struct ns_capture_stats *stats, bool truncated);

/**
 * report_explain() - annotate call trees and event sites from a source index
 * After report_finish().  Returns 0 or -ENOMEM.
 */
int report_explain(struct report *r, const struct report_explainer *ex);

/*
 * The finished result, NULL before report_finish(); owned by the report.
 * Print it with src/render/report.h.
 */
const struct report_result *report_result(const struct report *r);

void report_free(struct report *r);

#endif
