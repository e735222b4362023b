// SPDX-License-Identifier: GPL-2.0
/*
 * The query library's core: opening an index, its meta data, prepared
 * statements, functions by name, modes, and names to suggest.
 *
 * Statements are prepared once per handle and reused: a call tree runs a
 * few of them per node, and preparing costs more than an indexed lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/suggest.h"
#include "index/query_priv.h"
#include "index/schema.h"
#include "inspect/source.h"

#define FUNC_COLS \
	"fn.id, fn.usr, fn.name, f.path, fn.line, fn.col, fn.end_line, fn.is_static, " \
	"fn.is_inline, fn.in_header, fn.summary FROM functions fn JOIN files f ON f.id = fn.file_id "

/*
 * Each names the index schema.h creates that serves it; a query that would
 * scan a big table (calls, accesses) without one is a bug.
 */
static const char *const stmt_sql[ST_NR] = {
	/* functions_name */
	[ST_FUNCS_BY_NAME] = "SELECT " FUNC_COLS "WHERE fn.name = ?1 ORDER BY f.path, fn.line",
	/* the UNIQUE constraint's index */
	[ST_FUNC_BY_USR] = "SELECT " FUNC_COLS "WHERE fn.usr = ?1",
	[ST_FUNC_BY_ID] = "SELECT " FUNC_COLS "WHERE fn.id = ?1",
	/* calls_caller */
	[ST_CALLEES] = "SELECT c.callee_usr, c.callee_name, c.kind, c.via, f.path, c.line, c.col "
		       "FROM calls c JOIN files f ON f.id = c.file_id WHERE c.caller_id = ?1 "
		       "ORDER BY c.line, c.col",
	/* calls_callee */
	[ST_CALLERS] = "SELECT c.caller_id, c.kind, c.via, f.path, c.line, c.col "
		       "FROM calls c JOIN files f ON f.id = c.file_id WHERE c.callee_usr = ?1 "
		       "ORDER BY f.path, c.line, c.col",
	/* calls_callee_name: functions called but defined outside the index */
	[ST_CALLED_USRS] = "SELECT DISTINCT callee_usr FROM calls "
			   "WHERE callee_name = ?1 AND callee_usr IS NOT NULL ORDER BY callee_usr",
	/* fnrefs_slot */
	[ST_SLOT_FUNCS] = "SELECT r.func_usr, r.func_name, r.holder, r.kind, f.path, r.line "
			  "FROM fnrefs r JOIN files f ON f.id = r.file_id "
			  "WHERE r.record = ?1 AND r.member = ?2 "
			  "ORDER BY r.func_name, r.func_usr, f.path, r.line",
	/* fnrefs_func */
	[ST_FUNC_SLOTS] = "SELECT r.record, r.member, r.holder, r.kind, f.path, r.line "
			  "FROM fnrefs r JOIN files f ON f.id = r.file_id WHERE r.func_usr = ?1 "
			  "ORDER BY r.record, r.member, f.path, r.line",
	/* calls_via, whose WHERE kind = 'pointer' this one repeats so it applies */
	[ST_SLOT_CALLERS] = "SELECT c.caller_id, f.path, c.line, c.col "
			    "FROM calls c JOIN files f ON f.id = c.file_id "
			    "WHERE c.via = ?1 AND c.kind = 'pointer' ORDER BY f.path, c.line, c.col",
	/* accesses_member */
	[ST_MEMBER_USES] = "SELECT a.mode, a.via, f.path, a.line, a.col, a.func_id, fn.name, ff.path, fn.line "
			   "FROM accesses a JOIN files f ON f.id = a.file_id "
			   "LEFT JOIN functions fn ON fn.id = a.func_id "
			   "LEFT JOIN files ff ON ff.id = fn.file_id "
			   "WHERE a.record = ?1 AND a.member = ?2 "
			   "ORDER BY f.path, a.func_id IS NOT NULL, fn.line, a.func_id, a.line, a.col",
	[ST_MEMBER_TOTALS] = "SELECT mode, count(*) FROM accesses "
			     "WHERE record = ?1 AND member = ?2 GROUP BY mode",
	[ST_RECORD_MODES] = "SELECT member, mode, count(*) FROM accesses WHERE record = ?1 "
			    "GROUP BY member, mode",
	[ST_RECORD_FUNCS] = "SELECT member, count(DISTINCT func_id), max(func_id IS NULL) FROM accesses "
			    "WHERE record = ?1 GROUP BY member",
	[ST_RECORD_ANY] = "SELECT 1 FROM accesses WHERE record = ?1 "
			  "UNION ALL SELECT 1 FROM fnrefs WHERE record = ?1 LIMIT 1",
	/*
	 * The distinct records, one index seek each: SELECT DISTINCT record
	 * would walk every entry of accesses_member (millions of rows).
	 */
	[ST_NEXT_RECORD] = "SELECT record FROM accesses WHERE record > ?1 ORDER BY record LIMIT 1",
	[ST_NEXT_SLOT_RECORD] = "SELECT record FROM fnrefs WHERE record > ?1 ORDER BY record LIMIT 1",
	[ST_MEMBERS_OF] = "SELECT DISTINCT member FROM accesses WHERE record = ?1",
	/* functions_name, covering */
	[ST_FUNC_NAMES] = "SELECT DISTINCT name FROM functions",
	[ST_STAT_CALLERS] = "SELECT count(DISTINCT caller_id), count(*) FROM calls WHERE callee_usr = ?1",
	[ST_STAT_INDIRECT] = "SELECT count(DISTINCT c.caller_id), count(*) FROM calls c "
			     "WHERE c.kind = 'pointer' AND c.via IN "
			     "(SELECT r.record || '.' || r.member FROM fnrefs r WHERE r.func_usr = ?1)",
	[ST_STAT_CALLEES] = "SELECT count(DISTINCT CASE WHEN kind != 'pointer' THEN callee_usr END), "
			    "coalesce(sum(kind != 'pointer'), 0), coalesce(sum(kind = 'pointer'), 0) "
			    "FROM calls WHERE caller_id = ?1",
	/* accesses_member, by its first column */
	[ST_RECORD_VIAS] = "SELECT member, via FROM accesses WHERE record = ?1 AND via IS NOT NULL",
	/* accesses_func */
	[ST_STAT_ACCESSES] = "SELECT count(*), count(DISTINCT record || '.' || member) FROM accesses "
			     "WHERE func_id = ?1",
};

int ixq_sql_err(struct ixq *q)
{
	int code = sqlite3_errcode(q->db);

	snprintf(q->err, sizeof(q->err), "%s", sqlite3_errmsg(q->db));
	return code == SQLITE_NOMEM ? -ENOMEM : -EIO;
}

const char *ixq__errmsg(const struct ixq *q)
{
	return q->err[0] ? q->err : "unknown SQLite error";
}

sqlite3_stmt *ixq_stmt(struct ixq *q, enum ixq_stmt_id id)
{
	sqlite3_stmt *st = q->st[id];

	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(q->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &q->st[id], NULL)) {
		ixq_sql_err(q);
		return NULL;
	}
	return q->st[id];
}

char *ixq_col_dup(sqlite3_stmt *st, int col, int *err)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	char *d;

	if (!s)
		return NULL;
	d = strdup((const char *)s);
	if (!d)
		*err = -ENOMEM;
	return d;
}

const char *ixq_col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? (const char *)s : "";
}

/* ---- opening ---- */

static void read_meta(struct ixq *q)
{
	struct ixq_meta *m = &q->meta;
	sqlite3_stmt *st;

	m->schema = -1;
	if (sqlite3_prepare_v2(q->db, "SELECT key, value FROM meta", -1, &st, NULL))
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = ixq_col_str(st, 0), *v = ixq_col_str(st, 1);
		char *end;
		long n;

		if (!strcmp(k, "tree")) {
			snprintf(m->tree, sizeof(m->tree), "%s", v);
		} else if (!strcmp(k, "tree_version")) {
			snprintf(m->tree_version, sizeof(m->tree_version), "%s", v);
		} else if (!strcmp(k, "schema")) {
			n = strtol(v, &end, 10);
			m->schema = end != v && !*end ? (int)n : -1;
		}
	}
	sqlite3_finalize(st);
}

/* is the file a netscope index at all: a meta table and a functions table */
static bool is_index(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
			       "AND name IN ('meta', 'functions')", -1, &st, NULL))
		return false;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n == 2;
}

int ixq__open(const char *path, struct ixq **qp, struct ixq_meta *meta)
{
	struct stat sb;
	struct ixq *q;
	int err = 0;

	*qp = NULL;
	if (meta) {
		memset(meta, 0, sizeof(*meta));
		meta->schema = -1;
		snprintf(meta->db, sizeof(meta->db), "%s", path);
	}
	if (stat(path, &sb))
		return -errno;
	if (!S_ISREG(sb.st_mode))
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	snprintf(q->meta.db, sizeof(q->meta.db), "%s", path);
	/* read-only: a query never changes the index, also when run as root */
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READONLY, NULL)) {
		err = q->db && sqlite3_errcode(q->db) == SQLITE_CANTOPEN ? -EACCES : -EIO;
		goto fail;
	}
	/* the indexer may be writing: wait for its transaction, don't fail */
	sqlite3_busy_timeout(q->db, 5000);
	if (!is_index(q->db)) {
		err = -EINVAL;
		goto fail;
	}
	read_meta(q);
	source__running_version(q->meta.running, sizeof(q->meta.running));
	q->meta.version_differs = !q->meta.tree_version[0] ||
				  strcmp(q->meta.tree_version, q->meta.running);
	if (meta)
		*meta = q->meta;
	if (q->meta.schema != IX_SCHEMA_VERSION) {
		err = -EPROTO;
		goto fail;
	}
	*qp = q;
	return 0;
fail:
	ixq__close(q);
	return err;
}

const char *ixq__open_error(int err, const char *db, const struct ixq_meta *m, char *buf, size_t size)
{
	if (err == -EPROTO && m->tree[0])
		snprintf(buf, size, "index '%s' has schema version %d, this netscope reads version %d; "
			 "'netscope index --src %s --db %s' rebuilds it", db, m->schema, IX_SCHEMA_VERSION, m->tree,
			 db);
	else if (err == -EPROTO)
		snprintf(buf, size, "index '%s' has schema version %d, this netscope reads version %d; "
			 "re-run 'netscope index' to rebuild it", db, m->schema, IX_SCHEMA_VERSION);
	else if (err == -EINVAL)
		snprintf(buf, size, "'%s' is not a netscope source index; 'netscope index' builds one", db);
	else
		snprintf(buf, size, "cannot open index '%s': %s", db, strerror(-err));
	return buf;
}

void ixq__close(struct ixq *q)
{
	if (!q)
		return;
	for (int i = 0; i < ST_NR; i++)
		sqlite3_finalize(q->st[i]);
	sqlite3_close(q->db);
	free(q);
}

const struct ixq_meta *ixq__meta(const struct ixq *q)
{
	return &q->meta;
}

/* ---- modes ---- */

static const char *const mode_names[IXQ_NR_MODES] = {
	[IXQ_READ] = "read", [IXQ_WRITE] = "write", [IXQ_RW] = "rw",
	[IXQ_ADDR] = "addr", [IXQ_INIT] = "init", [IXQ_SIZE] = "size",
};

const char *ixq__mode_name(enum ixq_mode m)
{
	return m < IXQ_NR_MODES ? mode_names[m] : "?";
}

enum ixq_mode ixq_mode_of(const char *s, bool *known)
{
	for (int m = 0; m < IXQ_NR_MODES; m++)
		if (!strcmp(s, mode_names[m])) {
			*known = true;
			return m;
		}
	*known = false;
	return IXQ_READ;
}

int ixq__mode_parse(const char *list, unsigned *mask, const char **bad, size_t *bad_len)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned bit = 0;

		if (len == 4 && !strncmp(p, "read", 4))
			bit = IXQ_READS;
		else if (len == 5 && !strncmp(p, "write", 5))
			bit = IXQ_WRITES;
		else if (len == 3 && !strncmp(p, "all", 3))
			bit = IXQ_ALL_MODES;
		else
			for (int m = 0; m < IXQ_NR_MODES; m++)
				if (strlen(mode_names[m]) == len && !strncmp(p, mode_names[m], len))
					bit = IXQ_BIT(m);
		if (!bit) {
			*bad = p;
			*bad_len = len;
			return -EINVAL;
		}
		*mask |= bit;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*mask) {
		*bad = list;
		*bad_len = 0;
		return -EINVAL;
	}
	return 0;
}

unsigned ixq__count(const struct ixq_counts *c, unsigned mask)
{
	unsigned n = 0;

	for (int m = 0; m < IXQ_NR_MODES; m++)
		if (mask & IXQ_BIT(m))
			n += c->n[m];
	return n;
}

bool ixq_split_slot(const char *via, char *record, size_t rsize, const char **member)
{
	const char *dot = via ? strchr(via, '.') : NULL;

	if (!dot || dot == via || !dot[1] || (size_t)(dot - via) >= rsize)
		return false;
	memcpy(record, via, dot - via);
	record[dot - via] = '\0';
	*member = dot + 1;
	return true;
}

/* ---- functions ---- */

void ixq__func_clear(struct ixq_func *f)
{
	free(f->usr);
	free(f->name);
	free(f->file);
	free(f->summary);
	memset(f, 0, sizeof(*f));
}

void ixq__funcs_free(struct ixq_func *f, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		ixq__func_clear(&f[i]);
	free(f);
}

int ixq_func_from_row(sqlite3_stmt *st, struct ixq_func *f)
{
	int err = 0;

	f->id = sqlite3_column_int64(st, 0);
	f->usr = ixq_col_dup(st, 1, &err);
	f->name = ixq_col_dup(st, 2, &err);
	f->file = ixq_col_dup(st, 3, &err);
	f->line = sqlite3_column_int(st, 4);
	f->col = sqlite3_column_int(st, 5);
	f->end_line = sqlite3_column_int(st, 6);
	f->is_static = sqlite3_column_int(st, 7);
	f->is_inline = sqlite3_column_int(st, 8);
	f->in_header = sqlite3_column_int(st, 9);
	f->summary = ixq_col_dup(st, 10, &err);
	return err;
}

/* a function only called: what the calls know of it, its USR */
static int called_from_row(sqlite3_stmt *st, struct ixq_func *f)
{
	int err = 0;

	f->usr = ixq_col_dup(st, 0, &err);
	return err;
}

/* every row of statement id, bound to name, as a function */
static int funcs_named(struct ixq *q, enum ixq_stmt_id id, const char *name,
		       int (*from_row)(sqlite3_stmt *st, struct ixq_func *f), struct ixq_func **out,
		       size_t *nr)
{
	sqlite3_stmt *st = ixq_stmt(q, id);
	struct ixq_func *v = NULL;
	size_t n = 0;
	int rc, err = 0;

	*out = NULL;
	*nr = 0;
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ixq_func *nv = realloc(v, (n + 1) * sizeof(*v));

		if (!nv) {
			err = -ENOMEM;
			break;
		}
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		err = from_row(st, &v[n]);
		if (!err && !v[n].name && !(v[n].name = strdup(name)))
			err = -ENOMEM;
		n++;
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	if (err) {
		ixq__funcs_free(v, n);
		return err;
	}
	*out = v;
	*nr = n;
	return 0;
}

int ixq__find_funcs(struct ixq *q, const char *name, struct ixq_func **out, size_t *nr)
{
	return funcs_named(q, ST_FUNCS_BY_NAME, name, ixq_func_from_row, out, nr);
}

int ixq__find_called(struct ixq *q, const char *name, struct ixq_func **out, size_t *nr)
{
	return funcs_named(q, ST_CALLED_USRS, name, called_from_row, out, nr);
}

static int func_one(struct ixq *q, sqlite3_stmt *st, struct ixq_func *f)
{
	int rc = sqlite3_step(st), err = 0;

	if (rc == SQLITE_ROW)
		err = ixq_func_from_row(st, f);
	else if (rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	return err;
}

int ixq_func_by_usr(struct ixq *q, const char *usr, const char *name, struct ixq_func *f)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_FUNC_BY_USR);
	int err;

	memset(f, 0, sizeof(*f));
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, usr, -1, SQLITE_STATIC);
	err = func_one(q, st, f);
	if (err || f->id)
		return err;
	/* called, not defined here: what the call site knows */
	f->usr = strdup(usr);
	f->name = strdup(name ? name : usr);
	return f->usr && f->name ? 0 : -ENOMEM;
}

int ixq_func_by_id(struct ixq *q, long long id, struct ixq_func *f)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_FUNC_BY_ID);

	memset(f, 0, sizeof(*f));
	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, id);
	return func_one(q, st, f);
}

/*
 * kernel-doc's first line is "name() - what it does" (or "name - ..."):
 * the name is shown anyway, what it does is the news.
 */
const char *ixq__summary_text(const struct ixq_func *f)
{
	const char *s = f->summary, *p;
	size_t len;

	if (!s)
		return NULL;
	len = f->name ? strlen(f->name) : 0;
	if (len && !strncmp(s, f->name, len)) {
		p = s + len;
		if (!strncmp(p, "()", 2))
			p += 2;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '-') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
	}
	return s;
}

/* ---- suggestions ---- */

/* candidate names, kept alive while struct suggest points into them */
struct name_list {
	char **v;
	size_t n, cap;
};

static int name_list_add(struct name_list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strdup(s);
	return l->v[l->n++] ? 0 : -ENOMEM;
}

static void name_list_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

void ixq__names_free(struct ixq_names *n)
{
	for (int i = 0; i < n->n; i++)
		free(n->name[i]);
	n->n = 0;
}

/*
 * Nearest by edit distance; when nothing is that near, names holding the
 * one typed ("v4_rcv" finds tcp_v4_rcv), shortest first.
 */
static int suggest_from(const struct name_list *l, const char *name, int max, struct ixq_names *out)
{
	struct suggest sg;

	if (max > (int)(sizeof(out->name) / sizeof(out->name[0])))
		max = sizeof(out->name) / sizeof(out->name[0]);
	memset(out, 0, sizeof(*out));
	suggest__init(&sg, name, max);
	for (size_t i = 0; i < l->n; i++)
		suggest__add(&sg, l->v[i]);
	if (!sg.n && strlen(name) >= 3) {
		for (size_t i = 0; i < l->n; i++) {
			const char *s = l->v[i];
			int pos;

			if (!strstr(s, name))
				continue;
			pos = sg.n;
			while (pos > 0 && (strlen(sg.out[pos - 1]) > strlen(s) ||
					   (strlen(sg.out[pos - 1]) == strlen(s) && strcmp(sg.out[pos - 1], s) > 0)))
				pos--;
			if (pos >= max)
				continue;
			if (sg.n < max)
				sg.n++;
			memmove(&sg.out[pos + 1], &sg.out[pos], (sg.n - 1 - pos) * sizeof(sg.out[0]));
			sg.out[pos] = s;
		}
	}
	for (int i = 0; i < sg.n; i++) {
		out->name[i] = strdup(sg.out[i]);
		if (!out->name[i]) {
			ixq__names_free(out);
			return -ENOMEM;
		}
		out->n++;
	}
	return 0;
}

static int collect(struct ixq *q, sqlite3_stmt *st, struct name_list *l)
{
	int rc, err = 0;

	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = name_list_add(l, ixq_col_str(st, 0));
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	return err;
}

int ixq__suggest_funcs(struct ixq *q, const char *name, int max, struct ixq_names *out)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_FUNC_NAMES);
	struct name_list l = {};
	int err;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -EIO;
	err = collect(q, st, &l);
	if (!err)
		err = suggest_from(&l, name, max, out);
	name_list_free(&l);
	return err;
}

/* the distinct values of an indexed column, by repeated "next after" seeks */
static int collect_skip(struct ixq *q, enum ixq_stmt_id id, struct name_list *l)
{
	char *last = strdup("");
	int rc, err = 0;

	if (!last)
		return -ENOMEM;
	for (;;) {
		sqlite3_stmt *st = ixq_stmt(q, id);

		if (!st) {
			err = -EIO;
			break;
		}
		sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			err = ixq_sql_err(q);
			break;
		}
		free(last);
		last = strdup(ixq_col_str(st, 0));
		if (!last || name_list_add(l, last)) {
			err = -ENOMEM;
			break;
		}
	}
	free(last);
	return err;
}

int ixq__suggest_records(struct ixq *q, const char *record, int max, struct ixq_names *out)
{
	struct name_list l = {};
	int err;

	memset(out, 0, sizeof(*out));
	err = collect_skip(q, ST_NEXT_RECORD, &l);
	/* ops structs may only ever be filled, never read as members */
	if (!err)
		err = collect_skip(q, ST_NEXT_SLOT_RECORD, &l);
	if (!err)
		err = suggest_from(&l, record, max, out);
	name_list_free(&l);
	return err;
}

int ixq__suggest_members(struct ixq *q, const char *record, const char *member, int max,
			 struct ixq_names *out)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_MEMBERS_OF);
	struct name_list l = {};
	int err;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
	err = collect(q, st, &l);
	if (!err)
		err = suggest_from(&l, member, max, out);
	name_list_free(&l);
	return err;
}

bool ixq__has_record(struct ixq *q, const char *record)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_RECORD_ANY);
	bool found;

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}
