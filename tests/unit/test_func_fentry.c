// SPDX-License-Identifier: GPL-2.0
/*
 * The fentry clone pool (capture/func_fentry.c) against a fake kernel:
 * from one thread or several, every function gets its programs and links,
 * a refusal stays with its function (the same slots whatever the
 * threads), every program and link descriptor is closed exactly once, and
 * the attach and detach splits add up.  The real kernel calls run in the
 * VM lane (tests/vm), where fentry is allowed.
 * tests/e2e/test_func_threads_tsan.sh runs this binary built with
 * -fsanitize=thread too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "capture/func_fentry.h"

#define NFUNCS 200
#define MAX_FDS (4 * NFUNCS + 16)

/* descriptors are numbers handed out by the fake; each must be closed once */
struct fake {
	atomic_int next_fd;
	atomic_int loads[2];
	atomic_int closes[MAX_FDS];
	atomic_int is_link[MAX_FDS];
	int refuse_exit_mod;	/* fexit load refused for btf_id % refuse_exit_mod == 1 */
	int refuse_link_mod;	/* fentry link refused for btf_id % refuse_link_mod == 2 */
	long sleep_ns;		/* each load and link takes this long */
};

static void nap(long ns)
{
	struct timespec ts = { 0, ns };

	if (ns)
		nanosleep(&ts, NULL);
}

/* called from the pool's threads: no cmocka assert here (it would jump into the main thread) */
static int new_fd(struct fake *f)
{
	int fd = atomic_fetch_add(&f->next_fd, 1);

	if (fd >= MAX_FDS)
		abort();
	return fd;
}

/* what each program descriptor was loaded for (btf_id * 2 + FENTRY_*): written by
 * the thread that loaded it, read by the same thread when it links it */
static int fd_btf[MAX_FDS];

static int fake_load(void *ctx, int which, int btf_id)
{
	struct fake *f = ctx;
	int fd;

	nap(f->sleep_ns);
	atomic_fetch_add(&f->loads[which], 1);
	if (which == FENTRY_EXIT && f->refuse_exit_mod && btf_id % f->refuse_exit_mod == 1)
		return -EACCES;
	fd = new_fd(f);
	fd_btf[fd] = btf_id * 2 + which;
	return fd;
}

static int fake_link(void *ctx, int prog_fd)
{
	struct fake *f = ctx;
	int id = fd_btf[prog_fd] / 2, which = fd_btf[prog_fd] % 2, fd;

	nap(f->sleep_ns);
	if (which == FENTRY_ENTRY && f->refuse_link_mod && id % f->refuse_link_mod == 2)
		return -EBUSY;
	fd = new_fd(f);
	atomic_store(&f->is_link[fd], 1);
	return fd;
}

static void fake_close(void *ctx, int fd)
{
	struct fake *f = ctx;

	atomic_fetch_add(&f->closes[fd], 1);
}

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	return f;
}

static void pool_for(struct fentry_pool *p, struct fake *f, bool fexit, unsigned threads)
{
	struct fentry_kernel k = { .load = fake_load, .link = fake_link, .close = fake_close,
				   .ctx = f };

	assert_int_equal(fentry_pool_init(p, NFUNCS, fexit, threads, &k), 0);
	for (size_t i = 0; i < NFUNCS; i++)
		p->slot[i].btf_id = 1000 + (int)i;
}

static void every_descriptor_closed_once(const struct fake *f)
{
	for (int fd = 0; fd < atomic_load(&f->next_fd); fd++)
		assert_int_equal(atomic_load(&f->closes[fd]), 1);
}

static void every_function_gets_both_programs_from_four_threads(void **state)
{
	struct fake *f = fake_new();
	struct fentry_pool p;
	struct func_fentry_times t;
	struct func_detach_stats ds = {};

	pool_for(&p, f, true, 4);
	assert_int_equal(p.threads, 4);
	fentry_pool_attach(&p);
	assert_int_equal(p.attach_ran, 4);
	assert_int_equal(atomic_load(&f->loads[FENTRY_ENTRY]), NFUNCS);
	assert_int_equal(atomic_load(&f->loads[FENTRY_EXIT]), NFUNCS);
	for (size_t i = 0; i < NFUNCS; i++) {
		assert_int_equal(p.slot[i].err, 0);
		assert_int_equal(p.slot[i].loaded, 2);
		assert_true(atomic_load(&f->is_link[p.slot[i].link[FENTRY_ENTRY]]));
		assert_true(atomic_load(&f->is_link[p.slot[i].link[FENTRY_EXIT]]));
	}
	fentry_pool_attach_times(&p, &t);
	assert_int_equal(t.threads, 4);
	assert_int_equal(t.programs, 2 * NFUNCS);
	/* the program descriptors are closed as soon as the link holds them */
	for (int fd = 0; fd < atomic_load(&f->next_fd); fd++)
		assert_int_equal(atomic_load(&f->closes[fd]), atomic_load(&f->is_link[fd]) ? 0 : 1);
	fentry_pool_detach(&p);
	fentry_pool_detach_times(&p, &ds);
	assert_int_equal(ds.threads, 4);
	assert_int_equal(ds.functions, NFUNCS);
	every_descriptor_closed_once(f);
	for (size_t i = 0; i < NFUNCS; i++)
		assert_true(p.slot[i].link[0] < 0 && p.slot[i].link[1] < 0);
	fentry_pool_free(&p);
	free(f);
}

/* what a run leaves in each slot, times aside */
static void outcome(const struct fentry_pool *p, int *err, int *loaded, int *linked)
{
	for (size_t i = 0; i < p->n; i++) {
		err[i] = p->slot[i].err;
		loaded[i] = p->slot[i].loaded;
		linked[i] = (p->slot[i].link[0] >= 0) + 2 * (p->slot[i].link[1] >= 0);
	}
}

static void refusals_stay_with_their_function_whatever_the_threads(void **state)
{
	static int err1[NFUNCS], loaded1[NFUNCS], linked1[NFUNCS];
	static int err8[NFUNCS], loaded8[NFUNCS], linked8[NFUNCS];
	struct fentry_pool p1, p8;
	struct fake *f1 = fake_new(), *f8 = fake_new();
	struct func_detach_stats ds = {};
	size_t refused_links = 0;

	f1->refuse_exit_mod = f8->refuse_exit_mod = 7;
	f1->refuse_link_mod = f8->refuse_link_mod = 11;
	pool_for(&p1, f1, true, 1);
	pool_for(&p8, f8, true, 8);
	fentry_pool_attach(&p1);
	fentry_pool_attach(&p8);
	assert_int_equal(p1.attach_ran, 1);
	assert_int_equal(p8.attach_ran, 8);
	outcome(&p1, err1, loaded1, linked1);
	outcome(&p8, err8, loaded8, linked8);
	assert_memory_equal(err1, err8, sizeof(err1));
	assert_memory_equal(loaded1, loaded8, sizeof(loaded1));
	assert_memory_equal(linked1, linked8, sizeof(linked1));
	for (size_t i = 0; i < NFUNCS; i++) {
		int id = 1000 + (int)i;

		if (id % 11 == 2) {
			/* its fentry link refused: nothing left, fexit never tried */
			refused_links++;
			assert_int_equal(err8[i], -EBUSY);
			assert_int_equal(loaded8[i], 1);
			assert_int_equal(linked8[i], 0);
		} else if (id % 7 == 1) {
			/* fexit refused: the fentry link stays, as one thread always did */
			assert_int_equal(err8[i], -EACCES);
			assert_int_equal(loaded8[i], 1);
			assert_int_equal(linked8[i], 1);
		} else {
			assert_int_equal(err8[i], 0);
			assert_int_equal(linked8[i], 3);
		}
	}
	fentry_pool_detach(&p1);
	fentry_pool_detach(&p8);
	fentry_pool_detach_times(&p8, &ds);
	/* the functions whose fentry link was refused had nothing to close */
	assert_int_equal(ds.functions, NFUNCS - refused_links);
	assert_int_equal(ds.per_func.n, ds.functions);
	every_descriptor_closed_once(f1);
	every_descriptor_closed_once(f8);
	fentry_pool_free(&p1);
	fentry_pool_free(&p8);
	free(f1);
	free(f8);
}

static void without_fexit_only_entry_programs_are_loaded(void **state)
{
	struct fake *f = fake_new();
	struct fentry_pool p;
	struct func_fentry_times t;

	pool_for(&p, f, false, 3);
	fentry_pool_attach(&p);
	assert_int_equal(atomic_load(&f->loads[FENTRY_ENTRY]), NFUNCS);
	assert_int_equal(atomic_load(&f->loads[FENTRY_EXIT]), 0);
	for (size_t i = 0; i < NFUNCS; i++) {
		assert_true(p.slot[i].link[FENTRY_ENTRY] >= 0);
		assert_int_equal(p.slot[i].link[FENTRY_EXIT], -1);
	}
	fentry_pool_attach_times(&p, &t);
	assert_int_equal(t.programs, NFUNCS);
	fentry_pool_detach(&p);
	every_descriptor_closed_once(f);
	fentry_pool_free(&p);
	free(f);
}

static void the_split_adds_up_the_time_of_every_load_and_link(void **state)
{
	struct fake *f = fake_new();
	struct fentry_pool p;
	struct func_fentry_times t;
	struct func_detach_stats ds = {};
	const double nap_s = 200e-6;

	f->sleep_ns = 200000;
	pool_for(&p, f, true, 2);
	fentry_pool_attach(&p);
	fentry_pool_attach_times(&p, &t);
	/* every load and every link napped 200 us: summed over both threads */
	assert_true(t.load_s >= 2 * NFUNCS * nap_s);
	assert_true(t.link_s >= 2 * NFUNCS * nap_s);
	assert_int_equal(t.per_func.n, NFUNCS);
	assert_true(t.per_func.min >= 4 * nap_s);
	assert_true(t.per_func.min <= t.per_func.median && t.per_func.median <= t.per_func.max);
	assert_float_equal(t.per_func.sum, t.load_s + t.link_s, 1e-9);
	fentry_pool_detach(&p);
	fentry_pool_detach_times(&p, &ds);
	assert_int_equal(ds.per_func.n, NFUNCS);
	assert_float_equal(ds.per_func.sum, ds.close_entry_s + ds.close_exit_s, 1e-9);
	assert_true(ds.close_entry_s > 0 && ds.close_exit_s > 0);
	fentry_pool_free(&p);
	free(f);
}

static void threads_default_to_the_cpus_at_most_the_cap(void **state)
{
	struct fake *f = fake_new();
	struct fentry_pool p;

	pool_for(&p, f, true, 0);
	assert_int_equal(p.threads, ns_parallel_threads(NFUNCS, 0, FUNC_FENTRY_THREADS_CAP));
	assert_true(p.threads >= 1 && p.threads <= FUNC_FENTRY_THREADS_CAP);
	fentry_pool_free(&p);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_function_gets_both_programs_from_four_threads),
		cmocka_unit_test(refusals_stay_with_their_function_whatever_the_threads),
		cmocka_unit_test(without_fexit_only_entry_programs_are_loaded),
		cmocka_unit_test(the_split_adds_up_the_time_of_every_load_and_link),
		cmocka_unit_test(threads_default_to_the_cpus_at_most_the_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
