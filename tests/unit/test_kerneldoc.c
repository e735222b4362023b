// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-doc parser on tests/fixtures/kdoc/tree/include/net/ns_demo.h,
 * whose answers are known: multi-line descriptions, an undocumented member,
 * a nested anonymous union, #define aliases and an #ifdef CONFIG_X member.
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
#include "inspect/kerneldoc.h"

#define FIXTURE "tests/fixtures/kdoc/tree/include/net/ns_demo.h"

static char *text;
static size_t len;

static int load(void **state)
{
	FILE *f = fopen(FIXTURE, "r");

	if (!f)
		return -1;
	text = calloc(1, 1 << 16);
	len = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	return 0;
}

static int unload(void **state)
{
	free(text);
	return 0;
}

static void parse(struct kdoc_struct *s)
{
	assert_int_equal(kdoc__parse(text, len, "struct", "ns_demo", s), 0);
}

static void comment_gives_summary_and_multi_line_descriptions(void **state)
{
	struct kdoc_struct s;

	parse(&s);
	assert_true(s.has_comment);
	assert_int_equal(s.line, 28);
	assert_string_equal(s.summary, "a demo socket for netscope's tests");
	assert_string_equal(kdoc__doc(&s, "len"), "length of the data, in bytes, continued over three lines");
	assert_string_equal(kdoc__doc(&s, "common"), "shared part, read through the aliases below");
	assert_string_equal(kdoc__doc(&s, "common.state"), "the state, named by a dotted path");
	assert_string_equal(kdoc__doc(&s, "handler"), "called on receive");
	/* the prose after the blank line belongs to no member */
	assert_int_equal(s.nr_entries, 9);
	kdoc__free(&s);
}

static void undocumented_members_have_no_doc(void **state)
{
	struct kdoc_struct s;

	parse(&s);
	assert_null(kdoc__doc(&s, "urgent"));
	assert_null(kdoc__doc(&s, "undocumented"));
	assert_null(kdoc__doc(&s, "ptrs"));
	kdoc__free(&s);
}

static void body_members_through_anonymous_union_bitfields_and_ifdef(void **state)
{
	static const char *const want[] = {
		"common", "len", "head", "tail", "ptrs", "flags", "urgent", "undocumented",
		"extra", "cb", "handler",
	};
	struct kdoc_struct s;

	parse(&s);
	assert_int_equal(s.nr_fields, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < s.nr_fields; i++)
		assert_string_equal(s.fields[i].path, want[i]);
	assert_string_equal(kdoc__field(&s, "extra")->cond, "CONFIG_X");
	assert_null(kdoc__field(&s, "cb")->cond);
	assert_int_equal(kdoc__field(&s, "handler")->line, 45);
	kdoc__free(&s);
}

static void defines_naming_member_paths_are_aliases(void **state)
{
	struct kdoc_struct s;

	parse(&s);
	assert_int_equal(s.nr_aliases, 2);
	assert_string_equal(s.aliases[0].name, "demo_state");
	assert_string_equal(s.aliases[0].path, "common.state");
	assert_string_equal(s.aliases[1].name, "demo_family");
	assert_string_equal(s.aliases[1].path, "common.family");
	kdoc__free(&s);
}

static void struct_without_comment_still_lists_members(void **state)
{
	struct kdoc_struct s;

	assert_int_equal(kdoc__parse(text, len, "struct", "ns_common", &s), 0);
	assert_false(s.has_comment);
	assert_int_equal(s.nr_fields, 2);
	assert_string_equal(s.fields[1].path, "family");
	kdoc__free(&s);
}

static void struct_not_defined_is_enoent(void **state)
{
	struct kdoc_struct s;

	assert_int_equal(kdoc__parse(text, len, "struct", "ns_missing", &s), -ENOENT);
	/* a name in a comment is no definition */
	assert_int_equal(kdoc__parse(text, len, "union", "ns_demo", &s), -ENOENT);
}

static void named_nested_struct_and_group_macros(void **state)
{
	static const char src[] =
		"struct g {\n"
		"\tstruct {\n\t\tint a;\n\t} named;\n"
		"\tstruct_group_tagged(g_hdr, hdr,\n\t\tint b;\n\t\tint c;\n\t);\n"
		"\t__cacheline_group_begin(rx);\n"
		"\tu8 :4, d:4;\n"
		"};\n";
	static const char *const want[] = {
		"named", "named.a", "hdr", "b", "c", "__cacheline_group_begin__rx", "d",
	};
	struct kdoc_struct s;

	assert_int_equal(kdoc__parse(src, strlen(src), "struct", "g", &s), 0);
	assert_int_equal(s.nr_fields, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < s.nr_fields; i++)
		assert_string_equal(s.fields[i].path, want[i]);
	kdoc__free(&s);
}

/* found by tests/fuzz/fuzz_kerneldoc.c: each level doubled the scan */
static void deeply_nested_struct_groups_are_listed_without_doubling_each_level(void **state)
{
	enum { DEPTH = 30 };
	char src[2048] = "struct g {\n";
	struct kdoc_struct s;

	for (int i = 0; i < DEPTH; i++)
		snprintf(src + strlen(src), sizeof(src) - strlen(src), "\tstruct_group(g%d,\n", i);
	strcat(src, "\t\tint x;\n");
	for (int i = 0; i < DEPTH; i++)
		strcat(src, "\t);\n");
	strcat(src, "};\n");
	/* 2^30 listings of x before */
	assert_int_equal(kdoc__parse(src, strlen(src), "struct", "g", &s), 0);
	assert_true(s.nr_fields < 1000);
	/* what C and BTF name at the depths the kernel uses are still there */
	assert_non_null(kdoc__field(&s, "x"));
	assert_non_null(kdoc__field(&s, "g0.x"));
	assert_non_null(kdoc__field(&s, "g0.g1.x"));
	assert_non_null(kdoc__field(&s, "g29"));
	kdoc__free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(comment_gives_summary_and_multi_line_descriptions),
		cmocka_unit_test(undocumented_members_have_no_doc),
		cmocka_unit_test(body_members_through_anonymous_union_bitfields_and_ifdef),
		cmocka_unit_test(defines_naming_member_paths_are_aliases),
		cmocka_unit_test(struct_without_comment_still_lists_members),
		cmocka_unit_test(struct_not_defined_is_enoent),
		cmocka_unit_test(named_nested_struct_and_group_macros),
		cmocka_unit_test(deeply_nested_struct_groups_are_listed_without_doubling_each_level),
	};

	return cmocka_run_group_tests(tests, load, unload);
}
