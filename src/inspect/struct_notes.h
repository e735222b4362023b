/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kernel source tree says about a struct BTF describes: kernel-doc
 * beside each member, macro aliases, the members only one of them has, and
 * whether the tree is the running kernel's version.  Shared by
 * `netscope struct` and `netscope lab structs`.
 */
#ifndef NS_STRUCT_NOTES_H
#define NS_STRUCT_NOTES_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include "inspect/btf_layout.h"
#include "inspect/kerneldoc.h"
#include "inspect/source.h"

struct src_notes {
	struct source_tree tree;
	char running[64];
	char rel[PATH_MAX];
	bool found;		/* the tree defines the struct */
	struct kdoc_struct ks;
	char **visible;		/* BTF member paths as C names them (no --expand) */
	size_t nr_visible;
	char **all;		/* and those inside --expand'ed members */
	size_t nr_all;
	const char **attach;	/* per alias: the layout member it is shown with */
	size_t documented, undocumented;
	struct btf_layout_notes notes;
};

/*
 * Read the struct's definition from sn->tree (opened by the caller) and
 * match it to the layout.  0 (also when the tree does not define it) or
 * -ENOMEM.
 */
int src_notes__init(struct src_notes *sn, struct btf_layout *layout);
void src_notes__free(struct src_notes *sn);
/* --src DIR, else the fetched tree; false (after a message) if DIR is no tree */
bool src_notes__open_tree(const char *dir, struct src_notes *sn, bool *have, bool json);
bool src_notes__version_differs(const struct src_notes *sn);
bool src_notes__has_path(char **arr, size_t nr, const char *path);
/*
 * A member of the source that BTF lacks.  struct_group(headers, ...) in
 * sk_buff makes each member of the group twice (x and headers.x): the
 * copy under the group's name is left out when the member is too.
 */
bool src_notes__only_in_source(const struct src_notes *sn, const struct kdoc_field *f);
/* btf_layout_notes callbacks: ctx is the struct src_notes */
const char *src_notes__doc(void *ctx, const char *path, bool *marked);
int src_notes__aliases(void *ctx, const char *path, const char **names, const char **paths, int max);
void src_notes__json(void *ctx, struct json_writer *w);
void src_notes__print_version_line(const struct src_notes *sn, FILE *out);
/* after the layout: where the definition is, what is documented, what differs */
void src_notes__print_trailer(const struct src_notes *sn, const struct btf_layout *l, FILE *out);

#endif
