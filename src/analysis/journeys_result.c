// SPDX-License-Identifier: GPL-2.0
/* A journey sequence as the result shows it: names, medians, example packet, links. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/journeys.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* median of the kept samples; of an even number, the mean of the middle two, rounded down */
static uint64_t median(const struct samples *s, bool *sampled)
{
	size_t n = s->seen < s->cap ? s->seen : s->cap;
	uint64_t *v, m;

	if (!n)
		return 0;
	*sampled |= s->seen > s->cap;
	v = malloc(n * sizeof(*v));
	if (!v)
		return 0;
	memcpy(v, s->v, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_u64);
	m = n % 2 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
	free(v);
	return m;
}

static void format_tuple(const struct pkt_tuple *t, struct rr_tuple *o)
{
	int af = t->family;

	if (!af)
		af = t->l3_proto == ETH_P_IPV6 ? AF_INET6 : t->l3_proto == ETH_P_IP ? AF_INET : 0;
	snprintf(o->ifname, sizeof(o->ifname), "%.*s", (int)sizeof(t->ifname), t->ifname);
	if (af != AF_INET && af != AF_INET6) {
		/* not IP: name the ethertype, there are no addresses to show */
		o->valid = true;
		if (t->l3_proto == ETH_P_ARP)
			snprintf(o->proto, sizeof(o->proto), "ARP");
		else
			snprintf(o->proto, sizeof(o->proto), "eth 0x%04x", t->l3_proto);
		return;
	}
	o->valid = true;
	inet_ntop(af, t->saddr, o->src, sizeof(o->src));
	inet_ntop(af, t->daddr, o->dst, sizeof(o->dst));
	if (!(t->hdr & NS_HDR_L4)) {
		snprintf(o->proto, sizeof(o->proto), "%s", af == AF_INET ? "IPv4" : "IPv6");
		return;
	}
	switch (t->l4_proto) {
	case IPPROTO_TCP: snprintf(o->proto, sizeof(o->proto), "TCP"); break;
	case IPPROTO_UDP: snprintf(o->proto, sizeof(o->proto), "UDP"); break;
	case IPPROTO_ICMP: snprintf(o->proto, sizeof(o->proto), "ICMP"); break;
	case IPPROTO_ICMPV6: snprintf(o->proto, sizeof(o->proto), "ICMPv6"); break;
	default: snprintf(o->proto, sizeof(o->proto), "proto#%u", t->l4_proto); break;
	}
	o->has_ports = t->l4_proto == IPPROTO_TCP || t->l4_proto == IPPROTO_UDP;
	o->sport = t->sport;
	o->dport = t->dport;
	if (t->l4_proto == IPPROTO_TCP && (t->hdr & NS_HDR_TCP))
		ns_tcp_flags_str(t->tcp_flags, o->tcp_flags, sizeof(o->tcp_flags));
}

static const char *const fate_names[] = {
	[FATE_ALIVE] = "alive", [FATE_DROPPED] = "dropped", [FATE_CONSUMED] = "consumed",
};

const char *rr_step_name(const struct rr_sequence *q, size_t k)
{
	if (q->step_funcs && q->step_funcs[k])
		return q->step_funcs[k];
	return ns_event_name(q->steps[k]);
}

int journeys_build_seq(struct journeys *j, const struct seq *s, struct rr_sequence *o)
{
	char buf[64];

	o->n_steps = s->n;
	o->partial = s->partial;
	o->cut = s->cut;
	o->fate = fate_names[s->fate];
	o->count = s->count;
	o->steps = calloc(s->n ? s->n : 1, sizeof(*o->steps));
	o->median_ns = calloc(s->n ? s->n : 1, sizeof(*o->median_ns));
	o->linked = calloc(s->n_links + 1, sizeof(*o->linked));
	if (!o->steps || !o->median_ns || !o->linked)
		return -ENOMEM;
	o->step_funcs = calloc(s->n ? s->n : 1, sizeof(*o->step_funcs));
	if (!o->step_funcs)
		return -ENOMEM;
	for (unsigned int i = 0; i < s->n; i++) {
		o->steps[i] = s->type[i];
		if (s->type[i] >= JOURNEY_FUNC_STEP) {
			o->steps[i] = NS_EV_FUNC_ENTRY;
			o->step_funcs[i] = strdup(j->func_names[s->type[i] - JOURNEY_FUNC_STEP]);
			if (!o->step_funcs[i])
				return -ENOMEM;
		}
	}
	for (unsigned int i = 0; i + 1 < s->n; i++)
		o->median_ns[i] = median(&s->gaps[i], &o->median_sampled);
	if (s->fate == FATE_DROPPED) {
		o->reason = strdup(an_enum_name(j->ctx, NS_NAMES_DROP_REASON, s->reason, buf, sizeof(buf)));
		if (!o->reason)
			return -ENOMEM;
	}
	if (s->have_example)
		format_tuple(&s->example, &o->example);
	for (unsigned int i = 0; i < s->n_links; i++) {
		struct rr_count *c = &o->linked[o->n_linked++];

		c->label = link_label_str(j, s->links[i].label);
		c->count = s->links[i].count;
		if (!c->label)
			return -ENOMEM;
	}
	if (s->links_other) {
		struct rr_count *c = &o->linked[o->n_linked++];

		c->label = strdup("other");
		c->count = s->links_other;
		if (!c->label)
			return -ENOMEM;
	}
	return an_sort_rows(o->linked, o->n_linked, sizeof(*o->linked), offsetof(struct rr_count, count));
}

/* ---- the sample of single packets ---- */

/* the count of dropped packets of this reason in the sample, NULL when the table is full */
static uint32_t *reason_count(struct journeys *j, uint32_t reason)
{
	size_t i;

	for (i = 0; i < j->n_sample_reasons; i++)
		if (j->sample_reasons[i].reason == reason)
			return &j->sample_reasons[i].n;
	if (i == JOURNEY_SAMPLE_DROPPED)
		return NULL;
	j->sample_reasons[j->n_sample_reasons].reason = reason;
	j->sample_reasons[j->n_sample_reasons].n = 0;
	return &j->sample_reasons[j->n_sample_reasons++].n;
}

int journeys_sample(struct journeys *j, uint64_t id, const struct pkt *p, const uint16_t *types,
		    const uint64_t *ts)
{
	bool dropped = p->fate == FATE_DROPPED;
	bool first = j->n_sample - j->n_sample_dropped < JOURNEY_SAMPLE_FIRST;
	struct rr_packet *o, *grown;
	uint32_t *of_reason = NULL;
	char buf[64];

	if (!first && !dropped)
		return 0;
	if (!first) {
		if (j->n_sample_dropped < JOURNEY_SAMPLE_DROPPED)
			of_reason = reason_count(j, p->reason);
		if (!of_reason || *of_reason >= JOURNEY_SAMPLE_PER_REASON) {
			j->dropped_unsampled++;
			return 0;
		}
	}
	/* at most FIRST + DROPPED rows: grown one at a time, in place */
	grown = realloc(j->sample, (j->n_sample + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	j->sample = grown;
	o = &j->sample[j->n_sample];
	memset(o, 0, sizeof(*o));
	o->steps = calloc(p->n ? p->n : 1, sizeof(*o->steps));
	if (!o->steps)
		return -ENOMEM;
	j->n_sample++;
	if (!first) {
		o->for_drop = true;
		j->n_sample_dropped++;
		(*of_reason)++;
	}
	o->id = id;
	o->closed = j->closed;
	for (unsigned int i = 0; i < p->n; i++)
		o->steps[o->n_steps++] = (struct rr_packet_step){ .type = types[i], .ts = ts[i] };
	o->partial = p->partial;
	o->cut = p->cut;
	o->fate = fate_names[p->fate];
	if (dropped) {
		o->reason = strdup(an_enum_name(j->ctx, NS_NAMES_DROP_REASON, p->reason, buf, sizeof(buf)));
		if (!o->reason)
			return -ENOMEM;
	}
	if (p->have_tuple)
		format_tuple(&p->tuple, &o->tuple);
	return 0;
}

static int cmp_first_event(const void *a, const void *b)
{
	const struct rr_packet *x = a, *y = b;
	uint64_t tx = x->n_steps ? x->steps[0].ts : 0, ty = y->n_steps ? y->steps[0].ts : 0;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x->closed < y->closed ? -1 : x->closed > y->closed;
}

int journeys_sample_finish(struct journeys *j, struct rr_journeys *rj)
{
	rj->sampled = true;
	rj->sample_first = JOURNEY_SAMPLE_FIRST;
	rj->sample_dropped = JOURNEY_SAMPLE_DROPPED;
	rj->sample_per_reason = JOURNEY_SAMPLE_PER_REASON;
	rj->dropped_unsampled = j->dropped_unsampled;
	rj->sample = j->sample;
	rj->n_sample = j->n_sample;
	j->sample = NULL;
	j->n_sample = 0;
	if (rj->n_sample)
		qsort(rj->sample, rj->n_sample, sizeof(*rj->sample), cmp_first_event);
	return 0;
}

void journeys_sample_free(struct rr_packet *sample, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(sample[i].steps);
		free(sample[i].reason);
	}
	free(sample);
}
