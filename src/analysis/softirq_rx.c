// SPDX-License-Identifier: GPL-2.0
/*
 * Each packet a NET_RX run received, and how it got there: a device's
 * hardirq and NAPI poll (a NIC), the backlog (veth, loopback, RPS), a
 * device's NAPI with no hardirq of it.  The rules are in softirq_rx.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/softirq.h"
#include "analysis/softirq_rx.h"

#define RECENT_IRQS 8	/* handled hardirqs remembered per CPU */
#define PENDING_MAX 512	/* packets of one poll (its budget is 64 by default) */

struct handled_irq {
	char name[32];
	int32_t irq;
	uint64_t ts;	/* its exit */
};

_Static_assert(sizeof(((struct handled_irq *)0)->name) == sizeof(((struct sirq_rx_pkt *)0)->irq_name),
	       "a handler's name is copied whole");

struct pending {
	uint64_t packet_id;
	size_t idx;	/* in rx_pkts; SIZE_MAX when not kept */
};

struct rx_cpu {
	struct handled_irq irqs[RECENT_IRQS];
	unsigned int at;
	struct pending pend[PENDING_MAX];
	unsigned int n_pend;
};

struct sirq_rx {
	struct rx_cpu *cpus;
	size_t n_cpus;
	struct sirq_rx_pkt *pkts;
	size_t n_pkts, cap;
	uint64_t not_kept;
	uint64_t paths[SIRQ_RX__COUNT];
	bool oom;
};

const char *sirq_rx_path_name(enum sirq_rx_path p)
{
	static const char *const names[SIRQ_RX__COUNT] = {
		[SIRQ_RX_DEVICE] = "device", [SIRQ_RX_BACKLOG] = "backlog",
		[SIRQ_RX_NAPI] = "napi", [SIRQ_RX_NO_POLL] = "no_poll",
	};
	return p < SIRQ_RX__COUNT ? names[p] : "?";
}

struct sirq_rx *sirq_rx_new(void)
{
	return calloc(1, sizeof(struct sirq_rx));
}

static struct rx_cpu *rx_cpu(struct sirq_rx *x, uint32_t cpu)
{
	if (cpu >= SOFTIRQ_CPUS_MAX)
		return NULL;
	if (cpu >= x->n_cpus) {
		struct rx_cpu *c = realloc(x->cpus, (cpu + 1) * sizeof(*c));

		if (!c) {
			x->oom = true;
			return NULL;
		}
		memset(c + x->n_cpus, 0, (cpu + 1 - x->n_cpus) * sizeof(*c));
		x->cpus = c;
		x->n_cpus = cpu + 1;
	}
	return &x->cpus[cpu];
}

void sirq_rx_irq(struct sirq_rx *x, const struct ns_event *ev)
{
	struct rx_cpu *c = rx_cpu(x, ev->cpu);
	struct handled_irq *h;

	/* IRQ_HANDLED is bit 0 of the handler's return (include/linux/irqreturn.h):
	 * on a shared line every handler runs, and only the device's says so */
	if (!c || ev->type != NS_EV_IRQ_HANDLER_EXIT || !(ev->aux & 1))
		return;
	h = &c->irqs[c->at++ % RECENT_IRQS];
	snprintf(h->name, sizeof(h->name), "%.*s", NS_IFNAME_LEN, ev->ifname);
	h->irq = (int32_t)ev->reason;
	h->ts = ev->ts_ns;
}

static void step_add(char *steps, size_t len, const char *name)
{
	size_t at = strlen(steps);

	snprintf(steps + at, len - at, "%s%s", at ? " " : "", name);
}

void sirq_rx_packet(struct sirq_rx *x, const struct ns_event *ev, uint8_t where,
		    const char *run_from, int32_t run_irq)
{
	struct rx_cpu *c = rx_cpu(x, ev->cpu);
	struct sirq_rx_pkt *p;
	struct pending *pd;

	if (!c)
		return;
	/* a second receive event of a packet already pending (GRO, then receive) */
	for (unsigned int i = 0; i < c->n_pend; i++) {
		if (c->pend[i].packet_id != ev->packet_id)
			continue;
		if (c->pend[i].idx != SIZE_MAX)
			step_add(x->pkts[c->pend[i].idx].steps, sizeof(x->pkts[0].steps),
				 ns_event_name(ev->type));
		return;
	}
	if (c->n_pend >= PENDING_MAX) {
		x->paths[SIRQ_RX_NO_POLL]++;	/* more than any poll takes: not one */
		return;
	}
	pd = &c->pend[c->n_pend++];
	pd->packet_id = ev->packet_id;
	pd->idx = SIZE_MAX;
	if (x->n_pkts >= SOFTIRQ_RX_PKTS_MAX) {
		x->not_kept++;
		return;
	}
	if (x->n_pkts == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct sirq_rx_pkt *n = realloc(x->pkts, cap * sizeof(*n));

		if (!n) {
			x->oom = true;
			return;
		}
		x->pkts = n;
		x->cap = cap;
	}
	pd->idx = x->n_pkts;
	p = &x->pkts[x->n_pkts++];
	memset(p, 0, sizeof(*p));
	p->packet_id = ev->packet_id;
	p->ts = ev->ts_ns;
	p->cpu = ev->cpu;
	p->where = where;
	p->path = SIRQ_RX_NO_POLL;
	p->irq = -1;
	p->run_irq = run_irq;
	snprintf(p->ifname, sizeof(p->ifname), "%.*s", NS_IFNAME_LEN, ev->ifname);
	snprintf(p->run_from, sizeof(p->run_from), "%s", run_from);
	sirq_packet_what(ev, p->what, sizeof(p->what));
	step_add(p->steps, sizeof(p->steps), ns_event_name(ev->type));
}

/* the latest handled hardirq named after dev ("eth1", "eth1-rx-0") */
static const struct handled_irq *device_irq(const struct rx_cpu *c, const char *dev,
					    uint64_t before)
{
	const struct handled_irq *best = NULL;
	size_t len = strlen(dev);

	if (!len)
		return NULL;
	for (unsigned int i = 0; i < RECENT_IRQS; i++) {
		const struct handled_irq *h = &c->irqs[i];

		if (!h->ts || h->ts > before || strncmp(h->name, dev, len) ||
		    (h->name[len] && h->name[len] != '-'))
			continue;
		if (!best || h->ts > best->ts)
			best = h;
	}
	return best;
}

void sirq_rx_poll(struct sirq_rx *x, const struct ns_event *ev)
{
	struct rx_cpu *c = rx_cpu(x, ev->cpu);
	char dev[sizeof(((struct sirq_rx_pkt *)0)->poll_dev)];
	const struct handled_irq *h;
	enum sirq_rx_path path;

	if (!c || !c->n_pend)
		return;
	snprintf(dev, sizeof(dev), "%.*s", NS_IFNAME_LEN, ev->ifname);
	h = device_irq(c, dev, ev->ts_ns);
	path = !dev[0] ? SIRQ_RX_BACKLOG : h ? SIRQ_RX_DEVICE : SIRQ_RX_NAPI;
	for (unsigned int i = 0; i < c->n_pend; i++) {
		struct sirq_rx_pkt *p;

		x->paths[path]++;
		if (c->pend[i].idx == SIZE_MAX)
			continue;
		p = &x->pkts[c->pend[i].idx];
		p->path = path;
		memcpy(p->poll_dev, dev, sizeof(p->poll_dev));
		p->poll_work = ev->aux > 0 ? (uint32_t)ev->aux : 0;
		if (h) {
			/* the one that scheduled this poll came before the packet's first
			 * receive event; a later one may run inside the poll, once the
			 * driver re-enabled its interrupt (e1000 does, e1000_clean()) */
			const struct handled_irq *first = device_irq(c, dev, p->ts);

			if (!first)
				first = h;
			p->irq = first->irq;
			memcpy(p->irq_name, first->name, sizeof(p->irq_name));
			p->irq_raised_run = p->run_irq >= 0 && p->run_irq == first->irq;
		}
	}
	c->n_pend = 0;
}

void sirq_rx_run_end(struct sirq_rx *x, uint32_t cpu)
{
	struct rx_cpu *c = rx_cpu(x, cpu);

	if (!c)
		return;
	x->paths[SIRQ_RX_NO_POLL] += c->n_pend;	/* kept ones already say NO_POLL */
	c->n_pend = 0;
}

int sirq_rx_finish(struct sirq_rx *x, struct softirq_result *out)
{
	if (x->oom)
		return -ENOMEM;
	for (size_t i = 0; i < x->n_cpus; i++)
		x->paths[SIRQ_RX_NO_POLL] += x->cpus[i].n_pend;
	memcpy(out->rx_paths, x->paths, sizeof(out->rx_paths));
	out->rx_pkts_not_kept = x->not_kept;
	out->rx_pkts = NULL;
	out->n_rx_pkts = 0;
	if (x->n_pkts) {
		out->rx_pkts = malloc(x->n_pkts * sizeof(*out->rx_pkts));
		if (!out->rx_pkts)
			return -ENOMEM;
		memcpy(out->rx_pkts, x->pkts, x->n_pkts * sizeof(*out->rx_pkts));
		out->n_rx_pkts = x->n_pkts;
	}
	return 0;
}

void sirq_rx_free(struct sirq_rx *x)
{
	if (!x)
		return;
	free(x->cpus);
	free(x->pkts);
	free(x);
}
