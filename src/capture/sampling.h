/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU sampling: one cpu-clock perf event per online CPU, each running the
 * capture's perf_event program (NS_EV_CPU_SAMPLE) for as long as it is
 * attached.
 */
#ifndef NS_SAMPLING_H
#define NS_SAMPLING_H

#include <stdbool.h>
#include <stddef.h>

struct bpf_program;
struct bpf_link;

#define NS_SAMPLE_FREQ_MAX 20000

struct cpu_sampler {
	struct bpf_link **links; /* one per CPU sampled; each owns its perf fd */
	int n;
	unsigned int freq;
};

/*
 * Parse a CPU list as in /sys/devices/system/cpu/online ("0-3,6,8-9") into
 * online[0..max); returns how many CPUs it names, or -EINVAL.
 */
int sampling_parse_cpus(const char *list, bool *online, int max);
/* the same, of /sys/devices/system/cpu/online; or -errno */
int sampling_online_cpus(bool *online, int max);
/*
 * Open a cpu-clock event sampling at freq Hz on every online CPU and attach
 * prog to each.  Returns 0, or -errno with what failed in err; on failure
 * nothing stays attached.
 */
int sampling_attach(struct cpu_sampler *cs, struct bpf_program *prog, unsigned int freq,
		    char *err, size_t len);
void sampling_detach(struct cpu_sampler *cs);

#endif
