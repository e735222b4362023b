// SPDX-License-Identifier: GPL-2.0
/*
 * drops: packets the stack must drop, one cause after the other, each sent
 * --count times (5 by default), so that every layer drops something the
 * `lab drops` report can explain and hold against the kernel's counters.
 *
 *   cause            sent                                    dropped in  reason (6.18)
 *   unknown-ethertype AF_PACKET frame a -> b, ethertype 0x88b5 b __netif_receive_skb_core
 *                                                                       UNHANDLED_PROTO
 *   tcp-closed-port  connect() a -> b:9, nothing listens     b tcp_v4_rcv       NO_SOCKET
 *   udp-closed-port  datagram a -> b:9, nothing bound        b __udp4_lib_rcv   NO_SOCKET
 *   ttl-expired      datagram a -> 198.19.255.1, TTL 1,      b ip_forward       IP_INHDR
 *                    b forwards (ip_forward=1 for this only)
 *   ip-bad-csum      AF_PACKET frame b -> a, IPv4 header     a ip_rcv_core      IP_CSUM
 *                    checksum wrong
 *   tcp-bad-csum     raw SYN a -> b:9, TCP checksum wrong    b tcp_v4_rcv       TCP_CSUM
 *   socket-rcvbuf    datagrams a -> b:PORT, a socket with    b udp_queue_rcv..  SOCKET_RCVBUFF
 *                    the smallest SO_RCVBUF nobody reads
 *   listen-overflow  N+1 connections a -> b:PORT+1 whose     b tcp_check_req    TCP_LISTEN_OVERFLOW
 *                    listener never accepts (backlog 0)
 *
 * The scenario's process switches between the namespaces (setns) and keeps
 * sockets in both, so it can see what the kernel did (SO_MEMINFO drops).
 * Every packet is addressed inside 198.18.0.0/15; 198.19.255.0/24 is routed
 * by b back to a, which does not forward: nothing leaves the lab.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/internal.h"

#define CLOSED_PORT	9		/* discard: nobody listens in the lab */
#define TTL_NET		"198.19.255.0/24"
#define TTL_DST		0xc613ff01u	/* 198.19.255.1: routed by b back to a */
#define RCVBUF_PAYLOAD	1000
/* the settle time after a packet: the softirq that handles it is a moment away */
#define SETTLE_US	2000

static int set_sysctl(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int err = f ? 0 : -errno;

	if (f && fputs(val, f) < 0)
		err = -errno;
	if (f && fclose(f) && !err)
		err = -errno;
	return err;
}

static void settle(void)
{
	usleep(SETTLE_US);
}

/* ---- 1. TCP to a closed port: tcp_v4_rcv finds no socket, sends a RST ---- */
static int tcp_closed_port(struct scenario_run *r)
{
	struct sockaddr_in to;
	int err = lab_sockaddr(r->lab, 1, CLOSED_PORT, &to);

	for (uint64_t i = 0; !err && i < r->count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		err = scn_set_timeouts(fd, r);
		if (!err && !connect(fd, (struct sockaddr *)&to, sizeof(to)))
			err = -EPROTO;	/* accepted: something listens on the "closed" port */
		else if (!err && errno != ECONNREFUSED)
			err = -errno;
		close(fd);
	}
	if (err)
		ns_err("drops: connect to %s:%u: %s, expected connection refused", r->lab->addr[1],
		       CLOSED_PORT, strerror(-err));
	return err;
}

/* ---- 2. UDP to an unbound port: __udp4_lib_rcv finds no socket, ICMP unreachable ---- */
static int udp_send_n(struct scenario_run *r, uint32_t daddr, uint16_t port, int ttl,
		      size_t len, uint64_t n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = daddr };
	char buf[RCVBUF_PAYLOAD];
	int fd, err = 0;

	if (!lab_addr_is_safe(ntohl(daddr)))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ttl && setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)))
		err = -errno;
	memset(buf, 'd', sizeof(buf));
	for (uint64_t i = 0; !err && i < n; i++) {
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			err = -errno;
		settle();
	}
	close(fd);
	return err;
}

static int udp_closed_port(struct scenario_run *r)
{
	struct sockaddr_in to;
	int err = lab_sockaddr(r->lab, 1, CLOSED_PORT, &to);

	if (!err)
		err = udp_send_n(r, to.sin_addr.s_addr, CLOSED_PORT, 0, 32, r->count);
	if (err)
		ns_err("drops: cannot send to %s:%u: %s", r->lab->addr[1], CLOSED_PORT,
		       strerror(-err));
	return err;
}

/* ---- 3. TTL 1 through a router: ip_forward drops it, ICMP time exceeded ---- */
static int ttl_routes(struct scenario_run *r, bool add)
{
	const char *verb = add ? "replace" : "del";
	int err, err2;

	/* a sends 198.19.255.0/24 to b; b, forwarding, would send it back to a */
	err = lab_ip("route the TTL test net", r->lab->ns[0], "route", verb, TTL_NET, "via",
		     r->lab->addr[1], NULL);
	err2 = lab_ip("route the TTL test net", r->lab->ns[1], "route", verb, TTL_NET, "via",
		      r->lab->addr[0], NULL);
	return err ? err : err2;
}

static int ttl_expired(struct scenario_run *r)
{
	int err, err2;

	err = ttl_routes(r, true);
	/* b routes for this cause only (per namespace since 2.6.24: the host is not touched) */
	if (!err)
		err = scn_enter(r, 1);
	if (!err && (err = set_sysctl("/proc/sys/net/ipv4/ip_forward", "1\n")))
		ns_err("drops: cannot enable ip_forward in namespace '%s': %s", r->lab->ns[1],
		       strerror(-err));
	if (!err)
		err = scn_enter(r, 0);
	if (!err) {
		err = udp_send_n(r, htonl(TTL_DST), CLOSED_PORT, 1, 32, r->count);
		if (err)
			ns_err("drops: cannot send with TTL 1: %s", strerror(-err));
	}
	/* the ICMP time exceeded comes back to a: let it before b stops routing */
	usleep(20000);
	err2 = scn_enter(r, 1);
	if (!err2)
		err2 = set_sysctl("/proc/sys/net/ipv4/ip_forward", "0\n");
	if (!err2)
		err2 = scn_enter(r, 0);
	if (ttl_routes(r, false) && !err2)
		err2 = -EIO;
	return err ? err : err2;
}

/* ---- 4. an IPv4 header with a wrong checksum: ip_rcv_core drops it ---- */
struct udp_packet {
	struct iphdr ip;
	struct udphdr udp;
	char data[16];
} __attribute__((packed));

static void udp_build(struct udp_packet *p, uint32_t saddr, uint32_t daddr, uint16_t port)
{
	memset(p, 0, sizeof(*p));
	memset(p->data, 'c', sizeof(p->data));
	p->ip.version = 4;
	p->ip.ihl = sizeof(p->ip) / 4;
	p->ip.tot_len = htons(sizeof(*p));
	p->ip.ttl = 64;
	p->ip.protocol = IPPROTO_UDP;
	p->ip.saddr = saddr;
	p->ip.daddr = daddr;
	p->udp.source = htons(40000);
	p->udp.dest = htons(port);
	p->udp.len = htons(sizeof(p->udp) + sizeof(p->data));
	/* 0: no UDP checksum (RFC 768), so only the IP header is wrong */
	p->udp.check = 0;
}

static int ifname_hwaddr(const char *ifname, unsigned char mac[ETH_ALEN])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	close(fd);
	return err;
}

/*
 * count frames of ethertype proto from namespace from's end of the veth
 * pair to the other end's MAC, through a packet socket (AF_PACKET builds
 * the Ethernet header, the rest is ours: checksums the stack would fix)
 */
static int send_frames(struct scenario_run *r, int from, uint16_t proto, void *frame,
		       size_t len, void (*next)(void *frame, uint64_t i))
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
				  .sll_halen = ETH_ALEN };
	int fd = -1, err;

	/* the receiver's MAC, read in its namespace */
	err = scn_enter(r, !from);
	if (!err && (err = ifname_hwaddr(r->lab->ifname[!from], to.sll_addr)))
		ns_err("drops: cannot read the address of %s: %s", r->lab->ifname[!from],
		       strerror(-err));
	if (!err)
		err = scn_enter(r, from);
	if (!err) {
		to.sll_ifindex = (int)if_nametoindex(r->lab->ifname[from]);
		fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || !to.sll_ifindex) {
			err = fd < 0 ? -errno : -ENODEV;
			ns_err("drops: cannot open a packet socket on %s: %s", r->lab->ifname[from],
			       strerror(-err));
		}
	}
	for (uint64_t i = 0; !err && i < r->count; i++) {
		next(frame, i);
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			err = -errno;
			ns_err("drops: cannot send a frame on %s: %s", r->lab->ifname[from],
			       strerror(-err));
		}
		settle();
	}
	if (fd >= 0)
		close(fd);
	return scn_enter(r, 0) ? -EIO : err;
}

static void spoil_ip_csum(void *frame, uint64_t i)
{
	struct udp_packet *p = frame;

	p->ip.id = htons((uint16_t)(i + 1));
	p->ip.check = 0;
	/* the right sum, then a wrong one: ip_fast_csum() in ip_rcv_core() will not add up */
	p->ip.check = scn_csum_fold(scn_csum_add(0, &p->ip, sizeof(p->ip))) ^ htons(0x5a5a);
}

/* b -> a, so a's Ip.InHdrErrors is this cause's alone (b's has the TTL's) */
static int ip_bad_csum(struct scenario_run *r)
{
	struct sockaddr_in a, b;
	struct udp_packet p;
	int err;

	err = lab_sockaddr(r->lab, 0, 0, &a);
	if (!err)
		err = lab_sockaddr(r->lab, 1, 0, &b);
	if (err)
		return err;
	udp_build(&p, b.sin_addr.s_addr, a.sin_addr.s_addr, CLOSED_PORT);
	return send_frames(r, 1, ETH_P_IP, &p, sizeof(p), spoil_ip_csum);
}

/* ---- 0. an ethertype no protocol handles: __netif_receive_skb_core drops it ---- */
/* IEEE 802 "local experimental" ethertype: no packet_type in the kernel takes it */
#define ETH_P_LOCAL_EXP 0x88b5

static void label_frame(void *frame, uint64_t i)
{
	snprintf(frame, 32, "netscope drops %" PRIu64, i);
}

static int unknown_ethertype(struct scenario_run *r)
{
	char payload[46] = "";	/* the minimum Ethernet payload */

	return send_frames(r, 0, ETH_P_LOCAL_EXP, payload, sizeof(payload), label_frame);
}

/* ---- 5. a TCP segment with a wrong checksum: tcp_v4_rcv drops it ---- */
struct syn_seg {
	struct iphdr ip;
	struct tcphdr tcp;
} __attribute__((packed));

static int tcp_bad_csum(struct scenario_run *r)
{
	struct sockaddr_in a, b;
	struct syn_seg s;
	int fd, one = 1, err;

	err = lab_sockaddr(r->lab, 0, 0, &a);
	if (!err)
		err = lab_sockaddr(r->lab, 1, 0, &b);
	if (err)
		return err;
	/* IP_HDRINCL: the kernel fills the IP checksum (raw_send_hdrinc), not TCP's */
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		err = -errno;
		ns_err("drops: cannot open a raw socket: %s", strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	for (uint64_t i = 0; !err && i < r->count; i++) {
		memset(&s, 0, sizeof(s));
		s.ip.version = 4;
		s.ip.ihl = 5;
		s.ip.tot_len = htons(sizeof(s));
		s.ip.ttl = 64;
		s.ip.protocol = IPPROTO_TCP;
		s.ip.saddr = a.sin_addr.s_addr;
		s.ip.daddr = b.sin_addr.s_addr;
		s.tcp.source = htons((uint16_t)(41000 + i));
		s.tcp.dest = htons(CLOSED_PORT);
		s.tcp.seq = htonl(1000 + (uint32_t)i);
		s.tcp.doff = 5;
		s.tcp.syn = 1;
		s.tcp.window = htons(64240);
		/* any value but the right one; 0xdead is not the sum of this header */
		s.tcp.check = htons(0xdead);
		if (sendto(fd, &s, sizeof(s), 0, (struct sockaddr *)&b, sizeof(b)) < 0) {
			err = -errno;
			ns_err("drops: cannot send a raw segment: %s", strerror(-err));
		}
		settle();
	}
	close(fd);
	return err;
}

/* ---- 6. a full socket receive buffer: __udp_enqueue_schedule_skb says no room ---- */
static int meminfo(int fd, uint32_t *rmem, uint32_t *drops)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len))
		return -errno;
	*rmem = mi[SK_MEMINFO_RMEM_ALLOC];
	*drops = len > SK_MEMINFO_DROPS * sizeof(uint32_t) ? mi[SK_MEMINFO_DROPS] : 0;
	return 0;
}

/*
 * Exactly count drops: after each datagram, wait until the receiver's
 * memory or drop count moved, so the next one is sent knowing the last's fate.
 */
static int socket_rcvbuf(struct scenario_run *r)
{
	struct sockaddr_in b;
	uint32_t rmem = 0, drops = 0, rmem0, drops0;
	uint64_t sent = 0, limit = r->count + 4096;
	int rfd = -1, sfd = -1, zero = 0, err;
	char buf[RCVBUF_PAYLOAD];

	err = lab_sockaddr(r->lab, 1, r->port, &b);
	if (!err)
		err = scn_enter(r, 1);
	if (!err) {
		rfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		/* 0 is raised to the minimum, SOCK_MIN_RCVBUF (sock_setsockopt) */
		if (rfd < 0 || setsockopt(rfd, SOL_SOCKET, SO_RCVBUF, &zero, sizeof(zero)) ||
		    bind(rfd, (struct sockaddr *)&b, sizeof(b)))
			err = -errno;
		if (err)
			ns_err("drops: cannot bind %s:%u: %s", r->lab->addr[1], r->port, strerror(-err));
	}
	if (!err)
		err = scn_enter(r, 0);
	if (!err) {
		sfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (sfd < 0)
			err = -errno;
	}
	memset(buf, 'r', sizeof(buf));
	while (!err && drops < r->count && sent < limit && !scn_expired(r)) {
		err = meminfo(rfd, &rmem0, &drops0);
		if (err)
			break;
		if (sendto(sfd, buf, sizeof(buf), 0, (struct sockaddr *)&b, sizeof(b)) < 0) {
			err = -errno;
			break;
		}
		sent++;
		for (int w = 0; w < 500; w++) {
			err = meminfo(rfd, &rmem, &drops);
			if (err || rmem != rmem0 || drops != drops0)
				break;
			usleep(200);
		}
	}
	if (err)
		ns_err("drops: cannot fill the receive buffer of %s:%u: %s", r->lab->addr[1],
		       r->port, strerror(-err));
	else
		fprintf(stderr, "drops: socket-rcvbuf: %" PRIu64 " datagrams sent, %" PRIu64
			" queued, %u dropped\n", sent, sent - drops, drops);
	if (!err && drops != r->count)
		ns_warn("drops: socket-rcvbuf: %u drops, wanted %" PRIu64, drops, r->count);
	if (sfd >= 0)
		close(sfd);
	if (rfd >= 0)
		close(rfd);
	return err;
}

/* ---- 7. the accept queue overflows: tcp_v4_syn_recv_sock has no room for a child ---- */
/*
 * A listener with backlog 0 takes one child in its accept queue
 * (sk_acceptq_is_full: sk_ack_backlog > sk_max_ack_backlog).  To overflow it
 * on the third segment of a handshake, not on the SYN (a SYN at a full
 * queue is consumed, not dropped: tcp_conn_request), the handshakes wait
 * half-done: TCP_DEFER_ACCEPT makes tcp_check_req ignore the bare ACK, so
 * the requests stay in SYN_RECV until data comes.  Then the backlog goes
 * to 0 (listen() again), and each client sends one byte: the first child
 * fits, the next count ones are dropped as TCP_LISTEN_OVERFLOW.  The backlog
 * is raised again at once, so the clients' retransmissions (RTO >= 200 ms)
 * find room: every connection is accepted and closed with FINs on both
 * sides.  (Resetting the clients instead answers with RSTs out of window:
 * tcp_check_req sends a challenge ACK, a's RST back counts as a NO_SOCKET
 * drop too, and muddles the closed-port cause.)
 */
static int listen_overflow(struct scenario_run *r)
{
	uint64_t n = r->count + 1;
	int cfd[n > 1024 ? 1 : n];
	int lfd = -1, err = 0, defer = 10;
	size_t opened = 0, accepted = 0;
	struct sockaddr_in b;
	char byte;

	if (n > 1024) {
		ns_err("drops: listen-overflow takes at most 1023 connections");
		return -EINVAL;
	}
	err = lab_sockaddr(r->lab, 1, (uint16_t)(r->port + 1), &b);
	if (!err)
		err = scn_enter(r, 1);
	if (!err) {
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (lfd < 0 || setsockopt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer)) ||
		    bind(lfd, (struct sockaddr *)&b, sizeof(b)) || listen(lfd, 1024))
			err = -errno;
		if (err)
			ns_err("drops: cannot listen on %s:%u: %s", r->lab->addr[1], r->port + 1,
			       strerror(-err));
	}
	if (!err)
		err = scn_enter(r, 0);
	for (; !err && opened < n; opened++) {
		cfd[opened] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (cfd[opened] < 0) {
			err = -errno;
			break;
		}
		err = scn_set_timeouts(cfd[opened], r);
		if (!err && connect(cfd[opened], (struct sockaddr *)&b, sizeof(b)))
			err = -errno;
		if (err)
			ns_err("drops: cannot connect to %s:%u: %s", r->lab->addr[1], r->port + 1,
			       strerror(-err));
	}
	settle();
	/* inet_listen on a listening socket only sets sk_max_ack_backlog */
	if (!err && listen(lfd, 0))
		err = -errno;
	for (size_t i = 0; !err && i < opened; i++) {
		if (send(cfd[i], "x", 1, MSG_NOSIGNAL) < 0)
			err = -errno;
		settle();
	}
	if (!err && listen(lfd, 1024))
		err = -errno;
	if (err)
		ns_err("drops: listen-overflow: %s", strerror(-err));
	/* the retransmitted bytes (and FINs) make the children now: take them all */
	for (size_t i = 0; !err && i < opened; i++)
		shutdown(cfd[i], SHUT_WR);
	while (!err && accepted < opened) {
		int fd = scn_tcp_accept(lfd, r);

		if (fd < 0) {
			ns_warn("drops: listen-overflow: %zu of %zu connections accepted: %s", accepted,
				opened, strerror(-fd));
			break;
		}
		accepted++;
		(void)!recv(fd, &byte, 1, 0);
		shutdown(fd, SHUT_WR);
		(void)!recv(fd, &byte, 1, 0);	/* the client's FIN */
		close(fd);
	}
	for (size_t i = 0; i < opened; i++)
		close(cfd[i]);
	settle();
	if (lfd >= 0)
		close(lfd);
	return err;
}

/* bottom up: device, IP, TCP and UDP, socket (cmd/lab_drops.c explains each) */
static const struct {
	const char *name;
	int (*run)(struct scenario_run *r);
} causes[] = {
	{ "unknown-ethertype", unknown_ethertype },
	{ "ip-bad-csum", ip_bad_csum },
	{ "ttl-expired", ttl_expired },
	{ "tcp-bad-csum", tcp_bad_csum },
	{ "tcp-closed-port", tcp_closed_port },
	{ "udp-closed-port", udp_closed_port },
	{ "socket-rcvbuf", socket_rcvbuf },
	{ "listen-overflow", listen_overflow },
};

int scenario_drops(struct scenario_run *r)
{
	int err = scn_enter(r, 0);

	for (size_t i = 0; !err && i < sizeof(causes) / sizeof(causes[0]); i++) {
		if (scn_expired(r)) {
			ns_err("drops: the duration bound (%.3f s) came before cause '%s'",
			       r->duration_s, causes[i].name);
			return -ETIMEDOUT;
		}
		err = causes[i].run(r);
		/* the next cause starts once this one's packets are handled */
		usleep(10000);
		ns_dbg(1, "drops: %s done (%.3f s)", causes[i].name, scn_elapsed(r));
	}
	if (!err)
		fprintf(stderr, "drops: %zu causes, %" PRIu64 " packets each, in %.3f s\n",
			sizeof(causes) / sizeof(causes[0]), r->count, scn_elapsed(r));
	return err;
}
