// SPDX-License-Identifier: GPL-2.0
/*
 * The body scanner: the member names of one struct's body as the source
 * declares them, with the #if conditions around them and their lines, which
 * struct --src compares with BTF's members to show source/BTF differences.
 * Not a C parser: it knows the layouts kernel headers use (one member per
 * declaration, struct_group() and friends, #ifdef CONFIG_* around members).
 *
 * Split from kerneldoc.c (the kernel-doc comment and the aliases) so each
 * file keeps to one concern and within the project's file size guideline.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "inspect/kerneldoc.h"
#include "inspect/kerneldoc_body.h"

#define MAX_CONDS 32

struct scan {
	const char *s;		/* the file with comments blanked out */
	struct kdoc_struct *out;
	char *conds[MAX_CONDS];
	int nr_conds;
	int err;
	size_t line_pos;	/* line numbers are counted on from here */
	unsigned int line;
	unsigned int groups;	/* untagged struct_group()s the scan is inside */
};

/*
 * Each untagged struct_group() lists its members twice (bare and NAME.x),
 * so groups nested n deep would be scanned 2^n times: a header with
 * unbalanced parentheses nests every later group in the earlier ones
 * (fuzz_kerneldoc: 4 KiB of text, 67555 fields, a hang).  The kernel
 * nests them one or two deep; past this depth only the bare names, which
 * C uses, are listed.
 */
#define MAX_GROUP_NESTING 4

static unsigned int line_of(struct scan *sc, size_t pos)
{
	if (pos < sc->line_pos || !sc->line) {
		sc->line_pos = 0;
		sc->line = 1;
	}
	for (; sc->line_pos < pos; sc->line_pos++)
		sc->line += sc->s[sc->line_pos] == '\n';
	return sc->line;
}

static void add_field(struct scan *sc, const char *prefix, const char *name, size_t nl, size_t pos)
{
	struct kdoc_field f = { .line = line_of(sc, pos) };
	size_t cl = 0;

	if (sc->err || !nl)
		return;
	f.path = malloc(strlen(prefix) + nl + 1);
	for (int i = 0; i < sc->nr_conds; i++)
		cl += strlen(sc->conds[i]) + 4;
	if (cl)
		f.cond = calloc(1, cl);
	if (!f.path || (cl && !f.cond))
		goto nomem;
	sprintf(f.path, "%s%.*s", prefix, (int)nl, name);
	for (int i = 0; i < sc->nr_conds; i++) {
		if (i)
			strcat(f.cond, " && ");
		strcat(f.cond, sc->conds[i]);
	}
	if (!kdoc__push((void **)&sc->out->fields, &sc->out->nr_fields, sizeof(f), &f))
		return;
nomem:
	free(f.path);
	free(f.cond);
	sc->err = -ENOMEM;
}

static bool stop_word(const char *w, size_t n)
{
	static const char *const words[] = {
		"int", "char", "short", "long", "unsigned", "signed", "void", "float", "double",
		"const", "volatile", "struct", "union", "enum", "_Bool", "restrict",
		"__rcu", "__packed", "__aligned_largest", "__randomize_layout", "__percpu",
		"__user", "__iomem", "__private", "__data_racy", "__nonstring", "__force",
		"__no_randomize_layout", NULL,
	};

	/* ____cacheline_aligned, ____cacheline_aligned_in_smp, __cacheline_aligned... */
	if ((n > 12 && !memcmp(w, "____cacheline", 13)) || (n > 19 && !memcmp(w, "__cacheline_aligned", 19)))
		return true;
	for (int i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !memcmp(words[i], w, n))
			return true;
	return false;
}

/* end of the bracket group opening at s[i] */
static size_t skip_group(const char *s, size_t i, size_t end)
{
	int depth = 0;

	for (; i < end; i++) {
		if (s[i] == '(' || s[i] == '[' || s[i] == '{')
			depth++;
		else if ((s[i] == ')' || s[i] == ']' || s[i] == '}') && --depth == 0)
			return i + 1;
	}
	return end;
}

/*
 * The declared name in one declarator: "struct sock *sk", "char cb[48]
 * __aligned(8)", "__u8 a:1", "void (*destructor)(struct sk_buff *)".
 * has_type: the text starts with a type (the first declarator of a list).
 */
static void decl_name(const char *s, size_t b, size_t e, bool has_type, size_t *nb, size_t *ne)
{
	size_t last_b = 0, last_e = 0;
	int words = 0;

	*nb = *ne = 0;
	for (size_t i = b; i < e;) {
		if (s[i] == '(') {
			size_t j = i + 1, close = skip_group(s, i, e);

			while (j < e && isspace((unsigned char)s[j]))
				j++;
			/* function pointer: the name is the last word in "(*name)" */
			if (s[j] == '*') {
				for (size_t k = j; k < close; k++)
					if (kdoc__is_id((unsigned char)s[k]) && !kdoc__is_id((unsigned char)s[k - 1])) {
						size_t l = k;

						while (l < close && kdoc__is_id((unsigned char)s[l]))
							l++;
						if (!stop_word(s + k, l - k))
							*nb = k, *ne = l;
					}
				return;
			}
			i = close;
		} else if (s[i] == '[') {
			i = skip_group(s, i, e);
		} else if (s[i] == ':') {
			break;	/* bitfield width */
		} else if (kdoc__is_id((unsigned char)s[i])) {
			size_t j = i, k;

			while (j < e && kdoc__is_id((unsigned char)s[j]))
				j++;
			k = j;
			while (k < e && isspace((unsigned char)s[k]))
				k++;
			/* __aligned(8), __attribute__((x)), __counted_by(len): not names */
			if (k < e && s[k] == '(' && (k + 1 >= e || s[k + 1] != '*')) {
				i = skip_group(s, k, e);
				continue;
			}
			words++;
			if (!stop_word(s + i, j - i) && !isdigit((unsigned char)s[i]))
				last_b = i, last_e = j;
			i = j;
		} else {
			i++;
		}
	}
	/* "u8 :4" is unnamed: its only word is the type */
	if (last_e && (!has_type || words > 1 || last_b != b))
		*nb = last_b, *ne = last_e;
	if (has_type && words == 1)
		*nb = *ne = 0;
}

static void scan_members(struct scan *sc, size_t b, size_t e, const char *prefix);

/* [b, e) split at commas outside brackets: the i-th piece */
static size_t split_args(const char *s, size_t b, size_t e, size_t *pb, size_t *pe, size_t max)
{
	size_t n = 0, start = b;

	for (size_t i = b; i <= e && n < max;) {
		if (i == e || s[i] == ',') {
			pb[n] = start;
			pe[n++] = i;
			start = ++i;
		} else if (s[i] == '(' || s[i] == '[' || s[i] == '{') {
			i = skip_group(s, i, e);
		} else {
			i++;
		}
	}
	return n;
}

static void trim(const char *s, size_t *b, size_t *e)
{
	while (*b < *e && isspace((unsigned char)s[*b]))
		(*b)++;
	while (*e > *b && isspace((unsigned char)s[*e - 1]))
		(*e)--;
}

static bool word_is(const char *s, size_t b, size_t e, const char *w)
{
	return e - b == strlen(w) && !memcmp(s + b, w, e - b);
}

/*
 * A statement that is a macro call: struct_group*() (include/linux/stddef.h)
 * declares a named struct and the same members unnamed; the cache-line group
 * markers (include/linux/cache.h) declare __cacheline_group_begin__NAME.
 */
static bool macro_stmt(struct scan *sc, size_t b, size_t e, const char *prefix)
{
	const char *s = sc->s;
	size_t m = b, open, ab[64], ae[64], n, name_arg, first_member;
	char *sub;
	bool tagged_name;

	while (m < e && kdoc__is_id((unsigned char)s[m]))
		m++;
	open = m;
	while (open < e && isspace((unsigned char)s[open]))
		open++;
	if (m == b || open >= e || s[open] != '(')
		return false;
	for (size_t k = open + 1; k < e && s[k] != ')'; k++)
		if (!isspace((unsigned char)s[k])) {
			if (s[k] == '*')
				return false;	/* "void (*fn)(...)" */
			break;
		}
	n = split_args(s, open + 1, skip_group(s, open, e) - 1, ab, ae, 64);
	for (size_t i = 0; i < n; i++)
		trim(s, &ab[i], &ae[i]);
	if (word_is(s, b, m, "__cacheline_group_begin") || word_is(s, b, m, "__cacheline_group_end")) {
		char name[160];

		snprintf(name, sizeof(name), "%.*s__%.*s", (int)(m - b), s + b, (int)(ae[0] - ab[0]), s + ab[0]);
		add_field(sc, prefix, name, strlen(name), b);
		return true;
	}
	if (word_is(s, b, m, "struct_group"))
		name_arg = 0, first_member = 1, tagged_name = false;
	else if (word_is(s, b, m, "struct_group_attr"))
		name_arg = 0, first_member = 2, tagged_name = false;
	else if (word_is(s, b, m, "struct_group_tagged"))
		name_arg = 1, first_member = 2, tagged_name = true;
	else if (word_is(s, b, m, "__struct_group"))
		name_arg = 1, first_member = 3, tagged_name = ab[0] != ae[0];
	else if (word_is(s, b, m, "DECLARE_FLEX_ARRAY") && n == 2)
		return add_field(sc, prefix, s + ab[1], ae[1] - ab[1], b), true;
	else if (n >= 1 && ab[0] < ae[0]) {
		/* DECLARE_BITMAP(name, bits), CACHELINE_PADDING(name): a name first or alone */
		size_t k = ab[0];

		while (k < ae[0] && kdoc__is_id((unsigned char)s[k]))
			k++;
		if (k == ae[0])
			add_field(sc, prefix, s + ab[0], ae[0] - ab[0], b);
		return true;
	} else {
		return true;
	}
	if (n <= first_member)
		return true;
	add_field(sc, prefix, s + ab[name_arg], ae[name_arg] - ab[name_arg], b);
	/* the members, a run of declarations, as C sees them without a name */
	sc->groups++;
	scan_members(sc, ab[first_member], ae[n - 1], prefix);
	sc->groups--;
	if (tagged_name || sc->groups >= MAX_GROUP_NESTING)
		return true;
	/* an untagged group is an anonymous struct, so BTF names them NAME.x too */
	sub = malloc(strlen(prefix) + (ae[name_arg] - ab[name_arg]) + 2);
	if (!sub) {
		sc->err = -ENOMEM;
		return true;
	}
	sprintf(sub, "%s%.*s.", prefix, (int)(ae[name_arg] - ab[name_arg]), s + ab[name_arg]);
	sc->groups++;
	scan_members(sc, ab[first_member], ae[n - 1], sub);
	sc->groups--;
	free(sub);
	return true;
}

static void declaration(struct scan *sc, size_t b, size_t e, const char *prefix)
{
	size_t pb[64], pe[64], n, nb, ne;

	trim(sc->s, &b, &e);
	if (b == e || macro_stmt(sc, b, e, prefix))
		return;
	n = split_args(sc->s, b, e, pb, pe, 64);
	for (size_t i = 0; i < n; i++) {
		decl_name(sc->s, pb[i], pe[i], i == 0, &nb, &ne);
		add_field(sc, prefix, sc->s + nb, ne - nb, b);
	}
}

/* #ifdef/#if/#else/#endif around members: the conditions they sit under */
static void directive(struct scan *sc, const char *b, const char *e)
{
	const char *w = b + 1, *we, *arg;
	char *cond = NULL;

	while (w < e && isspace((unsigned char)*w))
		w++;
	we = w;
	while (we < e && kdoc__is_id((unsigned char)*we))
		we++;
	arg = we;
	while (arg < e && isspace((unsigned char)*arg))
		arg++;
#define IS(word) (we - w == (ptrdiff_t)strlen(word) && !memcmp(w, word, we - w))
	if (IS("ifdef") || IS("if") || IS("ifndef")) {
		cond = kdoc__collapse(arg, e - arg);
		if (cond && IS("ifndef")) {
			char *neg = malloc(strlen(cond) + 2);

			if (neg)
				sprintf(neg, "!%s", cond);
			free(cond);
			cond = neg;
		}
		if (!cond)
			sc->err = -ENOMEM;
		else if (sc->nr_conds < MAX_CONDS)
			sc->conds[sc->nr_conds++] = cond;
		else
			free(cond);
	} else if ((IS("else") || IS("elif")) && sc->nr_conds) {
		char *top = sc->conds[sc->nr_conds - 1];

		if (IS("elif"))
			cond = kdoc__collapse(arg, e - arg);
		else if (top[0] == '!' && !strpbrk(top, " ("))
			cond = strdup(top + 1);
		else if ((cond = malloc(strlen(top) + 4)))
			sprintf(cond, strpbrk(top, " (") ? "!(%s)" : "!%s", top);
		if (!cond) {
			sc->err = -ENOMEM;
			return;
		}
		free(top);
		sc->conds[sc->nr_conds - 1] = cond;
	} else if (IS("endif") && sc->nr_conds) {
		free(sc->conds[--sc->nr_conds]);
	}
#undef IS
}

static bool line_start(const char *s, size_t i, size_t b)
{
	while (i > b && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	return i == b || s[i - 1] == '\n';
}

static void scan_members(struct scan *sc, size_t b, size_t e, const char *prefix)
{
	const char *s = sc->s;

	for (size_t i = b; i < e && !sc->err;) {
		size_t st, close, semi, nb, ne;

		if (isspace((unsigned char)s[i]) || s[i] == ';') {
			i++;
			continue;
		}
		if (s[i] == '#' && line_start(s, i, 0)) {
			size_t le = i;

			/* a directive runs on over lines ending in '\' */
			while (le < e && (s[le] != '\n' || s[le - 1] == '\\'))
				le++;
			directive(sc, s + i, s + le);
			i = le;
			continue;
		}
		st = i;
		while (i < e && s[i] != ';' && s[i] != '{') {
			if (s[i] == '(' || s[i] == '[')
				i = skip_group(s, i, e);
			else
				i++;
		}
		if (i >= e) {
			declaration(sc, st, e, prefix);
			break;
		}
		if (s[i] == ';') {
			declaration(sc, st, i, prefix);
			i++;
			continue;
		}
		/* "struct {", "union tag {", "enum {": the declarator follows '}' */
		close = skip_group(s, i, e);
		semi = close;
		while (semi < e && s[semi] != ';')
			semi = s[semi] == '(' || s[semi] == '[' ? skip_group(s, semi, e) : semi + 1;
		decl_name(s, close, semi, false, &nb, &ne);
		if (ne > nb)
			add_field(sc, prefix, s + nb, ne - nb, st);
		if (strncmp(s + st, "enum", 4)) {
			char *sub = malloc(strlen(prefix) + (ne - nb) + 2);

			if (!sub) {
				sc->err = -ENOMEM;
				return;
			}
			sprintf(sub, ne > nb ? "%s%.*s." : "%s", prefix, (int)(ne - nb), s + nb);
			scan_members(sc, i + 1, close - 1, sub);
			free(sub);
		}
		i = semi + 1;
	}
}

int kdoc__scan_body(const char *s, size_t len, const char *def, struct kdoc_struct *out)
{
	struct scan sc = { .s = s, .out = out };
	size_t open = strchr(def, '{') - s;

	out->line = line_of(&sc, def - s);
	scan_members(&sc, open + 1, skip_group(s, open, len) - 1, "");
	while (sc.nr_conds)
		free(sc.conds[--sc.nr_conds]);
	return sc.err;
}
