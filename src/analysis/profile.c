// SPDX-License-Identifier: GPL-2.0
/*
 * The profile and call graph as an analysis of the report (the "profile"
 * and "callgraph" views): stackprof.c fed through the report's context,
 * whose stacks come from the trace and whose symbols from its kallsyms.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "analysis/analysis.h"
#include "analysis/fgraph.h"
#include "analysis/stackprof.h"
#include "common/strmap.h"
#include "trace/ksyms.h"

#define PROFILE_FUNC_NAMES_MAX 65536
#define PROFILE_PATH_MAX 256	/* callers kept on a path of the call graph */

struct profile_an {
	const struct report_ctx *ctx;
	struct stackprof *sp;
	/* function events: their nesting (fgraph.c), names by id */
	struct fgraph graph;
	struct ns_strmap name_idx;
	const char **names;
	size_t n_names, cap_names;
};

static size_t profile_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	const struct report_ctx *ctx = ((struct profile_an *)arg)->ctx;

	return ctx->stack ? ctx->stack(ctx->stack_arg, id, ips, max) : 0;
}

static const char *profile_symbol(void *arg, uint64_t ip)
{
	const struct report_ctx *ctx = ((struct profile_an *)arg)->ctx;
	const struct ksym *s = ctx->ksyms ? ksyms__map_addr(ctx->ksyms, ip) : NULL;

	return s ? s->name : NULL;
}

static size_t profile_tracing_frames(void *arg, const uint64_t *ips, size_t n)
{
	const struct report_ctx *ctx = ((struct profile_an *)arg)->ctx;

	return ctx->ksyms ? ksyms__tracing_frames(ctx->ksyms, ips, n) : 0;
}

static int profile_init(void **state, const struct report_ctx *ctx)
{
	struct profile_an *p = calloc(1, sizeof(*p));
	const char *hz = ctx->meta ? ns_meta_get(ctx->meta, "capture.sample_freq") : NULL;
	struct stackprof_cfg cfg = {
		.stack = profile_stack,
		.symbol = profile_symbol,
		.tracing_frames = profile_tracing_frames,
		/* what ran, as the capture wrote it (0 when sampling was off) */
		.sample_hz = hz ? strtod(hz, NULL) : 0,
	};

	if (!p)
		return -ENOMEM;
	if (fgraph_init(&p->graph)) {
		free(p);
		return -ENOMEM;
	}
	p->ctx = ctx;
	cfg.arg = p;
	sample_filter_from_meta(&cfg.samples, ctx->meta);
	p->sp = stackprof_new(&cfg);
	if (!p->sp) {
		fgraph_free(&p->graph);
		free(p);
		return -ENOMEM;
	}
	*state = p;
	return 0;
}

/* the id of a function event's function (its name from the trace's symbols); false when full */
static bool name_id(struct profile_an *p, uint64_t location, uint32_t *id)
{
	const struct ksym *sym = p->ctx->ksyms ? ksyms__map_addr(p->ctx->ksyms, location) : NULL;
	const char *key;
	char buf[32];

	if (!sym)
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)location);
	if (ns_strmap_get(&p->name_idx, sym ? sym->name : buf, id))
		return true;
	if (p->n_names >= PROFILE_FUNC_NAMES_MAX)
		return false;
	if (p->n_names == p->cap_names) {
		size_t cap = p->cap_names ? 2 * p->cap_names : 64;
		const char **n = realloc(p->names, cap * sizeof(*n));

		if (!n)
			return false;
		p->names = n;
		p->cap_names = cap;
	}
	*id = p->n_names;
	key = ns_strmap_put(&p->name_idx, sym ? sym->name : buf, *id);
	if (!key)
		return false;
	p->names[p->n_names++] = key;
	return true;
}

/* function events: a hit each in the profile, their nesting kept for the call graph */
static void feed_function(struct profile_an *p, const struct ns_event *ev)
{
	/* softirq work runs on whatever thread it interrupted: its CPU is its stack */
	uint32_t key = ev->ctx == NS_CTX_TASK ? ev->tid : 0x80000000u | ev->cpu, id;
	int32_t depth = ev->flags & NS_F_FTRACE ? (int32_t)(ev->reason & 0x7fffffff) : FGRAPH_NO_DEPTH;
	uint64_t d;

	if (!name_id(p, ev->location, &id))
		return;
	if (ev->type == NS_EV_FUNC_ENTRY) {
		stackprof_feed_function(p->sp, p->names[id]);
		if (!(ev->flags & NS_F_FTRACE_CALLS_ONLY))
			fgraph_entry(&p->graph, key, id, depth, ev->ts_ns);
	} else {
		fgraph_return(&p->graph, key, id, depth, ev->ts_ns, &d);
	}
}

static void profile_feed(void *state, const struct ns_event *ev)
{
	struct profile_an *p = state;

	stackprof_feed(p->sp, ev);
	if (ns_event_is_func(ev->type))
		feed_function(p, ev);
}

/* every path of nested calls into the call graph, with its calls */
static void feed_paths(struct profile_an *p)
{
	const char *path[PROFILE_PATH_MAX];

	for (size_t i = 0; i < p->graph.n_nodes; i++) {
		size_t n = 0;

		for (uint32_t k = i; k != FGRAPH_NIL && n < PROFILE_PATH_MAX; k = p->graph.nodes[k].parent)
			path[n++] = p->names[p->graph.nodes[k].func];
		/* outermost first */
		for (size_t a = 0, b = n - 1; a < b; a++, b--) {
			const char *t = path[a];

			path[a] = path[b];
			path[b] = t;
		}
		stackprof_feed_calls(p->sp, path, n, p->graph.nodes[i].calls);
	}
}

static int profile_finish(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct profile_an *p = state;

	fgraph_end(&p->graph);
	if (p->graph.err)
		return p->graph.err;
	feed_paths(p);
	return stackprof_finish(p->sp, &res->profile);
}

static void profile_free(void *state)
{
	struct profile_an *p = state;

	if (!p)
		return;
	stackprof_free(p->sp);
	fgraph_free(&p->graph);
	ns_strmap_free(&p->name_idx);
	free(p->names);
	free(p);
}

static void profile_free_part(struct report_result *res)
{
	stackprof_result_free(&res->profile);
}

const struct analysis_ops profile_analysis = {
	.name = "profile",
	.parts = RR_PART_PROFILE,
	.init = profile_init,
	.feed = profile_feed,
	.finish = profile_finish,
	.free = profile_free,
	.free_part = profile_free_part,
};
