// SPDX-License-Identifier: GPL-2.0
/* A trace file through the report's analyses (cmd/report_file.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "cmd/report_file.h"
#include "common/log.h"

size_t report_file_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	size_t n = 0;
	const uint64_t *f = tfr_stack(arg, id, &n);

	if (!f)
		return 0;
	n = n < max ? n : max;
	memcpy(ips, f, n * sizeof(*ips));
	return n;
}

int report_file_open(struct report_file *rf, const char *path, struct report_ctx *ctx)
{
	char err[512] = "";

	memset(rf, 0, sizeof(*rf));
	rf->tr = tfr_open(path, err, sizeof(err));
	if (!rf->tr) {
		ns_err("%s", err[0] ? err : strerror(errno));
		return 1;
	}
	ctx->meta = tfr_meta(rf->tr);
	ctx->names = tfr_names(rf->tr);
	ctx->ksyms = tfr_ksyms(rf->tr);
	ctx->stack = report_file_stack;
	ctx->stack_arg = rf->tr;
	return 0;
}

int report_file_read(struct report_file *rf, const char *path, const struct report_ctx *ctx)
{
	struct ns_capture_stats stats;
	struct ns_event ev;
	uint64_t off = 0;
	bool have_stats;
	int ret, e;

	rf->rep = report_new(ctx);
	if (!rf->rep) {
		ns_err("cannot report '%s': %s", path, strerror(errno));
		return 1;
	}
	while ((ret = tfr_next(rf->tr, &ev)) > 0) {
		report_feed(rf->rep, &ev);
		rf->events++;
	}
	if (ret < 0) {
		/* a damaged chunk mid-file: what follows cannot be trusted, so no report */
		ns_err("%s", tfr_error(rf->tr) ? tfr_error(rf->tr) : strerror(-ret));
		return 1;
	}
	rf->truncated = tfr_truncated(rf->tr, &off);
	if (rf->truncated)
		ns_warn("'%s' is truncated at offset %" PRIu64 " (cut off mid-write?): the report"
			" covers the %" PRIu64 " events before it", path, off, rf->events);
	have_stats = tfr_stats(rf->tr, &stats);
	e = report_finish(rf->rep, have_stats ? &stats : NULL, rf->truncated);
	if (e) {
		ns_err("cannot report '%s': %s", path, strerror(-e));
		return 1;
	}
	return 0;
}

int report_file_run(struct report_file *rf, const char *path, struct report_ctx *ctx)
{
	return report_file_open(rf, path, ctx) ? 1 : report_file_read(rf, path, ctx);
}

void report_file_close(struct report_file *rf)
{
	/* the report borrows the reader's meta, names and symbols: free it first */
	report_free(rf->rep);
	tfr_close(rf->tr);
	memset(rf, 0, sizeof(*rf));
}
