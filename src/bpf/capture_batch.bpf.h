/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU batches of events: one ring-buffer record per NS_BATCH events
 * instead of one per event.  Each reservation and commit of the BPF ring
 * buffer takes its spinlock and writes its header on a cache line the
 * other CPUs share; at flood rate a record per event took 0.10 of
 * untraced throughput beyond the timestamp, where the same bytes sent 32
 * to a record took none measurable (bench/record_floor.sh: 0.92 with a
 * timestamp only, 0.82 and 0.93; docs/PERFORMANCE.md).
 *
 * A batch per execution level (task, softirq, hardirq), because a handler
 * can be interrupted by a handler of a higher level on the same CPU, never
 * by one of its own: a level's batch has one writer at a time.  Two flags
 * make the nesting safe:
 *   writing:  ev[n] is being filled by a handler of the level; a handler
 *             that interrupts it must leave the batch alone;
 *   flushing: the batch is being copied to the ring and emptied.
 * A batch is sent when it is full, and when user space runs flush_batches
 * on the CPU (the heartbeat, netscope.h), which bounds how long events
 * wait.  Not when another level appends: a SYN flood's sender makes one
 * task event per packet between runs of ~8 softirq ones, so that would
 * send ~4 events a record (measured) instead of 16.  User space keeps a
 * queue per CPU and level, each in order, and merges them.
 *
 * Only events that go through ev_emit_sent()/ev_submit_direct() are
 * batched; cpu samples (they interrupt anything, NMI-like), syscalls (their
 * tracepoints may be preemptible) and the records held back and sent
 * before an event (softirq entries and raises, allocations) go to the ring
 * directly: user space sorts each CPU's events by time anyway.
 */
#ifndef NS_CAPTURE_BATCH_BPF_H
#define NS_CAPTURE_BATCH_BPF_H

/* set by user space when nothing needs per-event records (capture/session.c) */
const volatile bool batching;

/* stores the flags guard must not be moved across by the compiler (a nested
 * handler on this CPU sees memory in program order) */
#define batch_barrier() asm volatile("" ::: "memory")

/* this CPU's batch for events of context ctx */
static __always_inline struct ev_batch *batch_at(struct cpu_batches *cb, __u8 ctx)
{
	__u32 lvl = ctx == NS_CTX_HARDIRQ ? 2 : ctx == NS_CTX_SOFTIRQ ? 1 : 0;

	/* clang knows lvl < 3 and drops a plain test; 6.1's verifier does
	 * not know it ("invalid access to map value" at a 4th level) */
	barrier_var(lvl);
	if (lvl >= NS_BATCH_LEVELS)
		return NULL;
	return &cb->lvl[lvl];
}

/*
 * A batch the full ring refused: count its events lost, by type.  Out of
 * line (a BPF-to-BPF call): the count is unrolled, ~300 instructions that
 * sat in the middle of every handler's hot path for a branch taken only
 * when the ring is full (docs/PERFORMANCE.md, "Smaller handlers").
 */
static __noinline int batch_count_lost(const struct ev_batch *b, struct ns_counters *c, __u32 n)
{
	/* unrolled: as a loop clang counted it down from n, a bound 6.1's
	 * verifier could not see */
#pragma unroll
	for (__u32 i = 0; i < NS_BATCH; i++)
		if (i < n)
			c->lost[b->ev[i].type & (NS_EV_SLOTS - 1)]++;
	return 0;
}

/* Send a batch's committed events as one record and empty it, unless its
 * level is in the middle of an append or another flush. */
static __always_inline void batch_flush(struct ev_batch *b, struct ns_counters *c)
{
	__u64 flags;
	__u32 n;

	if (b->writing || b->flushing)
		return;
	b->flushing = 1;
	batch_barrier();
	/* read after the flag: a handler that interrupted us before it was
	 * set may have flushed the batch already */
	n = b->n;
	if (n && n <= NS_BATCH) {
		/* the same n, in a form whose bounds the verifier keeps (clang
		 * may multiply a copy made before the test) */
		n = ((n - 1) & (NS_BATCH - 1)) + 1;
		flags = b->wake ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
		if (bpf_ringbuf_output(&events, b->ev, n * sizeof(struct ns_event), flags))
			batch_count_lost(b, c, n);
	}
	b->n = 0;
	b->wake = 0;
	batch_barrier();
	b->flushing = 0;
}

static __always_inline struct ev_batch *batch_of(__u8 ctx)
{
	struct cpu_batches *cb = get_cpu_batches();

	return cb ? batch_at(cb, ctx) : NULL;
}

/*
 * The next free slot of this CPU's batch for events of context ctx, marked
 * as being written; NULL when the batch cannot take it now (a handler of
 * the same level is interrupted in the middle of it: an interrupt the
 * context tracking does not see), then the event goes to the ring alone.
 */
static __always_inline struct ns_event *batch_take_in(struct ev_batch *b)
{
	__u32 n;

	if (ns_unlikely(!b || b->writing || b->flushing))
		return NULL;
	b->writing = 1;
	batch_barrier();
	n = b->n;
	if (n >= NS_BATCH) { /* not expected: a full batch is sent at once */
		batch_barrier();
		b->writing = 0;
		return NULL;
	}
	return &b->ev[n];
}

/* The slot batch_take_in() gave is a committed event now; send a full batch. */
static __always_inline void batch_commit_in(struct ev_batch *b, struct ns_counters *c,
					    __u64 wake)
{
	__u32 n;

	if (!b)
		return;
	n = b->n + 1;
	b->n = n;
	if (wake == BPF_RB_FORCE_WAKEUP)
		b->wake = 1;
	batch_barrier();
	b->writing = 0;
	if (ns_unlikely(n >= NS_BATCH))
		batch_flush(b, c);
}

/* The slot batch_take_in() gave holds an unwanted event: give it back. */
static __always_inline void batch_discard_in(struct ev_batch *b)
{
	if (!b)
		return;
	batch_barrier();
	b->writing = 0;
}

/* whether an event built elsewhere (a scratch slot) may join a batch */
static __always_inline bool batchable(__u16 type)
{
	return batching && type != NS_EV_CPU_SAMPLE && type != NS_EV_SYSCALL;
}

/* Copy an event built in a scratch slot into its batch; false: the batch
 * could not take it, send it alone. */
static __always_inline bool batch_append(const struct ns_event *e, struct ns_counters *c,
					 __u64 wake)
{
	struct ns_event *slot;
	struct ev_batch *b;

	if (!batchable(e->type))
		return false;
	b = batch_of(e->ctx);
	slot = batch_take_in(b);
	if (!slot)
		return false;
	__builtin_memcpy(slot, e, sizeof(*slot));
	batch_commit_in(b, c, wake);
	return true;
}

#endif /* NS_CAPTURE_BATCH_BPF_H */
