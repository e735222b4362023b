/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The explain glue: a source index (index/explainer.h) answering the
 * questions of the report's analyses (struct report_explainer,
 * analysis/report.h).  It sits above both, so that neither the analyses
 * nor the index include the other.
 */
#ifndef NS_CMD_EXPLAIN_H
#define NS_CMD_EXPLAIN_H

#include "analysis/report.h"
#include "index/explainer.h"

/* The report's view of an open index; ex borrows ixe until ix_explainer_close(). */
void explain_from_index(struct ix_explainer *ixe, struct report_explainer *ex);
/*
 * report_ctx.index_layer over an open index (arg: the ix_explainer): the
 * index's layer ("TCP", "device") of the file function is defined in, or
 * NULL when the index does not know it.
 */
const char *explain_index_layer(void *arg, const char *function);

#endif
