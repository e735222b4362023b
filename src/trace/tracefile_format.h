/* SPDX-License-Identifier: GPL-2.0 */
/*
 * On-disk layout of the netscope trace file, shared by the writer and the
 * reader (private to src/trace/tracefile*.c).  docs/TRACE_FORMAT.md is the
 * description for humans; change both together.
 *
 * Why a format written by hand: no library in Debian writes a file that
 * holds our wire records as they are together with the kernel enum names,
 * symbols and stacks needed to explain them, and stays readable when cut off
 * mid-write (pcapng holds packets, perf.data and trace.dat hold perf/ftrace
 * records).  Chunks with a CRC each give the cut-off property cheaply.
 */
#ifndef NS_TRACEFILE_FORMAT_H
#define NS_TRACEFILE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_TF_MAGIC "NETSCOPE"
#define NS_TF_MAGIC_LEN 8
#define NS_TF_FILE_HDR_SIZE 32
#define NS_TF_CHUNK_HDR_SIZE 32
/* written in the byte order of the event records (the writer's) */
#define NS_TF_BYTE_ORDER_MARK 0x01020304u

/* No chunk is larger than this, stored or inflated: a reader never trusts a
 * length field beyond it (or beyond the bytes left in the file). */
#define NS_TF_MAX_CHUNK (64u << 20)
#define NS_TF_MAX_EVENT_SIZE 65536u
#define NS_TF_DEFAULT_CHUNK_EVENTS 4096

enum ns_tf_chunk_type {
	NS_TF_CHUNK_META = 1,
	NS_TF_CHUNK_NAMES = 2,
	NS_TF_CHUNK_SYMBOLS = 3,
	NS_TF_CHUNK_STACK = 4,
	NS_TF_CHUNK_EVENTS = 5,
	NS_TF_CHUNK_STATS = 6,
	NS_TF_CHUNK_END = 7,
	NS_TF_CHUNK_PAYLOADS = 8,	/* since 1.2: packet bytes (--snaplen) */
};

enum ns_tf_chunk_flags {
	NS_TF_CHUNK_DEFLATE = 1u << 0, /* payload is a zlib stream (RFC 1950) */
	NS_TF_CHUNK_ZSTD = 1u << 1,    /* payload is one zstd frame (RFC 8878), since 1.1 */
};
#define NS_TF_CHUNK_CODECS (NS_TF_CHUNK_DEFLATE | NS_TF_CHUNK_ZSTD)

struct ns_tf_chunk_hdr {
	uint32_t type;
	uint32_t flags;
	uint32_t stored_len; /* payload bytes in the file */
	uint32_t raw_len;    /* payload bytes once inflated */
	uint32_t count;	     /* records in the payload */
	uint32_t payload_crc; /* zlib crc32 of the stored payload */
	uint32_t reserved;
	uint32_t hdr_crc; /* crc32 of the 28 bytes before it */
};

void ns_tf_put_le16(uint8_t *p, uint16_t v);
void ns_tf_put_le32(uint8_t *p, uint32_t v);
void ns_tf_put_le64(uint8_t *p, uint64_t v);
uint16_t ns_tf_get_le16(const uint8_t *p);
uint32_t ns_tf_get_le32(const uint8_t *p);
uint64_t ns_tf_get_le64(const uint8_t *p);
uint32_t ns_tf_crc32(const void *p, size_t len);

/* fills hdr_crc */
void ns_tf_chunk_hdr_encode(struct ns_tf_chunk_hdr *h, uint8_t out[NS_TF_CHUNK_HDR_SIZE]);
/* false if the header's own crc does not match */
bool ns_tf_chunk_hdr_decode(const uint8_t in[NS_TF_CHUNK_HDR_SIZE], struct ns_tf_chunk_hdr *h);
const char *ns_tf_chunk_type_str(uint32_t type);

/* Growable byte buffer for building payloads (little-endian fields). */
struct ns_tf_buf {
	uint8_t *p;
	size_t len, cap;
	int err; /* sticky -ENOMEM */
};

void ns_tf_buf_reset(struct ns_tf_buf *b);
void ns_tf_buf_free(struct ns_tf_buf *b);
void ns_tf_buf_put(struct ns_tf_buf *b, const void *p, size_t len);
void ns_tf_buf_u32(struct ns_tf_buf *b, uint32_t v);
void ns_tf_buf_u64(struct ns_tf_buf *b, uint64_t v);
/* u32 length then the bytes, no NUL; NULL is written as length 0 */
void ns_tf_buf_str(struct ns_tf_buf *b, const char *s);

/* Bounds-checked cursor over a payload: every read fails once past the end. */
struct ns_tf_cur {
	const uint8_t *p;
	size_t left;
	bool bad;
};

uint32_t ns_tf_cur_u32(struct ns_tf_cur *c);
uint64_t ns_tf_cur_u64(struct ns_tf_cur *c);
/* malloc'd NUL-terminated copy (NULL for length 0 or when bad) */
char *ns_tf_cur_str(struct ns_tf_cur *c);

/* Open-addressing map u64 -> u64 (stack ids, symbol addresses). */
struct ns_tf_map {
	uint64_t *keys, *vals;
	uint8_t *used;
	size_t cap, n;
};

int ns_tf_map_put(struct ns_tf_map *m, uint64_t key, uint64_t val);
bool ns_tf_map_get(const struct ns_tf_map *m, uint64_t key, uint64_t *val);
void ns_tf_map_free(struct ns_tf_map *m);

/*
 * PAYLOADS records (tracefile_payload.c).  A record's cap_len is bounded by
 * what a pcapng EPB of one IP packet can hold, not by today's capture
 * maximum (NS_SNAPLEN_MAX), so a later netscope may copy more.
 */
#define NS_TF_PAYLOAD_HDR_SIZE 28
#define NS_TF_MAX_PAYLOAD_BYTES 65535u
struct ns_payload_rec;
void ns_tf_payload_encode(struct ns_tf_buf *b, const struct ns_payload_rec *p);
/* 0 when the chunk's len bytes are exactly count well-formed records, else -EBADMSG */
int ns_tf_payload_check(const uint8_t *p, size_t len, uint32_t count);
/* the record at p into *out (data points into p): its size, 0 when malformed */
size_t ns_tf_payload_decode(const uint8_t *p, size_t len, struct ns_payload_rec *out);

#endif
