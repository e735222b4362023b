// SPDX-License-Identifier: GPL-2.0
/* Log-linear histogram: see hist.h for the bucket layout and the error bound. */
#include <math.h>
#include <string.h>
#include "analysis/hist.h"

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned int hist_bucket_of(uint64_t v)
{
	unsigned int e, shift;

	if (v < HIST_LINEAR)
		return (unsigned int)v;
	e = 63 - __builtin_clzll(v);		/* 2^e <= v < 2^(e+1), e >= 7 */
	shift = e - HIST_SUB_BITS;		/* bucket width 2^shift */
	/* v >> shift is in [HIST_SUB, 2 * HIST_SUB): its low bits pick the sub-bucket */
	return HIST_LINEAR + (e - HIST_SUB_BITS - 1) * HIST_SUB +
	       (unsigned int)((v >> shift) - HIST_SUB);
}

uint64_t hist_bucket_lower(unsigned int b)
{
	unsigned int row, sub;

	if (b < HIST_LINEAR)
		return b;
	row = (b - HIST_LINEAR) / HIST_SUB;	/* exponent - 7 */
	sub = (b - HIST_LINEAR) % HIST_SUB;
	return (uint64_t)(HIST_SUB + sub) << (row + 1);
}

uint64_t hist_bucket_upper(unsigned int b)
{
	if (b < HIST_LINEAR)
		return b;
	/* lower + width - 1; the last bucket ends at UINT64_MAX without overflow */
	return hist_bucket_lower(b) + ((1ull << ((b - HIST_LINEAR) / HIST_SUB + 1)) - 1);
}

void hist_add(struct hist *h, uint64_t v)
{
	h->bucket[hist_bucket_of(v)]++;
	h->count++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void hist_merge(struct hist *into, const struct hist *from)
{
	if (!from->count)
		return;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		into->bucket[i] += from->bucket[i];
	into->count += from->count;
	if (from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0;
	double x;

	if (!h->count)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	/* nearest rank; the slack keeps 0.9 * 1000 from becoming rank 901 */
	x = p / 100.0 * (double)h->count;
	rank = (uint64_t)ceil(x - x * 1e-12);
	if (rank < 1)
		rank = 1;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank) {
			uint64_t up = hist_bucket_upper(i);

			return up < h->max ? up : h->max;
		}
	}
	return h->max;
}
