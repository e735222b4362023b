// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP scenarios between 198.18.0.1 (ns a, client) and 198.18.0.2 (ns b,
 * server): handshake (connect, echo 64 bytes, close), refused (connect to a
 * closed port: the RST from tcp_v4_send_reset gives ECONNREFUSED) and bulk
 * (one connection streaming many bytes).  No call blocks past the deadline:
 * waits are polls on the time left.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>
#include "common/log.h"
#include "workload/internal.h"

#define ECHO_LEN	64
#define BULK_CHUNK	(64 * 1024)

/* 0 when fd is ready for events, -ETIMEDOUT at the deadline */
int scn_wait_fd(int fd, short events, const struct scenario_run *r)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret;

	do
		ret = poll(&pfd, 1, scn_remaining_ms(r));
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	return ret ? 0 : -ETIMEDOUT;
}

/* ns b: a listener on lab address 1; prints why not */
int scn_tcp_listen(const struct scenario_run *r, int backlog)
{
	struct sockaddr_in sin;
	int fd, one = 1, err;

	err = lab_sockaddr(r->lab, 1, r->port, &sin);
	if (err)
		return err;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, backlog)) {
		err = -errno;
		ns_err("cannot listen on %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

int scn_tcp_accept(int lfd, const struct scenario_run *r)
{
	int err, fd;

	err = scn_wait_fd(lfd, POLLIN, r);
	if (err)
		return err;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = scn_set_timeouts(fd, r);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* ns a: a connection to lab address 1; the caller says why not */
int scn_tcp_connect(const struct scenario_run *r)
{
	struct sockaddr_in sin;
	int fd, err;

	err = lab_sockaddr(r->lab, 1, r->port, &sin);
	if (err)
		return err;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* SO_SNDTIMEO bounds connect() too (sock_sndtimeo in __inet_stream_connect) */
	err = scn_set_timeouts(fd, r);
	if (!err && connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = errno == EINPROGRESS ? -ETIMEDOUT : -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* read (until EOF) or write len bytes; bytes moved or negative errno */
static ssize_t io_full(int fd, void *buf, size_t len, bool out)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = out ? send(fd, (char *)buf + done, len - done, MSG_NOSIGNAL) :
				  recv(fd, (char *)buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static void note_cut_short(const struct scenario_run *r, uint64_t done, const char *what)
{
	ns_warn("%s: stopped at its duration bound (%.3f s) after %llu of %llu %s",
		r->desc->name, r->duration_s, (unsigned long long)done,
		(unsigned long long)r->count, what);
}

/*
 * Wait (at most a second) until the peer has acknowledged everything sent
 * on fd: SIOCOUTQ counts a TCP socket's bytes not yet acknowledged.  The
 * server closes only then, so its FIN follows the client's ACK of the
 * echo: closing at once, the FIN went out before that ACK whenever the
 * client's thread held its socket when the echo arrived (its ACK then
 * waits for release_sock()), and the lab's ladder changed from run to run.
 */
static void wait_acked(int fd)
{
	for (int i = 0; i < 10000; i++) {
		int unacked = 0;

		if (ioctl(fd, SIOCOUTQ, &unacked) || unacked <= 0)
			return;
		usleep(100);
	}
}

static int handshake_serve(struct scenario_run *r, int report_fd)
{
	char buf[ECHO_LEN];
	uint64_t served = 0;
	int lfd, err;

	lfd = scn_tcp_listen(r, 128);
	if (lfd < 0)
		return lfd;
	err = scn_report(report_fd, 0);
	while (!err && served < r->count) {
		int fd = scn_tcp_accept(lfd, r);
		ssize_t n;

		if (fd == -ETIMEDOUT)
			break;
		if (fd == -ECONNABORTED)
			continue;
		if (fd < 0) {
			err = fd;
			ns_err("cannot accept on %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
			break;
		}
		n = io_full(fd, buf, sizeof(buf), false);
		if (n > 0)
			n = io_full(fd, buf, n, true);
		if (n > 0)
			wait_acked(fd);
		close(fd);
		if (n < 0 && n != -ETIMEDOUT) {
			err = (int)n;
			ns_err("cannot echo on %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
		}
		served++;
	}
	close(lfd);
	return err ? err : scn_report(report_fd, served);
}

int scenario_handshake(struct scenario_run *r)
{
	struct scn_server srv = { .fd = -1 };
	char out[ECHO_LEN], in[ECHO_LEN];
	uint64_t done = 0, served = 0;
	int err;

	err = scn_server_start(r, &srv, handshake_serve);
	if (err)
		return err;
	err = scn_enter(r, 0);
	for (uint64_t i = 0; !err && i < r->count && scn_pace(r, i); i++) {
		int fd = scn_tcp_connect(r);
		ssize_t n = 0;

		if (fd == -ETIMEDOUT && scn_expired(r))
			break;
		if (fd < 0) {
			err = fd;
			ns_err("cannot connect to %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
			break;
		}
		memset(out, 'a' + (int)(i % 26), sizeof(out));
		n = io_full(fd, out, sizeof(out), true);
		if (n == sizeof(out))
			n = io_full(fd, in, sizeof(in), false);
		/*
		 * The server closes first: wait for its FIN (end of stream)
		 * before closing, or a client that reads the echo before the
		 * server thread reaches close() sends its FIN too and the two
		 * cross (a simultaneous close: FIN_WAIT1 > CLOSING on both
		 * sides, seen under load, and not what the lab shows).
		 */
		if (n == sizeof(in)) {
			char eof;

			while (recv(fd, &eof, 1, 0) < 0 && errno == EINTR)
				;
		}
		close(fd);
		if (n == -ETIMEDOUT && scn_expired(r))
			break;
		if (n < 0) {
			err = (int)n;
			ns_err("cannot talk to %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
		} else if (n != sizeof(in) || memcmp(in, out, sizeof(in))) {
			err = -EPROTO;
			ns_err("echo from %s:%u differs from what was sent", r->lab->addr[1], r->port);
		} else {
			done++;
		}
	}
	if (!err)
		err = scn_server_result(&srv, r, &served);
	scn_server_stop(&srv);
	if (!err && served < done) {
		ns_err("server on %s:%u accepted %llu of %llu connections", r->lab->addr[1], r->port,
		       (unsigned long long)served, (unsigned long long)done);
		err = -EPROTO;
	}
	if (!err && done < r->count)
		note_cut_short(r, done, "connections");
	return err;
}

int scenario_refused(struct scenario_run *r)
{
	uint64_t done = 0;
	int err;

	err = scn_enter(r, 0);
	for (uint64_t i = 0; !err && i < r->count && scn_pace(r, i); i++) {
		int fd = scn_tcp_connect(r);

		if (fd >= 0) {
			close(fd);
			ns_err("connection to %s:%u was accepted, expected it refused",
			       r->lab->addr[1], r->port);
			err = -EPROTO;
		} else if (fd == -ECONNREFUSED) {
			done++;
		} else if (fd == -ETIMEDOUT && scn_expired(r)) {
			break;
		} else {
			err = fd;
			ns_err("cannot connect to %s:%u: %s, expected connection refused",
			       r->lab->addr[1], r->port, strerror(-err));
		}
	}
	if (!err && done < r->count)
		note_cut_short(r, done, "connections");
	return err;
}

static int bulk_serve(struct scenario_run *r, int report_fd)
{
	static char buf[BULK_CHUNK];
	uint64_t received = 0;
	int lfd, fd, err;

	lfd = scn_tcp_listen(r, 1);
	if (lfd < 0)
		return lfd;
	err = scn_report(report_fd, 0);
	fd = err ? err : scn_tcp_accept(lfd, r);
	close(lfd);
	if (fd < 0) {
		if (fd != -ETIMEDOUT)
			ns_err("cannot accept on %s:%u: %s", r->lab->addr[1], r->port, strerror(-fd));
		return fd == -ETIMEDOUT ? scn_report(report_fd, 0) : fd;
	}
	/* until EOF: the client says when it is done */
	for (;;) {
		ssize_t n;

		err = scn_wait_fd(fd, POLLIN, r);
		if (err)
			break;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		received += n;
	}
	close(fd);
	if (err && err != -ETIMEDOUT) {
		ns_err("cannot read on %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
		return err;
	}
	return scn_report(report_fd, received);
}

int scenario_bulk(struct scenario_run *r)
{
	static char buf[BULK_CHUNK];
	struct scn_server srv = { .fd = -1 };
	uint64_t sent = 0, received = 0;
	bool cut = false;
	int fd, err;

	err = scn_server_start(r, &srv, bulk_serve);
	if (err)
		return err;
	err = scn_enter(r, 0);
	fd = err ? err : scn_tcp_connect(r);
	if (fd == -ETIMEDOUT && scn_expired(r)) {
		scn_server_stop(&srv);
		ns_warn("bulk: stopped at its duration bound (%.3f s) before it connected",
			r->duration_s);
		return 0;
	}
	if (fd < 0) {
		if (!err)
			ns_err("cannot connect to %s:%u: %s", r->lab->addr[1], r->port, strerror(-fd));
		scn_server_stop(&srv);
		return fd;
	}
	memset(buf, 'x', sizeof(buf));
	while (sent < r->bytes) {
		size_t len = r->bytes - sent < sizeof(buf) ? r->bytes - sent : sizeof(buf);
		ssize_t n;

		err = scn_wait_fd(fd, POLLOUT, r);
		if (err == -ETIMEDOUT) {
			cut = true;
			err = 0;
			break;
		}
		if (err)
			break;
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		sent += n;
	}
	if (err)
		ns_err("cannot send to %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
	/* FIN tells the server the stream is complete */
	shutdown(fd, SHUT_WR);
	if (!err)
		err = scn_server_result(&srv, r, &received);
	close(fd);
	scn_server_stop(&srv);
	if (!err && !cut && received != sent) {
		ns_err("server on %s:%u received %llu of %llu bytes", r->lab->addr[1], r->port,
		       (unsigned long long)received, (unsigned long long)sent);
		err = -EPROTO;
	}
	if (!err && cut)
		ns_warn("bulk: stopped at its duration bound (%.3f s) after %llu of %llu bytes",
			r->duration_s, (unsigned long long)sent, (unsigned long long)r->bytes);
	return err;
}
