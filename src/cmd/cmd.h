/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands: each owns its options and help (src/cmd/<name>.c). */
#ifndef NS_CMD_H
#define NS_CMD_H

#include <stdbool.h>
#include <stdio.h>

struct cmd_common;

/*
 * argv[0] is the command name; co the options every command takes, already
 * taken out of argv (cmd/args.h: cmd_common_parse()).  Returns the process
 * exit code.
 */
int cmd_doctor(int argc, char **argv, const struct cmd_common *co);
int cmd_trace(int argc, char **argv, const struct cmd_common *co);
int cmd_record(int argc, char **argv, const struct cmd_common *co);
int cmd_report(int argc, char **argv, const struct cmd_common *co);
int cmd_diff(int argc, char **argv, const struct cmd_common *co);
int cmd_struct(int argc, char **argv, const struct cmd_common *co);
int cmd_run(int argc, char **argv, const struct cmd_common *co);
int cmd_source(int argc, char **argv, const struct cmd_common *co);
int cmd_index(int argc, char **argv, const struct cmd_common *co);
int cmd_xref(int argc, char **argv, const struct cmd_common *co);
int cmd_callers(int argc, char **argv, const struct cmd_common *co);
int cmd_callees(int argc, char **argv, const struct cmd_common *co);
int cmd_where(int argc, char **argv, const struct cmd_common *co);
int cmd_lab(int argc, char **argv, const struct cmd_common *co);
int cmd_export(int argc, char **argv, const struct cmd_common *co);

struct report;
struct ns_capture_stats;
/*
 * The end of `trace --report`: finish r (NULL: it could not be made) and
 * print it to out.  0, or a negative errno, said, that makes trace exit 1.
 */
int trace_report_end(struct report *r, const struct ns_capture_stats *stats, bool json, FILE *out);

#endif
