/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Codecs of EVENTS chunk payloads (private to src/trace/tracefile*.c).
 * A chunk's flags name its codec (docs/TRACE_FORMAT.md): deflate since 1.0,
 * zstd since 1.1.  The writer uses one; the reader reads both.
 */
#ifndef NS_TRACEFILE_CODEC_H
#define NS_TRACEFILE_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "trace/tracefile.h" /* enum ns_tf_codec */

struct ns_tf_codec_ctx;

struct ns_tf_codec_ctx *ns_tf_codec_new(void);
void ns_tf_codec_free(struct ns_tf_codec_ctx *c);
/* bytes an output buffer needs to compress len bytes with codec */
size_t ns_tf_codec_bound(enum ns_tf_codec codec, size_t len);
/*
 * Compress src into dst (cap bytes, at least ns_tf_codec_bound()).
 * Returns the compressed length, or 0 when the codec failed (the caller
 * then stores the payload as is).
 */
size_t ns_tf_codec_compress(struct ns_tf_codec_ctx *c, enum ns_tf_codec codec, int level,
			    void *dst, size_t cap, const void *src, size_t len);
/*
 * Decompress exactly raw_len bytes into dst; 0, or -EBADMSG when the data
 * is damaged or does not decompress to raw_len bytes.
 */
int ns_tf_codec_decompress(struct ns_tf_codec_ctx *c, enum ns_tf_codec codec, void *dst,
			   size_t raw_len, const void *src, size_t len);
/*
 * The largest raw_len a payload of stored_len bytes can honestly claim, so
 * that a reader never allocates for a lie.
 */
uint64_t ns_tf_codec_max_raw(enum ns_tf_codec codec, uint64_t stored_len);
const char *ns_tf_codec_name(enum ns_tf_codec codec);

#endif
