// SPDX-License-Identifier: GPL-2.0
/*
 * The two containers the Kbuild reader is built on: a string map (the
 * configuration's symbols, a makefile's variables, the directories seen)
 * and a growing string with word helpers (make's values are lists of
 * words).  In one place because the configuration, the evaluator and the
 * selection all use them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/hash.h"
#include "index/kbuild_priv.h"

/* ---- a string map ---- */

struct var *kb_map_find(const struct strmap *m, const char *name)
{
	if (!m->cap)
		return NULL;
	for (size_t i = ns_str_hash(name) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->slots[i].name)
			return NULL;
		if (!strcmp(m->slots[i].name, name))
			return &m->slots[i];
	}
}

struct var *kb_map_get(struct strmap *m, const char *name)
{
	struct var *v = kb_map_find(m, name);
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
			for (i = ns_str_hash(m->slots[j].name) & (cap - 1); slots[i].name; i = (i + 1) & (cap - 1))
				;
			slots[i] = m->slots[j];
		}
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	for (i = ns_str_hash(name) & (m->cap - 1); m->slots[i].name; i = (i + 1) & (m->cap - 1))
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

void kb_map_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slots[i].name);
		free(m->slots[i].value);
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- growing strings ---- */

void kb_sb_add(struct sbuf *b, const char *s, size_t n)
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

void kb_sb_str(struct sbuf *b, const char *s)
{
	kb_sb_add(b, s, strlen(s));
}

void kb_sb_word(struct sbuf *b, const char *w, size_t n)
{
	if (b->n)
		kb_sb_add(b, " ", 1);
	kb_sb_add(b, w, n);
}

char *kb_sb_take(struct sbuf *b)
{
	char *s = b->oom ? NULL : b->s ? b->s : strdup("");

	if (b->oom)
		free(b->s);
	memset(b, 0, sizeof(*b));
	return s;
}

/* ---- words ---- */

const char *kb_next_word(const char **p, size_t *n)
{
	const char *s = *p + strspn(*p, " \t\n");

	if (!*s)
		return NULL;
	*n = strcspn(s, " \t\n");
	*p = s + *n;
	return s;
}

char *kb_strip_dup(const char *s)
{
	struct sbuf b = {};
	const char *p = s, *w;
	size_t n;

	while ((w = kb_next_word(&p, &n)))
		kb_sb_word(&b, w, n);
	return kb_sb_take(&b);
}
