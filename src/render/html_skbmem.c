// SPDX-License-Identifier: GPL-2.0
/*
 * The "Packet memory" section of the HTML page (render/html_skbmem.h):
 * the skb-memory view's result (analysis/result_skbmem.h) of a trace
 * recorded with kmem events, drawn as inline SVG in C.  Allocations by
 * cache and call site, bytes requested against allocated (the slack),
 * lifetime histograms, GFP flags by context; every chart has a table with
 * the same numbers beside it (a chart is for the eye, a table for reading
 * and for screen readers), the numbers of `report --json --view
 * skb-memory`.  Each number a test reads has an id or a data- attribute.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "render/html.h"
#include "render/html_skbmem.h"
#include "render/skbmem_out.h"

#define CH_WIDTH 900
#define CH_LABEL 330		/* the rows' names */
#define CH_RIGHT 110		/* room for the value after a bar */
#define CH_ROW 22
#define CH_HEAD 8

/* a kind's colour: sk_buffs blue, data green, pages orange, other grey */
static const char *kind_colour(enum skbmem_kind k)
{
	static const char *const c[SKBMEM_KINDS] = { "#1a5fb4", "#26a269", "#c64600", "#77767b" };

	return k < SKBMEM_KINDS ? c[k] : "#77767b";
}

static size_t shown_sites(const struct report_result *res)
{
	const struct skbmem_result *m = &res->skbmem;

	return res->top && res->top < m->n_sites ? res->top : m->n_sites;
}

static void site_label(FILE *out, const struct skbmem_site *s)
{
	html_esc(out, s->cache);
	fputs(" at ", out);
	html_esc(out, s->function);
}

/* the site's data- attributes: what a test compares with the JSON's sites[] */
static void site_data(FILE *out, const struct skbmem_site *s)
{
	fputs(" data-cache=\"", out);
	html_esc(out, s->cache);
	fputs("\" data-function=\"", out);
	html_esc(out, s->function);
	fprintf(out, "\" data-allocs=\"%" PRIu64 "\" data-bytes-req=\"%" PRIu64 "\" data-bytes-alloc=\"%"
		PRIu64 "\"", s->allocs, s->bytes_req, s->bytes_alloc);
}

static void summary(FILE *out, const struct skbmem_result *m)
{
	fprintf(out, "<dl class=\"kv\">"
		"<dt>slab allocations</dt><dd id=\"skbmem-allocs\">%" PRIu64 "</dd>"
		"<dt>slab frees</dt><dd id=\"skbmem-frees\">%" PRIu64 "</dd>"
		"<dt>bytes requested</dt><dd id=\"skbmem-bytes-req\">%" PRIu64 "</dd>"
		"<dt>bytes allocated</dt><dd id=\"skbmem-bytes-alloc\">%" PRIu64 "</dd>"
		"<dt>slack (allocated − requested)</dt><dd id=\"skbmem-slack\">%" PRId64 "</dd>"
		"<dt>page allocations, frees</dt><dd><span id=\"skbmem-page-allocs\">%" PRIu64 "</span>, "
		"<span id=\"skbmem-page-frees\">%" PRIu64 "</span></dd>"
		"<dt>packets</dt><dd id=\"skbmem-packets\">%" PRIu64 "</dd>"
		"<dt>linked to their sk_buff's allocation</dt><dd id=\"skbmem-linked\">%" PRIu64 "</dd>"
		"<dt>sk_buffs allocated by skb_clone</dt><dd id=\"skbmem-clones\">%" PRIu64 "</dd>"
		"<dt>fclone allocations</dt><dd id=\"skbmem-fclones\">%" PRIu64 "</dd>"
		"<dt>packets on an fclone's second sk_buff</dt><dd id=\"skbmem-fclone-seconds\">%" PRIu64
		"</dd><dt>alive at the end</dt><dd><span id=\"skbmem-alive\">%" PRIu64 "</span> allocations, "
		"<span id=\"skbmem-alive-bytes\">%" PRIu64 "</span> bytes</dd></dl>\n",
		m->allocs, m->frees, m->bytes_req, m->bytes_alloc, (int64_t)(m->bytes_alloc - m->bytes_req),
		m->page_allocs, m->page_frees, m->packets, m->linked_skb + m->linked_fclone,
		m->clone_allocs, m->fclone_allocs, m->linked_fclone, m->alive, m->alive_bytes);
	if (m->fclone_merged[0]) {
		fputs("<p class=\"muted\">SLUB merged skbuff_fclone_cache into slab <code>", out);
		html_esc(out, m->fclone_merged);
		fputs("</code>, shared with other caches: its allocations are told by their call site"
		      " (__alloc_skb), not by the cache.</p>\n", out);
	}
}

/* allocations per (cache, call site): one bar each, coloured by kind */
static void sites_chart(FILE *out, const struct skbmem_result *m, size_t n)
{
	uint64_t most = 0;
	double plot = CH_WIDTH - CH_LABEL - CH_RIGHT;
	int height = CH_HEAD + (int)n * CH_ROW + 4;

	for (size_t i = 0; i < n; i++)
		most = m->sites[i].allocs > most ? m->sites[i].allocs : most;
	fprintf(out, "<figure><svg id=\"skbmem-sites-chart\" role=\"img\" aria-labelledby="
		"\"skbmem-sites-title\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-size=\"12\">\n"
		"<title id=\"skbmem-sites-title\">allocations by cache and call site</title>\n",
		CH_WIDTH, height, CH_WIDTH, height);
	for (size_t i = 0; i < n; i++) {
		const struct skbmem_site *s = &m->sites[i];
		double w = most ? plot * s->allocs / most : 0;
		int y = CH_HEAD + (int)i * CH_ROW;

		fputs("<g class=\"site\"", out);
		site_data(out, s);
		fprintf(out, "><title>%" PRIu64 " allocations: ", s->allocs);
		site_label(out, s);
		fprintf(out, " (%s)</title><text x=\"4\" y=\"%d\">", skbmem_kind_name(s->kind), y + 14);
		site_label(out, s);
		fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\">%" PRIu64 "</text></g>\n", CH_LABEL, y + 3,
			w < 1 ? 1 : w, CH_ROW - 6, kind_colour(s->kind), CH_LABEL + w + 5, y + 14, s->allocs);
	}
	fputs("</svg><figcaption>Allocations by cache and call site; colour: what was allocated ("
	      "<span style=\"color:#1a5fb4\">sk_buff</span>, <span style=\"color:#26a269\">data"
	      "</span>, <span style=\"color:#c64600\">pages</span>, <span style=\"color:#77767b\">"
	      "other</span>).</figcaption></figure>\n", out);
}

/* bytes requested (solid) inside bytes allocated (light): the light part is the slack */
static void bytes_chart(FILE *out, const struct skbmem_result *m, size_t n)
{
	uint64_t most = 0;
	double plot = CH_WIDTH - CH_LABEL - CH_RIGHT - 60;
	int height = CH_HEAD + (int)n * CH_ROW + 4;

	for (size_t i = 0; i < n; i++)
		most = m->sites[i].bytes_alloc > most ? m->sites[i].bytes_alloc : most;
	fprintf(out, "<figure><svg id=\"skbmem-bytes-chart\" role=\"img\" aria-labelledby="
		"\"skbmem-bytes-title\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-size=\"12\">\n"
		"<title id=\"skbmem-bytes-title\">bytes requested and allocated by cache and call site"
		"</title>\n", CH_WIDTH, height, CH_WIDTH, height);
	for (size_t i = 0; i < n; i++) {
		const struct skbmem_site *s = &m->sites[i];
		double wa = most ? plot * s->bytes_alloc / most : 0;
		double wr = most ? plot * s->bytes_req / most : 0;
		int y = CH_HEAD + (int)i * CH_ROW;

		fputs("<g class=\"bytes\"", out);
		site_data(out, s);
		fprintf(out, "><title>%" PRIu64 " bytes requested, %" PRIu64 " allocated, slack %" PRId64
			": ", s->bytes_req, s->bytes_alloc, (int64_t)(s->bytes_alloc - s->bytes_req));
		site_label(out, s);
		fprintf(out, "</title><text x=\"4\" y=\"%d\">", y + 14);
		site_label(out, s);
		fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
			" opacity=\"0.3\"/><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\">%" PRIu64 " / %" PRIu64 "</text></g>\n", CH_LABEL, y + 3,
			wa < 1 ? 1 : wa, CH_ROW - 6, kind_colour(s->kind), CH_LABEL, y + 3, wr, CH_ROW - 6,
			kind_colour(s->kind), CH_LABEL + (wa < 1 ? 1 : wa) + 5, y + 14, s->bytes_req,
			s->bytes_alloc);
	}
	fputs("</svg><figcaption>Bytes requested (solid) and allocated (light): the light end of a bar"
	      " is the slack the allocator rounded up to its object size.</figcaption></figure>\n", out);
}

static void sites_table(FILE *out, const struct skbmem_result *m, size_t n)
{
	uint64_t most = 0, rest = 0;

	for (size_t i = 0; i < m->n_sites; i++) {
		most = m->sites[i].allocs > most ? m->sites[i].allocs : most;
		rest += i >= n ? m->sites[i].allocs : 0;
	}
	fputs("<div class=\"scroll\"><table id=\"skbmem-sites\"><thead><tr><th>cache</th>"
	      "<th>call site</th><th>kind</th><th>allocs</th><th></th><th>frees</th><th>alive</th>"
	      "<th>requested</th><th>allocated</th><th>slack</th><th>slack %</th><th>softirq</th>"
	      "<th>task</th><th>example</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct skbmem_site *s = &m->sites[i];
		int64_t slack = (int64_t)(s->bytes_alloc - s->bytes_req);

		fputs("<tr><td><code>", out);
		html_esc(out, s->cache);
		fputs("</code></td><td><code>", out);
		html_esc(out, s->function);
		fprintf(out, "</code></td><td>%s</td>", skbmem_kind_name(s->kind));
		html_count_bar(out, s->allocs, most);
		fprintf(out, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64 "</td>"
			"<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64 "</td>"
			"<td class=\"num\">%" PRId64 "</td><td class=\"num\">%.1f</td>"
			"<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64 "</td><td><code>",
			s->frees, s->alive, s->bytes_req, s->bytes_alloc, slack,
			s->bytes_alloc ? 100.0 * slack / s->bytes_alloc : 0.0, s->by_ctx[NS_CTX_SOFTIRQ],
			s->by_ctx[NS_CTX_TASK]);
		html_esc(out, s->example);
		fputs("</code></td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	html_more(out, m->n_sites, n, rest, "allocations");
}

static void gfp_tables(FILE *out, const struct skbmem_result *m)
{
	uint64_t most = 0;

	for (size_t i = 0; i < m->n_gfp; i++)
		most = m->gfp[i].count > most ? m->gfp[i].count : most;
	fprintf(out, "<h3>GFP flags by context</h3>\n<p class=\"muted\">%s</p>\n",
		m->have_gfp_names ? "Flag names from the traced kernel's kmem format file." :
		"The trace has no GFP flag table: flags as numbers.");
	fputs("<div class=\"scroll\"><table id=\"skbmem-gfp\"><thead><tr><th>context</th>"
	      "<th>GFP flags</th><th>value</th><th>can sleep</th><th>allocations</th><th></th></tr>"
	      "</thead><tbody>\n", out);
	for (size_t i = 0; i < m->n_gfp; i++) {
		const struct skbmem_gfp *g = &m->gfp[i];

		fputs("<tr><td>", out);
		html_esc(out, g->ctx);
		fputs("</td><td><code>", out);
		html_esc(out, g->flags);
		fprintf(out, "</code></td><td class=\"num\">0x%x</td><td>%s</td>", g->value,
			g->may_sleep < 0 ? "?" : g->may_sleep ? "may sleep" : "atomic");
		html_count_bar(out, g->count, most);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n<div class=\"scroll\"><table id=\"skbmem-ctx\"><thead><tr>"
	      "<th>context</th><th>atomic (cannot sleep)</th><th>may sleep</th></tr></thead><tbody>\n",
	      out);
	for (unsigned int c = 0; c < 5; c++)
		if (m->ctx_atomic[c] || m->ctx_sleep[c])
			fprintf(out, "<tr><td>%s</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%"
				PRIu64 "</td></tr>\n", ns_ctx_name(c), m->ctx_atomic[c], m->ctx_sleep[c]);
	fputs("</tbody></table></div>\n", out);
}

#define HI_WIDTH 900
#define HI_HEIGHT 150
#define HI_BOTTOM 34
#define HI_LEFT 50

/* the lifetimes by power of two, from the first one that holds a value to the last */
static void life_histogram(FILE *out, const char *key, const char *label,
			   const struct skbmem_life *l)
{
	int lo = 65, hi = -1, n;
	uint64_t most = 0;
	double slot, plot = HI_HEIGHT - HI_BOTTOM - 14;
	char a[32], b[32];

	for (int p = 0; p < 65; p++) {
		if (!l->by_pow2[p])
			continue;
		lo = p < lo ? p : lo;
		hi = p;
		most = l->by_pow2[p] > most ? l->by_pow2[p] : most;
	}
	if (hi < 0)
		return;
	n = hi - lo + 1;
	slot = (double)(HI_WIDTH - HI_LEFT - 10) / n;
	slot = slot > 80 ? 80 : slot;	/* a few buckets stay bars, not a wall */
	fprintf(out, "<figure><svg class=\"skbmem-life\" id=\"skbmem-life-%s\" data-count=\"%" PRIu64
		"\" role=\"img\" aria-labelledby=\"skbmem-life-%s-title\" viewBox=\"0 0 %d %d\" width=\"%d\""
		" height=\"%d\" font-size=\"11\">\n<title id=\"skbmem-life-%s-title\">lifetimes, ",
		key, l->count, key, HI_WIDTH, HI_HEIGHT, HI_WIDTH, HI_HEIGHT, key);
	html_esc(out, label);
	fprintf(out, ": %" PRIu64 " by power of two</title>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
		" stroke=\"#888\"/><text x=\"4\" y=\"14\" fill=\"#555\">%" PRIu64 "</text>\n", l->count,
		HI_LEFT, HI_HEIGHT - HI_BOTTOM, HI_WIDTH - 10, HI_HEIGHT - HI_BOTTOM, most);
	for (int p = lo; p <= hi; p++) {
		double h = most ? plot * l->by_pow2[p] / most : 0;
		double x = HI_LEFT + (p - lo) * slot;

		html_fmt_ns(p ? 1ull << (p - 1) : 0, a, sizeof(a));
		html_fmt_ns(1ull << p, b, sizeof(b));
		fprintf(out, "<g class=\"bucket\" data-count=\"%" PRIu64 "\"><title>%" PRIu64 " from %s to %s"
			"</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1a5fb4\"/>",
			l->by_pow2[p], l->by_pow2[p], a, b, x + 1, HI_HEIGHT - HI_BOTTOM - h,
			slot > 3 ? slot - 2 : 1, h);
		if (l->by_pow2[p])
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%" PRIu64 "</text>",
				x + slot / 2, HI_HEIGHT - HI_BOTTOM - h - 3, l->by_pow2[p]);
		/* every other bucket's lower bound under the axis, or every one when they fit */
		if (n <= 16 || !((p - lo) % 2))
			fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>",
				x + slot / 2, HI_HEIGHT - HI_BOTTOM + 14, a);
		fputs("</g>\n", out);
	}
	fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#555\">lower bound of each bucket (a bucket ends"
		" at twice its lower bound)</text></svg><figcaption>", HI_LEFT, HI_HEIGHT - 4);
	html_esc(out, label);
	fprintf(out, ": %" PRIu64 " lifetimes, p50 %s, p99 ", l->count, html_fmt_ns(l->p50_ns, a, sizeof(a)));
	fprintf(out, "%s.</figcaption></figure>\n", html_fmt_ns(l->p99_ns, b, sizeof(b)));
}

static void lifetimes(FILE *out, const struct skbmem_result *m)
{
	static const char *const labels[SKBMEM_KINDS] = {
		"sk_buff: allocation → kmem free", "data: allocation → kmem free",
		"pages: allocation → free", "other: allocation → kmem free",
	};
	char b[4][32];

	fputs("<h3>Lifetimes</h3>\n<div class=\"scroll\"><table id=\"skbmem-lifetimes\"><thead><tr>"
	      "<th>lifetime</th><th>n</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th>"
	      "</tr></thead><tbody>\n", out);
	for (int k = -1; k < SKBMEM_KINDS; k++) {
		const struct skbmem_life *l = k < 0 ? &m->packet_life : &m->life[k];

		fprintf(out, "<tr data-kind=\"%s\" data-count=\"%" PRIu64 "\" data-p50=\"%" PRIu64 "\""
			" data-p90=\"%" PRIu64 "\" data-p99=\"%" PRIu64 "\" data-max=\"%" PRIu64 "\"><td>%s</td>"
			"<td class=\"num\">%" PRIu64 "</td>", k < 0 ? "packet" : skbmem_kind_name(k), l->count,
			l->p50_ns, l->p90_ns, l->p99_ns, l->max_ns,
			k < 0 ? "packet: allocation → free or consume" : labels[k], l->count);
		if (l->count)
			fprintf(out, "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s"
				"</td><td class=\"num\">%s</td>", html_fmt_ns(l->min_ns, b[0], 32),
				html_fmt_ns(l->p50_ns, b[1], 32), html_fmt_ns(l->p90_ns, b[2], 32),
				html_fmt_ns(l->p99_ns, b[3], 32));
		else
			fputs("<td></td><td></td><td></td><td></td>", out);
		fprintf(out, "<td class=\"num\">%s</td></tr>\n",
			l->count ? html_fmt_ns(l->max_ns, b[0], 32) : "");
	}
	fputs("</tbody></table></div>\n", out);
	life_histogram(out, "packet", "packet: allocation → free or consume", &m->packet_life);
	for (int k = 0; k < SKBMEM_KINDS; k++)
		life_histogram(out, skbmem_kind_name(k), labels[k], &m->life[k]);
}

void html_skbmem(FILE *out, const struct report_result *res)
{
	const struct skbmem_result *m = &res->skbmem;
	size_t n = shown_sites(res);

	if (!m->have_kmem) {
		fputs("<p>The trace has no kmem events: record with <code>--events default,kmem</code>"
		      " (or run <code>netscope lab skb-memory</code>).</p>\n", out);
		return;
	}
	summary(out, m);
	fputs("<h3>Allocations by cache and call site</h3>\n", out);
	if (n) {
		sites_chart(out, m, n);
		bytes_chart(out, m, n);
	}
	sites_table(out, m, n);
	gfp_tables(out, m);
	lifetimes(out, m);
}
