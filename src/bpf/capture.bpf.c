// SPDX-License-Identifier: GPL-2.0
/*
 * netscope capture programs: one handler per network tracepoint, each built
 * twice (tp_btf and raw_tp, chosen at load time by probing; see
 * capture/session.c).  Every handler fills one struct ns_event in a per-CPU
 * scratch slot, applies the filters, then copies it to the ring buffer, so
 * that filtered-out events never cost a ring-buffer reservation and the
 * produced/lost counters stay exact.
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

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58

/* ---- configuration: set by user space before load (read-only data) ---- */
const volatile __u32 netns_filter[NS_MAX_NETNS_FILTER];
const volatile __u32 netns_filter_n;	/* 0: every namespace */
const volatile __u32 filter_pid;	/* tgid; 0: any */
const volatile __u32 filter_l4;		/* IPPROTO_*; 0: any */
const volatile __u32 filter_port;	/* either port, host order; 0: any */
const volatile __u32 filter_host_family; /* AF_INET/AF_INET6; 0: any host */
const volatile __u8 filter_host[16];
const volatile char filter_ifname[NS_IFNAME_LEN];
const volatile __u32 filter_ifname_set;
const volatile __u32 softirq_mask = (1 << 2) | (1 << 3); /* NET_TX, NET_RX */
const volatile __u32 stack_mode = NS_STACK_POLICY;
const volatile __u32 stack_first_hits = 8;
const volatile __u64 stack_interval_ns = 10000000; /* 10 ms */
const volatile __u32 wakeup_events = 256;
/* true when the tp_btf twins are loaded (set by user space) */
const volatile bool direct_reads;
/*
 * Parse headers on every event (needed when a host/port/proto filter must
 * see them), or only where a packet can first be met; follow-up events of
 * a packet (start_xmit, xmit, consume) get its headers from user space.
 */
const volatile bool parse_all;

/*
 * direct_reads is read-only data: the verifier knows its value and never
 * checks the branch the loaded twin cannot take (a plain load through an
 * untyped raw_tp argument would be rejected).
 */
#define RD(direct, ...) (direct_reads ? (direct) : BPF_CORE_READ(__VA_ARGS__))

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

/* ---- maps ---- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by user space (--ring-size) */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ns_counters);
} counters SEC(".maps");

/* one scratch event per execution level, so a hardirq handler that
 * interrupts a task-context handler on the same CPU cannot clobber it */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 5); /* 4 levels + one for held-back softirq entries */
	__type(key, __u32);
	__type(value, struct ns_event);
} scratch SEC(".maps");
#define SCRATCH_SOFTIRQ_ENTRY 4

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, NS_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

#define STACK_SITES 4096
struct stack_site {
	__u64 last_ns; /* when this site last took a stack on this CPU */
	__u32 hits;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STACK_SITES);
	__type(key, __u32);
	__type(value, struct stack_site);
} stack_sites SEC(".maps");

/* ---- execution context ----
 *
 * The preempt count would tell task/softirq/hardirq directly, but on x86 it
 * is the per-CPU variable __preempt_count, and typed per-CPU ksyms need
 * data symbols in kallsyms (CONFIG_KALLSYMS_ALL), which many kernels lack
 * (this project's machines included).  Instead the softirq_entry/exit and
 * irq_handler_entry/exit handlers, always attached, keep a per-CPU depth:
 * __do_softirq() fires softirq_entry/exit around every vector it runs, in
 * ksoftirqd and on local_bh_enable() alike, so the depth is exact for
 * softirqs.  Hardirqs without irq_handler_* tracepoints (the APIC timer)
 * are not seen; network tracepoints do not fire in them.
 */
struct cpu_state {
	__u32 softirq_depth;
	__u32 hardirq_depth;
	/*
	 * Under a namespace or packet filter, softirqs (per CPU, never owned by
	 * a namespace) are reported only if a wanted event happens inside them:
	 * the entry is held back here and emitted just before that event.
	 */
	__u64 entry_ts;
	__u32 entry_vec;
	__u8 entry_pending;
	__u8 entry_emitted;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpu_states SEC(".maps");

/* events to emit, bit per ns_event_type: context-tracking handlers run even
 * when their own events are not wanted */
const volatile __u64 emit_mask = ~0ull;

static __always_inline struct cpu_state *get_cpu_state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_states, &zero);
}

static __always_inline __u8 exec_ctx(void)
{
	struct cpu_state *cs = get_cpu_state();

	if (!cs)
		return NS_CTX_UNKNOWN;
	if (cs->hardirq_depth)
		return NS_CTX_HARDIRQ;
	if (cs->softirq_depth)
		return NS_CTX_SOFTIRQ;
	return NS_CTX_TASK;
}

static __always_inline struct ns_counters *get_counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

/* Start an event: take the scratch slot of this level, fill common fields. */
static __always_inline struct ns_event *ev_begin(__u16 type)
{
	__u8 ctx = exec_ctx();
	__u32 slot = ctx == NS_CTX_UNKNOWN ? 0 : ctx - 1;
	struct ns_event *e;
	__u64 pid_tgid;

	e = bpf_map_lookup_elem(&scratch, &slot);
	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	pid_tgid = bpf_get_current_pid_tgid();
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	e->ctx = ctx;
	e->stack_id = -1;
	return e;
}

static __always_inline void ev_dev(struct ns_event *e, const struct net_device *dev)
{
	if (!dev)
		return;
	e->ifindex = RD(dev->ifindex, dev, ifindex);
	if (direct_reads)
		__builtin_memcpy(e->ifname, dev->name, sizeof(e->ifname));
	else
		bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), dev->name);
	e->netns = RD(dev->nd_net.net->ns.inum, dev, nd_net.net, ns.inum);
}

/* Addresses and ports from the socket, for events whose skb has no headers. */
static __always_inline void ev_sock(struct ns_event *e, const struct sock_common *skc)
{
	__u16 family;

	if (!skc)
		return;
	if (!e->netns)
		e->netns = RD(skc->skc_net.net->ns.inum, skc, skc_net.net, ns.inum);
	if (e->hdr & NS_HDR_L4)
		return; /* the packet's own headers are better */
	family = RD(skc->skc_family, skc, skc_family);
	/* explicit sizes: BPF_CORE_READ_INTO on an array would copy one byte */
	if (family == AF_INET) {
		bpf_core_read(e->saddr, 4, &skc->skc_rcv_saddr);
		bpf_core_read(e->daddr, 4, &skc->skc_daddr);
	} else if (family == AF_INET6) {
		bpf_core_read(e->saddr, 16, &skc->skc_v6_rcv_saddr);
		bpf_core_read(e->daddr, 16, &skc->skc_v6_daddr);
	} else {
		return;
	}
	e->family = family;
	e->sport = RD(skc->skc_num, skc, skc_num);
	e->dport = bpf_ntohs(RD(skc->skc_dport, skc, skc_dport));
	e->hdr |= NS_HDR_L3 | NS_HDR_L4 | NS_HDR_FROM_SOCK;
}

enum l3_at {
	L3_AT_NETWORK_HEADER, /* TX and protocol layers: skb->network_header */
	L3_AT_DATA,	      /* RX before the IP layer: skb->data (MAC pulled) */
	L3_AT_NONE,	      /* a follow-up event: headers come from the packet's
			       * earlier events unless parse_all (filters) */
};

/*
 * Read IPv4/IPv6 and TCP/UDP/ICMP headers out of the skb.  An unset network
 * header (0 after allocation: __finalize_skb_around leaves it so) or one
 * whose version nibble disagrees with skb->protocol marks the event
 * NS_HDR_UNSET instead of decoding garbage.
 */
static __always_inline void ev_skb(struct ns_event *e, const struct sk_buff *skb, enum l3_at at)
{
	unsigned char *head, *l3;

	if (!skb)
		return;
	e->skb = (__u64)skb;
	head = RD(skb->head, skb, head);
	e->skb_head = (__u64)head;
	e->len = RD(skb->len, skb, len);
	e->l3_proto = bpf_ntohs(RD(skb->protocol, skb, protocol));
	if (!e->sk)
		e->sk = (__u64)RD(skb->sk, skb, sk);
	if (!e->netns) {
		const struct net_device *dev = RD(skb->dev, skb, dev);

		if (dev)
			ev_dev(e, dev);
	}
	if (e->l3_proto != ETH_P_IP && e->l3_proto != ETH_P_IPV6) {
		e->hdr |= NS_HDR_L3_OTHER;
		return;
	}
	if (at == L3_AT_NONE && !parse_all)
		return;
	if (at == L3_AT_DATA) {
		l3 = RD(skb->data, skb, data);
	} else {
		__u16 nh = RD(skb->network_header, skb, network_header);

		if (!nh) {
			e->hdr |= NS_HDR_UNSET;
			return;
		}
		l3 = head + nh;
	}
	/*
	 * One copy of everything the decoder may look at; near the end of a
	 * mapping the long read can fail, then a 40-byte one (IPv4 + TCP
	 * without options, or a bare IPv6 header) is enough.
	 */
	__u8 buf[NS_HDR_BUF];
	__u32 avail = NS_HDR_BUF;

	if (bpf_probe_read_kernel(buf, NS_HDR_BUF, l3)) {
		avail = 40;
		if (bpf_probe_read_kernel(buf, 40, l3))
			return;
	}
	ns_decode_headers(e, buf, avail, e->l3_proto);
}

static __always_inline bool addr_eq(const __u8 *a, int n)
{
	for (int i = 0; i < 16; i++) {
		if (i >= n)
			break;
		if (a[i] != filter_host[i])
			return false;
	}
	return true;
}

static __always_inline bool is_cpu_event(__u16 type)
{
	return type >= NS_EV_IRQ_HANDLER_ENTRY && type <= NS_EV_SOFTIRQ_EXIT;
}

/* The kernel-side filters (const volatile: unused ones cost nothing). */
static __always_inline bool ev_wanted(const struct ns_event *e)
{
	/* irq/softirq events belong to a CPU, not to traffic: under filters
	 * they are already held back unless wanted traffic runs inside them */
	if (is_cpu_event(e->type))
		return true;
	if (filter_pid && e->pid != filter_pid)
		return false;
	if (netns_filter_n) {
		bool hit = false;

		for (int i = 0; i < NS_MAX_NETNS_FILTER; i++)
			if (i < netns_filter_n && netns_filter[i] == e->netns)
				hit = true;
		if (!hit)
			return false;
	}
	if (filter_ifname_set) {
		for (int i = 0; i < NS_IFNAME_LEN; i++) {
			if (e->ifname[i] != filter_ifname[i])
				return false;
			if (!e->ifname[i])
				break;
		}
	}
	if (filter_l4 && e->l4_proto != filter_l4)
		return false;
	if (filter_port && (!(e->hdr & NS_HDR_L4) ||
			    (e->sport != filter_port && e->dport != filter_port)))
		return false;
	if (filter_host_family) {
		int n = filter_host_family == AF_INET ? 4 : 16;

		if (!(e->hdr & NS_HDR_L3) || e->family != filter_host_family)
			return false;
		if (!addr_eq(e->saddr, n) && !addr_eq(e->daddr, n))
			return false;
	}
	return true;
}

/* true when some filter narrows the capture to particular traffic */
static __always_inline bool narrowed(void)
{
	return netns_filter_n || filter_pid || filter_l4 || filter_port || filter_host_family ||
	       filter_ifname_set;
}

static __always_inline void emit_pending_softirq(void)
{
	struct cpu_state *cs = get_cpu_state();
	__u32 slot = SCRATCH_SOFTIRQ_ENTRY;
	struct ns_counters *c;
	struct ns_event *e;

	if (!cs || !cs->entry_pending)
		return;
	cs->entry_pending = 0;
	cs->entry_emitted = 1;
	e = bpf_map_lookup_elem(&scratch, &slot);
	c = get_counters();
	if (!e || !c)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = cs->entry_ts;
	e->type = NS_EV_SOFTIRQ_ENTRY;
	e->cpu = bpf_get_smp_processor_id();
	e->ctx = NS_CTX_SOFTIRQ;
	e->reason = cs->entry_vec;
	e->stack_id = -1;
	c->produced[NS_EV_SOFTIRQ_ENTRY]++;
	if (bpf_ringbuf_output(&events, e, sizeof(*e), BPF_RB_NO_WAKEUP))
		c->lost[NS_EV_SOFTIRQ_ENTRY]++;
}

/*
 * Default stack policy.  A kernel stack walk costs as much as the rest of
 * the capture together (bpf_get_stackid on every event: ~0.15 of untraced
 * throughput, ANCHORS.md), so stacks are taken for the first hits of each
 * call site and then at most once per stack_interval_ns per site and CPU:
 * the cost stays flat however high the event rate, and a site busy enough
 * to matter is sampled again and again.  The site is
 * approximated without unwinding by what decides the call path of a
 * network event: event type, drop location, context, device, protocol and
 * TCP flags.  Every event carries its site key, so the call tree can weigh
 * each sampled stack by the events of its site (analysis side).
 */
static __always_inline void take_stack(void *ctx, struct ns_event *e, struct ns_counters *c)
{
	struct stack_site *site;
	__u32 key, idx;
	bool take;

	if (stack_mode == NS_STACK_NONE)
		return;
	key = e->type * 0x9e3779b1u;
	key ^= (__u32)e->location * 0x85ebca6bu;
	key ^= (__u32)(e->location >> 32);
	key ^= ((__u32)e->ctx << 24) ^ ((__u32)e->l4_proto << 16) ^
	       ((__u32)(e->tcp_flags & 0x07) << 8) ^ (__u32)e->ifindex * 0xc2b2ae35u;
	key ^= e->reason * 0x27d4eb2fu;
	e->stack_key = key;

	if (stack_mode == NS_STACK_ALL) {
		take = true;
	} else {
		idx = key % STACK_SITES;
		site = bpf_map_lookup_elem(&stack_sites, &idx);
		if (!site)
			return;
		if (site->hits < stack_first_hits) {
			site->hits++;
			take = true;
		} else {
			take = e->ts_ns - site->last_ns >= stack_interval_ns;
			if (take)
				e->flags |= NS_F_STACK_SAMPLED;
		}
		if (take)
			site->last_ns = e->ts_ns;
	}
	if (!take)
		return;
	e->stack_id = bpf_get_stackid(ctx, &stacks, 0);
	if (e->stack_id < 0)
		c->stack_err++;
	else
		c->stack_taken++;
}

/* Filter, count, stack, and copy to the ring buffer. */
static __always_inline int ev_submit(void *ctx, struct ns_event *e)
{
	struct ns_counters *c;
	__u64 flags = BPF_RB_NO_WAKEUP;
	__u16 type = e->type;

	if (!ev_wanted(e))
		return 0;
	c = get_counters();
	if (!c)
		return 0;
	if (!is_cpu_event(type))
		emit_pending_softirq();
	c->produced[type & (NS_EV_SLOTS - 1)]++;
	/*
	 * In irq context the current task is only whoever was interrupted;
	 * its name (~40 ns per event here) is filled in by the consumer from
	 * the pid instead (capture/session.c).
	 */
	if (e->ctx == NS_CTX_TASK || e->ctx == NS_CTX_UNKNOWN)
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	take_stack(ctx, e, c);
	/*
	 * Wake the consumer once per batch of events from this CPU: a wake-up
	 * per event would cost more than the event.  A per-CPU count, not
	 * bpf_ringbuf_query(BPF_RB_AVAIL_DATA): the query reads the consumer's
	 * position, a cache line the consumer keeps writing from another CPU,
	 * and cost ~170 ns per event here.  The consumer also polls on a short
	 * timeout, so a quiet tail is never stranded.
	 */
	if (++c->since_wakeup >= wakeup_events) {
		c->since_wakeup = 0;
		flags = BPF_RB_FORCE_WAKEUP;
	}
	if (bpf_ringbuf_output(&events, e, sizeof(*e), flags))
		c->lost[type & (NS_EV_SLOTS - 1)]++;
	return 0;
}

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
