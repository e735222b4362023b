// SPDX-License-Identifier: GPL-2.0
/*
 * Struct layouts from a synthetic BTF whose holes, bitfields, padding and
 * cache lines are known by construction (the comments show the C it
 * stands for), then the text and JSON renderings of the same layout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "inspect/btf_layout.h"

struct ids {
	int u8, u16, u32, u64, chr;
	int demo, inner, mixed, lead, packed, flex, anon_union, typedef_demo, u;
};

static struct ids ids;

/*
 * struct inner { u64 v; u8 w; };				size 16, 7 bytes tail padding
 *
 * struct demo {
 *	u8 a;				0	1
 *	// 3 bytes hole
 *	u32 b;				4	4
 *	u16 f1:3;			8:0	2
 *	u16 f2:2;			8:3	2
 *	// 11 bits hole, 6 bytes hole
 *	u64 c;				16	8
 *	union { u32 x; u64 y; };	24	8
 *	struct { u8 p; u32 q; } s;	32	8	(3 bytes hole inside)
 *	char pad[28];			40	28
 *	u32 tail;			68	4	(cache line 1 began 4 bytes ago)
 *	struct inner in;		72	16
 *	void (*fn)(u32);		88	8
 *	// 0 bytes padding
 * };						size 96
 */
static struct btf *synthetic_btf(void)
{
	struct btf *btf = btf__new_empty();
	int anon_s, arr, proto, fnptr, arr0, arr6, tdef;

	assert_non_null(btf);
	ids.u8 = btf__add_int(btf, "u8", 1, 0);
	ids.u16 = btf__add_int(btf, "u16", 2, 0);
	ids.u32 = btf__add_int(btf, "u32", 4, 0);
	ids.u64 = btf__add_int(btf, "u64", 8, 0);
	ids.chr = btf__add_int(btf, "char", 1, BTF_INT_SIGNED);

	ids.inner = btf__add_struct(btf, "inner", 16);
	assert_int_equal(btf__add_field(btf, "v", ids.u64, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "w", ids.u8, 64, 0), 0);

	ids.anon_union = btf__add_union(btf, NULL, 8);
	assert_int_equal(btf__add_field(btf, "x", ids.u32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "y", ids.u64, 0, 0), 0);

	anon_s = btf__add_struct(btf, NULL, 8);
	assert_int_equal(btf__add_field(btf, "p", ids.u8, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "q", ids.u32, 32, 0), 0);

	arr = btf__add_array(btf, ids.u32, ids.chr, 28);
	proto = btf__add_func_proto(btf, 0);
	assert_int_equal(btf__add_func_param(btf, NULL, ids.u32), 0);
	fnptr = btf__add_ptr(btf, proto);

	ids.demo = btf__add_struct(btf, "demo", 96);
	assert_int_equal(btf__add_field(btf, "a", ids.u8, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "b", ids.u32, 32, 0), 0);
	assert_int_equal(btf__add_field(btf, "f1", ids.u16, 64, 3), 0);
	assert_int_equal(btf__add_field(btf, "f2", ids.u16, 67, 2), 0);
	assert_int_equal(btf__add_field(btf, "c", ids.u64, 128, 0), 0);
	assert_int_equal(btf__add_field(btf, NULL, ids.anon_union, 192, 0), 0);
	assert_int_equal(btf__add_field(btf, "s", anon_s, 256, 0), 0);
	assert_int_equal(btf__add_field(btf, "pad", arr, 320, 0), 0);
	assert_int_equal(btf__add_field(btf, "tail", ids.u32, 544, 0), 0);
	assert_int_equal(btf__add_field(btf, "in", ids.inner, 576, 0), 0);
	assert_int_equal(btf__add_field(btf, "fn", fnptr, 704, 0), 0);

	/* struct mixed { u32 a:3; u8 b:1; u32 d; };  the u8 bit lives in the u32 unit */
	ids.mixed = btf__add_struct(btf, "mixed", 8);
	assert_int_equal(btf__add_field(btf, "a", ids.u32, 0, 3), 0);
	assert_int_equal(btf__add_field(btf, "b", ids.u8, 3, 1), 0);
	assert_int_equal(btf__add_field(btf, "d", ids.u32, 32, 0), 0);

	/* struct lead { u32 :31; u32 invalid:1; };  BTF drops the unnamed field */
	ids.lead = btf__add_struct(btf, "lead", 4);
	assert_int_equal(btf__add_field(btf, "invalid", ids.u32, 31, 1), 0);

	/* struct pk { u8 a; u32 b; } __attribute__((packed)); */
	ids.packed = btf__add_struct(btf, "pk", 5);
	assert_int_equal(btf__add_field(btf, "a", ids.u8, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "b", ids.u32, 8, 0), 0);

	/* struct flex { u32 len; u8 data[]; };  size 4 */
	arr0 = btf__add_array(btf, ids.u32, ids.u8, 0);
	ids.flex = btf__add_struct(btf, "flex", 4);
	assert_int_equal(btf__add_field(btf, "len", ids.u32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "data", arr0, 32, 0), 0);

	/* typedef struct demo demo_t;  union u { u32 x; u8 c[6]; };  size 8 */
	tdef = btf__add_typedef(btf, "demo_t", ids.demo);
	ids.typedef_demo = tdef;
	arr6 = btf__add_array(btf, ids.u32, ids.u8, 6);
	ids.u = btf__add_union(btf, "u", 8);
	assert_int_equal(btf__add_field(btf, "x", ids.u32, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "c", arr6, 0, 0), 0);
	return btf;
}

static struct btf_layout *layout_of(struct btf *btf, int id, bool expand)
{
	struct btf_layout_opts opts = { .expand = expand };
	struct btf_layout *l = btf_layout__build(btf, id, &opts);

	assert_non_null(l);
	return l;
}

static char *render(const struct btf_layout *l, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		assert_int_equal(btf_layout__print_json(l, "synthetic", f), 0);
	else
		assert_int_equal(btf_layout__print_text(l, f), 0);
	fclose(f);
	return buf;
}

static void holes_are_gaps_between_members_and_bitfield_units(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.demo, false);
	const struct btf_layout_node *n = &l->root;

	assert_int_equal(n->nr_holes, 2);
	assert_int_equal(n->holes[0].offset, 1);
	assert_int_equal(n->holes[0].size, 3);
	/* after the u16 unit of f1/f2 (8..10), up to c at 16 */
	assert_int_equal(n->holes[1].offset, 10);
	assert_int_equal(n->holes[1].size, 6);
	assert_int_equal(n->sum_holes, 9);
	assert_int_equal(n->members[0].hole, 3);
	assert_int_equal(n->members[3].hole, 6);
	btf_layout__free(l);
	btf__free(btf);
}

static void unused_bits_of_a_bitfield_unit_are_one_bit_hole(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.demo, false);
	const struct btf_layout_node *n = &l->root;

	assert_int_equal(n->nr_bit_holes, 1);
	assert_int_equal(n->bit_holes[0].offset, 8);
	assert_int_equal(n->bit_holes[0].bit_offset, 5);
	assert_int_equal(n->bit_holes[0].bits, 11);
	assert_int_equal(n->members[3].bit_hole, 11);
	assert_int_equal(n->sum_bitfield_bits, 5);
	/* f2 shown in its unit as pahole does: 8:3, size 2 */
	assert_int_equal(n->members[3].offset, 8);
	assert_int_equal(n->members[3].bit_offset, 3);
	assert_int_equal(n->members[3].size, 2);
	assert_int_equal(n->members[3].bit_size, 2);
	btf_layout__free(l);
	btf__free(btf);
}

static void summary_counts_top_level_only(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.demo, false);
	const struct btf_layout_node *n = &l->root;

	assert_int_equal(n->size, 96);
	assert_int_equal(n->nr_members, 11);
	/* 1+4+8+8+8+28+4+16+8: bitfields and the hole inside s not counted */
	assert_int_equal(n->sum_members, 85);
	assert_int_equal(n->padding, 0);
	assert_int_equal(n->bit_padding, 0);
	assert_int_equal(l->cachelines, 2);
	assert_int_equal(l->last_cacheline, 32);
	/* struct inner leaves 7 bytes after w */
	assert_int_equal(n->nr_paddings, 1);
	assert_int_equal(n->sum_paddings, 7);
	assert_int_equal(n->members[9].type_padding, 7);
	btf_layout__free(l);
	btf__free(btf);
}

static void anonymous_union_and_struct_are_nested_with_absolute_offsets(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.demo, false);
	const struct btf_layout_member *un = &l->root.members[5], *s = &l->root.members[6];

	assert_non_null(un->nested);
	assert_int_equal(un->nested->kind, BTF_KIND_UNION);
	assert_int_equal(un->nested->nr_members, 2);
	assert_int_equal(un->nested->members[0].offset, 24);
	assert_int_equal(un->nested->members[1].offset, 24);
	assert_int_equal(un->nested->members[1].size, 8);
	assert_int_equal(un->nested->nr_holes, 0);

	assert_string_equal(s->name, "s");
	assert_non_null(s->nested);
	assert_int_equal(s->nested->members[1].offset, 36);
	assert_int_equal(s->nested->nr_holes, 1);
	assert_int_equal(s->nested->holes[0].offset, 33);
	assert_int_equal(s->nested->holes[0].size, 3);
	/* named struct members stay one member without --expand */
	assert_null(l->root.members[9].nested);
	btf_layout__free(l);
	btf__free(btf);
}

static void expand_opens_named_structs_at_absolute_offsets(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.demo, true);
	const struct btf_layout_member *in = &l->root.members[9];

	assert_non_null(in->nested);
	assert_string_equal(in->nested->name, "inner");
	assert_int_equal(in->nested->members[0].offset, 72);
	assert_int_equal(in->nested->members[1].offset, 80);
	assert_int_equal(in->nested->padding, 7);
	btf_layout__free(l);
	btf__free(btf);
}

static void mixed_type_bitfields_share_the_widest_unit(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.mixed, false);
	const struct btf_layout_node *n = &l->root;

	/* bits 4..31 of the u32 unit are free; no byte hole before d */
	assert_int_equal(n->nr_bit_holes, 1);
	assert_int_equal(n->sum_bit_holes, 28);
	assert_int_equal(n->nr_holes, 0);
	btf_layout__free(l);
	btf__free(btf);
}

static void bits_before_the_first_bitfield_are_a_leading_bit_hole(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.lead, false);

	assert_int_equal(l->root.lead_bit_hole, 31);
	assert_int_equal(l->root.lead_hole, 0);
	assert_int_equal(l->root.members[0].bit_offset, 31);
	assert_int_equal(l->root.padding, 0);
	btf_layout__free(l);
	btf__free(btf);
}

static void misaligned_member_marks_struct_packed(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.packed, false);
	struct btf_layout *d = layout_of(btf, ids.demo, false);
	char *text = render(l, false);

	assert_true(l->root.packed);
	assert_false(d->root.packed);
	assert_int_equal(l->root.nr_holes, 0);
	assert_non_null(strstr(text, "} __attribute__((__packed__));\n"));
	free(text);
	btf_layout__free(l);
	btf_layout__free(d);
	btf__free(btf);
}

static void union_has_no_holes_only_tail_padding(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.u, false);

	assert_int_equal(l->root.kind, BTF_KIND_UNION);
	assert_int_equal(l->root.nr_holes, 0);
	assert_int_equal(l->root.padding, 2);
	btf_layout__free(l);
	btf__free(btf);
}

static void text_has_pahole_holes_cachelines_and_summary(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.demo, false);
	char *text = render(l, false);
	static const char *const lines[] = {
		"struct demo {\n",
		"\tu8                         a;                    /*     0     1 */\n"
		"\n\t/* XXX 3 bytes hole, try to pack */\n\n",
		"\tu16                        f1:3;                 /*     8: 0  2 */\n",
		"\t/* XXX 11 bits hole, try to pack */\n\t/* XXX 6 bytes hole, try to pack */\n",
		"\tunion {\n\t\tu32                x;                    /*    24     4 */\n",
		"\t};                                               /*    24     8 */\n",
		"\t} s;                                             /*    32     8 */\n",
		"\t\t/* XXX 3 bytes hole, try to pack */\n",
		"\tchar                       pad[28];              /*    40    28 */\n"
		"\t/* --- cacheline 1 boundary (64 bytes) was 4 bytes ago --- */\n",
		"\t/* XXX last struct has 7 bytes of padding */\n",
		"\tvoid                       (*fn)(u32);           /*    88     8 */\n",
		"\t/* size: 96, cachelines: 2, members: 11 */\n"
		"\t/* sum members: 85, holes: 2, sum holes: 9 */\n"
		"\t/* sum bitfield members: 5 bits, bit holes: 1, sum bit holes: 11 bits */\n"
		"\t/* paddings: 1, sum paddings: 7 */\n"
		"\t/* last cacheline: 32 bytes */\n};\n",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (!strstr(text, lines[i]))
			fail_msg("missing:\n%s\nin:\n%s", lines[i], text);
	free(text);
	btf_layout__free(l);
	btf__free(btf);
}

static void last_zero_length_array_prints_as_flexible(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.flex, false);
	char *text = render(l, false), *json = render(l, true);

	assert_non_null(strstr(text, " data[];"));
	assert_non_null(strstr(json, "\"type\":\"u8[]\""));
	free(text);
	free(json);
	btf_layout__free(l);
	btf__free(btf);
}

static void json_lists_members_holes_and_nested_members(void **state)
{
	struct btf *btf = synthetic_btf();
	struct btf_layout *l = layout_of(btf, ids.demo, false);
	char *json = render(l, true);
	static const char *const parts[] = {
		"\"schema_version\":1",
		"\"name\":\"demo\",\"kind\":\"struct\"",
		"\"size\":96,\"cachelines\":2,\"last_cacheline\":32",
		"{\"name\":\"f2\",\"type\":\"u16\",\"offset\":8,\"size\":2,\"bit_offset\":3,\"bit_size\":2}",
		"{\"name\":\"\",\"type\":\"union {...}\",\"offset\":24,\"size\":8,\"bit_offset\":0,"
		"\"bit_size\":0,\"kind\":\"union\",\"members\":[",
		"{\"name\":\"pad\",\"type\":\"char[28]\"",
		"{\"name\":\"fn\",\"type\":\"void (*)(u32)\"",
		"\"holes\":[{\"offset\":1,\"size\":3},{\"offset\":10,\"size\":6}],"
		"\"bit_holes\":[{\"offset\":8,\"bit_offset\":5,\"bits\":11}],\"padding\":0,\"bit_padding\":0,"
		"\"paddings\":[{\"member\":\"in\",\"size\":7}]}",
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (!strstr(json, parts[i]))
			fail_msg("missing:\n%s\nin:\n%s", parts[i], json);
	free(json);
	btf_layout__free(l);
	btf__free(btf);
}

static void find_takes_bare_prefixed_and_typedef_names(void **state)
{
	struct btf *btf = synthetic_btf();

	assert_int_equal(btf_layout__find(btf, "demo"), ids.demo);
	assert_int_equal(btf_layout__find(btf, "struct demo"), ids.demo);
	assert_int_equal(btf_layout__find(btf, "demo_t"), ids.demo);
	assert_int_equal(btf_layout__find(btf, "union u"), ids.u);
	assert_int_equal(btf_layout__find(btf, "union demo"), -ENOENT);
	assert_int_equal(btf_layout__find(btf, "u8"), -ENOENT);
	assert_int_equal(btf_layout__find(btf, "nosuch"), -ENOENT);
	btf__free(btf);
}

static void unknown_name_suggests_nearest_names_first(void **state)
{
	struct btf *btf = synthetic_btf();
	const char *near[4];
	int n;

	n = btf_layout__suggest(btf, "demoo", near, 4);
	assert_int_equal(n, 1);
	assert_string_equal(near[0], "demo");
	n = btf_layout__suggest(btf, "mixd", near, 4);
	assert_true(n >= 1);
	assert_string_equal(near[0], "mixed");
	assert_int_equal(btf_layout__suggest(btf, "zzzzzzzzzzzz", near, 4), 0);
	btf__free(btf);
}

static void edit_distance_counts_insertions_deletions_substitutions(void **state)
{
	assert_int_equal(btf_layout__edit_distance("sk_buff", "sk_buff"), 0);
	assert_int_equal(btf_layout__edit_distance("sk_bufff", "sk_buff"), 1);
	assert_int_equal(btf_layout__edit_distance("sock", "sick"), 1);
	assert_int_equal(btf_layout__edit_distance("", "abc"), 3);
	assert_int_equal(btf_layout__edit_distance("kitten", "sitting"), 3);
}

static void non_composite_type_is_einval(void **state)
{
	struct btf *btf = synthetic_btf();

	errno = 0;
	assert_null(btf_layout__build(btf, ids.u32, NULL));
	assert_int_equal(errno, EINVAL);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holes_are_gaps_between_members_and_bitfield_units),
		cmocka_unit_test(unused_bits_of_a_bitfield_unit_are_one_bit_hole),
		cmocka_unit_test(summary_counts_top_level_only),
		cmocka_unit_test(anonymous_union_and_struct_are_nested_with_absolute_offsets),
		cmocka_unit_test(expand_opens_named_structs_at_absolute_offsets),
		cmocka_unit_test(mixed_type_bitfields_share_the_widest_unit),
		cmocka_unit_test(bits_before_the_first_bitfield_are_a_leading_bit_hole),
		cmocka_unit_test(misaligned_member_marks_struct_packed),
		cmocka_unit_test(union_has_no_holes_only_tail_padding),
		cmocka_unit_test(text_has_pahole_holes_cachelines_and_summary),
		cmocka_unit_test(last_zero_length_array_prints_as_flexible),
		cmocka_unit_test(json_lists_members_holes_and_nested_members),
		cmocka_unit_test(find_takes_bare_prefixed_and_typedef_names),
		cmocka_unit_test(unknown_name_suggests_nearest_names_first),
		cmocka_unit_test(edit_distance_counts_insertions_deletions_substitutions),
		cmocka_unit_test(non_composite_type_is_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
