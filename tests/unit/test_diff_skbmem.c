// SPDX-License-Identifier: GPL-2.0
/*
 * The diff's packet-memory sections on skb-memory results built by hand:
 * rows by (cache, call site) with their bytes and slack, GFP rows by
 * context, lifetimes judged within the percentiles' precision, and no rows
 * when one trace has no kmem events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>
#include "analysis/diff.h"

struct side {
	struct report_result r;
	struct skbmem_site sites[2];
	struct skbmem_gfp gfp[1];
};

/* n connections' worth: 5n fclone sk_buffs of 456 bytes in 512, 10n heads of 576 exactly */
static void build(struct side *s, unsigned int n, uint64_t p50_ns)
{
	struct skbmem_result *m = &s->r.skbmem;

	memset(s, 0, sizeof(*s));
	s->r.parts = RR_PART_COUNTS | RR_PART_SKBMEM;
	m->have_kmem = true;
	s->sites[0] = (struct skbmem_site){ .cache = "skbuff_fclone_cache", .function = "__alloc_skb",
					    .allocs = 5 * n, .frees = 5 * n,
					    .bytes_req = 456 * 5 * n, .bytes_alloc = 512 * 5 * n };
	s->sites[1] = (struct skbmem_site){ .cache = "skbuff_small_head", .function = "kmalloc_reserve",
					    .allocs = 10 * n, .frees = 10 * n - 1, .alive = 1,
					    .bytes_req = 576 * 10 * n, .bytes_alloc = 576 * 10 * n };
	m->sites = s->sites;
	m->n_sites = 2;
	s->gfp[0] = (struct skbmem_gfp){ .ctx = "softirq", .flags = "GFP_ATOMIC", .count = 3 * n };
	m->gfp = s->gfp;
	m->n_gfp = 1;
	m->ctx_atomic[NS_CTX_SOFTIRQ] = 3 * n;
	m->allocs = m->frees = 15 * n;
	m->frees--;
	m->bytes_req = (456 * 5 + 576 * 10) * n;
	m->bytes_alloc = (512 * 5 + 576 * 10) * n;
	m->fclone_allocs = 5 * n;
	m->alive = 1;
	m->packet_life = (struct skbmem_life){ .count = n, .p50_ns = p50_ns, .p90_ns = 2 * p50_ns,
					       .p99_ns = 3 * p50_ns, .max_ns = 4 * p50_ns };
}

static const struct diff_row *row(const struct diff_section *s, const char *what, const char *detail)
{
	for (size_t i = 0; i < s->n_rows; i++)
		if (!strcmp(s->rows[i].what, what) &&
		    !strcmp(s->rows[i].detail ? s->rows[i].detail : "", detail ? detail : ""))
			return &s->rows[i];
	return NULL;
}

static void sites_bytes_and_slack_double_with_the_connections(void **state)
{
	struct side a, b;
	struct diff_result *d;
	const struct diff_row *r;

	(void)state;
	build(&a, 5, 10000);
	build(&b, 10, 10000);
	assert_int_equal(diff_results(&a.r, &b.r, NULL, &d), 0);
	r = row(&d->sec[DIFF_SEC_SKBMEM_SITES], "skbuff_fclone_cache at __alloc_skb", "slack");
	assert_non_null(r);
	assert_true(r->a == 56 * 25 && r->b == 56 * 50 && r->status == DIFF_CHANGED);
	r = row(&d->sec[DIFF_SEC_SKBMEM_SITES], "skbuff_small_head at kmalloc_reserve", "slack");
	assert_non_null(r);
	assert_int_equal(r->status, DIFF_SAME);	/* 0 both sides: kmalloc asks what it gets */
	r = row(&d->sec[DIFF_SEC_SKBMEM], "slack bytes (allocated - requested)", NULL);
	assert_true(r && r->a == 56 * 25 && r->b == 56 * 50);
	r = row(&d->sec[DIFF_SEC_SKBMEM], "alive at the end", NULL);
	assert_true(r && r->a == 1 && r->b == 1 && r->status == DIFF_SAME);
	r = row(&d->sec[DIFF_SEC_SKBMEM_GFP], "softirq GFP_ATOMIC", NULL);
	assert_true(r && r->a == 15 && r->b == 30 && r->status == DIFF_CHANGED);
	r = row(&d->sec[DIFF_SEC_SKBMEM_GFP], "softirq: atomic (cannot sleep)", NULL);
	assert_true(r && r->b == 30);
	/* same lifetimes: every percentile the same */
	assert_int_equal(d->sec[DIFF_SEC_SKBMEM_LIFE].n_rows, 4);
	assert_int_equal(d->sec[DIFF_SEC_SKBMEM_LIFE].n_same, 4);
	assert_string_equal(d->sec[DIFF_SEC_SKBMEM_LIFE].unit, "ns");
	diff_result_free(d);
}

static void lifetimes_within_a_bucket_are_the_same(void **state)
{
	struct side a, b;
	struct diff_result *d;
	const struct diff_row *r;

	(void)state;
	build(&a, 5, 100000);
	build(&b, 5, 101000);	/* +1 %: under the histogram's 1.6 % */
	assert_int_equal(diff_results(&a.r, &b.r, &(struct diff_opts){ .threshold = 0 }, &d), 0);
	r = row(&d->sec[DIFF_SEC_SKBMEM_LIFE], "packet: alloc → free/consume", "p50");
	assert_true(r && r->status == DIFF_SAME && r->change == 1000);
	diff_result_free(d);
	build(&b, 5, 200000);
	assert_int_equal(diff_results(&a.r, &b.r, NULL, &d), 0);
	r = row(&d->sec[DIFF_SEC_SKBMEM_LIFE], "packet: alloc → free/consume", "p99");
	assert_true(r && r->status == DIFF_CHANGED && r->rel == 1.0);
	assert_int_equal(d->sec[DIFF_SEC_SKBMEM_LIFE].n_same, 0);	/* twice as long: all four */
	diff_result_free(d);
}

static void a_trace_without_kmem_events_gives_no_rows(void **state)
{
	struct side a, b;
	struct diff_result *d;

	(void)state;
	build(&a, 5, 10000);
	build(&b, 5, 10000);
	b.r.skbmem.have_kmem = false;	/* the view ran, the trace had no kmem events */
	assert_int_equal(diff_results(&a.r, &b.r, NULL, &d), 0);
	for (int id = DIFF_SEC_SKBMEM; id <= DIFF_SEC_SKBMEM_LIFE; id++) {
		assert_true(d->sec[id].in_a);
		assert_false(d->sec[id].in_b);
		assert_int_equal(d->sec[id].n_rows, 0);
	}
	diff_result_free(d);
	b.r.skbmem.have_kmem = true;
	b.r.parts = RR_PART_COUNTS;	/* the view did not run */
	assert_int_equal(diff_results(&a.r, &b.r, NULL, &d), 0);
	assert_false(d->sec[DIFF_SEC_SKBMEM_SITES].in_b);
	assert_int_equal(d->sec[DIFF_SEC_SKBMEM_SITES].n_rows, 0);
	diff_result_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sites_bytes_and_slack_double_with_the_connections),
		cmocka_unit_test(lifetimes_within_a_bucket_are_the_same),
		cmocka_unit_test(a_trace_without_kmem_events_gives_no_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
