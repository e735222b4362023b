// SPDX-License-Identifier: GPL-2.0
/*
 * The report: feeds every event to each analysis, then asks each for its
 * part of the result.  Renderers are in report_text.c and report_json.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"
#include "analysis/report_priv.h"

struct report *report_new(const struct report_ctx *ctx)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (ctx)
		r->ctx = *ctx;
	if (!r->ctx.top)
		r->ctx.top = REPORT_DEFAULT_TOP;
	tcp_init(&r->tcp, &r->ctx);
	r->journeys = journeys_new(&r->ctx);
	if (!r->journeys) {
		report_free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void report_feed(struct report *r, const struct ns_event *ev)
{
	if (r->res)
		return; /* finished: the result no longer changes */
	counts_feed(&r->counts, ev);
	if (ev->type == NS_EV_KFREE_SKB)
		drops_feed(&r->drops, ev);
	tcp_feed(&r->tcp, ev);
	journeys_feed(r->journeys, ev);
	if (ev->stack_id >= 0)
		callpaths_feed(&r->callpaths, &r->ctx, ev);
}

int report_finish(struct report *r, const struct ns_capture_stats *stats, bool truncated)
{
	struct report_result *res;
	int err;

	if (r->res)
		return -EALREADY;
	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->top = r->ctx.top;
	err = counts_finish(&r->counts, &r->ctx, stats, truncated, res);
	if (!err)
		err = drops_finish(&r->drops, &r->ctx, res);
	if (!err)
		err = tcp_finish(&r->tcp, &r->ctx, res);
	if (!err)
		err = journeys_finish(r->journeys, res);
	if (!err)
		err = callpaths_finish(&r->callpaths, &r->ctx, res);
	if (err) {
		result_free(res);
		return err;
	}
	r->res = res;
	return 0;
}

const struct report_result *report_result(const struct report *r)
{
	return r->res;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	drops_free(&r->drops);
	tcp_free(&r->tcp);
	callpaths_free(&r->callpaths);
	journeys_free(r->journeys);
	if (r->res)
		result_free(r->res);
	free(r);
}

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

static void free_counts(struct rr_count *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].label);
	free(c);
}

static void free_kv(struct rr_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

/*
 * Free everything a result owns.  Rows are counted (n_*) as they are
 * filled, and calloc'd, so a half-built result frees cleanly too.
 */
void result_free(struct report_result *res)
{
	struct rr_capture *c = &res->capture;

	free(c->kernel);
	free(c->host);
	free(c->method);
	free(c->filter);
	free(c->scenario);
	free_kv(c->methods, c->n_methods);
	free_kv(c->other, c->n_other);

	for (size_t i = 0; i < res->drops.n_reasons; i++)
		free(res->drops.reasons[i].name);
	free(res->drops.reasons);
	free_counts(res->drops.functions, res->drops.n_functions);
	for (size_t i = 0; i < res->drops.n_sites; i++) {
		free(res->drops.sites[i].reason);
		free(res->drops.sites[i].location);
		free(res->drops.sites[i].function);
	}
	free(res->drops.sites);

	free_counts(res->resets.reasons, res->resets.n_reasons);
	for (size_t i = 0; i < res->states.n_transitions; i++) {
		free(res->states.transitions[i].from);
		free(res->states.transitions[i].to);
	}
	free(res->states.transitions);
	for (size_t i = 0; i < res->states.n_paths; i++) {
		for (size_t k = 0; k < res->states.paths[i].n_states; k++)
			free(res->states.paths[i].states[k]);
		free(res->states.paths[i].states);
	}
	free(res->states.paths);

	for (size_t i = 0; i < res->journeys.n_seqs; i++) {
		struct rr_sequence *s = &res->journeys.seqs[i];

		free(s->steps);
		free(s->median_ns);
		free(s->reason);
		free_counts(s->linked, s->n_linked);
	}
	free(res->journeys.seqs);
	free(res->journeys.by_socket);
	for (size_t i = 0; i < res->journeys.n_softirqs; i++)
		free(res->journeys.softirqs[i].vec);
	free(res->journeys.softirqs);
	callpaths_result_free(&res->callpaths);
	free(res);
}
