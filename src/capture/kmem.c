// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "capture.skel.h"
#include "capture/kmem.h"
#include "capture/session.h"
#include "common/log.h"
#include "common/textfile.h"

/*
 * Functions that allocate an skb or its data, from net/core/skbuff.c
 * (6.1 to 6.18).  A slab allocation's call site is the return address in
 * the function that called the allocator: __alloc_skb for the sk_buff
 * itself (kmem_cache_alloc_node) and for kmalloc'd data (kmalloc_reserve
 * passes its caller's _RET_IP_ to kmalloc_node_track_caller), and
 * kmalloc_reserve for data from the skbuff_small_head cache.  The page-frag
 * functions are the call sites of skb data in pages (mm_page_alloc events,
 * found on the stack).  Names missing from a kernel are skipped.
 */
const char *const kmem_skb_functions[] = {
	"__alloc_skb", "kmalloc_reserve", "__napi_alloc_skb", "napi_alloc_skb",
	"__netdev_alloc_skb", "pskb_expand_head", "skb_clone", "__pskb_copy_fclone", "skb_copy",
	"skb_copy_expand", "__build_skb", "build_skb", "__build_skb_around", "build_skb_around",
	"__napi_build_skb", "napi_build_skb", "napi_skb_cache_get", "alloc_skb_with_frags",
	"skb_page_frag_refill", "page_frag_alloc", "__page_frag_alloc_align",
	"__page_frag_cache_refill", "page_frag_cache_refill", "__napi_alloc_frag_align",
	"__netdev_alloc_frag_align", "napi_alloc_frag", "netdev_alloc_frag",
	NULL,
};

/* the skb slab caches by the names the kernel gives them (kmem_cache_create) */
static const char *const skb_caches[] = {
	"skbuff_head_cache", "skbuff_fclone_cache", "skbuff_small_head", "skbuff_ext_cache",
};

/* name is base, base_noprof, or either with a compiler suffix (".cold", ".isra.0") */
static bool names_function(const char *name, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(name, base, n))
		return false;
	name += n;
	if (!strncmp(name, "_noprof", 7))
		name += 7;
	return !*name || *name == '.';
}

static int cmp_site(const void *a, const void *b)
{
	const struct kmem_site *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

unsigned int kmem_resolve_sites(const struct ksyms *ks, const char *const *names,
				struct kmem_site *out, unsigned int max)
{
	unsigned int n = 0;

	/* ks is sorted: a symbol ends where the next one (of another address) starts */
	for (size_t i = 0; i < ks->n && n < max; i++) {
		const struct ksym *s = &ks->syms[i];
		size_t j = i + 1;

		if (s->module)
			continue; /* vmlinux only: skbuff.c is never a module */
		for (const char *const *b = names; *b; b++) {
			if (!names_function(s->name, *b))
				continue;
			while (j < ks->n && ks->syms[j].addr == s->addr)
				j++;
			if (j >= ks->n)
				break;
			out[n].lo = s->addr;
			out[n].hi = ks->syms[j].addr;
			snprintf(out[n].name, sizeof(out[n].name), "%s", s->name);
			n++;
			break;
		}
	}
	qsort(out, n, sizeof(*out), cmp_site);
	return n;
}

static uint64_t btf_struct_size(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	uint64_t size = 0;
	int id;

	if (!btf)
		return 0;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	if (id > 0)
		size = btf__resolve_size(btf, id);
	btf__free(btf);
	return size;
}

int kmem_config_build(struct kmem_config *kc, const struct ksyms *ks, const char *tracefs,
		      char *err, size_t len)
{
	struct ksyms *own = NULL;
	char path[512];
	int ret;

	memset(kc, 0, sizeof(*kc));
	if (!ks) {
		ks = own = ksyms__load(NULL);
		if (!own) {
			snprintf(err, len, "cannot read /proc/kallsyms: %s", strerror(errno));
			return -errno;
		}
	}
	kc->n_sites = kmem_resolve_sites(ks, kmem_skb_functions, kc->sites, NS_KMEM_SITES);
	ksyms__free(own);
	if (!kc->n_sites) {
		snprintf(err, len, "no skb allocation function (__alloc_skb, ...) in kallsyms");
		return -ENOENT;
	}
	for (size_t i = 0; i < sizeof(skb_caches) / sizeof(skb_caches[0]); i++)
		kc->caches[kc->n_caches++] = skb_caches[i];
	snprintf(path, sizeof(path), "%s/events/kmem/kmalloc/format", tracefs ? tracefs : "");
	ret = ns_read_text_file(path, &kc->format, err, len);
	if (ret)
		return ret;
	ret = gfp_table_from_format(&kc->gfp, kc->format, err, len);
	if (ret)
		return ret;
	/*
	 * A page-frag refill asks for __GFP_COMP | __GFP_NOWARN | __GFP_NORETRY
	 * at order get_order(32768) (net/core/sock.c skb_page_frag_refill,
	 * mm/page_frag_cache.c); named flags, so a kernel that renumbers them
	 * still matches.  Without all three names, page events stay off.
	 */
	uint64_t comp = gfp_value(&kc->gfp, "__GFP_COMP"), nowarn = gfp_value(&kc->gfp, "__GFP_NOWARN"),
		 noretry = gfp_value(&kc->gfp, "__GFP_NORETRY");

	if (comp && nowarn && noretry)
		kc->frag_gfp = comp | nowarn | noretry;
	kc->frag_order = 0;
	for (long pg = sysconf(_SC_PAGESIZE); pg > 0 && (pg << kc->frag_order) < 32768;)
		kc->frag_order++;
	kc->sk_buff_size = btf_struct_size("sk_buff");
	kc->fclones_size = btf_struct_size("sk_buff_fclones");
	/*
	 * SLUB merges a cache into another of the same size and flags: its
	 * name in /sys/kernel/slab is then a link to the shared cache (here
	 * skbuff_fclone_cache -> :0000512, with pool_workqueue and others), and
	 * the kmem_cache the tracepoint passes has the first creator's name.
	 * Such a cache is no filter of its own: the call site decides.
	 */
	for (unsigned int i = 0; i < kc->n_caches; i++) {
		char link[64];

		snprintf(path, sizeof(path), "/sys/kernel/slab/%s", kc->caches[i]);
		ssize_t n = readlink(path, link, sizeof(link) - 1);

		if (n > 0) {
			link[n] = '\0';
			snprintf(kc->merged[i], sizeof(kc->merged[i]), "%.63s", link);
		}
	}
	return 0;
}

struct kmem_config *kmem_configure(struct capture_bpf *skel, const char *tracefs, uint64_t *events)
{
	struct capture_bpf__rodata *ro = skel->rodata;
	struct kmem_config *kc = calloc(1, sizeof(*kc));
	char err[256] = "out of memory";
	const uint64_t pages = (1ull << NS_EV_PAGE_ALLOC) | (1ull << NS_EV_PAGE_FREE);

	if (!kc || kmem_config_build(kc, NULL, tracefs, err, sizeof(err))) {
		ns_warn("kmem events unavailable: %s: skipped", err);
		if (kc)
			kmem_config_free(kc);
		free(kc);
		*events &= ~capture_kmem_events();
		return NULL;
	}
	for (unsigned int i = 0; i < kc->n_caches && i < NS_KMEM_CACHES; i++)
		snprintf((char *)ro->kmem_cache_names[i], NS_KMEM_CACHE_NAME, "%s", kc->caches[i]);
	ro->kmem_n_caches = kc->n_caches;
	for (unsigned int i = 0; i < kc->n_sites; i++) {
		ro->kmem_site_lo[i] = kc->sites[i].lo;
		ro->kmem_site_hi[i] = kc->sites[i].hi;
	}
	ro->kmem_n_sites = kc->n_sites;
	ro->page_frag_gfp = kc->frag_gfp;
	ro->page_frag_order = kc->frag_order;
	if (!kc->frag_gfp && (*events & pages))
		ns_warn("page events: the kmem format names no __GFP_COMP, __GFP_NOWARN and "
			"__GFP_NORETRY: skb page frags cannot be told apart: skipped");
	if (!kc->frag_gfp)
		*events &= ~pages;
	return kc;
}

void kmem_config_meta(const struct kmem_config *kc, struct ns_meta *m)
{
	size_t cap = 64 * (NS_KMEM_SITES + NS_KMEM_CACHES) + 64, off = 0;
	char *buf = malloc(cap), *gfp;

	if (!buf)
		return;
	buf[0] = '\0';
	for (unsigned int i = 0; i < kc->n_caches; i++)
		off += snprintf(buf + off, cap - off, "%s%u=%s", i ? "," : "", i + 1, kc->caches[i]);
	ns_meta_set(m, "kmem.caches", buf);
	off = 0;
	for (unsigned int i = 0; i < kc->n_sites; i++)
		off += snprintf(buf + off, cap - off, "%s%s=0x%" PRIx64 "-0x%" PRIx64, i ? "," : "",
				kc->sites[i].name, kc->sites[i].lo, kc->sites[i].hi);
	ns_meta_set(m, "kmem.sites", buf);
	snprintf(buf, cap, "%" PRIu64, kc->sk_buff_size);
	ns_meta_set(m, "kmem.sk_buff_size", buf);
	snprintf(buf, cap, "%" PRIu64, kc->fclones_size);
	ns_meta_set(m, "kmem.sk_buff_fclones_size", buf);
	off = 0;
	buf[0] = '\0';
	for (unsigned int i = 0; i < kc->n_caches; i++)
		if (kc->merged[i][0])
			off += snprintf(buf + off, cap - off, "%s%s=%s", off ? "," : "", kc->caches[i],
					kc->merged[i]);
	ns_meta_set(m, "kmem.merged", buf);
	snprintf(buf, cap, "%ld", sysconf(_SC_PAGESIZE));
	ns_meta_set(m, "kmem.page_size", buf);
	snprintf(buf, cap, "order=%u,gfp=0x%x", kc->frag_order, kc->frag_gfp);
	ns_meta_set(m, "kmem.page_frag", buf);
	if (kc->format)
		ns_meta_set(m, "kmem.format.kmalloc", kc->format);
	gfp = gfp_table_format(&kc->gfp);
	if (gfp)
		ns_meta_set(m, "kmem.gfp_flags", gfp);
	free(gfp);
	free(buf);
}

void kmem_config_free(struct kmem_config *kc)
{
	free(kc->format);
	kc->format = NULL;
	gfp_table_free(&kc->gfp);
}
