// SPDX-License-Identifier: GPL-2.0
/*
 * Rebuilt packet headers and pcapng blocks (export/pcapng_build.c): the
 * checksums are checked with a sum written here again (and against a
 * published header), the blocks by parsing them back as the pcapng draft
 * lays them out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "export/output.h"
#include "export/pcapng_build.h"

/* ones' complement sum of 16-bit big-endian words, not folded */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* a segment with its pseudo-header sums to 0xffff when its checksum is right */
static uint16_t l4_verify(const struct pkt_fields *f, const uint8_t *l4, size_t n)
{
	size_t alen = f->family == AF_INET6 ? 16 : 4;
	uint32_t s = sum16(f->saddr, alen, 0);

	s = sum16(f->daddr, alen, s);
	s += (uint32_t)n + f->l4_proto;
	return fold(sum16(l4, n, s));
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static struct pkt_fields v4_tcp(uint8_t flags)
{
	struct pkt_fields f = {
		.family = AF_INET, .l4_proto = IPPROTO_TCP, .have_ports = true, .have_tcp = true,
		.tcp_flags = flags, .sport = 9, .dport = 40782, .seq = 0, .ack = 3359843375u,
	};

	inet_pton(AF_INET, "198.18.0.2", f.saddr);
	inet_pton(AF_INET, "198.18.0.1", f.daddr);
	return f;
}

static void inet_csum_matches_a_published_ipv4_header(void **state)
{
	/* the worked example of Wikipedia's "Internet checksum" article: 0xb861 */
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

	assert_int_equal(inet_csum(h, sizeof(h), 0), 0xb861);
}

static void rst_with_nothing_uncaptured_gets_both_checksums_right(void **state)
{
	struct pkt_fields f = v4_tcp(0x14);	/* RST|ACK */
	uint8_t b[PCAPNG_REBUILT_MAX];
	bool whole = false;
	size_t n = pkt_rebuild(&f, 40, b, &whole);

	assert_int_equal(n, 40);
	assert_true(whole);
	assert_int_equal(b[0], 0x45);
	assert_int_equal(be16(b + 2), 40);
	assert_int_equal(b[9], IPPROTO_TCP);
	assert_memory_equal(b + 12, f.saddr, 4);
	assert_int_equal(fold(sum16(b, 20, 0)), 0xffff);
	assert_int_equal(be16(b + 20), 9);
	assert_int_equal(be16(b + 22), 40782);
	assert_int_equal(b[32] >> 4, 5);
	assert_int_equal(b[33], 0x14);
	assert_int_not_equal(be16(b + 36), 0);
	assert_int_equal(l4_verify(&f, b + 20, 20), 0xffff);
}

static void syn_with_options_is_headers_only_with_its_true_length(void **state)
{
	struct pkt_fields f = v4_tcp(0x02);
	uint8_t b[PCAPNG_REBUILT_MAX];
	bool whole = true;
	size_t n = pkt_rebuild(&f, 60, b, &whole);

	assert_int_equal(n, 40);
	assert_false(whole);
	assert_int_equal(be16(b + 2), 60);	/* the IP length the trace recorded */
	assert_int_equal(fold(sum16(b, 20, 0)), 0xffff);
	assert_int_equal(be16(b + 36), 0);	/* the options are not here: no checksum */
}

static void udp_length_comes_from_the_ip_length(void **state)
{
	struct pkt_fields f = { .family = AF_INET, .l4_proto = IPPROTO_UDP, .have_ports = true,
				.sport = 44140, .dport = 5354 };
	uint8_t b[PCAPNG_REBUILT_MAX];
	bool whole;

	inet_pton(AF_INET, "198.18.0.1", f.saddr);
	inet_pton(AF_INET, "198.18.0.2", f.daddr);
	assert_int_equal(pkt_rebuild(&f, 92, b, &whole), 28);
	assert_false(whole);
	assert_int_equal(be16(b + 24), 72);
	assert_int_equal(be16(b + 26), 0);	/* IPv4 UDP: 0 is "no checksum" */
	/* an empty datagram is whole: its checksum is computed */
	assert_int_equal(pkt_rebuild(&f, 28, b, &whole), 28);
	assert_true(whole);
	assert_int_not_equal(be16(b + 26), 0);
	assert_int_equal(l4_verify(&f, b + 20, 8), 0xffff);
}

static void ipv6_tcp_has_payload_length_and_pseudo_header_checksum(void **state)
{
	struct pkt_fields f = { .family = AF_INET6, .l4_proto = IPPROTO_TCP, .have_ports = true,
				.have_tcp = true, .tcp_flags = 0x10, .sport = 80, .dport = 50000,
				.seq = 7, .ack = 9 };
	uint8_t b[PCAPNG_REBUILT_MAX];
	bool whole;

	inet_pton(AF_INET6, "2001:2::1", f.saddr);
	inet_pton(AF_INET6, "2001:2::2", f.daddr);
	assert_int_equal(pkt_rebuild(&f, 60, b, &whole), 60);
	assert_true(whole);
	assert_int_equal(b[0] >> 4, 6);
	assert_int_equal(be16(b + 4), 20);
	assert_int_equal(b[6], IPPROTO_TCP);
	assert_memory_equal(b + 24, f.daddr, 16);
	assert_int_equal(l4_verify(&f, b + 40, 20), 0xffff);
}

static void icmp_type_and_code_come_from_the_port_fields(void **state)
{
	struct pkt_fields f = { .family = AF_INET, .l4_proto = IPPROTO_ICMP, .have_ports = true,
				.sport = 3, .dport = 3 };
	uint8_t b[PCAPNG_REBUILT_MAX];
	bool whole;

	assert_int_equal(pkt_rebuild(&f, 28, b, &whole), 28);
	assert_true(whole);
	assert_int_equal(b[20], 3);
	assert_int_equal(b[21], 3);
	assert_int_equal(fold(sum16(b + 20, 8, 0)), 0xffff);	/* ICMPv4: no pseudo-header */
}

static void unknown_or_oversized_lengths_stay_valid(void **state)
{
	struct pkt_fields f = v4_tcp(0x10);
	uint8_t b[PCAPNG_REBUILT_MAX];
	bool whole;

	/* no length recorded: the rebuilt headers are the packet */
	pkt_rebuild(&f, 0, b, &whole);
	assert_int_equal(be16(b + 2), 40);
	/* a GSO packet past 64 KiB: the 16-bit field holds its most */
	pkt_rebuild(&f, 200000, b, &whole);
	assert_false(whole);
	assert_int_equal(be16(b + 2), 0xffff);
	/* no ports: the IP header alone */
	f.have_ports = false;
	assert_int_equal(pkt_rebuild(&f, 100, b, &whole), 20);
}

static const uint8_t *next_block(const uint8_t *p, const uint8_t *end, uint32_t type)
{
	uint32_t len;

	assert_true(p + 12 <= end);
	assert_int_equal(le32(p), type);
	len = le32(p + 4);
	assert_int_equal(len % 4, 0);
	assert_true(p + len <= end);
	assert_int_equal(le32(p + len - 4), len);	/* trailing copy of the length */
	return p + len;
}

/* the option `code` of a block's option list, NULL when absent */
static const uint8_t *find_opt(const uint8_t *o, const uint8_t *end, uint16_t code, uint16_t *len)
{
	while (o + 4 <= end) {
		uint16_t c = o[0] | o[1] << 8, l = o[2] | o[3] << 8;

		if (c == 0)
			return NULL;
		if (c == code) {
			*len = l;
			return o + 4;
		}
		o += 4 + ((l + 3u) & ~3u);
	}
	return NULL;
}

static void blocks_parse_back_as_the_draft_lays_them_out(void **state)
{
	struct pcapng_buf pb = { 0 };
	uint8_t data[3] = { 0x45, 0x00, 0x00 };
	char *mem = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&mem, &size);
	const uint8_t *p, *end, *epb, *o;
	uint16_t len;

	assert_non_null(f);
	assert_int_equal(pcapng_write_shb(f, &pb, "x86_64", "Linux 6.18", "netscope", "c"), 0);
	assert_int_equal(pcapng_write_idb(f, &pb, PCAPNG_LINKTYPE_RAW, "veth0@a", "d"), 0);
	assert_int_equal(pcapng_write_epb(f, &pb, &(struct pcapng_epb){
		.if_id = 0, .ts_ns = 0x0000000123456789ULL, .data = data, .caplen = 3,
		.origlen = 60, .dir = PCAPNG_DIR_OUT, .packet_id = 0x0102030405060708ULL,
		.comment = "journey" }), 0);
	fclose(f);
	pcapng_buf_free(&pb);
	p = (const uint8_t *)mem;
	end = p + size;

	assert_int_equal(le32(p + 8), 0x1A2B3C4D);
	p = next_block(p, end, 0x0A0D0D0A);
	assert_int_equal(p[8] | p[9] << 8, PCAPNG_LINKTYPE_RAW);
	o = find_opt(p + 16, end, 9, &len);
	assert_non_null(o);
	assert_int_equal(len, 1);
	assert_int_equal(o[0], 9);		/* nanoseconds */
	epb = next_block(p, end, 1);
	p = next_block(epb, end, 6);
	assert_ptr_equal(p, end);
	assert_int_equal(le32(epb + 8), 0);
	assert_int_equal(le32(epb + 12), 0x1);
	assert_int_equal(le32(epb + 16), 0x23456789);
	assert_int_equal(le32(epb + 20), 3);
	assert_int_equal(le32(epb + 24), 60);
	assert_memory_equal(epb + 28, data, 3);
	assert_int_equal(epb[31], 0);		/* padded to 32 bits */
	o = find_opt(epb + 32, end, 1, &len);
	assert_non_null(o);
	assert_int_equal(len, 7);
	assert_memory_equal(o, "journey", 7);
	o = find_opt(epb + 32, end, 2, &len);
	assert_non_null(o);
	assert_int_equal(le32(o), PCAPNG_DIR_OUT);
	o = find_opt(epb + 32, end, 5, &len);
	assert_non_null(o);
	assert_int_equal(len, 8);
	assert_int_equal(le32(o), 0x05060708);
	assert_int_equal(le32(o + 4), 0x01020304);
	free(mem);
}

static void messages_name_the_output_not_its_temporary_name(void **state)
{
	char buf[64];

	assert_string_equal(export_final_name("out/r.pcapng.tmp-1234", buf, sizeof(buf)),
			    "out/r.pcapng");
	assert_string_equal(export_final_name("r.tmp-x", buf, sizeof(buf)), "r.tmp-x");
	assert_string_equal(export_final_name("r.pcapng", buf, sizeof(buf)), "r.pcapng");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inet_csum_matches_a_published_ipv4_header),
		cmocka_unit_test(rst_with_nothing_uncaptured_gets_both_checksums_right),
		cmocka_unit_test(syn_with_options_is_headers_only_with_its_true_length),
		cmocka_unit_test(udp_length_comes_from_the_ip_length),
		cmocka_unit_test(ipv6_tcp_has_payload_length_and_pseudo_header_checksum),
		cmocka_unit_test(icmp_type_and_code_come_from_the_port_fields),
		cmocka_unit_test(unknown_or_oversized_lengths_stay_valid),
		cmocka_unit_test(blocks_parse_back_as_the_draft_lays_them_out),
		cmocka_unit_test(messages_name_the_output_not_its_temporary_name),
	};

	return cmocka_run_group_tests_name("pcapng_build", tests, NULL, NULL);
}
