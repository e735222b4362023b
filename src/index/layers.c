// SPDX-License-Identifier: GPL-2.0
/*
 * Paths to layers: kernel knowledge as a table, first match wins, so the
 * specific files come before their directory.  Patterns are fnmatch(3)
 * globs over the path relative to the tree ('*' also crosses '/').
 * Headers are listed where their name says what they hold.
 */
#include <fnmatch.h>
#include <stddef.h>
#include "index/layers.h"

static const struct {
	const char *glob;
	const char *layer;
} layers[] = {
	/* net/core: one file per concern */
	{ "net/core/dev.c", "device" },
	{ "net/core/dev_*.c", "device" },
	{ "net/core/link_watch.c", "device" },
	{ "net/core/gro*.c", "GRO" },
	{ "net/core/skbuff.c", "skb" },
	{ "net/core/skb_*.c", "skb" },
	{ "net/core/datagram.c", "skb" },
	{ "net/core/sock.c", "socket" },
	{ "net/core/sock_*.c", "socket" },
	{ "net/core/stream.c", "socket" },
	{ "net/core/request_sock.c", "socket" },
	{ "net/core/filter.c", "BPF" },
	{ "net/core/bpf_*.c", "BPF" },
	{ "net/core/flow_dissector.c", "flow dissector" },
	{ "net/core/neighbour.c", "neighbour" },
	{ "net/core/rtnetlink.c", "netlink" },
	{ "net/core/net_namespace.c", "netns" },
	{ "net/core/netpoll.c", "netpoll" },
	{ "net/core/drop_monitor.c", "drop monitor" },
	{ "net/core/page_pool*.c", "page pool" },
	{ "net/core/*", "core" },
	/* IPv4: TCP and UDP before the generic ip_* and the directory */
	{ "net/ipv4/tcp*.c", "TCP" },
	{ "net/ipv4/udp*.c", "UDP" },
	{ "net/ipv4/ip_*.c", "IPv4" },
	{ "net/ipv4/ipmr*.c", "IPv4 multicast routing" },
	{ "net/ipv4/route.c", "IPv4 routing" },
	{ "net/ipv4/fib*.c", "IPv4 routing" },
	{ "net/ipv4/icmp.c", "ICMP" },
	{ "net/ipv4/igmp.c", "IGMP" },
	{ "net/ipv4/arp.c", "ARP" },
	{ "net/ipv4/raw*.c", "raw sockets" },
	{ "net/ipv4/ping.c", "ping sockets" },
	/* af_inet.c, inet_connection_sock.c, inet_hashtables.c: shared by TCP, UDP, raw */
	{ "net/ipv4/af_inet.c", "INET sockets" },
	{ "net/ipv4/inet_*.c", "INET sockets" },
	{ "net/ipv4/syncookies.c", "TCP" },
	{ "net/ipv4/netfilter/*", "netfilter" },
	{ "net/ipv4/*", "IPv4" },
	/* IPv6 mirrors IPv4 */
	{ "net/ipv6/tcp*.c", "TCP (IPv6)" },
	{ "net/ipv6/syncookies.c", "TCP (IPv6)" },
	{ "net/ipv6/udp*.c", "UDP (IPv6)" },
	{ "net/ipv6/ip6_fib.c", "IPv6 routing" },
	{ "net/ipv6/route.c", "IPv6 routing" },
	{ "net/ipv6/ip6_*.c", "IPv6" },
	{ "net/ipv6/icmp.c", "ICMPv6" },
	{ "net/ipv6/ndisc.c", "neighbour discovery" },
	{ "net/ipv6/addrconf*.c", "IPv6 addresses" },
	{ "net/ipv6/raw.c", "raw sockets (IPv6)" },
	{ "net/ipv6/af_inet6.c", "INET sockets (IPv6)" },
	{ "net/ipv6/inet6_*.c", "INET sockets (IPv6)" },
	{ "net/ipv6/netfilter/*", "netfilter" },
	{ "net/ipv6/*", "IPv6" },
	/* the rest of net/, by directory */
	{ "net/netfilter/*", "netfilter" },
	{ "net/sched/*", "traffic control" },
	{ "net/packet/*", "packet sockets" },
	{ "net/unix/*", "unix sockets" },
	{ "net/xfrm/*", "IPsec" },
	{ "net/bridge/*", "bridge" },
	{ "net/8021q/*", "VLAN" },
	{ "net/mptcp/*", "MPTCP" },
	{ "net/sctp/*", "SCTP" },
	{ "net/netlink/*", "netlink" },
	{ "net/ethernet/*", "ethernet" },
	{ "net/socket.c", "socket calls" },
	{ "net/*", "net" },
	/* headers: the header's name is its subject */
	{ "include/net/tcp*.h", "TCP" },
	{ "include/linux/tcp.h", "TCP" },
	{ "include/net/udp*.h", "UDP" },
	{ "include/linux/udp.h", "UDP" },
	{ "include/net/ip.h", "IPv4" },
	{ "include/net/route.h", "IPv4 routing" },
	{ "include/net/ipv6*.h", "IPv6" },
	{ "include/net/ip6_*.h", "IPv6" },
	{ "include/net/inet*.h", "INET sockets" },
	{ "include/net/sock.h", "socket" },
	{ "include/net/request_sock.h", "socket" },
	{ "include/linux/skbuff*.h", "skb" },
	{ "include/linux/netdevice.h", "device" },
	{ "include/net/gro.h", "GRO" },
	{ "include/net/neighbour.h", "neighbour" },
	{ "include/linux/filter.h", "BPF" },
	{ "include/net/sch_generic.h", "traffic control" },
	{ "include/linux/netfilter*", "netfilter" },
	{ "include/net/netfilter/*", "netfilter" },
	{ "drivers/net/*", "drivers" },
};

const char *ix_layer(const char *path)
{
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		if (!fnmatch(layers[i].glob, path, 0))
			return layers[i].layer;
	return NULL;
}
