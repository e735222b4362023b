/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "skb-memory" view as text and as JSON (schema: docs/views.md).  Both
 * read only struct skbmem_result.
 */
#ifndef NS_RENDER_SKBMEM_OUT_H
#define NS_RENDER_SKBMEM_OUT_H

#include <stdio.h>
#include "analysis/result_skbmem.h"
#include "common/json.h"

/* Sections: totals, by cache and call site (`top` rows; 0 or UINT_MAX: all),
 * GFP by context, packets linked, lifetimes, alive at the end.  Without
 * kmem events, how to record them. */
void skbmem_print_text(FILE *out, const struct skbmem_result *r, unsigned int top);
/* One JSON object (the caller places it); every row; times in ns. */
void skbmem_print_json(struct json_writer *w, const struct skbmem_result *r);
/* "kind" names: "skb", "data", "page", "other" */
const char *skbmem_kind_name(enum skbmem_kind k);

#endif
