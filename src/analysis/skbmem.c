// SPDX-License-Identifier: GPL-2.0
/*
 * Packet memory: the kmem events of a trace (`--events ...,kmem`, fields
 * in docs/EVENTS.md) against its packets.  Every allocation is a record,
 * live ones found by address; a packet's first event links it to the
 * live allocation at its skb address (an sk_buff of skbuff_head_cache or
 * skbuff_fclone_cache, or the second sk_buff of an fclone: the skb
 * address minus sizeof(struct sk_buff), from the trace's metadata) and
 * at its head (the data).  Frees close records; the packet's end
 * (kfree_skb / consume_skb) gives its lifetime.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/hist.h"
#include "analysis/internal.h"
#include "analysis/skbmem.h"
#include "analysis/table.h"
#include "trace/gfp.h"

/* allocations remembered: past this the rest are counted, not linked */
#define RECORDS_MAX (4u << 20)

struct rec {
	uint64_t ts, ptr;
	uint64_t packet_id;	/* linked packet, 0: none */
	uint32_t site;		/* row in sites */
	uint32_t bytes;
	uint32_t gfp;
	uint8_t ctx, kind, cache;
	bool freed, ended;
};

struct skbmem_an {
	const struct report_ctx *ctx;
	struct gfp_table gfp_names;
	char caches[NS_KMEM_CACHES][NS_KMEM_CACHE_NAME];
	char fclone_merged[64];	/* the slab skbuff_fclone_cache was merged into, or "" */
	uint64_t sk_buff_size, fclones_size, page_size;
	struct rec *recs;
	size_t n_recs, cap_recs;
	struct u64map live;	/* address -> record */
	struct u64map pkts;	/* packet id -> record of its sk_buff */
	struct u64map site_idx;	/* hash (cache, function) -> site row */
	struct u64map gfp_idx;	/* (ctx, gfp) -> gfp row */
	struct skbmem_result r;	/* counters, then rows */
	struct hist life[SKBMEM_KINDS], packet_life;
	size_t cap_sites, cap_gfp;
	uint64_t last_ts;
	bool any_kmem;
	int err;
};

static void parse_caches(struct skbmem_an *s, const char *text)
{
	while (text && *text) {
		const char *end = text + strcspn(text, ","), *eq = memchr(text, '=', end - text);
		unsigned long id = strtoul(text, NULL, 10);

		if (eq && id >= 1 && id <= NS_KMEM_CACHES)
			snprintf(s->caches[id - 1], NS_KMEM_CACHE_NAME, "%.*s", (int)(end - eq - 1), eq + 1);
		text = *end ? end + 1 : end;
	}
}

struct skbmem_an *skbmem_new(const struct report_ctx *ctx)
{
	struct skbmem_an *s = calloc(1, sizeof(*s));
	const struct ns_meta *m = ctx ? ctx->meta : NULL;
	const char *v;
	char err[128];

	if (!s)
		return NULL;
	s->ctx = ctx;
	for (int k = 0; k < SKBMEM_KINDS; k++)
		hist_init(&s->life[k]);
	hist_init(&s->packet_life);
	if (m) {
		parse_caches(s, ns_meta_get(m, "kmem.caches"));
		v = ns_meta_get(m, "kmem.sk_buff_size");
		s->sk_buff_size = v ? strtoull(v, NULL, 10) : 0;
		v = ns_meta_get(m, "kmem.sk_buff_fclones_size");
		s->fclones_size = v ? strtoull(v, NULL, 10) : 0;
		v = ns_meta_get(m, "kmem.merged");
		v = v ? strstr(v, "skbuff_fclone_cache=") : NULL;
		if (v)
			snprintf(s->fclone_merged, sizeof(s->fclone_merged), "%.*s",
				 (int)strcspn(v + 20, ","), v + 20);
		v = ns_meta_get(m, "kmem.page_size");
		s->page_size = v ? strtoull(v, NULL, 10) : 0;
		/* the table as recorded; else parse the format file it came from */
		v = ns_meta_get(m, "kmem.gfp_flags");
		if (!v || gfp_table_parse(&s->gfp_names, v)) {
			v = ns_meta_get(m, "kmem.format.kmalloc");
			if (v)
				gfp_table_from_format(&s->gfp_names, v, err, sizeof(err));
		}
	}
	s->r.have_gfp_names = s->gfp_names.n > 0;
	return s;
}

static uint64_t str_hash(uint64_t h, const char *p)
{
	for (; *p; p++)
		h = an_hash64(h ^ (unsigned char)*p);
	return h;
}

static enum skbmem_kind kind_of(const char *cache, uint16_t type, uint32_t flags)
{
	if (type == NS_EV_PAGE_ALLOC)
		return SKBMEM_KIND_PAGE;
	if (!strcmp(cache, "skbuff_head_cache") || !strcmp(cache, "skbuff_fclone_cache"))
		return SKBMEM_KIND_SKB;
	if ((flags & NS_KMEM_KMALLOC) || !strcmp(cache, "skbuff_small_head"))
		return SKBMEM_KIND_DATA;
	return SKBMEM_KIND_OTHER;
}

/* function is base, or a part or clone of it ("base.cold", "base_noprof") */
static bool is_function(const char *function, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(function, base, n) && (!function[n] || function[n] == '.' ||
					      !strncmp(function + n, "_noprof", 7));
}

/*
 * A slab allocation in __alloc_skb is of skbuff_head_cache (named by the
 * capture) or of skbuff_fclone_cache (net/core/skbuff.c: the only two
 * kmem_cache_alloc_node() calls there).  When SLUB merged the fclone cache
 * into another (metadata kmem.merged), its kmem_cache has the other's
 * name, and this is how it is known.
 */
static bool merged_fclone(const struct skbmem_an *s, const struct ns_event *ev, const char *function)
{
	return s->fclone_merged[0] && ev->type == NS_EV_KMEM_ALLOC &&
	       !(ev->aux2 & (NS_KMEM_KMALLOC | NS_KMEM_CACHE_MASK)) && is_function(function, "__alloc_skb");
}

static void cache_name(const struct skbmem_an *s, const struct ns_event *ev, const char *function,
		       char *buf, size_t len)
{
	unsigned int id = ev->aux2 & NS_KMEM_CACHE_MASK;

	if (merged_fclone(s, ev, function))
		snprintf(buf, len, "skbuff_fclone_cache");
	else if (ev->type == NS_EV_PAGE_ALLOC)
		snprintf(buf, len, "pages (order %u)", ev->len);
	else if (ev->aux2 & NS_KMEM_KMALLOC)
		snprintf(buf, len, "kmalloc");
	else if (id && id <= NS_KMEM_CACHES && s->caches[id - 1][0])
		snprintf(buf, len, "%s", s->caches[id - 1]);
	else if (id)
		snprintf(buf, len, "skb cache #%u", id);
	else
		snprintf(buf, len, "other cache");
}

static int site_row(struct skbmem_an *s, const struct ns_event *ev, uint32_t *row)
{
	const struct ksym *sym = s->ctx && s->ctx->ksyms ? ksyms__map_addr(s->ctx->ksyms, ev->location) :
							      NULL;
	char cache[SKBMEM_NAME], function[SKBMEM_NAME];
	struct skbmem_site *r;
	uint64_t h;

	if (sym)
		snprintf(function, sizeof(function), "%s", sym->name);
	else
		snprintf(function, sizeof(function), "0x%" PRIx64, (uint64_t)ev->location);
	cache_name(s, ev, function, cache, sizeof(cache));
	h = str_hash(str_hash(1, cache), function);
	/* a collision of two names is told apart by comparing them */
	for (;; h++) {
		if (!u64map_get(&s->site_idx, h, row))
			break;
		r = &s->r.sites[*row];
		if (!strcmp(r->cache, cache) && !strcmp(r->function, function))
			return 0;
	}
	if (s->r.n_sites == s->cap_sites) {
		size_t cap = s->cap_sites ? s->cap_sites * 2 : 16;
		struct skbmem_site *n = realloc(s->r.sites, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->r.sites = n;
		s->cap_sites = cap;
	}
	*row = s->r.n_sites;
	r = &s->r.sites[s->r.n_sites++];
	memset(r, 0, sizeof(*r));
	snprintf(r->cache, sizeof(r->cache), "%s", cache);
	snprintf(r->function, sizeof(r->function), "%s", function);
	if (sym && s->ctx->ksyms)
		ksyms__fmt(s->ctx->ksyms, ev->location, r->example, sizeof(r->example));
	r->kind = kind_of(cache, ev->type, ev->aux2);
	return u64map_put(&s->site_idx, h, *row);
}

static int gfp_row(struct skbmem_an *s, uint8_t ctx, uint32_t gfp)
{
	uint64_t key = (uint64_t)ctx << 32 | gfp;
	struct skbmem_gfp *g;
	uint32_t row;

	if (u64map_get(&s->gfp_idx, key, &row)) {
		s->r.gfp[row].count++;
		return 0;
	}
	if (s->r.n_gfp == s->cap_gfp) {
		size_t cap = s->cap_gfp ? s->cap_gfp * 2 : 16;
		struct skbmem_gfp *n = realloc(s->r.gfp, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->r.gfp = n;
		s->cap_gfp = cap;
	}
	g = &s->r.gfp[s->r.n_gfp];
	memset(g, 0, sizeof(*g));
	snprintf(g->ctx, sizeof(g->ctx), "%s", ns_ctx_name(ctx));
	g->value = gfp;
	g->count = 1;
	if (s->r.have_gfp_names)
		gfp_decode(&s->gfp_names, gfp, g->flags, sizeof(g->flags));
	else
		snprintf(g->flags, sizeof(g->flags), "0x%x", gfp);
	g->may_sleep = s->r.have_gfp_names ? gfp_may_sleep(&s->gfp_names, gfp) : -1;
	return u64map_put(&s->gfp_idx, key, s->r.n_gfp++);
}

static void on_alloc(struct skbmem_an *s, const struct ns_event *ev)
{
	struct skbmem_site *row;
	uint32_t site, old;
	uint64_t bytes;
	struct rec *r;
	int may_sleep;

	if (site_row(s, ev, &site) || gfp_row(s, ev->ctx, ev->reason)) {
		s->err = -ENOMEM;
		return;
	}
	row = &s->r.sites[site];
	row->allocs++;
	row->by_ctx[ev->ctx < 5 ? ev->ctx : 0]++;
	if (ev->type == NS_EV_PAGE_ALLOC) {
		s->r.page_allocs++;
		bytes = (s->page_size ? s->page_size : 4096) << (ev->len & 31);
		row->bytes_req += bytes;
		row->bytes_alloc += bytes;
	} else {
		/* a merged cache's object size is the largest of its users':
		 * what an fclone asks for is sizeof(struct sk_buff_fclones) */
		uint32_t req = merged_fclone(s, ev, row->function) && s->fclones_size ?
			       s->fclones_size : ev->len;

		s->r.allocs++;
		bytes = (uint32_t)ev->aux;
		row->bytes_req += req;
		row->bytes_alloc += bytes;
		s->r.bytes_req += req;
		s->r.bytes_alloc += bytes;
	}
	may_sleep = s->r.have_gfp_names ? gfp_may_sleep(&s->gfp_names, ev->reason) : -1;
	if (may_sleep == 1)
		s->r.ctx_sleep[ev->ctx < 5 ? ev->ctx : 0]++;
	else if (may_sleep == 0)
		s->r.ctx_atomic[ev->ctx < 5 ? ev->ctx : 0]++;
	if (is_function(row->function, "skb_clone") && row->kind == SKBMEM_KIND_SKB)
		s->r.clone_allocs++;
	if (!strcmp(row->cache, "skbuff_fclone_cache"))
		s->r.fclone_allocs++;
	if (u64map_take(&s->live, ev->skb_head, &old)) {
		s->r.realloc_unfreed++;
		s->recs[old].freed = true; /* its free was not seen; it is not alive */
	}
	if (s->n_recs >= RECORDS_MAX) {
		s->r.records_dropped++;
		return;
	}
	if (s->n_recs == s->cap_recs) {
		size_t cap = s->cap_recs ? s->cap_recs * 2 : 1024;
		struct rec *n = realloc(s->recs, cap * sizeof(*n));

		if (!n) {
			s->err = -ENOMEM;
			return;
		}
		s->recs = n;
		s->cap_recs = cap;
	}
	r = &s->recs[s->n_recs];
	memset(r, 0, sizeof(*r));
	r->ts = ev->ts_ns;
	r->ptr = ev->skb_head;
	r->site = site;
	r->bytes = bytes > UINT32_MAX ? UINT32_MAX : bytes;
	r->gfp = ev->reason;
	r->ctx = ev->ctx;
	r->kind = row->kind;
	r->cache = !strcmp(row->cache, "skbuff_fclone_cache");
	if (u64map_put(&s->live, ev->skb_head, s->n_recs))
		s->err = -ENOMEM;
	s->n_recs++;
}

static void on_free(struct skbmem_an *s, const struct ns_event *ev)
{
	uint32_t idx;
	struct rec *r;

	if (ev->type == NS_EV_PAGE_FREE)
		s->r.page_frees++;
	else
		s->r.frees++;
	if (!u64map_take(&s->live, ev->skb_head, &idx)) {
		s->r.frees_unmatched++;
		return;
	}
	r = &s->recs[idx];
	r->freed = true;
	for (size_t i = 0; r->packet_id && i < s->r.n_examples; i++) {
		struct skbmem_example *x = &s->r.examples[i];

		if (x->packet_id == r->packet_id && !x->mem_freed && !strcmp(x->link, "skb")) {
			x->mem_freed = true;
			x->to_mem_free_ns = ev->ts_ns > r->ts ? ev->ts_ns - r->ts : 0;
		}
	}
	s->r.sites[r->site].frees++;
	hist_add(&s->life[r->kind], ev->ts_ns > r->ts ? ev->ts_ns - r->ts : 0);
}

static void example_add(struct skbmem_an *s, const struct rec *r, const struct ns_event *ev,
			const char *link)
{
	struct skbmem_example *x;

	if (s->r.n_examples >= SKBMEM_EXAMPLES)
		return;
	x = &s->r.examples[s->r.n_examples++];
	memset(x, 0, sizeof(*x));
	x->packet_id = ev->packet_id;
	snprintf(x->cache, sizeof(x->cache), "%s", s->r.sites[r->site].cache);
	snprintf(x->function, sizeof(x->function), "%s", s->r.sites[r->site].function);
	snprintf(x->ctx, sizeof(x->ctx), "%s", ns_ctx_name(r->ctx));
	if (s->r.have_gfp_names)
		gfp_decode(&s->gfp_names, r->gfp, x->gfp, sizeof(x->gfp));
	else
		snprintf(x->gfp, sizeof(x->gfp), "0x%x", r->gfp);
	snprintf(x->link, sizeof(x->link), "%s", link);
	snprintf(x->first_event, sizeof(x->first_event), "%s", ns_event_name(ev->type));
	x->to_first_ns = ev->ts_ns > r->ts ? ev->ts_ns - r->ts : 0;
}

/* the live sk_buff allocation at the packet's skb address, or its fclone's */
static struct rec *skb_alloc_of(struct skbmem_an *s, const struct ns_event *ev, const char **link)
{
	uint32_t idx;

	if (u64map_get(&s->live, ev->skb, &idx) && s->recs[idx].kind == SKBMEM_KIND_SKB) {
		*link = "skb";
		return &s->recs[idx];
	}
	/* struct sk_buff_fclones { skb1; skb2; ... }: skb_clone() of an fclone's
	 * first sk_buff hands out the second without allocating */
	if (s->sk_buff_size && ev->skb > s->sk_buff_size &&
	    u64map_get(&s->live, ev->skb - s->sk_buff_size, &idx) && s->recs[idx].cache) {
		*link = "fclone-clone";
		return &s->recs[idx];
	}
	return NULL;
}

static void on_packet(struct skbmem_an *s, const struct ns_event *ev)
{
	uint32_t idx;

	if (ev->flags & NS_F_NEW_PACKET) {
		const char *link = NULL;
		struct rec *r = skb_alloc_of(s, ev, &link);

		s->r.packets++;
		if (ev->skb_head && u64map_get(&s->live, ev->skb_head, &idx) &&
		    s->recs[idx].kind != SKBMEM_KIND_SKB)
			s->r.linked_head++;
		if (!r) {
			if (s->r.n_unlinked_ids < SKBMEM_UNLINKED_MAX) {
				s->r.unlinked_ids[s->r.n_unlinked_ids] = ev->packet_id;
				snprintf(s->r.unlinked_event[s->r.n_unlinked_ids++], 32, "%s",
					 ns_event_name(ev->type));
			}
			s->r.unlinked++;
		} else {
			if (!strcmp(link, "skb"))
				s->r.linked_skb++;
			else
				s->r.linked_fclone++;
			/* the sk_buff's first packet; a clone's later one is its own */
			if (!r->packet_id)
				r->packet_id = ev->packet_id;
			example_add(s, r, ev, link);
			if (u64map_put(&s->pkts, ev->packet_id, r - s->recs))
				s->err = -ENOMEM;
		}
	}
	if ((ev->flags & NS_F_END_PACKET) && u64map_take(&s->pkts, ev->packet_id, &idx)) {
		struct rec *r = &s->recs[idx];

		r->ended = true;
		hist_add(&s->packet_life, ev->ts_ns > r->ts ? ev->ts_ns - r->ts : 0);
		for (size_t i = 0; i < s->r.n_examples; i++) {
			struct skbmem_example *x = &s->r.examples[i];

			if (x->packet_id == ev->packet_id && !x->ended) {
				x->ended = true;
				x->to_end_ns = ev->ts_ns > r->ts ? ev->ts_ns - r->ts : 0;
				snprintf(x->end_event, sizeof(x->end_event), "%s", ns_event_name(ev->type));
			}
		}
	}
}

void skbmem_feed(struct skbmem_an *s, const struct ns_event *ev)
{
	if (s->err)
		return;
	if (ev->ts_ns > s->last_ts)
		s->last_ts = ev->ts_ns;
	switch (ev->type) {
	case NS_EV_KMEM_ALLOC:
	case NS_EV_PAGE_ALLOC:
		s->any_kmem = true;
		on_alloc(s, ev);
		break;
	case NS_EV_KMEM_FREE:
	case NS_EV_PAGE_FREE:
		s->any_kmem = true;
		on_free(s, ev);
		break;
	default:
		if (ev->packet_id && ev->skb)
			on_packet(s, ev);
		break;
	}
}

static int cmp_site(const void *a, const void *b)
{
	const struct skbmem_site *x = a, *y = b;

	return x->allocs != y->allocs ? (x->allocs < y->allocs ? 1 : -1) :
	       strcmp(x->cache, y->cache) ?: strcmp(x->function, y->function);
}

static int cmp_gfp(const void *a, const void *b)
{
	const struct skbmem_gfp *x = a, *y = b;
	int c = strcmp(x->ctx, y->ctx);

	if (c)
		return c;
	return x->count != y->count ? (x->count < y->count ? 1 : -1) : (x->value > y->value) - (x->value < y->value);
}

static void life_of(const struct hist *h, struct skbmem_life *l)
{
	memset(l, 0, sizeof(*l));
	l->count = h->count;
	if (!h->count)
		return;
	l->min_ns = h->min;
	l->p50_ns = hist_percentile(h, 50);
	l->p90_ns = hist_percentile(h, 90);
	l->p99_ns = hist_percentile(h, 99);
	l->max_ns = h->max;
	for (unsigned int b = 0; b < HIST_BUCKETS; b++) {
		uint64_t v = hist_bucket_lower(b);

		if (h->bucket[b])
			l->by_pow2[v ? 64 - __builtin_clzll(v) : 0] += h->bucket[b];
	}
}

int skbmem_finish(struct skbmem_an *s, struct skbmem_result *out)
{
	if (s->err)
		return s->err;
	for (int k = 0; k < SKBMEM_KINDS; k++)
		life_of(&s->life[k], &s->r.life[k]);
	life_of(&s->packet_life, &s->r.packet_life);
	for (size_t i = 0; i < s->n_recs; i++) {
		const struct rec *r = &s->recs[i];

		if (r->freed)
			continue;
		s->r.alive++;
		s->r.alive_bytes += r->bytes;
		s->r.sites[r->site].alive++;
		if (r->ended)
			s->r.alive_ended++;
		if (s->last_ts > r->ts && s->last_ts - r->ts > s->r.alive_oldest_ns)
			s->r.alive_oldest_ns = s->last_ts - r->ts;
	}
	snprintf(s->r.fclone_merged, sizeof(s->r.fclone_merged), "%s", s->fclone_merged);
	/* qsort's array must not be NULL, even for no rows (UBSan, fuzz_tracefile) */
	if (s->r.n_sites)
		qsort(s->r.sites, s->r.n_sites, sizeof(*s->r.sites), cmp_site);
	if (s->r.n_gfp)
		qsort(s->r.gfp, s->r.n_gfp, sizeof(*s->r.gfp), cmp_gfp);
	s->r.have_kmem = s->any_kmem || (s->ctx && s->ctx->meta && ns_meta_get(s->ctx->meta, "kmem.caches"));
	*out = s->r;
	/* the rows now belong to out */
	memset(&s->r, 0, sizeof(s->r));
	s->cap_sites = s->cap_gfp = 0;
	return 0;
}

void skbmem_free(struct skbmem_an *s)
{
	if (!s)
		return;
	free(s->recs);
	u64map_free(&s->live);
	u64map_free(&s->pkts);
	u64map_free(&s->site_idx);
	u64map_free(&s->gfp_idx);
	gfp_table_free(&s->gfp_names);
	skbmem_result_free(&s->r);
	free(s);
}

void skbmem_result_free(struct skbmem_result *r)
{
	free(r->sites);
	free(r->gfp);
	r->sites = NULL;
	r->gfp = NULL;
	r->n_sites = r->n_gfp = 0;
}

/* ---- as an analysis of the report ---- */

static int init_op(void **state, const struct report_ctx *ctx)
{
	*state = skbmem_new(ctx);
	return *state ? 0 : -ENOMEM;
}

static void feed_op(void *state, const struct ns_event *ev)
{
	skbmem_feed(state, ev);
}

static int finish_op(void *state, const struct analysis_end *end, struct report_result *res)
{
	return skbmem_finish(state, &res->skbmem);
}

static void free_op(void *state)
{
	skbmem_free(state);
}

static void free_part(struct report_result *res)
{
	skbmem_result_free(&res->skbmem);
}

const struct analysis_ops skbmem_analysis = {
	.name = "skb-memory",
	.parts = RR_PART_SKBMEM,
	.init = init_op,
	.feed = feed_op,
	.finish = finish_op,
	.free = free_op,
	.free_part = free_part,
};
