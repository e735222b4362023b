// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline the Perfetto and Chrome JSON exporters draw
 * (export/timeline.c), on a trace written here with the cases a capture
 * gives only by chance: an exit whose entry came before the capture, an
 * exit lost between two entries, an entry still open at the end, a packet
 * seen once, an event type newer than this build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "export/export.h"
#include "export/timeline.h"

#define T0 5000000000ull
#define UNKNOWN_TYPE 40	/* beyond NS_EV__COUNT: an exporter names it "event#40" */

static char trace[64], out[64];

struct step {
	uint16_t type, cpu;
	uint8_t ctx, flags;
	uint32_t reason;
	uint64_t packet_id, dt_ns;
	int32_t ifindex;
	enum tl_role role;
	enum tl_flow flow;
};

/* in read order; the expected role and flow of each */
static const struct step steps[] = {
	/* 0: capture began inside a NET_RX run */
	{ NS_EV_SOFTIRQ_EXIT, 0, NS_CTX_SOFTIRQ, 0, 3, 0, 0, 0, TL_UNMATCHED, TL_FLOW_NONE },
	{ NS_EV_SOFTIRQ_ENTRY, 0, NS_CTX_SOFTIRQ, 0, 3, 0, 10, 0, TL_SLICE_BEGIN, TL_FLOW_NONE },
	{ NS_EV_NETIF_RECEIVE_SKB, 0, NS_CTX_SOFTIRQ, NS_F_NEW_PACKET, 0, 7, 20, 2, TL_INSTANT, TL_FLOW_BEGIN },
	{ NS_EV_SOFTIRQ_EXIT, 0, NS_CTX_SOFTIRQ, 0, 3, 0, 30, 0, TL_SLICE_END, TL_FLOW_NONE },
	/* 4: its exit lost: the next entry finds it open */
	{ NS_EV_IRQ_HANDLER_ENTRY, 1, NS_CTX_HARDIRQ, 0, 24, 0, 40, 0, TL_UNMATCHED, TL_FLOW_NONE },
	{ NS_EV_IRQ_HANDLER_ENTRY, 1, NS_CTX_HARDIRQ, 0, 25, 0, 50, 0, TL_SLICE_BEGIN, TL_FLOW_NONE },
	{ NS_EV_IRQ_HANDLER_EXIT, 1, NS_CTX_HARDIRQ, 0, 25, 0, 60, 0, TL_SLICE_END, TL_FLOW_NONE },
	{ UNKNOWN_TYPE, 1, NS_CTX_TASK, 0, 0, 7, 70, 0, TL_INSTANT, TL_FLOW_STEP },
	/* 8: the drop, a second and a half later: the second counter bucket */
	{ NS_EV_KFREE_SKB, 0, NS_CTX_SOFTIRQ, NS_F_END_PACKET, 2, 7, 1500000000, 2, TL_INSTANT, TL_FLOW_END },
	/* 9: open when the capture ended */
	{ NS_EV_SOFTIRQ_ENTRY, 0, NS_CTX_SOFTIRQ, 0, 3, 0, 1500000010, 0, TL_UNMATCHED, TL_FLOW_NONE },
	/* 10: a packet seen once has no flow */
	{ NS_EV_CONSUME_SKB, 1, NS_CTX_TASK, NS_F_NEW_PACKET | NS_F_END_PACKET, 0, 9, 1500000020, 0,
	  TL_INSTANT, TL_FLOW_NONE },
	/* 11, 12: read in the other order than they happened (two CPUs raced
	 * to the ring buffer): the flow goes by time, 12 to 11 */
	{ NS_EV_CONSUME_SKB, 1, NS_CTX_TASK, NS_F_END_PACKET, 0, 11, 1500000100, 0,
	  TL_INSTANT, TL_FLOW_END },
	{ NS_EV_NET_DEV_QUEUE, 0, NS_CTX_TASK, NS_F_NEW_PACKET, 0, 11, 1500000090, 0,
	  TL_INSTANT, TL_FLOW_BEGIN },
};
#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

static int write_trace(const char *path, const struct step *st, size_t n)
{
	struct tracefile_writer *w;
	char err[256];

	w = tfw_open(path, NULL, NULL, err, sizeof(err));
	if (!w)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct ns_event ev = {
			.ts_ns = T0 + st[i].dt_ns, .type = st[i].type, .cpu = st[i].cpu,
			.ctx = st[i].ctx, .flags = st[i].flags, .reason = st[i].reason,
			.packet_id = st[i].packet_id, .ifindex = st[i].ifindex,
			.netns = st[i].ifindex ? 4026531840u : 0, .stack_id = -1,
		};
		if (ev.ifindex)
			memcpy(ev.ifname, "veth0", 6);
		if (tfw_add_event(w, &ev))
			return -1;
	}
	return tfw_close(w, NULL) ? -1 : 0;
}

static int setup(void **state)
{
	int fd;

	strcpy(trace, "/tmp/test_export_tl.XXXXXX");
	fd = mkstemp(trace);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(out, sizeof(out), "%s.out", trace);
	return write_trace(trace, steps, N_STEPS);
}

static int teardown(void **state)
{
	unlink(trace);
	unlink(out);
	return 0;
}

static void open_src(struct export_src *src)
{
	char err[256];

	*src = (struct export_src){ .path = trace };
	src->tr = tfr_open(trace, err, sizeof(err));
	assert_non_null(src->tr);
}

static void pass_two_sees_each_role_and_flow(void **state)
{
	struct export_src src;
	struct timeline tl;
	struct ns_event ev;
	size_t i = 0;

	open_src(&src);
	assert_int_equal(timeline_build(&src, &tl), 0);
	assert_int_equal(tl.events, N_STEPS);
	assert_int_equal(src.events, 0);	/* rewound for the second pass */
	while (export_next(&src, &ev)) {
		assert_true(i < N_STEPS);
		assert_int_equal(timeline_role(&tl, &ev, src.events - 1), steps[i].role);
		assert_int_equal(timeline_flow(&tl, &ev, src.events - 1), steps[i].flow);
		i++;
	}
	assert_int_equal(i, N_STEPS);
	timeline_free(&tl);
	tfr_close(src.tr);
}

static void unmatched_ends_are_counted_never_paired(void **state)
{
	struct export_src src;
	struct timeline tl;

	open_src(&src);
	assert_int_equal(timeline_build(&src, &tl), 0);
	assert_int_equal(tl.softirq_slices, 1);
	assert_int_equal(tl.irq_slices, 1);
	/* the exit before the capture, the entry whose exit was lost, the one open at the end */
	assert_int_equal(tl.unmatched, 3);
	assert_int_equal(tl.flows, 2);
	assert_int_equal(tl.t0, T0);
	timeline_free(&tl);
	tfr_close(src.tr);
}

static void tracks_follow_context_and_slices_their_kind(void **state)
{
	struct export_src src;
	struct timeline tl;

	open_src(&src);
	assert_int_equal(timeline_build(&src, &tl), 0);
	assert_int_equal(tl.n_cpus, 2);
	assert_int_equal(tl.cpus[0].ctx_mask, 1u << TL_SOFTIRQ | 1u << TL_TASK);
	assert_int_equal(tl.cpus[1].ctx_mask, 1u << TL_HARDIRQ | 1u << TL_TASK);
	timeline_free(&tl);
	tfr_close(src.tr);
}

static void device_counters_per_second_from_first_event(void **state)
{
	struct export_src src;
	struct timeline tl;
	char name[64];

	open_src(&src);
	assert_int_equal(timeline_build(&src, &tl), 0);
	assert_int_equal(tl.n_devs, 1);
	/* rx: 1 in the first second, then 0 (its step ends); the drop in the
	 * second second, the trace's last: no 0 after it */
	assert_int_equal(tl.n_samples, 3);
	assert_int_equal(tl.samples[0].metric, TL_RX);
	assert_int_equal(tl.samples[0].ts, T0);
	assert_int_equal(tl.samples[0].count, 1);
	assert_int_equal(tl.samples[1].metric, TL_RX);
	assert_int_equal(tl.samples[1].ts, T0 + TL_BUCKET_NS);
	assert_int_equal(tl.samples[1].count, 0);
	assert_int_equal(tl.samples[2].metric, TL_DROPS);
	assert_int_equal(tl.samples[2].ts, T0 + TL_BUCKET_NS);
	assert_int_equal(tl.samples[2].count, 1);
	assert_int_equal(tl.devs[0].total[TL_TX], 0);
	assert_string_equal(timeline_dev_name(&tl.devs[0], name, sizeof(name)), "veth0 (netns 4026531840)");
	timeline_free(&tl);
	tfr_close(src.tr);
}

/*
 * A timestamp decades after the first (a damaged file, or a clock that
 * jumped): the counters cost memory for the seconds with events only.
 */
static void counters_of_a_wild_timestamp_stay_small(void **state)
{
	static const struct step wild[] = {
		{ NS_EV_NETIF_RECEIVE_SKB, 0, NS_CTX_SOFTIRQ, 0, 0, 1, 0, 2, TL_INSTANT, TL_FLOW_NONE },
		{ NS_EV_NETIF_RECEIVE_SKB, 0, NS_CTX_SOFTIRQ, 0, 0, 2, 1000000000000000000ull, 2,
		  TL_INSTANT, TL_FLOW_NONE },
	};
	char path[sizeof(trace) + 8], err[256];
	struct export_src src;
	struct timeline tl;

	snprintf(path, sizeof(path), "%s.wild", trace);
	assert_int_equal(write_trace(path, wild, 2), 0);
	src = (struct export_src){ .path = path };
	src.tr = tfr_open(path, err, sizeof(err));
	assert_non_null(src.tr);
	assert_int_equal(timeline_build(&src, &tl), 0);
	assert_int_equal(tl.n_samples, 3);
	assert_int_equal(tl.samples[1].ts, T0 + TL_BUCKET_NS);
	assert_int_equal(tl.samples[1].count, 0);
	assert_int_equal(tl.samples[2].ts, T0 + 1000000000000000000ull);
	assert_int_equal(tl.samples[2].count, 1);
	timeline_free(&tl);
	tfr_close(src.tr);
	unlink(path);
}

/* how many times the file's bytes contain s */
/*
 * System vectors (irq_vectors) on their own, in a trace of their own: a
 * local timer run and a reschedule IPI are slices named by the tracepoint
 * on the hardirq track, an irq handler between them pairs apart (its own
 * run, as the interrupts view pairs them), an exit of another vector
 * number does not close the open entry, and a tracepoint this build has
 * no name for is named by its vector number.
 */
static void system_vectors_are_hardirq_slices_named_by_their_tracepoint(void **state)
{
	static const struct {
		uint16_t type;
		uint32_t reason;
		int32_t aux;
		enum tl_role role;
		const char *name;
	} v[] = {
		{ NS_EV_IRQ_VECTOR_ENTRY, 236, NS_IRQV_LOCAL_TIMER, TL_SLICE_BEGIN, "local_timer" },
		{ NS_EV_IRQ_VECTOR_EXIT, 236, NS_IRQV_LOCAL_TIMER, TL_SLICE_END, NULL },
		{ NS_EV_IRQ_HANDLER_ENTRY, 24, 0, TL_SLICE_BEGIN, "irq 24" },
		{ NS_EV_IRQ_HANDLER_EXIT, 24, 0, TL_SLICE_END, NULL },
		{ NS_EV_IRQ_VECTOR_ENTRY, 253, NS_IRQV_RESCHEDULE, TL_SLICE_BEGIN, "reschedule" },
		{ NS_EV_IRQ_VECTOR_EXIT, 253, NS_IRQV_RESCHEDULE, TL_SLICE_END, NULL },
		/* an exit of another vector: no pair, and the entry before it stays unpaired */
		{ NS_EV_IRQ_VECTOR_ENTRY, 246, NS_IRQV_IRQ_WORK, TL_UNMATCHED, NULL },
		{ NS_EV_IRQ_VECTOR_EXIT, 236, NS_IRQV_LOCAL_TIMER, TL_UNMATCHED, NULL },
		{ NS_EV_IRQ_VECTOR_ENTRY, 240, NS_IRQV__COUNT + 5, TL_SLICE_BEGIN, "vector#240" },
		{ NS_EV_IRQ_VECTOR_EXIT, 240, NS_IRQV__COUNT + 5, TL_SLICE_END, NULL },
	};
	char path[] = "/tmp/test_export_tl_vec.XXXXXX", err[256], buf[64];
	struct tracefile_writer *w;
	struct export_src src;
	struct timeline tl;
	struct ns_event ev;
	size_t i = 0;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	w = tfw_open(path, NULL, NULL, err, sizeof(err));
	assert_non_null(w);
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct ns_event e = { .ts_ns = T0 + 10 * k, .type = v[k].type, .cpu = 1,
				      .ctx = NS_CTX_HARDIRQ, .reason = v[k].reason, .aux = v[k].aux,
				      .stack_id = -1 };

		assert_int_equal(tfw_add_event(w, &e), 0);
	}
	assert_int_equal(tfw_close(w, NULL), 0);
	src = (struct export_src){ .path = path };
	src.tr = tfr_open(path, err, sizeof(err));
	assert_non_null(src.tr);
	assert_int_equal(timeline_build(&src, &tl), 0);
	assert_int_equal(tl.vector_slices, 3);
	assert_int_equal(tl.irq_slices, 1);
	assert_int_equal(tl.unmatched, 2);
	assert_int_equal(tl.cpus[1].ctx_mask, 1u << TL_HARDIRQ);
	while (export_next(&src, &ev)) {
		assert_int_equal(timeline_ctx(&ev), TL_HARDIRQ);
		assert_int_equal(timeline_role(&tl, &ev, src.events - 1), v[i].role);
		assert_int_equal(timeline_is_entry(&ev), ev.type != NS_EV_IRQ_VECTOR_EXIT &&
				 ev.type != NS_EV_IRQ_HANDLER_EXIT);
		if (v[i].name)
			assert_string_equal(timeline_slice_name(NULL, &ev, buf, sizeof(buf)), v[i].name);
		i++;
	}
	assert_int_equal(i, sizeof(v) / sizeof(v[0]));
	timeline_free(&tl);
	tfr_close(src.tr);
	unlink(path);
}

static int file_count(const char *path, const char *s)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 20];
	const char *p, *end;
	size_t n;
	int c = 0;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (p = buf, end = buf + n; (p = memmem(p, end - p, s, strlen(s))); p++)
		c++;
	return c;
}

static bool file_has(const char *path, const char *s)
{
	return file_count(path, s) > 0;
}

static void exporters_name_unknown_types_and_unmatched_ends(void **state)
{
	const struct export_opts o = { 0 };
	struct export_src src;

	open_src(&src);
	assert_int_equal(export_perfetto(&src, out, &o), 0);
	assert_true(file_has(out, "event#40"));
	assert_true(file_has(out, "no entry in the trace"));
	assert_true(file_has(out, "no exit in the trace"));
	tfr_close(src.tr);
	unlink(out);

	open_src(&src);
	assert_int_equal(export_chrome_json(&src, out, &o), 0);
	assert_true(file_has(out, "\"name\":\"event#40\""));
	assert_true(file_has(out, "\"unmatched\":\"no entry in the trace"));
	/* the two matched runs begin and end; the three unmatched ends are events */
	assert_int_equal(file_count(out, "\"ph\":\"B\""), 2);
	assert_int_equal(file_count(out, "\"ph\":\"E\""), 2);
	assert_int_equal(file_count(out, "\"unmatched\":"), 3);
	tfr_close(src.tr);
	unlink(out);
}

static void exporter_refuses_an_existing_output(void **state)
{
	const struct export_opts o = { 0 };
	struct export_src src;
	FILE *f = fopen(out, "w");

	assert_non_null(f);
	fclose(f);
	open_src(&src);
	/* the command never passes an existing path; if it did, nothing is overwritten */
	assert_int_equal(export_perfetto(&src, out, &o), 1);
	tfr_close(src.tr);
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pass_two_sees_each_role_and_flow),
		cmocka_unit_test(unmatched_ends_are_counted_never_paired),
		cmocka_unit_test(tracks_follow_context_and_slices_their_kind),
		cmocka_unit_test(device_counters_per_second_from_first_event),
		cmocka_unit_test(counters_of_a_wild_timestamp_stay_small),
		cmocka_unit_test(exporters_name_unknown_types_and_unmatched_ends),
		cmocka_unit_test(exporter_refuses_an_existing_output),
		cmocka_unit_test(system_vectors_are_hardirq_slices_named_by_their_tracepoint),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
