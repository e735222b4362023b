// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "capture/features.h"
#include "cmd/args.h"
#include "common/log.h"

/* -j, -v, -h and bundles of them ("-vv", "-jv"); never "-" alone */
static bool common_shorts(const char *a)
{
	if (a[0] != '-' || !a[1] || a[1] == '-')
		return false;
	return strspn(a + 1, "jvh") == strlen(a + 1);
}

int cmd_common_parse(int argc, char **argv, struct cmd_common *co)
{
	int out = 1, i;

	*co = (struct cmd_common){ 0 };
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			co->json = true;
		} else if (!strcmp(a, "--verbose")) {
			ns_verbose++;
		} else if (!strcmp(a, "--help")) {
			co->help = true;
		} else if (common_shorts(a)) {
			for (a++; *a; a++) {
				if (*a == 'j')
					co->json = true;
				else if (*a == 'v')
					ns_verbose++;
				else
					co->help = true;
			}
		} else {
			argv[out++] = argv[i];
		}
	}
	for (; i < argc; i++)	/* "--" and what follows it: the command's, untouched */
		argv[out++] = argv[i];
	argv[out] = NULL;
	if (co->json)
		ns_json_errors = true;
	optind = 0;
	opterr = 0;
	return out;
}

void cmd_bad_option(int argc, char **argv, const struct option *longopts)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	/* optopt is set for a short option that is unknown or lacks its value */
	for (const struct option *o = longopts; optopt && o->name; o++) {
		if (o->val == optopt && o->has_arg == required_argument) {
			ns_err("option '--%s' needs a value", o->name);
			return;
		}
	}
	if (optopt)
		ns_err("unknown option '-%c'", optopt);
	else
		ns_err("unknown option '%s'", arg);
}

const char *cmd_one_operand(int argc, char **argv, const char *what)
{
	if (optind >= argc) {
		ns_err("missing %s", what);
		return NULL;
	}
	if (optind + 1 < argc) {
		ns_err("unexpected argument '%s' (one %s at a time)", argv[optind + 1], what);
		return NULL;
	}
	return argv[optind++];
}

void cmd_clean_stale(void)
{
	int removed = tracefs_remove_stale_instances();

	if (removed > 0)
		ns_warn("removed %d tracefs instance%s left by an earlier netscope run that was killed",
			removed, removed > 1 ? "s" : "");
}

int cmd_parse_top(const char *s, unsigned int *top)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > 1000000) {
		ns_err("invalid --top value '%s' (a number of rows, 0 for all)", s);
		return -EINVAL;
	}
	*top = (unsigned int)v;
	return 0;
}
