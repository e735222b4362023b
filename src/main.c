// SPDX-License-Identifier: GPL-2.0
/*
 * netscope: see what the Linux TCP/IP stack does with your packets.
 * main() only dispatches through the command table, as bpftool does, after
 * taking out the options every command takes (-j, -v, -h: cmd/args.h).
 */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "common/log.h"

#define NETSCOPE_VERSION "0.1.0"

struct command {
	const char *name;
	int (*func)(int argc, char **argv, const struct cmd_common *co);
	const char *summary;
};

static const struct command commands[] = {
	{ "doctor", cmd_doctor, "what this kernel and these privileges allow, found by trying" },
	{ "trace", cmd_trace, "live: one line per event (optionally running a scenario)" },
	{ "record", cmd_record, "capture into a trace file (optionally running a scenario)" },
	{ "report", cmd_report, "explain a trace file: counts, drops, resets, states, journeys" },
	{ "export", cmd_export, "a trace file for other viewers: CTF, Perfetto, pcapng, folded stacks..." },
	{ "diff", cmd_diff, "what changed between two trace files: drops, resets, journeys, latency..." },
	{ "run", cmd_run, "run a scenario in private namespaces without capturing" },
	{ "struct", cmd_struct, "layout of a kernel struct from BTF, as pahole shows it" },
	{ "source", cmd_source, "fetch a kernel source tree (Debian linux-source) for explanations" },
	{ "index", cmd_index, "parse a source tree into the SQLite index the xref queries read" },
	{ "xref", cmd_xref, "who reads, writes or takes the address of a struct member (source index)" },
	{ "callers", cmd_callers, "the functions calling FUNC, through function pointers too (source index)" },
	{ "callees", cmd_callees, "the functions FUNC calls, through function pointers too (source index)" },
	{ "lab", cmd_lab, "walkthroughs of the stack: lab structs (sk_buff, sock, sock_common)" },
	{ "where", cmd_where, "where FUNC is defined, its layer, and whether this kernel can trace it" },
	{ NULL },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: netscope COMMAND [OPTIONS]\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out, "\nOptions of every command:\n"
		     "  -j, --json       JSON output where the command has one; errors are JSON too\n"
		     "  -v, --verbose    more messages on stderr (-vv: more still)\n"
		     "  -h, --help       the command's help\n"
		     "\nRun 'netscope COMMAND --help' for the options of a command.\n"
		     "\nEXAMPLES:\n"
		     "  netscope doctor\n"
		     "  netscope trace --scenario refused\n"
		     "  netscope record --scenario syn-flood -o flood.ns && netscope report flood.ns\n"
		     "  netscope struct sk_buff\n");
}

int main(int argc, char **argv)
{
	libbpf_set_print((libbpf_print_fn_t)ns_libbpf_print);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("netscope %s\n", NETSCOPE_VERSION);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++) {
		struct cmd_common co;
		if (strcmp(argv[1], c->name))
			continue;
		cmd_clean_stale();
		argc = cmd_common_parse(argc - 1, argv + 1, &co);
		return c->func(argc, argv + 1, &co);
	}
	ns_err("unknown command '%s'; see 'netscope --help'", argv[1]);
	return 2;
}
