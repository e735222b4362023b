// SPDX-License-Identifier: GPL-2.0
/*
 * The extractor of the source index, unit level: parse one .c file with
 * libclang, report its diagnostics and dependencies, then its functions
 * (the bodies are walked by extract_walk.c) and its file-scope
 * initializers.
 *
 * Header functions (static inlines) are reported by the first unit whose
 * sink claims them: a kernel unit includes hundreds, and walking each in
 * every unit would cost more than the parse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "index/extract_priv.h"

/*
 * No precompiled preamble: a worker parses each file once.  KeepGoing:
 * a unit with an error (a missing generated header, a GCC-only builtin)
 * still yields the AST of everything else.
 */
#define IX_PARSE_OPTIONS (CXTranslationUnit_DetailedPreprocessingRecord |	\
			  CXTranslationUnit_KeepGoing |				\
			  CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Copy a CXString into the unit's arena and dispose of it. */
const char *ix_cursor_str(struct ix_unit *u, CXString s)
{
	const char *c = clang_getCString(s);
	const char *r = ix_arena_dup(&u->arena, c ? c : "");

	clang_disposeString(s);
	return r;
}

/* Where a cursor is in the text: inside a macro, where the macro is used. */
void ix_file_loc(CXCursor c, struct ix_loc_full *l)
{
	clang_getFileLocation(clang_getCursorLocation(c), &l->file, &l->line, &l->col, &l->off);
}

const char *ix_file_name(struct ix_unit *u, CXFile f)
{
	bool found;
	void **slot;

	if (!f)
		return "";
	slot = ix_ptrmap_get(&u->files, f, &found);
	if (!slot)
		return "";
	if (!found)
		*slot = (void *)ix_cursor_str(u, clang_getFileName(f));
	return *slot ? *slot : "";
}

/* Record the first non-zero return of a sink callback: it stops the unit. */
int ix_sink_status(struct ix_unit *u, int rc)
{
	if (rc && !u->err)
		u->err = rc < 0 ? rc : -ECANCELED;
	return u->err;
}

static void skip_blank(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* One line of a comment without its decoration ("/" "**", " * ", "*" "/"). */
static size_t comment_line(const char *line, size_t n, const char **text)
{
	const char *p = line, *end = line + n;

	skip_blank(&p);
	if (end - p >= 3 && !strncmp(p, "/**", 3))
		p += 3;
	else if (end - p >= 2 && !strncmp(p, "/*", 2))
		p += 2;
	else if (p < end && *p == '*' && !(end - p >= 2 && p[1] == '/'))
		p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 2 && !strncmp(end - 2, "*/", 2))
		end -= 2;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*text = p;
	return end - p;
}

/*
 * kernel-doc's first line is "name - summary" or "name() - summary"
 * (Documentation/doc-guide/kernel-doc.rst); the summary may go on over the
 * next lines, up to the blank line or the first @argument: line.
 */
bool ix_kdoc_summary(const char *comment, char *buf, size_t len)
{
	const char *line = comment, *text;
	size_t out = 0;
	bool started = false;

	if (!comment || !len)
		return false;
	buf[0] = '\0';
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		size_t k = comment_line(line, n, &text);

		if (!started) {
			const char *p = text, *end = text + k;

			if (!k) {
				if (!nl)
					break;
				line = nl + 1;
				continue;
			}
			while (p < end && (*p == '_' || *p == '.' ||
					   (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					   (*p >= '0' && *p <= '9')))
				p++;
			if (p == text)
				return false;
			if (end - p >= 2 && p[0] == '(' && p[1] == ')')
				p += 2;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p >= end || *p != '-')
				return false;
			p++;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			text = p;
			k = end - p;
			started = true;
		} else if (!k || *text == '@') {
			break;
		}
		if (k) {
			if (out && out + 1 < len)
				buf[out++] = ' ';
			if (out + k >= len)
				k = len - 1 - out;
			memcpy(buf + out, text, k);
			out += k;
			buf[out] = '\0';
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return started && out;
}

static const char *func_summary(struct ix_unit *u, CXCursor fn, char *buf, size_t len)
{
	CXString s = clang_Cursor_getRawCommentText(fn);
	const char *c = clang_getCString(s);
	bool ok = false;

	if (!c || !*c) {
		/* the comment may sit on the prototype, in a header */
		clang_disposeString(s);
		s = clang_Cursor_getRawCommentText(clang_getCanonicalCursor(fn));
		c = clang_getCString(s);
	}
	if (c && *c)
		ok = ix_kdoc_summary(c, buf, len);
	clang_disposeString(s);
	return ok ? buf : NULL;
}

static enum CXChildVisitResult body_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	if (clang_getCursorKind(c) == CXCursor_CompoundStmt)
		*(CXCursor *)data = c;
	return CXChildVisit_Continue;
}

static CXCursor function_body(CXCursor fn)
{
	CXCursor body = clang_getNullCursor();

	clang_visitChildren(fn, body_visit, &body);
	return body;
}

static void do_function(struct ix_unit *u, CXCursor fn, bool in_header)
{
	struct ix_loc_full l, e;
	struct ix_func f = { 0 };
	char summary[512];
	CXCursor body;

	ix_file_loc(fn, &l);
	clang_getFileLocation(clang_getRangeEnd(clang_getCursorExtent(fn)), &e.file, &e.line,
			      &e.col, &e.off);
	f.usr = ix_cursor_str(u, clang_getCursorUSR(fn));
	f.name = ix_cursor_str(u, clang_getCursorSpelling(fn));
	f.loc.file = ix_file_name(u, l.file);
	f.loc.line = l.line;
	f.loc.col = l.col;
	f.end_line = e.file == l.file && e.line >= l.line ? e.line : l.line;
	f.is_static = clang_Cursor_getStorageClass(fn) == CX_SC_Static;
	f.is_inline = clang_Cursor_isFunctionInlined(fn);
	f.in_header = in_header;
	f.summary = func_summary(u, fn, summary, sizeof(summary));
	u->stats->funcs++;
	if (u->sink->func && ix_sink_status(u, u->sink->func(u->sink->ctx, &f)))
		return;

	body = function_body(fn);
	if (clang_Cursor_isNull(body))
		return;
	u->func_usr = f.usr;
	u->func_name = f.name;
	u->holder = NULL;
	ix_seen_clear(&u->seen);
	ix_walk(u, body);
	u->func_usr = u->func_name = NULL;
}

static void do_variable(struct ix_unit *u, CXCursor var)
{
	u->func_usr = u->func_name = NULL;
	u->holder = ix_cursor_str(u, clang_getCursorSpelling(var));
	ix_seen_clear(&u->seen);
	ix_walk(u, var);
	u->holder = NULL;
}

/* What the top level holds, gathered before anything is walked. */
struct ix_top {
	struct ix_unit *u;
	CXCursor *v;
	bool *header;
	size_t n, cap;
};

static void top_push(struct ix_top *t, CXCursor c, bool header)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		CXCursor *v = realloc(t->v, cap * sizeof(*v));
		bool *h = realloc(t->header, cap * sizeof(*h));

		if (v)
			t->v = v;
		if (h)
			t->header = h;
		if (!v || !h)
			return;
		t->cap = cap;
	}
	t->v[t->n] = c;
	t->header[t->n++] = header;
}

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct ix_top *t = data;
	struct ix_unit *u = t->u;
	enum CXCursorKind k = clang_getCursorKind(c);
	struct ix_loc_full l;

	if (k == CXCursor_MacroExpansion) {
		ix_macros_add(&u->macros, c);
		return CXChildVisit_Continue;
	}
	if (k != CXCursor_FunctionDecl && k != CXCursor_VarDecl)
		return CXChildVisit_Continue;
	if (!clang_isCursorDefinition(c))
		return CXChildVisit_Continue;
	ix_file_loc(c, &l);
	if (!l.file)
		return CXChildVisit_Continue;
	if (k == CXCursor_VarDecl) {
		/* header variables would be reported by every unit that includes them */
		if (l.file == u->main_file)
			top_push(t, c, false);
		return CXChildVisit_Continue;
	}
	if (l.file != u->main_file) {
		bool found;

		if (u->sink->claim) {
			const char *usr = ix_cursor_str(u, clang_getCursorUSR(c));

			if (!u->sink->claim(u->sink->ctx, usr)) {
				u->stats->skipped++;
				return CXChildVisit_Continue;
			}
		}
		ix_ptrmap_get(&u->wanted, l.file, &found);
	}
	top_push(t, c, l.file != u->main_file);
	return CXChildVisit_Continue;
}

static void report_diags(struct ix_unit *u)
{
	unsigned n = clang_getNumDiagnostics(u->tu);

	for (unsigned i = 0; i < n && !u->err; i++) {
		CXDiagnostic d = clang_getDiagnostic(u->tu, i);
		CXFile f;
		unsigned line;
		const char *file, *msg;

		if (clang_getDiagnosticSeverity(d) < CXDiagnostic_Error) {
			clang_disposeDiagnostic(d);
			continue;
		}
		clang_getFileLocation(clang_getDiagnosticLocation(d), &f, &line, NULL, NULL);
		file = ix_file_name(u, f);
		msg = ix_cursor_str(u, clang_getDiagnosticSpelling(d));
		clang_disposeDiagnostic(d);
		if (!u->stats->errors++)
			snprintf(u->stats->first_error, sizeof(u->stats->first_error), "%s:%u: %s",
				 file, line, msg);
		if (u->sink->diag)
			ix_sink_status(u, u->sink->diag(u->sink->ctx, file, line, msg));
	}
}

static void dep_visit(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
	struct ix_unit *u = data;
	bool found;

	if (u->err || !f)
		return;
	/* a file included twice (no guard) is still one dependency */
	if (!ix_ptrmap_get(&u->deps, f, &found) || found)
		return;
	u->stats->deps++;
	if (u->sink->dep)
		ix_sink_status(u, u->sink->dep(u->sink->ctx, ix_file_name(u, f)));
}

static int parse_error(enum CXErrorCode e)
{
	switch (e) {
	case CXError_InvalidArguments:
		return -EINVAL;
	case CXError_Crashed:
		return -EFAULT;
	default:
		return -EIO;
	}
}

static void unit_free(struct ix_unit *u)
{
	if (u->policy)
		clang_PrintingPolicy_dispose(u->policy);
	if (u->tu)
		clang_disposeTranslationUnit(u->tu);
	ix_macros_free(&u->macros);
	ix_ptrmap_free(&u->fields);
	ix_ptrmap_free(&u->files);
	ix_ptrmap_free(&u->wanted);
	ix_ptrmap_free(&u->deps);
	ix_seen_free(&u->seen);
	free(u->sizes);
	ix_arena_free(&u->arena);
	free(u->frames);
	free(u->kids);
}

int ix_extract_unit(CXIndex index, const char *path, const char *const *args, int nargs,
		    const struct ix_sink *sink, struct ix_unit_stats *stats)
{
	static const struct ix_sink none;
	struct ix_unit u = { .sink = sink ? sink : &none, .stats = stats };
	struct ix_top top = { .u = &u };
	double t0 = now();
	enum CXErrorCode e;
	struct stat st;
	int err;

	memset(stats, 0, sizeof(*stats));
	if (ix_clang_load()) {
		stats->failed = true;
		snprintf(stats->first_error, sizeof(stats->first_error), "cannot load libclang");
		return -ENOENT;
	}
	if (stat(path, &st)) {
		err = -errno;
		stats->failed = true;
		snprintf(stats->first_error, sizeof(stats->first_error), "cannot open '%s': %s",
			 path, strerror(-err));
		return err;
	}
	e = clang_parseTranslationUnit2(index, path, args, nargs, NULL, 0, IX_PARSE_OPTIONS, &u.tu);
	stats->parse_seconds = now() - t0;
	if (e != CXError_Success || !u.tu) {
		stats->failed = true;
		snprintf(stats->first_error, sizeof(stats->first_error),
			 "libclang could not parse '%s' (error %d)", path, e);
		stats->seconds = now() - t0;
		return parse_error(e);
	}
	u.main_file = clang_getFile(u.tu, path);
	u.policy = clang_getCursorPrintingPolicy(clang_getTranslationUnitCursor(u.tu));

	report_diags(&u);
	if (!u.err)
		clang_getInclusions(u.tu, dep_visit, &u);

	if (!u.err)
		clang_visitChildren(clang_getTranslationUnitCursor(u.tu), top_visit, &top);
	if (!u.err)
		ix_macros_index(&u);
	for (size_t i = 0; i < top.n && !u.err; i++) {
		if (clang_getCursorKind(top.v[i]) == CXCursor_FunctionDecl)
			do_function(&u, top.v[i], top.header[i]);
		else
			do_variable(&u, top.v[i]);
	}

	free(top.v);
	free(top.header);
	err = u.err;
	unit_free(&u);
	stats->seconds = now() - t0;
	return err;
}
