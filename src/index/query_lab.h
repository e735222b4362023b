/* SPDX-License-Identifier: GPL-2.0 */
/* Queries for `netscope lab structs` (beside query.h's, same conventions). */
#ifndef NS_INDEX_QUERY_LAB_H
#define NS_INDEX_QUERY_LAB_H

#include <stddef.h>
#include "index/query.h"

/* A function and how much it uses one struct's members. */
struct ixq_func_use {
	struct ixq_func func;
	unsigned uses;		/* every access to a member of the record */
	unsigned members;	/* distinct members */
	unsigned reads, writes, addrs;	/* reads: read+rw; writes: write+rw+init */
};

/*
 * The max functions using record's members most (file-scope uses are not a
 * function's), most uses first.  *nr may be 0.
 */
int ixq__record_funcs(struct ixq *q, const char *record, size_t max, struct ixq_func_use **out, size_t *nr);
void ixq__record_funcs_free(struct ixq_func_use *v, size_t n);

#endif
