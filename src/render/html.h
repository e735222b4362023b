/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report as one self-contained HTML page (docs/html.md): inline CSS,
 * inline SVG charts built here in C (flame graphs, packet timelines, the
 * layers diagram, bars), a few lines of inline script that only open
 * <details> elements, nothing loaded from anywhere.  Like the text and
 * JSON renderers it reads only the result (analysis/result.h), so the
 * three show the same numbers.
 *
 * Split by section: html_doc.c (page, escaping, the report's order),
 * html_summary.c (capture, lost events, events), html_tables.c (drops,
 * resets, states, journeys), html_flame.c (call paths and flame graphs),
 * html_packets.c (packet timelines), html_layers.c (the layers diagram),
 * html_interrupts.c (softirq runs and hardirqs).
 * A lab's page (cmd/lab_html.c) puts its own sections around these.
 */
#ifndef NS_RENDER_HTML_H
#define NS_RENDER_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result.h"

/* the whole report page: every part the result has */
void render_report_html(const struct report_result *res, const char *title, FILE *out);

/* ---- building blocks, for html_*.c and the lab page ---- */

/* text with & < > " ' escaped, control characters as U+FFFD: safe in content and attributes */
void html_esc(FILE *out, const char *s);
/* at most n bytes of s, escaped */
void html_esc_n(FILE *out, const char *s, size_t n);
/* <!DOCTYPE html> up to <body>, with the page's CSS and script; title escaped */
void html_begin(FILE *out, const char *title);
/* the table of contents: entries (id, heading) of the sections that follow */
struct html_toc {
	const char *id, *title;
};
void html_toc(FILE *out, const struct html_toc *toc, size_t n);
/* <section id=ID><h2>TITLE</h2> ... </section> */
void html_section(FILE *out, const char *id, const char *title);
void html_section_end(FILE *out);
void html_end(FILE *out);

/* a cell with a count and a bar of count / max (max 0: no bar) */
void html_count_bar(FILE *out, uint64_t count, uint64_t max);
/* "12.3 µs" into buf */
const char *html_fmt_ns(uint64_t ns, char *buf, size_t len);
/* "... N more rows, C events (--top to see them)" when rows were left out */
void html_more(FILE *out, size_t n, size_t shown, uint64_t rest, const char *unit);

/* ---- the sections of the report (each prints nothing when its part is missing) ---- */
void html_summary(FILE *out, const struct report_result *res);
void html_capture(FILE *out, const struct report_result *res);
void html_lost(FILE *out, const struct report_result *res);
void html_events(FILE *out, const struct report_result *res);
void html_drops(FILE *out, const struct report_result *res);
void html_resets(FILE *out, const struct report_result *res);
void html_states(FILE *out, const struct report_result *res);
void html_journeys(FILE *out, const struct report_result *res);
void html_packets(FILE *out, const struct report_result *res);
void html_callpaths(FILE *out, const struct report_result *res);
void html_profile_flame(FILE *out, const struct report_result *res);
void html_layers(FILE *out, const struct report_result *res);
void html_latency(FILE *out, const struct report_result *res);
void html_counters(FILE *out, const struct report_result *res);
/* softirq runs and hardirqs (html_interrupts.c), when the trace has softirq events */
void html_interrupts(FILE *out, const struct report_result *res);
/* the report's sections in order; the lab page calls it between its own */
void html_report_body(FILE *out, const struct report_result *res);
/* the table of contents entries of the report's sections this result has; how many */
size_t html_report_toc(const struct report_result *res, struct html_toc *toc, size_t max);

/* ---- flame graphs (html_flame.c) ---- */

/* one frame of a call tree in preorder: children follow at depth + 1 */
struct flame_frame {
	const char *name;
	unsigned int depth;
	uint64_t count;
};

/* where a frame is drawn: x and width in units of count, its row */
struct flame_rect {
	uint64_t x, w;
	unsigned int depth;
};

/*
 * Lay out n frames in preorder: a frame starts where its parent starts
 * plus the counts of its earlier siblings; its width is its count.  Roots
 * (depth 0) follow each other from 0.  Returns the deepest depth + 1, or
 * -EINVAL when a frame is deeper than its parent + 1 or wider than what is
 * left of its parent (the input is not a tree).
 */
int flame_layout(const struct flame_frame *f, size_t n, struct flame_rect *out);
/*
 * Draw the frames as an SVG flame graph (roots at the bottom), width by
 * count; label: what the counts are ("stacks", "samples").  id: unique in
 * the page.  Frames narrower than a pixel are left out and counted.
 */
void html_flame_svg(FILE *out, const char *id, const char *label, const struct flame_frame *f,
		    size_t n);

#endif
