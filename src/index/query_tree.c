// SPDX-License-Identifier: GPL-2.0
/*
 * Call trees, callers or callees, to a depth, with calls through function
 * pointers resolved by what the index saw stored in them.
 *
 * The kernel's indirect calls go through ops tables: ip_protocol_deliver_rcu
 * calls ipprot->handler(skb), and tcp_protocol = { .handler = tcp_v4_rcv }
 * fills that slot.  The extractor records the call as kind 'pointer' via
 * "net_protocol.handler" and the initializer as a fnref of that slot, so
 * the slot joins the two: every function stored in a slot is a possible
 * callee of every call through it.  That over-approximates (any
 * net_protocol's handler, not this one's) exactly as the kernel's own
 * dispatch can, which is what a reader wants to see.
 *
 * A node's children are gathered completely (and their statements reset)
 * before any child is expanded, so one prepared statement per query serves
 * the whole recursion.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/hash.h"
#include "index/query_priv.h"

#define DEFAULT_MAX_NODES 20000

/* usrs already expanded: a small open-addressing set */
struct usr_set {
	const char **slot;
	size_t cap, n;
};

static bool set_has(const struct usr_set *s, const char *k)
{
	if (!s->cap)
		return false;
	for (size_t i = ns_str_hash(k) & (s->cap - 1); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->slot[i], k))
			return true;
	return false;
}

/* k must outlive the set (it points into the tree) */
static int set_add(struct usr_set *s, const char *k)
{
	if (2 * (s->n + 1) > s->cap) {
		struct usr_set bigger = { .cap = s->cap ? 2 * s->cap : 64 };

		bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
		if (!bigger.slot)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				set_add(&bigger, s->slot[i]);
		free(s->slot);
		*s = bigger;
	}
	if (set_has(s, k))
		return 0;
	for (size_t i = ns_str_hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (!s->slot[i]) {
			s->slot[i] = k;
			s->n++;
			return 0;
		}
}

struct builder {
	struct ixq *q;
	struct ixq_tree_opts o;
	struct ixq_tree *t;
	const char **path;	/* usrs from the root to the node being expanded */
	size_t path_len;
	struct usr_set expanded;
};

/* ---- nodes ---- */

static void stores_free(struct ixq_store *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].slot);
		free(s[i].holder);
		free(s[i].file);
	}
	free(s);
}

static void node_clear(struct ixq_node *n)
{
	for (size_t i = 0; i < n->nr_children; i++)
		node_clear(&n->children[i]);
	free(n->children);
	for (size_t i = 0; i < n->nr_sites; i++)
		free(n->sites[i].file);
	free(n->sites);
	stores_free(n->stores, n->nr_stores);
	free(n->via);
	ixq__func_clear(&n->func);
	memset(n, 0, sizeof(*n));
}

void ixq__tree_free(struct ixq_tree *t)
{
	for (size_t i = 0; i < t->nr_roots; i++)
		node_clear(&t->roots[i]);
	free(t->roots);
	memset(t, 0, sizeof(*t));
}

struct kids {
	struct ixq_node *v;
	size_t n, cap;
};

static struct ixq_node *kid_new(struct builder *b, struct kids *k, enum ixq_call_kind kind,
				const char *via, int *err)
{
	struct ixq_node *n;

	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 8;
		struct ixq_node *v = realloc(k->v, cap * sizeof(*v));

		if (!v) {
			*err = -ENOMEM;
			return NULL;
		}
		k->v = v;
		k->cap = cap;
	}
	n = &k->v[k->n++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	if (via && !(n->via = strdup(via)))
		*err = -ENOMEM;
	b->t->nr_nodes++;
	return n;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* the child reached the same way: one node, several call sites */
static struct ixq_node *kid_find(struct kids *k, enum ixq_call_kind kind, const char *via,
				 const char *usr, long long id)
{
	for (size_t i = 0; i < k->n; i++) {
		struct ixq_node *n = &k->v[i];

		if (n->kind == kind && same_str(n->via, via) &&
		    (id ? n->func.id == id : same_str(n->func.usr, usr)))
			return n;
	}
	return NULL;
}

static int add_site(struct ixq_node *n, const char *file, unsigned line, unsigned col)
{
	struct ixq_site *v = realloc(n->sites, (n->nr_sites + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	n->sites = v;
	v[n->nr_sites].file = strdup(file);
	v[n->nr_sites].line = line;
	v[n->nr_sites].col = col;
	return v[n->nr_sites++].file ? 0 : -ENOMEM;
}

static int add_store(struct ixq_store **sv, size_t *nr, const char *slot, const char *holder,
		     const char *kind, const char *file, unsigned line)
{
	struct ixq_store *v = realloc(*sv, (*nr + 1) * sizeof(*v));
	struct ixq_store *s;

	if (!v)
		return -ENOMEM;
	*sv = v;
	s = &v[(*nr)++];
	s->slot = strdup(slot);
	s->holder = holder && *holder ? strdup(holder) : NULL;
	s->file = strdup(file);
	s->line = line;
	s->assign = !strcmp(kind, "assign");
	return s->slot && s->file && (!holder || !*holder || s->holder) ? 0 : -ENOMEM;
}

/* ---- the rows of one node, read before any is processed ---- */

struct row {
	long long caller_id;
	char *usr, *name, *via, *file;
	enum ixq_call_kind kind;
	bool assign;		/* a store by assignment (slot_targets) */
	unsigned line, col;
};

struct rows {
	struct row *v;
	size_t n;
};

static void rows_free(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].usr);
		free(r->v[i].name);
		free(r->v[i].via);
		free(r->v[i].file);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static enum ixq_call_kind kind_of(const char *s)
{
	if (!strcmp(s, "macro"))
		return IXQ_CALL_MACRO;
	if (!strcmp(s, "pointer"))
		return IXQ_CALL_POINTER;
	if (!strcmp(s, "callback"))
		return IXQ_CALL_CALLBACK;
	return IXQ_CALL_DIRECT;
}

static struct row *row_new(struct rows *r, int *err)
{
	struct row *v = realloc(r->v, (r->n + 1) * sizeof(*v));

	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	r->v = v;
	memset(&v[r->n], 0, sizeof(v[r->n]));
	return &v[r->n++];
}

/* ST_CALLEES of a caller, or ST_CALLERS / ST_SLOT_CALLERS of a callee */
static int read_rows(struct ixq *q, enum ixq_stmt_id id, long long num, const char *text,
		     struct rows *r)
{
	sqlite3_stmt *st = ixq_stmt(q, id);
	int rc, err = 0;

	if (!st)
		return -EIO;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, num);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *w = row_new(r, &err);

		if (!w)
			break;
		switch (id) {
		case ST_CALLEES:
			w->usr = ixq_col_dup(st, 0, &err);
			w->name = ixq_col_dup(st, 1, &err);
			w->kind = kind_of(ixq_col_str(st, 2));
			w->via = ixq_col_dup(st, 3, &err);
			w->file = ixq_col_dup(st, 4, &err);
			w->line = sqlite3_column_int(st, 5);
			w->col = sqlite3_column_int(st, 6);
			break;
		case ST_CALLERS:
			w->caller_id = sqlite3_column_int64(st, 0);
			w->kind = kind_of(ixq_col_str(st, 1));
			w->via = ixq_col_dup(st, 2, &err);
			w->file = ixq_col_dup(st, 3, &err);
			w->line = sqlite3_column_int(st, 4);
			w->col = sqlite3_column_int(st, 5);
			break;
		default: /* ST_SLOT_CALLERS */
			w->caller_id = sqlite3_column_int64(st, 0);
			w->kind = IXQ_CALL_POINTER;
			w->file = ixq_col_dup(st, 1, &err);
			w->line = sqlite3_column_int(st, 2);
			w->col = sqlite3_column_int(st, 3);
			break;
		}
		if (!err && !w->file)
			w->file = strdup("?");
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	if (err)
		rows_free(r);
	return err;
}

/* ---- callees ---- */

/*
 * A call through slot: one child per function stored in it, each with the
 * stores that put it there.  None stored (no indexed ops table fills the
 * slot): one unresolved child.
 */
static int slot_targets(struct builder *b, struct kids *k, const struct row *r)
{
	char record[256];
	const char *member;
	struct ixq_node *n = NULL;
	sqlite3_stmt *st;
	int rc, err = 0, before = k->n;
	struct rows found = {};

	if (!ixq_split_slot(r->via, record, sizeof(record), &member))
		goto unresolved;
	st = ixq_stmt(b->q, ST_SLOT_FUNCS);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
	/* read first: the function lookups below use other statements */
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *w = row_new(&found, &err);

		if (!w)
			break;
		w->usr = ixq_col_dup(st, 0, &err);
		w->name = ixq_col_dup(st, 1, &err);
		w->via = ixq_col_dup(st, 2, &err);	/* the holder */
		w->assign = !strcmp(ixq_col_str(st, 3), "assign");
		w->file = ixq_col_dup(st, 4, &err);
		w->line = sqlite3_column_int(st, 5);
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(b->q);
	sqlite3_reset(st);
	for (size_t i = 0; !err && i < found.n; i++) {
		const struct row *f = &found.v[i];

		if (!n || !same_str(n->func.usr, f->usr)) {
			n = kid_new(b, k, IXQ_CALL_POINTER, r->via, &err);
			if (!n)
				break;
			err = ixq_func_by_usr(b->q, f->usr, f->name, &n->func);
			if (!err && !n->func.id)
				n->stop = IXQ_STOP_UNDEFINED;
		}
		if (!err)
			err = add_store(&n->stores, &n->nr_stores, r->via, f->via,
					f->assign ? "assign" : "init", f->file ? f->file : "?", f->line);
	}
	rows_free(&found);
	if (err || (int)k->n > before)
		return err;
unresolved:
	n = kid_new(b, k, IXQ_CALL_POINTER, r->via, &err);
	if (n)
		n->stop = IXQ_STOP_UNRESOLVED;
	return err;
}

static int gather_callees(struct builder *b, const struct ixq_node *parent, struct kids *k)
{
	struct rows rows = {};
	int err = read_rows(b->q, ST_CALLEES, parent->func.id, NULL, &rows);

	for (size_t i = 0; !err && i < rows.n; i++) {
		const struct row *r = &rows.v[i];
		struct ixq_node *n;
		bool any = false;
		size_t from;

		if (r->kind == IXQ_CALL_POINTER) {
			/* the slot was resolved at its first call: add this site to each target */
			for (size_t j = 0; !err && j < k->n; j++)
				if (k->v[j].kind == IXQ_CALL_POINTER && same_str(k->v[j].via, r->via)) {
					err = add_site(&k->v[j], r->file, r->line, r->col);
					any = true;
				}
			if (any || err)
				continue;
			from = k->n;
			err = slot_targets(b, k, r);
			for (size_t j = from; !err && j < k->n; j++)
				err = add_site(&k->v[j], r->file, r->line, r->col);
			continue;
		}
		n = kid_find(k, r->kind, r->via, r->usr ? r->usr : r->name, 0);
		if (!n) {
			n = kid_new(b, k, r->kind, r->via, &err);
			if (!n)
				break;
			if (r->usr)
				err = ixq_func_by_usr(b->q, r->usr, r->name, &n->func);
			else if (r->name && !(n->func.name = strdup(r->name)))
				err = -ENOMEM;
			if (!err && !n->func.id)
				n->stop = IXQ_STOP_UNDEFINED;
		}
		if (!err)
			err = add_site(n, r->file, r->line, r->col);
	}
	rows_free(&rows);
	return err;
}

/* ---- callers ---- */

static int caller_node(struct builder *b, struct kids *k, const struct row *r, const char *via,
		       const struct ixq_store *stores, size_t nr_stores)
{
	struct ixq_node *n = kid_find(k, r->kind, via, NULL, r->caller_id);
	int err = 0;

	if (!n) {
		n = kid_new(b, k, r->kind, via, &err);
		if (!n)
			return err;
		if (!err)
			err = ixq_func_by_id(b->q, r->caller_id, &n->func);
		for (size_t i = 0; !err && i < nr_stores; i++)
			err = add_store(&n->stores, &n->nr_stores, stores[i].slot, stores[i].holder,
					stores[i].assign ? "assign" : "init", stores[i].file, stores[i].line);
	}
	return err ? err : add_site(n, r->file, r->line, r->col);
}

/* the slots usr is stored in, each with its stores */
static int read_slots(struct ixq *q, const char *usr, struct ixq_store **sv, size_t *nr)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_FUNC_SLOTS);
	char slot[512];
	int rc, err = 0;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, usr, -1, SQLITE_STATIC);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(slot, sizeof(slot), "%s.%s", ixq_col_str(st, 0), ixq_col_str(st, 1));
		err = add_store(sv, nr, slot, (const char *)sqlite3_column_text(st, 2), ixq_col_str(st, 3),
				ixq_col_str(st, 4), sqlite3_column_int(st, 5));
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	return err;
}

static int gather_callers(struct builder *b, const struct ixq_node *callee, struct kids *k)
{
	struct ixq_store *stores = NULL;
	size_t nr_stores = 0;
	struct rows rows = {};
	int err = read_rows(b->q, ST_CALLERS, 0, callee->func.usr, &rows);

	for (size_t i = 0; !err && i < rows.n; i++)
		err = caller_node(b, k, &rows.v[i], rows.v[i].via, NULL, 0);
	rows_free(&rows);
	if (!err)
		err = read_slots(b->q, callee->func.usr, &stores, &nr_stores);
	/* stores come by slot: the callers through each slot once */
	for (size_t i = 0; !err && i < nr_stores;) {
		size_t j = i;

		while (j < nr_stores && !strcmp(stores[j].slot, stores[i].slot))
			j++;
		err = read_rows(b->q, ST_SLOT_CALLERS, 0, stores[i].slot, &rows);
		for (size_t r = 0; !err && r < rows.n; r++)
			err = caller_node(b, k, &rows.v[r], stores[i].slot, &stores[i], j - i);
		rows_free(&rows);
		i = j;
	}
	stores_free(stores, nr_stores);
	return err;
}

/* ---- expansion ---- */

static int by_first_site(const struct ixq_node *x, const struct ixq_node *y, bool file_first)
{
	const struct ixq_site *a = x->nr_sites ? &x->sites[0] : NULL;
	const struct ixq_site *c = y->nr_sites ? &y->sites[0] : NULL;
	int d;

	if (a && c) {
		if (file_first && (d = strcmp(a->file, c->file)))
			return d;
		if (a->line != c->line)
			return a->line < c->line ? -1 : 1;
		if (a->col != c->col)
			return a->col < c->col ? -1 : 1;
	}
	d = strcmp(x->func.name ? x->func.name : "", y->func.name ? y->func.name : "");
	if (d)
		return d;
	/* INDIRECT_CALL_2's direct call before the pointer call it guards */
	return (int)x->kind - (int)y->kind;
}

/* callees in the order the body calls them */
static int cmp_callee(const void *a, const void *b)
{
	return by_first_site(a, b, false);
}

/* callers by file and line: direct ones and those through a pointer mixed */
static int cmp_caller(const void *a, const void *b)
{
	return by_first_site(a, b, true);
}

static bool on_path(const struct builder *b, const char *usr)
{
	for (size_t i = 0; i < b->path_len; i++)
		if (!strcmp(b->path[i], usr))
			return true;
	return false;
}

static int expand(struct builder *b, struct ixq_node *n, unsigned level)
{
	struct kids k = {};
	int err;

	if (n->stop != IXQ_STOP_NONE)
		return 0;
	if (!n->func.usr) {
		n->stop = IXQ_STOP_UNRESOLVED;
		return 0;
	}
	if (level && on_path(b, n->func.usr)) {
		n->stop = IXQ_STOP_CYCLE;
		return 0;
	}
	if (level >= b->o.depth) {
		n->stop = IXQ_STOP_DEPTH;
		return 0;
	}
	if (!b->o.repeat && set_has(&b->expanded, n->func.usr)) {
		n->stop = IXQ_STOP_REPEAT;
		return 0;
	}
	if (b->t->nr_nodes >= b->o.max_nodes) {
		n->stop = IXQ_STOP_LIMIT;
		b->t->truncated = true;
		return 0;
	}
	if (b->o.dir == IXQ_CALLEES)
		err = n->func.id ? gather_callees(b, n, &k) : 0;
	else
		err = gather_callers(b, n, &k);
	n->children = k.v;
	n->nr_children = k.n;
	if (err)
		return err;
	qsort(n->children, n->nr_children, sizeof(*n->children),
	      b->o.dir == IXQ_CALLEES ? cmp_callee : cmp_caller);
	err = set_add(&b->expanded, n->func.usr);
	if (err)
		return err;
	b->path[b->path_len++] = n->func.usr;
	for (size_t i = 0; !err && i < n->nr_children; i++)
		err = expand(b, &n->children[i], level + 1);
	b->path_len--;
	return err;
}

/* no definition: the name as calls know it (a function of another directory) */
static int called_roots(struct ixq *q, const char *name, struct ixq_tree *t)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_CALLED_USRS);
	struct rows usrs = {};
	int rc, err = 0;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *w = row_new(&usrs, &err);

		if (w)
			w->usr = ixq_col_dup(st, 0, &err);
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	if (!err && usrs.n) {
		t->roots = calloc(usrs.n, sizeof(*t->roots));
		if (!t->roots)
			err = -ENOMEM;
	}
	for (size_t i = 0; !err && i < usrs.n; i++) {
		err = ixq_func_by_usr(q, usrs.v[i].usr, name, &t->roots[i].func);
		t->nr_roots++;
	}
	rows_free(&usrs);
	return err;
}

int ixq__call_tree(struct ixq *q, const char *name, const struct ixq_tree_opts *opts,
		   struct ixq_tree *out)
{
	struct builder b = { .q = q, .o = *opts, .t = out };
	struct ixq_func *defs;
	size_t nr;
	int err;

	memset(out, 0, sizeof(*out));
	if (!b.o.depth)
		b.o.depth = 1;
	if (!b.o.max_nodes)
		b.o.max_nodes = DEFAULT_MAX_NODES;
	out->dir = b.o.dir;
	out->depth = b.o.depth;
	err = ixq__find_funcs(q, name, &defs, &nr);
	if (err)
		return err;
	if (nr) {
		out->roots = calloc(nr, sizeof(*out->roots));
		if (!out->roots) {
			ixq__funcs_free(defs, nr);
			return -ENOMEM;
		}
		/* the roots own the strings now */
		for (size_t i = 0; i < nr; i++)
			out->roots[i].func = defs[i];
		out->nr_roots = nr;
		free(defs);
	} else {
		err = called_roots(q, name, out);
		if (!err && !out->nr_roots)
			err = -ENOENT;
		/* callees of a function defined elsewhere: nothing to expand */
		for (size_t i = 0; !err && b.o.dir == IXQ_CALLEES && i < out->nr_roots; i++)
			out->roots[i].stop = IXQ_STOP_UNDEFINED;
	}
	out->nr_nodes = out->nr_roots;
	/* a path never holds more functions than the depth allows */
	b.path = calloc(b.o.depth + 1, sizeof(*b.path));
	if (!err && !b.path)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < out->nr_roots; i++) {
		/* each definition is its own tree: a static's callees are not its namesake's */
		free(b.expanded.slot);
		b.expanded = (struct usr_set){};
		err = expand(&b, &out->roots[i], 0);
	}
	free(b.expanded.slot);
	free(b.path);
	if (err)
		ixq__tree_free(out);
	return err;
}
