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
#include "analysis/result_counters.h"
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


struct counters_an;

/* init(ctx): the trace's metadata is read here; NULL when out of memory. */
struct counters_an *counters_new(const struct ns_meta *meta);
/* The counters come from the metadata, not the events: nothing to do. */
void counters_feed(struct counters_an *c, const struct ns_event *ev);
/* Fill out (zeroed first); 0 or -ENOMEM.  Free out with counters_result_free(). */
int counters_finish(struct counters_an *c, struct counters_result *out);
void counters_free(struct counters_an *c);

/*
 * The rows of one namespace from its two snapshots (either may be empty):
 * what counters_finish() does per label, public for tests and for callers
 * that hold snapshots rather than a trace.  0 or -ENOMEM.
 */
int counters_diff(const struct snmp_snap *before, const struct snmp_snap *after,
		  struct counters_netns *out);

#endif
