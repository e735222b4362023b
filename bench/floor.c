// SPDX-License-Identifier: GPL-2.0
/*
 * bench/floor [--work N] [GROUP:NAME...]: attach tp_btf programs doing the
 * least work of level N (floor.bpf.c; 0, nothing, by default) to the given
 * tracepoints (all of netscope's when none are given), print "attached N",
 * and hold them until SIGINT/SIGTERM, reading their ring buffer (levels 2
 * to 6) the way netscope's consumer does: a pass every 2 ms, each record
 * read once.  Used by overhead.sh (level 0) and record_floor.sh.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "floor.skel.h"

static volatile sig_atomic_t stop;
static unsigned long long records, checksum;

static void on_signal(int sig)
{
	stop = sig;
}

static int on_record(void *ctx, void *data, size_t size)
{
	const unsigned long long *w = data;

	(void)ctx;
	records++;
	for (size_t i = 0; i < size / sizeof(*w); i++)
		checksum += w[i];
	return 0;
}

static int wanted(const char *prog, int argc, char **argv)
{
	if (argc < 1)
		return 1;
	for (int i = 0; i < argc; i++) {
		const char *name = strchr(argv[i], ':');

		/* programs are named floor_<tracepoint> */
		if (!strcmp(prog + strlen("floor_"), name ? name + 1 : argv[i]))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct floor_bpf *skel;
	struct ring_buffer *rb = NULL;
	struct bpf_program *p;
	int n = 0, level = 0;

	if (argc > 2 && !strcmp(argv[1], "--work")) {
		char *end;

		level = strtol(argv[2], &end, 10);
		if (*end || level < 0 || level > 6) {
			fprintf(stderr, "floor: --work takes 0 to 6, not '%s'\n", argv[2]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	argc--;
	argv++;
	skel = floor_bpf__open();
	if (skel) {
		skel->rodata->work_level = level;
		bpf_object__for_each_program(p, skel->obj)
			bpf_program__set_autoload(p, wanted(bpf_program__name(p), argc, argv));
	}
	if (!skel || floor_bpf__load(skel)) {
		fprintf(stderr, "floor: cannot load the programs\n");
		return 1;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.ring), on_record, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "floor: cannot open the ring buffer\n");
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
	while (!stop) {
		ring_buffer__consume(rb);
		usleep(2000);
	}
	ring_buffer__consume(rb);
	printf("records %llu (checksum %llx)\n", records, checksum);
	ring_buffer__free(rb);
	floor_bpf__destroy(skel);
	return 0;
}
