// SPDX-License-Identifier: GPL-2.0
/*
 * Call paths as text and JSON.  Text indents a tree only where it branches:
 * a chain of single callees stays at one column, which keeps 30-frame
 * kernel stacks readable.  JSON nests children as the tree does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "analysis/result.h"
#include "common/json.h"
#include "render/report_fmt.h"

#define TEXT_NODES_MAX 120	/* lines per tree in text; JSON has them all */
#define INDENT_MAX 40

static void explained(FILE *out, int used, const char *where, const char *summary)
{
	if (!where && !summary)
		return;
	fprintf(out, "%*s %s%s%s", used < 44 ? 44 - used : 1, "", where ? where : "",
		where && summary ? "  " : "", summary ? summary : "");
}

static void print_sites(const struct rr_calltree *ct, FILE *out)
{
	for (size_t i = 0; i < ct->n_sites; i++) {
		const struct rr_site *s = &ct->sites[i];
		int used;

		if (s->from_index)
			used = fprintf(out, "    %-10s %s", "", s->function);
		else
			used = fprintf(out, "    %10" PRIu64 " %s", s->count, s->function);
		explained(out, used, s->where, s->summary);
		fputc('\n', out);
	}
}

static void print_tree(const struct rr_calltree *ct, FILE *out)
{
	unsigned int indent[NS_STACK_DEPTH + 2] = { 0 };
	size_t shown = ct->n_nodes < TEXT_NODES_MAX ? ct->n_nodes : TEXT_NODES_MAX;

	for (size_t k = 0; k < shown; k++) {
		const struct rr_cnode *n = &ct->nodes[k];
		unsigned int d = n->depth < NS_STACK_DEPTH ? n->depth : NS_STACK_DEPTH;
		unsigned int in = indent[d];
		int used;

		/* children sit one step right only when the node branches */
		indent[d + 1] = in + (n->children > 1 ? 2 : 0);
		if (indent[d + 1] > INDENT_MAX)
			indent[d + 1] = INDENT_MAX;
		used = fprintf(out, "    %10" PRIu64 " %*s%s", n->count, (int)in, "", n->function);
		explained(out, used, n->where, n->summary);
		fputc('\n', out);
	}
	if (ct->n_nodes > shown)
		fprintf(out, "    ... %zu more functions (--json has them all)\n", ct->n_nodes - shown);
	if (ct->nodes_cut)
		fprintf(out, "    !! %" PRIu64 " stacks met the tree's node cap; their deeper frames are not shown\n",
			ct->nodes_cut);
}

static const struct rr_calltree *sites_of(const struct rr_callpaths *cp, unsigned int type)
{
	for (size_t i = 0; i < cp->n_trees; i++)
		if (cp->trees[i].type == type)
			return &cp->trees[i];
	for (size_t i = 0; i < cp->n_unstacked; i++)
		if (cp->unstacked[i].type == type)
			return &cp->unstacked[i];
	return NULL;
}

/*
 * Explain mode, under the journeys: the function behind each step of the
 * sequences shown, once per event type (the sequences repeat steps).
 */
void callpaths_print_steps(const struct report_result *res, size_t nr_seqs, FILE *out)
{
	const struct rr_callpaths *cp = &res->callpaths;
	bool done[RR_NTYPES] = { false };

	if (!cp->explained)
		return;
	fprintf(out, "  the steps in the source (the function that hits each tracepoint%s)\n",
		cp->n_unstacked ? "; without a stack, the index's callers of trace_<event>()" : "");
	for (size_t i = 0; i < nr_seqs; i++) {
		const struct rr_sequence *q = &res->journeys.seqs[i];

		for (size_t k = 0; k < q->n_steps; k++) {
			unsigned int type = q->steps[k];
			const struct rr_calltree *ct;
			int used;

			if (type >= RR_NTYPES || done[type])
				continue;
			done[type] = true;
			ct = sites_of(cp, type);
			if (!ct || !ct->n_sites) {
				fprintf(out, "    %-22s (no stack and not in the index)\n", ns_event_name(type));
				continue;
			}
			used = fprintf(out, "    %-22s %s%s", ns_event_name(type), ct->sites[0].function,
				       ct->n_sites > 1 ? " (+more)" : "");
			explained(out, used, ct->sites[0].where, ct->sites[0].summary);
			fputc('\n', out);
		}
	}
}

void callpaths_print_text(const struct report_result *res, FILE *out)
{
	const struct rr_callpaths *cp = &res->callpaths;
	size_t shown = cp->n_trees < res->top ? cp->n_trees : res->top;

	if (!cp->with_stack && !cp->n_unstacked)
		return;
	fprintf(out, "\ncall paths: %" PRIu64 " events carried a kernel stack (sampled by the stack policy:"
		" counts are stacks, not events)\n", cp->with_stack);
	if (cp->explained)
		fprintf(out, "  explained from %s\n", cp->explain_source ? cp->explain_source : "a source index");
	if (cp->explain_note)
		fprintf(out, "  !! %s\n", cp->explain_note);
	if (cp->unknown_stack)
		fprintf(out, "  !! %" PRIu64 " stacks could not be resolved (not in the trace)\n", cp->unknown_stack);
	if (cp->paths_overflow)
		fprintf(out, "  !! %" PRIu64 " events with a stack beyond the path table cap\n", cp->paths_overflow);
	for (size_t t = 0; t < shown; t++) {
		const struct rr_calltree *ct = &cp->trees[t];

		fprintf(out, "  %s: %" PRIu64 " stack%s; the tracepoint is hit in\n", ns_event_name(ct->type),
			ct->stacks, ct->stacks == 1 ? "" : "s");
		print_sites(ct, out);
		fprintf(out, "   call tree (outermost first)\n");
		print_tree(ct, out);
	}
	if (cp->n_trees > shown)
		fprintf(out, "  ... %zu more event types with stacks (--top to see them)\n", cp->n_trees - shown);
	if (cp->n_unstacked) {
		fprintf(out, "  events without a stack: the functions that call their trace_<event>() in the index\n");
		for (size_t t = 0; t < cp->n_unstacked; t++) {
			fprintf(out, "  %s\n", ns_event_name(cp->unstacked[t].type));
			print_sites(&cp->unstacked[t], out);
		}
	}
}

static void json_opt_str(struct json_writer *w, const char *k, const char *v)
{
	json_key(w, k);
	if (v)
		json_str(w, v);
	else
		json_null(w);
}

static void json_sites(struct json_writer *w, const struct rr_calltree *ct, bool explain)
{
	json_key(w, "sites");
	json_arr_begin(w);
	for (size_t i = 0; i < ct->n_sites; i++) {
		json_obj_begin(w);
		json_kv_str(w, "function", ct->sites[i].function);
		if (!ct->sites[i].from_index)
			json_kv_u64(w, "stacks", ct->sites[i].count);
		if (explain) {
			json_kv_str(w, "source", ct->sites[i].from_index ? "index" : "stack");
			json_opt_str(w, "where", ct->sites[i].where);
			json_opt_str(w, "summary", ct->sites[i].summary);
		}
		json_obj_end(w);
	}
	json_arr_end(w);
}

/* nodes[k..] at depth d, as an array of objects with "callees"; returns the next k */
static size_t json_nodes(struct json_writer *w, const struct rr_calltree *ct, size_t k, unsigned int d,
			 bool explain)
{
	json_arr_begin(w);
	while (k < ct->n_nodes && ct->nodes[k].depth == d) {
		const struct rr_cnode *n = &ct->nodes[k];

		json_obj_begin(w);
		json_kv_str(w, "function", n->function);
		json_kv_u64(w, "stacks", n->count);
		if (explain) {
			json_opt_str(w, "where", n->where);
			json_opt_str(w, "summary", n->summary);
		}
		json_key(w, "callees");
		k = json_nodes(w, ct, k + 1, d + 1, explain);
		json_obj_end(w);
	}
	json_arr_end(w);
	return k;
}

void callpaths_print_json(struct json_writer *w, const struct report_result *res)
{
	const struct rr_callpaths *cp = &res->callpaths;

	json_key(w, "call_paths");
	json_obj_begin(w);
	json_kv_u64(w, "events_with_stack", cp->with_stack);
	json_kv_u64(w, "unresolved_stacks", cp->unknown_stack);
	json_kv_u64(w, "paths_overflow", cp->paths_overflow);
	json_kv_bool(w, "explained", cp->explained);
	if (cp->explained) {
		json_opt_str(w, "explain_source", cp->explain_source);
		json_opt_str(w, "explain_note", cp->explain_note);
	}
	json_key(w, "events");
	json_arr_begin(w);
	for (size_t t = 0; t < cp->n_trees; t++) {
		const struct rr_calltree *ct = &cp->trees[t];

		json_obj_begin(w);
		json_kv_str(w, "event", ns_event_name(ct->type));
		json_kv_u64(w, "stacks", ct->stacks);
		json_kv_u64(w, "stacks_cut", ct->nodes_cut);
		json_sites(w, ct, cp->explained);
		json_key(w, "tree");
		json_nodes(w, ct, 0, 0, cp->explained);
		json_obj_end(w);
	}
	for (size_t t = 0; t < cp->n_unstacked; t++) {
		json_obj_begin(w);
		json_kv_str(w, "event", ns_event_name(cp->unstacked[t].type));
		json_kv_u64(w, "stacks", 0);
		json_sites(w, &cp->unstacked[t], true);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
