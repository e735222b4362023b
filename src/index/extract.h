/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libclang extractor of the source index: one .c file in, facts out
 * (functions, calls, member accesses, function pointers stored in members,
 * dependencies, diagnostics), reported to an ix_sink (records.h).
 */
#ifndef NETSCOPE_INDEX_EXTRACT_H
#define NETSCOPE_INDEX_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include "index/clang_api.h"
#include "index/records.h"

/*
 * The version of what the extractor finds: bump it when a rule changes
 * (a new call kind, another mode for some access), so an index made by the
 * old rules is rebuilt rather than mixed with the new.
 *   1: the first extractor
 *   2: callbacks; sizeof/typeof copies inside macros dropped; atomic and
 *      bit operations read, write or change their object
 *   3: the value-first atomic operations (atomic_add(i, v)), bitop()'s
 *      names, and address-takings that are a macro's copy of a use dropped
 */
#define IX_EXTRACT_VERSION 3

struct ix_unit_stats {
	unsigned errors;		/* diagnostics of severity error or fatal */
	char first_error[256];		/* "file:line: message" of the first one */
	double seconds;			/* wall clock: parse and walk */
	double parse_seconds;		/* of which libclang's parse */
	bool failed;			/* no AST at all */
	/* what went to the sink, for logs and benchmarks */
	unsigned funcs, calls, accesses, fnrefs, deps;
	unsigned skipped;		/* header functions another unit claimed */
};

/*
 * ix_extract_unit() - parse one .c file and report everything to @sink
 * @index: libclang index, one per worker (not shared between threads)
 * @path: the .c file
 * @args: clang arguments (no file name among them)
 * @nargs: number of @args
 * @sink: where the facts go; its callbacks may be NULL
 * @stats: filled in, also on failure
 *
 * A unit with errors still reports what clang could parse.
 * Return: 0; -ENOENT etc. when the file cannot be read, -EINVAL/-EIO when
 * libclang gives no AST (stats->failed set, message in first_error), or
 * the sink's own negative value (-ECANCELED for a positive one) when a
 * callback asked to stop.
 */
int ix_extract_unit(CXIndex index, const char *path, const char *const *args, int nargs,
		    const struct ix_sink *sink, struct ix_unit_stats *stats);

/*
 * ix_kdoc_summary() - the one-liner of a kernel-doc comment
 * @comment: raw comment text, "/" "** ..." included
 * @buf: where the summary goes
 * @len: size of @buf
 *
 * "name - text" or "name() - text" on the first line, joined with its
 * continuation lines up to a blank line or an @arg: line.
 * Return: true when @comment has one.
 */
bool ix_kdoc_summary(const char *comment, char *buf, size_t len);

#endif
