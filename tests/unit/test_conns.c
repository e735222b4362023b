// SPDX-License-Identifier: GPL-2.0
/*
 * The "conns" view on a hand-made connection through a veth pair: a
 * listener, connect, 64 bytes, the server closing first; the exact order
 * of the segments, seq/ack relative to each side's ISN, both sockets'
 * states, srtt, TIME_WAIT, and what a full table does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/conns.h"

#define NS_A 4026532178u
#define NS_B 4026532247u
#define SK_L 0xa000u	/* listener */
#define SK_C 0xc000u	/* client */
#define SK_S 0x5000u	/* server child */
#define CISN 1000000u
#define SISN 7000000u

#define FIN 0x01
#define SYN 0x02
#define PSH 0x08
#define ACK 0x10

/* ABI numbering (include/net/tcp_states.h): the trace has no names here */
enum { EST = 1, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK,
       LISTEN };

static uint64_t ts;

static void ep(struct ns_event *ev, bool c2s, uint16_t cport)
{
	uint8_t a[4] = { 198, 18, 0, 1 }, b[4] = { 198, 18, 0, 2 };

	ev->family = 2;
	memcpy(ev->saddr, c2s ? a : b, 4);
	memcpy(ev->daddr, c2s ? b : a, 4);
	ev->sport = c2s ? cport : 8080;
	ev->dport = c2s ? 8080 : cport;
}

static void state(struct conns_an *c, uint64_t sk, uint32_t netns, int from, int to, bool c2s,
		  uint16_t cport)
{
	struct ns_event ev = { .ts_ns = ts += 1000, .type = NS_EV_INET_SOCK_SET_STATE, .sk = sk,
			       .netns = netns, .reason = from, .aux = to, .l4_proto = 6,
			       .stack_id = -1 };

	ep(&ev, c2s, cport);
	if (to == LISTEN || (from == LISTEN && to == CLOSE))
		memset(ev.daddr, 0, 16), ev.dport = 0;
	conns_feed(c, &ev);
}

/* one segment through the veth: sent in one namespace, received in the other */
static void segment(struct conns_an *c, uint64_t id, bool c2s, uint8_t flags, uint32_t seq,
		    uint32_t ack, uint32_t len)
{
	struct ns_event ev = { .type = NS_EV_NET_DEV_QUEUE, .packet_id = id, .l4_proto = 6,
			       .hdr = NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP, .tcp_flags = flags,
			       .seq = seq, .ack_seq = ack, .stack_id = -1 };

	ep(&ev, c2s, 41234);
	ev.ts_ns = ts += 1000;
	ev.netns = c2s ? NS_A : NS_B;
	ev.sk = c2s ? SK_C : 0;
	ev.len = len + 14;
	ev.flags = NS_F_NEW_PACKET;
	conns_feed(c, &ev);
	ev.ts_ns = ts += 1000;
	ev.type = NS_EV_NETIF_RECEIVE_SKB;
	ev.netns = c2s ? NS_B : NS_A;
	ev.len = len;
	ev.flags = 0;
	conns_feed(c, &ev);
}

static void probe(struct conns_an *c, uint64_t sk, uint32_t srtt)
{
	struct ns_event ev = { .ts_ns = ts += 1000, .type = NS_EV_TCP_PROBE, .sk = sk,
			       .aux = 10, .aux2 = srtt, .stack_id = -1 };

	conns_feed(c, &ev);
}

/* listen, connect, 64 bytes each way, the server closes first */
static void one_connection(struct conns_an *c)
{
	state(c, SK_L, NS_B, CLOSE, LISTEN, false, 0);
	state(c, SK_C, NS_A, CLOSE, SYN_SENT, true, 0);	/* no source port yet */
	segment(c, 1, true, SYN, CISN, 0, 60);
	segment(c, 2, false, SYN | ACK, SISN, CISN + 1, 60);
	state(c, SK_C, NS_A, SYN_SENT, EST, true, 41234);
	segment(c, 3, true, ACK, CISN + 1, SISN + 1, 52);
	state(c, SK_S, NS_B, LISTEN, SYN_RECV, false, 41234);
	state(c, SK_S, NS_B, SYN_RECV, EST, false, 41234);
	segment(c, 4, true, PSH | ACK, CISN + 1, SISN + 1, 116);
	probe(c, SK_S, 50);
	segment(c, 5, false, ACK, SISN + 1, CISN + 65, 52);
	probe(c, SK_C, 80);
	segment(c, 6, false, PSH | ACK, SISN + 1, CISN + 65, 116);
	probe(c, SK_C, 60);
	segment(c, 7, true, ACK, CISN + 65, SISN + 65, 52);
	probe(c, SK_S, 40);
	state(c, SK_S, NS_B, EST, FIN_WAIT1, false, 41234);
	segment(c, 8, false, FIN | ACK, SISN + 65, CISN + 65, 52);
	state(c, SK_C, NS_A, EST, CLOSE_WAIT, true, 41234);
	state(c, SK_L, NS_B, LISTEN, CLOSE, false, 0);
	state(c, SK_C, NS_A, CLOSE_WAIT, LAST_ACK, true, 41234);
	segment(c, 9, true, FIN | ACK, CISN + 65, SISN + 66, 52);
	state(c, SK_S, NS_B, FIN_WAIT1, FIN_WAIT2, false, 41234);
	segment(c, 10, false, ACK, SISN + 66, CISN + 66, 52);
	state(c, SK_S, NS_B, FIN_WAIT2, CLOSE, false, 0);	/* tcp_time_wait -> tcp_done */
	state(c, SK_C, NS_A, LAST_ACK, CLOSE, true, 0);
}

static void path(const struct conn_sock *s, char *buf, size_t len)
{
	size_t at = snprintf(buf, len, "%s", s->n_states ? s->states[0].from : "-");

	for (size_t i = 0; i < s->n_states; i++)
		at += snprintf(buf + at, len - at, ">%s", s->states[i].to);
}

static void handshake_data_close_in_order_with_relative_seq_ack(void **state)
{
	struct conns_an *c = conns_new(NULL, 0);
	struct conns_result r;
	static const char *const flags[] = { "SYN", "SYN,ACK", "ACK", "PSH,ACK", "ACK", "PSH,ACK",
					     "ACK", "FIN,ACK", "FIN,ACK", "ACK" };
	static const int dirs[] = { 0, 1, 0, 0, 1, 1, 0, 1, 0, 1 };
	static const uint32_t seqs[] = { 0, 0, 1, 1, 1, 1, 65, 65, 65, 66 };
	static const uint32_t acks[] = { 0, 1, 1, 1, 65, 65, 65, 65, 66, 66 };
	static const int64_t payloads[] = { 0, 0, 0, 64, 0, 64, 0, 0, 0, -1 };
	char buf[256];

	assert_non_null(c);
	ts = 0;
	one_connection(c);
	assert_int_equal(conns_finish(c, &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.started, 1);
	assert_int_equal(r.stray, 0);
	assert_string_equal(r.conns[0].client, "198.18.0.1:41234");
	assert_string_equal(r.conns[0].server, "198.18.0.2:8080");
	assert_int_equal(r.conns[0].n_segs, 10);
	for (size_t i = 0; i < 10; i++) {
		const struct conn_segment *s = &r.conns[0].segs[i];

		assert_string_equal(s->flags_str, flags[i]);
		assert_int_equal(s->dir, dirs[i]);
		assert_true(s->rel && s->sent && s->received);
		assert_int_equal(s->seq, seqs[i]);
		assert_int_equal(s->ack, acks[i]);
		assert_int_equal(s->payload, payloads[i]);
		assert_int_equal(s->packet_id, i + 1);
	}
	path(&r.conns[0].side[CONN_CLIENT], buf, sizeof(buf));
	assert_string_equal(buf, "CLOSE>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE");
	path(&r.conns[0].side[CONN_SERVER], buf, sizeof(buf));
	assert_string_equal(buf, "LISTEN>SYN_RECV>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE");
	path(&r.conns[0].side[CONN_LISTENER], buf, sizeof(buf));
	assert_string_equal(buf, "CLOSE>LISTEN>CLOSE");
	/* t = 0 is the client's CLOSE -> SYN_SENT; the listener's LISTEN is before it */
	assert_int_equal(r.conns[0].side[CONN_CLIENT].first_ns, 0);
	assert_true(r.conns[0].side[CONN_LISTENER].first_ns < 0);
	assert_int_equal(r.conns[0].side[CONN_SERVER].srtt_samples, 2);
	assert_int_equal(r.conns[0].side[CONN_SERVER].srtt_last_us, 40);
	assert_int_equal(r.conns[0].side[CONN_CLIENT].srtt_min_us, 60);
	assert_true(r.conns[0].side[CONN_SERVER].time_wait);
	assert_false(r.conns[0].side[CONN_CLIENT].time_wait);
	assert_true(r.conns[0].side[CONN_CLIENT].closed && r.conns[0].side[CONN_SERVER].closed);
	conns_result_free(&r);
	conns_free(c);
}

static void full_table_evicts_the_oldest_connection_and_counts_it(void **state)
{
	struct conns_an *c = conns_new(NULL, 2);
	struct conns_result r;

	ts = 0;
	for (uint16_t p = 1; p <= 3; p++) {
		struct ns_event ev = { .ts_ns = ts += 1000, .type = NS_EV_NET_DEV_QUEUE,
				       .packet_id = p, .l4_proto = 6, .tcp_flags = SYN,
				       .hdr = NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP, .seq = p,
				       .stack_id = -1 };

		ep(&ev, true, 50000 + p);
		conns_feed(c, &ev);
	}
	assert_int_equal(conns_finish(c, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.started, 3);
	assert_int_equal(r.evicted, 1);
	assert_string_equal(r.conns[0].client, "198.18.0.1:50002");
	conns_result_free(&r);
	conns_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_data_close_in_order_with_relative_seq_ack),
		cmocka_unit_test(full_table_evicts_the_oldest_connection_and_counts_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
