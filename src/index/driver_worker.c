// SPDX-License-Identifier: GPL-2.0
/*
 * What runs in an index worker process: its loop over the jobs the parent
 * hands it, and the claim set the workers share.  Apart from driver.c
 * because it runs in the child after fork(); of the claim set, the parent
 * only preloads it and releases a dead worker's claims.
 *
 * Header inlines (skb_put, sk_fullsock, ...) are defined in every unit
 * that includes their header; one unit should report each.  sink->claim
 * goes to a lock-free hash set of USR hashes in MAP_SHARED memory: the
 * first worker to insert a hash owns the function.  On an incremental run
 * the set starts with the header functions already in the index.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <clang-c/Index.h>
#include "common/hash.h"
#include "index/driver_priv.h"

/* ---- the claim set ---- */

static uint64_t usr_hash(const char *s)
{
	uint64_t h = ns_str_hash(s);

	/* FNV's low bits are weak for short keys: mix (splitmix64's finalizer) */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

/* true when owner takes the function (first asker, or its claimer died) */
static bool claim(struct claimset *cs, uint64_t key, uint32_t owner)
{
	for (uint32_t n = 0, i = key & (CLAIM_SLOTS - 1); n < CLAIM_SLOTS; n++, i = (i + 1) & (CLAIM_SLOTS - 1)) {
		uint64_t k = atomic_load_explicit(&cs->keys[i], memory_order_acquire);

		if (!k) {
			uint64_t zero = 0;

			if (atomic_compare_exchange_strong(&cs->keys[i], &zero, key)) {
				atomic_store(&cs->owner[i], owner);
				return true;
			}
			k = zero;
		}
		if (k != key)
			continue;
		uint32_t o = atomic_load(&cs->owner[i]);

		if (o == owner)
			return true;
		if (o == OWNER_RELEASED)
			return atomic_compare_exchange_strong(&cs->owner[i], &o, owner);
		return false;
	}
	/* full: report it twice rather than never (the store keeps the first) */
	return true;
}

bool ixd_claim(struct claimset *cs, const char *usr, uint32_t owner)
{
	return claim(cs, usr_hash(usr), owner);
}

void ixd_release_claims(struct claimset *cs, uint32_t owner)
{
	for (uint32_t i = 0; i < CLAIM_SLOTS; i++)
		if (atomic_load_explicit(&cs->owner[i], memory_order_relaxed) == owner)
			atomic_store(&cs->owner[i], OWNER_RELEASED);
}

int ixd_preload(void *cs, const char *usr)
{
	ixd_claim(cs, usr, OWNER_PRELOADED);
	return 0;
}

/* ---- the worker ---- */

static bool ws_claim(void *ctx, const char *usr)
{
	struct wbuf *w = ctx;

	return ixd_claim(w->cs, usr, w->owner);
}

static bool read_full(int fd, void *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = read(fd, (char *)buf + off, n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		off += r;
	}
	return true;
}

void ixd_worker_main(int job_fd, int res_fd, const struct ix_flags *f, const struct ix_job *jobs,
		     size_t njobs, struct claimset *cs)
{
	struct wbuf w = { .fd = res_fd, .cs = cs };
	struct ix_sink sink = { .claim = ws_claim };
	CXIndex index = clang_createIndex(0, 0);
	uint32_t job;

	ixd_wire_sink(&w, &sink);
	while (read_full(job_fd, &job, sizeof(job))) {
		const char *argv[IX_FLAGS_MAX + 8];
		char extra[4096], path[PATH_MAX * 2];
		struct ix_unit_stats stats = {};
		int argc, ret;

		if (job >= njobs)
			break;
		w.owner = job + 1;
		snprintf(path, sizeof(path), "%s/%s", f->tree, jobs[job].rel);
		argc = ix_flags_for_file(f, jobs[job].rel, jobs[job].modname, argv, IX_FLAGS_MAX + 8,
					 extra, sizeof(extra));
		if (argc < 0) {
			ret = argc;
			stats.failed = true;
			snprintf(stats.first_error, sizeof(stats.first_error), "compiler arguments too long");
		} else {
			double t0 = ixd_now();

			ret = ix_extract_unit(index, path, argv, argc, &sink, &stats);
			if (!stats.seconds)
				stats.seconds = ixd_now() - t0;
		}
		if (w.broken)
			break;
		ixd_wire_end_unit(&w, job, ret, &stats);
		if (w.broken)
			break;
	}
	clang_disposeIndex(index);
	_exit(0);
}
