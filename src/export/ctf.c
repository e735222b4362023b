// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export TRACE --to ctf DIR: a CTF 1.8 trace that babeltrace2
 * reads and TraceCompass opens as an LTTng kernel trace (docs/export.md).
 *
 * DIR holds `metadata` (TSDL text, export/ctf_tsdl.c), one data stream file
 * per CPU, `channel0_CPU` (export/ctf_stream.c), and `channel0_statedump`
 * with one lttng_statedump_process_state event per thread the trace saw.
 * Which CTF event a netscope event becomes, with which fields, is the table
 * data/lttng.rules (export/ctf_map.c); this file only moves values.
 *
 * Why the writer is hand-written (checked on bookworm, 2026-12-03):
 * libbabeltrace2-dev 2.0.4 ships libbabeltrace2-ctf-writer (.so, .a, .pc)
 * but not its headers, so it cannot be built against.  libbabeltrace2's
 * other CTF writer is the sink.ctf.fs component: a babeltrace2 graph with
 * a source component class of ours, every event a bt_message with each
 * field set by one call, the plugin found at run time; such a graph moves
 * ~1 M events/s here (babeltrace2 decoding this export: 0.87 M/s of CPU),
 * a fifth of the 5 M events/s this export must reach.  libbabeltrace-dev
 * (babeltrace 1.5) has headers for the babeltrace 1 CTF writer
 * (babeltrace/ctf-writer/): reference-counted field objects per field and
 * event, and its own packet sizes and uuids (no byte-stable output for
 * the golden test).  CTF 1.8 with byte-aligned integers is simple to write
 * directly: an event is a few copies, and babeltrace2 checks the result in
 * the tests.
 *
 * One pass: events go to their CPU's stream as they are read; the state
 * dump and the metadata, which need the whole trace (threads seen,
 * classes used, reordered events), are written at the end.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/log.h"
#include "export/ctf_map.h"
#include "export/ctf_stream.h"
#include "export/ctf_tsdl.h"
#include "export/export.h"

#define SYM_MAX 128		/* a location's symbol string, NUL included (ctf_map.c) */
#define SYM_CACHE 1024		/* direct-mapped: kfree_skb/consume_skb have few callers */
#define STATEDUMP_INSTANCE 65536 /* beyond any CPU number (u16) */

struct sym_slot {
	uint64_t addr;
	uint8_t len;		/* with the NUL; 0: empty */
	char s[SYM_MAX];
};

struct thread {
	uint32_t tid;		/* 0: empty slot */
	uint32_t pid;
	uint16_t cpu;
	char comm[NS_COMM_LEN];
};

struct ctf_export {
	struct export_src *src;
	const char *dir;
	struct ctf_map map;
	bool *used;			/* by class index */
	size_t *class_at;		/* class index by id */
	size_t nids;
	struct ctf_stream **streams;	/* by CPU */
	size_t nstreams;
	uint8_t uuid[16];
	bool have_first;
	uint64_t first_ts;
	struct thread *threads;		/* open addressing by tid */
	size_t threads_cap, threads_n;
	struct sym_slot *syms;
	const struct ksyms *ks;
	uint64_t offset_ns;		/* the clock's: CLOCK_MONOTONIC -> CLOCK_REALTIME */
	uint64_t ts_limit;		/* latest time a reader can put on the realtime axis */
	uint64_t left_out;		/* events later than ts_limit */
	struct ctf_op **ops;		/* by class id: its fields as copy operations */
	size_t *nops;
	char err[PATH_MAX + 256];
};

/* 64-bit mix (splitmix64's finalizer): uuids that derive from the trace */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = mix(h ^ (unsigned char)*s);
	return mix(h ^ 0xff);
}

/* 16 bytes from two seeds, marked as an RFC 9562 version 8 (custom) uuid */
static void make_uuid(uint8_t u[16], uint64_t a, uint64_t b)
{
	a = mix(a);
	b = mix(b ^ a);
	memcpy(u, &a, 8);
	memcpy(u + 8, &b, 8);
	u[6] = (u[6] & 0x0f) | 0x80;
	u[8] = (u[8] & 0x3f) | 0x80;
}

static const char *meta(const struct ctf_export *x, const char *key)
{
	return ns_meta_get(tfr_meta(x->src->tr), key);
}

/*
 * The trace's uuid: the same input always gives the same one (golden
 * files), two captures differ (another host, another boot, another first
 * event).
 */
static void trace_uuid(struct ctf_export *x)
{
	uint64_t h = hash_str(0x6e657473636f7065ull, meta(x, "host.boot_id"));

	h = hash_str(h, meta(x, "host.name"));
	make_uuid(x->uuid, h, x->first_ts);
}

/* LTTng's clock uuid is the boot id; without one, one from the host's name */
static void clock_uuid(const struct ctf_export *x, char out[37])
{
	const char *boot = meta(x, "host.boot_id");
	uint8_t u[16];

	if (!boot || !ctf_uuid_parse(boot, u))
		make_uuid(u, hash_str(1, meta(x, "host.name")), hash_str(2, meta(x, "kernel.release")));
	ctf_uuid_str(u, out);
}

static struct ctf_stream *stream_of(struct ctf_export *x, uint16_t cpu)
{
	char path[PATH_MAX];

	if (cpu >= x->nstreams) {
		size_t n = (size_t)cpu + 1;
		struct ctf_stream **v = realloc(x->streams, n * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + x->nstreams, 0, (n - x->nstreams) * sizeof(*v));
		x->streams = v;
		x->nstreams = n;
	}
	if (x->streams[cpu])
		return x->streams[cpu];
	x->streams[cpu] = calloc(1, sizeof(struct ctf_stream));
	if (!x->streams[cpu])
		return NULL;
	snprintf(path, sizeof(path), "%s/channel0_%u", x->dir, cpu);
	if (ctf_stream_open(x->streams[cpu], path, cpu, cpu, x->uuid, x->err, sizeof(x->err)))
		return NULL;
	return x->streams[cpu];
}

/* "func+0x1a [module]" of a location, "" when it has no symbol; its length with the NUL */
static const char *location_sym(struct ctf_export *x, uint64_t addr, size_t *len)
{
	struct sym_slot *sl = &x->syms[mix(addr) & (SYM_CACHE - 1)];

	if (sl->len && sl->addr == addr) {
		*len = sl->len;
		return sl->s;
	}
	sl->addr = addr;
	sl->s[0] = '\0';
	if (addr && x->ks && ksyms__map_addr(x->ks, addr))
		ksyms__fmt(x->ks, addr, sl->s, sizeof(sl->s));
	sl->len = strlen(sl->s) + 1;
	*len = sl->len;
	return sl->s;
}

/*
 * A class's fields as copy operations, made once.  Integers that follow
 * each other in struct ns_event and in the event are one run, copied as
 * RUN_MAX bytes whatever its length (two 16-byte moves; the bytes past
 * the run are overwritten by the next field or lie past the event's end):
 * a memcpy() of a size known only at run time compiles to `rep movsb`,
 * whose start-up cost was most of the time per event, and one operation
 * per field was most of the rest.  The event is read from a padded copy
 * (struct padded_event) and each event reserves RUN_MAX bytes more than
 * it can take, so the over-copy stays in bounds.
 */
#define RUN_MAX 32

enum ctf_op_kind { OP_RUN, OP_ADDR, OP_BE16, OP_ZERO4, OP_ZERO8, OP_TEXT16, OP_STRING, OP_SYM };

struct ctf_op {
	uint8_t kind;
	uint8_t len;	/* of a run */
	uint16_t off;	/* in struct ns_event */
};

struct padded_event {
	struct ns_event ev;
	uint8_t pad[RUN_MAX];	/* read by a run at the end of the record, never used */
};

static int compile_class(const struct ctf_class *c, struct ctf_op **out, size_t *nops)
{
	struct ctf_op *ops = calloc(c->nf ? c->nf : 1, sizeof(*ops));
	size_t n = 0;

	if (!ops)
		return -ENOMEM;
	for (size_t i = 0; i < c->nf; i++) {
		const struct ctf_src *s = c->f[i].src;
		struct ctf_op *prev = n ? &ops[n - 1] : NULL;

		if (s->kind == CTF_SRC_INT && !s->big_endian && prev && prev->kind == OP_RUN &&
		    prev->off + prev->len == s->off && prev->len + s->size <= RUN_MAX) {
			prev->len += s->size;
			continue;
		}
		ops[n].off = s->off;
		ops[n].len = s->size;
		switch (s->kind) {
		case CTF_SRC_INT:
			ops[n].kind = s->big_endian ? OP_BE16 : OP_RUN;
			break;
		case CTF_SRC_ZERO:
			ops[n].kind = s->size == 4 ? OP_ZERO4 : OP_ZERO8;
			break;
		case CTF_SRC_ADDR:
			ops[n].kind = OP_ADDR;
			break;
		case CTF_SRC_TEXT16:
			ops[n].kind = OP_TEXT16;
			break;
		case CTF_SRC_STRING:
			ops[n].kind = OP_STRING;
			break;
		case CTF_SRC_LOCATION_SYM:
			ops[n].kind = OP_SYM;
			break;
		}
		n++;
	}
	*out = ops;
	*nops = n;
	return 0;
}

/*
 * Bytes of an address worth writing: the family's, or all 16 when the
 * family is unknown and the bytes are not all zero (every byte is kept).
 */
static size_t addr_len(const struct ns_event *ev, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (ev->family == AF_INET)
		return 4;
	if (ev->family == AF_INET6)
		return 16;
	return memcmp(a, zero, 16) ? 16 : 0;
}

static uint8_t *put_fields(struct ctf_export *x, uint8_t *p, const struct ctf_class *c,
			   const struct padded_event *pe)
{
	const struct ns_event *ev = &pe->ev;
	const char *base = (const char *)pe;
	const struct ctf_op *op = x->ops[c->id], *end = op + x->nops[c->id];
	size_t n;

	for (; op < end; op++) {
		const char *v = base + op->off;

		switch (op->kind) {
		case OP_RUN:
			memcpy(p, v, RUN_MAX);
			p += op->len;
			break;
		case OP_ADDR:
			n = addr_len(ev, (const uint8_t *)v);
			*p++ = n;
			memcpy(p, v, 16);	/* room for 16 was reserved */
			p += n;
			break;
		case OP_BE16: {	/* l3_proto: network byte order, as LTTng's skb->protocol */
			uint16_t be;

			memcpy(&be, v, 2);
			be = htons(be);
			memcpy(p, &be, 2);
			p += 2;
			break;
		}
		case OP_ZERO4:
			memset(p, 0, 4);
			p += 4;
			break;
		case OP_ZERO8:
			memset(p, 0, 8);
			p += 8;
			break;
		case OP_TEXT16:
			/* bytes after the first NUL are zeroed: whatever the BPF side
			 * left there is no part of the name */
			memcpy(p, v, NS_COMM_LEN);
			n = strnlen(v, NS_COMM_LEN);
			memset(p + n, 0, NS_COMM_LEN - n);
			p += NS_COMM_LEN;
			break;
		case OP_STRING:
			/* fixed-size copy, then the end moved back to the NUL */
			memcpy(p, v, NS_IFNAME_LEN);
			n = strnlen(v, NS_IFNAME_LEN);
			p[n] = '\0';
			p += n + 1;
			break;
		case OP_SYM: {
			const char *sym = location_sym(x, ev->location, &n);

			memcpy(p, sym, n);
			p += n;
			break;
		}
		}
	}
	return p;
}

static void put_event(struct ctf_export *x, struct ctf_stream *s, const struct ctf_class *c,
		      const struct padded_event *pe)
{
	const struct ns_event *ev = &pe->ev;
	uint8_t *p = ctf_stream_reserve(s, ev->ts_ns, c->id, 8 + c->max_size + RUN_MAX);
	int32_t tid = (int32_t)ev->tid, pid = (int32_t)ev->pid;

	memcpy(p, &tid, 4);
	memcpy(p + 4, &pid, 4);
	ctf_stream_commit(s, put_fields(x, p + 8, c, pe));
	x->used[x->class_at[c->id]] = true;
}

/* remember the thread (first sighting: its pid, command name and CPU) */
static int see_thread(struct ctf_export *x, const struct ns_event *ev)
{
	size_t i;

	if (!ev->tid)
		return 0;	/* the idle task: no thread to name */
	if (x->threads_n * 2 >= x->threads_cap) {
		size_t cap = x->threads_cap ? x->threads_cap * 2 : 1024;
		struct thread *v = calloc(cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		for (size_t k = 0; k < x->threads_cap; k++) {
			if (!x->threads[k].tid)
				continue;
			for (i = mix(x->threads[k].tid) & (cap - 1); v[i].tid; i = (i + 1) & (cap - 1))
				;
			v[i] = x->threads[k];
		}
		free(x->threads);
		x->threads = v;
		x->threads_cap = cap;
	}
	for (i = mix(ev->tid) & (x->threads_cap - 1); x->threads[i].tid; i = (i + 1) & (x->threads_cap - 1))
		if (x->threads[i].tid == ev->tid)
			return 0;
	x->threads[i].tid = ev->tid;
	x->threads[i].pid = ev->pid;
	x->threads[i].cpu = ev->cpu;
	memcpy(x->threads[i].comm, ev->comm, NS_COMM_LEN);
	x->threads_n++;
	return 0;
}

static int by_tid(const void *a, const void *b)
{
	const struct thread *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* the state dump: one event per thread, by tid, at the trace's first time */
static int write_statedump(struct ctf_export *x)
{
	struct ctf_stream s;
	char path[PATH_MAX];
	size_t n = 0;
	uint32_t cpu_id = 0;
	int ret;

	if (!x->map.process || !x->threads_n)
		return 0;
	for (size_t i = 0; i < x->threads_cap; i++)
		if (x->threads[i].tid)
			x->threads[n++] = x->threads[i];
	qsort(x->threads, n, sizeof(*x->threads), by_tid);
	/* on the first CPU that has a stream, as LTTng's state dump runs on one */
	for (size_t c = 0; c < x->nstreams; c++)
		if (x->streams[c]) {
			cpu_id = c;
			break;
		}
	snprintf(path, sizeof(path), "%s/channel0_statedump", x->dir);
	ret = ctf_stream_open(&s, path, STATEDUMP_INSTANCE, cpu_id, x->uuid, x->err, sizeof(x->err));
	for (size_t i = 0; i < n && !ret; i++) {
		struct padded_event pe = { .ev = { .ts_ns = x->first_ts, .tid = x->threads[i].tid,
						   .pid = x->threads[i].pid, .cpu = x->threads[i].cpu } };

		memcpy(pe.ev.comm, x->threads[i].comm, NS_COMM_LEN);
		put_event(x, &s, x->map.process, &pe);
	}
	if (ctf_stream_close(&s, x->err, sizeof(x->err)) && !ret)
		ret = -EIO;
	x->threads_n = n;
	return ret;
}

static int write_metadata(struct ctf_export *x, uint64_t clamped)
{
	struct ctf_tsdl_env env = { 0 };
	struct ns_capture_stats st;
	char path[PATH_MAX];
	FILE *f;
	int ret;

	memcpy(env.uuid, x->uuid, 16);
	clock_uuid(x, env.clock_uuid);
	env.hostname = meta(x, "host.name");
	env.kernel_release = meta(x, "kernel.release");
	env.kernel_version = meta(x, "kernel.version");
	env.netscope_version = meta(x, "netscope.version");
	env.offset_ns = x->offset_ns;
	env.left_out = x->left_out;
	env.events_lost = -1;
	if (tfr_stats(x->src->tr, &st))
		env.events_lost = ns_stats_sum(st.lost) + st.writer_dropped;
	env.complete = !x->src->truncated && !x->src->err;
	env.clamped = clamped;
	char *name = strdup(x->src->path);
	if (!name)
		return -ENOMEM;
	env.trace_name = basename(name);

	snprintf(path, sizeof(path), "%s/metadata", x->dir);
	f = fopen(path, "wx");
	if (!f) {
		ret = -errno;
		snprintf(x->err, sizeof(x->err), "cannot create '%s': %s", path, strerror(-ret));
		free(name);
		return ret;
	}
	ret = ctf_tsdl_write(f, &env, &x->map, x->used, tfr_names(x->src->tr));
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		snprintf(x->err, sizeof(x->err), "cannot write '%s': %s", path, strerror(-ret));
	free(name);
	return ret;
}

static int setup(struct ctf_export *x)
{
	size_t maxid = 0;

	if (ctf_map_builtin(&x->map, x->err, sizeof(x->err)))
		return -EINVAL;
	for (size_t i = 0; i < x->map.n; i++)
		if (x->map.cls[i].id > maxid)
			maxid = x->map.cls[i].id;
	x->nids = maxid + 1;
	x->used = calloc(x->map.n, sizeof(*x->used));
	x->class_at = calloc(x->nids, sizeof(*x->class_at));
	x->syms = calloc(SYM_CACHE, sizeof(*x->syms));
	if (!x->used || !x->class_at || !x->syms) {
		snprintf(x->err, sizeof(x->err), "out of memory");
		return -ENOMEM;
	}
	x->ops = calloc(x->nids, sizeof(*x->ops));
	x->nops = calloc(x->nids, sizeof(*x->nops));
	if (!x->ops || !x->nops) {
		snprintf(x->err, sizeof(x->err), "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < x->map.n; i++) {
		x->class_at[x->map.cls[i].id] = i;
		if (compile_class(&x->map.cls[i], &x->ops[x->map.cls[i].id], &x->nops[x->map.cls[i].id])) {
			snprintf(x->err, sizeof(x->err), "out of memory");
			return -ENOMEM;
		}
	}
	x->ks = tfr_ksyms(x->src->tr);
	/*
	 * Readers put a time on the realtime axis as signed 64-bit ns (the
	 * clock's offset plus the event's time): an event past INT64_MAX
	 * (the year 2262) cannot be read, and babeltrace2 refuses the whole
	 * stream.  Only a damaged trace has one; an offset that large is
	 * damage too, and is dropped.
	 */
	const char *off = meta(x, "clock.monotonic_to_realtime_ns");
	x->offset_ns = off ? strtoull(off, NULL, 10) : 0;
	if (x->offset_ns > INT64_MAX)
		x->offset_ns = 0;
	x->ts_limit = INT64_MAX - x->offset_ns;
	return 0;
}

static void cleanup(struct ctf_export *x)
{
	char err[PATH_MAX + 256];

	for (size_t c = 0; c < x->nstreams; c++) {
		if (!x->streams[c])
			continue;
		ctf_stream_close(x->streams[c], err, sizeof(err));
		free(x->streams[c]);
	}
	free(x->streams);
	free(x->threads);
	free(x->syms);
	for (size_t i = 0; x->ops && i < x->nids; i++)
		free(x->ops[i]);
	free(x->ops);
	free(x->nops);
	free(x->used);
	free(x->class_at);
	ctf_map_free(&x->map);
}

/* the events, each to its CPU's stream (a TCP segment's second event too) */
static int write_events(struct ctf_export *x)
{
	struct padded_event pe = { 0 };
	struct ns_event *ev = &pe.ev;

	while (export_next(x->src, ev)) {
		const struct ctf_class *c, *seg;
		struct ctf_stream *s;

		if (ev->ts_ns > x->ts_limit) {
			x->left_out++;
			continue;
		}
		c = ctf_map_class_of(&x->map, ev);
		if (!x->have_first) {
			x->have_first = true;
			x->first_ts = ev->ts_ns;
			trace_uuid(x);
		}
		if (ev->ts_ns < x->first_ts)
			x->first_ts = ev->ts_ns;
		s = stream_of(x, ev->cpu);
		if (!s)
			return x->err[0] ? -EIO : -ENOMEM;
		put_event(x, s, c, &pe);
		seg = ev->type < NS_EV__COUNT ? x->map.segment[ev->type] : NULL;
		if (seg && (ev->hdr & NS_HDR_TCP) && ev->l4_proto == IPPROTO_TCP)
			put_event(x, s, seg, &pe);
		if (see_thread(x, ev))
			return -ENOMEM;
	}
	return 0;
}

int export_ctf(struct export_src *src, const char *out, const struct export_opts *o)
{
	struct ctf_export x = { .src = src, .dir = out };
	uint64_t clamped = 0;
	int ret;

	if (mkdir(out, 0755)) {
		char *copy = strdup(out);

		ns_err("cannot create a directory in '%s': %s", copy ? dirname(copy) : out, strerror(errno));
		free(copy);
		return 1;
	}
	ret = setup(&x);
	if (!ret)
		ret = write_events(&x);
	/* the streams first: the metadata says how many events were reordered */
	for (size_t c = 0; c < x.nstreams && !ret; c++) {
		if (!x.streams[c])
			continue;
		clamped += x.streams[c]->clamped;
		ret = ctf_stream_close(x.streams[c], x.err, sizeof(x.err));
	}
	if (!ret)
		ret = write_statedump(&x);
	if (!ret)
		ret = write_metadata(&x, clamped);
	if (ret)
		ns_err("%s", x.err[0] ? x.err : strerror(-ret));
	if (!ret && x.left_out)
		ns_warn("%" PRIu64 " events have a time no CTF reader can represent (past the year 2262):"
			" left out", x.left_out);
	if (!ret && clamped)
		ns_warn("%" PRIu64 " events were earlier than the event before them on their CPU: written at "
			"that event's time (CTF wants each CPU's stream in time order)", clamped);
	cleanup(&x);
	return ret ? 1 : 0;
}
