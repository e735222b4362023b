// SPDX-License-Identifier: GPL-2.0
/*
 * The end of `netscope trace --report`: a report that cannot be made or
 * finished is an error the command exits 1 on, not a silent exit 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/report.h"
#include "cmd/cmd.h"

/* trace_report_end() with its output in *text */
static int report_end(struct report *r, bool json, char **text)
{
	struct ns_capture_stats stats = { 0 };
	size_t len = 0;
	FILE *out = open_memstream(text, &len);
	int err;

	assert_non_null(out);
	err = trace_report_end(r, &stats, json, out);
	fclose(out);
	return err;
}

static void finished_report_is_printed_and_trace_succeeds(void **state)
{
	struct report *r = report_new(NULL);
	char *text;

	assert_non_null(r);
	assert_int_equal(report_end(r, false, &text), 0);
	assert_true(strlen(text) > 1);
	free(text);
	report_free(r);
}

static void report_that_cannot_finish_fails_the_trace(void **state)
{
	struct ns_capture_stats stats = { 0 };
	struct report *r = report_new(NULL);
	char *text;

	assert_non_null(r);
	/* finished once already: finishing it again fails (-EALREADY) */
	assert_int_equal(report_finish(r, &stats, false), 0);
	assert_true(report_end(r, false, &text) < 0);
	assert_string_equal(text, "");
	free(text);
	assert_true(report_end(r, true, &text) < 0);
	assert_string_equal(text, "");
	free(text);
	report_free(r);
}

static void report_that_could_not_be_made_fails_the_trace(void **state)
{
	char *text;

	assert_true(report_end(NULL, false, &text) < 0);
	assert_string_equal(text, "");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finished_report_is_printed_and_trace_succeeds),
		cmocka_unit_test(report_that_cannot_finish_fails_the_trace),
		cmocka_unit_test(report_that_could_not_be_made_fails_the_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
