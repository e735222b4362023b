// SPDX-License-Identifier: GPL-2.0
/* The protobuf wire-format encoder (export/protobuf.h says why hand-written). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "export/protobuf.h"

void pb_reset(struct pb_buf *b)
{
	b->len = 0;
	b->err = 0;
}

void pb_free(struct pb_buf *b)
{
	free(b->data);
	*b = (struct pb_buf){ 0 };
}

/* room for n more bytes; false (and b->err) when out of memory */
static bool reserve(struct pb_buf *b, size_t n)
{
	if (b->err)
		return false;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			b->err = -ENOMEM;
			return false;
		}
		b->data = d;
		b->cap = cap;
	}
	return true;
}

size_t pb_varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* 7 bits a byte, least significant group first, high bit set on all but the last */
static size_t varint_to(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

void pb_put_varint(struct pb_buf *b, uint64_t v)
{
	if (reserve(b, 10))
		b->len += varint_to(b->data + b->len, v);
}

static void key(struct pb_buf *b, uint32_t field, enum pb_wire_type wt)
{
	pb_put_varint(b, (uint64_t)field << 3 | wt);
}

void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v)
{
	key(b, field, PB_WT_VARINT);
	pb_put_varint(b, v);
}

void pb_int(struct pb_buf *b, uint32_t field, int64_t v)
{
	/* int32 and int64 both sign-extend to 64 bits: a negative takes 10 bytes */
	pb_uint(b, field, (uint64_t)v);
}

void pb_bool(struct pb_buf *b, uint32_t field, bool v)
{
	pb_uint(b, field, v ? 1 : 0);
}

static void le64(struct pb_buf *b, uint64_t v)
{
	if (!reserve(b, 8))
		return;
	for (int i = 0; i < 8; i++)
		b->data[b->len++] = (uint8_t)(v >> (8 * i));
}

void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v)
{
	key(b, field, PB_WT_I64);
	le64(b, v);
}

void pb_double(struct pb_buf *b, uint32_t field, double v)
{
	uint64_t bits;

	/* IEEE 754 binary64, the bits as they are (C11 Annex F on every target we build for) */
	memcpy(&bits, &v, sizeof(bits));
	pb_fixed64(b, field, bits);
}

void pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t n)
{
	key(b, field, PB_WT_LEN);
	pb_put_varint(b, n);
	if (n && reserve(b, n)) {
		memcpy(b->data + b->len, data, n);
		b->len += n;
	}
}

void pb_string(struct pb_buf *b, uint32_t field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

pb_mark pb_msg_begin(struct pb_buf *b, uint32_t field)
{
	key(b, field, PB_WT_LEN);
	if (!reserve(b, 1))
		return 0;
	b->data[b->len] = 0;
	return b->len++;
}

void pb_msg_end(struct pb_buf *b, pb_mark m)
{
	size_t body, need;

	if (b->err || m >= b->len)
		return;
	body = b->len - m - 1;
	need = pb_varint_size(body);
	if (need > 1) {
		if (!reserve(b, need - 1))
			return;
		memmove(b->data + m + need, b->data + m + 1, body);
		b->len += need - 1;
	}
	varint_to(b->data + m, body);
}
