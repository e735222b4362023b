// SPDX-License-Identifier: GPL-2.0
/*
 * The profile and call graph as an analysis of the report (the "profile"
 * and "callgraph" views): stackprof.c fed through the report's context,
 * whose stacks come from the trace and whose symbols from its kallsyms.
 */
#include <errno.h>
#include <stdlib.h>
#include "analysis/analysis.h"
#include "analysis/stackprof.h"
#include "trace/ksyms.h"

struct profile_an {
	const struct report_ctx *ctx;
	struct stackprof *sp;
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
	p->ctx = ctx;
	cfg.arg = p;
	sample_filter_from_meta(&cfg.samples, ctx->meta);
	p->sp = stackprof_new(&cfg);
	if (!p->sp) {
		free(p);
		return -ENOMEM;
	}
	*state = p;
	return 0;
}

static void profile_feed(void *state, const struct ns_event *ev)
{
	struct profile_an *p = state;
	const char *name;

	stackprof_feed(p->sp, ev);
	/* a function's entry (fentry, kprobe.multi, kprobe) is a call: exact
	 * counts beside the samples, which miss what is shorter than a period */
	if (ev->type == NS_EV_FUNC_ENTRY && (name = profile_symbol(p, ev->location)))
		stackprof_feed_function(p->sp, name);
}

static int profile_finish(void *state, const struct analysis_end *end, struct report_result *res)
{
	return stackprof_finish(((struct profile_an *)state)->sp, &res->profile);
}

static void profile_free(void *state)
{
	struct profile_an *p = state;

	if (!p)
		return;
	stackprof_free(p->sp);
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
