/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output file of a single-file exporter: created at the temporary path
 * `netscope export` gives (OUT.tmp-PID, cmd/export.c), with messages that
 * name OUT, the path the user typed.
 */
#ifndef NS_EXPORT_OUTFILE_H
#define NS_EXPORT_OUTFILE_H

#include <stdio.h>

/* fopen(tmp, "wx") with a large buffer; NULL after a message */
FILE *export_create(const char *tmp);
/* "cannot write 'OUT': ..." for a failed write (err: errno value) */
void export_write_error(const char *tmp, int err);
/* flush and close; 0, or 1 after a message naming OUT */
int export_close(FILE *f, const char *tmp);

#endif
