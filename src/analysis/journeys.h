/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet journeys: the events of one packet id in time order, grouped into
 * sequences ("netif_receive_skb -> kfree_skb, dropped NO_SOCKET") with the
 * median time of each step; and the links of events without an skb (state
 * changes, resets, softirq runs) to packets, by socket and by CPU + time.
 * journeys.c follows packets and sequences, links.c the linking heuristics.
 */
#ifndef NS_ANALYSIS_JOURNEYS_H
#define NS_ANALYSIS_JOURNEYS_H

#include "analysis/internal.h"
#include "common/strmap.h"

#define JOURNEY_MAX_STEPS 32		/* steps kept per packet; more: "cut" */
#define JOURNEY_FUNC_STEP 256		/* step codes from here on name kernel functions */
#define JOURNEY_FUNCS_MAX (65536 - JOURNEY_FUNC_STEP)
#define JOURNEY_INLINE_STEPS 6		/* most packets: no allocation */
#define JOURNEY_SEQS_MAX 4096		/* distinct sequences; more: "other" */
/*
 * Packets followed at once; more: the one idle longest is evicted.  Packets
 * freed without a tracepoint (TCP's __kfree_skb(): most of a bulk transfer)
 * never end and only leave this way, so the cap is what a report's memory
 * grows to: 65536 x ~260 bytes, about 17 MiB (it was 2^20, ~260 MiB, and
 * a 4.5 M-event bulk trace needed 157 MiB).  A packet idle while 65536
 * others had events is almost always one freed unseen; as for latency
 * (LATENCY_LIVE_MAX) the eviction is counted and shown.
 */
#define JOURNEY_LIVE_MAX (1u << 16)
#define JOURNEY_PKT_LINKS 4		/* linked events remembered per packet */
#define JOURNEY_SEQ_LINKS 8		/* distinct linked labels per sequence */
/*
 * The sample of single packets (report_ctx.packet_sample): the first ones
 * closed, and the dropped ones after them, at most PER_REASON of each drop
 * reason (so that a rare reason is not crowded out by a flood of another)
 * and DROPPED in all; enough for a page of timelines to choose from,
 * bounded whatever the trace's size.
 */
#define JOURNEY_SAMPLE_FIRST 20
#define JOURNEY_SAMPLE_DROPPED 100
#define JOURNEY_SAMPLE_PER_REASON 10
#define LINK_LABELS_MAX 1024		/* distinct labels ("state A -> B", ...) */
#define LINK_SOCKS_MAX 65536		/* sockets followed for linking */
#define LINK_PENDING 4			/* skb-less events waiting for a packet, per socket */
#define SOFTIRQ_VECS 32
/*
 * How far apart in time a socket event and a packet event on the same socket
 * may be to be linked, and how long a freed packet stays open for events that
 * arrive late from other CPUs.  1 ms: a state change and the segment that
 * causes it are microseconds apart on the same CPU (tcp_rcv_state_process(),
 * tcp_connect()); the ring buffer reorders events across CPUs by less.
 */
#define LINK_WINDOW_NS 1000000ULL
/* exact medians up to this many samples per step, then a uniform sample */
#define SAMPLES_PER_STEP_MAX 4096
#define SAMPLES_BUDGET (4u << 20)	/* all steps together: 32 MiB */

enum pkt_fate {
	FATE_ALIVE = 0,
	FATE_DROPPED,
	FATE_CONSUMED,
};

/* the example 5-tuple of a packet, as captured (formatted at the end) */
struct pkt_tuple {
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport, l3_proto;
	uint8_t family, l4_proto, hdr, tcp_flags;
	char ifname[NS_IFNAME_LEN];
};

struct pkt_steps {
	uint64_t ts[JOURNEY_MAX_STEPS];
	uint16_t type[JOURNEY_MAX_STEPS];
};

struct pkt {
	uint64_t end_ts;
	uint64_t ts[JOURNEY_INLINE_STEPS];
	uint16_t type[JOURNEY_INLINE_STEPS];
	struct pkt_steps *ext;	/* all steps, once more than inline */
	uint8_t n;
	bool cut, partial, ended, have_tuple, have_tcp;
	uint8_t fate, n_links;
	uint32_t reason;
	uint32_t softirq_mask;	/* vectors whose runs contained an event of the packet */
	uint32_t links[JOURNEY_PKT_LINKS];
	uint32_t links_lost;
	/* the TCP segment this id carries: seq, ack_seq, flags (see same_segment()) */
	bool have_seg;
	uint8_t seg_flags;
	uint32_t seg_seq, seg_ack;
	struct pkt_tuple tuple;
};

struct samples {
	uint64_t *v;
	uint32_t cap;
	uint64_t seen;
};

struct seq_link {
	uint32_t label;
	uint64_t count;
};

struct seq {
	uint64_t hash;
	uint32_t next;		/* next sequence with the same hash */
	uint16_t type[JOURNEY_MAX_STEPS];
	uint8_t n, fate;
	bool cut, partial, have_example;
	uint32_t reason;
	uint64_t count;
	struct samples *gaps;	/* n - 1 */
	struct pkt_tuple example;
	struct seq_link links[JOURNEY_SEQ_LINKS];
	uint8_t n_links;
	uint64_t links_other;
};

enum link_kind {
	LINK_EVENT = 1,		/* a = event type */
	LINK_STATE,		/* a = oldstate, b = newstate */
	LINK_SOFTIRQ,		/* a = vector */
};

struct link_label {
	uint8_t kind;
	uint32_t a, b;
};

struct sk_pending {
	uint64_t ts;
	uint32_t label;
	uint16_t type;
};

struct sk_link {
	uint64_t pkt_id, pkt_ts;	/* last packet event on this socket */
	uint8_t n_pending;
	struct sk_pending pending[LINK_PENDING];
};

struct cpu_softirq {
	bool open;
	uint32_t vec;
	uint64_t n_events;
};

struct journeys {
	const struct report_ctx *ctx;
	uint64_t watermark;		/* newest timestamp seen */
	struct lru live;		/* packet id -> struct pkt */
	struct pair_fifo ended;		/* (packet id, end ts) in end order */
	struct seq *seqs;
	size_t n_seqs, cap_seqs;
	struct u64map seq_idx;
	uint64_t samples_left;
	uint64_t rng;

	uint64_t packets, dropped, consumed, alive, partial, evicted, split;
	uint64_t packet_events, events_without_id, overflow_packets;

	/* kernel functions met as steps (func_entry events): step code
	 * JOURNEY_FUNC_STEP + index into func_names */
	char **func_names;
	size_t n_funcs;
	struct ns_strmap func_idx;

	/* links.c */
	struct link_label *labels;
	size_t n_labels, cap_labels;
	struct u64map label_idx;
	struct lru socks;		/* sk -> struct sk_link */
	uint64_t linked[RR_NTYPES], unlinked[RR_NTYPES];
	struct cpu_softirq *cpus;
	size_t n_cpus;
	uint64_t sirq_runs[SOFTIRQ_VECS], sirq_runs_with[SOFTIRQ_VECS];
	uint64_t sirq_events[SOFTIRQ_VECS], sirq_unmatched;
	/* the sample of single packets (journeys_result.c), moved into the result */
	struct rr_packet *sample;
	size_t n_sample, n_sample_dropped;
	struct {
		uint32_t reason, n;
	} sample_reasons[JOURNEY_SAMPLE_DROPPED];	/* dropped ones kept, per reason */
	size_t n_sample_reasons;
	uint64_t closed, dropped_unsampled;
	int err;
};

/* journeys_result.c */
int journeys_build_seq(struct journeys *j, const struct seq *s, struct rr_sequence *o);
/* a closed packet into the sample, when it is one of those kept; 0 or -ENOMEM */
int journeys_sample(struct journeys *j, uint64_t id, const struct pkt *p, const uint16_t *types,
		    const uint64_t *ts);
/* the sample into rj, by first event; 0 or -ENOMEM */
int journeys_sample_finish(struct journeys *j, struct rr_journeys *rj);
void journeys_sample_free(struct rr_packet *sample, size_t n);

/* links.c */
void links_init(struct journeys *j);
/* label id for (kind, a, b); 0 means "no label" (table full) */
uint32_t link_label(struct journeys *j, enum link_kind kind, uint32_t a, uint32_t b);
void links_softirq(struct journeys *j, const struct ns_event *ev);
/* vector of the softirq run containing this packet event, or -1 */
int links_softirq_of(struct journeys *j, const struct ns_event *ev);
void links_packet_on_sk(struct journeys *j, const struct ns_event *ev, struct pkt *p);
void links_sock_event(struct journeys *j, const struct ns_event *ev);
void links_attach(struct pkt *p, uint32_t label);
int links_finish(struct journeys *j, struct rr_journeys *rj);
char *link_label_str(const struct journeys *j, uint32_t label);
void links_free(struct journeys *j);

#endif
