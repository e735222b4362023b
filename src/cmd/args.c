// SPDX-License-Identifier: GPL-2.0
#include "cmd/args.h"
#include "common/log.h"

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
