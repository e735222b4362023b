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

/* what the CPU was doing when the stack was taken */
enum ns_ctx {
	NS_CTX_TASK,
	NS_CTX_SOFTIRQ,
	NS_CTX_HARDIRQ,
	NS_CTX__N
};
const char *ns_ctx_name(enum ns_ctx c);	/* "task", "softirq", "hardirq" */

/* one boundary: caller in one layer calling callee in another */
struct bnd_pair {
	char *caller, *callee;
	enum ns_layer caller_layer, callee_layer;
	enum ns_dir dir;
	uint64_t count;			/* stacks, weighted */
	uint64_t ctx[NS_CTX__N];	/* the same count by context */
};

/*
 * All boundaries between two layers, upper (the smaller enum ns_layer)
 * and lower, whichever of them called.  adjacent: next to each other in
 * the stack (ns_layer_adjacent(): socket and tcp, tcp and ip, ip and
 * device).  Other gaps are kept too, not adjacent: entry code (softirq)
 * calls syscalls, ip_finish_output2 runs the softirq on loopback and veth.
 */
struct bnd_gap {
	enum ns_layer upper, lower;
	int adjacent;
	struct bnd_pair *pairs;		/* by count, largest first */
	size_t n_pairs;
	uint64_t count[3];		/* by enum ns_dir: NONE, RX, TX */
};

/* a function no rule classified, with the frames it filled */
struct bnd_unknown {
	char *function;
	uint64_t frames;
};

#define BND_UNKNOWN_MAX 20

struct bnd_result {
	/* by lower layer, then upper: the order of the stack drawn top down */
	struct bnd_gap *gaps;
	size_t n_gaps;
	uint64_t stacks;		/* weighted */
	uint64_t stacks_empty;		/* stacks of no frame, or of 'other' frames only */
	uint64_t frames[NS_LAYER__N];	/* weighted frames per layer */
	/* the most frequent unclassified functions, most frames first: rules to add */
	struct bnd_unknown unknown[BND_UNKNOWN_MAX];
	size_t n_unknown;
	size_t unknown_distinct;	/* how many distinct ones there were */
};

struct boundaries;

struct boundaries *boundaries__new(struct layer_rules *rules);
/*
 * One stack, frames[0] innermost, as function names (clone suffixes and
 * "+0x.." offsets are fine), taken count times in context ctx.  0 or
 * -ENOMEM.
 */
int boundaries__feed(struct boundaries *b, const char *const *frames, size_t n, uint64_t count,
		     enum ns_ctx ctx);
/*
 * The same from addresses: sym(arg, addr) names each (NULL: unknown, an
 * 'other' frame).  Keeps this module free of any symbol table's type.
 */
typedef const char *(*bnd_sym_fn)(void *arg, uint64_t addr);
int boundaries__feed_addrs(struct boundaries *b, const uint64_t *ips, size_t n, uint64_t count,
			   enum ns_ctx ctx, bnd_sym_fn sym, void *arg);
/* the result so far (feeding may go on); NULL when out of memory */
struct bnd_result *boundaries__finish(const struct boundaries *b);
void boundaries__free(struct boundaries *b);
void bnd_result__free(struct bnd_result *r);

/* the gap between upper and lower, or NULL (for callers and tests) */
const struct bnd_gap *bnd_result__gap(const struct bnd_result *r, enum ns_layer a, enum ns_layer b);

#endif
