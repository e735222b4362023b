/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a capture lab writes beside its report (--html, --perfetto,
 * --pcapng, --ctf): each output checked before the workload runs, then
 * written from the lab's result or its trace, with the rules of every
 * output (cmd/output_file.h): never overwritten without --force, renamed
 * into place when complete, nothing left behind on failure.
 */
#ifndef NS_CMD_LAB_OUTPUTS_H
#define NS_CMD_LAB_OUTPUTS_H

#include <stdbool.h>
#include "cmd/lab.h"
#include "cmd/output_file.h"

struct exporter;

#define LAB_OUTPUTS_MAX 4

struct lab_outputs {
	struct {
		const char *opt;		/* "--html" */
		const struct exporter *ex;	/* NULL: the HTML page */
		struct output_file of;
		bool pending;			/* begun, not yet written */
	} out[LAB_OUTPUTS_MAX];
	size_t n;
};

/*
 * Check every output the options ask for: the format is in this build,
 * the path is free (or --force), no path twice.  0; 2 for a usage error
 * (a format this build lacks, a path given twice) or 1 (a path that
 * exists), after a message.
 */
int lab_outputs_begin(struct lab_outputs *lo, const struct lab_opts *o);
/* Write them all (every one is tried); 0, or 1 when one failed (said). */
int lab_outputs_write(struct lab_outputs *lo, const struct lab_run *r);
/* Remove what was begun and not written (after a failed workload). */
void lab_outputs_abort(struct lab_outputs *lo);

#endif
