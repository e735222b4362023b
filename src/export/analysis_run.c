// SPDX-License-Identifier: GPL-2.0
/* The report's analyses over an exporter's event stream (export/analysis_run.h). */
#include <errno.h>
#include <string.h>
#include "common/log.h"
#include "export/analysis_run.h"

/* report_ctx.stack over the trace file's stacks (arg: the reader) */
static size_t file_stack(void *arg, int32_t id, uint64_t *ips, size_t max)
{
	size_t n = 0;
	const uint64_t *f = tfr_stack(arg, id, &n);

	if (!f)
		return 0;
	n = n < max ? n : max;
	memcpy(ips, f, n * sizeof(*ips));
	return n;
}

int export_analysis_run(struct export_analysis *ea, struct export_src *src, unsigned int parts)
{
	struct ns_capture_stats stats;
	struct ns_event ev;
	int err;

	memset(ea, 0, sizeof(*ea));
	ea->ctx.meta = tfr_meta(src->tr);
	ea->ctx.names = tfr_names(src->tr);
	ea->ctx.ksyms = tfr_ksyms(src->tr);
	ea->ctx.stack = file_stack;
	ea->ctx.stack_arg = src->tr;
	ea->ctx.top = REPORT_DEFAULT_TOP;
	ea->ctx.parts = parts;
	ea->rep = report_new(&ea->ctx);
	if (!ea->rep) {
		ns_err("cannot export '%s': %s", src->path, strerror(errno));
		return 1;
	}
	while (export_next(src, &ev))
		report_feed(ea->rep, &ev);
	err = report_finish(ea->rep, tfr_stats(src->tr, &stats) ? &stats : NULL,
			    src->truncated || src->err);
	if (err) {
		ns_err("cannot export '%s': %s", src->path, strerror(-err));
		return 1;
	}
	return 0;
}

void export_analysis_free(struct export_analysis *ea)
{
	report_free(ea->rep);
	memset(ea, 0, sizeof(*ea));
}

void export_warn_no_stacks(const struct export_analysis *ea, const char *path)
{
	if (report_result(ea->rep)->profile.n_nodes)
		return;
	ns_warn("'%s' has no kernel stacks: the output is empty (record with --sample-freq HZ,"
		" or without --stack-policy none)", path);
}
