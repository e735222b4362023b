// SPDX-License-Identifier: GPL-2.0
/* netscope record: capture into a trace file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "cmd/capture_run.h"
#include "cmd/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "trace/tracefile.h"

static void usage(FILE *out)
{
	fprintf(out,
"Usage: netscope record -o FILE [--scenario NAME | --netns NS | -- CMD ARGS] [OPTIONS]\n"
"\n"
"Capture into FILE, a self-contained netscope trace (docs/TRACE_FORMAT.md) that\n"
"`netscope report FILE` explains, here or on another machine.\n"
"\n"
"  -o, --output FILE   the trace file to write (required)\n"
"  --snaplen N         also record the first N bytes of each packet (0 to %d),\n"
"                      from its IP header on, once per packet, as far as the\n"
"                      skb's linear area holds them; default 0: headers only\n"
"                      (the decoded fields every event has)\n"
"All workload, filter and capture options of `netscope trace` apply\n"
"(see `netscope trace --help`).\n"
"\n"
"EXAMPLES:\n"
"  netscope record -o flood.ns --scenario syn-flood --count 20000\n"
"  netscope record -o all.ns --netns all --duration 10\n"
"  netscope record -o mem.ns --scenario handshake --events default,kmem\n"
"  netscope record -o udp.ns --scenario udp --snaplen 256 && \\\n"
"    netscope export udp.ns --to pcapng udp.pcapng\n"
"  netscope record -o fg.ns --scenario refused --count 50 --method ftrace \\\n"
"      --funcs 'ip_local_deliver_finish,tcp_v4_rcv,tcp_v4_send_reset'\n"
"  netscope report fg.ns --view funcs    # the function profile and graph\n"
"  netscope report flood.ns\n", NS_SNAPLEN_MAX);
}

struct record_ctx {
	struct tracefile_writer *w;
	struct capture_session **session;
	const struct ksyms *ksyms;
	int err;
	uint64_t last_flush_ns;
};

static int on_event(void *ctx, const struct ns_event *ev)
{
	struct record_ctx *r = ctx;
	uint64_t ips[NS_STACK_DEPTH];
	int err;

	/* no file (it could not be made) or a write failed: the rest is drained unread */
	if (r->err || !r->w)
		return 0;
	/* a stack and the symbols it needs go to the file before any event names it */
	if (ev->stack_id >= 0 && !tfw_has_stack(r->w, ev->stack_id) && *r->session) {
		int n = capture_stack(*r->session, ev->stack_id, ips, NS_STACK_DEPTH);

		/* the frames of the tracing machinery say nothing about the kernel */
		size_t skip = n > 0 ? ksyms__tracing_frames(r->ksyms, ips, n) : 0;

		if (n > 0 && (err = tfw_add_stack(r->w, ev->stack_id, ips + skip, n - skip, r->ksyms)))
			goto fail;
	}
	/* kmem events: location is the allocation's call site; functions: the function */
	if (ev->location && r->ksyms && (ev->type == NS_EV_KFREE_SKB || ev->type == NS_EV_CONSUME_SKB ||
					 (ev->type >= NS_EV_KMEM_ALLOC && ev->type <= NS_EV_PAGE_FREE) ||
					 ns_event_is_func(ev->type)) &&
	    (err = tfw_add_symbol(r->w, ev->location, r->ksyms)))
		goto fail;
	if ((err = tfw_add_event(r->w, ev)))
		goto fail;
	/* once a second, flush and write the counters so far: a file cut off
	 * by a crash still says how much was lost until then */
	if (ev->ts_ns - r->last_flush_ns >= 1000000000ull && *r->session) {
		struct ns_capture_stats st;

		r->last_flush_ns = ev->ts_ns;
		capture_stats(*r->session, &st);
		/* queued, not waited for: the ring consumer must not wait on the disk */
		if ((err = tfw_checkpoint(r->w, &st)))
			goto fail;
	}
	return 0;
fail:
	r->err = err;
	ns_err("cannot write the trace: %s", tfw_error(r->w));
	return 0;
}

/* a packet's bytes (--snaplen): after its event, so the file keeps them in order */
static int on_payload(void *ctx, const struct ns_payload_rec *p)
{
	struct record_ctx *r = ctx;
	int err;

	if (r->err || !r->w)
		return 0;
	if ((err = tfw_add_payload(r->w, p))) {
		r->err = err;
		ns_err("cannot write the trace: %s", tfw_error(r->w));
	}
	return 0;
}

enum { OPT_SNAPLEN = 2000 };

static int record_opt(struct run_opts *ro, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case 'o':
		ro->output = arg;
		return 0;
	case OPT_SNAPLEN:
		if (ns_parse_u64(arg, NS_SNAPLEN_MAX, &v)) {
			ns_err("bad --snaplen '%s': expected bytes per packet, 0 to %d "
			       "(0: headers only)", arg, NS_SNAPLEN_MAX);
			return -EINVAL;
		}
		ro->cap.snaplen = (uint32_t)v;
		return 0;
	default:
		return -ENOENT;
	}
}

/* what the trace holds of the packets themselves, said after the loss line */
static void print_payload_summary(const struct run_opts *ro, const struct ns_capture_stats *s)
{
	if (!ro->cap.snaplen) {
		fprintf(stderr, "netscope: packets: headers only (decoded fields; --snaplen N records "
			"their first N bytes)\n");
		return;
	}
	fprintf(stderr, "netscope: packet bytes (snaplen %u): %llu packets captured, %llu of them "
		"cut short by the skb's linear area (the rest was in page frags)",
		ro->cap.snaplen, (unsigned long long)s->payload_captured,
		(unsigned long long)s->payload_cut);
	if (s->payload_lost)
		fprintf(stderr, "; %llu lost (ring buffer full)", (unsigned long long)s->payload_lost);
	if (s->payload_unmatched)
		fprintf(stderr, "; %llu without their packet (its event was lost)",
			(unsigned long long)s->payload_unmatched);
	fputc('\n', stderr);
}

int cmd_record(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option extra[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
		{ NULL },
	};
	struct ns_capture_stats stats = {};
	struct record_ctx r = {};
	struct run_opts ro;
	struct run_state st;
	char errbuf[512];
	int err;

	err = run_parse_args(&ro, co, argc, argv, "o:", extra, record_opt, usage);
	if (err)
		return err > 0 ? 0 : 2;
	if (!ro.output) {
		ns_err("no output file: give -o FILE");
		return 2;
	}
	r.session = &st.session;

	err = run_start(&st, &ro, on_event, &r);
	if (err)
		return 1;
	r.ksyms = st.ksyms;
	capture_on_payload(st.session, on_payload, &r);
	if (ro.cap.snaplen) {
		/* absent: headers only, as in every trace before --snaplen */
		snprintf(errbuf, sizeof(errbuf), "%u", ro.cap.snaplen);
		ns_meta_set(&st.meta, "capture.snaplen", errbuf);
	}
	/* the file is created once the capture is attached, so its metadata
	 * names the methods actually used; events wait in the ring meanwhile */
	r.w = tfw_open(ro.output, &st.meta, &st.names, errbuf, sizeof(errbuf));
	if (!r.w) {
		ns_err("%s", errbuf);
		run_stop(&st, NULL);
		run_free(&st);
		run_opts_free(&ro);
		return 1;
	}
	err = run_loop(&st, &ro);
	run_stop(&st, &stats);
	if (!r.err && tfw_add_meta(r.w, &st.meta, st.meta_at_stop)) {
		ns_err("cannot write the trace: %s", tfw_error(r.w));
		r.err = -EIO;
	}
	tfw_writer_stats(r.w, &stats.writer_stalls, &stats.writer_stall_ns, &stats.writer_dropped);
	if (tfw_close(r.w, &stats) && !r.err) {
		ns_err("cannot finish '%s'", ro.output);
		err = -EIO;
	}
	run_print_loss(stderr, &stats);
	print_payload_summary(&ro, &stats);
	if (!err && r.err)
		err = r.err;
	if (!err && st.scenario_status > 0 && !st.interrupted) {
		ns_err("scenario '%s' failed (exit status %d)", ro.sc.name, st.scenario_status);
		err = -ECHILD;
	}
	if (!err)
		fprintf(stderr, "netscope: wrote %s\n", ro.output);
	run_free(&st);
	run_opts_free(&ro);
	return err ? 1 : 0;
}
