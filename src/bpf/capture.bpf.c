// SPDX-License-Identifier: GPL-2.0
/*
 * netscope capture programs: one handler per network tracepoint, each built
 * twice (tp_btf and raw_tp, chosen at load time by probing; see
 * capture/session.c).  Every handler fills one struct ns_event in a per-CPU
 * scratch slot, applies the filters, then copies it to the ring buffer, so
 * that filtered-out events never cost a ring-buffer reservation and the
 * produced/lost counters stay exact.  That shared core (context, decoding,
 * filters, stacks, submission) is in capture_event.bpf.h.
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

/*
 * Each handler is defined once and instantiated as a tp_btf and a raw_tp
 * program; user space autoloads one of the twins.
 */
#define TWIN(tp, call, args...)                                  \
	SEC("tp_btf/" #tp)                                       \
	int BPF_PROG(btf_##tp, args) { return call; }            \
	SEC("raw_tp/" #tp)                                       \
	int BPF_PROG(raw_##tp, args) { return call; }

/* ---- net: device layer ---- */
static __always_inline int on_skb_dev(void *ctx, __u16 type, const struct sk_buff *skb,
				      const struct net_device *dev, enum l3_at at)
{
	struct ns_event *e = ev_begin(type);

	if (!e)
		return 0;
	ev_dev(e, dev ? dev : RD(skb->dev, skb, dev));
	ev_skb(e, skb, at);
	return ev_submit(ctx, e);
}

TWIN(net_dev_queue, on_skb_dev(ctx, NS_EV_NET_DEV_QUEUE, skb, NULL, L3_AT_NETWORK_HEADER),
     struct sk_buff *skb)
TWIN(net_dev_start_xmit, on_skb_dev(ctx, NS_EV_NET_DEV_START_XMIT, skb, dev, L3_AT_NONE),
     const struct sk_buff *skb, const struct net_device *dev)
TWIN(netif_receive_skb, on_skb_dev(ctx, NS_EV_NETIF_RECEIVE_SKB, skb, NULL, L3_AT_DATA),
     struct sk_buff *skb)
TWIN(netif_rx, on_skb_dev(ctx, NS_EV_NETIF_RX, skb, NULL, L3_AT_DATA), struct sk_buff *skb)
TWIN(napi_gro_receive_entry, on_skb_dev(ctx, NS_EV_NAPI_GRO_RECEIVE_ENTRY, skb, NULL, L3_AT_DATA),
     const struct sk_buff *skb)
TWIN(netif_receive_skb_list_entry,
     on_skb_dev(ctx, NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY, skb, NULL, L3_AT_DATA),
     const struct sk_buff *skb)

/*
 * net_dev_xmit fires after the driver took the skb, which may already be
 * freed: the skb is used only as an address for the packet id, never read.
 */
static __always_inline int on_net_dev_xmit(void *ctx, const struct sk_buff *skb, int rc,
					   const struct net_device *dev, unsigned int len)
{
	struct ns_event *e = ev_begin(NS_EV_NET_DEV_XMIT);

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
static __always_inline int on_kfree_skb(void *ctx, const struct sk_buff *skb, void *location,
					__u64 *args)
{
	struct ns_event *e = ev_begin(NS_EV_KFREE_SKB);

	if (!e)
		return 0;
	e->location = (__u64)location;
	if (kfree_skb_has_reason)
		e->reason = (__u32)args[2];
	if (kfree_skb_has_rx_sk) {
		struct sock *rx_sk = (struct sock *)args[3];

		e->sk = (__u64)rx_sk;
		if (rx_sk && !RD(skb->dev, skb, dev))
			ev_sock(e, &rx_sk->__sk_common);
	}
	ev_skb(e, skb, L3_AT_NETWORK_HEADER);
	return ev_submit(ctx, e);
}
TWIN(kfree_skb, on_kfree_skb(ctx, skb, location, ctx), struct sk_buff *skb, void *location)

static __always_inline int on_consume_skb(void *ctx, const struct sk_buff *skb, __u64 *args)
{
	struct ns_event *e = ev_begin(NS_EV_CONSUME_SKB);

	if (!e)
		return 0;
	if (consume_skb_has_location)
		e->location = args[1];
	ev_skb(e, skb, L3_AT_NONE);
	return ev_submit(ctx, e);
}
TWIN(consume_skb, on_consume_skb(ctx, skb, ctx), struct sk_buff *skb)

/* ---- tcp ---- */
static __always_inline int on_tcp_sk_skb(void *ctx, __u16 type, const struct sock *sk,
					 const struct sk_buff *skb, __u32 reason, __s32 aux)
{
	struct ns_event *e = ev_begin(type);

	if (!e)
		return 0;
	e->sk = (__u64)sk;
	e->reason = reason;
	e->aux = aux;
	ev_skb(e, skb, L3_AT_NETWORK_HEADER);
	if (sk) {
		ev_sock(e, &sk->__sk_common);
		e->aux2 = BPF_CORE_READ(sk, __sk_common.skc_state);
		if (!e->l4_proto)
			e->l4_proto = IPPROTO_TCP;
	}
	return ev_submit(ctx, e);
}

static __always_inline int on_tcp_send_reset(void *ctx, const struct sock *sk,
					     const struct sk_buff *skb, __u64 *args)
{
	__u32 reason = tcp_send_reset_has_reason ? (__u32)args[2] : 0;

	return on_tcp_sk_skb(ctx, NS_EV_TCP_SEND_RESET, sk, skb, reason, 0);
}
TWIN(tcp_send_reset, on_tcp_send_reset(ctx, sk, skb, ctx),
     const struct sock *sk, const struct sk_buff *skb)

TWIN(tcp_receive_reset, on_tcp_sk_skb(ctx, NS_EV_TCP_RECEIVE_RESET, sk, NULL, 0, 0), struct sock *sk)
TWIN(tcp_destroy_sock, on_tcp_sk_skb(ctx, NS_EV_TCP_DESTROY_SOCK, sk, NULL, 0, 0), struct sock *sk)

/*
 * The retransmitted skb sits in the write queue: its headers are built on
 * the clone that is sent, so addresses come from the socket and the
 * sequence number from TCP_SKB_CB(skb)->seq (the skb control buffer).
 */
static __always_inline int on_tcp_retransmit_skb(void *ctx, const struct sock *sk,
						 const struct sk_buff *skb)
{
	struct ns_event *e = ev_begin(NS_EV_TCP_RETRANSMIT_SKB);
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
	struct ns_event *e = ev_begin(NS_EV_TCP_RETRANSMIT_SYNACK);

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
	struct ns_event *e = ev_begin(NS_EV_TCP_PROBE);
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
	struct ns_event *e = ev_begin(NS_EV_INET_SOCK_SET_STATE);

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
	struct ns_event *e = ev_begin(NS_EV_SOCK_RCVQUEUE_FULL);

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
	struct ns_event *e = ev_begin(NS_EV_SOCK_EXCEED_BUF_LIMIT);

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
	struct ns_event *e = ev_begin(NS_EV_UDP_FAIL_QUEUE_RCV_SKB);
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

	if (cs && type == NS_EV_IRQ_HANDLER_ENTRY)
		cs->hardirq_depth++;
	/* the exit event is still reported as hardirq context */
	if (!(emit_mask & (1ull << type)))
		goto out;
	e = ev_begin(type);
	if (!e)
		goto out;
	e->reason = irq;
	e->location = (__u64)action;
	e->aux = ret;
	/* no device here: the ifname field carries the handler's name */
	bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), BPF_CORE_READ(action, name));
	ev_submit(ctx, e);
out:
	if (cs && type == NS_EV_IRQ_HANDLER_EXIT && cs->hardirq_depth)
		cs->hardirq_depth--;
	return 0;
}
TWIN(irq_handler_entry, on_irq(ctx, NS_EV_IRQ_HANDLER_ENTRY, irq, action, 0),
     int irq, struct irqaction *action)
TWIN(irq_handler_exit, on_irq(ctx, NS_EV_IRQ_HANDLER_EXIT, irq, action, ret),
     int irq, struct irqaction *action, int ret)

static __always_inline int on_softirq(void *ctx, __u16 type, unsigned int vec)
{
	struct cpu_state *cs = get_cpu_state();
	struct ns_event *e;

	if (cs && type == NS_EV_SOFTIRQ_ENTRY)
		cs->softirq_depth++;
	if (vec >= 32 || !(softirq_mask & (1u << vec)) || !(emit_mask & (1ull << type)))
		goto out;
	if (narrowed() && cs) {
		/* raise cannot be tied to traffic; entry waits for a wanted event */
		if (type == NS_EV_SOFTIRQ_ENTRY) {
			cs->entry_ts = bpf_ktime_get_ns();
			cs->entry_vec = vec;
			cs->entry_pending = 1;
			cs->entry_emitted = 0;
			goto out;
		}
		if (type == NS_EV_SOFTIRQ_RAISE)
			goto out;
		if (type == NS_EV_SOFTIRQ_EXIT) {
			bool emitted = cs->entry_emitted;

			cs->entry_pending = 0;
			cs->entry_emitted = 0;
			if (!emitted)
				goto out;
		}
	}
	e = ev_begin(type);
	if (!e)
		goto out;
	e->reason = vec;
	ev_submit(ctx, e);
out:
	if (cs && type == NS_EV_SOFTIRQ_EXIT && cs->softirq_depth)
		cs->softirq_depth--;
	return 0;
}
TWIN(softirq_raise, on_softirq(ctx, NS_EV_SOFTIRQ_RAISE, vec), unsigned int vec)
TWIN(softirq_entry, on_softirq(ctx, NS_EV_SOFTIRQ_ENTRY, vec), unsigned int vec)
TWIN(softirq_exit, on_softirq(ctx, NS_EV_SOFTIRQ_EXIT, vec), unsigned int vec)

/* ---- napi, qdisc ---- */
static __always_inline int on_napi_poll(void *ctx, const struct napi_struct *napi, int work, int budget)
{
	struct ns_event *e = ev_begin(NS_EV_NAPI_POLL);

	if (!e)
		return 0;
	ev_dev(e, RD(napi->dev, napi, dev));
	e->location = (__u64)napi;
	e->aux = work;
	e->aux2 = budget;
	return ev_submit(ctx, e);
}
TWIN(napi_poll, on_napi_poll(ctx, napi, work, budget), struct napi_struct *napi, int work, int budget)

static __always_inline int on_qdisc(void *ctx, __u16 type, const struct Qdisc *q,
				    const struct netdev_queue *txq, const struct sk_buff *skb, int packets)
{
	struct ns_event *e = ev_begin(type);

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
	struct ns_event *e = ev_begin(NS_EV_CPU_SAMPLE);
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
	e = ev_begin(NS_EV_SYSCALL);
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
