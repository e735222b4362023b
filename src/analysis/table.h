/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small containers the analyses share.  They exist because every analysis
 * must keep its memory bounded on traces of hours: a hash from 64-bit keys
 * (skb, sk, packet id, (reason, location)) to row indices, and a capped
 * table whose oldest entry is evicted when full (live packets, sockets).
 */
#ifndef NS_ANALYSIS_TABLE_H
#define NS_ANALYSIS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 64-bit mixer (splitmix64's finalizer): packet ids and addresses are not random */
static inline uint64_t an_hash64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* u64 key -> u32 value; open addressing, linear probing, no tombstones */
struct u64map {
	uint64_t *keys;
	uint32_t *vals;
	uint8_t *used;
	size_t cap, n;
};

/* insert or replace; 0 or -ENOMEM */
int u64map_put(struct u64map *m, uint64_t key, uint32_t val);
bool u64map_get(const struct u64map *m, uint64_t key, uint32_t *val);
bool u64map_del(struct u64map *m, uint64_t key);
/* u64map_get() and u64map_del() in one lookup: false when key is absent */
bool u64map_take(struct u64map *m, uint64_t key, uint32_t *val);
void u64map_free(struct u64map *m);

/*
 * A table of fixed-size elements keyed by u64, at most `max` of them, kept
 * in a list from least to most recently added (or touched), so the caller
 * can evict the oldest when it is full.  Element pointers are valid until the
 * next lru_add() (the slab may move).
 */
#define LRU_NIL UINT32_MAX

struct lru {
	struct u64map idx;
	unsigned char *slab;
	uint64_t *keys;
	uint32_t *prev, *next;
	size_t elem_size, cap, n, max;
	uint32_t head, tail, free_list;
};

void lru_init(struct lru *l, size_t elem_size, size_t max);
void *lru_get(struct lru *l, uint64_t key);
/*
 * lru_get() and lru_touch() in one hash lookup: the element, now the most
 * recently touched, or NULL.  For the per-event paths (journeys, sockets).
 */
void *lru_get_touch(struct lru *l, uint64_t key);
bool lru_full(const struct lru *l);
/* a new zeroed element at the tail; NULL when full (ENOSPC) or out of memory */
void *lru_add(struct lru *l, uint64_t key);
/* oldest element (and its key), NULL when empty */
void *lru_oldest(struct lru *l, uint64_t *key);
void lru_touch(struct lru *l, uint64_t key);
void lru_del(struct lru *l, uint64_t key);
void lru_free(struct lru *l);

/* A FIFO of (u64, u64) pairs that grows as needed. */
struct pair_fifo {
	uint64_t (*v)[2];
	size_t cap, head, n;
};

int pair_fifo_push(struct pair_fifo *f, uint64_t a, uint64_t b);
/* the front pair, false when empty; inline: journeys ask on every event */
static inline bool pair_fifo_front(const struct pair_fifo *f, uint64_t *a, uint64_t *b)
{
	if (!f->n)
		return false;
	*a = f->v[f->head][0];
	*b = f->v[f->head][1];
	return true;
}
void pair_fifo_pop(struct pair_fifo *f);
void pair_fifo_free(struct pair_fifo *f);

#endif
