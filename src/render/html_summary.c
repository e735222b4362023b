// SPDX-License-Identifier: GPL-2.0
/* The page's summary, capture, lost events and events sections (render/html.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "render/html.h"

/* a <dt>/<dd> row; id names the number for readers and tests ("summary-events") */
static void kv_u64(FILE *out, const char *id, const char *key, uint64_t v)
{
	fprintf(out, "<dt>%s</dt><dd><span class=\"mono\" id=\"%s\">%" PRIu64 "</span></dd>\n", key,
		id, v);
}

static void kv_str(FILE *out, const char *key, const char *v)
{
	fprintf(out, "<dt>%s</dt><dd>", key);
	if (v)
		html_esc(out, v);
	else
		fputs("<span class=\"muted\">not recorded</span>", out);
	fputs("</dd>\n", out);
}

void html_summary(FILE *out, const struct report_result *res)
{
	const struct rr_lost *l = &res->lost;
	char buf[32];

	fputs("<dl class=\"kv\">\n", out);
	kv_u64(out, "summary-events", "events", res->events.total);
	fprintf(out, "<dt>span</dt><dd>%s</dd>\n", html_fmt_ns(res->capture.span_ns, buf, sizeof(buf)));
	if (l->have_stats)
		kv_u64(out, "summary-lost", "lost", l->lost);
	else
		fputs("<dt>lost</dt><dd class=\"muted\">unknown: the trace has no capture counters</dd>\n",
		      out);
	if (res->parts & RR_PART_DROPS)
		kv_u64(out, "summary-drops", "drops", res->drops.total);
	if (res->parts & RR_PART_TCP) {
		kv_u64(out, "summary-resets-sent", "TCP resets sent", res->resets.sent);
		kv_u64(out, "summary-state-changes", "TCP state changes", res->states.total);
	}
	if (res->parts & RR_PART_JOURNEYS)
		kv_u64(out, "summary-packets", "packets", res->journeys.packets);
	fputs("</dl>\n", out);
	if (l->truncated)
		fputs("<p class=\"warn\">The trace ends early (cut off mid-write): this report covers"
		      " what was written.</p>\n", out);
	if (l->lost || l->stats.writer_dropped)
		fputs("<p class=\"warn\">Events were lost: the counts below are lower bounds (see Lost"
		      " events).</p>\n", out);
}

void html_capture(FILE *out, const struct report_result *res)
{
	const struct rr_capture *c = &res->capture;
	char buf[32];

	fputs("<dl class=\"kv\">\n", out);
	kv_str(out, "kernel", c->kernel);
	kv_str(out, "host", c->host);
	if (c->scenario)
		kv_str(out, "scenario", c->scenario);
	kv_str(out, "method", c->method);
	kv_str(out, "filter", c->filter ? c->filter : "none recorded");
	fprintf(out, "<dt>span</dt><dd>%s (events from %.6f to %.6f s, CLOCK_MONOTONIC)</dd>\n",
		html_fmt_ns(c->span_ns, buf, sizeof(buf)), c->first_ts / 1e9, c->last_ts / 1e9);
	fputs("</dl>\n", out);
	if (c->n_methods) {
		fputs("<details><summary>How each event was attached</summary>\n<div class=\"scroll\">"
		      "<table id=\"capture-methods\"><thead><tr><th>event</th><th>method</th></tr></thead>"
		      "<tbody>\n", out);
		for (size_t i = 0; i < c->n_methods; i++) {
			fputs("<tr><td>", out);
			html_esc(out, c->methods[i].key);
			fputs("</td><td>", out);
			html_esc(out, c->methods[i].value);
			fputs("</td></tr>\n", out);
		}
		fputs("</tbody></table></div></details>\n", out);
	}
	if (c->n_other) {
		fputs("<details><summary>Metadata</summary>\n<div class=\"scroll\"><table><thead><tr>"
		      "<th>key</th><th>value</th></tr></thead><tbody>\n", out);
		for (size_t i = 0; i < c->n_other; i++) {
			fputs("<tr><td class=\"mono\">", out);
			html_esc(out, c->other[i].key);
			fputs("</td><td>", out);
			html_esc(out, c->other[i].value);
			fputs("</td></tr>\n", out);
		}
		fputs("</tbody></table></div></details>\n", out);
	}
}

void html_lost(FILE *out, const struct report_result *res)
{
	const struct rr_lost *l = &res->lost;

	if (l->truncated)
		fprintf(out, "<p class=\"warn\">Truncated: the trace ends early; this report covers the"
			" %" PRIu64 " events read.</p>\n", l->read);
	if (!l->have_stats) {
		fputs("<p>Unknown: the trace has no capture counters.</p>\n", out);
		return;
	}
	if (l->lost)
		fprintf(out, "<p class=\"warn\">Lost <span id=\"lost-total\">%" PRIu64 "</span> of %" PRIu64
			" produced events (%.2f%%): the ring buffer was full; the counts of this page are"
			" lower bounds.</p>\n", l->lost, l->produced,
			l->produced ? 100.0 * l->lost / l->produced : 100.0);
	else
		fprintf(out, "<p>None: %" PRIu64 " produced, %" PRIu64 " captured, <span"
			" id=\"lost-total\">0</span> lost.</p>\n", l->produced, l->captured);
	fputs("<div class=\"scroll\"><table id=\"lost-by-type\"><thead><tr><th>event</th>"
	      "<th>produced</th><th>captured</th><th>lost</th></tr></thead><tbody>\n", out);
	for (unsigned int t = 0; t < NS_EV__COUNT; t++) {
		if (!l->stats.produced[t] && !l->stats.captured[t] && !l->stats.lost[t])
			continue;
		fputs("<tr><td>", out);
		html_esc(out, ns_event_name(t));
		fprintf(out, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
			"</td><td class=\"num\">%" PRIu64 "</td></tr>\n", l->stats.produced[t],
			l->stats.captured[t], l->stats.lost[t]);
	}
	fputs("</tbody></table></div>\n", out);
	if (l->stats.writer_dropped)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " captured events were not written: the trace"
			" writer fell behind.</p>\n", l->stats.writer_dropped);
	if (l->stats.writer_stalls)
		fprintf(out, "<p>The ring consumer waited %" PRIu64 " times for the trace writer (%.1f ms"
			" in all).</p>\n", l->stats.writer_stalls, l->stats.writer_stall_ns / 1e6);
	if (l->stats.stack_err)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " stacks could not be taken (stack map full or"
			" collisions).</p>\n", l->stats.stack_err);
	if (l->stats.ids_evicted)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " packet ids lost (the capture's id table was"
			" full): those events have no packet id.</p>\n", l->stats.ids_evicted);
}

void html_events(FILE *out, const struct report_result *res)
{
	const struct rr_events *e = &res->events;
	uint64_t max = 0;
	char buf[32];

	fprintf(out, "<p><span id=\"events-total\">%" PRIu64 "</span> events in %s", e->total,
		html_fmt_ns(res->capture.span_ns, buf, sizeof(buf)));
	if (!isnan(e->rate))
		fprintf(out, " (%.1f/s)", e->rate);
	fputs(".</p>\n", out);
	if (!e->n_order)
		return;
	for (size_t i = 0; i < e->n_order; i++)
		max = e->count[e->order[i]] > max ? e->count[e->order[i]] : max;
	fputs("<div class=\"scroll\"><table id=\"events-by-type\"><thead><tr><th>event</th>"
	      "<th>count</th><th aria-hidden=\"true\"></th><th>rate/s</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < e->n_order; i++) {
		unsigned int t = e->order[i];

		fputs("<tr><td>", out);
		html_esc(out, t == RR_TYPE_UNKNOWN ? "unknown event types" : ns_event_name(t));
		fputs("</td>", out);
		html_count_bar(out, e->count[t], max);
		if (isnan(e->rates[t]))
			fputs("<td class=\"num\">-</td></tr>\n", out);
		else
			fprintf(out, "<td class=\"num\">%.1f</td></tr>\n", e->rates[t]);
	}
	fputs("</tbody></table></div>\n", out);
}
