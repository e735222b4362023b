// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "common/suggest.h"

#define EDIT_MAX 128

int suggest__distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[EDIT_MAX + 1];

	if (la > EDIT_MAX || lb > EDIT_MAX)
		return (int)(la > lb ? la : lb);
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

void suggest__init(struct suggest *s, const char *name, int max)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->len = strlen(name);
	/* a third of the name, at least 2: "sk_bufff" -> sk_buff, not "sock" */
	s->limit = s->len / 3 > 2 ? (int)(s->len / 3) : 2;
	s->max = max > SUGGEST_MAX ? SUGGEST_MAX : max;
}

bool suggest__add(struct suggest *s, const char *cand)
{
	size_t cl = strlen(cand);
	int d, pos;

	/* the length difference is a lower bound of the distance */
	if ((cl > s->len ? cl - s->len : s->len - cl) > (size_t)s->limit)
		return false;
	d = suggest__distance(s->name, cand);
	if (d > s->limit)
		return false;
	for (int k = 0; k < s->n; k++)
		if (!strcmp(s->out[k], cand))
			return false;
	/* keep the list sorted by distance, then name */
	pos = s->n;
	while (pos > 0 && (s->dist[pos - 1] > d ||
			   (s->dist[pos - 1] == d && strcmp(s->out[pos - 1], cand) > 0)))
		pos--;
	if (pos >= s->max)
		return false;
	if (s->n < s->max)
		s->n++;
	for (int k = s->n - 1; k > pos; k--) {
		s->out[k] = s->out[k - 1];
		s->dist[k] = s->dist[k - 1];
	}
	s->out[pos] = cand;
	s->dist[pos] = d;
	return true;
}

int suggest__join(const struct suggest *s, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (int i = 0; i < s->n && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? ", " : "", s->out[i]);
	return s->n;
}
