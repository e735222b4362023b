// SPDX-License-Identifier: GPL-2.0
/*
 * A small evaluator of Kbuild makefiles, enough to know which objects a
 * configuration builds: variable assignments of every flavour (=, :=, +=,
 * ?=), references and substitution references, the functions Kbuild
 * files use in object lists (subst, patsubst, filter, if, or, and, strip,
 * addprefix, addsuffix, foreach, ...), and conditionals (ifeq, ifneq,
 * ifdef, ifndef, else, endif).  Rules and recipes are skipped; includes
 * are not followed (object lists live in the directory's own file).
 *
 * What Kbuild does with the lists (scripts/Makefile.lib, 6.x):
 *   obj-y/obj-m name objects (foo.o) and subdirectories (sub/);
 *   foo.o is a composite when foo-objs, foo-y (and for obj-m foo-m), or
 *   foo- is non-empty; its parts are expanded the same way, recursively.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/log.h"
#include "index/kbuild.h"

/* ---- a string map (open addressing, FNV-1a) ---- */

struct var {
	char *name, *value;
	bool recursive;		/* '=' flavour: expanded when used */
};

struct strmap {
	struct var *slots;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct var *map_find(const struct strmap *m, const char *name)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash_str(name) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].name)
			return NULL;
		if (!strcmp(m->slots[i].name, name))
			return &m->slots[i];
	}
}

/* the slot for name, created empty; NULL on ENOMEM */
static struct var *map_get(struct strmap *m, const char *name)
{
	struct var *v = map_find(m, name);
	size_t i;

	if (v)
		return v;
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct var *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return NULL;
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->slots[j].name)
				continue;
			for (i = hash_str(m->slots[j].name) & (cap - 1); slots[i].name; i = (i + 1) & (cap - 1))
				;
			slots[i] = m->slots[j];
		}
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	for (i = hash_str(name) & (m->cap - 1); m->slots[i].name; i = (i + 1) & (m->cap - 1))
		;
	m->slots[i].name = strdup(name);
	m->slots[i].value = strdup("");
	if (!m->slots[i].name || !m->slots[i].value) {
		free(m->slots[i].name);
		free(m->slots[i].value);
		m->slots[i].name = NULL;
		return NULL;
	}
	m->n++;
	return &m->slots[i];
}

static void map_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].name);
		free(m->slots[i].value);
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- the configuration ---- */

struct kbuild_config {
	struct strmap syms;
};

static int set_sym(struct kbuild_config *c, const char *name, size_t nlen, const char *value)
{
	char key[256];
	struct var *v;
	char *val;

	if (nlen >= sizeof(key))
		return 0;
	memcpy(key, name, nlen);
	key[nlen] = '\0';
	v = map_get(&c->syms, key);
	val = strdup(value);
	if (!v || !val) {
		free(val);
		return -ENOMEM;
	}
	free(v->value);
	v->value = val;
	return 0;
}

static bool is_sym_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* CONFIG_X=y, CONFIG_X="str"; '# CONFIG_X is not set' is a comment like any other */
static int parse_dotconfig_line(struct kbuild_config *c, char *line)
{
	size_t n = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

	if (strncmp(line, "CONFIG_", 7) || line[n] != '=')
		return 0;
	line[strcspn(line, "\n")] = '\0';
	return set_sym(c, line, n, line + n + 1);
}

/* #define CONFIG_X 1 (=y), #define CONFIG_X_MODULE 1 (=m), #define CONFIG_S "str" */
static int parse_autoconf_line(struct kbuild_config *c, char *line)
{
	char *p = line, *name, *val;
	size_t n;

	if (strncmp(p, "#define CONFIG_", 15))
		return 0;
	name = p + 8;
	for (n = 0; is_sym_char(name[n]); n++)
		;
	val = name + n;
	val += strspn(val, " \t");
	val[strcspn(val, "\n")] = '\0';
	if (n > 7 && !strncmp(name + n - 7, "_MODULE", 7) && !strcmp(val, "1")) {
		int err = set_sym(c, name, n, "y");

		return err ?: set_sym(c, name, n - 7, "m");
	}
	return set_sym(c, name, n, !strcmp(val, "1") ? "y" : val);
}

int kbuild_config_load(const char *path, struct kbuild_config **out)
{
	size_t len = strlen(path);
	bool header = len > 2 && !strcmp(path + len - 2, ".h");
	struct kbuild_config *c;
	char line[4096];
	FILE *f;
	int err = 0;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	c = calloc(1, sizeof(*c));
	if (!c) {
		fclose(f);
		return -ENOMEM;
	}
	while (!err && fgets(line, sizeof(line), f))
		err = header ? parse_autoconf_line(c, line) : parse_dotconfig_line(c, line);
	fclose(f);
	if (err) {
		kbuild_config_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void kbuild_config_free(struct kbuild_config *c)
{
	if (!c)
		return;
	map_free(&c->syms);
	free(c);
}

const char *kbuild_config_get(const struct kbuild_config *c, const char *name)
{
	const struct var *v = c ? map_find(&c->syms, name) : NULL;

	return v ? v->value : NULL;
}

/* ---- growing strings ---- */

struct sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (b->n + n + 1 > cap)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* append a word, space-separated */
static void sb_word(struct sbuf *b, const char *w, size_t n)
{
	if (b->n)
		sb_add(b, " ", 1);
	sb_add(b, w, n);
}

/* the buffer's string (never NULL), ownership to the caller */
static char *sb_take(struct sbuf *b)
{
	char *s = b->oom ? NULL : b->s ? b->s : strdup("");

	if (b->oom)
		free(b->s);
	memset(b, 0, sizeof(*b));
	return s;
}

/* next whitespace-separated word of *p: its start, length in *n; NULL at the end */
static const char *next_word(const char **p, size_t *n)
{
	const char *s = *p + strspn(*p, " \t\n");

	if (!*s)
		return NULL;
	*n = strcspn(s, " \t\n");
	*p = s + *n;
	return s;
}

/* ---- the evaluator ---- */

struct mk {
	struct strmap vars;
	const struct kbuild_config *cfg;
	const char *tree, *dir;
	int depth;		/* of recursive expansion: a self-reference stops here */
};

static int expand(struct mk *m, const char *s, size_t n, struct sbuf *out);

static char *expand_str(struct mk *m, const char *s, size_t n)
{
	struct sbuf b = {};

	expand(m, s, n, &b);
	return sb_take(&b);
}

/* a variable's value, expanded; NULL when unset */
static char *var_value(struct mk *m, const char *name)
{
	struct var *v = map_find(&m->vars, name);
	const char *c;

	if (v) {
		if (!v->recursive)
			return strdup(v->value);
		if (m->depth > 32)
			return strdup("");
		m->depth++;
		char *r = expand_str(m, v->value, strlen(v->value));
		m->depth--;
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

/* split the arguments of a function at top-level commas (at most max; the last keeps the rest) */
static int split_args(const char *s, size_t n, const char **arg, size_t *len, int max)
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

/* make's pattern match: pat with at most one %; the stem in *stem, *stem_n */
static bool pattern_match(const char *pat, size_t pn, const char *w, size_t wn,
			  const char **stem, size_t *stem_n)
{
	const char *pct = memchr(pat, '%', pn);
	size_t pre, post;

	if (!pct) {
		*stem = NULL;
		*stem_n = 0;
		return pn == wn && !memcmp(pat, w, wn);
	}
	pre = pct - pat;
	post = pn - pre - 1;
	if (wn < pre + post || memcmp(w, pat, pre) || memcmp(w + wn - post, pct + 1, post))
		return false;
	*stem = w + pre;
	*stem_n = wn - pre - post;
	return true;
}

static void pattern_subst(struct sbuf *out, const char *pat, const char *rep, const char *text)
{
	size_t pn = strlen(pat), wn, sn;
	const char *p = text, *w, *stem, *pct = strchr(rep, '%');

	while ((w = next_word(&p, &wn))) {
		if (!pattern_match(pat, pn, w, wn, &stem, &sn)) {
			sb_word(out, w, wn);
			continue;
		}
		if (out->n)
			sb_add(out, " ", 1);
		if (pct && stem) {
			sb_add(out, rep, pct - rep);
			sb_add(out, stem, sn);
			sb_str(out, pct + 1);
		} else {
			sb_str(out, rep);
		}
	}
}

static bool word_in_patterns(const char *pats, const char *w, size_t wn)
{
	const char *p = pats, *pat, *stem;
	size_t pn, sn;

	while ((pat = next_word(&p, &pn)))
		if (pattern_match(pat, pn, w, wn, &stem, &sn))
			return true;
	return false;
}

static char *strip_dup(const char *s)
{
	struct sbuf b = {};
	const char *p = s, *w;
	size_t n;

	while ((w = next_word(&p, &n)))
		sb_word(&b, w, n);
	return sb_take(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* $(fn args): 1 when fn is a function handled here, 0 when s is a variable name */
static int call_function(struct mk *m, const char *s, size_t n, struct sbuf *out)
{
	static const char *const fns[] = {
		"subst", "patsubst", "strip", "filter", "filter-out", "if", "or", "and",
		"addprefix", "addsuffix", "foreach", "sort", "firstword", "notdir",
		"basename", "wildcard", "dir", "suffix", "words",
		/* side effects or shell: nothing an object list needs */
		"shell", "call", "eval", "info", "warning", "error", "origin", "value", "flavor",
		NULL,
	};
	const char *arg[3];
	size_t len[3], fl = 0;
	char *a[3] = {};
	int k, fi;

	while (fl < n && !isspace((unsigned char)s[fl]) && s[fl] != ')' && s[fl] != '}')
		fl++;
	if (fl == n)
		return 0;
	for (fi = 0; fns[fi]; fi++)
		if (strlen(fns[fi]) == fl && !memcmp(fns[fi], s, fl))
			break;
	if (!fns[fi])
		return 0;
	s += fl + 1;
	n -= fl + 1;
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	const char *fn = fns[fi];

	k = split_args(s, n, arg, len, 3);

	if (!strcmp(fn, "if") || !strcmp(fn, "or") || !strcmp(fn, "and")) {
		/* lazy: only the arguments that decide are expanded */
		if (!strcmp(fn, "if")) {
			char *c = expand_str(m, arg[0], len[0]), *sc = c ? strip_dup(c) : NULL;
			bool t = sc && *sc;

			free(c);
			free(sc);
			if (t && k > 1)
				expand(m, arg[1], len[1], out);
			else if (!t && k > 2)
				expand(m, arg[2], len[2], out);
			return 1;
		}
		/* or/and take any number of arguments: walk them one comma at a time */
		const char *rest = s;
		size_t rn = n;
		char *last = NULL;

		for (;;) {
			const char *a1[2];
			size_t l1[2];
			int kk = split_args(rest, rn, a1, l1, 2);
			char *v = expand_str(m, a1[0], l1[0]), *sv = v ? strip_dup(v) : NULL;

			free(v);
			free(last);
			last = sv;
			if (!sv)
				return 1;
			if (!strcmp(fn, "or") && *sv) {
				sb_str(out, sv);
				free(sv);
				return 1;
			}
			if (!strcmp(fn, "and") && !*sv) {
				free(sv);
				return 1;
			}
			if (kk < 2)
				break;
			rest = a1[1];
			rn = l1[1];
		}
		if (!strcmp(fn, "and") && last)
			sb_str(out, last);
		free(last);
		return 1;
	}
	if (!strcmp(fn, "foreach")) {
		char *var = k == 3 ? expand_str(m, arg[0], len[0]) : NULL;
		char *list = k == 3 ? expand_str(m, arg[1], len[1]) : NULL;
		char *name = var ? strip_dup(var) : NULL;

		if (name && list && *name) {
			struct var *v = map_get(&m->vars, name);
			char *saved = v ? v->value : NULL;
			bool saved_rec = v ? v->recursive : false;
			const char *p = list, *w;
			size_t wn;

			/* v is looked up again after each expansion: a nested foreach may grow the map */
			while (v && (w = next_word(&p, &wn))) {
				struct sbuf one = {};
				char *it = strndup(w, wn);

				if (!it)
					break;
				v->value = it;
				v->recursive = false;
				expand(m, arg[2], len[2], &one);
				if (one.n)
					sb_word(out, one.s, one.n);
				free(one.s);
				v = map_find(&m->vars, name);
				free(v->value);
				v->value = NULL;
			}
			v = map_find(&m->vars, name);
			if (v) {
				if (v->value != saved)
					free(v->value);
				v->value = saved;
				v->recursive = saved_rec;
			}
		}
		free(var);
		free(list);
		free(name);
		return 1;
	}
	for (int i = 0; i < k; i++)
		a[i] = expand_str(m, arg[i], len[i]);
	for (int i = 0; i < k; i++)
		if (!a[i])
			goto out;
	if (!strcmp(fn, "subst") && k == 3) {
		size_t fl2 = strlen(a[0]);
		const char *p = a[2], *hit;

		while (fl2 && (hit = strstr(p, a[0]))) {
			sb_add(out, p, hit - p);
			sb_str(out, a[1]);
			p = hit + fl2;
		}
		sb_str(out, p);
	} else if (!strcmp(fn, "patsubst") && k == 3) {
		char *pat = strip_dup(a[0]), *rep = strip_dup(a[1]);

		if (pat && rep)
			pattern_subst(out, pat, rep, a[2]);
		free(pat);
		free(rep);
	} else if (!strcmp(fn, "strip")) {
		char *t = strip_dup(a[0]);

		if (t)
			sb_str(out, t);
		free(t);
	} else if ((!strcmp(fn, "filter") || !strcmp(fn, "filter-out")) && k == 2) {
		bool keep = !strcmp(fn, "filter");
		const char *p = a[1], *w;
		size_t wn;

		while ((w = next_word(&p, &wn)))
			if (word_in_patterns(a[0], w, wn) == keep)
				sb_word(out, w, wn);
	} else if ((!strcmp(fn, "addprefix") || !strcmp(fn, "addsuffix")) && k == 2) {
		bool pre = !strcmp(fn, "addprefix");
		char *fix = strip_dup(a[0]);
		const char *p = a[1], *w;
		size_t wn;

		while (fix && (w = next_word(&p, &wn))) {
			if (out->n)
				sb_add(out, " ", 1);
			if (pre)
				sb_str(out, fix);
			sb_add(out, w, wn);
			if (!pre)
				sb_str(out, fix);
		}
		free(fix);
	} else if (!strcmp(fn, "sort")) {
		char *words[4096];
		const char *p = a[0], *w;
		size_t wn, nw = 0;

		while (nw < 4096 && (w = next_word(&p, &wn)))
			words[nw++] = strndup(w, wn);
		qsort(words, nw, sizeof(words[0]), cmp_str);
		for (size_t i = 0; i < nw; i++) {
			if (words[i] && (!i || !words[i - 1] || strcmp(words[i], words[i - 1])))
				sb_word(out, words[i], strlen(words[i]));
		}
		for (size_t i = 0; i < nw; i++)
			free(words[i]);
	} else if (!strcmp(fn, "firstword")) {
		const char *p = a[0], *w;
		size_t wn;

		if ((w = next_word(&p, &wn)))
			sb_add(out, w, wn);
	} else if (!strcmp(fn, "words")) {
		const char *p = a[0];
		size_t wn, nw = 0;
		char num[32];

		while (next_word(&p, &wn))
			nw++;
		snprintf(num, sizeof(num), "%zu", nw);
		sb_str(out, num);
	} else if (!strcmp(fn, "notdir") || !strcmp(fn, "dir") || !strcmp(fn, "basename") ||
		   !strcmp(fn, "suffix")) {
		const char *p = a[0], *w;
		size_t wn;

		while ((w = next_word(&p, &wn))) {
			const char *slash = w, *dot = NULL;

			for (size_t i = 0; i < wn; i++) {
				if (w[i] == '/') {
					slash = w + i + 1;
					dot = NULL;
				} else if (w[i] == '.') {
					dot = w + i;
				}
			}
			if (!strcmp(fn, "notdir"))
				sb_word(out, slash, w + wn - slash);
			else if (!strcmp(fn, "dir"))
				sb_word(out, slash == w ? "./" : w, slash == w ? 2 : (size_t)(slash - w));
			else if (!strcmp(fn, "basename"))
				sb_word(out, w, dot ? (size_t)(dot - w) : wn);
			else if (dot)
				sb_word(out, dot, w + wn - dot);
		}
	} else if (!strcmp(fn, "wildcard")) {
		/* relative patterns are relative to the tree root, where Kbuild runs make */
		const char *p = a[0], *w;
		size_t wn;

		while ((w = next_word(&p, &wn))) {
			char pat[4096];
			glob_t g;
			size_t tl = strlen(m->tree);

			if (w[0] == '/')
				snprintf(pat, sizeof(pat), "%.*s", (int)wn, w);
			else
				snprintf(pat, sizeof(pat), "%s/%.*s", m->tree, (int)wn, w);
			if (glob(pat, 0, NULL, &g))
				continue;
			for (size_t i = 0; i < g.gl_pathc; i++) {
				const char *r = g.gl_pathv[i];

				if (w[0] != '/' && !strncmp(r, m->tree, tl) && r[tl] == '/')
					r += tl + 1;
				sb_word(out, r, strlen(r));
			}
			globfree(&g);
		}
	}
	/* shell, call, eval, info, ...: expand to nothing */
out:
	for (int i = 0; i < k; i++)
		free(a[i]);
	return 1;
}

/* $(name) or $(name:from=to) */
static void reference(struct mk *m, const char *s, size_t n, struct sbuf *out)
{
	char *inner, *colon, *eq, *val;

	if (call_function(m, s, n, out))
		return;
	inner = expand_str(m, s, n);
	if (!inner)
		return;
	colon = strchr(inner, ':');
	eq = colon ? strchr(colon, '=') : NULL;
	if (colon && eq) {
		/* substitution reference: $(obj-y:.o=.c) means $(patsubst %.o,%.c,...) */
		char pat[512], rep[512];

		*colon = '\0';
		*eq = '\0';
		val = var_value(m, inner);
		if (val) {
			if (strchr(colon + 1, '%')) {
				snprintf(pat, sizeof(pat), "%s", colon + 1);
				snprintf(rep, sizeof(rep), "%s", eq + 1);
			} else {
				snprintf(pat, sizeof(pat), "%%%s", colon + 1);
				snprintf(rep, sizeof(rep), "%%%s", eq + 1);
			}
			pattern_subst(out, pat, rep, val);
		}
	} else {
		val = var_value(m, inner);
		if (val)
			sb_str(out, val);
	}
	free(val);
	free(inner);
}

static int expand(struct mk *m, const char *s, size_t n, struct sbuf *out)
{
	size_t i = 0;

	while (i < n) {
		const char *d = memchr(s + i, '$', n - i);

		if (!d) {
			sb_add(out, s + i, n - i);
			break;
		}
		sb_add(out, s + i, d - (s + i));
		i = d - s + 1;
		if (i >= n)
			break;
		if (s[i] == '$') {
			sb_add(out, "$", 1);
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

static int assign(struct mk *m, const char *name, const char *op, const char *rhs)
{
	struct var *v = map_find(&m->vars, name);
	char *val = NULL;

	if (!strcmp(op, "?=") && v)
		return 0;
	if (!v)
		v = map_get(&m->vars, name);
	if (!v)
		return -ENOMEM;
	if (!strcmp(op, "+=")) {
		/* += keeps the flavour: a simple variable gets the expanded text */
		char *add = v->recursive ? strdup(rhs) : expand_str(m, rhs, strlen(rhs));

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
		val = expand_str(m, rhs, strlen(rhs));
		v->recursive = false;
	} else {
		val = strdup(rhs);
		v->recursive = true;
	}
	if (!val)
		return -ENOMEM;
	/* the map may have grown in expand_str: find the slot again */
	v = map_find(&m->vars, name);
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

		if (split_args(s + 1, e - 1, arg, len, 2) != 2)
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
	char *x = expand_str(m, arg[0], len[0]), *y = expand_str(m, arg[1], len[1]);

	*a = x ? strip_dup(x) : NULL;
	*b = y ? strip_dup(y) : NULL;
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
		name = expand_str(m, rest, strlen(rest));
		sn = name ? strip_dup(name) : NULL;
		/* ifdef is true for a variable with a non-empty value */
		val = sn ? var_value(m, sn) : NULL;
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

/* evaluate one makefile's text (continuations already joined) line by line */
static int eval_text(struct mk *m, char *text)
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
		name = expand_str(m, l, strlen(l));
		if (!name)
			return -ENOMEM;
		char *sn = strip_dup(name);

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
static char *read_makefile(const char *path)
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
			sb_add(&b, line, n);
			sb_add(&b, " ", 1);
			/* leading whitespace of the next line goes with it */
			int c;

			while ((c = fgetc(f)) == ' ' || c == '\t')
				;
			if (c != EOF)
				ungetc(c, f);
			continue;
		}
		sb_add(&b, line, n);
	}
	fclose(f);
	return sb_take(&b);
}

/* ---- selection ---- */

static bool file_exists(const char *tree, const char *rel)
{
	char path[8192];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* "net/ipv4/./a/../b.c" -> "net/ipv4/b.c" (lexically; a/.. is a/.. in the tree, no symlinks there) */
static void normalize(char *path)
{
	char *parts[256], *save, *tok, buf[8192];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..") && n > 0 && strcmp(parts[n - 1], "..")) {
			n--;
			continue;
		}
		if (n < 256)
			parts[n++] = tok;
	}
	path[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(path, "/");
		strcat(path, parts[i]);
	}
}

int kbuild_list_add(struct kbuild_list *l, const char *path, const char *modname)
{
	struct kbuild_file *f;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct kbuild_file *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n];
	f->path = strdup(path);
	if (!modname) {
		const char *s = strrchr(path, '/');

		s = s ? s + 1 : path;
		f->modname = strndup(s, strcspn(s, "."));
	} else {
		f->modname = strdup(modname);
	}
	if (!f->path || !f->modname) {
		free(f->path);
		free(f->modname);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct kbuild_file *)a)->path, ((const struct kbuild_file *)b)->path);
}

void kbuild_list_sort(struct kbuild_list *l)
{
	size_t w = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_file);
	for (size_t i = 0; i < l->n; i++) {
		if (w && !strcmp(l->v[w - 1].path, l->v[i].path)) {
			free(l->v[i].path);
			free(l->v[i].modname);
			continue;
		}
		l->v[w++] = l->v[i];
	}
	l->n = w;
}

void kbuild_list_free(struct kbuild_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].modname);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct selector {
	const struct kbuild_config *cfg;
	const char *tree;
	struct kbuild_list *out;
	struct strmap seen_dirs;
};

/* the concatenated values of base<suffix> for each suffix */
static char *suffix_search(struct mk *m, const char *base, const char *const *suffixes)
{
	struct sbuf b = {};
	char name[1024];

	for (int i = 0; suffixes[i]; i++) {
		char *v;

		snprintf(name, sizeof(name), "%s%s", base, suffixes[i]);
		v = var_value(m, name);
		if (v && *v)
			sb_word(&b, v, strlen(v));
		free(v);
	}
	return sb_take(&b);
}

static int select_dir(struct selector *s, const char *dir);

/* an object of obj-y/obj-m: foo.o is foo.c, or a composite of its parts */
static int add_object(struct selector *s, struct mk *m, const char *word, size_t wn,
		      const char *const *suffixes, const char *modname, int depth)
{
	char base[1024], path[8192], *parts, *presence;
	/* foo- counts too: a composite whose parts are all configured out */
	const char *probe[8];
	int np = 0, err = 0;

	for (; suffixes[np] && np < 6; np++)
		probe[np] = suffixes[np];
	probe[np++] = "-";
	probe[np] = NULL;
	if (wn < 3 || memcmp(word + wn - 2, ".o", 2) || wn - 2 >= sizeof(base))
		return 0;
	memcpy(base, word, wn - 2);
	base[wn - 2] = '\0';
	presence = suffix_search(m, base, probe);
	if (!presence)
		return -ENOMEM;
	if (*presence && depth < 8) {
		/* a composite: its parts, named relative to the same directory */
		const char *slash = strrchr(base, '/'), *mod = modname ? modname : slash ? slash + 1 : base;
		const char *p, *w;
		size_t pn;

		parts = suffix_search(m, base, suffixes);
		if (!parts) {
			free(presence);
			return -ENOMEM;
		}
		p = parts;
		while (!err && (w = next_word(&p, &pn)))
			err = add_object(s, m, w, pn, suffixes, mod, depth + 1);
		free(parts);
		free(presence);
		return err;
	}
	free(presence);
	snprintf(path, sizeof(path), "%s/%s.c", m->dir, base);
	normalize(path);
	/* assembler (.S) and files generated at build time have no .c in the tree */
	if (!file_exists(s->tree, path)) {
		ns_dbg(1, "kbuild: %s/%s.o has no .c in the tree", m->dir, base);
		return 0;
	}
	const char *slash = strrchr(base, '/');

	return kbuild_list_add(s->out, path, modname ? modname : slash ? slash + 1 : base);
}

static int select_dir(struct selector *s, const char *dir)
{
	static const char *const sfx_y[] = { "-objs", "-y", NULL };
	static const char *const sfx_m[] = { "-objs", "-y", "-m", NULL };
	static const struct {
		const char *list;
		const char *const *suffixes;
	} lists[] = {
		{ "obj-y", sfx_y }, { "obj-m", sfx_m }, { "lib-y", sfx_y },
	};
	char path[8192];
	struct mk m = { .cfg = s->cfg, .tree = s->tree, .dir = dir };
	char *text;
	int err = 0;

	if (map_find(&s->seen_dirs, dir))
		return 0;
	if (!map_get(&s->seen_dirs, dir))
		return -ENOMEM;
	/* Kbuild prefers a file named Kbuild (scripts/Makefile.build: kbuild-file) */
	snprintf(path, sizeof(path), "%s/%s/Kbuild", s->tree, dir);
	text = read_makefile(path);
	if (!text) {
		snprintf(path, sizeof(path), "%s/%s/Makefile", s->tree, dir);
		text = read_makefile(path);
	}
	if (!text)
		return -ENOENT;
	err = eval_text(&m, text);
	free(text);
	for (size_t i = 0; !err && i < sizeof(lists) / sizeof(lists[0]); i++) {
		char *val = var_value(&m, lists[i].list);
		const char *p = val, *w;
		size_t wn;

		while (!err && p && (w = next_word(&p, &wn))) {
			if (w[wn - 1] == '/') {
				char sub[8192];

				snprintf(sub, sizeof(sub), "%s/%.*s", dir, (int)wn - 1, w);
				normalize(sub);
				err = select_dir(s, sub);
				/* a subdirectory without a makefile breaks the kernel build too */
				if (err == -ENOENT) {
					ns_dbg(1, "kbuild: %s has no Makefile", sub);
					err = 0;
				}
			} else {
				err = add_object(s, &m, w, wn, lists[i].suffixes, NULL, 0);
			}
		}
		free(val);
	}
	map_free(&m.vars);
	return err;
}

int kbuild_select(const struct kbuild_config *cfg, const char *tree, const char *dir,
		  struct kbuild_list *out)
{
	struct selector s = { .cfg = cfg, .tree = tree, .out = out };
	char d[8192];
	int err;

	snprintf(d, sizeof(d), "%s", dir);
	normalize(d);
	err = select_dir(&s, d);
	map_free(&s.seen_dirs);
	return err;
}

static int walk_all(const char *tree, const char *rel, struct kbuild_list *out)
{
	char path[8192];
	struct dirent *e;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	d = opendir(path);
	if (!d)
		return -errno;
	while (!err && (e = readdir(d))) {
		char sub[8192];
		struct stat st;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", tree, sub);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			err = walk_all(tree, sub, out);
		else if (S_ISREG(st.st_mode) && n > 2 && !strcmp(e->d_name + n - 2, ".c"))
			err = kbuild_list_add(out, sub, NULL);
	}
	closedir(d);
	return err;
}

int kbuild_all_files(const char *tree, const char *dir, struct kbuild_list *out)
{
	char d[8192];

	snprintf(d, sizeof(d), "%s", dir);
	normalize(d);
	return walk_all(tree, d, out);
}
