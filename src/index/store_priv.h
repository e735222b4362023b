/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the store of a source index, shared by store.c (the handle:
 * opening, creating, meta, locking, SQL helpers), store_files.c (the files
 * table mirrored in memory), store_plan.c (what is stale) and
 * store_unit.c (writing one unit's records).
 */
#ifndef NETSCOPE_INDEX_STORE_PRIV_H
#define NETSCOPE_INDEX_STORE_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sqlite3.h>
#include "index/store.h"

/* ---- a string -> int64 map (store_files.c) ---- */

struct smap {
	char **keys;
	int64_t *vals;
	size_t cap, n;
};

int64_t *ixs_smap_find(const struct smap *m, const char *key);
int ixs_smap_put(struct smap *m, const char *key, int64_t val);	/* 0 or -ENOMEM */
void ixs_smap_clear(struct smap *m);
void ixs_smap_free(struct smap *m);

/* ---- the handle ---- */

struct file_ent {
	char *path;		/* relative to the tree, or absolute outside it */
	int64_t id;
	int64_t size;		/* -1: the file does not exist (vanished, or not a file) */
	int64_t mtime_ns;
	uint32_t hash;
};

/* the prepared statements, SQL in store.c */
enum {
	ST_FILE_INS, ST_FILE_UPD, ST_UNIT_INS, ST_UNIT_UPD, ST_UNIT_OF_FILE,
	ST_DEL_CALLS, ST_DEL_ACCESSES, ST_DEL_FNREFS, ST_DEL_FUNCTIONS, ST_DEL_DEPS, ST_DEL_UNIT,
	ST_FUNC_INS, ST_FUNC_ID, ST_CALL_INS, ST_ACCESS_INS, ST_FNREF_INS, ST_DEP_INS,
	ST_DEP_CHANGED, ST_SAVE_HDR, ST_WRITTEN,
	ST_N,
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
	struct ix_store_counts counts_before;	/* at ix_store_unit_begin: an abort goes back */
};

/* ---- SQL helpers (store.c) ---- */

/* a message naming what could not be done; returns -EIO */
int ixs_db_err(struct ix_store *s, const char *what);
/* run sql; 0 or -EIO after a message */
int ixs_exec(struct ix_store *s, const char *sql);
/* open the write transaction unless one is open */
int ixs_txn_begin(struct ix_store *s);
/* statement i, reset and unbound, ready for binding */
sqlite3_stmt *ixs_stmt(struct ix_store *s, int i);
/* step a write; 0, or -EIO after a message */
int ixs_step_done(struct ix_store *s, sqlite3_stmt *q);

/* ---- the files table in memory (store_files.c) ---- */

/* read the files table into s->files; 0, -ENOMEM or -EIO */
int ixs_load_files(struct ix_store *s);
/* drop what ixs_load_files() and ixs_file_index() cached */
void ixs_forget_files(struct ix_store *s);
/* the path on disk of a tree-relative (or absolute) file */
void ixs_abs_path(const struct ix_store *s, const char *rel, char *buf, size_t size);
/* size, mtime and crc32 of a file now; size -1 when it is not a readable file */
void ixs_file_state(const char *abs, struct file_ent *e);
/* files.hash as text: the crc32, or "none" for a file that is not there */
void ixs_hash_text(uint32_t h, int64_t size, char *buf, size_t n);
/* the files index of rel, inserted (stat and hash now) when new; -1 on error */
int64_t ixs_file_index(struct ix_store *s, const char *rel);
/* files.id of a path as clang spells it, s->unit_file for none; -1 on error */
int64_t ixs_file_id_of(struct ix_store *s, const char *path);

/* ---- planning (store_plan.c) ---- */

/* a unit's rows go (its units row too when unit_row); its header functions go to old_hdr */
int ixs_clear_unit(struct ix_store *s, int64_t uid, bool unit_row);

/* ---- writing (store_unit.c) ---- */

/* the store's sink, copied into each handle with ctx set */
extern const struct ix_sink ixs_sink;

#endif
