/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A protobuf wire-format encoder: varints, fixed64, length-delimited
 * fields and nested messages, into a growing byte buffer.  Only what the
 * Perfetto exporter writes (export/perfetto.c); it encodes, never decodes.
 *
 * Why hand-written rather than libprotobuf-c or libprotobuf (both in
 * Debian): they encode only from code generated out of the .proto files,
 * and Perfetto's protos are not packaged, so netscope would have to carry a
 * copy of the subset, run protoc-c at build time and link one more
 * library, to build a message tree per event and serialize it.  The wire
 * format needs four primitives (below, ~150 lines); the exporter writes one
 * packet at a time into one reused buffer.  And the test stays independent:
 * tests/e2e/test_export_perfetto.sh decodes the output with protoc against
 * the upstream field numbers, which a generated encoder would agree with by
 * construction, right or wrong.
 *
 * Encoding follows https://protobuf.dev/programming-guides/encoding/: a
 * field is a key varint (number << 3 | wire type) and a value; integers
 * are little-endian base-128 varints of their 64-bit two's complement
 * (so an int64 -1 takes 10 bytes), fixed64 and double 8 little-endian
 * bytes, strings, bytes and messages a varint length and the bytes.  Every
 * length here is minimal, so the same input always gives the same bytes
 * (the golden files of the tests rely on that).
 */
#ifndef NS_EXPORT_PROTOBUF_H
#define NS_EXPORT_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pb_wire_type {
	PB_WT_VARINT = 0,
	PB_WT_I64 = 1,
	PB_WT_LEN = 2,
	PB_WT_I32 = 5,
};

struct pb_buf {
	uint8_t *data;
	size_t len, cap;
	int err;		/* -ENOMEM once an append failed (sticky); then len stops growing */
};

/* an open nested message: where its length goes (pb_msg_begin/pb_msg_end) */
typedef size_t pb_mark;

void pb_reset(struct pb_buf *b);	/* empty, memory kept */
void pb_free(struct pb_buf *b);

/* bytes a varint of v takes: 1..10 */
size_t pb_varint_size(uint64_t v);
/* the raw varint, no key */
void pb_put_varint(struct pb_buf *b, uint64_t v);

/* fields: key then value */
void pb_uint(struct pb_buf *b, uint32_t field, uint64_t v);	/* uint32/uint64/bool/enum */
void pb_int(struct pb_buf *b, uint32_t field, int64_t v);	/* int32/int64 (not sint) */
void pb_bool(struct pb_buf *b, uint32_t field, bool v);
void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_double(struct pb_buf *b, uint32_t field, double v);
void pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t n);
void pb_string(struct pb_buf *b, uint32_t field, const char *s);

/*
 * A nested message: pb_msg_begin() writes the key and reserves one byte of
 * length; pb_msg_end() writes the length, moving the body when it needs
 * more than one byte (a body of 128 bytes or more).  Nest as deep as
 * needed; close in reverse order.
 */
pb_mark pb_msg_begin(struct pb_buf *b, uint32_t field);
void pb_msg_end(struct pb_buf *b, pb_mark m);

#endif
