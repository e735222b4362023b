// SPDX-License-Identifier: GPL-2.0
/*
 * The layer rules: the built-in tables put the functions a SYN flood, a
 * TCP transfer with poll/epoll and a UDP exchange hit on 6.x into the
 * layers they belong to; rules files are parsed all or nothing, with
 * the bad line's number; the source index's path layers map onto the
 * fixed set and fill in for functions no rule names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analysis/layer_rules.h"
#include "index/layers.h"

static const struct {
	const char *function;
	enum ns_layer layer;
} expect[] = {
	/* the syscall entry code is the top of the syscall layer, no boundary */
	{ "entry_SYSCALL_64_after_hwframe", NS_LAYER_SYSCALL },
	{ "do_syscall_64", NS_LAYER_SYSCALL },
	{ "x64_sys_call", NS_LAYER_SYSCALL },
	{ "__x64_sys_sendto", NS_LAYER_SYSCALL },
	{ "__sys_sendto", NS_LAYER_SYSCALL },
	{ "__x64_sys_recvfrom", NS_LAYER_SYSCALL },
	{ "__sys_recvfrom", NS_LAYER_SYSCALL },
	{ "__x64_sys_epoll_wait", NS_LAYER_SYSCALL },
	{ "do_epoll_wait", NS_LAYER_SYSCALL },
	{ "ep_poll", NS_LAYER_SYSCALL },
	{ "ep_item_poll.isra.0", NS_LAYER_SYSCALL },
	{ "do_sys_poll", NS_LAYER_SYSCALL },
	{ "__sock_sendmsg", NS_LAYER_SOCKET },
	{ "sock_sendmsg", NS_LAYER_SOCKET },
	{ "inet_sendmsg", NS_LAYER_SOCKET },
	{ "sock_recvmsg", NS_LAYER_SOCKET },
	{ "inet_recvmsg", NS_LAYER_SOCKET },
	{ "sock_poll", NS_LAYER_SOCKET },
	{ "sock_def_readable", NS_LAYER_SOCKET },
	{ "skb_copy_datagram_iter", NS_LAYER_SOCKET },
	{ "lock_sock_nested", NS_LAYER_SOCKET },
	{ "tcp_sendmsg", NS_LAYER_TCP },
	{ "tcp_sendmsg_locked", NS_LAYER_TCP },
	{ "tcp_push", NS_LAYER_TCP },
	{ "__tcp_push_pending_frames", NS_LAYER_TCP },
	{ "tcp_write_xmit", NS_LAYER_TCP },
	{ "__tcp_transmit_skb", NS_LAYER_TCP },
	{ "tcp_v4_rcv", NS_LAYER_TCP },
	{ "tcp_v4_do_rcv", NS_LAYER_TCP },
	{ "tcp_rcv_established", NS_LAYER_TCP },
	{ "tcp_data_queue", NS_LAYER_TCP },
	{ "tcp_data_ready", NS_LAYER_TCP },
	{ "tcp_conn_request", NS_LAYER_TCP },
	{ "tcp_v4_send_synack", NS_LAYER_TCP },
	{ "tcp_v4_send_reset", NS_LAYER_TCP },
	{ "tcp_poll", NS_LAYER_TCP },
	{ "tcp_recvmsg", NS_LAYER_TCP },
	{ "tcp_recvmsg_locked", NS_LAYER_TCP },
	{ "inet_csk_accept", NS_LAYER_TCP },
	{ "udp_sendmsg", NS_LAYER_UDP },
	{ "__udp4_lib_rcv", NS_LAYER_UDP },
	{ "udp_rcv", NS_LAYER_UDP },
	{ "icmp_rcv", NS_LAYER_ICMP },
	{ "ip_queue_xmit", NS_LAYER_IP },
	{ "__ip_queue_xmit", NS_LAYER_IP },
	{ "ip_local_out", NS_LAYER_IP },
	{ "ip_output", NS_LAYER_IP },
	{ "ip_finish_output2", NS_LAYER_IP },
	{ "ip_rcv", NS_LAYER_IP },
	{ "ip_rcv_finish", NS_LAYER_IP },
	{ "ip_local_deliver", NS_LAYER_IP },
	{ "ip_local_deliver_finish", NS_LAYER_IP },
	{ "ip_protocol_deliver_rcu", NS_LAYER_IP },
	{ "ip_send_unicast_reply", NS_LAYER_IP },
	{ "nf_hook_slow", NS_LAYER_IP },
	{ "fib_table_lookup", NS_LAYER_IP },
	{ "neigh_hh_output", NS_LAYER_NEIGHBOUR },
	{ "neigh_resolve_output", NS_LAYER_NEIGHBOUR },
	{ "arp_rcv", NS_LAYER_NEIGHBOUR },
	{ "__dev_queue_xmit", NS_LAYER_DEVICE },
	{ "dev_hard_start_xmit", NS_LAYER_DEVICE },
	{ "__netif_rx", NS_LAYER_DEVICE },
	{ "netif_rx_internal", NS_LAYER_DEVICE },
	{ "enqueue_to_backlog", NS_LAYER_DEVICE },
	{ "__netif_receive_skb_core.constprop.0", NS_LAYER_DEVICE },
	{ "__netif_receive_skb_one_core", NS_LAYER_DEVICE },
	{ "validate_xmit_skb.isra.0", NS_LAYER_DEVICE },
	{ "veth_xmit", NS_LAYER_DRIVER },
	{ "loopback_xmit", NS_LAYER_DRIVER },
	{ "net_rx_action", NS_LAYER_DRIVER },
	{ "__napi_poll", NS_LAYER_DRIVER },
	{ "process_backlog", NS_LAYER_DRIVER },
	{ "handle_softirqs", NS_LAYER_SOFTIRQ },
	{ "__do_softirq", NS_LAYER_SOFTIRQ },
	{ "do_softirq", NS_LAYER_SOFTIRQ },
	{ "__local_bh_enable_ip", NS_LAYER_SOFTIRQ },
	{ "irq_exit_rcu", NS_LAYER_SOFTIRQ },
	{ "kmem_cache_alloc_node_noprof", NS_LAYER_MEMORY },
	{ "__alloc_skb", NS_LAYER_MEMORY },
	{ "kmalloc_reserve", NS_LAYER_MEMORY },
	{ "sk_skb_reason_drop", NS_LAYER_MEMORY },
	{ "consume_skb", NS_LAYER_MEMORY },
	{ "skb_release_data", NS_LAYER_MEMORY },
	{ "dev_kfree_skb_any_reason", NS_LAYER_MEMORY },
	{ "_raw_spin_lock", NS_LAYER_OTHER },
	{ "skb_push", NS_LAYER_OTHER },
};

static void builtin_rules_put_stack_functions_in_their_layers(void **state)
{
	char err[256] = "";
	struct layer_rules *r = layer_rules__builtin(err, sizeof(err));

	assert_non_null(r);
	assert_true(layer_rules__count(r, LAYER_RULES_LAYERS) > 200);
	assert_true(layer_rules__count(r, LAYER_RULES_MARKERS) > 50);
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		enum ns_layer got = layer_rules__classify(r, expect[i].function);

		if (got != expect[i].layer)
			fail_msg("%s: %s, expected %s", expect[i].function, ns_layer_name(got),
				 ns_layer_name(expect[i].layer));
		/* the second answer comes from the cache and must be the same */
		assert_int_equal(layer_rules__classify(r, expect[i].function), got);
	}
	layer_rules__free(r);
}

static void builtin_markers_say_rx_and_tx(void **state)
{
	struct layer_rules *r = layer_rules__builtin(NULL, 0);

	assert_int_equal(layer_rules__marker(r, "net_rx_action"), NS_DIR_RX);
	assert_int_equal(layer_rules__marker(r, "tcp_v4_rcv"), NS_DIR_RX);
	assert_int_equal(layer_rules__marker(r, "__x64_sys_recvfrom"), NS_DIR_RX);
	assert_int_equal(layer_rules__marker(r, "ep_item_poll.isra.0"), NS_DIR_RX);
	assert_int_equal(layer_rules__marker(r, "tcp_v4_send_reset"), NS_DIR_TX);
	assert_int_equal(layer_rules__marker(r, "tcp_v4_send_synack"), NS_DIR_TX);
	assert_int_equal(layer_rules__marker(r, "__dev_queue_xmit"), NS_DIR_TX);
	assert_int_equal(layer_rules__marker(r, "__x64_sys_sendto"), NS_DIR_TX);
	assert_int_equal(layer_rules__marker(r, "ip_local_deliver_finish"), NS_DIR_RX);
	assert_int_equal(layer_rules__marker(r, "ip_local_out"), NS_DIR_TX);
	assert_int_equal(layer_rules__marker(r, "ip_protocol_deliver_rcu"), NS_DIR_RX);
	assert_int_equal(layer_rules__marker(r, "_raw_spin_lock"), NS_DIR_NONE);
	layer_rules__free(r);
}

static void bad_lines_are_named_with_their_number_and_keep_nothing(void **state)
{
	struct layer_rules *r = layer_rules__new();
	char err[256];

	assert_int_equal(layer_rules__parse(r, LAYER_RULES_LAYERS, "# c\ntcp_*\ttcp\nip_rcv ip\n", "t.rules",
					    err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.rules:3: no tab between the glob and the layer");
	assert_int_equal(layer_rules__count(r, LAYER_RULES_LAYERS), 0);
	assert_int_equal(layer_rules__classify(r, "tcp_v4_rcv"), NS_LAYER_OTHER);

	assert_int_equal(layer_rules__parse(r, LAYER_RULES_LAYERS, "tcp_*\tL4\n", "t.rules", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "t.rules:1: unknown layer 'L4' (expected syscall, socket,"));
	assert_int_equal(layer_rules__parse(r, LAYER_RULES_MARKERS, "\n\nip_rcv\tup\n", "d.rules", err,
					    sizeof(err)), -EINVAL);
	assert_string_equal(err, "d.rules:3: unknown direction 'up' (expected RX or TX)");
	assert_int_equal(layer_rules__parse(r, LAYER_RULES_LAYERS, "tcp_*\ttcp\tmore\n", "t.rules", err,
					    sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.rules:1: more than two fields");
	assert_int_equal(layer_rules__parse(r, LAYER_RULES_LAYERS, "  tcp_*\ttcp\n", "t.rules", err,
					    sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.rules:1: a rule starts with its glob, not a blank");

	/* tabs in a row, trailing blanks, CRLF and comments are fine */
	assert_int_equal(layer_rules__parse(r, LAYER_RULES_LAYERS, "# x\r\ntcp_*\t\ttcp  \r\n\n", "t.rules",
					    err, sizeof(err)), 0);
	assert_int_equal(layer_rules__classify(r, "tcp_v4_rcv"), NS_LAYER_TCP);
	layer_rules__free(r);
}

static void first_match_wins_and_a_file_replaces_the_builtin_table(void **state)
{
	char path[] = "/tmp/ns-layers-XXXXXX", err[256];
	struct layer_rules *r = layer_rules__builtin(err, sizeof(err));
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("# everything tcp-ish is socket here\ntcp_v4_rcv\tsocket\ntcp_*\ttcp\n", f);
	fclose(f);
	assert_int_equal(layer_rules__classify(r, "tcp_v4_rcv"), NS_LAYER_TCP);	/* cached now */
	layer_rules__clear(r, LAYER_RULES_LAYERS);
	assert_int_equal(layer_rules__load_file(r, LAYER_RULES_LAYERS, path, err, sizeof(err)), 0);
	assert_int_equal(layer_rules__count(r, LAYER_RULES_LAYERS), 2);
	assert_int_equal(layer_rules__classify(r, "tcp_v4_rcv"), NS_LAYER_SOCKET);
	assert_int_equal(layer_rules__classify(r, "tcp_v4_do_rcv"), NS_LAYER_TCP);
	assert_int_equal(layer_rules__classify(r, "ip_rcv"), NS_LAYER_OTHER);
	/* the markers were left alone */
	assert_int_equal(layer_rules__marker(r, "ip_rcv"), NS_DIR_RX);
	unlink(path);
	assert_int_equal(layer_rules__load_file(r, LAYER_RULES_LAYERS, path, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open '/tmp/ns-layers-"));
	layer_rules__free(r);
}

static void index_path_layers_map_onto_the_fixed_set(void **state)
{
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv4/tcp_input.c")), NS_LAYER_TCP);
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv6/tcp_ipv6.c")), NS_LAYER_TCP);
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv4/udp.c")), NS_LAYER_UDP);
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv4/icmp.c")), NS_LAYER_ICMP);
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv4/ip_output.c")), NS_LAYER_IP);
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv4/route.c")), NS_LAYER_IP);
	assert_int_equal(layer_of_index_layer(ix_layer("net/netfilter/core.c")), NS_LAYER_IP);
	assert_int_equal(layer_of_index_layer(ix_layer("net/core/neighbour.c")), NS_LAYER_NEIGHBOUR);
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv4/arp.c")), NS_LAYER_NEIGHBOUR);
	assert_int_equal(layer_of_index_layer(ix_layer("net/core/dev.c")), NS_LAYER_DEVICE);
	assert_int_equal(layer_of_index_layer(ix_layer("net/sched/sch_generic.c")), NS_LAYER_DEVICE);
	assert_int_equal(layer_of_index_layer(ix_layer("drivers/net/veth.c")), NS_LAYER_DRIVER);
	assert_int_equal(layer_of_index_layer(ix_layer("net/socket.c")), NS_LAYER_SOCKET);
	assert_int_equal(layer_of_index_layer(ix_layer("net/core/sock.c")), NS_LAYER_SOCKET);
	assert_int_equal(layer_of_index_layer(ix_layer("net/ipv4/af_inet.c")), NS_LAYER_SOCKET);
	assert_int_equal(layer_of_index_layer(ix_layer("net/core/skbuff.c")), NS_LAYER_MEMORY);
	assert_int_equal(layer_of_index_layer(ix_layer("net/core/filter.c")), NS_LAYER_OTHER);
	assert_int_equal(layer_of_index_layer(ix_layer("kernel/sched/core.c")), NS_LAYER_OTHER);
	assert_int_equal(layer_of_index_layer(NULL), NS_LAYER_OTHER);
	assert_int_equal(layer_of_index_layer("UDP (IPv6)"), NS_LAYER_UDP);
}

/* what cmd's glue answers: the index's layer of the function's file */
static const char *fake_index_layer(void *arg, const char *function)
{
	(*(int *)arg)++;
	if (!strcmp(function, "frob_segment") || !strcmp(function, "net_rx_action"))
		return ix_layer("net/ipv4/tcp_output.c");
	if (!strcmp(function, "skb_push"))
		return ix_layer("net/core/skbuff.c");
	return NULL;
}

static void index_paths_fill_in_where_no_rule_names_the_function(void **state)
{
	struct layer_rules *r = layer_rules__builtin(NULL, 0);
	int asked = 0;

	layer_rules__set_index_layer(r, fake_index_layer, &asked);
	/* a rule names it: the rule's layer, the index is not asked */
	assert_int_equal(layer_rules__classify(r, "net_rx_action"), NS_LAYER_DRIVER);
	assert_int_equal(asked, 0);
	/* no rule: the layer of the file it is defined in, clone suffix cut */
	assert_int_equal(layer_rules__classify(r, "frob_segment"), NS_LAYER_TCP);
	assert_int_equal(layer_rules__classify(r, "skb_push.cold"), NS_LAYER_MEMORY);
	assert_int_equal(layer_rules__classify(r, "schedule"), NS_LAYER_OTHER);
	assert_int_equal(asked, 3);
	assert_int_equal(layer_rules__classify(r, "skb_push.cold"), NS_LAYER_MEMORY);
	assert_int_equal(asked, 3);	/* cached */
	layer_rules__free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_rules_put_stack_functions_in_their_layers),
		cmocka_unit_test(builtin_markers_say_rx_and_tx),
		cmocka_unit_test(bad_lines_are_named_with_their_number_and_keep_nothing),
		cmocka_unit_test(first_match_wins_and_a_file_replaces_the_builtin_table),
		cmocka_unit_test(index_path_layers_map_onto_the_fixed_set),
		cmocka_unit_test(index_paths_fill_in_where_no_rule_names_the_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
