// SPDX-License-Identifier: GPL-2.0
/*
 * Which per-function backend is used (capture/func_attach.c,
 * func_backend_choose()), from what the probes found: the automatic order
 * by the number of functions, a forced backend, and the reasons given when
 * none works.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "capture/func_attach.h"

static struct features probed(bool fentry, bool kmulti, bool kprobe)
{
	struct features ft;

	memset(&ft, 0, sizeof(ft));
	ft.f[FEAT_FENTRY] = (struct feature){ .probed = true, .ok = fentry, .err = fentry ? 0 : -1,
					      .detail = "load failed: Operation not permitted" };
	ft.f[FEAT_KPROBE_MULTI] = (struct feature){ .probed = true, .ok = kmulti,
						    .detail = "attach failed: Operation not supported" };
	ft.f[FEAT_KPROBE] = (struct feature){ .probed = true, .ok = kprobe, .detail = "no kprobe PMU" };
	return ft;
}

static void few_functions_take_fentry_many_take_kprobe_multi(void **state)
{
	struct features ft = probed(true, true, true);
	char why[256];

	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_AUTO, 6, why, sizeof(why)),
			 FUNC_BACKEND_FENTRY);
	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_AUTO, FUNC_FENTRY_MAX_AUTO, why,
					     sizeof(why)), FUNC_BACKEND_FENTRY);
	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_AUTO, FUNC_FENTRY_MAX_AUTO + 1, why,
					     sizeof(why)), FUNC_BACKEND_KPROBE_MULTI);
}

static void without_fprobe_many_functions_still_take_fentry(void **state)
{
	struct features ft = probed(true, false, true); /* Debian's 6.1 */
	char why[256];

	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_AUTO, 3000, why, sizeof(why)),
			 FUNC_BACKEND_FENTRY);
	ft = probed(false, false, true);
	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_AUTO, 3, why, sizeof(why)),
			 FUNC_BACKEND_KPROBE);
}

static void forced_backend_is_taken_only_where_it_works(void **state)
{
	struct features ft = probed(true, false, true);
	char why[256];

	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_KPROBE, 3, why, sizeof(why)),
			 FUNC_BACKEND_KPROBE);
	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_KPROBE_MULTI, 3, why, sizeof(why)),
			 FUNC_BACKEND_AUTO);
	assert_string_equal(why, "kprobe-multi: attach failed: Operation not supported");
}

static void no_backend_says_why_for_each(void **state)
{
	struct features ft = probed(false, false, false);
	char why[256];

	assert_int_equal(func_backend_choose(&ft, FUNC_BACKEND_AUTO, 3, why, sizeof(why)),
			 FUNC_BACKEND_AUTO);
	assert_string_equal(why, "fentry: load failed: Operation not permitted; "
			    "kprobe-multi: attach failed: Operation not supported; kprobe: no kprobe PMU");
}

static void backend_names_parse_back(void **state)
{
	enum func_backend b;

	for (int i = FUNC_BACKEND_AUTO; i <= FUNC_BACKEND_KPROBE; i++) {
		assert_int_equal(func_backend_parse(func_backend_name(i), &b), 0);
		assert_int_equal(b, i);
	}
	assert_int_equal(func_backend_parse("fprobe", &b), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(few_functions_take_fentry_many_take_kprobe_multi),
		cmocka_unit_test(without_fprobe_many_functions_still_take_fentry),
		cmocka_unit_test(forced_backend_is_taken_only_where_it_works),
		cmocka_unit_test(no_backend_says_why_for_each),
		cmocka_unit_test(backend_names_parse_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
