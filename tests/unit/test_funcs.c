// SPDX-License-Identifier: GPL-2.0
/*
 * Function discovery (capture/funcs.c) on a synthetic BTF whose
 * prototypes are known by construction, with the kallsyms and
 * available_filter_functions of tests/fixtures/funcs: which functions are
 * candidates, where their skb and sock arguments are, and why each one
 * that is not traceable is not.
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
#include "capture/funcs.h"

#define FIX "tests/fixtures/funcs/"

/* void NAME(params...): each param a type id; returns the FUNC's id */
static int add_func(struct btf *btf, const char *name, int ret, int n, ...)
{
	int proto = btf__add_func_proto(btf, ret);
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(btf__add_func_param(btf, "a", va_arg(ap, int)), 0);
	va_end(ap);
	return btf__add_func(btf, name, BTF_FUNC_GLOBAL, proto);
}

/*
 * struct sk_buff; struct sock; struct other; typedef struct sk_buff skb_t;
 *   void f_skb1(struct sk_buff *);                     skb 1
 *   int  f_sk_skb(struct sock *, struct sk_buff *);     sk 1, skb 2
 *   void f_skb6(int, int, int, int, int, struct sk_buff *);  skb past 5: none
 *   void f_const(const struct sk_buff *);              skb 1
 *   void f_typedef(skb_t *);                           skb 1
 *   void f_other(struct other *);                      neither
 *   struct sk_buff *f_clone(struct sk_buff *);         only f_clone.isra.0 in kallsyms
 *   void f_inlined(struct sk_buff *);                  no symbol
 *   void f_notrace(struct sock *);                     not in available_filter_functions
 *   void netlink_rcv(struct sk_buff *);                denied (netlink_*)
 *   void f_dup(struct sk_buff *); twice                one target
 *   void f_mod(struct sk_buff *);                      a module's symbol only: no symbol
 */
static struct btf *synthetic_btf(void)
{
	struct btf *btf = btf__new_empty();
	int i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	int skb = btf__add_struct(btf, "sk_buff", 0);
	int sk = btf__add_struct(btf, "sock", 0);
	int other = btf__add_struct(btf, "other", 0);
	int skb_t = btf__add_typedef(btf, "skb_t", skb);
	int p_skb = btf__add_ptr(btf, skb), p_sk = btf__add_ptr(btf, sk);
	int c_skb = btf__add_const(btf, skb);
	int p_c_skb = btf__add_ptr(btf, c_skb);
	int p_skb_t = btf__add_ptr(btf, skb_t), p_other = btf__add_ptr(btf, other);

	assert_true(add_func(btf, "f_skb1", 0, 1, p_skb) > 0);
	assert_true(add_func(btf, "f_sk_skb", i32, 2, p_sk, p_skb) > 0);
	assert_true(add_func(btf, "f_skb6", 0, 6, i32, i32, i32, i32, i32, p_skb) > 0);
	assert_true(add_func(btf, "f_const", 0, 1, p_c_skb) > 0);
	assert_true(add_func(btf, "f_typedef", 0, 1, p_skb_t) > 0);
	assert_true(add_func(btf, "f_other", 0, 1, p_other) > 0);
	assert_true(add_func(btf, "f_clone", p_skb, 1, p_skb) > 0);
	assert_true(add_func(btf, "f_inlined", 0, 1, p_skb) > 0);
	assert_true(add_func(btf, "f_notrace", 0, 1, p_sk) > 0);
	assert_true(add_func(btf, "netlink_rcv", 0, 1, p_skb) > 0);
	assert_true(add_func(btf, "f_dup", 0, 1, p_skb) > 0);
	assert_true(add_func(btf, "f_dup", 0, 1, p_skb) > 0);
	assert_true(add_func(btf, "f_mod", 0, 1, p_skb) > 0);
	return btf;
}

static const struct func_target *find(const struct func_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->f[i].name, name))
			return &set->f[i];
	return NULL;
}

static void discover(struct func_set *set, const char *filter, const char *const *pat, size_t npat,
		     int expect)
{
	struct btf *btf = synthetic_btf();
	struct func_sources src = { .btf = btf, .kallsyms = FIX "kallsyms", .filter_functions = filter,
				    .patterns = pat, .npatterns = npat };
	char err[256] = "";

	assert_int_equal(funcs__discover(set, &src, err, sizeof(err)), expect);
	btf__free(btf);
}

static void candidates_take_skb_or_sock_in_args_1_to_5(void **state)
{
	struct func_set set;

	discover(&set, FIX "available_filter_functions", NULL, 0, 0);
	/* f_skb6 (skb 6th) and f_other are not candidates; f_dup is one */
	assert_int_equal(set.n, 10);
	assert_null(find(&set, "f_skb6"));
	assert_null(find(&set, "f_other"));
	assert_int_equal(find(&set, "f_skb1")->skb_arg, 0);
	assert_int_equal(find(&set, "f_skb1")->sk_arg, -1);
	assert_int_equal(find(&set, "f_sk_skb")->skb_arg, 1);
	assert_int_equal(find(&set, "f_sk_skb")->sk_arg, 0);
	assert_true(find(&set, "f_sk_skb")->has_ret);
	assert_false(find(&set, "f_sk_skb")->ret_skb); /* returns an int */
	assert_true(find(&set, "f_clone")->ret_skb);
	assert_false(find(&set, "f_skb1")->has_ret);
	assert_int_equal(find(&set, "f_const")->skb_arg, 0);
	assert_int_equal(find(&set, "f_typedef")->skb_arg, 0);
	/* sorted by name */
	for (size_t i = 1; i < set.n; i++)
		assert_true(strcmp(set.f[i - 1].name, set.f[i].name) < 0);
	funcs__free(&set);
}

static void each_untraced_function_says_why(void **state)
{
	struct func_set set;

	discover(&set, FIX "available_filter_functions", NULL, 0, 0);
	assert_true(set.filter_list_read);
	assert_int_equal(find(&set, "f_clone")->status, FUNC_CLONED);
	assert_int_equal(find(&set, "f_inlined")->status, FUNC_NO_SYMBOL);
	assert_int_equal(find(&set, "f_mod")->status, FUNC_NO_SYMBOL);
	assert_int_equal(find(&set, "f_notrace")->status, FUNC_NOTRACE);
	assert_int_equal(find(&set, "netlink_rcv")->status, FUNC_DENIED);
	assert_non_null(strstr(find(&set, "netlink_rcv")->deny_why, "netlink"));
	assert_int_equal(set.count[FUNC_TRACEABLE], 5); /* skb1 sk_skb const typedef dup */
	assert_int_equal(set.count[FUNC_CLONED], 1);
	assert_int_equal(set.count[FUNC_NO_SYMBOL], 2);
	assert_int_equal(set.count[FUNC_NOTRACE], 1);
	assert_int_equal(set.count[FUNC_DENIED], 1);

	size_t n;
	const char **names = funcs__traceable(&set, &n);

	assert_int_equal(n, 5);
	assert_string_equal(names[0], "f_const");
	assert_string_equal(names[4], "f_typedef");
	funcs__free(&set);
}

static void unreadable_filter_list_leaves_notrace_to_kallsyms(void **state)
{
	struct func_set set;

	discover(&set, FIX "no-such-file", NULL, 0, 0);
	assert_false(set.filter_list_read);
	assert_int_equal(find(&set, "f_notrace")->status, FUNC_TRACEABLE);
	assert_int_equal(set.count[FUNC_NOTRACE], 0);
	assert_int_equal(set.count[FUNC_TRACEABLE], 6);
	funcs__free(&set);
}

static void patterns_choose_functions_by_name_whatever_their_arguments(void **state)
{
	const char *const pat[] = { "f_sk*", "f_other" };
	struct func_set set;

	discover(&set, FIX "available_filter_functions", pat, 2, 0);
	assert_true(set.by_pattern);
	assert_int_equal(set.n, 4); /* f_skb1 f_sk_skb f_skb6 f_other */
	assert_int_equal(find(&set, "f_skb6")->skb_arg, -1);
	assert_int_equal(find(&set, "f_other")->status, FUNC_TRACEABLE);
	assert_null(find(&set, "f_const"));
	funcs__free(&set);
}

static void pattern_matching_nothing_is_an_error_naming_it(void **state)
{
	const char *const pat[] = { "f_skb1", "nosuch_*" };
	struct btf *btf = synthetic_btf();
	struct func_sources src = { .btf = btf, .kallsyms = FIX "kallsyms", .patterns = pat, .npatterns = 2 };
	struct func_set set;
	char err[256] = "";

	assert_int_equal(funcs__discover(&set, &src, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "'nosuch_*' matches no function of the kernel's BTF");
	funcs__free(&set);
	btf__free(btf);
}

static void deny_rule_without_reason_is_refused_with_its_line(void **state)
{
	struct btf *btf = synthetic_btf();
	struct func_sources src = { .btf = btf, .kallsyms = FIX "kallsyms",
				    .deny_rules = "# comment\nbpf_*\tok\nnetlink_*\n" };
	struct func_set set;
	char err[256] = "";

	assert_int_equal(funcs__discover(&set, &src, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "data/funcs_deny.rules:3: expected GLOB<TAB>WHY");
	funcs__free(&set);
	btf__free(btf);
}

static void unreadable_kallsyms_is_an_error(void **state)
{
	struct btf *btf = synthetic_btf();
	struct func_sources src = { .btf = btf, .kallsyms = FIX "missing" };
	struct func_set set;
	char err[256] = "";

	assert_int_equal(funcs__discover(&set, &src, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot read '" FIX "missing'"));
	funcs__free(&set);
	btf__free(btf);
}

static void funcs_option_and_file_give_trimmed_globs(void **state)
{
	char **p = NULL, err[256];
	size_t n = 0;

	assert_int_equal(funcs__add_patterns(&p, &n, "tcp_v4_*, ip_rcv,,"), 0);
	assert_int_equal(funcs__add_pattern_file(&p, &n, FIX "patterns", err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(p[0], "tcp_v4_*");
	assert_string_equal(p[1], "ip_rcv");
	assert_string_equal(p[2], "f_sk*");
	assert_string_equal(p[3], "f_const");
	assert_int_equal(funcs__add_pattern_file(&p, &n, FIX "missing", err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open"));
	funcs__free_patterns(p, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(candidates_take_skb_or_sock_in_args_1_to_5),
		cmocka_unit_test(each_untraced_function_says_why),
		cmocka_unit_test(unreadable_filter_list_leaves_notrace_to_kallsyms),
		cmocka_unit_test(patterns_choose_functions_by_name_whatever_their_arguments),
		cmocka_unit_test(pattern_matching_nothing_is_an_error_naming_it),
		cmocka_unit_test(deny_rule_without_reason_is_refused_with_its_line),
		cmocka_unit_test(unreadable_kallsyms_is_an_error),
		cmocka_unit_test(funcs_option_and_file_give_trimmed_globs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
