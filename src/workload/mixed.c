// SPDX-License-Identifier: GPL-2.0
/*
 * mixed: every other scenario in turn, round after round, until the
 * duration ends: the workload of a soak (bench/soak.sh), where one capture
 * must stay flat in memory and account for every event over many minutes
 * of varied traffic.  Each round runs, in this order and bounded by a
 * slice of time each: a short SYN flood at a listening and a closed port,
 * handshakes, a bulk stream, UDP to a bound and an unbound port, refused
 * connections, and request/response on epoll and poll.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "common/log.h"
#include "workload/internal.h"

#define MIXED_SLICE_S	4.0	/* each scenario's share of a round, at most */

static const struct mixed_step {
	const char *name;
	uint64_t count, rate, bytes;
	uint16_t closed_port;
} steps[] = {
	{ "syn-flood", 20000, 20000, 0, 81 },
	{ "handshake", 50, 100, 0, 0 },
	{ "bulk", 0, 0, 16 << 20, 0 },
	{ "udp", 100, 200, 0, 0 },
	{ "refused", 20, 50, 0, 0 },
	{ "rpc", 1000, 1000, 0, 0 },
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int scenario_mixed(struct scenario_run *r)
{
	uint64_t rounds = 0, runs = 0;
	double end = now_s() + r->duration_s;
	int err = 0;

	while (!err && !scn_expired(r) && (!r->count || rounds < r->count)) {
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !err; i++) {
			const struct scenario_desc *d = scenario_find(steps[i].name);
			struct scenario_run s = *r;
			double left = end - now_s();

			/* too little left for a scenario to say anything: done */
			if (left < 0.5)
				goto out;
			s.desc = d;
			s.count = steps[i].count ? steps[i].count : d->default_count;
			s.rate = steps[i].rate;
			s.bytes = steps[i].bytes ? steps[i].bytes : r->bytes;
			s.closed_port = steps[i].closed_port;
			s.port = d->default_port;
			s.duration_s = left < MIXED_SLICE_S ? left : MIXED_SLICE_S;
			clock_gettime(CLOCK_MONOTONIC, &s.start);
			s.deadline = s.start;
			s.deadline.tv_sec += (time_t)s.duration_s;
			s.deadline.tv_nsec += (long)((s.duration_s - (time_t)s.duration_s) * 1e9);
			if (s.deadline.tv_nsec >= 1000000000L) {
				s.deadline.tv_sec++;
				s.deadline.tv_nsec -= 1000000000L;
			}
			err = d->run(&s);
			if (err)
				ns_err("mixed: scenario '%s' failed in round %llu", d->name,
				       (unsigned long long)rounds + 1);
			runs++;
		}
		rounds++;
	}
out:
	fprintf(stderr, "mixed: %llu rounds, %llu scenario runs in %.1f s\n",
		(unsigned long long)rounds, (unsigned long long)runs, scn_elapsed(r));
	return err;
}
