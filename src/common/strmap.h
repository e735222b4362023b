/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A string -> u32 hash map (open addressing, FNV-1a): the name tables of
 * the analyses that run per stack frame, where a linear scan or a
 * strcmp() chain would cost more than the rest of the frame's work.  Keys
 * are copied; the copy lives as long as the map, so callers can keep the
 * pointer strmap_put() returns as an interned name.
 */
#ifndef NS_COMMON_STRMAP_H
#define NS_COMMON_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ns_strmap_slot {
	char *key;		/* NULL: empty */
	uint64_t hash;
	uint32_t val;
};

struct ns_strmap {
	struct ns_strmap_slot *slots;
	size_t cap, n;		/* cap is 0 or a power of two */
};

/* set key's value; the map's copy of key, or NULL (out of memory) */
const char *ns_strmap_put(struct ns_strmap *m, const char *key, uint32_t val);
/* key's value into *val (may be NULL); false when absent */
bool ns_strmap_get(const struct ns_strmap *m, const char *key, uint32_t *val);
/* the map's copy of key, or NULL when absent */
const char *ns_strmap_key(const struct ns_strmap *m, const char *key);
void ns_strmap_free(struct ns_strmap *m);

#endif
