/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What changed between two reports: two finished results in
 * (analysis/result.h), one diff result out (analysis/result_diff.h).  It
 * reads only the results, never a file, so the same code compares two
 * traces, a trace with itself, or two results a test built by hand.
 */
#ifndef NS_ANALYSIS_DIFF_H
#define NS_ANALYSIS_DIFF_H

#include "analysis/result.h"
#include "analysis/result_diff.h"

/* the default of --threshold: a relative change of 5 % */
#define DIFF_DEFAULT_THRESHOLD 0.05
/*
 * Changes of fewer than this many (events, drops, packets, stacks,
 * samples) are the same too, whatever their relative size: between two
 * runs of one lab a 6 becomes a 7 by chance.  --threshold 0 turns it off.
 */
#define DIFF_DEFAULT_MIN_ABS 5.0

struct diff_opts {
	double threshold;	/* relative change, 0.05 = 5 %; below it a row is the same */
	double min_abs;		/* absolute change in counts below which a row is the same */
	const char *path_a, *path_b; /* copied into the result, for the header; may be NULL */
};

/**
 * diff_results() - compare report a (the before) with report b (the after)
 * @a, @b: finished results; each section is made only from the parts
 *	(RR_PART_*) both have, and says which side lacked its part
 * @o: threshold and floor; NULL: the defaults
 * @out: the result, to free with diff_result_free()
 *
 * Deterministic: rows of a section are sorted by status (changed, new and
 * gone before same), then by size of change, then by name; the capture
 * section keeps its fixed order (kernel first).  Returns 0 or -ENOMEM.
 */
int diff_results(const struct report_result *a, const struct report_result *b,
		 const struct diff_opts *o, struct diff_result **out);

#endif
