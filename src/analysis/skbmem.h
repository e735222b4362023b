/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "skb-memory" view: packet allocations and frees (NS_EV_KMEM_*,
 * NS_EV_PAGE_*) of a trace recorded with --events ...,kmem, against its
 * packets (analysis/skbmem.c).  Used by the report (analysis_ops) and by
 * the unit tests directly.
 */
#ifndef NS_ANALYSIS_SKBMEM_H
#define NS_ANALYSIS_SKBMEM_H

#include "analysis/report.h"
#include "analysis/result_skbmem.h"

struct skbmem_an;

/* ctx gives the metadata (kmem.caches, kmem.gfp_flags, kmem.sk_buff_size) and the symbols */
struct skbmem_an *skbmem_new(const struct report_ctx *ctx);
void skbmem_feed(struct skbmem_an *s, const struct ns_event *ev);
/* Fill out (it then owns the rows); 0 or -ENOMEM.  Free out with skbmem_result_free(). */
int skbmem_finish(struct skbmem_an *s, struct skbmem_result *out);
void skbmem_free(struct skbmem_an *s);

#endif
