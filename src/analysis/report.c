// SPDX-License-Identifier: GPL-2.0
/*
 * The report: a dispatcher over the table of analyses (registry.c).  It
 * starts each one, feeds it every event, then asks each for its part of the
 * result.  It holds no analysis logic and no helpers: those live in the
 * analyses' own files and in util.c / table.c.  Renderers are in src/render/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include "analysis/analysis.h"

/* an analysis that runs, as report_feed() needs it: no table walk per event */
struct feeder {
	void (*feed)(void *state, const struct ns_event *ev);
	void *state;
	uint64_t types;		/* analysis_ops.types */
};

struct report {
	struct report_ctx ctx;
	size_t n;		/* analyses in the table */
	void **states;		/* one per analysis, in table order */
	struct feeder *feeders;	/* the analyses that run, in table order */
	size_t n_feeders;
	struct report_result *res;
};

/* only the analyses of the parts asked for run: the others cost nothing */
static bool wanted(const struct report *r, size_t i)
{
	return analyses[i]->parts & r->ctx.parts;
}

struct report *report_new(const struct report_ctx *ctx)
{
	struct report *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return NULL;
	if (ctx)
		r->ctx = *ctx;
	if (!r->ctx.top)
		r->ctx.top = REPORT_DEFAULT_TOP;
	if (!r->ctx.parts)
		r->ctx.parts = RR_PART_DEFAULT;
	while (analyses[r->n])
		r->n++;
	r->states = calloc(r->n, sizeof(*r->states));
	r->feeders = calloc(r->n, sizeof(*r->feeders));
	if (!r->states || !r->feeders) {
		free(r->states);
		free(r->feeders);
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++) {
		if (!wanted(r, i))
			continue;
		err = analyses[i]->init(&r->states[i], &r->ctx);
		if (err) {
			report_free(r);
			errno = -err;
			return NULL;
		}
		r->feeders[r->n_feeders++] = (struct feeder){
			.feed = analyses[i]->feed, .state = r->states[i], .types = analyses[i]->types,
		};
	}
	return r;
}

void report_feed(struct report *r, const struct ns_event *ev)
{
	/* types beyond the mask (a newer writer's) go only to analyses of every type */
	uint64_t bit = ev->type < 64 ? 1ull << ev->type : 0;

	if (r->res)
		return; /* finished: the result no longer changes */
	for (size_t i = 0; i < r->n_feeders; i++) {
		const struct feeder *f = &r->feeders[i];

		if (!f->types || (f->types & bit))
			f->feed(f->state, ev);
	}
}

int report_finish(struct report *r, const struct ns_capture_stats *stats, bool truncated)
{
	const struct analysis_end end = { .stats = stats, .truncated = truncated };
	struct report_result *res;
	int err = 0;

	if (r->res)
		return -EALREADY;
	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->top = r->ctx.top;
	for (size_t i = 0; i < r->n && !err; i++) {
		if (!r->states[i])
			continue;
		err = analyses[i]->finish(r->states[i], &end, res);
		if (!err)
			res->parts |= analyses[i]->parts;
	}
	if (err) {
		result_free(res);
		return err;
	}
	r->res = res;
	return 0;
}

int report_explain(struct report *r, const struct report_explainer *ex)
{
	int err = 0;

	if (!r->res)
		return -EINVAL;
	for (size_t i = 0; i < r->n && !err; i++)
		if (analyses[i]->explain && (r->res->parts & analyses[i]->parts))
			err = analyses[i]->explain(r->res, ex);
	return err;
}

const struct report_result *report_result(const struct report *r)
{
	return r->res;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n && r->states; i++)
		if (r->states[i])
			analyses[i]->free(r->states[i]);
	free(r->states);
	free(r->feeders);
	if (r->res)
		result_free(r->res);
	free(r);
}
