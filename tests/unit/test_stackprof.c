// SPDX-License-Identifier: GPL-2.0
/*
 * The profile and call graph from stacks, fed synthetic CPU samples and
 * event stacks: self and total per function (recursion counted once),
 * samples and event stacks kept apart, one tree merged outermost first,
 * tracing frames cut from event stacks only, tracepoints per CPU, and the
 * name filter of the profile (`net* tcp*`, as ftrace's set_ftrace_filter).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/stackprof.h"

enum { F_ENTRY, F_SENDTO, F_TCP_SENDMSG, F_IP_OUTPUT, F_RX_ACTION, F_TCP_RCV, F_MEMCPY,
       F_TRACE_RUN, F__N };
static const char *const fname[F__N] = {
	"entry_SYSCALL_64", "__sys_sendto", "tcp_sendmsg", "ip_output", "net_rx_action",
	"tcp_v4_rcv", "memcpy", "bpf_trace_run2",
};
#define ADDR(f) (0xffffffff81000000ULL + (f) * 0x100 + 0x10)

/* stack ids -> frames, innermost first */
static const int stacks[][8] = {
	[1] = { F_MEMCPY, F_TCP_SENDMSG, F_SENDTO, F_ENTRY, -1 },
	[2] = { F_IP_OUTPUT, F_TCP_SENDMSG, F_SENDTO, F_ENTRY, -1 },
	/* recursion: tcp_v4_rcv twice on one stack */
	[3] = { F_TCP_RCV, F_IP_OUTPUT, F_TCP_RCV, F_RX_ACTION, -1 },
	/* an event stack: the tracing frame is cut */
	[4] = { F_TRACE_RUN, F_IP_OUTPUT, F_TCP_SENDMSG, F_SENDTO, F_ENTRY, -1 },
};

static size_t fake_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	size_t n = 0;

	(void)arg;
	if (id < 1 || id > 4)
		return 0;
	while (n < max && stacks[id][n] >= 0) {
		ips[n] = ADDR(stacks[id][n]);
		n++;
	}
	return n;
}

static const char *fake_symbol(void *arg, uint64_t ip)
{
	(void)arg;
	for (int f = 0; f < F__N; f++)
		if (ip == ADDR(f))
			return fname[f];
	return NULL;
}

static size_t fake_tracing(void *arg, const uint64_t *ips, size_t n)
{
	(void)arg;
	return n && ips[0] == ADDR(F_TRACE_RUN) ? 1 : 0;
}

static struct ns_event ev(uint16_t type, int32_t stack, uint16_t cpu, uint8_t ctx)
{
	/* pid 1: a task (pid 0 in task context is the idle task) */
	return (struct ns_event){ .type = type, .stack_id = stack, .cpu = cpu, .ctx = ctx, .pid = 1 };
}

static const struct sp_func *func(const struct stackprof_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_funcs; i++)
		if (!strcmp(r->funcs[i].name, name))
			return &r->funcs[i];
	return NULL;
}

static void feed_all(struct stackprof *sp)
{
	struct ns_event e;

	for (int i = 0; i < 3; i++) {
		e = ev(NS_EV_CPU_SAMPLE, 1, 0, NS_CTX_TASK);
		stackprof_feed(sp, &e);
	}
	e = ev(NS_EV_CPU_SAMPLE, 2, 1, NS_CTX_TASK);
	stackprof_feed(sp, &e);
	e = ev(NS_EV_CPU_SAMPLE, 3, 1, NS_CTX_SOFTIRQ);
	stackprof_feed(sp, &e);
	e = ev(NS_EV_CPU_SAMPLE, -1, 0, NS_CTX_TASK); /* user mode: no kernel stack */
	stackprof_feed(sp, &e);
	for (int i = 0; i < 2; i++) {
		e = ev(NS_EV_NET_DEV_QUEUE, 4, 1, NS_CTX_TASK);
		stackprof_feed(sp, &e);
	}
	e = ev(NS_EV_KFREE_SKB, -1, 0, NS_CTX_SOFTIRQ);
	stackprof_feed(sp, &e);
}

static struct stackprof_result profile(void)
{
	struct stackprof_cfg cfg = { .stack = fake_stack, .symbol = fake_symbol,
				     .tracing_frames = fake_tracing, .sample_hz = 1000 };
	struct stackprof *sp = stackprof_new(&cfg);
	struct stackprof_result r;

	assert_non_null(sp);
	feed_all(sp);
	assert_int_equal(stackprof_finish(sp, &r), 0);
	stackprof_free(sp);
	return r;
}

static void samples_give_self_and_total_per_function(void **state)
{
	struct stackprof_result r = profile();

	assert_int_equal(r.samples, 6);
	assert_int_equal(r.samples_no_stack, 1);
	assert_int_equal(r.samples_by_ctx[NS_CTX_TASK], 5);
	assert_int_equal(r.samples_by_ctx[NS_CTX_SOFTIRQ], 1);
	/* tcp_sendmsg: on 4 sample stacks, innermost on none */
	assert_int_equal(func(&r, "tcp_sendmsg")->total, 4);
	assert_int_equal(func(&r, "tcp_sendmsg")->self, 0);
	assert_int_equal(func(&r, "memcpy")->self, 3);
	assert_int_equal(func(&r, "ip_output")->self, 1);
	/* the busiest function by total comes first */
	assert_string_equal(r.funcs[0].name, "__sys_sendto");
	stackprof_result_free(&r);
}

static void recursion_counts_a_function_once_per_sample(void **state)
{
	struct stackprof_result r = profile();

	assert_int_equal(func(&r, "tcp_v4_rcv")->total, 1);
	assert_int_equal(func(&r, "tcp_v4_rcv")->self, 1);
	stackprof_result_free(&r);
}

static void event_stacks_are_kept_apart_from_samples_and_lose_tracing_frames(void **state)
{
	struct stackprof_result r = profile();

	assert_int_equal(r.event_stacks, 2);
	assert_int_equal(func(&r, "ip_output")->event_stacks, 2);
	assert_int_equal(func(&r, "ip_output")->total, 2); /* samples 2 and 3 */
	assert_null(func(&r, "bpf_trace_run2"));
	stackprof_result_free(&r);
}

static void call_graph_merges_stacks_outermost_first(void **state)
{
	struct stackprof_result r = profile();

	/*
	 * entry_SYSCALL_64          4 samples, 2 events
	 *   __sys_sendto            4, 2
	 *     tcp_sendmsg           4, 2
	 *       memcpy              3, 0
	 *       ip_output           1, 2
	 * net_rx_action             1
	 *   tcp_v4_rcv              1
	 *     ip_output             1
	 *       tcp_v4_rcv          1
	 */
	assert_int_equal(r.n_nodes, 9);
	assert_string_equal(r.nodes[0].function, "entry_SYSCALL_64");
	assert_int_equal(r.nodes[0].depth, 0);
	assert_int_equal(r.nodes[0].samples, 4);
	assert_int_equal(r.nodes[0].events, 2);
	assert_string_equal(r.nodes[2].function, "tcp_sendmsg");
	assert_int_equal(r.nodes[2].depth, 2);
	/* heaviest child first: memcpy (3) before ip_output (1 + 2 events = 3, made later) */
	assert_string_equal(r.nodes[3].function, "memcpy");
	assert_string_equal(r.nodes[4].function, "ip_output");
	assert_int_equal(r.nodes[4].events, 2);
	assert_string_equal(r.nodes[5].function, "net_rx_action");
	assert_int_equal(r.nodes[5].depth, 0);
	assert_string_equal(r.nodes[8].function, "tcp_v4_rcv");
	assert_int_equal(r.nodes[8].depth, 3);
	stackprof_result_free(&r);
}

static void tracepoints_are_counted_per_cpu_and_samples_are_not_tracepoints(void **state)
{
	struct stackprof_result r = profile();

	assert_int_equal(r.n_cpus, 2);
	assert_int_equal(r.n_tracepoints, 2);
	assert_int_equal(r.tracepoints[0].type, NS_EV_NET_DEV_QUEUE);
	assert_int_equal(r.tracepoints[0].count, 2);
	assert_int_equal(r.tracepoints[0].per_cpu[0], 0);
	assert_int_equal(r.tracepoints[0].per_cpu[1], 2);
	assert_int_equal(r.tracepoints[1].type, NS_EV_KFREE_SKB);
	assert_int_equal(r.tracepoints[1].per_cpu[0], 1);
	stackprof_result_free(&r);
}

static void name_filter_takes_space_separated_globs(void **state)
{
	assert_true(stackprof_name_matches("net* tcp*", "tcp_v4_rcv"));
	assert_true(stackprof_name_matches("net* tcp*", "net_rx_action"));
	assert_false(stackprof_name_matches("net* tcp*", "ip_rcv"));
	assert_true(stackprof_name_matches("net*,ip_*", "ip_rcv"));
	assert_true(stackprof_name_matches(NULL, "anything"));
	assert_true(stackprof_name_matches("", "anything"));
}

static void idle_and_other_namespaces_samples_are_counted_apart(void **state)
{
	struct stackprof_cfg cfg = { .stack = fake_stack, .symbol = fake_symbol,
				     .samples = { .netns = { 111, 222 }, .n = 2 } };
	struct stackprof *sp = stackprof_new(&cfg);
	struct stackprof_result r;
	struct ns_event e = ev(NS_EV_CPU_SAMPLE, 1, 0, NS_CTX_TASK);

	e.netns = 111;		/* the lab's task */
	stackprof_feed(sp, &e);
	e.netns = 999;		/* a task of another namespace */
	stackprof_feed(sp, &e);
	e.ctx = NS_CTX_SOFTIRQ;	/* a softirq on top of it serves everyone: kept */
	stackprof_feed(sp, &e);
	e.ctx = NS_CTX_TASK;
	e.pid = 0;		/* the idle task */
	stackprof_feed(sp, &e);
	assert_int_equal(stackprof_finish(sp, &r), 0);
	assert_int_equal(r.samples, 4);
	assert_int_equal(r.samples_idle, 1);
	assert_int_equal(r.samples_other, 1);
	assert_int_equal(func(&r, "memcpy")->self, 2);
	assert_int_equal(r.nodes[0].samples, 2);
	stackprof_result_free(&r);
	stackprof_free(sp);
}

static void sample_filter_reads_the_lab_namespaces_from_the_metadata(void **state)
{
	struct ns_meta m = { 0 };
	struct sample_filter f;

	assert_int_equal(ns_meta_set(&m, "lab.netns", "netscope-7-a=4026532178,netscope-7-b=4026532247"), 0);
	sample_filter_from_meta(&f, &m);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.netns[0], 4026532178u);
	assert_int_equal(f.netns[1], 4026532247u);
	ns_meta_free(&m);
	sample_filter_from_meta(&f, NULL);
	assert_int_equal(f.n, 0);
}

static void function_level_hits_are_counted_by_name(void **state)
{
	struct stackprof_cfg cfg = { 0 };
	struct stackprof *sp = stackprof_new(&cfg);
	struct stackprof_result r;

	stackprof_feed_function(sp, "tcp_v4_rcv");
	stackprof_feed_function(sp, "tcp_v4_rcv");
	stackprof_feed_function(sp, "tcp_v4_send_reset");
	assert_int_equal(stackprof_finish(sp, &r), 0);
	assert_int_equal(func(&r, "tcp_v4_rcv")->hits, 2);
	assert_int_equal(func(&r, "tcp_v4_send_reset")->hits, 1);
	assert_string_equal(r.funcs[0].name, "tcp_v4_rcv");
	stackprof_result_free(&r);
	stackprof_free(sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(samples_give_self_and_total_per_function),
		cmocka_unit_test(recursion_counts_a_function_once_per_sample),
		cmocka_unit_test(event_stacks_are_kept_apart_from_samples_and_lose_tracing_frames),
		cmocka_unit_test(call_graph_merges_stacks_outermost_first),
		cmocka_unit_test(tracepoints_are_counted_per_cpu_and_samples_are_not_tracepoints),
		cmocka_unit_test(name_filter_takes_space_separated_globs),
		cmocka_unit_test(idle_and_other_namespaces_samples_are_counted_apart),
		cmocka_unit_test(sample_filter_reads_the_lab_namespaces_from_the_metadata),
		cmocka_unit_test(function_level_hits_are_counted_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
