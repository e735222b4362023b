// SPDX-License-Identifier: GPL-2.0
/*
 * The parallel indexer, its parent side.
 *
 * Workers are fork()ed processes, not threads: libclang can crash or run
 * out of memory on a unit, and a process that dies costs that unit only
 * (recorded as failed; a new worker takes the next job).  Each worker has
 * its own CXIndex.  The parent hands out jobs one at a time over a pipe per
 * worker (so it always knows which unit a dead worker had), and reads each
 * worker's records back over another pipe in a framed format; it buffers
 * a unit until its end frame and only then writes it to SQLite, so a unit
 * is in the index whole or not at all.
 *
 * The worker process and the claim set through which workers share header
 * functions are in driver_worker.c, the frames in driver_wire.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "common/log.h"
#include "index/driver_priv.h"

/* a worker is replaced after this many units: libclang's caches only grow */
#define UNITS_PER_WORKER 64
/* a unit still parsing after this long is a hung worker */
#define UNIT_TIMEOUT_S 900

/* the parent's view of a worker */
struct worker {
	pid_t pid;
	int job_fd;		/* parent writes job numbers */
	int res_fd;		/* parent reads frames */
	long job;		/* the job it has, -1 when idle */
	unsigned units;		/* done by this process */
	struct timespec started;
	char *buf;		/* frames of the current unit */
	size_t n, cap, parsed;
};

double ixd_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

struct driver {
	struct ix_store *s;
	const struct ix_flags *f;
	const struct ix_job *jobs;
	size_t njobs, next, done;
	struct worker *w;
	int nworkers;
	struct claimset *cs;
	struct ix_run *run;
	bool tty;
	unsigned last_decile;
	double t0;
};

static int spawn(struct driver *d, int wi)
{
	struct worker *w = &d->w[wi];
	int jp[2], rp[2];
	pid_t pid;

	if (pipe2(jp, O_CLOEXEC))
		return -errno;
	if (pipe2(rp, O_CLOEXEC)) {
		int err = -errno;

		close(jp[0]);
		close(jp[1]);
		return err;
	}
	/* a big pipe: the worker goes on while the parent writes SQLite */
	fcntl(rp[1], F_SETPIPE_SZ, 1 << 20);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(jp[0]);
		close(jp[1]);
		close(rp[0]);
		close(rp[1]);
		return err;
	}
	if (!pid) {
		/* the other workers' pipes: holding them would hide those workers' deaths */
		for (int i = 0; i < d->nworkers; i++) {
			if (d->w[i].pid > 0) {
				close(d->w[i].job_fd);
				close(d->w[i].res_fd);
			}
		}
		close(jp[1]);
		close(rp[0]);
		/* only the parent decides on Ctrl-C; a worker whose parent died goes too */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(0);
		ixd_worker_main(jp[0], rp[1], d->f, d->jobs, d->njobs, d->cs);
	}
	close(jp[0]);
	close(rp[1]);
	/* read what is there, never wait in read(): poll() says when */
	fcntl(rp[0], F_SETFL, O_NONBLOCK);
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->job_fd = jp[1];
	w->res_fd = rp[0];
	w->job = -1;
	return 0;
}

/* give w the next job, or let it go when there is none (or it did enough) */
static void assign(struct driver *d, struct worker *w)
{
	uint32_t job;

	if (d->next >= d->njobs || w->units >= UNITS_PER_WORKER || stop_signal) {
		if (w->job_fd >= 0) {
			close(w->job_fd);
			w->job_fd = -1;
		}
		return;
	}
	job = (uint32_t)d->next++;
	w->job = job;
	clock_gettime(CLOCK_MONOTONIC, &w->started);
	/* a dead worker shows as EOF on its result pipe; EPIPE here is that same death */
	if (write(w->job_fd, &job, sizeof(job)) != sizeof(job))
		ns_dbg(1, "index: worker %d did not take a job: %s", (int)w->pid, strerror(errno));
}

static void add_failure(struct ix_run *run, const char *rel, const char *status, const char *err)
{
	struct ix_failure *f;

	if (run->nfailures == run->failures_cap) {
		size_t cap = run->failures_cap ? run->failures_cap * 2 : 16;
		struct ix_failure *v = realloc(run->failures, cap * sizeof(*v));

		if (!v)
			return;
		run->failures = v;
		run->failures_cap = cap;
	}
	f = &run->failures[run->nfailures];
	f->rel = strdup(rel);
	f->status = strdup(status);
	f->first_error = strdup(err ? err : "");
	if (f->rel && f->status && f->first_error)
		run->nfailures++;
}

static void progress(struct driver *d, const char *rel, double secs)
{
	size_t total = d->njobs;

	if (d->tty) {
		fprintf(stderr, "\r\033[K[%zu/%zu] %s %.1f s", d->done, total, rel, secs);
		fflush(stderr);
		return;
	}
	/* total > 0: progress comes only after a unit was done */
	unsigned decile = (unsigned)(d->done * 10 / total);

	if (decile > d->last_decile) {
		d->last_decile = decile;
		fprintf(stderr, "[%zu/%zu] %zu %% (%.0f s)\n", d->done, total, d->done * 100 / total,
			ixd_now() - d->t0);
	}
}

/* write one unit (its frames up to and including F_END at end_at) to the store */
static int write_unit(struct driver *d, struct worker *w, size_t end_at)
{
	const struct ix_sink *k = ix_store_sink(d->s);
	struct ix_unit_result r = {};
	struct ftab ft = {};
	struct unit_end e;
	struct frame fr;
	size_t at = end_at;
	const char *rel;
	int err;

	fr = ixd_frame_at(w->buf, &at);
	ixd_read_end(&fr, &e);
	if (e.job != w->job || e.job >= d->njobs)
		return -EPROTO;
	rel = d->jobs[e.job].rel;
	r.errors = e.errors;
	r.first_error = e.first_error;
	r.seconds = e.seconds;
	/* no AST, or the extractor stopped: nothing of it is kept but the fact */
	r.status = e.failed || (int)e.ret < 0 ? "failed" : e.errors ? "errors" : "ok";
	err = ix_store_unit_begin(d->s, rel);
	for (int pass = 0; pass < 2 && !err && strcmp(r.status, "failed"); pass++) {
		for (size_t off = 0; off < end_at && !err;) {
			fr = ixd_frame_at(w->buf, &off);
			err = ixd_feed(k, &ft, &fr, pass);
		}
	}
	if (!err && !strcmp(r.status, "failed") && (!e.first_error || !e.first_error[0]) &&
	    (int)e.ret < 0)
		r.first_error = strerror(-(int)e.ret);
	if (!strcmp(r.status, "failed")) {
		/* its diagnostics still say why */
		for (size_t off = 0; off < end_at && !err;) {
			fr = ixd_frame_at(w->buf, &off);
			if (fr.type == F_FILE)
				err = ixd_feed(k, &ft, &fr, 0);
			else if (fr.type == F_DIAG)
				err = ixd_feed(k, &ft, &fr, 1);
		}
		ixd_release_claims(d->cs, e.job + 1);
	}
	free(ft.path);
	if (err) {
		ix_store_unit_abort(d->s);
		return err;
	}
	err = ix_store_unit_end(d->s, &r);
	if (err)
		return err;
	if (!strcmp(r.status, "ok")) {
		d->run->ok++;
	} else {
		if (!strcmp(r.status, "errors"))
			d->run->errors++;
		else
			d->run->failed++;
		add_failure(d->run, rel, r.status, ix_store_unit_error(d->s));
	}
	d->done++;
	progress(d, rel, r.seconds);
	return 0;
}

/* frames arrived from w: write every complete unit, hand out the next job */
static int drain(struct driver *d, struct worker *w)
{
	while (w->parsed + FRAME_HDR <= w->n) {
		uint32_t flen;

		memcpy(&flen, w->buf + w->parsed, 4);
		if (flen < FRAME_HDR)
			return -EPROTO;
		if (w->parsed + flen > w->n)
			break;
		if (w->buf[w->parsed + 4] != F_END) {
			w->parsed += flen;
			continue;
		}
		int err = write_unit(d, w, w->parsed);

		if (err)
			return err;
		memmove(w->buf, w->buf + w->parsed + flen, w->n - w->parsed - flen);
		w->n -= w->parsed + flen;
		w->parsed = 0;
		w->units++;
		w->job = -1;
		assign(d, w);
	}
	return 0;
}

static int read_worker(struct driver *d, struct worker *w, bool *eof)
{
	*eof = false;
	for (;;) {
		if (w->cap - w->n < 65536) {
			size_t cap = w->cap ? w->cap * 2 : 1 << 20;
			char *b = realloc(w->buf, cap);

			if (!b)
				return -ENOMEM;
			w->buf = b;
			w->cap = cap;
		}
		ssize_t r = read(w->res_fd, w->buf + w->n, w->cap - w->n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0)
			return -errno;
		if (!r) {
			*eof = true;
			break;
		}
		w->n += r;
		if ((size_t)r < 65536)
			break;
	}
	return drain(d, w);
}

static void describe_death(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "the worker died of signal %d (%s) while parsing it", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "the worker exited with status %d while parsing it",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* w's process is gone: its unit (if it had one) failed; maybe start another */
static int reap(struct driver *d, int wi, bool killed_for_time)
{
	struct worker *w = &d->w[wi];
	int status = 0, err = 0;

	if (w->job_fd >= 0)
		close(w->job_fd);
	close(w->res_fd);
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	if (w->job >= 0 && !stop_signal) {
		struct ix_unit_result r = { .status = "failed" };
		char why[160];

		if (killed_for_time)
			snprintf(why, sizeof(why), "still parsing after %d s: the worker was killed",
				 UNIT_TIMEOUT_S);
		else
			describe_death(status, why, sizeof(why));
		r.first_error = why;
		ixd_release_claims(d->cs, (uint32_t)w->job + 1);
		err = ix_store_unit_begin(d->s, d->jobs[w->job].rel);
		err = err ?: ix_store_unit_end(d->s, &r);
		d->run->failed++;
		d->run->crashed++;
		add_failure(d->run, d->jobs[w->job].rel, "failed", why);
		d->done++;
		progress(d, d->jobs[w->job].rel, 0);
	}
	free(w->buf);
	w->buf = NULL;
	w->job = -1;
	if (err || stop_signal || d->next >= d->njobs)
		return err;
	err = spawn(d, wi);
	if (err) {
		ns_err("cannot start an index worker: %s", strerror(-err));
		return err;
	}
	assign(d, &d->w[wi]);
	return 0;
}

static void kill_workers(struct driver *d)
{
	for (int i = 0; i < d->nworkers; i++)
		if (d->w[i].pid > 0)
			kill(d->w[i].pid, SIGKILL);
	for (int i = 0; i < d->nworkers; i++) {
		struct worker *w = &d->w[i];

		if (w->pid <= 0)
			continue;
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (w->job_fd >= 0)
			close(w->job_fd);
		close(w->res_fd);
		free(w->buf);
		w->pid = 0;
	}
}

static int loop(struct driver *d)
{
	struct pollfd *pfd = calloc(d->nworkers, sizeof(*pfd));
	int err = 0;

	if (!pfd)
		return -ENOMEM;
	while (d->done < d->njobs && !stop_signal && !err) {
		int live = 0;

		for (int i = 0; i < d->nworkers; i++) {
			pfd[i].fd = d->w[i].pid > 0 ? d->w[i].res_fd : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			live += d->w[i].pid > 0;
		}
		if (!live) {
			/* every worker went without finishing the jobs: should not happen */
			err = -ECHILD;
			break;
		}
		if (poll(pfd, d->nworkers, 1000) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		for (int i = 0; i < d->nworkers && !err && !stop_signal; i++) {
			struct worker *w = &d->w[i];
			bool eof = false;

			if (w->pid <= 0)
				continue;
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				err = read_worker(d, w, &eof);
			if (!err && eof)
				err = reap(d, i, false);
			else if (!err && w->job >= 0) {
				struct timespec t;

				clock_gettime(CLOCK_MONOTONIC, &t);
				if (t.tv_sec - w->started.tv_sec > UNIT_TIMEOUT_S) {
					kill(w->pid, SIGKILL);
					err = reap(d, i, true);
				}
			}
		}
	}
	free(pfd);
	return err;
}

int ix_drive(struct ix_store *s, const struct ix_flags *f, const struct ix_job *jobs, size_t n,
	     int nworkers, struct ix_run *run)
{
	struct sigaction sa = { .sa_handler = on_stop }, old_int, old_term, old_pipe;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct driver d = {
		.s = s, .f = f, .jobs = jobs, .njobs = n, .run = run,
		.tty = isatty(STDERR_FILENO), .t0 = ixd_now(),
	};
	int err = 0;

	if (!n)
		return 0;
	if (nworkers < 1)
		nworkers = 1;
	if ((size_t)nworkers > n)
		nworkers = (int)n;
	d.nworkers = nworkers;
	d.cs = mmap(NULL, sizeof(*d.cs), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (d.cs == MAP_FAILED) {
		err = -errno;
		ns_err("cannot map the shared claim set: %s", strerror(-err));
		return err;
	}
	d.w = calloc(nworkers, sizeof(*d.w));
	if (!d.w) {
		munmap(d.cs, sizeof(*d.cs));
		return -ENOMEM;
	}
	/* header functions of units that stay: nobody reports them again */
	err = ix_store_claimed_usrs(s, ixd_preload, d.cs);
	/* the planning (rows of stale units removed) is durable before any worker runs */
	err = err ?: ix_store_commit(s);
	if (err)
		goto out;
	stop_signal = 0;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: poll() returns at once on Ctrl-C */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGPIPE, &ign, &old_pipe);
	for (int i = 0; i < nworkers && !err; i++) {
		err = spawn(&d, i);
		if (err)
			ns_err("cannot start an index worker: %s", strerror(-err));
		else
			assign(&d, &d.w[i]);
	}
	if (!err)
		err = loop(&d);
	if (err && err != -EIO && err != -ENOMEM && err != -ECHILD)
		ns_err("indexing stopped: %s", strerror(-err));
	kill_workers(&d);
	if (d.tty && d.done)
		fprintf(stderr, "\r\033[K");
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	/* every unit written so far is kept, also when stopped */
	if (ix_store_commit(s) && !err)
		err = -EIO;
	if (stop_signal && !err) {
		run->interrupted = true;
		err = -EINTR;
	}
out:
	run->seconds += ixd_now() - d.t0;
	free(d.w);
	munmap(d.cs, sizeof(*d.cs));
	return err;
}

void ix_run_free(struct ix_run *run)
{
	for (size_t i = 0; i < run->nfailures; i++) {
		free(run->failures[i].rel);
		free(run->failures[i].status);
		free(run->failures[i].first_error);
	}
	free(run->failures);
	memset(run, 0, sizeof(*run));
}
