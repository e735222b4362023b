// SPDX-License-Identifier: GPL-2.0
/*
 * Drops: kfree_skb events by drop reason, by the function that freed the
 * skb (ev->location, the tracepoint's caller address) and by both.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"

static uint64_t site_hash(uint32_t reason, uint64_t location)
{
	return an_hash64(location ^ an_hash64(reason));
}

/* called for kfree_skb events only */
void drops_feed(struct drops_an *d, const struct ns_event *ev)
{
	uint64_t h = site_hash(ev->reason, ev->location);
	uint32_t i, first = LRU_NIL;

	d->total++;
	if (u64map_get(&d->idx, h, &first))
		for (i = first; i != LRU_NIL; i = d->sites[i].next)
			if (d->sites[i].reason == ev->reason && d->sites[i].location == ev->location) {
				d->sites[i].count++;
				return;
			}
	/* reasons and code addresses are few; the cap is for corrupt input */
	if (d->n >= DROP_SITES_MAX)
		goto overflow;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 64;
		struct drop_site *s = realloc(d->sites, ncap * sizeof(*s));

		if (!s)
			goto overflow;
		d->sites = s;
		d->cap = ncap;
	}
	if (u64map_put(&d->idx, h, d->n))
		goto overflow;
	d->sites[d->n] = (struct drop_site){
		.reason = ev->reason, .location = ev->location, .count = 1, .next = first,
	};
	d->n++;
	return;
overflow:
	d->overflow++;
}

/* "func" or "func [module]" of a location; hex when the address is unknown */
static void func_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *s = ks ? ksyms__map_addr(ks, addr) : NULL;

	if (!addr)
		snprintf(buf, len, "unknown");
	else if (!s)
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	else if (s->module)
		snprintf(buf, len, "%s [%s]", s->name, s->module);
	else
		snprintf(buf, len, "%s", s->name);
}

static void loc_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	if (!addr)
		snprintf(buf, len, "unknown");
	else if (ks)
		ksyms__fmt(ks, addr, buf, len);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

int drops_finish(struct drops_an *d, const struct report_ctx *ctx, struct report_result *res)
{
	struct rr_drops *rd = &res->drops;
	size_t n1 = d->n ? d->n : 1;
	struct u64map by_reason = { 0 }, by_func = { 0 };
	char buf[256];
	int err = -ENOMEM;

	rd->total = d->total;
	rd->sites_overflow = d->overflow;
	rd->sites = calloc(n1, sizeof(*rd->sites));
	rd->reasons = calloc(n1, sizeof(*rd->reasons));
	rd->functions = calloc(n1, sizeof(*rd->functions));
	if (!rd->sites || !rd->reasons || !rd->functions)
		goto out;
	for (size_t k = 0; k < d->n; k++) {
		const struct drop_site *s = &d->sites[k];
		struct rr_drop_site *o = &rd->sites[rd->n_sites++];
		const struct ksym *sym = ctx->ksyms ? ksyms__map_addr(ctx->ksyms, s->location) : NULL;
		/* group by the function's start address: one row per function */
		uint64_t fkey = sym ? sym->addr : s->location;
		uint32_t ri, fi;

		an_enum_name(ctx, NS_NAMES_DROP_REASON, s->reason, buf, sizeof(buf));
		o->reason = strdup(buf);
		loc_name(ctx->ksyms, s->location, buf, sizeof(buf));
		o->location = strdup(buf);
		func_name(ctx->ksyms, s->location, buf, sizeof(buf));
		o->function = strdup(buf);
		o->count = s->count;
		if (!o->reason || !o->location || !o->function)
			goto out;

		if (!u64map_get(&by_reason, s->reason, &ri)) {
			ri = rd->n_reasons++;
			if (u64map_put(&by_reason, s->reason, ri))
				goto out;
			rd->reasons[ri].value = s->reason;
			rd->reasons[ri].name = strdup(o->reason);
			if (!rd->reasons[ri].name)
				goto out;
		}
		rd->reasons[ri].count += s->count;

		if (!u64map_get(&by_func, fkey, &fi)) {
			fi = rd->n_functions++;
			if (u64map_put(&by_func, fkey, fi))
				goto out;
			rd->functions[fi].label = strdup(o->function);
			if (!rd->functions[fi].label)
				goto out;
		}
		rd->functions[fi].count += s->count;
	}
	err = an_sort_rows(rd->sites, rd->n_sites, sizeof(*rd->sites),
			   offsetof(struct rr_drop_site, count));
	if (!err)
		err = an_sort_rows(rd->reasons, rd->n_reasons, sizeof(*rd->reasons),
				   offsetof(struct rr_drop_reason, count));
	if (!err)
		err = an_sort_rows(rd->functions, rd->n_functions, sizeof(*rd->functions),
				   offsetof(struct rr_count, count));
out:
	u64map_free(&by_reason);
	u64map_free(&by_func);
	return err;
}

void drops_free(struct drops_an *d)
{
	u64map_free(&d->idx);
	free(d->sites);
	memset(d, 0, sizeof(*d));
}

static int drops_init(void **state, const struct report_ctx *ctx)
{
	struct drops_an *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->ctx = ctx;
	*state = d;
	return 0;
}

static void drops_feed_one(void *state, const struct ns_event *ev)
{
	/* the report filters by .types already; a caller of .feed may not */
	if (ev->type == NS_EV_KFREE_SKB)
		drops_feed(state, ev);
}

static int drops_finish_one(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct drops_an *d = state;

	return drops_finish(d, d->ctx, res);
}

static void drops_free_one(void *state)
{
	if (state)
		drops_free(state);
	free(state);
}

static void drops_free_part(struct report_result *res)
{
	for (size_t i = 0; i < res->drops.n_reasons; i++)
		free(res->drops.reasons[i].name);
	free(res->drops.reasons);
	an_free_counts(res->drops.functions, res->drops.n_functions);
	for (size_t i = 0; i < res->drops.n_sites; i++) {
		free(res->drops.sites[i].reason);
		free(res->drops.sites[i].location);
		free(res->drops.sites[i].function);
	}
	free(res->drops.sites);
}

const struct analysis_ops drops_analysis = {
	.name = "drops",
	.parts = RR_PART_DROPS,
	.init = drops_init,
	.feed = drops_feed_one,
	.types = 1ull << NS_EV_KFREE_SKB,
	.finish = drops_finish_one,
	.free = drops_free_one,
	.free_part = drops_free_part,
};
