/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Explain mode: a source index answering the report's questions (where a
 * kernel function is defined, its kernel-doc summary, which functions hit
 * a tracepoint).  The index knows nothing of the report, nor the report of
 * the index: cmd/explain.c, above both, turns one of these into the
 * report's struct report_explainer.
 */
#ifndef NS_INDEX_EXPLAINER_H
#define NS_INDEX_EXPLAINER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include "index/query.h"

struct ix_explainer {
	struct ixq *q;
	struct ixq_meta meta;
	char source[2 * PATH_MAX + 32];	/* "the index of linux 6.12.117 in FILE" */
	char note[256];			/* a version difference, or "" */
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
 * Where the kernel function (or symbol: clones are mapped to their
 * function) sym is defined, "file:line", and its kernel-doc summary, both
 * malloc'ed (summary may stay NULL).  false: the index does not know it.
 */
bool ix_explainer_function(struct ix_explainer *e, const char *sym, char **where, char **summary);
/*
 * The functions that call trace_<event>(), malloc'ed into names (at most
 * max): how many.
 */
size_t ix_explainer_firing(struct ix_explainer *e, const char *event, char **names, size_t max);

/*
 * The index's name for a kernel symbol: compiler clones ("name.isra.0",
 * "name.constprop.0", "name.part.0", "name.cold") are the function "name".
 */
void ix_explainer_base_name(const char *sym, char *buf, size_t size);

#endif
