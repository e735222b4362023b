// SPDX-License-Identifier: GPL-2.0
/*
 * EVENTS chunk codecs.  zstd level 1 is the writer's default since format
 * 1.1: on the events of a real SYN flood it compressed 12.8:1 at 281 MB/s
 * where zlib level 1 gave 6.3:1 at 78 MB/s, and deflate was 85 % of the
 * ring consumer's time (docs/PERFORMANCE.md, 2026-12-03).  Deflate stays
 * readable (and writable, for tests and old readers).
 */
#include <errno.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>
#include "trace/tracefile_codec.h"

struct ns_tf_codec_ctx {
	ZSTD_CCtx *cctx;	/* reused: a context per chunk would cost its setup each time */
	ZSTD_DCtx *dctx;
};

struct ns_tf_codec_ctx *ns_tf_codec_new(void)
{
	return calloc(1, sizeof(struct ns_tf_codec_ctx));
}

void ns_tf_codec_free(struct ns_tf_codec_ctx *c)
{
	if (!c)
		return;
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	free(c);
}

size_t ns_tf_codec_bound(enum ns_tf_codec codec, size_t len)
{
	switch (codec) {
	case NS_TF_CODEC_DEFLATE:
		return compressBound(len);
	case NS_TF_CODEC_ZSTD:
		return ZSTD_compressBound(len);
	default:
		return len;
	}
}

size_t ns_tf_codec_compress(struct ns_tf_codec_ctx *c, enum ns_tf_codec codec, int level,
			    void *dst, size_t cap, const void *src, size_t len)
{
	switch (codec) {
	case NS_TF_CODEC_DEFLATE: {
		uLongf zlen = cap;

		return compress2(dst, &zlen, src, len, level) == Z_OK ? zlen : 0;
	}
	case NS_TF_CODEC_ZSTD: {
		size_t n;

		if (!c->cctx && !(c->cctx = ZSTD_createCCtx()))
			return 0;
		n = ZSTD_compressCCtx(c->cctx, dst, cap, src, len, level);
		return ZSTD_isError(n) ? 0 : n;
	}
	default:
		return 0;
	}
}

int ns_tf_codec_decompress(struct ns_tf_codec_ctx *c, enum ns_tf_codec codec, void *dst,
			   size_t raw_len, const void *src, size_t len)
{
	switch (codec) {
	case NS_TF_CODEC_DEFLATE: {
		uLongf n = raw_len;

		if (uncompress(dst, &n, src, len) != Z_OK || n != raw_len)
			return -EBADMSG;
		return 0;
	}
	case NS_TF_CODEC_ZSTD: {
		size_t n;

		/* the frame must say its size, and say the chunk header's */
		if (ZSTD_getFrameContentSize(src, len) != raw_len)
			return -EBADMSG;
		if (!c->dctx && !(c->dctx = ZSTD_createDCtx()))
			return -ENOMEM;
		n = ZSTD_decompressDCtx(c->dctx, dst, raw_len, src, len);
		return ZSTD_isError(n) || n != raw_len ? -EBADMSG : 0;
	}
	default:
		return len == raw_len ? 0 : -EBADMSG;
	}
}

uint64_t ns_tf_codec_max_raw(enum ns_tf_codec codec, uint64_t stored_len)
{
	switch (codec) {
	/* deflate cannot compress better than 1032:1 (zlib FAQ) */
	case NS_TF_CODEC_DEFLATE:
		return stored_len * 1032;
	/*
	 * zstd's densest form is an RLE block: a 3-byte block header and one
	 * byte stand for at most 128 KiB (RFC 8878, 3.1.1.2), so 32768:1;
	 * the frame header only adds bytes.
	 */
	case NS_TF_CODEC_ZSTD:
		return stored_len * 32768;
	default:
		return stored_len;
	}
}

const char *ns_tf_codec_name(enum ns_tf_codec codec)
{
	switch (codec) {
	case NS_TF_CODEC_DEFLATE:
		return "deflate";
	case NS_TF_CODEC_ZSTD:
		return "zstd";
	default:
		return "none";
	}
}
