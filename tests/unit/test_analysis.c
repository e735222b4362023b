// SPDX-License-Identifier: GPL-2.0
/*
 * The report's analyses, fed synthetic events: exact counts, journeys,
 * medians, links, caps, and text and JSON that agree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/journeys.h"
#include "analysis/report.h"
#include "analysis/result.h"
#include "analysis/table.h"
#include "render/report.h"

/* values as in a 6.x kernel; the test builds its own tables, as a trace file would carry */
#define R_NOT_SPECIFIED 2
#define R_NO_SOCKET 3
#define S_ESTABLISHED 1
#define S_SYN_SENT 2
#define S_SYN_RECV 3
#define S_FIN_WAIT1 4
#define S_FIN_WAIT2 5
#define S_CLOSE 7
#define S_CLOSE_WAIT 8
#define S_LAST_ACK 9
#define S_LISTEN 10
#define V_NET_RX 3
#define TCP_V4_RCV 0xffffffff81a00000ULL

static struct ns_names names;
static struct ksyms *ks;

static int group_setup(void **state)
{
	static const struct { enum ns_name_kind k; uint32_t v; const char *n; } tab[] = {
		{ NS_NAMES_DROP_REASON, R_NOT_SPECIFIED, "NOT_SPECIFIED" },
		{ NS_NAMES_DROP_REASON, R_NO_SOCKET, "NO_SOCKET" },
		{ NS_NAMES_TCP_STATE, S_ESTABLISHED, "TCP_ESTABLISHED" },
		{ NS_NAMES_TCP_STATE, S_SYN_SENT, "TCP_SYN_SENT" },
		{ NS_NAMES_TCP_STATE, S_SYN_RECV, "TCP_SYN_RECV" },
		{ NS_NAMES_TCP_STATE, S_FIN_WAIT1, "TCP_FIN_WAIT1" },
		{ NS_NAMES_TCP_STATE, S_FIN_WAIT2, "TCP_FIN_WAIT2" },
		{ NS_NAMES_TCP_STATE, S_CLOSE, "TCP_CLOSE" },
		{ NS_NAMES_TCP_STATE, S_CLOSE_WAIT, "TCP_CLOSE_WAIT" },
		{ NS_NAMES_TCP_STATE, S_LAST_ACK, "TCP_LAST_ACK" },
		{ NS_NAMES_TCP_STATE, S_LISTEN, "TCP_LISTEN" },
		{ NS_NAMES_RST_REASON, 0, "NOT_SPECIFIED" },
		{ NS_NAMES_SOFTIRQ, V_NET_RX, "NET_RX" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (ns_names_add(&names, tab[i].k, tab[i].v, tab[i].n))
			return -1;
	ks = ksyms__new();
	if (!ks || ksyms__add(ks, TCP_V4_RCV, "tcp_v4_rcv", NULL) ||
	    ksyms__add(ks, TCP_V4_RCV + 0x1000, "tcp_v4_do_rcv", NULL))
		return -1;
	ksyms__sort(ks);
	return 0;
}

static int group_teardown(void **state)
{
	ns_names_free(&names);
	ksyms__free(ks);
	return 0;
}

static struct report *new_report(unsigned int top)
{
	struct report_ctx ctx = { .names = &names, .ksyms = ks, .top = top };
	struct report *r = report_new(&ctx);

	assert_non_null(r);
	return r;
}

static struct ns_event ev_of(unsigned int type, uint64_t ts, uint64_t id, uint8_t flags)
{
	struct ns_event e = { 0 };

	e.type = type;
	e.ts_ns = ts;
	e.packet_id = id;
	e.skb = id ? 0xffff888000100000ULL + id * 0x100 : 0;
	e.flags = flags;
	e.stack_id = -1;
	e.ctx = NS_CTX_SOFTIRQ;
	return e;
}

static void set_tcp(struct ns_event *e, const char *src, uint16_t sport, const char *dst,
		    uint16_t dport, uint8_t flags)
{
	e->family = AF_INET;
	e->l3_proto = 0x0800;
	e->l4_proto = 6; /* IPPROTO_TCP */
	e->hdr = NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP;
	inet_pton(AF_INET, src, e->saddr);
	inet_pton(AF_INET, dst, e->daddr);
	e->sport = sport;
	e->dport = dport;
	e->tcp_flags = flags;
	strcpy(e->ifname, "veth1");
}

static void state_change(struct report *r, uint64_t ts, uint64_t sk, uint32_t from, uint32_t to)
{
	struct ns_event e = ev_of(NS_EV_INET_SOCK_SET_STATE, ts, 0, 0);

	e.sk = sk;
	e.reason = from;
	e.aux = (int32_t)to;
	report_feed(r, &e);
}

static char *render(const struct report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		render_report_json(report_result(r), f);
	else
		render_report_text(report_result(r), f);
	fclose(f);
	return buf;
}

static void refused_syn_journey_is_receive_then_drop_no_socket(void **state)
{
	struct report *r = new_report(0);
	struct ns_event rx = ev_of(NS_EV_NETIF_RECEIVE_SKB, 1000, 1, NS_F_NEW_PACKET);
	struct ns_event drop = ev_of(NS_EV_KFREE_SKB, 1500, 1, NS_F_END_PACKET);
	const struct report_result *res;

	set_tcp(&rx, "198.18.0.2", 40000, "198.18.0.1", 9, 0x02);
	drop.reason = R_NO_SOCKET;
	drop.location = TCP_V4_RCV + 0x1a;
	report_feed(r, &rx);
	report_feed(r, &drop);
	assert_int_equal(report_finish(r, NULL, false), 0);
	res = report_result(r);

	assert_int_equal(res->journeys.packets, 1);
	assert_int_equal(res->journeys.dropped, 1);
	assert_int_equal(res->journeys.n_seqs, 1);
	const struct rr_sequence *q = &res->journeys.seqs[0];
	assert_int_equal(q->count, 1);
	assert_int_equal(q->n_steps, 2);
	assert_int_equal(q->steps[0], NS_EV_NETIF_RECEIVE_SKB);
	assert_int_equal(q->steps[1], NS_EV_KFREE_SKB);
	assert_string_equal(q->fate, "dropped");
	assert_string_equal(q->reason, "NO_SOCKET");
	assert_int_equal(q->median_ns[0], 500);
	assert_true(q->example.valid);
	assert_string_equal(q->example.src, "198.18.0.2");
	assert_int_equal(q->example.sport, 40000);
	assert_string_equal(q->example.dst, "198.18.0.1");
	assert_int_equal(q->example.dport, 9);
	assert_string_equal(q->example.tcp_flags, "SYN");

	assert_int_equal(res->drops.total, 1);
	assert_int_equal(res->drops.n_reasons, 1);
	assert_string_equal(res->drops.reasons[0].name, "NO_SOCKET");
	assert_int_equal(res->drops.reasons[0].count, 1);
	assert_string_equal(res->drops.sites[0].location, "tcp_v4_rcv+0x1a");
	assert_string_equal(res->drops.functions[0].label, "tcp_v4_rcv");

	char *text = render(r, false);
	assert_non_null(strstr(text, "netif_receive_skb → kfree_skb\n"));
	assert_non_null(strstr(text, "1 packet, dropped NO_SOCKET"));
	free(text);
	report_free(r);
}

static void journey_median_step_time_is_exact(void **state)
{
	/* five packets: A -> B gaps 10 50 20 40 30 (median 30), B -> C gaps 1 2 3 1000 4 (median 3) */
	static const uint64_t ab[] = { 10, 50, 20, 40, 30 }, bc[] = { 1, 2, 3, 1000, 4 };
	struct report *r = new_report(0);
	const struct report_result *res;

	for (unsigned int i = 0; i < 5; i++) {
		uint64_t t0 = 1000000 * (i + 1);
		struct ns_event a = ev_of(NS_EV_NET_DEV_QUEUE, t0, i + 1, NS_F_NEW_PACKET);
		struct ns_event b = ev_of(NS_EV_NET_DEV_START_XMIT, t0 + ab[i], i + 1, 0);
		struct ns_event c = ev_of(NS_EV_CONSUME_SKB, t0 + ab[i] + bc[i], i + 1, NS_F_END_PACKET);

		report_feed(r, &a);
		report_feed(r, &b);
		report_feed(r, &c);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	res = report_result(r);
	assert_int_equal(res->journeys.n_seqs, 1);
	assert_int_equal(res->journeys.seqs[0].count, 5);
	assert_int_equal(res->journeys.seqs[0].median_ns[0], 30);
	assert_int_equal(res->journeys.seqs[0].median_ns[1], 3);
	assert_false(res->journeys.seqs[0].median_sampled);
	assert_string_equal(res->journeys.seqs[0].fate, "consumed");
	report_free(r);

	/* an even number of gaps: the mean of the middle two, rounded down */
	r = new_report(0);
	for (unsigned int i = 0; i < 4; i++) {
		uint64_t t0 = 1000000 * (i + 1);
		struct ns_event a = ev_of(NS_EV_NET_DEV_QUEUE, t0, i + 1, NS_F_NEW_PACKET);
		struct ns_event c = ev_of(NS_EV_CONSUME_SKB, t0 + ab[i], i + 1, NS_F_END_PACKET);

		report_feed(r, &a);
		report_feed(r, &c);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	/* 10 20 40 50 -> (20 + 40) / 2 */
	assert_int_equal(report_result(r)->journeys.seqs[0].median_ns[0], 30);
	report_free(r);
}

static void steps_of_a_packet_are_ordered_by_time(void **state)
{
	struct report *r = new_report(0);
	/* the ring buffer delivered the later event of another CPU first */
	struct ns_event b = ev_of(NS_EV_NETIF_RECEIVE_SKB, 2000, 9, 0);
	struct ns_event a = ev_of(NS_EV_NETIF_RX, 1000, 9, NS_F_NEW_PACKET);
	struct ns_event c = ev_of(NS_EV_CONSUME_SKB, 3000, 9, NS_F_END_PACKET);

	b.cpu = 1;
	report_feed(r, &b);
	report_feed(r, &a);
	report_feed(r, &c);
	assert_int_equal(report_finish(r, NULL, false), 0);
	const struct rr_sequence *q = &report_result(r)->journeys.seqs[0];
	assert_int_equal(q->n_steps, 3);
	assert_int_equal(q->steps[0], NS_EV_NETIF_RX);
	assert_int_equal(q->steps[1], NS_EV_NETIF_RECEIVE_SKB);
	assert_false(q->partial);
	report_free(r);
}

static void state_transitions_are_counted_in_order(void **state)
{
	struct report *r = new_report(20);
	const struct report_result *res;
	uint64_t t = 1000;

	/* a connect/close of the client, the server's listener and child, and the client again */
	for (int round = 0; round < 2; round++) {
		uint64_t c = 0xffff888000a00000ULL + round * 0x1000;

		state_change(r, t++, c, S_CLOSE, S_SYN_SENT);
		if (!round) {
			state_change(r, t++, 0xffff888000b00000ULL, S_CLOSE, S_LISTEN);
			state_change(r, t++, 0xffff888000c00000ULL, S_LISTEN, S_SYN_RECV);
		}
		state_change(r, t++, c, S_SYN_SENT, S_ESTABLISHED);
		if (!round)
			state_change(r, t++, 0xffff888000c00000ULL, S_SYN_RECV, S_ESTABLISHED);
		state_change(r, t++, c, S_ESTABLISHED, S_FIN_WAIT1);
		if (!round)
			state_change(r, t++, 0xffff888000c00000ULL, S_ESTABLISHED, S_CLOSE_WAIT);
		state_change(r, t++, c, S_FIN_WAIT1, S_FIN_WAIT2);
		if (!round) {
			state_change(r, t++, 0xffff888000c00000ULL, S_CLOSE_WAIT, S_LAST_ACK);
			state_change(r, t++, 0xffff888000c00000ULL, S_LAST_ACK, S_CLOSE);
		}
		state_change(r, t++, c, S_FIN_WAIT2, S_CLOSE);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	res = report_result(r);

	static const char *const want[][3] = {
		/* twice each, in the order first seen */
		{ "TCP_CLOSE", "TCP_SYN_SENT", "2" },
		{ "TCP_SYN_SENT", "TCP_ESTABLISHED", "2" },
		{ "TCP_ESTABLISHED", "TCP_FIN_WAIT1", "2" },
		{ "TCP_FIN_WAIT1", "TCP_FIN_WAIT2", "2" },
		{ "TCP_FIN_WAIT2", "TCP_CLOSE", "2" },
		/* once each, in the order first seen */
		{ "TCP_CLOSE", "TCP_LISTEN", "1" },
		{ "TCP_LISTEN", "TCP_SYN_RECV", "1" },
		{ "TCP_SYN_RECV", "TCP_ESTABLISHED", "1" },
		{ "TCP_ESTABLISHED", "TCP_CLOSE_WAIT", "1" },
		{ "TCP_CLOSE_WAIT", "TCP_LAST_ACK", "1" },
		{ "TCP_LAST_ACK", "TCP_CLOSE", "1" },
	};
	assert_int_equal(res->states.total, 16);
	assert_int_equal(res->states.n_transitions, 11);
	for (size_t i = 0; i < 11; i++) {
		assert_string_equal(res->states.transitions[i].from, want[i][0]);
		assert_string_equal(res->states.transitions[i].to, want[i][1]);
		assert_int_equal(res->states.transitions[i].count, atoi(want[i][2]));
	}

	/* per socket: the client's path twice, the child's once, the listener open at the end */
	assert_int_equal(res->states.n_paths, 3);
	const struct rr_sock_path *p = &res->states.paths[0];
	assert_int_equal(p->count, 2);
	assert_true(p->closed);
	assert_int_equal(p->n_states, 6);
	assert_string_equal(p->states[0], "TCP_CLOSE");
	assert_string_equal(p->states[1], "TCP_SYN_SENT");
	assert_string_equal(p->states[2], "TCP_ESTABLISHED");
	assert_string_equal(p->states[5], "TCP_CLOSE");
	p = &res->states.paths[1];
	assert_int_equal(p->count, 1);
	assert_true(p->closed);
	assert_int_equal(p->n_states, 6);
	assert_string_equal(p->states[0], "TCP_LISTEN");
	assert_string_equal(p->states[4], "TCP_LAST_ACK");
	p = &res->states.paths[2];
	assert_false(p->closed);
	assert_int_equal(p->n_states, 2);
	assert_string_equal(p->states[1], "TCP_LISTEN");

	char *text = render(r, false);
	assert_non_null(strstr(text, "TCP_CLOSE -> TCP_LISTEN  (open at end)"));
	free(text);
	report_free(r);
}

static struct ns_capture_stats some_stats(uint64_t lost)
{
	struct ns_capture_stats st = { 0 };

	st.produced[NS_EV_KFREE_SKB] = 100;
	st.captured[NS_EV_KFREE_SKB] = 100 - lost;
	st.lost[NS_EV_KFREE_SKB] = lost;
	return st;
}

static void lost_events_are_shown_when_nonzero(void **state)
{
	struct ns_capture_stats st = some_stats(10);
	struct report *r = new_report(0);
	char *text, *json;

	assert_int_equal(report_finish(r, &st, false), 0);
	text = render(r, false);
	assert_non_null(strstr(text, "!! LOST 10 of 100 produced events (10.00%)"));
	assert_non_null(strstr(text, "       100         90         10  kfree_skb"));
	json = render(r, true);
	assert_non_null(strstr(json, "\"lost\":{\"stats\":true,\"truncated\":false,\"read\":0,"
				     "\"produced\":100,\"captured\":90,\"lost\":10,"));
	free(text);
	free(json);
	report_free(r);

	/* events the trace writer could not keep: said, as lost events are */
	st = some_stats(0);
	st.writer_dropped = 7;
	st.writer_stalls = 3;
	st.writer_stall_ns = 2500000;
	r = new_report(0);
	assert_int_equal(report_finish(r, &st, false), 0);
	text = render(r, false);
	assert_non_null(strstr(text, "!! 7 captured events were not written: the trace writer fell behind"));
	assert_non_null(strstr(text, "the ring consumer waited 3 times for the trace writer (2.5 ms in all)"));
	json = render(r, true);
	assert_non_null(strstr(json, "\"writer_dropped\":7,\"writer_stalls\":3,\"writer_stall_ns\":2500000"));
	free(text);
	free(json);
	report_free(r);

	/* nothing lost: said so, without the alarm */
	st = some_stats(0);
	r = new_report(0);
	assert_int_equal(report_finish(r, &st, false), 0);
	text = render(r, false);
	assert_null(strstr(text, "LOST"));
	assert_non_null(strstr(text, "none: 100 produced, 100 captured, 0 lost"));
	free(text);
	report_free(r);

	/* no stats, cut off: unknown, not zero */
	r = new_report(0);
	assert_int_equal(report_finish(r, NULL, true), 0);
	text = render(r, false);
	assert_non_null(strstr(text, "unknown: trace has no stats"));
	assert_non_null(strstr(text, "!! TRUNCATED"));
	json = render(r, true);
	assert_non_null(strstr(json, "\"produced\":null,\"captured\":null,\"lost\":null"));
	free(text);
	free(json);
	report_free(r);
}

/* the number after `key` in s (first match after `after`), or -1 */
static long long number_after(const char *s, const char *after, const char *key)
{
	const char *p = after ? strstr(s, after) : s;

	if (!p || !(p = strstr(p + (after ? strlen(after) : 0), key)))
		return -1;
	return strtoll(p + strlen(key), NULL, 10);
}

static void json_and_text_show_same_counts(void **state)
{
	struct report *r = new_report(0);
	struct ns_capture_stats st = { 0 };
	char *text, *json;

	/* 3 refused SYNs, each answered by a reset; 2 sent packets; one state change */
	for (uint64_t id = 1; id <= 3; id++) {
		struct ns_event rx = ev_of(NS_EV_NETIF_RECEIVE_SKB, id * 10000, id, NS_F_NEW_PACKET);
		struct ns_event rst = ev_of(NS_EV_TCP_SEND_RESET, id * 10000 + 300, id, 0);
		struct ns_event drop = ev_of(NS_EV_KFREE_SKB, id * 10000 + 700, id, NS_F_END_PACKET);

		drop.reason = R_NO_SOCKET;
		drop.location = TCP_V4_RCV + 0x20;
		report_feed(r, &rx);
		report_feed(r, &rst);
		report_feed(r, &drop);
	}
	for (uint64_t id = 4; id <= 5; id++) {
		struct ns_event q = ev_of(NS_EV_NET_DEV_QUEUE, id * 10000, id, NS_F_NEW_PACKET);

		report_feed(r, &q);
	}
	state_change(r, 60000, 0xffff888000a00000ULL, S_CLOSE, S_SYN_SENT);
	for (unsigned int t = 0; t < NS_EV__COUNT; t++)
		st.produced[t] = st.captured[t] = 1;
	st.produced[NS_EV_KFREE_SKB] += 4;
	st.lost[NS_EV_KFREE_SKB] = 4;
	assert_int_equal(report_finish(r, &st, false), 0);
	text = render(r, false);
	json = render(r, true);

	assert_int_equal(number_after(json, "\"events\":", "\"total\":"), 12);
	assert_int_equal(number_after(text, NULL, "\nevents: "), 12);
	assert_int_equal(number_after(json, "\"lost\":{", "\"lost\":"), 4);
	assert_int_equal(number_after(text, NULL, "LOST "), 4);
	assert_int_equal(number_after(json, "\"drops\":", "\"total\":"), 3);
	assert_int_equal(number_after(text, NULL, "\ndrops: "), 3);
	assert_int_equal(number_after(json, "\"by_reason\":", "\"count\":"), 3);
	assert_int_equal(number_after(text, "by reason\n", "\n  "), 3);
	assert_int_equal(number_after(json, "\"resets\":", "\"sent\":"), 3);
	assert_int_equal(number_after(text, NULL, "TCP resets: "), 3);
	assert_int_equal(number_after(json, "\"states\":", "\"total\":"), 1);
	assert_int_equal(number_after(text, NULL, "TCP state transitions: "), 1);
	assert_int_equal(number_after(json, "\"journeys\":", "\"packets\":"), 5);
	assert_int_equal(number_after(text, NULL, "packet journeys: "), 5);
	assert_int_equal(number_after(json, "\"journeys\":", "\"alive\":"), 2);
	assert_int_equal(number_after(text, "packet journeys: ", "consumed, "), 2);
	assert_int_equal(number_after(json, "\"sequences\":", "\"count\":"), 3);
	assert_int_equal(number_after(text, NULL, "  #1   "), 3);
	assert_int_equal(number_after(json, "\"sequences\":", "\"median_step_ns\":["), 300);
	assert_non_null(strstr(text, "median step times: +300ns +400ns"));
	free(text);
	free(json);
	report_free(r);
}

static void sequences_beyond_cap_go_to_other(void **state)
{
	struct report *r = new_report(0);
	const unsigned int n = JOURNEY_SEQS_MAX + 10;
	const struct report_result *res;

	/* packet k takes three steps chosen by the base-20 digits of k: all distinct */
	for (unsigned int k = 0; k < n; k++) {
		uint64_t t = 1000000ULL * (k + 1);
		unsigned int d[3] = { k % 20, k / 20 % 20, k / 400 % 20 };

		for (unsigned int s = 0; s < 3; s++) {
			struct ns_event e = ev_of(NS_EV_NET_DEV_QUEUE + d[s], t + s, k + 1,
						  s ? 0 : NS_F_NEW_PACKET);

			report_feed(r, &e);
		}
		struct ns_event end = ev_of(NS_EV_CONSUME_SKB, t + 3, k + 1, NS_F_END_PACKET);
		report_feed(r, &end);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	res = report_result(r);
	assert_int_equal(res->journeys.packets, n);
	assert_int_equal(res->journeys.consumed, n);
	assert_int_equal(res->journeys.n_seqs, JOURNEY_SEQS_MAX);
	assert_int_equal(res->journeys.overflow_packets, 10);
	char *text = render(r, false);
	assert_non_null(strstr(text, "other: 10 packets whose sequence did not fit the table"));
	free(text);
	report_free(r);
}

/*
 * A bulk transfer's skbs are freed by __kfree_skb(), which has no
 * tracepoint: their packets never end.  Beyond JOURNEY_LIVE_MAX of them the
 * one idle longest is closed, so memory stops growing, and every packet
 * still counts, as not freed, in one sequence.
 */
static void never_freed_packets_beyond_the_live_cap_are_closed_and_counted(void **state)
{
	struct report *r = new_report(0);
	const unsigned int n = JOURNEY_LIVE_MAX + 100;
	const struct report_result *res;

	for (unsigned int k = 0; k < n; k++) {
		struct ns_event e = ev_of(NS_EV_NET_DEV_QUEUE, 1000ULL * (k + 1), k + 1, NS_F_NEW_PACKET);

		report_feed(r, &e);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	res = report_result(r);
	assert_int_equal(res->journeys.packets, n);
	assert_int_equal(res->journeys.alive, n);
	assert_int_equal(res->journeys.evicted, 100);
	assert_int_equal(res->journeys.n_seqs, 1);
	assert_int_equal(res->journeys.seqs[0].count, n);
	char *text = render(r, false);
	assert_non_null(strstr(text, "100 packets closed early as not freed"));
	free(text);
	report_free(r);
}

static void unknown_drop_reason_prints_its_number(void **state)
{
	struct report *r = new_report(0);
	struct ns_event drop = ev_of(NS_EV_KFREE_SKB, 1000, 0, 0);
	char *text;

	drop.reason = 4242;
	drop.location = 0xffffffffc0001234ULL; /* in no symbol we know */
	report_feed(r, &drop);
	assert_int_equal(report_finish(r, NULL, false), 0);
	assert_string_equal(report_result(r)->drops.reasons[0].name, "reason#4242");
	text = render(r, false);
	assert_non_null(strstr(text, "reason#4242"));
	free(text);
	report_free(r);
}

static void state_change_links_to_packet_on_same_socket(void **state)
{
	struct report *r = new_report(0);
	const uint64_t sk = 0xffff888000d00000ULL;
	/* tcp_connect(): SYN_SENT is set before the SYN is queued */
	struct ns_event syn = ev_of(NS_EV_NET_DEV_QUEUE, 10200, 1, NS_F_NEW_PACKET);
	struct ns_event done = ev_of(NS_EV_CONSUME_SKB, 10400, 1, NS_F_END_PACKET);
	/* far from any packet on its socket: not linked */
	struct ns_event destroy = ev_of(NS_EV_TCP_DESTROY_SOCK, 90000000, 0, 0);

	syn.sk = sk;
	destroy.sk = sk;
	state_change(r, 10000, sk, S_CLOSE, S_SYN_SENT);
	report_feed(r, &syn);
	state_change(r, 10300, sk, S_SYN_SENT, S_ESTABLISHED);
	report_feed(r, &done);
	report_feed(r, &destroy);
	assert_int_equal(report_finish(r, NULL, false), 0);

	const struct rr_journeys *j = &report_result(r)->journeys;
	assert_int_equal(j->n_seqs, 1);
	assert_int_equal(j->seqs[0].n_linked, 2);
	assert_string_equal(j->seqs[0].linked[0].label, "state TCP_CLOSE -> TCP_SYN_SENT");
	assert_string_equal(j->seqs[0].linked[1].label, "state TCP_SYN_SENT -> TCP_ESTABLISHED");
	assert_int_equal(j->n_by_socket, 2);
	assert_int_equal(j->by_socket[0].type, NS_EV_TCP_DESTROY_SOCK);
	assert_int_equal(j->by_socket[0].linked, 0);
	assert_int_equal(j->by_socket[0].unlinked, 1);
	assert_int_equal(j->by_socket[1].type, NS_EV_INET_SOCK_SET_STATE);
	assert_int_equal(j->by_socket[1].linked, 2);
	assert_int_equal(j->by_socket[1].unlinked, 0);
	report_free(r);
}

static void net_rx_softirq_contains_packet_events_on_its_cpu(void **state)
{
	struct report *r = new_report(0);
	struct ns_event in = ev_of(NS_EV_SOFTIRQ_ENTRY, 1000, 0, 0);
	struct ns_event p1 = ev_of(NS_EV_NETIF_RECEIVE_SKB, 1100, 1, NS_F_NEW_PACKET);
	struct ns_event p2 = ev_of(NS_EV_NETIF_RECEIVE_SKB, 1150, 2, NS_F_NEW_PACKET);
	struct ns_event out = ev_of(NS_EV_SOFTIRQ_EXIT, 1200, 0, 0);
	struct ns_event p3 = ev_of(NS_EV_NETIF_RECEIVE_SKB, 1300, 3, NS_F_NEW_PACKET);

	in.cpu = out.cpu = p1.cpu = p3.cpu = 1;
	p2.cpu = 2; /* another CPU: not in the run */
	in.reason = out.reason = V_NET_RX;
	report_feed(r, &in);
	report_feed(r, &p1);
	report_feed(r, &p2);
	report_feed(r, &out);
	report_feed(r, &p3); /* after the exit */
	assert_int_equal(report_finish(r, NULL, false), 0);

	const struct rr_journeys *j = &report_result(r)->journeys;
	assert_int_equal(j->n_softirqs, 1);
	assert_string_equal(j->softirqs[0].vec, "NET_RX");
	assert_int_equal(j->softirqs[0].runs, 1);
	assert_int_equal(j->softirqs[0].runs_with_packets, 1);
	assert_int_equal(j->softirqs[0].packet_events, 1);
	/* three alive packets, one sequence; one of them linked to the run */
	assert_int_equal(j->n_seqs, 1);
	assert_int_equal(j->seqs[0].count, 3);
	assert_int_equal(j->seqs[0].n_linked, 1);
	assert_string_equal(j->seqs[0].linked[0].label, "softirq NET_RX");
	assert_int_equal(j->seqs[0].linked[0].count, 1);
	report_free(r);
}

static void hash_map_deletes_keep_other_keys_reachable(void **state)
{
	struct u64map m = { 0 };
	uint32_t v;

	for (uint32_t i = 0; i < 5000; i++)
		assert_int_equal(u64map_put(&m, (uint64_t)i * 64, i), 0);
	/* delete every third key: probe runs get holes that must be shifted shut */
	for (uint32_t i = 0; i < 5000; i += 3)
		assert_true(u64map_del(&m, (uint64_t)i * 64));
	for (uint32_t i = 0; i < 5000; i++) {
		bool found = u64map_get(&m, (uint64_t)i * 64, &v);

		assert_int_equal(found, i % 3 != 0);
		if (found)
			assert_int_equal(v, i);
	}
	assert_int_equal(m.n, 5000 - 1667);
	u64map_free(&m);
}

static void top_hides_the_same_rows_in_text_and_json(void **state)
{
	struct report *r = new_report(1);
	char *text, *json;

	for (uint32_t i = 0; i < 3; i++) {
		struct ns_event drop = ev_of(NS_EV_KFREE_SKB, 1000 + i, 0, 0);

		drop.reason = i == 0 ? R_NO_SOCKET : R_NOT_SPECIFIED;
		report_feed(r, &drop);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	text = render(r, false);
	json = render(r, true);
	assert_non_null(strstr(text, "         2  NOT_SPECIFIED\n    ... 1 more rows, 1 drops"));
	assert_non_null(strstr(json, "\"by_reason\":{\"rows\":[{\"reason\":\"NOT_SPECIFIED\","
				     "\"value\":2,\"count\":2}],\"omitted_rows\":1,\"omitted_count\":1}"));
	free(text);
	free(json);
	report_free(r);
}

static void reused_skb_with_another_tcp_segment_starts_a_new_journey(void **state)
{
	struct report *r = new_report(0);
	/* one id, two segments: the first was freed by __kfree_skb() (no tracepoint) */
	struct ns_event a1 = ev_of(NS_EV_NET_DEV_QUEUE, 1000, 4, NS_F_NEW_PACKET);
	struct ns_event a2 = ev_of(NS_EV_NETIF_RECEIVE_SKB, 2000, 4, 0);
	struct ns_event b1 = ev_of(NS_EV_NET_DEV_QUEUE, 50000, 4, 0);
	struct ns_event b2 = ev_of(NS_EV_CONSUME_SKB, 51000, 4, NS_F_END_PACKET);

	set_tcp(&a1, "198.18.0.1", 33570, "198.18.0.2", 8080, 0x18);
	a1.seq = 100;
	a1.ack_seq = 7;
	set_tcp(&a2, "198.18.0.1", 33570, "198.18.0.2", 8080, 0x18 | 0x40); /* ECE set on the way */
	a2.seq = 100;
	a2.ack_seq = 7;
	set_tcp(&b1, "198.18.0.1", 33570, "198.18.0.2", 8080, 0x10);
	b1.seq = 150;
	b1.ack_seq = 7;
	report_feed(r, &a1);
	report_feed(r, &a2);
	report_feed(r, &b1);
	report_feed(r, &b2);
	assert_int_equal(report_finish(r, NULL, false), 0);

	const struct rr_journeys *j = &report_result(r)->journeys;
	assert_int_equal(j->split, 1);
	assert_int_equal(j->packets, 2);
	assert_int_equal(j->alive, 1);
	assert_int_equal(j->consumed, 1);
	assert_int_equal(j->n_seqs, 2);
	assert_int_equal(j->seqs[0].n_steps, 2);
	assert_int_equal(j->seqs[0].steps[1], NS_EV_NETIF_RECEIVE_SKB);
	assert_string_equal(j->seqs[0].fate, "alive");
	assert_int_equal(j->seqs[1].steps[0], NS_EV_NET_DEV_QUEUE);
	assert_int_equal(j->seqs[1].steps[1], NS_EV_CONSUME_SKB);
	assert_string_equal(j->seqs[1].example.tcp_flags, "ACK");
	report_free(r);
}

static void capture_header_names_kernel_host_methods_and_filter(void **state)
{
	struct ns_meta meta = { 0 };
	struct report_ctx ctx = { .meta = &meta, .names = &names };
	struct report *r;
	char *text, *json;

	assert_int_equal(ns_meta_set(&meta, "kernel.release", "6.8.0-test"), 0);
	assert_int_equal(ns_meta_set(&meta, "host.name", "lab1"), 0);
	assert_int_equal(ns_meta_set(&meta, "capture.method", "tp_btf+raw_tp"), 0);
	assert_int_equal(ns_meta_set(&meta, "capture.events",
				     "kfree_skb=tp_btf,consume_skb=raw_tp,net_dev_queue=tp_btf"), 0);
	assert_int_equal(ns_meta_set(&meta, "capture.filter", "netns=4026532177"), 0);
	assert_int_equal(ns_meta_set(&meta, "scenario", "refused"), 0);
	assert_int_equal(ns_meta_set(&meta, "capture.ring_size", "8388608"), 0);
	r = report_new(&ctx);
	assert_non_null(r);
	assert_int_equal(report_finish(r, NULL, false), 0);

	const struct rr_capture *c = &report_result(r)->capture;
	assert_string_equal(c->kernel, "6.8.0-test");
	assert_string_equal(c->host, "lab1");
	assert_string_equal(c->method, "tp_btf+raw_tp");
	assert_string_equal(c->filter, "netns=4026532177");
	assert_string_equal(c->scenario, "refused");
	assert_int_equal(c->n_methods, 3);
	assert_string_equal(c->methods[1].key, "consume_skb");
	assert_string_equal(c->methods[1].value, "raw_tp");
	assert_int_equal(c->n_other, 1);
	assert_string_equal(c->other[0].key, "capture.ring_size");

	text = render(r, false);
	assert_non_null(strstr(text, "per event    tp_btf: kfree_skb net_dev_queue\n"));
	assert_non_null(strstr(text, "raw_tp: consume_skb\n"));
	json = render(r, true);
	assert_non_null(strstr(json, "\"methods\":{\"kfree_skb\":\"tp_btf\",\"consume_skb\":\"raw_tp\","
				     "\"net_dev_queue\":\"tp_btf\"}"));
	assert_non_null(strstr(json, "\"meta\":{\"capture.ring_size\":\"8388608\"}"));
	free(text);
	free(json);
	report_free(r);
	ns_meta_free(&meta);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_syn_journey_is_receive_then_drop_no_socket),
		cmocka_unit_test(journey_median_step_time_is_exact),
		cmocka_unit_test(steps_of_a_packet_are_ordered_by_time),
		cmocka_unit_test(state_transitions_are_counted_in_order),
		cmocka_unit_test(lost_events_are_shown_when_nonzero),
		cmocka_unit_test(json_and_text_show_same_counts),
		cmocka_unit_test(sequences_beyond_cap_go_to_other),
		cmocka_unit_test(never_freed_packets_beyond_the_live_cap_are_closed_and_counted),
		cmocka_unit_test(unknown_drop_reason_prints_its_number),
		cmocka_unit_test(state_change_links_to_packet_on_same_socket),
		cmocka_unit_test(net_rx_softirq_contains_packet_events_on_its_cpu),
		cmocka_unit_test(hash_map_deletes_keep_other_keys_reachable),
		cmocka_unit_test(top_hides_the_same_rows_in_text_and_json),
		cmocka_unit_test(reused_skb_with_another_tcp_segment_starts_a_new_journey),
		cmocka_unit_test(capture_header_names_kernel_host_methods_and_filter),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
