// SPDX-License-Identifier: GPL-2.0
/*
 * The index driver's reader of the frames its workers send
 * (index/driver_wire.c): u32 length, u8 type, then u32s and
 * length-prefixed strings.  A worker that dies mid-write, or a bug in one,
 * sends a damaged stream: the parent must never read outside a frame or
 * hand the store a string that is not one.  The input is the bytes of a
 * result pipe, framed as driver.c's drain() frames them; each frame goes
 * through both passes of write_unit() to a sink that reads every string.
 */
#include <stdint.h>
#include "index/driver_priv.h"
#include "fuzz_util.h"

static size_t touched;

static void touch(const char *s)
{
	if (s)
		touched += strlen(s);
}

static void touch_loc(const struct ix_loc *l)
{
	touch(l->file);
}

static int on_func(void *ctx, const struct ix_func *f)
{
	touch(f->usr);
	touch(f->name);
	touch(f->summary);
	touch_loc(&f->loc);
	return 0;
}

static int on_call(void *ctx, const struct ix_call *c)
{
	touch(c->caller_usr);
	touch(c->callee_usr);
	touch(c->callee_name);
	touch(c->via);
	touch_loc(&c->loc);
	return 0;
}

static int on_access(void *ctx, const struct ix_access *a)
{
	touch(a->func_usr);
	touch(a->record);
	touch(a->member);
	touch(a->via);
	touch_loc(&a->loc);
	return 0;
}

static int on_fnref(void *ctx, const struct ix_fnref *r)
{
	touch(r->record);
	touch(r->member);
	touch(r->func_usr);
	touch(r->func_name);
	touch(r->holder);
	touch_loc(&r->loc);
	return 0;
}

static int on_dep(void *ctx, const char *path)
{
	touch(path);
	return 0;
}

static int on_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	touch(file);
	touch(msg);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ix_sink k = { .func = on_func, .call = on_call, .access = on_access,
				   .fnref = on_fnref, .dep = on_dep, .diag = on_diag };
	/* a copy of exactly the input's size: a read past the stream is caught */
	char *buf = malloc(size ? size : 1);
	struct ftab ft = { 0 };
	size_t end = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	/* the complete frames, checked as drain() checks them */
	while (end + FRAME_HDR <= size) {
		uint32_t flen;

		memcpy(&flen, buf + end, 4);
		if (flen < FRAME_HDR || flen > size - end)
			break;
		end += flen;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t off = 0; off < end;) {
			struct frame fr = ixd_frame_at(buf, &off);

			if (fr.type == F_END) {
				struct unit_end e;

				ixd_read_end(&fr, &e);
				touch(e.first_error);
			} else if (ixd_feed(&k, &ft, &fr, pass)) {
				break;
			}
		}
	}
	free(ft.path);
	free(buf);
	return 0;
}
