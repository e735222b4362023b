/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-function backends: func.bpf.c's programs attached to a set of
 * kernel functions (capture/funcs.h) by fentry/fexit, kprobe.multi or one
 * kprobe each, their events going into the capture object's ring buffer.
 */
#ifndef NS_FUNC_ATTACH_H
#define NS_FUNC_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include "capture/features.h"
#include "capture/funcs.h"
#include "common/parallel.h"

struct bpf_object;

enum func_backend {
	FUNC_BACKEND_AUTO = 0,
	FUNC_BACKEND_FENTRY,	   /* fentry + fexit: return values; one program per function */
	FUNC_BACKEND_KPROBE_MULTI, /* one link for every function (CONFIG_FPROBE, 5.18) */
	FUNC_BACKEND_KPROBE,	   /* one perf-event kprobe per function: the last resort */
};

const char *func_backend_name(enum func_backend b);
/* "auto", "fentry", "kprobe-multi", "kprobe"; -EINVAL for another word */
int func_backend_parse(const char *s, enum func_backend *out);
/*
 * Above this many functions AUTO prefers kprobe.multi to fentry: fentry
 * loads and attaches a program per function, and each detach waits two
 * RCU-tasks grace periods (1,000 took 72 s to attach, 54 s from two
 * threads, and 146 s to detach in the VM lane; kprobe.multi 0.28 s and
 * 0.14 s; docs/PERFORMANCE.md, docs/KNOWN_LIMITS.md).
 */
#define FUNC_FENTRY_MAX_AUTO 64

/*
 * The backend to use for nfuncs functions: want itself when the probes
 * (ft: FEAT_FENTRY, FEAT_KPROBE_MULTI, FEAT_KPROBE, probed by
 * features_probe_funcs()) allow it, else for AUTO the first that works of
 * fentry (return values and times), kprobe.multi, kprobe, with
 * kprobe.multi first above FUNC_FENTRY_MAX_AUTO functions.  AUTO when
 * none can: why says, one clause per backend.
 */
enum func_backend func_backend_choose(const struct features *ft, enum func_backend want,
				      size_t nfuncs, char *why, size_t whylen);

/*
 * fentry loads, links and closes its clones from this many threads at most
 * by default (one per online CPU): the verifier runs overlap, the kernel
 * serialises the rest (func_fentry.c says where).
 */
#define FUNC_FENTRY_THREADS_CAP 8

/* fentry: where loading and linking the clones went (all 0 for the other backends) */
struct func_fentry_times {
	unsigned threads;	/* threads that loaded and linked */
	size_t programs;	/* clones loaded (a fentry and, with fexit, a fexit a function) */
	double load_s;		/* bpf_prog_load of every clone, summed over the threads:
				 * the verifier and the JIT */
	double link_s;		/* linking every clone, summed: the trampoline, ftrace's
				 * registration and its text patching */
	struct ns_durations per_func; /* one function's loads and links together */
};

struct func_attach_stats {
	size_t requested;	/* functions asked for */
	size_t attached;	/* functions with a program on them */
	size_t failed;		/* functions the kernel refused (first error in the warning) */
	double load_s;		/* opening and loading the object (and, for fentry, every clone) */
	double attach_s;	/* attaching, after loading */
	double detach_s;	/* detaching and unloading (func_attach_close) */
	struct func_fentry_times fentry;
};

struct func_detach_stats {
	double total_s;		/* detaching and unloading everything (wall clock) */
	/* fentry only (threads 0 for the other backends): */
	unsigned threads;	/* threads that closed the links */
	size_t functions;	/* functions whose links were closed */
	double close_entry_s;	/* closing the fentry links, summed over the threads */
	double close_exit_s;	/* closing the fexit links, summed */
	struct ns_durations per_func; /* one function's closes together */
};

struct func_attach;

struct func_attach_opts {
	bool fexit;		/* the return events too, where the backend has them (fentry) */
	unsigned threads;	/* fentry: threads loading, linking and closing the clones;
				 * 0: one per online CPU, at most FUNC_FENTRY_THREADS_CAP */
};

/*
 * Load func.bpf.c with capture_obj's maps and read-only configuration
 * (capture_obj loaded), and attach it to the traceable functions of set by
 * backend (not AUTO), as o says.  0 or -errno with the message in err; a
 * function refused while others attach is counted, not an error.
 */
int func_attach_open(struct func_attach **out, struct bpf_object *capture_obj,
		     const struct func_set *set, enum func_backend backend,
		     const struct func_attach_opts *o, char *err, size_t errlen);
void func_attach_stats(const struct func_attach *fa, struct func_attach_stats *st);
enum func_backend func_attach_backend(const struct func_attach *fa);
/* detach, unload and free; how long it took, and for fentry where, goes to *ds when not NULL */
void func_attach_close(struct func_attach *fa, struct func_detach_stats *ds);
/* for fentry, one line each on stderr: where attaching went, where detaching went */
void func_attach_print_fentry(const struct func_attach_stats *st);
void func_detach_print_fentry(const struct func_detach_stats *ds);

#endif
