// SPDX-License-Identifier: GPL-2.0
/*
 * Rebuilt headers and pcapng blocks (export/pcapng_build.h).
 *
 * Hand-written rather than through libpcap: libpcap 1.10 (Debian
 * bookworm's) writes only classic pcap with pcap_dump(), which has no
 * per-packet options, so neither the journey comment (opt_comment) nor
 * the packet id (epb_packetid) could be stored, nor several interfaces of
 * different namespaces in one file.  The three blocks netscope needs are a
 * few dozen lines.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include "export/pcapng_build.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define SHB_MAGIC 0x1A2B3C4Du

enum {
	OPT_ENDOFOPT = 0,
	OPT_COMMENT = 1,
	SHB_HARDWARE = 2,
	SHB_OS = 3,
	SHB_USERAPPL = 4,
	IF_NAME = 2,
	IF_DESCRIPTION = 3,
	IF_TSRESOL = 9,
	EPB_FLAGS = 2,
	EPB_PACKETID = 5,
};

/* fixed values of the fields no event records (docs/export.md) */
#define REBUILT_TTL 64
#define REBUILT_WINDOW 65535

static void put16be(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32be(uint8_t *p, uint32_t v)
{
	put16be(p, v >> 16);
	put16be(p + 2, v & 0xffff);
}

static uint32_t csum_add(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t inet_csum(const void *data, size_t len, uint32_t sum)
{
	sum = csum_add(data, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* the pseudo-header's sum (RFC 793 / RFC 8200 8.1) for an L4 length */
static uint32_t pseudo_sum(const struct pkt_fields *f, uint32_t l4_len)
{
	size_t alen = f->family == AF_INET6 ? 16 : 4;
	uint32_t sum = csum_add(f->saddr, alen, 0);

	sum = csum_add(f->daddr, alen, sum);
	sum += l4_len >> 16;
	sum += l4_len & 0xffff;
	return sum + f->l4_proto;
}

static size_t l4_rebuild(const struct pkt_fields *f, uint8_t *p)
{
	if (!f->have_ports)
		return 0;
	switch (f->l4_proto) {
	case IPPROTO_TCP:
		memset(p, 0, 20);
		put16be(p, f->sport);
		put16be(p + 2, f->dport);
		if (f->have_tcp) {
			put32be(p + 4, f->seq);
			put32be(p + 8, f->ack);
			p[13] = f->tcp_flags;
		}
		p[12] = 5 << 4;		/* data offset: options are not recorded */
		put16be(p + 14, REBUILT_WINDOW);
		return 20;
	case IPPROTO_UDP:
		memset(p, 0, 8);
		put16be(p, f->sport);
		put16be(p + 2, f->dport);
		return 8;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* the capture stores an ICMP type and code in the port fields */
		memset(p, 0, 8);
		p[0] = (uint8_t)f->sport;
		p[1] = (uint8_t)f->dport;
		return 8;
	default:
		return 0;
	}
}

size_t pkt_rebuild(const struct pkt_fields *f, uint32_t ip_len, uint8_t *buf, bool *whole)
{
	bool v6 = f->family == AF_INET6;
	size_t l3 = v6 ? 40 : 20;
	size_t l4 = l4_rebuild(f, buf + l3);
	size_t n = l3 + l4;
	uint32_t len = ip_len >= n ? ip_len : (uint32_t)n;
	uint32_t l4_len = len - (uint32_t)l3;
	/* the length fields hold 16 bits; a GSO packet past 64 KiB is cut to it */
	uint16_t l4_len16 = l4_len > 0xffff ? 0xffff : (uint16_t)l4_len;
	uint16_t c;

	*whole = len == n;
	if (v6) {
		memset(buf, 0, 40);
		buf[0] = 0x60;
		put16be(buf + 4, l4_len16);
		buf[6] = f->l4_proto;
		buf[7] = REBUILT_TTL;
		memcpy(buf + 8, f->saddr, 16);
		memcpy(buf + 24, f->daddr, 16);
	} else {
		memset(buf, 0, 20);
		buf[0] = 0x45;
		put16be(buf + 2, len > 0xffff ? 0xffff : (uint16_t)len);
		buf[8] = REBUILT_TTL;
		buf[9] = f->l4_proto;
		memcpy(buf + 12, f->saddr, 4);
		memcpy(buf + 16, f->daddr, 4);
		put16be(buf + 10, inet_csum(buf, 20, 0));
	}
	if (f->l4_proto == IPPROTO_UDP && l4)
		put16be(buf + l3 + 4, l4_len16);
	if (!l4 || !*whole)
		return n;
	/* whole: every byte of the segment is here, so its checksum is known */
	switch (f->l4_proto) {
	case IPPROTO_TCP:
		c = inet_csum(buf + l3, l4, pseudo_sum(f, l4_len));
		put16be(buf + l3 + 16, c);
		break;
	case IPPROTO_UDP:
		c = inet_csum(buf + l3, l4, pseudo_sum(f, l4_len));
		put16be(buf + l3 + 6, c ? c : 0xffff);	/* 0 would mean "no checksum" */
		break;
	case IPPROTO_ICMPV6:
		put16be(buf + l3 + 2, inet_csum(buf + l3, l4, pseudo_sum(f, l4_len)));
		break;
	case IPPROTO_ICMP:
		put16be(buf + l3 + 2, inet_csum(buf + l3, l4, 0));	/* no pseudo-header */
		break;
	}
	return n;
}

/* --- blocks --- */

void pcapng_buf_free(struct pcapng_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void buf_put(struct pcapng_buf *b, const void *data, size_t len)
{
	if (b->err)
		return;
	if (b->n + len > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		uint8_t *np;

		while (ncap < b->n + len)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->err = -ENOMEM;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
}

static void buf_u16(struct pcapng_buf *b, uint16_t v)
{
	uint8_t le[2] = { v & 0xff, v >> 8 };

	buf_put(b, le, 2);
}

static void buf_u32(struct pcapng_buf *b, uint32_t v)
{
	buf_u16(b, v & 0xffff);
	buf_u16(b, v >> 16);
}

static void buf_pad4(struct pcapng_buf *b)
{
	static const uint8_t zero[4];

	buf_put(b, zero, (4 - (b->n & 3)) & 3);
}

/* one option; a value longer than an option holds is cut (comments only) */
static void buf_opt(struct pcapng_buf *b, uint16_t code, const void *v, size_t len)
{
	if (len > 0xfffc)
		len = 0xfffc;
	buf_u16(b, code);
	buf_u16(b, (uint16_t)len);
	buf_put(b, v, len);
	buf_pad4(b);
}

static void buf_opt_str(struct pcapng_buf *b, uint16_t code, const char *s)
{
	if (s && s[0])
		buf_opt(b, code, s, strlen(s));
}

static void buf_begin(struct pcapng_buf *b, uint32_t type)
{
	b->n = 0;
	b->err = 0;
	buf_u32(b, type);
	buf_u32(b, 0);		/* total length, set by buf_finish() */
}

/* end of options, trailing length, and out */
static int buf_finish(FILE *out, struct pcapng_buf *b)
{
	uint32_t total;

	buf_u16(b, OPT_ENDOFOPT);
	buf_u16(b, 0);
	total = (uint32_t)b->n + 4;
	buf_u32(b, total);
	if (b->err)
		return b->err;
	for (int i = 0; i < 4; i++)
		b->p[4 + i] = (total >> (8 * i)) & 0xff;
	if (fwrite(b->p, 1, b->n, out) != b->n)
		return -EIO;
	return 0;
}

int pcapng_write_shb(FILE *out, struct pcapng_buf *b, const char *hardware, const char *os,
		     const char *appl, const char *comment)
{
	buf_begin(b, BT_SHB);
	buf_u32(b, SHB_MAGIC);
	buf_u16(b, 1);		/* version 1.0 */
	buf_u16(b, 0);
	buf_u32(b, 0xffffffffu);	/* section length: not given (-1) */
	buf_u32(b, 0xffffffffu);
	buf_opt_str(b, OPT_COMMENT, comment);
	buf_opt_str(b, SHB_HARDWARE, hardware);
	buf_opt_str(b, SHB_OS, os);
	buf_opt_str(b, SHB_USERAPPL, appl);
	return buf_finish(out, b);
}

int pcapng_write_idb(FILE *out, struct pcapng_buf *b, uint16_t linktype, const char *name,
		     const char *description)
{
	uint8_t tsresol = 9;	/* 10^-9 s: the trace's nanoseconds as they are */

	buf_begin(b, BT_IDB);
	buf_u16(b, linktype);
	buf_u16(b, 0);
	buf_u32(b, 0);		/* snaplen: no limit declared (each EPB says what it holds) */
	buf_opt_str(b, IF_NAME, name);
	buf_opt_str(b, IF_DESCRIPTION, description);
	buf_opt(b, IF_TSRESOL, &tsresol, 1);
	return buf_finish(out, b);
}

int pcapng_write_epb(FILE *out, struct pcapng_buf *b, const struct pcapng_epb *e)
{
	uint8_t v[8];

	buf_begin(b, BT_EPB);
	buf_u32(b, e->if_id);
	buf_u32(b, (uint32_t)(e->ts_ns >> 32));
	buf_u32(b, (uint32_t)e->ts_ns);
	buf_u32(b, e->caplen);
	buf_u32(b, e->origlen);
	buf_put(b, e->data, e->caplen);
	buf_pad4(b);
	buf_opt_str(b, OPT_COMMENT, e->comment);
	if (e->dir != PCAPNG_DIR_UNKNOWN) {
		for (int i = 0; i < 4; i++)
			v[i] = i ? 0 : (uint8_t)e->dir;
		buf_opt(b, EPB_FLAGS, v, 4);
	}
	for (int i = 0; i < 8; i++)
		v[i] = (e->packet_id >> (8 * i)) & 0xff;
	buf_opt(b, EPB_PACKETID, v, 8);
	return buf_finish(out, b);
}
