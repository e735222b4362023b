// SPDX-License-Identifier: GPL-2.0
/*
 * Call paths: the kernel stacks events carried, merged into one call tree
 * per event type (outermost frame at the root), and the functions that hit
 * each tracepoint (the innermost frame once the tracing machinery is cut).
 *
 * Stacks are sampled by the capture's stack policy, so counts here are
 * stacks, not events: they show which paths exist and their mix, which is
 * what the tree is for.  A stack id is resolved once, when first seen,
 * because a live stack map may reuse the id later.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"

static uint64_t path_key(uint32_t type, int32_t id)
{
	return an_hash64(((uint64_t)type << 32) | (uint32_t)id);
}

void callpaths_feed(struct callpaths_an *c, const struct report_ctx *ctx, const struct ns_event *ev)
{
	uint64_t ips[NS_STACK_DEPTH];
	struct callpath *p;
	uint64_t key;
	uint32_t idx;
	size_t n, skip;

	if (!ctx->stack)
		return;
	c->with_stack++;
	key = path_key(ev->type, ev->stack_id);
	if (u64map_get(&c->idx, key, &idx)) {
		c->paths[idx].count++;
		return;
	}
	if (c->n >= CALLPATHS_MAX) {
		c->overflow++;
		return;
	}
	n = ctx->stack(ctx->stack_arg, ev->stack_id, ips, NS_STACK_DEPTH);
	if (!n) {
		c->unknown++;
		return;
	}
	skip = ctx->ksyms ? ksyms__tracing_frames(ctx->ksyms, ips, n) : 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		void *m = realloc(c->paths, cap * sizeof(*c->paths));

		if (!m)
			return;
		c->paths = m;
		c->cap = cap;
	}
	p = &c->paths[c->n];
	p->type = ev->type;
	p->n = n - skip;
	p->count = 1;
	p->ips = malloc((p->n ? p->n : 1) * sizeof(*p->ips));
	if (!p->ips || u64map_put(&c->idx, key, c->n)) {
		free(p->ips);
		return;
	}
	memcpy(p->ips, ips + skip, p->n * sizeof(*p->ips));
	c->n++;
}

/* ---- building one tree ---- */

struct tnode {
	char *function;
	uint64_t count;
	uint32_t first_child, next_sibling;
};

struct tree {
	struct tnode *nodes;
	size_t n, cap;
	uint64_t cut;
};

#define NIL UINT32_MAX

static char *frame_name(const struct report_ctx *ctx, uint64_t ip)
{
	const struct ksym *s = ctx->ksyms ? ksyms__map_addr(ctx->ksyms, ip) : NULL;
	char buf[32];

	if (s && s->name)
		return strdup(s->name);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, ip);
	return strdup(buf);
}

/* the child of parent (NIL: the roots, chained from node 0's siblings) named name */
static uint32_t child(struct tree *t, uint32_t parent, const char *name, int *err)
{
	/* by index, not pointer: the realloc below may move t->nodes */
	uint32_t i = parent == NIL ? (t->n ? 0 : NIL) : t->nodes[parent].first_child;
	uint32_t last = NIL;

	for (; i != NIL; last = i, i = t->nodes[i].next_sibling)
		if (!strcmp(t->nodes[i].function, name))
			return i;
	if (t->n >= CALLTREE_NODES_MAX)
		return NIL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		void *m = realloc(t->nodes, cap * sizeof(*t->nodes));

		if (!m) {
			*err = -ENOMEM;
			return NIL;
		}
		t->nodes = m;
		t->cap = cap;
	}
	i = t->n;
	t->nodes[i] = (struct tnode){ .function = strdup(name), .first_child = NIL, .next_sibling = NIL };
	if (!t->nodes[i].function) {
		*err = -ENOMEM;
		return NIL;
	}
	t->n++;
	if (last != NIL)
		t->nodes[last].next_sibling = i;
	else if (parent != NIL)
		t->nodes[parent].first_child = i;
	return i;
}

static int tree_add(struct tree *t, const struct report_ctx *ctx, const struct callpath *p)
{
	uint32_t at = NIL;
	int err = 0;

	/* outermost frame first: ips are innermost first */
	for (size_t k = p->n; k-- > 0;) {
		char *name = frame_name(ctx, p->ips[k]);
		uint32_t c;

		if (!name)
			return -ENOMEM;
		c = child(t, at, name, &err);
		free(name);
		if (err)
			return err;
		if (c == NIL) {
			t->cut += p->count;
			return 0;
		}
		t->nodes[c].count += p->count;
		at = c;
	}
	return 0;
}

static int cmp_count_desc(const void *a, const void *b, void *arg)
{
	const struct tnode *nodes = arg;
	uint64_t x = nodes[*(const uint32_t *)a].count, y = nodes[*(const uint32_t *)b].count;

	if (x != y)
		return x > y ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* preorder, children by count (then first seen); moves the names into out */
static void flatten(struct tree *t, uint32_t first, unsigned int depth, struct rr_calltree *out)
{
	uint32_t kids[256];
	size_t n = 0;

	for (uint32_t i = first; i != NIL && n < 256; i = t->nodes[i].next_sibling)
		kids[n++] = i;
	qsort_r(kids, n, sizeof(*kids), cmp_count_desc, t->nodes);
	for (size_t k = 0; k < n; k++) {
		struct tnode *tn = &t->nodes[kids[k]];
		struct rr_cnode *cn = &out->nodes[out->n_nodes++];
		unsigned int c = 0;

		for (uint32_t i = tn->first_child; i != NIL; i = t->nodes[i].next_sibling)
			c++;
		*cn = (struct rr_cnode){ .function = tn->function, .depth = depth, .children = c,
					 .count = tn->count };
		tn->function = NULL;
		flatten(t, tn->first_child, depth + 1, out);
	}
}

static int add_site(struct rr_calltree *ct, const char *name, uint64_t count)
{
	void *m;

	for (size_t i = 0; i < ct->n_sites; i++)
		if (!strcmp(ct->sites[i].function, name)) {
			ct->sites[i].count += count;
			return 0;
		}
	m = realloc(ct->sites, (ct->n_sites + 1) * sizeof(*ct->sites));
	if (!m)
		return -ENOMEM;
	ct->sites = m;
	ct->sites[ct->n_sites] = (struct rr_site){ .function = strdup(name), .count = count };
	if (!ct->sites[ct->n_sites].function)
		return -ENOMEM;
	ct->n_sites++;
	return 0;
}

static int build_tree(struct callpaths_an *c, const struct report_ctx *ctx, unsigned int type,
		      struct rr_calltree *ct)
{
	struct tree t = { 0 };
	int err = 0;

	ct->type = type;
	for (size_t i = 0; i < c->n && !err; i++) {
		const struct callpath *p = &c->paths[i];

		if (p->type != type)
			continue;
		ct->stacks += p->count;
		err = tree_add(&t, ctx, p);
		if (!err && p->n) {
			char *name = frame_name(ctx, p->ips[0]);

			err = name ? add_site(ct, name, p->count) : -ENOMEM;
			free(name);
		}
	}
	if (!err && t.n) {
		ct->nodes = calloc(t.n, sizeof(*ct->nodes));
		if (!ct->nodes)
			err = -ENOMEM;
		else
			flatten(&t, 0, 0, ct);
	}
	if (!err)
		err = an_sort_rows(ct->sites, ct->n_sites, sizeof(*ct->sites),
				   offsetof(struct rr_site, count));
	ct->nodes_cut = t.cut;
	for (size_t i = 0; i < t.n; i++)
		free(t.nodes[i].function);
	free(t.nodes);
	return err;
}

int callpaths_finish(struct callpaths_an *c, const struct report_ctx *ctx, struct report_result *res)
{
	struct rr_callpaths *cp = &res->callpaths;
	bool seen[RR_NTYPES] = { false };
	int err = 0;

	cp->with_stack = c->with_stack;
	cp->unknown_stack = c->unknown;
	cp->paths_overflow = c->overflow;
	for (size_t i = 0; i < c->n; i++)
		if (c->paths[i].type < RR_NTYPES)
			seen[c->paths[i].type] = true;
	for (unsigned int type = 0; type < RR_NTYPES && !err; type++) {
		if (!seen[type])
			continue;
		void *m = realloc(cp->trees, (cp->n_trees + 1) * sizeof(*cp->trees));

		if (!m)
			return -ENOMEM;
		cp->trees = m;
		memset(&cp->trees[cp->n_trees], 0, sizeof(*cp->trees));
		err = build_tree(c, ctx, type, &cp->trees[cp->n_trees]);
		cp->n_trees++;
	}
	if (!err)
		err = an_sort_rows(cp->trees, cp->n_trees, sizeof(*cp->trees),
				   offsetof(struct rr_calltree, stacks));
	return err;
}

void callpaths_free(struct callpaths_an *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->paths[i].ips);
	free(c->paths);
	u64map_free(&c->idx);
	memset(c, 0, sizeof(*c));
}

static void calltree_free(struct rr_calltree *t)
{
	for (size_t k = 0; k < t->n_nodes; k++) {
		free(t->nodes[k].function);
		free(t->nodes[k].where);
		free(t->nodes[k].summary);
	}
	free(t->nodes);
	for (size_t k = 0; k < t->n_sites; k++) {
		free(t->sites[k].function);
		free(t->sites[k].where);
		free(t->sites[k].summary);
	}
	free(t->sites);
}

void callpaths_result_free(struct rr_callpaths *cp)
{
	for (size_t i = 0; i < cp->n_trees; i++)
		calltree_free(&cp->trees[i]);
	free(cp->trees);
	for (size_t i = 0; i < cp->n_unstacked; i++)
		calltree_free(&cp->unstacked[i]);
	free(cp->unstacked);
	free(cp->explain_source);
	free(cp->explain_note);
}

/* struct analysis_ops: the call paths as one analysis of the report */
static int callpaths_init(void **state, const struct report_ctx *ctx)
{
	struct callpaths_an *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->ctx = ctx;
	*state = c;
	return 0;
}

static void callpaths_feed_one(void *state, const struct ns_event *ev)
{
	struct callpaths_an *c = state;

	if (ev->stack_id >= 0)
		callpaths_feed(c, c->ctx, ev);
}

static int callpaths_finish_one(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct callpaths_an *c = state;

	return callpaths_finish(c, c->ctx, res);
}

static void callpaths_free_one(void *state)
{
	if (state)
		callpaths_free(state);
	free(state);
}

static void callpaths_free_part(struct report_result *res)
{
	callpaths_result_free(&res->callpaths);
}

const struct analysis_ops callpaths_analysis = {
	.name = "callpaths",
	.parts = RR_PART_CALLPATHS,
	.init = callpaths_init,
	.feed = callpaths_feed_one,
	.finish = callpaths_finish_one,
	.free = callpaths_free_one,
	.free_part = callpaths_free_part,
	.explain = callpaths_explain,
};
