/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parallel indexing: fork()ed worker processes parse units with libclang
 * and stream their records over pipes to this process, which alone writes
 * the store.  A worker that crashes costs one unit, recorded as failed.
 */
#ifndef NETSCOPE_INDEX_DRIVER_H
#define NETSCOPE_INDEX_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include "index/kflags.h"
#include "index/store.h"

struct ix_job {
	const char *rel;	/* relative to the tree */
	const char *modname;	/* KBUILD_MODNAME, NULL: the base name */
};

struct ix_failure {
	char *rel;
	char *status;		/* "errors" or "failed" */
	char *first_error;
};

/* What ix_drive() did; it adds up over calls. */
struct ix_run {
	unsigned ok, errors, failed;	/* units written, by status */
	unsigned crashed;		/* of the failed: the worker died */
	bool interrupted;		/* SIGINT or SIGTERM: stopped, what was done is kept */
	double seconds;
	struct ix_failure *failures;	/* units with errors and failed ones */
	size_t nfailures, failures_cap;
};

/*
 * Index jobs[0..n) with nworkers processes into s, showing progress on
 * stderr (one updating line on a terminal, a line per ~10 % otherwise).
 * SIGINT/SIGTERM kill the workers; every unit written before stays, and
 * -EINTR is returned with run->interrupted set.  0 or a negative errno.
 */
int ix_drive(struct ix_store *s, const struct ix_flags *f, const struct ix_job *jobs, size_t n,
	     int nworkers, struct ix_run *run);
void ix_run_free(struct ix_run *run);

#endif
