// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export --to jsonl: one JSON object per event, in file order,
 * each exactly as `netscope trace --json` prints a live event
 * (render/event_line.c, schema in docs/EVENTS.md), with the event's stack
 * whenever the trace holds one (docs/export.md, "jsonl").  The line count
 * is the event count.
 */
#include "export/export.h"
#include "export/output.h"
#include "render/event_line.h"

int export_jsonl(struct export_src *src, const char *out, const struct export_opts *o)
{
	struct event_fmt fmt = {
		.names = tfr_names(src->tr),
		.ksyms = tfr_ksyms(src->tr),
	};
	struct ns_event ev;
	FILE *f;

	(void)o;
	f = export_fopen(out);
	if (!f)
		return 1;
	while (export_next(src, &ev) && !ferror(f)) {
		const uint64_t *ips = NULL;
		size_t n = 0, skip = 0;

		if (ev.stack_id >= 0)
			ips = tfr_stack(src->tr, ev.stack_id, &n);
		if (!ips)
			n = 0;
		if (n > NS_STACK_DEPTH)
			n = NS_STACK_DEPTH;
		/* the BPF program and the tracepoint glue are not the kernel's path */
		if (n && fmt.ksyms)
			skip = ksyms__tracing_frames(fmt.ksyms, ips, n);
		event_json_print(f, &fmt, &ev, ips ? ips + skip : NULL, (int)(n - skip));
	}
	return export_fclose(f, out);
}
