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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(funcs_view_times_each_call_from_entry_to_its_return),
		cmocka_unit_test(journey_steps_name_the_functions_between_tracepoints),
		cmocka_unit_test(funcs_view_of_a_trace_without_functions_is_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
