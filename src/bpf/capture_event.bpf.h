/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core every capture handler shares: execution context
 * (exec_ctx.bpf.h), building one event (device, socket, skb headers), the
 * kernel-side filters, the stack policy, and submission to the ring
 * buffer.  Included once, by capture.bpf.c, after its configuration and
 * maps: a BPF object is one compilation unit, and this keeps the
 * per-tracepoint handlers readable.
 */
#ifndef NS_CAPTURE_EVENT_BPF_H
#define NS_CAPTURE_EVENT_BPF_H

#include "cpu_hub.bpf.h"
#include "exec_ctx.bpf.h"


#include "capture_batch.bpf.h"
#include "decode_cast.bpf.h"

/*
 * The common fields of a new event, in a slot or reservation of its own;
 * ts: the clock read first thing in the handler (ev_begin*()), so that the
 * event's time is the tracepoint's, not the end of the context test, and
 * the clock's ordered TSC read (rdtscp, or lfence and rdtsc: it waits for
 * the loads issued before it) waits for none of the handler's: a few ns a
 * call (docs/PERFORMANCE.md, "Where a handler's time goes").
 */
static __always_inline void ev_init(struct ns_event *e, __u16 type, const struct ev_who *w,
				    __u64 ts)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = ts;
	e->pid = w->pid;
	e->tid = w->tid;
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	e->ctx = w->ctx;
	e->stack_id = -1;
	/*
	 * The task's name, by two loads from the task the context test read
	 * (the consumer fills it in for irq contexts, ev_account()), where
	 * bpf_get_current_comm() was a helper call (~48 ns) per task event.
	 * The same bytes, unpadded after the NUL; the consumer bounds names.
	 */
	if (w->task) {
		const __u64 *comm = (const __u64 *)w->task->comm;

		((__u64 *)e->comm)[0] = comm[0];
		((__u64 *)e->comm)[1] = comm[1];
	}
}

/* Start an event: take the scratch slot of this level, fill common fields. */
static __always_inline struct ns_event *ev_begin(void *prog_ctx, __u16 type)
{
	__u64 ts = bpf_ktime_get_ns();
	struct ev_who w;
	__u32 slot;
	struct ns_event *e;

	exec_who(prog_ctx, &w);
	slot = type == NS_EV_CPU_SAMPLE ? SCRATCH_CPU_SAMPLE :
	       w.ctx == NS_CTX_UNKNOWN ? 0 : w.ctx - 1;
	e = bpf_map_lookup_elem(&scratch, &slot);
	if (!e)
		return NULL;
	ev_init(e, type, &w, ts);
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
	if (family == AF_INET) {
		/* typed loads where the handler has typed arguments */
		((__u32 *)e->saddr)[0] = RD(skc->skc_rcv_saddr, skc, skc_rcv_saddr);
		((__u32 *)e->daddr)[0] = RD(skc->skc_daddr, skc, skc_daddr);
	} else if (family == AF_INET6) {
		/* explicit sizes: BPF_CORE_READ_INTO on an array would copy one byte */
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
 * NS_HDR_UNSET instead of decoding garbage.  sk: the event's socket when
 * the handler has one (also stored in e->sk), else NULL: the skb's.
 */
static __always_inline void ev_skb_hdr_sk(struct ns_event *e, const struct sk_buff *skb,
					  const struct sock *sk, enum l3_at at, bool cast)
{
	unsigned char *head, *l3;

	if (!skb)
		return;
	e->skb = (__u64)skb;
	head = RD(skb->head, skb, head);
	e->skb_head = (__u64)head;
	e->len = RD(skb->len, skb, len);
	e->l3_proto = bpf_ntohs(RD(skb->protocol, skb, protocol));
	/* a socket the caller stored without passing it (func.bpf.c: a traced
	 * function's argument) stays the event's, and names its namespace */
	if (!sk && !e->sk)
		sk = RD(skb->sk, skb, sk);
	if (!e->sk)
		e->sk = (__u64)sk;
	if (!e->netns) {
		const struct net_device *dev = RD(skb->dev, skb, dev);

		/* the device's namespace, else the owning socket's (a socket's
		 * queues are purged with skb->dev long cleared), else the
		 * packet's (netns_follow()) */
		if (dev)
			ev_dev(e, dev);
		else if (sk) {
			/* typed loads where the handler has typed arguments:
			 * ~0.5 events a SYN of a flood take this way */
			__u16 family = RD(sk->__sk_common.skc_family, sk, __sk_common.skc_family);

			/* inet sockets only: netlink messages (`ip` configuring
			 * the lab) are skbs too, but not traffic */
			if (family == AF_INET || family == AF_INET6)
				e->netns = RD(sk->__sk_common.skc_net.net->ns.inum, sk,
					      __sk_common.skc_net.net, ns.inum);
		} else if (e->sk) {
			/* the caller's socket, known as a number only */
			const struct sock *s = (const struct sock *)e->sk;
			__u16 family = BPF_CORE_READ(s, __sk_common.skc_family);

			if (family == AF_INET || family == AF_INET6)
				e->netns = BPF_CORE_READ(s, __sk_common.skc_net.net, ns.inum);
		}
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
	if (cast) { /* the handlers' hdr variants: typed loads, no copy */
		ns_decode_headers_cast(e, l3);
		return;
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

static __always_inline void ev_skb_hdr(struct ns_event *e, const struct sk_buff *skb,
				       enum l3_at at, bool cast)
{
	ev_skb_hdr_sk(e, skb, NULL, at, cast);
}

/* ev_skb_hdr() by a copy of the headers: any kernel, any program type */
static __always_inline void ev_skb(struct ns_event *e, const struct sk_buff *skb, enum l3_at at)
{
	ev_skb_hdr(e, skb, at, false);
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

/* events of a CPU, not of traffic: irqs, softirqs, cpu samples */
static __always_inline bool is_cpu_event(__u16 type)
{
	return (type >= NS_EV_IRQ_HANDLER_ENTRY && type <= NS_EV_SOFTIRQ_EXIT) ||
	       type == NS_EV_CPU_SAMPLE || type == NS_EV_IRQ_VECTOR_ENTRY ||
	       type == NS_EV_IRQ_VECTOR_EXIT;
}

#include "netns_follow.bpf.h"

/*
 * The kernel-side filters (const volatile: unused ones cost nothing).
 * type: e->type, passed as the handler's constant where it is one, so that
 * the tests on it fold away (loaded back from the event, they could not:
 * the helpers that filled the event may have written it).
 */
static __always_inline bool ev_wanted(const struct ns_event *e, __u16 type)
{
	/* irq/softirq events belong to a CPU, not to traffic: under filters
	 * they are already held back unless wanted traffic runs inside them */
	if (is_cpu_event(type))
		return true;
	/* a task's, filtered by pid and namespace where taken (on_syscall());
	 * packet filters do not apply to a call that carries no packet */
	if (type == NS_EV_SYSCALL)
		return true;
	/* packet memory: filtered where taken (capture.bpf.c, on_kmem_alloc());
	 * at allocation an skb has no device, socket or headers yet */
	if (type >= NS_EV_KMEM_ALLOC && type <= NS_EV_PAGE_FREE)
		return true;
	if (filter_pid && e->pid != filter_pid)
		return false;
	if (netns_filter_n && !netns_wanted(e->netns))
		return false;
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

/* Send the raise held with a softirq entry, before that entry (ring buffer
 * memory: no room for a second event on the BPF stack). */
static __always_inline void emit_held_raise(struct cpu_state *cs, struct ns_counters *c)
{
	struct ns_event *e;

	if (!cs->held_raise_ts)
		return;
	c->produced[NS_EV_SOFTIRQ_RAISE]++;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		c->lost[NS_EV_SOFTIRQ_RAISE]++;
		return;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = cs->held_raise_ts;
	e->type = NS_EV_SOFTIRQ_RAISE;
	e->cpu = bpf_get_smp_processor_id();
	e->ctx = cs->held_raise_ctx;
	e->pid = cs->held_raise_pid;
	e->tid = cs->held_raise_tid;
	e->reason = cs->entry_vec;
	e->aux = cs->held_raise_irq;
	e->aux2 = cs->held_raise_irqv;
	e->stack_id = -1;
	cs->held_raise_ts = 0;
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

static __always_inline void emit_pending_softirq(void)
{
	struct cpu_state *cs;
	__u32 slot = SCRATCH_SOFTIRQ_ENTRY;
	struct ns_counters *c;
	struct ns_event *e;

	/* read-only data: an entry is held only when entries are wanted, and
	 * without them the verifier drops the lookup from every handler */
	if (!(emit_mask & (1ull << NS_EV_SOFTIRQ_ENTRY)))
		return;
	cs = get_cpu_state();
	if (!cs || !cs->entry_pending)
		return;
	cs->entry_pending = 0;
	cs->entry_emitted = 1;
	e = bpf_map_lookup_elem(&scratch, &slot);
	c = get_counters();
	if (!e || !c)
		return;
	emit_held_raise(cs, c);
	/* built when the softirq began (hold_softirq_entry()) */
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
static __always_inline void take_stack(void *ctx, struct ns_event *e, struct ns_counters *c,
				       __u16 type)
{
	struct stack_site *site;
	__u32 key, idx;
	bool take;

	if (stack_mode == NS_STACK_NONE)
		return;
	key = type * 0x9e3779b1u;
	key ^= (__u32)e->location * 0x85ebca6bu;
	key ^= (__u32)(e->location >> 32);
	key ^= ((__u32)e->ctx << 24) ^ ((__u32)e->l4_proto << 16) ^
	       ((__u32)(e->tcp_flags & 0x07) << 8) ^ (__u32)e->ifindex * 0xc2b2ae35u;
	key ^= e->reason * 0x27d4eb2fu;
	e->stack_key = key;

	if (stack_mode == NS_STACK_ALL) {
		take = true;
	} else {
		idx = bpf_get_smp_processor_id() * STACK_SITES + key % STACK_SITES;
		site = bpf_map_lookup_elem(&stack_sites, &idx);
		if (!site)
			return;
		if (ns_unlikely(site->hits < stack_first_hits)) {
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
	if (ns_likely(!take))
		return;
	e->stack_id = bpf_get_stackid(ctx, &stacks, 0);
	if (e->stack_id < 0)
		c->stack_err++;
	else
		c->stack_taken++;
}

/*
 * Under a filter, the entry of a softirq is built when it begins, in its
 * own scratch slot, and sent only if wanted traffic runs inside: with the
 * task it ran in (ksoftirqd/N or the interrupted one) and, under the stack
 * policy like any event, its kernel stack, which says exactly where it ran
 * (irq_exit_rcu, __local_bh_enable_ip, run_ksoftirqd).
 */
static __always_inline void hold_softirq_entry(void *ctx, unsigned int vec)
{
	__u64 ts = bpf_ktime_get_ns();	/* first: raise -> entry should not count our own work */
	__u32 slot = SCRATCH_SOFTIRQ_ENTRY;
	struct ns_event *e = bpf_map_lookup_elem(&scratch, &slot);
	struct ns_counters *c = get_counters();
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!e || !c)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = ts;
	e->type = NS_EV_SOFTIRQ_ENTRY;
	e->cpu = bpf_get_smp_processor_id();
	e->ctx = NS_CTX_SOFTIRQ;
	e->reason = vec;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->stack_id = -1;
	take_stack(ctx, e, c, NS_EV_SOFTIRQ_ENTRY);
}

#define NS_EFAULT 14

/*
 * A cpu sample always takes its kernel stack (the stack is what a sample
 * is for), outside the stack policy.  A CPU that ran user code has no
 * kernel frames: bpf_get_stackid then says -EFAULT (kernel/bpf/stackmap.c,
 * an empty perf callchain); such a sample is kept, marked, without a stack,
 * so that the share of user time stays visible.
 */
static __always_inline void sample_stack(void *ctx, struct ns_event *e, struct ns_counters *c)
{
	e->stack_id = bpf_get_stackid(ctx, &stacks, 0);
	if (e->stack_id >= 0) {
		c->stack_taken++;
	} else if (e->stack_id == -NS_EFAULT) {
		e->stack_id = -1;
		e->flags |= NS_F_USER_MODE;
	} else {
		e->stack_id = -1;
		c->stack_err++;
	}
}

#include "kmem_pending.bpf.h"

/* Count and stack an event the filters admitted (type: e->type, see
 * ev_wanted()); the wake-up flag to send it with. */
static __always_inline __u64 ev_account(void *ctx, struct ns_event *e, struct ns_counters *c,
					__u16 type)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	/* read-only data first: without napi events or a filter the verifier
	 * drops this lookup from every handler (it is not free per event) */
	if ((emit_mask & (1ull << NS_EV_NAPI_POLL)) && narrowed() && e->ctx == NS_CTX_SOFTIRQ &&
	    !is_cpu_event(type) && type != NS_EV_NAPI_POLL) {
		struct cpu_state *cs = get_cpu_state();

		if (cs)
			cs->poll_wanted = 1;
	}
	if (!is_cpu_event(type) && type != NS_EV_SYSCALL)
		emit_pending_softirq();
	if (netns_filter_n && !is_cpu_event(type) && type != NS_EV_SYSCALL && !is_kmem_event(type))
		kmem_pending_flush(c);
	c->produced[type & (NS_EV_SLOTS - 1)]++;
	/*
	 * In irq context the current task is only whoever was interrupted;
	 * its name (~40 ns per event here) is filled in by the consumer from
	 * the pid instead (capture/session.c).
	 */
	if ((e->ctx == NS_CTX_TASK || e->ctx == NS_CTX_UNKNOWN || type == NS_EV_CPU_SAMPLE) &&
	    !e->comm[0]) /* not read at ev_init() (an empty name reads the same) */
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (type == NS_EV_CPU_SAMPLE)
		sample_stack(ctx, e, c);
	else if (type != NS_EV_SYSCALL)
		take_stack(ctx, e, c, type);
	/*
	 * Wake the consumer once per batch of events from this CPU: a wake-up
	 * per event would cost more than the event.  A per-CPU count, not
	 * bpf_ringbuf_query(BPF_RB_AVAIL_DATA): the query reads the consumer's
	 * position, a cache line the consumer keeps writing from another CPU,
	 * and cost ~170 ns per event here.  The consumer also polls on a short
	 * timeout, so a quiet tail is never stranded.
	 */
	if (ns_unlikely(++c->since_wakeup >= wakeup_events)) {
		c->since_wakeup = 0;
		flags = BPF_RB_FORCE_WAKEUP;
	}
	return flags;
}

/* Count, stack, and copy to the ring buffer an event the filters admitted;
 * whether it is in the ring. */
static __always_inline bool ev_emit_sent(void *ctx, struct ns_event *e, __u16 type)
{
	struct ns_counters *c = get_counters();
	__u64 flags;

	if (!c)
		return false;
	flags = ev_account(ctx, e, c, type);
	/* in the batch counts as sent: a full ring is counted at its flush */
	if (batch_append(e, c, flags))
		return true;
	if (bpf_ringbuf_output(&events, e, sizeof(*e), flags)) {
		c->lost[type & (NS_EV_SLOTS - 1)]++;
		return false;
	}
	return true;
}

static __always_inline int ev_emit(void *ctx, struct ns_event *e)
{
	ev_emit_sent(ctx, e, e->type);
	return 0;
}

/*
 * An event known to be wanted before it is built is built directly in its
 * ring-buffer reservation, or its batch slot when batching: no scratch
 * zeroing and no 176-byte copy
 * (bpf_stats: the copy path cost ~115 ns of a ~350 ns event here).  Known
 * wanted: no filter but the namespace one, and the caller's device is in a
 * wanted namespace (netns; 0 when unknown).  Nothing may be held back to go
 * before it either (a softirq entry, allocations: they would land after its
 * reservation).  NULL: build it in the scratch slot instead (ev_begin()),
 * which also counts it lost if the ring is full, so "lost" stays a count
 * of wanted events and unwanted ones never take ring space.
 */
/* where ev_begin_direct() built an event when batching, for ev_submit_direct() */
struct ev_where {
	struct cpu_hub *hub;
	struct ev_batch *batch;
};

static __always_inline struct ns_event *ev_begin_direct(void *prog_ctx, __u16 type,
							__u32 netns, struct ev_where *at)
{
	struct ns_event *e;
	struct ev_who w;
	__u64 ts;

	/*
	 * Batched, every event is built in its batch slot, wanted or not: an
	 * unwanted one gives the slot back (batch_discard(), one store), and
	 * what is held back goes to the ring on its own, which user space
	 * sorts in (capture/reorder.h).  Saves the scratch slot's zeroing and
	 * the copy for every event whose namespace is known only once built
	 * (frees of skbs without a device: ~40 % of a flood's).
	 */
	if (batching) {
		struct cpu_hub *hub;

		ts = bpf_ktime_get_ns();
		hub = get_cpu_hub();
		if (!hub)
			return NULL;
		exec_who_in(prog_ctx, &hub->state, &w);
		at->batch = batch_at(&hub->batches, w.ctx);
		e = batch_take_in(at->batch);
		if (!e)
			return NULL;
		at->hub = hub;
		ev_init(e, type, &w, ts);
		return e;
	}
	if (filter_pid || filter_l4 || filter_port || filter_host_family || filter_ifname_set)
		return NULL;
	if (netns_filter_n) {
		struct cpu_state *cs;
		struct kmem_pending *p;

		/* the common miss first: a free of an skb with no device */
		if (!netns || !netns_wanted(netns))
			return NULL;
		cs = get_cpu_state();
		p = kmem_pending_get();
		if (!cs || cs->entry_pending || (p && p->n))
			return NULL;
	}
	ts = bpf_ktime_get_ns();
	exec_who(prog_ctx, &w);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return NULL;
	ev_init(e, type, &w, ts);
	return e;
}

/* the namespace of the skb's device for ev_begin_direct(); 0: none, or no namespace filter */
static __always_inline __u32 skb_dev_netns(const struct sk_buff *skb)
{
	const struct net_device *dev;

	if (!netns_filter_n || batching || !skb)
		return 0;
	dev = RD(skb->dev, skb, dev);
	return dev ? RD(dev->nd_net.net->ns.inum, dev, nd_net.net, ns.inum) : 0;
}

/* ev_submit() for an event of ev_begin_direct() (type: the one it was
 * begun with): commit it, or discard it */
static __always_inline int ev_submit_direct(void *ctx, struct ns_event *e,
					    const struct ev_where *at, __u16 type)
{
	struct ns_counters *c;

	if (netns_filter_n)
		netns_follow(e, type);
	/* batched, the hub ev_begin_direct() looked up: no second lookup */
	c = batching ? (at->hub ? &at->hub->counters : NULL) : get_counters();
	if (!c || !ev_wanted(e, type)) { /* unbatched, not expected: its filters passed before */
		if (batching) {
			/* as ev_submit_sent(): a packet of another namespace */
			if (netns_filter_n && e->netns)
				kmem_pending_drop();
			batch_discard_in(at->batch);
		} else {
			bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		}
		return 0;
	}
	if (batching)
		batch_commit_in(at->batch, c, ev_account(ctx, e, c, type));
	else
		bpf_ringbuf_submit(e, ev_account(ctx, e, c, type));
	return 0;
}

/*
 * Build and submit one event: `fill` (a statement using `e`) runs on the
 * ring-buffer reservation when ev_begin_direct() gives one, else on the
 * scratch slot.  netns: what ev_begin_direct() needs to know it wanted.
 */
#define EV_BUILD(ctx, type, netns, fill)                               \
	({                                                             \
		struct ev_where at_ = {};                              \
		struct ns_event *e = ev_begin_direct(ctx, type, netns, &at_); \
		int ret_ = 0;                                          \
		if (ns_likely(e)) {                                    \
			fill;                                          \
			ret_ = ev_submit_direct(ctx, e, &at_, type);   \
		} else if ((e = ev_begin(ctx, type))) {                     \
			fill;                                          \
			ev_submit_sent(ctx, e, type);                  \
		}                                                      \
		ret_;                                                  \
	})

/* Filter, then emit (type: e->type, see ev_wanted()); whether the event is
 * in the ring. */
static __always_inline bool ev_submit_sent(void *ctx, struct ns_event *e, __u16 type)
{
	if (netns_filter_n && !is_cpu_event(type))
		netns_follow(e, type);
	if (!ev_wanted(e, type)) {
		/* a packet of another namespace: what its softirq allocated is not ours */
		if (netns_filter_n && e->netns && !is_cpu_event(type))
			kmem_pending_drop();
		return false;
	}
	return ev_emit_sent(ctx, e, type);
}

static __always_inline int ev_submit(void *ctx, struct ns_event *e)
{
	ev_submit_sent(ctx, e, e->type);
	return 0;
}

/*
 * EV_BUILD, and `then` (a statement using `e`) for an event that goes to
 * the ring: on the reservation before it is committed, or on the scratch
 * slot after it was copied.  Either way anything `then` sends lands after
 * the event in the ring (records are ordered by reservation), which is
 * what the packet bytes of --snaplen need (payload.bpf.h).  Never batched
 * (user space turns batching off for --snaplen, the one `then` that sends
 * anything): there the direct path would run `then` before knowing the
 * event is wanted.
 */
#define EV_BUILD_THEN(ctx, type, netns, fill, then)                    \
	({                                                             \
		struct ev_where at_ = {};                              \
		struct ns_event *e = ev_begin_direct(ctx, type, netns, &at_); \
		if (ns_likely(e)) {                                    \
			fill;                                          \
			then;                                          \
			ev_submit_direct(ctx, e, &at_, type);          \
		} else if ((e = ev_begin(ctx, type))) {                     \
			fill;                                          \
			if (ev_submit_sent(ctx, e, type))              \
				then;                                  \
		}                                                      \
		0;                                                     \
	})

#endif /* NS_CAPTURE_EVENT_BPF_H */
