/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One exporter (export/export.h) run on a trace file into an output that
 * output_file_begin() accepted: `netscope export` and the labs' --perfetto,
 * --pcapng and --ctf share it, so every format is written, checked and
 * renamed into place the same way.
 */
#ifndef NS_CMD_EXPORT_OUT_H
#define NS_CMD_EXPORT_OUT_H

#include "cmd/output_file.h"
#include "export/export.h"

/*
 * Write trace through ex into of (begun, not written yet) and rename it
 * into place; say how a truncated or damaged input ended and what was
 * written.  0, or 1 after a message with nothing left behind.
 */
int export_trace_to(const struct exporter *ex, const char *trace, struct output_file *of);

/*
 * The exporter called name, or NULL after "this build has no NAME
 * exporter" naming the option that asked for it (opt: "--perfetto").
 */
const struct exporter *export_find_for(const char *name, const char *opt);

#endif
