// SPDX-License-Identifier: GPL-2.0
/*
 * Counters the "counters" view shows even when they did not move: the ones
 * a SYN flood, a refused connection, a full queue or a bad packet moves, so
 * "0 → 0" can be read as "this did not happen".  Kernel knowledge as a
 * table: each entry says where the kernel increments it (functions as of
 * Linux 6.12; the MIB names are in include/uapi/linux/snmp.h, the printed
 * names in net/ipv4/proc.c).  Add entries; order is not significant.
 */
#include <stddef.h>
#include <string.h>
#include "analysis/counters.h"

const struct counters_watch counters_watch[] = {
	/* IPv4 receive path: net/ipv4/ip_input.c, route.c */
	{ "Ip", "InReceives",
	  "ip_rcv_core(): every packet IPv4 receives that is for this host or to forward "
	  "(not PACKET_OTHERHOST), before any check" },
	{ "Ip", "InHdrErrors",
	  "ip_rcv_core(): bad version, header length, checksum or total length; "
	  "ip_rcv_options(): bad options; ip_forward(): TTL expired" },
	{ "Ip", "InAddrErrors",
	  "ip_error(): no route says EHOSTUNREACH for a destination this host neither has "
	  "nor forwards to" },
	{ "Ip", "InDiscards",
	  "ip_rcv_core(): skb_share_check() or pskb_trim_rcsum() out of memory; "
	  "ip_rcv_options(): skb_cow() failed" },
	{ "Ip", "InDelivers", "ip_protocol_deliver_rcu(): handed to TCP, UDP, ICMP or a raw socket" },
	{ "IpExt", "InNoRoutes", "ip_error(): no route, ENETUNREACH" },
	/* TCP: net/ipv4/tcp_ipv4.c, tcp_input.c, tcp_output.c, tcp_minisocks.c, tcp.c */
	{ "Tcp", "InSegs", "tcp_v4_rcv(): every segment for this host, counted even if bad" },
	{ "Tcp", "OutSegs",
	  "__tcp_transmit_skb() (new data and pure ACKs, not retransmissions), "
	  "tcp_v4_send_reset(), tcp_v4_send_ack(), tcp_make_synack()" },
	{ "Tcp", "RetransSegs", "__tcp_retransmit_skb(), tcp_rtx_synack()" },
	{ "Tcp", "InErrs",
	  "tcp_v4_rcv(), tcp_v4_do_rcv(), tcp_add_backlog(): bad checksum or header; "
	  "tcp_validate_incoming(): bad SYN in the window" },
	{ "Tcp", "InCsumErrors",
	  "tcp_v4_rcv(), tcp_v4_do_rcv(), tcp_add_backlog(), tcp_rcv_established(): "
	  "checksum failed (InErrs counts it too)" },
	{ "Tcp", "OutRsts",
	  "tcp_v4_send_reset() (no socket, refused, bad segment), "
	  "tcp_send_active_reset() (close or abort with data)" },
	{ "Tcp", "AttemptFails",
	  "tcp_done() from SYN_SENT or SYN_RECV; tcp_check_req(): RST or SYN on a request "
	  "socket" },
	{ "Tcp", "EstabResets", "tcp_set_state(TCP_CLOSE) from ESTABLISHED or CLOSE_WAIT" },
	{ "TcpExt", "ListenOverflows",
	  "tcp_conn_request(): a SYN while the accept queue is full; "
	  "tcp_v4_syn_recv_sock(): the handshake's ACK while it is full" },
	{ "TcpExt", "ListenDrops",
	  "tcp_listendrop(): any packet a listener drops, overflows included "
	  "(tcp_conn_request(), tcp_v4_syn_recv_sock(), tcp_v4_rcv())" },
	{ "TcpExt", "SyncookiesSent",
	  "cookie_init_sequence(): tcp_conn_request() answered a SYN with a cookie "
	  "(SYN queue full, net.ipv4.tcp_syncookies=1, or always with 2)" },
	{ "TcpExt", "SyncookiesRecv", "cookie_tcp_check(): an ACK carried a valid cookie" },
	{ "TcpExt", "SyncookiesFailed",
	  "cookie_tcp_check(): an ACK to a listener whose cookie did not check" },
	{ "TcpExt", "TCPReqQFullDrop",
	  "tcp_syn_flood_action(): SYN queue full and syncookies off, the SYN is dropped" },
	{ "TcpExt", "TCPReqQFullDoCookies",
	  "tcp_syn_flood_action(): SYN queue full, answered with a syncookie instead" },
	{ "TcpExt", "TCPBacklogDrop",
	  "tcp_add_backlog(): the socket was owned by a task and its backlog was full" },
	{ "TcpExt", "TCPSynRetrans", "__tcp_retransmit_skb() of a SYN, tcp_rtx_synack()" },
	{ "TcpExt", "EmbryonicRsts", "tcp_check_req(): a request socket got a RST or a bad segment" },
	{ "TcpExt", "TCPTimeouts", "tcp_retransmit_timer(), tcp_syn_ack_timeout(): an RTO fired" },
	{ "TcpExt", "TCPRcvQDrop",
	  "tcp_data_queue(): no receive memory for in-order data (tcp_try_rmem_schedule())" },
	/* UDP: net/ipv4/udp.c */
	{ "Udp", "InDatagrams", "udp_recvmsg(): counted when the application reads, not on arrival" },
	{ "Udp", "OutDatagrams", "udp_send_skb(): every datagram sent" },
	{ "Udp", "NoPorts",
	  "__udp4_lib_rcv(): no socket on the port (answered with ICMP port unreachable)" },
	{ "Udp", "InErrors",
	  "__udp_queue_rcv_skb(): receive buffer full; __udp4_lib_rcv(), "
	  "udp_queue_rcv_one_skb(): bad checksum or length" },
	{ "Udp", "RcvbufErrors", "__udp_queue_rcv_skb(): sk_rcvbuf full (InErrors counts it too)" },
	{ "Udp", "InCsumErrors", "__udp4_lib_rcv(), udp_queue_rcv_one_skb(): checksum failed" },
	/* ICMP: net/ipv4/icmp.c, the answer of a closed UDP port */
	{ "Icmp", "OutDestUnreachs", "icmp_out_count() of icmp_send(ICMP_DEST_UNREACH)" },
};

const size_t counters_watch_n = sizeof(counters_watch) / sizeof(counters_watch[0]);

const struct counters_watch *counters_watch_find(const char *group, const char *name)
{
	for (size_t i = 0; i < counters_watch_n; i++)
		if (!strcmp(counters_watch[i].name, name) && !strcmp(counters_watch[i].group, group))
			return &counters_watch[i];
	return NULL;
}
