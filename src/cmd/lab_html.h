/* SPDX-License-Identifier: GPL-2.0 */
/* A capture lab's HTML page (cmd/lab_html.c). */
#ifndef NS_CMD_LAB_HTML_H
#define NS_CMD_LAB_HTML_H

#include <stdio.h>

struct lab_run;

/* the lab's sections, the report's sections, the concordance, what next */
void render_lab_html(const struct lab_run *r, FILE *out);

#endif
