/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kmem capture looks for (`--events kmem`), resolved on the
 * running kernel before the BPF programs load: the address ranges of the
 * skb allocation functions (kallsyms: every part of each, `.cold` and
 * compiler clones too, and the `_noprof` names of kernels with memory
 * allocation profiling), the skb slab caches' names, and the GFP flag
 * table of the kmem tracepoints' format file (trace/gfp.h).  All of it goes
 * into the trace's metadata, so a report elsewhere decodes the same way.
 */
#ifndef NS_CAPTURE_KMEM_H
#define NS_CAPTURE_KMEM_H

#include <stdint.h>
#include "bpf/netscope.h"
#include "trace/gfp.h"
#include "trace/ksyms.h"
#include "trace/model.h"

struct kmem_site {
	uint64_t lo, hi;	/* [lo, hi) */
	char name[64];		/* the symbol: "__alloc_skb", "skb_copy.cold" */
};

struct kmem_config {
	struct kmem_site sites[NS_KMEM_SITES];	/* sorted by address */
	unsigned int n_sites;
	const char *caches[NS_KMEM_CACHES];	/* slab cache names looked for */
	unsigned int n_caches;
	char *format;		/* events/kmem/kmalloc/format, as read */
	struct gfp_table gfp;	/* its flags */
	uint32_t frag_gfp;	/* gfp bits of every page-frag refill; 0: page events off */
	uint32_t frag_order;	/* order of a page-frag refill (32 KiB) */
	uint64_t sk_buff_size;	/* sizeof(struct sk_buff), BTF: an fclone's second skb */
	uint64_t fclones_size;	/* sizeof(struct sk_buff_fclones): what an fclone asks for */
	char merged[NS_KMEM_CACHES][64]; /* the slab a cache was merged into, "" if its own */
};

/* the skb allocation functions, the base names looked up (NULL-ended) */
extern const char *const kmem_skb_functions[];

/*
 * Resolve on the running kernel: kallsyms (ks; NULL loads /proc/kallsyms),
 * the format file under tracefs, BTF.  0, or -errno with a message in err.
 */
int kmem_config_build(struct kmem_config *kc, const struct ksyms *ks, const char *tracefs,
		      char *err, size_t len);
/* The ranges of the functions of ks named in names (NULL-ended), sorted; how many. */
unsigned int kmem_resolve_sites(const struct ksyms *ks, const char *const *names,
				struct kmem_site *out, unsigned int max);
/*
 * Resolve and fill the kmem filter's read-only data of skel (capture.bpf.c,
 * "kmem") before load.  Returns the configuration (kmem_config_free(), then
 * free()), or NULL after a warning, with the kmem events taken out of
 * *events; the page events are taken out when the format file cannot tell
 * a page frag's gfp bits.
 */
struct capture_bpf;
struct kmem_config *kmem_configure(struct capture_bpf *skel, const char *tracefs, uint64_t *events);
/* kmem.* keys of the trace metadata (docs/TRACE_FORMAT.md) */
void kmem_config_meta(const struct kmem_config *kc, struct ns_meta *m);
void kmem_config_free(struct kmem_config *kc);

#endif
