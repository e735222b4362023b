/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ftrace backend of `--method ftrace`: kernel functions traced by
 * ftrace's function_graph tracer (the function tracer where the kernel
 * keeps function_graph to the top-level instance) in a private tracefs
 * instance, instances/netscope-ftrace-PID, never the top-level one.  Its
 * records, read from the per-CPU raw buffers with libtracefs and decoded
 * with libtraceevent, become func_entry / func_exit events of the capture's
 * stream (flag NS_F_FTRACE), timed on the BPF programs' clock (the
 * instance's trace_clock "mono" is CLOCK_MONOTONIC, as bpf_ktime_get_ns()).
 *
 * ftrace passes no arguments: the events carry no skb and no socket.  The
 * instance sees every namespace of the machine (ftrace has no namespace
 * filter).  It is removed when the session closes (exit, errors, Ctrl-C and
 * SIGTERM through the capture's cleanup path), and, after a SIGKILL, by
 * the next netscope that starts (tracefs_remove_stale_instances()).
 */
#ifndef NS_FTRACE_SESSION_H
#define NS_FTRACE_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/netscope.h"

struct ftrace_session;

/* one converted record; the callee may change ev (comm) */
typedef void (*ftrace_event_fn)(void *ctx, struct ns_event *ev);

struct ftrace_stats {
	uint64_t entries, returns;	/* events handed on */
	uint64_t lost;			/* records the kernel dropped (buffer full) or overwrote */
	uint64_t max_overrun;		/* function_graph: calls not traced, return stack full */
	size_t nfuncs;			/* functions set_ftrace_filter accepted */
	size_t nrefused;		/* names it refused */
	size_t nroots;			/* set_graph_function entries taken (--graph-funcs) */
};

/*
 * Make the instance, set its clock, buffers and set_ftrace_filter to the
 * n functions, set_graph_function to the nroots roots (globs; none: every
 * traced function starts a graph), start function_graph (or function,
 * without roots).  0, or -errno with the reason in err (nothing is left
 * behind then).
 */
int ftrace_session_open(struct ftrace_session **out, const char *const *funcs, size_t n,
			const char *const *roots, size_t nroots, ftrace_event_fn fn, void *ctx,
			char *err, size_t errlen);
/* hand on what the buffers hold now; 0 or -errno */
int ftrace_session_poll(struct ftrace_session *fs);
/* stop tracing and hand on the rest (idempotent) */
void ftrace_session_stop(struct ftrace_session *fs);
/* "function_graph" or "function" */
const char *ftrace_session_tracer(const struct ftrace_session *fs);
/* why the function tracer and not function_graph; "" when function_graph */
const char *ftrace_session_note(const struct ftrace_session *fs);
/* the instance's name (instances/NAME) */
const char *ftrace_session_instance(const struct ftrace_session *fs);
void ftrace_session_stats(const struct ftrace_session *fs, struct ftrace_stats *st);
/* stop, remove the instance, free; NULL is fine */
void ftrace_session_close(struct ftrace_session *fs);

#endif
