/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "counters" view: what the kernel's SNMP counters of each namespace
 * say happened during a capture, from the snapshots the trace carries in
 * its metadata ("counters.<label>.before" / ".after", docs/TRACE_FORMAT.md).
 * Events are not needed; the lifecycle is the one every analysis has
 * (new, feed, finish, free) so a registry can run it with the others.
 */
#ifndef NS_ANALYSIS_COUNTERS_H
#define NS_ANALYSIS_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/netscope.h"
#include "trace/model.h"
#include "trace/snmp.h"

/*
 * Counters worth showing even when unchanged: the ones a SYN flood, a
 * refused connection or a drop moves.  Table in counters_watch.c, each
 * entry with what increments it in the kernel.
 */
struct counters_watch {
	const char *group, *name;
	const char *why;
};
extern const struct counters_watch counters_watch[];
extern const size_t counters_watch_n;
/* the entry of (group, name), NULL when not watched */
const struct counters_watch *counters_watch_find(const char *group, const char *name);

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

struct counters_an;

/* init(ctx): the trace's metadata is read here; NULL when out of memory. */
struct counters_an *counters_new(const struct ns_meta *meta);
/* The counters come from the metadata, not the events: nothing to do. */
void counters_feed(struct counters_an *c, const struct ns_event *ev);
/* Fill out (zeroed first); 0 or -ENOMEM.  Free out with counters_result_free(). */
int counters_finish(struct counters_an *c, struct counters_result *out);
void counters_free(struct counters_an *c);
void counters_result_free(struct counters_result *r);

/*
 * The rows of one namespace from its two snapshots (either may be empty):
 * what counters_finish() does per label, public for tests and for callers
 * that hold snapshots rather than a trace.  0 or -ENOMEM.
 */
int counters_diff(const struct snmp_snap *before, const struct snmp_snap *after,
		  struct counters_netns *out);

#endif
