// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file reader.  Streams chunk by chunk, so a file of any size is read
 * in constant memory (one chunk at a time, at most NS_TF_MAX_CHUNK).
 *
 * Every length in the file is untrusted: it is checked against the bytes
 * left in the file and NS_TF_MAX_CHUNK before anything is allocated, and
 * payloads are parsed with a bounds-checked cursor.  A file cut off
 * mid-write ends cleanly at its last complete chunk (tfr_truncated()); a
 * damaged chunk followed by more data is an error naming its offset.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/log.h"
#include "trace/tracefile.h"
#include "trace/tracefile_codec.h"
#include "trace/tracefile_format.h"

/* the codec a chunk's flags name (at most one of them is set) */
static enum ns_tf_codec chunk_codec(uint32_t flags)
{
	if (flags & NS_TF_CHUNK_DEFLATE)
		return NS_TF_CODEC_DEFLATE;
	if (flags & NS_TF_CHUNK_ZSTD)
		return NS_TF_CODEC_ZSTD;
	return NS_TF_CODEC_NONE;
}

struct tf_stack {
	uint64_t *ips;
	size_t n;
};

struct tracefile_reader {
	FILE *f;
	char *path;
	uint64_t size; /* UINT64_MAX when not a regular file (a pipe) */
	uint64_t pos;  /* offset of the next chunk */
	uint16_t major, minor;
	uint32_t event_size; /* sizeof(struct ns_event) of the writer */
	struct ns_meta meta;
	struct ns_names names;
	struct ksyms *ks;
	struct ns_tf_map stack_idx; /* stack id -> index in stacks */
	struct tf_stack *stacks;
	size_t nstacks, stacks_cap;
	struct ns_capture_stats stats;
	bool have_stats;
	uint8_t *payload, *raw;
	size_t payload_cap, raw_cap;
	struct ns_tf_codec_ctx *codec; /* decompression state, made at the first compressed chunk */
	/* packet bytes (tfr_want_payloads()): records from pl_off to pl_len */
	bool want_payloads;
	uint8_t *pl;
	size_t pl_len, pl_off, pl_cap;
	const uint8_t *ev; /* current events chunk */
	uint32_t ev_count, ev_next;
	bool ended, truncated;
	uint64_t trunc_off;
	int err; /* sticky */
	char errmsg[512];
};

static int fail(struct tracefile_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct tracefile_reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->err)
		return r->err;
	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

static int corrupt(struct tracefile_reader *r, uint64_t off, const char *why)
{
	return fail(r, -EBADMSG, "'%s': corrupt chunk at offset %" PRIu64 " (%s)", r->path, off,
		    why);
}

static int end_truncated(struct tracefile_reader *r, uint64_t off)
{
	r->ended = true;
	r->truncated = true;
	r->trunc_off = off;
	return 0;
}

static int grow(uint8_t **buf, size_t *cap, size_t len)
{
	uint8_t *p;

	if (len <= *cap)
		return 0;
	p = realloc(*buf, len);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = len;
	return 0;
}

/* A crash can leave zeroed blocks after the last write: that is a cut-off, not damage. */
static bool rest_is_zero(struct tracefile_reader *r, const uint8_t *hdr, size_t n)
{
	int c;

	for (size_t i = 0; i < n; i++)
		if (hdr[i])
			return false;
	while ((c = getc(r->f)) != EOF)
		if (c)
			return false;
	return !ferror(r->f);
}

/* 1: chunk read (payload inflated into *data), 0: end of the stream, <0: error */
static int read_chunk(struct tracefile_reader *r, struct ns_tf_chunk_hdr *h, const uint8_t **data)
{
	uint8_t hb[NS_TF_CHUNK_HDR_SIZE];
	uint64_t off = r->pos;
	enum ns_tf_codec codec;
	size_t got;
	int err;

	got = fread(hb, 1, sizeof(hb), r->f);
	if (got < sizeof(hb)) {
		if (ferror(r->f))
			return fail(r, -EIO, "cannot read '%s': %s", r->path, strerror(EIO));
		return end_truncated(r, off);
	}
	if (!ns_tf_chunk_hdr_decode(hb, h)) {
		if (rest_is_zero(r, hb, sizeof(hb)))
			return end_truncated(r, off);
		return corrupt(r, off, "bad chunk header");
	}
	if (h->stored_len > NS_TF_MAX_CHUNK || h->raw_len > NS_TF_MAX_CHUNK)
		return corrupt(r, off, "length exceeds limit");
	if (h->flags & ~(uint32_t)NS_TF_CHUNK_CODECS)
		return fail(r, -EOPNOTSUPP,
			    "'%s': chunk at offset %" PRIu64 " has unknown encoding flags 0x%x", r->path,
			    off, h->flags);
	if (h->flags == NS_TF_CHUNK_CODECS)
		return corrupt(r, off, "two codecs");
	codec = chunk_codec(h->flags);
	if (codec != NS_TF_CODEC_NONE) {
		if (ns_tf_codec_max_raw(codec, h->stored_len) < h->raw_len || !h->stored_len)
			return corrupt(r, off, "length exceeds limit");
	} else if (h->raw_len != h->stored_len) {
		return corrupt(r, off, "length mismatch");
	}
	/* a cut-off file: the chunk's bytes are not all there */
	if (r->size != UINT64_MAX &&
	    h->stored_len > r->size - off - NS_TF_CHUNK_HDR_SIZE)
		return end_truncated(r, off);
	err = grow(&r->payload, &r->payload_cap, h->stored_len);
	if (err)
		return fail(r, err, "'%s': out of memory", r->path);
	if (h->stored_len && fread(r->payload, h->stored_len, 1, r->f) != 1) {
		if (ferror(r->f))
			return fail(r, -EIO, "cannot read '%s': %s", r->path, strerror(EIO));
		return end_truncated(r, off);
	}
	if (ns_tf_crc32(r->payload, h->stored_len) != h->payload_crc) {
		/* the last chunk of the file was being written when it stopped
		 * (maybe followed by zeroed blocks) */
		if (rest_is_zero(r, NULL, 0))
			return end_truncated(r, off);
		return corrupt(r, off, "crc mismatch");
	}
	r->pos = off + NS_TF_CHUNK_HDR_SIZE + h->stored_len;
	*data = r->payload;
	if (codec != NS_TF_CODEC_NONE) {
		err = grow(&r->raw, &r->raw_cap, h->raw_len);
		if (err)
			return fail(r, err, "'%s': out of memory", r->path);
		if (!r->codec && !(r->codec = ns_tf_codec_new()))
			return fail(r, -ENOMEM, "'%s': out of memory", r->path);
		err = ns_tf_codec_decompress(r->codec, codec, r->raw, h->raw_len, r->payload,
					     h->stored_len);
		if (err == -ENOMEM)
			return fail(r, err, "'%s': out of memory", r->path);
		if (err)
			return corrupt(r, off, "bad compressed data");
		*data = r->raw;
	}
	return 1;
}

static int parse_meta(struct tracefile_reader *r, struct ns_tf_cur *c, uint32_t count)
{
	for (uint32_t i = 0; i < count && !c->bad; i++) {
		char *key = ns_tf_cur_str(c), *value = ns_tf_cur_str(c);
		int err = 0;

		if (key && !c->bad)
			err = ns_meta_set(&r->meta, key, value ? value : "");
		free(key);
		free(value);
		if (err)
			return err;
	}
	return 0;
}

static int parse_names(struct tracefile_reader *r, struct ns_tf_cur *c, uint32_t count)
{
	for (uint32_t t = 0; t < count && !c->bad; t++) {
		char *kind_name = ns_tf_cur_str(c);
		int kind = kind_name ? ns_name_kind_by_str(kind_name) : -1;
		uint32_t n = ns_tf_cur_u32(c);

		free(kind_name);
		for (uint32_t i = 0; i < n && !c->bad; i++) {
			uint32_t value = ns_tf_cur_u32(c);
			char *name = ns_tf_cur_str(c);
			int err = 0;

			/* tables of kinds this netscope does not know are skipped */
			if (name && kind >= 0)
				err = ns_names_add(&r->names, kind, value, name);
			free(name);
			if (err)
				return err;
		}
	}
	return 0;
}

static int parse_symbols(struct tracefile_reader *r, struct ns_tf_cur *c, uint32_t count)
{
	bool sorted = true;
	size_t first = r->ks->n;

	for (uint32_t i = 0; i < count && !c->bad; i++) {
		uint64_t addr = ns_tf_cur_u64(c);
		char *name = ns_tf_cur_str(c), *module = ns_tf_cur_str(c);
		int err = 0;

		if (name && !c->bad)
			err = ksyms__add(r->ks, addr, name, module);
		free(name);
		free(module);
		if (err)
			return err;
	}
	for (size_t i = first ? first : 1; i < r->ks->n && sorted; i++)
		sorted = r->ks->syms[i - 1].addr <= r->ks->syms[i].addr;
	if (!sorted)
		ksyms__sort(r->ks);
	return 0;
}

static int parse_stack(struct tracefile_reader *r, struct ns_tf_cur *c)
{
	int32_t id = (int32_t)ns_tf_cur_u32(c);
	uint32_t n = ns_tf_cur_u32(c);
	struct tf_stack st = { 0 };
	uint64_t idx;

	if (c->bad || n > c->left / 8) {
		c->bad = true;
		return 0;
	}
	st.n = n;
	st.ips = malloc((n ? n : 1) * sizeof(*st.ips));
	if (!st.ips)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		st.ips[i] = ns_tf_cur_u64(c);
	if (ns_tf_map_get(&r->stack_idx, (uint32_t)id, &idx)) {
		/* the same id again: the later stack replaces the earlier */
		free(r->stacks[idx].ips);
		r->stacks[idx] = st;
		return 0;
	}
	if (r->nstacks == r->stacks_cap) {
		size_t cap = r->stacks_cap ? r->stacks_cap * 2 : 64;
		struct tf_stack *s = realloc(r->stacks, cap * sizeof(*s));

		if (!s) {
			free(st.ips);
			return -ENOMEM;
		}
		r->stacks = s;
		r->stacks_cap = cap;
	}
	if (ns_tf_map_put(&r->stack_idx, (uint32_t)id, r->nstacks)) {
		free(st.ips);
		return -ENOMEM;
	}
	r->stacks[r->nstacks++] = st;
	return 0;
}

static void parse_stats(struct tracefile_reader *r, struct ns_tf_cur *c)
{
	struct ns_capture_stats s = { 0 };
	uint32_t nev = ns_tf_cur_u32(c);
	uint64_t *arrays[3] = { s.produced, s.lost, s.captured };

	/* a writer with more event types than we know: keep the ones we know */
	if (c->bad || nev > c->left / 8) {
		c->bad = true;
		return;
	}
	for (int a = 0; a < 3; a++) {
		for (uint32_t i = 0; i < nev; i++) {
			uint64_t v = ns_tf_cur_u64(c);

			if (i < NS_EV__COUNT)
				arrays[a][i] = v;
		}
	}
	s.stack_err = ns_tf_cur_u64(c);
	s.stack_taken = ns_tf_cur_u64(c);
	s.ids_evicted = ns_tf_cur_u64(c);
	if (c->bad)
		return;
	/* 1.1: the writer thread's counters; absent in 1.0 files */
	if (c->left >= 3 * 8) {
		s.writer_dropped = ns_tf_cur_u64(c);
		s.writer_stalls = ns_tf_cur_u64(c);
		s.writer_stall_ns = ns_tf_cur_u64(c);
	}
	/* 1.2: the packet bytes of --snaplen */
	if (c->left >= 5 * 8) {
		s.payload_produced = ns_tf_cur_u64(c);
		s.payload_lost = ns_tf_cur_u64(c);
		s.payload_captured = ns_tf_cur_u64(c);
		s.payload_unmatched = ns_tf_cur_u64(c);
		s.payload_cut = ns_tf_cur_u64(c);
	}
	/* fields appended by later minor versions follow: ignored */
	r->stats = s;
	r->have_stats = true;
}

/* a PAYLOADS chunk, checked whole, behind the records not taken yet */
static int queue_payloads(struct tracefile_reader *r, const struct ns_tf_chunk_hdr *h,
			  const uint8_t *data, uint64_t off)
{
	size_t left = r->pl_len - r->pl_off;
	int err;

	if (ns_tf_payload_check(data, h->raw_len, h->count))
		return corrupt(r, off, "bad payloads chunk");
	if (!h->raw_len)
		return 0;
	if (left && r->pl_off)
		memmove(r->pl, r->pl + r->pl_off, left);
	r->pl_off = 0;
	r->pl_len = left;
	err = grow(&r->pl, &r->pl_cap, left + h->raw_len);
	if (err)
		return fail(r, err, "'%s': out of memory", r->path);
	memcpy(r->pl + left, data, h->raw_len);
	r->pl_len += h->raw_len;
	return 0;
}

/* 1: an events chunk is ready, 0: not an events chunk, <0: error */
static int process_chunk(struct tracefile_reader *r, const struct ns_tf_chunk_hdr *h,
			 const uint8_t *data, uint64_t off)
{
	struct ns_tf_cur c = { .p = data, .left = h->raw_len };
	char why[64];
	int err = 0;

	switch (h->type) {
	case NS_TF_CHUNK_META:
		err = parse_meta(r, &c, h->count);
		break;
	case NS_TF_CHUNK_NAMES:
		err = parse_names(r, &c, h->count);
		break;
	case NS_TF_CHUNK_SYMBOLS:
		err = parse_symbols(r, &c, h->count);
		break;
	case NS_TF_CHUNK_STACK:
		err = parse_stack(r, &c);
		break;
	case NS_TF_CHUNK_STATS:
		parse_stats(r, &c);
		break;
	case NS_TF_CHUNK_EVENTS:
		if ((uint64_t)h->count * r->event_size != h->raw_len)
			return corrupt(r, off, "events chunk size does not match its count");
		r->ev = data;
		r->ev_count = h->count;
		r->ev_next = 0;
		return 1;
	case NS_TF_CHUNK_END:
		r->ended = true;
		return 0;
	case NS_TF_CHUNK_PAYLOADS:
		return r->want_payloads ? queue_payloads(r, h, data, off) : 0;
	default:
		/* chunk types of later minor versions: skipped */
		return 0;
	}
	if (err)
		return fail(r, err, "'%s': %s", r->path, strerror(-err));
	if (c.bad) {
		snprintf(why, sizeof(why), "bad %s chunk", ns_tf_chunk_type_str(h->type));
		return corrupt(r, off, why);
	}
	return 0;
}

/* Read chunks until an events chunk is loaded (1), the end (0) or an error. */
static int pump(struct tracefile_reader *r)
{
	while (!r->ended) {
		struct ns_tf_chunk_hdr h;
		const uint8_t *data = NULL;
		uint64_t off = r->pos;
		int rc;

		if (r->err)
			return r->err;
		rc = read_chunk(r, &h, &data);
		if (rc <= 0)
			return rc;
		rc = process_chunk(r, &h, data, off);
		if (rc)
			return rc;
	}
	return 0;
}

static int read_file_header(struct tracefile_reader *r)
{
	uint8_t h[NS_TF_FILE_HDR_SIZE];
	uint32_t bom, bom_native = NS_TF_BYTE_ORDER_MARK, hdr_size;
	size_t got = fread(h, 1, sizeof(h), r->f);

	if (ferror(r->f))
		return fail(r, -EIO, "cannot read '%s': %s", r->path, strerror(EIO));
	if (got < NS_TF_MAGIC_LEN ? (!got || memcmp(h, NS_TF_MAGIC, got))
				  : memcmp(h, NS_TF_MAGIC, NS_TF_MAGIC_LEN))
		return fail(r, -EINVAL, "'%s' is not a netscope trace (bad magic)", r->path);
	if (got < sizeof(h))
		return fail(r, -EINVAL, "'%s': truncated file header", r->path);
	r->major = ns_tf_get_le16(h + 8);
	r->minor = ns_tf_get_le16(h + 10);
	if (r->major > NS_TRACE_VERSION_MAJOR)
		return fail(r, -EPROTONOSUPPORT,
			    "'%s': trace format %u.%u is newer than this netscope (%u.x)", r->path,
			    r->major, r->minor, NS_TRACE_VERSION_MAJOR);
	if (r->major < 1)
		return fail(r, -EPROTONOSUPPORT, "'%s': trace format %u.%u is not supported",
			    r->path, r->major, r->minor);
	memcpy(&bom, h + 12, 4);
	if (bom != bom_native) {
		if (bom == __builtin_bswap32(bom_native))
			return fail(r, -EPROTONOSUPPORT,
				    "'%s': written on a machine of the other byte order (not supported)",
				    r->path);
		return fail(r, -EINVAL, "'%s': corrupt file header (byte-order mark)", r->path);
	}
	r->event_size = ns_tf_get_le32(h + 16);
	if (!r->event_size || r->event_size > NS_TF_MAX_EVENT_SIZE)
		return fail(r, -EINVAL, "'%s': corrupt file header (event size %u)", r->path,
			    r->event_size);
	hdr_size = ns_tf_get_le32(h + 20);
	if (hdr_size < NS_TF_FILE_HDR_SIZE || hdr_size > 4096)
		return fail(r, -EINVAL, "'%s': corrupt file header (header size %u)", r->path,
			    hdr_size);
	/* header fields of later minor versions: skipped */
	for (uint32_t i = NS_TF_FILE_HDR_SIZE; i < hdr_size; i++)
		if (getc(r->f) == EOF)
			return fail(r, -EINVAL, "'%s': truncated file header", r->path);
	r->pos = hdr_size;
	return 0;
}

struct tracefile_reader *tfr_open(const char *path, char *err, size_t errlen)
{
	struct tracefile_reader *r = calloc(1, sizeof(*r));
	struct stat st;
	int ret;

	if (!r || !(r->path = strdup(path)) || !(r->ks = ksyms__new())) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(ENOMEM));
		tfr_close(r);
		errno = ENOMEM;
		return NULL;
	}
	r->f = fopen(path, "rbe");
	if (!r->f) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(-ret));
		tfr_close(r);
		errno = -ret;
		return NULL;
	}
	r->size = UINT64_MAX;
	if (!fstat(fileno(r->f), &st) && S_ISREG(st.st_mode))
		r->size = st.st_size;
	ret = read_file_header(r);
	/* meta, names and stacks come before the first events chunk */
	if (!ret)
		ret = pump(r);
	if (ret < 0) {
		snprintf(err, errlen, "%s", r->errmsg);
		tfr_close(r);
		errno = -ret;
		return NULL;
	}
	ns_dbg(1, "%s: trace format %u.%u, event size %u (ours %zu)", path, r->major, r->minor,
	       r->event_size, sizeof(struct ns_event));
	return r;
}

int tfr_next(struct tracefile_reader *r, struct ns_event *ev)
{
	while (r->ev_next == r->ev_count) {
		int rc;

		if (r->err)
			return r->err;
		rc = pump(r);
		if (rc <= 0)
			return rc;
	}
	if (r->event_size == sizeof(*ev)) {
		memcpy(ev, r->ev + (size_t)r->ev_next * r->event_size, sizeof(*ev));
	} else {
		/* fields appended by a newer writer are dropped; those an older
		 * writer did not have read as zero */
		size_t n = r->event_size < sizeof(*ev) ? r->event_size : sizeof(*ev);

		memset(ev, 0, sizeof(*ev));
		memcpy(ev, r->ev + (size_t)r->ev_next * r->event_size, n);
	}
	r->ev_next++;
	return 1;
}

void tfr_want_payloads(struct tracefile_reader *r)
{
	r->want_payloads = true;
}

int tfr_next_payload(struct tracefile_reader *r, struct ns_payload_rec *p)
{
	size_t n;

	if (r->pl_off >= r->pl_len)
		return 0;
	/* the chunk was checked when it was queued */
	n = ns_tf_payload_decode(r->pl + r->pl_off, r->pl_len - r->pl_off, p);
	if (!n) {
		r->pl_off = r->pl_len;
		return 0;
	}
	r->pl_off += n;
	return 1;
}

const struct ns_meta *tfr_meta(const struct tracefile_reader *r)
{
	return &r->meta;
}

const struct ns_names *tfr_names(const struct tracefile_reader *r)
{
	return &r->names;
}

const struct ksyms *tfr_ksyms(const struct tracefile_reader *r)
{
	return r->ks;
}

const uint64_t *tfr_stack(const struct tracefile_reader *r, int32_t id, size_t *n)
{
	uint64_t idx;

	if (!ns_tf_map_get(&r->stack_idx, (uint32_t)id, &idx)) {
		if (n)
			*n = 0;
		return NULL;
	}
	if (n)
		*n = r->stacks[idx].n;
	return r->stacks[idx].ips;
}

bool tfr_stats(const struct tracefile_reader *r, struct ns_capture_stats *stats)
{
	if (r->have_stats && stats)
		*stats = r->stats;
	return r->have_stats;
}

bool tfr_truncated(const struct tracefile_reader *r, uint64_t *offset)
{
	if (r->truncated && offset)
		*offset = r->trunc_off;
	return r->truncated;
}

const char *tfr_error(const struct tracefile_reader *r)
{
	return r->err ? r->errmsg : NULL;
}

void tfr_version(const struct tracefile_reader *r, unsigned int *major, unsigned int *minor,
		 size_t *event_size)
{
	if (major)
		*major = r->major;
	if (minor)
		*minor = r->minor;
	if (event_size)
		*event_size = r->event_size;
}

void tfr_close(struct tracefile_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->path);
	ns_meta_free(&r->meta);
	ns_names_free(&r->names);
	ksyms__free(r->ks);
	for (size_t i = 0; i < r->nstacks; i++)
		free(r->stacks[i].ips);
	free(r->stacks);
	ns_tf_map_free(&r->stack_idx);
	free(r->payload);
	free(r->raw);
	free(r->pl);
	ns_tf_codec_free(r->codec);
	free(r);
}
