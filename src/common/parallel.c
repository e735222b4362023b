// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/parallel.h"

unsigned ns_parallel_threads(size_t n, unsigned want, unsigned cap)
{
	unsigned t = want;

	if (!t) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		t = cpus > 0 ? (unsigned)cpus : 1;
		if (cap && t > cap)
			t = cap;
	}
	if (t > NS_PARALLEL_MAX)
		t = NS_PARALLEL_MAX;
	if (t > n)
		t = n;
	return t ? t : 1;
}

struct slice {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t begin, end;
	pthread_t tid;
	int started;
};

static void run_slice(const struct slice *s)
{
	for (size_t i = s->begin; i < s->end; i++)
		s->fn(s->ctx, i);
}

static void *slice_thread(void *arg)
{
	run_slice(arg);
	return NULL;
}

unsigned ns_parallel_for(size_t n, unsigned nthreads, void (*fn)(void *ctx, size_t i), void *ctx)
{
	struct slice one, *s;
	unsigned ran = 1;

	if (nthreads > NS_PARALLEL_MAX)
		nthreads = NS_PARALLEL_MAX;
	if (nthreads > n)
		nthreads = n;
	if (nthreads <= 1 || !(s = calloc(nthreads, sizeof(*s)))) {
		one = (struct slice){ .fn = fn, .ctx = ctx, .begin = 0, .end = n };
		run_slice(&one);
		return 1;
	}
	for (unsigned t = 0; t < nthreads; t++)
		s[t] = (struct slice){ .fn = fn, .ctx = ctx, .begin = n * t / nthreads,
				       .end = n * (t + 1) / nthreads };
	/* slice 0 is the caller's; the others get a thread each when one can be made */
	for (unsigned t = 1; t < nthreads; t++)
		s[t].started = !pthread_create(&s[t].tid, NULL, slice_thread, &s[t]);
	run_slice(&s[0]);
	for (unsigned t = 1; t < nthreads; t++) {
		if (s[t].started) {
			pthread_join(s[t].tid, NULL);
			ran++;
		} else {
			run_slice(&s[t]);
		}
	}
	free(s);
	return ran;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int ns_durations_summarize(const double *v, size_t n, struct ns_durations *out)
{
	double *sorted;

	memset(out, 0, sizeof(*out));
	if (!n)
		return 0;
	out->n = n;
	out->min = out->max = v[0];
	for (size_t i = 0; i < n; i++) {
		out->sum += v[i];
		if (v[i] < out->min)
			out->min = v[i];
		if (v[i] > out->max)
			out->max = v[i];
	}
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	out->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	free(sorted);
	return 0;
}
