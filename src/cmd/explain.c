// SPDX-License-Identifier: GPL-2.0
/* The explain glue (cmd/explain.h): struct report_explainer over an index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/explain.h"
#include "index/layers.h"

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

const char *explain_index_layer(void *arg, const char *function)
{
	char *where = NULL, *summary = NULL, file[4096];
	const char *layer = NULL;

	if (ix_explainer_function(arg, function, &where, &summary) && where) {
		/* "net/ipv4/tcp_ipv4.c:2010": the path before the line */
		snprintf(file, sizeof(file), "%.*s", (int)strcspn(where, ":"), where);
		layer = ix_layer(file);
	}
	free(where);
	free(summary);
	return layer;
}
