// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export TRACE --to chrome-json FILE: the Chrome JSON trace event
 * format (the "Trace Event Format" document of the Chromium project), which
 * ui.perfetto.dev, chrome://tracing and speedscope-like tools open.  The
 * same timeline as --to perfetto (export/timeline.h), in the form JSON
 * allows:
 *
 * - a "process" per CPU (pid = cpu + 1, named "cpu N"), a "thread" per
 *   context (tid = pid * 10 + context, named "cpu N softirq"), ordered
 *   task, softirq, hardirq by thread_sort_index;
 * - softirq and irq handler runs as "B"/"E" pairs on their thread;
 * - every other event as a complete event ("X") of zero duration with its
 *   fields in "args": zero-length slices rather than instants ("i")
 *   because flows bind only to slices;
 * - packet flows as version-2 flow bindings on those events ("bind_id" =
 *   packet id, "flow_out" on the first, "flow_in" on the last, both in
 *   between), which Perfetto's JSON importer reads;
 * - per device a "process" (pid 100000 + device) of counters ("C"), one
 *   value per second.
 *
 * Timestamps are CLOCK_MONOTONIC microseconds with three decimals (the
 * format's unit is the microsecond; the decimals keep the nanoseconds).
 * JSON is several times larger than the protobuf and slow to load past a
 * few hundred thousand events: the help says "small traces".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "common/json.h"
#include "common/log.h"
#include "export/event_args.h"
#include "export/export.h"
#include "export/output.h"
#include "export/timeline.h"

#define CPU_PID(cpu) ((uint64_t)(cpu) + 1)
#define CTX_TID(cpu, c) (CPU_PID(cpu) * 10 + (c))
#define DEV_PID(d) (100000 + (uint64_t)(d))
/* past this many events, suggest the protobuf format */
#define LARGE_EVENTS 200000

struct cj {
	struct json_writer *w;
	struct timeline tl;
	struct event_fmt fmt;
	struct tracefile_reader *tr;
};

static void a_str(void *ctx, const char *key, const char *v)
{
	json_kv_str(((struct cj *)ctx)->w, key, v);
}

static void a_uint(void *ctx, const char *key, uint64_t v)
{
	json_kv_u64(((struct cj *)ctx)->w, key, v);
}

static void a_sint(void *ctx, const char *key, int64_t v)
{
	json_kv_i64(((struct cj *)ctx)->w, key, v);
}

static void a_ptr(void *ctx, const char *key, uint64_t v)
{
	char buf[24];

	/* a string: kernel addresses exceed the 2^53 a JSON number keeps exactly */
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	json_kv_str(((struct cj *)ctx)->w, key, buf);
}

static void a_bool(void *ctx, const char *key, bool v)
{
	json_kv_bool(((struct cj *)ctx)->w, key, v);
}

static void a_strs(void *ctx, const char *key, const char *const *v, size_t n)
{
	struct json_writer *w = ((struct cj *)ctx)->w;

	json_key(w, key);
	json_arr_begin(w);
	for (size_t i = 0; i < n; i++)
		json_str(w, v[i]);
	json_arr_end(w);
}

static void metadata(struct json_writer *w, const char *what, uint64_t pid, int64_t tid,
		     const char *name, int64_t sort_index)
{
	json_obj_begin(w);
	json_kv_str(w, "ph", "M");
	json_kv_str(w, "name", what);
	json_kv_u64(w, "pid", pid);
	if (tid >= 0)
		json_kv_i64(w, "tid", tid);
	json_key(w, "args");
	json_obj_begin(w);
	if (name)
		json_kv_str(w, "name", name);
	else
		json_kv_i64(w, "sort_index", sort_index);
	json_obj_end(w);
	json_obj_end(w);
}

static void write_tracks(struct cj *c)
{
	char name[96];

	for (size_t cpu = 0; cpu < c->tl.n_cpus; cpu++) {
		uint8_t mask = c->tl.cpus[cpu].ctx_mask;

		if (!mask)
			continue;
		snprintf(name, sizeof(name), "cpu %zu", cpu);
		metadata(c->w, "process_name", CPU_PID(cpu), -1, name, 0);
		metadata(c->w, "process_sort_index", CPU_PID(cpu), -1, NULL, (int64_t)cpu);
		for (int x = 0; x < TL__CTX_COUNT; x++) {
			if (!(mask & 1u << x))
				continue;
			snprintf(name, sizeof(name), "cpu %zu %s", cpu, tl_ctx_name(x));
			metadata(c->w, "thread_name", CPU_PID(cpu), CTX_TID(cpu, x), name, 0);
			metadata(c->w, "thread_sort_index", CPU_PID(cpu), CTX_TID(cpu, x), NULL, x);
		}
	}
	for (size_t d = 0; d < c->tl.n_devs; d++) {
		metadata(c->w, "process_name", DEV_PID(d), -1,
			 timeline_dev_name(&c->tl.devs[d], name, sizeof(name)), 0);
		metadata(c->w, "process_sort_index", DEV_PID(d), -1, NULL, (int64_t)(c->tl.n_cpus + d));
	}
}

static void write_event(struct cj *c, const struct ns_event *ev, uint64_t idx)
{
	const struct arg_sink sink = {
		.ctx = c, .str = a_str, .uint = a_uint, .sint = a_sint, .ptr = a_ptr,
		.boolean = a_bool, .strs = a_strs,
	};
	struct json_writer *w = c->w;
	enum tl_role role = timeline_role(&c->tl, ev, idx);
	enum tl_flow flow = timeline_flow(&c->tl, ev, idx);
	const char *group = ns_event_group(ev->type);
	char name[64];

	json_obj_begin(w);
	json_kv_str(w, "ph", role == TL_SLICE_BEGIN ? "B" : role == TL_SLICE_END ? "E" : "X");
	json_kv_u64(w, "pid", CPU_PID(ev->cpu));
	json_kv_u64(w, "tid", CTX_TID(ev->cpu, timeline_ctx(ev)));
	json_key(w, "ts");
	json_u64_thousandths(w, ev->ts_ns);
	if (role == TL_SLICE_END) {
		json_obj_end(w);
		return;
	}
	if (role == TL_SLICE_BEGIN)
		timeline_slice_name(c->fmt.names, ev, name, sizeof(name));
	else if (ev->type < NS_EV__COUNT)
		snprintf(name, sizeof(name), "%s", ns_event_name(ev->type));
	else
		snprintf(name, sizeof(name), "event#%u", ev->type);
	json_kv_str(w, "name", name);
	json_kv_str(w, "cat", group[0] ? group : "netscope");
	if (role != TL_SLICE_BEGIN)
		json_kv_u64(w, "dur", 0);
	if (flow != TL_FLOW_NONE) {
		json_kv_u64(w, "bind_id", ev->packet_id);
		if (flow != TL_FLOW_BEGIN)
			json_kv_bool(w, "flow_in", true);
		if (flow != TL_FLOW_END)
			json_kv_bool(w, "flow_out", true);
	}
	json_key(w, "args");
	json_obj_begin(w);
	event_args(&c->fmt, c->tr, ev, &sink);
	if (role == TL_UNMATCHED)
		json_kv_str(w, "unmatched",
			    timeline_is_entry(ev)
				    ? "no exit in the trace (lost, or after the capture ended)"
				    : "no entry in the trace (before the capture began, or lost)");
	json_obj_end(w);
	json_obj_end(w);
}

static void write_counters(struct cj *c)
{
	struct json_writer *w = c->w;
	char name[96];

	for (size_t i = 0; i < c->tl.n_samples; i++) {
		const struct tl_sample *s = &c->tl.samples[i];
		const struct tl_device *dv = &c->tl.devs[s->dev];

		snprintf(name, sizeof(name), "%s %s", dv->ifindex ? dv->ifname : "no device",
			 tl_metric_name(s->metric));
		json_obj_begin(w);
		json_kv_str(w, "ph", "C");
		json_kv_u64(w, "pid", DEV_PID(s->dev));
		json_kv_str(w, "name", name);
		json_key(w, "ts");
		json_u64_thousandths(w, s->ts);
		json_key(w, "args");
		json_obj_begin(w);
		json_kv_u64(w, "value", s->count);
		json_obj_end(w);
		json_obj_end(w);
	}
}

int export_chrome_json(struct export_src *src, const char *out, const struct export_opts *o)
{
	struct cj c = { 0 };
	struct ns_event ev;
	FILE *f = NULL;
	int ret = 1;

	if (timeline_build(src, &c.tl))
		goto done;
	if (c.tl.events > LARGE_EVENTS)
		ns_warn("%" PRIu64 " events make a large JSON file, slow to open: --to perfetto is"
			" smaller and loads faster", c.tl.events);
	f = export_fopen(out);
	if (!f)
		goto done;
	c.w = json_new(f);
	if (!c.w) {
		ns_err("cannot export '%s': %s", src->path, strerror(ENOMEM));
		fclose(f);
		goto done;
	}
	c.tr = src->tr;
	c.fmt = (struct event_fmt){ .names = tfr_names(src->tr), .ksyms = tfr_ksyms(src->tr),
				    .t0_ns = c.tl.t0 };
	json_obj_begin(c.w);
	json_kv_str(c.w, "displayTimeUnit", "ns");
	json_key(c.w, "otherData");
	json_obj_begin(c.w);
	json_kv_str(c.w, "clock", "CLOCK_MONOTONIC");
	json_obj_end(c.w);
	json_key(c.w, "traceEvents");
	json_arr_begin(c.w);
	write_tracks(&c);
	while (export_next(src, &ev))
		write_event(&c, &ev, src->events - 1);
	write_counters(&c);
	json_arr_end(c.w);
	json_obj_end(c.w);
	fputc('\n', f);
	if (export_fclose(f, out))
		goto done;
	fprintf(stderr, "netscope: chrome-json: %" PRIu64 " softirq and %" PRIu64 " irq slices, %" PRIu64
		" system vector slices, %" PRIu64 " unmatched entries or exits as events, %" PRIu64
		" packet flows, %zu devices\n", c.tl.softirq_slices, c.tl.irq_slices,
		c.tl.vector_slices, c.tl.unmatched, c.tl.flows, c.tl.n_devs);
	ret = 0;
done:
	json_free(c.w);
	timeline_free(&c.tl);
	return ret;
}
