// SPDX-License-Identifier: GPL-2.0
/*
 * make's functions as Kbuild files use them in object lists (subst,
 * patsubst, filter, if, or, and, strip, addprefix, addsuffix, foreach,
 * sort, wildcard, ...); those with side effects or a shell (shell, call,
 * eval, info, ...) expand to nothing.  Apart from the evaluator
 * (kbuild_make.c): each function is its own small piece of make's
 * semantics that knows nothing of how lines are parsed, and with them
 * the evaluator would be nearly twice its size.
 */
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "index/kbuild_priv.h"

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

void kb_pattern_subst(struct sbuf *out, const char *pat, const char *rep, const char *text)
{
	size_t pn = strlen(pat), wn, sn;
	const char *p = text, *w, *stem, *pct = strchr(rep, '%');

	while ((w = kb_next_word(&p, &wn))) {
		if (!pattern_match(pat, pn, w, wn, &stem, &sn)) {
			kb_sb_word(out, w, wn);
			continue;
		}
		if (out->n)
			kb_sb_add(out, " ", 1);
		if (pct && stem) {
			kb_sb_add(out, rep, pct - rep);
			kb_sb_add(out, stem, sn);
			kb_sb_str(out, pct + 1);
		} else {
			kb_sb_str(out, rep);
		}
	}
}

static bool word_in_patterns(const char *pats, const char *w, size_t wn)
{
	const char *p = pats, *pat, *stem;
	size_t pn, sn;

	while ((pat = kb_next_word(&p, &pn)))
		if (pattern_match(pat, pn, w, wn, &stem, &sn))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kb_call_function(struct mk *m, const char *s, size_t n, struct sbuf *out)
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

	k = kb_split_args(s, n, arg, len, 3);

	if (!strcmp(fn, "if") || !strcmp(fn, "or") || !strcmp(fn, "and")) {
		/* lazy: only the arguments that decide are expanded */
		if (!strcmp(fn, "if")) {
			char *c = kb_expand_str(m, arg[0], len[0]), *sc = c ? kb_strip_dup(c) : NULL;
			bool t = sc && *sc;

			free(c);
			free(sc);
			if (t && k > 1)
				kb_expand(m, arg[1], len[1], out);
			else if (!t && k > 2)
				kb_expand(m, arg[2], len[2], out);
			return 1;
		}
		/* or/and take any number of arguments: walk them one comma at a time */
		const char *rest = s;
		size_t rn = n;
		char *last = NULL;

		for (;;) {
			const char *a1[2];
			size_t l1[2];
			int kk = kb_split_args(rest, rn, a1, l1, 2);
			char *v = kb_expand_str(m, a1[0], l1[0]), *sv = v ? kb_strip_dup(v) : NULL;

			free(v);
			free(last);
			last = sv;
			if (!sv)
				return 1;
			if (!strcmp(fn, "or") && *sv) {
				kb_sb_str(out, sv);
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
			kb_sb_str(out, last);
		free(last);
		return 1;
	}
	if (!strcmp(fn, "foreach")) {
		char *var = k == 3 ? kb_expand_str(m, arg[0], len[0]) : NULL;
		char *list = k == 3 ? kb_expand_str(m, arg[1], len[1]) : NULL;
		char *name = var ? kb_strip_dup(var) : NULL;

		if (name && list && *name) {
			struct var *v = kb_map_get(&m->vars, name);
			char *saved = v ? v->value : NULL;
			bool saved_rec = v ? v->recursive : false;
			const char *p = list, *w;
			size_t wn;

			/* v is looked up again after each expansion: a nested foreach may grow the map */
			while (v && (w = kb_next_word(&p, &wn))) {
				struct sbuf one = {};
				char *it = strndup(w, wn);

				if (!it)
					break;
				v->value = it;
				v->recursive = false;
				kb_expand(m, arg[2], len[2], &one);
				if (one.n)
					kb_sb_word(out, one.s, one.n);
				free(one.s);
				v = kb_map_find(&m->vars, name);
				free(v->value);
				v->value = NULL;
			}
			v = kb_map_find(&m->vars, name);
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
		a[i] = kb_expand_str(m, arg[i], len[i]);
	for (int i = 0; i < k; i++)
		if (!a[i])
			goto out;
	if (!strcmp(fn, "subst") && k == 3) {
		size_t fl2 = strlen(a[0]);
		const char *p = a[2], *hit;

		while (fl2 && (hit = strstr(p, a[0]))) {
			kb_sb_add(out, p, hit - p);
			kb_sb_str(out, a[1]);
			p = hit + fl2;
		}
		kb_sb_str(out, p);
	} else if (!strcmp(fn, "patsubst") && k == 3) {
		char *pat = kb_strip_dup(a[0]), *rep = kb_strip_dup(a[1]);

		if (pat && rep)
			kb_pattern_subst(out, pat, rep, a[2]);
		free(pat);
		free(rep);
	} else if (!strcmp(fn, "strip")) {
		char *t = kb_strip_dup(a[0]);

		if (t)
			kb_sb_str(out, t);
		free(t);
	} else if ((!strcmp(fn, "filter") || !strcmp(fn, "filter-out")) && k == 2) {
		bool keep = !strcmp(fn, "filter");
		const char *p = a[1], *w;
		size_t wn;

		while ((w = kb_next_word(&p, &wn)))
			if (word_in_patterns(a[0], w, wn) == keep)
				kb_sb_word(out, w, wn);
	} else if ((!strcmp(fn, "addprefix") || !strcmp(fn, "addsuffix")) && k == 2) {
		bool pre = !strcmp(fn, "addprefix");
		char *fix = kb_strip_dup(a[0]);
		const char *p = a[1], *w;
		size_t wn;

		while (fix && (w = kb_next_word(&p, &wn))) {
			if (out->n)
				kb_sb_add(out, " ", 1);
			if (pre)
				kb_sb_str(out, fix);
			kb_sb_add(out, w, wn);
			if (!pre)
				kb_sb_str(out, fix);
		}
		free(fix);
	} else if (!strcmp(fn, "sort")) {
		char *words[4096];
		const char *p = a[0], *w;
		size_t wn, nw = 0;

		while (nw < 4096 && (w = kb_next_word(&p, &wn)))
			words[nw++] = strndup(w, wn);
		qsort(words, nw, sizeof(words[0]), cmp_str);
		for (size_t i = 0; i < nw; i++) {
			if (words[i] && (!i || !words[i - 1] || strcmp(words[i], words[i - 1])))
				kb_sb_word(out, words[i], strlen(words[i]));
		}
		for (size_t i = 0; i < nw; i++)
			free(words[i]);
	} else if (!strcmp(fn, "firstword")) {
		const char *p = a[0], *w;
		size_t wn;

		if ((w = kb_next_word(&p, &wn)))
			kb_sb_add(out, w, wn);
	} else if (!strcmp(fn, "words")) {
		const char *p = a[0];
		size_t wn, nw = 0;
		char num[32];

		while (kb_next_word(&p, &wn))
			nw++;
		snprintf(num, sizeof(num), "%zu", nw);
		kb_sb_str(out, num);
	} else if (!strcmp(fn, "notdir") || !strcmp(fn, "dir") || !strcmp(fn, "basename") ||
		   !strcmp(fn, "suffix")) {
		const char *p = a[0], *w;
		size_t wn;

		while ((w = kb_next_word(&p, &wn))) {
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
				kb_sb_word(out, slash, w + wn - slash);
			else if (!strcmp(fn, "dir"))
				kb_sb_word(out, slash == w ? "./" : w, slash == w ? 2 : (size_t)(slash - w));
			else if (!strcmp(fn, "basename"))
				kb_sb_word(out, w, dot ? (size_t)(dot - w) : wn);
			else if (dot)
				kb_sb_word(out, dot, w + wn - dot);
		}
	} else if (!strcmp(fn, "wildcard")) {
		/* relative patterns are relative to the tree root, where Kbuild runs make */
		const char *p = a[0], *w;
		size_t wn;

		while ((w = kb_next_word(&p, &wn))) {
			char pat[4096];
			glob_t g;
			size_t tl = strlen(m->tree);
			int pn;

			if (w[0] == '/')
				pn = snprintf(pat, sizeof(pat), "%.*s", (int)wn, w);
			else
				pn = snprintf(pat, sizeof(pat), "%s/%.*s", m->tree, (int)wn, w);
			/* a pattern cut short could match other files: too long matches none */
			if (pn < 0 || (size_t)pn >= sizeof(pat) || glob(pat, 0, NULL, &g))
				continue;
			for (size_t i = 0; i < g.gl_pathc; i++) {
				const char *r = g.gl_pathv[i];

				if (w[0] != '/' && !strncmp(r, m->tree, tl) && r[tl] == '/')
					r += tl + 1;
				kb_sb_word(out, r, strlen(r));
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
