/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the workload module: what a scenario's child needs (its bounds, the
 * clock, pacing, a server in namespace b) and the ip(8) runner of the lab.
 * Not for other modules: they use workload.h.
 */
#ifndef NS_WORKLOAD_INTERNAL_H
#define NS_WORKLOAD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <netinet/in.h>
#include "workload/workload.h"

/* The only addresses a scenario may put on the wire: 198.18.0.0/15 (RFC 2544). */
#define LAB_NET		0xc6120000u	/* 198.18.0.0 */
#define LAB_NET_MASK	0xfffe0000u	/* /15 */
/* syn-flood's random sources: inside the /15, outside the veth subnet */
#define LAB_SPOOF_NET	"198.19.0.0/16"
/* the half of LAB_SPOOF_NET that ns a answers (with RSTs); see synflood.c */
#define LAB_SPOOF_ANSWERING "198.19.0.0/17"

/* Settings of one run, after defaults were applied; lives in the child. */
struct scenario_run {
	const struct lab *lab;
	const struct scenario_desc *desc;
	char *const *argv;
	uint64_t count;
	uint64_t rate;		/* per second; 0: as fast as possible */
	uint64_t bytes;
	double duration_s;	/* 0 only for `-- CMD` without a bound */
	uint16_t port;
	uint64_t seed;		/* 0: a fresh one */
	uint16_t closed_port;	/* syn-flood: every other SYN goes here; 0: none */
	double linger_s;	/* syn-flood: the listener stays this long after the flood */
	struct timespec start;	/* CLOCK_MONOTONIC */
	struct timespec deadline;
};

/* lab.c */

/*
 * Run `ip -n NS ARGS... ` (NULL-terminated; ns NULL: no -n).  On failure
 * prints "cannot <what>: <ip's own message>" and returns -EIO.
 */
int lab_ip(const char *what, const char *ns, ...) __attribute__((sentinel));
/* Host-order IPv4 address inside 198.18.0.0/15? */
static inline bool lab_addr_is_safe(uint32_t host_order)
{
	return (host_order & LAB_NET_MASK) == LAB_NET;
}
/* Parse lab->addr[i] into *sin (port in host order); refuses addresses outside the lab. */
int lab_sockaddr(const struct lab *lab, int i, uint16_t port, struct sockaddr_in *sin);

/* lab_devices.c: the lab over two devices of the caller's (--devices) */

/* move devices[i] (checked) into lab->ns[i]; on error the
 * caller gives back what was moved (lab_devices_give_back()) */
int lab_devices_move(struct lab *lab, const char *const devices[2]);
/* back into this process's namespace, and up if they were; safe twice */
void lab_devices_give_back(struct lab *lab);
/* a stale lab's namespace (at path): give back the devices lent to it;
 * how many were */
int lab_devices_reclaim(const char *ns_name, const char *path);

/* scenario.c: helpers for the scenario bodies */

double scn_elapsed(const struct scenario_run *r);
bool scn_expired(const struct scenario_run *r);
/* milliseconds until the deadline (0 when past it); -1 if unbounded */
int scn_remaining_ms(const struct scenario_run *r);
/*
 * Wait for the slot of item i when a rate is set; false once the deadline is
 * reached (then item i must not be sent).
 */
bool scn_pace(const struct scenario_run *r, uint64_t i);
/* SO_RCVTIMEO/SO_SNDTIMEO = time left, so no call blocks past the deadline */
int scn_set_timeouts(int fd, const struct scenario_run *r);
/* lab_enter() with a message on failure */
int scn_enter(const struct scenario_run *r, int i);
/* What every process a scenario forks does first: die with its parent. */
void scn_child_init(pid_t parent);

/*
 * A server in namespace b, child of the scenario's child.  serve() runs
 * there; it calls scn_report(fd, 0) once it listens, and scn_report(fd, v)
 * with its result at the end.
 */
struct scn_server {
	pid_t pid;
	int fd;		/* read end of the report pipe */
};
typedef int (*scn_serve_fn)(struct scenario_run *r, int report_fd);
int scn_report(int fd, uint64_t value);
/* Fork the server and wait until it listens. */
int scn_server_start(struct scenario_run *r, struct scn_server *srv, scn_serve_fn serve);
/* Wait for the server's result (up to the deadline plus a grace second). */
int scn_server_result(struct scn_server *srv, const struct scenario_run *r, uint64_t *value);
/* Kill and reap the server; safe to call twice. */
void scn_server_stop(struct scn_server *srv);

/* synflood.c: RFC 1071 sums, for the scenarios that craft packets */
uint32_t scn_csum_add(uint32_t sum, const void *data, size_t len);
/* the folded complement, in network order, ready to store */
uint16_t scn_csum_fold(uint32_t sum);

/* the scenario bodies */
int scenario_syn_flood(struct scenario_run *r);
int scenario_handshake(struct scenario_run *r);
int scenario_refused(struct scenario_run *r);
int scenario_bulk(struct scenario_run *r);
int scenario_udp(struct scenario_run *r);
int scenario_rpc(struct scenario_run *r);
int scenario_mixed(struct scenario_run *r);
int scenario_command(struct scenario_run *r);
int scenario_drops(struct scenario_run *r);

/* ns b: a TCP listener on the lab's second address and r->port; prints why not */
int scn_tcp_listen(const struct scenario_run *r, int backlog);
/* ns b: the next connection on lfd (fd, or -ETIMEDOUT at the deadline, or -errno) */
int scn_tcp_accept(int lfd, const struct scenario_run *r);
/* ns a: a connection to lab address 1 and r->port; the caller says why not */
int scn_tcp_connect(const struct scenario_run *r);
/* 0 when fd is ready for events, -ETIMEDOUT at the deadline */
int scn_wait_fd(int fd, short events, const struct scenario_run *r);

#endif
