/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this kernel and these privileges allow, each found by trying (load a
 * tiny program and attach it, open a file, create a tracefs instance), never
 * by version number.  `netscope doctor` prints the result; the capture
 * engine chooses its attach methods from the same probes.
 */
#ifndef NS_FEATURES_H
#define NS_FEATURES_H

#include <stdbool.h>
#include "bpf/netscope.h"

enum feature_id {
	FEAT_ROOT,
	FEAT_CAP_BPF,
	FEAT_CAP_PERFMON,
	FEAT_BTF,
	FEAT_TRACEFS,
	FEAT_BPFFS,
	FEAT_PROG_TRACEPOINT,
	FEAT_PROG_RAW_TP,
	FEAT_PROG_TP_BTF,
	FEAT_PROG_PERF_EVENT,
	FEAT_FENTRY,
	FEAT_KPROBE,
	FEAT_KPROBE_MULTI,
	FEAT_FTRACE_FUNCTION,
	FEAT_FTRACE_FUNCTION_GRAPH,
	FEAT_PERF_SAMPLING,
	FEAT_PERF_CALLCHAIN,
	FEAT__COUNT,
};

struct feature {
	bool probed;
	bool ok;
	int err;	  /* negative errno of the failing step, 0 if ok */
	char detail[160]; /* what was tried / why it failed */
};

/* One network tracepoint: where it is and how it can be attached. */
struct tracepoint_status {
	bool in_tracefs;  /* events/<group>/<name> exists */
	bool in_btf;	  /* btf_trace_<name> typedef exists (tp_btf possible) */
	int nargs;	  /* arguments in the BTF prototype, -1 unknown */
};

struct features {
	struct feature f[FEAT__COUNT];
	struct tracepoint_status tp[NS_EV__COUNT];
	/*
	 * irq_vectors:<name>_entry [0] and _exit [1] of each enum ns_irq_vector;
	 * tp[NS_EV_IRQ_VECTOR_*] says whether any pair is there
	 */
	struct tracepoint_status irq_vectors[NS_IRQV__COUNT][2];
	char tracefs[64]; /* mount point in use */
	/* the kfunc bpf_rdonly_cast() (6.2): the capture's hdr_* handlers
	 * read packet headers by typed loads with it (decode_cast.bpf.h) */
	bool kfunc_rdonly_cast;
	/* THREAD_SIZE, from the size of struct irq_stack (x86-64 only: 0
	 * elsewhere), and a PREEMPT_RT kernel: whether the capture can tell
	 * softirq from task context by the stack (capture_event.bpf.h) */
	unsigned int task_stack_size;
	bool preempt_rt;
};

const char *feature_name(enum feature_id id);
/* Probe everything (slow parts included: attaches); errors land in f[]. */
void features_probe_all(struct features *ft);
/* Only what the capture engine needs: privileges, BTF, tracefs, tracepoints, tp_btf, raw_tp. */
void features_probe_capture(struct features *ft);
/* What cpu sampling needs (perf_event programs on cpu-clock events), once:
 * the probe `netscope doctor` runs; a capture with --sample-freq calls it. */
void features_probe_sampling(struct features *ft);
/* What the per-function backends need: fentry, kprobe.multi, kprobe. */
void features_probe_funcs(struct features *ft);
/*
 * kernel.bpf_stats_enabled: 1 when on (every BPF program run then reads the
 * clock twice more, for bpftool's run_time_ns), 0 when off, -1 unknown.
 */
int features_bpf_stats_enabled(void);
/* Mount tracefs if it is not mounted; returns its path or NULL. */
const char *tracefs_path(void);
/*
 * Remove the private tracefs instances (instances/netscope-WHAT-PID) of
 * netscope processes that are gone, a doctor SIGKILLed mid-probe, from
 * every tracefs mount; returns how many.
 */
int tracefs_remove_stale_instances(void);

#endif
