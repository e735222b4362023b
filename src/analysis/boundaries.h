/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layer boundaries from kernel stacks: which functions hand a packet from
 * one layer of the stack to the next (experiment 3: the APIs between
 * L2 and L3, L3 and L4, L4 and the socket), in which direction, how often.
 *
 * Each stack's frames are classified (layer_rules.h); frames of no layer
 * ('other': locks, scheduler, tracing) are looked through; runs of one
 * layer collapse; wherever the layer changes between a caller and its
 * callee, the pair is a boundary.  Its direction is the first direction
 * marker met from the callee outwards (see boundaries.c).
 *
 * Lifecycle: new -> feed (per stack) -> finish (a result, owning its
 * strings) -> free both.  The rules are borrowed and must outlive feeding.
 */
#ifndef NS_ANALYSIS_BOUNDARIES_H
#define NS_ANALYSIS_BOUNDARIES_H

#include <stddef.h>
#include <stdint.h>
#include "analysis/layer_rules.h"
#include "analysis/result_layers.h"

struct boundaries;

struct boundaries *boundaries__new(struct layer_rules *rules);
/*
 * One stack, frames[0] innermost, as function names (clone suffixes and
 * "+0x.." offsets are fine), taken count times in context ctx.  0 or
 * -ENOMEM.
 */
int boundaries__feed(struct boundaries *b, const char *const *frames, size_t n, uint64_t count,
		     enum bnd_ctx ctx);
/*
 * The same from addresses: sym(arg, addr) names each (NULL: unknown, an
 * 'other' frame).  Keeps this module free of any symbol table's type.
 */
typedef const char *(*bnd_sym_fn)(void *arg, uint64_t addr);
int boundaries__feed_addrs(struct boundaries *b, const uint64_t *ips, size_t n, uint64_t count,
			   enum bnd_ctx ctx, bnd_sym_fn sym, void *arg);
/* the result so far (feeding may go on); NULL when out of memory */
struct bnd_result *boundaries__finish(const struct boundaries *b);
void boundaries__free(struct boundaries *b);

#endif
