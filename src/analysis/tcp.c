// SPDX-License-Identifier: GPL-2.0
/*
 * TCP: resets sent (by sk_rst_reason) and received, state transitions
 * (inet_sock_set_state: reason = oldstate, aux = newstate) and the path of
 * states each socket went through, e.g. CLOSE -> SYN_SENT -> ESTABLISHED ->
 * FIN_WAIT1 -> FIN_WAIT2 -> CLOSE.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"

/*
 * TCP_CLOSE in include/net/tcp_states.h; the states are user ABI (the "st"
 * column of /proc/net/tcp), so this fallback is only for traces without a
 * state table.
 */
#define TCP_CLOSE_ABI 7

struct tcp_sock_path {
	uint8_t n;
	bool cut;
	uint32_t st[TCP_PATH_STATES_MAX];
};

void tcp_init(struct tcp_an *t, const struct report_ctx *ctx)
{
	int64_t v = ctx->names ? ns_names_value(ctx->names, NS_NAMES_TCP_STATE, "CLOSE") : -1;

	memset(t, 0, sizeof(*t));
	t->tcp_close = v >= 0 ? (uint32_t)v : TCP_CLOSE_ABI;
	lru_init(&t->socks, sizeof(struct tcp_sock_path), TCP_SOCKS_MAX);
}

/* rows[key].count++, rows kept in first-seen order */
static void count_row(struct tcp_an *t, struct u64map *idx, struct tcp_row **rows, size_t *n,
		      size_t *cap, uint64_t key)
{
	uint32_t i;

	if (u64map_get(idx, key, &i)) {
		(*rows)[i].count++;
		return;
	}
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct tcp_row *r = realloc(*rows, ncap * sizeof(*r));

		if (!r) {
			t->err = -ENOMEM;
			return;
		}
		*rows = r;
		*cap = ncap;
	}
	if (u64map_put(idx, key, *n)) {
		t->err = -ENOMEM;
		return;
	}
	(*rows)[(*n)++] = (struct tcp_row){ .key = key, .count = 1 };
}

static uint64_t path_hash(const struct tcp_sock_path *p, bool closed)
{
	uint64_t h = an_hash64(p->n | (uint64_t)p->cut << 8 | (uint64_t)closed << 9);

	for (unsigned int i = 0; i < p->n; i++)
		h = an_hash64(h ^ p->st[i]);
	return h;
}

static void count_path(struct tcp_an *t, const struct tcp_sock_path *p, bool closed)
{
	uint64_t h = path_hash(p, closed);
	uint32_t first = LRU_NIL;

	if (u64map_get(&t->path_idx, h, &first))
		for (uint32_t i = first; i != LRU_NIL; i = t->paths[i].next) {
			struct tcp_path *q = &t->paths[i];

			if (q->n == p->n && q->cut == p->cut && q->closed == closed &&
			    !memcmp(q->st, p->st, p->n * sizeof(p->st[0]))) {
				q->count++;
				return;
			}
		}
	if (t->n_paths >= TCP_PATHS_MAX)
		goto overflow;
	if (t->n_paths == t->cap_paths) {
		size_t ncap = t->cap_paths ? t->cap_paths * 2 : 16;
		struct tcp_path *np = realloc(t->paths, ncap * sizeof(*np));

		if (!np)
			goto overflow;
		t->paths = np;
		t->cap_paths = ncap;
	}
	if (u64map_put(&t->path_idx, h, t->n_paths))
		goto overflow;
	struct tcp_path *q = &t->paths[t->n_paths];

	*q = (struct tcp_path){ .hash = h, .next = first, .n = p->n, .cut = p->cut,
				.closed = closed, .count = 1 };
	memcpy(q->st, p->st, p->n * sizeof(p->st[0]));
	t->n_paths++;
	return;
overflow:
	t->paths_overflow++;
}

static void path_append(struct tcp_sock_path *p, uint32_t state)
{
	if (p->n < TCP_PATH_STATES_MAX)
		p->st[p->n++] = state;
	else
		p->cut = true;
}

static void path_end(struct tcp_an *t, uint64_t sk)
{
	struct tcp_sock_path *p = lru_get(&t->socks, sk);

	if (!p)
		return;
	count_path(t, p, true);
	lru_del(&t->socks, sk);
}

static void path_step(struct tcp_an *t, const struct ns_event *ev)
{
	uint32_t from = ev->reason, to = (uint32_t)ev->aux;
	struct tcp_sock_path *p = lru_get_touch(&t->socks, ev->sk);

	if (!p) {
		/* many sockets open at once: forget the least recently changed one */
		if (lru_full(&t->socks)) {
			uint64_t old;

			lru_oldest(&t->socks, &old);
			lru_del(&t->socks, old);
			t->socks_evicted++;
		}
		p = lru_add(&t->socks, ev->sk);
		if (!p) {
			t->err = -ENOMEM;
			return;
		}
		path_append(p, from);
	} else {
		/* a transition we did not see (lost event): show both ends */
		if (p->n && !p->cut && p->st[p->n - 1] != from)
			path_append(p, from);
	}
	path_append(p, to);
	if (to == t->tcp_close)
		path_end(t, ev->sk);
}

void tcp_feed(struct tcp_an *t, const struct ns_event *ev)
{
	switch (ev->type) {
	case NS_EV_TCP_SEND_RESET:
		t->rst_sent++;
		/* no socket: the RST answers a segment no socket wanted (refused) */
		if (!ev->sk)
			t->rst_sent_nosk++;
		count_row(t, &t->rst_idx, &t->rst, &t->n_rst, &t->cap_rst, ev->reason);
		break;
	case NS_EV_TCP_RECEIVE_RESET:
		t->rst_received++;
		break;
	case NS_EV_INET_SOCK_SET_STATE:
		t->transitions++;
		count_row(t, &t->tr_idx, &t->tr, &t->n_tr, &t->cap_tr,
			  (uint64_t)ev->reason << 32 | (uint32_t)ev->aux);
		if (ev->sk)
			path_step(t, ev);
		break;
	case NS_EV_TCP_DESTROY_SOCK:
		path_end(t, ev->sk);
		break;
	default:
		break;
	}
}

static char *state_name(const struct report_ctx *ctx, uint32_t v)
{
	char buf[64];

	return strdup(an_enum_name(ctx, NS_NAMES_TCP_STATE, v, buf, sizeof(buf)));
}

static int build_paths(struct tcp_an *t, const struct report_ctx *ctx, struct rr_states *rs)
{
	rs->paths = calloc(t->n_paths ? t->n_paths : 1, sizeof(*rs->paths));
	if (!rs->paths)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_paths; i++) {
		const struct tcp_path *q = &t->paths[i];
		struct rr_sock_path *o = &rs->paths[rs->n_paths++];

		o->cut = q->cut;
		o->closed = q->closed;
		o->count = q->count;
		o->states = calloc(q->n ? q->n : 1, sizeof(*o->states));
		if (!o->states)
			return -ENOMEM;
		for (unsigned int k = 0; k < q->n; k++) {
			o->states[o->n_states] = state_name(ctx, q->st[k]);
			if (!o->states[o->n_states++])
				return -ENOMEM;
		}
	}
	return an_sort_rows(rs->paths, rs->n_paths, sizeof(*rs->paths),
			    offsetof(struct rr_sock_path, count));
}

int tcp_finish(struct tcp_an *t, const struct report_ctx *ctx, struct report_result *res)
{
	struct rr_resets *rr = &res->resets;
	struct rr_states *rs = &res->states;
	struct tcp_sock_path *p;
	uint64_t sk;
	char buf[64];

	/* sockets still open when the capture ended */
	while ((p = lru_oldest(&t->socks, &sk))) {
		count_path(t, p, false);
		lru_del(&t->socks, sk);
	}
	if (t->err)
		return t->err;

	rr->sent = t->rst_sent;
	rr->sent_no_socket = t->rst_sent_nosk;
	rr->received = t->rst_received;
	rr->reasons = calloc(t->n_rst ? t->n_rst : 1, sizeof(*rr->reasons));
	if (!rr->reasons)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_rst; i++) {
		struct rr_count *o = &rr->reasons[rr->n_reasons++];

		o->label = strdup(an_enum_name(ctx, NS_NAMES_RST_REASON, t->rst[i].key, buf, sizeof(buf)));
		o->count = t->rst[i].count;
		if (!o->label)
			return -ENOMEM;
	}

	rs->total = t->transitions;
	rs->paths_overflow = t->paths_overflow;
	rs->sockets_evicted = t->socks_evicted;
	rs->transitions = calloc(t->n_tr ? t->n_tr : 1, sizeof(*rs->transitions));
	if (!rs->transitions)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_tr; i++) {
		struct rr_transition *o = &rs->transitions[rs->n_transitions++];

		o->from = state_name(ctx, t->tr[i].key >> 32);
		o->to = state_name(ctx, (uint32_t)t->tr[i].key);
		o->count = t->tr[i].count;
		if (!o->from || !o->to)
			return -ENOMEM;
	}
	int err = an_sort_rows(rr->reasons, rr->n_reasons, sizeof(*rr->reasons),
			       offsetof(struct rr_count, count));
	if (!err)
		err = an_sort_rows(rs->transitions, rs->n_transitions, sizeof(*rs->transitions),
				   offsetof(struct rr_transition, count));
	if (!err)
		err = build_paths(t, ctx, rs);
	return err;
}

void tcp_free(struct tcp_an *t)
{
	u64map_free(&t->rst_idx);
	u64map_free(&t->tr_idx);
	u64map_free(&t->path_idx);
	free(t->rst);
	free(t->tr);
	free(t->paths);
	lru_free(&t->socks);
}

static int tcp_init_one(void **state, const struct report_ctx *ctx)
{
	struct tcp_an *t = malloc(sizeof(*t));

	if (!t)
		return -ENOMEM;
	tcp_init(t, ctx);
	t->ctx = ctx;
	*state = t;
	return 0;
}

static void tcp_feed_one(void *state, const struct ns_event *ev)
{
	tcp_feed(state, ev);
}

static int tcp_finish_one(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct tcp_an *t = state;

	return tcp_finish(t, t->ctx, res);
}

static void tcp_free_one(void *state)
{
	if (state)
		tcp_free(state);
	free(state);
}

static void tcp_free_part(struct report_result *res)
{
	an_free_counts(res->resets.reasons, res->resets.n_reasons);
	for (size_t i = 0; i < res->states.n_transitions; i++) {
		free(res->states.transitions[i].from);
		free(res->states.transitions[i].to);
	}
	free(res->states.transitions);
	for (size_t i = 0; i < res->states.n_paths; i++) {
		for (size_t k = 0; k < res->states.paths[i].n_states; k++)
			free(res->states.paths[i].states[k]);
		free(res->states.paths[i].states);
	}
	free(res->states.paths);
}

const struct analysis_ops tcp_analysis = {
	.name = "tcp",
	.parts = RR_PART_TCP,
	.init = tcp_init_one,
	.feed = tcp_feed_one,
	/* the cases of tcp_feed() */
	.types = 1ull << NS_EV_TCP_SEND_RESET | 1ull << NS_EV_TCP_RECEIVE_RESET |
		 1ull << NS_EV_INET_SOCK_SET_STATE | 1ull << NS_EV_TCP_DESTROY_SOCK,
	.finish = tcp_finish_one,
	.free = tcp_free_one,
	.free_part = tcp_free_part,
};
