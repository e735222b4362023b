// SPDX-License-Identifier: GPL-2.0
/* Helpers every analysis shares (analysis/util.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/util.h"

const char *an_enum_name(const struct report_ctx *ctx, enum ns_name_kind kind, uint32_t v,
			 char *buf, size_t len)
{
	static const char *const unnamed[NS_NAMES__COUNT] = {
		[NS_NAMES_DROP_REASON] = "reason", [NS_NAMES_TCP_STATE] = "state",
		[NS_NAMES_RST_REASON] = "reason", [NS_NAMES_SOFTIRQ] = "vec",
	};
	const char *name = ctx->names ? ns_names_lookup(ctx->names, kind, v) : NULL;

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s#%u", unnamed[kind], v);
	return buf;
}

char *an_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct sort_arg {
	const unsigned char *rows;
	size_t size, off;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct sort_arg *sa = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t cx, cy;

	memcpy(&cx, sa->rows + x * sa->size + sa->off, sizeof(cx));
	memcpy(&cy, sa->rows + y * sa->size + sa->off, sizeof(cy));
	if (cx != cy)
		return cx > cy ? -1 : 1;
	return x < y ? -1 : x > y; /* qsort is not stable: the index breaks ties */
}

int an_sort_rows(void *rows, size_t n, size_t size, size_t count_off)
{
	struct sort_arg sa = { rows, size, count_off };
	uint32_t *order;
	unsigned char *tmp;

	if (n < 2)
		return 0;
	order = malloc(n * sizeof(*order));
	tmp = malloc(n * size);
	if (!order || !tmp) {
		free(order);
		free(tmp);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_rows, &sa);
	for (size_t i = 0; i < n; i++)
		memcpy(tmp + i * size, (unsigned char *)rows + order[i] * size, size);
	memcpy(rows, tmp, n * size);
	free(order);
	free(tmp);
	return 0;
}

void an_free_counts(struct rr_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].label);
	free(c);
}

bool an_lab_netns(const struct ns_meta *meta, uint32_t inode, char *name, size_t name_len,
		  char *label, size_t label_len)
{
	const char *v = meta ? ns_meta_get(meta, "lab.netns") : NULL;

	name[0] = label[0] = '\0';
	while (inode && v && *v) {
		const char *end = v + strcspn(v, ","), *eq = memchr(v, '=', end - v);
		const char *dash;

		if (eq && strtoull(eq + 1, NULL, 10) == inode) {
			snprintf(name, name_len, "%.*s", (int)(eq - v), v);
			dash = strrchr(name, '-');
			snprintf(label, label_len, "%s", dash ? dash + 1 : name);
			return true;
		}
		v = *end ? end + 1 : end;
	}
	return false;
}
