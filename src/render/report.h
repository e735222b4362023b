/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's renderers: a finished result (analysis/result.h) as text
 * for people or as one JSON object (schema: docs/report.md).  They read
 * only the result, so text and JSON show the same numbers, and only the
 * parts it has (report_result.parts).
 */
#ifndef NS_RENDER_REPORT_H
#define NS_RENDER_REPORT_H

#include <stdio.h>
#include "analysis/result.h"

/*
 * Version of the report's JSON document ("schema_version", its first key):
 * keys are only ever added; renaming or removing one makes a new version.
 */
#define REPORT_JSON_SCHEMA 1

void render_report_text(const struct report_result *res, FILE *out);
void render_report_json(const struct report_result *res, FILE *out);
/* the same members into an object the caller opened (views, labs) */
struct json_writer;
void render_report_json_members(struct json_writer *w, const struct report_result *res);

#endif
