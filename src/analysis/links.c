// SPDX-License-Identifier: GPL-2.0
/*
 * Linking events that carry no skb to packets.  Heuristics, stated as such
 * in docs/report.md:
 *
 * - by socket: an event with a socket and no packet id (inet_sock_set_state,
 *   tcp_receive_reset, tcp_destroy_sock, ...) belongs to the latest packet
 *   event on the same socket at most LINK_WINDOW_NS before it; if there is
 *   none, to the next packet event on that socket at most LINK_WINDOW_NS
 *   after it (tcp_connect() sets SYN_SENT before the SYN is queued).
 * - by CPU and time: a softirq run (softirq_entry .. softirq_exit of one
 *   vector on one CPU) contains the packet events of that CPU between the
 *   two, except those in hardirq or NMI context (they interrupted the run).
 *   Softirqs do not nest on one CPU (kernel/softirq.c), so one open run per
 *   CPU is enough.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/journeys.h"

void links_init(struct journeys *j)
{
	lru_init(&j->socks, sizeof(struct sk_link), LINK_SOCKS_MAX);
}

static uint64_t label_key(enum link_kind kind, uint32_t a, uint32_t b)
{
	/* types, TCP states and softirq vectors are all far below 2^30 */
	return (uint64_t)kind << 60 | (uint64_t)(a & 0x3fffffff) << 30 | (b & 0x3fffffff);
}

uint32_t link_label(struct journeys *j, enum link_kind kind, uint32_t a, uint32_t b)
{
	uint64_t key = label_key(kind, a, b);
	uint32_t i;

	if (u64map_get(&j->label_idx, key, &i))
		return i + 1;
	if (j->n_labels >= LINK_LABELS_MAX)
		return 0;
	if (j->n_labels == j->cap_labels) {
		size_t ncap = j->cap_labels ? j->cap_labels * 2 : 32;
		struct link_label *nl = realloc(j->labels, ncap * sizeof(*nl));

		if (!nl)
			return 0;
		j->labels = nl;
		j->cap_labels = ncap;
	}
	if (u64map_put(&j->label_idx, key, j->n_labels))
		return 0;
	j->labels[j->n_labels] = (struct link_label){ .kind = kind, .a = a, .b = b };
	return ++j->n_labels;
}

char *link_label_str(const struct journeys *j, uint32_t label)
{
	const struct link_label *l;
	char buf[160], s1[64], s2[64];

	if (!label || label > j->n_labels)
		return strdup("other");
	l = &j->labels[label - 1];
	switch (l->kind) {
	case LINK_STATE:
		snprintf(buf, sizeof(buf), "state %s -> %s",
			 an_enum_name(j->ctx, NS_NAMES_TCP_STATE, l->a, s1, sizeof(s1)),
			 an_enum_name(j->ctx, NS_NAMES_TCP_STATE, l->b, s2, sizeof(s2)));
		break;
	case LINK_SOFTIRQ:
		snprintf(buf, sizeof(buf), "softirq %s",
			 an_enum_name(j->ctx, NS_NAMES_SOFTIRQ, l->a, s1, sizeof(s1)));
		break;
	default:
		snprintf(buf, sizeof(buf), "%s", ns_event_name(l->a));
		break;
	}
	return strdup(buf);
}

static struct cpu_softirq *cpu_state(struct journeys *j, unsigned int cpu)
{
	if (cpu >= j->n_cpus) {
		size_t n = cpu + 1 > 2 * j->n_cpus ? cpu + 1 : 2 * j->n_cpus;
		struct cpu_softirq *c = realloc(j->cpus, n * sizeof(*c));

		if (!c) {
			j->err = -ENOMEM;
			return NULL;
		}
		memset(c + j->n_cpus, 0, (n - j->n_cpus) * sizeof(*c));
		j->cpus = c;
		j->n_cpus = n;
	}
	return &j->cpus[cpu];
}

void links_softirq(struct journeys *j, const struct ns_event *ev)
{
	struct cpu_softirq *c = cpu_state(j, ev->cpu);

	if (!c)
		return;
	if (ev->type == NS_EV_SOFTIRQ_ENTRY) {
		/* an open run means its exit was lost */
		if (c->open)
			j->sirq_unmatched++;
		c->open = ev->reason < SOFTIRQ_VECS;
		c->vec = ev->reason;
		c->n_events = 0;
		return;
	}
	/* exit: without a matching entry the run began before the capture */
	if (!c->open || c->vec != ev->reason) {
		j->sirq_unmatched++;
		c->open = false;
		return;
	}
	j->sirq_runs[c->vec]++;
	if (c->n_events)
		j->sirq_runs_with[c->vec]++;
	c->open = false;
}

int links_softirq_of(struct journeys *j, const struct ns_event *ev)
{
	struct cpu_softirq *c;

	if (ev->cpu >= j->n_cpus || ev->ctx == NS_CTX_HARDIRQ || ev->ctx == NS_CTX_NMI)
		return -1;
	c = &j->cpus[ev->cpu];
	if (!c->open)
		return -1;
	c->n_events++;
	j->sirq_events[c->vec]++;
	return (int)c->vec;
}

void links_attach(struct pkt *p, uint32_t label)
{
	if (p->n_links < JOURNEY_PKT_LINKS)
		p->links[p->n_links++] = label;
	else
		p->links_lost++;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static void drop_pending(struct journeys *j, struct sk_link *l)
{
	for (unsigned int i = 0; i < l->n_pending; i++)
		j->unlinked[l->pending[i].type]++;
	l->n_pending = 0;
}

static struct sk_link *sk_entry(struct journeys *j, uint64_t sk)
{
	struct sk_link *l = lru_get_touch(&j->socks, sk);
	uint64_t old;

	if (l)
		return l;
	if (lru_full(&j->socks)) {
		drop_pending(j, lru_oldest(&j->socks, &old));
		lru_del(&j->socks, old);
	}
	l = lru_add(&j->socks, sk);
	if (!l)
		j->err = -ENOMEM;
	return l;
}

void links_packet_on_sk(struct journeys *j, const struct ns_event *ev, struct pkt *p)
{
	struct sk_link *l = sk_entry(j, ev->sk);

	if (!l)
		return;
	/* events that waited for the next packet on their socket */
	for (unsigned int i = 0; i < l->n_pending; i++) {
		struct sk_pending *e = &l->pending[i];

		if (absdiff(ev->ts_ns, e->ts) <= LINK_WINDOW_NS) {
			links_attach(p, e->label);
			j->linked[e->type]++;
		} else {
			j->unlinked[e->type]++;
		}
	}
	l->n_pending = 0;
	l->pkt_id = ev->packet_id;
	l->pkt_ts = ev->ts_ns;
}

static uint32_t label_of(struct journeys *j, const struct ns_event *ev)
{
	if (ev->type == NS_EV_INET_SOCK_SET_STATE)
		return link_label(j, LINK_STATE, ev->reason, (uint32_t)ev->aux);
	return link_label(j, LINK_EVENT, ev->type, 0);
}

void links_sock_event(struct journeys *j, const struct ns_event *ev)
{
	unsigned int type = ev->type < NS_EV__COUNT ? ev->type : RR_TYPE_UNKNOWN;
	struct sk_link *l = sk_entry(j, ev->sk);
	uint32_t label = label_of(j, ev);
	struct pkt *p;

	if (!l)
		return;
	if (l->pkt_id && absdiff(ev->ts_ns, l->pkt_ts) <= LINK_WINDOW_NS &&
	    (p = lru_get(&j->live, l->pkt_id))) {
		links_attach(p, label);
		j->linked[type]++;
		return;
	}
	/* make room: pending events older than the window will never link */
	unsigned int k = 0;

	for (unsigned int i = 0; i < l->n_pending; i++) {
		if (absdiff(ev->ts_ns, l->pending[i].ts) > LINK_WINDOW_NS)
			j->unlinked[l->pending[i].type]++;
		else
			l->pending[k++] = l->pending[i];
	}
	l->n_pending = k;
	if (l->n_pending == LINK_PENDING) {
		j->unlinked[type]++;
		return;
	}
	l->pending[l->n_pending++] = (struct sk_pending){ .ts = ev->ts_ns, .label = label, .type = type };
}

int links_finish(struct journeys *j, struct rr_journeys *rj)
{
	struct sk_link *l;
	uint64_t sk;
	char buf[64];

	while ((l = lru_oldest(&j->socks, &sk))) {
		drop_pending(j, l);
		lru_del(&j->socks, sk);
	}
	rj->by_socket = calloc(RR_NTYPES, sizeof(*rj->by_socket));
	rj->softirqs = calloc(SOFTIRQ_VECS, sizeof(*rj->softirqs));
	if (!rj->by_socket || !rj->softirqs)
		return -ENOMEM;
	for (unsigned int t = 0; t < RR_NTYPES; t++)
		if (j->linked[t] || j->unlinked[t])
			rj->by_socket[rj->n_by_socket++] = (struct rr_link_stat){
				.type = t, .linked = j->linked[t], .unlinked = j->unlinked[t],
			};
	for (unsigned int v = 0; v < SOFTIRQ_VECS; v++) {
		if (!j->sirq_runs[v] && !j->sirq_events[v])
			continue;
		struct rr_softirq *o = &rj->softirqs[rj->n_softirqs++];

		o->vec = strdup(an_enum_name(j->ctx, NS_NAMES_SOFTIRQ, v, buf, sizeof(buf)));
		if (!o->vec)
			return -ENOMEM;
		o->runs = j->sirq_runs[v];
		o->runs_with_packets = j->sirq_runs_with[v];
		o->packet_events = j->sirq_events[v];
	}
	rj->softirq_unmatched = j->sirq_unmatched;
	return j->err;
}

void links_free(struct journeys *j)
{
	lru_free(&j->socks);
	free(j->labels);
	u64map_free(&j->label_idx);
	free(j->cpus);
}
