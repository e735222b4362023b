// SPDX-License-Identifier: GPL-2.0
/*
 * PAYLOADS chunks (format 1.2): the packet bytes `record --snaplen N`
 * captured, one record per packet, little-endian like every framing field
 * (docs/TRACE_FORMAT.md, "PAYLOADS"):
 *
 *     u64 packet_id   u64 ts_ns   u32 orig_len   u32 cap_len
 *     u16 type        u8 flags    u8 reserved    cap_len bytes
 *
 * A reader checks a whole chunk before it hands out any record of it, so
 * a record can be trusted once its chunk is: cap_len at most
 * NS_TF_MAX_PAYLOAD_BYTES, at most orig_len, and inside the chunk.
 */
#include <errno.h>
#include <string.h>
#include "trace/model.h"
#include "trace/tracefile_format.h"

void ns_tf_payload_encode(struct ns_tf_buf *b, const struct ns_payload_rec *p)
{
	uint8_t h[NS_TF_PAYLOAD_HDR_SIZE];

	ns_tf_put_le64(h, p->packet_id);
	ns_tf_put_le64(h + 8, p->ts_ns);
	ns_tf_put_le32(h + 16, p->orig_len);
	ns_tf_put_le32(h + 20, p->cap_len);
	ns_tf_put_le16(h + 24, p->type);
	h[26] = p->flags;
	h[27] = 0;
	ns_tf_buf_put(b, h, sizeof(h));
	ns_tf_buf_put(b, p->data, p->cap_len);
}

/* one record at p (len bytes left): its size, or 0 when it is malformed */
static size_t record_size(const uint8_t *p, size_t len)
{
	uint32_t orig, cap;

	if (len < NS_TF_PAYLOAD_HDR_SIZE)
		return 0;
	orig = ns_tf_get_le32(p + 16);
	cap = ns_tf_get_le32(p + 20);
	if (cap > NS_TF_MAX_PAYLOAD_BYTES || cap > orig || p[27] ||
	    cap > len - NS_TF_PAYLOAD_HDR_SIZE)
		return 0;
	return NS_TF_PAYLOAD_HDR_SIZE + cap;
}

int ns_tf_payload_check(const uint8_t *p, size_t len, uint32_t count)
{
	size_t at = 0;

	if (!len)	/* an empty chunk may come with no buffer at all */
		return count ? -EBADMSG : 0;
	for (uint32_t i = 0; i < count; i++) {
		size_t n = record_size(p + at, len - at);

		if (!n)
			return -EBADMSG;
		at += n;
	}
	return at == len ? 0 : -EBADMSG;
}

size_t ns_tf_payload_decode(const uint8_t *p, size_t len, struct ns_payload_rec *out)
{
	size_t n = record_size(p, len);

	if (!n)
		return 0;
	*out = (struct ns_payload_rec){
		.packet_id = ns_tf_get_le64(p),
		.ts_ns = ns_tf_get_le64(p + 8),
		.orig_len = ns_tf_get_le32(p + 16),
		.cap_len = ns_tf_get_le32(p + 20),
		.type = ns_tf_get_le16(p + 24),
		.flags = p[26],
		.data = p + NS_TF_PAYLOAD_HDR_SIZE,
	};
	return n;
}
