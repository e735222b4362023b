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
 * loads and attaches a program per function (1,000 took 96 s to attach in
 * the VM lane, kprobe.multi 0.17 s; docs/PERFORMANCE.md).
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

struct func_attach_stats {
	size_t requested;	/* functions asked for */
	size_t attached;	/* functions with a program on them */
	size_t failed;		/* functions the kernel refused (first error in the warning) */
	double load_s;		/* opening and loading the object (and, for fentry, every clone) */
	double attach_s;	/* attaching, after loading */
	double detach_s;	/* detaching and unloading (func_attach_close) */
};

struct func_attach;

/*
 * Load func.bpf.c with capture_obj's maps and read-only configuration
 * (capture_obj loaded), and attach it to the traceable functions of set by
 * backend (not AUTO); fexit adds the return events where the backend has
 * them (fentry).  0 or -errno with the message in err; a function refused
 * while others attach is counted, not an error.
 */
int func_attach_open(struct func_attach **out, struct bpf_object *capture_obj,
		     const struct func_set *set, enum func_backend backend, bool fexit,
		     char *err, size_t errlen);
void func_attach_stats(const struct func_attach *fa, struct func_attach_stats *st);
enum func_backend func_attach_backend(const struct func_attach *fa);
/* detach, unload and free; the time it took goes to *detach_s when not NULL */
void func_attach_close(struct func_attach *fa, double *detach_s);

#endif
