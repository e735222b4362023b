/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a capture lab watches the kernel: the methods it can record with,
 * probed in order (the first this kernel allows wins, `--method` forces
 * one), the kernel functions it traces when a per-function method is
 * taken (data/lab_funcs.rules), and the lines that say which method was
 * used and why each other one was not.
 *
 * The order is lab_methods[] in lab_method.c: bpf-func (fentry/fexit,
 * kprobe.multi, kprobes: func_backend_choose()), ftrace (the function
 * profiler; not in this build: its probe says so), tracepoints (always
 * there: tracepoints + stacks + CPU samples).  A new method is one entry
 * of lab_methods[] with its probe, and its case in lab_method_record_args()
 * for the record options it adds.
 */
#ifndef NS_CMD_LAB_METHOD_H
#define NS_CMD_LAB_METHOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "capture/features.h"

struct json_writer;
struct ns_meta;

enum lab_method {
	LAB_METHOD_AUTO = 0,	/* the first of lab_methods[] that works */
	LAB_METHOD_BPF_FUNC,
	LAB_METHOD_FTRACE,
	LAB_METHOD_TRACEPOINTS,
	LAB_METHOD__COUNT,
};

/* "bpf-func", "ftrace", "tracepoints" ("auto" for AUTO) */
const char *lab_method_name(enum lab_method m);
/* the word of --method; -EINVAL for another */
int lab_method_parse(const char *s, enum lab_method *out);

/* one method as probed for this lab on this kernel */
struct lab_method_probe {
	enum lab_method method;
	bool tried;		/* probed: an earlier method won, or --method chose another */
	bool usable;
	char why[512];		/* not usable: the probes' reasons; usable: what it takes */
};

struct lab_method_plan {
	enum lab_method want;		/* --method, AUTO when not given */
	enum lab_method chosen;
	struct lab_method_probe probes[LAB_METHOD__COUNT - 1];	/* in the order probed */
	size_t n_probes;
	/* bpf-func: the lab's functions (data/lab_funcs.rules) in this kernel */
	size_t rules;			/* patterns of the lab; 0: the lab has no set */
	size_t traceable;		/* functions record is given */
	size_t not_traceable;		/* matched, but inlined, notrace, denied */
	char missing[256];		/* patterns this kernel has no function for, comma-separated */
	size_t n_missing;
	const char *backend;		/* "fentry", "kprobe-multi", "kprobe" when bpf-func */
	char *record_funcs;		/* --funcs value for record (comma-separated), or NULL */
};

/*
 * Probe the methods for lab (its name: the rules' first column) on the
 * kernel ft describes (features_probe_all() done) and fill *plan.  0, or
 * -EPERM after an error message when want names a method that cannot work
 * here (the message gives the probes' reasons), -ENOMEM.
 */
int lab_method_choose(struct lab_method_plan *plan, const char *lab, enum lab_method want,
		      const struct features *ft);
/*
 * The `netscope record` options the chosen method adds (bpf-func:
 * `--funcs NAMES`, with `--method bpf-func` when forced) into args, at most
 * max; how many.  Pointers into plan.
 */
/* the chosen method traces the lab's kernel functions (bpf-func or ftrace) */
static inline bool lab_method_traces_funcs(const struct lab_method_plan *plan)
{
	return plan->chosen == LAB_METHOD_BPF_FUNC || plan->chosen == LAB_METHOD_FTRACE;
}

size_t lab_method_record_args(const struct lab_method_plan *plan, const char **args, size_t max);
/*
 * The "method:" lines of "How this kernel was watched"; meta: the trace's
 * (capture.funcs says what record really attached), may be NULL.
 */
void lab_method_text(const struct lab_method_plan *plan, const struct ns_meta *meta, FILE *out);
/* the same as watched.method_choice */
void lab_method_json(const struct lab_method_plan *plan, const struct ns_meta *meta,
		     struct json_writer *w);
void lab_method_free(struct lab_method_plan *plan);

#endif
