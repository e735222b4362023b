// SPDX-License-Identifier: GPL-2.0
/*
 * export --to pcapng on a trace written here event by event: which packet
 * ids become packets, where and when each is placed, its lengths, and its
 * journey comment, read back from the blocks as the pcapng draft lays
 * them out.
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
#include <sys/socket.h>
#include <unistd.h>
#include "export/export.h"
#include "trace/tracefile.h"

#define NS_A 100
#define NS_B 200
#define TCP_V4_RCV 0xffffffff81000000ULL
#define WALL 1000000000000ULL	/* clock.monotonic_to_realtime_ns of the trace */
#define DROP_NO_SOCKET 2

struct epb {
	uint32_t if_id;
	uint64_t ts;
	uint32_t caplen, origlen, flags;
	uint8_t data[64];
	uint64_t id;
	char comment[4096];
};

struct parsed {
	char if_names[8][64];
	int n_if;
	struct epb epb[8];
	int n_epb;
};

static char dir[64], trace[96], out[96];

static struct ns_event ev(unsigned int type, uint64_t id, uint64_t ts, uint32_t netns, int ifindex,
			  const char *ifname, uint32_t len)
{
	struct ns_event e;

	memset(&e, 0, sizeof(e));
	e.type = (uint16_t)type;
	e.packet_id = id;
	e.ts_ns = ts;
	e.netns = netns;
	e.ifindex = ifindex;
	e.len = len;
	e.stack_id = -1;
	strncpy(e.ifname, ifname, sizeof(e.ifname));
	return e;
}

static void v4(struct ns_event *e, const char *s, const char *d, uint8_t proto, uint16_t sp,
	       uint16_t dp)
{
	e->hdr = NS_HDR_L3 | NS_HDR_L4;
	e->family = AF_INET;
	e->l3_proto = 0x0800;
	e->l4_proto = proto;
	inet_pton(AF_INET, s, e->saddr);
	inet_pton(AF_INET, d, e->daddr);
	e->sport = sp;
	e->dport = dp;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void parse(const uint8_t *p, size_t size, struct parsed *r)
{
	const uint8_t *end = p + size;

	memset(r, 0, sizeof(*r));
	while (p + 12 <= end) {
		uint32_t type = le32(p), len = le32(p + 4);
		const uint8_t *o = NULL, *bend = p + len - 4;

		assert_true(len >= 12 && len % 4 == 0 && p + len <= end);
		assert_int_equal(le32(bend), len);
		if (type == 1) {
			assert_true(r->n_if < 8);
			o = p + 16;
		} else if (type == 6) {
			struct epb *e = &r->epb[r->n_epb++];

			assert_true(r->n_epb <= 8);
			e->if_id = le32(p + 8);
			e->ts = (uint64_t)le32(p + 12) << 32 | le32(p + 16);
			e->caplen = le32(p + 20);
			e->origlen = le32(p + 24);
			assert_true(e->caplen <= sizeof(e->data));
			memcpy(e->data, p + 28, e->caplen);
			o = p + 28 + ((e->caplen + 3) & ~3u);
		}
		while (o && o + 4 <= bend) {
			uint16_t c = o[0] | o[1] << 8, l = o[2] | o[3] << 8;

			if (!c)
				break;
			if (type == 1 && c == 2)
				snprintf(r->if_names[r->n_if], 64, "%.*s", l, (const char *)o + 4);
			if (type == 6 && c == 1)
				snprintf(r->epb[r->n_epb - 1].comment, 4096, "%.*s", l, (const char *)o + 4);
			if (type == 6 && c == 2)
				r->epb[r->n_epb - 1].flags = le32(o + 4);
			if (type == 6 && c == 5)
				r->epb[r->n_epb - 1].id = le32(o + 4) | (uint64_t)le32(o + 8) << 32;
			o += 4 + ((l + 3u) & ~3u);
		}
		if (type == 1)
			r->n_if++;
		p += len;
	}
	assert_ptr_equal(p, end);
}

/*
 * packet 1: TCP SYN queued on veth0 (a), received on veth1 (b), dropped NO_SOCKET
 * packet 2: ARP, no IP headers: left out
 * packet 3: UDP only ever seen queued: length from skb->len less 14, never freed
 * packet 4: IPv6 RST|ACK, first seen with L3 only, ports at a later event, whole
 * packet 5: 40 events, consumed at the end: the comment keeps 32 and the end
 * packet 6: received (written first) and sent: placed at the send, the earlier
 */
static void write_trace(void)
{
	struct ns_meta meta = { 0 };
	struct ns_names names = { 0 };
	struct ksyms *ks = ksyms__new();
	struct tracefile_writer *w;
	struct ns_event e[64];
	char err[256];
	int n = 0;

	assert_non_null(ks);
	assert_int_equal(ksyms__add(ks, TCP_V4_RCV, "tcp_v4_rcv", NULL), 0);
	ksyms__sort(ks);
	ns_meta_set(&meta, "kernel.release", "6.18-test");
	ns_meta_set(&meta, "kernel.machine", "x86_64");
	ns_meta_set(&meta, "lab.netns", "netscope-1-a=100,netscope-1-b=200");
	ns_meta_set(&meta, "clock.monotonic_to_realtime_ns", "1000000000000");
	assert_int_equal(ns_names_add(&names, NS_NAMES_DROP_REASON, DROP_NO_SOCKET, "NO_SOCKET"), 0);
	w = tfw_open(trace, &meta, &names, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(tfw_add_symbol(w, TCP_V4_RCV + 0x99, ks), 0);

	e[n] = ev(NS_EV_NET_DEV_QUEUE, 1, 1000, NS_A, 2, "veth0", 74);
	v4(&e[n++], "198.18.0.1", "198.18.0.2", IPPROTO_TCP, 40000, 9);
	e[n - 1].hdr |= NS_HDR_TCP;
	e[n - 1].tcp_flags = 0x02;
	e[n - 1].seq = 12345;
	e[n] = ev(NS_EV_NET_DEV_QUEUE, 2, 1100, NS_A, 2, "veth0", 42);
	e[n++].l3_proto = 0x0806;
	e[n] = ev(NS_EV_NETIF_RECEIVE_SKB, 1, 2000, NS_B, 3, "veth1", 60);
	v4(&e[n++], "198.18.0.1", "198.18.0.2", IPPROTO_TCP, 40000, 9);
	e[n] = ev(NS_EV_KFREE_SKB, 1, 3000, NS_B, 3, "veth1", 40);
	e[n].reason = DROP_NO_SOCKET;
	e[n++].location = TCP_V4_RCV + 0x99;
	e[n] = ev(NS_EV_NET_DEV_QUEUE, 3, 4000, NS_A, 2, "veth0", 106);
	v4(&e[n++], "198.18.0.1", "198.18.0.2", IPPROTO_UDP, 50000, 5353);
	/* placed first: the earliest time, though written after the others */
	e[n] = ev(NS_EV_TCP_SEND_RESET, 4, 500, NS_B, 3, "veth1", 20);
	e[n].hdr = NS_HDR_L3;
	e[n].family = AF_INET6;
	e[n].l4_proto = IPPROTO_TCP;
	inet_pton(AF_INET6, "2001:2::2", e[n].saddr);
	inet_pton(AF_INET6, "2001:2::1", e[n++].daddr);
	e[n] = e[n - 1];
	e[n].type = NS_EV_NETIF_RECEIVE_SKB;
	e[n].ts_ns = 600;
	e[n].len = 60;
	e[n].hdr = NS_HDR_L3 | NS_HDR_L4 | NS_HDR_TCP;
	e[n].sport = 9;
	e[n].dport = 40000;
	e[n++].tcp_flags = 0x14;
	for (int i = 0; i < n; i++)
		assert_int_equal(tfw_add_event(w, &e[i]), 0);
	n = 0;
	e[n] = ev(NS_EV_NETIF_RECEIVE_SKB, 5, 5000, NS_B, 3, "veth1", 52);
	v4(&e[n++], "198.18.0.2", "198.18.0.1", IPPROTO_TCP, 9, 40000);
	for (int i = 1; i < 39; i++) {
		e[n] = ev(NS_EV_TCP_PROBE, 5, 5000 + i, NS_B, 3, "veth1", 32);
		n++;
	}
	e[n] = ev(NS_EV_CONSUME_SKB, 5, 5100, NS_B, 3, "veth1", 32);
	e[n++].location = TCP_V4_RCV + 0x99;
	/* packet 6: its receive (another CPU) comes in the file before its send */
	e[n] = ev(NS_EV_NETIF_RECEIVE_SKB, 6, 7000, NS_B, 3, "veth1", 40);
	v4(&e[n++], "198.18.0.1", "198.18.0.2", IPPROTO_TCP, 40001, 9);
	e[n] = ev(NS_EV_NET_DEV_QUEUE, 6, 6900, NS_A, 2, "veth0", 54);
	v4(&e[n++], "198.18.0.1", "198.18.0.2", IPPROTO_TCP, 40001, 9);
	for (int i = 0; i < n; i++)
		assert_int_equal(tfw_add_event(w, &e[i]), 0);
	assert_int_equal(tfw_close(w, NULL), 0);
	ns_meta_free(&meta);
	ns_names_free(&names);
	ksyms__free(ks);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/netscope-test-export-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(trace, sizeof(trace), "%s/t.ns", dir);
	snprintf(out, sizeof(out), "%s/t.pcapng", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(trace);
	unlink(out);
	rmdir(dir);
	return 0;
}

static void export(struct parsed *r)
{
	struct export_opts o = { 0 };
	struct export_src src = { .path = trace };
	char err[256];
	uint8_t *buf;
	FILE *f;
	long size;

	write_trace();
	src.tr = tfr_open(trace, err, sizeof(err));
	assert_non_null(src.tr);
	unlink(out);
	assert_int_equal(export_pcapng(&src, out, &o), 0);
	assert_int_equal(src.events, 49);
	tfr_close(src.tr);
	f = fopen(out, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	parse(buf, (size_t)size, r);
	free(buf);
}

static void one_packet_per_packet_id_with_ip_headers_in_time_order(void **state)
{
	struct parsed r;

	export(&r);
	assert_int_equal(r.n_epb, 5);		/* the ARP packet is left out */
	assert_int_equal(r.epb[0].id, 4);
	assert_int_equal(r.epb[1].id, 1);
	assert_int_equal(r.epb[2].id, 3);
	assert_int_equal(r.epb[3].id, 5);
	assert_int_equal(r.epb[4].id, 6);
	/* interfaces in the order of their first packet, named device@namespace */
	assert_int_equal(r.n_if, 2);
	assert_string_equal(r.if_names[0], "veth1@netscope-1-b");
	assert_string_equal(r.if_names[1], "veth0@netscope-1-a");
	assert_int_equal(r.epb[0].if_id, 0);
	assert_int_equal(r.epb[1].if_id, 1);
}

static void a_dropped_syn_is_placed_where_first_seen_with_its_journey(void **state)
{
	struct parsed r;
	const struct epb *e;

	export(&r);
	e = &r.epb[1];
	assert_int_equal(e->ts, WALL + 1000);
	assert_int_equal(e->flags, 2);		/* outbound: net_dev_queue */
	assert_int_equal(e->caplen, 40);
	assert_int_equal(e->origlen, 60);	/* skb->len at netif_receive_skb */
	assert_int_equal(e->data[33], 0x02);
	assert_string_equal(e->comment,
		"netscope packet 1: net_dev_queue veth0 -> netif_receive_skb veth1@netscope-1-b"
		" -> kfree_skb NO_SOCKET at tcp_v4_rcv+0x99 | headers rebuilt from the trace's"
		" fields, no payload captured (length from netif_receive_skb)");
}

static void a_packet_only_sent_has_its_length_less_an_ethernet_header(void **state)
{
	struct parsed r;
	const struct epb *e;

	export(&r);
	e = &r.epb[2];
	assert_int_equal(e->caplen, 28);
	assert_int_equal(e->origlen, 92);
	assert_int_equal(e->data[24] << 8 | e->data[25], 72);	/* UDP length */
	assert_string_equal(e->comment,
		"netscope packet 3: net_dev_queue veth0 (not seen freed) | headers rebuilt from"
		" the trace's fields, no payload captured (length from net_dev_queue less a"
		" 14-byte Ethernet header)");
}

static void ports_seen_later_complete_a_packet_placed_at_l3(void **state)
{
	struct parsed r;
	const struct epb *e;

	export(&r);
	e = &r.epb[0];
	assert_int_equal(e->ts, WALL + 500);
	assert_int_equal(e->flags, 0);		/* tcp_send_reset: no direction */
	assert_int_equal(e->data[0] >> 4, 6);
	assert_int_equal(e->caplen, 60);
	assert_int_equal(e->origlen, 60);
	assert_int_equal(e->data[40] << 8 | e->data[41], 9);
	assert_int_equal(e->data[42] << 8 | e->data[43], 40000);
	assert_int_equal(e->data[53], 0x14);
	assert_int_not_equal(e->data[56] | e->data[57], 0);	/* whole: checksummed */
}

static void a_packet_goes_where_it_was_first_seen_by_time_not_file_order(void **state)
{
	struct parsed r;
	const struct epb *e;

	export(&r);
	e = &r.epb[4];
	assert_int_equal(e->ts, WALL + 6900);
	assert_int_equal(e->if_id, 1);		/* veth0@netscope-1-a */
	assert_int_equal(e->flags, 2);
	assert_int_equal(e->origlen, 40);	/* the receive's length, not 54 - 14 guessed */
	assert_non_null(strstr(e->comment, "packet 6: net_dev_queue veth0 -> netif_receive_skb"
			       " veth1@netscope-1-b (not seen freed)"));
}

static void a_long_journey_is_cut_but_keeps_its_end(void **state)
{
	struct parsed r;

	export(&r);
	assert_non_null(strstr(r.epb[3].comment,
		" -> tcp_probe -> (+8 more events) -> consume_skb at tcp_v4_rcv+0x99 | "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_packet_per_packet_id_with_ip_headers_in_time_order),
		cmocka_unit_test(a_dropped_syn_is_placed_where_first_seen_with_its_journey),
		cmocka_unit_test(a_packet_only_sent_has_its_length_less_an_ethernet_header),
		cmocka_unit_test(ports_seen_later_complete_a_packet_placed_at_l3),
		cmocka_unit_test(a_packet_goes_where_it_was_first_seen_by_time_not_file_order),
		cmocka_unit_test(a_long_journey_is_cut_but_keeps_its_end),
	};

	return cmocka_run_group_tests_name("export_pcapng", tests, setup, teardown);
}
