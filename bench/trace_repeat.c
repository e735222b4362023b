// SPDX-License-Identifier: GPL-2.0
/*
 * bench/trace_repeat IN.ns OUT.ns N: a big trace for the export benchmarks
 * from a small recorded one: IN's events N times over, each copy shifted
 * in time past the one before (so every CPU's events stay in time order),
 * with IN's metadata, names, stacks and symbols, written by the trace
 * writer as `netscope record` writes (zstd chunks).  Packet ids are kept:
 * the copies are the same packets again, which no exporter minds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/tracefile.h"

static struct ns_event *load(const char *path, size_t *n, struct tracefile_reader **out)
{
	char err[512] = "";
	struct tracefile_reader *r = tfr_open(path, err, sizeof(err));
	struct ns_event *v = NULL;
	size_t cap = 0;

	if (!r) {
		fprintf(stderr, "trace_repeat: %s\n", err);
		exit(1);
	}
	*n = 0;
	for (;;) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				exit(1);
		}
		if (tfr_next(r, &v[*n]) <= 0)
			break;
		(*n)++;
	}
	*out = r;
	return v;
}

int main(int argc, char **argv)
{
	struct tracefile_reader *r;
	struct tracefile_writer *w;
	struct ns_capture_stats st = { 0 };
	char err[512] = "";
	uint64_t first = UINT64_MAX, last = 0, span;
	size_t n, copies;
	struct ns_event *v;

	if (argc != 4 || (copies = strtoull(argv[3], NULL, 10)) == 0) {
		fprintf(stderr, "usage: trace_repeat IN.ns OUT.ns N\n");
		return 2;
	}
	v = load(argv[1], &n, &r);
	if (!n) {
		fprintf(stderr, "trace_repeat: '%s' has no event\n", argv[1]);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		first = v[i].ts_ns < first ? v[i].ts_ns : first;
		last = v[i].ts_ns > last ? v[i].ts_ns : last;
	}
	span = last - first + 1000;
	w = tfw_open(argv[2], tfr_meta(r), tfr_names(r), err, sizeof(err));
	if (!w) {
		fprintf(stderr, "trace_repeat: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t nf;
		const uint64_t *ips = v[i].stack_id >= 0 ? tfr_stack(r, v[i].stack_id, &nf) : NULL;

		if (ips && !tfw_has_stack(w, v[i].stack_id))
			tfw_add_stack(w, v[i].stack_id, ips, nf, tfr_ksyms(r));
		if (v[i].location)
			tfw_add_symbol(w, v[i].location, tfr_ksyms(r));
	}
	for (size_t c = 0; c < copies; c++)
		for (size_t i = 0; i < n; i++) {
			struct ns_event ev = v[i];

			ev.ts_ns += c * span;
			if (tfw_add_event(w, &ev)) {
				fprintf(stderr, "trace_repeat: %s\n", tfw_error(w) ? tfw_error(w) : "write failed");
				return 1;
			}
			st.produced[ev.type < NS_EV__COUNT ? ev.type : 0]++;
		}
	memcpy(st.captured, st.produced, sizeof(st.produced));
	if (tfw_close(w, &st))
		return 1;
	tfr_close(r);
	printf("%zu events\n", n * copies);
	free(v);
	return 0;
}
