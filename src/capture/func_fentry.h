/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fentry backend's clones (func_attach.c): one program per function
 * (two with fexit), each loaded from the template's final instructions
 * against the function's BTF id and linked, from a pool of threads; and
 * their links closed again, from as many threads.  Every function has its
 * slot, written only by the thread whose slice holds it; what the caller
 * wants summed it sums after the join.
 */
#ifndef NS_FUNC_FENTRY_H
#define NS_FUNC_FENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include "capture/func_attach.h"

struct bpf_program;

enum { FENTRY_ENTRY, FENTRY_EXIT };

struct fentry_slot {
	int btf_id;		/* the function (set before attaching) */
	int link[2];		/* its fentry and fexit links; -1: none */
	int err;		/* 0, or the -errno that stopped its programs */
	int loaded;		/* programs the verifier took (linked or not) */
	int closed;		/* links closed at detach */
	double load_s[2];	/* bpf_prog_load of each program: the verifier and the JIT */
	double link_s[2];	/* linking each: trampoline, ftrace registration, text patching */
	double close_s[2];	/* closing each link */
};

/* The kernel calls the pool makes; fentry_kernel_bpf() gives the real ones,
 * tests their own. */
struct fentry_kernel {
	int (*load)(void *ctx, int which, int btf_id); /* FENTRY_*: a program fd or -errno */
	int (*link)(void *ctx, int prog_fd);	      /* a link fd or -errno */
	void (*close)(void *ctx, int fd);
	void *ctx;
};

/* the template programs progs[FENTRY_ENTRY], progs[FENTRY_EXIT], cloned by bpf_prog_load */
void fentry_kernel_bpf(struct fentry_kernel *k, const struct bpf_program *progs[2]);

struct fentry_pool {
	struct fentry_slot *slot;
	size_t n;
	bool fexit;
	unsigned threads;	/* for attaching and detaching (fentry_pool_init) */
	unsigned attach_ran;	/* threads that did run (fewer when one could not be made) */
	unsigned detach_ran;
	struct fentry_kernel k;
};

/*
 * n slots without links; threads: func_threads (0: one per online CPU, at
 * most FUNC_FENTRY_THREADS_CAP).  0 or -ENOMEM.
 */
int fentry_pool_init(struct fentry_pool *p, size_t n, bool fexit, unsigned func_threads,
		     const struct fentry_kernel *k);
/* load and link every slot's programs; a slot's first failure stops that slot only */
void fentry_pool_attach(struct fentry_pool *p);
/* close every link (fentry's before fexit's, per function as one after the other did) */
void fentry_pool_detach(struct fentry_pool *p);
/* the attach split into *out (stats.fentry) */
void fentry_pool_attach_times(const struct fentry_pool *p, struct func_fentry_times *out);
/* the detach split into *out (the fentry fields of struct func_detach_stats) */
void fentry_pool_detach_times(const struct fentry_pool *p, struct func_detach_stats *out);
void fentry_pool_free(struct fentry_pool *p);

#endif
