// SPDX-License-Identifier: GPL-2.0
/*
 * netscope capture programs: one handler per network tracepoint, each built
 * twice (tp_btf and raw_tp, chosen at load time by probing; see
 * capture/session.c), and those that decode packet headers a third time
 * (hdr_*: tp_btf reading the headers by typed loads, TRIPLET below).  Every
 * handler builds one struct ns_event, applies the filters and sends it:
 * batched (the default), built in its per-CPU batch slot
 * (capture_batch.bpf.h); unbatched, in its ring-buffer reservation when
 * known wanted beforehand (EV_BUILD), else in a scratch slot copied to the
 * ring once wanted, so that filtered-out events never cost ring space and
 * the produced/lost counters stay exact.  That shared core (context,
 * decoding, filters, stacks, submission) is in capture_event.bpf.h; the
 * kmem handlers are in capture_kmem.bpf.h.
 *
 * Hot paths read kernel structs through RD(): a plain load in tp_btf twins
 * (typed arguments: one instruction, fault-safe) and BPF_CORE_READ in raw_tp
 * twins (untyped u64 arguments need bpf_probe_read_kernel, a helper call per
 * field).  Rare events use BPF_CORE_READ in both.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "netscope.h"
#include "decode.h"

char LICENSE[] SEC("license") = "GPL";

#include "capture_maps.bpf.h"

/*
 * Tracepoint prototypes that changed over time.  User space reads the
 * argument count of btf_trace_<name> from the kernel's BTF; the verifier
 * knows these read-only values and prunes the branch that reads an argument
 * the kernel does not pass.
 */
const volatile bool kfree_skb_has_rx_sk;       /* 6.11: rx_sk argument */
const volatile bool kfree_skb_has_reason = true; /* 5.17: reason argument */
const volatile bool consume_skb_has_location;  /* 6.3: location argument */
const volatile bool tcp_send_reset_has_reason; /* 6.10: sk_rst_reason */
const volatile bool udp_fail_has_sk_skb;       /* 6.8: sk and skb arguments */

#include "capture_event.bpf.h"
#include "payload.bpf.h"

/*
 * Each handler is defined once and instantiated as a tp_btf and a raw_tp
 * program; user space autoloads one of the twins.
 */
#define TWIN(tp, call, args...)                                  \
	SEC("tp_btf/" #tp)                                       \
	int BPF_PROG(btf_##tp, args) { return call; }            \
	SEC("raw_tp/" #tp)                                       \
	int BPF_PROG(raw_##tp, args) { return call; }

/*
 * A handler that decodes packet headers comes in a third variant, hdr_*:
 * tp_btf, headers read by typed loads (decode_cast.bpf.h) where the twins
 * copy them.  In `call`, HDR says which: false in the twins, true in the
 * hdr variant.  User space loads it in place of the tp_btf twin where the
 * kernel has bpf_rdonly_cast() (6.2).
 */
#define TRIPLET(tp, call, args...)                               \
	SEC("tp_btf/" #tp)                                       \
	int BPF_PROG(btf_##tp, args) { const bool HDR = false; return call; } \
	SEC("raw_tp/" #tp)                                       \
	int BPF_PROG(raw_##tp, args) { const bool HDR = false; return call; } \
	SEC("tp_btf/" #tp)                                       \
	int BPF_PROG(hdr_##tp, args) { const bool HDR = true; return call; }

/* ---- net: device layer ---- */
static __always_inline int on_skb_dev(void *ctx, __u16 type, const struct sk_buff *skb,
				      const struct net_device *dev, enum l3_at at, bool cast)
{
	const struct net_device *d = dev ? dev : RD(skb->dev, skb, dev);
	/* what ev_begin_direct() needs unbatched; batched it builds every event in place */
	__u32 netns = netns_filter_n && !batching && d ?
		      RD(d->nd_net.net->ns.inum, d, nd_net.net, ns.inum) : 0;

	/*
	 * net_dev_queue and the receives: where --snaplen takes a packet's
	 * bytes.  One expansion whatever snaplen: with two (the other plain
	 * EV_BUILD) clang tested the reservation for NULL a second time after
	 * a branch on snaplen, and 6.1's verifier, which does not know a
	 * ringbuf pointer it checked is not NULL, followed the NULL branch
	 * holding the reservation ("Unreleased reference").
	 */
	return EV_BUILD_THEN(ctx, type, netns, ({ ev_dev(e, d); ev_skb_hdr(e, skb, at, cast); }),
			     if (snaplen && at != L3_AT_NONE)
				     payload_take(e, skb, at == L3_AT_NETWORK_HEADER));
}

TRIPLET(net_dev_queue, on_skb_dev(ctx, NS_EV_NET_DEV_QUEUE, skb, NULL, L3_AT_NETWORK_HEADER, HDR),
	struct sk_buff *skb)
TWIN(net_dev_start_xmit, on_skb_dev(ctx, NS_EV_NET_DEV_START_XMIT, skb, dev, L3_AT_NONE, false),
     const struct sk_buff *skb, const struct net_device *dev)
TRIPLET(netif_receive_skb, on_skb_dev(ctx, NS_EV_NETIF_RECEIVE_SKB, skb, NULL, L3_AT_DATA, HDR),
	struct sk_buff *skb)
TRIPLET(netif_rx, on_skb_dev(ctx, NS_EV_NETIF_RX, skb, NULL, L3_AT_DATA, HDR), struct sk_buff *skb)
TRIPLET(napi_gro_receive_entry,
	on_skb_dev(ctx, NS_EV_NAPI_GRO_RECEIVE_ENTRY, skb, NULL, L3_AT_DATA, HDR),
	const struct sk_buff *skb)
TRIPLET(netif_receive_skb_list_entry,
	on_skb_dev(ctx, NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY, skb, NULL, L3_AT_DATA, HDR),
	const struct sk_buff *skb)

/*
 * net_dev_xmit fires after the driver took the skb, which may already be
 * freed: the skb is used only as an address for the packet id, never read.
 */
static __always_inline int on_net_dev_xmit(void *ctx, const struct sk_buff *skb, int rc,
					   const struct net_device *dev, unsigned int len)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_NET_DEV_XMIT);

	if (!e)
		return 0;
	ev_dev(e, dev);
	e->skb = (__u64)skb;
	e->aux = rc;
	e->len = len;
	return ev_submit(ctx, e);
}
TWIN(net_dev_xmit, on_net_dev_xmit(ctx, skb, rc, dev, len),
     struct sk_buff *skb, int rc, struct net_device *dev, unsigned int len)

/* ---- skb: end of life ---- */
static __always_inline void fill_kfree_skb(struct ns_event *e, const struct sk_buff *skb,
					   void *location, __u64 *args, bool cast)
{
	struct sock *rx_sk = NULL;

	e->location = (__u64)location;
	if (kfree_skb_has_reason)
		e->reason = (__u32)args[2];
	if (kfree_skb_has_rx_sk) /* read-only data: no read past 3 arguments before 6.11 */
		rx_sk = (struct sock *)args[3];
	e->sk = (__u64)rx_sk;
	/* the packet's headers first: the socket's addresses only where they
	 * did not decode (ev_sock()), so the event is not marked as having
	 * its addresses from both */
	ev_skb_hdr_sk(e, skb, rx_sk, L3_AT_NETWORK_HEADER, cast);
	if (rx_sk && !RD(skb->dev, skb, dev))
		ev_sock(e, &rx_sk->__sk_common);
}

static __always_inline int on_kfree_skb(void *ctx, const struct sk_buff *skb, void *location,
					__u64 *args, bool cast)
{
	/* one expansion: see on_skb_dev() */
	return EV_BUILD_THEN(ctx, NS_EV_KFREE_SKB, skb_dev_netns(skb),
			     fill_kfree_skb(e, skb, location, args, cast), payload_forget(e));
}
TRIPLET(kfree_skb, on_kfree_skb(ctx, skb, location, ctx, HDR), struct sk_buff *skb, void *location)

static __always_inline void fill_consume_skb(struct ns_event *e, const struct sk_buff *skb,
					     __u64 *args)
{
	if (consume_skb_has_location)
		e->location = args[1];
	ev_skb(e, skb, L3_AT_NONE);
}

static __always_inline int on_consume_skb(void *ctx, const struct sk_buff *skb, __u64 *args)
{
	return EV_BUILD_THEN(ctx, NS_EV_CONSUME_SKB, skb_dev_netns(skb),
			     fill_consume_skb(e, skb, args), payload_forget(e));
}
TWIN(consume_skb, on_consume_skb(ctx, skb, ctx), struct sk_buff *skb)

/* ---- tcp ---- */
static __always_inline void fill_tcp_sk_skb(struct ns_event *e, const struct sock *sk,
					    const struct sk_buff *skb, __u32 reason, __s32 aux,
					    bool cast)
{
	e->sk = (__u64)sk;
	e->reason = reason;
	e->aux = aux;
	ev_skb_hdr_sk(e, skb, sk, L3_AT_NETWORK_HEADER, cast);
	if (sk) {
		ev_sock(e, &sk->__sk_common);
		e->aux2 = RD(sk->__sk_common.skc_state, sk, __sk_common.skc_state);
		if (!e->l4_proto)
			e->l4_proto = IPPROTO_TCP;
	}
}

static __always_inline int on_tcp_sk_skb(void *ctx, __u16 type, const struct sock *sk,
					 const struct sk_buff *skb, __u32 reason, __s32 aux, bool cast)
{
	return EV_BUILD(ctx, type, skb_dev_netns(skb),
			fill_tcp_sk_skb(e, sk, skb, reason, aux, cast));
}

static __always_inline int on_tcp_send_reset(void *ctx, const struct sock *sk,
					     const struct sk_buff *skb, __u64 *args, bool cast)
{
	__u32 reason = tcp_send_reset_has_reason ? (__u32)args[2] : 0;

	return on_tcp_sk_skb(ctx, NS_EV_TCP_SEND_RESET, sk, skb, reason, 0, cast);
}
/* a reset answers a packet: its headers are the skb's (a flood's SYN-ACKs) */
TRIPLET(tcp_send_reset, on_tcp_send_reset(ctx, sk, skb, ctx, HDR),
	const struct sock *sk, const struct sk_buff *skb)

TWIN(tcp_receive_reset, on_tcp_sk_skb(ctx, NS_EV_TCP_RECEIVE_RESET, sk, NULL, 0, 0, false),
     struct sock *sk)
TWIN(tcp_destroy_sock, on_tcp_sk_skb(ctx, NS_EV_TCP_DESTROY_SOCK, sk, NULL, 0, 0, false),
     struct sock *sk)

/*
 * The retransmitted skb sits in the write queue: its headers are built on
 * the clone that is sent, so addresses come from the socket and the
 * sequence number from TCP_SKB_CB(skb)->seq (the skb control buffer).
 */
static __always_inline int on_tcp_retransmit_skb(void *ctx, const struct sock *sk,
						 const struct sk_buff *skb)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_TCP_RETRANSMIT_SKB);
	struct tcp_skb_cb *cb;

	if (!e)
		return 0;
	e->sk = (__u64)sk;
	e->skb = (__u64)skb;
	e->len = BPF_CORE_READ(skb, len);
	cb = (struct tcp_skb_cb *)skb->cb;
	e->seq = BPF_CORE_READ(cb, seq);
	e->tcp_flags = BPF_CORE_READ(cb, tcp_flags);
	e->l4_proto = IPPROTO_TCP;
	ev_sock(e, &sk->__sk_common);
	e->aux2 = BPF_CORE_READ(sk, __sk_common.skc_state);
	return ev_submit(ctx, e);
}
TWIN(tcp_retransmit_skb, on_tcp_retransmit_skb(ctx, sk, skb),
     const struct sock *sk, const struct sk_buff *skb)

static __always_inline int on_tcp_retransmit_synack(void *ctx, const struct sock *sk,
						    const struct request_sock *req)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_TCP_RETRANSMIT_SYNACK);

	if (!e)
		return 0;
	e->sk = (__u64)sk;
	e->l4_proto = IPPROTO_TCP;
	/* the request sock holds the connection's addresses (struct sock_common) */
	ev_sock(e, &req->__req_common);
	return ev_submit(ctx, e);
}
TWIN(tcp_retransmit_synack, on_tcp_retransmit_synack(ctx, sk, req),
     const struct sock *sk, const struct request_sock *req)

static __always_inline int on_tcp_probe(void *ctx, const struct sock *sk, const struct sk_buff *skb)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_TCP_PROBE);
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	if (!e)
		return 0;
	e->sk = (__u64)sk;
	ev_skb(e, skb, L3_AT_NETWORK_HEADER);
	ev_sock(e, &sk->__sk_common);
	e->aux = BPF_CORE_READ(tp, snd_cwnd);
	e->aux2 = BPF_CORE_READ(tp, srtt_us) >> 3;
	return ev_submit(ctx, e);
}
TWIN(tcp_probe, on_tcp_probe(ctx, sk, skb), struct sock *sk, const struct sk_buff *skb)

/* ---- sock ---- */
static __always_inline int on_set_state(void *ctx, const struct sock *sk, int oldstate, int newstate)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_INET_SOCK_SET_STATE);

	if (!e)
		return 0;
	e->sk = (__u64)sk;
	e->reason = oldstate;
	e->aux = newstate;
	e->l4_proto = BPF_CORE_READ(sk, sk_protocol);
	ev_sock(e, &sk->__sk_common);
	return ev_submit(ctx, e);
}
TWIN(inet_sock_set_state, on_set_state(ctx, sk, oldstate, newstate),
     const struct sock *sk, const int oldstate, const int newstate)

static __always_inline int on_rcvqueue_full(void *ctx, const struct sock *sk, const struct sk_buff *skb)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_SOCK_RCVQUEUE_FULL);

	if (!e)
		return 0;
	e->sk = (__u64)sk;
	ev_skb(e, skb, L3_AT_NETWORK_HEADER);
	ev_sock(e, &sk->__sk_common);
	e->aux = BPF_CORE_READ(sk, sk_backlog.rmem_alloc.counter);
	e->aux2 = BPF_CORE_READ(sk, sk_rcvbuf);
	return ev_submit(ctx, e);
}
TWIN(sock_rcvqueue_full, on_rcvqueue_full(ctx, sk, skb), struct sock *sk, struct sk_buff *skb)

static __always_inline int on_exceed_buf(void *ctx, const struct sock *sk, long allocated, int kind)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_SOCK_EXCEED_BUF_LIMIT);

	if (!e)
		return 0;
	e->sk = (__u64)sk;
	ev_sock(e, &sk->__sk_common);
	e->l4_proto = BPF_CORE_READ(sk, sk_protocol);
	e->aux = allocated;
	e->aux2 = kind;
	return ev_submit(ctx, e);
}
TWIN(sock_exceed_buf_limit, on_exceed_buf(ctx, sk, allocated, kind),
     struct sock *sk, struct proto *prot, long allocated, int kind)

/* ---- udp ---- */
static __always_inline int on_udp_fail(void *ctx, int rc, __u64 *args)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_UDP_FAIL_QUEUE_RCV_SKB);
	const struct sk_buff *skb = NULL;
	const struct sock *sk = NULL;

	if (!e)
		return 0;
	e->aux = rc;
	if (udp_fail_has_sk_skb) {
		sk = (const struct sock *)args[1];
		skb = (const struct sk_buff *)args[2];
	}
	e->sk = (__u64)sk;
	ev_skb(e, skb, L3_AT_NETWORK_HEADER);
	if (sk)
		ev_sock(e, &sk->__sk_common);
	return ev_submit(ctx, e);
}
TWIN(udp_fail_queue_rcv_skb, on_udp_fail(ctx, rc, ctx), int rc)

/* ---- irq ---- */
static __always_inline int on_irq(void *ctx, __u16 type, int irq, const struct irqaction *action,
				  int ret)
{
	struct cpu_state *cs = get_cpu_state();
	struct ns_event *e;

	if (cs && type == NS_EV_IRQ_HANDLER_ENTRY) {
		cs->hardirq_depth++;
		cs->cur_irq1 = irq + 1;
	}
	/* the exit event is still reported as hardirq context */
	if (!(emit_mask & (1ull << type)))
		goto out;
	e = ev_begin(ctx, type);
	if (!e)
		goto out;
	e->reason = irq;
	e->location = (__u64)action;
	e->aux = ret;
	/* no device here: the ifname field carries the handler's name */
	bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), BPF_CORE_READ(action, name));
	ev_submit(ctx, e);
out:
	if (cs && type == NS_EV_IRQ_HANDLER_EXIT) {
		cs->cur_irq1 = 0;
		if (cs->hardirq_depth)
			cs->hardirq_depth--;
	}
	return 0;
}
TWIN(irq_handler_entry, on_irq(ctx, NS_EV_IRQ_HANDLER_ENTRY, irq, action, 0),
     int irq, struct irqaction *action)
TWIN(irq_handler_exit, on_irq(ctx, NS_EV_IRQ_HANDLER_EXIT, irq, action, ret),
     int irq, struct irqaction *action, int ret)

/* the first raise of vec since its last run on this CPU (see cpu_state) */
static __always_inline void note_raise(void *ctx, struct cpu_state *cs, unsigned int vec)
{
	__u32 v = vec & (NS_SOFTIRQ_VECS - 1);
	__u64 pid_tgid;

	if (cs->raise_ts[v])
		return;
	pid_tgid = bpf_get_current_pid_tgid();
	cs->raise_ts[v] = bpf_ktime_get_ns();
	cs->raise_pid[v] = pid_tgid >> 32;
	cs->raise_tid[v] = (__u32)pid_tgid;
	cs->raise_ctx[v] = exec_ctx(ctx);
	cs->raise_irq[v] = (__s32)cs->cur_irq1 - 1;
	cs->raise_irqv[v] = cs->cur_irqv;
}

static __always_inline int on_softirq(void *ctx, __u16 type, unsigned int vec)
{
	struct cpu_state *cs = get_cpu_state();
	struct ns_event *e;
	__u32 v = vec & (NS_SOFTIRQ_VECS - 1);

	if (cs && type == NS_EV_SOFTIRQ_ENTRY)
		cs->softirq_depth++;
	if (vec >= 32 || !(softirq_mask & (1u << vec)) || !(emit_mask & (1ull << type)))
		goto out;
	if (narrowed() && cs) {
		/*
		 * A raise cannot be tied to traffic when it happens: the first
		 * one of each vector is kept, and sent with the entry of the run
		 * it led to, if that run carries wanted traffic.  The entry waits
		 * for a wanted event.
		 */
		if (type == NS_EV_SOFTIRQ_RAISE) {
			if (vec < NS_SOFTIRQ_VECS && (emit_mask & (1ull << NS_EV_SOFTIRQ_RAISE)))
				note_raise(ctx, cs, vec);
			goto out;
		}
		if (type == NS_EV_SOFTIRQ_ENTRY) {
			hold_softirq_entry(ctx, vec);
			cs->entry_vec = vec;
			cs->entry_pending = 1;
			cs->entry_emitted = 0;
			cs->poll_wanted = 0;
			cs->held_raise_ts = cs->raise_ts[v];
			cs->held_raise_pid = cs->raise_pid[v];
			cs->held_raise_tid = cs->raise_tid[v];
			cs->held_raise_ctx = cs->raise_ctx[v];
			cs->held_raise_irq = cs->raise_irq[v];
			cs->held_raise_irqv = cs->raise_irqv[v];
			cs->raise_ts[v] = 0;
			goto out;
		}
		if (type == NS_EV_SOFTIRQ_EXIT) {
			bool emitted = cs->entry_emitted;

			cs->entry_pending = 0;
			cs->entry_emitted = 0;
			cs->held_raise_ts = 0;
			if (!emitted)
				goto out;
		}
	}
	e = ev_begin(ctx, type);
	if (!e)
		goto out;
	e->reason = vec;
	if (type == NS_EV_SOFTIRQ_RAISE && cs) {
		/* which handler raised it: the same fields a held raise has */
		e->aux = (__s32)cs->cur_irq1 - 1;
		e->aux2 = cs->cur_irqv;
	}
	ev_submit(ctx, e);
out:
	if (cs && type == NS_EV_SOFTIRQ_EXIT && cs->softirq_depth)
		cs->softirq_depth--;
	/* allocations no wanted packet event claimed in this softirq (kmem_pending.bpf.h) */
	if (type == NS_EV_SOFTIRQ_EXIT && netns_filter_n)
		kmem_pending_drop();
	return 0;
}
TWIN(softirq_raise, on_softirq(ctx, NS_EV_SOFTIRQ_RAISE, vec), unsigned int vec)
TWIN(softirq_entry, on_softirq(ctx, NS_EV_SOFTIRQ_ENTRY, vec), unsigned int vec)
TWIN(softirq_exit, on_softirq(ctx, NS_EV_SOFTIRQ_EXIT, vec), unsigned int vec)

/* ---- irq_vectors: x86's system vectors (local timer, IPIs, irq_work) ----
 *
 * No irq_handler_* tracepoint fires for them, yet they interrupt like a
 * device irq and a softirq can run at their exit (irq_exit_rcu()): the
 * local timer raises TIMER and RCU, an IPI can raise NET_RX (RPS).  Each
 * <name>_entry/_exit tracepoint gets its own twin with a constant saying
 * which (the raw_tp argument is only the vector number); user space loads
 * those this kernel has (capture/session.c).  They keep the hardirq depth
 * like irq_handler_entry/exit, so events inside are hardirq context.
 */
static __always_inline int on_irq_vector(void *ctx, __u16 type, int vector, __u8 which)
{
	struct cpu_state *cs = get_cpu_state();
	struct ns_event *e;

	if (cs && type == NS_EV_IRQ_VECTOR_ENTRY) {
		cs->hardirq_depth++;
		cs->cur_irqv = which;
	}
	if (!(emit_mask & (1ull << type)))
		goto out;
	e = ev_begin(ctx, type);
	if (!e)
		goto out;
	e->reason = vector;
	e->aux = which;
	ev_submit(ctx, e);
out:
	if (cs && type == NS_EV_IRQ_VECTOR_EXIT) {
		cs->cur_irqv = 0;
		if (cs->hardirq_depth)
			cs->hardirq_depth--;
	}
	return 0;
}

#define IRQ_VECTOR(name, which)                                                              \
	TWIN(name##_entry, on_irq_vector(ctx, NS_EV_IRQ_VECTOR_ENTRY, vector, which), int vector) \
	TWIN(name##_exit, on_irq_vector(ctx, NS_EV_IRQ_VECTOR_EXIT, vector, which), int vector)
IRQ_VECTOR(local_timer, NS_IRQV_LOCAL_TIMER)
IRQ_VECTOR(reschedule, NS_IRQV_RESCHEDULE)
IRQ_VECTOR(call_function, NS_IRQV_CALL_FUNCTION)
IRQ_VECTOR(call_function_single, NS_IRQV_CALL_FUNCTION_SINGLE)
IRQ_VECTOR(irq_work, NS_IRQV_IRQ_WORK)
IRQ_VECTOR(x86_platform_ipi, NS_IRQV_X86_PLATFORM_IPI)
IRQ_VECTOR(error_apic, NS_IRQV_ERROR_APIC)
IRQ_VECTOR(spurious_apic, NS_IRQV_SPURIOUS_APIC)
IRQ_VECTOR(thermal_apic, NS_IRQV_THERMAL_APIC)
IRQ_VECTOR(threshold_apic, NS_IRQV_THRESHOLD_APIC)
IRQ_VECTOR(deferred_error_apic, NS_IRQV_DEFERRED_ERROR_APIC)
IRQ_VECTOR(reboot, NS_IRQV_REBOOT)

/* ---- napi, qdisc ---- */
/*
 * The backlog's NAPI (process_backlog: veth without GRO, loopback, RPS)
 * has no device, so under a filter its polls would never be admitted: such
 * a poll is sent when a wanted packet event ran in softirq context since the
 * previous poll on this CPU, i.e. inside this poll (trace_napi_poll fires
 * after the poll function returns, net/core/dev.c __napi_poll()).
 */
static __always_inline int on_napi_poll(void *ctx, const struct napi_struct *napi, int work, int budget)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_NAPI_POLL);
	const struct net_device *dev = RD(napi->dev, napi, dev);
	struct cpu_state *cs = get_cpu_state();
	bool carried = cs && cs->poll_wanted;

	if (cs)
		cs->poll_wanted = 0;
	if (!e)
		return 0;
	ev_dev(e, dev);
	e->location = (__u64)napi;
	e->aux = work;
	e->aux2 = budget;
	if (!dev && carried && narrowed())
		return ev_emit(ctx, e);
	return ev_submit(ctx, e);
}
TWIN(napi_poll, on_napi_poll(ctx, napi, work, budget), struct napi_struct *napi, int work, int budget)

static __always_inline int on_qdisc(void *ctx, __u16 type, const struct Qdisc *q,
				    const struct netdev_queue *txq, const struct sk_buff *skb, int packets)
{
	struct ns_event *e = ev_begin(ctx, type);

	if (!e)
		return 0;
	e->location = (__u64)q;
	e->aux = packets;
	e->aux2 = BPF_CORE_READ(q, q.qlen);
	ev_dev(e, RD(txq->dev, txq, dev));
	ev_skb(e, skb, L3_AT_NETWORK_HEADER);
	return ev_submit(ctx, e);
}
TWIN(qdisc_enqueue, on_qdisc(ctx, NS_EV_QDISC_ENQUEUE, qdisc, txq, skb, 1),
     struct Qdisc *qdisc, const struct netdev_queue *txq, struct sk_buff *skb)
TWIN(qdisc_dequeue, on_qdisc(ctx, NS_EV_QDISC_DEQUEUE, qdisc, txq, skb, packets),
     struct Qdisc *qdisc, const struct netdev_queue *txq, int packets, struct sk_buff *skb)

/* ---- cpu samples ----
 *
 * Attached by user space to a cpu-clock perf event (PERF_COUNT_SW_CPU_CLOCK,
 * an hrtimer) on every online CPU for as long as the capture runs.  The
 * context is the one the timer interrupted, from the per-CPU depth the
 * irq/softirq handlers keep.  Samples belong to a CPU, not to a namespace:
 * no filter applies (capture_event.bpf.h: is_cpu_event()).
 */
SEC("perf_event")
int sample_cpu(struct bpf_perf_event_data *ctx)
{
	struct ns_event *e = ev_begin(ctx, NS_EV_CPU_SAMPLE);
	struct task_struct *task;
	struct nsproxy *nsp;

	if (!e)
		return 0;
	/*
	 * The interrupted task's namespace: not a filter (a softirq serves
	 * every namespace), but it lets the analyses tell the lab's tasks from
	 * the rest of the machine.  NULL nsproxy: an exiting task.
	 */
	task = bpf_get_current_task_btf();
	nsp = BPF_CORE_READ(task, nsproxy);
	if (nsp)
		e->netns = BPF_CORE_READ(nsp, net_ns, ns.inum);
	return ev_submit(ctx, e);
}

/* ---- syscalls ----
 *
 * Only the socket-related calls (syscall_mask) of tasks in a wanted
 * namespace (or of --pid): the cheapest test first, the mask, then the
 * pid, then the task's namespace.  No stack: at sys_exit it would only show
 * the syscall return path.
 */
static __always_inline bool syscall_selected(long nr)
{
	if (nr < 0 || nr >= NS_SYSCALL_MAX)
		return false;
	return syscall_mask[(nr >> 6) & (NS_SYSCALL_MAX / 64 - 1)] & (1ull << (nr & 63));
}

/* the number of the syscall a sys_exit returns from (syscall_get_nr()) */
static __always_inline long exit_syscall_nr(const struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, orig_ax);
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ(regs, syscallno);
#else
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *nr = bpf_map_lookup_elem(&syscall_nrs, &tid);

	return nr ? *nr : -1;
#endif
}

static __always_inline int on_syscall(void *ctx, const struct pt_regs *regs, long nr, __u32 phase,
				      long ret)
{
	struct task_struct *task;
	struct nsproxy *nsp;
	struct ns_event *e;
	__u32 netns = 0;

	if (!syscall_selected(nr))
		return 0;
	if (filter_pid && bpf_get_current_pid_tgid() >> 32 != filter_pid)
		return 0;
	if (!netns_filter_n && !filter_pid)
		return 0; /* user space never loads us so, but the host's every read() must not leak */
	task = bpf_get_current_task_btf();
	/* NULL once an exiting task has dropped its namespaces (exit_task_namespaces) */
	nsp = BPF_CORE_READ(task, nsproxy);
	if (nsp)
		netns = BPF_CORE_READ(nsp, net_ns, ns.inum);
	if (netns_filter_n && !netns_wanted(netns))
		return 0;
#if !defined(__TARGET_ARCH_x86) && !defined(__TARGET_ARCH_arm64)
	if (phase == NS_SYSCALL_ENTER) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid(), v = nr;

		bpf_map_update_elem(&syscall_nrs, &tid, &v, BPF_ANY);
	}
#endif
	e = ev_begin(ctx, NS_EV_SYSCALL);
	if (!e)
		return 0;
	e->netns = netns;
	e->reason = nr;
	e->aux2 = phase;
	if (phase == NS_SYSCALL_ENTER)
		e->location = PT_REGS_PARM1_CORE_SYSCALL(regs);
	else
		e->aux = ret;
	return ev_submit(ctx, e);
}
TWIN(sys_enter, on_syscall(ctx, regs, id, NS_SYSCALL_ENTER, 0), struct pt_regs *regs, long id)
TWIN(sys_exit, on_syscall(ctx, regs, exit_syscall_nr(regs), NS_SYSCALL_EXIT, ret),
     struct pt_regs *regs, long ret)

#include "capture_kmem.bpf.h"

/* ---- the heartbeat of batched capture (capture_batch.bpf.h) ----
 *
 * Run by user space on each CPU in turn (BPF_PROG_TEST_RUN from a thread
 * bound to that CPU, capture/heartbeat.c): in task context with preemption
 * off, so no handler of this CPU is in the middle of an event.  Every batch
 * can go, and then every event of this CPU stamped before the heartbeat is
 * in the ring ahead of it.  Handlers of interrupts that arrive meanwhile
 * stamp their events later than the heartbeat, wherever those land.
 */
SEC("raw_tp")
int flush_batches(void *ctx)
{
	struct ns_heartbeat hb = { .kind = NS_RECORD_HEARTBEAT };
	struct cpu_batches *cb = get_cpu_batches();
	struct ns_counters *c = get_counters();

	hb.ts_ns = bpf_ktime_get_ns();
	hb.cpu = bpf_get_smp_processor_id();
	if (!cb || !c)
		return 0;
	for (__u32 i = 0; i < NS_BATCH_LEVELS; i++) {
		struct ev_batch *b = &cb->lvl[i];

		batch_flush(b, c);
		/* not expected (run elsewhere than in a task): an event of this
		 * level may still come with an older stamp; a zero one only
		 * holds the heartbeat back, user space keeps the highest */
		if ((b->writing || b->flushing) && b->ev[0].ts_ns < hb.ts_ns)
			hb.ts_ns = b->ev[0].ts_ns;
	}
	bpf_ringbuf_output(&events, &hb, sizeof(hb), BPF_RB_NO_WAKEUP);
	return 0;
}
