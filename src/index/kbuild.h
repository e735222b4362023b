/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which .c files a kernel configuration builds under a directory, decided
 * the way Kbuild decides (scripts/Makefile.build, scripts/Makefile.lib):
 * obj-y / obj-m / lib-y of DIR/Kbuild or DIR/Makefile evaluated against
 * the configuration, composite objects (foo-y, foo-objs, foo-m) expanded,
 * subdirectories (obj-y += sub/) followed.
 */
#ifndef NETSCOPE_INDEX_KBUILD_H
#define NETSCOPE_INDEX_KBUILD_H

#include <stddef.h>

struct kbuild_config;

/*
 * The CONFIG_ symbols of a configuration: include/config/auto.conf or
 * .config (CONFIG_X=y), or include/generated/autoconf.h (#define CONFIG_X 1,
 * CONFIG_X_MODULE for =m), chosen by the name ending in ".h".
 * 0, -ENOENT or -ENOMEM (no message).
 */
int kbuild_config_load(const char *path, struct kbuild_config **cfg);
void kbuild_config_free(struct kbuild_config *cfg);
/* "y", "m", the value of a string or int symbol, or NULL when not set */
const char *kbuild_config_get(const struct kbuild_config *cfg, const char *name);

struct kbuild_file {
	char *path;	/* relative to the tree: "net/ipv6/af_inet6.c" */
	char *modname;	/* the object it is linked into: "ipv6" (composite) or "af_inet6" */
};

struct kbuild_list {
	struct kbuild_file *v;
	size_t n, cap;
};

/*
 * Append the .c files the configuration builds under dir (relative to
 * tree), recursively; kbuild_list_sort() then orders them and drops the
 * duplicates.  Objects with no .c (assembler, generated at build time) are
 * left out.
 * 0, -ENOENT (dir has no Kbuild/Makefile), -ENAMETOOLONG (a path under
 * it too long to form), -ENOMEM, or -ELOOP when a makefile holds a loop
 * make refuses (a recursive variable that references itself, a composite
 * object that contains itself): said at once with the makefile's name,
 * what it would have built is left out and the rest is still selected.
 */
int kbuild_select(const struct kbuild_config *cfg, const char *tree, const char *dir,
		  struct kbuild_list *out);
/* Every .c file under dir, whatever the configuration (--all-files). */
int kbuild_all_files(const char *tree, const char *dir, struct kbuild_list *out);
/* Append one file as given (modname: its base name); duplicates are dropped. */
int kbuild_list_add(struct kbuild_list *l, const char *path, const char *modname);
/* Sort by path and drop duplicates. */
void kbuild_list_sort(struct kbuild_list *l);
void kbuild_list_free(struct kbuild_list *l);

#endif
