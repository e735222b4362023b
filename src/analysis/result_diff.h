/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The diff of two reports (`netscope diff A B`): per section, rows of
 * (what, a, b, change, share in a, share in b, status), plain numbers and
 * strings a renderer shows as they are (render/diff_out.c).  Built by
 * analysis/diff.h from two finished struct report_result.
 */
#ifndef NS_ANALYSIS_RESULT_DIFF_H
#define NS_ANALYSIS_RESULT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum diff_status {
	DIFF_SAME,		/* in both, change below the threshold */
	DIFF_CHANGED,		/* in both, changed by the threshold or more */
	DIFF_NEW,		/* only in B (or 0 in A) */
	DIFF_GONE,		/* only in A (or 0 in B) */
};
const char *diff_status_name(enum diff_status s);	/* "same", "changed", "new", "gone" */

/* The sections, in the order they are printed: kernel and capture first. */
enum diff_section_id {
	DIFF_SEC_CAPTURE,	/* kernel, host, method, filter, per-event methods, settings */
	DIFF_SEC_EVENTS,	/* events per type (irq, softirq, napi ones too), counts and rates */
	DIFF_SEC_DROP_REASONS,	/* kfree_skb by reason */
	DIFF_SEC_DROP_SITES,	/* kfree_skb by (reason, location) */
	DIFF_SEC_RESETS,	/* TCP resets sent, sent without a socket, received */
	DIFF_SEC_RESET_REASONS,	/* resets sent, by reason */
	DIFF_SEC_STATES,	/* TCP state transitions */
	DIFF_SEC_JOURNEYS,	/* packet sequences (steps + fate), judged by share of packets */
	DIFF_SEC_SOFTIRQS,	/* softirq runs per vector (journeys' softirq table) */
	DIFF_SEC_NET_RX,	/* NET_RX runs: where they ran, who raised them, polls (interrupts view) */
	DIFF_SEC_SOFTIRQ_TIMES,	/* NET_RX raise → entry, entry → exit: p50, p90, p99, max */
	DIFF_SEC_NAPI_POLLS,	/* packets per napi_poll: mean, p50 .. max, and the budget */
	DIFF_SEC_HARDIRQS,	/* hardirqs per handler name and per system vector */
	DIFF_SEC_CALLPATHS,	/* call sites of each tracepoint, judged by share of its stacks */
	DIFF_SEC_LATENCY,	/* per stage pair: p50, p90, p99 gaps */
	DIFF_SEC_COUNTERS,	/* per namespace label: SNMP counter deltas */
	DIFF_SEC_PROFILE,	/* functions by self CPU samples, judged by share of samples */
	DIFF_SEC_SKBMEM,	/* packet memory: allocations, frees, bytes, slack, clones, alive */
	DIFF_SEC_SKBMEM_SITES,	/* allocations by (cache, call site) */
	DIFF_SEC_SKBMEM_GFP,	/* allocations by (context, GFP flags) */
	DIFF_SEC_SKBMEM_LIFE,	/* packet memory lifetimes: p50, p90, p99, max */
	DIFF_SEC__N
};

struct diff_row {
	char *what;		/* "NO_SOCKET at tcp_v4_rcv+0x99", "kernel", "a TcpExt.ListenDrops" */
	char *detail;		/* a sub-key: "p50" of a latency pair; NULL otherwise */
	/* the capture section: the values as text, NULL when that trace does not say */
	char *a_text, *b_text;
	/* other sections: counts, ns or samples; 0 when absent (in_a, in_b say) */
	double a, b;
	bool in_a, in_b;
	double change;		/* b - a */
	/* (b - a) / a, of the share in a by_share section; INFINITY when a is 0 and b
	 * is not; 0 when both are 0 */
	double rel;
	double rate_a, rate_b;	/* events: per second; NAN elsewhere */
	double share_a, share_b; /* fraction of the section's whole (0..1); NAN: no share */
	enum diff_status status;
};

struct diff_section {
	enum diff_section_id id;
	const char *name;	/* "drops by reason", the JSON key is key */
	const char *key;	/* "drop_reasons" */
	const char *unit;	/* "events", "drops", "ns", "packets", "stacks", "" (capture) */
	const char *row_label;	/* what a row names: "event", "sequence", "stages" */
	bool by_share;		/* rows judged by share: rel is the relative change of the share */
	bool in_a, in_b;	/* the part the section comes from was in each result */
	struct diff_row *rows;	/* changed first, then by size of change, then what */
	size_t n_rows;
	size_t n_same;		/* rows whose status is DIFF_SAME */
};

struct diff_result {
	/* what the rows were judged with */
	double threshold;	/* relative change, 0.05 = 5 % */
	double min_abs;		/* absolute change in counts below which a row is the same */
	/* the kernel releases differ: names, reasons and paths can differ for that alone */
	bool kernel_differs;
	char *kernel_a, *kernel_b;
	char *path_a, *path_b;	/* the files, as given; NULL in unit tests */
	struct diff_section sec[DIFF_SEC__N];
	size_t n_changed;	/* rows not DIFF_SAME, every section */
};

void diff_result_free(struct diff_result *r);

#endif
