// SPDX-License-Identifier: GPL-2.0
/*
 * Index answers checked against the running kernel's struct types (BTF):
 * members no indexed code uses, and member macros resolved to the member
 * the index stores.
 *
 * The index names a member by the record that declares it, looking
 * through anonymous structs and unions (records.h); member lists here are
 * flattened the same way so the two compare name for name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "index/query.h"
#include "inspect/kerneldoc.h"
#include "inspect/source.h"

static const struct btf_type *composite(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_composite(t) ? t : NULL;
}

static int find_record(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	return id > 0 ? id : btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
}

struct names {
	char **v;
	size_t n;
};

static int collect_members(const struct btf *btf, const struct btf_type *t, struct names *out)
{
	const struct btf_member *m = btf_members(t);

	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *in;
		char **v;
		int err;

		if (!name || !name[0]) {
			in = composite(btf, m->type);
			if (in && (err = collect_members(btf, in, out)))
				return err;
			continue;
		}
		/*
		 * __cacheline_group_begin__/end__ are zero-size markers that
		 * group hot members (include/linux/cache.h, 6.8+): no data
		 */
		if (!strncmp(name, "__cacheline_group_", 18))
			continue;
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		out->v = v;
		v[out->n] = strdup(name);
		if (!v[out->n++])
			return -ENOMEM;
	}
	return 0;
}

void ixq__kernel_members_free(struct ixq_kernel_members *m)
{
	for (size_t i = 0; i < m->nr; i++)
		free(m->names[i]);
	free(m->names);
	memset(m, 0, sizeof(*m));
}

static bool used(const struct ixq_record_stats *s, const char *member)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->members[i].member, member))
			return true;
	return false;
}

int ixq__kernel_unused_members(const char *record, const struct ixq_record_stats *s,
			       struct ixq_kernel_members *out)
{
	struct names all = {};
	struct btf *btf;
	int id, err = 0;

	memset(out, 0, sizeof(*out));
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return 0;
	id = find_record(btf, record);
	if (id > 0) {
		out->found = true;
		err = collect_members(btf, btf__type_by_id(btf, id), &all);
	}
	out->nr_all = all.n;
	for (size_t i = 0; i < all.n; i++) {
		if (!err && !used(s, all.v[i])) {
			out->names = realloc(out->names, (out->nr + 1) * sizeof(*out->names));
			if (!out->names) {
				err = -ENOMEM;
				out->nr = 0;
			} else {
				out->names[out->nr++] = all.v[i];
				continue;
			}
		}
		free(all.v[i]);
	}
	free(all.v);
	btf__free(btf);
	if (err)
		ixq__kernel_members_free(out);
	return err;
}

/* the member called name in t, through anonymous members; its type id */
static bool member_type(const struct btf *btf, const struct btf_type *t, const char *name, __u32 *type)
{
	const struct btf_member *m = btf_members(t);

	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *in;

		if (mn && !strcmp(mn, name)) {
			*type = m->type;
			return true;
		}
		if ((!mn || !mn[0]) && (in = composite(btf, m->type)) && member_type(btf, in, name, type))
			return true;
	}
	return false;
}

/* the alias's path ("__sk_common.skc_state") from the header defining record */
static int alias_path(const char *tree, const char *record, const char *member, char *path, size_t size)
{
	static const char *const kinds[] = { "struct", "union" };
	struct source_tree t;
	char rel[PATH_MAX];
	int err = -ENOENT;

	if (!tree || !tree[0] || source__open(tree, &t))
		return -ENOENT;
	for (int k = 0; k < 2 && err == -ENOENT; k++) {
		struct kdoc_struct ks = {};
		char *text = NULL;
		size_t len;

		if (source__find_struct(&t, kinds[k], record, rel, sizeof(rel), &text, &len))
			continue;
		if (!kdoc__parse(text, len, kinds[k], record, &ks)) {
			for (size_t i = 0; i < ks.nr_aliases; i++)
				if (!strcmp(ks.aliases[i].name, member)) {
					snprintf(path, size, "%s", ks.aliases[i].path);
					err = 0;
					break;
				}
			kdoc__free(&ks);
		}
		free(text);
	}
	return err;
}

int ixq__resolve_alias(const char *tree, const char *record, const char *member, char *rec_out,
		       size_t rec_size, char *mem_out, size_t mem_size)
{
	const struct btf_type *t;
	char path[256], *step, *next;
	const char *owner = record;
	struct btf *btf;
	int id, err = -ENOENT;

	if (alias_path(tree, record, member, path, sizeof(path)))
		return -ENOENT;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return -ENOENT;
	id = find_record(btf, record);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	/* walk "a.b.c": the record holding the last step is the last named one passed */
	for (step = path; t && step; step = next) {
		__u32 type;

		next = strchr(step, '.');
		if (next)
			*next++ = '\0';
		if (!member_type(btf, t, step, &type))
			break;
		if (!next) {
			snprintf(rec_out, rec_size, "%s", owner);
			snprintf(mem_out, mem_size, "%s", step);
			err = 0;
			break;
		}
		t = composite(btf, type);
		if (t && t->name_off)
			owner = btf__name_by_offset(btf, t->name_off);
	}
	btf__free(btf);
	return err;
}
