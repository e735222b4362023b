// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel function events through the report: the funcs view (calls,
 * packets, time from entry to return, nesting, returns without a call)
 * and the journeys, whose steps name the functions a packet passed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/report.h"
#include "analysis/result.h"
#include "render/funcs_out.h"
#include "trace/ksyms.h"

#define F_IP_RCV 0xffffffff81001000ull
#define F_TCP_V4_RCV 0xffffffff81002000ull
#define F_SEND_RESET 0xffffffff81003000ull

static struct ksyms *syms(void)
{
	struct ksyms *ks = ksyms__new();

	assert_int_equal(ksyms__add(ks, F_IP_RCV, "ip_rcv", NULL), 0);
	assert_int_equal(ksyms__add(ks, F_TCP_V4_RCV, "tcp_v4_rcv", NULL), 0);
	assert_int_equal(ksyms__add(ks, F_SEND_RESET, "tcp_v4_send_reset", NULL), 0);
	ksyms__sort(ks);
	return ks;
}

static struct ns_event ev(uint16_t type, uint64_t ts, uint64_t loc, uint64_t pkt, uint8_t flags)
{
	return (struct ns_event){ .type = type, .ts_ns = ts, .location = loc, .packet_id = pkt,
				  .skb = pkt ? 0x1000 : 0, .skb_head = pkt ? 0x9000 : 0, .flags = flags,
				  .ctx = NS_CTX_SOFTIRQ, .cpu = 1, .tid = 7 };
}

/*
 * One SYN: netif_receive_skb, ip_rcv { tcp_v4_rcv { tcp_v4_send_reset } },
 * kfree_skb; then a tcp_v4_rcv return with no call open.
 */
static const struct report_result *feed_syn(struct report **r, struct ksyms *ks, unsigned parts)
{
	static struct report_ctx ctx;
	struct ns_event e[] = {
		ev(NS_EV_NETIF_RECEIVE_SKB, 1000, 0, 1, NS_F_NEW_PACKET),
		ev(NS_EV_FUNC_ENTRY, 1100, F_IP_RCV, 1, 0),
		ev(NS_EV_FUNC_ENTRY, 1200, F_TCP_V4_RCV, 1, 0),
		ev(NS_EV_FUNC_ENTRY, 1300, F_SEND_RESET, 1, 0),
		ev(NS_EV_FUNC_EXIT, 1700, F_SEND_RESET, 1, 0),
		ev(NS_EV_KFREE_SKB, 1800, 0, 1, NS_F_END_PACKET),
		ev(NS_EV_FUNC_EXIT, 1900, F_TCP_V4_RCV, 1, 0),
		ev(NS_EV_FUNC_EXIT, 2100, F_IP_RCV, 1, 0),
		ev(NS_EV_FUNC_EXIT, 2200, F_TCP_V4_RCV, 0, 0),
	};

	ctx = (struct report_ctx){ .ksyms = ks, .parts = parts };
	*r = report_new(&ctx);
	assert_non_null(*r);
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		report_feed(*r, &e[i]);
	assert_int_equal(report_finish(*r, NULL, false), 0);
	return report_result(*r);
}

static const struct func_row *row(const struct funcs_result *f, const char *name)
{
	for (size_t i = 0; i < f->n_rows; i++)
		if (!strcmp(f->rows[i].name, name))
			return &f->rows[i];
	return NULL;
}

static void funcs_view_times_each_call_from_entry_to_its_return(void **state)
{
	struct ksyms *ks = syms();
	struct report *r;
	const struct report_result *res = feed_syn(&r, ks, RR_PART_FUNCS);
	const struct funcs_result *f = &res->funcs;

	assert_int_equal(f->entries, 3);
	assert_int_equal(f->exits, 4);
	assert_int_equal(f->unmatched_exits, 1);
	assert_int_equal(f->n_rows, 3);
	assert_int_equal(row(f, "tcp_v4_send_reset")->total_ns, 400);
	assert_int_equal(row(f, "tcp_v4_rcv")->total_ns, 700);
	assert_int_equal(row(f, "tcp_v4_rcv")->returns, 2);
	assert_int_equal(row(f, "tcp_v4_rcv")->timed, 1);
	assert_int_equal(row(f, "ip_rcv")->total_ns, 1000);
	assert_int_equal(row(f, "ip_rcv")->max_ns, 1000);
	assert_int_equal(row(f, "ip_rcv")->packets, 1);
	report_free(r);
	ksyms__free(ks);
}

static void journey_steps_name_the_functions_between_tracepoints(void **state)
{
	struct ksyms *ks = syms();
	struct report *r;
	const struct report_result *res = feed_syn(&r, ks, RR_PART_JOURNEYS);
	const char *want[] = { "netif_receive_skb", "ip_rcv", "tcp_v4_rcv", "tcp_v4_send_reset",
			       "kfree_skb" };
	const struct rr_sequence *q = NULL;

	for (size_t i = 0; i < res->journeys.n_seqs; i++)
		if (!strcmp(res->journeys.seqs[i].fate, "dropped"))
			q = &res->journeys.seqs[i];
	assert_non_null(q);
	assert_int_equal(q->n_steps, 5);
	for (size_t k = 0; k < 5; k++)
		assert_string_equal(rr_step_name(q, k), want[k]);
	assert_int_equal(q->steps[1], NS_EV_FUNC_ENTRY);
	report_free(r);
	ksyms__free(ks);
}

static void funcs_view_of_a_trace_without_functions_is_empty(void **state)
{
	struct report_ctx ctx = { .parts = RR_PART_FUNCS };
	struct report *r = report_new(&ctx);
	struct ns_event e = ev(NS_EV_NETIF_RECEIVE_SKB, 1, 0, 1, NS_F_NEW_PACKET);

	report_feed(r, &e);
	assert_int_equal(report_finish(r, NULL, false), 0);
	assert_int_equal(report_result(r)->funcs.entries, 0);
	assert_int_equal(report_result(r)->funcs.n_rows, 0);
	report_free(r);
}

/* an ftrace record: no packet, depth in reason, overrun in len */
static struct ns_event fg(uint16_t type, uint64_t ts, uint64_t loc, uint16_t cpu, uint32_t depth,
			  uint8_t extra)
{
	return (struct ns_event){ .type = type, .ts_ns = ts, .location = loc, .cpu = cpu,
				  .reason = depth, .ctx = NS_CTX_SOFTIRQ, .tid = 9,
				  .flags = NS_F_FTRACE | extra };
}

static const struct func_cpu_row *cpu_row(const struct funcs_result *f, const char *name, int cpu)
{
	for (size_t i = 0; i < f->n_cpu_rows; i++)
		if (f->cpu_rows[i].cpu == cpu && !strcmp(f->rows[f->cpu_rows[i].row].name, name))
			return &f->cpu_rows[i];
	return NULL;
}

/*
 * trace_stat's columns from function_graph records: tcp_v4_rcv twice on
 * CPU 0 (100 and 300 ns, each calling tcp_v4_send_reset) and once on CPU
 * 1 (200 ns): hits, time, average and s^2 per CPU, and the nesting.
 */
static void ftrace_profile_gives_hits_time_and_variance_per_cpu(void **state)
{
	struct ksyms *ks = syms();
	struct report_ctx ctx = { .ksyms = ks, .parts = RR_PART_FUNCS };
	struct report *r = report_new(&ctx);
	struct ns_event e[] = {
		fg(NS_EV_FUNC_ENTRY, 1000, F_TCP_V4_RCV, 0, 1, 0),
		fg(NS_EV_FUNC_ENTRY, 1010, F_SEND_RESET, 0, 2, 0),
		fg(NS_EV_FUNC_EXIT, 1050, F_SEND_RESET, 0, 2, 0),
		fg(NS_EV_FUNC_ENTRY, 1060, F_TCP_V4_RCV, 1, 1, 0),
		fg(NS_EV_FUNC_EXIT, 1100, F_TCP_V4_RCV, 0, 1, 0),
		fg(NS_EV_FUNC_ENTRY, 2000, F_TCP_V4_RCV, 0, 1, 0),
		fg(NS_EV_FUNC_ENTRY, 2010, F_SEND_RESET, 0, 2, 0),
		fg(NS_EV_FUNC_EXIT, 2030, F_SEND_RESET, 0, 2, 0),
		fg(NS_EV_FUNC_EXIT, 1260, F_TCP_V4_RCV, 1, 1, 0),
		fg(NS_EV_FUNC_EXIT, 2300, F_TCP_V4_RCV, 0, 1, 3),
	};
	const struct funcs_result *f;
	const struct func_cpu_row *c;

	e[9].len = 3; /* the return stack's overrun count */
	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		report_feed(r, &e[i]);
	assert_int_equal(report_finish(r, NULL, false), 0);
	f = &report_result(r)->funcs;
	assert_true(f->ftrace);
	assert_false(f->calls_only);
	assert_int_equal(f->overrun, 3);
	assert_int_equal(f->unmatched_exits + f->abandoned, 0);
	c = cpu_row(f, "tcp_v4_rcv", 0);
	assert_non_null(c);
	assert_int_equal(c->hits, 2);
	assert_int_equal(c->timed, 2);
	assert_int_equal(c->total_ns, 400);
	/* (2 * (100^2 + 300^2) - 400^2) / (2 * 1) */
	assert_float_equal(funcs_variance_ns2(c->timed, c->total_ns, c->sumsq_ns2), 20000.0, 1e-6);
	c = cpu_row(f, "tcp_v4_rcv", 1);
	assert_int_equal(c->hits, 1);
	assert_int_equal(c->total_ns, 200);
	assert_float_equal(funcs_variance_ns2(c->timed, c->total_ns, c->sumsq_ns2), 0.0, 1e-9);
	c = cpu_row(f, "tcp_v4_send_reset", 0);
	assert_int_equal(c->hits, 2);
	assert_int_equal(c->total_ns, 60);
	assert_null(cpu_row(f, "tcp_v4_send_reset", 1));
	/* all CPUs: 3 calls, 600 ns; variance of 100, 300, 200 */
	assert_int_equal(row(f, "tcp_v4_rcv")->timed, 3);
	assert_int_equal(row(f, "tcp_v4_rcv")->total_ns, 600);
	assert_float_equal(funcs_variance_ns2(3, 600, row(f, "tcp_v4_rcv")->sumsq_ns2), 10000.0, 1e-6);
	/* tcp_v4_rcv (3 calls) { tcp_v4_send_reset (2) } */
	assert_int_equal(f->n_graph, 2);
	assert_string_equal(f->rows[f->graph[0].row].name, "tcp_v4_rcv");
	assert_int_equal(f->graph[0].depth, 0);
	assert_int_equal(f->graph[0].calls, 3);
	assert_string_equal(f->rows[f->graph[1].row].name, "tcp_v4_send_reset");
	assert_int_equal(f->graph[1].depth, 1);
	assert_int_equal(f->graph[1].calls, 2);
	assert_int_equal(f->graph[1].total_ns, 60);
	report_free(r);
	ksyms__free(ks);
}

/* the function tracer (no function_graph in an instance): hits per CPU, no time, no graph */
static void function_tracer_records_give_hits_only(void **state)
{
	struct ksyms *ks = syms();
	struct report_ctx ctx = { .ksyms = ks, .parts = RR_PART_FUNCS };
	struct report *r = report_new(&ctx);
	const struct funcs_result *f;

	for (int i = 0; i < 5; i++) {
		struct ns_event e = fg(NS_EV_FUNC_ENTRY, 100 * i, F_TCP_V4_RCV, i & 1, 0,
				       NS_F_FTRACE_CALLS_ONLY);

		report_feed(r, &e);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	f = &report_result(r)->funcs;
	assert_true(f->calls_only);
	assert_int_equal(row(f, "tcp_v4_rcv")->calls, 5);
	assert_int_equal(row(f, "tcp_v4_rcv")->timed, 0);
	assert_int_equal(cpu_row(f, "tcp_v4_rcv", 0)->hits, 3);
	assert_int_equal(cpu_row(f, "tcp_v4_rcv", 1)->hits, 2);
	assert_int_equal(cpu_row(f, "tcp_v4_rcv", 1)->timed, 0);
	/* nothing nested, nothing abandoned: these calls have no return to wait for */
	assert_int_equal(f->n_graph, 0);
	assert_int_equal(f->abandoned, 0);
	report_free(r);
	ksyms__free(ks);
}

/* the call graph view: function_graph's nesting merged in, with each path's calls */
static void callgraph_nests_function_calls_by_their_callers(void **state)
{
	struct ksyms *ks = syms();
	struct report_ctx ctx = { .ksyms = ks, .parts = RR_PART_PROFILE };
	struct report *r = report_new(&ctx);
	const struct stackprof_result *p;
	struct ns_event e[] = {
		fg(NS_EV_FUNC_ENTRY, 100, F_IP_RCV, 0, 4, 0),
		fg(NS_EV_FUNC_ENTRY, 110, F_TCP_V4_RCV, 0, 5, 0),
		fg(NS_EV_FUNC_ENTRY, 120, F_SEND_RESET, 0, 6, 0),
		fg(NS_EV_FUNC_EXIT, 130, F_SEND_RESET, 0, 6, 0),
		fg(NS_EV_FUNC_ENTRY, 140, F_SEND_RESET, 0, 6, 0),
		fg(NS_EV_FUNC_EXIT, 150, F_SEND_RESET, 0, 6, 0),
		fg(NS_EV_FUNC_EXIT, 160, F_TCP_V4_RCV, 0, 5, 0),
		fg(NS_EV_FUNC_EXIT, 170, F_IP_RCV, 0, 4, 0),
		fg(NS_EV_FUNC_ENTRY, 200, F_SEND_RESET, 1, 0, 0),
		fg(NS_EV_FUNC_EXIT, 210, F_SEND_RESET, 1, 0, 0),
	};
	const char *want[][2] = { { "ip_rcv", "0" }, { "tcp_v4_rcv", "1" },
				  { "tcp_v4_send_reset", "2" }, { "tcp_v4_send_reset", "0" } };
	const uint64_t calls[] = { 1, 1, 2, 1 };

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		report_feed(r, &e[i]);
	assert_int_equal(report_finish(r, NULL, false), 0);
	p = &report_result(r)->profile;
	assert_int_equal(p->function_calls, 5);
	assert_int_equal(p->n_nodes, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(p->nodes[i].function, want[i][0]);
		assert_int_equal(p->nodes[i].depth, want[i][1][0] - '0');
		assert_int_equal(p->nodes[i].calls, calls[i]);
	}
	/* the profile's functions count every call */
	for (size_t i = 0; i < p->n_funcs; i++)
		if (!strcmp(p->funcs[i].name, "tcp_v4_send_reset"))
			assert_int_equal(p->funcs[i].hits, 3);
	report_free(r);
	ksyms__free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(funcs_view_times_each_call_from_entry_to_its_return),
		cmocka_unit_test(journey_steps_name_the_functions_between_tracepoints),
		cmocka_unit_test(funcs_view_of_a_trace_without_functions_is_empty),
		cmocka_unit_test(ftrace_profile_gives_hits_time_and_variance_per_cpu),
		cmocka_unit_test(function_tracer_records_give_hits_only),
		cmocka_unit_test(callgraph_nests_function_calls_by_their_callers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
