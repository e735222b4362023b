// SPDX-License-Identifier: GPL-2.0
/*
 * Which .c files a configuration builds, on tests/fixtures/kbuild (a
 * Makefile with every construct the selection must get right, a Kbuild
 * file that wins over its Makefile, a nested subdirectory), and the
 * compiler arguments of a kernel tree's file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "index/kbuild.h"
#include "index/kflags.h"

#define TREE "tests/fixtures/kbuild"

/* what net/Makefile builds under .config, and into which object */
static const char *const expected[][2] = {
	{ "net/a.c", "a" },
	{ "net/b.c", "b" },
	{ "net/comp_a.c", "comp" },
	{ "net/comp_main.c", "comp" },
	{ "net/comp_x.c", "comp" },
	{ "net/core.c", "core" },
	{ "net/ifa.c", "ifa" },
	{ "net/inner_1.c", "nested" },
	{ "net/inner_2.c", "nested" },
	{ "net/legacy_1.c", "legacy" },
	{ "net/legacy_2.c", "legacy" },
	{ "net/mono_y.c", "mono" },
	{ "net/second-late.c", "second-late" },
	{ "net/strdef.c", "strdef" },
	{ "net/sub/deep/d1.c", "d1" },
	{ "net/sub/s1.c", "s1" },
	{ "net/substy.c", "substy" },
	{ "net/util.c", "util" },
};

static const struct kbuild_file *find(const struct kbuild_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

static void select_with(const char *config, struct kbuild_list *l)
{
	struct kbuild_config *cfg = NULL;

	assert_int_equal(kbuild_config_load(config, &cfg), 0);
	assert_int_equal(kbuild_select(cfg, TREE, "net", l), 0);
	kbuild_list_sort(l);
	kbuild_config_free(cfg);
}

static void check_selection(const struct kbuild_list *l)
{
	size_t n = sizeof(expected) / sizeof(expected[0]);

	for (size_t i = 0; i < l->n && l->n != n; i++)
		print_message("# selected %s (%s)\n", l->v[i].path, l->v[i].modname);
	for (size_t i = 0; i < n; i++) {
		const struct kbuild_file *f = find(l, expected[i][0]);

		if (!f)
			fail_msg("%s is built but was not selected", expected[i][0]);
		assert_string_equal(f->modname, expected[i][1]);
	}
	assert_int_equal(l->n, n);
}

static void dotconfig_selects_what_kbuild_builds(void **state)
{
	struct kbuild_list l = {};

	select_with(TREE "/.config", &l);
	check_selection(&l);
	kbuild_list_free(&l);
}

static void autoconf_h_selects_the_same_with_module_defines(void **state)
{
	struct kbuild_list l = {};

	select_with(TREE "/include/generated/autoconf.h", &l);
	check_selection(&l);
	kbuild_list_free(&l);
}

static void unset_options_composite_heads_and_else_branches_are_not_built(void **state)
{
	static const char *const not_built[] = {
		"net/c.c",		/* obj-$(CONFIG_C), not set */
		"net/comp.c",		/* a composite: its parts are built, not comp.c */
		"net/comp_c.c",		/* comp-$(CONFIG_C) */
		"net/inner.c",		/* nested composite */
		"net/mono_m.c",		/* foo-m of a built-in object */
		"net/empty.c",		/* empty- makes a composite of nothing */
		"net/empty_x.c",	/* ... and foo- parts are never built */
		"net/elsea.c",		/* else branch of a true ifeq */
		"net/ifc.c",		/* ifneq ($(CONFIG_C),) */
		"net/first-late.c",	/* later = $(simple) is expanded when used */
		"net/sub/wrong.c",	/* sub/Makefile: sub/Kbuild is read instead */
	};
	struct kbuild_list l = {};

	select_with(TREE "/.config", &l);
	for (size_t i = 0; i < sizeof(not_built) / sizeof(not_built[0]); i++)
		if (find(&l, not_built[i]))
			fail_msg("%s is not built but was selected", not_built[i]);
	kbuild_list_free(&l);
}

static void config_values_are_y_m_or_the_string(void **state)
{
	struct kbuild_config *cfg = NULL, *h = NULL;

	assert_int_equal(kbuild_config_load(TREE "/.config", &cfg), 0);
	assert_string_equal(kbuild_config_get(cfg, "CONFIG_A"), "y");
	assert_string_equal(kbuild_config_get(cfg, "CONFIG_B"), "m");
	assert_null(kbuild_config_get(cfg, "CONFIG_C"));
	assert_string_equal(kbuild_config_get(cfg, "CONFIG_STR"), "\"hello\"");
	assert_int_equal(kbuild_config_load(TREE "/include/generated/autoconf.h", &h), 0);
	assert_string_equal(kbuild_config_get(h, "CONFIG_A"), "y");
	assert_string_equal(kbuild_config_get(h, "CONFIG_B"), "m");
	assert_null(kbuild_config_get(h, "CONFIG_C"));
	kbuild_config_free(cfg);
	kbuild_config_free(h);
	assert_int_equal(kbuild_config_load(TREE "/no-such-config", &cfg), -ENOENT);
}

static void all_files_takes_every_c_file(void **state)
{
	struct kbuild_list l = {};

	assert_int_equal(kbuild_all_files(TREE, "net", &l), 0);
	kbuild_list_sort(&l);
	/* 26 in net/, sub/s1.c, sub/wrong.c, sub/deep/d1.c; asm.S is no .c */
	assert_int_equal(l.n, 29);
	assert_non_null(find(&l, "net/c.c"));
	assert_non_null(find(&l, "net/sub/wrong.c"));
	assert_null(find(&l, "net/asm.S"));
	kbuild_list_free(&l);
}

static void directory_without_makefile_is_enoent(void **state)
{
	struct kbuild_config *cfg = NULL;
	struct kbuild_list l = {};

	assert_int_equal(kbuild_config_load(TREE "/.config", &cfg), 0);
	assert_int_equal(kbuild_select(cfg, TREE, "include", &l), -ENOENT);
	assert_int_equal(l.n, 0);
	kbuild_config_free(cfg);
}

static void duplicates_go_and_order_is_by_path(void **state)
{
	struct kbuild_list l = {};

	assert_int_equal(kbuild_list_add(&l, "net/b.c", NULL), 0);
	assert_int_equal(kbuild_list_add(&l, "net/a.c", NULL), 0);
	assert_int_equal(kbuild_list_add(&l, "net/b.c", "other"), 0);
	kbuild_list_sort(&l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].path, "net/a.c");
	assert_string_equal(l.v[0].modname, "a");
	assert_string_equal(l.v[1].path, "net/b.c");
	kbuild_list_free(&l);
}

/* ---- loops make refuses (tests/fixtures/kbuild/loops) ---- */

/* kbuild_select() of dir, its messages in *msgs; a hang past 20 s kills the suite */
static int select_loops(const char *dir, struct kbuild_list *l, char **msgs)
{
	struct kbuild_config *cfg = NULL;
	char tmpl[] = "/tmp/test_kbuild_err.XXXXXX";
	int fd = mkstemp(tmpl), saved = dup(2), err;
	FILE *f;
	long n;

	assert_true(fd >= 0 && saved >= 0);
	unlink(tmpl);
	assert_int_equal(kbuild_config_load(TREE "/.config", &cfg), 0);
	fflush(stderr);
	dup2(fd, 2);
	alarm(20);
	err = kbuild_select(cfg, TREE, dir, l);
	alarm(0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	kbuild_config_free(cfg);
	kbuild_list_sort(l);
	f = fdopen(fd, "r");
	assert_non_null(f);
	n = lseek(fd, 0, SEEK_END);
	*msgs = calloc(1, n + 1);
	assert_non_null(*msgs);
	rewind(f);
	assert_int_equal(fread(*msgs, 1, n, f), (size_t)n);
	fclose(f);
	return err;
}

static void self_referencing_variable_is_refused_naming_it_and_its_file(void **state)
{
	struct kbuild_list l = {};
	char *msgs;

	assert_int_equal(select_loops("loops/var", &l, &msgs), -ELOOP);
	assert_non_null(strstr(msgs, "recursive variable 'x' references itself (eventually) in '"
			       TREE "/loops/var/Makefile'"));
	assert_non_null(strstr(msgs, "recursive variable 'p' references itself (eventually) in '"
			       TREE "/loops/var/Makefile'"));
	/* the rest of the makefile is read */
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].path, "loops/var/v_ok.c");
	free(msgs);
	kbuild_list_free(&l);
}

static void composite_object_containing_itself_is_refused_naming_it_and_its_file(void **state)
{
	struct kbuild_list l = {};
	char *msgs;

	assert_int_equal(select_loops("loops/comp", &l, &msgs), -ELOOP);
	assert_non_null(strstr(msgs, "composite object 'self.o' contains itself in '"
			       TREE "/loops/comp/Makefile'"));
	assert_non_null(strstr(msgs, "composite object 'ring.o' contains itself in '"
			       TREE "/loops/comp/Makefile'"));
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].path, "loops/comp/c_ok.c");
	free(msgs);
	kbuild_list_free(&l);
}

static void makefile_loops_leave_the_rest_of_the_tree_selected(void **state)
{
	static const char *const built[] = {
		"loops/after.c", "loops/before.c", "loops/comp/c_ok.c", "loops/var/v_ok.c",
	};
	struct kbuild_list l = {};
	char *msgs;

	assert_int_equal(select_loops("loops", &l, &msgs), -ELOOP);
	assert_int_equal(l.n, 4);
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.v[i].path, built[i]);
	free(msgs);
	kbuild_list_free(&l);
}

/* ---- compiler arguments ---- */

static char ktree[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2], dir[PATH_MAX * 2], cmd[PATH_MAX * 3];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", ktree, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* a kernel tree in miniature: the Makefile's VERSION, arch/x86/include, generated headers */
static int make_ktree(void **state)
{
	snprintf(ktree, sizeof(ktree), "/tmp/netscope-kflags.XXXXXX");
	if (!mkdtemp(ktree))
		return -1;
	put("Makefile", "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 7\n");
	put("arch/x86/include/asm/x.h", "");
	put("include/linux/kconfig.h", "");
	put("include/generated/autoconf.h", "#define CONFIG_NET 1\n");
	put("include/generated/bounds.h", "");
	put("include/generated/uapi/linux/version.h", "");
	put("arch/x86/include/generated/asm/x.h", "");
	put("arch/x86/include/generated/uapi/asm/x.h", "");
	put("net/ipv6/af_inet6.c", "");
	return 0;
}

static int remove_ktree(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ktree);
	return system(cmd) ? -1 : 0;
}

static bool has_arg(const char *const *argv, int argc, const char *arg)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], arg))
			return true;
	return false;
}

static void kernel_file_gets_kbuild_defines_and_no_fortify(void **state)
{
	const char *argv[IX_FLAGS_MAX + 8];
	char buf[1024], inc[PATH_MAX * 2], stddef[PATH_MAX * 2];
	struct ix_flags f;
	int argc;

	assert_int_equal(ix_flags_init(&f, ktree), 0);
	assert_true(f.kernel);
	assert_string_equal(f.version, "6.12.7");
	argc = ix_flags_for_file(&f, "net/ipv6/af_inet6.c", "ipv6", argv, IX_FLAGS_MAX + 8, buf, sizeof(buf));
	assert_true(argc > 0);
	assert_true(has_arg(argv, argc, "-nostdinc"));
	assert_true(has_arg(argv, argc, "-D__KERNEL__"));
	assert_true(has_arg(argv, argc, "-D__NO_FORTIFY"));
	assert_true(has_arg(argv, argc, "-funsigned-char"));
	assert_true(has_arg(argv, argc, "-DKBUILD_MODNAME=\"ipv6\""));
	assert_true(has_arg(argv, argc, "-DKBUILD_BASENAME=\"af_inet6\""));
	assert_true(has_arg(argv, argc, "-DKBUILD_MODFILE=\"net/ipv6/ipv6\""));
	snprintf(inc, sizeof(inc), "-I%s/arch/x86/include/generated", f.tree);
	assert_true(has_arg(argv, argc, inc));
	/* clang's own headers, found next to libclang */
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], "-isystem")) {
			snprintf(stddef, sizeof(stddef), "%s/stddef.h", argv[i + 1]);
			assert_int_equal(access(stddef, R_OK), 0);
		}
	/* the configuration Kbuild reads: autoconf.h when there is no .config */
	assert_non_null(strstr(f.config, "include/generated/autoconf.h"));
	ix_flags_free(&f);
}

static void kernel_tree_without_generated_headers_is_refused(void **state)
{
	char path[PATH_MAX * 2];
	struct ix_flags f;

	snprintf(path, sizeof(path), "%s/include/generated/bounds.h", ktree);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ix_flags_init(&f, ktree), -ENOENT);
	put("include/generated/bounds.h", "");
}

static void plain_tree_gets_its_include_dir_only(void **state)
{
	const char *argv[IX_FLAGS_MAX + 8];
	char buf[256], inc[PATH_MAX + 16];
	struct ix_flags f, g;
	int argc;

	assert_int_equal(ix_flags_init(&f, TREE), 0);
	assert_false(f.kernel);
	argc = ix_flags_for_file(&f, "net/a.c", NULL, argv, IX_FLAGS_MAX + 8, buf, sizeof(buf));
	assert_int_equal(argc, 2);
	snprintf(inc, sizeof(inc), "-I%s/include", f.tree);
	assert_string_equal(argv[0], inc);
	assert_string_equal(argv[1], "-std=gnu11");
	/* the same arguments, the same hash: an index stays valid */
	assert_int_equal(ix_flags_init(&g, TREE "/."), 0);
	assert_int_equal(f.config_hash, g.config_hash);
	ix_flags_free(&f);
	ix_flags_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dotconfig_selects_what_kbuild_builds),
		cmocka_unit_test(autoconf_h_selects_the_same_with_module_defines),
		cmocka_unit_test(unset_options_composite_heads_and_else_branches_are_not_built),
		cmocka_unit_test(config_values_are_y_m_or_the_string),
		cmocka_unit_test(all_files_takes_every_c_file),
		cmocka_unit_test(directory_without_makefile_is_enoent),
		cmocka_unit_test(duplicates_go_and_order_is_by_path),
		cmocka_unit_test(self_referencing_variable_is_refused_naming_it_and_its_file),
		cmocka_unit_test(composite_object_containing_itself_is_refused_naming_it_and_its_file),
		cmocka_unit_test(makefile_loops_leave_the_rest_of_the_tree_selected),
		cmocka_unit_test_setup_teardown(kernel_file_gets_kbuild_defines_and_no_fortify, make_ktree,
						remove_ktree),
		cmocka_unit_test_setup_teardown(kernel_tree_without_generated_headers_is_refused, make_ktree,
						remove_ktree),
		cmocka_unit_test(plain_tree_gets_its_include_dir_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
