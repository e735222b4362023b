/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counters view's result: per namespace, the kernel's SNMP counters
 * before and after the capture and their increments
 * (render/counters_out.c).  The analysis is analysis/counters.h.
 */
#ifndef NS_ANALYSIS_RESULT_COUNTERS_H
#define NS_ANALYSIS_RESULT_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "trace/snmp.h"

/* One counter of one namespace. */
struct counters_row {
	char group[SNMP_GROUP_LEN];
	char name[SNMP_NAME_LEN];
	/* a counter missing from a snapshot counts as 0 there (IcmpMsg prints only
	 * the types seen so far); in_before/in_after say which snapshots had it */
	int64_t before, after;
	int64_t delta;		/* after - before, modulo 2^64 */
	bool in_before, in_after;
	bool watched;		/* on the counters_watch list */
	const char *why;	/* watched: what increments it (static text); else NULL */
};

struct counters_netns {
	char *label;		/* "<label>" of the metadata keys: "a", "b" */
	bool has_before, has_after;
	char *error;		/* a snapshot that did not parse: what and why; else NULL */
	/* changed, watched, or in one snapshot only; by group, then name (strcmp) */
	struct counters_row *rows;
	size_t n_rows;
	size_t n_changed;	/* rows whose delta is not 0 */
	size_t unchanged;	/* counters in both, equal and not watched: not in rows */
};

struct counters_result {
	struct counters_netns *ns;	/* in the order their first key appears in the metadata */
	size_t n_ns;
};

void counters_result_free(struct counters_result *r);

#endif
