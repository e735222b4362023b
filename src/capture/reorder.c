// SPDX-License-Identifier: GPL-2.0
/* Batched events back in time order: see reorder.h. */
#include "capture/reorder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int reorder_init(struct reorder *r, unsigned int ncpus, size_t max_held)
{
	memset(r, 0, sizeof(*r));
	r->ncpus = ncpus ? ncpus : 1;
	r->max_held = max_held ? max_held : 1;
	r->cpus = calloc(r->ncpus, sizeof(*r->cpus));
	return r->cpus ? 0 : -ENOMEM;
}

void reorder_free(struct reorder *r)
{
	for (unsigned int i = 0; r->cpus && i < r->ncpus; i++)
		free(r->cpus[i].v);
	free(r->cpus);
	memset(r, 0, sizeof(*r));
}

void reorder_cpu_done(struct reorder *r, unsigned int cpu)
{
	if (cpu < r->ncpus)
		r->cpus[cpu].hb = UINT64_MAX;
}

void reorder_heartbeat(struct reorder *r, unsigned int cpu, uint64_t ts_ns)
{
	/* a heartbeat can only be lower than an earlier one when BPF was
	 * conservative (capture.bpf.c flush_batches): keep the highest */
	if (cpu < r->ncpus && ts_ns > r->cpus[cpu].hb)
		r->cpus[cpu].hb = ts_ns;
}

/* room for one more at the tail: slide the live part down or grow */
static int cpu_reserve(struct reorder_cpu *c)
{
	if (c->tail < c->cap)
		return 0;
	if (c->head > c->cap / 2) {
		memmove(c->v, c->v + c->head, (c->tail - c->head) * sizeof(*c->v));
		c->tail -= c->head;
		c->head = 0;
		return 0;
	}
	size_t cap = c->cap ? c->cap * 2 : 1024;
	struct ns_event *v = realloc(c->v, cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->v = v;
	c->cap = cap;
	return 0;
}

int reorder_push(struct reorder *r, const struct ns_event *ev)
{
	struct reorder_cpu *c = &r->cpus[ev->cpu < r->ncpus ? ev->cpu : r->ncpus - 1];
	size_t at;

	if (cpu_reserve(c))
		return -ENOMEM;
	/* nearly always in order: search back from the tail */
	at = c->tail;
	while (at > c->head && c->v[at - 1].ts_ns > ev->ts_ns)
		at--;
	if (at < c->tail)
		memmove(c->v + at + 1, c->v + at, (c->tail - at) * sizeof(*c->v));
	c->v[at] = *ev;
	c->tail++;
	r->held++;
	if (ev->ts_ns < r->released)
		r->late++;
	return 0;
}

/* the CPU whose oldest event is the oldest of all, or -1 when none waits */
static int oldest_cpu(const struct reorder *r)
{
	int best = -1;

	for (unsigned int i = 0; i < r->ncpus; i++) {
		const struct reorder_cpu *c = &r->cpus[i];

		if (c->head < c->tail &&
		    (best < 0 || c->v[c->head].ts_ns < r->cpus[best].v[r->cpus[best].head].ts_ns))
			best = (int)i;
	}
	return best;
}

long reorder_release(struct reorder *r, bool all, reorder_fn fn, void *ctx)
{
	uint64_t mark = UINT64_MAX;
	long n = 0;

	for (unsigned int i = 0; i < r->ncpus; i++)
		if (r->cpus[i].hb < mark)
			mark = r->cpus[i].hb;
	for (;;) {
		int best = oldest_cpu(r);
		struct reorder_cpu *c;
		struct ns_event *ev;
		int err;

		if (best < 0)
			break;
		c = &r->cpus[best];
		ev = &c->v[c->head];
		if (!all && ev->ts_ns >= mark) {
			if (r->held <= r->max_held)
				break;
			r->forced++;
		}
		c->head++;
		r->held--;
		if (ev->ts_ns > r->released)
			r->released = ev->ts_ns;
		if (c->head == c->tail)
			c->head = c->tail = 0;
		n++;
		err = fn(ctx, ev);
		if (err < 0)
			return err;
	}
	return n;
}
