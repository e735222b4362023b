// SPDX-License-Identifier: GPL-2.0
/*
 * A small evaluator of Kbuild makefiles, enough to know which objects a
 * configuration builds: variable assignments of every flavour (=, :=, +=,
 * ?=), references and substitution references, and conditionals (ifeq,
 * ifneq, ifdef, ifndef, else, endif).  Rules and recipes are skipped;
 * includes are not followed (object lists live in the directory's own
 * file).  make's functions are in kbuild_func.c; what Kbuild does with
 * the lists it leaves, in kbuild.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "index/kbuild_priv.h"

/* ---- expansion ---- */

char *kb_expand_str(struct mk *m, const char *s, size_t n)
{
	struct sbuf b = {};

	kb_expand(m, s, n, &b);
	return kb_sb_take(&b);
}

char *kb_var_value(struct mk *m, const char *name)
{
	struct var *v = kb_map_find(&m->vars, name);
	const char *c;

	if (v) {
		if (!v->recursive)
			return strdup(v->value);
		/*
		 * A variable met again while it is being expanded references
		 * itself: make stops there (variable.h: struct variable's
		 * expanding).  A depth limit alone is not enough, x = $(x)$(x)
		 * doubles at every level.
		 */
		if (v->expanding) {
			if (!v->refused)
				ns_err("recursive variable '%s' references itself (eventually) in '%s'",
				       name, m->file ? m->file : m->dir);
			v->refused = true;
			m->err = -ELOOP;
			return strdup("");
		}
		if (m->depth > 32)
			return strdup("");
		m->depth++;
		v->expanding = true;
		char *r = kb_expand_str(m, v->value, strlen(v->value));
		m->depth--;
		/* the map may have grown in kb_expand_str: find the slot again */
		v = kb_map_find(&m->vars, name);
		if (v)
			v->expanding = false;
		return r;
	}
	/* the configuration is a makefile Kbuild includes (include/config/auto.conf) */
	c = kbuild_config_get(m->cfg, name);
	if (c)
		return strdup(c);
	/* Kbuild's own: the directory being built, relative to the tree */
	if (!strcmp(name, "obj") || !strcmp(name, "src"))
		return strdup(m->dir);
	if (!strcmp(name, "srctree") || !strcmp(name, "objtree"))
		return strdup(m->tree);
	return NULL;
}

/* the end of a reference opened at s[0] ('(' or '{'), or n when unbalanced */
static size_t ref_end(const char *s, size_t n)
{
	char open = s[0], close = open == '(' ? ')' : '}';
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == open)
			depth++;
		else if (s[i] == close && --depth == 0)
			return i;
	}
	return n;
}

int kb_split_args(const char *s, size_t n, const char **arg, size_t *len, int max)
{
	int k = 0, depth = 0;
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '(' || s[i] == '{')
			depth++;
		else if (s[i] == ')' || s[i] == '}')
			depth--;
		else if (s[i] == ',' && !depth && k < max - 1) {
			arg[k] = s + start;
			len[k++] = i - start;
			start = i + 1;
		}
	}
	arg[k] = s + start;
	len[k++] = n - start;
	return k;
}

/* $(name) or $(name:from=to) */
static void reference(struct mk *m, const char *s, size_t n, struct sbuf *out)
{
	char *inner, *colon, *eq, *val;

	if (kb_call_function(m, s, n, out))
		return;
	inner = kb_expand_str(m, s, n);
	if (!inner)
		return;
	colon = strchr(inner, ':');
	eq = colon ? strchr(colon, '=') : NULL;
	if (colon && eq) {
		/* substitution reference: $(obj-y:.o=.c) means $(patsubst %.o,%.c,...) */
		char pat[512], rep[512];

		*colon = '\0';
		*eq = '\0';
		val = kb_var_value(m, inner);
		if (val) {
			if (strchr(colon + 1, '%')) {
				snprintf(pat, sizeof(pat), "%s", colon + 1);
				snprintf(rep, sizeof(rep), "%s", eq + 1);
			} else {
				snprintf(pat, sizeof(pat), "%%%s", colon + 1);
				snprintf(rep, sizeof(rep), "%%%s", eq + 1);
			}
			kb_pattern_subst(out, pat, rep, val);
		}
	} else {
		val = kb_var_value(m, inner);
		if (val)
			kb_sb_str(out, val);
	}
	free(val);
	free(inner);
}

int kb_expand(struct mk *m, const char *s, size_t n, struct sbuf *out)
{
	size_t i = 0;

	while (i < n) {
		const char *d = memchr(s + i, '$', n - i);

		if (!d) {
			kb_sb_add(out, s + i, n - i);
			break;
		}
		kb_sb_add(out, s + i, d - (s + i));
		i = d - s + 1;
		if (i >= n)
			break;
		if (s[i] == '$') {
			kb_sb_add(out, "$", 1);
			i++;
		} else if (s[i] == '(' || s[i] == '{') {
			size_t e = i + ref_end(s + i, n - i);

			reference(m, s + i + 1, (e < n ? e : n) - i - 1, out);
			i = e + 1;
		} else {
			/* $X: a one-character name */
			reference(m, s + i, 1, out);
			i++;
		}
	}
	return out->oom ? -ENOMEM : 0;
}

/* ---- assignments, conditionals, lines ---- */

static int assign(struct mk *m, const char *name, const char *op, const char *rhs)
{
	struct var *v = kb_map_find(&m->vars, name);
	char *val = NULL;

	if (!strcmp(op, "?=") && v)
		return 0;
	if (!v)
		v = kb_map_get(&m->vars, name);
	if (!v)
		return -ENOMEM;
	if (!strcmp(op, "+=")) {
		/* += keeps the flavour: a simple variable gets the expanded text */
		char *add = v->recursive ? strdup(rhs) : kb_expand_str(m, rhs, strlen(rhs));

		if (!add)
			return -ENOMEM;
		if (*v->value && *add) {
			if (asprintf(&val, "%s %s", v->value, add) < 0)
				val = NULL;
			free(add);
		} else {
			val = *add ? add : strdup(v->value);
			if (val != add)
				free(add);
		}
	} else if (!strcmp(op, ":=") || !strcmp(op, "::=")) {
		val = kb_expand_str(m, rhs, strlen(rhs));
		v->recursive = false;
	} else {
		val = strdup(rhs);
		v->recursive = true;
	}
	if (!val)
		return -ENOMEM;
	/* the map may have grown in kb_expand_str: find the slot again */
	v = kb_map_find(&m->vars, name);
	free(v->value);
	v->value = val;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* the two operands of ifeq/ifneq: "(a,b)" or "'a' 'b'" / "\"a\" \"b\"" */
static int cond_operands(struct mk *m, const char *s, char **a, char **b)
{
	const char *arg[2];
	size_t len[2];

	s += strspn(s, " \t");
	*a = *b = NULL;
	if (*s == '(') {
		size_t e = ref_end(s, strlen(s));

		if (kb_split_args(s + 1, e - 1, arg, len, 2) != 2)
			return -EINVAL;
	} else if (*s == '"' || *s == '\'') {
		const char *q = strchr(s + 1, *s), *r;

		if (!q)
			return -EINVAL;
		arg[0] = s + 1;
		len[0] = q - s - 1;
		r = q + 1 + strspn(q + 1, " \t");
		if (*r != '"' && *r != '\'')
			return -EINVAL;
		q = strchr(r + 1, *r);
		if (!q)
			return -EINVAL;
		arg[1] = r + 1;
		len[1] = q - r - 1;
	} else {
		return -EINVAL;
	}
	char *x = kb_expand_str(m, arg[0], len[0]), *y = kb_expand_str(m, arg[1], len[1]);

	*a = x ? kb_strip_dup(x) : NULL;
	*b = y ? kb_strip_dup(y) : NULL;
	free(x);
	free(y);
	if (!*a || !*b) {
		free(*a);
		free(*b);
		return -ENOMEM;
	}
	return 0;
}

/* a conditional directive's truth, or -1 when line is not one */
static int eval_cond(struct mk *m, const char *line)
{
	char *a, *b;
	int r;

	if (!strncmp(line, "ifeq", 4) || !strncmp(line, "ifneq", 5)) {
		bool neq = line[2] == 'n';
		const char *rest = line + (neq ? 5 : 4);

		if (*rest && !isspace((unsigned char)*rest) && *rest != '(')
			return -1;
		if (cond_operands(m, rest, &a, &b))
			return 0;
		r = !strcmp(a, b) != neq;
		free(a);
		free(b);
		return r;
	}
	if (!strncmp(line, "ifdef", 5) || !strncmp(line, "ifndef", 6)) {
		bool ndef = line[2] == 'n';
		const char *rest = line + (ndef ? 6 : 5);
		char *name, *sn, *val;

		if (!isspace((unsigned char)*rest))
			return -1;
		name = kb_expand_str(m, rest, strlen(rest));
		sn = name ? kb_strip_dup(name) : NULL;
		/* ifdef is true for a variable with a non-empty value */
		val = sn ? kb_var_value(m, sn) : NULL;
		r = (val && *val) != ndef;
		free(name);
		free(sn);
		free(val);
		return r;
	}
	return -1;
}

#define MAX_NEST 32

/* line starts with the directive word kw (followed by nothing, a blank or a parenthesis) */
static bool is_directive(const char *l, const char *kw)
{
	size_t n = strlen(kw);

	return !strncmp(l, kw, n) && (!l[n] || isspace((unsigned char)l[n]) || l[n] == '(');
}

int kb_eval_text(struct mk *m, char *text)
{
	/* per nesting level: the branch is taken / some branch was taken */
	bool active[MAX_NEST + 1] = { true }, taken[MAX_NEST + 1] = { true };
	int level = 0, err = 0;
	bool in_recipe = false, in_define = false;

	for (char *line = text, *next; line && !err; line = next) {
		char *l, *hash;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (in_define) {
			if (!strncmp(trim(line), "endef", 5))
				in_define = false;
			continue;
		}
		/* a recipe line belongs to the rule above it */
		if (line[0] == '\t' && in_recipe)
			continue;
		in_recipe = false;
		hash = strchr(line, '#');
		while (hash && hash > line && hash[-1] == '\\')
			hash = strchr(hash + 1, '#');
		if (hash)
			*hash = '\0';
		l = trim(line);
		if (!*l)
			continue;
		if (is_directive(l, "ifeq") || is_directive(l, "ifneq") || is_directive(l, "ifdef") ||
		    is_directive(l, "ifndef")) {
			/* a malformed condition is false, as make would stop there */
			int c = active[level] ? eval_cond(m, l) > 0 : 0;

			if (level == MAX_NEST)
				return -EINVAL;
			level++;
			active[level] = active[level - 1] && c;
			taken[level] = active[level];
			continue;
		}
		if (is_directive(l, "else")) {
			char *rest = trim(l + 4);
			int c = 1;

			if (!level)
				continue;
			if (*rest && !taken[level] && active[level - 1])
				c = eval_cond(m, rest);
			active[level] = active[level - 1] && !taken[level] && c > 0;
			taken[level] = taken[level] || active[level];
			continue;
		}
		if (!strcmp(l, "endif")) {
			if (level)
				level--;
			continue;
		}
		if (!active[level])
			continue;
		if (!strncmp(l, "define", 6) && (!l[6] || isspace((unsigned char)l[6]))) {
			in_define = true;
			continue;
		}
		if (!strncmp(l, "include", 7) || !strncmp(l, "-include", 8) ||
		    !strncmp(l, "sinclude", 8) || !strncmp(l, "$(eval", 6))
			continue;
		for (bool again = true; again;) {
			again = false;
			if (!strncmp(l, "export ", 7) || !strncmp(l, "override ", 9) ||
			    !strncmp(l, "private ", 8)) {
				l = trim(strchr(l, ' '));
				again = true;
			}
		}
		/* the first ':' or '=' outside references decides: assignment or rule */
		int depth = 0;
		char *p, *op = NULL;

		for (p = l; *p; p++) {
			if (*p == '(' || *p == '{')
				depth++;
			else if (*p == ')' || *p == '}')
				depth--;
			else if (depth)
				continue;
			else if (*p == '=' || ((*p == '+' || *p == '?' || *p == '!') && p[1] == '=') ||
				 (*p == ':' && (p[1] == '=' || (p[1] == ':' && p[2] == '='))))
				break;
			else if (*p == ':')
				break;
		}
		if (!*p || (*p == ':' && p[1] != '=' && !(p[1] == ':' && p[2] == '='))) {
			/* a rule; the tab-indented lines after it are its recipe */
			in_recipe = true;
			continue;
		}
		char opbuf[4] = "";
		char *rhs, *name;

		if (*p == '=') {
			strcpy(opbuf, "=");
			rhs = p + 1;
		} else if (*p == ':' && p[1] == ':') {
			strcpy(opbuf, "::=");
			rhs = p + 3;
		} else {
			opbuf[0] = *p;
			opbuf[1] = '=';
			rhs = p + 2;
		}
		op = opbuf;
		*p = '\0';
		name = kb_expand_str(m, l, strlen(l));
		if (!name)
			return -ENOMEM;
		char *sn = kb_strip_dup(name);

		free(name);
		if (!sn)
			return -ENOMEM;
		/* '!=' runs a shell command: nothing an object list needs */
		if (*sn && strcmp(op, "!="))
			err = assign(m, sn, op, trim(rhs));
		free(sn);
	}
	return err;
}

/* read a makefile, joining backslash-continued lines as make does (one space) */
char *kb_read_makefile(const char *path)
{
	FILE *f = fopen(path, "r");
	struct sbuf b = {};
	char line[8192];

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		if (n >= 2 && line[n - 1] == '\n' && line[n - 2] == '\\') {
			/* make drops the whitespace around a continuation too */
			n -= 2;
			while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
				n--;
			kb_sb_add(&b, line, n);
			kb_sb_add(&b, " ", 1);
			/* leading whitespace of the next line goes with it */
			int c;

			while ((c = fgetc(f)) == ' ' || c == '\t')
				;
			if (c != EOF)
				ungetc(c, f);
			continue;
		}
		kb_sb_add(&b, line, n);
	}
	fclose(f);
	return kb_sb_take(&b);
}
