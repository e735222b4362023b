// SPDX-License-Identifier: GPL-2.0
/*
 * The layers view as an analysis of the report: every kernel stack of the
 * trace (CPU samples and the stacks events carried) through the boundary
 * finder (boundaries.c), weighted by how many events or samples had it.
 *
 * A stack id's frames are copied when it is first seen (a live stack map
 * may reuse the id later, as in callpaths.c) and counted after that; the
 * frames are named and classified once per distinct stack, at finish.
 *
 * Where the trace has kernel functions (func_entry events: fentry,
 * kprobe.multi, kprobes), each packet's functions in the order it entered
 * them make a second map, the function-level one (boundaries__step()),
 * built as the events come: one bnd_path per packet id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/analysis.h"
#include "analysis/boundaries.h"
#include "analysis/stackprof.h"
#include "analysis/table.h"
#include "common/log.h"
#include "trace/ksyms.h"

#define LAYERS_STACKS_MAX 65536	/* distinct (stack, context) pairs; more are counted as cut */
#define LAYERS_PATHS_MAX (1u << 20) /* packets followed through functions; more are cut */

struct layers_stack {
	uint64_t *ips;		/* innermost first, tracing frames cut */
	size_t n;
	enum bnd_ctx ctx;
	uint64_t count;
};

struct layers_an {
	const struct report_ctx *ctx;
	struct layer_rules *rules;
	struct u64map idx;
	struct layers_stack *stacks;
	size_t n, cap;
	uint64_t cut;
	struct sample_filter samples;
	/* the function-level map: a path per packet id */
	struct boundaries *fb;
	struct u64map path_idx;
	struct bnd_path *paths;
	size_t n_paths, cap_paths;
	uint64_t paths_cut;
	int err;
};

static enum bnd_ctx bnd_ctx_of(uint8_t ctx)
{
	switch (ctx) {
	case NS_CTX_SOFTIRQ:
		return BND_CTX_SOFTIRQ;
	case NS_CTX_HARDIRQ:
	case NS_CTX_NMI:
		return BND_CTX_HARDIRQ;
	default:
		return BND_CTX_TASK;
	}
}

static int layers_init(void **state, const struct report_ctx *ctx)
{
	struct layers_an *l = calloc(1, sizeof(*l));
	char err[256] = "";
	int e;

	if (!l)
		return -ENOMEM;
	l->ctx = ctx;
	if (ctx->layer_rules) {
		l->rules = layer_rules__builtin(err, sizeof(err));
		/* a file replaces the built-in layers; the RX/TX markers stay */
		if (l->rules) {
			layer_rules__clear(l->rules, LAYER_RULES_LAYERS);
			e = layer_rules__load_file(l->rules, LAYER_RULES_LAYERS, ctx->layer_rules, err,
						   sizeof(err));
			if (e) {
				ns_err("%s", err);
				layer_rules__free(l->rules);
				free(l);
				return e;
			}
		}
	} else {
		l->rules = layer_rules__builtin(err, sizeof(err));
	}
	if (!l->rules) {
		e = -errno;
		if (err[0])
			ns_err("%s", err);
		free(l);
		return e ? e : -ENOMEM;
	}
	sample_filter_from_meta(&l->samples, ctx->meta);
	if (ctx->index_layer)
		layer_rules__set_index_layer(l->rules, ctx->index_layer, ctx->index_layer_arg);
	l->fb = boundaries__new(l->rules);
	if (!l->fb) {
		layer_rules__free(l->rules);
		free(l);
		return -ENOMEM;
	}
	*state = l;
	return 0;
}

static const char *layers_symbol(void *arg, uint64_t ip);

/* a function the packet entered: the next step of its path */
static void layers_feed_function(struct layers_an *l, const struct ns_event *ev)
{
	const char *name = layers_symbol((void *)l->ctx->ksyms, ev->location);
	uint64_t key = an_hash64(ev->packet_id);
	uint32_t i;

	if (!u64map_get(&l->path_idx, key, &i)) {
		if (l->n_paths >= LAYERS_PATHS_MAX) {
			l->paths_cut++;
			return;
		}
		if (l->n_paths == l->cap_paths) {
			size_t cap = l->cap_paths ? l->cap_paths * 2 : 1024;
			void *m = realloc(l->paths, cap * sizeof(*l->paths));

			if (!m) {
				l->err = -ENOMEM;
				return;
			}
			l->paths = m;
			l->cap_paths = cap;
		}
		i = (uint32_t)l->n_paths;
		if (u64map_put(&l->path_idx, key, i)) {
			l->err = -ENOMEM;
			return;
		}
		l->paths[l->n_paths++] = (struct bnd_path){ 0 };
	}
	if (boundaries__step(l->fb, &l->paths[i], name, 1, bnd_ctx_of(ev->ctx)))
		l->err = -ENOMEM;
}

static void layers_feed(void *state, const struct ns_event *ev)
{
	struct layers_an *l = state;
	bool sample = ev->type == NS_EV_CPU_SAMPLE;
	enum bnd_ctx c = bnd_ctx_of(ev->ctx);
	uint64_t key, ips[NS_STACK_DEPTH];
	struct layers_stack *s;
	size_t n, skip = 0;
	uint32_t i;

	if (l->err)
		return;
	if (ev->type == NS_EV_FUNC_ENTRY && ev->packet_id)
		layers_feed_function(l, ev);
	if (ev->stack_id < 0 || !l->ctx->stack)
		return;
	/* the idle loop and other namespaces' tasks cross no layer of the workload */
	if (sample && sample_filter_kind(&l->samples, ev) != SAMPLE_KEEP)
		return;
	key = an_hash64(((uint64_t)c << 40) | ((uint64_t)sample << 32) | (uint32_t)ev->stack_id);
	if (u64map_get(&l->idx, key, &i)) {
		l->stacks[i].count++;
		return;
	}
	if (l->n >= LAYERS_STACKS_MAX) {
		l->cut++;
		return;
	}
	n = l->ctx->stack(l->ctx->stack_arg, ev->stack_id, ips, NS_STACK_DEPTH);
	if (!n)
		return;
	if (!sample && l->ctx->ksyms)
		skip = ksyms__tracing_frames(l->ctx->ksyms, ips, n);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		void *m = realloc(l->stacks, cap * sizeof(*l->stacks));

		if (!m) {
			l->err = -ENOMEM;
			return;
		}
		l->stacks = m;
		l->cap = cap;
	}
	s = &l->stacks[l->n];
	*s = (struct layers_stack){ .n = n - skip, .ctx = c, .count = 1 };
	s->ips = malloc((s->n ? s->n : 1) * sizeof(*s->ips));
	if (!s->ips || u64map_put(&l->idx, key, (uint32_t)l->n)) {
		free(s->ips);
		l->err = -ENOMEM;
		return;
	}
	memcpy(s->ips, ips + skip, s->n * sizeof(*s->ips));
	l->n++;
}

static const char *layers_symbol(void *arg, uint64_t ip)
{
	const struct ksym *s = arg ? ksyms__map_addr(arg, ip) : NULL;

	return s ? s->name : NULL;
}

static int layers_finish(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct layers_an *l = state;
	struct boundaries *b;
	int err = l->err;

	if (err)
		return err;
	b = boundaries__new(l->rules);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < l->n && !err; i++)
		err = boundaries__feed_addrs(b, l->stacks[i].ips, l->stacks[i].n, l->stacks[i].count,
					     l->stacks[i].ctx, layers_symbol, (void *)l->ctx->ksyms);
	if (!err) {
		res->layers = boundaries__finish(b);
		if (!res->layers)
			err = -ENOMEM;
		else
			res->layers->stacks_cut = l->cut;
	}
	boundaries__free(b);
	/* the function-level map only when the trace followed packets through functions */
	if (!err && l->n_paths) {
		res->layers_funcs = boundaries__finish(l->fb);
		if (!res->layers_funcs)
			err = -ENOMEM;
		else
			res->layers_funcs->stacks_cut = l->paths_cut;
	}
	return err;
}

static void layers_free(void *state)
{
	struct layers_an *l = state;

	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->stacks[i].ips);
	free(l->stacks);
	u64map_free(&l->idx);
	boundaries__free(l->fb);
	free(l->paths);
	u64map_free(&l->path_idx);
	layer_rules__free(l->rules);
	free(l);
}

static void layers_free_part(struct report_result *res)
{
	bnd_result__free(res->layers);
	res->layers = NULL;
	bnd_result__free(res->layers_funcs);
	res->layers_funcs = NULL;
}

const struct analysis_ops layers_analysis = {
	.name = "layers",
	.parts = RR_PART_LAYERS,
	.init = layers_init,
	.feed = layers_feed,
	.finish = layers_finish,
	.free = layers_free,
	.free_part = layers_free_part,
};
