/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the source extractor finds in one translation unit, handed to a sink.
 *
 * The extractor (extract.c) walks libclang's AST of one .c file and reports
 * facts; the driver (driver.c) ships them from worker processes to the store
 * (store.c), which writes SQLite.  Neither side knows the other's details:
 * this header is the whole contract.
 *
 * Strings passed to a sink callback are valid only during the call.
 * Paths are as given to / reported by clang; the store makes them relative
 * to the tree root.
 */
#ifndef NETSCOPE_INDEX_RECORDS_H
#define NETSCOPE_INDEX_RECORDS_H

#include <stdbool.h>

struct ix_loc {
	const char *file;
	unsigned line, col;
};

/* A function definition (declarations alone are not reported). */
struct ix_func {
	const char *usr;	/* clang USR: unique, statics carry their file */
	const char *name;
	struct ix_loc loc;	/* of the name */
	unsigned end_line;	/* last line of the body */
	bool is_static, is_inline;
	bool in_header;		/* defined outside the main file */
	const char *summary;	/* kernel-doc one-liner ("name - summary"), or NULL */
};

enum ix_call_kind {
	IX_CALL_DIRECT,		/* foo(...) */
	IX_CALL_MACRO,		/* a direct call spelled inside INDIRECT_CALL_* */
	IX_CALL_POINTER,	/* through a function pointer: via names the slot */
	IX_CALL_CALLBACK,	/* a function passed as an argument: NF_HOOK(..., ip_rcv_finish) */
};

/*
 * A call inside a function body.  For IX_CALL_POINTER through a struct
 * member, via is "struct.member" (the slot ops tables fill, see ix_fnref);
 * through a variable or parameter it is that name; callee_* are NULL.
 * For IX_CALL_MACRO, via is the macro (INDIRECT_CALL_2, ...).  For
 * IX_CALL_CALLBACK, callee_* is the function passed and via the function
 * it is passed to with the parameter that takes it ("NF_HOOK(okfn)"): the
 * kernel links most of its receive path so (netfilter hooks call their
 * okfn, call_rcu and timers call theirs later), and no call by name shows it.
 */
struct ix_call {
	const char *caller_usr;
	const char *callee_usr, *callee_name;
	enum ix_call_kind kind;
	const char *via;
	struct ix_loc loc;
};

enum ix_mode {
	IX_READ,
	IX_WRITE,	/* =, WRITE_ONCE, smp_store_release, memset/memcpy dest */
	IX_RW,		/* +=, |=, ++, -- */
	IX_ADDR,	/* &x, array decay, passed by address */
	IX_INIT,	/* designated initializer .member = ... */
	IX_SIZE,	/* sizeof/typeof/__builtin_*object_size: not evaluated */
};

/*
 * A struct/union member access.  record is the named struct or union the
 * member belongs to: members of anonymous unions report their enclosing
 * named record (sk_buff.len), members of named nested records their own
 * (sock_common.skc_state).  via lists the macros whose expansion holds the
 * access, outermost first, comma-separated ("WRITE_ONCE,sk_state"), or NULL.
 */
struct ix_access {
	const char *func_usr;	/* NULL at file scope */
	const char *record, *member;
	enum ix_mode mode;
	const char *via;
	struct ix_loc loc;
};

enum ix_fnref_kind {
	IX_FNREF_INIT,		/* static struct net_protocol tcp_protocol = { .handler = tcp_v4_rcv } */
	IX_FNREF_ASSIGN,	/* sk->sk_data_ready = sock_def_readable; */
};

/* A function stored into a function-pointer member: an indirect-call target. */
struct ix_fnref {
	const char *record, *member;
	const char *func_usr, *func_name;
	const char *holder;	/* variable initialized, or function assigning */
	enum ix_fnref_kind kind;
	struct ix_loc loc;
};

struct ix_sink {
	void *ctx;
	/* Return non-zero to abort the unit. */
	int (*func)(void *ctx, const struct ix_func *f);
	int (*call)(void *ctx, const struct ix_call *c);
	int (*access)(void *ctx, const struct ix_access *a);
	int (*fnref)(void *ctx, const struct ix_fnref *r);
	/* Every file the unit read (the main file and its includes). */
	int (*dep)(void *ctx, const char *path);
	/* A diagnostic of severity error or fatal. */
	int (*diag)(void *ctx, const char *file, unsigned line, const char *msg);
	/*
	 * Asked once per function defined outside the main file, before its
	 * body is walked: true means this unit reports it (and its calls and
	 * accesses), false means another unit already did.  NULL: always true.
	 */
	bool (*claim)(void *ctx, const char *usr);
};

#endif
