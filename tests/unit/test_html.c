// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report: escaping of every string, the flame graph's layout, the
 * journeys' sample of single packets it draws, and a page made from a
 * synthetic trace that refers to nothing outside itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/journeys.h"
#include "analysis/report.h"
#include "analysis/result.h"
#include "render/html.h"

#define R_NO_SOCKET 3
#define R_HOSTILE 77

static struct ns_names names;

static int group_setup(void **state)
{
	if (ns_names_add(&names, NS_NAMES_DROP_REASON, R_NO_SOCKET, "NO_SOCKET") ||
	    /* a name a damaged or hostile trace could carry */
	    ns_names_add(&names, NS_NAMES_DROP_REASON, R_HOSTILE, "<img src=x onerror=alert(1)>&\"'"))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	ns_names_free(&names);
	return 0;
}

/* what fn printed, as a malloc'ed string */
#define CAPTURE(buf, stmt)                                      \
	do {                                                    \
		size_t len_;                                    \
		FILE *out = open_memstream(&(buf), &len_);      \
		assert_non_null(out);                           \
		stmt;                                           \
		assert_int_equal(fclose(out), 0);               \
	} while (0)

static void escaping_replaces_markup_quotes_and_control_bytes(void **state)
{
	char *s = NULL;

	CAPTURE(s, html_esc(out, "<script>a & b \"c\" 'd'</script>\x01\x7f\tok"));
	assert_string_equal(s, "&lt;script&gt;a &amp; b &quot;c&quot; &#39;d&#39;&lt;/script&gt;"
			       "&#xFFFD;&#xFFFD;\tok");
	free(s);
	CAPTURE(s, html_esc(out, NULL));
	assert_string_equal(s, "");
	free(s);
}

static void escaping_of_a_fixed_array_stops_at_its_size(void **state)
{
	char name[4] = { 'a', '<', 'b', 'c' }; /* no NUL, as a comm of 16 bytes */
	char *s = NULL;

	CAPTURE(s, html_esc_n(out, name, sizeof(name)));
	assert_string_equal(s, "a&lt;bc");
	free(s);
	CAPTURE(s, html_esc_n(out, "x<y", 1));
	assert_string_equal(s, "x");
	free(s);
}

static void flame_layout_puts_children_inside_their_parent(void **state)
{
	/* A(10) { B(6) { C(2) }, D(3) }, E(5): A's self time is the 1 left of it */
	const struct flame_frame f[] = {
		{ "A", 0, 10 }, { "B", 1, 6 }, { "C", 2, 2 }, { "D", 1, 3 }, { "E", 0, 5 },
	};
	struct flame_rect r[5];

	assert_int_equal(flame_layout(f, 5, r), 3);
	assert_int_equal(r[0].x, 0);
	assert_int_equal(r[0].w, 10);
	assert_int_equal(r[1].x, 0);
	assert_int_equal(r[1].w, 6);
	assert_int_equal(r[2].x, 0);
	assert_int_equal(r[2].depth, 2);
	assert_int_equal(r[3].x, 6);
	assert_int_equal(r[3].w, 3);
	assert_int_equal(r[3].depth, 1);
	assert_int_equal(r[4].x, 10);
	assert_int_equal(r[4].w, 5);
	assert_int_equal(r[4].depth, 0);
}

static void flame_layout_restarts_children_under_each_parent(void **state)
{
	/* the second root's child starts at the second root, not after the first's */
	const struct flame_frame f[] = {
		{ "A", 0, 4 }, { "B", 1, 4 }, { "C", 0, 6 }, { "D", 1, 1 }, { "E", 1, 5 },
	};
	struct flame_rect r[5];

	assert_int_equal(flame_layout(f, 5, r), 2);
	assert_int_equal(r[3].x, 4);
	assert_int_equal(r[4].x, 5);
	assert_int_equal(r[4].w, 5);
}

static void flame_layout_refuses_what_is_not_a_tree(void **state)
{
	const struct flame_frame skip[] = { { "A", 0, 4 }, { "B", 2, 1 } };
	const struct flame_frame first_deep[] = { { "A", 1, 4 } };
	const struct flame_frame too_wide[] = { { "A", 0, 10 }, { "B", 1, 6 }, { "C", 1, 5 } };
	struct flame_rect r[3];

	assert_int_equal(flame_layout(skip, 2, r), -EINVAL);
	assert_int_equal(flame_layout(first_deep, 1, r), -EINVAL);
	assert_int_equal(flame_layout(too_wide, 3, r), -EINVAL);
	assert_int_equal(flame_layout(NULL, 0, r), 0);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void flame_svg_draws_wide_frames_labels_them_and_counts_the_narrow(void **state)
{
	/* 1200 px for 10000: a frame of 5 is 0.6 px, not drawn */
	const struct flame_frame f[] = {
		{ "tcp_v4_rcv", 0, 9995 }, { "<inner>", 1, 9000 }, { "tiny", 0, 5 },
	};
	char *s = NULL;

	CAPTURE(s, html_flame_svg(out, "fg", "stacks", f, 3));
	assert_int_equal(count(s, "<rect"), 2);
	assert_non_null(strstr(s, "<title>&lt;inner&gt;: 9000 stacks, 90.00%</title>"));
	assert_non_null(strstr(s, ">tcp_v4_rcv</text>"));
	assert_null(strstr(s, "<inner>"));
	assert_int_equal(count(s, "tabindex=\"0\""), 2);
	assert_non_null(strstr(s, "1 frames narrower than a pixel are not drawn"));
	free(s);
}

static struct ns_event ev_of(unsigned int type, uint64_t ts, uint64_t id, uint8_t flags)
{
	struct ns_event e = { 0 };

	e.type = type;
	e.ts_ns = ts;
	e.packet_id = id;
	e.skb = 0xffff888000100000ULL + id * 0x100;
	e.flags = flags;
	e.stack_id = -1;
	return e;
}

/* n packets queued and consumed, then drops packets received and dropped */
static struct report *feed_packets(bool sample, unsigned int n, unsigned int drops,
				   uint32_t reason)
{
	struct report_ctx ctx = { .names = &names, .packet_sample = sample };
	struct report *r = report_new(&ctx);
	uint64_t id = 1, t = 1000000;

	assert_non_null(r);
	for (unsigned int i = 0; i < n; i++, id++, t += 100000) {
		struct ns_event a = ev_of(NS_EV_NET_DEV_QUEUE, t, id, NS_F_NEW_PACKET);
		struct ns_event b = ev_of(NS_EV_CONSUME_SKB, t + 250, id, NS_F_END_PACKET);

		report_feed(r, &a);
		report_feed(r, &b);
	}
	for (unsigned int i = 0; i < drops; i++, id++, t += 100000) {
		struct ns_event a = ev_of(NS_EV_NETIF_RECEIVE_SKB, t, id, NS_F_NEW_PACKET);
		struct ns_event b = ev_of(NS_EV_KFREE_SKB, t + 700, id, NS_F_END_PACKET);

		b.reason = reason;
		report_feed(r, &a);
		report_feed(r, &b);
	}
	assert_int_equal(report_finish(r, NULL, false), 0);
	return r;
}

static void sample_keeps_the_first_packets_and_every_dropped_one(void **state)
{
	struct report *r = feed_packets(true, 30, JOURNEY_SAMPLE_PER_REASON, R_NO_SOCKET);
	const struct rr_journeys *j = &report_result(r)->journeys;

	assert_true(j->sampled);
	assert_int_equal(j->n_sample, JOURNEY_SAMPLE_FIRST + JOURNEY_SAMPLE_PER_REASON);
	/* by first event: the 20 first consumed ones, then the dropped ones */
	for (size_t i = 0; i < JOURNEY_SAMPLE_FIRST; i++) {
		assert_int_equal(j->sample[i].id, i + 1);
		assert_false(j->sample[i].for_drop);
		assert_string_equal(j->sample[i].fate, "consumed");
		assert_int_equal(j->sample[i].n_steps, 2);
		assert_int_equal(j->sample[i].steps[1].ts - j->sample[i].steps[0].ts, 250);
		assert_int_equal(j->sample[i].steps[0].type, NS_EV_NET_DEV_QUEUE);
	}
	for (size_t i = JOURNEY_SAMPLE_FIRST; i < j->n_sample; i++) {
		assert_int_equal(j->sample[i].id, 31 + i - JOURNEY_SAMPLE_FIRST);
		assert_true(j->sample[i].for_drop);
		assert_string_equal(j->sample[i].reason, "NO_SOCKET");
		assert_int_equal(j->sample[i].steps[1].type, NS_EV_KFREE_SKB);
	}
	assert_int_equal(j->dropped_unsampled, 0);
	report_free(r);
}

static void sample_keeps_a_few_drops_of_each_reason_and_counts_the_rest(void **state)
{
	struct report *r = feed_packets(true, JOURNEY_SAMPLE_FIRST, 2 * JOURNEY_SAMPLE_PER_REASON + 3,
					R_NO_SOCKET);
	const struct rr_journeys *j = &report_result(r)->journeys;

	assert_int_equal(j->n_sample, JOURNEY_SAMPLE_FIRST + JOURNEY_SAMPLE_PER_REASON);
	assert_int_equal(j->dropped_unsampled, JOURNEY_SAMPLE_PER_REASON + 3);
	report_free(r);
}

static void sample_caps_the_dropped_packets_of_many_reasons(void **state)
{
	struct report_ctx ctx = { .names = &names, .packet_sample = true };
	struct report *r = report_new(&ctx);
	const unsigned int reasons = JOURNEY_SAMPLE_DROPPED / JOURNEY_SAMPLE_PER_REASON + 5;
	const struct rr_journeys *j;
	uint64_t id = 1;

	/* rounds of one drop of each reason: every reason fills to its cap, the total caps first */
	for (unsigned int round = 0; round < JOURNEY_SAMPLE_PER_REASON; round++)
		for (unsigned int k = 0; k < reasons; k++, id++) {
			struct ns_event a = ev_of(NS_EV_NETIF_RECEIVE_SKB, id * 10000, id, NS_F_NEW_PACKET);
			struct ns_event b = ev_of(NS_EV_KFREE_SKB, id * 10000 + 5, id, NS_F_END_PACKET);

			b.reason = 1000 + k;
			report_feed(r, &a);
			report_feed(r, &b);
		}
	assert_int_equal(report_finish(r, NULL, false), 0);
	j = &report_result(r)->journeys;
	assert_int_equal(j->n_sample, JOURNEY_SAMPLE_FIRST + JOURNEY_SAMPLE_DROPPED);
	assert_int_equal(j->dropped_unsampled,
			 reasons * JOURNEY_SAMPLE_PER_REASON - JOURNEY_SAMPLE_FIRST - JOURNEY_SAMPLE_DROPPED);
	/* the reasons first seen after the first 20 packets are in the sample too */
	assert_string_equal(j->sample[j->n_sample - 1].reason, "reason#1014");
	report_free(r);
}

static void no_sample_unless_asked(void **state)
{
	struct report *r = feed_packets(false, 3, 1, R_NO_SOCKET);
	const struct rr_journeys *j = &report_result(r)->journeys;

	assert_false(j->sampled);
	assert_int_equal(j->n_sample, 0);
	assert_null(j->sample);
	report_free(r);
}

static void page_escapes_trace_strings_and_refers_to_nothing_outside(void **state)
{
	struct report *r = feed_packets(true, 2, 3, R_HOSTILE);
	const struct report_result *res = report_result(r);
	char *s = NULL;

	CAPTURE(s, render_report_html(res, "<report>", out));
	assert_null(strstr(s, "<img"));
	assert_null(strstr(s, "<report>"));
	assert_non_null(strstr(s, "<title>&lt;report&gt;</title>"));
	/* the hostile reason, escaped, in the drops table and in the packet list */
	assert_true(count(s, "&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;") >= 2);
	assert_non_null(strstr(s, "<span id=\"drops-total\">3</span>"));
	assert_non_null(strstr(s, "id=\"summary-events\">10</span>"));
	assert_non_null(strstr(s, "<span id=\"packets-sampled\">5</span>"));
	assert_int_equal(count(s, "<details id=\"pkt-"), 5);
	/* self-contained: no URL, no source, no link element, no import */
	assert_null(strstr(s, "http:"));
	assert_null(strstr(s, "https:"));
	/* " src=" only inside the escaped name, as text */
	assert_int_equal(count(s, " src="), count(s, "&lt;img src="));
	assert_null(strstr(s, "<link"));
	assert_null(strstr(s, "@import"));
	assert_null(strstr(s, "url("));
	free(s);
	report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping_replaces_markup_quotes_and_control_bytes),
		cmocka_unit_test(escaping_of_a_fixed_array_stops_at_its_size),
		cmocka_unit_test(flame_layout_puts_children_inside_their_parent),
		cmocka_unit_test(flame_layout_restarts_children_under_each_parent),
		cmocka_unit_test(flame_layout_refuses_what_is_not_a_tree),
		cmocka_unit_test(flame_svg_draws_wide_frames_labels_them_and_counts_the_narrow),
		cmocka_unit_test(sample_keeps_the_first_packets_and_every_dropped_one),
		cmocka_unit_test(sample_keeps_a_few_drops_of_each_reason_and_counts_the_rest),
		cmocka_unit_test(sample_caps_the_dropped_packets_of_many_reasons),
		cmocka_unit_test(no_sample_unless_asked),
		cmocka_unit_test(page_escapes_trace_strings_and_refers_to_nothing_outside),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
