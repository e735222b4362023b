/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kmem events' share of the capture core (capture.bpf.c has the
 * handlers): the set of live packet allocations, and the allocations held
 * back in softirq context under a namespace filter.
 *
 * At allocation an skb has no device, socket or headers, and in softirq
 * the current task is whoever was interrupted: nothing tells the
 * namespace.  So there, under a namespace filter, an allocation waits on
 * its CPU (like a softirq entry, emit_pending_softirq()) for the next
 * packet event of the same softirq: a wanted one (the SYN-ACK's
 * net_dev_queue) sends it, one of another namespace or the softirq's end
 * throws it away, and a free before either forgets it.  Included by
 * capture_event.bpf.h before ev_submit().
 */
#ifndef NS_KMEM_PENDING_BPF_H
#define NS_KMEM_PENDING_BPF_H

struct kmem_live_obj {
	__u64 ts;
	__u32 bytes;	/* bytes_alloc; pages: the order */
	__u32 aux2;	/* enum ns_kmem_flags of the allocation */
};

/* the packet allocations sent and not freed yet, by address (struct page * for pages) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct kmem_live_obj);
} kmem_live SEC(".maps");

/* a packet allocates its sk_buff and head, a clone, a frag page: a few */
#define KMEM_PENDING 8

struct kmem_pending {
	__u32 n;
	__u32 full;	/* held back past KMEM_PENDING in this softirq: thrown away */
	struct ns_event ev[KMEM_PENDING];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kmem_pending);
} kmem_pendings SEC(".maps");

/*
 * The kmem_caches of the allocations sent: a free from any other cache
 * (nearly every kmem_cache_free of the machine) is dropped by a few
 * compares, without the hash lookup of kmem_live.  Written by whichever
 * CPU sends an allocation of a new cache: a lost race only means that
 * cache is noted by its next allocation.
 */
#define KMEM_KNOWN_CACHES 8
__u64 kmem_known_caches[KMEM_KNOWN_CACHES];

static __always_inline bool kmem_cache_known(__u64 cache)
{
	for (int i = 0; i < KMEM_KNOWN_CACHES; i++)
		if (kmem_known_caches[i] == cache)
			return true;
	return false;
}

static __always_inline void kmem_cache_note(__u64 cache)
{
	if (!cache || kmem_cache_known(cache))
		return;
	for (int i = 0; i < KMEM_KNOWN_CACHES; i++)
		if (!kmem_known_caches[i]) {
			kmem_known_caches[i] = cache;
			return;
		}
}

/*
 * Whether the capture takes packet memory at all (`--events kmem`).
 * emit_mask is read-only data, so without kmem events the verifier drops
 * every held-back-allocation lookup below from the packet handlers: under
 * the namespace filter each event did two (ev_begin_direct(),
 * kmem_pending_flush()), ~5 % of the handlers' own time in a SYN flood
 * (bench/handler_lines.sh, docs/PERFORMANCE.md).
 */
static __always_inline bool kmem_enabled(void)
{
	return emit_mask & ((1ull << NS_EV_KMEM_ALLOC) | (1ull << NS_EV_KMEM_FREE) |
			    (1ull << NS_EV_PAGE_ALLOC) | (1ull << NS_EV_PAGE_FREE));
}

static __always_inline struct kmem_pending *kmem_pending_get(void)
{
	__u32 zero = 0;

	if (!kmem_enabled())
		return NULL;
	return bpf_map_lookup_elem(&kmem_pendings, &zero);
}

static __always_inline bool is_kmem_event(__u16 type)
{
	return type >= NS_EV_KMEM_ALLOC && type <= NS_EV_PAGE_FREE;
}

/* an allocation sent: its free will be sent too */
static __always_inline void kmem_live_add(const struct ns_event *e)
{
	struct kmem_live_obj live = {
		.ts = e->ts_ns,
		.bytes = e->type == NS_EV_PAGE_ALLOC ? e->len : (__u32)e->aux,
		.aux2 = e->aux2,
	};
	__u64 key = e->skb_head;

	kmem_cache_note(e->sk);
	bpf_map_update_elem(&kmem_live, &key, &live, BPF_ANY);
}

/* hold back an allocation of this softirq; false when there is no room */
static __always_inline bool kmem_pending_add(const struct ns_event *e)
{
	struct kmem_pending *p = kmem_pending_get();
	__u32 i;

	if (!p)
		return false;
	i = p->n;
	if (i >= KMEM_PENDING) {
		p->full++;
		return false;
	}
	kmem_cache_note(e->sk); /* so that its free is looked for (kmem_pending_forget) */
	__builtin_memcpy(&p->ev[i & (KMEM_PENDING - 1)], e, sizeof(*e));
	p->n = i + 1;
	return true;
}

/* forget a held-back allocation freed before it was decided; true if it was one */
static __always_inline bool kmem_pending_forget(__u64 ptr)
{
	struct kmem_pending *p = kmem_pending_get();

	if (!p || !p->n)
		return false;
	for (__u32 i = 0; i < KMEM_PENDING; i++) {
		if (i >= p->n)
			break;
		if (p->ev[i].skb_head != ptr)
			continue;
		/* the last one takes its place */
		__u32 last = (p->n - 1) & (KMEM_PENDING - 1);

		if (i != last)
			__builtin_memcpy(&p->ev[i], &p->ev[last], sizeof(p->ev[0]));
		p->n--;
		return true;
	}
	return false;
}

static __always_inline void kmem_pending_drop(void)
{
	struct kmem_pending *p = kmem_pending_get();

	if (p && p->n)
		p->n = 0;
}

/* a wanted packet event: the held-back allocations of this softirq are the traffic's */
static __always_inline void kmem_pending_flush(struct ns_counters *c)
{
	struct kmem_pending *p = kmem_pending_get();

	if (!p || !p->n)
		return;
	for (__u32 i = 0; i < KMEM_PENDING; i++) {
		if (i >= p->n)
			break;
		kmem_live_add(&p->ev[i]);
		c->produced[p->ev[i].type & (NS_EV_SLOTS - 1)]++;
		if (bpf_ringbuf_output(&events, &p->ev[i], sizeof(p->ev[0]), BPF_RB_NO_WAKEUP))
			c->lost[p->ev[i].type & (NS_EV_SLOTS - 1)]++;
	}
	p->n = 0;
}

#endif /* NS_KMEM_PENDING_BPF_H */
