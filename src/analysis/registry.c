// SPDX-License-Identifier: GPL-2.0
/*
 * The table of analyses.  Order matters twice: every event is fed to them
 * in this order, and each finish() may read the parts of those before it
 * (explain mode reads the events part that counts fills).
 */
#include <stdlib.h>
#include <string.h>
#include "analysis/analysis.h"
#include "analysis/internal.h"

const struct analysis_ops *const analyses[] = {
	&counts_analysis,	/* capture header, events per type, lost events */
	&drops_analysis,	/* kfree_skb by reason, location, function */
	&tcp_analysis,		/* resets, state transitions, socket state paths */
	&journeys_analysis,	/* packet journeys and the events linked to them */
	&callpaths_analysis,	/* stacks merged into call trees */
	/* the views (`report --view`), not in the default report */
	&profile_analysis,	/* functions by CPU samples, tracepoints per CPU, call graph */
	&latency_analysis,	/* per-stage gaps of each packet */
	&counters_analysis,	/* the namespaces' SNMP counters, before and after */
	&layers_analysis,	/* boundaries between the layers of the stack */
	&segments_analysis,	/* TCP segments per namespace, fate of received SYNs */
	&syscalls_analysis,	/* socket syscalls per process: calls, errors, time */
	&conns_analysis,	/* TCP connections: segments, states, srtt in order */
	&softirq_analysis,	/* softirq runs, the packets they carried, hardirqs */
	&skbmem_analysis,	/* packet memory: allocations by cache and site, GFP, lifetimes */
	&funcs_analysis,	/* kernel functions: calls, packets, time to return */
	NULL,
};

const struct analysis_ops *analysis_find(const char *name)
{
	for (size_t i = 0; name && analyses[i]; i++)
		if (!strcmp(analyses[i]->name, name))
			return analyses[i];
	return NULL;
}

/*
 * Free everything a result owns.  Rows are counted (n_*) as they are
 * filled, and calloc'd, so a half-built result frees cleanly too.
 */
void result_free(struct report_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; analyses[i]; i++)
		if (analyses[i]->free_part)
			analyses[i]->free_part(res);
	free(res);
}
