/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace filter's kernel side: which namespaces are wanted, and the
 * table that lets an event of an skb naming no namespace take its packet's
 * (netns_follow()).  Included by capture_event.bpf.h, after ev_skb().
 */
#ifndef NS_NETNS_FOLLOW_BPF_H
#define NS_NETNS_FOLLOW_BPF_H

static __always_inline bool netns_wanted(__u32 netns)
{
	bool hit = false;

	for (int i = 0; i < NS_MAX_NETNS_FILTER; i++)
		if (i < netns_filter_n && netns_filter[i] == netns)
			hit = true;
	return hit;
}

/*
 * Where a received packet enters a namespace.  Only receive entries: the
 * device is cleared on the receive side (tcp_v4_rcv), and a packet moving
 * from one namespace to another (veth) is received there.
 */
static __always_inline bool is_entry_event(__u16 type)
{
	return type == NS_EV_NETIF_RECEIVE_SKB || type == NS_EV_NETIF_RX ||
	       type == NS_EV_NAPI_GRO_RECEIVE_ENTRY || type == NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY;
}

static __always_inline bool is_end_event(__u16 type)
{
	return type == NS_EV_KFREE_SKB || type == NS_EV_CONSUME_SKB;
}

/*
 * Under a namespace filter, an event of an skb that names no namespace
 * (no device, no inet socket: the SYN a listener consumes) takes the
 * namespace its packet was received in (the admitted table).  An entry is
 * written where a packet is received in an admitted namespace, cleared
 * where it is received in another one (so a packet that moved on is not
 * admitted by its past), and read only by events that found no namespace
 * of their own; such an end event clears the entry.  An entry of a packet
 * that ended with a device is left to the next receive of the same skb or
 * to replacement: looking it up at every free would cost a lookup per
 * event, and the head must match too.
 */
static __always_inline struct admitted_set *admitted_set_of(__u64 skb)
{
	/* slab objects: the low bits are alignment; a multiplicative hash's
	 * top 14 bits pick one of the 16384 sets */
	__u32 idx = (__u32)(((skb >> 6) * 0x9e3779b97f4a7c15ull) >> 50);

	return bpf_map_lookup_elem(&admitted, &idx);
}

/* the way of set holding skb, or ADMITTED_WAYS */
static __always_inline __u32 admitted_way_of(const struct admitted_set *set, __u64 skb)
{
	__u32 w = ADMITTED_WAYS;

#pragma unroll
	for (int i = 0; i < ADMITTED_WAYS; i++)
		if (set->way[i].skb == skb)
			w = i;
	return w;
}

/* Where a packet admitted in netns enters: its entry, the way it had, else
 * a free way, else the oldest. */
static __always_inline void admitted_write(struct admitted_set *set, __u32 w, __u64 skb,
					   __u64 head, __u32 netns, __u64 ts)
{
	struct admitted_skb *a;

	if (w >= ADMITTED_WAYS) {
		__u32 oldest = ~0u;

		w = 0;
#pragma unroll
		for (int i = 0; i < ADMITTED_WAYS; i++) {
			const struct admitted_skb *c = &set->way[i];

			if (!c->skb || !c->head) {
				w = i;
				break;
			}
			if (c->stamp < oldest) {
				oldest = c->stamp;
				w = i;
			}
		}
	}
	a = &set->way[w & (ADMITTED_WAYS - 1)];
	/*
	 * Key cleared first and written last, so a reader never takes
	 * another packet's head or namespace for this one.  Program order is
	 * store order on x86; on weaker CPUs a torn entry is still caught by
	 * the head check (docs/KNOWN_LIMITS.md).
	 */
	a->skb = 0;
	barrier();
	a->head = head;
	a->netns = netns;
	a->stamp = (__u32)(ts >> 20);
	barrier();
	a->skb = skb;
}

/* type: e->type (ev_wanted()) */
static __always_inline void netns_follow(struct ns_event *e, __u16 type)
{
	struct admitted_set *set;
	struct admitted_skb *a;
	/*
	 * Loaded back from the event, not taken from the handler's register:
	 * clang may reuse the typed skb pointer it stored there, and the
	 * verifier refuses arithmetic (the set's hash) on a pointer.
	 */
	__u64 key = *(volatile const __u64 *)&e->skb, head;
	__u32 w, netns;

	if (!key)
		return;
	if (is_entry_event(type) && e->netns) {
		set = admitted_set_of(key);
		if (!set)
			return;
		w = admitted_way_of(set, key);
		if (netns_wanted(e->netns))
			admitted_write(set, w, key, e->skb_head, e->netns, e->ts_ns);
		else if (w < ADMITTED_WAYS)
			/* not admitted: see the end of a packet below */
			set->way[w & (ADMITTED_WAYS - 1)].head = 0;
		return;
	}
	if (e->netns)
		return;
	set = admitted_set_of(key);
	if (!set)
		return;
	w = admitted_way_of(set, key);
	if (w >= ADMITTED_WAYS)
		return;
	a = &set->way[w & (ADMITTED_WAYS - 1)];
	head = a->head;
	netns = a->netns;
	barrier();
	if (a->skb != key) /* rewritten meanwhile for another packet */
		return;
	if (head == e->skb_head)
		e->netns = netns;
	/*
	 * The packet ends: its entry must not admit the next packet of the
	 * same skb and head.  Cleared, not freed of its key: the skb address
	 * comes back from the slab, and its next receive then finds its way.
	 * No packet has head 0, so a cleared entry matches none.
	 */
	if (is_end_event(type))
		a->head = 0;
}

#endif /* NS_NETNS_FOLLOW_BPF_H */
