// SPDX-License-Identifier: GPL-2.0
/*
 * bench/floor: attach empty tp_btf programs to netscope's tracepoints, print
 * "attached N", and hold them until SIGINT/SIGTERM.  Used by overhead.sh.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

int main(void)
{
	struct floor_bpf *skel = floor_bpf__open_and_load();
	struct bpf_program *p;
	int n = 0;

	if (!skel) {
		fprintf(stderr, "floor: cannot load the empty programs\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	bpf_object__for_each_program(p, skel->obj) {
		if (bpf_program__attach(p))
			n++;
	}
	printf("attached %d\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	floor_bpf__destroy(skel);
	return 0;
}
