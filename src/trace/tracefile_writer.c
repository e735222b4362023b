// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file writer.  Metadata, names, symbols and stacks go to the file as
 * soon as they are known; events are buffered and written as one deflated
 * EVENTS chunk every chunk_events events.  So whatever an events chunk
 * refers to is always earlier in the file, and a crash loses at most the
 * events still in the buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "common/log.h"
#include "trace/tracefile.h"
#include "trace/tracefile_format.h"

struct tracefile_writer {
	FILE *f;
	char *path;
	struct ns_event *ev;	/* buffered events */
	size_t nev, chunk_events;
	int level;		/* zlib level for events */
	struct ns_tf_buf payload;
	uint8_t *z;		/* deflate output */
	size_t zcap;
	struct ns_tf_map stacks;	/* stack ids written */
	struct ns_tf_map syms;		/* symbol addresses written or pending */
	struct ns_tf_buf pending_syms;	/* SYMBOLS records not yet written */
	uint32_t npending_syms;
	uint64_t raw_bytes, stored_bytes, events;
	int err;		/* sticky: the file is unusable after a write error */
	char errmsg[256];
};

static int write_err(struct tracefile_writer *w, int err)
{
	if (!w->err) {
		w->err = err;
		snprintf(w->errmsg, sizeof(w->errmsg), "cannot write '%s': %s", w->path,
			 strerror(-err));
	}
	return w->err;
}

/*
 * One chunk: header then payload.  With deflate set, the payload is
 * compressed, and stored as is when that does not make it smaller.
 */
static int write_chunk(struct tracefile_writer *w, uint32_t type, uint32_t count,
		       const void *data, size_t len, bool deflate)
{
	struct ns_tf_chunk_hdr h = { .type = type, .count = count };
	uint8_t hdr[NS_TF_CHUNK_HDR_SIZE];
	const void *out = data;
	size_t out_len = len;

	if (w->err)
		return w->err;
	if (len > NS_TF_MAX_CHUNK)
		return write_err(w, -EFBIG);
	if (deflate && len) {
		uLongf zlen = compressBound(len);

		if (zlen > w->zcap) {
			uint8_t *z = realloc(w->z, zlen);

			if (!z)
				return write_err(w, -ENOMEM);
			w->z = z;
			w->zcap = zlen;
		}
		if (compress2(w->z, &zlen, data, len, w->level) == Z_OK && zlen < len) {
			out = w->z;
			out_len = zlen;
			h.flags |= NS_TF_CHUNK_DEFLATE;
		}
	}
	h.stored_len = out_len;
	h.raw_len = len;
	h.payload_crc = ns_tf_crc32(out, out_len);
	ns_tf_chunk_hdr_encode(&h, hdr);
	errno = 0;
	if (fwrite(hdr, sizeof(hdr), 1, w->f) != 1 ||
	    (out_len && fwrite(out, out_len, 1, w->f) != 1))
		return write_err(w, errno ? -errno : -EIO);
	if (type == NS_TF_CHUNK_EVENTS) {
		w->raw_bytes += len;
		w->stored_bytes += out_len + sizeof(hdr);
	}
	return 0;
}

static int write_payload(struct tracefile_writer *w, uint32_t type, uint32_t count)
{
	if (w->payload.err)
		return write_err(w, w->payload.err);
	return write_chunk(w, type, count, w->payload.p, w->payload.len, false);
}

static int write_meta_from(struct tracefile_writer *w, const struct ns_meta *meta, size_t from)
{
	size_t n = meta ? meta->n : 0;

	ns_tf_buf_reset(&w->payload);
	for (size_t i = from; i < n; i++) {
		ns_tf_buf_str(&w->payload, meta->kv[i].key);
		ns_tf_buf_str(&w->payload, meta->kv[i].value);
	}
	return write_payload(w, NS_TF_CHUNK_META, n > from ? n - from : 0);
}

static int write_meta(struct tracefile_writer *w, const struct ns_meta *meta)
{
	return write_meta_from(w, meta, 0);
}

int tfw_add_meta(struct tracefile_writer *w, const struct ns_meta *meta, size_t from)
{
	if (!meta || from >= meta->n)
		return 0;
	return write_meta_from(w, meta, from);
}

/* tables by their kind name, so a reader can skip kinds it does not know */
static int write_names(struct tracefile_writer *w, const struct ns_names *names)
{
	ns_tf_buf_reset(&w->payload);
	for (int k = 0; k < NS_NAMES__COUNT; k++) {
		size_t n = names ? names->n[k] : 0;

		ns_tf_buf_str(&w->payload, ns_name_kind_str(k));
		ns_tf_buf_u32(&w->payload, n);
		for (size_t i = 0; i < n; i++) {
			ns_tf_buf_u32(&w->payload, names->e[k][i].value);
			ns_tf_buf_str(&w->payload, names->e[k][i].name);
		}
	}
	return write_payload(w, NS_TF_CHUNK_NAMES, NS_NAMES__COUNT);
}

static int write_file_header(struct tracefile_writer *w)
{
	uint8_t h[NS_TF_FILE_HDR_SIZE] = { 0 };
	uint32_t bom = NS_TF_BYTE_ORDER_MARK;

	memcpy(h, NS_TF_MAGIC, NS_TF_MAGIC_LEN);
	ns_tf_put_le16(h + 8, NS_TRACE_VERSION_MAJOR);
	ns_tf_put_le16(h + 10, NS_TRACE_VERSION_MINOR);
	/* native order on purpose: it names the order of the event records */
	memcpy(h + 12, &bom, 4);
	ns_tf_put_le32(h + 16, sizeof(struct ns_event));
	ns_tf_put_le32(h + 20, NS_TF_FILE_HDR_SIZE);
	errno = 0;
	if (fwrite(h, sizeof(h), 1, w->f) != 1)
		return write_err(w, errno ? -errno : -EIO);
	return 0;
}

static void writer_free(struct tracefile_writer *w)
{
	free(w->path);
	free(w->ev);
	free(w->z);
	ns_tf_buf_free(&w->payload);
	ns_tf_buf_free(&w->pending_syms);
	ns_tf_map_free(&w->stacks);
	ns_tf_map_free(&w->syms);
	free(w);
}

struct tracefile_writer *tfw_open(const char *path, const struct ns_meta *meta,
				  const struct ns_names *names, char *err, size_t errlen)
{
	struct tracefile_writer *w = calloc(1, sizeof(*w));
	int ret;

	if (!w || !(w->path = strdup(path))) {
		free(w);
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(ENOMEM));
		errno = ENOMEM;
		return NULL;
	}
	w->chunk_events = NS_TF_DEFAULT_CHUNK_EVENTS;
	w->level = Z_BEST_SPEED;
	w->ev = malloc(w->chunk_events * sizeof(*w->ev));
	if (!w->ev) {
		ret = -ENOMEM;
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(-ret));
		goto fail;
	}
	w->f = fopen(path, "wbe");
	if (!w->f) {
		ret = -errno;
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(-ret));
		goto fail;
	}
	setvbuf(w->f, NULL, _IOFBF, 256 * 1024);
	ret = write_file_header(w);
	if (!ret)
		ret = write_meta(w, meta);
	if (!ret)
		ret = write_names(w, names);
	if (!ret && fflush(w->f))
		ret = write_err(w, -errno);
	if (ret) {
		snprintf(err, errlen, "%s", w->errmsg);
		fclose(w->f);
		goto fail;
	}
	return w;
fail:
	writer_free(w);
	errno = -ret;
	return NULL;
}

int tfw_set_chunk_events(struct tracefile_writer *w, size_t n)
{
	struct ns_event *ev;

	if (!n || n * sizeof(*ev) > NS_TF_MAX_CHUNK)
		return -EINVAL;
	if (w->nev) {
		int err = tfw_flush(w, NULL);

		if (err)
			return err;
	}
	ev = realloc(w->ev, n * sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	w->ev = ev;
	w->chunk_events = n;
	return 0;
}

int tfw_set_level(struct tracefile_writer *w, int level)
{
	if (level < Z_NO_COMPRESSION || level > Z_BEST_COMPRESSION)
		return -EINVAL;
	w->level = level;
	return 0;
}

static int flush_symbols(struct tracefile_writer *w)
{
	int err;

	if (!w->npending_syms)
		return 0;
	if (w->pending_syms.err)
		return write_err(w, w->pending_syms.err);
	err = write_chunk(w, NS_TF_CHUNK_SYMBOLS, w->npending_syms, w->pending_syms.p,
			  w->pending_syms.len, false);
	ns_tf_buf_reset(&w->pending_syms);
	w->npending_syms = 0;
	return err;
}

static int flush_events(struct tracefile_writer *w)
{
	int err;

	/* symbols named by these events (tfw_add_symbol) go first */
	err = flush_symbols(w);
	if (err || !w->nev)
		return err;
	err = write_chunk(w, NS_TF_CHUNK_EVENTS, w->nev, w->ev, w->nev * sizeof(*w->ev), true);
	w->events += w->nev;
	w->nev = 0;
	return err;
}

int tfw_add_event(struct tracefile_writer *w, const struct ns_event *ev)
{
	if (w->err)
		return w->err;
	w->ev[w->nev++] = *ev;
	if (w->nev == w->chunk_events)
		return flush_events(w);
	return 0;
}

int tfw_add_symbol(struct tracefile_writer *w, uint64_t addr, const struct ksyms *ks)
{
	const struct ksym *sym = ksyms__map_addr(ks, addr);
	int err;

	if (w->err)
		return w->err;
	if (!sym || ns_tf_map_get(&w->syms, sym->addr, NULL))
		return 0;
	err = ns_tf_map_put(&w->syms, sym->addr, 1);
	if (err)
		return write_err(w, err);
	ns_tf_buf_u64(&w->pending_syms, sym->addr);
	ns_tf_buf_str(&w->pending_syms, sym->name);
	ns_tf_buf_str(&w->pending_syms, sym->module);
	w->npending_syms++;
	return 0;
}

int tfw_add_stack(struct tracefile_writer *w, int32_t id, const uint64_t *ips, size_t n,
		  const struct ksyms *ks)
{
	int err;

	if (w->err)
		return w->err;
	if (tfw_has_stack(w, id))
		return 0;
	if (n > NS_TF_MAX_CHUNK / 8 - 1)
		return -E2BIG;
	for (size_t i = 0; ks && i < n; i++) {
		err = tfw_add_symbol(w, ips[i], ks);
		if (err)
			return err;
	}
	err = flush_symbols(w);
	if (err)
		return err;
	ns_tf_buf_reset(&w->payload);
	ns_tf_buf_u32(&w->payload, (uint32_t)id);
	ns_tf_buf_u32(&w->payload, n);
	for (size_t i = 0; i < n; i++)
		ns_tf_buf_u64(&w->payload, ips[i]);
	err = write_payload(w, NS_TF_CHUNK_STACK, 1);
	if (err)
		return err;
	err = ns_tf_map_put(&w->stacks, (uint32_t)id, 1);
	return err ? write_err(w, err) : 0;
}

bool tfw_has_stack(const struct tracefile_writer *w, int32_t id)
{
	return ns_tf_map_get(&w->stacks, (uint32_t)id, NULL);
}

/*
 * Field by field, each a little-endian u64: a struct dump would tie the file
 * to this compiler's padding and to NS_EV__COUNT of today.
 */
static int write_stats(struct tracefile_writer *w, const struct ns_capture_stats *s)
{
	ns_tf_buf_reset(&w->payload);
	ns_tf_buf_u32(&w->payload, NS_EV__COUNT);
	for (int i = 0; i < NS_EV__COUNT; i++)
		ns_tf_buf_u64(&w->payload, s->produced[i]);
	for (int i = 0; i < NS_EV__COUNT; i++)
		ns_tf_buf_u64(&w->payload, s->lost[i]);
	for (int i = 0; i < NS_EV__COUNT; i++)
		ns_tf_buf_u64(&w->payload, s->captured[i]);
	ns_tf_buf_u64(&w->payload, s->stack_err);
	ns_tf_buf_u64(&w->payload, s->stack_taken);
	ns_tf_buf_u64(&w->payload, s->ids_evicted);
	return write_payload(w, NS_TF_CHUNK_STATS, 1);
}

int tfw_flush(struct tracefile_writer *w, const struct ns_capture_stats *stats)
{
	int err = flush_events(w);

	if (!err && stats)
		err = write_stats(w, stats);
	if (!err && fflush(w->f))
		err = write_err(w, -errno);
	return err;
}

int tfw_close(struct tracefile_writer *w, const struct ns_capture_stats *stats)
{
	int err;

	if (!w)
		return 0;
	err = tfw_flush(w, stats);
	if (!err)
		err = write_chunk(w, NS_TF_CHUNK_END, 0, NULL, 0, false);
	if (fclose(w->f) && !err)
		err = write_err(w, -errno);
	if (err && w->errmsg[0])
		ns_err("%s", w->errmsg);
	writer_free(w);
	return err;
}

const char *tfw_error(const struct tracefile_writer *w)
{
	return w->err ? w->errmsg : NULL;
}

void tfw_sizes(const struct tracefile_writer *w, uint64_t *events, uint64_t *raw_bytes,
	       uint64_t *stored_bytes)
{
	if (events)
		*events = w->events + w->nev;
	if (raw_bytes)
		*raw_bytes = w->raw_bytes;
	if (stored_bytes)
		*stored_bytes = w->stored_bytes;
}
