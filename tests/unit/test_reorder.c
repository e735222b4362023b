// SPDX-License-Identifier: GPL-2.0
/* Batched events back in time order (capture/reorder.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "capture/reorder.h"

struct sink {
	uint64_t ts[64];
	uint16_t cpu[64];
	size_t n;
	size_t stop_after; /* 0: never */
};

static int collect(void *ctx, struct ns_event *ev)
{
	struct sink *k = ctx;

	if (k->stop_after && k->n == k->stop_after)
		return -32; /* -EPIPE: the consumer is gone */
	k->ts[k->n] = ev->ts_ns;
	k->cpu[k->n] = ev->cpu;
	k->n++;
	return 0;
}

static void push_ctx(struct reorder *r, unsigned int cpu, uint8_t ctx, uint64_t ts)
{
	struct ns_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cpu = cpu;
	ev.ctx = ctx;
	ev.ts_ns = ts;
	assert_int_equal(reorder_push(r, &ev), 0);
}

static void push(struct reorder *r, unsigned int cpu, uint64_t ts)
{
	push_ctx(r, cpu, NS_CTX_TASK, ts);
}

static void batches_of_two_cpus_come_out_in_time_order(void **state)
{
	struct reorder r;
	struct sink k = { 0 };

	assert_int_equal(reorder_init(&r, 2, 1000), 0);
	/* CPU 1's batch reaches the ring before CPU 0's older one */
	push(&r, 1, 20);
	push(&r, 1, 40);
	push(&r, 0, 10);
	push(&r, 0, 30);
	push(&r, 0, 50);
	reorder_heartbeat(&r, 0, 60);
	reorder_heartbeat(&r, 1, 45);
	/* up to CPU 1's heartbeat only: CPU 0's 50 could still be preceded
	 * by an event of CPU 1 stamped 46..49 */
	assert_int_equal(reorder_release(&r, false, collect, &k), 4);
	assert_int_equal(k.n, 4);
	assert_int_equal(k.ts[0], 10);
	assert_int_equal(k.ts[1], 20);
	assert_int_equal(k.ts[2], 30);
	assert_int_equal(k.ts[3], 40);
	assert_int_equal(k.cpu[0], 0);
	assert_int_equal(k.cpu[1], 1);
	assert_int_equal(r.held, 1);
	reorder_heartbeat(&r, 1, 70);
	assert_int_equal(reorder_release(&r, false, collect, &k), 1);
	assert_int_equal(k.ts[4], 50);
	assert_int_equal(r.late, 0);
	assert_int_equal(r.forced, 0);
	reorder_free(&r);
}

static void a_cpu_without_heartbeat_holds_everything_back(void **state)
{
	struct reorder r;
	struct sink k = { 0 };

	assert_int_equal(reorder_init(&r, 3, 1000), 0);
	push(&r, 0, 5);
	push(&r, 1, 6);
	reorder_heartbeat(&r, 0, 100);
	reorder_heartbeat(&r, 1, 100);
	/* CPU 2 has said nothing yet */
	assert_int_equal(reorder_release(&r, false, collect, &k), 0);
	/* offline: it never will, and sends nothing either */
	reorder_cpu_done(&r, 2);
	assert_int_equal(reorder_release(&r, false, collect, &k), 2);
	assert_int_equal(k.ts[0], 5);
	assert_int_equal(k.ts[1], 6);
	reorder_free(&r);
}

static void levels_interleaved_on_one_cpu_are_sorted(void **state)
{
	struct reorder r;
	struct sink k = { 0 };
	/* a task batch (10, 11, 15) sent after the softirq batch (12..14)
	 * that interrupted it, then a held softirq entry (9) */
	const uint64_t order[] = { 12, 13, 14, 10, 11, 15, 9 };

	assert_int_equal(reorder_init(&r, 1, 1000), 0);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		push(&r, 0, order[i]);
	assert_int_equal(reorder_release(&r, true, collect, &k), 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(k.ts[i], 9 + i);
	reorder_free(&r);
}

static void batches_of_each_level_merge_by_time(void **state)
{
	struct reorder r;
	struct sink k = { 0 };

	assert_int_equal(reorder_init(&r, 1, 1000), 0);
	/* a flood's sender: one task event per packet, eight softirq ones;
	 * the softirq batch fills first and reaches the ring first */
	for (uint64_t p = 0; p < 2; p++)
		for (uint64_t i = 1; i <= 8; i++)
			push_ctx(&r, 0, NS_CTX_SOFTIRQ, p * 10 + i);
	push_ctx(&r, 0, NS_CTX_HARDIRQ, 15);
	push_ctx(&r, 0, NS_CTX_TASK, 0);
	push_ctx(&r, 0, NS_CTX_TASK, 10);
	push_ctx(&r, 0, NS_CTX_NMI, 9);
	reorder_heartbeat(&r, 0, 100);
	assert_int_equal(reorder_release(&r, false, collect, &k), 20);
	for (size_t i = 1; i < k.n; i++)
		assert_true(k.ts[i - 1] <= k.ts[i]);
	assert_int_equal(k.ts[0], 0);
	assert_int_equal(k.ts[19], 18);
	assert_int_equal(r.held, 0);
	reorder_free(&r);
}

static void the_end_releases_all_without_heartbeats(void **state)
{
	struct reorder r;
	struct sink k = { 0 };

	assert_int_equal(reorder_init(&r, 2, 1000), 0);
	push(&r, 1, 7);
	push(&r, 0, 8);
	push(&r, 1, 3);
	assert_int_equal(reorder_release(&r, false, collect, &k), 0);
	assert_int_equal(reorder_release(&r, true, collect, &k), 3);
	assert_int_equal(k.ts[0], 3);
	assert_int_equal(k.ts[1], 7);
	assert_int_equal(k.ts[2], 8);
	assert_int_equal(r.held, 0);
	reorder_free(&r);
}

static void a_late_event_is_released_and_counted(void **state)
{
	struct reorder r;
	struct sink k = { 0 };

	assert_int_equal(reorder_init(&r, 1, 1000), 0);
	push(&r, 0, 50);
	reorder_heartbeat(&r, 0, 60);
	assert_int_equal(reorder_release(&r, false, collect, &k), 1);
	/* stamped before what went out already */
	push(&r, 0, 40);
	assert_int_equal(r.late, 1);
	assert_int_equal(reorder_release(&r, false, collect, &k), 1);
	assert_int_equal(k.ts[1], 40);
	reorder_free(&r);
}

static void a_lower_heartbeat_does_not_move_the_mark_back(void **state)
{
	struct reorder r;
	struct sink k = { 0 };

	assert_int_equal(reorder_init(&r, 1, 1000), 0);
	reorder_heartbeat(&r, 0, 100);
	reorder_heartbeat(&r, 0, 0); /* BPF being careful: see flush_batches */
	push(&r, 0, 90);
	assert_int_equal(reorder_release(&r, false, collect, &k), 1);
	reorder_free(&r);
}

static void too_many_held_forces_the_oldest_out(void **state)
{
	struct reorder r;
	struct sink k = { 0 };

	assert_int_equal(reorder_init(&r, 2, 3), 0);
	for (uint64_t ts = 1; ts <= 5; ts++)
		push(&r, 0, ts);
	/* CPU 1 stalls: only what exceeds the bound goes, oldest first */
	assert_int_equal(reorder_release(&r, false, collect, &k), 2);
	assert_int_equal(k.ts[0], 1);
	assert_int_equal(k.ts[1], 2);
	assert_int_equal(r.forced, 2);
	assert_int_equal(r.held, 3);
	reorder_free(&r);
}

static void a_failing_consumer_stops_and_keeps_the_rest(void **state)
{
	struct reorder r;
	struct sink k = { .stop_after = 2 };

	assert_int_equal(reorder_init(&r, 1, 1000), 0);
	for (uint64_t ts = 1; ts <= 4; ts++)
		push(&r, 0, ts);
	assert_int_equal(reorder_release(&r, true, collect, &k), -32);
	assert_int_equal(k.n, 2);
	/* the one refused is gone (as a ring record would be), the rest wait */
	assert_int_equal(r.held, 1);
	reorder_free(&r);
}

struct order_check {
	uint64_t last, n;
	int bad;
};

static int check_order(void *ctx, struct ns_event *ev)
{
	struct order_check *c = ctx;

	if (ev->ts_ns < c->last)
		c->bad++;
	c->last = ev->ts_ns;
	c->n++;
	return 0;
}

static void many_events_keep_order_across_growth(void **state)
{
	struct reorder r;
	struct order_check chk = { 0 };
	const uint64_t batches = 5000 / 16;

	assert_int_equal(reorder_init(&r, 2, 1u << 20), 0);
	/* each CPU's batches of 16 sent pairwise swapped: the buffer grows
	 * past its first allocation and sorts across batches */
	for (uint64_t b = 0; b < batches; b++)
		for (unsigned int cpu = 0; cpu < 2; cpu++)
			for (uint64_t i = 0; i < 16; i++)
				push(&r, cpu, (b ^ 1) * 1000 + i * 2 + cpu + 10);
	assert_int_equal(reorder_release(&r, true, check_order, &chk), batches * 32);
	assert_int_equal(chk.bad, 0);
	assert_int_equal(chk.n, batches * 32);
	assert_int_equal(r.held, 0);
	reorder_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batches_of_two_cpus_come_out_in_time_order),
		cmocka_unit_test(a_cpu_without_heartbeat_holds_everything_back),
		cmocka_unit_test(levels_interleaved_on_one_cpu_are_sorted),
		cmocka_unit_test(batches_of_each_level_merge_by_time),
		cmocka_unit_test(the_end_releases_all_without_heartbeats),
		cmocka_unit_test(a_late_event_is_released_and_counted),
		cmocka_unit_test(a_lower_heartbeat_does_not_move_the_mark_back),
		cmocka_unit_test(too_many_held_forces_the_oldest_out),
		cmocka_unit_test(a_failing_consumer_stops_and_keeps_the_rest),
		cmocka_unit_test(many_events_keep_order_across_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
