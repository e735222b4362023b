// SPDX-License-Identifier: GPL-2.0
/*
 * ix_dump: run the source index extractor on files and print what it
 * reports, one record a line.  A debugging and measuring aid, not part of
 * netscope:
 *
 *   make build/tests/ix_dump
 *   build/tests/ix_dump [-q] FILE... -- CLANG_ARGS...
 *
 * The files share one CXIndex and one claim set, as in one driver worker:
 * a header inline is reported by the first file only.  -q prints only the
 * per-file summary line (records per kind, seconds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "index/extract.h"

static bool quiet;

struct claims {
	char **v;
	size_t n, cap;
};

static const char *const modes[] = { "read", "write", "rw", "addr", "init", "size" };
static const char *const call_kinds[] = { "direct", "macro", "pointer" };

static int on_func(void *ctx, const struct ix_func *f)
{
	if (!quiet)
		printf("func %s %s:%u:%u-%u%s%s%s usr=%s summary=%s\n", f->name, f->loc.file, f->loc.line,
		       f->loc.col, f->end_line, f->is_static ? " static" : "",
		       f->is_inline ? " inline" : "", f->in_header ? " header" : "", f->usr,
		       f->summary ? f->summary : "-");
	return 0;
}

static int on_call(void *ctx, const struct ix_call *c)
{
	if (!quiet)
		printf("call %s -> %s %s via=%s %s:%u:%u\n", c->caller_usr,
		       c->callee_name ? c->callee_name : "?", call_kinds[c->kind], c->via ? c->via : "-",
		       c->loc.file, c->loc.line, c->loc.col);
	return 0;
}

static int on_access(void *ctx, const struct ix_access *a)
{
	if (!quiet)
		printf("access %s %s.%s %s via=%s %s:%u:%u\n", a->func_usr ? a->func_usr : "-",
		       a->record, a->member, modes[a->mode], a->via ? a->via : "-", a->loc.file,
		       a->loc.line, a->loc.col);
	return 0;
}

static int on_fnref(void *ctx, const struct ix_fnref *r)
{
	if (!quiet)
		printf("fnref %s.%s = %s %s holder=%s %s:%u:%u\n", r->record, r->member, r->func_name,
		       r->kind == IX_FNREF_INIT ? "init" : "assign", r->holder ? r->holder : "-",
		       r->loc.file, r->loc.line, r->loc.col);
	return 0;
}

static int on_dep(void *ctx, const char *path)
{
	if (!quiet)
		printf("dep %s\n", path);
	return 0;
}

static int on_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	if (!quiet)
		printf("diag %s:%u: %s\n", file, line, msg);
	return 0;
}

static bool on_claim(void *ctx, const char *usr)
{
	struct claims *c = ctx;

	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], usr))
			return false;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			exit(1);
	}
	c->v[c->n++] = strdup(usr);
	return true;
}

int main(int argc, char **argv)
{
	struct claims claims = { 0 };
	struct ix_sink sink = {
		.ctx = &claims, .func = on_func, .call = on_call, .access = on_access,
		.fnref = on_fnref, .dep = on_dep, .diag = on_diag, .claim = on_claim,
	};
	int i, files = 1, nfiles, rc = 0;
	CXIndex index;

	if (argc > 1 && !strcmp(argv[1], "-q")) {
		quiet = true;
		files = 2;
	}
	for (i = files; i < argc && strcmp(argv[i], "--"); i++)
		;
	nfiles = i - files;
	if (!nfiles) {
		fprintf(stderr, "usage: ix_dump [-q] FILE... -- CLANG_ARGS...\n");
		return 2;
	}
	if (ix_clang_load())
		return 1;
	index = clang_createIndex(0, 0);
	for (int f = files; f < files + nfiles; f++) {
		struct ix_unit_stats st;
		int err = ix_extract_unit(index, argv[f], (const char *const *)argv + i + 1,
					  i < argc ? argc - i - 1 : 0, &sink, &st);

		printf("unit %s: %d funcs=%u calls=%u accesses=%u fnrefs=%u deps=%u skipped=%u "
		       "errors=%u parse=%.2fs total=%.2fs%s%s\n",
		       argv[f], err, st.funcs, st.calls, st.accesses, st.fnrefs, st.deps, st.skipped,
		       st.errors, st.parse_seconds, st.seconds, st.errors ? " first: " : "",
		       st.errors ? st.first_error : "");
		if (err)
			rc = 1;
	}
	clang_disposeIndex(index);
	return rc;
}
