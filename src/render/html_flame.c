// SPDX-License-Identifier: GPL-2.0
/*
 * Call paths and the CPU profile as flame graphs (render/html.h): inline
 * SVG drawn here, one <rect> per frame, width by count, roots at the
 * bottom as in Brendan Gregg's flame graphs; a <title> on every frame is
 * its tooltip, and the frames wide enough for a label take keyboard focus.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render/html.h"
#include "render/report_fmt.h"

#define FLAME_WIDTH 1200	/* SVG user units (px at 100 %) */
#define FLAME_ROW 18
#define FLAME_CHAR_PX 7.2	/* 12 px monospace */
#define FLAME_FOCUS_PX 40	/* frames at least this wide are labelled and focusable */
#define FLAME_FRAMES_MAX 5000	/* drawn per graph: the page stays light */
#define TREE_ROWS_MAX 400	/* rows of a call tree's table */

int flame_layout(const struct flame_frame *f, size_t n, struct flame_rect *out)
{
	unsigned int max_depth = 0;
	uint64_t *cursor, *end;

	for (size_t i = 0; i < n; i++) {
		if (f[i].depth > (i ? f[i - 1].depth + 1 : 0))
			return -EINVAL;
		if (f[i].depth > max_depth)
			max_depth = f[i].depth;
	}
	cursor = calloc(max_depth + 2, sizeof(*cursor));
	end = calloc(max_depth + 2, sizeof(*end));
	if (!cursor || !end) {
		free(cursor);
		free(end);
		return -ENOMEM;
	}
	end[0] = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned int d = f[i].depth;
		uint64_t x = cursor[d];

		/* children fit in their parent: the counts are "stacks through this frame" */
		if (f[i].count > end[d] - x) {
			free(cursor);
			free(end);
			return -EINVAL;
		}
		out[i] = (struct flame_rect){ .x = x, .w = f[i].count, .depth = d };
		cursor[d] = x + f[i].count;
		cursor[d + 1] = x;
		end[d + 1] = x + f[i].count;
	}
	free(cursor);
	free(end);
	return n ? (int)max_depth + 1 : 0;
}

/* warm colours as flamegraph.pl has them, fixed per name so two graphs match */
static unsigned int name_hue(const char *s)
{
	uint32_t h = 2166136261u;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % 55;
}

void html_flame_svg(FILE *out, const char *id, const char *label, const struct flame_frame *f,
		    size_t n)
{
	struct flame_rect *r = calloc(n ? n : 1, sizeof(*r));
	uint64_t total = 0, hidden = 0;
	size_t drawn = 0;
	int rows;
	double scale;

	rows = r ? flame_layout(f, n, r) : -ENOMEM;
	if (rows <= 0) {
		fputs(rows ? "<p class=\"warn\">The call tree could not be drawn.</p>\n" : "", out);
		free(r);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!f[i].depth)
			total += f[i].count;
	if (!total) {
		free(r);
		return;
	}
	scale = (double)FLAME_WIDTH / total;
	fprintf(out, "<figure class=\"flame\"><svg id=\"%s\" role=\"group\" aria-label=\"flame graph:"
		" %" PRIu64 " %s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
		" font-size=\"12\">\n", id, total, label,
		FLAME_WIDTH, rows * FLAME_ROW, FLAME_WIDTH, rows * FLAME_ROW);
	for (size_t i = 0; i < n; i++) {
		double x = r[i].x * scale, w = r[i].w * scale;
		double y = (rows - 1 - r[i].depth) * FLAME_ROW;
		size_t fit = w > 6 ? (size_t)((w - 6) / FLAME_CHAR_PX) : 0;
		size_t len = f[i].name ? strlen(f[i].name) : 0;
		bool focus = w >= FLAME_FOCUS_PX;

		if (w < 1 || drawn >= FLAME_FRAMES_MAX) {
			hidden++;
			continue;
		}
		drawn++;
		fprintf(out, "<g class=\"frame\"%s><title>", focus ? " tabindex=\"0\"" : "");
		html_esc(out, f[i].name);
		fprintf(out, ": %" PRIu64 " %s, %.2f%%</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\""
			" height=\"%d\" rx=\"2\" fill=\"hsl(%u,80%%,%u%%)\"/>", f[i].count, label,
			100.0 * f[i].count / total, x, y, w, FLAME_ROW - 1, name_hue(f[i].name),
			58 + (unsigned int)(r[i].depth % 3) * 4);
		if (fit >= 3) {
			fprintf(out, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + FLAME_ROW - 5);
			if (len <= fit) {
				html_esc(out, f[i].name);
			} else {
				html_esc_n(out, f[i].name, fit - 1);
				fputs("…", out);
			}
			fputs("</text>", out);
		}
		fputs("</g>\n", out);
	}
	fprintf(out, "</svg><figcaption class=\"muted\">Width: %s through a frame (%" PRIu64 " in all);"
		" roots at the bottom. Hover or focus (Tab) a frame for its count.", label, total);
	if (hidden)
		fprintf(out, " %" PRIu64 " frames narrower than a pixel are not drawn.", hidden);
	fputs("</figcaption></figure>\n", out);
	free(r);
}

/* a call tree as a table: one row per frame, indented by depth */
static void tree_table(FILE *out, const struct rr_calltree *ct)
{
	size_t shown = ct->n_nodes < TREE_ROWS_MAX ? ct->n_nodes : TREE_ROWS_MAX;

	fputs("<details><summary>The call tree as a table</summary><div class=\"scroll\"><table>"
	      "<thead><tr><th>stacks</th><th>function</th><th>source</th></tr></thead><tbody>\n", out);
	for (size_t k = 0; k < shown; k++) {
		const struct rr_cnode *c = &ct->nodes[k];

		fprintf(out, "<tr><td class=\"num\">%" PRIu64 "</td><td class=\"mono\" style=\"padding-left:"
			"%.1fem\">", c->count, 0.5 + 0.6 * (c->depth < 60 ? c->depth : 60));
		html_esc(out, c->function);
		fputs("</td><td>", out);
		html_esc(out, c->where);
		if (c->where && c->summary)
			fputs(" — ", out);
		html_esc(out, c->summary);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></div>", out);
	if (ct->n_nodes > shown)
		fprintf(out, "<p class=\"muted\">… %zu more functions (the JSON report has them all)</p>",
			ct->n_nodes - shown);
	fputs("</details>\n", out);
}

static void calltree(FILE *out, const struct rr_calltree *ct, size_t index)
{
	struct flame_frame *f = calloc(ct->n_nodes ? ct->n_nodes : 1, sizeof(*f));
	char id[48];

	fputs("<h3>", out);
	html_esc(out, ns_event_name(ct->type));
	fprintf(out, ": %" PRIu64 " stacks</h3>\n", ct->stacks);
	if (ct->n_sites) {
		fputs("<p>The tracepoint is hit in: ", out);
		for (size_t i = 0; i < ct->n_sites && i < 8; i++) {
			fputs(i ? ", " : "", out);
			fputs("<code>", out);
			html_esc(out, ct->sites[i].function);
			fputs("</code>", out);
			if (!ct->sites[i].from_index)
				fprintf(out, " (%" PRIu64 ")", ct->sites[i].count);
		}
		fputs(ct->n_sites > 8 ? ", …</p>\n" : "</p>\n", out);
	}
	if (!f) {
		fputs("<p class=\"warn\">Out of memory: the graph is not drawn.</p>\n", out);
		return;
	}
	for (size_t i = 0; i < ct->n_nodes; i++)
		f[i] = (struct flame_frame){ ct->nodes[i].function, ct->nodes[i].depth, ct->nodes[i].count };
	snprintf(id, sizeof(id), "flame-%zu", index);
	html_flame_svg(out, id, "stacks", f, ct->n_nodes);
	free(f);
	if (ct->nodes_cut)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " stacks met the tree's node cap; their deeper"
			" frames are not shown.</p>\n", ct->nodes_cut);
	tree_table(out, ct);
}

void html_callpaths(FILE *out, const struct report_result *res)
{
	const struct rr_callpaths *cp = &res->callpaths;
	size_t shown = cp->n_trees < res->top ? cp->n_trees : res->top;

	fprintf(out, "<p><span id=\"callpaths-stacks\">%" PRIu64 "</span> events carried a kernel"
		" stack: each event type's stacks merged into one tree, drawn as a flame graph.</p>\n",
		cp->with_stack);
	if (cp->explained && cp->explain_source) {
		fputs("<p>Functions explained from ", out);
		html_esc(out, cp->explain_source);
		fputs(".</p>\n", out);
	}
	if (cp->explain_note) {
		fputs("<p class=\"warn\">", out);
		html_esc(out, cp->explain_note);
		fputs("</p>\n", out);
	}
	if (cp->unknown_stack)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " stack ids whose frames the trace does not hold."
			"</p>\n", cp->unknown_stack);
	for (size_t i = 0; i < shown; i++)
		calltree(out, &cp->trees[i], i);
	if (cp->n_trees > shown)
		fprintf(out, "<p class=\"muted\">… %zu more event types with stacks (<code>--top</code>"
			" to see them)</p>\n", cp->n_trees - shown);
}

void html_profile_flame(FILE *out, const struct report_result *res)
{
	const struct stackprof_result *p = &res->profile;
	bool by_samples = p->samples > 0;
	struct flame_frame *f = calloc(p->n_nodes ? p->n_nodes : 1, sizeof(*f));
	size_t n = 0, top = p->n_funcs < res->top ? p->n_funcs : res->top;

	fprintf(out, "<p><span id=\"profile-samples\">%" PRIu64 "</span> CPU samples at %.0f Hz"
		" (%" PRIu64 " of the idle task and %" PRIu64 " of other namespaces' tasks not shown),"
		" %" PRIu64 " event stacks.</p>\n", p->samples, p->sample_hz, p->samples_idle,
		p->samples_other, p->event_stacks);
	if (!f)
		return;
	/* a node's weight covers its subtree: dropping the zero ones keeps a tree */
	for (size_t i = 0; i < p->n_nodes; i++) {
		uint64_t w = by_samples ? p->nodes[i].samples : p->nodes[i].events;

		if (w)
			f[n++] = (struct flame_frame){ p->nodes[i].function, p->nodes[i].depth, w };
	}
	if (n) {
		fprintf(out, "<h3>Every stack merged: %s</h3>\n", by_samples ? "CPU samples" :
			"event stacks (no CPU samples in this trace)");
		html_flame_svg(out, "flame-profile", by_samples ? "samples" : "stacks", f, n);
	}
	free(f);
	if (!top)
		return;
	fputs("<h3>Functions by CPU samples</h3><div class=\"scroll\"><table id=\"profile-functions\">"
	      "<thead><tr><th>function</th><th>total</th><th>self</th><th>event stacks</th></tr></thead>"
	      "<tbody>\n", out);
	for (size_t i = 0; i < top; i++) {
		fputs("<tr><td class=\"mono\">", out);
		html_esc(out, p->funcs[i].name);
		fprintf(out, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64 "</td>"
			"<td class=\"num\">%" PRIu64 "</td></tr>\n", p->funcs[i].total, p->funcs[i].self,
			p->funcs[i].event_stacks);
	}
	fputs("</tbody></table></div>\n", out);
	if (p->n_funcs > top)
		fprintf(out, "<p class=\"muted\">… %zu more functions (<code>--top</code> to see them)"
			"</p>\n", p->n_funcs - top);
}
