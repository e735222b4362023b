/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "conns" view as text and as JSON (schema: docs/views.md).  Both read
 * only struct conns_result.
 */
#ifndef NS_RENDER_CONNS_OUT_H
#define NS_RENDER_CONNS_OUT_H

#include <stdio.h>
#include "analysis/result_conns.h"
#include "common/json.h"

/* One connection: the ladder (100 columns), the segments' table, the sockets. */
void conns_print_conn(FILE *out, const struct conn *k);
/* One line: endpoints, segments, states of both ends, srtt. */
void conns_print_line(FILE *out, const struct conn *k);
/* Every connection in full up to `top` (0 or UINT_MAX: all), the rest as lines. */
void conns_print_text(FILE *out, const struct conns_result *r, unsigned int top);
/* One connection as a JSON object. */
void conns_conn_json(struct json_writer *w, const struct conn *k);
/* One JSON object (the caller places it). */
void conns_print_json(struct json_writer *w, const struct conns_result *r);

#endif
