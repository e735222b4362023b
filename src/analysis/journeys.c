// SPDX-License-Identifier: GPL-2.0
/*
 * Packet journeys.  A packet id (given by the capture when an skb is first
 * seen, ended by kfree_skb/consume_skb with NS_F_END_PACKET) names one
 * packet; its events in time order make its journey.  Journeys with the
 * same steps and the same fate are one sequence, counted, with the median
 * time of each step.
 *
 * Memory stays bounded: at most JOURNEY_LIVE_MAX packets are followed at
 * once (the one idle longest is closed early and counted), at most JOURNEY_SEQS_MAX
 * sequences are kept (later ones count as "other"), and step times are kept
 * exactly up to SAMPLES_PER_STEP_MAX per step, then as a uniform sample.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/journeys.h"

static uint64_t rng_next(struct journeys *j)
{
	/* xorshift64: deterministic, so one trace always gives one report */
	j->rng ^= j->rng << 13;
	j->rng ^= j->rng >> 7;
	j->rng ^= j->rng << 17;
	return j->rng;
}

struct journeys *journeys_new(const struct report_ctx *ctx)
{
	struct journeys *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->ctx = ctx;
	j->rng = 0x9e3779b97f4a7c15ULL;
	j->samples_left = SAMPLES_BUDGET;
	lru_init(&j->live, sizeof(struct pkt), JOURNEY_LIVE_MAX);
	links_init(j);
	return j;
}

static uint16_t *pkt_types(struct pkt *p)
{
	return p->ext ? p->ext->type : p->type;
}

static uint64_t *pkt_ts(struct pkt *p)
{
	return p->ext ? p->ext->ts : p->ts;
}

/* Insert a step in timestamp order: events of one packet on two CPUs may come swapped. */
static void add_step(struct journeys *j, struct pkt *p, uint16_t type, uint64_t ts)
{
	if (p->n == JOURNEY_MAX_STEPS) {
		p->cut = true;
		return;
	}
	if (p->n == JOURNEY_INLINE_STEPS && !p->ext) {
		p->ext = malloc(sizeof(*p->ext));
		if (!p->ext) {
			j->err = -ENOMEM;
			p->cut = true;
			return;
		}
		memcpy(p->ext->ts, p->ts, sizeof(p->ts));
		memcpy(p->ext->type, p->type, sizeof(p->type));
	}
	uint16_t *ty = pkt_types(p);
	uint64_t *t = pkt_ts(p);
	unsigned int i = p->n;

	while (i > 0 && t[i - 1] > ts) {
		t[i] = t[i - 1];
		ty[i] = ty[i - 1];
		i--;
	}
	t[i] = ts;
	ty[i] = type;
	p->n++;
}

static void samples_add(struct journeys *j, struct samples *s, uint64_t v)
{
	if (s->seen == s->cap && s->cap < SAMPLES_PER_STEP_MAX) {
		uint32_t grow = s->cap ? s->cap : 8;

		if (grow <= j->samples_left) {
			uint64_t *nv = realloc(s->v, (s->cap + grow) * sizeof(*nv));

			if (nv) {
				s->v = nv;
				s->cap += grow;
				j->samples_left -= grow;
			}
		}
	}
	if (s->seen < s->cap) {
		s->v[s->seen++] = v;
		return;
	}
	/* reservoir sampling (Vitter's algorithm R): a uniform sample of all gaps */
	uint64_t k = rng_next(j) % (s->seen + 1);

	if (k < s->cap)
		s->v[k] = v;
	s->seen++;
}

static uint64_t seq_hash(const uint16_t *types, uint8_t n, const struct pkt *p)
{
	uint64_t h = an_hash64((uint64_t)n | (uint64_t)p->cut << 8 | (uint64_t)p->partial << 9 |
			       (uint64_t)p->fate << 10 | (uint64_t)p->reason << 32);

	for (unsigned int i = 0; i < n; i++)
		h = an_hash64(h ^ types[i]);
	return h;
}

static struct seq *seq_get(struct journeys *j, struct pkt *p)
{
	const uint16_t *types = pkt_types(p);
	uint64_t h = seq_hash(types, p->n, p);
	uint32_t first = LRU_NIL;

	if (u64map_get(&j->seq_idx, h, &first))
		for (uint32_t i = first; i != LRU_NIL; i = j->seqs[i].next) {
			struct seq *s = &j->seqs[i];

			if (s->n == p->n && s->cut == p->cut && s->partial == p->partial &&
			    s->fate == p->fate && s->reason == p->reason &&
			    !memcmp(s->type, types, p->n * sizeof(types[0])))
				return s;
		}
	if (j->n_seqs >= JOURNEY_SEQS_MAX)
		return NULL;
	if (j->n_seqs == j->cap_seqs) {
		size_t ncap = j->cap_seqs ? j->cap_seqs * 2 : 64;
		struct seq *ns = realloc(j->seqs, ncap * sizeof(*ns));

		if (!ns)
			return NULL;
		j->seqs = ns;
		j->cap_seqs = ncap;
	}
	struct seq *s = &j->seqs[j->n_seqs];

	memset(s, 0, sizeof(*s));
	if (p->n > 1) {
		s->gaps = calloc(p->n - 1, sizeof(*s->gaps));
		if (!s->gaps)
			return NULL;
	}
	if (u64map_put(&j->seq_idx, h, j->n_seqs)) {
		free(s->gaps);
		return NULL;
	}
	s->hash = h;
	s->next = first;
	s->n = p->n;
	s->cut = p->cut;
	s->partial = p->partial;
	s->fate = p->fate;
	s->reason = p->reason;
	memcpy(s->type, types, p->n * sizeof(types[0]));
	j->n_seqs++;
	return s;
}

static void seq_link(struct seq *s, uint32_t label)
{
	if (!label) {
		s->links_other++;
		return;
	}
	for (unsigned int i = 0; i < s->n_links; i++)
		if (s->links[i].label == label) {
			s->links[i].count++;
			return;
		}
	if (s->n_links < JOURNEY_SEQ_LINKS)
		s->links[s->n_links++] = (struct seq_link){ .label = label, .count = 1 };
	else
		s->links_other++;
}

/* The packet is done (freed, evicted after its end, or the capture ended). */
static void finalize(struct journeys *j, uint64_t id, struct pkt *p)
{
	struct seq *s;
	int err;

	switch (p->fate) {
	case FATE_DROPPED: j->dropped++; break;
	case FATE_CONSUMED: j->consumed++; break;
	default: j->alive++; break;
	}
	if (p->partial)
		j->partial++;
	j->closed++;
	if (j->ctx->packet_sample && (err = journeys_sample(j, id, p, pkt_types(p), pkt_ts(p))))
		j->err = err;
	s = seq_get(j, p);
	if (!s) {
		j->overflow_packets++;
		goto out;
	}
	s->count++;
	const uint64_t *ts = pkt_ts(p);

	for (unsigned int i = 0; i + 1 < p->n; i++)
		samples_add(j, &s->gaps[i], ts[i + 1] - ts[i]);
	if (!s->have_example && p->have_tuple) {
		s->example = p->tuple;
		s->have_example = true;
	}
	for (unsigned int i = 0; i < p->n_links; i++)
		seq_link(s, p->links[i]);
	s->links_other += p->links_lost;
	/* set bits only, lowest vector first: most packets saw one or two vectors of 32 */
	for (uint32_t m = p->softirq_mask; m; m &= m - 1)
		seq_link(s, link_label(j, LINK_SOFTIRQ, (uint32_t)__builtin_ctz(m), 0));
out:
	free(p->ext);
	p->ext = NULL;
}

/* Close packets freed more than a window ago: late events of them have come. */
static void sweep(struct journeys *j, bool all)
{
	uint64_t id, end_ts;

	while (pair_fifo_front(&j->ended, &id, &end_ts)) {
		if (!all && end_ts + LINK_WINDOW_NS >= j->watermark)
			break;
		pair_fifo_pop(&j->ended);
		struct pkt *p = lru_get(&j->live, id);

		/* gone already: evicted while waiting */
		if (!p || !p->ended || p->end_ts != end_ts)
			continue;
		finalize(j, id, p);
		lru_del(&j->live, id);
	}
}

static void copy_tuple(struct pkt_tuple *t, const struct ns_event *ev)
{
	memcpy(t->saddr, ev->saddr, sizeof(t->saddr));
	memcpy(t->daddr, ev->daddr, sizeof(t->daddr));
	t->sport = ev->sport;
	t->dport = ev->dport;
	t->l3_proto = ev->l3_proto;
	t->family = ev->family;
	t->l4_proto = ev->l4_proto;
	t->hdr = ev->hdr;
	memcpy(t->ifname, ev->ifname, sizeof(t->ifname));
}

/*
 * Does the event show the same TCP segment the packet carried so far?  The
 * capture ends a packet id only at kfree_skb/consume_skb, but TCP frees many
 * skbs with __kfree_skb() or kfree_skb_partial() (net/ipv4/tcp_input.c),
 * which have no tracepoint; the slab then hands the same address to the next
 * segment and the id goes on.  seq, ack_seq and flags of one segment do not
 * change on its way (NAT rewrites addresses and ports, not these), so a
 * change means another segment.  Headers taken from the socket say nothing
 * about the skb and are not compared.
 */
static bool same_segment(struct pkt *p, const struct ns_event *ev)
{
	/* ECE/CWR may be set on the way (ECN); compare the other flags */
	uint8_t flags = ev->tcp_flags & 0x3f;

	if (!(ev->hdr & NS_HDR_TCP) || (ev->hdr & NS_HDR_FROM_SOCK))
		return true;
	if (!p->have_seg) {
		p->have_seg = true;
		p->seg_seq = ev->seq;
		p->seg_ack = ev->ack_seq;
		p->seg_flags = flags;
		return true;
	}
	return p->seg_seq == ev->seq && p->seg_ack == ev->ack_seq && p->seg_flags == flags;
}

static struct pkt *live_packet(struct journeys *j, const struct ns_event *ev)
{
	/* touched now, in the one lookup per event; a split deletes it just below */
	struct pkt *p = lru_get_touch(&j->live, ev->packet_id);
	uint64_t old;

	if (p && !p->ended && !same_segment(p, ev)) {
		/* the old segment was freed unseen: close it, start the new one */
		j->split++;
		finalize(j, ev->packet_id, p);
		lru_del(&j->live, ev->packet_id);
		p = NULL;
		j->packets++;
		p = lru_add(&j->live, ev->packet_id);
		if (!p) {
			j->err = -ENOMEM;
			return NULL;
		}
		same_segment(p, ev);
		return p;
	}
	if (p)
		return p;
	if (lru_full(&j->live)) {
		/*
		 * Give up on the packet idle longest: most likely freed by a path
		 * without a tracepoint (__kfree_skb(), kfree_skb_partial() of
		 * coalesced TCP segments) or its free event was lost.  It still
		 * counts in its sequence, as not freed.
		 */
		struct pkt *o = lru_oldest(&j->live, &old);

		if (!o->ended)
			j->evicted++;
		finalize(j, old, o);
		lru_del(&j->live, old);
	}
	p = lru_add(&j->live, ev->packet_id);
	if (!p) {
		j->err = -ENOMEM;
		return NULL;
	}
	j->packets++;
	/* until an event with the NEW flag comes: first seen before the capture, or lost */
	p->partial = true;
	same_segment(p, ev);
	return p;
}

/*
 * The step code of a function entry: one per kernel function, named from
 * the trace's symbols; past JOURNEY_FUNCS_MAX functions, the event type.
 */
static uint16_t func_step(struct journeys *j, const struct ns_event *ev)
{
	const struct ksym *sym = j->ctx->ksyms ? ksyms__map_addr(j->ctx->ksyms, ev->location) : NULL;
	char buf[32];
	const char *name = sym ? sym->name : buf;
	uint32_t idx;

	if (!sym)
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)ev->location);
	if (ns_strmap_get(&j->func_idx, name, &idx))
		return JOURNEY_FUNC_STEP + idx;
	if (j->n_funcs >= JOURNEY_FUNCS_MAX)
		return ev->type;
	char **names = realloc(j->func_names, (j->n_funcs + 1) * sizeof(*names));

	if (!names)
		goto nomem;
	j->func_names = names;
	if (!(names[j->n_funcs] = strdup(name)) || !ns_strmap_put(&j->func_idx, name, j->n_funcs))
		goto nomem;
	return JOURNEY_FUNC_STEP + j->n_funcs++;
nomem:
	j->err = -ENOMEM;
	return ev->type;
}

static void packet_event(struct journeys *j, const struct ns_event *ev)
{
	struct pkt *p = live_packet(j, ev);
	int vec;

	if (!p)
		return;
	j->packet_events++;
	if (ev->flags & NS_F_NEW_PACKET)
		p->partial = false;
	/* a function's return is not a step: its entry is */
	if (ev->type == NS_EV_FUNC_ENTRY)
		add_step(j, p, func_step(j, ev), ev->ts_ns);
	else if (ev->type != NS_EV_FUNC_EXIT)
		/* codes from JOURNEY_FUNC_STEP on name functions: a damaged trace's
		 * type that high is no event of any netscope (NS_EV_SLOTS) */
		add_step(j, p, ev->type < JOURNEY_FUNC_STEP ? ev->type : NS_EV_NONE, ev->ts_ns);
	if (!p->have_tuple && (ev->hdr & (NS_HDR_L3 | NS_HDR_L3_OTHER)) && !(ev->hdr & NS_HDR_UNSET)) {
		copy_tuple(&p->tuple, ev);
		p->have_tuple = true;
	}
	if (!p->have_tcp && (ev->hdr & NS_HDR_TCP)) {
		p->tuple.tcp_flags = ev->tcp_flags;
		p->have_tcp = true;
	}
	vec = links_softirq_of(j, ev);
	if (vec >= 0)
		p->softirq_mask |= 1u << vec;
	if ((ev->flags & NS_F_END_PACKET) && !p->ended) {
		p->ended = true;
		p->end_ts = ev->ts_ns;
		if (ev->type == NS_EV_KFREE_SKB) {
			p->fate = FATE_DROPPED;
			p->reason = ev->reason;
		} else {
			p->fate = FATE_CONSUMED;
		}
		if (pair_fifo_push(&j->ended, ev->packet_id, ev->ts_ns))
			j->err = -ENOMEM;
	}
	if (ev->sk)
		links_packet_on_sk(j, ev, p);
}

void journeys_feed(struct journeys *j, const struct ns_event *ev)
{
	if (ev->ts_ns > j->watermark)
		j->watermark = ev->ts_ns;
	sweep(j, false);
	if (ev->type == NS_EV_SOFTIRQ_ENTRY || ev->type == NS_EV_SOFTIRQ_EXIT)
		links_softirq(j, ev);
	else if (ev->packet_id)
		packet_event(j, ev);
	else if (ev->skb)
		j->events_without_id++; /* the capture's packet-id table was full */
	else if (ev->sk)
		links_sock_event(j, ev);
}

int journeys_finish(struct journeys *j, struct report_result *res)
{
	struct rr_journeys *rj = &res->journeys;
	struct pkt *p;
	uint64_t id;
	int err;

	sweep(j, true);
	/* still alive when the capture ended (or freed before their end was seen) */
	while ((p = lru_oldest(&j->live, &id))) {
		finalize(j, id, p);
		lru_del(&j->live, id);
	}
	if (j->err)
		return j->err;
	if (j->ctx->packet_sample && (err = journeys_sample_finish(j, rj)))
		return err;
	rj->packets = j->packets;
	rj->dropped = j->dropped;
	rj->consumed = j->consumed;
	rj->alive = j->alive;
	rj->partial = j->partial;
	rj->evicted = j->evicted;
	rj->split = j->split;
	rj->packet_events = j->packet_events;
	rj->events_without_id = j->events_without_id;
	rj->overflow_packets = j->overflow_packets;
	rj->link_window_ns = LINK_WINDOW_NS;
	rj->seqs = calloc(j->n_seqs ? j->n_seqs : 1, sizeof(*rj->seqs));
	if (!rj->seqs)
		return -ENOMEM;
	for (size_t i = 0; i < j->n_seqs; i++) {
		err = journeys_build_seq(j, &j->seqs[i], &rj->seqs[rj->n_seqs++]);
		if (err)
			return err;
	}
	err = an_sort_rows(rj->seqs, rj->n_seqs, sizeof(*rj->seqs), offsetof(struct rr_sequence, count));
	if (err)
		return err;
	return links_finish(j, rj);
}

void journeys_free(struct journeys *j)
{
	struct pkt *p;
	uint64_t id;

	if (!j)
		return;
	while ((p = lru_oldest(&j->live, &id))) {
		free(p->ext);
		lru_del(&j->live, id);
	}
	lru_free(&j->live);
	pair_fifo_free(&j->ended);
	for (size_t i = 0; i < j->n_funcs; i++)
		free(j->func_names[i]);
	free(j->func_names);
	ns_strmap_free(&j->func_idx);
	for (size_t i = 0; i < j->n_seqs; i++) {
		if (j->seqs[i].gaps)
			for (unsigned int k = 0; k + 1 < j->seqs[i].n; k++)
				free(j->seqs[i].gaps[k].v);
		free(j->seqs[i].gaps);
	}
	free(j->seqs);
	u64map_free(&j->seq_idx);
	journeys_sample_free(j->sample, j->n_sample);
	links_free(j);
	free(j);
}

static int journeys_init(void **state, const struct report_ctx *ctx)
{
	*state = journeys_new(ctx);
	return *state ? 0 : -ENOMEM;
}

static void journeys_feed_one(void *state, const struct ns_event *ev)
{
	journeys_feed(state, ev);
}

static int journeys_finish_one(void *state, const struct analysis_end *end, struct report_result *res)
{
	return journeys_finish(state, res);
}

static void journeys_free_one(void *state)
{
	journeys_free(state);
}

static void journeys_free_part(struct report_result *res)
{
	for (size_t i = 0; i < res->journeys.n_seqs; i++) {
		struct rr_sequence *s = &res->journeys.seqs[i];

		for (size_t k = 0; s->step_funcs && k < s->n_steps; k++)
			free(s->step_funcs[k]);
		free(s->step_funcs);
		free(s->steps);
		free(s->median_ns);
		free(s->reason);
		an_free_counts(s->linked, s->n_linked);
	}
	free(res->journeys.seqs);
	free(res->journeys.by_socket);
	for (size_t i = 0; i < res->journeys.n_softirqs; i++)
		free(res->journeys.softirqs[i].vec);
	free(res->journeys.softirqs);
	journeys_sample_free(res->journeys.sample, res->journeys.n_sample);
}

const struct analysis_ops journeys_analysis = {
	.name = "journeys",
	.parts = RR_PART_JOURNEYS,
	.init = journeys_init,
	.feed = journeys_feed_one,
	.finish = journeys_finish_one,
	.free = journeys_free_one,
	.free_part = journeys_free_part,
};
