// SPDX-License-Identifier: GPL-2.0
/*
 * SNMP counter snapshots without the kernel: the /proc parsers and the
 * metadata string.  tests/fixtures/netstat/ holds /proc/net/{snmp,netstat,
 * snmp6} as read on the development machine (Linux 6.18); the numbers
 * below are those files'.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/snmp.h"
#include "common/textfile.h"

#define FIX "tests/fixtures/netstat/"

/* a fixture's text; the test stops here when it cannot be read */
static char *slurp(const char *path)
{
	char *text, err[256] = "";

	if (ns_read_text_file(path, &text, err, sizeof(err)))
		fail_msg("%s", err);
	return text;
}

static int64_t value_of(const struct snmp_snap *s, const char *group, const char *name)
{
	const struct snmp_counter *c = snmp_snap_find(s, group, name);

	if (!c)
		fail_msg("no counter %s.%s", group, name);
	return c->value;
}

static size_t count_group(const struct snmp_snap *s, const char *group)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += !strcmp(s->c[i].group, group);
	return n;
}

static void load_fixture(struct snmp_snap *s)
{
	char *snmp = slurp(FIX "snmp"), *netstat = slurp(FIX "netstat"), *snmp6 = slurp(FIX "snmp6");

	memset(s, 0, sizeof(*s));
	assert_int_equal(snmp_parse_pairs(s, snmp), 0);
	assert_int_equal(snmp_parse_pairs(s, netstat), 0);
	assert_int_equal(snmp_parse_snmp6(s, snmp6), 0);
	free(snmp);
	free(netstat);
	free(snmp6);
}

static void netstat_pairs_become_one_counter_per_name(void **state)
{
	char *text = slurp(FIX "netstat");
	struct snmp_snap s = {};

	assert_int_equal(snmp_parse_pairs(&s, text), 0);
	/* TcpExt 135 + IpExt 18 + MPTcpExt 76 names in the fixture */
	assert_int_equal(s.n, 229);
	assert_int_equal(count_group(&s, "TcpExt"), 135);
	assert_int_equal(count_group(&s, "IpExt"), 18);
	assert_int_equal(count_group(&s, "MPTcpExt"), 76);
	/* kernel order is kept */
	assert_string_equal(s.c[0].group, "TcpExt");
	assert_string_equal(s.c[0].name, "SyncookiesSent");
	assert_int_equal(value_of(&s, "TcpExt", "TCPPureAcks"), 19);
	assert_int_equal(value_of(&s, "TcpExt", "ListenOverflows"), 0);
	snmp_snap_free(&s);
	free(text);
}

static void snmp_keeps_signed_maxconn_and_every_group(void **state)
{
	char *text = slurp(FIX "snmp");
	struct snmp_snap s = {};

	assert_int_equal(snmp_parse_pairs(&s, text), 0);
	/* Ip 20, Icmp 29, IcmpMsg 1, Tcp 15, Udp 9, UdpLite 9 */
	assert_int_equal(s.n, 83);
	assert_int_equal(value_of(&s, "Tcp", "MaxConn"), -1);
	assert_int_equal(value_of(&s, "Ip", "InReceives"), 4015);
	assert_int_equal(value_of(&s, "Tcp", "InSegs"), 3982);
	assert_int_equal(value_of(&s, "Udp", "OutDatagrams"), 33);
	assert_int_equal(value_of(&s, "IcmpMsg", "InType3"), 1);
	assert_null(snmp_snap_find(&s, "Udp", "InType3"));
	snmp_snap_free(&s);
	free(text);
}

static void snmp6_names_split_after_their_six(void **state)
{
	char *text = slurp(FIX "snmp6");
	struct snmp_snap s = {};

	assert_int_equal(snmp_parse_snmp6(&s, text), 0);
	assert_int_equal(s.n, 90);
	assert_int_equal(count_group(&s, "Ip6"), 33);
	assert_int_equal(count_group(&s, "Icmp6"), 40);
	assert_int_equal(count_group(&s, "Udp6"), 9);
	assert_int_equal(count_group(&s, "UdpLite6"), 8);
	assert_int_equal(value_of(&s, "Ip6", "InReceives"), 1);
	assert_int_equal(value_of(&s, "Ip6", "OutRequests"), 10);
	snmp_snap_free(&s);
	free(text);
}

static void mismatched_pairs_are_refused(void **state)
{
	static const char *const bad[] = {
		"Tcp: A B\nUdp: 1 2\n",		/* values of another group */
		"Tcp: A B\nTcp: 1\n",		/* fewer values than names */
		"Tcp: A\nTcp: 1 2\n",		/* more values than names */
		"Tcp: A B\n",			/* no values line */
		"Tcp: A B\nTcp: 1 x\n",		/* not a number */
		"Tcp A B\nTcp 1 2\n",		/* no "Group:" */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct snmp_snap s = {};

		assert_int_equal(snmp_parse_pairs(&s, bad[i]), -EINVAL);
		snmp_snap_free(&s);
	}
}

static void snapshot_round_trips_through_one_metadata_string(void **state)
{
	struct snmp_snap s, back = {};
	char *str;

	load_fixture(&s);
	assert_int_equal(s.n, 229 + 83 + 90);
	str = snmp_snap_format(&s);
	assert_non_null(str);
	assert_int_equal(snmp_snap_parse(&back, str), 0);
	assert_int_equal(back.n, s.n);
	for (size_t i = 0; i < s.n; i++) {
		assert_string_equal(back.c[i].group, s.c[i].group);
		assert_string_equal(back.c[i].name, s.c[i].name);
		assert_true(back.c[i].value == s.c[i].value);
	}
	free(str);
	snmp_snap_free(&back);
	snmp_snap_free(&s);
}

static void zero_counters_are_named_without_a_value(void **state)
{
	struct snmp_snap s = {};
	char *str;

	assert_int_equal(snmp_parse_pairs(&s, "Tcp: RtoMin MaxConn InErrs OutRsts\n"
					      "Tcp: 200 -1 0 7\n"
					      "Udp: NoPorts\nUdp: 0\n"), 0);
	str = snmp_snap_format(&s);
	assert_string_equal(str, "snmp/1 Tcp:RtoMin=200,MaxConn=-1,InErrs,OutRsts=7 Udp:NoPorts");
	free(str);
	snmp_snap_free(&s);
	str = snmp_snap_format(&s);
	assert_string_equal(str, "snmp/1");
	assert_int_equal(snmp_snap_parse(&s, str), 0);
	assert_int_equal(s.n, 0);
	free(str);
}

static void malformed_metadata_strings_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "snmp/2 Ip:A", "snmp/10", "snmp/1 Ip", "snmp/1 Ip:", "snmp/1 :A",
		"snmp/1 Ip:A=", "snmp/1 Ip:A=x", "snmp/1 Ip:A,", "snmp/1 Ip:A,,B",
		"snmp/1 Ip:A=1=2",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct snmp_snap s = {};

		if (snmp_snap_parse(&s, bad[i]) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		snmp_snap_free(&s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(netstat_pairs_become_one_counter_per_name),
		cmocka_unit_test(snmp_keeps_signed_maxconn_and_every_group),
		cmocka_unit_test(snmp6_names_split_after_their_six),
		cmocka_unit_test(mismatched_pairs_are_refused),
		cmocka_unit_test(snapshot_round_trips_through_one_metadata_string),
		cmocka_unit_test(zero_counters_are_named_without_a_value),
		cmocka_unit_test(malformed_metadata_strings_are_refused),
	};

	return cmocka_run_group_tests_name("snmp", tests, NULL, NULL);
}
