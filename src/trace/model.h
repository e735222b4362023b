/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decoded event model every analysis and renderer sees, live or from a
 * trace file: struct ns_event (the wire record), plus the context needed to
 * explain it (names of kernel enums, symbols, stacks, capture counters and
 * metadata).  Analyses never see BPF or file details.
 */
#ifndef NS_MODEL_H
#define NS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/netscope.h"

/* Capture counters, summed over CPUs (BPF side) and counted by the consumer. */
struct ns_capture_stats {
	uint64_t produced[NS_EV__COUNT]; /* passed the filters in BPF */
	uint64_t lost[NS_EV__COUNT];	 /* ring buffer full: never delivered */
	uint64_t captured[NS_EV__COUNT]; /* delivered to user space */
	uint64_t stack_err;		 /* bpf_get_stackid failures */
	uint64_t stack_taken;
	uint64_t ids_evicted;		 /* packet-id table full */
	/* the trace file's writer thread (format 1.1; 0 in older files) */
	uint64_t writer_dropped;	 /* captured, not written: the writer fell behind */
	uint64_t writer_stalls;		 /* times the ring consumer waited for the writer */
	uint64_t writer_stall_ns;	 /* how long it waited in all */
	/* packet bytes, `record --snaplen N` (format 1.2; 0 in older files) */
	uint64_t payload_produced;	 /* records sent by BPF */
	uint64_t payload_lost;		 /* ring buffer full: never delivered */
	uint64_t payload_captured;	 /* delivered, with their packet id */
	uint64_t payload_unmatched;	 /* delivered, but their packet's event was lost */
	uint64_t payload_cut;		 /* captured, shorter than snaplen and the packet:
					  * the rest was outside the linear area */
};

/*
 * The bytes of one packet (`record --snaplen N`), from its network header
 * on: the first cap_len of its orig_len bytes, taken once per packet at
 * the event `type` (net_dev_queue or a receive).  data stays valid until
 * the next call of whatever returned the record.
 */
struct ns_payload_rec {
	uint64_t packet_id;
	uint64_t ts_ns;
	uint32_t orig_len;
	uint32_t cap_len;
	uint16_t type;
	uint8_t flags;		/* enum ns_payload_flags */
	const uint8_t *data;
};

uint64_t ns_stats_sum(const uint64_t v[NS_EV__COUNT]);

/* Metadata of a capture: key/value strings, in the order they were set. */
struct ns_meta_kv {
	char *key;
	char *value;
};

struct ns_meta {
	struct ns_meta_kv *kv;
	size_t n;
};

int ns_meta_set(struct ns_meta *m, const char *key, const char *value);
const char *ns_meta_get(const struct ns_meta *m, const char *key);
void ns_meta_free(struct ns_meta *m);

/* Our own event names ("kfree_skb", ...) and their tracepoint group ("skb"). */
const char *ns_event_name(unsigned int type);
/* the number is an event type of this netscope (the numbering has a gap: 30;
 * a newer build's types are unknown here too) */
bool ns_event_known(unsigned int type);
const char *ns_event_group(unsigned int type);
/* a kernel function's entry or exit (func.bpf.c), not a tracepoint */
bool ns_event_is_func(unsigned int type);
int ns_event_by_name(const char *name); /* -1 if unknown */
const char *ns_ctx_name(unsigned int ctx);
/* "local_timer" of NS_IRQV_LOCAL_TIMER (irq_vectors:local_timer_entry); NULL if unknown */
const char *ns_irq_vector_name(unsigned int which);
/* "SYN|ACK" style; buf at least 40 bytes */
const char *ns_tcp_flags_str(uint8_t flags, char *buf, size_t len);

#endif
