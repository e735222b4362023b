// SPDX-License-Identifier: GPL-2.0
/*
 * Reading libclang's AST where libclang 14 has no API: children as an
 * array, the initializer of a variable, what an expression names once
 * parens, casts, & and * are stripped, and whether an operator is & or *.
 */
#include <stdlib.h>
#include <string.h>
#include "index/extract_priv.h"

CXType ix_canon(CXType t)
{
	return clang_getCanonicalType(t);
}

bool ix_is_array(CXType t)
{
	switch (ix_canon(t).kind) {
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
	case CXType_VariableArray:
	case CXType_DependentSizedArray:
		return true;
	default:
		return false;
	}
}

bool ix_is_pointer(CXType t)
{
	return ix_canon(t).kind == CXType_Pointer;
}

/* Would `T x` have expressions among the children of its VarDecl? */
static bool type_may_hold_expr(CXType t)
{
	for (;;) {
		switch (t.kind) {
		case CXType_Pointer:
			t = clang_getPointeeType(t);
			continue;
		case CXType_Elaborated:
			t = clang_Type_getNamedType(t);
			continue;
		case CXType_Attributed:
			t = clang_Type_getModifiedType(t);
			continue;
		case CXType_ConstantArray:
		case CXType_IncompleteArray:
		case CXType_VariableArray:
		case CXType_DependentSizedArray:
		case CXType_Unexposed:	/* typeof(expr) in libclang 14 */
			return true;
		default:
			return false;
		}
	}
}

/* &x: T * made from a T */
bool ix_is_addrof(CXCursor op, CXCursor sub)
{
	CXType t = ix_canon(clang_getCursorType(op));

	return t.kind == CXType_Pointer &&
	       clang_equalTypes(ix_canon(clang_getPointeeType(t)), ix_canon(clang_getCursorType(sub)));
}

/* *p: T made from a T * */
bool ix_is_deref(CXCursor op, CXCursor sub)
{
	CXType t = ix_canon(clang_getCursorType(sub));

	return t.kind == CXType_Pointer &&
	       clang_equalTypes(ix_canon(clang_getPointeeType(t)), ix_canon(clang_getCursorType(op)));
}

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data)
{
	struct ix_unit *u = data;

	if (u->nkids == u->cap_kids) {
		unsigned cap = u->cap_kids ? u->cap_kids * 2 : 1024;
		CXCursor *v = realloc(u->kids, cap * sizeof(*v));

		if (!v)
			return CXChildVisit_Break;
		u->kids = v;
		u->cap_kids = cap;
	}
	u->kids[u->nkids++] = c;
	return CXChildVisit_Continue;
}

/* Append the children of c to u->kids; the caller resets u->nkids to *first. */
unsigned ix_kids_of(struct ix_unit *u, CXCursor c, unsigned *first)
{
	*first = u->nkids;
	clang_visitChildren(c, collect, u);
	return u->nkids - *first;
}

/* Which child of a VarDecl is its initializer: -1 when it has none. */
int ix_var_init_index(struct ix_unit *u, CXCursor var, unsigned first, unsigned n)
{
	int last = -1, nexpr = 0;
	bool has_init;
	CXString s;

	for (unsigned i = 0; i < n; i++) {
		if (clang_isExpression(clang_getCursorKind(u->kids[first + i]))) {
			nexpr++;
			last = i;
		}
	}
	if (last < 0)
		return -1;
	if (clang_getCursorKind(u->kids[first + last]) == CXCursor_InitListExpr)
		return last;
	if (nexpr == 1 && !type_may_hold_expr(clang_getCursorType(var)))
		return last;
	/*
	 * typeof(x) v; and typeof(x) v = x; look alike (the initializer is
	 * clang_Cursor_getVarDeclInitializer(), LLVM 16): the declaration
	 * printer writes " = " before an initializer only.
	 */
	s = clang_getCursorPrettyPrinted(var, u->policy);
	has_init = clang_getCString(s) && strstr(clang_getCString(s), " = ");
	clang_disposeString(s);
	return has_init ? last : -1;
}

/* _Generic's chosen association: the one of the selection's own type. */
static int generic_choice(struct ix_unit *u, CXCursor g, unsigned first, unsigned n)
{
	CXType t = ix_canon(clang_getCursorType(g));
	int chosen = -1;

	for (unsigned i = 1; i < n; i++) {
		if (!clang_equalTypes(ix_canon(clang_getCursorType(u->kids[first + i])), t))
			continue;
		if (chosen >= 0)
			return -1;	/* two candidates: no guess */
		chosen = i;
	}
	return chosen;
}

/*
 * Strip what does not change which object an expression names: parens,
 * casts (implicit ones are UnexposedExprs with one child), & and *, a
 * statement expression's value (READ_ONCE(n->output)(n, skb)) and
 * _Generic's choice (the seqcount helpers' __seqprop()).
 */
CXCursor ix_strip(struct ix_unit *u, CXCursor c)
{
	for (int hops = 0; hops < 32; hops++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		unsigned first, n;
		int next;

		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr &&
		    k != CXCursor_CStyleCastExpr && k != CXCursor_UnaryOperator &&
		    k != CXCursor_StmtExpr && k != CXCursor_CompoundStmt &&
		    k != CXCursor_GenericSelectionExpr)
			break;
		n = ix_kids_of(u, c, &first);
		if (k == CXCursor_GenericSelectionExpr)
			next = generic_choice(u, c, first, n);
		else if (k == CXCursor_CStyleCastExpr || k == CXCursor_CompoundStmt)
			next = (int)n - 1;
		else
			next = n == 1 ? 0 : -1;
		if (next < 0) {
			u->nkids = first;
			break;
		}
		c = u->kids[first + next];
		u->nkids = first;
	}
	return c;
}

/* The function an initializer or right-hand side names, or a null cursor. */
CXCursor ix_function_of(struct ix_unit *u, CXCursor expr)
{
	CXCursor c = ix_strip(u, expr), ref;

	if (clang_getCursorKind(c) != CXCursor_DeclRefExpr)
		return clang_getNullCursor();
	ref = clang_getCursorReferenced(c);
	if (clang_getCursorKind(ref) != CXCursor_FunctionDecl)
		return clang_getNullCursor();
	return ref;
}
