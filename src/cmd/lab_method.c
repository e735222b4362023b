// SPDX-License-Identifier: GPL-2.0
/*
 * The capture labs' choice of method (cmd/lab_method.h): each method's
 * probe in order, the lab's function set from data/lab_funcs.rules
 * resolved against the running kernel, and the lines saying what was
 * used and why the others were not.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "capture/func_attach.h"
#include "capture/funcs.h"
#include "cmd/lab_method.h"
#include "common/data.h"
#include "common/json.h"
#include "common/log.h"
#include "trace/model.h"

#define LAB_FUNCS_MAX 64	/* patterns of one lab (the file keeps under this) */

static const char *const method_names[LAB_METHOD__COUNT] = {
	[LAB_METHOD_AUTO] = "auto",
	[LAB_METHOD_BPF_FUNC] = "bpf-func",
	[LAB_METHOD_FTRACE] = "ftrace",
	[LAB_METHOD_TRACEPOINTS] = "tracepoints",
};

const char *lab_method_name(enum lab_method m)
{
	return (unsigned)m < LAB_METHOD__COUNT ? method_names[m] : "?";
}

int lab_method_parse(const char *s, enum lab_method *out)
{
	for (int m = LAB_METHOD_BPF_FUNC; m < LAB_METHOD__COUNT; m++)
		if (!strcmp(s, method_names[m])) {
			*out = m;
			return 0;
		}
	return -EINVAL;
}

/* ---- data/lab_funcs.rules: LAB<TAB>GLOB<TAB>WHY ---- */

struct lab_globs {
	char *glob[LAB_FUNCS_MAX];
	size_t n;
};

static void globs_free(struct lab_globs *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->glob[i]);
	g->n = 0;
}

static int globs_of(const char *lab, struct lab_globs *g)
{
	size_t lablen = strlen(lab);

	g->n = 0;
	for (const char *p = ns_data_lab_funcs; *p;) {
		const char *eol = strchr(p, '\n'), *tab, *tab2;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		tab = memchr(p, '\t', len);
		if (*p != '#' && tab && (size_t)(tab - p) == lablen && !strncmp(p, lab, lablen)) {
			tab2 = memchr(tab + 1, '\t', len - (tab + 1 - p));
			size_t glen = tab2 ? (size_t)(tab2 - tab - 1) : len - (tab + 1 - p);

			if (g->n == LAB_FUNCS_MAX)
				break;
			g->glob[g->n] = strndup(tab + 1, glen);
			if (!g->glob[g->n]) {
				globs_free(g);
				return -ENOMEM;
			}
			g->n++;
		}
		p += len + (eol ? 1 : 0);
	}
	return 0;
}

/* ---- the probes, one per method, in the order they are tried ---- */

static void list_add(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", s);
}

/*
 * Resolve the lab's patterns in this kernel's BTF, kallsyms and
 * available_filter_functions (the discovery record runs too) and keep
 * the traceable names for record's --funcs.
 */
static int resolve_funcs(struct lab_method_plan *plan, const struct lab_globs *g, char *why,
			 size_t whylen)
{
	struct func_sources src = { .patterns = (const char *const *)g->glob, .npatterns = g->n,
				    .unmatched_ok = true };
	struct func_set set;
	const char **names;
	size_t n = 0, len = 0;
	char err[320] = "";
	int ret;

	src.btf = btf__load_vmlinux_btf();
	ret = funcs__discover(&set, &src, err, sizeof(err));
	btf__free((struct btf *)src.btf);
	if (ret) {
		snprintf(why, whylen, "function discovery failed: %s", err);
		funcs__free(&set);
		return ret == -ENOMEM ? ret : 0;
	}
	for (size_t i = 0; i < g->n; i++) {
		bool hit = false;

		for (size_t k = 0; k < set.n && !hit; k++)
			hit = !fnmatch(g->glob[i], set.f[k].name, 0);
		if (!hit) {
			list_add(plan->missing, sizeof(plan->missing), g->glob[i]);
			plan->n_missing++;
		}
	}
	names = funcs__traceable(&set, &n);
	plan->traceable = names ? n : 0;
	plan->not_traceable = set.n - plan->traceable;
	for (size_t i = 0; names && i < n; i++)
		len += strlen(names[i]) + 1;
	if (names && n) {
		plan->record_funcs = calloc(1, len + 1);
		if (!plan->record_funcs) {
			funcs__free(&set);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(plan->record_funcs, ",");
			strcat(plan->record_funcs, names[i]);
		}
	} else {
		snprintf(why, whylen, "none of the %zu functions of data/lab_funcs.rules for this lab "
			 "can be traced here (%zu cloned, %zu inlined, %zu notrace, %zu denied, %zu not "
			 "in this kernel)", g->n, set.count[FUNC_CLONED], set.count[FUNC_NO_SYMBOL],
			 set.count[FUNC_NOTRACE], set.count[FUNC_DENIED], plan->n_missing);
	}
	funcs__free(&set);	/* names are the set's */
	return 0;
}

static int probe_bpf_func(struct lab_method_plan *plan, const char *lab, const struct features *ft,
			  struct lab_method_probe *p)
{
	struct lab_globs g;
	enum func_backend b;
	int ret;

	ret = globs_of(lab, &g);
	if (ret)
		return ret;
	plan->rules = g.n;
	if (!g.n) {
		snprintf(p->why, sizeof(p->why), "this lab has no kernel functions to trace "
			 "(no line of data/lab_funcs.rules)");
		return 0;
	}
	/* the backends first: a kernel that allows none costs no discovery */
	b = func_backend_choose(ft, FUNC_BACKEND_AUTO, 0, p->why, sizeof(p->why));
	if (b == FUNC_BACKEND_AUTO) {
		globs_free(&g);
		return 0;
	}
	ret = resolve_funcs(plan, &g, p->why, sizeof(p->why));
	globs_free(&g);
	if (ret || !plan->record_funcs)
		return ret;
	/* what record will choose for this many functions (fentry up to 64) */
	b = func_backend_choose(ft, FUNC_BACKEND_AUTO, plan->traceable, p->why, sizeof(p->why));
	plan->backend = func_backend_name(b);
	p->usable = true;
	snprintf(p->why, sizeof(p->why), "%s on %zu functions", plan->backend, plan->traceable);
	return 0;
}

/*
 * ftrace (capture/ftrace_session.c): function_graph, or the function
 * tracer, in a private instance, on the lab's function set.  Its records
 * carry no skb, so it gives the lab calls, time and nesting but no
 * per-packet function path (the layers lab's function-level map needs
 * bpf-func); it comes after the BPF backends for that reason.
 */
static int probe_ftrace(struct lab_method_plan *plan, const char *lab, const struct features *ft,
			struct lab_method_probe *p)
{
	const struct feature *f = &ft->f[FEAT_FTRACE_FUNCTION];
	struct lab_globs g;
	int ret;

	if (!f->probed || !f->ok) {
		snprintf(p->why, sizeof(p->why), "%s: %s", feature_name(FEAT_FTRACE_FUNCTION),
			 f->probed ? f->detail : "not probed");
		return 0;
	}
	ret = globs_of(lab, &g);
	if (ret)
		return ret;
	plan->rules = g.n;
	if (!g.n) {
		snprintf(p->why, sizeof(p->why), "this lab has no kernel functions to trace "
			 "(no line of data/lab_funcs.rules)");
		return 0;
	}
	ret = resolve_funcs(plan, &g, p->why, sizeof(p->why));
	globs_free(&g);
	if (ret || !plan->record_funcs)
		return ret;
	plan->backend = ft->f[FEAT_FTRACE_FUNCTION_GRAPH].ok ? "ftrace function_graph" :
		"ftrace function";
	p->usable = true;
	snprintf(p->why, sizeof(p->why), "%s on %zu functions (no packet ids: ftrace passes no "
		 "arguments)", plan->backend, plan->traceable);
	return 0;
}

static int probe_tracepoints(struct lab_method_plan *plan, const char *lab, const struct features *ft,
			     struct lab_method_probe *p)
{
	(void)plan;
	(void)lab;
	(void)ft;
	p->usable = true;
	snprintf(p->why, sizeof(p->why), "tracepoints + stacks + cpu samples");
	return 0;
}

static const struct {
	enum lab_method method;
	int (*probe)(struct lab_method_plan *plan, const char *lab, const struct features *ft,
		     struct lab_method_probe *p);
} lab_methods[] = {
	{ LAB_METHOD_BPF_FUNC, probe_bpf_func },
	{ LAB_METHOD_FTRACE, probe_ftrace },
	{ LAB_METHOD_TRACEPOINTS, probe_tracepoints },
};

int lab_method_choose(struct lab_method_plan *plan, const char *lab, enum lab_method want,
		      const struct features *ft)
{
	memset(plan, 0, sizeof(*plan));
	plan->want = want;
	for (size_t i = 0; i < sizeof(lab_methods) / sizeof(lab_methods[0]); i++) {
		struct lab_method_probe *p = &plan->probes[plan->n_probes++];
		int ret;

		p->method = lab_methods[i].method;
		/* a method after the chosen one, or not the one forced, is not probed */
		if (plan->chosen || (want != LAB_METHOD_AUTO && want != p->method))
			continue;
		p->tried = true;
		ret = lab_methods[i].probe(plan, lab, ft, p);
		if (ret)
			return ret;
		if (p->usable)
			plan->chosen = p->method;
		else if (want == p->method) {
			ns_err("--method %s cannot work here: %s", lab_method_name(want), p->why);
			return -EPERM;
		}
	}
	return 0;
}

size_t lab_method_record_args(const struct lab_method_plan *plan, const char **args, size_t max)
{
	size_t n = 0;

	if ((plan->chosen != LAB_METHOD_BPF_FUNC && plan->chosen != LAB_METHOD_FTRACE) ||
	    !plan->record_funcs || max < 4)
		return 0;
	/* forced: record fails rather than fall back, as the user asked;
	 * ftrace always: record's own choice would put the BPF backends first */
	if (plan->want == LAB_METHOD_BPF_FUNC || plan->chosen == LAB_METHOD_FTRACE) {
		args[n++] = "--method";
		args[n++] = lab_method_name(plan->chosen);
	}
	args[n++] = "--funcs";
	args[n++] = plan->record_funcs;
	return n;
}

/* ---- what was used and why not the others ---- */

static const char *probe_verdict(const struct lab_method_plan *plan, const struct lab_method_probe *p)
{
	if (p->method == plan->chosen)
		return "used";
	if (p->tried)
		return "not used";
	return plan->want != LAB_METHOD_AUTO ? "not tried (--method)" : "not needed";
}

void lab_method_text(const struct lab_method_plan *plan, const struct ns_meta *meta, FILE *out)
{
	const char *attached = meta ? ns_meta_get(meta, "capture.funcs") : NULL;

	fprintf(out, "method: %s, ", lab_method_name(plan->chosen));
	if (plan->want != LAB_METHOD_AUTO) {
		fprintf(out, "forced by --method\n");
	} else {
		fprintf(out, "the first of");
		for (size_t i = 0; i < plan->n_probes; i++)
			fprintf(out, "%s %s", i ? "," : "", lab_method_name(plan->probes[i].method));
		fprintf(out, " this kernel allows (--method forces one)\n");
	}
	for (size_t i = 0; i < plan->n_probes; i++) {
		const struct lab_method_probe *p = &plan->probes[i];

		if (p->method == LAB_METHOD_TRACEPOINTS && plan->chosen != p->method) {
			/* the lab's own events come through tracepoints whatever else runs */
			fprintf(out, "  %-12s used too: the lab's events, stacks and cpu samples\n",
				lab_method_name(p->method));
			continue;
		}
		fprintf(out, "  %-12s %s", lab_method_name(p->method), probe_verdict(plan, p));
		if (p->tried)
			fprintf(out, ": %s", p->why);
		else if (plan->want == LAB_METHOD_AUTO)
			fprintf(out, ": %s came first", lab_method_name(plan->chosen));
		fputc('\n', out);
	}
	if (plan->chosen != LAB_METHOD_BPF_FUNC && plan->chosen != LAB_METHOD_FTRACE)
		return;
	fprintf(out, "  functions:   %zu of data/lab_funcs.rules (%zu patterns; %zu matched but not "
		"traceable: netscope doctor --list-funcs)\n", plan->traceable, plan->rules,
		plan->not_traceable);
	if (plan->n_missing)
		fprintf(out, "  not in this kernel: %s\n", plan->missing);
	fprintf(out, "  the trace says: %s\n", attached ? attached : "no kernel functions attached");
}

void lab_method_json(const struct lab_method_plan *plan, const struct ns_meta *meta,
		     struct json_writer *w)
{
	const char *attached = meta ? ns_meta_get(meta, "capture.funcs") : NULL;

	json_obj_begin(w);
	json_kv_str(w, "chosen", lab_method_name(plan->chosen));
	json_kv_bool(w, "forced", plan->want != LAB_METHOD_AUTO);
	json_key(w, "probed");
	json_arr_begin(w);
	for (size_t i = 0; i < plan->n_probes; i++) {
		const struct lab_method_probe *p = &plan->probes[i];

		json_obj_begin(w);
		json_kv_str(w, "method", lab_method_name(p->method));
		json_kv_bool(w, "tried", p->tried);
		json_kv_bool(w, "usable", p->usable);
		json_kv_bool(w, "used", p->method == plan->chosen);
		json_kv_str(w, "why", p->tried ? p->why : "");
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "functions");
	if (plan->chosen != LAB_METHOD_BPF_FUNC && plan->chosen != LAB_METHOD_FTRACE) {
		json_null(w);
	} else {
		json_obj_begin(w);
		json_kv_str(w, "backend", plan->backend ? plan->backend : "");
		json_kv_u64(w, "patterns", plan->rules);
		json_kv_u64(w, "traced", plan->traceable);
		json_kv_u64(w, "not_traceable", plan->not_traceable);
		json_kv_str(w, "not_in_kernel", plan->missing);
		json_kv_str(w, "attached", attached ? attached : "");
		json_obj_end(w);
	}
	json_obj_end(w);
}

void lab_method_free(struct lab_method_plan *plan)
{
	free(plan->record_funcs);
	plan->record_funcs = NULL;
}
