// SPDX-License-Identifier: GPL-2.0
/*
 * Pieces of the trace file format shared by tracefile_writer.c and
 * tracefile_reader.c: little-endian fields, chunk headers, payload buffers
 * and cursors, and a small hash map.  Framing is little-endian whatever the
 * host, so a reader can always walk the chunks (docs/TRACE_FORMAT.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "trace/tracefile_format.h"

void ns_tf_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

void ns_tf_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

void ns_tf_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

uint16_t ns_tf_get_le16(const uint8_t *p)
{
	return p[0] | (uint16_t)p[1] << 8;
}

uint32_t ns_tf_get_le32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

uint64_t ns_tf_get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint32_t ns_tf_crc32(const void *p, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	const uint8_t *b = p;

	/* zlib's crc32() takes a uInt length */
	while (len) {
		uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;

		crc = crc32(crc, b, n);
		b += n;
		len -= n;
	}
	return (uint32_t)crc;
}

void ns_tf_chunk_hdr_encode(struct ns_tf_chunk_hdr *h, uint8_t out[NS_TF_CHUNK_HDR_SIZE])
{
	ns_tf_put_le32(out + 0, h->type);
	ns_tf_put_le32(out + 4, h->flags);
	ns_tf_put_le32(out + 8, h->stored_len);
	ns_tf_put_le32(out + 12, h->raw_len);
	ns_tf_put_le32(out + 16, h->count);
	ns_tf_put_le32(out + 20, h->payload_crc);
	ns_tf_put_le32(out + 24, h->reserved);
	h->hdr_crc = ns_tf_crc32(out, 28);
	ns_tf_put_le32(out + 28, h->hdr_crc);
}

bool ns_tf_chunk_hdr_decode(const uint8_t in[NS_TF_CHUNK_HDR_SIZE], struct ns_tf_chunk_hdr *h)
{
	h->type = ns_tf_get_le32(in + 0);
	h->flags = ns_tf_get_le32(in + 4);
	h->stored_len = ns_tf_get_le32(in + 8);
	h->raw_len = ns_tf_get_le32(in + 12);
	h->count = ns_tf_get_le32(in + 16);
	h->payload_crc = ns_tf_get_le32(in + 20);
	h->reserved = ns_tf_get_le32(in + 24);
	h->hdr_crc = ns_tf_get_le32(in + 28);
	return h->hdr_crc == ns_tf_crc32(in, 28);
}

const char *ns_tf_chunk_type_str(uint32_t type)
{
	switch (type) {
	case NS_TF_CHUNK_META: return "meta";
	case NS_TF_CHUNK_NAMES: return "names";
	case NS_TF_CHUNK_SYMBOLS: return "symbols";
	case NS_TF_CHUNK_STACK: return "stack";
	case NS_TF_CHUNK_EVENTS: return "events";
	case NS_TF_CHUNK_STATS: return "stats";
	case NS_TF_CHUNK_END: return "end";
	case NS_TF_CHUNK_PAYLOADS: return "payloads";
	default: return "unknown";
	}
}

/* --- payload buffer ----------------------------------------------------- */

void ns_tf_buf_reset(struct ns_tf_buf *b)
{
	b->len = 0;
	b->err = 0;
}

void ns_tf_buf_free(struct ns_tf_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static uint8_t *buf_grow(struct ns_tf_buf *b, size_t len)
{
	if (b->err)
		return NULL;
	if (b->cap - b->len < len) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap - b->len < len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	b->len += len;
	return b->p + b->len - len;
}

void ns_tf_buf_put(struct ns_tf_buf *b, const void *p, size_t len)
{
	uint8_t *d = buf_grow(b, len);

	if (d && len)
		memcpy(d, p, len);
}

void ns_tf_buf_u32(struct ns_tf_buf *b, uint32_t v)
{
	uint8_t *d = buf_grow(b, 4);

	if (d)
		ns_tf_put_le32(d, v);
}

void ns_tf_buf_u64(struct ns_tf_buf *b, uint64_t v)
{
	uint8_t *d = buf_grow(b, 8);

	if (d)
		ns_tf_put_le64(d, v);
}

void ns_tf_buf_str(struct ns_tf_buf *b, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	ns_tf_buf_u32(b, (uint32_t)len);
	ns_tf_buf_put(b, s, len);
}

/* --- payload cursor ----------------------------------------------------- */

static const uint8_t *cur_take(struct ns_tf_cur *c, size_t len)
{
	const uint8_t *p;

	if (c->bad || c->left < len) {
		c->bad = true;
		return NULL;
	}
	p = c->p;
	c->p += len;
	c->left -= len;
	return p;
}

uint32_t ns_tf_cur_u32(struct ns_tf_cur *c)
{
	const uint8_t *p = cur_take(c, 4);

	return p ? ns_tf_get_le32(p) : 0;
}

uint64_t ns_tf_cur_u64(struct ns_tf_cur *c)
{
	const uint8_t *p = cur_take(c, 8);

	return p ? ns_tf_get_le64(p) : 0;
}

char *ns_tf_cur_str(struct ns_tf_cur *c)
{
	uint32_t len = ns_tf_cur_u32(c);
	const uint8_t *p;
	char *s;

	/* the length is checked against the payload before any allocation */
	p = cur_take(c, len);
	if (!p || !len)
		return NULL;
	s = malloc(len + 1);
	if (!s) {
		c->bad = true;
		return NULL;
	}
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* --- u64 -> u64 map ----------------------------------------------------- */

static size_t map_slot(uint64_t key, size_t cap)
{
	/* Fibonacci hashing: stack ids and symbol addresses are far from random */
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static int map_grow(struct ns_tf_map *m)
{
	struct ns_tf_map nm = { .cap = m->cap ? m->cap * 2 : 256 };

	nm.keys = malloc(nm.cap * sizeof(*nm.keys));
	nm.vals = malloc(nm.cap * sizeof(*nm.vals));
	nm.used = calloc(nm.cap, 1);
	if (!nm.keys || !nm.vals || !nm.used) {
		ns_tf_map_free(&nm);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->used[i])
			ns_tf_map_put(&nm, m->keys[i], m->vals[i]);
	ns_tf_map_free(m);
	*m = nm;
	return 0;
}

int ns_tf_map_put(struct ns_tf_map *m, uint64_t key, uint64_t val)
{
	size_t i;

	/* keep the load under 1/2 */
	if ((m->n + 1) * 2 > m->cap) {
		int err = map_grow(m);

		if (err)
			return err;
	}
	for (i = map_slot(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return 0;
		}
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

bool ns_tf_map_get(const struct ns_tf_map *m, uint64_t key, uint64_t *val)
{
	if (!m->cap)
		return false;
	for (size_t i = map_slot(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return true;
		}
	}
	return false;
}

void ns_tf_map_free(struct ns_tf_map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}
