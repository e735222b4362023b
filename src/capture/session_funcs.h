/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capture session's kernel functions: which to trace (discovery), by
 * which backend (probing, or --method / --func-backend), attached next to
 * the tracepoint programs, and the user told what was chosen and why.
 */
#ifndef NS_SESSION_FUNCS_H
#define NS_SESSION_FUNCS_H

#include "capture/func_attach.h"
#include "capture/session.h"

struct bpf_object;

/*
 * Attach the functions o asks for to the loaded capture object; *out NULL
 * when none are traced (not asked, or AUTO with no backend: said on
 * stderr).  0, or -errno after an error message (a forced method that
 * cannot work, a bad --funcs).
 */
int session_funcs_open(struct func_attach **out, struct bpf_object *capture_obj,
		       const struct capture_opts *o, const struct features *ft,
		       char *bpf_why, size_t why_len);

/*
 * The ftrace backend (--method ftrace, or AUTO when the BPF backends
 * refused: bpf_why holds their reasons then, "" otherwise): the functions
 * of --funcs / --funcs-file, else the reference experiment's sets (net*
 * skb* ip* sock* tcp*), minus the deny list, traced in a private tracefs
 * instance.  *out NULL when not used; 0, or -errno after an error message
 * (--method ftrace where the kernel refuses).
 */
struct ftrace_session;
int session_ftrace_open(struct ftrace_session **out, const struct capture_opts *o,
			const char *bpf_why, void (*fn)(void *, struct ns_event *), void *ctx);

#endif
