// SPDX-License-Identifier: GPL-2.0
/*
 * The "counters" analysis: per namespace, after - before of every SNMP
 * counter the trace's snapshots hold.  Rows are the counters that moved,
 * the watched ones (counters_watch.c) even when they did not, and those
 * only one snapshot has (a kernel prints IcmpMsg types only once seen).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/analysis.h"
#include "analysis/counters.h"

#define PHASE_BEFORE ".before"
#define PHASE_AFTER ".after"

struct counters_an {
	const struct ns_meta *meta;
};

struct counters_an *counters_new(const struct ns_meta *meta)
{
	struct counters_an *c = calloc(1, sizeof(*c));

	if (c)
		c->meta = meta;
	return c;
}

void counters_feed(struct counters_an *c, const struct ns_event *ev)
{
}

void counters_free(struct counters_an *c)
{
	free(c);
}

static int cmp_counter(const void *a, const void *b)
{
	const struct snmp_counter *x = a, *y = b;
	int r = strcmp(x->group, y->group);

	return r ? r : strcmp(x->name, y->name);
}

/* a copy of s sorted by group, then name; NULL (and *err) on no memory */
static struct snmp_counter *sorted(const struct snmp_snap *s, int *err)
{
	struct snmp_counter *v = malloc((s->n ? s->n : 1) * sizeof(*v));

	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	if (s->n)
		memcpy(v, s->c, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_counter);
	return v;
}

/* b or a may be NULL: the counter is missing from that snapshot */
static void make_row(struct counters_row *r, const struct snmp_counter *b,
		     const struct snmp_counter *a)
{
	const struct snmp_counter *any = b ? b : a;
	const struct counters_watch *w = counters_watch_find(any->group, any->name);

	memset(r, 0, sizeof(*r));
	memcpy(r->group, any->group, sizeof(r->group));
	memcpy(r->name, any->name, sizeof(r->name));
	r->in_before = b != NULL;
	r->in_after = a != NULL;
	r->before = b ? b->value : 0;
	r->after = a ? a->value : 0;
	/* unsigned arithmetic: counters wrap at 2^64, a signed overflow would be UB */
	r->delta = (int64_t)((uint64_t)r->after - (uint64_t)r->before);
	r->watched = w != NULL;
	r->why = w ? w->why : NULL;
}

int counters_diff(const struct snmp_snap *before, const struct snmp_snap *after,
		  struct counters_netns *out)
{
	struct snmp_counter *b, *a;
	size_t i = 0, j = 0;
	int err = 0;

	b = sorted(before, &err);
	a = b ? sorted(after, &err) : NULL;
	out->rows = a ? calloc(before->n + after->n + 1, sizeof(*out->rows)) : NULL;
	if (!out->rows) {
		free(b);
		free(a);
		return -ENOMEM;
	}
	/* merge of two sorted lists: each counter once, with what each snapshot says */
	while (i < before->n || j < after->n) {
		int c = i == before->n ? 1 : j == after->n ? -1 : cmp_counter(&b[i], &a[j]);
		struct counters_row *r = &out->rows[out->n_rows];

		make_row(r, c <= 0 ? &b[i] : NULL, c >= 0 ? &a[j] : NULL);
		i += c <= 0;
		j += c >= 0;
		if (r->delta)
			out->n_changed++;
		if (r->delta || r->watched || !r->in_before || !r->in_after)
			out->n_rows++;
		else
			out->unchanged++;
	}
	free(b);
	free(a);
	return 0;
}

/* "counters.<label>.before" -> label and phase (0 before, 1 after); false if not such a key */
static bool parse_key(const char *key, char *label, size_t len, int *phase)
{
	size_t plen = strlen(SNMP_META_PREFIX), klen = strlen(key), suffix;

	if (strncmp(key, SNMP_META_PREFIX, plen))
		return false;
	if (klen > strlen(PHASE_BEFORE) && !strcmp(key + klen - strlen(PHASE_BEFORE), PHASE_BEFORE)) {
		*phase = 0;
		suffix = strlen(PHASE_BEFORE);
	} else if (klen > strlen(PHASE_AFTER) &&
		   !strcmp(key + klen - strlen(PHASE_AFTER), PHASE_AFTER)) {
		*phase = 1;
		suffix = strlen(PHASE_AFTER);
	} else {
		return false;
	}
	if (klen - suffix <= plen || klen - suffix - plen >= len)
		return false;
	memcpy(label, key + plen, klen - suffix - plen);
	label[klen - suffix - plen] = '\0';
	return true;
}

static struct counters_netns *find_or_add(struct counters_result *r, const char *label, int *err)
{
	struct counters_netns *v;

	for (size_t i = 0; i < r->n_ns; i++)
		if (!strcmp(r->ns[i].label, label))
			return &r->ns[i];
	v = realloc(r->ns, (r->n_ns + 1) * sizeof(*v));
	if (!v)
		goto nomem;
	r->ns = v;
	v = &r->ns[r->n_ns];
	memset(v, 0, sizeof(*v));
	v->label = strdup(label);
	if (!v->label)
		goto nomem;
	r->n_ns++;
	return v;
nomem:
	*err = -ENOMEM;
	return NULL;
}

/* Both snapshots of one label, then their rows; a bad snapshot is reported, not fatal. */
static int diff_label(const struct ns_meta *meta, struct counters_netns *ns)
{
	struct snmp_snap snap[2] = {};
	static const char *const phases[2] = { PHASE_BEFORE, PHASE_AFTER };
	int err = 0;

	for (int p = 0; p < 2 && !err; p++) {
		char key[256];
		const char *v;

		snprintf(key, sizeof(key), SNMP_META_PREFIX "%s%s", ns->label, phases[p]);
		v = ns_meta_get(meta, key);
		if (!v)
			continue;
		err = snmp_snap_parse(&snap[p], v);
		if (err == -EINVAL) {
			/* the message is the result: the renderers show it */
			if (asprintf(&ns->error, "metadata '%s' is not a counter snapshot", key) < 0) {
				ns->error = NULL;
				err = -ENOMEM;
			}
		}
	}
	/* one snapshot alone (a capture cut short) has no deltas: the flags say so */
	if (!err && ns->has_before && ns->has_after)
		err = counters_diff(&snap[0], &snap[1], ns);
	else if (err == -EINVAL)
		err = 0;
	snmp_snap_free(&snap[0]);
	snmp_snap_free(&snap[1]);
	return err;
}

int counters_finish(struct counters_an *c, struct counters_result *out)
{
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; c->meta && i < c->meta->n && !err; i++) {
		char label[128];
		struct counters_netns *ns;
		int phase;

		if (!parse_key(c->meta->kv[i].key, label, sizeof(label), &phase))
			continue;
		ns = find_or_add(out, label, &err);
		if (!ns)
			break;
		if (phase == 0)
			ns->has_before = true;
		else
			ns->has_after = true;
	}
	for (size_t i = 0; i < out->n_ns && !err; i++)
		err = diff_label(c->meta, &out->ns[i]);
	if (err)
		counters_result_free(out);
	return err;
}

void counters_result_free(struct counters_result *r)
{
	for (size_t i = 0; i < r->n_ns; i++) {
		free(r->ns[i].label);
		free(r->ns[i].error);
		free(r->ns[i].rows);
	}
	free(r->ns);
	memset(r, 0, sizeof(*r));
}

/* ---- the analysis interface (analysis/analysis.h) ---- */

static int counters_init_op(void **state, const struct report_ctx *ctx)
{
	*state = counters_new(ctx->meta);
	return *state ? 0 : -ENOMEM;
}

static void counters_feed_op(void *state, const struct ns_event *ev)
{
	counters_feed(state, ev);
}

static int counters_finish_op(void *state, const struct analysis_end *end,
			      struct report_result *res)
{
	return counters_finish(state, &res->counters);
}

static void counters_free_op(void *state)
{
	counters_free(state);
}

static void counters_free_part(struct report_result *res)
{
	counters_result_free(&res->counters);
}

const struct analysis_ops counters_analysis = {
	.name = "counters",
	.parts = RR_PART_COUNTERS,
	.init = counters_init_op,
	.feed = counters_feed_op,
	.finish = counters_finish_op,
	.free = counters_free_op,
	.free_part = counters_free_part,
};
