// SPDX-License-Identifier: GPL-2.0
/* When the BPF side wakes the ring consumer (capture/session.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "bpf/netscope.h"
#include "capture/session.h"

static void all_cpus_together_hold_a_quarter_of_the_ring(void **state)
{
	const uint32_t ring = 8u << 20;

	for (int cpus = 1; cpus <= 256; cpus *= 2) {
		uint64_t held = (uint64_t)capture_wakeup_mark(ring, cpus) * cpus *
				sizeof(struct ns_event);

		assert_true(held <= ring / 4);
		/* and not much less: a wake-up per event would cost more than it */
		assert_true(held > ring / 4 - (uint64_t)cpus * sizeof(struct ns_event));
	}
	/* 2 CPUs, the default ring: 5957 events of 176 bytes each */
	assert_int_equal(sizeof(struct ns_event), 176);
	assert_int_equal(capture_wakeup_mark(ring, 2), 5957);
}

static void a_tiny_ring_still_wakes_at_every_event(void **state)
{
	/* 0 would be "wake at every event" by accident; 1 says it */
	assert_int_equal(capture_wakeup_mark(4096, 64), 1);
	assert_int_equal(capture_wakeup_mark(0, 2), 1);
}

static void an_unknown_cpu_count_counts_as_one(void **state)
{
	/* libbpf_num_possible_cpus() returns -errno when it cannot tell */
	assert_int_equal(capture_wakeup_mark(8u << 20, -2), capture_wakeup_mark(8u << 20, 1));
	assert_int_equal(capture_wakeup_mark(8u << 20, 0), capture_wakeup_mark(8u << 20, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_cpus_together_hold_a_quarter_of_the_ring),
		cmocka_unit_test(a_tiny_ring_still_wakes_at_every_event),
		cmocka_unit_test(an_unknown_cpu_count_counts_as_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
