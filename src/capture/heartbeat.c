// SPDX-License-Identifier: GPL-2.0
/* Flush every CPU's batches from that CPU: see heartbeat.h. */
#include "capture/heartbeat.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "capture/sampling.h"

int heartbeat_init(struct heartbeat *h, int prog_fd, int ncpus)
{
	int n;

	memset(h, 0, sizeof(*h));
	h->prog_fd = prog_fd;
	h->ncpus = ncpus;
	h->online = calloc(ncpus, sizeof(*h->online));
	h->orig = CPU_ALLOC(ncpus);
	if (!h->online || !h->orig) {
		heartbeat_free(h);
		return -ENOMEM;
	}
	n = sampling_online_cpus(h->online, ncpus);
	if (n <= 0) {
		heartbeat_free(h);
		return n < 0 ? n : -ENOENT;
	}
	h->nonline = n;
	if (sched_getaffinity(0, CPU_ALLOC_SIZE(ncpus), h->orig)) {
		n = -errno;
		heartbeat_free(h);
		return n;
	}
	return 0;
}

bool heartbeat_covers(const struct heartbeat *h, int cpu)
{
	return cpu >= 0 && cpu < h->ncpus && h->online[cpu];
}

/* run the flush program on cpu from there; whether it could move there */
static int flush_on(struct heartbeat *h, int cpu, cpu_set_t *one, size_t size)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);

	CPU_ZERO_S(size, one);
	CPU_SET_S(cpu, size, one);
	/*
	 * Not allowed there (a cpuset): the kernel runs the program from an
	 * IPI instead, which can interrupt a handler in the middle of an
	 * event; the flush program then holds its heartbeat back where it
	 * sees one, and what it cannot see arrives late (counted,
	 * capture/reorder.h).
	 */
	if (sched_setaffinity(0, size, one))
		h->remote++;
	return bpf_prog_test_run_opts(h->prog_fd, &opts) ? -errno : 0;
}

int heartbeat_round(struct heartbeat *h)
{
	size_t size = CPU_ALLOC_SIZE(h->ncpus);
	cpu_set_t *one = CPU_ALLOC(h->ncpus);
	int home = sched_getcpu(), err = 0, e;
	struct timespec t0, t1;

	if (!one)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/*
	 * The CPU this thread runs on last: putting its CPU set back does not
	 * move a thread, and left on another CPU it would compete there with
	 * whatever that CPU runs, at the capture's raised priority (measured:
	 * a SYN flood's thread got 85 % of its CPU instead of 94 %).
	 */
	for (int cpu = 0; cpu < h->ncpus; cpu++) {
		if (!h->online[cpu] || cpu == home)
			continue;
		if ((e = flush_on(h, cpu, one, size)) && !err)
			err = e;
	}
	if (home >= 0 && home < h->ncpus && h->online[home] &&
	    (e = flush_on(h, home, one, size)) && !err)
		err = e;
	sched_setaffinity(0, size, h->orig);
	CPU_FREE(one);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	h->round_ns += (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull + t1.tv_nsec - t0.tv_nsec;
	h->rounds++;
	return err;
}

void heartbeat_free(struct heartbeat *h)
{
	free(h->online);
	if (h->orig)
		CPU_FREE(h->orig);
	memset(h, 0, sizeof(*h));
}
