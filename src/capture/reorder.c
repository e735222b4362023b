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
	r->q = calloc((size_t)r->ncpus * REORDER_LEVELS, sizeof(*r->q));
	r->hb = calloc(r->ncpus, sizeof(*r->hb));
	r->heap = calloc((size_t)r->ncpus * REORDER_LEVELS, sizeof(*r->heap));
	if (!r->q || !r->hb || !r->heap) {
		reorder_free(r);
		return -ENOMEM;
	}
	return 0;
}

void reorder_free(struct reorder *r)
{
	for (size_t i = 0; r->q && i < (size_t)r->ncpus * REORDER_LEVELS; i++)
		free(r->q[i].v);
	free(r->q);
	free(r->hb);
	free(r->heap);
	memset(r, 0, sizeof(*r));
}

void reorder_cpu_done(struct reorder *r, unsigned int cpu)
{
	if (cpu < r->ncpus)
		r->hb[cpu] = UINT64_MAX;
}

void reorder_heartbeat(struct reorder *r, unsigned int cpu, uint64_t ts_ns)
{
	/* a heartbeat can only be lower than an earlier one when BPF was
	 * conservative (capture.bpf.c flush_batches): keep the highest */
	if (cpu < r->ncpus && ts_ns > r->hb[cpu])
		r->hb[cpu] = ts_ns;
}

static unsigned int level_of(uint8_t ctx)
{
	switch (ctx) {
	case NS_CTX_UNKNOWN:
	case NS_CTX_TASK:
		return 0;
	case NS_CTX_SOFTIRQ:
		return 1;
	case NS_CTX_HARDIRQ:
		return 2;
	default:
		return 3;
	}
}

/* room for one more at the tail: slide the live part down or grow */
static int queue_reserve(struct reorder_queue *q)
{
	if (q->tail < q->cap)
		return 0;
	if (q->head > q->cap / 2) {
		memmove(q->v, q->v + q->head, (q->tail - q->head) * sizeof(*q->v));
		q->tail -= q->head;
		q->head = 0;
		return 0;
	}
	size_t cap = q->cap ? q->cap * 2 : 256;
	struct ns_event *v = realloc(q->v, cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	q->v = v;
	q->cap = cap;
	return 0;
}

int reorder_push(struct reorder *r, const struct ns_event *ev)
{
	unsigned int cpu = ev->cpu < r->ncpus ? ev->cpu : r->ncpus - 1;
	struct reorder_queue *q = &r->q[cpu * REORDER_LEVELS + level_of(ev->ctx)];
	size_t at;

	if (queue_reserve(q))
		return -ENOMEM;
	/* nearly always in order: search back from the tail */
	at = q->tail;
	while (at > q->head && q->v[at - 1].ts_ns > ev->ts_ns)
		at--;
	if (at < q->tail)
		memmove(q->v + at + 1, q->v + at, (q->tail - at) * sizeof(*q->v));
	q->v[at] = *ev;
	q->tail++;
	r->held++;
	if (ev->ts_ns < r->released)
		r->late++;
	return 0;
}

/* ---- a binary min-heap of queues by their oldest event ---- */

static uint64_t head_ts(const struct reorder *r, unsigned int qi)
{
	const struct reorder_queue *q = &r->q[qi];

	return q->v[q->head].ts_ns;
}

static void heap_down(struct reorder *r, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && head_ts(r, r->heap[l]) < head_ts(r, r->heap[m]))
			m = l;
		if (l + 1 < n && head_ts(r, r->heap[l + 1]) < head_ts(r, r->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		unsigned int t = r->heap[i];

		r->heap[i] = r->heap[m];
		r->heap[m] = t;
		i = m;
	}
}

long reorder_release(struct reorder *r, bool all, reorder_fn fn, void *ctx)
{
	size_t nq = (size_t)r->ncpus * REORDER_LEVELS, n = 0;
	uint64_t mark = UINT64_MAX;
	long released = 0;

	for (unsigned int i = 0; i < r->ncpus; i++)
		if (r->hb[i] < mark)
			mark = r->hb[i];
	for (size_t i = 0; i < nq; i++)
		if (r->q[i].head < r->q[i].tail)
			r->heap[n++] = (unsigned int)i;
	for (size_t i = n / 2; i-- > 0;)
		heap_down(r, n, i);
	while (n) {
		struct reorder_queue *q = &r->q[r->heap[0]];
		struct ns_event *ev = &q->v[q->head];
		int err;

		if (!all && ev->ts_ns >= mark) {
			if (r->held <= r->max_held)
				break;
			r->forced++;
		}
		q->head++;
		r->held--;
		if (ev->ts_ns > r->released)
			r->released = ev->ts_ns;
		released++;
		/* ev stays valid until the next push: fn is called before any */
		err = fn(ctx, ev);
		if (q->head == q->tail) {
			q->head = q->tail = 0;
			r->heap[0] = r->heap[--n];
		}
		heap_down(r, n, 0);
		if (err < 0)
			return err;
	}
	return released;
}
