/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The diff of two reports as text for people or as one JSON object
 * (schema: docs/diff.md).  Both read only the diff result
 * (analysis/result_diff.h), so they show the same numbers; text hides the
 * rows that stayed the same unless asked, JSON has every row.
 */
#ifndef NS_RENDER_DIFF_OUT_H
#define NS_RENDER_DIFF_OUT_H

#include <stdbool.h>
#include <stdio.h>
#include "analysis/result_diff.h"

/*
 * Version of the diff's JSON document ("schema_version", its first key):
 * keys are only ever added; renaming or removing one makes a new version.
 */
#define DIFF_JSON_SCHEMA 1

struct diff_text_opts {
	unsigned int top;	/* rows per section shown; 0: all */
	bool all;		/* show the rows that stayed the same too */
};

void diff_print_text(FILE *out, const struct diff_result *d, const struct diff_text_opts *o);
void diff_print_json(FILE *out, const struct diff_result *d);

#endif
