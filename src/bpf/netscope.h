/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire types shared by the BPF programs (capture.bpf.c) and user space.
 *
 * This header is the only place the layout of an event is written down: the
 * ring buffer carries struct ns_event as is, and the trace file stores the
 * same bytes (docs/TRACE_FORMAT.md).  Keep it free of anything that is not a
 * fixed-size type, and append fields only at the end of a struct: the trace
 * file records sizeof(struct ns_event) so a reader can tell versions apart.
 */
#ifndef NETSCOPE_WIRE_H
#define NETSCOPE_WIRE_H

#ifdef __bpf__
/* vmlinux.h provides the __u* types in BPF builds */
#else
#include <linux/types.h>
#endif

#define NS_COMM_LEN 16
#define NS_IFNAME_LEN 16
#define NS_MAX_NETNS_FILTER 4
#define NS_STACK_DEPTH 64	/* frames kept per kernel stack */

/*
 * Event types: one per kernel tracepoint netscope attaches to.  The numbers
 * are part of the trace format (stored in every record); append only.
 */
enum ns_event_type {
	NS_EV_NONE = 0,
	NS_EV_NET_DEV_QUEUE,
	NS_EV_NET_DEV_START_XMIT,
	NS_EV_NET_DEV_XMIT,
	NS_EV_NETIF_RECEIVE_SKB,
	NS_EV_NETIF_RX,
	NS_EV_NAPI_GRO_RECEIVE_ENTRY,
	NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY,
	NS_EV_KFREE_SKB,
	NS_EV_CONSUME_SKB,
	NS_EV_TCP_SEND_RESET,
	NS_EV_TCP_RECEIVE_RESET,
	NS_EV_TCP_RETRANSMIT_SKB,
	NS_EV_TCP_RETRANSMIT_SYNACK,
	NS_EV_TCP_DESTROY_SOCK,
	NS_EV_TCP_PROBE,
	NS_EV_INET_SOCK_SET_STATE,
	NS_EV_SOCK_RCVQUEUE_FULL,
	NS_EV_SOCK_EXCEED_BUF_LIMIT,
	NS_EV_UDP_FAIL_QUEUE_RCV_SKB,
	NS_EV_IRQ_HANDLER_ENTRY,
	NS_EV_IRQ_HANDLER_EXIT,
	NS_EV_SOFTIRQ_RAISE,
	NS_EV_SOFTIRQ_ENTRY,
	NS_EV_SOFTIRQ_EXIT,
	NS_EV_NAPI_POLL,
	NS_EV_QDISC_ENQUEUE,
	NS_EV_QDISC_DEQUEUE,
	/* not a tracepoint: a perf_event program on a cpu-clock event per CPU */
	NS_EV_CPU_SAMPLE,
	/* raw_syscalls:sys_enter and sys_exit, the socket-related calls only */
	NS_EV_SYSCALL,
	/*
	 * irq_vectors:*_entry and *_exit (x86's system vectors: local timer,
	 * IPIs, irq_work, ...), one event type for every such tracepoint:
	 * reason = the vector number, aux = which tracepoint (enum
	 * ns_irq_vector)
	 */
	/* 30 is not used: the plan of the event numbers gives these 31 and 32
	 * (ns_event_known() says which numbers are events) */
	NS_EV_IRQ_VECTOR_ENTRY = 31,
	NS_EV_IRQ_VECTOR_EXIT = 32,
	/*
	 * Packet memory (`--events kmem`): slab allocations and frees of skbs
	 * and their data (kmem:kmem_cache_alloc+kmalloc, kmem:kmem_cache_free+
	 * kfree) and page allocations of skb page frags (kmem:mm_page_alloc,
	 * mm_page_free), filtered in the kernel (capture.bpf.c, "kmem").
	 * Numbered after 31-32, which the irq_vectors events take.
	 */
	NS_EV_KMEM_ALLOC = 33,
	NS_EV_KMEM_FREE = 34,
	NS_EV_PAGE_ALLOC = 35,
	NS_EV_PAGE_FREE = 36,
	/* not tracepoints: a kernel function's entry and return (func.bpf.c:
	 * fentry/fexit, kprobe.multi, kprobe); location is the function's
	 * address; at exit aux is the return value's low half (the int most
	 * return), aux2 its high half (a pointer's).  Numbered explicitly:
	 * 31-36 are other events. */
	NS_EV_FUNC_ENTRY = 37,
	NS_EV_FUNC_EXIT = 38,
	NS_EV__COUNT,
};

_Static_assert(NS_EV_IRQ_VECTOR_ENTRY == 31 && NS_EV_IRQ_VECTOR_EXIT == 32,
	       "irq vector events are numbers 31 and 32 of the trace format");

/*
 * ns_event.aux of NS_EV_IRQ_VECTOR_*: the irq_vectors tracepoint, as
 * <name>_entry / <name>_exit.  Part of the trace format: append only.
 * Which of them a kernel has is found at start (tracefs, BTF); names in
 * trace/model.c (ns_irq_vector_name()).
 */
enum ns_irq_vector {
	NS_IRQV_NONE = 0,
	NS_IRQV_LOCAL_TIMER,
	NS_IRQV_RESCHEDULE,
	NS_IRQV_CALL_FUNCTION,
	NS_IRQV_CALL_FUNCTION_SINGLE,
	NS_IRQV_IRQ_WORK,
	NS_IRQV_X86_PLATFORM_IPI,
	NS_IRQV_ERROR_APIC,
	NS_IRQV_SPURIOUS_APIC,
	NS_IRQV_THERMAL_APIC,
	NS_IRQV_THRESHOLD_APIC,
	NS_IRQV_DEFERRED_ERROR_APIC,
	NS_IRQV_REBOOT,
	NS_IRQV__COUNT,
};

/* Execution context the event fired in, from the preempt count. */
enum ns_ctx {
	NS_CTX_UNKNOWN = 0,
	NS_CTX_TASK,
	NS_CTX_SOFTIRQ,
	NS_CTX_HARDIRQ,
	NS_CTX_NMI,
};

/* ns_event.hdr: what the header fields can be trusted for. */
enum ns_hdr_flags {
	NS_HDR_L3 = 1 << 0,	   /* saddr/daddr/l3 fields valid */
	NS_HDR_L4 = 1 << 1,	   /* ports (and TCP fields) valid */
	NS_HDR_TCP = 1 << 2,	   /* tcp_flags/seq/ack valid */
	NS_HDR_UNSET = 1 << 3,	   /* skb had no network header yet */
	NS_HDR_FROM_SOCK = 1 << 4, /* addresses taken from the socket */
	NS_HDR_L3_OTHER = 1 << 5,  /* L3 protocol is neither IPv4 nor IPv6 */
	NS_HDR_FROM_PACKET = 1 << 6, /* not parsed here: copied from this packet's
				      * last parsed event (see capture/identity.c) */
};

/* ns_event.flags */
enum ns_event_flags {
	NS_F_NEW_PACKET = 1 << 0,  /* first event of this packet id */
	NS_F_END_PACKET = 1 << 1,  /* packet id ends here (free/consume) */
	NS_F_STACK_SAMPLED = 1 << 2, /* stack taken by the sampling policy */
	NS_F_USER_MODE = 1 << 3,   /* cpu_sample: the CPU ran user code, so the
				    * sample has no kernel stack (stack_id -1) */
	NS_F_RET_SKB = 1 << 4,	   /* func_exit: the return value (aux, aux2) is an
				    * skb made from this one (a clone, a copy) */
	/* func_entry/exit from ftrace's instance (capture/ftrace_session.c):
	 * no skb, no arguments; reason = the call's depth in function_graph,
	 * len = the return stack's overrun count at exit */
	NS_F_FTRACE = 1 << 5,
	NS_F_FTRACE_CALLS_ONLY = 1 << 6, /* the function tracer: entries, never a return */
};

/* ns_event.aux2 of NS_EV_SYSCALL */
enum ns_syscall_phase {
	NS_SYSCALL_ENTER = 0,	/* location: first argument (the fd, mostly) */
	NS_SYSCALL_EXIT = 1,	/* aux: return value (-errno on failure) */
};

/*
 * kmem events (docs/EVENTS.md has the field mapping): the skb slab caches
 * the capture looks for, by name (resolved in BPF on the first allocation
 * of each cache), and the skb allocation functions, as address ranges
 * resolved from kallsyms by user space (capture/kmem.c).
 */
#define NS_KMEM_CACHES 4
#define NS_KMEM_CACHE_NAME 32
#define NS_KMEM_SITES 64	/* ranges; a power of two (binary search) */
#define NS_KMEM_PAGE_FRAMES 16	/* stack frames a page allocation is checked against */

/* ns_event.aux2 of the kmem events */
enum ns_kmem_flags {
	NS_KMEM_CACHE_MASK = 0xff,	/* 0: no skb cache; else 1 + index in "kmem.caches" */
	NS_KMEM_KMALLOC = 1 << 8,	/* kmalloc / kfree: no kmem_cache */
	NS_KMEM_SITE = 1 << 9,		/* the call site is an skb allocation function */
};

/* syscall numbers the BPF side can select (a bitmap of 8 x 64) */
#define NS_SYSCALL_MAX 512

/*
 * One event.  Integers are in host byte order; addresses are in network
 * order (IPv4 in the first four bytes of saddr/daddr).
 */
struct ns_event {
	__u64 ts_ns;		/* CLOCK_MONOTONIC, bpf_ktime_get_ns() */
	__u64 skb;		/* skb address, 0 if the event has none */
	__u64 sk;		/* socket address, 0 if none */
	__u64 location;		/* kfree_skb/consume_skb caller; irqaction; qdisc;
				 * first argument of a syscall (enter) */
	__u64 packet_id;	/* 0 if the event has no skb */
	__u32 pid;		/* tgid of the current task (see docs: softirq) */
	__u32 tid;
	__u32 netns;		/* netns inode number, 0 if unknown */
	__s32 ifindex;
	__u32 len;		/* skb->len */
	__s32 stack_id;		/* -1: none; else id in the stack map */
	__u32 stack_key;	/* (event, site) key of the stack policy */
	__u32 reason;		/* drop/reset reason, softirq vec, irq, oldstate,
				 * syscall number, ... */
	__s32 aux;		/* newstate, rc, work done, qlen, syscall return, ... */
	__u32 aux2;		/* budget, sock protocol, syscall phase, ... */
	__u32 seq;
	__u32 ack_seq;
	__u16 type;		/* enum ns_event_type */
	__u16 cpu;
	__u16 l3_proto;		/* skb->protocol (ethertype, host order) */
	__u16 sport;
	__u16 dport;
	__u8 ctx;		/* enum ns_ctx */
	__u8 hdr;		/* enum ns_hdr_flags */
	__u8 family;		/* AF_INET / AF_INET6 / 0 */
	__u8 l4_proto;		/* IPPROTO_* */
	__u8 tcp_flags;		/* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE CWR */
	__u8 flags;		/* enum ns_event_flags */
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[NS_COMM_LEN];
	char ifname[NS_IFNAME_LEN];
	__u64 skb_head;		/* skb->head: with skb, the packet's identity
				 * (user space assigns packet_id from both) */
};
/* the BPF side stores addresses a 32-bit word at a time (decode_cast.bpf.h) */
_Static_assert(__builtin_offsetof(struct ns_event, saddr) % 4 == 0 &&
	       __builtin_offsetof(struct ns_event, daddr) % 4 == 0,
	       "ns_event addresses must be 4-byte aligned");

/*
 * One traced kernel function (func.bpf.c's func_info map, keyed by the
 * function's address): where its packet and socket arguments are.
 */
#define NS_FUNC_MAX_ARGS 5
struct ns_func_info {
	__s8 skb_arg;		/* 0-based argument holding a struct sk_buff *, -1 none */
	__s8 sk_arg;		/* 0-based argument holding a struct sock *, -1 none */
	__u8 ret_skb;		/* returns a struct sk_buff * (skb_clone, skb_copy, ...) */
	__u8 pad[5];
};

/* Stack policy (see capture.bpf.c: take_stack()). */
enum ns_stack_mode {
	NS_STACK_NONE = 0,
	NS_STACK_POLICY,	/* first hits of each site, then 1 in N */
	NS_STACK_ALL,		/* every event: slow, for reference */
};

/*
 * Per-CPU counters kept by BPF; user space sums them.  The arrays have a
 * power-of-two number of slots so BPF can bound an index with a mask the
 * verifier always understands (type & (NS_EV_SLOTS - 1)).
 */
#define NS_EV_SLOTS 64
_Static_assert(NS_EV__COUNT <= NS_EV_SLOTS, "NS_EV_SLOTS must bound enum ns_event_type");
struct ns_counters {
	__u64 produced[NS_EV_SLOTS];	/* events that passed the filters */
	__u64 lost[NS_EV_SLOTS];	/* ring buffer reservation failed */
	__u64 stack_err;		/* bpf_get_stackid failed (map full...) */
	__u64 stack_taken;
	__u64 since_wakeup;		/* events since this CPU last woke the consumer */
	__u64 payload_produced;		/* payload records sent (--snaplen) */
	__u64 payload_lost;		/* payload records the full ring refused */
};

/*
 * Packet bytes (`record --snaplen N`, payload.bpf.h): the first N bytes of
 * a packet from its network header on, copied once per packet from the
 * skb's linear area, as a record of its own in the event ring buffer:
 * struct ns_payload, then cap_len bytes (variable length: a packet pays
 * for the bytes it has, not for N).  User space tells it from an event by
 * its first word, which no event's ts_ns can be (bit 63: 292 years of
 * uptime).
 *
 * NS_SNAPLEN_MAX: an Ethernet MTU's packet whole.  The linear area of a
 * packet that is not a GRO/GSO aggregate is at most that, and aggregates
 * keep their payload in page frags, which a tracing program cannot read
 * (docs/KNOWN_LIMITS.md); more would only grow every CPU's scratch buffer.
 */
#define NS_SNAPLEN_MAX 1500
#define NS_RECORD_PAYLOAD 0xfffffffffffff001ull

/* ns_payload.flags */
enum ns_payload_flags {
	/* the linear area ended before snaplen and before the packet did:
	 * the rest was in page frags (cap_len < min(snaplen, orig_len)) */
	NS_PAYLOAD_CUT_LINEAR = 1 << 0,
};

struct ns_payload {
	__u64 kind;		/* NS_RECORD_PAYLOAD */
	__u64 ts_ns;		/* of the event it was taken at */
	__u64 skb;		/* with skb_head: the packet (user space finds its id) */
	__u64 skb_head;
	__u32 orig_len;		/* bytes from the network header to the packet's end */
	__u16 cap_len;		/* bytes that follow this header */
	__u16 type;		/* the event it was taken at (enum ns_event_type) */
	__u8 flags;		/* enum ns_payload_flags */
	__u8 pad[7];
};

/*
 * Batched capture (capture_batch.bpf.h): each CPU keeps up to NS_BATCH
 * events per execution level and sends them as one ring record, the
 * events back to back (a record of k * sizeof(struct ns_event) bytes; a
 * lone event is a batch of one).  Events of different CPUs and levels then
 * reach the ring out of time order, so user space sorts them back
 * (capture/reorder.h) and needs to know how far each CPU's stream is
 * complete: the flush program, run by user space on each CPU in turn,
 * sends every batch of that CPU and then this record, saying that every
 * event of the CPU stamped before ts_ns is in the ring ahead of it.
 */
#define NS_BATCH 16
#define NS_RECORD_HEARTBEAT 0xfffffffffffff002ull

struct ns_heartbeat {
	__u64 kind;		/* NS_RECORD_HEARTBEAT */
	__u64 ts_ns;
	__u32 cpu;
	__u32 pad;
};

#endif /* NETSCOPE_WIRE_H */
