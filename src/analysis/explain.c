// SPDX-License-Identifier: GPL-2.0
/*
 * Explain mode: every function of the call trees, and the function behind
 * each event, gets its place in the source and its kernel-doc one-liner
 * from a source index.  The report asks through struct report_explainer
 * and never touches the index itself.  Event types seen without any stack
 * still get their sites: the index knows which functions call the
 * tracepoint's trace_<event>().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"

#define FIRING_MAX 8

static void explain_fn(const struct report_explainer *ex, const char *name, char **where, char **summary)
{
	if (!*where && !*summary)
		ex->function(ex->arg, name, where, summary);
}

static bool has_tree(const struct rr_callpaths *cp, unsigned int type)
{
	for (size_t i = 0; i < cp->n_trees; i++)
		if (cp->trees[i].type == type)
			return true;
	return false;
}

static int unstacked_sites(const struct report_result *res, struct rr_callpaths *cp,
			   const struct report_explainer *ex)
{
	for (size_t o = 0; o < res->events.n_order; o++) {
		unsigned int type = res->events.order[o];
		const char *event = ns_event_name(type);
		char *names[FIRING_MAX];
		struct rr_calltree *ct;
		size_t n;
		void *m;

		if (!event || has_tree(cp, type) || !ex->firing)
			continue;
		n = ex->firing(ex->arg, event, names, FIRING_MAX);
		if (!n)
			continue;
		m = realloc(cp->unstacked, (cp->n_unstacked + 1) * sizeof(*cp->unstacked));
		if (!m)
			goto nomem;
		cp->unstacked = m;
		ct = &cp->unstacked[cp->n_unstacked++];
		memset(ct, 0, sizeof(*ct));
		ct->type = type;
		ct->sites = calloc(n, sizeof(*ct->sites));
		if (!ct->sites)
			goto nomem;
		for (size_t i = 0; i < n; i++) {
			ct->sites[i].function = names[i];
			ct->sites[i].from_index = true;
			names[i] = NULL;
			explain_fn(ex, ct->sites[i].function, &ct->sites[i].where, &ct->sites[i].summary);
		}
		ct->n_sites = n;
		continue;
nomem:
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		return -ENOMEM;
	}
	return 0;
}

int callpaths_explain(struct report_result *res, const struct report_explainer *ex)
{
	struct rr_callpaths *cp = &res->callpaths;

	for (size_t t = 0; t < cp->n_trees; t++) {
		struct rr_calltree *ct = &cp->trees[t];

		for (size_t k = 0; k < ct->n_nodes; k++)
			explain_fn(ex, ct->nodes[k].function, &ct->nodes[k].where, &ct->nodes[k].summary);
		for (size_t k = 0; k < ct->n_sites; k++)
			explain_fn(ex, ct->sites[k].function, &ct->sites[k].where, &ct->sites[k].summary);
	}
	cp->explained = true;
	cp->explain_source = an_strdup(ex->source);
	cp->explain_note = an_strdup(ex->note);
	if ((ex->source && !cp->explain_source) || (ex->note && !cp->explain_note))
		return -ENOMEM;
	return unstacked_sites(res, cp, ex);
}
