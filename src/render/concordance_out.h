/* SPDX-License-Identifier: GPL-2.0 */
/* The seed concordance (analysis/concordance.h) as a table and as JSON. */
#ifndef NS_RENDER_CONCORDANCE_OUT_H
#define NS_RENDER_CONCORDANCE_OUT_H

#include <stdio.h>
#include "analysis/result_concordance.h"

struct json_writer;

/* one line per function (BTF, kallsyms and clones, seen, status, stand-in), its why under it */
void concordance_out_text(const struct conc_result *r, FILE *out);
/* one JSON object (the schema is in concordance_out.c) */
void concordance_out_json(const struct conc_result *r, struct json_writer *w);

#endif
