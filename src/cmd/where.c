// SPDX-License-Identifier: GPL-2.0
/*
 * netscope where FUNC: where a function is defined, what it is for, which
 * layer of the stack it belongs to, how connected it is, and whether the
 * running kernel can trace it (fentry needs a BTF FUNC, a kprobe a text
 * symbol; an inlined function has neither).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/xref.h"
#include "common/json.h"
#include "common/log.h"
#include "index/layers.h"
#include "index/query.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope where FUNC [--db FILE] [--src DIR] [--json]\n"
		"\n"
		"Where a kernel function is defined (file:first-last line, static, inline),\n"
		"its kernel-doc summary, the layer of the stack its file belongs to, how many\n"
		"functions call it (also through the function-pointer members it is stored\n"
		"in), how many it calls, how many member uses its body makes, from the typed\n"
		"source index ('netscope index' builds it); and whether the running kernel\n"
		"can trace it: a text symbol in /proc/kallsyms (kprobe), and a BTF FUNC in\n"
		"/sys/kernel/btf/vmlinux with it (fentry/fexit), compiler clones (.isra,\n"
		".constprop, .part), or neither (inlined, or not built into this kernel).\n"
		"\n"
		"Options:\n"
		"  -d, --db FILE    the index (default: netscope-index.sqlite in the tree)\n"
		"  -s, --src DIR    the tree whose index to read (default: the fetched tree)\n"
		"  -j, --json       JSON output\n"
		"  -h, --help       show this help\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope where tcp_v4_rcv\n"
		"  netscope where tcp_rcv_established --json | jq '.kernel'\n"
		"  netscope where --src ~/linux inet_csk_accept\n");
}

/*
 * fentry needs both: the verifier takes the target's prototype from its
 * BTF FUNC and its address from kallsyms_lookup_name() of that exact name
 * (kernel/bpf/verifier.c, bpf_check_attach_target()), so a function whose
 * only symbols are clones (.constprop.0) has a BTF FUNC but cannot be an
 * fentry target.
 */
static bool can_fentry(const struct ixq_kernel *k)
{
	return k->btf_func && k->text_syms;
}

/* one line saying what can be attached, for text and JSON alike */
static const char *verdict(const struct ixq_kernel *k)
{
	if (can_fentry(k))
		return "fentry/fexit and kprobe";
	if (k->btf_func && k->nr_clones)
		return "only its compiler clones, by kprobe under their names (a BTF FUNC, but no symbol "
		       "of its own for fentry)";
	if (k->btf_func)
		return "neither: a BTF FUNC but no kallsyms symbol (fentry finds its target by that symbol)";
	if (k->text_syms)
		return "kprobe only (in kallsyms, no BTF FUNC)";
	if (k->nr_clones)
		return "only its compiler clones, by kprobe under their names";
	if (!k->btf_read && !k->kallsyms_read)
		return "unknown: neither BTF nor /proc/kallsyms could be read";
	return "neither: inlined or not built into this kernel";
}

static void print_def_text(const struct ixq_func *f, const struct ixq_func_stats *s, FILE *out)
{
	const char *summary = ixq__summary_text(f), *layer = f->file ? ix_layer(f->file) : NULL;

	fprintf(out, "%s\n", f->name);
	if (!f->file)
		fprintf(out, "  defined    in no indexed file (only called from them): index its file too\n");
	else
		fprintf(out, "  defined    %s:%u-%u%s%s%s\n", f->file, f->line, f->end_line,
			f->is_static ? ", static" : "", f->is_inline ? ", inline" : "",
			f->in_header ? " (in a header)" : "");
	/* of a function only called, the index knows its callers and where it is stored */
	if (f->file) {
		fprintf(out, "  summary    %s\n", summary ? summary : "(no kernel-doc)");
		fprintf(out, "  layer      %s\n", layer ? layer : "(not in the layer table)");
	}
	fprintf(out, "  callers    %u function%s, %u call site%s", s->callers, PLURAL(s->callers),
		s->caller_sites, PLURAL(s->caller_sites));
	if (s->indirect_sites)
		fprintf(out, "; through pointers: %u function%s, %u call site%s", s->indirect_callers,
			PLURAL(s->indirect_callers), s->indirect_sites, PLURAL(s->indirect_sites));
	fputc('\n', out);
	if (f->file) {
		fprintf(out, "  callees    %u function%s, %u call site%s", s->callees, PLURAL(s->callees),
			s->callee_sites, PLURAL(s->callee_sites));
		if (s->pointer_sites)
			fprintf(out, "; %u call%s through pointers", s->pointer_sites, PLURAL(s->pointer_sites));
		fprintf(out, "\n  accesses   %u member use%s, %u distinct member%s\n", s->accesses,
			PLURAL(s->accesses), s->members, PLURAL(s->members));
	}
	for (size_t i = 0; i < s->nr_stores; i++) {
		const struct ixq_store *st = &s->stores[i];

		fprintf(out, "  %s %s, %s%s at %s:%u\n", i ? "          " : "stored in ", st->slot,
			st->holder ? st->holder : "", st->holder ? (st->assign ? " assigns it" : "") :
			(st->assign ? "assigned" : "initialized"), st->file, st->line);
	}
}

static void print_kernel_text(const char *name, const struct ixq_kernel *k, const char *running, FILE *out)
{
	fprintf(out, "running kernel %s: %s\n", running, verdict(k));
	if (!k->btf_read)
		fprintf(out, "  BTF        cannot read /sys/kernel/btf/vmlinux\n");
	else
		fprintf(out, "  BTF        %s\n", can_fentry(k) ? "FUNC present: fentry/fexit can attach" :
			k->btf_func ? "FUNC present, but fentry/fexit also need a kallsyms symbol of this name" :
			"no FUNC of this name");
	if (!k->kallsyms_read)
		fprintf(out, "  kallsyms   cannot read /proc/kallsyms\n");
	else if (k->text_syms)
		fprintf(out, "  kallsyms   %u text symbol%s%s%s%s: kprobe can attach\n", k->text_syms,
			k->text_syms > 1 ? "s (statics of one name in several files)" : "",
			k->module[0] ? " in module " : "", k->module, "");
	else
		fprintf(out, "  kallsyms   no text symbol '%s'\n", name);
	for (unsigned i = 0; i < k->nr_clones; i++)
		fprintf(out, "  %s %s\n", i ? "          " : "clones    ", k->clones[i]);
	if (k->nr_clones)
		fprintf(out, "             (compiler copies: a kprobe on one sees only the calls that reach it, "
			"with the arguments the compiler kept)\n");
}

static void json_stats(struct json_writer *w, const struct ixq_func_stats *s)
{
	json_key(w, "callers");
	json_obj_begin(w);
	json_kv_u64(w, "functions", s->callers);
	json_kv_u64(w, "sites", s->caller_sites);
	json_obj_end(w);
	json_key(w, "indirect_callers");
	json_obj_begin(w);
	json_kv_u64(w, "functions", s->indirect_callers);
	json_kv_u64(w, "sites", s->indirect_sites);
	json_obj_end(w);
	json_key(w, "callees");
	json_obj_begin(w);
	json_kv_u64(w, "functions", s->callees);
	json_kv_u64(w, "sites", s->callee_sites);
	json_kv_u64(w, "pointer_sites", s->pointer_sites);
	json_obj_end(w);
	json_key(w, "accesses");
	json_obj_begin(w);
	json_kv_u64(w, "uses", s->accesses);
	json_kv_u64(w, "members", s->members);
	json_obj_end(w);
	json_key(w, "stored_in");
	json_arr_begin(w);
	for (size_t i = 0; i < s->nr_stores; i++) {
		json_obj_begin(w);
		json_kv_str(w, "slot", s->stores[i].slot);
		json_key(w, "holder");
		if (s->stores[i].holder)
			json_str(w, s->stores[i].holder);
		else
			json_null(w);
		json_kv_str(w, "how", s->stores[i].assign ? "assign" : "init");
		json_kv_str(w, "file", s->stores[i].file);
		json_kv_u64(w, "line", s->stores[i].line);
		json_obj_end(w);
	}
	json_arr_end(w);
}

static void json_def(struct json_writer *w, const struct ixq_func *f, const struct ixq_func_stats *s)
{
	const char *summary = ixq__summary_text(f), *layer = f->file ? ix_layer(f->file) : NULL;

	json_obj_begin(w);
	json_kv_bool(w, "defined", f->file != NULL);
	json_key(w, "file");
	if (f->file)
		json_str(w, f->file);
	else
		json_null(w);
	json_kv_u64(w, "line", f->line);
	json_kv_u64(w, "end_line", f->end_line);
	json_kv_bool(w, "static", f->is_static);
	json_kv_bool(w, "inline", f->is_inline);
	json_kv_bool(w, "in_header", f->in_header);
	json_key(w, "summary");
	if (summary)
		json_str(w, summary);
	else
		json_null(w);
	json_key(w, "layer");
	if (layer)
		json_str(w, layer);
	else
		json_null(w);
	json_stats(w, s);
	json_obj_end(w);
}

static void json_kernel(struct json_writer *w, const struct ixq_kernel *k, const char *running)
{
	json_key(w, "kernel");
	json_obj_begin(w);
	json_kv_str(w, "release", running);
	json_kv_bool(w, "btf_read", k->btf_read);
	json_kv_bool(w, "btf_func", k->btf_func);
	json_kv_bool(w, "fentry", can_fentry(k));
	json_kv_bool(w, "kallsyms_read", k->kallsyms_read);
	json_kv_u64(w, "text_symbols", k->text_syms);
	json_kv_bool(w, "kprobe", k->text_syms > 0);
	json_key(w, "module");
	if (k->module[0])
		json_str(w, k->module);
	else
		json_null(w);
	json_key(w, "clones");
	json_arr_begin(w);
	for (unsigned i = 0; i < k->nr_clones; i++)
		json_str(w, k->clones[i]);
	json_arr_end(w);
	json_kv_bool(w, "traceable", k->text_syms || k->nr_clones);
	json_kv_str(w, "verdict", verdict(k));
	json_obj_end(w);
}

int cmd_where(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ NULL },
	};
	const char *db = NULL, *src = NULL, *name;
	struct ixq_func_stats *stats = NULL;
	struct ixq_func *defs = NULL;
	struct ixq_kernel k;
	size_t nr = 0, done = 0;
	bool json = false;
	struct ixq *q;
	int c, err, ret = 1;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	json = co->json;
	while ((c = getopt_long(argc, argv, "d:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 's':
			src = optarg;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	name = cmd_one_operand(argc, argv, "function name");
	if (!name) {
		usage(stderr);
		return 2;
	}
	q = xref_open(db, src);
	if (!q)
		return 1;
	err = ixq__find_funcs(q, name, &defs, &nr);
	/* defined in no indexed file, but called from one: what is known of it */
	if (!err && !nr)
		err = ixq__find_called(q, name, &defs, &nr);
	if (!err && !nr) {
		xref_unknown_func(q, name);
		goto cleanup;
	}
	stats = err ? NULL : calloc(nr, sizeof(*stats));
	if (!err && !stats)
		err = -ENOMEM;
	for (; !err && done < nr; done++)
		err = ixq__func_stats(q, &defs[done], &stats[done]);
	if (err) {
		ns_err("cannot read '%s' from '%s': %s", name, ixq__meta(q)->db,
		       err == -EIO ? ixq__errmsg(q) : strerror(-err));
		goto cleanup;
	}
	ixq__kernel_lookup(name, &k);
	if (json) {
		struct json_writer *w = json_new(stdout);

		json_obj_begin(w);
		json_kv_u64(w, "schema_version", XREF_JSON_SCHEMA);
		xref_json_index(w, ixq__meta(q));
		json_kv_str(w, "function", name);
		json_key(w, "definitions");
		json_arr_begin(w);
		for (size_t i = 0; i < nr; i++)
			json_def(w, &defs[i], &stats[i]);
		json_arr_end(w);
		json_kernel(w, &k, ixq__meta(q)->running);
		json_obj_end(w);
		json_free(w);
		putchar('\n');
	} else {
		xref_version_note(ixq__meta(q), stdout);
		for (size_t i = 0; i < nr; i++) {
			print_def_text(&defs[i], &stats[i], stdout);
			putchar('\n');
		}
		print_kernel_text(name, &k, ixq__meta(q)->running, stdout);
	}
	ret = 0;
cleanup:
	for (size_t i = 0; stats && i < done; i++)
		ixq__func_stats_free(&stats[i]);
	free(stats);
	ixq__funcs_free(defs, nr);
	ixq__close(q);
	return ret;
}
