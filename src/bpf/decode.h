/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4/IPv6 and TCP/UDP/ICMP header decoding, shared by the BPF programs
 * (on a copy of the headers taken with one bpf_probe_read_kernel) and by
 * the unit tests (on crafted packets), so the tests check the code the
 * kernel runs.  No helpers, no libc: bytes are assembled big-endian by hand.
 * Offsets are masked to constants the verifier can bound.
 */
#ifndef NS_DECODE_H
#define NS_DECODE_H

#include "netscope.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* IPv4 with the longest options (60) plus a TCP header (20) */
#define NS_HDR_BUF 80
#define NS_ETH_P_IP 0x0800
#define NS_ETH_P_IPV6 0x86DD

static __always_inline __u16 ns_be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static __always_inline __u32 ns_be32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static __always_inline void ns_decode_l4(struct ns_event *e, const __u8 *buf, __u32 off, __u32 avail)
{
	const __u8 *p;

	off &= 0x3f; /* at most 60: an IPv4 header with options, or IPv6's 40 */
	p = buf + off;
	if (e->l4_proto == 6 /* TCP */) {
		if (avail < off + 20)
			return;
		e->sport = ns_be16(p);
		e->dport = ns_be16(p + 2);
		e->seq = ns_be32(p + 4);
		e->ack_seq = ns_be32(p + 8);
		e->tcp_flags = p[13];
		e->hdr |= NS_HDR_L4 | NS_HDR_TCP;
	} else if (e->l4_proto == 17 /* UDP */) {
		if (avail < off + 8)
			return;
		e->sport = ns_be16(p);
		e->dport = ns_be16(p + 2);
		e->hdr |= NS_HDR_L4;
	} else if (e->l4_proto == 1 /* ICMP */ || e->l4_proto == 58 /* ICMPv6 */) {
		if (avail < off + 2)
			return;
		/* ICMP has no ports: type and code travel in sport/dport */
		e->sport = p[0];
		e->dport = p[1];
		e->hdr |= NS_HDR_L4;
	}
}

/*
 * Decode the L3 header at buf[0] (avail bytes valid) of an skb whose
 * protocol is l3_proto.  A version nibble that disagrees with l3_proto
 * marks the event NS_HDR_UNSET rather than decoding garbage.
 */
static __always_inline void ns_decode_headers(struct ns_event *e, const __u8 *buf, __u32 avail,
					      __u16 l3_proto)
{
	__u8 first = buf[0];

	if (l3_proto == NS_ETH_P_IP && (first >> 4) == 4 && (first & 0xf) >= 5 && avail >= 20) {
		e->family = 2; /* AF_INET */
		for (int i = 0; i < 4; i++) {
			e->saddr[i] = buf[12 + i];
			e->daddr[i] = buf[16 + i];
		}
		e->l4_proto = buf[9];
		e->hdr |= NS_HDR_L3;
		/* only the first fragment carries the L4 header */
		if (!(ns_be16(buf + 6) & 0x1fff))
			ns_decode_l4(e, buf, (first & 0xf) * 4, avail);
	} else if (l3_proto == NS_ETH_P_IPV6 && (first >> 4) == 6 && avail >= 40) {
		e->family = 10; /* AF_INET6 */
		for (int i = 0; i < 16; i++) {
			e->saddr[i] = buf[8 + i];
			e->daddr[i] = buf[24 + i];
		}
		e->l4_proto = buf[6];
		e->hdr |= NS_HDR_L3;
		/* extension headers are not walked (docs/KNOWN_LIMITS.md) */
		ns_decode_l4(e, buf, 40, avail);
	} else {
		e->hdr |= NS_HDR_UNSET;
	}
}

#endif
