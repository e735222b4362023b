// SPDX-License-Identifier: GPL-2.0
/*
 * Layer boundaries from hand-written stacks of real 6.x paths: a receive
 * from the NET_RX softirq up to the socket, a send from sendto() down to
 * veth_xmit, and a RST sent from inside tcp_v4_rcv (TX nested in RX);
 * the exact pairs, their direction, counts and contexts, frames of no
 * layer looked through, and both renderings of the result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/boundaries.h"
#include "common/json.h"
#include "render/layers_out.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* innermost first, as the kernel gives stacks */
static const char *const rx_stack[] = {
	"sock_def_readable", "tcp_data_ready", "tcp_data_queue", "tcp_rcv_established", "tcp_v4_do_rcv",
	"tcp_v4_rcv", "ip_protocol_deliver_rcu", "ip_local_deliver_finish", "ip_local_deliver",
	"ip_rcv_finish", "ip_rcv", "__netif_receive_skb_one_core", "__netif_receive_skb", "process_backlog",
	"__napi_poll", "net_rx_action", "handle_softirqs", "run_ksoftirqd", "smpboot_thread_fn", "kthread",
	"ret_from_fork", "ret_from_fork_asm",
};

static const char *const tx_stack[] = {
	"veth_xmit", "dev_hard_start_xmit", "__dev_queue_xmit", "ip_finish_output2", "__ip_finish_output",
	"ip_finish_output", "ip_output", "ip_local_out", "__ip_queue_xmit", "ip_queue_xmit",
	"__tcp_transmit_skb", "tcp_write_xmit", "__tcp_push_pending_frames", "tcp_push", "tcp_sendmsg_locked",
	"tcp_sendmsg", "inet_sendmsg", "__sock_sendmsg", "__sys_sendto", "__x64_sys_sendto", "x64_sys_call",
	"do_syscall_64", "entry_SYSCALL_64_after_hwframe",
};

/* a SYN to a closed port: the RST is sent from within the receive */
static const char *const rst_stack[] = {
	"ip_local_out", "ip_push_pending_frames", "ip_send_unicast_reply", "tcp_v4_send_reset", "tcp_v4_rcv",
	"ip_protocol_deliver_rcu", "ip_local_deliver_finish", "ip_local_deliver", "ip_rcv",
	"__netif_receive_skb_one_core", "__netif_receive_skb", "process_backlog", "__napi_poll",
	"net_rx_action", "handle_softirqs",
};

static struct layer_rules *rules;

static int setup(void **state)
{
	char err[256];

	rules = layer_rules__builtin(err, sizeof(err));
	return rules ? 0 : -1;
}

static int teardown(void **state)
{
	layer_rules__free(rules);
	return 0;
}

/* the gap holds exactly this pair (among others) with this direction and count */
static void assert_pair(const struct bnd_result *r, const char *caller, const char *callee, enum ns_dir dir,
			uint64_t count)
{
	for (size_t g = 0; g < r->n_gaps; g++)
		for (size_t i = 0; i < r->gaps[g].n_pairs; i++) {
			const struct bnd_pair *p = &r->gaps[g].pairs[i];

			if (strcmp(p->caller, caller) || strcmp(p->callee, callee))
				continue;
			if (p->dir != dir || p->count != count)
				fail_msg("%s -> %s: %s x%lu, expected %s x%lu", caller, callee, ns_dir_name(p->dir),
					 (unsigned long)p->count, ns_dir_name(dir), (unsigned long)count);
			return;
		}
	fail_msg("no boundary %s -> %s", caller, callee);
}

static size_t n_pairs(const struct bnd_result *r)
{
	size_t n = 0;

	for (size_t g = 0; g < r->n_gaps; g++)
		n += r->gaps[g].n_pairs;
	return n;
}

static void receive_crosses_driver_device_ip_tcp_socket_upwards(void **state)
{
	struct boundaries *b = boundaries__new(rules);
	struct bnd_result *r;

	assert_int_equal(boundaries__feed(b, rx_stack, N(rx_stack), 3, BND_CTX_SOFTIRQ), 0);
	r = boundaries__finish(b);
	assert_non_null(r);
	assert_int_equal(n_pairs(r), 5);
	assert_pair(r, "handle_softirqs", "net_rx_action", NS_DIR_RX, 3);
	assert_pair(r, "process_backlog", "__netif_receive_skb", NS_DIR_RX, 3);
	assert_pair(r, "__netif_receive_skb_one_core", "ip_rcv", NS_DIR_RX, 3);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 3);
	assert_pair(r, "tcp_data_ready", "sock_def_readable", NS_DIR_RX, 3);
	/* ordered top down by the lower layer: tcp/socket first, softirq/driver last */
	assert_int_equal(r->gaps[0].upper, NS_LAYER_SOCKET);
	assert_int_equal(r->gaps[0].lower, NS_LAYER_TCP);
	assert_int_equal(r->gaps[4].upper, NS_LAYER_DRIVER);
	assert_int_equal(r->gaps[4].lower, NS_LAYER_SOFTIRQ);
	for (size_t g = 0; g < r->n_gaps; g++)
		assert_true(r->gaps[g].adjacent);
	assert_int_equal(r->gaps[0].pairs[0].ctx[BND_CTX_SOFTIRQ], 3);
	assert_int_equal(r->gaps[0].pairs[0].ctx[BND_CTX_TASK], 0);
	/* kthread, ret_from_fork*: no layer, looked through and listed */
	assert_int_equal(r->frames[NS_LAYER_OTHER], 9);
	assert_int_equal(r->unknown_distinct, 3);
	assert_int_equal(r->frames[NS_LAYER_IP], 15);
	bnd_result__free(r);
	boundaries__free(b);
}

static void send_crosses_every_layer_downwards_and_skips_neighbour(void **state)
{
	struct boundaries *b = boundaries__new(rules);
	struct bnd_result *r;
	const struct bnd_gap *g;

	assert_int_equal(boundaries__feed(b, tx_stack, N(tx_stack), 1, BND_CTX_TASK), 0);
	r = boundaries__finish(b);
	/* the entry code is the syscall layer's own top: x64_sys_call calling
	 * __x64_sys_sendto is no boundary */
	assert_int_equal(n_pairs(r), 5);
	assert_pair(r, "__sys_sendto", "__sock_sendmsg", NS_DIR_TX, 1);
	assert_pair(r, "inet_sendmsg", "tcp_sendmsg", NS_DIR_TX, 1);
	assert_pair(r, "__tcp_transmit_skb", "ip_queue_xmit", NS_DIR_TX, 1);
	/* neigh_hh_output is inlined into ip_finish_output2: ip hands to device */
	assert_pair(r, "ip_finish_output2", "__dev_queue_xmit", NS_DIR_TX, 1);
	assert_pair(r, "dev_hard_start_xmit", "veth_xmit", NS_DIR_TX, 1);
	g = bnd_result__gap(r, NS_LAYER_DEVICE, NS_LAYER_IP);
	assert_non_null(g);
	assert_true(g->adjacent);	/* neighbour is half a level */
	assert_int_equal(g->count[NS_DIR_TX], 1);
	assert_null(bnd_result__gap(r, NS_LAYER_SYSCALL, NS_LAYER_SOFTIRQ));
	assert_true(bnd_result__gap(r, NS_LAYER_TCP, NS_LAYER_IP)->adjacent);
	bnd_result__free(r);
	boundaries__free(b);
}

static void reset_sent_inside_tcp_v4_rcv_is_tx_nested_in_rx(void **state)
{
	struct boundaries *b = boundaries__new(rules);
	struct bnd_result *r;
	const struct bnd_gap *g;

	assert_int_equal(boundaries__feed(b, rst_stack, N(rst_stack), 7, BND_CTX_SOFTIRQ), 0);
	r = boundaries__finish(b);
	assert_int_equal(n_pairs(r), 5);
	assert_pair(r, "handle_softirqs", "net_rx_action", NS_DIR_RX, 7);
	assert_pair(r, "process_backlog", "__netif_receive_skb", NS_DIR_RX, 7);
	assert_pair(r, "__netif_receive_skb_one_core", "ip_rcv", NS_DIR_RX, 7);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 7);
	assert_pair(r, "tcp_v4_send_reset", "ip_send_unicast_reply", NS_DIR_TX, 7);
	/* tcp and ip are crossed twice, once each way */
	g = bnd_result__gap(r, NS_LAYER_IP, NS_LAYER_TCP);
	assert_int_equal(g->n_pairs, 2);
	assert_int_equal(g->count[NS_DIR_RX], 7);
	assert_int_equal(g->count[NS_DIR_TX], 7);
	bnd_result__free(r);
	boundaries__free(b);
}

static void counts_add_up_by_weight_and_context_and_sort_largest_first(void **state)
{
	struct boundaries *b = boundaries__new(rules);
	const char *udp_rx[] = { "__udp4_lib_rcv", "udp_rcv", "ip_protocol_deliver_rcu", "ip_local_deliver" };
	struct bnd_result *r;
	const struct bnd_gap *g;

	assert_int_equal(boundaries__feed(b, rx_stack, N(rx_stack), 2, BND_CTX_SOFTIRQ), 0);
	assert_int_equal(boundaries__feed(b, rx_stack, N(rx_stack), 1, BND_CTX_HARDIRQ), 0);
	assert_int_equal(boundaries__feed(b, udp_rx, N(udp_rx), 5, BND_CTX_SOFTIRQ), 0);
	r = boundaries__finish(b);
	assert_int_equal(r->stacks, 8);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 3);
	assert_pair(r, "ip_protocol_deliver_rcu", "udp_rcv", NS_DIR_RX, 5);
	g = bnd_result__gap(r, NS_LAYER_TCP, NS_LAYER_IP);
	assert_int_equal(g->pairs[0].ctx[BND_CTX_SOFTIRQ], 2);
	assert_int_equal(g->pairs[0].ctx[BND_CTX_HARDIRQ], 1);
	assert_non_null(bnd_result__gap(r, NS_LAYER_UDP, NS_LAYER_IP));
	bnd_result__free(r);
	boundaries__free(b);
}

static const char *fake_sym(void *arg, uint64_t addr)
{
	static const char *const names[] = { "tcp_v4_rcv", "_raw_spin_lock", "ip_protocol_deliver_rcu",
					     "kthread" };

	(void)arg;
	return addr < 4 ? names[addr] : NULL;
}

static void unclassified_frames_are_looked_through_and_reported(void **state)
{
	struct boundaries *b = boundaries__new(rules);
	/* tcp_v4_rcv called through a frame of no layer, and an unknown address */
	const uint64_t ips[] = { 0, 1, 2, 99, 3 };
	const char *none[] = { "kthread", "schedule" };
	struct bnd_result *r;

	assert_int_equal(boundaries__feed_addrs(b, ips, N(ips), 1, BND_CTX_SOFTIRQ, fake_sym, NULL), 0);
	assert_int_equal(boundaries__feed(b, none, N(none), 4, BND_CTX_TASK), 0);
	r = boundaries__finish(b);
	assert_int_equal(n_pairs(r), 1);
	assert_pair(r, "ip_protocol_deliver_rcu", "tcp_v4_rcv", NS_DIR_RX, 1);
	assert_int_equal(r->stacks, 5);
	assert_int_equal(r->stacks_empty, 4);
	assert_int_equal(r->frames[NS_LAYER_OTHER], 1 + 1 + 1 + 8);
	assert_int_equal(r->unknown_distinct, 3);
	assert_string_equal(r->unknown[0].function, "kthread");
	assert_int_equal(r->unknown[0].frames, 5);
	bnd_result__free(r);
	boundaries__free(b);
}

static void a_boundary_with_no_marker_has_no_direction(void **state)
{
	struct layer_rules *bare = layer_rules__new();
	const char *stack[] = { "b_fn", "a_fn" };
	struct boundaries *b;
	struct bnd_result *r;

	assert_int_equal(layer_rules__parse(bare, LAYER_RULES_LAYERS, "a_*\tip\nb_*\tdevice\n", "t", NULL, 0), 0);
	b = boundaries__new(bare);
	assert_int_equal(boundaries__feed(b, stack, N(stack), 1, BND_CTX_TASK), 0);
	r = boundaries__finish(b);
	assert_pair(r, "a_fn", "b_fn", NS_DIR_NONE, 1);
	assert_int_equal(r->gaps[0].count[NS_DIR_NONE], 1);
	bnd_result__free(r);
	boundaries__free(b);
	layer_rules__free(bare);
}

__attribute__((noinline)) static char *render(const struct bnd_result *r, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (json) {
		struct json_writer *w = json_new(f);

		layers_out_json(r, w);
		json_free(w);
	} else {
		layers_out_text(r, f, 0);
	}
	fclose(f);
	return buf;
}

static void the_diagram_draws_layers_top_down_with_pairs_between(void **state)
{
	struct boundaries *b = boundaries__new(rules);
	struct bnd_result *r;
	char *text, *json, *socket_line, *tcp_line, *ip_line, *device_line;

	boundaries__feed(b, tx_stack, N(tx_stack), 412, BND_CTX_TASK);
	boundaries__feed(b, rx_stack, N(rx_stack), 97, BND_CTX_SOFTIRQ);
	r = boundaries__finish(b);
	text = render(r, 0);
	socket_line = strstr(text, "  socket  ");
	tcp_line = strstr(text, "  tcp  ");
	ip_line = strstr(text, "  ip  ");
	device_line = strstr(text, "  device  ");
	assert_non_null(socket_line);
	assert_true(socket_line < tcp_line && tcp_line < ip_line && ip_line < device_line);
	/* the socket/tcp pairs sit between the socket and tcp lines */
	assert_true(strstr(text, "\u2193 TX  inet_sendmsg \u2192 tcp_sendmsg") > socket_line);
	assert_true(strstr(text, "\u2193 TX  inet_sendmsg \u2192 tcp_sendmsg") < tcp_line);
	assert_true(strstr(text, "\u2191 RX  tcp_data_ready \u2192 sock_def_readable") < tcp_line);
	assert_non_null(strstr(text, "412\n"));
	/* ip -> device skips neighbour, which is not drawn: no annotation needed */
	assert_null(strstr(text, "neighbour"));
	/* the syscall entry code is the syscall layer: no syscall/softirq pair */
	assert_null(strstr(text, "syscall\u2194softirq"));
	assert_non_null(strstr(text, "functions of no layer were looked through"));
	json = render(r, 1);
	assert_non_null(strstr(json, "\"upper\":\"socket\",\"lower\":\"tcp\",\"adjacent\":true,\"rx\":97,\"tx\":412"));
	assert_non_null(strstr(json, "{\"caller\":\"inet_sendmsg\",\"callee\":\"tcp_sendmsg\",\"caller_layer\":"
				     "\"socket\",\"callee_layer\":\"tcp\",\"direction\":\"TX\",\"count\":412,"
				     "\"contexts\":{\"task\":412,\"softirq\":0,\"hardirq\":0}}"));
	free(text);
	free(json);
	bnd_result__free(r);
	boundaries__free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(receive_crosses_driver_device_ip_tcp_socket_upwards),
		cmocka_unit_test(send_crosses_every_layer_downwards_and_skips_neighbour),
		cmocka_unit_test(reset_sent_inside_tcp_v4_rcv_is_tx_nested_in_rx),
		cmocka_unit_test(counts_add_up_by_weight_and_context_and_sort_largest_first),
		cmocka_unit_test(unclassified_frames_are_looked_through_and_reported),
		cmocka_unit_test(a_boundary_with_no_marker_has_no_direction),
		cmocka_unit_test(the_diagram_draws_layers_top_down_with_pairs_between),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
