// SPDX-License-Identifier: GPL-2.0
/*
 * What is stale in an index, before a run and after it: which units to
 * index again, and their rows removed before any worker runs.  Apart
 * from the writing of units (store_unit.c) because it works on the whole
 * index once per run, where the writer works on one unit at a time.
 *
 * Incremental rules:
 *   - files holds every file a unit read, with size, mtime and a crc32 of
 *     the content; content is hashed again only when size or mtime moved;
 *   - unit_deps holds, per unit, the hash of every file it read as it read
 *     it: a unit is stale when one of those differs from the file now, so
 *     a run that indexes only some units leaves the others stale, not
 *     forgotten (a header changed and one of its includers indexed: the
 *     others are still "after a header changed" on the next run); a unit
 *     that failed is tried again on every run; an index
 *     made with another configuration or other compiler arguments is
 *     rebuilt as a whole (store.c, on open);
 *   - units to index again lose their rows before indexing starts, so an
 *     interrupted run leaves only whole units (the others are "new" next
 *     time) and their header functions can be claimed afresh;
 *   - a header function is stored once, owned by the first unit that
 *     claimed it; when its owner is reindexed and no longer reports it,
 *     one unit that read that header is reindexed to claim it again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "index/store_priv.h"

/* a unit's rows go; its header functions are remembered (old_hdr) as possible orphans */
int ixs_clear_unit(struct ix_store *s, int64_t uid, bool unit_row)
{
	static const int del[] = {
		ST_SAVE_HDR, ST_DEL_CALLS, ST_DEL_ACCESSES, ST_DEL_FNREFS, ST_DEL_FUNCTIONS, ST_DEL_DEPS,
	};
	sqlite3_stmt *q;

	for (size_t i = 0; i < sizeof(del) / sizeof(del[0]); i++) {
		q = ixs_stmt(s, del[i]);
		sqlite3_bind_int64(q, 1, uid);
		if (ixs_step_done(s, q))
			return -EIO;
	}
	if (!unit_row)
		return 0;
	q = ixs_stmt(s, ST_DEL_UNIT);
	sqlite3_bind_int64(q, 1, uid);
	return ixs_step_done(s, q);
}

int ix_store_refresh(struct ix_store *s, unsigned *removed)
{
	char abs[PATH_MAX * 2], h[16];
	sqlite3_stmt *units = NULL, *q;
	int64_t gone[256];
	int err, rc, ngone;

	*removed = 0;
	err = ixs_txn_begin(s);
	if (err)
		return err;
	for (size_t i = 0; i < s->nfiles && !err; i++) {
		struct file_ent *e = &s->files[i], now;
		struct stat sb;

		ixs_abs_path(s, e->path, abs, sizeof(abs));
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
			ixs_file_state(abs, &now);
			if (now.size >= 0 && e->size >= 0 && now.hash == e->hash) {
				e->size = now.size;
				e->mtime_ns = now.mtime_ns;
				goto update;
			}
		}
		e->size = now.size;
		e->mtime_ns = now.mtime_ns;
		e->hash = now.hash;
update:
		ixs_hash_text(e->hash, e->size, h, sizeof(h));
		q = ixs_stmt(s, ST_FILE_UPD);
		sqlite3_bind_text(q, 1, h, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 2, e->size);
		sqlite3_bind_int64(q, 3, e->mtime_ns);
		sqlite3_bind_int64(q, 4, e->id);
		err = err ?: ixs_step_done(s, q);
	}
	if (err)
		return err;
	/* units whose .c vanished leave the index (collected first: no writes while reading) */
	if (sqlite3_prepare_v2(s->db, "SELECT id, file_id FROM units", -1, &units, NULL))
		return ixs_db_err(s, "plan");
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
			err = ixs_clear_unit(s, gone[i], true);
		*removed += ngone;
	} while (!err && ngone == 256);
	sqlite3_finalize(units);
	return err;
}

int ix_store_need(struct ix_store *s, const char *rel, enum ix_why *why)
{
	int64_t *ix = ixs_smap_find(&s->fmap, rel), uid;
	const struct file_ent *e;
	sqlite3_stmt *q;
	int rc, err, failed;

	*why = IX_NEW;
	if (!ix)
		return 0;
	e = &s->files[*ix];
	q = ixs_stmt(s, ST_UNIT_OF_FILE);
	sqlite3_bind_int64(q, 1, e->id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return ixs_db_err(s, "plan");
	uid = sqlite3_column_int64(q, 0);
	failed = sqlite3_column_int(q, 1);
	sqlite3_reset(q);
	if (failed) {
		*why = IX_FAILED_BEFORE;
	} else {
		q = ixs_stmt(s, ST_DEP_CHANGED);
		sqlite3_bind_int64(q, 1, uid);
		if (sqlite3_step(q) != SQLITE_ROW)
			return ixs_db_err(s, "plan");
		*why = !sqlite3_column_int(q, 0) ? IX_FRESH : sqlite3_column_int(q, 1) ? IX_CHANGED
										: IX_DEP_CHANGED;
		sqlite3_reset(q);
	}
	if (*why == IX_FRESH)
		return 0;
	/*
	 * Its rows go now, before any worker runs: its header functions can
	 * then be claimed by whichever unit comes first, and an interrupted run
	 * leaves it out rather than half old, half new.
	 */
	err = ixs_txn_begin(s);
	return err ?: ixs_clear_unit(s, uid, true);
}

int ix_store_claimed_usrs(struct ix_store *s, int (*cb)(void *ctx, const char *usr), void *ctx)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT usr FROM functions WHERE in_header = 1", -1, &q, NULL))
		return ixs_db_err(s, "read functions");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (cb(ctx, (const char *)sqlite3_column_text(q, 0)))
			break;
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ixs_db_err(s, "read functions");
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

	err = ixs_txn_begin(s);
	if (err)
		return err;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL))
		return ixs_db_err(s, "plan");
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
		err = ixs_db_err(s, "plan");
	err = err ?: ixs_exec(s, "DELETE FROM temp.old_hdr");
	for (size_t i = 0; i < n && !err; i++) {
		char rel[PATH_MAX];
		sqlite3_stmt *p;

		if (sqlite3_prepare_v2(s->db, "SELECT f.path FROM units u JOIN files f ON f.id = u.file_id "
					      "WHERE u.id = ?", -1, &p, NULL)) {
			err = ixs_db_err(s, "plan");
			break;
		}
		sqlite3_bind_int64(p, 1, uids[i]);
		rc = sqlite3_step(p);
		snprintf(rel, sizeof(rel), "%s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(p, 0) : "");
		sqlite3_finalize(p);
		if (!rel[0])
			continue;
		err = ixs_clear_unit(s, uids[i], true);
		if (!err && cb(ctx, rel))
			break;
	}
	free(uids);
	return err;
}
