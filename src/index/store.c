// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store of a source index: the handle, opening or creating the
 * file, its meta rows and lock, and the SQL helpers the other store files
 * use.  One writer (the indexing parent), WAL so queries can read while it
 * writes, prepared statements and transactions of about a second of
 * writes: the kernel's net/ is millions of rows.
 *
 * What is stale is decided in store_plan.c, a unit is written in
 * store_unit.c, and the files table is mirrored in memory by
 * store_files.c; this file is what they all stand on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "common/log.h"
#include "index/schema.h"
#include "index/store_priv.h"
#include "inspect/source.h"

int ix_default_db(const char *src, char *path, size_t size)
{
	struct source_tree t;
	char *real;
	int n;

	if (src) {
		real = realpath(src, NULL);
		if (!real)
			return -ENOENT;
		n = snprintf(path, size, "%s/" IX_DB_NAME, real);
		free(real);
	} else {
		if (source__default(&t))
			return -ENOENT;
		n = snprintf(path, size, "%s/" IX_DB_NAME, t.dir);
	}
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* ---- the handle ---- */

static const char *const stmt_sql[ST_N] = {
	[ST_FILE_INS] = "INSERT INTO files(path, hash, size, mtime_ns) VALUES(?, ?, ?, ?)",
	[ST_FILE_UPD] = "UPDATE files SET hash = ?, size = ?, mtime_ns = ? WHERE id = ?",
	[ST_UNIT_INS] = "INSERT INTO units(file_id, status, errors, seconds, indexed_at) "
			"VALUES(?, 'failed', 0, 0, 0) ON CONFLICT(file_id) DO UPDATE SET status = status "
			"RETURNING id",
	[ST_UNIT_UPD] = "UPDATE units SET status = ?, errors = ?, first_error = ?, seconds = ?, "
			"indexed_at = ? WHERE id = ?",
	[ST_UNIT_OF_FILE] = "SELECT id, status = 'failed' FROM units WHERE file_id = ?",
	[ST_DEL_CALLS] = "DELETE FROM calls WHERE unit_id = ?",
	[ST_DEL_ACCESSES] = "DELETE FROM accesses WHERE unit_id = ?",
	[ST_DEL_FNREFS] = "DELETE FROM fnrefs WHERE unit_id = ?",
	[ST_DEL_FUNCTIONS] = "DELETE FROM functions WHERE unit_id = ?",
	[ST_DEL_DEPS] = "DELETE FROM unit_deps WHERE unit_id = ?",
	[ST_DEL_UNIT] = "DELETE FROM units WHERE id = ?",
	[ST_FUNC_INS] = "INSERT OR IGNORE INTO functions(usr, name, file_id, line, col, end_line, "
			"is_static, is_inline, in_header, summary, unit_id) "
			"VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_FUNC_ID] = "SELECT id FROM functions WHERE usr = ?",
	[ST_CALL_INS] = "INSERT INTO calls(caller_id, callee_usr, callee_name, kind, via, file_id, "
			"line, col, unit_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_ACCESS_INS] = "INSERT INTO accesses(func_id, record, member, mode, via, file_id, line, "
			  "col, unit_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_FNREF_INS] = "INSERT INTO fnrefs(record, member, func_usr, func_name, holder, kind, "
			 "file_id, line, unit_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_DEP_INS] = "INSERT OR IGNORE INTO unit_deps(unit_id, file_id, hash) VALUES(?, ?, ?)",
	/* what changed since the unit read it: anything, and its own .c among it */
	[ST_DEP_CHANGED] = "SELECT count(*), coalesce(max(d.file_id = u.file_id), 0) "
			   "FROM unit_deps d JOIN files f ON f.id = d.file_id JOIN units u ON u.id = d.unit_id "
			   "WHERE d.unit_id = ?1 AND d.hash != f.hash",
	/* a removed unit's header functions: when nobody reports them again, they are orphans */
	[ST_WRITTEN] = "INSERT OR IGNORE INTO temp.written(unit_id) VALUES(?)",
	[ST_SAVE_HDR] = "INSERT INTO temp.old_hdr(usr, file_id) SELECT usr, file_id FROM functions "
			"WHERE unit_id = ? AND in_header = 1",
};

int ixs_db_err(struct ix_store *s, const char *what)
{
	ns_err("cannot %s in the index '%s': %s", what, s->path, sqlite3_errmsg(s->db));
	return -EIO;
}

int ixs_exec(struct ix_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	ns_err("cannot write the index '%s': %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	return -EIO;
}

int ixs_txn_begin(struct ix_store *s)
{
	if (s->in_txn)
		return 0;
	if (ixs_exec(s, "BEGIN IMMEDIATE"))
		return -EIO;
	s->in_txn = true;
	clock_gettime(CLOCK_MONOTONIC, &s->txn_start);
	return 0;
}

int ix_store_commit(struct ix_store *s)
{
	if (!s->in_txn)
		return 0;
	if (ixs_exec(s, "COMMIT"))
		return -EIO;
	s->in_txn = false;
	return 0;
}

/* a statement ready for binding */
sqlite3_stmt *ixs_stmt(struct ix_store *s, int i)
{
	sqlite3_reset(s->st[i]);
	sqlite3_clear_bindings(s->st[i]);
	return s->st[i];
}

int ixs_step_done(struct ix_store *s, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return ixs_db_err(s, "write");
}

/* ---- meta ---- */

static int meta_get(sqlite3 *db, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *q;
	int rc;

	buf[0] = '\0';
	rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(q, 0));
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_NOTFOUND;
	}
	sqlite3_finalize(q);
	return rc;
}

static int meta_set(struct ix_store *s, const char *key, const char *value)
{
	sqlite3_stmt *q;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ixs_db_err(s, "write meta");
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ixs_db_err(s, "write meta");
}

static void now_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_meta(struct ix_store *s, const struct ix_store_tree *t, bool created)
{
	char buf[64], now[32];
	int err = 0;

	now_iso(now, sizeof(now));
	err = err ?: meta_set(s, "tree", t->tree);
	err = err ?: meta_set(s, "tree_version", t->version ? t->version : "");
	err = err ?: meta_set(s, "config", t->config ? t->config : "");
	snprintf(buf, sizeof(buf), "%08x", t->config_hash);
	err = err ?: meta_set(s, "config_hash", buf);
	snprintf(buf, sizeof(buf), "%08x", t->flags_hash);
	err = err ?: meta_set(s, "flags_hash", buf);
	snprintf(buf, sizeof(buf), "%d", IX_SCHEMA_VERSION);
	err = err ?: meta_set(s, "schema", buf);
	snprintf(buf, sizeof(buf), "%d", t->extractor);
	err = err ?: meta_set(s, "extractor", buf);
	if (created)
		err = err ?: meta_set(s, "created", now);
	err = err ?: meta_set(s, "updated", now);
	return err;
}

/* ---- opening ---- */

static int sql_open(struct ix_store *s)
{
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		ns_err("cannot open the index '%s': %s", s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		s->db = NULL;
		return -EIO;
	}
	return 0;
}

/*
 * Settings of a file known to be ours (made now, or with netscope's meta):
 * switching to WAL writes the file's header, which must not happen to an
 * SQLite file of another program before it is refused.
 */
static int sql_tune(struct ix_store *s)
{
	/* WAL: readers (queries) go on while the indexer writes; NORMAL: no fsync per commit */
	static const char *const pragmas =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = NORMAL;"
		"PRAGMA cache_size = -65536;"
		"PRAGMA temp_store = MEMORY;"
		"PRAGMA busy_timeout = 5000;";

	return ixs_exec(s, pragmas);
}

static void sql_close(struct ix_store *s)
{
	for (int i = 0; i < ST_N; i++) {
		sqlite3_finalize(s->st[i]);
		s->st[i] = NULL;
	}
	sqlite3_close(s->db);
	s->db = NULL;
}

/*
 * One writer per index: a second 'netscope index' on the same file would
 * delete the rows of units the first is writing.  flock() on the file,
 * which SQLite's own (POSIX) locks do not see; queries do not take it.
 */
static int lock_file(struct ix_store *s)
{
	int fd = open(s->path, O_RDONLY | O_CLOEXEC), err = errno;

	if (fd < 0) {
		ns_err("cannot open the index '%s': %s", s->path, strerror(err));
		return -err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		close(fd);
		if (err == EWOULDBLOCK) {
			ns_err("another 'netscope index' is writing '%s'", s->path);
			return -EBUSY;
		}
		ns_err("cannot lock the index '%s': %s", s->path, strerror(err));
		return -err;
	}
	/* a rebuilt file is locked before the old one is let go */
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = fd;
	return 0;
}

/* a fresh file: unlink the old one (and its WAL), create the schema and meta */
static int create_db(struct ix_store *s, const struct ix_store_tree *t)
{
	char side[PATH_MAX + 8];

	sql_close(s);
	if (unlink(s->path) && errno != ENOENT) {
		int err = errno;

		ns_err("cannot remove the old index '%s': %s", s->path, strerror(err));
		return -err;
	}
	snprintf(side, sizeof(side), "%s-wal", s->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", s->path);
	unlink(side);
	if (sql_open(s) || sql_tune(s))
		return -EIO;
	if (lock_file(s))
		return -EBUSY;
	if (ixs_exec(s, "BEGIN") || ixs_exec(s, IX_SCHEMA_SQL) || write_meta(s, t, true) || ixs_exec(s, "COMMIT"))
		return -EIO;
	return 0;
}

static int prepare_all(struct ix_store *s)
{
	for (int i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK)
			return ixs_db_err(s, "prepare a statement");
	return 0;
}

static void store_free(struct ix_store *s)
{
	sql_close(s);
	ixs_forget_files(s);
	free(s->by_id);
	ixs_smap_free(&s->fmap);
	ixs_smap_free(&s->raw);
	ixs_smap_free(&s->funcs);
	free(s->files);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s);
}

int ix_store_open(const char *path, const struct ix_store_tree *t, bool rebuild, struct ix_store **out)
{
	char tree[PATH_MAX], schema[32], cfg[32], flg[32], want[32];
	struct ix_store *s;
	struct stat st;
	bool exists;
	int rc, err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->lock_fd = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->tree, sizeof(s->tree), "%s", t->tree);
	s->sink = ixs_sink;
	s->sink.ctx = s;
	exists = !stat(path, &st);
	if (exists && !S_ISREG(st.st_mode)) {
		ns_err("cannot use '%s' as the index: not a regular file", path);
		free(s);
		return -EINVAL;
	}
	if (!exists) {
		err = create_db(s, t);
		goto ready;
	}
	err = lock_file(s);
	err = err ?: sql_open(s);
	if (err)
		goto fail;
	rc = meta_get(s->db, "schema", schema, sizeof(schema));
	if (rc == SQLITE_NOTADB) {
		ns_err("'%s' is not a netscope index (not an SQLite database); give another file with --db",
		       path);
		err = -EINVAL;
		goto fail;
	}
	if (rc == SQLITE_ERROR || rc == SQLITE_NOTFOUND) {
		/* an SQLite file of something else: not ours to delete, even with --rebuild */
		ns_err("'%s' is an SQLite database but not a netscope index; give another file with --db",
		       path);
		err = -EINVAL;
		goto fail;
	}
	if (rc != SQLITE_OK) {
		err = ixs_db_err(s, "read meta");
		goto fail;
	}
	meta_get(s->db, "tree", tree, sizeof(tree));
	if (strcmp(tree, t->tree) && !rebuild) {
		ns_err("the index '%s' is of the tree '%s', not '%s': give another file with --db, "
		       "or replace it with --rebuild", path, tree, t->tree);
		err = -EEXIST;
		goto fail;
	}
	if (rebuild) {
		err = create_db(s, t);
		goto ready;
	}
	if (atoi(schema) != IX_SCHEMA_VERSION) {
		ns_warn("the index '%s' has schema %s, this netscope writes %d: rebuilding it",
			path, schema, IX_SCHEMA_VERSION);
		err = create_db(s, t);
		goto ready;
	}
	meta_get(s->db, "config_hash", cfg, sizeof(cfg));
	meta_get(s->db, "flags_hash", flg, sizeof(flg));
	snprintf(want, sizeof(want), "%08x", t->config_hash);
	if (strcmp(cfg, want)) {
		ns_warn("the tree's configuration changed since the index '%s' was made: rebuilding it", path);
		err = create_db(s, t);
		goto ready;
	}
	snprintf(want, sizeof(want), "%08x", t->flags_hash);
	if (strcmp(flg, want)) {
		ns_warn("the compiler arguments changed since the index '%s' was made (another libclang?): "
			"rebuilding it", path);
		err = create_db(s, t);
		goto ready;
	}
	meta_get(s->db, "extractor", flg, sizeof(flg));
	if (atoi(flg) != t->extractor) {
		ns_warn("the index '%s' was made by other extraction rules (version %s, this netscope's: %d): "
			"rebuilding it", path, flg[0] ? flg : "none", t->extractor);
		err = create_db(s, t);
		goto ready;
	}
	err = sql_tune(s);
ready:
	if (err)
		goto fail;
	/* temp tables live in this connection only: planning state of the run */
	if (ixs_exec(s, "CREATE TEMP TABLE old_hdr(usr TEXT NOT NULL, file_id INTEGER NOT NULL);"
		    "CREATE TEMP TABLE written(unit_id INTEGER PRIMARY KEY);"))
		goto fail_io;
	err = prepare_all(s);
	err = err ?: ixs_load_files(s);
	if (err)
		goto fail;
	*out = s;
	return 0;
fail_io:
	err = -EIO;
fail:
	store_free(s);
	return err;
}

int ix_store_close(struct ix_store *s)
{
	char now[32];
	int err;

	if (!s)
		return 0;
	if (s->in_unit)
		ix_store_unit_abort(s);
	err = ixs_txn_begin(s);
	now_iso(now, sizeof(now));
	err = err ?: meta_set(s, "updated", now);
	err = err ?: ix_store_commit(s);
	/* fold the WAL back so the file alone is the index (also for a reader that copies it) */
	if (!err)
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	store_free(s);
	return err;
}

void ix_store_counts(const struct ix_store *s, struct ix_store_counts *c)
{
	*c = s->counts;
}

int ix_store_totals(struct ix_store *s, unsigned *ok, unsigned *errors, unsigned *failed)
{
	sqlite3_stmt *q;
	int rc;

	*ok = *errors = *failed = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT status, COUNT(*) FROM units GROUP BY status", -1, &q, NULL))
		return ixs_db_err(s, "read units");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *st = (const char *)sqlite3_column_text(q, 0);
		unsigned n = (unsigned)sqlite3_column_int(q, 1);

		if (!strcmp(st, "ok"))
			*ok += n;
		else if (!strcmp(st, "errors"))
			*errors += n;
		else
			*failed += n;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ixs_db_err(s, "read units");
}
