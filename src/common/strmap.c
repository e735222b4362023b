// SPDX-License-Identifier: GPL-2.0
/*
 * The string map of strmap.h: linear probing, kept at most half full so a
 * miss ends quickly, grown by doubling.
 */
#include <stdlib.h>
#include <string.h>
#include "common/hash.h"
#include "common/strmap.h"

static struct ns_strmap_slot *find(const struct ns_strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct ns_strmap_slot *s = &m->slots[i];

		if (!s->key || (s->hash == h && !strcmp(s->key, key)))
			return s;
	}
}

static int grow(struct ns_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct ns_strmap old = *m;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old.slots;
		return -1;
	}
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*find(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
	free(old.slots);
	return 0;
}

const char *ns_strmap_put(struct ns_strmap *m, const char *key, uint32_t val)
{
	uint64_t h = ns_str_hash(key);
	struct ns_strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap && grow(m))
		return NULL;
	s = find(m, key, h);
	if (!s->key) {
		s->key = strdup(key);
		if (!s->key)
			return NULL;
		s->hash = h;
		m->n++;
	}
	s->val = val;
	return s->key;
}

bool ns_strmap_get(const struct ns_strmap *m, const char *key, uint32_t *val)
{
	const struct ns_strmap_slot *s;

	if (!m->cap)
		return false;
	s = find(m, key, ns_str_hash(key));
	if (!s->key)
		return false;
	if (val)
		*val = s->val;
	return true;
}

const char *ns_strmap_key(const struct ns_strmap *m, const char *key)
{
	return m->cap ? find(m, key, ns_str_hash(key))->key : NULL;
}

void ns_strmap_free(struct ns_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
