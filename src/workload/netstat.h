/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a network namespace's SNMP counters (/proc/net/snmp, netstat,
 * snmp6) from outside it: the "counters" view of a lab compares a snapshot
 * taken before a scenario with one taken after.
 */
#ifndef NS_WORKLOAD_NETSTAT_H
#define NS_WORKLOAD_NETSTAT_H

#include <stdint.h>
#include "trace/snmp.h"

/*
 * Snapshot of the counters of the namespace /run/netns/NAME into an empty
 * out.  When netns_inode is not 0 the name must still be that namespace
 * (as lab_enter() checks), else -ESTALE.  /proc/net/snmp6 is optional (no
 * IPv6 in the kernel); the other two are not.  Returns 0 or negative errno;
 * on error out is empty and a message has been printed.
 */
int netstat_read_netns(const char *name, uint32_t netns_inode, struct snmp_snap *out);

/* The same for the caller's own namespace. */
int netstat_read_self(struct snmp_snap *out);

#endif
