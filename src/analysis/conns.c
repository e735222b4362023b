// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connections by 4-tuple: segments, both sockets' states, srtt,
 * TIME_WAIT and lifetimes.  See conns.h for how events are tied together.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/conns_priv.h"

static const char *const st_names[ST__N] = {
	[ST_SYN_SENT] = "SYN_SENT", [ST_SYN_RECV] = "SYN_RECV", [ST_FIN_WAIT2] = "FIN_WAIT2",
	[ST_CLOSE] = "CLOSE", [ST_LISTEN] = "LISTEN", [ST_CLOSING] = "CLOSING",
};

static const char *const side_names[CONN_SIDE__COUNT] = { "client", "server", "listener" };

const char *conn_side_name(enum conn_side s)
{
	return (unsigned int)s < CONN_SIDE__COUNT ? side_names[s] : "?";
}

struct conns_an *conns_new(const struct report_ctx *ctx, size_t max)
{
	struct conns_an *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ctx = ctx ? ctx : &c->no_ctx;
	c->max = max ? max : CONNS_MAX;
	lru_init(&c->conns, sizeof(struct conn_rec), c->max);
	lru_init(&c->pkts, sizeof(struct pkt), PKTS_MAX);
	lru_init(&c->links, sizeof(struct link), 4 * c->max);
	lru_init(&c->pending, sizeof(struct life), PENDING_MAX);
	c->next_id = 1;
	for (int i = 0; i < ST__N; i++) {
		int64_t v = st_names[i] && c->ctx->names ?
				    ns_names_value(c->ctx->names, NS_NAMES_TCP_STATE, st_names[i]) : -1;

		c->st[i] = v >= 0 ? (uint32_t)v : (uint32_t)i;
	}
	return c;
}

/* ---- stacks ---- */

/* the frames of ev's stack after the tracing machinery, as names; how many */
static size_t frames(struct conns_an *c, const struct ns_event *ev, const char **names, size_t max)
{
	const struct report_ctx *ctx = c->ctx;
	uint64_t ips[NS_STACK_DEPTH];
	size_t n, skip, k = 0;

	if (ev->stack_id < 0 || !ctx->stack || !ctx->ksyms)
		return 0;
	n = ctx->stack(ctx->stack_arg, ev->stack_id, ips, NS_STACK_DEPTH);
	skip = ksyms__tracing_frames(ctx->ksyms, ips, n);
	for (size_t i = skip; i < n && k < max; i++) {
		const struct ksym *s = ksyms__map_addr(ctx->ksyms, ips[i]);

		names[k++] = s && s->name ? s->name : "?";
	}
	if (k)
		c->stacks = true;
	return k;
}

/* name equals base, compiler clone suffixes (".constprop.0") ignored */
static bool is_fn(const char *name, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(name, base, n) && (!name[n] || name[n] == '.');
}

static bool is_tcp(const char *name)
{
	return !strncmp(name, "tcp_", 4) || !strncmp(name, "__tcp_", 6);
}

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (is_fn(name, *list))
			return true;
	return false;
}

/*
 * The transmit path every segment takes from TCP to IP (net/ipv4/tcp_output.c):
 * naming them would say nothing about why this segment was sent.
 */
static const char *const tx_plumbing[] = {
	"__tcp_transmit_skb", "tcp_transmit_skb", "tcp_write_xmit", "__tcp_push_pending_frames",
	"tcp_push", "tcp_push_one", NULL,
};

/* what sets a state for its caller (net/ipv4/tcp.c tcp_set_state, inet_sk_state_store) */
static const char *const state_setters[] = {
	"inet_sk_state_store", "inet_sk_set_state", "tcp_set_state", NULL,
};

/* the receive path of TCP: a state change made under it answers a segment */
/* what a state change leads to, not what received the segment */
static const char *const not_receivers[] = {
	"inet_sk_state_store", "inet_sk_set_state", "tcp_set_state", "tcp_done", NULL,
};

static const char *const rcv_path[] = {
	"tcp_v4_rcv", "tcp_v4_do_rcv", "tcp_v6_rcv", "tcp_v6_do_rcv", NULL,
};

/* the function that changed a state: the first frame that is not a setter */
static const char *setter(const char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!in_list(f[i], state_setters))
			return f[i];
	return NULL;
}

static void sender_of(struct conns_an *c, const struct ns_event *ev, struct seg_raw *s)
{
	const char *f[NS_STACK_DEPTH];
	size_t n = frames(c, ev, f, NS_STACK_DEPTH), first = n, pick = n;

	for (size_t i = 0; i < n; i++) {
		if (!is_tcp(f[i]))
			continue;
		if (first == n)
			first = i;
		if (!in_list(f[i], tx_plumbing)) {
			pick = i;
			break;
		}
	}
	if (first == n)
		return;
	if (pick == n)
		pick = first;
	s->sender = f[pick];
	/* outermost first: the sender's caller, the sender, the first TCP frame */
	s->n_path = 0;
	if (pick + 1 < n)
		s->path[s->n_path++] = f[pick + 1];
	s->path[s->n_path++] = f[pick];
	if (first != pick)
		s->path[s->n_path++] = f[first];
}

/* the innermost tcp_* frame, NULL when none */
static const char *first_tcp(const char **f, size_t n, const char *const *skip)
{
	for (size_t i = 0; i < n; i++)
		if (is_tcp(f[i]) && !(skip && in_list(f[i], skip)))
			return f[i];
	return NULL;
}

/* ---- connections ---- */

static uint64_t tuple_hash(uint8_t family, const uint8_t *a, uint16_t ap, const uint8_t *b,
			   uint16_t bp)
{
	uint8_t buf[37];
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	int order = memcmp(a, b, 16);

	if (!order)
		order = ap < bp ? -1 : ap > bp;
	if (order > 0) {
		const uint8_t *t = a;
		uint16_t tp = ap;

		a = b, ap = bp, b = t, bp = tp;
	}
	buf[0] = family;
	memcpy(buf + 1, a, 16);
	memcpy(buf + 17, b, 16);
	memcpy(buf + 33, &ap, 2);
	memcpy(buf + 35, &bp, 2);
	for (size_t i = 0; i < sizeof(buf); i++)
		h = (h ^ buf[i]) * 1099511628211ULL;
	return an_hash64(h);
}

static struct conn_rec *conn_get(struct conns_an *c, uint32_t id)
{
	return id ? lru_get(&c->conns, id) : NULL;
}

static struct conn_rec *conn_by_tuple(struct conns_an *c, const struct ns_event *ev)
{
	uint32_t id;

	if (!u64map_get(&c->tuples, tuple_hash(ev->family, ev->saddr, ev->sport, ev->daddr,
						 ev->dport), &id))
		return NULL;
	return conn_get(c, id);
}

static bool is_client(const struct conn_rec *k, const uint8_t *addr, uint16_t port)
{
	return port == k->cport && !memcmp(addr, k->caddr, 16);
}

void conns_drop(struct conns_an *c, uint32_t id, struct conn_rec *k)
{
	free(k->segs);
	lru_del(&c->conns, id);
}

/* a new connection for the pure SYN ev; NULL when out of memory */
static struct conn_rec *conn_start(struct conns_an *c, const struct ns_event *ev)
{
	struct conn_rec *k;
	uint64_t old;

	if (lru_full(&c->conns)) {
		k = lru_oldest(&c->conns, &old);
		if (k) {
			conns_drop(c, (uint32_t)old, k);
			c->evicted++;
		}
	}
	k = lru_add(&c->conns, c->next_id);
	if (!k || u64map_put(&c->tuples, tuple_hash(ev->family, ev->saddr, ev->sport, ev->daddr,
						     ev->dport), c->next_id)) {
		c->oom = true;
		return NULL;
	}
	k->id = c->next_id++;
	k->family = ev->family;
	memcpy(k->caddr, ev->saddr, 16);
	memcpy(k->saddr, ev->daddr, 16);
	k->cport = ev->sport;
	k->sport = ev->dport;
	k->cisn = ev->seq;
	k->have_cisn = true;
	k->listener = -1;
	for (size_t i = 0; i < c->n_listeners; i++) {
		const struct life *l = &c->listeners[i];
		static const uint8_t any[16];

		if (!l->closed && l->port == ev->dport &&
		    (!memcmp(l->addr, ev->daddr, 16) || !memcmp(l->addr, any, 16))) {
			k->listener = (int32_t)i;
			k->listener_gen = l->gen;
		}
	}
	c->started++;
	return k;
}

/* the connection of a segment; a pure SYN starts one */
static struct conn_rec *conn_of(struct conns_an *c, const struct ns_event *ev)
{
	struct conn_rec *k = conn_by_tuple(c, ev);

	if ((ev->tcp_flags & (TCP_SYN | TCP_ACK)) != TCP_SYN)
		return k;
	/* the same SYN again (seen in the other namespace, or retransmitted) */
	if (k && k->have_cisn && k->cisn == ev->seq && is_client(k, ev->saddr, ev->sport))
		return k;
	return conn_start(c, ev);
}

/* tie socket sk to side of k, with what its pending record saw */
static void link_sock(struct conns_an *c, uint64_t sk, struct conn_rec *k, int side)
{
	struct life *p = lru_get(&c->pending, sk);
	struct link *l;
	uint64_t old;

	if (p) {
		if (!k->side[side].seen)
			k->side[side] = *p;
		lru_del(&c->pending, sk);
	}
	if (lru_full(&c->links) && lru_oldest(&c->links, &old))
		lru_del(&c->links, old);
	l = lru_add(&c->links, sk);
	if (!l) {
		c->oom = true;
		return;
	}
	l->conn = k->id;
	l->side = (uint8_t)side;
}

/* ---- segments ---- */

static struct seg_raw *seg_add(struct conns_an *c, struct conn_rec *k, const struct ns_event *ev,
			       uint32_t *idx)
{
	struct seg_raw *s;

	if (k->n >= CONNS_SEGS_MAX) {
		k->cut++;
		return NULL;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 16;
		void *m = realloc(k->segs, cap * sizeof(*k->segs));

		if (!m) {
			c->oom = true;
			return NULL;
		}
		k->segs = m;
		k->cap = cap;
	}
	*idx = (uint32_t)k->n;
	s = &k->segs[k->n++];
	memset(s, 0, sizeof(*s));
	s->ts = ev->ts_ns;
	s->packet_id = ev->packet_id;
	s->dir = is_client(k, ev->saddr, ev->sport) ? CONN_C2S : CONN_S2C;
	s->flags = ev->tcp_flags;
	s->seq = ev->seq;
	s->ack = ev->ack_seq;
	if (s->dir == CONN_S2C && (s->flags & TCP_SYN) && !k->have_sisn) {
		k->sisn = ev->seq;
		k->have_sisn = true;
	}
	return s;
}

/* a received segment whose id was never sent: the same segment sent under another id */
static struct seg_raw *seg_match(struct conn_rec *k, const struct ns_event *ev, uint32_t *idx)
{
	int dir = is_client(k, ev->saddr, ev->sport) ? CONN_C2S : CONN_S2C;

	for (size_t i = k->n; i-- > 0 && k->n - i <= MATCH_WINDOW;) {
		struct seg_raw *s = &k->segs[i];

		if (!s->received && s->dir == dir && s->seq == ev->seq && s->ack == ev->ack_seq &&
		    s->flags == ev->tcp_flags) {
			*idx = (uint32_t)i;
			return s;
		}
	}
	return NULL;
}

enum kind { K_TX, K_RX, K_AFTER, K_NONE };

static enum kind kind_of(unsigned int type)
{
	switch (type) {
	case NS_EV_NET_DEV_QUEUE:
	case NS_EV_NET_DEV_START_XMIT:
		return K_TX;
	case NS_EV_NETIF_RECEIVE_SKB:
	case NS_EV_NETIF_RX:
	case NS_EV_NAPI_GRO_RECEIVE_ENTRY:
	case NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY:
		return K_RX;
	/* what TCP does with a received packet, in the receiver's namespace */
	case NS_EV_TCP_PROBE:
	case NS_EV_CONSUME_SKB:
	case NS_EV_KFREE_SKB:
	case NS_EV_TCP_RECEIVE_RESET:
	case NS_EV_TCP_SEND_RESET:
		return K_AFTER;
	default:
		return K_NONE;
	}
}

static void packet_event(struct conns_an *c, const struct ns_event *ev)
{
	enum kind kind = kind_of(ev->type);
	struct pkt *p = lru_get(&c->pkts, ev->packet_id);
	struct conn_rec *k = NULL;
	struct seg_raw *s = NULL;
	uint32_t idx = 0;
	uint64_t old;

	if (kind == K_NONE)
		return;
	if (p && (ev->flags & NS_F_NEW_PACKET)) {
		lru_del(&c->pkts, ev->packet_id);	/* the id starts over */
		p = NULL;
	}
	if (p) {
		lru_touch(&c->pkts, ev->packet_id);
		k = conn_get(c, p->conn);
		if (!k)
			return;
		lru_touch(&c->conns, k->id);
		s = &k->segs[p->seg];
	} else {
		if (kind == K_AFTER || !(ev->hdr & NS_HDR_TCP) || ev->l4_proto != IPPROTO_TCP_)
			return;
		k = conn_of(c, ev);
		if (k) {
			lru_touch(&c->conns, k->id);
			s = kind == K_RX ? seg_match(k, ev, &idx) : NULL;
			if (!s)
				s = seg_add(c, k, ev, &idx);
		} else {
			c->stray++;
		}
		if (lru_full(&c->pkts) && lru_oldest(&c->pkts, &old))
			lru_del(&c->pkts, old);
		p = lru_add(&c->pkts, ev->packet_id);
		if (!p) {
			c->oom = true;
			return;
		}
		p->conn = k && s ? k->id : 0;
		p->seg = idx;
		if (!s)
			return;
	}
	if (kind == K_TX) {
		if (!s->sent) {
			s->sent = true;
			s->len_tx = ev->len;
			if (ev->ts_ns < s->ts)
				s->ts = ev->ts_ns;
			/* the sender's socket (skb->sk on transmit) */
			if (ev->sk && lru_get(&c->pending, ev->sk) && !lru_get(&c->links, ev->sk))
				link_sock(c, ev->sk, k, s->dir == CONN_C2S ? CONN_CLIENT : CONN_SERVER);
		}
		if (!s->sender)
			sender_of(c, ev, s);
	} else if (kind == K_RX) {
		if (!s->received) {
			s->received = true;
			s->rx_ts = ev->ts_ns;
			s->len_rx = ev->len;
			s->rx_netns = ev->netns;
		}
	} else if (s->received && ev->netns == s->rx_netns && !s->receiver) {
		const char *f[NS_STACK_DEPTH];
		size_t n = frames(c, ev, f, NS_STACK_DEPTH);

		s->receiver = first_tcp(f, n, NULL);
		if (s->receiver)
			s->recv_ev = ns_event_name(ev->type);
	}
}

/* ---- sockets ---- */

static struct life *listener_of(struct conns_an *c, uint64_t sk)
{
	for (size_t i = 0; i < c->n_listeners; i++)
		if (c->listeners[i].sk == sk && !c->listeners[i].closed)
			return &c->listeners[i];
	return NULL;
}

static struct life *listener_new(struct conns_an *c, const struct ns_event *ev)
{
	struct life *l = NULL;

	for (size_t i = 0; i < c->n_listeners && !l; i++)
		if (c->listeners[i].closed)
			l = &c->listeners[i];	/* reuse the slot of a closed one */
	if (!l && c->n_listeners < CONNS_LISTENERS_MAX)
		l = &c->listeners[c->n_listeners++];
	if (!l)
		return NULL;
	memset(l, 0, sizeof(*l));
	l->gen = ++c->next_gen;
	memcpy(l->addr, ev->saddr, 16);
	l->port = ev->sport;
	return l;
}

/* the segment of k last received by side, before ts, without a receiver */
static struct seg_raw *last_received(struct conn_rec *k, int side, uint64_t ts)
{
	int dir = side == CONN_SERVER ? CONN_C2S : CONN_S2C;

	for (size_t i = k->n; i-- > 0;) {
		struct seg_raw *s = &k->segs[i];

		if (s->dir == dir && s->received && s->rx_ts <= ts)
			return s->receiver ? NULL : s;
	}
	return NULL;
}

static void state_event(struct conns_an *c, const struct ns_event *ev)
{
	uint32_t from = ev->reason, to = (uint32_t)ev->aux;
	bool new_life = (from == c->st[ST_CLOSE] && to == c->st[ST_SYN_SENT]) ||
			(from == c->st[ST_LISTEN] && to == c->st[ST_SYN_RECV]);
	const char *f[NS_STACK_DEPTH];
	size_t n = frames(c, ev, f, NS_STACK_DEPTH);
	struct conn_rec *k = NULL;
	struct life *life = NULL;
	struct link *lk;
	int side = -1;

	if (to == c->st[ST_LISTEN]) {
		life = listener_new(c, ev);
	} else if (!new_life && (life = listener_of(c, ev->sk))) {
		/* the listener's own changes (LISTEN -> CLOSE) */
	} else if ((lk = lru_get(&c->links, ev->sk))) {
		k = conn_get(c, lk->conn);
		side = lk->side;
		if (!k || (new_life && k->side[side].closed)) {
			lru_del(&c->links, ev->sk);	/* the sk lives again, for another connection */
			k = NULL;
		}
	}
	if (!life && !k && ev->sport && ev->dport && (k = conn_by_tuple(c, ev))) {
		side = is_client(k, ev->saddr, ev->sport) ? CONN_CLIENT : CONN_SERVER;
		if (new_life && k->side[side].closed)
			k = NULL;
		else
			link_sock(c, ev->sk, k, side);
	}
	if (k) {
		life = &k->side[side];
		lru_touch(&c->conns, k->id);
	} else if (!life) {
		uint64_t old;

		life = lru_get(&c->pending, ev->sk);
		if (life && new_life && life->closed) {
			memset(life, 0, sizeof(*life));
		} else if (!life) {
			if (lru_full(&c->pending) && lru_oldest(&c->pending, &old))
				lru_del(&c->pending, old);
			life = lru_add(&c->pending, ev->sk);
		}
	}
	if (!life) {
		c->oom = c->oom || c->n_listeners < CONNS_LISTENERS_MAX;
		return;
	}
	life->seen = true;
	life->sk = ev->sk;
	life->netns = ev->netns;
	if (life->n < CONNS_STATES_MAX)
		life->st[life->n++] = (struct st_raw){ ev->ts_ns, from, to, setter(f, n) };
	else
		life->cut = true;
	if (to == c->st[ST_CLOSE]) {
		life->closed = true;
		/*
		 * tcp_time_wait() (net/ipv4/tcp_minisocks.c) hands the connection to
		 * a timewait sock and ends in a tail call to tcp_done(), so on 6.x
		 * the stack shows tcp_done <- tcp_fin, not tcp_time_wait: the
		 * change FIN_WAIT2 (or CLOSING) -> CLOSE is the hand-off, unless a
		 * RST closed it (tcp_reset -> tcp_done).
		 */
		bool by_rst = false;

		for (size_t i = 0; i < n && !life->tw; i++) {
			if (is_fn(f[i], "tcp_time_wait")) {
				life->tw = true;
				life->tw_how = "stack";
			}
			by_rst = by_rst || is_fn(f[i], "tcp_reset");
		}
		if (!life->tw && !by_rst && (from == c->st[ST_FIN_WAIT2] || from == c->st[ST_CLOSING])) {
			life->tw = true;
			life->tw_how = n ? "state" : "state, no stack";
		}
		if (life->tw)
			life->tw_ts = ev->ts_ns;
	}
	/* a change made in the receive path answers the segment that side last received */
	if (k && n) {
		bool in_rcv = false;

		for (size_t i = 0; i < n && !in_rcv; i++)
			in_rcv = in_list(f[i], rcv_path);
		if (in_rcv) {
			struct seg_raw *s = last_received(k, side, ev->ts_ns);

			if (s) {
				s->receiver = first_tcp(f, n, not_receivers);
				s->recv_ev = s->receiver ? "inet_sock_set_state" : NULL;
			}
		}
	}
}

/* tcp_probe (tcp_rcv_established): the receiving socket's srtt and cwnd */
static void probe_event(struct conns_an *c, const struct ns_event *ev)
{
	struct link *lk = lru_get(&c->links, ev->sk);
	struct pkt *p = ev->packet_id ? lru_get(&c->pkts, ev->packet_id) : NULL;
	struct conn_rec *k;
	struct life *l;
	int side;

	if (lk) {
		k = conn_get(c, lk->conn);
		side = lk->side;
	} else if (p && (k = conn_get(c, p->conn))) {
		side = k->segs[p->seg].dir == CONN_C2S ? CONN_SERVER : CONN_CLIENT;
		link_sock(c, ev->sk, k, side);
	} else {
		return;
	}
	if (!k)
		return;
	l = &k->side[side];
	l->srtt_last = ev->aux2;
	if (!l->srtt_n || ev->aux2 < l->srtt_min)
		l->srtt_min = ev->aux2;
	l->srtt_n++;
	l->cwnd = (uint32_t)ev->aux;
}

void conns_feed(struct conns_an *c, const struct ns_event *ev)
{
	if (ev->type == NS_EV_INET_SOCK_SET_STATE && ev->l4_proto == IPPROTO_TCP_ && ev->sk)
		state_event(c, ev);
	if (ev->type == NS_EV_TCP_PROBE && ev->sk)
		probe_event(c, ev);
	if (ev->packet_id)
		packet_event(c, ev);
	if (ev->packet_id && (ev->type == NS_EV_KFREE_SKB || ev->type == NS_EV_CONSUME_SKB))
		lru_del(&c->pkts, ev->packet_id);
}

/* ---- the analysis interface (analysis/analysis.h) ---- */

static int conns_init_op(void **state, const struct report_ctx *ctx)
{
	*state = conns_new(ctx, 0);
	return *state ? 0 : -ENOMEM;
}

static void conns_feed_op(void *state, const struct ns_event *ev)
{
	conns_feed(state, ev);
}

static int conns_finish_op(void *state, const struct analysis_end *end, struct report_result *res)
{
	return conns_finish(state, &res->conns);
}

static void conns_free_op(void *state)
{
	conns_free(state);
}

static void conns_free_part(struct report_result *res)
{
	conns_result_free(&res->conns);
}

const struct analysis_ops conns_analysis = {
	.name = "conns",
	.parts = RR_PART_CONNS,
	.init = conns_init_op,
	.feed = conns_feed_op,
	.finish = conns_finish_op,
	.free = conns_free_op,
	.free_part = conns_free_part,
};
