/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One CTF 1.8 data stream file (one per CPU): packets of events, each
 * packet a header and a context in the layout the metadata declares
 * (export/ctf_tsdl.c), then the events.  Integers are byte-aligned and in
 * the host's byte order, as LTTng writes them, so an event is a run of
 * memcpy()s with no padding to compute.
 */
#ifndef NS_EXPORT_CTF_STREAM_H
#define NS_EXPORT_CTF_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CTF_MAGIC 0xC1FC1FC1u
/*
 * packet header: magic u32, uuid[16], stream_id u32, stream_instance_id u64;
 * packet context: timestamp_begin, timestamp_end, content_size,
 * packet_size, packet_seq_num, events_discarded (u64 each), cpu_id u32
 */
#define CTF_PACKET_PREFIX (4 + 16 + 4 + 8 + 6 * 8 + 4)
/* event header: id u16, timestamp u64 */
#define CTF_EVENT_HEADER (2 + 8)
/* bytes of a packet (an event that would not fit starts the next one) */
#define CTF_PACKET_BYTES (256 * 1024)

struct ctf_stream {
	FILE *f;
	char *path;			/* for messages */
	uint64_t instance;		/* stream_instance_id */
	uint32_t cpu_id;
	uint8_t uuid[16];
	uint8_t *buf;			/* the packet being filled */
	size_t len;			/* bytes used, prefix included */
	uint64_t ts_begin, ts_last;	/* of the packet's first / the stream's last event */
	uint64_t packet_seq;
	uint64_t events;		/* in the stream */
	uint64_t clamped;		/* events earlier than the one before: written at its time */
	int err;			/* first write error (negative errno), sticky */
};

/* Create path.  0, or a negative errno with a message in err. */
int ctf_stream_open(struct ctf_stream *s, const char *path, uint64_t instance, uint32_t cpu_id,
		    const uint8_t uuid[16], char *err, size_t errlen);
/*
 * Room for one event of at most max bytes after its header, at time ts:
 * writes the header and returns where the rest goes (ctf_stream_commit()
 * takes its end).  A time earlier than the stream's last event's is
 * raised to it (CTF wants each stream in time order) and counted.
 */
/* write the packet being filled (nothing when it has no event) and start the next */
void ctf_stream_flush_packet(struct ctf_stream *s);
/* inline: called once or twice per event */
static inline uint8_t *ctf_stream_reserve(struct ctf_stream *s, uint64_t ts, uint16_t id, size_t max)
{
	uint8_t *p;

	if (s->len + CTF_EVENT_HEADER + max > CTF_PACKET_BYTES)
		ctf_stream_flush_packet(s);
	if (ts < s->ts_last) {
		ts = s->ts_last;
		s->clamped++;
	}
	if (s->len == CTF_PACKET_PREFIX)
		s->ts_begin = ts;
	s->ts_last = ts;
	p = s->buf + s->len;
	memcpy(p, &id, 2);
	memcpy(p + 2, &ts, 8);
	return p + CTF_EVENT_HEADER;
}
static inline void ctf_stream_commit(struct ctf_stream *s, const uint8_t *end)
{
	s->len = (size_t)(end - s->buf);
	s->events++;
}
/*
 * Write the last packet and close.  0, or a negative errno with a message
 * in err.  Safe on a stream that failed to open (a no-op).
 */
int ctf_stream_close(struct ctf_stream *s, char *err, size_t errlen);

#endif
