/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "latency" view as text and as JSON (schema: docs/views.md).  Both
 * read only struct latency_result.
 */
#ifndef NS_RENDER_LATENCY_OUT_H
#define NS_RENDER_LATENCY_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result_latency.h"
#include "common/json.h"

/* "queue → receive  n=5000  p50 12.3µs  p90 ..." per pair, then the totals. */
void latency_print_text(FILE *out, const struct latency_result *r);
/* One JSON object (the caller places it: top level or under a key); times in ns. */
void latency_print_json(struct json_writer *w, const struct latency_result *r);
/* "850ns", "12.3µs", "4.56ms", "1.23s": three significant digits */
const char *latency_fmt_ns(uint64_t ns, char *buf, size_t len);

#endif
