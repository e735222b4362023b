// SPDX-License-Identifier: GPL-2.0
/*
 * Which macros hold a location: the "via" of an access ("WRITE_ONCE,sk_state")
 * and the INDIRECT_CALL_* of a call.
 *
 * With CXTranslationUnit_DetailedPreprocessingRecord clang records every
 * macro expansion whose name is written in a file, including those inside
 * another macro's arguments (sk_state in WRITE_ONCE(sk->sk_state, v)), but
 * not the expansions a macro body makes (clang's PreprocessingRecord: "We
 * don't record nested macro expansions").  So the recorded extents nest
 * like parentheses in the text: sorted by start, each has at most one
 * parent, and the expansions holding an offset are one expansion and its
 * ancestors.  A lookup is a binary search and a walk up.
 */
#include <stdlib.h>
#include <string.h>
#include "index/extract_priv.h"

/*
 * Macros that wrap a condition without saying anything about the access:
 * "unlikely" in every via of an if () would drown the macros that matter.
 */
static const char *const noise_macros[] = {
	"likely",
	"unlikely",
};

void ix_macros_add(struct ix_macros *m, CXCursor c)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4096;
		struct ix_macro *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return;	/* fewer vias, not a wrong one */
		m->v = v;
		m->cap = cap;
	}
	memset(&m->v[m->n], 0, sizeof(m->v[m->n]));
	m->v[m->n++].cur = c;
}

static int macro_cmp(const void *a, const void *b)
{
	const struct ix_macro *x = a, *y = b;

	if (x->file != y->file)
		return (uintptr_t)x->file < (uintptr_t)y->file ? -1 : 1;
	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	/* the longer first, so that it becomes the parent */
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return 0;
}

/*
 * Keep the expansions of the files whose functions we walk (u->wanted), sort
 * them and link each to its parent.  Locating every expansion of a kernel
 * unit's headers would cost more than the parse of some units, so the
 * others are dropped before their extent is asked for.
 */
void ix_macros_index(struct ix_unit *u)
{
	struct ix_macros *m = &u->macros;
	size_t n = 0;
	int *stack;
	size_t depth = 0;

	for (size_t i = 0; i < m->n; i++) {
		struct ix_macro *x = &m->v[i];
		CXSourceRange r = clang_getCursorExtent(x->cur);
		CXFile f, f2;
		unsigned off, off2;
		bool found;

		clang_getFileLocation(clang_getRangeStart(r), &f, NULL, NULL, &off);
		if (!f || (f != u->main_file && !(ix_ptrmap_get(&u->wanted, f, &found), found)))
			continue;
		clang_getFileLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &off2);
		x->file = f;
		x->begin = off;
		x->end = f2 == f && off2 >= off ? off2 : off;
		m->v[n++] = *x;
	}
	m->n = n;
	qsort(m->v, m->n, sizeof(*m->v), macro_cmp);

	stack = malloc((m->n + 1) * sizeof(*stack));
	if (!stack) {
		m->n = 0;
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct ix_macro *x = &m->v[i];

		while (depth) {
			struct ix_macro *top = &m->v[stack[depth - 1]];

			if (top->file == x->file && top->end >= x->begin)
				break;
			depth--;
		}
		x->parent = depth ? stack[depth - 1] : -1;
		stack[depth++] = i;
	}
	free(stack);
}

static const char *macro_name(struct ix_unit *u, struct ix_macro *x)
{
	if (!x->name)
		x->name = ix_cursor_str(u, clang_getCursorSpelling(x->cur));
	return x->name;
}

static bool is_noise(const char *name)
{
	for (size_t i = 0; i < sizeof(noise_macros) / sizeof(noise_macros[0]); i++)
		if (!strcmp(name, noise_macros[i]))
			return true;
	return false;
}

/*
 * The macros whose expansion holds @l, outermost first and comma-separated,
 * in u->via (NULL when none).  *@indirect gets the INDIRECT_CALL_* among
 * them, or NULL.
 */
const char *ix_macros_chain(struct ix_unit *u, const struct ix_loc_full *l, const char **indirect)
{
	struct ix_macros *m = &u->macros;
	size_t lo = 0, hi = m->n;
	int i, chain[32];
	unsigned n = 0;
	size_t len = 0;

	*indirect = NULL;
	/* the last expansion starting at or before the location */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ix_macro *x = &m->v[mid];

		if ((uintptr_t)x->file < (uintptr_t)l->file ||
		    (x->file == l->file && x->begin <= l->off))
			lo = mid + 1;
		else
			hi = mid;
	}
	i = (int)lo - 1;
	while (i >= 0 && (m->v[i].file != l->file || m->v[i].end < l->off))
		i = m->v[i].parent;
	for (; i >= 0 && n < 32; i = m->v[i].parent)
		chain[n++] = i;
	if (!n)
		return NULL;

	u->via[0] = '\0';
	while (n--) {
		const char *name = macro_name(u, &m->v[chain[n]]);
		size_t k;

		if (!name || is_noise(name))
			continue;
		if (!strncmp(name, "INDIRECT_CALL_", 14))
			*indirect = name;
		k = strlen(name);
		if (len + k + 2 > sizeof(u->via))
			break;
		if (len)
			u->via[len++] = ',';
		memcpy(u->via + len, name, k + 1);
		len += k;
	}
	return len ? u->via : NULL;
}

void ix_macros_free(struct ix_macros *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}
