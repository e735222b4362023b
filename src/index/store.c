// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store of a source index.  One writer (the indexing parent),
 * WAL so queries can read while it writes, prepared statements and
 * transactions of about a second of writes: the kernel's net/ is millions
 * of rows.
 *
 * Incremental rules:
 *   - files holds every file a unit read, with size, mtime and a crc32 of
 *     the content; content is hashed again only when size or mtime moved;
 *   - a unit is stale when its .c or any file it read changed; an index
 *     made with another configuration or other compiler arguments is
 *     rebuilt as a whole;
 *   - units to index again lose their rows before indexing starts, so an
 *     interrupted run leaves only whole units (the others are "new" next
 *     time) and their header functions can be claimed afresh;
 *   - a header function is stored once, owned by the first unit that
 *     claimed it; when its owner is reindexed and no longer reports it,
 *     one unit that read that header is reindexed to claim it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "common/log.h"
#include "index/kflags.h"
#include "index/schema.h"
#include "index/store.h"
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

/* ---- a string -> int64 map ---- */

struct smap {
	char **keys;
	int64_t *vals;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int64_t *smap_find(const struct smap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return NULL;
		if (!strcmp(m->keys[i], key))
			return &m->vals[i];
	}
}

static int smap_put(struct smap *m, const char *key, int64_t val)
{
	int64_t *v = smap_find(m, key);
	size_t i;

	if (v) {
		*v = val;
		return 0;
	}
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		char **keys = calloc(cap, sizeof(*keys));
		int64_t *vals = calloc(cap, sizeof(*vals));

		if (!keys || !vals) {
			free(keys);
			free(vals);
			return -ENOMEM;
		}
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->keys[j])
				continue;
			for (i = hash_str(m->keys[j]) & (cap - 1); keys[i]; i = (i + 1) & (cap - 1))
				;
			keys[i] = m->keys[j];
			vals[i] = m->vals[j];
		}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	for (i = hash_str(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = strdup(key);
	if (!m->keys[i])
		return -ENOMEM;
	m->vals[i] = val;
	m->n++;
	return 0;
}

static void smap_clear(struct smap *m)
{
	if (!m->n)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		m->keys[i] = NULL;
	}
	m->n = 0;
}

static void smap_free(struct smap *m)
{
	smap_clear(m);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- the store ---- */

struct file_ent {
	char *path;		/* relative to the tree, or absolute outside it */
	int64_t id;
	int64_t size;		/* -1: the file does not exist (vanished, or not a file) */
	int64_t mtime_ns;
	uint32_t hash;
	bool changed;		/* since the index was written (ix_store_refresh) */
};

enum {
	ST_FILE_INS, ST_FILE_UPD, ST_UNIT_INS, ST_UNIT_UPD, ST_UNIT_OF_FILE,
	ST_DEL_CALLS, ST_DEL_ACCESSES, ST_DEL_FNREFS, ST_DEL_FUNCTIONS, ST_DEL_DEPS, ST_DEL_UNIT,
	ST_FUNC_INS, ST_FUNC_ID, ST_CALL_INS, ST_ACCESS_INS, ST_FNREF_INS, ST_DEP_INS,
	ST_DEP_CHANGED, ST_SAVE_HDR, ST_WRITTEN,
	ST_N,
};

static const char *const stmt_sql[ST_N] = {
	[ST_FILE_INS] = "INSERT INTO files(path, hash, size, mtime_ns) VALUES(?, ?, ?, ?)",
	[ST_FILE_UPD] = "UPDATE files SET hash = ?, size = ?, mtime_ns = ? WHERE id = ?",
	[ST_UNIT_INS] = "INSERT INTO units(file_id, status, errors, seconds, indexed_at) "
			"VALUES(?, 'failed', 0, 0, 0) ON CONFLICT(file_id) DO UPDATE SET status = status "
			"RETURNING id",
	[ST_UNIT_UPD] = "UPDATE units SET status = ?, errors = ?, first_error = ?, seconds = ?, "
			"indexed_at = ? WHERE id = ?",
	[ST_UNIT_OF_FILE] = "SELECT id FROM units WHERE file_id = ?",
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
	[ST_DEP_INS] = "INSERT OR IGNORE INTO unit_deps(unit_id, file_id) VALUES(?, ?)",
	[ST_DEP_CHANGED] = "SELECT 1 FROM unit_deps d JOIN temp.changed c ON c.file_id = d.file_id "
			   "WHERE d.unit_id = ? LIMIT 1",
	/* a removed unit's header functions: when nobody reports them again, they are orphans */
	[ST_WRITTEN] = "INSERT OR IGNORE INTO temp.written(unit_id) VALUES(?)",
	[ST_SAVE_HDR] = "INSERT INTO temp.old_hdr(usr, file_id) SELECT usr, file_id FROM functions "
			"WHERE unit_id = ? AND in_header = 1",
};

struct ix_store {
	sqlite3 *db;
	int lock_fd;			/* flock()ed: one indexer per file */
	char path[PATH_MAX];
	char tree[PATH_MAX];
	sqlite3_stmt *st[ST_N];
	bool in_txn, in_unit;
	struct timespec txn_start;

	struct file_ent *files;		/* fmap maps the path to the index in files */
	size_t nfiles, files_cap;
	struct smap fmap;
	int64_t *by_id;			/* files.id -> index in files, -1 when none */
	size_t by_id_cap;
	struct smap raw;		/* clang's spelling of a path -> files index */

	/* the unit being written */
	int64_t unit_id, unit_file;
	struct smap funcs;		/* usr -> functions.id of this unit */
	unsigned diag_errors;
	char first_error[512];
	char last_error[512];		/* what the last unit ended got as first_error */

	struct ix_sink sink;
	struct ix_store_counts counts;
};

static int db_err(struct ix_store *s, const char *what)
{
	ns_err("cannot %s in the index '%s': %s", what, s->path, sqlite3_errmsg(s->db));
	return -EIO;
}

static int exec(struct ix_store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	ns_err("cannot write the index '%s': %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	return -EIO;
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int txn_begin(struct ix_store *s)
{
	if (s->in_txn)
		return 0;
	if (exec(s, "BEGIN IMMEDIATE"))
		return -EIO;
	s->in_txn = true;
	clock_gettime(CLOCK_MONOTONIC, &s->txn_start);
	return 0;
}

int ix_store_commit(struct ix_store *s)
{
	if (!s->in_txn)
		return 0;
	if (exec(s, "COMMIT"))
		return -EIO;
	s->in_txn = false;
	return 0;
}

/* a statement ready for binding */
static sqlite3_stmt *st(struct ix_store *s, int i)
{
	sqlite3_reset(s->st[i]);
	sqlite3_clear_bindings(s->st[i]);
	return s->st[i];
}

static int step_done(struct ix_store *s, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return db_err(s, "write");
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
		return db_err(s, "write meta");
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : db_err(s, "write meta");
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
	if (created)
		err = err ?: meta_set(s, "created", now);
	err = err ?: meta_set(s, "updated", now);
	return err;
}

/* ---- opening ---- */

static int sql_open(struct ix_store *s)
{
	/* WAL: readers (queries) go on while the indexer writes; NORMAL: no fsync per commit */
	static const char *const pragmas =
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = NORMAL;"
		"PRAGMA cache_size = -65536;"
		"PRAGMA temp_store = MEMORY;"
		"PRAGMA busy_timeout = 5000;";

	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		ns_err("cannot open the index '%s': %s", s->path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		s->db = NULL;
		return -EIO;
	}
	return exec(s, pragmas);
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
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ns_err("cannot open the index '%s': %s", s->path, strerror(errno));
		return -errno;
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
		ns_err("cannot remove the old index '%s': %s", s->path, strerror(errno));
		return -errno;
	}
	snprintf(side, sizeof(side), "%s-wal", s->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", s->path);
	unlink(side);
	if (sql_open(s))
		return -EIO;
	if (lock_file(s))
		return -EBUSY;
	if (exec(s, "BEGIN") || exec(s, IX_SCHEMA_SQL) || write_meta(s, t, true) || exec(s, "COMMIT"))
		return -EIO;
	return 0;
}

static int prepare_all(struct ix_store *s)
{
	for (int i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK)
			return db_err(s, "prepare a statement");
	return 0;
}

static int add_file(struct ix_store *s, const char *path, const struct file_ent *e)
{
	if (s->nfiles == s->files_cap) {
		size_t cap = s->files_cap ? s->files_cap * 2 : 1024;
		struct file_ent *v = realloc(s->files, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->files = v;
		s->files_cap = cap;
	}
	if ((size_t)e->id >= s->by_id_cap) {
		size_t cap = s->by_id_cap ? s->by_id_cap : 1024;
		int64_t *v;

		while (cap <= (size_t)e->id)
			cap *= 2;
		v = realloc(s->by_id, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t i = s->by_id_cap; i < cap; i++)
			v[i] = -1;
		s->by_id = v;
		s->by_id_cap = cap;
	}
	s->files[s->nfiles] = *e;
	s->files[s->nfiles].path = strdup(path);
	if (!s->files[s->nfiles].path || smap_put(&s->fmap, path, (int64_t)s->nfiles)) {
		free(s->files[s->nfiles].path);
		return -ENOMEM;
	}
	s->by_id[e->id] = (int64_t)s->nfiles;
	s->nfiles++;
	return 0;
}

static void forget_files(struct ix_store *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	s->nfiles = 0;
	smap_clear(&s->fmap);
	smap_clear(&s->raw);
	for (size_t i = 0; i < s->by_id_cap; i++)
		s->by_id[i] = -1;
}

static int load_files(struct ix_store *s)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT id, path, hash, size, mtime_ns FROM files", -1, &q, NULL) != SQLITE_OK)
		return db_err(s, "read files");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct file_ent e = {
			.id = sqlite3_column_int64(q, 0),
			.hash = (uint32_t)strtoul((const char *)sqlite3_column_text(q, 2), NULL, 16),
			.size = sqlite3_column_int64(q, 3),
			.mtime_ns = sqlite3_column_int64(q, 4),
		};

		if (add_file(s, (const char *)sqlite3_column_text(q, 1), &e)) {
			sqlite3_finalize(q);
			return -ENOMEM;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : db_err(s, "read files");
}

static void store_free(struct ix_store *s)
{
	sql_close(s);
	forget_files(s);
	free(s->by_id);
	smap_free(&s->fmap);
	smap_free(&s->raw);
	smap_free(&s->funcs);
	free(s->files);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s);
}

static const struct ix_sink store_sink;

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
	s->sink = store_sink;
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
		err = db_err(s, "read meta");
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
ready:
	if (err)
		goto fail;
	/* temp tables live in this connection only: planning state of the run */
	if (exec(s, "CREATE TEMP TABLE changed(file_id INTEGER PRIMARY KEY);"
		    "CREATE TEMP TABLE old_hdr(usr TEXT NOT NULL, file_id INTEGER NOT NULL);"
		    "CREATE TEMP TABLE written(unit_id INTEGER PRIMARY KEY);"))
		goto fail_io;
	err = prepare_all(s);
	err = err ?: load_files(s);
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
	err = txn_begin(s);
	now_iso(now, sizeof(now));
	err = err ?: meta_set(s, "updated", now);
	err = err ?: ix_store_commit(s);
	/* fold the WAL back so the file alone is the index (also for a reader that copies it) */
	if (!err)
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	store_free(s);
	return err;
}

/* ---- files ---- */

void ix_store_relpath(const char *tree, const char *path, char *buf, size_t size)
{
	char tmp[PATH_MAX * 2], *parts[512], *save, *tok;
	size_t tl = strlen(tree);
	bool abs = path[0] == '/';
	int n = 0;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..") && n > 0 && strcmp(parts[n - 1], "..")) {
			n--;
			continue;
		}
		if (n < 512)
			parts[n++] = tok;
	}
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		len += snprintf(buf + len, len < size ? size - len : 0, "%s%s",
				(i || abs) ? "/" : "", parts[i]);
	if (abs && !n)
		snprintf(buf, size, "/");
	if (abs && !strncmp(buf, tree, tl) && buf[tl] == '/')
		memmove(buf, buf + tl + 1, strlen(buf + tl + 1) + 1);
}

static void abs_path(const struct ix_store *s, const char *rel, char *buf, size_t size)
{
	if (rel[0] == '/')
		snprintf(buf, size, "%s", rel);
	else
		snprintf(buf, size, "%s/%s", s->tree, rel);
}

/* size, mtime and crc32 of a file now; size -1 when it is not a readable file */
static void file_state(const char *abs, struct file_ent *e)
{
	struct stat st;

	e->size = -1;
	e->mtime_ns = 0;
	e->hash = 0;
	if (stat(abs, &st) || !S_ISREG(st.st_mode))
		return;
	if (ix_crc32_file(abs, &e->hash))
		return;
	e->size = st.st_size;
	e->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

static void hash_text(uint32_t h, int64_t size, char *buf, size_t n)
{
	if (size < 0)
		snprintf(buf, n, "none");
	else
		snprintf(buf, n, "%08x", h);
}

/* the files index of rel, inserted (stat and hash now) when new; -1 on error */
static int64_t file_index(struct ix_store *s, const char *rel)
{
	int64_t *ix = smap_find(&s->fmap, rel);
	struct file_ent e;
	char abs[PATH_MAX * 2], h[16];
	sqlite3_stmt *q;

	if (ix)
		return *ix;
	if (txn_begin(s))
		return -1;
	abs_path(s, rel, abs, sizeof(abs));
	file_state(abs, &e);
	hash_text(e.hash, e.size, h, sizeof(h));
	q = st(s, ST_FILE_INS);
	sqlite3_bind_text(q, 1, rel, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, h, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, e.size);
	sqlite3_bind_int64(q, 4, e.mtime_ns);
	if (step_done(s, q))
		return -1;
	e.id = sqlite3_last_insert_rowid(s->db);
	e.changed = true;
	if (add_file(s, rel, &e))
		return -1;
	return (int64_t)s->nfiles - 1;
}

/* files.id of a path as clang spells it (cached: the same spellings come back all the time) */
static int64_t file_id_of(struct ix_store *s, const char *path)
{
	char rel[PATH_MAX];
	int64_t *c, ix;

	if (!path || !*path)
		return s->unit_file;
	c = smap_find(&s->raw, path);
	if (c)
		return s->files[*c].id;
	ix_store_relpath(s->tree, path, rel, sizeof(rel));
	ix = file_index(s, rel);
	if (ix < 0)
		return -1;
	if (smap_put(&s->raw, path, ix))
		return -1;
	return s->files[ix].id;
}

/* a unit's rows go; its header functions are remembered (old_hdr) as possible orphans */
static int clear_unit(struct ix_store *s, int64_t uid, bool unit_row)
{
	static const int del[] = {
		ST_SAVE_HDR, ST_DEL_CALLS, ST_DEL_ACCESSES, ST_DEL_FNREFS, ST_DEL_FUNCTIONS, ST_DEL_DEPS,
	};
	sqlite3_stmt *q;

	for (size_t i = 0; i < sizeof(del) / sizeof(del[0]); i++) {
		q = st(s, del[i]);
		sqlite3_bind_int64(q, 1, uid);
		if (step_done(s, q))
			return -EIO;
	}
	if (!unit_row)
		return 0;
	q = st(s, ST_DEL_UNIT);
	sqlite3_bind_int64(q, 1, uid);
	return step_done(s, q);
}

int ix_store_refresh(struct ix_store *s, unsigned *removed)
{
	char abs[PATH_MAX * 2], h[16];
	sqlite3_stmt *ins = NULL, *units = NULL, *q;
	int64_t gone[256];
	int err, rc, ngone;

	*removed = 0;
	err = txn_begin(s);
	if (err)
		return err;
	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO temp.changed(file_id) VALUES(?)", -1, &ins, NULL))
		return db_err(s, "plan");
	for (size_t i = 0; i < s->nfiles && !err; i++) {
		struct file_ent *e = &s->files[i], now;
		struct stat sb;

		abs_path(s, e->path, abs, sizeof(abs));
		if (stat(abs, &sb) || !S_ISREG(sb.st_mode)) {
			if (e->size < 0)
				continue;
			/* vanished */
			now.size = -1;
			now.mtime_ns = 0;
			now.hash = 0;
		} else {
			int64_t mt = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;

			if (sb.st_size == e->size && mt == e->mtime_ns)
				continue;
			/* size or mtime moved: only the content says whether it changed */
			file_state(abs, &now);
			if (now.size >= 0 && e->size >= 0 && now.hash == e->hash) {
				e->size = now.size;
				e->mtime_ns = now.mtime_ns;
				goto update;
			}
		}
		e->size = now.size;
		e->mtime_ns = now.mtime_ns;
		e->hash = now.hash;
		e->changed = true;
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, e->id);
		err = step_done(s, ins);
update:
		hash_text(e->hash, e->size, h, sizeof(h));
		q = st(s, ST_FILE_UPD);
		sqlite3_bind_text(q, 1, h, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 2, e->size);
		sqlite3_bind_int64(q, 3, e->mtime_ns);
		sqlite3_bind_int64(q, 4, e->id);
		err = err ?: step_done(s, q);
	}
	sqlite3_finalize(ins);
	if (err)
		return err;
	/* units whose .c vanished leave the index (collected first: no writes while reading) */
	if (sqlite3_prepare_v2(s->db, "SELECT id, file_id FROM units", -1, &units, NULL))
		return db_err(s, "plan");
	do {
		ngone = 0;
		sqlite3_reset(units);
		while ((rc = sqlite3_step(units)) == SQLITE_ROW && ngone < 256) {
			int64_t fid = sqlite3_column_int64(units, 1);
			int64_t ix = fid >= 0 && (size_t)fid < s->by_id_cap ? s->by_id[fid] : -1;

			if (ix < 0 || s->files[ix].size < 0)
				gone[ngone++] = sqlite3_column_int64(units, 0);
		}
		sqlite3_reset(units);
		for (int i = 0; i < ngone && !err; i++)
			err = clear_unit(s, gone[i], true);
		*removed += ngone;
	} while (!err && ngone == 256);
	sqlite3_finalize(units);
	return err;
}

int ix_store_need(struct ix_store *s, const char *rel, enum ix_why *why)
{
	int64_t *ix = smap_find(&s->fmap, rel), uid;
	const struct file_ent *e;
	sqlite3_stmt *q;
	int rc, err;

	*why = IX_NEW;
	if (!ix)
		return 0;
	e = &s->files[*ix];
	q = st(s, ST_UNIT_OF_FILE);
	sqlite3_bind_int64(q, 1, e->id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return db_err(s, "plan");
	uid = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (e->changed) {
		*why = IX_CHANGED;
	} else {
		q = st(s, ST_DEP_CHANGED);
		sqlite3_bind_int64(q, 1, uid);
		rc = sqlite3_step(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_err(s, "plan");
		*why = rc == SQLITE_ROW ? IX_DEP_CHANGED : IX_FRESH;
		sqlite3_reset(q);
	}
	if (*why == IX_FRESH)
		return 0;
	/*
	 * Its rows go now, before any worker runs: its header functions can
	 * then be claimed by whichever unit comes first, and an interrupted run
	 * leaves it out rather than half old, half new.
	 */
	err = txn_begin(s);
	return err ?: clear_unit(s, uid, true);
}

int ix_store_claimed_usrs(struct ix_store *s, int (*cb)(void *ctx, const char *usr), void *ctx)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT usr FROM functions WHERE in_header = 1", -1, &q, NULL))
		return db_err(s, "read functions");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (cb(ctx, (const char *)sqlite3_column_text(q, 0)))
			break;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(s, "read functions");
}

int ix_store_orphan_units(struct ix_store *s, bool written_too,
			  int (*cb)(void *ctx, const char *rel), void *ctx)
{
	/* one unit per header that lost functions: every unit reading it defines its inlines */
	static const char sql[] =
		"SELECT DISTINCT (SELECT MIN(d.unit_id) FROM unit_deps d JOIN units u ON u.id = d.unit_id "
		"                 WHERE d.file_id = o.file_id AND u.status != 'failed' "
		"                 AND (?1 OR u.id NOT IN (SELECT unit_id FROM temp.written))) AS uid "
		"FROM (SELECT DISTINCT file_id FROM temp.old_hdr h "
		"      WHERE NOT EXISTS (SELECT 1 FROM functions f WHERE f.usr = h.usr)) o "
		"WHERE uid IS NOT NULL";
	int64_t *uids = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *q;
	int rc, err = 0;

	err = txn_begin(s);
	if (err)
		return err;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL))
		return db_err(s, "plan");
	sqlite3_bind_int(q, 1, written_too);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n == cap) {
			int64_t *v = realloc(uids, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (!v) {
				err = -ENOMEM;
				break;
			}
			uids = v;
		}
		uids[n++] = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	if (!err && rc != SQLITE_DONE)
		err = db_err(s, "plan");
	err = err ?: exec(s, "DELETE FROM temp.old_hdr");
	for (size_t i = 0; i < n && !err; i++) {
		char rel[PATH_MAX];
		sqlite3_stmt *p;

		if (sqlite3_prepare_v2(s->db, "SELECT f.path FROM units u JOIN files f ON f.id = u.file_id "
					      "WHERE u.id = ?", -1, &p, NULL)) {
			err = db_err(s, "plan");
			break;
		}
		sqlite3_bind_int64(p, 1, uids[i]);
		rc = sqlite3_step(p);
		snprintf(rel, sizeof(rel), "%s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(p, 0) : "");
		sqlite3_finalize(p);
		if (!rel[0])
			continue;
		err = clear_unit(s, uids[i], true);
		if (!err && cb(ctx, rel))
			break;
	}
	free(uids);
	return err;
}

/* ---- writing a unit ---- */

int ix_store_unit_begin(struct ix_store *s, const char *rel)
{
	int64_t ix;
	sqlite3_stmt *q;
	int err;

	err = txn_begin(s);
	err = err ?: exec(s, "SAVEPOINT unit");
	if (err)
		return err;
	s->in_unit = true;
	s->diag_errors = 0;
	s->first_error[0] = '\0';
	smap_clear(&s->funcs);
	ix = file_index(s, rel);
	if (ix < 0) {
		ix_store_unit_abort(s);
		return -EIO;
	}
	s->unit_file = s->files[ix].id;
	q = st(s, ST_UNIT_INS);
	sqlite3_bind_int64(q, 1, s->unit_file);
	if (sqlite3_step(q) != SQLITE_ROW) {
		err = db_err(s, "write a unit");
		ix_store_unit_abort(s);
		return err;
	}
	s->unit_id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	err = clear_unit(s, s->unit_id, false);
	if (err)
		ix_store_unit_abort(s);
	return err;
}

void ix_store_unit_abort(struct ix_store *s)
{
	if (!s->in_unit)
		return;
	s->in_unit = false;
	sqlite3_exec(s->db, "ROLLBACK TO unit; RELEASE unit", NULL, NULL, NULL);
	/* files inserted by the unit are gone from the table: reload what is cached */
	forget_files(s);
	if (load_files(s))
		ns_warn("cannot reload the file list of the index '%s'", s->path);
}

int ix_store_unit_end(struct ix_store *s, const struct ix_unit_result *r)
{
	const char *first = s->first_error[0] ? s->first_error : r->first_error;
	sqlite3_stmt *q;
	int err;

	if (!s->in_unit)
		return -EINVAL;
	snprintf(s->last_error, sizeof(s->last_error), "%s", first ? first : "");
	q = st(s, ST_UNIT_UPD);
	sqlite3_bind_text(q, 1, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, (int)(r->errors ? r->errors : s->diag_errors));
	if (first && *first)
		sqlite3_bind_text(q, 3, first, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(q, 4, r->seconds);
	sqlite3_bind_int64(q, 5, (int64_t)time(NULL));
	sqlite3_bind_int64(q, 6, s->unit_id);
	err = step_done(s, q);
	q = st(s, ST_WRITTEN);
	sqlite3_bind_int64(q, 1, s->unit_id);
	err = err ?: step_done(s, q);
	err = err ?: exec(s, "RELEASE unit");
	if (err) {
		ix_store_unit_abort(s);
		return err;
	}
	s->in_unit = false;
	/* about a second of writes per transaction: few commits, little lost to a crash */
	if (since(&s->txn_start) > 1.0)
		err = ix_store_commit(s);
	return err;
}

const char *ix_store_unit_error(const struct ix_store *s)
{
	return s->last_error;
}

const struct ix_sink *ix_store_sink(struct ix_store *s)
{
	return &s->sink;
}

/* functions.id of usr: this unit's, else one already in the index (0: unknown) */
static int64_t func_id(struct ix_store *s, const char *usr)
{
	int64_t *v = smap_find(&s->funcs, usr), id = 0;
	sqlite3_stmt *q;

	if (v)
		return *v;
	q = st(s, ST_FUNC_ID);
	sqlite3_bind_text(q, 1, usr, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return id;
}

static int sink_func(void *ctx, const struct ix_func *f)
{
	struct ix_store *s = ctx;
	int64_t fid = file_id_of(s, f->loc.file), id;
	sqlite3_stmt *q;

	if (fid < 0)
		return -EIO;
	q = st(s, ST_FUNC_INS);
	sqlite3_bind_text(q, 1, f->usr, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, fid);
	sqlite3_bind_int(q, 4, (int)f->loc.line);
	sqlite3_bind_int(q, 5, (int)f->loc.col);
	sqlite3_bind_int(q, 6, (int)f->end_line);
	sqlite3_bind_int(q, 7, f->is_static);
	sqlite3_bind_int(q, 8, f->is_inline);
	sqlite3_bind_int(q, 9, f->in_header);
	if (f->summary)
		sqlite3_bind_text(q, 10, f->summary, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 11, s->unit_id);
	if (step_done(s, q))
		return -EIO;
	if (sqlite3_changes(s->db)) {
		id = sqlite3_last_insert_rowid(s->db);
		s->counts.functions++;
	} else {
		/* another unit owns it (a header inline, or one name defined twice): the first stays */
		id = func_id(s, f->usr);
	}
	return id ? smap_put(&s->funcs, f->usr, id) : 0;
}

static const char *const call_kinds[] = { "direct", "macro", "pointer" };
static const char *const modes[] = { "read", "write", "rw", "addr", "init", "size" };
static const char *const fnref_kinds[] = { "init", "assign" };

static int sink_call(void *ctx, const struct ix_call *c)
{
	struct ix_store *s = ctx;
	int64_t caller = func_id(s, c->caller_usr), fid;
	sqlite3_stmt *q;

	if (!caller) {
		s->counts.orphans++;
		return 0;
	}
	fid = file_id_of(s, c->loc.file);
	if (fid < 0 || (unsigned)c->kind > IX_CALL_POINTER)
		return fid < 0 ? -EIO : 0;
	q = st(s, ST_CALL_INS);
	sqlite3_bind_int64(q, 1, caller);
	if (c->callee_usr)
		sqlite3_bind_text(q, 2, c->callee_usr, -1, SQLITE_STATIC);
	if (c->callee_name)
		sqlite3_bind_text(q, 3, c->callee_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, call_kinds[c->kind], -1, SQLITE_STATIC);
	if (c->via)
		sqlite3_bind_text(q, 5, c->via, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, fid);
	sqlite3_bind_int(q, 7, (int)c->loc.line);
	sqlite3_bind_int(q, 8, (int)c->loc.col);
	sqlite3_bind_int64(q, 9, s->unit_id);
	if (step_done(s, q))
		return -EIO;
	s->counts.calls++;
	return 0;
}

static int sink_access(void *ctx, const struct ix_access *a)
{
	struct ix_store *s = ctx;
	int64_t func = 0, fid;
	sqlite3_stmt *q;

	if (a->func_usr) {
		func = func_id(s, a->func_usr);
		if (!func) {
			s->counts.orphans++;
			return 0;
		}
	}
	fid = file_id_of(s, a->loc.file);
	if (fid < 0 || (unsigned)a->mode > IX_SIZE)
		return fid < 0 ? -EIO : 0;
	q = st(s, ST_ACCESS_INS);
	if (func)
		sqlite3_bind_int64(q, 1, func);
	sqlite3_bind_text(q, 2, a->record, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, a->member, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, modes[a->mode], -1, SQLITE_STATIC);
	if (a->via)
		sqlite3_bind_text(q, 5, a->via, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, fid);
	sqlite3_bind_int(q, 7, (int)a->loc.line);
	sqlite3_bind_int(q, 8, (int)a->loc.col);
	sqlite3_bind_int64(q, 9, s->unit_id);
	if (step_done(s, q))
		return -EIO;
	s->counts.accesses++;
	return 0;
}

static int sink_fnref(void *ctx, const struct ix_fnref *r)
{
	struct ix_store *s = ctx;
	int64_t fid = file_id_of(s, r->loc.file);
	sqlite3_stmt *q;

	if (fid < 0 || (unsigned)r->kind > IX_FNREF_ASSIGN)
		return fid < 0 ? -EIO : 0;
	q = st(s, ST_FNREF_INS);
	sqlite3_bind_text(q, 1, r->record, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, r->member, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->func_usr, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, r->func_name, -1, SQLITE_STATIC);
	if (r->holder)
		sqlite3_bind_text(q, 5, r->holder, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, fnref_kinds[r->kind], -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, fid);
	sqlite3_bind_int(q, 8, (int)r->loc.line);
	sqlite3_bind_int64(q, 9, s->unit_id);
	if (step_done(s, q))
		return -EIO;
	s->counts.fnrefs++;
	return 0;
}

static int sink_dep(void *ctx, const char *path)
{
	struct ix_store *s = ctx;
	int64_t fid = file_id_of(s, path);
	sqlite3_stmt *q;

	if (fid < 0)
		return -EIO;
	q = st(s, ST_DEP_INS);
	sqlite3_bind_int64(q, 1, s->unit_id);
	sqlite3_bind_int64(q, 2, fid);
	if (step_done(s, q))
		return -EIO;
	s->counts.deps++;
	return 0;
}

static int sink_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct ix_store *s = ctx;
	char rel[PATH_MAX];

	s->diag_errors++;
	if (s->first_error[0])
		return 0;
	if (file && *file) {
		ix_store_relpath(s->tree, file, rel, sizeof(rel));
		snprintf(s->first_error, sizeof(s->first_error), "%.200s:%u: %.280s", rel, line, msg);
	} else {
		snprintf(s->first_error, sizeof(s->first_error), "%s", msg);
	}
	return 0;
}

static const struct ix_sink store_sink = {
	.func = sink_func,
	.call = sink_call,
	.access = sink_access,
	.fnref = sink_fnref,
	.dep = sink_dep,
	.diag = sink_diag,
};

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
		return db_err(s, "read units");
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
	return rc == SQLITE_DONE ? 0 : db_err(s, "read units");
}
