/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "packets" view: the journeys' sample of single packets (the first
 * ones closed and the dropped ones, rr_journeys.sample), each with its
 * events in time order, as text and as JSON (schema: docs/views.md).  The
 * HTML report draws the same rows as timelines (render/html_packets.c).
 */
#ifndef NS_RENDER_PACKETS_OUT_H
#define NS_RENDER_PACKETS_OUT_H

#include <stdio.h>
#include "analysis/result.h"

struct json_writer;

void packets_print_text(FILE *out, const struct rr_journeys *j);
/* one JSON object (the caller places it) */
void packets_print_json(struct json_writer *w, const struct rr_journeys *j);
/* "TCP 198.18.0.1:40000 → 198.18.0.2:8080 [SYN] on veth0", "" when the packet had no headers */
const char *packets_tuple_str(const struct rr_tuple *t, char *buf, size_t len);

#endif
