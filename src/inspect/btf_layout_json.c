// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of a struct layout as JSON, with the schema of docs/struct.md:
 * the same numbers as the pahole-style text, plus "doc" and "aliases" of
 * members when a source tree was read.
 *
 * Split from btf_layout_print.c (the text renderer) so each file holds one
 * output format and stays within the project's file size guideline; the
 * helpers both use are declared in btf_layout_printer.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common/json.h"
#include "inspect/btf_layout.h"
#include "inspect/btf_layout_printer.h"

static void json_holes(struct json_writer *w, const struct btf_layout_node *n)
{
	json_key(w, "holes");
	json_arr_begin(w);
	for (__u32 i = 0; i < n->nr_holes; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "offset", n->holes[i].offset);
		json_kv_u64(w, "size", n->holes[i].size);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "bit_holes");
	json_arr_begin(w);
	for (__u32 i = 0; i < n->nr_bit_holes; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "offset", n->bit_holes[i].offset);
		json_kv_u64(w, "bit_offset", n->bit_holes[i].bit_offset);
		json_kv_u64(w, "bits", n->bit_holes[i].bits);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "padding", n->padding);
	json_kv_u64(w, "bit_padding", n->bit_padding);
}

/* "doc" and "aliases" of a member, when a source tree was read */
static void json_notes(struct printer *p, struct json_writer *w, const char *name)
{
	const struct btf_layout_notes *notes = p->l->notes;
	const char *names[MAX_ALIASES], *paths[MAX_ALIASES], *doc;
	char path[sizeof(p->path) + 128];
	bool marked;
	int n;

	if (!notes)
		return;
	printer__member_path(p, name, path, sizeof(path));
	doc = name[0] ? notes->doc(notes->ctx, path, &marked) : NULL;
	json_key(w, "doc");
	if (doc)
		json_str(w, doc);
	else
		json_null(w);
	n = name[0] ? notes->aliases(notes->ctx, path, names, paths, MAX_ALIASES) : 0;
	json_key(w, "aliases");
	json_arr_begin(w);
	for (int i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "name", names[i]);
		json_kv_str(w, "path", paths[i]);
		json_obj_end(w);
	}
	json_arr_end(w);
}

static void json_members(struct printer *p, struct json_writer *w, const struct btf_layout_node *n)
{
	json_key(w, "members");
	json_arr_begin(w);
	for (__u32 i = 0; i < n->nr_members && !p->err; i++) {
		const struct btf_layout_member *lm = &n->members[i];
		const struct btf_layout_node *c = lm->nested;
		bool flex = printer__is_flex_array(p->btf, n, i);
		char type[96], suffix[64];
		const char *decl;
		size_t dl;

		json_obj_begin(w);
		json_kv_str(w, "name", lm->name);
		/* types written out in full in the text are "{...}" here */
		if ((c && !c->name[0]) || printer__anon_enum(p->btf, lm->type_id)) {
			printer__array_suffix(p->btf, lm->type_id, flex, suffix, sizeof(suffix));
			snprintf(type, sizeof(type), "%s {...}%s",
				 c ? printer__kind_str(c->kind) : "enum", suffix);
			json_kv_str(w, "type", type);
		} else {
			decl = printer__type_decl(p, lm->type_id, "");
			dl = strlen(decl);
			/* a flexible array member: "struct scatterlist[]" */
			if (flex && dl >= 3 && !strcmp(decl + dl - 3, "[0]"))
				p->buf[dl - 2] = ']', p->buf[dl - 1] = '\0';
			json_kv_str(w, "type", decl);
		}
		json_kv_u64(w, "offset", lm->offset);
		json_kv_u64(w, "size", lm->size);
		json_kv_u64(w, "bit_offset", lm->bit_offset);
		json_kv_u64(w, "bit_size", lm->bit_size);
		json_notes(p, w, lm->name);
		if (c) {
			size_t old = printer__path_push(p, lm->name);

			json_kv_str(w, "kind", printer__kind_str(c->kind));
			json_members(p, w, c);
			json_holes(w, c);
			p->path_len = old;
		}
		json_obj_end(w);
	}
	json_arr_end(w);
}

int btf_layout__print_json(const struct btf_layout *layout, const char *btf_source, FILE *out)
{
	const struct btf_layout_node *n = &layout->root;
	struct json_writer *w;
	struct printer p;
	int err;

	err = printer__init(&p, layout, out);
	if (err)
		return err;
	w = json_new(out);
	if (!w) {
		printer__fini(&p);
		return -ENOMEM;
	}
	json_obj_begin(w);
	/* 2: "source", and "doc" and "aliases" on members, when a tree was read */
	json_kv_u64(w, "schema_version", layout->notes ? 2 : 1);
	json_kv_str(w, "btf", btf_source);
	json_kv_str(w, "name", n->name[0] || !layout->typedef_name ? n->name : layout->typedef_name);
	json_kv_str(w, "kind", printer__kind_str(n->kind));
	json_kv_u64(w, "type_id", n->type_id);
	json_kv_u64(w, "size", n->size);
	json_kv_u64(w, "cachelines", layout->cachelines);
	json_kv_u64(w, "last_cacheline", layout->last_cacheline);
	json_kv_bool(w, "expanded", layout->expand);
	json_kv_u64(w, "nr_members", n->nr_members);
	json_kv_u64(w, "sum_members", n->sum_members);
	json_kv_u64(w, "sum_bitfield_bits", n->sum_bitfield_bits);
	json_kv_u64(w, "sum_holes", n->sum_holes);
	json_kv_u64(w, "sum_bit_holes", n->sum_bit_holes);
	json_members(&p, w, n);
	json_holes(w, n);
	json_key(w, "paddings");
	json_arr_begin(w);
	for (__u32 i = 0; i < n->nr_members; i++) {
		if (!n->members[i].type_padding)
			continue;
		json_obj_begin(w);
		json_kv_str(w, "member", n->members[i].name);
		json_kv_u64(w, "size", n->members[i].type_padding);
		json_obj_end(w);
	}
	json_arr_end(w);
	if (layout->notes && layout->notes->json)
		layout->notes->json(layout->notes->ctx, w);
	json_obj_end(w);
	fputc('\n', out);
	json_free(w);
	err = p.err;
	printer__fini(&p);
	return err;
}
