// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab structs: the first experiment of a stack study ("look at
 * struct sk_buff and struct sock, understand them and where they are
 * referenced"), answered from the three sources netscope has: the running
 * kernel's BTF (layout), the source tree's kernel-doc (what each member
 * is for, what the source and BTF disagree on), and the typed index (which
 * members the code uses most, how, and which functions use them most).
 * Each part is shown when its source exists, and says how to get it when
 * it does not.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/lab.h"
#include "cmd/xref.h"
#include "common/json.h"
#include "common/log.h"
#include "index/query.h"
#include "index/query_lab.h"
#include "index/store.h"
#include "inspect/btf_layout.h"
#include "inspect/struct_notes.h"

static const char *const lab_structs[] = { "sk_buff", "sock", "sock_common" };
#define NR_LAB_STRUCTS (sizeof(lab_structs) / sizeof(lab_structs[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope lab structs [--src DIR] [--db FILE] [--top N] [--json]\n"
		"\n"
		"A walkthrough of struct sk_buff, struct sock and struct sock_common, the\n"
		"structures a packet and a connection live in: their layout in the running\n"
		"kernel (BTF), what each member is for (kernel-doc of the source tree), the\n"
		"members the code uses most and how (reads, writes, address taken, from the\n"
		"typed source index), the functions that use them most, and what the source\n"
		"and this kernel's BTF disagree on.  Parts whose source is missing say which\n"
		"command provides it: `netscope source fetch`, `netscope index`.\n"
		"\n"
		"Options:\n"
		"  -s, --src DIR    kernel source tree (default: the fetched one)\n"
		"  -d, --db FILE    source index (default: the tree's netscope-index.sqlite)\n"
		"  -n, --top N      members and functions shown per struct (default 10)\n"
		"  -j, --json       one JSON object\n"
		"  -h, --help       show this help\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope source fetch && netscope index && netscope lab structs\n"
		"  netscope lab structs --top 25 --json | jq '.structs[0].members'\n");
}

struct lab {
	struct btf *btf;
	struct ixq *q;
	struct ixq_meta qmeta;
	bool have_src, json;
	const char *src_dir;
	unsigned top;
	char running[64];
};

/* the member named name in node, looking through anonymous structs and unions as C does */
static const struct btf_layout_member *find_member(const struct btf_layout_node *node, const char *name)
{
	for (__u32 i = 0; i < node->nr_members; i++) {
		const struct btf_layout_member *m = &node->members[i];

		if (!strcmp(m->name, name))
			return m;
		if (!m->name[0] && m->nested) {
			const struct btf_layout_member *in = find_member(m->nested, name);

			if (in)
				return in;
		}
	}
	return NULL;
}

static __u32 hole_bytes(const struct btf_layout_node *n)
{
	__u32 sum = n->sum_holes;

	for (__u32 i = 0; i < n->nr_members; i++)
		if (n->members[i].nested && !n->members[i].name[0])
			sum += hole_bytes(n->members[i].nested);
	return sum;
}

static void text_layout(const struct lab *lab, const struct btf_layout *l)
{
	printf("  layout in the running kernel (%s, BTF): %u bytes, %u cache line%s, %u bytes of holes,"
	       " %u bytes of tail padding\n", lab->running, l->root.size, l->cachelines,
	       l->cachelines == 1 ? "" : "s", hole_bytes(&l->root), l->root.padding);
}

static void text_members(const struct lab *lab, const char *name, const struct btf_layout *l,
			 struct src_notes *sn)
{
	struct ixq_record_stats rs = { 0 };
	int err = ixq__record_members(lab->q, name, &rs);
	size_t shown;

	if (err == -ENOENT) {
		printf("  the index has no use of struct %s's members\n", name);
		return;
	}
	if (err) {
		printf("  !! index query failed: %s\n", ixq__errmsg(lab->q));
		return;
	}
	shown = rs.nr < lab->top ? rs.nr : lab->top;
	printf("  most used members (%u uses of %zu members in the index):\n", rs.total, rs.nr);
	printf("    %7s %6s %6s %6s %6s %7s %5s  %-22s %s\n", "uses", "read", "write", "addr", "funcs",
	       "offset", "size", "member", "explanation");
	for (size_t i = 0; i < shown; i++) {
		const struct ixq_member_stat *m = &rs.members[i];
		const struct btf_layout_member *bm = find_member(&l->root, m->member);
		bool marked = false;
		const char *doc = lab->have_src && sn->found ? src_notes__doc(sn, m->member, &marked) : NULL;
		char off[16] = "-", size[16] = "-";

		if (bm) {
			snprintf(off, sizeof(off), "%u", bm->offset);
			snprintf(size, sizeof(size), "%u", bm->size);
		}
		printf("    %7u %6u %6u %6u %6u %7s %5s  %-22s %.*s%s\n", m->total,
		       ixq__count(&m->counts, IXQ_READS), ixq__count(&m->counts, IXQ_WRITES),
		       m->counts.n[IXQ_ADDR], m->funcs, off, size, m->member, doc ? 60 : 0, doc ? doc : "",
		       doc && strlen(doc) > 60 ? "..." : !bm ? "(not in this kernel's BTF)" : "");
	}
	ixq__record_stats_free(&rs);
}

static void text_functions(const struct lab *lab, const char *name)
{
	struct ixq_func_use *fu = NULL;
	size_t n = 0;

	if (ixq__record_funcs(lab->q, name, lab->top, &fu, &n) || !n)
		return;
	printf("  functions that use it most:\n");
	printf("    %7s %7s  %-32s %s\n", "uses", "members", "function", "where");
	for (size_t i = 0; i < n; i++) {
		const struct ixq_func *f = &fu[i].func;
		const char *sum = ixq__summary_text(f);

		printf("    %7u %7u  %-32s %s:%u%s%s\n", fu[i].uses, fu[i].members, f->name ? f->name : "?",
		       f->file ? f->file : "?", f->line, sum ? "  " : "", sum ? sum : "");
	}
	ixq__record_funcs_free(fu, n);
}

static void text_differences(const struct src_notes *sn)
{
	size_t n = 0;

	printf("  source (linux %s) and BTF (%s) differ:\n    only in source:", sn->tree.version, sn->running);
	for (size_t i = 0; i < sn->ks.nr_fields; i++)
		if (src_notes__only_in_source(sn, &sn->ks.fields[i]))
			printf("%s %s%s%s%s", n++ ? "," : "", sn->ks.fields[i].path, sn->ks.fields[i].cond ? " [" : "",
			       sn->ks.fields[i].cond ? sn->ks.fields[i].cond : "", sn->ks.fields[i].cond ? "]" : "");
	printf("%s\n    only in BTF:", n ? "" : " none");
	n = 0;
	for (size_t i = 0; i < sn->nr_visible; i++)
		if (!kdoc__field(&sn->ks, sn->visible[i]))
			printf("%s %s", n++ ? "," : "", sn->visible[i]);
	printf("%s\n", n ? "" : " none");
}

static void json_struct(const struct lab *lab, struct json_writer *w, const char *name,
			const struct btf_layout *l, struct src_notes *sn)
{
	struct ixq_record_stats rs = { 0 };
	struct ixq_func_use *fu = NULL;
	size_t nfu = 0;

	json_obj_begin(w);
	json_kv_str(w, "name", name);
	json_key(w, "btf");
	json_obj_begin(w);
	json_kv_u64(w, "size", l->root.size);
	json_kv_u64(w, "cachelines", l->cachelines);
	json_kv_u64(w, "hole_bytes", hole_bytes(&l->root));
	json_kv_u64(w, "tail_padding", l->root.padding);
	json_obj_end(w);
	json_key(w, "kernel_doc");
	if (lab->have_src && sn->found && sn->ks.summary)
		json_str(w, sn->ks.summary);
	else
		json_null(w);
	json_key(w, "members");
	json_arr_begin(w);
	if (lab->q && !ixq__record_members(lab->q, name, &rs)) {
		for (size_t i = 0; i < rs.nr && i < lab->top; i++) {
			const struct ixq_member_stat *m = &rs.members[i];
			const struct btf_layout_member *bm = find_member(&l->root, m->member);
			bool marked = false;
			const char *doc = lab->have_src && sn->found ? src_notes__doc(sn, m->member, &marked) : NULL;

			json_obj_begin(w);
			json_kv_str(w, "member", m->member);
			json_kv_u64(w, "uses", m->total);
			json_kv_u64(w, "reads", ixq__count(&m->counts, IXQ_READS));
			json_kv_u64(w, "writes", ixq__count(&m->counts, IXQ_WRITES));
			json_kv_u64(w, "addr", m->counts.n[IXQ_ADDR]);
			json_kv_u64(w, "functions", m->funcs);
			json_key(w, "offset");
			bm ? json_u64(w, bm->offset) : json_null(w);
			json_key(w, "size");
			bm ? json_u64(w, bm->size) : json_null(w);
			json_key(w, "doc");
			doc ? json_str(w, doc) : json_null(w);
			json_obj_end(w);
		}
	}
	json_arr_end(w);
	json_key(w, "functions");
	json_arr_begin(w);
	if (lab->q && !ixq__record_funcs(lab->q, name, lab->top, &fu, &nfu)) {
		for (size_t i = 0; i < nfu; i++) {
			json_obj_begin(w);
			json_kv_str(w, "function", fu[i].func.name ? fu[i].func.name : "?");
			json_key(w, "file");
			fu[i].func.file ? json_str(w, fu[i].func.file) : json_null(w);
			json_kv_u64(w, "line", fu[i].func.line);
			json_kv_u64(w, "uses", fu[i].uses);
			json_kv_u64(w, "members", fu[i].members);
			json_kv_u64(w, "reads", fu[i].reads);
			json_kv_u64(w, "writes", fu[i].writes);
			json_kv_u64(w, "addr", fu[i].addrs);
			json_key(w, "summary");
			ixq__summary_text(&fu[i].func) ? json_str(w, ixq__summary_text(&fu[i].func)) : json_null(w);
			json_obj_end(w);
		}
		ixq__record_funcs_free(fu, nfu);
	}
	json_arr_end(w);
	if (lab->have_src)
		src_notes__json(sn, w);
	json_obj_end(w);
	ixq__record_stats_free(&rs);
}

static int one_struct(struct lab *lab, struct json_writer *w, const char *name)
{
	struct btf_layout_opts opts = { 0 };
	struct btf_layout *l;
	struct src_notes sn = { 0 };
	int id = btf_layout__find(lab->btf, name), err = 0;

	if (id < 0) {
		ns_err("the running kernel's BTF has no struct %s", name);
		return -ENOENT;
	}
	l = btf_layout__build(lab->btf, id, &opts);
	if (!l) {
		ns_err("cannot compute the layout of struct %s: %s", name, strerror(errno));
		return -errno;
	}
	if (lab->have_src) {
		src_notes__open_tree(lab->src_dir, &sn, &lab->have_src, true);
		err = lab->have_src ? src_notes__init(&sn, l) : 0;
		if (err) {
			ns_err("cannot read the source of struct %s: %s", name, strerror(-err));
			goto out;
		}
	}
	if (w) {
		json_struct(lab, w, name, l, &sn);
		goto out;
	}
	printf("\nstruct %s%s%s\n", name, lab->have_src && sn.found && sn.ks.summary ? " - " : "",
	       lab->have_src && sn.found && sn.ks.summary ? sn.ks.summary : "");
	if (lab->have_src && sn.found)
		printf("  defined at %s:%u (linux %s)\n", sn.rel, sn.ks.line, sn.tree.version);
	text_layout(lab, l);
	if (lab->q) {
		text_members(lab, name, l, &sn);
		text_functions(lab, name);
	}
	if (lab->have_src && sn.found)
		text_differences(&sn);
	printf("  next: netscope struct %s --expand;  netscope xref %s;  netscope xref %s.<member>\n",
	       name, name, name);
out:
	src_notes__free(&sn);
	btf_layout__free(l);
	return err;
}

static int lab_structs_run(struct lab *lab, const char *db)
{
	char path[PATH_MAX];
	struct source_tree tree;
	struct json_writer *w = NULL;
	int err = 0;

	source__running_version(lab->running, sizeof(lab->running));
	lab->have_src = lab->src_dir ? !source__open(lab->src_dir, &tree) : !source__default(&tree);
	if (lab->src_dir && !lab->have_src) {
		ns_err("'%s' is not a kernel source tree (no include/ in it)", lab->src_dir);
		return -ENOENT;
	}
	if (db) {
		/* an index asked for by name must be there */
		lab->q = xref_open(db, lab->src_dir);
		if (!lab->q)
			return -ENOENT;
		lab->qmeta = *ixq__meta(lab->q);
	} else if (!ix_default_db(lab->src_dir, path, sizeof(path))) {
		err = ixq__open(path, &lab->q, &lab->qmeta);
		if (err && err != -ENOENT) {
			char why[PATH_MAX * 3];

			ns_err("%s", ixq__open_error(err, path, &lab->qmeta, why, sizeof(why)));
			return err;
		}
		/* no index yet: the walkthrough goes on without the uses, and says so */
		lab->q = err ? NULL : lab->q;
		err = 0;
	}
	lab->btf = btf__load_vmlinux_btf();
	if (!lab->btf) {
		err = -errno;
		ns_err("cannot read the running kernel's BTF (/sys/kernel/btf/vmlinux): %s", strerror(-err));
		return err;
	}
	if (lab->json) {
		w = json_new(stdout);
		if (!w)
			return -ENOMEM;
		json_obj_begin(w);
		json_kv_u64(w, "schema_version", 1);
		json_kv_str(w, "running_kernel", lab->running);
		json_key(w, "source");
		lab->have_src ? json_str(w, tree.dir) : json_null(w);
		json_key(w, "index");
		if (lab->q) {
			json_obj_begin(w);
			json_kv_str(w, "db", lab->qmeta.db);
			json_kv_str(w, "tree_version", lab->qmeta.tree_version);
			json_kv_bool(w, "version_differs", lab->qmeta.version_differs);
			json_obj_end(w);
		} else {
			json_null(w);
		}
		json_key(w, "structs");
		json_arr_begin(w);
	} else {
		printf("lab structs: the structures a packet (sk_buff) and a connection (sock, sock_common)"
		       " live in\n");
		if (!lab->have_src)
			printf("  no source tree: `netscope source fetch` gets one (kernel-doc explanations, "
			       "source/BTF differences)\n");
		if (!lab->q)
			printf("  no source index: `netscope index` builds one (which members the code uses, "
			       "and where)\n");
		else
			printf("  index: %s (linux %s)%s\n", lab->qmeta.db, lab->qmeta.tree_version,
			       lab->qmeta.version_differs ? "; the running kernel is another version: uses and "
			       "lines are the source's" : "");
	}
	for (size_t i = 0; i < NR_LAB_STRUCTS && !err; i++)
		err = one_struct(lab, w, lab_structs[i]);
	if (w) {
		json_arr_end(w);
		json_obj_end(w);
		fputc('\n', stdout);
		json_free(w);
	}
	return err;
}

int lab_structs_main(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "top", required_argument, NULL, 'n' },
		{ NULL },
	};
	struct lab lab = { .top = 10 };
	const char *db = NULL;
	char *end;
	int c, err;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	lab.json = co->json;
	while ((c = getopt_long(argc, argv, "s:d:n:", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			lab.src_dir = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'n':
			errno = 0;
			lab.top = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || !lab.top || lab.top > 10000) {
				ns_err("invalid --top value '%s' (1 to 10000)", optarg);
				return 2;
			}
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		ns_err("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return 2;
	}
	libbpf_set_print(NULL);
	err = lab_structs_run(&lab, db);
	if (lab.q)
		ixq__close(lab.q);
	btf__free(lab.btf);
	return err ? 1 : 0;
}
