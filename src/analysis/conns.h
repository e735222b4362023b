/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "conns" view: TCP connections followed by their 4-tuple.
 *
 * A connection starts at a pure SYN (the client is the end that sent it;
 * the same SYN again, same ISN, is a retransmission).  A segment is a
 * packet id seen with TCP headers at net_dev_queue / net_dev_start_xmit
 * (sent) or at a receive entry (received): a veth hands the same skb to
 * its peer, so one packet id is one segment seen on both ends.  A segment
 * received under an id never sent is matched to a sent one of the same
 * direction, seq, ack and flags still waiting for its receive.
 *
 * The sending function comes from the send event's stack: the innermost
 * tcp_* frame that is not the transmit path every segment takes
 * (__tcp_transmit_skb, tcp_write_xmit, ...): tcp_connect for the SYN,
 * tcp_v4_send_synack, tcp_sendmsg_locked...  The receiving function from
 * the stack of a later event of the same packet in the receiver's
 * namespace (tcp_probe in tcp_rcv_established, consume_skb or kfree_skb in
 * tcp_rcv_state_process), else from a state change of the receiving
 * socket made in the receive path after it arrived (tcp_finish_connect).
 *
 * Sockets are followed by sk through inet_sock_set_state: a socket is
 * tied to its connection by a state event that names the 4-tuple (the
 * first, CLOSE -> SYN_SENT, has no source port yet) or by a segment it
 * sends (skb->sk).  Memory is bounded: at most `max` connections (the
 * least recently active is evicted and counted), CONNS_SEGS_MAX segments
 * and CONNS_STATES_MAX state changes each.
 */
#ifndef NS_ANALYSIS_CONNS_H
#define NS_ANALYSIS_CONNS_H

#include <stddef.h>
#include "analysis/report.h"
#include "analysis/result_conns.h"
#include "trace/model.h"

#define CONNS_MAX 1024		/* connections followed at once (default) */
#define CONNS_SEGS_MAX 256	/* segments kept per connection */
#define CONNS_STATES_MAX 24	/* state changes kept per socket */
#define CONNS_LISTENERS_MAX 64	/* listening sockets remembered */

struct conns_an;

/* ctx names the states, resolves stacks and the lab's namespaces (may be
 * NULL); max 0 means CONNS_MAX.  NULL when out of memory. */
struct conns_an *conns_new(const struct report_ctx *ctx, size_t max);
void conns_feed(struct conns_an *c, const struct ns_event *ev);
/* Fill out; 0 or -ENOMEM.  Free out with conns_result_free(). */
int conns_finish(struct conns_an *c, struct conns_result *out);
void conns_free(struct conns_an *c);

#endif
