/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a capture session holds, shared by session.c (opening, attaching,
 * counters) and session_records.c (reading the ring: records, batches,
 * the heartbeat); nothing outside src/capture/session*.c includes it.
 */
#ifndef NS_SESSION_PRIVATE_H
#define NS_SESSION_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include "capture/heartbeat.h"
#include "capture/identity.h"
#include "capture/reorder.h"
#include "capture/sampling.h"
#include "capture/session.h"

enum ev_method { M_OFF = 0, M_TP_BTF, M_RAW_TP, M_MISSING, M_PERF_EVENT };

struct capture_session {
	struct capture_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[NS_EV__COUNT];
	/* the second tracepoint of NS_EV_SYSCALL (sys_exit), NS_EV_KMEM_ALLOC
	 * (kmalloc) and NS_EV_KMEM_FREE (kfree) */
	struct bpf_link *links2[NS_EV__COUNT];
	/* NS_EV_IRQ_VECTOR_*: a link per irq_vectors tracepoint, [which][exit] */
	struct bpf_link *irqv_links[NS_IRQV__COUNT][2];
	bool irqv_on[NS_IRQV__COUNT];	/* the pair is loaded */
	struct func_attach *funcs;	/* kernel functions, NULL when none are traced */
	struct ftrace_session *ftrace;	/* or by ftrace (--method ftrace), NULL when not */
	char ftrace_method[40];		/* "ftrace-function_graph", "ftrace-function" */
	struct cpu_sampler sampler;
	enum ev_method method[NS_EV__COUNT];
	uint64_t captured[NS_EV__COUNT];
	uint64_t events; /* what the user asked for */
	struct identity ids;
	/* pid -> comm for events from irq context, direct-mapped */
	struct { uint32_t pid; char comm[NS_COMM_LEN]; } comms[1024];
	struct kmem_config *kmem; /* what --events kmem looks for; NULL when off */
	capture_event_fn fn;
	void *fn_ctx;
	capture_payload_fn payload_fn;
	void *payload_ctx;
	/* packet bytes delivered, of them without a live packet, cut short */
	uint64_t payload_captured, payload_unmatched, payload_cut;
	int ncpus;
	int cb_err;
	/* batched capture (capture_batch.bpf.h): events wait in reorder until
	 * every CPU's heartbeat has passed them */
	bool batching;
	bool header_cast;	/* hdr_* handlers loaded: typed header reads */
	bool ctx_by_stack;	/* execution context told by the stack (capture_event.bpf.h) */
	struct reorder reorder;
	struct heartbeat hb;
	uint64_t hb_last_ns; /* CLOCK_MONOTONIC of the last heartbeat round */
	uint64_t records, batched; /* ring records of events, events in them (-v) */
};

/* session_records.c */
int session_on_sample(void *ctx, void *data, size_t size);
void session_on_ftrace_event(void *ctx, struct ns_event *ev);
bool session_batching_wanted(const struct capture_opts *o);
int session_batching_start(struct capture_session *s);

#endif
