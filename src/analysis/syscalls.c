// SPDX-License-Identifier: GPL-2.0
/*
 * Socket-related syscalls: enter/exit pairs per tid, counted per
 * (namespace, comm, syscall).  See syscalls.h for the pairing rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"
#include "analysis/syscalls.h"
#include "trace/syscalls.h"

/* distinct errors remembered per row: a call fails in one or two ways */
#define ROW_ERRORS 4

struct pending {
	uint64_t ts;
	uint32_t nr;
	uint32_t netns;
	char comm[NS_COMM_LEN];
};

struct row {
	struct sys_row out;	/* counters, netns, comm, nr; names at finish */
	uint32_t next;		/* next row of the same hash, or LRU_NIL */
	struct {
		int err;
		uint64_t count;
	} errs[ROW_ERRORS];
};

/* a syscall number the trace's metadata names */
struct nr_name {
	uint32_t nr;
	char name[SYS_NAME_LEN];
};

struct syscalls_an {
	const struct report_ctx *ctx;
	struct lru tids;		/* tid -> struct pending */
	struct u64map idx;		/* hash of (netns, comm, nr) -> first row */
	struct row *rows;
	size_t n, cap;
	struct nr_name *names;		/* from "capture.syscalls" */
	size_t n_names;
	struct syscalls_result counts;	/* the counters only */
	bool oom;
};

/*
 * The capture's own numbering, "41=socket,42=connect,..." (metadata
 * "capture.syscalls"): numbers differ per architecture, so a trace is
 * named by the table it was recorded with, not by this build's.
 */
static int parse_names(struct syscalls_an *s, const char *map)
{
	size_t cap = 0;

	while (map && *map) {
		const char *end = map + strcspn(map, ","), *eq = memchr(map, '=', end - map);

		if (eq && eq > map) {
			struct nr_name *n;

			if (s->n_names == cap) {
				cap = cap ? cap * 2 : 32;
				n = realloc(s->names, cap * sizeof(*n));
				if (!n)
					return -ENOMEM;
				s->names = n;
			}
			n = &s->names[s->n_names++];
			n->nr = strtoul(map, NULL, 10);
			snprintf(n->name, sizeof(n->name), "%.*s", (int)(end - eq - 1), eq + 1);
		}
		map = *end ? end + 1 : end;
	}
	return 0;
}

struct syscalls_an *syscalls_new(const struct report_ctx *ctx, size_t tids_max)
{
	struct syscalls_an *s = calloc(1, sizeof(*s));
	const struct ns_meta *meta = ctx ? ctx->meta : NULL;

	if (!s)
		return NULL;
	s->ctx = ctx;
	if (meta && parse_names(s, ns_meta_get(meta, "capture.syscalls"))) {
		free(s->names);
		free(s);
		return NULL;
	}
	if (!tids_max)
		tids_max = SYSCALLS_TIDS_MAX;
	lru_init(&s->tids, sizeof(struct pending), tids_max);
	s->counts.tids_max = tids_max;
	return s;
}

static void syscall_name(const struct syscalls_an *s, uint32_t nr, char *buf, size_t len)
{
	const char *n = NULL;

	for (size_t i = 0; i < s->n_names && !n; i++)
		if (s->names[i].nr == nr)
			n = s->names[i].name;
	/* no map in the trace (recorded by an older netscope): this build's table */
	if (!n && !s->n_names)
		n = ns_syscall_name(nr);
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "syscall#%u", nr);
}

const char *syscalls_errno_name(int err, char *buf, size_t len)
{
	/* include/linux/errno.h: never seen by user space, but at sys_exit they are */
	static const char *const restart[] = {
		"ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ENOIOCTLCMD",
		"ERESTART_RESTARTBLOCK",
	};
	const char *n = err > 0 ? strerrorname_np(err) : NULL;

	if (!n && err >= 512 && err < 512 + (int)(sizeof(restart) / sizeof(restart[0])))
		n = restart[err - 512];
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "errno#%d", err);
	return buf;
}

static uint64_t row_hash(uint32_t netns, const char *comm, uint32_t nr)
{
	uint64_t h = an_hash64((uint64_t)netns << 32 | nr);

	for (size_t i = 0; i < NS_COMM_LEN && comm[i]; i++)
		h = an_hash64(h ^ (unsigned char)comm[i]);
	return h;
}

static struct row *row_get(struct syscalls_an *s, const struct pending *p)
{
	uint64_t h = row_hash(p->netns, p->comm, p->nr);
	uint32_t first = LRU_NIL;
	struct row *r;

	if (u64map_get(&s->idx, h, &first))
		for (uint32_t i = first; i != LRU_NIL; i = s->rows[i].next)
			if (s->rows[i].out.netns == p->netns && s->rows[i].out.nr == p->nr &&
			    !strncmp(s->rows[i].out.comm, p->comm, NS_COMM_LEN))
				return &s->rows[i];
	if (s->n >= SYSCALLS_ROWS_MAX)
		return NULL;
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;

		r = realloc(s->rows, ncap * sizeof(*r));
		if (!r) {
			s->oom = true;
			return NULL;
		}
		s->rows = r;
		s->cap = ncap;
	}
	if (u64map_put(&s->idx, h, s->n)) {
		s->oom = true;
		return NULL;
	}
	r = &s->rows[s->n++];
	memset(r, 0, sizeof(*r));
	r->next = first;
	r->out.netns = p->netns;
	r->out.nr = p->nr;
	memcpy(r->out.comm, p->comm, NS_COMM_LEN);
	r->out.comm[NS_COMM_LEN - 1] = '\0';
	return r;
}

static void count_error(struct row *r, int err)
{
	r->out.errors++;
	for (int i = 0; i < ROW_ERRORS; i++) {
		if (r->errs[i].count && r->errs[i].err != err)
			continue;
		r->errs[i].err = err;
		r->errs[i].count++;
		return;
	}
	/* a fifth kind of error: counted in errors, not named */
}

static void on_exit_ev(struct syscalls_an *s, const struct ns_event *ev)
{
	struct pending *p = lru_get(&s->tids, ev->tid);
	uint64_t took = 0;
	struct row *r;

	if (!p || p->nr != ev->reason) {
		s->counts.unmatched_exits++;
		return;
	}
	if (ev->ts_ns >= p->ts)
		took = ev->ts_ns - p->ts;
	else
		s->counts.reordered++;
	r = row_get(s, p);
	lru_del(&s->tids, ev->tid);
	if (!r) {
		s->counts.rows_overflow++;
		return;
	}
	r->out.calls++;
	r->out.total_ns += took;
	if (took > r->out.max_ns)
		r->out.max_ns = took;
	if (ev->aux < 0)
		count_error(r, -ev->aux);
}

static void on_enter_ev(struct syscalls_an *s, const struct ns_event *ev)
{
	struct pending *p = lru_get(&s->tids, ev->tid);
	uint64_t old;

	if (p) {
		/* a second enter before an exit: the first one's exit was lost */
		s->counts.unmatched_enters++;
	} else {
		if (lru_full(&s->tids) && lru_oldest(&s->tids, &old)) {
			lru_del(&s->tids, old);
			s->counts.tids_evicted++;
		}
		p = lru_add(&s->tids, ev->tid);
		if (!p) {
			s->oom = true;
			return;
		}
	}
	lru_touch(&s->tids, ev->tid);
	p->ts = ev->ts_ns;
	p->nr = ev->reason;
	p->netns = ev->netns;
	memcpy(p->comm, ev->comm, NS_COMM_LEN);
}

void syscalls_feed(struct syscalls_an *s, const struct ns_event *ev)
{
	if (ev->type != NS_EV_SYSCALL)
		return;
	s->counts.events++;
	if (ev->aux2 == NS_SYSCALL_ENTER) {
		s->counts.enters++;
		on_enter_ev(s, ev);
	} else if (ev->aux2 == NS_SYSCALL_EXIT) {
		s->counts.exits++;
		on_exit_ev(s, ev);
	}
}

/* lab namespaces first, by label, then by inode */
static int cmp_ns(const struct sys_netns *x, const struct sys_netns *y)
{
	if (!x->label[0] != !y->label[0])
		return x->label[0] ? -1 : 1;
	if (x->label[0] && strcmp(x->label, y->label))
		return strcmp(x->label, y->label);
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int cmp_ns_q(const void *a, const void *b)
{
	return cmp_ns(a, b);
}

/* rows: by their namespace's place, then calls (descending), then first
 * seen (rank: qsort is not stable) */
struct ranked {
	struct sys_row row;
	size_t ns_rank, rank;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->ns_rank != y->ns_rank)
		return x->ns_rank < y->ns_rank ? -1 : 1;
	if (x->row.calls != y->row.calls)
		return x->row.calls > y->row.calls ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static struct sys_netns *ns_of(struct syscalls_result *out, uint32_t inode, const struct report_ctx *ctx)
{
	struct sys_netns *n;

	for (size_t i = 0; i < out->n_ns; i++)
		if (out->ns[i].inode == inode)
			return &out->ns[i];
	n = &out->ns[out->n_ns++];
	n->inode = inode;
	an_lab_netns(ctx ? ctx->meta : NULL, inode, n->name, sizeof(n->name), n->label,
		     sizeof(n->label));
	return n;
}

static int fill(struct syscalls_an *s, struct syscalls_result *out)
{
	size_t n = s->n ? s->n : 1;
	struct ranked *rk = calloc(n, sizeof(*rk));

	out->rows = calloc(n, sizeof(*out->rows));
	out->ns = calloc(n, sizeof(*out->ns));
	out->names = calloc(n, sizeof(*out->names));
	if (!rk || !out->rows || !out->ns || !out->names) {
		free(rk);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct row *r = &s->rows[i];
		struct sys_netns *ns = ns_of(out, r->out.netns, s->ctx);
		struct sys_name *nm = NULL;
		int top = -1;

		syscall_name(s, r->out.nr, r->out.name, sizeof(r->out.name));
		snprintf(r->out.label, sizeof(r->out.label), "%s", ns->label);
		for (int e = 0; e < ROW_ERRORS; e++)
			if (r->errs[e].count && (top < 0 || r->errs[e].count > r->errs[top].count))
				top = e;
		if (top >= 0) {
			syscalls_errno_name(r->errs[top].err, r->out.top_error,
					    sizeof(r->out.top_error));
			r->out.top_error_count = r->errs[top].count;
		}
		ns->calls += r->out.calls;
		ns->errors += r->out.errors;
		ns->total_ns += r->out.total_ns;
		for (size_t j = 0; j < out->n_names && !nm; j++)
			if (!strcmp(out->names[j].name, r->out.name))
				nm = &out->names[j];
		if (!nm) {
			nm = &out->names[out->n_names++];
			memcpy(nm->name, r->out.name, sizeof(nm->name));
		}
		nm->calls += r->out.calls;
		rk[i].row = r->out;
		rk[i].rank = i;
	}
	qsort(out->ns, out->n_ns, sizeof(*out->ns), cmp_ns_q);
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < out->n_ns; j++)
			if (out->ns[j].inode == rk[i].row.netns)
				rk[i].ns_rank = j;
	qsort(rk, s->n, sizeof(*rk), cmp_ranked);
	for (size_t i = 0; i < s->n; i++)
		out->rows[i] = rk[i].row;
	out->n_rows = s->n;
	free(rk);
	return an_sort_rows(out->names, out->n_names, sizeof(*out->names),
			    offsetof(struct sys_name, calls));
}

int syscalls_finish(struct syscalls_an *s, struct syscalls_result *out)
{
	*out = s->counts;
	out->rows = NULL;
	out->ns = NULL;
	out->names = NULL;
	out->n_rows = out->n_ns = out->n_names = 0;
	out->open_at_end = s->tids.n;
	if (s->oom)
		return -ENOMEM;
	return fill(s, out);
}

void syscalls_result_free(struct syscalls_result *r)
{
	free(r->rows);
	free(r->ns);
	free(r->names);
	memset(r, 0, sizeof(*r));
}

void syscalls_free(struct syscalls_an *s)
{
	if (!s)
		return;
	lru_free(&s->tids);
	u64map_free(&s->idx);
	free(s->rows);
	free(s->names);
	free(s);
}

/* ---- the analysis interface (analysis/analysis.h) ---- */

static int syscalls_init_op(void **state, const struct report_ctx *ctx)
{
	*state = syscalls_new(ctx, 0);
	return *state ? 0 : -ENOMEM;
}

static void syscalls_feed_op(void *state, const struct ns_event *ev)
{
	syscalls_feed(state, ev);
}

static int syscalls_finish_op(void *state, const struct analysis_end *end,
			      struct report_result *res)
{
	return syscalls_finish(state, &res->syscalls);
}

static void syscalls_free_op(void *state)
{
	syscalls_free(state);
}

static void syscalls_free_part(struct report_result *res)
{
	syscalls_result_free(&res->syscalls);
}

const struct analysis_ops syscalls_analysis = {
	.name = "syscalls",
	.parts = RR_PART_SYSCALLS,
	.init = syscalls_init_op,
	.feed = syscalls_feed_op,
	.finish = syscalls_finish_op,
	.free = syscalls_free_op,
	.free_part = syscalls_free_part,
};
