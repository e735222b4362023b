// SPDX-License-Identifier: GPL-2.0
/*
 * The "segments" view on hand-made event sequences: a refused SYN, a SYN a
 * listener takes, a SYN crossing a veth, a SYN-ACK sent, a full
 * live-packet table; exact counts, and what the renderers print of them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/segments.h"
#include "common/json.h"
#include "render/segments_out.h"

#define NS_A 4026532178u
#define NS_B 4026532247u
/* values as a kernel might number them; the names come from the trace's tables */
#define DROP_NO_SOCKET 2
#define DROP_TCP_RESET 70
#define RST_NO_SOCKET 1

#define SYN 0x02
#define RST 0x04
#define ACK 0x10

static struct ns_names names;
static struct ns_meta meta;
static struct report_ctx ctx;

static int setup(void **state)
{
	if (ns_names_add(&names, NS_NAMES_DROP_REASON, DROP_NO_SOCKET, "NO_SOCKET") ||
	    ns_names_add(&names, NS_NAMES_DROP_REASON, DROP_TCP_RESET, "TCP_RESET") ||
	    ns_names_add(&names, NS_NAMES_RST_REASON, RST_NO_SOCKET, "NO_SOCKET") ||
	    ns_meta_set(&meta, "lab.netns", "netscope-77-a=4026532178,netscope-77-b=4026532247"))
		return -1;
	ctx = (struct report_ctx){ .meta = &meta, .names = &names };
	return 0;
}

static int teardown(void **state)
{
	ns_names_free(&names);
	ns_meta_free(&meta);
	return 0;
}

/* an event of packet id (0: none); flags of TCP, ports given: a TCP header */
static void feed(struct segments_an *s, unsigned int type, uint64_t id, uint32_t netns,
		 uint8_t tcp_flags, uint16_t dport, uint32_t reason)
{
	static uint64_t ts;
	struct ns_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = ts += 1000;
	ev.type = type;
	ev.packet_id = id;
	ev.netns = netns;
	ev.reason = reason;
	if (dport) {
		ev.hdr = NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP;
		ev.l4_proto = 6;
		ev.tcp_flags = tcp_flags;
		ev.sport = 40000;
		ev.dport = dport;
	}
	segments_feed(s, &ev);
}

static const struct seg_netns *ns_by_label(const struct segments_result *r, const char *label)
{
	for (size_t i = 0; i < r->n_ns; i++)
		if (!strcmp(r->ns[i].label, label))
			return &r->ns[i];
	fail_msg("no namespace labelled '%s'", label);
	return NULL;
}

/* rx SYN -> tcp_send_reset NO_SOCKET -> kfree_skb NO_SOCKET, as tcp_v4_rcv() does */
static void refuse(struct segments_an *s, uint64_t id, uint16_t port)
{
	feed(s, NS_EV_NETIF_RECEIVE_SKB, id, NS_B, SYN, port, 0);
	feed(s, NS_EV_TCP_SEND_RESET, id, NS_B, SYN, port, RST_NO_SOCKET);
	feed(s, NS_EV_KFREE_SKB, id, NS_B, SYN, port, DROP_NO_SOCKET);
}

static void refused_syn_is_dropped_no_socket_and_answered_by_one_reset(void **state)
{
	struct segments_an *s = segments_new(&ctx, 0);
	const struct seg_netns *b;
	struct segments_result r;

	refuse(s, 1, 81);
	assert_int_equal(segments_finish(s, &r), 0);
	assert_true(r.lab);
	assert_int_equal(r.n_ns, 1);
	b = ns_by_label(&r, "b");
	assert_string_equal(b->name, "netscope-77-b");
	assert_int_equal(b->inode, NS_B);
	assert_int_equal(b->segments[SEG_RX][SEG_SYN], 1);
	assert_int_equal(b->total[SEG_RX], 1);
	assert_int_equal(b->total[SEG_TX], 0);
	assert_int_equal(b->n_syn_ports, 1);
	assert_int_equal(b->syn_ports[0].dir, SEG_RX);
	assert_int_equal(b->syn_ports[0].port, 81);
	assert_int_equal(b->syn_ports[0].count, 1);
	assert_int_equal(b->syn.received, 1);
	assert_int_equal(b->syn.dropped, 1);
	assert_int_equal(b->syn.consumed, 0);
	assert_int_equal(b->syn.alive, 0);
	assert_true(b->syn.balanced);
	assert_int_equal(b->syn.n_drop_reasons, 1);
	assert_string_equal(b->syn.drop_reasons[0].name, "NO_SOCKET");
	assert_int_equal(b->rst_sent, 1);
	assert_int_equal(b->n_rst_reasons, 1);
	assert_string_equal(b->rst_reasons[0].name, "NO_SOCKET");
	assert_int_equal(b->rst_reasons[0].count, 1);
	assert_int_equal(b->drops, 1);
	assert_string_equal(b->drop_reasons[0].name, "NO_SOCKET");
	assert_int_equal(r.packets, 1);
	segments_result_free(&r);
	segments_free(s);
}

static void syn_at_a_listener_is_consumed(void **state)
{
	struct segments_an *s = segments_new(&ctx, 0);
	const struct seg_netns *b;
	struct segments_result r;

	feed(s, NS_EV_NETIF_RECEIVE_SKB, 2, NS_B, SYN, 80, 0);
	/* tcp_conn_request() answers; the SYN itself is consumed */
	feed(s, NS_EV_CONSUME_SKB, 2, NS_B, SYN, 80, 0);
	assert_int_equal(segments_finish(s, &r), 0);
	b = ns_by_label(&r, "b");
	assert_int_equal(b->syn.received, 1);
	assert_int_equal(b->syn.consumed, 1);
	assert_int_equal(b->syn.dropped, 0);
	assert_int_equal(b->syn.n_drop_reasons, 0);
	assert_true(b->syn.balanced);
	assert_int_equal(b->drops, 0);
	segments_result_free(&r);
	segments_free(s);
}

/* a veth hands the same skb (the same packet id) to its peer's namespace */
static void syn_across_a_veth_is_sent_by_a_and_received_by_b(void **state)
{
	struct segments_an *s = segments_new(&ctx, 0);
	const struct seg_netns *a, *b;
	struct segments_result r;

	feed(s, NS_EV_NET_DEV_QUEUE, 3, NS_A, SYN, 80, 0);
	feed(s, NS_EV_NET_DEV_START_XMIT, 3, NS_A, SYN, 80, 0);
	feed(s, NS_EV_NETIF_RX, 3, NS_B, SYN, 80, 0);
	feed(s, NS_EV_NET_DEV_XMIT, 3, NS_A, SYN, 80, 0);
	feed(s, NS_EV_NETIF_RECEIVE_SKB, 3, NS_B, SYN, 80, 0);
	feed(s, NS_EV_CONSUME_SKB, 3, NS_B, SYN, 80, 0);
	assert_int_equal(segments_finish(s, &r), 0);
	assert_int_equal(r.n_ns, 2);
	/* the lab's namespaces by label */
	assert_string_equal(r.ns[0].label, "a");
	assert_string_equal(r.ns[1].label, "b");
	a = ns_by_label(&r, "a");
	b = ns_by_label(&r, "b");
	assert_int_equal(a->segments[SEG_TX][SEG_SYN], 1);
	assert_int_equal(a->total[SEG_RX], 0);
	assert_int_equal(a->syn.received, 0);
	assert_int_equal(a->syn_ports[0].dir, SEG_TX);
	assert_int_equal(b->segments[SEG_RX][SEG_SYN], 1);
	assert_int_equal(b->total[SEG_TX], 0);
	assert_int_equal(b->syn.received, 1);
	assert_int_equal(b->syn.consumed, 1);
	assert_int_equal(r.packets, 2);
	segments_result_free(&r);
	segments_free(s);
}

static void syn_ack_sent_is_one_tx_syn_ack_and_a_retransmit_is_counted(void **state)
{
	struct segments_an *s = segments_new(&ctx, 0);
	const struct seg_netns *b;
	struct segments_result r;

	feed(s, NS_EV_NET_DEV_QUEUE, 4, NS_B, SYN | ACK, 40000, 0);
	feed(s, NS_EV_NET_DEV_START_XMIT, 4, NS_B, SYN | ACK, 40000, 0);
	feed(s, NS_EV_TCP_RETRANSMIT_SYNACK, 0, NS_B, 0, 0, 0);
	/* a RST|ACK is a RST, whatever else it carries */
	feed(s, NS_EV_NET_DEV_QUEUE, 5, NS_B, RST | ACK, 40000, 0);
	/* no TCP header: not a segment */
	feed(s, NS_EV_NET_DEV_QUEUE, 6, NS_B, 0, 0, 0);
	assert_int_equal(segments_finish(s, &r), 0);
	b = ns_by_label(&r, "b");
	assert_int_equal(b->segments[SEG_TX][SEG_SYNACK], 1);
	assert_int_equal(b->segments[SEG_TX][SEG_RST], 1);
	assert_int_equal(b->total[SEG_TX], 2);
	assert_int_equal(b->n_syn_ports, 0);
	assert_int_equal(b->synack_retransmits, 1);
	assert_int_equal(b->syn.received, 0);
	assert_int_equal(r.packets, 2);
	segments_result_free(&r);
	segments_free(s);
}

static void full_table_evicts_and_the_syn_balance_still_holds(void **state)
{
	struct segments_an *s = segments_new(&ctx, 2);
	const struct seg_netns *b;
	struct segments_result r;

	for (uint64_t id = 10; id < 13; id++)
		feed(s, NS_EV_NETIF_RECEIVE_SKB, id, NS_B, SYN, 80, 0);
	/* 10 was evicted: its end is nothing the view follows any more */
	feed(s, NS_EV_CONSUME_SKB, 10, NS_B, SYN, 80, 0);
	feed(s, NS_EV_KFREE_SKB, 11, NS_B, SYN, 80, DROP_TCP_RESET);
	assert_int_equal(segments_finish(s, &r), 0);
	b = ns_by_label(&r, "b");
	assert_int_equal(r.evicted, 1);
	assert_int_equal(r.live_max, 2);
	assert_int_equal(b->syn.received, 3);
	assert_int_equal(b->syn.evicted, 1);
	assert_int_equal(b->syn.dropped, 1);
	assert_string_equal(b->syn.drop_reasons[0].name, "TCP_RESET");
	assert_int_equal(b->syn.consumed, 0);
	assert_int_equal(b->syn.alive, 1);
	assert_true(b->syn.balanced);
	segments_result_free(&r);
	segments_free(s);
}

static void namespaces_the_lab_does_not_name_are_shown_by_inode(void **state)
{
	struct report_ctx bare = { .names = &names };
	struct segments_an *s = segments_new(&bare, 0);
	struct segments_result r;

	feed(s, NS_EV_KFREE_SKB, 0, 4026531840u, 0, 0, 999);
	assert_int_equal(segments_finish(s, &r), 0);
	assert_false(r.lab);
	assert_int_equal(r.n_ns, 1);
	assert_string_equal(r.ns[0].label, "");
	assert_int_equal(r.ns[0].inode, 4026531840u);
	/* a value the trace does not name */
	assert_string_equal(r.ns[0].drop_reasons[0].name, "reason#999");
	segments_result_free(&r);
	segments_free(s);
}

static void renderers_show_the_syn_balance_and_reasons(void **state)
{
	struct segments_an *s = segments_new(&ctx, 0);
	struct segments_result r;
	struct json_writer *w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	refuse(s, 1, 81);
	feed(s, NS_EV_NETIF_RECEIVE_SKB, 2, NS_B, SYN, 80, 0);
	feed(s, NS_EV_CONSUME_SKB, 2, NS_B, SYN, 80, 0);
	assert_int_equal(segments_finish(s, &r), 0);
	f = open_memstream(&buf, &len);
	segments_print_text(f, &r, 10);
	fclose(f);
	assert_non_null(strstr(buf, "namespace b (netscope-77-b, inode 4026532247)"));
	assert_non_null(strstr(buf, "received SYNs: 2 = consumed 1 + dropped 1 + alive 0\n"));
	assert_non_null(strstr(buf, "dropped by reason: NO_SOCKET 1"));
	assert_non_null(strstr(buf, "RSTs sent: 1 (NO_SOCKET 1)"));
	assert_non_null(strstr(buf, "rx 81: 1"));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	w = json_new(f);
	segments_print_json(w, &r);
	json_free(w);
	fclose(f);
	assert_non_null(strstr(buf, "\"label\":\"b\""));
	assert_non_null(strstr(buf, "\"rx\":{\"SYN\":2,\"SYN-ACK\":0,\"RST\":0,\"FIN\":0,"
				    "\"ACK/other\":0,\"total\":2}"));
	assert_non_null(strstr(buf, "\"received_syns\":{\"received\":2,\"consumed\":1,"
				    "\"dropped\":1,\"forwarded\":0,\"alive\":0,\"evicted\":0,"
				    "\"balanced\":true,\"drops\":{\"total\":1,\"by_reason\":"
				    "[{\"reason\":\"NO_SOCKET\",\"value\":2,\"count\":1}]}}"));
	assert_non_null(strstr(buf, "\"rsts_sent\":{\"total\":1,\"by_reason\":"
				    "[{\"reason\":\"NO_SOCKET\",\"value\":1,\"count\":1}]}"));
	free(buf);
	segments_result_free(&r);
	segments_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_syn_is_dropped_no_socket_and_answered_by_one_reset),
		cmocka_unit_test(syn_at_a_listener_is_consumed),
		cmocka_unit_test(syn_across_a_veth_is_sent_by_a_and_received_by_b),
		cmocka_unit_test(syn_ack_sent_is_one_tx_syn_ack_and_a_retransmit_is_counted),
		cmocka_unit_test(full_table_evicts_and_the_syn_balance_still_holds),
		cmocka_unit_test(namespaces_the_lab_does_not_name_are_shown_by_inode),
		cmocka_unit_test(renderers_show_the_syn_balance_and_reasons),
	};

	return cmocka_run_group_tests_name("segments", tests, setup, teardown);
}
