// SPDX-License-Identifier: GPL-2.0
/*
 * The page's tables: drops, TCP resets and states, journeys, latency
 * (render/html.h).  The rows shown are those of the text and JSON
 * renderers (RR_SHOWN, report.top), so the three agree row for row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "render/html.h"
#include "render/packets_out.h"
#include "render/report_fmt.h"

static void table_begin(FILE *out, const char *id, const char *caption, const char *const *heads)
{
	fprintf(out, "<div class=\"scroll\"><table id=\"%s\">", id);
	if (caption) {
		fputs("<caption>", out);
		html_esc(out, caption);
		fputs("</caption>", out);
	}
	fputs("<thead><tr>", out);
	for (; *heads; heads++)
		fprintf(out, "<th%s>%s</th>", **heads ? "" : " aria-hidden=\"true\"", *heads);
	fputs("</tr></thead><tbody>\n", out);
}

static void table_end(FILE *out)
{
	fputs("</tbody></table></div>\n", out);
}

static void td(FILE *out, const char *s)
{
	fputs("<td>", out);
	html_esc(out, s ? s : "?");
	fputs("</td>", out);
}

void html_drops(FILE *out, const struct report_result *res)
{
	static const char *const reason_heads[] = { "reason", "count", "", NULL };
	static const char *const func_heads[] = { "function", "count", "", NULL };
	static const char *const site_heads[] = { "reason", "location", "count", NULL };
	const struct rr_drops *d = &res->drops;
	uint64_t rest;
	size_t n;

	fprintf(out, "<p><span id=\"drops-total\">%" PRIu64 "</span> packets dropped (kfree_skb).</p>\n",
		d->total);
	if (!d->total)
		return;
	fputs("<h3>By reason</h3>\n", out);
	table_begin(out, "drops-by-reason", NULL, reason_heads);
	n = RR_SHOWN(res, d->reasons, d->n_reasons, struct rr_drop_reason, &rest);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", out);
		td(out, d->reasons[i].name);
		html_count_bar(out, d->reasons[i].count, d->reasons[0].count);
		fputs("</tr>\n", out);
	}
	table_end(out);
	html_more(out, d->n_reasons, n, rest, "drops");

	fputs("<h3>By function</h3>\n", out);
	table_begin(out, "drops-by-function", NULL, func_heads);
	n = RR_SHOWN(res, d->functions, d->n_functions, struct rr_count, &rest);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", out);
		td(out, d->functions[i].label);
		html_count_bar(out, d->functions[i].count, d->functions[0].count);
		fputs("</tr>\n", out);
	}
	table_end(out);
	html_more(out, d->n_functions, n, rest, "drops");

	fputs("<h3>By reason and location</h3>\n", out);
	table_begin(out, "drops-by-site", NULL, site_heads);
	n = RR_SHOWN(res, d->sites, d->n_sites, struct rr_drop_site, &rest);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", out);
		td(out, d->sites[i].reason);
		fputs("<td class=\"mono\">", out);
		html_esc(out, d->sites[i].location ? d->sites[i].location : "?");
		fprintf(out, "</td><td class=\"num\">%" PRIu64 "</td></tr>\n", d->sites[i].count);
	}
	table_end(out);
	html_more(out, d->n_sites, n, rest, "drops");
	if (d->sites_overflow)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " drops at (reason, location) pairs beyond the"
			" table's cap.</p>\n", d->sites_overflow);
}

void html_resets(FILE *out, const struct report_result *res)
{
	static const char *const heads[] = { "reason", "count", "", NULL };
	const struct rr_resets *r = &res->resets;
	uint64_t rest;
	size_t n;

	fprintf(out, "<p><span id=\"resets-sent\">%" PRIu64 "</span> sent (%" PRIu64 " without a"
		" socket), <span id=\"resets-received\">%" PRIu64 "</span> received.</p>\n", r->sent,
		r->sent_no_socket, r->received);
	if (!r->n_reasons)
		return;
	table_begin(out, "resets-by-reason", "Sent, by reason", heads);
	n = RR_SHOWN(res, r->reasons, r->n_reasons, struct rr_count, &rest);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", out);
		td(out, r->reasons[i].label);
		html_count_bar(out, r->reasons[i].count, r->reasons[0].count);
		fputs("</tr>\n", out);
	}
	table_end(out);
	html_more(out, r->n_reasons, n, rest, "resets");
}

void html_states(FILE *out, const struct report_result *res)
{
	static const char *const trans_heads[] = { "from", "to", "count", NULL };
	static const char *const path_heads[] = { "path", "sockets", NULL };
	const struct rr_states *s = &res->states;
	uint64_t rest;
	size_t n;

	fprintf(out, "<p><span id=\"states-total\">%" PRIu64 "</span> state transitions.</p>\n",
		s->total);
	if (!s->n_transitions)
		return;
	table_begin(out, "state-transitions", "Transitions", trans_heads);
	n = RR_SHOWN(res, s->transitions, s->n_transitions, struct rr_transition, &rest);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr>", out);
		td(out, s->transitions[i].from);
		td(out, s->transitions[i].to);
		fprintf(out, "<td class=\"num\">%" PRIu64 "</td></tr>\n", s->transitions[i].count);
	}
	table_end(out);
	html_more(out, s->n_transitions, n, rest, "transitions");

	table_begin(out, "socket-paths", "Socket state paths", path_heads);
	n = RR_SHOWN(res, s->paths, s->n_paths, struct rr_sock_path, &rest);
	for (size_t i = 0; i < n; i++) {
		const struct rr_sock_path *p = &s->paths[i];

		fputs("<tr><td>", out);
		for (size_t k = 0; k < p->n_states; k++) {
			fputs(k ? " → " : "", out);
			html_esc(out, p->states[k] ? p->states[k] : "?");
		}
		fprintf(out, "%s%s</td><td class=\"num\">%" PRIu64 "</td></tr>\n",
			p->cut ? " → …" : "", p->closed ? "" : " <span class=\"muted\">(open at end)</span>",
			p->count);
	}
	table_end(out);
	html_more(out, s->n_paths, n, rest, "sockets");
	if (s->paths_overflow)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " sockets with paths beyond the table's cap."
			"</p>\n", s->paths_overflow);
	if (s->sockets_evicted)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " sockets evicted (too many open at once):"
			" their paths are split.</p>\n", s->sockets_evicted);
}

static void sequence_row(FILE *out, const struct rr_sequence *q, size_t rank)
{
	char buf[32], tuple[160];

	fprintf(out, "<tr><td class=\"num\">%zu</td><td class=\"num\">%" PRIu64 "</td>"
		"<td class=\"fate-%s\">", rank, q->count, q->fate);
	html_esc(out, q->fate);
	if (q->reason) {
		fputc(' ', out);
		html_esc(out, q->reason);
	}
	fputs("</td><td>", out);
	if (q->partial)
		fputs("… → ", out);
	for (size_t k = 0; k < q->n_steps; k++) {
		if (k)
			fprintf(out, " <span class=\"muted\">→%s%s</span> ", q->n_steps > 1 ? " +" : "",
				html_fmt_ns(q->median_ns[k - 1], buf, sizeof(buf)));
		fputs("<code>", out);
		html_esc(out, ns_event_name(q->steps[k]));
		fputs("</code>", out);
	}
	fprintf(out, "%s</td><td>", q->cut ? " → …" : "");
	html_esc(out, packets_tuple_str(&q->example, tuple, sizeof(tuple)));
	fputs("</td></tr>\n", out);
}

void html_journeys(FILE *out, const struct report_result *res)
{
	static const char *const heads[] = { "#", "packets", "fate", "steps (median time between)",
					     "example", NULL };
	static const char *const sirq_heads[] = { "vector", "runs", "", "with packets",
						  "packet events", NULL };
	const struct rr_journeys *j = &res->journeys;
	uint64_t rest, max = 0;
	size_t n;

	fprintf(out, "<p><span id=\"journeys-packets\">%" PRIu64 "</span> packets (<span"
		" id=\"journeys-dropped\">%" PRIu64 "</span> dropped, %" PRIu64 " consumed, %" PRIu64
		" with no free seen), %zu distinct sequences.</p>\n", j->packets, j->dropped,
		j->consumed, j->alive, j->n_seqs);
	if (j->partial)
		fprintf(out, "<p>%" PRIu64 " packets were first seen mid-way (before the capture, or"
			" their first event was lost).</p>\n", j->partial);
	if (j->split)
		fprintf(out, "<p>%" PRIu64 " packet ids carried another TCP segment later (skb freed"
			" without a tracepoint and reused): split into new journeys.</p>\n", j->split);
	if (j->events_without_id)
		fprintf(out, "<p class=\"warn\">%" PRIu64 " events with an skb but no packet id.</p>\n",
			j->events_without_id);
	if (j->n_seqs) {
		table_begin(out, "journey-sequences", NULL, heads);
		n = RR_SHOWN(res, j->seqs, j->n_seqs, struct rr_sequence, &rest);
		for (size_t i = 0; i < n; i++)
			sequence_row(out, &j->seqs[i], i + 1);
		table_end(out);
		html_more(out, j->n_seqs, n, rest, "packets");
	}
	if (!j->n_softirqs)
		return;
	fputs("<h3>Softirq runs and the packet events they contain</h3>\n", out);
	for (size_t i = 0; i < j->n_softirqs; i++)
		max = j->softirqs[i].runs > max ? j->softirqs[i].runs : max;
	table_begin(out, "softirq-runs", NULL, sirq_heads);
	for (size_t i = 0; i < j->n_softirqs; i++) {
		fputs("<tr>", out);
		td(out, j->softirqs[i].vec);
		html_count_bar(out, j->softirqs[i].runs, max);
		fprintf(out, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64 "</td></tr>\n",
			j->softirqs[i].runs_with_packets, j->softirqs[i].packet_events);
	}
	table_end(out);
}

static void stats_row(FILE *out, const char *from, const char *to, const struct latency_stats *s)
{
	char a[32], b[32], c[32], d[32], e[32];

	fputs("<tr>", out);
	td(out, from);
	td(out, to);
	fprintf(out, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%s</td><td class=\"num\">%s"
		"</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
		s->count, html_fmt_ns(s->min_ns, a, sizeof(a)), html_fmt_ns(s->p50_ns, b, sizeof(b)),
		html_fmt_ns(s->p90_ns, c, sizeof(c)), html_fmt_ns(s->p99_ns, d, sizeof(d)),
		html_fmt_ns(s->max_ns, e, sizeof(e)));
}

void html_latency(FILE *out, const struct report_result *res)
{
	static const char *const heads[] = { "from", "to", "count", "min", "p50", "p90", "p99", "max",
					     NULL };
	const struct latency_result *l = &res->latency;

	fprintf(out, "<p>%" PRIu64 " packets followed, %" PRIu64 " reached their end; percentiles"
		" within +%.1f%% of exact.</p>\n", l->packets, l->ended, 100 * l->rel_error);
	if (!l->n_pairs && !l->total.count)
		return;
	table_begin(out, "latency-stages", NULL, heads);
	for (size_t i = 0; i < l->n_pairs; i++)
		stats_row(out, l->pairs[i].from, l->pairs[i].to, &l->pairs[i].gap);
	if (l->total.count)
		stats_row(out, "first event", "end", &l->total);
	if (l->total_dropped.count)
		stats_row(out, "first event", "drop", &l->total_dropped);
	if (l->total_consumed.count)
		stats_row(out, "first event", "consume", &l->total_consumed);
	table_end(out);
}

void html_counters(FILE *out, const struct report_result *res)
{
	const struct counters_result *c = &res->counters;

	if (!c->n_ns) {
		fputs("<p>The trace has no counter snapshots (they are taken for the lab"
		      " namespaces).</p>\n", out);
		return;
	}
	for (size_t i = 0; i < c->n_ns; i++) {
		const struct counters_netns *ns = &c->ns[i];

		fputs("<h3>Namespace ", out);
		html_esc(out, ns->label);
		fprintf(out, ": %zu counters changed</h3>\n", ns->n_changed);
		if (ns->error) {
			fputs("<p class=\"warn\">", out);
			html_esc(out, ns->error);
			fputs("</p>\n", out);
		}
		if (!ns->n_rows)
			continue;
		fprintf(out, "<div class=\"scroll\"><table id=\"counters-%zu\"><thead><tr><th>counter</th>"
			"<th>before</th><th>after</th><th>change</th><th>what increments it</th></tr>"
			"</thead><tbody>\n", i);
		for (size_t k = 0; k < ns->n_rows; k++) {
			const struct counters_row *r = &ns->rows[k];

			fputs("<tr><td class=\"mono\">", out);
			html_esc_n(out, r->group, sizeof(r->group));
			fputc('.', out);
			html_esc_n(out, r->name, sizeof(r->name));
			fprintf(out, "</td><td class=\"num\">%" PRId64 "</td><td class=\"num\">%" PRId64
				"</td><td class=\"num\">%+" PRId64 "</td><td>", r->before, r->after, r->delta);
			html_esc(out, r->why);
			fputs("</td></tr>\n", out);
		}
		fputs("</tbody></table></div>\n", out);
	}
}
