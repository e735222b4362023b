// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab layers: experiment 3 of the reference study, "find the APIs
 * between L2 and L3, L3 and L4, L4 and the application".  The study traced
 * function_graph under set_graph_function 'net*' 'skb*' 'ip*' 'sock*'; here
 * a real application on both ends (an epoll server, a poll client, data
 * both ways: the rpc scenario) runs while netscope takes the network
 * events with their stacks, the application's socket syscalls and CPU
 * samples at a high rate, and every stack's frames are put in layers
 * (data/layers.rules) to find where control passes from one to the next.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/boundaries.h"
#include "cmd/lab.h"
#include "common/json.h"
#include "render/html.h"
#include "render/layers_out.h"

static const char *const original[] = {
	"echo 'net*' > set_graph_function; echo 'skb*' >> set_graph_function",
	"echo 'ip*' >> set_graph_function; echo 'sock*' >> set_graph_function",
	"echo function_graph > current_tracer   (read trace: skb_push, dev_queue_xmit,",
	"  netif_receive_skb, ip_rcv, sock_poll, sockfd_lookup_light, tcp_v4_rcv)",
	NULL,
};

static const char *const record_args[] = { NULL };

/*
 * The hand-offs the experiment looked for, as (callers) -> (callees) of
 * one boundary: any caller of the set calling any callee of the set finds
 * it.  Sets, because kernels differ and the compiler hides frames: ip_rcv
 * ends in NF_HOOK(..., ip_rcv_finish), a tail call when no netfilter hook
 * is set, so a stack goes from __netif_receive_skb_one_core straight to
 * the frame that is still there (ip_local_deliver_finish on 6.18).
 */
static const struct expected_boundary {
	const char *name;
	const char *dir;	/* "RX" or "TX" */
	const char *callers, *callees;	/* space-separated */
	const char *why;
} expected[] = {
	{ "L2 -> L3", "RX",
	  "__netif_receive_skb_core __netif_receive_skb_one_core __netif_receive_skb_list_core "
	  "__netif_receive_skb",
	  "ip_rcv ip_list_rcv ip_rcv_finish ip_local_deliver ip_local_deliver_finish "
	  "ip_sublist_rcv",
	  "the device layer hands the packet to IPv4 (packet_type.func = ip_rcv)" },
	{ "L3 -> L4", "RX", "ip_local_deliver_finish ip_protocol_deliver_rcu",
	  "tcp_v4_rcv",
	  "IP delivers to TCP through net_protocol.handler (INDIRECT_CALL_2)" },
	{ "L4 -> socket", "RX", "tcp_data_queue tcp_data_ready tcp_rcv_established tcp_queue_rcv",
	  "sock_def_readable",
	  "TCP queues the data and wakes the reader (sk->sk_data_ready)" },
	{ "socket -> L4 (app polls)", "RX", "sock_poll do_sys_poll ep_item_poll __ep_eventpoll_poll",
	  "tcp_poll",
	  "poll/epoll asks the socket, the socket asks TCP (proto_ops.poll)" },
	{ "socket -> L4 (app reads)", "RX", "sock_recvmsg inet_recvmsg __sys_recvfrom sock_read_iter",
	  "tcp_recvmsg tcp_recvmsg_locked",
	  "recv() reaches TCP through proto_ops.recvmsg / proto.recvmsg" },
	{ "socket -> L4 (app writes)", "TX", "inet_sendmsg __sock_sendmsg sock_sendmsg __sys_sendto",
	  "tcp_sendmsg tcp_sendmsg_locked",
	  "send() reaches TCP through proto_ops.sendmsg" },
	{ "L4 -> L3", "TX", "__tcp_transmit_skb tcp_v4_send_synack tcp_v4_send_reset",
	  "ip_queue_xmit __ip_queue_xmit ip_build_and_send_pkt ip_send_unicast_reply",
	  "TCP hands a segment to IP (icsk_af_ops->queue_xmit)" },
	{ "L3 -> L2", "TX", "ip_finish_output2 neigh_resolve_output neigh_hh_output ip_finish_output",
	  "__dev_queue_xmit dev_queue_xmit",
	  "IP hands the frame to the device layer (neigh_output)" },
};

static bool in_set(const char *set, const char *name)
{
	size_t n = strcspn(name, ".");	/* clone suffixes: tcp_poll.isra.0 is tcp_poll */

	for (const char *p = set; *p;) {
		size_t len = strcspn(p, " ");

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len;
		p += strspn(p, " ");
	}
	return false;
}

/* the stacks through the expected boundary, and its commonest pair */
static uint64_t found(const struct lab_run *r, const struct expected_boundary *e,
		      const struct bnd_pair **best)
{
	const struct bnd_result *l = r->res->layers;
	uint64_t n = 0;

	*best = NULL;
	for (size_t g = 0; l && g < l->n_gaps; g++)
		for (size_t i = 0; i < l->gaps[g].n_pairs; i++) {
			const struct bnd_pair *p = &l->gaps[g].pairs[i];

			if (!in_set(e->callers, p->caller) || !in_set(e->callees, p->callee))
				continue;
			n += p->count;
			if (!*best || p->count > (*best)->count)
				*best = p;
		}
	return n;
}

/*
 * A boundary no stack crossed may still be in the profile: both functions
 * ran (sampled apart), the hand-off between them was too short to catch.
 */
static bool both_ran(const struct lab_run *r, const struct expected_boundary *e, const char **caller,
		     const char **callee)
{
	const struct stackprof_result *p = &r->res->profile;

	*caller = *callee = NULL;
	for (size_t i = 0; i < p->n_funcs; i++) {
		if (!*caller && in_set(e->callers, p->funcs[i].name))
			*caller = p->funcs[i].name;
		if (!*callee && in_set(e->callees, p->funcs[i].name))
			*callee = p->funcs[i].name;
	}
	return *caller && *callee;
}

static const char *const app_functions[] = {
	"sock_poll", "tcp_poll", "tcp_sendmsg", "tcp_recvmsg", "sock_recvmsg", "__sys_sendto",
	"__sys_recvfrom", "do_epoll_wait", "do_sys_poll", NULL,
};

/*
 * The same map from the functions each packet entered (where a per-function
 * method ran: lab_method.h), and whether both maps find the same
 * boundaries.  Printed only when the trace has such functions: on kernels
 * that deny them the method lines say why.
 */
static void function_level_text(const struct lab_run *r, FILE *out)
{
	const char *attached = ns_meta_get(r->meta, "capture.funcs");
	struct bnd_agreement a;

	lab_heading(out, "The same map from kernel functions, and whether it agrees");
	fprintf(out, "every packet's traced functions (%s) in the order it entered them;\n"
		     "wherever the layer changes from one function to the next, a boundary:\n\n",
		attached ? attached : "?");
	layers_out_text(r->res->layers_funcs, out, r->o->top ? r->o->top : 6);
	fprintf(out, "\nthe boundaries between the layers a packet's skb is handed through (tcp, udp,\n"
		     "icmp, ip, neighbour, device; socket and syscall are reached through the socket,\n"
		     "drivers are modules: functions cannot show those), in each map:\n");
	if (bnd_compare(r->res->layers, r->res->layers_funcs, &a)) {
		fprintf(out, "  (cannot compare: out of memory)\n");
		return;
	}
	layers_agreement_text(&a, out);
	bnd_agreement__free(&a);
}

static void function_level_json(const struct lab_run *r, struct json_writer *w)
{
	struct bnd_agreement a;

	json_key(w, "function_level");
	if (!r->res->layers_funcs) {
		json_null(w);
		return;
	}
	json_obj_begin(w);
	json_key(w, "layers");
	layers_out_json(r->res->layers_funcs, w);
	json_key(w, "agreement");
	if (bnd_compare(r->res->layers, r->res->layers_funcs, &a)) {
		json_null(w);
	} else {
		layers_agreement_json(&a, w);
		bnd_agreement__free(&a);
	}
	json_obj_end(w);
}

static int layers_text(const struct lab_run *r, FILE *out)
{
	lab_heading(out, "The layers of the stack, and where control passes between them");
	if (!r->res->layers || !r->res->layers->stacks) {
		fprintf(out, "no stacks in this trace: nothing to classify\n");
	} else {
		fprintf(out, "every kernel stack of the run (CPU samples and the stacks the network events\n"
			     "carried), its frames put in layers by data/layers.rules; between two layers,\n"
			     "the caller -> callee pairs where a stack crossed, with how many stacks did:\n\n");
		layers_out_text(r->res->layers, out, r->o->top ? r->o->top : 6);
	}
	lab_heading(out, "The boundaries the experiment looked for");
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expected_boundary *e = &expected[i];
		const struct bnd_pair *best;
		const char *a, *b;
		uint64_t n = found(r, e, &best);

		fprintf(out, "  %s %-26s ", e->dir, e->name);
		if (n)
			fprintf(out, "found   %s -> %s (%" PRIu64 " stacks)\n", best->caller,
				best->callee, n);
		else if (both_ran(r, e, &a, &b))
			fprintf(out, "ran     %s and %s both in samples; no stack caught the hand-off\n",
				a, b);
		else
			fprintf(out, "missing no stack or sample of it in this run\n");
		fprintf(out, "     %-29s %s\n", "", e->why);
	}
	if (r->res->layers_funcs)
		function_level_text(r, out);
	lab_heading(out, "The application's side");
	for (const char *const *f = app_functions; *f; f++) {
		const struct sp_func *s = lab_function(r, *f);

		fprintf(out, "  %-16s ", *f);
		if (s)
			fprintf(out, "on %" PRIu64 " CPU samples (innermost on %" PRIu64
				"), on %" PRIu64 " event stacks\n", s->total, s->self, s->event_stacks);
		else
			fprintf(out, "not seen (inlined, renamed, or too short to be sampled)\n");
	}
	fprintf(out, "  socket syscalls of the lab's tasks: %" PRIu64 " events (netscope report FILE "
		     "--view syscalls)\n", lab_events(r, NS_EV_SYSCALL));
	lab_heading(out, "Function profile, CPU samples ('net* skb* ip* sock*' as set_graph_function)");
	render_profile_text(&r->res->profile, &r->pv, out);
	lab_heading(out, "Call graph, rebuilt from stacks (function_graph)");
	render_callgraph_text(&r->res->profile, &r->pv, out);
	return 0;
}

static void layers_json(const struct lab_run *r, struct json_writer *w)
{
	json_key(w, "layers");
	if (r->res->layers)
		layers_out_json(r->res->layers, w);
	else
		json_null(w);
	json_key(w, "expected_boundaries");
	json_arr_begin(w);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expected_boundary *e = &expected[i];
		const struct bnd_pair *best;
		const char *a, *b;
		uint64_t n = found(r, e, &best);

		json_obj_begin(w);
		json_kv_str(w, "name", e->name);
		json_kv_str(w, "direction", e->dir);
		json_kv_u64(w, "stacks", n);
		json_kv_str(w, "status", n ? "found" : both_ran(r, e, &a, &b) ? "ran" : "missing");
		if (best) {
			json_kv_str(w, "caller", best->caller);
			json_kv_str(w, "callee", best->callee);
		}
		json_kv_str(w, "why", e->why);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "application");
	json_obj_begin(w);
	for (const char *const *f = app_functions; *f; f++) {
		const struct sp_func *s = lab_function(r, *f);

		json_key(w, *f);
		if (!s) {
			json_null(w);
			continue;
		}
		json_obj_begin(w);
		json_kv_u64(w, "samples", s->total);
		json_kv_u64(w, "self", s->self);
		json_kv_u64(w, "event_stacks", s->event_stacks);
		json_obj_end(w);
	}
	json_obj_end(w);
	json_kv_u64(w, "syscall_events", lab_events(r, NS_EV_SYSCALL));
	function_level_json(r, w);
}

/* the findings on the lab's page: the layers diagram and the profile are its own sections */
static void layers_html(const struct lab_run *r, FILE *out)
{
	fputs("<p>The layers diagram (section Layers) puts every kernel stack of the run in layers;"
	      " here, the boundaries the experiment looked for.</p>\n<div class=\"scroll\"><table"
	      " id=\"expected-boundaries\"><thead><tr><th>boundary</th><th>direction</th><th>status"
	      "</th><th>stacks</th><th>commonest pair</th><th>why</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expected_boundary *e = &expected[i];
		const struct bnd_pair *best;
		const char *a, *b;
		uint64_t n = found(r, e, &best);
		const char *status = n ? "found" : both_ran(r, e, &a, &b) ? "ran" : "missing";

		fputs("<tr><td>", out);
		html_esc(out, e->name);
		fprintf(out, "</td><td>%s</td><td class=\"%s\">%s</td><td class=\"num\">%" PRIu64
			"</td><td class=\"mono\">", e->dir, n ? "fate-consumed" : "warn", status, n);
		if (best) {
			html_esc(out, best->caller);
			fputs(" → ", out);
			html_esc(out, best->callee);
		}
		fputs("</td><td>", out);
		html_esc(out, e->why);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n<h3>The application's side</h3>\n<div class=\"scroll\"><table"
	      " id=\"application-functions\"><thead><tr><th>function</th><th>CPU samples</th>"
	      "<th>innermost</th><th>event stacks</th></tr></thead><tbody>\n", out);
	for (const char *const *f = app_functions; *f; f++) {
		const struct sp_func *sf = lab_function(r, *f);

		fprintf(out, "<tr><td class=\"mono\">%s</td>", *f);
		if (sf)
			fprintf(out, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
				"</td><td class=\"num\">%" PRIu64 "</td></tr>\n", sf->total, sf->self,
				sf->event_stacks);
		else
			fputs("<td colspan=\"3\" class=\"muted\">not seen (inlined, renamed, or too short"
			      " to be sampled)</td></tr>\n", out);
	}
	fprintf(out, "</tbody></table></div>\n<p>Socket syscalls of the lab's tasks: %" PRIu64
		" events (<code>netscope report FILE --view syscalls</code>).</p>\n",
		lab_events(r, NS_EV_SYSCALL));
	if (r->res->layers_funcs) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		if (!m)
			return;
		function_level_text(r, m);
		if (fclose(m) == 0 && buf) {
			fputs("<h3>The same map from kernel functions</h3>\n<pre id=\"function-level\">", out);
			html_esc(out, buf);
			fputs("</pre>\n", out);
		}
		free(buf);
	}
}

static const char *const next[] = {
	"netscope callers --depth 6 tcp_v4_rcv      the receive path as the source has it",
	"netscope callees ip_rcv                    what the frames tail calls hid do",
	"netscope where sock_poll                   where it is, can this kernel trace it",
	"netscope xref sock.sk_data_ready           who sets the wake-up of a socket",
	NULL,
};

const struct capture_lab lab_layers = {
	.name = "layers",
	.title = "the APIs between L2, L3, L4 and the socket (experiment 3)",
	.summary = "where control passes between the layers, RX and TX, from an epoll/poll app",
	.experiment = "exp3",
	.original = original,
	.scenario = "rpc",
	.record_args = record_args,
	.events = "default,syscalls",
	.count = 3000,
	.rate = 1500,
	.duration = 10,
	/* high: short hand-offs (sock_def_readable, tcp_poll) need many samples */
	.sample_hz = 9999,
	.funcs = "net* skb* ip* sock* tcp* __netif* __dev* dev_* __ip* __tcp* inet_*",
	.depth = 16,
	.parts = RR_PART_LAYERS,
	.text = layers_text,
	.json = layers_json,
	.html = layers_html,
	.next = next,
};
