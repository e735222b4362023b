// SPDX-License-Identifier: GPL-2.0
/*
 * One event as a line or a JSON object.  comm and ifname are fixed arrays:
 * an event read from a trace file may fill them to the last byte with no
 * NUL, and what is printed must stop at the end of the array.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render/event_line.h"

#define COMM16 "cccccccccccccccc"
#define IFNAME16 "iiiiiiiiiiiiiiii"

/* the event, then bytes that are not NUL, so an unbounded read runs into them */
static struct {
	struct ns_event ev;
	char after[32];
} full;

static void fill_full(unsigned int type)
{
	memset(&full, 'X', sizeof(full));
	full.after[sizeof(full.after) - 1] = '\0';
	memset(&full.ev, 0, offsetof(struct ns_event, comm));
	full.ev.type = type;
	full.ev.stack_id = -1;
	memcpy(full.ev.comm, COMM16, NS_COMM_LEN);
	memcpy(full.ev.ifname, IFNAME16, NS_IFNAME_LEN);
}

static char *print_line(void)
{
	struct event_fmt fmt = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	event_line_print(f, &fmt, &full.ev);
	fclose(f);
	return buf;
}

static char *print_json(void)
{
	struct event_fmt fmt = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	event_json_print(f, &fmt, &full.ev, NULL, 0);
	fclose(f);
	return buf;
}

static void full_ifname_prints_as_its_16_bytes_in_the_dev_column(void **state)
{
	char *s;

	fill_full(NS_EV_NET_DEV_XMIT);
	s = print_line();
	assert_non_null(strstr(s, " " IFNAME16 " "));
	assert_null(strchr(s, 'X'));
	free(s);
}

static void full_irq_name_prints_as_its_16_bytes_in_the_detail(void **state)
{
	char *s;

	fill_full(NS_EV_IRQ_HANDLER_ENTRY);
	s = print_line();
	assert_non_null(strstr(s, "name=" IFNAME16 "\n"));
	assert_null(strchr(s, 'X'));
	free(s);
}

static void full_comm_and_ifname_are_16_bytes_in_json(void **state)
{
	char *s;

	fill_full(NS_EV_NET_DEV_XMIT);
	s = print_json();
	assert_non_null(strstr(s, "\"comm\":\"" COMM16 "\""));
	assert_non_null(strstr(s, "\"ifname\":\"" IFNAME16 "\""));
	assert_null(strchr(s, 'X'));
	free(s);
	fill_full(NS_EV_IRQ_HANDLER_ENTRY);
	s = print_json();
	assert_non_null(strstr(s, "name=" IFNAME16 "\""));
	assert_null(strchr(s, 'X'));
	free(s);
}

/* found by tests/fuzz/fuzz_tracefile.c: the details of cpu samples and syscalls name the task */
static void full_comm_prints_as_its_16_bytes_in_sample_and_syscall_details(void **state)
{
	static const unsigned int types[] = { NS_EV_CPU_SAMPLE, NS_EV_SYSCALL };
	char *s;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fill_full(types[i]);
		s = print_line();
		assert_non_null(strstr(s, "comm=" COMM16 " pid="));
		assert_null(strchr(s, 'X'));
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_ifname_prints_as_its_16_bytes_in_the_dev_column),
		cmocka_unit_test(full_irq_name_prints_as_its_16_bytes_in_the_detail),
		cmocka_unit_test(full_comm_and_ifname_are_16_bytes_in_json),
		cmocka_unit_test(full_comm_prints_as_its_16_bytes_in_sample_and_syscall_details),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
