// SPDX-License-Identifier: GPL-2.0
/*
 * Layer boundaries as text and JSON.
 *
 * Text: one rule line per layer that appears, top down; the boundaries of
 * a pair of layers are printed just above the lower one's line.  When the
 * upper layer of a pair is not the line just above (ip -> device with the
 * neighbour layer inlined away, entry code calling a syscall), the pair's
 * two layers are named at the end of its lines.
 *
 * JSON:
 *   { "stacks": N, "stacks_unclassified": N,
 *     "frames": { "<layer>": N, ... },
 *     "gaps": [ { "upper": L, "lower": L, "adjacent": bool,
 *                 "rx": N, "tx": N, "unknown": N,
 *                 "boundaries": [ { "caller", "callee", "caller_layer",
 *                                   "callee_layer", "direction": "RX"|"TX"|"?",
 *                                   "count", "contexts": { "task", "softirq",
 *                                   "hardirq" } } ] } ],
 *     "unclassified": { "distinct": N, "top": [ { "function", "frames" } ] } }
 */
#include <inttypes.h>
#include <string.h>
#include "common/json.h"
#include "render/layers_out.h"

#define TOP_DEFAULT 8
#define PAIR_WIDTH_MAX 64

static const char *arrow(enum ns_dir d)
{
	return d == NS_DIR_TX ? "\u2193 TX" : d == NS_DIR_RX ? "\u2191 RX" : "? ??";
}

static int shown(const struct bnd_result *r, enum ns_layer l)
{
	if (l == NS_LAYER_OTHER)
		return 0;
	if (r->frames[l])
		return 1;
	for (size_t g = 0; g < r->n_gaps; g++)
		if (r->gaps[g].upper == l || r->gaps[g].lower == l)
			return 1;
	return 0;
}

static void rule_line(FILE *out, enum ns_layer l)
{
	fprintf(out, "  %-10s", ns_layer_name(l));
	for (int i = 0; i < 44; i++)
		fputs("\u2500", out);
	fputc('\n', out);
}

static void print_gap(const struct bnd_gap *g, int prev_line, unsigned top, int width, FILE *out)
{
	size_t n = g->n_pairs < top ? g->n_pairs : top;

	for (size_t i = 0; i < n; i++) {
		const struct bnd_pair *p = &g->pairs[i];
		int len = (int)(strlen(p->caller) + strlen(p->callee) + 3);

		fprintf(out, "     %s  %s \u2192 %s%*s %10" PRIu64, arrow(p->dir), p->caller, p->callee,
			len < width ? width - len : 0, "", p->count);
		if ((int)g->upper != prev_line)
			fprintf(out, "   %s\u2194%s", ns_layer_name(g->upper), ns_layer_name(g->lower));
		fputc('\n', out);
	}
	if (g->n_pairs > n)
		fprintf(out, "     ... %zu more between %s and %s (--json has them all)\n", g->n_pairs - n,
			ns_layer_name(g->upper), ns_layer_name(g->lower));
}

void layers_out_text(const struct bnd_result *r, FILE *out, unsigned top)
{
	int width = 0, prev = -1;

	if (!top)
		top = TOP_DEFAULT;
	/* the function-level map counts packets, each one path through the traced functions */
	fprintf(out, "Layer boundaries: %" PRIu64 " %s", r->stacks, r->from_paths ? "packets" : "stacks");
	if (r->stacks_empty)
		fprintf(out, ", %" PRIu64 " of them with no frame of a known layer", r->stacks_empty);
	fputs("\n\n", out);
	if (!r->n_gaps) {
		fprintf(out, "  no %s crossed a layer boundary\n", r->from_paths ? "packet" : "stack");
	} else {
		for (size_t g = 0; g < r->n_gaps; g++)
			for (size_t i = 0; i < r->gaps[g].n_pairs && i < top; i++) {
				int len = (int)(strlen(r->gaps[g].pairs[i].caller) +
						strlen(r->gaps[g].pairs[i].callee) + 3);

				if (len > width)
					width = len < PAIR_WIDTH_MAX ? len : PAIR_WIDTH_MAX;
			}
		for (int l = 0; l < NS_LAYER_OTHER; l++) {
			if (!shown(r, l))
				continue;
			for (size_t g = 0; g < r->n_gaps; g++)
				if ((int)r->gaps[g].lower == l)
					print_gap(&r->gaps[g], prev, top, width, out);
			rule_line(out, l);
			prev = l;
		}
	}
	if (r->n_unknown) {
		fprintf(out, "\n  %zu functions of no layer were looked through; the most frequent:\n",
			r->unknown_distinct);
		for (size_t i = 0; i < r->n_unknown && i < top; i++)
			fprintf(out, "    %10" PRIu64 " %s\n", r->unknown[i].frames, r->unknown[i].function);
		fputs("  (a rules file given with --layers can name their layer)\n", out);
	}
}

static void pair_json(const struct bnd_pair *p, struct json_writer *w)
{
	json_obj_begin(w);
	json_kv_str(w, "caller", p->caller);
	json_kv_str(w, "callee", p->callee);
	json_kv_str(w, "caller_layer", ns_layer_name(p->caller_layer));
	json_kv_str(w, "callee_layer", ns_layer_name(p->callee_layer));
	json_kv_str(w, "direction", ns_dir_name(p->dir));
	json_kv_u64(w, "count", p->count);
	json_key(w, "contexts");
	json_obj_begin(w);
	for (int c = 0; c < BND_CTX__N; c++)
		json_kv_u64(w, bnd_ctx_name(c), p->ctx[c]);
	json_obj_end(w);
	json_obj_end(w);
}

void layers_out_json(const struct bnd_result *r, struct json_writer *w)
{
	json_obj_begin(w);
	json_kv_u64(w, "stacks", r->stacks);
	json_kv_u64(w, "stacks_unclassified", r->stacks_empty);
	json_key(w, "frames");
	json_obj_begin(w);
	for (int l = 0; l < NS_LAYER__N; l++)
		json_kv_u64(w, ns_layer_name(l), r->frames[l]);
	json_obj_end(w);
	json_key(w, "gaps");
	json_arr_begin(w);
	for (size_t g = 0; g < r->n_gaps; g++) {
		const struct bnd_gap *gap = &r->gaps[g];

		json_obj_begin(w);
		json_kv_str(w, "upper", ns_layer_name(gap->upper));
		json_kv_str(w, "lower", ns_layer_name(gap->lower));
		json_kv_bool(w, "adjacent", gap->adjacent);
		json_kv_u64(w, "rx", gap->count[NS_DIR_RX]);
		json_kv_u64(w, "tx", gap->count[NS_DIR_TX]);
		json_kv_u64(w, "unknown", gap->count[NS_DIR_NONE]);
		json_key(w, "boundaries");
		json_arr_begin(w);
		for (size_t i = 0; i < gap->n_pairs; i++)
			pair_json(&gap->pairs[i], w);
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "unclassified");
	json_obj_begin(w);
	json_kv_u64(w, "distinct", r->unknown_distinct);
	json_key(w, "top");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_unknown; i++) {
		json_obj_begin(w);
		json_kv_str(w, "function", r->unknown[i].function);
		json_kv_u64(w, "frames", r->unknown[i].frames);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	json_obj_end(w);
}

/* ---- the two maps side by side ---- */

static const char *found_by(const struct bnd_agreement_row *r)
{
	return r->stacks && r->packets ? "both" : r->stacks ? "stacks" : "functions";
}

static void pair_text(char *buf, size_t size, const struct bnd_pair *p)
{
	if (p)
		snprintf(buf, size, "%s \u2192 %s", p->caller, p->callee);
	else
		snprintf(buf, size, "-");
}

void layers_agreement_text(const struct bnd_agreement *a, FILE *out)
{
	char sp[160], fp[160];

	for (size_t i = 0; i < a->n_rows; i++) {
		const struct bnd_agreement_row *r = &a->rows[i];

		pair_text(sp, sizeof(sp), r->stack_pair);
		pair_text(fp, sizeof(fp), r->func_pair);
		fprintf(out, "  %s %-9s %s\u2194%s\n", ns_dir_name(r->dir), found_by(r),
			ns_layer_name(r->upper), ns_layer_name(r->lower));
		fprintf(out, "       stacks    %8" PRIu64 "  %s\n", r->stacks, sp);
		fprintf(out, "       functions %8" PRIu64 "  %s (packets)\n", r->packets, fp);
	}
	if (!a->n_rows)
		fprintf(out, "  nothing to compare: neither map crossed a boundary between the packet's layers\n");
	else if (a->agree)
		fprintf(out, "verdict: the same %zu boundaries in both maps\n", a->both);
	else
		fprintf(out, "verdict: the maps differ: %zu boundaries in both, %zu only in the stacks, %zu only "
			"in the functions\n", a->both, a->only_stacks, a->only_funcs);
}

static void agreement_pair_json(struct json_writer *w, const char *key, const struct bnd_pair *p)
{
	json_key(w, key);
	if (!p) {
		json_null(w);
		return;
	}
	json_obj_begin(w);
	json_kv_str(w, "caller", p->caller);
	json_kv_str(w, "callee", p->callee);
	json_kv_u64(w, "count", p->count);
	json_obj_end(w);
}

void layers_agreement_json(const struct bnd_agreement *a, struct json_writer *w)
{
	json_obj_begin(w);
	json_kv_bool(w, "agree", a->agree);
	json_kv_u64(w, "compared", a->n_rows);
	json_kv_u64(w, "both", a->both);
	json_kv_u64(w, "only_stacks", a->only_stacks);
	json_kv_u64(w, "only_functions", a->only_funcs);
	json_key(w, "boundaries");
	json_arr_begin(w);
	for (size_t i = 0; i < a->n_rows; i++) {
		const struct bnd_agreement_row *r = &a->rows[i];

		json_obj_begin(w);
		json_kv_str(w, "upper", ns_layer_name(r->upper));
		json_kv_str(w, "lower", ns_layer_name(r->lower));
		json_kv_str(w, "direction", ns_dir_name(r->dir));
		json_kv_u64(w, "stacks", r->stacks);
		json_kv_u64(w, "packets", r->packets);
		agreement_pair_json(w, "stack_pair", r->stack_pair);
		agreement_pair_json(w, "function_pair", r->func_pair);
		json_kv_str(w, "found_by", found_by(r));
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
