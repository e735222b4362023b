// SPDX-License-Identifier: GPL-2.0
/*
 * The two header decoders agree: the typed-load one the hdr_* handlers run
 * (src/bpf/decode_cast.bpf.h, loaded in the kernel by
 * tests/bpf/decode_cast_test.bpf.c and run with BPF_PROG_TEST_RUN) and the
 * copying one (decode.h, unit-tested in test_decode.c), on the same crafted
 * packets: IPv4 and IPv6, TCP, UDP, ICMP, options, fragments, extension
 * headers, bad versions.  Needs root and a kernel with bpf_rdonly_cast()
 * (6.2); elsewhere every test is skipped, saying why.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "bpf/decode.h"
#include "decode_cast_test.skel.h"

static struct decode_cast_test_bpf *skel;
static const char *skip_why;

struct test_packet {
	uint32_t l3_proto;
	uint32_t pad;
	uint8_t bytes[128];
};

static int setup(void **state)
{
	struct btf *btf;

	(void)state;
	if (geteuid()) {
		skip_why = "not root: cannot load BPF programs";
		return 0;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf || btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC) <= 0) {
		skip_why = "this kernel has no bpf_rdonly_cast(): headers are only copied";
		btf__free(btf);
		return 0;
	}
	btf__free(btf);
	skel = decode_cast_test_bpf__open_and_load();
	/* the kernel has the kfunc: not loading is a failure, not a skip */
	return skel ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	decode_cast_test_bpf__destroy(skel);
	return 0;
}

/* Both decoders on pkt (padded with 0xee, as memory after a packet is
 * anything); asserts every decoded field agrees; *out gets the BPF one. */
static void both(const uint8_t *pkt, size_t len, uint16_t l3_proto, struct ns_event *out)
{
	struct test_packet tp = { .l3_proto = l3_proto };
	uint8_t buf[NS_HDR_BUF];
	struct ns_event copy = {}, cast = {};
	uint32_t zero = 0;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (skip_why) {
		fprintf(stderr, "skipped: %s\n", skip_why);
		skip();
	}
	memset(tp.bytes, 0xee, sizeof(tp.bytes));
	memcpy(tp.bytes, pkt, len);
	memcpy(buf, tp.bytes, sizeof(buf));
	copy.l3_proto = l3_proto;
	ns_decode_headers(&copy, buf, NS_HDR_BUF, l3_proto);

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.packet), &zero, &tp, 0), 0);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.decode), &opts), 0);
	assert_int_equal(opts.retval, 0);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.decoded), &zero, &cast), 0);

	assert_int_equal(cast.hdr, copy.hdr);
	assert_int_equal(cast.family, copy.family);
	assert_memory_equal(cast.saddr, copy.saddr, 16);
	assert_memory_equal(cast.daddr, copy.daddr, 16);
	assert_int_equal(cast.l4_proto, copy.l4_proto);
	assert_int_equal(cast.sport, copy.sport);
	assert_int_equal(cast.dport, copy.dport);
	assert_int_equal(cast.seq, copy.seq);
	assert_int_equal(cast.ack_seq, copy.ack_seq);
	assert_int_equal(cast.tcp_flags, copy.tcp_flags);
	*out = cast;
}

static const uint8_t ipv4_tcp_syn[] = {
	0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	198, 18, 0, 1, 198, 18, 0, 2,
	0x04, 0xd2, 0x00, 0x50,				/* 1234 -> 80 */
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0,	/* seq 1000, ack 2000 */
	0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,	/* doff 5, SYN */
};

static const uint8_t ipv6_hdr[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40,	/* next header TCP, hop limit 64 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,	/* 2001:db8::1 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd,
};

static void ipv4_tcp_syn_decodes_alike(void **state)
{
	struct ns_event e;

	(void)state;
	both(ipv4_tcp_syn, sizeof(ipv4_tcp_syn), NS_ETH_P_IP, &e);
	assert_int_equal(e.hdr, NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP);
	assert_memory_equal(e.saddr, ((uint8_t[]){ 198, 18, 0, 1 }), 4);
	assert_int_equal(e.sport, 1234);
	assert_int_equal(e.seq, 1000);
	assert_int_equal(e.ack_seq, 2000);
	assert_int_equal(e.tcp_flags, 0x02);
}

static void ipv4_options_move_the_tcp_header_alike(void **state)
{
	uint8_t pkt[80];
	struct ns_event e;

	(void)state;
	/* ihl 15: 40 bytes of options (NOPs), the TCP header at offset 60 */
	memcpy(pkt, ipv4_tcp_syn, 20);
	pkt[0] = 0x4f;
	memset(pkt + 20, 1, 40);
	memcpy(pkt + 60, ipv4_tcp_syn + 20, 20);
	pkt[60 + 13] = 0x12; /* SYN|ACK */
	both(pkt, sizeof(pkt), NS_ETH_P_IP, &e);
	assert_int_equal(e.dport, 80);
	assert_int_equal(e.tcp_flags, 0x12);
}

static void ipv4_later_fragment_has_no_ports_alike(void **state)
{
	uint8_t pkt[sizeof(ipv4_tcp_syn)];
	struct ns_event e;

	(void)state;
	memcpy(pkt, ipv4_tcp_syn, sizeof(pkt));
	pkt[6] = 0x00;
	pkt[7] = 0xb9; /* fragment offset 185 x 8 bytes */
	both(pkt, sizeof(pkt), NS_ETH_P_IP, &e);
	assert_int_equal(e.hdr, NS_HDR_L3);
	assert_int_equal(e.sport, 0);
}

static void ipv4_udp_and_icmp_decode_alike(void **state)
{
	uint8_t pkt[28];
	struct ns_event e;

	(void)state;
	memcpy(pkt, ipv4_tcp_syn, 20);
	pkt[9] = 17;
	memcpy(pkt + 20, ((uint8_t[]){ 0xd4, 0x31, 0x14, 0xe9, 0, 8, 0, 0 }), 8); /* 54321 -> 5353 */
	both(pkt, sizeof(pkt), NS_ETH_P_IP, &e);
	assert_int_equal(e.sport, 54321);
	assert_int_equal(e.dport, 5353);
	pkt[9] = 1;
	pkt[20] = 3; /* destination unreachable */
	pkt[21] = 3; /* port unreachable */
	both(pkt, sizeof(pkt), NS_ETH_P_IP, &e);
	assert_int_equal(e.l4_proto, 1);
	assert_int_equal(e.sport, 3);
	assert_int_equal(e.dport, 3);
}

static void ipv6_tcp_decodes_alike(void **state)
{
	uint8_t pkt[60];
	struct ns_event e;

	(void)state;
	memcpy(pkt, ipv6_hdr, 40);
	memcpy(pkt + 40, ipv4_tcp_syn + 20, 20);
	pkt[40 + 13] = 0x11; /* FIN|ACK */
	both(pkt, sizeof(pkt), NS_ETH_P_IPV6, &e);
	assert_int_equal(e.family, 10);
	assert_memory_equal(e.saddr, ipv6_hdr + 8, 16);
	assert_memory_equal(e.daddr, ipv6_hdr + 24, 16);
	assert_int_equal(e.hdr, NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP);
	assert_int_equal(e.sport, 1234);
	assert_int_equal(e.tcp_flags, 0x11);
}

static void ipv6_udp_icmpv6_and_extension_headers_decode_alike(void **state)
{
	uint8_t pkt[48];
	struct ns_event e;

	(void)state;
	memcpy(pkt, ipv6_hdr, 40);
	pkt[6] = 17;
	memcpy(pkt + 40, ((uint8_t[]){ 0x00, 0x35, 0xd4, 0x31, 0, 8, 0, 0 }), 8); /* 53 -> 54321 */
	both(pkt, sizeof(pkt), NS_ETH_P_IPV6, &e);
	assert_int_equal(e.sport, 53);
	assert_int_equal(e.dport, 54321);
	pkt[6] = 58;
	pkt[40] = 128; /* echo request */
	pkt[41] = 0;
	both(pkt, sizeof(pkt), NS_ETH_P_IPV6, &e);
	assert_int_equal(e.sport, 128);
	pkt[6] = 0; /* hop-by-hop options: not walked, no transport header */
	both(pkt, sizeof(pkt), NS_ETH_P_IPV6, &e);
	assert_int_equal(e.hdr, NS_HDR_L3);
}

static void bad_versions_and_lengths_are_unset_alike(void **state)
{
	uint8_t pkt[sizeof(ipv4_tcp_syn)];
	struct ns_event e;

	(void)state;
	both(ipv6_hdr, sizeof(ipv6_hdr), NS_ETH_P_IP, &e); /* version 6 said IPv4 */
	assert_int_equal(e.hdr, NS_HDR_UNSET);
	both(ipv4_tcp_syn, sizeof(ipv4_tcp_syn), NS_ETH_P_IPV6, &e);
	assert_int_equal(e.hdr, NS_HDR_UNSET);
	memcpy(pkt, ipv4_tcp_syn, sizeof(pkt));
	pkt[0] = 0x44; /* ihl 4: shorter than an IPv4 header */
	both(pkt, sizeof(pkt), NS_ETH_P_IP, &e);
	assert_int_equal(e.hdr, NS_HDR_UNSET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_tcp_syn_decodes_alike),
		cmocka_unit_test(ipv4_options_move_the_tcp_header_alike),
		cmocka_unit_test(ipv4_later_fragment_has_no_ports_alike),
		cmocka_unit_test(ipv4_udp_and_icmp_decode_alike),
		cmocka_unit_test(ipv6_tcp_decodes_alike),
		cmocka_unit_test(ipv6_udp_icmpv6_and_extension_headers_decode_alike),
		cmocka_unit_test(bad_versions_and_lengths_are_unset_alike),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
