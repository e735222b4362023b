// SPDX-License-Identifier: GPL-2.0
/*
 * The thread pool loop (common/parallel.c) that loads, links and closes
 * fentry clones: every item runs exactly once, each thread its contiguous
 * slice in order, thread counts clamped; and the min/median/max summary
 * of durations.  tests/e2e/test_func_threads_tsan.sh runs this binary
 * built with -fsanitize=thread too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "common/parallel.h"

#define N_ITEMS 1000

struct seen {
	atomic_int runs[N_ITEMS];
	pthread_t who[N_ITEMS];	/* written once per index, by the thread running it */
	size_t order[N_ITEMS];	/* per index: how many items its thread had run before it */
	pthread_key_t key;
};

static void note(void *ctx, size_t i)
{
	struct seen *s = ctx;
	uintptr_t before = (uintptr_t)pthread_getspecific(s->key);

	atomic_fetch_add(&s->runs[i], 1);
	s->who[i] = pthread_self();
	s->order[i] = before;
	pthread_setspecific(s->key, (void *)(before + 1));
}

static struct seen *seen_new(void)
{
	struct seen *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	assert_int_equal(pthread_key_create(&s->key, NULL), 0);
	return s;
}

static void seen_free(struct seen *s)
{
	pthread_key_delete(s->key);
	free(s);
}

static void every_item_runs_exactly_once_whatever_the_threads(void **state)
{
	for (unsigned t = 1; t <= 9; t++) {
		struct seen *s = seen_new();
		unsigned ran = ns_parallel_for(N_ITEMS, t, note, s);

		assert_int_equal(ran, t);
		for (size_t i = 0; i < N_ITEMS; i++)
			assert_int_equal(atomic_load(&s->runs[i]), 1);
		seen_free(s);
	}
}

static void each_thread_runs_one_contiguous_slice_in_order(void **state)
{
	struct seen *s = seen_new();
	size_t slices = 1;

	assert_int_equal(ns_parallel_for(N_ITEMS, 4, note, s), 4);
	/* a new thread starts exactly where the order count falls back to 0 */
	assert_int_equal(s->order[0], 0);
	for (size_t i = 1; i < N_ITEMS; i++) {
		if (pthread_equal(s->who[i], s->who[i - 1])) {
			assert_int_equal(s->order[i], s->order[i - 1] + 1);
		} else {
			assert_int_equal(s->order[i], 0);
			slices++;
		}
	}
	assert_int_equal(slices, 4);
	/* the first slice is the caller's own */
	assert_true(pthread_equal(s->who[0], pthread_self()));
	seen_free(s);
}

static void one_thread_runs_everything_in_the_caller_in_order(void **state)
{
	struct seen *s = seen_new();

	assert_int_equal(ns_parallel_for(N_ITEMS, 1, note, s), 1);
	for (size_t i = 0; i < N_ITEMS; i++) {
		assert_true(pthread_equal(s->who[i], pthread_self()));
		assert_int_equal(s->order[i], i);
	}
	seen_free(s);
}

static void more_threads_than_items_run_one_item_each(void **state)
{
	struct seen *s = seen_new();

	assert_int_equal(ns_parallel_for(3, 8, note, s), 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(atomic_load(&s->runs[i]), 1);
	assert_int_equal(atomic_load(&s->runs[3]), 0);
	assert_int_equal(ns_parallel_for(0, 8, note, s), 1);
	seen_free(s);
}

static void thread_counts_are_clamped(void **state)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned want_default = cpus > 8 ? 8 : (unsigned)cpus;

	assert_int_equal(ns_parallel_threads(1000, 0, 8), want_default);
	assert_int_equal(ns_parallel_threads(1000, 0, 1), 1);
	assert_int_equal(ns_parallel_threads(1000, 3, 8), 3);	/* asked: the cap is the default's */
	assert_int_equal(ns_parallel_threads(1000, 500, 8), NS_PARALLEL_MAX);
	assert_int_equal(ns_parallel_threads(2, 6, 8), 2);
	assert_int_equal(ns_parallel_threads(0, 6, 8), 1);
}

static void durations_give_sum_min_median_max(void **state)
{
	const double odd[] = { 0.5, 0.1, 0.3, 0.9, 0.2 };
	const double even[] = { 4, 1, 3, 2 };
	struct ns_durations d;

	assert_int_equal(ns_durations_summarize(odd, 5, &d), 0);
	assert_int_equal(d.n, 5);
	assert_float_equal(d.sum, 2.0, 1e-12);
	assert_float_equal(d.min, 0.1, 1e-12);
	assert_float_equal(d.median, 0.3, 1e-12);
	assert_float_equal(d.max, 0.9, 1e-12);
	assert_int_equal(ns_durations_summarize(even, 4, &d), 0);
	assert_float_equal(d.median, 2.5, 1e-12);
	assert_float_equal(d.min, 1, 1e-12);
	assert_float_equal(d.max, 4, 1e-12);
	/* the input is left as it was (the median sorts a copy) */
	assert_float_equal(even[0], 4, 0);
	assert_int_equal(ns_durations_summarize(even, 0, &d), 0);
	assert_int_equal(d.n, 0);
	assert_float_equal(d.max, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_item_runs_exactly_once_whatever_the_threads),
		cmocka_unit_test(each_thread_runs_one_contiguous_slice_in_order),
		cmocka_unit_test(one_thread_runs_everything_in_the_caller_in_order),
		cmocka_unit_test(more_threads_than_items_run_one_item_each),
		cmocka_unit_test(thread_counts_are_clamped),
		cmocka_unit_test(durations_give_sum_min_median_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
