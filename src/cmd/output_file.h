/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The life of a file or directory a command writes (export, report --html,
 * the labs' --html, --perfetto, --pcapng, --ctf): an existing path is never
 * replaced without --force; the output is written under a temporary name
 * beside the final one and renamed into place only when complete, so a
 * failure (a full disk, an unwritable folder, a bad input) leaves nothing
 * behind.  Errors are said here, naming the final path.
 */
#ifndef NS_CMD_OUTPUT_FILE_H
#define NS_CMD_OUTPUT_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct output_file {
	const char *path;	/* where the output goes */
	char tmp[PATH_MAX];	/* where it is written: "<path>.tmp-<pid>" */
	bool force;		/* replace path if it exists */
	char *buf;		/* output_file_open()'s stream, in memory */
	size_t len;
};

/*
 * Check that path may be written (it does not exist, or force; its folder
 * exists and is writable) and name the temporary path; a stale temporary
 * of the same name is removed.  0, or 1 after a message.  Commands call it
 * before any long work, so that a refused output costs nothing.
 */
int output_file_begin(struct output_file *of, const char *path, bool force);
/*
 * A stream for the output, kept in memory until output_file_close()
 * writes it to the temporary path with write(2): a failure there (a full
 * disk) is said with its own errno, which stdio's buffering would lose.
 * NULL after a message.
 */
FILE *output_file_open(struct output_file *of);
/*
 * The output is complete: replace path with it (after removing path when
 * force).  0, or 1 after a message; the temporary is removed either way.
 */
int output_file_commit(struct output_file *of);
/* The output failed: remove the temporary (file or directory tree). */
void output_file_abort(struct output_file *of);
/*
 * Close f (from output_file_open()) and commit, or abort when anything
 * failed: write errors of f are found here.  ok: the caller's writing
 * succeeded.  0, or 1 after a message.
 */
int output_file_close(struct output_file *of, FILE *f, bool ok);

/* Remove a file or a directory tree (depth first, links not followed); negative errno. */
int output_remove_tree(const char *path);

#endif
