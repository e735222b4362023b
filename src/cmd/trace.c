// SPDX-License-Identifier: GPL-2.0
/* netscope trace: live, one line (or JSON object) per event. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "cmd/capture_run.h"
#include "cmd/cmd.h"
#include "common/log.h"
#include "analysis/report.h"
#include "render/event_line.h"
#include "render/report.h"

static void usage(FILE *out)
{
	fprintf(out,
"Usage: netscope trace [--scenario NAME | --netns NS | -- CMD ARGS] [OPTIONS]\n"
"\n"
"Live capture: one line per event, in the order the ring buffer delivers them.\n"
"Without --netns, only the namespaces of the scenario (or command) are traced.\n"
"\n"
"Workload:\n"
"  --scenario NAME     syn-flood, handshake, refused, bulk, udp (in private namespaces)\n"
"  --count N           packets / connections / datagrams of the scenario\n"
"  --rate N            per second (syn-flood); default: as fast as possible\n"
"  --bytes N           bulk: bytes to stream (K, M, G suffixes)\n"
"  --seed N            syn-flood: seed of the random sources (the same seed, the same SYNs)\n"
"  --closed-port N     syn-flood: every other SYN to port N, where nothing listens\n"
"  --linger S          syn-flood: keep the listener S seconds after the flood (its SYN-ACK\n"
"                      retransmissions come at 1 s, 3 s, ...)\n"
"  --duration S        stop after S seconds (bounds the scenario too)\n"
"  -- CMD ARGS         run CMD in the first namespace instead of a scenario\n"
"  --devices A,B       the lab over two devices of this namespace instead of a veth pair:\n"
"                      A moves into the first namespace, B into the second, and both come\n"
"                      back at the end (say, two NICs on one wire); refused: loopback, veth,\n"
"                      a device with an address or in a bridge or bond (docs/labs.md)\n"
"Filters (applied in the kernel):\n"
"  --netns NS          name under /run/netns, inode number, or 'all' (repeatable, up to 4)\n"
"  --host ADDR         either address equals ADDR (IPv4 or IPv6)\n"
"  --port N            either port equals N\n"
"  --proto P           tcp, udp, icmp, icmp6\n"
"  --ifname NAME       device name\n"
"  --pid PID           current task's process id (softirq events carry whatever was interrupted)\n"
"Capture:\n"
"  --events LIST       event names or groups, e.g. 'all', 'default,softirq_entry' or 'skb,tcp';\n"
"                      default: net_dev_queue, the three RX entries, skb, tcp, sock, udp;\n"
"                      'all' adds start_xmit, xmit, netif_rx, softirq, napi, qdisc, irq\n"
"  --stack-policy P    none, sampled (default: the first 8 hits of each call site, then one\n"
"                      per --stack-interval), all (a stack on every event: slow)\n"
"  --stack-interval MS at most one sampled stack per call site and CPU per MS (default 10)\n"
"  --ring-size BYTES   ring buffer size, a power of two (default 8M)\n"
"  --softirq net|all   softirq vectors recorded (default net: NET_TX, NET_RX)\n"
"  --raw-tp            use raw_tp programs even where tp_btf works\n"
"  --method M          tracepoints (only), or bpf-func: kernel functions too, by fentry/fexit,\n"
"                      kprobe.multi or kprobes, whichever this kernel allows (an error when\n"
"                      none does), or ftrace: kernel functions by ftrace's function_graph\n"
"                      (the function tracer where function_graph is top-level only) in a\n"
"                      private tracefs instance: nesting and time, no arguments, no packet;\n"
"                      default: functions when --funcs names some and a BPF backend works,\n"
"                      else by ftrace where it works, else tracepoints, saying why\n"
"  --funcs GLOB[,GLOB] kernel functions to trace (default for bpf-func: every function\n"
"                      taking a struct sk_buff * or struct sock *: netscope doctor counts them;\n"
"                      for ftrace: the reference experiment's net* skb* ip* sock* tcp*)\n"
"  --funcs-file FILE   the same, one glob a line\n"
"  --graph-funcs GLOB[,GLOB]  with --method ftrace: function_graph starts only in these\n"
"                      functions (set_graph_function, as the reference experiment): of\n"
"                      the --funcs functions, only those they call are traced\n"
"  --func-backend B    auto (default: fentry up to 64 functions, kprobe.multi above),\n"
"                      fentry, kprobe-multi or kprobe\n"
"  --func-threads N    fentry: load, attach and detach the programs from N threads (1 to 64;\n"
"                      default one per online CPU, at most 8): the verifier runs overlap,\n"
"                      the kernel's trampoline updates go one at a time whatever N\n"
"  --no-fexit          fentry: entry programs only (no return values or times; half the\n"
"                      programs to load and attach)\n"
"  --sample-freq HZ    also sample every CPU HZ times a second (1..20000; default 0: off):\n"
"                      cpu_sample events with the kernel stack of what ran\n"
"Syscalls:\n"
"  --events default,syscalls  also the socket calls (socket, connect, accept4, send*,\n"
"                      recv*, read, write, poll, epoll_*, close, ...) of the traced\n"
"                      namespaces' tasks (or --pid's): syscall events at enter and exit\n"
"Packet memory:\n"
"  --events default,kmem  also the allocations and frees of skbs and their data (kmem\n"
"                      tracepoints filtered in the kernel to the skb caches and call sites);\n"
"                      kmem-pages adds the pages of skb page frags (netscope report\n"
"                      FILE --view skb-memory)\n"
"Output:\n"
"  --stack             print the kernel stack under events that have one\n"
"                      (with --json, cpu samples always carry theirs)\n"
"  --report            at the end, the report `netscope report` would give for\n"
"                      these events (with --json: one more line, the report object)\n"
"  -j, --json          one JSON object per line\n"
"  -v                  more messages (-vv: libbpf debug)\n"
"\n"
"EXAMPLES:\n"
"  netscope trace --scenario refused\n"
"  netscope trace --scenario handshake --events sock,tcp --json\n"
"  netscope trace --scenario syn-flood --count 2000 --report\n"
"  netscope trace --netns all --proto tcp --port 22 --duration 5\n"
"  netscope trace --stack -- curl -s http://198.18.0.2:8080/\n"
"  netscope trace --scenario bulk --sample-freq 999 --json\n"
"  netscope trace --scenario handshake --events default,syscalls\n");
}

struct trace_ctx {
	struct event_fmt fmt;
	struct run_opts *ro;
	struct capture_session **session;
	struct report *report;	/* --report: the same analyses as `netscope report` */
	uint64_t printed;
};

/* report_ctx.stack: frames from the live stack map, read when a stack id is first seen */
static size_t live_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	struct capture_session **session = arg;
	int n = *session ? capture_stack(*session, id, ips, max) : 0;

	return n > 0 ? n : 0;
}

static int on_event(void *ctx, const struct ns_event *ev)
{
	struct trace_ctx *t = ctx;
	uint64_t ips[NS_STACK_DEPTH];
	int n = 0;

	if (!t->fmt.t0_ns)
		t->fmt.t0_ns = ev->ts_ns;
	size_t skip = 0;

	/* a cpu sample is its stack: JSON carries it as perf script shows it */
	bool want_stack = t->ro->stacks || (t->ro->json && ev->type == NS_EV_CPU_SAMPLE);

	if (want_stack && ev->stack_id >= 0 && *t->session)
		n = capture_stack(*t->session, ev->stack_id, ips, NS_STACK_DEPTH);
	if (n > 0)
		skip = ksyms__tracing_frames(t->fmt.ksyms, ips, n);
	if (t->ro->json) {
		event_json_print(stdout, &t->fmt, ev, ips + skip, n - skip);
	} else {
		event_line_print(stdout, &t->fmt, ev);
		for (int i = skip; i < n; i++) {
			char buf[160];

			printf("%16s%s\n", "", ksyms__fmt(t->fmt.ksyms, ips[i], buf, sizeof(buf)));
		}
	}
	t->printed++;
	/* the reader went away (`| head`): stop capturing, clean up, say nothing */
	if (ferror(stdout)) {
		run_request_stop();
		return 0;
	}
	if (t->report)
		report_feed(t->report, ev);
	return 0;
}

static int trace_opt(struct run_opts *ro, int c, const char *arg)
{
	if (c == 's')
		ro->stacks = true;
	else if (c == 'r')
		ro->report = true;
	else
		return -ENOENT;
	return 0;
}

int trace_report_end(struct report *r, const struct ns_capture_stats *stats, bool json, FILE *out)
{
	int err;

	if (!r) {
		ns_err("cannot make the report: out of memory");
		return -ENOMEM;
	}
	err = report_finish(r, stats, false);
	if (err) {
		ns_err("cannot finish the report: %s", strerror(-err));
		return err;
	}
	if (json) {
		render_report_json(report_result(r), out);
	} else {
		fputc('\n', out);
		render_report_text(report_result(r), out);
	}
	return 0;
}

int cmd_trace(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option extra[] = {
		{ "stack", no_argument, NULL, 's' },
		{ "report", no_argument, NULL, 'r' },
		{ NULL },
	};
	struct ns_capture_stats stats = {};
	struct trace_ctx t = {};
	struct run_opts ro;
	struct run_state st;
	int err, report_err = 0;

	err = run_parse_args(&ro, co, argc, argv, "", extra, trace_opt, usage);
	if (err)
		return err > 0 ? 0 : 2;
	t.ro = &ro;
	t.session = &st.session;
	setvbuf(stdout, NULL, _IOLBF, 0);

	err = run_start(&st, &ro, on_event, &t);
	if (err)
		return 1;
	t.fmt.names = &st.names;
	t.fmt.ksyms = st.ksyms;
	if (ro.report) {
		struct report_ctx rctx = { .meta = &st.meta, .names = &st.names, .ksyms = st.ksyms,
					   .stack = live_stack, .stack_arg = &st.session };

		/* NULL: said at the end, where the report would be */
		t.report = report_new(&rctx);
	}
	if (!ro.json)
		event_line_header(stdout);
	err = run_loop(&st, &ro);
	run_stop(&st, &stats);
	if (ro.report) {
		report_err = trace_report_end(t.report, &stats, ro.json, stdout);
		report_free(t.report);
	}
	fflush(stdout);
	run_print_loss(stderr, &stats);
	if (!err && st.scenario_status > 0 && !st.interrupted) {
		ns_err("scenario '%s' failed (exit status %d)", ro.sc.name, st.scenario_status);
		err = -ECHILD;
	}
	run_free(&st);
	run_opts_free(&ro);
	return err || report_err ? 1 : 0;
}
