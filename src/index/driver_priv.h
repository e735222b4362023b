/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the parallel indexer, shared by driver.c (the parent: spawning
 * and polling workers, writing their units to the store), driver_worker.c
 * (a worker process, and the claim set the workers share) and
 * driver_wire.c (the framed format between the two, both ends of it).
 */
#ifndef NETSCOPE_INDEX_DRIVER_PRIV_H
#define NETSCOPE_INDEX_DRIVER_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "index/driver.h"
#include "index/extract.h"
#include "index/records.h"

/* ---- the claim set (driver_worker.c) ---- */

#define CLAIM_SLOTS (1u << 21)		/* 2M: 16 MB of keys, touched as used */
#define OWNER_PRELOADED 0xfffffffeu	/* owned by a unit already in the index */
#define OWNER_RELEASED 0xffffffffu	/* its claimer died: the next asker takes it */

/* in MAP_SHARED memory: the parent maps it, every worker inherits it */
struct claimset {
	_Atomic uint64_t keys[CLAIM_SLOTS];
	_Atomic uint32_t owner[CLAIM_SLOTS];	/* job + 1; 0 while being set */
};

/* true when owner takes the function usr (first asker, or its claimer died) */
bool ixd_claim(struct claimset *cs, const char *usr, uint32_t owner);
/* a dead worker's claims: its unit is not in the index, another may report them */
void ixd_release_claims(struct claimset *cs, uint32_t owner);
/* ix_store_claimed_usrs() callback (ctx: the claim set): usr is taken by the index */
int ixd_preload(void *cs, const char *usr);

/* ---- the wire format (driver_wire.c) ---- */

enum {
	F_FILE = 1, F_FUNC, F_CALL, F_ACCESS, F_FNREF, F_DEP, F_DIAG, F_END,
};

/* every frame starts with its u32 length (of the whole frame) and a u8 type */
#define FRAME_HDR 5

/* the worker's end: frames batched for its result pipe */
struct wbuf {
	int fd;
	char *b;
	size_t n, cap;
	bool broken;		/* a write failed: the parent is gone */
	/* the unit's files: path -> id, a small linear-probe table */
	char **paths;
	uint32_t *ids;
	size_t fcap, nfiles;
	/* who this worker is in the claim set (sink->claim, driver_worker.c) */
	struct claimset *cs;
	uint32_t owner;
};

/* every callback of k but claim, writing records to w as frames */
void ixd_wire_sink(struct wbuf *w, struct ix_sink *k);
/* the unit job is done: its F_END frame, everything sent, file ids start again */
void ixd_wire_end_unit(struct wbuf *w, uint32_t job, int ret, const struct ix_unit_stats *stats);

/* the parent's end: one frame being read */
struct frame {
	uint8_t type;
	const char *p, *end;
};

/* the frame at buf + *off (its length already checked), *off moved past it */
struct frame ixd_frame_at(const char *buf, size_t *off);

/* what an F_END frame says */
struct unit_end {
	uint32_t job, ret, errors, failed;
	double seconds;
	const char *first_error;	/* in the frame, or NULL */
};

void ixd_read_end(struct frame *fr, struct unit_end *e);

/* the unit's file table: id -> path, from its F_FILE frames */
struct ftab {
	const char **path;
	size_t n;
};

/* one frame to the store's sink; pass 0 writes functions, pass 1 the rest */
int ixd_feed(const struct ix_sink *k, struct ftab *ft, struct frame *fr, int pass);

/* ---- a worker process (driver_worker.c) ---- */

/* read job numbers from job_fd, send each unit's frames to res_fd, until EOF */
void __attribute__((noreturn)) ixd_worker_main(int job_fd, int res_fd, const struct ix_flags *f,
					       const struct ix_job *jobs, size_t njobs,
					       struct claimset *cs);

/* CLOCK_MONOTONIC in seconds (driver.c) */
double ixd_now(void);

#endif
