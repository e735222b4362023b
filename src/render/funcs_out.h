/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "funcs" view as text and as JSON.  Both read only struct
 * funcs_result.
 */
#ifndef NS_RENDER_FUNCS_OUT_H
#define NS_RENDER_FUNCS_OUT_H

#include <stdint.h>
#include <stdio.h>
#include "analysis/result_funcs.h"
#include "common/json.h"

/* A row per function, by calls; `top` rows (0 or UINT_MAX: all).  Without
 * function events, how to record them. */
void funcs_print_text(FILE *out, const struct funcs_result *r, unsigned int top);
/* trace_stat's s^2: the sample variance of n times, ns^2 (0 below two) */
double funcs_variance_ns2(uint64_t n, uint64_t total_ns, double sumsq_ns2);
/* One JSON object (the caller places it); every row; times in ns. */
void funcs_print_json(struct json_writer *w, const struct funcs_result *r);

#endif
