// SPDX-License-Identifier: GPL-2.0
/*
 * netscope struct NAME: the layout of a kernel struct or union from BTF,
 * as pahole prints it (src/inspect/btf_layout.c computes, _print.c renders).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "common/log.h"
#include "common/json.h"
#include "inspect/btf_layout.h"
#include "inspect/kerneldoc.h"
#include "inspect/source.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define MAX_SUGGEST 5

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope struct NAME [--expand] [--json] [--btf FILE] [--src DIR]\n"
		"\n"
		"The layout of a struct or union from BTF, as pahole shows it: offset and\n"
		"size of every member, bitfields, holes and bit holes, tail padding and\n"
		"64-byte cache line boundaries. NAME may be 'sk_buff', 'struct sk_buff',\n"
		"'union bpf_attr' or a typedef of a struct.\n"
		"\n"
		"Options:\n"
		"  -E, --expand     expand named struct/union members too, with absolute\n"
		"                   offsets (anonymous ones are always expanded)\n"
		"  -j, --json       JSON output; schema in docs/struct.md\n"
		"  -b, --btf FILE   read BTF from FILE (ELF with a .BTF section, raw BTF, or\n"
		"                   a module's BTF split from vmlinux) instead of the\n"
		"                   running kernel's " VMLINUX_BTF "\n"
		"  -s, --src DIR    kernel source tree for explanations (kernel-doc), macro\n"
		"                   aliases and source/BTF differences; default: the tree\n"
		"                   'netscope source fetch' got, if any\n"
		"  -v, --verbose    show libbpf's messages\n"
		"  -h, --help       show this help\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope struct sk_buff\n"
		"  netscope struct sock_common --json | jq '.holes'\n"
		"  netscope struct --expand tcp_sock\n"
		"  netscope struct --btf ./vmlinux 'struct sock'\n"
		"  netscope struct --src ~/linux sock\n");
}

/* libbpf's own warnings only with -v: our error says what failed */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (ns_verbose < 1 || (level == LIBBPF_DEBUG && ns_verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * BTF from a file: an ELF with .BTF or raw BTF; failing that, split BTF on
 * top of the running kernel's (what /sys/kernel/btf/<module> holds).
 */
static bool is_elf(const char *path)
{
	unsigned char magic[4] = {};
	FILE *f = fopen(path, "rb");
	bool elf;

	if (!f)
		return false;
	elf = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "\177ELF", 4);
	fclose(f);
	return elf;
}

static struct btf *load_btf_file(const char *path, struct btf **base)
{
	struct stat st;
	struct btf *btf;
	int err;

	if (stat(path, &st) || access(path, R_OK)) {
		err = errno;
		ns_err("cannot open BTF file '%s': %s", path, strerror(err));
		errno = err;
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		ns_err("cannot read BTF from '%s': it is a directory", path);
		errno = EISDIR;
		return NULL;
	}
	btf = btf__parse(path, NULL);
	if (btf)
		return btf;
	err = errno;
	*base = btf__load_vmlinux_btf();
	if (*base) {
		btf = btf__parse_split(path, *base);
		if (btf)
			return btf;
	}
	/* libbpf's errno says little here (ENOENT for a missing section) */
	if (is_elf(path))
		ns_err("cannot read BTF from '%s': the ELF file has no usable .BTF section", path);
	else
		ns_err("cannot read BTF from '%s': neither raw BTF nor an ELF file with a .BTF section",
		       path);
	errno = err;
	return NULL;
}

static struct btf *load_btf(const char *path, struct btf **base)
{
	struct btf *btf;
	int err;

	*base = NULL;
	if (path)
		return load_btf_file(path, base);
	btf = btf__load_vmlinux_btf();
	if (btf)
		return btf;
	err = errno;
	ns_err("cannot load the running kernel's BTF (%s): %s; the kernel needs "
	       "CONFIG_DEBUG_INFO_BTF=y, or give a file with --btf FILE",
	       VMLINUX_BTF, strerror(err));
	errno = err;
	return NULL;
}

static void report_unknown(const struct btf *btf, const char *name)
{
	const char *near[MAX_SUGGEST];
	char list[512] = "";
	size_t len = 0;
	const char *bare = name;
	int n;

	if (!strncmp(bare, "struct ", 7))
		bare += 7;
	else if (!strncmp(bare, "union ", 6))
		bare += 6;
	n = btf_layout__suggest(btf, bare, near, MAX_SUGGEST);
	for (int i = 0; i < n && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", near[i]);
	if (n)
		ns_err("no struct or union named '%s' in BTF; did you mean: %s?", bare, list);
	else
		ns_err("no struct or union named '%s' in BTF", bare);
}

/* ---- what the kernel source says: kernel-doc, aliases, members ---- */

struct src_notes {
	struct source_tree tree;
	char running[64];
	char rel[PATH_MAX];
	bool found;		/* the tree defines the struct */
	struct kdoc_struct ks;
	char **visible;		/* BTF member paths as C names them (no --expand) */
	size_t nr_visible;
	char **all;		/* and those inside --expand'ed members */
	size_t nr_all;
	const char **attach;	/* per alias: the layout member it is shown with */
	size_t documented, undocumented;
	struct btf_layout_notes notes;
};

static int add_path(char ***arr, size_t *nr, const char *path)
{
	char **a = realloc(*arr, (*nr + 1) * sizeof(**arr));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*nr] = strdup(path);
	return a[(*nr)++] ? 0 : -ENOMEM;
}

/* member paths: through anonymous members without a name part, as C does */
static int collect_paths(struct src_notes *sn, const struct btf_layout_node *n, const char *prefix,
			 bool visible)
{
	char path[512];
	int err = 0;

	for (__u32 i = 0; i < n->nr_members && !err; i++) {
		const struct btf_layout_member *lm = &n->members[i];
		bool anon_type = lm->nested && !lm->nested->name[0];

		snprintf(path, sizeof(path), "%s%s%s", prefix, lm->name, lm->name[0] ? "." : "");
		if (lm->name[0]) {
			path[strlen(path) - 1] = '\0';
			err = add_path(&sn->all, &sn->nr_all, path);
			if (!err && visible)
				err = add_path(&sn->visible, &sn->nr_visible, path);
			strcat(path, ".");
		}
		if (!err && lm->nested)
			err = collect_paths(sn, lm->nested, lm->name[0] ? path : prefix, visible && anon_type);
	}
	return err;
}

static bool has_path(char **arr, size_t nr, const char *path)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(arr[i], path))
			return true;
	return false;
}

static const char *note_doc(void *ctx, const char *path, bool *marked)
{
	struct src_notes *sn = ctx;

	*marked = sn->ks.has_comment;
	return sn->found ? kdoc__doc(&sn->ks, path) : NULL;
}

static int note_aliases(void *ctx, const char *path, const char **names, const char **paths, int max)
{
	struct src_notes *sn = ctx;
	int n = 0;

	for (size_t i = 0; i < sn->ks.nr_aliases && n < max; i++)
		if (sn->attach[i] && !strcmp(sn->attach[i], path)) {
			names[n] = sn->ks.aliases[i].name;
			paths[n++] = sn->ks.aliases[i].path;
		}
	return n;
}

static bool version_differs(const struct src_notes *sn)
{
	return strcmp(sn->tree.version, sn->running) != 0;
}

static void note_json(void *ctx, struct json_writer *w)
{
	struct src_notes *sn = ctx;

	json_key(w, "source");
	json_obj_begin(w);
	json_kv_str(w, "dir", sn->tree.dir);
	json_kv_str(w, "version", sn->tree.version);
	json_kv_str(w, "running_kernel", sn->running);
	json_kv_bool(w, "version_differs", version_differs(sn));
	json_key(w, "file");
	if (sn->found)
		json_str(w, sn->rel);
	else
		json_null(w);
	json_kv_u64(w, "line", sn->found ? sn->ks.line : 0);
	json_kv_bool(w, "kernel_doc", sn->ks.has_comment);
	json_kv_u64(w, "documented", sn->documented);
	json_kv_u64(w, "undocumented", sn->undocumented);
	json_key(w, "only_in_source");
	json_arr_begin(w);
	for (size_t i = 0; i < sn->ks.nr_fields; i++) {
		const struct kdoc_field *f = &sn->ks.fields[i];

		if (has_path(sn->visible, sn->nr_visible, f->path))
			continue;
		json_obj_begin(w);
		json_kv_str(w, "name", f->path);
		json_key(w, "cond");
		if (f->cond)
			json_str(w, f->cond);
		else
			json_null(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "only_in_btf");
	json_arr_begin(w);
	for (size_t i = 0; sn->found && i < sn->nr_visible; i++)
		if (!kdoc__field(&sn->ks, sn->visible[i]))
			json_str(w, sn->visible[i]);
	json_arr_end(w);
	json_obj_end(w);
}

static void src_notes_free(struct src_notes *sn)
{
	for (size_t i = 0; i < sn->nr_visible; i++)
		free(sn->visible[i]);
	for (size_t i = 0; i < sn->nr_all; i++)
		free(sn->all[i]);
	free(sn->visible);
	free(sn->all);
	free(sn->attach);
	kdoc__free(&sn->ks);
}

/*
 * Read the struct's definition from the tree and match it to the layout.
 * Returns 0 (also when the tree does not define it) or -ENOMEM.
 */
static int src_notes_init(struct src_notes *sn, struct btf_layout *layout)
{
	const char *kind = layout->root.kind == BTF_KIND_UNION ? "union" : "struct";
	char *text = NULL;
	size_t len;
	int err;

	source__running_version(sn->running, sizeof(sn->running));
	err = collect_paths(sn, &layout->root, "", true);
	if (err || !layout->root.name[0])
		return err;
	err = source__find_struct(&sn->tree, kind, layout->root.name, sn->rel, sizeof(sn->rel), &text, &len);
	if (err)
		return err == -ENOENT ? 0 : err;
	err = kdoc__parse(text, len, kind, layout->root.name, &sn->ks);
	free(text);
	if (err)
		return err == -ENOENT ? 0 : err;
	sn->found = true;
	for (size_t i = 0; i < sn->nr_visible; i++) {
		if (kdoc__doc(&sn->ks, sn->visible[i]))
			sn->documented++;
		else
			sn->undocumented++;
	}
	/* an alias is shown with the deepest member on its path the layout has */
	sn->attach = calloc(sn->ks.nr_aliases + 1, sizeof(*sn->attach));
	if (!sn->attach)
		return -ENOMEM;
	for (size_t i = 0; i < sn->ks.nr_aliases; i++) {
		const char *target = sn->ks.aliases[i].path;
		size_t best = 0;

		for (size_t j = 0; j < sn->nr_all; j++) {
			size_t l = strlen(sn->all[j]);

			if (l > best && !strncmp(target, sn->all[j], l) && (!target[l] || target[l] == '.')) {
				best = l;
				sn->attach[i] = sn->all[j];
			}
		}
	}
	return 0;
}

static void print_version_line(const struct src_notes *sn, FILE *out)
{
	if (version_differs(sn))
		fprintf(out, "/* source tree %s is linux %s, the running kernel is %s: explanations and "
			"differences below are from %s */\n", sn->tree.dir,
			sn->tree.version[0] ? sn->tree.version : "(unknown version)", sn->running,
			sn->tree.version[0] ? sn->tree.version : "that tree");
}

/* after the layout: where the definition is, what is documented, what differs */
static void print_source_trailer(const struct src_notes *sn, const struct btf_layout *l, FILE *out)
{
	size_t n = 0;

	if (!sn->found) {
		fprintf(out, "/* %s %s is not defined in %s (include/, net/, drivers/net/, arch/x86/include/) */\n",
			l->root.kind == BTF_KIND_UNION ? "union" : "struct", l->root.name[0] ? l->root.name :
			l->typedef_name, sn->tree.dir);
		return;
	}
	fprintf(out, "/* source: %s:%u in %s (linux %s)\n", sn->rel, sn->ks.line, sn->tree.dir,
		sn->tree.version);
	if (sn->ks.has_comment)
		fprintf(out, " * kernel-doc: %zu of %zu members documented\n", sn->documented,
			sn->documented + sn->undocumented);
	else
		fprintf(out, " * kernel-doc: no comment names this struct\n");
	fprintf(out, " * only in source (config options this kernel lacks, or other versions):");
	for (size_t i = 0; i < sn->ks.nr_fields; i++) {
		const struct kdoc_field *f = &sn->ks.fields[i];

		if (has_path(sn->visible, sn->nr_visible, f->path))
			continue;
		fprintf(out, "%s\n *   %s%s%s%s", n++ ? "" : "", f->path, f->cond ? " [" : "",
			f->cond ? f->cond : "", f->cond ? "]" : "");
	}
	fprintf(out, "%s\n * only in BTF:", n ? "" : " none");
	n = 0;
	for (size_t i = 0; i < sn->nr_visible; i++)
		if (!kdoc__field(&sn->ks, sn->visible[i]))
			fprintf(out, "%s %s", n++ ? "," : "", sn->visible[i]);
	fprintf(out, "%s\n * size: %u bytes in BTF; from the source alone the size is not knowable "
		"(it depends on the configuration and the compiler) */\n", n ? "" : " none", l->root.size);
}

/* --src DIR, else the fetched tree; false (after a message) if DIR is no tree */
static bool open_tree(const char *dir, struct src_notes *sn, bool *have, bool json)
{
	int err;

	*have = false;
	if (!dir) {
		*have = !source__default(&sn->tree);
		/* a hint for people, not for scripts reading stderr */
		if (!*have && !json && isatty(STDERR_FILENO))
			fprintf(stderr, "netscope: hint: no kernel source tree: `netscope source fetch` gets one "
				"(explanations of members come from its kernel-doc)\n");
		return true;
	}
	err = source__open(dir, &sn->tree);
	if (err == -ENOENT)
		ns_err("cannot open source tree '%s': no such directory", dir);
	else if (err == -ENOTDIR)
		ns_err("'%s' is not a kernel source tree: '%s/include' does not exist", dir, dir);
	*have = !err;
	return !err;
}

int cmd_struct(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "expand", no_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'j' },
		{ "btf", required_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL },
	};
	struct btf_layout_opts opts = {};
	struct btf *btf = NULL, *base = NULL;
	struct btf_layout *layout = NULL;
	const char *btf_path = NULL, *src_dir = NULL, *name;
	struct src_notes sn = {};
	bool json = false, have_src = false;
	int c, id, err, ret = 1;

	/* errors found while parsing must already speak JSON if asked to */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			ns_json_errors = true;

	/*
	 * optind = 0 makes glibc start over (cmd_struct may run twice in one
	 * process, as in tests); GNU getopt permutes argv, so options may
	 * also follow the name: "netscope struct sk_buff --json".
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "Ejb:s:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'E':
			opts.expand = true;
			break;
		case 'j':
			json = true;
			break;
		case 'b':
			btf_path = optarg;
			break;
		case 's':
			src_dir = optarg;
			break;
		case 'v':
			ns_verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	name = cmd_one_operand(argc, argv, "struct or union NAME");
	if (!name) {
		usage(stderr);
		return 2;
	}

	if (!open_tree(src_dir, &sn, &have_src, json))
		goto cleanup;
	libbpf_set_print(libbpf_print);
	btf = load_btf(btf_path, &base);
	if (!btf)
		goto cleanup;

	id = btf_layout__find(btf, name);
	if (id < 0) {
		report_unknown(btf, name);
		ret = 2;
		goto cleanup;
	}
	layout = btf_layout__build(btf, id, &opts);
	if (!layout) {
		ns_err("cannot compute the layout of '%s': %s", name, strerror(errno));
		goto cleanup;
	}
	/* an anonymous struct can only have been found by its typedef */
	if (!layout->root.name[0])
		layout->typedef_name = name;
	if (have_src) {
		err = src_notes_init(&sn, layout);
		if (err) {
			ns_err("cannot read the source of '%s' in '%s': %s", name, sn.tree.dir, strerror(-err));
			goto cleanup;
		}
		sn.notes = (struct btf_layout_notes){ .doc = note_doc, .aliases = note_aliases,
						      .json = note_json, .ctx = &sn };
		layout->notes = &sn.notes;
		if (!json)
			print_version_line(&sn, stdout);
	}
	if (json)
		err = btf_layout__print_json(layout, btf_path ? btf_path : VMLINUX_BTF, stdout);
	else
		err = btf_layout__print_text(layout, stdout);
	if (!err && have_src && !json)
		print_source_trailer(&sn, layout, stdout);
	if (err) {
		ns_err("cannot print the layout of '%s': %s", name, strerror(-err));
		goto cleanup;
	}
	ret = 0;
cleanup:
	btf_layout__free(layout);
	src_notes_free(&sn);
	btf__free(btf);
	btf__free(base);
	return ret;
}
