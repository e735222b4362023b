// SPDX-License-Identifier: GPL-2.0
/*
 * Packet timelines (render/html.h): the journeys' sample of single packets
 * (rr_journeys.sample: the first ones closed and dropped ones, a few of
 * each drop reason), listed in a table whose rows link to each packet's timeline.
 * A timeline is an SVG Gantt chart: one row per event, a bar from the
 * event to the next one, and the same steps as a table beside it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "render/html.h"
#include "render/packets_out.h"

#define TL_WIDTH 900
#define TL_LABEL 210		/* the event names' column */
#define TL_RIGHT 90		/* room for the last time label */
#define TL_ROW 20
#define TL_HEAD 24

static uint64_t span_of(const struct rr_packet *p)
{
	return p->n_steps ? p->steps[p->n_steps - 1].ts - p->steps[0].ts : 0;
}

static void timeline_svg(FILE *out, const struct rr_packet *p, size_t index)
{
	uint64_t t0 = p->steps[0].ts, span = span_of(p);
	double plot = TL_WIDTH - TL_LABEL - TL_RIGHT;
	int height = TL_HEAD + (int)p->n_steps * TL_ROW + 4;
	char buf[32];

	fprintf(out, "<svg class=\"timeline\" role=\"img\" aria-labelledby=\"pkt-%zu-title\""
		" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" font-size=\"12\">\n"
		"<title id=\"pkt-%zu-title\">timeline of packet %" PRIu64 ": %zu events in %s</title>\n",
		index, TL_WIDTH, height, TL_WIDTH, height, index, p->id, p->n_steps,
		html_fmt_ns(span, buf, sizeof(buf)));
	/* the time axis: 0 and the packet's whole span */
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>"
		"<text x=\"%d\" y=\"14\" fill=\"#555\">0</text>"
		"<text x=\"%.1f\" y=\"14\" fill=\"#555\" text-anchor=\"end\">%s</text>\n",
		TL_LABEL, TL_HEAD - 4, TL_LABEL + plot, TL_HEAD - 4, TL_LABEL, TL_LABEL + plot,
		html_fmt_ns(span, buf, sizeof(buf)));
	for (size_t k = 0; k < p->n_steps; k++) {
		uint64_t t = p->steps[k].ts - t0;
		uint64_t next = k + 1 < p->n_steps ? p->steps[k + 1].ts - t0 : t;
		double x = TL_LABEL + (span ? plot * t / span : 0);
		double w = span ? plot * (next - t) / span : 0;
		int y = TL_HEAD + (int)k * TL_ROW;
		bool last = k + 1 == p->n_steps;
		const char *colour = last && !strcmp(p->fate, "dropped") ? "#c01c28" : "#1a5fb4";

		fprintf(out, "<text x=\"4\" y=\"%d\">", y + 14);
		html_esc(out, ns_event_name(p->steps[k].type));
		fprintf(out, "</text><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
			" opacity=\"0.35\"/><circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\" fill=\"#333\">+%s</text>\n", x, y + 4, w < 1 && !last ? 1 : w,
			TL_ROW - 8, colour, x, y + 10, colour, x + 7, y + 14,
			html_fmt_ns(t, buf, sizeof(buf)));
	}
	fputs("</svg>\n", out);
}

static void steps_table(FILE *out, const struct rr_packet *p)
{
	uint64_t t0 = p->steps[0].ts;
	char a[32], b[32];

	fputs("<div class=\"scroll\"><table><thead><tr><th>event</th><th>time (s, CLOCK_MONOTONIC)"
	      "</th><th>since first</th><th>since previous</th></tr></thead><tbody>\n", out);
	for (size_t k = 0; k < p->n_steps; k++) {
		fputs("<tr><td><code>", out);
		html_esc(out, ns_event_name(p->steps[k].type));
		fprintf(out, "</code></td><td class=\"num\">%.9f</td><td class=\"num\">+%s</td>"
			"<td class=\"num\">%s%s</td></tr>\n", p->steps[k].ts / 1e9,
			html_fmt_ns(p->steps[k].ts - t0, a, sizeof(a)), k ? "+" : "",
			k ? html_fmt_ns(p->steps[k].ts - p->steps[k - 1].ts, b, sizeof(b)) : "");
	}
	fputs("</tbody></table></div>\n", out);
}

static void fate(FILE *out, const struct rr_packet *p)
{
	fprintf(out, "<span class=\"fate-%s\">", p->fate);
	html_esc(out, p->fate);
	if (p->reason) {
		fputc(' ', out);
		html_esc(out, p->reason);
	}
	fputs("</span>", out);
}

void html_packets(FILE *out, const struct report_result *res)
{
	const struct rr_journeys *j = &res->journeys;
	uint64_t t0 = res->capture.first_ts;
	char tuple[160], a[32], b[32];

	fprintf(out, "<p><span id=\"packets-sampled\">%zu</span> of %" PRIu64 " packets, each with"
		" every event it had: the first %u the analysis closed, then dropped ones, up to %u of"
		" each drop reason and %u in all. Choose one in the list (Enter on its link) to open"
		" its timeline.</p>\n", j->n_sample, j->packets, j->sample_first, j->sample_per_reason,
		j->sample_dropped);
	if (j->dropped_unsampled)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " more dropped packets are not in the sample."
			"</p>\n", j->dropped_unsampled);
	if (!j->n_sample)
		return;
	fputs("<div class=\"scroll\"><table id=\"packet-list\"><thead><tr><th>packet</th><th>first"
	      " event</th><th>headers</th><th>fate</th><th>events</th><th>duration</th><th>in the"
	      " sample as</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < j->n_sample; i++) {
		const struct rr_packet *p = &j->sample[i];
		uint64_t first = p->n_steps ? p->steps[0].ts : 0;

		fprintf(out, "<tr><td><a href=\"#pkt-%zu\">packet %" PRIu64 "</a></td><td class=\"num\">"
			"+%s</td><td>", i, p->id,
			html_fmt_ns(first > t0 ? first - t0 : 0, a, sizeof(a)));
		html_esc(out, packets_tuple_str(&p->tuple, tuple, sizeof(tuple)));
		fputs("</td><td>", out);
		fate(out, p);
		fprintf(out, "</td><td class=\"num\">%zu%s</td><td class=\"num\">%s</td><td>%s</td></tr>\n",
			p->n_steps, p->cut ? "+" : "", html_fmt_ns(span_of(p), b, sizeof(b)),
			p->for_drop ? "dropped" : "first");
	}
	fputs("</tbody></table></div>\n", out);
	for (size_t i = 0; i < j->n_sample; i++) {
		const struct rr_packet *p = &j->sample[i];

		fprintf(out, "<details id=\"pkt-%zu\" class=\"packet\"><summary>Packet %" PRIu64 ": ", i,
			p->id);
		fate(out, p);
		fputs(" — ", out);
		html_esc(out, packets_tuple_str(&p->tuple, tuple, sizeof(tuple)));
		fputs("</summary>\n", out);
		if (p->partial)
			fputs("<p class=\"muted\">Its first event was not seen (before the capture, or"
			      " lost).</p>\n", out);
		if (p->n_steps) {
			timeline_svg(out, p, i);
			steps_table(out, p);
		}
		if (p->cut)
			fputs("<p class=\"muted\">More events than a journey keeps: the later ones are not"
			      " shown.</p>\n", out);
		fputs("</details>\n", out);
	}
}
