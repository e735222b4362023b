// SPDX-License-Identifier: GPL-2.0
/* Parsing of capture filters and event lists (capture/filter.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include "capture/filter.h"
#include "trace/model.h"

static void host_accepts_ipv4_and_ipv6(void **state)
{
	struct capture_filter f = {};
	char err[256];

	assert_int_equal(filter_parse_host(&f, "198.18.0.2", err, sizeof(err)), 0);
	assert_int_equal(f.host_family, AF_INET);
	assert_memory_equal(f.host, ((uint8_t[]){ 198, 18, 0, 2 }), 4);
	assert_int_equal(filter_parse_host(&f, "2001:db8::1", err, sizeof(err)), 0);
	assert_int_equal(f.host_family, AF_INET6);
	assert_int_equal(f.host[15], 1);
}

static void bad_host_is_refused_with_its_value(void **state)
{
	struct capture_filter f = {};
	char err[256];

	assert_int_equal(filter_parse_host(&f, "198.18.0", err, sizeof(err)), -22);
	assert_non_null(strstr(err, "'198.18.0'"));
}

static void port_must_be_1_to_65535(void **state)
{
	struct capture_filter f = {};
	char err[256];

	assert_int_equal(filter_parse_port(&f, "80", err, sizeof(err)), 0);
	assert_int_equal(f.port, 80);
	assert_int_equal(filter_parse_port(&f, "0", err, sizeof(err)), -22);
	assert_int_equal(filter_parse_port(&f, "65536", err, sizeof(err)), -22);
	assert_int_equal(filter_parse_port(&f, "-1", err, sizeof(err)), -22);
	assert_int_equal(filter_parse_port(&f, "8o", err, sizeof(err)), -22);
	assert_int_equal(filter_parse_port(&f, "", err, sizeof(err)), -22);
}

static void proto_names_map_to_ip_protocols(void **state)
{
	struct capture_filter f = {};
	char err[256];

	assert_int_equal(filter_parse_proto(&f, "tcp", err, sizeof(err)), 0);
	assert_int_equal(f.l4_proto, IPPROTO_TCP);
	assert_int_equal(filter_parse_proto(&f, "icmp6", err, sizeof(err)), 0);
	assert_int_equal(f.l4_proto, IPPROTO_ICMPV6);
	assert_int_equal(filter_parse_proto(&f, "TCP", err, sizeof(err)), -22);
}

/* the inode of our own network namespace, as --netns takes it */
static const char *own_netns(char *buf, size_t len)
{
	struct stat st;

	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	snprintf(buf, len, "%llu", (unsigned long long)st.st_ino);
	return buf;
}

static void netns_takes_all_an_inode_or_an_existing_name(void **state)
{
	struct capture_filter f = {};
	char err[256], own[32];
	int all = 0;

	assert_int_equal(filter_parse_netns(&f, "all", &all, err, sizeof(err)), 0);
	assert_int_equal(all, 1);
	all = 0;
	assert_int_equal(filter_parse_netns(&f, own_netns(own, sizeof(own)), &all, err, sizeof(err)), 0);
	assert_int_equal(f.netns[0], strtoull(own, NULL, 10));
	assert_int_equal(filter_parse_netns(&f, "/proc/self/ns/net", &all, err, sizeof(err)), 0);
	assert_int_equal(f.netns_n, 2);
	assert_int_equal(filter_parse_netns(&f, "no-such-namespace-here", &all, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "/run/netns/no-such-namespace-here"));
}

static void netns_inode_of_no_namespace_is_refused(void **state)
{
	struct capture_filter f = {};
	char err[256];
	int all = 0;

	assert_int_equal(filter_parse_netns(&f, "1", &all, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "no network namespace has inode 1"));
	assert_int_equal(f.netns_n, 0);
}

static void netns_all_with_another_namespace_is_refused_in_either_order(void **state)
{
	struct capture_filter f = {};
	char err[256] = "", own[32];
	int all = 0;

	own_netns(own, sizeof(own));
	assert_int_equal(filter_parse_netns(&f, "all", &all, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_netns(&f, own, &all, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "'all' cannot be combined with other namespaces"));
	assert_int_equal(f.netns_n, 0);
	all = 0;
	err[0] = '\0';
	assert_int_equal(filter_parse_netns(&f, own, &all, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_netns(&f, "all", &all, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "'all' cannot be combined with other namespaces"));
	assert_int_equal(all, 0);
}

static void at_most_four_namespaces(void **state)
{
	struct capture_filter f = {};
	char err[256], own[32];
	int all = 0;

	own_netns(own, sizeof(own));
	for (int i = 0; i < NS_MAX_NETNS_FILTER; i++)
		assert_int_equal(filter_parse_netns(&f, own, &all, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_netns(&f, own, &all, err, sizeof(err)), -22);
}

static void ifname_longer_than_15_is_refused(void **state)
{
	struct capture_filter f = {};
	char err[256];

	assert_int_equal(filter_parse_ifname(&f, "veth0", err, sizeof(err)), 0);
	assert_string_equal(f.ifname, "veth0");
	assert_int_equal(filter_parse_ifname(&f, "a-very-long-ifname", err, sizeof(err)), -22);
	assert_int_equal(filter_parse_ifname(&f, "a/b", err, sizeof(err)), -22);
}

static void events_take_names_groups_and_removals(void **state)
{
	uint64_t m = 0;
	char err[256];

	assert_int_equal(events_parse("skb", &m, err, sizeof(err)), 0);
	assert_int_equal(m, (1ull << NS_EV_KFREE_SKB) | (1ull << NS_EV_CONSUME_SKB));
	assert_int_equal(events_parse("default,-softirq_raise", &m, err, sizeof(err)), 0);
	assert_int_equal(m, capture_default_events() & ~(1ull << NS_EV_SOFTIRQ_RAISE));
	assert_true(m & (1ull << NS_EV_KFREE_SKB));
	assert_int_equal(events_parse("all", &m, err, sizeof(err)), 0);
	assert_true(m & (1ull << NS_EV_IRQ_HANDLER_ENTRY));
	assert_false(m & 1);
}

static void unknown_or_empty_event_selection_is_refused(void **state)
{
	uint64_t m = 0;
	char err[256];

	assert_int_equal(events_parse("kfree", &m, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "'kfree'"));
	assert_int_equal(events_parse("skb,-skb", &m, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "selects no event"));
}

static void filter_description_names_every_filter(void **state)
{
	struct capture_filter f = { .netns = { 11, 12 }, .netns_n = 2, .port = 80, .l4_proto = 6 };
	char buf[256], err[64];

	filter_parse_host(&f, "198.18.0.1", err, sizeof(err));
	filter_describe(&f, buf, sizeof(buf));
	assert_string_equal(buf, "netns=11,netns=12,proto=6,port=80,host=198.18.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_accepts_ipv4_and_ipv6),
		cmocka_unit_test(bad_host_is_refused_with_its_value),
		cmocka_unit_test(port_must_be_1_to_65535),
		cmocka_unit_test(proto_names_map_to_ip_protocols),
		cmocka_unit_test(netns_takes_all_an_inode_or_an_existing_name),
		cmocka_unit_test(netns_inode_of_no_namespace_is_refused),
		cmocka_unit_test(netns_all_with_another_namespace_is_refused_in_either_order),
		cmocka_unit_test(at_most_four_namespaces),
		cmocka_unit_test(ifname_longer_than_15_is_refused),
		cmocka_unit_test(events_take_names_groups_and_removals),
		cmocka_unit_test(unknown_or_empty_event_selection_is_refused),
		cmocka_unit_test(filter_description_names_every_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
