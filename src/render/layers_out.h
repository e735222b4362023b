/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layer boundaries (analysis/boundaries.h) as a diagram and as JSON.
 * Reads only the result: both show the same numbers.
 */
#ifndef NS_RENDER_LAYERS_OUT_H
#define NS_RENDER_LAYERS_OUT_H

#include <stdio.h>
#include "analysis/result_layers.h"

struct json_writer;

/*
 * The stack drawn top (syscall) to bottom (softirq, then memory), and
 * between two layers the function pairs that cross, TX (↓) and RX (↑),
 * with counts; at most top pairs a gap (0: 8), JSON has them all.
 */
void layers_out_text(const struct bnd_result *r, FILE *out, unsigned top);
/* one JSON object (the schema is in layers_out.c) */
void layers_out_json(const struct bnd_result *r, struct json_writer *w);
/*
 * The stack-based and the function-level maps side by side (bnd_compare()):
 * a line per boundary compared, each map's count and commonest pair, who
 * found it, and the verdict.
 */
void layers_agreement_text(const struct bnd_agreement *a, FILE *out);
/* { "agree", "compared", "both", "only_stacks", "only_functions", "boundaries": [
 *   { "upper", "lower", "direction", "stacks", "packets", "stack_pair", "function_pair",
 *     "found_by": "both" | "stacks" | "functions" } ] } */
void layers_agreement_json(const struct bnd_agreement *a, struct json_writer *w);

#endif
