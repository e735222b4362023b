// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "capture/filter.h"
#include "capture/kmem.h"
#include "capture/func_attach.h"
#include "capture/funcs.h"
#include "cmd/args.h"
#include "cmd/capture_run.h"
#include "common/log.h"
#include "common/parse.h"
#include "capture/sampling.h"
#include "trace/syscalls.h"
#include "trace/snmp.h"
#include "workload/netstat.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void run_request_stop(void)
{
	stop_signal = SIGPIPE;
}

enum {
	OPT_SCENARIO = 1000, OPT_COUNT, OPT_RATE, OPT_DURATION, OPT_BYTES, OPT_NETNS, OPT_HOST,
	OPT_PORT, OPT_PROTO, OPT_IFNAME, OPT_PID, OPT_EVENTS, OPT_STACKS, OPT_SAMPLE, OPT_RING,
	OPT_SOFTIRQ, OPT_RAW_TP, OPT_SEED, OPT_CLOSED_PORT, OPT_SAMPLE_FREQ, OPT_LINGER,
	OPT_METHOD, OPT_FUNCS, OPT_FUNCS_FILE, OPT_GRAPH_FUNCS, OPT_FUNC_BACKEND, OPT_DEVICES,
	OPT_FUNC_THREADS, OPT_NO_FEXIT,
};

static const struct option common_opts[] = {
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "bytes", required_argument, NULL, OPT_BYTES },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "closed-port", required_argument, NULL, OPT_CLOSED_PORT },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "proto", required_argument, NULL, OPT_PROTO },
	{ "ifname", required_argument, NULL, OPT_IFNAME },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "stack-policy", required_argument, NULL, OPT_STACKS },
	{ "stack-interval", required_argument, NULL, OPT_SAMPLE },
	{ "ring-size", required_argument, NULL, OPT_RING },
	{ "softirq", required_argument, NULL, OPT_SOFTIRQ },
	{ "raw-tp", no_argument, NULL, OPT_RAW_TP },
	{ "sample-freq", required_argument, NULL, OPT_SAMPLE_FREQ },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "funcs", required_argument, NULL, OPT_FUNCS },
	{ "funcs-file", required_argument, NULL, OPT_FUNCS_FILE },
	{ "graph-funcs", required_argument, NULL, OPT_GRAPH_FUNCS },
	{ "func-backend", required_argument, NULL, OPT_FUNC_BACKEND },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "func-threads", required_argument, NULL, OPT_FUNC_THREADS },
	{ "no-fexit", no_argument, NULL, OPT_NO_FEXIT },
};

/* --devices A,B: two device names, one for each namespace of the lab */
static int parse_devices(struct run_opts *ro, const char *arg)
{
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : 0;

	if (!comma || strchr(comma + 1, ',') || !len || !comma[1] ||
	    len >= sizeof(ro->device_names[0]) || strlen(comma + 1) >= sizeof(ro->device_names[1])) {
		ns_err("bad --devices '%s': expected two device names, DEV_A,DEV_B (at most %zu "
		       "characters each)", arg, sizeof(ro->device_names[0]) - 1);
		return -EINVAL;
	}
	memcpy(ro->device_names[0], arg, len);
	ro->device_names[0][len] = '\0';
	snprintf(ro->device_names[1], sizeof(ro->device_names[1]), "%s", comma + 1);
	ro->devices[0] = ro->device_names[0];
	ro->devices[1] = ro->device_names[1];
	ro->have_devices = true;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v <= 0 || v > 86400)
		return -EINVAL;
	*out = v;
	return 0;
}

static int common_opt(struct run_opts *ro, int c, const char *arg)
{
	struct capture_filter *f = &ro->cap.filter;
	char err[256] = "";
	uint64_t v;
	int all = 0, r = 0;

	switch (c) {
	case OPT_SCENARIO:
		if (!scenario_find(arg)) {
			char names[256] = "";

			for (const struct scenario_desc *d = scenario_table; d->name; d++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
					 names[0] ? ", " : "", d->name);
			ns_err("unknown scenario '%s'; known: %s", arg, names);
			return -EINVAL;
		}
		ro->sc.name = arg;
		ro->have_scenario = true;
		return 0;
	case OPT_COUNT:
		if (ns_parse_size(arg, &v) || !v)
			goto bad_number;
		ro->sc.count = v;
		return 0;
	case OPT_RATE:
		if (ns_parse_size(arg, &v) || !v)
			goto bad_number;
		ro->sc.rate = v;
		return 0;
	case OPT_BYTES:
		if (ns_parse_size(arg, &v) || !v)
			goto bad_number;
		ro->sc.bytes = v;
		return 0;
	case OPT_LINGER:
		if (parse_seconds(arg, &ro->sc.linger_s) || ro->sc.linger_s > 60) {
			ns_err("bad --linger '%s': expected seconds, more than 0 and at most 60", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_CLOSED_PORT:
		if (ns_parse_size(arg, &v) || !v || v > 65535) {
			ns_err("bad --closed-port '%s': expected a port, 1 to 65535", arg);
			return -EINVAL;
		}
		ro->sc.closed_port = (uint16_t)v;
		return 0;
	case OPT_SEED:
		if (ns_parse_size(arg, &v) || !v)
			goto bad_number;
		ro->sc.seed = v;
		return 0;
	case OPT_DURATION:
		if (parse_seconds(arg, &ro->duration_s)) {
			ns_err("bad --duration '%s': expected seconds, more than 0 and at most 86400", arg);
			return -EINVAL;
		}
		ro->sc.duration_s = ro->duration_s;
		return 0;
	case OPT_NETNS:
		all = ro->netns_all;
		r = filter_parse_netns(f, arg, &all, err, sizeof(err));
		if (all)
			ro->netns_all = true;
		break;
	case OPT_HOST: r = filter_parse_host(f, arg, err, sizeof(err)); break;
	case OPT_PORT: r = filter_parse_port(f, arg, err, sizeof(err)); break;
	case OPT_PROTO: r = filter_parse_proto(f, arg, err, sizeof(err)); break;
	case OPT_IFNAME: r = filter_parse_ifname(f, arg, err, sizeof(err)); break;
	case OPT_PID: r = filter_parse_pid(f, arg, err, sizeof(err)); break;
	case OPT_EVENTS: r = events_parse(arg, &ro->cap.events, err, sizeof(err)); break;
	case OPT_STACKS:
		if (!strcmp(arg, "none"))
			ro->cap.stack_mode = NS_STACK_NONE;
		else if (!strcmp(arg, "sampled"))
			ro->cap.stack_mode = NS_STACK_POLICY;
		else if (!strcmp(arg, "all"))
			ro->cap.stack_mode = NS_STACK_ALL;
		else {
			ns_err("bad --stack-policy '%s': expected none, sampled or all", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_SAMPLE: {
		double ms;

		if (parse_seconds(arg, &ms) || ms > 60000) {
			ns_err("bad --stack-interval '%s': expected milliseconds, more than 0", arg);
			return -EINVAL;
		}
		ro->cap.stack_interval_ns = ms * 1e6;
		return 0;
	}
	case OPT_RING:
		if (ns_parse_size(arg, &v) || v < 4096 || v > (1u << 30) || (v & (v - 1))) {
			ns_err("bad --ring-size '%s': expected a power of two from 4K to 1G", arg);
			return -EINVAL;
		}
		ro->cap.ring_size = v;
		return 0;
	case OPT_SOFTIRQ:
		if (!strcmp(arg, "all"))
			ro->cap.softirq_mask = ~0u;
		else if (!strcmp(arg, "net"))
			ro->cap.softirq_mask = (1u << 2) | (1u << 3);
		else {
			ns_err("bad --softirq '%s': expected net or all", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_RAW_TP:
		ro->cap.force_raw_tp = true;
		return 0;
	case OPT_METHOD:
		if (!strcmp(arg, "tracepoints"))
			ro->cap.func_mode = CAPTURE_FUNCS_OFF;
		else if (!strcmp(arg, "bpf-func"))
			ro->cap.func_mode = CAPTURE_FUNCS_ON;
		else if (!strcmp(arg, "ftrace"))
			ro->cap.func_mode = CAPTURE_FUNCS_FTRACE;
		else {
			ns_err("bad --method '%s': expected tracepoints, bpf-func or ftrace", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_FUNCS:
		if (funcs__add_patterns(&ro->cap.func_patterns, &ro->cap.nfunc_patterns, arg))
			return -ENOMEM;
		return 0;
	case OPT_GRAPH_FUNCS:
		if (funcs__add_patterns(&ro->cap.graph_roots, &ro->cap.ngraph_roots, arg))
			return -ENOMEM;
		return 0;
	case OPT_FUNCS_FILE:
		r = funcs__add_pattern_file(&ro->cap.func_patterns, &ro->cap.nfunc_patterns, arg, err,
					    sizeof(err));
		if (r)
			ns_err("%s", err);
		return r;
	case OPT_FUNC_BACKEND: {
		enum func_backend b;

		if (func_backend_parse(arg, &b)) {
			ns_err("bad --func-backend '%s': expected auto, fentry, kprobe-multi or kprobe", arg);
			return -EINVAL;
		}
		ro->cap.func_backend = b;
		return 0;
	}
	case OPT_DEVICES:
		return parse_devices(ro, arg);
	case OPT_FUNC_THREADS:
		if (ns_parse_u64(arg, NS_PARALLEL_MAX, &v) || !v) {
			ns_err("bad --func-threads '%s': expected a number of threads, 1 to %d",
			       arg, NS_PARALLEL_MAX);
			return -EINVAL;
		}
		ro->cap.func_threads = v;
		return 0;
	case OPT_NO_FEXIT:
		ro->cap.func_no_exit = true;
		return 0;
	case OPT_SAMPLE_FREQ:
		/* 0 turns sampling off; above 20 kHz a sample every 50 us per CPU
		 * costs more than the network work it would show */
		if (ns_parse_u64(arg, NS_SAMPLE_FREQ_MAX, &v)) {
			ns_err("bad --sample-freq '%s': expected samples per second, 1 to %d "
			       "(0: no cpu samples)", arg, NS_SAMPLE_FREQ_MAX);
			return -EINVAL;
		}
		ro->cap.sample_freq = v;
		return 0;
	default:
		return -ENOENT;
	}
	if (r)
		ns_err("%s", err);
	return r;
bad_number:
	ns_err("bad value '%s': expected a positive whole number (K, M, G suffixes allowed)", arg);
	return -EINVAL;
}

/* --func-threads and --no-fexit shape the fentry backend: refused where it cannot be used */
static bool fentry_opts_misplaced(const struct capture_opts *c)
{
	const char *opt = c->func_no_exit ? "--no-fexit" : "--func-threads";
	const char *other = c->func_mode == CAPTURE_FUNCS_OFF ? "--method tracepoints" :
			    c->func_mode == CAPTURE_FUNCS_FTRACE ? "--method ftrace" :
			    c->func_backend != FUNC_BACKEND_AUTO && c->func_backend != FUNC_BACKEND_FENTRY ?
			    (c->func_backend == FUNC_BACKEND_KPROBE ? "--func-backend kprobe" :
			     "--func-backend kprobe-multi") : NULL;

	if ((!c->func_threads && !c->func_no_exit) || !other)
		return false;
	ns_err("%s is for the fentry backend: it cannot go with %s", opt, other);
	return true;
}

int run_parse_args(struct run_opts *ro, const struct cmd_common *co, int argc, char **argv,
		   const char *extra_short,
		   const struct option *extra_long, int (*extra)(struct run_opts *, int, const char *),
		   void (*usage)(FILE *))
{
	size_t ncommon = sizeof(common_opts) / sizeof(common_opts[0]), nextra = 0;
	struct option *opts;
	char shortopts[32];
	int c, dashdash = -1;

	memset(ro, 0, sizeof(*ro));
	capture_opts_default(&ro->cap);
	ro->json = co->json;
	if (co->help) {
		usage(stdout);
		return 1;
	}
	while (extra_long && extra_long[nextra].name)
		nextra++;
	opts = calloc(ncommon + nextra + 1, sizeof(*opts));
	if (!opts)
		return -ENOMEM;
	memcpy(opts, common_opts, sizeof(common_opts));
	if (nextra)
		memcpy(opts + ncommon, extra_long, nextra * sizeof(*opts));
	/* "+": stop at the first non-option so `-- CMD -x` reaches CMD untouched */
	snprintf(shortopts, sizeof(shortopts), "+%s", extra_short ? extra_short : "");
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dashdash = i;
			break;
		}
	int parse_argc = dashdash >= 0 ? dashdash : argc;

	while ((c = getopt_long(parse_argc, argv, shortopts, opts, NULL)) != -1) {
		int r;

		if (c == '?') {
			cmd_bad_option(parse_argc, argv, opts);
			usage(stderr);
			free(opts);
			return -EINVAL;
		}
		r = common_opt(ro, c, optarg);
		if (r == -ENOENT && extra)
			r = extra(ro, c, optarg);
		if (r) {
			free(opts);
			return r == -ENOENT ? -EINVAL : r;
		}
	}
	free(opts);
	if (optind < parse_argc) {
		ns_err("unexpected argument '%s' (a command to run goes after '--')", argv[optind]);
		return -EINVAL;
	}
	if (dashdash >= 0) {
		if (dashdash + 1 >= argc) {
			ns_err("'--' must be followed by a command to run");
			return -EINVAL;
		}
		if (ro->have_scenario) {
			ns_err("--scenario and '-- CMD' cannot be combined");
			return -EINVAL;
		}
		ro->sc.argv = argv + dashdash + 1;
		ro->sc.name = "command";
		ro->have_scenario = true;
	}
	if (ro->cap.ngraph_roots && ro->cap.func_mode != CAPTURE_FUNCS_FTRACE) {
		ns_err("--graph-funcs roots ftrace's function_graph (set_graph_function): it needs "
		       "--method ftrace");
		return -EINVAL;
	}
	if (fentry_opts_misplaced(&ro->cap))
		return -EINVAL;
	if (ro->have_devices) {
		if (!ro->have_scenario) {
			ns_err("--devices lends two devices to the lab's namespaces: it needs "
			       "--scenario NAME or '-- CMD'");
			return -EINVAL;
		}
		/* refused here, before anything is loaded or made */
		if (lab_devices_check(ro->devices))
			return -EINVAL;
	}
	if (!ro->have_scenario && !ro->netns_all && !ro->cap.filter.netns_n) {
		ns_err("nothing to trace: give --scenario NAME, '-- CMD', --netns NAME, "
		       "or --netns all for the whole host");
		return -EINVAL;
	}
	return 0;
}

static void fill_meta(struct run_state *st, const struct run_opts *ro)
{
	struct ns_meta *m = &st->meta;
	struct timespec mono, real;
	struct utsname u;
	char buf[512], host[256] = "";
	FILE *f;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	ns_meta_set(m, "netscope.version", "0.1.0");
	ns_meta_set(m, "kernel.release", u.release);
	ns_meta_set(m, "kernel.version", u.version);
	ns_meta_set(m, "kernel.machine", u.machine);
	ns_meta_set(m, "host.name", host);
	f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = '\0';
			ns_meta_set(m, "host.boot_id", buf);
		}
		fclose(f);
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	snprintf(buf, sizeof(buf), "%lld",
		 (long long)(real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec));
	ns_meta_set(m, "clock.monotonic_to_realtime_ns", buf);
	buf[0] = '\0';
	for (int i = 0; i < FEAT__COUNT; i++)
		if (st->ft.f[i].probed)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s=%s",
				 buf[0] ? "," : "", feature_name(i), st->ft.f[i].ok ? "yes" : "no");
	ns_meta_set(m, "capabilities", buf);
	filter_describe(&ro->cap.filter, buf, sizeof(buf));
	ns_meta_set(m, "capture.filter", buf);
	ns_meta_set(m, "capture.stack_policy", ro->cap.stack_mode == NS_STACK_NONE ? "none" :
		    ro->cap.stack_mode == NS_STACK_ALL ? "all" : "sampled");
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ro->cap.stack_interval_ns);
	ns_meta_set(m, "capture.stack_interval_ns", buf);
	snprintf(buf, sizeof(buf), "%u", ro->cap.ring_size);
	ns_meta_set(m, "capture.ring_size", buf);
	if (ro->have_scenario)
		ns_meta_set(m, "scenario", ro->sc.name);
	if (st->lab.created) {
		snprintf(buf, sizeof(buf), "%s=%u,%s=%u", st->lab.ns[0], st->lab.netns_inode[0],
			 st->lab.ns[1], st->lab.netns_inode[1]);
		ns_meta_set(m, "lab.netns", buf);
		if (st->lab.on_devices) {
			snprintf(buf, sizeof(buf), "%s,%s", st->lab.ifname[0], st->lab.ifname[1]);
			ns_meta_set(m, "lab.devices", buf);
		}
	}
}

/*
 * The SNMP counters of the lab's namespaces into the metadata, as
 * counters.<a|b>.<phase> (docs/TRACE_FORMAT.md): the kernel's own count of
 * what the trace saw.  A namespace that cannot be read is said, not fatal.
 */
static void snapshot_counters(struct run_state *st, const char *phase)
{
	static const char *const label[2] = { "a", "b" };

	for (int i = 0; i < 2 && st->lab.created; i++) {
		struct snmp_snap snap = { 0 };
		char key[64], *value;
		int err = netstat_read_netns(st->lab.ns[i], st->lab.netns_inode[i], &snap);

		value = err ? NULL : snmp_snap_format(&snap);
		if (value) {
			snprintf(key, sizeof(key), "counters.%s.%s", label[i], phase);
			ns_meta_set(&st->meta, key, value);
		} else {
			ns_warn("cannot read the counters of namespace '%s': %s", st->lab.ns[i],
				strerror(err ? -err : ENOMEM));
		}
		free(value);
		snmp_snap_free(&snap);
	}
}

int run_start(struct run_state *st, struct run_opts *ro, capture_event_fn fn, void *ctx)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[1024] = "";
	int err, removed;

	memset(st, 0, sizeof(*st));
	st->scenario_status = -1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	features_probe_capture(&st->ft);
	if (!st->ft.f[FEAT_CAP_BPF].ok || !st->ft.f[FEAT_CAP_PERFMON].ok) {
		ns_err("netscope needs CAP_BPF and CAP_PERFMON (or root): %s; %s",
		       st->ft.f[FEAT_CAP_BPF].detail, st->ft.f[FEAT_CAP_PERFMON].detail);
		return -EPERM;
	}
	removed = lab_cleanup_stale();
	if (removed > 0)
		ns_warn("removed %d namespace%s left by an earlier netscope run that was killed",
			removed, removed > 1 ? "s" : "");
	if (ro->have_scenario) {
		err = lab_create_on(&st->lab, ro->have_devices ? ro->devices : NULL);
		if (err)
			return err;
		/* the default filter: only the lab's namespaces */
		if (!ro->netns_all && !ro->cap.filter.netns_n) {
			ro->cap.filter.netns[0] = st->lab.netns_inode[0];
			ro->cap.filter.netns[1] = st->lab.netns_inode[1];
			ro->cap.filter.netns_n = 2;
		}
		/* before the workload, and before the trace file's metadata is written */
		snapshot_counters(st, "before");
	}
	if (ro->netns_all)
		ro->cap.filter.netns_n = 0;
	/* the probe `netscope doctor` runs, once, and only when asked for */
	if (ro->cap.sample_freq)
		features_probe_sampling(&st->ft);
	err = capture_open(&st->session, &ro->cap, &st->ft, fn, ctx);
	if (err) {
		lab_destroy(&st->lab);
		ns_meta_free(&st->meta);
		return err;
	}
	/* privileges and the lab came first; events wait in the ring meanwhile */
	struct btf *btf = btf__load_vmlinux_btf();

	if (btf) {
		ns_names_from_btf(&st->names, btf);
		btf__free(btf);
	}
	st->ksyms = ksyms__load(NULL);
	if (!st->ksyms)
		ns_warn("cannot read kernel symbols (%s): addresses stay numeric", strerror(errno));
	fill_meta(st, ro);
	ns_meta_set(&st->meta, "capture.method", capture_method(st->session));
	ns_meta_set(&st->meta, "capture.header_reads", capture_header_reads(st->session));
	ns_dbg(1, "packet headers read by %s", capture_header_reads(st->session));
	ns_meta_set(&st->meta, "capture.context_from", capture_context_source(st->session));
	ns_dbg(1, "execution context told by the %s", capture_context_source(st->session));
	size_t nfuncs;
	const char *fm = capture_func_method(st->session, &nfuncs);

	if (strcmp(fm, "off")) {
		snprintf(buf, sizeof(buf), "%s, %zu functions", fm, nfuncs);
		/* function_graph's roots: the report says the graph was rooted */
		for (size_t i = 0; i < ro->cap.ngraph_roots; i++)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 i ? "," : ", graph roots ", ro->cap.graph_roots[i]);
		ns_meta_set(&st->meta, "capture.funcs", buf);
	}
	buf[0] = '\0';	/* capture.events is built by appending */
	for (int i = 1; i < NS_EV__COUNT; i++)
		if (ns_event_known(i))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s=%s",
				 buf[0] ? "," : "", ns_event_name(i),
				 capture_event_method(st->session, i));
	ns_meta_set(&st->meta, "capture.events", buf);
	/* what ran, not what was asked: sampling may have been unavailable */
	snprintf(buf, sizeof(buf), "%u", capture_sample_freq(st->session));
	ns_meta_set(&st->meta, "capture.sample_freq", buf);
	if (capture_sample_freq(st->session))
		snprintf(buf, sizeof(buf), "cpu-clock %u Hz on %d cpus, kernel stacks",
			 capture_sample_freq(st->session), capture_sample_cpus(st->session));
	else
		snprintf(buf, sizeof(buf), ro->cap.sample_freq ? "unavailable" : "off");
	ns_meta_set(&st->meta, "capture.sampling", buf);
	if (capture_kmem(st->session))
		kmem_config_meta(capture_kmem(st->session), &st->meta);
	if (ro->cap.events & (1ull << NS_EV_SYSCALL)) {
		char map[1024];

		ns_syscall_describe(map, sizeof(map));
		ns_meta_set(&st->meta, "capture.syscalls", map);
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void stop_child(pid_t pid, int *status)
{
	/* ask, then insist: a scenario must never outlive netscope */
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
}

/*
 * The capture's own threads (ring consumer, trace writer) run at nice
 * CAPTURE_NICE once the workload is started, so that it keeps nice 0: a
 * CPU-bound process beside a flood took the consumer's share and the ring
 * overflowed (docs/PERFORMANCE.md, 2026-12-03).  The consumer sleeps in
 * epoll between batches, so its priority takes nothing from an idle
 * workload.  Linux keeps the nice value per thread (setpriority(2), NOTES:
 * PRIO_PROCESS with a thread id), hence the walk of /proc/self/task.
 * Without CAP_SYS_NICE this fails, and the capture goes on as before.
 */
#define CAPTURE_NICE -10

static void raise_capture_priority(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int failed = 0;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int tid = atoi(e->d_name);

		if (tid > 0 && setpriority(PRIO_PROCESS, tid, CAPTURE_NICE))
			failed = errno;
	}
	closedir(d);
	if (failed)
		ns_dbg(1, "cannot raise the capture's priority: %s", strerror(failed));
}

int run_loop(struct run_state *st, struct run_opts *ro)
{
	double start = now_s(), child_done = 0;
	pid_t child = -1;
	int status = 0, err = 0;

	if (ro->have_scenario) {
		child = scenario_start(&st->lab, &ro->sc);
		if (child < 0) {
			ns_err("cannot start scenario '%s': %s", ro->sc.name, strerror(-child));
			return child;
		}
	}
	raise_capture_priority();
	for (;;) {
		int n = capture_poll(st->session, 100);

		if (n < 0) {
			ns_err("reading the ring buffer failed: %s", strerror(-n));
			err = n;
			break;
		}
		if (stop_signal) {
			st->interrupted = true;
			break;
		}
		if (child > 0 && !child_done && waitpid(child, &status, WNOHANG) == child) {
			child_done = now_s();
			child = -1;
			st->scenario_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		/* after the scenario, keep listening briefly for the tail of its
		 * packets (TIME_WAIT closes, frees done by softirqs) */
		if (child_done && now_s() - child_done > 0.3)
			break;
		if (!ro->have_scenario && ro->duration_s && now_s() - start >= ro->duration_s)
			break;
		/* a scenario bounded by --duration gets a little slack to finish */
		if (ro->have_scenario && ro->duration_s && now_s() - start >= ro->duration_s + 5)
			break;
	}
	if (child > 0) {
		stop_child(child, &status);
		st->scenario_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	capture_drain(st->session);
	return err;
}

void run_stop(struct run_state *st, struct ns_capture_stats *stats)
{
	if (st->session) {
		capture_stop_sampling(st->session);
		capture_drain(st->session);
		if (stats)
			capture_stats(st->session, stats);
		capture_close(st->session);
		st->session = NULL;
	}
	st->meta_at_stop = st->meta.n;
	snapshot_counters(st, "after");
	lab_destroy(&st->lab);
}

void run_opts_free(struct run_opts *ro)
{
	funcs__free_patterns(ro->cap.func_patterns, ro->cap.nfunc_patterns);
	ro->cap.func_patterns = NULL;
	ro->cap.nfunc_patterns = 0;
	funcs__free_patterns(ro->cap.graph_roots, ro->cap.ngraph_roots);
	ro->cap.graph_roots = NULL;
	ro->cap.ngraph_roots = 0;
}

void run_free(struct run_state *st)
{
	ns_meta_free(&st->meta);
	ns_names_free(&st->names);
	ksyms__free(st->ksyms);
	st->ksyms = NULL;
}

void run_print_loss(FILE *out, const struct ns_capture_stats *s)
{
	uint64_t lost = ns_stats_sum(s->lost), produced = ns_stats_sum(s->produced);
	uint64_t captured = ns_stats_sum(s->captured);

	fprintf(out, "netscope: %llu events produced, %llu captured, %llu lost",
		(unsigned long long)produced, (unsigned long long)captured, (unsigned long long)lost);
	if (lost) {
		const char *sep = " (";

		for (int i = 1; i < NS_EV__COUNT; i++) {
			if (!s->lost[i])
				continue;
			fprintf(out, "%s%s %llu", sep, ns_event_name(i), (unsigned long long)s->lost[i]);
			sep = ", ";
		}
		fprintf(out, "): the ring buffer was full; try --ring-size or narrower filters");
	}
	if (s->payload_lost)
		fprintf(out, "; %llu records of packet bytes lost (ring buffer full)",
			(unsigned long long)s->payload_lost);
	if (s->stack_err)
		fprintf(out, "; %llu stacks not taken (stack map full or collision)",
			(unsigned long long)s->stack_err);
	if (s->ids_evicted)
		fprintf(out, "; %llu packet ids could not be stored", (unsigned long long)s->ids_evicted);
	if (s->writer_dropped)
		fprintf(out, "; %llu events not written: the trace writer fell behind",
			(unsigned long long)s->writer_dropped);
	if (s->writer_stalls)
		fprintf(out, "; the ring consumer waited %llu times (%.1f ms) for the trace writer",
			(unsigned long long)s->writer_stalls, s->writer_stall_ns / 1e6);
	fputc('\n', out);
}
