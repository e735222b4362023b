/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SQLite file of a source index (schema.h): opening and creating it,
 * deciding which units are stale, and writing one unit's records at a time.
 * Only the indexing parent process writes; queries open it read-only
 * (query.h) and find it with ix_default_db().
 */
#ifndef NETSCOPE_INDEX_STORE_H
#define NETSCOPE_INDEX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "index/records.h"

/* the index of a tree lives in the tree: <tree>/netscope-index.sqlite */
#define IX_DB_NAME "netscope-index.sqlite"

/*
 * The default index file: <src>/netscope-index.sqlite for a tree given
 * with --src (made absolute), else in the tree 'netscope source fetch' got
 * (source__default()).  0, or -ENOENT when src is NULL and no tree was
 * fetched, -ENAMETOOLONG; no message.  The file itself may not exist yet.
 */
int ix_default_db(const char *src_or_null, char *path, size_t size);

struct ix_store;

/* What the index is of: compared with meta on open, written to meta. */
struct ix_store_tree {
	const char *tree;	/* absolute */
	const char *version;	/* "6.12.117" or "" */
	const char *config;	/* the .config or auto.conf read, or "" */
	uint32_t config_hash;	/* autoconf.h (kernel) or the flags (plain tree) */
	uint32_t flags_hash;	/* the common compiler arguments */
	/*
	 * the version of the extractor's rules (IX_EXTRACT_VERSION): what an
	 * index of other rules holds is not what this one would find
	 */
	int extractor;
};

/*
 * Open path, creating it with the schema when missing.  An index of
 * another tree is refused (-EEXIST) unless rebuild; one written with
 * another schema, or another configuration or compiler arguments, is
 * rebuilt from scratch after a message; a file that is not a netscope
 * index is refused (-EINVAL) and left alone.  0 or a negative errno,
 * after a message.
 */
int ix_store_open(const char *path, const struct ix_store_tree *t, bool rebuild, struct ix_store **s);
/* Commit what is written and close; 0 or -EIO after a message. */
int ix_store_close(struct ix_store *s);

/* ---- what is stale ---- */

/*
 * Compare every file the index knows with the disk: a file whose size or
 * mtime changed is hashed again, and counts as changed when its content
 * did.  Units whose .c vanished are removed (with their rows).
 * Call once, before ix_store_need().
 */
int ix_store_refresh(struct ix_store *s, unsigned *removed);

enum ix_why {
	IX_FRESH,		/* indexed, nothing it read changed */
	IX_NEW,			/* not in the index */
	IX_CHANGED,		/* the .c changed */
	IX_DEP_CHANGED,		/* a header (or other file) it read changed */
	IX_FAILED_BEFORE,	/* it failed last time (no AST, or its worker died) */
};

/*
 * Whether the unit rel (relative to the tree) must be indexed, and why;
 * when it must, it is marked for this run.  0 or a negative errno.
 */
int ix_store_need(struct ix_store *s, const char *rel, enum ix_why *why);

/*
 * The USRs of header functions owned by units not marked: another unit
 * must not report them again (sink->claim).  cb returning non-zero stops.
 */
int ix_store_claimed_usrs(struct ix_store *s, int (*cb)(void *ctx, const char *usr), void *ctx);

/*
 * After a run: units that read a header whose functions were owned by a
 * unit indexed again (or removed) and are no longer in the index; one unit
 * per such header, since every unit reading it defines its inlines.  Units
 * written this run are candidates only when written_too (a worker died
 * holding claims: the others were told the functions were taken); without
 * it, they all had their chance.  Their rows go and their paths are given
 * to cb: indexing them again lets them claim those functions.
 */
int ix_store_orphan_units(struct ix_store *s, bool written_too,
			  int (*cb)(void *ctx, const char *rel), void *ctx);

/* ---- writing ---- */

struct ix_unit_result {
	const char *status;	/* "ok", "errors" or "failed" */
	unsigned errors;
	const char *first_error;	/* or NULL: the first diagnostic the sink got */
	double seconds;
};

/*
 * Start writing the unit rel: its old rows go (in the same transaction as
 * the new ones).  Then feed the records to ix_store_sink(); a unit's
 * functions before the calls and accesses made in them.
 */
int ix_store_unit_begin(struct ix_store *s, const char *rel);
const struct ix_sink *ix_store_sink(struct ix_store *s);
/* The unit is complete: 0 or a negative errno (the unit is then not written). */
int ix_store_unit_end(struct ix_store *s, const struct ix_unit_result *r);
/* the first error stored with the last unit ended ("" when none) */
const char *ix_store_unit_error(const struct ix_store *s);
/* Forget what was written since ix_store_unit_begin() (the old rows stay). */
void ix_store_unit_abort(struct ix_store *s);
/*
 * Make what was written durable (the store also commits by itself about
 * every second while writing).
 */
int ix_store_commit(struct ix_store *s);

/* what this store wrote since it was opened */
struct ix_store_counts {
	unsigned long functions, calls, accesses, fnrefs, deps;
	unsigned long orphans;	/* records naming a function the unit did not report */
};
void ix_store_counts(const struct ix_store *s, struct ix_store_counts *c);

/* how many units the index holds, by status */
int ix_store_totals(struct ix_store *s, unsigned *ok, unsigned *errors, unsigned *failed);

/* the tree-relative form of a path clang reported ("/tree/./x/../y.h" -> "y.h") */
void ix_store_relpath(const char *tree, const char *path, char *buf, size_t size);

#endif
