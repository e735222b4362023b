// SPDX-License-Identifier: GPL-2.0
/*
 * The log-linear histogram against exact percentiles of sorted data: every
 * answer r for exact value v must satisfy v <= r < v * (1 + 1/64).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/hist.h"

static struct hist *new_hist(void)
{
	struct hist *h = malloc(sizeof(*h));

	assert_non_null(h);
	hist_init(h);
	return h;
}

/* xorshift64*: the same data on every run */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* nearest rank, as hist_percentile() defines it */
static uint64_t exact(const uint64_t *sorted, size_t n, unsigned int p)
{
	size_t rank = ((size_t)p * n + 99) / 100;

	return sorted[(rank ? rank : 1) - 1];
}

static void check_against_sorted(struct hist *h, uint64_t *v, size_t n)
{
	static const unsigned int ps[] = { 1, 10, 25, 50, 75, 90, 99 };

	qsort(v, n, sizeof(*v), cmp_u64);
	assert_int_equal(h->count, n);
	assert_int_equal(h->min, v[0]);
	assert_int_equal(h->max, v[n - 1]);
	assert_int_equal(hist_percentile(h, 100), v[n - 1]);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t e = exact(v, n, ps[i]), r = hist_percentile(h, ps[i]);

		if (r < e || (e < HIST_LINEAR && r != e) || (double)r >= (double)e * (1 + HIST_REL_ERROR))
			fail_msg("p%u: %" PRIu64 " for exact %" PRIu64, ps[i], r, e);
		/* and it is the upper bound of the exact value's bucket, or the max */
		assert_true(r == hist_bucket_upper(hist_bucket_of(e)) || r == h->max);
	}
}

static void uniform_data_percentiles_within_the_bound(void **state)
{
	enum { N = 200000 };
	uint64_t *v = malloc(N * sizeof(*v)), s = 42;
	struct hist *h = new_hist();

	for (size_t i = 0; i < N; i++) {
		v[i] = rnd(&s) % 10000000;	/* 0 .. 10 ms */
		hist_add(h, v[i]);
	}
	check_against_sorted(h, v, N);
	free(v);
	free(h);
}

static void exponential_data_percentiles_within_the_bound(void **state)
{
	enum { N = 200000 };
	uint64_t *v = malloc(N * sizeof(*v)), s = 7;
	struct hist *h = new_hist();

	for (size_t i = 0; i < N; i++) {
		double u = (double)(rnd(&s) >> 11) / 9007199254740992.0;	/* [0, 1) */

		v[i] = (uint64_t)(-log1p(-u) * 20000.0);	/* mean 20 µs, long tail */
		hist_add(h, v[i]);
	}
	check_against_sorted(h, v, N);
	free(v);
	free(h);
}

static void small_values_are_exact(void **state)
{
	struct hist *h = new_hist();

	for (uint64_t i = 1; i <= 100; i++)
		hist_add(h, i);
	assert_int_equal(hist_percentile(h, 50), 50);
	assert_int_equal(hist_percentile(h, 90), 90);
	assert_int_equal(hist_percentile(h, 99), 99);
	assert_int_equal(hist_percentile(h, 0), 1);
	free(h);
}

static void buckets_tile_the_whole_u64_range(void **state)
{
	/* each bucket starts right after the previous one ends, none is empty */
	assert_int_equal(hist_bucket_lower(0), 0);
	for (unsigned int b = 1; b < HIST_BUCKETS; b++) {
		assert_true(hist_bucket_lower(b) == hist_bucket_upper(b - 1) + 1);
		assert_int_equal(hist_bucket_of(hist_bucket_lower(b)), b);
		assert_int_equal(hist_bucket_of(hist_bucket_upper(b)), b);
		/* width / lower <= 1/64: the error bound */
		if (b >= HIST_LINEAR)
			assert_true((hist_bucket_upper(b) - hist_bucket_lower(b) + 1) * HIST_SUB <=
				    hist_bucket_lower(b));
	}
	assert_true(hist_bucket_upper(HIST_BUCKETS - 1) == UINT64_MAX);
	assert_int_equal(hist_bucket_of(UINT64_MAX), HIST_BUCKETS - 1);
}

static void merging_equals_adding_everything_to_one(void **state)
{
	struct hist *a = new_hist(), *b = new_hist(), *all = new_hist();
	uint64_t s = 99;

	for (int i = 0; i < 50000; i++) {
		uint64_t v = rnd(&s) % (1u << (i % 30));

		hist_add(i % 3 ? a : b, v);
		hist_add(all, v);
	}
	hist_merge(a, b);
	assert_int_equal(a->count, all->count);
	assert_int_equal(a->min, all->min);
	assert_int_equal(a->max, all->max);
	assert_memory_equal(a->bucket, all->bucket, sizeof(a->bucket));
	assert_int_equal(hist_percentile(a, 99), hist_percentile(all, 99));
	free(a);
	free(b);
	free(all);
}

static void empty_histogram_answers_zero(void **state)
{
	struct hist *h = new_hist(), *e = new_hist();

	assert_int_equal(hist_percentile(h, 50), 0);
	hist_add(h, 1000);
	hist_merge(h, e);	/* an empty one does not touch min */
	assert_int_equal(h->min, 1000);
	assert_int_equal(hist_percentile(h, 50), 1000);	/* clamped to the exact max */
	free(h);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uniform_data_percentiles_within_the_bound),
		cmocka_unit_test(exponential_data_percentiles_within_the_bound),
		cmocka_unit_test(small_values_are_exact),
		cmocka_unit_test(buckets_tile_the_whole_u64_range),
		cmocka_unit_test(merging_equals_adding_everything_to_one),
		cmocka_unit_test(empty_histogram_answers_zero),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
