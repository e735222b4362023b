// SPDX-License-Identifier: GPL-2.0
/*
 * The function-level layer map (boundaries__step(), boundaries__feed_path())
 * from synthetic func_entry sequences of one packet each, as fentry and
 * kprobe.multi give them on 6.x: a receive up to the socket, a transmit
 * through a clone to the peer's receive, a RST sent on the SYN's skb;
 * memory functions as side trips, functions of no layer looked through,
 * interleaved packets kept apart; and the comparison with the stack-based
 * map (bnd_compare()): the same boundaries where both see them, the
 * difference named where one does not.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analysis/analysis.h"
#include "analysis/boundaries.h"
#include "analysis/internal.h"
#include "render/layers_out.h"
#include "trace/ksyms.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* a packet's traced functions in the order it entered them */
static const char *const rx_path[] = {
	"__netif_receive_skb", "__netif_receive_skb_one_core", "ip_rcv", "ip_rcv_finish",
	"ip_local_deliver", "ip_local_deliver_finish", "ip_protocol_deliver_rcu", "tcp_v4_rcv",
	"tcp_v4_do_rcv", "tcp_rcv_established", "tcp_data_queue", "tcp_queue_rcv",
	"skb_copy_datagram_iter",
};

/* a data segment: TCP sends a clone (fexit on skb_clone keeps its id), veth
 * puts it on the peer's backlog, the peer receives it */
static const char *const tx_path[] = {
	"__tcp_transmit_skb", "skb_clone", "tcp_v4_send_check", "ip_queue_xmit", "__ip_queue_xmit",
	"ip_local_out", "__ip_local_out", "ip_output", "ip_finish_output", "__ip_finish_output",
	"ip_finish_output2", "__dev_queue_xmit", "dev_hard_start_xmit", "__netif_rx",
	"enqueue_to_backlog", "__netif_receive_skb", "__netif_receive_skb_one_core", "ip_rcv",
	"ip_local_deliver", "ip_protocol_deliver_rcu", "tcp_v4_rcv",
};

/* a SYN to a closed port: tcp_v4_send_reset and ip_send_unicast_reply take the SYN's skb */
static const char *const rst_path[] = {
	"__netif_receive_skb_one_core", "ip_rcv", "ip_local_deliver", "ip_protocol_deliver_rcu",
	"tcp_v4_rcv", "tcp_v4_send_reset", "ip_send_unicast_reply", "sk_skb_reason_drop",
};

/* the stacks of the same run, innermost first */
static const char *const rx_stack[] = {
	"sock_def_readable", "tcp_data_ready", "tcp_data_queue", "tcp_rcv_established", "tcp_v4_do_rcv",
	"tcp_v4_rcv", "ip_protocol_deliver_rcu", "ip_local_deliver_finish",
	"__netif_receive_skb_one_core", "__netif_receive_skb", "process_backlog", "__napi_poll",
	"net_rx_action", "handle_softirqs",
};

static const char *const tx_stack[] = {
	"veth_xmit", "dev_hard_start_xmit", "__dev_queue_xmit", "ip_finish_output2", "__ip_finish_output",
	"ip_finish_output", "ip_output", "ip_local_out", "__ip_queue_xmit", "ip_queue_xmit",
	"__tcp_transmit_skb", "tcp_write_xmit", "__tcp_push_pending_frames", "tcp_push",
	"tcp_sendmsg_locked", "tcp_sendmsg", "inet_sendmsg", "__sock_sendmsg", "__sys_sendto",
	"do_syscall_64",
};

static struct layer_rules *rules;

static int setup(void **state)
{
	char err[256];

	(void)state;
	rules = layer_rules__builtin(err, sizeof(err));
	return rules ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	layer_rules__free(rules);
	return 0;
}

static const struct bnd_pair *find_pair(const struct bnd_result *r, const char *caller, const char *callee)
{
	for (size_t g = 0; g < r->n_gaps; g++)
		for (size_t i = 0; i < r->gaps[g].n_pairs; i++)
			if (!strcmp(r->gaps[g].pairs[i].caller, caller) &&
			    !strcmp(r->gaps[g].pairs[i].callee, callee))
				return &r->gaps[g].pairs[i];
	return NULL;
}

static void assert_pair(const struct bnd_result *r, const char *caller, const char *callee, enum ns_dir dir,
			uint64_t count)
{
	const struct bnd_pair *p = find_pair(r, caller, callee);

	if (!p)
		fail_msg("no boundary %s -> %s", caller, callee);
	if (p->dir != dir || p->count != count)
		fail_msg("%s -> %s: %s x%lu, expected %s x%lu", caller, callee, ns_dir_name(p->dir),
			 (unsigned long)p->count, ns_dir_name(dir), (unsigned long)count);
}

static size_t n_pairs(const struct bnd_result *r)
{
	size_t n = 0;

	for (size_t g = 0; g < r->n_gaps; g++)
		n += r->gaps[g].n_pairs;
	return n;
}

static struct bnd_result *map_of_paths(const char *const *const *paths, const size_t *lens, size_t n)
{
	struct boundaries *b = boundaries__new(rules);
	struct bnd_result *r;

	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(boundaries__feed_path(b, paths[i], lens[i], 1, BND_CTX_SOFTIRQ), 0);
	r = boundaries__finish(b);
	boundaries__free(b);
	assert_non_null(r);
	return r;
}

static void received_packet_crosses_device_ip_tcp_socket_rx(void **state)
{
	const char *const *paths[] = { rx_path };
	size_t lens[] = { N(rx_path) };
	struct bnd_result *r = map_of_paths(paths, lens, 1);

	(void)state;
	assert_true(r->from_paths);
	assert_int_equal(r->stacks, 1);	/* one packet */
	assert_int_equal(n_pairs(r), 3);
	/* the first function of the layer entered, the last of the layer left:
	 * ip_rcv, which a stack loses to tail calls */
	assert_pair(r, "__netif_receive_skb_one_core", "ip_rcv", NS_DIR_RX, 1);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 1);
	assert_pair(r, "tcp_queue_rcv", "skb_copy_datagram_iter", NS_DIR_RX, 1);
	assert_int_equal(r->frames[NS_LAYER_IP], 5);
	assert_int_equal(r->frames[NS_LAYER_TCP], 5);
	assert_true(bnd_result__gap(r, NS_LAYER_IP, NS_LAYER_DEVICE)->adjacent);
	bnd_result__free(r);
}

static void sent_segment_goes_down_through_a_clone_and_up_the_peer(void **state)
{
	const char *const *paths[] = { tx_path };
	size_t lens[] = { N(tx_path) };
	struct bnd_result *r = map_of_paths(paths, lens, 1);
	const struct bnd_gap *g;

	(void)state;
	/* skb_clone is a side trip of TCP: tcp -> memory, and TCP goes on to IP */
	assert_pair(r, "__tcp_transmit_skb", "skb_clone", NS_DIR_TX, 1);
	assert_pair(r, "tcp_v4_send_check", "ip_queue_xmit", NS_DIR_TX, 1);
	assert_pair(r, "ip_finish_output2", "__dev_queue_xmit", NS_DIR_TX, 1);
	/* past veth, the peer's backlog: the direction turns at __netif_receive_skb */
	assert_pair(r, "__netif_receive_skb_one_core", "ip_rcv", NS_DIR_RX, 1);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 1);
	assert_int_equal(n_pairs(r), 5);
	assert_null(find_pair(r, "skb_clone", "tcp_v4_send_check"));
	g = bnd_result__gap(r, NS_LAYER_IP, NS_LAYER_DEVICE);
	assert_int_equal(g->count[NS_DIR_TX], 1);
	assert_int_equal(g->count[NS_DIR_RX], 1);
	bnd_result__free(r);
}

/*
 * kprobe.multi has no fexit, so the clone TCP sends is a packet of its own:
 * the original's path stops at skb_clone, the clone's starts at
 * tcp_v4_send_check (it runs on the clone), which still hands to IP.
 */
static void without_fexit_the_clone_still_crosses_tcp_to_ip(void **state)
{
	static const char *const original[] = { "__tcp_transmit_skb", "skb_clone" };
	const char *const *paths[] = { original, tx_path + 2 };
	size_t lens[] = { N(original), N(tx_path) - 2 };
	struct bnd_result *r = map_of_paths(paths, lens, 2);
	const struct bnd_gap *g;

	(void)state;
	assert_int_equal(r->stacks, 2);
	assert_pair(r, "__tcp_transmit_skb", "skb_clone", NS_DIR_TX, 1);
	assert_pair(r, "tcp_v4_send_check", "ip_queue_xmit", NS_DIR_TX, 1);
	g = bnd_result__gap(r, NS_LAYER_TCP, NS_LAYER_IP);
	assert_int_equal(g->count[NS_DIR_TX], 1);
	bnd_result__free(r);
}

static void reset_on_the_syns_skb_is_tx_after_rx(void **state)
{
	const char *const *paths[] = { rst_path, rst_path, rst_path };
	size_t lens[] = { N(rst_path), N(rst_path), N(rst_path) };
	struct bnd_result *r = map_of_paths(paths, lens, 3);
	const struct bnd_gap *g;

	(void)state;
	assert_int_equal(r->stacks, 3);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 3);
	/* tcp_v4_send_* is a TX marker: the hand-off back to IP is transmit */
	assert_pair(r, "tcp_v4_send_reset", "ip_send_unicast_reply", NS_DIR_TX, 3);
	/* the drop is called from IP's layer, where the path was */
	assert_pair(r, "ip_send_unicast_reply", "sk_skb_reason_drop", NS_DIR_TX, 3);
	g = bnd_result__gap(r, NS_LAYER_TCP, NS_LAYER_IP);
	assert_int_equal(g->count[NS_DIR_RX], 3);
	assert_int_equal(g->count[NS_DIR_TX], 3);
	bnd_result__free(r);
}

static void functions_of_no_layer_are_looked_through(void **state)
{
	static const char *const path[] = { "ip_local_deliver", "some_helper_of_no_layer", NULL,
					    "tcp_v4_rcv" };
	const char *const *paths[] = { path };
	size_t lens[] = { N(path) };
	struct bnd_result *r = map_of_paths(paths, lens, 1);

	(void)state;
	assert_int_equal(n_pairs(r), 1);
	/* the helper is skipped: IP hands to TCP, on receive (ip_local_deliver*'s marker) */
	assert_pair(r, "ip_local_deliver", "tcp_v4_rcv", NS_DIR_RX, 1);
	assert_int_equal(r->frames[NS_LAYER_OTHER], 2);
	assert_int_equal(r->n_unknown, 1);
	assert_string_equal(r->unknown[0].function, "some_helper_of_no_layer");
	bnd_result__free(r);
}

static void interleaved_packets_keep_their_own_paths(void **state)
{
	struct boundaries *b = boundaries__new(rules);
	struct bnd_path a = { 0 }, c = { 0 };
	struct bnd_result *r;

	(void)state;
	/* two packets' events alternate, as two CPUs' do in one ring buffer */
	for (size_t i = 0; i < N(rx_path) || i < N(rst_path); i++) {
		if (i < N(rx_path))
			assert_int_equal(boundaries__step(b, &a, rx_path[i], 1, BND_CTX_SOFTIRQ), 0);
		if (i < N(rst_path))
			assert_int_equal(boundaries__step(b, &c, rst_path[i], 1, BND_CTX_SOFTIRQ), 0);
	}
	r = boundaries__finish(b);
	assert_int_equal(r->stacks, 2);
	assert_pair(r, "__netif_receive_skb_one_core", "ip_rcv", NS_DIR_RX, 2);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 2);
	assert_pair(r, "tcp_queue_rcv", "skb_copy_datagram_iter", NS_DIR_RX, 1);
	assert_pair(r, "tcp_v4_send_reset", "ip_send_unicast_reply", NS_DIR_TX, 1);
	/* no pair joins one packet's function to the other's */
	assert_null(find_pair(r, "tcp_queue_rcv", "ip_send_unicast_reply"));
	assert_int_equal(n_pairs(r), 5);
	bnd_result__free(r);
	boundaries__free(b);
}

static struct bnd_result *map_of_stacks(bool with_tx)
{
	struct boundaries *b = boundaries__new(rules);
	struct bnd_result *r;

	assert_int_equal(boundaries__feed(b, rx_stack, N(rx_stack), 5, BND_CTX_SOFTIRQ), 0);
	if (with_tx)
		assert_int_equal(boundaries__feed(b, tx_stack, N(tx_stack), 2, BND_CTX_TASK), 0);
	r = boundaries__finish(b);
	boundaries__free(b);
	return r;
}

static const struct bnd_agreement_row *row(const struct bnd_agreement *a, enum ns_layer up,
					   enum ns_layer low, enum ns_dir dir)
{
	for (size_t i = 0; i < a->n_rows; i++)
		if (a->rows[i].upper == up && a->rows[i].lower == low && a->rows[i].dir == dir)
			return &a->rows[i];
	return NULL;
}

static void both_maps_find_the_same_packet_boundaries(void **state)
{
	const char *const *paths[] = { rx_path, tx_path };
	size_t lens[] = { N(rx_path), N(tx_path) };
	struct bnd_result *f = map_of_paths(paths, lens, 2), *s = map_of_stacks(true);
	const struct bnd_agreement_row *x;
	struct bnd_agreement a;

	(void)state;
	assert_int_equal(bnd_compare(s, f, &a), 0);
	/* tcp/ip and ip/device, each way; socket, syscall, driver and softirq are not compared */
	assert_int_equal(a.n_rows, 4);
	assert_int_equal(a.both, 4);
	assert_true(a.agree);
	x = row(&a, NS_LAYER_TCP, NS_LAYER_IP, NS_DIR_RX);
	assert_int_equal(x->stacks, 5);
	assert_int_equal(x->packets, 2);
	/* the same hand-off seen at different functions: tail calls hide ip_rcv from the stack */
	x = row(&a, NS_LAYER_IP, NS_LAYER_DEVICE, NS_DIR_RX);
	assert_string_equal(x->stack_pair->callee, "ip_local_deliver_finish");
	assert_string_equal(x->func_pair->callee, "ip_rcv");
	x = row(&a, NS_LAYER_TCP, NS_LAYER_IP, NS_DIR_TX);
	assert_string_equal(x->stack_pair->caller, "__tcp_transmit_skb");
	assert_string_equal(x->func_pair->caller, "tcp_v4_send_check");
	assert_null(row(&a, NS_LAYER_SOCKET, NS_LAYER_TCP, NS_DIR_RX));
	bnd_agreement__free(&a);
	bnd_result__free(f);
	bnd_result__free(s);
}

static void a_boundary_only_one_map_finds_is_named(void **state)
{
	const char *const *paths[] = { rx_path };
	size_t lens[] = { N(rx_path) };
	struct bnd_result *f = map_of_paths(paths, lens, 1), *s = map_of_stacks(true);
	const struct bnd_agreement_row *x;
	struct bnd_agreement a;

	(void)state;
	/* the functions saw no transmit: the stacks' TX boundaries are theirs only */
	assert_int_equal(bnd_compare(s, f, &a), 0);
	assert_false(a.agree);
	assert_int_equal(a.both, 2);
	assert_int_equal(a.only_stacks, 2);
	assert_int_equal(a.only_funcs, 0);
	x = row(&a, NS_LAYER_IP, NS_LAYER_DEVICE, NS_DIR_TX);
	assert_int_equal(x->stacks, 2);
	assert_int_equal(x->packets, 0);
	assert_null(x->func_pair);
	bnd_agreement__free(&a);
	/* and the other way round */
	bnd_result__free(s);
	s = map_of_stacks(false);
	bnd_result__free(f);
	{
		const char *const *p2[] = { rx_path, tx_path };
		size_t l2[] = { N(rx_path), N(tx_path) };

		f = map_of_paths(p2, l2, 2);
	}
	assert_int_equal(bnd_compare(s, f, &a), 0);
	assert_false(a.agree);
	assert_int_equal(a.only_funcs, 2);
	assert_int_equal(a.only_stacks, 0);
	bnd_agreement__free(&a);
	/* nothing to compare is no agreement */
	assert_int_equal(bnd_compare(NULL, NULL, &a), 0);
	assert_int_equal(a.n_rows, 0);
	assert_false(a.agree);
	bnd_agreement__free(&a);
	bnd_result__free(f);
	bnd_result__free(s);
}

static void the_function_map_is_drawn_in_packets(void **state)
{
	const char *const *paths[] = { rx_path };
	size_t lens[] = { N(rx_path) };
	struct bnd_result *r = map_of_paths(paths, lens, 1);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	layers_out_text(r, f, 6);
	fclose(f);
	assert_non_null(strstr(text, "Layer boundaries: 1 packets"));
	assert_non_null(strstr(text, "__netif_receive_skb_one_core \u2192 ip_rcv"));
	free(text);
	bnd_result__free(r);
}

/* ---- the layers analysis fed events, as the report feeds a trace ---- */

static const char *const *const all_lists[] = { rx_path, tx_path, rst_path, rx_stack, tx_stack };
static const size_t all_lens[] = { N(rx_path), N(tx_path), N(rst_path), N(rx_stack), N(tx_stack) };

/* a kallsyms of every function above, 0x100 apart, in list order; address of name */
static uint64_t addr_of(const char *name)
{
	uint64_t a = 0xffffffff81000000ull;

	for (size_t l = 0; l < N(all_lists); l++)
		for (size_t i = 0; i < all_lens[l]; i++, a += 0x100)
			if (!strcmp(all_lists[l][i], name))
				return a;
	fail_msg("no address for %s", name);
	return 0;
}

static size_t stack_of(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	const char *const *frames = id == 1 ? rx_stack : tx_stack;
	size_t n = id == 1 ? N(rx_stack) : N(tx_stack);

	(void)arg;
	for (size_t i = 0; i < n && i < max; i++)
		ips[i] = addr_of(frames[i]);
	return n;
}

static void feed_path(const struct analysis_ops *ops, void *st, uint64_t packet_id,
		      const char *const *path, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ns_event ev = { .type = NS_EV_FUNC_ENTRY, .packet_id = packet_id, .stack_id = -1,
				       .location = addr_of(path[i]), .ctx = NS_CTX_SOFTIRQ };

		ops->feed(st, &ev);
	}
}

static void the_layers_analysis_builds_both_maps_from_a_trace(void **state)
{
	const struct analysis_ops *ops = &layers_analysis;
	char path[] = "/tmp/test_func_layers.XXXXXX";
	struct report_result res = { 0 };
	struct analysis_end end = { 0 };
	struct report_ctx ctx = { .stack = stack_of };
	struct bnd_agreement a;
	uint64_t addr = 0xffffffff81000000ull;
	void *st = NULL;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	for (size_t l = 0; l < N(all_lists); l++)
		for (size_t i = 0; i < all_lens[l]; i++, addr += 0x100)
			fprintf(f, "%llx T %s\n", (unsigned long long)addr, all_lists[l][i]);
	fclose(f);
	ctx.ksyms = ksyms__load(path);
	unlink(path);
	assert_non_null(ctx.ksyms);
	assert_int_equal(ops->init(&st, &ctx), 0);
	/* two events with a stack each: a receive and a send */
	for (int32_t id = 1; id <= 2; id++) {
		struct ns_event ev = { .type = NS_EV_NETIF_RECEIVE_SKB, .stack_id = id,
				       .ctx = id == 1 ? NS_CTX_SOFTIRQ : NS_CTX_TASK };

		ops->feed(st, &ev);
	}
	/* packet 7 received, packet 9 sent to the peer; a function with no packet is no path */
	feed_path(ops, st, 7, rx_path, N(rx_path));
	feed_path(ops, st, 9, tx_path, N(tx_path));
	feed_path(ops, st, 0, rst_path, N(rst_path));
	assert_int_equal(ops->finish(st, &end, &res), 0);
	ops->free(st);
	assert_non_null(res.layers);
	assert_non_null(res.layers_funcs);
	assert_false(res.layers->from_paths);
	assert_true(res.layers_funcs->from_paths);
	assert_int_equal(res.layers_funcs->stacks, 2);
	assert_int_equal(res.layers->stacks, 2);
	assert_pair(res.layers_funcs, "tcp_v4_send_check", "ip_queue_xmit", NS_DIR_TX, 1);
	assert_pair(res.layers_funcs, "__netif_receive_skb_one_core", "ip_rcv", NS_DIR_RX, 2);
	assert_null(find_pair(res.layers_funcs, "tcp_v4_send_reset", "ip_send_unicast_reply"));
	assert_int_equal(bnd_compare(res.layers, res.layers_funcs, &a), 0);
	assert_true(a.agree);
	assert_int_equal(a.both, 4);
	bnd_agreement__free(&a);
	ops->free_part(&res);
	assert_null(res.layers_funcs);
	ksyms__free((struct ksyms *)ctx.ksyms);
}

static void a_trace_without_functions_has_no_function_map(void **state)
{
	const struct analysis_ops *ops = &layers_analysis;
	struct report_result res = { 0 };
	struct analysis_end end = { 0 };
	struct report_ctx ctx = { 0 };
	struct ns_event ev = { .type = NS_EV_NETIF_RECEIVE_SKB, .packet_id = 3, .stack_id = -1 };
	void *st = NULL;

	(void)state;
	assert_int_equal(ops->init(&st, &ctx), 0);
	ops->feed(st, &ev);
	assert_int_equal(ops->finish(st, &end, &res), 0);
	ops->free(st);
	assert_null(res.layers_funcs);
	ops->free_part(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(received_packet_crosses_device_ip_tcp_socket_rx),
		cmocka_unit_test(sent_segment_goes_down_through_a_clone_and_up_the_peer),
		cmocka_unit_test(without_fexit_the_clone_still_crosses_tcp_to_ip),
		cmocka_unit_test(reset_on_the_syns_skb_is_tx_after_rx),
		cmocka_unit_test(functions_of_no_layer_are_looked_through),
		cmocka_unit_test(interleaved_packets_keep_their_own_paths),
		cmocka_unit_test(both_maps_find_the_same_packet_boundaries),
		cmocka_unit_test(a_boundary_only_one_map_finds_is_named),
		cmocka_unit_test(the_function_map_is_drawn_in_packets),
		cmocka_unit_test(the_layers_analysis_builds_both_maps_from_a_trace),
		cmocka_unit_test(a_trace_without_functions_has_no_function_map),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
