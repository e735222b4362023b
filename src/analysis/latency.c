// SPDX-License-Identifier: GPL-2.0
/*
 * Per-stage latency: gaps between the stages a packet goes through, as
 * histograms per ordered stage pair, and each packet's total.  See
 * latency.h for what a gap is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/hist.h"
#include "analysis/analysis.h"
#include "analysis/latency.h"
#include "analysis/table.h"

/*
 * Stage of each event type: where in the stack the packet is when the
 * tracepoint fires.  Types not listed (irq, softirq, napi_poll,
 * inet_sock_set_state) describe no packet's progress and are skipped; so
 * are events without a packet id whatever their type.
 */
static const enum latency_stage stage_table[NS_EV__COUNT] = {
	/* dev_queue_xmit(): handed to the device layer, into its qdisc */
	[NS_EV_NET_DEV_QUEUE] = LAT_QUEUE,
	[NS_EV_QDISC_ENQUEUE] = LAT_QUEUE,
	/* leaving the qdisc for the driver: dequeue, ndo_start_xmit and its return */
	[NS_EV_QDISC_DEQUEUE] = LAT_XMIT,
	[NS_EV_NET_DEV_START_XMIT] = LAT_XMIT,
	[NS_EV_NET_DEV_XMIT] = LAT_XMIT,
	/* the receive side of a device: backlog (veth, lo), GRO, then the stack */
	[NS_EV_NETIF_RX] = LAT_RECEIVE,
	[NS_EV_NAPI_GRO_RECEIVE_ENTRY] = LAT_RECEIVE,
	[NS_EV_NETIF_RECEIVE_SKB] = LAT_RECEIVE,
	[NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY] = LAT_RECEIVE,
	/* the transport and socket layer has it (with an skb: these carry a packet id) */
	[NS_EV_TCP_SEND_RESET] = LAT_DELIVER,
	[NS_EV_TCP_RECEIVE_RESET] = LAT_DELIVER,
	[NS_EV_TCP_RETRANSMIT_SKB] = LAT_DELIVER,
	[NS_EV_TCP_RETRANSMIT_SYNACK] = LAT_DELIVER,
	[NS_EV_TCP_DESTROY_SOCK] = LAT_DELIVER,
	[NS_EV_TCP_PROBE] = LAT_DELIVER,
	[NS_EV_SOCK_RCVQUEUE_FULL] = LAT_DELIVER,
	[NS_EV_SOCK_EXCEED_BUF_LIMIT] = LAT_DELIVER,
	[NS_EV_UDP_FAIL_QUEUE_RCV_SKB] = LAT_DELIVER,
	/* the end: kfree_skb() drops, consume_skb() frees after use */
	[NS_EV_KFREE_SKB] = LAT_DROP,
	[NS_EV_CONSUME_SKB] = LAT_CONSUME,
};

static const char *const stage_names[LAT__COUNT] = {
	[LAT_NONE] = "none", [LAT_QUEUE] = "queue", [LAT_XMIT] = "xmit",
	[LAT_RECEIVE] = "receive", [LAT_DELIVER] = "deliver", [LAT_DROP] = "drop",
	[LAT_CONSUME] = "consume",
};

enum latency_stage latency_stage_of(unsigned int type)
{
	return type < NS_EV__COUNT ? stage_table[type] : LAT_NONE;
}

const char *latency_stage_name(enum latency_stage s)
{
	return (unsigned int)s < LAT__COUNT ? stage_names[s] : "?";
}

/* A packet being followed. */
struct live_pkt {
	uint64_t first_ts;	/* its first event */
	uint64_t stage_ts;	/* when it entered its current stage */
	uint64_t last_ts;	/* its latest event */
	uint8_t stage;
	bool partial;		/* its first event was not seen */
};

struct latency_an {
	struct lru live;
	/* one histogram per ordered pair, allocated when the pair is first seen */
	struct hist *pair[LAT__COUNT][LAT__COUNT];
	struct hist total, total_dropped, total_consumed;
	struct latency_result counts;	/* the counters only; histograms above */
	bool oom;
};

struct latency_an *latency_new(size_t live_max)
{
	struct latency_an *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	if (!live_max)
		live_max = LATENCY_LIVE_MAX;
	lru_init(&l->live, sizeof(struct live_pkt), live_max);
	l->counts.live_max = live_max;
	hist_init(&l->total);
	hist_init(&l->total_dropped);
	hist_init(&l->total_consumed);
	return l;
}

static void add_gap(struct latency_an *l, unsigned int from, unsigned int to, uint64_t gap)
{
	struct hist **h = &l->pair[from][to];

	if (!*h) {
		*h = malloc(sizeof(**h));
		if (!*h) {
			l->oom = true;
			return;
		}
		hist_init(*h);
	}
	hist_add(*h, gap);
}

/* a new packet in the table, evicting the least recently active when full */
static struct live_pkt *start_packet(struct latency_an *l, const struct ns_event *ev,
				     enum latency_stage stage)
{
	struct live_pkt *p;

	if (lru_full(&l->live)) {
		uint64_t old;

		if (lru_oldest(&l->live, &old)) {
			lru_del(&l->live, old);
			l->counts.evicted++;
		}
	}
	p = lru_add(&l->live, ev->packet_id);
	if (!p) {
		l->oom = true;
		return NULL;
	}
	p->first_ts = p->stage_ts = p->last_ts = ev->ts_ns;
	p->stage = stage;
	p->partial = !(ev->flags & NS_F_NEW_PACKET);
	l->counts.packets++;
	l->counts.partial += p->partial;
	return p;
}

void latency_feed(struct latency_an *l, const struct ns_event *ev)
{
	enum latency_stage stage = latency_stage_of(ev->type);
	struct live_pkt *p;
	uint64_t ts = ev->ts_ns;

	if (!ev->packet_id || stage == LAT_NONE) {
		l->counts.events_skipped++;
		return;
	}
	l->counts.events_used++;
	/* touched now: the one lookup per event (a new id deletes it just below) */
	p = lru_get_touch(&l->live, ev->packet_id);
	if (p && (ev->flags & NS_F_NEW_PACKET)) {
		/* the id starts over: its previous packet ended where we did not see it */
		lru_del(&l->live, ev->packet_id);
		l->counts.unended++;
		p = NULL;
	}
	if (!p) {
		p = start_packet(l, ev, stage);
		if (!p)
			return;
	} else {
		/* CPUs stamp events slightly out of order: never a negative gap */
		if (ts < p->last_ts) {
			l->counts.reordered++;
			ts = p->last_ts;
		}
		if (stage != p->stage) {
			add_gap(l, p->stage, stage, ts - p->stage_ts);
			p->stage = stage;
			p->stage_ts = ts;
		}
		p->last_ts = ts;
	}
	if (stage == LAT_DROP || stage == LAT_CONSUME) {
		l->counts.ended++;
		if (!p->partial) {
			hist_add(&l->total, ts - p->first_ts);
			hist_add(stage == LAT_DROP ? &l->total_dropped : &l->total_consumed,
				 ts - p->first_ts);
		}
		lru_del(&l->live, ev->packet_id);
	}
}

static void stats_of(const struct hist *h, struct latency_stats *s)
{
	s->count = h->count;
	s->min_ns = h->count ? h->min : 0;
	s->p50_ns = hist_percentile(h, 50);
	s->p90_ns = hist_percentile(h, 90);
	s->p99_ns = hist_percentile(h, 99);
	s->max_ns = h->max;
}

int latency_finish(struct latency_an *l, struct latency_result *out)
{
	size_t n = 0;

	*out = l->counts;
	out->pairs = NULL;
	out->n_pairs = 0;
	out->unended += l->live.n;
	out->rel_error = HIST_REL_ERROR;
	stats_of(&l->total, &out->total);
	stats_of(&l->total_dropped, &out->total_dropped);
	stats_of(&l->total_consumed, &out->total_consumed);
	if (l->oom)
		return -ENOMEM;
	out->pairs = calloc(LAT__COUNT * LAT__COUNT, sizeof(*out->pairs));
	if (!out->pairs)
		return -ENOMEM;
	/* stage order first: with a stable sort by count it stays the tie-break */
	for (unsigned int f = 0; f < LAT__COUNT; f++) {
		for (unsigned int t = 0; t < LAT__COUNT; t++) {
			struct latency_pair *p = &out->pairs[n];

			if (!l->pair[f][t] || !l->pair[f][t]->count)
				continue;
			snprintf(p->from, sizeof(p->from), "%s", stage_names[f]);
			snprintf(p->to, sizeof(p->to), "%s", stage_names[t]);
			stats_of(l->pair[f][t], &p->gap);
			n++;
		}
	}
	/* insertion sort: stable, and there are at most 49 pairs */
	for (size_t i = 1; i < n; i++) {
		struct latency_pair tmp = out->pairs[i];
		size_t j = i;

		for (; j > 0 && out->pairs[j - 1].gap.count < tmp.gap.count; j--)
			out->pairs[j] = out->pairs[j - 1];
		out->pairs[j] = tmp;
	}
	out->n_pairs = n;
	return 0;
}

void latency_free(struct latency_an *l)
{
	if (!l)
		return;
	for (unsigned int f = 0; f < LAT__COUNT; f++)
		for (unsigned int t = 0; t < LAT__COUNT; t++)
			free(l->pair[f][t]);
	lru_free(&l->live);
	free(l);
}

void latency_result_free(struct latency_result *r)
{
	free(r->pairs);
	memset(r, 0, sizeof(*r));
}

/* ---- the analysis interface (analysis/analysis.h) ---- */

static int latency_init_op(void **state, const struct report_ctx *ctx)
{
	*state = latency_new(0);
	return *state ? 0 : -ENOMEM;
}

static void latency_feed_op(void *state, const struct ns_event *ev)
{
	latency_feed(state, ev);
}

static int latency_finish_op(void *state, const struct analysis_end *end, struct report_result *res)
{
	return latency_finish(state, &res->latency);
}

static void latency_free_op(void *state)
{
	latency_free(state);
}

static void latency_free_part(struct report_result *res)
{
	latency_result_free(&res->latency);
}

const struct analysis_ops latency_analysis = {
	.name = "latency",
	.parts = RR_PART_LATENCY,
	.init = latency_init_op,
	.feed = latency_feed_op,
	.finish = latency_finish_op,
	.free = latency_free_op,
	.free_part = latency_free_part,
};
