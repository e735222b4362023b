// SPDX-License-Identifier: GPL-2.0
/*
 * The layers diagram (render/html.h): the stack's layers as bands, top
 * (syscall) to bottom (softirq), and between two bands the functions that
 * cross that boundary, RX up and TX down, with how many stacks did; then
 * the same boundaries as a table.  It reads the layers result
 * (analysis/result_layers.h) as the text view does (render/layers_out.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "render/html.h"

#define LD_WIDTH 1000
#define LD_BAND 26
#define LD_LINE 17
#define LD_PAIRS 6	/* boundary lines drawn per gap; the table has all */

static bool layer_shown(const struct bnd_result *r, enum ns_layer l)
{
	if (l == NS_LAYER_OTHER)
		return false;
	if (r->frames[l])
		return true;
	for (size_t g = 0; g < r->n_gaps; g++)
		if (r->gaps[g].upper == l || r->gaps[g].lower == l)
			return true;
	return false;
}

static size_t gap_lines(const struct bnd_gap *g)
{
	return (g->n_pairs < LD_PAIRS ? g->n_pairs : LD_PAIRS) + (g->n_pairs > LD_PAIRS);
}

/* a colour per layer, light enough for black text, distinct enough side by side */
static unsigned int layer_hue(enum ns_layer l)
{
	return (unsigned int)l * 37 % 360;
}

static void diagram(FILE *out, const struct bnd_result *r)
{
	int height = 8, y = 4, prev = -1;

	for (int l = 0; l < NS_LAYER_OTHER; l++) {
		if (!layer_shown(r, l))
			continue;
		height += LD_BAND + 4;
		for (size_t g = 0; g < r->n_gaps; g++)
			if ((int)r->gaps[g].lower == l)
				height += (int)gap_lines(&r->gaps[g]) * LD_LINE + 4;
	}
	fprintf(out, "<figure><svg id=\"layers-diagram\" role=\"img\" aria-labelledby=\"layers-title\""
		" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-size=\"12\">\n<title"
		" id=\"layers-title\">The stack's layers, top down, and the functions at their"
		" boundaries (the table below has them all)</title>\n", LD_WIDTH, height, LD_WIDTH, height);
	for (int l = 0; l < NS_LAYER_OTHER; l++) {
		if (!layer_shown(r, l))
			continue;
		for (size_t g = 0; g < r->n_gaps; g++) {
			const struct bnd_gap *gap = &r->gaps[g];
			size_t n = gap->n_pairs < LD_PAIRS ? gap->n_pairs : LD_PAIRS;

			if ((int)gap->lower != l)
				continue;
			y += 2;
			for (size_t i = 0; i < n; i++, y += LD_LINE) {
				const struct bnd_pair *p = &gap->pairs[i];
				bool tx = p->dir == NS_DIR_TX;

				fprintf(out, "<text x=\"40\" y=\"%d\" fill=\"%s\">%s ", y + 12,
					tx ? "#1a5fb4" : p->dir == NS_DIR_RX ? "#26a269" : "#555",
					tx ? "↓ TX" : p->dir == NS_DIR_RX ? "↑ RX" : "? ??");
				html_esc(out, p->caller);
				fputs(" → ", out);
				html_esc(out, p->callee);
				fprintf(out, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%" PRIu64,
					LD_WIDTH - 150, y + 12, p->count);
				fputs("</text>", out);
				if ((int)gap->upper != prev) {
					fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#555\">", LD_WIDTH - 140,
						y + 12);
					html_esc(out, ns_layer_name(gap->upper));
					fputs(" ↔ ", out);
					html_esc(out, ns_layer_name(gap->lower));
					fputs("</text>", out);
				}
				fputc('\n', out);
			}
			if (gap->n_pairs > n) {
				fprintf(out, "<text x=\"40\" y=\"%d\" fill=\"#555\">… %zu more</text>\n",
					y + 12, gap->n_pairs - n);
				y += LD_LINE;
			}
			y += 2;
		}
		fprintf(out, "<rect x=\"2\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\""
			" fill=\"hsl(%u,60%%,85%%)\" stroke=\"hsl(%u,40%%,45%%)\"/><text x=\"12\" y=\"%d\""
			" font-weight=\"bold\">", y, LD_WIDTH - 4, LD_BAND, layer_hue(l), layer_hue(l),
			y + 17);
		html_esc(out, ns_layer_name(l));
		fprintf(out, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%" PRIu64 " frames</text>\n",
			LD_WIDTH - 12, y + 17, r->frames[l]);
		y += LD_BAND + 4;
		prev = l;
	}
	fputs("</svg><figcaption class=\"muted\">Each band is a layer; between two bands, the calls"
	      " that cross from one to the other (caller → callee), ↓ TX going down the stack, ↑ RX"
	      " coming up, with the stacks that had them.</figcaption></figure>\n", out);
}

static void boundaries_table(FILE *out, const struct bnd_result *r)
{
	fputs("<div class=\"scroll\"><table id=\"layer-boundaries\"><thead><tr><th>upper</th>"
	      "<th>lower</th><th>direction</th><th>caller</th><th>callee</th><th>stacks</th>"
	      "<th>task</th><th>softirq</th><th>hardirq</th></tr></thead><tbody>\n", out);
	for (size_t g = 0; g < r->n_gaps; g++) {
		const struct bnd_gap *gap = &r->gaps[g];

		for (size_t i = 0; i < gap->n_pairs; i++) {
			const struct bnd_pair *p = &gap->pairs[i];

			fputs("<tr><td>", out);
			html_esc(out, ns_layer_name(gap->upper));
			fputs("</td><td>", out);
			html_esc(out, ns_layer_name(gap->lower));
			fputs("</td><td>", out);
			html_esc(out, ns_dir_name(p->dir));
			fputs("</td><td class=\"mono\">", out);
			html_esc(out, p->caller);
			fputs("</td><td class=\"mono\">", out);
			html_esc(out, p->callee);
			fprintf(out, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
				"</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
				"</td></tr>\n", p->count, p->ctx[BND_CTX_TASK], p->ctx[BND_CTX_SOFTIRQ],
				p->ctx[BND_CTX_HARDIRQ]);
		}
	}
	fputs("</tbody></table></div>\n", out);
}

void html_layers(FILE *out, const struct report_result *res)
{
	const struct bnd_result *r = res->layers;

	if (!r)
		return;
	fprintf(out, "<p><span id=\"layers-stacks\">%" PRIu64 "</span> stacks", r->stacks);
	if (r->stacks_empty)
		fprintf(out, ", %" PRIu64 " of them with no frame of a known layer", r->stacks_empty);
	fputs(".</p>\n", out);
	if (!r->n_gaps) {
		fputs("<p>No stack crossed a layer boundary.</p>\n", out);
	} else {
		diagram(out, r);
		fputs("<details><summary>Every boundary as a table</summary>\n", out);
		boundaries_table(out, r);
		fputs("</details>\n", out);
	}
	if (r->n_unknown) {
		fprintf(out, "<details><summary>%zu functions of no layer were looked through</summary>"
			"<ul>\n", r->unknown_distinct);
		for (size_t i = 0; i < r->n_unknown; i++) {
			fprintf(out, "<li>%" PRIu64 " frames: <code>", r->unknown[i].frames);
			html_esc(out, r->unknown[i].function);
			fputs("</code></li>\n", out);
		}
		fputs("</ul></details>\n", out);
	}
}
