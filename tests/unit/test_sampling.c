// SPDX-License-Identifier: GPL-2.0
/* The online-CPU list cpu sampling attaches to (capture/sampling.c). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "capture/sampling.h"

static void cpu_list_takes_ranges_and_single_cpus(void **state)
{
	bool on[16];

	assert_int_equal(sampling_parse_cpus("0-3,6,8-9\n", on, 16), 7);
	assert_true(on[0] && on[3] && on[6] && on[8] && on[9]);
	assert_false(on[4] || on[5] || on[7] || on[10]);
	assert_int_equal(sampling_parse_cpus("0\n", on, 16), 1);
	assert_true(on[0]);
	assert_false(on[1]);
}

static void cpus_beyond_the_possible_are_ignored(void **state)
{
	bool on[4];

	assert_int_equal(sampling_parse_cpus("2-7", on, 4), 2);
	assert_true(on[2] && on[3]);
}

static void malformed_cpu_lists_are_refused(void **state)
{
	bool on[8];

	assert_int_equal(sampling_parse_cpus("a", on, 8), -22);
	assert_int_equal(sampling_parse_cpus("3-1", on, 8), -22);
	assert_int_equal(sampling_parse_cpus("1;2", on, 8), -22);
	assert_int_equal(sampling_parse_cpus("", on, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpu_list_takes_ranges_and_single_cpus),
		cmocka_unit_test(cpus_beyond_the_possible_are_ignored),
		cmocka_unit_test(malformed_cpu_lists_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
