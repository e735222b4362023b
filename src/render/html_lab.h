/* SPDX-License-Identifier: GPL-2.0 */
/* A capture lab's HTML page (render/html_lab.c). */
#ifndef NS_RENDER_HTML_LAB_H
#define NS_RENDER_HTML_LAB_H

#include <stdio.h>

struct lab_run;

/* the lab's sections, the report's sections, the concordance, what next */
void render_lab_html(const struct lab_run *r, FILE *out);

#endif
