/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupts view's result (render/softirq_out.c): softirq runs per
 * vector and CPU (raise → entry latency, entry → exit duration, where each
 * run executed), the NET_RX runs that carried packets with the packet
 * events linked to them, packets per napi_poll against its budget, the
 * share of packet events in task, softirq and hardirq context, and the
 * hardirqs of the machine (irq_handler_* per handler name, irq_vectors per
 * tracepoint).  The analysis is analysis/softirq.h.
 */
#ifndef NS_ANALYSIS_RESULT_SOFTIRQ_H
#define NS_ANALYSIS_RESULT_SOFTIRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analysis/result_latency.h"

/* Where a softirq run executed (analysis/softirq.h has the rule). */
enum sirq_where {
	SIRQ_WHERE_TASK = 0,	/* in a task, at local_bh_enable() (or netif_rx(), do_softirq()) */
	SIRQ_WHERE_IRQ_EXIT,	/* at the exit of a hardirq (irq_exit_rcu()) */
	SIRQ_WHERE_KSOFTIRQD,	/* in ksoftirqd/N (run_ksoftirqd()) */
	SIRQ_WHERE__COUNT,
};

/* "task", "irq_exit", "ksoftirqd" */
const char *sirq_where_name(enum sirq_where w);

/* Runs of one vector on one CPU. */
struct sirq_row {
	char vec[16];		/* "NET_RX"; "vec#N" when the trace does not name it */
	uint32_t vec_nr;
	uint32_t cpu;
	uint64_t runs;		/* entry .. exit pairs */
	uint64_t runs_with_packets; /* runs a packet event ran inside */
	uint64_t where[SIRQ_WHERE__COUNT];
	struct latency_stats raise_to_entry; /* runs whose raise was seen */
	struct latency_stats duration;	     /* entry → exit */
};

/* Who raised the runs that carried packets: "task iperf", "hardirq virtio0-input.0"... */
struct sirq_from {
	char label[48];
	uint64_t count;
};

/* A packet a run received: its first receive events in the run. */
#define SIRQ_RUN_PKTS 4
struct sirq_pkt {
	uint64_t packet_id;
	char ifname[16];
	char what[80];		/* "UDP 198.18.0.1:5353 > 198.18.0.2:5353", "ARP" */
};

/* One run that carried packets, in time order (at most SOFTIRQ_RUNS_MAX). */
struct sirq_run {
	uint32_t cpu, vec_nr;
	uint8_t where;		/* enum sirq_where */
	bool where_by_stack;	/* told by the entry's stack, not by the event rule */
	bool raised;		/* its raise was seen: raise_ns is valid */
	uint64_t raise_ns;	/* raise → entry */
	uint64_t entry_ts;	/* CLOCK_MONOTONIC ns */
	uint64_t duration_ns;	/* entry → exit */
	char comm[16];		/* the task the run executed in (ksoftirqd/N, the interrupted task) */
	char from[48];		/* who raised it (struct sirq_from's label) */
	uint64_t packet_events;	/* packet events inside */
	uint64_t rx_events;	/* receive events inside (netif_receive_skb, napi_gro_receive_entry, list) */
	uint64_t polls;		/* napi_poll events inside */
	uint64_t poll_work;	/* their packets (work) */
	struct sirq_pkt pkts[SIRQ_RUN_PKTS]; /* the first packets received in it */
	uint8_t n_pkts;
};

/* Hardirqs of one handler name (irq_handler_*) or one system vector (irq_vectors). */
struct sirq_irq {
	char name[32];		/* "virtio0-input.0", or "local_timer" */
	int32_t irq;		/* irq number, or the vector number for irq_vectors */
	uint64_t count;		/* entries */
	struct latency_stats duration; /* entry → exit on the same CPU */
	uint64_t raised_net_rx;	/* NET_RX raises inside it */
};

/*
 * How a received packet got to its receive events (analysis/softirq_rx.c):
 *   DEVICE   a device's NAPI polled it, and a hardirq of that device's
 *            handler ran on the CPU before the poll: a NIC's path,
 *            hardirq -> NET_RX -> napi_poll(dev) -> GRO -> netif_receive_skb
 *   BACKLOG  the backlog's NAPI (no device: process_backlog) polled it:
 *            netif_rx/enqueue_to_backlog, as veth, loopback and RPS do
 *   NAPI     a device's NAPI polled it without a hardirq of that device
 *            seen first (veth's GRO NAPI, busy polling, a handler named
 *            otherwise than its device)
 *   NO_POLL  no napi_poll came after it in its run (recorded without napi)
 */
enum sirq_rx_path {
	SIRQ_RX_DEVICE = 0,
	SIRQ_RX_BACKLOG,
	SIRQ_RX_NAPI,
	SIRQ_RX_NO_POLL,
	SIRQ_RX__COUNT,
};

/* "device", "backlog", "napi", "no_poll" */
const char *sirq_rx_path_name(enum sirq_rx_path p);

/* One packet received inside a NET_RX run, with what led to it. */
struct sirq_rx_pkt {
	uint64_t packet_id;
	uint64_t ts;		/* its first receive event */
	uint32_t cpu;
	uint8_t path;		/* enum sirq_rx_path */
	uint8_t where;		/* enum sirq_where of its run */
	char ifname[17];	/* the device it arrived on (NS_IFNAME_LEN and a NUL) */
	char what[80];		/* "UDP 198.18.0.1:40000 > 198.18.0.2:5353" */
	char steps[96];		/* its receive events in order: "napi_gro_receive_entry netif_receive_skb" */
	char run_from[48];	/* who raised its run ("hardirq eth1"), "(raise not seen)" */
	int32_t run_irq;	/* the irq number that raise ran in; -1: not a device hardirq */
	char poll_dev[17];	/* the device of the napi_poll that took it; "" backlog */
	uint32_t poll_work;	/* that poll's packets */
	/* the hardirq of poll_dev before the poll on this CPU (DEVICE only) */
	int32_t irq;		/* -1: none */
	char irq_name[32];
	bool irq_raised_run;	/* that hardirq raised its NET_RX run (run_irq == irq) */
};

struct softirq_result {
	uint64_t softirq_events;	/* raise/entry/exit events: 0 means recorded without them */
	uint64_t irq_events, vector_events;
	/* per vector (number order) then CPU */
	struct sirq_row *rows;
	size_t n_rows;
	/* NET_RX runs that carried packets: where they ran and who raised them */
	uint64_t net_rx_runs, net_rx_runs_with_packets, net_rx_runs_raised;
	uint64_t net_rx_where[SIRQ_WHERE__COUNT];
	/* runs of any vector whose entry had a stack: where they ran is read from
	 * it, and how often the event rule would have said otherwise */
	uint64_t where_by_stack, where_rule_disagreed;
	struct latency_stats net_rx_raise_to_entry, net_rx_duration; /* of those with packets */
	uint64_t net_rx_ns;		/* time in NET_RX runs with packets */
	struct sirq_from *from;		/* by count */
	size_t n_from;
	struct sirq_run *runs;		/* first runs with packets, time order */
	size_t n_runs;
	uint64_t runs_not_kept;		/* runs with packets beyond SOFTIRQ_RUNS_MAX */
	/* packet events (events with a packet id) by the context they ran in */
	uint64_t packet_events, packet_task, packet_softirq, packet_hardirq, packet_other;
	uint64_t packet_linked;		/* in softirq context inside a run of a masked vector */
	uint64_t rx_events, rx_softirq, rx_linked; /* receive events: all, in softirq ctx, linked */
	/* napi_poll inside runs: packets per poll against its budget */
	uint64_t polls, polls_at_budget, polls_over_budget, poll_work;
	uint32_t budget;		/* the most common budget (dev_rx_weight, napi weight) */
	struct latency_stats work;	/* packets per poll (count, min, p50.. as plain numbers) */
	uint64_t rx_in_polls;		/* receive events linked to a poll (before it, in its run) */
	uint64_t polls_rx_over_work;	/* polls with more receive events than work: none expected */
	/* hardirqs */
	struct sirq_irq *irqs;		/* irq_handler_*, by count */
	size_t n_irqs;
	struct sirq_irq *vectors;	/* irq_vectors, by count */
	size_t n_vectors;
	/* received packets, one by one (softirq_rx.c): the first SOFTIRQ_RX_PKTS_MAX */
	struct sirq_rx_pkt *rx_pkts;
	size_t n_rx_pkts;
	uint64_t rx_pkts_not_kept;
	uint64_t rx_paths[SIRQ_RX__COUNT];	/* packets per path, all of them */
	/* pairing left-overs */
	uint64_t exits_unmatched;	/* an exit with no entry of its vector open on its CPU */
	uint64_t open_at_end;		/* an entry still open when the trace ended */
	uint64_t raises_pending_at_end;	/* raised, never entered within the trace */
	uint64_t irq_exits_unmatched;
	uint64_t rows_overflow;		/* runs and hardirqs of rows beyond the caps: not in the tables */
	bool have_raise, have_vectors;	/* the trace holds such events */
	double rel_error;		/* percentile bound (analysis/hist.h) */
};

void softirq_result_free(struct softirq_result *r);

#endif
