/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kmem handlers of capture.bpf.c (kmem_cache_alloc/free, kmalloc/kfree,
 * page allocations): packet memory, filtered where it is taken.  Included
 * by capture.bpf.c after the other handlers: one BPF object is one
 * compilation unit, and this keeps capture.bpf.c to the traffic events.
 */
#ifndef NS_CAPTURE_KMEM_BPF_H
#define NS_CAPTURE_KMEM_BPF_H

/* ---- kmem: the memory of packets ----
 *
 * kmem_cache_alloc, kmalloc, kmem_cache_free and kfree fire for every
 * allocation of the machine, so everything that is not a packet's is
 * thrown away here, before an event is even begun:
 *   - an allocation from an skb slab cache (skbuff_head_cache, ...): the
 *     cache's verdict is looked up by its kmem_cache pointer, and worked
 *     out (its name read and compared) only the first time a cache is seen;
 *   - a kmalloc (or another cache) whose call site lies in an skb
 *     allocation function: a binary search of the address ranges user
 *     space resolved from kallsyms (capture/kmem.c);
 *   - a free only of an address such an allocation returned (kmem_live).
 * Under a namespace filter an allocation in task context is kept only when
 * the task is in a wanted namespace; in softirq context the current task
 * is whoever was interrupted, so those are all kept (docs/EVENTS.md).
 */
const volatile char kmem_cache_names[NS_KMEM_CACHES][NS_KMEM_CACHE_NAME];
const volatile __u32 kmem_n_caches;
const volatile __u64 kmem_site_lo[NS_KMEM_SITES]; /* sorted, not overlapping */
const volatile __u64 kmem_site_hi[NS_KMEM_SITES]; /* exclusive */
const volatile __u32 kmem_n_sites;
/* mm_page_alloc: the order and the gfp bits every skb page-frag refill uses
 * (skb_page_frag_refill, page_frag_cache refill: __GFP_COMP|__GFP_NOWARN|
 * __GFP_NORETRY, values from the tracepoint's format file); 0: none */
const volatile __u32 page_frag_order = 3;
const volatile __u32 page_frag_gfp;

/* kmem_cache pointer -> 0 (not an skb cache) or 1 + its index */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} kmem_caches SEC(".maps");

static __always_inline __u32 kmem_cache_id(const struct kmem_cache *s)
{
	char name[NS_KMEM_CACHE_NAME] = {};
	__u64 key = (__u64)s;
	__u32 *v, id = 0;

	if (!s || !kmem_n_caches)
		return 0;
	v = bpf_map_lookup_elem(&kmem_caches, &key);
	if (v)
		return *v;
	/* first sight of this cache: its name decides, once */
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(s, name));
	for (__u32 c = 0; c < NS_KMEM_CACHES; c++) {
		bool same = c < kmem_n_caches;

		for (int i = 0; i < NS_KMEM_CACHE_NAME && same; i++) {
			if (name[i] != kmem_cache_names[c][i])
				same = false;
			else if (!name[i])
				break;
		}
		if (same) {
			id = c + 1;
			break;
		}
	}
	bpf_map_update_elem(&kmem_caches, &key, &id, BPF_NOEXIST);
	return id;
}

/* is addr in one of the skb allocation functions?  (binary search) */
static __always_inline bool kmem_site_wanted(__u64 addr)
{
	__u32 lo = 0, hi = kmem_n_sites;

	for (int i = 0; i < 7 && lo < hi; i++) { /* 2^7 > NS_KMEM_SITES */
		__u32 mid = ((lo + hi) / 2) & (NS_KMEM_SITES - 1);

		if (addr < kmem_site_lo[mid])
			hi = mid;
		else if (addr >= kmem_site_hi[mid])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* namespace filter of an allocation: the task's, in task context only */
enum kmem_verdict { KMEM_DROP, KMEM_KEEP, KMEM_HOLD };

/*
 * The namespace filter of an allocation: the task's in task context; held
 * back (kmem_pending.bpf.h) where the task cannot tell: in softirq, and in
 * an exiting task, whose sockets close after exit_task_namespaces() (in
 * do_exit() the last fput() runs as task work, later) and whose FIN or RST
 * is allocated then.
 */
static __always_inline enum kmem_verdict kmem_netns_verdict(__u8 ctx, __u32 *netns)
{
	struct task_struct *task;
	struct nsproxy *nsp;

	if (ctx == NS_CTX_SOFTIRQ)
		return netns_filter_n ? KMEM_HOLD : KMEM_KEEP;
	if (ctx != NS_CTX_TASK)
		return KMEM_KEEP;
	task = bpf_get_current_task_btf();
	nsp = BPF_CORE_READ(task, nsproxy);
	if (!nsp)
		return netns_filter_n ? KMEM_HOLD : KMEM_KEEP;
	*netns = BPF_CORE_READ(nsp, net_ns, ns.inum);
	return !netns_filter_n || netns_wanted(*netns) ? KMEM_KEEP : KMEM_DROP;
}

static __always_inline int kmem_emit_alloc(void *tp_ctx, __u16 type, __u64 site, __u64 ptr,
					   __u64 cache, __u32 req, __u32 alloc, __u32 gfp,
					   __u32 aux2)
{
	__u8 ctx = exec_ctx(tp_ctx);
	__u32 netns = 0;
	enum kmem_verdict verdict = ptr ? kmem_netns_verdict(ctx, &netns) : KMEM_DROP;
	struct ns_event *e;

	if (verdict == KMEM_DROP)
		return 0;
	e = ev_begin(tp_ctx, type);
	if (!e)
		return 0;
	e->location = site;
	e->skb_head = ptr;
	e->sk = cache;
	e->len = req;
	e->aux = alloc;
	e->reason = gfp;
	e->aux2 = aux2;
	e->netns = netns;
	/* decided by the packet event that follows */
	if (verdict == KMEM_HOLD) {
		/* no stack for these: ev_submit() never sees them */
		kmem_pending_add(e);
		return 0;
	}
	kmem_live_add(e);
	return ev_submit(tp_ctx, e);
}

static __always_inline int on_kmem_alloc(void *ctx, __u64 site, const void *ptr,
					 const struct kmem_cache *s, __u32 req, __u32 alloc,
					 __u32 gfp)
{
	__u32 id = kmem_cache_id(s), aux2 = id;

	if (kmem_site_wanted(site))
		aux2 |= NS_KMEM_SITE;
	else if (!id)
		return 0;
	if (!s)
		aux2 |= NS_KMEM_KMALLOC;
	else
		/* the cache's object size and its slot size: the tracepoint's
		 * own bytes_req and bytes_alloc (mm/slub.c) */
		req = BPF_CORE_READ(s, object_size), alloc = BPF_CORE_READ(s, size);
	return kmem_emit_alloc(ctx, NS_EV_KMEM_ALLOC, site, (__u64)ptr, (__u64)s, req, alloc, gfp,
			       aux2);
}
TWIN(kmem_cache_alloc, on_kmem_alloc(ctx, call_site, ptr, s, 0, 0, gfp_flags),
     unsigned long call_site, const void *ptr, struct kmem_cache *s, gfp_t gfp_flags, int node)
TWIN(kmalloc, on_kmem_alloc(ctx, call_site, ptr, NULL, bytes_req, bytes_alloc, gfp_flags),
     unsigned long call_site, const void *ptr, size_t bytes_req, size_t bytes_alloc,
     gfp_t gfp_flags, int node)

static __always_inline int kmem_emit_free(void *ctx, __u16 type, __u64 site, __u64 ptr,
					  __u64 cache)
{
	struct kmem_live_obj *live = bpf_map_lookup_elem(&kmem_live, &ptr);
	struct ns_event *e;

	if (!live) {
		if (netns_filter_n)
			kmem_pending_forget(ptr);
		return 0;
	}
	e = ev_begin(ctx, type);
	if (e) {
		e->location = site;
		e->skb_head = ptr;
		e->sk = cache;
		e->aux2 = live->aux2;
		if (type == NS_EV_PAGE_FREE)
			e->len = live->bytes;
		else
			e->aux = live->bytes;
	}
	/* before the memory is reused: an allocation of the same address on
	 * another CPU may follow at once */
	bpf_map_delete_elem(&kmem_live, &ptr);
	return e ? ev_submit(ctx, e) : 0;
}
/*
 * Frees of caches no allocation was sent from (nearly all of the machine's)
 * end at a few compares, before the kmem_live lookup: 148 -> 56 ns a call
 * here (bpf_stats, docs/PERFORMANCE.md).
 */
static __always_inline int on_kmem_cache_free(void *ctx, __u64 site, __u64 ptr, __u64 cache)
{
	if (!kmem_cache_known(cache))
		return 0;
	return kmem_emit_free(ctx, NS_EV_KMEM_FREE, site, ptr, cache);
}
TWIN(kmem_cache_free, on_kmem_cache_free(ctx, call_site, (__u64)ptr, (__u64)s),
     unsigned long call_site, const void *ptr, const struct kmem_cache *s)
TWIN(kfree, kmem_emit_free(ctx, NS_EV_KMEM_FREE, call_site, (__u64)ptr, 0),
     unsigned long call_site, const void *ptr)

/*
 * Pages: only the allocations an skb page frag is refilled with (an order
 * and gfp bits the rest of the machine seldom uses together), and of those
 * only the ones an skb function asked for: the first frame of the stack
 * inside an skb allocation range, which is also the event's call site.
 * The stack walk runs only for the few allocations the test lets through.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[NS_KMEM_PAGE_FRAMES]);
} kmem_frames SEC(".maps");

static __always_inline int on_page_alloc(void *ctx, const struct page *page, unsigned int order,
					 __u32 gfp)
{
	__u64 *ips, site = 0;
	__u32 zero = 0;
	long n;

	if (!page_frag_gfp || order != page_frag_order || (gfp & page_frag_gfp) != page_frag_gfp)
		return 0;
	ips = bpf_map_lookup_elem(&kmem_frames, &zero);
	if (!ips)
		return 0;
	n = bpf_get_stack(ctx, ips, NS_KMEM_PAGE_FRAMES * sizeof(__u64), 0);
	for (int i = 0; i < NS_KMEM_PAGE_FRAMES; i++) {
		if (i * (long)sizeof(__u64) >= n)
			break;
		if (kmem_site_wanted(ips[i])) {
			site = ips[i];
			break;
		}
	}
	if (!site)
		return 0;
	return kmem_emit_alloc(ctx, NS_EV_PAGE_ALLOC, site, (__u64)page, 0, order, 0, gfp,
			       NS_KMEM_SITE);
}
TWIN(mm_page_alloc, on_page_alloc(ctx, page, order, gfp_flags),
     struct page *page, unsigned int order, gfp_t gfp_flags, int migratetype)
/* only pages of the page-frag order were ever sent: 187 -> 45 ns a call */
TWIN(mm_page_free, order == page_frag_order && page_frag_gfp ?
		   kmem_emit_free(ctx, NS_EV_PAGE_FREE, 0, (__u64)page, 0) : 0,
     struct page *page, unsigned int order)

#endif /* NS_CAPTURE_KMEM_BPF_H */
