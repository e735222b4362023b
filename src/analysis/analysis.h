/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One interface for every analysis of the report.  An analysis is a state
 * fed the decoded events one by one, then asked once to fill its part of
 * struct report_result.  It sees events and the context that names them
 * (struct report_ctx), never a file, a ring buffer or a renderer.
 *
 * Adding an analysis: one file (src/analysis/NAME.c) that defines
 * `const struct analysis_ops NAME_analysis`, its result part in
 * analysis/result.h with an RR_PART_* bit, and one row in the table of
 * analysis/registry.c.  report.c only walks that table; the helpers every
 * analysis shares are in analysis/util.h and analysis/table.h.
 */
#ifndef NS_ANALYSIS_H
#define NS_ANALYSIS_H

#include <stdbool.h>
#include "analysis/report.h"
#include "analysis/result.h"

/* How the event stream ended, for finish(). */
struct analysis_end {
	const struct ns_capture_stats *stats;	/* capture counters; NULL when the trace has none */
	bool truncated;				/* the stream ended early (cut trace file) */
};

struct analysis_ops {
	/* "drops": the name a command selects the analysis by (analysis_find()) */
	const char *name;
	/* the RR_PART_* bits of struct report_result that finish() fills */
	unsigned int parts;
	/*
	 * Allocate the state into *state.  ctx stays valid until free(); the
	 * analysis may keep the pointer.  0 or a negative errno.
	 */
	int (*init)(void **state, const struct report_ctx *ctx);
	/*
	 * One event, every event of the stream: the analysis ignores those it
	 * does not want.  Events come in time order per CPU and roughly in
	 * global time order (as the BPF ring buffer delivers them).  Errors
	 * (out of memory) are kept in the state and returned by finish().
	 */
	void (*feed)(void *state, const struct ns_event *ev);
	/*
	 * The event types feed() wants (bit 1 << NS_EV_*); the report calls it
	 * for no other.  0: every event.  A filter here instead of a test
	 * inside feed() saves a call per event: at millions of events a second
	 * the calls themselves cost (docs/PERFORMANCE.md, "Report speed").
	 */
	uint64_t types;
	/*
	 * Fill this analysis's part of res (zeroed before).  Called once.  0 or
	 * a negative errno; after an error, free_part() must still free what
	 * was filled.
	 */
	int (*finish)(void *state, const struct analysis_end *end, struct report_result *res);
	/* Free the state (NULL does nothing).  The result part stays. */
	void (*free)(void *state);
	/* Free what finish() put into res, and only that.  NULL: nothing owned. */
	void (*free_part)(struct report_result *res);
	/*
	 * Explain mode, after every finish(): annotate this analysis's part
	 * with what a source index knows of kernel functions.  0 or a negative
	 * errno.  NULL: the part names no kernel functions.
	 */
	int (*explain)(struct report_result *res, const struct report_explainer *ex);
};

/* The analyses in the order the report feeds and finishes them, NULL at the end. */
extern const struct analysis_ops *const analyses[];

/* The analysis of this name, or NULL. */
const struct analysis_ops *analysis_find(const char *name);

/* Free a result and every part of it (each analysis's free_part()). */
void result_free(struct report_result *res);

#endif
