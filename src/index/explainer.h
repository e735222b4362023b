/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Explain mode: a source index answering the report's questions (where a
 * kernel function is defined, its kernel-doc summary, which functions hit
 * a tracepoint), through struct report_explainer.  The report never sees
 * the index; commands that print reports open one of these.
 */
#ifndef NS_INDEX_EXPLAINER_H
#define NS_INDEX_EXPLAINER_H

#include <limits.h>
#include <stdbool.h>
#include "analysis/report.h"
#include "index/query.h"

struct ix_explainer {
	struct ixq *q;
	struct ixq_meta meta;
	char source[2 * PATH_MAX + 32];	/* "the index of linux 6.12.117 in FILE" */
	char note[256];			/* a version difference, or "" */
	struct report_explainer ex;	/* pass &ex to report_explain() */
};

/*
 * Open the index at db (NULL: the default index of the fetched tree) for a
 * report of a trace taken on kernel release trace_kernel ("6.18.44-...",
 * NULL: the running kernel).  Returns 0, or -ENOENT when there is no index
 * (no message unless `required`), or another negative errno after a
 * message (an index of another schema, not an index, ...).
 */
int ix_explainer_open(struct ix_explainer *e, const char *db, const char *trace_kernel, bool required);
void ix_explainer_close(struct ix_explainer *e);

/*
 * The index's name for a kernel symbol: compiler clones ("name.isra.0",
 * "name.constprop.0", "name.part.0", "name.cold") are the function "name".
 */
void ix_explainer_base_name(const char *sym, char *buf, size_t size);

#endif
