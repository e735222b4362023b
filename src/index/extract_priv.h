/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the extractor, shared by extract.c (the unit: parse,
 * diagnostics, dependencies, functions), extract_walk.c (function bodies
 * and initializers), extract_ast.c (AST helpers libclang 14 lacks),
 * extract_emit.c (record names, records to the sink), extract_macro.c
 * (which macros hold a location) and extract_util.c (string arena and
 * hash tables).
 */
#ifndef NETSCOPE_INDEX_EXTRACT_PRIV_H
#define NETSCOPE_INDEX_EXTRACT_PRIV_H

#include <stdint.h>
#include "index/extract.h"

/* Strings that live as long as the unit: one malloc per 64 KiB. */
struct ix_arena {
	struct ix_chunk *head;
	size_t left;
	char *next;
};

const char *ix_arena_dup(struct ix_arena *a, const char *s);
void *ix_arena_alloc(struct ix_arena *a, size_t n);
const char *ix_arena_ndup(struct ix_arena *a, const char *s, size_t n);
void ix_arena_free(struct ix_arena *a);

/* An open-addressing map from a pointer (a clang Decl, a CXFile) to a pointer. */
struct ix_ptrmap {
	struct ix_ptrmap_slot { const void *key; void *val; } *slots;
	size_t n, cap;
};

void **ix_ptrmap_get(struct ix_ptrmap *m, const void *key, bool *found);
void ix_ptrmap_free(struct ix_ptrmap *m);

/*
 * A set of 64-bit hashes cleared in O(1) (a generation counter): the
 * records already reported in the current function, so that a macro
 * argument expanded three times is reported once.
 */
struct ix_seen {
	struct ix_seen_slot { uint64_t h; unsigned gen; } *slots;
	size_t n, cap;
	unsigned gen;
};

bool ix_seen_add(struct ix_seen *s, uint64_t h);	/* false if already there */
bool ix_seen_has(const struct ix_seen *s, uint64_t h);
void ix_seen_clear(struct ix_seen *s);
void ix_seen_free(struct ix_seen *s);
uint64_t ix_hash(uint64_t h, const void *p, size_t n);
uint64_t ix_hash_str(uint64_t h, const char *s);

/* One recorded macro expansion (only those written in a file are recorded). */
struct ix_macro {
	CXCursor cur;
	CXFile file;
	unsigned begin, end;	/* file offsets of the name and of the last token */
	int parent;		/* the expansion whose text holds this one, or -1 */
	const char *name;	/* filled on first use */
};

struct ix_macros {
	struct ix_macro *v;
	size_t n, cap;
};

/*
 * An access in sizeof/typeof, or an address-taking, held until the walk of
 * its function ends (ix_emit_sizes() says why).
 */
struct ix_size_use {
	const struct ix_field *fi;
	struct ix_access a;
	uint64_t at;		/* the spot whose use makes this one a macro's copy */
};

/* One node of the walk: our own parent stack (libclang has no parent links). */
struct ix_frame {
	CXCursor cur;
	enum CXCursorKind kind;
	unsigned kids;		/* first child in ix_unit.kids */
	unsigned nkids;
	unsigned idx;		/* the child being walked */
	int init;		/* VarDecl: index of the initializer child, -1 none */
	bool uneval;		/* inside sizeof/typeof/offsetof/...: not evaluated */
	bool kids_uneval;	/* all children unevaluated (offsetof, builtins) */
	/*
	 * CallExpr: the callee reads or writes what one argument points to
	 * (memset's destination, atomic_inc's counter): that argument's child
	 * index (0: none) and the mode an &member there gets
	 */
	unsigned char ptr_arg;
	unsigned char ptr_mode;
};

struct ix_loc_full {
	CXFile file;
	unsigned line, col, off;
};

struct ix_unit {
	CXTranslationUnit tu;
	const struct ix_sink *sink;
	struct ix_unit_stats *stats;
	CXFile main_file;
	int err;			/* first non-zero sink return */

	const char *func_usr;		/* function being walked, NULL at file scope */
	const char *func_name;
	const char *holder;		/* file-scope variable being walked */

	struct ix_frame *frames;
	unsigned nframes, cap_frames;
	CXCursor *kids;
	unsigned nkids, cap_kids;

	struct ix_macros macros;
	struct ix_ptrmap fields;	/* FieldDecl -> struct ix_field */
	struct ix_ptrmap files;		/* CXFile -> name in the arena */
	struct ix_ptrmap wanted;	/* files whose macro expansions matter */
	struct ix_ptrmap deps;		/* files reported as dependencies */
	struct ix_seen seen;
	struct ix_size_use *sizes;	/* this function's IX_SIZE and IX_ADDR accesses */
	size_t nsizes, cap_sizes;
	struct ix_arena arena;
	CXPrintingPolicy policy;
	char via[512];
};

/* What a FieldDecl resolves to: the named record and the member path in it. */
struct ix_field {
	const char *record;
	const char *member;	/* NULL: an unnamed field, not reported */
};

/* extract.c */
void ix_file_loc(CXCursor c, struct ix_loc_full *l);
const char *ix_file_name(struct ix_unit *u, CXFile f);
const char *ix_cursor_str(struct ix_unit *u, CXString s);
int ix_sink_status(struct ix_unit *u, int rc);

/* extract_walk.c */
void ix_walk(struct ix_unit *u, CXCursor c);

/* extract_ast.c */
CXType ix_canon(CXType t);
bool ix_is_array(CXType t);
bool ix_is_pointer(CXType t);
bool ix_is_addrof(CXCursor op, CXCursor sub);
bool ix_is_deref(CXCursor op, CXCursor sub);
unsigned ix_kids_of(struct ix_unit *u, CXCursor c, unsigned *first);
int ix_var_init_index(struct ix_unit *u, CXCursor var, unsigned first, unsigned n);
CXCursor ix_strip(struct ix_unit *u, CXCursor c);
CXCursor ix_function_of(struct ix_unit *u, CXCursor expr);

/* extract_emit.c */
const struct ix_field *ix_field_info(struct ix_unit *u, CXCursor field);
void ix_emit_access(struct ix_unit *u, CXCursor field, CXCursor at, enum ix_mode mode);
void ix_emit_sizes(struct ix_unit *u);
void ix_emit_fnref(struct ix_unit *u, CXCursor field, CXCursor fn, CXCursor at,
		   enum ix_fnref_kind kind);
void ix_emit_call(struct ix_unit *u, CXCursor at, CXCursor callee, enum ix_call_kind kind,
		  const char *via, const struct ix_loc_full *l);

/* extract_macro.c */
void ix_macros_add(struct ix_macros *m, CXCursor c);
void ix_macros_index(struct ix_unit *u);
const char *ix_macros_chain(struct ix_unit *u, const struct ix_loc_full *l,
			    const char **indirect);
void ix_macros_free(struct ix_macros *m);

#endif
