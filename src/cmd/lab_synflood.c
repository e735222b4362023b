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
#include "render/segments_out.h"

#define LISTEN_PORT "80"
#define CLOSED_PORT "81"

static const char *const original[] = {
	"hping3 -c 100 -d 120 -S -w 64 -p 80 --flood --rand-source localhost",
	"echo 'net* tcp*' > set_ftrace_filter",
	"echo 1 > function_profile_enabled; ...; cat trace_stat/function*",
	"echo function_graph > current_tracer   (and LTTng + TraceCompass: netif_receive_skb, skb_kfree)",
	NULL,
};

/* 1.5 s of linger: the half-open requests' first SYN-ACK retransmission (1 s) is seen */
static const char *const record_args[] = { "--closed-port", CLOSED_PORT, "--linger", "1.5", NULL };

/* the lab namespace labelled label ("a": the flood's source, "b": the listener) */
static const struct seg_netns *ns_of(const struct lab_run *r, const char *label)
{
	const struct segments_result *sg = &r->res->segments;

	for (size_t i = 0; i < sg->n_ns; i++)
		if (!strcmp(sg->ns[i].label, label))
			return &sg->ns[i];
	return NULL;
}

static uint64_t reason_count(const struct seg_reason *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return v[i].count;
	return 0;
}

static uint64_t syns_to_port(const struct seg_netns *ns, uint16_t port)
{
	for (size_t i = 0; ns && i < ns->n_syn_ports; i++)
		if (ns->syn_ports[i].dir == SEG_RX && ns->syn_ports[i].port == port)
			return ns->syn_ports[i].count;
	return 0;
}

/*
 * The kernel's counters next to what the trace saw in the same namespace:
 * what each counts, the trace's figure for it, how the two relate, and why
 * they may differ.
 */
enum trace_figure {
	FIG_NONE,		/* no event counts it */
	FIG_RST_SENT,		/* tcp_send_reset events */
	FIG_TX,			/* TCP segments sent (first seen at net_dev_queue) */
	FIG_RX,			/* TCP segments received */
	FIG_TX_SYNACK,		/* SYN-ACKs sent */
	FIG_DROPS,		/* kfree_skb with the reason named */
	FIG_SYNACK_RETRANS,	/* tcp_retransmit_synack events */
};

enum relation {
	REL_EQUAL,		/* the two count the same thing */
	REL_AT_MOST,		/* the counter is at most the trace's figure */
	REL_NONE,		/* the trace cannot see it */
};

static const struct counter_check {
	const char *ns, *group, *name;
	enum trace_figure fig;
	const char *reason;	/* FIG_DROPS */
	enum relation rel;
	const char *why;
} checks[] = {
	{ "b", "Tcp", "InSegs", FIG_RX, NULL, REL_EQUAL,
	  "every TCP segment b received (tcp_v4_rcv counts it first thing)" },
	{ "b", "Tcp", "OutSegs", FIG_TX, NULL, REL_EQUAL,
	  "every segment b sent, SYN-ACKs and RSTs alike (__tcp_transmit_skb, tcp_v4_send_reset)" },
	{ "b", "Tcp", "OutRsts", FIG_RST_SENT, NULL, REL_EQUAL,
	  "RSTs b sent: one per SYN to the closed port (tcp_v4_send_reset, reason NO_SOCKET)" },
	{ "b", "TcpExt", "SyncookiesSent", FIG_TX_SYNACK, NULL, REL_AT_MOST,
	  "no event marks a cookie: it rides in a SYN-ACK when the SYN queue is full "
	  "(tcp_conn_request), so cookies <= SYN-ACKs" },
	{ "b", "TcpExt", "ListenOverflows", FIG_DROPS, "TCP_LISTEN_OVERFLOW", REL_EQUAL,
	  "the accept queue was full when a handshake completed (tcp_v4_syn_recv_sock)" },
	{ "b", "TcpExt", "ListenDrops", FIG_DROPS, "TCP_LISTEN_OVERFLOW", REL_AT_MOST,
	  "every listen overflow is a listen drop too, and so is any other drop at the listener" },
	{ "b", "TcpExt", "TCPReqQFullDrop", FIG_DROPS, "TCP_REQQFULLDROP", REL_EQUAL,
	  "SYN queue full and no cookies: the SYN is dropped" },
	{ "b", "TcpExt", "TCPSynRetrans", FIG_SYNACK_RETRANS, NULL, REL_EQUAL,
	  "SYN-ACKs sent again to sources that stay silent (the retransmit timer, 1 s first)" },
	{ "a", "Tcp", "OutRsts", FIG_RST_SENT, NULL, REL_EQUAL,
	  "a answers the SYN-ACKs sent to its local half of the spoofed sources with RSTs" },
	{ "a", "Ip", "InAddrErrors", FIG_DROPS, "IP_INADDRERRORS", REL_EQUAL,
	  "SYN-ACKs to the spoofed sources nobody owns: a does not forward (ip_error)" },
};

static bool trace_figure(const struct lab_run *r, const struct counter_check *c, uint64_t *v)
{
	const struct seg_netns *ns = ns_of(r, c->ns);

	*v = 0;
	if (c->fig == FIG_NONE || !ns)
		return false;
	switch (c->fig) {
	case FIG_RST_SENT:
		*v = ns->rst_sent;
		break;
	case FIG_TX:
		*v = ns->total[SEG_TX];
		break;
	case FIG_RX:
		*v = ns->total[SEG_RX];
		break;
	case FIG_TX_SYNACK:
		*v = ns->segments[SEG_TX][SEG_SYNACK];
		break;
	case FIG_DROPS:
		*v = reason_count(ns->drop_reasons, ns->n_drop_reasons, c->reason);
		break;
	case FIG_SYNACK_RETRANS:
		*v = ns->synack_retransmits;
		break;
	default:
		return false;
	}
	return true;
}

/* "=", "<=", or "!=" when the relation does not hold (then the events lost may explain it) */
static const char *verdict(const struct counter_check *c, int64_t delta, uint64_t trace, bool have)
{
	if (!have || c->rel == REL_NONE)
		return "";
	if (c->rel == REL_EQUAL)
		return (uint64_t)delta == trace ? "=" : "!=";
	return (uint64_t)delta <= trace ? "<=" : "!=";
}

static const char *figure_name(const struct counter_check *c)
{
	static const char *const names[] = {
		[FIG_NONE] = "-", [FIG_RST_SENT] = "tcp_send_reset", [FIG_TX] = "TCP segments sent",
		[FIG_RX] = "TCP segments received", [FIG_TX_SYNACK] = "SYN-ACKs sent",
		[FIG_DROPS] = "kfree_skb", [FIG_SYNACK_RETRANS] = "tcp_retransmit_synack",
	};

	return names[c->fig];
}

static void text_syns(const struct lab_run *r, FILE *out)
{
	const struct seg_netns *a = ns_of(r, "a"), *b = ns_of(r, "b");

	lab_heading(out, "What the kernel did with the SYNs");
	if (!a || !b) {
		fprintf(out, "the trace names no lab namespaces: nothing to follow\n");
		return;
	}
	fprintf(out, "a sent %" PRIu64 " SYNs; b received %" PRIu64 ": %" PRIu64 " to port "
		LISTEN_PORT " (listening), %" PRIu64 " to port " CLOSED_PORT " (closed)\n",
		a->segments[SEG_TX][SEG_SYN], b->syn.received, syns_to_port(b, 80), syns_to_port(b, 81));
	fprintf(out, "  of those: consumed %" PRIu64 " (the listener took them: a request sock or a "
		"SYN cookie, and a SYN-ACK each),\n  dropped %" PRIu64, b->syn.consumed, b->syn.dropped);
	for (size_t i = 0; i < b->syn.n_drop_reasons; i++)
		fprintf(out, "%s%s %" PRIu64, i ? ", " : " (", b->syn.drop_reasons[i].name,
			b->syn.drop_reasons[i].count);
	fprintf(out, "%s, still alive %" PRIu64 "%s\n", b->syn.n_drop_reasons ? ")" : "",
		b->syn.alive, b->syn.balanced ? "" : "  (does not add up: see the events lost)");
	fprintf(out, "b sent %" PRIu64 " SYN-ACKs and %" PRIu64 " RSTs (tcp_send_reset: %" PRIu64
		" NO_SOCKET); %" PRIu64 " SYN-ACK retransmissions\n",
		b->segments[SEG_TX][SEG_SYNACK], b->segments[SEG_TX][SEG_RST],
		reason_count(b->rst_reasons, b->n_rst_reasons, "NO_SOCKET"), b->synack_retransmits);
	fprintf(out, "a received b's %" PRIu64 " SYN-ACKs and %" PRIu64 " RSTs, all addressed to "
		"the spoofed sources:\n  to its own (local) half it answered the SYN-ACKs with %" PRIu64
		" RSTs (b dropped them as TCP_RESET: %" PRIu64 "),\n  what was addressed to nobody's "
		"half it dropped as IP_INADDRERRORS: %" PRIu64 "\n",
		a->segments[SEG_RX][SEG_SYNACK], a->segments[SEG_RX][SEG_RST], a->rst_sent,
		reason_count(b->drop_reasons, b->n_drop_reasons, "TCP_RESET"),
		reason_count(a->drop_reasons, a->n_drop_reasons, "IP_INADDRERRORS"));
	fprintf(out, "(netscope report FILE --view segments has every namespace's segments by flags)\n");
}

static void text_counters(const struct lab_run *r, FILE *out)
{
	lab_heading(out, "The kernel's own counters next to the trace");
	fprintf(out, "  ns  counter                      delta       trace  event\n");
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const struct counter_check *c = &checks[i];
		const struct counters_row *row = lab_counter(r, c->ns, c->group, c->name);
		char name[64], fig[48] = "";
		uint64_t v;
		bool have = trace_figure(r, c, &v);

		snprintf(name, sizeof(name), "%s.%s", c->group, c->name);
		if (c->reason)
			snprintf(fig, sizeof(fig), " %s", c->reason);
		if (row)
			fprintf(out, "  %-3s %-26s %+8" PRId64 "  %-2s %8" PRIu64 "  %s%s\n", c->ns, name,
				row->delta, verdict(c, row->delta, v, have), v, figure_name(c), fig);
		else
			fprintf(out, "  %-3s %-26s (not in the trace's snapshots)\n", c->ns, name);
		fprintf(out, "      %s\n", c->why);
	}
	if (r->res->lost.lost)
		fprintf(out, "  %" PRIu64 " events were lost: a '!=' may be only that\n", r->res->lost.lost);
	fprintf(out, "  (netscope report FILE --view counters shows every counter that moved)\n");
}

static int synflood_text(const struct lab_run *r, FILE *out)
{
	text_syns(r, out);
	text_counters(r, out);
	lab_heading(out, "Function profile, CPU samples (the experiment's set_ftrace_filter 'net* tcp*')");
	render_profile_text(&r->res->profile, &r->pv, out);
	lab_heading(out, "Call graph, rebuilt from stacks (the experiment's function_graph)");
	render_callgraph_text(&r->res->profile, &r->pv, out);
	return 0;
}

static void json_syn_fate(struct json_writer *w, const struct seg_netns *b)
{
	json_key(w, "syns");
	json_obj_begin(w);
	json_kv_u64(w, "received", b->syn.received);
	json_kv_u64(w, "to_listening_port", syns_to_port(b, 80));
	json_kv_u64(w, "to_closed_port", syns_to_port(b, 81));
	json_kv_u64(w, "consumed", b->syn.consumed);
	json_kv_u64(w, "dropped", b->syn.dropped);
	json_key(w, "dropped_by_reason");
	json_obj_begin(w);
	for (size_t i = 0; i < b->syn.n_drop_reasons; i++)
		json_kv_u64(w, b->syn.drop_reasons[i].name, b->syn.drop_reasons[i].count);
	json_obj_end(w);
	json_kv_u64(w, "forwarded", b->syn.forwarded);
	json_kv_u64(w, "alive", b->syn.alive);
	json_kv_u64(w, "evicted", b->syn.evicted);
	json_kv_bool(w, "balanced", b->syn.balanced);
	json_kv_u64(w, "synacks_sent", b->segments[SEG_TX][SEG_SYNACK]);
	json_kv_u64(w, "rsts_sent", b->rst_sent);
	json_key(w, "rsts_sent_by_reason");
	json_obj_begin(w);
	for (size_t i = 0; i < b->n_rst_reasons; i++)
		json_kv_u64(w, b->rst_reasons[i].name, b->rst_reasons[i].count);
	json_obj_end(w);
	json_kv_u64(w, "synack_retransmissions", b->synack_retransmits);
	json_obj_end(w);
}

static void synflood_json(const struct lab_run *r, struct json_writer *w)
{
	const struct seg_netns *b = ns_of(r, "b");

	if (b)
		json_syn_fate(w, b);
	else
		json_key(w, "syns"), json_null(w);
	json_key(w, "counters");
	json_arr_begin(w);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const struct counter_check *c = &checks[i];
		const struct counters_row *row = lab_counter(r, c->ns, c->group, c->name);
		uint64_t v;
		bool have = trace_figure(r, c, &v);

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
		json_kv_str(w, "trace_event", figure_name(c));
		if (c->reason)
			json_kv_str(w, "trace_reason", c->reason);
		if (have)
			json_kv_u64(w, "trace_count", v);
		json_kv_str(w, "relation", c->rel == REL_EQUAL ? "equal" : c->rel == REL_AT_MOST ?
					   "counter_at_most_trace" : "none");
		json_kv_str(w, "verdict", row ? verdict(c, row->delta, v, have) : "");
		json_kv_str(w, "why", c->why);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "segments");
	segments_print_json(w, &r->res->segments);
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
	.parts = RR_PART_SEGMENTS,
	.text = synflood_text,
	.json = synflood_json,
	.next = next,
};
