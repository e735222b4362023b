/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The segments view's result: per namespace, the TCP segments the trace
 * saw received and sent, by flag class; the destination ports of SYNs;
 * what became of each received SYN (consumed, dropped by reason, still
 * alive, passed on); resets sent by reason, SYN-ACK retransmissions and
 * drops by reason (render/segments_out.c).  The analysis is
 * analysis/segments.h.
 */
#ifndef NS_ANALYSIS_RESULT_SEGMENTS_H
#define NS_ANALYSIS_RESULT_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum seg_dir {
	SEG_RX = 0,	/* first seen in the namespace at a receive entry (netif_receive_skb...) */
	SEG_TX,		/* first seen in the namespace at net_dev_queue / start_xmit / xmit */
	SEG_DIR__COUNT,
};

/*
 * The flag class of a segment, the first that applies.  There is no "data"
 * class: an event has skb->len but neither the IP total length nor the TCP
 * header length (doff), so a payload of a few bytes cannot be told from TCP
 * options; data segments are in ACK/other.
 */
enum seg_class {
	SEG_SYN = 0,	/* SYN without ACK */
	SEG_SYNACK,	/* SYN|ACK */
	SEG_RST,	/* RST, with or without ACK */
	SEG_FIN,	/* FIN (without RST) */
	SEG_ACK_OTHER,	/* everything else: pure ACKs and data */
	SEG_CLASS__COUNT,
};

const char *seg_dir_name(enum seg_dir d);	/* "rx", "tx" */
const char *seg_class_name(enum seg_class c);	/* "SYN", "SYN-ACK", "RST", "FIN", "ACK/other" */

/* A kernel enum value by name ("NO_SOCKET"; "reason#N" when the trace has no name). */
struct seg_reason {
	char *name;
	uint32_t value;
	uint64_t count;
};

struct seg_port {
	enum seg_dir dir;
	uint16_t port;		/* destination port of the SYNs */
	uint64_t count;
};

/*
 * What became of the pure SYNs received in a namespace (followed by packet
 * id to its kfree_skb or consume_skb).  Always:
 *   received == consumed + dropped + forwarded + alive + evicted
 * (balanced says so; the syn-flood lab asserts it).
 */
struct seg_syn_fate {
	uint64_t received;
	uint64_t consumed;	/* consume_skb: the stack used it (a listener answered it) */
	uint64_t dropped;	/* kfree_skb, by reason in drop_reasons */
	uint64_t forwarded;	/* seen next in another namespace (forwarded, or a veth to another) */
	uint64_t alive;		/* not ended when the trace did (or its id started over) */
	uint64_t evicted;	/* live-packet table full: no longer followed */
	bool balanced;
	struct seg_reason *drop_reasons;	/* by count, descending */
	size_t n_drop_reasons;
};

struct seg_netns {
	uint32_t inode;		/* 0: events that named no namespace */
	char name[64];		/* "netscope-123-b" of the metadata "lab.netns"; "" if not the lab's */
	char label[16];		/* "b", the lab's label; "" if not the lab's */
	uint64_t segments[SEG_DIR__COUNT][SEG_CLASS__COUNT];
	uint64_t total[SEG_DIR__COUNT];
	struct seg_port *syn_ports;	/* pure SYNs by (direction, destination port), by count */
	size_t n_syn_ports;
	struct seg_syn_fate syn;	/* received pure SYNs */
	uint64_t rst_sent;		/* tcp_send_reset events */
	struct seg_reason *rst_reasons;	/* by sk_rst_reason, by count */
	size_t n_rst_reasons;
	uint64_t synack_retransmits;	/* tcp_retransmit_synack events */
	uint64_t drops;			/* kfree_skb events, every protocol */
	struct seg_reason *drop_reasons; /* by skb_drop_reason, by count */
	size_t n_drop_reasons;
};

struct segments_result {
	/* the lab's namespaces first, by label, then the others by inode */
	struct seg_netns *ns;
	size_t n_ns;
	bool lab;		/* the trace's metadata names the lab's namespaces */
	uint64_t packets;	/* TCP packets classified (a packet counts once per namespace) */
	uint64_t unclassified;	/* TCP packets never seen at a receive or transmit event */
	uint64_t evicted;	/* live-packet table full: the oldest was dropped from the view */
	size_t live_max;	/* the table's size */
	uint64_t netns_overflow; /* events of namespaces beyond the cap: not counted */
	size_t netns_max;	/* the cap */
	uint64_t ports_overflow; /* SYNs of (namespace, direction, port) rows beyond the cap */
};

void segments_result_free(struct segments_result *r);

#endif
