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
#include "index/query_priv.h"

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

/*
 * Member macros: struct sock's header says "#define sk_state
 * __sk_common.skc_state", so sk->sk_state is an access to skc_state of
 * struct sock_common, and the index stores it so, with the macro in its via
 * list ("WRITE_ONCE,sk_state").  The alias is found from the index itself:
 * among the named structs nested in record (by value, as BTF lays them
 * out), the member whose uses went through a macro of that name.  Reading
 * the alias from the source instead would mean finding the header, which
 * for a struct outside the usual headers is a walk of the whole tree.
 */

#define MAX_NESTED 64

struct nested {
	const char *name[MAX_NESTED];
	int n;
};

static void add_nested(struct nested *o, const char *name)
{
	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->name[i], name))
			return;
	if (o->n < MAX_NESTED)
		o->name[o->n++] = name;
}

/* named structs and unions held by value in t, at any depth */
static void collect_nested(const struct btf *btf, const struct btf_type *t, struct nested *o, int depth)
{
	const struct btf_member *m = btf_members(t);

	if (depth > 8)
		return;
	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		const struct btf_type *in = composite(btf, m->type);

		if (!in)
			continue;
		if (in->name_off)
			add_nested(o, btf__name_by_offset(btf, in->name_off));
		collect_nested(btf, in, o, depth + 1);
	}
}

/* does the comma-separated via list name macro */
static bool via_has(const char *via, const char *macro)
{
	size_t len = strlen(macro);

	for (const char *p = via; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, macro, len) && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

int ixq__resolve_alias(struct ixq *q, const char *record, const char *member, char *rec_out,
		       size_t rec_size, char *mem_out, size_t mem_size)
{
	struct nested cand = {};
	struct btf *btf;
	int id, err = -ENOENT;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		return -ENOENT;
	id = find_record(btf, record);
	if (id > 0) {
		add_nested(&cand, record);
		collect_nested(btf, btf__type_by_id(btf, id), &cand, 0);
	}
	/*
	 * sk->sk_state is sk->__sk_common.skc_state: the macro's expansion
	 * is an access of sock.__sk_common and one of sock_common.skc_state,
	 * both through the macro.  The macro names the innermost: of the
	 * records, the most deeply nested (they come after their containers
	 * in cand), and in one record the longest path (sk_backlog.rmem_alloc
	 * over sk_backlog).
	 */
	for (int i = 0; i < cand.n; i++) {
		sqlite3_stmt *st = ixq_stmt(q, ST_RECORD_VIAS);
		char found[256] = "";
		int rc;

		if (!st) {
			err = -EIO;
			break;
		}
		sqlite3_bind_text(st, 1, cand.name[i], -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *m = ixq_col_str(st, 0);

			if (via_has(ixq_col_str(st, 1), member) && strlen(m) > strlen(found))
				snprintf(found, sizeof(found), "%s", m);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err = ixq_sql_err(q);
			break;
		}
		if (found[0]) {
			snprintf(rec_out, rec_size, "%s", cand.name[i]);
			snprintf(mem_out, mem_size, "%s", found);
			err = 0;
		}
	}
	btf__free(btf);
	return err;
}

/* the name of the last typedef on the way from id to its struct, or NULL */
static const char *typedef_name(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = NULL;

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))) {
		if (btf_is_typedef(t))
			name = btf__name_by_offset(btf, t->name_off);
		t = btf__type_by_id(btf, t->type);
	}
	return name;
}

/* the member called name in t, looking through anonymous members; its type id */
static bool member_type(const struct btf *btf, const struct btf_type *t, const char *name, size_t len,
			__u32 *type)
{
	const struct btf_member *m = btf_members(t);

	for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *in;

		if (mn && strlen(mn) == len && !strncmp(mn, name, len)) {
			*type = m->type;
			return true;
		}
		if ((!mn || !mn[0]) && (in = composite(btf, m->type)) && member_type(btf, in, name, len, type))
			return true;
	}
	return false;
}

int ixq__resolve_path(const char *record, const char *path, char *rec_out, size_t rec_size, char *mem_out,
		      size_t mem_size)
{
	const struct btf_type *t;
	const char *owner = record, *step = path, *rest = path;
	struct btf *btf = btf__load_vmlinux_btf();
	int id, err = -ENOENT;

	if (!btf)
		return -ENOENT;
	id = find_record(btf, record);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	/*
	 * Walk a.b.c: a member of a named struct starts the path again in that
	 * struct (sock.__sk_common.skc_state is sock_common.skc_state); one of
	 * an unnamed struct keeps it (sock.sk_backlog.len), as records.h names
	 * members.
	 */
	while (t) {
		const char *dot = strchr(step, '.');
		size_t len = dot ? (size_t)(dot - step) : strlen(step);
		const struct btf_type *in;
		__u32 type;

		if (!member_type(btf, t, step, len, &type))
			break;
		if (!dot) {
			snprintf(rec_out, rec_size, "%s", owner);
			snprintf(mem_out, mem_size, "%s", rest);
			err = 0;
			break;
		}
		in = composite(btf, type);
		if (in && (in->name_off || typedef_name(btf, type))) {
			/* typedef struct { ... } socket_lock_t is known by its typedef */
			owner = in->name_off ? btf__name_by_offset(btf, in->name_off) : typedef_name(btf, type);
			rest = dot + 1;
		}
		t = in;
		step = dot + 1;
	}
	btf__free(btf);
	return err;
}
