/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The execution context of a capture handler (task, softirq, hardirq) and
 * the task it runs in, for every event (capture_event.bpf.h), with the
 * per-CPU state the irq and softirq handlers keep.  Included by
 * capture_event.bpf.h after the configuration and maps.
 */
#ifndef NS_EXEC_CTX_BPF_H
#define NS_EXEC_CTX_BPF_H

/* ---- execution context ----
 *
 * The preempt count would tell task/softirq/hardirq directly, but on x86 it
 * is the per-CPU variable __preempt_count, and typed per-CPU ksyms need
 * data symbols in kallsyms (CONFIG_KALLSYMS_ALL), which many kernels lack
 * (this project's machines included).  Two ways instead:
 *
 * By tracepoints: the softirq_entry/exit and irq_handler_entry/exit
 * handlers keep a per-CPU depth.  __do_softirq() fires softirq_entry/exit
 * around every vector it runs, in ksoftirqd and on local_bh_enable() alike,
 * so the depth is exact for softirqs.  Hardirqs without irq_handler_*
 * tracepoints (the APIC timer) are not seen; network tracepoints do not
 * fire in them.  Used whenever softirq or irq events are wanted, or a
 * handler may run where the stack says nothing (cpu samples in NMI,
 * function probes, allocations).
 *
 * By the stack (ctx_by_stack, x86-64, the default): the two softirq
 * handlers cost a tracepoint run each, ~2.3 per SYN of a flood on top of
 * its 8 packet events (bench/ab_flood.sh: telling it by the stack instead
 * is +1.4 % of flood throughput, docs/PERFORMANCE.md).
 * x86-64 runs softirqs on the CPU's irq stack (do_softirq_own_stack(),
 * from irq exit and from local_bh_enable() alike), or in ksoftirqd, and a
 * tracepoint's arguments (the program's ctx) are an array on the stack the
 * tracepoint fired on (bpf_trace_run<N>()).  So: ctx off the current
 * task's stack is softirq, on it is task unless the task is ksoftirqd.
 * Not the program's own frame: since 6.13 programs with a large frame
 * run on a per-CPU private stack.  irq_handler_entry/exit still keep the
 * hardirq depth (a few calls a second).  PREEMPT_RT runs softirqs on task
 * stacks: user space keeps the tracepoints there.
 */
/* events to emit, bit per ns_event_type: context-tracking handlers run even
 * when their own events are not wanted */
const volatile __u64 emit_mask = ~0ull;

/* exec_ctx() by the stack, not the softirq tracepoints (see above) */
const volatile bool ctx_by_stack;
/* THREAD_SIZE: sizeof(struct irq_stack) on x86-64, set with ctx_by_stack */
const volatile __u64 task_stack_size;

#define NS_PF_KTHREAD 0x00200000 /* include/linux/sched.h */

/* who runs a handler: its execution context and task (tgid, tid); task:
 * the task when known by a typed pointer and the context is task, else NULL */
struct ev_who {
	__u8 ctx;
	__u32 pid, tid;
	const struct task_struct *task;
};

/* the same as bpf_get_current_pid_tgid() */
static __always_inline void who_task(struct ev_who *w)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	w->pid = pid_tgid >> 32;
	w->tid = (__u32)pid_tgid;
}

static __always_inline void ctx_of_stack(void *ctx, struct cpu_state *cs, struct ev_who *w)
{
	struct task_struct *t;
	__u64 at, base, comm8 = 0;
	__u32 flags;

	/*
	 * A privileged program may store a pointer into a map and read it
	 * back as a number (the verifier's allow_ptr_leaks); that is the one
	 * way to compare where ctx is with the task's stack.  volatile: the
	 * value must come back from memory, not as the pointer itself.
	 */
	cs->ctx_addr = (__u64)ctx;
	at = *(volatile __u64 *)&cs->ctx_addr;
	if (direct_reads) {
		/* the task read once, for its ids too: one helper call, not two */
		t = bpf_get_current_task_btf();
		base = (__u64)t->stack;
		w->pid = t->tgid;
		w->tid = t->pid;
	} else {
		t = (struct task_struct *)bpf_get_current_task();
		base = (__u64)BPF_CORE_READ(t, stack);
		who_task(w);
	}
	w->task = NULL;
	if (at - base >= task_stack_size) {
		w->ctx = NS_CTX_SOFTIRQ; /* the CPU's irq stack */
		return;
	}
	w->ctx = NS_CTX_TASK;
	flags = RD(t->flags, t, flags);
	if (!(flags & NS_PF_KTHREAD)) {
		if (direct_reads)
			w->task = t;
		return;
	}
	/* "ksoftirqd/N": a kernel thread, which no process can name itself */
	bpf_probe_read_kernel(&comm8, sizeof(comm8), t->comm);
	if (comm8 == 0x71726974666f736bull) /* "ksoftirq" */
		w->ctx = NS_CTX_SOFTIRQ;
}

/* the context by the depths the irq and softirq handlers keep */
static __always_inline __u8 ctx_of_depths(const struct cpu_state *cs)
{
	return !cs ? NS_CTX_UNKNOWN : cs->hardirq_depth ? NS_CTX_HARDIRQ :
	       cs->softirq_depth ? NS_CTX_SOFTIRQ : NS_CTX_TASK;
}

/* The context and task a handler runs in; ctx: the program's context, cs:
 * this CPU's state (get_cpu_state()) */
static __always_inline void exec_who_in(void *ctx, struct cpu_state *cs, struct ev_who *w)
{
	if (cs && !cs->hardirq_depth && ctx_by_stack) {
		ctx_of_stack(ctx, cs, w);
		return;
	}
	who_task(w);
	w->ctx = ctx_of_depths(cs);
	w->task = NULL;
}

static __always_inline void exec_who(void *ctx, struct ev_who *w)
{
	exec_who_in(ctx, get_cpu_state(), w);
}

/* The context a handler runs in, without the task's ids (no helper call
 * on the depths' way: allocation handlers see every allocation) */
static __always_inline __u8 exec_ctx(void *ctx)
{
	struct cpu_state *cs = get_cpu_state();
	struct ev_who w;

	if (cs && !cs->hardirq_depth && ctx_by_stack) {
		ctx_of_stack(ctx, cs, &w);
		return w.ctx;
	}
	return ctx_of_depths(cs);
}

#endif /* NS_EXEC_CTX_BPF_H */
