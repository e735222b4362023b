/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The heartbeat of batched capture (netscope.h, capture_batch.bpf.h): run
 * the flush program on every online CPU, from the calling thread moved to
 * that CPU, so that it runs in task context there, where no handler of
 * the CPU can be in the middle of an event.  Each run sends the CPU's
 * batches and then a record saying up to when its stream is complete.
 */
#ifndef NS_HEARTBEAT_H
#define NS_HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>

struct heartbeat {
	int prog_fd;
	int ncpus;	  /* possible CPUs */
	bool *online;
	int nonline;	  /* CPUs a round visits */
	void *orig;	  /* the thread's own CPU set (cpu_set_t), put back after a round */
	uint64_t rounds;
	uint64_t round_ns; /* wall time spent in rounds, all of them */
	uint64_t remote;  /* runs from another CPU: the thread may not move there */
};

/* Returns 0 or -errno (no CPU list, no memory). */
int heartbeat_init(struct heartbeat *h, int prog_fd, int ncpus);
/* whether cpu gets heartbeats (an offline one never sends events either) */
bool heartbeat_covers(const struct heartbeat *h, int cpu);
/* One run per online CPU; 0, or -errno of the first run that failed. */
int heartbeat_round(struct heartbeat *h);
void heartbeat_free(struct heartbeat *h);

#endif
