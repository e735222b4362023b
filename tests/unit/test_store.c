// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store of the source index (store.c), driven through store.h
 * alone on real files in a fresh directory under /tmp: units are written
 * by calling the sink callbacks as the driver does, and every fact is read
 * back from the file with sqlite3.  What a new index holds, what a written
 * unit leaves in it, staleness by content (not mtime) of the .c and of the
 * headers it read, removal of units whose .c is gone, reindexing without
 * duplicates, aborted units, header functions and their orphans, when an
 * existing file is rebuilt or refused, the one-writer lock and
 * tree-relative paths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "index/schema.h"
#include "index/store.h"

#define VERSION "6.12.117"
#define CONFIG "/boot/config-6.12.117"
#define CONFIG_HASH 0x1234abcdu
#define FLAGS_HASH 0x0badf00du
#define EXTRACTOR 7

static struct {
	char dir[64];		/* mkdtemp */
	char tree[128];		/* dir/tree */
	char db[256];		/* the index file */
	struct ix_store_tree t;
	struct ix_store *s;	/* open store, closed by teardown when a test failed */
	const char *unit;	/* the unit being written */
} fx;

/* ---- files ---- */

/* absolute path of rel in the tree, as clang reports it (a few live at once) */
static const char *P(const char *rel)
{
	static char ring[8][512];
	static unsigned n;
	char *b = ring[n++ % 8];

	snprintf(b, sizeof(ring[0]), "%s/%s", fx.tree, rel);
	return b;
}

static void put(const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s", P(rel));
	for (slash = strchr(path + strlen(fx.tree) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void set_mtime(const char *rel, time_t sec, long nsec)
{
	struct timespec ts[2] = { { sec, nsec }, { sec, nsec } };

	assert_int_equal(utimensat(AT_FDCWD, P(rel), ts, 0), 0);
}

/* the whole content of path; size -1 when it cannot be read */
static char *slurp(const char *path, long *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	*size = -1;
	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	assert_non_null(buf);
	*size = (long)fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/test_store.XXXXXX");
	if (!mkdtemp(fx.dir))
		return -1;
	snprintf(fx.tree, sizeof(fx.tree), "%s/tree", fx.dir);
	if (mkdir(fx.tree, 0755))
		return -1;
	snprintf(fx.db, sizeof(fx.db), "%s/" IX_DB_NAME, fx.tree);
	fx.t = (struct ix_store_tree){
		.tree = fx.tree, .version = VERSION, .config = CONFIG,
		.config_hash = CONFIG_HASH, .flags_hash = FLAGS_HASH, .extractor = EXTRACTOR,
	};
	fx.s = NULL;
	/* the tree most tests index */
	put("net/a.c", "int a_main(void) { return 0; }\n");
	put("net/b.c", "int b_main(void) { return 1; }\n");
	put("net/c.c", "int c_main(void) { return 2; }\n");
	put("include/h.h", "static inline int h_inline(void) { return 3; }\n");
	return 0;
}

static int teardown(void **state)
{
	if (fx.s)
		ix_store_close(fx.s);
	fx.s = NULL;
	return nftw(fx.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the store ---- */

static void open_store(void)
{
	assert_int_equal(ix_store_open(fx.db, &fx.t, false, &fx.s), 0);
	assert_non_null(fx.s);
}

static void close_store(void)
{
	assert_int_equal(ix_store_close(fx.s), 0);
	fx.s = NULL;
}

/* open, and refresh expecting removed units gone */
static void open_refresh(unsigned removed)
{
	unsigned n = 12345;

	open_store();
	assert_int_equal(ix_store_refresh(fx.s, &n), 0);
	assert_int_equal(n, removed);
}

static enum ix_why need(const char *rel)
{
	enum ix_why why = 99;

	assert_int_equal(ix_store_need(fx.s, rel, &why), 0);
	return why;
}

/* ---- writing units through the sink ---- */

enum { F_STATIC = 1, F_HEADER = 2, F_DOC = 4 };

static void begin(const char *rel)
{
	assert_int_equal(ix_store_unit_begin(fx.s, rel), 0);
	fx.unit = rel;
}

static void func(const char *file, const char *name, unsigned line, unsigned flags)
{
	const struct ix_sink *k = ix_store_sink(fx.s);
	char usr[128], doc[128];
	struct ix_func f = {
		.usr = usr, .name = name, .loc = { P(file), line, 5 }, .end_line = line + 9,
		.is_static = flags & (F_STATIC | F_HEADER), .is_inline = flags & F_HEADER,
		.in_header = flags & F_HEADER, .summary = flags & F_DOC ? doc : NULL,
	};

	snprintf(usr, sizeof(usr), "c:@F@%s", name);
	snprintf(doc, sizeof(doc), "%s - what it does", name);
	assert_int_equal(k->func(k->ctx, &f), 0);
}

static void call(const char *caller, const char *callee, enum ix_call_kind kind, const char *via,
		 unsigned line)
{
	const struct ix_sink *k = ix_store_sink(fx.s);
	char cu[128], ce[128];
	struct ix_call c = {
		.caller_usr = cu, .callee_usr = callee ? ce : NULL, .callee_name = callee,
		.kind = kind, .via = via, .loc = { P(fx.unit), line, 9 },
	};

	snprintf(cu, sizeof(cu), "c:@F@%s", caller);
	snprintf(ce, sizeof(ce), "c:@F@%s", callee ? callee : "");
	assert_int_equal(k->call(k->ctx, &c), 0);
}

static void access_(const char *fn, const char *record, const char *member, enum ix_mode mode,
		    const char *via, unsigned line)
{
	const struct ix_sink *k = ix_store_sink(fx.s);
	char fu[128];
	struct ix_access a = {
		.func_usr = fn ? fu : NULL, .record = record, .member = member, .mode = mode,
		.via = via, .loc = { P(fx.unit), line, 3 },
	};

	snprintf(fu, sizeof(fu), "c:@F@%s", fn ? fn : "");
	assert_int_equal(k->access(k->ctx, &a), 0);
}

static void fnref(const char *record, const char *member, const char *fn, const char *holder,
		  enum ix_fnref_kind kind, unsigned line)
{
	const struct ix_sink *k = ix_store_sink(fx.s);
	char fu[128];
	struct ix_fnref r = {
		.record = record, .member = member, .func_usr = fu, .func_name = fn,
		.holder = holder, .kind = kind, .loc = { P(fx.unit), line, 4 },
	};

	snprintf(fu, sizeof(fu), "c:@F@%s", fn);
	assert_int_equal(k->fnref(k->ctx, &r), 0);
}

static void dep(const char *path)
{
	const struct ix_sink *k = ix_store_sink(fx.s);

	assert_int_equal(k->dep(k->ctx, path), 0);
}

static void diag(const char *path, unsigned line, const char *msg)
{
	const struct ix_sink *k = ix_store_sink(fx.s);

	assert_int_equal(k->diag(k->ctx, path, line, msg), 0);
}

static void end(const char *status, unsigned errors, const char *first_error)
{
	struct ix_unit_result r = {
		.status = status, .errors = errors, .first_error = first_error, .seconds = 0.25,
	};

	assert_int_equal(ix_store_unit_end(fx.s, &r), 0);
	fx.unit = NULL;
}

/*
 * The usual records of the unit net/<p>.c: <p>_main (documented, line 10)
 * calls <p>_helper (static, line 30), a pointer through proto.handler and
 * kfree_skb through INDIRECT_CALL_2; three member accesses, one at file
 * scope; <p>_main stored in an ops table.  It reads its .c (spelled with
 * ./) and, with hdr, include/h.h (spelled with ../).  2 functions, 3 calls,
 * 3 accesses, 1 fnref, 1 or 2 deps.
 */
static void unit_records(char p, bool hdr)
{
	char rel[16], m[16], h[16], holder[16], spelled[512];

	snprintf(rel, sizeof(rel), "net/%c.c", p);
	snprintf(m, sizeof(m), "%c_main", p);
	snprintf(h, sizeof(h), "%c_helper", p);
	snprintf(holder, sizeof(holder), "%c_proto", p);
	func(rel, m, 10, F_DOC);
	func(rel, h, 30, F_STATIC);
	call(m, h, IX_CALL_DIRECT, NULL, 12);
	call(m, NULL, IX_CALL_POINTER, "proto.handler", 13);
	call(m, "kfree_skb", IX_CALL_MACRO, "INDIRECT_CALL_2", 14);
	access_(m, "sock", "sk_state", IX_WRITE, "WRITE_ONCE", 15);
	access_(h, "sk_buff", "len", IX_READ, NULL, 31);
	access_(NULL, "sock", "sk_state", IX_INIT, NULL, 50);
	fnref("proto", "handler", m, holder, IX_FNREF_INIT, 51);
	snprintf(spelled, sizeof(spelled), "%s/./net/%c.c", fx.tree, p);
	dep(spelled);
	if (hdr) {
		snprintf(spelled, sizeof(spelled), "%s/net/../include/h.h", fx.tree);
		dep(spelled);
	}
}

static void write_unit(char p, bool hdr)
{
	char rel[16];

	snprintf(rel, sizeof(rel), "net/%c.c", p);
	begin(rel);
	unit_records(p, hdr);
	end("ok", 0, NULL);
}

/*
 * net/<p>.c defining <p>_main and, when owns is given, the header function
 * owns of include/h.h (with a call and an access in it); it reads
 * include/h.h when hdr.
 */
static void write_hdr_unit(char p, bool hdr, const char *owns)
{
	char rel[16], m[16];

	snprintf(rel, sizeof(rel), "net/%c.c", p);
	snprintf(m, sizeof(m), "%c_main", p);
	begin(rel);
	func(rel, m, 10, 0);
	if (owns) {
		func("include/h.h", owns, 1, F_HEADER);
		call(owns, "kfree", IX_CALL_DIRECT, NULL, 2);
		access_(owns, "sock", "sk_state", IX_READ, "smp_load_acquire", 3);
		call(m, owns, IX_CALL_DIRECT, NULL, 11);
	}
	dep(P(rel));
	if (hdr)
		dep(P("include/h.h"));
	end("ok", 0, NULL);
}

/* ---- reading the file back ---- */

static sqlite3_stmt *query(sqlite3 **db, const char *fmt, va_list ap)
{
	sqlite3_stmt *q;
	char *sql = sqlite3_vmprintf(fmt, ap);

	assert_non_null(sql);
	assert_int_equal(sqlite3_open_v2(fx.db, db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(*db, sql, -1, &q, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(*db));
	sqlite3_free(sql);
	return q;
}

/* the first column of the first row as a number (sqlite3_mprintf format: %q quotes) */
static long long q_int(const char *fmt, ...)
{
	sqlite3_stmt *q;
	sqlite3 *db;
	long long v;
	va_list ap;

	va_start(ap, fmt);
	q = query(&db, fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* ... as text, "NULL" for NULL and "-" for no row */
static const char *q_text(const char *fmt, ...)
{
	static char buf[4][2048];
	static unsigned n;
	char *b = buf[n++ % 4];
	sqlite3_stmt *q;
	sqlite3 *db;
	va_list ap;

	va_start(ap, fmt);
	q = query(&db, fmt, ap);
	va_end(ap);
	if (sqlite3_step(q) != SQLITE_ROW)
		snprintf(b, sizeof(buf[0]), "-");
	else if (sqlite3_column_type(q, 0) == SQLITE_NULL)
		snprintf(b, sizeof(buf[0]), "NULL");
	else
		snprintf(b, sizeof(buf[0]), "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	return b;
}

static void exec_sql(const char *sql)
{
	char *msg = NULL;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(fx.db, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static long long rows(const char *table)
{
	return q_int("SELECT COUNT(*) FROM %s", table);
}

/* rows of the unit rel in table */
static long long unit_rows(const char *table, const char *rel)
{
	return q_int("SELECT COUNT(*) FROM %s WHERE unit_id = (SELECT u.id FROM units u "
		     "JOIN files f ON f.id = u.file_id WHERE f.path = %Q)", table, rel);
}

/* rows whose unit is not in the index any more */
static long long stray_rows(void)
{
	static const char *const tables[] = { "functions", "calls", "accesses", "fnrefs", "unit_deps" };
	long long n = 0;

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		n += q_int("SELECT COUNT(*) FROM %s WHERE unit_id NOT IN (SELECT id FROM units)",
			   tables[i]);
	return n;
}

static const char *meta(const char *key)
{
	return q_text("SELECT value FROM meta WHERE key = %Q", key);
}

/* the function names of the index, sorted, ';'-separated */
static const char *function_names(void)
{
	return q_text("SELECT ifnull(group_concat(name, ';'), '') FROM "
		      "(SELECT name FROM functions ORDER BY name)");
}

static void assert_usual_unit_rows(const char *rel, bool hdr)
{
	assert_int_equal(unit_rows("functions", rel), 2);
	assert_int_equal(unit_rows("calls", rel), 3);
	assert_int_equal(unit_rows("accesses", rel), 3);
	assert_int_equal(unit_rows("fnrefs", rel), 1);
	assert_int_equal(unit_rows("unit_deps", rel), hdr ? 2 : 1);
}

/* names given to a callback; stop_after non-zero makes it stop after that many */
struct names {
	unsigned n, stop_after;
	char v[8][128];
};

static int collect(void *ctx, const char *name)
{
	struct names *c = ctx;

	if (c->n < 8)
		snprintf(c->v[c->n], sizeof(c->v[0]), "%s", name);
	c->n++;
	return c->stop_after && c->n >= c->stop_after;
}

/* ---- a new index ---- */

static void new_index_has_the_schema_version_and_meta_of_its_tree(void **state)
{
	char schema[16];
	const char *created;

	assert_false(exists(fx.db));
	open_store();
	close_store();
	snprintf(schema, sizeof(schema), "%d", IX_SCHEMA_VERSION);
	assert_string_equal(meta("schema"), schema);
	assert_string_equal(meta("tree"), fx.tree);
	assert_string_equal(meta("tree_version"), VERSION);
	assert_string_equal(meta("config"), CONFIG);
	assert_string_equal(meta("config_hash"), "1234abcd");
	assert_string_equal(meta("flags_hash"), "0badf00d");
	assert_string_equal(meta("extractor"), "7");
	created = meta("created");
	/* 2025-01-31T12:00:00Z */
	assert_int_equal(strlen(created), 20);
	assert_int_equal(created[10], 'T');
	assert_int_equal(created[19], 'Z');
	assert_int_equal(strlen(meta("updated")), 20);
	assert_int_equal(rows("meta"), 9);
	/* every table of schema.h, empty; WAL so queries read while it writes */
	assert_int_equal(q_int("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"), 8);
	assert_int_equal(q_int("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' "
			       "AND name NOT LIKE 'sqlite_autoindex%%'"), 13);
	assert_int_equal(rows("files") + rows("units") + rows("functions"), 0);
	assert_string_equal(q_text("PRAGMA journal_mode"), "wal");
}

static void reopening_with_the_same_tree_keeps_the_index(void **state)
{
	char created[32];

	open_store();
	write_unit('a', true);
	close_store();
	snprintf(created, sizeof(created), "%s", meta("created"));
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_FRESH);
	close_store();
	assert_string_equal(meta("created"), created);
	assert_string_equal(meta("tree"), fx.tree);
	assert_int_equal(rows("meta"), 9);
	assert_int_equal(rows("units"), 1);
	assert_usual_unit_rows("net/a.c", true);
}

/* ---- a written unit ---- */

static void written_unit_has_its_functions_calls_accesses_fnrefs_and_deps(void **state)
{
	struct ix_store_counts c;
	unsigned ok = 9, errors = 9, failed = 9;
	struct stat st;
	time_t before = time(NULL);

	open_refresh(0);
	begin("net/a.c");
	unit_records('a', true);
	/* records of functions the unit did not report are counted, not stored */
	call("nowhere", "kfree", IX_CALL_DIRECT, NULL, 90);
	access_("nowhere", "sock", "sk_flags", IX_READ, NULL, 91);
	end("ok", 0, NULL);
	ix_store_counts(fx.s, &c);
	assert_int_equal(c.functions, 2);
	assert_int_equal(c.calls, 3);
	assert_int_equal(c.accesses, 3);
	assert_int_equal(c.fnrefs, 1);
	assert_int_equal(c.deps, 2);
	assert_int_equal(c.orphans, 2);
	assert_int_equal(ix_store_totals(fx.s, &ok, &errors, &failed), 0);
	assert_int_equal(ok, 1);
	assert_int_equal(errors, 0);
	assert_int_equal(failed, 0);
	close_store();

	/* the same file spelled three ways is one row, relative to the tree */
	assert_string_equal(q_text("SELECT group_concat(path, ';') FROM (SELECT path FROM files ORDER BY path)"),
			    "include/h.h;net/a.c");
	assert_int_equal(stat(P("net/a.c"), &st), 0);
	assert_int_equal(q_int("SELECT size FROM files WHERE path = 'net/a.c'"), st.st_size);
	assert_int_equal(q_int("SELECT mtime_ns FROM files WHERE path = 'net/a.c'"),
			 (long long)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
	assert_int_equal(strlen(q_text("SELECT hash FROM files WHERE path = 'net/a.c'")), 8);

	assert_string_equal(q_text("SELECT u.status || ',' || u.errors || ',' || ifnull(u.first_error, 'NULL') "
				   "|| ',' || u.seconds FROM units u JOIN files f ON f.id = u.file_id "
				   "WHERE f.path = 'net/a.c'"), "ok,0,NULL,0.25");
	assert_in_range(q_int("SELECT indexed_at FROM units"), before, time(NULL));
	assert_string_equal(q_text("SELECT group_concat(r, ';') FROM (SELECT f.name || ',' || p.path || ',' || "
				   "f.line || ',' || f.col || ',' || f.end_line || ',' || f.is_static || ',' || "
				   "f.is_inline || ',' || f.in_header || ',' || ifnull(f.summary, 'NULL') AS r "
				   "FROM functions f JOIN files p ON p.id = f.file_id ORDER BY f.line)"),
			    "a_main,net/a.c,10,5,19,0,0,0,a_main - what it does;"
			    "a_helper,net/a.c,30,5,39,1,0,0,NULL");
	assert_string_equal(q_text("SELECT group_concat(r, ';') FROM (SELECT f.name || ',' || "
				   "ifnull(c.callee_usr, 'NULL') || ',' || ifnull(c.callee_name, 'NULL') || ',' || "
				   "c.kind || ',' || ifnull(c.via, 'NULL') || ',' || p.path || ':' || c.line || ':' || "
				   "c.col AS r FROM calls c JOIN functions f ON f.id = c.caller_id "
				   "JOIN files p ON p.id = c.file_id ORDER BY c.line)"),
			    "a_main,c:@F@a_helper,a_helper,direct,NULL,net/a.c:12:9;"
			    "a_main,NULL,NULL,pointer,proto.handler,net/a.c:13:9;"
			    "a_main,c:@F@kfree_skb,kfree_skb,macro,INDIRECT_CALL_2,net/a.c:14:9");
	assert_string_equal(q_text("SELECT group_concat(r, ';') FROM (SELECT ifnull(f.name, 'NULL') || ',' || "
				   "a.record || '.' || a.member || ',' || a.mode || ',' || ifnull(a.via, 'NULL') || "
				   "',' || p.path || ':' || a.line || ':' || a.col AS r FROM accesses a "
				   "LEFT JOIN functions f ON f.id = a.func_id JOIN files p ON p.id = a.file_id "
				   "ORDER BY a.line)"),
			    "a_main,sock.sk_state,write,WRITE_ONCE,net/a.c:15:3;"
			    "a_helper,sk_buff.len,read,NULL,net/a.c:31:3;"
			    "NULL,sock.sk_state,init,NULL,net/a.c:50:3");
	assert_string_equal(q_text("SELECT r.record || '.' || r.member || ',' || r.func_usr || ',' || r.func_name "
				   "|| ',' || r.holder || ',' || r.kind || ',' || p.path || ':' || r.line "
				   "FROM fnrefs r JOIN files p ON p.id = r.file_id"),
			    "proto.handler,c:@F@a_main,a_main,a_proto,init,net/a.c:51");
	assert_string_equal(q_text("SELECT group_concat(path, ';') FROM (SELECT f.path FROM unit_deps d "
				   "JOIN files f ON f.id = d.file_id ORDER BY f.path)"),
			    "include/h.h;net/a.c");
	/* every row is the unit's */
	assert_usual_unit_rows("net/a.c", true);
	assert_int_equal(rows("functions"), 2);
	assert_int_equal(rows("calls"), 3);
	assert_int_equal(rows("accesses"), 3);
	assert_int_equal(rows("fnrefs"), 1);
	assert_int_equal(rows("unit_deps"), 2);
}

static void unit_status_errors_and_first_error_are_stored(void **state)
{
	unsigned ok = 9, errors = 9, failed = 9;

	open_refresh(0);
	/* errors: the sink's diagnostics count, the first (made relative) is kept */
	begin("net/a.c");
	func("net/a.c", "a_main", 10, 0);
	dep(P("net/a.c"));
	diag(P("include/./h.h"), 12, "use of undeclared identifier 'x'");
	diag(P("net/a.c"), 20, "expected ';'");
	end("errors", 0, NULL);
	assert_string_equal(ix_store_unit_error(fx.s), "include/h.h:12: use of undeclared identifier 'x'");
	/* failed: the result's first error when the sink got none */
	begin("net/b.c");
	end("failed", 1, "cannot parse net/b.c");
	assert_string_equal(ix_store_unit_error(fx.s), "cannot parse net/b.c");
	write_unit('c', false);
	assert_string_equal(ix_store_unit_error(fx.s), "");
	assert_int_equal(ix_store_totals(fx.s, &ok, &errors, &failed), 0);
	assert_int_equal(ok, 1);
	assert_int_equal(errors, 1);
	assert_int_equal(failed, 1);
	close_store();
	assert_string_equal(q_text("SELECT group_concat(r, ';') FROM (SELECT f.path || ',' || u.status || ',' || "
				   "u.errors || ',' || ifnull(u.first_error, 'NULL') AS r FROM units u "
				   "JOIN files f ON f.id = u.file_id ORDER BY f.path)"),
			    "net/a.c,errors,2,include/h.h:12: use of undeclared identifier 'x';"
			    "net/b.c,failed,1,cannot parse net/b.c;"
			    "net/c.c,ok,0,NULL");
	assert_int_equal(unit_rows("functions", "net/a.c"), 1);
	assert_int_equal(unit_rows("functions", "net/b.c"), 0);
}

static void need_is_fresh_for_a_written_unit_and_new_for_an_unknown_file(void **state)
{
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_NEW);
	write_unit('a', true);
	close_store();
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_FRESH);
	assert_int_equal(need("net/b.c"), IX_NEW);
	assert_int_equal(need("net/nowhere.c"), IX_NEW);
	/* a file the index knows as a dependency only is no unit */
	assert_int_equal(need("include/h.h"), IX_NEW);
	close_store();
	/* asking about a fresh unit does not touch it */
	assert_int_equal(rows("units"), 1);
	assert_usual_unit_rows("net/a.c", true);
}

/* ---- staleness ---- */

static void changed_c_content_makes_the_unit_changed(void **state)
{
	char old_hash[16];

	put("net/a.c", "int a_main(void) { return 0; }\n");
	set_mtime("net/a.c", 1500000000, 0);
	open_refresh(0);
	write_unit('a', true);
	close_store();
	snprintf(old_hash, sizeof(old_hash), "%s", q_text("SELECT hash FROM files WHERE path = 'net/a.c'"));
	/* same size, another content */
	put("net/a.c", "int a_main(void) { return 7; }\n");
	set_mtime("net/a.c", 1500000100, 0);
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_CHANGED);
	close_store();
	assert_string_not_equal(q_text("SELECT hash FROM files WHERE path = 'net/a.c'"), old_hash);
	assert_int_equal(q_int("SELECT mtime_ns FROM files WHERE path = 'net/a.c'"), 1500000100000000000LL);
}

static void changed_c_mtime_alone_keeps_the_unit_fresh(void **state)
{
	char old_hash[16];

	set_mtime("net/a.c", 1500000000, 0);
	open_refresh(0);
	write_unit('a', true);
	close_store();
	snprintf(old_hash, sizeof(old_hash), "%s", q_text("SELECT hash FROM files WHERE path = 'net/a.c'"));
	set_mtime("net/a.c", 1600000000, 5);
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_FRESH);
	close_store();
	/* the content hash decided; the new mtime is remembered so it is not hashed again */
	assert_string_equal(q_text("SELECT hash FROM files WHERE path = 'net/a.c'"), old_hash);
	assert_int_equal(q_int("SELECT mtime_ns FROM files WHERE path = 'net/a.c'"), 1600000000000000005LL);
	assert_usual_unit_rows("net/a.c", true);
}

static void changed_header_makes_only_the_units_reading_it_dep_changed(void **state)
{
	open_refresh(0);
	write_unit('a', true);
	write_unit('b', false);
	close_store();
	put("include/h.h", "static inline int h_inline(void) { return 4; }\n/* more */\n");
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_DEP_CHANGED);
	assert_int_equal(need("net/b.c"), IX_FRESH);
	close_store();
	assert_int_equal(rows("units"), 1);
	assert_usual_unit_rows("net/b.c", false);
}

/*
 * A run that reindexes only some units (netscope index net/a.c) after a
 * header or a .c changed: the units it left out must still be stale on
 * the next run, although the files table now holds the new content.
 */
static void units_left_out_of_a_run_stay_stale(void **state)
{
	open_refresh(0);
	write_hdr_unit('a', true, NULL);
	write_hdr_unit('b', true, NULL);
	write_hdr_unit('c', false, NULL);
	close_store();
	put("include/h.h", "static inline int h_inline(void) { return 5; }\n");
	put("net/c.c", "int c_main(void) { return 3; }\n");
	open_refresh(0);
	/* only a is asked for, and written again */
	assert_int_equal(need("net/a.c"), IX_DEP_CHANGED);
	write_hdr_unit('a', true, NULL);
	close_store();
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_FRESH);
	assert_int_equal(need("net/b.c"), IX_DEP_CHANGED);
	assert_int_equal(need("net/c.c"), IX_CHANGED);
	close_store();
}

static void failed_unit_is_tried_again(void **state)
{
	open_refresh(0);
	begin("net/a.c");
	end("failed", 0, "the worker died of signal 11 (Segmentation fault) while parsing it");
	write_hdr_unit('b', false, NULL);
	close_store();
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_FAILED_BEFORE);
	assert_int_equal(need("net/b.c"), IX_FRESH);
	close_store();
}

static void unit_whose_c_is_deleted_is_removed_with_all_its_rows(void **state)
{
	unsigned ok = 9, errors = 9, failed = 9;

	open_refresh(0);
	write_unit('a', true);
	write_unit('b', false);
	close_store();
	assert_int_equal(unlink(P("net/a.c")), 0);
	open_refresh(1);
	assert_int_equal(ix_store_totals(fx.s, &ok, &errors, &failed), 0);
	assert_int_equal(ok, 1);
	assert_int_equal(errors + failed, 0);
	assert_int_equal(need("net/a.c"), IX_NEW);
	close_store();
	/* only b's rows are left */
	assert_string_equal(q_text("SELECT f.path FROM units u JOIN files f ON f.id = u.file_id"), "net/b.c");
	assert_int_equal(rows("units"), 1);
	assert_int_equal(rows("functions"), 2);
	assert_int_equal(rows("calls"), 3);
	assert_int_equal(rows("accesses"), 3);
	assert_int_equal(rows("fnrefs"), 1);
	assert_int_equal(rows("unit_deps"), 1);
	assert_int_equal(stray_rows(), 0);
	assert_string_equal(function_names(), "b_helper;b_main");
	/* the file is known to be gone */
	assert_string_equal(q_text("SELECT hash || ',' || size FROM files WHERE path = 'net/a.c'"), "none,-1");
	/* and is not removed twice */
	open_refresh(0);
	close_store();
}

/* ---- writing again ---- */

static void unit_to_reindex_loses_its_old_rows_and_has_no_duplicates_after(void **state)
{
	struct ix_store_counts c;

	open_refresh(0);
	write_unit('a', true);
	write_unit('b', true);
	close_store();
	put("net/a.c", "int a_main(void) { return 0; } /* changed */\n");
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_CHANGED);
	assert_int_equal(need("net/b.c"), IX_FRESH);
	/* marked: its rows went before any worker runs */
	assert_int_equal(ix_store_commit(fx.s), 0);
	assert_int_equal(rows("units"), 1);
	assert_int_equal(rows("functions"), 2);
	assert_int_equal(stray_rows(), 0);
	write_unit('a', true);
	ix_store_counts(fx.s, &c);
	assert_int_equal(c.functions, 2);
	assert_int_equal(c.calls, 3);
	close_store();
	assert_int_equal(rows("units"), 2);
	assert_usual_unit_rows("net/a.c", true);
	assert_usual_unit_rows("net/b.c", true);
	assert_int_equal(rows("functions"), 4);
	assert_int_equal(rows("calls"), 6);
	assert_int_equal(rows("accesses"), 6);
	assert_int_equal(rows("fnrefs"), 2);
	assert_int_equal(rows("unit_deps"), 4);
	assert_int_equal(rows("files"), 3);
	assert_int_equal(stray_rows(), 0);
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_FRESH);
	close_store();
}

static void unit_written_twice_keeps_only_the_second_rows(void **state)
{
	open_refresh(0);
	write_unit('a', true);
	begin("net/a.c");
	func("net/a.c", "a_v2", 40, 0);
	call("a_v2", "kfree", IX_CALL_DIRECT, NULL, 41);
	dep(P("net/a.c"));
	end("ok", 0, NULL);
	close_store();
	assert_int_equal(rows("units"), 1);
	assert_string_equal(function_names(), "a_v2");
	assert_string_equal(q_text("SELECT callee_name || ':' || line FROM calls"), "kfree:41");
	assert_int_equal(rows("calls"), 1);
	assert_int_equal(rows("accesses"), 0);
	assert_int_equal(rows("fnrefs"), 0);
	assert_int_equal(rows("unit_deps"), 1);
	assert_int_equal(unit_rows("functions", "net/a.c"), 1);
	assert_int_equal(stray_rows(), 0);
}

static void aborted_unit_keeps_its_old_rows(void **state)
{
	struct ix_store_counts c;

	open_refresh(0);
	write_unit('a', true);
	close_store();
	put("include/new.h", "int x;\n");
	open_refresh(0);
	begin("net/a.c");
	func("net/a.c", "a_new", 60, 0);
	call("a_new", "kfree", IX_CALL_DIRECT, NULL, 61);
	access_("a_new", "sock", "sk_flags", IX_READ, NULL, 62);
	fnref("proto", "handler", "a_new", "a_proto", IX_FNREF_ASSIGN, 63);
	dep(P("include/new.h"));
	ix_store_unit_abort(fx.s);
	/* the summary counts only what was written: nothing this session */
	ix_store_counts(fx.s, &c);
	assert_int_equal(c.functions + c.calls + c.accesses + c.fnrefs + c.deps, 0);
	close_store();
	assert_int_equal(rows("units"), 1);
	assert_string_equal(function_names(), "a_helper;a_main");
	assert_usual_unit_rows("net/a.c", true);
	assert_int_equal(rows("calls"), 3);
	assert_int_equal(rows("accesses"), 3);
	assert_int_equal(rows("fnrefs"), 1);
	/* the file only the aborted unit read is not in the index */
	assert_int_equal(rows("files"), 2);
	assert_int_equal(q_int("SELECT COUNT(*) FROM files WHERE path = 'include/new.h'"), 0);
}

static void aborted_new_unit_leaves_nothing_half_written(void **state)
{
	open_refresh(0);
	write_unit('a', true);
	begin("net/b.c");
	unit_records('b', false);
	ix_store_unit_abort(fx.s);
	/* the store goes on writing */
	write_unit('c', false);
	close_store();
	assert_string_equal(q_text("SELECT group_concat(path, ';') FROM (SELECT f.path FROM units u "
				   "JOIN files f ON f.id = u.file_id ORDER BY f.path)"), "net/a.c;net/c.c");
	assert_string_equal(q_text("SELECT group_concat(path, ';') FROM (SELECT path FROM files ORDER BY path)"),
			    "include/h.h;net/a.c;net/c.c");
	assert_string_equal(function_names(), "a_helper;a_main;c_helper;c_main");
	assert_usual_unit_rows("net/a.c", true);
	assert_usual_unit_rows("net/c.c", false);
	assert_int_equal(rows("calls"), 6);
	assert_int_equal(rows("accesses"), 6);
	assert_int_equal(rows("fnrefs"), 2);
	assert_int_equal(rows("unit_deps"), 3);
	assert_int_equal(stray_rows(), 0);
}

/* ---- header functions ---- */

static void header_function_reported_twice_stays_owned_by_the_first_unit(void **state)
{
	struct ix_store_counts c;

	open_refresh(0);
	write_hdr_unit('a', true, "h_inline");
	write_hdr_unit('b', true, "h_inline");
	ix_store_counts(fx.s, &c);
	/* a_main, h_inline, b_main */
	assert_int_equal(c.functions, 3);
	close_store();
	assert_int_equal(q_int("SELECT COUNT(*) FROM functions WHERE usr = 'c:@F@h_inline'"), 1);
	assert_string_equal(q_text("SELECT p.path FROM functions f JOIN units u ON u.id = f.unit_id "
				   "JOIN files p ON p.id = u.file_id WHERE f.name = 'h_inline'"), "net/a.c");
	assert_string_equal(q_text("SELECT p.path || ',' || f.in_header || ',' || f.is_inline FROM functions f "
				   "JOIN files p ON p.id = f.file_id WHERE f.name = 'h_inline'"), "include/h.h,1,1");
}

static void claimed_usrs_lists_header_functions_of_units_that_stay(void **state)
{
	struct names all = {}, first = { .stop_after = 1 }, left = {};

	open_refresh(0);
	write_hdr_unit('a', true, "h_inline");
	write_hdr_unit('b', true, "h_other");
	write_hdr_unit('c', true, NULL);
	close_store();

	open_refresh(0);
	assert_int_equal(ix_store_claimed_usrs(fx.s, collect, &all), 0);
	assert_int_equal(all.n, 2);
	assert_string_equal(all.v[0], "c:@F@h_inline");
	assert_string_equal(all.v[1], "c:@F@h_other");
	/* the callback stops the listing */
	assert_int_equal(ix_store_claimed_usrs(fx.s, collect, &first), 0);
	assert_int_equal(first.n, 1);
	close_store();

	/* b is to be indexed again: its header function is free to claim */
	put("net/b.c", "int b_main(void) { return 1; } /* changed */\n");
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_FRESH);
	assert_int_equal(need("net/b.c"), IX_CHANGED);
	assert_int_equal(need("net/c.c"), IX_FRESH);
	assert_int_equal(ix_store_claimed_usrs(fx.s, collect, &left), 0);
	assert_int_equal(left.n, 1);
	assert_string_equal(left.v[0], "c:@F@h_inline");
	close_store();
}

/* a, b and c read include/h.h, a owns h_inline; a changes and is marked */
static void three_units_and_a_reindexed_owner(void)
{
	open_refresh(0);
	write_hdr_unit('a', true, "h_inline");
	write_hdr_unit('b', true, NULL);
	write_hdr_unit('c', true, NULL);
	close_store();
	put("net/a.c", "int a_main(void) { return 0; } /* changed */\n");
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_CHANGED);
	assert_int_equal(need("net/b.c"), IX_FRESH);
	assert_int_equal(need("net/c.c"), IX_FRESH);
}

static void orphan_units_names_one_unit_that_read_the_header_of_a_lost_function(void **state)
{
	struct names o = {}, again = {};

	three_units_and_a_reindexed_owner();
	/* a no longer reports h_inline */
	write_hdr_unit('a', true, NULL);
	assert_int_equal(ix_store_orphan_units(fx.s, false, collect, &o), 0);
	/* one unit per header: the first written of those reading it */
	assert_int_equal(o.n, 1);
	assert_string_equal(o.v[0], "net/b.c");
	/* it was handed over once */
	assert_int_equal(ix_store_orphan_units(fx.s, false, collect, &again), 0);
	assert_int_equal(again.n, 0);
	close_store();
	/* its rows went: indexing it again lets it claim h_inline */
	assert_string_equal(q_text("SELECT group_concat(path, ';') FROM (SELECT f.path FROM units u "
				   "JOIN files f ON f.id = u.file_id ORDER BY f.path)"), "net/a.c;net/c.c");
	assert_string_equal(function_names(), "a_main;c_main");
	assert_int_equal(stray_rows(), 0);
}

static void orphan_units_is_empty_when_the_owner_reports_its_header_function_again(void **state)
{
	struct names o = {};

	three_units_and_a_reindexed_owner();
	write_hdr_unit('a', true, "h_inline");
	assert_int_equal(ix_store_orphan_units(fx.s, false, collect, &o), 0);
	assert_int_equal(o.n, 0);
	close_store();
	assert_int_equal(rows("units"), 3);
	assert_string_equal(function_names(), "a_main;b_main;c_main;h_inline");
}

/* only a reads include/h.h and owns h_inline; a is indexed again without it */
static void only_the_owner_reads_the_header(void)
{
	put("net/a.c", "int a_main(void) { return 0; }\n");
	open_refresh(0);
	write_hdr_unit('a', true, "h_inline");
	write_hdr_unit('b', false, NULL);
	close_store();
	put("net/a.c", "int a_main(void) { return 0; } /* changed */\n");
	open_refresh(0);
	assert_int_equal(need("net/a.c"), IX_CHANGED);
	assert_int_equal(need("net/b.c"), IX_FRESH);
	write_hdr_unit('a', true, NULL);
}

static void orphan_units_takes_units_written_this_run_only_with_written_too(void **state)
{
	struct names o = {}, w = {};

	/* without written_too: a had its chance, nobody else reads h.h */
	only_the_owner_reads_the_header();
	assert_int_equal(ix_store_orphan_units(fx.s, false, collect, &o), 0);
	assert_int_equal(o.n, 0);
	close_store();
	assert_int_equal(rows("units"), 2);
	assert_string_equal(function_names(), "a_main;b_main");

	/* with it (a worker died holding claims): a is named, and its rows go */
	snprintf(fx.db, sizeof(fx.db), "%s/other.sqlite", fx.dir);
	only_the_owner_reads_the_header();
	assert_int_equal(ix_store_orphan_units(fx.s, true, collect, &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.v[0], "net/a.c");
	close_store();
	assert_string_equal(q_text("SELECT f.path FROM units u JOIN files f ON f.id = u.file_id"), "net/b.c");
	assert_string_equal(function_names(), "b_main");
	assert_int_equal(stray_rows(), 0);
}

static void removed_owner_hands_its_header_functions_to_a_unit_reading_the_header(void **state)
{
	struct names o = {};

	open_refresh(0);
	write_hdr_unit('a', true, "h_inline");
	write_hdr_unit('b', true, NULL);
	close_store();
	assert_int_equal(unlink(P("net/a.c")), 0);
	open_refresh(1);
	assert_int_equal(need("net/b.c"), IX_FRESH);
	assert_int_equal(ix_store_orphan_units(fx.s, false, collect, &o), 0);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.v[0], "net/b.c");
	close_store();
	assert_int_equal(rows("units"), 0);
	assert_int_equal(rows("functions"), 0);
	assert_int_equal(stray_rows(), 0);
}

/* ---- an existing file: rebuilt or refused ---- */

/* an index of the usual unit a, closed */
static void index_with_unit_a(void)
{
	open_refresh(0);
	write_unit('a', true);
	close_store();
	assert_int_equal(rows("units"), 1);
}

static void assert_rebuilt_empty(void)
{
	char schema[16];

	snprintf(schema, sizeof(schema), "%d", IX_SCHEMA_VERSION);
	assert_string_equal(meta("schema"), schema);
	assert_int_equal(rows("meta"), 9);
	assert_int_equal(rows("units"), 0);
	assert_int_equal(rows("files"), 0);
	assert_int_equal(rows("functions"), 0);
	assert_int_equal(rows("calls"), 0);
	assert_int_equal(rows("accesses"), 0);
	assert_int_equal(rows("fnrefs"), 0);
	assert_int_equal(rows("unit_deps"), 0);
}

static void index_of_another_tree_is_refused_and_rebuilt_with_rebuild(void **state)
{
	struct ix_store_tree other = fx.t;
	struct ix_store *s = NULL;

	index_with_unit_a();
	other.tree = "/src/another-tree";
	assert_int_equal(ix_store_open(fx.db, &other, false, &s), -EEXIST);
	assert_null(s);
	/* refused: untouched */
	assert_string_equal(meta("tree"), fx.tree);
	assert_int_equal(rows("units"), 1);
	assert_usual_unit_rows("net/a.c", true);

	assert_int_equal(ix_store_open(fx.db, &other, true, &fx.s), 0);
	close_store();
	assert_string_equal(meta("tree"), "/src/another-tree");
	assert_rebuilt_empty();
}

static void other_config_hash_rebuilds_the_index(void **state)
{
	index_with_unit_a();
	fx.t.config_hash = 0xfeedbeefu;
	open_store();
	close_store();
	assert_rebuilt_empty();
	assert_string_equal(meta("config_hash"), "feedbeef");
	assert_string_equal(meta("flags_hash"), "0badf00d");
	assert_string_equal(meta("tree"), fx.tree);
}

static void other_flags_hash_rebuilds_the_index(void **state)
{
	index_with_unit_a();
	fx.t.flags_hash = 0x00c0ffeeu;
	open_store();
	close_store();
	assert_rebuilt_empty();
	assert_string_equal(meta("flags_hash"), "00c0ffee");
	assert_string_equal(meta("config_hash"), "1234abcd");
}

static void other_extraction_rules_rebuild_the_index(void **state)
{
	index_with_unit_a();
	fx.t.extractor = EXTRACTOR + 1;
	open_store();
	close_store();
	assert_rebuilt_empty();
	assert_string_equal(meta("extractor"), "8");
}

static void other_schema_version_rebuilds_the_index(void **state)
{
	char sql[128];

	index_with_unit_a();
	snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%d' WHERE key = 'schema'", IX_SCHEMA_VERSION + 1);
	exec_sql(sql);
	open_store();
	close_store();
	assert_rebuilt_empty();
}

/*
 * What store.h promises: "a file that is not a netscope index is refused
 * (-EINVAL) and left alone", byte for byte.  Switching to WAL before the
 * meta check once turned a foreign SQLite file's header bytes 18-19 from 1
 * to 2 before refusing it, and made a text file an -EIO.
 */
static void assert_refused_untouched(bool rebuild)
{
	struct ix_store *s = NULL;
	long before_n, after_n;
	char *before = slurp(fx.db, &before_n), *after;
	int err;

	assert_true(before_n > 0);
	err = ix_store_open(fx.db, &fx.t, rebuild, &s);
	assert_null(s);
	after = slurp(fx.db, &after_n);
	assert_int_equal(after_n, before_n);
	assert_memory_equal(after, before, before_n);
	free(before);
	free(after);
	assert_int_equal(err, -EINVAL);
}

static void file_that_is_not_sqlite_is_refused_and_left_untouched(void **state)
{
	FILE *f = fopen(fx.db, "w");

	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fprintf(f, "line %d of a text file that happens to be called " IX_DB_NAME "\n", i);
	assert_int_equal(fclose(f), 0);
	assert_refused_untouched(false);
	assert_refused_untouched(true);
}

static void sqlite_file_without_netscope_meta_is_refused_and_left_untouched(void **state)
{
	exec_sql("CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT);"
		 "INSERT INTO notes(text) VALUES ('mine'), ('not an index');");
	assert_refused_untouched(false);
	assert_refused_untouched(true);
	assert_int_equal(rows("notes"), 2);
}

static void directory_as_the_index_is_refused(void **state)
{
	struct ix_store *s = NULL;

	assert_int_equal(mkdir(fx.db, 0755), 0);
	assert_int_equal(ix_store_open(fx.db, &fx.t, true, &s), -EINVAL);
	assert_null(s);
	assert_int_equal(rmdir(fx.db), 0);
}

/* ---- one writer ---- */

static void second_open_while_the_first_is_open_is_ebusy(void **state)
{
	struct ix_store *s = NULL;

	open_refresh(0);
	write_unit('a', true);
	assert_int_equal(ix_store_open(fx.db, &fx.t, false, &s), -EBUSY);
	assert_null(s);
	/* not even to rebuild it */
	assert_int_equal(ix_store_open(fx.db, &fx.t, true, &s), -EBUSY);
	assert_null(s);
	/* the first goes on */
	write_unit('b', false);
	close_store();
	assert_int_equal(rows("units"), 2);
	/* and after it closed, the file can be opened again */
	open_store();
	close_store();
	assert_int_equal(rows("units"), 2);
}

/* ---- paths ---- */

static void relpath_normalizes_dots_and_strips_the_tree(void **state)
{
	static const char *const cases[][2] = {
		{ "/src/linux/net/ipv4/tcp.c", "net/ipv4/tcp.c" },
		{ "/src/linux/./x/../y.h", "y.h" },
		{ "/src/linux/include/../include/./net/sock.h", "include/net/sock.h" },
		{ "/src/linux//net///core/dev.c", "net/core/dev.c" },
		{ "/src/other/../linux/net/a.c", "net/a.c" },
		/* outside the tree: absolute, normalized */
		{ "/usr/include/./linux/../stdio.h", "/usr/include/stdio.h" },
		/* a prefix that is not the tree directory */
		{ "/src/linux-6.12/net/a.c", "/src/linux-6.12/net/a.c" },
		/* relative paths stay relative; a leading .. cannot go */
		{ "./net/./a.c", "net/a.c" },
		{ "net/sub/../a.c", "net/a.c" },
		{ "../x.h", "../x.h" },
		{ "net/../../x.h", "../x.h" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ix_store_relpath("/src/linux", cases[i][0], buf, sizeof(buf));
		if (strcmp(buf, cases[i][1]))
			fail_msg("relpath(%s) is '%s', not '%s'", cases[i][0], buf, cases[i][1]);
	}
	/* too small a buffer is cut, never overrun */
	memset(buf, 'x', sizeof(buf));
	ix_store_relpath("/src/linux", "/src/linux/net/ipv4/tcp.c", buf, 8);
	assert_int_equal(strlen(buf), 7);
	assert_int_equal(buf[8], 'x');
}

static void default_db_is_in_the_real_path_of_the_tree(void **state)
{
	char link[256], path[512], want[512];

	snprintf(link, sizeof(link), "%s/link", fx.dir);
	assert_int_equal(symlink(fx.tree, link), 0);
	snprintf(want, sizeof(want), "%s/" IX_DB_NAME, fx.tree);
	assert_int_equal(ix_default_db(link, path, sizeof(path)), 0);
	assert_string_equal(path, want);
	assert_int_equal(ix_default_db(fx.tree, path, 10), -ENAMETOOLONG);
	snprintf(link, sizeof(link), "%s/nowhere", fx.dir);
	assert_int_equal(ix_default_db(link, path, sizeof(path)), -ENOENT);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(new_index_has_the_schema_version_and_meta_of_its_tree),
		T(reopening_with_the_same_tree_keeps_the_index),
		T(written_unit_has_its_functions_calls_accesses_fnrefs_and_deps),
		T(unit_status_errors_and_first_error_are_stored),
		T(need_is_fresh_for_a_written_unit_and_new_for_an_unknown_file),
		T(changed_c_content_makes_the_unit_changed),
		T(changed_c_mtime_alone_keeps_the_unit_fresh),
		T(changed_header_makes_only_the_units_reading_it_dep_changed),
		T(units_left_out_of_a_run_stay_stale),
		T(failed_unit_is_tried_again),
		T(unit_whose_c_is_deleted_is_removed_with_all_its_rows),
		T(unit_to_reindex_loses_its_old_rows_and_has_no_duplicates_after),
		T(unit_written_twice_keeps_only_the_second_rows),
		T(aborted_unit_keeps_its_old_rows),
		T(aborted_new_unit_leaves_nothing_half_written),
		T(header_function_reported_twice_stays_owned_by_the_first_unit),
		T(claimed_usrs_lists_header_functions_of_units_that_stay),
		T(orphan_units_names_one_unit_that_read_the_header_of_a_lost_function),
		T(orphan_units_is_empty_when_the_owner_reports_its_header_function_again),
		T(orphan_units_takes_units_written_this_run_only_with_written_too),
		T(removed_owner_hands_its_header_functions_to_a_unit_reading_the_header),
		T(index_of_another_tree_is_refused_and_rebuilt_with_rebuild),
		T(other_config_hash_rebuilds_the_index),
		T(other_flags_hash_rebuilds_the_index),
		T(other_extraction_rules_rebuild_the_index),
		T(other_schema_version_rebuilds_the_index),
		T(file_that_is_not_sqlite_is_refused_and_left_untouched),
		T(sqlite_file_without_netscope_meta_is_refused_and_left_untouched),
		T(directory_as_the_index_is_refused),
		T(second_open_while_the_first_is_open_is_ebusy),
		T(relpath_normalizes_dots_and_strips_the_tree),
		T(default_db_is_in_the_real_path_of_the_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
