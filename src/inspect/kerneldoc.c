// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-doc comments and member aliases of one struct, read from a
 * header's text, and kdoc__parse, which puts them together with the members
 * of its body.  Not a C parser: the kernel's headers follow a few layouts
 * (Documentation/doc-guide/kernel-doc.rst, one member per declaration,
 * #ifdef CONFIG_* around members), and a scanner that knows them finds every
 * member of sk_buff, sock and tcp_sock in well under a millisecond, which a
 * front end with the kernel's configuration cannot.
 *
 * The body scanner (member names for source/BTF differences) is in
 * kerneldoc_body.c, split off so each file keeps to one concern and within
 * the project's file size guideline.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "inspect/kerneldoc.h"
#include "inspect/kerneldoc_body.h"

int kdoc__push(void **arr, size_t *nr, size_t elem, const void *item)
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
char *kdoc__collapse(const char *s, size_t n)
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
		if (p - text < (ptrdiff_t)kl + 1 || kdoc__is_id((unsigned char)p[nl]) ||
		    !isspace((unsigned char)*q))
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
	if ((size_t)(e - b) < nl || memcmp(b, name, nl) || (b + nl < e && kdoc__is_id((unsigned char)b[nl])))
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
	struct kdoc_entry e = { .name = strndup(name, nl), .text = kdoc__collapse(text, tl) };

	if (!e.name || !e.text || kdoc__push((void **)&s->entries, &s->nr_entries, sizeof(e), &e)) {
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

			while (ne < le && (kdoc__is_id((unsigned char)*ne) || *ne == '.'))
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
		s->summary = kdoc__collapse(summary, e - summary);
		if (!s->summary)
			return -ENOMEM;
		/* "*" ending the first line must not end the text early */
		while (e > summary && isspace((unsigned char)e[-1]))
			e--;
		return parse_comment(s, e < end ? e + 1 : end, end);
	}
	return 0;
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
		for (ne = n; ne < eol && kdoc__is_id((unsigned char)*ne); ne++)
			;
		if (ne == n || ne == eol || !isspace((unsigned char)*ne))
			continue;	/* function-like, or empty */
		for (v = ne; v < eol && isspace((unsigned char)*v); v++)
			;
		for (ve = v; ve < eol && (kdoc__is_id((unsigned char)*ve) || *ve == '.'); ve++)
			dotted |= *ve == '.';
		const char *rest = ve;

		while (rest < eol && isspace((unsigned char)*rest))
			rest++;
		if (!dotted || rest != eol || ve[-1] == '.' || !kdoc__is_id((unsigned char)*v) ||
		    !top_level_member(ks, v, strcspn(v, ".")))
			continue;
		a.name = strndup(n, ne - n);
		a.path = strndup(v, ve - v);
		a.line = 1;
		for (const char *q = s; q < p; q++)
			a.line += *q == '\n';
		if (!a.name || !a.path || kdoc__push((void **)&ks->aliases, &ks->nr_aliases, sizeof(a), &a)) {
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
	const char *def;
	char *blanked;
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
	err = find_comment(out, text, len, name);
	if (!err)
		err = kdoc__scan_body(blanked, len, def, out);
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
