// SPDX-License-Identifier: GPL-2.0
/*
 * Each received packet's path (analysis/softirq_rx.c, through the
 * interrupts analysis): a NIC's hardirq -> NET_RX -> napi_poll(dev) ->
 * GRO -> netif_receive_skb, veth's backlog, and the hardirqs that must
 * not count (another device's, one that did not handle the interrupt).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/softirq.h"

#define NET_RX 3	/* the analysis's default without BTF names */

static struct ns_event ev(uint16_t type, uint8_t ctx, uint64_t ts, const char *ifname)
{
	struct ns_event e = { .type = type, .cpu = 0, .ctx = ctx, .ts_ns = ts, .stack_id = -1 };

	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	return e;
}

/* irq_handler_entry/exit of a handler; handled: its return has IRQ_HANDLED */
static void hardirq(struct softirq_an *s, uint64_t ts, uint32_t irq, const char *name, bool handled)
{
	struct ns_event e = ev(NS_EV_IRQ_HANDLER_ENTRY, NS_CTX_HARDIRQ, ts, name);

	e.reason = irq;
	softirq_feed(s, &e);
	e.type = NS_EV_IRQ_HANDLER_EXIT;
	e.ts_ns = ts + 10;
	e.aux = handled;
	softirq_feed(s, &e);
}

/* a NET_RX raise in the hardirq of irq (-1: in a task) */
static void raise_net_rx(struct softirq_an *s, uint64_t ts, int irq)
{
	struct ns_event e = ev(NS_EV_SOFTIRQ_RAISE, irq >= 0 ? NS_CTX_HARDIRQ : NS_CTX_TASK, ts, "");

	e.reason = NET_RX;
	e.aux = irq;
	snprintf(e.comm, sizeof(e.comm), "sender");
	softirq_feed(s, &e);
}

static void run_edge(struct softirq_an *s, uint16_t type, uint64_t ts)
{
	struct ns_event e = ev(type, NS_CTX_SOFTIRQ, ts, "");

	e.reason = NET_RX;
	snprintf(e.comm, sizeof(e.comm), "sender");
	softirq_feed(s, &e);
}

static void rx(struct softirq_an *s, uint16_t type, uint64_t ts, uint64_t id, const char *dev)
{
	struct ns_event e = ev(type, NS_CTX_SOFTIRQ, ts, dev);

	e.packet_id = id;
	e.hdr = NS_HDR_L3 | NS_HDR_L4;
	e.family = 2;
	e.l4_proto = 17;
	e.saddr[0] = 198, e.saddr[1] = 18, e.saddr[3] = 1;
	e.daddr[0] = 198, e.daddr[1] = 18, e.daddr[3] = 2;
	e.sport = 4000;
	e.dport = 5353;
	softirq_feed(s, &e);
}

static void poll(struct softirq_an *s, uint64_t ts, const char *dev, int work)
{
	struct ns_event e = ev(NS_EV_NAPI_POLL, NS_CTX_SOFTIRQ, ts, dev);

	e.aux = work;
	e.aux2 = 64;
	softirq_feed(s, &e);
}

static void finish(struct softirq_an *s, struct softirq_result *r)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(softirq_finish(s, r), 0);
	softirq_free(s);
}

/* eth0 (irq 10) and eth1 (irq 11) on one CPU: eth1's hardirq raises
 * NET_RX, the run polls eth1, the packet goes through GRO to the stack */
static void nic_packet_links_hardirq_poll_and_receive(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;
	const struct sirq_rx_pkt *p;

	hardirq(s, 1000, 10, "eth0", true);		/* the sender's TX completion */
	hardirq(s, 1100, 11, "eth1", false);		/* shared line, not eth1's */
	hardirq(s, 1200, 11, "eth1", true);
	raise_net_rx(s, 1205, 11);
	run_edge(s, NS_EV_SOFTIRQ_ENTRY, 1300);
	rx(s, NS_EV_NAPI_GRO_RECEIVE_ENTRY, 1400, 7, "eth1");
	rx(s, NS_EV_NETIF_RECEIVE_SKB, 1500, 7, "eth1");
	hardirq(s, 1600, 11, "eth1", true);		/* re-enabled inside the poll */
	poll(s, 1700, "eth1", 1);
	poll(s, 1800, "eth0", 0);
	run_edge(s, NS_EV_SOFTIRQ_EXIT, 1900);
	finish(s, &r);

	assert_int_equal(r.rx_paths[SIRQ_RX_DEVICE], 1);
	assert_int_equal(r.rx_paths[SIRQ_RX_BACKLOG] + r.rx_paths[SIRQ_RX_NAPI] +
			 r.rx_paths[SIRQ_RX_NO_POLL], 0);
	assert_int_equal(r.n_rx_pkts, 1);
	p = &r.rx_pkts[0];
	assert_int_equal(p->packet_id, 7);
	assert_string_equal(p->ifname, "eth1");
	assert_string_equal(p->what, "UDP 198.18.0.1:4000 > 198.18.0.2:5353");
	assert_string_equal(p->steps, "napi_gro_receive_entry netif_receive_skb");
	assert_string_equal(p->poll_dev, "eth1");
	assert_int_equal(p->poll_work, 1);
	assert_string_equal(p->irq_name, "eth1");
	assert_int_equal(p->irq, 11);
	assert_string_equal(p->run_from, "hardirq eth1");
	assert_int_equal(p->run_irq, 11);
	assert_true(p->irq_raised_run);
	softirq_result_free(&r);
}

/* veth: the sender's task raises, the backlog (no device) polls */
static void veth_packet_comes_by_the_backlog(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;

	hardirq(s, 900, 11, "eth1", true);	/* some NIC's, but not of this poll */
	raise_net_rx(s, 1000, -1);
	run_edge(s, NS_EV_SOFTIRQ_ENTRY, 1100);
	rx(s, NS_EV_NETIF_RECEIVE_SKB, 1200, 3, "veth1");
	poll(s, 1300, "", 1);
	run_edge(s, NS_EV_SOFTIRQ_EXIT, 1400);
	finish(s, &r);

	assert_int_equal(r.rx_paths[SIRQ_RX_BACKLOG], 1);
	assert_int_equal(r.rx_paths[SIRQ_RX_DEVICE], 0);
	assert_int_equal(r.n_rx_pkts, 1);
	assert_int_equal(r.rx_pkts[0].path, SIRQ_RX_BACKLOG);
	assert_int_equal(r.rx_pkts[0].irq, -1);
	assert_string_equal(r.rx_pkts[0].run_from, "task sender");
	assert_string_equal(r.rx_pkts[0].poll_dev, "");
	softirq_result_free(&r);
}

/* a device's poll with no handled hardirq of that device: NAPI, not DEVICE;
 * a packet no poll took before its run ended: NO_POLL */
static void napi_without_its_hardirq_and_packets_without_a_poll(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;

	hardirq(s, 900, 10, "eth0", true);
	hardirq(s, 950, 11, "eth1", false);
	run_edge(s, NS_EV_SOFTIRQ_ENTRY, 1000);
	rx(s, NS_EV_NAPI_GRO_RECEIVE_ENTRY, 1100, 4, "eth1");
	poll(s, 1200, "eth1", 1);
	rx(s, NS_EV_NETIF_RECEIVE_SKB, 1300, 5, "eth1");
	run_edge(s, NS_EV_SOFTIRQ_EXIT, 1400);
	finish(s, &r);

	assert_int_equal(r.rx_paths[SIRQ_RX_NAPI], 1);
	assert_int_equal(r.rx_paths[SIRQ_RX_NO_POLL], 1);
	assert_int_equal(r.n_rx_pkts, 2);
	assert_int_equal(r.rx_pkts[0].path, SIRQ_RX_NAPI);
	assert_string_equal(r.rx_pkts[0].run_from, "(raise not seen)");
	assert_int_equal(r.rx_pkts[1].path, SIRQ_RX_NO_POLL);
	softirq_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nic_packet_links_hardirq_poll_and_receive),
		cmocka_unit_test(veth_packet_comes_by_the_backlog),
		cmocka_unit_test(napi_without_its_hardirq_and_packets_without_a_poll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
