/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Queries over a netscope source index (schema.h): who reads, writes or
 * takes the address of a struct member; who calls a function and what it
 * calls, through function pointers too (resolved by the ops tables and
 * assignments that fill them, the 'fnrefs'); where a function is defined.
 *
 * Plain structs out, nothing printed: netscope xref/callers/callees/where
 * render them (src/cmd/xref.c, callgraph.c, where.c), and so can other
 * callers.  Every string in a result is owned by the result and freed with
 * it.  Functions return 0 or a negative errno; -EIO means SQLite failed,
 * ixq__errmsg() says how.
 *
 * Every query uses one of the indexes schema.h creates; none is added.
 */
#ifndef NS_INDEX_QUERY_H
#define NS_INDEX_QUERY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct ixq;

/* What the index says about itself (table meta) and how it compares. */
struct ixq_meta {
	char db[PATH_MAX];	/* the file opened */
	char tree[PATH_MAX];	/* meta 'tree': the indexed source tree */
	char tree_version[64];	/* meta 'tree_version', "" if the tree had none */
	char running[64];	/* the running kernel, uname -r up to its first '-' */
	/*
	 * The tree is not the running kernel's version (or has none): lines,
	 * functions and inlining may differ from what this kernel runs.
	 */
	bool version_differs;
	int schema;		/* meta 'schema'; -1 when missing */
};

/*
 * Open an index read-only.  meta (may be NULL) is filled as far as read,
 * also on -EPROTO.  Returns 0, -ENOENT (no such file), -EPROTO (meta
 * schema is not IX_SCHEMA_VERSION: the index must be rebuilt), -EINVAL (not
 * a netscope index), -EACCES, or -EIO.
 */
int ixq__open(const char *path, struct ixq **q, struct ixq_meta *meta);
void ixq__close(struct ixq *q);
/*
 * Why ixq__open(db) failed with err (not -ENOENT, whose hint depends on
 * how the file was found), in words for the user, with the command that
 * rebuilds an index of another schema; meta as the failed open filled it.
 */
const char *ixq__open_error(int err, const char *db, const struct ixq_meta *meta, char *buf, size_t size);
const struct ixq_meta *ixq__meta(const struct ixq *q);
/* SQLite's message for the last -EIO */
const char *ixq__errmsg(const struct ixq *q);

/* ---- member accesses ---- */

enum ixq_mode {
	IXQ_READ,
	IXQ_WRITE,
	IXQ_RW,		/* +=, ++: a read and a write */
	IXQ_ADDR,
	IXQ_INIT,	/* designated initializer */
	IXQ_SIZE,	/* sizeof/typeof: not evaluated */
	IXQ_NR_MODES,
};

#define IXQ_BIT(m)	(1u << (m))
#define IXQ_ALL_MODES	((1u << IXQ_NR_MODES) - 1)
/* what reads the value, and what changes it */
#define IXQ_READS	(IXQ_BIT(IXQ_READ) | IXQ_BIT(IXQ_RW))
#define IXQ_WRITES	(IXQ_BIT(IXQ_WRITE) | IXQ_BIT(IXQ_RW) | IXQ_BIT(IXQ_INIT))

const char *ixq__mode_name(enum ixq_mode m);
/*
 * "read,addr" into a mask: 'read' means every read (read, rw), 'write'
 * every write (write, rw, init); rw, addr, init, size, all as themselves.
 * 0 or -EINVAL (*bad points to the word not understood).
 */
int ixq__mode_parse(const char *list, unsigned *mask, const char **bad, size_t *bad_len);

struct ixq_counts {
	unsigned n[IXQ_NR_MODES];
};

unsigned ixq__count(const struct ixq_counts *c, unsigned mask);

struct ixq_use {
	unsigned line, col;
	enum ixq_mode mode;
	char *via;		/* macros holding the access, outermost first, or NULL */
};

/* The uses of a member in one function, or at file scope of one file. */
struct ixq_use_group {
	char *file;		/* where the uses are written (a header for inlines) */
	long long func_id;	/* 0 at file scope */
	char *func;		/* NULL at file scope */
	char *func_file;	/* where the function is defined */
	unsigned func_line;
	struct ixq_counts counts;
	size_t nr_uses;
	struct ixq_use *uses;	/* by line, column */
};

struct ixq_member_uses {
	struct ixq_counts totals;	/* every use, whatever the mask */
	unsigned shown;			/* uses the mask let through */
	unsigned nr_funcs, nr_files;	/* among those shown */
	size_t nr_groups;
	struct ixq_use_group *groups;	/* by file, file scope first, then function line */
};

/*
 * The uses of record.member whose mode is in mask.  -ENOENT when the index
 * has no use of record.member at all.
 */
int ixq__member_uses(struct ixq *q, const char *record, const char *member, unsigned mask,
		     struct ixq_member_uses *out);
void ixq__member_uses_free(struct ixq_member_uses *u);

struct ixq_member_stat {
	char *member;
	struct ixq_counts counts;
	unsigned total;
	unsigned funcs;		/* distinct functions using it (file scope not counted) */
	bool file_scope;	/* also used outside functions (initializers) */
};

struct ixq_record_stats {
	unsigned total;
	size_t nr;
	struct ixq_member_stat *members;	/* most used first, then by name */
};

/* Every member of record the index saw used; -ENOENT if none. */
int ixq__record_members(struct ixq *q, const char *record, struct ixq_record_stats *out);
void ixq__record_stats_free(struct ixq_record_stats *s);

/* ---- functions ---- */

struct ixq_func {
	long long id;		/* 0: not defined in the index (only called) */
	char *usr, *name;
	char *file;		/* NULL when not defined */
	unsigned line, col, end_line;
	bool is_static, is_inline, in_header;
	char *summary;		/* kernel-doc one-liner as written ("name - what"), or NULL */
};

/* The kernel-doc summary without its "name - " head, or NULL. */
const char *ixq__summary_text(const struct ixq_func *f);

/*
 * Every definition named name (statics in several files are several), by
 * file.  *nr may be 0.
 */
int ixq__find_funcs(struct ixq *q, const char *name, struct ixq_func **out, size_t *nr);
/*
 * The functions named name that indexed code calls but no indexed file
 * defines (udp_rcv when net/ipv4/udp.c is not indexed), id 0 and file
 * NULL; *nr may be 0.
 */
int ixq__find_called(struct ixq *q, const char *name, struct ixq_func **out, size_t *nr);
void ixq__funcs_free(struct ixq_func *f, size_t nr);
void ixq__func_clear(struct ixq_func *f);

/* Where a function was stored in a function-pointer member. */
struct ixq_store {
	char *slot;		/* "record.member" */
	char *holder;		/* the variable initialized or the function assigning; may be NULL */
	char *file;
	unsigned line;
	bool assign;		/* sk->sk_data_ready = f; (else an initializer) */
};

struct ixq_func_stats {
	unsigned callers, caller_sites;		/* direct and macro calls to it */
	unsigned indirect_callers, indirect_sites; /* calls through the slots it is stored in */
	unsigned callees, callee_sites;		/* direct and macro calls it makes */
	unsigned pointer_sites;			/* calls it makes through pointers */
	unsigned accesses, members;		/* member uses in its body; distinct members */
	size_t nr_stores;
	struct ixq_store *stores;
};

int ixq__func_stats(struct ixq *q, const struct ixq_func *f, struct ixq_func_stats *out);
void ixq__func_stats_free(struct ixq_func_stats *s);

/* ---- call trees ---- */

enum ixq_dir { IXQ_CALLEES, IXQ_CALLERS };

enum ixq_call_kind {
	IXQ_CALL_DIRECT,
	IXQ_CALL_MACRO,		/* spelled inside INDIRECT_CALL_*(): via names the macro */
	IXQ_CALL_POINTER,	/* through a function pointer: via names the slot or variable */
	IXQ_CALL_CALLBACK,	/* passed as an argument: via names the function and parameter */
};

/* Why a node has no children. */
enum ixq_stop {
	IXQ_STOP_NONE,		/* expanded (it may still have no children) */
	IXQ_STOP_DEPTH,		/* at the depth asked for */
	IXQ_STOP_CYCLE,		/* already on the path from the root: cut */
	IXQ_STOP_REPEAT,	/* expanded earlier in this tree */
	IXQ_STOP_UNDEFINED,	/* not defined in the index (other directory, asm) */
	IXQ_STOP_UNRESOLVED,	/* a pointer call no indexed store resolves */
	IXQ_STOP_LIMIT,		/* the tree reached opts.max_nodes */
};

struct ixq_site {
	char *file;
	unsigned line, col;
};

struct ixq_node {
	/* the function; func.name is NULL for an unresolved pointer call */
	struct ixq_func func;
	/* the edge from the parent: for callers, the parent is the callee */
	enum ixq_call_kind kind;
	char *via;		/* macro, "record.member" or variable; NULL when direct */
	size_t nr_sites;
	struct ixq_site *sites;	/* call sites (in the calling function), in order */
	size_t nr_stores;
	struct ixq_store *stores; /* pointer edge through a slot: where the callee was put in it */
	enum ixq_stop stop;
	size_t nr_children;
	struct ixq_node *children;
};

struct ixq_tree_opts {
	enum ixq_dir dir;
	unsigned depth;		/* levels below the roots; 0 counts as 1 */
	bool repeat;		/* expand a function again each time it appears */
	size_t max_nodes;	/* 0: 20000 */
};

struct ixq_tree {
	enum ixq_dir dir;
	unsigned depth;
	size_t nr_roots;
	struct ixq_node *roots;	/* every definition of the name, by file */
	size_t nr_nodes;
	bool truncated;		/* max_nodes reached */
};

/*
 * Callers or callees of every function named name, to opts->depth levels.
 * Calls from one function to the same target are one node with several
 * sites.  A pointer call through "record.member" becomes one node per
 * function stored in that member (callees), and a function stored in a
 * member gains as callers the functions calling through it (callers).
 * For callers, a name only called (defined outside the index) is a root
 * with func.id 0.  -ENOENT when the index neither defines nor calls name.
 */
int ixq__call_tree(struct ixq *q, const char *name, const struct ixq_tree_opts *opts,
		   struct ixq_tree *out);
void ixq__tree_free(struct ixq_tree *t);

/* ---- suggestions ---- */

struct ixq_names {
	int n;
	char *name[16];
};

/* Nearest names the index knows: functions, records, members of record. */
int ixq__suggest_funcs(struct ixq *q, const char *name, int max, struct ixq_names *out);
int ixq__suggest_records(struct ixq *q, const char *record, int max, struct ixq_names *out);
int ixq__suggest_members(struct ixq *q, const char *record, const char *member, int max,
			 struct ixq_names *out);
bool ixq__has_record(struct ixq *q, const char *record);
void ixq__names_free(struct ixq_names *n);

/* ---- the running kernel ---- */

#define IXQ_MAX_CLONES 8

/* Can the running kernel trace a function, and how. */
struct ixq_kernel {
	bool btf_read;		/* /sys/kernel/btf/vmlinux (or the module's) was read */
	bool btf_func;		/* a BTF FUNC of that name: fentry/fexit can attach */
	bool kallsyms_read;	/* /proc/kallsyms was read */
	unsigned text_syms;	/* text symbols of exactly that name: kprobe can attach */
	char module[64];	/* the module holding it, "" for vmlinux */
	unsigned nr_clones;	/* compiler copies: name.isra.0, name.constprop.0, name.part.0 */
	char clones[IXQ_MAX_CLONES][128];
};

/* Looks name up in BTF and kallsyms; 0 even when neither could be read. */
int ixq__kernel_lookup(const char *name, struct ixq_kernel *k);
/*
 * The two halves of the text-symbol cache behind ixq__kernel_lookup(),
 * apart so they can be tested on any text (the cache file in /run may be
 * damaged: it is read, never trusted).  _make: the cache for kallsyms text
 * raw (modified in place): key, then "name" or "name\tmodule" lines in byte
 * order, so a name and its clones (name.isra.0) are adjacent; malloc'ed,
 * NULL when out of memory.  _find: what the cache text (len bytes,
 * NUL-terminated) says of name, into k.
 */
char *ixq__kernel_cache_make(const char *key, char *raw, size_t *len);
void ixq__kernel_cache_find(const char *text, size_t len, const char *name, struct ixq_kernel *k);

/* The members of a struct in the running kernel's BTF that the index never saw used. */
struct ixq_kernel_members {
	bool found;		/* BTF has a struct or union of that name */
	size_t nr_all;		/* its members, through anonymous structs and unions */
	size_t nr;
	char **names;		/* those absent from the stats, in declaration order */
};

int ixq__kernel_unused_members(const char *record, const struct ixq_record_stats *used,
			       struct ixq_kernel_members *out);
void ixq__kernel_members_free(struct ixq_kernel_members *m);

/*
 * record.member as the index stores it when member is a macro of the source
 * ("#define sk_state __sk_common.skc_state" makes sock.sk_state
 * sock_common.skc_state): the member of a struct nested in record (running
 * kernel's BTF) whose uses went through a macro named member.  0, or
 * -ENOENT when no use went through such a macro (or BTF is missing).
 */
int ixq__resolve_alias(struct ixq *q, const char *record, const char *member, char *rec_out,
		       size_t rec_size, char *mem_out, size_t mem_size);

/*
 * record.a.b.c as the index names it, through the running kernel's BTF:
 * a step into a named struct starts the name again there
 * (sock.__sk_common.skc_state is sock_common.skc_state), one into an
 * unnamed struct does not (sock.sk_backlog.len).  0, or -ENOENT when a step
 * is no member (or BTF is missing).
 */
int ixq__resolve_path(const char *record, const char *path, char *rec_out, size_t rec_size, char *mem_out,
		      size_t mem_size);

#endif
