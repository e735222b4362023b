/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet bytes for `record --snaplen N` (netscope.h: struct ns_payload).
 * Included by capture.bpf.c after the capture core; with snaplen 0 (the
 * default) the verifier drops all of it from every handler.
 *
 * Where: the first event of a packet that has its bytes in place, the
 * transmit at net_dev_queue (the network header is set, skb->data is at the
 * link-layer header) or the receive at netif_receive_skb and its driver
 * flavours (after eth_type_trans(): skb->data is the network header).  The
 * bytes start at the network header in both, so that the pcapng export can
 * keep LINKTYPE_RAW: no event records the link-layer header of a received
 * packet (it sits before skb->data, already pulled).
 *
 * Once per packet: a packet crossing a veth pair is the same skb at the
 * transmit in one namespace and the receive in the other.  payload_seen
 * remembers, per skb address, the packet whose bytes were taken (its head
 * and a fingerprint of its decoded headers, since the slab hands out the
 * same skb and even the same head again, and TCP frees many skbs through
 * __kfree_skb(), which has no tracepoint); the end of a wanted packet
 * (kfree_skb, consume_skb) clears its entry.
 *
 * Only the linear area (up to skb->data + skb_headlen()) is read: page
 * frags hold the payload of TCP sends and GRO aggregates, and a tracing
 * program has no helper to read an skb's frags.  A record cut short by it
 * says so (NS_PAYLOAD_CUT_LINEAR), and user space counts those.
 */
#ifndef NS_PAYLOAD_BPF_H
#define NS_PAYLOAD_BPF_H

/* bytes of each packet to copy; 0: headers only (set by user space) */
const volatile __u32 snaplen;

/* a power of two above NS_SNAPLEN_MAX: a length masked with it is in bounds */
#define PAYLOAD_BUF 2048
_Static_assert(NS_SNAPLEN_MAX <= PAYLOAD_BUF, "PAYLOAD_BUF must hold NS_SNAPLEN_MAX bytes");

struct payload_buf {
	struct ns_payload h;
	__u8 data[PAYLOAD_BUF];
};

/* one per execution level, as the events' scratch slots (capture_maps.bpf.h) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct payload_buf);
} payload_scratch SEC(".maps");

struct payload_seen {
	__u64 head;	/* skb->head when the bytes were taken */
	__u64 fp;	/* payload_fingerprint() of that event */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	/* per-CPU LRU lists: a packet is sent and received on one CPU mostly
	 * (the admitted map's reason, capture_maps.bpf.h) */
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct payload_seen);
} payload_seen SEC(".maps");

/* the packet's decoded headers, which stay the same from its transmit to
 * its receive (the length does not: a transmit counts the link header) */
static __always_inline __u64 payload_fingerprint(const struct ns_event *e)
{
	__u64 h = 0xcbf29ce484222325ull ^ e->l4_proto;
	__u32 s, d;

	for (int i = 0; i < 16; i += 4) {
		__builtin_memcpy(&s, e->saddr + i, 4);
		__builtin_memcpy(&d, e->daddr + i, 4);
		h = (h ^ s) * 0x100000001b3ull;
		h = (h ^ d) * 0x100000001b3ull;
	}
	h = (h ^ ((__u64)e->sport << 16 | e->dport)) * 0x100000001b3ull;
	h = (h ^ e->seq) * 0x100000001b3ull;
	h = (h ^ e->ack_seq) * 0x100000001b3ull;
	return h ^ e->tcp_flags;
}

/* true the first time this packet asks: its bytes are to be taken now */
static __always_inline bool payload_first(const struct ns_event *e)
{
	struct payload_seen *seen, v = { .head = e->skb_head, .fp = payload_fingerprint(e) };
	__u64 key = e->skb;

	seen = bpf_map_lookup_elem(&payload_seen, &key);
	/* head 0: cleared at the end of the packet it was (payload_forget()) */
	if (seen && seen->head && seen->head == v.head && seen->fp == v.fp)
		return false;
	if (seen)
		*seen = v;
	else
		bpf_map_update_elem(&payload_seen, &key, &v, BPF_ANY);
	return true;
}

/*
 * After a wanted event of a packet point (net_dev_queue, the receives):
 * copy up to snaplen bytes from the network header into the scratch
 * record and send header + bytes, a variable length bounded by
 * NS_SNAPLEN_MAX.  tx: the network header is head + network_header, else
 * skb->data.
 */
static __always_inline void payload_take(const struct ns_event *e, const struct sk_buff *skb,
					 bool tx)
{
	__u64 head = e->skb_head, data, l3, off, n;
	__u32 len, data_len, headlen, orig, want, cap, slot;
	struct payload_buf *b;
	struct ns_counters *c;

	if (!snaplen || !skb || !(e->hdr & NS_HDR_L3) || (e->hdr & NS_HDR_UNSET))
		return;
	if (!payload_first(e))
		return;
	/* a helper read, not RD(): in a tp_btf twin skb->data is a pointer the
	 * verifier will not let take part in the length arithmetic below */
	if (bpf_core_read(&data, sizeof(data), &skb->data))
		return;
	len = RD(skb->len, skb, len);
	data_len = RD(skb->data_len, skb, data_len);
	l3 = tx ? head + RD(skb->network_header, skb, network_header) : data;
	if (l3 < data || data_len > len)
		return;
	off = l3 - data;
	headlen = len - data_len;
	if (off >= headlen)
		return;
	orig = len - off;
	want = orig < snaplen ? orig : snaplen;
	cap = want < headlen - off ? want : headlen - off;
	slot = e->ctx == NS_CTX_UNKNOWN ? 0 : (e->ctx - 1) & 3;
	b = bpf_map_lookup_elem(&payload_scratch, &slot);
	c = get_counters();
	if (!b || !c)
		return;
	/*
	 * A 64-bit copy, bounded by a mask: a compare bounds only the register
	 * it tests, and clang may spill another copy before it (6.1's verifier
	 * then sees an unbounded length; 6.18's follows the copy).  cap is at
	 * most snaplen, so the mask never changes it.
	 */
	n = cap;
	barrier_var(n);
	n &= PAYLOAD_BUF - 1;
	if (bpf_probe_read_kernel(b->data, n, (const void *)l3))
		return;
	b->h.kind = NS_RECORD_PAYLOAD;
	b->h.ts_ns = e->ts_ns;
	b->h.skb = e->skb;
	b->h.skb_head = head;
	b->h.orig_len = orig;
	b->h.cap_len = n;
	b->h.type = e->type;
	b->h.flags = cap < want ? NS_PAYLOAD_CUT_LINEAR : 0;
	c->payload_produced++;
	if (bpf_ringbuf_output(&events, b, sizeof(b->h) + n, BPF_RB_NO_WAKEUP))
		c->payload_lost++;
}

/*
 * The end of a wanted packet: its skb may carry another packet next.  The
 * entry is cleared in place, not deleted: under a flood the slab hands the
 * same skb out again at once, and a delete then an insert (an LRU free-list
 * push and pop) cost that packet more than a lookup and a write.
 */
static __always_inline void payload_forget(const struct ns_event *e)
{
	struct payload_seen *seen;
	__u64 key = e->skb;

	if (!snaplen || !key)
		return;
	seen = bpf_map_lookup_elem(&payload_seen, &key);
	if (seen)
		seen->head = 0;
}

#endif /* NS_PAYLOAD_BPF_H */
