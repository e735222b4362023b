/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output file of a single-file exporter.  `netscope export` hands the
 * exporter a temporary name beside the final one ("OUT.tmp-PID", see
 * cmd/export.c); messages name OUT, the path the user gave, not that one.
 */
#ifndef NS_EXPORT_OUTPUT_H
#define NS_EXPORT_OUTPUT_H

#include <stdio.h>

/* create tmp for writing; NULL after "cannot write 'OUT': ..." */
FILE *export_fopen(const char *tmp);
/* "cannot write 'OUT': ..." for a write that failed with errno err */
void export_write_error(const char *tmp, int err);
/* flush and close f; 0, or 1 after "cannot write 'OUT': ..." (disk full, ...) */
int export_fclose(FILE *f, const char *tmp);
/* the final path of a temporary output name, into buf */
const char *export_final_name(const char *tmp, char *buf, size_t len);

#endif
