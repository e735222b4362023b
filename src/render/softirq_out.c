// SPDX-License-Identifier: GPL-2.0
/* The "interrupts" view: softirq runs and hardirqs, text or JSON, from the result only. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include "render/latency_out.h"
#include "render/softirq_out.h"

static const char *const where_text[SIRQ_WHERE__COUNT] = {
	[SIRQ_WHERE_TASK] = "in a task at local_bh_enable",
	[SIRQ_WHERE_IRQ_EXIT] = "on hardirq exit",
	[SIRQ_WHERE_KSOFTIRQD] = "in ksoftirqd",
};

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * part / whole : 0;
}

static void stats_text(FILE *out, const char *label, const struct latency_stats *s)
{
	char a[16], b[16], c[16], d[16], e[16];

	fprintf(out, "  %-16s n=%-7" PRIu64, label, s->count);
	if (s->count)
		fprintf(out, " min %-7s p50 %-7s p90 %-7s p99 %-7s max %s",
			latency_fmt_ns(s->min_ns, a, sizeof(a)), latency_fmt_ns(s->p50_ns, b, sizeof(b)),
			latency_fmt_ns(s->p90_ns, c, sizeof(c)), latency_fmt_ns(s->p99_ns, d, sizeof(d)),
			latency_fmt_ns(s->max_ns, e, sizeof(e)));
	fputc('\n', out);
}

void softirq_print_net_rx(FILE *out, const struct softirq_result *r, unsigned int top)
{
	char t[16];

	if (top == UINT_MAX)
		top = 0;
	if (!r->softirq_events) {
		fprintf(out, "no softirq events in the trace; " SOFTIRQ_HOW_TO_RECORD "\n");
		return;
	}
	fprintf(out, "NET_RX runs that carried packets: %" PRIu64 " of %" PRIu64 " NET_RX runs "
		"in the trace, %s in all\n", r->net_rx_runs_with_packets, r->net_rx_runs,
		latency_fmt_ns(r->net_rx_ns, t, sizeof(t)));
	fprintf(out, "  where they ran:");
	for (int w = 0; w < SIRQ_WHERE__COUNT; w++)
		fprintf(out, "%s %s %" PRIu64, w ? "," : "", where_text[w], r->net_rx_where[w]);
	fputc('\n', out);
	if (r->where_by_stack)
		fprintf(out, "  (%" PRIu64 " runs of the trace told by their entry's stack: the event rule "
			"agreed on %" PRIu64 ")\n", r->where_by_stack,
			r->where_by_stack - r->where_rule_disagreed);
	stats_text(out, "raise → entry", &r->net_rx_raise_to_entry);
	stats_text(out, "entry → exit", &r->net_rx_duration);
	if (r->net_rx_runs_with_packets > r->net_rx_runs_raised)
		fprintf(out, "  %" PRIu64 " runs without their raise in the trace (raised before it "
			"began%s)\n", r->net_rx_runs_with_packets - r->net_rx_runs_raised,
			r->have_raise ? "" : ", or recorded without softirq_raise");
	fprintf(out, "  raised by:\n");
	for (size_t i = 0; i < r->n_from && (!top || i < top); i++)
		fprintf(out, "    %8" PRIu64 "  %s\n", r->from[i].count, r->from[i].label);
	fprintf(out, "\npackets per napi_poll: %" PRIu64 " polls in those runs, %" PRIu64
		" packets, budget %u\n", r->polls, r->poll_work, r->budget);
	if (r->work.count)
		fprintf(out, "  per poll: min %" PRIu64 " p50 %" PRIu64 " p90 %" PRIu64 " p99 %" PRIu64
			" max %" PRIu64 "; polls that used the whole budget %" PRIu64
			" (over it: %" PRIu64 ")\n", r->work.min_ns, r->work.p50_ns, r->work.p90_ns,
			r->work.p99_ns, r->work.max_ns, r->polls_at_budget, r->polls_over_budget);
	fprintf(out, "  receive events %" PRIu64 ": in softirq context %" PRIu64 ", inside a run %"
		PRIu64 ", counted by a poll %" PRIu64 "\n", r->rx_events, r->rx_softirq, r->rx_linked,
		r->rx_in_polls);
	fprintf(out, "\npacket events by context: %" PRIu64 " in all; task %" PRIu64 " (%.1f%%), "
		"softirq %" PRIu64 " (%.1f%%), hardirq %" PRIu64 " (%.1f%%)\n", r->packet_events,
		r->packet_task, pct(r->packet_task, r->packet_events), r->packet_softirq,
		pct(r->packet_softirq, r->packet_events), r->packet_hardirq,
		pct(r->packet_hardirq, r->packet_events));
	fprintf(out, "  in softirq context and inside a recorded run: %" PRIu64 "\n",
		r->packet_linked);
}

static void irq_table(FILE *out, const struct sirq_irq *rows, size_t n, const char *num,
		      bool raised, unsigned int top)
{
	char a[16], b[16], c[16];

	fprintf(out, "  %-24s %6s %8s %9s %9s %9s%s\n", "name", num, "count", "p50", "p99", "max",
		raised ? "  NET_RX raised" : "");
	for (size_t i = 0; i < n && (!top || i < top); i++) {
		fprintf(out, "  %-24s %6d %8" PRIu64 " %9s %9s %9s", rows[i].name, rows[i].irq,
			rows[i].count, latency_fmt_ns(rows[i].duration.p50_ns, a, sizeof(a)),
			latency_fmt_ns(rows[i].duration.p99_ns, b, sizeof(b)),
			latency_fmt_ns(rows[i].duration.max_ns, c, sizeof(c)));
		if (raised)
			fprintf(out, "  %" PRIu64, rows[i].raised_net_rx);
		fputc('\n', out);
	}
	if (top && n > top)
		fprintf(out, "  %zu more rows (--top 0 shows all)\n", n - top);
}

void softirq_print_hardirqs(FILE *out, const struct softirq_result *r, unsigned int top)
{
	if (top == UINT_MAX)
		top = 0;
	fprintf(out, "device interrupts (irq_handler_entry/exit): %" PRIu64 " events\n",
		r->irq_events);
	if (r->n_irqs)
		irq_table(out, r->irqs, r->n_irqs, "irq", true, top);
	else
		fprintf(out, "  none%s\n", r->irq_events ? "" :
			" (none happened, or the trace was recorded without --events irq)");
	fprintf(out, "system vectors (irq_vectors: local timer, IPIs, irq_work): %" PRIu64
		" events\n", r->vector_events);
	if (r->n_vectors)
		irq_table(out, r->vectors, r->n_vectors, "vector", false, top);
	else
		fprintf(out, "  none (recorded without --events irq_vectors, or the kernel has "
			"no such tracepoints: x86 only)\n");
	if (r->irq_exits_unmatched)
		fprintf(out, "  %" PRIu64 " hardirq exits without their entry (begun before the "
			"trace)\n", r->irq_exits_unmatched);
}

void softirq_print_text(FILE *out, const struct softirq_result *r, unsigned int top)
{
	char a[16], b[16], c[16], d[16];

	if (top == UINT_MAX)
		top = 0;
	softirq_print_net_rx(out, r, top);
	if (!r->softirq_events)
		return;
	fputc('\n', out);
	softirq_print_rx_paths(out, r, top);
	fprintf(out, "\nsoftirq runs per vector and CPU (the vectors recorded: --softirq)\n");
	fprintf(out, "  %-8s %4s %8s %8s %6s %8s %9s  %-19s %-19s\n", "vector", "cpu", "runs",
		"w/pkts", "task", "irq_exit", "ksoftirqd", "raise→entry p50/max",
		"entry→exit p50/max");
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct sirq_row *w = &r->rows[i];

		fprintf(out, "  %-8s %4u %8" PRIu64 " %8" PRIu64 " %6" PRIu64 " %8" PRIu64 " %9" PRIu64
			"  %8s/%-10s %8s/%-10s\n", w->vec, w->cpu, w->runs, w->runs_with_packets,
			w->where[SIRQ_WHERE_TASK], w->where[SIRQ_WHERE_IRQ_EXIT],
			w->where[SIRQ_WHERE_KSOFTIRQD],
			w->raise_to_entry.count ? latency_fmt_ns(w->raise_to_entry.p50_ns, a, sizeof(a)) : "-",
			w->raise_to_entry.count ? latency_fmt_ns(w->raise_to_entry.max_ns, b, sizeof(b)) : "-",
			latency_fmt_ns(w->duration.p50_ns, c, sizeof(c)),
			latency_fmt_ns(w->duration.max_ns, d, sizeof(d)));
	}
	fputc('\n', out);
	softirq_print_hardirqs(out, r, top);
	fprintf(out, "percentiles are bucket upper bounds, at most %.1f%% above the exact value\n",
		r->rel_error * 100);
	if (r->exits_unmatched || r->open_at_end)
		fprintf(out, "%" PRIu64 " softirq exits without their entry, %" PRIu64 " entries "
			"without their exit (begun before or still running at the end of the trace)\n",
			r->exits_unmatched, r->open_at_end);
	if (r->rows_overflow)
		fprintf(out, "warning: %" PRIu64 " runs and hardirqs beyond the row tables: not in "
			"them\n", r->rows_overflow);
	if (r->runs_not_kept)
		fprintf(out, "%" PRIu64 " runs with packets not listed one by one (JSON keeps the "
			"first %zu)\n", r->runs_not_kept, r->n_runs);
}

static void stats_json(struct json_writer *w, const char *key, const struct latency_stats *s)
{
	json_key(w, key);
	json_obj_begin(w);
	json_kv_u64(w, "count", s->count);
	json_kv_u64(w, "min_ns", s->min_ns);
	json_kv_u64(w, "p50_ns", s->p50_ns);
	json_kv_u64(w, "p90_ns", s->p90_ns);
	json_kv_u64(w, "p99_ns", s->p99_ns);
	json_kv_u64(w, "max_ns", s->max_ns);
	json_obj_end(w);
}

static void where_json(struct json_writer *w, const char *key, const uint64_t *where)
{
	json_key(w, key);
	json_obj_begin(w);
	for (int i = 0; i < SIRQ_WHERE__COUNT; i++)
		json_kv_u64(w, sirq_where_name(i), where[i]);
	json_obj_end(w);
}

static void irqs_json(struct json_writer *w, const char *key, const struct sirq_irq *rows,
		      size_t n, const char *num)
{
	json_key(w, key);
	json_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "name", rows[i].name);
		json_kv_i64(w, num, rows[i].irq);
		json_kv_u64(w, "count", rows[i].count);
		stats_json(w, "duration", &rows[i].duration);
		json_kv_u64(w, "raised_net_rx", rows[i].raised_net_rx);
		json_obj_end(w);
	}
	json_arr_end(w);
}

static void runs_json(struct json_writer *w, const struct softirq_result *r)
{
	json_key(w, "runs");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_runs; i++) {
		const struct sirq_run *x = &r->runs[i];

		json_obj_begin(w);
		json_kv_u64(w, "cpu", x->cpu);
		json_kv_u64(w, "vec", x->vec_nr);
		json_kv_str(w, "where", sirq_where_name(x->where));
		json_kv_str(w, "where_from", x->where_by_stack ? "stack" : "events");
		json_kv_str(w, "comm", x->comm);
		json_kv_str(w, "raised_by", x->from);
		json_key(w, "raise_to_entry_ns");
		if (x->raised)
			json_u64(w, x->raise_ns);
		else
			json_null(w);
		json_kv_u64(w, "entry_ts", x->entry_ts);
		json_kv_u64(w, "duration_ns", x->duration_ns);
		json_kv_u64(w, "packet_events", x->packet_events);
		json_kv_u64(w, "rx_events", x->rx_events);
		json_kv_u64(w, "polls", x->polls);
		json_kv_u64(w, "poll_work", x->poll_work);
		json_key(w, "packets");
		json_arr_begin(w);
		for (unsigned int k = 0; k < x->n_pkts; k++) {
			json_obj_begin(w);
			json_kv_u64(w, "packet_id", x->pkts[k].packet_id);
			json_kv_str(w, "ifname", x->pkts[k].ifname);
			json_kv_str(w, "what", x->pkts[k].what);
			json_obj_end(w);
		}
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "runs_not_kept", r->runs_not_kept);
}

void softirq_print_json(struct json_writer *w, const struct softirq_result *r)
{
	json_obj_begin(w);
	json_kv_u64(w, "softirq_events", r->softirq_events);
	json_key(w, "hint");
	if (r->softirq_events)
		json_null(w);
	else
		json_str(w, SOFTIRQ_HOW_TO_RECORD);
	json_kv_u64(w, "irq_events", r->irq_events);
	json_kv_u64(w, "vector_events", r->vector_events);
	json_key(w, "net_rx");
	json_obj_begin(w);
	json_kv_u64(w, "runs", r->net_rx_runs);
	json_kv_u64(w, "runs_with_packets", r->net_rx_runs_with_packets);
	json_kv_u64(w, "runs_raised", r->net_rx_runs_raised);
	where_json(w, "where", r->net_rx_where);
	stats_json(w, "raise_to_entry", &r->net_rx_raise_to_entry);
	stats_json(w, "duration", &r->net_rx_duration);
	json_kv_u64(w, "total_ns", r->net_rx_ns);
	json_key(w, "raised_by");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_from; i++) {
		json_obj_begin(w);
		json_kv_str(w, "from", r->from[i].label);
		json_kv_u64(w, "runs", r->from[i].count);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	json_key(w, "polls");
	json_obj_begin(w);
	json_kv_u64(w, "count", r->polls);
	json_kv_u64(w, "packets", r->poll_work);
	json_kv_u64(w, "budget", r->budget);
	json_kv_u64(w, "at_budget", r->polls_at_budget);
	json_kv_u64(w, "over_budget", r->polls_over_budget);
	json_key(w, "per_poll");
	json_obj_begin(w);
	json_kv_u64(w, "min", r->work.min_ns);
	json_kv_u64(w, "p50", r->work.p50_ns);
	json_kv_u64(w, "p90", r->work.p90_ns);
	json_kv_u64(w, "p99", r->work.p99_ns);
	json_kv_u64(w, "max", r->work.max_ns);
	json_obj_end(w);
	json_kv_u64(w, "rx_in_polls", r->rx_in_polls);
	json_kv_u64(w, "polls_rx_over_work", r->polls_rx_over_work);
	json_obj_end(w);
	json_key(w, "packets");
	json_obj_begin(w);
	json_kv_u64(w, "events", r->packet_events);
	json_kv_u64(w, "task", r->packet_task);
	json_kv_u64(w, "softirq", r->packet_softirq);
	json_kv_u64(w, "hardirq", r->packet_hardirq);
	json_kv_u64(w, "other", r->packet_other);
	json_kv_u64(w, "linked", r->packet_linked);
	json_kv_u64(w, "rx_events", r->rx_events);
	json_kv_u64(w, "rx_softirq", r->rx_softirq);
	json_kv_u64(w, "rx_linked", r->rx_linked);
	json_obj_end(w);
	json_key(w, "vectors");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct sirq_row *x = &r->rows[i];

		json_obj_begin(w);
		json_kv_str(w, "vector", x->vec);
		json_kv_u64(w, "vec", x->vec_nr);
		json_kv_u64(w, "cpu", x->cpu);
		json_kv_u64(w, "runs", x->runs);
		json_kv_u64(w, "runs_with_packets", x->runs_with_packets);
		where_json(w, "where", x->where);
		stats_json(w, "raise_to_entry", &x->raise_to_entry);
		stats_json(w, "duration", &x->duration);
		json_obj_end(w);
	}
	json_arr_end(w);
	runs_json(w, r);
	softirq_rx_json(w, r);
	irqs_json(w, "hardirqs", r->irqs, r->n_irqs, "irq");
	irqs_json(w, "irq_vectors", r->vectors, r->n_vectors, "vector");
	json_kv_u64(w, "exits_unmatched", r->exits_unmatched);
	json_kv_u64(w, "open_at_end", r->open_at_end);
	json_kv_u64(w, "raises_pending_at_end", r->raises_pending_at_end);
	json_kv_u64(w, "irq_exits_unmatched", r->irq_exits_unmatched);
	json_kv_u64(w, "rows_overflow", r->rows_overflow);
	json_kv_u64(w, "where_by_stack", r->where_by_stack);
	json_kv_u64(w, "where_rule_disagreed", r->where_rule_disagreed);
	json_kv_double(w, "rel_error", r->rel_error);
	json_obj_end(w);
}
