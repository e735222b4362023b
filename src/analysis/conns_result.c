// SPDX-License-Identifier: GPL-2.0
/*
 * The conns analysis's result: what conns.c gathered, made relative to
 * each connection's first event and to the ISNs, named and sorted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/conns_priv.h"


static char *dup_or_null(const char *s, int *err)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*err = -ENOMEM;
	return d;
}

static const char *state_name(struct conns_an *c, uint32_t v, char *buf, size_t len)
{
	const char *n = an_enum_name(c->ctx, NS_NAMES_TCP_STATE, v, buf, len);

	if (!strncmp(n, "TCP_", 4))
		return n + 4;
	if (!strncmp(n, "state#", 6) && v < ST__N && v) {
		/* no names in the trace: the ABI numbering of include/net/tcp_states.h */
		static const char *const abi[ST__N] = {
			"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
			"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
		};
		return abi[v];
	}
	return n;
}

static void endpoint(char *out, size_t len, uint8_t family, const uint8_t *addr, uint16_t port)
{
	if (family == 10) /* AF_INET6 */
		snprintf(out, len, "[%x:%x:%x:%x:%x:%x:%x:%x]:%u", addr[0] << 8 | addr[1],
			 addr[2] << 8 | addr[3], addr[4] << 8 | addr[5], addr[6] << 8 | addr[7],
			 addr[8] << 8 | addr[9], addr[10] << 8 | addr[11], addr[12] << 8 | addr[13],
			 addr[14] << 8 | addr[15], port);
	else
		snprintf(out, len, "%u.%u.%u.%u:%u", addr[0], addr[1], addr[2], addr[3], port);
}

static int sock_out(struct conns_an *c, const struct life *l, uint64_t base, struct conn_sock *o)
{
	char buf[64], name[64];
	int err = 0;

	if (!l->seen)
		return 0;
	o->seen = true;
	o->sk = l->sk;
	o->netns = l->netns;
	an_lab_netns(c->ctx->meta, l->netns, name, sizeof(name), o->label, sizeof(o->label));
	o->states = calloc(l->n ? l->n : 1, sizeof(*o->states));
	if (!o->states)
		return -ENOMEM;
	for (size_t i = 0; i < l->n && !err; i++) {
		struct conn_state *s = &o->states[o->n_states++];

		s->t_ns = (int64_t)(l->st[i].ts - base);
		s->from = dup_or_null(state_name(c, l->st[i].from, buf, sizeof(buf)), &err);
		s->to = dup_or_null(state_name(c, l->st[i].to, buf, sizeof(buf)), &err);
		s->function = dup_or_null(l->st[i].fn, &err);
	}
	o->states_cut = l->cut;
	o->closed = l->closed;
	if (l->n) {
		o->first_ns = (int64_t)(l->st[0].ts - base);
		o->last_ns = (int64_t)(l->st[l->n - 1].ts - base);
	}
	o->time_wait = l->tw;
	o->time_wait_ns = l->tw ? (int64_t)(l->tw_ts - base) : 0;
	o->time_wait_how = l->tw_how;
	o->srtt_samples = l->srtt_n;
	o->srtt_last_us = l->srtt_last;
	o->srtt_min_us = l->srtt_min;
	o->cwnd_last = l->cwnd;
	return err;
}

static void flags_str(uint8_t f, char *out, size_t len)
{
	static const char *const names[8] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE",
					       "CWR" };
	/* SYN first: the order a learner reads them in ("SYN,ACK", "FIN,ACK") */
	static const int order[8] = { 1, 0, 2, 3, 4, 5, 6, 7 };
	size_t at = 0;

	out[0] = 0;
	for (int i = 0; i < 8 && at < len; i++)
		if (f & (1u << order[i]))
			at += snprintf(out + at, len - at, "%s%s", at ? "," : "", names[order[i]]);
	if (!at)
		snprintf(out, len, "-");
}

/* payload from sequence numbers (see result_conns.h) */
static int64_t payload_of(const struct conn_rec *k, size_t i)
{
	const struct seg_raw *s = &k->segs[i];
	uint32_t extra = !!(s->flags & TCP_SYN) + !!(s->flags & TCP_FIN);
	bool have_ack = false;
	uint32_t ack = 0;

	if (s->flags & TCP_RST)
		return 0;
	for (size_t j = i + 1; j < k->n; j++) {
		const struct seg_raw *t = &k->segs[j];
		int32_t d = (int32_t)(t->seq - s->seq - extra);

		if (t->dir == s->dir && !(t->flags & TCP_RST))
			return d >= 0 ? d : -1;
		if (t->dir != s->dir && (t->flags & TCP_ACK) &&
		    (!have_ack || (int32_t)(t->ack - ack) > 0)) {
			ack = t->ack;
			have_ack = true;
		}
	}
	if (have_ack && (int32_t)(ack - s->seq - extra) >= 0)
		return (int32_t)(ack - s->seq - extra);
	return -1;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct conn_segment *x = a, *y = b;

	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

static int conn_out(struct conns_an *c, struct conn_rec *k, struct conn *o)
{
	uint64_t base = UINT64_MAX;
	struct life listener = { 0 };
	int err = 0;

	/* the connection's first event: its first segment or its sockets' first change */
	for (size_t i = 0; i < k->n; i++)
		if (k->segs[i].ts < base)
			base = k->segs[i].ts;
	for (int s = 0; s < 2; s++)
		if (k->side[s].n && k->side[s].st[0].ts < base)
			base = k->side[s].st[0].ts;
	if (base == UINT64_MAX)
		base = 0;
	o->first_ts = base;
	endpoint(o->client, sizeof(o->client), k->family, k->caddr, k->cport);
	endpoint(o->server, sizeof(o->server), k->family, k->saddr, k->sport);
	o->client_isn = k->cisn;
	o->server_isn = k->sisn;
	o->have_client_isn = k->have_cisn;
	o->have_server_isn = k->have_sisn;
	o->segs_cut = k->cut;
	o->segs = calloc(k->n ? k->n : 1, sizeof(*o->segs));
	if (!o->segs)
		return -ENOMEM;
	for (size_t i = 0; i < k->n && !err; i++) {
		const struct seg_raw *s = &k->segs[i];
		struct conn_segment *d = &o->segs[o->n_segs++];
		uint32_t sisn = s->dir == CONN_C2S ? k->cisn : k->sisn;
		uint32_t risn = s->dir == CONN_C2S ? k->sisn : k->cisn;
		char path[256] = "";
		size_t at = 0;

		d->t_ns = (int64_t)(s->ts - base);
		d->sent = s->sent;
		d->received = s->received;
		d->rx_ns = s->received ? (int64_t)(s->rx_ts - base) : 0;
		d->dir = s->dir;
		d->flags = s->flags;
		flags_str(s->flags, d->flags_str, sizeof(d->flags_str));
		d->seq_raw = s->seq;
		d->ack_raw = s->ack;
		d->rel = k->have_cisn && k->have_sisn;
		d->seq = d->rel ? s->seq - sisn : s->seq;
		d->ack = (s->flags & TCP_ACK) ? (d->rel ? s->ack - risn : s->ack) : 0;
		d->len = s->received ? s->len_rx : s->len_tx;
		d->payload = payload_of(k, i);
		d->packet_id = s->packet_id;
		for (size_t p = 0; p < s->n_path; p++)
			at += snprintf(path + at, sizeof(path) - at, "%s%s", p ? " → " : "", s->path[p]);
		d->sender = dup_or_null(s->sender, &err);
		d->sender_path = s->n_path ? dup_or_null(path, &err) : NULL;
		d->receiver = dup_or_null(s->receiver, &err);
		d->receiver_event = dup_or_null(s->recv_ev, &err);
	}
	if (err)
		return err;
	qsort(o->segs, o->n_segs, sizeof(*o->segs), seg_cmp);
	err = sock_out(c, &k->side[CONN_CLIENT], base, &o->side[CONN_CLIENT]);
	if (!err)
		err = sock_out(c, &k->side[CONN_SERVER], base, &o->side[CONN_SERVER]);
	if (!err && k->listener >= 0 && c->listeners[k->listener].gen == k->listener_gen) {
		listener = c->listeners[k->listener];
		err = sock_out(c, &listener, base, &o->side[CONN_LISTENER]);
	}
	return err;
}

static int conn_cmp(const void *a, const void *b)
{
	const struct conn *x = a, *y = b;

	return x->first_ts < y->first_ts ? -1 : x->first_ts > y->first_ts;
}

int conns_finish(struct conns_an *c, struct conns_result *out)
{
	struct conn_rec *k;
	uint64_t id;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->started = c->started;
	out->evicted = c->evicted;
	out->conns_max = c->max;
	out->stray = c->stray;
	out->stacks = c->stacks;
	if (c->oom)
		return -ENOMEM;
	out->conns = calloc(c->conns.n ? c->conns.n : 1, sizeof(*out->conns));
	if (!out->conns)
		return -ENOMEM;
	while ((k = lru_oldest(&c->conns, &id))) {
		if (!err)
			err = conn_out(c, k, &out->conns[out->n++]);
		conns_drop(c, (uint32_t)id, k);
	}
	if (!err)
		qsort(out->conns, out->n, sizeof(*out->conns), conn_cmp);
	return err;
}

void conns_result_free(struct conns_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct conn *k = &r->conns[i];

		for (size_t j = 0; j < k->n_segs; j++) {
			free(k->segs[j].sender);
			free(k->segs[j].sender_path);
			free(k->segs[j].receiver);
			free(k->segs[j].receiver_event);
		}
		free(k->segs);
		for (int s = 0; s < CONN_SIDE__COUNT; s++) {
			for (size_t j = 0; j < k->side[s].n_states; j++) {
				free(k->side[s].states[j].from);
				free(k->side[s].states[j].to);
				free(k->side[s].states[j].function);
			}
			free(k->side[s].states);
		}
	}
	free(r->conns);
	memset(r, 0, sizeof(*r));
}

void conns_free(struct conns_an *c)
{
	struct conn_rec *k;
	uint64_t id;

	if (!c)
		return;
	while ((k = lru_oldest(&c->conns, &id)))
		conns_drop(c, (uint32_t)id, k);
	lru_free(&c->conns);
	lru_free(&c->pkts);
	lru_free(&c->links);
	lru_free(&c->pending);
	u64map_free(&c->tuples);
	free(c);
}
