// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "capture/ftrace_session.h"
#include "capture/session_funcs.h"
#include "common/log.h"

int session_funcs_open(struct func_attach **out, struct bpf_object *capture_obj,
		       const struct capture_opts *o, const struct features *base,
		       char *bpf_why, size_t why_len)
{
	struct func_sources src = { .patterns = (const char *const *)o->func_patterns,
				    .npatterns = o->nfunc_patterns };
	bool forced = o->func_mode == CAPTURE_FUNCS_ON;
	struct func_attach_opts fo = { .fexit = !o->func_no_exit, .threads = o->func_threads };
	struct func_attach_stats st;
	enum func_backend backend;
	struct func_set set;
	struct features ft = *base;
	char err[320] = "", why[480];
	int ret;

	*out = NULL;
	bpf_why[0] = '\0';
	if (o->func_mode == CAPTURE_FUNCS_OFF || o->func_mode == CAPTURE_FUNCS_FTRACE ||
	    (!forced && !o->nfunc_patterns))
		return 0;
	features_probe_funcs(&ft);
	/* the count matters only to the automatic choice: probe first, so that a
	 * kernel allowing no backend costs no discovery */
	backend = func_backend_choose(&ft, o->func_backend, 0, why, sizeof(why));
	if (backend == FUNC_BACKEND_AUTO) {
		if (forced || o->func_backend != FUNC_BACKEND_AUTO) {
			ns_err("kernel functions cannot be traced here: %s", why);
			return -EPERM;
		}
		/* the ftrace backend is tried next (session_ftrace_open()) */
		snprintf(bpf_why, why_len, "%s", why);
		return 0;
	}
	src.btf = btf__load_vmlinux_btf();
	ret = funcs__discover(&set, &src, err, sizeof(err));
	btf__free((struct btf *)src.btf);
	if (ret) {
		ns_err("%s", err);
		funcs__free(&set);
		return ret;
	}
	if (!set.count[FUNC_TRACEABLE]) {
		ns_err("none of the %zu functions chosen can be traced (%zu cloned, %zu inlined, "
		       "%zu notrace, %zu denied: netscope doctor --list-funcs says which)", set.n,
		       set.count[FUNC_CLONED], set.count[FUNC_NO_SYMBOL], set.count[FUNC_NOTRACE],
		       set.count[FUNC_DENIED]);
		funcs__free(&set);
		return -ENOENT;
	}
	backend = func_backend_choose(&ft, o->func_backend, set.count[FUNC_TRACEABLE], why,
				      sizeof(why));
	ret = func_attach_open(out, capture_obj, &set, backend, &fo, err, sizeof(err));
	if (ret) {
		ns_err("%s", err);
		funcs__free(&set);
		return ret;
	}
	func_attach_stats(*out, &st);
	fprintf(stderr, "netscope: kernel functions: %s on %zu of %zu (%zu not traceable: "
		"netscope doctor --list-funcs), loaded in %.2f s, attached in %.2f s\n",
		func_backend_name(backend), st.attached, set.n, set.n - st.requested, st.load_s,
		st.attach_s);
	func_attach_print_fentry(&st);
	funcs__free(&set);
	return 0;
}

/* the reference experiment's sets: set_ftrace_filter 'net* tcp*', set_graph_function 'net*' 'skb*' 'ip*' 'sock*' */
static const char *const experiment_globs[] = { "net*", "skb*", "ip*", "sock*", "tcp*" };

/* the names of the functions o chooses, as discovery finds them; 0 or -errno with err */
static int ftrace_functions(struct func_set *set, const struct capture_opts *o, char *err,
			    size_t errlen)
{
	struct func_sources src = { .patterns = (const char *const *)o->func_patterns,
				    .npatterns = o->nfunc_patterns };
	int ret;

	if (!src.npatterns) {
		src.patterns = experiment_globs;
		src.npatterns = sizeof(experiment_globs) / sizeof(experiment_globs[0]);
	}
	src.btf = btf__load_vmlinux_btf();
	ret = funcs__discover(set, &src, err, errlen);
	btf__free((struct btf *)src.btf);
	if (!ret && !set->count[FUNC_TRACEABLE]) {
		snprintf(err, errlen, "none of the %zu functions chosen can be traced (%zu cloned, "
			 "%zu inlined, %zu notrace, %zu denied: netscope doctor --list-funcs says "
			 "which)", set->n, set->count[FUNC_CLONED], set->count[FUNC_NO_SYMBOL],
			 set->count[FUNC_NOTRACE], set->count[FUNC_DENIED]);
		ret = -ENOENT;
	}
	return ret;
}

int session_ftrace_open(struct ftrace_session **out, const struct capture_opts *o,
			const char *bpf_why, void (*fn)(void *, struct ns_event *), void *ctx)
{
	bool forced = o->func_mode == CAPTURE_FUNCS_FTRACE;
	struct ftrace_stats st;
	struct func_set set;
	const char **names;
	char err[480] = "";
	size_t n;
	int ret;

	*out = NULL;
	if (!forced && !bpf_why[0])
		return 0;
	ret = ftrace_functions(&set, o, err, sizeof(err));
	if (ret) {
		/* a bad --funcs is an error whatever the backend */
		funcs__free(&set);
		ns_err("%s", err);
		return ret;
	}
	names = funcs__traceable(&set, &n);
	ret = names ? ftrace_session_open(out, names, n, (const char *const *)o->graph_roots,
						 o->ngraph_roots, fn, ctx, err, sizeof(err)) : -ENOMEM;
	if (ret) {
		funcs__free(&set);
		if (forced) {
			ns_err("--method ftrace: %s", err[0] ? err : strerror(-ret));
			return ret;
		}
		fprintf(stderr, "netscope: kernel functions not traced: %s; ftrace: %s; falling back "
			"to tracepoints, stacks and cpu samples (--sample-freq)\n", bpf_why,
			err[0] ? err : strerror(-ret));
		return 0;
	}
	ftrace_session_stats(*out, &st);
	if (ftrace_session_note(*out)[0])
		fprintf(stderr, "netscope: ftrace: %s; using the function tracer: calls counted, no "
			"returns, no time, no nesting\n", ftrace_session_note(*out));
	if (!forced)
		fprintf(stderr, "netscope: kernel functions: no BPF backend (%s); using ftrace\n",
			bpf_why);
	fprintf(stderr, "netscope: kernel functions: ftrace %s on %zu of %zu functions (%zu not "
		"traceable: netscope doctor --list-funcs; %zu refused by set_ftrace_filter), in the "
		"tracefs instance %s; ftrace passes no arguments: these events carry no packet\n",
		ftrace_session_tracer(*out), st.nfuncs, set.n, set.n - n, st.nrefused,
		ftrace_session_instance(*out));
	if (st.nroots)
		fprintf(stderr, "netscope: ftrace: function_graph starts only in the %zu function(s) "
			"of --graph-funcs (set_graph_function): calls outside them are not traced\n",
			st.nroots);
	funcs__free(&set);
	return 0;
}
