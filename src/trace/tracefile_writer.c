// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file writer.  Metadata, names, symbols and stacks are queued for
 * the file as soon as they are known; events are buffered and queued as one
 * compressed EVENTS chunk (zstd since format 1.1) every chunk_events
 * events.  So whatever an events chunk refers to is always earlier in the
 * file, and a crash loses at most the events still buffered or queued.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <zstd.h>
#include "common/log.h"
#include "trace/tracefile.h"
#include "trace/tracefile_codec.h"
#include "trace/tracefile_format.h"

/*
 * Chunks go to the file through one FIFO served by a writer thread, so the
 * ring consumer (the caller) only copies events into a chunk buffer and
 * never waits on compression or on the disk: compressing was 85 % of its
 * time on a SYN flood (docs/PERFORMANCE.md).  FIFO order keeps the
 * ordering rule: a stack or symbol is queued before the events naming it.
 */
struct tfw_job {
	struct tfw_job *next;
	uint32_t type, count;
	uint8_t *data;	/* owned by the job: a payload, or a pool buffer of events */
	size_t len;
	bool events;	/* a pool buffer: compress it, then give it back */
	bool compress;	/* compress this one too (PAYLOADS) */
	bool flush;	/* fflush() after writing (stats checkpoints, close) */
};

struct tracefile_writer {
	/* the caller's side */
	char *path;
	struct tfw_job *cur;	/* the events buffer being filled */
	size_t nev, chunk_events;
	struct ns_tf_buf payload;
	struct ns_tf_map stacks;	/* stack ids written */
	struct ns_tf_map syms;		/* symbol addresses written or pending */
	struct ns_tf_buf pending_syms;	/* SYMBOLS records not yet written */
	uint32_t npending_syms;
	struct ns_tf_buf payloads;	/* PAYLOADS records not yet queued (--snaplen) */
	uint32_t npayloads;
	uint64_t events;		/* events added */
	bool stalled;			/* the last wait for a buffer timed out */

	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t work, space, idle;
	struct tfw_job *head, *tail, *free_bufs;
	size_t nbufs, max_bufs;
	bool busy, quit, thread_started;
	pthread_t thread;
	uint64_t raw_bytes, stored_bytes;
	uint64_t stalls, stall_ns, dropped; /* the writer fell behind (tfw_writer_stats()) */
	int err;		/* sticky: the file is unusable after a write error */
	char errmsg[256];

	/* the writer thread's side (the caller's before the thread starts and after it ends) */
	FILE *f;
	enum ns_tf_codec codec;
	int level;
	struct ns_tf_codec_ctx *cctx;
	uint8_t *z;		/* compressed output */
	size_t zcap;
};

/* events buffers the queue may hold: 32 chunks of 4096 events, ~23 MB,
 * about 0.15 s of a SYN flood the writer cannot keep up with */
#define TFW_MAX_BUFS 32
/* how long the ring consumer waits for a free buffer before it drops a
 * chunk of events (counted): it must never hang on a stuck disk */
#define TFW_WAIT_NS 1000000000ull

static int load_err(const struct tracefile_writer *w)
{
	return __atomic_load_n(&w->err, __ATOMIC_ACQUIRE);
}

/* under mu, or before the thread runs */
static int set_err(struct tracefile_writer *w, int err)
{
	if (!w->err) {
		snprintf(w->errmsg, sizeof(w->errmsg), "cannot write '%s': %s", w->path,
			 strerror(-err));
		__atomic_store_n(&w->err, err, __ATOMIC_RELEASE);
	}
	return w->err;
}

static int write_err(struct tracefile_writer *w, int err)
{
	int ret;

	pthread_mutex_lock(&w->mu);
	ret = set_err(w, err);
	pthread_mutex_unlock(&w->mu);
	return ret;
}

/*
 * One chunk: header then payload.  With compress set, the payload goes
 * through the writer's codec and is stored as is when that does not make
 * it smaller.  Runs on the writer thread (or before it starts).
 */
static int write_chunk(struct tracefile_writer *w, uint32_t type, uint32_t count,
		       const void *data, size_t len, bool compress)
{
	struct ns_tf_chunk_hdr h = { .type = type, .count = count };
	uint8_t hdr[NS_TF_CHUNK_HDR_SIZE];
	const void *out = data;
	size_t out_len = len;

	if (load_err(w))
		return load_err(w);
	if (len > NS_TF_MAX_CHUNK)
		return write_err(w, -EFBIG);
	if (compress && len && w->codec != NS_TF_CODEC_NONE) {
		size_t bound = ns_tf_codec_bound(w->codec, len), zlen;

		if (bound > w->zcap) {
			uint8_t *z = realloc(w->z, bound);

			if (!z)
				return write_err(w, -ENOMEM);
			w->z = z;
			w->zcap = bound;
		}
		zlen = ns_tf_codec_compress(w->cctx, w->codec, w->level, w->z, w->zcap, data, len);
		if (zlen && zlen < len) {
			out = w->z;
			out_len = zlen;
			h.flags |= w->codec == NS_TF_CODEC_ZSTD ? NS_TF_CHUNK_ZSTD : NS_TF_CHUNK_DEFLATE;
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
		pthread_mutex_lock(&w->mu);
		w->raw_bytes += len;
		w->stored_bytes += out_len + sizeof(hdr);
		pthread_mutex_unlock(&w->mu);
	}
	return 0;
}

static void *writer_thread(void *arg)
{
	struct tracefile_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct tfw_job *j;

		while (!w->head && !w->quit)
			pthread_cond_wait(&w->work, &w->mu);
		j = w->head;
		if (!j)
			break;
		w->head = j->next;
		if (!w->head)
			w->tail = NULL;
		w->busy = true;
		pthread_mutex_unlock(&w->mu);

		/* after an error the queue is drained unwritten: the error was reported */
		if (!write_chunk(w, j->type, j->count, j->data, j->len, j->events || j->compress) &&
		    j->flush &&
		    fflush(w->f))
			write_err(w, -errno);

		pthread_mutex_lock(&w->mu);
		w->busy = false;
		if (j->events) {
			j->next = w->free_bufs;
			w->free_bufs = j;
			pthread_cond_signal(&w->space);
		} else {
			free(j->data);
			free(j);
		}
		if (!w->head)
			pthread_cond_broadcast(&w->idle);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void enqueue(struct tracefile_writer *w, struct tfw_job *j)
{
	j->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
}

/* Wait until the writer thread has written everything queued. */
static void wait_idle(struct tracefile_writer *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->thread_started && (w->head || w->busy))
		pthread_cond_wait(&w->idle, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * A free events buffer: from the pool, a new one while the pool is below
 * max_bufs, else wait for the writer, at most TFW_WAIT_NS.  NULL when that
 * ran out (or an earlier wait did and the writer still has none free): the
 * caller drops the event and counts it.
 */
static struct tfw_job *get_buf(struct tracefile_writer *w)
{
	struct tfw_job *j = NULL;
	uint64_t t0 = 0;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (w->free_bufs) {
			j = w->free_bufs;
			w->free_bufs = j->next;
			break;
		}
		if (w->nbufs < w->max_bufs) {
			j = calloc(1, sizeof(*j));
			if (j && !(j->data = malloc(w->chunk_events * sizeof(struct ns_event)))) {
				free(j);
				j = NULL;
			}
			if (!j) {
				set_err(w, -ENOMEM);
				break;
			}
			j->events = true;
			j->type = NS_TF_CHUNK_EVENTS;
			w->nbufs++;
			break;
		}
		if (w->stalled || w->err)
			break;
		if (!t0) {
			t0 = now_ns();
			w->stalls++;
		}
		uint64_t waited = now_ns() - t0;

		if (waited >= TFW_WAIT_NS) {
			w->stalled = true;
			break;
		}
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&w->space, &w->mu, &until);
	}
	if (t0)
		w->stall_ns += now_ns() - t0;
	if (j)
		w->stalled = false;
	pthread_mutex_unlock(&w->mu);
	return j;
}
/*
 * w->payload as one chunk: written at once before the thread runs (file
 * header, meta, names), else queued behind what is already queued.
 */
static int write_payload(struct tracefile_writer *w, uint32_t type, uint32_t count, bool flush)
{
	struct tfw_job *j;

	if (w->payload.err)
		return write_err(w, w->payload.err);
	if (!w->thread_started)
		return write_chunk(w, type, count, w->payload.p, w->payload.len, false);
	if (load_err(w))
		return load_err(w);
	j = calloc(1, sizeof(*j));
	if (!j || !(j->data = malloc(w->payload.len ? w->payload.len : 1))) {
		free(j);
		return write_err(w, -ENOMEM);
	}
	memcpy(j->data, w->payload.p, w->payload.len);
	j->len = w->payload.len;
	j->type = type;
	j->count = count;
	j->flush = flush;
	enqueue(w, j);
	return 0;
}

static int write_meta_from(struct tracefile_writer *w, const struct ns_meta *meta, size_t from)
{
	size_t n = meta ? meta->n : 0;

	ns_tf_buf_reset(&w->payload);
	for (size_t i = from; i < n; i++) {
		ns_tf_buf_str(&w->payload, meta->kv[i].key);
		ns_tf_buf_str(&w->payload, meta->kv[i].value);
	}
	return write_payload(w, NS_TF_CHUNK_META, n > from ? n - from : 0, false);
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
	return write_payload(w, NS_TF_CHUNK_NAMES, NS_NAMES__COUNT, false);
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

static void free_jobs(struct tfw_job *j)
{
	while (j) {
		struct tfw_job *next = j->next;

		free(j->data);
		free(j);
		j = next;
	}
}

/* stops the thread (writing what is queued) first */
static void writer_free(struct tracefile_writer *w)
{
	if (w->thread_started) {
		pthread_mutex_lock(&w->mu);
		w->quit = true;
		pthread_cond_signal(&w->work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	free_jobs(w->head);
	free_jobs(w->free_bufs);
	free_jobs(w->cur);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->space);
	pthread_cond_destroy(&w->idle);
	ns_tf_codec_free(w->cctx);
	free(w->path);
	free(w->z);
	ns_tf_buf_free(&w->payload);
	ns_tf_buf_free(&w->pending_syms);
	ns_tf_buf_free(&w->payloads);
	ns_tf_map_free(&w->stacks);
	ns_tf_map_free(&w->syms);
	free(w);
}

/*
 * The writer thread takes no signals: SIGINT and SIGTERM stop the capture
 * through the main thread's poll loop (cmd/capture_run.c), which a signal
 * delivered here would not interrupt.
 */
static int start_thread(struct tracefile_writer *w)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&w->thread, NULL, writer_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_setname_np(w->thread, "netscope-write");
	w->thread_started = true;
	return 0;
}

struct tracefile_writer *tfw_open(const char *path, const struct ns_meta *meta,
				  const struct ns_names *names, char *err, size_t errlen)
{
	struct tracefile_writer *w = calloc(1, sizeof(*w));
	int ret;

	if (!w || !(w->path = strdup(path)) || !(w->cctx = ns_tf_codec_new())) {
		if (w)
			free(w->path);
		free(w);
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(ENOMEM));
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->space, NULL);
	pthread_cond_init(&w->idle, NULL);
	w->chunk_events = NS_TF_DEFAULT_CHUNK_EVENTS;
	w->max_bufs = TFW_MAX_BUFS;
	w->codec = NS_TF_CODEC_ZSTD;
	w->level = 1;
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
		goto fail;
	}
	ret = start_thread(w);
	if (ret) {
		snprintf(err, errlen, "cannot create '%s': writer thread: %s", path, strerror(-ret));
		goto fail;
	}
	return w;
fail:
	if (w->f)
		fclose(w->f);
	writer_free(w);
	errno = -ret;
	return NULL;
}

int tfw_set_chunk_events(struct tracefile_writer *w, size_t n)
{
	int err;

	if (!n || n * sizeof(struct ns_event) > NS_TF_MAX_CHUNK)
		return -EINVAL;
	err = tfw_flush(w, NULL);
	if (err)
		return err;
	/* the queue is empty: buffers of the old size can go */
	pthread_mutex_lock(&w->mu);
	free_jobs(w->free_bufs);
	w->free_bufs = NULL;
	w->nbufs = 0;
	w->chunk_events = n;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int tfw_set_codec(struct tracefile_writer *w, enum ns_tf_codec codec, int level)
{
	if (codec == NS_TF_CODEC_DEFLATE && (level < Z_NO_COMPRESSION || level > Z_BEST_COMPRESSION))
		return -EINVAL;
	if (codec == NS_TF_CODEC_ZSTD && (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()))
		return -EINVAL;
	if (codec != NS_TF_CODEC_NONE && codec != NS_TF_CODEC_DEFLATE && codec != NS_TF_CODEC_ZSTD)
		return -EINVAL;
	/* the thread reads codec and level per chunk: change them between chunks */
	wait_idle(w);
	pthread_mutex_lock(&w->mu);
	w->codec = codec;
	w->level = level;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int tfw_set_level(struct tracefile_writer *w, int level)
{
	return tfw_set_codec(w, NS_TF_CODEC_DEFLATE, level);
}

static int flush_symbols(struct tracefile_writer *w)
{
	if (!w->npending_syms)
		return 0;
	if (w->pending_syms.err)
		return write_err(w, w->pending_syms.err);
	ns_tf_buf_reset(&w->payload);
	ns_tf_buf_put(&w->payload, w->pending_syms.p, w->pending_syms.len);
	ns_tf_buf_reset(&w->pending_syms);
	uint32_t n = w->npending_syms;

	w->npending_syms = 0;
	return write_payload(w, NS_TF_CHUNK_SYMBOLS, n, false);
}

/*
 * The packet bytes buffered, as one PAYLOADS chunk (compressed like
 * events): queued only behind the events chunk holding the events they
 * follow, so a reader knows a payload's packet before the payload.
 */
static int flush_payloads(struct tracefile_writer *w)
{
	struct tfw_job *j;

	if (!w->npayloads)
		return 0;
	if (w->payloads.err)
		return write_err(w, w->payloads.err);
	j = calloc(1, sizeof(*j));
	if (!j)
		return write_err(w, -ENOMEM);
	/* the buffer moves to the job; the next record starts a new one */
	j->data = w->payloads.p;
	j->len = w->payloads.len;
	j->type = NS_TF_CHUNK_PAYLOADS;
	j->count = w->npayloads;
	j->compress = true;
	w->payloads = (struct ns_tf_buf){ 0 };
	w->npayloads = 0;
	enqueue(w, j);
	return load_err(w);
}

static int flush_events(struct tracefile_writer *w)
{
	struct tfw_job *j = w->cur;
	int err;

	/* symbols named by these events (tfw_add_symbol) go first */
	err = flush_symbols(w);
	if (err)
		return err;
	if (j) {
		w->cur = NULL;
		j->count = w->nev;
		j->len = w->nev * sizeof(struct ns_event);
		w->nev = 0;
		enqueue(w, j);
		if ((err = load_err(w)))
			return err;
	}
	return flush_payloads(w);
}

/* a PAYLOADS chunk of about this many bytes (~700 packets of 1500 bytes) */
#define TFW_PAYLOAD_CHUNK (1u << 20)

int tfw_add_payload(struct tracefile_writer *w, const struct ns_payload_rec *p)
{
	int err = load_err(w);

	if (err)
		return err;
	if (p->cap_len > NS_TF_MAX_PAYLOAD_BYTES || p->cap_len > p->orig_len)
		return -EINVAL;
	ns_tf_payload_encode(&w->payloads, p);
	w->npayloads++;
	/* events first: the payloads follow the events of their packets */
	if (w->payloads.len >= TFW_PAYLOAD_CHUNK)
		return flush_events(w);
	return 0;
}

int tfw_add_event(struct tracefile_writer *w, const struct ns_event *ev)
{
	int err = load_err(w);

	if (err)
		return err;
	w->events++;
	if (!w->cur) {
		w->cur = get_buf(w);
		if (!w->cur) {
			err = load_err(w);
			if (err)
				return err;
			/* the writer is stuck: this event is lost, and said so */
			pthread_mutex_lock(&w->mu);
			w->dropped++;
			pthread_mutex_unlock(&w->mu);
			return 0;
		}
	}
	memcpy((struct ns_event *)w->cur->data + w->nev, ev, sizeof(*ev));
	if (++w->nev == w->chunk_events)
		return flush_events(w);
	return 0;
}

int tfw_add_symbol(struct tracefile_writer *w, uint64_t addr, const struct ksyms *ks)
{
	const struct ksym *sym = ksyms__map_addr(ks, addr);
	int err;

	if (load_err(w))
		return load_err(w);
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

	if (load_err(w))
		return load_err(w);
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
	err = write_payload(w, NS_TF_CHUNK_STACK, 1, false);
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
 * to this compiler's padding and to NS_EV__COUNT of today.  Since 1.1 the
 * writer's own counters follow (docs/TRACE_FORMAT.md).
 */
static int write_stats(struct tracefile_writer *w, const struct ns_capture_stats *s)
{
	uint64_t stalls, stall_ns, dropped;

	tfw_writer_stats(w, &stalls, &stall_ns, &dropped);
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
	ns_tf_buf_u64(&w->payload, dropped);
	ns_tf_buf_u64(&w->payload, stalls);
	ns_tf_buf_u64(&w->payload, stall_ns);
	/* 1.2: the packet bytes of --snaplen */
	ns_tf_buf_u64(&w->payload, s->payload_produced);
	ns_tf_buf_u64(&w->payload, s->payload_lost);
	ns_tf_buf_u64(&w->payload, s->payload_captured);
	ns_tf_buf_u64(&w->payload, s->payload_unmatched);
	ns_tf_buf_u64(&w->payload, s->payload_cut);
	return write_payload(w, NS_TF_CHUNK_STATS, 1, true);
}

int tfw_checkpoint(struct tracefile_writer *w, const struct ns_capture_stats *stats)
{
	int err = flush_events(w);

	if (!err && stats)
		err = write_stats(w, stats);
	return err;
}

int tfw_flush(struct tracefile_writer *w, const struct ns_capture_stats *stats)
{
	int err = tfw_checkpoint(w, stats);

	wait_idle(w);
	if (!err && (err = load_err(w)) == 0 && fflush(w->f))
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
		err = write_payload(w, NS_TF_CHUNK_END, 0, true);
	/* everything queued is written before the file is closed */
	wait_idle(w);
	if (!err)
		err = load_err(w);
	if (fclose(w->f) && !err)
		err = write_err(w, -errno);
	if (err && w->errmsg[0])
		ns_err("%s", w->errmsg);
	writer_free(w);
	return err;
}

const char *tfw_error(const struct tracefile_writer *w)
{
	return load_err(w) ? w->errmsg : NULL;
}

void tfw_sizes(const struct tracefile_writer *w, uint64_t *events, uint64_t *raw_bytes,
	       uint64_t *stored_bytes)
{
	struct tracefile_writer *mw = (struct tracefile_writer *)w;

	pthread_mutex_lock(&mw->mu);
	if (events)
		*events = w->events;
	if (raw_bytes)
		*raw_bytes = w->raw_bytes;
	if (stored_bytes)
		*stored_bytes = w->stored_bytes;
	pthread_mutex_unlock(&mw->mu);
}

void tfw_writer_stats(const struct tracefile_writer *w, uint64_t *stalls, uint64_t *stall_ns,
		      uint64_t *dropped)
{
	struct tracefile_writer *mw = (struct tracefile_writer *)w;

	pthread_mutex_lock(&mw->mu);
	*stalls = w->stalls;
	*stall_ns = w->stall_ns;
	*dropped = w->dropped;
	pthread_mutex_unlock(&mw->mu);
}
