/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet identity, kept by the consumer rather than in a BPF map: a hash
 * update and delete per event cost the kernel hot path more than the rest
 * of the record.  Events reach it in time order (the ring buffer's
 * reservation order, or batches sorted back by capture/reorder.c), and a
 * free is traced before the memory is freed, so the consumer sees a free
 * before any reuse of the same address.
 *
 * A packet is (skb address, skb->head).  It gets an id when first seen and
 * keeps it until kfree_skb/consume_skb; the same address with another data
 * buffer is a new packet (TCP frees many skbs through __kfree_skb, which has
 * no tracepoint, and the slab hands the address out again).  Follow-up
 * events that BPF did not parse get the packet's headers from its last
 * parsed event (NS_HDR_FROM_PACKET).
 */
#ifndef NS_IDENTITY_H
#define NS_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/netscope.h"

struct pkt_slot;

struct identity {
	struct pkt_slot *tab;
	size_t cap;	 /* power of two */
	size_t n;	 /* live packets */
	size_t max;	 /* live packets at most */
	uint64_t next_id;
	uint64_t evicted; /* packets not remembered because the table was full */
};

int identity_init(struct identity *id, size_t max_live);
/* Set ev->packet_id and the NEW/END flags; fill headers of follow-up events. */
void identity_assign(struct identity *id, struct ns_event *ev);
/*
 * The id of the live packet (skb, head), 0 if none: what the packet bytes
 * of --snaplen, sent just after an event of their packet, belong to.
 */
uint64_t identity_lookup(struct identity *id, uint64_t skb, uint64_t head);
void identity_free(struct identity *id);

#endif
