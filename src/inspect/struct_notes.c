// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel source says about a struct: kernel-doc, aliases, members
 * only in the source or only in BTF (see struct_notes.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "common/json.h"
#include "common/log.h"
#include "inspect/struct_notes.h"


static int add_path(char ***arr, size_t *nr, const char *path)
{
	char **a = realloc(*arr, (*nr + 1) * sizeof(**arr));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*nr] = strdup(path);
	return a[(*nr)++] ? 0 : -ENOMEM;
}

/* member paths: through anonymous members without a name part, as C does */
static int collect_paths(struct src_notes *sn, const struct btf_layout_node *n, const char *prefix,
			 bool visible)
{
	char path[512];
	int err = 0;

	for (__u32 i = 0; i < n->nr_members && !err; i++) {
		const struct btf_layout_member *lm = &n->members[i];
		bool anon_type = lm->nested && !lm->nested->name[0];

		snprintf(path, sizeof(path), "%s%s%s", prefix, lm->name, lm->name[0] ? "." : "");
		if (lm->name[0]) {
			path[strlen(path) - 1] = '\0';
			err = add_path(&sn->all, &sn->nr_all, path);
			if (!err && visible)
				err = add_path(&sn->visible, &sn->nr_visible, path);
			strcat(path, ".");
		}
		if (!err && lm->nested)
			err = collect_paths(sn, lm->nested, lm->name[0] ? path : prefix, visible && anon_type);
	}
	return err;
}

bool src_notes__has_path(char **arr, size_t nr, const char *path)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(arr[i], path))
			return true;
	return false;
}

bool src_notes__only_in_source(const struct src_notes *sn, const struct kdoc_field *f)
{
	const char *dot = strchr(f->path, '.');

	if (src_notes__has_path(sn->visible, sn->nr_visible, f->path))
		return false;
	return !dot || !kdoc__field(&sn->ks, dot + 1);
}

const char *src_notes__doc(void *ctx, const char *path, bool *marked)
{
	struct src_notes *sn = ctx;

	*marked = sn->ks.has_comment;
	return sn->found ? kdoc__doc(&sn->ks, path) : NULL;
}

int src_notes__aliases(void *ctx, const char *path, const char **names, const char **paths, int max)
{
	struct src_notes *sn = ctx;
	int n = 0;

	for (size_t i = 0; i < sn->ks.nr_aliases && n < max; i++)
		if (sn->attach[i] && !strcmp(sn->attach[i], path)) {
			names[n] = sn->ks.aliases[i].name;
			paths[n++] = sn->ks.aliases[i].path;
		}
	return n;
}

bool src_notes__version_differs(const struct src_notes *sn)
{
	return strcmp(sn->tree.version, sn->running) != 0;
}

void src_notes__json(void *ctx, struct json_writer *w)
{
	struct src_notes *sn = ctx;

	json_key(w, "source");
	json_obj_begin(w);
	json_kv_str(w, "dir", sn->tree.dir);
	json_kv_str(w, "version", sn->tree.version);
	json_kv_str(w, "running_kernel", sn->running);
	json_kv_bool(w, "version_differs", src_notes__version_differs(sn));
	json_key(w, "file");
	if (sn->found)
		json_str(w, sn->rel);
	else
		json_null(w);
	json_kv_u64(w, "line", sn->found ? sn->ks.line : 0);
	json_kv_bool(w, "kernel_doc", sn->ks.has_comment);
	json_kv_u64(w, "documented", sn->documented);
	json_kv_u64(w, "undocumented", sn->undocumented);
	json_key(w, "only_in_source");
	json_arr_begin(w);
	for (size_t i = 0; i < sn->ks.nr_fields; i++) {
		const struct kdoc_field *f = &sn->ks.fields[i];

		if (!src_notes__only_in_source(sn, f))
			continue;
		json_obj_begin(w);
		json_kv_str(w, "name", f->path);
		json_key(w, "cond");
		if (f->cond)
			json_str(w, f->cond);
		else
			json_null(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "only_in_btf");
	json_arr_begin(w);
	for (size_t i = 0; sn->found && i < sn->nr_visible; i++)
		if (!kdoc__field(&sn->ks, sn->visible[i]))
			json_str(w, sn->visible[i]);
	json_arr_end(w);
	json_obj_end(w);
}

void src_notes__free(struct src_notes *sn)
{
	for (size_t i = 0; i < sn->nr_visible; i++)
		free(sn->visible[i]);
	for (size_t i = 0; i < sn->nr_all; i++)
		free(sn->all[i]);
	free(sn->visible);
	free(sn->all);
	free(sn->attach);
	kdoc__free(&sn->ks);
}

/*
 * Read the struct's definition from the tree and match it to the layout.
 * Returns 0 (also when the tree does not define it) or -ENOMEM.
 */
int src_notes__init(struct src_notes *sn, struct btf_layout *layout)
{
	const char *kind = layout->root.kind == BTF_KIND_UNION ? "union" : "struct";
	char *text = NULL;
	size_t len;
	int err;

	source__running_version(sn->running, sizeof(sn->running));
	err = collect_paths(sn, &layout->root, "", true);
	if (err || !layout->root.name[0])
		return err;
	err = source__find_struct(&sn->tree, kind, layout->root.name, sn->rel, sizeof(sn->rel), &text, &len);
	if (err)
		return err == -ENOENT ? 0 : err;
	err = kdoc__parse(text, len, kind, layout->root.name, &sn->ks);
	free(text);
	if (err)
		return err == -ENOENT ? 0 : err;
	sn->found = true;
	for (size_t i = 0; i < sn->nr_visible; i++) {
		if (kdoc__doc(&sn->ks, sn->visible[i]))
			sn->documented++;
		else
			sn->undocumented++;
	}
	/* an alias is shown with the deepest member on its path the layout has */
	sn->attach = calloc(sn->ks.nr_aliases + 1, sizeof(*sn->attach));
	if (!sn->attach)
		return -ENOMEM;
	for (size_t i = 0; i < sn->ks.nr_aliases; i++) {
		const char *target = sn->ks.aliases[i].path;
		size_t best = 0;

		for (size_t j = 0; j < sn->nr_all; j++) {
			size_t l = strlen(sn->all[j]);

			if (l > best && !strncmp(target, sn->all[j], l) && (!target[l] || target[l] == '.')) {
				best = l;
				sn->attach[i] = sn->all[j];
			}
		}
	}
	return 0;
}

void src_notes__print_version_line(const struct src_notes *sn, FILE *out)
{
	if (src_notes__version_differs(sn))
		fprintf(out, "/* source tree %s is linux %s, the running kernel is %s: explanations and "
			"differences below are from %s */\n", sn->tree.dir,
			sn->tree.version[0] ? sn->tree.version : "(unknown version)", sn->running,
			sn->tree.version[0] ? sn->tree.version : "that tree");
}

/* after the layout: where the definition is, what is documented, what differs */
void src_notes__print_trailer(const struct src_notes *sn, const struct btf_layout *l, FILE *out)
{
	size_t n = 0;

	if (!sn->found) {
		fprintf(out, "/* %s %s is not defined in %s (include/, net/, drivers/net/, arch/x86/include/) */\n",
			l->root.kind == BTF_KIND_UNION ? "union" : "struct", l->root.name[0] ? l->root.name :
			l->typedef_name, sn->tree.dir);
		return;
	}
	fprintf(out, "/* source: %s:%u in %s (linux %s)\n", sn->rel, sn->ks.line, sn->tree.dir,
		sn->tree.version);
	if (sn->ks.has_comment)
		fprintf(out, " * kernel-doc: %zu of %zu members documented\n", sn->documented,
			sn->documented + sn->undocumented);
	else
		fprintf(out, " * kernel-doc: no comment names this struct\n");
	fprintf(out, " * only in source (config options this kernel lacks, or other versions):");
	for (size_t i = 0; i < sn->ks.nr_fields; i++) {
		const struct kdoc_field *f = &sn->ks.fields[i];

		if (!src_notes__only_in_source(sn, f))
			continue;
		fprintf(out, "%s\n *   %s%s%s%s", n++ ? "" : "", f->path, f->cond ? " [" : "",
			f->cond ? f->cond : "", f->cond ? "]" : "");
	}
	fprintf(out, "%s\n * only in BTF:", n ? "" : " none");
	n = 0;
	for (size_t i = 0; i < sn->nr_visible; i++)
		if (!kdoc__field(&sn->ks, sn->visible[i]))
			fprintf(out, "%s %s", n++ ? "," : "", sn->visible[i]);
	fprintf(out, "%s\n * size: %u bytes in BTF; from the source alone the size is not knowable "
		"(it depends on the configuration and the compiler) */\n", n ? "" : " none", l->root.size);
}

/* --src DIR, else the fetched tree; false (after a message) if DIR is no tree */
bool src_notes__open_tree(const char *dir, struct src_notes *sn, bool *have, bool json)
{
	int err;

	*have = false;
	if (!dir) {
		*have = !source__default(&sn->tree);
		/* a hint for people, not for scripts reading stderr */
		if (!*have && !json && isatty(STDERR_FILENO))
			fprintf(stderr, "netscope: hint: no kernel source tree: `netscope source fetch` gets one "
				"(explanations of members come from its kernel-doc)\n");
		return true;
	}
	err = source__open(dir, &sn->tree);
	if (err == -ENOENT)
		ns_err("cannot open source tree '%s': no such directory", dir);
	else if (err == -ENOTDIR)
		ns_err("'%s' is not a kernel source tree: '%s/include' does not exist", dir, dir);
	*have = !err;
	return !err;
}

