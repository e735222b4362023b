// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "capture/identity.h"

/* the header part of an event, remembered per live packet */
struct pkt_hdr {
	uint32_t seq, ack_seq;
	uint16_t sport, dport;
	uint8_t hdr, family, l4_proto, tcp_flags;
	uint8_t saddr[16], daddr[16];
};

struct pkt_slot {
	uint64_t skb; /* 0: empty */
	uint64_t head;
	uint64_t id;
	struct pkt_hdr h;
};

int identity_init(struct identity *id, size_t max_live)
{
	memset(id, 0, sizeof(*id));
	id->cap = 1 << 14;
	id->max = max_live;
	id->tab = calloc(id->cap, sizeof(*id->tab));
	return id->tab ? 0 : -ENOMEM;
}

void identity_free(struct identity *id)
{
	free(id->tab);
	id->tab = NULL;
}

static size_t slot_of(const struct identity *id, uint64_t skb)
{
	/* skbs are 256-byte slab objects: drop the low bits, then mix */
	return ((skb >> 8) * 0x9e3779b97f4a7c15ull >> 17) & (id->cap - 1);
}

static struct pkt_slot *find(struct identity *id, uint64_t skb)
{
	for (size_t i = slot_of(id, skb);; i = (i + 1) & (id->cap - 1)) {
		if (id->tab[i].skb == skb)
			return &id->tab[i];
		if (!id->tab[i].skb)
			return NULL;
	}
}

/* linear probing with backward-shift deletion: no tombstones to pile up */
static void erase(struct identity *id, struct pkt_slot *s)
{
	size_t i = s - id->tab, j = i;

	for (;;) {
		j = (j + 1) & (id->cap - 1);
		if (!id->tab[j].skb)
			break;
		size_t k = slot_of(id, id->tab[j].skb);
		/* move j back to i unless its home k lies cyclically in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			id->tab[i] = id->tab[j];
			i = j;
		}
	}
	id->tab[i].skb = 0;
	id->n--;
}

static int grow(struct identity *id)
{
	struct pkt_slot *old = id->tab;
	size_t oldcap = id->cap;

	id->tab = calloc(oldcap * 2, sizeof(*id->tab));
	if (!id->tab) {
		id->tab = old;
		return -ENOMEM;
	}
	id->cap = oldcap * 2;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].skb)
			continue;
		size_t j = slot_of(id, old[i].skb);

		while (id->tab[j].skb)
			j = (j + 1) & (id->cap - 1);
		id->tab[j] = old[i];
	}
	free(old);
	return 0;
}

static struct pkt_slot *insert(struct identity *id, uint64_t skb)
{
	size_t i;

	if (id->n >= id->max)
		return NULL;
	if ((id->n + 1) * 10 > id->cap * 7 && grow(id))
		return NULL;
	for (i = slot_of(id, skb); id->tab[i].skb; i = (i + 1) & (id->cap - 1))
		;
	id->tab[i].skb = skb;
	id->n++;
	return &id->tab[i];
}

static void save_hdr(struct pkt_hdr *h, const struct ns_event *ev)
{
	h->seq = ev->seq;
	h->ack_seq = ev->ack_seq;
	h->sport = ev->sport;
	h->dport = ev->dport;
	h->hdr = ev->hdr & (NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP);
	h->family = ev->family;
	h->l4_proto = ev->l4_proto;
	h->tcp_flags = ev->tcp_flags;
	memcpy(h->saddr, ev->saddr, 16);
	memcpy(h->daddr, ev->daddr, 16);
}

static void load_hdr(struct ns_event *ev, const struct pkt_hdr *h)
{
	ev->seq = h->seq;
	ev->ack_seq = h->ack_seq;
	ev->sport = h->sport;
	ev->dport = h->dport;
	ev->hdr |= h->hdr | NS_HDR_FROM_PACKET;
	ev->family = h->family;
	ev->l4_proto = h->l4_proto;
	ev->tcp_flags = h->tcp_flags;
	memcpy(ev->saddr, h->saddr, 16);
	memcpy(ev->daddr, h->daddr, 16);
}

/*
 * Did the skb start carrying another packet?  The slab hands out a freed
 * skb and even its data buffer again, and TCP frees many skbs through
 * __kfree_skb(), which has no tracepoint, so neither address nor head
 * tells.  The headers of one packet do not change on its way (NAT and
 * encapsulation aside: docs/KNOWN_LIMITS.md), so new headers mean a new
 * packet.
 */
static bool other_packet(const struct pkt_hdr *h, const struct ns_event *ev)
{
	if (!(h->hdr & NS_HDR_L3) || !(ev->hdr & NS_HDR_L3) || (ev->hdr & NS_HDR_FROM_SOCK))
		return false;
	if (h->family != ev->family || h->l4_proto != ev->l4_proto ||
	    memcmp(h->saddr, ev->saddr, 16) || memcmp(h->daddr, ev->daddr, 16))
		return true;
	if ((h->hdr & NS_HDR_L4) && (ev->hdr & NS_HDR_L4) &&
	    (h->sport != ev->sport || h->dport != ev->dport))
		return true;
	return (h->hdr & NS_HDR_TCP) && (ev->hdr & NS_HDR_TCP) &&
	       (h->seq != ev->seq || h->ack_seq != ev->ack_seq || h->tcp_flags != ev->tcp_flags);
}

static bool ends_packet(const struct ns_event *ev)
{
	return ev->type == NS_EV_KFREE_SKB || ev->type == NS_EV_CONSUME_SKB;
}

/*
 * A clone or copy of a packet (the skb skb_clone, skb_copy, pskb_copy...
 * returned, seen at their fexit) is the same packet: its address takes
 * the original's id and headers.  Its head stays unknown until its first
 * event (a clone shares the data, a copy has its own).
 */
static void adopt(struct identity *id, const struct pkt_slot *orig, uint64_t skb)
{
	struct pkt_slot *s;
	/* copied first: erase() and insert() may move the slots */
	uint64_t pid = orig->id, orig_skb = orig->skb;
	struct pkt_hdr h = orig->h;

	if (!skb || skb == orig_skb)
		return;
	s = find(id, skb);
	if (s)
		erase(id, s);
	s = insert(id, skb);
	if (!s) {
		id->evicted++;
		return;
	}
	s->id = pid;
	s->head = 0;
	s->h = h;
}

void identity_assign(struct identity *id, struct ns_event *ev)
{
	struct pkt_slot *s;
	bool parsed = ev->hdr & NS_HDR_L3;

	ev->flags &= ~(NS_F_NEW_PACKET | NS_F_END_PACKET);
	if (!ev->skb)
		return;
	s = find(id, ev->skb);
	/* skb_head 0: the event could not read the skb (net_dev_xmit) */
	if (s && ((ev->skb_head && s->head && s->head != ev->skb_head) || other_packet(&s->h, ev))) {
		erase(id, s);
		s = NULL;
	}
	if (!s) {
		ev->packet_id = ++id->next_id;
		ev->flags |= NS_F_NEW_PACKET;
		if (!ends_packet(ev)) {
			s = insert(id, ev->skb);
			if (!s) {
				id->evicted++;
			} else {
				s->id = ev->packet_id;
				s->head = ev->skb_head;
				memset(&s->h, 0, sizeof(s->h));
			}
		}
	} else {
		ev->packet_id = s->id;
		if (!s->head)
			s->head = ev->skb_head;
	}
	if (s) {
		/* headers from the socket describe the flow, not this packet */
		if (parsed && !(ev->hdr & NS_HDR_FROM_SOCK))
			save_hdr(&s->h, ev);
		else if (s->h.hdr && !(ev->hdr & (NS_HDR_UNSET | NS_HDR_L3_OTHER)))
			load_hdr(ev, &s->h);
	}
	if (ends_packet(ev)) {
		ev->flags |= NS_F_END_PACKET;
		if (s)
			erase(id, s);
	}
	if ((ev->flags & NS_F_RET_SKB) && s && !ends_packet(ev))
		adopt(id, s, ((uint64_t)ev->aux2 << 32) | (uint32_t)ev->aux);
}

uint64_t identity_lookup(struct identity *id, uint64_t skb, uint64_t head)
{
	const struct pkt_slot *s = skb ? find(id, skb) : NULL;

	if (!s || (head && s->head && s->head != head))
		return 0;
	return s->id;
}
