/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A log-linear histogram of u64 values (nanoseconds), in the manner of
 * HdrHistogram: fixed memory, any number of values, percentiles within a
 * known relative error.  Values below 128 get a bucket each; above, every
 * power of two [2^e, 2^(e+1)) is cut into 64 buckets of equal width
 * 2^(e-6).  A percentile is the upper bound of the bucket holding the
 * value of that rank (clamped to the exact max), so for the exact value v
 * of that rank the answer r satisfies
 *
 *	v <= r < v * (1 + 1/64)		(error under 1.6 %; exact below 128)
 *
 * min, max and count are exact.  3776 buckets: about 30 KiB each.
 */
#ifndef NS_ANALYSIS_HIST_H
#define NS_ANALYSIS_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)	/* buckets per power of two */
#define HIST_LINEAR (2 * HIST_SUB)	/* values below this have their own bucket */
/* the linear part, then one row of HIST_SUB per exponent 7..63 */
#define HIST_BUCKETS (HIST_LINEAR + (64 - HIST_SUB_BITS - 1) * HIST_SUB)
/* the documented bound on (answer - exact) / exact */
#define HIST_REL_ERROR (1.0 / HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t min, max;	/* exact; min is UINT64_MAX while empty */
	uint64_t bucket[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
/* into += from: the same as having added from's values to into */
void hist_merge(struct hist *into, const struct hist *from);
/*
 * The p-th percentile (0 < p <= 100): the upper bound of the bucket of the
 * value of rank ceil(p/100 * count), at most max; p <= 0 gives min.  0 when
 * the histogram is empty.
 */
uint64_t hist_percentile(const struct hist *h, double p);

/* Bucket of v, and the values a bucket holds: [lower, upper]. */
unsigned int hist_bucket_of(uint64_t v);
uint64_t hist_bucket_lower(unsigned int b);
uint64_t hist_bucket_upper(unsigned int b);

#endif
