/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the source-index query commands (xref, callers, callees, where)
 * share: finding and opening the index with messages that say how to build
 * one, the note when the index is of another kernel version, and the
 * "index" object of their JSON.
 */
#ifndef NS_CMD_XREF_H
#define NS_CMD_XREF_H

#include <stdio.h>
#include "cmd/args.h"
#include "common/json.h"
#include "index/query.h"

#define XREF_JSON_SCHEMA 1
#define XREF_MAX_SUGGEST 5

/*
 * The index at db, or the default one for tree src (NULL: the fetched
 * tree).  NULL after a message naming the file and how to build it.
 */
struct ixq *xref_open(const char *db, const char *src);

/* One line when the index's tree is not the running kernel's version. */
void xref_version_note(const struct ixq_meta *m, FILE *out);
/* "index": { db, tree, tree_version, running_kernel, version_differs } */
void xref_json_index(struct json_writer *w, const struct ixq_meta *m);

/* "no function named 'x' in the index; did you mean: ...?", after a lookup failed */
void xref_unknown_func(struct ixq *q, const char *name);

/* "net/ipv4/tcp.c:120" into buf */
const char *xref_loc(char *buf, size_t size, const char *file, unsigned line);

#endif
