// SPDX-License-Identifier: GPL-2.0
/*
 * rpc: the workload of the layers lab (experiment 3 of the reference
 * study saw sock_poll from the application's side): a real application on
 * both ends of one TCP connection, data both ways.
 *
 *   ns a: client  ─ poll(POLLOUT) send 256 bytes, poll(POLLIN) recv 4 KiB ─┐
 *   ns b: server  ─ epoll_wait on the listener and the connection,         │
 *                   recv the request, send the answer  <───────────────────┘
 *
 * --count round trips (default 2000), --rate paces them, --duration
 * bounds them.  Every wait is a poll or an epoll_wait on the time left, so
 * nothing blocks past the deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/internal.h"

#define RPC_REQUEST	256
#define RPC_ANSWER	4096

/* ns b: move len bytes through fd, waiting with epoll; bytes moved or -errno */
static ssize_t epoll_io(int ep, int fd, char *buf, size_t len, bool out,
			const struct scenario_run *r)
{
	struct epoll_event ev = { .events = out ? EPOLLOUT : EPOLLIN, .data.fd = fd };
	size_t done = 0;

	if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev))
		return -errno;
	while (done < len) {
		ssize_t n;
		int ready = epoll_wait(ep, &ev, 1, scn_remaining_ms(r));

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return -errno;
		if (ready == 0)
			return -ETIMEDOUT;
		n = out ? send(fd, buf + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT) :
			  recv(fd, buf + done, len - done, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break; /* the client closed */
		done += n;
	}
	return done;
}

static int rpc_serve(struct scenario_run *r, int report_fd)
{
	static char buf[RPC_ANSWER];
	struct epoll_event ev = { .events = EPOLLIN };
	uint64_t answered = 0;
	int lfd, fd = -1, ep, err;

	lfd = scn_tcp_listen(r, 1);
	if (lfd < 0)
		return lfd;
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = lfd;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev)) {
		err = -errno;
		ns_err("cannot set up epoll for %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
		goto out;
	}
	err = scn_report(report_fd, 0);
	/* the listener through epoll too: accept when epoll says it is readable */
	while (!err && fd < 0) {
		int ready = epoll_wait(ep, &ev, 1, scn_remaining_ms(r));

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			err = ready ? -errno : -ETIMEDOUT;
			break;
		}
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0 && errno != EINTR && errno != ECONNABORTED)
			err = -errno;
	}
	if (!err) {
		ev.events = EPOLLIN;
		ev.data.fd = fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
			err = -errno;
	}
	memset(buf, 'b', sizeof(buf));
	while (!err) {
		ssize_t n = epoll_io(ep, fd, buf, RPC_REQUEST, false, r);

		if (n == 0)
			break; /* the client is done */
		if (n > 0 && n < RPC_REQUEST)
			break; /* cut at its deadline mid-request */
		if (n > 0)
			n = epoll_io(ep, fd, buf, RPC_ANSWER, true, r);
		if (n < 0) {
			err = (int)n;
			break;
		}
		answered++;
	}
	if (err == -ETIMEDOUT)
		err = 0;
	else if (err)
		ns_err("cannot serve on %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
out:
	if (fd >= 0)
		close(fd);
	if (ep >= 0)
		close(ep);
	close(lfd);
	return err ? err : scn_report(report_fd, answered);
}

/* ns a: move len bytes through fd, waiting with poll; bytes moved or -errno */
static ssize_t poll_io(int fd, char *buf, size_t len, bool out, const struct scenario_run *r)
{
	size_t done = 0;

	while (done < len) {
		int err = scn_wait_fd(fd, out ? POLLOUT : POLLIN, r);
		ssize_t n;

		if (err)
			return err;
		n = out ? send(fd, buf + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT) :
			  recv(fd, buf + done, len - done, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET; /* the server went away mid-answer */
		done += n;
	}
	return done;
}

int scenario_rpc(struct scenario_run *r)
{
	static char answer[RPC_ANSWER];
	char request[RPC_REQUEST];
	struct scn_server srv = { .fd = -1 };
	uint64_t done = 0, answered = 0;
	int fd, err;

	err = scn_server_start(r, &srv, rpc_serve);
	if (err)
		return err;
	err = scn_enter(r, 0);
	fd = err ? err : scn_tcp_connect(r);
	if (fd < 0) {
		if (!err)
			ns_err("cannot connect to %s:%u: %s", r->lab->addr[1], r->port, strerror(-fd));
		scn_server_stop(&srv);
		return fd;
	}
	memset(request, 'a', sizeof(request));
	for (uint64_t i = 0; i < r->count && scn_pace(r, i); i++) {
		ssize_t n = poll_io(fd, request, sizeof(request), true, r);

		if (n > 0)
			n = poll_io(fd, answer, sizeof(answer), false, r);
		if (n == -ETIMEDOUT && scn_expired(r))
			break;
		if (n < 0) {
			err = (int)n;
			ns_err("cannot talk to %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
			break;
		}
		done++;
	}
	/* EOF tells the server it is done */
	close(fd);
	if (!err)
		err = scn_server_result(&srv, r, &answered);
	scn_server_stop(&srv);
	if (!err && answered != done) {
		ns_err("server on %s:%u answered %llu of %llu requests", r->lab->addr[1], r->port,
		       (unsigned long long)answered, (unsigned long long)done);
		err = -EPROTO;
	}
	if (!err)
		fprintf(stderr, "rpc: %llu round trips of %d and %d bytes in %.3f s\n",
			(unsigned long long)done, RPC_REQUEST, RPC_ANSWER, scn_elapsed(r));
	if (!err && done < r->count)
		ns_warn("rpc: stopped at its duration bound (%.3f s) after %llu of %llu round trips",
			r->duration_s, (unsigned long long)done, (unsigned long long)r->count);
	return err;
}
