/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bytes of a pcapng file, apart from the trace they come from: IPv4 and
 * IPv6 headers (with TCP, UDP or ICMP) rebuilt from the fields an event
 * recorded, and the three block types netscope writes (Section Header,
 * Interface Description, Enhanced Packet).  Format: the pcapng draft,
 * draft-ietf-opsawg-pcapng; numbers are written little-endian whatever
 * the host, so one trace gives the same file on every machine.
 */
#ifndef NS_EXPORT_PCAPNG_BUILD_H
#define NS_EXPORT_PCAPNG_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* LINKTYPE_RAW: the packet starts with its IPv4 or IPv6 header */
#define PCAPNG_LINKTYPE_RAW 101
/* IPv6 (40) + TCP without options (20): the most a rebuilt packet has */
#define PCAPNG_REBUILT_MAX 60

/* epb_flags direction bits (pcapng: "inbound" 01, "outbound" 10) */
enum pcapng_dir {
	PCAPNG_DIR_UNKNOWN = 0,
	PCAPNG_DIR_IN = 1,
	PCAPNG_DIR_OUT = 2,
};

/* the header fields of one packet, as an event recorded them */
struct pkt_fields {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t l4_proto;	/* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, other: IP header only */
	bool have_ports;	/* sport/dport (ICMP: type/code) recorded */
	bool have_tcp;		/* seq, ack and flags recorded */
	uint8_t tcp_flags;
	uint8_t saddr[16], daddr[16];	/* network order; IPv4 in the first 4 bytes */
	uint16_t sport, dport;
	uint32_t seq, ack;
};

/*
 * Rebuild the packet's headers into buf (at least PCAPNG_REBUILT_MAX
 * bytes): how many bytes.  ip_len is the packet's length from its IP
 * header on (0: unknown, then the rebuilt length); fields the trace does
 * not record are fixed (docs/export.md: TTL 64, id 0, window 65535, no IP
 * or TCP options).  The IPv4 header checksum is always right; the TCP,
 * UDP and ICMP checksums only when the rebuilt bytes are the whole packet
 * (ip_len equals the rebuilt length; *whole says so), else 0.
 */
size_t pkt_rebuild(const struct pkt_fields *f, uint32_t ip_len, uint8_t *buf, bool *whole);

/* RFC 1071 ones' complement sum of data, folded and complemented */
uint16_t inet_csum(const void *data, size_t len, uint32_t sum);

/* A pcapng block under construction: body bytes, then written at once. */
struct pcapng_buf {
	uint8_t *p;
	size_t n, cap;
	int err;		/* -ENOMEM, sticky */
};

void pcapng_buf_free(struct pcapng_buf *b);

/* Section Header Block: hardware, os, application, comment (any may be NULL) */
int pcapng_write_shb(FILE *out, struct pcapng_buf *b, const char *hardware, const char *os,
		     const char *appl, const char *comment);
/* Interface Description Block with if_name, if_description, if_tsresol = 9 (ns) */
int pcapng_write_idb(FILE *out, struct pcapng_buf *b, uint16_t linktype, const char *name,
		     const char *description);

struct pcapng_epb {
	uint32_t if_id;
	uint64_t ts_ns;			/* in the interface's resolution: nanoseconds */
	const uint8_t *data;
	uint32_t caplen, origlen;
	enum pcapng_dir dir;		/* epb_flags, left out when unknown */
	uint64_t packet_id;		/* epb_packetid */
	const char *comment;		/* opt_comment, NULL: none */
};

/* Enhanced Packet Block; 0 or negative errno (short write, no memory) */
int pcapng_write_epb(FILE *out, struct pcapng_buf *b, const struct pcapng_epb *e);

#endif
