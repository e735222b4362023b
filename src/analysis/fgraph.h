/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calls nested from entry and return records: what function_graph prints,
 * rebuilt from the event stream so that a recorded trace gives it too.
 *
 * Records come from two kinds of backend.  ftrace's function_graph writes
 * each call's depth (its slot on the task's return stack), so an entry at
 * depth d closes whatever was open at d or deeper, and a return at depth d
 * matches the open entry at d.  The BPF backends (fentry/fexit, kprobes)
 * write no depth (pass FGRAPH_NO_DEPTH): a return matches the innermost
 * open entry of the same function.  Either way, the entries a return
 * skips (their own returns were lost, or fell before the capture) are
 * abandoned, and a return with no open entry is counted, never guessed.
 *
 * The caller picks the key of each record's stack: a task's thread id in
 * task context, its CPU in irq and softirq context (work there runs on
 * whatever task it interrupted).
 */
#ifndef NS_ANALYSIS_FGRAPH_H
#define NS_ANALYSIS_FGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analysis/table.h"

#define FGRAPH_NO_DEPTH (-1)
#define FGRAPH_DEPTH 64		/* open entries kept per stack; past it the outermost go */
#define FGRAPH_KEYS 4096	/* stacks followed at once (direct-mapped) */
#define FGRAPH_NODES_MAX 65536	/* call-tree nodes; past it new paths are counted, not kept */
#define FGRAPH_NIL UINT32_MAX

/* one node of the call tree: a function reached by one path of callers */
struct fgraph_node {
	uint32_t func;		/* the caller's function id */
	uint32_t parent;	/* FGRAPH_NIL: a root */
	uint32_t first_child, next_sibling;
	uint64_t calls;		/* entries along this path */
	uint64_t timed;		/* of them, returns matched */
	uint64_t total_ns;	/* entry -> return of the timed ones */
};

struct fgraph_frame {
	uint32_t func;
	int32_t depth;
	uint32_t node;		/* FGRAPH_NIL when the tree was full */
	uint64_t ts;
};

struct fgraph_stack {
	uint32_t key;
	uint32_t n;
	bool used;
	struct fgraph_frame f[FGRAPH_DEPTH];
};

struct fgraph {
	struct fgraph_stack *stacks;	/* FGRAPH_KEYS */
	struct fgraph_node *nodes;
	size_t n_nodes, cap_nodes;
	uint32_t first_root;
	struct u64map child;		/* (parent + 1) << 32 | func -> node */
	uint64_t unmatched_returns;	/* a return with no open entry to match */
	uint64_t abandoned;		/* entries whose return never came */
	uint64_t depth_cut;		/* outermost entries dropped past FGRAPH_DEPTH */
	uint64_t nodes_cut;		/* entries on paths the full tree could not keep */
	uint64_t key_reuse;		/* stacks dropped when another key took their slot */
	int err;			/* -ENOMEM once memory ran out */
};

int fgraph_init(struct fgraph *g);
/* func entered at ts; depth from function_graph, or FGRAPH_NO_DEPTH */
void fgraph_entry(struct fgraph *g, uint32_t key, uint32_t func, int32_t depth, uint64_t ts);
/*
 * func returned at ts: true when its entry was found, with the time from
 * entry to return in *dur_ns (0 when the clock went backwards)
 */
bool fgraph_return(struct fgraph *g, uint32_t key, uint32_t func, int32_t depth, uint64_t ts,
		   uint64_t *dur_ns);
/* the entries still open at the end of the records: counted as abandoned */
void fgraph_end(struct fgraph *g);
/*
 * The tree in preorder (children by calls, descending), each node's depth
 * in *depths (both arrays malloc'ed, *n entries); 0 or -ENOMEM.
 */
int fgraph_preorder(const struct fgraph *g, uint32_t **order, unsigned int **depths, size_t *n);
void fgraph_free(struct fgraph *g);

#endif
