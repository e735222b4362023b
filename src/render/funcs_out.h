/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "funcs" view as text and as JSON.  Both read only struct
 * funcs_result.
 */
#ifndef NS_RENDER_FUNCS_OUT_H
#define NS_RENDER_FUNCS_OUT_H

#include <stdio.h>
#include "analysis/result_funcs.h"
#include "common/json.h"

/* A row per function, by calls; `top` rows (0 or UINT_MAX: all).  Without
 * function events, how to record them. */
void funcs_print_text(FILE *out, const struct funcs_result *r, unsigned int top);
/* One JSON object (the caller places it); every row; times in ns. */
void funcs_print_json(struct json_writer *w, const struct funcs_result *r);

#endif
