/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the interrupts analysis (softirq.c): each packet received in a
 * NET_RX run, with the path that brought it there (enum sirq_rx_path in
 * result_softirq.h).  softirq.c pairs the runs and calls these; the
 * packets go to softirq_result.rx_pkts.
 *
 * The device's hardirq of a packet: the latest irq handler on the poll's
 * CPU that returned IRQ_HANDLED and is named after the poll's device
 * (the name itself, or the name and a '-' suffix: "eth1", "eth1-rx-0"),
 * before the packet's first receive event.  NAPI runs on the CPU that scheduled it
 * (____napi_schedule(), net/core/dev.c), so that handler is the one that
 * scheduled the poll; a driver that names its irq otherwise gives NAPI.
 * Whether that hardirq also raised the packet's NET_RX run is kept apart:
 * since 6.6 a NAPI scheduled while net_rx_action() runs raises nothing and
 * is polled by the same run (commit 8b43fd3d1d7d, "net: optimize
 * ____napi_schedule() to avoid extra NET_RX_SOFTIRQ").
 */
#ifndef NS_ANALYSIS_SOFTIRQ_RX_H
#define NS_ANALYSIS_SOFTIRQ_RX_H

#include <stdint.h>
#include "analysis/result_softirq.h"
#include "trace/model.h"

#define SOFTIRQ_RX_PKTS_MAX 8192	/* packets listed one by one */

struct sirq_rx;

struct sirq_rx *sirq_rx_new(void);
/* irq_handler_entry/exit */
void sirq_rx_irq(struct sirq_rx *x, const struct ns_event *ev);
/* a receive event inside an open NET_RX run on ev->cpu: where the run ran,
 * who raised it and the irq number that raise ran in (-1: none) */
void sirq_rx_packet(struct sirq_rx *x, const struct ns_event *ev, uint8_t where,
		    const char *run_from, int32_t run_irq);
/* a napi_poll inside a run: it took the packets received since the last one */
void sirq_rx_poll(struct sirq_rx *x, const struct ns_event *ev);
/* a run of NET_RX ended on cpu: packets no poll took are NO_POLL */
void sirq_rx_run_end(struct sirq_rx *x, uint32_t cpu);
/* into out->rx_pkts, rx_paths; 0 or -ENOMEM */
int sirq_rx_finish(struct sirq_rx *x, struct softirq_result *out);
void sirq_rx_free(struct sirq_rx *x);

/* softirq.c: "UDP 198.18.0.1:5353 > 198.18.0.2:5353", "ARP" from the event's headers */
void sirq_packet_what(const struct ns_event *ev, char *buf, size_t len);

#endif
