// SPDX-License-Identifier: GPL-2.0
/*
 * Counts and rates per event type, the capture header (from the trace's
 * metadata) and lost events (from the capture counters).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/internal.h"

void counts_feed(struct counts_an *c, const struct ns_event *ev)
{
	unsigned int t = ev->type < NS_EV__COUNT ? ev->type : RR_TYPE_UNKNOWN;

	c->count[t]++;
	/* min/max, not first/last: CPUs interleave slightly out of order */
	if (!c->any || ev->ts_ns < c->first_ts)
		c->first_ts = ev->ts_ns;
	if (!c->any || ev->ts_ns > c->last_ts)
		c->last_ts = ev->ts_ns;
	c->any = true;
}

/*
 * Metadata keys written by the capture (cmd/capture_run.c: fill_meta());
 * other spellings are accepted so traces from importers show a header too.
 */
static const char *const kernel_keys[] = { "kernel.release", "kernel", NULL };
static const char *const host_keys[] = { "host.name", "hostname", "host", NULL };
static const char *const scenario_keys[] = { "scenario", "capture.scenario", NULL };
/* "net_dev_queue=tp_btf,kfree_skb=raw_tp,...": the method of each event */
#define EVENTS_KEY "capture.events"

static const char *meta_first(const struct ns_meta *m, const char *const *keys, const char **key)
{
	for (; *keys; keys++) {
		const char *v = ns_meta_get(m, *keys);

		if (v) {
			*key = *keys;
			return v;
		}
	}
	*key = NULL;
	return NULL;
}

static int parse_methods(const char *list, struct rr_capture *cap)
{
	char *copy = strdup(list), *save = NULL, *item;
	size_t n = 1;

	if (!copy)
		return -ENOMEM;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	cap->methods = calloc(n, sizeof(*cap->methods));
	if (!cap->methods) {
		free(copy);
		return -ENOMEM;
	}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		struct rr_kv *kv;

		if (!eq)
			continue;
		*eq = '\0';
		kv = &cap->methods[cap->n_methods++];
		kv->key = strdup(item);
		kv->value = strdup(eq + 1);
		if (!kv->key || !kv->value) {
			free(copy);
			return -ENOMEM;
		}
	}
	free(copy);
	return 0;
}

static bool shown_key(const char *k, const char *const *used)
{
	for (; *used; used++)
		if (!strcmp(k, *used))
			return true;
	return false;
}

static int capture_header(const struct ns_meta *m, struct rr_capture *cap)
{
	const char *used[7] = { "capture.method", "capture.filter", EVENTS_KEY };
	const char *events;
	int err;

	if (!m)
		return 0;
	cap->kernel = an_strdup(meta_first(m, kernel_keys, &used[3]));
	cap->host = an_strdup(meta_first(m, host_keys, &used[4]));
	cap->scenario = an_strdup(meta_first(m, scenario_keys, &used[5]));
	cap->method = an_strdup(ns_meta_get(m, "capture.method"));
	cap->filter = an_strdup(ns_meta_get(m, "capture.filter"));
	events = ns_meta_get(m, EVENTS_KEY);
	if (events && (err = parse_methods(events, cap)))
		return err;
	/* the NULL holes in used[] end the list early: fill them so all keys count */
	for (int i = 3; i < 6; i++)
		if (!used[i])
			used[i] = "capture.method";
	cap->other = calloc(m->n ? m->n : 1, sizeof(*cap->other));
	if (!cap->other)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		struct rr_kv *kv;

		if (shown_key(m->kv[i].key, used))
			continue;
		kv = &cap->other[cap->n_other++];
		kv->key = strdup(m->kv[i].key);
		/* a namespace's SNMP snapshot is ~400 counters on one line: the
		 * counters view shows it, the header only says it is there */
		if (!strncmp(m->kv[i].key, "counters.", 9))
			kv->value = strdup("SNMP counters (netscope report FILE --view counters)");
		/* the kmem format file and tables, many lines: the skb-memory view reads them */
		else if (!strncmp(m->kv[i].key, "kmem.format.", 12) ||
			 !strcmp(m->kv[i].key, "kmem.gfp_flags") || !strcmp(m->kv[i].key, "kmem.sites"))
			kv->value = strdup("kmem filter and GFP names (netscope report FILE --view skb-memory)");
		else
			kv->value = strdup(m->kv[i].value);
		if (!kv->key || !kv->value)
			return -ENOMEM;
	}
	return 0;
}

static int cmp_type_count(const void *a, const void *b, void *arg)
{
	const uint64_t *count = arg;
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	if (count[x] != count[y])
		return count[x] > count[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

int counts_finish(struct counts_an *c, const struct report_ctx *ctx,
		  const struct ns_capture_stats *stats, bool truncated, struct report_result *res)
{
	struct rr_capture *cap = &res->capture;
	struct rr_events *evs = &res->events;
	struct rr_lost *lost = &res->lost;
	double secs;

	cap->first_ts = c->first_ts;
	cap->last_ts = c->last_ts;
	cap->span_ns = c->any ? c->last_ts - c->first_ts : 0;
	cap->truncated = truncated;
	/* a rate over a zero span would be infinite: say "no rate" instead */
	secs = cap->span_ns ? cap->span_ns / 1e9 : NAN;

	memcpy(evs->count, c->count, sizeof(evs->count));
	for (unsigned int t = 0; t < RR_NTYPES; t++) {
		evs->total += c->count[t];
		evs->rates[t] = c->count[t] / secs;
		if (c->count[t])
			evs->order[evs->n_order++] = t;
	}
	evs->rate = evs->total / secs;
	qsort_r(evs->order, evs->n_order, sizeof(evs->order[0]), cmp_type_count, evs->count);

	lost->read = evs->total;
	lost->truncated = truncated;
	if (stats) {
		lost->have_stats = true;
		lost->stats = *stats;
		lost->produced = ns_stats_sum(stats->produced);
		lost->captured = ns_stats_sum(stats->captured);
		lost->lost = ns_stats_sum(stats->lost);
	}
	return capture_header(ctx->meta, cap);
}

static int counts_init(void **state, const struct report_ctx *ctx)
{
	struct counts_an *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->ctx = ctx;
	*state = c;
	return 0;
}

static void counts_feed_one(void *state, const struct ns_event *ev)
{
	counts_feed(state, ev);
}

static int counts_finish_one(void *state, const struct analysis_end *end, struct report_result *res)
{
	struct counts_an *c = state;

	return counts_finish(c, c->ctx, end->stats, end->truncated, res);
}

static void free_kv(struct rr_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static void counts_free_part(struct report_result *res)
{
	struct rr_capture *c = &res->capture;

	free(c->kernel);
	free(c->host);
	free(c->method);
	free(c->filter);
	free(c->scenario);
	free_kv(c->methods, c->n_methods);
	free_kv(c->other, c->n_other);
}

const struct analysis_ops counts_analysis = {
	.name = "counts",
	.parts = RR_PART_COUNTS,
	.init = counts_init,
	.feed = counts_feed_one,
	.finish = counts_finish_one,
	.free = free,
	.free_part = counts_free_part,
};
