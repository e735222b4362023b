/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside `netscope lab interrupts`: the counters of /proc/net/softnet_stat,
 * the explanation of the experiment's irq_enter_rcu / irq_exit_rcu pair,
 * and the device mode (--ifname DEV, lab_interrupts_dev.c).
 */
#ifndef NS_CMD_LAB_INTERRUPTS_H
#define NS_CMD_LAB_INTERRUPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result_softirq.h"
#include "capture/features.h"
#include "cmd/args.h"

struct json_writer;
struct capture_lab;

#define SOFTNET_CPUS 1024

/* /proc/net/softnet_stat: per CPU, the first three columns (net/core/net-procfs.c) */
struct softnet {
	bool ok;
	unsigned int n;
	struct {
		uint32_t cpu;
		uint32_t processed;	/* packets taken from the backlog / polled */
		uint32_t dropped;	/* backlog full (netdev_max_backlog) */
		uint32_t time_squeeze;	/* net_rx_action stopped with work left: budget or time */
	} row[SOFTNET_CPUS];
};

/* false (and sn->ok false) when the file cannot be read */
bool softnet_read(struct softnet *sn);
/* per CPU: after - before of each counter */
void softnet_print_delta(FILE *out, const struct softnet *before, const struct softnet *after);
void softnet_json(struct json_writer *w, const struct softnet *before, const struct softnet *after);

/* Where irq_enter_rcu / irq_exit_rcu are in this kernel, how to watch them, and the events
 * bracketing them; ft: what this kernel allows (NULL: not probed) */
void lab_irq_pair_text(FILE *out, const struct softirq_result *s, const struct features *ft);

/* capture_lab.own_mode of the interrupts lab: --ifname DEV. */
int lab_interrupts_dev_main(const struct capture_lab *lab, int argc, char **argv,
			    const struct cmd_common *co);

#endif
