/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the timeline exporters (Perfetto, Chrome JSON) draw, found in a
 * first pass over the trace so that both draw the same thing:
 *
 * - tracks: one per CPU and context the events ran in ("cpu 0 softirq");
 * - slices: softirq_entry..softirq_exit, irq_handler_entry..
 *   irq_handler_exit and irq_vector_entry..irq_vector_exit (x86 system
 *   vectors: local timer, IPIs) pairs of one CPU, matched by vector / irq
 *   / vector number.  None nests on a CPU (softirqs run with softirqs
 *   disabled, kernel/softirq.c; handlers and system vectors with
 *   interrupts disabled since 2.6.35), so one open run per CPU and kind
 *   (vectors apart from handlers, as analysis/softirq.c pairs them): an entry while one is open means that
 *   one's exit was lost, an exit without an open entry of its id began
 *   before the capture.  Unmatched ends are drawn as instants, never as
 *   slices of a guessed length (the same rule as the report's softirq
 *   runs, analysis/links.c, so the slice count equals its "runs");
 * - flows: the events of each packet id, first to last (its END event:
 *   kfree_skb/consume_skb), when the trace holds two or more of them.
 *   First and last by timestamp, not by place in the file: CPUs race to
 *   the ring buffer, so an event can be read after a later one of the same
 *   packet from another CPU, and viewers order a flow by time;
 * - counters: per device and second from the trace's first event, packets
 *   received (netif_receive_skb), sent (net_dev_xmit) and dropped
 *   (kfree_skb; "no device" when the skb had none).
 */
#ifndef NS_EXPORT_TIMELINE_H
#define NS_EXPORT_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include "analysis/table.h"
#include "export/export.h"

/* the tracks of a CPU, in display order */
enum tl_ctx {
	TL_TASK = 0,
	TL_SOFTIRQ,
	TL_HARDIRQ,
	TL_NMI,
	TL_UNKNOWN,	/* the BPF side could not tell (enum ns_ctx 0 or newer) */
	TL__CTX_COUNT,
};

enum tl_metric {
	TL_RX = 0,	/* netif_receive_skb */
	TL_TX,		/* net_dev_xmit */
	TL_DROPS,	/* kfree_skb */
	TL__METRIC_COUNT,
};

/* how an event is drawn */
enum tl_role {
	TL_INSTANT = 0,
	TL_SLICE_BEGIN,	/* a matched entry */
	TL_SLICE_END,	/* its exit */
	TL_UNMATCHED,	/* an entry or exit without its other end: an instant */
};

/* an event's part in its packet's flow */
enum tl_flow {
	TL_FLOW_NONE = 0,
	TL_FLOW_BEGIN,	/* earliest event of a packet with two or more */
	TL_FLOW_STEP,
	TL_FLOW_END,	/* latest one: the flow terminates here */
};

/* a packet id's events: how many, and which are its earliest and latest */
struct tl_packet {
	uint64_t first_ts, last_ts;
	uint64_t first_idx, last_idx;	/* ties: the earlier in the file first, the later last */
	uint32_t n;
};

#define TL_BUCKET_NS 1000000000ull

struct tl_device {
	uint32_t netns;
	int32_t ifindex;	/* 0: no device (drops of skbs without one) */
	char ifname[NS_IFNAME_LEN + 1];
	uint64_t total[TL__METRIC_COUNT];
};

/*
 * One counter value to draw: a device's events of one metric in the second
 * starting at ts.  Only seconds with events have one, plus a 0 at the
 * second after each (within the trace) to end its step: a trace whose
 * timestamps jump (hours of idle, or a damaged file) costs no memory for
 * the seconds between.
 */
struct tl_sample {
	uint64_t ts;
	uint32_t dev;		/* index in devs */
	uint32_t count;
	enum tl_metric metric;
};

/* the kinds of runs drawn as slices: softirq track, hardirq track (two) */
enum tl_run_kind {
	TL_RUN_SOFTIRQ = 0,
	TL_RUN_IRQ,		/* irq_handler_entry/exit */
	TL_RUN_VECTOR,		/* irq_vector_entry/exit */
	TL__RUN_COUNT,
};

struct tl_cpu {
	uint8_t ctx_mask;	/* 1 << enum tl_ctx of the tracks with events */
	struct tl_run {
		bool open;
		uint32_t id;	/* softirq vector / irq number / system vector number */
		uint64_t idx;	/* event index of the entry */
	} run[TL__RUN_COUNT];
};

struct timeline {
	uint64_t events;
	uint64_t t0, t_end;	/* first event's timestamp, latest timestamp */
	uint8_t *matched;	/* bit per event index: part of a matched pair */
	size_t matched_cap;	/* bytes */
	struct tl_cpu *cpus;
	size_t n_cpus;
	struct u64map packet_idx;	/* packet id -> index in packets */
	struct tl_packet *packets;
	size_t n_packets, cap_packets;
	struct tl_device *devs;
	size_t n_devs;
	struct u64map dev_idx;	/* netns << 32 | ifindex -> index in devs */
	struct u64map buckets;	/* (device, metric, second) -> events (pass 1) */
	struct tl_sample *samples;	/* by device, metric, time: after pass 1 */
	size_t n_samples;
	/* what was found, for the summary line */
	uint64_t softirq_slices, irq_slices, vector_slices, unmatched, flows;
};

/*
 * Pass 1: read src to its end (export_next) into tl, then rewind src for
 * the pass that writes.  0, or 1 after a message.
 */
int timeline_build(struct export_src *src, struct timeline *tl);
void timeline_free(struct timeline *tl);

/* track an event is drawn on: softirq/irq entries and exits on their own */
enum tl_ctx timeline_ctx(const struct ns_event *ev);
const char *tl_ctx_name(enum tl_ctx c);		/* "task", "softirq", ... */
const char *tl_metric_name(enum tl_metric m);	/* "rx packets/s", ... */
/* a softirq, irq handler or system vector entry (matched or not) */
bool timeline_is_entry(const struct ns_event *ev);
/* role of the event at index idx (0-based, in read order) */
enum tl_role timeline_role(const struct timeline *tl, const struct ns_event *ev, uint64_t idx);
/* the event's part in its packet's flow (idx as for timeline_role) */
enum tl_flow timeline_flow(const struct timeline *tl, const struct ns_event *ev, uint64_t idx);
/* "NET_RX" or "softirq#3" for a softirq, "irq 24 virtio0-input.0" for an irq,
 * "local_timer" (or "vector#236") for a system vector */
const char *timeline_slice_name(const struct ns_names *names, const struct ns_event *ev,
				char *buf, size_t len);
/* "veth0 (netns 4026532178)", or "no device" */
const char *timeline_dev_name(const struct tl_device *d, char *buf, size_t len);

#endif
