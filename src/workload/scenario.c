// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario table and what every scenario shares: the child process that
 * runs it (and dies with its parent), its bounds in count and time, pacing,
 * and servers in namespace b.  The scenario bodies live in synflood.c,
 * tcp_scenarios.c, rpc.c, udp.c and drops.c.
 *
 * Process tree of a run:
 *
 *   caller ── scenario child (enters ns a to send)
 *                 └── server (enters ns b, listens, reports over a pipe)
 *
 * Every process sets PR_SET_PDEATHSIG(SIGKILL), so killing the caller kills
 * them all.  The death signal follows the *thread* that forked, so callers
 * with threads must start scenarios from a thread that outlives them.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/internal.h"

#define BULK_DEFAULT_BYTES	(16ull << 20)
/* how long past its deadline a scenario may take to wrap up before SIGALRM */
#define BACKSTOP_GRACE_S	5
/*
 * A server outlives the client's deadline by SERVER_LINGER_S, so that what the
 * client sent just before it (a last connect, the FIN of a stream) finds it
 * still there; the client waits for its report that much longer and more.
 */
#define SERVER_LINGER_S		0.5
#define SERVER_GRACE_MS		1000

const struct scenario_desc scenario_table[] = {
	{ "syn-flood", "spoofed SYNs from 198.19.0.0/16 at a listener with a small backlog",
	  10000, 80, scenario_syn_flood },
	{ "handshake", "TCP connections a->b: connect, 64 bytes echoed, close", 5, 8080,
	  scenario_handshake },
	{ "refused", "TCP connect a->b to a closed port: RST, ECONNREFUSED", 1, 9,
	  scenario_refused },
	{ "bulk", "one TCP connection a->b streaming --bytes (16 MiB)", 1, 8081,
	  scenario_bulk },
	{ "rpc", "one TCP connection a->b: --count requests of 256 bytes, 4 KiB answers; "
	  "server on epoll, client on poll", 2000, 8082, scenario_rpc },
	{ "mixed", "every scenario above in turn, round after round until --duration "
	  "(--count: rounds); for soaks", 0, 0, scenario_mixed },
	{ "udp", "UDP datagrams a->b to a bound port and to port+1, unbound (ICMP)", 10,
	  5353, scenario_udp },
	{ "drops", "packets each layer must drop, --count of each: closed TCP and UDP ports, TTL 1 "
	  "through a router, bad IP and TCP checksums, a full receive buffer, a full accept queue",
	  5, 7070, scenario_drops },
	{ NULL },
};

/* `-- CMD ARGS`: not in the table, it has no name to ask for */
static const struct scenario_desc command_desc = {
	"command", "run CMD ARGS in namespace a", 1, 0, scenario_command,
};

const struct scenario_desc *scenario_find(const char *name)
{
	if (!name)
		return NULL;
	for (const struct scenario_desc *d = scenario_table; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static double ts_sub(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) + (a->tv_nsec - b->tv_nsec) / 1e9;
}

static struct timespec ts_add(struct timespec t, double s)
{
	double whole = floor(s);

	t.tv_sec += (time_t)whole;
	t.tv_nsec += (long)((s - whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static bool scn_bounded(const struct scenario_run *r)
{
	return r->duration_s > 0;
}

double scn_elapsed(const struct scenario_run *r)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ts_sub(&now, &r->start);
}

bool scn_expired(const struct scenario_run *r)
{
	struct timespec now;

	if (!scn_bounded(r))
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return ts_sub(&now, &r->deadline) >= 0;
}

int scn_remaining_ms(const struct scenario_run *r)
{
	struct timespec now;
	double left;

	if (!scn_bounded(r))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	left = ts_sub(&r->deadline, &now);
	return left <= 0 ? 0 : (int)ceil(left * 1000);
}

bool scn_pace(const struct scenario_run *r, uint64_t i)
{
	if (r->rate) {
		struct timespec slot = ts_add(r->start, (double)i / (double)r->rate);

		if (scn_bounded(r) && ts_sub(&slot, &r->deadline) >= 0)
			return false;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &slot, NULL) == EINTR)
			;
	}
	return !scn_expired(r);
}

int scn_set_timeouts(int fd, const struct scenario_run *r)
{
	int ms = scn_remaining_ms(r);
	struct timeval tv;

	if (ms < 0)
		return 0;
	/* a zero timeval means "block forever": keep at least 1 ms */
	if (ms == 0)
		ms = 1;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

int scn_enter(const struct scenario_run *r, int i)
{
	int err = lab_enter(r->lab, i);

	if (err)
		ns_err("cannot enter namespace '%s': %s", r->lab->ns[i],
		       err == -ESTALE ? "it is not the namespace the lab made" : strerror(-err));
	return err;
}

void scn_child_init(pid_t parent)
{
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the parent may have died before prctl: then nobody would kill us */
	if (getppid() != parent)
		_exit(1);
	/*
	 * The caller's handlers (say, record's SIGINT flag) and blocked signals
	 * are no use here: a scenario stops on SIGINT/SIGTERM like any program.
	 */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int scn_report(int fd, uint64_t value)
{
	/* 8 bytes to a pipe are written at once (PIPE_BUF) */
	while (write(fd, &value, sizeof(value)) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* One report from the server: -EPIPE if it exited, -ETIMEDOUT if late. */
static int server_read(struct scn_server *srv, int timeout_ms, uint64_t *value)
{
	struct pollfd pfd = { .fd = srv->fd, .events = POLLIN };
	ssize_t n;
	int ret;

	do
		ret = poll(&pfd, 1, timeout_ms);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	do
		n = read(srv->fd, value, sizeof(*value));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(*value) ? 0 : -EPIPE;
}

int scn_server_start(struct scenario_run *r, struct scn_server *srv, scn_serve_fn serve)
{
	pid_t self = getpid();
	int pipefd[2], err;
	uint64_t ready;

	srv->pid = 0;
	srv->fd = -1;
	if (pipe2(pipefd, O_CLOEXEC)) {
		err = -errno;
		ns_err("cannot start server in namespace '%s': %s", r->lab->ns[1], strerror(-err));
		return err;
	}
	srv->pid = fork();
	if (srv->pid < 0) {
		err = -errno;
		ns_err("cannot start server in namespace '%s': %s", r->lab->ns[1], strerror(-err));
		close(pipefd[0]);
		close(pipefd[1]);
		srv->pid = 0;
		return err;
	}
	if (srv->pid == 0) {
		close(pipefd[0]);
		scn_child_init(self);
		if (scn_bounded(r))
			r->deadline = ts_add(r->deadline, SERVER_LINGER_S);
		err = scn_enter(r, 1);
		if (!err)
			err = serve(r, pipefd[1]);
		_exit(err ? 1 : 0);
	}
	close(pipefd[1]);
	srv->fd = pipefd[0];
	err = server_read(srv, scn_remaining_ms(r), &ready);
	if (err) {
		/* on -EPIPE the server already said why */
		if (err != -EPIPE)
			ns_err("server in namespace '%s' did not start listening: %s",
			       r->lab->ns[1], strerror(-err));
		scn_server_stop(srv);
	}
	return err;
}

int scn_server_result(struct scn_server *srv, const struct scenario_run *r, uint64_t *value)
{
	int ms = scn_remaining_ms(r);
	int err;

	err = server_read(srv, ms < 0 ? -1 : ms + SERVER_GRACE_MS, value);
	if (err && err != -EPIPE)
		ns_err("server in namespace '%s' did not report: %s", r->lab->ns[1],
		       strerror(-err));
	return err;
}

void scn_server_stop(struct scn_server *srv)
{
	if (srv->pid > 0) {
		kill(srv->pid, SIGKILL);
		while (waitpid(srv->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (srv->fd >= 0)
		close(srv->fd);
	srv->pid = 0;
	srv->fd = -1;
}

static char backstop_msg[160];

static void backstop(int sig)
{
	(void)!write(STDERR_FILENO, backstop_msg, strlen(backstop_msg));
	_exit(1);
}

static void __attribute__((noreturn)) scenario_child(struct scenario_run *r, pid_t parent)
{
	int err;

	scn_child_init(parent);
	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->deadline = ts_add(r->start, r->duration_s);
	if (scn_bounded(r)) {
		/*
		 * Every blocking call is bounded by the deadline already; this is
		 * the net under it, should one of them not be.
		 */
		snprintf(backstop_msg, sizeof(backstop_msg),
			 "netscope: error: scenario '%s' did not stop %d s after its deadline\n",
			 r->desc->name, BACKSTOP_GRACE_S);
		signal(SIGALRM, backstop);
		alarm((unsigned int)ceil(r->duration_s) + BACKSTOP_GRACE_S);
	}
	err = r->desc->run(r);
	_exit(err ? 1 : 0);
}

pid_t scenario_start(const struct lab *lab, const struct scenario_opts *opts)
{
	struct scenario_run r = { .lab = lab };
	pid_t parent = getpid(), pid;
	int err;

	if (!opts)
		return -EINVAL;
	if (opts->argv) {
		if (!opts->argv[0]) {
			ns_err("cannot start command: it is empty");
			return -EINVAL;
		}
		r.desc = &command_desc;
	} else {
		r.desc = scenario_find(opts->name);
		if (!r.desc) {
			ns_err("unknown scenario '%s'", opts->name ? opts->name : "");
			return -EINVAL;
		}
	}
	if (!lab || !lab->created) {
		ns_err("cannot start scenario '%s': the lab is not created", r.desc->name);
		return -EINVAL;
	}
	if (!(opts->duration_s >= 0) || isinf(opts->duration_s)) {
		ns_err("invalid duration %g for scenario '%s'", opts->duration_s, r.desc->name);
		return -EINVAL;
	}
	r.argv = opts->argv;
	r.count = opts->count ? opts->count : r.desc->default_count;
	r.rate = opts->rate;
	r.seed = opts->seed;
	r.closed_port = opts->closed_port;
	r.linger_s = opts->linger_s;
	r.bytes = opts->bytes ? opts->bytes : BULK_DEFAULT_BYTES;
	r.port = opts->port ? opts->port : r.desc->default_port;
	/* a command is the user's: it runs as long as it likes unless bounded */
	r.duration_s = opts->duration_s > 0 ? opts->duration_s :
		       opts->argv ? 0 : SCENARIO_DEFAULT_DURATION_S;

	/* what the caller printed must come before what the scenario prints */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		ns_err("cannot start scenario '%s': %s", r.desc->name, strerror(-err));
		return err;
	}
	if (pid == 0)
		scenario_child(&r, parent);
	ns_dbg(1, "scenario '%s': pid %d, count %llu, rate %llu/s, duration %.3f s", r.desc->name,
	       (int)pid, (unsigned long long)r.count, (unsigned long long)r.rate, r.duration_s);
	return pid;
}

int scenario_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* `-- CMD ARGS`: exec in namespace a, under a supervisor that bounds it. */
int scenario_command(struct scenario_run *r)
{
	pid_t self = getpid(), pid;
	bool stopped = false;
	int status, err;
	double kill_at = 0;

	pid = fork();
	if (pid < 0) {
		err = -errno;
		ns_err("cannot run '%s': %s", r->argv[0], strerror(-err));
		return err;
	}
	if (pid == 0) {
		scn_child_init(self);
		if (scn_enter(r, 0))
			_exit(126);
#ifdef CLOSE_RANGE_CLOEXEC
		/* the caller's BPF, ring buffer and trace fds are not the command's */
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
		execvp(r->argv[0], r->argv);
		err = errno;
		ns_err("cannot run '%s': %s", r->argv[0], strerror(err));
		_exit(err == ENOENT ? 127 : 126);
	}
	for (;;) {
		pid_t ret = waitpid(pid, &status, scn_bounded(r) ? WNOHANG : 0);

		if (ret == pid)
			break;
		if (ret < 0 && errno != EINTR) {
			err = -errno;
			ns_err("cannot wait for '%s': %s", r->argv[0], strerror(-err));
			kill(pid, SIGKILL);
			return err;
		}
		if (ret == 0 && scn_expired(r)) {
			/* SIGTERM first, so the command can say goodbye; SIGKILL a second later */
			if (!stopped) {
				kill(pid, SIGTERM);
				stopped = true;
				kill_at = scn_elapsed(r) + 1.0;
			} else if (scn_elapsed(r) >= kill_at) {
				kill(pid, SIGKILL);
			}
		}
		if (ret == 0)
			usleep(10000);
	}
	if (stopped) {
		ns_dbg(1, "'%s' stopped at its duration bound (%.3f s)", r->argv[0], r->duration_s);
		_exit(0);
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}
