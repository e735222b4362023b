// SPDX-License-Identifier: GPL-2.0
/*
 * Writing one unit: its old rows go and its records come in inside one
 * savepoint, so a unit is in the index whole or not at all, and the
 * store's sink turns records into rows.  The hot path of indexing (every
 * record of every unit goes through here), kept apart from the planning
 * that runs once per run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common/log.h"
#include "index/store_priv.h"

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

int ix_store_unit_begin(struct ix_store *s, const char *rel)
{
	int64_t ix;
	sqlite3_stmt *q;
	int err;

	err = ixs_txn_begin(s);
	err = err ?: ixs_exec(s, "SAVEPOINT unit");
	if (err)
		return err;
	s->in_unit = true;
	s->counts_before = s->counts;
	s->diag_errors = 0;
	s->first_error[0] = '\0';
	ixs_smap_clear(&s->funcs);
	ix = ixs_file_index(s, rel);
	if (ix < 0) {
		ix_store_unit_abort(s);
		return -EIO;
	}
	s->unit_file = s->files[ix].id;
	q = ixs_stmt(s, ST_UNIT_INS);
	sqlite3_bind_int64(q, 1, s->unit_file);
	if (sqlite3_step(q) != SQLITE_ROW) {
		err = ixs_db_err(s, "write a unit");
		ix_store_unit_abort(s);
		return err;
	}
	s->unit_id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	err = ixs_clear_unit(s, s->unit_id, false);
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
	/* what the summary says was written is what is in the file */
	s->counts = s->counts_before;
	/* files inserted by the unit are gone from the table: reload what is cached */
	ixs_forget_files(s);
	if (ixs_load_files(s))
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
	q = ixs_stmt(s, ST_UNIT_UPD);
	sqlite3_bind_text(q, 1, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, (int)(r->errors ? r->errors : s->diag_errors));
	if (first && *first)
		sqlite3_bind_text(q, 3, first, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(q, 4, r->seconds);
	sqlite3_bind_int64(q, 5, (int64_t)time(NULL));
	sqlite3_bind_int64(q, 6, s->unit_id);
	err = ixs_step_done(s, q);
	q = ixs_stmt(s, ST_WRITTEN);
	sqlite3_bind_int64(q, 1, s->unit_id);
	err = err ?: ixs_step_done(s, q);
	err = err ?: ixs_exec(s, "RELEASE unit");
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
	int64_t *v = ixs_smap_find(&s->funcs, usr), id = 0;
	sqlite3_stmt *q;

	if (v)
		return *v;
	q = ixs_stmt(s, ST_FUNC_ID);
	sqlite3_bind_text(q, 1, usr, -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return id;
}

static int sink_func(void *ctx, const struct ix_func *f)
{
	struct ix_store *s = ctx;
	int64_t fid = ixs_file_id_of(s, f->loc.file), id;
	sqlite3_stmt *q;

	if (fid < 0)
		return -EIO;
	q = ixs_stmt(s, ST_FUNC_INS);
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
	if (ixs_step_done(s, q))
		return -EIO;
	if (sqlite3_changes(s->db)) {
		id = sqlite3_last_insert_rowid(s->db);
		s->counts.functions++;
	} else {
		/* another unit owns it (a header inline, or one name defined twice): the first stays */
		id = func_id(s, f->usr);
	}
	return id ? ixs_smap_put(&s->funcs, f->usr, id) : 0;
}

static const char *const call_kinds[] = { "direct", "macro", "pointer", "callback" };
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
	fid = ixs_file_id_of(s, c->loc.file);
	if (fid < 0 || (unsigned)c->kind > IX_CALL_CALLBACK)
		return fid < 0 ? -EIO : 0;
	q = ixs_stmt(s, ST_CALL_INS);
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
	if (ixs_step_done(s, q))
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
	fid = ixs_file_id_of(s, a->loc.file);
	if (fid < 0 || (unsigned)a->mode > IX_SIZE)
		return fid < 0 ? -EIO : 0;
	q = ixs_stmt(s, ST_ACCESS_INS);
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
	if (ixs_step_done(s, q))
		return -EIO;
	s->counts.accesses++;
	return 0;
}

static int sink_fnref(void *ctx, const struct ix_fnref *r)
{
	struct ix_store *s = ctx;
	int64_t fid = ixs_file_id_of(s, r->loc.file);
	sqlite3_stmt *q;

	if (fid < 0 || (unsigned)r->kind > IX_FNREF_ASSIGN)
		return fid < 0 ? -EIO : 0;
	q = ixs_stmt(s, ST_FNREF_INS);
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
	if (ixs_step_done(s, q))
		return -EIO;
	s->counts.fnrefs++;
	return 0;
}

static int sink_dep(void *ctx, const char *path)
{
	struct ix_store *s = ctx;
	int64_t fid = ixs_file_id_of(s, path), ix;
	sqlite3_stmt *q;
	char h[16];

	if (fid < 0)
		return -EIO;
	/* the content the unit was parsed from, as the files cache hashed it */
	ix = (size_t)fid < s->by_id_cap ? s->by_id[fid] : -1;
	if (ix < 0)
		return -EIO;
	ixs_hash_text(s->files[ix].hash, s->files[ix].size, h, sizeof(h));
	q = ixs_stmt(s, ST_DEP_INS);
	sqlite3_bind_int64(q, 1, s->unit_id);
	sqlite3_bind_int64(q, 2, fid);
	sqlite3_bind_text(q, 3, h, -1, SQLITE_TRANSIENT);
	if (ixs_step_done(s, q))
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

const struct ix_sink ixs_sink = {
	.func = sink_func,
	.call = sink_call,
	.access = sink_access,
	.fnref = sink_fnref,
	.dep = sink_dep,
	.diag = sink_diag,
};
