/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshots of the kernel's SNMP/MIB counters of one network namespace, as
 * /proc/net/snmp, /proc/net/netstat and /proc/net/snmp6 print them
 * (net/ipv4/proc.c, net/ipv6/proc.c), and their one-string form for a trace
 * file's metadata ("counters.<label>.before" / ".after").  Pure data: no
 * namespace is entered here (workload/netstat.h reads the files), so the
 * analysis can parse what a trace carries without touching the machine.
 * The metadata format is in docs/TRACE_FORMAT.md ("Counter snapshots").
 */
#ifndef NS_TRACE_SNMP_H
#define NS_TRACE_SNMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNMP_GROUP_LEN 24	/* "TcpExt", "UdpLite6", "MPTcpExt" */
#define SNMP_NAME_LEN 64	/* "TCPReqQFullDoCookies" */

/* Tag that opens every serialized snapshot: format version 1. */
#define SNMP_SNAP_TAG "snmp/1"
/* Metadata keys: SNMP_META_PREFIX "<label>" ".before" / ".after" */
#define SNMP_META_PREFIX "counters."

/*
 * One counter.  Values are what the kernel printed: most are unsigned
 * longs, a few are signed (Tcp MaxConn is -1), so they are kept as the
 * 64-bit pattern; after - before is then right modulo 2^64 for both.
 */
struct snmp_counter {
	char group[SNMP_GROUP_LEN];
	char name[SNMP_NAME_LEN];
	int64_t value;
};

/* Counters in the order the kernel printed them. */
struct snmp_snap {
	struct snmp_counter *c;
	size_t n, cap;
};

/* Append one counter; 0, -ENAMETOOLONG (names over the limits) or -ENOMEM. */
int snmp_snap_add(struct snmp_snap *s, const char *group, const char *name, int64_t value);
/* The counter (group, name), NULL if the snapshot has none. */
const struct snmp_counter *snmp_snap_find(const struct snmp_snap *s, const char *group,
					  const char *name);
void snmp_snap_free(struct snmp_snap *s);

/*
 * Parse the text of /proc/net/snmp or /proc/net/netstat: pairs of lines
 * "Group: Name1 Name2 ..." / "Group: 1 2 ...".  Appends to s.  Returns 0 or
 * -EINVAL when a pair does not match (other group, other number of fields,
 * a value that is not a number); s then holds the pairs before it.
 */
int snmp_parse_pairs(struct snmp_snap *s, const char *text);
/*
 * Parse /proc/net/snmp6: one "Ip6InReceives   12" per line.  The group is
 * the name's prefix up to its first '6' ("Ip6", "Icmp6", "Udp6",
 * "UdpLite6"), so "Ip6.InReceives" reads like the IPv4 counters.
 */
int snmp_parse_snmp6(struct snmp_snap *s, const char *text);

/*
 * The snapshot as one metadata string, malloc'd (NULL: out of memory):
 *   snmp/1 Ip:Forwarding=2,DefaultTTL=64,InReceives=4015,InHdrErrors Tcp:...
 * Every counter is named; "=value" only when the value is not 0, so a
 * counter that stayed 0 is still known to exist.
 */
char *snmp_snap_format(const struct snmp_snap *s);
/* Parse what snmp_snap_format() wrote into an empty s; 0 or -EINVAL. */
int snmp_snap_parse(struct snmp_snap *s, const char *str);

#endif
