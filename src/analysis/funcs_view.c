// SPDX-License-Identifier: GPL-2.0
/*
 * The funcs view (result_funcs.h): per kernel function, its calls, the
 * packets that passed it and, where returns were recorded (fexit), the
 * time from entry to return.  A return is matched to the innermost open
 * entry of the same function on its thread: each thread keeps a small
 * stack of open entries (functions nest; a function the thread left
 * without a recorded return is popped when an outer one returns).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"
#include "common/strmap.h"

#define FUNCS_ROWS_MAX 65536
#define FUNCS_TIDS 4096		/* threads followed at once (direct-mapped) */
#define FUNCS_DEPTH 32		/* open entries kept per thread */

struct open_call {
	uint32_t row;
	uint64_t ts;
};

struct tid_stack {
	uint32_t tid;
	uint32_t n;
	struct open_call c[FUNCS_DEPTH];
};

struct funcs_an {
	const struct report_ctx *ctx;
	struct ns_strmap idx;	/* name -> row */
	struct func_row *rows;
	size_t n_rows, cap_rows;
	struct tid_stack *tids;
	struct funcs_result r;
	int err;
};

static int funcs_init(void **state, const struct report_ctx *ctx)
{
	struct funcs_an *f = calloc(1, sizeof(*f));

	if (!f || !(f->tids = calloc(FUNCS_TIDS, sizeof(*f->tids)))) {
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

static struct tid_stack *stack_of(struct funcs_an *f, uint32_t tid)
{
	struct tid_stack *t = &f->tids[tid % FUNCS_TIDS];

	if (t->tid != tid) {
		/* another thread had the slot: its open entries are dropped */
		t->tid = tid;
		t->n = 0;
	}
	return t;
}

static void funcs_feed(void *state, const struct ns_event *ev)
{
	struct funcs_an *f = state;
	struct func_row *row;
	struct tid_stack *t;
	uint32_t idx;

	if (!ns_event_is_func(ev->type))
		return;
	row = row_of(f, ev->location, &idx);
	if (!row) {
		f->r.rows_overflow++;
		return;
	}
	/* softirq work runs on whatever thread it interrupted: key it by CPU */
	t = stack_of(f, ev->ctx == NS_CTX_TASK ? ev->tid : 0x80000000u | ev->cpu);
	if (ev->type == NS_EV_FUNC_ENTRY) {
		f->r.entries++;
		row->calls++;
		if (ev->packet_id)
			row->packets++;
		if (t->n == FUNCS_DEPTH)
			memmove(t->c, t->c + 1, (FUNCS_DEPTH - 1) * sizeof(t->c[0]));
		else
			t->n++;
		t->c[t->n - 1] = (struct open_call){ .row = idx, .ts = ev->ts_ns };
		return;
	}
	f->r.exits++;
	row->returns++;
	for (uint32_t i = t->n; i-- > 0;) {
		if (t->c[i].row != idx)
			continue;
		uint64_t d = ev->ts_ns > t->c[i].ts ? ev->ts_ns - t->c[i].ts : 0;

		row->timed++;
		row->total_ns += d;
		if (d > row->max_ns)
			row->max_ns = d;
		t->n = i;
		return;
	}
	f->r.unmatched_exits++;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct func_row *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int funcs_finish(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct funcs_an *f = state;
	const char *m = f->ctx && f->ctx->meta ? ns_meta_get(f->ctx->meta, "capture.funcs") : NULL;

	if (f->err)
		return f->err;
	res->funcs = f->r;
	snprintf(res->funcs.method, sizeof(res->funcs.method), "%s", m ? m : "");
	if (f->n_rows)
		qsort(f->rows, f->n_rows, sizeof(*f->rows), cmp_rows);
	res->funcs.rows = f->rows;
	res->funcs.n_rows = f->n_rows;
	f->rows = NULL;
	f->n_rows = 0;
	return 0;
}

static void funcs_free_state(void *state)
{
	struct funcs_an *f = state;

	if (!f)
		return;
	ns_strmap_free(&f->idx);
	free(f->rows);
	free(f->tids);
	free(f);
}

static void funcs_free_part(struct report_result *res)
{
	free(res->funcs.rows);
	res->funcs.rows = NULL;
	res->funcs.n_rows = 0;
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
