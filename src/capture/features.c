// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "capture/features.h"
#include "trace/model.h"

#define BPF_FS_MAGIC 0xcafe4a11
#define TRACEFS_MAGIC 0x74726163
/* a probe that attaches needs one traced kernel function to aim at:
 * tcp_v4_rcv is in every kernel with IPv4 and is never inlined (it is the
 * net_protocol handler, called through a pointer) */
#define PROBE_FUNC "tcp_v4_rcv"
#define PROBE_TP_GROUP "skb"
#define PROBE_TP "kfree_skb"

static const char *const feature_names[FEAT__COUNT] = {
	[FEAT_ROOT] = "root",
	[FEAT_CAP_BPF] = "cap_bpf",
	[FEAT_CAP_PERFMON] = "cap_perfmon",
	[FEAT_BTF] = "btf",
	[FEAT_TRACEFS] = "tracefs",
	[FEAT_BPFFS] = "bpffs",
	[FEAT_PROG_TRACEPOINT] = "prog_tracepoint",
	[FEAT_PROG_RAW_TP] = "prog_raw_tp",
	[FEAT_PROG_TP_BTF] = "prog_tp_btf",
	[FEAT_PROG_PERF_EVENT] = "prog_perf_event",
	[FEAT_FENTRY] = "fentry",
	[FEAT_KPROBE] = "kprobe",
	[FEAT_KPROBE_MULTI] = "kprobe_multi",
	[FEAT_FTRACE_FUNCTION] = "ftrace_function",
	[FEAT_FTRACE_FUNCTION_GRAPH] = "ftrace_function_graph",
	[FEAT_PERF_SAMPLING] = "perf_sampling",
	[FEAT_PERF_CALLCHAIN] = "perf_callchain",
};

const char *feature_name(enum feature_id id)
{
	return id < FEAT__COUNT ? feature_names[id] : "?";
}

__attribute__((format(printf, 4, 5)))
static void set(struct features *ft, enum feature_id id, int err, const char *fmt, ...)
{
	struct feature *f = &ft->f[id];
	va_list ap;

	f->probed = true;
	f->ok = err == 0;
	f->err = err;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

int features_bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v < 0 ? -1 : v != 0;
}

const char *tracefs_path(void)
{
	static const char *const paths[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct statfs st;

	for (size_t i = 0; i < 2; i++)
		if (!statfs(paths[i], &st) && st.f_type == TRACEFS_MAGIC)
			return paths[i];
	/* not mounted: mount it where the kernel documents it */
	if (!mount("nodev", paths[0], "tracefs", 0, NULL))
		return paths[0];
	return NULL;
}

static void probe_privileges(struct features *ft)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	bool root = geteuid() == 0;

	set(ft, FEAT_ROOT, root ? 0 : -EPERM, root ? "running as root" : "not running as root (euid %d)",
	    geteuid());
	if (syscall(SYS_capget, &hdr, data)) {
		set(ft, FEAT_CAP_BPF, -errno, "capget: %s", strerror(errno));
		set(ft, FEAT_CAP_PERFMON, -errno, "capget: %s", strerror(errno));
		return;
	}
	/* CAP_BPF (39) and CAP_PERFMON (38) live in the second word (5.8+) */
	bool bpf = data[1].effective & (1u << (39 - 32));
	bool perfmon = data[1].effective & (1u << (38 - 32));
	bool sysadmin = data[0].effective & (1u << 21);

	set(ft, FEAT_CAP_BPF, bpf || sysadmin ? 0 : -EPERM, "%s",
	    bpf ? "CAP_BPF in the effective set" : sysadmin ? "CAP_SYS_ADMIN (implies CAP_BPF)" : "missing CAP_BPF");
	set(ft, FEAT_CAP_PERFMON, perfmon || sysadmin ? 0 : -EPERM, "%s",
	    perfmon ? "CAP_PERFMON in the effective set" :
	    sysadmin ? "CAP_SYS_ADMIN (implies CAP_PERFMON)" : "missing CAP_PERFMON");
}

static struct btf *probe_btf(struct features *ft)
{
	struct btf *btf = btf__load_vmlinux_btf();

	if (!btf) {
		int err = -errno;

		/* libbpf says ESRCH when no file it knows holds vmlinux BTF */
		if (access("/sys/kernel/btf/vmlinux", R_OK))
			set(ft, FEAT_BTF, err, "no /sys/kernel/btf/vmlinux (kernel built without "
			    "CONFIG_DEBUG_INFO_BTF?)");
		else
			set(ft, FEAT_BTF, err, "cannot load /sys/kernel/btf/vmlinux: %s", strerror(-err));
		return NULL;
	}
	set(ft, FEAT_BTF, 0, "/sys/kernel/btf/vmlinux, %u types", btf__type_cnt(btf));
	return btf;
}

static void probe_fs(struct features *ft)
{
	const char *tr = tracefs_path();
	struct statfs st;

	if (tr) {
		snprintf(ft->tracefs, sizeof(ft->tracefs), "%s", tr);
		set(ft, FEAT_TRACEFS, 0, "mounted at %s", tr);
	} else {
		set(ft, FEAT_TRACEFS, -errno, "cannot mount tracefs: %s", strerror(errno));
	}
	if (!statfs("/sys/fs/bpf", &st) && st.f_type == BPF_FS_MAGIC)
		set(ft, FEAT_BPFFS, 0, "mounted at /sys/fs/bpf");
	else
		set(ft, FEAT_BPFFS, -ENOENT, "not mounted at /sys/fs/bpf (netscope does not need it)");
}

/* argument count of the tracepoint's BTF prototype, btf_trace_<name> */
static int tp_btf_nargs(const struct btf *btf, const char *name)
{
	char tname[128];
	const struct btf_type *t;
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type); /* pointer */
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type); /* func proto */
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1; /* the first argument is the tracepoint's void *__data */
}

static void probe_one_tracepoint(struct features *ft, const struct btf *btf,
				 struct tracepoint_status *tp, const char *group, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events/%s/%s", ft->tracefs, group, name);
	tp->in_tracefs = ft->tracefs[0] && access(path, F_OK) == 0;
	tp->nargs = btf ? tp_btf_nargs(btf, name) : -1;
	tp->in_btf = tp->nargs >= 0;
}

/*
 * The irq_vectors tracepoints are x86's (arch/x86/include/asm/trace/
 * irq_vectors.h), and which of them exist depends on the configuration
 * (thermal, MCE threshold, ...): each pair netscope has a program for is
 * looked up; the event type is there when one pair is (an entry without
 * its exit would leave the hardirq depth raised).
 */
static void probe_irq_vectors(struct features *ft, const struct btf *btf, int exit)
{
	struct tracepoint_status *any = &ft->tp[exit ? NS_EV_IRQ_VECTOR_EXIT : NS_EV_IRQ_VECTOR_ENTRY];
	char name[64];

	*any = (struct tracepoint_status){ .nargs = -1 };
	for (unsigned int w = 1; w < NS_IRQV__COUNT; w++) {
		struct tracepoint_status *tp = &ft->irq_vectors[w][exit];

		snprintf(name, sizeof(name), "%s_%s", ns_irq_vector_name(w), exit ? "exit" : "entry");
		probe_one_tracepoint(ft, btf, tp, "irq_vectors", name);
		any->in_tracefs |= tp->in_tracefs;
		any->in_btf |= tp->in_btf;
		if (tp->nargs > any->nargs)
			any->nargs = tp->nargs;
	}
}

static void probe_tracepoints(struct features *ft, const struct btf *btf)
{
	for (int i = 1; i < NS_EV__COUNT; i++) {
		struct tracepoint_status *tp = &ft->tp[i];

		if (i == NS_EV_CPU_SAMPLE || !ns_event_known(i) || ns_event_is_func(i)) {
			/* a perf event (FEAT_PERF_SAMPLING says) or a kernel function
			 * (FEAT_FENTRY, FEAT_KPROBE_MULTI), not a tracepoint */
			tp->nargs = -1;
			continue;
		}
		if (i == NS_EV_SYSCALL) {
			/* two tracepoints; the event is there when both are */
			struct tracepoint_status ex = {};

			probe_one_tracepoint(ft, btf, tp, "raw_syscalls", "sys_enter");
			probe_one_tracepoint(ft, btf, &ex, "raw_syscalls", "sys_exit");
			tp->in_tracefs &= ex.in_tracefs;
			tp->in_btf &= ex.in_btf;
			if (ex.nargs < tp->nargs)
				tp->nargs = ex.nargs;
			continue;
		}
		if (i == NS_EV_IRQ_VECTOR_ENTRY || i == NS_EV_IRQ_VECTOR_EXIT) {
			probe_irq_vectors(ft, btf, i == NS_EV_IRQ_VECTOR_EXIT);
			continue;
		}
		if (i == NS_EV_KMEM_ALLOC || i == NS_EV_KMEM_FREE) {
			/* two tracepoints each: slab caches and kmalloc */
			struct tracepoint_status ex = {};
			bool alloc = i == NS_EV_KMEM_ALLOC;

			probe_one_tracepoint(ft, btf, tp, "kmem", alloc ? "kmem_cache_alloc" : "kmem_cache_free");
			probe_one_tracepoint(ft, btf, &ex, "kmem", alloc ? "kmalloc" : "kfree");
			tp->in_tracefs &= ex.in_tracefs;
			tp->in_btf &= ex.in_btf;
			if (ex.nargs < tp->nargs)
				tp->nargs = ex.nargs;
			continue;
		}
		if (!strcmp(ns_event_name(i), "unknown"))
			continue; /* a number this build does not use */
		probe_one_tracepoint(ft, btf, tp, ns_event_group(i), ns_event_name(i));
	}
}

/* A program that returns 0: enough to exercise load and attach. */
static int load_ret0(enum bpf_prog_type type, enum bpf_attach_type eat, int btf_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = eat, .attach_btf_id = btf_id);
	int fd = bpf_prog_load(type, "ns_probe", "GPL", insns, 2, &opts);

	return fd < 0 ? -errno : fd;
}

static int perf_open(struct perf_event_attr *attr)
{
	int fd = syscall(SYS_perf_event_open, attr, -1 /* any task */, 0 /* cpu 0 */, -1,
			 PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int read_int_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", &v) != 1)
		v = -EINVAL;
	fclose(f);
	return v;
}

/* load, then attach to a perf event (tracepoint or kprobe PMU) */
static int try_perf_attach(enum bpf_prog_type type, struct perf_event_attr *attr, const char **step)
{
	int prog, pfd, err = 0;

	*step = "load";
	prog = load_ret0(type, 0, 0);
	if (prog < 0)
		return prog;
	*step = "perf_event_open";
	pfd = perf_open(attr);
	if (pfd < 0) {
		close(prog);
		return pfd;
	}
	*step = "attach";
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog))
		err = -errno;
	close(pfd);
	close(prog);
	return err;
}

static void report_try(struct features *ft, enum feature_id id, int err, const char *step,
		       const char *what)
{
	if (err)
		set(ft, id, err, "%s failed: %s", step, strerror(-err));
	else
		set(ft, id, 0, "loaded and attached (%s)", what);
}

static void probe_prog_tracepoint(struct features *ft)
{
	char path[256];
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
					.sample_period = 1, .wakeup_events = 1 };
	const char *step = "read tracepoint id";
	int id, err;

	snprintf(path, sizeof(path), "%s/events/%s/%s/id", ft->tracefs, PROBE_TP_GROUP, PROBE_TP);
	id = read_int_file(path);
	if (id < 0) {
		set(ft, FEAT_PROG_TRACEPOINT, id, "cannot read %s: %s", path, strerror(-id));
		return;
	}
	attr.config = id;
	err = try_perf_attach(BPF_PROG_TYPE_TRACEPOINT, &attr, &step);
	report_try(ft, FEAT_PROG_TRACEPOINT, err, step, PROBE_TP_GROUP "/" PROBE_TP);
}

/* Load a returning-0 program, attach it with attach(), drop both; *step
 * names what failed.  attach returns a link fd or -errno. */
static int try_link(enum bpf_prog_type type, enum bpf_attach_type eat, int btf_id,
		    int (*attach)(int prog, const void *arg), const void *arg, const char **step)
{
	int prog, link;

	*step = "load";
	prog = load_ret0(type, eat, btf_id);
	if (prog < 0)
		return prog;
	*step = "attach";
	link = attach(prog, arg);
	if (link >= 0)
		close(link);
	close(prog);
	return link < 0 ? link : 0;
}

static int attach_raw_tp(int prog, const void *name)
{
	int fd = bpf_raw_tracepoint_open(name, prog);

	return fd < 0 ? -errno : fd;
}

static int attach_kprobe_multi(int prog, const void *sym)
{
	const char *syms[] = { sym };
	LIBBPF_OPTS(bpf_link_create_opts, opts, .kprobe_multi.syms = syms, .kprobe_multi.cnt = 1);
	int fd = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &opts);

	return fd < 0 ? -errno : fd;
}

static void probe_raw_tp(struct features *ft)
{
	const char *step;
	int err = try_link(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, attach_raw_tp, PROBE_TP, &step);

	report_try(ft, FEAT_PROG_RAW_TP, err, step, PROBE_TP);
}

/* BPF_PROG_TYPE_TRACING: tp_btf (BPF_TRACE_RAW_TP) and fentry (BPF_TRACE_FENTRY) */
static void probe_tracing(struct features *ft, const struct btf *btf, enum feature_id id,
			  enum bpf_attach_type eat, const char *target, int kind)
{
	const char *step;
	int btf_id, err;

	if (!btf) {
		set(ft, id, -ENOENT, "needs kernel BTF");
		return;
	}
	btf_id = btf__find_by_name_kind(btf, target, kind);
	if (btf_id < 0) {
		set(ft, id, -ENOENT, "%s not in BTF", target);
		return;
	}
	/* tracing programs attach through raw_tracepoint_open with no name */
	err = try_link(BPF_PROG_TYPE_TRACING, eat, btf_id, attach_raw_tp, NULL, &step);
	report_try(ft, id, err, step, target);
}

static void probe_kprobe(struct features *ft)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .sample_period = 1, .wakeup_events = 1 };
	const char *step = "find kprobe PMU";
	int type = read_int_file("/sys/bus/event_source/devices/kprobe/type"), err;

	if (type < 0) {
		set(ft, FEAT_KPROBE, type, "no kprobe PMU (/sys/bus/event_source/devices/kprobe): %s",
		    strerror(-type));
		return;
	}
	attr.type = type;
	attr.config1 = (__u64)(unsigned long)PROBE_FUNC; /* kprobe_func */
	err = try_perf_attach(BPF_PROG_TYPE_KPROBE, &attr, &step);
	report_try(ft, FEAT_KPROBE, err, step, PROBE_FUNC);
}

static void probe_kprobe_multi(struct features *ft)
{
	const char *step;
	int err = try_link(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, attach_kprobe_multi,
			   PROBE_FUNC, &step);

	report_try(ft, FEAT_KPROBE_MULTI, err, step, PROBE_FUNC);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* the pid that ends an instance name "netscope-WHAT-PID", 0 for another name */
static pid_t instance_pid(const char *name)
{
	const char *dash = strrchr(name, '-');
	char *end;
	long pid;

	if (strncmp(name, "netscope-", 9) || !dash || dash[1] < '0' || dash[1] > '9')
		return 0;
	errno = 0;
	pid = strtol(dash + 1, &end, 10);
	return errno || *end || pid <= 0 || pid > INT32_MAX ? 0 : (pid_t)pid;
}

/* Remove the instances (netscope-WHAT-PID) of netscope processes that are gone. */
static int remove_stale_instances(const char *tracefs)
{
	char path[512];
	struct dirent *de;
	int removed = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", tracefs);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pid = instance_pid(de->d_name);

		/* EPERM means the process lives (as another user): keep its instance */
		if (!pid || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s", tracefs, de->d_name);
		if (!rmdir(path))
			removed++;
	}
	closedir(d);
	return removed;
}

int tracefs_remove_stale_instances(void)
{
	static const char *const paths[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct statfs st;
	int removed = 0;

	/* where tracefs is not mounted no instance was made: never mount it for this */
	for (size_t i = 0; i < 2; i++)
		if (!statfs(paths[i], &st) && st.f_type == TRACEFS_MAGIC)
			removed += remove_stale_instances(paths[i]);
	return removed;
}

/* the first line of DIR/available_tracers, "" when unreadable */
static void read_tracers(const char *dir, char *buf, size_t len)
{
	char path[320];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/available_tracers", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	fclose(f);
}

/* is WORD one of the space-separated words of LIST? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * The function tracers are tried in a private tracefs instance (never the
 * top-level one, which another user may be using) that is removed at once.
 */
static void probe_ftrace(struct features *ft)
{
	static const struct { enum feature_id id; const char *tracer; } tracers[] = {
		{ FEAT_FTRACE_FUNCTION, "function" },
		{ FEAT_FTRACE_FUNCTION_GRAPH, "function_graph" },
	};
	char inst[256], path[320];

	if (!ft->tracefs[0]) {
		for (size_t i = 0; i < 2; i++)
			set(ft, tracers[i].id, -ENOENT, "needs tracefs");
		return;
	}
	remove_stale_instances(ft->tracefs);
	snprintf(inst, sizeof(inst), "%s/instances/netscope-probe-%d", ft->tracefs, getpid());
	if (mkdir(inst, 0700) && errno != EEXIST) {
		int err = -errno;

		for (size_t i = 0; i < 2; i++)
			set(ft, tracers[i].id, err, "cannot create tracefs instance: %s", strerror(-err));
		return;
	}
	/*
	 * The instance's own list: a tracer that does not allow instances
	 * (function_graph before the fgraph rework for several users; Debian's
	 * 6.1 is such a kernel) is in the top-level list only, and writing it
	 * to the instance's current_tracer fails with EINVAL.
	 */
	char avail[512], top_avail[512];

	read_tracers(inst, avail, sizeof(avail));
	read_tracers(ft->tracefs, top_avail, sizeof(top_avail));
	for (size_t i = 0; i < 2; i++) {
		int err;

		if (!has_word(avail, tracers[i].tracer)) {
			if (has_word(top_avail, tracers[i].tracer))
				set(ft, tracers[i].id, -EINVAL, "'%s' is allowed only in the top-level "
				    "tracefs instance on this kernel, which netscope leaves to others",
				    tracers[i].tracer);
			else
				set(ft, tracers[i].id, -ENOENT, "'%s' is not in available_tracers",
				    tracers[i].tracer);
			continue;
		}
		snprintf(path, sizeof(path), "%s/current_tracer", inst);
		err = write_file(path, tracers[i].tracer);
		if (err)
			set(ft, tracers[i].id, err, "writing '%s' to current_tracer: %s",
			    tracers[i].tracer, strerror(-err));
		else
			set(ft, tracers[i].id, 0, "enabled in a private instance");
		write_file(path, "nop");
	}
	if (rmdir(inst))
		set(ft, FEAT_FTRACE_FUNCTION, ft->f[FEAT_FTRACE_FUNCTION].err,
		    "%s (and the probe instance could not be removed: %s)",
		    ft->f[FEAT_FTRACE_FUNCTION].detail, strerror(errno));
}

static void probe_perf(struct features *ft)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr), .config = PERF_COUNT_SW_CPU_CLOCK,
		.freq = 1, .sample_freq = 99, .sample_type = PERF_SAMPLE_IP,
	};
	const char *step = "load";
	int fd, err;

	fd = perf_open(&attr);
	if (fd < 0)
		set(ft, FEAT_PERF_SAMPLING, fd, "perf_event_open(cpu-clock): %s", strerror(-fd));
	else {
		set(ft, FEAT_PERF_SAMPLING, 0, "cpu-clock sampling on cpu 0");
		close(fd);
	}
	attr.sample_type |= PERF_SAMPLE_CALLCHAIN;
	attr.exclude_callchain_user = 1;
	fd = perf_open(&attr);
	if (fd < 0)
		set(ft, FEAT_PERF_CALLCHAIN, fd, "perf_event_open with kernel callchains: %s",
		    strerror(-fd));
	else {
		set(ft, FEAT_PERF_CALLCHAIN, 0, "kernel callchains");
		close(fd);
	}
	attr.sample_type = PERF_SAMPLE_IP;
	attr.exclude_callchain_user = 0;
	err = try_perf_attach(BPF_PROG_TYPE_PERF_EVENT, &attr, &step);
	report_try(ft, FEAT_PROG_PERF_EVENT, err, step, "cpu-clock");
}

/*
 * x86-64's irq stack is THREAD_SIZE (IRQ_STACK_SIZE, arch/x86/include/asm/
 * page_64_types.h), the size of a task's stack; other architectures leave
 * it 0 (the context is then told by the softirq tracepoints).  A
 * PREEMPT_RT kernel runs softirqs in threads: /sys/kernel/realtime says 1.
 */
static void probe_task_stack(struct features *ft, const struct btf *btf)
{
#if defined(__x86_64__)
	int id = btf ? btf__find_by_name_kind(btf, "irq_stack", BTF_KIND_STRUCT) : -1;
	__s64 size = id > 0 ? btf__resolve_size(btf, id) : 0;

	ft->task_stack_size = size > 0 ? (unsigned int)size : 0;
#endif
	FILE *f = fopen("/sys/kernel/realtime", "r");

	if (f) {
		ft->preempt_rt = fgetc(f) == '1';
		fclose(f);
	}
}

void features_probe_capture(struct features *ft)
{
	struct btf *btf;

	memset(ft, 0, sizeof(*ft));
	probe_privileges(ft);
	btf = probe_btf(ft);
	probe_fs(ft);
	probe_tracepoints(ft, btf);
	probe_raw_tp(ft);
	probe_tracing(ft, btf, FEAT_PROG_TP_BTF, BPF_TRACE_RAW_TP, "btf_trace_" PROBE_TP,
		      BTF_KIND_TYPEDEF);
	ft->kfunc_rdonly_cast =
		btf && btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
	probe_task_stack(ft, btf);
	btf__free(btf);
}

void features_probe_sampling(struct features *ft)
{
	if (!ft->f[FEAT_PROG_PERF_EVENT].probed)
		probe_perf(ft);
}

void features_probe_funcs(struct features *ft)
{
	struct btf *btf = btf__load_vmlinux_btf();

	probe_tracing(ft, btf, FEAT_FENTRY, BPF_TRACE_FENTRY, PROBE_FUNC, BTF_KIND_FUNC);
	probe_kprobe_multi(ft);
	probe_kprobe(ft);
	btf__free(btf);
}

void features_probe_all(struct features *ft)
{
	struct btf *btf;

	features_probe_capture(ft);
	btf = btf__load_vmlinux_btf();
	probe_prog_tracepoint(ft);
	probe_tracing(ft, btf, FEAT_FENTRY, BPF_TRACE_FENTRY, PROBE_FUNC, BTF_KIND_FUNC);
	probe_kprobe(ft);
	probe_kprobe_multi(ft);
	probe_ftrace(ft);
	probe_perf(ft);
	btf__free(btf);
}
