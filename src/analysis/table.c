// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/table.h"

static size_t slot_of(const struct u64map *m, uint64_t key)
{
	return an_hash64(key) & (m->cap - 1);
}

static int u64map_grow(struct u64map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct u64map n = {
		.keys = malloc(ncap * sizeof(*n.keys)),
		.vals = malloc(ncap * sizeof(*n.vals)),
		.used = calloc(ncap, 1),
		.cap = ncap,
	};

	if (!n.keys || !n.vals || !n.used) {
		u64map_free(&n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->used[i])
			u64map_put(&n, m->keys[i], m->vals[i]);
	u64map_free(m);
	*m = n;
	return 0;
}

int u64map_put(struct u64map *m, uint64_t key, uint32_t val)
{
	/* keep the load under 1/2: linear probing degrades fast beyond that */
	if ((m->n + 1) * 2 > m->cap) {
		int err = u64map_grow(m);

		if (err)
			return err;
	}
	size_t i = slot_of(m, key);

	while (m->used[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->used[i]) {
		m->used[i] = 1;
		m->keys[i] = key;
		m->n++;
	}
	m->vals[i] = val;
	return 0;
}

bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val)
{
	if (!m->cap)
		return false;
	for (size_t i = slot_of(m, key); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return true;
		}
	}
	return false;
}

bool u64map_del(struct u64map *m, uint64_t key)
{
	return u64map_take(m, key, NULL);
}

bool u64map_take(struct u64map *m, uint64_t key, uint32_t *val)
{
	size_t mask = m->cap - 1, i, j;

	if (!m->cap)
		return false;
	for (i = slot_of(m, key); m->used[i]; i = (i + 1) & mask)
		if (m->keys[i] == key)
			break;
	if (!m->used[i])
		return false;
	if (val)
		*val = m->vals[i];
	/*
	 * Backward-shift deletion (Knuth 6.4, algorithm R): move later members
	 * of the probe run into the hole so lookups never need tombstones.
	 */
	m->used[i] = 0;
	m->n--;
	for (j = (i + 1) & mask; m->used[j]; j = (j + 1) & mask) {
		size_t home = slot_of(m, m->keys[j]);

		/* j stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->keys[i] = m->keys[j];
		m->vals[i] = m->vals[j];
		m->used[i] = 1;
		m->used[j] = 0;
		i = j;
	}
	return true;
}

void u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

void lru_init(struct lru *l, size_t elem_size, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->elem_size = elem_size;
	l->max = max;
	l->head = l->tail = l->free_list = LRU_NIL;
}

static void *elem(const struct lru *l, uint32_t i)
{
	return l->slab + (size_t)i * l->elem_size;
}

void *lru_get(struct lru *l, uint64_t key)
{
	uint32_t i;

	return u64map_get(&l->idx, key, &i) ? elem(l, i) : NULL;
}

bool lru_full(const struct lru *l)
{
	return l->n >= l->max;
}

static void unlink_(struct lru *l, uint32_t i)
{
	if (l->prev[i] != LRU_NIL)
		l->next[l->prev[i]] = l->next[i];
	else
		l->head = l->next[i];
	if (l->next[i] != LRU_NIL)
		l->prev[l->next[i]] = l->prev[i];
	else
		l->tail = l->prev[i];
}

static void append(struct lru *l, uint32_t i)
{
	l->prev[i] = l->tail;
	l->next[i] = LRU_NIL;
	if (l->tail != LRU_NIL)
		l->next[l->tail] = i;
	else
		l->head = i;
	l->tail = i;
}

static int lru_grow(struct lru *l)
{
	size_t ncap = l->cap ? l->cap * 2 : 64;

	if (ncap > l->max)
		ncap = l->max;
	unsigned char *slab = realloc(l->slab, ncap * l->elem_size);
	if (!slab)
		return -ENOMEM;
	l->slab = slab;
	uint64_t *keys = realloc(l->keys, ncap * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	l->keys = keys;
	uint32_t *prev = realloc(l->prev, ncap * sizeof(*prev));
	if (!prev)
		return -ENOMEM;
	l->prev = prev;
	uint32_t *next = realloc(l->next, ncap * sizeof(*next));
	if (!next)
		return -ENOMEM;
	l->next = next;
	/* new slots go on the free list, lowest index first */
	for (size_t i = ncap; i-- > l->cap;) {
		l->next[i] = l->free_list;
		l->free_list = (uint32_t)i;
	}
	l->cap = ncap;
	return 0;
}

void *lru_add(struct lru *l, uint64_t key)
{
	uint32_t i;

	if (lru_full(l)) {
		errno = ENOSPC;
		return NULL;
	}
	if (l->free_list == LRU_NIL) {
		int err = lru_grow(l);

		if (err) {
			errno = -err;
			return NULL;
		}
	}
	i = l->free_list;
	if (u64map_put(&l->idx, key, i)) {
		errno = ENOMEM;
		return NULL;
	}
	l->free_list = l->next[i];
	l->keys[i] = key;
	append(l, i);
	l->n++;
	memset(elem(l, i), 0, l->elem_size);
	return elem(l, i);
}

void *lru_oldest(struct lru *l, uint64_t *key)
{
	if (l->head == LRU_NIL)
		return NULL;
	if (key)
		*key = l->keys[l->head];
	return elem(l, l->head);
}

void lru_touch(struct lru *l, uint64_t key)
{
	uint32_t i;

	if (!u64map_get(&l->idx, key, &i) || l->tail == i)
		return;
	unlink_(l, i);
	append(l, i);
}

void *lru_get_touch(struct lru *l, uint64_t key)
{
	uint32_t i;

	if (!u64map_get(&l->idx, key, &i))
		return NULL;
	if (l->tail != i) {
		unlink_(l, i);
		append(l, i);
	}
	return elem(l, i);
}

void lru_del(struct lru *l, uint64_t key)
{
	uint32_t i;

	/* one lookup: every packet of a trace comes through here once */
	if (!u64map_take(&l->idx, key, &i))
		return;
	unlink_(l, i);
	l->next[i] = l->free_list;
	l->free_list = i;
	l->n--;
}

void lru_free(struct lru *l)
{
	u64map_free(&l->idx);
	free(l->slab);
	free(l->keys);
	free(l->prev);
	free(l->next);
	lru_init(l, l->elem_size, l->max);
}

int pair_fifo_push(struct pair_fifo *f, uint64_t a, uint64_t b)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 256;
		uint64_t(*v)[2] = malloc(ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		/* unwrap the ring into the new array */
		for (size_t i = 0; i < f->n; i++) {
			v[i][0] = f->v[(f->head + i) % f->cap][0];
			v[i][1] = f->v[(f->head + i) % f->cap][1];
		}
		free(f->v);
		f->v = v;
		f->cap = ncap;
		f->head = 0;
	}
	size_t t = (f->head + f->n) % f->cap;

	f->v[t][0] = a;
	f->v[t][1] = b;
	f->n++;
	return 0;
}

void pair_fifo_pop(struct pair_fifo *f)
{
	if (!f->n)
		return;
	f->head = (f->head + 1) % f->cap;
	f->n--;
}

void pair_fifo_free(struct pair_fifo *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
