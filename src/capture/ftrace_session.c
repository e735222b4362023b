// SPDX-License-Identifier: GPL-2.0
/* The ftrace backend: a private tracefs instance read into the event stream (ftrace_session.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tracefs/tracefs.h>
#include "capture/features.h"
#include "capture/ftrace_session.h"
#include "common/strmap.h"

/*
 * Per-CPU buffer of the instance, in KiB.  The session reads it every
 * poll (100 ms at most), so it holds a flood's burst between two reads:
 * a call of function_graph is two records of 24-40 bytes.
 */
#define FTRACE_BUFFER_KB 8192

/*
 * common_flags of every ftrace record (enum trace_flag_type in the
 * kernel's kernel/trace/trace.h; libtraceevent names only the first few)
 */
#define TRACE_FLAG_HARDIRQ_BIT 0x08
#define TRACE_FLAG_SOFTIRQ_BIT 0x10
#define TRACE_FLAG_NMI_BIT 0x40

struct ftrace_session {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	const char *tracer;		/* "function_graph" or "function" */
	int entry_id, exit_id, func_id;	/* event ids, -1 when absent */
	struct tep_format_field *entry_func, *entry_depth;
	struct tep_format_field *exit_func, *exit_depth, *exit_overrun, *exit_retval;
	struct tep_format_field *fn_ip;
	ftrace_event_fn fn;
	void *ctx;
	bool stopped;
	char note[160];			/* why not function_graph, "" when it is */
	struct ftrace_stats st;
};

static void say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* is word one of the whitespace-separated words of list? */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static int write_inst(struct tracefs_instance *inst, const char *file, const char *val)
{
	return tracefs_instance_file_write(inst, file, val) < 0 ? -(errno ? errno : EIO) : 0;
}

/*
 * name -> its line number in available_filter_functions: ftrace takes the
 * number in set_ftrace_filter (since 5.1, "ftrace: Allow enabling of
 * filters via index of available_filter_functions"), which costs one
 * lookup where a name costs a kallsyms lookup of every patchable function
 * (tens of thousands, per name).  False when the file cannot be read.
 */
static bool filter_indexes(struct ns_strmap *idx)
{
	char *text = tracefs_instance_file_read(NULL, "available_filter_functions", NULL);
	uint32_t line = 0;

	if (!text)
		return false;
	for (char *p = text, *nl; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		bool last = !*nl;

		*nl = '\0';
		line++;
		p[strcspn(p, " \t")] = '\0';
		/* a name twice (static functions of two files): the first one, as a name would */
		if (*p && !ns_strmap_key(idx, p) && !ns_strmap_put(idx, p, line)) {
			free(text);
			return false;
		}
		if (last)
			break;
	}
	free(text);
	return true;
}

/*
 * set_ftrace_filter: every function, one write each so that a refused
 * name (EINVAL) costs only itself.  The kernel applies the list when the
 * file is closed.  An empty filter means every function of the kernel:
 * the caller must stop when none was taken.
 */
static int write_filter(struct ftrace_session *fs, const char *const *funcs, size_t n, char *err,
			size_t errlen)
{
	char *path = tracefs_instance_get_file(fs->inst, "set_ftrace_filter");
	struct ns_strmap idx = { 0 };
	bool by_index = filter_indexes(&idx);
	int fd, first_err = 0;
	char word[256];

	if (!path)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	tracefs_put_tracing_file(path);
	if (fd < 0) {
		int e = -errno;

		say(err, errlen, "cannot open the instance's set_ftrace_filter: %s", strerror(-e));
		ns_strmap_free(&idx);
		return e;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t line;

		/* the space ends the word: without it the kernel's parser would
		 * join it to the next write's */
		if (by_index && ns_strmap_get(&idx, funcs[i], &line))
			snprintf(word, sizeof(word), "%u ", line);
		else
			snprintf(word, sizeof(word), "%s ", funcs[i]);
		if (write(fd, word, strlen(word)) < 0) {
			fs->st.nrefused++;
			if (!first_err)
				first_err = -errno;
			/* denied (EPERM) is denied for every name: say so at once */
			if (errno == EPERM || errno == EACCES)
				break;
		} else {
			fs->st.nfuncs++;
		}
	}
	ns_strmap_free(&idx);
	if (close(fd) && !first_err)
		first_err = -errno;
	if (!fs->st.nfuncs) {
		say(err, errlen, "set_ftrace_filter of the instance took none of the %zu functions: %s",
		    n, strerror(first_err ? -first_err : EINVAL));
		return first_err ? first_err : -EINVAL;
	}
	return 0;
}

/*
 * set_graph_function (--graph-funcs): function_graph starts a graph only in
 * these functions, as the reference experiment's `set_graph_function 'net*'
 * 'skb*' 'ip*' 'sock*'`; set_ftrace_filter still says which functions are
 * recorded, so a root's callees outside the filter stay out.  The kernel
 * takes globs here and refuses a word that matches nothing (EINVAL): each
 * root is written on its own so that the refused one is named.
 */
static int write_graph_roots(struct ftrace_session *fs, const char *const *roots, size_t n,
			     char *err, size_t errlen)
{
	char *path = tracefs_instance_get_file(fs->inst, "set_graph_function");
	char word[256];
	int fd;

	if (!path)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	tracefs_put_tracing_file(path);
	if (fd < 0) {
		int e = -errno;

		/* 6.12 runs function_graph in an instance but keeps its
		 * set_graph_function at the top level, which netscope never touches */
		if (e == -ENOENT) {
			say(err, errlen, "--graph-funcs: this kernel has no set_graph_function in tracefs "
			    "instances (only at the top level, which netscope does not touch)");
			return -EOPNOTSUPP;
		}
		say(err, errlen, "--graph-funcs: cannot open the instance's set_graph_function: %s",
		    strerror(-e));
		return e;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(word, sizeof(word), "%s ", roots[i]);
		if (write(fd, word, strlen(word)) < 0) {
			int e = -errno;

			say(err, errlen, "--graph-funcs: set_graph_function refused '%s': %s%s", roots[i],
			    strerror(-e), e == -EINVAL ? " (no traceable function of that name)" : "");
			close(fd);
			return e;
		}
		fs->st.nroots++;
	}
	if (close(fd)) {
		int e = -errno;

		say(err, errlen, "--graph-funcs: set_graph_function: %s", strerror(-e));
		return e;
	}
	return 0;
}

/* function_graph where the instance offers it, else function (calls only) */
static int choose_tracer(struct ftrace_session *fs, char *err, size_t errlen)
{
	char *avail = tracefs_instance_file_read(fs->inst, "available_tracers", NULL);
	char *top = tracefs_instance_file_read(NULL, "available_tracers", NULL);
	const char *why = NULL;
	int ret = 0;

	if (has_word(avail, "function_graph")) {
		fs->tracer = "function_graph";
	} else if (has_word(avail, "function")) {
		/* Debian's 6.1: function_graph allows no instances (one return
		 * stack user before the fgraph rework of 6.9) */
		fs->tracer = "function";
		why = has_word(top, "function_graph") ?
			      "function_graph is allowed only in the top-level tracefs instance on "
			      "this kernel, which netscope leaves to others" :
			      "this kernel has no function_graph tracer";
	} else {
		say(err, errlen, "the tracefs instance offers neither function_graph nor function "
		    "(available_tracers: %s)", avail ? avail : "unreadable");
		ret = -ENOENT;
	}
	if (why)
		snprintf(fs->note, sizeof(fs->note), "%s", why);
	free(avail);
	free(top);
	return ret;
}

static struct tep_format_field *field(struct tep_handle *tep, int id, const char *name)
{
	struct tep_event *e = id >= 0 ? tep_find_event(tep, id) : NULL;

	return e ? tep_find_field(e, name) : NULL;
}

static int event_id(struct tep_handle *tep, const char *name)
{
	struct tep_event *e = tep_find_event_by_name(tep, "ftrace", name);

	return e ? e->id : -1;
}

/* the formats of the ftrace records (events/ftrace/<name>/format) */
static int load_formats(struct ftrace_session *fs, char *err, size_t errlen)
{
	static const char *const systems[] = { "ftrace", NULL };

	fs->tep = tracefs_local_events_system(NULL, systems);
	if (!fs->tep) {
		say(err, errlen, "cannot read the ftrace record formats (events/ftrace): %s",
		    strerror(errno ? errno : ENOENT));
		return -ENOENT;
	}
	fs->entry_id = event_id(fs->tep, "funcgraph_entry");
	fs->exit_id = event_id(fs->tep, "funcgraph_exit");
	fs->func_id = event_id(fs->tep, "function");
	fs->entry_func = field(fs->tep, fs->entry_id, "func");
	fs->entry_depth = field(fs->tep, fs->entry_id, "depth");
	fs->exit_func = field(fs->tep, fs->exit_id, "func");
	fs->exit_depth = field(fs->tep, fs->exit_id, "depth");
	fs->exit_overrun = field(fs->tep, fs->exit_id, "overrun");
	/* CONFIG_FUNCTION_GRAPH_RETVAL (6.5+) */
	fs->exit_retval = field(fs->tep, fs->exit_id, "retval");
	fs->fn_ip = field(fs->tep, fs->func_id, "ip");
	bool graph = !strcmp(fs->tracer, "function_graph");

	if (graph ? !fs->entry_func || !fs->entry_depth || !fs->exit_func || !fs->exit_depth :
		    !fs->fn_ip) {
		say(err, errlen, "the %s records of this kernel lack the fields netscope reads "
		    "(events/ftrace/%s/format)", fs->tracer, graph ? "funcgraph_*" : "function");
		return -ENOENT;
	}
	return 0;
}

int ftrace_session_open(struct ftrace_session **out, const char *const *funcs, size_t n,
			const char *const *roots, size_t nroots, ftrace_event_fn fn, void *ctx,
			char *err, size_t errlen)
{
	struct ftrace_session *fs;
	char name[64];
	int ret;

	*out = NULL;
	if (!n) {
		say(err, errlen, "no function to trace");
		return -EINVAL;
	}
	if (!tracefs_path()) {
		say(err, errlen, "tracefs is not mounted and cannot be mounted");
		return -ENOENT;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->fn = fn;
	fs->ctx = ctx;
	/* netscope-WHAT-PID: the name the stale-instance cleanup knows */
	snprintf(name, sizeof(name), "netscope-ftrace-%d", getpid());
	fs->inst = tracefs_instance_create(name);
	if (!fs->inst) {
		ret = -(errno ? errno : EIO);
		say(err, errlen, "cannot create the tracefs instance %s: %s", name, strerror(-ret));
		free(fs);
		return ret;
	}
	ret = write_inst(fs->inst, "tracing_on", "0");
	if (ret) {
		say(err, errlen, "cannot stop the new tracefs instance: %s", strerror(-ret));
		goto fail;
	}
	/* the BPF programs' clock: bpf_ktime_get_ns() is CLOCK_MONOTONIC */
	ret = write_inst(fs->inst, "trace_clock", "mono");
	if (ret) {
		say(err, errlen, "cannot set the instance's trace_clock to 'mono' (the capture's "
		    "CLOCK_MONOTONIC): %s", strerror(-ret));
		goto fail;
	}
	/* a full buffer drops the new records (counted) rather than old ones:
	 * a call's return without its entry would nest nothing */
	tracefs_option_disable(fs->inst, TRACEFS_OPTION_OVERWRITE);
	if (tracefs_instance_set_buffer_size(fs->inst, FTRACE_BUFFER_KB, -1) < 0)
		fprintf(stderr, "netscope: ftrace: cannot grow the instance's buffers to %d KiB per "
			"CPU: %s; keeping the default\n", FTRACE_BUFFER_KB, strerror(errno));
	ret = choose_tracer(fs, err, errlen);
	if (ret)
		goto fail;
	ret = write_filter(fs, funcs, n, err, errlen);
	if (ret)
		goto fail;
	if (nroots && strcmp(fs->tracer, "function_graph")) {
		/* the roots mean nothing to the function tracer: refuse, not ignore */
		say(err, errlen, "--graph-funcs needs function_graph, and %s", fs->note);
		ret = -EOPNOTSUPP;
		goto fail;
	}
	if (nroots) {
		ret = write_graph_roots(fs, roots, nroots, err, errlen);
		if (ret)
			goto fail;
	}
	ret = load_formats(fs, err, errlen);
	if (ret)
		goto fail;
	ret = write_inst(fs->inst, "current_tracer", fs->tracer);
	if (ret) {
		say(err, errlen, "the kernel refused the %s tracer in the instance: writing "
		    "current_tracer: %s", fs->tracer, strerror(-ret));
		goto fail;
	}
	ret = write_inst(fs->inst, "tracing_on", "1");
	if (ret) {
		say(err, errlen, "cannot start tracing in the instance: %s", strerror(-ret));
		goto fail;
	}
	*out = fs;
	return 0;
fail:
	ftrace_session_close(fs);
	return ret;
}

/* the execution context from the record's flags */
static uint8_t record_ctx(int flags)
{
	if (flags & TRACE_FLAG_NMI_BIT)
		return NS_CTX_NMI;
	if (flags & TRACE_FLAG_HARDIRQ_BIT)
		return NS_CTX_HARDIRQ;
	if (flags & TRACE_FLAG_SOFTIRQ_BIT)
		return NS_CTX_SOFTIRQ;
	return NS_CTX_TASK;
}

static unsigned long long num(struct tep_format_field *f, struct tep_record *rec)
{
	unsigned long long v = 0;

	if (f)
		tep_read_number_field(f, rec->data, &v);
	return v;
}

static int on_record(struct tep_event *event, struct tep_record *rec, int cpu, void *arg)
{
	struct ftrace_session *fs = arg;
	struct ns_event ev = { .stack_id = -1, .flags = NS_F_FTRACE };
	int pid;

	if (rec->missed_events > 0)
		fs->st.lost += rec->missed_events;
	if (event->id == fs->entry_id) {
		ev.type = NS_EV_FUNC_ENTRY;
		ev.location = num(fs->entry_func, rec);
		ev.reason = num(fs->entry_depth, rec);
		fs->st.entries++;
	} else if (event->id == fs->exit_id) {
		long long ret = (long long)num(fs->exit_retval, rec);

		ev.type = NS_EV_FUNC_EXIT;
		ev.location = num(fs->exit_func, rec);
		ev.reason = num(fs->exit_depth, rec);
		ev.len = num(fs->exit_overrun, rec);
		ev.aux = (int32_t)ret;
		ev.aux2 = (uint32_t)((unsigned long long)ret >> 32);
		if (ev.len > fs->st.max_overrun)
			fs->st.max_overrun = ev.len;
		fs->st.returns++;
	} else if (event->id == fs->func_id) {
		ev.type = NS_EV_FUNC_ENTRY;
		ev.flags |= NS_F_FTRACE_CALLS_ONLY;
		ev.location = num(fs->fn_ip, rec);
		fs->st.entries++;
	} else {
		return 0;
	}
	ev.ts_ns = rec->ts;
	ev.cpu = cpu;
	pid = tep_data_pid(fs->tep, rec);
	/* the record has the thread's id only; its process is not recorded */
	ev.pid = ev.tid = pid > 0 ? (uint32_t)pid : 0;
	ev.ctx = record_ctx(tep_data_flags(fs->tep, rec));
	fs->fn(fs->ctx, &ev);
	return 0;
}

int ftrace_session_poll(struct ftrace_session *fs)
{
	if (!fs || !fs->tep)
		return 0;
	if (tracefs_iterate_raw_events(fs->tep, fs->inst, NULL, 0, on_record, fs) < 0)
		return -(errno ? errno : EIO);
	return 0;
}

/* "dropped events" (non-overwrite mode) and "overrun" of every CPU's stats */
static uint64_t buffer_losses(struct ftrace_session *fs)
{
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t lost = 0;
	char file[64];

	for (long c = 0; c < ncpus; c++) {
		char *text, *p;

		snprintf(file, sizeof(file), "per_cpu/cpu%ld/stats", c);
		text = tracefs_instance_file_read(fs->inst, file, NULL);
		if (!text)
			continue;
		if ((p = strstr(text, "overrun:")))
			lost += strtoull(p + 8, NULL, 10);
		if ((p = strstr(text, "dropped events:")))
			lost += strtoull(p + 15, NULL, 10);
		free(text);
	}
	return lost;
}

void ftrace_session_stop(struct ftrace_session *fs)
{
	if (!fs || fs->stopped)
		return;
	fs->stopped = true;
	write_inst(fs->inst, "tracing_on", "0");
	ftrace_session_poll(fs);
	/* the kernel's count covers what the records' missed counts said */
	uint64_t lost = buffer_losses(fs);

	if (lost > fs->st.lost)
		fs->st.lost = lost;
}

const char *ftrace_session_tracer(const struct ftrace_session *fs)
{
	return fs->tracer;
}

const char *ftrace_session_note(const struct ftrace_session *fs)
{
	return fs->note;
}

const char *ftrace_session_instance(const struct ftrace_session *fs)
{
	return tracefs_instance_get_name(fs->inst);
}

void ftrace_session_stats(const struct ftrace_session *fs, struct ftrace_stats *st)
{
	*st = fs->st;
}

void ftrace_session_close(struct ftrace_session *fs)
{
	if (!fs)
		return;
	if (fs->inst) {
		/* the tracer off first: unpatching is the kernel's work, not rmdir's */
		write_inst(fs->inst, "tracing_on", "0");
		write_inst(fs->inst, "current_tracer", "nop");
		if (tracefs_instance_destroy(fs->inst))
			fprintf(stderr, "netscope: cannot remove the tracefs instance %s: %s (the next "
				"netscope run removes it)\n", tracefs_instance_get_name(fs->inst),
				strerror(errno));
		tracefs_instance_free(fs->inst);
	}
	tep_free(fs->tep);
	free(fs);
}
