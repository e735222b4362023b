// SPDX-License-Identifier: GPL-2.0
/*
 * The report as one JSON object; schema in docs/report.md (append keys,
 * never rename).  Reads only the result, as the text renderer does.
 */
#include <stddef.h>
#include <stdio.h>
#include "analysis/result.h"
#include "common/json.h"
#include "render/report.h"
#include "render/report_fmt.h"

/* {"rows": [...], "omitted_rows": K, "omitted_count": N}: rows come from the caller */
static void table_end(struct json_writer *w, size_t n, size_t shown, uint64_t rest)
{
	json_arr_end(w);
	json_kv_u64(w, "omitted_rows", n - shown);
	json_kv_u64(w, "omitted_count", rest);
	json_obj_end(w);
}

static void table_begin(struct json_writer *w, const char *key)
{
	json_key(w, key);
	json_obj_begin(w);
	json_key(w, "rows");
	json_arr_begin(w);
}

static void capture(struct json_writer *w, const struct report_result *res)
{
	const struct rr_capture *c = &res->capture;

	json_key(w, "capture");
	json_obj_begin(w);
	json_kv_str(w, "kernel", c->kernel);
	json_kv_str(w, "host", c->host);
	json_kv_str(w, "scenario", c->scenario);
	json_kv_str(w, "method", c->method);
	json_key(w, "methods");
	json_obj_begin(w);
	for (size_t i = 0; i < c->n_methods; i++)
		json_kv_str(w, c->methods[i].key, c->methods[i].value);
	json_obj_end(w);
	json_kv_str(w, "filter", c->filter);
	json_kv_u64(w, "first_ts_ns", c->first_ts);
	json_kv_u64(w, "last_ts_ns", c->last_ts);
	json_kv_u64(w, "duration_ns", c->span_ns);
	json_kv_bool(w, "truncated", c->truncated);
	json_key(w, "top");
	if (res->top == REPORT_TOP_ALL)
		json_null(w); /* no limit */
	else
		json_u64(w, res->top);
	json_key(w, "meta");
	json_obj_begin(w);
	for (size_t i = 0; i < c->n_other; i++)
		json_kv_str(w, c->other[i].key, c->other[i].value);
	json_obj_end(w);
	json_obj_end(w);
}

static void events(struct json_writer *w, const struct report_result *res)
{
	const struct rr_events *e = &res->events;

	json_key(w, "events");
	json_obj_begin(w);
	json_kv_u64(w, "total", e->total);
	json_kv_double(w, "rate_per_s", e->rate);
	json_key(w, "by_type");
	json_arr_begin(w);
	for (size_t i = 0; i < e->n_order; i++) {
		unsigned int t = e->order[i];

		json_obj_begin(w);
		json_kv_str(w, "event", t == RR_TYPE_UNKNOWN ? "unknown" : ns_event_name(t));
		json_kv_str(w, "group", t == RR_TYPE_UNKNOWN ? "" : ns_event_group(t));
		json_kv_u64(w, "count", e->count[t]);
		json_kv_double(w, "rate_per_s", e->rates[t]);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

static void lost(struct json_writer *w, const struct report_result *res)
{
	const struct rr_lost *l = &res->lost;

	json_key(w, "lost");
	json_obj_begin(w);
	json_kv_bool(w, "stats", l->have_stats);
	json_kv_bool(w, "truncated", l->truncated);
	json_kv_u64(w, "read", l->read);
	if (!l->have_stats) {
		/* unknown, not zero: null says so */
		json_key(w, "produced"); json_null(w);
		json_key(w, "captured"); json_null(w);
		json_key(w, "lost"); json_null(w);
		json_key(w, "by_type"); json_arr_begin(w); json_arr_end(w);
		json_key(w, "stack_errors"); json_null(w);
		json_key(w, "packet_ids_evicted"); json_null(w);
		json_obj_end(w);
		return;
	}
	json_kv_u64(w, "produced", l->produced);
	json_kv_u64(w, "captured", l->captured);
	json_kv_u64(w, "lost", l->lost);
	json_key(w, "by_type");
	json_arr_begin(w);
	for (unsigned int t = 0; t < NS_EV__COUNT; t++) {
		if (!l->stats.produced[t] && !l->stats.captured[t] && !l->stats.lost[t])
			continue;
		json_obj_begin(w);
		json_kv_str(w, "event", ns_event_name(t));
		json_kv_u64(w, "produced", l->stats.produced[t]);
		json_kv_u64(w, "captured", l->stats.captured[t]);
		json_kv_u64(w, "lost", l->stats.lost[t]);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "stack_errors", l->stats.stack_err);
	json_kv_u64(w, "packet_ids_evicted", l->stats.ids_evicted);
	json_kv_u64(w, "writer_dropped", l->stats.writer_dropped);
	json_kv_u64(w, "writer_stalls", l->stats.writer_stalls);
	json_kv_u64(w, "writer_stall_ns", l->stats.writer_stall_ns);
	json_kv_u64(w, "payload_produced", l->stats.payload_produced);
	json_kv_u64(w, "payload_captured", l->stats.payload_captured);
	json_kv_u64(w, "payload_cut", l->stats.payload_cut);
	json_kv_u64(w, "payload_lost", l->stats.payload_lost);
	json_kv_u64(w, "payload_unmatched", l->stats.payload_unmatched);
	json_obj_end(w);
}

static void drops(struct json_writer *w, const struct report_result *res)
{
	const struct rr_drops *d = &res->drops;
	uint64_t rest;
	size_t n;

	json_key(w, "drops");
	json_obj_begin(w);
	json_kv_u64(w, "total", d->total);
	table_begin(w, "by_reason");
	n = RR_SHOWN(res, d->reasons, d->n_reasons, struct rr_drop_reason, &rest);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "reason", d->reasons[i].name);
		json_kv_u64(w, "value", d->reasons[i].value);
		json_kv_u64(w, "count", d->reasons[i].count);
		json_obj_end(w);
	}
	table_end(w, d->n_reasons, n, rest);
	table_begin(w, "by_function");
	n = RR_SHOWN(res, d->functions, d->n_functions, struct rr_count, &rest);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "function", d->functions[i].label);
		json_kv_u64(w, "count", d->functions[i].count);
		json_obj_end(w);
	}
	table_end(w, d->n_functions, n, rest);
	table_begin(w, "by_location");
	n = RR_SHOWN(res, d->sites, d->n_sites, struct rr_drop_site, &rest);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "reason", d->sites[i].reason);
		json_kv_str(w, "location", d->sites[i].location);
		json_kv_str(w, "function", d->sites[i].function);
		json_kv_u64(w, "count", d->sites[i].count);
		json_obj_end(w);
	}
	table_end(w, d->n_sites, n, rest);
	json_kv_u64(w, "beyond_cap", d->sites_overflow);
	json_obj_end(w);
}

static void resets(struct json_writer *w, const struct report_result *res)
{
	const struct rr_resets *r = &res->resets;
	uint64_t rest;
	size_t n;

	json_key(w, "resets");
	json_obj_begin(w);
	json_kv_u64(w, "sent", r->sent);
	json_kv_u64(w, "sent_without_socket", r->sent_no_socket);
	json_kv_u64(w, "received", r->received);
	table_begin(w, "sent_by_reason");
	n = RR_SHOWN(res, r->reasons, r->n_reasons, struct rr_count, &rest);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "reason", r->reasons[i].label);
		json_kv_u64(w, "count", r->reasons[i].count);
		json_obj_end(w);
	}
	table_end(w, r->n_reasons, n, rest);
	json_obj_end(w);
}

static void states(struct json_writer *w, const struct report_result *res)
{
	const struct rr_states *s = &res->states;
	uint64_t rest;
	size_t n;

	json_key(w, "states");
	json_obj_begin(w);
	json_kv_u64(w, "total", s->total);
	table_begin(w, "transitions");
	n = RR_SHOWN(res, s->transitions, s->n_transitions, struct rr_transition, &rest);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "from", s->transitions[i].from);
		json_kv_str(w, "to", s->transitions[i].to);
		json_kv_u64(w, "count", s->transitions[i].count);
		json_obj_end(w);
	}
	table_end(w, s->n_transitions, n, rest);
	table_begin(w, "socket_paths");
	n = RR_SHOWN(res, s->paths, s->n_paths, struct rr_sock_path, &rest);
	for (size_t i = 0; i < n; i++) {
		const struct rr_sock_path *p = &s->paths[i];

		json_obj_begin(w);
		json_key(w, "states");
		json_arr_begin(w);
		for (size_t k = 0; k < p->n_states; k++)
			json_str(w, p->states[k]);
		json_arr_end(w);
		json_kv_bool(w, "cut", p->cut);
		json_kv_bool(w, "closed", p->closed);
		json_kv_u64(w, "count", p->count);
		json_obj_end(w);
	}
	table_end(w, s->n_paths, n, rest);
	json_kv_u64(w, "paths_beyond_cap", s->paths_overflow);
	json_kv_u64(w, "sockets_evicted", s->sockets_evicted);
	json_obj_end(w);
}

static void example(struct json_writer *w, const struct rr_tuple *t)
{
	json_key(w, "example");
	if (!t->valid) {
		json_null(w);
		return;
	}
	json_obj_begin(w);
	json_kv_str(w, "proto", t->proto);
	json_kv_str(w, "src", t->src);
	json_kv_str(w, "dst", t->dst);
	json_key(w, "sport");
	t->has_ports ? json_u64(w, t->sport) : json_null(w);
	json_key(w, "dport");
	t->has_ports ? json_u64(w, t->dport) : json_null(w);
	json_kv_str(w, "tcp_flags", t->tcp_flags[0] ? t->tcp_flags : NULL);
	json_kv_str(w, "ifname", t->ifname[0] ? t->ifname : NULL);
	json_obj_end(w);
}

static void sequence(struct json_writer *w, const struct rr_sequence *q)
{
	json_obj_begin(w);
	json_key(w, "steps");
	json_arr_begin(w);
	for (size_t k = 0; k < q->n_steps; k++)
		json_str(w, rr_step_name(q, k));
	json_arr_end(w);
	json_kv_u64(w, "count", q->count);
	json_kv_str(w, "fate", q->fate);
	json_kv_str(w, "reason", q->reason);
	json_kv_bool(w, "partial", q->partial);
	json_kv_bool(w, "cut", q->cut);
	json_key(w, "median_step_ns");
	json_arr_begin(w);
	for (size_t k = 0; k + 1 < q->n_steps; k++)
		json_u64(w, q->median_ns[k]);
	json_arr_end(w);
	json_kv_bool(w, "median_sampled", q->median_sampled);
	example(w, &q->example);
	json_key(w, "linked");
	json_arr_begin(w);
	for (size_t k = 0; k < q->n_linked; k++) {
		json_obj_begin(w);
		json_kv_str(w, "link", q->linked[k].label);
		json_kv_u64(w, "count", q->linked[k].count);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

static void journeys(struct json_writer *w, const struct report_result *res)
{
	const struct rr_journeys *j = &res->journeys;
	uint64_t rest;
	size_t n;

	json_key(w, "journeys");
	json_obj_begin(w);
	json_kv_u64(w, "packets", j->packets);
	json_kv_u64(w, "dropped", j->dropped);
	json_kv_u64(w, "consumed", j->consumed);
	json_kv_u64(w, "alive", j->alive);
	json_kv_u64(w, "partial", j->partial);
	json_kv_u64(w, "evicted", j->evicted);
	json_kv_u64(w, "split", j->split);
	json_kv_u64(w, "packet_events", j->packet_events);
	json_kv_u64(w, "events_without_packet_id", j->events_without_id);
	json_kv_u64(w, "distinct_sequences", j->n_seqs);
	table_begin(w, "sequences");
	n = RR_SHOWN(res, j->seqs, j->n_seqs, struct rr_sequence, &rest);
	for (size_t i = 0; i < n; i++)
		sequence(w, &j->seqs[i]);
	table_end(w, j->n_seqs, n, rest);
	json_kv_u64(w, "other_packets", j->overflow_packets);

	json_key(w, "linking");
	json_obj_begin(w);
	json_kv_u64(w, "window_ns", j->link_window_ns);
	json_key(w, "by_socket");
	json_arr_begin(w);
	for (size_t i = 0; i < j->n_by_socket; i++) {
		json_obj_begin(w);
		json_kv_str(w, "event", ns_event_name(j->by_socket[i].type));
		json_kv_u64(w, "linked", j->by_socket[i].linked);
		json_kv_u64(w, "unlinked", j->by_socket[i].unlinked);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "softirq");
	json_arr_begin(w);
	for (size_t i = 0; i < j->n_softirqs; i++) {
		json_obj_begin(w);
		json_kv_str(w, "vec", j->softirqs[i].vec);
		json_kv_u64(w, "runs", j->softirqs[i].runs);
		json_kv_u64(w, "runs_with_packet_events", j->softirqs[i].runs_with_packets);
		json_kv_u64(w, "packet_events", j->softirqs[i].packet_events);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "softirq_unmatched", j->softirq_unmatched);
	json_obj_end(w);
	json_obj_end(w);
}

void render_report_json(const struct report_result *res, FILE *out)
{
	struct json_writer *w;

	if (!res || !(w = json_new(out)))
		return;
	json_obj_begin(w);
	json_kv_u64(w, "schema_version", REPORT_JSON_SCHEMA);
	render_report_json_members(w, res);
	json_obj_end(w);
	fputc('\n', out);
	json_free(w);
}

void render_report_json_members(struct json_writer *w, const struct report_result *res)
{
	if (res->parts & RR_PART_COUNTS) {
		capture(w, res);
		events(w, res);
		lost(w, res);
	}
	if (res->parts & RR_PART_DROPS)
		drops(w, res);
	if (res->parts & RR_PART_TCP) {
		resets(w, res);
		states(w, res);
	}
	if (res->parts & RR_PART_JOURNEYS)
		journeys(w, res);
	if (res->parts & RR_PART_CALLPATHS)
		callpaths_print_json(w, res);
}
