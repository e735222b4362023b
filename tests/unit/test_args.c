// SPDX-License-Identifier: GPL-2.0
/* The options every command takes (-j, -v, -h), taken out once before the command's own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "cmd/args.h"
#include "common/log.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

static void reset(void)
{
	ns_verbose = 0;
	ns_json_errors = false;
}

static void common_options_leave_the_command_its_own_in_order(void **state)
{
	char **argv = ARGV("report", "--json", "--top", "3", "-v", "flood.ns");
	struct cmd_common co;
	int argc;

	reset();
	argc = cmd_common_parse(6, argv, &co);
	assert_int_equal(argc, 4);
	assert_string_equal(argv[0], "report");
	assert_string_equal(argv[1], "--top");
	assert_string_equal(argv[2], "3");
	assert_string_equal(argv[3], "flood.ns");
	assert_null(argv[4]);
	assert_true(co.json);
	assert_false(co.help);
	assert_int_equal(ns_verbose, 1);
	/* errors found while the command parses its own options must already be JSON */
	assert_true(ns_json_errors);
}

static void bundled_short_options_count_each_letter(void **state)
{
	char **argv = ARGV("struct", "-vv", "sk_buff", "-jh");
	struct cmd_common co;

	reset();
	assert_int_equal(cmd_common_parse(4, argv, &co), 2);
	assert_string_equal(argv[1], "sk_buff");
	assert_int_equal(ns_verbose, 2);
	assert_true(co.json);
	assert_true(co.help);
}

static void arguments_after_double_dash_belong_to_the_command_run(void **state)
{
	char **argv = ARGV("trace", "-j", "--", "ping", "-v", "-h");
	struct cmd_common co;

	reset();
	assert_int_equal(cmd_common_parse(6, argv, &co), 5);
	assert_string_equal(argv[1], "--");
	assert_string_equal(argv[2], "ping");
	assert_string_equal(argv[3], "-v");
	assert_string_equal(argv[4], "-h");
	assert_int_equal(ns_verbose, 0);
	assert_false(co.help);
	assert_true(co.json);
}

static void a_command_option_with_other_letters_is_left_alone(void **state)
{
	char **argv = ARGV("index", "-J", "2", "-jJ", "-", "--jobs=2");
	struct cmd_common co;

	reset();
	assert_int_equal(cmd_common_parse(6, argv, &co), 6);
	assert_false(co.json);
	assert_false(ns_json_errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(common_options_leave_the_command_its_own_in_order),
		cmocka_unit_test(bundled_short_options_count_each_letter),
		cmocka_unit_test(arguments_after_double_dash_belong_to_the_command_run),
		cmocka_unit_test(a_command_option_with_other_letters_is_left_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
