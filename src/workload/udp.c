// SPDX-License-Identifier: GPL-2.0
/*
 * udp: datagrams from 198.18.0.1 (ns a) to 198.18.0.2 (ns b), each round one
 * to port P, where a server in ns b receives them, and one to port P+1,
 * where nobody listens, so ns b answers with ICMP port unreachable
 * (__udp4_lib_rcv -> icmp_send).  Those ICMPs are rate limited per
 * destination (icmp_ratelimit, icmpv4_xrlim_allow: a burst of about 6, then
 * one a second), so a quick run sees fewer ICMPs than datagrams: expected.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/internal.h"

#define UDP_PAYLOAD	64
/* the server's wait after the last datagram before it reports (plus 2 slots) */
#define UDP_IDLE_MS	1000

static int udp_socket(const struct scenario_run *r, int i, uint16_t port, bool do_connect)
{
	struct sockaddr_in sin;
	int fd, err;

	err = lab_sockaddr(r->lab, i, port, &sin);
	if (err)
		return err;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (do_connect ? connect(fd, (struct sockaddr *)&sin, sizeof(sin)) :
			 bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int udp_serve(struct scenario_run *r, int report_fd)
{
	int idle_ms = UDP_IDLE_MS + (r->rate ? (int)(2000 / r->rate) : 0);
	char buf[UDP_PAYLOAD];
	uint64_t received = 0;
	int fd, err;

	fd = udp_socket(r, 1, r->port, false);
	if (fd < 0) {
		ns_err("cannot bind %s:%u: %s", r->lab->addr[1], r->port, strerror(-fd));
		return fd;
	}
	err = scn_report(report_fd, 0);
	while (!err && received < r->count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ms = scn_remaining_ms(r), ret;

		/* once datagrams flow, a long silence means the client is done */
		if (received && (ms < 0 || ms > idle_ms))
			ms = idle_ms;
		ret = poll(&pfd, 1, ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0) {
			err = ret < 0 ? -errno : 0;
			break;
		}
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			received++;
		else if (errno != EAGAIN && errno != EINTR)
			err = -errno;
	}
	close(fd);
	if (err) {
		ns_err("cannot receive on %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
		return err;
	}
	return scn_report(report_fd, received);
}

/* Count the ICMP port unreachables queued on fd (IP_RECVERR); never blocks. */
static uint64_t drain_icmp(int fd)
{
	uint64_t n = 0;

	for (;;) {
		char data[UDP_PAYLOAD], cbuf[512];
		struct iovec iov = { data, sizeof(data) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return n;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct sock_extended_err ee;

			if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR)
				continue;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			if (ee.ee_origin == SO_EE_ORIGIN_ICMP && ee.ee_type == 3 && ee.ee_code == 3)
				n++;
		}
	}
}

/* send, once more if the error was only the last ICMP being reported */
static int send_dgram(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	for (int tries = 0; tries < 3; tries++) {
		ssize_t n = to ? sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to)) :
				 send(fd, buf, len, 0);

		if (n >= 0)
			return 0;
		if (errno != ECONNREFUSED && errno != EINTR)
			return -errno;
	}
	return -ECONNREFUSED;
}

int scenario_udp(struct scenario_run *r)
{
	struct scn_server srv = { .fd = -1 };
	uint64_t sent = 0, received = 0, icmp = 0;
	uint16_t closed_port = (uint16_t)(r->port + 1);
	struct sockaddr_in open_to;
	char buf[UDP_PAYLOAD];
	int open_fd = -1, closed_fd = -1, one = 1, err;

	if (r->port == UINT16_MAX) {
		ns_err("udp: port %u leaves no port above it for the unbound one", r->port);
		return -EINVAL;
	}
	err = lab_sockaddr(r->lab, 1, r->port, &open_to);
	if (err)
		return err;
	err = scn_server_start(r, &srv, udp_serve);
	if (err)
		return err;
	err = scn_enter(r, 0);
	if (err)
		goto out;
	open_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	closed_fd = udp_socket(r, 1, closed_port, true);
	if (open_fd < 0 || closed_fd < 0 ||
	    setsockopt(closed_fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one))) {
		err = open_fd < 0 ? -errno : closed_fd < 0 ? closed_fd : -errno;
		ns_err("cannot open UDP socket in namespace '%s': %s", r->lab->ns[0],
		       strerror(-err));
		goto out;
	}
	memset(buf, 'u', sizeof(buf));
	while (sent < r->count && scn_pace(r, sent)) {
		err = send_dgram(open_fd, buf, sizeof(buf), &open_to);
		if (!err)
			err = send_dgram(closed_fd, buf, sizeof(buf), NULL);
		if (err) {
			ns_err("cannot send to %s: %s", r->lab->addr[1], strerror(-err));
			goto out;
		}
		sent++;
		icmp += drain_icmp(closed_fd);
	}
	/* the last ICMPs are a softirq away */
	usleep(100000);
	icmp += drain_icmp(closed_fd);
	err = scn_server_result(&srv, r, &received);
	if (err)
		goto out;
	ns_dbg(1, "udp: sent %llu+%llu datagrams, %llu received on port %u, %llu ICMP unreachable",
	       (unsigned long long)sent, (unsigned long long)sent, (unsigned long long)received,
	       r->port, (unsigned long long)icmp);
	if (sent && !received) {
		ns_err("no datagram reached %s:%u", r->lab->addr[1], r->port);
		err = -EPROTO;
	} else if (received < sent) {
		ns_warn("udp: %llu of %llu datagrams reached %s:%u", (unsigned long long)received,
			(unsigned long long)sent, r->lab->addr[1], r->port);
	}
	if (sent && !icmp)
		ns_warn("udp: no ICMP port unreachable came back from %s:%u", r->lab->addr[1],
			closed_port);
	if (!err && sent < r->count)
		ns_warn("udp: stopped at its duration bound (%.3f s) after %llu of %llu rounds",
			r->duration_s, (unsigned long long)sent, (unsigned long long)r->count);
out:
	if (open_fd >= 0)
		close(open_fd);
	if (closed_fd >= 0)
		close(closed_fd);
	scn_server_stop(&srv);
	return err;
}
