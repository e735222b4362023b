// SPDX-License-Identifier: GPL-2.0
/*
 * What each section of the diff is made of (analysis/diff.h): one filler
 * per section, called once per side, that names the rows of one report.
 * A row's name is what matches it with the other side's row, so names are
 * built from what stays the same between runs (event names, reasons,
 * locations, step names), never from ids, pids or timestamps.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/diff_build.h"
#include "analysis/diff_skbmem.h"

/*
 * Metadata keys that differ between any two recordings and say nothing of
 * the capture: the clock offset of that moment (capture_run.c samples it
 * at start), the lab namespaces' names (they carry the recorder's pid; the
 * filter row names the namespaces by their lab label instead), and the
 * counter snapshots (their own section compares them).
 */
static const char *const ignored_meta[] = {
	"clock.monotonic_to_realtime_ns", "lab.netns", "counters.*", NULL,
};

static bool meta_ignored(const char *key)
{
	for (size_t i = 0; ignored_meta[i]; i++) {
		size_t n = strlen(ignored_meta[i]);

		if (ignored_meta[i][n - 1] == '*' ? !strncmp(key, ignored_meta[i], n - 1) :
		    !strcmp(key, ignored_meta[i]))
			return true;
	}
	return false;
}

static const char *other_meta(const struct rr_capture *c, const char *key)
{
	for (size_t i = 0; i < c->n_other; i++)
		if (!strcmp(c->other[i].key, key))
			return c->other[i].value;
	return NULL;
}

/*
 * The filter with each lab namespace's inode replaced by its lab label:
 * "netns=4026532387,netns=4026532527" -> "netns=lab:a,netns=lab:b".  Every
 * run makes its namespaces anew, so their inodes differ while the filter
 * (the lab's two namespaces) is the same.  lab.netns is
 * "netscope-PID-a=INODE,netscope-PID-b=INODE" (cmd/capture_run.c).
 */
static void filter_by_label(const struct rr_capture *c, char *buf, size_t len)
{
	const char *lab = other_meta(c, "lab.netns"), *p = c->filter;
	size_t at = 0;

	buf[0] = '\0';
	while (p && *p && at < len) {
		size_t n = strcspn(p, ",");
		char tok[128], label[64] = "";

		snprintf(tok, sizeof(tok), "%.*s", (int)n, p);
		for (const char *q = lab; q && !strncmp(tok, "netns=", 6) && *q;) {
			size_t m = strcspn(q, ",");
			const char *eq = memchr(q, '=', m), *dash;

			if (eq && (size_t)(q + m - eq - 1) == strlen(tok + 6) &&
			    !strncmp(eq + 1, tok + 6, q + m - eq - 1)) {
				for (dash = eq; dash > q && dash[-1] != '-'; dash--)
					;
				snprintf(label, sizeof(label), "%.*s", (int)(eq - dash), dash);
				break;
			}
			q += m + (q[m] == ',');
		}
		at += snprintf(buf + at, len - at, "%s%s%s", at ? "," : "", label[0] ? "netns=lab:" : tok,
			       label);
		p += n + (p[n] == ',');
	}
}

static void fill_capture(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_capture *c = &r->capture;
	char filter[512], what[160];

	diff_add_text(sb, side, "kernel", c->kernel);
	diff_add_text(sb, side, "host", c->host);
	diff_add_text(sb, side, "scenario", c->scenario);
	diff_add_text(sb, side, "method", c->method);
	filter_by_label(c, filter, sizeof(filter));
	diff_add_text(sb, side, "filter", c->filter ? filter : NULL);
	for (size_t i = 0; i < c->n_methods; i++) {
		snprintf(what, sizeof(what), "method of %s", c->methods[i].key);
		diff_add_text(sb, side, what, c->methods[i].value);
	}
	/* the rest of the metadata: sampling, ring size, stack policy, settings */
	for (size_t i = 0; i < c->n_other; i++)
		if (!meta_ignored(c->other[i].key))
			diff_add_text(sb, side, c->other[i].key, c->other[i].value);
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? (double)part / whole : NAN;
}

static void fill_events(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_events *e = &r->events;

	diff_add_rate(sb, side, "all events", e->total, share(e->total, e->total), e->rate);
	for (unsigned int t = 0; t < RR_NTYPES; t++)
		if (e->count[t])
			diff_add_rate(sb, side,
				      t == RR_TYPE_UNKNOWN ? "unknown event types" : ns_event_name(t),
				      e->count[t], share(e->count[t], e->total), e->rates[t]);
	if (r->lost.have_stats)
		diff_add(sb, side, "lost events", NULL, r->lost.lost, NAN);
}

static void fill_drop_reasons(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_drops *d = &r->drops;

	diff_add(sb, side, "all drops", NULL, d->total, share(d->total, d->total));
	for (size_t i = 0; i < d->n_reasons; i++)
		diff_add(sb, side, d->reasons[i].name ? d->reasons[i].name : "?", NULL,
			 d->reasons[i].count, share(d->reasons[i].count, d->total));
}

static void fill_drop_sites(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_drops *d = &r->drops;
	char what[256];

	for (size_t i = 0; i < d->n_sites; i++) {
		snprintf(what, sizeof(what), "%s at %s", d->sites[i].reason ? d->sites[i].reason : "?",
			 d->sites[i].location ? d->sites[i].location : "?");
		diff_add(sb, side, what, NULL, d->sites[i].count, share(d->sites[i].count, d->total));
	}
	if (d->sites_overflow)
		diff_add(sb, side, "(pairs beyond the table cap)", NULL, d->sites_overflow,
			 share(d->sites_overflow, d->total));
}

static void fill_resets(struct diff_build *sb, int side, const struct report_result *r)
{
	diff_add(sb, side, "sent", NULL, r->resets.sent, NAN);
	diff_add(sb, side, "sent without a socket", NULL, r->resets.sent_no_socket, NAN);
	diff_add(sb, side, "received", NULL, r->resets.received, NAN);
}

static void fill_reset_reasons(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_resets *x = &r->resets;

	for (size_t i = 0; i < x->n_reasons; i++)
		diff_add(sb, side, x->reasons[i].label ? x->reasons[i].label : "?", NULL,
			 x->reasons[i].count, share(x->reasons[i].count, x->sent));
}

static void fill_states(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_states *s = &r->states;
	char what[128];

	for (size_t i = 0; i < s->n_transitions; i++) {
		snprintf(what, sizeof(what), "%s -> %s", s->transitions[i].from ? s->transitions[i].from : "?",
			 s->transitions[i].to ? s->transitions[i].to : "?");
		diff_add(sb, side, what, NULL, s->transitions[i].count,
			 share(s->transitions[i].count, s->total));
	}
}

/*
 * "net_dev_queue → netif_receive_skb → kfree_skb NO_SOCKET": the steps,
 * then the fate (the drop reason of a drop).  A sequence whose first event
 * was not seen starts with "... → ", one cut at the step cap ends so.
 */
static char *sequence_name(const struct rr_sequence *q)
{
	size_t len = 64 + (q->reason ? strlen(q->reason) : 0), at = 0;
	char *s;

	for (size_t k = 0; k < q->n_steps; k++)
		len += strlen(rr_step_name(q, k)) + 5;
	s = malloc(len);
	if (!s)
		return NULL;
	at += snprintf(s + at, len - at, "%s", q->partial ? "... → " : "");
	for (size_t k = 0; k < q->n_steps; k++)
		at += snprintf(s + at, len - at, "%s%s", k ? " → " : "", rr_step_name(q, k));
	if (q->cut)
		at += snprintf(s + at, len - at, " → ...");
	if (q->fate && !strcmp(q->fate, "dropped"))
		snprintf(s + at, len - at, " %s", q->reason ? q->reason : "(dropped)");
	else
		snprintf(s + at, len - at, " (%s)", q->fate ? q->fate : "?");
	return s;
}

static void fill_journeys(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_journeys *j = &r->journeys;

	for (size_t i = 0; i < j->n_seqs && !sb->err; i++) {
		char *what = sequence_name(&j->seqs[i]);

		if (!what) {
			sb->err = -ENOMEM;
			return;
		}
		diff_add(sb, side, what, NULL, j->seqs[i].count, share(j->seqs[i].count, j->packets));
		free(what);
	}
	if (j->overflow_packets)
		diff_add(sb, side, "(sequences beyond the table cap)", NULL, j->overflow_packets,
			 share(j->overflow_packets, j->packets));
}

static void fill_softirqs(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_journeys *j = &r->journeys;
	char what[96];

	for (size_t i = 0; i < j->n_softirqs; i++) {
		const char *vec = j->softirqs[i].vec ? j->softirqs[i].vec : "?";

		snprintf(what, sizeof(what), "%s runs", vec);
		diff_add(sb, side, what, NULL, j->softirqs[i].runs, NAN);
		snprintf(what, sizeof(what), "%s runs with packet events", vec);
		diff_add(sb, side, what, NULL, j->softirqs[i].runs_with_packets, NAN);
	}
}

static void fill_callpaths(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct rr_callpaths *cp = &r->callpaths;
	char what[256];

	for (size_t i = 0; i < cp->n_trees; i++) {
		const struct rr_calltree *ct = &cp->trees[i];

		for (size_t k = 0; k < ct->n_sites; k++) {
			snprintf(what, sizeof(what), "%s in %s", ns_event_name(ct->type),
				 ct->sites[k].function ? ct->sites[k].function : "?");
			diff_add(sb, side, what, NULL, ct->sites[k].count,
				 share(ct->sites[k].count, ct->stacks));
		}
	}
}

static void latency_rows(struct diff_build *sb, int side, const char *what,
			 const struct latency_stats *st)
{
	if (!st->count)
		return;
	diff_add(sb, side, what, "p50", st->p50_ns, NAN);
	diff_add(sb, side, what, "p90", st->p90_ns, NAN);
	diff_add(sb, side, what, "p99", st->p99_ns, NAN);
}

static void fill_latency(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct latency_result *l = &r->latency;
	char what[64];

	if (l->rel_error > sb->lat_err)
		sb->lat_err = l->rel_error;
	for (size_t i = 0; i < l->n_pairs; i++) {
		snprintf(what, sizeof(what), "%s → %s", l->pairs[i].from, l->pairs[i].to);
		latency_rows(sb, side, what, &l->pairs[i].gap);
	}
	latency_rows(sb, side, "first event → any end", &l->total);
	latency_rows(sb, side, "first event → dropped", &l->total_dropped);
	latency_rows(sb, side, "first event → consumed", &l->total_consumed);
}

static void fill_counters(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct counters_result *c = &r->counters;
	char what[SNMP_GROUP_LEN + SNMP_NAME_LEN + 80];

	for (size_t i = 0; i < c->n_ns; i++) {
		const struct counters_netns *ns = &c->ns[i];

		/* a namespace without both snapshots has no deltas, not deltas of 0 */
		if (ns->error || !ns->has_before || !ns->has_after)
			continue;
		for (size_t k = 0; k < ns->n_rows; k++) {
			snprintf(what, sizeof(what), "%s %s.%s", ns->label, ns->rows[k].group,
				 ns->rows[k].name);
			diff_add(sb, side, what, NULL, (double)ns->rows[k].delta, NAN);
		}
	}
}

/*
 * The result holds the changed (and watched) counters only: a counter the
 * other side lists is 0 here when this side has the namespace's two
 * snapshots, not unknown.
 */
static void counters_zero_fill(struct diff_section *s, int side, const struct report_result *r)
{
	for (size_t i = 0; i < s->n_rows; i++) {
		struct diff_row *row = &s->rows[i];
		size_t n = strcspn(row->what, " ");

		for (size_t k = 0; k < r->counters.n_ns; k++) {
			const struct counters_netns *ns = &r->counters.ns[k];

			if (strlen(ns->label) != n || strncmp(ns->label, row->what, n) || ns->error ||
			    !ns->has_before || !ns->has_after)
				continue;
			if (side == DIFF_A)
				row->in_a = true;
			else
				row->in_b = true;
		}
	}
}

static void fill_profile(struct diff_build *sb, int side, const struct report_result *r)
{
	const struct stackprof_result *p = &r->profile;
	uint64_t self = 0;

	for (size_t i = 0; i < p->n_funcs; i++)
		self += p->funcs[i].self;
	for (size_t i = 0; i < p->n_funcs; i++)
		if (p->funcs[i].self)
			diff_add(sb, side, p->funcs[i].name, NULL, p->funcs[i].self,
				 share(p->funcs[i].self, self));
}

struct section_desc {
	const char *name, *key, *unit, *row_label;
	unsigned int part;	/* RR_PART_* the rows come from */
	enum diff_judge judge;
	void (*fill)(struct diff_build *sb, int side, const struct report_result *r);
	/* the result has the section's data beyond its part; NULL: the part says */
	bool (*has)(const struct report_result *r);
};

/* in enum diff_section_id's order */
static const struct section_desc sections[DIFF_SEC__N] = {
	{ "kernel and capture", "capture", "", "setting", RR_PART_COUNTS, DIFF_JUDGE_TEXT, fill_capture },
	{ "events", "events", "events", "event", RR_PART_COUNTS, DIFF_JUDGE_COUNT, fill_events },
	{ "drops by reason", "drop_reasons", "drops", "reason", RR_PART_DROPS, DIFF_JUDGE_COUNT,
	  fill_drop_reasons },
	{ "drops by reason and location", "drop_locations", "drops", "reason at location", RR_PART_DROPS, DIFF_JUDGE_COUNT,
	  fill_drop_sites },
	{ "TCP resets", "resets", "resets", "resets", RR_PART_TCP, DIFF_JUDGE_COUNT, fill_resets },
	{ "TCP resets sent by reason", "reset_reasons", "resets", "reason", RR_PART_TCP, DIFF_JUDGE_COUNT,
	  fill_reset_reasons },
	{ "TCP state transitions", "state_transitions", "transitions", "transition", RR_PART_TCP,
	  DIFF_JUDGE_COUNT, fill_states },
	{ "packet journeys (share of packets)", "journeys", "packets", "sequence", RR_PART_JOURNEYS,
	  DIFF_JUDGE_SHARE, fill_journeys },
	{ "softirq runs", "softirqs", "runs", "vector", RR_PART_JOURNEYS, DIFF_JUDGE_COUNT, fill_softirqs },
	{ "NET_RX softirq runs (interrupts view)", "net_rx", "", "runs", RR_PART_SOFTIRQ,
	  DIFF_JUDGE_COUNT, diff_fill_net_rx },
	/* percentiles: judged relatively, within their precision, with no floor for small counts */
	{ "NET_RX softirq times", "softirq_times", "ns", "times", RR_PART_SOFTIRQ, DIFF_JUDGE_LATENCY,
	  diff_fill_softirq_times },
	{ "packets per napi_poll", "napi_polls", "packets", "per poll", RR_PART_SOFTIRQ,
	  DIFF_JUDGE_LATENCY, diff_fill_napi_polls },
	{ "hardirqs per handler and vector", "hardirqs", "hardirqs", "handler or vector", RR_PART_SOFTIRQ,
	  DIFF_JUDGE_COUNT, diff_fill_hardirqs },
	{ "call sites of each event (share of its stacks)", "call_sites", "stacks", "event in function",
	  RR_PART_CALLPATHS, DIFF_JUDGE_SHARE, fill_callpaths },
	{ "latency between stages", "latency", "ns", "stages", RR_PART_LATENCY, DIFF_JUDGE_LATENCY,
	  fill_latency },
	{ "counters (deltas during the capture)", "counters", "", "namespace counter", RR_PART_COUNTERS,
	  DIFF_JUDGE_COUNTER, fill_counters },
	{ "functions by CPU samples (share of samples)", "profile", "samples", "function", RR_PART_PROFILE,
	  DIFF_JUDGE_SHARE, fill_profile },
	{ "packet memory (kmem events)", "skb_memory", "", "measure", RR_PART_SKBMEM, DIFF_JUDGE_COUNT,
	  diff_fill_skbmem, diff_skbmem_has },
	{ "allocations by cache and call site", "alloc_sites", "", "cache at call site", RR_PART_SKBMEM,
	  DIFF_JUDGE_COUNT, diff_fill_skbmem_sites, diff_skbmem_has },
	{ "allocations by context and GFP flags", "gfp", "allocations", "context flags", RR_PART_SKBMEM,
	  DIFF_JUDGE_COUNT, diff_fill_skbmem_gfp, diff_skbmem_has },
	{ "packet memory lifetimes", "skb_lifetimes", "ns", "lifetime", RR_PART_SKBMEM,
	  DIFF_JUDGE_LATENCY, diff_fill_skbmem_life, diff_skbmem_has },
};

int diff_section_fill(struct diff_result *res, size_t id, const struct report_result *a,
		      const struct report_result *b, const struct diff_opts *o)
{
	const struct section_desc *d = &sections[id];
	struct diff_section *s = &res->sec[id];
	struct diff_build sb = { .s = s, .judge = d->judge };

	s->id = id;
	s->name = d->name;
	s->key = d->key;
	s->unit = d->unit;
	s->row_label = d->row_label;
	s->by_share = d->judge == DIFF_JUDGE_SHARE;
	s->in_a = a->parts & d->part;
	s->in_b = b->parts & d->part;
	s->in_a = s->in_a && (!d->has || d->has(a));
	s->in_b = s->in_b && (!d->has || d->has(b));
	/* one side without the part: rows would all read new or gone, which is not so */
	if (!s->in_a || !s->in_b)
		return 0;
	d->fill(&sb, DIFF_A, a);
	d->fill(&sb, DIFF_B, b);
	if (d->judge == DIFF_JUDGE_COUNTER && !sb.err) {
		counters_zero_fill(s, DIFF_A, a);
		counters_zero_fill(s, DIFF_B, b);
	}
	return diff_build_end(&sb, o, res);
}
