/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel source trees: one the user gives (--src DIR), or one fetched from
 * Debian's linux-source-X.Y package into the cache directory, and finding
 * the file that defines a struct in one.
 */
#ifndef NS_SOURCE_H
#define NS_SOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* fetched trees live in $NETSCOPE_SOURCE_CACHE, else here */
#define SOURCE_CACHE_DIR "/var/cache/netscope"
/* written into a fetched tree: what was fetched, how big, how long */
#define SOURCE_STAMP ".netscope-source"

struct source_tree {
	char dir[PATH_MAX];
	char version[64];	/* "6.12.117", from the Makefile; "" if unknown */
	char package[128];	/* "linux-source-6.12 6.12.117-1~deb12u1" when fetched */
};

const char *source__cache_dir(void);

/*
 * A tree at dir: 0, -ENOENT (no such directory), -ENOTDIR (no include/ in
 * it, so not a kernel tree).
 */
int source__open(const char *dir, struct source_tree *t);

/* The fetched tree closest to the running kernel: 0 or -ENOENT. */
int source__default(struct source_tree *t);

/* "6.18.44" from uname -r (what comes before the first '-') */
void source__running_version(char *buf, size_t size);

/*
 * The file that defines KIND NAME ("struct", "sk_buff"): likely headers
 * first, then include/ and net/.  *text is malloc'ed and NUL-terminated;
 * rel gets the path inside the tree.  0, -ENOENT or -ENOMEM.
 */
int source__find_struct(const struct source_tree *t, const char *kind, const char *name,
			char *rel, size_t rel_size, char **text, size_t *len);

/*
 * Download Debian's linux-source-<version> (NULL: closest to the running
 * kernel) with apt-get and extract what netscope reads into dir (NULL: the
 * cache directory).  Progress on stdout.  0 or a negative errno, after a
 * message.
 */
int source__fetch(const char *version, const char *dir);

/* the linux-source-X.Y packages apt knows, "6.12 6.1", into buf; how many */
int source__available(char *buf, size_t size);

#endif
