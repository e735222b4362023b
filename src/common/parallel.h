/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loop over n items run from a few threads, each thread its own
 * contiguous slice: for work whose items are independent and whose
 * results go into per-item slots the caller preallocated (no shared
 * state: the caller sums after the join).  Also the min/median/max of a
 * set of durations, for reporting such work item by item.
 */
#ifndef NS_PARALLEL_H
#define NS_PARALLEL_H

#include <stddef.h>

/* at most this many threads, whatever the caller asks */
#define NS_PARALLEL_MAX 64

/*
 * The threads to use for n items: want when not 0, else one per online
 * CPU, at most cap; never more than n, never fewer than 1.
 */
unsigned ns_parallel_threads(size_t n, unsigned want, unsigned cap);

/*
 * fn(ctx, i) for every i < n, from nthreads threads (the caller is one of
 * them): thread t runs the slice [t*n/nthreads, (t+1)*n/nthreads) in
 * order.  One thread: everything in the caller, in order, no thread made.
 * A thread that cannot be made has its slice run by the caller after its
 * own, so every item runs exactly once whatever happens; returns how many
 * threads ran (1 when none could be made).
 */
unsigned ns_parallel_for(size_t n, unsigned nthreads, void (*fn)(void *ctx, size_t i), void *ctx);

struct ns_durations {
	size_t n;
	double sum, min, median, max;	/* seconds; all 0 when n is 0 */
};

/*
 * sum, min, median (the mean of the middle two when n is even) and max of
 * v[0..n): 0, or -ENOMEM (no room to sort a copy) with everything but the
 * median filled and the median 0
 */
int ns_durations_summarize(const double *v, size_t n, struct ns_durations *out);

#endif
