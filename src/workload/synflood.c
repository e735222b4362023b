// SPDX-License-Identifier: GPL-2.0
/*
 * syn-flood: spoofed TCP SYNs, the way `hping3 -S --flood --rand-source`
 * sends them, written from scratch for the lab.
 *
 *   ns a: raw socket ─ SYN 198.19.x.y:rand -> 198.18.0.2:port ─> ns b
 *   ns b: listener, backlog 8 ─ SYN-ACK (or SYN cookie) -> 198.19.x.y
 *         via the route "198.19.0.0/16 via 198.18.0.1" ─> ns a
 *   ns a: "local 198.19.0.0/17 dev lo" makes half of those addresses its
 *         own; no socket has their SYN-ACK, so tcp_v4_send_reset() answers
 *         with RST (what the reference experiment saw).  The other half,
 *         198.19.128.0/17, is nobody's: ns a does not forward, so their
 *         SYN-ACKs are dropped and the half-open connections stay, as with
 *         real random sources: the SYN queue fills and the listener falls
 *         back to SYN cookies and retransmits SYN-ACKs.
 *
 * So every packet of the flood, and every reply, stays on the veth pair:
 * the sources are from 198.19.0.0/16, inside the lab's 198.18.0.0/15, and
 * neither namespace has a route anywhere else.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/internal.h"

/* small enough that a flood overflows the SYN queue into SYN cookies */
#define SYN_BACKLOG	8
#define SYN_MSS		1460
#define SPOOF_BASE	0xc6130000u	/* 198.19.0.0 */

struct syn_packet {
	struct iphdr ip;
	struct tcphdr tcp;
	uint8_t mss_opt[4];	/* kind 2, len 4, MSS: real stacks always send it */
} __attribute__((packed));

/* xorshift64*: fast, and nothing here needs to be unpredictable */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

/* a given seed repeats the same sources, so two runs can be compared */
static void rnd_seed(uint64_t seed)
{
	rnd_state = seed;
	if (!rnd_state && getrandom(&rnd_state, sizeof(rnd_state), GRND_NONBLOCK) != sizeof(rnd_state))
		rnd_state = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull;
	if (!rnd_state)
		rnd_state = 1;
}

/*
 * RFC 1071 one's complement sum over big-endian 16-bit words.  Read byte by
 * byte: reading the packet through a uint16_t pointer breaks strict
 * aliasing, and at -O2 gcc then sums some fields before it stores them.
 */
uint32_t scn_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* the folded complement, in network order, ready to store */
uint16_t scn_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static uint16_t tcp_csum(const struct syn_packet *pkt)
{
	struct {
		uint32_t saddr, daddr;
		uint8_t zero, proto;
		uint16_t len;
	} __attribute__((packed)) pseudo = {
		.saddr = pkt->ip.saddr,
		.daddr = pkt->ip.daddr,
		.proto = IPPROTO_TCP,
		.len = htons(sizeof(pkt->tcp) + sizeof(pkt->mss_opt)),
	};
	uint32_t sum;

	sum = scn_csum_add(0, &pseudo, sizeof(pseudo));
	sum = scn_csum_add(sum, &pkt->tcp, sizeof(pkt->tcp) + sizeof(pkt->mss_opt));
	return scn_csum_fold(sum);
}

static void syn_build(struct syn_packet *pkt, uint32_t daddr, uint16_t dport)
{
	uint64_t v = rnd();
	/* 198.19.x.y, y in 1..254: no .0 or .255 that might read as broadcast */
	uint32_t saddr = SPOOF_BASE | ((uint32_t)(v & 0xff) << 8) | (uint32_t)(1 + (v >> 8) % 254);

	memset(pkt, 0, sizeof(*pkt));
	pkt->ip.version = 4;
	pkt->ip.ihl = sizeof(pkt->ip) / 4;
	pkt->ip.tot_len = htons(sizeof(*pkt));
	pkt->ip.id = htons((uint16_t)(v >> 16));
	pkt->ip.ttl = 64;
	pkt->ip.protocol = IPPROTO_TCP;
	pkt->ip.saddr = htonl(saddr);
	pkt->ip.daddr = daddr;
	pkt->ip.check = scn_csum_fold(scn_csum_add(0, &pkt->ip, sizeof(pkt->ip)));

	pkt->tcp.source = htons((uint16_t)(1024 + (v >> 32) % (65536 - 1024)));
	pkt->tcp.dest = htons(dport);
	pkt->tcp.seq = htonl((uint32_t)rnd());
	pkt->tcp.doff = (sizeof(pkt->tcp) + sizeof(pkt->mss_opt)) / 4;
	pkt->tcp.syn = 1;
	pkt->tcp.window = htons(64240);
	pkt->mss_opt[0] = TCPOPT_MAXSEG;
	pkt->mss_opt[1] = TCPOLEN_MAXSEG;
	pkt->mss_opt[2] = SYN_MSS >> 8;
	pkt->mss_opt[3] = SYN_MSS & 0xff;
	pkt->tcp.check = tcp_csum(pkt);
}

/* ns b: listen and never accept; no handshake from a spoofed source completes */
static int syn_serve(struct scenario_run *r, int report_fd)
{
	int fd, err;
	FILE *f;

	/*
	 * SYN cookies when the SYN queue overflows (1, the default of a new
	 * namespace, said explicitly: the flood is there to show them);
	 * per namespace since 4.12, so the host's setting is not touched
	 */
	f = fopen("/proc/sys/net/ipv4/tcp_syncookies", "w");
	err = f ? 0 : -errno;
	if (f && fputs("1\n", f) < 0)
		err = -errno;
	if (f && fclose(f) && !err)
		err = -errno;
	if (err)
		ns_warn("cannot enable tcp_syncookies in namespace '%s': %s", r->lab->ns[1],
			strerror(-err));
	fd = scn_tcp_listen(r, SYN_BACKLOG);

	if (fd < 0)
		return fd;
	err = scn_report(report_fd, 0);
	/* the scenario's child kills us when the flood is over */
	while (!err && !scn_expired(r))
		usleep(100000);
	close(fd);
	return err;
}

static int syn_routes(struct scenario_run *r, bool add)
{
	const char *verb = add ? "replace" : "del";
	int err;

	/* "replace": a route left by a killed run must not make this one fail */
	err = lab_ip(add ? "route SYN-ACKs to the spoofed sources" : "remove syn-flood route",
		     r->lab->ns[1], "route", verb, LAB_SPOOF_NET, "via", r->lab->addr[0], NULL);
	if (err)
		return err;
	return lab_ip(add ? "make half of the spoofed sources local" : "remove syn-flood route",
		      r->lab->ns[0], "route", verb, "local", LAB_SPOOF_ANSWERING, "dev", "lo", NULL);
}

static int syn_send_all(struct scenario_run *r, uint64_t *sent)
{
	struct sockaddr_in dst;
	struct syn_packet pkt;
	int fd, one = 1, err;

	err = lab_sockaddr(r->lab, 1, 0, &dst);
	if (err)
		return err;
	err = scn_enter(r, 0);
	if (err)
		return err;
	/* IPPROTO_RAW implies IP_HDRINCL (raw(7)); set it anyway, to be explicit */
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		err = -errno;
		ns_err("cannot open raw socket in namespace '%s': %s", r->lab->ns[0],
		       strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	rnd_seed(r->seed);
	while (*sent < r->count && scn_pace(r, *sent)) {
		/* with a closed port, every other SYN finds no socket: tcp_v4_rcv
		 * answers it with tcp_v4_send_reset (reason NO_SOCKET) */
		bool closed = r->closed_port && (*sent & 1);

		syn_build(&pkt, dst.sin_addr.s_addr, closed ? r->closed_port : r->port);
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			/* the device queue is full: give it a moment, then the same slot again */
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
				usleep(100);
				continue;
			}
			err = -errno;
			ns_err("cannot send SYN to %s:%u: %s", r->lab->addr[1], r->port,
			       strerror(-err));
			break;
		}
		(*sent)++;
	}
	close(fd);
	return err;
}

int scenario_syn_flood(struct scenario_run *r)
{
	struct scn_server srv = { .fd = -1 };
	bool routed = false;
	uint64_t sent = 0;
	int err;

	err = syn_routes(r, true);
	if (err)
		goto out;
	routed = true;
	err = scn_server_start(r, &srv, syn_serve);
	if (err)
		goto out;
	err = syn_send_all(r, &sent);
	/* benchmarks read this line */
	fprintf(stderr, "syn-flood: sent %" PRIu64 " packets in %.3f s\n", sent, scn_elapsed(r));
	if (r->closed_port)
		fprintf(stderr, "syn-flood: %" PRIu64 " to port %u (listening), %" PRIu64
			" to port %u (closed)\n", sent - sent / 2, r->port, sent / 2, r->closed_port);
	/*
	 * Let the last SYN-ACKs and RSTs cross before the listener goes; with
	 * --linger, long enough for the SYN-ACK retransmission timer of the
	 * half-open requests (TCP_TIMEOUT_INIT, 1 s, then doubling) to fire,
	 * within the scenario's deadline.
	 */
	if (r->linger_s > 0) {
		double left = r->duration_s - scn_elapsed(r) - 0.1;
		double wait = r->linger_s < left ? r->linger_s : left;

		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
	} else {
		usleep(50000);
	}
	scn_server_stop(&srv);
out:
	/* the routes would vanish with the lab anyway; other scenarios need them gone */
	if (routed && syn_routes(r, false) && !err)
		err = -EIO;
	return err;
}
