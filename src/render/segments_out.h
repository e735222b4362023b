/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "segments" view as text and as JSON (schema: docs/views.md).  Both
 * read only struct segments_result.
 */
#ifndef NS_RENDER_SEGMENTS_OUT_H
#define NS_RENDER_SEGMENTS_OUT_H

#include <stdio.h>
#include "analysis/result_segments.h"
#include "common/json.h"

/* Per namespace: a table of segments by direction and flag class, SYN
 * ports, the fate of received SYNs, resets and drops; `top` rows of each
 * list (0 or UINT_MAX: all), the rest summed up. */
void segments_print_text(FILE *out, const struct segments_result *r, unsigned int top);
/* One JSON object (the caller places it); every row of every list. */
void segments_print_json(struct json_writer *w, const struct segments_result *r);

#endif
