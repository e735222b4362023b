// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of the overhead benchmark: tp_btf programs on the same
 * tracepoints netscope attaches to by default, doing a chosen least amount
 * of work (bench/floor --work):
 *
 *   0  nothing: the cost of the tracepoint and the program call alone
 *   1  a timestamp (bpf_ktime_get_ns), kept in a per-CPU slot
 *   2  a timestamp and a 64-byte record in a ring buffer, reserved,
 *      written whole and committed without a wake-up
 *   3  the same with a 176-byte record, the size of netscope's event
 *   4  a timestamp and a 64-byte record appended to a per-CPU batch,
 *      which goes to the ring buffer as one record when 32 are in it:
 *      one reservation per 32 events (what per-CPU batching would cost,
 *      before the merge of the CPUs' batches in user space)
 *   5  a timestamp and a 176-byte record appended to a per-CPU batch sent
 *      when 16 are in it: netscope's shape (NS_BATCH, sizeof(ns_event))
 *   6  the same with 64-byte records: 5 against 6 is what the bytes of a
 *      batched event cost, i.e. what a compact wire format could save
 *
 * Whatever netscope costs beyond level 0 is its own work (decode, filter,
 * ring buffer, stacks); levels 2 and 3 are what any design that records
 * every event with its time must pay at least, so they bound what such a
 * design can reach (docs/PERFORMANCE.md).  The packet handlers do the
 * work; the context trackers (irq, softirq) stay empty at every level.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "bpf/netscope.h"

char LICENSE[] SEC("license") = "GPL";

const volatile int work_level;

struct rec64 {
	__u64 ts, arg0, type, cpu, w[4];
};
struct rec176 {
	__u64 ts, arg0, type, cpu, w[18];
};
_Static_assert(sizeof(struct rec176) == sizeof(struct ns_event), "level 3 is netscope's event size");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* netscope's default */
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last_ts SEC(".maps");

#define BATCH 32
struct batch {
	__u64 n;
	struct rec64 r[BATCH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct batch);
} batches SEC(".maps");

/* levels 5 and 6: netscope's batch of 16 events, of either record size */
#define BATCH16 16
struct batch16 {
	__u64 n;
	union {
		struct rec176 big[BATCH16];
		struct rec64 small[BATCH16];
	};
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct batch16);
} batches16 SEC(".maps");

#define FILL(r, ts, a0, type)                                                \
	do {                                                                 \
		(r)->ts = ts;                                                \
		(r)->arg0 = a0;                                              \
		(r)->type = type;                                            \
		(r)->cpu = bpf_get_smp_processor_id();                       \
		for (int i_ = 0; i_ < sizeof((r)->w) / sizeof((r)->w[0]); i_++) \
			(r)->w[i_] = 0;                                      \
	} while (0)

static __always_inline int work(__u64 *ctx, __u64 type)
{
	__u32 zero = 0;
	__u64 ts, *slot;

	if (work_level == 0)
		return 0;
	ts = bpf_ktime_get_ns();
	if (work_level == 1) {
		slot = bpf_map_lookup_elem(&last_ts, &zero);
		if (slot)
			*slot = ts;
	} else if (work_level == 2) {
		struct rec64 *r = bpf_ringbuf_reserve(&ring, sizeof(*r), 0);

		if (!r)
			return 0;
		FILL(r, ts, ctx[0], type);
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	} else if (work_level == 4) {
		struct batch *b = bpf_map_lookup_elem(&batches, &zero);
		struct rec64 *r;

		if (!b)
			return 0;
		r = &b->r[b->n & (BATCH - 1)];
		FILL(r, ts, ctx[0], type);
		if (++b->n % BATCH == 0)
			bpf_ringbuf_output(&ring, b->r, sizeof(b->r), BPF_RB_NO_WAKEUP);
	} else if (work_level == 5 || work_level == 6) {
		struct batch16 *b = bpf_map_lookup_elem(&batches16, &zero);
		__u64 n;

		if (!b)
			return 0;
		n = b->n & (BATCH16 - 1);
		if (work_level == 5) {
			struct rec176 *r = &b->big[n];

			FILL(r, ts, ctx[0], type);
		} else {
			struct rec64 *r = &b->small[n];

			FILL(r, ts, ctx[0], type);
		}
		if (++b->n % BATCH16 == 0) {
			if (work_level == 5)
				bpf_ringbuf_output(&ring, b->big, sizeof(b->big), BPF_RB_NO_WAKEUP);
			else
				bpf_ringbuf_output(&ring, b->small, sizeof(b->small), BPF_RB_NO_WAKEUP);
		}
	} else {
		struct rec176 *r = bpf_ringbuf_reserve(&ring, sizeof(*r), 0);

		if (!r)
			return 0;
		FILL(r, ts, ctx[0], type);
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	}
	return 0;
}

#define EMPTY(tp) SEC("tp_btf/" #tp) int BPF_PROG(floor_##tp) { return 0; }
#define PACKET(tp, n) SEC("tp_btf/" #tp) int floor_##tp(__u64 *ctx) { return work(ctx, n); }

PACKET(net_dev_queue, 1)
PACKET(net_dev_start_xmit, 2)
PACKET(net_dev_xmit, 3)
PACKET(netif_receive_skb, 4)
PACKET(netif_rx, 5)
PACKET(napi_gro_receive_entry, 6)
PACKET(netif_receive_skb_list_entry, 7)
PACKET(kfree_skb, 8)
PACKET(consume_skb, 9)
PACKET(tcp_send_reset, 10)
PACKET(tcp_receive_reset, 11)
PACKET(tcp_retransmit_skb, 12)
PACKET(tcp_retransmit_synack, 13)
PACKET(tcp_destroy_sock, 14)
PACKET(tcp_probe, 15)
PACKET(inet_sock_set_state, 16)
PACKET(sock_rcvqueue_full, 17)
PACKET(sock_exceed_buf_limit, 18)
PACKET(udp_fail_queue_rcv_skb, 19)
EMPTY(irq_handler_entry)
EMPTY(irq_handler_exit)
EMPTY(softirq_raise)
EMPTY(softirq_entry)
EMPTY(softirq_exit)
PACKET(napi_poll, 25)
PACKET(qdisc_enqueue, 26)
PACKET(qdisc_dequeue, 27)
