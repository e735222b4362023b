/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "latency" view: how long packets spend between coarse stages of the
 * stack.  Each event type belongs to a stage (queue, xmit, receive,
 * deliver, drop, consume: table in latency.c); a packet (events of one
 * non-zero packet_id) enters a stage at the first event of a run of events
 * of that stage, and the gap of the pair "A → B" is the time from entering
 * A to entering B.  So the gaps of a packet add up to its total, first
 * event to its end (kfree_skb: drop, consume_skb: consume).
 *
 * Memory is bounded: live packets sit in a table of at most
 * LATENCY_LIVE_MAX entries (the oldest is evicted and counted), and each
 * stage pair has one fixed-size histogram (hist.h).
 */
#ifndef NS_ANALYSIS_LATENCY_H
#define NS_ANALYSIS_LATENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analysis/result_latency.h"
#include "trace/model.h"

#define LATENCY_LIVE_MAX 65536	/* default packets followed at once */


struct latency_an;

/* init(ctx): live_max 0 means LATENCY_LIVE_MAX.  NULL when out of memory. */
struct latency_an *latency_new(size_t live_max);
void latency_feed(struct latency_an *l, const struct ns_event *ev);
/* Fill out; 0 or -ENOMEM.  Free out with latency_result_free(). */
int latency_finish(struct latency_an *l, struct latency_result *out);
void latency_free(struct latency_an *l);

#endif
