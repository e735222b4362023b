/* SPDX-License-Identifier: GPL-2.0 */
/* What commands share about their command lines. */
#ifndef NS_ARGS_H
#define NS_ARGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * The options every command takes, parsed once by main() before the
 * command's own getopt_long(), as bpftool's main does:
 *   -j, --json      JSON output where the command has one; errors are JSON too
 *   -v, --verbose   more messages on stderr (-vv: more still; ns_verbose)
 *   -h, --help      the command's help on stdout, exit 0
 * A command never lists them in its own options.
 */
struct cmd_common {
	bool json;
	bool help;
};

/**
 * cmd_common_parse() - take the common options out of a command's arguments
 * @argc, @argv: the command's, argv[0] its name
 * Every argument up to "--" that is -j, --json, -v, --verbose, -h, --help,
 * or a bundle of those letters (-vv, -jv), is removed from argv; the rest
 * keep their order.  Sets ns_json_errors (so that errors found while
 * parsing already speak JSON) and ns_verbose, and resets getopt for the
 * command (optind = 0: start over; opterr = 0: cmd_bad_option() speaks).
 * Returns the new argc.
 */
int cmd_common_parse(int argc, char **argv, struct cmd_common *co);

/*
 * After getopt_long() returned '?' (with opterr = 0): say what was wrong in
 * git's words: "unknown option '--x'", "option '--top' needs a value".
 */
void cmd_bad_option(int argc, char **argv, const struct option *longopts);
/*
 * The one operand a command takes, after its options; NULL after a message
 * ("missing WHAT", "unexpected argument 'x' (one WHAT at a time)").
 */
const char *cmd_one_operand(int argc, char **argv, const char *what);

/*
 * What every command does first: remove what a killed netscope left and
 * nothing else removes at start (its tracefs instances; the labs'
 * namespaces are removed where a lab is made, lab_cleanup_stale()).
 */
void cmd_clean_stale(void);

/* --top N: 0 to 1000000 rows, 0 meaning all (the caller says how); -EINVAL after a message */
int cmd_parse_top(const char *s, unsigned int *top);

/* "1 call site", "2 call sites" */
#define PLURAL(n) ((n) == 1 ? "" : "s")

#endif
