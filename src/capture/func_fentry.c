// SPDX-License-Identifier: GPL-2.0
/*
 * The fentry clones, loaded, linked and closed from a pool of threads
 * (func_fentry.h).
 *
 * Why threads, and how far they can help.  What follows was read in
 * Debian's linux-source-6.12 (6.12.118) and linux-source-6.1 (6.1.192);
 * both kernels of the VM lane have CONFIG_PREEMPTION=y and
 * CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y.
 *
 * - Loading (bpf_prog_load: the verifier, then the JIT) takes no global
 *   lock for a privileged loader: bpf_check() (kernel/bpf/verifier.c)
 *   takes bpf_verifier_lock only `if (!is_priv)`.  Loads on several CPUs
 *   overlap: this is what threads win.
 *
 * - Linking (bpf_raw_tracepoint_open -> bpf_tracing_prog_attach ->
 *   bpf_trampoline_link_prog) holds the function's own tr->mutex, which
 *   other functions do not contend for, then bpf_trampoline_update()
 *   (kernel/bpf/trampoline.c) builds the trampoline and registers it with
 *   ftrace: register_fentry() -> register_ftrace_direct() for a
 *   function's first program, modify_fentry() -> modify_ftrace_direct()
 *   for its second (fexit), which registers and unregisters a temporary
 *   ftrace_ops around the switch (__modify_ftrace_direct(),
 *   kernel/trace/ftrace.c).  All of it under ftrace's direct_mutex, each
 *   ftrace_startup()/ftrace_shutdown() under ftrace_lock, and each walks
 *   every ftrace record of the kernel (tens of thousands: ipmodify and
 *   rec updates, then ftrace_replace_code() twice in
 *   arch/x86/kernel/ftrace.c) before it patches the one call site.  So the
 *   links go one at a time whatever the threads, at a cost that grows with
 *   the kernel's traceable functions, not with ours: three ftrace updates a
 *   function with fexit, one without.
 *
 * - Closing a link releases it at once (bpf_link_release ->
 *   bpf_link_put_direct -> bpf_link_free -> the trampoline's unlink,
 *   kernel/bpf/syscall.c).  The function's first link closed (fentry)
 *   modifies the trampoline as above; its last unregisters it:
 *   unregister_fentry() -> unregister_ftrace_direct(), which holds
 *   direct_mutex around unregister_ftrace_function(), which holds
 *   ftrace_lock around ftrace_shutdown(); the trampoline's ftrace_ops is
 *   kzalloc()ed (bpf_trampoline_lookup()), so FTRACE_OPS_FL_DYNAMIC, and
 *   ftrace_shutdown() then waits synchronize_rcu_tasks_rude() and
 *   synchronize_rcu_tasks() before it returns, both locks held.  Each
 *   flavour's grace-period kthread sleeps gp_sleep = HZ / 10 (100 ms)
 *   after every grace period (rcu_tasks_kthread(), kernel/rcu/tasks.h), so
 *   back-to-back waits cost ~100 ms each, and under the two mutexes no two
 *   closes can share a grace period: detaching N fentry functions takes at
 *   least ~N x 100 ms on these kernels, threads or not.  Threads overlap
 *   only what runs outside the mutexes (the fentry link's release, the
 *   program's free).
 *
 * Races: a thread touches only the slots of its own slice and reads the
 * pool's other fields, which nobody writes while threads run; errno is
 * per thread.  libbpf's bpf_prog_load() may read its global feature cache
 * (prog names): the template's load filled it before any thread starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "capture/func_fentry.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bpf_load_clone(void *ctx, int which, int btf_id)
{
	const struct bpf_program *const *progs = ctx;
	enum bpf_attach_type type = which == FENTRY_EXIT ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type, .attach_btf_id = btf_id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, which == FENTRY_EXIT ? "ns_fexit" : "ns_fentry",
			       "GPL", bpf_program__insns(progs[which]),
			       bpf_program__insn_cnt(progs[which]), &opts);

	return fd < 0 ? -errno : fd;
}

static int bpf_link_clone(void *ctx, int prog_fd)
{
	int fd = bpf_raw_tracepoint_open(NULL, prog_fd);

	return fd < 0 ? -errno : fd;
}

static void close_fd(void *ctx, int fd)
{
	close(fd);
}

void fentry_kernel_bpf(struct fentry_kernel *k, const struct bpf_program *progs[2])
{
	*k = (struct fentry_kernel){ .load = bpf_load_clone, .link = bpf_link_clone,
				     .close = close_fd, .ctx = (void *)progs };
}

int fentry_pool_init(struct fentry_pool *p, size_t n, bool fexit, unsigned func_threads,
		     const struct fentry_kernel *k)
{
	memset(p, 0, sizeof(*p));
	p->slot = calloc(n ? n : 1, sizeof(*p->slot));
	if (!p->slot)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		p->slot[i].link[FENTRY_ENTRY] = p->slot[i].link[FENTRY_EXIT] = -1;
	p->n = n;
	p->fexit = fexit;
	p->threads = ns_parallel_threads(n, func_threads, FUNC_FENTRY_THREADS_CAP);
	p->k = *k;
	return 0;
}

/* one function: fentry, then fexit when asked and fentry worked (as always) */
static void attach_one(void *ctx, size_t i)
{
	const struct fentry_pool *p = ctx;
	struct fentry_slot *s = &p->slot[i];

	for (int w = FENTRY_ENTRY; w <= (p->fexit ? FENTRY_EXIT : FENTRY_ENTRY); w++) {
		double t0 = now_s(), t1;
		int prog = p->k.load(p->k.ctx, w, s->btf_id), link;

		t1 = now_s();
		s->load_s[w] = t1 - t0;
		if (prog < 0) {
			s->err = prog;
			return;
		}
		s->loaded++;
		link = p->k.link(p->k.ctx, prog);
		s->link_s[w] = now_s() - t1;
		/* the link holds the program: one descriptor per function and program */
		p->k.close(p->k.ctx, prog);
		if (link < 0) {
			s->err = link;
			return;
		}
		s->link[w] = link;
	}
}

void fentry_pool_attach(struct fentry_pool *p)
{
	p->attach_ran = ns_parallel_for(p->n, p->threads, attach_one, p);
}

static void detach_one(void *ctx, size_t i)
{
	const struct fentry_pool *p = ctx;
	struct fentry_slot *s = &p->slot[i];

	for (int w = FENTRY_ENTRY; w <= FENTRY_EXIT; w++) {
		double t0;

		if (s->link[w] < 0)
			continue;
		t0 = now_s();
		p->k.close(p->k.ctx, s->link[w]);
		s->close_s[w] = now_s() - t0;
		s->link[w] = -1;
		s->closed++;
	}
}

void fentry_pool_detach(struct fentry_pool *p)
{
	p->detach_ran = ns_parallel_for(p->n, p->threads, detach_one, p);
}

void fentry_pool_attach_times(const struct fentry_pool *p, struct func_fentry_times *out)
{
	double *per = calloc(p->n ? p->n : 1, sizeof(*per));

	memset(out, 0, sizeof(*out));
	out->threads = p->attach_ran;
	for (size_t i = 0; i < p->n; i++) {
		const struct fentry_slot *s = &p->slot[i];

		out->programs += s->loaded;
		for (int w = FENTRY_ENTRY; w <= FENTRY_EXIT; w++) {
			out->load_s += s->load_s[w];
			out->link_s += s->link_s[w];
		}
		if (per)
			per[i] = s->load_s[0] + s->link_s[0] + s->load_s[1] + s->link_s[1];
	}
	if (per)
		ns_durations_summarize(per, p->n, &out->per_func);
	free(per);
}

void fentry_pool_detach_times(const struct fentry_pool *p, struct func_detach_stats *out)
{
	double *per = calloc(p->n ? p->n : 1, sizeof(*per));

	out->threads = p->detach_ran;
	out->functions = 0;
	out->close_entry_s = out->close_exit_s = 0;
	memset(&out->per_func, 0, sizeof(out->per_func));
	for (size_t i = 0; i < p->n; i++) {
		const struct fentry_slot *s = &p->slot[i];

		if (!s->closed)
			continue;
		out->close_entry_s += s->close_s[FENTRY_ENTRY];
		out->close_exit_s += s->close_s[FENTRY_EXIT];
		if (per)
			per[out->functions] = s->close_s[FENTRY_ENTRY] + s->close_s[FENTRY_EXIT];
		out->functions++;
	}
	if (per)
		ns_durations_summarize(per, out->functions, &out->per_func);
	free(per);
}

void fentry_pool_free(struct fentry_pool *p)
{
	free(p->slot);
	p->slot = NULL;
	p->n = 0;
}

void func_attach_print_fentry(const struct func_attach_stats *st)
{
	const struct func_fentry_times *f = &st->fentry;

	if (!f->threads)
		return;
	fprintf(stderr, "netscope: kernel functions: fentry: %zu programs loaded and linked by %u "
		"thread%s: loading %.2f s, linking %.2f s (summed over the threads); a function "
		"%.1f ms median, %.1f ms min, %.1f ms max\n", f->programs, f->threads,
		f->threads == 1 ? "" : "s", f->load_s, f->link_s, f->per_func.median * 1e3,
		f->per_func.min * 1e3, f->per_func.max * 1e3);
}

void func_detach_print_fentry(const struct func_detach_stats *ds)
{
	if (!ds->threads)
		return;
	fprintf(stderr, "netscope: kernel functions: fentry: the links of %zu functions closed by %u "
		"thread%s: fentry links %.2f s, fexit links %.2f s (summed over the threads); a "
		"function %.1f ms median, %.1f ms min, %.1f ms max\n", ds->functions, ds->threads,
		ds->threads == 1 ? "" : "s", ds->close_entry_s, ds->close_exit_s,
		ds->per_func.median * 1e3, ds->per_func.min * 1e3, ds->per_func.max * 1e3);
}
