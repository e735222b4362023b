/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Header decoding by typed loads instead of a copy: the same fields as
 * ns_decode_headers() (decode.h), read straight out of the packet through
 * bpf_rdonly_cast(), which the verifier turns into a register move and the
 * JIT's loads into exception-table loads (a fault reads 0).  A
 * bpf_probe_read_kernel() of the headers cost ~35 ns per packet event
 * averaged over a SYN flood (ablation build, bench/handler_cost.sh): a
 * helper call, the address check and the copy, where the decoder then
 * looks at a dozen bytes.  bpf_rdonly_cast() is a kfunc of 6.2; a program
 * calling it does not load on older kernels, even where the call is dead
 * code, so only the handlers' "hdr" variants (capture.bpf.c: TRIPLET)
 * use it and user space picks them where the kernel has it.
 */
#ifndef NS_DECODE_CAST_BPF_H
#define NS_DECODE_CAST_BPF_H

#include "decode.h"

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

#define NS_CAST(type, p) ((const type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

/* ns_decode_l4() on the packet: p is the transport header */
static __always_inline void ns_decode_l4_cast(struct ns_event *e, const unsigned char *p)
{
	if (e->l4_proto == 6 /* TCP */) {
		const struct tcphdr *th = NS_CAST(struct tcphdr, p);

		e->sport = bpf_ntohs(th->source);
		e->dport = bpf_ntohs(th->dest);
		e->seq = bpf_ntohl(th->seq);
		e->ack_seq = bpf_ntohl(th->ack_seq);
		/* byte 13: the flag bits (bitfields in struct tcphdr) */
		e->tcp_flags = ((const __u8 *)th)[13];
		e->hdr |= NS_HDR_L4 | NS_HDR_TCP;
	} else if (e->l4_proto == 17 /* UDP */) {
		const struct udphdr *uh = NS_CAST(struct udphdr, p);

		e->sport = bpf_ntohs(uh->source);
		e->dport = bpf_ntohs(uh->dest);
		e->hdr |= NS_HDR_L4;
	} else if (e->l4_proto == 1 /* ICMP */ || e->l4_proto == 58 /* ICMPv6 */) {
		const struct icmphdr *ih = NS_CAST(struct icmphdr, p);

		/* ICMP has no ports: type and code travel in sport/dport */
		e->sport = ih->type;
		e->dport = ih->code;
		e->hdr |= NS_HDR_L4;
	}
}

/* ns_decode_headers() on the packet: l3 is the network header */
static __always_inline void ns_decode_headers_cast(struct ns_event *e, const unsigned char *l3)
{
	const struct iphdr *ip = NS_CAST(struct iphdr, l3);
	/* version and header length: bitfields, read as the byte they share */
	__u8 first = *(const __u8 *)ip;

	if (e->l3_proto == NS_ETH_P_IP && (first >> 4) == 4 && (first & 0xf) >= 5) {
		__u32 a;

		e->family = 2; /* AF_INET */
		a = ip->saddr;
		__builtin_memcpy(e->saddr, &a, 4);
		a = ip->daddr;
		__builtin_memcpy(e->daddr, &a, 4);
		e->l4_proto = ip->protocol;
		e->hdr |= NS_HDR_L3;
		/* only the first fragment carries the L4 header */
		if (!(bpf_ntohs(ip->frag_off) & 0x1fff))
			ns_decode_l4_cast(e, l3 + (first & 0xf) * 4);
	} else if (e->l3_proto == NS_ETH_P_IPV6 && (first >> 4) == 6) {
		const struct ipv6hdr *ip6 = NS_CAST(struct ipv6hdr, l3);
		__u32 a;

		e->family = 10; /* AF_INET6 */
		/* word stores: through memcpy the unrolled copy lost the
		 * fields' alignment and stored byte by byte (150 instructions) */
#pragma unroll
		for (int i = 0; i < 4; i++) {
			a = ip6->saddr.in6_u.u6_addr32[i];
			((__u32 *)e->saddr)[i] = a;
			a = ip6->daddr.in6_u.u6_addr32[i];
			((__u32 *)e->daddr)[i] = a;
		}
		e->l4_proto = ip6->nexthdr;
		e->hdr |= NS_HDR_L3;
		/* extension headers are not walked (docs/KNOWN_LIMITS.md) */
		ns_decode_l4_cast(e, l3 + 40);
	} else {
		e->hdr |= NS_HDR_UNSET;
	}
}

#endif /* NS_DECODE_CAST_BPF_H */
