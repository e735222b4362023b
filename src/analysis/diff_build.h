/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the diff (analysis/diff.c, diff_sections.c): a section under
 * construction.  Each side adds its rows by name; diff_build_end() judges
 * and sorts them.
 */
#ifndef NS_ANALYSIS_DIFF_BUILD_H
#define NS_ANALYSIS_DIFF_BUILD_H

#include "analysis/diff.h"
#include "common/strmap.h"

enum { DIFF_A, DIFF_B };

/* how the rows of a section are judged and sorted */
enum diff_judge {
	DIFF_JUDGE_TEXT,	/* capture: equal strings or not; fixed order */
	DIFF_JUDGE_COUNT,	/* counts: relative change and the absolute floor */
	DIFF_JUDGE_SHARE,	/* share of the section's whole: relative change of the share */
	DIFF_JUDGE_LATENCY,	/* ns: relative change beyond the percentiles' precision */
	DIFF_JUDGE_COUNTER,	/* counter deltas: as counts, moved-in-one-only first */
};

struct diff_build {
	struct diff_section *s;
	enum diff_judge judge;
	double lat_err;		/* latency: the percentiles' relative error */
	size_t cap;
	struct ns_strmap idx;	/* "what\x1fdetail" -> row index */
	int err;
};

/* add value (and share, NAN: none) to side's (what, detail) row */
void diff_add(struct diff_build *sb, int side, const char *what, const char *detail, double value,
	      double share);
/* diff_add() and the row's rate on that side */
void diff_add_rate(struct diff_build *sb, int side, const char *what, double value, double share,
		   double rate);
/* side's text value of the row what (NULL: that trace does not say) */
void diff_add_text(struct diff_build *sb, int side, const char *what, const char *value);
/* judge and sort the rows, free the index; 0 or -ENOMEM (also one met while adding) */
int diff_build_end(struct diff_build *sb, const struct diff_opts *o, struct diff_result *res);

/* diff_sections.c: fill section id of res from a and b */
int diff_section_fill(struct diff_result *res, size_t id, const struct report_result *a,
		      const struct report_result *b, const struct diff_opts *o);

/* diff_softirq.c: the interrupt sections' fillers, from the interrupts view's result */
void diff_fill_net_rx(struct diff_build *sb, int side, const struct report_result *r);
void diff_fill_softirq_times(struct diff_build *sb, int side, const struct report_result *r);
void diff_fill_napi_polls(struct diff_build *sb, int side, const struct report_result *r);
void diff_fill_hardirqs(struct diff_build *sb, int side, const struct report_result *r);

#endif
