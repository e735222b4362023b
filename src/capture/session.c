// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "capture.skel.h"
#include "capture/ftrace_session.h"
#include "capture/session_funcs.h"
#include "capture/session_progs.h"
#include "capture/kmem.h"
#include "capture/sampling.h"
#include "capture/session_private.h"
#include "common/log.h"
#include "trace/syscalls.h"

/*
 * Fewest arguments each handler reads unconditionally.  A kernel whose
 * prototype has fewer (an older or newer tracepoint) gets that event
 * skipped and reported instead of a program that fails to load.
 */
static const int min_args[NS_EV__COUNT] = {
	[NS_EV_NET_DEV_QUEUE] = 1, [NS_EV_NET_DEV_START_XMIT] = 2, [NS_EV_NET_DEV_XMIT] = 4,
	[NS_EV_NETIF_RECEIVE_SKB] = 1, [NS_EV_NETIF_RX] = 1, [NS_EV_NAPI_GRO_RECEIVE_ENTRY] = 1,
	[NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY] = 1, [NS_EV_KFREE_SKB] = 2, [NS_EV_CONSUME_SKB] = 1,
	[NS_EV_TCP_SEND_RESET] = 2, [NS_EV_TCP_RECEIVE_RESET] = 1, [NS_EV_TCP_RETRANSMIT_SKB] = 2,
	[NS_EV_TCP_RETRANSMIT_SYNACK] = 2, [NS_EV_TCP_DESTROY_SOCK] = 1, [NS_EV_TCP_PROBE] = 2,
	[NS_EV_INET_SOCK_SET_STATE] = 3, [NS_EV_SOCK_RCVQUEUE_FULL] = 2,
	[NS_EV_SOCK_EXCEED_BUF_LIMIT] = 4, [NS_EV_UDP_FAIL_QUEUE_RCV_SKB] = 1,
	[NS_EV_IRQ_HANDLER_ENTRY] = 2, [NS_EV_IRQ_HANDLER_EXIT] = 3, [NS_EV_SOFTIRQ_RAISE] = 1,
	[NS_EV_SOFTIRQ_ENTRY] = 1, [NS_EV_SOFTIRQ_EXIT] = 1, [NS_EV_NAPI_POLL] = 3,
	[NS_EV_QDISC_ENQUEUE] = 3, [NS_EV_QDISC_DEQUEUE] = 4,
	[NS_EV_SYSCALL] = 2, /* sys_enter(regs, id), sys_exit(regs, ret) */
	[NS_EV_IRQ_VECTOR_ENTRY] = 1, [NS_EV_IRQ_VECTOR_EXIT] = 1, /* (vector) */
	/* kmem_cache_alloc(call_site, ptr, s, gfp, node), kmalloc: 6;
	 * kmem_cache_free(call_site, ptr, s), kfree: 2 */
	[NS_EV_KMEM_ALLOC] = 5, [NS_EV_KMEM_FREE] = 2,
	[NS_EV_PAGE_ALLOC] = 3, [NS_EV_PAGE_FREE] = 1,
};

/*
 * The default: one event where a packet enters each layer (device TX,
 * stack RX in its three driver flavours), every free and drop, and every
 * TCP, socket and UDP event.  The per-driver and per-CPU events (start_xmit,
 * xmit, netif_rx, softirq, napi, qdisc, irq) more than double the events
 * per packet (a SYN through veth: ~9 events, ~20 with them) and with it the
 * overhead (docs/PERFORMANCE.md); `--events all` adds them.
 */
uint64_t capture_default_events(void)
{
	static const int ev[] = {
		NS_EV_NET_DEV_QUEUE, NS_EV_NETIF_RECEIVE_SKB, NS_EV_NAPI_GRO_RECEIVE_ENTRY,
		NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY, NS_EV_KFREE_SKB, NS_EV_CONSUME_SKB,
		NS_EV_TCP_SEND_RESET, NS_EV_TCP_RECEIVE_RESET, NS_EV_TCP_RETRANSMIT_SKB,
		NS_EV_TCP_RETRANSMIT_SYNACK, NS_EV_TCP_DESTROY_SOCK, NS_EV_TCP_PROBE,
		NS_EV_INET_SOCK_SET_STATE, NS_EV_SOCK_RCVQUEUE_FULL, NS_EV_SOCK_EXCEED_BUF_LIMIT,
		NS_EV_UDP_FAIL_QUEUE_RCV_SKB,
	};
	uint64_t m = 0;

	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		m |= 1ull << ev[i];
	return m;
}

uint64_t capture_kmem_events(void)
{
	return (1ull << NS_EV_KMEM_ALLOC) | (1ull << NS_EV_KMEM_FREE) | (1ull << NS_EV_PAGE_ALLOC) |
	       (1ull << NS_EV_PAGE_FREE);
}

uint64_t capture_context_events(void)
{
	return (1ull << NS_EV_SOFTIRQ_ENTRY) | (1ull << NS_EV_SOFTIRQ_EXIT) |
	       (1ull << NS_EV_IRQ_HANDLER_ENTRY) | (1ull << NS_EV_IRQ_HANDLER_EXIT);
}

void capture_opts_default(struct capture_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->events = capture_default_events();
	o->stack_mode = NS_STACK_POLICY;
	o->stack_interval_ns = 10000000;
	o->ring_size = 8u << 20;
	o->softirq_mask = (1u << 2) | (1u << 3); /* NET_TX, NET_RX */
}

/*
 * Load the pairs of irq_vectors tracepoints this kernel has, when either
 * event type is wanted: both halves of a pair or neither, since the pair
 * keeps the hardirq depth.  Returns whether any pair will load.
 */
static bool irq_vectors_select(struct capture_session *s, const struct features *ft, bool use_btf,
			       struct bpf_program *btf[][2], struct bpf_program *raw[][2])
{
	bool want = s->events & ((1ull << NS_EV_IRQ_VECTOR_ENTRY) | (1ull << NS_EV_IRQ_VECTOR_EXIT));
	bool any = false;

	for (unsigned int w = 1; w < NS_IRQV__COUNT; w++) {
		const struct tracepoint_status *en = &ft->irq_vectors[w][0], *ex = &ft->irq_vectors[w][1];
		bool on = want && (use_btf ? en->in_btf && ex->in_btf :
					     en->in_tracefs && ex->in_tracefs);

		s->irqv_on[w] = on;
		any |= on;
		for (int x = 0; x < 2; x++) {
			bpf_program__set_autoload(btf[w][x], on && use_btf);
			bpf_program__set_autoload(raw[w][x], on && !use_btf);
		}
	}
	return any;
}

/* Exits before entries: an entry attached alone would leave the hardirq
 * depth of its CPU raised for good at its first hit.  Returns pairs attached. */
static int irq_vectors_attach(struct capture_session *s, bool use_btf,
			      struct bpf_program *btf[][2], struct bpf_program *raw[][2])
{
	int pairs = 0;

	for (unsigned int w = 1; w < NS_IRQV__COUNT; w++) {
		if (!s->irqv_on[w])
			continue;
		for (int x = 1; x >= 0; x--) {
			s->irqv_links[w][x] = bpf_program__attach(use_btf ? btf[w][x] : raw[w][x]);
			if (!s->irqv_links[w][x]) {
				ns_warn("cannot attach to irq_vectors:%s_%s: %s: skipped",
					ns_irq_vector_name(w), x ? "exit" : "entry", strerror(errno));
				bpf_link__destroy(s->irqv_links[w][1]);
				s->irqv_links[w][1] = NULL;
				s->irqv_on[w] = false;
				break;
			}
		}
		pairs += s->irqv_on[w];
	}
	return pairs;
}

/*
 * capture_wakeup_mark() (session.h).  A wake-up is not free: the ring
 * buffer raises an irq_work, a self-IPI, which in a VM is an exit to the
 * hypervisor; here it cost ~40 us of the flooding thread each (perf:
 * native_write_msr under bpf_ringbuf_submit, 7 % of the BPF programs' time
 * at 570 wake-ups/s).  So as few as keep the consumer safe: the backlog of
 * all CPUs together is bounded, not each CPU's (the mark was a 32nd of the
 * ring per CPU: a sixteenth in all on 2 CPUs, four times the wake-ups, and
 * twice the ring on 64 CPUs).  The consumer also polls on a timeout, so a
 * quiet tail below the mark is never stranded.
 */
uint32_t capture_wakeup_mark(uint32_t ring_size, int ncpus)
{
	uint64_t n = ring_size / 4 / sizeof(struct ns_event) / (ncpus > 0 ? ncpus : 1);

	return n ? n : 1;
}

static void configure(struct capture_bpf *skel, const struct capture_opts *o,
		      const struct features *ft)
{
	const struct capture_filter *f = &o->filter;
	struct capture_bpf__rodata *ro = skel->rodata;

	for (unsigned int i = 0; i < f->netns_n && i < NS_MAX_NETNS_FILTER; i++)
		ro->netns_filter[i] = f->netns[i];
	ro->netns_filter_n = f->netns_n;
	ro->filter_pid = f->pid;
	ro->filter_l4 = f->l4_proto;
	ro->filter_port = f->port;
	ro->filter_host_family = f->host_family;
	memcpy((void *)ro->filter_host, f->host, sizeof(f->host));
	if (f->ifname[0]) {
		memcpy((void *)ro->filter_ifname, f->ifname, sizeof(f->ifname));
		ro->filter_ifname_set = 1;
	}
	ro->softirq_mask = o->softirq_mask;
	ro->stack_mode = o->stack_mode;
	ro->stack_interval_ns = o->stack_interval_ns;
	ro->wakeup_events = capture_wakeup_mark(o->ring_size, libbpf_num_possible_cpus());
	ro->kfree_skb_has_reason = ft->tp[NS_EV_KFREE_SKB].nargs >= 3;
	ro->kfree_skb_has_rx_sk = ft->tp[NS_EV_KFREE_SKB].nargs >= 4;
	ro->consume_skb_has_location = ft->tp[NS_EV_CONSUME_SKB].nargs >= 2;
	ro->tcp_send_reset_has_reason = ft->tp[NS_EV_TCP_SEND_RESET].nargs >= 3;
	ro->udp_fail_has_sk_skb = ft->tp[NS_EV_UDP_FAIL_QUEUE_RCV_SKB].nargs >= 3;
	ro->snaplen = o->snaplen;
	ns_syscall_mask((uint64_t *)ro->syscall_mask, NS_SYSCALL_MAX / 64);
}

/*
 * Stack map entries for cpu sampling: every sample takes a stack, and
 * samples at different instructions are different stacks, so keep about 4
 * seconds of samples of every CPU (a busy loop repeats its stacks, so this
 * holds a longer capture), and room for the events' own stacks besides
 * (16384, the map's size without sampling).  A full map, or two stacks in
 * one bucket, costs a stack (counted: stack_err), never an event.
 */
static uint32_t stack_map_entries(unsigned int freq, int ncpus)
{
	uint64_t want = (uint64_t)freq * (ncpus > 0 ? ncpus : 1) * 4 + 16384;
	uint32_t n = 16384;

	while (n < want && n < (1u << 18))
		n <<= 1;
	return n;
}

/*
 * Whether cpu samples can run: the perf_event program probe of `netscope
 * doctor` (features_probe_sampling(), done by the caller).  Without it the
 * capture goes on without samples, and says so.
 */
static bool sampling_possible(const struct capture_opts *o, const struct features *ft)
{
	const struct feature *prog = &ft->f[FEAT_PROG_PERF_EVENT];
	const struct feature *perf = &ft->f[FEAT_PERF_SAMPLING];

	if (!o->sample_freq)
		return false;
	if (perf->probed && !perf->ok) {
		ns_warn("cpu sampling unavailable: %s; capturing without samples", perf->detail);
		return false;
	}
	if (!prog->probed || !prog->ok) {
		ns_warn("cpu sampling unavailable: perf_event program: %s; capturing without samples",
			prog->probed ? prog->detail : "not probed");
		return false;
	}
	return true;
}

const struct kmem_config *capture_kmem(const struct capture_session *s)
{
	return s->kmem;
}

/* what session_open() may use; capture_open() drops what does not load */
struct open_try {
	bool batch;	/* per-CPU batches (capture_batch.bpf.h) */
	bool cast;	/* the hdr_* handlers (typed header loads) */
	bool ctx_stack; /* execution context by the stack, not softirq tracepoints */
};

static int session_open(struct capture_session **out, const struct capture_opts *o,
			const struct features *ft, capture_event_fn fn, void *ctx,
			const struct open_try *try);

/* session_open() returns this when the programs would not load with
 * try->cast or try->ctx_stack, to be tried again without */
#define ERR_TRY_LESS (-EXDEV)

/*
 * Whether the execution context can be told by the stack (ctx_by_stack,
 * exec_ctx.bpf.h) and the softirq_entry/exit handlers left out: an
 * x86-64 kernel that runs softirqs on the irq stack (not PREEMPT_RT), and
 * no handler that runs where the stack says nothing or that needs the
 * softirq tracepoints themselves: softirq, irq, napi_poll or allocation
 * events, cpu samples (NMI), function probes (their own object).
 * NETSCOPE_CTX=tracepoints keeps the tracepoints, for comparisons (and
 * =broken makes the stack way unloadable, for the tests).
 */
static bool ctx_by_stack_possible(const struct capture_opts *o, const struct features *ft)
{
	const char *env = getenv("NETSCOPE_CTX");
	uint64_t need_tp = capture_context_events() | capture_kmem_events() |
			   (1ull << NS_EV_SOFTIRQ_RAISE) | (1ull << NS_EV_NAPI_POLL) |
			   (1ull << NS_EV_IRQ_VECTOR_ENTRY) | (1ull << NS_EV_IRQ_VECTOR_EXIT) |
			   (1ull << NS_EV_CPU_SAMPLE);

	if (env && !strcmp(env, "tracepoints"))
		return false;
	if (!ft->task_stack_size || ft->preempt_rt)
		return false;
	if ((o->events & need_tp) || o->sample_freq)
		return false;
	/* function probes: whenever batching is off for them */
	return o->func_mode == CAPTURE_FUNCS_OFF ||
	       (o->func_mode == CAPTURE_FUNCS_AUTO && !o->nfunc_patterns && !o->ngraph_roots);
}

/* the context events attached as trackers: the irq handlers, and the
 * softirq ones unless the context is told by the stack */
static uint64_t context_trackers(bool by_stack)
{
	uint64_t m = capture_context_events();

	if (by_stack)
		m &= ~((1ull << NS_EV_SOFTIRQ_ENTRY) | (1ull << NS_EV_SOFTIRQ_EXIT));
	return m;
}

uint64_t capture_context_trackers(const struct capture_opts *o, const struct features *ft)
{
	return context_trackers(ctx_by_stack_possible(o, ft));
}

int capture_open(struct capture_session **out, const struct capture_opts *o,
		 const struct features *ft, capture_event_fn fn, void *ctx)
{
	struct open_try try = {
		.batch = session_batching_wanted(o),
		.cast = true,
		.ctx_stack = ctx_by_stack_possible(o, ft),
	};
	bool stack_wanted = try.ctx_stack;
	int err;

	/*
	 * Each fallback costs speed, not the capture: batching that cannot
	 * start, and typed header loads a verifier refuses (new on every
	 * kernel since 6.2, tested on two of them).
	 */
	for (;;) {
		err = session_open(out, o, ft, fn, ctx, &try);
		/* the context by the stack first: a verifier that keeps a
		 * pointer from being stored as a number (no CAP_PERFMON) */
		if (err == ERR_TRY_LESS && try.ctx_stack)
			try.ctx_stack = false;
		else if (err == ERR_TRY_LESS && try.cast)
			try.cast = false;
		else if (err == -ENOTSUP && try.batch)
			try.batch = false;
		else
			break;
	}
	if (!err && !try.cast)
		ns_warn("packet headers: the typed-load handlers did not load on this kernel%s; "
			"headers are copied instead", ns_verbose ? "" : " (-v: the verifier log)");
	if (!err && stack_wanted && !try.ctx_stack)
		ns_warn("execution context: the handlers telling it by the stack did not load on "
			"this kernel%s; the softirq tracepoints tell it instead",
			ns_verbose ? "" : " (-v: the verifier log)");
	return err;
}

static int session_open(struct capture_session **out, const struct capture_opts *o,
			const struct features *ft, capture_event_fn fn, void *ctx,
			const struct open_try *try)
{
	bool batch = try->batch, cast_ok = try->cast;
	struct bpf_program *btf[NS_EV__COUNT] = {}, *raw[NS_EV__COUNT] = {};
	struct bpf_program *hdr[NS_EV__COUNT] = {};
	struct bpf_program *vbtf[NS_IRQV__COUNT][2] = {}, *vraw[NS_IRQV__COUNT][2] = {};
	struct capture_session *s;
	bool use_btf = ft->f[FEAT_PROG_TP_BTF].ok && !o->force_raw_tp;
	int err, attached = 0;

	*out = NULL;
	if (!ft->f[FEAT_BTF].ok) {
		ns_err("kernel BTF is required and missing (%s); netscope's programs are "
		       "CO-RE and cannot be relocated without it", ft->f[FEAT_BTF].detail);
		return -ENOENT;
	}
	if (!use_btf && !ft->f[FEAT_PROG_RAW_TP].ok) {
		ns_err("neither tp_btf nor raw_tp programs can be attached: tp_btf: %s; raw_tp: %s",
		       ft->f[FEAT_PROG_TP_BTF].detail, ft->f[FEAT_PROG_RAW_TP].detail);
		return -EPERM;
	}
	if (o->snaplen > NS_SNAPLEN_MAX) {
		ns_err("snaplen %u is above the most netscope copies (%u)", o->snaplen, NS_SNAPLEN_MAX);
		return -EINVAL;
	}
	if (o->ring_size < 4096 || (o->ring_size & (o->ring_size - 1))) {
		ns_err("ring buffer size %u is not a power of two of at least 4096", o->ring_size);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fn = fn;
	s->fn_ctx = ctx;
	/* a million live packets: ~80 MB at most, far above any real backlog */
	if (identity_init(&s->ids, 1 << 20)) {
		free(s);
		return -ENOMEM;
	}
	s->ncpus = libbpf_num_possible_cpus();
	s->batching = batch;

	s->skel = capture_bpf__open();
	if (!s->skel) {
		err = -errno;
		ns_err("cannot open the BPF object: %s", strerror(-err));
		goto fail;
	}
	configure(s->skel, o, ft);
	s->skel->rodata->direct_reads = use_btf;
	s->skel->rodata->batching = batch;
	s->ctx_by_stack = try->ctx_stack;
	s->skel->rodata->ctx_by_stack = try->ctx_stack;
	s->skel->rodata->task_stack_size = ft->task_stack_size;
	bpf_program__set_autoload(s->skel->progs.flush_batches, batch);
	s->skel->rodata->parse_all = o->filter.l4_proto || o->filter.port || o->filter.host_family;
	bpf_map__set_max_entries(s->skel->maps.events, o->ring_size);
	bpf_map__set_max_entries(s->skel->maps.stack_sites,
				 bpf_map__max_entries(s->skel->maps.stack_sites) * s->ncpus);
	/* an LRU hash is preallocated (~6 MB at 65536): only --snaplen needs it */
	if (!o->snaplen)
		bpf_map__set_max_entries(s->skel->maps.payload_seen, 1);
	capture_prog_table(s->skel, btf, raw, hdr);
	/*
	 * The hdr variants stand in for the tp_btf twins where the kernel has
	 * bpf_rdonly_cast(); elsewhere they must not load (they call it).
	 * NETSCOPE_HDR_CAST=0 keeps the twins, for comparisons; =broken makes
	 * the hdr variants socket filters, which the verifier refuses, so that
	 * the tests see capture_open() fall back to the twins.
	 */
	const char *hdr_env = getenv("NETSCOPE_HDR_CAST");
	bool cast = cast_ok && use_btf && ft->kfunc_rdonly_cast &&
		    !(hdr_env && !strcmp(hdr_env, "0"));

	for (int i = 0; i < NS_EV__COUNT; i++) {
		if (!hdr[i])
			continue;
		if (cast) {
			bpf_program__set_autoload(btf[i], false);
			btf[i] = hdr[i];
			s->header_cast = true;
			if (hdr_env && !strcmp(hdr_env, "broken"))
				bpf_program__set_type(hdr[i], BPF_PROG_TYPE_SOCKET_FILTER);
		} else {
			bpf_program__set_autoload(hdr[i], false);
		}
	}
	/* NETSCOPE_CTX=broken: what a verifier refusing the context by the
	 * stack looks like (a program type that cannot load), for the tests
	 * of capture_open()'s fallback */
	if (s->ctx_by_stack && getenv("NETSCOPE_CTX") && !strcmp(getenv("NETSCOPE_CTX"), "broken"))
		for (int i = 0; i < NS_EV__COUNT; i++) {
			if (btf[i])
				bpf_program__set_type(btf[i], BPF_PROG_TYPE_SOCKET_FILTER);
			if (raw[i])
				bpf_program__set_type(raw[i], BPF_PROG_TYPE_SOCKET_FILTER);
		}
	capture_irq_vector_table(s->skel, vbtf, vraw);
	s->skel->rodata->emit_mask = o->events;
	s->events = o->events & ~(1ull << NS_EV_CPU_SAMPLE);
	/* a syscall belongs to a task: without a namespace or pid to pick the
	 * tasks, every read() and write() of the host would be captured */
	if ((s->events & (1ull << NS_EV_SYSCALL)) && !o->filter.netns_n && !o->filter.pid) {
		ns_warn("syscall events need a namespace filter or --pid (not --netns all): skipped");
		s->events &= ~(1ull << NS_EV_SYSCALL);
	}
	if (s->events & capture_kmem_events())
		s->kmem = kmem_configure(s->skel, ft->tracefs, &s->events);
	bool sampling = sampling_possible(o, ft);

	bpf_program__set_autoload(s->skel->progs.sample_cpu, sampling);
	if (sampling) {
		s->method[NS_EV_CPU_SAMPLE] = M_PERF_EVENT;
		bpf_map__set_max_entries(s->skel->maps.stacks, stack_map_entries(o->sample_freq,
										  s->ncpus));
	}
	if (irq_vectors_select(s, ft, use_btf, vbtf, vraw)) {
		for (int i = NS_EV_IRQ_VECTOR_ENTRY; i <= NS_EV_IRQ_VECTOR_EXIT; i++)
			s->method[i] = s->events & (1ull << i) ? (use_btf ? M_TP_BTF : M_RAW_TP) : M_OFF;
	} else {
		for (int i = NS_EV_IRQ_VECTOR_ENTRY; i <= NS_EV_IRQ_VECTOR_EXIT; i++) {
			s->method[i] = s->events & (1ull << i) ? M_MISSING : M_OFF;
			if (s->events & (1ull << i))
				ns_warn("no irq_vectors tracepoint on this kernel (x86 only): %s skipped",
					ns_event_name(i));
		}
	}
	for (int i = 1; i < NS_EV__COUNT; i++) {
		if (!btf[i])
			continue; /* not a tracepoint (cpu samples, irq vectors) */
		/* these keep the per-CPU context depth, so they run even when
		 * their own events are not wanted (emit_mask) */
		bool ctx_tracker = context_trackers(s->ctx_by_stack) & (1ull << i);
		bool want = (s->events & (1ull << i)) || ctx_tracker;
		const struct tracepoint_status *tp = &ft->tp[i];
		bool present = use_btf ? tp->in_btf : tp->in_tracefs;

		if (present && tp->nargs >= 0 && tp->nargs < min_args[i])
			present = false;
		if (!want)
			s->method[i] = M_OFF;
		else if (!present)
			s->method[i] = M_MISSING;
		else
			s->method[i] = use_btf ? M_TP_BTF : M_RAW_TP;
		bpf_program__set_autoload(btf[i], s->method[i] == M_TP_BTF);
		bpf_program__set_autoload(raw[i], s->method[i] == M_RAW_TP);
		if (capture_second_prog(s->skel, i, true)) {
			bpf_program__set_autoload(capture_second_prog(s->skel, i, true),
						  s->method[i] == M_TP_BTF);
			bpf_program__set_autoload(capture_second_prog(s->skel, i, false),
						  s->method[i] == M_RAW_TP);
		}
		if ((s->events & (1ull << i)) && !present)
			ns_warn("tracepoint %s:%s is missing on this kernel: skipped",
				ns_event_group(i), ns_event_name(i));
	}
	err = capture_bpf__load(s->skel);
	if (err && (cast || s->ctx_by_stack)) {
		/* capture_open() tries again without and says so */
		ns_dbg(1, "with%s%s: %s", cast ? " the hdr_* handlers" : "",
		       s->ctx_by_stack ? " the context by the stack" : "", strerror(-err));
		err = ERR_TRY_LESS;
		goto fail;
	}
	if (err) {
		ns_err("cannot load the BPF programs: %s%s", strerror(-err),
		       ns_verbose ? "" : " (run with -v for the verifier log)");
		goto fail;
	}
	/* before any handler is attached: a retry unbatched leaves nothing behind */
	if (batch && (err = session_batching_start(s)))
		goto fail;
	/*
	 * Last type first: softirq_exit (and irq_handler_exit) before their
	 * entry.  Entry first, a softirq that began between the two attaches
	 * would raise the CPU's depth and never lower it, and every later
	 * event of that CPU would say softirq (seen: GFP_KERNEL allocations of
	 * connect() marked softirq).  An exit without its entry is ignored.
	 */
	for (int i = NS_EV__COUNT - 1; i >= 1; i--) {
		struct bpf_program *p = s->method[i] == M_TP_BTF ? btf[i] :
					s->method[i] == M_RAW_TP ? raw[i] : NULL;

		if (!p)
			continue;
		s->links[i] = bpf_program__attach(p);
		if (s->links[i] && capture_second_prog(s->skel, i, true)) {
			s->links2[i] = bpf_program__attach(
				capture_second_prog(s->skel, i, s->method[i] == M_TP_BTF));
			if (!s->links2[i]) {
				bpf_link__destroy(s->links[i]);
				s->links[i] = NULL;
			}
		}
		if (!s->links[i]) {
			ns_warn("cannot attach to %s:%s: %s: skipped", ns_event_group(i),
				ns_event_name(i), strerror(errno));
			s->method[i] = M_MISSING;
			continue;
		}
		attached++;
	}
	if (irq_vectors_attach(s, use_btf, vbtf, vraw)) {
		attached++;
	} else {
		s->method[NS_EV_IRQ_VECTOR_ENTRY] = s->method[NS_EV_IRQ_VECTOR_ENTRY] ? M_MISSING : M_OFF;
		s->method[NS_EV_IRQ_VECTOR_EXIT] = s->method[NS_EV_IRQ_VECTOR_EXIT] ? M_MISSING : M_OFF;
	}
	if (sampling) {
		char why[256];

		err = sampling_attach(&s->sampler, s->skel->progs.sample_cpu, o->sample_freq, why,
				      sizeof(why));
		if (err) {
			ns_warn("cpu sampling unavailable: %s; capturing without samples", why);
			s->method[NS_EV_CPU_SAMPLE] = M_OFF;
		} else {
			s->events |= 1ull << NS_EV_CPU_SAMPLE;
		}
	}
	if (features_bpf_stats_enabled() == 1)
		ns_warn("kernel.bpf_stats_enabled is 1: every handler run also reads the clock "
			"twice (bpftool's run_time_ns), which slows the traced workload");
	if (!attached) {
		ns_err("no tracepoint could be attached");
		err = -ENOENT;
		goto fail;
	}
	char bpf_why[480];

	err = session_funcs_open(&s->funcs, s->skel->obj, o, ft, bpf_why, sizeof(bpf_why));
	if (!err && !s->funcs)
		err = session_ftrace_open(&s->ftrace, o, bpf_why, session_on_ftrace_event, s);
	if (err)
		goto fail;
	if (s->ftrace)
		snprintf(s->ftrace_method, sizeof(s->ftrace_method), "ftrace-%s",
			 ftrace_session_tracer(s->ftrace));
	if (s->funcs || s->ftrace)
		s->events |= (1ull << NS_EV_FUNC_ENTRY) | (1ull << NS_EV_FUNC_EXIT);
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), session_on_sample, s, NULL);
	if (!s->rb) {
		err = -errno;
		ns_err("cannot open the ring buffer: %s", strerror(-err));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	capture_close(s);
	return err;
}

void capture_stop_sampling(struct capture_session *s)
{
	sampling_detach(&s->sampler);
}

void capture_stats(struct capture_session *s, struct ns_capture_stats *st)
{
	/*
	 * The counters open each CPU's cpu_hub value (cpu_hub.bpf.h), which
	 * also holds that CPU's state and batches; a per-CPU lookup gives
	 * every CPU's value, each rounded up to 8 bytes.
	 */
	size_t stride = (bpf_map__value_size(s->skel->maps.cpu_hub) + 7) & ~(size_t)7;
	char *percpu = calloc(s->ncpus, stride);
	__u32 zero = 0;

	memset(st, 0, sizeof(*st));
	memcpy(st->captured, s->captured, sizeof(st->captured));
	if (!percpu)
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.cpu_hub), &zero, percpu)) {
		for (int c = 0; c < s->ncpus; c++) {
			struct ns_counters n;

			memcpy(&n, percpu + (size_t)c * stride, sizeof(n));
			for (int i = 0; i < NS_EV__COUNT; i++) {
				st->produced[i] += n.produced[i];
				st->lost[i] += n.lost[i];
			}
			st->stack_err += n.stack_err;
			st->stack_taken += n.stack_taken;
			st->payload_produced += n.payload_produced;
			st->payload_lost += n.payload_lost;
		}
	}
	st->ids_evicted = s->ids.evicted;
	st->payload_captured = s->payload_captured;
	st->payload_unmatched = s->payload_unmatched;
	st->payload_cut = s->payload_cut;
	if (s->ftrace) {
		struct ftrace_stats fst;

		/* the kernel counts ftrace's losses per CPU, not per record type:
		 * all are the entries' */
		ftrace_session_stats(s->ftrace, &fst);
		st->produced[NS_EV_FUNC_ENTRY] += fst.entries + fst.lost;
		st->produced[NS_EV_FUNC_EXIT] += fst.returns;
		st->lost[NS_EV_FUNC_ENTRY] += fst.lost;
	}
	free(percpu);
}

int capture_stack(struct capture_session *s, int32_t id, uint64_t *ips, size_t max)
{
	uint64_t frames[NS_STACK_DEPTH] = {};
	size_t n = 0;

	if (id < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.stacks), &id, frames))
		return -errno;
	while (n < NS_STACK_DEPTH && n < max && frames[n]) {
		ips[n] = frames[n];
		n++;
	}
	return n;
}

const char *capture_event_method(const struct capture_session *s, unsigned int type)
{
	static const char *const names[] = { "off", "tp_btf", "raw_tp", "missing", "perf_event" };

	if (type >= NS_EV__COUNT || !(s->events & (1ull << type)))
		return "off";
	if (ns_event_is_func(type))
		return capture_func_method(s, NULL);
	return names[s->method[type]];
}

unsigned int capture_sample_freq(const struct capture_session *s)
{
	return s->sampler.n ? s->sampler.freq : 0;
}

int capture_sample_cpus(const struct capture_session *s)
{
	return s->sampler.n;
}

const char *capture_func_method(const struct capture_session *s, size_t *nfuncs)
{
	struct func_attach_stats st = {};

	if (s->ftrace) {
		struct ftrace_stats fst;

		ftrace_session_stats(s->ftrace, &fst);
		if (nfuncs)
			*nfuncs = fst.nfuncs;
		return s->ftrace_method;
	}
	if (s->funcs)
		func_attach_stats(s->funcs, &st);
	if (nfuncs)
		*nfuncs = st.attached;
	return s->funcs ? func_backend_name(func_attach_backend(s->funcs)) : "off";
}

const char *capture_method(const struct capture_session *s)
{
	bool btf = false, raw = false;

	for (int i = 1; i < NS_EV__COUNT; i++) {
		btf |= s->method[i] == M_TP_BTF;
		raw |= s->method[i] == M_RAW_TP;
	}
	return btf && raw ? "tp_btf+raw_tp" : btf ? "tp_btf" : raw ? "raw_tp" : "none";
}

const char *capture_context_source(const struct capture_session *s)
{
	return s->ctx_by_stack ? "stack" : "softirq tracepoints";
}

const char *capture_header_reads(const struct capture_session *s)
{
	return s->header_cast ? "typed loads" : "copy";
}

void capture_close(struct capture_session *s)
{
	if (!s)
		return;
	/* samples first: they would go on into a ring buffer nobody reads */
	sampling_detach(&s->sampler);
	if (s->funcs) {
		struct func_detach_stats ds;
		size_t n;

		capture_func_method(s, &n);
		func_attach_close(s->funcs, &ds);
		fprintf(stderr, "netscope: kernel functions: %zu detached in %.2f s\n", n, ds.total_s);
		func_detach_print_fentry(&ds);
	}
	ftrace_session_close(s->ftrace);
	ring_buffer__free(s->rb);
	for (int i = 0; i < NS_EV__COUNT; i++) {
		bpf_link__destroy(s->links[i]);
		bpf_link__destroy(s->links2[i]);
	}
	for (int w = 0; w < NS_IRQV__COUNT; w++)
		for (int x = 0; x < 2; x++)
			bpf_link__destroy(s->irqv_links[w][x]);
	capture_bpf__destroy(s->skel);
	if (s->batching)
		ns_dbg(1, "batched capture: %llu heartbeat rounds (%llu CPUs run remotely, "
		       "%.1f us a round), %llu events late, %llu released early; "
		       "%llu events in %llu ring records",
		       (unsigned long long)s->hb.rounds, (unsigned long long)s->hb.remote,
		       s->hb.rounds ? s->hb.round_ns / 1e3 / s->hb.rounds : 0.0,
		       (unsigned long long)s->reorder.late, (unsigned long long)s->reorder.forced,
		       (unsigned long long)s->batched, (unsigned long long)s->records);
	heartbeat_free(&s->hb);
	reorder_free(&s->reorder);
	identity_free(&s->ids);
	if (s->kmem)
		kmem_config_free(s->kmem);
	free(s->kmem);
	free(s);
}
