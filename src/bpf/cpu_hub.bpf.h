/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything a capture handler keeps per CPU, in one per-CPU map value: the
 * counters user space sums (first, at offset 0: capture/session.c reads
 * them from there), the execution-context state (exec_ctx.bpf.h) and the
 * event batches (capture_batch.bpf.h).  One value, so that the hot path,
 * which needs all three for every event, looks this CPU's up once
 * (ev_begin_direct() hands it to ev_submit_direct()) instead of four times,
 * each two dependent loads (bpf_stats, with the stack policy's site array:
 * 227-232 -> 214-231 ns a packet-handler call; docs/PERFORMANCE.md).  The
 * getters below serve the other paths.
 */
#ifndef NS_CPU_HUB_BPF_H
#define NS_CPU_HUB_BPF_H

#define NS_SOFTIRQ_VECS 16	/* NR_SOFTIRQS is 10; a power of two bounds the index */

struct cpu_state {
	__u32 softirq_depth;
	__u32 hardirq_depth;
	/*
	 * Under a namespace or packet filter, softirqs (per CPU, never owned by
	 * a namespace) are reported only if a wanted event happens inside them:
	 * the entry is held back here and emitted just before that event.
	 */
	__u32 entry_vec;
	__u8 entry_pending;
	__u8 entry_emitted;
	/*
	 * The first softirq_raise of each vector since that vector's last run
	 * on this CPU (raising a pending vector again changes nothing: the
	 * first raise is the one the run answers).  Under a filter it is held
	 * with the entry and sent just before it (emit_pending_softirq()).
	 */
	__u64 raise_ts[NS_SOFTIRQ_VECS];
	__u32 raise_pid[NS_SOFTIRQ_VECS], raise_tid[NS_SOFTIRQ_VECS];
	__s32 raise_irq[NS_SOFTIRQ_VECS];
	__u8 raise_ctx[NS_SOFTIRQ_VECS], raise_irqv[NS_SOFTIRQ_VECS];
	/* the raise of the held entry's vector, moved here at the entry */
	__u64 held_raise_ts;
	__u32 held_raise_pid, held_raise_tid;
	__s32 held_raise_irq;
	__u8 held_raise_ctx, held_raise_irqv;
	/* the device irq whose handler runs (irq + 1; 0: none) and the system
	 * vector (enum ns_irq_vector; 0: none): a raise says which raised it */
	__u32 cur_irq1;
	__u8 cur_irqv;
	/* a wanted packet event ran in softirq context since this CPU's last
	 * napi_poll: the next poll of the backlog (no device) carried it */
	__u8 poll_wanted;
	/* exec_ctx() by the stack: where the program's ctx is, as a number */
	__u64 ctx_addr;
};

#define NS_BATCH_LEVELS 3 /* task (and unknown), softirq, hardirq */

struct ev_batch {
	__u32 n;	/* events committed, ev[0..n) */
	__u8 writing;
	__u8 flushing;
	__u8 wake;	/* an event of the batch asked to wake the consumer */
	__u8 pad;
	struct ns_event ev[NS_BATCH];
};

struct cpu_batches {
	struct ev_batch lvl[NS_BATCH_LEVELS];
};

struct cpu_hub {
	struct ns_counters counters; /* first: user space reads it at offset 0 */
	struct cpu_state state;
	struct cpu_batches batches;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_hub);
} cpu_hub SEC(".maps");

static __always_inline struct cpu_hub *get_cpu_hub(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_hub, &zero);
}

static __always_inline struct cpu_state *get_cpu_state(void)
{
	struct cpu_hub *h = get_cpu_hub();

	return h ? &h->state : NULL;
}

static __always_inline struct ns_counters *get_counters(void)
{
	struct cpu_hub *h = get_cpu_hub();

	return h ? &h->counters : NULL;
}

static __always_inline struct cpu_batches *get_cpu_batches(void)
{
	struct cpu_hub *h = get_cpu_hub();

	return h ? &h->batches : NULL;
}

#endif /* NS_CPU_HUB_BPF_H */
