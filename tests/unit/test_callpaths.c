// SPDX-License-Identifier: GPL-2.0
/*
 * The call-path analysis, fed synthetic events and stacks: trees merge by
 * function outermost first, branch where paths differ, count stacks, name
 * the function that hit each tracepoint, cut the tracing frames, and take
 * the explanations an explainer gives (explain mode).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/report.h"
#include "analysis/result.h"
#include "render/report.h"

/* fake kernel text: one symbol per 0x100 */
enum { F_ENTRY, F_RX_ACTION, F_DELIVER, F_TCP_RCV, F_UDP_RCV, F_DROP, F_TRACE_RUN, F_PROG, F__N };
static const char *const fname[F__N] = {
	"entry_SYSCALL_64", "net_rx_action", "ip_protocol_deliver_rcu", "tcp_v4_rcv",
	"__udp4_lib_rcv", "sk_skb_reason_drop", "bpf_trace_run4", "bpf_prog_0123_kfree",
};
#define ADDR(f) (0xffffffff81000000ULL + (f) * 0x100 + 0x10)

static struct ksyms *ks;

/* stack ids -> frames, innermost first, the tracing frames included as the kernel gives them */
static const int stacks[][8] = {
	[1] = { F_PROG, F_TRACE_RUN, F_DROP, F_TCP_RCV, F_DELIVER, F_RX_ACTION, F_ENTRY, -1 },
	[2] = { F_PROG, F_TRACE_RUN, F_DROP, F_UDP_RCV, F_DELIVER, F_RX_ACTION, F_ENTRY, -1 },
	[3] = { F_PROG, F_TRACE_RUN, F_TCP_RCV, F_DELIVER, -1 },
};
static int stack_asks[8];

static size_t fake_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	size_t n = 0;

	(void)arg;
	if (id < 1 || id > 3)
		return 0;
	stack_asks[id]++;
	while (n < max && stacks[id][n] >= 0) {
		ips[n] = ADDR(stacks[id][n]);
		n++;
	}
	return n;
}

static int setup(void **state)
{
	ks = ksyms__new();
	for (int f = 0; f < F__N; f++)
		if (!ks || ksyms__add(ks, ADDR(f) - 0x10, fname[f], f == F_PROG ? "bpf" : NULL))
			return -1;
	ksyms__sort(ks);
	return 0;
}

static int teardown(void **state)
{
	ksyms__free(ks);
	return 0;
}

static struct ns_event ev(unsigned int type, int32_t stack_id, uint64_t ts)
{
	struct ns_event e = { .type = type, .ts_ns = ts, .stack_id = stack_id };

	return e;
}

static struct report *run(const struct ns_event *evs, size_t n)
{
	struct report_ctx ctx = { .ksyms = ks, .stack = fake_stack };
	struct report *r = report_new(&ctx);

	assert_non_null(r);
	memset(stack_asks, 0, sizeof(stack_asks));
	for (size_t i = 0; i < n; i++)
		report_feed(r, &evs[i]);
	assert_int_equal(report_finish(r, NULL, false), 0);
	return r;
}

static const struct rr_calltree *tree_of(const struct report_result *res, unsigned int type)
{
	for (size_t i = 0; i < res->callpaths.n_trees; i++)
		if (res->callpaths.trees[i].type == type)
			return &res->callpaths.trees[i];
	return NULL;
}

static void trees_merge_outermost_first_and_branch_where_paths_differ(void **state)
{
	struct ns_event evs[] = {
		ev(NS_EV_KFREE_SKB, 1, 10), ev(NS_EV_KFREE_SKB, 1, 20), ev(NS_EV_KFREE_SKB, 2, 30),
		ev(NS_EV_KFREE_SKB, -1, 40), ev(NS_EV_TCP_SEND_RESET, 3, 50),
	};
	struct report *r = run(evs, 5);
	const struct report_result *res = report_result(r);
	const struct rr_calltree *t = tree_of(res, NS_EV_KFREE_SKB);
	/* entry > rx_action > deliver > {tcp_v4_rcv (2) > drop, __udp4_lib_rcv (1) > drop} */
	static const struct { const char *f; unsigned int depth, children; uint64_t count; } want[] = {
		{ "entry_SYSCALL_64", 0, 1, 3 },	{ "net_rx_action", 1, 1, 3 },
		{ "ip_protocol_deliver_rcu", 2, 2, 3 }, { "tcp_v4_rcv", 3, 1, 2 },
		{ "sk_skb_reason_drop", 4, 0, 2 },	{ "__udp4_lib_rcv", 3, 1, 1 },
		{ "sk_skb_reason_drop", 4, 0, 1 },
	};

	assert_int_equal(res->callpaths.with_stack, 4);
	assert_int_equal(res->callpaths.n_trees, 2);
	/* trees by stacks: kfree_skb (3) before tcp_send_reset (1) */
	assert_int_equal(res->callpaths.trees[0].type, NS_EV_KFREE_SKB);
	assert_non_null(t);
	assert_int_equal(t->stacks, 3);
	assert_int_equal(t->n_nodes, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < t->n_nodes; i++) {
		assert_string_equal(t->nodes[i].function, want[i].f);
		assert_int_equal(t->nodes[i].depth, want[i].depth);
		assert_int_equal(t->nodes[i].children, want[i].children);
		assert_int_equal(t->nodes[i].count, want[i].count);
	}
	/* the tracing frames (BPF program, bpf_trace_run4) are cut: the site is the kernel's */
	assert_int_equal(t->n_sites, 1);
	assert_string_equal(t->sites[0].function, "sk_skb_reason_drop");
	assert_int_equal(t->sites[0].count, 3);
	t = tree_of(res, NS_EV_TCP_SEND_RESET);
	assert_non_null(t);
	assert_string_equal(t->sites[0].function, "tcp_v4_rcv");
	/* a stack id is resolved once, when first seen */
	assert_int_equal(stack_asks[1], 1);
	report_free(r);
}

static void unknown_stack_ids_are_counted_not_invented(void **state)
{
	struct ns_event evs[] = { ev(NS_EV_KFREE_SKB, 7, 10), ev(NS_EV_KFREE_SKB, 1, 20) };
	struct report *r = run(evs, 2);
	const struct report_result *res = report_result(r);

	assert_int_equal(res->callpaths.with_stack, 2);
	assert_int_equal(res->callpaths.unknown_stack, 1);
	assert_int_equal(tree_of(res, NS_EV_KFREE_SKB)->stacks, 1);
	report_free(r);
}

/* explainer: knows two functions, and that trace_net_dev_queue is called by __dev_queue_xmit */
static int explain_asks;

static bool fake_function(void *arg, const char *name, char **where, char **summary)
{
	explain_asks++;
	if (!strcmp(name, "tcp_v4_rcv")) {
		*where = strdup("net/ipv4/tcp_ipv4.c:2160");
		*summary = strdup("receive a TCP segment");
		return true;
	}
	if (!strcmp(name, "__dev_queue_xmit")) {
		*where = strdup("net/core/dev.c:4380");
		return true;
	}
	return false;
}

static size_t fake_firing(void *arg, const char *event, char **names, size_t max)
{
	if (strcmp(event, "net_dev_queue") || !max)
		return 0;
	names[0] = strdup("__dev_queue_xmit");
	return 1;
}

static void explain_annotates_tree_nodes_sites_and_unstacked_events(void **state)
{
	struct ns_event evs[] = { ev(NS_EV_KFREE_SKB, 1, 10), ev(NS_EV_NET_DEV_QUEUE, -1, 20) };
	struct report *r = run(evs, 2);
	struct report_explainer ex = { .source = "index of test", .note = "tree 6.12 differs",
				       .function = fake_function, .firing = fake_firing };
	const struct report_result *res = report_result(r);
	const struct rr_calltree *t = tree_of(res, NS_EV_KFREE_SKB);
	bool seen = false;

	assert_int_equal(report_explain(r, &ex), 0);
	assert_true(res->callpaths.explained);
	assert_string_equal(res->callpaths.explain_note, "tree 6.12 differs");
	for (size_t i = 0; i < t->n_nodes; i++) {
		if (strcmp(t->nodes[i].function, "tcp_v4_rcv")) {
			assert_null(t->nodes[i].where);
			continue;
		}
		seen = true;
		assert_string_equal(t->nodes[i].where, "net/ipv4/tcp_ipv4.c:2160");
		assert_string_equal(t->nodes[i].summary, "receive a TCP segment");
	}
	assert_true(seen);
	/* net_dev_queue had no stack: its site comes from the index */
	assert_int_equal(res->callpaths.n_unstacked, 1);
	assert_int_equal(res->callpaths.unstacked[0].type, NS_EV_NET_DEV_QUEUE);
	assert_string_equal(res->callpaths.unstacked[0].sites[0].function, "__dev_queue_xmit");
	assert_true(res->callpaths.unstacked[0].sites[0].from_index);
	assert_string_equal(res->callpaths.unstacked[0].sites[0].where, "net/core/dev.c:4380");
	assert_null(res->callpaths.unstacked[0].sites[0].summary);
	/* the text shows the explanation beside the function */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		render_report_text(report_result(r), f);
		fclose(f);
		assert_non_null(strstr(buf, "tcp_v4_rcv"));
		assert_non_null(strstr(buf, "net/ipv4/tcp_ipv4.c:2160  receive a TCP segment"));
		assert_non_null(strstr(buf, "!! tree 6.12 differs"));
		free(buf);
	}
	report_free(r);
}

/*
 * Wide trees: stack id k is entry > mid_k > leaf_k, so every mid gets its
 * first child right after being added, and the node array (grown from 64,
 * doubling) is reallocated while a first child is being linked in.
 */
#define WIDE_STACKS 200
static size_t wide_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	(void)arg;
	if (id < 1 || id > WIDE_STACKS || max < 3)
		return 0;
	ips[0] = 0x30000 + (uint64_t)id;	/* leaf, innermost */
	ips[1] = 0x20000 + (uint64_t)id;	/* mid */
	ips[2] = 0x10000;			/* entry, outermost */
	return 3;
}

static void trees_past_64_nodes_keep_every_branch_and_count(void **state)
{
	/* no ksyms: frames are named by address, nothing is cut */
	struct report_ctx ctx = { .stack = wide_stack };
	struct report *r = report_new(&ctx);
	const struct rr_calltree *t;

	assert_non_null(r);
	for (int32_t id = 1; id <= WIDE_STACKS; id++)
		for (int32_t k = 0; k < id % 3 + 1; k++) {
			struct ns_event e = ev(NS_EV_KFREE_SKB, id, 10 * id + k);

			report_feed(r, &e);
		}
	assert_int_equal(report_finish(r, NULL, false), 0);
	t = tree_of(report_result(r), NS_EV_KFREE_SKB);
	assert_non_null(t);
	assert_int_equal(t->nodes_cut, 0);
	assert_int_equal(t->n_nodes, 1 + 2 * WIDE_STACKS);
	assert_string_equal(t->nodes[0].function, "0x10000");
	assert_int_equal(t->nodes[0].children, WIDE_STACKS);
	for (int32_t id = 1; id <= WIDE_STACKS; id++) {
		char mid[32], leaf[32];
		size_t i;

		snprintf(mid, sizeof(mid), "0x%x", 0x20000 + id);
		snprintf(leaf, sizeof(leaf), "0x%x", 0x30000 + id);
		for (i = 1; i < t->n_nodes; i++)
			if (!strcmp(t->nodes[i].function, mid))
				break;
		assert_true(i + 1 < t->n_nodes);
		assert_int_equal(t->nodes[i].depth, 1);
		assert_int_equal(t->nodes[i].children, 1);
		assert_int_equal(t->nodes[i].count, id % 3 + 1);
		/* preorder: the only child follows its parent */
		assert_string_equal(t->nodes[i + 1].function, leaf);
		assert_int_equal(t->nodes[i + 1].depth, 2);
		assert_int_equal(t->nodes[i + 1].count, id % 3 + 1);
	}
	report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trees_merge_outermost_first_and_branch_where_paths_differ),
		cmocka_unit_test(unknown_stack_ids_are_counted_not_invented),
		cmocka_unit_test(explain_annotates_tree_nodes_sites_and_unstacked_events),
		cmocka_unit_test(trees_past_64_nodes_keep_every_branch_and_count),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
