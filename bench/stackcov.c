// SPDX-License-Identifier: GPL-2.0
/*
 * bench/stackcov REFERENCE.ns SAMPLED.ns
 *
 * How many of the call paths a stack-on-every-event capture found does a
 * capture with the sampled stack policy find?  A call path is the event
 * type plus its symbolized kernel stack.  Prints the share of distinct
 * paths found, and the share weighted by the reference's events (what the
 * acceptance target of issue 2 counts: >= 99 %).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/model.h"
#include "trace/tracefile.h"

struct path {
	char *key;
	uint64_t events;
};

struct pathset {
	struct path *v;
	size_t n, cap;
	uint64_t total;
};

static struct path *find_or_add(struct pathset *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].key, key))
			return &s->v[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			exit(1);
	}
	s->v[s->n] = (struct path){ .key = strdup(key) };
	return &s->v[s->n++];
}

/* symbolize without offsets: the same function reached by the same route */
static int load(const char *file, struct pathset *s)
{
	char err[512], key[8192], buf[256];
	struct tracefile_reader *r = tfr_open(file, err, sizeof(err));
	struct ns_event ev;
	int rc;

	if (!r) {
		fprintf(stderr, "stackcov: %s\n", err);
		return -1;
	}
	while ((rc = tfr_next(r, &ev)) > 0) {
		const uint64_t *ips;
		size_t n, off;

		if (ev.stack_id < 0)
			continue;
		ips = tfr_stack(r, ev.stack_id, &n);
		if (!ips)
			continue;
		off = snprintf(key, sizeof(key), "%s", ns_event_name(ev.type));
		for (size_t i = 0; i < n && off < sizeof(key) - 1; i++) {
			const char *f = ksyms__fmt(tfr_ksyms(r), ips[i], buf, sizeof(buf));
			size_t len = strcspn(f, "+");

			off += snprintf(key + off, sizeof(key) - off, ";%.*s", (int)len, f);
		}
		find_or_add(s, key)->events++;
		s->total++;
	}
	if (rc < 0)
		fprintf(stderr, "stackcov: %s: %s\n", file, tfr_error(r));
	tfr_close(r);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct pathset ref = {}, smp = {};
	uint64_t found_w = 0;
	size_t found = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: stackcov REFERENCE.ns SAMPLED.ns\n");
		return 2;
	}
	if (load(argv[1], &ref) || load(argv[2], &smp))
		return 1;
	for (size_t i = 0; i < ref.n; i++) {
		bool hit = false;

		for (size_t j = 0; j < smp.n && !hit; j++)
			hit = !strcmp(ref.v[i].key, smp.v[j].key);
		if (hit) {
			found++;
			found_w += ref.v[i].events;
		} else if (getenv("STACKCOV_VERBOSE")) {
			fprintf(stderr, "missed (%llu events): %s\n",
				(unsigned long long)ref.v[i].events, ref.v[i].key);
		}
	}
	printf("reference: %zu distinct paths over %llu events with stacks\n", ref.n,
	       (unsigned long long)ref.total);
	printf("sampled:   %zu distinct paths over %llu events with stacks\n", smp.n,
	       (unsigned long long)smp.total);
	printf("paths found: %zu of %zu (%.2f %%); weighted by events: %.2f %%\n", found, ref.n,
	       ref.n ? 100.0 * found / ref.n : 0, ref.total ? 100.0 * found_w / ref.total : 0);
	return 0;
}
