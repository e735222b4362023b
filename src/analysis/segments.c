// SPDX-License-Identifier: GPL-2.0
/*
 * TCP segments per namespace, and the fate of received SYNs: see
 * segments.h for how a packet is classified.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"
#include "analysis/segments.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* namespaces a packet remembers having been classified in (a veth pair: 2) */
#define PKT_NETNS 4
/* distinct reasons per table: the kernel has a few hundred; the cap is for corrupt input */
#define REASONS_MAX 4096

static const char *const dir_names[SEG_DIR__COUNT] = { [SEG_RX] = "rx", [SEG_TX] = "tx" };
static const char *const class_names[SEG_CLASS__COUNT] = {
	[SEG_SYN] = "SYN", [SEG_SYNACK] = "SYN-ACK", [SEG_RST] = "RST", [SEG_FIN] = "FIN",
	[SEG_ACK_OTHER] = "ACK/other",
};

const char *seg_dir_name(enum seg_dir d)
{
	return (unsigned int)d < SEG_DIR__COUNT ? dir_names[d] : "?";
}

const char *seg_class_name(enum seg_class c)
{
	return (unsigned int)c < SEG_CLASS__COUNT ? class_names[c] : "?";
}

/* A live packet. */
struct seg_pkt {
	uint32_t netns[PKT_NETNS];	/* inodes it was classified in */
	uint8_t n_netns;
	bool classified;
	int32_t rx_syn;			/* namespace index of its pending received SYN, or -1 */
};

/* reasons by value; names are resolved at finish */
struct reason_tab {
	struct seg_reason *rows;
	size_t n, cap;
};

struct ns_state {
	struct seg_netns out;		/* counters; the row arrays are built at finish */
	struct reason_tab syn_drops, rsts, drops;
};

struct port_row {
	uint32_t ns;
	struct seg_port p;
};

struct segments_an {
	const struct report_ctx *ctx;
	struct report_ctx no_ctx;	/* when given none: reasons named "reason#N" */
	struct lru live;
	struct u64map ns_idx;		/* inode -> index in ns */
	struct ns_state *ns;
	size_t n_ns, cap_ns;
	struct u64map port_idx;		/* (ns, dir, port) -> index in ports */
	struct port_row *ports;
	size_t n_ports, cap_ports;
	struct segments_result counts;	/* the global counters only */
	bool oom;
};

struct segments_an *segments_new(const struct report_ctx *ctx, size_t live_max)
{
	struct segments_an *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ctx = ctx ? ctx : &s->no_ctx;
	if (!live_max)
		live_max = SEGMENTS_LIVE_MAX;
	lru_init(&s->live, sizeof(struct seg_pkt), live_max);
	s->counts.live_max = live_max;
	s->counts.netns_max = SEGMENTS_NETNS_MAX;
	return s;
}

/* grow *v (n used, *cap slots of size) to hold one more; false when out of memory */
static bool grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 8;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

static void reason_add(struct segments_an *s, struct reason_tab *t, uint32_t value)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].value == value) {
			t->rows[i].count++;
			return;
		}
	if (t->n >= REASONS_MAX)
		return;
	if (!grow((void **)&t->rows, t->n, &t->cap, sizeof(*t->rows))) {
		s->oom = true;
		return;
	}
	t->rows[t->n++] = (struct seg_reason){ .value = value, .count = 1 };
}

/* the state of namespace inode, created when first seen; NULL past the cap */
static struct ns_state *ns_get(struct segments_an *s, uint32_t inode, int32_t *index)
{
	struct ns_state *n;
	uint32_t i;

	if (u64map_get(&s->ns_idx, inode, &i))
		goto found;
	if (s->n_ns >= SEGMENTS_NETNS_MAX) {
		s->counts.netns_overflow++;
		return NULL;
	}
	if (!grow((void **)&s->ns, s->n_ns, &s->cap_ns, sizeof(*s->ns)) ||
	    u64map_put(&s->ns_idx, inode, s->n_ns)) {
		s->oom = true;
		return NULL;
	}
	i = s->n_ns++;
	n = &s->ns[i];
	memset(n, 0, sizeof(*n));
	n->out.inode = inode;
	an_lab_netns(s->ctx->meta, inode, n->out.name, sizeof(n->out.name), n->out.label,
		     sizeof(n->out.label));
found:
	if (index)
		*index = i;
	return &s->ns[i];
}

static void port_add(struct segments_an *s, uint32_t ns, enum seg_dir dir, uint16_t port)
{
	uint64_t key = (uint64_t)ns << 24 | (uint64_t)dir << 16 | port;
	uint32_t i;

	if (u64map_get(&s->port_idx, key, &i)) {
		s->ports[i].p.count++;
		return;
	}
	if (s->n_ports >= SEGMENTS_PORTS_MAX) {
		s->counts.ports_overflow++;
		return;
	}
	if (!grow((void **)&s->ports, s->n_ports, &s->cap_ports, sizeof(*s->ports)) ||
	    u64map_put(&s->port_idx, key, s->n_ports)) {
		s->oom = true;
		return;
	}
	s->ports[s->n_ports++] = (struct port_row){ ns, { dir, port, 1 } };
}

static int dir_of(unsigned int type)
{
	switch (type) {
	case NS_EV_NETIF_RECEIVE_SKB:
	case NS_EV_NETIF_RX:
	case NS_EV_NAPI_GRO_RECEIVE_ENTRY:
	case NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY:
		return SEG_RX;
	/* net_dev_xmit fires once the driver returned: a veth has by then
	 * handed the skb to its peer, but the event names the sending device */
	case NS_EV_NET_DEV_QUEUE:
	case NS_EV_NET_DEV_START_XMIT:
	case NS_EV_NET_DEV_XMIT:
		return SEG_TX;
	default:
		return -1;
	}
}

static enum seg_class class_of(uint8_t flags)
{
	if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		return SEG_SYN;
	if (flags & TCP_SYN)
		return SEG_SYNACK;
	if (flags & TCP_RST)
		return SEG_RST;
	if (flags & TCP_FIN)
		return SEG_FIN;
	return SEG_ACK_OTHER;
}

/* the packet is no longer followed: its pending received SYN ends as `fate` */
enum fate { FATE_CONSUMED, FATE_DROPPED, FATE_FORWARDED, FATE_ALIVE, FATE_EVICTED };

static void syn_end(struct segments_an *s, struct seg_pkt *p, enum fate fate, uint32_t reason)
{
	struct ns_state *n;

	if (p->rx_syn < 0)
		return;
	n = &s->ns[p->rx_syn];
	p->rx_syn = -1;
	switch (fate) {
	case FATE_CONSUMED:
		n->out.syn.consumed++;
		break;
	case FATE_DROPPED:
		n->out.syn.dropped++;
		reason_add(s, &n->syn_drops, reason);
		break;
	case FATE_FORWARDED:
		n->out.syn.forwarded++;
		break;
	case FATE_ALIVE:
		n->out.syn.alive++;
		break;
	case FATE_EVICTED:
		n->out.syn.evicted++;
		break;
	}
}

static void pkt_forget(struct segments_an *s, uint64_t id, struct seg_pkt *p, enum fate fate,
		       uint32_t reason)
{
	syn_end(s, p, fate, reason);
	if (!p->classified && fate != FATE_EVICTED)
		s->counts.unclassified++;
	lru_del(&s->live, id);
}

static struct seg_pkt *pkt_start(struct segments_an *s, uint64_t id)
{
	struct seg_pkt *p;
	uint64_t old;

	if (lru_full(&s->live)) {
		p = lru_oldest(&s->live, &old);
		if (p) {
			pkt_forget(s, old, p, FATE_EVICTED, 0);
			s->counts.evicted++;
		}
	}
	p = lru_add(&s->live, id);
	if (!p) {
		s->oom = true;
		return NULL;
	}
	p->rx_syn = -1;
	return p;
}

/* count the packet in the event's namespace, unless it already was */
static void classify(struct segments_an *s, struct seg_pkt *p, const struct ns_event *ev,
		     enum seg_dir dir)
{
	enum seg_class cls = class_of(ev->tcp_flags);
	struct ns_state *n;
	int32_t idx;

	for (unsigned int i = 0; i < p->n_netns; i++)
		if (p->netns[i] == ev->netns)
			return;
	n = ns_get(s, ev->netns, &idx);
	if (!n)
		return;
	/* a SYN received in one namespace and seen arriving in another left the first */
	if (p->rx_syn >= 0 && p->rx_syn != idx)
		syn_end(s, p, FATE_FORWARDED, 0);
	if (p->n_netns < PKT_NETNS)
		p->netns[p->n_netns++] = ev->netns;
	p->classified = true;
	s->counts.packets++;
	n->out.segments[dir][cls]++;
	n->out.total[dir]++;
	if (cls == SEG_SYN)
		port_add(s, idx, dir, ev->dport);
	if (cls == SEG_SYN && dir == SEG_RX) {
		n->out.syn.received++;
		p->rx_syn = idx;
	}
}

/* events counted per namespace whatever their packet: resets, retransmitted SYN-ACKs, drops */
static void count_event(struct segments_an *s, const struct ns_event *ev)
{
	struct ns_state *n;

	if (ev->type != NS_EV_TCP_SEND_RESET && ev->type != NS_EV_TCP_RETRANSMIT_SYNACK &&
	    ev->type != NS_EV_KFREE_SKB)
		return;
	n = ns_get(s, ev->netns, NULL);
	if (!n)
		return;
	if (ev->type == NS_EV_TCP_SEND_RESET) {
		n->out.rst_sent++;
		reason_add(s, &n->rsts, ev->reason);
	} else if (ev->type == NS_EV_TCP_RETRANSMIT_SYNACK) {
		n->out.synack_retransmits++;
	} else {
		n->out.drops++;
		reason_add(s, &n->drops, ev->reason);
	}
}

void segments_feed(struct segments_an *s, const struct ns_event *ev)
{
	bool end = ev->type == NS_EV_KFREE_SKB || ev->type == NS_EV_CONSUME_SKB;
	int dir = dir_of(ev->type);
	struct seg_pkt *p;

	count_event(s, ev);
	if (!ev->packet_id)
		return;
	p = lru_get(&s->live, ev->packet_id);
	if (p && (ev->flags & NS_F_NEW_PACKET)) {
		/* the id starts over: its previous packet ended where we did not see it */
		pkt_forget(s, ev->packet_id, p, FATE_ALIVE, 0);
		p = NULL;
	}
	if (!p) {
		/* only TCP packets are followed; an end without a start is nothing to us */
		if (!(ev->hdr & NS_HDR_TCP) || end)
			return;
		p = pkt_start(s, ev->packet_id);
		if (!p)
			return;
	} else {
		lru_touch(&s->live, ev->packet_id);
	}
	if (dir >= 0 && (ev->hdr & NS_HDR_TCP))
		classify(s, p, ev, dir);
	if (end)
		pkt_forget(s, ev->packet_id, p,
			   ev->type == NS_EV_KFREE_SKB ? FATE_DROPPED : FATE_CONSUMED, ev->reason);
}

/* the table as rows sorted by count, named; the table is emptied */
static int reasons_out(struct segments_an *s, struct reason_tab *t, enum ns_name_kind kind,
		       struct seg_reason **rows, size_t *n)
{
	char buf[128];

	*rows = t->rows;
	*n = t->n;
	t->rows = NULL;
	t->n = t->cap = 0;
	for (size_t i = 0; i < *n; i++) {
		(*rows)[i].name = strdup(an_enum_name(s->ctx, kind, (*rows)[i].value, buf, sizeof(buf)));
		if (!(*rows)[i].name)
			return -ENOMEM;
	}
	return an_sort_rows(*rows, *n, sizeof(**rows), offsetof(struct seg_reason, count));
}

/* lab namespaces first, by label; then by inode */
static int cmp_ns(const void *a, const void *b)
{
	const struct seg_netns *x = a, *y = b;

	if (!x->label[0] != !y->label[0])
		return x->label[0] ? -1 : 1;
	if (x->label[0] && strcmp(x->label, y->label))
		return strcmp(x->label, y->label);
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

int segments_finish(struct segments_an *s, struct segments_result *out)
{
	uint64_t id;
	struct seg_pkt *p;
	int err = 0;

	/* the packets still followed: their received SYNs are alive */
	while ((p = lru_oldest(&s->live, &id)))
		pkt_forget(s, id, p, FATE_ALIVE, 0);
	*out = s->counts;
	out->ns = NULL;
	out->n_ns = 0;
	out->lab = s->ctx->meta && ns_meta_get(s->ctx->meta, "lab.netns");
	if (s->oom)
		return -ENOMEM;
	out->ns = calloc(s->n_ns ? s->n_ns : 1, sizeof(*out->ns));
	if (!out->ns)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_ns && !err; i++) {
		struct ns_state *n = &s->ns[i];
		struct seg_netns *o = &out->ns[out->n_ns++];
		struct seg_syn_fate *f;
		size_t k = 0;

		*o = n->out;
		f = &o->syn;
		f->balanced = f->received ==
			      f->consumed + f->dropped + f->forwarded + f->alive + f->evicted;
		o->syn_ports = calloc(s->n_ports ? s->n_ports : 1, sizeof(*o->syn_ports));
		if (!o->syn_ports) {
			err = -ENOMEM;
			break;
		}
		for (size_t j = 0; j < s->n_ports; j++)
			if (s->ports[j].ns == i)
				o->syn_ports[k++] = s->ports[j].p;
		o->n_syn_ports = k;
		err = an_sort_rows(o->syn_ports, k, sizeof(*o->syn_ports),
				   offsetof(struct seg_port, count));
		if (!err)
			err = reasons_out(s, &n->syn_drops, NS_NAMES_DROP_REASON, &f->drop_reasons,
					  &f->n_drop_reasons);
		if (!err)
			err = reasons_out(s, &n->rsts, NS_NAMES_RST_REASON, &o->rst_reasons,
					  &o->n_rst_reasons);
		if (!err)
			err = reasons_out(s, &n->drops, NS_NAMES_DROP_REASON, &o->drop_reasons,
					  &o->n_drop_reasons);
	}
	if (!err)
		qsort(out->ns, out->n_ns, sizeof(*out->ns), cmp_ns);
	return err;
}

static void free_reasons(struct seg_reason *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].name);
	free(r);
}

void segments_result_free(struct segments_result *r)
{
	for (size_t i = 0; i < r->n_ns; i++) {
		struct seg_netns *n = &r->ns[i];

		free(n->syn_ports);
		free_reasons(n->syn.drop_reasons, n->syn.n_drop_reasons);
		free_reasons(n->rst_reasons, n->n_rst_reasons);
		free_reasons(n->drop_reasons, n->n_drop_reasons);
	}
	free(r->ns);
	memset(r, 0, sizeof(*r));
}

void segments_free(struct segments_an *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_ns; i++) {
		free(s->ns[i].syn_drops.rows);
		free(s->ns[i].rsts.rows);
		free(s->ns[i].drops.rows);
	}
	free(s->ns);
	free(s->ports);
	u64map_free(&s->ns_idx);
	u64map_free(&s->port_idx);
	lru_free(&s->live);
	free(s);
}

/* ---- the analysis interface (analysis/analysis.h) ---- */

static int segments_init_op(void **state, const struct report_ctx *ctx)
{
	*state = segments_new(ctx, 0);
	return *state ? 0 : -ENOMEM;
}

static void segments_feed_op(void *state, const struct ns_event *ev)
{
	segments_feed(state, ev);
}

static int segments_finish_op(void *state, const struct analysis_end *end,
			      struct report_result *res)
{
	return segments_finish(state, &res->segments);
}

static void segments_free_op(void *state)
{
	segments_free(state);
}

static void segments_free_part(struct report_result *res)
{
	segments_result_free(&res->segments);
}

const struct analysis_ops segments_analysis = {
	.name = "segments",
	.parts = RR_PART_SEGMENTS,
	.init = segments_init_op,
	.feed = segments_feed_op,
	.finish = segments_finish_op,
	.free = segments_free_op,
	.free_part = segments_free_part,
};
