/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "did you mean": the names nearest to one the user mistyped, by edit
 * distance.  Callers feed candidates one by one (BTF types, index rows), so
 * the candidate set never has to be built as a list first.
 */
#ifndef NS_SUGGEST_H
#define NS_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define SUGGEST_MAX 16

struct suggest {
	const char *name;	/* what the user typed */
	size_t len;
	int limit;		/* largest distance still worth suggesting */
	int max;		/* how many to keep, <= SUGGEST_MAX */
	int n;
	int dist[SUGGEST_MAX];
	const char *out[SUGGEST_MAX];	/* nearest first, then by name */
};

/* Edit distance (insert, delete, substitute); names over 128 bytes are far. */
int suggest__distance(const char *a, const char *b);

void suggest__init(struct suggest *s, const char *name, int max);

/*
 * Consider cand.  The pointer is kept as given: the caller keeps the string
 * alive until it has read s->out.  Returns true if cand was kept (it may be
 * pushed out later by a nearer one).
 */
bool suggest__add(struct suggest *s, const char *cand);

/* "a, b, c" into buf; returns s->n */
int suggest__join(const struct suggest *s, char *buf, size_t size);

#endif
