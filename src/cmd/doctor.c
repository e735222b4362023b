// SPDX-License-Identifier: GPL-2.0
/* netscope doctor: what this kernel and these privileges allow. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <stdlib.h>
#include <bpf/btf.h>
#include "capture/features.h"
#include "capture/funcs.h"
#include "capture/session.h"
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "common/json.h"
#include "common/log.h"
#include "trace/model.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope doctor [--json] [--funcs GLOB[,GLOB]] [--funcs-file FILE] [--list-funcs]\n\n"
		"Tries what netscope needs and reports each capability as yes/no with the\n"
		"reason: privileges, BTF, tracefs, bpffs, every network tracepoint, BPF program\n"
		"types (tracepoint, raw_tp, tp_btf, perf_event), fentry, kprobe, kprobe.multi,\n"
		"the ftrace function tracers and perf sampling. Each is found by loading and\n"
		"attaching a tiny program, never from the kernel version.\n\n"
		"It also counts the kernel functions the per-function backends (fentry,\n"
		"kprobe.multi, kprobe) would trace: those of the BTF taking a struct sk_buff *\n"
		"or a struct sock * in arguments 1-5, minus those with no symbol in kallsyms\n"
		"(inlined, or only compiler clones), not in available_filter_functions\n"
		"(notrace) or denied by data/funcs_deny.rules.\n\n"
		"  -j, --json           one JSON object\n"
		"  --funcs GLOB[,GLOB]  count these functions of the BTF instead\n"
		"  --funcs-file FILE    the same, one glob a line ('#' comments)\n"
		"  --list-funcs         one line per function: status, skb and sock argument\n\n"
		"EXAMPLES:\n"
		"  netscope doctor\n"
		"  netscope doctor --funcs 'tcp_v4_*,ip_rcv*' --list-funcs\n"
		"  netscope doctor --json | jq '.features.fentry'\n");
}

/* what netscope will use, given the probes */
static const char *best_method(const struct features *ft)
{
	if (ft->f[FEAT_PROG_TP_BTF].ok)
		return "tp_btf";
	if (ft->f[FEAT_PROG_RAW_TP].ok)
		return "raw_tp";
	return "none";
}

/* the tracepoint behind an event type; NULL for cpu samples (a perf event:
 * the perf_sampling and prog_perf_event features say whether they work) */
static const char *tp_name(int type, char *buf, size_t len)
{
	if (type == NS_EV_CPU_SAMPLE || !ns_event_known(type) || ns_event_is_func(type))
		return NULL;
	if (type == NS_EV_SYSCALL)
		snprintf(buf, len, "raw_syscalls:sys_enter+sys_exit");
	else if (type == NS_EV_IRQ_VECTOR_ENTRY || type == NS_EV_IRQ_VECTOR_EXIT)
		snprintf(buf, len, "irq_vectors:*_%s (any)",
			 type == NS_EV_IRQ_VECTOR_ENTRY ? "entry" : "exit");
	else
		snprintf(buf, len, "%s:%s", ns_event_group(type), ns_event_name(type));
	return buf;
}

/* the per-function targets, found from the running kernel; 0 or -errno with err */
static int discover_funcs(struct func_set *set, char **patterns, size_t npatterns, char *err,
			  size_t errlen)
{
	struct func_sources src = { .patterns = (const char *const *)patterns, .npatterns = npatterns };
	struct btf *btf = btf__load_vmlinux_btf();
	int ret;

	src.btf = btf;
	ret = funcs__discover(set, &src, err, errlen);
	btf__free(btf);
	return ret;
}

static const enum func_status untraced[] = { FUNC_NO_SYMBOL, FUNC_CLONED, FUNC_NOTRACE, FUNC_DENIED };

static void print_funcs_text(const struct func_set *set, const char *err, bool list)
{
	printf("\nfunctions (fentry, kprobe.multi, kprobe):\n");
	if (err) {
		printf("  none: %s\n", err);
		return;
	}
	printf("  %zu traceable of %zu %s\n", set->count[FUNC_TRACEABLE], set->n,
	       set->by_pattern ? "chosen by --funcs" : "taking a struct sk_buff * or struct sock *");
	for (size_t i = 0; i < sizeof(untraced) / sizeof(untraced[0]); i++)
		printf("  %6zu %s\n", set->count[untraced[i]], func_status_why(untraced[i]));
	if (!set->filter_list_read)
		printf("  available_filter_functions is not readable here: notrace functions count as traceable\n");
	for (size_t i = 0; i < set->n && (list || ns_verbose); i++) {
		const struct func_target *f = &set->f[i];

		if (!list && f->status == FUNC_TRACEABLE)
			continue;
		printf("  %-40s %-9s skb %d sk %d", f->name, func_status_name(f->status),
		       f->skb_arg >= 0 ? f->skb_arg + 1 : 0, f->sk_arg >= 0 ? f->sk_arg + 1 : 0);
		if (f->deny_why)
			printf("  (%s)", f->deny_why);
		putchar('\n');
	}
}

static void print_funcs_json(struct json_writer *w, const struct func_set *set, const char *err,
			     bool list)
{
	json_key(w, "functions");
	json_obj_begin(w);
	if (err) {
		json_kv_str(w, "error", err);
		json_obj_end(w);
		return;
	}
	json_kv_bool(w, "by_pattern", set->by_pattern);
	json_kv_u64(w, "candidates", set->n);
	for (int i = 0; i < FUNC__STATUS_COUNT; i++)
		json_kv_u64(w, func_status_name(i), set->count[i]);
	json_kv_bool(w, "filter_functions_read", set->filter_list_read);
	if (list) {
		json_key(w, "list");
		json_arr_begin(w);
		for (size_t i = 0; i < set->n; i++) {
			json_obj_begin(w);
			json_kv_str(w, "name", set->f[i].name);
			json_kv_str(w, "status", func_status_name(set->f[i].status));
			json_kv_i64(w, "skb_arg", set->f[i].skb_arg >= 0 ? set->f[i].skb_arg + 1 : 0);
			json_kv_i64(w, "sk_arg", set->f[i].sk_arg >= 0 ? set->f[i].sk_arg + 1 : 0);
			json_obj_end(w);
		}
		json_arr_end(w);
	}
	json_obj_end(w);
}

static void print_json(const struct features *ft, const struct utsname *u,
		       const struct func_set *set, const char *ferr, bool list)
{
	struct json_writer *w = json_new(stdout);

	json_obj_begin(w);
	json_kv_u64(w, "schema_version", 1);	/* keys are only added; a rename makes 2 */
	json_kv_str(w, "kernel", u->release);
	json_kv_str(w, "capture_method", best_method(ft));
	json_kv_i64(w, "bpf_stats_enabled", features_bpf_stats_enabled());
	json_key(w, "features");
	json_obj_begin(w);
	for (int i = 0; i < FEAT__COUNT; i++) {
		json_key(w, feature_name(i));
		json_obj_begin(w);
		json_kv_bool(w, "ok", ft->f[i].ok);
		json_kv_i64(w, "errno", -ft->f[i].err);
		json_kv_str(w, "detail", ft->f[i].detail);
		json_obj_end(w);
	}
	json_obj_end(w);
	/* what a capture attaches by default: the bench attaches peers to the same */
	json_key(w, "default_events");
	json_arr_begin(w);
	for (int i = 1; i < NS_EV__COUNT; i++)
		if (capture_default_events() & (1ull << i))
			json_str(w, ns_event_name(i));
	json_arr_end(w);
	/* the trackers a default capture attaches besides: on x86-64 the
	 * softirq ones only where the context cannot be told by the stack */
	struct capture_opts dflt;

	capture_opts_default(&dflt);
	json_key(w, "context_events");
	json_arr_begin(w);
	for (int i = 1; i < NS_EV__COUNT; i++)
		if (capture_context_trackers(&dflt, ft) & (1ull << i))
			json_str(w, ns_event_name(i));
	json_arr_end(w);
	json_key(w, "tracepoints");
	json_obj_begin(w);
	for (int i = 1; i < NS_EV__COUNT; i++) {
		char name[96];

		if (!tp_name(i, name, sizeof(name)))
			continue;
		json_key(w, name);
		json_obj_begin(w);
		json_kv_bool(w, "tracefs", ft->tp[i].in_tracefs);
		json_kv_bool(w, "btf", ft->tp[i].in_btf);
		json_kv_i64(w, "nargs", ft->tp[i].nargs);
		json_obj_end(w);
	}
	json_obj_end(w);
	print_funcs_json(w, set, ferr, list);
	json_obj_end(w);
	json_free(w);
	putchar('\n');
}

static void print_text(const struct features *ft, const struct utsname *u)
{
	int missing = 0;

	printf("kernel %s\n\n", u->release);
	for (int i = 0; i < FEAT__COUNT; i++)
		printf("  %-22s %-3s  %s\n", feature_name(i), ft->f[i].ok ? "yes" : "no", ft->f[i].detail);
	printf("\ntracepoints (tracefs / tp_btf prototype):\n");
	for (int i = 1; i < NS_EV__COUNT; i++) {
		const struct tracepoint_status *tp = &ft->tp[i];
		char name[96];

		if (!tp_name(i, name, sizeof(name)))
			continue;
		if (!tp->in_tracefs && !tp->in_btf)
			missing++;
		printf("  %-38s %-3s %s", name, tp->in_tracefs ? "yes" : "no",
		       tp->in_btf ? "yes" : "no");
		if (tp->nargs >= 0)
			printf(" (%d args)", tp->nargs);
		putchar('\n');
	}
	printf("\ncapture method: %s", best_method(ft));
	if (missing)
		printf("; %d tracepoint%s missing (skipped at capture)", missing, missing > 1 ? "s" : "");
	printf("\n");
	if (features_bpf_stats_enabled() == 1)
		printf("note: kernel.bpf_stats_enabled is 1: every BPF program run also reads the "
		       "clock twice, for bpftool's run_time_ns; a capture costs more until "
		       "'sysctl kernel.bpf_stats_enabled=0'\n");
}

int cmd_doctor(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option opts[] = {
		{ "funcs", required_argument, NULL, 'F' },
		{ "funcs-file", required_argument, NULL, 'f' },
		{ "list-funcs", no_argument, NULL, 'l' },
		{ NULL },
	};
	char **patterns = NULL, ferr[320] = "";
	size_t npatterns = 0;
	struct func_set set = {};
	bool list = false;
	int ret;
	struct features ft;
	struct utsname u;
	bool json = co->json;
	int c;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (funcs__add_patterns(&patterns, &npatterns, optarg)) {
				ns_err("out of memory");
				ret = 1;
				goto out;
			}
			break;
		case 'f':
			if (funcs__add_pattern_file(&patterns, &npatterns, optarg, ferr, sizeof(ferr))) {
				ns_err("%s", ferr);
				ret = 2;
				goto out;
			}
			break;
		case 'l':
			list = true;
			break;
		default:
			cmd_bad_option(argc, argv, opts);
			usage(stderr);
			ret = 2;
			goto out;
		}
	}
	if (optind < argc) {
		ns_err("unexpected argument '%s'", argv[optind]);
		ret = 2;
		goto out;
	}
	uname(&u);
	features_probe_all(&ft);
	if (discover_funcs(&set, patterns, npatterns, ferr, sizeof(ferr))) {
		/* a pattern naming nothing is the user's mistake, not the kernel's */
		if (npatterns) {
			ns_err("%s", ferr);
			ret = 2;
			goto out;
		}
	} else {
		ferr[0] = '\0';
	}
	if (json) {
		print_json(&ft, &u, &set, ferr[0] ? ferr : NULL, list);
	} else {
		print_text(&ft, &u);
		print_funcs_text(&set, ferr[0] ? ferr : NULL, list);
	}
	/* doctor succeeds when a capture is possible at all */
	ret = strcmp(best_method(&ft), "none") ? 0 : 1;
out:
	funcs__free(&set);
	funcs__free_patterns(patterns, npatterns);
	return ret;
}
