// SPDX-License-Identifier: GPL-2.0
/*
 * Layer boundaries from stacks (boundaries.h).
 *
 * The direction of a boundary: walk from its callee outwards (towards the
 * stack's root) and take the first direction marker (data/directions.rules)
 * met; the callee itself counts.  The marker nearest the boundary wins
 * because the stack's work nests: tcp_v4_rcv (RX) calls tcp_v4_send_reset
 * (TX), whose hand-off to ip_send_unicast_reply is transmit work done
 * inside a receive; ip_finish_output2 (TX) on loopback or veth ends in
 * __local_bh_enable_ip -> do_softirq -> net_rx_action (RX), whose hand-off
 * to the device layer is a receive inside a transmit.  Markers inside the
 * callee's own subtree say what happens after the hand-off, not what the
 * hand-off is, so they are not looked at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/boundaries.h"
#include "common/strmap.h"

/* deeper stacks keep their innermost frames: the layers a packet is in */
#define BND_DEPTH_MAX 512

const char *bnd_ctx_name(enum bnd_ctx c)
{
	static const char *const names[BND_CTX__N] = { "task", "softirq", "hardirq" };

	return (unsigned)c < BND_CTX__N ? names[c] : "?";
}

struct pair_acc {
	const char *caller, *callee;	/* interned in names */
	unsigned char caller_layer, callee_layer, dir;
	uint64_t count, ctx[BND_CTX__N];
};

struct boundaries {
	struct layer_rules *rules;
	struct ns_strmap names;		/* interned function names */
	struct ns_strmap pair_idx;	/* "caller\ncallee\nD" -> pairs[] */
	struct pair_acc *pairs;
	size_t n_pairs, cap_pairs;
	struct ns_strmap unknown_idx;	/* function -> unknown_frames[] */
	uint64_t *unknown_frames;
	size_t n_unknown, cap_unknown;
	uint64_t stacks, stacks_empty, frames[NS_LAYER__N];
	int from_paths;			/* fed by boundaries__step() */
};

struct boundaries *boundaries__new(struct layer_rules *rules)
{
	struct boundaries *b = calloc(1, sizeof(*b));

	if (b)
		b->rules = rules;
	return b;
}

void boundaries__free(struct boundaries *b)
{
	if (!b)
		return;
	ns_strmap_free(&b->names);
	ns_strmap_free(&b->pair_idx);
	ns_strmap_free(&b->unknown_idx);
	free(b->pairs);
	free(b->unknown_frames);
	free(b);
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *m;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	m = realloc(*v, c * size);
	if (!m)
		return -ENOMEM;
	*v = m;
	*cap = c;
	return 0;
}

static int count_unknown(struct boundaries *b, const char *function, uint64_t count)
{
	uint32_t i;

	if (ns_strmap_get(&b->unknown_idx, function, &i)) {
		b->unknown_frames[i] += count;
		return 0;
	}
	if (grow((void **)&b->unknown_frames, &b->cap_unknown, b->n_unknown, sizeof(uint64_t)) ||
	    !ns_strmap_put(&b->unknown_idx, function, b->n_unknown))
		return -ENOMEM;
	b->unknown_frames[b->n_unknown++] = count;
	return 0;
}

static int add_pair(struct boundaries *b, const char *caller, const char *callee, enum ns_layer lcaller,
		    enum ns_layer lcallee, enum ns_dir dir, uint64_t count, enum bnd_ctx ctx)
{
	char key[512];
	struct pair_acc *p;
	uint32_t i;

	snprintf(key, sizeof(key), "%s\n%s\n%d", caller, callee, dir);
	if (!ns_strmap_get(&b->pair_idx, key, &i)) {
		const char *icaller, *icallee;

		if (grow((void **)&b->pairs, &b->cap_pairs, b->n_pairs, sizeof(*b->pairs)))
			return -ENOMEM;
		icaller = ns_strmap_put(&b->names, caller, 0);
		icallee = ns_strmap_put(&b->names, callee, 0);
		if (!icaller || !icallee || !ns_strmap_put(&b->pair_idx, key, b->n_pairs))
			return -ENOMEM;
		i = b->n_pairs++;
		b->pairs[i] = (struct pair_acc){ .caller = icaller, .callee = icallee, .caller_layer = lcaller,
						 .callee_layer = lcallee, .dir = dir };
	}
	p = &b->pairs[i];
	p->count += count;
	p->ctx[(unsigned)ctx < BND_CTX__N ? ctx : BND_CTX_TASK] += count;
	return 0;
}

int boundaries__feed(struct boundaries *b, const char *const *frames, size_t n, uint64_t count,
		     enum bnd_ctx ctx)
{
	unsigned char layer[BND_DEPTH_MAX], dir_at[BND_DEPTH_MAX];
	enum ns_dir dir = NS_DIR_NONE;
	size_t prev = (size_t)-1;
	int err;

	if (n > BND_DEPTH_MAX)
		n = BND_DEPTH_MAX;
	b->stacks += count;
	/* outermost first, so dir_at[i] is the marker nearest i at or above it */
	for (size_t i = n; i-- > 0;) {
		enum ns_dir mark = NS_DIR_NONE;

		layer[i] = NS_LAYER_OTHER;
		if (frames[i]) {
			layer[i] = layer_rules__classify(b->rules, frames[i]);
			mark = layer_rules__marker(b->rules, frames[i]);
		}
		if (mark != NS_DIR_NONE)
			dir = mark;
		dir_at[i] = dir;
		b->frames[layer[i]] += count;
		if (layer[i] == NS_LAYER_OTHER && frames[i] && (err = count_unknown(b, frames[i], count)))
			return err;
	}
	for (size_t i = n; i-- > 0;) {
		if (layer[i] == NS_LAYER_OTHER)
			continue;	/* looked through: the call goes on below it */
		if (prev != (size_t)-1 && layer[prev] != layer[i]) {
			err = add_pair(b, frames[prev], frames[i], layer[prev], layer[i], dir_at[i], count, ctx);
			if (err)
				return err;
		}
		prev = i;
	}
	if (prev == (size_t)-1)
		b->stacks_empty += count;
	return 0;
}

int boundaries__step(struct boundaries *b, struct bnd_path *p, const char *func, uint64_t count,
		     enum bnd_ctx ctx)
{
	enum ns_layer layer = NS_LAYER_OTHER;
	enum ns_dir mark = NS_DIR_NONE;
	const char *name;
	int err;

	b->from_paths = 1;
	if (!p->started) {
		p->started = 1;
		b->stacks += count;
	}
	if (func) {
		layer = layer_rules__classify(b->rules, func);
		mark = layer_rules__marker(b->rules, func);
	}
	if (mark != NS_DIR_NONE)
		p->dir = mark;
	b->frames[layer] += count;
	if (layer == NS_LAYER_OTHER)
		return func ? count_unknown(b, func, count) : 0;
	if (p->prev && p->prev_layer != layer) {
		err = add_pair(b, p->prev, func, p->prev_layer, layer, p->dir, count, ctx);
		if (err)
			return err;
	}
	/* an allocation or a free returns to the layer that called it */
	if (layer == NS_LAYER_MEMORY)
		return 0;
	if (p->prev_layer != layer || !p->prev || strcmp(p->prev, func)) {
		name = ns_strmap_put(&b->names, func, 0);
		if (!name)
			return -ENOMEM;
		p->prev = name;
		p->prev_layer = layer;
	}
	return 0;
}

int boundaries__feed_path(struct boundaries *b, const char *const *funcs, size_t n, uint64_t count,
			  enum bnd_ctx ctx)
{
	struct bnd_path p = { 0 };
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		err = boundaries__step(b, &p, funcs[i], count, ctx);
	return err;
}

int boundaries__feed_addrs(struct boundaries *b, const uint64_t *ips, size_t n, uint64_t count,
			   enum bnd_ctx ctx, bnd_sym_fn sym, void *arg)
{
	const char *names[BND_DEPTH_MAX];

	if (n > BND_DEPTH_MAX)
		n = BND_DEPTH_MAX;
	for (size_t i = 0; i < n; i++)
		names[i] = sym(arg, ips[i]);
	return boundaries__feed(b, names, n, count, ctx);
}

/* ---- the result ---- */

static int cmp_pair(const void *a, const void *b)
{
	const struct bnd_pair *x = a, *y = b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((c = strcmp(x->caller, y->caller)))
		return c;
	if ((c = strcmp(x->callee, y->callee)))
		return c;
	return (int)x->dir - (int)y->dir;
}

static int cmp_gap(const void *a, const void *b)
{
	const struct bnd_gap *x = a, *y = b;

	if (x->lower != y->lower)
		return (int)x->lower - (int)y->lower;
	return (int)x->upper - (int)y->upper;
}

static int cmp_unknown(const void *a, const void *b)
{
	const struct bnd_unknown *x = a, *y = b;

	if (x->frames != y->frames)
		return x->frames > y->frames ? -1 : 1;
	return strcmp(x->function, y->function);
}

static struct bnd_gap *gap_for(struct bnd_result *r, enum ns_layer a, enum ns_layer b)
{
	enum ns_layer up = a < b ? a : b, low = a < b ? b : a;

	for (size_t i = 0; i < r->n_gaps; i++)
		if (r->gaps[i].upper == up && r->gaps[i].lower == low)
			return &r->gaps[i];
	/* at most NS_LAYER__N^2 gaps: the caller sized r->gaps for that */
	r->gaps[r->n_gaps] = (struct bnd_gap){ .upper = up, .lower = low,
					       .adjacent = ns_layer_adjacent(up, low) };
	return &r->gaps[r->n_gaps++];
}

static int fill_unknown(struct bnd_result *r, const struct boundaries *b)
{
	struct bnd_unknown *all = calloc(b->n_unknown ? b->n_unknown : 1, sizeof(*all));
	size_t n = 0;

	if (!all)
		return -ENOMEM;
	for (size_t s = 0; s < b->unknown_idx.cap; s++) {
		const struct ns_strmap_slot *slot = &b->unknown_idx.slots[s];

		if (slot->key)
			all[n++] = (struct bnd_unknown){ .function = slot->key,
							 .frames = b->unknown_frames[slot->val] };
	}
	qsort(all, n, sizeof(*all), cmp_unknown);
	r->unknown_distinct = n;
	for (size_t i = 0; i < n && i < BND_UNKNOWN_MAX; i++) {
		r->unknown[i].function = strdup(all[i].function);
		r->unknown[i].frames = all[i].frames;
		if (!r->unknown[i].function) {
			free(all);
			return -ENOMEM;
		}
		r->n_unknown++;
	}
	free(all);
	return 0;
}

struct bnd_result *boundaries__finish(const struct boundaries *b)
{
	struct bnd_result *r = calloc(1, sizeof(*r));
	size_t *fill = NULL;

	if (!r)
		return NULL;
	r->stacks = b->stacks;
	r->stacks_empty = b->stacks_empty;
	r->from_paths = b->from_paths;
	memcpy(r->frames, b->frames, sizeof(r->frames));
	r->gaps = calloc(NS_LAYER__N * NS_LAYER__N, sizeof(*r->gaps));
	if (!r->gaps || fill_unknown(r, b))
		goto oom;
	/* two passes: count each gap's pairs, then place them */
	for (size_t i = 0; i < b->n_pairs; i++)
		gap_for(r, b->pairs[i].caller_layer, b->pairs[i].callee_layer)->n_pairs++;
	fill = calloc(r->n_gaps ? r->n_gaps : 1, sizeof(*fill));
	if (!fill)
		goto oom;
	for (size_t g = 0; g < r->n_gaps; g++) {
		r->gaps[g].pairs = calloc(r->gaps[g].n_pairs, sizeof(struct bnd_pair));
		if (!r->gaps[g].pairs)
			goto oom;
	}
	for (size_t i = 0; i < b->n_pairs; i++) {
		const struct pair_acc *a = &b->pairs[i];
		struct bnd_gap *g = gap_for(r, a->caller_layer, a->callee_layer);
		struct bnd_pair *p = &g->pairs[fill[g - r->gaps]++];

		*p = (struct bnd_pair){ .caller = strdup(a->caller), .callee = strdup(a->callee),
					.caller_layer = a->caller_layer, .callee_layer = a->callee_layer,
					.dir = a->dir, .count = a->count };
		memcpy(p->ctx, a->ctx, sizeof(p->ctx));
		g->count[a->dir] += a->count;
		if (!p->caller || !p->callee)
			goto oom;
	}
	for (size_t g = 0; g < r->n_gaps; g++)
		qsort(r->gaps[g].pairs, r->gaps[g].n_pairs, sizeof(struct bnd_pair), cmp_pair);
	qsort(r->gaps, r->n_gaps, sizeof(*r->gaps), cmp_gap);
	free(fill);
	return r;
oom:
	free(fill);
	bnd_result__free(r);
	errno = ENOMEM;
	return NULL;
}

const struct bnd_gap *bnd_result__gap(const struct bnd_result *r, enum ns_layer a, enum ns_layer b)
{
	enum ns_layer up = a < b ? a : b, low = a < b ? b : a;

	for (size_t i = 0; i < r->n_gaps; i++)
		if (r->gaps[i].upper == up && r->gaps[i].lower == low)
			return &r->gaps[i];
	return NULL;
}

void bnd_result__free(struct bnd_result *r)
{
	if (!r)
		return;
	for (size_t g = 0; r->gaps && g < r->n_gaps; g++) {
		for (size_t i = 0; r->gaps[g].pairs && i < r->gaps[g].n_pairs; i++) {
			free(r->gaps[g].pairs[i].caller);
			free(r->gaps[g].pairs[i].callee);
		}
		free(r->gaps[g].pairs);
	}
	free(r->gaps);
	for (size_t i = 0; i < r->n_unknown; i++)
		free(r->unknown[i].function);
	free(r);
}
