// SPDX-License-Identifier: GPL-2.0
/*
 * The diff of two reports on results built by hand: which rows appear,
 * vanish, change or stay the same, in which order, and what the threshold
 * and the floor for small counts do.  No kernel, no trace file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/diff.h"
#include "render/diff_out.h"

#define PARTS (RR_PART_COUNTS | RR_PART_DROPS | RR_PART_TCP | RR_PART_JOURNEYS | \
	       RR_PART_CALLPATHS | RR_PART_LATENCY | RR_PART_COUNTERS)

static unsigned int dropped_steps[] = { NS_EV_NET_DEV_QUEUE, NS_EV_NETIF_RECEIVE_SKB,
					NS_EV_TCP_SEND_RESET, NS_EV_KFREE_SKB };
static unsigned int consumed_steps[] = { NS_EV_NET_DEV_QUEUE, NS_EV_NETIF_RECEIVE_SKB,
					 NS_EV_CONSUME_SKB };

/* the storage of one hand-built result: the report_result points into it */
struct side {
	struct report_result r;
	struct rr_drop_reason reasons[1];
	struct rr_drop_site sites[1];
	struct rr_sequence seqs[2];
	struct latency_pair pairs[1];
};

/*
 * A: 100 kfree_skb (NO_SOCKET at tcp_v4_rcv+0x99), 50 consume_skb, 2
 * tcp_send_reset; journeys: 60 of 100 packets dropped NO_SOCKET after a
 * reset, 40 consumed; receive → drop p50 1 µs, p90 4 µs, p99 8 µs.
 */
static void build_a(struct side *s, const char *kernel)
{
	struct report_result *r = &s->r;

	memset(s, 0, sizeof(*s));
	r->parts = PARTS;
	r->top = REPORT_TOP_ALL;
	r->capture.kernel = (char *)kernel;
	r->capture.host = "vm";
	r->capture.method = "tp_btf";
	r->events.count[NS_EV_KFREE_SKB] = 100;
	r->events.count[NS_EV_CONSUME_SKB] = 50;
	r->events.count[NS_EV_TCP_SEND_RESET] = 2;
	r->events.total = 152;
	for (unsigned int t = 0; t < RR_NTYPES; t++)
		r->events.rates[t] = r->events.count[t] * 10.0;
	r->events.rate = 1520;
	r->drops.total = 100;
	s->reasons[0] = (struct rr_drop_reason){ .name = "NO_SOCKET", .value = 2, .count = 100 };
	r->drops.reasons = s->reasons;
	r->drops.n_reasons = 1;
	s->sites[0] = (struct rr_drop_site){ .reason = "NO_SOCKET", .location = "tcp_v4_rcv+0x99",
					     .function = "tcp_v4_rcv", .count = 100 };
	r->drops.sites = s->sites;
	r->drops.n_sites = 1;
	r->journeys.packets = 100;
	s->seqs[0] = (struct rr_sequence){ .steps = dropped_steps, .n_steps = 4, .fate = "dropped",
					   .reason = "NO_SOCKET", .count = 60 };
	s->seqs[1] = (struct rr_sequence){ .steps = consumed_steps, .n_steps = 3, .fate = "consumed",
					   .count = 40 };
	r->journeys.seqs = s->seqs;
	r->journeys.n_seqs = 2;
	s->pairs[0] = (struct latency_pair){ .from = "receive", .to = "drop",
		.gap = { .count = 100, .min_ns = 500, .p50_ns = 1000, .p90_ns = 4000, .p99_ns = 8000,
			 .max_ns = 9000 } };
	r->latency.pairs = s->pairs;
	r->latency.n_pairs = 1;
	r->latency.rel_error = 0.01;
}

/*
 * B: kfree_skb doubled (200, all NO_SOCKET), consume_skb 53 (+6 %, but +3
 * is under the floor of 5), no tcp_send_reset, 10 net_dev_queue;
 * journeys: the dropped sequence vanished, 100 of 125 packets consumed
 * (the rest in no sequence: beyond the table); receive → drop p50 2 µs,
 * p90 the same, p99 8.04 µs (+0.5 %: within the percentiles' precision).
 */
static void build_b(struct side *s)
{
	struct report_result *r = &s->r;

	build_a(s, "6.12.0");
	r->events.count[NS_EV_KFREE_SKB] = 200;
	r->events.count[NS_EV_CONSUME_SKB] = 53;
	r->events.count[NS_EV_TCP_SEND_RESET] = 0;
	r->events.count[NS_EV_NET_DEV_QUEUE] = 10;
	r->events.total = 263;
	for (unsigned int t = 0; t < RR_NTYPES; t++)
		r->events.rates[t] = r->events.count[t] * 10.0;
	r->drops.total = 200;
	s->reasons[0].count = 200;
	s->sites[0].count = 200;
	s->seqs[0] = s->seqs[1];
	s->seqs[0].count = 100;
	r->journeys.n_seqs = 1;
	r->journeys.packets = 125;
	s->pairs[0].gap.p50_ns = 2000;
	s->pairs[0].gap.p99_ns = 8040;
}

static const struct diff_row *row(const struct diff_section *s, const char *what,
				  const char *detail)
{
	for (size_t i = 0; i < s->n_rows; i++)
		if (!strcmp(s->rows[i].what, what) &&
		    !strcmp(s->rows[i].detail ? s->rows[i].detail : "", detail ? detail : ""))
			return &s->rows[i];
	fail_msg("no row '%s' in %s", what, s->name);
	return NULL;
}

static struct diff_result *diff_ab(struct side *a, struct side *b, double threshold)
{
	struct diff_opts o = { .threshold = threshold, .min_abs = DIFF_DEFAULT_MIN_ABS };
	struct diff_result *d = NULL;

	build_a(a, "6.12.0");
	build_b(b);
	assert_int_equal(diff_results(&a->r, &b->r, &o, &d), 0);
	assert_non_null(d);
	return d;
}

static void events_that_appear_vanish_and_grow_sorted_by_size_of_change(void **state)
{
	struct side a, b;
	struct diff_result *d = diff_ab(&a, &b, 0.05);
	const struct diff_section *s = &d->sec[DIFF_SEC_EVENTS];
	static const char *const order[] = { "all events", "kfree_skb", "net_dev_queue",
					     "tcp_send_reset", "consume_skb" };
	static const enum diff_status status[] = { DIFF_CHANGED, DIFF_CHANGED, DIFF_NEW, DIFF_GONE,
						   DIFF_SAME };

	assert_int_equal(s->n_rows, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(s->rows[i].what, order[i]);
		assert_int_equal(s->rows[i].status, status[i]);
	}
	assert_int_equal(s->n_same, 1);
	assert_true(s->rows[1].a == 100 && s->rows[1].b == 200 && s->rows[1].change == 100);
	assert_true(fabs(s->rows[1].rel - 1.0) < 1e-9);
	assert_true(s->rows[1].rate_a == 1000 && s->rows[1].rate_b == 2000);
	/* new: absent in A, relative change unbounded; gone: 2 -> 0 is news despite the floor */
	assert_false(s->rows[2].in_a);
	assert_true(isinf(s->rows[2].rel));
	assert_true(s->rows[3].in_a && !s->rows[3].in_b && s->rows[3].change == -2);
	diff_result_free(d);
}

static void drops_by_reason_and_location_double(void **state)
{
	struct side a, b;
	struct diff_result *d = diff_ab(&a, &b, 0.05);
	const struct diff_row *r;

	r = row(&d->sec[DIFF_SEC_DROP_REASONS], "NO_SOCKET", NULL);
	assert_int_equal(r->status, DIFF_CHANGED);
	assert_true(r->a == 100 && r->b == 200);
	assert_true(r->share_a == 1.0 && r->share_b == 1.0);
	r = row(&d->sec[DIFF_SEC_DROP_SITES], "NO_SOCKET at tcp_v4_rcv+0x99", NULL);
	assert_int_equal(r->status, DIFF_CHANGED);
	assert_true(r->change == 100);
	diff_result_free(d);
}

static void journey_that_vanishes_is_gone_and_the_other_gains_share(void **state)
{
	struct side a, b;
	struct diff_result *d = diff_ab(&a, &b, 0.05);
	const struct diff_section *s = &d->sec[DIFF_SEC_JOURNEYS];

	assert_true(s->by_share);
	assert_int_equal(s->n_rows, 2);
	/* by size of the change of share: 0.6 of the packets gone, then 0.4 → 0.8 */
	assert_string_equal(s->rows[0].what,
			    "net_dev_queue → netif_receive_skb → tcp_send_reset → kfree_skb NO_SOCKET");
	assert_int_equal(s->rows[0].status, DIFF_GONE);
	assert_true(s->rows[0].a == 60 && !s->rows[0].in_b);
	assert_true(isnan(s->rows[0].share_b));
	assert_string_equal(s->rows[1].what,
			    "net_dev_queue → netif_receive_skb → consume_skb (consumed)");
	assert_int_equal(s->rows[1].status, DIFF_CHANGED);
	assert_true(s->rows[1].a == 40 && s->rows[1].b == 100);
	assert_true(fabs(s->rows[1].share_a - 0.4) < 1e-9 && fabs(s->rows[1].share_b - 0.8) < 1e-9);
	assert_true(fabs(s->rows[1].rel - 1.0) < 1e-9);	/* the share doubled */
	diff_result_free(d);
}

static void latency_percentiles_side_by_side_within_precision_are_the_same(void **state)
{
	struct side a, b;
	struct diff_result *d = diff_ab(&a, &b, 0.005);
	const struct diff_section *s = &d->sec[DIFF_SEC_LATENCY];
	const struct diff_row *r;

	assert_int_equal(s->n_rows, 3);
	r = &s->rows[0];
	assert_string_equal(r->what, "receive → drop");
	assert_string_equal(r->detail, "p50");
	assert_int_equal(r->status, DIFF_CHANGED);
	assert_true(r->a == 1000 && r->b == 2000 && r->change == 1000);
	/* +0.5 % passes a 0.5 % threshold, not the percentiles' 1 % precision */
	r = row(s, "receive → drop", "p99");
	assert_int_equal(r->status, DIFF_SAME);
	assert_true(r->a == 8000 && r->b == 8040);
	r = row(s, "receive → drop", "p90");
	assert_int_equal(r->status, DIFF_SAME);
	assert_true(r->change == 0);
	diff_result_free(d);
}

static void threshold_above_the_change_makes_it_the_same(void **state)
{
	struct side a, b;
	struct diff_result *d = diff_ab(&a, &b, 2.0);	/* 200 % */

	/* +100 % is below 200 %; appearing and vanishing rows stay news */
	assert_int_equal(row(&d->sec[DIFF_SEC_EVENTS], "kfree_skb", NULL)->status, DIFF_SAME);
	assert_int_equal(row(&d->sec[DIFF_SEC_EVENTS], "net_dev_queue", NULL)->status, DIFF_NEW);
	assert_int_equal(row(&d->sec[DIFF_SEC_JOURNEYS],
			     "net_dev_queue → netif_receive_skb → tcp_send_reset → kfree_skb NO_SOCKET",
			     NULL)->status, DIFF_GONE);
	diff_result_free(d);
}

static void a_report_against_itself_has_every_row_the_same(void **state)
{
	struct side a, a2;
	struct diff_result *d = NULL;

	build_a(&a, "6.12.0");
	build_a(&a2, "6.12.0");
	assert_int_equal(diff_results(&a.r, &a2.r, NULL, &d), 0);
	assert_int_equal(d->n_changed, 0);
	assert_false(d->kernel_differs);
	for (size_t i = 0; i < DIFF_SEC__N; i++)
		for (size_t k = 0; k < d->sec[i].n_rows; k++)
			assert_int_equal(d->sec[i].rows[k].status, DIFF_SAME);
	assert_true(d->sec[DIFF_SEC_EVENTS].n_rows > 0 && d->sec[DIFF_SEC_CAPTURE].n_rows > 0);
	diff_result_free(d);
}

static void different_kernels_are_named_first(void **state)
{
	struct side a, b;
	struct diff_result *d = NULL;

	build_a(&a, "6.1.0");
	build_a(&b, "6.12.0");
	assert_int_equal(diff_results(&a.r, &b.r, NULL, &d), 0);
	assert_true(d->kernel_differs);
	assert_string_equal(d->sec[DIFF_SEC_CAPTURE].rows[0].what, "kernel");
	assert_int_equal(d->sec[DIFF_SEC_CAPTURE].rows[0].status, DIFF_CHANGED);
	assert_string_equal(d->sec[DIFF_SEC_CAPTURE].rows[0].a_text, "6.1.0");
	assert_int_equal(d->n_changed, 1);
	diff_result_free(d);
}

static void a_part_missing_from_one_side_gives_no_rows(void **state)
{
	struct side a, b;
	struct diff_result *d = NULL;

	build_a(&a, "6.12.0");
	build_b(&b);
	b.r.parts &= ~RR_PART_LATENCY;
	assert_int_equal(diff_results(&a.r, &b.r, NULL, &d), 0);
	assert_true(d->sec[DIFF_SEC_LATENCY].in_a);
	assert_false(d->sec[DIFF_SEC_LATENCY].in_b);
	assert_int_equal(d->sec[DIFF_SEC_LATENCY].n_rows, 0);
	diff_result_free(d);
}

/*
 * The interrupts view's part on both sides: A has 100 NET_RX runs with
 * packets (90 in a task, 10 at a hardirq's exit), 100 polls of 150
 * packets, entry → exit p50 2 µs; B has 200 runs all in ksoftirqd, 100
 * polls of 400 packets (4 per poll), entry → exit p50 4 µs, and a virtio
 * irq A did not see.
 */
static void add_softirq(struct side *s, struct sirq_irq *irqs, size_t n_irqs, bool b)
{
	struct softirq_result *x = &s->r.softirq;

	s->r.parts |= RR_PART_SOFTIRQ;
	x->softirq_events = 1000;
	x->irq_events = 2 * n_irqs;
	x->net_rx_runs = b ? 210 : 110;
	x->net_rx_runs_with_packets = x->net_rx_runs_raised = b ? 200 : 100;
	x->net_rx_where[SIRQ_WHERE_TASK] = b ? 0 : 90;
	x->net_rx_where[SIRQ_WHERE_IRQ_EXIT] = b ? 0 : 10;
	x->net_rx_where[SIRQ_WHERE_KSOFTIRQD] = b ? 200 : 0;
	x->net_rx_duration = (struct latency_stats){ .count = x->net_rx_runs_with_packets,
		.min_ns = 500, .p50_ns = b ? 4000 : 2000, .p90_ns = 5000, .p99_ns = 9000, .max_ns = 9900 };
	x->polls = 100;
	x->poll_work = b ? 400 : 150;
	x->budget = 64;
	x->work = (struct latency_stats){ .count = 100, .min_ns = 1, .p50_ns = b ? 4 : 1,
					  .p90_ns = b ? 4 : 2, .p99_ns = b ? 4 : 2, .max_ns = b ? 4 : 3 };
	x->irqs = irqs;
	x->n_irqs = n_irqs;
	x->rel_error = 0.01;
}

static void interrupt_sections_compare_runs_where_they_ran_times_polls_and_hardirqs(void **state)
{
	struct side a, b;
	struct sirq_irq irqs_a[1] = { { .name = "virtio1-req.0", .irq = 36, .count = 50 } };
	struct sirq_irq irqs_b[2] = { { .name = "virtio1-req.0", .irq = 36, .count = 52 },
				      { .name = "virtio0-input.0", .irq = 40, .count = 30,
					.raised_net_rx = 30 } };
	struct diff_opts o = { .threshold = 0.05, .min_abs = DIFF_DEFAULT_MIN_ABS };
	struct diff_result *d = NULL;
	const struct diff_section *s;
	const struct diff_row *r;

	build_a(&a, "6.12.0");
	build_b(&b);
	add_softirq(&a, irqs_a, 1, false);
	add_softirq(&b, irqs_b, 2, true);
	assert_int_equal(diff_results(&a.r, &b.r, &o, &d), 0);
	s = &d->sec[DIFF_SEC_NET_RX];
	assert_string_equal(s->key, "net_rx");
	r = row(s, "NET_RX runs with packets", NULL);
	assert_true(r->a == 100 && r->b == 200 && r->status == DIFF_CHANGED);
	r = row(s, "ran in ksoftirqd", NULL);
	assert_int_equal(r->status, DIFF_NEW);
	assert_true(r->b == 200 && fabs(r->share_b - 1.0) < 1e-9);
	r = row(s, "ran in a task (local_bh_enable)", NULL);
	assert_true(r->status == DIFF_GONE && fabs(r->share_a - 0.9) < 1e-9);
	/* the biggest change first: 250 more packets polled, then the 200 new ksoftirqd runs */
	assert_string_equal(s->rows[0].what, "packets of those polls");
	assert_string_equal(s->rows[1].what, "ran in ksoftirqd");

	s = &d->sec[DIFF_SEC_SOFTIRQ_TIMES];
	assert_int_equal(s->n_rows, 4);	/* entry → exit only: no raise → entry in either */
	r = row(s, "NET_RX entry → exit", "p50");
	assert_true(r->a == 2000 && r->b == 4000 && r->status == DIFF_CHANGED);
	assert_int_equal(row(s, "NET_RX entry → exit", "max")->status, DIFF_SAME);

	s = &d->sec[DIFF_SEC_NAPI_POLLS];
	r = row(s, "packets per poll", "mean");
	/* 1.5 → 4 per poll: a change though under the floor of 5 counts */
	assert_true(r->a == 1.5 && r->b == 4 && r->status == DIFF_CHANGED);
	assert_int_equal(row(s, "budget", NULL)->status, DIFF_SAME);

	s = &d->sec[DIFF_SEC_HARDIRQS];
	assert_int_equal(row(s, "irq virtio0-input.0", NULL)->status, DIFF_NEW);
	assert_int_equal(row(s, "NET_RX raised in irq virtio0-input.0", NULL)->b, 30);
	assert_int_equal(row(s, "irq virtio1-req.0", NULL)->status, DIFF_SAME);
	diff_result_free(d);

	/* a side recorded without softirq events: no rows, not rows gone */
	a.r.softirq.softirq_events = b.r.softirq.softirq_events = 0;
	a.r.softirq.irq_events = b.r.softirq.irq_events = 0;
	assert_int_equal(diff_results(&a.r, &b.r, &o, &d), 0);
	for (size_t i = DIFF_SEC_NET_RX; i <= DIFF_SEC_HARDIRQS; i++)
		assert_int_equal(d->sec[i].n_rows, 0);
	diff_result_free(d);
}

static void text_hides_same_rows_and_json_has_them_all(void **state)
{
	struct side a, b;
	struct diff_result *d = diff_ab(&a, &b, 0.05);
	struct diff_text_opts o = { .top = 10 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	diff_print_text(f, d, &o);
	fclose(f);
	assert_non_null(strstr(buf, "NO_SOCKET at tcp_v4_rcv+0x99"));
	assert_null(strstr(buf, "consume_skb  (500.0/s"));	/* the same: hidden */
	assert_non_null(strstr(buf, "new        -     3.8%  net_dev_queue\n"));
	assert_null(strstr(buf, "!! the kernels differ"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	diff_print_json(f, d);
	fclose(f);
	assert_non_null(strstr(buf, "\"what\":\"consume_skb\",\"detail\":null,\"status\":\"same\""));
	assert_non_null(strstr(buf, "\"status\":\"gone\",\"a\":60,\"b\":null"));
	free(buf);
	diff_result_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events_that_appear_vanish_and_grow_sorted_by_size_of_change),
		cmocka_unit_test(drops_by_reason_and_location_double),
		cmocka_unit_test(journey_that_vanishes_is_gone_and_the_other_gains_share),
		cmocka_unit_test(latency_percentiles_side_by_side_within_precision_are_the_same),
		cmocka_unit_test(threshold_above_the_change_makes_it_the_same),
		cmocka_unit_test(a_report_against_itself_has_every_row_the_same),
		cmocka_unit_test(different_kernels_are_named_first),
		cmocka_unit_test(a_part_missing_from_one_side_gives_no_rows),
		cmocka_unit_test(text_hides_same_rows_and_json_has_them_all),
		cmocka_unit_test(interrupt_sections_compare_runs_where_they_ran_times_polls_and_hardirqs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
