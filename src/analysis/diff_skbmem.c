// SPDX-License-Identifier: GPL-2.0
/*
 * The diff's packet-memory sections (analysis/diff_skbmem.h).  Rows are
 * named by what stays the same between runs: cache and call-site function
 * (never the +0x offset's address, never an allocation's address), the
 * context and the GFP flags as names.  Every value is a number the
 * skb-memory view's JSON shows too, so a row can be checked against
 * `report --json --view skb-memory` of each trace.
 */
#include <math.h>
#include <stdio.h>
#include "analysis/diff_skbmem.h"
#include "analysis/hist.h"
#include "trace/model.h"

/* enum skbmem_kind's names, as the skb-memory view's JSON spells them */
static const char *const kind_names[SKBMEM_KINDS] = { "skb", "data", "page", "other" };

bool diff_skbmem_has(const struct report_result *r)
{
	return (r->parts & RR_PART_SKBMEM) && r->skbmem.have_kmem;
}

static void count(struct diff_build *sb, int side, const char *what, const char *detail, uint64_t v)
{
	diff_add(sb, side, what, detail, (double)v, NAN);
}

/* allocated - requested, signed: a request is never above its allocation, but a number is */
static void slack(struct diff_build *sb, int side, const char *what, const char *detail,
		  uint64_t alloc, uint64_t req)
{
	diff_add(sb, side, what, detail, (double)alloc - (double)req, NAN);
}

void diff_fill_skbmem(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct skbmem_result *m = &r->skbmem;

	count(sb, side, "slab allocations", NULL, m->allocs);
	count(sb, side, "slab frees", NULL, m->frees);
	count(sb, side, "bytes requested", NULL, m->bytes_req);
	count(sb, side, "bytes allocated", NULL, m->bytes_alloc);
	slack(sb, side, "slack bytes (allocated - requested)", NULL, m->bytes_alloc, m->bytes_req);
	count(sb, side, "page allocations", NULL, m->page_allocs);
	count(sb, side, "page frees", NULL, m->page_frees);
	count(sb, side, "packets", NULL, m->packets);
	count(sb, side, "sk_buffs allocated by skb_clone", NULL, m->clone_allocs);
	count(sb, side, "fclone allocations", NULL, m->fclone_allocs);
	count(sb, side, "packets on an fclone's second sk_buff", NULL, m->linked_fclone);
	count(sb, side, "alive at the end", NULL, m->alive);
	count(sb, side, "bytes alive at the end", NULL, m->alive_bytes);
	count(sb, side, "frees of an allocation not seen", NULL, m->frees_unmatched);
}

void diff_fill_skbmem_sites(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct skbmem_result *m = &r->skbmem;
	char what[2 * SKBMEM_NAME + 16];

	for (size_t i = 0; i < m->n_sites; i++) {
		const struct skbmem_site *s = &m->sites[i];

		snprintf(what, sizeof(what), "%s at %s", s->cache, s->function);
		count(sb, side, what, "allocs", s->allocs);
		count(sb, side, what, "frees", s->frees);
		count(sb, side, what, "alive", s->alive);
		count(sb, side, what, "bytes requested", s->bytes_req);
		count(sb, side, what, "bytes allocated", s->bytes_alloc);
		slack(sb, side, what, "slack", s->bytes_alloc, s->bytes_req);
	}
}

void diff_fill_skbmem_gfp(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct skbmem_result *m = &r->skbmem;
	char what[SKBMEM_GFP + 32];

	for (size_t i = 0; i < m->n_gfp; i++) {
		snprintf(what, sizeof(what), "%s %s", m->gfp[i].ctx, m->gfp[i].flags);
		count(sb, side, what, NULL, m->gfp[i].count);
	}
	for (unsigned int c = 0; c < 5; c++) {
		if (!m->ctx_atomic[c] && !m->ctx_sleep[c])
			continue;
		snprintf(what, sizeof(what), "%s: atomic (cannot sleep)", ns_ctx_name(c));
		count(sb, side, what, NULL, m->ctx_atomic[c]);
		snprintf(what, sizeof(what), "%s: may sleep", ns_ctx_name(c));
		count(sb, side, what, NULL, m->ctx_sleep[c]);
	}
}

static void life_rows(struct diff_build *sb, int side, const char *what, const struct skbmem_life *l)
{
	if (!l->count)
		return;
	diff_add(sb, side, what, "p50", (double)l->p50_ns, NAN);
	diff_add(sb, side, what, "p90", (double)l->p90_ns, NAN);
	diff_add(sb, side, what, "p99", (double)l->p99_ns, NAN);
	diff_add(sb, side, what, "max", (double)l->max_ns, NAN);
}

void diff_fill_skbmem_life(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct skbmem_result *m = &r->skbmem;
	char what[64];

	/* the lifetimes are analysis/hist.c percentiles: a change within a bucket is none */
	if (sb->lat_err < HIST_REL_ERROR)
		sb->lat_err = HIST_REL_ERROR;
	life_rows(sb, side, "packet: alloc → free/consume", &m->packet_life);
	for (int k = 0; k < SKBMEM_KINDS; k++) {
		snprintf(what, sizeof(what), "%s: alloc → kmem free", kind_names[k]);
		life_rows(sb, side, what, &m->life[k]);
	}
}
