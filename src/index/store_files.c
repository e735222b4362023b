// SPDX-License-Identifier: GPL-2.0
/*
 * The files table of the index mirrored in memory: every path a unit read
 * with its id, size, mtime and crc32, found by path or by clang's spelling
 * of it.  Planning compares it with the disk and writing adds to it, tens
 * of thousands of lookups per unit, so it is kept out of SQLite; the
 * string map it is built on is here too (the unit writer uses it for its
 * functions).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/hash.h"
#include "index/kflags.h"
#include "index/store_priv.h"

/* ---- a string -> int64 map ---- */

int64_t *ixs_smap_find(const struct smap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = ns_str_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return NULL;
		if (!strcmp(m->keys[i], key))
			return &m->vals[i];
	}
}

int ixs_smap_put(struct smap *m, const char *key, int64_t val)
{
	int64_t *v = ixs_smap_find(m, key);
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
			for (i = ns_str_hash(m->keys[j]) & (cap - 1); keys[i]; i = (i + 1) & (cap - 1))
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
	for (i = ns_str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = strdup(key);
	if (!m->keys[i])
		return -ENOMEM;
	m->vals[i] = val;
	m->n++;
	return 0;
}

void ixs_smap_clear(struct smap *m)
{
	if (!m->n)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		free(m->keys[i]);
		m->keys[i] = NULL;
	}
	m->n = 0;
}

void ixs_smap_free(struct smap *m)
{
	ixs_smap_clear(m);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- the files table ---- */

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
	if (!s->files[s->nfiles].path || ixs_smap_put(&s->fmap, path, (int64_t)s->nfiles)) {
		free(s->files[s->nfiles].path);
		return -ENOMEM;
	}
	s->by_id[e->id] = (int64_t)s->nfiles;
	s->nfiles++;
	return 0;
}

void ixs_forget_files(struct ix_store *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	s->nfiles = 0;
	ixs_smap_clear(&s->fmap);
	ixs_smap_clear(&s->raw);
	for (size_t i = 0; i < s->by_id_cap; i++)
		s->by_id[i] = -1;
}

int ixs_load_files(struct ix_store *s)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT id, path, hash, size, mtime_ns FROM files", -1, &q, NULL) != SQLITE_OK)
		return ixs_db_err(s, "read files");
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
	return rc == SQLITE_DONE ? 0 : ixs_db_err(s, "read files");
}

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

void ixs_abs_path(const struct ix_store *s, const char *rel, char *buf, size_t size)
{
	if (rel[0] == '/')
		snprintf(buf, size, "%s", rel);
	else
		snprintf(buf, size, "%s/%s", s->tree, rel);
}

/* size, mtime and crc32 of a file now; size -1 when it is not a readable file */
void ixs_file_state(const char *abs, struct file_ent *e)
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

void ixs_hash_text(uint32_t h, int64_t size, char *buf, size_t n)
{
	if (size < 0)
		snprintf(buf, n, "none");
	else
		snprintf(buf, n, "%08x", h);
}

/* the files index of rel, inserted (stat and hash now) when new; -1 on error */
int64_t ixs_file_index(struct ix_store *s, const char *rel)
{
	int64_t *ix = ixs_smap_find(&s->fmap, rel);
	struct file_ent e;
	char abs[PATH_MAX * 2], h[16];
	sqlite3_stmt *q;

	if (ix)
		return *ix;
	if (ixs_txn_begin(s))
		return -1;
	ixs_abs_path(s, rel, abs, sizeof(abs));
	ixs_file_state(abs, &e);
	ixs_hash_text(e.hash, e.size, h, sizeof(h));
	q = ixs_stmt(s, ST_FILE_INS);
	sqlite3_bind_text(q, 1, rel, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, h, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, e.size);
	sqlite3_bind_int64(q, 4, e.mtime_ns);
	if (ixs_step_done(s, q))
		return -1;
	e.id = sqlite3_last_insert_rowid(s->db);
	if (add_file(s, rel, &e))
		return -1;
	return (int64_t)s->nfiles - 1;
}

/* files.id of a path as clang spells it (cached: the same spellings come back all the time) */
int64_t ixs_file_id_of(struct ix_store *s, const char *path)
{
	char rel[PATH_MAX];
	int64_t *c, ix;

	if (!path || !*path)
		return s->unit_file;
	c = ixs_smap_find(&s->raw, path);
	if (c)
		return s->files[*c].id;
	ix_store_relpath(s->tree, path, rel, sizeof(rel));
	ix = ixs_file_index(s, rel);
	if (ix < 0)
		return -1;
	if (ixs_smap_put(&s->raw, path, ix))
		return -1;
	return s->files[ix].id;
}
