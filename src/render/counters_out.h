/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "counters" view as text and as JSON (schema: docs/views.md).  Both
 * read only struct counters_result.
 */
#ifndef NS_RENDER_COUNTERS_OUT_H
#define NS_RENDER_COUNTERS_OUT_H

#include <stdio.h>
#include "analysis/result_counters.h"
#include "common/json.h"

/* A table per namespace: "TcpExt.ListenOverflows   0 → 1500  (+1500)". */
void counters_print_text(FILE *out, const struct counters_result *r);
/* One JSON object (the caller places it: top level or under a key). */
void counters_print_json(struct json_writer *w, const struct counters_result *r);

#endif
