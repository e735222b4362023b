/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration and maps of the capture core (capture_event.bpf.h),
 * shared by the BPF objects that emit events into one stream: capture.bpf.c
 * (tracepoints, cpu samples) and func.bpf.c (fentry/fexit, kprobe.multi,
 * kprobes on kernel functions).  Each object declares them once through
 * this header; user space gives the second object the first one's maps
 * (bpf_map__reuse_fd: one ring buffer, one set of counters, one stack map)
 * and the same read-only configuration (capture/session.c).
 */
#ifndef NS_CAPTURE_MAPS_BPF_H
#define NS_CAPTURE_MAPS_BPF_H

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58

/*
 * Branch hints for the handlers' hot path: clang lays the unlikely side
 * out of line, so the instructions an ordinary event runs sit together
 * (the handlers are ~12 KiB each of JIT code, five of them run per SYN of
 * a flood, and the L1 instruction cache is 32 KiB).
 */
#define ns_likely(x) __builtin_expect(!!(x), 1)
#define ns_unlikely(x) __builtin_expect(!!(x), 0)

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
/* syscalls reported (bit per number, numbers from <sys/syscall.h> of the
 * user-space build: they differ per architecture) */
const volatile __u64 syscall_mask[NS_SYSCALL_MAX / 64];
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

/* ---- maps ---- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by user space (--ring-size) */
} events SEC(".maps");

/* one scratch event per execution level, so a hardirq handler that
 * interrupts a task-context handler on the same CPU cannot clobber it */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	/* 4 levels + one for held-back softirq entries + one for cpu samples:
	 * the cpu-clock hrtimer interrupts whatever runs, a handler of this
	 * object included, and the context tracking cannot see that interrupt */
	__uint(max_entries, 6);
	__type(key, __u32);
	__type(value, struct ns_event);
} scratch SEC(".maps");
#define SCRATCH_SOFTIRQ_ENTRY 4
#define SCRATCH_CPU_SAMPLE 5

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384); /* raised by user space when cpu sampling runs */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, NS_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

#define STACK_SITES 4096
struct stack_site {
	__u64 last_ns; /* when this site last took a stack on this CPU */
	__u32 hits;
};

/*
 * STACK_SITES per CPU, CPU after CPU: a plain array (sized by user space,
 * possible CPUs x STACK_SITES) rather than a per-CPU one, whose lookup
 * loads the element's per-CPU pointer first: a second dependent load on
 * every event.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STACK_SITES);
	__type(key, __u32);
	__type(value, struct stack_site);
} stack_sites SEC(".maps");

/*
 * Under a namespace filter: the packets admitted so far, by skb address,
 * with the namespace they were last seen in.  TCP clears skb->dev before a
 * SYN reaches the listener (tcp_v4_rcv: "skb->dev = NULL" before
 * tcp_v4_do_rcv), and such an skb has no socket either, so its
 * consume_skb would tell no namespace: it inherits the packet's.  Written
 * where a packet meets a device (netns_follow()), looked up only for
 * events that found no namespace, cleared at the end of the packet.
 *
 * A set-associative table in a plain array, not a hash map: the verifier
 * inlines an array lookup into a bounds check and an add, where an LRU
 * hash lookup (jhash, bucket walk, LRU reference bit) cost ~27 ns per
 * packet event averaged over a flood (bench/handler_cost.sh, ablation
 * build).  An skb address picks a set of
 * ADMITTED_WAYS entries; a new packet takes a free way (never used, or
 * cleared at its packet's end), else the oldest.  Entries are written
 * without a lock, key last and cleared first (a reader takes an entry only
 * if the key it read before and after the rest is its skb, and the head
 * matches), so two CPUs writing one set at once can at worst lose an entry
 * (the packet's follow-up events are then not admitted, as on eviction).
 */
#define ADMITTED_WAYS 4
#define ADMITTED_SETS 16384 /* x 4 ways: the 65536 skbs of the LRU map it replaced */

struct admitted_skb {
	__u64 skb;	/* the key; 0: free */
	__u64 head;	/* skb->head: the same skb address with another head is another packet */
	__u32 netns;
	__u32 stamp;	/* ts_ns >> 20 (~1 ms) when written: the oldest way is replaced */
};

struct admitted_set {
	struct admitted_skb way[ADMITTED_WAYS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ADMITTED_SETS);
	__type(key, __u32);
	__type(value, struct admitted_set);
} admitted SEC(".maps");

#if !defined(__TARGET_ARCH_x86) && !defined(__TARGET_ARCH_arm64)
/*
 * sys_exit passes no syscall number; where netscope does not know which
 * pt_regs field keeps it, the number is remembered per thread at sys_enter.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} syscall_nrs SEC(".maps");
#endif

#endif /* NS_CAPTURE_MAPS_BPF_H */
