// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export --to pcapng: the packets a trace saw, for Wireshark and
 * tshark (docs/export.md, "pcapng").
 *
 * One Enhanced Packet Block per packet id that carried IPv4 or IPv6
 * headers, not one per event or per device: a packet seen leaving veth0
 * and entering veth1 is one packet, and two copies would make Wireshark's
 * TCP analysis call the second a retransmission.  The packet is placed
 * where and when it was first seen with headers (that event's device,
 * namespace and time), and its comment tells the rest of its journey:
 * every event in time order, the devices it crossed, how it ended.  So the
 * file has exactly as many packets as the trace has packet ids with IP
 * headers, which the tests count.
 *
 * The capture records header fields, and bytes only when asked (`record
 * --snaplen N`: the first N bytes from the IP header on, where the skb's
 * linear area had them), so a packet without bytes gets its headers
 * rebuilt (export/pcapng_build.c), and the link type is LINKTYPE_RAW (the
 * packet starts at its IP header) for both: no event records MAC
 * addresses, and made-up ones would be worse than none.  For the same
 * reason packets without IP headers (ARP, netlink) cannot be rebuilt and
 * are left out, counted.
 *
 * Everything is read in one pass into a table of packets (a few dozen
 * bytes each, plus 24 per event of a packet, at most JOURNEY_STEPS), then
 * written sorted by time: the comment of a packet needs events that come
 * after the one it is placed at.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "analysis/table.h"
#include "analysis/util.h"
#include "common/log.h"
#include "export/export.h"
#include "export/output.h"
#include "export/pcapng_build.h"

#define JOURNEY_STEPS 32	/* events shown per packet; more: "(+N more)" */
#define ETH_HLEN_ASSUMED 14	/* see pkt_len() */
#define NO_STEP UINT32_MAX

/* a device in a namespace: one pcapng interface when a packet is placed on it */
struct dev {
	uint32_t netns;
	int32_t ifindex;
	char ifname[NS_IFNAME_LEN + 1];
	int64_t if_id;		/* -1: no packet placed on it */
};

struct step {
	uint64_t ts;
	uint32_t next;
	uint32_t dev;
	uint16_t type;
};

enum len_source { LEN_NONE = 0, LEN_TX, LEN_RX };
enum fate { FATE_ALIVE = 0, FATE_DROPPED, FATE_CONSUMED };

struct xpkt {
	uint64_t id;
	uint64_t ts, order;	/* time and event number where it is placed */
	uint64_t location;	/* kfree_skb / consume_skb caller */
	uint32_t reason;
	uint32_t dev;		/* device where it is placed */
	uint32_t first, last, n_steps, more;
	uint32_t len;		/* from the IP header on, per len_src */
	uint16_t len_type;	/* the event the length comes from */
	uint8_t len_src, fate, dir;
	bool have_hdr;
	struct pkt_fields f;
	/* the packet's bytes from the IP header on (--snaplen), NULL: none */
	uint8_t *bytes;
	uint32_t cap_len, orig_len;
	uint8_t bytes_flags;	/* enum ns_payload_flags */
};

struct pcap_ctx {
	struct export_src *src;
	const struct ns_meta *meta;
	struct dev *devs;
	size_t n_devs, cap_devs;
	struct u64map dev_idx;
	struct step *steps;
	size_t n_steps, cap_steps;
	struct xpkt *pkts;
	size_t n_pkts, cap_pkts;
	struct u64map pkt_idx;
	uint64_t order;
	uint32_t snaplen;	/* the recording's --snaplen; 0: headers only */
	size_t with_bytes;	/* packets written with their captured bytes */
};

static bool ev_rx(unsigned int type)
{
	/* after eth_type_trans(): skb->len counts from the network header on */
	return type == NS_EV_NETIF_RECEIVE_SKB || type == NS_EV_NETIF_RX ||
	       type == NS_EV_NAPI_GRO_RECEIVE_ENTRY || type == NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY;
}

static bool ev_tx(unsigned int type)
{
	/* dev_queue_xmit() and on: skb->len counts the link-layer header too */
	return type == NS_EV_NET_DEV_QUEUE || type == NS_EV_NET_DEV_START_XMIT ||
	       type == NS_EV_NET_DEV_XMIT;
}

static bool ev_has_ip(const struct ns_event *ev)
{
	return (ev->hdr & NS_HDR_L3) && !(ev->hdr & NS_HDR_L3_OTHER) &&
	       (ev->family == AF_INET || ev->family == AF_INET6);
}

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 256;
	np = realloc(p, ncap * size);
	if (np)
		*cap = ncap;
	return np;
}

/* the device (netns, ifindex) of an event, added on first sight; -1: no memory */
static int64_t dev_of(struct pcap_ctx *c, const struct ns_event *ev)
{
	uint64_t key = (uint64_t)ev->netns << 32 | (uint32_t)ev->ifindex;
	uint32_t i;
	struct dev *d;

	if (u64map_get(&c->dev_idx, key, &i))
		return i;
	d = grow(c->devs, &c->cap_devs, c->n_devs, sizeof(*d));
	if (!d)
		return -1;
	c->devs = d;
	d = &c->devs[c->n_devs];
	memset(d, 0, sizeof(*d));
	d->netns = ev->netns;
	d->ifindex = ev->ifindex;
	/* ifname fills its array when the name is 16 bytes: copy it bounded */
	memcpy(d->ifname, ev->ifname, NS_IFNAME_LEN);
	d->if_id = -1;
	if (u64map_put(&c->dev_idx, key, (uint32_t)c->n_devs))
		return -1;
	return (int64_t)c->n_devs++;
}

static struct xpkt *pkt_of(struct pcap_ctx *c, uint64_t id)
{
	struct xpkt *p;
	uint32_t i;

	if (u64map_get(&c->pkt_idx, id, &i))
		return &c->pkts[i];
	p = grow(c->pkts, &c->cap_pkts, c->n_pkts, sizeof(*p));
	if (!p)
		return NULL;
	c->pkts = p;
	p = &c->pkts[c->n_pkts];
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->first = p->last = NO_STEP;
	if (u64map_put(&c->pkt_idx, id, (uint32_t)c->n_pkts))
		return NULL;
	c->n_pkts++;
	return p;
}

static void fields_from(struct pkt_fields *f, const struct ns_event *ev)
{
	memset(f, 0, sizeof(*f));
	f->family = ev->family;
	f->l4_proto = ev->l4_proto;
	memcpy(f->saddr, ev->saddr, 16);
	memcpy(f->daddr, ev->daddr, 16);
	if (ev->hdr & NS_HDR_L4) {
		f->have_ports = true;
		f->sport = ev->sport;
		f->dport = ev->dport;
	}
	if (ev->hdr & NS_HDR_TCP) {
		f->have_tcp = true;
		f->seq = ev->seq;
		f->ack = ev->ack_seq;
		f->tcp_flags = ev->tcp_flags;
	}
}

static int add_step(struct pcap_ctx *c, struct xpkt *p, const struct ns_event *ev, uint32_t dev)
{
	struct step *s;

	if (p->n_steps == JOURNEY_STEPS) {
		p->more++;
		return 0;
	}
	s = grow(c->steps, &c->cap_steps, c->n_steps, sizeof(*s));
	if (!s)
		return -ENOMEM;
	c->steps = s;
	s = &c->steps[c->n_steps];
	*s = (struct step){ .ts = ev->ts_ns, .next = NO_STEP, .dev = dev, .type = ev->type };
	if (p->last == NO_STEP)
		p->first = (uint32_t)c->n_steps;
	else
		c->steps[p->last].next = (uint32_t)c->n_steps;
	p->last = (uint32_t)c->n_steps++;
	p->n_steps++;
	return 0;
}

/*
 * A packet goes where and when it was first seen with IP headers: the
 * earliest such event by time, not by file order (the ring buffer may hand
 * over a receive on one CPU before the send on another).  Ports missing
 * at that event (L3 parsed, L4 not yet) come from another of its events.
 */
static void place(struct xpkt *p, const struct ns_event *ev, uint32_t dev, uint64_t order)
{
	struct pkt_fields f;

	fields_from(&f, ev);
	if (!p->have_hdr || ev->ts_ns < p->ts) {
		if (!f.have_ports && p->have_hdr && p->f.have_ports && p->f.l4_proto == f.l4_proto) {
			f.have_ports = true;
			f.sport = p->f.sport;
			f.dport = p->f.dport;
			f.have_tcp = p->f.have_tcp;
			f.seq = p->f.seq;
			f.ack = p->f.ack;
			f.tcp_flags = p->f.tcp_flags;
		}
		p->have_hdr = true;
		p->ts = ev->ts_ns;
		p->order = order;
		p->dev = dev;
		p->dir = ev_rx(ev->type) ? PCAPNG_DIR_IN :
			 ev_tx(ev->type) ? PCAPNG_DIR_OUT : PCAPNG_DIR_UNKNOWN;
		p->f = f;
	} else if (!p->f.have_ports && f.have_ports && f.l4_proto == p->f.l4_proto) {
		memcpy(f.saddr, p->f.saddr, 16);
		memcpy(f.daddr, p->f.daddr, 16);
		p->f = f;
	}
}

static int feed(struct pcap_ctx *c, const struct ns_event *ev)
{
	int64_t dev;
	struct xpkt *p;

	c->order++;
	if (!ev->packet_id)
		return 0;
	dev = dev_of(c, ev);
	p = dev >= 0 ? pkt_of(c, ev->packet_id) : NULL;
	if (!p || add_step(c, p, ev, (uint32_t)dev))
		return -ENOMEM;
	if (ev_has_ip(ev))
		place(p, ev, (uint32_t)dev, c->order);
	if (ev_rx(ev->type) && p->len_src < LEN_RX) {
		p->len = ev->len;
		p->len_src = LEN_RX;
		p->len_type = ev->type;
	} else if (ev_tx(ev->type) && p->len_src < LEN_TX && ev->len > ETH_HLEN_ASSUMED) {
		p->len = ev->len - ETH_HLEN_ASSUMED;
		p->len_src = LEN_TX;
		p->len_type = ev->type;
	}
	if (ev->type == NS_EV_KFREE_SKB || ev->type == NS_EV_CONSUME_SKB) {
		p->fate = ev->type == NS_EV_KFREE_SKB ? FATE_DROPPED : FATE_CONSUMED;
		p->reason = ev->reason;
		p->location = ev->location;
	}
	return 0;
}

/* a packet's bytes: the first record of its packet id (BPF sends one per packet) */
static int feed_payload(struct pcap_ctx *c, const struct ns_payload_rec *pl)
{
	struct xpkt *p = pl->packet_id ? pkt_of(c, pl->packet_id) : NULL;

	if (!pl->packet_id || !pl->cap_len)
		return 0;
	if (!p)
		return -ENOMEM;
	if (p->bytes)
		return 0;
	p->bytes = malloc(pl->cap_len);
	if (!p->bytes)
		return -ENOMEM;
	memcpy(p->bytes, pl->data, pl->cap_len);
	p->cap_len = pl->cap_len;
	p->orig_len = pl->orig_len;
	p->bytes_flags = pl->flags;
	return 0;
}

static int take_payloads(struct pcap_ctx *c)
{
	struct ns_payload_rec pl;
	int err = 0;

	while (!err && export_next_payload(c->src, &pl))
		err = feed_payload(c, &pl);
	return err;
}

/* "veth0@netscope-123-a", "eth0@netns:4026531840", "(no device)@..." */
static const char *dev_label(const struct pcap_ctx *c, const struct dev *d, char *buf, size_t len)
{
	char name[64], label[16];
	const char *dn = d->ifname[0] ? d->ifname : "(no device)";

	if (an_lab_netns(c->meta, d->netns, name, sizeof(name), label, sizeof(label)))
		snprintf(buf, len, "%s@%s", dn, name);
	else
		snprintf(buf, len, "%s@netns:%u", dn, d->netns);
	return buf;
}

static void cat(char *buf, size_t len, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cat(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

/* the steps of p in time order (events of one packet may come swapped from two CPUs) */
static size_t sorted_steps(const struct pcap_ctx *c, const struct xpkt *p,
			   const struct step **out)
{
	size_t n = 0;

	for (uint32_t s = p->first; s != NO_STEP && n < JOURNEY_STEPS; s = c->steps[s].next) {
		size_t i = n++;

		while (i > 0 && out[i - 1]->ts > c->steps[s].ts) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = &c->steps[s];
	}
	return n;
}

static const char *len_note(const struct xpkt *p, char *buf, size_t len)
{
	if (p->len_src == LEN_RX)
		snprintf(buf, len, "length from %s", ns_event_name(p->len_type));
	else if (p->len_src == LEN_TX)
		snprintf(buf, len, "length from %s less a %d-byte Ethernet header",
			 ns_event_name(p->len_type), ETH_HLEN_ASSUMED);
	else
		snprintf(buf, len, "length not recorded at a device: the rebuilt headers' only");
	return buf;
}

/* "kfree_skb NO_SOCKET at tcp_v4_rcv+0x99", "consume_skb at ..." */
static void end_step(const struct pcap_ctx *c, const struct xpkt *p, unsigned int type,
		     char *buf, size_t len, size_t *at)
{
	const struct ns_names *names = tfr_names(c->src->tr);
	const struct ksyms *ks = tfr_ksyms(c->src->tr);
	const char *r;
	char sym[128];

	if (type == NS_EV_KFREE_SKB) {
		r = names ? ns_names_lookup(names, NS_NAMES_DROP_REASON, p->reason) : NULL;
		if (r)
			cat(buf, len, at, " %s", r);
		else
			cat(buf, len, at, " drop_reason#%u", p->reason);
	}
	if (!p->location)
		return;
	if (ks)
		ksyms__fmt(ks, p->location, sym, sizeof(sym));
	else
		snprintf(sym, sizeof(sym), "0x%" PRIx64, p->location);
	cat(buf, len, at, " at %s", sym);
}

/*
 * "netscope packet 4: net_dev_queue veth0 -> netif_receive_skb veth1@netscope-1-b
 *  -> tcp_send_reset -> kfree_skb NO_SOCKET at tcp_v4_rcv+0x99 | headers
 *  rebuilt from the trace's fields, no payload captured (length from ...)"
 */
static void journey(const struct pcap_ctx *c, const struct xpkt *p, char *buf, size_t len)
{
	const struct step *st[JOURNEY_STEPS];
	size_t n = sorted_steps(c, p, st), at = 0;
	uint32_t shown = NO_STEP, netns = c->devs[p->dev].netns;
	bool ended = false;
	char dl[96], note[96];

	cat(buf, len, &at, "netscope packet %" PRIu64 ":", p->id);
	for (size_t i = 0; i < n; i++) {
		const struct dev *d = &c->devs[st[i]->dev];
		unsigned int type = st[i]->type;

		cat(buf, len, &at, "%s %s", i ? " ->" : "", ns_event_name(type));
		/* a device when it changes; its namespace when that changes too */
		if (d->ifname[0] && st[i]->dev != shown) {
			if (d->netns != netns)
				cat(buf, len, &at, " %s", dev_label(c, d, dl, sizeof(dl)));
			else
				cat(buf, len, &at, " %s", d->ifname);
			shown = st[i]->dev;
			netns = d->netns;
		}
		if (type == NS_EV_KFREE_SKB || type == NS_EV_CONSUME_SKB) {
			end_step(c, p, type, buf, len, &at);
			ended = true;
		}
	}
	if (p->more)
		cat(buf, len, &at, " -> (+%u more events)", p->more);
	/* past the steps kept, the end still says how the packet ended */
	if (!ended && p->fate != FATE_ALIVE) {
		unsigned int type = p->fate == FATE_DROPPED ? NS_EV_KFREE_SKB : NS_EV_CONSUME_SKB;

		cat(buf, len, &at, " -> %s", ns_event_name(type));
		end_step(c, p, type, buf, len, &at);
	}
	if (p->fate == FATE_ALIVE)
		cat(buf, len, &at, " (not seen freed)");
	if (p->bytes)
		cat(buf, len, &at, " | %u of %u bytes captured%s", p->cap_len, p->orig_len,
		    (p->bytes_flags & NS_PAYLOAD_CUT_LINEAR) ?
		    " (cut by the skb's linear area: the rest was in page frags)" : "");
	else
		cat(buf, len, &at, " | headers rebuilt from the trace's fields, no payload captured (%s)",
		    len_note(p, note, sizeof(note)));
}

static int cmp_pkt(const void *a, const void *b)
{
	const struct xpkt *x = *(const struct xpkt *const *)a, *y = *(const struct xpkt *const *)b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* wall-clock offset of the trace's CLOCK_MONOTONIC times; false: none recorded */
static bool realtime_offset(const struct ns_meta *meta, int64_t *off)
{
	const char *v = ns_meta_get(meta, "clock.monotonic_to_realtime_ns");
	char *end;

	*off = 0;
	if (!v || !*v)
		return false;
	errno = 0;
	*off = strtoll(v, &end, 10);
	return !errno && !*end;
}

static int write_header(FILE *f, struct pcapng_buf *b, const struct pcap_ctx *c)
{
	const char *rel = ns_meta_get(c->meta, "kernel.release");
	const char *ver = ns_meta_get(c->meta, "netscope.version");
	const char *sc = ns_meta_get(c->meta, "scenario");
	char os[160], appl[64], comment[384], end[96] = "";

	snprintf(os, sizeof(os), "Linux %s", rel ? rel : "(unknown)");
	snprintf(appl, sizeof(appl), "netscope %s (export --to pcapng)", ver ? ver : "");
	/* a partial trace makes a partial capture: the file says so itself */
	if (c->src->err)
		snprintf(end, sizeof(end), "; the trace has a corrupt chunk: packets before it only");
	else if (c->src->truncated)
		snprintf(end, sizeof(end), "; the trace is truncated at offset %" PRIu64
			 ": packets before it only", c->src->truncated_at);
	if (c->snaplen)
		snprintf(comment, sizeof(comment),
			 "netscope trace%s%s: the first %u bytes of each packet from its IP header on"
			 " as far as the capture had them (snaplen %u), headers rebuilt from the"
			 " recorded fields for the others; one packet per packet id, its journey in"
			 " its comment%s", sc ? " of scenario " : "", sc ? sc : "", c->snaplen,
			 c->snaplen, end);
	else
		snprintf(comment, sizeof(comment),
			 "netscope trace%s%s: headers rebuilt from the header fields the trace recorded,"
			 " no payload bytes captured; one packet per packet id, its journey in its"
			 " comment%s", sc ? " of scenario " : "", sc ? sc : "", end);
	return pcapng_write_shb(f, b, ns_meta_get(c->meta, "kernel.machine"), os, appl, comment);
}

static int write_file(FILE *f, struct pcap_ctx *c, struct xpkt **order, size_t n,
		      int64_t wall_off)
{
	struct pcapng_buf b = { 0 };
	char comment[4096], name[96], desc[256];
	uint8_t data[PCAPNG_REBUILT_MAX];
	int64_t n_if = 0;
	int err = write_header(f, &b, c);

	/* interfaces first, numbered in the order their first packet comes */
	for (size_t i = 0; i < n && !err; i++) {
		struct dev *d = &c->devs[order[i]->dev];

		if (d->if_id >= 0)
			continue;
		d->if_id = n_if++;
		snprintf(desc, sizeof(desc),
			 "netscope: %s, ifindex %d, netns inode %u; IP packets as the trace saw them,"
			 " %s", d->ifname[0] ? d->ifname : "no device", d->ifindex, d->netns,
			 c->snaplen ? "their captured bytes, else headers rebuilt" :
			 "headers rebuilt, no payload");
		err = pcapng_write_idb(f, &b, PCAPNG_LINKTYPE_RAW, dev_label(c, d, name, sizeof(name)),
				       desc);
	}
	for (size_t i = 0; i < n && !err; i++) {
		const struct xpkt *p = order[i];
		bool whole;
		size_t caplen = p->bytes ? 0 : pkt_rebuild(&p->f, p->len, data, &whole);
		uint32_t origlen = p->len > caplen ? p->len : (uint32_t)caplen;

		if (p->bytes) {
			/* the bytes themselves, and the length they were cut from */
			caplen = p->cap_len;
			origlen = p->orig_len > p->cap_len ? p->orig_len : p->cap_len;
			c->with_bytes++;
		}
		journey(c, p, comment, sizeof(comment));
		err = pcapng_write_epb(f, &b, &(struct pcapng_epb){
			.if_id = (uint32_t)c->devs[p->dev].if_id,
			.ts_ns = p->ts + (uint64_t)wall_off,
			.data = p->bytes ? p->bytes : data,
			.caplen = (uint32_t)caplen,
			.origlen = origlen,
			.dir = p->dir,
			.packet_id = p->id,
			.comment = comment,
		});
	}
	pcapng_buf_free(&b);
	return err;
}

static void pcap_free(struct pcap_ctx *c)
{
	u64map_free(&c->dev_idx);
	u64map_free(&c->pkt_idx);
	for (size_t i = 0; i < c->n_pkts; i++)
		free(c->pkts[i].bytes);
	free(c->devs);
	free(c->steps);
	free(c->pkts);
}

int export_pcapng(struct export_src *src, const char *out, const struct export_opts *o)
{
	struct pcap_ctx c = { .src = src, .meta = tfr_meta(src->tr) };
	struct xpkt **order = NULL;
	size_t n = 0, no_ip = 0;
	struct ns_event ev;
	int64_t wall_off;
	FILE *f = NULL;
	int ret = 1, err = 0;

	(void)o;
	export_want_payloads(src);
	/* absent in traces recorded without --snaplen: headers only */
	c.snaplen = strtoul(ns_meta_get(c.meta, "capture.snaplen") ?: "0", NULL, 10);
	while (export_next(src, &ev))
		if ((err = feed(&c, &ev)) || (err = take_payloads(&c)))
			break;
	if (!err)
		err = take_payloads(&c);
	if (err) {
		ns_err("cannot export '%s': %s", src->path, strerror(-err));
		goto out;
	}
	order = malloc((c.n_pkts ? c.n_pkts : 1) * sizeof(*order));
	if (!order) {
		ns_err("cannot export '%s': %s", src->path, strerror(ENOMEM));
		goto out;
	}
	for (size_t i = 0; i < c.n_pkts; i++) {
		if (c.pkts[i].have_hdr)
			order[n++] = &c.pkts[i];
		else
			no_ip++;
	}
	qsort(order, n, sizeof(*order), cmp_pkt);
	if (!realtime_offset(c.meta, &wall_off))
		ns_warn("'%s' records no wall-clock offset: pcapng times are CLOCK_MONOTONIC"
			" (time since boot)", src->path);
	f = export_fopen(out);
	if (!f)
		goto out;
	err = write_file(f, &c, order, n, wall_off);
	if (export_fclose(f, out))
		goto out;
	if (err) {
		char name[4096];

		ns_err("cannot write '%s': %s", export_final_name(out, name, sizeof(name)),
		       strerror(-err));
		goto out;
	}
	if (c.snaplen)
		fprintf(stderr, "netscope: pcapng: %zu packet%s with IP headers, %zu with their first"
			" bytes (snaplen %u), the others with headers rebuilt from the trace's fields",
			n, n == 1 ? "" : "s", c.with_bytes, c.snaplen);
	else
		fprintf(stderr, "netscope: pcapng: %zu packet%s with IP headers, headers only (rebuilt"
			" from the trace's fields: the capture records no payload bytes)", n,
			n == 1 ? "" : "s");
	if (no_ip)
		fprintf(stderr, "; %zu packet%s without IP headers (ARP, netlink, ...) left out", no_ip,
			no_ip == 1 ? "" : "s");
	fputc('\n', stderr);
	ret = 0;
out:
	free(order);
	pcap_free(&c);
	return ret;
}
