/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The skb-memory view's result (`report --view skb-memory`): the packet
 * allocations and frees of a trace recorded with `--events ...,kmem`, by
 * slab cache and call site, bytes requested and allocated, GFP flags by
 * execution context, each packet linked to the allocation of its sk_buff
 * and of its data, lifetimes, and what was still allocated at the end.
 * The analysis is analysis/skbmem.c, the renderer render/skbmem_out.c.
 */
#ifndef NS_ANALYSIS_RESULT_SKBMEM_H
#define NS_ANALYSIS_RESULT_SKBMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SKBMEM_NAME 64
#define SKBMEM_GFP 160
#define SKBMEM_UNLINKED_MAX 16
#define SKBMEM_EXAMPLES 6

/* what an allocation holds, from its cache and call site */
enum skbmem_kind {
	SKBMEM_KIND_SKB = 0,	/* an sk_buff: skbuff_head_cache, skbuff_fclone_cache */
	SKBMEM_KIND_DATA,	/* skb->head: kmalloc or skbuff_small_head */
	SKBMEM_KIND_PAGE,	/* a page frag's pages */
	SKBMEM_KIND_OTHER,	/* skbuff_ext_cache, another cache at an skb call site */
	SKBMEM_KINDS,
};

/* One (cache, call-site function): "skbuff_head_cache" at "__alloc_skb". */
struct skbmem_site {
	char cache[SKBMEM_NAME];	/* cache name, "kmalloc", "pages (order 3)" */
	char function[SKBMEM_NAME];	/* the call site's function; "0x..." unknown */
	char example[SKBMEM_NAME + 16];	/* one call site as function+offset */
	enum skbmem_kind kind;
	uint64_t allocs, frees, alive;
	uint64_t bytes_req, bytes_alloc;	/* summed over allocs */
	uint64_t by_ctx[5];		/* allocs per enum ns_ctx */
};

/* One (context, GFP flags) */
struct skbmem_gfp {
	char ctx[12];			/* "softirq", "task" */
	char flags[SKBMEM_GFP];		/* "GFP_ATOMIC|__GFP_NOWARN", decoded with the trace's table */
	uint32_t value;
	int may_sleep;			/* __GFP_DIRECT_RECLAIM set: 1, not: 0, unknown: -1 */
	uint64_t count;
};

/* a lifetime distribution, ns (from analysis/hist.c: under 1.6 % error) */
struct skbmem_life {
	uint64_t count, min_ns, p50_ns, p90_ns, p99_ns, max_ns;
	uint64_t by_pow2[65];	/* [k]: values in [2^(k-1), 2^k); [0]: 0 */
};

/* one packet from its allocation to its end, as an example */
struct skbmem_example {
	uint64_t packet_id;
	char cache[SKBMEM_NAME], function[SKBMEM_NAME], ctx[12];
	char gfp[SKBMEM_GFP];
	char link[16];			/* "skb", "fclone-clone" */
	char first_event[32], end_event[32]; /* end "" while alive */
	uint64_t to_first_ns, to_end_ns;
	bool ended;
	/* the sk_buff's kmem free: a packet TCP frees through __kfree_skb has
	 * no end event, but its memory is seen going back */
	bool mem_freed;
	uint64_t to_mem_free_ns;
};

struct skbmem_result {
	bool have_kmem;			/* the trace was recorded with kmem events */
	bool have_gfp_names;		/* its metadata had the GFP flag table */
	char fclone_merged[64];		/* the slab SLUB merged skbuff_fclone_cache into, or "" */
	uint64_t allocs, frees, page_allocs, page_frees;
	uint64_t bytes_req, bytes_alloc;	/* slab allocations */
	uint64_t frees_unmatched;	/* a free of an address the trace saw no allocation of */
	uint64_t realloc_unfreed;	/* an address allocated again with no free seen */
	struct skbmem_site *sites;	/* by allocs, descending */
	size_t n_sites;
	struct skbmem_gfp *gfp;		/* by context, then count */
	size_t n_gfp;
	/* per enum ns_ctx: allocations that may sleep and that may not */
	uint64_t ctx_sleep[5], ctx_atomic[5];
	/* packets (ids with a first event) and how they link to an allocation */
	uint64_t packets;
	uint64_t linked_skb;		/* skb address = an sk_buff allocation */
	uint64_t linked_fclone;		/* skb address = the second sk_buff of an fclone allocation */
	uint64_t linked_head;		/* skb->head = a data allocation */
	uint64_t unlinked;		/* neither an sk_buff nor an fclone's second */
	uint64_t unlinked_ids[SKBMEM_UNLINKED_MAX];
	char unlinked_event[SKBMEM_UNLINKED_MAX][32];
	size_t n_unlinked_ids;
	/* clones: sk_buffs skb_clone() allocated, fclone allocations, fclone seconds used */
	uint64_t clone_allocs, fclone_allocs;
	/* lifetimes, ns: allocation -> kmem free per kind; allocation -> the
	 * packet's end (kfree_skb / consume_skb) */
	struct skbmem_life life[SKBMEM_KINDS];
	struct skbmem_life packet_life;
	/* at the end of the trace: allocations not freed */
	uint64_t alive, alive_bytes;
	uint64_t alive_ended;		/* of which the packet ended (freed where no tracepoint sees) */
	uint64_t alive_oldest_ns;	/* age of the oldest */
	uint64_t records_dropped;	/* allocations past the analysis's cap: not linked */
	struct skbmem_example examples[SKBMEM_EXAMPLES];
	size_t n_examples;
};

void skbmem_result_free(struct skbmem_result *r);

#endif
