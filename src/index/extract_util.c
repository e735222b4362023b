// SPDX-License-Identifier: GPL-2.0
/*
 * Small containers for the extractor: a string arena that lives as long as
 * one unit, a pointer map and a clearable hash set.  A kernel unit reports
 * tens of thousands of records; these keep it to a few mallocs.
 */
#include <stdlib.h>
#include <string.h>
#include "index/extract_priv.h"

#define IX_CHUNK (64 * 1024)

struct ix_chunk {
	struct ix_chunk *next;
	char data[];
};

/* A new chunk of at least n bytes; its data is aligned like its link pointer. */
static bool arena_grow(struct ix_arena *a, size_t n)
{
	size_t sz = n > IX_CHUNK ? n : IX_CHUNK;
	struct ix_chunk *c = malloc(sizeof(*c) + sz);

	if (!c)
		return false;
	c->next = a->head;
	a->head = c;
	a->next = c->data;
	a->left = sz;
	return true;
}

/* Room for n bytes aligned for any of our structs. */
void *ix_arena_alloc(struct ix_arena *a, size_t n)
{
	size_t pad = a->left ? (-(uintptr_t)a->next) & (sizeof(void *) - 1) : 0;
	char *p;

	if (pad + n > a->left) {
		if (!arena_grow(a, n))
			return NULL;
		pad = 0;
	}
	p = a->next + pad;
	a->next = p + n;
	a->left -= pad + n;
	return p;
}

const char *ix_arena_ndup(struct ix_arena *a, const char *s, size_t n)
{
	char *p;

	if (n + 1 > a->left && !arena_grow(a, n + 1))
		return NULL;
	p = a->next;
	memcpy(p, s, n);
	p[n] = '\0';
	a->next += n + 1;
	a->left -= n + 1;
	return p;
}

const char *ix_arena_dup(struct ix_arena *a, const char *s)
{
	return ix_arena_ndup(a, s, strlen(s));
}

void ix_arena_free(struct ix_arena *a)
{
	while (a->head) {
		struct ix_chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
	a->left = 0;
	a->next = NULL;
}

/* FNV-1a: short keys, no need for more */
uint64_t ix_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (!h)
		h = 0xcbf29ce484222325ULL;
	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t ix_hash_str(uint64_t h, const char *s)
{
	return ix_hash(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static size_t ptr_slot(const void *key, size_t cap)
{
	uint64_t h = (uintptr_t)key;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h & (cap - 1);
}

static int ptrmap_grow(struct ix_ptrmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 256;
	struct ix_ptrmap_slot *s = calloc(cap, sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->slots[i].key)
			continue;
		for (j = ptr_slot(m->slots[i].key, cap); s[j].key; j = (j + 1) & (cap - 1))
			;
		s[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = s;
	m->cap = cap;
	return 0;
}

/* The value slot of key, created (NULL) when missing; NULL on ENOMEM. */
void **ix_ptrmap_get(struct ix_ptrmap *m, const void *key, bool *found)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && ptrmap_grow(m))
		return NULL;
	for (j = ptr_slot(key, m->cap); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		if (m->slots[j].key == key) {
			*found = true;
			return &m->slots[j].val;
		}
	}
	m->slots[j].key = key;
	m->slots[j].val = NULL;
	m->n++;
	*found = false;
	return &m->slots[j].val;
}

void ix_ptrmap_free(struct ix_ptrmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static int seen_grow(struct ix_seen *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	struct ix_seen_slot *v = calloc(cap, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (s->slots[i].gen != s->gen)
			continue;
		for (j = s->slots[i].h & (cap - 1); v[j].gen == s->gen; j = (j + 1) & (cap - 1))
			;
		v[j] = s->slots[i];
		n++;
	}
	free(s->slots);
	s->slots = v;
	s->cap = cap;
	s->n = n;
	return 0;
}

bool ix_seen_add(struct ix_seen *s, uint64_t h)
{
	size_t j;

	if (!s->gen)
		s->gen = 1;	/* slots from calloc carry generation 0: empty */
	if ((s->n + 1) * 2 > s->cap && seen_grow(s))
		return true;	/* out of memory: report twice rather than never */
	for (j = h & (s->cap - 1); s->slots[j].gen == s->gen; j = (j + 1) & (s->cap - 1)) {
		if (s->slots[j].h == h)
			return false;
	}
	s->slots[j].h = h;
	s->slots[j].gen = s->gen;
	s->n++;
	return true;
}

bool ix_seen_has(const struct ix_seen *s, uint64_t h)
{
	if (!s->cap || !s->gen)
		return false;
	for (size_t j = h & (s->cap - 1); s->slots[j].gen == s->gen; j = (j + 1) & (s->cap - 1))
		if (s->slots[j].h == h)
			return true;
	return false;
}

void ix_seen_clear(struct ix_seen *s)
{
	s->gen++;
	s->n = 0;
	if (!s->gen) {
		/* the counter wrapped: old slots could look current again */
		memset(s->slots, 0, s->cap * sizeof(*s->slots));
		s->gen = 1;
	}
}

void ix_seen_free(struct ix_seen *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
