/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `trace` and `record` share: their capture options, the lab and the
 * scenario (or `-- CMD`), signals, and the poll loop with one cleanup path.
 */
#ifndef NS_CAPTURE_RUN_H
#define NS_CAPTURE_RUN_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include "capture/features.h"
#include "capture/session.h"
#include "cmd/args.h"
#include "trace/ksyms.h"
#include "trace/model.h"
#include "trace/names.h"
#include "workload/workload.h"

struct run_opts {
	struct capture_opts cap;
	struct scenario_opts sc;
	bool have_scenario;	/* --scenario or -- CMD */
	/* --devices A,B: the lab over these two devices instead of a veth pair */
	bool have_devices;
	char device_names[2][16];
	const char *devices[2];
	bool netns_all;
	double duration_s;	/* capture length without a scenario; 0: until Ctrl-C */
	bool json;
	bool stacks;		/* print stacks (trace --stack) */
	bool report;		/* trace --report: the report of the live events at the end */
	const char *output;	/* record -o */
};

/* Options both commands take, in getopt_long form; returns the index past "--" handling. */
int run_parse_args(struct run_opts *ro, const struct cmd_common *co, int argc, char **argv,
		   const char *extra_short, const struct option *extra_long, int (*extra)(struct run_opts *, int, const char *),
		   void (*usage)(FILE *));

struct run_state {
	struct features ft;
	struct lab lab;
	struct capture_session *session;
	struct ns_meta meta;
	struct ns_names names;	/* kernel enum names, from BTF */
	struct ksyms *ksyms;	/* NULL when /proc/kallsyms cannot be read */
	int scenario_status; /* exit status of the scenario child, -1 if none */
	bool interrupted;
	/* run_stop() adds metadata known only then (counters after the
	 * workload) from this index of meta on, for tfw_add_meta() */
	size_t meta_at_stop;
};

/* Set up (probe, lab, attach) the capture; events go to fn. Returns 0 or -errno. */
int run_start(struct run_state *st, struct run_opts *ro, capture_event_fn fn, void *ctx);
/* Ask run_loop to stop as a signal would (e.g. stdout went away). */
void run_request_stop(void);
/* Poll until the scenario ends, the duration passes, or a signal comes. */
int run_loop(struct run_state *st, struct run_opts *ro);
/* Drain, read the stats, detach, remove the lab (meta, names, symbols stay). */
void run_stop(struct run_state *st, struct ns_capture_stats *stats);
/* Free what the options hold (the --funcs globs). */
void run_opts_free(struct run_opts *ro);
/* Free what run_stop kept for the caller's last words. */
void run_free(struct run_state *st);
/* "lost 12 of 3400 events (kfree_skb 10, consume_skb 2)" on stderr, always */
void run_print_loss(FILE *out, const struct ns_capture_stats *stats);

#endif
