/* SPDX-License-Identifier: GPL-2.0 */
/* What commands share about their command lines. */
#ifndef NS_ARGS_H
#define NS_ARGS_H

#include <getopt.h>
#include <stdio.h>

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

/* "1 call site", "2 call sites" */
#define PLURAL(n) ((n) == 1 ? "" : "s")

#endif
