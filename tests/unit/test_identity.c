// SPDX-License-Identifier: GPL-2.0
/* Packet identity as the consumer keeps it (capture/identity.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>
#include "capture/identity.h"

static struct ns_event tcp_ev(uint16_t type, uint64_t skb, uint64_t head, uint32_t seq, uint8_t flags)
{
	struct ns_event e = { .type = type, .skb = skb, .skb_head = head, .family = AF_INET,
			      .l4_proto = IPPROTO_TCP, .sport = 1234, .dport = 80, .seq = seq,
			      .tcp_flags = flags, .hdr = NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP };

	memcpy(e.saddr, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(e.daddr, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	return e;
}

static void one_packet_keeps_its_id_from_queue_to_free(void **state)
{
	struct identity id;
	struct ns_event a = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x1000, 0x9000, 7, 0x02);
	struct ns_event b = tcp_ev(NS_EV_NETIF_RECEIVE_SKB, 0x1000, 0x9000, 7, 0x02);
	struct ns_event c = tcp_ev(NS_EV_KFREE_SKB, 0x1000, 0x9000, 7, 0x02);

	assert_int_equal(identity_init(&id, 16), 0);
	identity_assign(&id, &a);
	identity_assign(&id, &b);
	identity_assign(&id, &c);
	assert_int_equal(a.packet_id, 1);
	assert_int_equal(b.packet_id, 1);
	assert_int_equal(c.packet_id, 1);
	assert_true(a.flags & NS_F_NEW_PACKET);
	assert_false(b.flags & (NS_F_NEW_PACKET | NS_F_END_PACKET));
	assert_true(c.flags & NS_F_END_PACKET);
	assert_int_equal(id.n, 0);
	identity_free(&id);
}

/* what the packet bytes of --snaplen, sent after an event, are matched by */
static void bytes_find_the_live_packet_of_their_skb_and_head_only(void **state)
{
	struct identity id;
	struct ns_event a = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x1000, 0x9000, 7, 0x02);
	struct ns_event b = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x2000, 0xa000, 8, 0x10);
	struct ns_event end = tcp_ev(NS_EV_CONSUME_SKB, 0x1000, 0x9000, 7, 0x02);

	assert_int_equal(identity_init(&id, 16), 0);
	assert_int_equal(identity_lookup(&id, 0x1000, 0x9000), 0);	/* no event yet */
	identity_assign(&id, &a);
	identity_assign(&id, &b);
	assert_int_equal(identity_lookup(&id, 0x1000, 0x9000), a.packet_id);
	assert_int_equal(identity_lookup(&id, 0x2000, 0xa000), b.packet_id);
	assert_int_equal(identity_lookup(&id, 0x1000, 0xa000), 0);	/* another data buffer */
	assert_int_equal(identity_lookup(&id, 0, 0), 0);		/* no skb */
	identity_assign(&id, &end);
	assert_int_equal(identity_lookup(&id, 0x1000, 0x9000), 0);	/* ended */
	assert_int_equal(identity_lookup(&id, 0x2000, 0xa000), b.packet_id);
	identity_free(&id);
}

static void address_reused_after_free_is_a_new_packet(void **state)
{
	struct identity id;
	struct ns_event a = tcp_ev(NS_EV_KFREE_SKB, 0x1000, 0x9000, 7, 0x02);
	struct ns_event b = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x1000, 0x9000, 7, 0x02);

	identity_init(&id, 16);
	identity_assign(&id, &a);
	identity_assign(&id, &b);
	assert_int_not_equal(a.packet_id, b.packet_id);
	assert_true(b.flags & NS_F_NEW_PACKET);
	identity_free(&id);
}

static void same_address_with_another_data_buffer_is_a_new_packet(void **state)
{
	struct identity id;
	struct ns_event a = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x1000, 0x9000, 7, 0x02);
	struct ns_event b = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x1000, 0xa000, 7, 0x02);

	identity_init(&id, 16);
	identity_assign(&id, &a);
	identity_assign(&id, &b);
	assert_int_equal(b.packet_id, a.packet_id + 1);
	identity_free(&id);
}

static void same_skb_and_buffer_with_another_tcp_segment_is_a_new_packet(void **state)
{
	struct identity id;
	struct ns_event a = tcp_ev(NS_EV_NETIF_RECEIVE_SKB, 0x1000, 0x9000, 7, 0x02);
	struct ns_event b = tcp_ev(NS_EV_NETIF_RECEIVE_SKB, 0x1000, 0x9000, 99, 0x02);

	identity_init(&id, 16);
	identity_assign(&id, &a);
	identity_assign(&id, &b);
	assert_int_not_equal(a.packet_id, b.packet_id);
	identity_free(&id);
}

static void unparsed_follow_up_event_gets_the_packets_headers(void **state)
{
	struct identity id;
	struct ns_event a = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x1000, 0x9000, 7, 0x12);
	struct ns_event b = { .type = NS_EV_NET_DEV_XMIT, .skb = 0x1000 }; /* skb not readable */

	identity_init(&id, 16);
	identity_assign(&id, &a);
	identity_assign(&id, &b);
	assert_int_equal(b.packet_id, a.packet_id);
	assert_true(b.hdr & NS_HDR_FROM_PACKET);
	assert_int_equal(b.dport, 80);
	assert_int_equal(b.seq, 7);
	assert_int_equal(b.tcp_flags, 0x12);
	assert_memory_equal(b.daddr, a.daddr, 16);
	identity_free(&id);
}

static void thousands_of_live_packets_grow_the_table_and_all_end(void **state)
{
	struct identity id;
	const int n = 50000;

	identity_init(&id, 1 << 20);
	for (int i = 0; i < n; i++) {
		struct ns_event e = tcp_ev(NS_EV_NETIF_RX, 0x100000 + i * 256ull, 0x9000 + i, i, 0x10);

		identity_assign(&id, &e);
		assert_int_equal(e.packet_id, i + 1);
	}
	assert_int_equal(id.n, n);
	/* free them in an order that exercises backward-shift deletion */
	for (int i = n - 1; i >= 0; i -= 2) {
		struct ns_event e = tcp_ev(NS_EV_CONSUME_SKB, 0x100000 + i * 256ull, 0x9000 + i, i, 0x10);

		identity_assign(&id, &e);
		assert_int_equal(e.packet_id, i + 1);
	}
	for (int i = n - 2; i >= 0; i -= 2) {
		struct ns_event e = tcp_ev(NS_EV_CONSUME_SKB, 0x100000 + i * 256ull, 0x9000 + i, i, 0x10);

		identity_assign(&id, &e);
		assert_int_equal(e.packet_id, i + 1);
	}
	assert_int_equal(id.n, 0);
	identity_free(&id);
}

static void full_table_counts_packets_it_cannot_remember(void **state)
{
	struct identity id;

	identity_init(&id, 4);
	for (int i = 0; i < 10; i++) {
		struct ns_event e = tcp_ev(NS_EV_NETIF_RX, 0x1000 + i * 256ull, 0x9000, i, 0x10);

		identity_assign(&id, &e);
	}
	assert_int_equal(id.n, 4);
	assert_int_equal(id.evicted, 6);
	identity_free(&id);
}

/* skb_clone(0x1000) returned 0x2000 (seen at its fexit): the clone's
 * events are the original's packet, and the clone's free ends it */
static void clone_returned_by_a_function_keeps_the_packet_id(void **state)
{
	struct identity id;
	struct ns_event q = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x1000, 0x9000, 7, 0x02);
	struct ns_event ret = { .type = NS_EV_FUNC_EXIT, .skb = 0x1000, .skb_head = 0x9000,
				.flags = NS_F_RET_SKB, .aux = 0x2000, .aux2 = 0xffff8880 };
	uint64_t clone = 0xffff888000002000ull;
	struct ns_event rx = { .type = NS_EV_NETIF_RECEIVE_SKB, .skb = clone, .skb_head = 0x9000 };
	struct ns_event other = tcp_ev(NS_EV_NET_DEV_QUEUE, 0x3000, 0xa000, 9, 0x02);
	struct ns_event fr = { .type = NS_EV_KFREE_SKB, .skb = clone, .skb_head = 0x9000 };

	identity_init(&id, 16);
	identity_assign(&id, &q);
	identity_assign(&id, &ret);
	identity_assign(&id, &other);
	identity_assign(&id, &rx);
	identity_assign(&id, &fr);
	assert_int_equal(ret.packet_id, q.packet_id);
	assert_int_equal(rx.packet_id, q.packet_id);
	assert_false(rx.flags & NS_F_NEW_PACKET);
	/* the original's headers came with the id */
	assert_true(rx.hdr & NS_HDR_FROM_PACKET);
	assert_int_equal(rx.dport, 80);
	assert_int_equal(fr.packet_id, q.packet_id);
	assert_true(fr.flags & NS_F_END_PACKET);
	assert_int_not_equal(other.packet_id, q.packet_id);
	/* a function exit without the flag links nothing */
	struct ns_event plain = { .type = NS_EV_FUNC_EXIT, .skb = 0x3000, .skb_head = 0xa000,
				  .aux = 0x4000 };
	struct ns_event at4 = { .type = NS_EV_NET_DEV_QUEUE, .skb = 0x4000, .skb_head = 0xb000 };

	identity_assign(&id, &plain);
	identity_assign(&id, &at4);
	assert_true(at4.flags & NS_F_NEW_PACKET);
	identity_free(&id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_packet_keeps_its_id_from_queue_to_free),
		cmocka_unit_test(clone_returned_by_a_function_keeps_the_packet_id),
		cmocka_unit_test(address_reused_after_free_is_a_new_packet),
		cmocka_unit_test(bytes_find_the_live_packet_of_their_skb_and_head_only),
		cmocka_unit_test(same_address_with_another_data_buffer_is_a_new_packet),
		cmocka_unit_test(same_skb_and_buffer_with_another_tcp_segment_is_a_new_packet),
		cmocka_unit_test(unparsed_follow_up_event_gets_the_packets_headers),
		cmocka_unit_test(thousands_of_live_packets_grow_the_table_and_all_end),
		cmocka_unit_test(full_table_counts_packets_it_cannot_remember),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
