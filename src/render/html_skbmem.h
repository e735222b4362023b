/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "Packet memory" section of the HTML page (render/html_skbmem.c):
 * the skb-memory view of a trace recorded with kmem events, as SVG charts
 * and tables.  One of the report's sections (render/html_doc.c).
 */
#ifndef NS_RENDER_HTML_SKBMEM_H
#define NS_RENDER_HTML_SKBMEM_H

#include <stdio.h>
#include "analysis/result.h"

/* summary, allocations and bytes by cache and call site, GFP by context, lifetimes */
void html_skbmem(FILE *out, const struct report_result *res);

#endif
