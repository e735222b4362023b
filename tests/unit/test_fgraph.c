// SPDX-License-Identifier: GPL-2.0
/*
 * Calls nested from entry and return records (analysis/fgraph.c), as
 * function_graph writes them (a depth on every record) and as the BPF
 * backends do (none): pairing, nesting into the call tree, and what is
 * done with records the buffer lost at its start, middle and end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/fgraph.h"

enum { IP_LOCAL_DELIVER_FINISH = 1, IP_PROTOCOL_DELIVER_RCU, TCP_V4_RCV, TCP_V4_SEND_RESET };
#define CPU0 0x80000000u	/* the key of CPU 0's irq context */

static struct fgraph g;

static int setup(void **state)
{
	return fgraph_init(&g);
}

static int teardown(void **state)
{
	fgraph_free(&g);
	return 0;
}

/* the node of func under the path of callers given (outermost first), FGRAPH_NIL if none */
static uint32_t node_at(const uint32_t *path, size_t n)
{
	uint32_t parent = FGRAPH_NIL, i = FGRAPH_NIL;

	for (size_t k = 0; k < n; k++) {
		i = parent == FGRAPH_NIL ? g.first_root : g.nodes[parent].first_child;
		while (i != FGRAPH_NIL && g.nodes[i].func != path[k])
			i = g.nodes[i].next_sibling;
		if (i == FGRAPH_NIL)
			return FGRAPH_NIL;
		parent = i;
	}
	return i;
}

static uint64_t ret(uint32_t key, uint32_t func, int32_t depth, uint64_t ts, bool want_match)
{
	uint64_t d = 12345;

	assert_int_equal(fgraph_return(&g, key, func, depth, ts, &d), want_match);
	return d;
}

/* ip_local_deliver_finish { ip_protocol_deliver_rcu { tcp_v4_rcv { tcp_v4_send_reset } } } */
static void function_graph_depths_nest_tcp_v4_rcv_under_ip_delivery(void **state)
{
	const uint32_t path[] = { IP_LOCAL_DELIVER_FINISH, IP_PROTOCOL_DELIVER_RCU, TCP_V4_RCV,
				  TCP_V4_SEND_RESET };

	for (int round = 0; round < 2; round++) {
		uint64_t t = round * 10000;

		fgraph_entry(&g, CPU0, IP_LOCAL_DELIVER_FINISH, 0, t + 100);
		fgraph_entry(&g, CPU0, IP_PROTOCOL_DELIVER_RCU, 1, t + 110);
		fgraph_entry(&g, CPU0, TCP_V4_RCV, 2, t + 120);
		fgraph_entry(&g, CPU0, TCP_V4_SEND_RESET, 3, t + 200);
		assert_int_equal(ret(CPU0, TCP_V4_SEND_RESET, 3, t + 450, true), 250);
		assert_int_equal(ret(CPU0, TCP_V4_RCV, 2, t + 600, true), 480);
		assert_int_equal(ret(CPU0, IP_PROTOCOL_DELIVER_RCU, 1, t + 610, true), 500);
		assert_int_equal(ret(CPU0, IP_LOCAL_DELIVER_FINISH, 0, t + 700, true), 600);
	}
	fgraph_end(&g);
	assert_int_equal(g.n_nodes, 4);
	uint32_t rcv = node_at(path, 3), reset = node_at(path, 4);

	assert_int_not_equal(rcv, FGRAPH_NIL);
	assert_int_equal(g.nodes[rcv].calls, 2);
	assert_int_equal(g.nodes[rcv].timed, 2);
	assert_int_equal(g.nodes[rcv].total_ns, 960);
	assert_int_equal(g.nodes[reset].total_ns, 500);
	assert_int_equal(g.unmatched_returns + g.abandoned + g.depth_cut + g.nodes_cut, 0);

	uint32_t *order;
	unsigned int *depths;
	size_t n;

	assert_int_equal(fgraph_preorder(&g, &order, &depths, &n), 0);
	assert_int_equal(n, 4);
	for (size_t k = 0; k < 4; k++) {
		assert_int_equal(g.nodes[order[k]].func, path[k]);
		assert_int_equal(depths[k], k);
	}
	free(order);
	free(depths);
}

/*
 * The buffer's start: the capture began inside tcp_v4_rcv, so its return
 * (depth 2) and its callers' come with nothing open; they are counted,
 * never matched to a later entry.  A return at the right depth naming
 * another function is no match either.
 */
static void returns_before_the_first_entry_are_counted_not_paired(void **state)
{
	ret(CPU0, TCP_V4_RCV, 2, 100, false);
	ret(CPU0, IP_PROTOCOL_DELIVER_RCU, 1, 110, false);
	fgraph_entry(&g, CPU0, TCP_V4_RCV, 0, 200);
	ret(CPU0, TCP_V4_SEND_RESET, 0, 300, false);
	assert_int_equal(ret(CPU0, TCP_V4_RCV, 0, 350, true), 150);
	assert_int_equal(g.unmatched_returns, 3);
	assert_int_equal(g.abandoned, 0);
}

/*
 * Records lost in the middle (a full buffer): tcp_v4_send_reset's return
 * is gone, the next entry at its depth closes it; a return at a shallower
 * depth closes what is open below it; the entries open when the buffer
 * ends are abandoned, not timed.
 */
static void entries_without_their_return_are_abandoned(void **state)
{
	const uint32_t under_rcv[] = { TCP_V4_RCV, IP_PROTOCOL_DELIVER_RCU };

	fgraph_entry(&g, CPU0, TCP_V4_RCV, 0, 100);
	fgraph_entry(&g, CPU0, TCP_V4_SEND_RESET, 1, 110);
	/* lost: tcp_v4_send_reset's return */
	fgraph_entry(&g, CPU0, IP_PROTOCOL_DELIVER_RCU, 1, 300);
	assert_int_equal(g.abandoned, 1);
	assert_int_not_equal(node_at(under_rcv, 2), FGRAPH_NIL);
	fgraph_entry(&g, CPU0, TCP_V4_SEND_RESET, 2, 310);
	/* lost: both inner returns; tcp_v4_rcv's still pairs */
	assert_int_equal(ret(CPU0, TCP_V4_RCV, 0, 500, true), 400);
	assert_int_equal(g.abandoned, 3);
	/* the buffer's end: two calls still open */
	fgraph_entry(&g, CPU0, TCP_V4_RCV, 0, 600);
	fgraph_entry(&g, CPU0, TCP_V4_SEND_RESET, 1, 610);
	fgraph_end(&g);
	assert_int_equal(g.abandoned, 5);
	assert_int_equal(g.unmatched_returns, 0);
	const uint32_t root[] = { TCP_V4_RCV };

	assert_int_equal(g.nodes[node_at(root, 1)].calls, 2);
	assert_int_equal(g.nodes[node_at(root, 1)].timed, 1);
}

/* a softirq on CPU 0 and a task's calls, interleaved in time, keep apart */
static void each_stack_pairs_its_own_records(void **state)
{
	const uint32_t task = 4242;

	fgraph_entry(&g, task, TCP_V4_SEND_RESET, 0, 100);
	fgraph_entry(&g, CPU0, TCP_V4_RCV, 3, 150);
	assert_int_equal(ret(task, TCP_V4_SEND_RESET, 0, 170, true), 70);
	assert_int_equal(ret(CPU0, TCP_V4_RCV, 3, 200, true), 50);
	assert_int_equal(g.n_nodes, 2); /* both roots: no caller open on their own stack */
	assert_int_equal(g.unmatched_returns + g.abandoned, 0);
}

/* the BPF backends write no depth: a return pairs with its function's innermost entry */
static void without_depth_a_return_pairs_with_the_innermost_entry_of_its_function(void **state)
{
	const uint32_t path[] = { TCP_V4_RCV, TCP_V4_RCV };

	fgraph_entry(&g, CPU0, TCP_V4_RCV, FGRAPH_NO_DEPTH, 100);
	fgraph_entry(&g, CPU0, TCP_V4_RCV, FGRAPH_NO_DEPTH, 200);	/* recursion */
	fgraph_entry(&g, CPU0, TCP_V4_SEND_RESET, FGRAPH_NO_DEPTH, 250);
	/* tcp_v4_send_reset's return lost: the inner tcp_v4_rcv's closes it */
	assert_int_equal(ret(CPU0, TCP_V4_RCV, FGRAPH_NO_DEPTH, 300, true), 100);
	assert_int_equal(ret(CPU0, TCP_V4_RCV, FGRAPH_NO_DEPTH, 400, true), 300);
	ret(CPU0, TCP_V4_RCV, FGRAPH_NO_DEPTH, 500, false);
	assert_int_equal(g.abandoned, 1);
	assert_int_equal(g.unmatched_returns, 1);
	assert_int_equal(g.nodes[node_at(path, 2)].total_ns, 100);
}

/* deeper than FGRAPH_DEPTH: the outermost entries go, the innermost still pair */
static void past_the_depth_cap_the_outermost_entries_go(void **state)
{
	const int n = FGRAPH_DEPTH + 6;

	for (int d = 0; d < n; d++)
		fgraph_entry(&g, CPU0, 100 + d, d, 1000 + d);
	assert_int_equal(g.depth_cut, 6);
	for (int d = n - 1; d >= 6; d--)
		assert_int_equal(ret(CPU0, 100 + d, d, 5000, true), 5000 - (1000 + d));
	ret(CPU0, 105, 5, 6000, false);
	assert_int_equal(g.unmatched_returns, 1);
}

/* a record of another stack taking a slot (same key modulo FGRAPH_KEYS) */
static void a_stack_whose_slot_is_taken_gives_up_its_entries(void **state)
{
	fgraph_entry(&g, 7, TCP_V4_RCV, 0, 100);
	fgraph_entry(&g, 7 + FGRAPH_KEYS, TCP_V4_RCV, 0, 150);
	assert_int_equal(g.key_reuse, 1);
	assert_int_equal(g.abandoned, 1);
	ret(7, TCP_V4_RCV, 0, 200, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(function_graph_depths_nest_tcp_v4_rcv_under_ip_delivery,
						setup, teardown),
		cmocka_unit_test_setup_teardown(returns_before_the_first_entry_are_counted_not_paired,
						setup, teardown),
		cmocka_unit_test_setup_teardown(entries_without_their_return_are_abandoned, setup,
						teardown),
		cmocka_unit_test_setup_teardown(each_stack_pairs_its_own_records, setup, teardown),
		cmocka_unit_test_setup_teardown(
			without_depth_a_return_pairs_with_the_innermost_entry_of_its_function, setup,
			teardown),
		cmocka_unit_test_setup_teardown(past_the_depth_cap_the_outermost_entries_go, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_stack_whose_slot_is_taken_gives_up_its_entries,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
