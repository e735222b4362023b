// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the counters of a namespace, for real: each test makes its own
 * namespace netscope-<pid>-cnt (so a killed run is cleaned up like a lab),
 * sends UDP datagrams inside it to a closed port on its 127.0.0.1, and
 * checks the counters moved by exactly what was sent.  Needs root.  No
 * packet leaves that namespace: it has only lo.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "analysis/counters.h"
#include "trace/snmp.h"
#include "workload/internal.h"
#include "workload/netstat.h"

#define CLOSED_PORT 9	/* discard: nothing listens in a fresh namespace */

static char ns_name[64];

static int ns_setup(void **state)
{
	snprintf(ns_name, sizeof(ns_name), "netscope-%d-cnt", (int)getpid());
	if (lab_ip("create namespace", NULL, "netns", "add", ns_name, NULL))
		return -1;
	return lab_ip("set lo up", ns_name, "link", "set", "dev", "lo", "up", NULL) ? -1 : 0;
}

static int ns_teardown(void **state)
{
	return lab_ip("remove namespace", NULL, "netns", "del", ns_name, NULL) ? -1 : 0;
}

/* In a child inside the namespace: n datagrams to 127.0.0.1:CLOSED_PORT. */
static void send_udp_in_netns(int n)
{
	char path[128];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "/run/netns/%s", ns_name);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(CLOSED_PORT) };
		int nsfd = open(path, O_RDONLY), fd;

		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(10);
		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			_exit(11);
		/* unconnected: the ICMP port unreachable answers are not reported to us */
		for (int i = 0; i < n; i++)
			if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1)
				_exit(12);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int64_t value_of(const struct snmp_snap *s, const char *group, const char *name)
{
	const struct snmp_counter *c = snmp_snap_find(s, group, name);

	if (!c)
		fail_msg("no counter %s.%s", group, name);
	return c->value;
}

static void fresh_namespace_counters_are_its_own(void **state)
{
	struct snmp_snap s, self;

	assert_int_equal(netstat_read_netns(ns_name, 0, &s), 0);
	assert_int_equal(netstat_read_self(&self), 0);
	/* the files of both /proc/net/snmp and netstat were read */
	assert_non_null(snmp_snap_find(&s, "TcpExt", "ListenOverflows"));
	assert_non_null(snmp_snap_find(&s, "Tcp", "InSegs"));
	assert_non_null(snmp_snap_find(&self, "Tcp", "InSegs"));
	/* nothing was ever sent in it, unlike on this host */
	assert_int_equal(value_of(&s, "Udp", "OutDatagrams"), 0);
	assert_int_equal(value_of(&s, "Tcp", "OutSegs"), 0);
	snmp_snap_free(&s);
	snmp_snap_free(&self);
}

static void udp_to_a_closed_port_counts_exactly_n_noports(void **state)
{
	enum { N = 25 };
	struct snmp_snap before, after;

	assert_int_equal(netstat_read_netns(ns_name, 0, &before), 0);
	send_udp_in_netns(N);
	assert_int_equal(netstat_read_netns(ns_name, 0, &after), 0);
	assert_int_equal(value_of(&after, "Udp", "OutDatagrams") -
			 value_of(&before, "Udp", "OutDatagrams"), N);
	assert_int_equal(value_of(&after, "Udp", "NoPorts") - value_of(&before, "Udp", "NoPorts"), N);
	/* each datagram reached IP on lo; the ICMP answers (rate limited) may add more */
	assert_true(value_of(&after, "Ip", "InReceives") - value_of(&before, "Ip", "InReceives") >= N);
	assert_true(value_of(&after, "Ip", "InReceives") - value_of(&before, "Ip", "InReceives") <= 2 * N);
	snmp_snap_free(&before);
	snmp_snap_free(&after);
}

/* The path a capture takes: snapshots -> trace metadata -> the counters view. */
static void snapshots_in_metadata_give_the_noports_delta(void **state)
{
	enum { N = 7 };
	struct snmp_snap before, after;
	struct ns_meta m = {};
	struct counters_result res;
	struct counters_an *an;
	char *s;
	const struct counters_row *r = NULL;

	assert_int_equal(netstat_read_netns(ns_name, 0, &before), 0);
	send_udp_in_netns(N);
	assert_int_equal(netstat_read_netns(ns_name, 0, &after), 0);
	s = snmp_snap_format(&before);
	ns_meta_set(&m, "counters.x.before", s);
	free(s);
	s = snmp_snap_format(&after);
	ns_meta_set(&m, "counters.x.after", s);
	free(s);
	an = counters_new(&m);
	assert_int_equal(counters_finish(an, &res), 0);
	assert_int_equal(res.n_ns, 1);
	for (size_t i = 0; i < res.ns[0].n_rows; i++)
		if (!strcmp(res.ns[0].rows[i].group, "Udp") && !strcmp(res.ns[0].rows[i].name, "NoPorts"))
			r = &res.ns[0].rows[i];
	assert_non_null(r);
	assert_true(r->delta == N);
	assert_true(r->watched);
	counters_result_free(&res);
	counters_free(an);
	ns_meta_free(&m);
	snmp_snap_free(&before);
	snmp_snap_free(&after);
}

static void a_missing_or_replaced_namespace_is_refused(void **state)
{
	struct snmp_snap s;
	struct stat st;
	char path[128];

	assert_int_equal(netstat_read_netns("netscope-no-such-namespace", 0, &s), -ENOENT);
	assert_int_equal(s.n, 0);
	snprintf(path, sizeof(path), "/run/netns/%s", ns_name);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(netstat_read_netns(ns_name, (uint32_t)st.st_ino + 1, &s), -ESTALE);
	assert_int_equal(netstat_read_netns(ns_name, (uint32_t)st.st_ino, &s), 0);
	snmp_snap_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fresh_namespace_counters_are_its_own, ns_setup,
						ns_teardown),
		cmocka_unit_test_setup_teardown(udp_to_a_closed_port_counts_exactly_n_noports,
						ns_setup, ns_teardown),
		cmocka_unit_test_setup_teardown(snapshots_in_metadata_give_the_noports_delta,
						ns_setup, ns_teardown),
		cmocka_unit_test_setup_teardown(a_missing_or_replaced_namespace_is_refused,
						ns_setup, ns_teardown),
	};

	return cmocka_run_group_tests_name("netstat", tests, NULL, NULL);
}
