// SPDX-License-Identifier: GPL-2.0
/*
 * The walk of a function body or a file-scope initializer: calls, member
 * accesses with their mode, and functions stored into members.
 *
 * libclang gives children but no parents, so the walk keeps its own stack
 * of frames (node, children, which child is being walked).  The mode of an
 * access is read from that stack, going up from the member expression.
 *
 * libclang 14 cannot tell the operator of a BinaryOperator or
 * UnaryOperator (clang_getCursorBinaryOperatorKind came in LLVM 17;
 * clang_getCursorPrettyPrinted prints declarations only, and tokens are
 * useless inside macro expansions).  C's value categories tell enough:
 * every operator except `=`, `op=`, `&`, `++` and `--` converts an lvalue
 * operand to its value first (C11 6.3.2.1p2), which clang spells as an
 * implicit cast (an UnexposedExpr).  So a member expression that reaches
 * an operator with no implicit cast in between is being written, changed
 * in place, or having its address taken, and `&` and `*` are told apart by
 * their types (T * from T, T from T *).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "index/extract_priv.h"

/* Callees that write through their first argument (include/linux/string.h, uaccess.h). */
static const char *const dest_arg0_funcs[] = {
	"memset", "memcpy", "memmove", "memzero_explicit", "memcpy_and_pad",
	"__memset", "__memcpy", "__memmove",
	"__builtin_memset", "__builtin_memcpy", "__builtin_memmove",
	"strcpy", "strncpy", "strlcpy", "strscpy", "strscpy_pad",
	"sized_strscpy", "sized_strscpy_pad",	/* what strscpy() expands to since 6.8 */
	"copy_from_user", "_copy_from_user", "__copy_from_user",
	"copy_from_sockptr", "copy_from_sockptr_offset",
};

/* Builtins whose arguments are never evaluated: accesses in them are IX_SIZE. */
static const char *const unevaluated_funcs[] = {
	"__builtin_object_size",
	"__builtin_dynamic_object_size",
	"__builtin_constant_p",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

#define IN_LIST(name, list) in_list(name, list, sizeof(list) / sizeof(list[0]))

/*
 * The kernel's atomic and bit APIs take the object by address and read,
 * write or change it in place (include/linux/atomic/atomic-instrumented.h,
 * include/linux/bitops.h): atomic_inc(&sk->sk_drops) changes sk_drops,
 * test_bit(SOCK_DEAD, &sk->sk_flags) reads sk_flags.  Without these tables
 * both would be mere address-takings.  Atomic families by prefix, longest
 * first (atomic_long_read is no atomic_ op "long_read"), the mode and the
 * argument by the rest of the name.
 */
static const char *const atomic_families[] = {
	"raw_atomic_long_", "raw_atomic64_", "raw_atomic_", "atomic_long_", "atomic64_", "atomic_",
	"refcount_",
};

/* operations (after the family) whose first argument is a value, the object second */
static const char *const atomic_value_first[] = { "add", "sub", "and", "or", "xor", "fetch_" };

/*
 * Bit operations, whose object is their second argument.  Since 6.2
 * __set_bit(nr, addr) and test_bit(nr, addr) are bitop(___set_bit, ...)
 * and bitop(_test_bit, ...), which call ___set_bit() or const___set_bit()
 * (include/linux/bitops.h): those names are here too.
 */
static const char *const bit_reads[] = {
	"test_bit", "test_bit_acquire", "_test_bit", "_test_bit_acquire", "const_test_bit",
	"const_test_bit_acquire", "variable_test_bit",
};
static const char *const bit_changes[] = {
	"set_bit", "clear_bit", "change_bit", "__set_bit", "__clear_bit", "__change_bit",
	"___set_bit", "___clear_bit", "___change_bit", "const___set_bit", "const___clear_bit",
	"const___change_bit", "test_and_set_bit", "test_and_clear_bit", "test_and_change_bit",
	"__test_and_set_bit", "__test_and_clear_bit", "__test_and_change_bit", "___test_and_set_bit",
	"___test_and_clear_bit", "___test_and_change_bit", "const___test_and_set_bit",
	"const___test_and_clear_bit", "const___test_and_change_bit", "test_and_set_bit_lock",
	"clear_bit_unlock", "__clear_bit_unlock", "assign_bit", "__assign_bit",
};

static bool starts_with_any(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(s, list[i], strlen(list[i])))
			return true;
	return false;
}

/* the argument (child index of the CallExpr) a callee reads or writes through, and how */
static void pointer_argument(const char *name, struct ix_frame *f)
{
	if (IN_LIST(name, dest_arg0_funcs)) {
		f->ptr_arg = 1;
		f->ptr_mode = IX_WRITE;
		return;
	}
	if (IN_LIST(name, bit_reads) || IN_LIST(name, bit_changes)) {
		f->ptr_arg = 2;
		f->ptr_mode = IN_LIST(name, bit_reads) ? IX_READ : IX_RW;
		return;
	}
	for (size_t i = 0; i < sizeof(atomic_families) / sizeof(atomic_families[0]); i++) {
		size_t len = strlen(atomic_families[i]);
		const char *op = name + len;

		if (strncmp(name, atomic_families[i], len))
			continue;
		/* atomic_add(i, v), refcount_sub_and_test(i, r); but atomic_add_unless(v, a, u) */
		f->ptr_arg = starts_with_any(op, atomic_value_first, sizeof(atomic_value_first) /
					     sizeof(atomic_value_first[0])) && !strstr(op, "unless") ? 2 : 1;
		if (!strcmp(op, "read") || !strcmp(op, "read_acquire"))
			f->ptr_mode = IX_READ;
		else if (!strcmp(op, "set") || !strcmp(op, "set_release"))
			f->ptr_mode = IX_WRITE;
		else
			f->ptr_mode = IX_RW;	/* inc, add_return, cmpxchg, dec_and_test, ... */
		return;
	}
}

/*
 * The slot a function pointer variable was loaded from.  INDIRECT_CALL_2()
 * copies its pointer into locals (typeof(f) __f2 = (f); then __f1 = __f2;
 * since 6.4) before the fallback call __f1(args): following the
 * initializers of local variables finds the member again
 * (net_protocol.handler).  A variable assigned after its declaration keeps
 * its own name.
 */
static const char *var_slot(struct ix_unit *u, CXCursor var)
{
	const char *name = ix_cursor_str(u, clang_getCursorSpelling(var));

	for (int hops = 0; hops < 8; hops++) {
		unsigned first, n;
		int init;
		CXCursor e;

		if (clang_getCursorKind(var) != CXCursor_VarDecl ||
		    clang_Cursor_getStorageClass(var) != CX_SC_None ||
		    clang_getCursorKind(clang_getCursorSemanticParent(var)) != CXCursor_FunctionDecl)
			break;
		n = ix_kids_of(u, var, &first);
		init = ix_var_init_index(u, var, first, n);
		e = init >= 0 ? u->kids[first + init] : clang_getNullCursor();
		u->nkids = first;
		if (clang_Cursor_isNull(e))
			break;
		e = ix_strip(u, e);
		if (clang_getCursorKind(e) == CXCursor_MemberRefExpr) {
			const struct ix_field *fi = ix_field_info(u, clang_getCursorReferenced(e));
			char buf[512];

			if (!fi || !fi->member)
				break;
			snprintf(buf, sizeof(buf), "%s.%s", fi->record, fi->member);
			return ix_arena_dup(&u->arena, buf);
		}
		if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
			break;
		var = clang_getCursorReferenced(e);
		if (clang_getCursorKind(var) == CXCursor_ParmDecl)
			return ix_cursor_str(u, clang_getCursorSpelling(var));
	}
	return name;
}

/*
 * Functions passed as arguments to the function called in frame fi:
 * NF_HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, ..., ip_rcv_finish) is how
 * ip_rcv() goes on to ip_rcv_finish(), through NF_HOOK's okfn.  Each is a
 * callback edge from the function walked, via "NF_HOOK(okfn)", at the
 * place the function is named.
 */
static void on_callbacks(struct ix_unit *u, unsigned fi, CXCursor callee)
{
	const struct ix_frame *f = &u->frames[fi];
	const char *callee_name = NULL;
	int nparams = -1;

	for (unsigned i = 1; i < f->nkids && !u->err; i++) {
		CXCursor arg = u->kids[f->kids + i], fn, parm;
		char via[256];
		const char *pname = NULL;
		struct ix_loc_full l;

		if (!clang_isExpression(clang_getCursorKind(arg)))
			continue;
		fn = ix_function_of(u, arg);
		if (clang_Cursor_isNull(fn))
			continue;
		if (!callee_name) {
			callee_name = ix_cursor_str(u, clang_getCursorSpelling(callee));
			nparams = clang_Cursor_getNumArguments(callee);
		}
		parm = (int)i - 1 < nparams ? clang_Cursor_getArgument(callee, i - 1) : clang_getNullCursor();
		if (!clang_Cursor_isNull(parm))
			pname = ix_cursor_str(u, clang_getCursorSpelling(parm));
		if (pname && *pname)
			snprintf(via, sizeof(via), "%s(%s)", callee_name, pname);
		else
			snprintf(via, sizeof(via), "%s(argument %u)", callee_name, i);
		ix_file_loc(arg, &l);
		ix_emit_call(u, arg, fn, IX_CALL_CALLBACK, ix_arena_dup(&u->arena, via), &l);
	}
}

static void on_call(struct ix_unit *u, unsigned fi)
{
	struct ix_frame *f = &u->frames[fi];
	CXCursor ref = clang_getCursorReferenced(f->cur);
	enum CXCursorKind rk = clang_getCursorKind(ref);
	const char *via = NULL, *indirect;
	struct ix_loc_full l;

	if (!f->nkids)
		return;
	if (rk != CXCursor_FunctionDecl && rk != CXCursor_FieldDecl && rk != CXCursor_VarDecl &&
	    rk != CXCursor_ParmDecl) {
		/* (*fp)(x), (fp)(x): libclang does not look through parens */
		CXCursor c = ix_strip(u, u->kids[f->kids]);

		ref = clang_getCursorReferenced(c);
		rk = clang_getCursorKind(ref);
		if (clang_getCursorKind(c) != CXCursor_DeclRefExpr &&
		    clang_getCursorKind(c) != CXCursor_MemberRefExpr)
			rk = CXCursor_InvalidCode;
	}
	if (rk == CXCursor_FunctionDecl) {
		CXString s = clang_getCursorSpelling(ref);
		const char *name = clang_getCString(s);
		bool builtin = !strncmp(name, "__builtin_", 10);

		pointer_argument(name, f);
		f->kids_uneval = IN_LIST(name, unevaluated_funcs);
		clang_disposeString(s);
		/* sizeof(f(x)) calls nothing; builtins are no kernel function */
		if (f->uneval || builtin)
			return;
		ix_file_loc(f->cur, &l);
		ix_macros_chain(u, &l, &indirect);
		if (indirect)
			ix_emit_call(u, f->cur, ref, IX_CALL_MACRO, indirect, &l);
		else
			ix_emit_call(u, f->cur, ref, IX_CALL_DIRECT, NULL, &l);
		on_callbacks(u, fi, ref);
		return;
	}
	if (f->uneval)
		return;
	if (rk == CXCursor_FieldDecl) {
		const struct ix_field *fl = ix_field_info(u, ref);
		char buf[512];

		if (fl && fl->member) {
			snprintf(buf, sizeof(buf), "%s.%s", fl->record, fl->member);
			via = ix_arena_dup(&u->arena, buf);
		}
	} else if (rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl) {
		via = var_slot(u, ref);
	}
	ix_file_loc(f->cur, &l);
	ix_emit_call(u, f->cur, clang_getNullCursor(), IX_CALL_POINTER, via, &l);
}

/*
 * How the member expression on top of the stack is used, going up through
 * its parents.  The state is "lvalue" (the object itself) or "address" (a
 * pointer to it, after & or array decay).  *assign gets the frame of the
 * `=` when the member itself is its left-hand side (for IX_FNREF_ASSIGN).
 */
static enum ix_mode access_mode(struct ix_unit *u, unsigned fi, int *assign)
{
	bool addr = false, direct = true;

	*assign = -1;
	for (unsigned j = fi; j-- > 0;) {
		const struct ix_frame *p = &u->frames[j];
		CXCursor sub = u->frames[j + 1].cur;

		switch (p->kind) {
		case CXCursor_ParenExpr:
			continue;
		case CXCursor_UnexposedExpr:
			/* an implicit cast; with more children it is something else */
			if (p->nkids != 1)
				break;
			if (addr)
				continue;	/* pointer conversions */
			if (ix_is_array(clang_getCursorType(sub))) {
				addr = true;	/* array decay: skb->cb as a char * */
				continue;
			}
			return IX_READ;		/* lvalue-to-rvalue: the value is read */
		case CXCursor_CStyleCastExpr:
			if (addr)
				continue;
			break;
		case CXCursor_MemberRefExpr:
			/* a.b.c = x writes a.b too; a->b->c reads a->b */
			if (addr || ix_is_pointer(clang_getCursorType(sub)))
				break;
			direct = false;
			continue;
		case CXCursor_ArraySubscriptExpr:
			/* skb->cb[0] = x writes skb->cb */
			if (!addr)
				break;
			addr = false;
			continue;
		case CXCursor_UnaryOperator:
			if (addr) {
				if (!ix_is_deref(p->cur, sub))
					break;
				addr = false;	/* *&x: WRITE_ONCE, smp_store_release */
				continue;
			}
			if (ix_is_addrof(p->cur, sub)) {
				addr = true;
				continue;
			}
			/*
			 * ++ or --: the other operators on an lvalue are
			 * __real, __imag and __extension__, which the kernel
			 * does not use.
			 */
			return IX_RW;
		case CXCursor_BinaryOperator:
			/* the only binary operator whose left side stays an lvalue is = */
			if (addr || p->idx != 0)
				break;
			if (direct)
				*assign = j;
			return IX_WRITE;
		case CXCursor_CompoundAssignOperator:
			if (addr || p->idx != 0)
				break;
			return IX_RW;
		case CXCursor_CallExpr:
			if (addr && p->ptr_arg && p->idx == p->ptr_arg)
				return p->ptr_mode;
			break;
		case CXCursor_GenericSelectionExpr:
			/* the chosen association is the result, an lvalue if it was one */
			if (p->idx > 0)
				continue;
			break;
		default:
			break;
		}
		break;
	}
	return addr ? IX_ADDR : IX_READ;
}

static void on_member_expr(struct ix_unit *u, unsigned fi)
{
	CXCursor me = u->frames[fi].cur;
	CXCursor field = clang_getCursorReferenced(me);
	const struct ix_field *fl = ix_field_info(u, field);
	enum ix_mode mode;
	int assign;

	if (!fl || !fl->member)
		return;
	if (u->frames[fi].uneval) {
		ix_emit_access(u, field, me, IX_SIZE);
		return;
	}
	mode = access_mode(u, fi, &assign);
	ix_emit_access(u, field, me, mode);
	if (assign >= 0 && u->func_usr) {
		const struct ix_frame *p = &u->frames[assign];
		CXCursor fn;

		if (p->nkids < 2)
			return;
		fn = ix_function_of(u, u->kids[p->kids + 1]);
		if (!clang_Cursor_isNull(fn))
			ix_emit_fnref(u, field, fn, me, IX_FNREF_ASSIGN);
	}
}

/* A designated initializer: .a.b = x is an UnexposedExpr (void) of MemberRefs and x. */
static bool is_designated(struct ix_unit *u, CXCursor c, CXCursor *first_field)
{
	unsigned first, n;
	bool yes = false;

	if (clang_getCursorKind(c) != CXCursor_UnexposedExpr ||
	    clang_getCursorType(c).kind != CXType_Void)
		return false;
	n = ix_kids_of(u, c, &first);
	for (unsigned i = 0; i < n; i++) {
		if (clang_getCursorKind(u->kids[first + i]) == CXCursor_MemberRef) {
			*first_field = clang_getCursorReferenced(u->kids[first + i]);
			yes = true;
			break;
		}
	}
	u->nkids = first;
	return yes;
}

static void on_designated(struct ix_unit *u, unsigned fi)
{
	const struct ix_frame *f = &u->frames[fi];
	enum ix_mode mode = f->uneval ? IX_SIZE : IX_INIT;
	CXCursor last_field = clang_getNullCursor(), init, fn;

	for (unsigned i = 0; i < f->nkids && !u->err; i++) {
		CXCursor k = u->kids[f->kids + i];

		if (clang_getCursorKind(k) != CXCursor_MemberRef)
			continue;
		last_field = clang_getCursorReferenced(k);
		ix_emit_access(u, last_field, k, mode);
	}
	init = u->kids[f->kids + f->nkids - 1];
	if (clang_Cursor_isNull(last_field) || !clang_isExpression(clang_getCursorKind(init)))
		return;
	fn = ix_function_of(u, init);
	if (!clang_Cursor_isNull(fn))
		ix_emit_fnref(u, last_field, fn, init, IX_FNREF_INIT);
}

/* offsetof(T, a.b): an UnexposedExpr of a TypeRef and MemberRefs, never evaluated */
static void on_offsetof(struct ix_unit *u, unsigned fi)
{
	struct ix_frame *f = &u->frames[fi];

	f->kids_uneval = true;
	for (unsigned i = 0; i < f->nkids && !u->err; i++) {
		CXCursor k = u->kids[f->kids + i];

		if (clang_getCursorKind(k) == CXCursor_MemberRef)
			ix_emit_access(u, clang_getCursorReferenced(k), k, IX_SIZE);
	}
}

static void on_unexposed(struct ix_unit *u, unsigned fi)
{
	const struct ix_frame *f = &u->frames[fi];
	bool refs = false;

	for (unsigned i = 0; i < f->nkids; i++)
		if (clang_getCursorKind(u->kids[f->kids + i]) == CXCursor_MemberRef)
			refs = true;
	if (!refs)
		return;
	if (clang_getCursorType(f->cur).kind == CXType_Void && fi > 0 &&
	    u->frames[fi - 1].kind == CXCursor_InitListExpr)
		on_designated(u, fi);
	else
		on_offsetof(u, fi);
}

struct field_list {
	CXCursor v[128];
	unsigned n;
};

static enum CXVisitorResult list_field(CXCursor field, CXClientData data)
{
	struct field_list *l = data;

	if (l->n == sizeof(l->v) / sizeof(l->v[0]))
		return CXVisit_Break;
	l->v[l->n++] = field;
	return CXVisit_Continue;
}

/*
 * Positional initializers of a struct: { tcp_v4_rcv, tcp_v4_err } fills
 * the members in order, and after a designator the order goes on from it.
 * The mapping stops where it could be wrong: at an anonymous member or
 * where braces were elided (a scalar given for a struct or array member).
 */
static void on_init_list(struct ix_unit *u, unsigned fi)
{
	CXType t = ix_canon(clang_getCursorType(u->frames[fi].cur));
	struct field_list fields;
	enum ix_mode mode = u->frames[fi].uneval ? IX_SIZE : IX_INIT;
	unsigned pos = 0;

	if (t.kind != CXType_Record)
		return;
	fields.n = 0;
	clang_Type_visitFields(t, list_field, &fields);
	for (unsigned i = 0; i < u->frames[fi].nkids && !u->err; i++) {
		CXCursor k = u->kids[u->frames[fi].kids + i], field, fn, designated;
		enum CXCursorKind kk = clang_getCursorKind(k);
		CXType ft;

		if (is_designated(u, k, &designated)) {
			for (pos = 0; pos < fields.n; pos++)
				if (clang_equalCursors(fields.v[pos], designated))
					break;
			pos++;
			continue;
		}
		if (!clang_isExpression(kk) || pos >= fields.n)
			continue;
		field = fields.v[pos++];
		ft = ix_canon(clang_getCursorType(field));
		if (!ix_field_info(u, field) || !ix_field_info(u, field)->member ||
		    ((ft.kind == CXType_Record || ix_is_array(ft)) && kk != CXCursor_InitListExpr &&
		     kk != CXCursor_StringLiteral &&
		     !clang_equalTypes(ix_canon(clang_getCursorType(k)), ft))) {
			pos = fields.n;
			continue;
		}
		ix_emit_access(u, field, k, mode);
		fn = ix_function_of(u, k);
		if (!clang_Cursor_isNull(fn))
			ix_emit_fnref(u, field, fn, k, IX_FNREF_INIT);
	}
}

/* Children worth no visit: leaves, types, nested declarations. */
static bool skipped(enum CXCursorKind k)
{
	switch (k) {
	case CXCursor_TypeRef:
	case CXCursor_MemberRef:	/* seen with their parent */
	case CXCursor_DeclRefExpr:
	case CXCursor_IntegerLiteral:
	case CXCursor_FloatingLiteral:
	case CXCursor_CharacterLiteral:
	case CXCursor_StringLiteral:
	case CXCursor_ParmDecl:
	case CXCursor_TypedefDecl:
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
	case CXCursor_EnumDecl:
	case CXCursor_FieldDecl:
	case CXCursor_FunctionDecl:	/* extern void __compiletime_assert_N(void) */
	case CXCursor_LabelRef:
	case CXCursor_NullStmt:
	case CXCursor_GotoStmt:
	case CXCursor_BreakStmt:
	case CXCursor_ContinueStmt:
		return true;
	default:
		return clang_isAttribute(k);
	}
}

/* Is child i of frame fi in a context that is never evaluated? */
static bool kid_uneval(const struct ix_frame *f, unsigned i)
{
	if (f->kids_uneval)
		return true;
	switch (f->kind) {
	case CXCursor_UnaryExpr:		/* sizeof, _Alignof */
	case CXCursor_StaticAssert:
		return true;
	case CXCursor_CStyleCastExpr:		/* (typeof(x) *)p: the type comes first */
	case CXCursor_CompoundLiteralExpr:
		return i + 1 < f->nkids;
	case CXCursor_VarDecl:			/* typeof(x) v = ...; */
		return (int)i != f->init;
	case CXCursor_GenericSelectionExpr:	/* _Generic's controlling expression */
		return i == 0;
	default:
		return false;
	}
}

static void walk(struct ix_unit *u, CXCursor c, bool uneval)
{
	unsigned fi, first, n;
	struct ix_frame *f;

	if (u->err)
		return;
	if (u->nframes == u->cap_frames) {
		unsigned cap = u->cap_frames ? u->cap_frames * 2 : 256;
		struct ix_frame *v = realloc(u->frames, cap * sizeof(*v));

		if (!v)
			return;
		u->frames = v;
		u->cap_frames = cap;
	}
	fi = u->nframes++;
	n = ix_kids_of(u, c, &first);
	f = &u->frames[fi];
	memset(f, 0, sizeof(*f));
	f->cur = c;
	f->kind = clang_getCursorKind(c);
	f->kids = first;
	f->nkids = n;
	f->init = -1;
	f->uneval = uneval;

	switch (f->kind) {
	case CXCursor_MemberRefExpr:
		on_member_expr(u, fi);
		break;
	case CXCursor_CallExpr:
		on_call(u, fi);
		break;
	case CXCursor_InitListExpr:
		on_init_list(u, fi);
		break;
	case CXCursor_UnexposedExpr:
		on_unexposed(u, fi);
		break;
	case CXCursor_VarDecl:
		f->init = ix_var_init_index(u, c, first, n);
		break;
	default:
		break;
	}

	for (unsigned i = 0; i < n && !u->err; i++) {
		CXCursor k = u->kids[first + i];

		if (skipped(clang_getCursorKind(k)))
			continue;
		u->frames[fi].idx = i;
		walk(u, k, uneval || kid_uneval(&u->frames[fi], i));
	}
	u->nkids = first;
	u->nframes--;
}

void ix_walk(struct ix_unit *u, CXCursor c)
{
	u->nsizes = 0;
	walk(u, c, false);
	ix_emit_sizes(u);
}
