// SPDX-License-Identifier: GPL-2.0
/*
 * The parallel indexer.
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
 * Header inlines (skb_put, sk_fullsock, ...) are defined in every unit
 * that includes their header; one unit should report each.  sink->claim
 * goes to a lock-free hash set of USR hashes in MAP_SHARED memory: the
 * first worker to insert a hash owns the function.  On an incremental run
 * the set starts with the header functions already in the index.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <clang-c/Index.h>
#include "common/log.h"
#include "index/driver.h"
#include "index/extract.h"

/* a worker is replaced after this many units: libclang's caches only grow */
#define UNITS_PER_WORKER 64
/* a unit still parsing after this long is a hung worker */
#define UNIT_TIMEOUT_S 900
/* worker -> parent writes are batched up to this much */
#define WBUF_FLUSH (256 * 1024)

/* ---- the claim set ---- */

#define CLAIM_SLOTS (1u << 21)		/* 2M: 16 MB of keys, touched as used */
#define OWNER_PRELOADED 0xfffffffeu	/* owned by a unit already in the index */
#define OWNER_RELEASED 0xffffffffu	/* its claimer died: the next asker takes it */

struct claimset {
	_Atomic uint64_t keys[CLAIM_SLOTS];
	_Atomic uint32_t owner[CLAIM_SLOTS];	/* job + 1; 0 while being set */
};

static uint64_t usr_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	/* FNV's low bits are weak for short keys: mix (splitmix64's finalizer) */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

/* true when owner takes the function (first asker, or its claimer died) */
static bool claim(struct claimset *cs, uint64_t key, uint32_t owner)
{
	for (uint32_t n = 0, i = key & (CLAIM_SLOTS - 1); n < CLAIM_SLOTS; n++, i = (i + 1) & (CLAIM_SLOTS - 1)) {
		uint64_t k = atomic_load_explicit(&cs->keys[i], memory_order_acquire);

		if (!k) {
			uint64_t zero = 0;

			if (atomic_compare_exchange_strong(&cs->keys[i], &zero, key)) {
				atomic_store(&cs->owner[i], owner);
				return true;
			}
			k = zero;
		}
		if (k != key)
			continue;
		uint32_t o = atomic_load(&cs->owner[i]);

		if (o == owner)
			return true;
		if (o == OWNER_RELEASED)
			return atomic_compare_exchange_strong(&cs->owner[i], &o, owner);
		return false;
	}
	/* full: report it twice rather than never (the store keeps the first) */
	return true;
}

/* a dead worker's claims: its unit is not in the index, another may report them */
static void release_claims(struct claimset *cs, uint32_t owner)
{
	for (uint32_t i = 0; i < CLAIM_SLOTS; i++)
		if (atomic_load_explicit(&cs->owner[i], memory_order_relaxed) == owner)
			atomic_store(&cs->owner[i], OWNER_RELEASED);
}

static int preload(void *ctx, const char *usr)
{
	claim(ctx, usr_hash(usr), OWNER_PRELOADED);
	return 0;
}

/* ---- the wire format ----
 *
 * frame: u32 length of the whole frame, u8 type, fields.  Fields are u32
 * (native order: both ends are this binary on this machine) or strings
 * (u32 length including the NUL, 0 for NULL, then the bytes with the NUL,
 * so the parent reads them in place).  Files are sent once per unit
 * (F_FILE: id, path) and named by id after.
 */
enum {
	F_FILE = 1, F_FUNC, F_CALL, F_ACCESS, F_FNREF, F_DEP, F_DIAG, F_END,
};

struct wbuf {
	int fd;
	char *b;
	size_t n, cap;
	bool broken;
	/* the unit's files: path -> id, a small linear-probe table */
	char **paths;
	uint32_t *ids;
	size_t fcap, nfiles;
	struct claimset *cs;
	uint32_t owner;
};

static void wb_reserve(struct wbuf *w, size_t more)
{
	if (w->n + more <= w->cap)
		return;
	size_t cap = w->cap ? w->cap : 1 << 20;

	while (cap < w->n + more)
		cap *= 2;
	char *b = realloc(w->b, cap);

	if (!b) {
		/* a worker without memory: its unit fails, the parent sees it exit */
		_exit(3);
	}
	w->b = b;
	w->cap = cap;
}

static void wb_u32(struct wbuf *w, uint32_t v)
{
	wb_reserve(w, 4);
	memcpy(w->b + w->n, &v, 4);
	w->n += 4;
}

static void wb_str(struct wbuf *w, const char *s)
{
	size_t len = s ? strlen(s) + 1 : 0;

	wb_u32(w, (uint32_t)len);
	wb_reserve(w, len);
	if (len)
		memcpy(w->b + w->n, s, len);
	w->n += len;
}

static size_t wb_begin(struct wbuf *w, int type)
{
	size_t at = w->n;

	wb_u32(w, 0);
	wb_reserve(w, 1);
	w->b[w->n++] = (char)type;
	return at;
}

static void wb_flush(struct wbuf *w)
{
	size_t off = 0;

	while (off < w->n && !w->broken) {
		ssize_t r = write(w->fd, w->b + off, w->n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			w->broken = true;
			break;
		}
		off += r;
	}
	w->n = 0;
}

static int wb_end(struct wbuf *w, size_t at)
{
	uint32_t len = (uint32_t)(w->n - at);

	memcpy(w->b + at, &len, 4);
	if (w->n >= WBUF_FLUSH)
		wb_flush(w);
	/* the parent is gone: stop the unit */
	return w->broken ? -EPIPE : 0;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* the id of a file for this unit, sending F_FILE the first time */
static uint32_t wb_file(struct wbuf *w, const char *path)
{
	size_t i;

	if (!path)
		return 0;
	if ((w->nfiles + 1) * 2 > w->fcap) {
		size_t cap = w->fcap ? w->fcap * 2 : 256;
		char **paths = calloc(cap, sizeof(*paths));
		uint32_t *ids = calloc(cap, sizeof(*ids));

		if (!paths || !ids)
			_exit(3);
		for (size_t j = 0; j < w->fcap; j++) {
			if (!w->paths[j])
				continue;
			for (i = str_hash(w->paths[j]) & (cap - 1); paths[i]; i = (i + 1) & (cap - 1))
				;
			paths[i] = w->paths[j];
			ids[i] = w->ids[j];
		}
		free(w->paths);
		free(w->ids);
		w->paths = paths;
		w->ids = ids;
		w->fcap = cap;
	}
	for (i = str_hash(path) & (w->fcap - 1); w->paths[i]; i = (i + 1) & (w->fcap - 1))
		if (!strcmp(w->paths[i], path))
			return w->ids[i];
	w->paths[i] = strdup(path);
	if (!w->paths[i])
		_exit(3);
	w->ids[i] = (uint32_t)++w->nfiles;

	size_t at = wb_begin(w, F_FILE);

	wb_u32(w, w->ids[i]);
	wb_str(w, path);
	wb_end(w, at);
	return w->ids[i];
}

static void wb_files_reset(struct wbuf *w)
{
	for (size_t i = 0; i < w->fcap; i++) {
		free(w->paths[i]);
		w->paths[i] = NULL;
	}
	w->nfiles = 0;
}

static int ws_func(void *ctx, const struct ix_func *f)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, f->loc.file);
	size_t at = wb_begin(w, F_FUNC);

	wb_str(w, f->usr);
	wb_str(w, f->name);
	wb_u32(w, file);
	wb_u32(w, f->loc.line);
	wb_u32(w, f->loc.col);
	wb_u32(w, f->end_line);
	wb_u32(w, (f->is_static ? 1 : 0) | (f->is_inline ? 2 : 0) | (f->in_header ? 4 : 0));
	wb_str(w, f->summary);
	return wb_end(w, at);
}

static int ws_call(void *ctx, const struct ix_call *c)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, c->loc.file);
	size_t at = wb_begin(w, F_CALL);

	wb_str(w, c->caller_usr);
	wb_str(w, c->callee_usr);
	wb_str(w, c->callee_name);
	wb_u32(w, c->kind);
	wb_str(w, c->via);
	wb_u32(w, file);
	wb_u32(w, c->loc.line);
	wb_u32(w, c->loc.col);
	return wb_end(w, at);
}

static int ws_access(void *ctx, const struct ix_access *a)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, a->loc.file);
	size_t at = wb_begin(w, F_ACCESS);

	wb_str(w, a->func_usr);
	wb_str(w, a->record);
	wb_str(w, a->member);
	wb_u32(w, a->mode);
	wb_str(w, a->via);
	wb_u32(w, file);
	wb_u32(w, a->loc.line);
	wb_u32(w, a->loc.col);
	return wb_end(w, at);
}

static int ws_fnref(void *ctx, const struct ix_fnref *r)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, r->loc.file);
	size_t at = wb_begin(w, F_FNREF);

	wb_str(w, r->record);
	wb_str(w, r->member);
	wb_str(w, r->func_usr);
	wb_str(w, r->func_name);
	wb_str(w, r->holder);
	wb_u32(w, r->kind);
	wb_u32(w, file);
	wb_u32(w, r->loc.line);
	wb_u32(w, r->loc.col);
	return wb_end(w, at);
}

static int ws_dep(void *ctx, const char *path)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, path);
	size_t at = wb_begin(w, F_DEP);

	wb_u32(w, file);
	return wb_end(w, at);
}

static int ws_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct wbuf *w = ctx;
	uint32_t fid = wb_file(w, file);
	size_t at = wb_begin(w, F_DIAG);

	wb_u32(w, fid);
	wb_u32(w, line);
	wb_str(w, msg);
	return wb_end(w, at);
}

static bool ws_claim(void *ctx, const char *usr)
{
	struct wbuf *w = ctx;

	return claim(w->cs, usr_hash(usr), w->owner);
}

/* ---- the worker ---- */

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

static bool read_full(int fd, void *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = read(fd, (char *)buf + off, n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		off += r;
	}
	return true;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void __attribute__((noreturn)) worker_main(int job_fd, int res_fd, const struct ix_flags *f,
						  const struct ix_job *jobs, size_t njobs,
						  struct claimset *cs)
{
	struct wbuf w = { .fd = res_fd, .cs = cs };
	struct ix_sink sink = {
		.ctx = &w, .func = ws_func, .call = ws_call, .access = ws_access, .fnref = ws_fnref,
		.dep = ws_dep, .diag = ws_diag, .claim = ws_claim,
	};
	CXIndex index = clang_createIndex(0, 0);
	uint32_t job;

	while (read_full(job_fd, &job, sizeof(job))) {
		const char *argv[IX_FLAGS_MAX + 8];
		char extra[4096], path[PATH_MAX * 2];
		struct ix_unit_stats stats = {};
		int argc, ret;

		if (job >= njobs)
			break;
		w.owner = job + 1;
		snprintf(path, sizeof(path), "%s/%s", f->tree, jobs[job].rel);
		argc = ix_flags_for_file(f, jobs[job].rel, jobs[job].modname, argv, IX_FLAGS_MAX + 8,
					 extra, sizeof(extra));
		if (argc < 0) {
			ret = argc;
			stats.failed = true;
			snprintf(stats.first_error, sizeof(stats.first_error), "compiler arguments too long");
		} else {
			double t0 = now_s();

			ret = ix_extract_unit(index, path, argv, argc, &sink, &stats);
			if (!stats.seconds)
				stats.seconds = now_s() - t0;
		}
		if (w.broken)
			break;
		size_t at = wb_begin(&w, F_END);
		uint64_t secs;

		memcpy(&secs, &stats.seconds, sizeof(secs));
		wb_u32(&w, job);
		wb_u32(&w, (uint32_t)ret);
		wb_u32(&w, stats.errors);
		wb_u32(&w, stats.failed);
		wb_u32(&w, (uint32_t)secs);
		wb_u32(&w, (uint32_t)(secs >> 32));
		wb_str(&w, stats.first_error);
		wb_end(&w, at);
		wb_flush(&w);
		wb_files_reset(&w);
		if (w.broken)
			break;
	}
	clang_disposeIndex(index);
	_exit(0);
}

/* ---- the parent ---- */

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
	int fatal;
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
		worker_main(jp[0], rp[1], d->f, d->jobs, d->njobs, d->cs);
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
			now_s() - d->t0);
	}
}

struct frame {
	uint8_t type;
	const char *p, *end;
};

static uint32_t rd_u32(struct frame *fr)
{
	uint32_t v = 0;

	if (fr->p + 4 <= fr->end)
		memcpy(&v, fr->p, 4);
	fr->p += 4;
	return v;
}

static const char *rd_str(struct frame *fr)
{
	uint32_t len = rd_u32(fr);
	const char *s = fr->p;

	if (!len || fr->p + len > fr->end || s[len - 1])
		return NULL;
	fr->p += len;
	return s;
}

/* the unit's file table: id -> path, from its F_FILE frames */
struct ftab {
	const char **path;
	size_t n;
};

static const char *ftab_path(const struct ftab *t, uint32_t id)
{
	return id && id < t->n ? t->path[id] : NULL;
}

/* one frame to the store's sink; pass 0 writes functions, pass 1 the rest */
static int feed(const struct ix_sink *k, struct ftab *ft, struct frame *fr, int pass)
{
	switch (fr->type) {
	case F_FILE: {
		uint32_t id = rd_u32(fr);
		const char *path = rd_str(fr);

		if (pass || !id || id > 1u << 24)
			return 0;
		if (id >= ft->n) {
			size_t n = id * 2;
			const char **v = realloc(ft->path, n * sizeof(*v));

			if (!v)
				return -ENOMEM;
			memset(v + ft->n, 0, (n - ft->n) * sizeof(*v));
			ft->path = v;
			ft->n = n;
		}
		ft->path[id] = path;
		return 0;
	}
	case F_FUNC: {
		struct ix_func f = {};
		uint32_t flags;

		if (pass)
			return 0;
		f.usr = rd_str(fr);
		f.name = rd_str(fr);
		f.loc.file = ftab_path(ft, rd_u32(fr));
		f.loc.line = rd_u32(fr);
		f.loc.col = rd_u32(fr);
		f.end_line = rd_u32(fr);
		flags = rd_u32(fr);
		f.is_static = flags & 1;
		f.is_inline = flags & 2;
		f.in_header = flags & 4;
		f.summary = rd_str(fr);
		if (!f.usr || !f.name)
			return 0;
		return k->func(k->ctx, &f);
	}
	case F_CALL: {
		struct ix_call c = {};

		if (!pass)
			return 0;
		c.caller_usr = rd_str(fr);
		c.callee_usr = rd_str(fr);
		c.callee_name = rd_str(fr);
		c.kind = rd_u32(fr);
		c.via = rd_str(fr);
		c.loc.file = ftab_path(ft, rd_u32(fr));
		c.loc.line = rd_u32(fr);
		c.loc.col = rd_u32(fr);
		if (!c.caller_usr)
			return 0;
		return k->call(k->ctx, &c);
	}
	case F_ACCESS: {
		struct ix_access a = {};

		if (!pass)
			return 0;
		a.func_usr = rd_str(fr);
		a.record = rd_str(fr);
		a.member = rd_str(fr);
		a.mode = rd_u32(fr);
		a.via = rd_str(fr);
		a.loc.file = ftab_path(ft, rd_u32(fr));
		a.loc.line = rd_u32(fr);
		a.loc.col = rd_u32(fr);
		if (!a.record || !a.member)
			return 0;
		return k->access(k->ctx, &a);
	}
	case F_FNREF: {
		struct ix_fnref r = {};

		if (!pass)
			return 0;
		r.record = rd_str(fr);
		r.member = rd_str(fr);
		r.func_usr = rd_str(fr);
		r.func_name = rd_str(fr);
		r.holder = rd_str(fr);
		r.kind = rd_u32(fr);
		r.loc.file = ftab_path(ft, rd_u32(fr));
		r.loc.line = rd_u32(fr);
		r.loc.col = rd_u32(fr);
		if (!r.record || !r.member || !r.func_usr || !r.func_name)
			return 0;
		return k->fnref(k->ctx, &r);
	}
	case F_DEP: {
		const char *path;

		if (!pass)
			return 0;
		path = ftab_path(ft, rd_u32(fr));
		return path ? k->dep(k->ctx, path) : 0;
	}
	case F_DIAG: {
		const char *file, *msg;
		uint32_t line;

		if (!pass)
			return 0;
		file = ftab_path(ft, rd_u32(fr));
		line = rd_u32(fr);
		msg = rd_str(fr);
		return k->diag(k->ctx, file, line, msg ? msg : "");
	}
	}
	return 0;
}

/* write one unit (its frames up to and including F_END at end_at) to the store */
static int write_unit(struct driver *d, struct worker *w, size_t end_at)
{
	const struct ix_sink *k = ix_store_sink(d->s);
	struct ix_unit_result r = {};
	struct ftab ft = {};
	struct frame fr;
	uint32_t job, ret, errors, failed, lo, hi;
	uint64_t secs;
	const char *first, *rel;
	int err;

	uint32_t flen;

	memcpy(&flen, w->buf + end_at, 4);
	fr = (struct frame){ .type = F_END, .p = w->buf + end_at + 5, .end = w->buf + end_at + flen };
	job = rd_u32(&fr);
	ret = rd_u32(&fr);
	errors = rd_u32(&fr);
	failed = rd_u32(&fr);
	lo = rd_u32(&fr);
	hi = rd_u32(&fr);
	first = rd_str(&fr);
	secs = (uint64_t)hi << 32 | lo;
	memcpy(&r.seconds, &secs, sizeof(secs));
	if (job != w->job || job >= d->njobs)
		return -EPROTO;
	rel = d->jobs[job].rel;
	r.errors = errors;
	r.first_error = first;
	/* no AST, or the extractor stopped: nothing of it is kept but the fact */
	r.status = failed || (int)ret < 0 ? "failed" : errors ? "errors" : "ok";
	err = ix_store_unit_begin(d->s, rel);
	for (int pass = 0; pass < 2 && !err && strcmp(r.status, "failed"); pass++) {
		for (size_t off = 0; off < end_at && !err;) {
			memcpy(&flen, w->buf + off, 4);
			fr = (struct frame){ .type = (uint8_t)w->buf[off + 4], .p = w->buf + off + 5,
					     .end = w->buf + off + flen };
			err = feed(k, &ft, &fr, pass);
			off += flen;
		}
	}
	if (!err && !strcmp(r.status, "failed") && (!first || !first[0]) && (int)ret < 0)
		r.first_error = strerror(-(int)ret);
	if (!strcmp(r.status, "failed")) {
		/* its diagnostics still say why */
		for (size_t off = 0; off < end_at && !err;) {
			memcpy(&flen, w->buf + off, 4);
			fr = (struct frame){ .type = (uint8_t)w->buf[off + 4], .p = w->buf + off + 5,
					     .end = w->buf + off + flen };
			if (fr.type == F_FILE)
				err = feed(k, &ft, &fr, 0);
			else if (fr.type == F_DIAG)
				err = feed(k, &ft, &fr, 1);
			off += flen;
		}
		release_claims(d->cs, job + 1);
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
	while (w->parsed + 5 <= w->n) {
		uint32_t flen;

		memcpy(&flen, w->buf + w->parsed, 4);
		if (flen < 5)
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
		release_claims(d->cs, (uint32_t)w->job + 1);
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
		.tty = isatty(STDERR_FILENO), .t0 = now_s(),
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
	err = ix_store_claimed_usrs(s, preload, d.cs);
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
	run->seconds += now_s() - d.t0;
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
