/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The diff's packet-memory sections (analysis/diff_skbmem.c): what the
 * skb-memory view (result_skbmem.h) of two traces recorded with kmem
 * events says, side by side.  The section table (diff_sections.c) calls
 * these like its own fillers.
 */
#ifndef NS_ANALYSIS_DIFF_SKBMEM_H
#define NS_ANALYSIS_DIFF_SKBMEM_H

#include "analysis/diff_build.h"

/* the trace was recorded with kmem events: without them the sections say "not in A" */
bool diff_skbmem_has(const struct report_result *r);
/* totals: allocations, frees, bytes, slack, pages, clones, alive at the end */
void diff_fill_skbmem(struct diff_build *sb, int side, const struct report_result *r);
/* per (cache, call site): allocs, frees, alive, bytes requested and allocated, slack */
void diff_fill_skbmem_sites(struct diff_build *sb, int side, const struct report_result *r);
/* per (context, GFP flags) and per context: atomic or may sleep */
void diff_fill_skbmem_gfp(struct diff_build *sb, int side, const struct report_result *r);
/* lifetimes: p50, p90, p99, max of each kind and of packets */
void diff_fill_skbmem_life(struct diff_build *sb, int side, const struct report_result *r);

#endif
