// SPDX-License-Identifier: GPL-2.0
/*
 * The wire format between an index worker and the parent, both ends of it:
 * the worker's sink that turns records into frames, and the parent's
 * decoder that turns frames back into records for the store's sink.  Each
 * record's fields are written in one place and read in another; keeping
 * the two here is what keeps them in step.
 *
 * frame: u32 length of the whole frame, u8 type, fields.  Fields are u32
 * (native order: both ends are this binary on this machine) or strings
 * (u32 length including the NUL, 0 for NULL, then the bytes with the NUL,
 * so the parent reads them in place).  Files are sent once per unit
 * (F_FILE: id, path) and named by id after.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/hash.h"
#include "index/driver_priv.h"

/* worker -> parent writes are batched up to this much */
#define WBUF_FLUSH (256 * 1024)

/* ---- writing frames (in the worker) ---- */

static void wb_reserve(struct wbuf *w, size_t more)
{
	if (w->n + more <= w->cap)
		return;
	size_t cap = w->cap ? w->cap : 1 << 20;

	while (cap < w->n + more)
		cap *= 2;
	char *b = realloc(w->b, cap);

	if (!b) {
		/* a worker without memory: its unit fails, the parent sees it exit */
		_exit(3);
	}
	w->b = b;
	w->cap = cap;
}

static void wb_u32(struct wbuf *w, uint32_t v)
{
	wb_reserve(w, 4);
	memcpy(w->b + w->n, &v, 4);
	w->n += 4;
}

static void wb_str(struct wbuf *w, const char *s)
{
	size_t len = s ? strlen(s) + 1 : 0;

	wb_u32(w, (uint32_t)len);
	wb_reserve(w, len);
	if (len)
		memcpy(w->b + w->n, s, len);
	w->n += len;
}

/* a record's place: the file's id in this unit's table, line, column (rd_loc reads it) */
static void wb_loc(struct wbuf *w, uint32_t file, const struct ix_loc *l)
{
	wb_u32(w, file);
	wb_u32(w, l->line);
	wb_u32(w, l->col);
}

static size_t wb_begin(struct wbuf *w, int type)
{
	size_t at = w->n;

	wb_u32(w, 0);
	wb_reserve(w, 1);
	w->b[w->n++] = (char)type;
	return at;
}

static void wb_flush(struct wbuf *w)
{
	size_t off = 0;

	while (off < w->n && !w->broken) {
		ssize_t r = write(w->fd, w->b + off, w->n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			w->broken = true;
			break;
		}
		off += r;
	}
	w->n = 0;
}

static int wb_end(struct wbuf *w, size_t at)
{
	uint32_t len = (uint32_t)(w->n - at);

	memcpy(w->b + at, &len, 4);
	if (w->n >= WBUF_FLUSH)
		wb_flush(w);
	/* the parent is gone: stop the unit */
	return w->broken ? -EPIPE : 0;
}

/* the id of a file for this unit, sending F_FILE the first time */
static uint32_t wb_file(struct wbuf *w, const char *path)
{
	size_t i;

	if (!path)
		return 0;
	if ((w->nfiles + 1) * 2 > w->fcap) {
		size_t cap = w->fcap ? w->fcap * 2 : 256;
		char **paths = calloc(cap, sizeof(*paths));
		uint32_t *ids = calloc(cap, sizeof(*ids));

		if (!paths || !ids)
			_exit(3);
		for (size_t j = 0; j < w->fcap; j++) {
			if (!w->paths[j])
				continue;
			for (i = ns_str_hash(w->paths[j]) & (cap - 1); paths[i]; i = (i + 1) & (cap - 1))
				;
			paths[i] = w->paths[j];
			ids[i] = w->ids[j];
		}
		free(w->paths);
		free(w->ids);
		w->paths = paths;
		w->ids = ids;
		w->fcap = cap;
	}
	for (i = ns_str_hash(path) & (w->fcap - 1); w->paths[i]; i = (i + 1) & (w->fcap - 1))
		if (!strcmp(w->paths[i], path))
			return w->ids[i];
	w->paths[i] = strdup(path);
	if (!w->paths[i])
		_exit(3);
	w->ids[i] = (uint32_t)++w->nfiles;

	size_t at = wb_begin(w, F_FILE);

	wb_u32(w, w->ids[i]);
	wb_str(w, path);
	wb_end(w, at);
	return w->ids[i];
}

static void wb_files_reset(struct wbuf *w)
{
	for (size_t i = 0; i < w->fcap; i++) {
		free(w->paths[i]);
		w->paths[i] = NULL;
	}
	w->nfiles = 0;
}

static int ws_func(void *ctx, const struct ix_func *f)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, f->loc.file);
	size_t at = wb_begin(w, F_FUNC);

	wb_str(w, f->usr);
	wb_str(w, f->name);
	wb_loc(w, file, &f->loc);
	wb_u32(w, f->end_line);
	wb_u32(w, (f->is_static ? 1 : 0) | (f->is_inline ? 2 : 0) | (f->in_header ? 4 : 0));
	wb_str(w, f->summary);
	return wb_end(w, at);
}

static int ws_call(void *ctx, const struct ix_call *c)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, c->loc.file);
	size_t at = wb_begin(w, F_CALL);

	wb_str(w, c->caller_usr);
	wb_str(w, c->callee_usr);
	wb_str(w, c->callee_name);
	wb_u32(w, c->kind);
	wb_str(w, c->via);
	wb_loc(w, file, &c->loc);
	return wb_end(w, at);
}

static int ws_access(void *ctx, const struct ix_access *a)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, a->loc.file);
	size_t at = wb_begin(w, F_ACCESS);

	wb_str(w, a->func_usr);
	wb_str(w, a->record);
	wb_str(w, a->member);
	wb_u32(w, a->mode);
	wb_str(w, a->via);
	wb_loc(w, file, &a->loc);
	return wb_end(w, at);
}

static int ws_fnref(void *ctx, const struct ix_fnref *r)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, r->loc.file);
	size_t at = wb_begin(w, F_FNREF);

	wb_str(w, r->record);
	wb_str(w, r->member);
	wb_str(w, r->func_usr);
	wb_str(w, r->func_name);
	wb_str(w, r->holder);
	wb_u32(w, r->kind);
	wb_loc(w, file, &r->loc);
	return wb_end(w, at);
}

static int ws_dep(void *ctx, const char *path)
{
	struct wbuf *w = ctx;
	uint32_t file = wb_file(w, path);
	size_t at = wb_begin(w, F_DEP);

	wb_u32(w, file);
	return wb_end(w, at);
}

static int ws_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct wbuf *w = ctx;
	uint32_t fid = wb_file(w, file);
	size_t at = wb_begin(w, F_DIAG);

	wb_u32(w, fid);
	wb_u32(w, line);
	wb_str(w, msg);
	return wb_end(w, at);
}

void ixd_wire_sink(struct wbuf *w, struct ix_sink *k)
{
	k->ctx = w;
	k->func = ws_func;
	k->call = ws_call;
	k->access = ws_access;
	k->fnref = ws_fnref;
	k->dep = ws_dep;
	k->diag = ws_diag;
}

void ixd_wire_end_unit(struct wbuf *w, uint32_t job, int ret, const struct ix_unit_stats *stats)
{
	size_t at = wb_begin(w, F_END);
	uint64_t secs;

	memcpy(&secs, &stats->seconds, sizeof(secs));
	wb_u32(w, job);
	wb_u32(w, (uint32_t)ret);
	wb_u32(w, stats->errors);
	wb_u32(w, stats->failed);
	wb_u32(w, (uint32_t)secs);
	wb_u32(w, (uint32_t)(secs >> 32));
	wb_str(w, stats->first_error);
	wb_end(w, at);
	wb_flush(w);
	wb_files_reset(w);
}

/* ---- reading frames (in the parent) ---- */

static uint32_t rd_u32(struct frame *fr)
{
	uint32_t v = 0;

	if (fr->p + 4 <= fr->end)
		memcpy(&v, fr->p, 4);
	fr->p += 4;
	return v;
}

static const char *rd_str(struct frame *fr)
{
	uint32_t len = rd_u32(fr);
	const char *s = fr->p;

	if (!len || fr->p + len > fr->end || s[len - 1])
		return NULL;
	fr->p += len;
	return s;
}

static const char *ftab_path(const struct ftab *t, uint32_t id)
{
	return id && id < t->n ? t->path[id] : NULL;
}

static struct ix_loc rd_loc(struct frame *fr, const struct ftab *ft)
{
	struct ix_loc l;

	l.file = ftab_path(ft, rd_u32(fr));
	l.line = rd_u32(fr);
	l.col = rd_u32(fr);
	return l;
}

struct frame ixd_frame_at(const char *buf, size_t *off)
{
	struct frame fr;
	uint32_t flen;

	memcpy(&flen, buf + *off, 4);
	fr = (struct frame){ .type = (uint8_t)buf[*off + 4], .p = buf + *off + FRAME_HDR,
			     .end = buf + *off + flen };
	*off += flen;
	return fr;
}

void ixd_read_end(struct frame *fr, struct unit_end *e)
{
	uint32_t lo, hi;
	uint64_t secs;

	e->job = rd_u32(fr);
	e->ret = rd_u32(fr);
	e->errors = rd_u32(fr);
	e->failed = rd_u32(fr);
	lo = rd_u32(fr);
	hi = rd_u32(fr);
	e->first_error = rd_str(fr);
	secs = (uint64_t)hi << 32 | lo;
	memcpy(&e->seconds, &secs, sizeof(secs));
}

/* one frame to the store's sink; pass 0 writes functions, pass 1 the rest */
int ixd_feed(const struct ix_sink *k, struct ftab *ft, struct frame *fr, int pass)
{
	switch (fr->type) {
	case F_FILE: {
		uint32_t id = rd_u32(fr);
		const char *path = rd_str(fr);

		if (pass || !id || id > 1u << 24)
			return 0;
		if (id >= ft->n) {
			size_t n = id * 2;
			const char **v = realloc(ft->path, n * sizeof(*v));

			if (!v)
				return -ENOMEM;
			memset(v + ft->n, 0, (n - ft->n) * sizeof(*v));
			ft->path = v;
			ft->n = n;
		}
		ft->path[id] = path;
		return 0;
	}
	case F_FUNC: {
		struct ix_func f = {};
		uint32_t flags;

		if (pass)
			return 0;
		f.usr = rd_str(fr);
		f.name = rd_str(fr);
		f.loc = rd_loc(fr, ft);
		f.end_line = rd_u32(fr);
		flags = rd_u32(fr);
		f.is_static = flags & 1;
		f.is_inline = flags & 2;
		f.in_header = flags & 4;
		f.summary = rd_str(fr);
		if (!f.usr || !f.name)
			return 0;
		return k->func(k->ctx, &f);
	}
	case F_CALL: {
		struct ix_call c = {};

		if (!pass)
			return 0;
		c.caller_usr = rd_str(fr);
		c.callee_usr = rd_str(fr);
		c.callee_name = rd_str(fr);
		c.kind = rd_u32(fr);
		c.via = rd_str(fr);
		c.loc = rd_loc(fr, ft);
		if (!c.caller_usr)
			return 0;
		return k->call(k->ctx, &c);
	}
	case F_ACCESS: {
		struct ix_access a = {};

		if (!pass)
			return 0;
		a.func_usr = rd_str(fr);
		a.record = rd_str(fr);
		a.member = rd_str(fr);
		a.mode = rd_u32(fr);
		a.via = rd_str(fr);
		a.loc = rd_loc(fr, ft);
		if (!a.record || !a.member)
			return 0;
		return k->access(k->ctx, &a);
	}
	case F_FNREF: {
		struct ix_fnref r = {};

		if (!pass)
			return 0;
		r.record = rd_str(fr);
		r.member = rd_str(fr);
		r.func_usr = rd_str(fr);
		r.func_name = rd_str(fr);
		r.holder = rd_str(fr);
		r.kind = rd_u32(fr);
		r.loc = rd_loc(fr, ft);
		if (!r.record || !r.member || !r.func_usr || !r.func_name)
			return 0;
		return k->fnref(k->ctx, &r);
	}
	case F_DEP: {
		const char *path;

		if (!pass)
			return 0;
		path = ftab_path(ft, rd_u32(fr));
		return path ? k->dep(k->ctx, path) : 0;
	}
	case F_DIAG: {
		const char *file, *msg;
		uint32_t line;

		if (!pass)
			return 0;
		file = ftab_path(ft, rd_u32(fr));
		line = rd_u32(fr);
		msg = rd_str(fr);
		return k->diag(k->ctx, file, line, msg ? msg : "");
	}
	}
	return 0;
}
