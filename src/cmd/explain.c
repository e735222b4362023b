// SPDX-License-Identifier: GPL-2.0
/* The explain glue (cmd/explain.h): struct report_explainer over an index. */
#include "cmd/explain.h"

static bool function(void *arg, const char *name, char **where, char **summary)
{
	return ix_explainer_function(arg, name, where, summary);
}

static size_t firing(void *arg, const char *event, char **names, size_t max)
{
	return ix_explainer_firing(arg, event, names, max);
}

void explain_from_index(struct ix_explainer *ixe, struct report_explainer *ex)
{
	*ex = (struct report_explainer){
		.arg = ixe,
		.source = ixe->source,
		.note = ixe->note[0] ? ixe->note : NULL,
		.function = function,
		.firing = firing,
	};
}
