// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export TRACE --to perfetto FILE: a Perfetto trace (protobuf
 * TrackEvent, https://perfetto.dev/docs/reference/synthetic-track-event)
 * for ui.perfetto.dev and trace_processor.
 *
 * The file is a perfetto.protos.Trace: packets (field 1), all on one
 * packet sequence (trusted_packet_sequence_id 1), in this order:
 *
 *   1. a ClockSnapshot: the events' clock, CLOCK_MONOTONIC
 *      (bpf_ktime_get_ns(), builtin clock 3), made the trace's primary
 *      clock, with CLOCK_REALTIME beside it when the trace's metadata
 *      has clock.monotonic_to_realtime_ns, so the UI can show wall time.
 *      The same packet starts the sequence: first_packet_on_sequence,
 *      incremental state cleared, defaults (timestamp_clock_id =
 *      MONOTONIC);
 *   2. the track descriptors: a group track per CPU ("cpu 0") with one
 *      child per context its events ran in ("cpu 0 task", "cpu 0 softirq",
 *      "cpu 0 hardirq"), and a group per device with counter tracks;
 *   3. one TrackEvent packet per event, in the trace's order: softirq and
 *      irq handler runs as slices (BEGIN/END), every other event as an
 *      instant with its fields as debug annotations, packet events linked
 *      by flows (flow id = packet id, terminated at the packet's last
 *      event).  Names, categories and annotation keys are interned
 *      (interned_data in the packet that first uses them, the packets
 *      marked SEQ_NEEDS_INCREMENTAL_STATE), as Perfetto's own SDK does;
 *   4. the counters: per device, one value per second.
 *
 * What is drawn, and why so, is export/timeline.h's; the wire encoding
 * export/protobuf.h's.  The output depends only on the trace file, so the
 * same trace always gives the same bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "common/strmap.h"
#include "export/event_args.h"
#include "export/export.h"
#include "export/output.h"
#include "export/perfetto_proto.h"
#include "export/protobuf.h"
#include "export/timeline.h"

#define SEQUENCE_ID 1

/*
 * Track uuids: unique in the file and stable from run to run.  CPU tracks
 * 1 << 32 | cpu << 4 | context (group: context 15), device tracks
 * 2 << 32 | device << 4 | metric (group: 15), devices numbered in the
 * order the trace first names them.
 */
#define GROUP 0xf
#define CPU_TRACK(cpu, c) (1ull << 32 | (uint64_t)(cpu) << 4 | (c))
#define DEV_TRACK(d, m) (2ull << 32 | (uint64_t)(d) << 4 | (m))

/* what an interned string names: the InternedData field it goes in */
enum intern_kind { IK_CATEGORY, IK_NAME, IK_ANNOTATION, IK__COUNT };

static const uint32_t intern_field[IK__COUNT] = {
	[IK_CATEGORY] = INTERNED_DATA_event_categories,
	[IK_NAME] = INTERNED_DATA_event_names,
	[IK_ANNOTATION] = INTERNED_DATA_debug_annotation_names,
};

/* at most one name, one category and every annotation key are new in one packet */
#define MAX_PENDING 48

struct pf {
	FILE *out;
	struct pb_buf pkt;
	struct ns_strmap interned[IK__COUNT];
	uint32_t n_interned[IK__COUNT];
	struct {
		enum intern_kind kind;
		uint32_t iid;
		const char *s;	/* the map's copy */
	} pending[MAX_PENDING];
	size_t n_pending;
	struct timeline tl;
	struct event_fmt fmt;
	struct tracefile_reader *tr;
	size_t tracks, counter_tracks;
	int err;		/* negative errno: out of memory, or the write below */
	bool write_failed;
};

/* iid of s (from 1), interning it in the packet being built when new */
static uint64_t intern(struct pf *p, enum intern_kind k, const char *s)
{
	uint32_t iid;
	const char *copy;

	if (ns_strmap_get(&p->interned[k], s, &iid))
		return iid;
	iid = ++p->n_interned[k];
	copy = ns_strmap_put(&p->interned[k], s, iid);
	if (!copy || p->n_pending == MAX_PENDING) {
		p->err = -ENOMEM;
		return 0;
	}
	p->pending[p->n_pending].kind = k;
	p->pending[p->n_pending].iid = iid;
	p->pending[p->n_pending++].s = copy;
	return iid;
}

/* a packet; with a timestamp when timed (descriptors and the clock snapshot have none) */
static void packet_begin(struct pf *p, bool timed, uint64_t ts)
{
	pb_reset(&p->pkt);
	if (timed)
		pb_uint(&p->pkt, TRACE_PACKET_timestamp, ts);
	pb_uint(&p->pkt, TRACE_PACKET_trusted_packet_sequence_id, SEQUENCE_ID);
}

/* the packet's interned data and sequence flags, then the packet into the file */
static void packet_end(struct pf *p, uint32_t seq_flags)
{
	uint8_t head[11];
	size_t n = 0;
	uint64_t len;

	if (p->n_pending) {
		pb_mark m = pb_msg_begin(&p->pkt, TRACE_PACKET_interned_data);

		/* grouped by field, in iid order within each: the same bytes every run */
		for (int k = 0; k < IK__COUNT; k++)
			for (size_t i = 0; i < p->n_pending; i++) {
				if (p->pending[i].kind != (enum intern_kind)k)
					continue;
				pb_mark e = pb_msg_begin(&p->pkt, intern_field[k]);

				pb_uint(&p->pkt, INTERNED_iid, p->pending[i].iid);
				pb_string(&p->pkt, INTERNED_name, p->pending[i].s);
				pb_msg_end(&p->pkt, e);
			}
		pb_msg_end(&p->pkt, m);
		p->n_pending = 0;
	}
	if (seq_flags)
		pb_uint(&p->pkt, TRACE_PACKET_sequence_flags, seq_flags);
	if (p->pkt.err) {
		p->err = p->pkt.err;
		return;
	}
	/* Trace.packet: key, length, the TracePacket */
	head[n++] = TRACE_packet << 3 | PB_WT_LEN;
	for (len = p->pkt.len; len >= 0x80; len >>= 7)
		head[n++] = (uint8_t)(len | 0x80);
	head[n++] = (uint8_t)len;
	if (fwrite(head, 1, n, p->out) != n ||
	    fwrite(p->pkt.data, 1, p->pkt.len, p->out) != p->pkt.len) {
		p->err = -(errno ? errno : EIO);
		p->write_failed = true;
	}
}

static void write_clock_snapshot(struct pf *p, const struct ns_meta *meta)
{
	const char *off = meta ? ns_meta_get(meta, "clock.monotonic_to_realtime_ns") : NULL;
	char *end;
	pb_mark cs, c, d;

	packet_begin(p, false, 0);
	cs = pb_msg_begin(&p->pkt, TRACE_PACKET_clock_snapshot);
	c = pb_msg_begin(&p->pkt, CLOCK_SNAPSHOT_clocks);
	pb_uint(&p->pkt, CLOCK_clock_id, BUILTIN_CLOCK_MONOTONIC);
	pb_uint(&p->pkt, CLOCK_timestamp, p->tl.t0);
	pb_msg_end(&p->pkt, c);
	if (off) {
		unsigned long long o;

		errno = 0;
		o = strtoull(off, &end, 10);
		if (!errno && end != off && !*end) {
			c = pb_msg_begin(&p->pkt, CLOCK_SNAPSHOT_clocks);
			pb_uint(&p->pkt, CLOCK_clock_id, BUILTIN_CLOCK_REALTIME);
			pb_uint(&p->pkt, CLOCK_timestamp, p->tl.t0 + o);
			pb_msg_end(&p->pkt, c);
		}
	}
	pb_uint(&p->pkt, CLOCK_SNAPSHOT_primary_trace_clock, BUILTIN_CLOCK_MONOTONIC);
	pb_msg_end(&p->pkt, cs);
	/*
	 * The sequence starts here: its incremental state cleared, the
	 * defaults every later packet relies on (the clock of its timestamp)
	 * set.  trace_processor reads flags and defaults before the snapshot.
	 */
	d = pb_msg_begin(&p->pkt, TRACE_PACKET_trace_packet_defaults);
	pb_uint(&p->pkt, TRACE_PACKET_DEFAULTS_timestamp_clock_id, BUILTIN_CLOCK_MONOTONIC);
	pb_msg_end(&p->pkt, d);
	pb_bool(&p->pkt, TRACE_PACKET_first_packet_on_sequence, true);
	packet_end(p, SEQ_INCREMENTAL_STATE_CLEARED);
}

/* one TrackDescriptor packet */
static void write_track(struct pf *p, uint64_t uuid, uint64_t parent, const char *name,
			const char *description, int rank, bool group, const char *unit)
{
	pb_mark td;

	packet_begin(p, false, 0);
	td = pb_msg_begin(&p->pkt, TRACE_PACKET_track_descriptor);
	pb_uint(&p->pkt, TRACK_DESCRIPTOR_uuid, uuid);
	pb_string(&p->pkt, TRACK_DESCRIPTOR_name, name);
	if (parent)
		pb_uint(&p->pkt, TRACK_DESCRIPTOR_parent_uuid, parent);
	if (unit) {
		pb_mark c = pb_msg_begin(&p->pkt, TRACK_DESCRIPTOR_counter);

		pb_string(&p->pkt, COUNTER_DESCRIPTOR_unit_name, unit);
		pb_msg_end(&p->pkt, c);
	}
	if (group)
		pb_uint(&p->pkt, TRACK_DESCRIPTOR_child_ordering, CHILD_ORDERING_EXPLICIT);
	if (parent)
		pb_int(&p->pkt, TRACK_DESCRIPTOR_sibling_order_rank, rank);
	if (description)
		pb_string(&p->pkt, TRACK_DESCRIPTOR_description, description);
	pb_msg_end(&p->pkt, td);
	packet_end(p, 0);
	p->tracks++;
	if (unit)
		p->counter_tracks++;
}

static const char *const ctx_description[TL__CTX_COUNT] = {
	[TL_TASK] = "events in task context: system calls, the socket layer, the sending path",
	[TL_SOFTIRQ] = "softirq runs (slices: NET_RX, NET_TX, ...) and the events inside them",
	[TL_HARDIRQ] = "interrupt handler runs (slices) and the events inside them",
	[TL_NMI] = "events in NMI context",
	[TL_UNKNOWN] = "events whose context the capture could not tell",
};

static const char *const metric_description[TL__METRIC_COUNT] = {
	[TL_RX] = "netif_receive_skb events on the device in each second from the trace's start",
	[TL_TX] = "net_dev_xmit events on the device in each second from the trace's start",
	[TL_DROPS] = "kfree_skb events (drops) on the device in each second from the trace's start",
};

static const char *const metric_unit[TL__METRIC_COUNT] = {
	[TL_RX] = "packets/s", [TL_TX] = "packets/s", [TL_DROPS] = "drops/s",
};

static void write_tracks(struct pf *p)
{
	char name[128], dev[64];

	for (size_t cpu = 0; cpu < p->tl.n_cpus; cpu++) {
		uint8_t mask = p->tl.cpus[cpu].ctx_mask;

		if (!mask)
			continue;
		snprintf(name, sizeof(name), "cpu %zu", cpu);
		write_track(p, CPU_TRACK(cpu, GROUP), 0, name, NULL, 0, true, NULL);
		for (int c = 0; c < TL__CTX_COUNT; c++) {
			if (!(mask & 1u << c))
				continue;
			snprintf(name, sizeof(name), "cpu %zu %s", cpu, tl_ctx_name(c));
			write_track(p, CPU_TRACK(cpu, c), CPU_TRACK(cpu, GROUP), name,
				    ctx_description[c], c, false, NULL);
		}
	}
	for (size_t d = 0; d < p->tl.n_devs; d++) {
		const struct tl_device *dv = &p->tl.devs[d];

		timeline_dev_name(dv, dev, sizeof(dev));
		write_track(p, DEV_TRACK(d, GROUP), 0, dev, NULL, 0, true, NULL);
		for (int m = 0; m < TL__METRIC_COUNT; m++) {
			if (!dv->total[m])
				continue;
			snprintf(name, sizeof(name), "%s %s", dv->ifindex ? dv->ifname : "no device",
				 tl_metric_name(m));
			write_track(p, DEV_TRACK(d, m), DEV_TRACK(d, GROUP), name,
				    metric_description[m], m, false, metric_unit[m]);
		}
	}
}

/* ---- debug annotations: the event's fields (export/event_args.h) ---- */

static pb_mark annot_begin(struct pf *p, const char *key)
{
	pb_mark m = pb_msg_begin(&p->pkt, TRACK_EVENT_debug_annotations);

	pb_uint(&p->pkt, DEBUG_ANNOTATION_name_iid, intern(p, IK_ANNOTATION, key));
	return m;
}

static void a_str(void *ctx, const char *key, const char *v)
{
	struct pf *p = ctx;
	pb_mark m = annot_begin(p, key);

	pb_string(&p->pkt, DEBUG_ANNOTATION_string_value, v);
	pb_msg_end(&p->pkt, m);
}

static void a_uint(void *ctx, const char *key, uint64_t v)
{
	struct pf *p = ctx;
	pb_mark m = annot_begin(p, key);

	pb_uint(&p->pkt, DEBUG_ANNOTATION_uint_value, v);
	pb_msg_end(&p->pkt, m);
}

static void a_sint(void *ctx, const char *key, int64_t v)
{
	struct pf *p = ctx;
	pb_mark m = annot_begin(p, key);

	pb_int(&p->pkt, DEBUG_ANNOTATION_int_value, v);
	pb_msg_end(&p->pkt, m);
}

static void a_ptr(void *ctx, const char *key, uint64_t v)
{
	struct pf *p = ctx;
	pb_mark m = annot_begin(p, key);

	pb_uint(&p->pkt, DEBUG_ANNOTATION_pointer_value, v);
	pb_msg_end(&p->pkt, m);
}

static void a_bool(void *ctx, const char *key, bool v)
{
	struct pf *p = ctx;
	pb_mark m = annot_begin(p, key);

	pb_bool(&p->pkt, DEBUG_ANNOTATION_bool_value, v);
	pb_msg_end(&p->pkt, m);
}

static void a_strs(void *ctx, const char *key, const char *const *v, size_t n)
{
	struct pf *p = ctx;
	pb_mark m = annot_begin(p, key);

	/* array entries carry no name (debug_annotation.proto) */
	for (size_t i = 0; i < n; i++) {
		pb_mark e = pb_msg_begin(&p->pkt, DEBUG_ANNOTATION_array_values);

		pb_string(&p->pkt, DEBUG_ANNOTATION_string_value, v[i]);
		pb_msg_end(&p->pkt, e);
	}
	pb_msg_end(&p->pkt, m);
}

/* ---- the events ---- */

static const char *event_name(const struct ns_event *ev, char *buf, size_t len)
{
	if (ev->type < NS_EV__COUNT)
		return ns_event_name(ev->type);
	/* a type from a newer netscope than this one */
	snprintf(buf, len, "event#%u", ev->type);
	return buf;
}

static void write_event(struct pf *p, const struct ns_event *ev, uint64_t idx)
{
	const struct arg_sink sink = {
		.ctx = p, .str = a_str, .uint = a_uint, .sint = a_sint, .ptr = a_ptr,
		.boolean = a_bool, .strs = a_strs,
	};
	enum tl_role role = timeline_role(&p->tl, ev, idx);
	enum tl_flow flow = timeline_flow(&p->tl, ev, idx);
	const char *group = ns_event_group(ev->type);
	char buf[64];
	pb_mark te;

	packet_begin(p, true, ev->ts_ns);
	te = pb_msg_begin(&p->pkt, TRACE_PACKET_track_event);
	if (role != TL_SLICE_END)
		pb_uint(&p->pkt, TRACK_EVENT_category_iids,
			intern(p, IK_CATEGORY, group[0] ? group : "netscope"));
	pb_uint(&p->pkt, TRACK_EVENT_type, role == TL_SLICE_BEGIN ? TYPE_SLICE_BEGIN :
			 role == TL_SLICE_END ? TYPE_SLICE_END : TYPE_INSTANT);
	if (role == TL_SLICE_BEGIN)
		pb_uint(&p->pkt, TRACK_EVENT_name_iid,
			intern(p, IK_NAME, timeline_slice_name(p->fmt.names, ev, buf, sizeof(buf))));
	else if (role != TL_SLICE_END)
		pb_uint(&p->pkt, TRACK_EVENT_name_iid, intern(p, IK_NAME, event_name(ev, buf, sizeof(buf))));
	pb_uint(&p->pkt, TRACK_EVENT_track_uuid, CPU_TRACK(ev->cpu, timeline_ctx(ev)));
	/* an END's fields would be merged into its BEGIN's: the slice says it all */
	if (role != TL_SLICE_END)
		event_args(&p->fmt, p->tr, ev, &sink);
	if (role == TL_UNMATCHED)
		a_str(p, "unmatched", timeline_is_entry(ev)
				      ? "no exit in the trace (lost, or after the capture ended)"
				      : "no entry in the trace (before the capture began, or lost)");
	if (flow == TL_FLOW_BEGIN || flow == TL_FLOW_STEP)
		pb_fixed64(&p->pkt, TRACK_EVENT_flow_ids, ev->packet_id);
	else if (flow == TL_FLOW_END)
		pb_fixed64(&p->pkt, TRACK_EVENT_terminating_flow_ids, ev->packet_id);
	pb_msg_end(&p->pkt, te);
	packet_end(p, SEQ_NEEDS_INCREMENTAL_STATE);
}

static void write_counters(struct pf *p)
{
	for (size_t i = 0; i < p->tl.n_samples && !p->err; i++) {
		const struct tl_sample *c = &p->tl.samples[i];
		pb_mark te;

		packet_begin(p, true, c->ts);
		te = pb_msg_begin(&p->pkt, TRACE_PACKET_track_event);
		pb_uint(&p->pkt, TRACK_EVENT_type, TYPE_COUNTER);
		pb_uint(&p->pkt, TRACK_EVENT_track_uuid, DEV_TRACK(c->dev, c->metric));
		pb_int(&p->pkt, TRACK_EVENT_counter_value, c->count);
		pb_msg_end(&p->pkt, te);
		packet_end(p, SEQ_NEEDS_INCREMENTAL_STATE);
	}
}

int export_perfetto(struct export_src *src, const char *out, const struct export_opts *o)
{
	struct pf p = { 0 };
	struct ns_event ev;
	int ret = 1;

	if (timeline_build(src, &p.tl))
		goto done;
	p.out = export_fopen(out);
	if (!p.out)
		goto done;
	p.tr = src->tr;
	p.fmt = (struct event_fmt){ .names = tfr_names(src->tr), .ksyms = tfr_ksyms(src->tr),
				    .t0_ns = p.tl.t0 };
	write_clock_snapshot(&p, tfr_meta(src->tr));
	write_tracks(&p);
	while (!p.err && export_next(src, &ev))
		write_event(&p, &ev, src->events - 1);
	write_counters(&p);
	if (p.err) {
		if (p.write_failed)
			export_write_error(out, -p.err);
		else
			ns_err("cannot export '%s': %s", src->path, strerror(-p.err));
		fclose(p.out);
		goto done;
	}
	if (export_fclose(p.out, out))
		goto done;
	fprintf(stderr, "netscope: perfetto: %zu tracks (%zu counters), %" PRIu64 " softirq and %" PRIu64
		" irq slices, %" PRIu64 " system vector slices, %" PRIu64 " unmatched entries or exits"
		" as instants, %" PRIu64 " packet flows\n", p.tracks, p.counter_tracks,
		p.tl.softirq_slices, p.tl.irq_slices, p.tl.vector_slices, p.tl.unmatched, p.tl.flows);
	ret = 0;
done:
	for (int k = 0; k < IK__COUNT; k++)
		ns_strmap_free(&p.interned[k]);
	pb_free(&p.pkt);
	timeline_free(&p.tl);
	return ret;
}
