// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "capture/session_funcs.h"
#include "common/log.h"

int session_funcs_open(struct func_attach **out, struct bpf_object *capture_obj,
		       const struct capture_opts *o, const struct features *base)
{
	struct func_sources src = { .patterns = (const char *const *)o->func_patterns,
				    .npatterns = o->nfunc_patterns };
	bool forced = o->func_mode == CAPTURE_FUNCS_ON;
	struct func_attach_stats st;
	enum func_backend backend;
	struct func_set set;
	struct features ft = *base;
	char err[320] = "", why[480];
	int ret;

	*out = NULL;
	if (o->func_mode == CAPTURE_FUNCS_OFF || (!forced && !o->nfunc_patterns))
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
		fprintf(stderr, "netscope: kernel functions not traced: %s; falling back to "
			"tracepoints, stacks and cpu samples (--sample-freq)\n", why);
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
	ret = func_attach_open(out, capture_obj, &set, backend, true, err, sizeof(err));
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
	funcs__free(&set);
	return 0;
}
