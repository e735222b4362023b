// SPDX-License-Identifier: GPL-2.0
/* The first pass of the timeline exporters (export/timeline.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "export/timeline.h"

enum tl_ctx timeline_ctx(const struct ns_event *ev)
{
	switch (ev->type) {
	case NS_EV_SOFTIRQ_ENTRY:
	case NS_EV_SOFTIRQ_EXIT:
		return TL_SOFTIRQ;
	case NS_EV_IRQ_HANDLER_ENTRY:
	case NS_EV_IRQ_HANDLER_EXIT:
	case NS_EV_IRQ_VECTOR_ENTRY:
	case NS_EV_IRQ_VECTOR_EXIT:
		return TL_HARDIRQ;
	default:
		break;
	}
	switch (ev->ctx) {
	case NS_CTX_TASK: return TL_TASK;
	case NS_CTX_SOFTIRQ: return TL_SOFTIRQ;
	case NS_CTX_HARDIRQ: return TL_HARDIRQ;
	case NS_CTX_NMI: return TL_NMI;
	default: return TL_UNKNOWN;
	}
}

const char *tl_ctx_name(enum tl_ctx c)
{
	static const char *const names[TL__CTX_COUNT] = {
		[TL_TASK] = "task", [TL_SOFTIRQ] = "softirq", [TL_HARDIRQ] = "hardirq",
		[TL_NMI] = "nmi", [TL_UNKNOWN] = "unknown context",
	};
	return c < TL__CTX_COUNT ? names[c] : "?";
}

const char *tl_metric_name(enum tl_metric m)
{
	static const char *const names[TL__METRIC_COUNT] = {
		[TL_RX] = "rx packets/s", [TL_TX] = "tx packets/s", [TL_DROPS] = "drops/s",
	};
	return m < TL__METRIC_COUNT ? names[m] : "?";
}

/* enum tl_run_kind; -1 not an entry or exit; *entry set for entries */
static int run_kind(const struct ns_event *ev, bool *entry)
{
	switch (ev->type) {
	case NS_EV_SOFTIRQ_ENTRY: *entry = true; return TL_RUN_SOFTIRQ;
	case NS_EV_SOFTIRQ_EXIT: *entry = false; return TL_RUN_SOFTIRQ;
	case NS_EV_IRQ_HANDLER_ENTRY: *entry = true; return TL_RUN_IRQ;
	case NS_EV_IRQ_HANDLER_EXIT: *entry = false; return TL_RUN_IRQ;
	case NS_EV_IRQ_VECTOR_ENTRY: *entry = true; return TL_RUN_VECTOR;
	case NS_EV_IRQ_VECTOR_EXIT: *entry = false; return TL_RUN_VECTOR;
	default: return -1;
	}
}

bool timeline_is_entry(const struct ns_event *ev)
{
	bool entry = false;

	return run_kind(ev, &entry) >= 0 && entry;
}

static bool is_matched(const struct timeline *tl, uint64_t idx)
{
	return idx / 8 < tl->matched_cap && (tl->matched[idx / 8] >> (idx % 8) & 1);
}

static int mark_matched(struct timeline *tl, uint64_t idx)
{
	if (idx / 8 >= tl->matched_cap) {
		size_t cap = tl->matched_cap ? tl->matched_cap : 4096;
		uint8_t *m;

		while (cap <= idx / 8)
			cap *= 2;
		m = realloc(tl->matched, cap);
		if (!m)
			return -ENOMEM;
		memset(m + tl->matched_cap, 0, cap - tl->matched_cap);
		tl->matched = m;
		tl->matched_cap = cap;
	}
	tl->matched[idx / 8] |= 1u << (idx % 8);
	return 0;
}

static struct tl_cpu *cpu_of(struct timeline *tl, unsigned int cpu)
{
	if (cpu >= tl->n_cpus) {
		struct tl_cpu *c = realloc(tl->cpus, (cpu + 1) * sizeof(*c));

		if (!c)
			return NULL;
		memset(c + tl->n_cpus, 0, (cpu + 1 - tl->n_cpus) * sizeof(*c));
		tl->cpus = c;
		tl->n_cpus = cpu + 1;
	}
	return &tl->cpus[cpu];
}

static int pair(struct timeline *tl, struct tl_cpu *c, const struct ns_event *ev, uint64_t idx)
{
	bool entry;
	int kind = run_kind(ev, &entry);
	struct tl_run *r;

	if (kind < 0)
		return 0;
	r = &c->run[kind];
	if (entry) {
		if (r->open)	/* its exit was lost: it stays an instant */
			tl->unmatched++;
		*r = (struct tl_run){ .open = true, .id = ev->reason, .idx = idx };
		return 0;
	}
	if (!r->open || r->id != ev->reason) {
		/* began before the capture (or its entry was lost) */
		tl->unmatched += r->open ? 2 : 1;
		r->open = false;
		return 0;
	}
	r->open = false;
	if (kind == TL_RUN_SOFTIRQ)
		tl->softirq_slices++;
	else if (kind == TL_RUN_IRQ)
		tl->irq_slices++;
	else
		tl->vector_slices++;
	return mark_matched(tl, r->idx) ?: mark_matched(tl, idx);
}

/* bucket keys: device << 38 | metric << 36 | second (2^64 ns is 1.8e10 s < 2^36) */
#define KEY_DEV_SHIFT 38
#define KEY_METRIC_SHIFT 36
#define KEY_SECOND_MASK ((1ull << KEY_METRIC_SHIFT) - 1)
#define MAX_DEVS (1u << (64 - KEY_DEV_SHIFT))

static struct tl_device *device_of(struct timeline *tl, const struct ns_event *ev, uint32_t *idx)
{
	uint32_t netns = ev->ifindex ? ev->netns : 0;
	uint64_t key = (uint64_t)netns << 32 | (uint32_t)ev->ifindex;
	struct tl_device *d;

	if (u64map_get(&tl->dev_idx, key, idx))
		return &tl->devs[*idx];
	if (tl->n_devs >= MAX_DEVS)
		return NULL;
	d = realloc(tl->devs, (tl->n_devs + 1) * sizeof(*d));
	if (!d)
		return NULL;
	tl->devs = d;
	if (u64map_put(&tl->dev_idx, key, tl->n_devs))
		return NULL;
	*idx = tl->n_devs;
	d = &d[tl->n_devs++];
	*d = (struct tl_device){ .netns = netns, .ifindex = ev->ifindex };
	if (ev->ifindex)	/* ifname is a fixed array, NUL-terminated only when shorter */
		snprintf(d->ifname, sizeof(d->ifname), "%.*s", (int)sizeof(ev->ifname), ev->ifname);
	return d;
}

static int count_device(struct timeline *tl, const struct ns_event *ev)
{
	enum tl_metric m;
	struct tl_device *d;
	uint32_t di, n = 0;
	uint64_t key;

	switch (ev->type) {
	case NS_EV_NETIF_RECEIVE_SKB: m = TL_RX; break;
	case NS_EV_NET_DEV_XMIT: m = TL_TX; break;
	case NS_EV_KFREE_SKB: m = TL_DROPS; break;
	default: return 0;
	}
	d = device_of(tl, ev, &di);
	if (!d)
		return -ENOMEM;
	/* an event a little older than the first one read (CPUs race to the
	 * ring buffer) counts in the first second */
	key = (uint64_t)di << KEY_DEV_SHIFT | (uint64_t)m << KEY_METRIC_SHIFT |
	      (ev->ts_ns > tl->t0 ? (ev->ts_ns - tl->t0) / TL_BUCKET_NS : 0);
	u64map_get(&tl->buckets, key, &n);
	if (n < UINT32_MAX && u64map_put(&tl->buckets, key, n + 1))
		return -ENOMEM;
	d->total[m]++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* the counter values from the buckets: sorted, each step ended by a 0 */
static int build_samples(struct timeline *tl)
{
	const struct u64map *b = &tl->buckets;
	uint64_t *keys = malloc((b->n ? b->n : 1) * sizeof(*keys));
	size_t n = 0;

	/* at most two samples per bucket: its value and the 0 after it */
	tl->samples = malloc((2 * b->n + 1) * sizeof(*tl->samples));
	if (!keys || !tl->samples) {
		free(keys);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->cap; i++)
		if (b->used[i])
			keys[n++] = b->keys[i];
	qsort(keys, n, sizeof(*keys), cmp_u64);
	for (size_t i = 0; i < n; i++) {
		uint64_t sec = keys[i] & KEY_SECOND_MASK;
		struct tl_sample s = {
			.ts = tl->t0 + sec * TL_BUCKET_NS,
			.dev = (uint32_t)(keys[i] >> KEY_DEV_SHIFT),
			.metric = (enum tl_metric)(keys[i] >> KEY_METRIC_SHIFT & 3),
		};

		u64map_get(b, keys[i], &s.count);
		tl->samples[tl->n_samples++] = s;
		/* no 0 when the next second has a value, or starts after the
		 * trace's end (t_end >= t0: the first event set both) */
		if ((i + 1 < n && keys[i + 1] == keys[i] + 1) || sec >= (tl->t_end - tl->t0) / TL_BUCKET_NS)
			continue;
		s.ts = tl->t0 + (sec + 1) * TL_BUCKET_NS;
		s.count = 0;
		tl->samples[tl->n_samples++] = s;
	}
	free(keys);
	return 0;
}

static int count_packet(struct timeline *tl, const struct ns_event *ev, uint64_t idx)
{
	struct tl_packet *p;
	uint32_t i;

	if (!ev->packet_id)
		return 0;
	if (!u64map_get(&tl->packet_idx, ev->packet_id, &i)) {
		if (tl->n_packets == tl->cap_packets) {
			size_t cap = tl->cap_packets ? 2 * tl->cap_packets : 1024;

			p = realloc(tl->packets, cap * sizeof(*p));
			if (!p)
				return -ENOMEM;
			tl->packets = p;
			tl->cap_packets = cap;
		}
		if (tl->n_packets >= UINT32_MAX || u64map_put(&tl->packet_idx, ev->packet_id, tl->n_packets))
			return -ENOMEM;
		tl->packets[tl->n_packets++] = (struct tl_packet){
			.first_ts = ev->ts_ns, .last_ts = ev->ts_ns, .first_idx = idx, .last_idx = idx, .n = 1,
		};
		return 0;
	}
	p = &tl->packets[i];
	if (p->n == 1)
		tl->flows++;
	if (p->n < UINT32_MAX)
		p->n++;
	if (ev->ts_ns < p->first_ts) {
		p->first_ts = ev->ts_ns;
		p->first_idx = idx;
	}
	if (ev->ts_ns >= p->last_ts) {
		p->last_ts = ev->ts_ns;
		p->last_idx = idx;
	}
	return 0;
}

int timeline_build(struct export_src *src, struct timeline *tl)
{
	struct ns_event ev;
	int err = 0;

	*tl = (struct timeline){ 0 };
	while (!err && export_next(src, &ev)) {
		uint64_t idx = tl->events++;
		struct tl_cpu *c = cpu_of(tl, ev.cpu);

		if (!idx)
			tl->t0 = ev.ts_ns;
		if (ev.ts_ns > tl->t_end)
			tl->t_end = ev.ts_ns;
		if (!c) {
			err = -ENOMEM;
			break;
		}
		c->ctx_mask |= 1u << timeline_ctx(&ev);
		err = pair(tl, c, &ev, idx);
		if (!err)
			err = count_device(tl, &ev);
		if (!err)
			err = count_packet(tl, &ev, idx);
	}
	if (err) {
		ns_err("cannot export '%s': %s", src->path, strerror(-err));
		return 1;
	}
	if (!err)
		err = build_samples(tl);
	if (err) {
		ns_err("cannot export '%s': %s", src->path, strerror(-err));
		return 1;
	}
	/* entries still open at the end: their exits are after the capture */
	for (size_t i = 0; i < tl->n_cpus; i++)
		for (int k = 0; k < TL__RUN_COUNT; k++)
			tl->unmatched += tl->cpus[i].run[k].open;
	return export_rewind(src);
}

void timeline_free(struct timeline *tl)
{
	free(tl->devs);
	free(tl->samples);
	u64map_free(&tl->dev_idx);
	u64map_free(&tl->buckets);
	free(tl->cpus);
	free(tl->matched);
	u64map_free(&tl->packet_idx);
	free(tl->packets);
	*tl = (struct timeline){ 0 };
}

enum tl_role timeline_role(const struct timeline *tl, const struct ns_event *ev, uint64_t idx)
{
	bool entry;

	if (run_kind(ev, &entry) < 0)
		return TL_INSTANT;
	if (!is_matched(tl, idx))
		return TL_UNMATCHED;
	return entry ? TL_SLICE_BEGIN : TL_SLICE_END;
}

enum tl_flow timeline_flow(const struct timeline *tl, const struct ns_event *ev, uint64_t idx)
{
	const struct tl_packet *p;
	uint32_t i;

	if (!ev->packet_id || !u64map_get(&tl->packet_idx, ev->packet_id, &i))
		return TL_FLOW_NONE;
	p = &tl->packets[i];
	if (p->n < 2)
		return TL_FLOW_NONE;
	if (idx == p->first_idx)
		return TL_FLOW_BEGIN;
	return idx == p->last_idx ? TL_FLOW_END : TL_FLOW_STEP;
}

const char *timeline_slice_name(const struct ns_names *names, const struct ns_event *ev,
				char *buf, size_t len)
{
	const char *n;

	if (ev->type == NS_EV_SOFTIRQ_ENTRY || ev->type == NS_EV_SOFTIRQ_EXIT) {
		n = names ? ns_names_lookup(names, NS_NAMES_SOFTIRQ, ev->reason) : NULL;
		if (n)
			snprintf(buf, len, "%s", n);
		else
			snprintf(buf, len, "softirq#%u", ev->reason);
		return buf;
	}
	/* a system vector: its tracepoint, as the interrupts view names it */
	if (ev->type == NS_EV_IRQ_VECTOR_ENTRY || ev->type == NS_EV_IRQ_VECTOR_EXIT) {
		n = ns_irq_vector_name(ev->aux);
		if (n)
			snprintf(buf, len, "%s", n);
		else
			snprintf(buf, len, "vector#%d", (int32_t)ev->reason);
		return buf;
	}
	/* irq: the handler's name travels in the ifname field (capture.bpf.c on_irq) */
	if (ev->ifname[0])
		snprintf(buf, len, "irq %u %.*s", ev->reason, (int)sizeof(ev->ifname), ev->ifname);
	else
		snprintf(buf, len, "irq %u", ev->reason);
	return buf;
}

const char *timeline_dev_name(const struct tl_device *d, char *buf, size_t len)
{
	if (!d->ifindex)
		snprintf(buf, len, "no device");
	else if (d->ifname[0])
		snprintf(buf, len, "%s (netns %u)", d->ifname, d->netns);
	else
		snprintf(buf, len, "ifindex %d (netns %u)", d->ifindex, d->netns);
	return buf;
}
