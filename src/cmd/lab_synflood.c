// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab syn-flood: experiment 2 of the reference study, "how TCP
 * handles an incoming SYN", with a flood in the spirit of `hping3 -c N -d
 * 120 -S -w 64 -p 80 --flood --rand-source`: SYNs from random sources at a
 * listening port with a small backlog and at a closed port, inside the lab
 * namespaces, SYN cookies on in the listener's namespace.  The report
 * puts what the trace saw beside the kernel's own counters of both
 * namespaces, and rebuilds the experiment's function profile and graph
 * from CPU samples and stacks.
 */
#include <inttypes.h>
#include <string.h>
#include "cmd/lab.h"
#include "common/json.h"

#define LISTEN_PORT "80"
#define CLOSED_PORT "81"

static const char *const original[] = {
	"hping3 -c 100 -d 120 -S -w 64 -p 80 --flood --rand-source localhost",
	"echo 'net* tcp*' > set_ftrace_filter",
	"echo 1 > function_profile_enabled; ...; cat trace_stat/function*",
	"echo function_graph > current_tracer   (and LTTng + TraceCompass: netif_receive_skb, skb_kfree)",
	NULL,
};

static const char *const record_args[] = { "--closed-port", CLOSED_PORT, NULL };

/* a drop reason's count in the report, 0 when it did not happen */
static uint64_t drops_of(const struct lab_run *r, const char *reason)
{
	const struct rr_drops *d = &r->res->drops;

	for (size_t i = 0; i < d->n_reasons; i++)
		if (!strcmp(d->reasons[i].name, reason))
			return d->reasons[i].count;
	return 0;
}

static uint64_t resets_of(const struct lab_run *r, const char *reason)
{
	const struct rr_resets *s = &r->res->resets;

	for (size_t i = 0; i < s->n_reasons; i++)
		if (!strcmp(s->reasons[i].label, reason))
			return s->reasons[i].count;
	return 0;
}

/*
 * The kernel's counters next to what the trace saw: each row says where
 * both come from, and why they may differ.
 */
static const struct counter_check {
	const char *ns, *group, *name;
	const char *trace;	/* what the trace counts for it */
	const char *why;	/* why the two may differ */
} checks[] = {
	{ "b", "TcpExt", "SyncookiesSent", NULL,
	  "no tracepoint fires when a cookie is sent: only the counter knows (tcp_conn_request)" },
	{ "b", "TcpExt", "ListenOverflows", "TCP_LISTEN_OVERFLOW",
	  "the accept queue overflowed; the trace sees the drops it causes" },
	{ "b", "TcpExt", "ListenDrops", "TCP_LISTEN_OVERFLOW",
	  "every listen overflow is also a listen drop, and so is any other drop at the listener" },
	{ "b", "TcpExt", "TCPReqQFullDrop", "TCP_REQQFULLDROP",
	  "SYN queue full and no cookies: dropped (kfree_skb reason TCP_REQQFULLDROP)" },
	{ "b", "TcpExt", "TCPSynRetrans", "tcp_retransmit_synack",
	  "SYN-ACKs sent again to silent sources; the tracepoint fires once per retransmission" },
	{ "b", "Tcp", "OutRsts", "rst:NO_SOCKET",
	  "RSTs b sent; the trace counts tcp_send_reset events of both namespaces" },
	{ "a", "Ip", "InAddrErrors", "IP_INADDRERRORS",
	  "SYN-ACKs to the spoofed sources nobody owns (198.19.128.0/17): a does not forward" },
};

static void check_trace(const struct lab_run *r, const struct counter_check *c, char *buf,
			size_t len, uint64_t *value)
{
	*value = 0;
	if (!c->trace) {
		snprintf(buf, len, "(no event)");
		return;
	}
	if (!strcmp(c->trace, "tcp_retransmit_synack")) {
		*value = lab_events(r, NS_EV_TCP_RETRANSMIT_SYNACK);
		snprintf(buf, len, "%" PRIu64 " tcp_retransmit_synack", *value);
	} else if (!strncmp(c->trace, "rst:", 4)) {
		*value = resets_of(r, c->trace + 4);
		snprintf(buf, len, "%" PRIu64 " resets %s", *value, c->trace + 4);
	} else {
		*value = drops_of(r, c->trace);
		snprintf(buf, len, "%" PRIu64 " drops %s", *value, c->trace);
	}
}

static int synflood_text(const struct lab_run *r, FILE *out)
{
	const struct rr_drops *d = &r->res->drops;
	const struct rr_resets *s = &r->res->resets;
	unsigned int top = r->o->top ? r->o->top : 8;

	lab_heading(out, "What the kernel did with the SYNs");
	fprintf(out, "drops (kfree_skb): %" PRIu64 "\n", d->total);
	for (size_t i = 0; i < d->n_reasons && i < top; i++)
		fprintf(out, "  %8" PRIu64 "  %s\n", d->reasons[i].count, d->reasons[i].name);
	fprintf(out, "resets sent (tcp_send_reset): %" PRIu64 ", %" PRIu64 " of them without a socket\n",
		s->sent, s->sent_no_socket);
	for (size_t i = 0; i < s->n_reasons && i < top; i++)
		fprintf(out, "  %8" PRIu64 "  %s\n", s->reasons[i].count, s->reasons[i].label);
	fprintf(out, "SYN-ACK retransmissions (tcp_retransmit_synack): %" PRIu64 "\n",
		lab_events(r, NS_EV_TCP_RETRANSMIT_SYNACK));

	lab_heading(out, "The kernel's own counters next to the trace");
	fprintf(out, "  ns  counter                      before →    after  delta   trace\n");
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const struct counter_check *c = &checks[i];
		const struct counters_row *row = lab_counter(r, c->ns, c->group, c->name);
		char what[96], name[64];
		uint64_t v;

		check_trace(r, c, what, sizeof(what), &v);
		snprintf(name, sizeof(name), "%s.%s", c->group, c->name);
		if (row)
			fprintf(out, "  %-3s %-26s %8" PRId64 " → %8" PRId64 " %+6" PRId64 "   %s\n", c->ns,
				name, row->before, row->after, row->delta, what);
		else
			fprintf(out, "  %-3s %-26s (not in the trace's snapshots)  %s\n", c->ns, name, what);
		fprintf(out, "      %s\n", c->why);
	}
	fprintf(out, "  (netscope report FILE --view counters shows every counter that moved)\n");

	lab_heading(out, "Function profile, CPU samples (the experiment's set_ftrace_filter 'net* tcp*')");
	render_profile_text(&r->res->profile, &r->pv, out);
	lab_heading(out, "Call graph, rebuilt from stacks (the experiment's function_graph)");
	render_callgraph_text(&r->res->profile, &r->pv, out);
	return 0;
}

static void synflood_json(const struct lab_run *r, struct json_writer *w)
{
	const struct rr_drops *d = &r->res->drops;
	const struct rr_resets *s = &r->res->resets;

	json_key(w, "drops");
	json_obj_begin(w);
	json_kv_u64(w, "total", d->total);
	json_key(w, "by_reason");
	json_obj_begin(w);
	for (size_t i = 0; i < d->n_reasons; i++)
		json_kv_u64(w, d->reasons[i].name, d->reasons[i].count);
	json_obj_end(w);
	json_obj_end(w);
	json_key(w, "resets_sent");
	json_obj_begin(w);
	json_kv_u64(w, "total", s->sent);
	json_kv_u64(w, "without_socket", s->sent_no_socket);
	json_key(w, "by_reason");
	json_obj_begin(w);
	for (size_t i = 0; i < s->n_reasons; i++)
		json_kv_u64(w, s->reasons[i].label, s->reasons[i].count);
	json_obj_end(w);
	json_obj_end(w);
	json_kv_u64(w, "synack_retransmissions", lab_events(r, NS_EV_TCP_RETRANSMIT_SYNACK));
	json_key(w, "counters");
	json_arr_begin(w);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const struct counter_check *c = &checks[i];
		const struct counters_row *row = lab_counter(r, c->ns, c->group, c->name);
		char what[96];
		uint64_t v;

		check_trace(r, c, what, sizeof(what), &v);
		json_obj_begin(w);
		json_kv_str(w, "namespace", c->ns);
		json_kv_str(w, "group", c->group);
		json_kv_str(w, "name", c->name);
		if (row) {
			json_kv_i64(w, "before", row->before);
			json_kv_i64(w, "after", row->after);
			json_kv_i64(w, "delta", row->delta);
		} else {
			json_key(w, "delta");
			json_null(w);
		}
		if (c->trace) {
			json_kv_str(w, "trace_event", c->trace);
			json_kv_u64(w, "trace_count", v);
		}
		json_kv_str(w, "why", c->why);
		json_obj_end(w);
	}
	json_arr_end(w);
}

static const char *const next[] = {
	"netscope where tcp_v4_rcv                  the experiment's entry point in this kernel",
	"netscope callers --depth 4 tcp_v4_send_reset  who sends the RSTs",
	"netscope callees tcp_conn_request          the SYN queue, cookies, the SYN-ACK",
	"netscope struct request_sock               what a half-open connection costs",
	NULL,
};

const struct capture_lab lab_syn_flood = {
	.name = "syn-flood",
	.title = "how TCP handles a flood of SYNs (experiment 2)",
	.summary = "SYNs at a listening and a closed port: resets, cookies, drops, profile",
	.experiment = "exp2",
	.original = original,
	.scenario = "syn-flood",
	.record_args = record_args,
	.events = "default",
	/* ~0.3 s of flood on a quiet machine: a few hundred CPU samples at 999 Hz */
	.count = 50000,
	.duration = 10,
	.sample_hz = 999,
	.funcs = "net* tcp*",
	.depth = 14,
	.text = synflood_text,
	.json = synflood_json,
	.next = next,
};
