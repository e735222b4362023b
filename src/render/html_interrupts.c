// SPDX-License-Identifier: GPL-2.0
/*
 * The page's Interrupts section (render/html.h): the interrupts view's
 * result (analysis/result_softirq.h) as SVG charts and tables.  Where the
 * NET_RX runs with packets ran (one stacked bar), raise → entry and
 * entry → exit (their percentiles, and a histogram of the runs listed one
 * by one), packets per napi_poll against the budget, who raised the runs,
 * the context of packet events, the runs per vector and CPU, and the
 * hardirqs per handler and per system vector.  Every number is the JSON
 * view's (`report --view interrupts --json`); an exact value the text
 * rounds ("12.3 µs") is in a data- attribute beside it, for the tests.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include "render/html.h"

#define SVG_W 640

static const char *const where_label[SIRQ_WHERE__COUNT] = {
	[SIRQ_WHERE_TASK] = "in a task at local_bh_enable",
	[SIRQ_WHERE_IRQ_EXIT] = "at a hardirq's exit",
	[SIRQ_WHERE_KSOFTIRQD] = "in ksoftirqd",
};
static const char *const where_colour[SIRQ_WHERE__COUNT] = { "#7aa7e0", "#e5a50a", "#c061cb" };

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * part / whole : 0;
}

/* how many rows a table shows: the report's --top (0: all) */
static size_t shown(const struct report_result *res, size_t n)
{
	return res->top && res->top < n ? res->top : n;
}

/* one stacked bar: each place the runs ran, its width its share */
static void where_svg(FILE *out, const struct softirq_result *r)
{
	uint64_t whole = r->net_rx_runs_with_packets;
	double x = 0;

	fprintf(out, "<figure><svg id=\"irq-where\" role=\"img\" viewBox=\"0 0 %d 92\" width=\"%d\" "
		"height=\"92\" aria-label=\"where the NET_RX runs with packets ran\">\n", SVG_W, SVG_W);
	for (int w = 0; w < SIRQ_WHERE__COUNT && whole; w++) {
		double width = (double)SVG_W * r->net_rx_where[w] / whole;

		if (!r->net_rx_where[w])
			continue;
		fprintf(out, "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"28\" fill=\"%s\" "
			"data-where=\"%s\" data-count=\"%" PRIu64 "\"><title>%s: %" PRIu64
			" runs (%.1f%%)</title></rect>\n", x, width, where_colour[w], sirq_where_name(w),
			r->net_rx_where[w], where_label[w], r->net_rx_where[w],
			pct(r->net_rx_where[w], whole));
		x += width;
	}
	/* the legend says every place, those with no run too: "0 in ksoftirqd" is a finding */
	for (int w = 0; w < SIRQ_WHERE__COUNT; w++)
		fprintf(out, "<rect x=\"0\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"18\" y=\"%d\" font-size=\"12\">%s: %" PRIu64 " (%.1f%%)</text>\n",
			36 + 18 * w, where_colour[w], 47 + 18 * w, where_label[w], r->net_rx_where[w],
			pct(r->net_rx_where[w], whole));
	fprintf(out, "</svg><figcaption>%" PRIu64 " NET_RX runs with packets</figcaption></figure>\n",
		whole);
}

/*
 * min, p50, p90, p99, max as horizontal bars.  Times on a log scale (a
 * max of 300 µs beside a p50 of 200 ns would leave the p50 no pixel);
 * packets on a linear one, with the budget drawn as a line.
 */
static void stats_svg(FILE *out, const char *id, const char *label, const struct latency_stats *s,
		      bool ns, uint32_t budget)
{
	const char *names[] = { "min", "p50", "p90", "p99", "max" };
	uint64_t v[] = { s->min_ns, s->p50_ns, s->p90_ns, s->p99_ns, s->max_ns };
	double top = (double)(budget > s->max_ns ? budget : s->max_ns), bar_w = SVG_W - 160;
	char buf[32];

	if (!s->count)
		return;
	fprintf(out, "<figure><svg id=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" aria-label=\"", id, SVG_W, 5 * 20 + 8, SVG_W, 5 * 20 + 8);
	html_esc(out, label);
	fputs("\">\n", out);
	for (int i = 0; i < 5; i++) {
		double w = ns ? (top > 0 ? bar_w * log10(v[i] + 1.0) / log10(top + 1) : 0) :
			(top > 0 ? bar_w * v[i] / top : 0);

		if (ns)
			html_fmt_ns(v[i], buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%" PRIu64, v[i]);
		fprintf(out, "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text><rect x=\"40\" y=\"%d\" "
			"width=\"%.2f\" height=\"14\" fill=\"#7aa7e0\" data-stat=\"%s\" data-value=\"%"
			PRIu64 "\"><title>%s %s</title></rect><text x=\"%.2f\" y=\"%d\" font-size=\"12\">%s"
			"</text>\n", i * 20 + 12, names[i], i * 20, w < 1 ? 1 : w, names[i], v[i], names[i], buf,
			44 + (w < 1 ? 1 : w), i * 20 + 12, buf);
	}
	if (!ns && budget) {
		double bx = 40 + bar_w * budget / top;

		fprintf(out, "<line class=\"budget\" x1=\"%.2f\" y1=\"0\" x2=\"%.2f\" y2=\"%d\" "
			"stroke=\"#c01c28\" stroke-dasharray=\"4 3\" data-budget=\"%u\"/>"
			"<text x=\"%.2f\" y=\"%d\" font-size=\"12\" fill=\"#c01c28\" text-anchor=\"end\">"
			"budget %u</text>\n", bx, bx, 5 * 20, budget, bx - 4, 5 * 20 + 6, budget);
	}
	fprintf(out, "</svg><figcaption>%s, %" PRIu64 " in all%s</figcaption></figure>\n", label,
		s->count, ns ? " (log scale)" : "");
}

/* 0 for 0 ns, else the number of bits: bucket b holds [2^(b-1), 2^b) */
static unsigned int bucket_of(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

/* a histogram, in power-of-two buckets, of one time of the runs listed one by one */
static void runs_hist_svg(FILE *out, const char *id, const char *label,
			  const struct softirq_result *r, bool raise)
{
	uint64_t count[65] = { 0 }, max = 0, n = 0;
	unsigned int lo = 64, hi = 0;
	double bw;
	char a[32];

	for (size_t i = 0; i < r->n_runs; i++) {
		const struct sirq_run *x = &r->runs[i];
		unsigned int b;

		if (raise && !x->raised)
			continue;
		b = bucket_of(raise ? x->raise_ns : x->duration_ns);
		count[b]++;
		n++;
		lo = b < lo ? b : lo;
		hi = b > hi ? b : hi;
	}
	if (!n)
		return;
	for (unsigned int b = lo; b <= hi; b++)
		max = count[b] > max ? count[b] : max;
	bw = (double)SVG_W / (hi - lo + 1);
	fprintf(out, "<figure><svg id=\"%s\" class=\"hist\" role=\"img\" viewBox=\"0 0 %d 150\" "
		"width=\"%d\" height=\"150\" aria-label=\"", id, SVG_W, SVG_W);
	html_esc(out, label);
	fputs("\">\n", out);
	for (unsigned int b = lo; b <= hi; b++) {
		double h = 110.0 * count[b] / max, x = (b - lo) * bw;
		uint64_t from = b ? 1ull << (b - 1) : 0, to = b ? (b < 64 ? 1ull << b : UINT64_MAX) : 1;

		html_fmt_ns(from, a, sizeof(a));
		fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#7aa7e0\""
			" data-lo=\"%" PRIu64 "\" data-hi=\"%" PRIu64 "\" data-count=\"%" PRIu64 "\">"
			"<title>%s and up: %" PRIu64 " runs</title></rect>\n", x + 1, 124 - h,
			bw > 3 ? bw - 2 : 1, h, from, to, count[b], a, count[b]);
		if (count[b])
			fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"middle\">%"
				PRIu64 "</text>\n", x + bw / 2, 122 - h, count[b]);
		fprintf(out, "<text x=\"%.2f\" y=\"140\" font-size=\"9\" text-anchor=\"middle\">%s</text>\n",
			x + bw / 2, a);
	}
	fprintf(out, "</svg><figcaption>%s: %" PRIu64 " runs listed one by one", label, n);
	if (r->runs_not_kept)
		fprintf(out, " (%" PRIu64 " more runs with packets were not listed)", r->runs_not_kept);
	fputs("; each bar a power of two</figcaption></figure>\n", out);
}

static void td_ns(FILE *out, uint64_t ns)
{
	char b[32];

	fprintf(out, "<td class=\"num\" data-ns=\"%" PRIu64 "\">%s</td>", ns, html_fmt_ns(ns, b, sizeof(b)));
}

static void irq_table(FILE *out, const struct report_result *res, const char *id,
		      const char *num, const struct sirq_irq *rows, size_t n_rows, bool raised)
{
	size_t n = shown(res, n_rows);
	uint64_t rest = 0;

	fprintf(out, "<div class=\"scroll\"><table id=\"%s\"><thead><tr><th>name</th><th>%s</th>"
		"<th>count</th><th aria-hidden=\"true\"></th><th>p50</th><th>p99</th><th>max</th>%s"
		"</tr></thead><tbody>\n", id, num, raised ? "<th>NET_RX raised</th>" : "");
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td>", out);
		html_esc(out, rows[i].name);
		fprintf(out, "</td><td class=\"num\">%d</td>", rows[i].irq);
		html_count_bar(out, rows[i].count, rows[0].count);
		td_ns(out, rows[i].duration.p50_ns);
		td_ns(out, rows[i].duration.p99_ns);
		td_ns(out, rows[i].duration.max_ns);
		if (raised)
			fprintf(out, "<td class=\"num\">%" PRIu64 "</td>", rows[i].raised_net_rx);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	for (size_t i = n; i < n_rows; i++)
		rest += rows[i].count;
	html_more(out, n_rows, n, rest, "hardirqs");
}

static void kv(FILE *out, const char *key, const char *id, uint64_t v)
{
	fprintf(out, "<dt>%s</dt><dd><span class=\"mono\" id=\"%s\">%" PRIu64 "</span></dd>\n", key,
		id, v);
}

static void runs_table(FILE *out, const struct report_result *res, const struct softirq_result *r)
{
	size_t n = shown(res, r->n_rows);
	uint64_t rest = 0;

	fputs("<h3>Softirq runs per vector and CPU</h3>\n<div class=\"scroll\"><table id=\"irq-vectors\">"
	      "<thead><tr><th>vector</th><th>CPU</th><th>runs</th><th>with packets</th><th>task</th>"
	      "<th>irq exit</th><th>ksoftirqd</th><th>raise → entry p50</th><th>p99</th>"
	      "<th>entry → exit p50</th><th>p99</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct sirq_row *x = &r->rows[i];

		fputs("<tr><td>", out);
		html_esc(out, x->vec);
		fprintf(out, "</td><td class=\"num\">%u</td><td class=\"num\">%" PRIu64 "</td><td class="
			"\"num\">%" PRIu64 "</td>", x->cpu, x->runs, x->runs_with_packets);
		for (int w = 0; w < SIRQ_WHERE__COUNT; w++)
			fprintf(out, "<td class=\"num\">%" PRIu64 "</td>", x->where[w]);
		td_ns(out, x->raise_to_entry.p50_ns);
		td_ns(out, x->raise_to_entry.p99_ns);
		td_ns(out, x->duration.p50_ns);
		td_ns(out, x->duration.p99_ns);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	for (size_t i = n; i < r->n_rows; i++)
		rest += r->rows[i].runs;
	html_more(out, r->n_rows, n, rest, "runs");
}

void html_interrupts(FILE *out, const struct report_result *res)
{
	const struct softirq_result *r = &res->softirq;
	static const char *const ctx_name[] = { "task", "softirq", "hardirq", "other" };
	uint64_t ctx[] = { r->packet_task, r->packet_softirq, r->packet_hardirq, r->packet_other };
	uint64_t ctx_max = 0;
	char t[32];

	fputs("<p>Softirq runs (<code>softirq_entry</code> … <code>softirq_exit</code> of one vector on"
	      " one CPU), the packets the NET_RX runs carried, and the hardirqs meanwhile: the"
	      " <code>interrupts</code> view (<code>netscope report FILE --view interrupts</code>,"
	      " docs/views.md), whose JSON has these numbers.</p>\n<dl class=\"kv\">\n", out);
	kv(out, "NET_RX runs", "irq-net-rx-runs", r->net_rx_runs);
	kv(out, "NET_RX runs with packets", "irq-net-rx-with-packets", r->net_rx_runs_with_packets);
	kv(out, "their raise seen", "irq-net-rx-raised", r->net_rx_runs_raised);
	fprintf(out, "<dt>time in them</dt><dd><span class=\"mono\" id=\"irq-net-rx-ns\" data-ns=\"%"
		PRIu64 "\">%s</span></dd>\n", r->net_rx_ns, html_fmt_ns(r->net_rx_ns, t, sizeof(t)));
	kv(out, "softirq events", "irq-softirq-events", r->softirq_events);
	kv(out, "irq_handler events", "irq-irq-events", r->irq_events);
	kv(out, "irq_vectors events", "irq-vector-events", r->vector_events);
	fputs("</dl>\n<h3>Where the NET_RX runs with packets ran</h3>\n", out);
	where_svg(out, r);
	if (r->where_by_stack)
		fprintf(out, "<p class=\"muted\">%" PRIu64 " runs of the trace were told by their entry's"
			" stack; the event rule agreed on %" PRIu64 ".</p>\n", r->where_by_stack,
			r->where_by_stack - r->where_rule_disagreed);

	fputs("<h3>Raise → entry</h3>\n", out);
	stats_svg(out, "irq-raise-to-entry", "NET_RX raise → entry", &r->net_rx_raise_to_entry, true, 0);
	runs_hist_svg(out, "irq-raise-hist", "raise → entry", r, true);
	fputs("<h3>Entry → exit</h3>\n", out);
	stats_svg(out, "irq-duration", "NET_RX entry → exit", &r->net_rx_duration, true, 0);
	runs_hist_svg(out, "irq-duration-hist", "entry → exit", r, false);

	fprintf(out, "<h3>Packets per napi_poll</h3>\n<p><span id=\"irq-polls\">%" PRIu64 "</span> polls"
		" in those runs, <span id=\"irq-poll-packets\">%" PRIu64 "</span> packets, budget "
		"<span id=\"irq-budget\">%u</span>; polls that used the whole budget <span id=\"irq-at-"
		"budget\">%" PRIu64 "</span>, over it <span id=\"irq-over-budget\">%" PRIu64 "</span>."
		"</p>\n", r->polls, r->poll_work, r->budget, r->polls_at_budget, r->polls_over_budget);
	stats_svg(out, "irq-per-poll", "packets per poll", &r->work, false, r->budget);

	fputs("<h3>Who raised them</h3>\n<div class=\"scroll\"><table id=\"irq-raised-by\"><thead><tr>"
	      "<th>raised by</th><th>runs</th><th aria-hidden=\"true\"></th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < shown(res, r->n_from); i++) {
		fputs("<tr><td>", out);
		html_esc(out, r->from[i].label);
		fputs("</td>", out);
		html_count_bar(out, r->from[i].count, r->from[0].count);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);

	fprintf(out, "<h3>Packet events by context</h3>\n<p><span id=\"irq-packet-events\">%" PRIu64
		"</span> packet events; <span id=\"irq-packet-linked\">%" PRIu64 "</span> in softirq "
		"context inside a recorded run; receive events <span id=\"irq-rx-events\">%" PRIu64
		"</span>, inside a run <span id=\"irq-rx-linked\">%" PRIu64 "</span>.</p>\n",
		r->packet_events, r->packet_linked, r->rx_events, r->rx_linked);
	fputs("<div class=\"scroll\"><table id=\"irq-contexts\"><thead><tr><th>context</th>"
	      "<th>events</th><th aria-hidden=\"true\"></th><th>share</th></tr></thead><tbody>\n", out);
	for (int i = 0; i < 4; i++)
		ctx_max = ctx[i] > ctx_max ? ctx[i] : ctx_max;
	for (int i = 0; i < 4; i++) {
		fprintf(out, "<tr><td>%s</td>", ctx_name[i]);
		html_count_bar(out, ctx[i], ctx_max);
		fprintf(out, "<td class=\"num\">%.1f%%</td></tr>\n", pct(ctx[i], r->packet_events));
	}
	fputs("</tbody></table></div>\n", out);

	runs_table(out, res, r);
	fputs("<h3>Hardirqs: device interrupts (irq_handler_entry/exit)</h3>\n", out);
	if (r->n_irqs)
		irq_table(out, res, "irq-handlers", "irq", r->irqs, r->n_irqs, true);
	else
		fputs("<p>None in the trace.</p>\n", out);
	fputs("<h3>Hardirqs: system vectors (irq_vectors: local timer, IPIs, irq_work)</h3>\n", out);
	if (r->n_vectors)
		irq_table(out, res, "irq-system-vectors", "vector", r->vectors, r->n_vectors, false);
	else
		fputs("<p>None in the trace (recorded without <code>--events irq_vectors</code>, or not"
		      " x86).</p>\n", out);
	if (r->exits_unmatched || r->open_at_end || r->raises_pending_at_end || r->irq_exits_unmatched)
		fprintf(out, "<p class=\"muted\">Not paired: %" PRIu64 " softirq exits without their "
			"entry, %" PRIu64 " runs open at the end, %" PRIu64 " raises never entered, %"
			PRIu64 " hardirq exits without their entry (the trace began or ended inside "
			"them).</p>\n", r->exits_unmatched, r->open_at_end, r->raises_pending_at_end,
			r->irq_exits_unmatched);
}
