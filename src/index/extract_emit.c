// SPDX-License-Identifier: GPL-2.0
/*
 * From clang's declarations to the names of records.h: which named record
 * a member belongs to, and the records handed to the sink, each reported
 * once per function even when a macro expands its argument three times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "index/extract_priv.h"

static int record_kind(CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);

	return k == CXCursor_StructDecl || k == CXCursor_UnionDecl;
}

struct field_match {
	CXCursor record, found;
};

static enum CXVisitorResult match_field(CXCursor field, CXClientData data)
{
	struct field_match *m = data;
	CXType t = ix_canon(clang_getCursorType(field));

	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
		t = ix_canon(clang_getArrayElementType(t));
	if (clang_equalCursors(clang_getTypeDeclaration(t), m->record)) {
		m->found = field;
		return CXVisit_Break;
	}
	return CXVisit_Continue;
}

/*
 * The named record a field belongs to, and the member's path in it.
 * Members of anonymous structs and unions belong to the enclosing record
 * (sk_buff.len); members of an unnamed struct with a member name get that
 * name as a prefix (sock.sk_backlog.len, as kernel-doc writes it); a
 * typedef'd unnamed struct is known by its typedef (socket_lock_t.owned).
 */
static void resolve_field(struct ix_unit *u, CXCursor field, struct ix_field *out)
{
	const char *name = ix_cursor_str(u, clang_getCursorSpelling(field));
	char path[256];
	CXCursor rec = clang_getCursorSemanticParent(field);

	out->record = "";
	out->member = NULL;
	if (!name || !*name)
		return;
	snprintf(path, sizeof(path), "%s", name);
	for (int depth = 0; depth < 16 && record_kind(rec); depth++) {
		const char *rname = ix_cursor_str(u, clang_getCursorSpelling(rec));
		CXCursor outer;

		if (rname && *rname) {
			out->record = rname;
			break;
		}
		outer = clang_getCursorSemanticParent(rec);
		if (clang_Cursor_isAnonymousRecordDecl(rec) && record_kind(outer)) {
			rec = outer;
			continue;
		}
		if (record_kind(outer)) {
			struct field_match m = { rec, clang_getNullCursor() };

			clang_Type_visitFields(clang_getCursorType(outer), match_field, &m);
			if (!clang_Cursor_isNull(m.found)) {
				CXString s = clang_getCursorSpelling(m.found);
				const char *outer_name = clang_getCString(s);
				size_t a = strlen(outer_name), b = strlen(path);

				if (a + 1 + b < sizeof(path)) {
					memmove(path + a + 1, path, b + 1);
					memcpy(path, outer_name, a);
					path[a] = '.';
				}
				clang_disposeString(s);
				rec = outer;
				continue;
			}
		}
		/*
		 * typedef struct { ... } socket_lock_t: the type is spelled by
		 * its typedef.  A struct with no name at all (a local
		 * struct { ... } rep;) has nothing a query could name: its
		 * members are not reported.
		 */
		out->record = ix_cursor_str(u, clang_getTypeSpelling(clang_getCursorType(rec)));
		if (!out->record || strchr(out->record, '('))
			return;
		break;
	}
	out->member = ix_arena_dup(&u->arena, path);
}

const struct ix_field *ix_field_info(struct ix_unit *u, CXCursor field)
{
	bool found;
	void **slot;
	struct ix_field *f;

	if (clang_getCursorKind(field) != CXCursor_FieldDecl)
		return NULL;
	/* a declaration cursor's data[0] is its Decl: one key per field */
	slot = ix_ptrmap_get(&u->fields, field.data[0], &found);
	if (!slot)
		return NULL;
	if (found)
		return *slot;
	f = ix_arena_alloc(&u->arena, sizeof(*f));
	if (f)
		resolve_field(u, field, f);
	*slot = f;
	return f;
}

static void put_loc(struct ix_unit *u, CXCursor at, struct ix_loc_full *l, struct ix_loc *out)
{
	ix_file_loc(at, l);
	out->file = ix_file_name(u, l->file);
	out->line = l->line;
	out->col = l->col;
}

static uint64_t loc_hash(uint64_t h, const struct ix_loc_full *l)
{
	h = ix_hash(h, &l->file, sizeof(l->file));
	h = ix_hash(h, &l->line, sizeof(l->line));
	return ix_hash(h, &l->col, sizeof(l->col));
}

static void send_access(struct ix_unit *u, const struct ix_access *a)
{
	u->stats->accesses++;
	if (u->sink->access)
		ix_sink_status(u, u->sink->access(u->sink->ctx, a));
}

void ix_emit_access(struct ix_unit *u, CXCursor field, CXCursor at, enum ix_mode mode)
{
	const struct ix_field *fi = ix_field_info(u, field);
	struct ix_access a = { 0 };
	struct ix_loc_full l;
	const char *indirect;
	uint64_t h, spot, value;

	if (!fi || !fi->member)
		return;
	put_loc(u, at, &l, &a.loc);
	a.func_usr = u->func_usr;
	a.record = fi->record;
	a.member = fi->member;
	a.mode = mode;
	a.via = ix_macros_chain(u, &l, &indirect);
	/* a macro argument expanded twice is one access, not two */
	h = ix_hash(0, "a", 1);
	h = ix_hash(h, &fi, sizeof(fi));
	h = ix_hash(h, &mode, sizeof(mode));
	h = ix_hash_str(loc_hash(h, &l), a.via);
	if (!ix_seen_add(&u->seen, h))
		return;
	/* where the member is spelled: evaluated there, and its value used there */
	spot = loc_hash(ix_hash(ix_hash(0, "e", 1), &fi, sizeof(fi)), &l);
	value = loc_hash(ix_hash(ix_hash(0, "v", 1), &fi, sizeof(fi)), &l);
	if (mode != IX_SIZE)
		ix_seen_add(&u->seen, spot);
	if (mode != IX_SIZE && mode != IX_ADDR) {
		ix_seen_add(&u->seen, value);
		send_access(u, &a);
		return;
	}
	if (u->nsizes == u->cap_sizes) {
		size_t cap = u->cap_sizes ? u->cap_sizes * 2 : 64;
		struct ix_size_use *v = realloc(u->sizes, cap * sizeof(*v));

		if (!v) {
			send_access(u, &a);	/* no memory to wait: report it now */
			return;
		}
		u->sizes = v;
		u->cap_sizes = cap;
	}
	/* via points into u->via, which the next access overwrites */
	a.via = a.via ? ix_arena_dup(&u->arena, a.via) : NULL;
	u->sizes[u->nsizes++] = (struct ix_size_use){ .fi = fi, .a = a,
						      .at = mode == IX_SIZE ? spot : value };
}

/*
 * The sizeof/typeof uses and the address-takings of the function just
 * walked, held back until now.  One spelled member is one access: several
 * at one place come from a macro that expands its argument several times.
 * READ_ONCE(x), WRITE_ONCE(x, v) and container_of() check their argument
 * with sizeof or typeof besides evaluating it; bitop() (test_bit,
 * __set_bit since 6.2) compares its &x with NULL besides passing it to the
 * operation.  Those copies say nothing the access does not: a size use is
 * reported only where nothing evaluates the member, an address-taking only
 * where nothing reads or writes it (sizeof(skb->cb), &sk->sk_lock passed on).
 */
void ix_emit_sizes(struct ix_unit *u)
{
	for (size_t i = 0; i < u->nsizes && !u->err; i++)
		if (!ix_seen_has(&u->seen, u->sizes[i].at))
			send_access(u, &u->sizes[i].a);
	u->nsizes = 0;
}

/* Who holds an initializer: the variable, else the function. */
static const char *init_holder(struct ix_unit *u)
{
	for (unsigned j = u->nframes; j-- > 0;) {
		if (u->frames[j].kind == CXCursor_VarDecl)
			return ix_cursor_str(u, clang_getCursorSpelling(u->frames[j].cur));
	}
	return u->holder ? u->holder : u->func_name;
}

void ix_emit_fnref(struct ix_unit *u, CXCursor field, CXCursor fn, CXCursor at,
		       enum ix_fnref_kind kind)
{
	const struct ix_field *fi = ix_field_info(u, field);
	struct ix_fnref r = { 0 };
	struct ix_loc_full l;
	uint64_t h;

	if (!fi || !fi->member)
		return;
	put_loc(u, at, &l, &r.loc);
	r.record = fi->record;
	r.member = fi->member;
	r.func_usr = ix_cursor_str(u, clang_getCursorUSR(fn));
	r.func_name = ix_cursor_str(u, clang_getCursorSpelling(fn));
	r.holder = kind == IX_FNREF_INIT ? init_holder(u) : u->func_name;
	r.kind = kind;
	h = ix_hash(0, "r", 1);
	h = ix_hash(h, &fi, sizeof(fi));
	h = ix_hash_str(loc_hash(h, &l), r.func_usr);
	if (!ix_seen_add(&u->seen, h))
		return;
	u->stats->fnrefs++;
	if (u->sink->fnref)
		ix_sink_status(u, u->sink->fnref(u->sink->ctx, &r));
}

void ix_emit_call(struct ix_unit *u, CXCursor at, CXCursor callee, enum ix_call_kind kind,
		      const char *via, const struct ix_loc_full *l)
{
	struct ix_call c = { 0 };
	uint64_t h;

	c.caller_usr = u->func_usr;
	if (!clang_Cursor_isNull(callee)) {
		c.callee_usr = ix_cursor_str(u, clang_getCursorUSR(callee));
		c.callee_name = ix_cursor_str(u, clang_getCursorSpelling(callee));
	}
	c.kind = kind;
	c.via = via;
	c.loc.file = ix_file_name(u, l->file);
	c.loc.line = l->line;
	c.loc.col = l->col;
	h = ix_hash(0, "c", 1);
	h = ix_hash(h, &kind, sizeof(kind));
	h = ix_hash_str(h, c.callee_usr);
	h = ix_hash_str(loc_hash(h, l), via);
	if (!ix_seen_add(&u->seen, h))
		return;
	u->stats->calls++;
	if (u->sink->call)
		ix_sink_status(u, u->sink->call(u->sink->ctx, &c));
}
