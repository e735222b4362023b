/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The latency view's result: per stage pair of a packet's journey, the
 * gaps as count, min, p50, p90, p99, max (render/latency_out.c).  The
 * analysis is analysis/latency.h.
 */
#ifndef NS_ANALYSIS_RESULT_LATENCY_H
#define NS_ANALYSIS_RESULT_LATENCY_H

#include <stddef.h>
#include <stdint.h>

enum latency_stage {
	LAT_NONE = 0,		/* not a packet stage (irq, softirq, socket state...) */
	LAT_QUEUE,
	LAT_XMIT,
	LAT_RECEIVE,
	LAT_DELIVER,
	LAT_DROP,
	LAT_CONSUME,
	LAT__COUNT,
};

/* the stage of an event type; LAT_NONE for types that are no packet stage */
enum latency_stage latency_stage_of(unsigned int type);
const char *latency_stage_name(enum latency_stage s);	/* "queue", ... */

/* Exact count, min and max; percentiles within hist.h's bound (upper bucket bounds). */
struct latency_stats {
	uint64_t count;
	uint64_t min_ns, p50_ns, p90_ns, p99_ns, max_ns;
};

struct latency_pair {
	char from[16], to[16];	/* stage names */
	struct latency_stats gap;
};

struct latency_result {
	/* pairs seen, by count (descending), then from, then to (stage order) */
	struct latency_pair *pairs;
	size_t n_pairs;
	/* first event → end, of packets whose first event was seen (NS_F_NEW_PACKET) */
	struct latency_stats total, total_dropped, total_consumed;
	uint64_t packets;	/* distinct packets followed (ids, counted again after reuse) */
	uint64_t ended;		/* reached kfree_skb or consume_skb */
	uint64_t partial;	/* first event not seen: gaps counted, no total */
	uint64_t evicted;	/* table full: the oldest packet was dropped from the view */
	uint64_t unended;	/* still live at the end of the trace */
	uint64_t reordered;	/* an event older than the packet's previous one: gap taken as 0 */
	uint64_t events_used;	/* events with a packet id and a stage */
	uint64_t events_skipped; /* no packet id, or no stage */
	size_t live_max;	/* the table's size */
	double rel_error;	/* percentile bound: answers are within +rel_error of exact */
};

void latency_result_free(struct latency_result *r);

#endif
