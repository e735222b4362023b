/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "interrupts" view as text and as JSON (schema: docs/views.md).  Both
 * read only struct softirq_result.
 */
#ifndef NS_RENDER_SOFTIRQ_OUT_H
#define NS_RENDER_SOFTIRQ_OUT_H

#include <stdio.h>
#include "analysis/result_softirq.h"
#include "common/json.h"

/* what to record when the trace has no softirq events */
#define SOFTIRQ_HOW_TO_RECORD "record with --events default,irq,napi,irq_vectors"

/* NET_RX runs with packets, polls, contexts, runs per vector and CPU, hardirqs;
 * `top` rows per table (0 or UINT_MAX: all) */
void softirq_print_text(FILE *out, const struct softirq_result *r, unsigned int top);
/* Only the NET_RX part (runs, where, raise, polls, contexts), for the lab */
void softirq_print_net_rx(FILE *out, const struct softirq_result *r, unsigned int top);
/* Only the hardirqs (irq_handler_* and irq_vectors) */
void softirq_print_hardirqs(FILE *out, const struct softirq_result *r, unsigned int top);
/* Received packets by the way they came (device irq, backlog), and the
 * first of each way one by one (softirq_rx_out.c) */
void softirq_print_rx_paths(FILE *out, const struct softirq_result *r, unsigned int top);
/* rx_paths, rx_packets, rx_packets_not_kept: keys of softirq_print_json()'s object */
void softirq_rx_json(struct json_writer *w, const struct softirq_result *r);
/* One JSON object (the caller places it); every row; times in ns. */
void softirq_print_json(struct json_writer *w, const struct softirq_result *r);

#endif
