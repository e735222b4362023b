// SPDX-License-Identifier: GPL-2.0
/*
 * Profile and call graph from kernel stacks (see stackprof.h).
 *
 * A stack id is resolved once, when first seen (a live stack map may
 * reuse the id later, as in callpaths.c): its frames are named, its path
 * is put into the tree, and what later events of the same id need is kept
 * (the leaf node, the distinct functions on it, the innermost one), so an
 * event costs a hash lookup and a walk up at most NS_STACK_DEPTH parents.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/stackprof.h"
#include "analysis/table.h"

#define NIL UINT32_MAX
#define TP_TYPES 64	/* event types counted per CPU; more than NS_EV__COUNT */

struct node {
	uint32_t func, parent, first_child, next_sibling;
	uint64_t samples, events;
	uint64_t calls;		/* nested function calls (stackprof_feed_calls()) */
};

/* what a resolved stack id leaves for its later events */
struct resolved {
	uint32_t leaf;		/* NIL: empty or cut at the root */
	uint32_t innermost;	/* function index, NIL if none */
	uint32_t n_funcs;
	uint32_t *funcs;	/* distinct functions on the stack */
};

struct stackprof {
	struct stackprof_cfg cfg;
	/* functions: index by name hash */
	struct u64map func_idx;
	struct sp_func *funcs;
	size_t n_funcs, cap_funcs;
	/* the call graph: the roots are chained from root_first */
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	uint32_t root_first;
	/* stack ids already resolved; key: id and whether it is a sample stack */
	struct u64map stack_idx;
	struct resolved *stacks;
	size_t n_stacks, cap_stacks;
	uint64_t tp[TP_TYPES][STACKPROF_CPUS_MAX];
	unsigned int max_cpu;
	uint64_t first_ts, last_ts;
	struct stackprof_result counts; /* scalar counters, copied at finish */
	int err;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t cap2;
	void *m;

	if (need <= *cap)
		return 0;
	cap2 = *cap ? *cap * 2 : 256;
	while (cap2 < need)
		cap2 *= 2;
	m = realloc(*v, cap2 * size);
	if (!m)
		return -ENOMEM;
	*v = m;
	*cap = cap2;
	return 0;
}

/* index of the function named name, NIL when the table is full or memory ran out */
static uint32_t func_of(struct stackprof *sp, const char *name)
{
	uint64_t h = name_hash(name);
	uint32_t i;

	/* 64-bit FNV: a collision among the few thousand names of a kernel
	 * profile would need ~2^32 of them */
	if (u64map_get(&sp->func_idx, h, &i))
		return i;
	if (sp->n_funcs >= STACKPROF_FUNCS_MAX) {
		sp->counts.funcs_cut++;
		return NIL;
	}
	if (grow((void **)&sp->funcs, &sp->cap_funcs, sp->n_funcs + 1, sizeof(*sp->funcs))) {
		sp->err = -ENOMEM;
		return NIL;
	}
	i = sp->n_funcs;
	sp->funcs[i] = (struct sp_func){ .name = strdup(name) };
	if (!sp->funcs[i].name || u64map_put(&sp->func_idx, h, i)) {
		free(sp->funcs[i].name);
		sp->err = -ENOMEM;
		return NIL;
	}
	sp->n_funcs++;
	return i;
}

/* the child of parent (NIL: a root) for function f, made when missing */
static uint32_t child_of(struct stackprof *sp, uint32_t parent, uint32_t f)
{
	uint32_t i = parent == NIL ? sp->root_first : sp->nodes[parent].first_child;
	uint32_t last = NIL;

	for (; i != NIL; last = i, i = sp->nodes[i].next_sibling)
		if (sp->nodes[i].func == f)
			return i;
	if (sp->n_nodes >= STACKPROF_NODES_MAX)
		return NIL;
	if (grow((void **)&sp->nodes, &sp->cap_nodes, sp->n_nodes + 1, sizeof(*sp->nodes))) {
		sp->err = -ENOMEM;
		return NIL;
	}
	/* indices, not pointers, across the realloc above */
	i = sp->n_nodes++;
	sp->nodes[i] = (struct node){ .func = f, .parent = parent, .first_child = NIL,
				      .next_sibling = NIL };
	if (last != NIL)
		sp->nodes[last].next_sibling = i;
	else if (parent == NIL)
		sp->root_first = i;
	else
		sp->nodes[parent].first_child = i;
	return i;
}

static struct resolved *resolve(struct stackprof *sp, int32_t id, bool sample)
{
	uint64_t key = an_hash64(((uint64_t)sample << 32) | (uint32_t)id);
	uint64_t ips[NS_STACK_DEPTH];
	struct resolved *r;
	size_t n, skip = 0;
	uint32_t at = NIL, idx;

	if (u64map_get(&sp->stack_idx, key, &idx))
		return &sp->stacks[idx];
	n = sp->cfg.stack ? sp->cfg.stack(sp->cfg.arg, id, ips, NS_STACK_DEPTH) : 0;
	if (!n)
		return NULL;
	if (!sample && sp->cfg.tracing_frames)
		skip = sp->cfg.tracing_frames(sp->cfg.arg, ips, n);
	if (grow((void **)&sp->stacks, &sp->cap_stacks, sp->n_stacks + 1, sizeof(*sp->stacks))) {
		sp->err = -ENOMEM;
		return NULL;
	}
	r = &sp->stacks[sp->n_stacks];
	*r = (struct resolved){ .leaf = NIL, .innermost = NIL };
	r->funcs = malloc((n - skip + 1) * sizeof(*r->funcs));
	if (!r->funcs) {
		sp->err = -ENOMEM;
		return NULL;
	}
	/* outermost frame first: ips are innermost first */
	bool cut = false;

	for (size_t k = n; k-- > skip;) {
		const char *name = sp->cfg.symbol ? sp->cfg.symbol(sp->cfg.arg, ips[k]) : NULL;
		char buf[32];
		uint32_t f, c;
		bool dup = false;

		if (!name) {
			snprintf(buf, sizeof(buf), "0x%" PRIx64, ips[k]);
			name = buf;
		}
		f = func_of(sp, name);
		if (f == NIL) {
			cut = true;
			continue;
		}
		/* recursion puts a function on the stack twice: total counts it once */
		for (uint32_t j = 0; j < r->n_funcs; j++)
			dup |= r->funcs[j] == f;
		if (!dup)
			r->funcs[r->n_funcs++] = f;
		if (k == skip)
			r->innermost = f;
		if (cut)
			continue;
		/* past the node cap the path stops where it was: ancestors still count */
		c = child_of(sp, at, f);
		if (c == NIL)
			cut = true;
		else
			at = c;
	}
	if (cut)
		sp->counts.nodes_cut++;
	r->leaf = at;
	if (u64map_put(&sp->stack_idx, key, (uint32_t)sp->n_stacks)) {
		free(r->funcs);
		sp->err = -ENOMEM;
		return NULL;
	}
	sp->n_stacks++;
	return r;
}

struct stackprof *stackprof_new(const struct stackprof_cfg *cfg)
{
	struct stackprof *sp = calloc(1, sizeof(*sp));

	if (!sp)
		return NULL;
	sp->cfg = *cfg;
	sp->root_first = NIL;
	sp->counts.sample_hz = cfg->sample_hz;
	return sp;
}

void stackprof_feed(struct stackprof *sp, const struct ns_event *ev)
{
	bool sample = ev->type == NS_EV_CPU_SAMPLE;
	struct resolved *r;

	if (!sp->first_ts || ev->ts_ns < sp->first_ts)
		sp->first_ts = ev->ts_ns;
	if (ev->ts_ns > sp->last_ts)
		sp->last_ts = ev->ts_ns;
	if (ev->type < TP_TYPES && ev->cpu < STACKPROF_CPUS_MAX) {
		sp->tp[ev->type][ev->cpu]++;
		if (ev->cpu + 1u > sp->max_cpu)
			sp->max_cpu = ev->cpu + 1u;
	}
	if (sample) {
		enum sample_kind k = sample_filter_kind(&sp->cfg.samples, ev);

		sp->counts.samples++;
		if (k == SAMPLE_IDLE) {
			sp->counts.samples_idle++;
			return;
		}
		if (k == SAMPLE_OTHER_TASK) {
			sp->counts.samples_other++;
			return;
		}
		sp->counts.samples_by_ctx[ev->ctx < 5 ? ev->ctx : 0]++;
	}
	if (ev->stack_id < 0) {
		if (sample)
			sp->counts.samples_no_stack++;
		return;
	}
	r = resolve(sp, ev->stack_id, sample);
	if (!r) {
		if (sample)
			sp->counts.samples_no_stack++;
		return;
	}
	if (!sample)
		sp->counts.event_stacks++;
	for (uint32_t i = r->leaf; i != NIL; i = sp->nodes[i].parent) {
		if (sample)
			sp->nodes[i].samples++;
		else
			sp->nodes[i].events++;
	}
	for (uint32_t j = 0; j < r->n_funcs; j++) {
		if (sample)
			sp->funcs[r->funcs[j]].total++;
		else
			sp->funcs[r->funcs[j]].event_stacks++;
	}
	if (sample && r->innermost != NIL)
		sp->funcs[r->innermost].self++;
}

void stackprof_feed_function(struct stackprof *sp, const char *name)
{
	uint32_t f = func_of(sp, name);

	if (f != NIL)
		sp->funcs[f].hits++;
}

void stackprof_feed_calls(struct stackprof *sp, const char *const *path, size_t n, uint64_t calls)
{
	uint32_t node = NIL;

	for (size_t k = 0; k < n; k++) {
		uint32_t f = func_of(sp, path[k]);

		node = f == NIL ? NIL : child_of(sp, node, f);
		if (node == NIL) {
			sp->counts.nodes_cut++;
			return;
		}
	}
	if (node != NIL) {
		sp->nodes[node].calls += calls;
		sp->counts.function_calls += calls;
	}
}

static int cmp_func(const void *a, const void *b)
{
	const struct sp_func *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	if (x->event_stacks != y->event_stacks)
		return x->event_stacks > y->event_stacks ? -1 : 1;
	return strcmp(x->name, y->name);
}

static uint64_t node_weight(const struct node *n)
{
	return n->samples + n->events + n->calls;
}

/* preorder, heaviest child first (then first made) */
static int flatten(struct stackprof *sp, uint32_t first, unsigned int depth,
		   struct stackprof_result *out)
{
	uint32_t *kids = NULL;
	size_t n = 0, cap = 0;

	for (uint32_t i = first; i != NIL; i = sp->nodes[i].next_sibling) {
		if (grow((void **)&kids, &cap, n + 1, sizeof(*kids))) {
			free(kids);
			return -ENOMEM;
		}
		kids[n++] = i;
	}
	/* insertion sort: siblings are few, and it keeps equal weights in order */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && node_weight(&sp->nodes[kids[b]]) >
					    node_weight(&sp->nodes[kids[b - 1]]); b--) {
			uint32_t t = kids[b];

			kids[b] = kids[b - 1];
			kids[b - 1] = t;
		}
	for (size_t k = 0; k < n; k++) {
		const struct node *nd = &sp->nodes[kids[k]];
		struct sp_node *o = &out->nodes[out->n_nodes++];

		*o = (struct sp_node){ .function = strdup(sp->funcs[nd->func].name), .depth = depth,
				       .samples = nd->samples, .events = nd->events,
				       .calls = nd->calls };
		if (!o->function || flatten(sp, nd->first_child, depth + 1, out)) {
			free(kids);
			return -ENOMEM;
		}
	}
	free(kids);
	return 0;
}

int stackprof_finish(struct stackprof *sp, struct stackprof_result *out)
{
	*out = sp->counts;
	if (sp->err)
		return sp->err;
	out->n_cpus = sp->max_cpu;
	out->span_ns = sp->last_ts > sp->first_ts ? sp->last_ts - sp->first_ts : 0;
	/* functions: copied, so the profile's own table stays valid for the tree */
	out->funcs = calloc(sp->n_funcs ? sp->n_funcs : 1, sizeof(*out->funcs));
	out->nodes = calloc(sp->n_nodes ? sp->n_nodes : 1, sizeof(*out->nodes));
	out->tracepoints = calloc(TP_TYPES, sizeof(*out->tracepoints));
	if (!out->funcs || !out->nodes || !out->tracepoints)
		goto nomem;
	for (size_t i = 0; i < sp->n_funcs; i++) {
		out->funcs[i] = sp->funcs[i];
		out->funcs[i].name = strdup(sp->funcs[i].name);
		out->n_funcs++;
		if (!out->funcs[i].name)
			goto nomem;
	}
	qsort(out->funcs, out->n_funcs, sizeof(*out->funcs), cmp_func);
	if (flatten(sp, sp->root_first, 0, out))
		goto nomem;
	for (unsigned int t = 0; t < TP_TYPES; t++) {
		struct sp_tracepoint *tp = &out->tracepoints[out->n_tracepoints];
		uint64_t sum = 0;

		/* samples are not a tracepoint: they have their own counters */
		if (t == NS_EV_CPU_SAMPLE)
			continue;
		for (unsigned int c = 0; c < sp->max_cpu; c++)
			sum += sp->tp[t][c];
		if (!sum)
			continue;
		tp->type = t;
		tp->count = sum;
		tp->per_cpu = calloc(sp->max_cpu ? sp->max_cpu : 1, sizeof(*tp->per_cpu));
		if (!tp->per_cpu)
			goto nomem;
		memcpy(tp->per_cpu, sp->tp[t], sp->max_cpu * sizeof(*tp->per_cpu));
		out->n_tracepoints++;
	}
	/* by count, stable: insertion sort over at most TP_TYPES rows */
	for (size_t a = 1; a < out->n_tracepoints; a++)
		for (size_t b = a; b > 0 && out->tracepoints[b].count > out->tracepoints[b - 1].count;
		     b--) {
			struct sp_tracepoint t = out->tracepoints[b];

			out->tracepoints[b] = out->tracepoints[b - 1];
			out->tracepoints[b - 1] = t;
		}
	return 0;
nomem:
	stackprof_result_free(out);
	return -ENOMEM;
}

void stackprof_free(struct stackprof *sp)
{
	if (!sp)
		return;
	for (size_t i = 0; i < sp->n_funcs; i++)
		free(sp->funcs[i].name);
	free(sp->funcs);
	for (size_t i = 0; i < sp->n_stacks; i++)
		free(sp->stacks[i].funcs);
	free(sp->stacks);
	free(sp->nodes);
	u64map_free(&sp->func_idx);
	u64map_free(&sp->stack_idx);
	free(sp);
}

void stackprof_result_free(struct stackprof_result *r)
{
	if (r->funcs)
		for (size_t i = 0; i < r->n_funcs; i++)
			free(r->funcs[i].name);
	free(r->funcs);
	if (r->nodes)
		for (size_t i = 0; i < r->n_nodes; i++)
			free(r->nodes[i].function);
	free(r->nodes);
	if (r->tracepoints)
		for (size_t i = 0; i < r->n_tracepoints; i++)
			free(r->tracepoints[i].per_cpu);
	free(r->tracepoints);
	memset(r, 0, sizeof(*r));
}

bool stackprof_name_matches(const char *globs, const char *name)
{
	char glob[128];
	const char *p = globs;

	if (!globs || !*globs)
		return true;
	while (*p) {
		size_t n;

		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n && n < sizeof(glob)) {
			memcpy(glob, p, n);
			glob[n] = '\0';
			if (!fnmatch(glob, name, 0))
				return true;
		}
		p += n;
	}
	return false;
}

void sample_filter_from_meta(struct sample_filter *f, const struct ns_meta *meta)
{
	const char *v = meta ? ns_meta_get(meta, "lab.netns") : NULL;

	memset(f, 0, sizeof(*f));
	/* "netscope-123-a=4026532178,netscope-123-b=4026532247" */
	for (const char *p = v; p && (p = strchr(p, '=')) && f->n < SAMPLE_NETNS_MAX; p++)
		f->netns[f->n++] = (uint32_t)strtoul(p + 1, NULL, 10);
}

enum sample_kind sample_filter_kind(const struct sample_filter *f, const struct ns_event *ev)
{
	if (ev->ctx == NS_CTX_SOFTIRQ || ev->ctx == NS_CTX_HARDIRQ || ev->ctx == NS_CTX_NMI)
		return SAMPLE_KEEP;
	/* pid 0 in task context: the CPU's idle task (swapper/N) */
	if (!ev->pid)
		return SAMPLE_IDLE;
	if (!f->n || !ev->netns)
		return SAMPLE_KEEP;
	for (unsigned int i = 0; i < f->n; i++)
		if (f->netns[i] == ev->netns)
			return SAMPLE_KEEP;
	return SAMPLE_OTHER_TASK;
}
