// SPDX-License-Identifier: GPL-2.0
/*
 * bench/floor [GROUP:NAME...]: attach empty tp_btf programs to the given
 * tracepoints (all of netscope's when none are given), print "attached N",
 * and hold them until SIGINT/SIGTERM.  Used by overhead.sh.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int wanted(const char *prog, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *name = strchr(argv[i], ':');

		/* programs are named floor_<tracepoint> */
		if (!strcmp(prog + strlen("floor_"), name ? name + 1 : argv[i]))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct floor_bpf *skel = floor_bpf__open();
	struct bpf_program *p;
	int n = 0;

	if (skel)
		bpf_object__for_each_program(p, skel->obj)
			bpf_program__set_autoload(p, wanted(bpf_program__name(p), argc, argv));
	if (!skel || floor_bpf__load(skel)) {
		fprintf(stderr, "floor: cannot load the empty programs\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	bpf_object__for_each_program(p, skel->obj) {
		if (bpf_program__autoload(p) && bpf_program__attach(p))
			n++;
	}
	printf("attached %d\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	floor_bpf__destroy(skel);
	return 0;
}
