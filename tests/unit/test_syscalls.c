// SPDX-License-Identifier: GPL-2.0
/* The syscall table of NS_EV_SYSCALL and the mask BPF gets (trace/syscalls.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <cmocka.h>
#include "bpf/netscope.h"
#include "capture/filter.h"
#include "trace/model.h"
#include "trace/syscalls.h"

static const char *const wanted[] = {
	"socket", "connect", "accept", "accept4", "bind", "listen", "sendto", "recvfrom",
	"sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "read", "write", "readv", "writev", "close",
	"shutdown", "poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "epoll_ctl", "setsockopt", "getsockopt",
};

static void names_map_to_this_architectures_numbers(void **state)
{
	/* the numbers are <sys/syscall.h>'s, whatever the architecture */
	assert_int_equal(ns_syscall_by_name("connect"), SYS_connect);
	assert_int_equal(ns_syscall_by_name("accept4"), SYS_accept4);
	assert_int_equal(ns_syscall_by_name("recvfrom"), SYS_recvfrom);
	assert_int_equal(ns_syscall_by_name("close"), SYS_close);
	assert_string_equal(ns_syscall_name(SYS_connect), "connect");
	assert_string_equal(ns_syscall_name(SYS_write), "write");
}

static void table_holds_only_the_socket_calls_each_once(void **state)
{
	size_t n;
	const struct ns_syscall *t = ns_syscall_table(&n);

	assert_true(n >= 20); /* arm64 lacks poll, select, epoll_wait, accept... */
	assert_true(n <= sizeof(wanted) / sizeof(wanted[0]));
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		for (size_t j = 0; j < sizeof(wanted) / sizeof(wanted[0]); j++)
			known |= !strcmp(t[i].name, wanted[j]);
		assert_true(known);
		for (size_t j = 0; j < i; j++) {
			assert_int_not_equal(t[i].nr, t[j].nr);
			assert_string_not_equal(t[i].name, t[j].name);
		}
		/* round trip */
		assert_int_equal(ns_syscall_by_name(t[i].name), t[i].nr);
		assert_string_equal(ns_syscall_name(t[i].nr), t[i].name);
	}
}

static void other_syscalls_have_no_name(void **state)
{
	assert_null(ns_syscall_name(SYS_getpid));
	assert_null(ns_syscall_name(SYS_openat));
	assert_int_equal(ns_syscall_by_name("openat"), -1);
	assert_int_equal(ns_syscall_by_name(""), -1);
}

static void mask_has_a_bit_per_table_entry_and_no_other(void **state)
{
	uint64_t mask[NS_SYSCALL_MAX / 64];
	size_t n, bits = 0;
	const struct ns_syscall *t = ns_syscall_table(&n);

	memset(mask, 0xff, sizeof(mask)); /* stale bits must go */
	assert_int_equal(ns_syscall_mask(mask, NS_SYSCALL_MAX / 64), (int)n);
	for (size_t w = 0; w < NS_SYSCALL_MAX / 64; w++)
		bits += __builtin_popcountll(mask[w]);
	assert_int_equal(bits, n);
	for (size_t i = 0; i < n; i++)
		assert_true(mask[t[i].nr / 64] & (1ull << (t[i].nr % 64)));
	assert_false(mask[SYS_getpid / 64] & (1ull << (SYS_getpid % 64)));
	assert_true(mask[SYS_connect / 64] & (1ull << (SYS_connect % 64)));
}

static void mask_leaves_out_numbers_beyond_its_words(void **state)
{
	uint64_t one[1];
	size_t n, below = 0;
	const struct ns_syscall *t = ns_syscall_table(&n);

	for (size_t i = 0; i < n; i++)
		below += t[i].nr < 64;
	assert_int_equal(ns_syscall_mask(one, 1), (int)below);
}

static void description_maps_numbers_to_names(void **state)
{
	char buf[1024], want[64];

	ns_syscall_describe(buf, sizeof(buf));
	snprintf(want, sizeof(want), "%d=connect", SYS_connect);
	assert_non_null(strstr(buf, want));
	/* cut short, it stays a list of whole entries */
	ns_syscall_describe(buf, 20);
	assert_true(strlen(buf) < 20);
	assert_null(strchr(buf + strlen(buf) - 1, ','));
}

static void syscalls_group_is_named_explicitly_not_in_all_or_default(void **state)
{
	uint64_t m = 0;
	char err[256];

	assert_int_equal(events_parse("default,syscalls", &m, err, sizeof(err)), 0);
	assert_int_equal(m, capture_default_events() | (1ull << NS_EV_SYSCALL));
	assert_int_equal(events_parse("all", &m, err, sizeof(err)), 0);
	assert_false(m & (1ull << NS_EV_SYSCALL));
	assert_false(m & (1ull << NS_EV_CPU_SAMPLE));
	assert_false(capture_default_events() & (1ull << NS_EV_SYSCALL));
	assert_int_equal(events_parse("cpu_sample", &m, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "--sample-freq"));
}

static void new_event_types_fit_the_counter_slots(void **state)
{
	assert_true(NS_EV__COUNT <= NS_EV_SLOTS);
	assert_true(NS_EV__COUNT <= 64); /* emit_mask and --events masks are u64 */
	assert_string_equal(ns_event_name(NS_EV_CPU_SAMPLE), "cpu_sample");
	assert_string_equal(ns_event_name(NS_EV_SYSCALL), "syscall");
	assert_int_equal(ns_event_by_name("cpu_sample"), NS_EV_CPU_SAMPLE);
	/* appended: the numbers of the older types are part of the trace format */
	assert_int_equal(NS_EV_QDISC_DEQUEUE, 27);
	assert_int_equal(NS_EV_CPU_SAMPLE, 28);
	assert_int_equal(NS_EV_SYSCALL, 29);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_map_to_this_architectures_numbers),
		cmocka_unit_test(table_holds_only_the_socket_calls_each_once),
		cmocka_unit_test(other_syscalls_have_no_name),
		cmocka_unit_test(mask_has_a_bit_per_table_entry_and_no_other),
		cmocka_unit_test(mask_leaves_out_numbers_beyond_its_words),
		cmocka_unit_test(description_maps_numbers_to_names),
		cmocka_unit_test(syscalls_group_is_named_explicitly_not_in_all_or_default),
		cmocka_unit_test(new_event_types_fit_the_counter_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
