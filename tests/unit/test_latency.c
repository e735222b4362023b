// SPDX-License-Identifier: GPL-2.0
/*
 * Per-stage latency on hand-made event sequences: exact counts, and
 * percentiles that are the upper bounds of the exact values' buckets
 * (worked out by hand below from hist.h's layout).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/hist.h"
#include "analysis/latency.h"
#include "common/json.h"
#include "render/latency_out.h"

static void feed(struct latency_an *l, uint64_t id, unsigned int type, uint64_t ts, bool first)
{
	struct ns_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.packet_id = id;
	ev.type = type;
	ev.ts_ns = ts;
	ev.flags = first ? NS_F_NEW_PACKET : 0;
	latency_feed(l, &ev);
}

static const struct latency_pair *pair(const struct latency_result *r, const char *from,
				       const char *to)
{
	for (size_t i = 0; i < r->n_pairs; i++)
		if (!strcmp(r->pairs[i].from, from) && !strcmp(r->pairs[i].to, to))
			return &r->pairs[i];
	fail_msg("no pair %s → %s", from, to);
	return NULL;
}

/*
 * Packet 1 crosses every stage; packets 100..199 are received and dropped
 * 1..100 µs later; 500 began before the trace; 600 has an event stamped
 * before its previous one; 700 never ends; a softirq event has no packet.
 */
static void build(struct latency_an *l)
{
	feed(l, 1, NS_EV_NET_DEV_QUEUE, 1000, true);
	feed(l, 1, NS_EV_QDISC_ENQUEUE, 1500, false);	/* same stage: no gap */
	feed(l, 1, NS_EV_NET_DEV_START_XMIT, 3000, false);
	feed(l, 1, NS_EV_NET_DEV_XMIT, 3100, false);
	feed(l, 1, NS_EV_NETIF_RX, 5000, false);
	feed(l, 1, NS_EV_NETIF_RECEIVE_SKB, 6000, false);
	feed(l, 1, NS_EV_TCP_PROBE, 9000, false);
	feed(l, 1, NS_EV_CONSUME_SKB, 10000, false);
	for (uint64_t i = 0; i < 100; i++) {
		feed(l, 100 + i, NS_EV_NETIF_RECEIVE_SKB, 20000, true);
		feed(l, 100 + i, NS_EV_KFREE_SKB, 20000 + (i + 1) * 1000, false);
	}
	feed(l, 500, NS_EV_NETIF_RECEIVE_SKB, 100, false);
	feed(l, 500, NS_EV_CONSUME_SKB, 400, false);
	feed(l, 600, NS_EV_NETIF_RX, 1000, true);
	feed(l, 600, NS_EV_TCP_PROBE, 900, false);
	feed(l, 700, NS_EV_NETIF_RX, 50, true);
	feed(l, 0, NS_EV_SOFTIRQ_ENTRY, 10, false);
	feed(l, 701, NS_EV_IRQ_HANDLER_ENTRY, 10, true);
}

static void gaps_are_counted_per_consecutive_stage_pair(void **state)
{
	struct latency_an *l = latency_new(0);
	struct latency_result r;

	build(l);
	assert_int_equal(latency_finish(l, &r), 0);
	assert_int_equal(r.n_pairs, 6);
	/* by count, then stage order */
	assert_string_equal(r.pairs[0].from, "receive");
	assert_string_equal(r.pairs[0].to, "drop");
	assert_string_equal(r.pairs[1].to, "deliver");
	assert_string_equal(r.pairs[2].from, "queue");
	assert_string_equal(r.pairs[3].from, "xmit");
	assert_string_equal(r.pairs[4].to, "consume");
	assert_string_equal(r.pairs[4].from, "receive");
	assert_string_equal(r.pairs[5].from, "deliver");

	/* packet 1: from entering a stage to entering the next */
	assert_int_equal(pair(&r, "queue", "xmit")->gap.count, 1);
	assert_int_equal(pair(&r, "queue", "xmit")->gap.max_ns, 2000);
	assert_int_equal(pair(&r, "xmit", "receive")->gap.max_ns, 2000);
	assert_int_equal(pair(&r, "deliver", "consume")->gap.max_ns, 1000);
	/* packet 1 (4000) and packet 600 (reordered: 0) */
	assert_int_equal(pair(&r, "receive", "deliver")->gap.count, 2);
	assert_int_equal(pair(&r, "receive", "deliver")->gap.min_ns, 0);
	assert_int_equal(pair(&r, "receive", "deliver")->gap.max_ns, 4000);
	/* the partial packet's gap counts */
	assert_int_equal(pair(&r, "receive", "consume")->gap.max_ns, 300);
	assert_int_equal(r.packets, 104);
	assert_int_equal(r.ended, 102);
	assert_int_equal(r.partial, 1);
	assert_int_equal(r.unended, 2);
	assert_int_equal(r.reordered, 1);
	assert_int_equal(r.evicted, 0);
	assert_int_equal(r.events_used, 8 + 200 + 2 + 2 + 1);
	assert_int_equal(r.events_skipped, 2);
	latency_result_free(&r);
	latency_free(l);
}

static void drop_gaps_give_bucket_upper_bounds_as_percentiles(void **state)
{
	struct latency_an *l = latency_new(0);
	const struct latency_stats *g;
	struct latency_result r;

	build(l);
	assert_int_equal(latency_finish(l, &r), 0);
	g = &pair(&r, "receive", "drop")->gap;
	assert_int_equal(g->count, 100);
	assert_int_equal(g->min_ns, 1000);
	assert_int_equal(g->max_ns, 100000);
	/* exact 50000 lies in [2^15, 2^16), buckets of 512: [49664, 50175] */
	assert_int_equal(g->p50_ns, 50175);
	/* exact 90000 and 99000 in [2^16, 2^17), buckets of 1024 */
	assert_int_equal(g->p90_ns, 90111);
	assert_int_equal(g->p99_ns, 99327);
	assert_int_equal(g->p50_ns, hist_bucket_upper(hist_bucket_of(50000)));
	/* totals: the drops (1..100 µs) and packet 1 (9 µs); not the partial one */
	assert_int_equal(r.total_dropped.count, 100);
	assert_int_equal(r.total_dropped.max_ns, 100000);
	assert_int_equal(r.total_consumed.count, 1);
	assert_int_equal(r.total_consumed.max_ns, 9000);
	assert_int_equal(r.total.count, 101);
	assert_int_equal(r.total.min_ns, 1000);
	latency_result_free(&r);
	latency_free(l);
}

static void a_full_table_evicts_the_least_recent_packet(void **state)
{
	struct latency_an *l = latency_new(4);
	struct latency_result r;

	for (uint64_t id = 1; id <= 10; id++)
		feed(l, id, NS_EV_NETIF_RX, id * 100, true);
	/* 7..10 are left; 1 was evicted, so its end starts a partial packet (evicting 7) */
	feed(l, 1, NS_EV_KFREE_SKB, 2000, false);
	feed(l, 10, NS_EV_KFREE_SKB, 2000, false);
	assert_int_equal(latency_finish(l, &r), 0);
	assert_int_equal(r.live_max, 4);
	assert_int_equal(r.evicted, 7);
	assert_int_equal(r.packets, 11);
	assert_int_equal(r.partial, 1);
	assert_int_equal(pair(&r, "receive", "drop")->gap.count, 1);
	assert_int_equal(pair(&r, "receive", "drop")->gap.max_ns, 1000);
	assert_int_equal(r.unended, 2);	/* 8 and 9 */
	latency_result_free(&r);
	latency_free(l);
}

static void a_reused_packet_id_starts_a_new_packet(void **state)
{
	struct latency_an *l = latency_new(0);
	struct latency_result r;

	feed(l, 9, NS_EV_NETIF_RX, 0, true);
	feed(l, 9, NS_EV_NETIF_RX, 5000, true);
	feed(l, 9, NS_EV_CONSUME_SKB, 5100, false);
	assert_int_equal(latency_finish(l, &r), 0);
	assert_int_equal(r.packets, 2);
	assert_int_equal(r.unended, 1);
	assert_int_equal(pair(&r, "receive", "consume")->gap.max_ns, 100);
	latency_result_free(&r);
	latency_free(l);
}

static void stage_table_covers_every_packet_event(void **state)
{
	assert_int_equal(latency_stage_of(NS_EV_QDISC_DEQUEUE), LAT_XMIT);
	assert_int_equal(latency_stage_of(NS_EV_NAPI_GRO_RECEIVE_ENTRY), LAT_RECEIVE);
	assert_int_equal(latency_stage_of(NS_EV_UDP_FAIL_QUEUE_RCV_SKB), LAT_DELIVER);
	assert_int_equal(latency_stage_of(NS_EV_KFREE_SKB), LAT_DROP);
	assert_int_equal(latency_stage_of(NS_EV_NAPI_POLL), LAT_NONE);
	assert_int_equal(latency_stage_of(NS_EV__COUNT + 3), LAT_NONE);
	assert_string_equal(latency_stage_name(LAT_CONSUME), "consume");
}

static void renderers_show_pairs_with_units(void **state)
{
	struct latency_an *l = latency_new(0);
	struct latency_result r;
	struct json_writer *w;
	char *buf = NULL, t[16];
	size_t len = 0;
	FILE *f;

	build(l);
	assert_int_equal(latency_finish(l, &r), 0);
	f = open_memstream(&buf, &len);
	latency_print_text(f, &r);
	fclose(f);
	assert_non_null(strstr(buf, "receive → drop"));
	assert_non_null(strstr(buf, "n=100 "));
	assert_non_null(strstr(buf, "p50 50.2µs"));
	assert_non_null(strstr(buf, "max 100µs"));
	assert_non_null(strstr(buf, "1 packets began before the trace"));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	w = json_new(f);
	latency_print_json(w, &r);
	json_free(w);
	fclose(f);
	assert_non_null(strstr(buf, "{\"from\":\"receive\",\"to\":\"drop\",\"gap\":{\"count\":100,"
				    "\"min_ns\":1000,\"p50_ns\":50175,\"p90_ns\":90111,"
				    "\"p99_ns\":99327,\"max_ns\":100000}}"));
	assert_non_null(strstr(buf, "\"reordered\":1"));
	free(buf);
	assert_string_equal(latency_fmt_ns(850, t, sizeof(t)), "850ns");
	assert_string_equal(latency_fmt_ns(1234567, t, sizeof(t)), "1.23ms");
	latency_result_free(&r);
	latency_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gaps_are_counted_per_consecutive_stage_pair),
		cmocka_unit_test(drop_gaps_give_bucket_upper_bounds_as_percentiles),
		cmocka_unit_test(a_full_table_evicts_the_least_recent_packet),
		cmocka_unit_test(a_reused_packet_id_starts_a_new_packet),
		cmocka_unit_test(stage_table_covers_every_packet_event),
		cmocka_unit_test(renderers_show_pairs_with_units),
	};

	return cmocka_run_group_tests_name("latency", tests, NULL, NULL);
}
