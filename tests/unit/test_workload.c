// SPDX-License-Identifier: GPL-2.0
/*
 * The lab and its scenarios, for real: these tests make network namespaces
 * and send packets inside them, so they need root (CI runs them as root).
 * After every test no namespace of this process is left (checked in the
 * teardown).  Only namespaces named after this pid are counted, so that
 * other netscope runs on the machine do not make these tests fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "workload/workload.h"

static struct lab lab;
static int home_netns = -1;	/* the test's own namespace, to come back to */
static char dead_lab[64];	/* made by hand in stale_lab_of_dead_pid_is_removed */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void go_home(void)
{
	assert_int_equal(setns(home_netns, CLONE_NEWNET), 0);
}

static bool netns_exists(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return access(path, F_OK) == 0;
}

/* namespaces named after this process, or the hand-made stale one */
static int our_namespaces(void)
{
	char prefix[32];
	struct dirent *de;
	int n = 0;
	DIR *dir;

	snprintf(prefix, sizeof(prefix), "netscope-%d-", (int)getpid());
	dir = opendir("/run/netns");
	if (!dir)
		return 0;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)) ||
		    (dead_lab[0] && !strcmp(de->d_name, dead_lab)))
			n++;
	closedir(dir);
	return n;
}

static int group_setup(void **state)
{
	home_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	return home_netns < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	close(home_netns);
	return 0;
}

static int lab_setup(void **state)
{
	return lab_create(&lab) == 0 ? 0 : -1;
}

static int lab_teardown(void **state)
{
	int left;

	setns(home_netns, CLONE_NEWNET);
	lab_destroy(&lab);
	left = our_namespaces();
	if (left) {
		fprintf(stderr, "# %d netscope namespace(s) left after the test\n", left);
		return -1;
	}
	return 0;
}

/*
 * Run a scenario to its end with its stderr in buf; returns its exit code and
 * how long it took.
 */
static int run_scenario(struct scenario_opts *o, char *buf, size_t len, double *took)
{
	int pipefd[2], saved, rc;
	size_t got = 0;
	ssize_t n;
	double t0 = now_s();
	pid_t pid;

	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	saved = dup(STDERR_FILENO);
	dup2(pipefd[1], STDERR_FILENO);
	pid = scenario_start(&lab, o);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(pipefd[1]);
	/* EOF once the scenario and its servers are all gone */
	while (got < len - 1 && (n = read(pipefd[0], buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(pipefd[0]);
	if (pid < 0)
		return pid;
	rc = scenario_wait(pid);
	if (took)
		*took = now_s() - t0;
	return rc;
}

#define assert_scenario_exit(o, buf, took, code)                                         \
	do {                                                                             \
		int rc_ = run_scenario(o, buf, sizeof(buf), took);                       \
		if (rc_ != (code))                                                       \
			fail_msg("scenario '%s' exited %d, expected %d: %s",             \
				 (o)->name ? (o)->name : "command", rc_, code, buf);     \
	} while (0)

/* stderr to /dev/null around calls whose error message is the expected outcome */
static int quiet_begin(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	dup2(null, STDERR_FILENO);
	close(null);
	return saved;
}

static void quiet_end(int saved)
{
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static uint64_t syn_flood_sent(const char *out)
{
	const char *p = strstr(out, "syn-flood: sent ");
	unsigned long long n = 0;

	assert_non_null(p);
	assert_int_equal(sscanf(p, "syn-flood: sent %llu packets", &n), 1);
	return n;
}

/* a "Tcp:" counter of the namespace this thread is in, from /proc/net/snmp */
static long long tcp_counter(const char *name)
{
	char head[1024], vals[1024];
	long long v = -1;
	FILE *f;

	f = fopen("/proc/thread-self/net/snmp", "r");
	assert_non_null(f);
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f)) {
		char *hs, *vs, *h, *val;

		if (strncmp(head, "Tcp:", 4))
			continue;
		h = strtok_r(head, " \n", &hs);
		val = strtok_r(vals, " \n", &vs);
		while (h && val) {
			if (!strcmp(h, name))
				v = atoll(val);
			h = strtok_r(NULL, " \n", &hs);
			val = strtok_r(NULL, " \n", &vs);
		}
	}
	fclose(f);
	return v;
}

static void lab_creates_two_namespaces_joined_by_veth(void **state)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(7777) };
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	struct pollfd pfd;
	struct stat st;
	char buf[16] = "";
	int rx, tx;

	assert_true(lab.created);
	for (int i = 0; i < 2; i++) {
		char name[LAB_NAME_LEN], path[128];

		snprintf(name, sizeof(name), "netscope-%d-%c", (int)getpid(), 'a' + i);
		assert_string_equal(lab.ns[i], name);
		snprintf(path, sizeof(path), "/run/netns/%s", name);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal((uint32_t)st.st_ino, lab.netns_inode[i]);
		assert_true(lab.ifindex[i] > 0);
	}
	assert_int_not_equal(lab.netns_inode[0], lab.netns_inode[1]);
	assert_int_equal(fstat(home_netns, &st), 0);
	assert_int_not_equal((uint32_t)st.st_ino, lab.netns_inode[0]);
	assert_string_equal(lab.addr[0], "198.18.0.1");
	assert_string_equal(lab.addr[1], "198.18.0.2");

	/* a datagram from a reaches a socket in b: the veth joins them */
	assert_int_equal(lab_enter(&lab, 1), 0);
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
	assert_int_equal(bind(rx, (struct sockaddr *)&to, sizeof(to)), 0);
	assert_int_equal(lab_enter(&lab, 0), 0);
	assert_int_equal(if_nametoindex("veth0"), (unsigned int)lab.ifindex[0]);
	assert_int_equal(if_nametoindex("veth1"), 0);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_int_equal(sendto(tx, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5);
	go_home();
	pfd = (struct pollfd){ .fd = rx, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(recvfrom(rx, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fromlen), 5);
	assert_string_equal(buf, "hello");
	assert_string_equal(inet_ntoa(from.sin_addr), "198.18.0.1");
	close(rx);
	close(tx);
}

static void lab_destroy_removes_namespaces(void **state)
{
	char names[2][LAB_NAME_LEN];

	memcpy(names, lab.ns, sizeof(names));
	lab_destroy(&lab);
	assert_false(lab.created);
	assert_false(netns_exists(names[0]));
	assert_false(netns_exists(names[1]));
	lab_destroy(&lab);	/* twice is harmless */
	assert_int_equal(our_namespaces(), 0);
}

static void second_lab_of_same_process_is_refused_and_first_kept(void **state)
{
	struct lab other;
	int saved = quiet_begin();
	int err = lab_create(&other);

	quiet_end(saved);
	assert_int_equal(err, -EEXIST);
	assert_false(other.created);
	assert_true(netns_exists(lab.ns[0]));
	assert_true(netns_exists(lab.ns[1]));
	lab_destroy(&other);	/* on a failed lab: removes nothing */
	assert_true(netns_exists(lab.ns[0]));
}

static void stale_lab_of_dead_pid_is_removed(void **state)
{
	char cmd[128];
	pid_t dead = fork();

	if (dead == 0)
		_exit(0);
	assert_true(dead > 0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	snprintf(dead_lab, sizeof(dead_lab), "netscope-%d-a", (int)dead);
	/*
	 * As a SIGKILLed run leaves it: a mounted namespace.  Another copy of
	 * this test running at once may remove it while ip makes it (it is
	 * stale to them too): then try again.
	 */
	snprintf(cmd, sizeof(cmd), "ip netns add %s 2>/dev/null", dead_lab);
	for (int tries = 0; tries < 5 && (system(cmd) || !netns_exists(dead_lab)); tries++)
		usleep(10000);
	assert_true(netns_exists(dead_lab));

	assert_true(lab_cleanup_stale() >= 1);
	assert_false(netns_exists(dead_lab));
}

static void live_lab_is_not_removed_as_stale(void **state)
{
	lab_cleanup_stale();
	assert_true(netns_exists(lab.ns[0]));
	assert_true(netns_exists(lab.ns[1]));
}

static void each_scenario_completes_and_exits_zero(void **state)
{
	static char out[8192];

	for (const struct scenario_desc *d = scenario_table; d->name; d++) {
		struct scenario_opts o = { .name = d->name, .duration_s = 5 };

		if (!strcmp(d->name, "syn-flood"))
			o.count = 200;
		else if (!strcmp(d->name, "bulk"))
			o.bytes = 1 << 20;
		else if (d->default_count > 5)
			o.count = 5;
		assert_scenario_exit(&o, out, NULL, 0);
	}
}

static void refused_scenario_gets_econnrefused(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct scenario_opts o = { .name = "refused", .count = 3, .duration_s = 5 };
	char out[1024];
	int fd;

	assert_scenario_exit(&o, out, NULL, 0);

	/* and it notices when the port is not closed */
	assert_int_equal(lab_enter(&lab, 1), 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "198.18.0.2", &sin.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	go_home();
	o.count = 1;
	assert_int_not_equal(run_scenario(&o, out, sizeof(out), NULL), 0);
	assert_non_null(strstr(out, "expected it refused"));
	close(fd);
}

static void syn_flood_stops_at_count(void **state)
{
	struct scenario_opts o = { .name = "syn-flood", .count = 500, .duration_s = 10 };
	char out[1024];
	double took;

	assert_scenario_exit(&o, out, &took, 0);
	assert_int_equal(syn_flood_sent(out), 500);
	assert_true(took < 5);
}

static void syn_flood_stops_at_duration(void **state)
{
	struct scenario_opts o = { .name = "syn-flood", .count = 1000000000, .rate = 1000,
				   .duration_s = 0.5 };
	char out[1024];
	uint64_t sent;
	double took;

	/* paced: no more than rate x duration */
	assert_scenario_exit(&o, out, &took, 0);
	sent = syn_flood_sent(out);
	assert_true(sent > 0 && sent <= 501);
	assert_true(took < 3);

	/* as fast as possible: the clock still stops it */
	o.rate = 0;
	o.duration_s = 0.3;
	assert_scenario_exit(&o, out, &took, 0);
	sent = syn_flood_sent(out);
	assert_true(sent > 0 && sent < o.count);
	assert_true(took < 3);
}

static void syn_flood_syn_acks_are_answered_by_resets_from_ns_a(void **state)
{
	struct scenario_opts o = { .name = "syn-flood", .count = 300, .duration_s = 5 };
	long long before, after;
	char out[1024];

	assert_int_equal(lab_enter(&lab, 0), 0);
	before = tcp_counter("OutRsts");
	go_home();
	assert_scenario_exit(&o, out, NULL, 0);
	assert_int_equal(lab_enter(&lab, 0), 0);
	after = tcp_counter("OutRsts");
	go_home();
	assert_true(before >= 0);
	assert_true(after > before);
}

static void killed_scenario_takes_its_server_with_it(void **state)
{
	struct scenario_opts o = { .name = "syn-flood", .count = 1000000, .rate = 100,
				   .duration_s = 8 };
	char path[300], buf[300];
	bool found;
	pid_t pid;

	pid = scenario_start(&lab, &o);
	assert_true(pid > 0);
	usleep(300000);
	kill(pid, SIGKILL);
	assert_int_equal(scenario_wait(pid), 128 + SIGKILL);
	/* PR_SET_PDEATHSIG: the listener in ns b dies too, soon */
	for (int tries = 0; tries < 100; tries++) {
		struct dirent *de;
		DIR *proc = opendir("/proc");

		found = false;
		while (proc && (de = readdir(proc))) {
			struct stat st;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
			if (stat(path, &st) == 0 && (uint32_t)st.st_ino == lab.netns_inode[1]) {
				snprintf(buf, sizeof(buf), "%s", de->d_name);
				found = true;
			}
		}
		if (proc)
			closedir(proc);
		if (!found)
			break;
		usleep(20000);
	}
	if (found)
		fail_msg("process %s still runs in namespace b", buf);
}

static void bulk_stops_at_duration(void **state)
{
	struct scenario_opts o = { .name = "bulk", .bytes = 1ull << 40, .duration_s = 0.5 };
	char out[1024];
	double took;

	assert_scenario_exit(&o, out, &took, 0);
	assert_non_null(strstr(out, "duration bound"));
	assert_true(took < 3);
}

static void command_runs_in_namespace_a(void **state)
{
	char script[160], out[1024];
	char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct scenario_opts o = { .argv = argv };

	snprintf(script, sizeof(script), "test \"$(stat -L -c %%i /proc/self/ns/net)\" = %u",
		 lab.netns_inode[0]);
	assert_scenario_exit(&o, out, NULL, 0);

	/* its exit status comes back */
	snprintf(script, sizeof(script), "exit 3");
	assert_scenario_exit(&o, out, NULL, 3);
}

static void command_is_stopped_at_its_duration(void **state)
{
	char *argv[] = { "sleep", "30", NULL };
	struct scenario_opts o = { .argv = argv, .duration_s = 0.3 };
	char out[1024];
	double took;

	assert_scenario_exit(&o, out, &took, 0);
	assert_true(took < 3);
}

static void missing_command_exits_127(void **state)
{
	char *argv[] = { "netscope-no-such-command", NULL };
	struct scenario_opts o = { .argv = argv };
	char out[1024];

	assert_scenario_exit(&o, out, NULL, 127);
	assert_non_null(strstr(out, "cannot run 'netscope-no-such-command'"));
}

static void no_route_out_of_lab(void **state)
{
	struct sockaddr_in dns = { .sin_family = AF_INET, .sin_port = htons(53) };
	char cmd[128];
	int fd;

	for (int i = 0; i < 2; i++) {
		/* a route lookup: nothing is sent */
		snprintf(cmd, sizeof(cmd), "ip -n %s route get 8.8.8.8 >/dev/null 2>&1", lab.ns[i]);
		assert_int_not_equal(system(cmd), 0);
	}
	assert_int_equal(lab_enter(&lab, 0), 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "8.8.8.8", &dns.sin_addr);
	/* connect() on UDP only looks the route up */
	assert_int_equal(connect(fd, (struct sockaddr *)&dns, sizeof(dns)), -1);
	assert_int_equal(errno, ENETUNREACH);
	close(fd);
	go_home();
}

static void unknown_scenario_is_rejected(void **state)
{
	struct scenario_opts o = { .name = "no-such-scenario" };
	struct lab none = { 0 };
	char out[1024];
	int saved;
	pid_t pid;

	assert_null(scenario_find("no-such-scenario"));
	assert_non_null(scenario_find("syn-flood"));
	assert_int_equal(run_scenario(&o, out, sizeof(out), NULL), -EINVAL);
	assert_non_null(strstr(out, "unknown scenario 'no-such-scenario'"));
	o.name = NULL;
	assert_int_equal(run_scenario(&o, out, sizeof(out), NULL), -EINVAL);
	/* and no scenario runs outside a lab */
	o.name = "handshake";
	saved = quiet_begin();
	pid = scenario_start(&none, &o);
	quiet_end(saved);
	assert_int_equal(pid, -EINVAL);
}

#define LAB_TEST(f) cmocka_unit_test_setup_teardown(f, lab_setup, lab_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		LAB_TEST(lab_creates_two_namespaces_joined_by_veth),
		LAB_TEST(lab_destroy_removes_namespaces),
		LAB_TEST(second_lab_of_same_process_is_refused_and_first_kept),
		LAB_TEST(stale_lab_of_dead_pid_is_removed),
		LAB_TEST(live_lab_is_not_removed_as_stale),
		LAB_TEST(each_scenario_completes_and_exits_zero),
		LAB_TEST(refused_scenario_gets_econnrefused),
		LAB_TEST(syn_flood_stops_at_count),
		LAB_TEST(syn_flood_stops_at_duration),
		LAB_TEST(syn_flood_syn_acks_are_answered_by_resets_from_ns_a),
		LAB_TEST(killed_scenario_takes_its_server_with_it),
		LAB_TEST(bulk_stops_at_duration),
		LAB_TEST(command_runs_in_namespace_a),
		LAB_TEST(command_is_stopped_at_its_duration),
		LAB_TEST(missing_command_exits_127),
		LAB_TEST(no_route_out_of_lab),
		LAB_TEST(unknown_scenario_is_rejected),
	};

	return cmocka_run_group_tests_name("workload", tests, group_setup, group_teardown);
}
