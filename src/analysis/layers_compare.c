// SPDX-License-Identifier: GPL-2.0
/*
 * Do the stack-based and the function-level layer maps find the same
 * boundaries?  (bnd_compare(), boundaries.h)
 *
 * Compared at the level of the boundary, not the pair: the two maps see
 * different functions at the same hand-off.  A stack loses the frames of
 * tail calls (ip_rcv -> ip_rcv_finish -> ip_local_deliver end in tail
 * calls when no netfilter hook is set, so the stack goes from
 * __netif_receive_skb_one_core to ip_local_deliver_finish), while a
 * function-level path has every traced function's entry; both find the
 * device -> ip boundary on receive.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include "analysis/boundaries.h"

/* the layers an skb is handed through: L4 (level 4) down to the device (8) */
static bool packet_layer(enum ns_layer l)
{
	int level = ns_layer_level(l);

	return level >= 4 && level <= 8;
}

static bool compared(const struct bnd_gap *g, enum ns_dir dir)
{
	return g->adjacent && dir != NS_DIR_NONE && packet_layer(g->upper) && packet_layer(g->lower);
}

/* the commonest pair of the gap in direction dir, and the count of that direction */
static const struct bnd_pair *commonest(const struct bnd_gap *g, enum ns_dir dir)
{
	const struct bnd_pair *best = NULL;

	for (size_t i = 0; i < g->n_pairs; i++)
		if (g->pairs[i].dir == dir && (!best || g->pairs[i].count > best->count))
			best = &g->pairs[i];
	return best;
}

static struct bnd_agreement_row *row_for(struct bnd_agreement *a, const struct bnd_gap *g,
					 enum ns_dir dir)
{
	for (size_t i = 0; i < a->n_rows; i++)
		if (a->rows[i].upper == g->upper && a->rows[i].lower == g->lower && a->rows[i].dir == dir)
			return &a->rows[i];
	/* at most one row per gap and direction: sized by the caller */
	a->rows[a->n_rows] = (struct bnd_agreement_row){ .upper = g->upper, .lower = g->lower,
							 .dir = dir };
	return &a->rows[a->n_rows++];
}

static void add_map(struct bnd_agreement *a, const struct bnd_result *m, bool funcs)
{
	for (size_t i = 0; m && i < m->n_gaps; i++) {
		const struct bnd_gap *g = &m->gaps[i];

		for (enum ns_dir d = NS_DIR_RX; d <= NS_DIR_TX; d++) {
			struct bnd_agreement_row *r;

			if (!g->count[d] || !compared(g, d))
				continue;
			r = row_for(a, g, d);
			if (funcs) {
				r->packets = g->count[d];
				r->func_pair = commonest(g, d);
			} else {
				r->stacks = g->count[d];
				r->stack_pair = commonest(g, d);
			}
		}
	}
}

static int cmp_row(const void *x, const void *y)
{
	const struct bnd_agreement_row *a = x, *b = y;

	if (a->lower != b->lower)
		return (int)a->lower - (int)b->lower;
	if (a->upper != b->upper)
		return (int)a->upper - (int)b->upper;
	return (int)a->dir - (int)b->dir;
}

int bnd_compare(const struct bnd_result *stacks, const struct bnd_result *funcs,
		struct bnd_agreement *out)
{
	size_t cap = 2 * ((stacks ? stacks->n_gaps : 0) + (funcs ? funcs->n_gaps : 0)) + 1;

	*out = (struct bnd_agreement){ 0 };
	out->rows = calloc(cap, sizeof(*out->rows));
	if (!out->rows)
		return -ENOMEM;
	add_map(out, stacks, false);
	add_map(out, funcs, true);
	qsort(out->rows, out->n_rows, sizeof(*out->rows), cmp_row);
	for (size_t i = 0; i < out->n_rows; i++) {
		const struct bnd_agreement_row *r = &out->rows[i];

		if (r->stacks && r->packets)
			out->both++;
		else if (r->stacks)
			out->only_stacks++;
		else
			out->only_funcs++;
	}
	out->agree = out->n_rows && !out->only_stacks && !out->only_funcs;
	return 0;
}

void bnd_agreement__free(struct bnd_agreement *a)
{
	free(a->rows);
	*a = (struct bnd_agreement){ 0 };
}
