/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's analyses over an exporter's event stream: for the formats
 * that render an analysis result (folded, speedscope render the profile's
 * call graph) rather than events.  The same analyses `netscope report`
 * runs, fed by export_next(), so a truncated trace stops where every
 * exporter stops.
 */
#ifndef NS_EXPORT_ANALYSIS_RUN_H
#define NS_EXPORT_ANALYSIS_RUN_H

#include "analysis/report.h"
#include "export/export.h"

struct export_analysis {
	struct report_ctx ctx;
	struct report *rep;
};

/*
 * Feed every event of src to a report of the parts (RR_PART_*) and finish
 * it.  0, or 1 after a message.  report_result(ea->rep) is the result.
 */
int export_analysis_run(struct export_analysis *ea, struct export_src *src, unsigned int parts);
void export_analysis_free(struct export_analysis *ea);
/* warn when the profile has no stack at all: a stack format would be empty */
void export_warn_no_stacks(const struct export_analysis *ea, const char *path);

#endif
