/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workloads: a lab of two private network namespaces joined by a veth pair,
 * addressed from 198.18.0.0/15 with no route out, and the scenarios that run
 * inside it.  Every packet a scenario sends stays in the namespaces the lab
 * created.
 */
#ifndef NS_WORKLOAD_H
#define NS_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define LAB_NAME_LEN 48

struct lab {
	char ns[2][LAB_NAME_LEN];	/* names under /run/netns: netscope-<pid>-a, -b */
	uint32_t netns_inode[2];	/* inode numbers, for the capture filter */
	char ifname[2][16];		/* veth ends: "veth0" in a, "veth1" in b */
	int ifindex[2];
	char addr[2][16];		/* 198.18.0.1 and 198.18.0.2 */
	bool created;
	/* --devices: ifname[] are the caller's two devices, moved into ns[]
	 * instead of a veth pair, and given back by lab_destroy() */
	bool on_devices;
	bool dev_moved[2];		/* in ns[i] now: to give back */
	bool dev_was_up[2];		/* up before the move: set up again after */
};

/* Remove namespaces left by netscope runs that no longer exist (SIGKILL). */
int lab_cleanup_stale(void);
/* Create the two namespaces and the veth pair; on error nothing is left. */
int lab_create(struct lab *lab);
/*
 * The same lab over two devices of the caller's namespace instead of a veth
 * pair (devices[0] into ns a, devices[1] into ns b), e.g. two NICs on one
 * wire; devices NULL: the veth pair.  Refuses devices lab_devices_check()
 * refuses.  lab_destroy() gives them back (workload/lab_devices.c).
 */
int lab_create_on(struct lab *lab, const char *const devices[2]);
/*
 * Can these two devices of the calling thread's namespace be lent to a lab?
 * Not loopback, not veth, not the same twice, and not in use (an address,
 * or a port of a bridge or bond): moving a device drops its addresses and
 * cuts whatever used it.  0, or negative errno after a message naming the
 * device and why.
 */
int lab_devices_check(const char *const devices[2]);
/* Remove what lab_create made; safe to call twice and from error paths. */
void lab_destroy(struct lab *lab);
/* Enter namespace i (0 or 1) in the calling thread/process. */
int lab_enter(const struct lab *lab, int i);

struct scenario_opts {
	const char *name;	/* syn-flood, handshake, refused, bulk, udp */
	uint64_t count;		/* packets / connections / datagrams; 0: scenario default */
	uint64_t rate;		/* per second; 0: as fast as possible */
	double duration_s;	/* upper bound on run time; 0: scenario default */
	uint64_t bytes;		/* bulk: bytes to stream */
	uint16_t port;		/* server port; 0: scenario default */
	uint64_t seed;		/* syn-flood: seed of the random sources; 0: a fresh one */
	uint16_t closed_port;	/* syn-flood: every other SYN to this closed port; 0: none */
	double linger_s;	/* syn-flood: keep the listener this long after the last SYN */
	char *const *argv;	/* `-- CMD ARGS`: run this in namespace a instead;
				 * bounded only when duration_s > 0 */
};

struct scenario_run;

struct scenario_desc {
	const char *name;
	const char *summary;
	uint64_t default_count;	/* used when opts->count is 0 */
	uint16_t default_port;	/* used when opts->port is 0 (0: none) */
	/* runs in the scenario's child; 0 or negative errno (message printed) */
	int (*run)(struct scenario_run *r);
};

/* Run time of a scenario when opts->duration_s is 0 (not for `-- CMD`). */
#define SCENARIO_DEFAULT_DURATION_S 10.0

/* Table of scenarios, terminated by { NULL }. */
extern const struct scenario_desc scenario_table[];
const struct scenario_desc *scenario_find(const char *name);

/*
 * Start the scenario in a child process (which enters the namespaces it
 * needs); returns the child's pid or negative errno.  The child exits 0 when
 * the scenario completed, non-zero with a message on stderr otherwise.  It
 * also stops by itself when opts bounds (count, duration) are reached.
 */
pid_t scenario_start(const struct lab *lab, const struct scenario_opts *opts);

/*
 * Wait for a scenario started by scenario_start.  Returns its exit code, or
 * 128 + signal number if a signal ended it, or negative errno.
 */
int scenario_wait(pid_t pid);

#endif
