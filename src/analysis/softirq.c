// SPDX-License-Identifier: GPL-2.0
/*
 * Softirq runs, the packets they carried, and the hardirqs around them:
 * the "interrupts" view.  The pairing and the rule that says where a run
 * executed are in softirq.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/hist.h"
#include "analysis/internal.h"
#include "analysis/softirq.h"
#include "analysis/softirq_rx.h"

#define VECS 16		/* NR_SOFTIRQS is 10 */
#define RECENT 8	/* hardirq exits and task events remembered per CPU */
#define NET_RX_DEFAULT 3 /* NET_RX_SOFTIRQ, when the trace does not name the vectors */

struct recent {
	uint64_t ts[RECENT];
	unsigned int at;
};

struct run {
	bool open;
	uint32_t vec;
	uint8_t where;
	bool where_by_stack;
	bool raised;
	uint64_t raise_ns, entry_ts;
	int32_t irq;		/* the irq its raise ran in; -1: none */
	char comm[16], from[48];
	uint64_t packets, rx, polls, work, rx_since_poll;
	struct sirq_pkt pkts[SIRQ_RUN_PKTS];
	uint8_t n_pkts;
};

struct cpu {
	struct run run;
	uint64_t raise_ts[VECS];	/* first raise since the vector's last entry; 0: none */
	char raise_from[VECS][48];
	int32_t raise_irq[VECS];	/* the device irq the raise ran in; -1: none */
	struct recent irq_exits, task_events;
	/* the hardirq open on this CPU: a handler (irq >= 0) and/or a vector */
	bool irq_open, vec_open;
	int32_t irq;
	uint64_t irq_ts, vec_ts;
	uint32_t vec_which;
	int32_t vec_nr;
};

struct row {
	struct sirq_row out;	/* counters; stats at finish */
	struct hist raise, dur;
};

struct irq_row {
	struct sirq_irq out;
	struct hist dur;
};

struct softirq_an {
	struct report_ctx ctx;
	uint32_t net_rx;
	struct cpu *cpus;
	size_t n_cpus;
	struct row **rows;
	size_t n_rows;
	struct irq_row **irqs, **vectors;
	size_t n_irqs, n_vectors;
	struct sirq_from *from;
	size_t n_from;
	struct sirq_run *runs;
	size_t n_runs;
	struct hist nr_raise, nr_dur, work;
	struct { uint32_t budget; uint64_t count; } budgets[8];
	struct softirq_result c;	/* the plain counters */
	struct sirq_rx *rx;		/* each received packet's path (softirq_rx.c) */
	bool oom;
};

const char *sirq_where_name(enum sirq_where w)
{
	static const char *const names[SIRQ_WHERE__COUNT] = {
		[SIRQ_WHERE_TASK] = "task", [SIRQ_WHERE_IRQ_EXIT] = "irq_exit",
		[SIRQ_WHERE_KSOFTIRQD] = "ksoftirqd",
	};
	return w < SIRQ_WHERE__COUNT ? names[w] : "?";
}

struct softirq_an *softirq_new(const struct report_ctx *ctx)
{
	struct softirq_an *s = calloc(1, sizeof(*s));
	char buf[32];

	if (!s)
		return NULL;
	s->rx = sirq_rx_new();
	if (!s->rx) {
		free(s);
		return NULL;
	}
	if (ctx)
		s->ctx = *ctx;
	s->net_rx = NET_RX_DEFAULT;
	for (uint32_t v = 0; v < VECS; v++)
		if (!strcmp(an_enum_name(&s->ctx, NS_NAMES_SOFTIRQ, v, buf, sizeof(buf)), "NET_RX"))
			s->net_rx = v;
	hist_init(&s->nr_raise);
	hist_init(&s->nr_dur);
	hist_init(&s->work);
	return s;
}

static struct cpu *cpu_of(struct softirq_an *s, uint32_t cpu)
{
	if (cpu >= SOFTIRQ_CPUS_MAX)
		return NULL;
	if (cpu >= s->n_cpus) {
		struct cpu *c = realloc(s->cpus, (cpu + 1) * sizeof(*c));

		if (!c) {
			s->oom = true;
			return NULL;
		}
		memset(c + s->n_cpus, 0, (cpu + 1 - s->n_cpus) * sizeof(*c));
		s->cpus = c;
		s->n_cpus = cpu + 1;
	}
	return &s->cpus[cpu];
}

static void recent_add(struct recent *r, uint64_t ts)
{
	r->ts[r->at++ % RECENT] = ts;
}

/* the latest remembered time before ts; 0 when none */
static uint64_t recent_before(const struct recent *r, uint64_t ts)
{
	uint64_t best = 0;

	for (unsigned int i = 0; i < RECENT; i++)
		if (r->ts[i] && r->ts[i] < ts && r->ts[i] > best)
			best = r->ts[i];
	return best;
}

static struct row *row_of(struct softirq_an *s, uint32_t vec, uint32_t cpu)
{
	struct row **rows, *r;

	for (size_t i = 0; i < s->n_rows; i++)
		if (s->rows[i]->out.vec_nr == vec && s->rows[i]->out.cpu == cpu)
			return s->rows[i];
	if (s->n_rows >= SOFTIRQ_ROWS_MAX) {
		s->c.rows_overflow++;
		return NULL;
	}
	rows = realloc(s->rows, (s->n_rows + 1) * sizeof(*rows));
	r = rows ? calloc(1, sizeof(*r)) : NULL;
	if (rows)
		s->rows = rows;
	if (!r) {
		s->oom = true;
		return NULL;
	}
	r->out.vec_nr = vec;
	r->out.cpu = cpu;
	an_enum_name(&s->ctx, NS_NAMES_SOFTIRQ, vec, r->out.vec, sizeof(r->out.vec));
	hist_init(&r->raise);
	hist_init(&r->dur);
	s->rows[s->n_rows++] = r;
	return r;
}

static struct irq_row *irq_row_of(struct softirq_an *s, struct irq_row ***tab, size_t *n,
				  const char *name, int32_t irq)
{
	struct irq_row **rows, *r;

	for (size_t i = 0; i < *n; i++)
		if ((*tab)[i]->out.irq == irq && !strcmp((*tab)[i]->out.name, name))
			return (*tab)[i];
	if (*n >= SOFTIRQ_ROWS_MAX) {
		s->c.rows_overflow++;
		return NULL;
	}
	rows = realloc(*tab, (*n + 1) * sizeof(*rows));
	r = rows ? calloc(1, sizeof(*r)) : NULL;
	if (rows)
		*tab = rows;
	if (!r) {
		s->oom = true;
		return NULL;
	}
	snprintf(r->out.name, sizeof(r->out.name), "%s", name);
	r->out.irq = irq;
	hist_init(&r->dur);
	(*tab)[(*n)++] = r;
	return r;
}

/* the handler name of an irq number, from the irq_handler_entry events seen */
static const char *irq_name(const struct softirq_an *s, int32_t irq)
{
	for (size_t i = 0; i < s->n_irqs; i++)
		if (s->irqs[i]->out.irq == irq)
			return s->irqs[i]->out.name;
	return NULL;
}

static void vector_label(uint32_t which, int32_t nr, char *buf, size_t len)
{
	const char *name = ns_irq_vector_name(which);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "vector#%d", nr);
}

/* who raised: the raise's context, and its task, irq handler or system vector */
static void raise_label(const struct softirq_an *s, const struct ns_event *ev, char *buf,
			size_t len)
{
	char v[32];

	switch (ev->ctx) {
	case NS_CTX_TASK:
		snprintf(buf, len, "task %.16s", ev->comm);
		break;
	case NS_CTX_SOFTIRQ:
		snprintf(buf, len, "softirq (a run raising again)");
		break;
	case NS_CTX_HARDIRQ:
		if (ev->aux >= 0 && irq_name(s, ev->aux)) {
			snprintf(buf, len, "hardirq %s", irq_name(s, ev->aux));
		} else if (ev->aux2) {
			vector_label(ev->aux2, -1, v, sizeof(v));
			snprintf(buf, len, "hardirq %s", v);
		} else if (ev->aux >= 0) {
			snprintf(buf, len, "hardirq irq %d", ev->aux);
		} else {
			snprintf(buf, len, "hardirq");
		}
		break;
	default:
		snprintf(buf, len, "context %s", ns_ctx_name(ev->ctx));
	}
}

static void on_raise(struct softirq_an *s, struct cpu *c, const struct ns_event *ev)
{
	uint32_t v = ev->reason;

	s->c.have_raise = true;
	if (v >= VECS || c->raise_ts[v])
		return;
	c->raise_ts[v] = ev->ts_ns ? ev->ts_ns : 1;
	raise_label(s, ev, c->raise_from[v], sizeof(c->raise_from[v]));
	c->raise_irq[v] = ev->ctx == NS_CTX_HARDIRQ && ev->aux >= 0 ? ev->aux : -1;
	if (v == s->net_rx && ev->ctx == NS_CTX_HARDIRQ && ev->aux >= 0 && irq_name(s, ev->aux)) {
		struct irq_row *r = irq_row_of(s, &s->irqs, &s->n_irqs, irq_name(s, ev->aux), ev->aux);

		if (r)
			r->out.raised_net_rx++;
	}
}

static enum sirq_where where_of(const struct cpu *c, const struct ns_event *ev)
{
	uint64_t irq, task;

	if (!strncmp(ev->comm, "ksoftirqd/", 10))
		return SIRQ_WHERE_KSOFTIRQD;
	irq = recent_before(&c->irq_exits, ev->ts_ns);
	task = recent_before(&c->task_events, ev->ts_ns);
	return irq && irq > task ? SIRQ_WHERE_IRQ_EXIT : SIRQ_WHERE_TASK;
}

/*
 * Where a run executed, from its entry's stack: the first frame (innermost
 * first) that is one of these decides (kernel/softirq.c: handle_softirqs()
 * is called by run_ksoftirqd(), by irq_exit_rcu() through invoke_softirq(),
 * and by do_softirq() from __local_bh_enable_ip()).  Compiler clones
 * (do_softirq.part.0) count as the function.
 */
static const struct {
	const char *fn;
	enum sirq_where where;
} stack_rules[] = {
	{ "run_ksoftirqd", SIRQ_WHERE_KSOFTIRQD },
	{ "irq_exit_rcu", SIRQ_WHERE_IRQ_EXIT },
	{ "__irq_exit_rcu", SIRQ_WHERE_IRQ_EXIT },
	{ "irq_exit", SIRQ_WHERE_IRQ_EXIT },
	{ "do_softirq", SIRQ_WHERE_TASK },
	{ "__local_bh_enable_ip", SIRQ_WHERE_TASK },
	{ "local_bh_enable", SIRQ_WHERE_TASK },
};

static int where_from_stack(const struct softirq_an *s, const struct ns_event *ev)
{
	uint64_t ips[NS_STACK_DEPTH];
	size_t n;

	if (ev->stack_id < 0 || !s->ctx.stack || !s->ctx.ksyms)
		return -1;
	n = s->ctx.stack(s->ctx.stack_arg, ev->stack_id, ips, NS_STACK_DEPTH);
	for (size_t i = 0; i < n; i++) {
		const struct ksym *k = ksyms__map_addr(s->ctx.ksyms, ips[i]);
		size_t len;

		if (!k || !k->name || k->module)
			continue;
		len = strcspn(k->name, ".");
		for (size_t r = 0; r < sizeof(stack_rules) / sizeof(stack_rules[0]); r++)
			if (strlen(stack_rules[r].fn) == len && !strncmp(k->name, stack_rules[r].fn, len))
				return stack_rules[r].where;
	}
	return -1;
}

static void on_entry(struct softirq_an *s, struct cpu *c, const struct ns_event *ev)
{
	struct run *r = &c->run;
	uint32_t v = ev->reason;
	int w;

	if (r->open)
		s->c.open_at_end++; /* its exit was lost */
	if (v == s->net_rx)
		sirq_rx_run_end(s->rx, ev->cpu);	/* packets of a run whose exit was lost */
	memset(r, 0, sizeof(*r));
	r->open = true;
	r->vec = v;
	r->irq = -1;
	r->entry_ts = ev->ts_ns;
	r->where = where_of(c, ev);
	w = where_from_stack(s, ev);
	if (w >= 0) {
		s->c.where_by_stack++;
		s->c.where_rule_disagreed += (enum sirq_where)w != r->where;
		r->where = w;
		r->where_by_stack = true;
	}
	snprintf(r->comm, sizeof(r->comm), "%.16s", ev->comm);
	if (v < VECS && c->raise_ts[v] && c->raise_ts[v] <= ev->ts_ns) {
		r->raised = true;
		r->raise_ns = ev->ts_ns - c->raise_ts[v];
		memcpy(r->from, c->raise_from[v], sizeof(r->from));
		r->irq = c->raise_irq[v];
		c->raise_ts[v] = 0;
	}
}

static void add_from(struct softirq_an *s, const char *label)
{
	struct sirq_from *f;

	for (size_t i = 0; i < s->n_from; i++)
		if (!strcmp(s->from[i].label, label)) {
			s->from[i].count++;
			return;
		}
	f = realloc(s->from, (s->n_from + 1) * sizeof(*f));
	if (!f) {
		s->oom = true;
		return;
	}
	s->from = f;
	f = &s->from[s->n_from++];
	snprintf(f->label, sizeof(f->label), "%s", label);
	f->count = 1;
}

static void keep_run(struct softirq_an *s, const struct cpu *c, uint32_t cpu, uint64_t dur)
{
	const struct run *r = &c->run;
	struct sirq_run *o;

	if (s->n_runs >= SOFTIRQ_RUNS_MAX) {
		s->c.runs_not_kept++;
		return;
	}
	if (!(s->n_runs & (s->n_runs - 1))) {
		o = realloc(s->runs, (s->n_runs ? s->n_runs * 2 : 64) * sizeof(*o));
		if (!o) {
			s->oom = true;
			return;
		}
		s->runs = o;
	}
	o = &s->runs[s->n_runs++];
	*o = (struct sirq_run){
		.cpu = cpu, .vec_nr = r->vec, .where = r->where, .where_by_stack = r->where_by_stack,
		.raised = r->raised,
		.raise_ns = r->raise_ns, .entry_ts = r->entry_ts, .duration_ns = dur,
		.packet_events = r->packets, .rx_events = r->rx, .polls = r->polls,
		.poll_work = r->work,
	};
	memcpy(o->comm, r->comm, sizeof(o->comm));
	memcpy(o->pkts, r->pkts, sizeof(o->pkts));
	o->n_pkts = r->n_pkts;
	memcpy(o->from, r->raised ? r->from : "(raise not seen)", sizeof(o->from));
}

static void on_exit_ev(struct softirq_an *s, struct cpu *c, const struct ns_event *ev)
{
	struct run *r = &c->run;
	uint64_t dur;
	struct row *row;

	if (!r->open || r->vec != ev->reason) {
		s->c.exits_unmatched++;
		return;
	}
	dur = ev->ts_ns > r->entry_ts ? ev->ts_ns - r->entry_ts : 0;
	row = row_of(s, r->vec, ev->cpu);
	if (row) {
		row->out.runs++;
		row->out.where[r->where]++;
		row->out.runs_with_packets += r->packets > 0;
		hist_add(&row->dur, dur);
		if (r->raised)
			hist_add(&row->raise, r->raise_ns);
	}
	if (r->vec == s->net_rx) {
		sirq_rx_run_end(s->rx, ev->cpu);
		s->c.net_rx_runs++;
		if (r->packets) {
			s->c.net_rx_runs_with_packets++;
			s->c.net_rx_where[r->where]++;
			s->c.net_rx_ns += dur;
			hist_add(&s->nr_dur, dur);
			if (r->raised) {
				s->c.net_rx_runs_raised++;
				hist_add(&s->nr_raise, r->raise_ns);
			}
			add_from(s, r->raised ? r->from : "(raise not seen)");
		}
	}
	if (r->packets)
		keep_run(s, c, ev->cpu, dur);
	r->open = false;
}

static bool is_rx(unsigned int type)
{
	return type == NS_EV_NETIF_RECEIVE_SKB || type == NS_EV_NAPI_GRO_RECEIVE_ENTRY ||
	       type == NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY;
}

static void on_poll(struct softirq_an *s, struct cpu *c, const struct ns_event *ev)
{
	struct run *r = &c->run;
	uint64_t work = ev->aux > 0 ? (uint64_t)ev->aux : 0;
	size_t i;

	if (ev->ctx != NS_CTX_SOFTIRQ || !r->open || r->entry_ts > ev->ts_ns)
		return;
	r->polls++;
	r->work += work;
	s->c.polls++;
	s->c.poll_work += work;
	hist_add(&s->work, work);
	if (ev->aux2 && work >= ev->aux2)
		s->c.polls_at_budget++;
	if (ev->aux2 && work > ev->aux2)
		s->c.polls_over_budget++;
	s->c.rx_in_polls += r->rx_since_poll;
	if (r->vec == s->net_rx)
		sirq_rx_poll(s->rx, ev);
	if (r->rx_since_poll > work)
		s->c.polls_rx_over_work++;
	r->rx_since_poll = 0;
	for (i = 0; i < 8 && s->budgets[i].count && s->budgets[i].budget != ev->aux2; i++)
		;
	if (i < 8) {
		s->budgets[i].budget = ev->aux2;
		s->budgets[i].count++;
	}
}

/* "UDP 198.18.0.1:5353 > 198.18.0.2:5353" from the event's decoded headers */
void sirq_packet_what(const struct ns_event *ev, char *buf, size_t len)
{
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
	const char *proto;
	int af = ev->family == 10 ? AF_INET6 : AF_INET;

	if (ev->hdr & NS_HDR_L3_OTHER) {
		snprintf(buf, len, ev->l3_proto == 0x0806 ? "ARP" : "eth 0x%04x", ev->l3_proto);
		return;
	}
	if (!(ev->hdr & NS_HDR_L3)) {
		snprintf(buf, len, "(headers not decoded)");
		return;
	}
	inet_ntop(af, ev->saddr, src, sizeof(src));
	inet_ntop(af, ev->daddr, dst, sizeof(dst));
	proto = ev->l4_proto == 6 ? "TCP" : ev->l4_proto == 17 ? "UDP" :
		ev->l4_proto == 1 ? "ICMP" : ev->l4_proto == 58 ? "ICMP6" : "IP";
	if ((ev->hdr & NS_HDR_L4) && (ev->l4_proto == 6 || ev->l4_proto == 17))
		snprintf(buf, len, "%s %s:%u > %s:%u", proto, src, ev->sport, dst, ev->dport);
	else
		snprintf(buf, len, "%s %s > %s", proto, src, dst);
}

static void on_packet(struct softirq_an *s, struct cpu *c, const struct ns_event *ev)
{
	struct run *r = &c->run;
	bool rx = is_rx(ev->type);

	s->c.packet_events++;
	s->c.rx_events += rx;
	switch (ev->ctx) {
	case NS_CTX_TASK: s->c.packet_task++; break;
	case NS_CTX_SOFTIRQ: s->c.packet_softirq++; break;
	case NS_CTX_HARDIRQ: s->c.packet_hardirq++; break;
	default: s->c.packet_other++;
	}
	if (ev->ctx != NS_CTX_SOFTIRQ)
		return;
	s->c.rx_softirq += rx;
	if (!r->open || r->entry_ts > ev->ts_ns)
		return;
	r->packets++;
	s->c.packet_linked++;
	if (rx) {
		r->rx++;
		r->rx_since_poll++;
		s->c.rx_linked++;
		if (r->n_pkts < SIRQ_RUN_PKTS) {
			struct sirq_pkt *p = &r->pkts[r->n_pkts++];

			p->packet_id = ev->packet_id;
			snprintf(p->ifname, sizeof(p->ifname), "%.*s", NS_IFNAME_LEN, ev->ifname);
			sirq_packet_what(ev, p->what, sizeof(p->what));
		}
		if (r->vec == s->net_rx)
			sirq_rx_packet(s->rx, ev, r->where, r->raised ? r->from : "(raise not seen)",
				       r->irq);
	}
}

static void on_irq(struct softirq_an *s, struct cpu *c, const struct ns_event *ev)
{
	char name[NS_IFNAME_LEN + 1];
	struct irq_row *r;

	s->c.irq_events++;
	sirq_rx_irq(s->rx, ev);
	snprintf(name, sizeof(name), "%.*s", NS_IFNAME_LEN, ev->ifname);
	if (ev->type == NS_EV_IRQ_HANDLER_ENTRY) {
		r = irq_row_of(s, &s->irqs, &s->n_irqs, name[0] ? name : "?", (int32_t)ev->reason);
		if (r)
			r->out.count++;
		c->irq_open = true;
		c->irq = ev->reason;
		c->irq_ts = ev->ts_ns;
		return;
	}
	recent_add(&c->irq_exits, ev->ts_ns);
	if (!c->irq_open || c->irq != (int32_t)ev->reason) {
		s->c.irq_exits_unmatched++;
		return;
	}
	c->irq_open = false;
	r = irq_row_of(s, &s->irqs, &s->n_irqs, name[0] ? name : "?", (int32_t)ev->reason);
	if (r)
		hist_add(&r->dur, ev->ts_ns > c->irq_ts ? ev->ts_ns - c->irq_ts : 0);
}

static void on_vector(struct softirq_an *s, struct cpu *c, const struct ns_event *ev)
{
	char name[32];
	struct irq_row *r;

	s->c.vector_events++;
	s->c.have_vectors = true;
	vector_label(ev->aux, (int32_t)ev->reason, name, sizeof(name));
	if (ev->type == NS_EV_IRQ_VECTOR_ENTRY) {
		r = irq_row_of(s, &s->vectors, &s->n_vectors, name, (int32_t)ev->reason);
		if (r)
			r->out.count++;
		c->vec_open = true;
		c->vec_which = ev->aux;
		c->vec_nr = ev->reason;
		c->vec_ts = ev->ts_ns;
		return;
	}
	recent_add(&c->irq_exits, ev->ts_ns);
	if (!c->vec_open || c->vec_nr != (int32_t)ev->reason) {
		s->c.irq_exits_unmatched++;
		return;
	}
	c->vec_open = false;
	r = irq_row_of(s, &s->vectors, &s->n_vectors, name, (int32_t)ev->reason);
	if (r)
		hist_add(&r->dur, ev->ts_ns > c->vec_ts ? ev->ts_ns - c->vec_ts : 0);
}

void softirq_feed(struct softirq_an *s, const struct ns_event *ev)
{
	struct cpu *c = cpu_of(s, ev->cpu);

	if (!c)
		return;
	if (ev->ctx == NS_CTX_TASK)
		recent_add(&c->task_events, ev->ts_ns);
	switch (ev->type) {
	case NS_EV_SOFTIRQ_RAISE:
		s->c.softirq_events++;
		on_raise(s, c, ev);
		return;
	case NS_EV_SOFTIRQ_ENTRY:
		s->c.softirq_events++;
		on_entry(s, c, ev);
		return;
	case NS_EV_SOFTIRQ_EXIT:
		s->c.softirq_events++;
		on_exit_ev(s, c, ev);
		return;
	case NS_EV_IRQ_HANDLER_ENTRY:
	case NS_EV_IRQ_HANDLER_EXIT:
		on_irq(s, c, ev);
		return;
	case NS_EV_IRQ_VECTOR_ENTRY:
	case NS_EV_IRQ_VECTOR_EXIT:
		on_vector(s, c, ev);
		return;
	case NS_EV_NAPI_POLL:
		on_poll(s, c, ev);
		return;
	default:
		if (ev->packet_id)
			on_packet(s, c, ev);
	}
}

static void stats_of(const struct hist *h, struct latency_stats *st)
{
	st->count = h->count;
	st->min_ns = h->count ? h->min : 0;
	st->p50_ns = hist_percentile(h, 50);
	st->p90_ns = hist_percentile(h, 90);
	st->p99_ns = hist_percentile(h, 99);
	st->max_ns = h->max;
}

static int cmp_row(const void *a, const void *b)
{
	const struct sirq_row *x = a, *y = b;

	if (x->vec_nr != y->vec_nr)
		return x->vec_nr < y->vec_nr ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

static int irqs_out(struct irq_row **in, size_t n, struct sirq_irq **out, size_t *n_out)
{
	if (!n)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		(*out)[i] = in[i]->out;
		stats_of(&in[i]->dur, &(*out)[i].duration);
	}
	*n_out = n;
	return an_sort_rows(*out, n, sizeof(**out), offsetof(struct sirq_irq, count));
}

int softirq_finish(struct softirq_an *s, struct softirq_result *out)
{
	int err;

	if (s->oom)
		return -ENOMEM;
	*out = s->c;
	out->rows = NULL;
	out->from = NULL;
	out->runs = NULL;
	out->irqs = out->vectors = NULL;
	out->n_rows = out->n_from = out->n_runs = out->n_irqs = out->n_vectors = 0;
	out->rel_error = HIST_REL_ERROR;
	for (size_t i = 0; i < s->n_cpus; i++) {
		out->open_at_end += s->cpus[i].run.open;
		for (unsigned int v = 0; v < VECS; v++)
			out->raises_pending_at_end += s->cpus[i].raise_ts[v] != 0;
	}
	stats_of(&s->nr_raise, &out->net_rx_raise_to_entry);
	stats_of(&s->nr_dur, &out->net_rx_duration);
	stats_of(&s->work, &out->work);
	for (size_t i = 0, best = 0; i < 8 && s->budgets[i].count; i++)
		if (s->budgets[i].count > best) {
			best = s->budgets[i].count;
			out->budget = s->budgets[i].budget;
		}
	if (s->n_rows) {
		out->rows = calloc(s->n_rows, sizeof(*out->rows));
		if (!out->rows)
			return -ENOMEM;
		for (size_t i = 0; i < s->n_rows; i++) {
			out->rows[i] = s->rows[i]->out;
			stats_of(&s->rows[i]->raise, &out->rows[i].raise_to_entry);
			stats_of(&s->rows[i]->dur, &out->rows[i].duration);
		}
		out->n_rows = s->n_rows;
		qsort(out->rows, out->n_rows, sizeof(*out->rows), cmp_row);
	}
	if (s->n_from) {
		out->from = malloc(s->n_from * sizeof(*out->from));
		if (!out->from)
			return -ENOMEM;
		memcpy(out->from, s->from, s->n_from * sizeof(*out->from));
		out->n_from = s->n_from;
		err = an_sort_rows(out->from, out->n_from, sizeof(*out->from),
				   offsetof(struct sirq_from, count));
		if (err)
			return err;
	}
	if (s->n_runs) {
		out->runs = malloc(s->n_runs * sizeof(*out->runs));
		if (!out->runs)
			return -ENOMEM;
		memcpy(out->runs, s->runs, s->n_runs * sizeof(*out->runs));
		out->n_runs = s->n_runs;
	}
	err = sirq_rx_finish(s->rx, out);
	if (!err)
		err = irqs_out(s->irqs, s->n_irqs, &out->irqs, &out->n_irqs);
	if (!err)
		err = irqs_out(s->vectors, s->n_vectors, &out->vectors, &out->n_vectors);
	return err;
}

void softirq_result_free(struct softirq_result *r)
{
	free(r->rows);
	free(r->from);
	free(r->runs);
	free(r->irqs);
	free(r->vectors);
	free(r->rx_pkts);
	memset(r, 0, sizeof(*r));
}

void softirq_free(struct softirq_an *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_rows; i++)
		free(s->rows[i]);
	for (size_t i = 0; i < s->n_irqs; i++)
		free(s->irqs[i]);
	for (size_t i = 0; i < s->n_vectors; i++)
		free(s->vectors[i]);
	free(s->rows);
	free(s->irqs);
	free(s->vectors);
	free(s->cpus);
	free(s->from);
	free(s->runs);
	sirq_rx_free(s->rx);
	free(s);
}

/* ---- the analysis interface ---- */

static int softirq_init_op(void **state, const struct report_ctx *ctx)
{
	*state = softirq_new(ctx);
	return *state ? 0 : -ENOMEM;
}

static void softirq_feed_op(void *state, const struct ns_event *ev)
{
	softirq_feed(state, ev);
}

static int softirq_finish_op(void *state, const struct analysis_end *end,
			     struct report_result *res)
{
	return softirq_finish(state, &res->softirq);
}

static void softirq_free_op(void *state)
{
	softirq_free(state);
}

static void softirq_free_part(struct report_result *res)
{
	softirq_result_free(&res->softirq);
}

const struct analysis_ops softirq_analysis = {
	.name = "interrupts",
	.parts = RR_PART_SOFTIRQ,
	.init = softirq_init_op,
	.feed = softirq_feed_op,
	.finish = softirq_finish_op,
	.free = softirq_free_op,
	.free_part = softirq_free_part,
};
