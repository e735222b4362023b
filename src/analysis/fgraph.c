// SPDX-License-Identifier: GPL-2.0
/* Calls nested from entry and return records (fgraph.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/fgraph.h"

int fgraph_init(struct fgraph *g)
{
	memset(g, 0, sizeof(*g));
	g->first_root = FGRAPH_NIL;
	g->stacks = calloc(FGRAPH_KEYS, sizeof(*g->stacks));
	return g->stacks ? 0 : -ENOMEM;
}

static struct fgraph_stack *stack_of(struct fgraph *g, uint32_t key)
{
	struct fgraph_stack *s = &g->stacks[key % FGRAPH_KEYS];

	if (!s->used || s->key != key) {
		/* another stack had the slot: its open entries are given up */
		if (s->used && s->n) {
			g->key_reuse++;
			g->abandoned += s->n;
		}
		s->used = true;
		s->key = key;
		s->n = 0;
	}
	return s;
}

/* the node for func under parent (FGRAPH_NIL: a root), made when missing */
static uint32_t node_of(struct fgraph *g, uint32_t parent, uint32_t func)
{
	uint64_t k = ((uint64_t)(parent + 1u) << 32) | func; /* parent NIL wraps to 0 */
	struct fgraph_node *n;
	uint32_t i;

	if (u64map_get(&g->child, k, &i))
		return i;
	if (g->n_nodes >= FGRAPH_NODES_MAX || g->err) {
		g->nodes_cut++;
		return FGRAPH_NIL;
	}
	if (g->n_nodes == g->cap_nodes) {
		size_t cap = g->cap_nodes ? 2 * g->cap_nodes : 256;
		struct fgraph_node *p = realloc(g->nodes, cap * sizeof(*p));

		if (!p) {
			g->err = -ENOMEM;
			return FGRAPH_NIL;
		}
		g->nodes = p;
		g->cap_nodes = cap;
	}
	i = g->n_nodes;
	if (u64map_put(&g->child, k, i)) {
		g->err = -ENOMEM;
		return FGRAPH_NIL;
	}
	n = &g->nodes[i];
	*n = (struct fgraph_node){ .func = func, .parent = parent, .first_child = FGRAPH_NIL };
	if (parent == FGRAPH_NIL) {
		n->next_sibling = g->first_root;
		g->first_root = i;
	} else {
		n->next_sibling = g->nodes[parent].first_child;
		g->nodes[parent].first_child = i;
	}
	g->n_nodes++;
	return i;
}

void fgraph_entry(struct fgraph *g, uint32_t key, uint32_t func, int32_t depth, uint64_t ts)
{
	struct fgraph_stack *s = stack_of(g, key);
	uint32_t parent;

	/* an entry at depth d: what was open at d or deeper returned unseen */
	if (depth >= 0)
		while (s->n && s->f[s->n - 1].depth >= depth) {
			s->n--;
			g->abandoned++;
		}
	if (s->n == FGRAPH_DEPTH) {
		memmove(s->f, s->f + 1, (FGRAPH_DEPTH - 1) * sizeof(s->f[0]));
		s->n--;
		g->depth_cut++;
	}
	/* a caller whose node the full tree could not keep: so is this one */
	parent = s->n ? s->f[s->n - 1].node : FGRAPH_NIL;
	uint32_t node = s->n && parent == FGRAPH_NIL ? FGRAPH_NIL : node_of(g, parent, func);

	if (s->n && parent == FGRAPH_NIL)
		g->nodes_cut++;
	if (node != FGRAPH_NIL)
		g->nodes[node].calls++;
	s->f[s->n++] = (struct fgraph_frame){ .func = func, .depth = depth, .node = node, .ts = ts };
}

bool fgraph_return(struct fgraph *g, uint32_t key, uint32_t func, int32_t depth, uint64_t ts,
		   uint64_t *dur_ns)
{
	struct fgraph_stack *s = stack_of(g, key);
	struct fgraph_frame *f;
	uint32_t i;

	*dur_ns = 0;
	if (depth >= 0) {
		/* deeper entries returned unseen; the entry must sit at depth */
		while (s->n && s->f[s->n - 1].depth > depth) {
			s->n--;
			g->abandoned++;
		}
		if (!s->n || s->f[s->n - 1].depth != depth || s->f[s->n - 1].func != func) {
			g->unmatched_returns++;
			return false;
		}
		i = s->n - 1;
	} else {
		for (i = s->n; i-- > 0;)
			if (s->f[i].func == func)
				break;
		if (i == UINT32_MAX) {
			g->unmatched_returns++;
			return false;
		}
		g->abandoned += s->n - 1 - i;
	}
	f = &s->f[i];
	*dur_ns = ts > f->ts ? ts - f->ts : 0;
	if (f->node != FGRAPH_NIL) {
		g->nodes[f->node].timed++;
		g->nodes[f->node].total_ns += *dur_ns;
	}
	s->n = i;
	return true;
}

void fgraph_end(struct fgraph *g)
{
	for (size_t k = 0; k < FGRAPH_KEYS; k++) {
		g->abandoned += g->stacks[k].n;
		g->stacks[k].n = 0;
	}
}

static int cmp_calls(const void *a, const void *b, void *arg)
{
	const struct fgraph_node *nodes = arg;
	const struct fgraph_node *x = &nodes[*(const uint32_t *)a], *y = &nodes[*(const uint32_t *)b];

	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return x->func < y->func ? -1 : x->func > y->func;
}

/* the siblings from first, sorted by calls, into out[*n...] with their subtrees */
static int walk(const struct fgraph *g, uint32_t first, unsigned int depth, uint32_t *order,
		unsigned int *depths, size_t *n)
{
	size_t k = 0, start;
	uint32_t *sib;

	for (uint32_t i = first; i != FGRAPH_NIL; i = g->nodes[i].next_sibling)
		k++;
	if (!k)
		return 0;
	sib = malloc(k * sizeof(*sib));
	if (!sib)
		return -ENOMEM;
	start = 0;
	for (uint32_t i = first; i != FGRAPH_NIL; i = g->nodes[i].next_sibling)
		sib[start++] = i;
	qsort_r(sib, k, sizeof(*sib), cmp_calls, g->nodes);
	for (size_t j = 0; j < k; j++) {
		order[*n] = sib[j];
		depths[(*n)++] = depth;
		if (walk(g, g->nodes[sib[j]].first_child, depth + 1, order, depths, n)) {
			free(sib);
			return -ENOMEM;
		}
	}
	free(sib);
	return 0;
}

int fgraph_preorder(const struct fgraph *g, uint32_t **order, unsigned int **depths, size_t *n)
{
	*n = 0;
	*order = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof(**order));
	*depths = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof(**depths));
	if (!*order || !*depths || walk(g, g->first_root, 0, *order, *depths, n)) {
		free(*order);
		free(*depths);
		*order = NULL;
		*depths = NULL;
		*n = 0;
		return -ENOMEM;
	}
	return 0;
}

void fgraph_free(struct fgraph *g)
{
	free(g->stacks);
	free(g->nodes);
	u64map_free(&g->child);
	memset(g, 0, sizeof(*g));
}
