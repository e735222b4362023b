/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers every analysis shares to build its result: names of kernel enum
 * values, strings that may be NULL, rows sorted by count.  The containers
 * that keep their memory bounded are in analysis/table.h.
 */
#ifndef NS_ANALYSIS_UTIL_H
#define NS_ANALYSIS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analysis/report.h"
#include "analysis/result.h"

/* name of a kernel enum value, or "reason#N" / "state#N" / "vec#N" */
const char *an_enum_name(const struct report_ctx *ctx, enum ns_name_kind kind, uint32_t v,
			 char *buf, size_t len);
/* strdup that accepts NULL */
char *an_strdup(const char *s);
/*
 * Sort rows in place by the uint64_t count at count_off, descending; rows of
 * equal count keep their order (first seen first).  0 or -ENOMEM.
 */
int an_sort_rows(void *rows, size_t n, size_t size, size_t count_off);
/* free n rr_count rows and their labels */
void an_free_counts(struct rr_count *c, size_t n);
/*
 * The lab's name of a namespace inode, from the metadata "lab.netns"
 * ("netscope-123-a=4026532178,netscope-123-b=4026532247", written by
 * `netscope record --scenario`): name "netscope-123-a" and label "a" (what
 * follows the last '-').  False, with both set to "", when the metadata
 * does not name this inode (not a lab trace, or another namespace).
 */
bool an_lab_netns(const struct ns_meta *meta, uint32_t inode, char *name, size_t name_len,
		  char *label, size_t label_len);

#endif
