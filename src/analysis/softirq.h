/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "interrupts" view: softirq runs, the packets they carried, and the
 * hardirqs around them.
 *
 * Pairing, per CPU (softirqs do not nest on a CPU, kernel/softirq.c):
 *   - a run is a softirq_entry and the next softirq_exit of the same vector
 *     on the same CPU;
 *   - its raise is the first softirq_raise of that vector on that CPU since
 *     the vector's previous entry there (raising a pending vector again
 *     changes nothing: the run answers the first).  A raise is always local:
 *     a remote CPU is asked by IPI and raises on its own (RPS).  Under a
 *     filter the capture sends exactly that raise, just before the entry
 *     (capture.bpf.c: note_raise());
 *   - a packet event (one with a packet id) in softirq context on a CPU
 *     with a run open is linked to that run; a napi_poll in a run takes the
 *     receive events since the run's previous poll (trace_napi_poll fires
 *     after the poll function returned, net/core/dev.c __napi_poll()).
 *
 * Where a run executed, from the events alone:
 *   1. ksoftirqd: the task the entry ran in is ksoftirqd/N (run_ksoftirqd());
 *   2. irq exit: on that CPU, a hardirq ended (irq_handler_exit or
 *      irq_vector_exit) after the last event of task context and before
 *      the entry: nothing of the task ran in between, so the softirqs ran
 *      in irq_exit_rcu() -> invoke_softirq();
 *   3. task: otherwise, the task itself ran them when it re-enabled bottom
 *      halves (local_bh_enable() -> do_softirq(), e.g. after
 *      dev_queue_xmit() handed veth's packet to the backlog, whose raise
 *      is of the same task).
 * Limits of the rule: a hardirq that arrives while the task has bottom
 * halves disabled cannot run softirqs at its exit; when the task then
 * re-enables them with no event of its own in between, the run counts as
 * irq exit.  Without irq_vectors events (the local timer has no
 * irq_handler_* tracepoint) a run at the timer's exit counts as task.
 *
 * Memory: per CPU a little state, per (vector, CPU) and per irq name two
 * histograms, and at most SOFTIRQ_RUNS_MAX runs listed.
 */
#ifndef NS_ANALYSIS_SOFTIRQ_H
#define NS_ANALYSIS_SOFTIRQ_H

#include "analysis/report.h"
#include "analysis/result_softirq.h"
#include "trace/model.h"

#define SOFTIRQ_RUNS_MAX 4096	/* runs with packets listed one by one */
#define SOFTIRQ_CPUS_MAX 4096	/* events of higher CPU numbers are not paired */
#define SOFTIRQ_ROWS_MAX 1024	/* (vector, CPU) rows, and irq names / vectors, each */

struct softirq_an;

/* ctx names the softirq vectors (BTF) and may be NULL.  NULL: no memory. */
struct softirq_an *softirq_new(const struct report_ctx *ctx);
void softirq_feed(struct softirq_an *s, const struct ns_event *ev);
/* Fill out; 0 or -ENOMEM.  Free out with softirq_result_free(). */
int softirq_finish(struct softirq_an *s, struct softirq_result *out);
void softirq_free(struct softirq_an *s);

#endif
