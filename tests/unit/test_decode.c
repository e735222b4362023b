// SPDX-License-Identifier: GPL-2.0
/* Header decoding: the same code the BPF programs run (bpf/decode.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "bpf/decode.h"

static const uint8_t ipv4_tcp_syn[] = {
	0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, /* ver/ihl ... proto 6 */
	198, 18, 0, 1, 198, 18, 0, 2,						/* saddr, daddr */
	0x04, 0xd2, 0x00, 0x50,							/* 1234 -> 80 */
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,				/* seq 1000, ack 0 */
	0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,				/* doff 5, SYN */
};

static uint8_t buf[NS_HDR_BUF];

static const uint8_t *pad(const uint8_t *pkt, size_t len)
{
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf, pkt, len);
	return buf;
}

static void ipv4_tcp_syn_gives_addresses_ports_seq_and_flags(void **state)
{
	struct ns_event e = {};

	ns_decode_headers(&e, pad(ipv4_tcp_syn, sizeof(ipv4_tcp_syn)), NS_HDR_BUF, NS_ETH_P_IP);
	assert_int_equal(e.hdr, NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP);
	assert_int_equal(e.family, 2);
	assert_memory_equal(e.saddr, ((uint8_t[]){ 198, 18, 0, 1 }), 4);
	assert_memory_equal(e.daddr, ((uint8_t[]){ 198, 18, 0, 2 }), 4);
	assert_int_equal(e.l4_proto, 6);
	assert_int_equal(e.sport, 1234);
	assert_int_equal(e.dport, 80);
	assert_int_equal(e.seq, 1000);
	assert_int_equal(e.ack_seq, 0);
	assert_int_equal(e.tcp_flags, 0x02);
}

static void ipv4_options_move_the_tcp_header(void **state)
{
	uint8_t pkt[64];
	struct ns_event e = {};

	/* ihl 6: one 4-byte option (NOPs) between the IP and TCP headers */
	memcpy(pkt, ipv4_tcp_syn, 20);
	pkt[0] = 0x46;
	memset(pkt + 20, 1, 4);
	memcpy(pkt + 24, ipv4_tcp_syn + 20, 20);
	pkt[24 + 13] = 0x12; /* SYN|ACK */
	ns_decode_headers(&e, pad(pkt, 44), NS_HDR_BUF, NS_ETH_P_IP);
	assert_int_equal(e.sport, 1234);
	assert_int_equal(e.dport, 80);
	assert_int_equal(e.tcp_flags, 0x12);
}

static void ipv4_udp_gives_ports_without_tcp_fields(void **state)
{
	uint8_t pkt[28];
	struct ns_event e = {};

	memcpy(pkt, ipv4_tcp_syn, 20);
	pkt[9] = 17;
	memcpy(pkt + 20, ((uint8_t[]){ 0x14, 0xe9, 0x14, 0xea, 0, 8, 0, 0 }), 8); /* 5353 -> 5354 */
	ns_decode_headers(&e, pad(pkt, sizeof(pkt)), NS_HDR_BUF, NS_ETH_P_IP);
	assert_int_equal(e.hdr, NS_HDR_L3 | NS_HDR_L4);
	assert_int_equal(e.sport, 5353);
	assert_int_equal(e.dport, 5354);
	assert_int_equal(e.tcp_flags, 0);
}

static void icmp_type_and_code_travel_in_the_port_fields(void **state)
{
	uint8_t pkt[28];
	struct ns_event e = {};

	memcpy(pkt, ipv4_tcp_syn, 20);
	pkt[9] = 1;
	memcpy(pkt + 20, ((uint8_t[]){ 3, 3, 0, 0, 0, 0, 0, 0 }), 8); /* port unreachable */
	ns_decode_headers(&e, pad(pkt, sizeof(pkt)), NS_HDR_BUF, NS_ETH_P_IP);
	assert_int_equal(e.l4_proto, 1);
	assert_int_equal(e.sport, 3);
	assert_int_equal(e.dport, 3);
}

static void later_ipv4_fragment_has_no_l4_header(void **state)
{
	uint8_t pkt[40];
	struct ns_event e = {};

	memcpy(pkt, ipv4_tcp_syn, 40);
	pkt[6] = 0x00;
	pkt[7] = 0xb9; /* fragment offset 185 * 8 */
	ns_decode_headers(&e, pad(pkt, sizeof(pkt)), NS_HDR_BUF, NS_ETH_P_IP);
	assert_int_equal(e.hdr, NS_HDR_L3);
	assert_int_equal(e.sport, 0);
}

static void ipv6_tcp_gives_128_bit_addresses_and_ports(void **state)
{
	uint8_t pkt[60] = { 0x60, 0, 0, 0, 0, 20, 6, 64 };
	struct ns_event e = {};

	pkt[8] = 0x20; pkt[9] = 0x01; pkt[23] = 1;	/* 2001::1 */
	pkt[24] = 0x20; pkt[25] = 0x01; pkt[39] = 2;	/* 2001::2 */
	memcpy(pkt + 40, ipv4_tcp_syn + 20, 20);
	ns_decode_headers(&e, pad(pkt, sizeof(pkt)), NS_HDR_BUF, NS_ETH_P_IPV6);
	assert_int_equal(e.family, 10);
	assert_int_equal(e.saddr[0], 0x20);
	assert_int_equal(e.saddr[15], 1);
	assert_int_equal(e.daddr[15], 2);
	assert_int_equal(e.sport, 1234);
	assert_int_equal(e.dport, 80);
	assert_int_equal(e.hdr, NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP);
}

static void ipv6_udp_and_icmpv6_decode(void **state)
{
	uint8_t pkt[48] = { 0x60, 0, 0, 0, 0, 8, 17, 64 };
	struct ns_event e = {};

	memcpy(pkt + 40, ((uint8_t[]){ 0, 53, 0x30, 0x39, 0, 8, 0, 0 }), 8);
	ns_decode_headers(&e, pad(pkt, sizeof(pkt)), NS_HDR_BUF, NS_ETH_P_IPV6);
	assert_int_equal(e.sport, 53);
	assert_int_equal(e.dport, 12345);

	memset(&e, 0, sizeof(e));
	pkt[6] = 58;
	pkt[40] = 128; /* echo request */
	pkt[41] = 0;
	ns_decode_headers(&e, pad(pkt, sizeof(pkt)), NS_HDR_BUF, NS_ETH_P_IPV6);
	assert_int_equal(e.l4_proto, 58);
	assert_int_equal(e.sport, 128);
}

static void version_that_disagrees_with_protocol_is_not_decoded(void **state)
{
	struct ns_event e = {};

	/* an IPv4 header where skb->protocol says IPv6: header not set yet */
	ns_decode_headers(&e, pad(ipv4_tcp_syn, sizeof(ipv4_tcp_syn)), NS_HDR_BUF, NS_ETH_P_IPV6);
	assert_int_equal(e.hdr, NS_HDR_UNSET);
	assert_int_equal(e.family, 0);
	memset(&e, 0, sizeof(e));
	ns_decode_headers(&e, pad((uint8_t[]){ 0x00, 0x01 }, 2), NS_HDR_BUF, NS_ETH_P_IP);
	assert_int_equal(e.hdr, NS_HDR_UNSET);
}

static void short_copy_keeps_l3_and_drops_what_it_lacks(void **state)
{
	struct ns_event e = {};

	/* only 20 bytes could be read: addresses yes, TCP no */
	ns_decode_headers(&e, pad(ipv4_tcp_syn, sizeof(ipv4_tcp_syn)), 20, NS_ETH_P_IP);
	assert_int_equal(e.hdr, NS_HDR_L3);
	assert_int_equal(e.dport, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_tcp_syn_gives_addresses_ports_seq_and_flags),
		cmocka_unit_test(ipv4_options_move_the_tcp_header),
		cmocka_unit_test(ipv4_udp_gives_ports_without_tcp_fields),
		cmocka_unit_test(icmp_type_and_code_travel_in_the_port_fields),
		cmocka_unit_test(later_ipv4_fragment_has_no_l4_header),
		cmocka_unit_test(ipv6_tcp_gives_128_bit_addresses_and_ports),
		cmocka_unit_test(ipv6_udp_and_icmpv6_decode),
		cmocka_unit_test(version_that_disagrees_with_protocol_is_not_decoded),
		cmocka_unit_test(short_copy_keeps_l3_and_drops_what_it_lacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
