/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the analyses of the report: the state struct of each, and the
 * entry points their struct analysis_ops (analysis/analysis.h) wrap.  Not
 * for renderers (they read analysis/result.h only), nor for report.c (it
 * walks the table of registry.c).
 */
#ifndef NS_ANALYSIS_INTERNAL_H
#define NS_ANALYSIS_INTERNAL_H

#include "analysis/analysis.h"
#include "analysis/report.h"
#include "analysis/result.h"
#include "analysis/table.h"
#include "analysis/util.h"

/* Caps that keep memory bounded on long traces (docs/report.md, "Limits"). */
#define DROP_SITES_MAX 65536	/* distinct (reason, location) pairs */
#define TCP_PATH_STATES_MAX 16	/* states kept per socket path */
#define TCP_PATHS_MAX 1024	/* distinct socket state paths */
#define TCP_SOCKS_MAX 65536	/* sockets followed at once */

/* counts.c: events per type, time span, capture header, lost events */
struct counts_an {
	const struct report_ctx *ctx;
	uint64_t count[RR_NTYPES];
	uint64_t first_ts, last_ts;
	bool any;
};

void counts_feed(struct counts_an *c, const struct ns_event *ev);
int counts_finish(struct counts_an *c, const struct report_ctx *ctx,
		  const struct ns_capture_stats *stats, bool truncated, struct report_result *res);

/* drops.c: kfree_skb by reason, by location, by function */
struct drop_site {
	uint32_t reason;
	uint32_t next;	/* next site with the same hash, or LRU_NIL */
	uint64_t location;
	uint64_t count;
};

struct drops_an {
	const struct report_ctx *ctx;
	struct u64map idx; /* hash of (reason, location) -> first site */
	struct drop_site *sites;
	size_t n, cap;
	uint64_t total, overflow;
};

void drops_feed(struct drops_an *d, const struct ns_event *ev);
int drops_finish(struct drops_an *d, const struct report_ctx *ctx, struct report_result *res);
void drops_free(struct drops_an *d);

/* tcp.c: resets by reason, state transitions, per-socket state paths */
struct tcp_row {
	uint64_t key, count;
};

struct tcp_path {
	uint64_t hash;
	uint32_t next;
	uint8_t n;
	bool cut, closed;
	uint32_t st[TCP_PATH_STATES_MAX];
	uint64_t count;
};

struct tcp_an {
	const struct report_ctx *ctx;
	uint64_t rst_sent, rst_sent_nosk, rst_received, transitions;
	struct u64map rst_idx, tr_idx, path_idx;
	struct tcp_row *rst, *tr;
	size_t n_rst, cap_rst, n_tr, cap_tr;
	struct tcp_path *paths;
	size_t n_paths, cap_paths;
	uint64_t paths_overflow, socks_evicted;
	struct lru socks; /* sk -> struct tcp_sock_path being built */
	uint32_t tcp_close; /* value of TCP_CLOSE, from the names table */
	int err;
};

void tcp_init(struct tcp_an *t, const struct report_ctx *ctx);
void tcp_feed(struct tcp_an *t, const struct ns_event *ev);
int tcp_finish(struct tcp_an *t, const struct report_ctx *ctx, struct report_result *res);
void tcp_free(struct tcp_an *t);

/* callpaths.c: stacks merged into one call tree per event type */
#define CALLPATHS_MAX 65536	/* distinct (event type, stack id) pairs */
#define CALLTREE_NODES_MAX 4096	/* nodes per event type's tree */

struct callpath {
	uint32_t type;
	uint32_t n;		/* frames kept, tracing frames cut */
	uint64_t *ips;		/* innermost first */
	uint64_t count;
};

struct callpaths_an {
	const struct report_ctx *ctx;
	struct u64map idx;	/* (type, stack id) -> path */
	struct callpath *paths;
	size_t n, cap;
	uint64_t with_stack, unknown, overflow;
};

void callpaths_feed(struct callpaths_an *c, const struct report_ctx *ctx, const struct ns_event *ev);
int callpaths_finish(struct callpaths_an *c, const struct report_ctx *ctx, struct report_result *res);
void callpaths_free(struct callpaths_an *c);
void callpaths_result_free(struct rr_callpaths *cp);

/* journeys.c / links.c */
struct journeys;
struct journeys *journeys_new(const struct report_ctx *ctx);
void journeys_feed(struct journeys *j, const struct ns_event *ev);
int journeys_finish(struct journeys *j, struct report_result *res);
void journeys_free(struct journeys *j);

/* explain.c: annotate the call paths part from a source index (report_explain()) */
int callpaths_explain(struct report_result *res, const struct report_explainer *ex);

/* the table rows (registry.c) */
extern const struct analysis_ops counts_analysis;
extern const struct analysis_ops drops_analysis;
extern const struct analysis_ops tcp_analysis;
extern const struct analysis_ops journeys_analysis;
extern const struct analysis_ops callpaths_analysis;
extern const struct analysis_ops funcs_analysis;
extern const struct analysis_ops profile_analysis;
extern const struct analysis_ops latency_analysis;
extern const struct analysis_ops counters_analysis;
extern const struct analysis_ops layers_analysis;
extern const struct analysis_ops segments_analysis;
extern const struct analysis_ops syscalls_analysis;
extern const struct analysis_ops skbmem_analysis;
extern const struct analysis_ops conns_analysis;
extern const struct analysis_ops softirq_analysis;

#endif
