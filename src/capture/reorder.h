/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Putting batched events back in time order (capture_batch.bpf.h).
 *
 * Each CPU sends its events in batches, so the ring holds them out of
 * order: a batch of one CPU can wait while the other CPU's newer ones go,
 * and within a CPU the levels (task, softirq, hardirq) interleave by batch.
 * Packet identity needs the true order (a free before the reuse of its
 * address, identity.h), and so do the analyses.  Events wait here in a
 * queue per CPU and execution level, in the order that level's batches
 * come (a record sent on its own, ahead of its level's batch, is sorted
 * in); a CPU's heartbeat says its events are all in up to a time, and
 * every event older than the lowest heartbeat of all CPUs is released,
 * oldest first, merging the queues.
 *
 * An event that arrives older than one already released (a record held
 * back by BPF past a heartbeat: not expected but possible) is still
 * released, at once, and counted as late.  When more than max_held events
 * wait (a CPU whose heartbeat stalls), the oldest are released anyway.
 */
#ifndef NS_REORDER_H
#define NS_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/netscope.h"

/* queues per CPU: task (and unknown), softirq, hardirq, anything else */
#define REORDER_LEVELS 4

struct reorder_queue {
	struct ns_event *v; /* v[head..tail) sorted by ts_ns */
	size_t head, tail, cap;
};

struct reorder {
	struct reorder_queue *q; /* [cpu * REORDER_LEVELS + level] */
	uint64_t *hb;		 /* per CPU: every event before it has arrived */
	unsigned int ncpus;
	unsigned int *heap;	 /* queue indexes, while releasing */
	size_t held;	    /* events waiting */
	size_t max_held;
	uint64_t released;  /* timestamp of the newest event released */
	uint64_t late;	    /* events that arrived older than that */
	uint64_t forced;    /* events released before their heartbeat (max_held) */
};

typedef int (*reorder_fn)(void *ctx, struct ns_event *ev);

/* Returns 0 or -ENOMEM. */
int reorder_init(struct reorder *r, unsigned int ncpus, size_t max_held);
void reorder_free(struct reorder *r);
/* A CPU that will never send a heartbeat (offline): its stream is complete. */
void reorder_cpu_done(struct reorder *r, unsigned int cpu);
/* Keep a copy of ev; 0 or -ENOMEM. */
int reorder_push(struct reorder *r, const struct ns_event *ev);
void reorder_heartbeat(struct reorder *r, unsigned int cpu, uint64_t ts_ns);
/*
 * Hand fn, oldest first, every event no event still to come can precede
 * (all: every event held).  Returns the number released, or fn's first
 * negative return (the events after it stay held).
 */
long reorder_release(struct reorder *r, bool all, reorder_fn fn, void *ctx);

#endif
