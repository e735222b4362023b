// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "capture/sampling.h"

int sampling_parse_cpus(const char *list, bool *online, int max)
{
	const char *p = list;
	int count = 0;

	memset(online, 0, max * sizeof(*online));
	while (*p && *p != '\n') {
		char *end;
		long a, b;

		a = strtol(p, &end, 10);
		if (end == p || a < 0)
			return -EINVAL;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return -EINVAL;
			p = end;
		}
		for (long c = a; c <= b && c < max; c++)
			if (!online[c]) {
				online[c] = true;
				count++;
			}
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return count;
}

int sampling_online_cpus(bool *online, int max)
{
	char buf[1024];
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int n;

	if (!f)
		return -errno;
	n = fgets(buf, sizeof(buf), f) ? sampling_parse_cpus(buf, online, max) : -EINVAL;
	fclose(f);
	return n;
}

int sampling_attach(struct cpu_sampler *cs, struct bpf_program *prog, unsigned int freq,
		    char *err, size_t len)
{
	/*
	 * cpu-clock is a software event (an hrtimer): it exists where the
	 * hardware has no PMU (VMs), unlike cycles, and counts wall time on
	 * the CPU, so idle shows as idle.  freq mode: the kernel adjusts the
	 * period to keep freq samples per second.
	 */
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr), .config = PERF_COUNT_SW_CPU_CLOCK,
		.freq = 1, .sample_freq = freq,
	};
	int max = libbpf_num_possible_cpus(), n, r = 0;
	bool *online;

	memset(cs, 0, sizeof(*cs));
	if (max <= 0) {
		snprintf(err, len, "cannot count the CPUs: %s", strerror(-max));
		return max ? max : -EINVAL;
	}
	online = calloc(max, sizeof(*online));
	cs->links = calloc(max, sizeof(*cs->links));
	if (!online || !cs->links) {
		free(online);
		free(cs->links);
		cs->links = NULL;
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	n = sampling_online_cpus(online, max);
	if (n <= 0) {
		r = n ? n : -ENOENT;
		snprintf(err, len, "cannot read /sys/devices/system/cpu/online: %s", strerror(-r));
		goto out;
	}
	cs->freq = freq;
	for (int cpu = 0; cpu < max; cpu++) {
		struct bpf_link *link;
		int fd;

		if (!online[cpu])
			continue;
		fd = syscall(SYS_perf_event_open, &attr, -1 /* every task */, cpu, -1,
			     PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			/* above kernel.perf_event_max_sample_rate (which the kernel
			 * lowers by itself when sampling interrupts run long) */
			snprintf(err, len, "perf_event_open(cpu-clock, %u Hz) on cpu %d: %s%s", freq, cpu,
				 strerror(-r), r == -EINVAL ? " (see kernel.perf_event_max_sample_rate)" : "");
			goto out;
		}
		link = bpf_program__attach_perf_event(prog, fd);
		if (!link) {
			r = -errno;
			close(fd);
			snprintf(err, len, "attaching the sampling program on cpu %d: %s", cpu, strerror(-r));
			goto out;
		}
		cs->links[cs->n++] = link;
	}
out:
	free(online);
	if (r)
		sampling_detach(cs);
	return r;
}

void sampling_detach(struct cpu_sampler *cs)
{
	for (int i = 0; i < cs->n; i++)
		bpf_link__destroy(cs->links[i]);
	free(cs->links);
	cs->links = NULL;
	cs->n = 0;
}
