/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "segments" view: TCP segments per namespace, as the trace saw them.
 *
 * A packet (events of one packet id) is classified once per namespace, at
 * its first event there that has TCP headers and a direction: a receive
 * entry (netif_receive_skb, netif_rx, napi_gro_receive_entry,
 * netif_receive_skb_list_entry) makes it RX, net_dev_queue,
 * net_dev_start_xmit or net_dev_xmit TX.  Once per namespace and not once
 * per packet: a veth hands the same skb (the same packet id) to its peer,
 * so a SYN sent in namespace a is the SYN received in namespace b.
 *
 * Received pure SYNs are followed to their end (consume_skb, kfree_skb).
 * Memory is bounded: live packets sit in a table of at most
 * SEGMENTS_LIVE_MAX entries (the least recently active is evicted and
 * counted), namespaces and port rows are capped.
 */
#ifndef NS_ANALYSIS_SEGMENTS_H
#define NS_ANALYSIS_SEGMENTS_H

#include <stddef.h>
#include "analysis/report.h"
#include "analysis/result_segments.h"
#include "trace/model.h"

#define SEGMENTS_LIVE_MAX 65536	/* default packets followed at once */
#define SEGMENTS_NETNS_MAX 256	/* namespaces counted */
#define SEGMENTS_PORTS_MAX 65536 /* (namespace, direction, port) rows of SYNs */

struct segments_an;

/* ctx names drop and reset reasons and the lab's namespaces (may be NULL);
 * live_max 0 means SEGMENTS_LIVE_MAX.  NULL when out of memory. */
struct segments_an *segments_new(const struct report_ctx *ctx, size_t live_max);
void segments_feed(struct segments_an *s, const struct ns_event *ev);
/* Fill out; 0 or -ENOMEM.  Free out with segments_result_free(). */
int segments_finish(struct segments_an *s, struct segments_result *out);
void segments_free(struct segments_an *s);

#endif
