// SPDX-License-Identifier: GPL-2.0
/*
 * The softirq-run analysis (analysis/softirq.c) on synthetic event
 * sequences: pairing raise -> entry -> exit per CPU and vector, where each
 * run executed, packets and polls linked to runs, hardirqs per name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/softirq.h"
#include "trace/ksyms.h"

#define NET_RX 3	/* the analysis's default without BTF names */
#define NET_TX 2

static struct ns_event ev(uint16_t type, uint16_t cpu, uint8_t ctx, uint64_t ts)
{
	struct ns_event e = { .type = type, .cpu = cpu, .ctx = ctx, .ts_ns = ts, .stack_id = -1 };

	return e;
}

static void feed_sirq(struct softirq_an *s, uint16_t type, uint16_t cpu, uint8_t ctx, uint64_t ts,
		      uint32_t vec, const char *comm)
{
	struct ns_event e = ev(type, cpu, ctx, ts);

	e.reason = vec;
	e.aux = -1;
	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	softirq_feed(s, &e);
}

static void feed_pkt(struct softirq_an *s, uint16_t type, uint16_t cpu, uint8_t ctx, uint64_t ts,
		     uint64_t id)
{
	struct ns_event e = ev(type, cpu, ctx, ts);

	e.packet_id = id;
	e.skb = 0x1000 + id;
	snprintf(e.ifname, sizeof(e.ifname), "veth1");
	e.hdr = NS_HDR_L3 | NS_HDR_L4;
	e.family = 2;
	e.l4_proto = 17;
	e.saddr[0] = 198, e.saddr[1] = 18, e.saddr[3] = 1;
	e.daddr[0] = 198, e.daddr[1] = 18, e.daddr[3] = 2;
	e.sport = 4000;
	e.dport = 5353;
	softirq_feed(s, &e);
}

static void feed_poll(struct softirq_an *s, uint16_t cpu, uint64_t ts, int work, uint32_t budget)
{
	struct ns_event e = ev(NS_EV_NAPI_POLL, cpu, NS_CTX_SOFTIRQ, ts);

	e.aux = work;
	e.aux2 = budget;
	softirq_feed(s, &e);
}

static void feed_irq(struct softirq_an *s, uint16_t type, uint16_t cpu, uint64_t ts, uint32_t irq,
		     const char *name)
{
	struct ns_event e = ev(type, cpu, NS_CTX_HARDIRQ, ts);

	e.reason = irq;
	snprintf(e.ifname, sizeof(e.ifname), "%s", name);
	softirq_feed(s, &e);
}

static void feed_vector(struct softirq_an *s, uint16_t type, uint16_t cpu, uint64_t ts,
			uint32_t which, uint32_t nr)
{
	struct ns_event e = ev(type, cpu, NS_CTX_HARDIRQ, ts);

	e.reason = nr;
	e.aux = which;
	softirq_feed(s, &e);
}

static struct softirq_result finish(struct softirq_an *s)
{
	struct softirq_result r;

	assert_int_equal(softirq_finish(s, &r), 0);
	softirq_free(s);
	return r;
}

/* veth: the sender raises NET_RX and runs it at local_bh_enable */
static void task_raise_runs_inline_in_the_task(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;

	feed_pkt(s, NS_EV_NET_DEV_QUEUE, 0, NS_CTX_TASK, 100, 1);
	feed_sirq(s, NS_EV_SOFTIRQ_RAISE, 0, NS_CTX_TASK, 110, NET_RX, "sender");
	feed_sirq(s, NS_EV_SOFTIRQ_RAISE, 0, NS_CTX_TASK, 120, NET_RX, "sender"); /* already pending */
	feed_sirq(s, NS_EV_SOFTIRQ_ENTRY, 0, NS_CTX_SOFTIRQ, 150, NET_RX, "sender");
	feed_pkt(s, NS_EV_NETIF_RECEIVE_SKB, 0, NS_CTX_SOFTIRQ, 160, 1);
	feed_pkt(s, NS_EV_CONSUME_SKB, 0, NS_CTX_SOFTIRQ, 165, 1);
	feed_poll(s, 0, 170, 1, 64);
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 0, NS_CTX_SOFTIRQ, 200, NET_RX, "sender");
	r = finish(s);

	assert_int_equal(r.net_rx_runs, 1);
	assert_int_equal(r.net_rx_runs_with_packets, 1);
	assert_int_equal(r.net_rx_where[SIRQ_WHERE_TASK], 1);
	assert_int_equal(r.net_rx_raise_to_entry.max_ns, 40); /* from the first raise */
	assert_int_equal(r.net_rx_duration.max_ns, 50);
	assert_int_equal(r.n_runs, 1);
	assert_string_equal(r.runs[0].from, "task sender");
	assert_string_equal(r.runs[0].comm, "sender");
	assert_int_equal(r.runs[0].packet_events, 2);
	assert_int_equal(r.runs[0].rx_events, 1);
	assert_int_equal(r.runs[0].n_pkts, 1);
	assert_int_equal(r.runs[0].pkts[0].packet_id, 1);
	assert_string_equal(r.runs[0].pkts[0].what, "UDP 198.18.0.1:4000 > 198.18.0.2:5353");
	assert_int_equal(r.polls, 1);
	assert_int_equal(r.poll_work, 1);
	assert_int_equal(r.budget, 64);
	assert_int_equal(r.polls_at_budget, 0);
	assert_int_equal(r.rx_in_polls, 1);
	assert_int_equal(r.rx_softirq, 1);
	assert_int_equal(r.rx_linked, 1);
	assert_int_equal(r.packet_task, 1);
	assert_int_equal(r.packet_softirq, 2);
	assert_int_equal(r.packet_linked, 2);
	assert_int_equal(r.n_from, 1);
	assert_int_equal(r.from[0].count, 1);
	softirq_result_free(&r);
}

/* a NIC: the handler raises NET_RX, irq_exit_rcu runs it */
static void hardirq_raise_runs_at_irq_exit(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;
	struct ns_event raise = ev(NS_EV_SOFTIRQ_RAISE, 1, NS_CTX_HARDIRQ, 1110);

	feed_pkt(s, NS_EV_NET_DEV_QUEUE, 1, NS_CTX_TASK, 1000, 7);
	feed_irq(s, NS_EV_IRQ_HANDLER_ENTRY, 1, 1100, 41, "virtio0-input.0");
	raise.reason = NET_RX;
	raise.aux = 41;
	softirq_feed(s, &raise);
	feed_irq(s, NS_EV_IRQ_HANDLER_EXIT, 1, 1120, 41, "virtio0-input.0");
	feed_sirq(s, NS_EV_SOFTIRQ_ENTRY, 1, NS_CTX_SOFTIRQ, 1130, NET_RX, "swapper/1");
	feed_pkt(s, NS_EV_NAPI_GRO_RECEIVE_ENTRY, 1, NS_CTX_SOFTIRQ, 1140, 8);
	feed_pkt(s, NS_EV_NAPI_GRO_RECEIVE_ENTRY, 1, NS_CTX_SOFTIRQ, 1145, 9);
	feed_poll(s, 1, 1150, 2, 64);
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 1, NS_CTX_SOFTIRQ, 1200, NET_RX, "swapper/1");
	r = finish(s);

	assert_int_equal(r.net_rx_where[SIRQ_WHERE_IRQ_EXIT], 1);
	assert_int_equal(r.net_rx_where[SIRQ_WHERE_TASK], 0);
	assert_int_equal(r.net_rx_raise_to_entry.max_ns, 20);
	assert_string_equal(r.runs[0].from, "hardirq virtio0-input.0");
	assert_int_equal(r.runs[0].rx_events, 2);
	assert_int_equal(r.rx_in_polls, 2);
	assert_int_equal(r.n_irqs, 1);
	assert_string_equal(r.irqs[0].name, "virtio0-input.0");
	assert_int_equal(r.irqs[0].irq, 41);
	assert_int_equal(r.irqs[0].count, 1);
	assert_int_equal(r.irqs[0].duration.max_ns, 20);
	assert_int_equal(r.irqs[0].raised_net_rx, 1);
	softirq_result_free(&r);
}

static void ksoftirqd_runs_are_told_by_the_task(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;

	feed_sirq(s, NS_EV_SOFTIRQ_RAISE, 0, NS_CTX_SOFTIRQ, 2000, NET_RX, "");
	/* a hardirq ended before, but ksoftirqd ran the vector */
	feed_vector(s, NS_EV_IRQ_VECTOR_ENTRY, 0, 2100, NS_IRQV_LOCAL_TIMER, 236);
	feed_vector(s, NS_EV_IRQ_VECTOR_EXIT, 0, 2110, NS_IRQV_LOCAL_TIMER, 236);
	feed_sirq(s, NS_EV_SOFTIRQ_ENTRY, 0, NS_CTX_SOFTIRQ, 2500, NET_RX, "ksoftirqd/0");
	feed_pkt(s, NS_EV_NETIF_RECEIVE_SKB, 0, NS_CTX_SOFTIRQ, 2510, 3);
	feed_poll(s, 0, 2520, 64, 64);
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 0, NS_CTX_SOFTIRQ, 2600, NET_RX, "ksoftirqd/0");
	r = finish(s);

	assert_int_equal(r.net_rx_where[SIRQ_WHERE_KSOFTIRQD], 1);
	assert_int_equal(r.net_rx_raise_to_entry.max_ns, 500);
	assert_string_equal(r.runs[0].from, "softirq (a run raising again)");
	assert_int_equal(r.polls_at_budget, 1);
	assert_int_equal(r.polls_over_budget, 0);
	assert_int_equal(r.n_vectors, 1);
	assert_string_equal(r.vectors[0].name, "local_timer");
	assert_int_equal(r.vectors[0].irq, 236);
	assert_int_equal(r.vectors[0].duration.max_ns, 10);
	softirq_result_free(&r);
}

/*
 * Under a filter the entry is sent late, after hardirqs that interrupted
 * the run: those end after the entry and must not make it an irq-exit run.
 */
static void held_entry_ignores_hardirqs_inside_the_run(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;

	feed_pkt(s, NS_EV_NET_DEV_QUEUE, 1, NS_CTX_TASK, 2990, 4);
	feed_vector(s, NS_EV_IRQ_VECTOR_ENTRY, 1, 3050, NS_IRQV_LOCAL_TIMER, 236);
	feed_vector(s, NS_EV_IRQ_VECTOR_EXIT, 1, 3060, NS_IRQV_LOCAL_TIMER, 236);
	feed_sirq(s, NS_EV_SOFTIRQ_RAISE, 1, NS_CTX_TASK, 2995, NET_RX, "sender");
	feed_sirq(s, NS_EV_SOFTIRQ_ENTRY, 1, NS_CTX_SOFTIRQ, 3000, NET_RX, "sender");
	feed_pkt(s, NS_EV_NETIF_RECEIVE_SKB, 1, NS_CTX_SOFTIRQ, 3070, 4);
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 1, NS_CTX_SOFTIRQ, 3100, NET_RX, "sender");
	r = finish(s);

	assert_int_equal(r.net_rx_where[SIRQ_WHERE_TASK], 1);
	assert_int_equal(r.net_rx_where[SIRQ_WHERE_IRQ_EXIT], 0);
	assert_int_equal(r.net_rx_raise_to_entry.max_ns, 5);
	assert_int_equal(r.rx_linked, 1);
	softirq_result_free(&r);
}

static void vectors_and_cpus_pair_apart(void **state)
{
	struct softirq_an *s = softirq_new(NULL);
	struct softirq_result r;

	/* NET_TX on cpu 0 and NET_RX on cpu 1 at once; an exit of the wrong vector */
	feed_sirq(s, NS_EV_SOFTIRQ_ENTRY, 0, NS_CTX_SOFTIRQ, 10, NET_TX, "a");
	feed_sirq(s, NS_EV_SOFTIRQ_ENTRY, 1, NS_CTX_SOFTIRQ, 12, NET_RX, "b");
	feed_pkt(s, NS_EV_NETIF_RECEIVE_SKB, 1, NS_CTX_SOFTIRQ, 14, 5);
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 1, NS_CTX_SOFTIRQ, 20, NET_TX, "b");
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 0, NS_CTX_SOFTIRQ, 30, NET_TX, "a");
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 1, NS_CTX_SOFTIRQ, 40, NET_RX, "b");
	/* a receive event in softirq context outside any run: not linked */
	feed_pkt(s, NS_EV_NETIF_RECEIVE_SKB, 1, NS_CTX_SOFTIRQ, 50, 6);
	/* raised, never run within the trace */
	feed_sirq(s, NS_EV_SOFTIRQ_RAISE, 0, NS_CTX_TASK, 60, NET_RX, "a");
	r = finish(s);

	assert_int_equal(r.n_rows, 2);
	assert_int_equal(r.rows[0].vec_nr, NET_TX);
	assert_int_equal(r.rows[0].cpu, 0);
	assert_int_equal(r.rows[0].duration.max_ns, 20);
	assert_int_equal(r.rows[0].raise_to_entry.count, 0);
	assert_int_equal(r.rows[1].vec_nr, NET_RX);
	assert_int_equal(r.rows[1].cpu, 1);
	assert_int_equal(r.rows[1].duration.max_ns, 28);
	assert_int_equal(r.rows[1].runs_with_packets, 1);
	assert_int_equal(r.exits_unmatched, 1);
	assert_int_equal(r.rx_softirq, 2);
	assert_int_equal(r.rx_linked, 1);
	assert_int_equal(r.raises_pending_at_end, 1);
	assert_int_equal(r.net_rx_runs_raised, 0);
	assert_string_equal(r.runs[0].from, "(raise not seen)");
	softirq_result_free(&r);
}

/* stack 1: at irq exit; stack 2: at local_bh_enable through a compiler clone */
static size_t fake_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	static const uint64_t irq_exit[] = { 0x1010, 0x2010, 0x3010 };
	static const uint64_t bh[] = { 0x1010, 0x4010, 0x5010, 0x6010 };
	const uint64_t *f = id == 1 ? irq_exit : bh;
	size_t n = id == 1 ? 3 : 4;

	(void)arg;
	for (size_t i = 0; i < n && i < max; i++)
		ips[i] = f[i];
	return n < max ? n : max;
}

static void entry_stack_decides_where_the_run_ran(void **state)
{
	struct ksyms *ks = ksyms__new();
	struct report_ctx ctx = { .ksyms = ks, .stack = fake_stack };
	struct softirq_an *s;
	struct softirq_result r;
	struct ns_event e;

	assert_non_null(ks);
	ksyms__add(ks, 0x1000, "handle_softirqs", NULL);
	ksyms__add(ks, 0x2000, "irq_exit_rcu", NULL);
	ksyms__add(ks, 0x3000, "sysvec_apic_timer_interrupt", NULL);
	ksyms__add(ks, 0x4000, "do_softirq.part.0", NULL);
	ksyms__add(ks, 0x5000, "__local_bh_enable_ip", NULL);
	ksyms__add(ks, 0x6000, "__dev_queue_xmit", NULL);
	ksyms__sort(ks);
	s = softirq_new(&ctx);
	/* the events say task (no hardirq exit seen), the stack says irq exit */
	feed_pkt(s, NS_EV_NET_DEV_QUEUE, 0, NS_CTX_TASK, 100, 1);
	e = ev(NS_EV_SOFTIRQ_ENTRY, 0, NS_CTX_SOFTIRQ, 200);
	e.reason = NET_RX;
	e.stack_id = 1;
	softirq_feed(s, &e);
	feed_pkt(s, NS_EV_NETIF_RECEIVE_SKB, 0, NS_CTX_SOFTIRQ, 210, 1);
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 0, NS_CTX_SOFTIRQ, 300, NET_RX, "");
	/* both say task; the clone counts as do_softirq */
	feed_pkt(s, NS_EV_NET_DEV_QUEUE, 0, NS_CTX_TASK, 400, 2);
	e = ev(NS_EV_SOFTIRQ_ENTRY, 0, NS_CTX_SOFTIRQ, 500);
	e.reason = NET_RX;
	e.stack_id = 2;
	softirq_feed(s, &e);
	feed_pkt(s, NS_EV_NETIF_RECEIVE_SKB, 0, NS_CTX_SOFTIRQ, 510, 2);
	feed_sirq(s, NS_EV_SOFTIRQ_EXIT, 0, NS_CTX_SOFTIRQ, 600, NET_RX, "");
	r = finish(s);

	assert_int_equal(r.where_by_stack, 2);
	assert_int_equal(r.where_rule_disagreed, 1);
	assert_int_equal(r.net_rx_where[SIRQ_WHERE_IRQ_EXIT], 1);
	assert_int_equal(r.net_rx_where[SIRQ_WHERE_TASK], 1);
	assert_int_equal(r.runs[0].where, SIRQ_WHERE_IRQ_EXIT);
	assert_true(r.runs[0].where_by_stack);
	assert_int_equal(r.runs[1].where, SIRQ_WHERE_TASK);
	softirq_result_free(&r);
	ksyms__free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(task_raise_runs_inline_in_the_task),
		cmocka_unit_test(hardirq_raise_runs_at_irq_exit),
		cmocka_unit_test(ksoftirqd_runs_are_told_by_the_task),
		cmocka_unit_test(held_entry_ignores_hardirqs_inside_the_run),
		cmocka_unit_test(vectors_and_cpus_pair_apart),
		cmocka_unit_test(entry_stack_decides_where_the_run_ran),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
