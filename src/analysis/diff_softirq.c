// SPDX-License-Identifier: GPL-2.0
/*
 * The diff's interrupt sections (analysis/diff.h), from the interrupts
 * view's result (RR_PART_SOFTIRQ, analysis/result_softirq.h): NET_RX runs
 * and where they ran, their raise → entry and entry → exit percentiles,
 * packets per napi_poll against the budget, and hardirqs per handler and
 * system vector.  A trace recorded without softirq events adds no rows:
 * its zeros would say "none happened", which the trace does not know.
 */
#include <math.h>
#include <stdio.h>
#include "analysis/diff_build.h"

static const char *const where_row[SIRQ_WHERE__COUNT] = {
	[SIRQ_WHERE_TASK] = "ran in a task (local_bh_enable)",
	[SIRQ_WHERE_IRQ_EXIT] = "ran at a hardirq's exit",
	[SIRQ_WHERE_KSOFTIRQD] = "ran in ksoftirqd",
};

static double share_of(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / whole : NAN;
}

void diff_fill_net_rx(struct diff_build *sb, int side, const struct report_result *rr)
{
	const struct softirq_result *r = &rr->softirq;
	uint64_t with = r->net_rx_runs_with_packets;
	char what[96];

	if (!r->softirq_events)
		return;
	diff_add(sb, side, "NET_RX runs", NULL, r->net_rx_runs, NAN);
	diff_add(sb, side, "NET_RX runs with packets", NULL, with, share_of(with, r->net_rx_runs));
	diff_add(sb, side, "runs with packets whose raise was seen", NULL, r->net_rx_runs_raised,
		 share_of(r->net_rx_runs_raised, with));
	/* where they ran, as shares of the runs with packets: the view's "where" */
	for (int w = 0; w < SIRQ_WHERE__COUNT; w++)
		diff_add(sb, side, where_row[w], NULL, r->net_rx_where[w],
			 share_of(r->net_rx_where[w], with));
	for (size_t i = 0; i < r->n_from; i++) {
		snprintf(what, sizeof(what), "raised by %s", r->from[i].label);
		diff_add(sb, side, what, NULL, r->from[i].count, share_of(r->from[i].count, with));
	}
	diff_add(sb, side, "napi polls in those runs", NULL, r->polls, NAN);
	diff_add(sb, side, "packets of those polls", NULL, r->poll_work, NAN);
	diff_add(sb, side, "polls that used the whole budget", NULL, r->polls_at_budget,
		 share_of(r->polls_at_budget, r->polls));
	diff_add(sb, side, "polls over the budget", NULL, r->polls_over_budget,
		 share_of(r->polls_over_budget, r->polls));
	diff_add(sb, side, "receive events", NULL, r->rx_events, NAN);
	diff_add(sb, side, "receive events inside a run", NULL, r->rx_linked,
		 share_of(r->rx_linked, r->rx_events));
	diff_add(sb, side, "packet events in task context", NULL, r->packet_task,
		 share_of(r->packet_task, r->packet_events));
	diff_add(sb, side, "packet events in softirq context", NULL, r->packet_softirq,
		 share_of(r->packet_softirq, r->packet_events));
	diff_add(sb, side, "packet events in hardirq context", NULL, r->packet_hardirq,
		 share_of(r->packet_hardirq, r->packet_events));
}

static void stats_rows(struct diff_build *sb, int side, const char *what,
		       const struct latency_stats *st)
{
	if (!st->count)
		return;
	diff_add(sb, side, what, "p50", st->p50_ns, NAN);
	diff_add(sb, side, what, "p90", st->p90_ns, NAN);
	diff_add(sb, side, what, "p99", st->p99_ns, NAN);
	diff_add(sb, side, what, "max", st->max_ns, NAN);
}

void diff_fill_softirq_times(struct diff_build *sb, int side, const struct report_result *rr)
{
	const struct softirq_result *r = &rr->softirq;

	if (!r->softirq_events)
		return;
	if (r->rel_error > sb->lat_err)
		sb->lat_err = r->rel_error;
	stats_rows(sb, side, "NET_RX raise → entry", &r->net_rx_raise_to_entry);
	stats_rows(sb, side, "NET_RX entry → exit", &r->net_rx_duration);
}

void diff_fill_napi_polls(struct diff_build *sb, int side, const struct report_result *rr)
{
	const struct softirq_result *r = &rr->softirq;

	if (!r->softirq_events || !r->polls)
		return;
	/* the per-poll percentiles come from the same histograms as the times */
	if (r->rel_error > sb->lat_err)
		sb->lat_err = r->rel_error;
	diff_add(sb, side, "packets per poll", "mean", (double)r->poll_work / r->polls, NAN);
	diff_add(sb, side, "packets per poll", "p50", r->work.p50_ns, NAN);
	diff_add(sb, side, "packets per poll", "p90", r->work.p90_ns, NAN);
	diff_add(sb, side, "packets per poll", "p99", r->work.p99_ns, NAN);
	diff_add(sb, side, "packets per poll", "max", r->work.max_ns, NAN);
	diff_add(sb, side, "budget", NULL, r->budget, NAN);
}

void diff_fill_hardirqs(struct diff_build *sb, int side, const struct report_result *rr)
{
	const struct softirq_result *r = &rr->softirq;
	char what[96];

	if (!r->irq_events && !r->vector_events)
		return;
	/* names, not irq numbers: a device's irq number can change between boots */
	for (size_t i = 0; i < r->n_irqs; i++) {
		snprintf(what, sizeof(what), "irq %s", r->irqs[i].name);
		diff_add(sb, side, what, NULL, r->irqs[i].count, NAN);
		snprintf(what, sizeof(what), "NET_RX raised in irq %s", r->irqs[i].name);
		if (r->irqs[i].raised_net_rx)
			diff_add(sb, side, what, NULL, r->irqs[i].raised_net_rx, NAN);
	}
	for (size_t i = 0; i < r->n_vectors; i++) {
		snprintf(what, sizeof(what), "vector %s", r->vectors[i].name);
		diff_add(sb, side, what, NULL, r->vectors[i].count, NAN);
	}
}
