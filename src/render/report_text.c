// SPDX-License-Identifier: GPL-2.0
/* The report as text for people.  Reads only the result (analysis/result.h). */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "analysis/result.h"
#include "render/report.h"
#include "render/report_fmt.h"

#define S(x) ((x) ? (x) : "?")

static const char *fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
	return buf;
}

static const char *fmt_rate(double rate, char *buf, size_t len)
{
	if (isnan(rate))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", rate);
	return buf;
}

static void more(FILE *out, size_t n, size_t shown, uint64_t count, const char *unit)
{
	if (n > shown)
		fprintf(out, "    ... %zu more rows, %" PRIu64 " %s (--top to see them)\n", n - shown,
			count, unit);
}

/* events grouped by their attach method: "tp_btf: net_dev_queue kfree_skb ..." */
static void print_methods(const struct rr_capture *c, FILE *out)
{
	bool first = true;

	for (size_t i = 0; i < c->n_methods; i++) {
		const char *m = c->methods[i].value;
		size_t k, col;

		for (k = 0; k < i; k++)
			if (!strcmp(c->methods[k].value, m))
				break;
		if (k < i)
			continue; /* this method's line is printed already */
		col = fprintf(out, "  %-12s %s:", first ? "per event" : "", m);
		first = false;
		for (k = i; k < c->n_methods; k++) {
			if (strcmp(c->methods[k].value, m))
				continue;
			if (col + 1 + strlen(c->methods[k].key) > 100)
				col = fprintf(out, "\n  %-12s   ", "") - 1;
			col += fprintf(out, " %s", c->methods[k].key);
		}
		fputc('\n', out);
	}
}

static void print_capture(const struct report_result *res, FILE *out)
{
	const struct rr_capture *c = &res->capture;
	char buf[32];

	fprintf(out, "capture\n");
	fprintf(out, "  %-12s %s\n", "kernel", S(c->kernel));
	fprintf(out, "  %-12s %s\n", "host", S(c->host));
	if (c->scenario)
		fprintf(out, "  %-12s %s\n", "scenario", c->scenario);
	fprintf(out, "  %-12s %s\n", "method", c->method ? c->method : "unknown: trace does not say");
	print_methods(c, out);
	fprintf(out, "  %-12s %s\n", "filter", c->filter ? c->filter : "none recorded");
	fprintf(out, "  %-12s %s (events from %.6f to %.6f s, CLOCK_MONOTONIC)\n", "span",
		fmt_ns(c->span_ns, buf, sizeof(buf)), c->first_ts / 1e9, c->last_ts / 1e9);
	if (!c->n_other)
		return;
	int w = 0;

	for (size_t i = 0; i < c->n_other; i++)
		if ((int)strlen(c->other[i].key) > w)
			w = strlen(c->other[i].key);
	fprintf(out, "  metadata\n");
	for (size_t i = 0; i < c->n_other; i++)
		fprintf(out, "    %-*s  %s\n", w, c->other[i].key, c->other[i].value);
}

static void print_lost(const struct report_result *res, FILE *out)
{
	const struct rr_lost *l = &res->lost;

	fprintf(out, "\nlost events\n");
	if (l->truncated)
		fprintf(out, "  !! TRUNCATED: the trace ends early; this report covers the %" PRIu64
			" events read\n", l->read);
	if (!l->have_stats) {
		fprintf(out, "  unknown: trace has no stats\n");
		return;
	}
	if (l->lost)
		fprintf(out, "  !! LOST %" PRIu64 " of %" PRIu64 " produced events (%.2f%%): the ring"
			" buffer was full; counts below are lower bounds\n",
			l->lost, l->produced, l->produced ? 100.0 * l->lost / l->produced : 100.0);
	else
		fprintf(out, "  none: %" PRIu64 " produced, %" PRIu64 " captured, 0 lost\n",
			l->produced, l->captured);
	if (l->lost) {
		fprintf(out, "  %10s %10s %10s  %s\n", "produced", "captured", "lost", "event");
		for (unsigned int t = 0; t < NS_EV__COUNT; t++)
			if (l->stats.produced[t] || l->stats.captured[t] || l->stats.lost[t])
				fprintf(out, "  %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "  %s\n",
					l->stats.produced[t], l->stats.captured[t], l->stats.lost[t],
					ns_event_name(t));
	}
	if (l->stats.writer_dropped)
		fprintf(out, "  !! %" PRIu64 " captured events were not written: the trace writer fell"
			" behind; counts below are lower bounds\n", l->stats.writer_dropped);
	if (l->stats.writer_stalls)
		fprintf(out, "  the ring consumer waited %" PRIu64 " times for the trace writer (%.1f ms"
			" in all)\n", l->stats.writer_stalls, l->stats.writer_stall_ns / 1e6);
	if (l->stats.stack_err)
		fprintf(out, "  !! %" PRIu64 " stacks could not be taken (stack map full or"
			" collisions)\n", l->stats.stack_err);
	if (l->stats.ids_evicted)
		fprintf(out, "  !! %" PRIu64 " packet ids lost (the capture's id table was full):"
			" those events have no packet id\n", l->stats.ids_evicted);
	/* record --snaplen: what the trace kept of the packets themselves */
	if (l->stats.payload_produced || l->stats.payload_captured)
		fprintf(out, "  packet bytes: %" PRIu64 " packets captured, %" PRIu64 " of them cut by"
			" the skb's linear area; %" PRIu64 " lost, %" PRIu64 " without their packet\n",
			l->stats.payload_captured, l->stats.payload_cut, l->stats.payload_lost,
			l->stats.payload_unmatched);
}

static void print_events(const struct report_result *res, FILE *out)
{
	const struct rr_events *e = &res->events;
	char buf[32], rbuf[32];

	fprintf(out, "\nevents: %" PRIu64 " in %s (%s/s)\n", e->total,
		fmt_ns(res->capture.span_ns, buf, sizeof(buf)), fmt_rate(e->rate, rbuf, sizeof(rbuf)));
	if (!e->n_order)
		return;
	fprintf(out, "  %10s %12s  %s\n", "count", "rate/s", "event");
	for (size_t i = 0; i < e->n_order; i++) {
		unsigned int t = e->order[i];

		fprintf(out, "  %10" PRIu64 " %12s  %s\n", e->count[t],
			fmt_rate(e->rates[t], rbuf, sizeof(rbuf)),
			t == RR_TYPE_UNKNOWN ? "unknown event types" : ns_event_name(t));
	}
}

static void print_drops(const struct report_result *res, FILE *out)
{
	const struct rr_drops *d = &res->drops;
	uint64_t rest;
	size_t n;

	fprintf(out, "\ndrops: %" PRIu64 " (kfree_skb)\n", d->total);
	if (!d->total)
		return;
	fprintf(out, "  by reason\n  %10s  %s\n", "count", "reason");
	n = RR_SHOWN(res, d->reasons, d->n_reasons, struct rr_drop_reason, &rest);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %10" PRIu64 "  %s\n", d->reasons[i].count, S(d->reasons[i].name));
	more(out, d->n_reasons, n, rest, "drops");

	fprintf(out, "  by function\n  %10s  %s\n", "count", "function");
	n = RR_SHOWN(res, d->functions, d->n_functions, struct rr_count, &rest);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %10" PRIu64 "  %s\n", d->functions[i].count, S(d->functions[i].label));
	more(out, d->n_functions, n, rest, "drops");

	fprintf(out, "  by reason and location\n  %10s  %-24s %s\n", "count", "reason", "location");
	n = RR_SHOWN(res, d->sites, d->n_sites, struct rr_drop_site, &rest);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %10" PRIu64 "  %-24s %s\n", d->sites[i].count, S(d->sites[i].reason),
			S(d->sites[i].location));
	more(out, d->n_sites, n, rest, "drops");
	if (d->sites_overflow)
		fprintf(out, "  !! %" PRIu64 " drops at (reason, location) pairs beyond the table cap\n",
			d->sites_overflow);
}

static void print_resets(const struct report_result *res, FILE *out)
{
	const struct rr_resets *r = &res->resets;
	uint64_t rest;
	size_t n;

	fprintf(out, "\nTCP resets: %" PRIu64 " sent (%" PRIu64 " without a socket), %" PRIu64
		" received\n", r->sent, r->sent_no_socket, r->received);
	if (!r->n_reasons)
		return;
	fprintf(out, "  sent by reason\n  %10s  %s\n", "count", "reason");
	n = RR_SHOWN(res, r->reasons, r->n_reasons, struct rr_count, &rest);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %10" PRIu64 "  %s\n", r->reasons[i].count, S(r->reasons[i].label));
	more(out, r->n_reasons, n, rest, "resets");
}

static void print_states(const struct report_result *res, FILE *out)
{
	const struct rr_states *s = &res->states;
	uint64_t rest;
	size_t n;

	fprintf(out, "\nTCP state transitions: %" PRIu64 "\n", s->total);
	if (!s->n_transitions)
		return;
	fprintf(out, "  %10s  %s\n", "count", "transition");
	n = RR_SHOWN(res, s->transitions, s->n_transitions, struct rr_transition, &rest);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %10" PRIu64 "  %s -> %s\n", s->transitions[i].count,
			S(s->transitions[i].from), S(s->transitions[i].to));
	more(out, s->n_transitions, n, rest, "transitions");

	fprintf(out, "  socket state paths\n  %10s  %s\n", "sockets", "path");
	n = RR_SHOWN(res, s->paths, s->n_paths, struct rr_sock_path, &rest);
	for (size_t i = 0; i < n; i++) {
		const struct rr_sock_path *p = &s->paths[i];

		fprintf(out, "  %10" PRIu64 "  ", p->count);
		for (size_t k = 0; k < p->n_states; k++)
			fprintf(out, "%s%s", k ? " -> " : "", S(p->states[k]));
		fprintf(out, "%s%s\n", p->cut ? " -> ..." : "", p->closed ? "" : "  (open at end)");
	}
	more(out, s->n_paths, n, rest, "sockets");
	if (s->paths_overflow)
		fprintf(out, "  !! %" PRIu64 " sockets with paths beyond the table cap\n", s->paths_overflow);
	if (s->sockets_evicted)
		fprintf(out, "  !! %" PRIu64 " sockets evicted (too many open at once): their paths"
			" are split\n", s->sockets_evicted);
}

static void print_sequence(const struct rr_sequence *q, size_t rank, FILE *out)
{
	char buf[32];

	fprintf(out, "  #%-3zu %" PRIu64 " packet%s, %s%s%s%s\n", rank, q->count,
		q->count == 1 ? "" : "s",
		strcmp(q->fate, "alive") ? q->fate : "alive (no free seen)",
		q->reason ? " " : "", q->reason ? q->reason : "",
		q->partial ? " (first event not seen)" : "");
	fprintf(out, "       %s", q->partial ? "... → " : "");
	for (size_t k = 0; k < q->n_steps; k++)
		fprintf(out, "%s%s", k ? " → " : "", rr_step_name(q, k));
	fprintf(out, "%s\n", q->cut ? " → ..." : "");
	if (q->n_steps > 1) {
		fprintf(out, "       median step times%s:", q->median_sampled ? " (of a sample)" : "");
		for (size_t k = 0; k + 1 < q->n_steps; k++)
			fprintf(out, " +%s", fmt_ns(q->median_ns[k], buf, sizeof(buf)));
		fputc('\n', out);
	}
	if (q->example.valid) {
		const struct rr_tuple *t = &q->example;

		fprintf(out, "       example: %s", t->proto);
		if (!t->src[0])
			; /* not IP: no addresses */
		else if (t->has_ports)
			fprintf(out, strchr(t->src, ':') ? " [%s]:%u → [%s]:%u" : " %s:%u → %s:%u",
				t->src, t->sport, t->dst, t->dport);
		else
			fprintf(out, " %s → %s", t->src, t->dst);
		if (t->tcp_flags[0])
			fprintf(out, " [%s]", t->tcp_flags);
		if (t->ifname[0])
			fprintf(out, " on %s", t->ifname);
		fputc('\n', out);
	}
	for (size_t k = 0; k < q->n_linked; k++)
		fprintf(out, "       %s %" PRIu64 "× %s\n", k ? "      " : "linked:", q->linked[k].count,
			S(q->linked[k].label));
}

static void print_journeys(const struct report_result *res, FILE *out)
{
	const struct rr_journeys *j = &res->journeys;
	char buf[32];
	uint64_t rest;
	size_t n;

	fprintf(out, "\npacket journeys: %" PRIu64 " packets (%" PRIu64 " dropped, %" PRIu64
		" consumed, %" PRIu64 " with no free seen), %zu distinct sequences\n",
		j->packets, j->dropped, j->consumed, j->alive, j->n_seqs);
	if (j->partial)
		fprintf(out, "  %" PRIu64 " packets were first seen mid-way (before the capture, or"
			" their first event was lost)\n", j->partial);
	if (j->evicted)
		fprintf(out, "  %" PRIu64 " packets closed early as not freed (too many followed at"
			" once: the one idle longest goes)\n", j->evicted);
	if (j->split)
		fprintf(out, "  %" PRIu64 " packet ids carried another TCP segment later (skb freed by a"
			" path without a tracepoint, e.g. __kfree_skb(), and reused): split into new"
			" journeys\n", j->split);
	if (j->events_without_id)
		fprintf(out, "  !! %" PRIu64 " events with an skb but no packet id\n", j->events_without_id);
	n = RR_SHOWN(res, j->seqs, j->n_seqs, struct rr_sequence, &rest);
	for (size_t i = 0; i < n; i++)
		print_sequence(&j->seqs[i], i + 1, out);
	more(out, j->n_seqs, n, rest, "packets");
	callpaths_print_steps(res, n, out);
	if (j->overflow_packets)
		fprintf(out, "  other: %" PRIu64 " packets whose sequence did not fit the table\n",
			j->overflow_packets);

	if (j->n_by_socket) {
		fprintf(out, "  events linked to packets by socket (within %s)\n",
			fmt_ns(j->link_window_ns, buf, sizeof(buf)));
		fprintf(out, "  %10s %10s  %s\n", "linked", "unlinked", "event");
		for (size_t i = 0; i < j->n_by_socket; i++)
			fprintf(out, "  %10" PRIu64 " %10" PRIu64 "  %s\n", j->by_socket[i].linked,
				j->by_socket[i].unlinked, ns_event_name(j->by_socket[i].type));
	}
	if (j->n_softirqs) {
		fprintf(out, "  softirq runs and the packet events they contain (same CPU, between"
			" entry and exit)\n");
		fprintf(out, "  %10s %12s %14s  %s\n", "runs", "with packets", "packet events", "vector");
		for (size_t i = 0; i < j->n_softirqs; i++)
			fprintf(out, "  %10" PRIu64 " %12" PRIu64 " %14" PRIu64 "  %s\n", j->softirqs[i].runs,
				j->softirqs[i].runs_with_packets, j->softirqs[i].packet_events,
				S(j->softirqs[i].vec));
	}
	if (j->softirq_unmatched)
		fprintf(out, "  %" PRIu64 " softirq entries or exits without their pair\n",
			j->softirq_unmatched);
}

void render_report_text(const struct report_result *res, FILE *out)
{
	if (!res)
		return;
	if (res->parts & RR_PART_COUNTS) {
		print_capture(res, out);
		print_lost(res, out);
		print_events(res, out);
	}
	if (res->parts & RR_PART_DROPS)
		print_drops(res, out);
	if (res->parts & RR_PART_TCP) {
		print_resets(res, out);
		print_states(res, out);
	}
	if (res->parts & RR_PART_JOURNEYS)
		print_journeys(res, out);
	if (res->parts & RR_PART_CALLPATHS)
		callpaths_print_text(res, out);
}
