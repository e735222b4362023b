// SPDX-License-Identifier: GPL-2.0
/*
 * netscope source fetch|status: the kernel source trees netscope reads
 * explanations (kernel-doc), aliases and member lists from.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "common/json.h"
#include "common/log.h"
#include "inspect/source.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope source fetch [--version 6.12|6.1] [--dir DIR]\n"
		"       netscope source status [--json]\n"
		"\n"
		"fetch downloads Debian's linux-source-X.Y package with apt-get (into a\n"
		"temporary directory; nothing is installed) and extracts net/, include/,\n"
		"drivers/net/ and arch/x86/include/ into DIR (default: %s/linux-source-X.Y,\n"
		"or $NETSCOPE_SOURCE_CACHE). Without --version the package closest to the\n"
		"running kernel is chosen. Debian's linux-headers package of the same build\n"
		"comes along: its .config and generated headers let `netscope index` parse\n"
		"the tree with the configuration Debian built it with.\n"
		"status lists the fetched trees and their versions.\n"
		"\n"
		"Options:\n"
		"  -V, --version X.Y  which linux-source package (6.12 or 6.1)\n"
		"  -d, --dir DIR      extract into DIR\n"
		"  -j, --json         status as JSON\n"
		"  -h, --help         show this help\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope source fetch\n"
		"  netscope source fetch --version 6.1 --dir ~/src/linux-6.1\n"
		"  netscope source status\n"
		"  netscope struct --src /var/cache/netscope/linux-source-6.12 sock\n",
		SOURCE_CACHE_DIR);
}

static int status(bool json)
{
	static const char *const versions[] = { "6.12", "6.1", NULL };
	struct json_writer *w = NULL;
	char running[64], dir[4200];
	struct source_tree t;
	int found = 0;

	source__running_version(running, sizeof(running));
	if (json) {
		w = json_new(stdout);
		json_obj_begin(w);
		json_kv_u64(w, "schema_version", 1);	/* keys are only added */
		json_kv_str(w, "cache", source__cache_dir());
		json_kv_str(w, "running_kernel", running);
		json_key(w, "trees");
		json_arr_begin(w);
	} else {
		printf("source trees in %s (running kernel %s):\n", source__cache_dir(), running);
	}
	for (int i = 0; versions[i]; i++) {
		snprintf(dir, sizeof(dir), "%s/linux-source-%s", source__cache_dir(), versions[i]);
		if (source__open(dir, &t))
			continue;
		found++;
		if (json) {
			json_obj_begin(w);
			json_kv_str(w, "dir", t.dir);
			json_kv_str(w, "version", t.version);
			json_kv_str(w, "package", t.package);
			json_kv_bool(w, "version_differs", strcmp(t.version, running) != 0);
			json_obj_end(w);
		} else {
			printf("  %-48s linux %-10s %s%s\n", t.dir, t.version, t.package,
			       strcmp(t.version, running) ? " (not the running kernel)" : "");
		}
	}
	if (json) {
		json_arr_end(w);
		json_obj_end(w);
		fputc('\n', stdout);
		json_free(w);
	} else if (!found) {
		printf("  none: 'netscope source fetch' gets one\n");
	}
	return 0;
}

int cmd_source(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "version", required_argument, NULL, 'V' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL },
	};
	const char *version = NULL, *dir = NULL, *sub;
	bool json = false;
	int c;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	json = co->json;
	while ((c = getopt_long(argc, argv, "V:d:", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			version = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	sub = cmd_one_operand(argc, argv, "subcommand (fetch or status)");
	if (!sub) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(sub, "status"))
		return status(json);
	if (!strcmp(sub, "fetch")) {
		int err = source__fetch(version, dir);

		return err == -EINVAL ? 2 : err ? 1 : 0;
	}
	ns_err("unknown subcommand '%s'; see 'netscope source --help'", sub);
	return 2;
}
