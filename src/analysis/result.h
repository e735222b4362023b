/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The finished report: plain numbers and already-resolved names, nothing a
 * renderer has to look up.  Text and JSON renderers read only this, so they
 * cannot disagree.  Rows of every table are sorted (count, then first
 * seen); renderers show the first `top` rows and sum up the rest.
 *
 * Every part is optional: `parts` says which analyses filled theirs
 * (RR_PART_*), and renderers show only those.  A new analysis adds its
 * part here (a struct, or a pointer to one) with a new bit.
 */
#ifndef NS_REPORT_RESULT_H
#define NS_REPORT_RESULT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analysis/result_conns.h"
#include "analysis/result_counters.h"
#include "analysis/result_latency.h"
#include "analysis/result_layers.h"
#include "analysis/result_profile.h"
#include "analysis/result_segments.h"
#include "analysis/result_softirq.h"
#include "analysis/result_skbmem.h"
#include "analysis/result_syscalls.h"
#include "analysis/result_funcs.h"
#include "trace/model.h"

/* report_ctx.top and report_result.top: every row of every table */
#define REPORT_TOP_ALL UINT_MAX

/* The parts of a result, one bit per analysis (analysis/registry.c). */
enum rr_part {
	RR_PART_COUNTS = 1u << 0,	/* capture, events, lost */
	RR_PART_DROPS = 1u << 1,	/* drops */
	RR_PART_TCP = 1u << 2,		/* resets, states */
	RR_PART_JOURNEYS = 1u << 3,	/* journeys */
	RR_PART_CALLPATHS = 1u << 4,	/* callpaths */
	RR_PART_PROFILE = 1u << 5,	/* profile: functions, tracepoints per CPU, call graph */
	RR_PART_LATENCY = 1u << 6,	/* latency: per-stage gaps of packets */
	RR_PART_COUNTERS = 1u << 7,	/* counters: the namespaces' SNMP counters, before/after */
	RR_PART_LAYERS = 1u << 8,	/* layers: boundaries between the stack's layers */
	RR_PART_SEGMENTS = 1u << 9,	/* segments: TCP segments per namespace, fate of SYNs */
	RR_PART_SYSCALLS = 1u << 10,	/* syscalls: socket calls per process, errors, time */
	RR_PART_CONNS = 1u << 11,	/* conns: TCP connections, segments and states in order */
	RR_PART_SOFTIRQ = 1u << 12,	/* interrupts: softirq runs, their packets, hardirqs */
	RR_PART_SKBMEM = 1u << 16,	/* skb-memory: packet allocations, GFP, lifetimes */
	RR_PART_FUNCS = 1u << 13,	/* funcs: kernel functions: calls, packets, time to return */
};

/* what `netscope report FILE` shows without --view */
#define RR_PART_DEFAULT (RR_PART_COUNTS | RR_PART_DROPS | RR_PART_TCP | RR_PART_JOURNEYS | \
			 RR_PART_CALLPATHS)

/* events[].count slot for type numbers this netscope does not know */
#define RR_TYPE_UNKNOWN NS_EV__COUNT
#define RR_NTYPES (NS_EV__COUNT + 1)

struct rr_kv {
	char *key;
	char *value;
};

struct rr_capture {
	/* NULL when the trace does not say */
	char *kernel, *host, *method, *filter, *scenario;
	struct rr_kv *methods;	/* per event: {"kfree_skb", "tp_btf"} */
	size_t n_methods;
	struct rr_kv *other;	/* metadata not shown above, in file order */
	size_t n_other;
	uint64_t first_ts, last_ts; /* CLOCK_MONOTONIC ns of the events read */
	uint64_t span_ns;	    /* last_ts - first_ts */
	bool truncated;
};

struct rr_events {
	uint64_t total;
	double rate;		  /* per second over span_ns; NAN when span is 0 */
	uint64_t count[RR_NTYPES];
	double rates[RR_NTYPES];
	/* type numbers with count > 0, by count (descending) then type */
	unsigned int order[RR_NTYPES];
	size_t n_order;
};

struct rr_lost {
	bool have_stats;
	struct ns_capture_stats stats;
	uint64_t produced, captured, lost; /* sums over types */
	uint64_t read;			  /* events the report read */
	bool truncated;
};

struct rr_count {
	char *label;
	uint64_t count;
};

struct rr_drop_reason {
	char *name;		/* "NO_SOCKET", or "reason#N" when unnamed */
	uint32_t value;
	uint64_t count;
};

struct rr_drop_site {
	char *reason;
	char *location;		/* "tcp_v4_rcv+0x1a" */
	char *function;		/* "tcp_v4_rcv" */
	uint64_t count;
};

struct rr_drops {
	uint64_t total;		/* kfree_skb events */
	struct rr_drop_reason *reasons;
	size_t n_reasons;
	struct rr_count *functions;
	size_t n_functions;
	struct rr_drop_site *sites;
	size_t n_sites;
	uint64_t sites_overflow;	/* drops at (reason, location) pairs beyond the cap */
};

struct rr_resets {
	uint64_t sent, sent_no_socket, received;
	struct rr_count *reasons;	/* sent, by sk_rst_reason */
	size_t n_reasons;
};

struct rr_transition {
	char *from, *to;
	uint64_t count;
};

struct rr_sock_path {
	char **states;
	size_t n_states;
	bool cut;	/* longer than the path cap: later states not shown */
	bool closed;	/* reached TCP_CLOSE or tcp_destroy_sock; false: open at end */
	uint64_t count;
};

struct rr_states {
	uint64_t total;
	struct rr_transition *transitions;
	size_t n_transitions;
	struct rr_sock_path *paths;
	size_t n_paths;
	uint64_t paths_overflow;	/* sockets whose path did not fit the table */
	uint64_t sockets_evicted;	/* socket table full */
};

/* An example of a journey's packet: from its first event with headers. */
struct rr_tuple {
	bool valid;
	char proto[16];		/* "TCP", "UDP", "ICMP", "IPv4", "proto#N", "ARP", "eth 0xNNNN" */
	char src[48], dst[48];	/* addresses, without ports; "" when not IP */
	uint16_t sport, dport;
	bool has_ports;
	char tcp_flags[40];	/* "" when not TCP */
	char ifname[NS_IFNAME_LEN];
};

struct rr_sequence {
	unsigned int *steps;	/* event types */
	char **step_funcs;	/* per step: the kernel function of a func_entry step, else NULL */
	size_t n_steps;
	bool partial;		/* the packet's first event was not seen */
	bool cut;		/* more steps than the cap: later ones not shown */
	const char *fate;	/* "dropped", "consumed", "alive" */
	char *reason;		/* drop reason of "dropped", else NULL */
	uint64_t count;
	uint64_t *median_ns;	/* n_steps - 1 medians, step i -> i + 1 */
	bool median_sampled;	/* more samples than kept: median of a uniform sample */
	struct rr_tuple example;
	struct rr_count *linked; /* events linked to these packets (heuristics) */
	size_t n_linked;
};

/* a step's name: its kernel function (func_entry steps) or its event type */
const char *rr_step_name(const struct rr_sequence *q, size_t k);

struct rr_link_stat {
	unsigned int type;
	uint64_t linked, unlinked;
};

struct rr_softirq {
	char *vec;		/* "NET_RX" */
	uint64_t runs;		/* entry..exit pairs seen */
	uint64_t runs_with_packets;
	uint64_t packet_events;	/* packet events contained in a run */
};

/* one event of a sampled packet */
struct rr_packet_step {
	unsigned int type;	/* event type */
	uint64_t ts;		/* CLOCK_MONOTONIC ns */
};

/*
 * One packet of the journeys' sample (report_ctx.packet_sample): its own
 * events in time order, for a timeline.  The sample is the first
 * JOURNEY_SAMPLE_FIRST packets closed and the dropped ones after them, at
 * most JOURNEY_SAMPLE_PER_REASON of each reason and JOURNEY_SAMPLE_DROPPED
 * in all, by first event.
 */
struct rr_packet {
	uint64_t id;		/* the capture's packet id */
	uint64_t closed;	/* 1 for the first packet the analysis closed, ... */
	struct rr_packet_step *steps;
	size_t n_steps;
	bool partial, cut;	/* as struct rr_sequence */
	const char *fate;	/* "dropped", "consumed", "alive" */
	char *reason;		/* drop reason of "dropped", else NULL */
	bool for_drop;		/* in the sample because dropped (past the first ones) */
	struct rr_tuple tuple;
};

struct rr_journeys {
	uint64_t packets;	/* distinct packet ids */
	uint64_t dropped, consumed, alive;
	uint64_t partial;	/* first event not seen (before capture, or lost) */
	uint64_t evicted;	/* live-packet table full: closed early, counted as alive */
	uint64_t split;		/* ids that carried another TCP segment: skb freed unseen, reused */
	uint64_t packet_events, events_without_id;
	struct rr_sequence *seqs;
	size_t n_seqs;
	uint64_t overflow_packets; /* packets whose sequence did not fit the table */
	struct rr_link_stat *by_socket;
	size_t n_by_socket;
	struct rr_softirq *softirqs;
	size_t n_softirqs;
	uint64_t softirq_unmatched; /* entry without exit or exit without entry */
	uint64_t link_window_ns;
	/* the sample of single packets, when asked (report_ctx.packet_sample) */
	bool sampled;
	struct rr_packet *sample;	/* by first event */
	size_t n_sample;
	unsigned int sample_first, sample_dropped, sample_per_reason;	/* its caps */
	uint64_t dropped_unsampled;	/* dropped packets past the caps */
};

/*
 * One function of a call tree, in preorder: a node's children follow it at
 * depth + 1.  The root is the outermost frame of the stacks.
 */
struct rr_cnode {
	char *function;
	unsigned int depth;
	unsigned int children;
	uint64_t count;		/* stacks through this node */
	/* filled by report_explain(), NULL otherwise */
	char *where;		/* "net/ipv4/tcp_ipv4.c:2160" */
	char *summary;		/* kernel-doc one-liner */
};

/* The kernel function that hit an event's tracepoint (innermost frame). */
struct rr_site {
	char *function;
	uint64_t count;
	char *where, *summary;	/* explain mode */
	bool from_index;	/* explain mode, no stack: the index's callers of trace_<event> */
};

struct rr_calltree {
	unsigned int type;	/* event type */
	uint64_t stacks;	/* events of this type that carried a stack */
	struct rr_cnode *nodes;
	size_t n_nodes;
	uint64_t nodes_cut;	/* stacks that met the node cap (their deeper frames not shown) */
	struct rr_site *sites;
	size_t n_sites;
};

struct rr_callpaths {
	uint64_t with_stack;	/* events that carried a stack */
	uint64_t unknown_stack;	/* stack ids whose frames the trace does not hold */
	uint64_t paths_overflow; /* distinct (event, stack) pairs beyond the cap */
	struct rr_calltree *trees;	/* by stacks, descending */
	size_t n_trees;
	/* explain mode */
	bool explained;
	char *explain_source;	/* "index of linux 6.12.117 at ..." */
	char *explain_note;	/* version difference, or NULL */
	struct rr_calltree *unstacked;	/* event types seen without any stack: sites from the index */
	size_t n_unstacked;
};

struct report_result {
	unsigned int parts;	/* RR_PART_* of the parts filled */
	unsigned int top;	/* rows per table the renderers show; REPORT_TOP_ALL: all */
	struct rr_capture capture;
	struct rr_events events;
	struct rr_lost lost;
	struct rr_drops drops;
	struct rr_resets resets;
	struct rr_states states;
	struct rr_journeys journeys;
	struct rr_callpaths callpaths;
	struct stackprof_result profile;
	struct latency_result latency;
	struct counters_result counters;
	struct bnd_result *layers;
	struct bnd_result *layers_funcs; /* from func_entry paths per packet; NULL without them */
	struct segments_result segments;
	struct syscalls_result syscalls;
	struct funcs_result funcs;
	struct conns_result conns;
	struct softirq_result softirq;
	struct skbmem_result skbmem;
};

#endif
