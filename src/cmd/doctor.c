// SPDX-License-Identifier: GPL-2.0
/* netscope doctor: what this kernel and these privileges allow. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "capture/features.h"
#include "capture/session.h"
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "common/json.h"
#include "common/log.h"
#include "trace/model.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope doctor [--json]\n\n"
		"Tries what netscope needs and reports each capability as yes/no with the\n"
		"reason: privileges, BTF, tracefs, bpffs, every network tracepoint, BPF program\n"
		"types (tracepoint, raw_tp, tp_btf, perf_event), fentry, kprobe, kprobe.multi,\n"
		"the ftrace function tracers and perf sampling. Each is found by loading and\n"
		"attaching a tiny program, never from the kernel version.\n\n"
		"  -j, --json   one JSON object\n\n"
		"EXAMPLES:\n"
		"  netscope doctor\n"
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
	if (type == NS_EV_CPU_SAMPLE || !ns_event_known(type))
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

static void print_json(const struct features *ft, const struct utsname *u)
{
	struct json_writer *w = json_new(stdout);

	json_obj_begin(w);
	json_kv_u64(w, "schema_version", 1);	/* keys are only added; a rename makes 2 */
	json_kv_str(w, "kernel", u->release);
	json_kv_str(w, "capture_method", best_method(ft));
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
	json_key(w, "context_events");
	json_arr_begin(w);
	for (int i = 1; i < NS_EV__COUNT; i++)
		if (capture_context_events() & (1ull << i))
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
}

int cmd_doctor(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option opts[] = {
		{ NULL },
	};
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
		default:
			cmd_bad_option(argc, argv, opts);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		ns_err("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	uname(&u);
	features_probe_all(&ft);
	if (json)
		print_json(&ft, &u);
	else
		print_text(&ft, &u);
	/* doctor succeeds when a capture is possible at all */
	return strcmp(best_method(&ft), "none") ? 0 : 1;
}
