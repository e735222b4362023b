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
#include "inspect/struct_notes.h"

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

int cmd_struct(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "expand", no_argument, NULL, 'E' },
		{ "btf", required_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 's' },
		{ NULL },
	};
	struct btf_layout_opts opts = {};
	struct btf *btf = NULL, *base = NULL;
	struct btf_layout *layout = NULL;
	const char *btf_path = NULL, *src_dir = NULL, *name;
	struct src_notes sn = {};
	bool json = false, have_src = false;
	int c, id, err, ret = 1;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	json = co->json;
	while ((c = getopt_long(argc, argv, "Eb:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'E':
			opts.expand = true;
			break;
		case 'b':
			btf_path = optarg;
			break;
		case 's':
			src_dir = optarg;
			break;
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

	if (!src_notes__open_tree(src_dir, &sn, &have_src, json))
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
		err = src_notes__init(&sn, layout);
		if (err) {
			ns_err("cannot read the source of '%s' in '%s': %s", name, sn.tree.dir, strerror(-err));
			goto cleanup;
		}
		sn.notes = (struct btf_layout_notes){ .doc = src_notes__doc, .aliases = src_notes__aliases,
						      .json = src_notes__json, .ctx = &sn };
		layout->notes = &sn.notes;
		if (!json)
			src_notes__print_version_line(&sn, stdout);
	}
	if (json)
		err = btf_layout__print_json(layout, btf_path ? btf_path : VMLINUX_BTF, stdout);
	else
		err = btf_layout__print_text(layout, stdout);
	if (!err && have_src && !json)
		src_notes__print_trailer(&sn, layout, stdout);
	if (err) {
		ns_err("cannot print the layout of '%s': %s", name, strerror(-err));
		goto cleanup;
	}
	ret = 0;
cleanup:
	btf_layout__free(layout);
	src_notes__free(&sn);
	btf__free(btf);
	btf__free(base);
	return ret;
}
