// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab handshake: one TCP connection from connect() to close()
 * (the `handshake` scenario: connect, 64 bytes echoed, close), shown as
 * the kernel saw it: a ladder of both ends' states and every segment in
 * order with seq/ack relative to each side's ISN, the function that sent
 * each segment and the one that received it (from their stacks), the RTT
 * the kernel estimated (tcp_probe), TIME_WAIT and the sockets' lifetimes.
 * The work is the conns analysis (analysis/conns.c); this file chooses
 * what to record and what to say around it.
 */
#include <inttypes.h>
#include <string.h>
#include "cmd/lab.h"
#include "common/json.h"
#include "render/conns_out.h"

static const char *const original[] = {
	"(not in the reference study: issue 'netscope labs II', lab 4)",
	"tcpdump -i veth0 -S; perf trace -e sock:inet_sock_set_state,tcp:tcp_probe; ss -ti",
	NULL,
};

/*
 * A stack on every event: the default policy (the first 8 hits of each
 * call site, then one per 10 ms) can leave a segment without one, and a
 * few connections cost nothing.  tcp_probe is in the default events.
 */
static const char *const record_args[] = { "--stack-policy", "all", NULL };

static int handshake_text(const struct lab_run *r, FILE *out)
{
	const struct conns_result *c = &r->res->conns;

	lab_heading(out, "The connection, as both ends' kernels saw it");
	if (!c->n) {
		fprintf(out, "no connection in the trace: the SYN was not captured\n");
		return 1;
	}
	fprintf(out, "times in ms from the client's first event; arrows are segments (sender → "
		     "receiver functions,\nfrom their stacks); names at the sides are the sockets' "
		     "new states (inet_sock_set_state)\n\n");
	conns_print_conn(out, &c->conns[0]);
	fprintf(out, "\nWhat to notice:\n"
		     "  - seq and ack are relative to each side's ISN: the SYN and the FIN each take "
		     "one sequence number\n"
		     "  - the server's socket is a child of the listener, made when the handshake's "
		     "last ACK arrives\n"
		     "    (tcp_check_req -> tcp_v4_syn_recv_sock); the SYN made only a request sock, "
		     "which has no states\n"
		     "  - whoever closes first ends in TIME_WAIT: its full socket goes to CLOSE "
		     "and a timewait sock\n"
		     "    (no tracepoint) answers for the 4-tuple for 60 s\n");
	if (c->n > 1) {
		lab_heading(out, "The other connections");
		for (size_t i = 1; i < c->n; i++)
			conns_print_line(out, &c->conns[i]);
	}
	if (c->evicted || c->stray)
		fprintf(out, "%" PRIu64 " connections evicted, %" PRIu64 " segments of no followed "
			"connection\n", c->evicted, c->stray);
	return 0;
}

static void handshake_json(const struct lab_run *r, struct json_writer *w)
{
	const struct conns_result *c = &r->res->conns;

	json_key(w, "connection");
	if (c->n)
		conns_conn_json(w, &c->conns[0]);
	else
		json_null(w);
	json_key(w, "conns");
	conns_print_json(w, c);
}

static const char *const next[] = {
	"netscope where tcp_rcv_state_process        the handshake's state machine",
	"netscope callers tcp_time_wait              who hands a socket to TIME_WAIT",
	"netscope struct inet_timewait_sock          what stays for 60 s",
	NULL,
};

const struct capture_lab lab_handshake = {
	.name = "handshake",
	.title = "one TCP connection: both state machines, every segment, RTT, TIME_WAIT",
	.summary = "connect, 64 bytes echoed, close: a ladder of states and segments with seq/ack",
	.experiment = "-",
	.original = original,
	.scenario = "handshake",
	.record_args = record_args,
	.events = "default",
	.count = 1,
	.duration = 10,
	.sample_hz = 0,
	.funcs = "tcp*",
	.depth = 12,
	.parts = RR_PART_CONNS,
	.text = handshake_text,
	.json = handshake_json,
	.next = next,
};
