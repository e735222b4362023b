/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clang arguments a file of a source tree is parsed with: for a kernel
 * tree the flags Kbuild gives an x86-64 object (the include paths, the
 * forced includes, the defines that select kernel code paths), for a plain
 * C tree just <tree>/include.
 */
#ifndef NETSCOPE_INDEX_KFLAGS_H
#define NETSCOPE_INDEX_KFLAGS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IX_FLAGS_MAX 64

struct ix_flags {
	char tree[PATH_MAX];	/* absolute, no trailing slash */
	bool kernel;		/* a kernel tree (Makefile with VERSION, arch/x86/include) */
	char version[64];	/* "6.12.117" for a kernel tree, "" otherwise */
	char config[PATH_MAX + 64];	/* the configuration kbuild.c reads, "" for a plain tree */
	/*
	 * crc32 of include/generated/autoconf.h (a kernel tree), of the
	 * arguments (a plain tree): an index made under another
	 * configuration is stale as a whole
	 */
	uint32_t config_hash;
	uint32_t flags_hash;	/* crc32 of the arguments common to every file */
	int argc;
	char *argv[IX_FLAGS_MAX];	/* common to every file, malloc'ed */
};

/*
 * Arguments for the tree at dir (made absolute).  A kernel tree needs its
 * generated headers (include/generated/autoconf.h, ...): without them a
 * message names the missing file and the two ways to get it, and -ENOENT
 * is returned.  0 or a negative errno, after a message.
 */
int ix_flags_init(struct ix_flags *f, const char *dir);
void ix_flags_free(struct ix_flags *f);

/*
 * The full argument vector for the file rel (relative to the tree):
 * the common arguments plus, for a kernel tree, KBUILD_MODNAME (modname,
 * or the file's base name when NULL), KBUILD_BASENAME and KBUILD_MODFILE.
 * argv points into f and into buf.  Returns argc, or -ENOSPC.
 */
int ix_flags_for_file(const struct ix_flags *f, const char *rel, const char *modname,
		      const char **argv, int max, char *buf, size_t size);

/* The directory with clang's own headers (stddef.h, ...) for the libclang in use. */
int ix_clang_resource_include(char *buf, size_t size);

/* crc32 of a file's content; 0 or a negative errno */
int ix_crc32_file(const char *path, uint32_t *crc);

#endif
