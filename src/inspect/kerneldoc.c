// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-doc comments, member declarations and member aliases of one
 * struct, read from a header's text.  Not a C parser: the kernel's headers
 * follow a few layouts (Documentation/doc-guide/kernel-doc.rst, one member
 * per declaration, #ifdef CONFIG_* around members), and a scanner that knows
 * them finds every member of sk_buff, sock and tcp_sock in well under a
 * millisecond, which a front end with the kernel's configuration cannot.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "inspect/kerneldoc.h"

#define MAX_CONDS 32

static bool is_id(int c)
{
	return isalnum(c) || c == '_';
}

static int push(void **arr, size_t *nr, size_t elem, const void *item)
{
	/* grows by powers of two: nr is also the capacity's witness */
	if (!(*nr & (*nr - 1)) || !*nr) {
		size_t cap = *nr ? *nr * 2 : 8;
		void *a = realloc(*arr, cap * elem);

		if (!a)
			return -ENOMEM;
		*arr = a;
	}
	memcpy((char *)*arr + *nr * elem, item, elem);
	(*nr)++;
	return 0;
}

/* a copy of s[0..n) with runs of whitespace made one space, trimmed */
static char *collapse(const char *s, size_t n)
{
	char *out = malloc(n + 1), *w = out;
	bool space = false;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			space = w != out;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = s[i];
	}
	*w = '\0';
	return out;
}

const char *kdoc__find_def(const char *text, size_t len, const char *kind, const char *name)
{
	size_t kl = strlen(kind), nl = strlen(name);

	for (const char *p = text; (p = memmem(p, len - (p - text), name, nl)); p++) {
		const char *q = p - 1, *start;

		/* "KIND NAME" at the start of a line, then only space before '{' */
		if (p - text < (ptrdiff_t)kl + 1 || is_id((unsigned char)p[nl]) || !isspace((unsigned char)*q))
			continue;
		while (q > text && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		start = q - kl;
		if (start < text || memcmp(start, kind, kl) || (start > text && start[-1] != '\n'))
			continue;
		q = p + nl;
		while (*q && isspace((unsigned char)*q))
			q++;
		if (*q == '{')
			return start;
	}
	return NULL;
}

/* ---- the kernel-doc comment ---- */

/* one comment line without its leading " * ", in [*b, *e) */
static void comment_line(const char **b, const char **e)
{
	while (*b < *e && isspace((unsigned char)**b))
		(*b)++;
	if (*b < *e && **b == '*')
		(*b)++;
	while (*b < *e && isspace((unsigned char)**b))
		(*b)++;
	while (*e > *b && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

/* "struct NAME - summary" (or "union", or ':' for '-'): the summary or NULL */
static const char *names_struct(const char *b, const char *e, const char *name)
{
	size_t nl = strlen(name);

	if (e - b > 7 && !memcmp(b, "struct ", 7))
		b += 7;
	else if (e - b > 6 && !memcmp(b, "union ", 6))
		b += 6;
	else
		return NULL;
	while (b < e && isspace((unsigned char)*b))
		b++;
	if ((size_t)(e - b) < nl || memcmp(b, name, nl) || (b + nl < e && is_id((unsigned char)b[nl])))
		return NULL;
	b += nl;
	while (b < e && isspace((unsigned char)*b))
		b++;
	if (b < e && *b != '-' && *b != ':')
		return NULL;
	if (b < e)
		b++;
	while (b < e && isspace((unsigned char)*b))
		b++;
	return b;
}

static int add_entry(struct kdoc_struct *s, const char *name, size_t nl, const char *text, size_t tl)
{
	struct kdoc_entry e = { .name = strndup(name, nl), .text = collapse(text, tl) };

	if (!e.name || !e.text || push((void **)&s->entries, &s->nr_entries, sizeof(e), &e)) {
		free(e.name);
		free(e.text);
		return -ENOMEM;
	}
	return 0;
}

/* @name: text, continued on the lines that follow until a blank line or the next @ */
static int parse_comment(struct kdoc_struct *s, const char *b, const char *end)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	const char *name = NULL;
	size_t nl = 0;
	int err = 0;

	for (const char *line = b; line < end && !err;) {
		const char *e = memchr(line, '\n', end - line), *lb = line, *le;

		if (!e)
			e = end;
		le = e;
		line = e + 1;
		comment_line(&lb, &le);
		if (lb < le && *lb == '@') {
			const char *n = lb + 1, *ne = n;

			while (ne < le && (is_id((unsigned char)*ne) || *ne == '.'))
				ne++;
			const char *c = ne;

			while (c < le && isspace((unsigned char)*c))
				c++;
			if (ne > n && c < le && *c == ':') {
				if (name)
					err = add_entry(s, name, nl, buf ? buf : "", len);
				name = n;
				nl = ne - n;
				len = 0;
				lb = c + 1;
			}
		} else if (lb == le && name) {
			err = add_entry(s, name, nl, buf ? buf : "", len);
			name = NULL;
			continue;
		}
		if (!name || err)
			continue;
		if (len + (le - lb) + 2 > cap) {
			char *nb = realloc(buf, cap = (len + (le - lb) + 2) * 2);

			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		buf[len++] = ' ';
		memcpy(buf + len, lb, le - lb);
		len += le - lb;
	}
	if (name && !err)
		err = add_entry(s, name, nl, buf ? buf : "", len);
	free(buf);
	return err;
}

/* the first "/ **" comment whose first line is "struct NAME - ..." */
static int find_comment(struct kdoc_struct *s, const char *text, size_t len, const char *name)
{
	for (const char *p = text; (p = memmem(p, len - (p - text), "/**", 3)); p += 3) {
		const char *end = memmem(p + 3, len - (p + 3 - text), "*/", 2);
		const char *b = p + 3, *e, *summary;

		if (!end)
			return 0;
		/* the first line with words in it */
		for (;;) {
			e = memchr(b, '\n', end - b);
			if (!e)
				e = end;
			const char *lb = b, *le = e;

			comment_line(&lb, &le);
			if (lb < le || e == end) {
				summary = lb < le ? names_struct(lb, le, name) : NULL;
				break;
			}
			b = e + 1;
		}
		if (!summary)
			continue;
		s->has_comment = true;
		s->summary = collapse(summary, e - summary);
		if (!s->summary)
			return -ENOMEM;
		/* "*" ending the first line must not end the text early */
		while (e > summary && isspace((unsigned char)e[-1]))
			e--;
		return parse_comment(s, e < end ? e + 1 : end, end);
	}
	return 0;
}

/* ---- the body ---- */

struct scan {
	const char *s;		/* the file with comments blanked out */
	struct kdoc_struct *out;
	char *conds[MAX_CONDS];
	int nr_conds;
	int err;
	size_t line_pos;	/* line numbers are counted on from here */
	unsigned int line;
};

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
	if (!push((void **)&sc->out->fields, &sc->out->nr_fields, sizeof(f), &f))
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
					if (is_id((unsigned char)s[k]) && !is_id((unsigned char)s[k - 1])) {
						size_t l = k;

						while (l < close && is_id((unsigned char)s[l]))
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
		} else if (is_id((unsigned char)s[i])) {
			size_t j = i, k;

			while (j < e && is_id((unsigned char)s[j]))
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

	while (m < e && is_id((unsigned char)s[m]))
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

		while (k < ae[0] && is_id((unsigned char)s[k]))
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
	scan_members(sc, ab[first_member], ae[n - 1], prefix);
	if (tagged_name)
		return true;
	/* an untagged group is an anonymous struct, so BTF names them NAME.x too */
	sub = malloc(strlen(prefix) + (ae[name_arg] - ab[name_arg]) + 2);
	if (!sub) {
		sc->err = -ENOMEM;
		return true;
	}
	sprintf(sub, "%s%.*s.", prefix, (int)(ae[name_arg] - ab[name_arg]), s + ab[name_arg]);
	scan_members(sc, ab[first_member], ae[n - 1], sub);
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
	while (we < e && is_id((unsigned char)*we))
		we++;
	arg = we;
	while (arg < e && isspace((unsigned char)*arg))
		arg++;
#define IS(word) (we - w == (ptrdiff_t)strlen(word) && !memcmp(w, word, we - w))
	if (IS("ifdef") || IS("if") || IS("ifndef")) {
		cond = collapse(arg, e - arg);
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
			cond = collapse(arg, e - arg);
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

/* a copy of text with comments (and string contents) made spaces, lines kept */
static char *blank_comments(const char *text, size_t len)
{
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	memcpy(s, text, len + 1);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '/' && s[i + 1] == '*') {
			char *end = strstr(s + i + 2, "*/");
			size_t stop = end ? (size_t)(end - s) + 2 : len;

			for (; i < stop; i++)
				if (s[i] != '\n')
					s[i] = ' ';
			i--;
		} else if (s[i] == '/' && s[i + 1] == '/') {
			for (; i < len && s[i] != '\n'; i++)
				s[i] = ' ';
		}
	}
	return s;
}

/* ---- aliases ---- */

static bool top_level_member(const struct kdoc_struct *ks, const char *name, size_t n)
{
	for (size_t i = 0; i < ks->nr_fields; i++)
		if (!strncmp(ks->fields[i].path, name, n) && ks->fields[i].path[n] == '\0')
			return true;
	return false;
}

/* "#define sk_state __sk_common.skc_state": a macro that is a member path */
static int find_aliases(struct kdoc_struct *ks, const char *s, size_t len)
{
	for (const char *p = s; (p = memmem(p, len - (p - s), "#define", 7)); p += 7) {
		const char *n = p + 7, *ne, *v, *ve, *eol;
		struct kdoc_alias a;
		bool dotted = false;

		if (p > s && p[-1] != '\n')
			continue;
		eol = memchr(p, '\n', len - (p - s));
		if (!eol)
			eol = s + len;
		while (n < eol && isspace((unsigned char)*n))
			n++;
		for (ne = n; ne < eol && is_id((unsigned char)*ne); ne++)
			;
		if (ne == n || ne == eol || !isspace((unsigned char)*ne))
			continue;	/* function-like, or empty */
		for (v = ne; v < eol && isspace((unsigned char)*v); v++)
			;
		for (ve = v; ve < eol && (is_id((unsigned char)*ve) || *ve == '.'); ve++)
			dotted |= *ve == '.';
		const char *rest = ve;

		while (rest < eol && isspace((unsigned char)*rest))
			rest++;
		if (!dotted || rest != eol || ve[-1] == '.' || !is_id((unsigned char)*v) ||
		    !top_level_member(ks, v, strcspn(v, ".")))
			continue;
		a.name = strndup(n, ne - n);
		a.path = strndup(v, ve - v);
		a.line = 1;
		for (const char *q = s; q < p; q++)
			a.line += *q == '\n';
		if (!a.name || !a.path || push((void **)&ks->aliases, &ks->nr_aliases, sizeof(a), &a)) {
			free(a.name);
			free(a.path);
			return -ENOMEM;
		}
	}
	return 0;
}

int kdoc__parse(const char *text, size_t len, const char *kind, const char *name,
		struct kdoc_struct *out)
{
	struct scan sc = { .out = out };
	const char *def;
	char *blanked;
	size_t open;
	int err;

	memset(out, 0, sizeof(*out));
	blanked = blank_comments(text, len);
	if (!blanked)
		return -ENOMEM;
	/* a definition inside a comment does not count */
	def = kdoc__find_def(blanked, len, kind, name);
	if (!def) {
		free(blanked);
		return -ENOENT;
	}
	sc.s = blanked;
	out->line = line_of(&sc, def - blanked);
	err = find_comment(out, text, len, name);
	if (!err) {
		open = strchr(def, '{') - blanked;
		scan_members(&sc, open + 1, skip_group(blanked, open, len) - 1, "");
		err = sc.err;
	}
	while (sc.nr_conds)
		free(sc.conds[--sc.nr_conds]);
	if (!err)
		err = find_aliases(out, blanked, len);
	free(blanked);
	if (err)
		kdoc__free(out);
	return err;
}

void kdoc__free(struct kdoc_struct *s)
{
	for (size_t i = 0; i < s->nr_entries; i++) {
		free(s->entries[i].name);
		free(s->entries[i].text);
	}
	for (size_t i = 0; i < s->nr_fields; i++) {
		free(s->fields[i].path);
		free(s->fields[i].cond);
	}
	for (size_t i = 0; i < s->nr_aliases; i++) {
		free(s->aliases[i].name);
		free(s->aliases[i].path);
	}
	free(s->entries);
	free(s->fields);
	free(s->aliases);
	free(s->summary);
	memset(s, 0, sizeof(*s));
}

const char *kdoc__doc(const struct kdoc_struct *s, const char *path)
{
	const char *last = strrchr(path, '.');

	for (size_t i = 0; i < s->nr_entries; i++)
		if (!strcmp(s->entries[i].name, path))
			return s->entries[i].text;
	if (!last)
		return NULL;
	for (size_t i = 0; i < s->nr_entries; i++)
		if (!strcmp(s->entries[i].name, last + 1))
			return s->entries[i].text;
	return NULL;
}

const struct kdoc_field *kdoc__field(const struct kdoc_struct *s, const char *path)
{
	for (size_t i = 0; i < s->nr_fields; i++)
		if (!strcmp(s->fields[i].path, path))
			return &s->fields[i];
	return NULL;
}
