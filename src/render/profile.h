/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The profile and call graph (analysis/stackprof.h) as text, JSON and
 * folded stacks.  How much is shown is the reader's choice, not the
 * analysis's: the name filter, rows, depth and minimum count.
 */
#ifndef NS_RENDER_PROFILE_H
#define NS_RENDER_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result_profile.h"

struct json_writer;

struct profile_view {
	const char *funcs;	/* space-separated globs ("net* tcp*"); NULL: every function */
	unsigned int top;	/* function rows; 0: 20 */
	unsigned int depth;	/* call graph levels; 0: every level */
	uint64_t min_count;	/* call graph nodes below this weight are folded away; 0: 1 */
};

void render_profile_text(const struct stackprof_result *r, const struct profile_view *v, FILE *out);
void render_profile_json(struct json_writer *w, const struct stackprof_result *r,
			 const struct profile_view *v);
void render_callgraph_text(const struct stackprof_result *r, const struct profile_view *v,
			   FILE *out);
void render_callgraph_json(struct json_writer *w, const struct stackprof_result *r,
			   const struct profile_view *v);
/*
 * Folded stacks, as flame-graph tools read them: "outer;...;inner count",
 * one line per call graph leaf-or-self weight, samples only when there are
 * any (they weigh time), else event stacks.
 */
void render_callgraph_folded(const struct stackprof_result *r, FILE *out);
/*
 * The same stacks one by one, for other formats of them (export --to
 * folded, speedscope): path[0] outermost .. path[n - 1] innermost, and the
 * stack's own weight.  render_callgraph_folded() prints these.
 */
typedef void (*callgraph_stack_fn)(void *arg, const char *const *path, unsigned int n,
				   uint64_t weight);
void render_callgraph_stacks(const struct stackprof_result *r, callgraph_stack_fn fn, void *arg);
/* whether the weights are CPU samples (true) or event stacks (none sampled) */
bool render_callgraph_by_samples(const struct stackprof_result *r);

#endif
