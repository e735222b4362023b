// SPDX-License-Identifier: GPL-2.0
/*
 * netscope run: a scenario in its private namespaces, without capture, so
 * other tools (perf, bpftrace, tcpdump in the lab) and benchmarks can watch
 * the same workload netscope traces.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cmd/capture_run.h"
#include "cmd/cmd.h"
#include "common/log.h"

static void usage(FILE *out)
{
	fprintf(out,
"Usage: netscope run --scenario NAME [--count N] [--rate N] [--bytes N] [--seed N] [--duration S]\n"
"       [--devices A,B]\n"
"       netscope run [--duration S] -- CMD ARGS\n"
"\n"
"Run a scenario (or CMD) in two private namespaces joined by a veth pair\n"
"(198.18.0.1 <-> 198.18.0.2, no route out) without capturing anything. The lab\n"
"is removed at the end, on errors, Ctrl-C and SIGTERM.  --devices A,B puts two\n"
"devices of this namespace in place of the veth pair and gives them back at the end.\n"
"\n"
"EXAMPLES:\n"
"  netscope run --scenario syn-flood --duration 3 --count 10000000\n"
"  perf record -a -e skb:kfree_skb -- netscope run --scenario refused\n");
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

int cmd_run(int argc, char **argv, const struct cmd_common *co)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct run_opts ro;
	struct lab lab = {};
	int err, status = 0, removed;
	pid_t child;

	err = run_parse_args(&ro, co, argc, argv, "", NULL, NULL, usage);
	if (err)
		return err > 0 ? 0 : 2;
	if (!ro.have_scenario) {
		ns_err("nothing to run: give --scenario NAME or '-- CMD'");
		return 2;
	}
	if (geteuid() != 0) {
		ns_err("creating network namespaces needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN)");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	removed = lab_cleanup_stale();
	if (removed > 0)
		ns_warn("removed %d namespace%s left by an earlier netscope run that was killed",
			removed, removed > 1 ? "s" : "");
	err = lab_create_on(&lab, ro.have_devices ? ro.devices : NULL);
	if (err)
		return 1;
	child = scenario_start(&lab, &ro.sc);
	if (child < 0) {
		ns_err("cannot start scenario '%s': %s", ro.sc.name, strerror(-child));
		lab_destroy(&lab);
		return 1;
	}
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			break;
		if (stop_signal)
			kill(child, SIGTERM);
	}
	lab_destroy(&lab);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	ns_err("scenario '%s' failed (%s %d)", ro.sc.name,
	       WIFEXITED(status) ? "exit status" : "signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 1;
}
