// SPDX-License-Identifier: GPL-2.0
/* CTF data stream files: packets of events (export/ctf_stream.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "export/ctf_stream.h"

int ctf_stream_open(struct ctf_stream *s, const char *path, uint64_t instance, uint32_t cpu_id,
		    const uint8_t uuid[16], char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->instance = instance;
	s->cpu_id = cpu_id;
	memcpy(s->uuid, uuid, 16);
	s->path = strdup(path);
	s->buf = malloc(CTF_PACKET_BYTES);
	if (!s->path || !s->buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->f = fopen(path, "wbx");
	if (!s->f) {
		int e = errno;

		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(e));
		return -e;
	}
	s->len = CTF_PACKET_PREFIX;
	return 0;
}

static uint8_t *put(uint8_t *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

/* header and context into the packet's first bytes, then the packet out */
void ctf_stream_flush_packet(struct ctf_stream *s)
{
	uint32_t magic = CTF_MAGIC, stream_id = 0;
	uint64_t bits = (uint64_t)s->len * 8, discarded = 0;
	uint8_t *p = s->buf;

	if (s->len == CTF_PACKET_PREFIX)
		return;		/* no event: no packet */
	p = put(p, &magic, 4);
	p = put(p, s->uuid, 16);
	p = put(p, &stream_id, 4);
	p = put(p, &s->instance, 8);
	p = put(p, &s->ts_begin, 8);
	p = put(p, &s->ts_last, 8);
	p = put(p, &bits, 8);	/* content_size */
	p = put(p, &bits, 8);	/* packet_size: no padding, packets end where their content does */
	p = put(p, &s->packet_seq, 8);
	p = put(p, &discarded, 8);
	put(p, &s->cpu_id, 4);
	if (!s->err && fwrite(s->buf, 1, s->len, s->f) != s->len)
		s->err = errno ? -errno : -EIO;
	s->packet_seq++;
	s->len = CTF_PACKET_PREFIX;
}

int ctf_stream_close(struct ctf_stream *s, char *err, size_t errlen)
{
	int ret = 0;

	if (s->f) {
		ctf_stream_flush_packet(s);
		if (fclose(s->f) && !s->err)
			s->err = -errno;
		s->f = NULL;
		if (s->err) {
			snprintf(err, errlen, "cannot write '%s': %s", s->path, strerror(-s->err));
			ret = s->err;
		}
	}
	free(s->buf);
	free(s->path);
	s->buf = NULL;
	s->path = NULL;
	return ret;
}
