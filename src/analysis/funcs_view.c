// SPDX-License-Identifier: GPL-2.0
/*
 * The funcs view (result_funcs.h): per kernel function, its calls, the
 * packets that passed it and, where returns were recorded (fexit, ftrace's
 * function_graph), the time from entry to return, in all and per CPU (the
 * function profile of ftrace's trace_stat: hits, time, average, s^2), and
 * the calls nested into a call graph.  Entries and returns are paired by
 * analysis/fgraph.c: by depth for function_graph's records, by function
 * for the BPF backends', on a stack per thread (per CPU in irq context).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/fgraph.h"
#include "analysis/internal.h"
#include "common/strmap.h"

#define FUNCS_ROWS_MAX 65536
#define FUNCS_CPU_ROWS_MAX (1u << 20)

struct funcs_an {
	const struct report_ctx *ctx;
	struct ns_strmap idx;	/* name -> row */
	struct func_row *rows;
	size_t n_rows, cap_rows;
	struct u64map cpu_idx;	/* row << 16 | cpu -> cpu row */
	struct func_cpu_row *cpu_rows;
	size_t n_cpu_rows, cap_cpu_rows;
	struct fgraph graph;
	struct funcs_result r;
	int err;
};

static int funcs_init(void **state, const struct report_ctx *ctx)
{
	struct funcs_an *f = calloc(1, sizeof(*f));

	if (!f || fgraph_init(&f->graph)) {
		free(f);
		return -ENOMEM;
	}
	f->ctx = ctx;
	*state = f;
	return 0;
}

static struct func_row *row_of(struct funcs_an *f, uint64_t location, uint32_t *idx)
{
	const struct ksym *sym = f->ctx && f->ctx->ksyms ? ksyms__map_addr(f->ctx->ksyms, location) : NULL;
	char buf[32];
	const char *name = sym ? sym->name : buf;

	if (!sym)
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)location);
	if (ns_strmap_get(&f->idx, name, idx))
		return &f->rows[*idx];
	if (f->n_rows >= FUNCS_ROWS_MAX)
		return NULL;
	if (f->n_rows == f->cap_rows) {
		size_t cap = f->cap_rows ? 2 * f->cap_rows : 64;
		struct func_row *r = realloc(f->rows, cap * sizeof(*r));

		if (!r) {
			f->err = -ENOMEM;
			return NULL;
		}
		f->rows = r;
		f->cap_rows = cap;
	}
	*idx = f->n_rows;
	if (!ns_strmap_put(&f->idx, name, *idx)) {
		f->err = -ENOMEM;
		return NULL;
	}
	memset(&f->rows[*idx], 0, sizeof(f->rows[*idx]));
	snprintf(f->rows[*idx].name, sizeof(f->rows[*idx].name), "%s", name);
	f->n_rows++;
	return &f->rows[*idx];
}

static struct func_cpu_row *cpu_row_of(struct funcs_an *f, uint32_t row, uint16_t cpu)
{
	uint64_t k = (uint64_t)row << 16 | cpu;
	uint32_t i;

	if (u64map_get(&f->cpu_idx, k, &i))
		return &f->cpu_rows[i];
	if (f->n_cpu_rows >= FUNCS_CPU_ROWS_MAX)
		return NULL;
	if (f->n_cpu_rows == f->cap_cpu_rows) {
		size_t cap = f->cap_cpu_rows ? 2 * f->cap_cpu_rows : 64;
		struct func_cpu_row *p = realloc(f->cpu_rows, cap * sizeof(*p));

		if (!p) {
			f->err = -ENOMEM;
			return NULL;
		}
		f->cpu_rows = p;
		f->cap_cpu_rows = cap;
	}
	i = f->n_cpu_rows;
	if (u64map_put(&f->cpu_idx, k, i)) {
		f->err = -ENOMEM;
		return NULL;
	}
	f->cpu_rows[i] = (struct func_cpu_row){ .row = row, .cpu = cpu };
	f->n_cpu_rows++;
	return &f->cpu_rows[i];
}

static void funcs_feed(void *state, const struct ns_event *ev)
{
	struct funcs_an *f = state;
	struct func_cpu_row *c;
	struct func_row *row;
	uint32_t idx, key;
	int32_t depth;
	uint64_t d;

	if (!ns_event_is_func(ev->type))
		return;
	row = row_of(f, ev->location, &idx);
	if (!row) {
		f->r.rows_overflow++;
		return;
	}
	if (ev->flags & NS_F_FTRACE) {
		f->r.ftrace = true;
		f->r.calls_only |= ev->flags & NS_F_FTRACE_CALLS_ONLY;
	}
	c = cpu_row_of(f, idx, ev->cpu);
	/* softirq work runs on whatever thread it interrupted: key it by CPU */
	key = ev->ctx == NS_CTX_TASK ? ev->tid : 0x80000000u | ev->cpu;
	depth = ev->flags & NS_F_FTRACE ? (int32_t)(ev->reason & 0x7fffffff) : FGRAPH_NO_DEPTH;
	if (ev->type == NS_EV_FUNC_ENTRY) {
		f->r.entries++;
		row->calls++;
		if (c)
			c->hits++;
		if (ev->packet_id)
			row->packets++;
		/* the function tracer records calls only: nothing to nest or time */
		if (!(ev->flags & NS_F_FTRACE_CALLS_ONLY))
			fgraph_entry(&f->graph, key, idx, depth, ev->ts_ns);
		return;
	}
	f->r.exits++;
	row->returns++;
	if ((ev->flags & NS_F_FTRACE) && ev->len > f->r.overrun)
		f->r.overrun = ev->len;
	if (!fgraph_return(&f->graph, key, idx, depth, ev->ts_ns, &d))
		return;
	row->timed++;
	row->total_ns += d;
	row->sumsq_ns2 += (double)d * d;
	if (d > row->max_ns)
		row->max_ns = d;
	if (c) {
		c->timed++;
		c->total_ns += d;
		c->sumsq_ns2 += (double)d * d;
	}
}

static int cmp_rows(const void *a, const void *b)
{
	const struct func_row *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int cmp_cpu_rows(const void *a, const void *b)
{
	const struct func_cpu_row *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* the call graph in preorder, its functions as rows (after the rows' sort: new_of) */
static int graph_result(struct funcs_an *f, const uint32_t *new_of)
{
	unsigned int *depths;
	uint32_t *order;
	size_t n;

	if (fgraph_preorder(&f->graph, &order, &depths, &n))
		return -ENOMEM;
	f->r.graph = calloc(n ? n : 1, sizeof(*f->r.graph));
	if (!f->r.graph) {
		free(order);
		free(depths);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct fgraph_node *nd = &f->graph.nodes[order[i]];

		f->r.graph[i] = (struct func_graph_node){ .row = new_of[nd->func], .depth = depths[i],
							  .calls = nd->calls, .timed = nd->timed,
							  .total_ns = nd->total_ns };
	}
	f->r.n_graph = n;
	free(order);
	free(depths);
	return 0;
}

static int funcs_finish(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct funcs_an *f = state;
	const char *m = f->ctx && f->ctx->meta ? ns_meta_get(f->ctx->meta, "capture.funcs") : NULL;
	struct func_row *sorted;
	uint32_t *new_of;
	int err;

	if (f->err || f->graph.err)
		return f->err ? f->err : f->graph.err;
	fgraph_end(&f->graph);
	/* sort the rows, and follow them from the per-CPU rows and the graph */
	sorted = malloc((f->n_rows ? f->n_rows : 1) * sizeof(*sorted));
	new_of = malloc((f->n_rows ? f->n_rows : 1) * sizeof(*new_of));
	if (!sorted || !new_of) {
		free(sorted);
		free(new_of);
		return -ENOMEM;
	}
	if (f->n_rows) {
		memcpy(sorted, f->rows, f->n_rows * sizeof(*sorted));
		qsort(sorted, f->n_rows, sizeof(*sorted), cmp_rows);
	}
	for (size_t i = 0; i < f->n_rows; i++) {
		uint32_t old = 0;

		ns_strmap_get(&f->idx, sorted[i].name, &old);
		new_of[old] = i;
	}
	for (size_t i = 0; i < f->n_cpu_rows; i++)
		f->cpu_rows[i].row = new_of[f->cpu_rows[i].row];
	if (f->n_cpu_rows)
		qsort(f->cpu_rows, f->n_cpu_rows, sizeof(*f->cpu_rows), cmp_cpu_rows);
	err = graph_result(f, new_of);
	free(new_of);
	free(f->rows);
	f->rows = sorted;
	if (err)
		return err;
	f->r.unmatched_exits = f->graph.unmatched_returns;
	f->r.abandoned = f->graph.abandoned;
	f->r.graph_cut = f->graph.nodes_cut + f->graph.depth_cut;
	res->funcs = f->r;
	snprintf(res->funcs.method, sizeof(res->funcs.method), "%s", m ? m : "");
	res->funcs.rows = f->rows;
	res->funcs.n_rows = f->n_rows;
	res->funcs.cpu_rows = f->cpu_rows;
	res->funcs.n_cpu_rows = f->n_cpu_rows;
	f->rows = NULL;
	f->n_rows = 0;
	f->cpu_rows = NULL;
	f->n_cpu_rows = 0;
	f->r.graph = NULL;
	return 0;
}

static void funcs_free_state(void *state)
{
	struct funcs_an *f = state;

	if (!f)
		return;
	ns_strmap_free(&f->idx);
	u64map_free(&f->cpu_idx);
	fgraph_free(&f->graph);
	free(f->rows);
	free(f->cpu_rows);
	free(f->r.graph);
	free(f);
}

static void funcs_free_part(struct report_result *res)
{
	free(res->funcs.rows);
	free(res->funcs.cpu_rows);
	free(res->funcs.graph);
	res->funcs.rows = NULL;
	res->funcs.n_rows = 0;
	res->funcs.cpu_rows = NULL;
	res->funcs.n_cpu_rows = 0;
	res->funcs.graph = NULL;
	res->funcs.n_graph = 0;
}

const struct analysis_ops funcs_analysis = {
	.name = "funcs",
	.parts = RR_PART_FUNCS,
	.init = funcs_init,
	.feed = funcs_feed,
	.finish = funcs_finish,
	.free = funcs_free_state,
	.free_part = funcs_free_part,
};
