/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layers view's result: the fixed layer set and the boundaries found
 * between layers, plain numbers and names a renderer shows as they are
 * (render/layers_out.c).  The analysis is analysis/boundaries.h.
 */
#ifndef NS_ANALYSIS_RESULT_LAYERS_H
#define NS_ANALYSIS_RESULT_LAYERS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The fixed layer set, top (syscall) to bottom (softirq), then the two
 * that sit beside every level: memory (skb, slab and page allocation and
 * freeing) and other (no rule: locks, scheduler, tracing frames).
 */
enum ns_layer {
	NS_LAYER_SYSCALL,
	NS_LAYER_SOCKET,
	NS_LAYER_TCP,
	NS_LAYER_UDP,
	NS_LAYER_ICMP,
	NS_LAYER_IP,		/* L3: IP, routing, netfilter */
	NS_LAYER_NEIGHBOUR,
	NS_LAYER_DEVICE,	/* L2: net_device, qdisc, GRO, backlog */
	NS_LAYER_DRIVER,	/* NAPI polling, veth, loopback, NIC drivers */
	NS_LAYER_SOFTIRQ,	/* softirq and irq entry, the syscall entry code */
	NS_LAYER_MEMORY,
	NS_LAYER_OTHER,
	NS_LAYER__N
};

enum ns_dir {
	NS_DIR_NONE,		/* no marker: direction unknown */
	NS_DIR_RX,
	NS_DIR_TX,
};

/* "syscall", "tcp", ... as written in the rules files */
const char *ns_layer_name(enum ns_layer l);
/* the layer named name, or -1 */
int ns_layer_from_name(const char *name);
/*
 * The layer's level in the stack, top down: syscall 0, socket 2, tcp, udp
 * and icmp 4 (L4 is one level), ip 6, neighbour 7, device 8, driver 10,
 * softirq 12; -1 for memory and other, which have none.  neighbour is the
 * odd one, half-way: IP reaches the device through it only while the
 * hardware header is not cached (neigh_hh_output() is inlined into
 * ip_finish_output2()), and receive goes from device to ip directly.
 */
int ns_layer_level(enum ns_layer l);
/* a and b are next to each other in the stack: their levels differ by 1 or 2 */
int ns_layer_adjacent(enum ns_layer a, enum ns_layer b);
/* "RX", "TX", "?" */
const char *ns_dir_name(enum ns_dir d);

/* what the CPU was doing when the stack was taken */
enum bnd_ctx {
	BND_CTX_TASK,
	BND_CTX_SOFTIRQ,
	BND_CTX_HARDIRQ,
	BND_CTX__N
};
const char *bnd_ctx_name(enum bnd_ctx c);	/* "task", "softirq", "hardirq" */

/* one boundary: caller in one layer calling callee in another */
struct bnd_pair {
	char *caller, *callee;
	enum ns_layer caller_layer, callee_layer;
	enum ns_dir dir;
	uint64_t count;			/* stacks, weighted */
	uint64_t ctx[BND_CTX__N];	/* the same count by context */
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
	uint64_t stacks_cut;		/* stacks past the analysis's cap, not looked at */
	int from_paths;			/* the function-level map: "stacks" are packets */
};

/* one boundary of the comparison of two maps (bnd_compare(), boundaries.h) */
struct bnd_agreement_row {
	enum ns_layer upper, lower;
	enum ns_dir dir;
	uint64_t stacks, packets;	/* how often each map found it (0: not found) */
	/* each map's commonest pair there (NULL when not found); point into the maps */
	const struct bnd_pair *stack_pair, *func_pair;
};

struct bnd_agreement {
	struct bnd_agreement_row *rows;	/* by lower layer, upper, direction */
	size_t n_rows;
	size_t both, only_stacks, only_funcs;
	int agree;			/* every row found by both, and at least one row */
};

void bnd_result__free(struct bnd_result *r);

/* the gap between upper and lower, or NULL (for callers and tests) */
const struct bnd_gap *bnd_result__gap(const struct bnd_result *r, enum ns_layer a, enum ns_layer b);

#endif
