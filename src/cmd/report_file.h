/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trace file through the report's analyses, for the commands that read
 * one (report, lab): the reader, the stacks it holds, every event fed, and
 * the report finished.  Errors are said here; callers only exit.
 */
#ifndef NS_CMD_REPORT_FILE_H
#define NS_CMD_REPORT_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include "analysis/report.h"
#include "trace/tracefile.h"

struct report_file {
	struct tracefile_reader *tr;
	struct report *rep;
	uint64_t events;	/* events read */
	bool truncated;		/* the file ends mid-write */
};

/* report_ctx.stack over a trace file's stacks (arg: the reader) */
size_t report_file_stack(void *arg, int32_t id, uint64_t *ips, size_t max);

/*
 * Open path and fill ctx's meta, names, symbols and stacks from it.  0, or
 * 1 after a message.  ctx must live as long as rf.
 */
int report_file_open(struct report_file *rf, const char *path, struct report_ctx *ctx);
/*
 * Feed every event of the open file to a report made with ctx, and finish
 * it.  0, or 1 after a message (corrupt chunk, out of memory).
 */
int report_file_read(struct report_file *rf, const char *path, const struct report_ctx *ctx);
/* both */
int report_file_run(struct report_file *rf, const char *path, struct report_ctx *ctx);
void report_file_close(struct report_file *rf);

#endif
