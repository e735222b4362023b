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
/*
 * The function-level map: a packet's traced functions in the order it
 * entered them (func_entry events with its packet id) instead of a stack.
 * Each function is classified as a frame is; 'other' is looked through;
 * wherever the layer changes from one function to the next, the pair
 * (the last function of the layer left -> the first of the layer
 * entered) is a boundary.  Memory functions (skb_clone, the frees) are
 * side trips: a pair from the layer that called them, after which the
 * path goes on from that layer.  The direction is the last marker met on
 * the path up to and including the function entered, as the stack's is
 * the nearest marker from the callee outwards.  The map's "stacks" count
 * packets (bnd_result.from_paths).
 */
struct bnd_path {
	const char *prev;	/* the last function of a layer (interned); NULL before the first */
	unsigned char prev_layer;
	unsigned char dir;	/* enum ns_dir: the last marker met */
	unsigned char started;
};

/* one more function of the packet p (zeroed for a new packet), count times: 0 or -ENOMEM */
int boundaries__step(struct boundaries *b, struct bnd_path *p, const char *func, uint64_t count,
		     enum bnd_ctx ctx);
/* a whole path, first function first (the unit tests' and the fuzzers' way in) */
int boundaries__feed_path(struct boundaries *b, const char *const *funcs, size_t n, uint64_t count,
			  enum bnd_ctx ctx);

/*
 * Do two maps find the same boundaries?  Compared: the boundaries between
 * the layers a packet's skb is handed through (tcp, udp, icmp, ip,
 * neighbour, device: levels 4 to 8) that are next to each other, by
 * direction (RX, TX; unknown directions are not compared).  The socket
 * and syscall layers are reached through the socket, not the skb, and
 * the driver's functions are in modules discovery does not read, so the
 * function-level map cannot see those: they are left out, and said.
 * 0 or -ENOMEM.
 */
int bnd_compare(const struct bnd_result *stacks, const struct bnd_result *funcs,
		struct bnd_agreement *out);
void bnd_agreement__free(struct bnd_agreement *a);

/* the result so far (feeding may go on); NULL when out of memory */
struct bnd_result *boundaries__finish(const struct boundaries *b);
void boundaries__free(struct boundaries *b);

#endif
